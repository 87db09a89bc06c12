"""Trigonometric, hyperbolic and related elementwise functions against PyTorch: values, dtypes,
first and second derivatives, at random points and at the edges of each domain (where PyTorch
gives inf or nan, minigrad gives the same, without a NumPy warning)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch")

INF, NAN = float("inf"), float("nan")
# The edges of every domain below: +-1 (asin, atanh, erfinv), 0 (logit, sinc), inf and nan.
EDGES = [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, INF, -INF, NAN]

UNARY = """tan asin arcsin acos arccos atan arctan sinh cosh asinh arcsinh acosh arccosh atanh
arctanh erf""".split()


@contextmanager
def _no_warnings() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _points(rng: np.random.Generator) -> np.ndarray:
    """The edges, then random points spread over (-3, 3)."""
    return np.concatenate([EDGES, rng.uniform(-3, 3, 30)])


def _close(got: Any, want: Any, dtype: str) -> None:
    got = got.detach().numpy() if isinstance(got, mg.Tensor) else np.asarray(got)
    want = want.detach().numpy() if isinstance(want, torch.Tensor) else np.asarray(want)
    tol = {"float32": (2e-6, 1e-7), "float64": (1e-12, 1e-15)}[dtype]
    np.testing.assert_allclose(got, want, rtol=tol[0], atol=tol[1], equal_nan=True)


def _both(name: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    return getattr(mg, name), getattr(torch, name)


# ---------------------------------------------------------------------------------------------
# Unary functions


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", UNARY)
def test_unary_values_and_dtype_as_torch(name: str, dtype: str) -> None:
    a = _points(np.random.default_rng(1)).astype(dtype)
    f, tf = _both(name)
    want = tf(torch.tensor(a))
    with _no_warnings():
        got_fn, got_method = f(mg.tensor(a)), getattr(mg.tensor(a), name)()
    for got in (got_fn, got_method):
        assert str(got.dtype) == str(want.dtype).replace("torch.", "minigrad.")
        _close(got, want, dtype)


@pytest.mark.parametrize("name", UNARY)
def test_unary_gradients_as_torch_at_edges(name: str) -> None:
    rng = np.random.default_rng(2)
    a = _points(rng)
    up = rng.uniform(0.5, 1.5, a.shape)
    f, tf = _both(name)
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    tf(tx).backward(torch.tensor(up))
    with _no_warnings():
        f(x).backward(mg.tensor(up))
    _close(x.grad, tx.grad, "float64")


@pytest.mark.parametrize("name", UNARY)
def test_unary_second_derivatives_as_torch(name: str) -> None:
    # inside each domain: second derivatives at the edges are inf/nan combinations
    a = np.random.default_rng(3).uniform(-0.9, 0.9, 12) + (1.5 if "cosh" in name else 0.0)
    if name in ("acosh", "arccosh"):
        a = np.abs(a) + 1.1
    f, tf = _both(name)
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    (g,) = mg.grad(f(x).sum(), [x], create_graph=True)
    (tg,) = torch.autograd.grad(tf(tx).sum(), [tx], create_graph=True)
    _close(g, tg, "float64")
    _close(mg.grad((g * g).sum(), [x])[0], torch.autograd.grad((tg * tg).sum(), [tx])[0], "float64")


@pytest.mark.parametrize("name", UNARY)
def test_unary_of_integers_computes_in_the_default_float_dtype(name: str) -> None:
    f, tf = _both(name)
    for values in ([0, 1, 2, -3], [True, False]):
        want = tf(torch.tensor(values))
        with _no_warnings():
            got = f(mg.tensor(values))
        assert got.dtype == mg.float32
        _close(got, want, "float32")
    previous = mg.get_default_dtype()
    mg.set_default_dtype(mg.float64)
    try:
        assert f(mg.tensor([1, 2])).dtype == mg.float64
    finally:
        mg.set_default_dtype(previous)


def test_aliases_are_the_same_functions() -> None:
    x = mg.tensor([0.25, -0.5])
    for name in ["asin", "acos", "atan", "asinh", "acosh", "atanh"]:
        alias = "arc" + name[1:]
        assert getattr(mg, alias) is getattr(mg, name)
        assert getattr(mg.Tensor, alias) is getattr(mg.Tensor, name)
        np.testing.assert_array_equal(getattr(x, alias)().numpy(), getattr(x, name)().numpy())


@pytest.mark.parametrize("name", ["tan", "asin", "sinh", "erf"])
def test_out_argument_as_the_other_functions(name: str) -> None:
    x = mg.tensor([0.25, -0.5])
    out = mg.empty(2)
    assert getattr(mg, name)(x, out=out) is out
    assert out.tolist() == getattr(x, name)().tolist()
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        getattr(mg, name)(mg.tensor([0.5], requires_grad=True), out=mg.empty(1))


def test_names_of_the_recorded_nodes() -> None:
    x = mg.tensor([0.5], requires_grad=True)
    for name in ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "atanh", "erf"]:
        want = getattr(torch, name)(torch.tensor([0.5], requires_grad=True)).grad_fn.name()
        assert getattr(x, name)().grad_fn.name() == want
    assert (x + 1).acosh().grad_fn.name() == "AcoshBackward0"
