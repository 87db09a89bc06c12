"""Second derivatives (create_graph) against central differences of first derivatives."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor

Fn = Callable[[Tensor], Tensor]
EPS = 1e-6


def leaf(a: np.ndarray) -> Tensor:
    return mg.from_numpy(np.array(a, dtype=np.float64)).requires_grad_()


def gradient(f: Fn, x0: np.ndarray) -> np.ndarray:
    """First derivative of the scalar f at x0, by backward."""
    x = leaf(x0)
    f(x).backward()
    assert x.grad is not None
    return x.grad.numpy()


def hessian_numerical(f: Fn, x0: np.ndarray) -> np.ndarray:
    """Row i: central difference of grad(f) along coordinate i."""
    n = x0.size
    h = np.zeros((n, n))
    for i in range(n):
        step = np.zeros(n)
        step[i] = EPS
        h[i] = (gradient(f, x0 + step) - gradient(f, x0 - step)) / (2 * EPS)
    return h


def hessian_autodiff(f: Fn, x0: np.ndarray) -> np.ndarray:
    """Row i: grad of (grad(f))[i], through the recorded backward (create_graph)."""
    x = leaf(x0)
    (g,) = mg.grad(f(x), x, create_graph=True)
    assert g is not None and g.requires_grad
    n = x0.size
    h = np.zeros((n, n))
    for i in range(n):
        onehot = np.zeros(n)
        onehot[i] = 1.0
        (row,) = mg.grad(
            g, x, grad_outputs=mg.from_numpy(onehot), retain_graph=True, allow_unused=True
        )
        if row is not None:
            h[i] = row.detach().numpy()
    return h


def check_hessian(f: Fn, x0: np.ndarray, closed_form: np.ndarray | None = None) -> None:
    auto = hessian_autodiff(f, x0)
    numeric = hessian_numerical(f, x0)
    np.testing.assert_allclose(auto, numeric, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(auto, auto.T, rtol=1e-10, atol=1e-12)
    if closed_form is not None:
        np.testing.assert_allclose(auto, closed_form, rtol=1e-10, atol=1e-12)


X0 = np.array([-1.3, -0.4, 0.2, 0.9, 1.7])


def test_cube() -> None:
    check_hessian(lambda x: (x**3).sum(), X0, np.diag(6 * X0))


def test_sin_times_x() -> None:
    check_hessian(lambda x: (x.sin() * x).sum(), X0, np.diag(2 * np.cos(X0) - X0 * np.sin(X0)))


def test_tanh_times_x() -> None:
    t = np.tanh(X0)
    s2 = 1 - t**2  # sech^2
    check_hessian(lambda x: (x.tanh() * x).sum(), X0, np.diag(2 * s2 - 2 * X0 * t * s2))


def test_logsumexp_has_a_dense_hessian() -> None:
    p = np.exp(X0) / np.exp(X0).sum()
    check_hessian(lambda x: x.logsumexp(0), X0, np.diag(p) - np.outer(p, p))


def test_coupled_function() -> None:
    """Off-diagonal terms from products, division, sqrt and exp."""
    check_hessian(
        lambda x: (x[0] * x[1] ** 2 + (x[2:] ** 2).sum().sqrt() / x[1].exp()) * x.sin().mean(), X0
    )


def test_third_derivative() -> None:
    v = np.array([0.3, -0.8])
    x = leaf(v)
    (g1,) = mg.grad((x**3 + x.sin()).sum(), x, create_graph=True)
    assert g1 is not None
    (g2,) = mg.grad(g1.sum(), x, create_graph=True)
    assert g2 is not None
    (g3,) = mg.grad(g2.sum(), x)
    assert g3 is not None
    np.testing.assert_allclose(g2.detach().numpy(), 6 * v - np.sin(v), rtol=1e-12)
    np.testing.assert_allclose(g3.detach().numpy(), 6 - np.cos(v), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# A small MLP: every parameter in one flat vector, so its full Hessian is one matrix


SIZES = {"w1": (3, 4), "b1": (4,), "w2": (4, 2), "b2": (2,)}
RNG = np.random.default_rng(0)
DATA = RNG.standard_normal((5, 3))
TARGET = RNG.uniform(0.0, 1.0, (5, 2))
THETA0 = RNG.standard_normal(sum(int(np.prod(s)) for s in SIZES.values())) * 0.7


def unpack(theta: Tensor) -> dict[str, Tensor]:
    params, start = {}, 0
    for name, shape in SIZES.items():
        size = int(np.prod(shape))
        params[name] = theta[start : start + size].reshape(shape)
        start += size
    return params


def mlp_loss(p: dict[str, Tensor]) -> Tensor:
    hidden = (mg.from_numpy(DATA) @ p["w1"] + p["b1"]).tanh()
    out = (hidden @ p["w2"] + p["b2"]).sigmoid()
    return ((out - mg.from_numpy(TARGET)) ** 2).mean()


def test_mlp_hessian_matches_finite_differences() -> None:
    check_hessian(lambda theta: mlp_loss(unpack(theta)), THETA0)


@pytest.mark.parametrize("seed", [1, 2])
def test_mlp_hessian_vector_product_on_separate_parameters(seed: int) -> None:
    """H v for a list of parameter tensors (as a training loop holds them)."""
    start, values = 0, {}
    for name, shape in SIZES.items():
        size = int(np.prod(shape))
        values[name] = THETA0[start : start + size].reshape(shape)
        start += size
    v = np.random.default_rng(seed).standard_normal(THETA0.size)
    vs = unpack(mg.from_numpy(v))

    params = {k: leaf(a) for k, a in values.items()}
    grads = mg.grad(mlp_loss(params), list(params.values()), create_graph=True)
    dot = sum(((g * vs[k]).sum() for g, k in zip(grads, params) if g is not None), mg.tensor(0.0))
    hvp = mg.grad(dot, list(params.values()))
    auto = np.concatenate([h.detach().numpy().ravel() for h in hvp if h is not None])

    def flat_grad(theta: np.ndarray) -> np.ndarray:
        return gradient(lambda t: mlp_loss(unpack(t)), theta)

    numeric = (flat_grad(THETA0 + EPS * v) - flat_grad(THETA0 - EPS * v)) / (2 * EPS)
    assert auto.shape == numeric.shape
    np.testing.assert_allclose(auto, numeric, rtol=1e-5, atol=1e-8)
    assert all(p.grad is None for p in params.values())


def test_pow_exponent_gradient_stays_recorded_where_the_base_is_zero() -> None:
    # d/dy x**y = x**y log x is masked to 0 where x = 0 (its limit); under create_graph the
    # masked gradient must still be a recorded function of y, not a constant array.
    x = mg.tensor([0.0, 1.5, 2.0], dtype=mg.float64)
    y = mg.tensor([2.0, 2.0, 3.0], dtype=mg.float64, requires_grad=True)
    (gy,) = mg.autograd.grad((x**y).sum(), [y], create_graph=True)
    assert gy.requires_grad
    np.testing.assert_allclose(gy.detach().numpy(), [0.0, 1.5**2 * np.log(1.5), 8 * np.log(2.0)])
    (gyy,) = mg.autograd.grad(gy.sum(), [y])
    a = x.numpy()[1:]
    np.testing.assert_allclose(gyy.numpy()[1:], a ** y.detach().numpy()[1:] * np.log(a) ** 2)
    torch = pytest.importorskip("torch")
    tx = torch.tensor(x.numpy())
    ty = torch.tensor(y.detach().numpy(), requires_grad=True)
    (tgy,) = torch.autograd.grad((tx**ty).sum(), [ty], create_graph=True)
    (tgyy,) = torch.autograd.grad(tgy.sum(), [ty])
    np.testing.assert_allclose(gyy.numpy()[1:], tgyy.numpy()[1:], rtol=1e-15)
    # At x = 0, x**y is 0 for every y near 2, so its second derivative is 0; PyTorch gives nan
    # there (0 * log 0 inside its masked rule).
    assert gyy.numpy()[0] == 0.0 and np.isnan(tgyy.numpy()[0])
