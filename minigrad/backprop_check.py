"""Autograd checked against the hand-derived equations: minigrad models meet ``reference``.

``minigrad.reference`` is pure NumPy (BP1-BP4 on arrays). This module is the bridge above
``nn``: it reads an ``nn.Sequential`` of ``Linear`` and activation modules into arrays
(``read_model``), computes the reference gradients keyed like ``named_parameters``
(``gradients_for``), runs autograd and compares (``compare_with_reference``,
``format_comparison``). The mapping from a cost name to the minigrad loss that computes it
(``cost_loss``) lives here once and is shared with ``minigrad.explain``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import nn
from .nn import functional as F
from .reference import COSTS, backprop
from .tensor import Tensor, from_data

__all__ = [
    "Comparison",
    "MLPSpec",
    "compare_with_reference",
    "cost_loss",
    "format_comparison",
    "gradients_for",
    "read_model",
    "reference_activations",
]


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


# The modules and loss functions the reference has an equation for, and its name for each.
_ACTIVATION_MODULES: dict[type, str] = {
    nn.Sigmoid: "sigmoid",
    nn.ReLU: "relu",
    nn.Tanh: "tanh",
    nn.Softmax: "softmax",
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
    names = {id(p): name for name, p in model.named_parameters()}  # type: ignore[attr-defined]
    spec = MLPSpec([], [], [], [], [])
    pending = False  # the last Linear still waits for its activation
    for i, layer in enumerate(model):
        if isinstance(layer, nn.Linear):
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
        elif isinstance(layer, nn.Identity):
            continue
        elif type(layer) in _ACTIVATION_MODULES:
            act = _ACTIVATION_MODULES[type(layer)]
            if not pending:
                raise ValueError(
                    f"backprop_check.read_model: module {i} ({type(layer).__name__}) must "
                    "follow a Linear; the reference has one activation per Linear layer"
                )
            if act == "softmax" and getattr(layer, "dim", -1) not in (-1, 1, None):
                raise ValueError(
                    f"backprop_check.read_model: module {i} Softmax(dim={layer.dim}) must act "
                    "over the last axis of the (m, k) batch"
                )
            spec.activations[-1] = act
            pending = False
        else:
            raise TypeError(
                f"backprop_check.read_model: module {i} ({type(layer).__name__}) has no "
                "reference equation; expected Linear, Sigmoid, ReLU, Tanh, Identity or Softmax"
            )
    if not spec.weights:
        raise ValueError("backprop_check.read_model: the model has no Linear layer")
    return spec


def reference_activations(spec: MLPSpec, cost: str) -> list[str]:
    """Activations as the reference sees them: cross_entropy reads a final Linear as logits.

    Raises:
        ValueError: for cross_entropy on a model ending with neither Linear nor Softmax.
    """
    acts = list(spec.activations)
    if cost == "cross_entropy" and acts[-1] == "identity":
        acts[-1] = "softmax"
    elif cost == "cross_entropy" and acts[-1] != "softmax":
        raise ValueError(
            f"backprop_check: cost 'cross_entropy' needs a model ending with Linear (logits) "
            f"or Softmax, got a final {acts[-1]!r}"
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
        y: targets, as for ``reference.backprop``.
        cost: one of ``reference.COSTS``.

    Returns:
        Parameter name -> float64 gradient (the model's parameters are not touched).

    Raises:
        TypeError, ValueError: as ``read_model`` and ``reference.backprop``.
    """
    spec = read_model(model)
    res = backprop(spec.weights, spec.biases, reference_activations(spec, cost), x, y, cost)
    grads: dict[str, np.ndarray] = {}
    pairs = zip(
        spec.weight_names + spec.bias_names, res.grad_weights + res.grad_biases, strict=True
    )
    for name, g in pairs:
        if name is not None and g is not None:
            # a module used twice receives the sum of both uses' gradients, as autograd does
            grads[name] = grads[name] + g if name in grads else g
    return grads


def cost_loss(cost: str, out: Tensor, y: Tensor, probabilities: bool, fn: str) -> Tensor:
    """The minigrad loss that computes reference cost ``cost``, on Tensors (recorded).

    Args:
        cost: one of ``reference.COSTS``.
        out: the model's output (m, k).
        y: targets (m, k), or integer labels (m,) for cross_entropy.
        probabilities: whether ``out`` is already a softmax (cross_entropy then takes its log
            instead of treating it as logits).
        fn: the caller's name, for the error message.

    Raises:
        ValueError: for a cost that is not one of ``reference.COSTS``.
    """
    m = out.shape[0]
    if cost == "quadratic":
        return ((out - y) ** 2).sum() / (2 * m)
    if cost == "mse":
        return F.mse_loss(out, y)
    if cost == "bce":
        return F.binary_cross_entropy(out, y)
    if cost != "cross_entropy":
        raise ValueError(f"{fn}: unknown cost {cost!r}; expected one of {COSTS}")
    if not probabilities:
        return F.cross_entropy(out, y)
    # the model already ends with Softmax: the cross-entropy of its probabilities
    onehot = np.eye(out.shape[1], dtype=out.dtype)[y._data] if y.ndim == 1 else y._data
    return -(out.log() * onehot).sum() / m


def _loss_cost(loss: Any, cost: str | None) -> str:
    """The reference cost matching ``loss``: a string, a minigrad loss function or module."""
    if isinstance(loss, str):
        found: str | None = loss
    else:
        kind = type(loss).__name__
        found = _LOSS_MODULES.get(kind) or _LOSS_FUNCTIONS.get(getattr(loss, "__name__", ""))
        if kind in _LOSS_MODULES and getattr(loss, "reduction", "mean") != "mean":
            raise ValueError(
                f"backprop_check.compare_with_reference: {kind}(reduction={loss.reduction!r}) "
                "has no reference cost; use reduction='mean'"
            )
    if cost is not None:
        found = cost
    if found not in COSTS:
        raise ValueError(
            f"backprop_check.compare_with_reference: cannot tell the cost of loss {loss!r}; "
            f"pass a string from {COSTS} or cost=..."
        )
    return found


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
        TypeError, ValueError: as ``read_model``, ``reference.backprop``, or for an unknown
            loss.
    """
    cost = _loss_cost(loss, cost)
    spec = read_model(model)
    reference = gradients_for(model, x, y, cost)

    params = dict(model.named_parameters())
    dtype = next(iter(params.values()))._data.dtype
    y = np.asarray(y)
    y_t = from_data(y if np.issubdtype(y.dtype, np.integer) else y.astype(dtype))
    model.zero_grad()
    out = model(from_data(np.asarray(x, dtype=dtype)))
    if isinstance(loss, str):
        probabilities = spec.activations[-1] == "softmax"
        value = cost_loss(cost, out, y_t, probabilities, "compare_with_reference")
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
