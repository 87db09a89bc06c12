"""PyTorch's elementwise Tensor methods of signs, extremes that skip NaN, integer divisors,
angles, powers of two and neighbouring floats: ``copysign``, ``fmax``, ``fmin``, ``gcd``,
``lcm``, ``deg2rad``, ``rad2deg``, ``logaddexp2``, ``float_power``, ``ldexp``, ``frexp``,
``nextafter``, ``histogram``, the regularized incomplete gamma functions ``igamma`` and
``igammac`` (and the in-place ``_`` forms PyTorch has).

``Tensor`` inherits these (through ``TensorSurface``). The differentiable ones are composed of
existing ops (``Where``, products, ``logaddexp``, ``pow``) with constant masks and factors
computed in NumPy, so their gradients are those of PyTorch: ``fmax``'s goes to self on ties,
``copysign``'s to self only. ``gcd``, ``lcm``, ``nextafter`` and ``histogram`` record nothing.
"""

from __future__ import annotations

import builtins
import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import more_ops, ops, zeta_igamma
from .dtypes import default_float, not_implemented_for, result_np, torch_name
from .engine import Op, TensorMakers
from .inplace import _inplace
from .pointwise import _pair
from .printing import return_type
from .validation import _check_broadcasts

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["PointwiseGapMethods", "PointwiseGapResults", "histogram_of"]


class PointwiseGapResults:
    """The named tuples of these methods (as ``torch.return_types``)."""

    @return_type()
    class frexp(NamedTuple):
        mantissa: Any
        exponent: Any

    @return_type()
    class histogram(NamedTuple):
        hist: Any
        bin_edges: Any

    @return_type()
    class histogramdd(NamedTuple):
        hist: Any
        bin_edges: Any


class NextAfter(Op):
    """z = the next float after x towards y;  dz/dx = 1, dz/dy = 0 (PyTorch's rule)."""

    __slots__ = ()
    torch_name = "NextafterBackward0"
    reads_inputs = False  # (the rule reads no values)

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return np.nextafter(x, y)

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        return grad, (more_ops.zeros_like(grad) if self.needs_grad(1) else None)


def _const(a: Any) -> Any:
    return TensorMakers.wrap(np.asarray(a), None)


def _raw(v: Any) -> Any:
    """A tensor's array, or a Python number as it is (a wrapped number in promotion)."""
    return v._data if hasattr(v, "_data") else v


def _need_tensor(v: Any, fn: str, name: str, position: builtins.int) -> None:
    if not hasattr(v, "_data"):
        raise TypeError(
            f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
            f"{type(v).__name__}"
        )


def _as(t: Any, dt: np.dtype) -> Any:
    """``t`` (a tensor or a number) as a tensor of dtype ``dt`` (recorded when it is cast)."""
    if not hasattr(t, "_data"):
        return _const(np.asarray(t, dtype=dt))
    return t if t._data.dtype == dt else t.to(dt)


def _floating(dt: np.dtype) -> np.dtype:
    """PyTorch's float result of an op on ``dt``: integers and bool give the default float."""
    return dt if dt.kind in "fc" else default_float()


def _both(self: Any, other: Any, floating: builtins.bool, fn: str) -> tuple[Any, Any, np.dtype]:
    _check_broadcasts(fn, self, other)  # (PyTorch's error, not NumPy's)
    dt = result_np(self._data, _raw(other))
    if floating:
        dt = _floating(dt)
    return _as(self, dt), _as(other, dt), dt


def _igamma(op: Any, name: str, self: Any, other: Any) -> Tensor:
    """op(self, other) of two tensors in their float result dtype (PyTorch's refusals of a number
    and of integers)."""
    _need_tensor(other, name, "other", 1)
    return _pair(op, name, self, other)


def histogram_of(
    a: np.ndarray, bins: Any, range: Any, weight: Any, density: builtins.bool, fn: str
) -> tuple[np.ndarray, list[np.ndarray]]:
    """NumPy's ``histogramdd`` of the rows of ``a`` (N x D) with PyTorch's checks: counts (or
    weight sums) and the edges of each dim, in ``a``'s dtype."""
    if a.dtype.kind != "f":
        raise not_implemented_for("histogramdd", a.dtype)
    dims = a.shape[-1]
    if hasattr(bins, "_data") or (
        isinstance(bins, list | tuple) and bins and hasattr(bins[0], "_data")
    ):
        edges = [
            np.asarray(_raw(b), np.float64)
            for b in (bins if isinstance(bins, list | tuple) else [bins])
        ]
        spec: Any = edges
    else:
        counts = [bins] * dims if isinstance(bins, builtins.int) else list(bins)
        for k, n in enumerate(counts):
            if n <= 0:
                raise RuntimeError(f"torch.{fn}(): bins must be > 0, but got {n} for dimension {k}")
        spec = counts
    lims = None
    if range is not None:
        flat = [builtins.float(v) for v in range]
        lims = [(flat[2 * k], flat[2 * k + 1]) for k in builtins.range(dims)]
        for k, (lo, hi) in enumerate(lims):
            if lo > hi:
                raise RuntimeError(f"torch.{fn}(): max must be larger than min for dimension {k}")
    elif not isinstance(spec[0], np.ndarray):
        # the data's range (NumPy, as PyTorch, widens an empty one by 0.5 on each side)
        data = a.reshape(-1, dims).astype(np.float64)
        lows = data.min(0) if data.size else np.zeros(dims)
        highs = data.max(0) if data.size else np.ones(dims)
        lims = [(builtins.float(x), builtins.float(y)) for x, y in zip(lows, highs)]
    w = None if weight is None else np.asarray(_raw(weight), np.float64).reshape(-1)
    hist, edges_out = np.histogramdd(
        a.reshape(-1, dims).astype(np.float64),
        bins=spec,
        range=lims,
        weights=w,
        density=density,
    )
    return hist.astype(a.dtype), [e.astype(a.dtype) for e in edges_out]


class PointwiseGapMethods:
    """The methods above (``Tensor`` inherits them)."""

    __slots__ = ()

    def copysign(self: Any, other: Any) -> Tensor:
        """|self| with the sign of ``other`` (a float result; -0.0 counts as negative). The
        gradient flows to self only (``other`` gets zeros), as PyTorch's."""
        a, b, dt = _both(self, other, True, "copysign")
        result = np.copysign(a._data, b._data).astype(dt, copy=False)
        # d/da = result / a, 0 where a is 0: a times a constant of +-1 or 0 (sign kept exact)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(a._data == 0, 0, np.sign(result) * np.sign(a._data)).astype(dt)
        scaled = a * _const(ratio)
        exact = np.broadcast_to(a._data == 0, result.shape) | np.isnan(result)
        out = TensorMakers.apply(ops.Where(exact), _const(result), scaled)
        if hasattr(other, "_data") and other.requires_grad:  # zeros, not None, for other
            out = TensorMakers.apply(ops.Where(np.ones(result.shape, np.bool_)), out, b)
        return out

    def copysign_(self: Any, other: Any) -> Any:
        """``copysign`` in place; returns self."""
        return _inplace(self, "copysign_", lambda t: t.copysign(other))

    def _nan_skipping(self: Any, other: Any, fn: str, larger: builtins.bool) -> Tensor:
        _need_tensor(other, fn, "other", 1)
        a, b, _ = _both(self, other, False, fn)
        x, y = a._data, b._data
        with np.errstate(invalid="ignore"):
            keep = ((x >= y) if larger else (x <= y)) | np.isnan(y)
        shape = np.broadcast_shapes(x.shape, y.shape)
        return TensorMakers.apply(ops.Where(np.broadcast_to(keep, shape)), a, b)

    def fmax(self: Any, other: Any) -> Tensor:
        """The larger of self and ``other`` elementwise, a NaN losing to a number (NaN only
        where both are); the gradient goes to self on ties, as PyTorch's."""
        return self._nan_skipping(other, "fmax", True)

    def fmin(self: Any, other: Any) -> Tensor:
        """The smaller of self and ``other`` elementwise, a NaN losing to a number."""
        return self._nan_skipping(other, "fmin", False)

    def _integer_pair(self: Any, other: Any, fn: str, compute: Any) -> Tensor:
        dt = result_np(self._data, _raw(other))
        if dt.kind not in "iu":
            raise not_implemented_for(f"{fn}_cpu", dt)
        x = np.asarray(self._data, dt)
        y = np.asarray(_raw(other), dt)
        return _const(np.asarray(compute(x, y), dt))

    def gcd(self: Any, other: Any) -> Tensor:
        """The greatest common divisor, elementwise (integers; gcd(0, 0) = 0)."""
        return self._integer_pair(other, "gcd", np.gcd)

    def lcm(self: Any, other: Any) -> Tensor:
        """The least common multiple, elementwise (integers; 0 if either is 0)."""
        return self._integer_pair(other, "lcm", np.lcm)

    def gcd_(self: Any, other: Any) -> Any:
        """``gcd`` in place; returns self."""
        return _inplace(self, "gcd_", lambda t: t.gcd(other))

    def lcm_(self: Any, other: Any) -> Any:
        """``lcm`` in place; returns self."""
        return _inplace(self, "lcm_", lambda t: t.lcm(other))

    def deg2rad(self: Any) -> Tensor:
        """Degrees to radians: self * pi / 180 (integers give the default float)."""
        return _as(self, _floating(self._data.dtype)) * (math.pi / 180)

    def rad2deg(self: Any) -> Tensor:
        """Radians to degrees: self * 180 / pi (integers give the default float)."""
        return _as(self, _floating(self._data.dtype)) * (180 / math.pi)

    def deg2rad_(self: Any) -> Any:
        """``deg2rad`` in place; returns self."""
        return _inplace(self, "deg2rad_", lambda t: t.deg2rad())

    def rad2deg_(self: Any) -> Any:
        """``rad2deg`` in place; returns self."""
        return _inplace(self, "rad2deg_", lambda t: t.rad2deg())

    def logaddexp2(self: Any, other: Any) -> Tensor:
        """log2(2**self + 2**other) without overflow: ``logaddexp`` in units of ln 2."""
        _need_tensor(other, "logaddexp2", "other", 1)
        dt = result_np(self._data, other._data)
        if dt.kind != "f":
            raise not_implemented_for("logaddexp2_cpu", dt)
        ln2 = math.log(2)
        return (_as(self, dt) * ln2).logaddexp(_as(other, dt) * ln2) / ln2

    def float_power(self: Any, exponent: Any) -> Tensor:
        """self ** exponent computed in float64 (both operands cast to it first)."""
        base = _as(self, np.dtype(np.float64))
        if hasattr(exponent, "_data"):
            return base ** _as(exponent, np.dtype(np.float64))
        return base ** builtins.float(exponent)

    def float_power_(self: Any, exponent: Any) -> Any:
        """``float_power`` in place: self must be float64; returns self."""
        if self._data.dtype != np.float64:
            raise RuntimeError(
                f"the base given to float_power_ has dtype {torch_name(self._data.dtype)} but "
                "the operation's result requires dtype Double"
            )
        return _inplace(self, "float_power_", lambda t: t.float_power(exponent))

    def ldexp(self: Any, other: Any) -> Tensor:
        """self * 2**other (a float result)."""
        _need_tensor(other, "ldexp", "other", 1)
        dt = _floating(result_np(self._data, other._data))
        return _as(self, dt) * (2.0 ** _as(other, dt))

    def ldexp_(self: Any, other: Any) -> Any:
        """``ldexp`` in place; returns self."""
        return _inplace(self, "ldexp_", lambda t: t.ldexp(other))

    def frexp(self: Any) -> Any:
        """``(mantissa, exponent)`` with self = mantissa * 2**exponent, |mantissa| in [0.5, 1)
        (int32 exponents); the mantissa's gradient is the scale 2**-exponent."""
        if self._data.dtype.kind != "f":
            raise RuntimeError("torch.frexp() only supports floating-point dtypes")
        mantissa, exponent = np.frexp(self._data)
        # 2**-exponent in two factors: one alone overflows for subnormal inputs
        half = -exponent // 2
        one = np.ones_like(self._data)
        scaled = self * _const(np.ldexp(one, half)) * _const(np.ldexp(one, -exponent - half))
        m = TensorMakers.apply(ops.Where(~np.isfinite(self._data)), _const(mantissa), scaled)
        return PointwiseGapResults.frexp(m, _const(exponent.astype(np.int32)))

    def nextafter(self: Any, other: Any) -> Tensor:
        """The next float after self towards ``other``, elementwise; recorded as PyTorch's
        ``NextafterBackward0`` (gradient 1 to self, 0 to other)."""
        _need_tensor(other, "nextafter", "other", 1)
        return _pair(NextAfter(), "nextafter", self, other)

    def nextafter_(self: Any, other: Any) -> Any:
        """``nextafter`` in place; returns self."""
        return _inplace(self, "nextafter_", lambda t: t.nextafter(other))

    def igamma(self: Any, other: Any) -> Tensor:
        """P(self, other), the regularized lower incomplete gamma function
        (``torch.special.gammainc``); differentiable in other only, as PyTorch's."""
        return _igamma(zeta_igamma.Igamma(), "igamma", self, other)

    def igammac(self: Any, other: Any) -> Tensor:
        """Q(self, other) = 1 - P(self, other), the regularized upper incomplete gamma function
        (``torch.special.gammaincc``); differentiable in other only, as PyTorch's."""
        return _igamma(zeta_igamma.Igammac(), "igammac", self, other)

    def igamma_(self: Any, other: Any) -> Any:
        """igamma(self, other), in place; returns self."""
        return _inplace(self, "igamma_", lambda t: t.igamma(other))

    def igammac_(self: Any, other: Any) -> Any:
        """igammac(self, other), in place; returns self."""
        return _inplace(self, "igammac_", lambda t: t.igammac(other))

    def histogram(
        self: Any,
        bins: Any = 100,
        *,
        range: Any = None,
        weight: Any = None,
        density: builtins.bool = False,
    ) -> Any:
        """``(hist, bin_edges)``: counts (or ``weight`` sums, or with ``density`` a density) of
        the elements in ``bins`` equal bins over ``range`` (default: the data's), or in the
        bins between the edges of a 1-D tensor ``bins``. Float tensors; no gradient."""
        if hasattr(bins, "_data") and bins._data.ndim != 1:
            raise RuntimeError("torch.histogram(): bins tensor should have one dimension")
        hist, edges = histogram_of(
            self._data.reshape(-1, 1), bins, range, weight, density, "histogram"
        )
        return PointwiseGapResults.histogram(_const(hist), _const(edges[0]))
