"""PyTorch's elementwise Tensor methods beyond the core arithmetic: rounding, signs, tests for
nan and inf, logical and bitwise operators, floor division and remainder, and the inverse and
hyperbolic trigonometric functions.

``Tensor`` inherits them (through ``TensorSurface``). Each is written with core Tensor
methods and the ops of ``ops.py`` and ``more_ops.py``: the rules live with the ops.
"""

from __future__ import annotations

__all__ = ["PointwiseMethods"]


class PointwiseMethods:
    """The elementwise methods of this module (``Tensor`` inherits them)."""

    __slots__ = ()
