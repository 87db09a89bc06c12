"""The in-place forms of the elementwise methods (``exp_``, ``atan2_``, ``eq_``...) and the
in-place idioms of optimizers and attention (``addcmul_``, ``masked_fill_``, ``index_add_``...),
each its out-of-place op written into the tensor by ``inplace._inplace``, under PyTorch's rules.

``Tensor`` inherits them from ``InPlaceMethods``; like ``inplace.py``, this module knows no
Tensor class.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import more_ops, ops
from .dims import wrap_dim
from .dtypes import not_implemented_for, torch_name
from .engine import TensorMakers
from .grad_mode import _grad_enabled
from .hooks import move_retained
from .inplace import Random, _inplace, _overwrite, _put, _replacement
from .node_surface import labelled
from .validation import UNSET, _broadcast_message, _raw

__all__ = ["InPlaceMethods"]


def _values(t: Any, name: str, compute: Any) -> Any:
    """``t`` holding ``compute(t)``, a result that records nothing (a comparison), in place.

    As PyTorch's ``eq_``: cast to t's dtype; if t is in a graph its gradient from here on is 0.
    """
    return _inplace(t, name, lambda s: _replacement(s, compute(s).to(s.dtype)))


def _no_derivative(r: Any, method: str) -> Any:
    """``r`` recorded so that backward raises PyTorch's error: it has no derivative for the
    in-place form of ``method`` (``asinh_``, ``acosh_``, ``atanh_``), only for the other."""
    return TensorMakers.apply(more_ops.InPlaceNoDerivative(method), r) if r.requires_grad else r


class InPlaceMethods:
    """``exp_``, ``atan2_``, ``eq_``...: PyTorch's in-place elementwise methods. Each returns
    self, moves its version, and is recorded so that the gradient flows through the op."""

    __slots__ = ()
    grad_fn: Any  # (the slots are Tensor's)
    _requires_grad: bool
    _aliases: Any
    _base: Any

    # -- signs, powers, exponentials and logarithms --------------------------------------------

    def abs_(self: Any) -> Any:
        """|self|, in place; returns self."""
        return _inplace(self, "abs_", lambda t: t.abs())

    absolute_ = abs_

    def neg_(self: Any) -> Any:
        """-self, in place; returns self."""
        return _inplace(self, "neg_", lambda t: t.neg())

    negative_ = neg_

    def exp_(self: Any) -> Any:
        """exp(self), in place; returns self."""
        return _inplace(self, "exp_", lambda t: t.exp())

    def exp2_(self: Any) -> Any:
        """2 ** self, in place; returns self."""
        return _inplace(self, "exp2_", lambda t: t.exp2())

    def expm1_(self: Any) -> Any:
        """exp(self) - 1, in place; returns self."""
        return _inplace(self, "expm1_", lambda t: t.expm1())

    def log_(self: Any) -> Any:
        """log(self), in place; returns self."""
        return _inplace(self, "log_", lambda t: t.log())

    def log2_(self: Any) -> Any:
        """log2(self), in place; returns self."""
        return _inplace(self, "log2_", lambda t: t.log2())

    def log10_(self: Any) -> Any:
        """log10(self), in place; returns self."""
        return _inplace(self, "log10_", lambda t: t.log10())

    def log1p_(self: Any) -> Any:
        """log(1 + self), in place; returns self."""
        return _inplace(self, "log1p_", lambda t: t.log1p())

    def sqrt_(self: Any) -> Any:
        """sqrt(self), in place; returns self."""
        return _inplace(self, "sqrt_", lambda t: t.sqrt())

    def rsqrt_(self: Any) -> Any:
        """1 / sqrt(self), in place; returns self."""
        return _inplace(self, "rsqrt_", lambda t: t.rsqrt())

    def square_(self: Any) -> Any:
        """self ** 2, in place; returns self."""
        return _inplace(self, "square_", lambda t: t.square())

    def reciprocal_(self: Any) -> Any:
        """1 / self, in place; returns self."""
        return _inplace(self, "reciprocal_", lambda t: t.reciprocal())

    # -- trigonometric and hyperbolic ----------------------------------------------------------

    def sin_(self: Any) -> Any:
        """sin(self), in place; returns self."""
        return _inplace(self, "sin_", lambda t: t.sin())

    def cos_(self: Any) -> Any:
        """cos(self), in place; returns self."""
        return _inplace(self, "cos_", lambda t: t.cos())

    def tan_(self: Any) -> Any:
        """tan(self), in place; returns self."""
        return _inplace(self, "tan_", lambda t: t.tan())

    def asin_(self: Any) -> Any:
        """arcsin(self), in place; returns self."""
        return _inplace(self, "asin_", lambda t: t.asin())

    def acos_(self: Any) -> Any:
        """arccos(self), in place; returns self."""
        return _inplace(self, "acos_", lambda t: t.acos())

    def atan_(self: Any) -> Any:
        """arctan(self), in place; returns self."""
        return _inplace(self, "atan_", lambda t: t.atan())

    def atan2_(self: Any, other: Any) -> Any:
        """atan2(self, other), in place; returns self."""
        return _inplace(self, "atan2_", lambda t: t.atan2(other))

    def sinh_(self: Any) -> Any:
        """sinh(self), in place; returns self."""
        return _inplace(self, "sinh_", lambda t: t.sinh())

    def cosh_(self: Any) -> Any:
        """cosh(self), in place; returns self."""
        return _inplace(self, "cosh_", lambda t: t.cosh())

    def tanh_(self: Any) -> Any:
        """tanh(self), in place; returns self."""
        return _inplace(self, "tanh_", lambda t: t.tanh())

    def asinh_(self: Any) -> Any:
        """arsinh(self), in place (no derivative, as in PyTorch); returns self."""
        return _inplace(self, "asinh_", lambda t: _no_derivative(t.asinh(), "asinh"))

    def acosh_(self: Any) -> Any:
        """arcosh(self), in place (no derivative, as in PyTorch); returns self."""
        return _inplace(self, "acosh_", lambda t: _no_derivative(t.acosh(), "acosh"))

    def atanh_(self: Any) -> Any:
        """artanh(self), in place (no derivative, as in PyTorch); returns self."""
        return _inplace(self, "atanh_", lambda t: _no_derivative(t.atanh(), "atanh"))

    arcsin_, arccos_, arctan_, arctan2_ = asin_, acos_, atan_, atan2_
    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_

    # -- activations and special functions -----------------------------------------------------

    def sigmoid_(self: Any) -> Any:
        """1 / (1 + exp(-self)), in place; returns self."""
        return _inplace(self, "sigmoid_", lambda t: t.sigmoid())

    def relu_(self: Any) -> Any:
        """max(self, 0), in place; returns self."""
        return _inplace(self, "relu_", lambda t: t.relu())

    def erf_(self: Any) -> Any:
        """erf(self), in place; returns self."""
        return _inplace(self, "erf_", lambda t: t.erf())

    def erfinv_(self: Any) -> Any:
        """The inverse of erf, in place; returns self."""
        return _inplace(self, "erfinv_", lambda t: t.erfinv())

    def erfc_(self: Any) -> Any:
        """erfc(self), in place; returns self."""
        return _inplace(self, "erfc_", lambda t: t.erfc())

    def i0_(self: Any) -> Any:
        """i0(self), in place; returns self."""
        return _inplace(self, "i0_", lambda t: t.i0())

    def lgamma_(self: Any) -> Any:
        """log|Gamma(self)|, in place; returns self."""
        return _inplace(self, "lgamma_", lambda t: t.lgamma())

    def digamma_(self: Any) -> Any:
        """digamma(self), in place; returns self."""
        return _inplace(self, "digamma_", lambda t: t.digamma())

    def polygamma_(self: Any, n: int) -> Any:
        """polygamma(n, self), in place; returns self."""
        return _inplace(self, "polygamma_", lambda t: t.polygamma(n))

    def mvlgamma_(self: Any, p: int) -> Any:
        """mvlgamma(self, p), in place; returns self."""
        return _inplace(self, "mvlgamma_", lambda t: t.mvlgamma(p))

    def logit_(self: Any, eps: float | None = None) -> Any:
        """log(self / (1 - self)), self clamped to [eps, 1 - eps] if eps is given, in place."""
        return _inplace(self, "logit_", lambda t: t.logit(eps))

    def sinc_(self: Any) -> Any:
        """sin(pi self) / (pi self) (1 at 0), in place; returns self."""
        return _inplace(self, "sinc_", lambda t: t.sinc())

    def hypot_(self: Any, other: Any) -> Any:
        """sqrt(self ** 2 + other ** 2), in place; returns self."""
        return _inplace(self, "hypot_", lambda t: t.hypot(other))

    def xlogy_(self: Any, other: Any) -> Any:
        """self * log(other) (0 where self is 0), in place; returns self."""
        return _inplace(self, "xlogy_", lambda t: t.xlogy(other))

    def lerp_(self: Any, end: Any, weight: Any) -> Any:
        """self + weight * (end - self), in place; returns self."""
        return _inplace(self, "lerp_", lambda t: t.lerp(end, weight))

    def nan_to_num_(
        self: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> Any:
        """nan and the infinities replaced (as ``nan_to_num``), in place; returns self."""
        return _inplace(self, "nan_to_num_", lambda t: t.nan_to_num(nan, posinf, neginf))

    def cumsum_(self: Any, dim: int, *, dtype: Any = None) -> Any:
        """The cumulative sum along ``dim``, in place; returns self."""
        return _inplace(self, "cumsum_", lambda t: t.cumsum(dim, dtype=dtype))

    # -- rounding, signs and limits ------------------------------------------------------------

    def round_(self: Any, *, decimals: int = 0) -> Any:
        """self rounded half to even (to ``decimals`` places), in place; returns self."""
        return _inplace(self, "round_", lambda t: t.round(decimals=decimals))

    def floor_(self: Any) -> Any:
        """floor(self), in place; returns self."""
        return _inplace(self, "floor_", lambda t: t.floor())

    def ceil_(self: Any) -> Any:
        """ceil(self), in place; returns self."""
        return _inplace(self, "ceil_", lambda t: t.ceil())

    def trunc_(self: Any) -> Any:
        """self rounded toward 0, in place; returns self."""
        return _inplace(self, "trunc_", lambda t: t.trunc())

    fix_ = trunc_

    def frac_(self: Any) -> Any:
        """self - trunc(self), in place; returns self."""
        return _inplace(self, "frac_", lambda t: t.frac())

    def sign_(self: Any) -> Any:
        """The sign of self (-1, 0, 1), in place; returns self."""
        return _inplace(self, "sign_", lambda t: t.sign())

    def sgn_(self: Any) -> Any:
        """The sign of self (``sign`` for real tensors), in place; returns self."""
        return _inplace(self, "sgn_", lambda t: t.sgn())

    def clamp_min_(self: Any, min: Any) -> Any:
        """max(self, min), in place; returns self."""
        return _inplace(self, "clamp_min_", lambda t: t.clamp_min(min))

    def clamp_max_(self: Any, max: Any) -> Any:
        """min(self, max), in place; returns self."""
        return _inplace(self, "clamp_max_", lambda t: t.clamp_max(max))

    # -- arithmetic under PyTorch's other names ------------------------------------------------

    def multiply_(self: Any, other: Any) -> Any:
        """self *= other, in place (``mul_``); returns self."""
        return _inplace(self, "multiply_", lambda t: t * other)

    def divide_(self: Any, other: Any, *, rounding_mode: str | None = None) -> Any:
        """self /= other (``rounding_mode`` as ``div``), in place; returns self."""
        return _inplace(self, "divide_", lambda t: t.div(other, rounding_mode=rounding_mode))

    def true_divide_(self: Any, other: Any) -> Any:
        """self /= other, in place (``div_``); returns self."""
        return _inplace(self, "true_divide_", lambda t: t / other)

    def subtract_(self: Any, other: Any, *, alpha: Any = 1) -> Any:
        """self -= alpha * other, in place (``sub_``); returns self."""
        return _inplace(self, "subtract_", lambda t: t.sub(other, alpha=alpha))

    # -- logic and comparisons: results cast to self's dtype -----------------------------------
    # PyTorch's logical_*_ leave a tensor in a graph its node (they have no derivative, so
    # the gradient passes as before); its comparisons give it one whose gradient is 0.

    def logical_and_(self: Any, other: Any) -> Any:
        """self and other (1 or 0 in self's dtype), in place; returns self."""
        return _inplace(self, "logical_and_", lambda t: t.logical_and(other), cast="unsafe")

    def logical_or_(self: Any, other: Any) -> Any:
        """self or other (1 or 0 in self's dtype), in place; returns self."""
        return _inplace(self, "logical_or_", lambda t: t.logical_or(other), cast="unsafe")

    def logical_xor_(self: Any, other: Any) -> Any:
        """self xor other (1 or 0 in self's dtype), in place; returns self."""
        return _inplace(self, "logical_xor_", lambda t: t.logical_xor(other), cast="unsafe")

    def logical_not_(self: Any) -> Any:
        """not self (1 or 0 in self's dtype), in place; returns self."""
        return _inplace(self, "logical_not_", lambda t: t.logical_not(), cast="unsafe")

    def bitwise_not_(self: Any) -> Any:
        """~self (bool and integer tensors), in place; returns self."""
        return _inplace(self, "bitwise_not_", lambda t: t.bitwise_not())

    def eq_(self: Any, other: Any) -> Any:
        """self == other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "eq_", lambda t: t.eq(other))

    def ne_(self: Any, other: Any) -> Any:
        """self != other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "ne_", lambda t: t.ne(other))

    def lt_(self: Any, other: Any) -> Any:
        """self < other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "lt_", lambda t: t.lt(other))

    def le_(self: Any, other: Any) -> Any:
        """self <= other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "le_", lambda t: t.le(other))

    def gt_(self: Any, other: Any) -> Any:
        """self > other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "gt_", lambda t: t.gt(other))

    def ge_(self: Any, other: Any) -> Any:
        """self >= other (1 or 0 in self's dtype), in place; returns self."""
        return _values(self, "ge_", lambda t: t.ge(other))

    # -- the idioms of optimizers and attention ------------------------------------------------

    def addcmul_(self: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Any:
        """self += value * tensor1 * tensor2, in place; returns self."""
        return _inplace(self, "addcmul_", lambda t: t.addcmul(tensor1, tensor2, value=value))

    def addcdiv_(self: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Any:
        """self += value * tensor1 / tensor2, in place; returns self."""
        return _inplace(self, "addcdiv_", lambda t: t.addcdiv(tensor1, tensor2, value=value))

    def masked_scatter(self: Any, mask: Any, source: Any) -> Any:
        """The elements of ``source``, in order, where the bool ``mask`` is True, else self
        (self and mask broadcast against each other, as PyTorch's). Gradients: self's where the
        mask is False; the first ``mask.sum()`` elements of source's where it is True."""
        m = np.asarray(_raw(mask))
        if m.dtype != np.bool_:
            raise RuntimeError(
                "masked_scatter_ only supports boolean masks, but got mask with dtype "
                f"{torch_name(m.dtype)}"
            )
        if not hasattr(source, "_data"):
            raise TypeError(
                "masked_scatter(): argument 'source' (position 2) must be Tensor, not "
                f"{type(source).__name__}"
            )
        if source._data.dtype != self._data.dtype:
            raise RuntimeError(
                "masked_scatter: expected self and source to have same dtypes but got "
                f"{torch_name(self._data.dtype)} and {torch_name(source._data.dtype)}"
            )
        why = _broadcast_message(m.shape, self._data.shape)
        if why:
            raise RuntimeError(why)
        shape = np.broadcast_shapes(m.shape, self._data.shape)
        where = np.broadcast_to(m, shape)
        count = int(where.sum())
        if source._data.size < count:
            raise RuntimeError(
                "Number of elements of source < number of ones in mask (masked_scatter(): "
                f"{source._data.size} elements for {count} True entries of the mask)"
            )
        if not shape:  # (one element: as a 1-element 1-D tensor)
            one = self.reshape(1).masked_scatter(m.reshape(1), source)
            return labelled(one.reshape(()), "MaskedScatterBackward0", self, source)
        x = self if shape == self._data.shape else self.broadcast_to(shape)
        picked = source.reshape(-1)[:count]
        placed = TensorMakers.apply(ops.ScatterAdd(np.nonzero(where), shape), picked)
        out = TensorMakers.apply(ops.Where(where), placed, x)
        return labelled(out, "MaskedScatterBackward0", self, source)

    def masked_scatter_(self: Any, mask: Any, source: Any) -> Any:
        """``masked_scatter`` in place (the mask broadcast to self's shape); returns self."""
        _mask_fits(self, mask)
        return _inplace(self, "masked_scatter_", lambda t: t.masked_scatter(mask, source))

    def masked_fill_(self: Any, mask: Any, value: Any) -> Any:
        """``value`` where ``mask`` (bool, broadcast to self) is True, in place; returns self."""
        _mask_fits(self, mask)
        return _inplace(self, "masked_fill_", lambda t: t.masked_fill(mask, value), cast="unsafe")

    def tril_(self: Any, diagonal: int = 0) -> Any:
        """Zeros above ``diagonal`` of the last two dims, in place; returns self."""
        return _inplace(self, "tril_", lambda t: t.tril(diagonal))

    def triu_(self: Any, diagonal: int = 0) -> Any:
        """Zeros below ``diagonal`` of the last two dims, in place; returns self."""
        return _inplace(self, "triu_", lambda t: t.triu(diagonal))

    def fill_diagonal_(self: Any, fill_value: Any, wrap: bool = False) -> Any:
        """``fill_value`` on the main diagonal (all dims equal, or a matrix, repeating every
        columns + 1 rows of a tall one if ``wrap``), in place; returns self. ``fill_value`` is
        a number (or a one-element tensor), as PyTorch's."""
        if not isinstance(fill_value, int | float | np.number) and not hasattr(fill_value, "_data"):
            raise TypeError(
                "fill_diagonal_(): argument 'fill_value' (position 1) must be Number, not "
                f"{type(fill_value).__name__}"
            )
        shape = self._data.shape
        if len(shape) < 2:
            raise RuntimeError("dimensions must larger than 1")
        if len(shape) > 2 and len(set(shape)) > 1:
            raise RuntimeError("all dimensions of input must be of equal length")
        mask = np.zeros(shape, dtype=np.bool_)
        np.fill_diagonal(mask, True, wrap=wrap)
        return _inplace(
            self, "fill_diagonal_", lambda t: t.masked_fill(mask, fill_value), cast="unsafe"
        )

    def scatter_add_(self: Any, dim: int, index: Any, src: Any) -> Any:
        """``src`` added at ``index`` along ``dim`` (repeats add up), in place; returns self."""
        return _inplace(self, "scatter_add_", lambda t: t.scatter_add(dim, index, src))

    def index_fill_(self: Any, dim: int, index: Any, value: Any) -> Any:
        """``value`` in the slices ``index`` (int64) along ``dim``, in place; returns self."""
        d, idx = _along(self, dim, index, "index_fill_")
        if idx.dtype != np.int64:
            raise IndexError("index_fill_(): Expected dtype int64 for index.")
        if idx.ndim > 1:
            raise RuntimeError("Index has to be a vector/scalar")
        if hasattr(value, "_data") and value.ndim != 0:
            raise RuntimeError(
                "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s)."
            )
        _in_bounds(self, d, idx, IndexError, "", negative=True)
        mask = np.zeros(self._data.shape, dtype=np.bool_)
        mask[_slices(d, idx) if self._data.ndim else ()] = idx.size > 0
        return _inplace(self, "index_fill_", lambda t: t.masked_fill(mask, value), cast="unsafe")

    def index_put_(self: Any, indices: Any, values: Any, accumulate: bool = False) -> Any:
        """``index_put`` in place (``self[indices] = values``, or ``+=`` with ``accumulate``,
        repeats adding up); returns self."""
        return _inplace(self, "index_put_", lambda t: t.index_put(indices, values, accumulate))

    def index_add_(self: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Any:
        """``alpha * source`` added into the slices ``index`` along ``dim`` (repeats add up),
        in place; returns self."""
        d, idx = _along(self, dim, index, "index_add_")
        _source_is_a_tensor(source, "index_add_")
        if idx.dtype not in (np.int32, np.int64):
            raise RuntimeError(
                "index_add_(): Expected dtype int32/int64 for index but got: "
                f"{torch_name(idx.dtype)}"
            )
        if idx.ndim > 1:
            raise IndexError(
                f"index_add_(): Index is supposed to be a vector, but got dim: {idx.ndim} with "
                f"type: {torch_name(idx.dtype)} and size: {list(idx.shape)}"
            )
        shape, src = self._data.shape, source._data
        if src.dtype != self._data.dtype:
            raise RuntimeError(
                f"index_add_(): self ({torch_name(self._data.dtype)}) and source "
                f"({torch_name(src.dtype)}) must have the same scalar type"
            )
        if (src.ndim == len(shape) or not shape) and src.ndim and src.shape[d] != idx.size:
            raise RuntimeError(
                f"index_add_(): Number of indices ({idx.size}) should be equal to "
                f"source.size(dim): ({src.shape[d]}), for dim: {d}"
            )
        if _without(src.shape, d) != _without(shape, d) or (src.ndim and not shape):
            raise RuntimeError(
                "source tensor shape must match self tensor shape, excluding the specified "
                f"dimension. Got self.shape = {list(shape)} source.shape = {list(src.shape)}"
            )
        added = source if alpha == 1 else source * alpha
        if not shape:  # a 0-d self: one index and a 0-d source, as PyTorch takes them
            if idx.size != 1:
                raise IndexError("Dimension specified as 0 but tensor has no dimensions")
            if idx.reshape(-1)[0] != 0:
                raise IndexError(
                    f"index out of range in self (index_add_(): index {idx.reshape(-1)[0]} of a "
                    "0-d tensor, which has the one element at index 0)"
                )
            return _inplace(self, "index_add_", lambda t: t + added)
        _in_bounds(self, d, idx, RuntimeError, "")
        scatter = ops.ScatterAdd(_slices(d, idx), shape)
        return _inplace(self, "index_add_", lambda t: t + TensorMakers.apply(scatter, added))

    def index_copy_(self: Any, dim: int, index: Any, source: Any) -> Any:
        """``source`` copied into the slices ``index`` (int64, no repeats) along ``dim``, in
        place; returns self."""
        d, idx = _along(self, dim, index, "index_copy_")
        _source_is_a_tensor(source, "index_copy_")
        shape, src = self._data.shape, source._data
        if idx.dtype != np.int64:
            raise RuntimeError(
                f"index_copy_(): Expected a long tensor for index, but got {torch_name(idx.dtype)}"
            )
        if src.dtype != self._data.dtype:
            raise RuntimeError(
                "index_copy_(): self and source expected to have the same dtype, but got "
                f"(self) {torch_name(self._data.dtype)} and (source) {torch_name(src.dtype)}"
            )
        if idx.ndim > 1:
            raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {idx.ndim})")
        if not shape and not src.ndim and idx.size != 1:
            raise IndexError(
                "index_copy_(): When source is scalar, index should have one element (got "
                f"{idx.size})"
            )
        if shape and src.ndim and src.ndim != len(shape):  # (before the slice shapes, as PyTorch)
            raise IndexError(
                "index_copy_(): When source and destination are not scalars, their "
                f"dimensionality must match. Source dimensionality ({src.ndim}), destination "
                f"dimensionality ({len(shape)}) (give source self's shape with dim {d} the "
                "index's length)"
            )
        one_src = (src.ndim == len(shape) and src.ndim) or (not shape and src.ndim == 1)
        if one_src and src.shape[d] != idx.size:
            raise IndexError(
                f"index_copy_(): Number of indices ({idx.size}) should be equal to "
                f"source.size(dim) ({src.shape[d]})"
            )
        if _without(src.shape, d) != _without(shape, d):
            mine, theirs = (" ".join(map(str, _without(s, d))) for s in (shape, src.shape))
            raise RuntimeError(
                "index_copy_(): Source/destination tensor must have same slice shapes. "
                f"Destination slice shape: {mine} at dimension {d} and source slice shape: "
                f"{theirs} at dimension 0."
            )
        _in_bounds(self, d, idx, IndexError, "index_copy_(): ")
        if not self._data.ndim and idx.size == 1 and src.size == 1:  # (the one element)
            return _inplace(self, "index_copy_", lambda t: _put(t, (), source.reshape(())))
        if not self._data.ndim:  # an index that repeats the one element: as a 1-D tensor's
            flat = idx.reshape(-1)
            return _inplace(
                self, "index_copy_", lambda t: t.reshape(1).index_copy(0, flat, source).reshape(())
            )
        return _inplace(self, "index_copy_", lambda t: _put(t, _slices(d, idx), source))

    def index_fill(self: Any, dim: int, index: Any, value: Any) -> Any:
        """A copy of self with ``value`` in the slices ``index`` along ``dim``."""
        return self.clone().index_fill_(dim, index, value)

    def index_add(self: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Any:
        """A copy of self with ``alpha * source`` added into the slices ``index``."""
        return self.clone().index_add_(dim, index, source, alpha=alpha)

    def index_copy(self: Any, dim: int, index: Any, source: Any) -> Any:
        """A copy of self with ``source`` copied into the slices ``index`` along ``dim``."""
        return self.clone().index_copy_(dim, index, source)

    def detach_(self: Any) -> Any:
        """Cut self from the graph: no ``grad_fn``, ``requires_grad`` False; returns self.

        As PyTorch, refused for a view (``detach()`` gives a detached copy of the view).
        """
        if self._base is not None:
            raise RuntimeError(_DETACH_A_VIEW)
        self.grad_fn, self._requires_grad = None, False
        return self

    # -- random fills (``generator=`` as ``normal_``: a Generator, a NumPy one, a seed, None) --

    def exponential_(self: Any, lambd: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with samples of the exponential distribution of rate ``lambd``; returns self."""
        _continuous(self, "Exponential", cpp=False)
        if not lambd > 0:
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
        rng = Random.generator(generator)
        return _overwrite(self, "exponential_", rng.exponential(1 / lambd, self.shape))

    def bernoulli_(self: Any, p: Any = 0.5, *, generator: Any = None) -> Any:
        """Fill with 1 (probability ``p``, a number or a tensor) or 0; returns self."""
        if hasattr(p, "_data"):
            p = p._data
            if not ((p >= 0) & (p <= 1)).all():
                raise RuntimeError(_BERNOULLI_P)
        elif not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
        rng = Random.generator(generator)
        return _overwrite(self, "bernoulli_", rng.uniform(size=self.shape) < p)

    def random_(
        self: Any, from_: int | None = None, to: int | None = None, *, generator: Any = None
    ) -> Any:
        """Fill with integers drawn uniformly from [from_, to), from [0, from_) if one bound is
        given, or from every integer the dtype holds exactly (floats: [0, 2**mantissa]);
        returns self."""
        low, high = (0, from_) if to is None else (from_ or 0, to)
        if high is None:
            high = _largest_integer(self._data.dtype) + 1
        if low >= high:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )
        rng = Random.generator(generator)
        values = rng.integers(low, high, self.shape, dtype=np.int64, endpoint=False)
        return _overwrite(self, "random_", values)

    def log_normal_(
        self: Any, mean: float = 1.0, std: float = 2.0, *, generator: Any = None
    ) -> Any:
        """Fill with exp of samples of N(mean, std^2); returns self."""
        if self._data.dtype.kind not in "fc":
            raise not_implemented_for("log_normal_cpu", self._data.dtype)
        if not std > 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
        rng = Random.generator(generator)
        return _overwrite(self, "log_normal_", rng.lognormal(mean, std, self.shape))

    def cauchy_(
        self: Any, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None
    ) -> Any:
        """Fill with samples of the Cauchy distribution at ``median``, scale ``sigma``;
        returns self."""
        _continuous(self, "Cauchy", cpp=True)
        if not sigma > 0:
            raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
        rng = Random.generator(generator)
        values = median + sigma * rng.standard_cauchy(self.shape)
        return _overwrite(self, "cauchy_", values)

    def geometric_(self: Any, p: float, *, generator: Any = None) -> Any:
        """Fill with the number of Bernoulli(p) trials up to the first success (1, 2...);
        returns self."""
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
        rng = Random.generator(generator)
        return _overwrite(self, "geometric_", rng.geometric(p, self.shape))

    # -- shape changes in place ---------------------------------------------------------------

    def t_(self: Any) -> Any:
        """Transpose a matrix (at most 2 dims) in place; returns self."""
        if self._data.ndim > 2:
            raise RuntimeError(
                f"t_() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D"
            )
        return _reshape(self, "t_", lambda t: t.t())

    def transpose_(self: Any, dim0: int, dim1: int) -> Any:
        """Swap dims ``dim0`` and ``dim1`` in place; returns self."""
        return _reshape(self, "transpose_", lambda t: t.transpose(dim0, dim1))

    def squeeze_(self: Any, dim: Any = UNSET) -> Any:
        """Remove dims of size 1 (all, or those of ``dim``) in place; returns self."""
        return _reshape(self, "squeeze_", lambda t: t.squeeze(dim=dim))

    def unsqueeze_(self: Any, dim: int) -> Any:
        """Insert a dim of size 1 at ``dim`` in place; returns self."""
        return _reshape(self, "unsqueeze_", lambda t: t.unsqueeze(dim))


def _reshape(t: Any, name: str, view: Any) -> Any:
    """``t`` made ``view(t)``, a view of its own memory in another shape (PyTorch's ``t_``).

    A tensor in a graph takes the view's node, so the gradient is reshaped back. The values do
    not change, so the version does not move (PyTorch's does), and what earlier ops saved stays
    valid. Refused for a view, and while views or aliases of t live: they know t by its old
    shape (PyTorch changes only t's metadata; minigrad would have to re-point them).
    """
    if _grad_enabled.get() and t.requires_grad and t.grad_fn is None:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    out_of_place = name[:-1]
    if t._base is not None:
        raise RuntimeError(
            f"{name}(): this tensor is a view, and minigrad cannot change a view's shape in "
            f"place; use y = y.{out_of_place}(...), or clone() first"
        )
    if any(ref() is not None for ref in t._aliases or ()):
        raise RuntimeError(
            f"{name}(): this tensor has live views or aliases (x[0], x.t(), detach(), .data) "
            f"that know it by its shape; minigrad cannot change the shape under them. Use "
            f"y = y.{out_of_place}(...), or drop the views first"
        )
    r = view(t)
    if r.grad_fn is not None and t.grad_fn is not None:
        move_retained(t.grad_fn, r.grad_fn)
    t._data, t.grad_fn, t._aliases = r._data, r.grad_fn, None
    return t


_BERNOULLI_P = (
    "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
    "improved?  If so, please report an enhancement request to PyTorch.)"
)


def _continuous(t: Any, distribution: str, cpp: bool) -> None:
    """PyTorch's refusal of a continuous distribution in a tensor that is not floating (its
    messages name the dtype as ``Long`` or, ``cpp``, as ``long int``)."""
    if t._data.dtype.kind not in "fc":
        name = torch_name(t._data.dtype, cpp)
        raise RuntimeError(
            f"{distribution} distribution is a continuous probability distribution. dtype "
            f"must be a floating point but you specified {name}"
        )


def _largest_integer(dtype: np.dtype) -> int:
    """The largest integer ``random_()`` draws into ``dtype``: 2**mantissa for floats (every
    integer up to it is exact), the largest value for integers, 1 for bool."""
    if dtype.kind == "f":
        return 2 ** (np.finfo(dtype).nmant + 1)
    if dtype.kind == "b":
        return 1
    return int(np.iinfo(dtype).max)


_DETACH_A_VIEW = (
    "Can't detach views in-place. Use detach() instead. If you are using "
    "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, "
    "gradients are views of DDP buckets, and hence detach_() cannot be called on these "
    "gradients. To fix this error, please refer to the Optimizer.zero_grad() function in "
    "torch/optim/optimizer.py as the solution."
)


def _along(t: Any, dim: int, index: Any, name: str) -> tuple[int, np.ndarray]:
    """``dim`` checked and made non-negative, and ``index`` as an array."""
    return wrap_dim(dim, t._data.ndim, name, t.shape), np.asarray(_raw(index))


def _without(shape: tuple[int, ...], d: int) -> tuple[int, ...]:
    """``shape`` without dimension ``d`` (a 0-d shape stays empty)."""
    return shape[:d] + shape[d + 1 :]


def _slices(d: int, idx: np.ndarray) -> tuple[Any, ...]:
    """The NumPy index of the slices ``idx`` along dimension ``d``."""
    return (slice(None),) * d + (idx.reshape(-1),)


def _in_bounds(
    t: Any, d: int, idx: np.ndarray, error: type, prefix: str, negative: bool = False
) -> None:
    """PyTorch's refusal of an index outside dimension ``d`` (negative ones count from the end
    where ``negative``)."""
    size = t._data.shape[d] if t._data.ndim else 1
    low = -size if negative else 0
    bad = idx[(idx < low) | (idx >= size)]
    if bad.size:
        raise error(
            f"{prefix}index {bad.flat[0]} is out of bounds for dimension {d} with size {size}"
        )


def _source_is_a_tensor(source: Any, name: str) -> None:
    """PyTorch's refusal of a ``source`` that is not a tensor."""
    if not hasattr(source, "_data"):
        raise TypeError(
            f"{name}(): argument 'source' (position 3) must be Tensor, not {type(source).__name__}"
        )


def _mask_fits(self: Any, mask: Any) -> None:
    """Refuse, in PyTorch's words, a mask that would broadcast self to another shape: an
    in-place masked write keeps self's shape (a mask that cannot broadcast at all is left to
    the out-of-place op, which says so)."""
    shape, mask_shape = self._data.shape, np.shape(_raw(mask))
    try:
        broadcast = np.broadcast_shapes(shape, mask_shape)
    except ValueError:
        return
    if broadcast != shape:
        raise RuntimeError(
            f"output with shape {list(shape)} doesn't match the broadcast shape {list(broadcast)}"
        )
