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


# -- indexing ---------------------------------------------------------------------------------

_IDX = np.array([[0, 2, 0], [0, 1, 2], [2, 2, 0], [0, 2, 2]])  # repeats: groups of 1 to 3


def _scatter_case(reduce: str, include_self: bool) -> Case:
    def fn(L: Any, x: Any, s: Any) -> Any:
        idx = L.tensor(_IDX)
        return L.scatter_reduce(x, 0, idx, s, reduce, include_self=include_self)

    return (f"scatter_reduce_{reduce}_{include_self}", fn, _shapes((3, 4), (4, 3)))


INDEX_CASES: list[Case] = [
    *(_scatter_case(r, i) for r in ("sum", "prod", "mean", "amax", "amin") for i in (True, False)),
    (
        "scatter_reduce_dim1",
        lambda L, x, s: x.scatter_reduce(-1, L.tensor(_IDX[:2, :2].T), s, "prod"),
        _shapes((2, 3), (2, 2)),
    ),
    *(
        (
            f"index_reduce_{r}",
            lambda L, x, s, r=r: L.index_reduce(x, 1, L.tensor([2, 0, 2]), s, r),
            _shapes((2, 3), (2, 3)),
        )
        for r in ("prod", "mean", "amax", "amin")
    ),
    (
        "index_reduce_no_self",
        lambda L, x, s: x.index_reduce(0, L.tensor([1, 1]), s, "mean", include_self=False),
        _shapes((3, 2), (2, 2)),
    ),
    (
        "index_add",
        lambda L, x, s: L.index_add(x, 0, L.tensor([1, 1]), s, alpha=2),
        _shapes((3, 2), (2, 2)),
    ),
    (
        "index_copy",
        lambda L, x, s: L.index_copy(x, 1, L.tensor([2, 0]), s),
        _shapes((3, 3), (3, 2)),
    ),
    ("index_fill", lambda L, x: L.index_fill(x, 1, L.tensor([2, 0]), -1.5), _shapes((3, 3))),
    ("diagonal_scatter", lambda L, x, s: L.diagonal_scatter(x, s, 1), _shapes((3, 4), (3,))),
    (
        "diagonal_scatter_dims",
        lambda L, x, s: L.diagonal_scatter(x, s, -1, 2, 0),
        _shapes((3, 2, 4), (2, 3)),
    ),
    ("select_scatter", lambda L, x, s: L.select_scatter(x, s, 1, -1), _shapes((3, 4), (3,))),
    (
        "slice_scatter",
        lambda L, x, s: L.slice_scatter(x, s, 1, 1, None, 2),
        _shapes((3, 5), (3, 2)),
    ),
    ("put", lambda L, x, s: x.put(L.tensor([4, -1, 0]), s), _shapes((2, 3), (3,))),
    ("put_acc", lambda L, x, s: L.put(x, L.tensor([1, 1, 0]), s, True), _shapes((2, 3), (3,))),
]

_pos = lambda rng: [np.abs(rng.standard_normal((2, 3))) + 0.5]  # noqa: E731
POINTWISE_CASES: list[Case] = [
    ("copysign", lambda L, a, b: L.copysign(a, b), _shapes((3, 4), (4,))),
    ("copysign_number", lambda L, a: a.copysign(-2.0), _shapes((2, 3))),
    ("fmax", lambda L, a, b: L.fmax(a, b), _shapes((3, 4), (3, 1))),
    ("fmin", lambda L, a, b: a.fmin(b), _shapes((4,), (3, 4))),
    ("deg2rad", lambda L, a: L.deg2rad(a), _shapes((2, 3))),
    ("rad2deg", lambda L, a: a.rad2deg(), _shapes((2, 3))),
    ("logaddexp2", lambda L, a, b: L.logaddexp2(a, b), _shapes((2, 3), (3,))),
    ("float_power", lambda L, a: L.float_power(a, 2.5), _pos),
    ("float_power_t", lambda L, a, b: L.float_power(a.abs() + 0.5, b), _shapes((2, 3), (2, 3))),
    ("ldexp", lambda L, a, b: L.ldexp(a, b), _shapes((2, 3), (3,))),
    ("frexp", lambda L, a: L.frexp(a * 10)[0], _shapes((2, 3))),
    ("rsub", lambda L, a, b: L.rsub(a, b, alpha=2), _shapes((2, 3), (3,))),
    ("rsub_number", lambda L, a: L.rsub(a, 3), _shapes((2, 3))),
]


@pytest.mark.parametrize("case", INDEX_CASES + POINTWISE_CASES, ids=lambda c: c[0])
def test_more_values_and_gradients_match_torch(case: Case) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (index_reduce is in beta in PyTorch, and says so)
        test_values_and_gradients_match_torch(case)


@pytest.mark.parametrize("case", INDEX_CASES + POINTWISE_CASES, ids=lambda c: c[0])
def test_more_finite_differences(case: Case) -> None:
    test_finite_differences_first_and_second_order(case)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_ties_zeros_and_integers_like_torch(reduce: str, include_self: bool) -> None:
    torch = _torch()
    x = np.array([[1.0, 0.0, 3.0], [2.0, 2.0, 0.0]])
    s = np.array([[1.0, 0.0, 3.0], [1.0, 2.0, 0.0], [2.0, 5.0, 0.0]])  # ties with self, zeros
    idx = np.array([[0, 0, 0], [0, 1, 0], [1, 0, 0]])
    (mx, tx), (ms, ts) = _pair(x, True), _pair(s, True)
    kw = {"include_self": include_self}
    m = mx.scatter_reduce(0, mg.tensor(idx), ms, reduce, **kw)
    t = tx.scatter_reduce(0, torch.tensor(idx), ts, reduce, **kw)
    _same(m, t)
    g = _rng().standard_normal(x.shape)
    (m * mg.tensor(g)).sum().backward()
    (t * torch.tensor(g)).sum().backward()
    if include_self or reduce not in ("amax", "amin"):
        # (without self, PyTorch still counts a self equal to the result when it splits the
        # gradient among ties, and gives self none: minigrad splits among the src values)
        np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ms.grad.numpy(), ts.grad.numpy(), rtol=1e-12, atol=1e-12)
    (mi, ti), (si, tsi) = _pair(np.array([10, 20, 30])), _pair(np.array([1, 2, 4, 7]))
    (mj, tj) = _pair(np.array([0, 0, 2, 2]))
    _same(mi.scatter_reduce(0, mj, si, reduce, **kw), ti.scatter_reduce(0, tj, tsi, reduce, **kw))
    assert mi.scatter_reduce_(0, mj, si, reduce, **kw) is mi
    ti.scatter_reduce_(0, tj, tsi, reduce, **kw)
    _same(mi, ti)


def test_indexing_inplace_and_out_like_torch() -> None:
    torch = _torch()
    x, s = np.arange(6.0).reshape(2, 3), np.array([[5.0, 7.0], [1.0, -1.0]])
    (mx, tx), (ms, ts) = _pair(x), _pair(s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert mx.index_reduce_(1, mg.tensor([0, 0]), ms, "amax") is mx
        tx.index_reduce_(1, torch.tensor([0, 0]), ts, "amax")
        _same(mx, tx)
        mo, to = mg.zeros(2, 3, dtype=mg.float64), torch.zeros(2, 3, dtype=torch.float64)
        mg.index_reduce(mg.tensor(x), 1, mg.tensor([2, 1]), ms, "prod", out=mo)
        torch.index_reduce(torch.tensor(x), 1, torch.tensor([2, 1]), ts, "prod", out=to)
        _same(mo, to)
    mo, to = mg.zeros(2, 3, dtype=mg.float64), torch.zeros(2, 3, dtype=torch.float64)
    idx = np.array([[1, 0, 1], [0, 0, 0]])
    mg.scatter_reduce(mg.tensor(x), 0, mg.tensor(idx), mg.tensor(x), "sum", out=mo)
    torch.scatter_reduce(torch.tensor(x), 0, torch.tensor(idx), torch.tensor(x), "sum", out=to)
    _same(mo, to)
    mo, to = mg.zeros(2, 3, dtype=mg.float64), torch.zeros(2, 3, dtype=torch.float64)
    mg.index_add(mg.tensor(x), 1, mg.tensor([2, 2]), ms, alpha=3, out=mo)
    torch.index_add(torch.tensor(x), 1, torch.tensor([2, 2]), ts, alpha=3, out=to)
    _same(mo, to)
    (mx, tx) = _pair(x)
    assert mx.put_(mg.tensor([4, -6]), mg.tensor(x[0, :2]), accumulate=True) is mx
    tx.put_(torch.tensor([4, -6]), torch.tensor(x[0, :2]), accumulate=True)
    _same(mx, tx)
    m, t = _pair(np.zeros((3, 3), np.float32))
    _same(  # a src of another float dtype is cast, as PyTorch's
        mg.diagonal_scatter(m, mg.ones(3, dtype=mg.float64)),
        torch.diagonal_scatter(t, torch.ones(3, dtype=torch.float64)),
    )


def test_indexing_errors_like_torch() -> None:
    def x(L: Any) -> Any:
        return L.tensor([10, 20, 30])

    def s(L: Any) -> Any:
        return L.tensor([1, 2, 4, 7])

    _raises_like(lambda L: x(L).scatter_reduce(0, L.tensor([0, 0]), s(L), "foo"))
    _raises_like(lambda L: x(L).scatter_reduce(0, L.tensor([0, 5]), s(L), "sum"))
    _raises_like(lambda L: x(L).scatter_reduce(0, L.tensor([0, -1]), s(L), "sum"))
    _raises_like(lambda L: x(L).scatter_reduce(0, L.tensor([0, 0]), s(L).double(), "sum"))
    _raises_like(lambda L: x(L).scatter_reduce(0, L.tensor([0, 0, 1, 1]), s(L)[:2], "sum"))
    _raises_like(lambda L: x(L).scatter_reduce(0, L.tensor([0]), s(L), "sum", include_self=3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _raises_like(lambda L: x(L).index_reduce(0, L.tensor([0, 0]), s(L)[:2], "sum"))
        _raises_like(lambda L: x(L).index_reduce(0, L.tensor([[0]]), s(L)[:1], "prod"))
        _raises_like(lambda L: x(L).index_reduce(0, L.tensor([0, 1]), s(L)[:1], "prod"))
        _raises_like(lambda L: x(L).index_reduce(0, L.tensor([0.0]), s(L)[:1], "prod"))
    _raises_like(lambda L: L.diagonal_scatter(L.zeros(3, 3), L.ones(2)))
    _raises_like(lambda L: L.select_scatter(L.zeros(3, 3), L.ones(2), 0, 0))
    _raises_like(lambda L: L.slice_scatter(L.zeros(3, 3), L.ones(3, 1), 1, 0, None, 2))
    _raises_like(lambda L: L.zeros(3).put_(L.tensor([5]), L.ones(1)))
    _raises_like(lambda L: L.zeros(3).put_(L.tensor([-1]), L.ones(2)))
    _raises_like(lambda L: L.zeros(3).put_(L.tensor([-1.0]), L.ones(1)))
    _raises_like(lambda L: L.zeros(3).put_(L.tensor([1]), L.ones(1, dtype=L.float64)))


# -- elementwise ------------------------------------------------------------------------------

_I = np.array([[1, -2, 3, 0], [6, 0, -9, 4]])
_F = np.array([0.5, -0.0, 2.0, np.nan])


@pytest.mark.parametrize(
    "fn",
    [
        lambda L: L.copysign(L.tensor(_I), L.tensor(_F)),
        lambda L: L.tensor(_F).copysign(-1),
        lambda L: L.copysign(L.tensor(_I), 2),
        lambda L: L.fmax(L.tensor(_I), L.tensor(_F)),
        lambda L: L.fmin(L.tensor(_F[::-1].copy()), L.tensor(_F)),
        lambda L: L.fmax(L.tensor(_I), L.tensor([1, 5, -1, 2])),
        lambda L: L.gcd(L.tensor(_I), L.tensor([4, 6, 9, 0])),
        lambda L: L.lcm(L.tensor(_I), L.tensor([4, 6, 9, 0], dtype=L.int32)),
        lambda L: L.deg2rad(L.tensor(_I)),
        lambda L: L.rad2deg(L.tensor(_F)),
        lambda L: L.logaddexp2(L.tensor(_F), L.tensor([1.0, 2.0, np.inf, 0.0])),
        lambda L: L.float_power(L.tensor(_I), 2),
        lambda L: L.float_power(L.tensor(_F, dtype=L.float32), L.tensor(_I)),
        lambda L: L.float_power(2, L.tensor(_F)),
        lambda L: L.ldexp(L.tensor(_F), L.tensor(_I)),
        lambda L: L.ldexp(L.tensor(_I), L.tensor(_I)),
        lambda L: L.frexp(L.tensor([0.5, -0.0, 3.0, np.inf, -np.inf, 1e-310, -7.25])),
        lambda L: L.frexp(L.tensor([0.5, 3.0], dtype=L.float32)),
        lambda L: L.nextafter(L.tensor(_F, dtype=L.float32), L.tensor(1.0, dtype=L.float64)),
        lambda L: L.nextafter(L.tensor(_F), L.tensor([1.0, -1.0, 2.0, 0.0])),
        lambda L: L.rsub(L.tensor(_I), L.tensor(_F)),
        lambda L: L.rsub(L.tensor(_F), 1, alpha=2),
    ],
)
def test_elementwise_values_and_dtypes_like_torch(fn: Callable[[Any], Any]) -> None:
    torch = _torch()
    m, t = fn(mg), fn(torch)
    _same(m, t)
    for a, b in zip(m if isinstance(m, tuple) else [m], t if isinstance(t, tuple) else [t]):
        if b.dtype.is_floating_point:  # the sign of zeros too
            x, y = a.numpy(), b.numpy()
            np.testing.assert_array_equal(np.signbit(x[x == 0]), np.signbit(y[y == 0]))


def test_fmax_fmin_gradients_at_ties_and_nan_like_torch() -> None:
    torch = _torch()
    a, b = np.array([1.0, 2.0, 3.0, np.nan]), np.array([1.0, np.nan, 5.0, 2.0])
    for name in ("fmax", "fmin"):
        (ma, ta), (mb, tb) = _pair(a, True), _pair(b, True)
        getattr(mg, name)(ma, mb).sum().backward()
        getattr(torch, name)(ta, tb).sum().backward()
        _same(ma.grad, ta.grad)
        _same(mb.grad, tb.grad)


def test_elementwise_inplace_like_torch() -> None:
    torch = _torch()
    for name, args in (
        ("copysign_", (-1.0,)),
        ("deg2rad_", ()),
        ("rad2deg_", ()),
        ("float_power_", (2,)),
        ("ldexp_", ("t",)),
        ("nextafter_", ("t",)),
    ):
        (m, t) = _pair(_F.copy())
        margs = [mg.tensor([1.0, 2.0, 0.0, -1.0]) if x == "t" else x for x in args]
        targs = [torch.tensor([1.0, 2.0, 0.0, -1.0]) if x == "t" else x for x in args]
        assert getattr(m, name)(*margs) is m
        getattr(t, name)(*targs)
        _same(m, t)
    for name in ("gcd_", "lcm_"):
        (m, t) = _pair(_I.copy())
        getattr(m, name)(mg.tensor(4))
        getattr(t, name)(torch.tensor(4))
        _same(m, t)


def test_elementwise_out_like_torch() -> None:
    torch = _torch()
    for name in ("copysign", "fmax", "fmin", "logaddexp2", "ldexp", "nextafter"):
        mo, to = mg.zeros(4, dtype=mg.float64), torch.zeros(4, dtype=torch.float64)
        a, b = _F, np.array([1.0, -2.0, 0.0, 3.0])
        getattr(mg, name)(mg.tensor(a), mg.tensor(b), out=mo)
        getattr(torch, name)(torch.tensor(a), torch.tensor(b), out=to)
        _same(mo, to)
    mo, to = mg.zeros(4), torch.zeros(4)
    _same(mg.deg2rad(mg.tensor(_F[:4]), out=mo), torch.deg2rad(torch.tensor(_F[:4]), out=to))
    outs = (mg.zeros(3), mg.zeros(3, dtype=mg.int32))
    tuts = (torch.zeros(3), torch.zeros(3, dtype=torch.int32))
    m = mg.frexp(mg.tensor([1.0, 6.0, -0.25]), out=outs)
    t = torch.frexp(torch.tensor([1.0, 6.0, -0.25]), out=tuts)
    _same(outs, tuts)
    _same(tuple(m), tuple(t))


def test_elementwise_errors_like_torch() -> None:
    i, f = _I, _F
    _raises_like(lambda L: L.fmax(L.tensor(i), 2))
    _raises_like(lambda L: L.gcd(L.tensor(f), L.tensor(f)))
    _raises_like(lambda L: L.lcm(L.tensor([True]), L.tensor([False])))
    _raises_like(lambda L: L.tensor(i).deg2rad_())
    _raises_like(lambda L: L.logaddexp2(L.tensor(i), L.tensor(i)))
    _raises_like(lambda L: L.tensor(f, dtype=L.float32).float_power_(2))
    _raises_like(lambda L: L.frexp(L.tensor(i)))
    _raises_like(lambda L: L.nextafter(L.tensor(i), L.tensor(i)))


@pytest.mark.parametrize(
    "kw",
    [
        {"bins": 3},
        {"bins": 4, "range": (0.0, 1.0)},
        {"bins": 2, "weight": "w", "density": True},
        {"bins": "edges"},
        {"bins": "edges", "density": True},
    ],
)
def test_histogram_like_torch(kw: dict[str, Any]) -> None:
    torch = _torch()
    a = np.array([0.2, 1.5, -1.0, 0.9, 2.5, 0.2])
    results = []
    for L in (mg, torch):
        args = dict(kw)
        if args.get("bins") == "edges":
            args["bins"] = L.tensor([-1.0, 0.0, 0.5, 2.0], dtype=L.float64)
        if args.get("weight") == "w":
            args["weight"] = L.tensor(np.arange(6.0))
        results.append((L.histogram(L.tensor(a), **args), L.tensor(a).histogram(**args)))
    (m1, m2), (t1, t2) = results
    _same(tuple(m1), tuple(t1))
    _same(tuple(m2), tuple(t2))
    assert m1.hist is m1[0] and m1.bin_edges is m1[1]


def test_histogram_errors_and_equal_values_like_torch() -> None:
    torch = _torch()
    _same(tuple(mg.histogram(mg.ones(3), 2)), tuple(torch.histogram(torch.ones(3), 2)))
    _raises_like(lambda L: L.histogram(L.tensor([1.0, 2.0]), bins=0))
    _raises_like(lambda L: L.histogram(L.tensor([1, 2]), bins=2))


def test_histogramdd_like_torch() -> None:
    torch = _torch()
    a = _rng().random((20, 2))
    for kw in ({"bins": [2, 3]}, {"bins": 4, "density": True}, {"bins": 2, "range": [0, 1, 0, 1]}):
        m = mg.histogramdd(mg.tensor(a), **kw)
        t = torch.histogramdd(torch.tensor(a), **kw)
        _same(m.hist, t.hist)
        _same(tuple(m.bin_edges), tuple(t.bin_edges))
