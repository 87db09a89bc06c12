"""Stateless functions, as ``torch.nn.functional``: activations, ``linear``, ``embedding``,
the normalisations and the losses.

Every loss is a composition of Tensor ops (no backward formula here), arranged to stay finite
for extreme inputs (logits of +-1000) and to record few ops: the losses run on every step.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import activations, fused
from .. import conv as _conv_ops
from .._missing import missing_attribute
from ..activations import *  # noqa: F403  (relu, sigmoid, tanh, softmax, log_softmax)
from ..functions import linear, where
from ..grad_mode import no_grad
from ..random import as_generator
from ..tensor import Tensor, apply, as_tensor
from ..validation import (
    ShapeError,
    _check_conv_dtypes,
    _class_target_mismatch,
    _target_mismatch,
)

__all__ = [
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv1d",
    "conv2d",
    "cross_entropy",
    "dropout",
    "dropout2d",
    "elu",
    "embedding",
    "gelu",
    "huber_loss",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "pad",
    "silu",
    "smooth_l1_loss",
    "softplus",
]
__all__ += activations.__all__

_REDUCTIONS = ("mean", "sum", "none")
# Log-probabilities below this are clamped, as PyTorch clamps log(p) in binary_cross_entropy.
_LOG_CLAMP = -100.0
_EXP_CLAMP = math.exp(_LOG_CLAMP)
_UNSIGNED = {np.dtype(f"i{n}"): np.dtype(f"u{n}") for n in (1, 2, 4, 8)}


def _all_classes(y: np.ndarray, n_classes: int) -> bool:
    """Whether every label of a non-empty int array is a class in [0, n_classes): one
    reduction checks both bounds, since seen as unsigned a negative index is huge."""
    return bool(np.maximum.reduce(y.view(_UNSIGNED.get(y.dtype, y.dtype)), axis=None) < n_classes)


# ---------------------------------------------------------------------------------------------
# Activations (relu, sigmoid, tanh, softmax and log_softmax are minigrad.activations', and
# linear is minigrad.functions': one definition serves minigrad.tanh and nn.functional.tanh)


def _no_inplace(inplace: bool, fn: str) -> None:
    if inplace:
        raise NotImplementedError(
            f"{fn}(): inplace=True is not supported; use inplace=False (the result is the same "
            "values in a new tensor)"
        )


def _float_input(input: Any, fn: str) -> Tensor:
    x = as_tensor(input)
    if x._data.dtype.kind != "f":
        raise TypeError(f"{fn}(): input must be floating point, got dtype {x.dtype}")
    return x


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), Phi the standard normal CDF: x/2 (1 + erf(x / sqrt 2)).

    Args:
        input: any shape.
        approximate: "none" (exact, through erf) or "tanh":
            x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    """
    x = _float_input(input, "gelu")
    if approximate == "none":
        return x * 0.5 * (1 + apply(fused.Erf(), x * _SQRT_HALF))
    if approximate == "tanh":
        inner = (x + 0.044715 * (x * x * x)) * _SQRT_2_OVER_PI
        return x * 0.5 * (1 + inner.tanh())
    raise ValueError(f"gelu(): approximate must be 'none' or 'tanh', got {approximate!r}")


_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    _no_inplace(inplace, "silu")
    x = _float_input(input, "silu")
    return x * x.sigmoid()


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope * x (slope's gradient at 0, as PyTorch)."""
    _no_inplace(inplace, "leaky_relu")
    x = _float_input(input, "leaky_relu")
    return where(x._data > 0, x, x * negative_slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else alpha * (exp(x) - 1)."""
    _no_inplace(inplace, "elu")
    x = _float_input(input, "elu")
    # exp of min(x, 0): the branch not taken must not overflow for large x.
    return where(x._data > 0, x, (x.clip(max=0.0).exp() - 1) * alpha)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (as PyTorch).

    ``log(1 + exp(.))`` is one exact op (``fused.Softplus``): no overflow, no lost digits.
    """
    x = _float_input(input, "softplus")
    if beta == 1:
        sp = apply(fused.Softplus(), x)
        bx = x._data
    else:
        z = x * beta
        sp = apply(fused.Softplus(), z) / beta
        bx = z._data
    above = bx > threshold
    return where(above, x, sp) if above.any() else sp


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding: shape (..., num_classes), 1 at each index.

    Args:
        tensor: int class indices of any shape.
        num_classes: the number of classes; -1 means the largest index plus one.

    Raises:
        TypeError: for a non-integer tensor.
        RuntimeError: for a negative index or one not smaller than ``num_classes``.
    """
    idx = np.asarray(tensor._data if isinstance(tensor, Tensor) else tensor)
    if idx.dtype.kind not in "iu":
        raise TypeError(
            f"one_hot is only applicable to index tensor of type LongTensor (int64), "
            f"got dtype {idx.dtype}"
        )
    if idx.size and idx.min() < 0:
        raise RuntimeError("one_hot(): Class values must be non-negative.")
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError(
                "one_hot(): Can not infer total number of classes from empty tensor."
            )
        num_classes = int(idx.max()) + 1
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError(
            f"one_hot(): Class values must be smaller than num_classes ({num_classes}), "
            f"got {int(idx.max())}."
        )
    out = (idx[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor(out)


# ---------------------------------------------------------------------------------------------
# Embedding and normalisation


def embedding(
    input: Any,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` picked by the integer ``input``: shape ``input.shape + (dim,)``.

    It is ``weight[input]``, one indexing op whose backward adds each output row's gradient
    into its row of the table (repeated indices add up).

    Args:
        input: int indices of any shape, each in [0, num_embeddings).
        weight: the table, shape (num_embeddings, embedding_dim).
        padding_idx: a row whose gradient is always zero (its output is still its row).
        max_norm, scale_grad_by_freq, sparse: not supported (an error says so).

    Raises:
        TypeError: for non-integer indices. IndexError: for an index out of range.
    """
    if max_norm is not None:
        raise NotImplementedError(
            "embedding(): max_norm is not supported; renormalise the rows of the weight "
            "yourself under no_grad()"
        )
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding(): scale_grad_by_freq and sparse are not supported")
    idx = np.asarray(input._data if isinstance(input, Tensor) else input)
    if idx.dtype.kind not in "iu":
        raise TypeError(
            f"embedding(): Expected tensor for argument #1 'indices' to have one of the "
            f"following scalar types: Long, Int; but got dtype {idx.dtype} instead"
        )
    if weight.ndim != 2:
        raise ValueError(f"embedding(): weight must be 2-D, got shape {weight.shape}")
    n = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)]
        raise IndexError(
            f"index out of range in self (embedding(): index {int(bad.flat[0])} for a table of "
            f"{n} rows, weight shape {tuple(weight.shape)}; indices must be in [0, {n}))"
        )
    out = weight[idx]
    if padding_idx is not None:
        pad = padding_idx + n if padding_idx < 0 else padding_idx
        hit = idx == pad
        if hit.any():  # the row's value, cut from the graph: no gradient reaches it
            out = where(hit[..., None], out.detach(), out)
    return out


def _channel_shape(x: Tensor) -> tuple[int, ...]:
    """(C,) for (N, C) input, (C, 1, ...) for (N, C, d1, ...): broadcasts over the channels."""
    return (x.shape[1],) + (1,) * (x.ndim - 2)


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (dim 1) of (N, C, ...) input, then scale and shift.

    y = (x - mean) / sqrt(var + eps) * weight + bias, per channel. With ``training`` the
    mean and (biased) variance are the batch's, and the running statistics, if given, move
    towards them in place: r = (1 - momentum) r + momentum * stat (the variance unbiased, as
    PyTorch). Otherwise the running statistics are used.

    Raises:
        ValueError: for input with fewer than 2 dimensions, statistics of the wrong size, or
            a single value per channel when training.
    """
    x = _float_input(input, "batch_norm")
    if x.ndim < 2:
        raise ValueError(f"batch_norm(): expected input of shape (N, C, ...), got {x.shape}")
    c = x.shape[1]
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and t.shape != (c,):
            raise RuntimeError(
                f"{name} should contain {c} elements not {t.numel()} (batch_norm(): input of "
                f"shape {tuple(x.shape)} has {c} channels on dim 1)"
            )
    axes = (0, *range(2, x.ndim))
    shape = _channel_shape(x)
    if training:
        n = x.numel() // max(c, 1)
        if n <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {x.shape}"
            )
        op = fused.Normalize(axes, eps, axes, shape)
        out = _normalize(op, x, weight, bias)
        if running_mean is not None and running_var is not None:
            with no_grad():
                _update_running(running_mean, op.mean, momentum)
                _update_running(running_var, op.var * (n / (n - 1)), momentum)
        return out
    if running_mean is None or running_var is None:
        raise ValueError("batch_norm(): running_mean and running_var are needed when not training")
    # Eval: an affine map with constants, (x - mean) * (w / sqrt(var + eps)) + b.
    mean = running_mean._data.reshape(shape).astype(x.dtype, copy=False)
    scale = 1 / np.sqrt(running_var._data.reshape(shape).astype(x.dtype, copy=False) + eps)
    out = (x - mean) * scale
    return _affine(out, weight, bias, shape)


def _normalize(
    op: fused.Normalize, x: Tensor, weight: Tensor | None, bias: Tensor | None
) -> Tensor:
    """Run the Normalize op with whichever of weight and bias there are."""
    if weight is None:
        out = apply(op, x)
        return out if bias is None else out + bias.reshape(op.wshape)
    return apply(op, x, weight) if bias is None else apply(op, x, weight, bias)


def _update_running(stat: Tensor, batch: np.ndarray, momentum: float) -> None:
    """stat = (1 - momentum) stat + momentum batch, in the buffer's own array."""
    arr = stat._data
    arr *= 1 - momentum
    arr += momentum * batch.reshape(arr.shape)


def _affine(
    out: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple[int, ...]
) -> Tensor:
    reshape = len(shape) > 1
    if weight is not None:
        out = out * (weight.reshape(shape) if reshape else weight)
    if bias is not None:
        out = out + (bias.reshape(shape) if reshape else bias)
    return out


def layer_norm(
    input: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dimensions, then scale and shift.

    y = (x - mean) / sqrt(var + eps) * weight + bias, mean and biased variance taken over the
    trailing dimensions of each sample; weight and bias have shape ``normalized_shape``.

    Raises:
        RuntimeError: if the input's trailing dimensions are not ``normalized_shape``.
    """
    x = _float_input(input, "layer_norm")
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(ns)
    if k == 0 or x.shape[x.ndim - k :] != ns or x.ndim < k:
        raise RuntimeError(
            f"Given normalized_shape={list(ns)}, expected input with shape "
            f"[*, {', '.join(map(str, ns))}], but got input of size{list(x.shape)} (layer_norm(): "
            "the input's last dimensions must be normalized_shape)"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.shape != ns:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {list(t.shape)} and normalized_shape = {list(ns)} (layer_norm())"
            )
    axes = tuple(range(x.ndim - k, x.ndim))
    op = fused.Normalize(axes, eps, tuple(range(x.ndim - k)), ns)
    return _normalize(op, x, weight, bias)


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


def _reduction(size_average: bool | None, reduce: bool | None, reduction: str, fn: str) -> str:
    """PyTorch's legacy ``size_average``/``reduce`` flags folded into ``reduction``.

    They override ``reduction`` with PyTorch's deprecation warning, as in PyTorch.
    """
    if size_average is not None or reduce is not None:
        average = True if size_average is None else bool(size_average)
        reduction = "none" if reduce is False else ("mean" if average else "sum")
        warnings.warn(
            f"{fn}(): size_average and reduce args will be deprecated, please use "
            f"reduction='{reduction}' instead.",
            UserWarning,
            stacklevel=3,
        )
    if reduction not in _REDUCTIONS:
        _check_reduction(reduction, fn)  # (raises, naming the choices)
    return reduction


def _as_input(input: Any, fn: str) -> Tensor:
    x = as_tensor(input)
    if x._data.dtype.kind != "f":
        raise TypeError(
            f"{fn}(): input must be floating point, got dtype {x.dtype} with shape {tuple(x.shape)}"
        )
    return x


def _same_shape_target(x: Tensor, target: Any, fn: str) -> Tensor:
    """A target matching the input elementwise: same shape, cast to the input's dtype."""
    y = target if isinstance(target, Tensor) else Tensor(np.asarray(target))
    if y._data.shape != x._data.shape:  # (the arrays: this runs on every training step)
        raise _target_mismatch(fn, x, y)
    if y._data.dtype.kind not in "biuf":
        raise TypeError(f"{fn}(): target must be numeric, got dtype {y.dtype}")
    return y if y._data.dtype == x._data.dtype else y.astype(x._data.dtype)


def _weight(weight: Any, x: Tensor) -> Tensor:
    """An elementwise weight as a Tensor of the input's dtype (broadcast by the product)."""
    w = weight if isinstance(weight, Tensor) else Tensor(np.asarray(weight))
    return w if w.dtype == x.dtype else w.astype(x.dtype)


def _weighted_reduce(
    loss: Tensor, weight: Any, reduction: str, fn: str, mean_by_weights: bool = True
) -> Tensor:
    """reduce(weight * loss) with an elementwise weight of the loss's shape.

    "mean" divides by the sum of the weights for mse_loss and l1_loss, by the number of
    elements for huber_loss: PyTorch's (differing) choices.
    """
    if weight is None:
        return _reduce(loss, reduction)
    w = _weight(weight, loss)
    if w.shape != loss.shape:
        raise ValueError(
            f"{fn}(): Weights and input must have the same size: weight {w.shape}, input "
            f"{loss.shape}"
        )
    loss = loss * w
    if reduction == "mean" and mean_by_weights:
        return loss.sum() / float(w._data.sum())
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------------------------
# Regression losses


def mse_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Any = None,
) -> Tensor:
    """Mean squared error: reduce((input - target)^2).

    Args:
        input: predictions.
        target: values of the same shape (Tensor, array or list).
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean", "sum" or "none".
        weight: optional elementwise weights of the input's shape; "mean" divides by their
            sum.

    Raises:
        ValueError: on a shape mismatch or an unknown reduction.
    """
    reduction = _reduction(size_average, reduce, reduction, "mse_loss")
    x = _as_input(input, "mse_loss")
    y = _same_shape_target(x, target, "mse_loss")
    if weight is None:
        return apply(fused.MSELoss(reduction), x, y)  # one op (PyTorch's MseLossBackward0)
    return _weighted_reduce((x - y) ** 2, weight, reduction, "mse_loss")


def l1_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Any = None,
) -> Tensor:
    """Mean absolute error: reduce(|input - target|) (gradient 0 where they are equal)."""
    reduction = _reduction(size_average, reduce, reduction, "l1_loss")
    x = _as_input(input, "l1_loss")
    y = _same_shape_target(x, target, "l1_loss")
    return _weighted_reduce((x - y).abs(), weight, reduction, "l1_loss")


def smooth_l1_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta, with d = input - target.

    beta = 0 is the L1 loss. Raises ValueError for a negative beta.
    """
    fn = "smooth_l1_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    if beta < 0:
        raise ValueError(f"{fn}(): smooth_l1_loss does not support negative values for beta.")
    x = _as_input(input, fn)
    d = x - _same_shape_target(x, target, fn)
    if beta == 0:
        return _reduce(d.abs(), reduction)
    small = np.abs(d._data) < beta
    return _reduce(where(small, d * d * (0.5 / beta), d.abs() - 0.5 * beta), reduction)


def huber_loss(
    input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0, weight: Any = None
) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), with d = input - target.

    Equals ``delta * smooth_l1_loss(beta=delta)``. Raises ValueError for delta <= 0.
    """
    fn = "huber_loss"
    _check_reduction(reduction, fn)
    if delta <= 0:
        raise ValueError(f"{fn}(): huber_loss does not support non-positive values for delta.")
    x = _as_input(input, fn)
    d = x - _same_shape_target(x, target, fn)
    small = np.abs(d._data) < delta
    loss = where(small, d * d * 0.5, (d.abs() - 0.5 * delta) * delta)
    return _weighted_reduce(loss, weight, reduction, fn, mean_by_weights=False)


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
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) on probabilities p, with each log clamped at -100.

    Args:
        input: probabilities in [0, 1] (e.g. a sigmoid's output).
        target: values in [0, 1] of the same shape.
        weight: optional rescaling of each element (broadcast to the input's shape).
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean", "sum" or "none".

    Raises:
        ValueError: on a shape mismatch, inputs outside [0, 1] or an unknown reduction.
    """
    fn = "binary_cross_entropy"
    reduction = _reduction(size_average, reduce, reduction, fn)
    p = _as_input(input, fn)
    y = _same_shape_target(p, target, fn)
    if not ((p._data >= 0) & (p._data <= 1)).all():
        raise ValueError(
            f"{fn}(): all elements of input (shape {tuple(p.shape)}, dtype {p.dtype}) "
            "must be probabilities in [0, 1]; use binary_cross_entropy_with_logits "
            "for logits"
        )
    loss: Tensor = -(y * _clamped_log(p) + (1 - y) * _clamped_log(1 - p))
    if weight is not None:
        loss = loss * _weight(weight, p)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """Binary cross-entropy on logits x: softplus(x) - x y, stable for any x.

    softplus is one exact op (``fused.Softplus``, log(1 + e^x) through ``logaddexp``), smooth at
    0 (the max/abs form has kinks there that a subgradient gets wrong).

    Args:
        input: logits.
        target: values in [0, 1] of the same shape.
        weight: optional rescaling of each element.
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean", "sum" or "none".
        pos_weight: optional weight of the positive term (broadcast over the last axis).
    """
    fn = "binary_cross_entropy_with_logits"
    reduction = _reduction(size_average, reduce, reduction, fn)
    x = _as_input(input, fn)
    y = _same_shape_target(x, target, fn)
    loss: Tensor
    if pos_weight is None:
        loss = apply(fused.Softplus(), x) - x * y
    else:
        # (1 - y) x + (1 + (pw - 1) y) softplus(-x)
        lw = 1 + (_weight(pos_weight, x) - 1) * y
        loss = (1 - y) * x + lw * apply(fused.Softplus(), -x)
    if weight is not None:
        loss = loss * _weight(weight, x)
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------------------------
# Multi-class classification


def _class_target(
    x: Tensor, target: Any, fn: str, ignore_index: int | None = None
) -> np.ndarray | Tensor:
    """Check a target against (N, C[, d...]) scores: int class indices or float probabilities.

    Class indices equal to ``ignore_index`` are exempt from the range check.
    """
    if x._data.ndim == 0:
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
            raise _class_target_mismatch(fn, x, y, index_shape)
        y = np.asarray(y)
        # The common case in one reduction: every target a class (seen as unsigned, a negative
        # index is huge), and ignore_index none of them (so no target is exempt from the check).
        if y.size and (ignore_index is None or not 0 <= ignore_index < n_classes):
            if _all_classes(y, n_classes):
                return y
        kept = y
        if ignore_index is not None and y.size:
            ignored = y == ignore_index
            if ignored.any():
                kept = y[~ignored]
        if kept.size and not _all_classes(kept, n_classes):
            bad = int(kept[(kept < 0) | (kept >= n_classes)][0])
            raise IndexError(
                f"Target {bad} is out of bounds. ({fn}(): class index {bad} out of range "
                f"[0, {n_classes}) for input of shape {shape}; target shape {tuple(y.shape)}, "
                f"dtype {y.dtype}, ignore_index={ignore_index})"
            )
        return y
    if y.dtype.kind == "f":
        if y.shape != x.shape:
            if y.shape == index_shape:
                raise TypeError(
                    f"{fn}(): target has dtype {y.dtype} and shape {tuple(y.shape)}: "
                    "class-index targets must be integers (int64, e.g. y.astype(np.int64)); a "
                    "float target must be class probabilities of the input's shape "
                    f"{tuple(x.shape)} (input dtype {x.dtype})"
                )
            raise ValueError(
                f"{fn}(): float target of shape {tuple(y.shape)} (dtype {y.dtype}) must be class "
                f"probabilities of the input's shape {tuple(x.shape)} (dtype {x.dtype})"
            )
        return y if y.dtype == x.dtype else y.astype(x.dtype)
    raise TypeError(
        f"{fn}(): target must be int class indices or float probabilities, got dtype {y.dtype} "
        f"with shape {tuple(y.shape)} (input shape {tuple(x.shape)})"
    )


def _plain_labels(x: Tensor, target: Any, ignore_index: int) -> np.ndarray | None:
    """The labels, when ``target`` holds the common case for (N, C) scores ``x``: an int array
    (or tensor) of N class indices, each in [0, C) and none ``ignore_index``, which is what
    ``_class_target`` would return without error; else None (and ``_class_target`` decides).

    cross_entropy computes this case as one op: it is checked first, in one reduction.
    """
    y: np.ndarray = target._data if isinstance(target, Tensor) else target
    shape = x._data.shape
    if type(y) is not np.ndarray or y.dtype.kind not in "iu" or y.shape != shape[:1]:
        return None
    if len(shape) != 2 or not y.size:
        return None
    if not _all_classes(y, shape[1]):
        return None
    if 0 <= ignore_index < shape[1] and (y == ignore_index).any():
        return None
    return y


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


def _class_weight(weight: Any, n_classes: int, fn: str, dtype: Any) -> np.ndarray:
    w = np.asarray(weight._data if isinstance(weight, Tensor) else weight, dtype=dtype)
    if w.shape != (n_classes,):
        raise ShapeError(
            f"weight tensor should be defined either for all {n_classes} classes or no classes "
            f"but got weight tensor of shape: {list(w.shape)} ({fn}(): weight must have shape "
            f"({n_classes},), one per class)"
        )
    return w


def _target_weights(
    y: np.ndarray, weight: Any, ignore_index: int, n_classes: int, fn: str, dtype: np.dtype
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(targets safe to index with, weight of each target, mask of the targets kept).

    An ignored target is replaced by class 0 and weighs 0. The weights are None when every
    target weighs 1, the mask None when no target is ignored.
    """
    ignored = y == ignore_index
    keep = None
    if ignored.any():
        keep = ~ignored
        y = np.where(ignored, 0, y)
    elif weight is None:
        return y, None, None
    w = (
        np.ones(y.shape, dtype)
        if weight is None
        else _class_weight(weight, n_classes, fn, dtype)[y]
    )
    if keep is not None:
        w = w * keep
    return y, w, keep


def _mean_by(total: Tensor, denominator: float) -> Tensor:
    """total / denominator; NaN (as PyTorch) without a NumPy warning when nothing counted."""
    return total / denominator if denominator else total * math.nan


def nll_loss(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood: -input[n, target[n]], input holding log-probabilities.

    Args:
        input: log-probabilities of shape (N, C) (or (C,), or (N, C, d1, ...)).
        target: int class indices of shape (N,) (or (), or (N, d1, ...)).
        weight: optional per-class weights of shape (C,); "mean" then divides by the sum of
            the weights of the targets, as PyTorch does.
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        ignore_index: targets equal to it contribute nothing (nor to the mean's count).
        reduction: "mean", "sum" or "none".

    Raises:
        TypeError, ValueError, IndexError: on a float target, a shape mismatch or a target
            out of bounds (naming shapes and dtypes).
    """
    fn = "nll_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    x = _as_input(input, fn)
    y = _class_target(x, target, fn, ignore_index)
    if not isinstance(y, np.ndarray) or y.dtype.kind not in "iu":
        raise TypeError(
            f"{fn}(): target must be int class indices, got dtype {y.dtype} with "
            f"shape {tuple(y.shape)} (input shape {tuple(x.shape)})"
        )
    return _nll(x, y, weight, reduction, ignore_index, fn)


def _nll(
    logp: Tensor, y: np.ndarray, weight: Any, reduction: str, ignore_index: int, fn: str
) -> Tensor:
    shape = logp._data.shape  # (the array's: no Size to build, on every step)
    n_classes = shape[0 if len(shape) == 1 else 1]
    y, w, _ = _target_weights(y, weight, ignore_index, n_classes, fn, logp._data.dtype)
    if w is None:
        if len(shape) == 2:
            return apply(fused.NLLLoss(y, reduction), logp)  # pick, reduce and negate in one op
        return -_reduce(_pick(logp, y), reduction)
    weighted = _pick(logp, y) * w
    if reduction == "mean":
        return -_mean_by(weighted.sum(), float(w.sum()))
    return -_reduce(weighted, reduction)


def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits against class indices or class probabilities.

    With int labels y this is ``-log_softmax(x)[arange(N), y]`` reduced, stable for any logits:
    for (N, C) logits without weight, label smoothing or ignored labels one op
    (``CrossEntropyLoss``, whose backward is softmax - onehot), else a LogSoftmax op and an
    NLLLoss op (pick, reduce and negate at once). With float
    probabilities q of the input's shape it is ``-sum_c q_c log_softmax(x)_c`` per sample.
    Classes are on dim 1 (dim 0 for unbatched (C,) input), so (N, C, d1, ...) works too.

    Args:
        input: logits of shape (N, C) (or (C,), or (N, C, d1, ...)).
        target: int64 class indices of shape (N,) (or (N, d1, ...)), or float probabilities
            of the input's shape.
        weight: optional per-class weights of shape (C,).
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        ignore_index: class-index targets equal to it contribute nothing.
        reduction: "mean", "sum" or "none". With probabilities "mean" divides by N (times
            d1...).
        label_smoothing: in [0, 1]; mixes the target with the uniform distribution.

    Raises:
        TypeError, ValueError, IndexError: on a float target shaped like labels, a shape
            mismatch or a target out of bounds (naming shapes and dtypes).
    """
    fn = "cross_entropy"
    reduction = _reduction(size_average, reduce, reduction, fn)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{fn}(): label_smoothing must be in [0, 1], got {label_smoothing}")
    x = _as_input(input, fn)
    if weight is None and not label_smoothing:
        labels = _plain_labels(x, target, ignore_index)
        if labels is not None:  # softmax - onehot in one op
            return apply(fused.CrossEntropyLoss(labels, reduction), x)
    y = _class_target(x, target, fn, ignore_index)
    shape = x._data.shape  # (the array's: no Size to build, on every step)
    class_dim = 0 if len(shape) == 1 else 1
    logp = apply(fused.LogSoftmax(class_dim), x)  # the axis is known valid: skip the checks
    n_classes = shape[class_dim]
    w_b = (n_classes,) + (1,) * (len(shape) - class_dim - 1)  # weight broadcast over the classes
    if isinstance(y, np.ndarray) and y.dtype.kind in "iu":
        if label_smoothing == 0.0:
            return _nll(logp, y, weight, reduction, ignore_index, fn)
        # (1 - eps) * nll + eps / C * (the uniform target's cross-entropy), as PyTorch
        eps = label_smoothing
        y, wy, keep = _target_weights(y, weight, ignore_index, n_classes, fn, x._data.dtype)
        picked = _pick(logp, y)
        if weight is None:
            smooth = logp.sum(class_dim)
        else:
            w = _class_weight(weight, n_classes, fn, x.dtype)
            smooth = (logp * w.reshape(w_b)).sum(class_dim)
        if wy is not None:  # weights or ignored targets: the ignored ones count nowhere
            spread = eps / n_classes if keep is None else keep * (eps / n_classes)
            loss = -(picked * (wy * (1 - eps)) + smooth * spread)
            if reduction == "mean":
                return _mean_by(loss.sum(), float(wy.sum()))
            return _reduce(loss, reduction)
        return _reduce(-(picked * (1 - eps) + smooth * (eps / n_classes)), reduction)
    q = y
    if label_smoothing:
        q = q * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * q
    if weight is not None:
        w = _class_weight(weight, n_classes, fn, x.dtype)
        prod = prod * w.reshape(w_b)
    return _reduce(-prod.sum(class_dim), reduction)


# ---------------------------------------------------------------------------------------------
# Convolution, pooling, padding and dropout (the ops live in ``minigrad/conv.py``)


def _tuple(value: Any, nd: int, fn: str, name: str) -> tuple[int, ...]:
    """An int or a sequence of ``nd`` ints, as a tuple (PyTorch's ``_pair``/``_single``)."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return (int(value),) * nd
    if isinstance(value, tuple | list) and all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value
    ):
        if len(value) == 1:
            return (int(value[0]),) * nd
        if len(value) == nd:
            return tuple(int(v) for v in value)
    raise ValueError(f"{fn}(): {name} must be an int or a tuple of {nd} ints, got {value!r}")


def _size(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(n) for n in shape) + "]"


def _spatial_input(input: Any, nd: int, fn: str) -> tuple[Tensor, bool]:
    """The input as (N, C, *spatial) and whether it came without a batch axis."""
    x = as_tensor(input)
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {fn}, but got "
            f"input of size: {_size(x.shape)}"
        )
    if x.dtype.kind != "f":
        raise TypeError(f"{fn}(): input must be floating point, got dtype {x.dtype}")
    if x.ndim == nd + 1:
        return x.reshape(1, *x.shape), True
    return x, False


def _conv_padding(
    padding: Any,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    fn: str,
) -> tuple[tuple[int, int], ...]:
    """Per spatial axis (before, after): from an int, a tuple, "valid" or "same"."""
    nd = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(
                    f"{fn}(): padding='same' is not supported for strided convolutions"
                )
            # An even span pads one more after than before, as PyTorch does.
            total = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in total)
        raise ValueError(
            f"{fn}(): Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}"
        )
    pad = _tuple(padding, nd, fn, "padding")
    if any(p < 0 for p in pad):
        raise RuntimeError(f"{fn}(): negative padding is not supported, got padding={padding!r}")
    return tuple((p, p) for p in pad)


def _conv(
    fn: str,
    nd: int,
    input: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: int,
) -> Tensor:
    x, unbatched = _spatial_input(input, nd, fn)
    w = as_tensor(weight)
    if w.ndim != nd + 2:
        raise RuntimeError(
            f"{fn}(): weight must be {nd + 2}-dimensional (out_channels, in_channels / groups, "
            f"*kernel_size), got weight of size {_size(w.shape)}"
        )
    kernel = w.shape[2:]
    st = _tuple(stride, nd, fn, "stride")
    dil = _tuple(dilation, nd, fn, "dilation")
    if any(s <= 0 for s in st):
        raise RuntimeError(f"{fn}(): non-positive stride is not supported, got stride={stride!r}")
    if any(d <= 0 for d in dil):
        raise RuntimeError(f"{fn}(): dilation should be greater than zero, got {dilation!r}")
    if not isinstance(groups, int) or groups <= 0:
        raise RuntimeError(f"{fn}(): non-positive groups is not supported, got groups={groups!r}")
    pads = _conv_padding(padding, kernel, st, dil, fn)
    if w.shape[0] < groups or w.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at "
            f"dimension 0, but got weight of size [{_size(w.shape)}] instead ({fn}(): "
            "out_channels must be a multiple of groups)"
        )
    if x.shape[1] != w.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {_size(w.shape)}, expected "
            f"input{_size(x.shape)} to have {w.shape[1] * groups} channels, but got "
            f"{x.shape[1]} channels instead ({fn}(): dim 1 of the input holds its channels, "
            "the weight's in_channels)"
        )
    padded = tuple(n + a + b for n, (a, b) in zip(x.shape[2:], pads))
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dil))
    if any(p < s for p, s in zip(padded, span)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))})"
            f". Kernel size: ({' x '.join(map(str, span))}). Kernel size can't be greater "
            f"than actual input size ({fn}(): pad the input or use a smaller kernel)"
        )
    params = _conv_ops.ConvParams(kernel, st, pads, dil, groups)
    if bias is None:
        _check_conv_dtypes(x._data, w._data, None)
        out = apply(_conv_ops.Conv(params), x, w)
    else:
        b = as_tensor(bias)
        if b.shape != (w.shape[0],):
            raise RuntimeError(
                f"{fn}(): Given weight of size {_size(w.shape)}, expected bias to be "
                f"1-dimensional with {w.shape[0]} elements, but got bias of size "
                f"{_size(b.shape)} instead"
            )
        _check_conv_dtypes(x._data, w._data, b._data)
        out = apply(_conv_ops.Conv(params), x, w, b)
    return out.reshape(*out.shape[1:]) if unbatched else out


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """1-D convolution (cross-correlation) of (N, C, L) or (C, L) input; see ``conv2d``."""
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """2-D convolution (cross-correlation, as PyTorch): one op, differentiable twice.

    Args:
        input: (N, C, H, W), or (C, H, W) without a batch.
        weight: (out_channels, C / groups, kH, kW).
        bias: optional (out_channels,).
        stride: an int or a (sH, sW) pair.
        padding: an int, a pair, "valid" (none) or "same" (output as large as the input;
            stride 1 only); zeros are added.
        dilation: spacing between kernel elements (an int or a pair).
        groups: split input and output channels into this many independent groups.

    Raises:
        RuntimeError: on a wrong number of channels, groups that do not divide the channels,
            a kernel larger than the padded input, or bad stride/padding/dilation, in
            PyTorch's words.
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def _pool_args(
    fn: str,
    nd: int,
    x: Tensor,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
    pad_limit: str,
) -> tuple[Any, tuple[int, ...]]:
    kernel = _tuple(kernel_size, nd, fn, "kernel_size")
    st = (
        kernel
        if stride is None or stride == [] or stride == ()
        else _tuple(stride, nd, fn, "stride")
    )
    pad = _tuple(padding, nd, fn, "padding")
    dil = _tuple(dilation, nd, fn, "dilation")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{fn}(): kernel_size must be greater than zero, got {kernel_size!r}")
    if any(s <= 0 for s in st):
        raise RuntimeError(f"{fn}(): stride must be greater than zero, got {stride!r}")
    if any(d <= 0 for d in dil):
        raise RuntimeError(f"{fn}(): dilation must be greater than zero, got {dilation!r}")
    span = kernel if pad_limit == "kernel" else tuple(d * (k - 1) + 1 for k, d in zip(kernel, dil))
    if any(p < 0 or p > s // 2 for p, s in zip(pad, span)):
        what = "kernel size" if pad_limit == "kernel" else "effective kernel size"
        raise RuntimeError(
            f"{fn}(): pad should be at most half of {what}, but got pad={padding!r}, "
            f"kernel_size={kernel_size!r}"
            + ("" if pad_limit == "kernel" else f" and dilation={dilation!r}")
        )
    params, out = _conv_ops.pool_params(x.shape[2:], kernel, st, pad, dil, ceil_mode)
    if any(o < 1 for o in out):
        shown = "x".join(map(str, x.shape[1:]))
        raise RuntimeError(
            f"{fn}(): Given input size: ({shown}). Calculated output size: "
            f"({'x'.join(map(str, (x.shape[1], *out)))}). Output size is too small"
        )
    return params, out


def max_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """Maximum over each (kH, kW) window of (N, C, H, W) or (C, H, W) input.

    The gradient goes to the first maximum of each window (as in PyTorch).

    Args:
        input: the input.
        kernel_size: window size (an int or a pair).
        stride: step between windows; defaults to ``kernel_size``.
        padding: implicit -inf padding on each side, at most half the window.
        dilation: spacing between window elements.
        ceil_mode: keep a last, partial window at the end of each axis.
        return_indices: also return where each maximum is (a flat index into its H*W plane,
            int64, as PyTorch's).
    """
    x, unbatched = _spatial_input(input, 2, "max_pool2d")
    params, out = _pool_args(
        "max_pool2d", 2, x, kernel_size, stride, padding, dilation, ceil_mode, "effective"
    )
    op = _conv_ops.MaxPool(params, out, ceil_mode)
    y = apply(op, x)
    if unbatched:
        y = y.reshape(*y.shape[1:])
    if not return_indices:
        return y
    idx = op.flat_indices(x._data, y._data if not unbatched else y._data[None])
    return y, Tensor(idx[0] if unbatched else idx)


def avg_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over each (kH, kW) window of (N, C, H, W) or (C, H, W) input.

    Args:
        input: the input.
        kernel_size: window size (an int or a pair).
        stride: step between windows; defaults to ``kernel_size``.
        padding: implicit zero padding on each side, at most half the window.
        ceil_mode: keep a last, partial window at the end of each axis.
        count_include_pad: whether the zero padding counts in the divisor.
        divisor_override: divide every window's sum by this instead.
    """
    x, unbatched = _spatial_input(input, 2, "avg_pool2d")
    params, out = _pool_args(
        "avg_pool2d", 2, x, kernel_size, stride, padding, 1, ceil_mode, "kernel"
    )
    if divisor_override is not None and (
        not isinstance(divisor_override, int) or divisor_override <= 0
    ):
        raise RuntimeError(f"avg_pool2d(): divisor must be not zero, got {divisor_override!r}")
    op = _conv_ops.AvgPool(params, out, x.shape, ceil_mode, count_include_pad, divisor_override)
    y = apply(op, x)
    return y.reshape(*y.shape[1:]) if unbatched else y


def _adaptive_matrix(n: int, m: int, dtype: np.dtype) -> np.ndarray:
    """(m, n): row i averages input cells floor(i n / m) .. ceil((i + 1) n / m) - 1."""
    mat = np.zeros((m, n), dtype=dtype)
    for i in range(m):
        start, end = (i * n) // m, -(-((i + 1) * n) // m)
        mat[i, start:end] = 1.0 / (end - start)
    return mat


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling to a fixed output size (H_out, W_out), windows as PyTorch chooses them.

    A window's mean is separable, so this is two products with constant averaging matrices
    (rows, then columns): composed from ``matmul``, differentiable to any order.

    Args:
        input: (N, C, H, W) or (C, H, W).
        output_size: an int, or a pair whose entries may be None (keep that input size).
    """
    fn = "adaptive_avg_pool2d"
    x, unbatched = _spatial_input(input, 2, fn)
    if isinstance(output_size, tuple | list):
        if len(output_size) != 2:
            raise ValueError(f"{fn}(): output_size must be an int or a pair, got {output_size!r}")
        size = tuple(x.shape[2 + i] if s is None else s for i, s in enumerate(output_size))
    else:
        size = (output_size, output_size)
    if not all(isinstance(s, int | np.integer) and s > 0 for s in size):
        raise ValueError(f"{fn}(): output_size must be positive ints, got {output_size!r}")
    if any(n == 0 for n in x.shape[2:]):
        raise RuntimeError(f"{fn}(): input of size {_size(x.shape)} has an empty spatial axis")
    h, w = x.shape[2:]
    y = x
    if size[0] != h:  # (H_out, H) @ (N, C, H, W)
        y = Tensor(_adaptive_matrix(h, size[0], x._data.dtype)) @ y
    if size[1] != w:  # (N, C, H_out, W) @ (W, W_out)
        y = y @ Tensor(_adaptive_matrix(w, size[1], x._data.dtype).T)
    if y is x:
        y = x * 1.0  # a new tensor, as PyTorch returns
    return y.reshape(*y.shape[1:]) if unbatched else y


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dimensions, as ``torch.nn.functional.pad``.

    ``pad`` lists (before, after) for the last dimension first: ``(left, right, top,
    bottom, ...)``. A negative amount crops (constant mode).

    Args:
        input: the tensor.
        pad: an even-length sequence of ints.
        mode: "constant", "reflect", "replicate" or "circular".
        value: the fill value of constant padding (default 0).
    """
    x = as_tensor(input)
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"pad(): mode {mode!r} is not supported; use one of {_PAD_MODES}")
    if (
        not isinstance(pad, tuple | list)
        or len(pad) % 2
        or not all(isinstance(p, int | np.integer) and not isinstance(p, bool) for p in pad)
    ):
        raise ValueError(f"pad(): Padding length must be divisible by 2, and ints, got {pad!r}")
    if len(pad) // 2 > x.ndim:
        raise ValueError(
            f"pad(): Padding length should be less than or equal to two times the input "
            f"dimension but got padding length {len(pad)} and input of dimension {x.ndim}"
        )
    if mode != "constant" and value:
        raise ValueError(f"pad(): padding mode {mode!r} doesn't take in value argument")
    pairs = [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(len(pad) // 2)]
    widths = [(0, 0)] * (x.ndim - len(pairs)) + pairs[::-1]  # first axis first
    if mode == "constant":
        crop = tuple(
            slice(-a if a < 0 else 0, n + b if b < 0 else n) for (a, b), n in zip(widths, x.shape)
        )
        if any(a < 0 or b < 0 for a, b in widths):
            x = x[crop]
        grow = tuple((max(a, 0), max(b, 0)) for a, b in widths)
        return apply(_conv_ops.Pad(grow, 0.0 if value is None else float(value)), x)
    for axis, (a, b) in enumerate(widths):
        if not (a or b):
            continue
        n = x.shape[axis]
        if a < 0 or b < 0:
            raise ValueError(
                f"pad(): negative padding is only supported in constant mode, got {pad!r}"
            )
        if mode == "reflect" and (a >= n or b >= n):
            raise ValueError(
                f"pad(): Padding size should be less than the corresponding input dimension, "
                f"but got: padding ({a}, {b}) at dimension {axis} of input {_size(x.shape)}"
            )
        if mode == "circular" and (a > n or b > n):
            raise ValueError(
                f"pad(): Padding value causes wrapping around more than once: padding "
                f"({a}, {b}) at dimension {axis} of input {_size(x.shape)}"
            )
        if mode == "reflect":
            index = np.concatenate(
                [np.arange(a, 0, -1), np.arange(n), np.arange(n - 2, n - 2 - b, -1)]
            )
        elif mode == "replicate":
            index = np.clip(np.arange(-a, n + b), 0, n - 1)
        else:
            index = np.arange(-a, n + b) % n
        x = x[(slice(None),) * axis + (index,)]
    return x


def _check_p(p: float, fn: str) -> None:
    if isinstance(p, bool) or not isinstance(p, int | float) or not 0.0 <= p <= 1.0:
        raise ValueError(f"{fn}(): dropout probability has to be between 0 and 1, but got {p}")


def _dropout_mask(x: Tensor, p: float, shape: tuple[int, ...]) -> Tensor:
    """A constant mask of ``shape``: 0 with probability p, else 1 / (1 - p)."""
    if p == 1.0:
        return x * 0.0
    keep = as_generator(None).random(shape) >= p
    return x * (keep * (1.0 / (1.0 - p))).astype(x.dtype)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p).

    Only while ``training`` (the input is returned unchanged otherwise). The mask is drawn
    from minigrad's default generator, so ``minigrad.manual_seed`` makes it repeat.

    Args:
        input: the tensor.
        p: probability of zeroing an element, in [0, 1].
        training: apply dropout (True) or return the input (False).
        inplace: not supported (raises); the result is always a new tensor.
    """
    _check_p(p, "dropout")
    _no_inplace(inplace, "dropout")
    x = as_tensor(input)
    if not training or p == 0.0:
        return x
    return _dropout_mask(x, p, x.shape)


def dropout2d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero whole channels of (N, C, H, W) or (C, H, W) input with probability ``p``.

    Each channel that is kept is scaled by 1 / (1 - p). As in PyTorch, a 3-D input is taken
    as (N, C, L) (with a warning), dropping whole 1-D channels.
    """
    _check_p(p, "dropout2d")
    _no_inplace(inplace, "dropout2d")
    x = as_tensor(input)
    if x.ndim not in (3, 4):
        raise RuntimeError(
            f"dropout2d(): Expected 3D or 4D input, but got input of size: {_size(x.shape)}"
        )
    if x.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
            "is the channel dim. This behavior will change in a future release to interpret "
            "the input as one without a batch dimension, i.e. shape (C, H, W). To maintain "
            "the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    if not training or p == 0.0:
        return x
    return _dropout_mask(x, p, (*x.shape[:2], *(1,) * (x.ndim - 2)))


# A PyTorch name this module does not have: the error says so and points to the docs.
__getattr__ = missing_attribute("minigrad.nn.functional", "torch.nn.functional")
