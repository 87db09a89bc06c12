"""retain_grad(): a computed tensor keeps its gradient in .grad, as in PyTorch."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(7)


def grad_of(t: mg.Tensor) -> np.ndarray:
    assert t.grad is not None
    return t.grad.detach().numpy()


def test_a_computed_tensor_keeps_its_gradient() -> None:
    a = RNG.standard_normal(4)
    x = mg.tensor(a, requires_grad=True)
    y = x * 2.0
    z = y.sigmoid()
    assert not y.retains_grad and not x.retains_grad
    y.retain_grad()
    x.retain_grad()  # a leaf keeps its gradient anyway: nothing to do
    assert y.retains_grad and not x.retains_grad
    z.sum().backward()
    s = 1 / (1 + np.exp(-2 * a))
    np.testing.assert_allclose(grad_of(y), s * (1 - s), rtol=1e-12)
    np.testing.assert_allclose(grad_of(x), 2 * s * (1 - s), rtol=1e-12)


def test_retained_gradients_accumulate_over_backward_calls() -> None:
    x = mg.tensor([1.0, -2.0], requires_grad=True)
    y = x * x
    y.retain_grad()
    loss = (y * 3.0).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    np.testing.assert_allclose(grad_of(y), [6.0, 6.0])
    np.testing.assert_allclose(grad_of(x), [12.0, -24.0])


def test_the_retained_gradient_is_its_own_copy() -> None:
    # y = x * 1 hands the same gradient on to x: zeroing y.grad in place must not zero x.grad
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    y.retain_grad()
    y.sum().backward()
    assert y.grad is not None
    y.grad.zero_()
    np.testing.assert_allclose(grad_of(x), [1.0, 1.0])


def test_hooks_run_before_the_gradient_is_retained() -> None:
    # PyTorch keeps the gradient after every hook of the tensor, whatever the order they came in
    for hook_first in (True, False):
        x = mg.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1.0
        if hook_first:
            y.register_hook(lambda g: g * 10)
        y.retain_grad()
        if not hook_first:
            y.register_hook(lambda g: g * 10)
        y.sum().backward()
        np.testing.assert_allclose(grad_of(y), [10.0, 10.0])
        np.testing.assert_allclose(grad_of(x), [10.0, 10.0])


def test_retain_grad_needs_requires_grad() -> None:
    with pytest.raises(
        RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"
    ):
        mg.ones(2).retain_grad()


def test_reading_grad_of_a_computed_tensor_warns_unless_retained() -> None:
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    z = x * 3.0
    z.retain_grad()
    (y + z).sum().backward()
    with pytest.warns(UserWarning, match="not a leaf Tensor .*retain_grad"):
        assert y.grad is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad is not None and z.grad is not None  # a leaf, and a retained one
        assert mg.ones(2).grad is None  # a leaf without a gradient: no warning


def test_retained_gradient_under_create_graph_is_differentiable() -> None:
    x = mg.tensor([0.5, -1.0], requires_grad=True, dtype=mg.float64)
    y = x * x
    y.retain_grad()
    (y * y).sum().backward(create_graph=True)  # dL/dy = 2y
    assert y.grad is not None and y.grad.grad_fn is not None
    gx = mg.autograd.grad(y.grad.sum(), x)[0]  # d(2 x^2)/dx = 4x
    np.testing.assert_allclose(gx.detach().numpy(), [2.0, -4.0])


def _ninja(lib: Any, arrays: list[np.ndarray]) -> tuple[list[Any], list[Any]]:
    """A small MLP with every intermediate retained (the backprop-ninja exercise)."""
    x, w1, b1, w2, labels = arrays
    p = [lib.tensor(a, requires_grad=True) for a in (w1, b1, w2)]
    h_pre = lib.tensor(x) @ p[0] + p[1]
    h = lib.tanh(h_pre)
    logits = h @ p[2]
    logp = logits.log_softmax(1)
    loss = -logp[lib.arange(len(labels)), lib.tensor(labels)].mean()
    inner = [h_pre, h, logits, logp, loss]
    for t in inner:
        t.retain_grad()
    loss.backward()
    return inner, p


def test_retained_gradients_match_torch() -> None:
    torch = pytest.importorskip("torch")
    arrays = [
        RNG.standard_normal((5, 3)),
        RNG.standard_normal((3, 4)),
        RNG.standard_normal(4),
        RNG.standard_normal((4, 3)),
        RNG.integers(0, 3, 5),
    ]
    ours, our_params = _ninja(mg, arrays)
    theirs, their_params = _ninja(torch, arrays)
    for a, b in zip(ours + our_params, theirs + their_params):
        np.testing.assert_allclose(grad_of(a), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_retain_grad_follows_an_in_place_change_as_torch() -> None:
    torch = pytest.importorskip("torch")
    results = []
    for lib in (mg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3.0
        y.retain_grad()
        y.mul_(2.0)  # y is a new node now: its gradient is the one reaching the new y
        (y * y).sum().backward()
        results.append((y.grad.detach().numpy().copy(), x.grad.detach().numpy().copy()))
    np.testing.assert_allclose(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1])


def test_a_retained_view_follows_an_in_place_change_of_its_base_as_torch() -> None:
    # the view is refreshed onto the base's new node; its retain_grad() hook goes with it
    torch = pytest.importorskip("torch")
    results = []
    for lib in (mg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 3.0
        v = y[:2]
        v.retain_grad()
        y.mul_(2.0)
        (v * v).sum().backward()
        assert v.retains_grad
        results.append((v.grad.detach().numpy().copy(), x.grad.detach().numpy().copy()))
    np.testing.assert_allclose(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1])
