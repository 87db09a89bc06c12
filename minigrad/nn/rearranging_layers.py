"""Layers that move elements, as ``torch.nn``: Unfold, Fold, PixelShuffle, PixelUnshuffle,
ChannelShuffle; each is a thin module over its function (``rearranging.py``)."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import rearranging as R
from .module import Module

__all__ = ["ChannelShuffle", "Fold", "PixelShuffle", "PixelUnshuffle", "Unfold"]


class Unfold(Module):
    """Sliding windows of (N, C, H, W) or (C, H, W) input as columns (N, C*kH*kW, L), as
    ``torch.nn.Unfold`` (see ``F.unfold``).

    Args:
        kernel_size: window size (an int or a pair).
        dilation: spacing between window cells.
        padding: implicit zeros on each side.
        stride: step between windows.
    """

    def __init__(
        self, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1
    ) -> None:
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return R.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding},"
            f" stride={self.stride}"
        )


class Fold(Module):
    """Columns (N, C*kH*kW, L) summed back into an (N, C, *output_size) image, as
    ``torch.nn.Fold`` (see ``F.fold``): the adjoint of ``Unfold``.

    Args:
        output_size: the image's spatial size (an int or a pair).
        kernel_size: window size (an int or a pair).
        dilation: spacing between window cells.
        padding: implicit zeros on each side.
        stride: step between windows.
    """

    def __init__(
        self,
        output_size: Any,
        kernel_size: Any,
        dilation: Any = 1,
        padding: Any = 0,
        stride: Any = 1,
    ) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input: Tensor) -> Tensor:
        return R.fold(
            input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride
        )

    def extra_repr(self) -> str:
        return (
            f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
            f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
        )


class PixelShuffle(Module):
    """(*, C r², H, W) to (*, C, H r, W r), as ``torch.nn.PixelShuffle`` (see
    ``F.pixel_shuffle``)."""

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return R.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H r, W r) to (*, C r², H, W), as ``torch.nn.PixelUnshuffle``: the inverse of
    ``PixelShuffle``."""

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return R.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """The channels of (N, C, *) input interleaved across ``groups``, as
    ``torch.nn.ChannelShuffle`` (see ``F.channel_shuffle``)."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return R.channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
