"""Hand-derived backpropagation (Nielsen's BP1-BP4) for feed-forward MLPs, in pure NumPy.

The oracle minigrad's autograd is checked against: arrays in, arrays out, float64 throughout.
Only the bridge functions at the bottom (``gradients_for``, ``compare_with_reference``) touch
minigrad models, and they import them lazily so the math stays importable on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
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


# ---------------------------------------------------------------------------------------------
# Bridge to minigrad models: read an nn.Sequential, compare autograd with the equations above.


@dataclass
class MLPSpec:
    """An ``nn.Sequential`` read as arrays (float64 copies) plus the parameters' dotted names."""

    weights: list[np.ndarray]
    biases: list[np.ndarray | None]
    activations: list[str]
    weight_names: list[str]
    bias_names: list[str | None]


@dataclass
class Comparison:
    """Autograd's ``.grad`` of one parameter next to the reference gradient.

    ``max_rel_diff`` is ``max_abs_diff`` over the largest reference magnitude: a norm-wise
    measure that stays meaningful where single entries are zero.
    """

    name: str
    autograd: np.ndarray
    reference: np.ndarray
    max_abs_diff: float
    max_rel_diff: float

    def allclose(self, rtol: float = 1e-7, atol: float = 1e-10) -> bool:
        """Whether the two gradients agree element-wise within ``atol + rtol * |reference|``."""
        return bool(np.allclose(self.autograd, self.reference, rtol=rtol, atol=atol))


_ACTIVATION_MODULES = {
    "Sigmoid": "sigmoid",
    "ReLU": "relu",
    "Tanh": "tanh",
    "Softmax": "softmax",
}
_LOSS_MODULES = {"MSELoss": "mse", "CrossEntropyLoss": "cross_entropy", "BCELoss": "bce"}
_LOSS_FUNCTIONS = {
    "mse_loss": "mse",
    "cross_entropy": "cross_entropy",
    "binary_cross_entropy": "bce",
}


def read_model(model: Iterable[Any]) -> MLPSpec:
    """Read a feed-forward ``nn.Sequential`` of ``Linear`` and activation modules as arrays.

    Consecutive ``Linear`` layers count as an identity activation between them; ``Identity``
    modules are skipped. Names come from ``model.named_parameters()``, matched by object, so a
    ``Linear`` used twice maps both uses to one name.

    Args:
        model: an ``nn.Sequential`` (anything iterable over modules with ``named_parameters()``).

    Returns:
        An ``MLPSpec``.

    Raises:
        TypeError: on a module the reference has no equation for (e.g. Dropout).
        ValueError: on an activation before the first Linear or two activations in a row, or a
            Softmax over an axis other than the last.
    """
    from . import nn  # lazy: the math above must import without the nn package

    linear = nn.Linear
    identity = getattr(nn, "Identity", None)
    acts_by_type = {
        cls: act for name, act in _ACTIVATION_MODULES.items() if (cls := getattr(nn, name, None))
    }
    names = {id(p): name for name, p in model.named_parameters()}  # type: ignore[attr-defined]
    spec = MLPSpec([], [], [], [], [])
    pending = False  # the last Linear still waits for its activation
    for i, layer in enumerate(model):
        if isinstance(layer, linear):
            spec.weights.append(np.array(layer.weight._data, dtype=np.float64))
            spec.weight_names.append(names.get(id(layer.weight), f"{i}.weight"))
            if layer.bias is None:
                spec.biases.append(None)
                spec.bias_names.append(None)
            else:
                spec.biases.append(np.array(layer.bias._data, dtype=np.float64))
                spec.bias_names.append(names.get(id(layer.bias), f"{i}.bias"))
            spec.activations.append("identity")
            pending = True
        elif identity is not None and isinstance(layer, identity):
            continue
        elif type(layer) in acts_by_type:
            act = acts_by_type[type(layer)]
            if not pending:
                raise ValueError(
                    f"reference.read_model: module {i} ({type(layer).__name__}) must follow a "
                    "Linear; the reference has one activation per Linear layer"
                )
            if act == "softmax" and getattr(layer, "dim", -1) not in (-1, 1, None):
                raise ValueError(
                    f"reference.read_model: module {i} Softmax(dim={layer.dim}) must act over "
                    "the last axis of the (m, k) batch"
                )
            spec.activations[-1] = act
            pending = False
        else:
            raise TypeError(
                f"reference.read_model: module {i} ({type(layer).__name__}) has no reference "
                "equation; expected Linear, Sigmoid, ReLU, Tanh, Identity or Softmax"
            )
    if not spec.weights:
        raise ValueError("reference.read_model: the model has no Linear layer")
    return spec


def _reference_activations(spec: MLPSpec, cost: str) -> list[str]:
    """Activations as the reference sees them: cross_entropy reads a final Linear as logits."""
    acts = list(spec.activations)
    if cost == "cross_entropy" and acts[-1] == "identity":
        acts[-1] = "softmax"
    elif cost == "cross_entropy" and acts[-1] != "softmax":
        raise ValueError(
            f"reference: cost 'cross_entropy' needs a model ending with Linear (logits) or "
            f"Softmax, got a final {acts[-1]!r}"
        )
    return acts


def gradients_for(
    model: Iterable[Any], x: np.ndarray, y: np.ndarray, cost: str = "quadratic"
) -> dict[str, np.ndarray]:
    """Reference gradients of a minigrad ``nn.Sequential`` MLP, keyed like ``named_parameters``.

    For "cross_entropy" a model ending with ``Linear`` is read as producing logits (as
    ``nn.functional.cross_entropy`` does) and the reference applies the softmax; a model ending
    with ``Softmax`` is read as producing probabilities.

    Args:
        model: an ``nn.Sequential`` of ``Linear`` and activation modules.
        x: input batch (m, in).
        y: targets, as for ``backprop``.
        cost: one of ``COSTS``.

    Returns:
        Parameter name -> float64 gradient (the model's parameters are not touched).

    Raises:
        TypeError, ValueError: as ``read_model`` and ``backprop``.
    """
    spec = read_model(model)
    res = backprop(spec.weights, spec.biases, _reference_activations(spec, cost), x, y, cost)
    grads: dict[str, np.ndarray] = {}
    pairs = zip(
        spec.weight_names + spec.bias_names, res.grad_weights + res.grad_biases, strict=True
    )
    for name, g in pairs:
        if name is not None and g is not None:
            # a module used twice receives the sum of both uses' gradients, as autograd does
            grads[name] = grads[name] + g if name in grads else g
    return grads


def _loss_cost(loss: Any, cost: str | None) -> str:
    """The reference cost matching ``loss``: a string, a minigrad loss function or module."""
    if isinstance(loss, str):
        found: str | None = loss
    else:
        kind = type(loss).__name__
        found = _LOSS_MODULES.get(kind) or _LOSS_FUNCTIONS.get(getattr(loss, "__name__", ""))
        if kind in _LOSS_MODULES and getattr(loss, "reduction", "mean") != "mean":
            raise ValueError(
                f"reference.compare_with_reference: {kind}(reduction={loss.reduction!r}) has "
                "no reference cost; use reduction='mean'"
            )
    if cost is not None:
        found = cost
    if found not in COSTS:
        raise ValueError(
            f"reference.compare_with_reference: cannot tell the cost of loss {loss!r}; pass a "
            f"string from {COSTS} or cost=..."
        )
    return found


def _autograd_loss(cost: str, out: Any, y: Any, probabilities: bool) -> Any:
    """The minigrad loss for a cost string, on Tensors (recorded for backward)."""
    from .nn import functional as F

    m = out.shape[0]
    if cost == "quadratic":
        return ((out - y) ** 2).sum() / (2 * m)
    if cost == "mse":
        return F.mse_loss(out, y)
    if cost == "bce":
        return F.binary_cross_entropy(out, y)
    if not probabilities:
        return F.cross_entropy(out, y)
    # the model already ends with Softmax: the cross-entropy of its probabilities
    onehot = np.eye(out.shape[1], dtype=out.dtype)[y._data] if y.ndim == 1 else y._data
    return -(out.log() * onehot).sum() / m


def compare_with_reference(
    model: Any, loss: Any, x: np.ndarray, y: np.ndarray, cost: str | None = None
) -> dict[str, Comparison]:
    """Backpropagate through ``model`` with minigrad autograd and compare ``.grad`` with BP1-BP4.

    Runs ``model.zero_grad()``, then ``loss(model(x), y).backward()``; the gradients stay in
    the parameters' ``.grad``. x is cast to the model's parameter dtype, the reference runs in
    float64 on the same parameter values: expect differences near 1e-16 for float64 models and
    near 1e-7 for float32 ones.

    Args:
        model: an ``nn.Sequential`` of ``Linear`` and activation modules.
        loss: "quadratic" (``((out - y) ** 2).sum() / (2 * m)``), "mse"
            (``nn.functional.mse_loss``), "cross_entropy" (``nn.functional.cross_entropy`` on a
            final Linear's logits), "bce" (``nn.functional.binary_cross_entropy``); or a minigrad
            loss function or module (``nn.MSELoss()``...), then run as given.
        x: input batch (m, in).
        y: targets (m, k), or integer labels (m,) for cross_entropy.
        cost: the reference cost for a ``loss`` callable it cannot recognise.

    Returns:
        Parameter name -> ``Comparison``, in ``named_parameters`` order.

    Raises:
        TypeError, ValueError: as ``read_model``, ``backprop``, or for an unknown loss.
    """
    from .tensor import Tensor

    cost = _loss_cost(loss, cost)
    spec = read_model(model)
    reference = gradients_for(model, x, y, cost)

    params = dict(model.named_parameters())
    dtype = next(iter(params.values()))._data.dtype
    y = np.asarray(y)
    y_t = Tensor(y) if np.issubdtype(y.dtype, np.integer) else Tensor(y.astype(dtype))
    model.zero_grad()
    out = model(Tensor(np.asarray(x, dtype=dtype)))
    if isinstance(loss, str):
        value = _autograd_loss(cost, out, y_t, spec.activations[-1] == "softmax")
    else:
        value = loss(out, y_t)
    value.backward()

    result: dict[str, Comparison] = {}
    for name, p in params.items():
        ref = reference.get(name, np.zeros(p.shape))
        auto = np.zeros(p.shape) if p.grad is None else np.asarray(p.grad._data, np.float64)
        diff = float(np.abs(auto - ref).max(initial=0.0))
        scale = float(np.abs(ref).max(initial=0.0))
        rel = diff / scale if scale > 0 else (0.0 if diff == 0 else float("inf"))
        result[name] = Comparison(name, auto, ref, diff, rel)
    return result


def format_comparison(comparisons: dict[str, Comparison] | Iterable[Comparison]) -> str:
    """A plain-text table of comparisons: name, shape, max |Δ|, max rel Δ, max |reference|."""
    rows = list(comparisons.values() if isinstance(comparisons, dict) else comparisons)
    header = ("parameter", "shape", "max |diff|", "max rel diff", "max |reference|")
    cells = [
        (
            c.name,
            str(tuple(c.reference.shape)),
            f"{c.max_abs_diff:.3e}",
            f"{c.max_rel_diff:.3e}",
            f"{np.abs(c.reference).max(initial=0.0):.3e}",
        )
        for c in rows
    ]
    widths = [max(len(r[i]) for r in [header, *cells]) for i in range(len(header))]
    lines = [
        "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, tuple("-" * w for w in widths), *cells]
    ]
    return "\n".join(lines)
