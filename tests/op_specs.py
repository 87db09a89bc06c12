"""The op table: one row per op (and per interesting configuration of it).

Each row names a minigrad callable, the NumPy formula it must agree with, the input shapes,
and how inputs are drawn so that finite differences are meaningful: positive for log/sqrt,
away from kinks (relu/abs at 0, clip bounds, max/min ties, maximum/minimum crossings).
``tests/test_ops.py`` runs every row through forward, gradcheck and gradgradcheck; rows with
``broadcast`` or ``axis`` set are also fed generated shapes and axes.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import minigrad as mg
import minigrad.special as special
from minigrad import Tensor, fused, ops
from minigrad.engine import Op
from minigrad.graph import iter_graph
from minigrad.tensor import apply

Shape = tuple[int, ...]

# Domains: how the values of one input are drawn.
REAL = "real"  # standard normal
POSITIVE = "positive"  # in [0.5, 2]: log, sqrt, fractional powers, bases of x ** y
OFFGRID = "offgrid"  # at least 0.15 away from every multiple of 0.5 (0, clip bounds)
DISTINCT = "distinct"  # all values at least 0.2 apart: no ties for max/min reductions
GRID_A = "grid_a"  # k + 0.25 +- 0.1 ...
GRID_B = "grid_b"  # ... and k + 0.75 +- 0.1: a pair never closer than 0.3 (maximum/minimum)
ZEROS = "zeros"  # standard normal with every third element exactly 0 (prod's gradient there)
UNIT = "unit"  # in [-0.8, 0.8]: asin, acos, atanh away from +-1, tan away from its poles
ABOVE_ONE = "above_one"  # in [1.25, 3]: acosh away from 1
PROBABILITY = "probability"  # in [0.1, 0.9]: logit away from 0 and 1
DIVISOR = "divisor"  # +-[1.95, 2.05]: 4 * OFFGRID over it is never near a whole number
INVERTIBLE = "invertible"  # square matrices 1.5 I + 0.3 N(0, 1): far from singular (inv, det)
SPREAD = "spread"  # OFFGRID over [-6.85, 6.85]: both sides of +-3 and 6 (hardswish, relu6)


def draw(domain: str, shape: Shape, rng: np.random.Generator) -> np.ndarray:
    """Values of ``shape`` drawn from ``domain`` (float64)."""
    if domain == REAL:
        return rng.standard_normal(shape)
    if domain == POSITIVE:
        return rng.uniform(0.5, 2.0, shape)
    if domain == OFFGRID:
        return (rng.integers(-4, 4, shape) + 0.5) * 0.5 + rng.uniform(-0.1, 0.1, shape)
    if domain == DISTINCT:
        n = int(np.prod(shape))
        spaced = (rng.permutation(n) - n / 2) * 0.3 + rng.uniform(-0.05, 0.05, n)
        return spaced.reshape(shape)
    if domain == SPREAD:
        return (rng.integers(-14, 14, shape) + 0.5) * 0.5 + rng.uniform(-0.1, 0.1, shape)
    if domain == UNIT:
        return rng.uniform(-0.8, 0.8, shape)
    if domain == ABOVE_ONE:
        return rng.uniform(1.25, 3.0, shape)
    if domain == PROBABILITY:
        return rng.uniform(0.1, 0.9, shape)
    if domain == DIVISOR:
        return rng.choice([-1.0, 1.0], shape) * rng.uniform(1.95, 2.05, shape)
    if domain == INVERTIBLE:
        return 1.5 * np.eye(shape[-1]) + 0.3 * rng.standard_normal(shape)
    if domain == ZEROS:
        x = rng.standard_normal(shape)
        x.reshape(-1)[::3] = 0.0
        return x
    if domain in (GRID_A, GRID_B):
        offset = 0.25 if domain == GRID_A else 0.75
        return rng.integers(-2, 2, shape) + offset + rng.uniform(-0.1, 0.1, shape)
    raise ValueError(f"unknown domain {domain!r}")


@dataclass(frozen=True)
class OpSpec:
    """One row of the op table.

    ``fn(*tensors, **kwargs)`` is the minigrad side, ``ref(*arrays, **kwargs)`` the NumPy side.
    """

    name: str
    fn: Callable[..., Tensor]
    ref: Callable[..., Any]
    shapes: tuple[Shape, ...]
    domains: tuple[str, ...] = ()  # one per input; REAL when omitted
    kwargs: dict[str, Any] = field(default_factory=dict)
    elementwise: bool = False  # a unary elementwise op: any input shape works
    broadcast: bool = False  # a binary elementwise op: inputs broadcast against each other
    axis: bool = False  # fn and ref take axis= and keepdims=
    gradgrad: bool = True  # second order is defined and checked
    check: dict[str, Any] = field(default_factory=dict)  # gradcheck tolerances/step
    out_dtype: str | None = None  # the output dtype when it is not the inputs' (casts)
    # The Tensor path's first order must equal the array path's exactly, unless the rule has
    # code of its own for arrays that sums in another order (conv, normalize): then this rtol.
    paths_rtol: float = 0.0

    def domain(self, i: int) -> str:
        return self.domains[i] if i < len(self.domains) else REAL

    def arrays(
        self, rng: np.random.Generator, shapes: Sequence[Shape] | None = None
    ) -> list[np.ndarray]:
        """Fresh float64 inputs for this row (``shapes`` overrides the row's own)."""
        return [draw(self.domain(i), s, rng) for i, s in enumerate(shapes or self.shapes)]

    def __call__(self, *xs: Any, **kwargs: Any) -> Tensor:
        return self.fn(*xs, **{**self.kwargs, **kwargs})

    def expected(self, *arrays: np.ndarray, **kwargs: Any) -> np.ndarray:
        return np.asarray(self.ref(*arrays, **{**self.kwargs, **kwargs}))


def _poisson(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.random.default_rng(0).poisson(x)).astype(x.dtype)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def _logsumexp(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


def _var(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    return np.var(x, axis=axis, keepdims=keepdims, ddof=1)


def _zero(x: Any) -> Any:
    """A 0-d zero of x's dtype: maximum and minimum take a tensor (a number is clamp's)."""
    return mg.zeros((), dtype=x.dtype)


def _cond(shape: Shape) -> np.ndarray:
    """A fixed boolean mask with both values present."""
    mask = np.random.default_rng(sum(shape) + 7).random(shape) > 0.5
    mask.reshape(-1)[:2] = (True, False)
    return mask


def _cast(dtype: str) -> dict[str, Any]:
    # The output is float32: finite differences need a step far above its rounding error.
    return {"check": {"eps": 1e-2, "atol": 1e-4, "rtol": 1e-3}, "out_dtype": dtype}


# ---------------------------------------------------------------------------------------------
# The table


Row = tuple[Any, ...]  # (name, fn, ref, domains...)


def _unary() -> list[OpSpec]:
    u: list[Row] = [
        ("neg", lambda x: -x, np.negative, REAL),
        ("exp", mg.exp, np.exp, REAL),
        ("log", mg.log, np.log, POSITIVE),
        ("sqrt", mg.sqrt, np.sqrt, POSITIVE),
        ("abs", mg.abs, np.abs, OFFGRID),
        ("sin", mg.sin, np.sin, REAL),
        ("cos", mg.cos, np.cos, REAL),
        ("tanh", mg.tanh, np.tanh, REAL),
        ("sigmoid", mg.sigmoid, _sigmoid, REAL),
        ("relu", mg.relu, lambda x: np.where(x > 0, x, 0.0), OFFGRID),
        ("method_exp", lambda x: x.exp(), np.exp, REAL),
        ("log1p", mg.log1p, np.log1p, POSITIVE),
        ("expm1", lambda x: x.expm1(), np.expm1, REAL),
        ("log2", lambda x: x.log2(), np.log2, POSITIVE),
        ("log10", mg.log10, np.log10, POSITIVE),
        ("exp2", lambda x: x.exp2(), np.exp2, REAL),
        ("square", mg.square, np.square, REAL),
        ("rsqrt", lambda x: x.rsqrt(), lambda x: 1 / np.sqrt(x), POSITIVE),
        ("pow_method", lambda x: x.pow(3), lambda x: x * x * x, REAL),
        ("abs_builtin", abs, np.abs, OFFGRID),
        ("clone", lambda x: x.clone() * 2, lambda x: 2 * x, REAL),
        ("method_log", lambda x: x.log(), np.log, POSITIVE),
        ("method_relu", lambda x: x.relu(), lambda x: np.maximum(x, 0), OFFGRID),
        ("pow_2", lambda x: x**2, np.square, REAL),
        ("pow_3", lambda x: x**3, lambda x: x * x * x, REAL),
        ("pow_half", lambda x: x**0.5, np.sqrt, POSITIVE),
        ("pow_neg_1_5", lambda x: x**-1.5, lambda x: 1 / (x * np.sqrt(x)), POSITIVE),
        ("rpow_scalar", lambda x: 2.0**x, lambda x: np.exp2(x), REAL),
        ("add_scalar", lambda x: x + 2.5, lambda x: x + 2.5, REAL),
        ("radd_scalar", lambda x: 2.5 + x, lambda x: x + 2.5, REAL),
        ("sub_scalar", lambda x: x - 1.5, lambda x: x - 1.5, REAL),
        ("rsub_scalar", lambda x: 1.5 - x, lambda x: 1.5 - x, REAL),
        ("mul_scalar", lambda x: x * 3.0, lambda x: 3.0 * x, REAL),
        ("rmul_scalar", lambda x: 3 * x, lambda x: 3.0 * x, REAL),
        ("div_scalar", lambda x: x / 4.0, lambda x: 0.25 * x, REAL),
        ("rdiv_scalar", lambda x: 2.0 / x, lambda x: 2.0 * np.reciprocal(x), OFFGRID),
        # (a seeded generator: the draws are a constant of the rates; the op's gradient is 0;
        # NumPy draws from rates up to about 9e18 only, and the float32 edge rows go far above)
        (
            "poisson",
            lambda x: mg.poisson(x.clamp(max=1e6), 0) * x,
            lambda x: _poisson(np.minimum(x, 1e6)) * x,
            POSITIVE,
        ),
        ("maximum_0d", lambda x: mg.maximum(x, _zero(x)), lambda x: np.where(x > 0, x, 0), OFFGRID),
        ("minimum_0d", lambda x: mg.minimum(x, _zero(x)), lambda x: np.where(x < 0, x, 0), OFFGRID),
        ("clip_min", lambda x: x.clip(min=-0.5), lambda x: np.where(x < -0.5, -0.5, x), OFFGRID),
        ("clip_max", lambda x: x.clip(max=0.5), lambda x: np.where(x > 0.5, 0.5, x), OFFGRID),
        # Steps times x, so that first and second order see their zero gradient.
        ("round", lambda x: x.round() * x, lambda x: np.round(x) * x, OFFGRID),
        (
            "round_decimals",
            lambda x: mg.round(x * 0.1, decimals=1) * x,
            lambda x: np.round(x * 0.1, 1) * x,
            OFFGRID,
        ),
        (
            "round_negative_decimals",
            lambda x: (x * 10).round(decimals=-1) * x,
            lambda x: np.round(x * 10, -1) * x,
            OFFGRID,
        ),
        ("floor", lambda x: mg.floor(x) * x, lambda x: np.floor(x) * x, OFFGRID),
        ("ceil", lambda x: x.ceil() * x, lambda x: np.ceil(x) * x, OFFGRID),
        ("trunc", lambda x: x.trunc() * x, lambda x: np.trunc(x) * x, OFFGRID),
        ("fix", lambda x: mg.fix(x) * x, lambda x: np.trunc(x) * x, OFFGRID),
        ("sign", lambda x: x.sign() * x, np.abs, OFFGRID),
        ("sgn", lambda x: mg.sgn(x) * x, np.abs, OFFGRID),
        ("frac", lambda x: x.frac(), lambda x: x - np.trunc(x), OFFGRID),
        ("negative", lambda x: x.negative(), np.negative, REAL),
        ("reciprocal", lambda x: x.reciprocal(), lambda x: 1 / x, OFFGRID),
        ("reciprocal_fn", mg.reciprocal, lambda x: 1 / x, OFFGRID),
        ("nan_to_num", lambda x: x.nan_to_num(), lambda x: x, REAL),
        # 4x is 0.6 or more from every multiple of 2: no jump of the quotient near x
        ("remainder_scalar", lambda x: (x * 4) % 2.0, lambda x: np.remainder(x * 4, 2.0), OFFGRID),
        ("fmod_scalar", lambda x: (x * 4).fmod(-2), lambda x: np.fmod(x * 4, -2.0), OFFGRID),
        (
            "clip_both",
            lambda x: mg.clip(x, -0.5, 1.0),
            lambda x: np.where(x < -0.5, -0.5, np.where(x > 1.0, 1.0, x)),
            OFFGRID,
        ),
        (
            "clamp",
            lambda x: x.clamp(-1.0, 0.5),
            lambda x: np.minimum(np.maximum(x, -1), 0.5),
            OFFGRID,
        ),
    ]
    return [OpSpec(name, fn, ref, ((2, 3),), (dom,), elementwise=True) for name, fn, ref, dom in u]


def _binary() -> list[OpSpec]:
    b: list[Row] = [
        ("add", lambda x, y: x + y, np.add, REAL, REAL),
        ("sub", lambda x, y: x - y, np.subtract, REAL, REAL),
        ("mul", lambda x, y: x * y, np.multiply, REAL, REAL),
        ("add_alpha", lambda x, y: x.add(y, alpha=2), lambda x, y: x + 2 * y, REAL, REAL),
        ("sub_alpha_fn", lambda x, y: mg.sub(x, y, alpha=0.5), lambda x, y: x - y / 2, REAL, REAL),
        ("mul_fn", mg.mul, np.multiply, REAL, REAL),
        ("div_method", lambda x, y: x.div(y), lambda x, y: x / y, REAL, OFFGRID),
        ("pow_fn", mg.pow, lambda x, y: np.exp(y * np.log(x)), POSITIVE, REAL),
        ("div", lambda x, y: x / y, lambda x, y: x * np.reciprocal(y), REAL, OFFGRID),
        ("pow", lambda x, y: x**y, lambda x, y: np.exp(y * np.log(x)), POSITIVE, REAL),
        ("maximum", mg.maximum, lambda x, y: np.where(x > y, x, y), GRID_A, GRID_B),
        # (x and y at least 0.3 apart: the next float towards y moves with x alone)
        (
            "nextafter",
            lambda x, y: mg.nextafter(x, y) * x,
            lambda x, y: np.nextafter(x, y) * x,
            GRID_A,
            GRID_B,
        ),
        # x / y = 4 * OFFGRID / DIVISOR is 0.2 or more from every whole number
        (
            "remainder",
            lambda x, y: mg.remainder(x * 4, y),
            lambda x, y: np.remainder(x * 4, y),
            OFFGRID,
            DIVISOR,
        ),
        (
            "remainder_op",
            lambda x, y: (x * 4) % y,
            lambda x, y: np.remainder(4 * x, y),
            OFFGRID,
            DIVISOR,
        ),
        ("fmod", lambda x, y: (x * 4).fmod(y), lambda x, y: np.fmod(x * 4, y), OFFGRID, DIVISOR),
        (
            "div_floor",
            lambda x, y: (x * 4).div(y, rounding_mode="floor") * x,
            lambda x, y: np.floor_divide(x * 4, y) * x,
            OFFGRID,
            DIVISOR,
        ),
        (
            "div_trunc",
            lambda x, y: mg.div(x * 4, y, rounding_mode="trunc") * x,
            lambda x, y: np.trunc(x * 4 / y) * x,
            OFFGRID,
            DIVISOR,
        ),
        ("minimum", lambda x, y: x.minimum(y), lambda x, y: np.where(x < y, x, y), GRID_A, GRID_B),
        (
            "where",
            lambda x, y: mg.where(_cond((2, 3)), x, y),
            lambda x, y: x * _cond((2, 3)) + y * ~_cond((2, 3)),
            REAL,
            REAL,
        ),
    ]
    specs = [
        OpSpec(name, fn, ref, ((2, 3), (2, 3)), (dx, dy), broadcast=(name != "where"))
        for name, fn, ref, dx, dy in b
    ]
    specs += [
        OpSpec(
            "where_broadcast",
            lambda x, y: mg.where(_cond((3, 4)), x, y),
            lambda x, y: np.where(_cond((3, 4)), x, y),
            ((3, 1), (4,)),
        ),
        OpSpec(
            "where_scalar",
            lambda x: mg.where(_cond((2, 3)), x, 0.0),
            lambda x: np.where(_cond((2, 3)), x, 0.0),
            ((2, 3),),
        ),
        OpSpec(
            "where_mask_tensor",
            lambda x, y: mg.where(mg.from_numpy(_cond((2, 3))), x, y),
            lambda x, y: np.where(_cond((2, 3)), x, y),
            ((2, 3), (2, 3)),
        ),
    ]
    return specs


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf)(x)


def _erfinv(x: np.ndarray) -> np.ndarray:
    """erfinv by bisection on math.erf (slow and independent of minigrad's Newton steps)."""
    lo, hi = np.full(x.shape, -6.0), np.full(x.shape, 6.0)
    for _ in range(60):
        mid = (lo + hi) / 2
        below = _erf(mid) < x
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


_lgamma = np.vectorize(math.lgamma)
_erfc = np.vectorize(math.erfc)


def _ndtr(x: np.ndarray) -> np.ndarray:
    return 0.5 * _erfc(-x / math.sqrt(2))


def _ndtri(p: np.ndarray) -> np.ndarray:
    """ndtri by bisection on ndtr (slow and independent of minigrad's Newton steps)."""
    lo, hi = np.full(p.shape, -10.0), np.full(p.shape, 10.0)
    for _ in range(70):
        mid = (lo + hi) / 2
        below = _ndtr(mid) < p
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


def _i1(x: np.ndarray) -> np.ndarray:
    """I1(x) = (x/2) sum_k (x^2/4)^k / (k! (k+1)!), 40 terms (|x| < 10 here)."""
    k = np.arange(40.0)
    logs = np.vectorize(math.lgamma)(k + 1) + np.vectorize(math.lgamma)(k + 2)
    y = x[..., None] ** 2 / 4
    return x / 2 * (y**k / np.exp(logs)).sum(-1)


def _digamma(x: np.ndarray) -> np.ndarray:
    """psi(x) = log(x + N) - 1/(2(x + N)) - 1/(12(x + N)^2) - sum_{k<N} 1/(x + k), N = 1000:
    a shift far larger than minigrad's (the next term, 1/(120 N^4), is below 1e-14)."""
    k = np.arange(1000.0)
    w = x + 1000
    return np.log(w) - 1 / (2 * w) - 1 / (12 * w * w) - (1 / (x[..., None] + k)).sum(-1)


def _polygamma(n: int, x: np.ndarray) -> np.ndarray:
    """(-1)^(n+1) n! zeta(n + 1, x), zeta summed over 1000 terms plus Euler-Maclaurin's tail."""
    k = np.arange(1000.0)
    w = x + 1000
    zeta = ((x[..., None] + k) ** -(n + 1)).sum(-1) + w**-n / n + 0.5 * w ** -(n + 1)
    zeta += (n + 1) / 12 * w ** -(n + 2)
    return (-1) ** (n + 1) * math.factorial(n) * zeta


def _hurwitz(s: np.ndarray, q: np.ndarray) -> np.ndarray:
    """zeta(s, q) summed over 1000 terms plus Euler-Maclaurin's tail (three terms of it)."""
    k = np.arange(1000.0)
    w = q + 1000
    head = ((q[..., None] + k) ** -s[..., None]).sum(-1)
    return head + w ** (1 - s) / (s - 1) + 0.5 * w**-s + s / 12 * w ** (-s - 1)


def _gammainc(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(a, x) = x^a e^-x / Gamma(a + 1) sum_n x^n / ((a + 1)...(a + n)), 80 terms (x <= 2)."""
    a, x = np.broadcast_arrays(a, x)
    term, total = np.ones_like(x), np.ones_like(x)
    for n in range(1, 80):
        term = term * x / (a + n)
        total = total + term
    return np.exp(a * np.log(x) - x - _lgamma(a + 1)) * total


# the constant arguments of the rows below: zeta and igamma differentiate in one argument only
_ZETA_X = np.array([1.5, 3.0, 6.25])
_IGAMMA_A = np.array([0.3, 1.0, 4.5])


def _zeta_igamma() -> list[OpSpec]:
    def const(v: np.ndarray, like: Tensor) -> Tensor:
        return mg.tensor(v, dtype=like.dtype)

    rows: list[tuple[str, Any, Any]] = [
        ("zeta_q", lambda q: special.zeta(const(_ZETA_X, q), q), lambda q: _hurwitz(_ZETA_X, q)),
        ("zeta_number_x", lambda q: special.zeta(4, q), lambda q: _hurwitz(np.full_like(q, 4), q)),
        (
            "gammainc_x",
            lambda x: special.gammainc(const(_IGAMMA_A, x), x),
            lambda x: _gammainc(_IGAMMA_A, x),
        ),
        (
            "igammac_method_x",
            lambda x: const(_IGAMMA_A, x).igammac(x),
            lambda x: 1 - _gammainc(_IGAMMA_A, x),
        ),
    ]
    return [OpSpec(name, fn, ref, ((2, 3),), (POSITIVE,)) for name, fn, ref in rows]


def _trigonometry() -> list[OpSpec]:
    u: list[Row] = [
        ("tan", mg.tan, np.tan, UNIT),
        ("asin", mg.asin, np.arcsin, UNIT),
        ("asin_method_arcsin", lambda x: x.arcsin(), np.arcsin, UNIT),
        ("acos", lambda x: x.acos(), np.arccos, UNIT),
        ("atan", mg.arctan, np.arctan, REAL),
        ("sinh", mg.sinh, np.sinh, REAL),
        ("cosh", lambda x: x.cosh(), np.cosh, REAL),
        ("asinh", mg.asinh, np.arcsinh, REAL),
        ("acosh", lambda x: x.acosh(), np.arccosh, ABOVE_ONE),
        ("atanh", mg.atanh, np.arctanh, UNIT),
        ("erf", lambda x: x.erf(), _erf, REAL),
        ("erfinv", mg.erfinv, _erfinv, UNIT),
        ("sinc", mg.sinc, np.sinc, REAL),
        ("lgamma", mg.lgamma, _lgamma, POSITIVE),
        # negative arguments too (the reflection), each at least 0.15 from a pole
        ("lgamma_method_offgrid", lambda x: x.lgamma(), _lgamma, OFFGRID),
        ("digamma", lambda x: x.digamma(), _digamma, POSITIVE),
        ("polygamma_0", lambda x: mg.polygamma(0, x), _digamma, POSITIVE),
        ("polygamma_1", lambda x: mg.polygamma(1, x), lambda x: _polygamma(1, x), POSITIVE),
        ("polygamma_method_3", lambda x: x.polygamma(3), lambda x: _polygamma(3, x), POSITIVE),
        (
            "mvlgamma",
            lambda x: mg.mvlgamma(x, 3),
            lambda x: 1.5 * math.log(math.pi) + _lgamma(x) + _lgamma(x - 0.5) + _lgamma(x - 1),
            ABOVE_ONE,
        ),
        ("erfc", lambda x: x.erfc(), _erfc, REAL),
        ("erfcx", special.erfcx, lambda x: np.exp(x * x) * _erfc(x), REAL),
        # both sides of -1, where ndtr and log_ndtr change formula
        ("ndtr", special.ndtr, _ndtr, SPREAD),
        ("log_ndtr", special.log_ndtr, lambda x: np.log(_ndtr(x)), SPREAD),
        ("ndtri", special.ndtri, _ndtri, PROBABILITY),
        ("i0", mg.i0, np.i0, REAL),
        # exp(-|x|) has a kink at 0: OFFGRID keeps away from it
        ("i0e", special.i0e, lambda x: np.i0(x) * np.exp(-np.abs(x)), OFFGRID),
        ("i1", special.i1, _i1, REAL),
        ("i1e", special.i1e, lambda x: _i1(x) * np.exp(-np.abs(x)), OFFGRID),
        ("logit", lambda x: x.logit(), lambda x: np.log(x / (1 - x)), PROBABILITY),
        # clamped to [0.1, 0.9]: OFFGRID has points inside and outside, 0.05 from the bounds
        ("logit_eps", lambda x: mg.logit(x, 0.1), lambda x: _logit(np.clip(x, 0.1, 0.9)), OFFGRID),
        ("xlogy_number", lambda x: x.xlogy(3), lambda x: x * np.log(3), REAL),
        ("xlogy_of_a_number", lambda x: mg.xlogy(2.5, x), lambda x: 2.5 * np.log(x), POSITIVE),
        ("clamp_min", lambda x: x.clamp_min(-0.5), lambda x: np.maximum(x, -0.5), OFFGRID),
        ("clamp_max", lambda x: mg.clamp_max(x, 0.5), lambda x: np.minimum(x, 0.5), OFFGRID),
    ]
    b: list[Row] = [
        ("atan2", mg.atan2, np.arctan2, REAL, REAL),
        ("atan2_method_arctan2", lambda x, y: x.arctan2(y), np.arctan2, REAL, REAL),
        ("hypot", lambda x, y: x.hypot(y), np.hypot, REAL, REAL),
        ("xlogy", mg.xlogy, lambda x, y: x * np.log(y), REAL, POSITIVE),
        ("logaddexp", lambda x, y: x.logaddexp(y), np.logaddexp, REAL, REAL),
    ]
    return [
        OpSpec(name, fn, ref, ((2, 3),), (dom,), elementwise=True) for name, fn, ref, dom in u
    ] + [
        OpSpec(name, fn, ref, ((2, 3), (2, 3)), (dx, dy), broadcast=True)
        for name, fn, ref, dx, dy in b
    ]


def _matmul() -> list[OpSpec]:
    cases = [
        ("1d_1d", (4,), (4,)),
        ("1d_2d", (3,), (3, 4)),
        ("2d_1d", (3, 4), (4,)),
        ("2d_2d", (2, 3), (3, 4)),
        ("1d_3d", (3,), (2, 3, 4)),
        ("3d_1d", (2, 3, 4), (4,)),
        ("3d_2d", (2, 3, 4), (4, 2)),
        ("batch_broadcast", (2, 1, 3, 2), (3, 2, 2)),
    ]
    specs = [OpSpec(f"matmul_{tag}", lambda x, y: x @ y, np.matmul, (a, b)) for tag, a, b in cases]
    specs.append(OpSpec("matmul_fn", mg.matmul, np.matmul, ((2, 3), (3, 2))))
    specs.append(OpSpec("matmul_method", lambda x, y: x.matmul(y), np.matmul, ((2, 2, 3), (3,))))
    return specs


def _amax(f: Callable[..., Tensor], axis: Any, keepdims: bool) -> Tensor:
    """amax/amin called with NumPy's axis: None (all) is PyTorch's dim=(); NumPy's axis=()
    (reduce nothing) has no PyTorch spelling, and is the identity."""
    if axis == ():
        return f.__self__  # type: ignore[attr-defined, no-any-return]
    return f(() if axis is None else axis, keepdims)


REDUCTION_SHAPE: Shape = (2, 3, 2)
REDUCTION_AXES: list[Any] = [None, 0, 1, -1, (0, 2), (-1, 0)]


def _reductions() -> list[OpSpec]:
    red: list[Row] = [
        ("sum", lambda x, **k: x.sum(**k), np.sum, REAL),
        ("mean", lambda x, **k: x.mean(**k), np.mean, REAL),
        ("amax", lambda x, axis, keepdims: _amax(x.amax, axis, keepdims), np.max, DISTINCT),
        ("amin", lambda x, axis, keepdims: _amax(x.amin, axis, keepdims), np.min, DISTINCT),
        ("var", lambda x, **k: x.var(**k), _var, REAL),
        (
            "logsumexp",  # (all dims spelled out: PyTorch's logsumexp refuses dim=() unkept)
            lambda x, axis, keepdims: _amax(
                x.logsumexp, tuple(range(x.ndim)) if axis is None else axis, keepdims
            ),
            _logsumexp,
            REAL,
        ),
    ]
    specs = [
        OpSpec(
            f"{name}_axis{axis}_keep{keep}".replace(" ", ""),
            fn,
            ref,
            (REDUCTION_SHAPE,),
            (dom,),
            kwargs={"axis": axis, "keepdims": keep},
            axis=True,
        )
        for name, fn, ref, dom in red
        for axis in REDUCTION_AXES
        for keep in (False, True)
    ]
    # PyTorch spellings and the module-level functions
    specs += [
        OpSpec(
            "sum_dim_keepdim",
            lambda x: x.sum(dim=1, keepdim=True),
            lambda x: x.sum(axis=1, keepdims=True),
            ((2, 3, 2),),
        ),
        OpSpec(
            "mean_dim_tuple",
            lambda x: x.mean(dim=(0, 2)),
            lambda x: x.mean(axis=(0, 2)),
            ((2, 3, 2),),
        ),
        OpSpec(
            "max_dim",
            lambda x: x.max(dim=-1).values,
            lambda x: x.max(axis=-1),
            ((2, 3, 2),),
            (DISTINCT,),
        ),
        OpSpec(
            "max_dim_axis_spelling",
            lambda x: x.max(axis=1)[0],
            lambda x: x.max(axis=1),
            ((2, 3, 2),),
            (DISTINCT,),
        ),
        OpSpec(
            "min_dim_keepdim",
            lambda x: x.min(dim=0, keepdim=True).values,
            lambda x: x.min(axis=0, keepdims=True),
            ((2, 3, 2),),
            (DISTINCT,),
        ),
        OpSpec(
            "max_elementwise_fn",
            lambda x, y: mg.max(x, y),
            lambda x, y: np.where(x > y, x, y),
            ((2, 3), (2, 3)),
            (GRID_A, GRID_B),
        ),
        OpSpec(
            "min_elementwise_method",
            lambda x, y: x.min(y),
            lambda x, y: np.where(x < y, x, y),
            ((2, 3), (3,)),
            (GRID_A, GRID_B),
        ),
        OpSpec(
            "sort_values",
            lambda x: x.sort(dim=1).values,
            lambda x: np.sort(x, axis=1),
            ((3, 4),),
            (DISTINCT,),
        ),
        OpSpec(
            "sort_descending_fn",
            lambda x: mg.sort(x, 0, descending=True)[0],
            lambda x: -np.sort(-x, axis=0),
            ((3, 4),),
            (DISTINCT,),
        ),
        OpSpec(
            "topk_values",
            lambda x: x.topk(2).values,
            lambda x: -np.sort(-x, axis=-1)[..., :2],
            ((3, 4),),
            (DISTINCT,),
        ),
        OpSpec(
            "topk_smallest_dim0",
            lambda x: mg.topk(x, 2, dim=0, largest=False).values,
            lambda x: np.sort(x, axis=0)[:2],
            ((3, 4),),
            (DISTINCT,),
        ),
        OpSpec(
            "median_dim",
            lambda x: x.median(1).values,
            lambda x: np.sort(x, axis=1)[:, 1],
            ((3, 4),),
            (DISTINCT,),
        ),
        OpSpec(
            "median_all",
            lambda x: mg.median(x),
            lambda x: np.sort(x, axis=None)[(x.size - 1) // 2],
            ((3, 4),),
            (DISTINCT,),
        ),
        OpSpec(
            "nanmedian_dim0_keepdim",
            lambda x: mg.nanmedian(x, 0, keepdim=True).values,
            lambda x: np.sort(x, axis=0)[1:2],
            ((4, 3),),
            (DISTINCT,),
        ),
        OpSpec(
            "kthvalue_dim0",
            lambda x: x.kthvalue(3, 0).values,
            lambda x: np.sort(x, axis=0)[2],
            ((4, 3),),
            (DISTINCT,),
        ),
        OpSpec(
            "mode_values",
            lambda x: mg.mode(x).values,  # distinct values: each once, so the smallest
            lambda x: np.min(x, axis=-1),
            ((3, 4),),
            (DISTINCT,),
        ),
        OpSpec(
            "aminmax_dim",
            lambda x: x.aminmax(dim=0).min * x.aminmax(dim=0).max,
            lambda x: np.min(x, axis=0) * np.max(x, axis=0),
            ((3, 4),),
            (DISTINCT,),
        ),
        OpSpec("nansum_dim", lambda x: x.nansum(1), lambda x: np.nansum(x, axis=1), ((3, 4),)),
        OpSpec("nanmean_all", lambda x: mg.nanmean(x), np.nanmean, ((3, 4),)),
        OpSpec("std", lambda x: x.std(), lambda x: np.std(x, ddof=1), ((3, 4),)),
        OpSpec(
            "std_dim_keepdim",
            lambda x: mg.std(x, 1, keepdim=True),
            lambda x: np.std(x, axis=1, ddof=1, keepdims=True),
            ((3, 4),),
        ),
        OpSpec(
            "std_unbiased_false",
            lambda x: x.std(0, False),
            lambda x: np.std(x, axis=0),
            ((3, 4),),
        ),
        OpSpec(
            "std_correction0",
            lambda x: x.std(dim=(0, 1), correction=0),
            lambda x: np.std(x, axis=(0, 1)),
            ((3, 4),),
        ),
        OpSpec(
            "var_unbiased_false",
            lambda x: x.var(1, False, True),
            lambda x: np.var(x, axis=1, keepdims=True),
            ((3, 4),),
        ),
        OpSpec("prod", lambda x: x.prod(), np.prod, ((3, 5),)),
        OpSpec("prod_zeros", lambda x: x.prod(), np.prod, ((5,),), (ZEROS,)),
        OpSpec(
            "prod_dim_zeros",
            lambda x: mg.prod(x, 1),
            lambda x: np.prod(x, axis=1),
            ((3, 5),),
            (ZEROS,),
        ),
        OpSpec(
            "prod_dim0_keepdim",
            lambda x: x.prod(0, keepdim=True),
            lambda x: np.prod(x, axis=0, keepdims=True),
            ((3, 4),),
        ),
        OpSpec("norm", lambda x: x.norm(), np.linalg.norm, ((3, 4),)),
        OpSpec(
            "norm_2_dim1",
            lambda x: x.norm(2, dim=1),
            lambda x: np.linalg.norm(x, axis=1),
            ((3, 4),),
        ),
        OpSpec(
            "norm_fn_keepdim",
            lambda x: mg.norm(x, dim=(0, 2), keepdim=True),
            lambda x: np.sqrt((x * x).sum(axis=(0, 2), keepdims=True)),
            ((2, 3, 2),),
        ),
        OpSpec(
            "norm_1", lambda x: x.norm(1, dim=0), lambda x: np.abs(x).sum(0), ((3, 4),), (OFFGRID,)
        ),
        OpSpec(
            "norm_3",
            lambda x: x.norm(3),
            lambda x: (np.abs(x) ** 3).sum() ** (1 / 3),
            ((3, 4),),
            (OFFGRID,),
        ),
        OpSpec("cumsum_dim0", lambda x: x.cumsum(0), lambda x: np.cumsum(x, 0), ((3, 4),)),
        OpSpec(
            "cumsum_neg_fn",
            lambda x: mg.cumsum(x, dim=-1),
            lambda x: np.cumsum(x, -1),
            ((2, 3, 4),),
        ),
        OpSpec(
            "var_dim_keepdim",
            lambda x: x.var(dim=0, keepdim=True),
            lambda x: np.var(x, axis=0, ddof=1, keepdims=True),
            ((3, 2),),
        ),
        OpSpec(
            "var_dim_list",
            lambda x: x.var(dim=[0, 1]),
            lambda x: np.var(x, axis=(0, 1), ddof=1),
            ((3, 2),),
        ),
        OpSpec(
            "var_correction0",
            lambda x: x.var(1, correction=0),
            lambda x: np.var(x, axis=1),
            ((3, 4),),
        ),
        OpSpec(
            "logsumexp_dim",
            lambda x: x.logsumexp(dim=1, keepdim=True),
            lambda x: _logsumexp(x, axis=1, keepdims=True),
            ((3, 4),),
        ),
        OpSpec("fn_sum", lambda x: mg.sum(x, 1), lambda x: x.sum(1), ((3, 4),)),
        OpSpec(
            "fn_mean",
            lambda x: mg.mean(x, dim=0, keepdim=True),
            lambda x: x.mean(0, keepdims=True),
            ((3, 4),),
        ),
        OpSpec("fn_max", lambda x: mg.max(x), np.max, ((3, 4),), (DISTINCT,)),
        OpSpec(
            "fn_min", lambda x: mg.min(x, -1).values, lambda x: x.min(-1), ((3, 4),), (DISTINCT,)
        ),
        OpSpec("fn_var", lambda x: mg.var(x), lambda x: np.var(x, ddof=1), ((3, 4),)),
        OpSpec("fn_logsumexp", lambda x: mg.logsumexp(x, 0), lambda x: _logsumexp(x, 0), ((3, 4),)),
        OpSpec("sum_1d", lambda x: x.sum(), np.sum, ((5,),)),
        OpSpec("sum_0d", lambda x: x.sum(), np.sum, ((),)),
        OpSpec("mean_0d", lambda x: x.mean(), np.mean, ((),)),
    ]
    # softmax family: axis is a single int
    for axis in (-1, 0, 1):
        specs.append(
            OpSpec(
                f"softmax_axis{axis}",
                lambda x, **k: x.softmax(**k),
                lambda x, axis: _softmax(x, axis),
                ((3, 4),),
                kwargs={"axis": axis},
            )
        )
        specs.append(
            OpSpec(
                f"log_softmax_axis{axis}",
                lambda x, **k: x.log_softmax(**k),
                lambda x, axis: np.log(_softmax(x, axis)),
                ((3, 4),),
                kwargs={"axis": axis},
            )
        )
    specs += [
        OpSpec(
            "softmax_dim", lambda x: mg.softmax(x, dim=1), lambda x: _softmax(x, 1), ((2, 3, 2),)
        ),
        OpSpec(
            "log_softmax_dim",
            lambda x: x.log_softmax(dim=0),
            lambda x: np.log(_softmax(x, 0)),
            ((3, 2),),
        ),
        OpSpec(
            "log_softmax_fn",
            lambda x: mg.log_softmax(x, dim=-1),
            lambda x: np.log(_softmax(x, -1)),
            ((2, 4),),
        ),
    ]
    return specs


def _shapes() -> list[OpSpec]:
    x234 = ((2, 3, 4),)
    return [
        OpSpec("reshape", lambda x: x.reshape(4, 6), lambda x: x.reshape(4, 6), x234),
        OpSpec(
            "reshape_tuple_neg1", lambda x: x.reshape((-1, 2)), lambda x: x.reshape(-1, 2), x234
        ),
        OpSpec("reshape_fn", lambda x: mg.reshape(x, (3, 8)), lambda x: x.reshape(3, 8), x234),
        OpSpec("view", lambda x: x.view(6, 4), lambda x: x.reshape(6, 4), x234),
        OpSpec("flatten", lambda x: x.flatten(), np.ravel, x234),
        OpSpec("flatten_start1", lambda x: mg.flatten(x, 1), lambda x: x.reshape(2, 12), x234),
        OpSpec("flatten_0d", lambda x: x.flatten(), lambda x: x.reshape(1), ((),)),
        OpSpec(
            "transpose_negative", lambda x: x.transpose(-2, -1), lambda x: x.swapaxes(-1, -2), x234
        ),
        OpSpec("transpose_0_2", lambda x: mg.transpose(x, 0, 2), lambda x: x.swapaxes(0, 2), x234),
        OpSpec("permute", lambda x: x.permute(2, 0, 1), lambda x: x.transpose(2, 0, 1), x234),
        OpSpec(
            "permute_fn_tuple",
            lambda x: mg.permute(x, (1, -1, 0)),
            lambda x: x.transpose(1, 2, 0),
            x234,
        ),
        OpSpec("T", lambda x: x.T, lambda x: x.T, x234),
        OpSpec("T_2d", lambda x: x.T, lambda x: x.T, ((2, 3),)),
        OpSpec("squeeze_all", lambda x: x.squeeze(), np.squeeze, ((2, 1, 3, 1),)),
        OpSpec("squeeze_axis", lambda x: mg.squeeze(x, 1), lambda x: x.squeeze(1), ((2, 1, 3, 1),)),
        OpSpec(
            "squeeze_dim_neg", lambda x: x.squeeze(dim=-1), lambda x: x.squeeze(-1), ((2, 1, 3, 1),)
        ),
        OpSpec("unsqueeze_0", lambda x: x.unsqueeze(0), lambda x: x[None], ((2, 3),)),
        OpSpec("unsqueeze_neg1", lambda x: mg.unsqueeze(x, -1), lambda x: x[..., None], ((2, 3),)),
        OpSpec(
            "expand",
            lambda x: x.expand(2, 3, 4),
            lambda x: np.broadcast_to(x, (2, 3, 4)),
            ((3, 1),),
        ),
        OpSpec(
            "expand_neg1",
            lambda x: x.expand(-1, 4),
            lambda x: np.broadcast_to(x, (3, 4)),
            ((3, 1),),
        ),
        OpSpec("t", lambda x: x.t(), lambda x: x.T, ((2, 3),)),
        OpSpec("t_1d", lambda x: mg.t(x), lambda x: x, ((3,),)),
        OpSpec("t_contiguous", lambda x: x.t().contiguous(), lambda x: x.T, ((2, 3),)),
        OpSpec("repeat", lambda x: x.repeat(2, 3), lambda x: np.tile(x, (2, 3)), ((2, 3),)),
        OpSpec(
            "repeat_new_dim",
            lambda x: x.repeat(2, 1, 2),
            lambda x: np.tile(x, (2, 1, 2)),
            ((2, 3),),
        ),
        OpSpec("view_neg1", lambda x: x.view(-1, 4), lambda x: x.reshape(-1, 4), x234),
        OpSpec(
            "flatten_middle",
            lambda x: x.flatten(start_dim=0, end_dim=1),
            lambda x: x.reshape(6, 4),
            x234,
        ),
        OpSpec(
            "broadcast_to",
            lambda x: x.broadcast_to((2, 3, 4)),
            lambda x: np.broadcast_to(x, (2, 3, 4)),
            ((4,),),
        ),
        OpSpec(
            "broadcast_to_fn",
            lambda x: mg.broadcast_to(x, 3, 2),
            lambda x: np.broadcast_to(x, (3, 2)),
            ((),),
        ),
    ]


def _index(idx: Any) -> tuple[Callable[..., Tensor], Callable[..., Any]]:
    return (lambda x: x[idx]), (lambda x: x[idx])


def _indexing() -> list[OpSpec]:
    mask = _cond((4, 5))
    cases: list[tuple[str, Any, Shape]] = [
        ("int", 1, (4, 5)),
        ("neg_int", -1, (4, 5)),
        ("slice", slice(1, 3), (4, 5)),
        ("step", (slice(None), slice(None, None, 2)), (4, 5)),
        ("neg_step", slice(None, None, -1), (4, 5)),
        ("neg_slice", (slice(-3, -1), -2), (4, 5)),
        ("newaxis", (None, slice(1, 3)), (4, 5)),
        ("newaxis_middle", (slice(None), None, 2), (4, 5)),
        ("ellipsis", (Ellipsis, 1), (2, 3, 4)),
        ("ellipsis_none", (None, Ellipsis, slice(0, 2)), (2, 3, 4)),
        ("int_array_repeat", np.array([0, 2, 0, 0]), (4, 5)),
        ("int_list_repeat", [3, 3, 1], (4, 5)),
        ("int_array_2d", np.array([[0, 1], [1, 1]]), (4, 5)),
        ("two_int_arrays", (np.array([0, 1, 1]), np.array([2, 2, 4])), (4, 5)),
        ("bool_mask", mask, (4, 5)),
        ("bool_rows", np.array([True, False, True, True]), (4, 5)),
        ("mixed_array_slice", (np.array([0, 2, 2]), slice(1, None)), (4, 5)),
        ("mixed_int_array", (1, [0, 0, 3]), (4, 5)),
        ("mixed_slice_array", (slice(None, None, 2), [4, 4]), (4, 5)),
        ("ellipsis_array", (Ellipsis, [1, 1, 0]), (2, 3, 4)),
    ]
    specs = [OpSpec(f"index_{name}", *_index(idx), (shape,)) for name, idx, shape in cases]
    specs.append(
        OpSpec(
            "index_tensor_repeat",
            lambda x: x[mg.from_numpy(np.array([1, 1, 2]))],
            lambda x: x[[1, 1, 2]],
            ((4, 5),),
        )
    )
    specs.append(
        OpSpec("index_mask_tensor", lambda x: x[mg.from_numpy(mask)], lambda x: x[mask], ((4, 5),))
    )
    rows, cols = np.array([0, 0, 3]), np.array([1, 1, 4])  # a repeated position
    specs += [
        OpSpec("select", lambda x: x.select(1, -2), lambda x: x[:, -2], ((4, 5),)),
        OpSpec(
            "take",
            lambda x: x.take(mg.from_numpy(np.array([[0, 19], [7, 7]]))),
            lambda x: x.reshape(-1)[[[0, 19], [7, 7]]],
            ((4, 5),),
        ),
        OpSpec(
            "index_put_accumulate",
            lambda x, v: x.index_put(
                (mg.from_numpy(rows), mg.from_numpy(cols)), v, accumulate=True
            ),
            lambda x, v: x + np.bincount(rows * 5 + cols, v, 20).reshape(4, 5),
            ((4, 5), (3,)),
        ),
        OpSpec(
            "index_put",
            lambda x, v: x.index_put((mg.from_numpy(np.array([2, 0])),), v),
            lambda x, v: np.concatenate([v[1:], x[1:2], v[:1], x[3:]]),
            ((4, 5), (2, 5)),
        ),
    ]
    return specs


_GATHER_ROWS = np.array([[0, 0, 2], [1, 2, 1]])  # repeats: gradients add up
_GATHER_COLS = np.array([[3, 0], [1, 1], [0, 2]])
_MASK = np.array([[True, False, False, True], [False, False, True, False], [True] * 4])


def _gather_ref(x: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return x[tuple(grid)]


def _scatter_add_ref(x: np.ndarray, dim: int, index: np.ndarray, src: np.ndarray) -> np.ndarray:
    out = x.copy()
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    np.add.at(out, tuple(grid), src[tuple(slice(0, n) for n in index.shape)])
    return out


_SCATTER_ROWS = np.array([[2, 0, 1, 1], [0, 2, 2, 0]])  # no column repeats a row
_SCATTER_COLS = np.array([[3, 0], [1, 2], [0, 3]])


def _scatter_ref(x: np.ndarray, dim: int, index: np.ndarray, src: np.ndarray) -> np.ndarray:
    out = x.copy()
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    out[tuple(grid)] = src[tuple(slice(0, n) for n in index.shape)]
    return out


def _einsum_rows() -> list[OpSpec]:
    cases: list[tuple[str, str, tuple[Shape, ...]]] = [
        ("matmul", "ij,jk->ik", ((2, 3), (3, 4))),
        ("batched", "bij,bjk->bik", ((2, 2, 3), (2, 3, 2))),
        ("implicit", "ij,jk", ((2, 3), (3, 4))),
        ("sum_all", "ij->", ((2, 3),)),
        ("sum_rows", "ij->j", ((2, 3),)),
        ("outer", "i,j->ij", ((3,), (4,))),
        ("permute", "ijk->kji", ((2, 3, 4),)),
        ("only_one_has_j", "ij,k->ik", ((2, 3), (4,))),
        ("three", "ij,jk,kl->il", ((2, 3), (3, 2), (2, 2))),
        ("ellipsis", "...ij,jk->...ik", ((2, 2, 3), (3, 2))),
        ("bilinear", "bn,anm,bm->ba", ((2, 3), (4, 3, 2), (2, 2))),
    ]
    return [
        OpSpec(
            f"einsum_{tag}",
            lambda *xs, eq=eq: mg.einsum(eq, *xs),
            lambda *xs, eq=eq: np.einsum(eq, *xs),
            shapes,
        )
        for tag, eq, shapes in cases
    ]


def _gathers() -> list[OpSpec]:
    return [
        OpSpec(
            "gather_dim0",
            lambda x: x.gather(0, mg.tensor(_GATHER_ROWS)),
            lambda x: _gather_ref(x, 0, _GATHER_ROWS),
            ((3, 4),),
        ),
        OpSpec(
            "gather_dim1_fn",
            lambda x: mg.gather(x, 1, _GATHER_COLS),
            lambda x: _gather_ref(x, 1, _GATHER_COLS),
            ((3, 4),),
        ),
        OpSpec(
            "scatter_add_method",
            lambda x, src: x.scatter_add(0, mg.tensor(_GATHER_ROWS), src),
            lambda x, src: _scatter_add_ref(x, 0, _GATHER_ROWS, src),
            ((3, 4), (2, 4)),
        ),
        OpSpec(  # each column once: src lands where the index says, x keeps the rest
            "scatter_dim0",
            lambda x, src: x.scatter(0, mg.tensor(_SCATTER_ROWS), src),
            lambda x, src: _scatter_ref(x, 0, _SCATTER_ROWS, src),
            ((3, 4), (2, 4)),
        ),
        OpSpec(  # an index smaller than src (src's extra rows and columns unused)
            "scatter_dim1_fn_small_index",
            lambda x, src: mg.scatter(x, 1, _SCATTER_COLS, src),
            lambda x, src: _scatter_ref(x, 1, _SCATTER_COLS, src),
            ((3, 4), (3, 3)),
        ),
        OpSpec(
            "scatter_value",
            lambda x: x.scatter(1, mg.tensor(_SCATTER_COLS), value=-2.0),
            lambda x: _scatter_ref(x, 1, _SCATTER_COLS, np.full(_SCATTER_COLS.shape, -2.0)),
            ((3, 4),),
        ),
        OpSpec(
            "scatter_reduce_add",
            lambda x, src: x.scatter(0, mg.tensor(_GATHER_ROWS), src, reduce="add"),
            lambda x, src: _scatter_add_ref(x, 0, _GATHER_ROWS, src),
            ((3, 4), (2, 4)),
        ),
        OpSpec(
            "masked_fill",
            lambda x: x.masked_fill(mg.tensor(_MASK), 0.5),
            lambda x: np.where(_MASK, 0.5, x),
            ((3, 4),),
        ),
        OpSpec(
            "masked_fill_tensor_value",
            lambda x, v: mg.masked_fill(x, _MASK[0], v[1]),
            lambda x, v: np.where(_MASK[0], v[1], x),
            ((3, 4), (2,)),
        ),
        OpSpec(
            "index_select",
            lambda x: x.index_select(1, mg.tensor([3, 0, 3])),
            lambda x: x[:, [3, 0, 3]],
            ((3, 4),),
        ),
    ]


def _unbind_rows() -> list[OpSpec]:
    """Unbind: one node with several outputs (the recurrent layers' time steps); every output
    used, and some unused (their gradients are zeros in the stacked one)."""
    from minigrad.unbind import unbind

    def weighted(x: Tensor) -> Tensor:
        return mg.stack([s * float(k + 1) for k, s in enumerate(unbind(x, 0))], 1)

    def two_of_four(x: Tensor) -> Tensor:
        steps = unbind(x, 1)
        return steps[0] * steps[2]

    return [
        OpSpec(
            "unbind_op",
            weighted,
            lambda x: np.stack([x[k] * (k + 1) for k in range(4)], 1),
            ((4, 3),),
        ),
        OpSpec("unbind_op_unused", two_of_four, lambda x: x[:, 0] * x[:, 2], ((3, 4, 2),)),
    ]


def _joins() -> list[OpSpec]:
    return [
        OpSpec(
            "cat_axis0",
            lambda x, y: mg.cat([x, y]),
            lambda x, y: np.concatenate([x, y]),
            ((2, 3), (1, 3)),
        ),
        OpSpec(
            "cat_axis1",
            lambda x, y: mg.cat([x, y], 1),
            lambda x, y: np.concatenate([x, y], 1),
            ((2, 3), (2, 2)),
        ),
        OpSpec(
            "cat_dim_neg",
            lambda x, y, z: mg.cat([x, y, z], dim=-1),
            lambda x, y, z: np.concatenate([x, y, z], -1),
            ((2, 2), (2, 1), (2, 3)),
        ),
        OpSpec(
            "concatenate",
            lambda x, y: mg.concatenate((x, y), axis=0),
            lambda x, y: np.concatenate([x, y]),
            ((3,), (2,)),
        ),
        OpSpec(
            "cat_same_tensor",
            lambda x: mg.cat([x, x * 2]),
            lambda x: np.concatenate([x, x * 2]),
            ((2, 2),),
        ),
        OpSpec(
            "stack_axis0",
            lambda x, y: mg.stack([x, y]),
            lambda x, y: np.stack([x, y]),
            ((2, 3), (2, 3)),
        ),
        OpSpec(
            "stack_axis_neg",
            lambda x, y, z: mg.stack([x, y, z], axis=-1),
            lambda x, y, z: np.stack([x, y, z], -1),
            ((2, 3), (2, 3), (2, 3)),
        ),
        OpSpec(
            "stack_dim1",
            lambda x, y: mg.stack((x, y), dim=1),
            lambda x, y: np.stack([x, y], 1),
            ((3,), (3,)),
        ),
    ]


def _casts() -> list[OpSpec]:
    return [
        OpSpec(
            "astype_float32",
            lambda x: x.astype(np.float32),
            lambda x: x.astype(np.float32),
            ((2, 3),),
            **_cast("float32"),
        ),
        OpSpec(
            "astype_str",
            lambda x: x.astype("float32") * 2,
            lambda x: 2 * x.astype("float32"),
            ((2, 3),),
            **_cast("float32"),
        ),
        OpSpec(
            "float",
            lambda x: x.float(),
            lambda x: x.astype(np.float32),
            ((2, 3),),
            **_cast("float32"),
        ),
        OpSpec(
            "to",
            lambda x: x.to("float32"),
            lambda x: x.astype(np.float32),
            ((2, 3),),
            **_cast("float32"),
        ),
        OpSpec(
            "float_double",
            lambda x: x.float().double(),
            lambda x: x.astype(np.float32).astype(np.float64),
            ((2, 3),),
            **_cast("float64"),
        ),
        OpSpec(
            "double_noop", lambda x: x.double() * 1.0, lambda x: x, ((2, 3),), out_dtype="float64"
        ),
    ]


_SCATTER_INDEX = (np.array([0, 2, 0, 4]), slice(None))  # row 0 twice: the values add up


def _scatter() -> list[OpSpec]:
    """ScatterAdd has no method of its own: it is GetItem's rule, recorded under create_graph."""

    def ref(x: np.ndarray) -> np.ndarray:
        z = np.zeros((5, 3))
        np.add.at(z, _SCATTER_INDEX, x)
        return z

    return [
        OpSpec(
            "scatter_add",
            lambda x: apply(ops.ScatterAdd(_SCATTER_INDEX, (5, 3)), x),
            ref,
            ((4, 3),),
        ),
        OpSpec(
            "scatter_add_slice",
            lambda x: apply(ops.ScatterAdd((slice(1, 3),), (4, 2)), x),
            lambda x: np.concatenate([np.zeros((1, 2)), x, np.zeros((1, 2))]),
            ((2, 2),),
        ),
    ]


def _composites() -> list[OpSpec]:
    """A few chains that mix families (broadcast + reduce + shape)."""
    return [
        OpSpec(
            "affine_tanh",
            lambda x, w, b: (x @ w + b).tanh().sum(axis=0),
            lambda x, w, b: np.tanh(x @ w + b).sum(0),
            ((3, 4), (4, 2), (2,)),
        ),
        OpSpec(
            "normalize",
            lambda x: (x - x.mean(1, keepdims=True)) / x.var(1, keepdims=True).sqrt(),
            lambda x: (x - x.mean(1, keepdims=True)) / x.std(1, ddof=1, keepdims=True),
            ((3, 4),),
        ),
    ]


_TARGETS = np.array([2, 0, 1, 2])  # class labels for the nll_loss rows (4 samples, 3 classes)


def _nll_ref(logp: np.ndarray, reduction: str) -> Any:
    picked = -logp[np.arange(len(_TARGETS)), _TARGETS]
    return {"mean": picked.mean(), "sum": picked.sum(), "none": picked}[reduction]


def _log_softmax_ref(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _mse_ref(x: np.ndarray, y: np.ndarray, reduction: str) -> Any:
    sq = (x - y) ** 2
    return {"mean": sq.mean(), "sum": sq.sum(), "none": sq}[reduction]


def _fused() -> list[OpSpec]:
    """The fused ops: Linear (x @ W^T + b), MSELoss (mse_loss), BinaryCrossEntropy
    (binary_cross_entropy), NLLLoss (nll_loss) and CrossEntropyLoss (cross_entropy of labels)."""
    from minigrad.nn import functional as F

    def lin_ref(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
        return x @ w.T if b is None else x @ w.T + b

    specs = [
        OpSpec(f"linear_{tag}", mg.linear, lin_ref, (x, (3, 4), (3,)))
        for tag, x in (("1d", (4,)), ("2d", (5, 4)), ("3d", (2, 5, 4)))
    ]
    specs.append(OpSpec("linear_nobias", mg.linear, lin_ref, ((5, 4), (3, 4))))
    for reduction in ("mean", "sum", "none"):
        specs.append(
            OpSpec(
                f"mse_loss_{reduction}",
                lambda x, y, r=reduction: F.mse_loss(x, y, reduction=r),
                lambda x, y, r=reduction: _mse_ref(x, y, r),
                ((4, 3), (4, 3)),
            )
        )
    # mse_loss refuses a target of another shape; the op itself broadcasts, as PyTorch's does.
    specs.append(
        OpSpec(
            "mse_loss_op_broadcast",
            lambda x, y: apply(fused.MSELoss("none"), x, y),
            lambda x, y: _mse_ref(x, y, "none"),
            ((3, 1), (1, 4)),
            broadcast=True,
        )
    )
    specs.append(
        OpSpec(
            "mse_loss_op_broadcast_mean",
            lambda x, y: apply(fused.MSELoss("mean"), x, y),
            lambda x, y: _mse_ref(x, y, "mean"),
            ((2, 1, 3), (4, 1)),
        )
    )
    specs.append(
        OpSpec(
            "binary_cross_entropy_op",
            lambda p, y: apply(fused.BinaryCrossEntropy(), p, y),
            lambda p, y: -(y * np.log(p) + (1 - y) * np.log(1 - p)),
            ((4, 3), (4, 3)),
            domains=(PROBABILITY, PROBABILITY),
        )
    )
    for reduction in ("mean", "sum", "none"):
        specs.append(
            OpSpec(
                f"nll_loss_{reduction}",
                lambda x, r=reduction: F.nll_loss(x, mg.tensor(_TARGETS), reduction=r),
                lambda x, r=reduction: _nll_ref(x, r),
                ((4, 3),),
            )
        )
    for reduction in ("mean", "sum", "none"):  # one CrossEntropyLoss op
        specs.append(
            OpSpec(
                f"cross_entropy_{reduction}",
                lambda x, r=reduction: F.cross_entropy(x, mg.tensor(_TARGETS), reduction=r),
                lambda x, r=reduction: _nll_ref(_log_softmax_ref(x), r),
                ((4, 3),),
                paths_rtol=1e-13,  # the Tensor path recomputes the softmax the forward kept
            )
        )
    return specs


def _nn_primitives() -> list[OpSpec]:
    """The primitives behind nn.functional: Normalize (batch_norm in training, layer_norm),
    Softplus (via softplus) and Erf (via exact gelu)."""
    import math

    from minigrad.nn import functional as F

    erf = np.vectorize(math.erf)

    def norm_ref(x: np.ndarray, w: Any, b: Any, axes: tuple[int, ...], wshape: Any) -> Any:
        xhat = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + 1e-5)
        return xhat * np.reshape(w, wshape) + np.reshape(b, wshape)

    def bn(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
        return F.batch_norm(x, None, None, w, b, training=True)

    def ln(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
        return F.layer_norm(x, w.shape, w, b)

    return [
        OpSpec(
            "normalize_batch_norm_2d",
            bn,
            lambda x, w, b: norm_ref(x, w, b, (0,), (3,)),
            ((4, 3), (3,), (3,)),
            paths_rtol=1e-13,
        ),
        OpSpec(
            "normalize_batch_norm_3d",
            bn,
            lambda x, w, b: norm_ref(x, w, b, (0, 2), (3, 1)),
            ((2, 3, 5), (3,), (3,)),
            paths_rtol=1e-13,
        ),
        OpSpec(
            "normalize_layer_norm",
            ln,
            lambda x, w, b: norm_ref(x, w, b, (1, 2), (3, 4)),
            ((2, 3, 4), (3, 4), (3, 4)),
            paths_rtol=1e-13,
        ),
        OpSpec(
            "normalize_no_affine",
            lambda x: F.layer_norm(x, 5),
            lambda x: norm_ref(x, 1.0, 0.0, (1,), ()),
            ((3, 5),),
            paths_rtol=1e-13,
        ),
        OpSpec("softplus", F.softplus, lambda x: np.logaddexp(0, x), ((2, 3),), elementwise=True),
        OpSpec(
            "softplus_beta",
            lambda x: F.softplus(x, beta=2.0, threshold=1.0),
            lambda x: np.where(2 * x > 1, x, np.logaddexp(0, 2 * x) / 2),
            ((3, 4),),
            (OFFGRID,),
        ),
        OpSpec(
            "gelu",
            F.gelu,
            lambda x: x * 0.5 * (1 + erf(x / math.sqrt(2))),
            ((2, 3),),
            elementwise=True,
        ),
        *_piecewise_activations(),
    ]


def _piecewise_activations() -> list[OpSpec]:
    """Hardtanh, Hardsigmoid, Hardswish, Threshold, Hardshrink and Softshrink: one op each,
    drawn on both sides of every kink (+-3, the bounds, +-lambd), never near one."""
    from minigrad.nn import functional as F

    rows: list[tuple[str, Callable[..., Tensor], Callable[..., Any]]] = [
        ("hardtanh", F.hardtanh, lambda x: np.clip(x, -1, 1)),
        ("hardtanh_bounds", lambda x: F.hardtanh(x, -2.5, 4.0), lambda x: np.clip(x, -2.5, 4)),
        ("relu6", F.relu6, lambda x: np.clip(x, 0, 6)),
        ("hardsigmoid", F.hardsigmoid, lambda x: np.clip(x / 6 + 0.5, 0, 1)),
        ("hardswish", F.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6),
        ("threshold", lambda x: F.threshold(x, 1.5, -2.0), lambda x: np.where(x > 1.5, x, -2)),
        ("hardshrink", F.hardshrink, lambda x: np.where(np.abs(x) > 0.5, x, 0)),
        ("softshrink", lambda x: F.softshrink(x, 2.0), lambda x: x - np.clip(x, -2, 2)),
    ]
    return [OpSpec(n, fn, ref, ((4, 5),), (SPREAD,), elementwise=True) for n, fn, ref in rows]


# ---------------------------------------------------------------------------------------------
# Convolution, pooling and padding: references written as plain loops over output positions


def _pairs(v: Any, nd: int) -> tuple[int, ...]:
    return (v,) * nd if isinstance(v, int) else tuple(v)


def _conv_ref(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> np.ndarray:
    """Convolution as its definition: a sum over channels and kernel for each output cell."""
    nd = w.ndim - 2
    s, d = _pairs(stride, nd), _pairs(dilation, nd)
    if padding == "same":
        pads = [
            (d_ * (k - 1) // 2, d_ * (k - 1) - d_ * (k - 1) // 2) for k, d_ in zip(w.shape[2:], d)
        ]
    else:
        pads = [(p, p) for p in _pairs(padding, nd)]
    xp = np.pad(x, [(0, 0), (0, 0), *pads])
    o, cg = w.shape[:2]
    out = [
        (n - d_ * (k - 1) - 1) // s_ + 1 for n, k, s_, d_ in zip(xp.shape[2:], w.shape[2:], s, d)
    ]
    y = np.zeros((x.shape[0], o, *out))
    og = o // groups
    for pos in np.ndindex(*out):
        for oc in range(o):
            g = oc // og
            index = tuple(slice(q * s_, q * s_ + d_ * (k - 1) + 1, d_)
                          for q, s_, d_, k in zip(pos, s, d, w.shape[2:]))  # fmt: skip
            patch = xp[(slice(None), slice(g * cg, (g + 1) * cg), *index)]
            y[(slice(None), oc, *pos)] = (patch * w[oc]).reshape(x.shape[0], -1).sum(1)
    return y if b is None else y + b.reshape(-1, *(1,) * nd)


def _pool_ref(
    x: np.ndarray,
    k: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    kind: str = "max",
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    """Max or average pooling as PyTorch defines it, one output cell at a time (2-D)."""
    k2, p2, d2 = _pairs(k, 2), _pairs(padding, 2), _pairs(dilation, 2)
    s2 = k2 if stride is None else _pairs(stride, 2)
    n_in = x.shape[2:]
    out = []
    for n, kk, s_, p_, d_ in zip(n_in, k2, s2, p2, d2):
        span = n + 2 * p_ - d_ * (kk - 1) - 1
        o = (-(-span // s_) if ceil_mode else span // s_) + 1
        out.append(o - 1 if ceil_mode and (o - 1) * s_ >= n + p_ else o)
    y = np.zeros((*x.shape[:2], *out))
    for i, j in np.ndindex(*out):
        starts = [i * s2[0] - p2[0], j * s2[1] - p2[1]]
        rows = [starts[0] + t * d2[0] for t in range(k2[0])]
        cols = [starts[1] + t * d2[1] for t in range(k2[1])]
        rin = [r for r in rows if 0 <= r < n_in[0]]
        cin = [c for c in cols if 0 <= c < n_in[1]]
        patch = x[:, :, rin][:, :, :, cin]
        if kind == "max":
            y[:, :, i, j] = patch.max(axis=(2, 3))
            continue
        ends = [min(st + kk, n + pp) for st, kk, n, pp in zip(starts, k2, n_in, p2)]
        if divisor_override:
            div = divisor_override
        elif count_include_pad:
            div = (ends[0] - starts[0]) * (ends[1] - starts[1])
        else:
            div = len(rin) * len(cin)
        y[:, :, i, j] = patch.sum(axis=(2, 3)) / div
    return y


def _adaptive_ref(x: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    h, w = x.shape[-2:]
    y = np.zeros((*x.shape[:-2], *size))
    for i, j in np.ndindex(*size):
        r = slice(i * h // size[0], -(-(i + 1) * h // size[0]))
        c = slice(j * w // size[1], -(-(j + 1) * w // size[1]))
        y[..., i, j] = x[..., r, c].mean(axis=(-2, -1))
    return y


def _adaptive_max_ref(x: np.ndarray, output_size: tuple[int, ...]) -> np.ndarray:
    """Each adaptive window's maximum, any number of spatial dims, one window at a time."""
    nd = len(output_size)
    spatial = x.shape[-nd:]
    y = np.zeros((*x.shape[:-nd], *output_size))
    for cell in np.ndindex(*output_size):
        box = tuple(
            slice(i * n // m, -(-(i + 1) * n // m)) for i, n, m in zip(cell, spatial, output_size)
        )
        y[(..., *cell)] = x[(..., *box)].max(axis=tuple(range(-nd, 0)))
    return y


def _adjoint_ref(x_shape: Shape, which: str, fixed: np.ndarray, gy: np.ndarray, **kw: Any) -> Any:
    """The gradient of <conv(x, w), gy> in x (which="x", fixed=w) or in w (fixed=x), built
    from the loop reference one basis vector at a time (conv is linear in each)."""
    out = np.zeros(x_shape)
    for i in np.ndindex(*x_shape):
        e = np.zeros(x_shape)
        e[i] = 1.0
        y = _conv_ref(e, fixed, **kw) if which == "x" else _conv_ref(fixed, e, **kw)
        out[i] = (y * gy).sum()
    return out


def _conv_adjoint_specs() -> list[OpSpec]:
    """The two adjoints of a convolution, as ops of their own: their second derivatives (in
    the upstream gradient too) are what a convolution's third-order terms go through."""
    from minigrad import conv
    from minigrad.tensor import apply

    kw = {"stride": (2, 1), "padding": 1, "dilation": (1, 2), "groups": 2}
    params = conv.ConvParams((2, 2), (2, 1), ((1, 1), (1, 1)), (1, 2), 2)
    x_shape, w_shape = (2, 4, 5, 6), (6, 2, 2, 2)
    gy_shape = (2, 6, 3, 6)  # conv(x, w)'s output shape with these parameters
    # The pools' adjoints: where MaxPool sends its gradient, and AvgPool's spreading of it.
    pool_x = (1, 2, 7, 5)
    pool_kw = {"stride": 2, "padding": 1}
    maxpool = conv.MaxPool(*conv.pool_params(pool_x[2:], (3, 3), (2, 2), (1, 1), (1, 1), False))
    pool_in = draw(DISTINCT, pool_x, np.random.default_rng(5))
    indices = maxpool.flat_indices(pool_in, maxpool.forward(pool_in))

    def unpool_ref(g: np.ndarray) -> np.ndarray:
        z = np.zeros(pool_x).reshape(2, -1)
        np.add.at(z, (np.arange(2)[:, None], indices.reshape(2, -1)), g.reshape(2, -1))
        return z.reshape(pool_x)

    avg_params, avg_out = conv.pool_params(pool_x[2:], (3, 3), (2, 2), (1, 1), (1, 1), True)
    avg = conv.AvgPool(avg_params, avg_out, pool_x, True, False)

    def avg_adjoint_ref(g: np.ndarray) -> np.ndarray:
        out = np.zeros(pool_x)
        for i in np.ndindex(*pool_x):
            e = np.zeros(pool_x)
            e[i] = 1.0
            y = _pool_ref(e, 3, kind="avg", ceil_mode=True, count_include_pad=False, **pool_kw)
            out[i] = (y * g).sum()
        return out

    return [
        OpSpec(
            "max_unpool_op",
            lambda g: apply(conv.MaxUnpool(maxpool), g),
            unpool_ref,
            ((1, 2, 4, 3),),
        ),
        OpSpec(
            "max_gather_op",
            lambda h: apply(conv.MaxGather(maxpool), h),
            lambda h: np.take_along_axis(h.reshape(2, -1), indices.reshape(2, -1), 1).reshape(
                1, 2, 4, 3
            ),
            (pool_x,),
        ),
        OpSpec(
            "avg_pool_adjoint_op",
            lambda g: apply(conv.AvgPoolAdjoint(avg), g),
            avg_adjoint_ref,
            ((1, 2, *avg_out),),
        ),
        OpSpec(
            "conv_input_op",
            lambda gy, w: apply(conv.ConvInput(params, x_shape), gy, w),
            lambda gy, w: _adjoint_ref(x_shape, "x", w, gy, **kw),
            (gy_shape, w_shape),
        ),
        OpSpec(
            "conv_weight_op",
            lambda x, gy: apply(conv.ConvWeight(params, w_shape), x, gy),
            lambda x, gy: _adjoint_ref(w_shape, "w", x, gy, **kw),
            (x_shape, gy_shape),
        ),
    ]


def _conv_specs() -> list[OpSpec]:
    """Conv (1-D and 2-D), pools and pad: odd sizes, strides, padding, dilation, groups."""
    from minigrad.nn import functional as F

    conv: list[tuple[str, Any, tuple[Shape, ...], dict[str, Any]]] = [
        ("conv2d_basic", F.conv2d, ((2, 3, 7, 6), (4, 3, 3, 2), (4,)), {}),
        ("conv2d_nobias", F.conv2d, ((2, 2, 5, 5), (3, 2, 3, 3)), {}),
        ("conv2d_stride_pad", F.conv2d, ((2, 2, 7, 8), (3, 2, 3, 3), (3,)),
         {"stride": 2, "padding": 1}),
        ("conv2d_dilation", F.conv2d, ((1, 2, 8, 7), (2, 2, 3, 2), (2,)),
         {"dilation": (2, 3), "padding": (1, 0), "stride": (1, 2)}),
        ("conv2d_groups", F.conv2d, ((2, 4, 5, 6), (6, 2, 2, 3), (6,)),
         {"groups": 2, "stride": (2, 1)}),
        ("conv2d_depthwise", F.conv2d, ((1, 3, 5, 5), (3, 1, 3, 3), (3,)),
         {"groups": 3, "padding": 1}),
        ("conv2d_same_even", F.conv2d, ((1, 2, 5, 6), (2, 2, 2, 4)), {"padding": "same"}),
        ("conv2d_unbatched", F.conv2d, ((2, 5, 4), (3, 2, 2, 2), (3,)), {"stride": 2}),
        ("conv1d_basic", F.conv1d, ((2, 3, 9), (4, 3, 3), (4,)), {}),
        ("conv1d_all", F.conv1d, ((2, 4, 11), (6, 2, 3), (6,)),
         {"stride": 2, "padding": 2, "dilation": 2, "groups": 2}),
    ]  # fmt: skip
    specs = []
    for name, fn, shapes, kw in conv:

        def ref(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, **k: Any) -> Any:
            if x.ndim == w.ndim - 1:
                return _conv_ref(x[None], w, b, **k)[0]
            return _conv_ref(x, w, b, **k)

        specs.append(OpSpec(name, fn, ref, shapes, kwargs=kw, paths_rtol=1e-13))

    pools: list[tuple[str, Any, str, Shape, dict[str, Any]]] = [
        ("max_pool2d_2", F.max_pool2d, "max", (2, 3, 6, 6), {"kernel_size": 2}),
        ("max_pool2d_odd", F.max_pool2d, "max", (2, 2, 7, 5),
         {"kernel_size": 3, "stride": 2, "padding": 1}),
        ("max_pool2d_ceil_dilation", F.max_pool2d, "max", (1, 2, 8, 7),
         {"kernel_size": (2, 3), "stride": (3, 2), "dilation": (2, 1), "ceil_mode": True}),
        ("avg_pool2d_2", F.avg_pool2d, "avg", (2, 3, 6, 6), {"kernel_size": 2}),
        ("avg_pool2d_pad", F.avg_pool2d, "avg", (2, 2, 7, 5),
         {"kernel_size": 3, "stride": 2, "padding": 1}),
        ("avg_pool2d_ceil_nopadcount", F.avg_pool2d, "avg", (1, 2, 8, 7),
         {"kernel_size": (3, 2), "stride": (2, 3), "padding": 1, "ceil_mode": True,
          "count_include_pad": False}),
        ("avg_pool2d_divisor", F.avg_pool2d, "avg", (1, 2, 5, 5),
         {"kernel_size": 2, "stride": 1, "divisor_override": 3}),
    ]  # fmt: skip
    for name, fn, kind, shape, kw in pools:

        def pool_ref(x: np.ndarray, kind: str = kind, **k: Any) -> Any:
            return _pool_ref(x, k.pop("kernel_size"), kind=kind, **k)

        domain = DISTINCT if kind == "max" else REAL  # no ties inside a window
        specs.append(OpSpec(name, fn, pool_ref, (shape,), (domain,), kwargs=kw))

    specs += [
        OpSpec("adaptive_avg_pool2d", F.adaptive_avg_pool2d, lambda x, output_size: _adaptive_ref(
            x, output_size), ((2, 2, 7, 5),), kwargs={"output_size": (3, 2)}),
        OpSpec("adaptive_avg_pool2d_keep", F.adaptive_avg_pool2d,
               lambda x, output_size: _adaptive_ref(x, (x.shape[-2], 4)), ((2, 5, 7),),
               kwargs={"output_size": (None, 4)}),
        OpSpec("adaptive_max_pool2d", F.adaptive_max_pool2d, _adaptive_max_ref,
               ((2, 2, 7, 5),), (DISTINCT,), kwargs={"output_size": (3, 4)}),
        OpSpec("adaptive_max_pool3d", F.adaptive_max_pool3d, _adaptive_max_ref,
               ((1, 2, 3, 5, 4),), (DISTINCT,), kwargs={"output_size": (2, 3, 2)}),
        OpSpec("pad_constant", lambda x: F.pad(x, (1, 2, 0, 1), value=0.5),
               lambda x: np.pad(x, [(0, 0), (0, 1), (1, 2)], constant_values=0.5), ((2, 3, 4),)),
        OpSpec("pad_crop", lambda x: F.pad(x, (-1, 2)),
               lambda x: np.pad(x[..., 1:], [(0, 0), (0, 2)]), ((3, 4),)),
        OpSpec("pad_reflect", lambda x: F.pad(x, (2, 1, 1, 2), mode="reflect"),
               lambda x: np.pad(x, [(0, 0), (1, 2), (2, 1)], mode="reflect"), ((2, 4, 3),)),
        OpSpec("pad_replicate", lambda x: F.pad(x, (2, 1), mode="replicate"),
               lambda x: np.pad(x, [(0, 0), (2, 1)], mode="edge"), ((2, 3),)),
        OpSpec("pad_circular", lambda x: F.pad(x, (2, 1), mode="circular"),
               lambda x: np.pad(x, [(0, 0), (2, 1)], mode="wrap"), ((2, 3),)),
    ]  # fmt: skip
    return specs


_ALONG = np.array([[2, 0, 1, 3], [3, 3, 0, 1], [1, 2, 2, 0]])  # repeats: gradients add up


def _diag_embed_ref(x: np.ndarray, offset: int = 0, dim1: int = -2, dim2: int = -1) -> np.ndarray:
    n = x.shape[-1] + abs(offset)
    out = np.zeros((*x.shape[:-1], n, n))
    rows = np.arange(x.shape[-1]) + max(0, -offset)
    out[..., rows, rows + offset] = x
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


def _rearranging() -> list[OpSpec]:
    """Flips, rolls, diagonals, tiling, moving dims, selecting, joining and the products as
    methods (``minigrad/rearrange.py``): compositions of indexing, reshapes and matmul."""
    x234, x34 = ((2, 3, 4),), ((3, 4),)
    rows: list[tuple[str, Any, Any, tuple[Shape, ...]]] = [
        ("flip", lambda x: x.flip(0, 2), lambda x: np.flip(x, (0, 2)), x234),
        ("flip_fn_list", lambda x: mg.flip(x, [-1]), lambda x: np.flip(x, -1), x34),
        ("fliplr", lambda x: x.fliplr(), np.fliplr, x34),
        ("flipud_fn", mg.flipud, np.flipud, x234),
        ("roll_flattened", lambda x: x.roll(5), lambda x: np.roll(x, 5), x234),
        (
            "roll_dims_fn",
            lambda x: mg.roll(x, (1, -2), (0, 2)),
            lambda x: np.roll(x, (1, -2), (0, 2)),
            x234,
        ),
        ("diagonal", lambda x: x.diagonal(), np.diagonal, x34),
        (
            "diagonal_batched",
            lambda x: x.diagonal(1, 1, 2),
            lambda x: np.diagonal(x, 1, 1, 2),
            x234,
        ),
        (
            "diagonal_fn_below_dims_swapped",
            lambda x: mg.diagonal(x, -1, 2, 0),
            lambda x: np.diagonal(x, -1, 2, 0),
            x234,
        ),
        ("diag_vector", lambda x: x.diag(1), lambda x: np.diag(x, 1), ((3,),)),
        ("diag_matrix_fn", lambda x: mg.diag(x, -1), lambda x: np.diag(x, -1), x34),
        ("diag_embed", lambda x: x.diag_embed(), _diag_embed_ref, ((2, 3),)),
        (
            "diag_embed_fn_dims",
            lambda x: mg.diag_embed(x, 1, 0, 2),
            lambda x: _diag_embed_ref(x, 1, 0, 2),
            ((2, 3),),
        ),
        ("trace", lambda x: x.trace(), np.trace, x34),
        ("tile", lambda x: x.tile(2), lambda x: np.tile(x, 2), ((2, 3),)),
        (
            "tile_fn_new_dims",
            lambda x: mg.tile(x, (2, 1, 2)),
            lambda x: np.tile(x, (2, 1, 2)),
            ((2, 3),),
        ),
        (
            "repeat_interleave",
            lambda x: x.repeat_interleave(2),
            lambda x: np.repeat(x, 2),
            ((2, 3),),
        ),
        (
            "repeat_interleave_fn_tensor",
            lambda x: mg.repeat_interleave(x, mg.tensor([1, 0, 3]), dim=1),
            lambda x: np.repeat(x, [1, 0, 3], axis=1),
            ((2, 3),),
        ),
        ("unbind", lambda x: mg.stack(x.unbind(1)), lambda x: np.moveaxis(x, 1, 0), x234),
        (
            "unbind_fn_last",
            lambda x: mg.stack(mg.unbind(x, -1), 0),
            lambda x: np.moveaxis(x, -1, 0),
            x34,
        ),
        ("narrow", lambda x: x.narrow(1, 1, 2), lambda x: x[:, 1:3], x34),
        ("narrow_fn_negative", lambda x: mg.narrow(x, -1, -3, 2), lambda x: x[..., 1:3], x234),
        ("movedim", lambda x: x.movedim(0, -1), lambda x: np.moveaxis(x, 0, -1), x234),
        (
            "moveaxis_fn",
            lambda x: mg.moveaxis(x, (0, 1), (2, 0)),
            lambda x: np.moveaxis(x, (0, 1), (2, 0)),
            x234,
        ),
        ("swapaxes", lambda x: x.swapaxes(0, 2), lambda x: np.swapaxes(x, 0, 2), x234),
        ("swapdims_fn", lambda x: mg.swapdims(x, 1, 2), lambda x: np.swapaxes(x, 1, 2), x234),
        ("mT", lambda x: x.mT, lambda x: np.swapaxes(x, -1, -2), x234),
        ("mH", lambda x: x.mH, lambda x: x.T, x34),
        ("unflatten", lambda x: x.unflatten(1, (2, -1)), lambda x: x.reshape(3, 2, 2), x34),
        (
            "unflatten_fn",
            lambda x: mg.unflatten(x, -1, (2, 2)),
            lambda x: x.reshape(2, 3, 2, 2),
            x234,
        ),
        (
            "take_along_dim",
            lambda x: x.take_along_dim(mg.tensor(_ALONG), 1),
            lambda x: np.take_along_axis(x, _ALONG, 1),
            x34,
        ),
        (
            "take_along_dim_broadcast",
            lambda x: x.take_along_dim(mg.tensor([[0, 3, 0]]), -1),
            lambda x: np.take_along_axis(x, np.array([[0, 3, 0]] * 3), -1),
            x34,
        ),
        (
            "take_along_dim_fn_flattened",
            lambda x: mg.take_along_dim(x, mg.tensor([0, 5, 5, 11])),
            lambda x: x.reshape(-1)[[0, 5, 5, 11]],
            x34,
        ),
        ("masked_select", lambda x: x.masked_select(mg.tensor(_MASK)), lambda x: x[_MASK], x34),
        (
            "masked_select_fn_broadcast",
            lambda x: mg.masked_select(x, mg.tensor(_MASK)),
            lambda x: np.broadcast_to(x, (3, 4))[_MASK],
            ((4,),),
        ),
    ]
    pairs: list[tuple[str, Any, Any, tuple[Shape, ...]]] = [
        ("outer", lambda x, y: x.outer(y), np.outer, ((3,), (4,))),
        ("ger_fn", mg.ger, np.outer, ((3,), (2,))),
        ("dot", lambda x, y: x.dot(y), np.dot, ((4,), (4,))),
        ("mm", lambda x, y: x.mm(y), np.matmul, ((2, 3), (3, 4))),
        ("bmm", lambda x, y: x.bmm(y), np.matmul, ((2, 2, 3), (2, 3, 4))),
        (
            "hstack",
            lambda x, y: mg.hstack([x, y]),
            lambda x, y: np.hstack([x, y]),
            ((2, 3), (2, 2)),
        ),
        ("hstack_1d", lambda x, y: mg.hstack((x, y)), lambda x, y: np.hstack([x, y]), ((3,), (2,))),
        ("vstack", lambda x, y: mg.vstack([x, y]), lambda x, y: np.vstack([x, y]), ((3,), (2, 3))),
        (
            "column_stack",
            lambda x, y: mg.column_stack([x, y]),
            lambda x, y: np.column_stack([x, y]),
            ((3,), (3, 2)),
        ),
        ("dstack", lambda x, y: mg.dstack([x, y]), lambda x, y: np.dstack([x, y]), ((3,), (3,))),
        (
            "dstack_2d",
            lambda x, y: mg.dstack([x, y]),
            lambda x, y: np.dstack([x, y]),
            ((2, 3), (2, 3)),
        ),
        (
            "concat",
            lambda x, y: mg.concat([x, y], dim=1),
            lambda x, y: np.concatenate([x, y], 1),
            ((2, 3), (2, 1)),
        ),
        (
            "broadcast_tensors",
            lambda x, y: mg.stack(mg.broadcast_tensors(x, y)),
            lambda x, y: np.stack(np.broadcast_arrays(x, y)),
            ((3, 1), (4,)),
        ),
        (
            "meshgrid_ij",
            lambda x, y: mg.stack(mg.meshgrid(x, y, indexing="ij")),
            lambda x, y: np.stack(np.meshgrid(x, y, indexing="ij")),
            ((3,), (4,)),
        ),
        (
            "meshgrid_xy",
            lambda x, y: mg.stack(mg.meshgrid([x, y], indexing="xy")),
            lambda x, y: np.stack(np.meshgrid(x, y, indexing="xy")),
            ((3,), (4,)),
        ),
    ]
    triples: list[tuple[str, Any, Any, tuple[Shape, ...]]] = [
        (
            "addmm",
            lambda x, a, b: x.addmm(a, b),
            lambda x, a, b: x + a @ b,
            ((2, 4), (2, 3), (3, 4)),
        ),
        (
            "addmm_fn_broadcast_scaled",
            lambda x, a, b: mg.addmm(x, a, b, beta=0.5, alpha=2),
            lambda x, a, b: 0.5 * x + 2 * (a @ b),
            ((4,), (2, 3), (3, 4)),
        ),
        (
            "addmm_column",
            lambda x, a, b: x.addmm(a, b, alpha=-1),
            lambda x, a, b: x - a @ b,
            ((2, 1), (2, 3), (3, 4)),
        ),
    ]
    return [OpSpec(name, fn, ref, shapes) for name, fn, ref, shapes in rows + pairs + triples]


def _cosine_ref(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    na = np.linalg.norm(a, axis=1, keepdims=True)
    nb = np.linalg.norm(b, axis=1, keepdims=True)
    return (a / na * b / nb).sum(1)


def _linalg() -> list[OpSpec]:
    """Inverse, Det, LogAbsDet, Solve (linalg_ops.py), Cumprod, and the compositions of
    linalg_functions.py (distances) and Tensor.unfold."""
    inv, det = np.linalg.inv, np.linalg.det
    sq, batch = (3, 3), (2, 3, 3)
    rows: list[tuple[str, Any, Any, tuple[Shape, ...], tuple[str, ...]]] = [
        ("linalg_inv", mg.linalg.inv, inv, (sq,), (INVERTIBLE,)),
        ("inverse_batched", lambda x: x.inverse(), inv, (batch,), (INVERTIBLE,)),
        ("linalg_det", mg.linalg.det, det, (sq,), (INVERTIBLE,)),
        ("det_batched", mg.det, det, (batch,), (INVERTIBLE,)),
        (
            "linalg_slogdet_logabsdet",
            lambda x: mg.linalg.slogdet(x).logabsdet,
            lambda x: np.linalg.slogdet(x)[1],
            (batch,),
            (INVERTIBLE,),
        ),
        ("linalg_solve", mg.linalg.solve, np.linalg.solve, (sq, (3, 2)), (INVERTIBLE, REAL)),
        (
            "linalg_solve_vectors_batched",
            mg.linalg.solve,
            lambda a, b: np.linalg.solve(a, b[..., None])[..., 0],
            (batch, (2, 3)),
            (INVERTIBLE, REAL),
        ),
        (
            "linalg_solve_broadcast",
            mg.linalg.solve,
            np.linalg.solve,
            (sq, (2, 3, 2)),
            (INVERTIBLE, REAL),
        ),
        (
            "linalg_solve_right",
            lambda a, b: mg.linalg.solve(a, b, left=False),
            lambda a, b: np.linalg.solve(a.T, b.T).T,
            (sq, (4, 3)),
            (INVERTIBLE, REAL),
        ),
        (
            "linalg_svdvals",
            mg.linalg.svdvals,
            lambda x: np.linalg.svd(x, compute_uv=False),
            ((2, 4, 3),),
            (REAL,),
        ),
        ("cumprod_dim1", lambda x: x.cumprod(1), lambda x: np.cumprod(x, 1), ((3, 4),), (REAL,)),
        (
            "cumprod_zeros",
            lambda x: mg.cumprod(x, dim=-1),
            lambda x: np.cumprod(x, -1),
            ((3, 4),),
            (ZEROS,),
        ),
        (
            "unfold_overlapping",
            lambda x: x.unfold(0, 3, 1),
            lambda x: np.lib.stride_tricks.sliding_window_view(x, 3, axis=0),
            ((5, 2),),
            (REAL,),
        ),
        (
            "unfold_step",
            lambda x: x.unfold(-1, 2, 3),
            lambda x: np.lib.stride_tricks.sliding_window_view(x, 2, axis=-1)[..., ::3, :],
            ((2, 8),),
            (REAL,),
        ),
        (
            "cdist",
            mg.cdist,
            lambda a, b: np.linalg.norm(a[:, None] - b[None], axis=-1),
            ((3, 4), (5, 4)),
            (REAL, REAL),
        ),
        (
            "cosine_similarity",
            mg.cosine_similarity,
            _cosine_ref,
            ((3, 4), (3, 4)),
            (REAL, REAL),
        ),
        (
            "pairwise_distance",
            mg.pairwise_distance,
            lambda a, b: np.linalg.norm(a - b + 1e-6, axis=-1),
            ((3, 4), (3, 4)),
            (REAL, REAL),
        ),
        (
            "normalize_p3",
            lambda x: mg.nn.functional.normalize(x, p=3),
            lambda x: x / (np.abs(x) ** 3).sum(1, keepdims=True) ** (1 / 3),
            ((3, 4),),
            (REAL,),
        ),
    ]
    specs = [OpSpec(n, fn, ref, shapes, domains) for n, fn, ref, shapes, domains in rows]
    # At zeros the rule on Tensors sums products one position at a time (differentiable
    # again), on arrays it uses the shortcut: the same values, rounded differently.
    return [
        OpSpec(**{**s.__dict__, "paths_rtol": 1e-12}) if "zeros" in s.name else s for s in specs
    ]


def _sym(x: Any) -> Any:
    """A symmetric positive-definite matrix from any square one (cholesky and eigh read one
    triangle: the finite differences must move both); tanh keeps it so for huge inputs too."""
    t = x.tanh()
    return t + t.mT + 8 * mg.eye(x.shape[-1], dtype=x.dtype)


def _expm_ref(x: np.ndarray) -> np.ndarray:
    """exp by its Taylor series (enough terms for the norms drawn here)."""
    term = out = np.broadcast_to(np.eye(x.shape[-1]), x.shape).copy()
    for k in range(1, 60):
        term = term @ x / k
        out = out + term
    return out


def _lu_ref(x: np.ndarray) -> np.ndarray:
    """LU with partial pivoting, packed (L's multipliers under U), one matrix at a time."""
    out = np.array(x, dtype=np.float64)
    for a in out.reshape(-1, *x.shape[-2:]):
        for j in range(min(a.shape)):
            p = j + int(np.argmax(np.abs(a[j:, j])))
            a[[j, p]] = a[[p, j]]
            a[j + 1 :, j] /= a[j, j]
            a[j + 1 :, j + 1 :] -= np.outer(a[j + 1 :, j], a[j, j + 1 :])
    return out


def _linalg_factor() -> list[OpSpec]:
    """Cholesky, MatrixExp, Eigh, QR (linalg_factor.py) and matrix_power."""
    sym_ref = lambda x: np.tanh(x) + np.tanh(x).swapaxes(-1, -2) + 8 * np.eye(x.shape[-1])  # noqa: E731
    batch = (2, 3, 3)
    rows: list[tuple[str, Any, Any, tuple[Shape, ...]]] = [
        (
            "linalg_cholesky",
            lambda x: mg.linalg.cholesky(_sym(x)),
            lambda x: np.linalg.cholesky(sym_ref(x)),
            (batch,),
        ),
        (
            "linalg_cholesky_upper",
            lambda x: mg.linalg.cholesky(_sym(x), upper=True),
            lambda x: np.linalg.cholesky(sym_ref(x)).swapaxes(-1, -2),
            ((3, 3),),
        ),
        ("linalg_matrix_exp", mg.linalg.matrix_exp, _expm_ref, (batch,)),
        (
            "linalg_eigh_eigenvalues",
            lambda x: mg.linalg.eigh(_sym(x)).eigenvalues,
            lambda x: np.linalg.eigh(sym_ref(x))[0],
            (batch,),
        ),
        (
            "linalg_eigh_eigenvectors_squared",
            lambda x: mg.linalg.eigh(_sym(x), "U").eigenvectors ** 2,
            lambda x: np.linalg.eigh(sym_ref(x))[1] ** 2,
            (batch,),
        ),
        (
            "linalg_eigvalsh",
            lambda x: mg.linalg.eigvalsh(_sym(x)),
            lambda x: np.linalg.eigvalsh(sym_ref(x)),
            ((3, 3),),
        ),
        ("linalg_qr_q", lambda x: mg.linalg.qr(x).Q, lambda x: np.linalg.qr(x)[0], ((2, 4, 3),)),
        ("linalg_qr_r", lambda x: mg.linalg.qr(x).R, lambda x: np.linalg.qr(x)[1], ((4, 3),)),
        (
            "linalg_qr_wide_q",
            lambda x: mg.linalg.qr(x, "complete").Q,
            lambda x: np.linalg.qr(x)[0],
            ((3, 4),),
        ),
        (
            "linalg_matrix_power_3",
            lambda x: mg.linalg.matrix_power(x, 3),
            lambda x: x @ x @ x,
            (batch,),
        ),
        (
            "linalg_matrix_power_neg2",
            lambda x: x.matrix_power(-2),
            lambda x: np.linalg.inv(x @ x),
            (batch,),
        ),
    ]
    rows += [
        ("linalg_lu_factor", lambda x: mg.linalg.lu_factor(x).LU, _lu_ref, (batch,)),
        ("linalg_lu_factor_ex_wide", lambda x: mg.linalg.lu_factor_ex(x).LU, _lu_ref, ((3, 5),)),
        ("linalg_lu_factor_tall", lambda x: mg.linalg.lu_factor(x).LU, _lu_ref, ((2, 5, 3),)),
    ]
    domains = {
        "linalg_matrix_power_neg2": (INVERTIBLE,),
        "linalg_lu_factor": (INVERTIBLE,),
    }
    return [OpSpec(n, fn, ref, shapes, domains.get(n, ())) for n, fn, ref, shapes in rows]


_GAMMA_DRAW: dict[str, Any] = {}


def _gamma_draw(a: np.ndarray) -> np.ndarray:
    """Gamma(a, 1) variates of a fixed seed (clamped as minigrad's and PyTorch's)."""
    draws = np.random.default_rng(0).standard_gamma(a.astype(np.float64)).astype(a.dtype)
    return np.maximum(draws, np.finfo(a.dtype).tiny)


def _standard_gamma_row(a: Tensor) -> Tensor:
    """The sampling op at a held draw: drawn (seeded) for the first concentration seen and
    kept while later ones stay within 1e-3 of it (gradcheck's perturbations), so finite
    differences follow the op's own curve x(alpha) at a fixed cdf level."""
    from minigrad.gamma_sampling import StandardGamma

    held = _GAMMA_DRAW.get("op")
    near = held is not None and held.alpha0.shape == a.shape
    if not (near and np.abs(a._data - held.alpha0).max() <= 1e-3):
        held = StandardGamma(a._data.copy(), _gamma_draw(a._data))
        _GAMMA_DRAW["op"] = held
    return apply(type(held)(held.alpha0, held.sample), a)


def _sampling() -> list[OpSpec]:
    """The reparameterised gamma variates of minigrad.gamma_sampling (Gamma.rsample): the
    gradient is PyTorch's approximation of the implicit one (relative error below 1e-3)."""
    return [
        OpSpec(
            "standard_gamma",
            _standard_gamma_row,
            _gamma_draw,
            ((2, 3),),
            (POSITIVE,),
            gradgrad=False,  # PyTorch's _standard_gamma_grad has no derivative either
            check={"rtol": 2e-3},
        )
    ]


SPECS: list[OpSpec] = (
    _unary()
    + _nn_primitives()
    + _binary()
    + _trigonometry()
    + _zeta_igamma()
    + _matmul()
    + _fused()
    + _reductions()
    + _shapes()
    + _indexing()
    + _joins()
    + _unbind_rows()
    + _rearranging()
    + _einsum_rows()
    + _gathers()
    + _casts()
    + _scatter()
    + _composites()
    + _conv_specs()
    + _conv_adjoint_specs()
    + _linalg()
    + _linalg_factor()
    + _sampling()
)

BY_NAME: dict[str, OpSpec] = {s.name: s for s in SPECS}
assert len(BY_NAME) == len(SPECS), "op spec names must be unique"

ELEMENTWISE = [s for s in SPECS if s.elementwise]
BROADCAST = [s for s in SPECS if s.broadcast]
AXIS = [s for s in SPECS if s.axis and s.name.endswith("_axisNone_keepFalse")]

# Shape pairs every binary elementwise op must accept (and differentiate through).
BROADCAST_PAIRS: list[tuple[Shape, Shape]] = [
    ((3, 1), (1, 4)),
    ((4,), (2, 3, 4)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((2, 1, 3), (4, 1)),
]


# ---------------------------------------------------------------------------------------------
# Which op classes each row records: the list of ops that need a row comes from the classes


def _op_classes() -> list[type[Op]]:
    """Every Op subclass defined in the package (every module is imported first).

    Left out: private bases (``_ConvOp``), whose subclasses are the ops, the machinery of
    user-defined ``autograd.Function``s, whose rules are the user's (``tests/test_function.py``),
    and ops with no derivative (``differentiable = False``: floor division, whose backward raises
    PyTorch's error, ``tests/test_pointwise.py``; ``GradScale``, whose backward scales the
    gradient on purpose, ``tests/test_embedding_freq.py``).
    """
    from minigrad.autograd.function import BackwardFunction
    from minigrad.engine import OutputOf

    for info in pkgutil.walk_packages(mg.__path__, "minigrad."):
        importlib.import_module(info.name)
    found: list[type[Op]] = []
    stack = list(Op.__subclasses__())
    while stack:
        c = stack.pop()
        if c in (BackwardFunction, OutputOf) or getattr(c, "differentiable", True) is False:
            continue
        stack.extend(c.__subclasses__())
        private_base = c.__name__.startswith("_") and c.__subclasses__()
        if c.__module__.startswith("minigrad.") and not private_base and c not in found:
            found.append(c)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def recorded_ops(spec: OpSpec) -> set[type[Op]]:
    """The op classes a row's forward records (float64 inputs, fixed seed)."""
    rng = np.random.default_rng(0)
    out = spec(*[mg.from_numpy(a).requires_grad_() for a in spec.arrays(rng)])
    return {type(n) for n in iter_graph([out]) if isinstance(n, Op)}


OP_CLASSES: list[type[Op]] = _op_classes()
ROWS_OF_OP: dict[type[Op], list[OpSpec]] = {}
for _spec in SPECS:
    for _op in recorded_ops(_spec):
        ROWS_OF_OP.setdefault(_op, []).append(_spec)
