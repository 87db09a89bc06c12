"""PyTorch's elementwise Tensor methods beyond the core arithmetic: rounding, signs, tests for
nan and inf, logical and bitwise operators, floor division and remainder, and the inverse and
hyperbolic trigonometric functions.

``Tensor`` inherits them (through ``TensorSurface``). Each is written with core Tensor
methods and the ops of ``ops.py`` and ``more_ops.py``: the rules live with the ops.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

import numpy as np

from . import fused, more_ops, ops
from .engine import TensorMakers
from .quiet import _ieee

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["PointwiseMethods"]

# PyTorch's names of the dtypes, as its errors spell them ("not implemented for 'Long'").
_TORCH_NAMES = {
    "bool": "Bool",
    "uint8": "Byte",
    "int8": "Char",
    "int16": "Short",
    "int32": "Int",
    "int64": "Long",
    "uint16": "UInt16",
    "uint32": "UInt32",
    "uint64": "UInt64",
    "float16": "Half",
    "float32": "Float",
    "float64": "Double",
}


def torch_name(dt: np.dtype) -> str:
    """PyTorch's name of a dtype in its error messages (``Float`` for float32)."""
    return _TORCH_NAMES.get(dt.name, dt.name)


def _not_for(kernel: str, dt: np.dtype) -> NotImplementedError:
    """PyTorch's refusal of a dtype its kernel lacks, e.g. "frac_cpu" for an int tensor."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{torch_name(dt)}'")


def _bools(a: Any) -> Any:
    """A bool result as a tensor that records nothing (tests have no gradient)."""
    return TensorMakers.wrap(np.asarray(a), None)


class PointwiseMethods:
    """The elementwise methods of this module (``Tensor`` inherits them)."""

    __slots__ = ()

    # -- rounding and signs -------------------------------------------------------------------

    def _step(self: Any, op: more_ops._Step, kernel: str) -> Tensor:
        """A step function of this tensor: its op on floats (gradient 0); a copy of an integer
        tensor, already whole (as PyTorch); PyTorch's refusal for bool."""
        d = self._data
        if d.dtype.kind == "b":
            raise _not_for(kernel, d.dtype)
        if d.dtype.kind in "iu":
            return TensorMakers.wrap(d.copy(), None)
        return TensorMakers.apply(op, self)

    def round(self: Any, *, decimals: builtins.int = 0) -> Tensor:
        """Round half to even, at ``decimals`` digits after the point (before it if negative);
        gradient 0."""
        if type(decimals) is not builtins.int:
            raise TypeError(
                f"round(): argument 'decimals' must be int, not {type(decimals).__name__}"
            )
        if decimals and self._data.dtype.kind not in "fc":
            raise _not_for("round_cpu", self._data.dtype)
        return self._step(more_ops.Round(decimals), "round_vml_cpu")

    def floor(self: Any) -> Tensor:
        """The largest whole number <= x; gradient 0."""
        return self._step(more_ops.Floor(), "floor_vml_cpu")

    def ceil(self: Any) -> Tensor:
        """The smallest whole number >= x; gradient 0."""
        return self._step(more_ops.Ceil(), "ceil_vml_cpu")

    def trunc(self: Any) -> Tensor:
        """x rounded toward 0; gradient 0."""
        return self._step(more_ops.Trunc(), "trunc_vml_cpu")

    fix = trunc

    def frac(self: Any) -> Tensor:
        """x - trunc(x), with x's sign (nan at inf, as PyTorch); gradient 1."""
        if self._data.dtype.kind not in "fc":
            raise _not_for("frac_cpu", self._data.dtype)
        with _ieee():  # inf - inf = nan, as PyTorch, without NumPy's warning
            return self - self.trunc()

    def sign(self: Any) -> Tensor:
        """-1, 0 or 1 as x is negative, 0 (or nan) or positive, in x's dtype; gradient 0."""
        return TensorMakers.apply(more_ops.Sign(), self)

    def sgn(self: Any) -> Tensor:
        """sign(x): the same for real numbers (PyTorch's sgn also takes complex ones)."""
        return TensorMakers.apply(more_ops.Sgn(), self)

    def neg(self: Any) -> Tensor:
        """-x (refused for bool, as PyTorch: invert a mask with ``~`` or logical_not())."""
        if self._data.dtype.kind == "b":
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        return -self

    negative = neg

    def positive(self: Any) -> Tensor:
        """The tensor itself (as PyTorch: no copy, no node); refused for bool."""
        if self._data.dtype.kind == "b":
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    def reciprocal(self: Any) -> Tensor:
        """1 / x (an integer tensor gives the default float dtype); gradient -1/x^2."""
        return 1 / self

    # -- tests and logic ----------------------------------------------------------------------

    def _test(self: Any, test: Any, otherwise: builtins.bool) -> Tensor:
        """A bool test of each value; ``otherwise`` for an integer or bool tensor, whose values
        are all finite numbers."""
        d = self._data
        if d.dtype.kind in "fc":
            return _bools(test(d))
        return _bools(np.full(d.shape, otherwise))

    def isnan(self: Any) -> Tensor:
        """Whether each value is nan (bool, no gradient)."""
        return self._test(np.isnan, False)

    def isinf(self: Any) -> Tensor:
        """Whether each value is inf or -inf (bool, no gradient)."""
        return self._test(np.isinf, False)

    def isposinf(self: Any) -> Tensor:
        """Whether each value is inf (bool, no gradient)."""
        return self._test(np.isposinf, False)

    def isneginf(self: Any) -> Tensor:
        """Whether each value is -inf (bool, no gradient)."""
        return self._test(np.isneginf, False)

    def isfinite(self: Any) -> Tensor:
        """Whether each value is neither inf, -inf nor nan (bool, no gradient)."""
        return self._test(np.isfinite, True)

    def isclose(
        self: Any,
        other: Any,
        rtol: builtins.float = 1e-05,
        atol: builtins.float = 1e-08,
        equal_nan: builtins.bool = False,
    ) -> Tensor:
        """Whether |self - other| <= atol + rtol * |other|, elementwise (infinities close to
        themselves; nan close to nan with ``equal_nan``); bool, no gradient.

        Raises:
            TypeError: if other is not a tensor.
            RuntimeError: if the dtypes differ, or a tolerance is negative (PyTorch's words).
        """
        return _isclose(self, other, rtol, atol, equal_nan, 1)

    def nan_to_num(
        self: Any,
        nan: builtins.float = 0.0,
        posinf: builtins.float | None = None,
        neginf: builtins.float | None = None,
    ) -> Tensor:
        """nan, inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default 0 and
        the dtype's largest and lowest finite values); gradient 1 where x is finite, else 0."""
        for name, v in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
            number = isinstance(v, builtins.int | builtins.float)
            if not number and (v is not None or name == "nan"):
                raise TypeError(
                    f"nan_to_num(): argument '{name}' must be float, not {type(v).__name__}"
                )
        d = self._data
        if d.dtype.kind not in "fc":
            return TensorMakers.wrap(d.copy(), None)  # nothing to replace, as PyTorch
        filled = np.nan_to_num(d, nan=nan, posinf=posinf, neginf=neginf)
        return TensorMakers.apply(ops.Where(np.isfinite(d)), self, TensorMakers.wrap(filled, None))

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


def _isclose(
    x: Any, other: Any, rtol: Any, atol: Any, equal_nan: builtins.bool, position: builtins.int
) -> Any:
    """``isclose`` of the method (``other`` at position 1) and of the function (2)."""
    if not hasattr(other, "_data"):
        raise TypeError(
            f"isclose(): argument 'other' (position {position}) must be Tensor, not "
            f"{type(other).__name__}"
        )
    a, b = x._data, other._data
    if a.dtype != b.dtype:
        raise RuntimeError(f"{torch_name(a.dtype)} did not match {torch_name(b.dtype)}")
    for name, v in (("rtol", rtol), ("atol", atol)):
        if v < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {v}")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"isclose: shapes {a.shape} and {b.shape} do not broadcast: each trailing "
            "dimension must match or be 1"
        ) from None
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: the test handles infinities
        return _bools(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))
