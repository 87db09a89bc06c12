"""Time the same workloads in minigrad, hand-written NumPy and PyTorch, side by side.

    python benchmarks/run.py [--quick] [--json out.json] [--only W1,W3,M1]

Single-threaded, float32, fixed seeds. Before timing, each framework's first-step gradients are
checked against NumPy's, so a fast wrong answer cannot win. Prints a Markdown table of medians
and ratios to NumPy, the machine and the BLAS in use. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import math
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workloads import (
    FRAMEWORKS,
    WORKLOADS,
    MLPSpec,
    Spec,
    check_gradients,
    has_runner,
    make_problem,
    make_runner,
    tiny,
    verify,
)

__all__ = ["COMPILED_TARGETS", "TARGETS", "check_gradients", "main", "tiny", "verify"]

# Ratio to NumPy each workload should stay under (M1: peak memory).
TARGETS = {"W1": 2.3, "W2": 2.2, "W3": 1.15, "W4": 2.5, "W5": 1.02, "W6": 1.3, "W7": 2.0, "M1": 1.3}
# ...and the training step compiled by minigrad.compile (docs/compile.md).
COMPILED_TARGETS = {"W1": 0.7, "W2": 0.7, "W3": 1.0, "W4": 0.8, "W5": 1.02}
MEMORY_WORKLOAD = "W3"


@dataclass(frozen=True)
class Settings:
    """How long to time: ``--quick`` shrinks everything."""

    repeats: int  # timed samples per framework (the median is reported)
    min_sample: float  # seconds a sample lasts at least (several units are run if needed)
    warmup: float  # seconds of warm-up per framework
    memory_steps: tuple[int, int]  # W3 steps for the memory runs, short and long

    @staticmethod
    def of(quick: bool, rounds: int | None = None) -> Settings:
        """The quick or full settings; ``rounds`` replaces their number of timed samples."""
        if quick:
            settings = Settings(repeats=5, min_sample=0.01, warmup=0.03, memory_steps=(100, 400))
        else:
            settings = Settings(repeats=21, min_sample=0.05, warmup=0.3, memory_steps=(500, 2000))
        return settings if rounds is None else replace(settings, repeats=rounds)


# ---------------------------------------------------------------------------------------------
# Threads and the machine


def pin_threads(torch_too: bool = True) -> str | None:
    """Limit BLAS (and PyTorch) to one thread; returns a note when that was not possible."""
    note = None
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        note = (
            "threadpoolctl is not installed, BLAS threads are NOT pinned "
            "(pip install threadpoolctl, or set OPENBLAS_NUM_THREADS=1)"
        )
    else:
        threadpool_limits(1)
    if torch_too and torch_available():
        import torch

        torch.set_num_threads(1)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # only allowed before torch's first parallel work
            pass
    return note


def torch_available() -> bool:
    return importlib.util.find_spec("torch") is not None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, Any]:
    """CPU, OS and versions, and the BLAS libraries loaded (from threadpoolctl)."""
    import minigrad

    info: dict[str, Any] = {
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "minigrad": minigrad.__version__,
        "torch": None,
        "blas": [],
        "load_average": [round(x, 2) for x in os.getloadavg()]
        if hasattr(os, "getloadavg")
        else None,
    }
    if torch_available():
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        info["blas"] = None
    else:
        keys = ("internal_api", "version", "architecture", "num_threads", "filepath")
        info["blas"] = [{k: lib.get(k) for k in keys} for lib in threadpool_info()]
    return info


def format_machine(info: dict[str, Any]) -> list[str]:
    load = info.get("load_average")
    lines = [
        f"- CPU: {info['cpu']} ({info['logical_cpus']} logical CPUs), {info['os']}"
        + (f", load average {load[0]} at the start" if load else ""),
        f"- Python {info['python']}, NumPy {info['numpy']}, minigrad {info['minigrad']}, "
        + (f"PyTorch {info['torch']}" if info["torch"] else "PyTorch not installed"),
    ]
    if info["blas"] is None:
        lines.append("- BLAS: unknown (threadpoolctl not installed)")
    for lib in info["blas"] or []:
        arch = f", {lib['architecture']}" if lib.get("architecture") else ""
        lines.append(
            f"- BLAS/OpenMP: {lib['internal_api']} {lib['version']}{arch}, "
            f"{lib['num_threads']} thread(s) ({Path(str(lib['filepath'])).name})"
        )
    return lines


# ---------------------------------------------------------------------------------------------
# Timing


@dataclass
class Timing:
    """Seconds per reported unit, one entry per timed sample.

    ``process`` says which process took each sample when the workload was timed in several
    (``--processes``); it is empty when one process took them all.
    """

    samples: list[float] = field(default_factory=list)
    units_per_sample: int = 1
    process: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return float(np.median(self.samples))

    def _process_ratios(self, base: Timing) -> np.ndarray:
        """Each process's median of its per-round ratios (one entry for a single process)."""
        ratios = np.divide(self.samples, base.samples)
        if len(set(self.process)) < 2:
            return np.array([np.median(ratios)])
        owner = np.asarray(self.process)
        return np.array([np.median(ratios[owner == i]) for i in sorted(set(self.process))])

    def ratio_to(self, base: Timing) -> float:
        """Median over rounds of this sample / the baseline's sample of the same round.

        Samples of one round are taken moments apart, so pairing them cancels the slow swings
        of a shared machine that a ratio of two medians would keep. Timed in several processes,
        the median of each process's median: a process keeps its own ratio for its whole life
        (docs/performance.md), so a process, not a round, is the unit that varies.
        """
        return float(np.median(self._process_ratios(base)))

    def ratio_spread(self, base: Timing) -> tuple[float, float]:
        """The 25th and 75th percentiles of the per-round ratios: how much to trust the median."""
        q25, q75 = np.percentile(np.divide(self.samples, base.samples), [25, 75])
        return float(q25), float(q75)

    def ratio_interval(self, base: Timing) -> tuple[float, float]:
        """A 95% confidence interval of the median ratio: how precise the median itself is.

        Distribution-free: the k-th smallest and k-th largest per-round ratios (per-process
        medians, when timed in several processes), with k the largest rank such that fewer
        than k of n values fall below the true median with probability at most 2.5% (a
        binomial count with p = 1/2). Fewer than 6 values cannot reach 95%; their interval is
        then the smallest and largest.
        """
        many = len(set(self.process)) > 1
        values = self._process_ratios(base) if many else np.divide(self.samples, base.samples)
        ratios = np.sort(values)
        n, k, below = len(ratios), 0, 0.0
        while below + math.comb(n, k) / 2**n <= 0.025:
            below += math.comb(n, k) / 2**n
            k += 1
        k = max(k, 1)
        return float(ratios[k - 1]), float(ratios[n - k])


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def _time_units(run: Callable[[], None], n: int, clock: Callable[[], float]) -> float:
    t0 = clock()
    for _ in range(n):
        run()
    return clock() - t0


def time_workload(
    spec: Spec, frameworks: list[str], settings: Settings, clock: str = "cpu"
) -> dict[str, Timing]:
    """Warm up, then time each framework in interleaved rounds; seconds per reported unit.

    Each round times every framework once, in a rotating order, so slow drifts of the machine
    hit all of them alike (see ``Timing.ratio_to``). The garbage collector stays on (it is part
    of what a user pays), but runs before each sample so no framework inherits another's
    garbage. Before each sample one unit runs untimed: the first unit after another
    framework's sample re-grows the memory that sample handed back to the system (C's
    allocator returns a heap's free top), a cost of the alternation that no training loop
    pays (W5: about 2,500 page faults, 3 ms, when minigrad follows NumPy, 1,000 the other way).
    """
    tick = CLOCKS[clock]
    problem = make_problem(spec)
    runners = {fw: make_runner(fw, problem) for fw in frameworks if has_runner(fw, problem)}
    timings = {}
    for fw, runner in runners.items():
        spent, units = 0.0, 0
        while spent < settings.warmup or units < 2:
            spent += _time_units(runner.run, 1, tick)
            units += 1
        per_unit = spent / units
        timings[fw] = Timing(units_per_sample=max(1, math.ceil(settings.min_sample / per_unit)))
    order = list(runners)
    for r in range(settings.repeats):
        for fw in order[r % len(order) :] + order[: r % len(order)]:  # rotate who goes first
            n = timings[fw].units_per_sample
            gc.collect()
            runners[fw].run()  # untimed: back to this framework's own steady state
            timings[fw].samples.append(_time_units(runners[fw].run, n, tick) / n / spec.per_unit)
    return timings


def time_in_processes(
    key: str, frameworks: list[str], settings: Settings, clock: str, processes: int, quick: bool
) -> dict[str, Timing]:
    """``time_workload`` in ``processes`` fresh processes, one after another, samples pooled.

    Each process draws its own memory layout, and on some workloads (W5) keeps a ratio of its
    own for its whole life; one process's verdict is then one draw. The pooled ``Timing``s
    remember which process took each sample, so ratios become medians over processes.
    """
    pooled: dict[str, Timing] = {}
    for i in range(processes):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--timing-child", key]
        cmd += ["--frameworks", ",".join(frameworks), "--clock", clock]
        cmd += ["--rounds", str(settings.repeats)] + (["--quick"] if quick else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"timing {key} in a child process failed:\n{out.stderr}")
        for fw, got in json.loads(out.stdout.strip().splitlines()[-1]).items():
            t = pooled.setdefault(fw, Timing(units_per_sample=got["units_per_sample"]))
            t.samples += got["samples"]
            t.process += [i] * len(got["samples"])
        print(f"    {key}: process {i + 1} of {processes} done", file=sys.stderr)
    return pooled


def timing_child(key: str, frameworks: list[str], settings: Settings, clock: str) -> str:
    """What a ``--timing-child`` process prints: its samples as one line of JSON."""
    pin_threads()
    timings = time_workload(WORKLOADS[key], frameworks, settings, clock)
    return json.dumps(
        {
            fw: {"samples": t.samples, "units_per_sample": t.units_per_sample}
            for fw, t in timings.items()
        }
    )


# ---------------------------------------------------------------------------------------------
# Memory: W3 trained in a fresh subprocess per (framework, steps, method)


def _maxrss_bytes() -> int:
    """Peak resident size of this process so far."""
    # Linux's ru_maxrss survives fork and exec, so a child of a large parent (one that
    # imported torch) would report the parent's peak; VmHWM belongs to this process alone.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB


def memory_child(framework: str, steps: int, method: str, small: bool = False) -> dict[str, Any]:
    """Train W3 for ``steps`` steps here; measure with ``tracemalloc`` or ``ru_maxrss``.

    tracemalloc starts before the data and model exist, so its peak counts everything the
    workload holds (data, weights, gradients, the graph of a step). The two methods run in
    separate processes because tracemalloc's own bookkeeping inflates the resident size.
    """
    pin_threads(torch_too=False)  # importing torch alone would dwarf what is measured
    spec = WORKLOADS[MEMORY_WORKLOAD]
    assert isinstance(spec, MLPSpec)
    shrunk = tiny(spec) if small else spec  # small: for tests
    assert isinstance(shrunk, MLPSpec)
    spec = replace(shrunk, steps=1)
    # Import everything and fill any caches on a tiny copy first: code is not what is measured.
    make_runner(framework, make_problem(tiny(spec))).run()
    gc.collect()
    if method == "tracemalloc":
        tracemalloc.start()
    runner = make_runner(framework, make_problem(spec))
    runner.run()  # the first step allocates gradients and optimizer state
    gc.collect()
    result: dict[str, Any] = {"framework": framework, "steps": steps, "method": method}
    if method == "tracemalloc":
        result["setup"] = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
    else:
        result["setup"] = _maxrss_bytes()
    for _ in range(steps):
        runner.run()
    gc.collect()
    if method == "tracemalloc":
        result["end"], result["peak"] = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    else:
        result["peak"] = result["end"] = _maxrss_bytes()
    return result


def measure_memory(settings: Settings) -> dict[str, Any]:
    """Peaks of numpy and minigrad on W3 at a short and a long run, by both methods."""
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"  # BLAS thread pools reserve memory of their own
    runs = []
    for method in ("tracemalloc", "rss"):
        for fw in ("numpy", "minigrad"):
            for steps in settings.memory_steps:
                cmd = [sys.executable, __file__, "--memory-child", fw, str(steps), method]
                out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
                if out.returncode != 0:
                    raise RuntimeError(f"memory run {fw} {steps} {method} failed:\n{out.stderr}")
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return summarize_memory(runs, settings.memory_steps)


def summarize_memory(runs: list[dict[str, Any]], steps: tuple[int, int]) -> dict[str, Any]:
    """Ratios minigrad/numpy of the long run's peak, and growth from the short to the long run.

    Memory is flat when the long run's peak exceeds the short run's by at most 2% (and 64 KiB
    for tracemalloc, 1 MiB for the resident size, below which the numbers are noise).
    """
    by = {(r["framework"], r["steps"], r["method"]): r for r in runs}
    short, long = steps
    summary: dict[str, Any] = {"steps": list(steps), "runs": runs, "methods": {}}
    for method, floor in (("tracemalloc", 64 * 1024), ("rss", 1024 * 1024)):
        m: dict[str, Any] = {}
        for fw in ("numpy", "minigrad"):
            a, b = by[(fw, short, method)], by[(fw, long, method)]
            growth = b["peak"] - a["peak"]
            m[fw] = {
                "setup": b["setup"],  # after data, model and one step
                "peak_short": a["peak"],
                "peak_long": b["peak"],
                "above_setup": b["peak"] - b["setup"],  # what a step adds at its peak
                "retained": b["end"] - b["setup"],  # still held after the steps (a leak)
                "growth": growth,
                "flat": growth <= max(0.02 * a["peak"], floor),
            }
        m["ratio"] = m["minigrad"]["peak_long"] / m["numpy"]["peak_long"]
        m["ok"] = m["ratio"] <= TARGETS["M1"] and m["numpy"]["flat"] and m["minigrad"]["flat"]
        summary["methods"][method] = m
    return summary


def format_memory(mem: dict[str, Any]) -> list[str]:
    short, long = mem["steps"]
    tm, rss = mem["methods"]["tracemalloc"], mem["methods"]["rss"]

    def row(label: str, m: dict[str, Any], key: str, ratio: str = "", target: str = "") -> str:
        # + 0.0 turns a rounded -0.0 into 0.0
        cells = [f"{round(m[fw][key] / 2**20, 2) + 0.0:.2f} MiB" for fw in ("numpy", "minigrad")]
        return f"| {label} | {cells[0]} | {cells[1]} | {ratio} | {target} |"

    def growth(label: str, m: dict[str, Any]) -> str:
        cells = [
            f"{m[fw]['growth'] / 1024:+.0f} KiB ({'flat' if m[fw]['flat'] else 'GROWS'})"
            for fw in ("numpy", "minigrad")
        ]
        verdict = "ok" if m["numpy"]["flat"] and m["minigrad"]["flat"] else "MISSED"
        return f"| {label} | {cells[0]} | {cells[1]} | | flat {verdict} |"

    target = f"<= {TARGETS['M1']}x"
    return [
        f"| M1 memory: W3 training, {long} steps | numpy | minigrad | minigrad/numpy | target |",
        "|---|---:|---:|---:|---|",
        row("tracemalloc peak (data, model, graph)", tm, "peak_long", f"{tm['ratio']:.2f}x",
            f"{target} {'ok' if tm['ratio'] <= TARGETS['M1'] else 'MISSED'}"),
        row("  of which one step's transients", tm, "above_setup"),
        row("  still held after the last step", tm, "retained"),
        growth(f"tracemalloc peak, {long} vs {short} steps", tm),
        row("peak RSS (whole process)", rss, "peak_long", f"{rss['ratio']:.2f}x"),
        growth(f"peak RSS, {long} vs {short} steps", rss),
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Report


def _fmt_time(seconds: float) -> str:
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us")):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def format_table(
    results: dict[str, dict[str, Timing]], frameworks: list[str], wrong: dict[str, list[str]]
) -> list[str]:
    cols = [fw for fw in FRAMEWORKS if fw in frameworks]
    ratio_cols = [fw for fw in cols if fw != "numpy"]
    head = ["workload", "time per", *cols, *[f"{fw}/numpy" for fw in ratio_cols], "target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * (len(head) - 3) + "---|"]
    for key, timings in results.items():
        spec = WORKLOADS[key]
        row = [f"{key} {spec.title}", spec.unit]
        base = timings.get("numpy")
        for fw in cols:
            row.append(_fmt_time(timings[fw].median) if fw in timings else _missing(key, fw, wrong))
        for fw in ratio_cols:
            t = timings.get(fw)
            if t is None or base is None:
                row.append("-")
                continue
            q25, q75 = t.ratio_spread(base)
            row.append(f"{t.ratio_to(base):.2f}x ({q25:.2f}-{q75:.2f})")
        target = f"<= {TARGETS[key]}x{_verdict(timings.get('minigrad'), base, TARGETS[key])}"
        if key in COMPILED_TARGETS:
            verdict = _verdict(timings.get("compiled"), base, COMPILED_TARGETS[key])
            target += f"; compiled <= {COMPILED_TARGETS[key]}x{verdict}"
        row.append(target)
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _verdict(t: Timing | None, base: Timing | None, target: float) -> str:
    """'ok' or 'MISSED' by the median ratio, saying 'within noise' when the median's 95%
    confidence interval reaches across the target (more rounds, ``--rounds``, would settle it)."""
    if t is None or base is None:
        return ""
    low, high = t.ratio_interval(base)
    if t.ratio_to(base) <= target:
        return " ok" if high <= target else f" ok, within noise (95% CI {low:.3f}-{high:.3f})"
    return " MISSED" if low > target else f" MISSED, within noise (95% CI {low:.3f}-{high:.3f})"


def _missing(key: str, fw: str, wrong: dict[str, list[str]]) -> str:
    return "WRONG GRADIENTS" if f"{key}/{fw}" in wrong else "skipped"


# ---------------------------------------------------------------------------------------------
# Profiling (minigrad only), for the people who make it faster


# ---------------------------------------------------------------------------------------------
# Main


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {value}")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="run everything small (< 1 minute)")
    p.add_argument("--json", metavar="PATH", help="also write all results to this JSON file")
    p.add_argument("--only", metavar="LIST", help="comma-separated workloads, e.g. W1,W3,M1")
    p.add_argument(
        "--frameworks",
        metavar="LIST",
        default=",".join(FRAMEWORKS),
        help="comma-separated frameworks (default: all installed)",
    )
    p.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="this process's CPU time (default: steady on a busy machine) or wall time",
    )
    p.add_argument(
        "--rounds",
        type=_positive,
        metavar="N",
        help="timed samples per framework (default 21, or 5 with --quick); more rounds narrow "
        "the confidence interval of each median ratio",
    )
    p.add_argument(
        "--processes",
        type=_positive,
        default=1,
        metavar="N",
        help="time each workload in N fresh processes, one after another, and report the "
        "median over processes of each one's median ratio (a process keeps its own ratio on "
        "W5; 6 or more give a 95%% confidence interval of that median)",
    )
    p.add_argument("--timing-child", metavar="KEY", help=argparse.SUPPRESS)
    p.add_argument(
        "--profile",
        action="store_true",
        help="instead of timing, print minigrad's cProfile for the chosen workloads",
    )
    p.add_argument(
        "--memory-child", nargs=3, metavar=("FW", "STEPS", "METHOD"), help=argparse.SUPPRESS
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.memory_child:
        fw, steps, method = args.memory_child
        print(json.dumps(memory_child(fw, int(steps), method)))
        return 0
    if args.timing_child:
        frameworks = args.frameworks.split(",")
        print(
            timing_child(
                args.timing_child, frameworks, Settings.of(args.quick, args.rounds), args.clock
            )
        )
        return 0
    every = [*WORKLOADS, "M1"]
    keys = every if not args.only else [k.strip().upper() for k in args.only.split(",")]
    unknown = [k for k in keys if k not in every]
    if unknown:
        print(f"run.py: unknown workload(s) {unknown}; choose from {every}", file=sys.stderr)
        return 2
    if args.profile:
        from profiling import report

        pin_threads()
        print(report([k for k in keys if k in WORKLOADS]))
        return 0

    settings = Settings.of(args.quick, args.rounds)
    notes = [n for n in [pin_threads()] if n]
    frameworks = [fw.strip() for fw in args.frameworks.split(",")]
    if "numpy" not in frameworks:
        frameworks.insert(0, "numpy")  # the baseline every ratio and check refers to
    if "torch" in frameworks and not torch_available():
        frameworks.remove("torch")
        notes.append("PyTorch is not installed: its column is skipped (pip install torch)")

    command = "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    info = machine_info()
    wrong: dict[str, list[str]] = {}
    results: dict[str, dict[str, Timing]] = {}
    started = time.perf_counter()
    for key in [k for k in keys if k in WORKLOADS]:
        spec = WORKLOADS[key]
        problems = verify(spec, tuple(frameworks))
        ok = [fw for fw in frameworks if not problems.get(fw)]
        for fw, found in problems.items():
            if found:
                wrong[f"{key}/{fw}"] = found
                print(f"{key} {fw}: gradients disagree with NumPy, not timed:", file=sys.stderr)
                for line in found:
                    print(f"    {line}", file=sys.stderr)
        if args.processes > 1:
            results[key] = time_in_processes(
                key, ok, settings, args.clock, args.processes, args.quick
            )
        else:
            results[key] = time_workload(spec, ok, settings, args.clock)
        print(f"  timed {key} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    memory = measure_memory(settings) if "M1" in keys else None

    lines = [f"Command: `{command.strip()}`", "", *format_machine(info), ""]
    if results:
        lines += [*format_table(results, frameworks, wrong), ""]
    if memory:
        lines += [*format_memory(memory), ""]
    scope = "quick" if args.quick else "full"
    per_process = (
        f" in each of {args.processes} processes (ratios: the median over processes of each "
        "process's median ratio)"
        if args.processes > 1
        else ""
    )
    lines.append(
        f"Medians of {settings.repeats} samples{per_process} ({scope} run, each sample at least "
        f"{settings.min_sample * 1000:.0f} ms of {args.clock} time, after one untimed unit), "
        "float32, 1 thread. Ratios are to hand-written NumPy: the median of per-round ratios "
        "(interquartile range in parentheses); 'within noise' marks a verdict whose median's "
        "95% confidence interval spans the target (--rounds N narrows it within one process, "
        "--processes N across processes). "
        f"Total {time.perf_counter() - started:.0f} s."
    )
    lines += [f"Note: {n}" for n in notes]
    print("\n".join(lines))

    if args.json:
        out = {
            "command": command.strip(),
            "machine": info,
            "settings": {**settings.__dict__, "clock": args.clock},
            "notes": notes,
            "gradient_check_failures": wrong,
            "results": {
                key: {
                    "title": WORKLOADS[key].title,
                    "unit": WORKLOADS[key].unit,
                    "target_ratio": TARGETS[key],
                    "seconds": {fw: t.median for fw, t in timings.items()},
                    "ratio_to_numpy": {
                        fw: t.ratio_to(timings["numpy"]) for fw, t in timings.items()
                    },
                    "ratio_iqr": {
                        fw: t.ratio_spread(timings["numpy"]) for fw, t in timings.items()
                    },
                    "ratio_median_95ci": {
                        fw: t.ratio_interval(timings["numpy"]) for fw, t in timings.items()
                    },
                    "samples": {fw: t.samples for fw, t in timings.items()},
                    "units_per_sample": {fw: t.units_per_sample for fw, t in timings.items()},
                    "process_of_sample": {fw: t.process for fw, t in timings.items()},
                }
                for key, timings in results.items()
            },
            "memory": memory,
        }
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
