"""The functions of ``torch.special`` that PyTorch gives no derivative: the Bessel functions
(``bessel_j0``..., ``modified_bessel_k0``..., ``spherical_bessel_j0``) and the orthogonal
polynomials (Chebyshev, Hermite, Laguerre, Legendre). Their results record nothing, as PyTorch's
do not require grad.

NumPy has no special functions. The kernels are vectorised (a fixed number of masked steps; the
polynomials step their recurrence up to the largest degree asked for) and computed in float64.
The Bessel functions of the second kind and of large arguments use Hankel's integrals,
    J_nu(x) + i Y_nu(x) = sqrt(2/(pi x)) e^(i(x - nu pi/2 - pi/4)) F(i),
    K_nu(x) = sqrt(pi/(2x)) e^-x F(1),
    F(c) = 1/Gamma(nu + 1/2) int s^(2nu) e^(-s^2) (1 + c s^2/(2x))^(nu - 1/2) ds over the line,
whose integrand is smooth and decays like a Gaussian: the trapezoid rule with step 0.1 reaches
the rounding error (it converges exponentially, the error about exp(-2 pi sqrt(x) / 0.1)).
Small arguments use the power series.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .dtypes import default_float
from .engine import TensorMakers
from .tensor import Tensor, as_tensor

_STEP = 0.1
_NODES = np.arange(66) * _STEP  # s from 0 to 6.5 (e^(-42.25) beyond)
_WEIGHTS = np.where(np.arange(66) == 0, _STEP, 2 * _STEP)  # the even integrand, both halves
_EULER = 0.5772156649015329


def _hankel(nu: int, x: Any, c: complex) -> Any:
    """F(c) above for x > 0 (one row of nodes per element)."""
    s2 = _NODES * _NODES
    w = _WEIGHTS * np.exp(-s2) * s2**nu / math.gamma(nu + 0.5)
    return (w * (1 + c * s2 / (2 * x[..., None])) ** (nu - 0.5)).sum(-1)


def _series(nu: int, x: Any, sign: float, with_psi: bool = False) -> Any:
    """sum_k sign^k (x^2/4)^k / (k! (k + nu)!), 40 terms (x < 2 here: the last is below 1e-90);
    ``with_psi``: each term times psi(k + 1) + psi(k + nu + 1), the series of Y and K."""
    y = x * x / 4
    term = np.ones_like(x) / math.factorial(nu)
    psi = -2 * _EULER + sum(1 / j for j in range(1, nu + 1))
    acc = term * (psi if with_psi else 1.0)
    for k in range(1, 40):
        term = term * (sign * y) / (k * (k + nu))
        psi += 1 / k + 1 / (k + nu)
        acc = acc + term * (psi if with_psi else 1.0)
    return acc


def _bessel_k(nu: int, x: Any, scaled: bool) -> Any:
    """K_nu(x) (nu = 0, 1), times e^x when ``scaled``: the series below 1 (K0 = -log(x/2) I0 +
    sum psi(k+1) (x^2/4)^k / k!^2, K1 = 1/x + log(x/2) I1 - ...), Hankel's integral above.
    inf at 0, nan below 0, 0 at +inf, as PyTorch's."""
    with np.errstate(all="ignore"):
        small = x < 1
        xs = np.where(small & (x > 0), x, 0.5)
        i = _series(nu, xs, 1.0) * (xs / 2) ** nu
        psi = _series(nu, xs, 1.0, with_psi=True)
        if nu == 0:
            series = -np.log(xs / 2) * i + 0.5 * psi
        else:
            series = 1 / xs + np.log(xs / 2) * i - 0.25 * xs * psi
        if scaled:
            series = series * np.exp(xs)
        xl = np.where(small | ~np.isfinite(x), 2.0, x)
        big = np.sqrt(math.pi / (2 * xl)) * _hankel(nu, xl, 1.0).real
        big = big if scaled else big * np.exp(-xl)
        out = np.where(small, series, big)
        out = np.where(x == 0, np.inf, np.where(x == np.inf, 0.0, out))
        return np.where((x < 0) | np.isnan(x), np.nan, out)


def _bessel_jy(nu: int, x: Any, second: bool) -> Any:
    """J_nu(x) (``second``: Y_nu(x)) for nu = 0, 1: the series below |x| = 2, Hankel's integral
    above, its phase from sin x and cos x (exactly reduced by NumPy) rather than from a rounded
    x - pi/4. J0 is even and J1 odd; Y is -inf at 0 and nan below 0; both nan at +-inf, as
    PyTorch's."""
    with np.errstate(all="ignore"):
        ax = np.abs(x)
        small = ax < 2
        xs = np.where(small & (ax > 0), ax, 1.0)
        j = _series(nu, xs, -1.0) * (xs / 2) ** nu
        if not second:
            series = j
        elif nu == 0:
            series = (2 / math.pi) * (np.log(xs / 2) * j - 0.5 * _series(0, xs, -1.0, True))
        else:
            psi = _series(1, xs, -1.0, True)
            series = (-2 / xs + 2 * np.log(xs / 2) * j - 0.5 * xs * psi) / math.pi
        xl = np.where(small | ~np.isfinite(ax), 4.0, ax)
        f = _hankel(nu, xl, 1j)
        c, s = np.cos(xl), np.sin(xl)
        # sqrt 2 cos(x - nu pi/2 - pi/4) and sqrt 2 sin(...)
        cos_phase, sin_phase = (c + s, s - c) if nu == 0 else (s - c, -(s + c))
        if second:
            big = (f.real * sin_phase + f.imag * cos_phase) / np.sqrt(math.pi * xl)
        else:
            big = (f.real * cos_phase - f.imag * sin_phase) / np.sqrt(math.pi * xl)
        out = np.where(small, series, big)
        out = np.where(np.isfinite(x), out, np.nan)  # (PyTorch's are nan at +-inf)
        if second:
            return np.where(x == 0, -np.inf, np.where(x < 0, np.nan, out))
        out = np.where(x == 0, 1.0 - nu, out)
        return out if nu == 0 else np.copysign(1.0, x) * out


def _spherical_j0(x: Any) -> Any:
    """sin(x) / x, 1 at 0 and 0 at +-inf."""
    with np.errstate(all="ignore"):
        out = np.sin(x) / x
        return np.where(x == 0, 1.0, np.where(np.isinf(x), 0.0, out))


# ---------------------------------------------------------------------------------------------
# The orthogonal polynomials: PyTorch's recurrences, branch for branch (its closed forms at
# |x| = 1 and, for high degrees inside (-1, 1), through acos), so the values are its values.


def _parity(n: Any, even: Any, odd: Any) -> Any:
    return np.where(n % 2 == 0, even, odd)


def _recurrence(x: Any, n: Any, p0: Any, p1: Any, step: Any) -> Any:
    """p_n by p_(k+1) = step(k, p_k, p_(k-1)) from p_0, p_1, every element stopping at its n."""
    top = int(n.max(initial=1))
    p, q = np.broadcast_to(p0, x.shape).astype(np.float64), p1
    out = np.where(n == 0, p, q)
    for k in range(1, top):
        p, q = q, step(k, q, p)
        out = np.where(n == k + 1, q, out)
    return out


def _chebyshev(kind: str, x: Any, n: Any) -> Any:
    """T, U, V, W of degree n at x (PyTorch's branches)."""
    ax = np.abs(x)
    one = ax == 1
    theta = np.arccos(np.clip(x, -1, 1))

    def step(k: int, q: Any, p: Any) -> Any:
        return (x + x) * q - p

    if kind == "t":
        at_one = np.where((x > 0) | (n % 2 == 0), 1.0, -1.0)
        trig = (n > 6) & (ax < 1)
        closed = np.cos(n * theta)
        p1 = x
    elif kind == "u":
        at_one = np.where((x > 0) | (n % 2 == 0), n + 1.0, -(n + 1.0))
        trig = (n > 8) & (ax < 1)
        sin = np.sin(theta)
        closed = np.where(
            sin != 0, np.sin((n + 1) * theta) / sin, (n + 1) * np.cos((n + 1) * theta) / x
        )
        p1 = x + x
    elif kind == "v":
        at_one = np.where(x > 0, 1.0, _parity(n, n + n + 1.0, -(n + n + 1.0)))
        trig = (n > 8) & (ax < 1)
        closed = np.where(
            np.sin(theta / 2) != 1,
            np.cos((n + 0.5) * theta) / np.cos(theta / 2),
            _parity(n, n + n + 1.0, -(n + n + 1.0)),
        )
        p1 = x + x - 1
    else:
        at_one = np.where(x > 0, n + n + 1.0, _parity(n, 1.0, -1.0))
        trig = (n > 8) & (ax < 1)
        closed = np.where(
            np.cos(theta / 2) != 1,
            np.sin((n + 0.5) * theta) / np.sin(theta / 2),
            np.where(x > 0, n + n + 1.0, _parity(n, 1.0, -1.0)),
        )
        p1 = x + x + 1
    plain = _recurrence(x, np.where(one | trig, 0, n), 1.0, p1, step)
    out = np.where(one, at_one, np.where(trig, closed, plain))
    return np.where(n < 0, 0.0, out)


def _hermite_h(x: Any, n: Any) -> Any:
    out = _recurrence(x, n, 1.0, x + x, lambda k, q, p: (x + x) * q - (k + k) * p)
    return np.where(n < 0, 0.0, out)


def _hermite_he(x: Any, n: Any) -> Any:
    out = _recurrence(x, n, 1.0, x, lambda k, q, p: x * q - k * p)
    return np.where(n < 0, 0.0, out)


def _laguerre_l(x: Any, n: Any) -> Any:
    def step(k: int, q: Any, p: Any) -> Any:
        return ((k + k + 1 - x) * q - k * p) / (k + 1)

    out = _recurrence(x, n, 1.0, 1 - x, step)
    return np.where(n < 0, 0.0, np.where(np.abs(x) == 0, 1.0, out))


def _legendre_p(x: Any, n: Any) -> Any:
    def step(k: int, q: Any, p: Any) -> Any:
        return ((k + k + 1) * x * q - k * p) / (k + 1)

    one = np.abs(x) == 1
    at_one = np.where((x > 0) | (n == 0), 1.0, _parity(n, 1.0, -1.0))
    out = np.where(one, at_one, _recurrence(x, np.where(one, 0, n), 1.0, x, step))
    return np.where(n < 0, 0.0, out)


POLYNOMIALS = {
    "chebyshev_polynomial_t": lambda x, n: _chebyshev("t", x, n),
    "chebyshev_polynomial_u": lambda x, n: _chebyshev("u", x, n),
    "chebyshev_polynomial_v": lambda x, n: _chebyshev("v", x, n),
    "chebyshev_polynomial_w": lambda x, n: _chebyshev("w", x, n),
    "shifted_chebyshev_polynomial_t": lambda x, n: _chebyshev("t", x + x - 1, n),
    "shifted_chebyshev_polynomial_u": lambda x, n: _chebyshev("u", x + x - 1, n),
    "shifted_chebyshev_polynomial_v": lambda x, n: _chebyshev("v", x + x - 1, n),
    "shifted_chebyshev_polynomial_w": lambda x, n: _chebyshev("w", x + x - 1, n),
    "hermite_polynomial_h": _hermite_h,
    "hermite_polynomial_he": _hermite_he,
    "laguerre_polynomial_l": _laguerre_l,
    "legendre_polynomial_p": _legendre_p,
}


def _airy_ai(x: Any, boundary: float = -7.0) -> Any:
    """Ai(x). Between ``boundary`` and 1 its Maclaurin series c1 f(x) - c2 g(x), 40 terms of
    each; from 1, Ai(x) = sqrt(x/3) K_1/3(z) / pi with z = 2/3 x^(3/2) and
    K_nu(z) = e^-z int_0^inf e^(-z (cosh t - 1)) cosh(nu t) dt, an integrand analytic and
    decaying twice exponentially, which the trapezoid rule (120 steps of min(0.1, 0.5/sqrt z))
    sums to the rounding error; below ``boundary``, the asymptotic series
    Ai(-y) = (cos(z - pi/4) sum (-1)^k u_2k / z^2k + sin(z - pi/4) sum (-1)^k u_2k+1 / z^2k+1)
    / (sqrt(pi) y^(1/4)), 20 terms. 0 above 103.892, nan at +-inf and nan, as PyTorch's."""
    with np.errstate(all="ignore"):
        near = (x > boundary) & (x < 1)
        xs = np.where(near, x, 0.0)
        cube = xs * xs * xs
        f, g = np.ones_like(xs), xs.copy()
        acc_f, acc_g = f, g
        for k in range(1, 41):
            f = f * cube / ((3 * k - 1) * (3 * k))
            g = g * cube / ((3 * k) * (3 * k + 1))
            acc_f, acc_g = acc_f + f, acc_g + g
        series = 0.355028053887817239 * acc_f - 0.258819403792806798 * acc_g
        xr = np.where(x >= 1, x, 1.0)
        z = 2 / 3 * xr * np.sqrt(xr)
        h = np.minimum(0.1, 0.5 / np.sqrt(z))
        t = np.arange(120) * h[..., None]
        w = np.where(np.arange(120) == 0, 0.5, 1.0)
        integral = h * (w * np.exp(-z[..., None] * (np.cosh(t) - 1)) * np.cosh(t / 3)).sum(-1)
        right = np.sqrt(xr / 3) / math.pi * integral * np.exp(-z)
        y = np.where(x <= boundary, -x, -boundary + 1)
        z = 2 / 3 * y * np.sqrt(y)
        u, even, odd, power = 1.0, np.ones_like(z), np.zeros_like(z), np.ones_like(z)
        for k in range(1, 21):
            u = u * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k)
            power = power / z
            sign = 1 if k % 4 in (0, 1) else -1  # (-1)^(k // 2)
            if k % 2:
                odd = odd + sign * u * power
            else:
                even = even + sign * u * power
        c, s = np.cos(z), np.sin(z)
        left = ((c + s) * even + (s - c) * odd) / (math.sqrt(2 * math.pi) * np.sqrt(np.sqrt(y)))
        out = np.where(near, series, np.where(x >= 1, right, left))
        out = np.where(x > 103.892, 0.0, out)
        return np.where(np.isnan(x) | np.isinf(x), np.nan, out)


FUNCTIONS = {
    "airy_ai": _airy_ai,
    "bessel_j0": lambda x: _bessel_jy(0, x, False),
    "bessel_j1": lambda x: _bessel_jy(1, x, False),
    "bessel_y0": lambda x: _bessel_jy(0, x, True),
    "bessel_y1": lambda x: _bessel_jy(1, x, True),
    "modified_bessel_k0": lambda x: _bessel_k(0, x, False),
    "modified_bessel_k1": lambda x: _bessel_k(1, x, False),
    "scaled_modified_bessel_k0": lambda x: _bessel_k(0, x, True),
    "scaled_modified_bessel_k1": lambda x: _bessel_k(1, x, True),
    "spherical_bessel_j0": _spherical_j0,
}


def _float(input: Any) -> Tensor:
    x = as_tensor(input)
    return x if x.dtype.is_floating_point else x.float()


def values(input: Any, compute: Any) -> Tensor:
    """compute(x) in float64, rounded to x's float dtype, as a tensor that records nothing."""
    v = _float(input).detach().numpy()
    with np.errstate(all="ignore"):
        out = np.asarray(compute(v.astype(np.float64))).astype(v.dtype)
    return TensorMakers.wrap(out, None)


def polynomial(name: str, input: Any, n: Any) -> Tensor:
    """The polynomial ``name`` of degree n (a tensor or a number, truncated to an integer as
    PyTorch's) at input, broadcast together; the dtype is PyTorch's (a float dtype of either
    tensor, else the default float)."""
    raws = [_raw(a) for a in (input, n)]
    floats = [a.dtype for a in raws if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else default_float()
    x = np.asarray(raws[0], dtype=np.float64)
    with np.errstate(all="ignore"):
        raw_n = np.asarray(raws[1], dtype=np.float64)
        degree = np.where(np.isfinite(raw_n), np.trunc(raw_n), -1).astype(np.int64)
        x, degree = np.broadcast_arrays(x, degree)
        out = POLYNOMIALS[name](x, degree)
    return TensorMakers.wrap(np.asarray(out).astype(dtype), None)


def _raw(a: Any) -> Any:
    return a.detach().numpy() if isinstance(a, Tensor) else a
