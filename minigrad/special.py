"""``minigrad.special``: PyTorch's ``torch.special`` names for the special functions minigrad
has (``gammaln`` is ``lgamma``, ``psi`` is ``digamma``, ``expit`` is ``sigmoid``...), the error
function family (``erfc``, ``erfcx``, ``ndtr``, ``log_ndtr``, ``ndtri``) and the modified Bessel
functions of the first kind (``i0``, ``i0e``, ``i1``, ``i1e``), the Hurwitz ``zeta`` and the
regularized incomplete gamma functions (``gammainc``, ``gammaincc``), with ``entr``, ``xlog1py``
and ``ndtr``/``log_ndtr`` composed of differentiable ops. An absent name explains itself."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from . import special_ops, special_values, zeta_igamma
from ._missing import missing_attribute
from .activations import log_softmax, sigmoid, softmax
from .engine import TensorMakers
from .functions import (
    _into,
    digamma,
    erf,
    erfc,
    erfinv,
    exp2,
    expm1,
    i0,
    lgamma,
    log1p,
    logit,
    logsumexp,
    mvlgamma,
    polygamma,
    round,
    sinc,
    where,
    xlogy,
)
from .gap_methods import tensor_argument as _tensor_argument
from .node_surface import labelled
from .pointwise import _pair
from .tensor import Tensor, as_tensor

__all__ = [
    "airy_ai",
    "bessel_j0",
    "bessel_j1",
    "bessel_y0",
    "bessel_y1",
    "chebyshev_polynomial_t",
    "chebyshev_polynomial_u",
    "chebyshev_polynomial_v",
    "chebyshev_polynomial_w",
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfcx",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammainc",
    "gammaincc",
    "gammaln",
    "hermite_polynomial_h",
    "hermite_polynomial_he",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "laguerre_polynomial_l",
    "legendre_polynomial_p",
    "log1p",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "modified_bessel_i0",
    "modified_bessel_i1",
    "modified_bessel_k0",
    "modified_bessel_k1",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1",
    "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
    "sinc",
    "softmax",
    "spherical_bessel_j0",
    "xlog1py",
    "xlogy",
    "zeta",
]

expit = sigmoid
gammaln = lgamma
psi = digamma


def multigammaln(input: Any, p: int, *, out: Tensor | None = None) -> Tensor:
    """The multivariate log-gamma of dimension p (``torch.special.multigammaln``)."""
    return mvlgamma(input, p, out=out)


def entr(input: Any) -> Tensor:
    """-x log(x) elementwise: 0 at 0 and -inf below 0, as PyTorch's.

    Its gradient is -(1 + log x) above 0; the logarithm sees 1 elsewhere, so no inf or nan
    leaks into the gradient of the other elements.
    """
    x = as_tensor(input)
    if not x.dtype.is_floating_point:
        x = x.float()
    v = x.detach().numpy()
    safe = where(v > 0, x, 1.0)
    rest = np.where(v == 0, 0.0, np.where(v < 0, -np.inf, v)).astype(v.dtype)  # nan stays nan
    return where(v > 0, -(safe * safe.log()), rest)


def xlog1py(input: Any, other: Any) -> Tensor:
    """input * log1p(other), 0 where input is 0 (unless other is nan), as PyTorch's."""
    x, y = as_tensor(input), as_tensor(other)
    if not x.dtype.is_floating_point:
        x = x.float()
    zero = (x.detach().numpy() == 0) & ~np.isnan(y.detach().numpy())
    return where(zero, 0.0, x * y.log1p())


def _float(input: Any) -> Tensor:
    """input as a tensor of a floating dtype (integers and bools: the default float)."""
    x = as_tensor(input)
    return x if x.dtype.is_floating_point else x.float()


def erfcx(input: Any, *, out: Tensor | None = None) -> Tensor:
    """The scaled complementary error function exp(x^2) erfc(x), finite far into the right
    tail (where erfc underflows) and +inf below -26.6 (where exp(x^2) overflows)."""
    return _into(out, TensorMakers.apply(special_ops.Erfcx(), as_tensor(input)), "erfcx")


def ndtr(input: Any, *, out: Tensor | None = None) -> Tensor:
    """The standard normal distribution function (1 + erf(x / sqrt 2)) / 2.

    Above -1, erfc(-x / sqrt 2) / 2. Below, erfcx(-x / sqrt 2) exp(-x^2 / 2) / 2 with
    x^2 = h^2 + (x - h)(x + h), h being x rounded to 20 bits after the point (h^2 exact): erfc
    of x / sqrt 2 rounded would lose x^2 ulps (1e-13 at -37, where PyTorch's is 0 from -20 on).
    h is a constant, so the gradient, exp(-x^2 / 2) / sqrt(2 pi), is the exact one.
    """
    x = _float(input)
    v = x.detach().numpy()
    low = v < -1
    with np.errstate(all="ignore"):
        h = np.where(low, np.round(np.maximum(v, -40) * 1048576.0) / 1048576.0, -1.0)
        scale = np.exp(-0.5 * h * h).astype(v.dtype)
    a, b = where(low, x, -1.0), where(low, -1.0, x)
    left = erfcx(a * -_SQRT_HALF) * (((a - h) * (a + h)) * -0.5).exp() * (0.5 * scale)
    right = (b * -_SQRT_HALF).erfc() * 0.5
    return _into(out, where(low, left, right), "ndtr")


def log_ndtr(input: Any, *, out: Tensor | None = None) -> Tensor:
    """log ndtr(x), PyTorch's way: log(erfcx(-x / sqrt 2) / 2) - x^2 / 2 below -1 (finite at
    -40, where ndtr underflows), log1p(-ndtr(-x)) above (exact near 0 for large x; ndtr(-x)
    as accurate as ``ndtr`` is, where PyTorch's erfc(x / sqrt 2) / 2 loses x^2 ulps).
    Each branch sees a stand-in where the other is taken, so no inf or nan leaks into the
    gradient."""
    x = _float(input)
    low = x.detach().numpy() < -1
    a, b = where(low, x, -1.0), where(low, -1.0, x)
    left = (erfcx(a * -_SQRT_HALF) * 0.5).log() - a * (a * 0.5)  # (a * a overflows first)
    right = (-ndtr(-b)).log1p()
    return _into(out, labelled(where(low, left, right), "SpecialLogNdtrBackward0", x), "log_ndtr")


def ndtri(input: Any, *, out: Tensor | None = None) -> Tensor:
    """The inverse of ndtr, the standard normal quantile (-inf at 0, +inf at 1, nan outside
    [0, 1]); accurate in both tails, down to the smallest subnormal."""
    return _into(out, TensorMakers.apply(special_ops.Ndtri(), as_tensor(input)), "ndtri")


def i0e(input: Any, *, out: Tensor | None = None) -> Tensor:
    """exp(-|x|) I0(x), the exponentially scaled modified Bessel function of order 0."""
    return _into(out, TensorMakers.apply(special_ops.I0e(), as_tensor(input)), "i0e")


def i1(input: Any, *, out: Tensor | None = None) -> Tensor:
    """I1(x), the modified Bessel function of the first kind of order 1."""
    return _into(out, TensorMakers.apply(special_ops.I1(), as_tensor(input)), "i1")


def i1e(input: Any, *, out: Tensor | None = None) -> Tensor:
    """exp(-|x|) I1(x), the exponentially scaled modified Bessel function of order 1."""
    return _into(out, TensorMakers.apply(special_ops.I1e(), as_tensor(input)), "i1e")


def modified_bessel_i0(input: Any, *, out: Tensor | None = None) -> Tensor:
    """I0(x), as ``i0`` but with no derivative (PyTorch's ``torch.special`` version has none)."""
    result = special_values.values(input, lambda v: special_ops._bessel_i_kernel(0, v, False))
    return _into(out, result, "modified_bessel_i0")


def modified_bessel_i1(input: Any, *, out: Tensor | None = None) -> Tensor:
    """I1(x), as ``i1`` but with no derivative (PyTorch's ``torch.special`` version has none)."""
    result = special_values.values(input, lambda v: special_ops._bessel_i_kernel(1, v, False))
    return _into(out, result, "modified_bessel_i1")


def _bessel(name: str, what: str) -> Callable[..., Tensor]:
    """The function ``name`` of ``special_values``, with PyTorch's signature and no derivative."""
    compute = special_values.FUNCTIONS[name]

    def function(input: Any, *, out: Tensor | None = None) -> Tensor:
        return _into(out, special_values.values(input, compute), name)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"{what}, elementwise; no derivative (PyTorch's has none)."
    return function


def _polynomial(name: str, what: str) -> Callable[..., Tensor]:
    """The polynomial ``name`` of ``special_values``, with PyTorch's signature."""

    def function(input: Any, n: Any, *, out: Tensor | None = None) -> Tensor:
        return _into(out, special_values.polynomial(name, input, n), name)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = (
        f"{what} of degree n (a tensor or a number, truncated to an integer; 0 where n < 0) at "
        "input, broadcast together; no derivative (PyTorch's has none)."
    )
    return function


bessel_j0 = _bessel("bessel_j0", "The Bessel function of the first kind of order 0")
bessel_j1 = _bessel("bessel_j1", "The Bessel function of the first kind of order 1")
bessel_y0 = _bessel("bessel_y0", "The Bessel function of the second kind of order 0")
bessel_y1 = _bessel("bessel_y1", "The Bessel function of the second kind of order 1")
modified_bessel_k0 = _bessel("modified_bessel_k0", "The modified Bessel function K0")
modified_bessel_k1 = _bessel("modified_bessel_k1", "The modified Bessel function K1")
scaled_modified_bessel_k0 = _bessel("scaled_modified_bessel_k0", "exp(x) K0(x)")
scaled_modified_bessel_k1 = _bessel("scaled_modified_bessel_k1", "exp(x) K1(x)")
spherical_bessel_j0 = _bessel("spherical_bessel_j0", "sin(x) / x, the spherical Bessel j0")
chebyshev_polynomial_t = _polynomial("chebyshev_polynomial_t", "The Chebyshev polynomial T_n")
chebyshev_polynomial_u = _polynomial("chebyshev_polynomial_u", "The Chebyshev polynomial U_n")
chebyshev_polynomial_v = _polynomial("chebyshev_polynomial_v", "The Chebyshev polynomial V_n")
chebyshev_polynomial_w = _polynomial("chebyshev_polynomial_w", "The Chebyshev polynomial W_n")
shifted_chebyshev_polynomial_t = _polynomial("shifted_chebyshev_polynomial_t", "T_n(2x - 1)")
shifted_chebyshev_polynomial_u = _polynomial("shifted_chebyshev_polynomial_u", "U_n(2x - 1)")
shifted_chebyshev_polynomial_v = _polynomial("shifted_chebyshev_polynomial_v", "V_n(2x - 1)")
shifted_chebyshev_polynomial_w = _polynomial("shifted_chebyshev_polynomial_w", "W_n(2x - 1)")
hermite_polynomial_h = _polynomial("hermite_polynomial_h", "The physicists' Hermite H_n")
hermite_polynomial_he = _polynomial("hermite_polynomial_he", "The probabilists' Hermite He_n")
laguerre_polynomial_l = _polynomial("laguerre_polynomial_l", "The Laguerre polynomial L_n")
legendre_polynomial_p = _polynomial("legendre_polynomial_p", "The Legendre polynomial P_n")


airy_ai = _bessel("airy_ai", "The Airy function Ai")


def zeta(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """The Hurwitz zeta function zeta(x, q) = sum_k (q + k)^-x of input x and other q,
    broadcast together; either may be a number (not both, as PyTorch). Its derivative is in q
    only (-x zeta(x + 1, q)); backward through x raises PyTorch's ``NotImplementedError``."""
    if isinstance(input, bool | int | float) and isinstance(other, bool | int | float):
        raise TypeError(
            "special_zeta() received an invalid combination of arguments - got (float, float), "
            "but expected one of: (Tensor input, Tensor other), (Number self, Tensor other) or "
            "(Tensor input, Number other): make one of them a tensor"
        )
    x = input if isinstance(input, bool | int | float) else as_tensor(input)
    z = _pair(zeta_igamma.Zeta(), "special_zeta", x, other, True)
    if isinstance(x, bool | int | float):  # PyTorch's zeta(Scalar, Tensor): the number no input
        z = labelled(z, "SpecialZetaBackward1", other)
    elif isinstance(other, bool | int | float):  # and zeta(Tensor, Scalar)
        z = labelled(z, "SpecialZetaBackward2", x)
    return _into(out, z, "special_zeta")


def gammainc(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """The regularized lower incomplete gamma function P(a, x) of input a and other x
    (tensors of a float dtype, broadcast together): the gamma(a, 1) distribution function at x.
    Differentiable in x (x^(a-1) e^-x / Gamma(a)); backward through a raises PyTorch's
    ``NotImplementedError``."""
    _tensor_argument(input, "special_gammainc", "input", 1)
    _tensor_argument(other, "special_gammainc", "other", 2)
    return _into(out, input.igamma(other), "special_gammainc")


def gammaincc(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x), accurate where
    P is near 1; differentiable in x only, as ``gammainc``."""
    _tensor_argument(input, "special_gammaincc", "input", 1)
    _tensor_argument(other, "special_gammaincc", "other", 2)
    return _into(out, input.igammac(other), "special_gammaincc")


_SQRT_HALF = math.sqrt(0.5)


__getattr__ = missing_attribute(
    "minigrad.special",
    "torch.special",
    "minigrad has the gamma family, the error function family, the Bessel functions, the "
    "orthogonal polynomials, zeta, the incomplete gamma functions and the elementwise "
    "functions listed in docs/pytorch-surface.md",
)
