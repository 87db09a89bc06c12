"""PyTorch's Tensor methods that reduce or write into positions: ``scatter_reduce``,
``index_reduce`` (and their ``_`` forms), ``diagonal_scatter``, ``select_scatter``,
``slice_scatter``, ``put``, ``put_``.

``Tensor`` inherits these (through ``TensorSurface``). Each is composed of indexing, ``Concat``
and the reductions (``sum``, ``prod``, ``amax``, ``amin``), so the gradients are theirs: for
``amax``/``amin`` split evenly among equal values, as PyTorch's. The positions are computed in
NumPy from the indices, which are constants.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

import numpy as np

from . import ops
from .dims import wrap_dim
from .dtypes import torch_name
from .engine import TensorMakers
from .inplace import _inplace

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["ScatterMethods"]

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _const(a: np.ndarray) -> Any:
    return TensorMakers.wrap(np.asarray(a), None)


def _pad(kind: str, dt: np.dtype) -> Any:
    """The value that leaves ``kind``'s reduction unchanged, in dtype ``dt``."""
    if kind in ("sum", "mean"):
        return np.zeros(1, dt)
    if kind == "prod":
        return np.ones(1, dt)
    if dt.kind == "f":
        return np.array([-np.inf if kind == "amax" else np.inf], dt)
    if dt.kind == "b":
        return np.array([kind == "amin"], dt)
    info = np.iinfo(dt)
    return np.array([info.min if kind == "amax" else info.max], dt)


def _index_array(index: Any, fn: str) -> np.ndarray:
    if not hasattr(index, "_data"):
        raise TypeError(
            f"{fn}(): argument 'index' (position 2) must be Tensor, not {type(index).__name__}"
        )
    return index._data


def reduce_into(
    self: Any,
    d: builtins.int,
    out_pos: np.ndarray,
    src: Any,
    src_pos: np.ndarray,
    reduce: str,
    include_self: builtins.bool,
) -> Any:
    """Self with ``src``'s elements at flat ``src_pos`` reduced into self's flat ``out_pos``.

    Every output element gathers its group into one row of a padded matrix (self's value
    first, if included or if nothing lands there; then the elements that land there; then
    the reduction's neutral value), and the row is reduced: so the gradient is the
    reduction's own."""
    n_self, n_src = self._data.size, src._data.size
    order = np.argsort(out_pos, kind="stable")
    landing, sources = out_pos[order], src_pos[order]
    counts = np.bincount(landing, minlength=n_self)
    width = 1 + (builtins.int(counts.max()) if counts.size else 0)
    pad = n_self + n_src
    rows = np.full((n_self, width), pad, dtype=np.int64)
    keep_self = np.asarray(include_self) | (counts == 0)
    rows[:, 0] = np.where(keep_self, np.arange(n_self), pad)
    start = np.cumsum(counts) - counts
    slot = np.arange(landing.size) - start[landing]
    rows[landing, 1 + slot] = n_self + sources
    flat = TensorMakers.apply(
        ops.Concat(0),
        self.reshape(-1),
        src.reshape(-1),
        _const(_pad(reduce, self._data.dtype)),
    )
    grouped = flat[rows]
    if reduce == "sum":
        out = grouped.sum(1)
    elif reduce == "prod":
        out = grouped.prod(1)
    elif reduce == "amax":
        out = grouped.amax(1)
    elif reduce == "amin":
        out = grouped.amin(1)
    else:
        n = np.where(counts == 0, 1, counts + builtins.int(include_self))
        total = grouped.sum(1)
        if self._data.dtype.kind in "iub":
            out = total.floor_divide(_const(n.astype(self._data.dtype)))
        else:
            out = total / _const(n.astype(self._data.dtype))
    return out.reshape(self._data.shape)


def _scatter_positions(
    self: Any, d: builtins.int, idx: np.ndarray, src_shape: tuple, fn: str
) -> tuple[np.ndarray, np.ndarray]:
    """The flat positions in self and in src of each element of ``idx`` (PyTorch's checks)."""
    shape = self._data.shape
    if idx.ndim != len(shape) or len(src_shape) != idx.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    for k in range(idx.ndim):
        if idx.shape[k] > src_shape[k] or (k != d and idx.shape[k] > shape[k]):
            raise RuntimeError(
                f"Expected index {list(idx.shape)} to be no larger than self {list(shape)} "
                f"apart from dimension {d} and to be no larger size than src {list(src_shape)}"
            )
    if idx.size and (idx.min() < 0 or idx.max() >= shape[d]):
        bad = idx[(idx < 0) | (idx >= shape[d])].reshape(-1)[0]
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {shape[d]}")
    grid: list[Any] = list(np.indices(idx.shape, sparse=True)) if idx.ndim else []
    src_pos = np.ravel_multi_index(grid, src_shape) if idx.ndim else np.zeros((), np.int64)
    grid[d] = idx
    out_pos = np.ravel_multi_index(grid, shape) if idx.ndim else np.zeros((), np.int64)
    return np.asarray(out_pos).reshape(-1), np.broadcast_to(src_pos, idx.shape).reshape(-1)


class ScatterMethods:
    """The methods above (``Tensor`` inherits them)."""

    __slots__ = ()

    def scatter_reduce(
        self: Any,
        dim: builtins.int,
        index: Any,
        src: Any,
        reduce: str,
        *,
        include_self: builtins.bool = True,
    ) -> Tensor:
        """Self with each ``src[i][j]...`` reduced into the position whose ``dim`` coordinate is
        ``index[i][j]...`` (``reduce``: sum, prod, mean, amax or amin; with ``include_self``
        False self's value takes no part where something lands). An integer mean rounds down."""
        idx = _index_array(index, "scatter_reduce")
        if not hasattr(src, "_data"):
            raise TypeError(
                f"scatter_reduce(): argument 'src' (position 3) must be Tensor, not "
                f"{type(src).__name__}"
            )
        if reduce not in _REDUCTIONS:
            raise RuntimeError(
                f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
            )
        if not isinstance(include_self, builtins.bool):
            raise TypeError(
                "scatter_reduce(): argument 'include_self' must be bool, not "
                f"{type(include_self).__name__}"
            )
        # the dim before the index's dtype, as PyTorch: a dim out of range is its IndexError
        d = wrap_dim(dim, builtins.max(self._data.ndim, 1), "scatter_reduce", self._data.shape)
        if idx.dtype != np.int64:
            raise RuntimeError("scatter_reduce(): Expected dtype int64 for index")
        if src._data.dtype != self._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        if self._data.ndim == 0:
            return (
                self.reshape(1)
                .scatter_reduce(
                    0, index.reshape(-1), src.reshape(-1), reduce, include_self=include_self
                )
                .reshape(())
            )
        out_pos, src_pos = _scatter_positions(self, d, idx, src._data.shape, "scatter_reduce")
        return reduce_into(self, d, out_pos, src, src_pos, reduce, include_self)

    def scatter_reduce_(
        self: Any,
        dim: builtins.int,
        index: Any,
        src: Any,
        reduce: str,
        *,
        include_self: builtins.bool = True,
    ) -> Any:
        """``scatter_reduce`` in place; returns self."""
        return _inplace(
            self,
            "scatter_reduce_",
            lambda t: t.scatter_reduce(dim, index, src, reduce, include_self=include_self),
        )

    def index_reduce(
        self: Any,
        dim: builtins.int,
        index: Any,
        source: Any,
        reduce: str,
        *,
        include_self: builtins.bool = True,
    ) -> Tensor:
        """Self with the slices of ``source`` along ``dim`` reduced into the slices ``index``
        (``reduce``: prod, mean, amax or amin)."""
        idx = _index_array(index, "index_reduce")
        if reduce not in ("prod", "mean", "amax", "amin"):
            raise RuntimeError(
                "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
                f"{reduce}."
            )
        if idx.dtype not in (np.int32, np.int64):
            raise RuntimeError(
                "index_reduce_(): Expected dtype int32/int64 for index but got: "
                f"{torch_name(idx.dtype)}"
            )
        if idx.ndim > 1:
            raise IndexError(
                f"index_reduce_(): Index is supposed to be a vector, but got dim: {idx.ndim} "
                f"with type: {torch_name(idx.dtype)} and size: {list(idx.shape)}"
            )
        if not hasattr(source, "_data"):
            raise TypeError(
                "index_reduce(): argument 'source' (position 3) must be Tensor, not "
                f"{type(source).__name__}"
            )
        shape, sshape = self._data.shape, source._data.shape
        d = wrap_dim(dim, builtins.max(len(shape), 1), "index_reduce", shape)
        n = sshape[d] if sshape else 1
        if n != idx.size:
            raise RuntimeError(
                f"index_reduce_(): Number of indices ({idx.size}) should be equal to "
                f"source.size(dim): ({n}), for dim: {d}"
            )
        if len(sshape) != len(shape) or builtins.any(
            a != b for k, (a, b) in enumerate(zip(sshape, shape)) if k != d
        ):
            raise RuntimeError(
                "source tensor shape must match self tensor shape, excluding the specified "
                f"dimension. Got self.shape = {list(shape)} source.shape = {list(sshape)}"
            )
        if idx.size and (idx.min() < -shape[d] or idx.max() >= shape[d]):
            raise IndexError("index out of range in self")
        along = np.where(idx < 0, idx + shape[d], idx).astype(np.int64).reshape(-1)
        full = np.broadcast_to(
            along.reshape([-1 if k == d else 1 for k in range(len(sshape))]), sshape
        )
        return self.scatter_reduce(
            d, _const(np.ascontiguousarray(full)), source, reduce, include_self=include_self
        )

    def index_reduce_(
        self: Any,
        dim: builtins.int,
        index: Any,
        source: Any,
        reduce: str,
        *,
        include_self: builtins.bool = True,
    ) -> Any:
        """``index_reduce`` in place; returns self."""
        return _inplace(
            self,
            "index_reduce_",
            lambda t: t.index_reduce(dim, index, source, reduce, include_self=include_self),
        )

    def _scatter_view(self: Any, src: Any, positions: np.ndarray, fn: str) -> Tensor:
        """Self with ``src`` written where a view of self would show ``positions``."""
        if not hasattr(src, "_data"):
            raise TypeError(
                f"{fn}(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}"
            )
        if src._data.shape != positions.shape:
            raise RuntimeError(
                "expected src to have a size equal to the slice of self. src size = "
                f"{list(src._data.shape)}, slice size = {list(positions.shape)}"
            )
        values = src if src._data.dtype == self._data.dtype else src.to(self.dtype)
        flat = self.reshape(-1).index_put((_const(positions.reshape(-1)),), values.reshape(-1))
        return flat.reshape(self._data.shape)

    def _positions(self: Any) -> np.ndarray:
        return np.arange(self._data.size, dtype=np.int64).reshape(self._data.shape)

    def diagonal_scatter(
        self: Any,
        src: Any,
        offset: builtins.int = 0,
        dim1: builtins.int = 0,
        dim2: builtins.int = 1,
    ) -> Tensor:
        """Self with ``src`` written on the diagonal ``self.diagonal(offset, dim1, dim2)``."""
        nd, shape = self._data.ndim, self._data.shape
        d1 = wrap_dim(dim1, nd, "diagonal_scatter", shape)
        d2 = wrap_dim(dim2, nd, "diagonal_scatter", shape)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        pos = np.diagonal(self._positions(), offset, d1, d2)
        return self._scatter_view(src, pos, "diagonal_scatter")

    def select_scatter(self: Any, src: Any, dim: builtins.int, index: builtins.int) -> Tensor:
        """Self with ``src`` written at ``self.select(dim, index)``."""
        shape = self._data.shape
        d = wrap_dim(dim, self._data.ndim, "select_scatter", shape)
        if not -shape[d] <= index < shape[d]:
            raise IndexError(
                f"select(): index {index} out of range for tensor of size {list(shape)} at "
                f"dimension {d}"
            )
        pos = np.take(self._positions(), index, axis=d)
        return self._scatter_view(src, np.asarray(pos), "select_scatter")

    def slice_scatter(
        self: Any,
        src: Any,
        dim: builtins.int = 0,
        start: builtins.int | None = None,
        end: builtins.int | None = None,
        step: builtins.int = 1,
    ) -> Tensor:
        """Self with ``src`` written at ``self[..., start:end:step, ...]`` (along ``dim``)."""
        d = wrap_dim(dim, self._data.ndim, "slice_scatter", self._data.shape)
        if step <= 0:
            raise RuntimeError("slice step must be positive")
        pos = self._positions()[(slice(None),) * d + (slice(start, end, step),)]
        return self._scatter_view(src, pos, "slice_scatter")

    def put(self: Any, index: Any, source: Any, accumulate: builtins.bool = False) -> Tensor:
        """Self, seen as 1-D, with ``source``'s elements at the flat ``index`` (negative counts
        from the end; with ``accumulate`` they add up)."""
        idx = _index_array(index, "put")
        if idx.dtype != np.int64:
            raise RuntimeError(
                f"put_(): Expected a long tensor for index, but got {torch_name(idx.dtype)}"
            )
        if not hasattr(source, "_data"):
            raise TypeError(
                f"put(): argument 'source' (position 2) must be Tensor, not {type(source).__name__}"
            )
        if source._data.dtype != self._data.dtype:
            raise RuntimeError(
                "put_(): self and source expected to have the same dtype, but got self.dtype = "
                f"{torch_name(self._data.dtype)} and source.dtype = "
                f"{torch_name(source._data.dtype)}"
            )
        if source._data.size != idx.size:
            raise IndexError(
                "put_(): Expected source and index to have the same number of elements, but "
                f"got source.numel() = {source._data.size}, index.numel() = {idx.size}"
            )
        n = self._data.size
        bad = idx[(idx < -n) | (idx >= n)]
        if bad.size:
            raise IndexError(
                f"out of range: tried to access index {bad.reshape(-1)[0]} on a tensor of {n} "
                "elements."
            )
        flat_idx = _const(np.where(idx < 0, idx + n, idx).reshape(-1))
        flat = self.reshape(-1).index_put((flat_idx,), source.reshape(-1), accumulate)
        return flat.reshape(self._data.shape)

    def put_(self: Any, index: Any, source: Any, accumulate: builtins.bool = False) -> Any:
        """``put`` in place; returns self."""
        return _inplace(self, "put_", lambda t: t.put(index, source, accumulate))
