"""The profiler (minigrad/profiler.py, profiler_events.py, autograd/profiler.py): PyTorch's
recipe and tutorial as written, the table against PyTorch's, counts, nesting, the Chrome trace,
the schedule, and nothing left swapped in after the block."""

from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.autograd.profiler as legacy
from minigrad import engine, nn
from minigrad import profiler as mp
from minigrad.profiler_events import _format_memory, _format_time


def _model() -> nn.Module:
    """The recipe's model (torchvision's resnet18) made small: a convolution and two Linears."""
    mg.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 4 * 4, 16),
        nn.ReLU(),
        nn.Linear(16, 10),
    )


def _run(source: str, **names: Any) -> dict[str, Any]:
    namespace: dict[str, Any] = dict(names)
    exec(compile(source, "<recipe>", "exec"), namespace)
    return namespace


def _rows(table: str) -> dict[str, list[str]]:
    """Each row's cells by name (cells are separated by two or more spaces)."""
    rows = {}
    for line in table.splitlines()[3:-2]:
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) > 1:
            rows[cells[0]] = cells[1:]
    return rows


RECIPE = """
from minigrad.profiler import profile, record_function, ProfilerActivity

inputs = torch.randn(5, 3, 8, 8)

with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
    with record_function("model_inference"):
        model(inputs)

print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=10))
print(prof.key_averages(group_by_input_shape=True).table(sort_by="cpu_time_total", row_limit=10))

with profile(activities=[ProfilerActivity.CPU],
        profile_memory=True, record_shapes=True) as prof:
    model(inputs)

print(prof.key_averages().table(sort_by="self_cpu_memory_usage", row_limit=10))
print(prof.key_averages().table(sort_by="cpu_memory_usage", row_limit=10))

with profile(activities=[ProfilerActivity.CPU]) as prof:
    model(inputs)

prof.export_chrome_trace(trace_path)

from minigrad.profiler import schedule

my_schedule = schedule(
    skip_first=10,
    wait=5,
    warmup=1,
    active=3,
    repeat=2)

def trace_handler(p):
    output = p.key_averages().table(sort_by="self_cuda_time_total", row_limit=10)
    print(output)
    p.export_chrome_trace(trace_dir + "/trace_" + str(p.step_num) + ".json")

with profile(
    activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA],
    schedule=torch.profiler.schedule(
        wait=1,
        warmup=1,
        active=2),
    on_trace_ready=trace_handler
) as p:
    for idx in range(8):
        model(inputs)
        p.step()
"""


def test_the_recipe_runs_as_written(tmp_path: Path, capsys: Any) -> None:
    """PyTorch's profiler recipe with ``import minigrad as torch`` (and a small model): its
    tables, the trace, and the scheduled loop's two traces (steps 2-3 and 6-7, handed over
    at steps 4 and 8)."""
    with pytest.warns(UserWarning, match=r"^CUDA is not available, disabling CUDA profiling$"):
        ns = _run(
            RECIPE,
            torch=mg,
            model=_model(),
            trace_path=str(tmp_path / "trace.json"),
            trace_dir=str(tmp_path),
        )
    out = capsys.readouterr().out
    assert out.count("Self CPU time total: ") == 6
    first = out[: out.index("Self CPU time total")]
    rows = _rows(first)
    assert {"model_inference", "aten::convolution", "aten::addmm", "aten::relu"} <= set(rows)
    assert rows["aten::addmm"][-1] == "2" and rows["aten::relu"][-1] == "2"
    assert rows["model_inference"][2] == "100.00%"  # everything ran inside it
    assert "Input Shapes" in out and "[[5, 64], [16, 64], [16]]" in out
    assert "Self CPU Mem" in out
    assert json.loads((tmp_path / "trace.json").read_text())["traceEvents"]
    assert sorted(p.name for p in tmp_path.glob("trace_*.json")) == [
        "trace_4.json",
        "trace_8.json",
    ]
    steps = {e.name for e in ns["p"].events() if e.name.startswith("ProfilerStep")}
    assert steps == {"ProfilerStep#6", "ProfilerStep#7"}


TUTORIAL = """
import minigrad as torch
import numpy as np
from minigrad import nn
import minigrad.autograd.profiler as profiler


class MyModule(nn.Module):
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super(MyModule, self).__init__()
        self.linear = nn.Linear(in_features, out_features, bias)

    def forward(self, input, mask):
        with profiler.record_function("LINEAR PASS"):
            out = self.linear(input)

        with profiler.record_function("MASK INDICES"):
            threshold = out.sum(axis=1).mean().item()
            hi_idx = np.argwhere(mask.cpu().numpy() > threshold)
            hi_idx = torch.from_numpy(hi_idx)

        return out, hi_idx


model = MyModule(50, 10)
input = torch.rand(128, 50)
mask = torch.rand((50, 50, 50), dtype=torch.double)

# warm-up
model(input, mask)

with profiler.profile(with_stack=True, profile_memory=True) as prof:
    out, idx = model(input, mask)

print(prof.key_averages(group_by_stack_n=5).table(sort_by='self_cpu_time_total', row_limit=5))
"""


def test_the_module_tutorial_runs_as_written(capsys: Any) -> None:
    """ "Profiling your PyTorch Module" (on the CPU, smaller sizes): its ranges, the memory
    columns and the source locations of the ops (the frames of the tutorial's own code)."""
    ns = _run(TUTORIAL)
    out = capsys.readouterr().out
    assert "Source Location" in out and "CPU Mem" in out
    names = {e.name for e in ns["prof"].function_events}
    assert {"LINEAR PASS", "MASK INDICES", "aten::addmm", "aten::sum", "aten::mean"} <= names
    addmm = next(e for e in ns["prof"].function_events if e.name == "aten::addmm")
    assert addmm.cpu_parent.name == "LINEAR PASS"
    assert addmm.stack[0].startswith("<recipe>(") and addmm.stack[0].endswith("): forward")
    assert addmm.self_cpu_memory_usage == 128 * 10 * 4  # the float32 output


def _program(torch: Any) -> None:
    """One program for both libraries: ops whose names are the same in both, and backward."""
    torch.manual_seed(0)
    a = torch.randn(6, 5, dtype=torch.float64, requires_grad=True)
    b = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    with torch.profiler.record_function("model_inference"):
        h = torch.mm(a, b).relu()
        y = (h * 2 + 1).sigmoid().tanh().exp()
        loss = y.sum()
    loss.backward()


def _profiled(torch: Any, **kwargs: Any) -> Any:
    with torch.profiler.profile(**kwargs) as prof:
        _program(torch)
    return prof


def test_the_table_reads_as_torchs() -> None:
    """Same program: the header lines are PyTorch's, every aten op and backward node minigrad
    names is one PyTorch reports, with the same counts; the footer's format is PyTorch's."""
    torch = pytest.importorskip("torch")
    ours = _profiled(mg, record_shapes=True).key_averages()
    theirs = _profiled(torch, record_shapes=True).key_averages()
    ours_table = ours.table(sort_by="cpu_time_total", row_limit=100)
    theirs_table = theirs.table(sort_by="cpu_time_total", row_limit=100)
    assert ours_table.splitlines()[:3] == theirs_table.splitlines()[:3]
    assert ours_table.splitlines()[-1].startswith("Self CPU time total: ")
    unit = r"\d+\.\d{3}(us|ms|s)"
    assert re.fullmatch(rf"Self CPU time total: {unit}", ours_table.splitlines()[-1])

    def forward_counts(prof: Any) -> dict[str, int]:  # the ops inside model_inference
        def inside(e: Any) -> bool:
            while e.cpu_parent is not None:
                e = e.cpu_parent
            return e.name == "model_inference"

        return dict(Counter(e.name for e in prof.events() if inside(e)))

    counts = {e.key: e.count for e in theirs}
    ours_forward = forward_counts(_profiled(mg))
    theirs_forward = forward_counts(_profiled(torch))
    for e in ours:
        if e.key.startswith("aten::"):
            assert ours_forward[e.key] == theirs_forward[e.key], e.key
        elif e.key != "model_inference":  # backward nodes, as PyTorch names them
            assert e.key in counts, e.key
            assert e.count == counts[e.key], e.key
    for name in ("aten::mm", "aten::relu", "aten::mul", "aten::add", "aten::sigmoid",
                 "aten::tanh", "aten::exp", "aten::sum", "MmBackward0",
                 "autograd::engine::evaluate_function: MmBackward0",
                 "torch::autograd::AccumulateGrad"):  # fmt: skip
        assert any(e.key == name for e in ours), name
    shaped = _profiled(mg, record_shapes=True).key_averages(group_by_input_shape=True)
    head = shaped.table(row_limit=3).splitlines()[1].split("  ")
    assert [c.strip() for c in head if c.strip()][-1] == "Input Shapes"
    assert any(e.key == "aten::mm" and e.input_shapes == [[6, 5], [5, 4]] for e in shaped)


def test_memory_and_flops_columns_match_torchs_headers() -> None:
    torch = pytest.importorskip("torch")
    kw = {"profile_memory": True, "with_flops": True}
    ours = _profiled(mg, **kw).key_averages().table(row_limit=100).splitlines()[1]
    theirs = _profiled(torch, **kw).key_averages().table(row_limit=100).splitlines()[1]
    assert ours.split() == theirs.split()
    mm = next(e for e in _profiled(mg, **kw).events() if e.name == "aten::mm")
    tmm = next(e for e in _profiled(torch, **kw).events() if e.name == "aten::mm")
    assert mm.flops == tmm.flops == 2 * 6 * 5 * 4
    assert mm.self_cpu_memory_usage == tmm.self_cpu_memory_usage == 6 * 4 * 8


def test_call_counts_are_the_calls_made() -> None:
    x = mg.randn(4, 4)
    w = mg.randn(4, 4, requires_grad=True)
    calls = {"aten::mm": 0, "aten::add": 0, "aten::relu": 0}
    with mp.profile() as prof:
        for i in range(7):
            y = x @ w
            calls["aten::mm"] += 1
            if i % 2:
                y = y + 1
                calls["aten::add"] += 1
            y = y.relu()
            calls["aten::relu"] += 1
        y.sum().backward()
    counts = {e.key: e.count for e in prof.key_averages()}
    assert {k: counts[k] for k in calls} == calls
    assert counts["aten::sum"] == 1 and counts["torch::autograd::AccumulateGrad"] == 1


def test_times_are_consistent_and_ranges_contain_their_children() -> None:
    with mp.profile() as prof:
        with mp.record_function("outer"):
            with mp.record_function("inner"):
                _program(mg)
            mg.randn(3, 3).exp()
    events = prof.events()
    for e in events:
        assert e.cpu_time_total >= 0 and 0 <= e.self_cpu_time_total <= e.cpu_time_total + 1e-9
        for c in e.cpu_children:
            assert c.cpu_parent is e
            assert e.time_range.start <= c.time_range.start <= c.time_range.end
            assert c.time_range.end <= e.time_range.end
    outer = next(e for e in events if e.name == "outer")
    inner = next(e for e in events if e.name == "inner")
    assert inner.cpu_parent is outer and outer.cpu_parent is None
    assert [c.name for c in outer.cpu_children] == ["inner", "aten::exp"]
    assert next(e for e in events if e.name == "model_inference").cpu_parent is inner
    for avg in prof.key_averages():
        assert 0 <= avg.self_cpu_time_total <= avg.cpu_time_total + 1e-9


def test_record_function_as_a_decorator_and_with_no_profiler() -> None:
    @mp.record_function("my_step")
    def step(x: mg.Tensor) -> mg.Tensor:
        return x * 2

    assert float(step(mg.ones(1))) == 2.0  # no profiler: it only runs
    with mp.profile() as prof:
        step(mg.ones(2))
        step(mg.ones(2))
    ranges = [e for e in prof.events() if e.name == "my_step"]
    assert len(ranges) == 2 and all(e.cpu_children[0].name == "aten::mul" for e in ranges)


def test_the_chrome_trace_is_json_with_nested_complete_events(tmp_path: Path) -> None:
    with mp.profile(record_shapes=True) as prof:
        _program(mg)
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    data = json.loads(path.read_text())
    spans = [e for e in data["traceEvents"] if e["ph"] == "X"]
    assert len(spans) == len(prof.events())
    assert all(e["dur"] >= 0 and isinstance(e["ts"], float) for e in spans)
    assert {e["cat"] for e in spans} == {"cpu_op", "user_annotation"}
    for a in spans:  # any two spans are nested or disjoint
        for b in spans:
            a0, a1, b0, b1 = a["ts"], a["ts"] + a["dur"], b["ts"], b["ts"] + b["dur"]
            eps = 1e-3
            assert (
                a1 <= b0 + eps
                or b1 <= a0 + eps
                or (a0 <= b0 + eps and b1 <= a1 + eps)
                or (b0 <= a0 + eps and a1 <= b1 + eps)
            )


SCHEDULES = [
    {"wait": 1, "warmup": 1, "active": 2},
    {"wait": 0, "warmup": 1, "active": 1, "repeat": 2},
    {"wait": 2, "warmup": 1, "active": 3, "repeat": 1, "skip_first": 3},
    {"wait": 1, "warmup": 2, "active": 1, "repeat": 0, "skip_first": 1, "skip_first_wait": 1},
    {"skip_first": 10, "wait": 5, "warmup": 1, "active": 3, "repeat": 2},
]


@pytest.mark.parametrize("kwargs", SCHEDULES)
def test_schedule_steps_are_torchs(kwargs: dict[str, int]) -> None:
    """The schedule's action at each step, and the steps each trace holds in a loop that
    calls ``step()``, are PyTorch's."""
    torch = pytest.importorskip("torch")
    ours, theirs = mp.schedule(**kwargs), torch.profiler.schedule(**kwargs)
    assert [ours(s).name for s in range(40)] == [theirs(s).name for s in range(40)]

    seen: list[list[int]] = []

    def ready(p: Any) -> None:
        steps = {int(e.name.split("#")[1]) for e in p.events() if e.name.startswith("Profil")}
        seen.append(sorted(steps))

    x = mg.ones(2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with mp.profile(schedule=mp.schedule(**kwargs), on_trace_ready=ready) as p:
            for _ in range(30):
                x * 2
                p.step()
    # What torch's schedule says: the steps it records, handed over after each RECORD_AND_SAVE
    # (the last one at exit). (Running torch's own profiler with some schedules crashes it.)
    recording = (
        torch.profiler.ProfilerAction.RECORD,
        torch.profiler.ProfilerAction.RECORD_AND_SAVE,
    )
    expected: list[list[int]] = []
    current: list[int] = []
    for step in range(31):
        action = theirs(step)
        if action in recording:
            current.append(step)
        elif current:  # (an incorrect schedule: stopped, not handed over)
            current = []
        if action == torch.profiler.ProfilerAction.RECORD_AND_SAVE or (step == 30 and current):
            expected.append(current)
            current = []
    assert seen == expected


def _originals() -> list[Any]:
    found = []
    for cls in mp._op_classes():
        found += [cls.__dict__.get("forward"), cls.__dict__.get("backward")]
    return [*found, engine.accumulate]


def test_nothing_stays_swapped_in_after_the_block() -> None:
    before = _originals()
    with mp.profile():
        assert _originals() != before  # (the timed versions are in while it records)
        _program(mg)
    assert _originals() == before and mp._ACTIVE is None
    with pytest.raises(ValueError, match="inside"), mp.profile():
        mg.ones(2).exp()
        raise ValueError("inside")
    assert _originals() == before and mp._ACTIVE is None
    with pytest.raises(ZeroDivisionError), legacy.profile(), mp.record_function("r"):
        1 / 0
    assert _originals() == before and mp._ACTIVE is None


def test_only_the_profiling_thread_is_recorded() -> None:
    import threading

    worker = threading.Thread(target=lambda: [mg.ones(2).sin() for _ in range(50)])
    with mp.profile() as prof:
        worker.start()
        mg.ones(2).cos()
        worker.join()
    assert [e.name for e in prof.events()] == ["aten::cos"]


def test_an_op_that_is_run_again_quietly_is_one_event() -> None:
    with mp.profile() as prof:
        mg.tensor([0.0, 1.0]).log()  # a NumPy warning: tensor.apply runs it again quietly
    assert [e.name for e in prof.events()] == ["aten::log"]


def test_nested_profilers_behave_as_torchs() -> None:
    """As in PyTorch 2.13: the inner profiler takes the session, the outer one ends empty."""
    torch = pytest.importorskip("torch")
    found = {}
    for lib in (torch, mg):
        x = lib.ones(3, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.profiler.profile() as outer:
                x.relu()
                with lib.profiler.profile() as inner:
                    lib.mm(x, x)
                x.sigmoid()
        found[lib] = (
            [e.name for e in outer.events()],
            "aten::mm" in [e.name for e in inner.events()],
        )
    assert found[mg] == found[torch] == ([], True)
    with pytest.warns(UserWarning, match="no active profiling session"), mp.profile():
        with mp.profile():
            pass


def _error(call: Any) -> tuple[str, str]:
    try:
        call()
    except Exception as e:
        return type(e).__name__, str(e)
    return "", ""


def _started(prof: Any) -> Any:
    with prof:
        pass
    return prof


def test_bad_arguments_raise_torchs_errors() -> None:
    torch = pytest.importorskip("torch")
    cases = [
        lambda lib: lib.profiler.profile(activities=[]),
        lambda lib: lib.profiler.profile(activities=["cpu"]),
        lambda lib: lib.profiler.schedule(wait=1, warmup=1, active=0),
        lambda lib: lib.profiler.schedule(wait=-1, warmup=1, active=1),
        lambda lib: lib.profiler.schedule(wait=1, warmup=1, active=1)(-1),
        lambda lib: lib.profiler.profile().events(),
        lambda lib: lib.profiler.profile().key_averages(),
        lambda lib: lib.profiler.profile().export_stacks("/nonexistent/stacks.txt"),
        lambda lib: _started(lib.profiler.profile()).export_stacks("/nonexistent/stacks.txt"),
        lambda lib: lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CUDA]).start(),
        lambda lib: lib.autograd.profiler.profile(use_cpu=False),
        lambda lib: lib.autograd.profiler.emit_nvtx().__enter__(),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case in cases:
            theirs = _error(lambda case=case: case(torch))
            assert theirs[0], case
            assert _error(lambda case=case: case(mg)) == theirs
    with mp.profile() as prof:
        mg.ones(1).exp()
    with pytest.raises(AttributeError, match=r"'FunctionEventAvg' object has no attribute 'x'"):
        prof.key_averages().table(sort_by="x")
    with pytest.raises(TypeError):
        mp.profile([mp.ProfilerActivity.CPU])  # type: ignore[misc]


def test_devices_warn_as_on_torchs_cpu_build() -> None:
    torch = pytest.importorskip("torch")
    for lib in (torch, mg):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            acts = [lib.profiler.ProfilerActivity.CPU, lib.profiler.ProfilerActivity.CUDA]
            with lib.profiler.profile(activities=acts) as prof:
                lib.ones(2, 2).exp()
            with lib.autograd.profiler.profile(use_cuda=True):
                pass
            lib.profiler.schedule(wait=0, warmup=0, active=1)
        found = [(w.category.__name__, str(w.message)) for w in seen]
        if lib is torch:
            expected = found
        assert "aten::exp" in [e.name for e in prof.events()]
        assert "Self CUDA" not in prof.key_averages().table()
    assert found == expected


def test_the_legacy_profile_as_the_intro_tutorial_uses_it(capsys: Any) -> None:
    x = mg.randn(2, 3, requires_grad=True)
    y = mg.rand(2, 3, requires_grad=True)
    z = mg.ones(2, 3, requires_grad=True)
    with mg.autograd.profiler.profile(use_cuda=False) as prf:
        for _ in range(10):
            z = (z / x) * y
    print(prf.key_averages().table(sort_by="self_cpu_time_total"))
    rows = _rows(capsys.readouterr().out)
    assert rows["aten::div"][-1] == rows["aten::mul"][-1] == "10"
    assert len(prf.function_events) == 20 and prf.self_cpu_time_total > 0
    assert str(prf).splitlines()[1].split() == prf.table().splitlines()[1].split()
    assert prf.total_average().count == 20
    with legacy.profile(enabled=False) as off:
        mg.ones(1).exp()
    assert off.function_events is None


def test_export_stacks_writes_frames_and_values(tmp_path: Path) -> None:
    with mp.profile(with_stack=True) as prof:
        mg.ones(3).exp()
    path = tmp_path / "stacks.txt"
    prof.export_stacks(str(path))
    line = path.read_text().splitlines()[0]
    assert line.endswith(tuple(f"aten::exp {n}" for n in range(10**6)))
    assert "test_export_stacks_writes_frames_and_values" in line


def test_time_and_memory_formats_are_torchs() -> None:
    pu = pytest.importorskip("torch.autograd.profiler_util")

    for t in (0.0, 0.5, 999.999, 1000.0, 123456.7, 2.5e6):
        assert _format_time(t) == pu._format_time(t)
    for n in (0, 1023, 1024, 5 * 1024**2, 3 * 1024**3, -2048):
        assert _format_memory(n) == pu._format_memory(n)


def test_each_op_class_gets_a_name() -> None:
    """An op's event is its aten name (from its node's name) or minigrad::<class>."""
    for cls in mp._op_classes():
        assert "forward" not in cls.__dict__ or callable(cls.__dict__["forward"])
    assert mp._op_name(mg.ops.MatMul(), 2) == "aten::mm"
    assert mp._op_name(mg.fused.Linear(), 3) == "aten::addmm"
    assert mp._op_name(mg.ops.ReLU(), 1) == "aten::relu"
    assert mp._op_name(mg.ops.Cast(np.float32), 1) == "aten::_to_copy"


def test_the_namespaces_are_torchs() -> None:
    torch = pytest.importorskip("torch")
    for ours, theirs in ((mp, torch.profiler), (legacy, torch.autograd.profiler)):
        for name in ours.__all__:
            assert hasattr(theirs, name), name
    assert [a.name for a in mp.ProfilerActivity] == list(
        torch.profiler.ProfilerActivity.__members__
    )
    assert [a.name for a in mp.ProfilerAction] == [a.name for a in torch.profiler.ProfilerAction]
    assert mg.profiler is mp and mg.autograd.profiler is legacy


def test_a_trace_is_saved_once_as_in_torch(tmp_path: Path) -> None:
    """Exporting the same trace a second time raises PyTorch's "Trace is already saved.", for
    both profilers; each new trace (a new block, the next scheduled cycle) can be saved."""
    torch = pytest.importorskip("torch")
    for lib, path in ((torch, tmp_path / "torch"), (mg, tmp_path / "mg")):
        path.mkdir()
        for make in (
            lambda lib=lib: lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU]),
            lambda lib=lib: lib.autograd.profiler.profile(),
        ):
            with make() as prof:
                lib.ones(3) + 1
            prof.export_chrome_trace(str(path / "a.json"))
            with pytest.raises(RuntimeError, match=r"^Trace is already saved\.$"):
                prof.export_chrome_trace(str(path / "b.json"))
            assert not (path / "b.json").exists()
            (path / "a.json").unlink()
    saved: list[int] = []

    def ready(p: Any) -> None:
        p.export_chrome_trace(str(tmp_path / f"cycle_{p.step_num}.json"))
        saved.append(p.step_num)

    sched = mp.schedule(wait=0, warmup=0, active=1, repeat=2)
    with mp.profile(schedule=sched, on_trace_ready=ready) as prof:
        for _ in range(3):
            mg.ones(2) * 2
            prof.step()
    assert saved == [1, 2]
