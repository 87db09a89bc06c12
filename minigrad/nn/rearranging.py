"""Functions that move elements without computing with them, as ``torch.nn.functional``
(which re-exports them): ``unfold`` and ``fold`` (im2col and col2im), ``pixel_shuffle``,
``pixel_unshuffle`` and ``channel_shuffle``.

All are compositions: ``unfold`` gathers every window's cells with one index into the padded
input, ``fold`` adds them back with ``index_add`` at the same index (its adjoint), the shuffles
are a reshape and a permute. Each is differentiable to any order with no rule of its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import conv as _conv_ops
from ..dtypes import not_implemented_for
from ..tensor import Tensor, _new_tensor, apply, as_tensor
from ._common import _size

__all__ = ["channel_shuffle", "fold", "pixel_shuffle", "pixel_unshuffle", "unfold"]


def _pair(value: Any, fn: str, name: str, position: int) -> tuple[int, int]:
    """An int or a pair of ints, in PyTorch's words."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value), int(value)
    if isinstance(value, tuple | list):
        for i, v in enumerate(value):
            if not isinstance(v, int | np.integer) or isinstance(v, bool):
                raise TypeError(
                    f"{fn}(): argument '{name}' (position {position}) must be tuple of ints, but "
                    f"found element of type {type(v).__name__} at pos {i}"
                )
        if len(value) == 2:
            return int(value[0]), int(value[1])
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(value)}")
    raise TypeError(
        f"{fn}(): argument '{name}' (position {position}) must be tuple of ints, but found "
        f"element of type {type(value).__name__} at pos 0"
    )


def _window_args(
    fn: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any, first: int
) -> tuple[tuple[int, int], ...]:
    """kernel, dilation, padding and stride as pairs, checked as PyTorch's im2col checks."""
    k = _pair(kernel_size, fn, "kernel_size", first)
    d = _pair(dilation, fn, "dilation", first + 1)
    p = _pair(padding, fn, "padding", first + 2)
    s = _pair(stride, fn, "stride", first + 3)
    if min(k) <= 0:
        raise RuntimeError(
            f"kernel size should be greater than zero, but got kernel_height: {k[0]} "
            f"kernel_width: {k[1]}"
        )
    if min(s) <= 0:
        raise RuntimeError(
            f"stride should be greater than zero, but got stride_height: {s[0]} "
            f"stride_width: {s[1]}"
        )
    if min(d) <= 0:
        raise RuntimeError(
            f"dilation should be greater than zero, but got dilation_height: {d[0]} "
            f"dilation_width: {d[1]}"
        )
    if min(p) < 0:
        raise RuntimeError(
            f"padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}"
        )
    return k, d, p, s


def _blocks(
    size: tuple[int, int], k: tuple[int, int], d: tuple[int, int], p: tuple[int, int],
    s: tuple[int, int],
) -> tuple[int, int]:  # fmt: skip
    """How many windows fit along each axis of a (padded) plane."""
    return (
        (size[0] + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1,
        (size[1] + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1,
    )


def _cell_index(
    size: tuple[int, int], k: tuple[int, int], d: tuple[int, int], p: tuple[int, int],
    s: tuple[int, int], blocks: tuple[int, int],
) -> np.ndarray:  # fmt: skip
    """(kH*kW, L): the flat index into the padded plane of each window's cells, in PyTorch's
    column order (kernel row, kernel column; window row, window column)."""
    width = size[1] + 2 * p[1]
    ki, kj = np.meshgrid(np.arange(k[0]) * d[0], np.arange(k[1]) * d[1], indexing="ij")
    oi, oj = np.meshgrid(np.arange(blocks[0]) * s[0], np.arange(blocks[1]) * s[1], indexing="ij")
    rows = ki.reshape(-1, 1) + oi.reshape(1, -1)
    cols = kj.reshape(-1, 1) + oj.reshape(1, -1)
    return (rows * width + cols).astype(np.int64)


def _floats_or_masks(x: Tensor, kernel: str, fn: str) -> None:
    """PyTorch's refusal of integer input; floats and masks (bool) are folded and unfolded."""
    if x._data.dtype.kind not in "fb":
        raise not_implemented_for(
            kernel,
            x._data.dtype,
            f"{fn}(): the input must be floating point or bool; convert it with .float()",
        )


def unfold(
    input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1
) -> Tensor:
    """Every sliding window of (N, C, H, W) or (C, H, W) input as a column (im2col), as
    ``torch.nn.functional.unfold``: (N, C*kH*kW, L), L the number of windows.

    Column ``c*kH*kW + i*kW + j`` holds channel c's cell (i, j) of each window, windows in
    row-major order; a convolution is then ``weight.view(O, -1) @ unfold(x, ...)``.

    Args:
        input: the input.
        kernel_size: window size (an int or a pair).
        dilation: spacing between window cells.
        padding: implicit zeros on each side.
        stride: step between windows.
    """
    x = as_tensor(input)
    if x.ndim < 3:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-max(x.ndim, 1)}, "
            f"{max(x.ndim, 1) - 1}], but got 2)"
        )
    k, d, p, s = _window_args("im2col", kernel_size, dilation, padding, stride, 2)
    if x.ndim > 4 or 0 in x.shape[-3:]:
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other "
            f"non-zero dimensions for input, but got: {_size(x.shape)}"
        )
    _floats_or_masks(x, "im2col_out_cpu", "unfold")
    size = (x.shape[-2], x.shape[-1])
    blocks = _blocks(size, k, d, p, s)
    if min(blocks) < 1:
        raise RuntimeError(
            f"Given input with spatial size ({size[0]}, {size[1]}), kernel_size=({k[0]}, "
            f"{k[1]}), dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), calculated shape "
            f"of the array of sliding blocks as ({blocks[0]}, {blocks[1]}), but its components "
            "must be at least one."
        )
    lead = x.shape[:-2]  # (N, C) or (C,)
    if p != (0, 0):
        pads = ((0, 0),) * len(lead) + ((p[0], p[0]), (p[1], p[1]))
        x = apply(_conv_ops.Pad(pads), x)
    index = _cell_index(size, k, d, p, s, blocks)  # (K, L)
    cols = x.reshape(*lead, -1)[..., index]  # (*lead, K, L)
    return cols.reshape(*lead[:-1], lead[-1] * k[0] * k[1], -1)


def fold(
    input: Tensor,
    output_size: Any,
    kernel_size: Any,
    dilation: Any = 1,
    padding: Any = 0,
    stride: Any = 1,
) -> Tensor:
    """Columns summed back into an image (col2im), as ``torch.nn.functional.fold``: the
    adjoint of ``unfold``. (N, C*kH*kW, L) or (C*kH*kW, L) input gives (N, C, H, W) or
    (C, H, W), ``output_size`` = (H, W); cells that several windows cover add up.

    Args:
        input: the columns.
        output_size: the image's spatial size (an int or a pair).
        kernel_size: window size (an int or a pair).
        dilation: spacing between window cells.
        padding: implicit zeros on each side (cropped from the result).
        stride: step between windows.
    """
    x = as_tensor(input)
    size = _pair(output_size, "col2im", "output_size", 2)
    k, d, p, s = _window_args("col2im", kernel_size, dilation, padding, stride, 3)
    if x.ndim not in (2, 3) or 0 in x.shape[-2:]:
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
            f"non-zero dimensions for input, but got: {_size(x.shape)}"
        )
    kk = k[0] * k[1]
    if x.shape[-2] % kk:
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={x.shape[-2]} and kernel_size=({k[0]}, "
            f"{k[1]})."
        )
    blocks = _blocks(size, k, d, p, s)
    if blocks[0] * blocks[1] != x.shape[-1]:
        raise RuntimeError(
            f"Given output_size=({size[0]}, {size[1]}), kernel_size=({k[0]}, {k[1]}), "
            f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), "
            "expected size of input's dimension 2 to match the calculated number of sliding "
            f"blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
            f"input.size(2)={x.shape[-1]}."
        )
    if min(blocks) < 1:
        raise RuntimeError(
            f"Given output_size=({size[0]}, {size[1]}), kernel_size=({k[0]}, {k[1]}), "
            f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), "
            f"calculated shape of the array of sliding blocks as ({blocks[0]}, {blocks[1]}), "
            "which is invalid."
        )
    _floats_or_masks(x, "col2im_out_cpu", "fold")
    lead = (*x.shape[:-2], x.shape[-2] // kk)  # (N, C) or (C,)
    padded = (size[0] + 2 * p[0], size[1] + 2 * p[1])
    index = _cell_index(size, k, d, p, s, blocks).reshape(-1)
    canvas = _new_tensor(np.zeros((*lead, padded[0] * padded[1]), dtype=x._data.dtype), None)
    image = canvas.index_add(len(lead), _new_tensor(index, None), x.reshape(*lead, -1))
    image = image.reshape((*lead, *padded))
    if p != (0, 0):
        image = image[..., p[0] : p[0] + size[0], p[1] : p[1] + size[1]]
    return image


def _factor(value: Any, fn: str, name: str) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool):
        raise TypeError(
            f"{fn}(): argument '{name}' (position 2) must be int, not {type(value).__name__}"
        )
    if value <= 0:
        raise RuntimeError(f"{fn} expects a positive {name}, but got {value}")
    return int(value)


def _at_least_3d(x: Tensor, fn: str) -> None:
    if x.ndim < 3:
        raise RuntimeError(
            f"{fn} expects input to have at least 3 dimensions, but got input with {x.ndim} "
            "dimension(s)"
        )


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r², H, W) to (*, C, H r, W r), as ``torch.nn.functional.pixel_shuffle``: each
    group of r² channels becomes an r x r block of pixels (sub-pixel convolution's upsampling).
    """
    x = as_tensor(input)
    _at_least_3d(x, "pixel_shuffle")
    r = _factor(upscale_factor, "pixel_shuffle", "upscale_factor")
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    n = len(lead)
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    y = y.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)  # (*, C, H, r, W, r)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) to (*, C r², H, W), as ``torch.nn.functional.pixel_unshuffle``: the
    inverse of ``pixel_shuffle``."""
    x = as_tensor(input)
    _at_least_3d(x, "pixel_unshuffle")
    r = _factor(downscale_factor, "pixel_unshuffle", "downscale_factor")
    *lead, c, h, w = x.shape
    for axis, n_ in (("height", h), ("width", w)):
        if n_ % r:
            dim = -2 if axis == "height" else -1
            raise RuntimeError(
                f"pixel_unshuffle expects {axis} to be divisible by downscale_factor, but "
                f"input.size({dim})={n_} is not divisible by {r}"
            )
    n = len(lead)
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    y = y.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)  # (*, C, r, r, H, W)
    return y.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """(N, C, *) with its channels interleaved across ``groups``, as
    ``torch.nn.functional.channel_shuffle`` (ShuffleNet): channel g*(C/groups) + i moves to
    i*groups + g."""
    x = as_tensor(input)
    if x.ndim <= 2:
        raise RuntimeError(
            f"channel_shuffle expects input with > 2 dims, but got input with sizes "
            f"{_size(x.shape)}"
        )
    if not isinstance(groups, int | np.integer) or isinstance(groups, bool):
        raise TypeError(
            f"channel_shuffle(): argument 'groups' (position 2) must be int, not "
            f"{type(groups).__name__}"
        )
    if groups <= 0:
        raise RuntimeError(
            f"Number of groups to divide channels in must be positive. Value of groups:{groups}"
        )
    n, c = x.shape[:2]
    if c % groups:
        raise RuntimeError(
            f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups."
        )
    rest = x.shape[2:]
    y = x.reshape(n, int(groups), c // groups, *rest).transpose(1, 2)
    return y.reshape(n, c, *rest)
