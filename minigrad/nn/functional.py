"""Stateless functions, as ``torch.nn.functional``: activations, ``linear`` and the losses.

Every loss is a composition of Tensor ops (no backward formula here), arranged to stay finite
for extreme inputs (logits of +-1000) and to record few ops: the losses run on every step.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..functions import cat, where
from ..functions import linear as _linear
from ..tensor import Tensor, apply

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "l1_loss",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]

_REDUCTIONS = ("mean", "sum", "none")
# Log-probabilities below this are clamped, as PyTorch clamps log(p) in binary_cross_entropy.
_LOG_CLAMP = -100.0
_EXP_CLAMP = math.exp(_LOG_CLAMP)
_UNSIGNED = {np.dtype(f"i{n}"): np.dtype(f"u{n}") for n in (1, 2, 4, 8)}


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


# ---------------------------------------------------------------------------------------------
# Activations


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-x)), stable for large |x|."""
    return _t(input).sigmoid()


def relu(input: Tensor) -> Tensor:
    """max(x, 0)."""
    return _t(input).relu()


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return _t(input).tanh()


def softmax(input: Tensor, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``."""
    return _t(input).softmax(dim)


def log_softmax(input: Tensor, dim: int = -1) -> Tensor:
    """x - logsumexp(x) along ``dim``, without overflow."""
    return _t(input).log_softmax(dim)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias as one op, with weight of shape (out_features, in_features).

    Raises:
        ValueError: if the input's last dimension is not weight's second.
    """
    return _linear(input, weight, bias)


# ---------------------------------------------------------------------------------------------
# Checks shared by the losses


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_reduction(reduction: str, fn: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{fn}(): reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _as_input(input: Any, fn: str) -> Tensor:
    x = _t(input)
    if x.dtype.kind != "f":
        raise TypeError(
            f"{fn}(): input must be floating point, got dtype {x.dtype} with shape {x.shape}"
        )
    return x


def _same_shape_target(x: Tensor, target: Any, fn: str) -> Tensor:
    """A target matching the input elementwise: same shape, cast to the input's dtype."""
    y = target if isinstance(target, Tensor) else Tensor(np.asarray(target))
    if y.shape != x.shape:
        raise ValueError(
            f"{fn}(): target shape {y.shape} must equal input shape {x.shape} (dtypes: "
            f"target {y.dtype}, input {x.dtype}); reshape one of them rather than relying on "
            "broadcasting"
        )
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{fn}(): target must be numeric, got dtype {y.dtype}")
    return y if y.dtype == x.dtype else y.astype(x.dtype)


# ---------------------------------------------------------------------------------------------
# Regression losses


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error: reduce((input - target)^2).

    Args:
        input: predictions.
        target: values of the same shape (Tensor, array or list).
        reduction: "mean", "sum" or "none".

    Raises:
        ValueError: on a shape mismatch or an unknown reduction.
    """
    _check_reduction(reduction, "mse_loss")
    x = _as_input(input, "mse_loss")
    y = _same_shape_target(x, target, "mse_loss")
    return _reduce((x - y) ** 2, reduction)


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error: reduce(|input - target|)."""
    _check_reduction(reduction, "l1_loss")
    x = _as_input(input, "l1_loss")
    y = _same_shape_target(x, target, "l1_loss")
    return _reduce((x - y).abs(), reduction)


# ---------------------------------------------------------------------------------------------
# Binary classification


def _clamped_log(p: Tensor) -> Tensor:
    """max(log p, -100) with a zero (not NaN) gradient where the clamp bites.

    log(0) would be -inf with a warning, and 0 * (1/0) a NaN in backward, so the clamped
    entries never reach ``log``; the common case (nothing clamped) is a single Log op.
    """
    low = p._data <= _EXP_CLAMP
    if not low.any():
        return p.log()
    safe = where(low, 1.0, p)
    return where(low, _LOG_CLAMP, safe.log())


def binary_cross_entropy(
    input: Tensor, target: Any, weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) on probabilities p, with each log clamped at -100.

    Args:
        input: probabilities in [0, 1] (e.g. a sigmoid's output).
        target: values in [0, 1] of the same shape.
        weight: optional rescaling of each element (broadcast to the input's shape).
        reduction: "mean", "sum" or "none".

    Raises:
        ValueError: on a shape mismatch, inputs outside [0, 1] or an unknown reduction.
    """
    fn = "binary_cross_entropy"
    _check_reduction(reduction, fn)
    p = _as_input(input, fn)
    y = _same_shape_target(p, target, fn)
    if not ((p._data >= 0) & (p._data <= 1)).all():
        raise ValueError(
            f"{fn}(): all elements of input (shape {p.shape}, dtype {p.dtype}) "
            "must be probabilities in [0, 1]; use binary_cross_entropy_with_logits "
            "for logits"
        )
    loss: Tensor = -(y * _clamped_log(p) + (1 - y) * _clamped_log(1 - p))
    if weight is not None:
        loss = loss * _weight(weight, p)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor, target: Any, weight: Any = None, reduction: str = "mean", pos_weight: Any = None
) -> Tensor:
    """Binary cross-entropy on logits x: softplus(x) - x y, i.e. max(x,0) - x y + log(1+e^-|x|).

    softplus(x) = log(e^0 + e^x) is computed as a logsumexp over [0, x], which is stable for
    any x and smooth at 0 (the max/abs form has kinks there that a subgradient gets wrong).

    Args:
        input: logits.
        target: values in [0, 1] of the same shape.
        weight: optional rescaling of each element.
        reduction: "mean", "sum" or "none".
        pos_weight: optional weight of the positive term (broadcast over the last axis).
    """
    fn = "binary_cross_entropy_with_logits"
    _check_reduction(reduction, fn)
    x = _as_input(input, fn)
    y = _same_shape_target(x, target, fn)
    softplus = _softplus(x)
    loss: Tensor
    if pos_weight is None:
        loss = softplus - x * y
    else:
        # (1 - y) x + (1 + (pw - 1) y) softplus(-x), with softplus(-x) = softplus(x) - x
        lw = 1 + (_weight(pos_weight, x) - 1) * y
        loss = (1 - y) * x + lw * (softplus - x)
    if weight is not None:
        loss = loss * _weight(weight, x)
    return _reduce(loss, reduction)


def _softplus(x: Tensor) -> Tensor:
    """log(1 + exp(x)) as logsumexp([0, x]) over a new last axis."""
    zeros = Tensor(np.zeros((*x.shape, 1), dtype=x.dtype))
    return cat([zeros, x.reshape(*x.shape, 1)], axis=-1).logsumexp(-1)


def _weight(weight: Any, x: Tensor) -> Tensor:
    """An elementwise weight as a Tensor of the input's dtype (broadcast by the product)."""
    w = weight if isinstance(weight, Tensor) else Tensor(np.asarray(weight))
    return w if w.dtype == x.dtype else w.astype(x.dtype)


# ---------------------------------------------------------------------------------------------
# Multi-class classification


def _class_target(x: Tensor, target: Any, fn: str) -> np.ndarray | Tensor:
    """Check a target against (N, C[, d...]) scores: int class indices or float probabilities."""
    if x.ndim == 0:
        raise ValueError(f"{fn}(): input must have a class dimension, got a 0-d tensor")
    if isinstance(target, Tensor):
        y: np.ndarray | Tensor = target if target.requires_grad else target._data
    else:
        y = np.asarray(target)
    shape = x._data.shape
    class_dim = 0 if len(shape) == 1 else 1
    n_classes = shape[class_dim]
    index_shape = shape[:class_dim] + shape[class_dim + 1 :]
    if y.dtype.kind in "iu":
        if y.shape != index_shape:
            raise ValueError(
                f"{fn}(): class-index target of shape {y.shape} (dtype {y.dtype}) does not "
                f"match input of shape {shape} (dtype {x.dtype}); expected shape {index_shape}"
            )
        y = np.asarray(y)
        # One reduction checks both bounds: seen as unsigned, a negative index is huge.
        if y.size and y.view(_UNSIGNED.get(y.dtype, y.dtype)).max() >= n_classes:
            bad = y[(y < 0) | (y >= n_classes)]
            raise IndexError(
                f"{fn}(): target holds class index {int(bad[0])} out of range [0, {n_classes}) "
                f"for input of shape {shape} (target shape {y.shape}, dtype {y.dtype})"
            )
        return y
    if y.dtype.kind == "f":
        if y.shape != x.shape:
            if y.shape == index_shape:
                raise TypeError(
                    f"{fn}(): target has dtype {y.dtype} and shape {y.shape}: class-index targets "
                    f"must be integers (int64, e.g. y.astype(np.int64)); a float target must be "
                    f"class probabilities of the input's shape {x.shape} (input dtype {x.dtype})"
                )
            raise ValueError(
                f"{fn}(): float target of shape {y.shape} (dtype {y.dtype}) must be class "
                f"probabilities of the input's shape {x.shape} (dtype {x.dtype})"
            )
        return y if y.dtype == x.dtype else y.astype(x.dtype)
    raise TypeError(
        f"{fn}(): target must be int class indices or float probabilities, got dtype {y.dtype} "
        f"with shape {y.shape} (input shape {x.shape})"
    )


def _pick(logp: Tensor, y: np.ndarray) -> Tensor:
    """logp at each target class: one GetItem op."""
    if logp.ndim == 1:
        return logp[int(y)]
    if logp.ndim == 2:
        return logp[np.arange(y.shape[0]), y]
    # (N, C, d1, ...): index every axis, the class axis by the target.
    grids = np.ix_(*[np.arange(n) for n in y.shape])
    index = (grids[0], y, *grids[1:])
    return logp[index]


def _class_weight(weight: Any, n_classes: int, fn: str, dtype: np.dtype) -> np.ndarray:
    w = np.asarray(weight._data if isinstance(weight, Tensor) else weight, dtype=dtype)
    if w.shape != (n_classes,):
        raise ValueError(
            f"{fn}(): weight must have shape ({n_classes},), one per class, got {w.shape}"
        )
    return w


def nll_loss(input: Tensor, target: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood: -input[n, target[n]], input holding log-probabilities.

    Args:
        input: log-probabilities of shape (N, C) (or (C,), or (N, C, d1, ...)).
        target: int class indices of shape (N,) (or (), or (N, d1, ...)).
        weight: optional per-class weights of shape (C,); "mean" then divides by the sum of
            the weights of the targets, as PyTorch does.
        reduction: "mean", "sum" or "none".

    Raises:
        TypeError, ValueError, IndexError: on a float target, a shape mismatch or an index
            out of range (naming shapes and dtypes).
    """
    fn = "nll_loss"
    _check_reduction(reduction, fn)
    x = _as_input(input, fn)
    y = _class_target(x, target, fn)
    if not isinstance(y, np.ndarray) or y.dtype.kind not in "iu":
        raise TypeError(
            f"{fn}(): target must be int class indices, got dtype {y.dtype} with "
            f"shape {y.shape} (input shape {x.shape})"
        )
    return _nll(x, y, weight, reduction, fn)


def _nll(logp: Tensor, y: np.ndarray, weight: Any, reduction: str, fn: str) -> Tensor:
    if weight is None and logp.ndim == 2:
        return apply(ops.NLLLoss(y, reduction), logp)  # pick, reduce and negate in one op
    picked = _pick(logp, y)
    if weight is None:
        return -_reduce(picked, reduction)
    w = _class_weight(weight, logp.shape[0 if logp.ndim == 1 else 1], fn, logp.dtype)[y]
    weighted = picked * w
    if reduction == "mean":
        return -weighted.sum() / w.sum()
    return -_reduce(weighted, reduction)


def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits against class indices or class probabilities.

    With int labels y this is ``-log_softmax(x)[arange(N), y]`` reduced: a LogSoftmax op and an
    NLLLoss op (pick, reduce and negate at once), stable for any logits. With float
    probabilities q of the input's shape it is ``-sum_c q_c log_softmax(x)_c`` per sample.

    Args:
        input: logits of shape (N, C) (or (C,), or (N, C, d1, ...); classes on dim 1).
        target: int64 class indices of shape (N,), or float probabilities of shape (N, C).
        weight: optional per-class weights of shape (C,).
        reduction: "mean", "sum" or "none". With probabilities "mean" divides by N.
        label_smoothing: in [0, 1]; mixes the target with the uniform distribution.

    Raises:
        TypeError, ValueError, IndexError: on a float target shaped like labels, a shape
            mismatch or a class index out of range (naming shapes and dtypes).
    """
    fn = "cross_entropy"
    _check_reduction(reduction, fn)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{fn}(): label_smoothing must be in [0, 1], got {label_smoothing}")
    x = _as_input(input, fn)
    y = _class_target(x, target, fn)
    class_dim = 0 if x.ndim == 1 else 1
    logp = apply(ops.LogSoftmax(class_dim), x)  # the axis is known valid: skip the checks
    n_classes = x.shape[class_dim]
    if isinstance(y, np.ndarray) and y.dtype.kind in "iu":
        if label_smoothing == 0.0:
            return _nll(logp, y, weight, reduction, fn)
        eps = label_smoothing
        picked = _pick(logp, y)
        if weight is None:
            smooth = -logp.mean(class_dim)  # the uniform target's cross-entropy
            return _reduce(picked * (eps - 1) + smooth * eps, reduction)
        w = _class_weight(weight, n_classes, fn, x.dtype)
        wy = w[y]
        w_b = w.reshape((n_classes,) + (1,) * (x.ndim - class_dim - 1))
        smooth = -(logp * w_b).sum(class_dim) / n_classes
        loss = picked * (wy * (eps - 1)) + smooth * eps
        return loss.sum() / wy.sum() if reduction == "mean" else _reduce(loss, reduction)
    q = y
    if label_smoothing:
        q = q * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * q
    if weight is not None:
        w = _class_weight(weight, n_classes, fn, x.dtype)
        prod = prod * w.reshape((n_classes,) + (1,) * (x.ndim - class_dim - 1))
    return _reduce(-prod.sum(class_dim), reduction)
