"""Upsampling layers, as ``torch.nn``: Upsample, UpsamplingNearest2d, UpsamplingBilinear2d,
each a thin module over ``F.interpolate``."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import functional as F
from .module import Module

__all__ = ["Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d"]


class Upsample(Module):
    """Resize (N, C, *S) input (S of 1 to 3 dimensions) to ``size`` or by ``scale_factor``,
    as ``torch.nn.Upsample``: ``F.interpolate`` with the layer's arguments.

    Args:
        size: the output's spatial size (an int or a tuple).
        scale_factor: a multiplier for the spatial size (a float or a tuple of floats).
        mode: "nearest" (default), "nearest-exact", "linear", "bilinear", "trilinear" or "area".
        align_corners: for the linear modes, line up the corner cells of input and output.
        recompute_scale_factor: compute the step from the sizes rather than the factor.
    """

    def __init__(
        self,
        size: Any = None,
        scale_factor: Any = None,
        mode: str = "nearest",
        align_corners: bool | None = None,
        recompute_scale_factor: bool | None = None,
    ) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor: Any = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.interpolate(
            input,
            self.size,
            self.scale_factor,
            self.mode,
            self.align_corners,
            recompute_scale_factor=self.recompute_scale_factor,
        )

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return f"{info}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of (N, C, H, W) input, as ``torch.nn.UpsamplingNearest2d``
    (``Upsample(mode="nearest")``).

    Args:
        size: the output's (H, W) (an int or a pair).
        scale_factor: a multiplier for H and W.
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of (N, C, H, W) input with the corners aligned, as
    ``torch.nn.UpsamplingBilinear2d`` (``Upsample(mode="bilinear", align_corners=True)``).

    Args:
        size: the output's (H, W) (an int or a pair).
        scale_factor: a multiplier for H and W.
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
