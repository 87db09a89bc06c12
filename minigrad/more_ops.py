"""The ops beyond the basic set: precise elementwise functions (``Log1p``, ``Expm1``), the
trigonometric and hyperbolic functions and their inverses (``Tan``, ``Asin``... ``Atanh``) and
their relatives (``Erfinv``, ``Sinc``, ``Logit``, ``Atan2``, ``Hypot``, ``Xlogy``,
``LogAddExp``), the steps (``Floor``, ``Ceil``, ``Trunc``, ``Round``, ``Sign``: gradient 0),
division with rounding (``Remainder``, ``Fmod``, and ``NoDerivative`` for floor division), the
Euclidean norm (``Norm2``), the running sum (``Cumsum``) and Einstein summation (``Einsum``).

They follow ``ops.py``'s pattern exactly (forward and backward rule side by side, rules written
with helpers that run NumPy on arrays and record an op on Tensors) and sit beside it so that
``ops.py`` holds only the ops a student reads first. ``Tensor.log1p``, ``norm``, ``cumsum``,
``tan``... (``surface.py``, ``pointwise.py``) and ``minigrad.einsum`` (``functions.py``) make them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .engine import Op, TensorMakers
from .ops import (
    Sqrt,
    _data,
    _is_array,
    _keepdims_shape,
    _Reduction,
    broadcast_to,
    cos,
    exp,
    reshape,
    sin,
    sum_keep,
    where,
)
from .quiet import _ieee

# ---------------------------------------------------------------------------------------------
# Helpers for the rules below: NumPy on arrays, recorded ops on Tensors.


def cumsum(a: Any, axis: int) -> Any:
    return np.cumsum(a, axis=axis) if _is_array(a) else TensorMakers.apply(Cumsum(axis), a)


def cumprod(a: Any, axis: int) -> Any:
    return np.cumprod(a, axis=axis) if _is_array(a) else TensorMakers.apply(Cumprod(axis), a)


def sqrt(a: Any) -> Any:
    return np.sqrt(a) if _is_array(a) else TensorMakers.apply(Sqrt(), a)


def sinh(a: Any) -> Any:
    return np.sinh(a) if _is_array(a) else TensorMakers.apply(Sinh(), a)


def cosh(a: Any) -> Any:
    return np.cosh(a) if _is_array(a) else TensorMakers.apply(Cosh(), a)


def zeros_like(a: Any) -> Any:
    """Zeros of ``a``'s shape and dtype: a constant, on both paths (PyTorch's zeros_like(grad),
    which stays 0 where ``a`` is inf or nan, unlike a * 0)."""
    z = np.zeros_like(_data(a))
    return z if _is_array(a) else TensorMakers.wrap(z, None)


def xlogy(a: Any, b: Any) -> Any:
    if _is_array(a) and _is_array(b):
        return Xlogy().forward(a, b)
    return TensorMakers.apply(Xlogy(), a, b)


def einsum(spec: str, *operands: Any) -> Any:
    if all(_is_array(a) for a in operands):
        return np.einsum(spec, *operands)
    ins, out = spec.split("->")
    return TensorMakers.apply(Einsum(tuple(ins.split(",")), out), *operands)


# ---------------------------------------------------------------------------------------------
# Elementwise functions


class Log1p(Op):
    """z = log(1 + x), accurate for small x;  dz/dx = 1 / (1 + x)."""

    __slots__ = ()
    torch_name = "Log1PBackward0"  # (PyTorch's spelling)
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():  # -inf at -1, nan below, as PyTorch's, without NumPy's warning
            return np.log1p(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad / (x + 1),)


class Expm1(Op):
    """z = exp(x) - 1, accurate for small x;  dz/dx = exp(x) = z + 1."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():
            return np.expm1(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * (out + 1),)


# ---------------------------------------------------------------------------------------------
# Trigonometric and hyperbolic functions and their inverses. Outside its domain each gives nan
# (asin(2)), at its poles inf (atanh(1)), as PyTorch, quietly. The rules are PyTorch's formulas
# (1 / sqrt(.) where it writes rsqrt), so the gradients at the edges are its inf and nan too.


class Tan(Op):
    """z = tan(x);  dz/dx = 1 + z^2."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():
            return np.tan(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * (1 + out * out),)


class Asin(Op):
    """z = asin(x);  dz/dx = 1 / sqrt(1 - x^2)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():
            return np.arcsin(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad / sqrt(1 - x * x),)


class Acos(Op):
    """z = acos(x);  dz/dx = -1 / sqrt(1 - x^2)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():
            return np.arccos(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (-grad / sqrt(1 - x * x),)


class Atan(Op):
    """z = atan(x);  dz/dx = 1 / (1 + x^2)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return np.arctan(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad / (x * x + 1),)


class Sinh(Op):
    """z = sinh(x);  dz/dx = cosh(x)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():
            return np.sinh(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * cosh(x),)


class Cosh(Op):
    """z = cosh(x);  dz/dx = sinh(x)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():
            return np.cosh(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * sinh(x),)


class Asinh(Op):
    """z = asinh(x);  dz/dx = 1 / sqrt(x^2 + 1)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return np.arcsinh(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad / sqrt(x * x + 1),)


class Acosh(Op):
    """z = acosh(x);  dz/dx = 1 / sqrt(x^2 - 1)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():
            return np.arccosh(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad / sqrt(x * x - 1),)


class Atanh(Op):
    """z = atanh(x);  dz/dx = 1 / (1 - x^2)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():
            return np.arctanh(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad / (1 - x * x),)


class Sinc(Op):
    """z = sin(pi x) / (pi x), 1 at 0;  dz/dx = (pi x cos(pi x) - sin(pi x)) / (pi x^2), 0 at 0."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():  # (pi x overflows near the largest float: sin(inf) / inf is nan)
            px = x * np.pi
            return np.where(x == 0, 1, np.sin(px) / px)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        px, den = x * np.pi, x * x * np.pi
        g = grad * (px * cos(px) - sin(px)) / den
        zero = _data(den) == 0  # 0 / 0 at x = 0; PyTorch's limit there is 0
        return (where(~zero, g, 0.0) if zero.any() else g,)


class Logit(Op):
    """z = log(x / (1 - x)), x clamped to [eps, 1 - eps] if eps is set;  dz/dx = 1 / (x (1 - x)).

    The gradient is 0 where the clamp acts (outside [eps, 1 - eps]) and, without eps, nan
    outside [0, 1], as PyTorch's.
    """

    __slots__ = ("eps",)
    computes_in_floats = True

    def __init__(self, eps: float | None) -> None:
        self.eps = eps  # None: no clamp (PyTorch's eps=None or a negative eps)

    def bounds(self, dtype: np.dtype) -> tuple[Any, Any]:
        """The clamp's bounds in the input's dtype (1 - eps computed there, as PyTorch)."""
        lo = np.asarray(self.eps, dtype=dtype)
        return lo, 1 - lo

    def forward(self, x: Any) -> np.ndarray:
        if self.eps is not None:  # PyTorch's x < lo ? lo : (x > hi ? hi : x), not a clip: the
            lo, hi = self.bounds(x.dtype)  # two differ where eps > 0.5 makes lo > hi
            x = np.where(x < lo, lo, np.where(x > hi, hi, x))
        with _ieee():
            return np.log(x / (1 - x))

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        xd = _data(x)
        lo, hi = (0, 1) if self.eps is None else self.bounds(xd.dtype)
        outside = (xd < lo) | (xd > hi)
        g = grad / (x * (1 - x))
        if outside.any():
            g = where(~outside, g, np.nan if self.eps is None else 0.0)
        return (g,)


class Erfinv(Op):
    """z = erfinv(x), the y with erf(y) = x;  dz/dx = sqrt(pi)/2 exp(z^2).

    NumPy has no erfinv: a rational first guess (the classic one PyTorch's CPU kernel also starts
    from), then three Newton steps on erf(z) = x, written with erfc where |x| > 0.5 so that the
    residual keeps its digits in the tails. Within an ulp of the exact value in float64 (checked
    against PyTorch); float32 is computed in float64 and rounded. +-inf at +-1, nan outside.
    """

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        y = x.astype(np.float64)
        a = np.abs(y)
        with _ieee():
            w = np.sqrt(-np.log((1 - a) / 2))
            z = np.where(a <= 0.7, y * _poly(_ERFINV_A, y * y), np.copysign(_poly(_ERFINV_C, w), y))
            for _ in range(3):
                z = z - _erfinv_residual(z, y) / (_TWO_OVER_SQRT_PI * np.exp(-z * z))
            z = np.where(a < 1, z, np.where(a == 1, np.copysign(np.inf, y), np.nan))
        return z.astype(x.dtype)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * (_HALF_SQRT_PI * exp(out * out)),)


_TWO_OVER_SQRT_PI, _HALF_SQRT_PI = 2 / math.sqrt(math.pi), math.sqrt(math.pi) / 2
# erfinv's first guess: a ratio of polynomials in x^2 for |x| <= 0.7, else in
# w = sqrt(-log((1 - |x|) / 2)) (coefficients lowest first; the denominators' constant is 1).
_ERFINV_A = ((0.886226899, -1.645349621, 0.914624893, -0.140543331),
             (1.0, -2.118377725, 1.442710462, -0.329097515, 0.012229801))  # fmt: skip
_ERFINV_C = ((-1.970840454, -1.624906493, 3.429567803, 1.641345311),
             (1.0, 3.543889200, 1.637067800))  # fmt: skip


def _poly(coefficients: tuple[tuple[float, ...], ...], t: Any) -> Any:
    """num(t) / den(t), each evaluated by Horner's rule (coefficients lowest first)."""
    num, den = (np.polynomial.polynomial.polyval(t, c) for c in coefficients)
    return num / den


def _residual(z: float, x: float) -> float:
    """erf(z) - x; for |x| > 0.5 as +-((1 - |x|) - erfc(|z|)) (x's sign): 1 - |x| is exact
    there, and erfc keeps the digits that erf(z), near +-1, rounds away."""
    if abs(x) <= 0.5:
        return math.erf(z) - x
    r = (1 - abs(x)) - math.erfc(abs(z))
    return r if x > 0 else -r


def _erfinv_residual(z: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.asarray(_RESIDUAL(z, x), dtype=np.float64)


_RESIDUAL = np.frompyfunc(_residual, 2, 1)


# ---------------------------------------------------------------------------------------------
# Functions of two inputs (broadcast against each other; the engine sums gradients back)


class Atan2(Op):
    """z = atan2(x, y), the angle of (y, x);  dz/dx = y / (x^2 + y^2), dz/dy = -x / (x^2 + y^2).

    Where x^2 + y^2 is 0 (or underflows) both gradients are 0, as PyTorch's.
    """

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return np.arctan2(x, y)

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        recip = 1 / (x * x + y * y)
        inf = np.isinf(_data(recip))
        if inf.any():
            recip = where(~inf, recip, 0.0)
        gx = grad * y * recip if self.needs_grad(0) else None
        gy = grad * -x * recip if self.needs_grad(1) else None
        return gx, gy


class Hypot(Op):
    """z = sqrt(x^2 + y^2), without overflow;  dz/dx = x / z, dz/dy = y / z."""

    __slots__ = ()

    def forward(self, x: Any, y: Any) -> np.ndarray:
        with _ieee():  # inf past the largest float, as PyTorch, without NumPy's warning
            return np.hypot(x, y)

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        gx = grad * x / out if self.needs_grad(0) else None
        gy = grad * y / out if self.needs_grad(1) else None
        return gx, gy


class Xlogy(Op):
    """z = x log(y), 0 where x = 0 (unless y is nan);  dz/dx = log(y), dz/dy = x / y.

    PyTorch's rule for x: xlogy(grad, y) (0 where grad is 0), and 0 where x = 0 and y <= 0.
    """

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any, y: Any) -> np.ndarray:
        with _ieee():
            return np.where((x == 0) & ~np.isnan(y), 0, x * np.log(y))

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        gx = gy = None
        if self.needs_grad(0):
            gx = xlogy(grad, y)
            zero = (_data(x) == 0) & (_data(y) <= 0)
            if zero.any():
                gx = where(~zero, gx, 0.0)
        if self.needs_grad(1):
            gy = grad * x / y
        return gx, gy


class LogAddExp(Op):
    """z = log(e^x + e^y), without overflow;  dz/dx = 1/(1 + e^(y-x)), dz/dy = 1/(1 + e^(x-y))."""

    __slots__ = ()
    torch_name = "LogaddexpBackward0"

    def forward(self, x: Any, y: Any) -> np.ndarray:
        with _ieee():  # (-inf, -inf) is -inf, as PyTorch, but NumPy warns on the way
            return np.logaddexp(x, y)

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        gx = grad / (1 + exp(y - x)) if self.needs_grad(0) else None
        gy = grad / (1 + exp(x - y)) if self.needs_grad(1) else None
        return gx, gy


# ---------------------------------------------------------------------------------------------
# Steps: piecewise constant, so their gradient is 0 (PyTorch gives 0 at the jumps too)


class _Step(Op):
    """A piecewise constant function;  its derivative is 0 everywhere."""

    __slots__ = ()

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (zeros_like(grad),)


class Floor(_Step):
    """z = floor(x);  dz/dx = 0."""

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        return np.floor(x)


class Ceil(_Step):
    """z = ceil(x);  dz/dx = 0."""

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        return np.ceil(x)


class Trunc(_Step):
    """z = x rounded toward 0;  dz/dx = 0."""

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        return np.trunc(x)


class Round(_Step):
    """z = x rounded half to even, at ``decimals`` digits after the point;  dz/dx = 0."""

    __slots__ = ("decimals",)

    def __init__(self, decimals: int = 0) -> None:
        self.decimals = decimals

    def own_name(self) -> str:  # (PyTorch's overload with decimals is RoundBackward1)
        return "RoundBackward1" if self.decimals else "RoundBackward0"

    def forward(self, x: Any) -> np.ndarray:
        # NumPy scales by 10**decimals, rounds and scales back, as PyTorch does: same bits.
        with _ieee():  # x * 10**decimals may overflow: the result is then inf or nan
            return np.round(x, self.decimals)


class Sign(_Step):
    """z = -1, 0 or 1 as x < 0, x = 0 (or nan, as PyTorch) or x > 0;  dz/dx = 0."""

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        return sign(x)


class Sgn(Sign):
    """z = sign(x) (PyTorch's sgn, the same for real numbers);  dz/dx = 0."""

    __slots__ = ()


def sign(x: np.ndarray) -> np.ndarray:
    """PyTorch's sign: (x > 0) - (x < 0) in x's dtype, so 0 at nan and +0 at -0 (NumPy's
    np.sign gives nan and -0 there)."""
    return np.subtract(x > 0, x < 0, dtype=x.dtype) if x.dtype.kind != "b" else x.copy()


# ---------------------------------------------------------------------------------------------
# Division with rounding. The quotient in a rule is a constant (computed from values, as a mask
# is): its own derivative is 0 wherever it is defined.


class Remainder(Op):
    """z = x - y floor(x / y), with y's sign (Python's %);  dz/dx = 1, dz/dy = -floor(x / y)."""

    __slots__ = ()

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return remainder(x, y)

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        if not self.needs_grad(1):
            return grad, None
        with _ieee():
            q = np.floor_divide(_data(x), _data(y))
        return grad, -grad * q


class Fmod(Op):
    """z = x - y trunc(x / y), with x's sign (C's fmod);  dz/dx = 1, dz/dy = -trunc(x / y)."""

    __slots__ = ()

    def forward(self, x: Any, y: Any) -> np.ndarray:
        with _ieee():
            return np.fmod(x, y)

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        if not self.needs_grad(1):
            return grad, None
        with _ieee():
            q = np.trunc(_data(x) / _data(y))
        return grad, -grad * q


class InPlaceNoDerivative(Op):
    """z = x, the result of an in-place op PyTorch has no derivative for (asinh_, acosh_,
    atanh_);  backward raises its error, as PyTorch's."""

    __slots__ = ("method",)
    torch_name = "NotImplemented"
    differentiable = False

    def __init__(self, method: str) -> None:
        self.method = method  # the out-of-place name: asinh

    def forward(self, x: Any) -> np.ndarray:
        return np.array(x, copy=True)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        raise NotImplementedError(
            f"the derivative for 'inplace version of {self.method}' is not implemented."
        )

    def name(self) -> str:
        """PyTorch's name of this node."""
        return "torch::autograd::NotImplemented"


class DivRounded(Op):
    """z = x / y rounded toward 0 ("trunc") or down ("floor");  dz/dx = dz/dy = 0.

    PyTorch's ``div(x, y, rounding_mode=...)``: recorded with a zero derivative (its
    DivBackward2), where ``//`` has none. "floor" is floor division, which corrects the rounded
    quotient (1.0 / 0.1 rounds to 10.0, but 1.0 // 0.1 is 9.0, as in PyTorch and Python).
    Integers divide exactly (float64 would round above 2**53).
    """

    __slots__ = ("mode",)
    torch_name = "DivBackward2"

    def __init__(self, mode: str) -> None:
        self.mode = mode  # "floor" or "trunc"

    def forward(self, x: Any, y: Any) -> np.ndarray:
        with _ieee():
            q = np.floor_divide(x, y)
            if self.mode == "floor":
                return q
            if q.dtype.kind == "f":
                return np.trunc(np.true_divide(x, y))
            # toward 0: one more than the floor where the quotient is negative and inexact
            return q + ((np.remainder(x, y) != 0) & ((np.asarray(x) < 0) != (np.asarray(y) < 0)))

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        zero = zeros_like(grad)
        return (zero if self.needs_grad(0) else None), (zero if self.needs_grad(1) else None)


class NoDerivative(Op):
    """z = x // y, or number % y;  no derivative: PyTorch records these and refuses backward.

    Not differentiable, so outside the op table's checks and the compiler (which refuses it,
    as backward would).
    """

    __slots__ = ("aten", "number")
    torch_name = "NotImplemented"
    differentiable = False

    def __init__(self, aten: str, number: tuple[int, Any] | None = None) -> None:
        self.aten = aten  # PyTorch's name of the op: floor_divide or remainder
        # (position, value) of a Python-number operand: kept here, not recorded as an input,
        # so that the node lists the tensor alone, as PyTorch's (``2 // b``, ``b // 2``)
        self.number = number

    def operands(self, xs: Any) -> list[Any]:
        """Both operands, the number put back in its place among the recorded inputs."""
        found = list(xs)
        if self.number is not None:
            found.insert(*self.number)
        return found

    def forward(self, *xs: Any) -> np.ndarray:
        x, y = self.operands(xs)
        if self.aten == "remainder":
            return remainder(x, y)
        with _ieee():
            return np.floor_divide(x, y)

    def backward(self, grad: Any, out: Any, *xs: Any) -> tuple[Any, ...]:
        raise RuntimeError(f"derivative for aten::{self.aten} is not implemented")

    def name(self) -> str:
        """PyTorch's name of this node."""
        return "torch::autograd::NotImplemented"

    def __repr__(self) -> str:
        return "<NotImplemented>"  # as PyTorch prints it (grad_fn=<NotImplemented>)


def remainder(x: Any, y: Any) -> np.ndarray:
    """PyTorch's remainder: fmod, moved by y where the signs differ, so a zero keeps x's sign
    (NumPy's np.remainder gives y's)."""
    with _ieee():
        m = np.fmod(x, y)
        moved = (m != 0) & ((m < 0) != (np.asarray(y) < 0))
        return np.where(moved, m + y, m)


# ---------------------------------------------------------------------------------------------
# Reductions and scans


class Norm2(_Reduction):
    """z = sqrt(sum of x^2) over axis;  dz/dx = x / z (0 where z = 0, as PyTorch)."""

    __slots__ = ()
    torch_name = "LinalgVectorNormBackward0"

    def forward(self, x: Any) -> np.ndarray:
        return np.sqrt((x * x).sum(axis=self.axis, keepdims=self.keepdims))

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        kshape = _keepdims_shape(x.shape, self.axis)
        zero = np.asarray(_data(out) == 0).reshape(kshape)  # there x is 0 too: x / 1 = 0
        safe = reshape(out, kshape) + zero.astype(_data(x).dtype)
        return (reshape(grad, kshape) * x / safe,)


class Contiguous(Op):
    """z = x copied into C-ordered memory (``Tensor.contiguous``);  dz/dx = 1."""

    __slots__ = ()
    torch_name = "CloneBackward0"
    reads_inputs = False  # (as clone(): the rule reads no values)

    def forward(self, x: Any) -> np.ndarray:
        return np.ascontiguousarray(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad,)


class Cumsum(Op):
    """z_i = x_0 + ... + x_i along axis;  dz/dx = grad summed from the end (a reversed cumsum)."""

    __slots__ = ("axis",)

    def __init__(self, axis: int) -> None:
        self.axis = axis  # non-negative

    def forward(self, x: Any) -> np.ndarray:
        # in int64 for every integer type, as PyTorch (NumPy: unsigned ones in uint64); the
        # method, not np.cumsum, whose Python wrapper NumPy would name for an overflow
        return x.cumsum(axis=self.axis, dtype=np.int64 if x.dtype.kind == "u" else None)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        flip = (slice(None),) * self.axis + (slice(None, None, -1),)
        return (cumsum(grad[flip], self.axis)[flip],)


class Cumprod(Op):
    """z_i = x_0 * ... * x_i along axis;  dz/dx_j = sum_{i >= j} grad_i prod_{k <= i, k != j} x_k.

    Before a slice's first zero that sum is a reversed cumsum of grad z over x_j; at the first
    zero it is the same sum with that zero read as 1 (nothing to divide by); after it, 0. So the
    gradient is exact where x holds zeros, as PyTorch's (exp(cumsum(log x)) is not).
    """

    __slots__ = ("axis",)

    def __init__(self, axis: int) -> None:
        self.axis = axis  # non-negative

    def forward(self, x: Any) -> np.ndarray:
        # in int64 for every integer and bool type, as PyTorch; past the largest float: inf
        with _ieee():
            return np.cumprod(x, axis=self.axis, dtype=np.int64 if x.dtype.kind in "biu" else None)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (cumprod_grad(grad, out, x, self.axis),)


def cumprod_grad(grad: Any, out: Any, x: Any, axis: int) -> Any:
    """Cumprod's rule (also what ``minigrad.compile`` calls): arrays in, arrays out; Tensors in,
    recorded ops out."""
    a = _data(x)
    seen = np.cumsum(a == 0, axis=axis)
    flip = (slice(None),) * axis + (slice(None, None, -1),)
    if not seen.any():
        return cumsum((grad * out)[flip], axis)[flip] / x
    if not _is_array(x):
        return _cumprod_grad_products(grad, x, axis)
    before, first = seen == 0, (seen == 1) & (a == 0)  # before a slice's first zero; that zero
    lead = cumsum((grad * out)[flip], axis)[flip] / where(before, x, 1.0)
    rest = cumsum((grad * cumprod(where(~first, x, 1.0), axis))[flip], axis)[flip]
    return where(before, lead, where(first, rest, 0.0))


def _cumprod_grad_products(grad: Any, x: Any, axis: int) -> Any:
    """dz/dx_j = sum_{i >= j} grad_i prod_{k <= i, k != j} x_k, one j at a time (a cumprod
    of x with x_j read as 1): n cumprods, but differentiable again where x holds zeros, where
    the rule's shortcut holds the gradient after a slice's first zero at 0 (as PyTorch does
    under create_graph)."""
    n, dt = x.shape[axis], _data(x).dtype
    along = (n,) + (1,) * (x.ndim - axis - 1)
    total: Any = None
    for j in range(n):
        at = (np.arange(n) == j).reshape(along)
        later = (np.arange(n) >= j).reshape(along).astype(dt)
        products = cumprod(where(~at, x, 1.0), axis)
        term = sum_keep(grad * products * later, axis) * at.astype(dt)
        total = term if total is None else total + term
    return total


# ---------------------------------------------------------------------------------------------
# Contraction


class Einsum(Op):
    """z = einsum("a,b->out", x, y, ...);  dz/dx = einsum("out,b->a", grad, y, ...).

    The gradient of one operand is the same contraction with its subscripts and the output's
    swapped; letters that only that operand has (summed away in forward) are broadcast back.
    Subscripts are explicit letters, no repeats within an operand (``functions.einsum``
    expands ``...`` and the implicit output before making the op).
    """

    __slots__ = ("ins", "output")

    def __init__(self, ins: tuple[str, ...], output: str) -> None:
        self.ins, self.output = ins, output

    def forward(self, *xs: Any) -> np.ndarray:
        return np.einsum(",".join(self.ins) + "->" + self.output, *xs)

    def backward(self, grad: Any, out: Any, *xs: Any) -> tuple[Any, ...]:
        grads: list[Any] = []
        for i, (sub, x) in enumerate(zip(self.ins, xs)):
            if not self.needs_grad(i):
                grads.append(None)
                continue
            spec, target, seen = self.grad_spec(i)
            g = einsum(spec, grad, *(y for j, y in enumerate(xs) if j != i))
            if target != sub:  # letters only x has: its gradient is the same along them
                kept = tuple(n if c in seen else 1 for c, n in zip(sub, x.shape))
                g = broadcast_to(reshape(g, kept), x.shape)
            grads.append(g)
        return tuple(grads)

    def grad_spec(self, i: int) -> tuple[str, str, set[str]]:
        """The contraction that gives operand ``i``'s gradient from the output's gradient and the
        other operands: its spec, the letters it yields, and the letters those others have
        (also what ``minigrad.compile`` emits)."""
        others = [s for j, s in enumerate(self.ins) if j != i]
        seen = set(self.output).union(*others)
        target = "".join(c for c in self.ins[i] if c in seen)
        return ",".join([self.output, *others]) + "->" + target, target, seen


# ---------------------------------------------------------------------------------------------
# A gradient scaled on its way back (the embeddings' scale_grad_by_freq)


class GradScale(Op):
    """z = x;  the gradient passing back to x is multiplied by ``scale`` (an array of x's
    dtype, broadcast against it): each use of an embedding row passes its gradient divided by
    the row's count (``scale_grad_by_freq``), so the rows' gradients come out as PyTorch's.

    Its rule on Tensors (under create_graph) multiplies by ``ScaledOnly``, whose own derivative
    is the identity: differentiating the scaled gradient then scales once, as PyTorch's double
    backward of the embedding does (the exact derivative of the scaled gradient), not twice,
    as a recorded product would."""

    __slots__ = ("scale",)
    # Not the derivative of its forward (on purpose): outside the op table's finite-difference
    # rows and the compiler's templates (compiling such a step is refused); checked against
    # PyTorch in tests/test_embedding_freq.py.
    differentiable = False

    def __init__(self, scale: np.ndarray) -> None:
        self.scale = scale

    def forward(self, x: Any) -> np.ndarray:
        return np.array(x, copy=True)

    def attributes(self) -> dict[str, Any]:  # (the scale is per element: not drawn)
        return {}

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        if _is_array(grad):
            return (grad * self.scale,)
        return (TensorMakers.apply(ScaledOnly(self.scale), grad),)


class ScaledOnly(Op):
    """z = x * scale in value;  dz/dx taken as 1. Only ``GradScale``'s rule records it: the
    scaling belongs to the gradient, not to the function the gradient is of."""

    __slots__ = ("scale",)
    differentiable = False  # (as GradScale's)

    def __init__(self, scale: np.ndarray) -> None:
        self.scale = scale

    def forward(self, x: Any) -> np.ndarray:
        return x * self.scale

    def attributes(self) -> dict[str, Any]:  # (the scale is per element: not drawn)
        return {}

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad,)
