"""gather, scatter and their kin on a 0-d tensor, as PyTorch answers them.

PyTorch treats a 0-d ``self`` as one element along dim 0 (or -1): ``gather`` with a 1-D index
of n zeros gives n copies of it, ``scatter``/``scatter_add`` take a 0-d or 1-D index and a 0-d
or 1-D ``src`` (its first elements, one per index), ``index_add``/``index_copy`` one index and
a 0-d source. Each case is checked against PyTorch where it is installed (values, shape,
dtype, first- and second-order gradients, or the error) and by value without it; gradcheck and
gradgradcheck cover the array path and the Tensor path (``create_graph``) of every
differentiable one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg

SELF, A, B, C = 3.0, 5.0, 7.0, 11.0

# (name, call(self, index, src), index, src): the index and src as lists or numbers (0-d)
Call = Callable[[Any, Any, Any], Any]


def _method(name: str, dim: int, with_src: bool = True, **kw: Any) -> Call:
    """``self.name(dim, index[, src], **kw)``; on a clone of self for an in-place method."""

    def call(s: Any, i: Any, u: Any) -> Any:
        target = s.clone() if name.endswith("_") else s
        return getattr(target, name)(dim, i, *((u,) if with_src else ()), **kw)

    return call


ANSWERED: list[tuple[str, Call, Any, Any]] = []
for dim in (0, -1):
    for index in (0, [0], [0, 0, 0], []):
        ANSWERED.append((f"gather dim={dim}", _method("gather", dim, False), index, None))
    for index in (0, [0], []):
        for src in (A, [A], [A, B]):
            ANSWERED.append((f"scatter dim={dim}", _method("scatter", dim), index, src))
            ANSWERED.append((f"scatter_ dim={dim}", _method("scatter_", dim), index, src))
    for index in (0, [0], [0, 0], []):
        for src in (A, [A], [A, B], [A, B, C]):
            if np.size(index) > np.size(src):  # (PyTorch refuses a src smaller than the index)
                continue
            ANSWERED += [
                (f"scatter_add dim={dim}", _method("scatter_add", dim), index, src),
                (f"scatter_add_ dim={dim}", _method("scatter_add_", dim), index, src),
                (
                    f"scatter reduce=add dim={dim}",
                    _method("scatter", dim, reduce="add"),
                    index,
                    src,
                ),
            ]
        value = _method("scatter", dim, False, value=A)
        ANSWERED.append((f"scatter value dim={dim}", value, index, None))
    for index in (0, [0]):
        ANSWERED += [
            (f"index_add dim={dim}", _method("index_add", dim), index, A),
            (f"index_add alpha dim={dim}", _method("index_add", dim, alpha=2), index, A),
            (f"index_select dim={dim}", _method("index_select", dim, False), index, None),
        ]
        for src in (A, [A]):
            ANSWERED.append((f"index_copy dim={dim}", _method("index_copy", dim), index, src))


def _take_along_dim(s: Any, i: Any, u: Any) -> Any:
    return s.take_along_dim(i)


ANSWERED.append(("take_along_dim dim=None", _take_along_dim, [0, 0], None))

# (name, call, index, src, the error PyTorch raises)
REFUSED: list[tuple[str, Call, Any, Any, type]] = [
    ("gather 2-D index", lambda s, i, u: s.gather(0, i), [[0]], None, RuntimeError),
    ("gather index 1", lambda s, i, u: s.gather(-1, i), [1], None, RuntimeError),
    ("gather index -1", lambda s, i, u: s.gather(0, i), [-1], None, RuntimeError),
    ("gather dim 1", lambda s, i, u: s.gather(1, i), [0], None, IndexError),
    ("scatter src too small", lambda s, i, u: s.scatter(0, i, u), [0, 0], A, RuntimeError),
    (
        "scatter_add src too small",
        lambda s, i, u: s.scatter_add(0, i, u),
        [0, 0],
        [A],
        RuntimeError,
    ),
    ("scatter 2-D src", lambda s, i, u: s.scatter(0, i, u), [0], [[A]], RuntimeError),
    ("scatter 2-D index", lambda s, i, u: s.scatter(0, i, u), [[0]], A, RuntimeError),
    ("scatter index 1", lambda s, i, u: s.scatter(-1, i, u), [1], [A], RuntimeError),
    ("scatter value index -1", lambda s, i, u: s.scatter(0, i, value=A), [-1], None, RuntimeError),
    ("index_add 1-D source", lambda s, i, u: s.index_add(0, i, u), [0], [A], RuntimeError),
    ("index_add two indices", lambda s, i, u: s.index_add(0, i, u), [0, 0], A, IndexError),
    ("index_add no index", lambda s, i, u: s.index_add(0, i, u), [], A, IndexError),
    (
        "index_add indices vs source",
        lambda s, i, u: s.index_add(0, i, u),
        [0],
        [A, B],
        RuntimeError,
    ),
    ("index_add index 1", lambda s, i, u: s.index_add(0, i, u), [1], A, IndexError),
    ("index_copy two indices", lambda s, i, u: s.index_copy(0, i, u), [0, 0], A, IndexError),
    ("index_copy no index", lambda s, i, u: s.index_copy(0, i, u), [], A, IndexError),
    (
        "index_copy indices vs source",
        lambda s, i, u: s.index_copy(0, i, u),
        [0],
        [A, B],
        IndexError,
    ),
    ("index_copy 2-D source", lambda s, i, u: s.index_copy(0, i, u), [0], [[A]], RuntimeError),
    (
        "index_copy 2-D source, two indices",
        lambda s, i, u: s.index_copy(0, i, u),
        [0, 0],
        [[A]],
        RuntimeError,
    ),
    ("take_along_dim dim 1", lambda s, i, u: s.take_along_dim(i, 1), 0, None, IndexError),
    ("index_select two indices", lambda s, i, u: s.index_select(0, i), [0, 0], None, RuntimeError),
    ("index_select no index", lambda s, i, u: s.index_select(0, i), [], None, RuntimeError),
    ("take_along_dim 1-D index", lambda s, i, u: s.take_along_dim(i, 0), [0], None, RuntimeError),
    ("take_along_dim 0-d index", lambda s, i, u: s.take_along_dim(i, 0), 0, None, IndexError),
]


def _cases(rows: list[Any]) -> list[Any]:
    """The rows as pytest parameters named by op, index and src."""
    return [pytest.param(*row, id=f"{row[0]} index={row[2]} src={row[3]}") for row in rows]


def _inputs(lib: Any, index: Any, src: Any, grad: bool = False) -> tuple[Any, Any, Any]:
    """``self`` (0-d float64), the int64 index and the float64 src, in ``lib``."""
    s = lib.tensor(SELF, dtype=lib.float64, requires_grad=grad)
    i = lib.tensor(index, dtype=lib.int64)
    u = None if src is None else lib.tensor(src, dtype=lib.float64, requires_grad=grad)
    return s, i, u


def _expected(name: str, index: Any, src: Any) -> tuple[tuple[int, ...], list[float] | float]:
    """What PyTorch answers, by hand: the result's shape and values."""
    n = 1 if isinstance(index, int) else len(index)
    flat = [src] if isinstance(src, float) else src
    if name.startswith("gather") or name.startswith("take_along_dim"):
        return np.shape(index), (SELF if isinstance(index, int) else [SELF] * n)
    if name.startswith("index_select"):
        return (), SELF
    if name.startswith("scatter value"):
        return (), A if n else SELF
    if "add" in name:
        alpha = 2 if "alpha" in name else 1
        return (), SELF + alpha * sum(flat[:n])
    return (), flat[n - 1] if n else SELF  # scatter, index_copy: one position, the last


@pytest.mark.parametrize(("name", "call", "index", "src"), _cases(ANSWERED))
def test_values_without_torch(name: str, call: Call, index: Any, src: Any) -> None:
    shape, values = _expected(name, index, src)
    out = call(*_inputs(mg, index, src))
    assert tuple(out.shape) == shape and out.dtype == mg.float64
    assert out.tolist() == values


@pytest.mark.parametrize(("name", "call", "index", "src"), _cases(ANSWERED))
def test_gradients_without_torch(name: str, call: Call, index: Any, src: Any) -> None:
    s, i, u = _inputs(mg, index, src, grad=True)
    ins = [s] if u is None else [s, u]

    def f(*xs: Any) -> Any:
        return call(xs[0], i, xs[1] if len(xs) > 1 else None)

    assert mg.gradcheck(f, ins)
    assert mg.gradgradcheck(f, ins)


def _answers(lib: Any, call: Call, index: Any, src: Any, wrt: tuple[bool, bool]) -> list[Any]:
    """dtype, shape and values of ``call``'s result, of its gradients with respect to the
    inputs marked in ``wrt`` (self, src) for a random upstream gradient v, and of the second
    order: d/dv of sum(w * gradient), w random."""
    s, i, u = _inputs(lib, index, src)
    ins = [x.requires_grad_() for x, want in zip((s, u), wrt) if want]
    out = call(s, i, u)
    if not ins:
        return [(str(out.dtype).rsplit(".", 1)[-1], tuple(out.shape), out.numpy().tolist())]
    rng = np.random.default_rng(0)
    v = lib.tensor(rng.standard_normal(tuple(out.shape)), dtype=lib.float64, requires_grad=True)
    first = list(lib.autograd.grad(out, ins, v, create_graph=True, allow_unused=True))
    first = [lib.zeros_like(x) if g is None else g for g, x in zip(first, ins)]
    w = [lib.tensor(rng.standard_normal(tuple(g.shape)), dtype=lib.float64) for g in first]
    total = sum((g * k).sum() for g, k in zip(first, w))
    (second,) = lib.autograd.grad(total, [v], allow_unused=True)
    second = lib.zeros_like(v) if second is None else second
    return [
        (str(t.dtype).rsplit(".", 1)[-1], tuple(t.shape), t.detach().numpy().tolist())
        for t in (out, *first, second)
    ]


@pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")
@pytest.mark.parametrize(("name", "call", "index", "src"), _cases(ANSWERED))
def test_like_torch(name: str, call: Call, index: Any, src: Any) -> None:
    """The same result and gradients as PyTorch. PyTorch's backward of a scatter refuses a src
    larger than the index (and has none for ``reduce=``): there only the rest is compared
    (gradcheck above checks minigrad's zeros for the unused part of src)."""
    torch = pytest.importorskip("torch")
    for wrt in ((True, src is not None), (True, False), (False, False)):
        try:
            expected = _answers(torch, call, index, src, wrt)
        except RuntimeError as e:
            assert "invalid gradient" in str(e) or "derivative for aten::scatter" in str(e)
            continue
        assert _answers(mg, call, index, src, wrt) == expected
        return
    raise AssertionError("PyTorch gave no answer")


@pytest.mark.parametrize(("name", "call", "index", "src", "error"), _cases(REFUSED))
def test_refused_like_torch(name: str, call: Call, index: Any, src: Any, error: type) -> None:
    with pytest.raises(error) as got:
        call(*_inputs(mg, index, src))
    torch = pytest.importorskip("torch")
    with pytest.raises(error) as expected:
        call(*_inputs(torch, index, src))
    assert str(expected.value).splitlines()[0] in str(got.value)


def test_scatter_duplicates_keep_minigrad_refusal() -> None:
    """Two elements of src sent to the one position: the same value is taken, different
    values or a src that needs a gradient are refused (as for any scatter in minigrad; PyTorch
    leaves which one wins undefined)."""
    s = mg.tensor(SELF, dtype=mg.float64)
    assert s.scatter(0, mg.tensor([0, 0]), mg.tensor([A, A], dtype=mg.float64)).item() == A
    with pytest.raises(RuntimeError, match=r"several elements of src to the same position"):
        s.scatter(0, mg.tensor([0, 0]), mg.tensor([A, B], dtype=mg.float64))


def test_gather_backward_sums_the_copies() -> None:
    """n copies of a 0-d tensor: its gradient is the sum of the upstream gradient."""
    s = mg.tensor(SELF, dtype=mg.float64, requires_grad=True)
    out = s.gather(0, mg.tensor([0, 0, 0]))
    out.backward(mg.tensor([1.0, 2.0, 4.0], dtype=mg.float64))
    assert s.grad is not None and s.grad.shape == () and s.grad.item() == 7.0


def test_functions_match_methods() -> None:
    s = mg.tensor(SELF, dtype=mg.float64)
    i = mg.tensor([0])
    u = mg.tensor([A], dtype=mg.float64)
    assert mg.gather(s, 0, i).tolist() == [SELF]
    assert mg.scatter(s, 0, i, u).item() == A
    assert mg.scatter_add(s, -1, i, u).item() == SELF + A


def test_index_copy_repeated_index_is_refused_as_for_1d() -> None:
    """PyTorch leaves which copy lands undefined; minigrad refuses, as for any tensor."""
    s = mg.tensor(SELF, dtype=mg.float64)
    with pytest.raises(RuntimeError, match=r"the index repeats an element"):
        s.index_copy(0, mg.tensor([0, 0]), mg.tensor([A, A], dtype=mg.float64))


@pytest.mark.parametrize(("shape", "mask_shape"), [((), (1,)), ((), (2, 3)), ((3,), (2, 3))])
def test_masked_fill_broadcasts_self_against_the_mask(shape: tuple, mask_shape: tuple) -> None:
    """Out of place, PyTorch broadcasts self and mask against each other: a 0-d tensor with a
    1-element 1-D mask gives a 1-D result. In place, self's shape stays (refused otherwise)."""
    rng = np.random.default_rng(3)
    x = mg.tensor(rng.standard_normal(shape), dtype=mg.float64, requires_grad=True)
    mask = mg.tensor(rng.random(mask_shape) < 0.5)
    out = x.masked_fill(mask, 2.0)
    full = np.broadcast_to(x.detach().numpy(), mask_shape)
    assert out.shape == mask_shape
    np.testing.assert_array_equal(out.detach().numpy(), np.where(mask.numpy(), 2.0, full))
    assert mg.gradcheck(lambda a: a.masked_fill(mask, 2.0), [x])
    assert mg.gradgradcheck(lambda a: a.masked_fill(mask, 2.0), [x])
    with pytest.raises(RuntimeError, match=r"doesn't match the broadcast shape"):
        x.detach().clone().masked_fill_(mask, 2.0)
    torch = pytest.importorskip("torch")
    tx = torch.tensor(x.detach().numpy(), requires_grad=True)
    expected = tx.masked_fill(torch.tensor(mask.numpy()), 2.0)
    v = rng.standard_normal(mask_shape)
    expected.backward(torch.tensor(v))
    out.backward(mg.tensor(v))
    assert out.tolist() == expected.tolist()
    assert x.grad is not None and x.grad.tolist() == tx.grad.tolist()


# -- masked_scatter: source's elements, in order, where the mask is True ----------------------

MASKED = [
    pytest.param(shape, mask, src, id=f"self{shape} mask={mask} src={src}")
    for shape, mask, src in [
        ((), True, A),
        ((), True, [A, B]),
        ((), True, [[A, B]]),
        ((), False, [A]),
        ((), [True], [A]),
        ((), [[True, False, True]], [A, B, C]),
        ((3,), [True, False, True], [A, B, C]),
        ((3,), [[True, False, True], [False, True, True]], [A, B, C, 13.0, 17.0]),
        ((2, 1), [False, True], [[A, B], [C, 13.0]]),
    ]
]


def _masked(lib: Any, shape: tuple, mask: Any, src: Any) -> tuple[Any, Any, Any]:
    x = lib.tensor(np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape), dtype=lib.float64)
    return x, lib.tensor(mask, dtype=lib.bool), lib.tensor(src, dtype=lib.float64)


@pytest.mark.parametrize(("shape", "mask", "src"), MASKED)
def test_masked_scatter_values_and_gradients(shape: tuple, mask: Any, src: Any) -> None:
    x, m, u = _masked(mg, shape, mask, src)
    out = x.masked_scatter(m, u)
    where = np.broadcast_to(np.asarray(mask), np.broadcast_shapes(shape, np.shape(mask)))
    expected = np.broadcast_to(x.numpy(), where.shape).copy()
    expected[where] = np.ravel(src)[: where.sum()]
    assert out.dtype == mg.float64 and out.shape == where.shape
    np.testing.assert_array_equal(out.numpy(), expected)
    assert mg.masked_scatter(x, m, u).tolist() == out.tolist()
    ins = [x.requires_grad_(), u.requires_grad_()]
    assert mg.gradcheck(lambda a, b: a.masked_scatter(m, b), ins)
    assert mg.gradgradcheck(lambda a, b: a.masked_scatter(m, b), ins)
    if where.shape == shape:  # in place, where the mask keeps self's shape
        inplace = x.detach().clone().masked_scatter_(m, u.detach())
        assert inplace.tolist() == out.tolist()
        assert mg.gradcheck(lambda a, b: a.clone().masked_scatter_(m, b), ins)


@pytest.mark.parametrize(("shape", "mask", "src"), MASKED)
def test_masked_scatter_like_torch(shape: tuple, mask: Any, src: Any) -> None:
    torch = pytest.importorskip("torch")

    def call(s: Any, i: Any, u: Any) -> Any:
        return s.masked_scatter(i, u)

    results = []
    for lib in (torch, mg):
        x, m, u = _masked(lib, shape, mask, src)
        out = call(x.requires_grad_(), m, u.requires_grad_())
        v = lib.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)))
        gx, gu = lib.autograd.grad(out, [x, u], v)
        results.append(
            [(str(t.dtype), tuple(t.shape), t.detach().numpy().tolist()) for t in (out, gx, gu)]
        )
    torch_results = [(d.replace("torch.", "minigrad."), s, t) for d, s, t in results[0]]
    assert results[1] == torch_results


MASKED_MISUSES = [
    ("source too small", lambda L: L.ones(3).masked_scatter(L.tensor([True, True]), L.ones(1))),
    ("0-d source too small", lambda L: L.tensor(3.0).masked_scatter(L.tensor(True), L.ones(0))),
    ("mask dtype", lambda L: L.ones(2).masked_scatter(L.tensor([1, 0]), L.ones(2))),
    ("source dtype", lambda L: L.ones(2).masked_scatter(L.ones(2).bool(), L.ones(2).double())),
    ("source list", lambda L: L.ones(2).masked_scatter(L.ones(2).bool(), [1.0, 2.0])),
    ("broadcast", lambda L: L.ones(3).masked_scatter(L.ones(2).bool(), L.ones(6))),
]


@pytest.mark.parametrize("call", [pytest.param(c, id=n) for n, c in MASKED_MISUSES])
def test_masked_scatter_misuses_raise_torch_errors(call: Callable[[Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(type(expected.value)) as got:
        call(mg)
    theirs = str(expected.value).splitlines()[0].replace("gotFloat", "got Float")
    assert str(got.value).startswith(theirs)


def test_masked_scatter_in_place_keeps_the_shape() -> None:
    with pytest.raises(RuntimeError, match=r"doesn't match the broadcast shape \[2, 3\]"):
        mg.ones(3).masked_scatter_(mg.ones(2, 3, dtype=mg.bool), mg.ones(6))
