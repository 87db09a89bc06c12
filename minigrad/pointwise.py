"""PyTorch's elementwise Tensor methods beyond the core arithmetic: rounding, signs, tests for
nan and inf, logical and bitwise operators, floor division and remainder, and the inverse and
hyperbolic trigonometric functions.

``Tensor`` inherits them (through ``TensorSurface``). Each is written with core Tensor
methods and the ops of ``ops.py`` and ``more_ops.py``: the rules live with the ops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import fused, more_ops
from .engine import TensorMakers

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["PointwiseMethods"]


class PointwiseMethods:
    """The elementwise methods of this module (``Tensor`` inherits them)."""

    __slots__ = ()

    # -- trigonometry and friends -------------------------------------------------------------
    # Integer and bool tensors compute in the default float dtype (the ops' computes_in_floats).

    def tan(self: Any) -> Tensor:
        """Tangent, elementwise."""
        return TensorMakers.apply(more_ops.Tan(), self)

    def asin(self: Any) -> Tensor:
        """Inverse sine, elementwise (nan outside [-1, 1])."""
        return TensorMakers.apply(more_ops.Asin(), self)

    def acos(self: Any) -> Tensor:
        """Inverse cosine, elementwise (nan outside [-1, 1])."""
        return TensorMakers.apply(more_ops.Acos(), self)

    def atan(self: Any) -> Tensor:
        """Inverse tangent, elementwise."""
        return TensorMakers.apply(more_ops.Atan(), self)

    def sinh(self: Any) -> Tensor:
        """Hyperbolic sine, elementwise."""
        return TensorMakers.apply(more_ops.Sinh(), self)

    def cosh(self: Any) -> Tensor:
        """Hyperbolic cosine, elementwise."""
        return TensorMakers.apply(more_ops.Cosh(), self)

    def asinh(self: Any) -> Tensor:
        """Inverse hyperbolic sine, elementwise."""
        return TensorMakers.apply(more_ops.Asinh(), self)

    def acosh(self: Any) -> Tensor:
        """Inverse hyperbolic cosine, elementwise (nan below 1)."""
        return TensorMakers.apply(more_ops.Acosh(), self)

    def atanh(self: Any) -> Tensor:
        """Inverse hyperbolic tangent, elementwise (+-inf at +-1, nan outside [-1, 1])."""
        return TensorMakers.apply(more_ops.Atanh(), self)

    def erf(self: Any) -> Tensor:
        """The error function 2/sqrt(pi) int_0^x exp(-t^2) dt, elementwise."""
        return TensorMakers.apply(fused.Erf(), self)

    arcsin, arccos, arctan = asin, acos, atan
    arcsinh, arccosh, arctanh = asinh, acosh, atanh
