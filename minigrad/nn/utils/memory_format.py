"""``torch.nn.utils``' conversions of convolution weights to another memory format, which
minigrad's tensors do not have: each returns the module as it is.

PyTorch's ``channels_last`` reorders a weight's strides so that its GPU kernels run faster;
the values and the results stay the same. minigrad's convolutions take their operands in
NumPy's C order and arrange them themselves, so there is nothing to convert.
"""

from __future__ import annotations

from typing import Any

from ..module import Module

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def convert_conv2d_weight_memory_format(module: Module, memory_format: Any) -> Module:
    """``module``, unchanged: minigrad has one memory layout (see this module's docstring)."""
    return module


def convert_conv3d_weight_memory_format(module: Module, memory_format: Any) -> Module:
    """``module``, unchanged: minigrad has one memory layout (see this module's docstring)."""
    return module
