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

from . import fused, gamma, more_ops, ops, special_ops
from .dtypes import default_float, not_implemented_for, result_np, torch_name, wrapped_int
from .engine import Op, TensorMakers
from .inplace import _inplace
from .node_surface import labelled
from .operands import _operand
from .quiet import _ieee
from .reflected import Reciprocal
from .validation import _bool_refusal, _check_broadcast, _check_broadcasts, _is_bool

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["PointwiseMethods"]


def _bools(a: Any) -> Any:
    """A bool result as a tensor that records nothing (tests have no gradient)."""
    return TensorMakers.wrap(np.asarray(a), None)


def _pair(op: Op, name: str, x: Any, other: Any, numbers: bool = False) -> Tensor:
    """``op`` of x and other, both in PyTorch's result dtype, which is a float: integers
    compute in the default float dtype, or are refused where PyTorch's kernel is float-only
    (``hypot``, ``logaddexp``: ops without ``computes_in_floats``). ``numbers``: either may be
    a Python number (PyTorch's xlogy), which stays a constant (of the result's dtype)."""
    if isinstance(other, bool | int | float) and not numbers:
        raise TypeError(
            f"{name}(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}"
        )
    if not hasattr(other, "_data"):
        other = _operand(other, name, x, other)
    a, b = (v._data if hasattr(v, "_data") else v for v in (x, other))
    rt = result_np(a, b)  # (Python numbers count as PyTorch's wrapped numbers)
    if rt.kind not in "fc":
        if not op.computes_in_floats:
            raise not_implemented_for(f"{name}_cpu", rt)
        rt = default_float()
    # A tensor of another dtype by a recorded cast (its gradient comes back in its dtype).
    x, y = (
        (v if v._data.dtype == rt else v.astype(rt)) if hasattr(v, "_data") else np.asarray(v, rt)
        for v in (x, other)
    )
    try:
        return TensorMakers.apply(op, x, y)
    except ValueError:
        _check_broadcast(op, x, y)  # say which op and which shapes, not NumPy's "operands"
        raise


class PointwiseMethods:
    """The elementwise methods of this module (``Tensor`` inherits them)."""

    __slots__ = ()

    # -- rounding and signs -------------------------------------------------------------------

    def _step(self: Any, op: more_ops._Step, kernel: str) -> Tensor:
        """A step function of this tensor: its op on floats (gradient 0); a copy of an integer
        tensor, already whole (as PyTorch); PyTorch's refusal for bool."""
        d = self._data
        if d.dtype.kind == "b":
            raise not_implemented_for(kernel, d.dtype)
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
            raise not_implemented_for("round_cpu", self._data.dtype)
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
            raise not_implemented_for("frac_cpu", self._data.dtype)
        with _ieee():  # inf - inf = nan, as PyTorch, without NumPy's warning
            return labelled(self - self.trunc(), "FracBackward0", self)

    def sign(self: Any) -> Tensor:
        """-1, 0 or 1 as x is negative, 0 (or nan) or positive, in x's dtype; gradient 0."""
        return TensorMakers.apply(more_ops.Sign(), self)

    def sgn(self: Any) -> Tensor:
        """sign(x): the same for real numbers (PyTorch's sgn also takes complex ones)."""
        return TensorMakers.apply(more_ops.Sgn(), self)

    def neg(self: Any) -> Tensor:
        """-x (refused for bool, as PyTorch: invert a mask with ``~`` or logical_not())."""
        return -self

    negative = neg

    def positive(self: Any) -> Tensor:
        """The tensor itself (as PyTorch: no copy, no node); refused for bool."""
        if self._data.dtype.kind == "b":
            raise _bool_refusal("positive")
        return self

    __pos__ = positive

    def absolute(self: Any) -> Tensor:
        """|x| (``abs``)."""
        return self.abs()

    def lerp(self: Any, end: Any, weight: Any) -> Tensor:
        """self + weight * (end - self); gradients 1 - weight, weight and end - self.

        As PyTorch's: ``end`` is a tensor of self's dtype, a floating one.
        """
        if not hasattr(end, "_data"):
            raise TypeError(f"lerp(): argument 'end' must be Tensor, not {type(end).__name__}")
        if self._data.dtype.kind not in "fc":
            kind = "tensor" if hasattr(weight, "_data") else "scalar"
            raise not_implemented_for(f"lerp_kernel_{kind}", self._data.dtype)
        if end._data.dtype != self._data.dtype:
            raise RuntimeError(
                f"expected dtype {torch_name(self._data.dtype, True)} for `end` but got dtype "
                f"{torch_name(end._data.dtype, True)}"
            )
        if not hasattr(weight, "_data"):  # PyTorch's two formulas, the same away from inf
            return (
                self + weight * (end - self)
                if abs(weight) < 0.5
                else end - (end - self) * (1 - weight)
            )
        small = np.abs(weight._data) < 0.5
        near_start = self + weight * (end - self)
        return TensorMakers.apply(ops.Where(small), near_start, end - (end - self) * (1 - weight))

    def addcmul(self: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        """self + value * tensor1 * tensor2 (broadcast; PyTorch's type promotion); refused for
        three bool tensors, as PyTorch (NumPy would answer with or and and)."""
        if _is_bool(self) and _is_bool(tensor1) and _is_bool(tensor2):
            raise _bool_refusal("addcmul")
        product = tensor1 * tensor2
        return self + (product if _is_one(value) else value * product)

    def addcdiv(self: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
        """self + value * tensor1 / tensor2; refused for two integer tensors, as PyTorch."""
        kinds = [getattr(t, "_data", np.asarray(t)).dtype.kind for t in (tensor1, tensor2)]
        if all(k in "biu" for k in kinds):
            raise RuntimeError(_ADDCDIV_OF_INTEGERS)
        quotient = tensor1 / tensor2
        return self + (quotient if _is_one(value) else value * quotient)

    def reciprocal(self: Any) -> Tensor:
        """1 / x (an integer tensor gives the default float dtype); gradient -1/x^2, written
        -z^2 with the output z as PyTorch's ``ReciprocalBackward0``."""
        return TensorMakers.apply(Reciprocal(), self)

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
        nan: builtins.float | None = 0.0,
        posinf: builtins.float | None = None,
        neginf: builtins.float | None = None,
    ) -> Tensor:
        """nan, inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default 0 and
        the dtype's largest and lowest finite values; None for any of them is its default, as
        in PyTorch); gradient 1 where x is finite, else 0."""
        nan = 0.0 if nan is None else nan
        for name, v in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
            if not isinstance(v, builtins.int | builtins.float) and v is not None:
                raise TypeError(
                    f"nan_to_num(): argument '{name}' must be float, not {type(v).__name__}"
                )
        d = self._data
        if d.dtype.kind not in "fc":
            return TensorMakers.wrap(d.copy(), None)  # nothing to replace, as PyTorch
        filled = np.nan_to_num(d, nan=nan, posinf=posinf, neginf=neginf)
        out = TensorMakers.apply(ops.Where(np.isfinite(d)), self, TensorMakers.wrap(filled, None))
        return labelled(out, "NanToNumBackward0", self)

    def logical_and(self: Any, other: Any) -> Tensor:
        """Whether both are nonzero, elementwise (bool, no gradient)."""
        return _logical(np.logical_and, "logical_and", self, other, 1)

    def logical_or(self: Any, other: Any) -> Tensor:
        """Whether either is nonzero, elementwise (bool, no gradient)."""
        return _logical(np.logical_or, "logical_or", self, other, 1)

    def logical_xor(self: Any, other: Any) -> Tensor:
        """Whether exactly one is nonzero, elementwise (bool, no gradient)."""
        return _logical(np.logical_xor, "logical_xor", self, other, 1)

    def logical_not(self: Any) -> Tensor:
        """Whether each value is zero (bool, no gradient)."""
        return _bools(np.logical_not(self._data))

    def bitwise_and(self: Any, other: Any) -> Tensor:
        """self & other, bit by bit (logical for bool); integer and bool tensors only."""
        return _bitwise(np.bitwise_and, "bitwise_and", self, other)

    def bitwise_or(self: Any, other: Any) -> Tensor:
        """self | other, bit by bit (logical for bool); integer and bool tensors only."""
        return _bitwise(np.bitwise_or, "bitwise_or", self, other)

    def bitwise_xor(self: Any, other: Any) -> Tensor:
        """self ^ other, bit by bit (logical for bool); integer and bool tensors only."""
        return _bitwise(np.bitwise_xor, "bitwise_xor", self, other)

    def bitwise_not(self: Any) -> Tensor:
        """~self, bit by bit (logical for bool); integer and bool tensors only."""
        d = self._data
        if d.dtype.kind not in "biu":
            raise not_implemented_for("bitwise_not_cpu", d.dtype)
        return _bools(np.invert(d))

    def __invert__(self: Any) -> Tensor:
        if self._data.dtype.kind not in "biu":
            raise TypeError(
                "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
            )
        return self.bitwise_not()

    def bitwise_left_shift(self: Any, other: Any) -> Tensor:
        """self << other (integer tensors only): a shift by a negative count or by the dtype's
        width or more gives 0, as PyTorch's."""
        return _bitwise(_left_shift, "bitwise_left_shift", self, other)

    def bitwise_right_shift(self: Any, other: Any) -> Tensor:
        """self >> other (integer tensors only, arithmetic: the sign is kept): a shift by a
        negative count or by the dtype's width or more gives 0, or -1 for a negative value, as
        PyTorch's."""
        return _bitwise(_right_shift, "bitwise_right_shift", self, other)

    __and__, __or__, __xor__ = bitwise_and, bitwise_or, bitwise_xor
    __lshift__, __rshift__ = bitwise_left_shift, bitwise_right_shift

    def __rlshift__(self: Any, other: Any) -> Tensor:
        return _bitwise(_left_shift, "bitwise_left_shift", other, self)

    def __rrshift__(self: Any, other: Any) -> Tensor:
        return _bitwise(_right_shift, "bitwise_right_shift", other, self)

    def __rand__(self: Any, other: Any) -> Tensor:
        return _bitwise(np.bitwise_and, "bitwise_and", other, self)

    def __ror__(self: Any, other: Any) -> Tensor:
        return _bitwise(np.bitwise_or, "bitwise_or", other, self)

    def __rxor__(self: Any, other: Any) -> Tensor:
        return _bitwise(np.bitwise_xor, "bitwise_xor", other, self)

    def bitwise_and_(self: Any, other: Any) -> Tensor:
        """self &= other, in place (``&=``); returns self."""
        return _in_place(self, "bitwise_and_", PointwiseMethods.bitwise_and, other)

    def bitwise_or_(self: Any, other: Any) -> Tensor:
        """self |= other, in place (``|=``); returns self."""
        return _in_place(self, "bitwise_or_", PointwiseMethods.bitwise_or, other)

    def bitwise_xor_(self: Any, other: Any) -> Tensor:
        """self ^= other, in place (``^=``); returns self."""
        return _in_place(self, "bitwise_xor_", PointwiseMethods.bitwise_xor, other)

    def bitwise_left_shift_(self: Any, other: Any) -> Tensor:
        """self <<= other, in place (``<<=``); returns self."""
        return _in_place(self, "bitwise_left_shift_", PointwiseMethods.bitwise_left_shift, other)

    def bitwise_right_shift_(self: Any, other: Any) -> Tensor:
        """self >>= other, in place (``>>=``); returns self."""
        return _in_place(self, "bitwise_right_shift_", PointwiseMethods.bitwise_right_shift, other)

    # ``x &= y`` changes x, as in PyTorch (without these Python would rebind x to a new tensor,
    # and a view of x would not see the change).
    __iand__, __ior__, __ixor__ = bitwise_and_, bitwise_or_, bitwise_xor_
    __ilshift__, __irshift__ = bitwise_left_shift_, bitwise_right_shift_

    # -- division ------------------------------------------------------------------------------

    def floor_divide(self: Any, other: Any) -> Tensor:
        """floor(self / other), Python's // (integer tensors stay integers); PyTorch gives it
        no derivative: a backward that reaches it raises."""
        return _divide("floor_divide", self, other)

    def remainder(self: Any, other: Any) -> Tensor:
        """self - other * floor(self / other), with other's sign (Python's %); gradient 1 for
        self, -floor(self / other) for other."""
        return _divide("remainder", self, other)

    def fmod(self: Any, other: Any) -> Tensor:
        """self - other * trunc(self / other), with self's sign (C's fmod); gradient 1 for
        self, -trunc(self / other) for other."""
        return _divide("fmod", self, other)

    __floordiv__, __mod__ = floor_divide, remainder

    def __rfloordiv__(self: Any, other: Any) -> Tensor:
        return _divide("floor_divide", other, self)

    def __rmod__(self: Any, other: Any) -> Tensor:
        return _divide("remainder", other, self)

    def floor_divide_(self: Any, other: Any) -> Tensor:
        """self //= other, in place (``//=``); returns self."""
        return _in_place(self, "floor_divide_", PointwiseMethods.floor_divide, other)

    def remainder_(self: Any, other: Any) -> Tensor:
        """self %= other, in place (``%=``); returns self."""
        return _in_place(self, "remainder_", PointwiseMethods.remainder, other)

    def fmod_(self: Any, other: Any) -> Tensor:
        """self = fmod(self, other), in place; returns self."""
        return _in_place(self, "fmod_", PointwiseMethods.fmod, other)

    __ifloordiv__, __imod__ = floor_divide_, remainder_

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

    def erfinv(self: Any) -> Tensor:
        """The inverse error function, elementwise (+-inf at +-1, nan outside [-1, 1])."""
        return TensorMakers.apply(more_ops.Erfinv(), self)

    def erfc(self: Any) -> Tensor:
        """The complementary error function 1 - erf(x), elementwise (accurate in the tail)."""
        return TensorMakers.apply(special_ops.Erfc(), self)

    def i0(self: Any) -> Tensor:
        """The modified Bessel function of the first kind of order 0, elementwise."""
        return TensorMakers.apply(special_ops.I0(), self)

    def lgamma(self: Any) -> Tensor:
        """log|Gamma(x)|, elementwise (+inf at 0 and the negative integers)."""
        return TensorMakers.apply(gamma.Lgamma(), self)

    def digamma(self: Any) -> Tensor:
        """The derivative of lgamma, elementwise (nan at the negative integers)."""
        return TensorMakers.apply(gamma.Digamma(), self)

    def polygamma(self: Any, n: builtins.int) -> Tensor:
        """The n-th derivative of digamma, elementwise (``x.polygamma(n)``, PyTorch's order).

        Raises:
            TypeError: if n is not an int; RuntimeError: if n is negative (PyTorch's words).
        """
        out = TensorMakers.apply(_polygamma_op(n), self)
        return labelled(out, "PolygammaBackward0", self) if n == 0 else out

    def mvlgamma(self: Any, p: builtins.int) -> Tensor:
        """The multivariate log-gamma of dimension p: p(p-1)/4 log(pi) + sum_i lgamma(x - i/2).

        Raises:
            RuntimeError: if p < 1 or an element is not above (p - 1) / 2 (PyTorch's words).
        """
        return _mvlgamma(self, p)

    def sinc(self: Any) -> Tensor:
        """sin(pi x) / (pi x), elementwise (1 at 0)."""
        return TensorMakers.apply(more_ops.Sinc(), self)

    def logit(self: Any, eps: float | None = None) -> Tensor:
        """log(x / (1 - x)), elementwise; with ``eps``, x is first clamped to [eps, 1 - eps].

        Raises:
            TypeError: if eps is neither None nor a number (PyTorch's message).
        """
        if eps is not None and not isinstance(eps, int | float):  # (a bool is 0 or 1, as there)
            raise TypeError(f"logit(): argument 'eps' must be float, not {type(eps).__name__}")
        clamp = None if eps is None or eps < 0 else float(eps)  # negative: no clamp, as PyTorch
        return TensorMakers.apply(more_ops.Logit(clamp), self)

    def atan2(self: Any, other: Any) -> Tensor:
        """The angle of the point (other, self), elementwise, in (-pi, pi]; broadcasts.

        Raises:
            TypeError: if other is a Python number (PyTorch takes a tensor).
        """
        return _pair(more_ops.Atan2(), "atan2", self, other)

    def hypot(self: Any, other: Any) -> Tensor:
        """sqrt(self^2 + other^2), elementwise, without overflow; broadcasts.

        Raises:
            TypeError: if other is a Python number (PyTorch takes a tensor).
            NotImplementedError: for integer or bool tensors, as PyTorch.
        """
        return _pair(more_ops.Hypot(), "hypot", self, other)

    def xlogy(self: Any, other: Any) -> Tensor:
        """self * log(other), elementwise, 0 where self is 0 (unless other is nan); broadcasts.
        other may be a tensor or a number."""
        out = _pair(more_ops.Xlogy(), "xlogy", self, other, numbers=True)
        number = isinstance(other, bool | builtins.int | builtins.float)  # (xlogy(Tensor, Scalar))
        return labelled(out, "XlogyBackward2", self) if number else out

    def logaddexp(self: Any, other: Any) -> Tensor:
        """log(exp(self) + exp(other)), elementwise, without overflow; broadcasts.

        Raises:
            TypeError: if other is a Python number (PyTorch takes a tensor).
            NotImplementedError: for integer or bool tensors, as PyTorch.
        """
        return _pair(more_ops.LogAddExp(), "logaddexp", self, other)

    def clamp_min(self: Any, min: Any) -> Tensor:
        """max(x, min), elementwise: ``clamp(min=min)``; min is a number or a tensor.

        Raises:
            TypeError: if min is neither a number nor a tensor.
        """
        if hasattr(min, "_data"):
            return labelled(_clamp_by_tensors(self, min, None), "ClampMinBackward1", self, min)
        return labelled(self.clamp(min=_bound(min, "clamp_min", "min")), "ClampMinBackward0", self)

    def clamp_max(self: Any, max: Any) -> Tensor:
        """min(x, max), elementwise: ``clamp(max=max)``; max is a number or a tensor.

        Raises:
            TypeError: if max is neither a number nor a tensor.
        """
        if hasattr(max, "_data"):
            return labelled(_clamp_by_tensors(self, None, max), "ClampMaxBackward1", self, max)
        return labelled(self.clamp(max=_bound(max, "clamp_max", "max")), "ClampMaxBackward0", self)

    def _clamp_bounds(self: Any, min: Any, max: Any) -> Tensor:
        """``clamp(min, max)`` where a bound is not a Python number (``Tensor.clip`` hands it
        over): PyTorch's two overloads, (Tensor min, Tensor max), None for either, and
        (Number min, Number max), where NumPy numbers and a 0-d tensor beside a number count as
        numbers.

        Raises:
            TypeError: for a bound of another kind (a list, an array), or a tensor with
                dimensions beside a number, in PyTorch's words.
        """
        bounds = [b.item() if isinstance(b, np.generic) else b for b in (min, max)]
        tensors = [hasattr(b, "_data") for b in bounds]
        numbers = [isinstance(b, int | float) for b in bounds]
        if all(t or b is None for t, b in zip(tensors, bounds)):
            return labelled(_clamp_by_tensors(self, *bounds), "ClampBackward0", self, *bounds)
        as_number = [t and b.ndim == 0 and not b.requires_grad for t, b in zip(tensors, bounds)]
        if all(n or b is None or z for n, z, b in zip(numbers, as_number, bounds)):
            return self.clip(*(b.item() if t else b for t, b in zip(tensors, bounds)))
        got = ", ".join(f"{k}={type(b).__name__}" for k, b in zip(("min", "max"), bounds))
        raise TypeError(
            f"clamp() received an invalid combination of arguments - got ({got}), but expected "
            "one of: (Tensor min = None, Tensor max = None), (Number min = None, Number max = "
            "None); give both bounds as tensors (or None) or both as numbers"
        )

    arctan2 = atan2
    arcsin, arccos, arctan = asin, acos, atan
    arcsinh, arccosh, arctanh = asinh, acosh, atanh


def _polygamma_op(n: Any) -> gamma.Polygamma | gamma.Digamma:
    """polygamma's op for order n (Digamma for 0), n checked as PyTorch checks it."""
    if isinstance(n, bool) or not isinstance(n, builtins.int):
        raise TypeError(
            f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}"
        )
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return gamma.Digamma() if n == 0 else gamma.Polygamma(n)


def _mvlgamma(x: Any, p: Any) -> Tensor:
    """sum_i lgamma(x - i/2) + p(p-1)/4 log(pi), after PyTorch's checks of p and of x."""
    if isinstance(p, bool) or not isinstance(p, builtins.int):
        raise TypeError(f"mvlgamma(): argument 'p' must be int, not {type(p).__name__}")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    if not np.all(x._data > (p - 1) / 2):
        raise RuntimeError("All elements must be greater than (p-1)/2")
    x = x if x._data.dtype.kind == "f" else x.to(default_float())
    total = x.lgamma()
    for i in range(1, p):
        total = total + (x - i / 2).lgamma()
    return labelled(total + p * (p - 1) / 4 * float(np.log(np.pi)), "MvlgammaBackward0", x)


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
    _shapes("isclose", a, b)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: the test handles infinities
        return _bools(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _bound(v: Any, name: str, arg: str) -> Any:
    """A number bound of clamp_min or clamp_max (a tensor is taken before this)."""
    if isinstance(v, np.generic) and v.dtype.kind in "biuf":
        v = v.item()
    if not isinstance(v, int | float):
        raise TypeError(
            f"{name}(): argument '{arg}' must be a number or a tensor, not {type(v).__name__}"
        )
    return v


def _clamp_by_tensors(x: Any, low: Any, high: Any) -> Tensor:
    """min(max(x, low), high) with tensor bounds (either may be None) that broadcast against
    x, in PyTorch's result type of the three; ``high`` where low > high; nan where any is nan.

    Composed of ``where`` (no rule of its own), with PyTorch's gradient at ties: x keeps it
    where low <= x <= high, ``low`` gets it where x < low < high, ``high`` where x > high or
    high < low; elsewhere (nan, or x < low == high) no one does.
    """
    given = [t for t in (x, low, high) if t is not None]
    _check_broadcasts("clamp", *given)
    rt = result_np(*(t._data for t in given))
    if rt.kind == "b" and low is not None and high is not None:  # (PyTorch takes one bool bound)
        raise _bool_refusal("clamp", "clamp_cpu")
    x, low, high = (t if t is None or t._data.dtype == rt else t.astype(rt) for t in (x, low, high))
    xd = x._data
    value = xd
    if low is not None:
        value = np.maximum(value, low._data)
    if high is not None:
        value = np.minimum(value, high._data)
    out = TensorMakers.wrap(np.asarray(value, dtype=rt), None)
    if low is not None and high is not None:
        ld, hd = low._data, high._data
        keep = (xd >= ld) & (xd <= hd)
        to_low, to_high = (xd < ld) & (ld < hd), (xd > hd) | (hd < ld)
    elif low is not None:
        keep, to_low, to_high = xd >= low._data, xd < low._data, None
    else:
        keep, to_low, to_high = xd <= high._data, None, xd > high._data
    for t, mask in ((high, to_high), (low, to_low), (x, keep)):
        if t is not None and t.requires_grad:  # (the values are out's already)
            out = TensorMakers.apply(ops.Where(np.broadcast_to(mask, out.shape)), t, out)
    return out


def _shapes(name: str, a: Any, b: Any) -> None:
    """Refuse operands that do not broadcast, in PyTorch's words and naming the op (as the
    arithmetic operators do)."""
    _check_broadcasts(name, a, b)


def _logical(fn: Any, name: str, x: Any, other: Any, position: builtins.int) -> Any:
    """A logical op of two tensors (PyTorch takes no number here); bool, no gradient."""
    if not hasattr(other, "_data"):
        raise TypeError(
            f"{name}(): argument 'other' (position {position}) must be Tensor, not "
            f"{type(other).__name__}"
        )
    _shapes(name, x._data, other._data)
    return _bools(fn(x._data, other._data))


_SYMBOLS = {
    "bitwise_and": "&",
    "bitwise_or": "|",
    "bitwise_xor": "^",
    "bitwise_left_shift": "<<",
    "bitwise_right_shift": ">>",
}
# PyTorch's kernel names in its "not implemented for" refusals, where not the op's own
_KERNELS = {"bitwise_left_shift": "lshift", "bitwise_right_shift": "rshift"}


def _bitwise(fn: Any, name: str, x: Any, y: Any) -> Any:
    """A bitwise op after PyTorch's type promotion: integers and bools only, no gradient.

    Either side may be a number (a reflected operator) or an array or list (as for ``+``).
    """
    x = x if hasattr(x, "_data") else _operand(x, _SYMBOLS[name], x, y)
    y = y if hasattr(y, "_data") else _operand(y, _SYMBOLS[name], x, y)
    xd, yd = (v._data if hasattr(v, "_data") else v for v in (x, y))
    rt = result_np(xd, yd)
    if rt.kind not in ("iu" if name in _KERNELS else "biu"):  # (no shifts of bools)
        raise not_implemented_for(f"{_KERNELS.get(name, name)}_cpu", rt)
    _shapes(name, xd, yd)
    xd, yd = (
        v.astype(rt, copy=False) if isinstance(v, np.ndarray) else wrapped_int(v, rt)
        for v in (xd, yd)
    )
    return _bools(np.asarray(fn(xd, yd), dtype=rt))


def _left_shift(a: np.ndarray, count: Any) -> np.ndarray:
    """a << count, 0 where the count is negative or at least the width (C leaves those
    undefined; PyTorch gives 0)."""
    a, count = _shift_operands(a, count)
    outside = (count < 0) | (count >= a.dtype.itemsize * 8)
    return np.where(outside, 0, np.left_shift(a, np.where(outside, 0, count)))


def _right_shift(a: np.ndarray, count: Any) -> np.ndarray:
    """a >> count (arithmetic), all sign bits (0 or -1) where the count is negative or at least
    the width, as PyTorch's."""
    a, count = _shift_operands(a, count)
    outside = (count < 0) | (count >= a.dtype.itemsize * 8)
    shifted = np.right_shift(a, np.where(outside, 0, count))
    return np.where(outside, np.where(a < 0, -1, 0), shifted)


def _shift_operands(a: Any, count: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both sides of a shift as arrays of the result's dtype (a number on either side, as
    ``1 << t``, takes the other's)."""
    dtype = (a if isinstance(a, np.ndarray) else np.asarray(count)).dtype
    return np.asarray(a, dtype=dtype), np.asarray(count, dtype=dtype)


def _is_one(value: Any) -> bool:
    """Whether ``value`` is the number 1 (a multiplication by it is left out)."""
    return not hasattr(value, "_data") and value == 1


_ADDCDIV_OF_INTEGERS = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
    "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
    "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
    "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
    "for all dtypes."
)


def _in_place(t: Any, name: str, method: Any, other: Any) -> Any:
    """``t`` holding ``method(t, other)``, in place; a result of a dtype t cannot hold is
    refused first, in PyTorch's words (``i &= 1.5``)."""
    o = other if hasattr(other, "_data") else _operand(other, name, t, other)
    rt = result_np(t._data, o._data if hasattr(o, "_data") else o)
    if not np.can_cast(rt, t._data.dtype, "same_kind"):
        raise RuntimeError(
            f"result type {torch_name(rt)} can't be cast to the desired output type "
            f"{torch_name(t._data.dtype)}"
        )
    return _inplace(t, name, lambda s: method(s, other))


_DIVISION = {"floor_divide": ("//", "div_floor_cpu"), "remainder": ("%", "remainder_cpu")}
_DIVISION["fmod"] = ("fmod", "fmod_cpu")
_DIVISION["div_floor"] = ("div", "div_floor_cpu")  # div(rounding_mode=...): more_ops.DivRounded
_DIVISION["div_trunc"] = ("div", "div_trunc_cpu")


def _divide(name: str, x: Any, y: Any) -> Any:
    """floor_divide, remainder, fmod or a rounded div of x and y (either may be a number), after
    PyTorch's type promotion; an integer division by zero raises PyTorch's error before anything
    runs, a float one gives inf or nan without a NumPy warning."""
    sym, kernel = _DIVISION[name]
    x = x if hasattr(x, "_data") else _operand(x, sym, x, y)
    y = y if hasattr(y, "_data") else _operand(y, sym, x, y)
    xd, yd = (v._data if hasattr(v, "_data") else v for v in (x, y))
    rt = result_np(xd, yd)
    x, y = wrapped_int(x, rt), wrapped_int(y, rt)  # (an int that does not fit wraps around)
    xd, yd = (v._data if hasattr(v, "_data") else v for v in (x, y))
    if rt.kind == "b":
        raise not_implemented_for(kernel, rt)
    _shapes(name, xd, yd)
    if rt.kind in "iu" and np.any(np.asarray(yd) == 0):
        raise RuntimeError("ZeroDivisionError")  # (PyTorch's words, all of them)
    x, y = (v.astype(rt) if hasattr(v, "_data") and v._data.dtype != rt else v for v in (x, y))
    if name == "fmod":
        op: Any = more_ops.Fmod()
    elif name.startswith("div_"):
        op = more_ops.DivRounded(name[4:])
    elif name == "remainder" and hasattr(x, "_data"):
        op = more_ops.Remainder()
    else:  # floor division, and a number % a tensor: PyTorch records them, with no derivative
        number = next(((i, v) for i, v in enumerate((x, y)) if not hasattr(v, "_data")), None)
        tensors = [v for v in (x, y) if hasattr(v, "_data")]
        return TensorMakers.apply(more_ops.NoDerivative(name, number), *tensors)
    out = TensorMakers.apply(op, x, y)
    if name in ("remainder", "fmod") and hasattr(y, "_data"):  # (by a number: ...Backward0)
        return labelled(out, f"{name.capitalize()}Backward1", x, y)
    return out
