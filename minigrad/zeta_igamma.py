"""The ops of the Hurwitz zeta function (``Zeta``) and of the regularized incomplete gamma
functions (``Igamma``, ``Igammac``), with their NumPy kernels.

As in ``special_ops``, each kernel is vectorised, computed in float64 and written with NumPy and
``math`` only (the compiler copies its source into a standalone step). The derivatives are
PyTorch's: zeta(x, q) has one in q only, igamma(a, x) and igammac(a, x) in x only; asking for
the other raises PyTorch's ``NotImplementedError`` at backward.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .engine import Op, TensorMakers
from .gamma import LGAMMA_SERIES, Lgamma, _lgamma1p, _lgamma_kernel
from .ops import _is_array, exp, log
from .quiet import _ieee

# B_2k / (2k)! for k = 1..12 (the Euler-Maclaurin tail of zeta)
ZETA_BERNOULLI = tuple(
    b / math.factorial(2 * k)
    for k, b in enumerate(
        [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
         43867 / 798, -174611 / 330, 854513 / 138, -236364091 / 2730],
        start=1,
    )
)  # fmt: skip


def _zeta_kernel(x: Any, q: Any, bernoulli: Any) -> Any:
    """zeta(x, q) = sum_k (q + k)^-x, the Hurwitz zeta function (x > 1). The terms are summed
    up to w = q + n >= min(max(20, 0.8 (x + 24)), 2000), then the Euler-Maclaurin tail
    w^(1-x)/(x-1) + w^-x/2 + sum_k B_2k/(2k)! x(x+1)...(x+2k-2) w^(-x-2k+1), 12 terms: the
    ratio of its terms, about ((x + 2k) / (2 pi w))^2, is then below 0.04, so the next term is
    below 1e-17 (for x up to 2500; beyond, the first terms are all the sum holds unless q is
    large as well).
    PyTorch's values elsewhere: inf at x = 1 and at q a non-positive integer, nan below x = 1
    and for q < 0 with x not an integer."""
    with np.errstate(all="ignore"):
        x, q = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(q, dtype=np.float64))
        pole = (x == 1) | ((q <= 0) & (q == np.floor(q)) & ~(x < 1))
        bad = (x < 1) | ((q < 0) & (x != np.floor(x)))
        ok = ~(pole | bad | np.isnan(x) | np.isnan(q) | np.isinf(q) | np.isinf(x))
        xs = np.where(ok, x, 2.0)
        qs = np.where(ok, q, 1.0)
        n = np.clip(np.ceil(np.minimum(np.maximum(20, 0.8 * (xs + 24)), 2000) - qs), 0, None)
        acc = np.zeros_like(xs)
        for j in range(int(n.max(initial=0))):
            acc = acc + np.where(j < n, (qs + j) ** -xs, 0.0)
        w = qs + n
        tail = w ** (1 - xs) / (xs - 1) + 0.5 * w**-xs
        rising, power = xs, w ** (-xs - 1)
        for k, b in enumerate(bernoulli, start=1):
            tail = tail + np.where(power == 0, 0.0, b * rising * power)  # (x huge: inf * 0)
            rising = rising * (xs + 2 * k - 1) * (xs + 2 * k)
            power = power / (w * w)
        out = acc + tail
        # PyTorch's (Cephes') checks, in its order: x = 1, x < 1, then q a pole, then x = +inf
        # (a term (q + k)^-x is inf once |q + k| < 1, so below q = 1; 1 at q = 1; nan above)
        at_inf = np.where(q < 1, np.inf, np.where(q == 1, 1.0, np.nan))
        edge = np.where(pole, np.inf, np.where(x == np.inf, at_inf, np.nan))
        return np.where(ok, out, edge)


def _igamma_kernel(a: Any, x: Any, upper: bool, series: Any) -> Any:
    """The regularized incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a) (``upper``:
    Q = 1 - P), a, x > 0, by PyTorch's (Cephes') choice of method: P by its series
    x^a e^-x / Gamma(a + 1) sum_n x^n / ((a + 1)...(a + n)) where x is at most about a; Q by its
    continued fraction (modified Lentz) where x > a and x > 1.1; for small x and a, Q by the
    series -expm1(a log x - lgamma(1 + a)) - x^a / Gamma(a) sum_n (-x)^n / (n! (a + n)); the
    other one as 1 minus it (where it is at least about 1/2). The series and the fraction run
    until every element has converged. The factor x^a e^-x / Gamma(a), applied through its
    logarithm (it may underflow where the result does not), is, from a = 10,
    exp(-a (t - log(1 + t))) sqrt(a / 2 pi) / exp(S(a)) with t = (x - a) / a (log1p(t) for
    |t| < 1/2) and S Stirling's series of lgamma, so that no large logarithm cancels.
    PyTorch's values at 0, inf and for a negative a or x (nan)."""
    with np.errstate(all="ignore"):
        a, x = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(x, dtype=np.float64))
        ok = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
        aa = np.where(ok, a, 1.0)
        xx = np.where(ok, x, 1.0)
        # the factor x^a e^-x / Gamma(a)
        big = aa >= 10
        ab = np.where(big, aa, 10.0)
        t = (xx - ab) / ab
        u = 1 / (ab * ab)
        stirling = (1 / 12 + u * (-1 / 360 + u * (1 / 1260 + u * (-1 / 1680 + u * (1 / 1188 + u * (
            -691 / 360360 + u * (1 / 156 + u * (-3617 / 122400)))))))) / ab  # fmt: skip
        log_ratio = np.where(np.abs(t) < 0.5, np.log1p(t), np.log(xx / ab))  # log(x / a)
        log_big = -ab * (t - log_ratio) + 0.5 * np.log(ab / (2 * math.pi)) - stirling
        log_small = aa * np.log(xx) - xx - _lgamma_kernel(aa, series)
        log_factor = np.where(big, log_big, log_small)  # (applied in logs: e^-x may underflow)
        # which method, as Cephes' igam and igamc choose
        low_x = xx <= 1.1
        q_cf = ~low_x & (xx >= aa)
        q_series = low_x & np.where(xx <= 0.5, -0.4 / np.log(xx) >= aa, xx * 1.1 >= aa)
        if upper:
            use_p = ~(q_cf | q_series)
        else:
            use_p = ~((xx > 1) & (xx > aa))
            q_cf = ~use_p & q_cf
            q_series = ~use_p & ~q_cf
        # P by its series
        xp = np.where(use_p, xx, 0.0)
        term = 1 / aa
        total = term
        for n in range(1, 20000):
            term = term * xp / (aa + n)
            total = total + term
            if n % 8 == 0 and not np.any(term > 2**-56 * total):
                break
        p = np.exp(log_factor + np.log(total))
        # Q by the continued fraction
        xc = np.where(q_cf, xx, aa + 2)
        tiny = 1e-300
        b = xc + 1 - aa
        c = np.full_like(xc, 1 / tiny)
        d = 1 / b
        h = d
        done = ~q_cf
        for i in range(1, 20000):
            an = -i * (i - aa)
            b = b + 2
            d = an * d + b
            d = np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1 / d
            h = np.where(done, h, h * d * c)  # (once converged, rounding would only drift)
            done = done | (np.abs(d * c - 1) < 1e-16)
            if i % 8 == 0 and done.all():
                break
        cf = np.exp(log_factor + np.log(h))
        # Q by the series of small x
        xs = np.where(q_series, xx, 0.5)
        fac = np.ones_like(xs)
        acc = np.zeros_like(xs)
        for n in range(1, 40):  # x <= 1.1: the 40th term is below 1e-48
            fac = fac * -xs / n
            acc = acc + fac / (aa + n)
        lg1p = np.where(aa <= 0.5, _lgamma1p(np.minimum(aa, 0.5), series),
                        _lgamma_kernel(aa + 1, series))  # fmt: skip
        log_xs = np.log(xs)
        small = (
            -np.expm1(aa * log_xs - lg1p) - np.exp(aa * log_xs - _lgamma_kernel(aa, series)) * acc
        )
        q = np.where(q_cf, cf, small)
        out = np.where(use_p, p, 1 - q) if not upper else np.where(use_p, 1 - p, q)
        # PyTorch's values elsewhere (of P; Q is 1 - P there), in the order of its checks
        edge = np.select(
            [(a < 0) | (x < 0), a == 0, x == 0, np.isinf(a), np.isinf(x)],
            [np.nan, np.where(x > 0, 1.0, np.nan), 0.0, np.where(np.isinf(x), np.nan, 0.0), 1.0],
            np.nan,
        )
        return np.where(ok, out, 1 - edge if upper else edge)


def _float64(kernel: Any, *xs: np.ndarray) -> np.ndarray:
    dt = np.result_type(*xs)
    with _ieee():
        return np.asarray(kernel(*(np.asarray(v, dtype=np.float64) for v in xs))).astype(dt)


def zeta(x: Any, q: Any) -> Any:
    """zeta(x, q) of arrays, or recorded on Tensors (q is the one a rule differentiates)."""
    if _is_array(q):
        return _float64(_zeta64, np.asarray(x), np.asarray(q))
    return TensorMakers.apply(Zeta(), x, q)


def _zeta64(x: Any, q: Any) -> Any:
    return _zeta_kernel(x, q, ZETA_BERNOULLI)


def _density(a: Any, x: Any) -> Any:
    """x^(a-1) e^-x / Gamma(a), the derivative of P(a, x) in x, as PyTorch writes it:
    exp((a - 1) log x - x - lgamma(a)). Runs on arrays and on Tensors."""
    return exp((a - 1) * log(x) - x - _lgamma(a))


def _lgamma(a: Any) -> Any:
    if _is_array(a):
        return _float64(lambda v: _lgamma_kernel(v, LGAMMA_SERIES), np.asarray(a))
    return TensorMakers.apply(Lgamma(), a)


class Zeta(Op):
    """z = zeta(x, q) = sum_k (q + k)^-x;  dz/dq = -x zeta(x + 1, q) (none in x, as PyTorch)."""

    __slots__ = ()
    computes_in_floats = True
    torch_name = "SpecialZetaBackward0"

    def forward(self, x: Any, q: Any) -> np.ndarray:
        return _float64(_zeta64, np.asarray(x), np.asarray(q))

    def backward(self, grad: Any, out: Any, x: Any, q: Any) -> tuple[Any, ...]:
        if self.needs_grad(0):
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        return None, grad * (-x * zeta(x + 1, q))


class Igamma(Op):
    """z = P(a, x), the regularized lower incomplete gamma function;
    dz/dx = x^(a-1) e^-x / Gamma(a) (none in a, as PyTorch)."""

    __slots__ = ()
    upper = False

    def forward(self, a: Any, x: Any) -> np.ndarray:
        upper = self.upper
        return _float64(lambda u, v: _igamma_kernel(u, v, upper, LGAMMA_SERIES), a, x)

    def backward(self, grad: Any, out: Any, a: Any, x: Any) -> tuple[Any, ...]:
        if self.needs_grad(0):
            name = "igammac" if self.upper else "igamma"
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        d = _density(a, x)
        return None, (-grad * d if self.upper else grad * d)


class Igammac(Igamma):
    """z = Q(a, x) = 1 - P(a, x), the regularized upper incomplete gamma function;
    dz/dx = -x^(a-1) e^-x / Gamma(a) (none in a, as PyTorch)."""

    __slots__ = ()
    upper = True
