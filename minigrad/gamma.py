"""The gamma-family ops: ``Lgamma`` (log|Gamma(x)|), ``Digamma`` and ``Polygamma(n)``, each the
derivative of the one before, and their NumPy kernels.

NumPy has no special functions. The kernels below are vectorised (a fixed number of masked
steps, never a Python loop per element), computed in float64 and rounded to the input's dtype,
and written with NumPy and ``math`` only, so that the compiler's templates can copy their source
into a standalone step. Values at the poles, at 0, +-inf and nan are PyTorch's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .engine import Op, TensorMakers
from .ops import _is_array
from .quiet import _ieee

# ---------------------------------------------------------------------------------------------
# Kernels (float64 in, float64 out). Each is self-contained: the compiler copies its source.


def _sinpi(x: Any) -> Any:
    """sin(pi x), exactly 0 at the integers: x is reduced to [-1/2, 1/2] exactly first."""
    r = x - 2 * np.round(x / 2)  # in [-1, 1], exact
    r = np.where(np.abs(r) > 0.5, np.copysign(1.0, r) - r, r)  # sin(pi (+-1 - r)) = sin(pi r)
    return np.sin(np.pi * r)


def _cospi(x: Any) -> Any:
    """cos(pi x), exactly 0 at the half-integers: cos(pi r) = sin(pi (1/2 - |r|))."""
    r = x - 2 * np.round(x / 2)
    return np.sin(np.pi * (0.5 - np.abs(r)))


def _lgamma1p(z: Any, series: Any) -> Any:
    """lgamma(1 + z) for |z| <= 1/2 by its Taylor series -euler z + sum (-z)^k zeta(k) / k
    (``series`` holds the coefficients, highest power first), exact near z = 0."""
    acc = np.zeros_like(z)
    for c in series:
        acc = acc * z + c
    return acc * z


def _lgamma_kernel(x: Any, series: Any) -> Any:
    """log|Gamma(x)|: the series around 1 and 2 (where lgamma is 0, so its relative error stays
    small), the recurrence lgamma(x) = lgamma(x - m) + log(prod) down to [1.5, 2.5) below 16,
    Stirling's series above, and the reflection log(pi / |sin(pi x)|) - lgamma(1 - x) below
    -1/2. +inf at 0, at the negative integers and at +-inf, as PyTorch's."""
    with np.errstate(all="ignore"):
        y = np.where(x < 0.5, 1 - x, x)  # >= 0.5 (the reflected argument below 1/2)
        m = np.clip(np.floor(y - 1.5), 0, 14)
        base = y - m  # exact; in [0.5, 2.5) below 16
        near_one = base < 1.5
        z = np.where(near_one, base - 1, base - 2)
        prod = np.ones_like(y)
        for j in range(14):
            prod = prod * np.where(j < m, base + j, 1.0)
        small = _lgamma1p(z, series) + np.where(near_one, 0.0, np.log1p(z)) + np.log(prod)
        t = 1 / (y * y)
        tail = (1 / 12 + t * (-1 / 360 + t * (1 / 1260 + t * (-1 / 1680 + t * (1 / 1188 + t * (
            -691 / 360360 + t * (1 / 156 + t * (-3617 / 122400)))))))) / y  # fmt: skip
        stirling = y * (np.log(y) - 1) - 0.5 * np.log(y) + 0.5 * math.log(2 * math.pi) + tail
        positive = np.where(y < 16, small, stirling)
        near_zero = _lgamma1p(x, series) - np.log(np.abs(x))  # lgamma(1 + x) - log|x|
        reflected = math.log(math.pi) - np.log(np.abs(_sinpi(x))) - positive
        out = np.where(x < 0.5, np.where(x > -0.5, near_zero, reflected), positive)
        pole = (x <= 0) & (x == np.floor(x))
        return np.where(pole | (x == np.inf), np.inf, out)


def _digamma_kernel(x: Any) -> Any:
    """psi(x) = d/dx lgamma(x): the recurrence psi(x) = psi(x + n) - sum 1/(x + j) up to 10,
    the asymptotic series there, the reflection psi(x) = psi(1 - x) - pi cot(pi x) below 0.
    -inf at +0 and +inf at -0, nan at the negative integers and at -inf, as PyTorch's."""
    with np.errstate(all="ignore"):
        y = np.where(x < 0, 1 - x, x)
        n = np.clip(np.ceil(10 - y), 0, 10)
        acc = np.zeros_like(y)
        for j in range(10):
            acc = acc + np.where(j < n, 1 / (y + j), 0.0)
        w = y + n
        t = 1 / (w * w)
        series = t * (1 / 12 - t * (1 / 120 - t * (1 / 252 - t * (1 / 240 - t * (
            1 / 132 - t * (691 / 32760 - t * (1 / 12 - t * 3617 / 8160)))))))  # fmt: skip
        positive = np.log(w) - 0.5 / w - series - acc
        reflected = positive - np.pi * _cospi(x) / _sinpi(x)
        out = np.where(x < 0, reflected, positive)
        out = np.where((x < 0) & (x == np.floor(x)), np.nan, out)
        return np.where(x == 0, np.copysign(np.inf, -x), np.where(x == np.inf, np.inf, out))


def _hurwitz_kernel(s: int, x: Any, bernoulli: Any) -> Any:
    """zeta(s, x) = sum_j (x + j)^-s for x > 0 (an integer s >= 2): the first terms summed up
    to T = max(15, 2 s + 8), then the Euler-Maclaurin tail (``bernoulli``: B_2k / (2k)!)."""
    big = max(15, 2 * s + 8)
    with np.errstate(all="ignore"):
        n = np.clip(np.ceil(big - x), 0, big)
        acc = np.zeros_like(x)
        for j in range(big):
            acc = acc + np.where(j < n, (x + j) ** -s, 0.0)
        w = x + n
        tail = w ** (1 - s) / (s - 1) + 0.5 * w**-s
        rising, power = float(s), w ** (-s - 1)
        for k, b in enumerate(bernoulli, start=1):
            tail = tail + b * rising * power
            rising *= (s + 2 * k - 1) * (s + 2 * k)
            power = power / (w * w)
        return acc + tail


def _polygamma_kernel(n: int, x: Any, bernoulli: Any, cot: Any) -> Any:
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for x > 0, n >= 1; below 0 the reflection
    psi^(n)(x) = (-1)^n psi^(n)(1 - x) - pi^(n+1) Q_n(cot(pi x)), Q_n the polynomial with
    d^n/dx^n cot(pi x) = pi^n Q_n(cot(pi x)) (``cot``: its coefficients, highest first).
    +-inf at 0 and the negative integers, and PyTorch's values at +-inf."""
    sign = -1.0 if n % 2 == 0 else 1.0
    scale = sign * math.exp(math.lgamma(n + 1))  # (-1)^(n+1) n!
    with np.errstate(all="ignore"):
        y = np.where(x > 0, x, 1 - x)
        positive = scale * _hurwitz_kernel(n + 1, y, bernoulli)
        c = _cospi(x) / _sinpi(x)
        q = np.zeros_like(x)
        for a in cot:
            q = q * c + a
        reflected = -sign * positive - np.pi ** (n + 1) * q  # (-1)^n psi^(n)(1 - x) - ...
        out = np.where(x > 0, positive, reflected)
        pole = (x <= 0) & (x == np.floor(x))
        out = np.where(pole, sign * np.inf, out)
        at_inf = 0.0 if n == 1 else np.nan
        return np.where(x == np.inf, at_inf, np.where(x == -np.inf, np.nan if n == 1 else out, out))


def _zeta_values(count: int) -> np.ndarray:
    """zeta(2), ..., zeta(count + 1): 63 terms summed, then the Euler-Maclaurin tail."""
    out = []
    big = 64
    for s in range(2, count + 2):
        terms = np.arange(big - 1, 0, -1, dtype=np.float64) ** -s  # smallest first
        tail = big ** (1 - s) / (s - 1) + 0.5 * big**-s
        tail += s * big ** (-s - 1) / 12 - s * (s + 1) * (s + 2) * big ** (-s - 3) / 720
        tail += s * (s + 1) * (s + 2) * (s + 3) * (s + 4) * big ** (-s - 5) / 30240
        out.append(math.fsum([*terms, tail]))
    return np.array(out)


_EULER = 0.5772156649015329
_ZETA = _zeta_values(55)
# lgamma(1 + z) = sum_k c_k z^k, c_1 = -euler, c_k = (-1)^k zeta(k) / k; highest power first
LGAMMA_SERIES = tuple([float((-1) ** k * _ZETA[k - 2] / k) for k in range(56, 1, -1)] + [-_EULER])
# B_2k / (2k)! for k = 1..9
BERNOULLI = tuple(
    b / math.factorial(2 * k)
    for k, b in enumerate(
        [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798],
        start=1,
    )
)


def cot_derivative(n: int) -> tuple[float, ...]:
    """Q_n, highest power first: Q_0(c) = c, Q_(k+1)(c) = -(1 + c^2) Q_k'(c)."""
    q = np.polynomial.Polynomial([0.0, 1.0])
    for _ in range(n):
        q = -np.polynomial.Polynomial([1.0, 0.0, 1.0]) * q.deriv()
    return tuple(float(a) for a in q.coef[::-1])


# ---------------------------------------------------------------------------------------------
# Helpers for the rules: NumPy on arrays, recorded ops on Tensors.


def digamma(a: Any) -> Any:
    return _digamma(a) if _is_array(a) else TensorMakers.apply(Digamma(), a)


def polygamma(n: int, a: Any) -> Any:
    return _polygamma(n, a) if _is_array(a) else TensorMakers.apply(Polygamma(n), a)


def _digamma(x: np.ndarray) -> np.ndarray:
    with _ieee():
        return np.asarray(_digamma_kernel(x.astype(np.float64))).astype(x.dtype)


def _polygamma(n: int, x: np.ndarray) -> np.ndarray:
    if n == 0:
        return _digamma(x)
    with _ieee():
        out = _polygamma_kernel(n, x.astype(np.float64), BERNOULLI, cot_derivative(n))
        return np.asarray(out).astype(x.dtype)


# ---------------------------------------------------------------------------------------------
# The ops


class Lgamma(Op):
    """z = log|Gamma(x)|;  dz/dx = digamma(x).

    Accurate to a few ulps in float64 (also near its zeros at 1 and 2); float32 is computed in
    float64 and rounded.
    """

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():
            return np.asarray(_lgamma_kernel(x.astype(np.float64), LGAMMA_SERIES)).astype(x.dtype)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * digamma(x),)


class Digamma(Op):
    """z = digamma(x) = d/dx log Gamma(x);  dz/dx = polygamma(1, x)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return _digamma(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * polygamma(1, x),)


class Polygamma(Op):
    """z = polygamma(n, x), the n-th derivative of digamma;  dz/dx = polygamma(n + 1, x)."""

    __slots__ = ("n",)
    computes_in_floats = True

    def __init__(self, n: int) -> None:
        self.n = n

    def forward(self, x: Any) -> np.ndarray:
        return _polygamma(self.n, x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * polygamma(self.n + 1, x),)
