"""The compiler's templates against the ops' own rules, row by row of the op table.

Every backward rule exists twice: in its op (``ops.py``) and as the compiler's template
(``compiler/templates.py``). Each row of ``tests/op_specs.py`` is recorded, written out by the
compiler and run on random inputs; the compiler compares every forward value and every
gradient an op hands on with the engine's, so a template that drifts from its rule fails here,
and an op of ``ops.py``, ``fused.py``, ``more_ops.py``, ``gamma.py``, ``special_ops.py`` or
``zeta_igamma.py`` without a template (or never exercised by a row) fails the coverage tests
below.
"""

from __future__ import annotations

import inspect
import zlib

import numpy as np
import pytest
from op_specs import BROADCAST, BROADCAST_PAIRS, SPECS, OpSpec, Shape

import minigrad as mg
from minigrad import (
    fused,
    gamma,
    linalg_lu,
    linalg_ops,
    more_ops,
    ops,
    reflected,
    special_ops,
    zeta_igamma,
)
from minigrad.compiler import step as compiled
from minigrad.compiler import templates
from minigrad.engine import Op, run_backward
from minigrad.graph import iter_graph
from minigrad.tensor import apply

ALL_OPS = [
    c
    for module in (
        ops,
        fused,
        more_ops,
        linalg_ops,
        gamma,
        special_ops,
        linalg_lu,
        zeta_igamma,
        reflected,
    )
    for _, c in inspect.getmembers(module, inspect.isclass)
    if issubclass(c, Op)
    and c is not Op
    and c.__module__ == module.__name__
    and not (c.__name__.startswith("_") and c.__subclasses__())  # a base class, not an op
    and getattr(c, "differentiable", True)  # (no derivative: the compiler refuses it)
]
SEEN: set[type] = set()
_ROWS = np.array([0, 2, 0])


def _scatter_ref(x: np.ndarray) -> np.ndarray:
    z = np.zeros((4, 3))
    np.add.at(z, (_ROWS,), x)
    return z


# Ops that only rules record (under create_graph), so the op table has no row for them.
EXTRA = [
    OpSpec(
        "scatter_add",
        lambda x: apply(ops.ScatterAdd((_ROWS,), (4, 3)), x),
        _scatter_ref,
        ((3, 3),),
    ),
    OpSpec(
        "scatter_add_slice",
        lambda x: apply(ops.ScatterAdd((slice(1, 3),), (4, 3)), x),
        lambda x: np.concatenate([np.zeros((1, 3)), x, np.zeros((1, 3))]),
        ((2, 3),),
    ),
]


def _emit(spec: OpSpec, arrays: list[np.ndarray]) -> None:
    """Record ``sum(spec(*xs) * r)``, write it out, and compare the written gradients."""
    leaves = [mg.as_tensor(a).requires_grad_() for a in arrays]
    out = spec(*leaves)
    rng = np.random.default_rng(zlib.crc32(spec.name.encode()) + 7)
    r = mg.from_numpy(rng.standard_normal(out.shape).astype(out.dtype))  # a random upstream grad
    loss = (out * r).sum()
    order = list(iter_graph([loss]))
    SEEN.update(type(n) for n in order if isinstance(n, Op))
    records: dict[int, tuple[object, list[object] | None]] = {}

    def observe(node: object, grad: object, handed: list[object] | None) -> None:
        records[id(node)] = (grad, handed)

    seed = np.array(1, dtype=loss.dtype).reshape(loss.shape)
    run_backward([loss], [seed], retain_graph=True, create_graph=False, observe=observe)
    dummy = np.zeros(0)
    outside = [n for n in order if isinstance(n, Op) and type(n) not in templates.FORWARD]
    if outside:  # convolution and pooling (minigrad.conv): refused, naming the op
        assert all(type(n).__module__ != "minigrad.ops" for n in outside)
        with pytest.raises(compiled.CompileError, match=type(outside[-1]).__name__):
            compiled.emit_graph(loss, order, records, dummy, dummy.copy(), seed)
        return
    v = compiled.emit_graph(loss, order, records, dummy, dummy.copy(), seed)  # checks each op
    written = 0
    for leaf in leaves:
        if leaf.grad is None:
            continue
        got = v.env[v.names["grad", id(leaf)]]
        np.testing.assert_allclose(got, leaf.grad._data, rtol=1e-12, atol=1e-12)
        written += 1
    assert written == sum(t.grad is not None for t in leaves) > 0
    # The listing runs as Python: define it and run it again on the same arrays.
    fn = compiled._define(v)
    fn(dummy, dummy, [])
    for leaf in leaves:
        if leaf.grad is not None:
            got = v.env[v.names["grad", id(leaf)]]
            np.testing.assert_allclose(got, leaf.grad._data, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("spec", SPECS + EXTRA, ids=lambda s: s.name)
def test_template_agrees_with_rule(spec: OpSpec) -> None:
    _emit(spec, spec.arrays(np.random.default_rng(zlib.crc32(spec.name.encode()))))


@pytest.mark.parametrize("pair", BROADCAST_PAIRS[:4], ids=str)
@pytest.mark.parametrize("spec", BROADCAST, ids=lambda s: s.name)
def test_template_agrees_with_rule_when_broadcasting(
    spec: OpSpec, pair: tuple[Shape, Shape]
) -> None:
    _emit(spec, spec.arrays(np.random.default_rng(zlib.crc32(spec.name.encode()) + 1), pair))


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_extreme_pair_template_at_nan_and_ties(name: str) -> None:
    # NaN and ties are where maximum's rule has its conventions (both inputs keep the whole
    # gradient at a NaN, half each at a tie): the template must follow them there too.
    spec = next(s for s in SPECS if s.name == name)
    a = np.array([[1.0, np.nan, 2.0], [np.nan, 3.0, 0.5]])
    b = np.array([[2.0, 1.0, np.nan], [np.nan, 3.0, 0.25]])
    _emit(spec, [a, b])


@pytest.mark.parametrize("op", ALL_OPS, ids=lambda c: c.__name__)
def test_every_op_has_templates(op: type) -> None:
    assert op in templates.FORWARD, f"{op.__name__} has no forward template"
    assert op in templates.BACKWARD, f"{op.__name__} has no backward template"


def test_every_op_is_exercised_by_a_row() -> None:
    if any(c not in SEEN for c in ALL_OPS):  # (alone, or the rows ran in another process)
        for spec in SPECS + EXTRA:
            _emit(spec, spec.arrays(np.random.default_rng(zlib.crc32(spec.name.encode()))))
    missing = sorted(c.__name__ for c in ALL_OPS if c not in SEEN)
    assert not missing, f"no row of the op table reaches {missing}"
