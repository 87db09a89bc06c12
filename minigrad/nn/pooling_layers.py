"""Pooling layers over one or three axes and the adaptive and unpooling layers, as
``torch.nn``: MaxPool1d/3d, AvgPool1d/3d, AdaptiveAvgPool1d/3d, AdaptiveMaxPool1d/2d/3d,
MaxUnpool1d/2d/3d, LPPool1d/2d/3d. Each is a thin module over its function in ``nn.functional``
(``pooling.py``); MaxPool2d, AvgPool2d and AdaptiveAvgPool2d live with the convolutions
(``conv.py``, with the bases of the max and average pools).
"""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import pooling as P
from ._common import _tuple
from .conv import _AvgPoolNd, _MaxPoolNd, _named
from .module import Module

__all__ = [
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d",
    "AvgPool1d",
    "AvgPool3d",
    "LPPool1d",
    "LPPool2d",
    "LPPool3d",
    "MaxPool1d",
    "MaxPool3d",
    "MaxUnpool1d",
    "MaxUnpool2d",
    "MaxUnpool3d",
]


class MaxPool1d(_MaxPoolNd):
    """Maximum over each window of (N, C, L) or (C, L) input, as ``torch.nn.MaxPool1d``.

    Args:
        kernel_size: window size.
        stride: step between windows (defaults to ``kernel_size``).
        padding: implicit -inf padding on each side, at most half the window.
        dilation: spacing between window elements.
        return_indices: also return the index of each maximum (for ``MaxUnpool1d``).
        ceil_mode: keep a last, partial window at the end.
    """

    _fn = staticmethod(P.max_pool1d)


class MaxPool3d(_MaxPoolNd):
    """Maximum over each window of (N, C, D, H, W) or (C, D, H, W) input, as
    ``torch.nn.MaxPool3d``; arguments as ``MaxPool2d``'s, each an int or a triple
    (``return_indices``: each maximum's flat index into its D*H*W volume, for ``MaxUnpool3d``).
    """

    _fn = staticmethod(P.max_pool3d)


class AvgPool3d(_AvgPoolNd):
    """Mean over each window of (N, C, D, H, W) or (C, D, H, W) input, as
    ``torch.nn.AvgPool3d``; arguments as ``AvgPool2d``'s, each an int or a triple."""

    _fn = staticmethod(P.avg_pool3d)


class AvgPool1d(Module):
    """Mean over each window of (N, C, L) or (C, L) input, as ``torch.nn.AvgPool1d``.

    Args:
        kernel_size: window size.
        stride: step between windows (defaults to ``kernel_size``).
        padding: implicit zero padding on each side, at most half the window.
        ceil_mode: keep a last, partial window at the end.
        count_include_pad: whether the zero padding counts in the divisor.
    """

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        name = "AvgPool1d"
        # PyTorch keeps these as one-int tuples (``_single``), shown so in the repr.
        self.kernel_size = _tuple(kernel_size, 1, name, "kernel_size")
        self.stride = _tuple(stride if stride is not None else kernel_size, 1, name, "stride")
        self.padding = _tuple(padding, 1, name, "padding")
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return _named(
            self, P.avg_pool1d, input, self.kernel_size, self.stride, self.padding,
            self.ceil_mode, self.count_include_pad,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AdaptivePool(Module):
    """An adaptive pool: ``output_size`` (and, for the max pools, ``return_indices``)."""

    _fn: Any = None

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Any:
        return _named(self, type(self)._fn, input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePool):
    """Average pooling of (N, C, L) or (C, L) input to length ``output_size``, as
    ``torch.nn.AdaptiveAvgPool1d`` (windows floor(i L / out) .. ceil((i + 1) L / out) - 1)."""

    _fn = staticmethod(P.adaptive_avg_pool1d)


class AdaptiveAvgPool3d(_AdaptivePool):
    """Average pooling of (N, C, D, H, W) or (C, D, H, W) input to ``output_size`` (an int or
    a triple whose entries may be None: keep), as ``torch.nn.AdaptiveAvgPool3d``."""

    _fn = staticmethod(P.adaptive_avg_pool3d)


class _AdaptiveMaxPool(_AdaptivePool):
    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return _named(self, type(self)._fn, input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPool):
    """Maximum pooling of (N, C, L) or (C, L) input to length ``output_size``, as
    ``torch.nn.AdaptiveMaxPool1d``; ``return_indices``: also each maximum's index into L."""

    _fn = staticmethod(P.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    """Maximum pooling of (N, C, H, W) or (C, H, W) input to ``output_size`` (an int or a
    pair whose entries may be None: keep), as ``torch.nn.AdaptiveMaxPool2d``;
    ``return_indices``: also each maximum's flat index into its H*W plane."""

    _fn = staticmethod(P.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPool):
    """Maximum pooling of (N, C, D, H, W) or (C, D, H, W) input to ``output_size`` (an int or
    a triple whose entries may be None: keep), as ``torch.nn.AdaptiveMaxPool3d``;
    ``return_indices``: also each maximum's flat index into its D*H*W volume."""

    _fn = staticmethod(P.adaptive_max_pool3d)


class _MaxUnpool(Module):
    _nd = 2
    _fn: Any = None

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        name, nd = type(self).__name__, self._nd
        self.kernel_size = _tuple(kernel_size, nd, name, "kernel_size")
        self.stride = _tuple(stride if stride is not None else kernel_size, nd, name, "stride")
        self.padding = _tuple(padding, nd, name, "padding")

    def forward(self, input: Tensor, indices: Tensor, output_size: Any = None) -> Tensor:
        return _named(
            self, type(self)._fn, input, indices, self.kernel_size, self.stride, self.padding,
            output_size,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpool):
    """The inverse of ``MaxPool1d``, as ``torch.nn.MaxUnpool1d``: ``forward(input, indices,
    output_size=None)`` puts each value at its index in a zero output (see
    ``F.max_unpool1d``)."""

    _nd = 1
    _fn = staticmethod(P.max_unpool1d)


class MaxUnpool2d(_MaxUnpool):
    """The inverse of ``MaxPool2d``, as ``torch.nn.MaxUnpool2d``: ``forward(input, indices,
    output_size=None)`` puts each value at its flat index in a zero output (see
    ``F.max_unpool2d``)."""

    _nd = 2
    _fn = staticmethod(P.max_unpool2d)


class MaxUnpool3d(_MaxUnpool):
    """The inverse of ``MaxPool3d``, as ``torch.nn.MaxUnpool3d``: ``forward(input, indices,
    output_size=None)`` puts each value at its flat index in a zero output (see
    ``F.max_unpool3d``)."""

    _nd = 3
    _fn = staticmethod(P.max_unpool3d)


class _LPPoolNd(Module):
    """A power-average pool: ``norm_type``, ``kernel_size``, ``stride`` and ``ceil_mode``,
    kept as given (PyTorch's module does not turn them into tuples)."""

    _fn: Any = None

    def __init__(
        self, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False
    ) -> None:
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return _named(
            self, type(self)._fn, input, float(self.norm_type), self.kernel_size, self.stride,
            self.ceil_mode,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, ceil_mode={self.ceil_mode}"
        )


class LPPool1d(_LPPoolNd):
    """Power-average pooling of (N, C, L) or (C, L) input, as ``torch.nn.LPPool1d``:
    ``(sum over each window of x^p)^(1/p)`` (p = ``norm_type``; inf: the max of |x|, 1: the
    window sums). See ``F.lp_pool1d``.

    Args:
        norm_type: the power p.
        kernel_size: window size.
        stride: step between windows (defaults to ``kernel_size``).
        ceil_mode: keep a last, partial window at the end.
    """

    _fn = staticmethod(P.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """Power-average pooling of (N, C, H, W) or (C, H, W) input over (kH, kW) windows, as
    ``torch.nn.LPPool2d``; arguments as ``LPPool1d``'s, each an int or a pair."""

    _fn = staticmethod(P.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """Power-average pooling of (N, C, D, H, W) or (C, D, H, W) input over (kD, kH, kW)
    windows, as ``torch.nn.LPPool3d``; arguments as ``LPPool1d``'s, each an int or a triple."""

    _fn = staticmethod(P.lp_pool3d)
