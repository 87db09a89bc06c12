"""Hand-derived backpropagation (Nielsen's BP1-BP4) for feed-forward MLPs, in pure NumPy.

The oracle minigrad's autograd is checked against: arrays in, arrays out, float64 throughout.
This module imports nothing of minigrad. Reading an ``nn.Sequential`` into these equations
and comparing autograd with them (``read_model``, ``gradients_for``, ``compare_with_reference``)
lives in ``minigrad.backprop_check``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

ACTIVATIONS = ("sigmoid", "relu", "tanh", "identity", "softmax")
COSTS = ("quadratic", "mse", "cross_entropy", "bce")

# The classic single-neuron example: four 3-feature inputs, the target is the first feature.
PERCEPTRON_X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 0]], dtype=np.float64)
PERCEPTRON_Y = np.array([0, 1, 1, 0], dtype=np.float64)


@dataclass
class BackpropResult:
    """Everything one backward pass of ``backprop`` computes.

    ``deltas[l]`` is ∂C/∂z^l for the whole mini-batch, shape (m, out_l): the cost's averaging
    over m is already inside it. ``zs[l]`` is layer l's pre-activation; ``activations[0]`` is the
    input x and ``activations[l + 1]`` the output of layer l. ``grad_biases[l]`` is None for a
    layer without bias. Unpacks as ``cost, grads = backprop(...)`` with ``grads`` a list of
    (dW, db) pairs, the form the classic tutorials return.
    """

    cost: float
    deltas: list[np.ndarray]
    grad_weights: list[np.ndarray]
    grad_biases: list[np.ndarray | None]
    zs: list[np.ndarray]
    activations: list[np.ndarray]

    @property
    def grads(self) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """(∂C/∂W^l, ∂C/∂b^l) per layer."""
        return list(zip(self.grad_weights, self.grad_biases, strict=True))

    def __iter__(self) -> Iterator[Any]:
        return iter((self.cost, self.grads))


@dataclass
class PerceptronResult:
    """Cost and gradients of one sigmoid neuron; ``delta`` is ∂C/∂z per sample, shape (m,)."""

    cost: float
    grad_w: np.ndarray
    grad_b: float | None
    delta: np.ndarray


# ---------------------------------------------------------------------------------------------
# Activations σ and their derivatives.


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^-z), as exp(-softplus(-z)): no overflow, full precision near 0."""
    return np.exp(-np.logaddexp(0.0, -z))


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a batch (m, k), shifted by the row max so exp cannot overflow."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise log softmax, z - logsumexp(z), stable for large |z|."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """a = σ(z) for one of ``ACTIVATIONS`` (softmax is taken row-wise)."""
    if name == "sigmoid":
        return sigmoid(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "tanh":
        return np.tanh(z)
    if name == "identity":
        return z
    if name == "softmax":
        return softmax(z)
    raise ValueError(
        f"reference.activate: unknown activation {name!r}; expected one of {ACTIVATIONS}"
    )


def sigma_prime(name: str, z: np.ndarray) -> np.ndarray:
    """σ'(z) for the element-wise activations (relu'(0) = 0, as in PyTorch).

    Raises:
        ValueError: for softmax, which is not element-wise (see ``times_sigma_prime``).
    """
    if name == "sigmoid":
        s = sigmoid(z)
        return s * (1.0 - s)
    if name == "relu":
        return (z > 0).astype(z.dtype)
    if name == "tanh":
        return 1.0 - np.tanh(z) ** 2
    if name == "identity":
        return np.ones_like(z)
    raise ValueError(
        f"reference.sigma_prime: {name!r} has no element-wise derivative; "
        f"expected one of {ACTIVATIONS[:4]}"
    )


def times_sigma_prime(name: str, z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """g ⊙ σ'(z), the step shared by BP1 and BP2; for softmax the row-wise Jacobian product.

    softmax's Jacobian is diag(a) - a aᵀ per row, so Jᵀg = a ⊙ (g - <g, a>).
    """
    if name == "softmax":
        return a * (g - (g * a).sum(axis=1, keepdims=True))
    return g * sigma_prime(name, z)


# ---------------------------------------------------------------------------------------------
# Checks: one place, before any work, naming the function, shapes and dtypes.


def _check_network(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray | None],
    activations: Sequence[str],
    fn: str,
) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    if not (len(weights) == len(biases) == len(activations)) or len(weights) == 0:
        raise ValueError(
            f"reference.{fn}: need one weight, bias and activation per layer, got "
            f"{len(weights)} weights, {len(biases)} biases, {len(activations)} activations"
        )
    ws = [np.asarray(w, dtype=np.float64) for w in weights]
    bs = [None if b is None else np.asarray(b, dtype=np.float64) for b in biases]
    for l, (w, b, act) in enumerate(zip(ws, bs, activations, strict=True)):
        if act not in ACTIVATIONS:
            raise ValueError(
                f"reference.{fn}: layer {l} activation {act!r} is not one of {ACTIVATIONS}"
            )
        if w.ndim != 2:
            raise ValueError(f"reference.{fn}: weight {l} must be 2-D (out, in), got {w.shape}")
        if l > 0 and w.shape[1] != ws[l - 1].shape[0]:
            raise ValueError(
                f"reference.{fn}: weight {l} has shape {w.shape} (out, in) but layer {l - 1} "
                f"has {ws[l - 1].shape[0]} outputs"
            )
        if b is not None and b.shape != (w.shape[0],):
            raise ValueError(
                f"reference.{fn}: bias {l} must have shape ({w.shape[0]},), got {b.shape}"
            )
    return ws, bs


def _check_input(x: np.ndarray, w0: np.ndarray, fn: str) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != w0.shape[1]:
        raise ValueError(
            f"reference.{fn}: x must have shape (m, {w0.shape[1]}) to match weight 0 of shape "
            f"{w0.shape}, got {x.shape}"
        )
    return x.astype(np.float64)


def _targets(cost: str, y: np.ndarray, a: np.ndarray, fn: str) -> np.ndarray:
    """y as a float64 (m, k) array; integer class labels (m,) become one-hot for cross_entropy."""
    if cost not in COSTS:
        raise ValueError(f"reference.{fn}: unknown cost {cost!r}; expected one of {COSTS}")
    y = np.asarray(y)
    m, k = a.shape
    if cost == "cross_entropy" and np.issubdtype(y.dtype, np.integer):
        if y.shape != (m,) or y.min(initial=0) < 0 or y.max(initial=0) >= k:
            raise ValueError(
                f"reference.{fn}: integer labels must have shape ({m},) and values in "
                f"[0, {k}), got shape {y.shape} (dtype {y.dtype})"
            )
        return np.eye(k)[y]
    if y.shape != (m, k):
        raise ValueError(
            f"reference.{fn}: y must have the output's shape ({m}, {k}) for cost {cost!r}, got "
            f"{y.shape} (dtype {y.dtype})"
        )
    return y.astype(np.float64)


# ---------------------------------------------------------------------------------------------
# Forward pass, costs, backprop.


def forward(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray | None],
    activations: Sequence[str],
    x: np.ndarray,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Run the MLP on a batch: z^l = a^{l-1} Wᵀ + b, a^l = σ(z^l).

    Args:
        weights: per layer, shape (out, in) (the ``nn.Linear`` convention).
        biases: per layer, shape (out,), or None for a layer without bias.
        activations: per layer, one of ``ACTIVATIONS``.
        x: input batch, shape (m, in).

    Returns:
        (zs, activations): L pre-activations and L + 1 activations (the first is x), float64.

    Raises:
        ValueError: on mismatched layer lists, shapes or unknown activation names.
    """
    ws, bs = _check_network(weights, biases, activations, "forward")
    return _forward(ws, bs, activations, _check_input(x, ws[0], "forward"))


def _forward(
    ws: list[np.ndarray], bs: list[np.ndarray | None], activations: Sequence[str], x: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    zs: list[np.ndarray] = []
    acts = [x]
    for w, b, act in zip(ws, bs, activations, strict=True):
        z = x @ w.T if b is None else x @ w.T + b
        x = activate(act, z)
        zs.append(z)
        acts.append(x)
    return zs, acts


def _cost_value(cost: str, z: np.ndarray, a: np.ndarray, y: np.ndarray, act: str) -> float:
    m = a.shape[0]
    if cost == "quadratic":
        return float(0.5 * ((a - y) ** 2).sum() / m)
    if cost == "mse":
        return float(((a - y) ** 2).mean())
    if cost == "cross_entropy":
        return float(-(y * log_softmax(z)).sum() / m)
    if act == "sigmoid":
        # -[y log σ(z) + (1-y) log(1-σ(z))] = softplus(z) - y z: no log(0) for saturated units
        return float((np.logaddexp(0.0, z) - y * z).mean())
    return float(-(y * np.log(a) + (1.0 - y) * np.log(1.0 - a)).mean())


def _output_delta(cost: str, z: np.ndarray, a: np.ndarray, y: np.ndarray, act: str) -> np.ndarray:
    """BP1: δ^L = ∇_a C ⊙ σ'(z^L), with the shortcuts where σ' cancels against the cost."""
    m, k = a.shape
    if cost == "cross_entropy":
        # softmax + cross-entropy: δ = (softmax(z) Σ_j y_j - y) / m, i.e. (a - y) / m for
        # targets whose rows sum to 1 (one-hot or probabilities)
        return (a * y.sum(axis=1, keepdims=True) - y) / m
    if cost == "bce" and act == "sigmoid":
        return (a - y) / (m * k)
    if cost == "quadratic":
        grad_a = (a - y) / m
    elif cost == "mse":
        grad_a = 2.0 * (a - y) / (m * k)
    else:
        grad_a = (a - y) / (a * (1.0 - a) * (m * k))
    return times_sigma_prime(act, z, a, grad_a)


def _check_cost(cost: str, activations: Sequence[str], fn: str) -> None:
    if cost not in COSTS:
        raise ValueError(f"reference.{fn}: unknown cost {cost!r}; expected one of {COSTS}")
    if cost == "cross_entropy" and activations[-1] != "softmax":
        raise ValueError(
            f"reference.{fn}: cost 'cross_entropy' needs a softmax last layer, got "
            f"{activations[-1]!r} (use 'bce' for sigmoid outputs)"
        )


def evaluate_cost(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray | None],
    activations: Sequence[str],
    x: np.ndarray,
    y: np.ndarray,
    cost: str = "quadratic",
) -> float:
    """The cost C of the MLP on one mini-batch, without gradients (e.g. for finite differences).

    Args and Raises: as ``backprop``.

    Returns:
        C as a Python float.
    """
    _check_cost(cost, activations, "evaluate_cost")
    ws, bs = _check_network(weights, biases, activations, "evaluate_cost")
    zs, acts = _forward(ws, bs, activations, _check_input(x, ws[0], "evaluate_cost"))
    t = _targets(cost, y, acts[-1], "evaluate_cost")
    return _cost_value(cost, zs[-1], acts[-1], t, activations[-1])


def backprop(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray | None],
    activations: Sequence[str],
    x: np.ndarray,
    y: np.ndarray,
    cost: str = "quadratic",
) -> BackpropResult:
    """Gradients of the mini-batch cost by the four backpropagation equations.

    Costs (m = batch size, k = output width):
        "quadratic": C = 1/(2m) Σ_x ||a^L - y||²  (Nielsen; ∇_a C = (a - y)/m)
        "mse": C = 1/(mk) Σ (a^L - y)²  (``nn.MSELoss`` mean; ∇_a C = 2(a - y)/(mk))
        "cross_entropy": C = -1/m Σ_x y·log a^L with a softmax last layer; y is one-hot,
            probabilities or integer labels (m,)  (``nn.functional.cross_entropy`` on z^L)
        "bce": C = -1/(mk) Σ [y log a + (1-y) log(1-a)]  (``nn.BCELoss`` mean)

    Args:
        weights: per layer, shape (out, in).
        biases: per layer, shape (out,), or None.
        activations: per layer, one of ``ACTIVATIONS``.
        x: input batch (m, in).
        y: targets (m, k), or integer labels (m,) for cross_entropy.
        cost: one of ``COSTS``.

    Returns:
        A ``BackpropResult`` (float64 arrays); unpacks as ``cost, grads``.

    Raises:
        ValueError: on unknown names, mismatched shapes, or cross_entropy without softmax.
    """
    _check_cost(cost, activations, "backprop")
    ws, bs = _check_network(weights, biases, activations, "backprop")
    zs, acts = _forward(ws, bs, activations, _check_input(x, ws[0], "backprop"))
    t = _targets(cost, y, acts[-1], "backprop")
    value = _cost_value(cost, zs[-1], acts[-1], t, activations[-1])

    n = len(ws)
    deltas = [np.empty(0)] * n
    deltas[-1] = _output_delta(cost, zs[-1], acts[-1], t, activations[-1])  # BP1
    for l in range(n - 2, -1, -1):
        # BP2, row-major: δ^l = (δ^{l+1} W^{l+1}) ⊙ σ'(z^l); acts[l + 1] is layer l's output
        g = deltas[l + 1] @ ws[l + 1]
        deltas[l] = times_sigma_prime(activations[l], zs[l], acts[l + 1], g)
    grad_w = [d.T @ a_prev for d, a_prev in zip(deltas, acts[:-1], strict=True)]  # BP4
    grad_b = [
        None if b is None else d.sum(axis=0)  # BP3: δ already carries the 1/m
        for d, b in zip(deltas, bs, strict=True)
    ]
    return BackpropResult(value, deltas, grad_w, grad_b, zs, acts)


def perceptron_gradients(
    w: np.ndarray, b: float | None, x: np.ndarray, y: np.ndarray, cost: str = "mse"
) -> PerceptronResult:
    """Cost and gradients of one sigmoid neuron a = σ(x·w + b), written out by hand.

    Costs: "mse" C = mean((a - y)²); "quadratic" C = 1/(2m) Σ (a - y)²; "sse" C = ½ Σ (a - y)²,
    the un-averaged form behind the classic update ``w += x.T @ ((y - a) * a * (1 - a))``,
    which is exactly ``w -= grad_w``.

    Args:
        w: weights, shape (n,).
        b: bias, or None when a constant input column plays its part.
        x: inputs (m, n), e.g. ``PERCEPTRON_X``.
        y: targets (m,), e.g. ``PERCEPTRON_Y``.
        cost: "mse", "quadratic" or "sse".

    Returns:
        A ``PerceptronResult`` with the cost, ∂C/∂w (n,), ∂C/∂b (None without bias) and ∂C/∂z.

    Raises:
        ValueError: on an unknown cost or mismatched shapes.
    """
    w = np.asarray(w, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if w.ndim != 1 or x.ndim != 2 or x.shape[1] != w.shape[0] or y.shape != (x.shape[0],):
        raise ValueError(
            "reference.perceptron_gradients: need w (n,), x (m, n), y (m,), got "
            f"w {w.shape}, x {x.shape}, y {y.shape}"
        )
    scale = {"mse": 2.0 / len(y), "quadratic": 1.0 / len(y), "sse": 1.0}.get(cost)
    if scale is None:
        raise ValueError(
            f"reference.perceptron_gradients: unknown cost {cost!r}; expected 'mse', "
            "'quadratic' or 'sse'"
        )
    z = x @ w if b is None else x @ w + b
    a = sigmoid(z)
    err = a - y
    value = float((err**2).mean() if cost == "mse" else 0.5 * scale * (err**2).sum())
    delta = scale * err * a * (1.0 - a)
    grad_b = None if b is None else float(delta.sum())
    return PerceptronResult(value, x.T @ delta, grad_b, delta)
