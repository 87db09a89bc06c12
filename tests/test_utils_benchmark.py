# Holds text from pytorch/tutorials: recipes_source/recipes/benchmark.py,
# recipes_source/recipes/timer_quick_start.py. The files and their licence (BSD 3-Clause):
# tests/THIRD_PARTY_NOTICES.md.
"""``minigrad.utils.benchmark`` as PyTorch's ``torch.utils.benchmark``: the "PyTorch Benchmark"
recipe and the "Timer quick start" tutorial run with only the import changed, and what they
print (a Measurement's summary, Compare's tables) is torch's for the same raw times.

The recipe is kept as PyTorch source (its prose comments shortened, two long lines wrapped).
Run here, its sizes, thread counts and ``min_run_time`` are made smaller (``shrink``, so the
file stays fast), its ``device='cuda'`` tensors are made on the CPU, and its last section (C++
extensions timed under Callgrind) is left out: ``collect_callgrind`` and ``op_fuzzers`` are
refused, tested below.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import re
import sys
import types
from typing import Any

import numpy as np
import pytest
from test_pytorch_compat import as_minigrad

import minigrad
import minigrad.utils.benchmark as mb

ADDRESS_LINE = re.compile(
    r"^<minigrad\.utils\.benchmark\.common\.Measurement object at 0x[0-9a-f]+>$"
)

RECIPE = '''
import torch


def batched_dot_mul_sum(a, b):
    """Computes batched dot by multiplying and summing"""
    return a.mul(b).sum(-1)


def batched_dot_bmm(a, b):
    """Computes batched dot by reducing to ``bmm``"""
    a = a.reshape(-1, 1, a.shape[-1])
    b = b.reshape(-1, b.shape[-1], 1)
    return torch.bmm(a, b).flatten(-3)


# Input for benchmarking
x = torch.randn(10000, 64)

# Ensure that both functions compute the same output
assert batched_dot_mul_sum(x, x).allclose(batched_dot_bmm(x, x))

# 2. Benchmarking with timeit.Timer
import timeit

t0 = timeit.Timer(
    stmt='batched_dot_mul_sum(x, x)',
    setup='from __main__ import batched_dot_mul_sum',
    globals={'x': x})

t1 = timeit.Timer(
    stmt='batched_dot_bmm(x, x)',
    setup='from __main__ import batched_dot_bmm',
    globals={'x': x})

print(f'mul_sum(x, x):  {t0.timeit(100) / 100 * 1e6:>5.1f} us')
print(f'bmm(x, x):      {t1.timeit(100) / 100 * 1e6:>5.1f} us')

# 3. Benchmarking with torch.utils.benchmark.Timer
import torch.utils.benchmark as benchmark

t0 = benchmark.Timer(
    stmt='batched_dot_mul_sum(x, x)',
    setup='from __main__ import batched_dot_mul_sum',
    globals={'x': x})

t1 = benchmark.Timer(
    stmt='batched_dot_bmm(x, x)',
    setup='from __main__ import batched_dot_bmm',
    globals={'x': x})

print(t0.timeit(100))
print(t1.timeit(100))

num_threads = torch.get_num_threads()
print(f'Benchmarking on {num_threads} threads')

t0 = benchmark.Timer(
    stmt='batched_dot_mul_sum(x, x)',
    setup='from __main__ import batched_dot_mul_sum',
    globals={'x': x},
    num_threads=num_threads,
    label='Multithreaded batch dot',
    sub_label='Implemented using mul and sum')

t1 = benchmark.Timer(
    stmt='batched_dot_bmm(x, x)',
    setup='from __main__ import batched_dot_bmm',
    globals={'x': x},
    num_threads=num_threads,
    label='Multithreaded batch dot',
    sub_label='Implemented using bmm')

print(t0.timeit(100))
print(t1.timeit(100))

x = torch.randn(10000, 1024, device='cuda')

t0 = timeit.Timer(
    stmt='batched_dot_mul_sum(x, x)',
    setup='from __main__ import batched_dot_mul_sum',
    globals={'x': x})

t1 = timeit.Timer(
    stmt='batched_dot_bmm(x, x)',
    setup='from __main__ import batched_dot_bmm',
    globals={'x': x})

# Ran each twice to show difference before/after warm-up
print(f'mul_sum(x, x):  {t0.timeit(100) / 100 * 1e6:>5.1f} us')
print(f'mul_sum(x, x):  {t0.timeit(100) / 100 * 1e6:>5.1f} us')
print(f'bmm(x, x):      {t1.timeit(100) / 100 * 1e6:>5.1f} us')
print(f'bmm(x, x):      {t1.timeit(100) / 100 * 1e6:>5.1f} us')

t0 = benchmark.Timer(
    stmt='batched_dot_mul_sum(x, x)',
    setup='from __main__ import batched_dot_mul_sum',
    globals={'x': x})

t1 = benchmark.Timer(
    stmt='batched_dot_bmm(x, x)',
    setup='from __main__ import batched_dot_bmm',
    globals={'x': x})

# Run only once since benchmark module does warm-up for us
print(t0.timeit(100))
print(t1.timeit(100))

# 4. Benchmarking with Blocked Autorange
m0 = t0.blocked_autorange()
m1 = t1.blocked_autorange()

print(m0)
print(m1)

print(f"Mean:   {m0.mean * 1e6:6.2f} us")
print(f"Median: {m0.median * 1e6:6.2f} us")

# 5. Comparing benchmark results
from itertools import product

# Compare takes a list of measurements which we'll save in results.
results = []

sizes = [1, 64, 1024, 10000]
for b, n in product(sizes, sizes):
    # label and sub_label are the rows
    # description is the column
    label = 'Batched dot'
    sub_label = f'[{b}, {n}]'
    x = torch.ones((b, n))
    for num_threads in [1, 4, 16, 32]:
        results.append(benchmark.Timer(
            stmt='batched_dot_mul_sum(x, x)',
            setup='from __main__ import batched_dot_mul_sum',
            globals={'x': x},
            num_threads=num_threads,
            label=label,
            sub_label=sub_label,
            description='mul/sum',
        ).blocked_autorange(min_run_time=1))
        results.append(benchmark.Timer(
            stmt='batched_dot_bmm(x, x)',
            setup='from __main__ import batched_dot_bmm',
            globals={'x': x},
            num_threads=num_threads,
            label=label,
            sub_label=sub_label,
            description='bmm',
        ).blocked_autorange(min_run_time=1))

compare = benchmark.Compare(results)
compare.print()

# 6. Saving/Loading benchmark results
import pickle

ab_test_results = []
for env in ('environment A: mul/sum', 'environment B: bmm'):
    for b, n in ((1, 1), (1024, 10000), (10000, 1)):
        x = torch.ones((b, n))
        dot_fn = (batched_dot_mul_sum if env == 'environment A: mul/sum' else batched_dot_bmm)
        m = benchmark.Timer(
            stmt='batched_dot(x, x)',
            globals={'x': x, 'batched_dot': dot_fn},
            num_threads=1,
            label='Batched dot',
            description=f'[{b}, {n}]',
            env=env,
        ).blocked_autorange(min_run_time=1)
        ab_test_results.append(pickle.dumps(m))

ab_results = [pickle.loads(i) for i in ab_test_results]
compare = benchmark.Compare(ab_results)
compare.trim_significant_figures()
compare.colorize()
compare.print()

# And just to show that we can round trip all of the results from earlier:
round_tripped_results = pickle.loads(pickle.dumps(results))
assert(str(benchmark.Compare(results)) == str(benchmark.Compare(round_tripped_results)))

# 7. Generating inputs with Fuzzed Parameters
from torch.utils.benchmark import Fuzzer, FuzzedParameter, FuzzedTensor, ParameterAlias

# Generates random tensors with 128 to 10000000 elements and sizes k0 and k1 chosen from a
# ``loguniform`` distribution in [1, 10000], 40% of which will be discontiguous on average.
example_fuzzer = Fuzzer(
    parameters = [
        FuzzedParameter('k0', minval=1, maxval=10000, distribution='loguniform'),
        FuzzedParameter('k1', minval=1, maxval=10000, distribution='loguniform'),
    ],
    tensors = [
        FuzzedTensor('x', size=('k0', 'k1'), min_elements=128, max_elements=10000000,
                     probability_contiguous=0.6)
    ],
    seed=0,
)

results = []
for tensors, tensor_params, params in example_fuzzer.take(10):
    # description is the column label
    sub_label=(f"{params['k0']:<6} x {params['k1']:<4} "
               f"{'' if tensor_params['x']['is_contiguous'] else '(discontiguous)'}")
    results.append(benchmark.Timer(
        stmt='batched_dot_mul_sum(x, x)',
        setup='from __main__ import batched_dot_mul_sum',
        globals=tensors,
        label='Batched dot',
        sub_label=sub_label,
        description='mul/sum',
    ).blocked_autorange(min_run_time=1))
    results.append(benchmark.Timer(
        stmt='batched_dot_bmm(x, x)',
        setup='from __main__ import batched_dot_bmm',
        globals=tensors,
        label='Batched dot',
        sub_label=sub_label,
        description='bmm',
    ).blocked_autorange(min_run_time=1))

compare = benchmark.Compare(results)
compare.trim_significant_figures()
compare.print()
'''

QUICK_START = '''
from torch.utils.benchmark import Timer

timer = Timer(
    # The computation which will be run in a loop and timed.
    stmt="x * y",

    # `setup` will be run before calling the measurement loop, and is used to
    # populate any state which is needed by `stmt`
    setup="""
        x = torch.ones((128,))
        y = torch.ones((128,))
    """,

    # Alternatively, ``globals`` can be used to pass variables from the outer scope.
    #
    #    globals={
    #        "x": torch.ones((128,)),
    #        "y": torch.ones((128,)),
    #    },

    # Control the number of threads that PyTorch uses. (Default: 1)
    num_threads=1,
)

# Measurement objects store the results of multiple repeats, and provide
# various utility features.
from torch.utils.benchmark import Measurement

m: Measurement = timer.blocked_autorange(min_run_time=1)
print(m)
'''

QUICK_START_CPP = '''
from torch.utils.benchmark import Language

cpp_timer = Timer(
    "x * y;",
    """
        auto x = torch::ones({128});
        auto y = torch::ones({128});
    """,
    language=Language.CPP,
)

print(cpp_timer.blocked_autorange(min_run_time=1))
'''


def shrink(source: str) -> str:
    """The recipe at test sizes: smaller tensors, 10 runs where it times 100, two thread
    counts, 1 ms per measurement, three fuzzed inputs of at most 10,000 elements, the CPU for
    its CUDA tensors."""
    for old, new in [
        ("randn(10000, 64)", "randn(100, 64)"),
        ("randn(10000, 1024, device='cuda')", "randn(100, 64, device='cpu')"),
        ("timeit(100)", "timeit(10)"),
        ("/ 100 * 1e6", "/ 10 * 1e6"),
        ("min_run_time=1)", "min_run_time=0.001)"),
        ("blocked_autorange()", "blocked_autorange(min_run_time=0.001)"),
        ("sizes = [1, 64, 1024, 10000]", "sizes = [1, 64]"),
        ("[1, 4, 16, 32]", "[1, 4]"),
        ("(1024, 10000), (10000, 1)", "(64, 100), (100, 1)"),
        ("max_elements=10000000", "max_elements=10000"),
        ("take(10)", "take(3)"),
    ]:
        assert old in source, old
        source = source.replace(old, new)
    return source


def run_as_main(source: str) -> dict[str, Any]:
    """Run a program under minigrad as a script (its ``from __main__ import`` reads its own
    functions); returns its variables."""
    module = types.ModuleType("__main__")
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = module
    try:
        exec(compile(as_minigrad(source), "<program>", "exec"), module.__dict__)
    finally:
        sys.modules["__main__"] = saved
    return module.__dict__


def torch_benchmark() -> Any:
    """tb, the oracle (imported here: ``import torch`` does not load it)."""
    pytest.importorskip("torch")
    return importlib.import_module("torch.utils.benchmark")


def measurements(number: int, raw: list[float], lib: Any = mb, **spec: Any) -> Any:
    spec.setdefault("stmt", "x * y")
    spec.setdefault("setup", "pass")
    return lib.Measurement(number, list(raw), lib.TaskSpec(**spec))


# ---------------------------------------------------------------------------------------------
# The programs


def test_benchmark_recipe_runs(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_as_main(shrink(RECIPE))
    out = capsys.readouterr().out
    summaries = [line for line in out.splitlines() if line.startswith("<")]
    assert len(summaries) == 8 and all(ADDRESS_LINE.match(s) for s in summaries)
    assert "Multithreaded batch dot: Implemented using mul and sum\n" in out
    assert "setup: from __main__ import batched_dot_bmm\n" in out
    assert re.search(r"  1 measurement, 10 runs , \d+ threads?\n", out)
    assert ns["m0"].mean > 0 and ns["m0"].median > 0 and ns["m0"].task_spec.num_threads == 1
    # section 5: one table, a block per thread count, a row per size, a column per function
    table = str(mb.Compare(ns["round_tripped_results"]))  # section 5's results, pickled
    assert "1 threads: ---" in table and "4 threads: ---" in table and table in out
    for size in ("[1, 1]", "[1, 64]", "[64, 1]", "[64, 64]"):
        assert out.count(f"      {size}  ") == 2  # once per thread count
    assert re.search(r"\n +\|  mul/sum  \|  +bmm", out)
    # section 6: pickled and loaded, rows by env, trimmed, coloured
    assert all(isinstance(m, mb.Measurement) for m in ns["ab_results"])
    assert "  (environment A: mul/sum)  batched_dot(x, x)  |" in out
    assert "\033[92m" in out  # the best of each column in green
    # section 7: the fuzzed sizes are torch's for seed 0
    assert len(re.findall(r"\nTimes are in (micro|milli)seconds \((us|ms)\)\.\n", out)) == 3
    fuzzed = [m.sub_label for m in ns["results"][::2]]
    tb = torch_benchmark()
    expected = tb.Fuzzer(
        parameters=[
            tb.FuzzedParameter("k0", minval=1, maxval=10000, distribution="loguniform"),
            tb.FuzzedParameter("k1", minval=1, maxval=10000, distribution="loguniform"),
        ],
        tensors=[
            tb.FuzzedTensor(
                "x",
                size=("k0", "k1"),
                min_elements=128,
                max_elements=10000,
                probability_contiguous=0.6,
            )
        ],
        seed=0,
    )
    assert fuzzed == [
        f"{p['k0']:<6} x {p['k1']:<4} {'' if tp['x']['is_contiguous'] else '(discontiguous)'}"
        for _, tp, p in expected.take(3)
    ]


def test_recipe_op_fuzzers_and_callgrind_are_refused() -> None:
    with pytest.raises(
        ImportError, match=r"minigrad does not have torch\.utils\.benchmark\.op_fuzzers"
    ):
        exec(as_minigrad("from torch.utils.benchmark.op_fuzzers import binary"), {})
    timer = mb.Timer("batched_dot_mul_sum(x, x)", globals={"batched_dot_mul_sum": abs, "x": 1})
    with pytest.raises(NotImplementedError, match=r"collect_callgrind: minigrad has no Valgrind"):
        timer.collect_callgrind()
    with pytest.raises(ImportError, match=r"no Valgrind integration"):
        exec(as_minigrad("from torch.utils.benchmark import CallgrindStats"), {})


def test_timer_quick_start_runs(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_as_main(QUICK_START.replace("min_run_time=1", "min_run_time=0.1"))
    lines = capsys.readouterr().out.splitlines()
    m = ns["m"]
    assert lines == repr(m).splitlines()
    assert ADDRESS_LINE.match(lines[0])
    assert lines[1:6] == [
        "x * y",
        "setup:",
        "  x = torch.ones((128,))",
        "  y = torch.ones((128,))",
        "",
    ]
    n = len(m.times)  # several blocks, unless a busy machine made one block take 0.1 s
    assert re.fullmatch(rf"  {'Median: ' if n > 1 else ''}\d+\.\d\d [un]s", lines[6])
    per = "runs per measurement," if n > 1 else "runs ,"
    assert f"  {n} measurement{'s' if n > 1 else ''}, {m.number_per_run} {per} 1 thread" in lines
    assert isinstance(m, ns["Measurement"]) and m.number_per_run >= 100  # x * y takes ~1 us
    assert m.times == [t / m.number_per_run for t in m.raw_times]
    assert 1 <= m.significant_figures <= 4 and m.iqr >= 0
    # the C++ snippet: refused, naming what is missing
    with pytest.raises(NotImplementedError, match=r"Language\.CPP\): minigrad has no C\+\+ API"):
        exec(as_minigrad(QUICK_START_CPP), ns)
    with pytest.raises(NotImplementedError, match=r"no Valgrind integration"):
        ns["timer"].collect_callgrind()


def test_timer_times_plain_python_numpy_and_tensors() -> None:
    calls: list[int] = []
    given = {"a": np.ones((4, 4)), "log": calls.append}
    m = mb.Timer("log(1); a @ a", globals=given).timeit(10)
    assert m.number_per_run == 10 and len(m.raw_times) == 1 and m.times[0] == m.raw_times[0] / 10
    assert len(calls) == 2 + 10  # a warm-up of max(10 // 100, 2) runs, then 10
    assert set(given) == {"a", "log"}  # the caller's dict is copied: no torch, no __builtins__
    m = mb.Timer("sum(range(10))").blocked_autorange(min_run_time=0.01)
    assert sum(m.raw_times) >= 0.01 and m.number_per_run >= 10
    t = minigrad.ones(3, requires_grad=True)
    mb.Timer("(t * 2).sum().backward()", globals={"t": t}).timeit(5)
    assert t.grad is not None and t.grad.tolist() == [14.0] * 3  # 2 + 5 runs of 2 each
    own = object()
    timer = mb.Timer("torch", globals={"torch": own})
    assert timer._globals["torch"] is own and mb.Timer()._globals["torch"] is minigrad


def test_timer_sets_and_restores_the_blas_threads() -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = minigrad.get_num_threads()
    seen: list[tuple[int, list[int]]] = []

    def look() -> None:
        pools = [
            p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"
        ]
        seen.append((minigrad.get_num_threads(), pools))

    timer = mb.Timer("look()", globals={"look": look}, num_threads=3)
    timer.timeit(2)
    timer.blocked_autorange(min_run_time=0.001)
    assert seen and all(n == 3 for n, _ in seen)
    assert all(pools == [3] * len(pools) for _, pools in seen)
    assert minigrad.get_num_threads() == before
    with pytest.raises(RuntimeError, match="set_num_threads expects a positive integer"):
        mb.Timer("pass", num_threads=0).timeit(1)


def test_adaptive_autorange_and_callback() -> None:
    blocks: list[tuple[int, float]] = []
    timer = mb.Timer("sum(range(50))")
    m = timer.adaptive_autorange(
        threshold=0.5, min_run_time=0.001, callback=lambda n, t: blocks.append((n, t))
    )
    # stopped by the threshold (or, on a very busy machine, by max_run_time)
    assert len(m.raw_times) >= 4 and (m.iqr / m.median < 0.5 or sum(m.raw_times) > 10)
    assert blocks == [(m.number_per_run, t) for t in m.raw_times]
    m = timer.adaptive_autorange(threshold=0.0, min_run_time=0.001, max_run_time=0.02)
    # a threshold never met: stopped by the block that passes max_run_time
    assert sum(m.raw_times) > 0.02 >= sum(m.raw_times[:-1])
    blocks.clear()
    m = timer.blocked_autorange(callback=lambda n, t: blocks.append((n, t)), min_run_time=0.005)
    assert blocks == [(m.number_per_run, t) for t in m.raw_times]


# ---------------------------------------------------------------------------------------------
# Against torch: the same raw times give the same summary, statistics and tables

REPR_CASES = [
    dict(number=100, raw=[3.7e-3]),  # one measurement: no "Median:", a space before the comma
    dict(number=10, raw=[2e-6, 2.2e-6]),
    dict(number=10, raw=[2e-6, 2.2e-6, 2.1e-6]),  # fewer than four: no IQR line
    dict(number=1000, raw=[1.0e-3, 1.01e-3, 1.02e-3, 1.0e-3, 0.99e-3], num_threads=4),
    dict(number=1, raw=[1.0, 1.2, 1.4, 2.0, 3.0, 1.1]),  # IQR over 25% of the median
    dict(number=1, raw=[1.0, 1.05, 1.1, 1.15, 1.2, 1.1]),  # over 10%
    dict(number=1, raw=[4e-8, 4.1e-8, 4e-8, 4.2e-8], stmt="x = 1\ny = x"),  # ns, multi-line
    dict(number=3, raw=[5.0, 5.5, 6.0, 5.2], setup="import math\nx = 2"),  # s, setup block
    dict(number=3, raw=[5e-5] * 5, label="Batched dot", sub_label="[1, 64]", description="bmm"),
    dict(number=3, raw=[5e-5] * 5, sub_label="float", setup="x = torch.ones(4)"),
    dict(number=3, raw=[5e-5] * 5, stmt="a\nb", sub_label="int", env="A"),
]


@pytest.mark.parametrize("case", REPR_CASES)
def test_measurement_repr_is_torchs(case: dict[str, Any]) -> None:
    tb = torch_benchmark()
    case = dict(case)
    number, raw = case.pop("number"), case.pop("raw")
    ours = repr(measurements(number, raw, **case)).splitlines()
    theirs = repr(measurements(number, raw, tb, **case)).splitlines()
    assert ADDRESS_LINE.match(ours[0])
    assert theirs[0].startswith("<torch.utils.benchmark.utils.common.Measurement object at 0x")
    assert ours[1:] == theirs[1:]


def test_measurement_summaries_are_torchs_for_random_times() -> None:
    tb = torch_benchmark()
    rng = np.random.default_rng(0)
    for _ in range(60):
        n = int(rng.integers(1, 40))
        raw = 10.0 ** rng.uniform(-9, 1) * (1 + rng.choice([0.01, 0.15, 0.5]) * rng.random(n))
        number = int(rng.choice([1, 10, 100]))
        ours = measurements(number, raw.tolist(), num_threads=int(rng.integers(1, 5)))
        theirs = measurements(number, raw.tolist(), tb, num_threads=ours.num_threads)
        assert repr(ours).splitlines()[1:] == repr(theirs).splitlines()[1:]
        assert ours.significant_figures == theirs.significant_figures
        assert ours.has_warnings == theirs.has_warnings
        assert ours.meets_confidence(0.05) == theirs.meets_confidence(0.05)


def test_statistics_are_numpys() -> None:
    raw = [5.0, 1.0, 3.0, 2.0, 4.0, 9.0, 6.0]
    m = measurements(10, raw)
    times = np.array(raw) / 10
    assert m.times == [t / 10 for t in raw]
    assert m.median == pytest.approx(np.median(times), rel=1e-15)
    assert m.mean == pytest.approx(np.mean(times), rel=1e-15)
    q75, q25 = np.percentile(times, [75, 25])
    assert m.iqr == pytest.approx(q75 - q25, rel=1e-15)
    assert m.iqr == pytest.approx(0.55 - 0.25)
    # significant figures: the middle half's spread against the median
    even = measurements(1, [1.0] * 8)
    assert even.significant_figures == 4  # no spread: the 25 ns floor, capped at 4
    assert measurements(1, [1.0, 1.1, 0.9, 1.0, 1.2, 0.8]).significant_figures == 1


def test_statistics_are_torchs() -> None:
    tb = torch_benchmark()
    rng = np.random.default_rng(1)
    for n in (1, 2, 3, 4, 7, 50):
        raw = rng.uniform(1e-4, 2e-4, n).tolist()
        ours, theirs = measurements(7, raw), measurements(7, raw, tb)
        for name in ("times", "median", "iqr", "significant_figures", "title"):
            assert getattr(ours, name) == getattr(theirs, name), name
        assert ours.mean == pytest.approx(theirs.mean, rel=1e-15)  # (summed in another order)
        assert ours.as_row_name == theirs.as_row_name == "x * y"


def test_units_and_trimming_are_torchs() -> None:
    tb = torch_benchmark()
    rng = np.random.default_rng(2)
    for t in [*(10.0 ** rng.uniform(-10, 3, 500)).tolist(), 1e-9, 1e-6, 1e-3, 1.0, 999e-9]:
        assert mb.select_unit(t) == tb.select_unit(t)
    for x in [*rng.uniform(-1e4, 1e4, 500).tolist(), 3.14159, 0.5, 125.0, 1234.5]:
        for k in (1, 2, 3, 4):
            assert mb.trim_sigfig(x, k) == tb.trim_sigfig(x, k)
    assert [mb.unit_to_english(u) for u in ("ns", "us", "ms", "s")] == [
        "nanosecond",
        "microsecond",
        "millisecond",
        "second",
    ]
    assert mb.ordered_unique([3, 1, 3, 2, 1]) == tb.ordered_unique([3, 1, 3, 2, 1])


def test_merge_is_torchs() -> None:
    tb = torch_benchmark()
    spec = dict(stmt="f(x)", setup="pass", label="L", description="d")
    for lib in (mb, tb):
        parts = [
            measurements(10, [1e-3, 2e-3], lib, **spec),
            measurements(1, [5e-4], lib, **{**spec, "description": "e"}),
            measurements(100, [1e-2], lib, **spec),
        ]
        for p in parts:
            p.metadata = {"run": 1}
        merged = lib.Measurement.merge(parts)
        if lib is mb:
            ours = merged
    assert [(m.number_per_run, m.raw_times, m.description, m.metadata) for m in ours] == [
        (m.number_per_run, m.raw_times, m.description, m.metadata) for m in merged
    ]
    assert ours[0].raw_times == [1e-4, 2e-4, 1e-4] and ours[0].metadata is None


def test_measurement_pickles() -> None:
    m = measurements(10, [1e-3, 2e-3, 1.5e-3, 1.2e-3], label="L", env="A")
    m.metadata = {"commit": "abc"}
    text = repr(m)
    back = pickle.loads(pickle.dumps(m))
    assert back == m and back is not m and back.metadata == {"commit": "abc"}
    assert repr(back).splitlines()[1:] == text.splitlines()[1:]
    assert back.env == "A" and back.label == "L" and back.num_threads == 1
    with pytest.raises(AttributeError):
        back.no_such_field


def _table_inputs(rng: np.random.Generator) -> list[tuple[int, list[float], dict[str, Any]]]:
    """Measurements as the recipe makes them: labels, rows by sub_label (or stmt), columns by
    description, blocks by thread count, optional envs, missing cells and replicates."""
    specs = []
    labels = ["Batched dot", "Other"][: int(rng.integers(1, 3))]
    envs = [None] if rng.random() < 0.5 else ["environment A: mul/sum", "environment B: bmm"]
    for label, sub, desc, threads, env in (
        (la, s, d, t, e)
        for la in labels
        for s in ("[1, 1]", "[64, 1024]", None)
        for d in ("mul/sum", "bmm")
        for t in (1, 4)
        for e in envs
    ):
        if rng.random() < 0.2:
            continue
        n = int(rng.integers(1, 30))
        raw = 10.0 ** rng.uniform(-7, -1) * (1 + rng.choice([0.01, 0.15, 0.5]) * rng.random(n))
        spec = dict(
            stmt="batched_dot(x, x)",
            setup="pass",
            label=label,
            sub_label=sub,
            description=desc,
            num_threads=threads,
            env=env,
        )
        specs.append((int(rng.choice([1, 100])), raw.tolist(), spec))
        if rng.random() < 0.2:
            specs.append((10, raw[:3].tolist(), spec))  # a replicate, merged by Compare
    return specs


@pytest.mark.parametrize("options", ["", "trim", "colorize", "rowwise", "warnings", "all"])
def test_compare_tables_are_torchs(options: str) -> None:
    tb = torch_benchmark()
    rng = np.random.default_rng(len(options))
    for _ in range(6):
        specs = _table_inputs(rng)
        tables = []
        for lib in (mb, tb):
            compare = lib.Compare([measurements(n, raw, lib, **s) for n, raw, s in specs])
            if options in ("trim", "all"):
                compare.trim_significant_figures()
            if options in ("colorize", "rowwise", "all"):
                compare.colorize(rowwise=options == "rowwise")
            if options in ("warnings", "all"):
                compare.highlight_warnings()
            tables.append(str(compare).splitlines())
        assert tables[0] == tables[1]


def test_compare_prints_the_recipes_table(capsys: pytest.CaptureFixture[str]) -> None:
    results = [
        measurements(
            1, [t * 1e-6] * 5, label="Batched dot", sub_label=s, description=d, num_threads=th
        )
        for th in (1, 4)
        for s, ts in (("[1, 1]", (5.9, 11.2)), ("[10000, 10000]", (267073.7, 118823.7)))
        for d, t in zip(("mul/sum", "bmm"), ts)
    ]
    mb.Compare(results).print()
    assert capsys.readouterr().out.splitlines() == [
        "[--------------- Batched dot ----------------]",
        "                      |  mul/sum   |    bmm   ",
        "1 threads: -----------------------------------",
        "      [1, 1]          |       5.9  |      11.2",
        "      [10000, 10000]  |  267073.7  |  118823.7",
        "4 threads: -----------------------------------",
        "      [1, 1]          |       5.9  |      11.2",
        "      [10000, 10000]  |  267073.7  |  118823.7",
        "",
        "Times are in microseconds (us).",
        "",
    ]


def test_compare_without_description_keeps_an_empty_column() -> None:
    # torch 2.13 fails here (len(None) while laying out the header); minigrad leaves it blank
    table = str(mb.Compare([measurements(1, [2e-6] * 4)]))
    assert table.splitlines()[:4] == [
        "[--------  -------]",
        "             |     ",
        "1 threads: --------",
        "      x * y  |  2.0",
    ]
    assert "Times are in microseconds (us)." in table


# ---------------------------------------------------------------------------------------------
# Fuzzer


def _fuzzer(lib: Any, seed: int) -> Any:
    P, T = lib.FuzzedParameter, lib.FuzzedTensor
    return lib.Fuzzer(
        parameters=[
            P("k0", minval=1, maxval=10000, distribution="loguniform"),
            P("k1", minval=1, maxval=10000, distribution="loguniform"),
            [
                P("k2", minval=1, maxval=4, distribution="uniform"),
                P("s", minval=1, maxval=3, distribution="uniform"),
            ],
            P("f", minval=0.0, maxval=1.0, distribution="uniform"),
            P("d", minval=1, maxval=3, distribution="uniform", strict=True),
        ],
        tensors=[
            T(
                "x",
                size=("k0", "k1", "k2"),
                steps=(1, "s", 1),
                dim_parameter="d",
                min_elements=128,
                max_elements=100000,
                probability_contiguous=0.6,
            ),
            T("y", size=("k0", "k1"), probability_contiguous=0.3, max_allocation_bytes=400000),
        ],
        constraints=[lambda p: p["k0"] % 2 == 0 or p["k1"] > 10],
        seed=seed,
    )


def test_fuzzer_draws_torchs_parameters_and_layouts() -> None:
    tb = torch_benchmark()
    for seed in range(12):
        ours, theirs = _fuzzer(mb, seed), _fuzzer(tb, seed)
        for (t_m, p_m, q_m), (t_t, p_t, q_t) in zip(ours.take(6), theirs.take(6), strict=True):
            assert q_m == q_t
            for name in ("x", "y"):
                assert tuple(t_m[name].shape) == tuple(t_t[name].shape)
                assert t_m[name].is_contiguous() == t_t[name].is_contiguous()
                assert p_m[name]["order"].tolist() == p_t[name]["order"].tolist()
                for key in ("numel", "steps", "is_contiguous"):
                    assert p_m[name][key] == p_t[name][key], key
                assert p_m[name]["dtype"] == "minigrad.float32"
        assert ours.rejection_rate == theirs.rejection_rate > 0


def test_fuzzer_tensors_repeat_for_a_seed() -> None:
    first = [t["x"].numpy().copy() for t, _, _ in _fuzzer(mb, 3).take(4)]
    again = [t["x"].numpy() for t, _, _ in _fuzzer(mb, 3).take(4)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert all(0 <= a.min() and a.max() < 1 and a.dtype == np.float32 for a in first)
    ints = mb.Fuzzer(
        [mb.FuzzedParameter("n", 4, 8, "uniform")],
        [mb.FuzzedTensor("i", size=("n",), dtype=minigrad.int64)],
        seed=1,
    )
    ((tensors, props, params),) = ints.take(1)
    values = tensors["i"].numpy()
    assert values.shape == (params["n"],) and 1 <= values.min() and values.max() < 127
    assert props["i"]["dtype"] == "minigrad.int64"


def test_fuzzer_custom_distribution_and_alias() -> None:
    fuzzer = mb.Fuzzer(
        parameters=[
            mb.FuzzedParameter("k0", minval=2, maxval=1024, distribution="loguniform"),
            mb.FuzzedParameter(
                "k1", distribution={1: 0.5, mb.ParameterAlias("k0"): 0.5}, strict=True
            ),
        ],
        tensors=[mb.FuzzedTensor("x", size=("k0", "k1"))],
        seed=0,
    )
    pairs = [(p["k0"], p["k1"]) for _, _, p in fuzzer.take(40)]
    assert {k1 == 1 for _, k1 in pairs} == {True, False}
    assert all(k1 in (1, k0) for k0, k1 in pairs)
    assert repr(mb.ParameterAlias("k0")) == "ParameterAlias[alias_to: k0]"


def test_fuzzer_errors_are_torchs() -> None:
    tb = torch_benchmark()
    for lib in (mb, tb):
        with pytest.raises(AssertionError, match=r"^Unknown distribution: normal$"):
            lib.FuzzedParameter("k", 1, 2, distribution="normal")
        with pytest.raises(AssertionError, match=r"^Probabilities cannot be negative$"):
            lib.FuzzedParameter("k", distribution={1: -0.5, 2: 1.5})
        with pytest.raises(
            ValueError, match=r"^Duplicate names in parameters and tensors: \{'x'\}$"
        ):
            lib.Fuzzer([lib.FuzzedParameter("x", 1, 2, "uniform")], [lib.FuzzedTensor("x", (2,))])
        loop = lib.Fuzzer(
            [lib.FuzzedParameter("a", 1, 2, "uniform")], [], constraints=[lambda p: False], seed=0
        )
        with pytest.raises(ValueError, match=r"^Failed to generate a set of valid parameters\.$"):
            next(loop.take(1))
        with pytest.raises(ValueError, match="ParameterAlias cycle detected"):
            lib.Fuzzer._resolve_aliases(
                {"a": lib.ParameterAlias("b"), "b": lib.ParameterAlias("a")}
            )
    # torch 2.13 inverts its normalisation check (a dict summing to one is refused): ours is right
    with pytest.raises(AssertionError, match=r"^Distribution is not normalized$"):
        mb.FuzzedParameter("k", distribution={1: 0.5, 2: 0.4})
    with pytest.raises(AssertionError, match="'minval' must be None"):
        mb.FuzzedParameter("k", minval=1, distribution={1: 0.5, 2: 0.5})
    with pytest.raises(RuntimeError, match=r"cuda=True\): device 'cuda' is not available"):
        mb.FuzzedTensor("x", size=(4,), cuda=True)


# ---------------------------------------------------------------------------------------------
# PyTorch's signatures and errors


def _defaults(fn: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        name: p.default for name, p in inspect.signature(fn).parameters.items() if name not in skip
    }


def test_signatures_and_defaults_are_torchs() -> None:
    tb = torch_benchmark()
    # (the timer and dtype defaults are each library's own: its clock, its float32)
    assert _defaults(mb.Timer.__init__, ("timer", "language")) == _defaults(
        tb.Timer.__init__, ("timer", "language")
    )
    assert mb.Timer.__init__.__defaults__[-1] is mb.Language.PYTHON  # type: ignore[index]
    for name in (
        "timeit",
        "blocked_autorange",
        "adaptive_autorange",
        "collect_callgrind",
        "repeat",
        "autorange",
    ):
        assert _defaults(getattr(mb.Timer, name)) == _defaults(getattr(tb.Timer, name)), name
    for cls in ("Compare", "Fuzzer", "FuzzedParameter"):
        assert _defaults(getattr(mb, cls).__init__) == _defaults(getattr(tb, cls).__init__)
    assert _defaults(mb.FuzzedTensor.__init__, ("dtype",)) == _defaults(
        tb.FuzzedTensor.__init__, ("dtype",)
    )
    assert _defaults(mb.Compare.colorize) == _defaults(tb.Compare.colorize)
    assert [f.name for f in mb.TaskSpec.__dataclass_fields__.values()] == list(
        tb.TaskSpec.__dataclass_fields__
    )
    assert list(mb.Measurement.__dataclass_fields__) == list(tb.Measurement.__dataclass_fields__)
    assert [c.value for c in mb.Colorize] == [c.value for c in tb.Colorize]
    assert {
        "Timer",
        "Measurement",
        "Compare",
        "Fuzzer",
        "FuzzedParameter",
        "FuzzedTensor",
        "ParameterAlias",
        "TaskSpec",
        "Language",
    } <= set(mb.__all__)


BAD_CALLS = [
    (
        lambda lib: lib.Timer(stmt=lambda: None),
        ValueError,
        "Currently only a `str` stmt is supported.",
    ),
    (
        lambda lib: lib.Timer("pass", global_setup="#include <x>"),
        ValueError,
        "global_setup is C++ only, got `#include <x>`. Most likely this code can simply be moved "
        "to `setup`.",
    ),
    (lambda lib: lib.Timer("pass", language="fortran"), ValueError, "Invalid language `fortran`."),
    (lambda lib: lib.Timer("pass").repeat(), NotImplementedError, "See `Timer.blocked_autorange.`"),
    (
        lambda lib: lib.Timer("pass").autorange(),
        NotImplementedError,
        "See `Timer.blocked_autorange.`",
    ),
    (
        lambda lib: lib.Compare([1.0]),
        ValueError,
        "Expected an instance of `Measurement`, got <class 'float'> instead.",
    ),
    (
        lambda lib: lib.trim_sigfig(1.0, 1.5),
        AssertionError,
        "Number of significant figures must be an integer",
    ),
]


@pytest.mark.parametrize("call, error, message", BAD_CALLS)
def test_bad_arguments_raise_torchs_errors(call: Any, error: type, message: str) -> None:
    with pytest.raises(error) as ours:
        call(mb)
    assert str(ours.value) == message
    tb = torch_benchmark()
    with pytest.raises(error) as theirs:
        call(tb)
    assert str(theirs.value) == message


def test_cpp_and_unknown_names_are_refused_before_anything_runs() -> None:
    ran: list[int] = []
    for language in (mb.Language.CPP, "cpp", "c++"):
        with pytest.raises(NotImplementedError, match=r"minigrad has no C\+\+ API"):
            mb.Timer("ran.append(1)", globals={"ran": ran}, language=language)
    assert ran == []
    with pytest.raises(
        AttributeError, match=r"minigrad does not have torch\.utils\.benchmark\.FunctionCounts"
    ):
        mb.FunctionCounts
    assert mb.Timer("pass", language="py")._language is mb.Language.PYTHON
