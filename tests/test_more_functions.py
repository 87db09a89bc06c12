"""The functions of minigrad/more_functions.py and the Tensor methods of more_methods.py against
PyTorch (when installed): values, dtypes (integer inputs too), gradients, empty and 0-d inputs,
and each misuse's exception and message; finite-difference checks in float64, one input of
each non-contiguous.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor

MG = SimpleNamespace(t=mg, linalg=mg.linalg)


def _torch() -> Any:
    return pytest.importorskip("torch")


def _T() -> Any:
    torch = _torch()
    return SimpleNamespace(t=torch, linalg=torch.linalg)


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _outputs(r: Any) -> list[Any]:
    return list(r) if isinstance(r, tuple) else [r]


def _name(dt: Any) -> str:
    return str(dt).split(".")[-1]


# (name, fn(L, *tensors), the inputs' shapes, or arrays from a seed): differentiable results
Case = tuple[str, Callable[..., Any], Callable[[np.random.Generator], list[np.ndarray]]]


def _shapes(*shapes: tuple[int, ...]) -> Callable[[np.random.Generator], list[np.ndarray]]:
    return lambda rng: [rng.standard_normal(s) for s in shapes]


def _spread(n: int) -> Callable[[np.random.Generator], list[np.ndarray]]:
    """Values far from each other (no ties, so finite differences keep the order)."""
    return lambda rng: [rng.permutation(n).astype(float).reshape(2, -1) + 0.1 * rng.random()]


CASES: list[Case] = [
    ("tensordot_int", lambda L, a, b: L.t.tensordot(a, b, 2), _shapes((2, 3, 4), (3, 4, 5))),
    (
        "tensordot_lists",
        lambda L, a, b: L.t.tensordot(a, b, ([1, 0], [0, 2])),
        _shapes((2, 3, 4), (3, 5, 2)),
    ),
    ("tensordot_outer", lambda L, a, b: L.t.tensordot(a, b, 0), _shapes((2,), (3,))),
    ("tensordot_size1", lambda L, a, b: L.t.tensordot(a, b, ([1], [0])), _shapes((2, 1), (3, 2))),
    ("kron", lambda L, a, b: L.t.kron(a, b), _shapes((2, 3), (3, 2))),
    ("kron_ranks", lambda L, a, b: a.kron(b), _shapes((3,), (2, 2, 2))),
    ("kron_0d", lambda L, a, b: L.t.kron(a, b), _shapes((), (2, 3))),
    ("cross_dim", lambda L, a, b: L.t.cross(a, b, dim=0), _shapes((3, 2), (3, 2))),
    ("cross_method", lambda L, a, b: a.cross(b, -1), _shapes((4, 3), (4, 3))),
    ("linalg_cross_broadcast", lambda L, a, b: L.linalg.cross(a, b), _shapes((2, 3), (1, 3))),
    ("diff", lambda L, a: L.t.diff(a), _shapes((3, 5))),
    ("diff_n2_dim0", lambda L, a: a.diff(2, 0), _shapes((5, 3))),
    (
        "diff_prepend_append",
        lambda L, a, p, q: L.t.diff(a, 1, -2, prepend=p, append=q),
        _shapes((3, 2), (1, 2), (2, 2)),
    ),
    ("std_mean", lambda L, a: L.t.std_mean(a, 1), _shapes((3, 4))),
    ("std_mean_all", lambda L, a: L.t.std_mean(a), _shapes((3, 4))),
    (
        "var_mean_correction",
        lambda L, a: L.t.var_mean(a, dim=(0, -1), correction=0, keepdim=True),
        _shapes((3, 4, 2)),
    ),
    ("var_mean_unbiased", lambda L, a: L.t.var_mean(a, -1, False, True), _shapes((3, 4))),
    ("cummax", lambda L, a: L.t.cummax(a, 1).values, _spread(8)),
    ("cummin", lambda L, a: a.cummin(-1).values, _spread(8)),
    ("cummax_dim0", lambda L, a: a.cummax(0).values, _spread(8)),
    ("logcumsumexp", lambda L, a: L.t.logcumsumexp(a, 1), _shapes((3, 7))),
    ("logcumsumexp_dim0", lambda L, a: a.logcumsumexp(-2), _shapes((5, 2))),
    ("cartesian_prod", lambda L, a, b: L.t.cartesian_prod(a, b), _shapes((2,), (3,))),
    ("cartesian_prod3", lambda L, a, b, c: L.t.cartesian_prod(a, b, c), _shapes((2,), (1,), (3,))),
    ("combinations", lambda L, a: L.t.combinations(a), _shapes((4,))),
    ("combinations_r3_rep", lambda L, a: L.t.combinations(a, 3, True), _shapes((3,))),
    ("block_diag", lambda L, a, b, c: L.t.block_diag(a, b, c), _shapes((2, 3), (), (2,))),
    ("rot90", lambda L, a: L.t.rot90(a), _shapes((2, 3))),
    ("rot90_k2", lambda L, a: a.rot90(2, [1, 2]), _shapes((2, 3, 4))),
    ("rot90_k3", lambda L, a: a.rot90(3, (0, 1)), _shapes((2, 3))),
    ("rot90_negative", lambda L, a: L.t.rot90(a, -1, [-1, 0]), _shapes((2, 3))),
    ("vander", lambda L, a: L.t.vander(a), _shapes((3,))),
    ("vander_N_increasing", lambda L, a: L.t.vander(a, N=4, increasing=True), _shapes((3,))),
    ("renorm", lambda L, a: L.t.renorm(a, 2, 0, 1.5), _shapes((3, 4))),
    ("renorm_p1_dim1", lambda L, a: a.renorm(1, -1, 2.0), _shapes((3, 4, 2))),
    ("dist", lambda L, a, b: L.t.dist(a, b), _shapes((3, 4), (4,))),
    ("dist_p1", lambda L, a, b: a.dist(b, 1), _shapes((3, 4), (3, 4))),
    ("dist_p3", lambda L, a, b: L.t.dist(a, b, 3), _shapes((3, 4), (3, 4))),
    ("dist_inf", lambda L, a, b: L.t.dist(a, b, float("inf")), _shapes((3, 4), (3, 4))),
    ("quantile", lambda L, a: L.t.quantile(a, 0.3), _shapes((3, 4))),
    ("quantile_dim", lambda L, a: a.quantile(0.7, dim=1, keepdim=True), _shapes((3, 5))),
    (
        "quantile_tensor_q",
        lambda L, a: L.t.quantile(a, L.t.tensor([0.1, 0.5, 1.0], dtype=a.dtype), dim=0),
        _shapes((4, 3)),
    ),
    (
        "quantile_tensor_q_keepdim_all",
        lambda L, a: a.quantile(L.t.tensor([0.25, 0.8], dtype=a.dtype), keepdim=True),
        _shapes((2, 3)),
    ),
    (
        "quantile_midpoint",
        lambda L, a: a.quantile(0.4, -1, interpolation="midpoint"),
        _shapes((3, 5)),
    ),
    ("quantile_lower", lambda L, a: a.quantile(0.4, 1, interpolation="lower"), _shapes((3, 5))),
    ("quantile_higher", lambda L, a: a.quantile(0.4, 1, interpolation="higher"), _shapes((3, 5))),
    ("quantile_nearest", lambda L, a: a.quantile(0.4, 1, interpolation="nearest"), _shapes((3, 5))),
    ("nanquantile", lambda L, a: L.t.nanquantile(a, 0.6, 0), _shapes((4, 3))),
    ("cov", lambda L, a: L.t.cov(a), _shapes((3, 5))),
    ("cov_1d", lambda L, a: a.cov(correction=0), _shapes((5,))),
    ("cov_aweights", lambda L, a, w: L.t.cov(a, aweights=w.abs()), _shapes((3, 5), (5,))),
    (
        "cov_both_weights",
        lambda L, a, w: L.t.cov(a, fweights=L.t.tensor([1, 2, 1, 3, 1]), aweights=w.abs()),
        _shapes((2, 5), (5,)),
    ),
    ("corrcoef", lambda L, a: L.t.corrcoef(a), _shapes((3, 6))),
    ("corrcoef_method", lambda L, a: a.corrcoef(), _shapes((2, 4))),
    ("trapezoid", lambda L, y: L.t.trapezoid(y), _shapes((3, 5))),
    ("trapezoid_dx", lambda L, y: L.t.trapezoid(y, dx=0.5, dim=0), _shapes((3, 5))),
    ("trapezoid_x", lambda L, y, x: L.t.trapezoid(y, x), _shapes((3, 5), (5,))),
    ("trapezoid_x_2d", lambda L, y, x: L.t.trapezoid(y, x, dim=0), _shapes((4, 3), (4, 3))),
    ("trapz", lambda L, y: L.t.trapz(y, dx=2.0), _shapes((2, 3))),
    ("cumulative_trapezoid", lambda L, y: L.t.cumulative_trapezoid(y), _shapes((3, 5))),
    (
        "cumulative_trapezoid_x",
        lambda L, y, x: L.t.cumulative_trapezoid(y, x),
        _shapes((2, 4), (4,)),
    ),
    ("atleast_3d", lambda L, a, b: L.t.atleast_3d(a, b), _shapes((3,), (2, 3))),
    ("atleast_2d", lambda L, a: L.t.atleast_2d([a]), _shapes(())),
    ("atleast_1d", lambda L, a, b: L.t.atleast_1d(a, b), _shapes((), (2,))),
]


# torch 2.13's vander writes in place into a tensor its backward needs, so its gradient raises
TORCH_CANNOT_DIFFERENTIATE = {"vander", "vander_N_increasing"}


def _run(case: Case, dtype: str) -> None:
    torch = _torch()
    _, fn, make = case
    arrays = [a.astype(dtype) for a in make(_rng(3))]
    xs = [mg.from_numpy(a.copy()).requires_grad_() for a in arrays]
    ts = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outs, refs = _outputs(fn(MG, *xs)), _outputs(fn(_T(), *ts))
    assert len(outs) == len(refs)
    tol = 1e-10 if dtype == "float64" else 2e-5
    rng = _rng(7)
    total_m, total_t = None, None
    for out, ref in zip(outs, refs, strict=True):
        assert _name(out.dtype) == _name(ref.dtype)
        assert tuple(out.shape) == tuple(ref.shape)
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=tol, atol=tol)
        seed = rng.standard_normal(tuple(out.shape)).astype(dtype)
        term_m, term_t = (out * mg.from_numpy(seed)).sum(), (ref * torch.tensor(seed)).sum()
        total_m = term_m if total_m is None else total_m + term_m
        total_t = term_t if total_t is None else total_t + term_t
    assert total_m is not None and total_t is not None
    total_m.backward()
    if case[0] in TORCH_CANNOT_DIFFERENTIATE:
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            total_t.backward()
        return  # (gradcheck below checks minigrad's gradient)
    total_t.backward()
    for x, t in zip(xs, ts, strict=True):
        expected = np.zeros(t.shape) if t.grad is None else t.grad.numpy()
        got = np.zeros(x.shape) if x.grad is None else x.grad.numpy()
        np.testing.assert_allclose(got, expected, rtol=tol * 10, atol=tol * 10)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_values_dtypes_and_gradients_match_torch_float64(case: Case) -> None:
    _run(case, "float64")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_values_dtypes_and_gradients_match_torch_float32(case: Case) -> None:
    _run(case, "float32")


def _noncontiguous(a: np.ndarray) -> Tensor:
    """The array as a tensor that is a strided view: every other element of a wider array (a
    transposed copy for a 0-d one, which has no strides)."""
    if a.ndim == 0:
        return mg.from_numpy(a.copy()).requires_grad_()
    wide = np.zeros((*a.shape[:-1], 2 * a.shape[-1]))
    wide[..., ::2] = a
    t = mg.from_numpy(wide[..., ::2]).requires_grad_()
    assert not t._data.flags.c_contiguous or a.shape[-1] <= 1
    return t


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_gradcheck_with_a_noncontiguous_input(case: Case) -> None:
    _, fn, make = case
    arrays = make(_rng(5))
    xs = [_noncontiguous(arrays[0])] + [mg.from_numpy(a).requires_grad_() for a in arrays[1:]]

    def f(*ts: Tensor) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(MG, *ts)

    assert mg.gradcheck(f, xs)


SECOND_ORDER = [
    "kron",
    "cross_method",
    "logcumsumexp",
    "quantile_dim",
    "cov_aweights",
    "renorm",
    "tensordot_lists",
    "std_mean",
]


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_gradgradcheck(name: str) -> None:
    _, fn, make = next(c for c in CASES if c[0] == name)
    xs = [mg.from_numpy(a).requires_grad_() for a in make(_rng(11))]
    assert mg.gradgradcheck(lambda *ts: fn(MG, *ts), xs)


def test_cummax_gradient_goes_to_the_index_with_ties_and_nan() -> None:
    torch = _torch()
    data = [
        [1.0, 3.0, 2.0, 3.0, float("nan"), 0.0, float("nan")],
        [0.0, -1.0, 5.0, 5.0, 1.0, 6.0, 6.0],
    ]
    for name in ("cummax", "cummin"):
        x = mg.tensor(data, dtype=mg.float64, requires_grad=True)
        t = torch.tensor(data, dtype=torch.float64, requires_grad=True)
        got, ref = getattr(x, name)(1), getattr(t, name)(1)
        assert type(got).__name__ == name and got._fields == ("values", "indices")
        assert isinstance(got, getattr(mg.return_types, name))
        np.testing.assert_array_equal(got.indices.numpy(), ref.indices.numpy())
        np.testing.assert_array_equal(got.values.detach().numpy(), ref.values.detach().numpy())
        assert got.indices.dtype == mg.int64 and got.indices.grad_fn is None
        assert not got.indices.requires_grad
        seed = np.arange(14.0).reshape(2, 7)
        got.values.backward(mg.from_numpy(seed))
        ref.values.backward(torch.tensor(seed))
        np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())


def test_logcumsumexp_is_stable_where_a_single_shift_is_not() -> None:
    torch = _torch()
    data = [-1000.0, 0.0, 1000.0, -1e4, 1e4 - 1.0, float("-inf")]
    got = mg.logcumsumexp(mg.tensor(data, dtype=mg.float64), 0)
    ref = torch.logcumsumexp(torch.tensor(data, dtype=torch.float64), 0)
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-12)
    edge = [float("-inf"), 0.0, float("-inf"), float("inf"), float("nan")]
    got = mg.logcumsumexp(mg.tensor(edge), 0)
    ref = torch.logcumsumexp(torch.tensor(edge), 0)
    np.testing.assert_array_equal(got.numpy(), ref.numpy())


# ---------------------------------------------------------------------------------------------
# dtypes of integer, bool and mixed inputs; empty and 0-d inputs; results without gradient

INTEGER = np.array([[3, -1, 2, 0], [1, 4, 4, -2]])
DTYPE_CASES: list[tuple[str, Callable[[Any], Any]]] = [
    ("tensordot_int", lambda L: L.t.tensordot(L.t.tensor(INTEGER), L.t.tensor(INTEGER.T), 1)),
    ("kron_int_float", lambda L: L.t.kron(L.t.tensor(INTEGER), L.t.ones(2, dtype=L.t.float64))),
    ("kron_bool", lambda L: L.t.kron(L.t.tensor([True, False]), L.t.tensor([True, True]))),
    ("cross_int", lambda L: L.t.cross(L.t.tensor(INTEGER[:, :3]), L.t.tensor(INTEGER[:, 1:]), 1)),
    ("diff_int", lambda L: L.t.diff(L.t.tensor(INTEGER), 2)),
    ("diff_bool", lambda L: L.t.diff(L.t.tensor([True, False, False, True]))),
    ("diff_uint8", lambda L: L.t.diff(L.t.tensor([3, 1, 2], dtype=L.t.uint8))),
    ("diff_n0", lambda L: L.t.diff(L.t.tensor(INTEGER), 0)),
    ("diff_n_big", lambda L: L.t.diff(L.t.tensor(INTEGER), 9)),
    ("diff_empty", lambda L: L.t.diff(L.t.ones(2, 0))),
    (
        "diff_prepend_float_on_int",
        lambda L: L.t.diff(L.t.tensor(INTEGER), prepend=L.t.ones(2, 1)),
    ),
    ("cummax_int", lambda L: L.t.cummax(L.t.tensor(INTEGER), 1)),
    ("cummin_bool", lambda L: L.t.cummin(L.t.tensor([True, False, True]), 0)),
    ("cummax_0d", lambda L: L.t.cummax(L.t.tensor(2.0), 0)),
    ("cummax_empty", lambda L: L.t.cummax(L.t.ones(0, 3), 0)),
    ("logcumsumexp_0d", lambda L: L.t.logcumsumexp(L.t.tensor(2.0), -1)),
    ("logcumsumexp_empty", lambda L: L.t.logcumsumexp(L.t.ones(2, 0), 1)),
    ("searchsorted", lambda L: L.t.searchsorted(L.t.tensor([1, 3, 5, 7]), L.t.tensor([3, 6, 9]))),
    (
        "searchsorted_right_int32",
        lambda L: L.t.searchsorted(
            L.t.tensor([1.0, 3.0, 5.0]), L.t.tensor([[3.0], [0.0]]), right=True, out_int32=True
        ),
    ),
    (
        "searchsorted_side",
        lambda L: L.t.searchsorted(L.t.tensor([1, 3, 3, 5]), L.t.tensor([3]), side="right"),
    ),
    (
        "searchsorted_nd",
        lambda L: L.t.searchsorted(
            L.t.tensor([[1, 3, 5], [2, 4, 6]]), L.t.tensor([[2, 6, 0], [4, 4, 7]])
        ),
    ),
    (
        "searchsorted_sorter",
        lambda L: L.t.searchsorted(
            L.t.tensor([5, 1, 3]), L.t.tensor([2, 4, 6]), sorter=L.t.tensor([1, 2, 0])
        ),
    ),
    ("searchsorted_scalar", lambda L: L.t.searchsorted(L.t.tensor([1, 3, 5]), 3)),
    ("searchsorted_float_scalar", lambda L: L.t.searchsorted(L.t.tensor([1, 3, 5]), 3.5)),
    ("searchsorted_0d", lambda L: L.t.searchsorted(L.t.tensor([1, 3, 5]), L.t.tensor(4))),
    ("searchsorted_mixed", lambda L: L.t.searchsorted(L.t.tensor([1, 3]), L.t.tensor([2.5]))),
    ("bucketize", lambda L: L.t.bucketize(L.t.tensor([[3, 6], [9, 0]]), L.t.tensor([1, 3, 5]))),
    (
        "bucketize_right",
        lambda L: L.t.bucketize(L.t.tensor([3, 6, 9]), L.t.tensor([1, 3, 9]), right=True),
    ),
    ("bucketize_scalar", lambda L: L.t.bucketize(3, L.t.tensor([1, 3, 5]))),
    ("histc", lambda L: L.t.histc(L.t.tensor([[1.0, 3.0, 2.0, 3.0], [0.0, -1.0, 5.0, 5.0]]), 4)),
    (
        "histc_range",
        lambda L: L.t.tensor([1.0, 3.0, 2.0, 3.0, 7.0, -2.0], dtype=L.t.float64).histc(
            4, min=0, max=3
        ),
    ),
    ("histc_const", lambda L: L.t.histc(L.t.tensor([2.0, 2.0]), 4)),
    ("histc_empty", lambda L: L.t.histc(L.t.ones(0), 3)),
    ("histc_0d", lambda L: L.t.histc(L.t.tensor(1.0), 3)),
    ("heaviside_0d", lambda L: L.t.heaviside(L.t.tensor(0.0), L.t.tensor(2.0))),
    ("searchsorted_empty", lambda L: L.t.searchsorted(L.t.tensor([1.0, 2.0]), L.t.ones(0))),
    ("searchsorted_empty_rows", lambda L: L.t.searchsorted(L.t.ones(2, 0), L.t.ones(2, 3))),
    ("cumulative_trapezoid_empty", lambda L: L.t.cumulative_trapezoid(L.t.ones(2, 0))),
    ("histc_nan_ignored", lambda L: L.t.histc(L.t.tensor([1.0, float("nan"), 2.0]), 2, 0, 3)),
    ("cartesian_prod_int", lambda L: L.t.cartesian_prod(L.t.tensor([1, 2]), L.t.tensor([3, 4, 5]))),
    ("cartesian_prod_one", lambda L: L.t.cartesian_prod(L.t.tensor([1, 2]))),
    ("combinations_int", lambda L: L.t.combinations(L.t.tensor([1, 2, 3]))),
    ("combinations_r0", lambda L: L.t.combinations(L.t.tensor([1, 2, 3]), 0)),
    ("combinations_r4", lambda L: L.t.combinations(L.t.tensor([1, 2, 3]), 4)),
    ("combinations_empty", lambda L: L.t.combinations(L.t.ones(0))),
    ("block_diag_int_bool", lambda L: L.t.block_diag(L.t.tensor(INTEGER), L.t.tensor([True]))),
    ("block_diag_none", lambda L: L.t.block_diag()),
    ("block_diag_empty", lambda L: L.t.block_diag(L.t.ones(0, 2), L.t.ones(2, 0))),
    ("rot90_int", lambda L: L.t.rot90(L.t.tensor(INTEGER), 5)),
    ("rot90_k0", lambda L: L.t.rot90(L.t.tensor(INTEGER), 4)),
    ("vander_int", lambda L: L.t.vander(L.t.tensor([1, 2, 3]))),
    ("vander_int32", lambda L: L.t.vander(L.t.tensor([1, 2], dtype=L.t.int32), 3)),
    ("vander_bool", lambda L: L.t.vander(L.t.tensor([True, False]))),
    ("vander_N0", lambda L: L.t.vander(L.t.ones(2), N=0)),
    ("vander_zero", lambda L: L.t.vander(L.t.tensor([0.0, 2.0]), 3)),
    ("dist_int_float", lambda L: L.t.dist(L.t.tensor(INTEGER), L.t.ones(4))),
    ("dist_0d", lambda L: L.t.dist(L.t.tensor(1.0), L.t.tensor(4.0))),
    (
        "heaviside",
        lambda L: L.t.heaviside(L.t.tensor([-1.5, 0.0, 2.0, float("nan")]), L.t.tensor(0.5)),
    ),
    ("heaviside_int", lambda L: L.t.heaviside(L.t.tensor(INTEGER), L.t.tensor([7, 8, 9, 10]))),
    ("heaviside_bool", lambda L: L.t.tensor([True, False]).heaviside(L.t.tensor([True, True]))),
    ("signbit", lambda L: L.t.signbit(L.t.tensor([-0.0, 0.0, -1.0, 2.0, float("-inf")]))),
    ("signbit_int", lambda L: L.t.signbit(L.t.tensor(INTEGER))),
    (
        "signbit_uint8_bool",
        lambda L: (L.t.ones(2, dtype=L.t.uint8).signbit(), L.t.signbit(L.t.tensor([True]))),
    ),
    ("quantile_0d", lambda L: L.t.quantile(L.t.tensor(2.0), 0.5)),
    ("quantile_0d_dim", lambda L: L.t.quantile(L.t.tensor(2.0), 0.5, dim=0, keepdim=True)),
    ("quantile_int_q", lambda L: L.t.quantile(L.t.tensor([1.0, 5.0]), 1)),
    ("quantile_0d_q", lambda L: L.t.quantile(L.t.ones(2, 3), L.t.tensor(0.5), dim=0)),
    (
        "quantile_nearest_half_even",
        lambda L: L.t.quantile(
            L.t.arange(4.0), L.t.tensor([0.5, 1 / 6, 0.5 / 3]), interpolation="nearest"
        ),
    ),
    (
        "quantile_nan",
        lambda L: L.t.quantile(
            L.t.tensor([[1.0, float("nan"), 2.0], [float("nan")] * 3, [3.0, 4.0, 5.0]]), 0.5, 1
        ),
    ),
    (
        "nanquantile_nan",
        lambda L: L.t.nanquantile(
            L.t.tensor([[1.0, float("nan"), 2.0], [float("nan")] * 3, [3.0, 4.0, 5.0]]),
            L.t.tensor([0.0, 0.5, 0.9]),
            1,
            interpolation="higher",
        ),
    ),
    ("nanquantile_all", lambda L: L.t.tensor([1.0, float("nan"), 5.0, 4.0]).nanquantile(0.5)),
    ("cov_int", lambda L: L.t.cov(L.t.tensor(INTEGER))),
    ("cov_fweights_int", lambda L: L.t.cov(L.t.tensor(INTEGER), fweights=L.t.tensor([1, 2, 1, 3]))),
    (
        "cov_aweights_float64",
        lambda L: L.t.cov(L.t.ones(2, 4), aweights=L.t.tensor([1.0, 2, 1, 3], dtype=L.t.float64)),
    ),
    ("cov_one_observation", lambda L: L.t.cov(L.t.ones(2, 1))),
    ("cov_empty", lambda L: L.t.cov(L.t.ones(2, 0))),
    ("cov_0d", lambda L: L.t.cov(L.t.tensor(3.0))),
    ("corrcoef_int", lambda L: L.t.corrcoef(L.t.tensor(INTEGER))),
    ("corrcoef_1d", lambda L: L.t.corrcoef(L.t.tensor([1.0, 2.0, 4.0]))),
    ("corrcoef_constant_row", lambda L: L.t.corrcoef(L.t.tensor([[1.0, 1, 1], [1, 2, 3]]))),
    ("trapezoid_int", lambda L: L.t.trapezoid(L.t.tensor(INTEGER))),
    ("trapezoid_int_dx", lambda L: L.t.trapezoid(L.t.tensor(INTEGER), dx=2)),
    ("trapezoid_int_x", lambda L: L.t.trapezoid(L.t.tensor(INTEGER), L.t.tensor([0, 1, 3, 4]))),
    ("trapezoid_empty", lambda L: L.t.trapezoid(L.t.ones(2, 0))),
    ("trapezoid_one", lambda L: L.t.trapezoid(L.t.ones(2, 1))),
    (
        "trapezoid_x_broadcast",
        lambda L: L.t.trapezoid(L.t.ones(2, 4), L.t.arange(4.0).reshape(1, 4)),
    ),
    ("cumulative_trapezoid_int", lambda L: L.t.cumulative_trapezoid(L.t.tensor(INTEGER))),
    ("std_mean_float32", lambda L: L.t.std_mean(L.t.tensor(INTEGER, dtype=L.t.float32), 0)),
    (
        "var_mean_unbiased_only",
        lambda L: L.t.var_mean(L.t.tensor(INTEGER, dtype=L.t.float64), True),
    ),
    ("atleast_1d", lambda L: L.t.atleast_1d(L.t.tensor(1), L.t.ones(2, 2))),
    ("atleast_1d_none", lambda L: L.t.atleast_1d()),
    (
        "atleast_2d_int",
        lambda L: L.t.atleast_2d(L.t.tensor(1), L.t.tensor([1, 2]), L.t.tensor(INTEGER)),
    ),
    ("atleast_3d_0d", lambda L: L.t.atleast_3d(L.t.tensor(1.0))),
    ("atleast_3d_4d", lambda L: L.t.atleast_3d([L.t.ones(1, 2, 3, 4)])),
]


@pytest.mark.parametrize("case", DTYPE_CASES, ids=[c[0] for c in DTYPE_CASES])
def test_results_and_dtypes_match_torch(case: tuple[str, Callable[[Any], Any]]) -> None:
    T = _T()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, ref = case[1](MG), case[1](T)
    assert type(got).__name__ == type(ref).__name__ or isinstance(ref, tuple)
    gots, refs = _outputs(got), _outputs(ref)
    assert len(gots) == len(refs)
    for g, r in zip(gots, refs, strict=True):
        assert _name(g.dtype) == _name(r.dtype), case[0]
        assert tuple(g.shape) == tuple(r.shape), case[0]
        if g.dtype.is_floating_point:  # (float32 sums may round differently)
            np.testing.assert_allclose(g.numpy(), r.numpy(), rtol=1e-6, atol=1e-6)
        else:
            np.testing.assert_array_equal(g.numpy(), r.numpy())


def test_a_differentiable_function_returns_its_input_where_torch_does() -> None:
    x = mg.ones(2, 3, requires_grad=True)
    assert mg.atleast_2d(x) is x and mg.cartesian_prod(x[0]).shape == (3,)
    d = mg.detach(x)
    assert (
        d.grad_fn is None
        and not d.requires_grad
        and np.shares_memory(d.numpy(), x.detach().numpy())
    )


NO_GRAD: list[tuple[str, Callable[[Tensor], Any]]] = [
    ("searchsorted", lambda x: mg.searchsorted(x[0].sort().values, x[1])),
    ("searchsorted_sorter", lambda x: mg.searchsorted(x[0], x[1], sorter=x[0].argsort())),
    ("bucketize", lambda x: mg.bucketize(x, x[0].sort().values)),
    ("histc", lambda x: mg.histc(x, 4)),
    ("histc_method", lambda x: x.histc(bins=3, min=-1, max=1)),
    ("signbit", lambda x: x.signbit()),
    ("heaviside", lambda x: mg.heaviside(x, mg.tensor(0.5, dtype=mg.float64))),
    ("cummax_indices", lambda x: x.cummax(1).indices),
    ("cummin_indices", lambda x: mg.cummin(x, 0).indices),
]


@pytest.mark.parametrize("case", NO_GRAD, ids=[c[0] for c in NO_GRAD])
def test_results_without_a_gradient_record_nothing(
    case: tuple[str, Callable[[Tensor], Any]],
) -> None:
    x = mg.from_numpy(_rng(1).standard_normal((2, 5))).requires_grad_()
    out = case[1](x)
    assert out.grad_fn is None and not out.requires_grad


def test_out_arguments() -> None:
    x = mg.tensor([[1.0, 2.0], [3.0, 5.0]])
    out = mg.empty(2, 1)
    assert mg.diff(x, out=out) is out and out.tolist() == [[1.0], [2.0]]
    idx = mg.zeros(2, dtype=mg.int64)
    mg.searchsorted(mg.tensor([1.0, 3.0]), mg.tensor([2.0, 4.0]), out=idx)
    assert idx.tolist() == [1, 2]
    q = mg.empty(0)
    assert mg.quantile(x, 0.5, 1, out=q).tolist() == [1.5, 4.0]
    values, indices = mg.empty(0), mg.zeros(2, 2, dtype=mg.int64)
    got = mg.cummax(x, 1, out=(values, indices))
    assert got.values is values and got.indices is indices and indices.tolist() == [[0, 1]] * 2
    with pytest.raises(TypeError, match="argument 'out' must be tuple of Tensors"):
        mg.cummin(x, 1, out=values)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        mg.kron(x.requires_grad_(), x, out=mg.empty(4, 4))


def test_cross_without_dim_warns_as_torch_and_takes_the_first_dim_of_size_3() -> None:
    torch = _torch()
    a, b = _rng(2).standard_normal((2, 3, 3)), _rng(4).standard_normal((2, 3, 3))
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg") as w:
        got = mg.cross(mg.tensor(a), mg.tensor(b))
    assert w[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = torch.cross(torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-12)
    got = mg.linalg.cross(mg.tensor(a), mg.tensor(b))  # linalg.cross: dim -1, no warning
    np.testing.assert_allclose(got.numpy(), np.cross(a, b), rtol=1e-12)


def test_cov_warns_for_no_degrees_of_freedom_at_the_callers_line() -> None:
    for call in (
        lambda: mg.cov(mg.ones(2, 3), correction=3),
        lambda: mg.ones(2, 1).cov(),
        lambda: mg.corrcoef(mg.ones(2, 1)),
    ):
        with pytest.warns(UserWarning, match=r"cov\(\): degrees of freedom is <= 0") as seen:
            call()
        assert seen[0].filename == __file__


# ---------------------------------------------------------------------------------------------
# Misuse: PyTorch's exception type and, where minigrad gives PyTorch's message, its words first


def _f(L: Any) -> Any:
    return L.t.tensor([[1.0, 3.0, 2.0, 3.0], [0.0, -1.0, 5.0, 5.0]])


ERRORS: list[tuple[str, Callable[[Any], Any], bool]] = [
    # (name, the misuse in namespace L, whether the message is PyTorch's)
    (
        "tensordot_dtypes",
        lambda L: L.t.tensordot(L.t.ones(2, 3), L.t.ones(3, 2, dtype=L.t.float64), 1),
        True,
    ),
    ("tensordot_sizes", lambda L: L.t.tensordot(L.t.ones(2, 3), L.t.ones(2, 3), 1), True),
    ("tensordot_negative", lambda L: L.t.tensordot(L.t.ones(2, 3), L.t.ones(2, 3), -1), True),
    ("tensordot_too_many", lambda L: L.t.tensordot(L.t.ones(2, 3), L.t.ones(2, 3), 3), True),
    (
        "tensordot_lengths",
        lambda L: L.t.tensordot(L.t.ones(2, 3), L.t.ones(2, 3), ([0, 1], [0])),
        True,
    ),
    (
        "tensordot_dim_range",
        lambda L: L.t.tensordot(L.t.ones(2, 3), L.t.ones(2, 3), ([5], [0])),
        True,
    ),
    ("tensordot_float_dims", lambda L: L.t.tensordot(L.t.ones(2, 3), L.t.ones(3, 2), 2.0), True),
    ("tensordot_ints_pair", lambda L: L.t.tensordot(L.t.ones(2, 3), L.t.ones(3, 2), (1, 0)), True),
    (
        "tensordot_bool",
        lambda L: L.t.tensordot(L.t.ones(2, dtype=L.t.bool), L.t.ones(2, dtype=L.t.bool), 1),
        True,
    ),
    ("kron_list", lambda L: L.t.kron([1.0], L.t.ones(2)), True),
    ("cross_no_size_3", lambda L: L.t.cross(L.t.ones(2, 4), L.t.ones(2, 4)), True),
    ("cross_dim_not_3", lambda L: L.t.cross(L.t.ones(2, 3), L.t.ones(2, 3), dim=0), True),
    ("linalg_cross_ndim", lambda L: L.linalg.cross(L.t.ones(2, 3), L.t.ones(3)), True),
    ("linalg_cross_broadcast", lambda L: L.linalg.cross(L.t.ones(2, 3), L.t.ones(4, 3)), True),
    (
        "linalg_cross_dtypes",
        lambda L: L.linalg.cross(L.t.ones(3, dtype=L.t.int64), L.t.ones(3)),
        True,
    ),
    (
        "linalg_cross_bool",
        lambda L: L.linalg.cross(L.t.ones(3, dtype=L.t.bool), L.t.ones(3, dtype=L.t.bool)),
        True,
    ),
    (
        "linalg_cross_dim_range",
        lambda L: L.linalg.cross(L.t.ones(2, 3), L.t.ones(2, 3), dim=2),
        True,
    ),
    ("linalg_cross_0d", lambda L: L.linalg.cross(L.t.tensor(1.0), L.t.tensor(1.0)), True),
    ("linalg_cross_list", lambda L: L.linalg.cross(L.t.ones(3), [1.0, 2.0, 3.0]), True),
    ("diff_0d", lambda L: L.t.diff(L.t.tensor(1.0)), True),
    ("diff_negative_n", lambda L: L.t.diff(_f(L), n=-1), True),
    ("diff_float_n", lambda L: L.t.diff(_f(L), n=1.0), True),
    ("diff_prepend_shape", lambda L: L.t.diff(_f(L), prepend=L.t.ones(3, 3)), True),
    ("diff_prepend_ndim", lambda L: L.t.diff(_f(L), append=L.t.ones(4)), True),
    ("diff_prepend_number", lambda L: L.t.diff(_f(L), prepend=1.0), True),
    ("diff_dim_range", lambda L: _f(L).diff(dim=2), True),
    ("var_mean_int", lambda L: L.t.var_mean(L.t.tensor([1, 2])), True),
    ("std_mean_int", lambda L: L.t.std_mean(L.t.tensor([1, 2])), True),
    (
        "var_mean_both",
        lambda L: L.t.var_mean(L.t.ones(3), dim=0, unbiased=True, correction=0),
        False,
    ),
    ("cummax_dim_range", lambda L: L.t.cummax(L.t.ones(2, 3), 2), True),
    ("cummax_0d_dim", lambda L: L.t.cummax(L.t.tensor(1.0), 1), True),
    ("cummin_0d_dim", lambda L: L.t.tensor(1.0).cummin(-2), True),
    ("logcumsumexp_0d_dim", lambda L: L.t.logcumsumexp(L.t.tensor(1.0), 1), True),
    ("cumulative_trapezoid_bool", lambda L: L.t.cumulative_trapezoid(L.t.ones(3) > 0), True),
    ("cummax_no_dim", lambda L: L.t.ones(3).cummax(), False),
    ("logcumsumexp_int", lambda L: L.t.logcumsumexp(L.t.tensor([1, 2]), 0), True),
    ("logcumsumexp_bool", lambda L: L.t.logcumsumexp(L.t.tensor([True]), 0), True),
    (
        "searchsorted_side",
        lambda L: L.t.searchsorted(L.t.tensor([1, 3]), L.t.tensor([2]), side="up"),
        True,
    ),
    (
        "searchsorted_opposites",
        lambda L: L.t.searchsorted(L.t.tensor([1, 3]), L.t.tensor([2]), side="left", right=True),
        True,
    ),
    (
        "searchsorted_leading_dims",
        lambda L: L.t.searchsorted(L.t.tensor([[1, 3], [2, 4]]), L.t.tensor([[2], [3], [4]])),
        True,
    ),
    ("searchsorted_0d", lambda L: L.t.searchsorted(L.t.tensor(1), L.t.tensor([2])), True),
    (
        "searchsorted_sorter_size",
        lambda L: L.t.searchsorted(
            L.t.tensor([5, 1, 3]), L.t.tensor([2]), sorter=L.t.tensor([1, 2])
        ),
        True,
    ),
    (
        "searchsorted_sorter_dtype",
        lambda L: L.t.searchsorted(
            L.t.tensor([5, 1, 3]), L.t.tensor([2]), sorter=L.t.tensor([1.0, 2.0, 0.0])
        ),
        True,
    ),
    (
        "searchsorted_sorter_range",
        lambda L: L.t.searchsorted(
            L.t.tensor([5, 1, 3]), L.t.tensor([2]), sorter=L.t.tensor([1, 2, 5])
        ),
        True,
    ),
    ("searchsorted_bool", lambda L: L.t.searchsorted(L.t.tensor([True]), L.t.tensor([True])), True),
    ("searchsorted_list", lambda L: L.t.searchsorted([1, 2], L.t.tensor([1])), False),
    ("searchsorted_string", lambda L: L.t.searchsorted(L.t.tensor([1.0, 2.0]), "a"), False),
    ("bucketize_2d", lambda L: L.t.bucketize(L.t.tensor([3]), L.t.ones(2, 2)), True),
    ("bucketize_list", lambda L: L.t.bucketize(L.t.tensor([3]), [1, 2]), False),
    ("histc_int", lambda L: L.t.histc(L.t.tensor([1, 2]), 4), True),
    ("histc_bins", lambda L: L.t.histc(L.t.ones(2), 0), True),
    ("histc_float_bins", lambda L: L.t.histc(L.t.ones(2), 4.0), True),
    ("histc_min_max", lambda L: L.t.histc(L.t.ones(2), 4, min=3, max=1), True),
    ("histc_inf", lambda L: L.t.histc(L.t.tensor([1.0, float("inf")]), 4), True),
    ("histc_nan", lambda L: L.t.histc(L.t.tensor([1.0, float("nan")]), 4), True),
    ("cartesian_prod_2d", lambda L: L.t.cartesian_prod(L.t.ones(2, 2), L.t.ones(2)), True),
    ("cartesian_prod_0d", lambda L: L.t.cartesian_prod(L.t.tensor(1.0), L.t.ones(2)), True),
    ("cartesian_prod_none", lambda L: L.t.cartesian_prod(), True),
    ("cartesian_prod_dtypes", lambda L: L.t.cartesian_prod(L.t.tensor([1]), L.t.ones(2)), True),
    ("cartesian_prod_list", lambda L: L.t.cartesian_prod([L.t.ones(2)]), True),
    ("combinations_2d", lambda L: L.t.combinations(L.t.ones(2, 2)), True),
    ("combinations_negative", lambda L: L.t.combinations(L.t.ones(3), -1), True),
    ("block_diag_3d", lambda L: L.t.block_diag(L.t.ones(2), L.t.ones(2, 2, 2)), True),
    ("block_diag_list", lambda L: L.t.block_diag([1.0]), True),
    ("rot90_1d", lambda L: L.t.rot90(L.t.ones(3)), True),
    ("rot90_same", lambda L: L.t.rot90(L.t.ones(2, 2), 1, [0, -2]), True),
    ("rot90_three_dims", lambda L: L.t.rot90(L.t.ones(2, 2), 1, [0, 1, 2]), True),
    ("rot90_dim_range", lambda L: L.t.rot90(L.t.ones(2, 2), 1, [0, 2]), True),
    ("rot90_float_k", lambda L: L.t.rot90(L.t.ones(2, 2), 1.5), True),
    ("vander_2d", lambda L: L.t.vander(L.t.ones(2, 2)), True),
    ("vander_0d", lambda L: L.t.vander(L.t.tensor(2.0)), True),
    ("vander_negative_N", lambda L: L.t.vander(L.t.ones(2), N=-1), True),
    ("vander_list", lambda L: L.t.vander([1, 2]), True),
    ("renorm_int", lambda L: L.t.renorm(L.t.tensor([[1, 2]]), 2, 0, 1.0), True),
    ("renorm_p", lambda L: L.t.renorm(L.t.ones(2, 2), 0, 0, 1.0), True),
    ("renorm_negative_maxnorm", lambda L: L.t.renorm(L.t.ones(2, 2), 2, 0, -1.5), True),
    ("renorm_1d", lambda L: L.t.renorm(L.t.ones(2), 2, 0, 1.0), True),
    ("renorm_dim_range", lambda L: L.t.renorm(L.t.ones(2, 2), 2, 2, 1.0), True),
    ("dist_int", lambda L: L.t.dist(L.t.tensor([1, 2]), L.t.tensor([1, 2])), True),
    ("dist_broadcast", lambda L: L.t.dist(L.t.ones(2, 4), L.t.ones(3)), True),
    ("dist_p_string", lambda L: L.t.dist(L.t.ones(2), L.t.ones(2), "fro"), True),
    ("heaviside_dtypes", lambda L: L.t.heaviside(L.t.ones(2), L.t.tensor(7)), True),
    ("heaviside_number", lambda L: L.t.heaviside(L.t.ones(2), 0.5), True),
    ("heaviside_broadcast", lambda L: L.t.heaviside(L.t.ones(2, 4), L.t.ones(3)), True),
    ("quantile_int", lambda L: L.t.quantile(L.t.tensor([1, 2]), 0.5), True),
    (
        "quantile_q_dtype",
        lambda L: L.t.quantile(L.t.ones(3), L.t.tensor([0.5], dtype=L.t.float64)),
        True,
    ),
    ("quantile_q_range", lambda L: L.t.quantile(L.t.ones(3), 1.5), True),
    ("quantile_q_tensor_range", lambda L: L.t.quantile(L.t.ones(3), L.t.tensor([0.5, -0.1])), True),
    ("quantile_q_2d", lambda L: L.t.quantile(L.t.ones(3), L.t.ones(2, 2) * 0.5), True),
    ("quantile_empty", lambda L: L.t.quantile(L.t.ones(2, 0), 0.5, dim=1), True),
    (
        "quantile_interpolation",
        lambda L: L.t.quantile(L.t.ones(3), 0.5, interpolation="cubic"),
        True,
    ),
    ("quantile_dim_range", lambda L: L.t.quantile(L.t.ones(2, 3), 0.5, dim=2), True),
    ("quantile_list_q", lambda L: L.t.quantile(L.t.ones(3), [0.5]), False),
    ("nanquantile_int", lambda L: L.t.nanquantile(L.t.tensor([1, 2]), 0.5), True),
    ("cov_3d", lambda L: L.t.cov(L.t.ones(2, 2, 2)), True),
    ("cov_bool", lambda L: L.t.cov(L.t.ones(2, dtype=L.t.bool)), True),
    ("cov_fweights_float", lambda L: L.t.cov(_f(L), fweights=L.t.ones(4)), True),
    ("cov_fweights_negative", lambda L: L.t.cov(_f(L), fweights=L.t.tensor([1, -2, 1, 3])), True),
    ("cov_fweights_2d", lambda L: L.t.cov(_f(L), fweights=L.t.ones(2, 4, dtype=L.t.int64)), True),
    ("cov_fweights_size", lambda L: L.t.cov(_f(L), fweights=L.t.ones(3, dtype=L.t.int64)), True),
    ("cov_aweights_int", lambda L: L.t.cov(_f(L), aweights=L.t.tensor([1, 2, 1, 3])), True),
    ("cov_aweights_negative", lambda L: L.t.cov(_f(L), aweights=L.t.tensor([1.0, -2, 1, 3])), True),
    ("cov_weights_zero", lambda L: L.t.cov(_f(L), aweights=L.t.zeros(4)), True),
    ("cov_float_correction", lambda L: L.t.cov(_f(L), correction=0.5), True),
    ("corrcoef_3d", lambda L: L.t.corrcoef(L.t.ones(2, 2, 2)), True),
    ("trapezoid_bool", lambda L: L.t.trapezoid(L.t.ones(3, dtype=L.t.bool)), True),
    ("trapezoid_0d", lambda L: L.t.trapezoid(L.t.tensor(1.0)), True),
    ("trapezoid_x_size", lambda L: L.t.trapezoid(L.t.ones(2, 4), L.t.ones(3)), True),
    ("trapezoid_x_broadcast", lambda L: L.t.trapezoid(L.t.ones(2, 4), L.t.ones(3, 4)), True),
    ("trapezoid_x_and_dx", lambda L: L.t.trapezoid(L.t.ones(4), L.t.ones(4), dx=1.0), False),
    ("trapezoid_number_x", lambda L: L.t.trapezoid(L.t.ones(4), 2.0), False),
    ("atleast_1d_number", lambda L: L.t.atleast_1d(1.0), False),
    ("detach_list", lambda L: L.t.detach([1.0]), True),
]


def _message(e: BaseException) -> str:
    return str(e).split(" (Triggered internally")[0]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_misuse_raises_torchs_error(case: tuple[str, Callable[[Any], Any], bool]) -> None:
    T = _T()
    name, misuse, same_words = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as ref:
            misuse(T)
        with pytest.raises(Exception) as got:
            misuse(MG)
    assert type(got.value) is type(ref.value) or isinstance(got.value, type(ref.value)), name
    if same_words:
        assert str(got.value).startswith(_message(ref.value)), (str(got.value), str(ref.value))


def test_quantile_gradients_with_nan_go_where_torchs_do() -> None:
    torch = _torch()
    a = np.array([[1.0, np.nan, 2.0, 5.0], [np.nan] * 4, [3.0, 4.0, 0.5, 7.0]])
    g = np.arange(6.0).reshape(2, 3)
    for name in ("quantile", "nanquantile"):
        x, t = mg.from_numpy(a.copy()).requires_grad_(), torch.tensor(a, requires_grad=True)
        q, tq = (
            mg.tensor([0.3, 0.6], dtype=mg.float64),
            torch.tensor([0.3, 0.6], dtype=torch.float64),
        )
        getattr(mg, name)(x, q, 1).backward(mg.from_numpy(g))
        getattr(torch, name)(t, tq, 1).backward(torch.tensor(g))
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_renorm_and_heaviside_in_place() -> None:
    torch = _torch()
    a = _rng(6).standard_normal((3, 4))
    x, t = mg.from_numpy(a.copy()), torch.tensor(a)
    view = x[0]
    assert x.renorm_(2, 0, 1.0) is x
    t.renorm_(2, 0, 1.0)
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-12)
    np.testing.assert_allclose(view.numpy(), t[0].numpy(), rtol=1e-12)  # views see it
    y = mg.tensor([0.0, -1.0, 2.0])
    assert y.heaviside_(mg.tensor(0.5)) is y and y.tolist() == [0.5, 0.0, 1.0]
    with pytest.raises(RuntimeError, match="heaviside is not yet implemented for tensors with"):
        mg.tensor([0, 1]).heaviside_(mg.tensor(0.5))
    w = mg.from_numpy(a.copy()).requires_grad_()
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        w.renorm_(2, 0, 1.0)
    z = w * 1.0
    z.renorm_(2, 0, 1.0).sum().backward()
    tw = torch.tensor(a, requires_grad=True)
    (tw * 1.0).renorm_(2, 0, 1.0).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-10)
