"""Reparameterised gamma variates: ``standard_gamma(alpha)`` draws x ~ Gamma(alpha, 1) with
NumPy and its op, ``StandardGamma``, passes the gradient dx/dalpha of the implicit
reparameterisation (PyTorch's ``_standard_gamma_grad``): with F(x; alpha) the gamma cdf held at
the drawn u = F(x; alpha), dx/dalpha = -(dF/dalpha) / p(x; alpha).

The gradient kernel is PyTorch's: a series for x < 0.8, Rice's saddle-point expansion for
alpha > 8, a fitted bivariate rational function elsewhere (a relative error near 1e-3 there).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .engine import Op, TensorMakers
from .gamma import LGAMMA_SERIES, _digamma_kernel, _lgamma_kernel
from .ops import _is_array
from .quiet import _ieee
from .random import as_generator
from .zeta_igamma import _igamma_kernel

# PyTorch's coefficients of p(v) / q(v), each a quadratic in u (rows: u^0, u^1, u^2)
_COEF_UV = (
    (0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084),
    (0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915,
     -0.00058392623),
    (0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326,
     0.00085092367, -1.5247877e-07),
)  # fmt: skip


def _standard_gamma_grad_kernel(alpha: Any, x: Any, coef_uv: Any) -> Any:
    """dx/dalpha of a standard gamma variate x of concentration alpha (float64 arrays)."""
    with np.errstate(all="ignore"):
        # x < 0.8: the lower incomplete gamma by its series x^a sum (-x)^k / (k! (a + k))
        numer = np.ones_like(x)
        denom = alpha.copy()
        series1 = numer / denom
        series2 = numer / (denom * denom)
        for i in range(1, 6):
            numer = numer * (-x / i)
            denom = denom + 1
            series1 = series1 + numer / denom
            series2 = series2 + numer / (denom * denom)
        pow_x_alpha = x**alpha
        gamma_pdf = x ** (alpha - 1) * np.exp(-x)
        gamma_cdf = pow_x_alpha * series1
        psi = _digamma_kernel(alpha)
        gamma_cdf_alpha = (np.log(x) - psi) * gamma_cdf - pow_x_alpha * series2
        small = -gamma_cdf_alpha / gamma_pdf
        small = np.where(np.isnan(small), 0.0, small)
        # alpha > 8: Rice's saddle-point expansion
        near = (0.9 * alpha <= x) & (x <= 1.1 * alpha)
        numer_1 = 1 + 24 * alpha * (1 + 12 * alpha)
        numer_2 = (
            1440 * (alpha * alpha)
            + 6 * x * (53 - 120 * x)
            - 65 * x * x / alpha
            + alpha * (107 + 3600 * x)
        )
        centre = numer_1 * numer_2 / (1244160 * (alpha * alpha) * (alpha * alpha))
        denom_r = np.sqrt(8 * alpha)
        term2 = denom_r / (alpha - x)
        term3 = (x - alpha - alpha * np.log(x / alpha)) ** -1.5
        term23 = np.where(x < alpha, term2 - term3, term2 + term3)
        term1 = np.log(x / alpha) * term23 - np.sqrt(2 / alpha) * (alpha + x) / (
            (alpha - x) * (alpha - x)
        )
        stirling = 1 + 1 / (12 * alpha) * (1 + 1 / (24 * alpha))
        tails = -stirling * x * term1 / denom_r
        large = np.where(near, centre, tails)
        # elsewhere: the rational approximation exp(p(u, v) / q(u, v))
        u = np.log(x / alpha)
        v = np.log(alpha)
        c = [coef_uv[0][i] + u * (coef_uv[1][i] + u * coef_uv[2][i]) for i in range(8)]
        p = c[0] + v * (c[1] + v * (c[2] + v * c[3]))
        q = c[4] + v * (c[5] + v * (c[6] + v * c[7]))
        middle = np.exp(p / q)
        return np.where(x < 0.8, small, np.where(alpha > 8, large, middle))


def standard_gamma_grad(alpha: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dx/dalpha (PyTorch's ``_standard_gamma_grad``), computed in float64, in x's dtype."""
    with _ieee():
        alpha, x = np.asarray(alpha), np.asarray(x)
        a64, x64 = np.broadcast_arrays(alpha.astype(np.float64), x.astype(np.float64))
        out = _standard_gamma_grad_kernel(a64, x64, _COEF_UV)
        return np.asarray(out).astype(x.dtype)


def _gammainc(a: Any, x: Any) -> tuple[Any, Any]:
    """(P, Q), the regularized lower and upper incomplete gamma functions at (a, x), each
    computed as itself (not as 1 minus the other), so a tail keeps its relative precision."""
    return _igamma_kernel(a, x, False, LGAMMA_SERIES), _igamma_kernel(a, x, True, LGAMMA_SERIES)


def _gamma_quantile(a: Any, a0: Any, x0: Any) -> Any:
    """x with F(x; a) = F(x0; a0), F the gamma cdf: Newton's method in log x from x0 (on P or
    on Q, whichever is the smaller at x0, to keep the relative precision of the tail)."""
    p0, q0 = _gammainc(a0, x0)
    use_p = p0 < 0.5
    with np.errstate(all="ignore"):
        t = np.log(x0)
        for _ in range(60):
            x = np.exp(t)
            p, q = _gammainc(a, x)
            f = np.where(use_p, p - p0, q0 - q)
            density = np.exp(a * t - x - _lgamma_kernel(a, LGAMMA_SERIES))  # dF/dlog x
            t = t - np.clip(f / density, -1.0, 1.0)
        return np.exp(t)


class StandardGammaGrad(Op):
    """z = dx/dalpha of a standard gamma variate x of concentration alpha (the implicit
    reparameterisation gradient); not differentiable itself (nor is PyTorch's)."""

    __slots__ = ()
    computes_in_floats = True
    differentiable = False

    def forward(self, alpha: Any, x: Any) -> np.ndarray:
        return standard_gamma_grad(alpha, x)

    def backward(self, grad: Any, out: Any, alpha: Any, x: Any) -> tuple[Any, ...]:
        raise NotImplementedError(
            "the derivative for '_standard_gamma_grad' is not implemented: the samples of "
            "Gamma, Chi2, Beta, Dirichlet and StudentT (rsample) have first derivatives only"
        )


class StandardGamma(Op):
    """z = F^-1(F(x0; alpha0); alpha), the standard gamma variate at the same cdf level as the
    variate x0 drawn for alpha0 (x0 itself at alpha0);  dz/dalpha = standard_gamma_grad(alpha, z).

    Away from alpha0 (finite differences) the forward solves for z; at alpha0 it is x0.
    """

    __slots__ = ("alpha0", "sample")
    computes_in_floats = True

    def __init__(self, alpha0: np.ndarray, sample: np.ndarray) -> None:
        self.alpha0, self.sample = alpha0, sample

    def forward(self, alpha: Any) -> np.ndarray:
        if alpha.shape == self.alpha0.shape and np.array_equal(alpha, self.alpha0):
            return self.sample
        a64, x0 = alpha.astype(np.float64), self.sample.astype(np.float64)
        with _ieee():
            moved = _gamma_quantile(a64, self.alpha0.astype(np.float64), x0)
        return np.asarray(moved).astype(self.sample.dtype)

    def backward(self, grad: Any, out: Any, alpha: Any) -> tuple[Any, ...]:
        if _is_array(alpha):
            return (grad * standard_gamma_grad(alpha, out),)
        return (grad * TensorMakers.apply(StandardGammaGrad(), alpha, out),)


def standard_gamma(concentration: Any, generator: Any = None) -> Any:
    """Gamma(concentration, 1) variates of ``concentration``'s shape and dtype, clamped to the
    smallest normal float (as PyTorch's ``_standard_gamma``); the gradient reaches the
    concentration by implicit reparameterisation."""
    a = np.asarray(concentration._data)
    rng = as_generator(generator, "_standard_gamma()")
    draws = np.asarray(rng.standard_gamma(a.astype(np.float64))).astype(a.dtype)
    draws = np.maximum(draws, np.finfo(a.dtype).tiny)
    return TensorMakers.apply(StandardGamma(a.copy(), draws), concentration)
