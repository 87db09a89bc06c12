"""Mutation run: prove the op-table tests catch a wrong backward rule on either path.

    python scripts/mutation.py                 # every mutant (about 15 s on 2 cores)
    python scripts/mutation.py --only Softmax,sum_keep

Each mutant plants one small fault, on one path of the rules: on arrays (first-order backward)
or on Tensors (``create_graph=True``, what second order differentiates):

* ``scale``: one gradient a rule returns is 1% off (each input of each op, each path);
* ``detach`` (Tensor path): one gradient keeps its value but is cut from the graph, so only
  second order can see it;
* the same two faults in each helper the rules are written with: every function of a module
  that defines ops and records one on Tensors (``ops.sum_keep``, ``ops.exp``, ``conv.conv``...),
  and the engine's ``sum_to``.

For each mutant the op-table checks (``tests/test_ops.py``: gradcheck, gradgradcheck with
respect to inputs and grad_outputs, and the Tensor path giving exactly the array path's first
order) run on the rows that exercise the mutated code, until one fails: the mutant is killed.
A mutant that survives every row is a blind spot; the run exits with status 1 if there is one.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from op_specs import OP_CLASSES, ROWS_OF_OP, SPECS, OpSpec  # noqa: E402
from test_ops import _gradcheck, _rng, check_both_paths, check_gradgrad  # noqa: E402

from minigrad import engine  # noqa: E402
from minigrad.engine import Op  # noqa: E402
from minigrad.graph import iter_graph  # noqa: E402
from minigrad.tensor import Tensor, from_data  # noqa: E402

FACTOR = 1.01


def _helpers() -> list[tuple[Any, str]]:
    """The helpers rules are written with: every function of a module that defines ops and
    records an op on Tensors (``TensorMakers.apply``), plus the engine's ``sum_to``."""
    found: list[tuple[Any, str]] = []
    for module in sorted({sys.modules[c.__module__] for c in OP_CLASSES}, key=lambda m: m.__name__):
        for name, f in vars(module).items():
            if inspect.isfunction(f) and f.__module__ == module.__name__:
                if "TensorMakers.apply" in inspect.getsource(f):
                    found.append((module, name))
    return [*found, (engine, "sum_to")]


HELPERS = _helpers()


@dataclass
class Mutant:
    """One planted fault: where (an op's rule or a helper), on which path, which kind."""

    target: str  # "Softmax.backward[0]" or "ops.sum_keep"
    path: str  # "array" or "tensor"
    kind: str  # "scale" or "detach"
    patch: Callable[[], Callable[[], None]]  # plants the fault, returns the undo
    rows: list[OpSpec]

    @property
    def name(self) -> str:
        return f"{self.target} {self.path} {self.kind}"


def _is_tensor(v: Any) -> bool:
    """Whether ``v`` is a Tensor; for the gradients of an op with several outputs (a list, as
    ``Unbind`` receives, None where none reached), whether any of them is one."""
    if isinstance(v, (list, tuple)):
        return any(isinstance(g, Tensor) for g in v)
    return isinstance(v, Tensor)


def _fault(v: Any, kind: str) -> Any:
    if kind == "scale":
        return v * FACTOR
    return from_data(np.array(v._data))  # detach: the same value, no graph


def _rule_mutant(cls: type[Op], i: int, path: str, kind: str) -> Callable[[], Callable[[], None]]:
    def patch() -> Callable[[], None]:
        had = "backward" in cls.__dict__
        original = cls.backward

        def backward(self: Op, grad: Any, out: Any, *xs: Any) -> tuple[Any, ...]:
            gs = list(original(self, grad, out, *xs))
            if type(self) is cls and _is_tensor(grad) == (path == "tensor") and gs[i] is not None:
                gs[i] = _fault(gs[i], kind)
            return tuple(gs)

        cls.backward = backward  # type: ignore[method-assign]

        def undo() -> None:
            if had:
                cls.backward = original  # type: ignore[method-assign]
            else:
                del cls.backward

        return undo

    return patch


def _helper_mutant(
    module: Any, name: str, path: str, kind: str
) -> Callable[[], Callable[[], None]]:
    def patch() -> Callable[[], None]:
        original = getattr(module, name)

        def helper(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            if _is_tensor(result) == (path == "tensor"):
                result = _fault(result, kind)
            return result

        return _replace_everywhere(name, original, helper)

    return patch


def _replace_everywhere(name: str, original: Any, new: Any) -> Callable[[], None]:
    """Bind ``name`` to ``new`` in every minigrad module that holds ``original`` (``fused``
    imports ``ops``' helpers by name); return the undo."""
    holders = [
        m
        for m in list(sys.modules.values())
        if getattr(m, "__name__", "").startswith("minigrad") and getattr(m, name, None) is original
    ]
    for m in holders:
        setattr(m, name, new)
    return lambda: [setattr(m, name, original) for m in holders] and None


@contextmanager
def _watch_helpers(seen: set[tuple[str, str]]) -> Iterator[None]:
    """Record which helpers run on which path while the block runs."""
    originals = {(m, n): getattr(m, n) for m, n in HELPERS}

    def wrap(m: Any, n: str, f: Callable[..., Any]) -> Callable[..., Any]:
        def helper(*args: Any, **kwargs: Any) -> Any:
            result = f(*args, **kwargs)
            seen.add(
                (f"{m.__name__.split('.')[-1]}.{n}", "tensor" if _is_tensor(result) else "array")
            )
            return result

        return helper

    undos = [_replace_everywhere(n, f, wrap(m, n, f)) for (m, n), f in originals.items()]
    try:
        yield
    finally:
        for undo in undos:
            undo()


def _checks(spec: OpSpec) -> None:
    """The op-table checks of one row (what tests/test_ops.py runs for it)."""
    arrays = spec.arrays(_rng(spec.name))
    check_both_paths(spec, arrays)
    _gradcheck(spec, arrays)
    if spec.gradgrad:
        check_gradgrad(spec, arrays)


@functools.cache
def _helper_rows() -> dict[tuple[str, str], list[OpSpec]]:
    """For each (helper, path), the rows whose checks run it. It runs every row's checks, the
    bulk of a short run's time, and depends on nothing a mutant changes (no mutant is planted
    while ``mutants()`` calls it), so it is computed once per process. Read-only."""
    rows: dict[tuple[str, str], list[OpSpec]] = {}
    for spec in SPECS:
        seen: set[tuple[str, str]] = set()
        with _watch_helpers(seen):
            _checks(spec)
        for key in seen:
            rows.setdefault(key, []).append(spec)
    return rows


def _n_inputs(cls: type[Op], rows: list[OpSpec]) -> int:
    """How many gradients the op's rule returns (the most inputs any of its rows gives it)."""
    n = 0
    for spec in rows:
        out = spec(
            *[from_data(a, requires_grad=True) for a in spec.arrays(np.random.default_rng(0))]
        )
        for node in iter_graph([out]):
            if type(node) is cls:
                n = max(n, len(node.edges))
    return n


def mutants(only: set[str] | None = None) -> list[Mutant]:
    """Every mutant of every rule and helper (or of those named in ``only``)."""
    found: list[Mutant] = []
    for cls in OP_CLASSES:
        if only and cls.__name__ not in only:
            continue
        rows = ROWS_OF_OP.get(cls, [])
        for i in range(_n_inputs(cls, rows)):
            for path, kind in (("array", "scale"), ("tensor", "scale"), ("tensor", "detach")):
                target = f"{cls.__name__}.backward[{i}]"
                found.append(Mutant(target, path, kind, _rule_mutant(cls, i, path, kind), rows))
    wanted = [(m, n) for m, n in HELPERS if not only or n in only]
    if wanted:
        rows_of = _helper_rows()
        for m, n in wanted:
            target = f"{m.__name__.split('.')[-1]}.{n}"
            for path, kind in (("array", "scale"), ("tensor", "scale"), ("tensor", "detach")):
                rows = rows_of.get((target, path), [])
                found.append(Mutant(target, path, kind, _helper_mutant(m, n, path, kind), rows))
    return found


def killed_by(mutant: Mutant) -> str | None:
    """The first row whose checks fail with the mutant planted (None: it survived)."""
    undo = mutant.patch()
    try:
        for spec in mutant.rows:
            try:
                _checks(spec)
            except Exception:  # a failed assertion or gradcheck, or a crash: caught either way
                return spec.name
        return None
    finally:
        undo()


def run(only: set[str] | None = None, verbose: bool = True) -> tuple[int, list[str]]:
    """Run the mutants; return how many there were and the names of the survivors."""
    all_mutants = mutants(only)
    survivors = []
    for m in all_mutants:
        row = killed_by(m)
        if row is None:
            survivors.append(m.name)
        if verbose:
            status = f"killed by {row}" if row else f"SURVIVED ({len(m.rows)} rows ran)"
            print(f"{m.name:<40} {status}", flush=True)
    return len(all_mutants), survivors


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--only", metavar="LIST", help="comma-separated op classes and helper names")
    p.add_argument("-q", "--quiet", action="store_true", help="print the summary only")
    args = p.parse_args()
    start = time.perf_counter()
    only = set(args.only.split(",")) if args.only else None
    n, survivors = run(only, verbose=not args.quiet)
    took = time.perf_counter() - start
    print(f"{n - len(survivors)} of {n} mutants killed in {took:.0f} s")
    for s in survivors:
        print(f"survived: {s}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
