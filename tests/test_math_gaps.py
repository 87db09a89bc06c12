"""The functions of minigrad/math_gaps.py and the Tensor methods of gap_methods.py against
PyTorch (when installed): values and dtypes (float64, integers, broadcasting, non-contiguous
inputs), gradients against PyTorch's and finite differences (first and second order), in-place
forms, ``out=``, and each misuse's exception and message.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg


def _torch() -> Any:
    return pytest.importorskip("torch")


def _pair(a: np.ndarray, requires_grad: bool = False) -> tuple[Any, Any]:
    torch = _torch()
    return (
        mg.tensor(a, requires_grad=requires_grad),
        torch.tensor(a, requires_grad=requires_grad),
    )


def _same(m: Any, t: Any) -> None:
    """minigrad's result ``m`` equals PyTorch's ``t``: tuples element by element, values
    (nan where nan) and dtype."""
    if isinstance(t, tuple | list):
        assert isinstance(m, tuple | list) and len(m) == len(t), (m, t)
        for a, b in zip(m, t):
            _same(a, b)
        return
    if not hasattr(t, "numpy"):
        assert m == t
        return
    expected = t.detach().numpy()
    got = m.detach().numpy()
    assert str(m.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], (m.dtype, t.dtype)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12, equal_nan=True)


def _raises_like(fn: Callable[[Any], Any]) -> None:
    """``fn(mg)`` raises the exception type (and message) of ``fn(torch)``."""
    torch = _torch()
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(type(theirs.value)) as ours:
        fn(mg)
    # (minigrad may add words after PyTorch's message: what was refused and where)
    assert str(ours.value).startswith(str(theirs.value).split("\n")[0])


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _leaves_and_views(L: Any, arrays: list[np.ndarray]) -> tuple[list[Any], list[Any]]:
    """Leaves that require grad, and the inputs made of them: each of 2 or more dims a
    transposed (non-contiguous) view of a leaf holding its values with the axes reversed."""
    leaves = [L.tensor(np.array(a.T, order="C"), requires_grad=True) for a in arrays]
    views = [x.permute(*reversed(range(x.ndim))) if x.ndim > 1 else x for x in leaves]
    return leaves, views


# (name, fn(L, *tensors), input arrays): differentiable results, checked for values, gradients
# against PyTorch's, and by finite differences to second order.
Case = tuple[str, Callable[..., Any], Callable[[np.random.Generator], list[np.ndarray]]]


def _shapes(*shapes: tuple[int, ...]) -> Callable[[np.random.Generator], list[np.ndarray]]:
    return lambda rng: [rng.standard_normal(s) for s in shapes]


CASES: list[Case] = [
    ("ravel", lambda L, a: L.ravel(a), _shapes((3, 4))),
    ("ravel_method", lambda L, a: a.ravel() * 2, _shapes((2, 3, 2))),
    ("tensor_split", lambda L, a: L.tensor_split(a, 3, 1), _shapes((2, 7))),
    ("tensor_split_idx", lambda L, a: L.tensor_split(a, [1, -2, 9], 0), _shapes((6, 2))),
    ("hsplit", lambda L, a: L.hsplit(a, [1, 3]), _shapes((2, 5))),
    ("vsplit", lambda L, a: L.vsplit(a, 2), _shapes((4, 3))),
    ("dsplit", lambda L, a: L.dsplit(a, [1]), _shapes((2, 2, 3))),
    ("split_with_sizes", lambda L, a: L.split_with_sizes(a, [1, 3], 1), _shapes((2, 4))),
    ("diagflat", lambda L, a: L.diagflat(a, -1), _shapes((2, 2))),
    ("diagflat_pos", lambda L, a: a.diagflat(2), _shapes((3,))),
    ("sum_to_size", lambda L, a: a.sum_to_size(1, 3), _shapes((2, 3))),
    ("sum_to_size_lead", lambda L, a: a.sum_to_size((4, 1)), _shapes((2, 4, 3))),
    ("mv", lambda L, a, v: L.mv(a, v), _shapes((3, 4), (4,))),
    ("inner", lambda L, a, b: L.inner(a, b), _shapes((2, 3, 4), (5, 4))),
    ("inner_1d", lambda L, a, b: L.inner(a, b), _shapes((4,), (4,))),
    ("inner_0d", lambda L, a, b: L.inner(a, b), _shapes((), (2, 3))),
    ("vdot", lambda L, a, b: L.vdot(a, b), _shapes((5,), (5,))),
    ("addmv", lambda L, x, m, v: L.addmv(x, m, v, beta=0.5, alpha=2), _shapes((3,), (3, 4), (4,))),
    ("addmv_bcast", lambda L, x, m, v: x.addmv(m, v), _shapes((1,), (3, 4), (4,))),
    ("addr", lambda L, x, a, b: L.addr(x, a, b, beta=2, alpha=-1), _shapes((3, 1), (3,), (2,))),
    (
        "baddbmm",
        lambda L, x, a, b: L.baddbmm(x, a, b, beta=0.5, alpha=3),
        _shapes((2, 3, 4), (2, 3, 5), (2, 5, 4)),
    ),
    ("addbmm", lambda L, x, a, b: L.addbmm(x, a, b, alpha=2), _shapes((4,), (2, 3, 5), (2, 5, 4))),
    ("beta0", lambda L, x, a, b: L.addr(x, a, b, beta=0), _shapes((3, 2), (3,), (2,))),
]


def _sum_all(out: Any) -> Any:
    parts = out if isinstance(out, tuple | list) else (out,)
    total = 0
    for i, p in enumerate(parts):
        total = total + (p * (i + 1)).sum()
    return total


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_torch(case: Case) -> None:
    torch = _torch()
    _, fn, make = case
    arrays = make(_rng())
    ours, our_views = _leaves_and_views(mg, arrays)
    theirs, their_views = _leaves_and_views(torch, arrays)
    m, t = fn(mg, *our_views), fn(torch, *their_views)
    _same(m, t)
    _sum_all(m).backward()
    _sum_all(t).backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_finite_differences_first_and_second_order(case: Case) -> None:
    _, fn, make = case
    inputs = [mg.tensor(a, requires_grad=True) for a in make(_rng(1))]

    def f(*xs: Any) -> Any:
        out = fn(mg, *xs)
        return mg.stack([p.sum() for p in out]) if isinstance(out, tuple) else out

    assert mg.gradcheck(f, inputs)
    assert mg.gradgradcheck(f, inputs)


def test_beta_zero_ignores_nan_but_gives_a_zero_gradient() -> None:
    torch = _torch()
    nan = np.full((3,), np.nan)
    for L in (mg, torch):
        x = L.tensor(nan, requires_grad=True)
        m = L.tensor(np.ones((3, 2)), requires_grad=True)
        out = L.addmv(x, m, L.ones(2, dtype=L.float64), beta=0)
        assert not np.isnan(out.detach().numpy()).any()
        out.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), np.zeros(3))


def test_comparison_aliases_functions_methods_inplace_and_out() -> None:
    torch = _torch()
    rng = _rng()
    a = rng.integers(-3, 3, (3, 4))
    b = rng.integers(-3, 3, (4,)).astype(np.float64)
    for name in ("greater", "greater_equal", "less", "less_equal", "not_equal"):
        (ma, ta), (mb, tb) = _pair(a), _pair(b)
        _same(getattr(mg, name)(ma, mb), getattr(torch, name)(ta, tb))
        _same(getattr(ma, name)(1), getattr(ta, name)(1))
        mo, to = mg.zeros(3, 4, dtype=mg.bool), torch.zeros(3, 4, dtype=torch.bool)
        getattr(mg, name)(ma, mb, out=mo)
        getattr(torch, name)(ta, tb, out=to)
        _same(mo, to)
        mf, tf = _pair(a.astype(np.float64))
        assert getattr(mf, name + "_")(mb) is mf
        getattr(tf, name + "_")(tb)
        _same(mf, tf)


def test_ravel_of_0d_and_integers() -> None:
    torch = _torch()
    for a in (np.array(3.0), np.arange(6).reshape(2, 3).T):
        m, t = _pair(a)
        _same(mg.ravel(m), torch.ravel(t))


@pytest.mark.parametrize(
    "how",
    [1, 2, 3, 5, 9, [0], [2, 2], [4, 1], [-1], [100], (1, 3)],
)
def test_tensor_split_like_torch(how: Any) -> None:
    torch = _torch()
    m, t = _pair(np.arange(14).reshape(7, 2))
    _same(mg.tensor_split(m, how), torch.tensor_split(t, how))
    _same(m.tensor_split(how, dim=-2), t.tensor_split(how, dim=-2))


def test_tensor_split_by_a_tensor() -> None:
    torch = _torch()
    m, t = _pair(np.arange(8.0))
    _same(mg.tensor_split(m, mg.tensor(3)), torch.tensor_split(t, torch.tensor(3)))
    _same(mg.tensor_split(m, mg.tensor([1, 5])), torch.tensor_split(t, torch.tensor([1, 5])))


def test_split_errors_like_torch() -> None:
    a = np.arange(8.0)
    _raises_like(lambda L: L.hsplit(L.tensor(a), 3))
    _raises_like(lambda L: L.vsplit(L.tensor(a), 2))
    _raises_like(lambda L: L.dsplit(L.tensor(a.reshape(2, 4)), 2))
    _raises_like(lambda L: L.hsplit(L.tensor(1.0), 1))
    _raises_like(lambda L: L.tensor_split(L.tensor(a), 0))
    _raises_like(lambda L: L.tensor_split(L.tensor(a), L.tensor([1.0, 2.0])))
    _raises_like(lambda L: L.tensor_split(L.tensor(a), 1, 1))
    _raises_like(lambda L: L.split_with_sizes(L.tensor(a), [3, 3]))


def test_isin_like_torch() -> None:
    torch = _torch()
    rng = _rng()
    e = rng.integers(0, 6, (3, 4))
    s = rng.integers(0, 6, (3,)).astype(np.float64)
    (me, te), (ms, ts) = _pair(e), _pair(s)
    _same(mg.isin(me, ms), torch.isin(te, ts))
    _same(mg.isin(me, ms, invert=True), torch.isin(te, ts, invert=True))
    _same(mg.isin(me, 2, assume_unique=True), torch.isin(te, 2, assume_unique=True))
    _same(mg.isin(3, ms), torch.isin(3, ts))
    mo, to = mg.zeros(3, 4, dtype=mg.bool), torch.zeros(3, 4, dtype=torch.bool)
    _same(mg.isin(me, ms, out=mo), torch.isin(te, ts, out=to))
    _raises_like(lambda L: L.isin(L.tensor([1]), L.tensor([True])))
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype"):
        mg.isin(me, ms, out=mg.zeros(3, 4))


def test_unravel_index_like_torch() -> None:
    torch = _torch()
    for idx, shape in (([3, 7, -1], (2, 4)), (5, (3, 2)), ([[0, 11], [4, 5]], [3, 1, 4])):
        m, t = _pair(np.array(idx))
        _same(mg.unravel_index(m, shape), torch.unravel_index(t, shape))
    _same(mg.unravel_index(mg.tensor(0), ()), torch.unravel_index(torch.tensor(0), ()))
    _raises_like(lambda L: L.unravel_index(L.tensor(1.0), (2, 4)))
    _raises_like(lambda L: L.unravel_index(L.tensor(1), (2, -4)))
    # indices out of range wrap around (PyTorch does not check them)
    m, t = _pair(np.array([8, -9, 100]))
    _same(mg.unravel_index(m, (2, 4)), torch.unravel_index(t, (2, 4)))


@pytest.mark.parametrize("dim", [None, 0, 1, -1])
def test_unique_consecutive_like_torch(dim: int | None) -> None:
    torch = _torch()
    a = np.array([[1, 1, 2], [1, 1, 2], [3, 3, 3], [1, 1, 2]])
    m, t = _pair(a)
    for inverse in (False, True):
        for counts in (False, True):
            kw = {"return_inverse": inverse, "return_counts": counts, "dim": dim}
            _same(mg.unique_consecutive(m, **kw), torch.unique_consecutive(t, **kw))
    mf, tf = _pair(np.array([0.5, 0.5, np.nan, np.nan, 2.0]))
    _same(mf.unique_consecutive(return_counts=True), tf.unique_consecutive(return_counts=True))
    _raises_like(lambda L: L.unique_consecutive(L.tensor(a), dim=2))


def test_sizes_like_torch() -> None:
    torch = _torch()
    for dt in ("float32", "float64", "int64", "bool", "int8"):
        m = mg.zeros(2, 3, dtype=getattr(mg, dt))
        t = torch.zeros(2, 3, dtype=getattr(torch, dt))
        assert (m.itemsize, m.nbytes) == (t.itemsize, t.nbytes)
    m, t = _pair(np.arange(6).reshape(2, 3))
    _same(m.sum_to_size(2, 1), t.sum_to_size(2, 1))
    _same(m.sum_to_size([3]), t.sum_to_size([3]))
    _raises_like(lambda L: L.ones(2, 3).sum_to_size(2, 1, 3))
    _raises_like(lambda L: L.ones(2, 3).sum_to_size(2, 2))


def test_is_set_to_like_torch() -> None:
    torch = _torch()
    for L in (mg, torch):
        a = L.ones(2, 3)
        assert a.is_set_to(a) and a.is_set_to(a[:])
        assert not a.is_set_to(a.view(6)) and not a.is_set_to(L.ones(2, 3))
        assert not a.is_set_to(a[1:])
    _raises_like(lambda L: L.ones(2).is_set_to(3))


def test_products_with_integers_and_out() -> None:
    torch = _torch()
    rng = _rng()
    x, m, v = rng.integers(-5, 5, (3,)), rng.integers(-5, 5, (3, 4)), rng.integers(-5, 5, (4,))
    (mx, tx), (mm, tm), (mv, tv) = _pair(x), _pair(m), _pair(v)
    _same(mg.addmv(mx, mm, mv, beta=2, alpha=3), torch.addmv(tx, tm, tv, beta=2, alpha=3))
    _same(mg.mv(mm, mv), torch.mv(tm, tv))
    _same(mg.inner(mm, mv), torch.inner(tm, tv))
    _same(mg.vdot(mv, mv), torch.vdot(tv, tv))
    mo, to = mg.zeros(3, dtype=mg.int64), torch.zeros(3, dtype=torch.int64)
    _same(mg.mv(mm, mv, out=mo), torch.mv(tm, tv, out=to))
    _same(mo, to)


def test_inplace_products_like_torch() -> None:
    torch = _torch()
    rng = _rng()
    x, a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 5)), rng.standard_normal((5, 4))
    (mx, tx), (ma, ta), (mb, tb) = _pair(x), _pair(a), _pair(b)
    assert mx.addmm_(ma, mb, beta=0.5) is mx
    tx.addmm_(ta, tb, beta=0.5)
    _same(mx, tx)
    (mx, tx), (u, tu), (w, tw) = _pair(x), _pair(a[:, 0]), _pair(b[0])
    mx.addr_(u, w, alpha=2)
    tx.addr_(tu, tw, alpha=2)
    _same(mx, tx)
    (mx, tx), (mv, tv) = _pair(x[:, 0]), _pair(b[:, 0])
    mx.addmv_(mg.tensor(a), mv)
    tx.addmv_(torch.tensor(a), tv)
    _same(mx, tx)
    b1, b2 = rng.standard_normal((2, 3, 5)), rng.standard_normal((2, 5, 4))
    (mx, tx), (m1, t1), (m2, t2) = _pair(x), _pair(b1), _pair(b2)
    mx.addbmm_(m1, m2)
    tx.addbmm_(t1, t2)
    _same(mx, tx)
    (mx, tx) = _pair(np.stack([x, x]))
    mx.baddbmm_(m1, m2, beta=0)
    tx.baddbmm_(t1, t2, beta=0)
    _same(mx, tx)
    # the result must keep self's shape, as PyTorch's in-place ops
    for L in (mg, torch):
        with pytest.raises(RuntimeError, match=r"\[1\].*\[3\]"):
            L.zeros(1).addmv_(L.ones(3, 2), L.ones(2))


def test_product_errors_like_torch() -> None:
    _raises_like(lambda L: L.mv(L.ones(3, 2), L.ones(3)))
    _raises_like(lambda L: L.mv(L.ones(3), L.ones(3)))
    _raises_like(lambda L: L.vdot(L.ones(3), L.ones(3, dtype=L.float64)))
    _raises_like(lambda L: L.vdot(L.ones(3, 1), L.ones(3)))
    _raises_like(lambda L: L.inner(L.ones(3, 2), L.ones(3)))
    _raises_like(lambda L: L.addr(L.ones(3, 2), L.ones(3, 1), L.ones(2)))
    _raises_like(lambda L: L.baddbmm(L.ones(2, 3, 4), L.ones(2, 3), L.ones(2, 3, 4)))
    _raises_like(lambda L: L.chain_matmul())


def test_chain_matmul_warns_and_multiplies_in_order() -> None:
    torch = _torch()
    rng = _rng()
    arrays = [rng.standard_normal(s) for s in ((2, 3), (3, 4), (4, 2))]
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        m = mg.chain_matmul(*[mg.tensor(a) for a in arrays])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.chain_matmul(*[torch.tensor(a) for a in arrays])
        _raises_like(lambda L: L.chain_matmul(L.ones(2)))
    _same(m, t)
