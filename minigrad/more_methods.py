"""PyTorch's Tensor methods of products, differences, running extremes, quantiles, histograms and
covariance: ``kron``, ``cross``, ``diff``, ``cummax``, ``cummin``, ``logcumsumexp``, ``rot90``,
``renorm``, ``dist``, ``quantile``, ``nanquantile``, ``cov``, ``corrcoef``, ``histc``,
``heaviside``, ``signbit``.

``Tensor`` inherits these (through ``TensorSurface``). Each is composed of other Tensor methods
and existing ops (indexing, ``gather``, ``logaddexp``, the norms), so none has a backward rule of
its own; ``histc``, ``heaviside``, ``signbit`` and the indices of ``cummax``/``cummin`` are
computed in NumPy and record nothing.
"""

from __future__ import annotations

import builtins
import math
import numbers
import os
import sys
import warnings
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import ops
from .dims import int_dim, wrap_dim
from .dtypes import not_implemented_for, result_np, torch_name
from .engine import TensorMakers
from .inplace import _inplace
from .linalg_methods import _where, vector_norm_of
from .node_surface import labelled
from .printing import return_type
from .validation import _broadcast_message, int_argument

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["MoreMethods", "MoreResults", "cross_of", "quantile_of"]

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


class MoreResults:
    """The named tuples of these methods (as ``torch.return_types``)."""

    @return_type()
    class cummax(NamedTuple):
        values: Any
        indices: Any

    @return_type()
    class cummin(NamedTuple):
        values: Any
        indices: Any


def _const(a: Any) -> Any:
    """An array as a tensor that records nothing (indices, counts, masks)."""
    return TensorMakers.wrap(np.asarray(a), None)


def _along(d: builtins.int, index: Any) -> tuple[Any, ...]:
    return (slice(None),) * d + (index,)


def _need_tensor(v: Any, fn: str, name: str, position: builtins.int | None = None) -> None:
    """PyTorch's TypeError for an argument that must be a Tensor."""
    if not hasattr(v, "_data"):
        where = "" if position is None else f" (position {position})"
        raise TypeError(f"{fn}(): argument '{name}'{where} must be Tensor, not {type(v).__name__}")


def _warn(message: str) -> None:
    """A UserWarning pointing at the first line outside minigrad (the user's call), however
    many of minigrad's functions lie between."""
    package = os.path.dirname(__file__)
    frame: Any = sys._getframe(1)  # the caller: stacklevel 2
    level = 2
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, UserWarning, stacklevel=level)


def _cpp(v: builtins.float, nan: str = "nan") -> str:
    """A number as PyTorch's C++ messages print it (``1``, ``-1.5``, ``inf``, ``1e-07``; a NaN
    as ``nan``, or ``-nan`` where PyTorch's reduction leaves its sign bit set)."""
    return nan if math.isnan(v) else f"{v:g}"


def _check_broadcast(fn: str, a: Any, b: Any) -> tuple[builtins.int, ...]:
    """The broadcast shape of two tensors, or PyTorch's RuntimeError naming ``fn``."""
    try:
        return tuple(np.broadcast_shapes(a.shape, b.shape))
    except ValueError:
        raise RuntimeError(
            f"{_broadcast_message(tuple(a.shape), tuple(b.shape))} (in {fn})"
        ) from None


def cross_of(a: Any, b: Any, dim: Any, fn: str) -> Any:
    """The cross product of 3-vectors along ``dim`` (None: PyTorch's deprecated default, the
    first dim of size 3) with ``torch.linalg.cross``'s checks; a composition of indexing.
    ``fn`` names the function in a TypeError (``cross`` or ``linalg_cross``)."""
    _need_tensor(b, fn, "other", 2)
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if dim is None:
        sizes = list(a.shape)
        if 3 not in sizes:
            raise RuntimeError("no dimension of size 3 in input")
        _warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either "
            "pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of "
            "dim will change to agree with that of linalg.cross in a future release."
        )
        dim = sizes.index(3)
    if a.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = wrap_dim(dim, a.ndim, "linalg.cross", tuple(a.shape))
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {a.shape[d]} and "
            f"{b.shape[d]}"
        )
    _check_broadcast("linalg.cross", a, b)
    da, db = a._data.dtype, b._data.dtype
    if da.kind == "b":
        raise not_implemented_for("cross", da)
    if da != db:
        raise RuntimeError(f"expected scalar type {torch_name(da)} but found {torch_name(db)}")
    x = [a[_along(d, slice(k, k + 1))] for k in range(3)]
    y = [b[_along(d, slice(k, k + 1))] for k in range(3)]
    parts = [x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]]
    return _cat(parts, d)


def _cat(parts: list[Any], d: builtins.int) -> Any:
    """Tensors of one dtype joined along ``d``, recorded."""
    return TensorMakers.apply(ops.Concat(d), *parts)


def _running_index(a: np.ndarray, d: builtins.int, largest: builtins.bool) -> np.ndarray:
    """The index of the running maximum (or minimum) along ``d``, as PyTorch's kernel keeps
    it: a later equal value takes over, a NaN takes over and then holds until the next NaN.

    The running extreme changes only where an element equals it (a new extreme or a tie; after
    a NaN, only at NaNs), so its index is the last such position so far.
    """
    running = (np.maximum if largest else np.minimum).accumulate(a, axis=d)
    hit = a == running
    if a.dtype.kind in "fc":
        hit |= np.isnan(a) & np.isnan(running)
    shape = [1] * a.ndim
    shape[d] = a.shape[d]
    positions = np.where(hit, np.arange(a.shape[d]).reshape(shape), 0)
    return np.maximum.accumulate(positions, axis=d).astype(np.int64)


def quantile_of(
    self: Any,
    q: Any,
    dim: Any,
    keepdim: builtins.bool,
    interpolation: str,
    fn: str,
    ignore_nan: builtins.bool,
) -> Any:
    """PyTorch's ``quantile``/``nanquantile``: sort (differentiable, through ``gather``), then
    take or interpolate the values at rank ``q * (n - 1)`` (n counting the non-NaN elements for
    ``nanquantile``; a NaN makes ``quantile`` NaN). ``fn`` names both in messages, as PyTorch's
    ``quantile()``."""
    a = self._data
    if hasattr(q, "_data"):
        qa = q._data
        scalar_q = qa.ndim == 0
    elif isinstance(q, numbers.Real) and not isinstance(q, builtins.bool):
        qa, scalar_q = None, True
        if not 0 <= float(q) <= 1:
            raise RuntimeError(f"{fn}() q must be in the range [0, 1] but got {q}")
    else:
        raise TypeError(
            f"{fn}(): argument 'q' (position 2) must be float or Tensor, not {type(q).__name__}"
        )
    if a.size == 0:
        raise RuntimeError(f"{fn}() input tensor must be non-empty")
    if qa is not None and qa.ndim > 1:
        raise RuntimeError(f"{fn}() q must be a scalar or 1D tensor")
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{fn}() input tensor must be either float or double dtype")
    if qa is not None and qa.dtype != a.dtype:
        raise RuntimeError(f"{fn}() q tensor must be same dtype as the input tensor")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            f"{fn}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
            f"but got {interpolation}"
        )
    if qa is not None and not np.all((qa >= 0) & (qa <= 1)):
        raise RuntimeError(f"{fn}() q values must be in the range [0, 1]")
    qs = np.asarray(q if qa is None else qa, dtype=a.dtype).reshape(-1)  # (Q,)

    if dim is None:
        x = self.reshape(-1)
        out_shape: tuple[builtins.int, ...] = (1,) * a.ndim if keepdim else ()
    else:
        d = wrap_dim(dim, a.ndim, fn, a.shape)
        x = self.reshape(1) if a.ndim == 0 else self.movedim(d, -1)
        if a.ndim == 0:
            out_shape = ()
        else:
            kept = list(a.shape)
            if keepdim:
                kept[d] = 1
            else:
                del kept[d]
            out_shape = tuple(kept)
    # sort with NaN last (NumPy's order, as PyTorch's), stably so ties get PyTorch's gradient
    order = np.argsort(x._data, axis=-1, kind="stable")
    ordered = x.gather(-1, _const(order))  # (..., n)
    s = ordered._data
    n = s.shape[-1]
    nans = np.isnan(s)
    if ignore_nan:
        count = (~nans).sum(-1, keepdims=True)
        ranks = qs * (count - 1).astype(a.dtype)  # (..., Q)
        ranks = np.where(ranks < 0, 0, ranks)
    else:
        ranks = np.broadcast_to(qs * (n - 1), (*s.shape[:-1], len(qs))).astype(a.dtype)
        ranks = np.where(nans.any(-1, keepdims=True), n - 1, ranks)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)  # half to even, as PyTorch's round
    below = ranks.astype(np.int64)
    values = ordered.gather(-1, _const(below))
    if interpolation in ("linear", "midpoint"):
        above = np.ceil(ranks).astype(np.int64)
        weights = np.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
        w = _const(weights.astype(a.dtype))
        upper = ordered.gather(-1, _const(above))
        values = values + w * (upper - values)
    # (..., Q) -> (Q, ...out_shape) or out_shape for a scalar q
    values = values.movedim(-1, 0).reshape((len(qs), *out_shape))
    return values.reshape(out_shape) if scalar_q else values


class MoreMethods:
    """Products, differences, running extremes, quantiles and histograms as Tensor methods."""

    __slots__ = ()

    def kron(self: Any, other: Any) -> Tensor:
        """The Kronecker product (``torch.kron``): block ``(i, j, ...)`` is ``self[i, j, ...] *
        other``; shapes are aligned from the right, the result's is their product. Types
        promote as ``*``; differentiable (a broadcast product, reshaped)."""
        _need_tensor(other, "kron", "other", 2)
        n = builtins.max(self.ndim, other.ndim)
        a = self.reshape((1,) * (n - self.ndim) + tuple(self.shape))
        b = other.reshape((1,) * (n - other.ndim) + tuple(other.shape))
        sa = tuple(s for m in a.shape for s in (m, 1))
        sb = tuple(s for m in b.shape for s in (1, m))
        return (a.reshape(sa) * b.reshape(sb)).reshape(
            tuple(p * q for p, q in zip(a.shape, b.shape, strict=True))
        )

    def cross(self: Any, other: Any, dim: builtins.int | None = None) -> Tensor:
        """The cross product of 3-vectors along ``dim`` (``torch.cross``); without ``dim``,
        PyTorch's deprecated default: the first dim of size 3, with its warning (use
        ``linalg.cross``, whose default is -1). Broadcasts; both of one dtype."""
        return cross_of(self, other, dim, "cross")

    def diff(
        self: Any,
        n: builtins.int = 1,
        dim: builtins.int = -1,
        prepend: Any = None,
        append: Any = None,
    ) -> Tensor:
        """The ``n``-th forward difference along ``dim`` (``torch.diff``): ``x[1:] - x[:-1]``,
        ``n`` times, after joining ``prepend`` and ``append`` (tensors) to ``self`` along
        ``dim``. Bool tensors give ``x[1:] != x[:-1]``; differentiable."""
        int_dim(dim, "diff", 3)
        if self.ndim == 0:
            raise RuntimeError("diff expects input to be at least one-dimensional")
        n = int_argument(n, "diff", "n", None)
        if n < 0:
            raise RuntimeError(f"order must be non-negative but got {n}")
        d = wrap_dim(dim, self.ndim, "diff", tuple(self.shape))
        parts = [self]
        for name, extra in (("prepend", prepend), ("append", append)):
            if extra is None:
                continue
            _need_tensor(extra, "diff", name)
            if extra.ndim != self.ndim:
                raise RuntimeError(
                    "diff expects prepend or append to be the same dimension as input"
                )
            for i, (s, e) in enumerate(zip(self.shape, extra.shape, strict=True)):
                if i != d and s != e:
                    raise RuntimeError(
                        "diff expects the shape of tensor to prepend or append to match that "
                        f"of input except along the differencing dimension; input.size({i}) = "
                        f"{s}, but got tensor.size({i}) = {e}"
                    )
            parts.insert(0 if name == "prepend" else len(parts), extra)
        x = self if len(parts) == 1 else _joined(parts, d)
        for _ in range(n):
            length = x.shape[d]
            if length == 0:
                break
            hi, lo = x[_along(d, slice(1, None))], x[_along(d, slice(0, length - 1))]
            x = hi != lo if x._data.dtype == np.bool_ else hi - lo
        return x

    def cummax(self: Any, dim: builtins.int) -> Any:
        """The named tuple ``(values, indices)`` of the running maximum along ``dim``
        (``torch.cummax``): a later equal value takes the index, as PyTorch's; a NaN holds
        until the next NaN. The gradient of ``values`` goes to the input at ``indices``."""
        return self._running(dim, True, MoreResults.cummax)

    def cummin(self: Any, dim: builtins.int) -> Any:
        """The named tuple ``(values, indices)`` of the running minimum along ``dim``
        (``torch.cummin``), with ``cummax``'s rules for ties, NaN and the gradient."""
        return self._running(dim, False, MoreResults.cummin)

    def _running(self: Any, dim: Any, largest: builtins.bool, result: Any) -> Any:
        name = result.__name__
        if self.ndim == 0 and isinstance(dim, builtins.int) and dim not in (0, -1):
            raise IndexError(f"{name}(): Expected reduction dim -1 or 0 for scalar but got {dim}")
        int_argument(dim, name, "dim", 1)  # (a float or a bool is refused even when empty)
        if self.ndim and not self._data.size:  # (PyTorch returns before it checks the dim)
            return result(self.clone(), _const(np.zeros(self._data.shape, dtype=np.int64)))
        d = wrap_dim(dim, self.ndim, name, tuple(self.shape))
        if self.ndim == 0:
            return result(self.clone(), _const(np.asarray(0, dtype=np.int64)))
        idx = _running_index(self._data, d, largest)
        return result(self.gather(d, _const(idx)), _const(idx))

    def logcumsumexp(self: Any, dim: builtins.int) -> Tensor:
        """log(cumsum(exp(x))) along ``dim`` (``torch.logcumsumexp``), computed without
        overflow or underflow: a scan of pairwise ``logaddexp`` (log2(n) steps), so every
        prefix keeps its own scale. Float tensors only, as PyTorch."""
        d = wrap_dim(dim, self.ndim, "logcumsumexp", tuple(self.shape))
        if self._data.dtype.kind not in "fc":
            raise not_implemented_for("logcumsumexp_out_cpu", self._data.dtype)
        if self.ndim == 0:
            return self.clone()
        y, n, k = self, self.shape[d], 1
        while k < n:
            head = y[_along(d, slice(0, k))]
            tail = y[_along(d, slice(k, n))].logaddexp(y[_along(d, slice(0, n - k))])
            y = _cat([head, tail], d)
            k *= 2
        return y

    def rot90(self: Any, k: builtins.int = 1, dims: Any = (0, 1)) -> Tensor:
        """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first towards
        the second (``torch.rot90``); a flip and a transpose, differentiable."""
        k = int_argument(k, "rot90", "k", 2)
        dims = list(dims)
        if len(dims) != 2:
            raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
        if self.ndim < 2:
            raise RuntimeError(f"expected total dims >= 2, but got total dims = {self.ndim}")
        d0 = wrap_dim(dims[0], self.ndim, "rot90", tuple(self.shape))
        d1 = wrap_dim(dims[1], self.ndim, "rot90", tuple(self.shape))
        if d0 == d1:
            raise RuntimeError(
                f"expected rotation dims to be different, but got dim0 = {dims[0]} and "
                f"dim1 = {dims[1]}"
            )
        k %= 4
        if k == 1:
            return self.flip([d1]).transpose(d0, d1)
        if k == 2:
            return self.flip([d0, d1])
        if k == 3:
            return self.flip([d0]).transpose(d0, d1)
        return self.clone()

    def renorm(self: Any, p: builtins.float, dim: builtins.int, maxnorm: builtins.float) -> Tensor:
        """Each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled down to norm
        ``maxnorm`` (``torch.renorm``: by ``maxnorm / (norm + 1e-7)``); the others unchanged.
        Differentiable through the norm, as PyTorch's."""
        if float(p) <= 0:
            raise RuntimeError("renorm: non-positive-norm not supported")
        if float(maxnorm) < 0:
            raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {_cpp(maxnorm)}")
        if self.ndim <= 1:
            raise RuntimeError(
                f"renorm: input needs at least 2 dimensions, got {self.ndim} dimensions"
            )
        d = wrap_dim(dim, self.ndim, "renorm", tuple(self.shape))
        if self._data.dtype.kind not in "fc":
            raise RuntimeError(
                "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                f"{torch_name(self._data.dtype)}"
            )
        others = tuple(i for i in range(self.ndim) if i != d)
        norm = vector_norm_of(self, float(p), others, True)
        over = norm._data > maxnorm
        return self * _where(over, maxnorm / (norm + 1e-7), 1.0)

    def renorm_(self: Any, p: builtins.float, dim: builtins.int, maxnorm: builtins.float) -> Any:
        """``renorm``, in place; returns self."""
        return _inplace(self, "renorm_", lambda t: t.renorm(p, dim, maxnorm))

    def dist(self: Any, other: Any, p: builtins.float = 2) -> Tensor:
        """The ``p``-norm of ``self - other`` (``torch.dist``; broadcasts), a 0-d tensor whose
        node is PyTorch's ``DistBackward0``; gradient 0 where the distance is 0, as PyTorch's."""
        _need_tensor(other, "dist", "other", 2)
        if isinstance(p, builtins.bool) or not isinstance(p, numbers.Real):
            raise TypeError(
                f"dist(): argument 'p' (position 3) must be Number, not {type(p).__name__}"
            )
        _check_broadcast("dist", self, other)
        diff = self - other
        if diff._data.dtype.kind not in "fc":
            raise RuntimeError(
                "norm(): input dtype should be either floating point or complex. Got "
                f"{torch_name(diff._data.dtype)} instead."
            )
        # one node named as PyTorch's (the norm of the difference inside it)
        return labelled(vector_norm_of(diff, float(p), None, False), "DistBackward0", self, other)

    def heaviside(self: Any, values: Any) -> Tensor:
        """The step function (``torch.heaviside``): 0 where ``self < 0``, 1 where
        ``self > 0``, ``values`` where it is 0 (broadcast; a tensor of ``self``'s dtype). Its
        derivative is 0 wherever it exists, so the result records nothing."""
        _need_tensor(values, "heaviside", "values", 2)
        _check_broadcast("heaviside", self, values)
        a, v = self._data, values._data
        if a.dtype != v.dtype:
            raise RuntimeError(
                "heaviside is not yet implemented for tensors with different dtypes."
            )
        out = np.where(a == 0, v, (a > 0).astype(a.dtype))
        return _const(np.asarray(out, dtype=a.dtype))

    def heaviside_(self: Any, values: Any) -> Any:
        """``heaviside``, in place; returns self."""
        return _inplace(self, "heaviside_", lambda t: t.heaviside(values))

    def signbit(self: Any) -> Tensor:
        """Whether the sign bit is set (``torch.signbit``, bool): True for negative numbers and
        -0.0, False for +0.0 and unsigned or bool tensors; records nothing."""
        a = self._data
        if a.dtype.kind in "bu":
            return _const(np.zeros(a.shape, dtype=np.bool_))
        return _const(np.signbit(a))

    def histc(
        self: Any, bins: builtins.int = 100, min: builtins.float = 0, max: builtins.float = 0
    ) -> Tensor:
        """Counts of the elements in ``bins`` equal bins over ``[min, max]`` (``torch.histc``;
        both 0: the data's range), in ``self``'s float dtype; elements outside and NaNs are
        not counted. Not differentiable (PyTorch's has no derivative), so it records nothing."""
        bins = int_argument(bins, "histc", "bins", 2)
        a = self._data
        if a.dtype.kind not in "f":
            raise not_implemented_for("histogram_cpu", a.dtype)
        if bins <= 0:
            raise RuntimeError(
                f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0"
            )
        lo, hi = float(min), float(max)
        if lo > hi:
            raise RuntimeError("torch.histc: max must be larger than min")
        nan = "nan"
        if lo == hi and a.size:
            lo, hi, nan = float(a.min()), float(a.max()), "-nan"
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(
                f"torch.histc: range of [{_cpp(lo, nan)}, {_cpp(hi, nan)}] is not finite"
            )
        flat = a.reshape(-1)
        inside = flat[(flat >= lo) & (flat <= hi)]
        lo_, hi_ = a.dtype.type(lo), a.dtype.type(hi)
        pos = ((inside - lo_) * a.dtype.type(bins) / (hi_ - lo_)).astype(np.int64)
        pos = np.minimum(pos, bins - 1)
        return _const(np.bincount(pos, minlength=bins).astype(a.dtype))

    def quantile(
        self: Any,
        q: Any,
        dim: builtins.int | None = None,
        keepdim: builtins.bool = False,
        *,
        interpolation: str = "linear",
    ) -> Tensor:
        """The ``q``-quantiles over ``dim`` (all elements when None; ``torch.quantile``):
        ``q`` a float or a 0-d or 1-D tensor in [0, 1] (then a first dim of its length);
        ``interpolation`` between the two nearest sorted values: linear, lower, higher,
        midpoint or nearest. A NaN makes its slice's quantile NaN. Differentiable: the
        gradient goes to the one or two elements used, as PyTorch's."""
        return quantile_of(self, q, dim, keepdim, interpolation, "quantile", False)

    def nanquantile(
        self: Any,
        q: Any,
        dim: builtins.int | None = None,
        keepdim: builtins.bool = False,
        *,
        interpolation: str = "linear",
    ) -> Tensor:
        """``quantile`` ignoring NaNs (``torch.nanquantile``): NaN only where a slice is all
        NaN."""
        return quantile_of(self, q, dim, keepdim, interpolation, "quantile", True)

    def cov(
        self: Any,
        *,
        correction: builtins.int = 1,
        fweights: Any = None,
        aweights: Any = None,
    ) -> Tensor:
        """The covariance matrix of the rows (variables) over the columns (observations)
        (``torch.cov``): ``fweights`` integer counts and ``aweights`` float weights per
        observation, dividing by ``sum(w) - correction`` (with aweights, PyTorch's
        ``sum(w) - correction * sum(w * aweights) / sum(w)``). Integer input gives the default
        float dtype; a 1-D input gives a 0-d variance. Differentiable."""
        if self.ndim > 2:
            raise RuntimeError(
                "cov(): expected input to have two or fewer dimensions but got an input with "
                f"{self.ndim} dimensions"
            )
        if self._data.dtype == np.bool_:
            raise RuntimeError("cov(): bool dtype is not supported for input")
        if isinstance(correction, builtins.bool) or not isinstance(
            correction, builtins.int | np.integer
        ):
            raise TypeError(
                f"cov(): argument 'correction' must be int, not {type(correction).__name__}"
            )
        x = self.reshape(1, -1) if self.ndim < 2 else self
        m = x.shape[1]
        w = None
        for name, weights, integral in (
            ("fweights", fweights, True),
            ("aweights", aweights, False),
        ):
            if weights is None:
                continue
            _need_tensor(weights, "cov", name)
            if weights.ndim > 1:
                raise RuntimeError(
                    f"cov(): expected {name} to have one or fewer dimensions but got {name} "
                    f"with {weights.ndim} dimensions"
                )
            kind = weights._data.dtype.kind
            if integral and kind not in "iu":
                raise RuntimeError(
                    "cov(): expected fweights to have integral dtype but got fweights with "
                    f"{torch_name(weights._data.dtype)} dtype"
                )
            if not integral and kind != "f":
                raise RuntimeError(
                    "cov(): expected aweights to have floating point dtype but got aweights "
                    f"with {torch_name(weights._data.dtype)} dtype"
                )
            if weights.numel() != m:
                raise RuntimeError(
                    f"cov(): expected {name} to have the same numel as there are observations "
                    f"in the input but got {weights.numel()} != {m}"
                )
            if m and weights._data.min() < 0:
                raise RuntimeError(f"cov(): {name} cannot be negative")
            w = weights if w is None else w * weights
        if w is not None:
            w_sum = w.sum()
            if w_sum._data == 0:
                raise RuntimeError("cov(): weights sum to zero, can't be normalized")
            avg = (x * w).sum(1) / w_sum
            if aweights is not None and correction != 0:
                norm = w_sum - correction * (w * aweights).sum() / w_sum
            else:
                norm = w_sum - correction
            dof = float(norm._data)
        else:
            avg = x.sum(1) / m
            norm, dof = m - correction, float(m - correction)
        if dof <= 0:
            _warn(
                "cov(): degrees of freedom is <= 0. Correction should be strictly less than "
                "the number of observations."
            )
            norm = norm * 0 if hasattr(norm, "_data") else 0
        centred = x - avg.unsqueeze(1)
        c = centred @ (centred if w is None else centred * w).t()
        return (c / norm).squeeze()

    def corrcoef(self: Any) -> Tensor:
        """Pearson's correlation coefficients of the rows (``torch.corrcoef``): ``cov``
        divided by the outer product of the standard deviations, clipped to [-1, 1];
        differentiable. A constant row gives NaN, as PyTorch's."""
        if self.ndim > 2:
            raise RuntimeError(
                "corrcoef(): expected input to have two or fewer dimensions but got an input "
                f"with {self.ndim} dimensions"
            )
        c = self.cov()
        if c.ndim == 0:
            return c / c
        std = c.diagonal().sqrt()
        c = c / std.reshape(-1, 1)
        c = c / std.reshape(1, -1)
        return c.clamp(-1, 1)


def _joined(parts: list[Any], d: builtins.int) -> Any:
    """Tensors joined along ``d`` in their promoted dtype (``cat``'s rule)."""
    dt = result_np(*[p._data for p in parts])
    return _cat([p if p._data.dtype == dt else p.to(dt) for p in parts], d)
