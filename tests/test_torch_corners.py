"""Corners where minigrad answered differently from PyTorch (found by
tests/test_torch_differential.py), each fixed and checked here: PyTorch the oracle where it is
installed, and minigrad's own error messages without it."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad
from minigrad import bool as mg_bool
from minigrad import int8, int64, uint8


def _torch() -> Any:
    return pytest.importorskip("torch")


def _same(make: Callable[[Any], Any]) -> None:
    """``make(library)`` gives the same dtype, shape and values in minigrad and in PyTorch."""
    expected, got = make(_torch()), make(minigrad)
    _check_same(expected, got)


def _check_same(expected: Any, got: Any) -> None:
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for e, g in zip(expected, got):
            _check_same(e, g)
        return
    assert str(got.dtype).rsplit(".", 1)[-1] == str(expected.dtype).rsplit(".", 1)[-1]
    assert tuple(got.shape) == tuple(expected.shape)
    e, g = expected.detach().numpy(), np.asarray(got.detach().numpy())
    if e.dtype.kind == "f":
        np.testing.assert_allclose(g, e, rtol=1e-6, equal_nan=True)
    else:
        np.testing.assert_array_equal(g, e)


def _raises_in_both(
    make: Callable[[Any], Any], error: type[Exception] | tuple[type[Exception], ...]
) -> None:
    """``make(library)`` raises ``error`` in PyTorch and in minigrad."""
    with pytest.raises(error):
        make(_torch())
    with pytest.raises(error):
        make(minigrad)


# -- torch.reshape and torch.permute take one tuple ------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda L: L.reshape(L.zeros(6), -1),
        lambda L: L.reshape(L.zeros(6), 3, -1),
        lambda L: L.permute(L.zeros(2, 3), 1, 0),
        lambda L: L.permute(L.zeros(3), 0),
    ],
)
def test_the_function_forms_refuse_sizes_one_by_one(make: Callable[[Any], Any]) -> None:
    _raises_in_both(make, TypeError)


@pytest.mark.parametrize(
    "make",
    [
        lambda L: L.reshape(L.arange(6), (3, -1)),
        lambda L: L.reshape(L.arange(6), [2, 3]),
        lambda L: L.reshape(L.arange(6), L.zeros(3, 2).shape),
        lambda L: L.permute(L.arange(6).reshape(2, 3), (1, 0)),
        lambda L: L.permute(L.arange(6).reshape(2, 3), [-1, 0]),
        lambda L: L.arange(6).reshape(3, -1),  # (the methods take both forms)
        lambda L: L.arange(6).reshape(2, 3).permute(1, 0),
    ],
)
def test_the_function_forms_take_a_tuple(make: Callable[[Any], Any]) -> None:
    _same(make)


def test_reshape_with_sizes_one_by_one_says_how() -> None:
    with pytest.raises(TypeError, match=r"argument 'shape' \(position 2\) must be tuple of ints"):
        minigrad.reshape(minigrad.zeros(6), -1)
    with pytest.raises(TypeError, match=r"takes 2 positional arguments but 3 were given"):
        minigrad.reshape(minigrad.zeros(6), 3, -1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"argument 'dims' .* not int .*permute\(x, \(1, 0\)\)"):
        minigrad.permute(minigrad.zeros(3), 0)


# -- dims of a 0-d tensor ----------------------------------------------------------------------


@pytest.mark.parametrize("dim", [0, -1, 1])
def test_repeat_interleave_of_a_0d_tensor_takes_no_dim(dim: int) -> None:
    _raises_in_both(lambda L: L.tensor(2.5).repeat_interleave(2, dim), IndexError)
    _same(lambda L: L.tensor(2.5).repeat_interleave(2))
    with pytest.raises(IndexError, match=r"has no dimensions \(repeat_interleave\(\)"):
        minigrad.tensor(2.5).repeat_interleave(2, dim)


@pytest.mark.parametrize("op", ["sort", "argsort"])
def test_sort_of_a_0d_tensor_takes_dims_0_and_minus_1_only(op: str) -> None:
    for dim in (0, -1):
        _same(lambda L: getattr(L.tensor(2.5), op)(dim))  # noqa: B023 - called at once
    for dim in (1, -2):
        _raises_in_both(lambda L: getattr(L.tensor(2.5), op)(dim), IndexError)  # noqa: B023


# -- a Python number put into a tensor of another dtype: refused where it does not fit ----------

FILLS: list[Callable[[Any, Any, Any], Any]] = [
    lambda L, dt, v: L.zeros(2, dtype=dt).masked_fill(L.tensor([True, False]), v),
    lambda L, dt, v: L.zeros(2, dtype=dt).index_fill(0, L.tensor([0]), v),
    lambda L, dt, v: L.zeros(2, dtype=dt).scatter(0, L.tensor([0]), v),
    lambda L, dt, v: L.full((2,), v, dtype=dt),
    lambda L, dt, v: L.full_like(L.zeros(2, dtype=dt), v),
    lambda L, dt, v: L.zeros(2, dtype=dt).new_full((2,), v),
    lambda L, dt, v: L.zeros(2, dtype=dt).fill_(v),
    lambda L, dt, v: L.zeros(2, 2, dtype=dt).fill_diagonal_(v),
    lambda L, dt, v: L.zeros(2, dtype=dt).masked_fill(L.tensor([True, False]), L.tensor(v)),
]
VALUES = [-0.5, -1.5, -1.0, -0.0, 2.7, 127.5, 128.0, 255.5, -128.5, 2**31 - 0.5, math.inf]
VALUES += [-math.inf, math.nan, 1e300, True, -1, -255, -256, 256, 300, -(2**63), 2**63]


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int16", "int32", "int64", "float32"])
@pytest.mark.parametrize("fill", range(len(FILLS)))
def test_a_number_that_does_not_fit_is_refused(dtype: str, fill: int) -> None:
    """PyTorch's checked cast: a float truncates toward 0 into an integer dtype if it lies in the
    dtype's range (-0.5 is 0 in int8, refused by uint8; NaN and infinities are refused); an
    int fits a signed dtype in its range and an unsigned one from -max (-1 wraps to 255);
    float32 refuses a finite double beyond its range; bool takes anything."""
    torch = _torch()
    make = FILLS[fill]
    for v in VALUES:
        if fill == 8 and (isinstance(v, int) and abs(v) >= 2**63):
            continue  # (no int64 tensor holds it)
        try:
            expected = make(torch, getattr(torch, dtype), v)
        except (RuntimeError, OverflowError):
            with pytest.raises((RuntimeError, OverflowError)):
                make(minigrad, getattr(minigrad, dtype), v)
            continue
        _check_same(expected, make(minigrad, getattr(minigrad, dtype), v))


@pytest.mark.parametrize(
    "make",
    [
        lambda: minigrad.zeros(2, dtype=uint8).masked_fill(minigrad.tensor([True]), -0.5),
        lambda: minigrad.full((2,), math.inf, dtype=int64),
        lambda: minigrad.zeros(2, dtype=int8).fill_(128),
        lambda: minigrad.zeros(2, dtype=minigrad.int32).index_fill(
            0, minigrad.tensor([0]), math.nan
        ),
    ],
)
def test_a_number_that_does_not_fit_says_so(make: Callable[[], Any]) -> None:
    with pytest.raises(
        RuntimeError, match=r"value cannot be converted to type \w+ without overflow"
    ):
        make()
    with pytest.raises(RuntimeError, match=r"does not fit in u?int\d+, which holds -?\d+ to \d+"):
        make()


def test_a_number_that_fits_is_truncated_toward_zero() -> None:
    x = minigrad.zeros(3, dtype=minigrad.int8).masked_fill(
        minigrad.tensor([True, True, False]), -0.5
    )
    assert x.tolist() == [0, 0, 0]
    assert minigrad.full((2,), -1, dtype=uint8).tolist() == [255, 255]
    assert minigrad.full((1,), 2.7, dtype=int64).tolist() == [2]


# -- arange, linspace and logspace in integer dtypes -----------------------------------------------

RANGE_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64"]


@pytest.mark.parametrize("dtype", RANGE_DTYPES)
@pytest.mark.parametrize(
    "args",
    [(5,), (1, 4, 0.5), (0.0, 1.0, 0.25), (2.5,), (-0.5, 3), (-1, 5, 2), (5, 0, -1), (0, 2.5),
     (-4.01, -4.43, 1.5), (5, 0, 1), (0, 5, 0), (17.06, 33, 0.5), (-1, 3), (10, 0, -3.5)],
)  # fmt: skip
def test_arange_in_an_integer_dtype(dtype: str, args: tuple[Any, ...]) -> None:
    """Start, end and step truncated to integers first (the count from the arguments as given,
    or, in int64, from the truncated ones); bool refused; a step going away refused."""
    _same_or_both_raise(lambda L: L.arange(*args, dtype=getattr(L, dtype)))


@pytest.mark.parametrize("dtype", RANGE_DTYPES)
@pytest.mark.parametrize(
    "args",
    [(0, 1, 5), (0, 10, 4), (-1.5, 2.5, 3), (0.5, 300, 3), (-1, 2, 4), (2.7, 9.9, 4), (10, 0, 4),
     (0, 255, 3), (5.877, -9.18, 7), (-14.1, 12, 19), (0, 1, 1), (2.7, 9, 1), (0, 1, 0)],
)  # fmt: skip
@pytest.mark.parametrize("name", ["linspace", "logspace"])
def test_linspace_and_logspace_in_an_integer_dtype(
    name: str, dtype: str, args: tuple[Any, ...]
) -> None:
    """The ends truncated to the dtype first (refused if they do not fit), the points from both
    ends, each truncated; logspace's powers of a float base; bool refused past one step."""
    _same_or_both_raise(lambda L: getattr(L, name)(*args, dtype=getattr(L, dtype)))
    if name == "logspace":
        _same_or_both_raise(lambda L: L.logspace(*args, base=2, dtype=getattr(L, dtype)))


def test_integer_linspace_and_logspace_on_many_ranges() -> None:
    """Random ranges, as PyTorch's kernels compute them (the linspace points rounded once, as
    the fused multiply-add of the compiled kernel rounds them)."""
    rng = np.random.default_rng(0)
    for _ in range(300):
        dtype = str(rng.choice(RANGE_DTYPES[1:]))
        low = 0 if dtype == "uint8" else -20
        start, end = float(rng.uniform(low, 20)), float(rng.uniform(low, 40))
        steps, base = int(rng.integers(2, 70)), float(rng.choice([10.0, 2.0, 3.0, 0.5, -2.0]))
        _same_or_both_raise(lambda L: L.linspace(start, end, steps, dtype=getattr(L, dtype)))  # noqa: B023
        _same_or_both_raise(
            lambda L: L.logspace(start, end, steps, base=base, dtype=getattr(L, dtype))  # noqa: B023
        )


def _same_or_both_raise(make: Callable[[Any], Any]) -> None:
    torch = _torch()
    try:
        expected = make(torch)
    except (RuntimeError, ValueError):
        with pytest.raises((RuntimeError, ValueError)):
            make(minigrad)
        return
    _check_same(expected, make(minigrad))


@pytest.mark.parametrize(
    "make, pattern",
    [
        (lambda: minigrad.arange(3, dtype=mg_bool), r"\"arange_cpu\" not implemented for 'Bool'"),
        (lambda: minigrad.linspace(0, 1, 3, dtype=mg_bool), r"\"linspace_cpu\" not implemented"),
        (lambda: minigrad.logspace(0, 1, 3, dtype=mg_bool), r"\"logspace_cpu\" not implemented"),
        (lambda: minigrad.arange(1, 4, 0.5, dtype=int64), r"step must be nonzero .*int64"),
        (lambda: minigrad.arange(5, 0, 1), r"inconsistent with step sign \(arange\(\)"),
        (lambda: minigrad.linspace(-1.5, 2, 3, dtype=uint8), r"uint8_t without overflow"),
    ],
)  # fmt: skip
def test_range_refusals_say_why(make: Callable[[], Any], pattern: str) -> None:
    with pytest.raises((RuntimeError, ValueError), match=pattern):
        make()


def test_arange_in_float_dtypes_is_unchanged() -> None:
    assert minigrad.arange(0.0, 1.0, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert minigrad.arange(5, 0, -2).tolist() == [5, 3, 1]
    assert minigrad.arange(1, 4, 0.5, dtype=int8).tolist() == [1] * 6


# -- allclose of two dtypes ----------------------------------------------------------------------


@pytest.mark.parametrize("other", ["int64", "float64", "bool"])
def test_allclose_refuses_two_dtypes(other: str) -> None:
    _raises_in_both(
        lambda L: L.allclose(L.tensor([1.0, 2.0]), L.tensor([1, 2], dtype=getattr(L, other))),
        RuntimeError,
    )
    _same_bool = [
        L.allclose(L.tensor([1.0, 2.0]), L.tensor([1.0, 2.0 + 1e-9])) for L in (_torch(), minigrad)
    ]
    assert _same_bool[0] == _same_bool[1] is True
    with pytest.raises(RuntimeError, match=r"^Float did not match"):
        minigrad.tensor([1.0]).allclose(minigrad.tensor([1], dtype=int64))


# -- integer powers with negative exponents --------------------------------------------------------


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_an_integer_tensor_to_negative_integer_powers(dtype: str) -> None:
    """PyTorch's rule per element: 1 to a negative power is 1, -1 is 1 or -1 by the parity,
    any other base 0 (0 too); int8's -128 is even."""
    base = [2, -1, 0, 1, 3, -2, -1, 1, -1, 5]
    exponent = [-1, -1, -1, -2, -3, -2, -3, -128, -128, 2]

    def make(L: Any) -> Any:
        return L.tensor(base, dtype=L.int8).to(getattr(L, dtype)) ** L.tensor(
            exponent, dtype=L.int8
        )

    _same(make)
    _same(lambda L: 2 ** L.tensor(exponent, dtype=L.int8).to(getattr(L, dtype)))
    _same(lambda L: L.tensor([True, False]) ** L.tensor([-1, -2]))
    _same(lambda L: L.tensor([2, -1, 1]).pow_(L.tensor([-1, -3, -2])))


def test_an_integer_tensor_to_a_negative_number_is_still_refused() -> None:
    with pytest.raises(RuntimeError, match=r"Integers to negative integer powers are not allowed"):
        minigrad.tensor([2, 3]) ** -1
    assert (minigrad.tensor([2, -1, 1]) ** minigrad.tensor([-1, -3, -2])).tolist() == [0, -1, 1]


# -- empty tensors and 0-d tensors -------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int16", "int32", "int64", "float32"])
@pytest.mark.parametrize("name", ["median", "nanmedian"])
@pytest.mark.parametrize("shape", [(0,), (0, 3)])
def test_median_of_an_empty_tensor(name: str, dtype: str, shape: tuple[int, ...]) -> None:
    """PyTorch fills NaN in the dtype: NaN, or NaN as x86 casts it to an integer (0 in the small
    ones, the smallest value in int32 and int64, True in bool)."""
    _same(lambda L: getattr(L.zeros(shape, dtype=getattr(L, dtype)), name)())


def test_median_of_an_empty_tensor_without_torch() -> None:
    assert math.isnan(minigrad.zeros(0).median().item())
    assert minigrad.zeros(0, dtype=int64).nanmedian().item() == -(2**63)
    assert minigrad.zeros(0, dtype=uint8).median().item() == 0
    with pytest.raises(NotImplementedError, match=r"\"median_cpu\" not implemented for 'Bool'"):
        minigrad.tensor([True, False]).median()


@pytest.mark.parametrize("dtype", ["bool", "int64", "float32"])
def test_kthvalue_of_a_0d_tensor_takes_bools(dtype: str) -> None:
    """A 0-d tensor's kthvalue needs no kernel, so PyTorch answers for bool too."""
    _same(lambda L: tuple(L.tensor(True, dtype=getattr(L, dtype)).kthvalue(1)))
    _same(lambda L: tuple(L.tensor(True, dtype=getattr(L, dtype)).kthvalue(1, 0, True)))
    _raises_in_both(lambda L: L.tensor(True).kthvalue(2), RuntimeError)
    _raises_in_both(lambda L: L.tensor([True, False]).kthvalue(1), NotImplementedError)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("shape, dim", [((0,), 1), ((0,), -7), ((0, 2), 5), ((2, 0), 3), ((0,), 0)])
def test_cummax_of_an_empty_tensor_takes_any_dim(
    name: str, shape: tuple[int, ...], dim: int
) -> None:
    """PyTorch returns before it checks the dim (cumsum does check it)."""
    _same(lambda L: tuple(getattr(L.zeros(shape), name)(dim)))
    _raises_in_both(lambda L: getattr(L.tensor(2.0), name)(1), IndexError)


def test_mT_of_a_0d_tensor_is_the_tensor_with_a_warning() -> None:
    x = minigrad.tensor(2.0)
    with pytest.warns(UserWarning, match=r"Tensor.mT is deprecated on 0-D tensors"):
        assert x.mT is x
    with pytest.raises(RuntimeError, match=r"only supported on matrices"):
        _ = minigrad.tensor([2.0]).mT


@pytest.mark.parametrize("value", [[True], [False], True, 3])
def test_operator_index_of_a_bool_tensor(value: Any) -> None:
    import operator

    t = minigrad.tensor(value)
    assert operator.index(t) == operator.index(_torch().tensor(value))
    assert [10, 20][minigrad.tensor(True)] == 20


@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize(
    "make",
    [
        lambda L, d: L.tensor(2.5).gather(d, L.tensor(0)),
        lambda L, d: L.tensor(2.5).scatter(d, L.tensor(0), 1.5),
        lambda L, d: L.tensor(2.5).scatter(d, L.tensor(0), L.tensor(7.0)),
        lambda L, d: L.tensor(2.5).scatter_add(d, L.tensor(0), L.tensor(1.0)),
        lambda L, d: L.tensor(2.5).index_fill(d, L.tensor([0]), 1.0),
        lambda L, d: L.tensor(2.5).index_fill(d, L.tensor(0), 1.0),
        lambda L, d: L.tensor(2.5).index_copy(d, L.tensor([0]), L.tensor([1.0])),
        lambda L, d: L.tensor(2.5).index_copy(d, L.tensor(0), L.tensor(1.0)),
    ],
)
def test_indexing_ops_of_a_0d_tensor(make: Callable[[Any, int], Any], dim: int) -> None:
    """A 0-d tensor has one element, at index 0 of dim 0 (or -1), as in PyTorch."""
    _same(lambda L: make(L, dim))


@pytest.mark.parametrize(
    "make",
    [
        lambda L: L.tensor(2.5).gather(0, L.tensor(1)),
        lambda L: L.tensor(2.5).gather(0, L.tensor(-1)),
        lambda L: L.tensor(2.5).scatter(0, L.tensor(1), 1.5),
        lambda L: L.tensor(2.5).index_fill(0, L.tensor([1]), 1.0),
    ],
)
def test_indexing_ops_of_a_0d_tensor_refuse_other_indices(make: Callable[[Any], Any]) -> None:
    _raises_in_both(make, (RuntimeError, IndexError))
    with pytest.raises((RuntimeError, IndexError), match=r"out of bounds for dimension 0"):
        make(minigrad)


def test_gradients_through_a_0d_scatter_and_gather() -> None:
    def grads(L: Any) -> Any:
        y = L.tensor(2.5, dtype=L.float64, requires_grad=True)
        s = L.tensor(3.0, dtype=L.float64, requires_grad=True)
        (y.scatter(0, L.tensor(0), s) * 2 + y.gather(0, L.tensor(0)) * 5).backward()
        return y.grad, s.grad

    _same(grads)
