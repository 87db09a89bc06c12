"""Per-channel functions, as ``torch.nn.functional`` (which re-exports them): instance norm,
local response norm, the channel-wise and alpha dropouts, and ``bilinear``.

Compositions of existing ops (instance norm is the ``Normalize`` op of batch and layer norm,
over each sample's own spatial axes), so none has a backward of its own.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import conv as _conv_ops
from .. import fused
from ..dtypes import not_implemented_for, torch_name
from ..functions import einsum
from ..grad_mode import no_grad
from ..inplace import _inplace
from ..random import as_generator
from ..tensor import Tensor, apply, as_tensor
from ._common import _check_p, _dropout_mask

__all__ = [
    "alpha_dropout",
    "bilinear",
    "dropout1d",
    "dropout3d",
    "feature_alpha_dropout",
    "instance_norm",
    "local_response_norm",
]


# ---------------------------------------------------------------------------------------------
# Normalisations


def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel of each sample of (N, C, *S) input over its own spatial axes S,
    then scale and shift per channel, as ``torch.nn.functional.instance_norm``.

    y = (x - mean) / sqrt(var + eps) * weight + bias, mean and (biased) var per (n, c). With
    running statistics (C,) given, they move towards the batch's average of the per-instance
    statistics: r = (1 - momentum) r + momentum * mean over n (the variance unbiased, as
    PyTorch). ``use_input_stats=False`` normalises with the running statistics instead.

    Raises:
        ValueError: for a single spatial element while using the input's statistics.
        RuntimeError: for statistics or affine parameters of the wrong size.
    """
    x = as_tensor(input)
    spatial = int(np.prod(x.shape[2:]))
    if use_input_stats and spatial <= 1:
        raise ValueError(
            "Expected more than 1 spatial element when training, got input size "
            f"torch.Size({list(x.shape)})"
        )
    if x._data.dtype.kind != "f":
        raise not_implemented_for(
            "instance_norm",
            x._data.dtype,
            "instance_norm(): the input must be floating point; convert it with .float()",
        )
    n, c = x.shape[:2]
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        # (PyTorch counts the statistics repeated for each sample, N*C of them)
        if t is not None and t.numel() != c:
            raise RuntimeError(
                f"{name} should contain {n * c} elements not {t.numel() * n} (instance_norm(): "
                f"input of shape {tuple(x.shape)} has {c} channels on dim 1, {name} "
                f"{t.numel()})"
            )
    axes = tuple(range(2, x.ndim))
    shape = (1, c) + (1,) * len(axes)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise RuntimeError(
                "Expected running_mean and running_var to be defined when use_input_stats is false"
            )
        mean = running_mean._data.reshape(shape).astype(x.dtype, copy=False)
        scale = 1 / np.sqrt(running_var._data.reshape(shape).astype(x.dtype, copy=False) + eps)
        out = (x - mean) * scale
        if weight is not None:
            out = out * weight.reshape(shape)
        return out if bias is None else out + bias.reshape(shape)
    op = fused.Normalize(axes, eps, (0, *axes), shape)
    if weight is None:
        out = apply(op, x)
        out = out if bias is None else out + bias.reshape(shape)
    else:
        out = apply(op, x, weight) if bias is None else apply(op, x, weight, bias)
    with no_grad():
        for stat, batch in (
            (running_mean, op.mean.reshape(n, c).mean(axis=0)),
            (running_var, (op.var * (spatial / (spatial - 1))).reshape(n, c).mean(axis=0)),
        ):
            if stat is not None:
                arr = stat._data
                arr *= 1 - momentum
                arr += (momentum * batch).astype(arr.dtype, copy=False).reshape(arr.shape)
    return out


def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    """Divide each element of (N, C, *) input by its neighbours across channels, as
    ``torch.nn.functional.local_response_norm`` (AlexNet):
    b_c = a_c / (k + alpha / size * sum of a_c'^2 over the ``size`` channels around c)^beta,
    the window running from c - size // 2 to c + (size - 1) // 2, zeros past the ends.
    """
    x = as_tensor(input)
    if x.ndim < 3:
        raise ValueError(
            "Expected 3D or higher dimensionality                          input (got "
            f"{x.ndim} dimensions)"
        )
    if size <= 0:
        kernel = f"kH: {size} kW: 1" if x.ndim == 3 else f"kT: {size} kH: 1 kW: 1"
        raise RuntimeError(f"kernel size should be greater than zero, but got {kernel}")
    if x.numel() == 0:
        return x
    if x._data.dtype.kind != "f" and x._data.dtype != np.int64:
        # (PyTorch averages the squares with its average pool, which takes int64 only)
        pool = "avg_pool2d" if x.ndim == 3 else "avg_pool3d_out_frame"
        raise not_implemented_for(
            pool,
            x._data.dtype,
            f"local_response_norm() of a {x._data.dtype} tensor: convert it first, e.g. x.float()",
        )
    c = x.shape[1]
    pads = ((0, 0), (size // 2, (size - 1) // 2)) + ((0, 0),) * (x.ndim - 2)
    sq = apply(_conv_ops.Pad(pads), x * x)
    total = sq[:, 0:c]
    for i in range(1, size):
        total = total + sq[:, i : i + c]
    if x._data.dtype.kind != "f":  # int64: PyTorch's pool truncates the mean, then float32
        return x / ((total // size) * alpha + k) ** beta
    div = (total * (alpha / size) + k) ** beta
    return x / div


# ---------------------------------------------------------------------------------------------
# Dropouts


def _channel_dropout(x: Tensor, p: float, inplace: bool, name: str, batched: bool) -> Tensor:
    """Zero whole channels with probability p, scaling the rest by 1 / (1 - p): the channels
    are dim 1 of a batch, dim 0 of one sample."""
    lead = 2 if batched else 1
    shape = (*x.shape[:lead], *(1,) * (x.ndim - lead))
    if inplace:
        return _inplace(x, name, lambda t: _dropout_mask(t, p, shape))
    return _dropout_mask(x, p, shape)


def dropout1d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) input with probability ``p``, scaling kept
    channels by 1 / (1 - p), as ``torch.nn.functional.dropout1d``.

    Only while ``training``; the mask comes from minigrad's default generator.
    """
    _check_p(p, "dropout1d")
    x = as_tensor(input)
    if x.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {x.ndim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs)."
        )
    if not training or p == 0.0:
        return x
    return _channel_dropout(x, p, inplace, "dropout1d_", x.ndim == 3)


def dropout3d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability ``p``,
    scaling kept channels by 1 / (1 - p), as ``torch.nn.functional.dropout3d``.

    Other ranks are taken as one sample whose channels are dim 0, with PyTorch's warning.
    """
    _check_p(p, "dropout3d")
    x = as_tensor(input)
    if x.ndim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {x.ndim}-D input to dropout3d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout3d exists to provide "
            "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 4D or 5D inputs).",
            stacklevel=2,
        )
    if not training or p == 0.0:
        return x
    return _channel_dropout(x, p, inplace, "dropout3d_", x.ndim == 5)


# SELU's saturation value, -scale * alpha: a dropped unit of alpha dropout takes it.
_SELU_SATURATION = 1.7580993408473766


def _alpha_dropout(
    input: Any, p: float, training: bool, inplace: bool, fn: str, feature: bool
) -> Tensor:
    """Dropped units set to SELU's saturation value, then an affine map a * x + b chosen so
    that the mean and variance of a unit-Gaussian input are kept (PyTorch's formula)."""
    _check_p(p, fn)
    x = as_tensor(input)
    if feature and x.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if not training or p == 0.0 or x.numel() == 0:
        return x
    if x._data.dtype.kind != "f":
        raise RuntimeError(
            f"result type Float can't be cast to the desired output type "
            f"{torch_name(x._data.dtype)} ({fn}(): the input must be floating point)"
        )
    shape = (*x.shape[:2], *(1,) * (x.ndim - 2)) if feature else tuple(x.shape)

    def compute(t: Tensor) -> Tensor:
        if p == 1.0:
            return t * 0.0
        keep = (as_generator(None).random(shape) >= p).astype(t._data.dtype)
        alpha = _SELU_SATURATION
        a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
        b = (keep - 1) * (alpha * a) + alpha * a * p
        return t * (keep * a).astype(t._data.dtype) + b.astype(t._data.dtype)

    return _inplace(x, fn + "_", compute) if inplace else compute(x)


def alpha_dropout(
    input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False
) -> Tensor:
    """Dropout for self-normalising (SELU) networks, as ``torch.nn.functional.alpha_dropout``:
    each element is set to SELU's negative saturation with probability ``p``, then all are
    mapped by a * x + b so that zero mean and unit variance are kept.

    Note PyTorch's default ``training=False`` here (the identity unless asked).
    """
    return _alpha_dropout(input, p, training, inplace, "alpha_dropout", False)


def feature_alpha_dropout(
    input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False
) -> Tensor:
    """``alpha_dropout`` of whole channels (dim 1 of (N, C, *) input), as
    ``torch.nn.functional.feature_alpha_dropout``; ``training=False`` by default, as PyTorch's.
    """
    return _alpha_dropout(input, p, training, inplace, "feature_alpha_dropout", True)


# ---------------------------------------------------------------------------------------------
# Bilinear


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y_o = x1^T A_o x2 + b_o for each output o, as ``torch.nn.functional.bilinear``.

    Args:
        input1: (*, in1_features).
        input2: (*, in2_features), the same leading dimensions.
        weight: (out_features, in1_features, in2_features).
        bias: (out_features,) or None.

    Returns:
        (*, out_features).
    """
    x1, x2, w = as_tensor(input1), as_tensor(input2), as_tensor(weight)
    named = [("input1", x1), ("input2", x2), ("weight", w)]
    if bias is not None:
        named.append(("bias", as_tensor(bias)))
    if len({t._data.dtype for _, t in named}) > 1:
        got = ", ".join(f"{name}: {torch_name(t._data.dtype).lower()}" for name, t in named)
        raise RuntimeError(f"All tensors must have the same dtype, got {got}")
    if x1.ndim != x2.ndim:
        raise RuntimeError(
            f"bilinear(): input dimensions do not match: got {x1.ndim} and {x2.ndim}"
        )
    for i in range(x1.ndim - 1):
        if x1.shape[i] != x2.shape[i]:
            raise RuntimeError(
                f"bilinear(): input batch dimensions do not match at dim {i}: got "
                f"{x1.shape[i]} and {x2.shape[i]}"
            )
    if w.ndim != 3:
        if w.ndim >= 2 and x1.shape[-1] != w.shape[1]:
            raise RuntimeError(
                f"bilinear(): input1 size does not match weight size: got {x1.shape[-1]} but "
                f"expected {w.shape[1]}"
            )
        raise RuntimeError(
            f"bilinear(): weight must be 3-dimensional (out_features, in1_features, "
            f"in2_features), got weight of size {list(w.shape)}"
        )
    if x1.shape[-1] != w.shape[1]:
        raise RuntimeError(
            f"bilinear(): input1 size does not match weight size: got {x1.shape[-1]} but "
            f"expected {w.shape[1]}"
        )
    if x2.shape[-1] != w.shape[2]:
        raise RuntimeError(
            f"bilinear(): input2 size does not match weight size: got {x2.shape[-1]} but "
            f"expected {w.shape[2]}"
        )
    if bias is not None:
        b = as_tensor(bias)
        if b.ndim != 1 or b.shape[0] != w.shape[0]:
            size = b.shape[-1] if b.ndim else 0
            raise RuntimeError(
                f"bilinear(): bias size does not match weight size: got {size} but expected "
                f"{w.shape[0]}"
            )
    y = einsum("...i,oij,...j->...o", x1, w, x2)
    return y if bias is None else y + as_tensor(bias)
