"""Pooling functions, as ``torch.nn.functional`` (which re-exports them): max, average and
adaptive pools over one, two or three spatial axes, their indices, and max unpooling.

Max and average pools are the window ops of ``minigrad/conv.py`` (any number of spatial axes);
adaptive and unpooling functions are compositions (``matmul``, ``gather``, ``scatter``), so
none has a backward of its own here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import conv as _conv_ops
from ..activations import relu
from ..dtypes import not_implemented_for, torch_name
from ..functions import sign
from ..node_surface import labelled
from ..tensor import Tensor, _new_tensor, apply, as_tensor
from ..validation import ArgumentError, _kernel_refusal
from ._common import _along, _size, _spatial_input, _tuple

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d",
    "adaptive_max_pool3d_with_indices",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool2d_with_indices",
    "max_pool3d",
    "max_pool3d_with_indices",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]


# ---------------------------------------------------------------------------------------------
# Argument checks


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
    if pad_limit != "kernel" and any(p > k // 2 for p, k in zip(pad, kernel)):
        _kernel_pad_error(pad, kernel)
    params, out = _conv_ops.pool_params(x.shape[2:], kernel, st, pad, dil, ceil_mode)
    if any(o < 1 for o in out):
        shown = "x".join(map(str, x.shape[1:]))
        raise RuntimeError(
            f"{fn}(): Given input size: ({shown}). Calculated output size: "
            f"({'x'.join(map(str, (x.shape[1], *out)))}). Output size is too small"
        )
    return params, out


# The 1-d pools check their arguments in three sets of PyTorch's words: ``max_pool1d``'s own
# ("max"), and the 2-d kernels' that ``avg_pool1d`` ("avg") and ``max_pool1d`` with indices
# ("indices") run on an inserted axis of size 1.


def _kernel_pad_error(pad: tuple[int, ...], kernel: tuple[int, ...]) -> None:
    """PyTorch's max-pool kernel limits the padding by half the kernel itself, dilated or not
    (after the first check, by half the dilated kernel)."""
    if len(pad) == 1:  # a 1-d pool is PyTorch's 2-d kernel with a height of 1
        (ph, pw), (kh, kw) = (0, pad[0]), (1, kernel[0])
    else:
        (ph, pw), (kh, kw) = pad, kernel
    raise RuntimeError(
        "pad should be smaller than or equal to half of kernel size, but got "
        f"padW = {pw}, padH = {ph}, kW = {kw}, kH = {kh}"
    )


def _ints(value: Any, fn: str, name: str, position: int) -> tuple[int, ...]:
    """A pool's int argument as a tuple (an int is one), or PyTorch's TypeError for others."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return (int(value),)
    if isinstance(value, tuple | list) and all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value
    ):
        return tuple(int(v) for v in value)
    raise TypeError(
        f"{fn}(): argument '{name}' (position {position}) must be tuple of ints, not "
        f"{type(value).__name__}"
    )


def _one(value: Any, fn: str, name: str, position: int, style: str) -> int:
    """A 1-d pool's int argument (an int or a sequence of one int), in PyTorch's words."""
    shown = "max_pool1d_with_indices" if style == "indices" else fn
    ints = _ints(value, shown, name, position)
    if len(ints) == 1:
        return ints[0]
    if style == "max":
        kinds = {
            "stride": "None, an int, list of ints, or",
            "padding": "an int, list of ints, or",
        }
        kind = kinds.get(name, "an int, list of ints or")
        raise RuntimeError(
            f"{fn}() {name} must be {kind} tuple of ints of size 1 but got size {len(ints)}"
        )
    raise RuntimeError(f"{fn}() argument '{name}' should contain one int (got {len(ints)})")


def _input_1d(input: Any, fn: str, style: str) -> tuple[Tensor, bool]:
    """A 1-d pool's input as (N, C, L), whether it was unbatched; PyTorch's errors."""
    x = as_tensor(input)
    if style == "max" and (x.ndim not in (2, 3) or 0 in x.shape[-2:]):
        raise RuntimeError(
            "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch "
            f"size for input, but got:{_size(x.shape)}"
        )
    if x.ndim not in (2, 3):
        raise RuntimeError(
            f"Expected 2 to 3 dimensions, but got {x.ndim}-dimensional tensor for argument #1 "
            f"'self' (while checking arguments for {fn})"
        )
    if style == "indices" and 0 in x.shape[-2:]:
        shown = (*x.shape[:-1], 1, x.shape[-1])
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
            f"but got:{_size(shown)}"
        )
    if style == "max":
        _float_only(x, fn, "max_pool1d_impl")
    elif style == "avg":
        _avg_dtype(x, fn)
    else:  # with indices, PyTorch's 2-d kernel pools integers, but not bools
        _no_bool(x, fn, "max_pool2d")
    return (x.reshape(1, *x.shape), True) if x.ndim == 2 else (x, False)


def _float_only(x: Tensor, fn: str, kernel: str) -> None:
    if x._data.dtype.kind != "f":
        raise not_implemented_for(
            kernel,
            x._data.dtype,
            f"{fn}(): minigrad pools floating-point input only; convert it with .float()",
        )


def _avg_dtype(x: Tensor, fn: str, nd: int = 2) -> None:
    """PyTorch's average-pool kernels take floats and int64 (whose means they truncate), and
    refuse the other integer dtypes and bool; its 3-d kernel refuses float16 too."""
    dtype = x._data.dtype
    if not (dtype == np.int64 or (dtype.kind == "f" and (nd < 3 or dtype.itemsize > 2))):
        kernel = "avg_pool3d_out_frame" if nd == 3 else "avg_pool2d"
        raise not_implemented_for(
            kernel,
            dtype,
            f"{fn}() of a {dtype} tensor: convert it first, e.g. x.float() or x.long()",
        )


def _no_bool(input: Any, fn: str, kernel: str) -> None:
    """PyTorch's refusal of a bool input by its pooling kernel ``kernel``."""
    if isinstance(input, Tensor) and input._data.dtype.kind == "b":
        raise not_implemented_for(
            kernel, bool, f"{fn}() of a bool tensor: convert it first, e.g. x.float()"
        )


def _pool1d_args(
    fn: str,
    style: str,
    x: Tensor,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
) -> tuple[Any, tuple[int, ...]]:
    """The windows of a 1-d pool, checked in PyTorch's words (see the styles above)."""
    k = _one(kernel_size, fn, "kernel_size", 2, style)
    s = k if stride is None or stride in ([], ()) else _one(stride, fn, "stride", 3, style)
    p = _one(padding, fn, "padding", 4, style)
    d = _one(dilation, fn, "dilation", 5, style)
    if style == "max":
        for name, v in (("kernel_size", k), ("stride", s)):
            if v <= 0:
                raise RuntimeError(f"max_pool1d() {name} must be greater than zero, but got {v}")
        if p < 0:
            raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
        if p > k // 2:
            raise RuntimeError(
                "max_pool1d() padding should be at most half of kernel size, but got "
                f"padding={p} and kernel_size={k}"
            )
        if d <= 0:
            raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    else:
        if s == 0:
            raise RuntimeError("stride should not be zero")
        if k <= 0:
            raise RuntimeError(f"kernel size should be greater than zero, but got kH: 1 kW: {k}")
        if s < 0:
            raise RuntimeError(f"stride should be greater than zero, but got dH: 1 dW: {s}")
        if d <= 0:
            raise RuntimeError(
                f"dilation should be greater than zero, but got dilationH: 1 dilationW: {d}"
            )
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={p}, kernel_size={k} and dilation={d}"
            )
        if style == "indices" and p > k // 2:
            _kernel_pad_error((p,), (k,))
    params, out = _conv_ops.pool_params(x.shape[2:], (k,), (s,), (p,), (d,), ceil_mode)
    if out[0] < 1:
        if style == "max":
            raise RuntimeError(f"max_pool1d() Invalid computed output size: {out[0]}")
        raise RuntimeError(
            f"Given input size: ({x.shape[1]}x1x{x.shape[2]}). Calculated output size: "
            f"({x.shape[1]}x1x{out[0]}). Output size is too small"
        )
    return params, out


# PyTorch's 3-d pools take each argument as one int or three, say so in their own words, and
# check them in the order below: per axis while computing the output size, then the whole.
_TRIPLE_WORDS = {
    ("max_pool3d", "kernel_size"): "must either be a single int, or",
    ("max_pool3d", "stride"): "must either be omitted, a single int, or",
    ("max_pool3d", "padding"): "must either be a single int, or",
    ("max_pool3d", "dilation"): "must be either a single int, or",
    ("avg_pool3d", "kernel_size"): "must be a single int, or",
    ("avg_pool3d", "stride"): "must be omitted, a single int, or",
    ("avg_pool3d", "padding"): "must be a single int, or",
}


def _triple(value: Any, fn: str, name: str, position: int) -> tuple[int, ...]:
    ints = _ints(value, fn, name, position)
    if len(ints) == 1:
        return ints * 3
    if len(ints) != 3:
        raise RuntimeError(f"{fn}: {name} {_TRIPLE_WORDS[fn, name]} a tuple of three ints")
    return ints


def _tdh(prefix: str, values: tuple[int, ...]) -> str:
    """``kT: 2 kH: 2 kW: 2``: PyTorch's way of showing a 3-d pool's argument."""
    return " ".join(f"{prefix}{axis}: {v}" for axis, v in zip("THW", values))


def _input_3d(input: Any, fn: str) -> tuple[Tensor, bool]:
    """A 3-d pool's input as (N, C, D, H, W), whether it was unbatched; PyTorch's words."""
    x = as_tensor(input)
    if x.ndim not in (4, 5):
        raise RuntimeError(
            f"non-empty 4D or 5D (batch mode) tensor expected for input ({fn}(): got input of "
            f"size {_size(x.shape)}; (N, C, D, H, W) or (C, D, H, W))"
        )
    return (x.reshape(1, *x.shape), True) if x.ndim == 4 else (x, False)


def _pool3d_args(
    fn: str,
    x: Tensor,
    unbatched: bool,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
) -> tuple[Any, tuple[int, ...]]:
    """The windows of a 3-d pool over (N, C, D, H, W) input, checked as PyTorch does."""
    k = _triple(kernel_size, fn, "kernel_size", 2)
    s = k if stride is None or stride in ([], ()) else _triple(stride, fn, "stride", 3)
    p = _triple(padding, fn, "padding", 4)
    d = _triple(dilation, fn, "dilation", 5)
    for ki, si, pi, di in zip(k, s, p, d):
        if si == 0:
            raise RuntimeError("stride should not be zero")
        if pi < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {pi}")
        if pi > (di * (ki - 1) + 1) // 2:
            raise RuntimeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={pi}, kernel_size={ki} and dilation={di}"
            )
    for name, prefix, values in (("kernel size", "k", k), ("stride", "d", s)):
        if any(v <= 0 for v in values):
            shown = _tdh(prefix, values)
            raise RuntimeError(f"{name} should be greater than zero, but got {shown}")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"dilation should be greater than zero, but got {_tdh('dilation', d)}")
    if 0 in x.shape[1:]:
        # (PyTorch shows the input as given and always says dimension 0: the real one follows)
        where = "max_pool3d_with_indices_out_cpu_template" if fn == "max_pool3d" else fn
        shape = x.shape[1:] if unbatched else x.shape
        raise RuntimeError(
            f"{where}(): Expected input's non-batch dimensions to have positive length, but "
            f"input has a shape of {_size(shape)} and non-batch dimension 0 has length zero! "
            f"({fn}(): dim {shape.index(0, len(shape) - 4)} of the input is empty)"
        )
    if fn == "max_pool3d" and any(pi > ki // 2 for pi, ki in zip(p, k)):
        # (PyTorch shows them in this order: kT kW kH, padT padW padH)
        raise RuntimeError(
            "pad should be smaller than or equal to half of kernel size, but got "
            f"kT: {k[0]} kW: {k[2]} kH: {k[1]} padT: {p[0]} padW: {p[2]} padH: {p[1]}"
        )
    if fn == "avg_pool3d" and any(n < ki for n, ki in zip(x.shape[2:], k)):
        t, h, w = x.shape[2:]
        raise RuntimeError(
            f"input image (T: {t} H: {h} W: {w}) smaller than kernel size ({_tdh('k', k)})"
        )
    params, out = _conv_ops.pool_params(x.shape[2:], k, s, p, d, ceil_mode)
    if any(o < 1 for o in out):
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, x.shape[1:]))}). Calculated output size: "
            f"({'x'.join(map(str, (x.shape[1], *out)))}). Output size is too small"
        )
    return params, out


# ---------------------------------------------------------------------------------------------
# Max and average pools


def _max_pool(
    x: Tensor, unbatched: bool, params: Any, out: tuple[int, ...], ceil_mode: bool, indices: bool
) -> Any:
    """The MaxPool op over (N, C, *S) input, and PyTorch's indices when asked for."""
    op = _conv_ops.MaxPool(params, out, ceil_mode)
    y = apply(op, x)
    if unbatched:
        y = y.reshape(y.shape[1:])
    if not indices:
        return y
    idx = op.flat_indices(x._data, y._data if not unbatched else y._data[None])
    return y, _new_tensor(idx[0] if unbatched else idx, None)


def max_pool1d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """Maximum over each window of (N, C, L) or (C, L) input, as ``torch.nn.functional``'s.

    The gradient goes to the first maximum of each window (as in PyTorch).

    Args:
        input: the input.
        kernel_size: window size (an int or a one-int tuple).
        stride: step between windows; defaults to ``kernel_size``.
        padding: implicit -inf padding on each side, at most half the window.
        dilation: spacing between window elements.
        ceil_mode: keep a last, partial window at the end.
        return_indices: also return where each maximum is (an index into L, int64).
    """
    # (PyTorch checks the two calls in different words, and pools integers only with indices)
    style = "indices" if return_indices else "max"
    x, unbatched = _input_1d(input, "max_pool1d", style)
    params, out = _pool1d_args(
        "max_pool1d", style, x, kernel_size, stride, padding, dilation, ceil_mode
    )
    return _max_pool(x, unbatched, params, out, ceil_mode, return_indices)


def max_pool1d_with_indices(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = True,
) -> tuple[Tensor, Tensor]:
    """``max_pool1d`` that returns (values, indices), as ``torch.nn.functional``'s."""
    y, idx = max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)
    return y, idx


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
    _no_bool(input, "max_pool2d", "max_pool2d")
    x, unbatched = _spatial_input(input, 2, "max_pool2d", integers=True)
    params, out = _pool_args(
        "max_pool2d", 2, x, kernel_size, stride, padding, dilation, ceil_mode, "effective"
    )
    return _max_pool(x, unbatched, params, out, ceil_mode, return_indices)


def max_pool2d_with_indices(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = True,
) -> tuple[Tensor, Tensor]:
    """``max_pool2d`` that returns (values, indices), as ``torch.nn.functional``'s."""
    y, idx = max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)
    return y, idx


def avg_pool1d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """Mean over each window of (N, C, L) or (C, L) input, as ``torch.nn.functional``'s.

    Args:
        input: the input.
        kernel_size: window size (an int or a one-int tuple).
        stride: step between windows; defaults to ``kernel_size``.
        padding: implicit zero padding on each side, at most half the window.
        ceil_mode: keep a last, partial window at the end.
        count_include_pad: whether the zero padding counts in the divisor.
    """
    x, unbatched = _input_1d(input, "avg_pool1d", "avg")
    params, out = _pool1d_args("avg_pool1d", "avg", x, kernel_size, stride, padding, 1, ceil_mode)
    op = _conv_ops.AvgPool(params, out, x.shape, ceil_mode, count_include_pad, None)
    y = apply(op, x)
    return y.reshape(y.shape[1:]) if unbatched else y


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
    x, unbatched = _spatial_input(input, 2, "avg_pool2d", integers=True)
    _avg_dtype(x, "avg_pool2d")
    params, out = _pool_args(
        "avg_pool2d", 2, x, kernel_size, stride, padding, 1, ceil_mode, "kernel"
    )
    if divisor_override is not None and (
        not isinstance(divisor_override, int) or divisor_override <= 0
    ):
        raise RuntimeError(f"avg_pool2d(): divisor must be not zero, got {divisor_override!r}")
    op = _conv_ops.AvgPool(params, out, x.shape, ceil_mode, count_include_pad, divisor_override)
    y = apply(op, x)
    return y.reshape(y.shape[1:]) if unbatched else y


def max_pool3d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """Maximum over each (kD, kH, kW) window of (N, C, D, H, W) or (C, D, H, W) input, as
    ``torch.nn.functional``'s: the MaxPool op of ``max_pool2d`` over three axes.

    Args:
        input: the input (floating point or integer, as PyTorch's kernel; not bool).
        kernel_size: window size (an int or a triple).
        stride: step between windows; defaults to ``kernel_size``.
        padding: implicit -inf padding on each side, at most half the window.
        dilation: spacing between window elements.
        ceil_mode: keep a last, partial window at the end of each axis.
        return_indices: also return where each maximum is (a flat index into its D*H*W
            volume, int64, as PyTorch's).
    """
    x, unbatched = _input_3d(input, "max_pool3d")
    params, out = _pool3d_args(
        "max_pool3d", x, unbatched, kernel_size, stride, padding, dilation, ceil_mode
    )
    _no_bool(x, "max_pool3d", "max_pool3d")
    return _max_pool(x, unbatched, params, out, ceil_mode, return_indices)


def max_pool3d_with_indices(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = True,
) -> tuple[Tensor, Tensor]:
    """``max_pool3d`` that returns (values, indices), as ``torch.nn.functional``'s."""
    y, idx = max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)
    return y, idx


def avg_pool3d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over each (kD, kH, kW) window of (N, C, D, H, W) or (C, D, H, W) input, as
    ``torch.nn.functional``'s: the AvgPool op of ``avg_pool2d`` over three axes (float32,
    float64, or int64 whose means are truncated toward zero, as PyTorch's kernel).

    Args:
        input: the input.
        kernel_size: window size (an int or a triple), no larger than the input.
        stride: step between windows; defaults to ``kernel_size``.
        padding: implicit zero padding on each side, at most half the window.
        ceil_mode: keep a last, partial window at the end of each axis.
        count_include_pad: whether the zero padding counts in the divisor.
        divisor_override: divide every window's sum by this (a nonzero int) instead.
    """
    if divisor_override is not None and (
        not isinstance(divisor_override, int | np.integer) or isinstance(divisor_override, bool)
    ):
        raise TypeError(
            "avg_pool3d(): argument 'divisor_override' must be int, not "
            f"{type(divisor_override).__name__}"
        )
    x, unbatched = _input_3d(input, "avg_pool3d")
    params, out = _pool3d_args(
        "avg_pool3d", x, unbatched, kernel_size, stride, padding, 1, ceil_mode
    )
    if divisor_override == 0:
        raise RuntimeError("divisor must be not zero (avg_pool3d(): divisor_override=0)")
    _avg_dtype(x, "avg_pool3d", 3)
    op = _conv_ops.AvgPool(params, out, x.shape, ceil_mode, count_include_pad, divisor_override)
    y = apply(op, x)
    return y.reshape(y.shape[1:]) if unbatched else y


# ---------------------------------------------------------------------------------------------
# Adaptive pools: window i of n -> m cells spans floor(i n / m) .. ceil((i + 1) n / m) - 1


def _adaptive_matrix(n: int, m: int, dtype: np.dtype) -> np.ndarray:
    """(m, n): row i averages input cells floor(i n / m) .. ceil((i + 1) n / m) - 1."""
    mat = np.zeros((m, n), dtype=dtype)
    for i in range(m):
        start, end = (i * n) // m, -(-((i + 1) * n) // m)
        mat[i, start:end] = 1.0 / (end - start)
    return mat


def _adaptive_size_types(output_size: Any, nd: int, fn: str) -> None:
    """PyTorch's TypeError for an output size that is not an int or a sequence of ints (None
    keeps an input size, beyond 1-d), raised before its length is checked, in PyTorch's words:
    its argument parser's for the 1-d pool and for a bad element, Python's ``len()`` for what
    is no sequence (PyTorch's 2-d and 3-d pools take its length first)."""
    fix = f"{fn}(): output_size is an int or a tuple of " + (
        f"{nd} ints or None" if nd > 1 else "one int"
    )
    if not isinstance(output_size, tuple | list):
        if nd > 1 and not isinstance(output_size, int | np.integer):
            raise TypeError(
                f"object of type '{type(output_size).__name__}' has no len() ({fix}, got "
                f"{output_size!r})"
            )
        return
    for i, s in enumerate(output_size):
        if (s is None and nd > 1) or (isinstance(s, int | np.integer) and not isinstance(s, bool)):
            continue
        if s is None and nd == 1:
            continue  # (the 1-d pool's own words follow)
        if i == 0:
            raise TypeError(
                f"{fn}(): argument 'output_size' (position 2) must be tuple of ints, but found "
                f"element of type {type(s).__name__} at pos 0 ({fix})"
            )
        raise TypeError(
            f"{fn}(): argument 'output_size' failed to unpack the object at pos {i + 1} with "
            f'error "type must be tuple of ints,but got {type(s).__name__}" ({fix})'
        )


def _adaptive_size(x: Tensor, output_size: Any, nd: int, fn: str) -> tuple[int, ...]:
    """The output's spatial size from an int or a tuple (None: keep that input size)."""
    _adaptive_size_types(output_size, nd, fn)
    if isinstance(output_size, tuple | list):
        if len(output_size) != nd:
            if nd == 1:
                raise RuntimeError(
                    f"{fn}() argument 'output_size' should contain one int (got {len(output_size)})"
                )
            if nd == 3:
                raise RuntimeError(
                    f"{fn}: output_size must be 3" if "avg" in fn
                    else f"{fn}(): internal error: output_size.size() must be 3"
                )  # fmt: skip
            raise ArgumentError(
                f"{fn}(): output_size must be an int or a pair, got {output_size!r}"
            )
        if nd == 1 and output_size[0] is None:
            raise TypeError(
                f"{fn}(): argument 'output_size' (position 2) must be tuple of ints, but found "
                "element of type NoneType at pos 0"
            )
        size = tuple(x.shape[2 + i] if s is None else s for i, s in enumerate(output_size))
    else:
        if nd == 1 and not isinstance(output_size, int | np.integer):
            raise TypeError(
                f"{fn}(): argument 'output_size' (position 2) must be tuple of ints, not "
                f"{type(output_size).__name__}"
            )
        size = (output_size,) * nd
    if not all(isinstance(s, int | np.integer) and not isinstance(s, bool) for s in size):
        raise ValueError(f"{fn}(): output_size must be ints, got {output_size!r}")
    if any(s < 0 for s in size):
        if fn.startswith("adaptive_avg"):
            # (PyTorch's 2-d words, with 1 for a 1-d pool's height; its 3-d ones drop a space)
            shown = ", ".join(map(str, (1,) * (2 - nd) + size))
            if nd == 3:
                shown = f"{size[0]}, {size[1]},{size[2]}"
            raise RuntimeError(
                f"adaptive_avg_pool{max(nd, 2)}d: elements of output_size must be greater than "
                f"or equal to 0 but received {{{shown}}}"
            )
        shape = (*x.shape[:2], *(1,) * (2 - nd), *size)
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {min(size)}: {_size(shape)}"
        )
    return tuple(int(s) for s in size)


def _adaptive_kernel(fn: str) -> str:
    """The PyTorch kernel that refuses a dtype for ``fn`` (1-d pools run the 2-d kernel)."""
    return fn.replace("1d", "2d") + ("_cpu" if fn.endswith("3d") else "")


def _adaptive_input(input: Any, nd: int, fn: str) -> tuple[Tensor, bool]:
    x = as_tensor(input)
    if x.ndim not in (nd + 1, nd + 2):
        if nd == 1:
            raise RuntimeError(
                f"Expected 2 to 3 dimensions, but got {x.ndim}-dimensional tensor for argument "
                f"#1 'self' (while checking arguments for {fn})"
            )
        colon = "" if fn == "adaptive_avg_pool3d" else ":"
        raise RuntimeError(
            f"{fn}(): Expected {nd + 1}D or {nd + 2}D tensor, but got{colon} {_size(x.shape)}"
        )
    if "avg" not in fn:  # (the average pools check the dtype once the output size is known)
        _float_only(x, fn, _adaptive_kernel(fn))
    if 0 in x.shape[x.ndim - nd :] or (x.ndim == nd + 2 and x.shape[1] == 0):
        # (adaptive_avg_pool1d is PyTorch's 2-d pool over (..., 1, L): its words say so)
        shape, name = tuple(x.shape), fn
        if fn == "adaptive_avg_pool1d":
            shape, name = (*x.shape[:-1], 1, x.shape[-1]), "adaptive_avg_pool2d"
        axis = next(i for i in range(1, len(shape)) if shape[i] == 0)
        raise RuntimeError(
            f"{name}(): Expected input to have non-zero size for non-batch dimensions, but "
            f"input has sizes {_size(shape)} with dimension {axis} being empty"
        )
    return (x.reshape(1, *x.shape), True) if x.ndim == nd + 1 else (x, False)


def _adaptive_avg(input: Any, output_size: Any, nd: int, fn: str) -> Tensor:
    """A window's mean is separable: one product per axis with a constant averaging matrix
    (composed from ``matmul``, differentiable to any order)."""
    x, unbatched = _adaptive_input(input, nd, fn)
    size = _adaptive_size(x, output_size, nd, fn)
    if x._data.dtype.kind != "f" and all(n == 1 for n in size):
        # PyTorch's kernel takes a mean for an output of one cell, and refuses in its words
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {torch_name(x._data.dtype)} ({fn}(): convert it first, "
            "e.g. x.float())"
        )
    _float_only(x, fn, _adaptive_kernel(fn))
    dtype = x._data.dtype
    y = x
    for axis, (n, m) in enumerate(zip(x.shape[2:], size), start=2):
        if m != n:  # (m, n) applied along the axis
            y = _along(y, axis, _adaptive_matrix(n, m, dtype))
    if y is x:
        y = x * 1.0  # a new tensor, as PyTorch returns
    y = y.reshape(y.shape[1:]) if unbatched else y
    if nd == 1:  # (PyTorch pools one dimension as two: a squeeze of a 2-D pool)
        return y
    return labelled(y, f"AdaptiveAvgPool{nd}DBackward0", input)  # (PyTorch's one node)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling of (N, C, L) or (C, L) input to length ``output_size``, with
    PyTorch's windows (cells floor(i L / out) .. ceil((i + 1) L / out) - 1)."""
    return _adaptive_avg(input, output_size, 1, "adaptive_avg_pool1d")


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling to a fixed output size (H_out, W_out), windows as PyTorch chooses them.

    A window's mean is separable, so this is two products with constant averaging matrices
    (rows, then columns): composed from ``matmul``, differentiable to any order.

    Args:
        input: (N, C, H, W) or (C, H, W).
        output_size: an int, or a pair whose entries may be None (keep that input size).
    """
    return _adaptive_avg(input, output_size, 2, "adaptive_avg_pool2d")


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling of (N, C, D, H, W) or (C, D, H, W) input to (D_out, H_out, W_out), as
    ``torch.nn.functional``'s: one product per axis, as ``adaptive_avg_pool2d``.

    Args:
        input: the input (floating point).
        output_size: an int, or a triple whose entries may be None (keep that input size).
    """
    return _adaptive_avg(input, output_size, 3, "adaptive_avg_pool3d")


def _adaptive_argmax(a: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
    """(N, C, *size): the flat index into each input plane of each window's maximum, as
    PyTorch's kernel scans a window: row by row, a later cell wins only if larger or NaN."""
    spatial = a.shape[2:]
    nd = len(spatial)
    if 0 in size:
        return np.zeros((*a.shape[:2], *size), dtype=np.int64)
    rows, flat = [], np.zeros((), dtype=np.int64)
    for axis, (n, m) in enumerate(zip(spatial, size)):
        i = np.arange(m)
        start, end = (i * n) // m, -(-((i + 1) * n) // m)
        width = int((end - start).max()) if m else 1
        # Window cells past the window's end repeat its last cell (a duplicate never wins).
        pos = np.minimum(start[:, None] + np.arange(width), end[:, None] - 1)  # (m, width)
        rows.append(pos)
        shape = [1] * (2 * nd)
        shape[axis], shape[nd + axis] = m, width
        flat = flat * n + pos.reshape(shape)  # (*size, *widths) flat indices
    windows = a.reshape(*a.shape[:2], -1)[..., flat.reshape(-1)]
    windows = windows.reshape(*a.shape[:2], *size, -1)
    nan = np.isnan(windows)
    best = np.argmax(windows, axis=-1)
    if nan.any():  # the last NaN of a window wins, as in PyTorch's scan
        last = nan.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
        best = np.where(nan.any(axis=-1), last, best)
    flat_b = np.broadcast_to(flat.reshape(*size, -1), windows.shape)
    return np.take_along_axis(flat_b, best[..., None], axis=-1)[..., 0]


def _adaptive_max(input: Any, output_size: Any, return_indices: bool, nd: int, fn: str) -> Any:
    """Each window's maximum, picked by index (NumPy) then taken from the input by one
    ``AdaptiveMaxPool`` op (an indexing), so the gradient goes exactly where PyTorch's does,
    differentiable to any order."""
    x, unbatched = _adaptive_input(input, nd, fn)
    size = _adaptive_size(x, output_size, nd, fn)
    idx = _adaptive_argmax(x._data, size)
    n, c = x.shape[:2]
    grid = np.ix_(np.arange(n), np.arange(c), *(np.arange(m) for m in size))
    index = (grid[0], grid[1], *np.unravel_index(idx, x.shape[2:]))
    y = apply(_conv_ops.AdaptiveMaxPool(index, size), x)
    if unbatched:
        y, idx = y.reshape(y.shape[1:]), idx[0]
        if nd > 1:  # (PyTorch's kernel takes the unbatched input as it is)
            y = labelled(y, f"AdaptiveMaxPool{nd}DBackward0", x)
    return (y, _new_tensor(idx, None)) if return_indices else y


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Maximum pooling of (N, C, L) or (C, L) input to length ``output_size``, PyTorch's
    windows; ``return_indices``: also the index into L of each maximum (int64)."""
    return _adaptive_max(input, output_size, return_indices, 1, "adaptive_max_pool1d")


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Maximum pooling of (N, C, H, W) or (C, H, W) input to (H_out, W_out), PyTorch's
    windows.

    Args:
        input: the input.
        output_size: an int, or a pair whose entries may be None (keep that input size).
        return_indices: also return each maximum's flat index into its H*W plane (int64).
    """
    return _adaptive_max(input, output_size, return_indices, 2, "adaptive_max_pool2d")


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Maximum pooling of (N, C, D, H, W) or (C, D, H, W) input to (D_out, H_out, W_out),
    PyTorch's windows, as ``adaptive_max_pool2d``.

    Args:
        input: the input (floating point).
        output_size: an int, or a triple whose entries may be None (keep that input size).
        return_indices: also return each maximum's flat index into its D*H*W volume (int64).
    """
    return _adaptive_max(input, output_size, return_indices, 3, "adaptive_max_pool3d")


def adaptive_max_pool1d_with_indices(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool1d`` that returns (values, indices) whatever ``return_indices``
    says, as ``torch.nn.functional``'s."""
    return _adaptive_max(input, output_size, True, 1, "adaptive_max_pool1d")


def adaptive_max_pool2d_with_indices(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool2d`` that returns (values, indices), as ``torch.nn.functional``'s."""
    return _adaptive_max(input, output_size, True, 2, "adaptive_max_pool2d")


def adaptive_max_pool3d_with_indices(
    input: Tensor, output_size: Any, return_indices: bool = False
) -> tuple[Tensor, Tensor]:
    """``adaptive_max_pool3d`` that returns (values, indices), as ``torch.nn.functional``'s."""
    return _adaptive_max(input, output_size, True, 3, "adaptive_max_pool3d")


# ---------------------------------------------------------------------------------------------
# Power-average pooling: (sum over the window of x^p)^(1/p), composed of the average pools


def _lp_pool(
    input: Tensor, norm_type: float, kernel_size: Any, stride: Any, ceil_mode: bool, nd: int
) -> Tensor:
    """PyTorch's composition: ``avg_pool(x^p) * window_size``, its sign kept and its negative
    values cut (``sign(a) * relu(|a|)``), to the power 1/p; p = +-inf: the max pool of |x|."""
    max_pool, avg_pool = _LP_POOLS[nd]
    x = as_tensor(input)
    window = math.prod(_tuple(kernel_size, nd, f"lp_pool{nd}d", "kernel_size"))
    if isinstance(norm_type, int | float):
        if norm_type == float("inf"):
            return max_pool(x.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool(-x.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = avg_pool(x.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (sign(out) * relu(out.abs())).mul(window).pow(1.0 / norm_type)


def lp_pool1d(
    input: Tensor,
    norm_type: float,
    kernel_size: Any,
    stride: Any = None,
    ceil_mode: bool = False,
) -> Tensor:
    """Power-average pooling of (N, C, L) or (C, L) input, as ``torch.nn.functional``'s:
    ``(sum over each window of x^p)^(1/p)``; p = inf gives the max pool of |x|, p = 1 the
    window sums (sum pooling).

    Args:
        input: the input.
        norm_type: the power p.
        kernel_size: window size.
        stride: step between windows (defaults to ``kernel_size``).
        ceil_mode: keep a last, partial window at the end.
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(
    input: Tensor,
    norm_type: float,
    kernel_size: Any,
    stride: Any = None,
    ceil_mode: bool = False,
) -> Tensor:
    """Power-average pooling of (N, C, H, W) or (C, H, W) input over (kH, kW) windows, as
    ``lp_pool1d`` (``kernel_size`` and ``stride`` each an int or a pair)."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2)


def lp_pool3d(
    input: Tensor,
    norm_type: float,
    kernel_size: Any,
    stride: Any = None,
    ceil_mode: bool = False,
) -> Tensor:
    """Power-average pooling of (N, C, D, H, W) or (C, D, H, W) input over (kD, kH, kW)
    windows, as ``lp_pool1d`` (``kernel_size`` and ``stride`` each an int or a triple)."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3)


_LP_POOLS: dict[int, tuple[Any, Any]] = {
    1: (max_pool1d, avg_pool1d),
    2: (max_pool2d, avg_pool2d),
    3: (max_pool3d, avg_pool3d),
}


# ---------------------------------------------------------------------------------------------
# Max unpooling: the values put back where max pooling's indices say, zeros elsewhere


def _unpool_size(
    x: Tensor, kernel: tuple[int, ...], stride: tuple[int, ...], pad: tuple[int, ...], size: Any
) -> tuple[int, ...]:
    """The output's spatial size: PyTorch's default, or ``size`` checked against it."""
    nd = len(kernel)
    default = [(n - 1) * s + k - 2 * p for n, s, k, p in zip(x.shape[-nd:], stride, kernel, pad)]
    if size is None:
        return tuple(default)
    size = [int(n) for n in size]
    if len(size) == nd + 2:
        size = size[2:]
    if len(size) != nd:
        raise ValueError(
            f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it "
            f"has a length of '{len(size)}'"
        )
    for d in range(nd):
        low, high = default[d] - stride[d], default[d] + stride[d]
        if not low < size[d] < high:
            raise ValueError(
                f'invalid output_size "{tuple(size)}" (dim {d} must be between {low} and {high})'
            )
    return tuple(size)


def _max_unpool(
    fn: str,
    nd: int,
    input: Any,
    indices: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    output_size: Any,
) -> Tensor:
    x, idx = as_tensor(input), as_tensor(indices)
    kernel = _tuple(kernel_size, nd, fn, "kernel_size")
    st = kernel if stride is None else _tuple(stride, nd, fn, "stride")
    pad = _tuple(padding, nd, fn, "padding")
    size = _unpool_size(x, kernel, st, pad, output_size)
    if x.ndim not in (nd + 1, nd + 2):
        k = max(nd, 2)  # (PyTorch's 1-d unpooling is its 2-d one, on an added axis)
        raise RuntimeError(
            f"Input to max_unpooling{k}d should be a {k + 1}d or {k + 2}d Tensor, but got a "
            f"tensor with {x.ndim + (k - nd)} dimensions."
        )
    if idx._data.dtype != np.int64:
        raise RuntimeError(
            f"elements in indices should be type int64 but got: {torch_name(idx._data.dtype)}"
        )
    if x._data.dtype.kind != "f":  # (PyTorch's 1-d unpooling is its 2-d kernel)
        refused = f"max_unpool{max(nd, 2)}d"
        raise _kernel_refusal(refused, x._data.dtype, fn, "convert it first, e.g. x.float()")
    if idx.shape != x.shape:
        raise RuntimeError(
            "Expected shape of indices to be same as that of the input tensor "
            f"({_size(x.shape)}) but got indices tensor with shape: {_size(idx.shape)}"
        )
    plane = int(np.prod(size))
    bad = (idx._data < 0) | (idx._data >= plane)
    if bad.any():
        shown = "x".join(map(str, size if nd > 1 else (*size, 1)))
        raise RuntimeError(
            f"Found an invalid max index: {int(idx._data[bad].flat[0])} (output volumes are "
            f"of size {shown})"
        )
    lead = x.shape[: x.ndim - nd]
    # Where indices coincide (overlapping windows) the last value is written, as PyTorch's
    # CPU kernel does, and only that one gets the gradient: the gradient of what is computed.
    planes = np.arange(int(np.prod(lead))).reshape(*lead, *(1,) * nd) * plane
    pos = (planes + idx._data).reshape(-1)
    _, first_of_reversed = np.unique(pos[::-1], return_index=True)
    kept = pos.size - 1 - first_of_reversed
    values = x.reshape(-1)[_new_tensor(kept, None)] if kept.size != pos.size else x.reshape(-1)
    at = pos[kept] if kept.size != pos.size else pos
    out = _new_tensor(np.zeros(int(np.prod(lead)) * plane, dtype=x._data.dtype), None)
    y = out.scatter(0, _new_tensor(at, None), values)
    return y.reshape((*lead, *size))


def max_unpool1d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> Tensor:
    """The inverse of ``max_pool1d``: each value put at its index (from ``max_pool1d``'s
    ``return_indices``) in a zero (N, C, L_out) or (C, L_out) output, as PyTorch's.

    L_out is (L - 1) stride - 2 padding + kernel_size, or ``output_size`` (within a stride of
    it), which recovers the length a pool rounded down.
    """
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> Tensor:
    """The inverse of ``max_pool2d``: each value put at its flat index (from ``max_pool2d``'s
    ``return_indices``) in a zero (N, C, H_out, W_out) or (C, H_out, W_out) output.

    Args:
        input: the pooled values.
        indices: their flat indices into each output plane (int64, the input's shape).
        kernel_size: the pool's window size.
        stride: the pool's stride (defaults to ``kernel_size``).
        padding: the pool's padding.
        output_size: the output's spatial size (or with batch and channels), within a
            stride of the default (H - 1) stride - 2 padding + kernel_size.
    """
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(
    input: Tensor,
    indices: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> Tensor:
    """The inverse of ``max_pool3d``: each value put at its flat index (from ``max_pool3d``'s
    ``return_indices``) in a zero (N, C, D_out, H_out, W_out) or (C, D_out, H_out, W_out)
    output; arguments as ``max_unpool2d``'s, each an int or a triple."""
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)
