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
arctanh erf erfinv sinc logit""".split()
BINARY = ["atan2", "arctan2", "hypot", "xlogy", "logaddexp"]


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
    a = np.random.default_rng(3).uniform(-0.9, 0.9, 12)
    if name in ("acosh", "arccosh"):
        a = np.abs(a) + 1.1
    if name == "logit":
        a = np.abs(a) * 0.9 + 0.05
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
    for name in "tan asin acos atan sinh cosh asinh atanh erf erfinv sinc logit".split():
        want = getattr(torch, name)(torch.tensor([0.5], requires_grad=True)).grad_fn.name()
        assert getattr(x, name)().grad_fn.name() == want
    assert (x + 1).acosh().grad_fn.name() == "AcoshBackward0"


def test_erfinv_is_as_accurate_as_torch_up_to_the_tails() -> None:
    # Newton steps through erfc keep full precision where erf rounds to +-1: within a few ulps
    # of PyTorch's float64 everywhere, 1 - 1e-16 included; float32 within an ulp or so
    tails = 1 - np.logspace(-16, -1, 61)
    a = np.concatenate([np.linspace(-1, 1, 2001)[1:-1], tails, -tails, np.logspace(-300, -1, 31)])
    with _no_warnings():
        got = mg.erfinv(mg.tensor(a)).numpy()
    np.testing.assert_allclose(got, torch.erfinv(torch.tensor(a)).numpy(), rtol=1e-15, atol=0)
    a32 = a.astype(np.float32)
    a32 = a32[np.abs(a32) < 1]
    got32 = mg.tensor(a32).erfinv().numpy()
    want32 = torch.erfinv(torch.tensor(a32)).numpy()
    np.testing.assert_allclose(got32, want32, rtol=3e-7, atol=0)


def test_sinc_at_zero_as_torch() -> None:
    # 1 at 0, its gradient 0 there; PyTorch's second derivative at 0 is nan (0 * (1 / 0))
    a = np.array([0.0, 1e-200, 0.5, 1.0, -2.0])
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    with _no_warnings():
        y = x.sinc()
        (g,) = mg.grad(y.sum(), [x], create_graph=True)
        (gg,) = mg.grad(g.sum(), [x])
    (tg,) = torch.autograd.grad(tx.sinc().sum(), [tx], create_graph=True)
    (tgg,) = torch.autograd.grad(tg.sum(), [tx])
    assert y.tolist()[:2] == [1.0, 1.0] and g.tolist()[:2] == [0.0, 0.0]
    _close(y, tx.sinc(), "float64")
    _close(g, tg, "float64")
    _close(gg, tgg, "float64")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("eps", [None, 0.1, 0.0, -1.0, 0.25])
def test_logit_eps_as_torch(eps: float | None, dtype: str) -> None:
    # clamped to [eps, 1 - eps] (in the input's dtype) with a 0 gradient outside; without eps
    # (or a negative one) inf at 0 and 1 and nan outside [0, 1], gradients too
    a = np.array([-0.5, 0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0, 1.5, NAN, INF, -INF])
    a = a.astype(dtype)
    up = np.random.default_rng(4).uniform(0.5, 1.5, a.shape).astype(dtype)
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    with _no_warnings():
        y = mg.logit(x, eps) if eps is not None else x.logit()
        y.backward(mg.tensor(up))
    ty = torch.logit(tx, eps)
    ty.backward(torch.tensor(up))
    assert y.dtype == x.dtype
    _close(y, ty, dtype)
    _close(x.grad, tx.grad, dtype)


def test_logit_refuses_an_eps_that_is_not_a_number() -> None:
    with pytest.raises(TypeError) as theirs:
        torch.logit(torch.tensor([0.5]), eps="a")
    with pytest.raises(TypeError) as ours:
        mg.logit(mg.tensor([0.5]), eps="a")  # type: ignore[arg-type]
    assert str(ours.value) == str(theirs.value)


# ---------------------------------------------------------------------------------------------
# Functions of two tensors


def _grid(dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of edge values, then random pairs."""
    rng = np.random.default_rng(5)
    x, y = (g.ravel() for g in np.meshgrid(EDGES, EDGES))
    x = np.concatenate([x, rng.uniform(-3, 3, 30)])
    y = np.concatenate([y, rng.uniform(-3, 3, 30)])
    return x.astype(dtype), y.astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", BINARY)
def test_binary_values_and_gradients_as_torch_at_edges(name: str, dtype: str) -> None:
    a, b = _grid(dtype)
    up = np.random.default_rng(6).uniform(0.5, 1.5, a.shape).astype(dtype)
    f, tf = _both(name)
    x, y = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    tz = tf(tx, ty)
    tz.backward(torch.tensor(up))
    with _no_warnings():
        z, z_method = f(x, y), getattr(x, name)(y)
        z.backward(mg.tensor(up))
    assert z.dtype == z_method.dtype == x.dtype
    _close(z, tz, dtype)
    _close(z_method, tz, dtype)
    _close(x.grad, tx.grad, dtype)
    _close(y.grad, ty.grad, dtype)


@pytest.mark.parametrize("name", BINARY)
def test_binary_broadcast_and_second_derivatives_as_torch(name: str) -> None:
    rng = np.random.default_rng(7)
    a, b = rng.uniform(0.2, 2.0, (3, 1)), rng.uniform(0.2, 2.0, (1, 4))
    f, tf = _both(name)
    x, y = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    gs = mg.grad((f(x, y) ** 2).sum(), [x, y], create_graph=True)
    tgs = torch.autograd.grad((tf(tx, ty) ** 2).sum(), [tx, ty], create_graph=True)
    for g, tg in zip(gs, tgs):
        assert g.shape == tg.shape
        _close(g, tg, "float64")
    ggs = mg.grad((gs[0].sum() * gs[1]).sum(), [x, y])
    tggs = torch.autograd.grad((tgs[0].sum() * tgs[1]).sum(), [tx, ty])
    for gg, tgg in zip(ggs, tggs):
        _close(gg, tgg, "float64")


@pytest.mark.parametrize("name", BINARY)
def test_binary_dtypes_as_torch(name: str) -> None:
    f, tf = _both(name)
    i64, i32, b = [1, 2, 0], np.array([3, 0, 1], np.int32), [True, False, True]
    f32, f64 = np.array([0.5, 1.5, 2.0], np.float32), np.array([1.5, 0.5, 2.0])
    for u, v in [(i64, i64), (b, b), (i32, f32), (f32, f64), (i64, f64), (b, i64)]:
        tu, tv = torch.tensor(np.asarray(u)), torch.tensor(np.asarray(v))
        mu, mv = mg.tensor(np.asarray(u)), mg.tensor(np.asarray(v))
        try:
            want = tf(tu, tv)
        except NotImplementedError as e:  # hypot and logaddexp of integers
            with pytest.raises(NotImplementedError) as ours:
                f(mu, mv)
            assert str(ours.value) == str(e)
            continue
        with _no_warnings():
            got = f(mu, mv)
        assert str(got.dtype) == str(want.dtype).replace("torch.", "minigrad.")
        _close(got, want, str(got.dtype).split(".")[1])


@pytest.mark.parametrize("name", ["atan2", "hypot", "logaddexp"])
def test_a_number_is_refused_in_torch_words(name: str) -> None:
    f, tf = _both(name)
    x, tx = mg.tensor([0.5]), torch.tensor([0.5])
    calls = [
        (lambda m, t: m(t, 2.0), True),  # f(x, number)
        (lambda m, t: m(2, t), True),  # f(number, x)
        (lambda m, t: getattr(t, name)(2.0), False),  # x.method(number)
    ]
    for call, is_function in calls:
        with pytest.raises(TypeError) as theirs:
            call(tf, tx) if is_function else call(None, tx)
        with pytest.raises(TypeError) as ours:
            call(f, x) if is_function else call(None, x)
        assert str(ours.value) == str(theirs.value)


def test_xlogy_takes_a_number_on_either_side_as_torch() -> None:
    a = np.array([0.0, 0.5, 2.0, NAN, INF, -1.0])
    for dtype in ("float32", "float64"):
        x, tx = mg.tensor(a.astype(dtype)), torch.tensor(a.astype(dtype))
        for number in (0, 2, 0.5, -1.5):
            with _no_warnings():
                pairs = [(mg.xlogy(number, x), torch.xlogy(number, tx)),
                         (x.xlogy(number), tx.xlogy(number)),
                         (mg.xlogy(x, number), torch.xlogy(tx, number))]  # fmt: skip
            for got, want in pairs:
                assert str(got.dtype) == str(want.dtype).replace("torch.", "minigrad.")
                _close(got, want, dtype)
    for number in (2.5, 2):  # a number and an integer tensor: the default float dtype
        got = mg.xlogy(number, mg.tensor([1, 2, 3]))
        want = torch.xlogy(number, torch.tensor([1, 2, 3]))
        assert str(got.dtype) == str(want.dtype).replace("torch.", "minigrad.")
        _close(got, want, "float32")
    with pytest.raises(TypeError):
        mg.xlogy(2.0, 3.0)  # type: ignore[arg-type]


def test_binary_shapes_that_do_not_broadcast_name_the_op() -> None:
    with pytest.raises(ValueError, match=r"atan2: shapes \(2,\) and \(3,\) do not broadcast"):
        mg.atan2(mg.ones(2), mg.ones(3))


def test_names_of_the_recorded_binary_nodes() -> None:
    x, y = mg.tensor([0.5], requires_grad=True), mg.tensor([1.5], requires_grad=True)
    tx, ty = torch.tensor([0.5], requires_grad=True), torch.tensor([1.5], requires_grad=True)
    for name in ["atan2", "hypot", "xlogy", "logaddexp"]:
        want = getattr(torch, name)(tx, ty).grad_fn.name()
        assert getattr(mg, name)(x, y).grad_fn.name() == want


# ---------------------------------------------------------------------------------------------
# clamp_min and clamp_max: clamp with one bound


@pytest.mark.parametrize("name", ["clamp_min", "clamp_max"])
def test_clamp_min_max_as_torch(name: str) -> None:
    a = np.array([-2.0, -0.5, 0.0, 0.5, 2.0, NAN, INF])
    for bound in (0.5, 0, -1):
        x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        got, want = getattr(mg, name)(x, bound), getattr(torch, name)(tx, bound)
        _close(got, want, "float64")
        got.sum().backward()
        want.sum().backward()
        _close(x.grad, tx.grad, "float64")  # 1 at the bound itself, as torch
        _close(getattr(x, name)(bound), getattr(tx, name)(bound), "float64")
    for values, bound in [([1, 2, 3], 2.5), ([1, 2, 3], 2), ([1.0, 2.0], 1)]:
        got, want = (
            getattr(mg.tensor(values), name)(bound),
            getattr(torch.tensor(values), name)(bound),
        )
        assert str(got.dtype) == str(want.dtype).replace("torch.", "minigrad.")
        assert got.tolist() == want.tolist()


@pytest.mark.parametrize("name", ["clamp_min", "clamp_max"])
def test_clamp_min_max_refuse_a_missing_bound(name: str) -> None:
    """(A tensor bound is taken: tests/test_clamp_bounds.py.)"""
    x = mg.tensor([1.0, 2.0])
    with pytest.raises(
        TypeError, match=rf"{name}\(\): argument '\w+' must be a number or a tensor"
    ):
        getattr(x, name)(None)
    with pytest.raises(TypeError, match=rf"{name}\(\): argument '\w+' .* not list"):
        getattr(mg, name)(x, [1.5, 1.5])


@pytest.mark.parametrize(
    "name", ["erfinv", "sinc", "logit", "atan2", "hypot", "xlogy", "logaddexp"]
)
def test_out_argument_of_the_new_functions(name: str) -> None:
    args = [mg.tensor([0.25, 0.5])] + ([mg.tensor([1.5, 2.0])] if name in BINARY else [])
    out = mg.empty(2)
    assert getattr(mg, name)(*args, out=out) is out
    assert out.tolist() == getattr(args[0], name)(*args[1:]).tolist()
