"""The in-place forms of the elementwise methods (``exp_``, ``atan2_``, ``eq_``...), each its
out-of-place method written into the tensor by ``inplace._inplace``, under PyTorch's rules.

``Tensor`` inherits them from ``InPlaceMethods``; like ``inplace.py``, this module knows no
Tensor class.
"""

from __future__ import annotations

from typing import Any

from . import more_ops
from .engine import TensorMakers
from .inplace import _inplace, _replacement

__all__ = ["InPlaceMethods"]


def _values(t: Any, name: str, compute: Any) -> Any:
    """``t`` holding ``compute(t)``, a result that records nothing (a comparison), in place.

    As PyTorch's ``eq_``: cast to t's dtype; if t is in a graph its gradient from here on is 0.
    """
    return _inplace(t, name, lambda s: _replacement(s, compute(s).to(s.dtype)))


def _no_derivative(r: Any, method: str) -> Any:
    """``r`` recorded so that backward raises PyTorch's error: it has no derivative for the
    in-place form of ``method`` (``asinh_``, ``acosh_``, ``atanh_``), only for the other."""
    return TensorMakers.apply(more_ops.InPlaceNoDerivative(method), r) if r.requires_grad else r


class InPlaceMethods:
    """``exp_``, ``atan2_``, ``eq_``...: PyTorch's in-place elementwise methods. Each returns
    self, moves its version, and is recorded so that the gradient flows through the op."""

    __slots__ = ()

    # -- signs, powers, exponentials and logarithms --------------------------------------------

    def abs_(self: Any) -> Any:
        """|self|, in place; returns self."""
        return _inplace(self, "abs_", lambda t: t.abs())

    absolute_ = abs_

    def neg_(self: Any) -> Any:
        """-self, in place; returns self."""
        return _inplace(self, "neg_", lambda t: t.neg())

    negative_ = neg_

    def exp_(self: Any) -> Any:
        """exp(self), in place; returns self."""
        return _inplace(self, "exp_", lambda t: t.exp())

    def exp2_(self: Any) -> Any:
        """2 ** self, in place; returns self."""
        return _inplace(self, "exp2_", lambda t: t.exp2())

    def expm1_(self: Any) -> Any:
        """exp(self) - 1, in place; returns self."""
        return _inplace(self, "expm1_", lambda t: t.expm1())

    def log_(self: Any) -> Any:
        """log(self), in place; returns self."""
        return _inplace(self, "log_", lambda t: t.log())

    def log2_(self: Any) -> Any:
        """log2(self), in place; returns self."""
        return _inplace(self, "log2_", lambda t: t.log2())

    def log10_(self: Any) -> Any:
        """log10(self), in place; returns self."""
        return _inplace(self, "log10_", lambda t: t.log10())

    def log1p_(self: Any) -> Any:
        """log(1 + self), in place; returns self."""
        return _inplace(self, "log1p_", lambda t: t.log1p())

    def sqrt_(self: Any) -> Any:
        """sqrt(self), in place; returns self."""
        return _inplace(self, "sqrt_", lambda t: t.sqrt())

    def rsqrt_(self: Any) -> Any:
        """1 / sqrt(self), in place; returns self."""
        return _inplace(self, "rsqrt_", lambda t: t.rsqrt())

    def square_(self: Any) -> Any:
        """self ** 2, in place; returns self."""
        return _inplace(self, "square_", lambda t: t.square())

    def reciprocal_(self: Any) -> Any:
        """1 / self, in place; returns self."""
        return _inplace(self, "reciprocal_", lambda t: t.reciprocal())

    # -- trigonometric and hyperbolic ----------------------------------------------------------

    def sin_(self: Any) -> Any:
        """sin(self), in place; returns self."""
        return _inplace(self, "sin_", lambda t: t.sin())

    def cos_(self: Any) -> Any:
        """cos(self), in place; returns self."""
        return _inplace(self, "cos_", lambda t: t.cos())

    def tan_(self: Any) -> Any:
        """tan(self), in place; returns self."""
        return _inplace(self, "tan_", lambda t: t.tan())

    def asin_(self: Any) -> Any:
        """arcsin(self), in place; returns self."""
        return _inplace(self, "asin_", lambda t: t.asin())

    def acos_(self: Any) -> Any:
        """arccos(self), in place; returns self."""
        return _inplace(self, "acos_", lambda t: t.acos())

    def atan_(self: Any) -> Any:
        """arctan(self), in place; returns self."""
        return _inplace(self, "atan_", lambda t: t.atan())

    def atan2_(self: Any, other: Any) -> Any:
        """atan2(self, other), in place; returns self."""
        return _inplace(self, "atan2_", lambda t: t.atan2(other))

    def sinh_(self: Any) -> Any:
        """sinh(self), in place; returns self."""
        return _inplace(self, "sinh_", lambda t: t.sinh())

    def cosh_(self: Any) -> Any:
        """cosh(self), in place; returns self."""
        return _inplace(self, "cosh_", lambda t: t.cosh())

    def tanh_(self: Any) -> Any:
        """tanh(self), in place; returns self."""
        return _inplace(self, "tanh_", lambda t: t.tanh())

    def asinh_(self: Any) -> Any:
        """arsinh(self), in place (no derivative, as in PyTorch); returns self."""
        return _inplace(self, "asinh_", lambda t: _no_derivative(t.asinh(), "asinh"))

    def acosh_(self: Any) -> Any:
        """arcosh(self), in place (no derivative, as in PyTorch); returns self."""
        return _inplace(self, "acosh_", lambda t: _no_derivative(t.acosh(), "acosh"))

    def atanh_(self: Any) -> Any:
        """artanh(self), in place (no derivative, as in PyTorch); returns self."""
        return _inplace(self, "atanh_", lambda t: _no_derivative(t.atanh(), "atanh"))

    arcsin_, arccos_, arctan_, arctan2_ = asin_, acos_, atan_, atan2_
    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_

    # -- activations and special functions -----------------------------------------------------

    def sigmoid_(self: Any) -> Any:
        """1 / (1 + exp(-self)), in place; returns self."""
        return _inplace(self, "sigmoid_", lambda t: t.sigmoid())

    def relu_(self: Any) -> Any:
        """max(self, 0), in place; returns self."""
        return _inplace(self, "relu_", lambda t: t.relu())

    def erf_(self: Any) -> Any:
        """erf(self), in place; returns self."""
        return _inplace(self, "erf_", lambda t: t.erf())

    def erfinv_(self: Any) -> Any:
        """The inverse of erf, in place; returns self."""
        return _inplace(self, "erfinv_", lambda t: t.erfinv())

    def logit_(self: Any, eps: float | None = None) -> Any:
        """log(self / (1 - self)), self clamped to [eps, 1 - eps] if eps is given, in place."""
        return _inplace(self, "logit_", lambda t: t.logit(eps))

    def sinc_(self: Any) -> Any:
        """sin(pi self) / (pi self) (1 at 0), in place; returns self."""
        return _inplace(self, "sinc_", lambda t: t.sinc())

    def hypot_(self: Any, other: Any) -> Any:
        """sqrt(self ** 2 + other ** 2), in place; returns self."""
        return _inplace(self, "hypot_", lambda t: t.hypot(other))

    def xlogy_(self: Any, other: Any) -> Any:
        """self * log(other) (0 where self is 0), in place; returns self."""
        return _inplace(self, "xlogy_", lambda t: t.xlogy(other))

    def lerp_(self: Any, end: Any, weight: Any) -> Any:
        """self + weight * (end - self), in place; returns self."""
        return _inplace(self, "lerp_", lambda t: t.lerp(end, weight))

    def nan_to_num_(
        self: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> Any:
        """nan and the infinities replaced (as ``nan_to_num``), in place; returns self."""
        return _inplace(self, "nan_to_num_", lambda t: t.nan_to_num(nan, posinf, neginf))

    def cumsum_(self: Any, dim: int, *, dtype: Any = None) -> Any:
        """The cumulative sum along ``dim``, in place; returns self."""
        return _inplace(self, "cumsum_", lambda t: t.cumsum(dim, dtype=dtype))

    # -- rounding, signs and limits ------------------------------------------------------------

    def round_(self: Any, *, decimals: int = 0) -> Any:
        """self rounded half to even (to ``decimals`` places), in place; returns self."""
        return _inplace(self, "round_", lambda t: t.round(decimals=decimals))

    def floor_(self: Any) -> Any:
        """floor(self), in place; returns self."""
        return _inplace(self, "floor_", lambda t: t.floor())

    def ceil_(self: Any) -> Any:
        """ceil(self), in place; returns self."""
        return _inplace(self, "ceil_", lambda t: t.ceil())

    def trunc_(self: Any) -> Any:
        """self rounded toward 0, in place; returns self."""
        return _inplace(self, "trunc_", lambda t: t.trunc())

    fix_ = trunc_

    def frac_(self: Any) -> Any:
        """self - trunc(self), in place; returns self."""
        return _inplace(self, "frac_", lambda t: t.frac())

    def sign_(self: Any) -> Any:
        """The sign of self (-1, 0, 1), in place; returns self."""
        return _inplace(self, "sign_", lambda t: t.sign())

    def sgn_(self: Any) -> Any:
        """The sign of self (``sign`` for real tensors), in place; returns self."""
        return _inplace(self, "sgn_", lambda t: t.sgn())

    def clamp_min_(self: Any, min: Any) -> Any:
        """max(self, min), in place; returns self."""
        return _inplace(self, "clamp_min_", lambda t: t.clamp_min(min))

    def clamp_max_(self: Any, max: Any) -> Any:
        """min(self, max), in place; returns self."""
        return _inplace(self, "clamp_max_", lambda t: t.clamp_max(max))

    # -- arithmetic under PyTorch's other names ------------------------------------------------

    def multiply_(self: Any, other: Any) -> Any:
        """self *= other, in place (``mul_``); returns self."""
        return _inplace(self, "multiply_", lambda t: t * other)

    def divide_(self: Any, other: Any, *, rounding_mode: str | None = None) -> Any:
        """self /= other (``rounding_mode`` as ``div``), in place; returns self."""
        return _inplace(self, "divide_", lambda t: t.div(other, rounding_mode=rounding_mode))

    def true_divide_(self: Any, other: Any) -> Any:
        """self /= other, in place (``div_``); returns self."""
        return _inplace(self, "true_divide_", lambda t: t / other)

    def subtract_(self: Any, other: Any, *, alpha: Any = 1) -> Any:
        """self -= alpha * other, in place (``sub_``); returns self."""
        return _inplace(self, "subtract_", lambda t: t.sub(other, alpha=alpha))

    # -- logic and comparisons: results cast to self's dtype -----------------------------------
    # PyTorch's logical_*_ leave a tensor in a graph its node (they have no derivative, so
    # the gradient passes as before); its comparisons give it one whose gradient is 0.

    def logical_and_(self: Any, other: Any) -> Any:
        """self and other (1 or 0 in self's dtype), in place; returns self."""
        return _inplace(self, "logical_and_", lambda t: t.logical_and(other), cast="unsafe")

    def logical_or_(self: Any, other: Any) -> Any:
        """self or other (1 or 0 in self's dtype), in place; returns self."""
        return _inplace(self, "logical_or_", lambda t: t.logical_or(other), cast="unsafe")

    def logical_xor_(self: Any, other: Any) -> Any:
        """self xor other (1 or 0 in self's dtype), in place; returns self."""
        return _inplace(self, "logical_xor_", lambda t: t.logical_xor(other), cast="unsafe")

    def logical_not_(self: Any) -> Any:
        """not self (1 or 0 in self's dtype), in place; returns self."""
        return _inplace(self, "logical_not_", lambda t: t.logical_not(), cast="unsafe")

    def bitwise_not_(self: Any) -> Any:
        """~self (bool and integer tensors), in place; returns self."""
        return _inplace(self, "bitwise_not_", lambda t: t.bitwise_not())

    def eq_(self: Any, other: Any) -> Any:
        """self == other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "eq_", lambda t: t.eq(other))

    def ne_(self: Any, other: Any) -> Any:
        """self != other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "ne_", lambda t: t.ne(other))

    def lt_(self: Any, other: Any) -> Any:
        """self < other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "lt_", lambda t: t.lt(other))

    def le_(self: Any, other: Any) -> Any:
        """self <= other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "le_", lambda t: t.le(other))

    def gt_(self: Any, other: Any) -> Any:
        """self > other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "gt_", lambda t: t.gt(other))

    def ge_(self: Any, other: Any) -> Any:
        """self >= other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "ge_", lambda t: t.ge(other))
