"""Fractional max pooling (Graham, 2014), as ``torch.nn``: ``F.fractional_max_pool2d/3d`` (and
their ``_with_indices`` forms), ``FractionalMaxPool2d``/``FractionalMaxPool3d``.

Each output cell is the maximum of a ``kernel_size`` window whose start along every axis is
PyTorch's pseudo-random sequence for one sample ``u`` in [0, 1) per (batch, channel, axis):
``int((i + u) * alpha) - int(u * alpha)`` with ``alpha = (input - kernel) / (output - 1)``, the
last window ending at the input's edge. The maxima are found in NumPy and taken from the input
by one indexing op, so the gradient goes to each window's maximum, to any order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..dtypes import not_implemented_for
from ..node_surface import labelled
from ..random import as_generator
from ..tensor import Tensor, _new_tensor, apply, as_tensor
from .module import Module

__all__ = [
    "FractionalMaxPool2d",
    "FractionalMaxPool3d",
    "fractional_max_pool2d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
]

# PyTorch's words for each axis in its size checks, and the function name its kernel reports
_AXES = {2: ("height", "width"), 3: ("time", "height", "width")}
_KERNEL = {2: "fractional_max_pool2d()", 3: "fractional_max_pool3d_out()"}


def _ints(value: Any, nd: int, fn: str, name: str) -> tuple[int, ...]:
    """An int or ``nd`` ints (PyTorch's ``_pair``/``_triple``), refused as PyTorch's kernel."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return (int(value),) * nd
    if isinstance(value, tuple | list) and len(value) in (1, nd):
        if all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value):
            return tuple(int(v) for v in value) * (nd if len(value) == 1 else 1)
    ints = "Ints" if nd == 2 else "three Ints"
    raise RuntimeError(f"{fn}: {name} must either be a single Int or tuple of {ints}")


def _intervals(sample: np.ndarray, size: int, out: int, kernel: int) -> np.ndarray:
    """PyTorch's window starts for each sample (any shape, the input's dtype, computed in that
    dtype as its kernel does): ``(..., out)`` ints, the last at ``size - kernel``."""
    dt = sample.dtype.type
    seq = np.empty((*sample.shape, out), dtype=np.int64)
    if out > 1:
        alpha = dt(size - kernel) / dt(out - 1)
        i = np.arange(out - 1).astype(sample.dtype)
        s = sample[..., None]
        # C's static_cast<int> truncates toward zero, as astype does
        seq[..., :-1] = ((i + s) * alpha).astype(np.int64) - (s * alpha).astype(np.int64)
    if out > 0:
        seq[..., -1] = size - kernel
    return seq


def _argmax(a: np.ndarray, kernel: tuple[int, ...], starts: list[np.ndarray]) -> np.ndarray:
    """Each window's maximum as a flat index into its (N, C) plane: the first maximum in
    row-major order, the last NaN if there is one (PyTorch's ``val > max || isnan(val)``)."""
    n, c, *size = a.shape
    nd = len(size)
    out = tuple(s.shape[-1] for s in starts)
    strides = [math.prod(size[d + 1 :]) for d in range(nd)]
    flat = np.zeros((n, c, *out, *kernel), dtype=np.int64)
    for d in range(nd):
        at = [1] * nd
        at[d] = out[d]
        offset = [1] * nd
        offset[d] = kernel[d]
        pos = starts[d].reshape(n, c, *at, *([1] * nd)) + np.arange(kernel[d]).reshape(
            *([1] * (2 + nd)), *offset
        )
        flat = flat + pos * strides[d]
    flat = flat.reshape(n, c, *out, math.prod(kernel))
    plane, cells = math.prod(size), math.prod(out) * math.prod(kernel)
    windows = np.take_along_axis(a.reshape(n, c, plane), flat.reshape(n, c, cells), axis=2)
    windows = windows.reshape(flat.shape)
    best = np.argmax(windows, axis=-1)
    nan = np.isnan(windows)
    if nan.any():
        last = nan.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
        best = np.where(nan.any(axis=-1), last, best)
    return np.take_along_axis(flat, best[..., None], axis=-1)[..., 0]


def _ratios(output_ratio: Any, nd: int, fn: str) -> tuple[Any, ...]:
    """``output_ratio`` as PyTorch's functions read it. The 2-D function takes a pair only: a
    number raises its ``TypeError`` (its ``len(output_ratio)``) and more than two its
    ``ValueError``; the 3-D one takes a number for every axis, or reads the first three. Fewer
    ratios than axes raise PyTorch's ``IndexError``. (The modules take a number: they make the
    tuple before calling the function.)"""
    axes = "(H, W)" if nd == 2 else "(T, H, W)"
    if nd == 2:
        try:
            count = len(output_ratio)
        except TypeError as e:
            raise TypeError(
                f"{e}: {fn}'s output_ratio is a pair {axes} of ratios in (0, 1), e.g. "
                f"(0.5, 0.5); unlike nn.FractionalMaxPool2d, PyTorch's function takes no single "
                "number"
            ) from None
        if count > nd:
            raise ValueError(
                f"{fn} requires output_ratio to either be a single Int or tuple of Ints."
            )
    ratio = tuple(output_ratio) if isinstance(output_ratio, tuple | list) else (output_ratio,) * nd
    if len(ratio) < nd:
        raise IndexError(
            f"tuple index out of range: {fn}'s output_ratio needs a ratio per axis {axes}, "
            f"got {output_ratio!r}"
        )
    return ratio[:nd]


def _fractional(
    input: Any,
    kernel_size: Any,
    output_size: Any,
    output_ratio: Any,
    random_samples: Any,
    nd: int,
) -> tuple[Tensor, Tensor]:
    """The pooled values and PyTorch's indices (flat into each plane, int64)."""
    fn = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{fn} requires specifying either an output_size or an output_ratio")
    x = as_tensor(input)
    if output_size is None:
        ratio = _ratios(output_ratio, nd, fn)
        if x.ndim < nd:
            raise RuntimeError(
                f"{_KERNEL[nd]}: Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(x.shape)}"
            )
        output_size = [int(x.shape[x.ndim - nd + d] * ratio[d]) for d in range(nd)]
    if x.dtype.kind != "f":
        raise not_implemented_for(
            fn,
            x._data.dtype,
            "the input must be floating point: the windows are placed in its dtype",
        )
    kernel = _ints(kernel_size, nd, fn, "kernel_size")
    out = _ints(output_size, nd, fn, "output_size")
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"{_KERNEL[nd]}: Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(x.shape)}"
        )
    for i in range(1, x.ndim):
        if x.shape[i] == 0:
            raise RuntimeError(
                f"{_KERNEL[nd]}: Expected input to have non-zero size for non-batch "
                f"dimensions, but got{list(x.shape)} with dimension {i} being empty."
            )
    if min(kernel) < 1 or min(out) < 0:
        raise RuntimeError(
            f"{fn}: expected kernel_size > 0 and output_size >= 0, but got kernel_size="
            f"{kernel} and output_size={out}"
        )
    unbatched = x.ndim == nd + 1
    batch, channels = (1 if unbatched else x.shape[0]), x.shape[-nd - 1]
    if random_samples is None:
        drawn = as_generator(None, fn).random((batch, channels, nd)).astype(x.dtype)
    else:
        drawn = np.asarray(as_tensor(random_samples)._data)
        if drawn.dtype != x.dtype:
            raise RuntimeError("Expect _random_samples to have the same dtype as input")
        if drawn.ndim != 3:
            raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {drawn.ndim}")
        if drawn.shape[0] < batch:
            raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
        if drawn.shape[1] != channels:
            raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
        if drawn.shape[2] != nd:
            raise RuntimeError(
                f"Expect _random_samples.size(2) equals to {nd}; got {drawn.shape[2]}."
            )
    size = x.shape[-nd:]
    for d in range(nd):
        # (PyTorch's 3-D kernel also refuses a window ending exactly at the edge)
        if out[d] + kernel[d] - 1 > size[d] - (nd == 3):
            axis = _AXES[nd][d]
            raise RuntimeError(
                f"{_KERNEL[nd]}: pool {axis} {kernel[d]} too large relative to input {axis} "
                f"{size[d]}"
            )
    xb = x.reshape(1, *x.shape) if unbatched else x
    # PyTorch's 2-D kernel reads the samples as (W, H), its 3-D one as (T, H, W)
    order = (1, 0) if nd == 2 else (0, 1, 2)
    u = drawn[:batch]
    starts = [_intervals(u[..., order[d]], size[d], out[d], kernel[d]) for d in range(nd)]
    idx = _argmax(xb._data, kernel, starts)
    n, c = xb.shape[:2]
    grid = np.ix_(np.arange(n), np.arange(c), *(np.arange(m) for m in out))
    index = (grid[0], grid[1], *np.unravel_index(idx, tuple(size)))
    y = apply(ops.GetItem(index), xb)
    if unbatched:
        y, idx = y.reshape(y.shape[1:]), idx[0]
    return labelled(y, f"FractionalMaxPool{nd}DBackward0", x), _new_tensor(idx, None)


def fractional_max_pool2d(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Any = None,
) -> Any:
    """Fractional max pooling of (N, C, H, W) or (C, H, W) input, as ``torch.nn.functional``'s.

    Args:
        input: the input (floating point).
        kernel_size: the window (an int or a pair).
        output_size: the output's (H_out, W_out) (an int or a pair)...
        output_ratio: ...or its ratio to the input's size (each in (0, 1)); give one.
        return_indices: also return each maximum's flat index into its H*W plane (int64).
        _random_samples: the samples in [0, 1) that place the windows, (N, C, 2) in the
            input's dtype (PyTorch's order: the width's, then the height's); drawn from the
            default generator when None.

    Raises:
        ValueError: when neither ``output_size`` nor ``output_ratio`` is given.
        RuntimeError: for a window and output larger than the input, or samples of the wrong
            shape or dtype.
    """
    y, idx = _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 2)
    return (y, idx) if return_indices else y


def fractional_max_pool2d_with_indices(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Any = None,
) -> tuple[Tensor, Tensor]:
    """``fractional_max_pool2d`` that returns (values, indices), as ``torch.nn.functional``'s."""
    return _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 2)


def fractional_max_pool3d(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Any = None,
) -> Any:
    """Fractional max pooling of (N, C, T, H, W) or (C, T, H, W) input, as
    ``fractional_max_pool2d`` with triples (``_random_samples``: (N, C, 3), in the order T, H,
    W; indices flat into each T*H*W volume)."""
    y, idx = _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 3)
    return (y, idx) if return_indices else y


def fractional_max_pool3d_with_indices(
    input: Tensor,
    kernel_size: Any,
    output_size: Any = None,
    output_ratio: Any = None,
    return_indices: bool = False,
    _random_samples: Any = None,
) -> tuple[Tensor, Tensor]:
    """``fractional_max_pool3d`` that returns (values, indices), as ``torch.nn.functional``'s."""
    return _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 3)


class _FractionalMaxPool(Module):
    _nd = 2

    def __init__(
        self,
        kernel_size: Any,
        output_size: Any = None,
        output_ratio: Any = None,
        return_indices: bool = False,
        _random_samples: Any = None,
    ) -> None:
        super().__init__()
        nd, name = self._nd, type(self).__name__

        def tupled(v: Any) -> tuple[Any, ...]:
            return tuple(v) if isinstance(v, tuple | list) else (v,) * nd

        self.kernel_size = tupled(kernel_size)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = tupled(output_size) if output_size is not None else None
        self.output_ratio = tupled(output_ratio) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(
                f"{name} requires specifying either an output size, or a pooling ratio"
            )
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input: Tensor) -> Any:
        fn = fractional_max_pool2d if self._nd == 2 else fractional_max_pool3d
        return fn(
            input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices,
            _random_samples=self._random_samples,
        )  # fmt: skip


class FractionalMaxPool2d(_FractionalMaxPool):
    """Fractional max pooling of (N, C, H, W) or (C, H, W) input, as
    ``torch.nn.FractionalMaxPool2d`` (see ``F.fractional_max_pool2d``).

    Args:
        kernel_size: the window (an int or a pair).
        output_size: the output's size (an int or a pair)...
        output_ratio: ...or its ratio to the input's size, each in (0, 1); give one.
        return_indices: also return each maximum's index (for ``MaxUnpool2d``).
        _random_samples: fixed samples placing the windows (a buffer); fresh ones per call
            when None.
    """

    _nd = 2


class FractionalMaxPool3d(_FractionalMaxPool):
    """Fractional max pooling of (N, C, T, H, W) or (C, T, H, W) input, as
    ``torch.nn.FractionalMaxPool3d``; arguments as ``FractionalMaxPool2d``'s, with triples."""

    _nd = 3
