"""Padding layers, as ``torch.nn``: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad and
CircularPad in 1, 2 and 3 dimensions, each a thin module over ``F.pad``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from . import functional as F
from .module import Module

__all__ = [
    "CircularPad1d",
    "CircularPad2d",
    "CircularPad3d",
    "ConstantPad1d",
    "ConstantPad2d",
    "ConstantPad3d",
    "ReflectionPad1d",
    "ReflectionPad2d",
    "ReflectionPad3d",
    "ReplicationPad1d",
    "ReplicationPad2d",
    "ReplicationPad3d",
    "ZeroPad1d",
    "ZeroPad2d",
    "ZeroPad3d",
]


def _padding(padding: Any, nd: int, name: str) -> tuple[int, ...]:
    """An int (the same on every side) or a sequence of (before, after) pairs, last dimension
    first: ``(left, right)``, ``(left, right, top, bottom)``, ``(..., front, back)``."""
    if isinstance(padding, int | np.integer) and not isinstance(padding, bool):
        return (int(padding),) * (2 * nd)
    if isinstance(padding, tuple | list) and all(
        isinstance(p, int | np.integer) and not isinstance(p, bool) for p in padding
    ):
        if len(padding) % 2:
            raise RuntimeError(
                f"Padding length must be divisible by 2 ({name}: got padding={padding!r}; give "
                f"an int or {2 * nd} ints, (before, after) for each padded dimension)"
            )
        return tuple(int(p) for p in padding)
    raise TypeError(f"{name}: padding must be an int or a tuple of {2 * nd} ints, got {padding!r}")


class _PadNd(Module):
    """A padding layer: ``F.pad(input, padding, mode)`` over the last ``_nd`` dimensions."""

    _nd = 1
    _mode = "constant"

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _padding(padding, self._nd, type(self).__name__)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dimension with ``value``, as ``torch.nn.ConstantPad1d``.

    Args:
        padding: an int (both sides) or (left, right); negative amounts crop.
        value: the fill value.
    """

    _nd = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dimensions with ``value``, as ``torch.nn.ConstantPad2d``.

    Args:
        padding: an int (every side) or (left, right, top, bottom); negative amounts crop.
        value: the fill value.
    """

    _nd = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dimensions with ``value``, as ``torch.nn.ConstantPad3d``.

    Args:
        padding: an int or (left, right, top, bottom, front, back); negative amounts crop.
        value: the fill value.
    """

    _nd = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dimension with zeros, as ``torch.nn.ZeroPad1d``.

    Args:
        padding: an int (both sides) or (left, right); negative amounts crop.
    """

    _nd = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last two dimensions with zeros, as ``torch.nn.ZeroPad2d``.

    Args:
        padding: an int (every side) or (left, right, top, bottom); negative amounts crop.
    """

    _nd = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last three dimensions with zeros, as ``torch.nn.ZeroPad3d``.

    Args:
        padding: an int or (left, right, top, bottom, front, back); negative amounts crop.
    """

    _nd = 3


class ReflectionPad1d(_PadNd):
    """Pad the last dimension of (N, C, W) or (C, W) input with its mirror image (the edge
    not repeated), as ``torch.nn.ReflectionPad1d``.

    Args:
        padding: an int or (left, right), each less than the dimension.
    """

    _nd, _mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Pad the last two dimensions of (N, C, H, W) or (C, H, W) input with their mirror image,
    as ``torch.nn.ReflectionPad2d``.

    Args:
        padding: an int or (left, right, top, bottom), each less than its dimension.
    """

    _nd, _mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Pad the last three dimensions of 5-D or 4-D input with their mirror image, as
    ``torch.nn.ReflectionPad3d``.

    Args:
        padding: an int or (left, right, top, bottom, front, back).
    """

    _nd, _mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Pad the last dimension of (N, C, W) or (C, W) input by repeating its edge values, as
    ``torch.nn.ReplicationPad1d``.

    Args:
        padding: an int or (left, right).
    """

    _nd, _mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Pad the last two dimensions of (N, C, H, W) or (C, H, W) input by repeating the edge
    values, as ``torch.nn.ReplicationPad2d``.

    Args:
        padding: an int or (left, right, top, bottom).
    """

    _nd, _mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Pad the last three dimensions of 5-D or 4-D input by repeating the edge values, as
    ``torch.nn.ReplicationPad3d``.

    Args:
        padding: an int or (left, right, top, bottom, front, back).
    """

    _nd, _mode = 3, "replicate"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        ndim = input.ndim
        if ndim not in (self._nd + 1, self._nd + 2):
            raise ValueError(
                f"expected {self._nd + 1}D or {self._nd + 2}D input (got {ndim}D input) "
                f"({self._get_name()}({self.extra_repr()}))"
            )
        return F.pad(input, self.padding, "circular")


class CircularPad1d(_CircularPadNd):
    """Pad the last dimension of (N, C, W) or (C, W) input by wrapping around (the end pads
    the beginning and the beginning the end), as ``torch.nn.CircularPad1d``.

    Args:
        padding: an int or (left, right), each at most the dimension.
    """

    _nd = 1


class CircularPad2d(_CircularPadNd):
    """Pad the last two dimensions of (N, C, H, W) or (C, H, W) input by wrapping around, as
    ``torch.nn.CircularPad2d``.

    Args:
        padding: an int or (left, right, top, bottom), each at most its dimension.
    """

    _nd = 2


class CircularPad3d(_CircularPadNd):
    """Pad the last three dimensions of 5-D or 4-D input by wrapping around, as
    ``torch.nn.CircularPad3d``.

    Args:
        padding: an int or (left, right, top, bottom, front, back).
    """

    _nd = 3
