"""Corners where minigrad answered differently from PyTorch (found by
tests/test_torch_differential.py), each fixed and checked here: PyTorch the oracle where it is
installed, and minigrad's own error messages without it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad


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


def _raises_in_both(make: Callable[[Any], Any], error: type[Exception]) -> None:
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
