"""PyTorch's Tensor methods of comparison aliases, splitting, sizes and products with a scaled
sum: ``greater``..., ``ravel``, ``tensor_split``, ``hsplit``/``vsplit``/``dsplit``,
``split_with_sizes``, ``unique_consecutive``, ``diagflat``, ``itemsize``, ``nbytes``,
``sum_to_size``, ``is_set_to``, ``mv``, ``inner``, ``vdot``, ``addmv``, ``addr``, ``baddbmm``,
``addbmm`` (and the in-place ``_`` forms PyTorch has).

``Tensor`` inherits these (through ``TensorSurface``). Each is composed of other Tensor methods
and existing ops (slicing, matmul, ``Where``), so none has a backward rule of its own;
``unique_consecutive`` computes in NumPy and records nothing.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

import numpy as np

from . import ops
from .dims import wrap_dim
from .dtypes import torch_name
from .engine import TensorMakers
from .inplace import _inplace, sibling_views
from .validation import looked_up_size

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["GapMethods", "scaled_sum", "tensor_argument"]


def tensor_argument(v: Any, fn: str, name: str, position: builtins.int) -> Any:
    """``v``, which must be a Tensor: else PyTorch's TypeError naming the argument."""
    if not hasattr(v, "_data"):
        raise TypeError(
            f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
            f"{type(v).__name__}"
        )
    return v


def _same_dtype(fn: str, pairs: tuple[tuple[str, Any], ...]) -> None:
    """PyTorch's refusal of products of tensors of different dtypes (no promotion there)."""
    (first, a), *rest = pairs
    for name, t in rest:
        if t._data.dtype != a._data.dtype:
            raise RuntimeError(
                f"{fn}: expected {first} and {name} to have the same dtype, but got: "
                f"{torch_name(a._data.dtype)} != {torch_name(t._data.dtype)}"
            )


def scaled_sum(self: Any, product: Any, beta: Any, alpha: Any) -> Any:
    """``beta * self + alpha * product`` (``self`` broadcast to the product's shape), as
    PyTorch's ``addmm`` family: with ``beta=0`` self is not read (a nan or inf in it stays out)
    but still gets a zero gradient."""
    if tuple(np.broadcast_shapes(self._data.shape, product._data.shape)) != product.shape:
        raise RuntimeError(
            f"The size of tensor a ({list(self.shape)}) must match the size of tensor b "
            f"({list(product.shape)}): self must broadcast to the product's shape"
        )
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        ignored = np.zeros(product._data.shape, dtype=np.bool_)
        return TensorMakers.apply(ops.Where(ignored), self, product)
    return (self if beta == 1 else self * beta) + product


def _vector(t: Any, fn: str, name: str) -> None:
    if t._data.ndim != 1:
        raise RuntimeError(f"{fn}: Expected 1-D argument {name}, but got {t._data.ndim}-D")


class GapMethods:
    """The methods above (``Tensor`` inherits them)."""

    __slots__ = ()

    # -- comparison aliases: PyTorch's long names of gt, ge, lt, le, ne ------------------------

    def greater(self: Any, other: Any) -> Tensor:
        """``gt``: self > other elementwise (bool)."""
        return self.gt(other)

    def greater_equal(self: Any, other: Any) -> Tensor:
        """``ge``: self >= other elementwise (bool)."""
        return self.ge(other)

    def less(self: Any, other: Any) -> Tensor:
        """``lt``: self < other elementwise (bool)."""
        return self.lt(other)

    def less_equal(self: Any, other: Any) -> Tensor:
        """``le``: self <= other elementwise (bool)."""
        return self.le(other)

    def not_equal(self: Any, other: Any) -> Tensor:
        """``ne``: self != other elementwise (bool)."""
        return self.ne(other)

    def greater_(self: Any, other: Any) -> Any:
        """``gt_``: self > other (1 or 0 in self's dtype), in place; returns self."""
        return self.gt_(other)

    def greater_equal_(self: Any, other: Any) -> Any:
        """``ge_``: self >= other (1 or 0 in self's dtype), in place; returns self."""
        return self.ge_(other)

    def less_(self: Any, other: Any) -> Any:
        """``lt_``: self < other (1 or 0 in self's dtype), in place; returns self."""
        return self.lt_(other)

    def less_equal_(self: Any, other: Any) -> Any:
        """``le_``: self <= other (1 or 0 in self's dtype), in place; returns self."""
        return self.le_(other)

    def not_equal_(self: Any, other: Any) -> Any:
        """``ne_``: self != other (1 or 0 in self's dtype), in place; returns self."""
        return self.ne_(other)

    # -- shapes and splitting ------------------------------------------------------------------

    def ravel(self: Any) -> Tensor:
        """The elements as a 1-D tensor (a 0-d tensor gives one element)."""
        return self.reshape(-1)

    def split_with_sizes(self: Any, split_sizes: Any, dim: builtins.int = 0) -> tuple[Any, ...]:
        """``split`` into pieces of the listed sizes, which must add up to the dimension."""
        if not isinstance(split_sizes, list | tuple):
            raise TypeError(
                "split_with_sizes(): argument 'split_sizes' (position 1) must be tuple of ints, "
                f"not {type(split_sizes).__name__}"
            )
        return self.split(list(split_sizes), dim)

    def tensor_split(self: Any, indices_or_sections: Any, dim: builtins.int = 0) -> tuple[Any, ...]:
        """Views along ``dim``: ``n`` sections of sizes as equal as can be (the first
        ``size % n`` one longer), or cut before each listed index (a list, or an int64 tensor:
        0-d for sections, 1-D for indices). Indices past the end give empty pieces."""
        how = indices_or_sections
        if hasattr(how, "_data"):
            a = how._data
            if a.dtype != np.int64:
                raise RuntimeError(
                    "tensor_split expected tensor_indices_or_sections to have dtype of long, "
                    f"but got {torch_name(a.dtype)}"
                )
            if a.ndim > 1:
                raise RuntimeError(
                    "tensor_split expected tensor_indices_or_sections to be a zero-dimensional "
                    f"or one-dimensional tensor, but got a tensor with {a.ndim} dims"
                )
            how = builtins.int(a) if a.ndim == 0 else [builtins.int(i) for i in a]
        if isinstance(how, builtins.bool) or not isinstance(how, builtins.int | list | tuple):
            raise TypeError(
                f"tensor_split() received an invalid combination of arguments - got (Tensor, "
                f"{type(how).__name__}), but expected one of: (Tensor input, tuple of ints "
                "indices, int dim = 0), (Tensor input, Tensor tensor_indices_or_sections, int "
                "dim = 0), (Tensor input, int sections, int dim = 0)"
            )
        if self._data.ndim == 0:
            raise RuntimeError(
                "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 "
                "dims"
            )
        d = wrap_dim(dim, self._data.ndim, "tensor_split", self._data.shape)
        n = self._data.shape[d]
        if isinstance(how, builtins.int):
            if how <= 0:
                raise RuntimeError(f"number of sections must be larger than 0, got {how}")
            size, extra = divmod(n, how)
            sizes = [size + 1] * extra + [size] * (how - extra)
            cuts = list(np.cumsum([0, *sizes]))
        else:
            # an index is clamped to [0, n] after wrapping, a decreasing one gives an empty piece
            bounds = [builtins.min(builtins.max(i + n if i < 0 else i, 0), n) for i in how]
            cuts = [0, *bounds, n]
        pieces = [
            self[(slice(None),) * d + (slice(lo, builtins.max(lo, hi)),)]
            for lo, hi in zip(map(builtins.int, cuts[:-1]), map(builtins.int, cuts[1:]))
        ]
        return sibling_views(pieces, "TensorSplit")

    def _split_along(self: Any, how: Any, d: builtins.int, fn: str, need: builtins.int) -> Any:
        if self._data.ndim < need:
            raise RuntimeError(
                f"torch.{fn} requires a tensor with at least {need} dimension, but got a tensor "
                f"with {self._data.ndim} dimensions!"
            )
        if isinstance(how, builtins.int) and not isinstance(how, builtins.bool):
            n = self._data.shape[d]
            if how == 0 or n % how:
                raise RuntimeError(
                    f"torch.{fn} attempted to split along dimension {d}, but the size of the "
                    f"dimension {n} is not divisible by the split_size {how}!"
                )
        return self.tensor_split(how, d)

    def hsplit(self: Any, indices_or_sections: Any) -> tuple[Any, ...]:
        """``tensor_split`` along dim 1 (dim 0 of a 1-D tensor); ``n`` sections must divide
        the size exactly."""
        d = 1 if self._data.ndim > 1 else 0
        return self._split_along(indices_or_sections, d, "hsplit", 1)

    def vsplit(self: Any, indices_or_sections: Any) -> tuple[Any, ...]:
        """``tensor_split`` along dim 0 of a tensor of at least 2 dims (sections exact)."""
        return self._split_along(indices_or_sections, 0, "vsplit", 2)

    def dsplit(self: Any, indices_or_sections: Any) -> tuple[Any, ...]:
        """``tensor_split`` along dim 2 of a tensor of at least 3 dims (sections exact)."""
        return self._split_along(indices_or_sections, 2, "dsplit", 3)

    def unique_consecutive(
        self: Any,
        return_inverse: builtins.bool = False,
        return_counts: builtins.bool = False,
        dim: builtins.int | None = None,
    ) -> Any:
        """Each run of equal consecutive elements (or, with ``dim``, slices along it) kept
        once; with ``return_inverse`` the run each element went to, with ``return_counts``
        each run's length (int64; no gradient)."""
        a = self._data
        if dim is None:
            flat = a.reshape(-1)
            starts = np.ones(flat.shape, dtype=np.bool_)
            starts[1:] = flat[1:] != flat[:-1]
            values, shape = flat[starts], a.shape
        else:
            d = wrap_dim(dim, a.ndim, "unique_consecutive", a.shape)
            moved = np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
            starts = np.ones(a.shape[d], dtype=np.bool_)
            starts[1:] = (moved[1:] != moved[:-1]).any(axis=1)
            values, shape = np.compress(starts, a, axis=d), (a.shape[d],)
        out = [TensorMakers.wrap(np.ascontiguousarray(values), None)]
        if return_inverse:
            inverse = (np.cumsum(starts) - 1).astype(np.int64).reshape(shape)
            out.append(TensorMakers.wrap(inverse, None))
        if return_counts:
            at = np.append(np.flatnonzero(starts), starts.size)
            out.append(TensorMakers.wrap(np.diff(at).astype(np.int64), None))
        return out[0] if len(out) == 1 else tuple(out)

    def diagflat(self: Any, offset: builtins.int = 0) -> Tensor:
        """A square matrix with the flattened elements on diagonal ``offset``, zeros elsewhere."""
        return self.reshape(-1).diag(offset)

    # -- sizes -----------------------------------------------------------------------------------

    @property
    def itemsize(self: Any) -> builtins.int:
        """The bytes of one element (4 for float32)."""
        return builtins.int(self._data.dtype.itemsize)

    @property
    def nbytes(self: Any) -> builtins.int:
        """The bytes of the elements (``numel() * itemsize``)."""
        return builtins.int(self._data.size * self._data.dtype.itemsize)

    def sum_to_size(self: Any, *size: Any) -> Tensor:
        """Summed down to ``size``, which this tensor must broadcast from (the reverse of
        ``expand``): a dim of size 1 in ``size`` is summed with keepdim, leading dims away."""
        if len(size) == 1 and isinstance(size[0], list | tuple):
            size = tuple(size[0])
        shape = self._data.shape
        lead = len(shape) - len(size)
        fits = lead >= 0 and builtins.all(
            s in (n, 1) for s, n in zip(size, shape[lead:], strict=True)
        )
        if not fits:
            raise RuntimeError(
                f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}."
            )
        out = self.sum(tuple(range(lead))) if lead else self
        ones = tuple(i for i, (s, n) in enumerate(zip(size, shape[lead:])) if s == 1 and n != 1)
        return out.sum(ones, keepdim=True) if ones else out

    def is_set_to(self: Any, tensor: Any) -> builtins.bool:
        """True when ``tensor`` is this memory seen the same way: the same first element,
        dtype, shape and strides (a view of another shape is not)."""
        tensor_argument(tensor, "is_set_to", "tensor", 1)
        a, b = self._data, tensor._data
        return builtins.bool(
            a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
            and a.dtype == b.dtype
            and a.shape == b.shape
            and a.strides == b.strides
        )

    # -- products ------------------------------------------------------------------------------

    def mv(self: Any, vec: Any) -> Tensor:
        """The product of this matrix and the 1-D ``vec``."""
        tensor_argument(vec, "mv", "vec", 1)
        looked_up_size(self, 0, "mv", "self", "self must be a matrix and vec a vector")
        if self._data.ndim != 2 or vec._data.ndim != 1:
            raise RuntimeError(
                f"vector + matrix @ vector expected, got 1, {self._data.ndim}, {vec._data.ndim}"
            )
        if self._data.shape[1] != vec._data.shape[0]:
            raise RuntimeError(
                f"size mismatch, got input ({self._data.shape[0]}), mat ({self._data.shape[0]}x"
                f"{self._data.shape[1]}), vec ({vec._data.shape[0]})"
            )
        _same_dtype("mv", (("self", self), ("vec", vec)))
        return self @ vec

    def inner(self: Any, other: Any) -> Tensor:
        """The sums of products over the last dim of both: shape ``self.shape[:-1] +
        other.shape[:-1]`` (a 0-d operand multiplies)."""
        o = other if hasattr(other, "_data") else type(self)(other)
        if self._data.ndim == 0 or o._data.ndim == 0:
            return self * o
        k, k2 = self._data.shape[-1], o._data.shape[-1]
        if k != k2:
            raise RuntimeError(
                f"inner() the last dimension must match on both input tensors but got shapes "
                f"{list(self.shape)} and {list(o.shape)}"
            )
        out = self.reshape(-1, k) @ o.reshape(-1, k).transpose(0, 1)
        return out.reshape((*self._data.shape[:-1], *o._data.shape[:-1]))

    def vdot(self: Any, other: Any) -> Tensor:
        """The dot product of two 1-D tensors of one dtype (real: as ``dot``)."""
        tensor_argument(other, "vdot", "other", 1)
        if self._data.ndim != 1 or other._data.ndim != 1:
            raise RuntimeError(
                f"1D tensors expected, but got {self._data.ndim}D and {other._data.ndim}D tensors"
            )
        if self._data.dtype != other._data.dtype:
            raise RuntimeError(
                "dot : expected both vectors to have same dtype, but found "
                f"{torch_name(self._data.dtype)} and {torch_name(other._data.dtype)}"
            )
        if self._data.shape[0] != other._data.shape[0]:
            raise RuntimeError(
                "inconsistent tensor size, expected tensor [" + str(self._data.shape[0]) + "] and "
                f"src [{other._data.shape[0]}] to have the same number of elements, but got "
                f"{self._data.shape[0]} and {other._data.shape[0]} elements respectively"
            )
        return (self * other).sum()

    def addmv(self: Any, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """``beta * self + alpha * (mat @ vec)``; ``beta=0`` ignores self (nan included)."""
        tensor_argument(mat, "addmv", "mat", 1)
        tensor_argument(vec, "addmv", "vec", 2)
        if mat._data.ndim != 2 or vec._data.ndim != 1:
            raise RuntimeError(
                f"vector + matrix @ vector expected, got {self._data.ndim}, {mat._data.ndim}, "
                f"{vec._data.ndim}"
            )
        if mat._data.shape[1] != vec._data.shape[0]:
            raise RuntimeError(
                f"size mismatch, got input ({mat._data.shape[0]}), mat ({mat._data.shape[0]}x"
                f"{mat._data.shape[1]}), vec ({vec._data.shape[0]})"
            )
        _same_dtype("addmv", (("self", self), ("mat", mat), ("vec", vec)))
        return scaled_sum(self, mat @ vec, beta, alpha)

    def addr(self: Any, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """``beta * self + alpha * outer(vec1, vec2)``; ``beta=0`` ignores self."""
        tensor_argument(vec1, "addr", "vec1", 1)
        tensor_argument(vec2, "addr", "vec2", 2)
        for name, v in (("vec1", vec1), ("vec2", vec2)):
            if v._data.ndim != 1:
                raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v._data.ndim}-D")
        return scaled_sum(self, vec1.reshape(-1, 1) * vec2, beta, alpha)

    def _batches(self: Any, b1: Any, b2: Any, fn: str) -> Any:
        tensor_argument(b1, fn, "batch1", 1)
        tensor_argument(b2, fn, "batch2", 2)
        # PyTorch reads the result's sizes (baddbmm: batch1's dims 0 and 1, batch2's dim 2)
        # before it checks the ranks: a dim missing there is its IndexError
        fix = "batch1 and batch2 must be 3-D, (b, n, m) and (b, m, p)"
        lookups = [(b1, "batch1", 1), (b2, "batch2", 2)]
        if fn == "baddbmm":
            lookups.insert(0, (b1, "batch1", 0))
        for t, name, d in lookups:
            looked_up_size(t, d, fn, name, fix)
        for name, t in (("batch1", b1), ("batch2", b2)):
            if t._data.ndim != 3:
                raise RuntimeError(f"{name} must be a 3D tensor")
        (b, _, k), (bb, k2, _) = b1._data.shape, b2._data.shape
        if b != bb or k != k2:
            raise RuntimeError(
                f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {k}] but "
                f"got: [{bb}, {k2}]."
            )
        _same_dtype(fn, (("self", self), ("batch1", b1), ("batch2", b2)))
        return b1 @ b2

    def baddbmm(self: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """``beta * self + alpha * bmm(batch1, batch2)``; ``beta=0`` ignores self."""
        return scaled_sum(self, self._batches(batch1, batch2, "baddbmm"), beta, alpha)

    def addbmm(self: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
        """``beta * self + alpha * sum_b batch1[b] @ batch2[b]``; ``beta=0`` ignores self."""
        return scaled_sum(self, self._batches(batch1, batch2, "addbmm").sum(0), beta, alpha)

    def addmm_(self: Any, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        """``addmm`` in place; returns self."""
        return _inplace(self, "addmm_", lambda t: t.addmm(mat1, mat2, beta=beta, alpha=alpha))

    def addmv_(self: Any, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        """``addmv`` in place; returns self."""
        return _inplace(self, "addmv_", lambda t: t.addmv(mat, vec, beta=beta, alpha=alpha))

    def addr_(self: Any, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        """``addr`` in place; returns self."""
        return _inplace(self, "addr_", lambda t: t.addr(vec1, vec2, beta=beta, alpha=alpha))

    def baddbmm_(self: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        """``baddbmm`` in place; returns self."""
        return _inplace(
            self, "baddbmm_", lambda t: t.baddbmm(batch1, batch2, beta=beta, alpha=alpha)
        )

    def addbmm_(self: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
        """``addbmm`` in place; returns self."""
        return _inplace(self, "addbmm_", lambda t: t.addbmm(batch1, batch2, beta=beta, alpha=alpha))
