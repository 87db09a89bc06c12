"""How fast an eager engine in Python can be on W3: a bare autograd with no checks at all.

    python benchmarks/floor.py

The same W3 step (Linear, ReLU, Linear, softmax cross-entropy, backward, SGD) three ways, side
by side in one process: hand-written NumPy, minigrad, and ``Bare``, the smallest engine that
still records a graph and walks it backwards: a tensor is an array and a node, a node is a rule
and its saved arrays, and nothing is checked (no shapes, dtypes, labels, versions, hooks, modules
or optimizer). Its NumPy calls are minigrad's, in minigrad's memory layout, so its gradients
equal minigrad's bit for bit (``tests/test_benchmarks.py``) and the difference between the two
is what minigrad's surface and safety cost. A second table splits a step into its phases. See
docs/performance.md ("What keeps W3 above its target").
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from interference import side_by_side
from run import pin_threads
from workloads import WORKLOADS, MLPProblem, NumpyMLP, make_problem, make_runner, tiny


class Var:
    """An array, the node that made it (None for data and parameters) and a gradient slot."""

    __slots__ = ("data", "grad", "node")

    def __init__(self, data: np.ndarray, node: Node | None = None) -> None:
        self.data, self.node, self.grad = data, node, None


class Node:
    """A backward rule, the Vars its gradients go to and the arrays it saved."""

    __slots__ = ("inputs", "rule", "saved")

    def __init__(self, rule: Callable[..., tuple[Any, ...]], inputs: tuple[Var, ...], saved: Any):
        self.rule, self.inputs, self.saved = rule, inputs, saved


def _linear_rule(g: np.ndarray, saved: Any) -> tuple[Any, ...]:
    x, w, wants_x = saved
    gw = np.empty(w.shape, w.dtype, order="F")  # as minigrad's Linear: (x^T g)^T, w's layout
    np.matmul(x.T, g, out=gw.T)
    return (g @ w if wants_x else None, gw, np.add.reduce(g, axis=0))


def linear(x: Var, w: Var, b: Var) -> Var:
    out = x.data @ w.data.T
    out += b.data
    return Var(out, Node(_linear_rule, (x, w, b), (x.data, w.data, x.node is not None)))


def _relu_rule(g: np.ndarray, x: np.ndarray) -> tuple[Any, ...]:
    return (g * (x > 0),)


def relu(x: Var) -> Var:
    return Var(np.maximum(x.data, 0), Node(_relu_rule, (x,), x.data))


def _cross_entropy_rule(g: np.ndarray, saved: Any) -> tuple[Any, ...]:
    prob, y = saved
    scale = g / len(y)
    gx = prob * scale
    np.subtract.at(gx, (np.arange(len(y)), y), scale)
    return (gx,)


def cross_entropy(x: Var, y: np.ndarray) -> Var:
    shifted = x.data - np.maximum.reduce(x.data, axis=1, keepdims=True)
    e = np.exp(shifted)
    s = np.add.reduce(e, axis=1, keepdims=True)
    losses = np.log(s[:, 0]) - shifted[np.arange(len(y)), y]
    e /= s
    loss = np.add.reduce(losses, axis=None) / len(y)
    return Var(np.asarray(loss), Node(_cross_entropy_rule, (x,), (e, y)))


def backward(loss: Var) -> None:
    """Gradients into every leaf's ``.grad``: nodes in reverse order of a depth-first walk
    (enough for a chain of layers), each rule once, gradients summed where paths meet."""
    order: list[Var] = []
    stack, seen = [loss], set()
    while stack:
        v = stack.pop()
        if v.node is not None:
            order.append(v)
            for u in v.node.inputs:
                if id(u) not in seen:
                    seen.add(id(u))
                    stack.append(u)
    grads = {id(loss): np.ones((), loss.data.dtype)}
    for v in order:
        node = v.node
        assert node is not None
        for u, g in zip(node.inputs, node.rule(grads.pop(id(v)), node.saved)):
            if g is None:
                continue
            if u.node is None:
                u.grad = g if u.grad is None else u.grad + g
            else:
                grads[id(u)] = grads[id(u)] + g if id(u) in grads else g
        v.node = None  # free the graph


class Bare:
    """W3's model and SGD on the bare engine, with the benchmark runners' ``run()``."""

    def __init__(self, problem: MLPProblem) -> None:
        self.spec = problem.spec
        self.w = [Var(np.asfortranarray(w.T)) for w in problem.weights]  # (out, in), as Linear
        self.b = [Var(b.copy()) for b in problem.biases]
        self.params = [self.w[0], self.b[0], self.w[1], self.b[1]]
        self.batches = [(Var(x), y) for x, y in problem.batches]
        self.rate = np.float32(problem.spec.lr)
        self.i = 0

    def step(self) -> None:
        x, y = self.batches[self.i % len(self.batches)]
        self.i += 1
        for p in self.params:
            p.grad = None
        hidden = relu(linear(x, self.w[0], self.b[0]))
        backward(cross_entropy(linear(hidden, self.w[1], self.b[1]), y))
        for p in self.params:
            np.subtract(p.data, np.multiply(p.grad, self.rate), out=p.data)

    def run(self) -> None:
        for _ in range(self.spec.steps):
            self.step()


PHASES = ("zero_grad", "forward", "loss", "backward", "step")


def phases(problem: MLPProblem, steps: int = 4000) -> dict[str, list[float]]:
    """Median wall time of each phase of a step, minigrad and Bare taking turns by 100 steps."""
    import minigrad.nn.functional as F

    mg = make_runner("minigrad", problem)
    bare = Bare(problem)
    clock = time.perf_counter_ns
    samples: dict[str, list[tuple[int, ...]]] = {"minigrad": [], "bare": []}
    for k in range(steps):
        i = k % len(problem.batches)
        if k // 100 % 2 == 0:
            x, y = mg.batches[i]
            t0 = clock()
            mg.opt.zero_grad()
            t1 = clock()
            out = mg.model(x)
            t2 = clock()
            loss = F.cross_entropy(out, y)
            t3 = clock()
            loss.backward()
            t4 = clock()
            mg.opt.step()
            samples["minigrad"].append((t0, t1, t2, t3, t4, clock()))
        else:
            xb, yb = bare.batches[i]
            t0 = clock()
            for p in bare.params:
                p.grad = None
            t1 = clock()
            o = linear(relu(linear(xb, bare.w[0], bare.b[0])), bare.w[1], bare.b[1])
            t2 = clock()
            bloss = cross_entropy(o, yb)
            t3 = clock()
            backward(bloss)
            t4 = clock()
            for p in bare.params:
                np.subtract(p.data, np.multiply(p.grad, bare.rate), out=p.data)
            samples["bare"].append((t0, t1, t2, t3, t4, clock()))
    medians = {}
    for name, rows in samples.items():
        ticks = np.diff(np.array(rows[len(rows) // 4 :]), axis=1) / 1e3  # warm-up dropped
        medians[name] = [*np.median(ticks, axis=0), float(np.median(ticks.sum(axis=1)))]
    return medians


def main() -> None:
    note = pin_threads(torch_too=False)
    print("| model | numpy | minigrad | bare engine | minigrad/numpy | bare/numpy |")
    print("|---|---:|---:|---:|---:|---:|")
    w3 = WORKLOADS["W3"]
    for label, spec in (("W3 784-128-10, batch 64", w3), ("tiny 12-8-8, batch 8", tiny(w3))):
        problem = make_problem(spec)
        assert isinstance(problem, MLPProblem)
        runners = [NumpyMLP(problem), make_runner("minigrad", problem), Bare(problem)]
        calls = 200 if spec is w3 else 2000
        numpy_t, mg_t, bare_t = side_by_side([r.run for r in runners], calls)
        steps = spec.steps
        print(
            f"| {label} | {numpy_t / steps:.1f} us | {mg_t / steps:.1f} us | "
            f"{bare_t / steps:.1f} us | {mg_t / numpy_t:.2f}x | {bare_t / numpy_t:.2f}x |"
        )
    print(f"\nCPU time per step, medians of 21 rounds, float32, {note or 'one BLAS thread'}.\n")
    problem = make_problem(w3)
    assert isinstance(problem, MLPProblem)
    medians = phases(problem)
    print("| W3, per step | " + " | ".join(PHASES) + " | total |")
    print("|---|" + "---:|" * (len(PHASES) + 1))
    for name, values in medians.items():
        print(f"| {name} | " + " | ".join(f"{v:.1f} us" for v in values) + " |")
    extra = [m - b for m, b in zip(medians["minigrad"], medians["bare"])]
    print("| minigrad - bare | " + " | ".join(f"{v:+.1f} us" for v in extra) + " |")
    print("\nWall time of each phase, medians of 2,000 steps each, the two taking turns.")


if __name__ == "__main__":
    main()
