"""Why an eager W3 step costs more than its own Python: Python between large NumPy calls runs
slower than the same Python alone.

    python benchmarks/interference.py

Runs W3's hand-written NumPy step (forward, softmax cross-entropy, backward, SGD update) as
minigrad's eager step computes it, and the same step with a fixed piece of pure-Python work
(small objects and dict entries, the kind of work recording and walking a graph does) at the
ten places where minigrad's step runs its own code: around each module, the loss, each
backward rule and the update. For each amount of work it prints the step's extra time beside
the work's own time, measured alone on hot caches; then the same for the tiny version of the
model (12-8-8, batch 8), whose arrays evict nothing. See docs/performance.md.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import pin_threads
from workloads import WORKLOADS, MLPProblem, make_problem, tiny

PLACES = 10  # where the step calls the work: as many places as minigrad's step has its own code


class _Node:
    __slots__ = ("a", "b", "c")
    a: int
    b: tuple[int, _Node]
    c: dict[int, _Node]


def python_work(units: int) -> dict[int, _Node]:
    """``units`` small objects, tuples and dict entries: Python's own work, no NumPy."""
    table: dict[int, _Node] = {}
    for i in range(units):
        node = _Node()
        node.a, node.b, node.c = i, (i, node), table
        table[i] = node
    return table


def work_alone(units: int) -> Callable[[], None]:
    """The work one step does at its ``PLACES`` places, without the step."""

    def work() -> None:
        for _ in range(PLACES):
            python_work(units)

    return work


def numpy_step(problem: MLPProblem, units: int) -> tuple[Callable[[], None], list[np.ndarray]]:
    """One SGD step (lr 0.1) of a 2-layer ReLU MLP with softmax cross-entropy, the arrays laid
    out and the calls made as minigrad's eager step makes them, with ``python_work(units)``
    between; and the parameters it updates (w1, b1, w2, b2, weights as (out, in))."""
    w1, w2 = (np.array(w.T, order="F") for w in problem.weights)  # copies, (out, in) as nn.Linear
    b1, b2 = (b.copy() for b in problem.biases)
    rate = np.array(0.1, dtype=np.float32)
    batches = problem.batches
    state = {"i": 0}

    def step() -> None:
        x, y = batches[state["i"] % len(batches)]
        state["i"] += 1
        n = len(y)
        python_work(units)
        z1 = x @ w1.T
        z1 += b1
        python_work(units)
        a1 = np.maximum(z1, 0)
        python_work(units)
        z2 = a1 @ w2.T
        z2 += b2
        python_work(units)
        shifted = z2 - np.maximum.reduce(z2, axis=1, keepdims=True)
        e = np.exp(shifted)
        s = np.add.reduce(e, axis=1, keepdims=True)
        np.add.reduce(np.log(s[:, 0]) - shifted[np.arange(n), y], axis=None) / n  # the loss
        e /= s
        python_work(units)
        g = e * np.float32(1 / n)
        np.subtract.at(g, (np.arange(n), y), np.float32(1 / n))
        python_work(units)
        ga = g @ w2
        gw2 = np.empty(w2.shape, np.float32, order="F")
        np.matmul(a1.T, g, out=gw2.T)
        gb2 = np.add.reduce(g, axis=0)
        python_work(units)
        gz = ga * (z1 > 0)
        python_work(units)
        gw1 = np.empty(w1.shape, np.float32, order="F")
        np.matmul(x.T, gz, out=gw1.T)
        gb1 = np.add.reduce(gz, axis=0)
        python_work(units)
        for p, d in ((w1, gw1), (b1, gb1), (w2, gw2), (b2, gb2)):
            np.subtract(p, np.multiply(d, rate), out=p)
        python_work(units)

    return step, [w1, b1, w2, b2]


def side_by_side(fns: list[Callable[[], None]], calls: int, rounds: int = 21) -> list[float]:
    """Median CPU time of one call of each function, in microseconds, the functions taking
    turns round by round (so a drift of the machine moves them alike)."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, own in zip(fns, times):
            start = time.process_time()
            for _ in range(calls):
                fn()
            own.append((time.process_time() - start) / calls * 1e6)
    return [float(np.median(t)) for t in times]


def main() -> None:
    note = pin_threads(torch_too=False)
    print("| model | Python work, alone | step without it | with it | extra | extra / work |")
    print("|---|---:|---:|---:|---:|---:|")
    w3 = WORKLOADS["W3"]
    for label, spec in (("W3 784-128-10, batch 64", w3), ("tiny 12-8-8, batch 8", tiny(w3))):
        problem = make_problem(spec)
        assert isinstance(problem, MLPProblem)
        calls = 200 if spec is w3 else 2000
        for units in (8, 16, 32):
            alone, bare, with_work = side_by_side(
                [
                    work_alone(units),
                    numpy_step(problem, 0)[0],
                    numpy_step(problem, units)[0],
                ],
                calls,
            )
            extra = with_work - bare
            print(
                f"| {label} | {alone:.1f} us | {bare:.1f} us | {with_work:.1f} us | "
                f"{extra:.1f} us | {extra / alone:.2f}x |"
            )
    print(f"\nCPU time per step, medians of 21 rounds, float32, {note or 'one BLAS thread'}.")


if __name__ == "__main__":
    main()
