"""Stateless functions, as ``torch.nn.functional``: activations, ``linear``, ``embedding``,
the normalisations and the losses. The pools (``pooling.py``), ``unfold``/``fold`` and the
shuffles (``rearranging.py``), instance and local response norm, the channel and alpha
dropouts and ``bilinear`` (``feature_functions.py``) and ``embedding_bag`` live in their own
files and are re-exported here.

Every loss is a composition of Tensor ops (no backward formula here), arranged to stay finite
for extreme inputs (logits of +-1000) and to record few ops: the losses run on every step.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import activations, fused
from .. import conv as _conv_ops
from .._missing import missing_attribute
from ..activations import log_softmax, sigmoid, softmax, tanh
from ..creation import empty_like, zeros_like
from ..dims import wrap_dim
from ..dtypes import _promote, not_implemented_for, torch_name
from ..functions import linear, where
from ..grad_mode import no_grad
from ..inplace import _inplace
from ..linalg_functions import cosine_similarity, normalize, pairwise_distance, pdist
from ..node_surface import labelled
from ..random import as_generator
from ..tensor import Tensor, _new_tensor, apply, as_tensor, from_data
from ..validation import (
    ArgumentError,
    DtypeError,
    ShapeError,
    _bool_refusal,
    _cast_refusal,
    _check_conv_dtypes,
    _class_target_mismatch,
    _kernel_refusal,
    _subtraction_refusal,
    _target_mismatch,
)
from . import more_losses
from ._common import (
    _along,
    _check_p,
    _dropout_mask,
    _renorm_rows,
    _size,
    _spatial_input,
    _tuple,
    scaled_gradient,
)
from ._reduction import _reduce, _reduction
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .ctc import ctc_loss
from .embedding_bag import embedding_bag
from .feature_functions import (
    alpha_dropout,
    bilinear,
    dropout1d,
    dropout3d,
    feature_alpha_dropout,
    instance_norm,
    local_response_norm,
)
from .fractional_pooling import (
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
)
from .grid_sampling import affine_grid, grid_sample
from .more_losses import *  # noqa: F403  (kl_div, the margin losses...: more_losses.__all__)
from .pooling import (
    _adaptive_matrix,
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool2d_with_indices,
    max_pool3d,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from .rearranging import channel_shuffle, fold, pixel_shuffle, pixel_unshuffle, unfold

__all__ = [
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "celu_",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "cross_entropy",
    "dropout",
    "dropout2d",
    "elu",
    "elu_",
    "embedding",
    "embedding_bag",
    "gelu",
    "glu",
    "group_norm",
    "gumbel_softmax",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "hardtanh_",
    "huber_loss",
    "interpolate",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "leaky_relu_",
    "linear",
    "log_softmax",
    "logsigmoid",
    "max_pool2d",
    "mish",
    "mse_loss",
    "multi_head_attention_forward",
    "nll_loss",
    "one_hot",
    "pad",
    "prelu",
    "relu",
    "relu6",
    "relu_",
    "rms_norm",
    "rrelu",
    "rrelu_",
    "scaled_dot_product_attention",
    "selu",
    "selu_",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "tanh",
    "tanhshrink",
    "threshold",
    "threshold_",
]
__all__ += ["cosine_similarity", "normalize", "pairwise_distance", "pdist"]  # (linalg_functions.py)
__all__ += [  # (fractional_pooling.py)
    "fractional_max_pool2d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
]
__all__ += [  # (pooling.py)
    "adaptive_avg_pool1d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d",
    "adaptive_max_pool3d_with_indices",
    "avg_pool1d",
    "avg_pool3d",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d_with_indices",
    "max_pool3d",
    "max_pool3d_with_indices",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]
__all__ += more_losses.__all__  # kl_div, poisson_nll_loss, the margin and triplet losses...
__all__ += ["channel_shuffle", "fold", "pixel_shuffle", "pixel_unshuffle", "unfold"]
__all__ += [  # (feature_functions.py)
    "alpha_dropout",
    "bilinear",
    "dropout1d",
    "dropout3d",
    "feature_alpha_dropout",
    "instance_norm",
    "local_response_norm",
]
__all__ += ["affine_grid", "grid_sample"]  # (grid_sampling.py)
__all__ += ["ctc_loss"]  # (ctc.py)
__all__ += [  # (PyTorch's older and rarer names, at the end of this file)
    "conv_tbc",
    "linear_cross_entropy",
    "native_channel_shuffle",
    "upsample",
    "upsample_bilinear",
    "upsample_nearest",
]

_UNSIGNED = {np.dtype(f"i{n}"): np.dtype(f"u{n}") for n in (1, 2, 4, 8)}


_LABEL_DTYPES = (np.dtype(np.int64), np.dtype(np.uint8))
"""The dtypes of class indices, as PyTorch's losses take them: int64 ("Long") and uint8 ("Byte")."""


def _all_classes(y: np.ndarray, n_classes: int) -> bool:
    """Whether every label of a non-empty int array is a class in [0, n_classes): one
    reduction checks both bounds, since seen as unsigned a negative index is huge."""
    return bool(np.maximum.reduce(y.view(_UNSIGNED.get(y.dtype, y.dtype)), axis=None) < n_classes)


# ---------------------------------------------------------------------------------------------
# Activations (sigmoid, tanh, softmax and log_softmax are minigrad.activations', and linear is
# minigrad.functions': one definition serves minigrad.tanh and nn.functional.tanh).
#
# Each is a composition of Tensor ops, or one op of ``fused`` for the piecewise ones (hardtanh,
# relu6, hardsigmoid, hardswish, threshold and the shrinks: their masks taken inside the op, so
# ONNX export writes them as ONNX's own ops). Where the derivative has a kink, the masks pick
# PyTorch's value there (relu6 and hardtanh: 0 at both bounds; leaky_relu, elu, prelu: the
# negative side's slope at 0). ``inplace=True`` writes the result into the input through
# ``inplace._inplace``, the machinery of ``Tensor.relu_``, under its rules (leaf, view, version).


def _float_input(input: Any, fn: str) -> Tensor:
    x = as_tensor(input)
    if x._data.dtype.kind != "f":
        raise TypeError(f"{fn}(): input must be floating point, got dtype {x.dtype}")
    return x


def _floating(input: Any, fn: str, kernel: str | None = None) -> Tensor:
    """``input`` as a Tensor; PyTorch's NotImplementedError unless it is floating point
    (``kernel``: the name of PyTorch's kernel in its message, ``fn`` + "_cpu" by default)."""
    x = as_tensor(input)
    if x._data.dtype.kind != "f":
        raise not_implemented_for(
            kernel or fn + "_cpu",
            x._data.dtype,
            f"{fn}(): the input must be floating point; convert it with .float()",
        )
    return x


def _apply(x: Tensor, inplace: bool, name: str, compute: Callable[[Tensor], Tensor]) -> Tensor:
    """``compute(x)``, or, with ``inplace``, x holding it (PyTorch's in-place op ``name``).

    In place follows ``Tensor.relu_``'s rules: a leaf that requires grad raises while a graph is
    recorded, a view writes into the tensor it views, and the version counter moves.
    """
    return _inplace(x, name, compute) if inplace else compute(x)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0); derivative 0 at 0 (PyTorch's choice).

    Args:
        input: any shape and dtype.
        inplace: write the result into ``input`` and return it.
    """
    return _apply(as_tensor(input), inplace, "relu_", lambda t: t.relu())


def relu_(input: Tensor) -> Tensor:
    """``relu(input, inplace=True)``: max(x, 0) written into ``input``, which is returned."""
    return relu(input, inplace=True)


def _hardtanh(x: Tensor, lo: float, hi: float, where: str = "hardtanh") -> Tensor:
    """x clamped to [lo, hi], derivative 1 strictly inside and 0 at and beyond the bounds.

    Integers stay integers, the bounds truncated toward 0 as PyTorch casts them; PyTorch
    refuses a bool tensor and, for uint8, bounds that stay negative once truncated."""
    data = x._data
    if data.dtype.kind != "f":  # (no gradient to shape)
        if data.dtype.kind == "b":
            raise _bool_refusal(where)
        if data.dtype.kind == "u" and (int(lo) < 0 or int(hi) < 0):
            raise RuntimeError(
                f"cannot do hardtanh on an unsigned type with negative limits ({where}() of a "
                f"{data.dtype} tensor with min_val={lo}, max_val={hi}: give limits > -1, or "
                "convert it first, e.g. x.int())"
            )
        return x.clamp(lo, hi).to(x.dtype)
    return apply(fused.Hardtanh(lo, hi), x)


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """x clamped to [min_val, max_val]; derivative 1 inside, 0 at the bounds and beyond.

    Args:
        input: any shape.
        min_val, max_val: the bounds (min_val <= max_val).
        inplace: write the result into ``input`` and return it.

    Raises:
        ValueError: PyTorch's "min_val cannot be greater than max_val".
    """
    if min_val > max_val:
        raise ValueError(
            "min_val cannot be greater than max_val "
            f"(hardtanh(): got min_val={min_val}, max_val={max_val})"
        )
    return _apply(as_tensor(input), inplace, "hardtanh_", lambda t: _hardtanh(t, min_val, max_val))


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``hardtanh(input, min_val, max_val, inplace=True)``."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6) (``hardtanh(x, 0, 6)``); derivative 0 at 0 and at 6, as PyTorch."""
    return _apply(as_tensor(input), inplace, "relu6_", lambda t: _hardtanh(t, 0.0, 6.0, "relu6"))


def _threshold(x: Tensor, threshold: float, value: float) -> Tensor:
    if x._data.dtype.kind == "b":  # (PyTorch has no kernel for it)
        raise _bool_refusal("threshold")
    if x._data.dtype.kind in "iu":  # an integer tensor stays one: value truncated, as PyTorch
        return where(
            x._data > threshold, x, _new_tensor(np.asarray(int(value), x._data.dtype), None)
        )
    if x._data.dtype.kind == "f":
        return apply(fused.Threshold(threshold, value), x)
    return where(x._data > threshold, x, value)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else ``value``; derivative 1 above the threshold, 0 at and below.

    Args:
        input: any shape.
        threshold: the level to exceed.
        value: what replaces the elements that do not exceed it.
        inplace: write the result into ``input`` and return it.
    """
    return _apply(
        as_tensor(input), inplace, "threshold_", lambda t: _threshold(t, threshold, value)
    )


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """``threshold(input, threshold, value, inplace=True)``."""
    return _inplace(as_tensor(input), "threshold_", lambda t: _threshold(t, threshold, value))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish).

    Args:
        input: floating point, any shape.
        inplace: write the result into ``input`` and return it.
    """
    x = _floating(input, "silu")
    return _apply(x, inplace, "silu_", lambda t: labelled(t * t.sigmoid(), "SiluBackward0", t))


def _leaky_relu(x: Tensor, negative_slope: float) -> Tensor:
    return where(x._data > 0, x, x * negative_slope)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope * x (the slope's derivative at 0, as PyTorch).

    Args:
        input: floating point, any shape.
        negative_slope: the slope for x <= 0.
        inplace: write the result into ``input`` and return it.
    """
    x = _floating(input, "leaky_relu")
    return _apply(
        x,
        inplace,
        "leaky_relu_",
        lambda t: labelled(_leaky_relu(t, negative_slope), "LeakyReluBackward0", t),
    )


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``leaky_relu(input, negative_slope, inplace=True)``."""
    return leaky_relu(input, negative_slope, inplace=True)


def _elu(x: Tensor, alpha: float, scale: float = 1.0, input_scale: float = 1.0) -> Tensor:
    """scale * (x where x > 0, else alpha * (exp(input_scale * x) - 1)): ELU, SELU and CELU.

    The exponential sees min(x, 0), so the branch not taken cannot overflow for large x;
    clamp's derivative at its bound is 1, so at 0 the derivative is the negative side's
    (scale * alpha * input_scale), as PyTorch's.
    """
    neg = x.clamp(max=0.0)
    if input_scale != 1.0:
        neg = neg * input_scale
    neg = (neg.exp() - 1) * alpha  # (exp - 1, not expm1: ONNX export has Exp, not Expm1)
    out = where(x._data > 0, x, neg)
    return out * scale if scale != 1.0 else out


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else alpha * (exp(x) - 1) (derivative alpha at 0, as PyTorch).

    Args:
        input: floating point, any shape.
        alpha: the value the negative side tends to is -alpha.
        inplace: write the result into ``input`` and return it.
    """
    x = _floating(input, "elu")
    return _apply(x, inplace, "elu_", lambda t: labelled(_elu(t, alpha), "EluBackward0", t))


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``elu(input, alpha, inplace=True)``."""
    return elu(input, alpha, inplace=True)


# SELU's constants (Klambauer et al., 2017), to PyTorch's digits.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with SELU's constants (alpha ~ 1.6733, scale ~ 1.0507).

    Args:
        input: floating point, any shape.
        inplace: write the result into ``input`` and return it.
    """
    x = _floating(input, "selu", "elu_cpu")
    selu = lambda t: _elu(t, _SELU_ALPHA, _SELU_SCALE)  # noqa: E731
    return _apply(x, inplace, "selu_", lambda t: labelled(selu(t), "EluBackward0", t))


def selu_(input: Tensor) -> Tensor:
    """``selu(input, inplace=True)``."""
    return selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else alpha * (exp(x / alpha) - 1) (derivative 1 at 0).

    Args:
        input: floating point, any shape.
        alpha: the scale of the negative side (not 0).
        inplace: write the result into ``input`` and return it.

    Raises:
        RuntimeError: PyTorch's "ZeroDivisionError: alpha cannot be 0 for CELU".
    """
    x = _floating(input, "celu", "elu_cpu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    celu = lambda t: _elu(t, alpha, input_scale=1.0 / alpha)  # noqa: E731
    return _apply(x, inplace, "celu_", lambda t: labelled(celu(t), "CeluBackward0", t))


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``celu(input, alpha, inplace=True)``."""
    return celu(input, alpha, inplace=True)


def _hardsigmoid(x: Tensor) -> Tensor:
    # (x + 3) / 6 clamped to [0, 1]: derivative 0 at +-3, as PyTorch (Clip's would be 1/6)
    return apply(fused.Hardsigmoid(), x)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between (derivative 0 at +-3).

    Args:
        input: floating point, any shape.
        inplace: write the result into ``input`` and return it.
    """
    x = _floating(input, "hardsigmoid")
    return _apply(x, inplace, "hardsigmoid_", _hardsigmoid)


def _hardswish(x: Tensor) -> Tensor:
    # x (x + 3) / 6 on (-3, 3), x from 3 on, 0 up to -3: derivatives 0 at -3 and 1 at 3.
    return apply(fused.Hardswish(), x)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6 (MobileNetV3's cheap swish).

    Args:
        input: floating point, any shape.
        inplace: write the result into ``input`` and return it.
    """
    x = _floating(input, "hardswish")
    return _apply(x, inplace, "hardswish_", _hardswish)


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), exact for any x (no overflow, no log(0))."""
    x = _floating(input, "logsigmoid", "log_sigmoid_cpu")
    return labelled(-apply(fused.Softplus(), -x), "LogSigmoidBackward0", x)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    x = as_tensor(input)
    return x / (x.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    x = as_tensor(input)
    return x - x.tanh()


def _check_lambd(x: Tensor, lambd: float) -> None:
    """PyTorch's refusal of a negative softshrink threshold."""
    if not lambd >= 0:
        dt = x._data.dtype
        raise RuntimeError(
            f"lambda must be in range [0, {float(np.finfo(dt).max):g}] for input dtype "
            f"{torch_name(dt)}, but found {lambd:g} (softshrink(): lambd must be >= 0)"
        )


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd above lambd, x + lambd below -lambd, 0 between (derivative 0 at +-lambd).

    Raises:
        RuntimeError: for a negative ``lambd``, in PyTorch's words.
    """
    x = _floating(input, "softshrink", "softshrink_check")
    _check_lambd(x, lambd)
    return apply(fused.Softshrink(lambd), x)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0 (derivative 0 at +-lambd)."""
    x = _floating(input, "hardshrink")
    return apply(fused.Hardshrink(lambd), x)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x)), softplus exact (``fused.Softplus``) for any x.

    Args:
        input: floating point, any shape.
        inplace: write the result into ``input`` and return it.
    """
    x = _floating(input, "mish")
    mish = lambda t: t * apply(fused.Softplus(), t).tanh()  # noqa: E731
    return _apply(x, inplace, "mish_", lambda t: labelled(mish(t), "MishBackward0", t))


def softmin(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """softmax(-x) along ``dim``; ``dtype=``: cast to it first.

    Without a dim, PyTorch's deprecated implicit choice, with its warning (as ``softmax``).
    """
    x = as_tensor(input)
    d = activations._implicit_dim(x.ndim, "softmin") if dim is None else dim
    return (-x).softmax(d, dtype)


def gumbel_softmax(
    logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1
) -> Tensor:
    """Sample from the Gumbel-Softmax distribution and optionally discretise
    (``torch.nn.functional.gumbel_softmax``): ``softmax((logits + g) / tau, dim)`` with
    ``g = -log(e)``, ``e`` standard exponential draws from minigrad's default generator (so
    ``minigrad.manual_seed`` repeats them; the numbers differ from PyTorch's).

    With ``hard=True`` the result is one-hot at the soft sample's largest entry along ``dim``,
    but differentiated as the soft sample (the straight-through estimator,
    ``y_hard - y_soft.detach() + y_soft``), as PyTorch's.

    Args:
        logits: ``[..., num_features]`` unnormalised log probabilities (floating point).
        tau: the temperature; 0 gives nan, as PyTorch.
        hard: return one-hot samples with the soft sample's gradient.
        eps: deprecated and unused, as in PyTorch (a value other than the default warns).
        dim: the dim along which softmax is computed.

    Returns:
        A tensor of ``logits``' shape: probability distributions along ``dim``, or one-hot
        vectors with ``hard=True``.
    """
    if not isinstance(logits, Tensor):
        raise TypeError(
            "gumbel_softmax(): argument 'logits' (position 1) must be Tensor, not "
            f"{type(logits).__name__}"
        )
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -empty_like(logits).exponential_().log()  # ~Gumbel(0, 1)
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft  # the reparameterisation trick
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b), a and b the two halves of ``input`` along ``dim``.

    Raises:
        RuntimeError: for a 0-d input, or an odd size along ``dim`` (PyTorch's words).
        IndexError: for a dim out of range.
    """
    x = as_tensor(input)
    if x.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, x.ndim, "glu", x.shape)
    if x.shape[d] % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {d} is size {x.shape[d]} "
            f"(glu(): input of shape {tuple(x.shape)})"
        )
    _floating(x, "glu")  # (after the shape checks, as PyTorch)
    a, b = x.chunk(2, d)
    return a * b.sigmoid()


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, else weight * x; the weight (one value, or one per channel: dim 1 of the
    input) is learnt. Derivative at 0: the weight, as PyTorch.

    Raises:
        RuntimeError: for a weight of more than one dimension, whose size is neither 1 nor
            the number of channels, or of another dtype than the input (PyTorch's words).
    """
    x = _floating(input, "prelu")
    w = as_tensor(weight)
    if w.ndim > 1:
        raise RuntimeError(
            f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {w.ndim}"
        )
    if w._data.dtype != x._data.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {torch_name(x._data.dtype)} and "
            f"{torch_name(w._data.dtype)} (prelu(): cast the input or the weight, e.g. "
            "input.to(weight.dtype))"
        )
    n = w.numel()
    if n != 1:
        if x.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = x.shape[1] if x.ndim >= 2 else 1
        if n != channels:
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter numbers "
                f"= {n} and channel size = {channels}."
            )
        slope = w.reshape(n, *(1,) * (x.ndim - 2))
    else:
        slope = w.reshape(())
    return where(x._data > 0, x, slope * x)


def _check_rrelu(lower: float, upper: float) -> None:
    if lower > upper:
        raise RuntimeError(
            "Lower bound should be less than or equal to the upper bound "
            f"(rrelu(): got lower={lower}, upper={upper})"
        )


def _rrelu(x: Tensor, lower: float, upper: float, training: bool) -> Tensor:
    if not training:
        return _leaky_relu(x, (lower + upper) / 2)
    # One slope per element, drawn from minigrad's default generator (manual_seed repeats it).
    slope = as_generator(None).uniform(lower, upper, x.shape).astype(x._data.dtype)
    return where(x._data > 0, x, x * slope)


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """Randomized leaky ReLU: x where x > 0, else a * x.

    While ``training`` each element draws its slope a from U(lower, upper) (minigrad's default
    generator, so ``manual_seed`` repeats it); otherwise a is the mean slope (lower + upper) / 2.

    Args:
        input: floating point, any shape.
        lower, upper: the slopes' range.
        training: draw random slopes (True) or use the mean one (False, the default).
        inplace: write the result into ``input`` and return it.

    Raises:
        RuntimeError: PyTorch's "Lower bound should be less than or equal to the upper bound".
    """
    x = _floating(input, "rrelu", "leaky_relu_cpu")
    _check_rrelu(lower, upper)
    return _apply(x, inplace, "rrelu_", lambda t: _rrelu(t, lower, upper, training))


def rrelu_(
    input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False
) -> Tensor:
    """``rrelu(input, lower, upper, training, inplace=True)``."""
    return rrelu(input, lower, upper, training, inplace=True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), Phi the standard normal CDF: x/2 (1 + erf(x / sqrt 2)).

    Args:
        input: any shape.
        approximate: "none" (exact, through erf) or "tanh":
            x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    """
    x = _floating(input, "gelu", "GeluKernelImpl")
    if approximate == "none":
        return labelled(x * 0.5 * (1 + apply(fused.Erf(), x * _SQRT_HALF)), "GeluBackward0", x)
    if approximate == "tanh":
        inner = (x + 0.044715 * (x * x * x)) * _SQRT_2_OVER_PI
        return labelled(x * 0.5 * (1 + inner.tanh()), "GeluBackward0", x)
    raise ValueError(f"gelu(): approximate must be 'none' or 'tanh', got {approximate!r}")


_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (as PyTorch).

    ``log(1 + exp(.))`` is one exact op (``fused.Softplus``): no overflow, no lost digits.
    """
    x = _floating(input, "softplus")
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
    if idx.dtype != np.int64:  # (as PyTorch: not even int32 or uint8)
        raise DtypeError(
            "one_hot is only applicable to index tensor of type LongTensor. (one_hot(): got "
            f"dtype {idx.dtype}; convert it first, e.g. tensor.long())"
        )
    if idx.size and idx.min() < 0:
        raise RuntimeError("one_hot(): Class values must be non-negative.")
    if num_classes == -1 or (idx.size == 0 and num_classes <= 0):
        if idx.size == 0:  # (also for a num_classes below 1: PyTorch refuses both)
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
    return _new_tensor(out, None)


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
        max_norm: if given, each row ``input`` picks whose ``norm_type``-norm is larger is
            scaled down to it first, in place in ``weight`` and outside the graph, as
            PyTorch's ``embedding_renorm_`` (so a graph that saved ``weight`` before refuses
            to run backward: clone the weight for such uses, as PyTorch's docs say).
        norm_type: the p of the norm for ``max_norm``.
        scale_grad_by_freq: divide the gradient of each row by the number of times ``input``
            picks it, as PyTorch's (rare words then learn as fast as frequent ones).
        sparse: not supported: minigrad has no sparse gradients (an error says so).

    Raises:
        TypeError: for non-integer indices. IndexError: for an index out of range.
    """
    if sparse:
        raise NotImplementedError(
            "embedding(): sparse is not supported: minigrad has no sparse gradients (use "
            "sparse=False; the weight's gradient is dense)"
        )
    n = weight.shape[0] if weight.ndim else 0
    # padding_idx first, as PyTorch's Python assert runs before its kernel reads the indices
    if padding_idx is not None and not -n <= padding_idx < n:
        raise AssertionError(  # PyTorch's type: its check is an assert
            f"embedding(): Padding_idx must be within num_embeddings (padding_idx={padding_idx}, "
            f"num_embeddings={n}, weight shape {tuple(weight.shape)}): padding_idx is a row "
            f"of the table, in [-{n}, {n})"
        )
    idx = np.asarray(input._data if isinstance(input, Tensor) else input)
    if idx.dtype != np.int64 and idx.dtype != np.int32:  # (as PyTorch: not uint8 or int8)
        raise DtypeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got torch.{torch_name(idx.dtype)}Tensor instead (while "
            "checking arguments for embedding) (embedding(): convert the indices first, e.g. "
            "input.long())"
        )
    if weight.ndim != 2:
        raise ShapeError(f"embedding(): weight must be 2-D, got shape {weight.shape}")
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)]
        raise IndexError(
            f"index out of range in self (embedding(): index {int(bad.flat[0])} for a table of "
            f"{n} rows, weight shape {tuple(weight.shape)}; indices must be in [0, {n}))"
        )
    if max_norm is not None:
        _renorm_rows(weight, idx, float(max_norm), float(norm_type))
    out = weight[idx]
    if scale_grad_by_freq and idx.size:
        counts = np.bincount(idx.reshape(-1), minlength=n)
        out = scaled_gradient(out, (1.0 / counts[idx])[..., None])
    if padding_idx is not None:
        pad = padding_idx + n if padding_idx < 0 else padding_idx
        hit = idx == pad
        if hit.any():  # the row's value, cut from the graph: no gradient reaches it
            out = where(hit[..., None], out.detach(), out)
    return labelled(out, "EmbeddingBackward0", weight)


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


def rms_norm(
    input: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    eps: float | None = None,
) -> Tensor:
    """Root-mean-square normalisation over the last ``len(normalized_shape)`` dimensions.

    y = x / sqrt(mean(x^2) + eps) * weight, the mean over the trailing dimensions of each
    sample (no centring, no bias: cheaper than ``layer_norm``, as in LLaMA-style models).
    ``eps`` None: the input dtype's machine epsilon (``torch.finfo(dtype).eps``), as PyTorch.

    Raises:
        NotImplementedError: for an input that is not floating point (PyTorch's type).
        RuntimeError: if the input's trailing dimensions, or the weight's shape, are not
            ``normalized_shape``, or it is empty.
    """
    x = _floating(input, "rms_norm", "rms_norm")
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(ns)
    if k == 0:
        raise RuntimeError(
            "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least "
            f"one element, but got normalized_shape = {list(ns)} (rms_norm())"
        )
    if x.ndim < k or x.shape[x.ndim - k :] != ns:
        raise RuntimeError(
            f"Given normalized_shape={list(ns)}, expected input with shape "
            f"[*{', '.join(map(str, ns))}], but got input of size{list(x.shape)} (rms_norm(): "
            "the input's last dimensions must be normalized_shape)"
        )
    if weight is not None and tuple(weight.shape) != ns:
        raise RuntimeError(
            "Expected weight to be of same shape as normalized_shape, but got weight of shape "
            f"{list(weight.shape)} and normalized_shape = {list(ns)} (rms_norm())"
        )
    e = float(np.finfo(x._data.dtype).eps) if eps is None else eps
    axes = tuple(range(x.ndim - k, x.ndim))
    out = x * ((x * x).mean(axes, keepdim=True) + e).rsqrt()
    return out if weight is None else out * weight


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each sample's channels in ``num_groups`` groups, then scale and shift.

    The C channels of (N, C, ...) input are split into ``num_groups`` groups of C/num_groups
    consecutive channels; y = (x - mean) / sqrt(var + eps) * weight + bias, mean and biased
    variance over each group's channels and positions, weight and bias per channel (C,).
    The same in training and eval. Computed by layer norm's op on the (N, G, -1) view.

    Raises:
        RuntimeError: for input with fewer than 2 dimensions, channels not divisible by
            ``num_groups``, or weight/bias not of C elements.
        ValueError: if a group holds a single value.
    """
    x = _float_input(input, "group_norm")
    if x.ndim < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {x.ndim} "
            "(group_norm(): input is (N, C, ...))"
        )
    n, c = x.shape[:2]
    if isinstance(num_groups, bool) or not isinstance(num_groups, int | np.integer):
        raise TypeError(f"group_norm(): num_groups must be an int, got {num_groups!r}")
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {_size(x.shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.shape != (c,):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {_size(t.shape)} and input of shape "
                f"{_size(x.shape)}"
            )
    per_group = c // num_groups * math.prod(x.shape[2:])
    if per_group == 1:
        raise ValueError(
            "Expected more than 1 value per channel when training, got input size "
            f"{[n * c // num_groups, num_groups, *x.shape[2:]]}"
        )
    op = fused.Normalize((2,), eps, (), ())
    out = apply(op, x.reshape(n, num_groups, per_group)).reshape(x.shape)
    return labelled(_affine(out, weight, bias, _channel_shape(x)), "NativeGroupNormBackward0")


# ---------------------------------------------------------------------------------------------
# Checks shared by the losses


def _as_input(input: Any, fn: str) -> Tensor:
    x = as_tensor(input)
    if x._data.dtype.kind != "f":
        raise TypeError(
            f"{fn}(): input must be floating point, got dtype {x.dtype} with shape {tuple(x.shape)}"
        )
    return x


def _integer_input(input: Any, target: Any, fn: str, kernel: str | None) -> Tensor:
    """The input of ``mse_loss``, ``smooth_l1_loss`` or ``l1_loss`` (``kernel`` None), as
    PyTorch computes them: in the promoted dtype of input and target. An integer or bool input
    with a floating-point target is converted to that float dtype (a float loss, whose gradient
    reaches the target); an integer promoted dtype is refused by the kernels of the first two,
    in PyTorch's words, and kept by ``l1_loss`` (``_integer_l1``)."""
    x = as_tensor(input)
    if x._data.dtype.kind == "f":
        return x
    y = target if isinstance(target, Tensor) else from_data(np.asarray(target))
    if y._data.dtype.kind not in "biuf":
        raise TypeError(f"{fn}(): target must be numeric, got dtype {y.dtype}")
    dt = _promote(x._data.dtype, y._data.dtype)
    if dt.kind == "f" and (kernel is not None or x._data.dtype.kind != "b"):
        return x.astype(dt)  # (l1_loss subtracts first: a bool input is refused there)
    if kernel is not None:
        raise not_implemented_for(
            kernel,
            dt,
            f"{fn}() of an input of dtype {x._data.dtype} and a target of dtype "
            f"{y._data.dtype}: convert them first, e.g. input.float() and target.float()",
        )
    return x


def _integer_l1(x: Tensor, target: Any, reduction: str, weight: Any) -> Tensor:
    """l1_loss of integer input and target, as PyTorch's: |input - target| in their promoted
    dtype (wrapping around as it does: uint8 0 - 3 is 253), a sum in int64, and no mean."""
    y = target if isinstance(target, Tensor) else from_data(np.asarray(target))
    if y._data.shape != x._data.shape:
        raise _target_mismatch("l1_loss", x, y)
    loss = (x - y).abs()  # (a bool operand: PyTorch's refusal of bool subtraction)
    if weight is not None:
        return _weighted_reduce(loss, weight, reduction, "l1_loss")
    if reduction == "mean":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {torch_name(loss._data.dtype)} (l1_loss() of integer input "
            f"and target ({x._data.dtype}, {y._data.dtype}) with reduction='mean': convert the "
            "input first, e.g. input.float(), or use reduction='sum')"
        )
    return loss.sum() if reduction == "sum" else loss


def _same_shape_target(x: Tensor, target: Any, fn: str) -> Tensor:
    """A target matching the input elementwise: same shape, cast to the input's dtype."""
    y = target if isinstance(target, Tensor) else from_data(np.asarray(target))
    if y._data.shape != x._data.shape:  # (the arrays: this runs on every training step)
        raise _target_mismatch(fn, x, y)
    if y._data.dtype.kind not in "biuf":
        raise TypeError(f"{fn}(): target must be numeric, got dtype {y.dtype}")
    return y if y._data.dtype == x._data.dtype else y.astype(x._data.dtype)


def _check_float_target(x: Tensor, target: Any, fn: str) -> None:
    """PyTorch's refusal of an integer or bool target tensor (or array) where the loss wants
    the input's float dtype, and binary_cross_entropy's of a float target tensor of another
    dtype, in the words of the kernel that refuses it; Python numbers, lists and float arrays
    are read in the input's dtype."""
    t = target._data if isinstance(target, Tensor) else target
    if (  # (a float array, as a list, is read in the input's dtype: NumPy's default is float64)
        fn == "binary_cross_entropy"
        and isinstance(target, Tensor)
        and t.dtype.kind == "f"
        and t.dtype != x._data.dtype
    ):
        raise RuntimeError(
            f"Found dtype {torch_name(t.dtype)} but expected {torch_name(x._data.dtype)} "
            f"({fn}() of a {t.dtype} target for a {x._data.dtype} input: convert it first, "
            "e.g. target.to(input.dtype))"
        )
    if not isinstance(t, np.ndarray) or t.dtype.kind not in "biu":
        return
    kind = "bool" if t.dtype.kind == "b" else "integer"
    fix = f"{fn}() of {'a' if kind == 'bool' else 'an'} {kind} target ({t.dtype}): "
    fix += "convert it first, e.g. target.to(input.dtype)"
    if fn == "binary_cross_entropy":
        raise RuntimeError(
            f"Found dtype {torch_name(t.dtype)} but expected {torch_name(x._data.dtype)} ({fix})"
        )
    if t.dtype.kind == "b":  # (PyTorch's kernels compute input - target, or 1 - target)
        first = target if fn == "binary_cross_entropy_with_logits" else x
        raise RuntimeError(f"{_subtraction_refusal(first, target)} ({fix})")
    if fn == "binary_cross_entropy_with_logits":
        how = f"the target is {t.dtype}; convert it first, e.g. target.to(input.dtype)"
        raise _cast_refusal(x._data.dtype, t.dtype, fn, how)


def _weight(weight: Any, x: Tensor) -> Tensor:
    """An elementwise weight as a Tensor of the input's dtype (broadcast by the product)."""
    w = weight if isinstance(weight, Tensor) else from_data(np.asarray(weight))
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
    x = _as_input(_integer_input(input, target, "mse_loss", "mse_cpu"), "mse_loss")
    y = _same_shape_target(x, target, "mse_loss")
    # the reduction after the shapes, as PyTorch's (it broadcasts, then reads the name)
    reduction = _reduction(size_average, reduce, reduction, "mse_loss")
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
    x = _integer_input(input, target, "l1_loss", None)
    if x._data.dtype.kind != "f":
        return _integer_l1(x, target, reduction, weight)
    _check_float_target(x, target, "l1_loss")
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
        raise ArgumentError(f"{fn}(): smooth_l1_loss does not support negative values for beta.")
    x = _as_input(_integer_input(input, target, fn, "smooth_l1_cpu"), fn)
    y = _same_shape_target(x, target, fn)
    d = x - y
    if beta == 0:
        return _reduce(d.abs(), reduction)
    small = np.abs(d._data) < beta
    loss = _reduce(where(small, d * d * (0.5 / beta), d.abs() - 0.5 * beta), reduction)
    return labelled(loss, "SmoothL1LossBackward0", x, y)


def huber_loss(
    input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0, weight: Any = None
) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), with d = input - target.

    Equals ``delta * smooth_l1_loss(beta=delta)``. Raises ValueError for delta <= 0.
    """
    fn = "huber_loss"
    reduction = _reduction(None, None, reduction, fn)
    if delta <= 0:
        raise ArgumentError(f"{fn}(): huber_loss does not support non-positive values for delta.")
    x = _as_input(input, fn)
    y = _same_shape_target(x, target, fn)
    d = x - y
    small = np.abs(d._data) < delta
    loss = where(small, d * d * 0.5, (d.abs() - 0.5 * delta) * delta)
    if weight is None:  # (PyTorch's weighted huber_loss is composed too: MeanBackward0)
        return labelled(_reduce(loss, reduction), "HuberLossBackward0", x, y)
    return _weighted_reduce(loss, weight, reduction, fn, mean_by_weights=False)


# ---------------------------------------------------------------------------------------------
# Binary classification


def binary_cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) on probabilities p, with each log clamped at -100.

    The gradient is PyTorch's: (p - y) / max(p (1 - p), 1e-12) for p, log(1 - p) - log p
    for a target that requires grad.

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
    _check_float_target(p, target, fn)
    y = _same_shape_target(p, target, fn)
    if not ((p._data >= 0) & (p._data <= 1)).all():
        raise ArgumentError(
            f"{fn}(): all elements of input (shape {tuple(p.shape)}, dtype {p.dtype}) "
            "must be probabilities in [0, 1]; use binary_cross_entropy_with_logits "
            "for logits"
        )
    if not ((y._data >= 0) & (y._data <= 1)).all():
        raise ArgumentError(
            f"{fn}(): all elements of target should be between 0 and 1 (target shape "
            f"{tuple(y.shape)}, dtype {y.dtype}): a target is a probability, "
            "e.g. 0 or 1 for a binary label"
        )
    loss = apply(fused.BinaryCrossEntropy(), p, y)
    if weight is not None:
        loss = loss * _weight(weight, p)
    return labelled(_reduce(loss, reduction), "BinaryCrossEntropyBackward0", p, y)


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
    _check_float_target(x, target, fn)
    # A float target of another dtype: PyTorch's kernel writes the loss into a tensor made
    # from the target, so the loss has the target's dtype (the gradient, the input's).
    # (A float array, as a list, is read in the input's dtype.)
    out_dtype = None
    if isinstance(target, Tensor) and target.is_floating_point() and target.dtype != x.dtype:
        out_dtype = target._data.dtype
        x = x.to(np.promote_types(out_dtype, x._data.dtype))
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
    loss = _reduce(loss, reduction)
    if out_dtype is not None:
        loss = loss.to(out_dtype)
    return labelled(loss, "BinaryCrossEntropyWithLogitsBackward0", x, y)


# ---------------------------------------------------------------------------------------------
# Multi-class classification


def _np_dtype(y: np.ndarray | Tensor) -> np.dtype:
    """The NumPy dtype of an array or a tensor's data."""
    return y._data.dtype if isinstance(y, Tensor) else y.dtype


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
        if y.dtype not in _LABEL_DTYPES:
            npd = np.asarray(y).dtype
            raise DtypeError(
                f"{fn}(): expected target dtype to be Long or Byte, but got "
                f"{torch_name(npd)} (class indices of dtype {npd}); use target.long() "
                "(or an int64 array) for class indices"
            )
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
            torchs = f"expected target dtype to be Long or Byte, but got {torch_name(_np_dtype(y))}"
            if y.shape == index_shape:
                raise DtypeError(
                    f"{torchs} ({fn}(): target has dtype {y.dtype} and shape {tuple(y.shape)}: "
                    "class-index targets must be integers (int64, e.g. y.astype(np.int64)); a "
                    "float target must be class probabilities of the input's shape "
                    f"{tuple(x.shape)} (input dtype {x.dtype}))"
                )
            raise ShapeError(
                f"{torchs} ({fn}(): float target of shape {tuple(y.shape)} (dtype {y.dtype}) "
                f"must be class probabilities of the input's shape {tuple(x.shape)} (dtype "
                f"{x.dtype}))"
            )
        return y if y.dtype == x.dtype else y.astype(x.dtype)
    raise DtypeError(
        f"expected target dtype to be Long or Byte, but got {torch_name(_np_dtype(y))} ({fn}(): "
        f"target must be int class indices or float probabilities, got dtype {y.dtype} with "
        f"shape {tuple(y.shape)} (input shape {tuple(x.shape)}))"
    )


def _plain_labels(x: Tensor, target: Any, ignore_index: int) -> np.ndarray | None:
    """The labels, when ``target`` holds the common case for (N, C) scores ``x``: an int array
    (or tensor) of N class indices, each in [0, C) and none ``ignore_index``, which is what
    ``_class_target`` would return without error; else None (and ``_class_target`` decides).

    cross_entropy computes this case as one op: it is checked first, in one reduction.
    """
    y: np.ndarray = target._data if isinstance(target, Tensor) else target
    shape = x._data.shape
    if type(y) is not np.ndarray or y.dtype not in _LABEL_DTYPES or y.shape != shape[:1]:
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


def _weight_shape_error(
    shape: tuple[int, ...], n_classes: int, fn: str, who: str = ""
) -> Exception:
    """PyTorch's error for class weights not of shape (C,) (``who``: its prefix, if any)."""
    return ShapeError(
        f"{who}weight tensor should be defined either for all {n_classes} classes or no classes "
        f"but got weight tensor of shape: {list(shape)} ({fn}(): weight must have shape "
        f"({n_classes},), one per class)"
    )


def _class_weight(weight: Any, n_classes: int, fn: str, dtype: Any) -> np.ndarray:
    w = np.asarray(weight._data if isinstance(weight, Tensor) else weight, dtype=dtype)
    if w.shape != (n_classes,):
        raise _weight_shape_error(w.shape, n_classes, fn)
    return w


def _args_words(fn: str, x: Tensor, y: np.ndarray) -> str:
    """The shapes and dtypes of a classification loss's input and target, for its errors (built
    only on error: the checks run on every training step)."""
    return (
        f"{fn}(): target of shape {tuple(y.shape)} (dtype {y.dtype}), input of shape "
        f"{tuple(x._data.shape)} (dtype {x.dtype})"
    )


def _check_class_args(
    x: Tensor,
    target: Any,
    weight: Any,
    fn: str,
    ignore_index: int,
    label_smoothing: float | None = None,
) -> None:
    """The checks PyTorch makes of a classification loss's arguments before it reads the
    target's values, in its order, so the first argument PyTorch refuses is the one named.

    From shapes and dtypes only (no pass over the data). ``label_smoothing`` is None for
    nll_loss. A target of the input's shape is class probabilities (cross_entropy); else, as
    PyTorch: the label smoothing, the input's rank, the batch size, the target's rank; then
    ``_class_target`` checks the target's dtype and shape, and the weight is checked here
    between them and the range of the target (whose values are read last).
    """
    y = target._data if isinstance(target, Tensor) else np.asarray(target)
    xs, ys = x._data.shape, y.shape
    if label_smoothing is not None and ys == xs:
        if y.dtype.kind != "f":
            raise DtypeError(
                "Expected floating point type for target with class probabilities, got "
                f"{torch_name(y.dtype)} ({_args_words(fn, x, y)}: a target of the input's "
                "shape is class probabilities; class indices have the input's shape without "
                "the class dim)"
            )
        if ignore_index >= 0:
            raise ArgumentError(
                "ignore_index is not supported for floating point target "
                f"({_args_words(fn, x, y)}: leave ignore_index at its default -100 for class "
                f"probabilities, got {ignore_index})"
            )
        if not xs:
            raise IndexError(
                "Dimension specified as 1 but tensor has no dimensions "
                f"({_args_words(fn, x, y)}: the input must have a class dimension)"
            )
        n_classes = xs[0 if len(xs) == 1 else 1]
        if weight is not None:
            w_shape = np.shape(weight._data if isinstance(weight, Tensor) else weight)
            if w_shape != (n_classes,):
                raise _weight_shape_error(w_shape, n_classes, fn, "cross_entropy: ")
        _check_label_smoothing(label_smoothing, fn)
        return
    if label_smoothing is not None and label_smoothing > 0.0:
        _check_label_smoothing(label_smoothing, fn)
    if not xs:
        if label_smoothing is not None:  # PyTorch's log_softmax over dim 1 comes first
            raise IndexError(
                "Dimension out of range (expected to be in range of [-1, 0], but got 1) "
                f"({_args_words(fn, x, y)}: the input must have a class dimension)"
            )
        raise ValueError(
            "Expected 1 or more dimensions (got 0) "
            f"({_args_words(fn, x, y)}: the input must have a class dimension)"
        )
    index_shape = xs[:1] + xs[2:] if len(xs) > 1 else ()
    if len(xs) > 1 and (ys[0] if ys else 0) != xs[0]:  # (a 0-d target: a batch of 0)
        raise ValueError(
            f"Expected input batch_size ({xs[0]}) to match target batch_size "
            f"({ys[0] if ys else 0}). ({_args_words(fn, x, y)}: class indices of shape "
            f"{index_shape} expected)"
        )
    if len(xs) <= 2 and len(ys) > 1:
        raise ShapeError(
            "0D or 1D target tensor expected, multi-target not supported "
            f"({_args_words(fn, x, y)}: class indices of shape {index_shape} expected)"
        )
    if (len(xs) == 3 or len(xs) > 4) and ys != index_shape:
        raise ShapeError(
            f"Expected target size {list(index_shape)}, got {list(ys)} "
            f"({_args_words(fn, x, y)}: class indices of shape {index_shape} expected)"
        )
    if y.dtype not in _LABEL_DTYPES:
        return  # (``_class_target`` refuses the dtype, before the rest, as PyTorch)
    if len(xs) == 2 and not ys:
        raise IndexError(
            "Dimension specified as 0 but tensor has no dimensions "
            f"({_args_words(fn, x, y)}: class indices of shape {index_shape} expected)"
        )
    n_classes = xs[0 if len(xs) == 1 else 1]
    if weight is not None and ys == index_shape:
        w_shape = np.shape(weight._data if isinstance(weight, Tensor) else weight)
        if w_shape != (n_classes,):
            raise _weight_shape_error(w_shape, n_classes, fn)


def _check_label_smoothing(label_smoothing: float, fn: str) -> None:
    if not 0.0 <= label_smoothing <= 1.0:
        raise ArgumentError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing} ({fn}(): "
            f"label_smoothing must be in [0, 1], got {label_smoothing})"
        )


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
    _check_class_args(x, target, weight, fn, ignore_index)
    y = _class_target(x, target, fn, ignore_index)
    if not isinstance(y, np.ndarray) or y.dtype.kind not in "iu":
        raise DtypeError(
            "expected target dtype to be Long or Byte, but got "
            f"{torch_name(_np_dtype(y))} ({fn}(): target must be int class indices, got dtype "
            f"{y.dtype} with shape "
            f"{tuple(y.shape)} (input shape {tuple(x.shape)}))"
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
    x = _as_input(input, fn)
    if weight is None and not label_smoothing:
        labels = _plain_labels(x, target, ignore_index)
        if labels is not None:  # softmax - onehot in one op
            return apply(fused.CrossEntropyLoss(labels, reduction), x)
    _check_class_args(x, target, weight, fn, ignore_index, label_smoothing)
    y = _class_target(x, target, fn, ignore_index)
    if label_smoothing < 0.0:  # (PyTorch computes as without smoothing here: refused)
        _check_label_smoothing(label_smoothing, fn)
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
                raise ArgumentError(
                    f"{fn}(): padding='same' is not supported for strided convolutions"
                )
            # An even span pads one more after than before, as PyTorch does.
            total = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in total)
        raise ArgumentError(
            f"{fn}(): Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}"
        )
    pad = _tuple(padding, nd, fn, "padding")
    if any(p < 0 for p in pad):
        raise RuntimeError(f"{fn}(): negative padding is not supported, got padding={padding!r}")
    return tuple((p, p) for p in pad)


def _integer_conv(x: Tensor, kernel: str, only: tuple[str, ...], fn: str) -> None:
    """PyTorch's CPU convolutions compute integer input in its own dtype (wrapping around, as
    NumPy's integer products do); ``only`` limits that to some dtypes (the transposed ones:
    int64); other dtypes and bool are refused in the words of PyTorch's ``kernel``."""
    kind = x._data.dtype.kind
    if kind == "f" or (kind in "iu" and (not only or x._data.dtype.name in only)):
        return
    raise not_implemented_for(
        kernel, x._data.dtype, f"{fn}(): convert the input first, e.g. x.float()"
    )


def _conv_kernel(
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    pads: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
) -> tuple[str, tuple[str, ...]]:
    """The CPU kernel PyTorch runs a convolution with (named in its refusals) and the integer
    dtypes it takes (``()``: all): a dilated one int64 only; a 1-d one is its 2-d kernel's;
    a 3-d one unfolds the input into columns unless the kernel is 1x1x1 without stride or
    padding."""
    if any(d != 1 for d in dilation):
        return "slow_conv_dilated<>", ("int64",)
    if len(kernel) < 3:
        return "slow_conv2d_cpu", ()
    plain = all(k == 1 for k in kernel) and all(s == 1 for s in stride)
    return ("slow_conv3d_cpu" if plain and not any(map(any, pads)) else "compute_columns3d"), ()


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
    x, unbatched = _spatial_input(input, nd, fn, integers=True)
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
    _integer_conv(x, *_conv_kernel(kernel, st, pads, dil), fn)
    params = _conv_ops.ConvParams(kernel, st, pads, dil, groups)
    if bias is None:
        _check_conv_dtypes(x._data, w._data, None)
        out = apply(_conv_ops.Conv(params), x, w)
    else:
        b = as_tensor(bias)
        if b.shape != (w.shape[0],):
            raise RuntimeError(
                f"Given weight of size {_size(w.shape)}, expected bias to be 1-dimensional "
                f"with {w.shape[0]} elements, but got bias of size {_size(b.shape)} instead "
                f"({fn}(): one bias per output channel)"
            )
        _check_conv_dtypes(x._data, w._data, b._data)
        out = apply(_conv_ops.Conv(params), x, w, b)
    if not unbatched:
        return out
    labelled(x, "UnsqueezeBackward0")  # (PyTorch's nodes for the batch of one it makes)
    return labelled(out.reshape(out.shape[1:]), "SqueezeBackward1", out)


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


def conv3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """3-D convolution (cross-correlation) of (N, C, D, H, W) or (C, D, H, W) input with weight
    (out_channels, C / groups, kD, kH, kW); the same op and arguments as ``conv2d``, each an
    int or a triple."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose(
    fn: str,
    nd: int,
    input: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    output_padding: Any,
    groups: int,
    dilation: Any,
) -> Tensor:
    """The transposed convolution: the input's gradient of ``conv`` (``conv_ops.ConvInput``).

    x (N, C_in, *S) plays the convolution's output gradient and w (C_in, C_out/groups, *k) its
    weight, so the result is the convolution's input, (N, C_out, *S_out) with
    S_out = (S - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1.
    ``output_padding`` cells past ``padding`` on the far side are zeros: those are appended
    by ``Pad``, and the rest of it shortens the convolution's right padding, so that the
    convolution of the result's shape has exactly S outputs (what ``ConvInput``'s backward
    needs).
    """
    x, unbatched = _spatial_input(input, nd, fn, integers=True)
    _integer_conv(x, f"slow_conv_transpose{max(nd, 2)}d_out_cpu", ("int64",), fn)
    w = as_tensor(weight)
    if w.ndim != nd + 2:
        raise RuntimeError(
            f"{fn}(): weight must be {nd + 2}-dimensional (in_channels, out_channels / groups, "
            f"*kernel_size), got weight of size {_size(w.shape)}"
        )
    kernel = w.shape[2:]
    st = _tuple(stride, nd, fn, "stride")
    pad = _tuple(padding, nd, fn, "padding")
    out_pad = _tuple(output_padding, nd, fn, "output_padding")
    dil = _tuple(dilation, nd, fn, "dilation")
    hw = ("depth", "height", "width")[3 - nd :]
    if any(s <= 0 for s in st):
        raise RuntimeError(f"non-positive stride is not supported ({fn}(): got stride={stride!r})")
    if any(d <= 0 for d in dil):
        shown = ", ".join(f"dilation_{n}: {d}" for n, d in zip(hw, dil))
        raise RuntimeError(f"dilation should be greater than zero, but got {shown} ({fn}())")
    if any(p < 0 for p in pad):
        raise RuntimeError(f"negative padding is not supported ({fn}(): got padding={padding!r})")
    if any(p < 0 for p in out_pad):
        raise RuntimeError(
            f"negative output_padding is not supported ({fn}(): got "
            f"output_padding={output_padding!r})"
        )
    if not isinstance(groups, int) or isinstance(groups, bool) or groups <= 0:
        raise RuntimeError(f"non-positive groups is not supported ({fn}(): got groups={groups!r})")
    if any(p >= s and p >= d for p, s, d in zip(out_pad, st, dil)):
        shown = " ".join(
            f"{what}_{n}: {v}"
            for what, vals in (("output_padding", out_pad), ("stride", st), ("dilation", dil))
            for n, v in zip(hw, vals)
        )
        raise RuntimeError(
            f"output padding must be smaller than either stride or dilation, but got {shown} "
            f"({fn}())"
        )
    if w.shape[0] < groups or w.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at "
            f"dimension 0, but got weight of size [{_size(w.shape)}] instead ({fn}(): "
            "in_channels must be a multiple of groups)"
        )
    if x.shape[1] != w.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {_size(w.shape)}, expected input"
            f"{_size(x.shape)} to have {w.shape[0]} channels, but got {x.shape[1]} channels "
            f"instead ({fn}(): dim 1 of the input holds its channels, dim 0 of the weight)"
        )
    c_out = w.shape[1] * groups
    size = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + o + 1
        for n, s, p, d, k, o in zip(x.shape[2:], st, pad, dil, kernel, out_pad)
    )
    if any(n < 1 for n in size):
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, x.shape[2:]))}). Calculated "
            f"output size per channel: ({' x '.join(map(str, size))}). Output size is too small "
            f"({fn}(): less padding, a larger kernel or a larger input)"
        )
    b = None
    if bias is not None:
        b = as_tensor(bias)
        if b.shape != (c_out,):
            raise RuntimeError(
                f"Given transposed=1, weight of size {_size(w.shape)}, expected bias to be "
                f"1-dimensional with {c_out} elements, but got bias of size {_size(b.shape)} "
                f"instead ({fn}())"
            )
    _check_conv_dtypes(x._data, w._data, None if b is None else b._data)
    extra = tuple(max(o - p, 0) for o, p in zip(out_pad, pad))
    params = _conv_ops.ConvParams(
        kernel, st, tuple((p, max(p - o, 0)) for p, o in zip(pad, out_pad)), dil, groups
    )
    shape = (x.shape[0], c_out, *(n - e for n, e in zip(size, extra)))
    out = apply(_conv_ops.ConvInput(params, shape), x, w)
    if any(extra):
        tail = ((0, 0), (0, 0), *((0, e) for e in extra))
        out = apply(_conv_ops.Pad(tail, 0.0), out)
    if b is not None:
        out = out + b.reshape(c_out, *(1,) * nd)
    return out.reshape(out.shape[1:]) if unbatched else out


def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """1-D transposed convolution of (N, C_in, L) or (C_in, L) input; see
    ``conv_transpose2d``."""
    return _conv_transpose(
        "conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
        dilation,
    )  # fmt: skip


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """2-D transposed convolution ("deconvolution"): the gradient of ``conv2d`` in its input.

    Each input value scatters a copy of its kernel, scaled, into the output; with ``stride``
    the copies land ``stride`` cells apart, so the output grows:
    H_out = (H - 1) stride - 2 padding + dilation (kH - 1) + output_padding + 1.
    Computed by the op that is conv2d's input gradient, so it is differentiable to any order.

    Args:
        input: (N, C_in, H, W), or (C_in, H, W) without a batch.
        weight: (C_in, C_out / groups, kH, kW) (in_channels first, unlike conv2d).
        bias: optional (C_out,).
        stride: an int or a (sH, sW) pair.
        padding: ``dilation (k - 1) - padding`` zeros around the input (an int or a pair):
            the output is cropped by ``padding`` on each side.
        output_padding: extra cells on the bottom and right of the output (smaller than
            stride or dilation): picks one of the sizes a strided conv2d maps back to H.
        groups: split the channels into this many independent groups.
        dilation: spacing between kernel elements.

    Raises:
        RuntimeError: on a wrong number of channels, groups that do not divide them, an
            output_padding not smaller than stride or dilation, an empty output, or bad
            stride/padding/dilation, in PyTorch's words.
    """
    return _conv_transpose(
        "conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
        dilation,
    )  # fmt: skip


def conv_transpose3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """3-D transposed convolution of (N, C_in, D, H, W) or (C_in, D, H, W) input with weight
    (C_in, C_out / groups, kD, kH, kW): the gradient of ``conv3d`` in its input; see
    ``conv_transpose2d``."""
    return _conv_transpose(
        "conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups,
        dilation,
    )  # fmt: skip


_INTERPOLATE_MODES = (
    "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
)
# The linear modes, each with the one input rank it takes (PyTorch's pairing).
_LINEAR_RANK = {"linear": 3, "bilinear": 4, "trilinear": 5}


def _source_scale(n: int, m: int, scale: float | None, dtype: np.dtype) -> Any:
    """Output-to-input step along an axis of n -> m cells, as PyTorch's kernels take it in the
    input's precision: 1 / scale_factor when one was given, else n / m."""
    if scale is not None and scale > 0:
        return dtype.type(1.0 / scale)
    return dtype.type(n) / dtype.type(m)


def _nearest_index(n: int, m: int, scale: float | None, exact: bool) -> np.ndarray:
    """Which input cell each of the m output cells copies ("nearest": floor(j * step);
    "nearest-exact": floor((j + 0.5) * step)), in float32 as PyTorch computes it."""
    j = np.arange(m)
    if not exact and m == n:
        return j
    if not exact and m == 2 * n:
        return j >> 1
    step = _source_scale(n, m, scale, np.dtype(np.float32))
    at = (j.astype(np.float32) + np.float32(0.5)) * step if exact else j.astype(np.float32) * step
    return np.minimum(np.floor(at).astype(np.int64), n - 1)


def _linear_matrix(
    n: int, m: int, scale: float | None, align_corners: bool, dtype: np.dtype
) -> np.ndarray:
    """(m, n): row j mixes the two input cells around output cell j's source position,
    weights (1 - lambda, lambda), as PyTorch's linear kernels place and clamp it."""
    j = np.arange(m).astype(dtype)
    if align_corners:
        step = dtype.type(n - 1) / dtype.type(m - 1) if m > 1 else dtype.type(0)
        at = j * step
    else:
        step = _source_scale(n, m, scale, dtype)
        at = np.maximum(step * (j + dtype.type(0.5)) - dtype.type(0.5), dtype.type(0))
    i0 = np.minimum(np.floor(at).astype(np.int64), n - 1)
    lam = np.clip(at - i0.astype(dtype), 0, 1).astype(dtype)
    i1 = np.where(i0 < n - 1, i0 + 1, i0)
    mat = np.zeros((m, n), dtype=dtype)
    rows = np.arange(m)
    np.add.at(mat, (rows, i0), 1 - lam)
    np.add.at(mat, (rows, i1), lam)
    return mat


def interpolate(
    input: Tensor,
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial dimensions of (N, C, *S) input (1 to 3 of them), as PyTorch does.

    Give the output's ``size`` or a ``scale_factor`` (S_out = floor(S * scale_factor)).
    "nearest" copies input cell floor(j * step) (step = 1 / scale_factor, or S / S_out),
    "nearest-exact" cell floor((j + 0.5) * step); "linear"/"bilinear"/"trilinear" (3-D, 4-D,
    5-D input) mix the two cells around each output cell's source position, per axis
    (``align_corners``: the corner cells of input and output line up); "area" averages the
    cells each output cell covers (adaptive average pooling). Gathers and constant matrix
    products: differentiable to any order, with the same values as PyTorch. Floating-point
    input; uint8 images too in the nearest modes (copies), as PyTorch's.

    Raises:
        TypeError: for input that is not floating point (but uint8 in a nearest mode).
        ValueError: for both or neither of size and scale_factor, a size or scale_factor of
            the wrong length, align_corners with a mode that is not linear.
        NotImplementedError: for a mode minigrad does not have ("bicubic", "lanczos",
            antialias=True), or an input rank the mode does not take, in PyTorch's words.
        RuntimeError: for an empty output.
    """
    x = as_tensor(input)
    if x.ndim not in (3, 4, 5):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {x.ndim}D) for the "
            f"modes: {_INTERPOLATE_MODES} (got {mode})"
        )
    if x.dtype.kind != "f" and not (x._data.dtype == np.uint8 and mode.startswith("nearest")):
        # (PyTorch's nearest modes copy uint8 images, its only integer dtype there)
        raise TypeError(f"interpolate(): input must be floating point, got dtype {x.dtype}")
    nd = x.ndim - 2
    spatial = list(x.shape[2:])
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: "
            "linear | bilinear | bicubic | trilinear"
        )
    scales: list[float | None] = [None] * nd
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, tuple | list):
            if len(size) != nd:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {spatial} and output size of {size}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output "
                    "size in (o1, o2, ...,oK) format."
                )
            sizes = list(size)
        else:
            sizes = [size] * nd
        if not all(isinstance(s, int | np.integer) and not isinstance(s, bool) for s in sizes):
            raise TypeError(
                "expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                f"Tuple[int, int, int], but got size with types {[type(s) for s in sizes]}"
            )
        out = [int(s) for s in sizes]
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    elif scale_factor is not None:
        if isinstance(scale_factor, tuple | list):
            if len(scale_factor) != nd:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, "
                    f"but got input with spatial dimensions of {spatial} and scale_factor of "
                    f"shape {scale_factor}. Please provide input tensor in (N, C, d1, d2, "
                    "...,dK) format and scale_factor in (s1, s2, ...,sK) format."
                )
            factors = [float(s) for s in scale_factor]
        else:
            factors = [float(scale_factor)] * nd
        out = [math.floor(n * f) for n, f in zip(spatial, factors)]
        # Unless asked to recompute it (always for "area"), the kernels step by 1 / factor.
        if not (recompute_scale_factor or mode == "area"):
            scales = list(factors)
    else:
        raise ValueError("either size or scale_factor should be defined")
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and x.ndim == 4):
        raise ValueError(
            "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and "
            "requires a 4-D tensor as input"
        )
    if mode in _LINEAR_RANK and x.ndim != _LINEAR_RANK[mode]:
        raise NotImplementedError(
            f"Got {x.ndim}D input, but {mode} mode needs {_LINEAR_RANK[mode]}D input"
        )
    known = ("nearest", "nearest-exact", "area", *_LINEAR_RANK)
    if mode not in known or antialias:
        what = f"mode {mode!r}" if mode not in known else "antialias=True"
        if mode not in ("bicubic", "lanczos") and mode not in known:
            raise NotImplementedError(
                f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {x.ndim}D) for "
                f"the modes: {_INTERPOLATE_MODES} (got {mode})"
            )
        raise NotImplementedError(
            f"interpolate(): minigrad does not have {what}; use mode 'nearest', "
            "'nearest-exact', 'area' or 'linear'/'bilinear'/'trilinear' without antialias"
        )
    if any(m <= 0 for m in out):
        names = ("D", "H", "W")[3 - nd :]
        raise RuntimeError(
            "Input and output sizes should be greater than 0, but got input ("
            + ", ".join(f"{a}: {n}" for a, n in zip(names, spatial))
            + ") output ("
            + ", ".join(f"{a}: {m}" for a, m in zip(names, out))
            + ")"
        )
    dtype = x._data.dtype
    y = x
    for i, (n, m, scale) in enumerate(zip(spatial, out, scales)):
        axis = 2 + i
        if mode in ("nearest", "nearest-exact"):
            index = _nearest_index(n, m, scale, mode == "nearest-exact")
            if m != n or (index != np.arange(n)).any():
                y = y[(slice(None),) * axis + (index,)]
        elif mode == "area":
            if m != n:
                y = _along(y, axis, _adaptive_matrix(n, m, dtype))
        else:
            y = _along(y, axis, _linear_matrix(n, m, scale, bool(align_corners), dtype))
    return y * 1.0 if y is x else y  # a new tensor, as PyTorch returns


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dimensions, as ``torch.nn.functional.pad``.

    ``pad`` lists (before, after) for the last dimension first: ``(left, right, top,
    bottom, ...)``. A negative amount crops that side, in every mode, as PyTorch does
    (circular padding then wraps what is left). "reflect" mirrors without repeating the
    edge, "replicate" repeats the edge, "circular" wraps around; these pad the last 1, 2 or
    3 dimensions of a tensor with one or two more (a batch and channels, or channels only).

    Args:
        input: the tensor.
        pad: an even-length sequence of ints.
        mode: "constant", "reflect", "replicate" or "circular".
        value: the fill value of constant padding (default 0).

    Raises:
        RuntimeError: for an odd-length ``pad``, more pairs than dimensions, a reflection as
            long as its dimension or a wrap around more than once, in PyTorch's words.
        NotImplementedError: for an unknown mode, or a ``pad`` length the non-constant modes
            do not take for this input's rank.
    """
    x = as_tensor(input)
    if mode not in _PAD_MODES:
        raise NotImplementedError(
            f"Unrecognised padding mode {mode} (pad(): mode {mode!r} is not supported; use one "
            f"of {_PAD_MODES})"
        )
    if not isinstance(pad, tuple | list) or not all(
        isinstance(p, int | np.integer) and not isinstance(p, bool) for p in pad
    ):
        raise TypeError(f"pad(): argument 'pad' must be a tuple of ints, got {pad!r}")
    if len(pad) % 2:
        raise RuntimeError(f"Padding length must be divisible by 2 (pad(): got {pad!r})")
    if len(pad) // 2 > x.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {x.ndim}"
        )
    if mode != "constant" and value:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if mode != "constant" and not (1 <= len(pad) // 2 <= 3 and x.ndim - len(pad) // 2 in (1, 2)):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {x.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    if mode in ("reflect", "replicate") and x._data.dtype.kind == "b":
        kernel = f"{'reflection' if mode == 'reflect' else 'replication'}_pad{len(pad) // 2}d"
        raise _kernel_refusal(
            kernel, x._data.dtype, "pad", f"convert it first, e.g. F.pad(x.int(), pad, {mode!r})"
        )
    pairs = [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(len(pad) // 2)]
    widths = [(0, 0)] * (x.ndim - len(pairs)) + pairs[::-1]  # first axis first
    for axis, ((a, b), n) in enumerate(zip(widths, x.shape)):
        if n + a + b < 0 or (mode in ("reflect", "replicate") and (a or b) and n + a + b == 0):
            raise RuntimeError(
                f"pad(): padding ({a}, {b}) at dimension {axis} of input {_size(x.shape)} "
                f"leaves {n + a + b} cells: the input is too small for it"
            )
    if mode in ("constant", "circular"):
        # Cropped first: constant and circular padding start from what is left.
        crop = tuple(
            slice(-a if a < 0 else 0, n + b if b < 0 else n) for (a, b), n in zip(widths, x.shape)
        )
        if any(a < 0 or b < 0 for a, b in widths):
            x = x[crop]
        widths = [(max(a, 0), max(b, 0)) for a, b in widths]
    if mode == "constant":
        return apply(_conv_ops.Pad(tuple(widths), 0.0 if value is None else float(value)), x)
    for axis, (a, b) in enumerate(widths):
        if not (a or b):
            continue
        n = x.shape[axis]
        if mode == "reflect" and (a >= n or b >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({a}, {b}) at dimension {axis} of input "
                f"{_size(x.shape)}"
            )
        if mode == "circular" and (a > n or b > n):
            raise RuntimeError(
                f"Padding value causes wrapping around more than once. (pad(): padding "
                f"({a}, {b}) at dimension {axis} of input {_size(x.shape)})"
            )
        # Reflect and replicate index the whole input (a negative amount drops cells from
        # the end of the range), as PyTorch's kernels do.
        at = np.arange(-a, n + b)
        if mode == "reflect":
            index = np.where(at < 0, -at, np.where(at > n - 1, 2 * (n - 1) - at, at))
        elif mode == "replicate":
            index = np.clip(at, 0, n - 1)
        else:
            index = at % n
        x = x[(slice(None),) * axis + (index,)]
    return x


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p).

    Only while ``training`` (the input is returned unchanged otherwise). The mask is drawn
    from minigrad's default generator, so ``minigrad.manual_seed`` makes it repeat.

    Args:
        input: the tensor.
        p: probability of zeroing an element, in [0, 1].
        training: apply dropout (True) or return the input (False).
        inplace: zero and scale ``input`` itself and return it (under ``Tensor.relu_``'s
            rules: not a leaf that requires grad while a graph is recorded).
    """
    _check_p(p, "dropout")
    x = as_tensor(input)
    if not training or p == 0.0:
        return x
    return _apply(x, inplace, "dropout_", lambda t: _dropout_mask(t, p, t.shape))


def dropout2d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:
    """Zero whole channels of (N, C, H, W) or (C, H, W) input with probability ``p``.

    Each channel that is kept is scaled by 1 / (1 - p). As in PyTorch, a 3-D input is taken
    as (N, C, L) (with a warning), dropping whole 1-D channels; other ranks (deprecated in
    PyTorch, with its warning) are taken as (N, C, ...): a 2-D (N, C) input drops elements.
    """
    _check_p(p, "dropout2d")
    x = as_tensor(input)
    if x.ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {x.ndim}-D input to dropout2d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if x.ndim < 2 and training and p != 0.0:
        raise RuntimeError(
            "dropout2d(): Feature dropout requires at least 2 dimensions in the input, got "
            f"input of size: {_size(x.shape)} (use dropout for element-wise dropout)"
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
    shape = (*x.shape[:2], *(1,) * (x.ndim - 2))
    return _apply(x, inplace, "dropout2d_", lambda t: _dropout_mask(t, p, shape))


# ---------------------------------------------------------------------------------------------
# PyTorch's older and rarer names, composed of the functions above


def upsample(
    input: Tensor,
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
) -> Tensor:
    """The deprecated name of ``interpolate``: warns, as PyTorch does, then resizes."""
    warnings.warn(
        "`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """The deprecated ``interpolate(input, size, scale_factor, mode="nearest")``: warns."""
    warnings.warn(
        "`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """The deprecated ``interpolate(..., mode="bilinear", align_corners=True)``: warns."""
    warnings.warn(
        "`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """``channel_shuffle`` under the name of PyTorch's native kernel (the same values)."""
    return channel_shuffle(input, groups)


def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:
    """1-D convolution of time-major input, as ``torch.conv_tbc``: input (T, B, C_in), weight
    (K, C_in, C_out), bias (C_out,), ``pad`` zeros at each end of T (negative: cropped);
    output (T + 2 pad - K + 1, B, C_out). ``conv1d`` on permuted operands.

    Raises:
        RuntimeError: operands of the wrong ranks or sizes, in PyTorch's words.
    """
    x, w, b = as_tensor(input), as_tensor(weight), as_tensor(bias)
    if x.ndim != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if w.ndim != 3:
        raise RuntimeError(
            "Weight tensor must have 3 dims: kernel_width, in_channels, out_channels."
        )
    if b.ndim != 1 or b.shape[0] != w.shape[2]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    if x.shape[2] != w.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if pad < 0:  # (PyTorch's kernel reads a negative pad as a crop of each end)
        x, pad = x[-pad : x.shape[0] + pad], 0
    y = conv1d(x.permute(1, 2, 0), w.permute(2, 1, 0), b, padding=pad)
    return y.permute(2, 0, 1)


def linear_cross_entropy(
    input: Tensor,
    linear_weight: Tensor,
    target: Any,
    *,
    linear_bias: Tensor | None = None,
    weight: Any = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    options: Any = None,
) -> Tensor:
    """``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)``, as
    ``torch.nn.functional.linear_cross_entropy`` (the loss of a classifier's last layer).

    ``input`` is (N, in_features) or (in_features,); ``linear_weight`` is (num_classes,
    in_features) or (num_classes, *out_features, in_features) for a K-dimensional loss (the
    logits then (N, num_classes, *out_features)). A target of the logits' shape holds class
    probabilities. ``options`` chooses PyTorch's chunked computation, which saves memory and
    gives the same values: minigrad computes the logits whole and ignores it.

    Raises:
        RuntimeError: operands of the wrong ranks or sizes, or ``ignore_index`` with class
            probabilities, in PyTorch's words.
    """
    x, lw = as_tensor(input), as_tensor(linear_weight)
    if x.ndim < 1 or x.ndim > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {x.ndim}")
    if lw.ndim < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {lw.ndim}")
    batches, in_features = tuple(x.shape[:-1]), x.shape[-1]
    if in_features != lw.shape[-1]:
        raise RuntimeError(
            "expected equal input and linear_weight last dimensions (in_features), "
            f"got {x.shape[-1]} and {lw.shape[-1]}, respectively"
        )
    num_classes, out_features = lw.shape[0], tuple(lw.shape[1:-1])
    lb = None if linear_bias is None else as_tensor(linear_bias)
    if lb is not None and tuple(lb.shape) != (num_classes, *out_features):
        raise RuntimeError(
            f"expected linear_bias shape {(num_classes, *out_features)}, got {tuple(lb.shape)}"
        )
    if out_features and not batches:
        raise RuntimeError(
            f"K-dimensional loss defined by linear_weight shape {tuple(lw.shape)} requires "
            f"batched input, (N, {in_features}), got unbatched input with shape "
            f"{tuple(x.shape)}"
        )
    logits_shape = (*batches, num_classes, *out_features)
    t = as_tensor(target)
    if tuple(t.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    if out_features:
        rows = math.prod(out_features, start=num_classes)
        lw = lw.reshape(rows, in_features)
        lb = None if lb is None else lb.reshape(rows)
    logits = linear(x, lw, lb).reshape(logits_shape)
    return cross_entropy(
        logits,
        t,
        weight=weight,
        reduction=reduction,
        ignore_index=-100 if ignore_index is None else ignore_index,
        label_smoothing=label_smoothing,
    )


# A PyTorch name this module does not have: the error says so and points to the docs.
__getattr__ = missing_attribute("minigrad.nn.functional", "torch.nn.functional")
