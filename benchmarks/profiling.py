"""Where minigrad's time goes on a workload: phases, cProfile by category, top functions.

Used by ``python benchmarks/run.py --profile --only W1,W2,W4``. cProfile adds a fixed cost to
every Python call, so it exaggerates Python-level work against NumPy's C calls; the phase
split is measured without it. NumPy arithmetic written with operators (``a * b``) is not a
call cProfile sees: its time counts as the own time of the function that wrote it.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections import defaultdict
from typing import Any

from workloads import (
    WORKLOADS,
    CharSpec,
    CNNSpec,
    MinigradChain,
    MinigradChar,
    MinigradCNN,
    MinigradMLP,
    MLPSpec,
    make_problem,
    make_runner,
)

# (test on the file name, test on the function name, category); the first match wins.
_CATEGORIES: list[tuple[str, tuple[str, ...] | None, str]] = [
    ("minigrad/tensor.py", ("_new_tensor", "__init__", "_as_array"), "Tensor creation"),
    ("minigrad/tensor.py", ("apply", "_unary", "_binary"), "apply (run op, record node)"),
    ("minigrad/tensor.py", None, "Tensor methods (checks, dispatch)"),
    ("minigrad/engine.py", None, "engine (topological order, walk, accumulate)"),
    ("minigrad/ops.py", ("forward",), "op forward"),
    ("minigrad/ops.py", None, "op backward rules and helpers"),
    ("minigrad/fused.py", ("forward",), "op forward"),
    ("minigrad/fused.py", None, "op backward rules and helpers"),
    ("minigrad/conv.py", None, "conv and pool ops (matrix products, im2col, col2im)"),
    ("minigrad/nn/", None, "nn (Module.__call__, Linear, losses)"),
    ("minigrad/optim.py", None, "optim (zero_grad, step)"),
    ("minigrad/", None, "minigrad, other"),
    ("numpy/", None, "NumPy Python wrappers"),
]


def _category(filename: str, func: str) -> str:
    if filename == "~":  # a C function: NumPy's or a Python builtin
        return "NumPy C calls (ufuncs, ndarray methods)" if "numpy" in func else "Python builtins"
    for path, funcs, name in _CATEGORIES:
        if path in filename and (funcs is None or func in funcs):
            return name
    return "benchmark loop and other"


def by_category(stats: pstats.Stats) -> list[tuple[str, float, float]]:
    """(category, own seconds, share of the total) for a profile, largest first."""
    own: dict[str, float] = defaultdict(float)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, func), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        own[_category(filename, func)] += tottime
    total = sum(own.values()) or 1.0
    return sorted(((c, t, t / total) for c, t in own.items()), key=lambda r: -r[1])


def phase_split(key: str, units: int) -> dict[str, float]:
    """Seconds per training step (W4: per chain) in each phase, without a profiler."""
    spec = WORKLOADS[key]
    runner = make_runner("minigrad", make_problem(spec))
    runner.run()
    totals: dict[str, float] = defaultdict(float)
    clock = time.process_time  # steady on a busy machine (single-threaded work)
    if isinstance(runner, MinigradMLP | MinigradChar | MinigradCNN):
        assert isinstance(spec, MLPSpec | CharSpec | CNNSpec)
        steps = units * spec.steps
        for _ in range(steps):
            x, y = runner.data.next()
            t0 = clock()
            runner.opt.zero_grad()
            t1 = clock()
            out = runner.model(x)
            t2 = clock()
            loss = runner.loss_fn(out, y)
            t3 = clock()
            loss.backward()
            t4 = clock()
            runner.opt.step()
            t5 = clock()
            for phase, dt in zip(
                ("zero_grad", "forward (model)", "loss", "backward", "optimizer step"),
                (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4),
            ):
                totals[phase] += dt / steps
        return dict(totals)
    assert isinstance(runner, MinigradChain)
    for _ in range(units):
        a, b, h = runner.a, runner.b, runner.x
        t0 = clock()
        for i in range(runner.length):
            k = i % 4
            h = h * a if k == 0 else h + b if k == 1 else h.tanh() if k == 2 else h.sigmoid()
        loss = h.sum()
        t1 = clock()
        runner.x.grad = runner.a.grad = runner.b.grad = None
        loss.backward()
        t2 = clock()
        totals["forward (100 ops + sum)"] += (t1 - t0) / units
        totals["backward"] += (t2 - t1) / units
    return dict(totals)


def report(keys: list[str], top: int = 25) -> str:
    """The phase split, cProfile by category and the top functions by own time, per workload."""
    out = io.StringIO()
    for key in keys:
        spec = WORKLOADS[key]
        units = 3 if key == "W1" else 10 if key == "W5" else 300
        phases = phase_split(key, units)
        total = sum(phases.values())
        per = "chain" if key == "W4" else "step"
        out.write(f"\n## minigrad {key}: {spec.title}\n\nPhases (no profiler), per {per}:\n")
        for phase, sec in phases.items():
            out.write(f"  {phase:<26} {sec * 1e6:9.1f} us  {sec / total:6.1%}\n")
        out.write(f"  {'total':<26} {total * 1e6:9.1f} us\n")
        if key == "W4":
            per_op = total / WORKLOADS[key].per_unit
            out.write(f"  {'per op':<26} {per_op * 1e6:9.2f} us\n")

        runner = make_runner("minigrad", make_problem(spec))
        runner.run()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(units):
            runner.run()
        prof.disable()
        stats = pstats.Stats(prof)
        what = f"{units} chains" if key == "W4" else f"{units} x {spec.unit}"
        out.write(f"\ncProfile own time by category ({what}):\n")
        for cat, sec, share in by_category(stats):
            out.write(f"  {cat:<46} {sec:8.3f} s  {share:6.1%}\n")
        out.write(f"\nTop {top} functions by own time:\n")
        stats.stream = out  # type: ignore[attr-defined]
        stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()
