"""The ops of ``minigrad.special`` beyond the gamma family: the complementary error function
(``Erfc``), its scaled form (``Erfcx``), the normal quantile (``Ndtri``) and the modified Bessel
functions of the first kind (``I0``, ``I0e``, ``I1``, ``I1e``), with their NumPy kernels.

NumPy has no special functions. Each kernel is vectorised (a fixed number of masked steps, never
a Python loop per element), computed in float64 and rounded to the input's dtype, and written with
NumPy and ``math`` only, so that the compiler's templates can copy its source into a standalone
step. Each rule is written with these ops (and ``exp``, ``where``), so every order differentiates.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .engine import Op, TensorMakers
from .ops import _data, _is_array, exp
from .quiet import _ieee

# ---------------------------------------------------------------------------------------------
# Kernels (float64 in, float64 out). Each is self-contained: the compiler copies its source.


def _erfc_kernel(x: Any) -> Any:
    """erfc(x) = 1 - erf(x): the C library's ``math.erfc`` over the elements (a few ulps,
    also in the tail, where 1 - erf(x) would round to 0)."""
    return np.asarray(np.frompyfunc(math.erfc, 1, 1)(x), dtype=np.float64)


def _erfcx_kernel(x: Any) -> Any:
    """erfcx(x) = exp(x^2) erfc(x). Below 26, exp(x^2) is exp(h^2) exp(l (2h + l)) with
    x = h + l and h of 25 bits, so that h^2 is exact (x^2 rounded would cost 400 ulps at 20);
    above, the asymptotic series 1/(x sqrt(pi)) sum_k (-1)^k (2k-1)!! / (2 x^2)^k, 12 terms
    (the next is below 1e-22 there). +inf below -26.6, where exp(x^2) overflows, as PyTorch's."""
    with np.errstate(all="ignore"):
        near = x < 26
        xs = np.where(near & (x > -30), x, 0.0)
        hi = np.round(xs * 1048576.0) / 1048576.0  # 2^20: |hi| < 2^5, so hi has <= 25 bits
        lo = xs - hi
        erfc = np.asarray(np.frompyfunc(math.erfc, 1, 1)(xs), dtype=np.float64)
        direct = np.exp(hi * hi) * np.exp(lo * (2 * hi + lo)) * erfc
        xf = np.where(near, 30.0, x)
        t = 1 / (2 * xf * xf)
        acc = np.ones_like(xf)
        for k in range(12, 0, -1):  # Horner on 1 - t (1 - 3t (1 - 5t (...)))
            acc = 1 - (2 * k - 1) * t * acc
        far = acc / (xf * math.sqrt(math.pi))
        return np.where(near, np.where(x > -30, direct, np.inf), far)  # (nan: far)


def _ndtri_kernel(p: Any) -> Any:
    """The x with ndtr(x) = p: Acklam's rational first guess (relative error 1.2e-9), then two
    Newton steps, which square that error. Between 1/4 and 3/4 the steps solve
    erf(x / sqrt 2) / 2 = p - 1/2 (exact there), which keeps the digits of x near 0; in the
    tails they solve log ndtr(x) = log q on q = min(p, 1 - p) (exact), written with erfcx so
    that nothing underflows down to the smallest subnormal. -inf at 0, +inf at 1, nan outside."""
    a = (-39.69683028665376, 220.9460984245205, -275.9285104469687,
         138.3577518672690, -30.66479806614716, 2.506628277459239)  # fmt: skip
    b = (-54.47609879822406, 161.5858368580409, -155.6989798598866,
         66.80131188771972, -13.28068155288572, 1.0)  # fmt: skip
    c = (-0.007784894002430293, -0.3223964580411365, -2.400758277161838,
         -2.549732539343734, 4.374664141464968, 2.938163982698783)  # fmt: skip
    d = (0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416, 1.0)
    with np.errstate(all="ignore"):
        inside = (p > 0) & (p < 1)
        pp = np.where(inside, p, 0.5)
        q = np.where(pp < 0.5, pp, 1 - pp)  # 1 - p is exact above 1/2
        # the first guess of the lower tail's x (< 0), and of x itself in the middle
        h = pp - 0.5
        r = h * h
        num, den = np.zeros_like(r), np.zeros_like(r)
        for ai, bi in zip(a, b, strict=True):
            num, den = num * r + ai, den * r + bi
        middle = h * num / den
        s = np.sqrt(-2 * np.log(np.where(q < 0.02425, q, 0.01)))
        num, den = np.zeros_like(s), np.zeros_like(s)
        for ci in c:
            num = num * s + ci
        for di in d:
            den = den * s + di
        tail = num / den
        lower = np.where(q < 0.02425, tail, -np.abs(middle))  # ndtri(q), q < 1/2
        central = np.abs(h) <= 0.25
        x = np.where(central, middle, lower)
        erf = np.frompyfunc(math.erf, 1, 1)
        log_q = np.log(q)
        for _ in range(2):
            # central: f = erf(x / sqrt 2) / 2 - (p - 1/2), f' = exp(-x^2 / 2) / sqrt(2 pi)
            f = 0.5 * np.asarray(erf(x * math.sqrt(0.5)), dtype=np.float64) - h
            step_c = f * math.sqrt(2 * math.pi) * np.exp(0.5 * x * x)
            # tails: f = log(erfcx(-x / sqrt 2) / 2) - x^2 / 2 - log q, f' = sqrt(2/pi) / erfcx
            xt = np.where(central, -1.0, x)
            e = _erfcx_kernel(-xt * math.sqrt(0.5))
            f = np.log(0.5 * e) - 0.5 * xt * xt - log_q
            step_t = f * e * math.sqrt(0.5 * math.pi)
            x = x - np.where(central, step_c, step_t)
        x = np.where(central | (pp < 0.5), x, -x)
        edge = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, np.nan))
        return np.where(inside, x, edge)


def _bessel_i_kernel(nu: int, x: Any, scaled: bool) -> Any:
    """I_nu(x) (nu = 0 or 1), times exp(-|x|) when ``scaled``. Up to |x| = 30 the power series
    (x/2)^nu sum_k (x^2/4)^k / (k! (k + nu)!), 60 terms, all of one sign (no cancellation);
    beyond, the asymptotic series e^|x| / sqrt(2 pi |x|) sum_k (-1)^k a_k(nu) / |x|^k with
    a_k = prod_j (4 nu^2 - (2j - 1)^2) / (8 j), 30 terms (the next is below 1e-20 there).
    Unscaled, exp(|x|) is applied in two halves, so that I(710) (1.2e306) is finite."""
    with np.errstate(all="ignore"):
        ax = np.abs(x)
        near = ax <= 30
        xs = np.where(near, ax, 0.0)
        y = xs * xs / 4
        term = np.ones_like(xs)
        acc = term
        for k in range(1, 61):
            term = term * y / (k * (k + nu))
            acc = acc + term
        series = acc * (xs / 2) ** nu
        xf = np.where(near, 100.0, ax)
        mu = 4 * nu * nu
        term = np.ones_like(xf)
        tail = term
        for j in range(1, 31):
            term = -term * (mu - (2 * j - 1) ** 2) / (8 * j * xf)
            tail = tail + term
        far = tail / np.sqrt(2 * math.pi * xf)  # I(x) exp(-x)
        if scaled:
            out = np.where(near, series * np.exp(-xs), far)
        else:
            half = np.exp(0.5 * xf)
            out = np.where(near, series, far * half * half)
        out = np.where(np.isnan(x), np.nan, out)
        return out if nu == 0 else np.copysign(out, x)


# ---------------------------------------------------------------------------------------------
# Helpers for the rules: NumPy on arrays, recorded ops on Tensors.


def _float64(kernel: Any, x: np.ndarray) -> np.ndarray:
    with _ieee():
        return np.asarray(kernel(x.astype(np.float64))).astype(x.dtype)


def erfcx(a: Any) -> Any:
    return _float64(_erfcx_kernel, a) if _is_array(a) else TensorMakers.apply(Erfcx(), a)


def bessel_i(nu: int, a: Any, scaled: bool) -> Any:
    """I0, I1 (``scaled``: I0e, I1e) of an array, or recorded on a Tensor."""
    if _is_array(a):
        with _ieee():
            return np.asarray(_bessel_i_kernel(nu, a.astype(np.float64), scaled)).astype(a.dtype)
    op = [[I0, I0e], [I1, I1e]][nu][scaled]
    return TensorMakers.apply(op(), a)


def _i1_over_x(x: Any, scaled: bool) -> Any:
    """I1(x) / x (``scaled``: I1e(x) / x), 1/2 at 0 (its limit). The division sees 1 there
    (x + 1 with x = 0), so no nan leaks back; a masked sum, so it runs on arrays and Tensors."""
    raw = _data(x)
    zero = (raw == 0).astype(raw.dtype)
    safe = x + zero
    return bessel_i(1, safe, scaled) / safe * (1 - zero) + 0.5 * zero


_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)


# ---------------------------------------------------------------------------------------------
# The ops


class Erfc(Op):
    """z = erfc(x) = 1 - erf(x);  dz/dx = -2/sqrt(pi) exp(-x^2)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return _float64(_erfc_kernel, x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * (-_TWO_OVER_SQRT_PI * exp(-(x * x))),)


class Erfcx(Op):
    """z = erfcx(x) = exp(x^2) erfc(x);  dz/dx = 2 x z - 2/sqrt(pi).

    A few ulps in float64 over the whole line (against mpmath); +inf below -26.6.
    """

    __slots__ = ()
    torch_name = "SpecialErfcxBackward0"
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return _float64(_erfcx_kernel, x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * (2 * x * out - _TWO_OVER_SQRT_PI),)


class Ndtri(Op):
    """z = ndtri(p), the x with ndtr(x) = p;  dz/dp = sqrt(2 pi) exp(z^2 / 2)."""

    __slots__ = ()
    torch_name = "SpecialNdtriBackward0"
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return _float64(_ndtri_kernel, x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * (_SQRT_2PI * exp(out * out * 0.5)),)


class I0(Op):
    """z = I0(x), the modified Bessel function of the first kind of order 0;  dz/dx = I1(x)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return bessel_i(0, x, False)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * bessel_i(1, x, False),)


class I0e(Op):
    """z = I0e(x) = exp(-|x|) I0(x);  dz/dx = I1e(x) - sgn(x) z."""

    __slots__ = ()
    torch_name = "SpecialI0EBackward0"
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return bessel_i(0, x, True)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        sign = np.sign(_data(x))
        return (grad * (bessel_i(1, x, True) - out * sign),)


class I1(Op):
    """z = I1(x), the modified Bessel function of the first kind of order 1;
    dz/dx = I0(x) - I1(x) / x (1/2 at 0)."""

    __slots__ = ()
    torch_name = "SpecialI1Backward0"
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return bessel_i(1, x, False)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * (bessel_i(0, x, False) - _i1_over_x(x, False)),)


class I1e(Op):
    """z = I1e(x) = exp(-|x|) I1(x);  dz/dx = I0e(x) - z (sgn(x) + 1/x) (1/2 at 0)."""

    __slots__ = ()
    torch_name = "SpecialI1EBackward0"
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return bessel_i(1, x, True)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        sign = np.sign(_data(x))
        return (grad * (bessel_i(0, x, True) - out * sign - _i1_over_x(x, True)),)
