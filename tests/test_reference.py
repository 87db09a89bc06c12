"""Tests of minigrad.reference: golden values, finite differences, and autograd against it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from minigrad import reference as ref

# ---------------------------------------------------------------------------------------------
# Helpers


def make_net(
    sizes: list[int], acts: list[str], seed: int = 0, bias: bool = True
) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    rng = np.random.default_rng(seed)
    ws = [rng.normal(0, 0.8, (o, i)) for i, o in itertools.pairwise(sizes)]
    bs: list[np.ndarray | None] = [rng.normal(0, 0.3, o) if bias else None for o in sizes[1:]]
    return ws, bs


def make_targets(cost: str, m: int, k: int, seed: int = 1, labels: str = "int") -> np.ndarray:
    rng = np.random.default_rng(seed)
    if cost == "cross_entropy":
        y = rng.integers(0, k, m)
        if labels == "int":
            return y
        if labels == "onehot":
            return np.eye(k)[y]
        p = rng.random((m, k))
        return p / p.sum(axis=1, keepdims=True)
    if cost == "bce":
        return rng.random((m, k))
    return rng.normal(size=(m, k))


def numerical_grads(
    ws: list[np.ndarray],
    bs: list[np.ndarray | None],
    acts: list[str],
    x: np.ndarray,
    y: np.ndarray,
    cost: str,
    h: float = 1e-6,
) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    """Central differences of the reference's own cost, one parameter entry at a time."""

    def diff(arr: np.ndarray) -> np.ndarray:
        g = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + h
            up = ref.evaluate_cost(ws, bs, acts, x, y, cost)
            arr[idx] = old - h
            down = ref.evaluate_cost(ws, bs, acts, x, y, cost)
            arr[idx] = old
            g[idx] = (up - down) / (2 * h)
        return g

    return [diff(w) for w in ws], [None if b is None else diff(b) for b in bs]


def assert_matches_fd(
    sizes: list[int], acts: list[str], cost: str, labels: str = "int", bias: bool = True
) -> None:
    ws, bs = make_net(sizes, acts, bias=bias)
    x = np.random.default_rng(2).normal(size=(5, sizes[0]))
    y = make_targets(cost, 5, sizes[-1], labels=labels)
    res = ref.backprop(ws, bs, acts, x, y, cost)
    # central differences are meaningless across a ReLU kink
    assert min(np.abs(z).min() for z in res.zs) > 1e-4
    num_w, num_b = numerical_grads(ws, bs, acts, x, y, cost)
    for l in range(len(ws)):
        np.testing.assert_allclose(res.grad_weights[l], num_w[l], rtol=1e-6, atol=1e-8)
        if bias:
            np.testing.assert_allclose(res.grad_biases[l], num_b[l], rtol=1e-6, atol=1e-8)
        else:
            assert res.grad_biases[l] is None


# ---------------------------------------------------------------------------------------------
# Golden values: a 2-3-2 sigmoid net, quadratic cost averaged over m = 2 (the spec)

# row-major Z = A W + b: W1 is (in, out), so the (out, in) convention receives W1.T
W1 = np.array([[0.1, -0.2, 0.3], [-0.4, 0.5, -0.6]])
B1 = np.array([0.01, -0.02, 0.03])
W2 = np.array([[0.7, -0.8], [0.9, -1.0], [-1.1, 1.2]])
B2 = np.array([-0.05, 0.06])
X = np.array([[1.0, 2.0], [-1.0, 0.5]])
Y = np.array([[1.0, 0.0], [0.0, 1.0]])


def test_golden_values() -> None:
    res = ref.backprop([W1.T, W2.T], [B1, B2], ["sigmoid", "sigmoid"], X, Y, "quadratic")
    assert abs(res.cost - 0.25365055422642) < 1e-10
    np.testing.assert_allclose(res.grad_biases[1], [0.026604485851, -0.029771836033], atol=1e-10)
    np.testing.assert_allclose(
        res.grad_biases[0], [0.011865996915, 0.014772752698, -0.01729152593], atol=1e-10
    )


def test_golden_weights_follow_bp4() -> None:
    res = ref.backprop([W1.T, W2.T], [B1, B2], ["sigmoid", "sigmoid"], X, Y)
    a1 = 1 / (1 + np.exp(-(X @ W1 + B1)))
    np.testing.assert_allclose(res.grad_weights[1], res.deltas[1].T @ a1, atol=1e-15)
    np.testing.assert_allclose(res.grad_weights[0], res.deltas[0].T @ X, atol=1e-15)


def test_unpacks_as_cost_and_grads() -> None:
    cost, grads = ref.backprop([W1.T, W2.T], [B1, B2], ["sigmoid", "sigmoid"], X, Y)
    res = ref.backprop([W1.T, W2.T], [B1, B2], ["sigmoid", "sigmoid"], X, Y)
    assert cost == res.cost
    assert len(grads) == 2
    for (dw, db), gw, gb in zip(grads, res.grad_weights, res.grad_biases, strict=True):
        np.testing.assert_array_equal(dw, gw)
        np.testing.assert_array_equal(db, gb)


# ---------------------------------------------------------------------------------------------
# The equations against central differences of the reference's own cost


@pytest.mark.parametrize("cost", ["quadratic", "mse"])
@pytest.mark.parametrize(
    "acts",
    [
        ["sigmoid"],
        ["identity"],
        ["tanh", "sigmoid"],
        ["relu", "identity"],
        ["relu", "tanh", "sigmoid"],
        ["sigmoid", "relu", "tanh"],
        ["tanh", "identity", "softmax"],
    ],
)
def test_regression_costs_match_finite_differences(acts: list[str], cost: str) -> None:
    sizes = [3, 4, 3, 2][: len(acts) + 1]
    assert_matches_fd(sizes, acts, cost)


@pytest.mark.parametrize("labels", ["int", "onehot", "probabilities"])
@pytest.mark.parametrize("acts", [["softmax"], ["relu", "softmax"], ["tanh", "sigmoid", "softmax"]])
def test_cross_entropy_matches_finite_differences(acts: list[str], labels: str) -> None:
    sizes = [3, 4, 5, 3][: len(acts) + 1]
    assert_matches_fd(sizes, acts, "cross_entropy", labels=labels)


@pytest.mark.parametrize("acts", [["sigmoid"], ["tanh", "sigmoid"], ["relu", "softmax"]])
def test_bce_matches_finite_differences(acts: list[str]) -> None:
    assert_matches_fd([3, 4, 2][: len(acts) + 1], acts, "bce")


def test_hidden_softmax_and_no_bias_match_finite_differences() -> None:
    assert_matches_fd([3, 4, 2], ["softmax", "sigmoid"], "quadratic")
    assert_matches_fd([3, 4, 3, 2], ["tanh", "relu", "sigmoid"], "mse", bias=False)


# ---------------------------------------------------------------------------------------------
# Structure of the equations


def test_deltas_shapes_and_bp3_bp4() -> None:
    ws, bs = make_net([3, 4, 3, 2], ["tanh", "relu", "sigmoid"])
    x = np.random.default_rng(3).normal(size=(6, 3))
    y = make_targets("quadratic", 6, 2)
    res = ref.backprop(ws, bs, ["tanh", "relu", "sigmoid"], x, y)
    zs, acts = ref.forward(ws, bs, ["tanh", "relu", "sigmoid"], x)
    assert [d.shape for d in res.deltas] == [(6, 4), (6, 3), (6, 2)]
    assert len(res.activations) == 4 and np.array_equal(res.activations[0], x)
    for l in range(3):
        np.testing.assert_array_equal(res.zs[l], zs[l])
        np.testing.assert_array_equal(res.grad_biases[l], res.deltas[l].sum(axis=0))
        np.testing.assert_array_equal(res.grad_weights[l], res.deltas[l].T @ acts[l])
    # BP1 and BP2 written out for this net
    d3 = (acts[3] - y) / 6 * acts[3] * (1 - acts[3])
    d2 = (d3 @ ws[2]) * (zs[1] > 0)
    d1 = (d2 @ ws[1]) * (1 - np.tanh(zs[0]) ** 2)
    for got, want in zip(res.deltas, [d1, d2, d3], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-17)


def test_softmax_cross_entropy_shortcut_equals_jacobian_form() -> None:
    ws, bs = make_net([3, 4], ["softmax"])
    x = np.random.default_rng(4).normal(size=(5, 3))
    y = make_targets("cross_entropy", 5, 4, labels="probabilities")
    res = ref.backprop(ws, bs, ["softmax"], x, y, "cross_entropy")
    a = res.activations[-1]
    grad_a = -y / a / 5  # ∇_a of -1/m Σ y log a
    jacobian_form = np.stack(
        [(np.diag(r) - np.outer(r, r)) @ g for r, g in zip(a, grad_a, strict=True)]
    )
    np.testing.assert_allclose(res.deltas[-1], jacobian_form, rtol=1e-12, atol=1e-17)
    np.testing.assert_allclose(res.deltas[-1], (a - y) / 5, rtol=1e-12, atol=1e-17)


def test_mse_is_quadratic_scaled_by_two_over_k() -> None:
    ws, bs = make_net([3, 4, 3], ["sigmoid", "identity"])
    x = np.random.default_rng(5).normal(size=(4, 3))
    y = make_targets("mse", 4, 3)
    quad = ref.backprop(ws, bs, ["sigmoid", "identity"], x, y, "quadratic")
    mse = ref.backprop(ws, bs, ["sigmoid", "identity"], x, y, "mse")
    assert mse.cost == pytest.approx(quad.cost * 2 / 3, rel=1e-14)
    for gq, gm in zip(quad.grad_weights, mse.grad_weights, strict=True):
        np.testing.assert_allclose(gm, gq * 2 / 3, rtol=1e-13)


def test_bce_cost_is_stable_for_saturated_sigmoid() -> None:
    ws = [np.array([[50.0]])]
    c = ref.evaluate_cost(
        ws, [np.zeros(1)], ["sigmoid"], np.array([[1.0]]), np.zeros((1, 1)), "bce"
    )
    assert c == pytest.approx(50.0, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# The single sigmoid neuron


@pytest.mark.parametrize("cost", ["mse", "quadratic"])
def test_perceptron_equals_one_layer_backprop(cost: str) -> None:
    w, b = np.array([0.3, -0.2, 0.1]), 0.05
    p = ref.perceptron_gradients(w, b, ref.PERCEPTRON_X, ref.PERCEPTRON_Y, cost)
    res = ref.backprop(
        [w[None, :]],
        [np.array([b])],
        ["sigmoid"],
        ref.PERCEPTRON_X,
        ref.PERCEPTRON_Y[:, None],
        cost,
    )
    assert p.cost == pytest.approx(res.cost, rel=1e-14)
    np.testing.assert_allclose(p.grad_w, res.grad_weights[0][0], rtol=1e-13)
    assert p.grad_b == pytest.approx(res.grad_biases[0][0], rel=1e-13)


@pytest.mark.parametrize("cost", ["mse", "quadratic", "sse"])
def test_perceptron_matches_finite_differences(cost: str) -> None:
    w, b, h = np.array([0.3, -0.2, 0.1]), 0.05, 1e-6
    x, y = ref.PERCEPTRON_X, ref.PERCEPTRON_Y
    p = ref.perceptron_gradients(w, b, x, y, cost)

    def c(w_: np.ndarray, b_: float) -> float:
        return ref.perceptron_gradients(w_, b_, x, y, cost).cost

    num_w = np.array([(c(w + h * e, b) - c(w - h * e, b)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(p.grad_w, num_w, rtol=1e-7, atol=1e-10)
    assert p.grad_b == pytest.approx((c(w, b + h) - c(w, b - h)) / (2 * h), rel=1e-7)


def test_perceptron_classic_update_is_minus_sse_gradient() -> None:
    w = np.random.default_rng(6).normal(size=3)
    x, y = ref.PERCEPTRON_X, ref.PERCEPTRON_Y
    a = 1 / (1 + np.exp(-(x @ w)))
    classic_step = x.T @ ((y - a) * a * (1 - a))
    p = ref.perceptron_gradients(w, None, x, y, "sse")
    np.testing.assert_allclose(classic_step, -p.grad_w, rtol=1e-13)
    assert p.grad_b is None


# ---------------------------------------------------------------------------------------------
# Errors name the function and the shapes


def test_errors() -> None:
    ws, bs = make_net([3, 4, 2], ["sigmoid", "sigmoid"])
    x, y = np.zeros((5, 3)), np.zeros((5, 2))
    with pytest.raises(ValueError, match=r"backprop.*weight 1 has shape \(2, 3\)"):
        ref.backprop([ws[0], ws[1][:, :3]], bs, ["sigmoid"] * 2, x, y)
    with pytest.raises(ValueError, match="x must have shape"):
        ref.backprop(ws, bs, ["sigmoid"] * 2, np.zeros((5, 2)), y)
    with pytest.raises(ValueError, match="'swish'"):
        ref.forward(ws, bs, ["swish", "sigmoid"], x)
    with pytest.raises(ValueError, match="one weight, bias and activation per layer"):
        ref.backprop(ws, bs[:1], ["sigmoid"] * 2, x, y)
    with pytest.raises(ValueError, match="needs a softmax last layer"):
        ref.backprop(ws, bs, ["sigmoid"] * 2, x, y, "cross_entropy")
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        ref.backprop(ws, bs, ["sigmoid"] * 2, x, y, "hinge")
    with pytest.raises(ValueError, match=r"y must have the output's shape \(5, 2\)"):
        ref.backprop(ws, bs, ["sigmoid"] * 2, x, np.zeros(5))
    with pytest.raises(ValueError, match=r"integer labels .* \[0, 2\)"):
        ref.backprop(ws, bs, ["sigmoid", "softmax"], x, np.full(5, 2), "cross_entropy")
    with pytest.raises(ValueError, match="perceptron_gradients: unknown cost"):
        ref.perceptron_gradients(np.zeros(3), 0.0, ref.PERCEPTRON_X, ref.PERCEPTRON_Y, "l1")


# ---------------------------------------------------------------------------------------------
# PyTorch as an optional second oracle for the equations


@pytest.mark.parametrize(
    ("acts", "cost"),
    [
        (["sigmoid", "sigmoid"], "quadratic"),
        (["relu", "tanh", "identity"], "mse"),
        (["tanh", "softmax"], "cross_entropy"),
        (["relu", "sigmoid"], "bce"),
    ],
)
def test_reference_matches_torch(acts: list[str], cost: str) -> None:
    torch = pytest.importorskip("torch")
    sizes = [3, 5, 4, 3][: len(acts) + 1]
    ws, bs = make_net(sizes, acts)
    x = np.random.default_rng(7).normal(size=(6, 3))
    y = make_targets(cost, 6, sizes[-1])
    res = ref.backprop(ws, bs, acts, x, y, cost)

    tw = [torch.tensor(w, requires_grad=True) for w in ws]
    tb = [torch.tensor(b, requires_grad=True) for b in bs]
    a = torch.tensor(x)
    fns = {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh}
    for l, (w, b) in enumerate(zip(tw, tb, strict=True)):
        a = torch.nn.functional.linear(a, w, b)
        last = l == len(acts) - 1
        if acts[l] in fns and not (last and cost == "cross_entropy"):
            a = fns[acts[l]](a)
    ty = torch.tensor(y)
    if cost == "quadratic":
        loss = ((a - ty) ** 2).sum() / (2 * len(x))
    elif cost == "mse":
        loss = torch.nn.functional.mse_loss(a, ty)
    elif cost == "cross_entropy":
        loss = torch.nn.functional.cross_entropy(a, ty)
    else:
        loss = torch.nn.functional.binary_cross_entropy(a, ty)
    loss.backward()
    assert res.cost == pytest.approx(loss.item(), rel=1e-12)
    for l in range(len(ws)):
        np.testing.assert_allclose(res.grad_weights[l], tw[l].grad.numpy(), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(res.grad_biases[l], tb[l].grad.numpy(), rtol=1e-10, atol=1e-14)
