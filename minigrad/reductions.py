"""PyTorch's reductions that select an element (``median``, ``nanmedian``, ``kthvalue``,
``mode``, ``aminmax``) or skip NaN (``nansum``, ``nanmean``), and its index functions
(``count_nonzero``, ``unique``, ``bincount``, ``nonzero``, ``argwhere``).

``Tensor`` inherits these (through ``TensorSurface``). NumPy finds the index of the selected
element, by PyTorch's rule for ties (given at each method); the values are a ``gather`` there,
so the gradient goes to that element by gather's rule and no method needs a backward of its own.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import fused
from .dims import wrap_dims
from .dtypes import c_cast, not_implemented_for, torch_name
from .engine import TensorMakers
from .node_surface import labelled, outputs_of
from .printing import return_type
from .validation import (
    REQUIRED,
    _check_nonempty,
    _dims,
    _keep,
    _one_dim,
    _with_dtype,
    int_argument,
)

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["ReductionMethods", "ReductionResults"]


_SELECTION_NAMES = {
    "median": "MedianBackward1",
    "nanmedian": "NanmedianBackward1",
    "kthvalue": "KthvalueBackward0",
    "mode": "ModeBackward0",
}
"""PyTorch's node for the values of each selection along a dimension."""


class ReductionResults:
    """The named tuples of these reductions (``minigrad.return_types`` holds them too)."""

    @return_type()
    class median(NamedTuple):
        values: Any
        indices: Any

    @return_type()
    class nanmedian(NamedTuple):
        values: Any
        indices: Any

    @return_type()
    class kthvalue(NamedTuple):
        values: Any
        indices: Any

    @return_type()
    class mode(NamedTuple):
        values: Any
        indices: Any

    @return_type()
    class aminmax(NamedTuple):
        min: Any
        max: Any


def _wrap(a: Any) -> Any:
    """A tensor without gradient of an array (indices, counts)."""
    return TensorMakers.wrap(np.asarray(a), None)


def _last(a: np.ndarray, d: builtins.int) -> np.ndarray:
    """``a`` with dim ``d`` moved last and the others flattened: one row per slice."""
    return np.moveaxis(a, d, -1).reshape(-1, a.shape[d])


def _back(rows: np.ndarray, shape: tuple[builtins.int, ...], d: builtins.int) -> np.ndarray:
    """One index per row of ``_last`` as an array of ``shape`` with size 1 at ``d`` (int64)."""
    kept = tuple(1 if i == d else n for i, n in enumerate(shape))
    moved = kept[:d] + kept[d + 1 :] + (1,)
    return np.moveaxis(rows.astype(np.int64).reshape(moved), -1, d)


def _median_rows(rows: np.ndarray, ignore_nan: builtins.bool) -> np.ndarray:
    """PyTorch's median index of each row: position (n - 1) // 2 when equal values keep their
    order (its ``nth_element`` breaks ties by index); ``median`` gives a row's first NaN,
    ``nanmedian`` the median of the others (the first NaN when all are)."""
    n = rows.shape[1]
    order = np.argsort(rows, axis=1, kind="stable")  # NaN last, as PyTorch's nanmedian order
    nan = np.isnan(rows) if rows.dtype.kind == "f" else np.zeros(rows.shape, bool)
    count = nan.sum(axis=1) if ignore_nan else np.zeros(len(rows), np.int64)
    pos = np.maximum(n - count - 1, 0) // 2
    idx = np.take_along_axis(order, pos[:, None], axis=1)[:, 0]
    if not ignore_nan:
        idx = np.where(nan.any(axis=1), nan.argmax(axis=1), idx)
    return idx


def _quickselect_index(values: list[Any], k: builtins.int) -> builtins.int:
    """The index PyTorch's kthvalue returns for one slice: its median-of-three quickselect
    (ATen's ``quick_select_template``, NaN counting as the largest) run on a copy."""
    arr, ind = list(values), list(range(len(values)))

    def gt(x: Any, y: Any) -> builtins.bool:
        return (x != x and y == y) or x > y

    def swap(i: builtins.int, j: builtins.int) -> None:
        arr[i], arr[j] = arr[j], arr[i]
        ind[i], ind[j] = ind[j], ind[i]

    lo, hi = 0, len(arr) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(arr[lo], arr[hi]):
                swap(lo, hi)
            break
        swap(lo + (hi - lo) // 2, lo + 1)
        if gt(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if gt(arr[lo], arr[hi]):
            swap(lo, hi)
        if gt(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j, pivot = lo + 1, hi, arr[lo]
        while True:
            i += 1
            while gt(pivot, arr[i]):
                i += 1
            j -= 1
            while gt(arr[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return ind[k]


def _kth_rows(rows: np.ndarray, k: builtins.int) -> np.ndarray:
    """PyTorch's kthvalue index of each row (k from 0): the only element of the k-th smallest
    value, or, where equal values tie, the one its quickselect ends on."""
    kth = np.partition(rows, k, axis=1)[:, k : k + 1]  # NaN last, as PyTorch's order
    hit = rows == kth
    if rows.dtype.kind == "f":
        hit |= np.isnan(rows) & np.isnan(kth)
    idx = hit.argmax(axis=1)
    for r in np.nonzero(hit.sum(axis=1) > 1)[0]:
        idx[r] = _quickselect_index(rows[r].tolist(), k)
    return idx


def _mode_rows(rows: np.ndarray) -> np.ndarray:
    """PyTorch's mode index of each row: it sorts the slice with ``std::sort`` and returns the
    end of the first longest run of equal values (so the smallest value wins a tie of counts).
    Up to 16 elements without NaN that sort is a stable insertion sort, and the end of the run
    the last occurrence: computed here for all rows at once. Longer rows, and rows with NaN
    (which ``<`` leaves in place), are sorted by ``_std_sort`` one at a time."""
    order = np.argsort(rows, axis=1, kind="stable")
    s = np.take_along_axis(rows, order, axis=1)
    m, n = rows.shape
    start = np.ones((m, n), bool)
    start[:, 1:] = s[:, 1:] != s[:, :-1]
    pos = np.broadcast_to(np.arange(n), (m, n))
    first = np.maximum.accumulate(np.where(start, pos, 0), axis=1)
    end = np.ones((m, n), bool)
    end[:, :-1] = start[:, 1:]
    length = np.where(end, pos - first + 1, 0)
    idx = np.take_along_axis(order, length.argmax(axis=1)[:, None], axis=1)[:, 0]
    exact = np.isnan(rows).any(axis=1) if rows.dtype.kind == "f" else np.zeros(m, bool)
    for r in range(m) if n > 16 else np.nonzero(exact)[0]:
        idx[r] = _mode_by_std_sort(rows[r].tolist())
    return idx


def _mode_by_std_sort(keys: list[Any]) -> builtins.int:
    """PyTorch's mode index of one slice: the end of the first longest run of ``!=``-equal
    values in the order ``std::sort`` leaves them."""
    order = _std_sort(keys)
    best, best_count, count = 0, 0, 0
    for p, i in enumerate(order):
        count += 1
        if p == len(order) - 1 or keys[i] != keys[order[p + 1]]:
            if count > best_count:
                best, best_count = i, count
            count = 0
    return best


def _std_sort(keys: list[Any]) -> list[builtins.int]:
    """The order in which libstdc++'s ``std::sort`` (introsort: median-of-three quicksort
    partitions down to 16 elements, heapsort past a depth of 2 log2(n), then insertion sort)
    leaves ``keys`` compared with ``<``: which of equal keys comes last is its own."""
    a = list(range(len(keys)))

    def less(i: builtins.int, j: builtins.int) -> builtins.bool:
        return builtins.bool(keys[a[i]] < keys[a[j]])

    def insert(i: builtins.int) -> None:  # __unguarded_linear_insert
        val = a[i]
        while i > 0 and keys[val] < keys[a[i - 1]]:
            a[i] = a[i - 1]
            i -= 1
        a[i] = val

    def adjust_heap(
        first: builtins.int, hole: builtins.int, n: builtins.int, val: builtins.int
    ) -> None:
        top = child = hole
        while child < (n - 1) // 2:
            child = 2 * (child + 1)
            if keys[a[first + child]] < keys[a[first + child - 1]]:
                child -= 1
            a[first + hole] = a[first + child]
            hole = child
        if n % 2 == 0 and child == (n - 2) // 2:
            child = 2 * (child + 1)
            a[first + hole] = a[first + child - 1]
            hole = child - 1
        parent = (hole - 1) // 2
        while hole > top and keys[a[first + parent]] < keys[val]:
            a[first + hole] = a[first + parent]
            hole, parent = parent, (parent - 1) // 2
        a[first + hole] = val

    def heap_sort(first: builtins.int, last: builtins.int) -> None:
        for parent in range((last - first - 2) // 2, -1, -1):
            adjust_heap(first, parent, last - first, a[first + parent])
        while last - first > 1:
            last -= 1
            val, a[last] = a[last], a[first]
            adjust_heap(first, 0, last - first, val)

    def introsort(first: builtins.int, last: builtins.int, depth: builtins.int) -> None:
        while last - first > 16:
            if depth == 0:
                heap_sort(first, last)
                return
            depth -= 1
            x, y, z = first + 1, first + (last - first) // 2, last - 1
            if less(x, y):
                m = y if less(y, z) else z if less(x, z) else x
            else:
                m = x if less(x, z) else z if less(y, z) else y
            a[first], a[m] = a[m], a[first]
            lo, hi = first + 1, last
            while True:  # __unguarded_partition around a[first]
                while less(lo, first):
                    lo += 1
                hi -= 1
                while less(first, hi):
                    hi -= 1
                if lo >= hi:
                    break
                a[lo], a[hi] = a[hi], a[lo]
                lo += 1
            introsort(lo, last, depth)
            last = lo

    n = len(a)
    if n:
        introsort(0, n, 2 * (n.bit_length() - 1))
        for i in range(1, min(n, 16)):  # __insertion_sort of the first 16
            if less(i, 0):
                a[: i + 1] = [a[i], *a[:i]]
            else:
                insert(i)
        for i in range(16, n):  # __unguarded_insertion_sort of the rest
            insert(i)
    return a


def _refuse_bools(t: Any, kernel: str) -> None:
    if t._data.dtype.kind == "b":
        raise not_implemented_for(kernel, bool)


class ReductionMethods:
    """The selecting and NaN-skipping reductions, and the index functions, as methods."""

    __slots__ = ()

    def logsumexp(
        self: Any,
        axis: Any = REQUIRED,
        keepdims: builtins.bool = False,
        *,
        dim: Any = REQUIRED,
        keepdim: builtins.bool | None = None,
    ) -> Tensor:
        """log(sum(exp(x))) over ``dim`` (required, as PyTorch's), computed without overflow.

        ``dim=()`` reduces every dim, as in PyTorch's other reductions, but only with
        ``keepdim=True`` (or of a 0-d or empty tensor): PyTorch refuses it otherwise, its
        result not fitting the 0-d output it makes.
        """
        keep = _keep(keepdims, keepdim)
        given = dim if axis is REQUIRED else axis
        x = self._data
        if isinstance(given, tuple | list) and not given and not keep and x.size and x.ndim:
            raise RuntimeError(
                f"output with shape [] doesn't match the broadcast shape {[1] * x.ndim} "
                "(logsumexp(): dim=() without keepdim is refused, as in PyTorch; write "
                "keepdim=True, or dim=tuple(range(x.dim())))"
            )
        d = _dims(self, dim, axis, "logsumexp")
        return TensorMakers.apply(fused.LogSumExp(d, keep), self)

    def _select_along(
        self: Any,
        name: str,
        dim: Any,
        keepdim: builtins.bool,
        rows_index: Any,
        result: Any,
    ) -> Any:
        """``(values, indices)`` of the element ``rows_index`` picks in each slice along ``dim``
        (values a gather, so differentiable)."""
        d = _one_dim(self, dim, name)
        # (nanmedian's message says median, as PyTorch's)
        _check_nonempty(self, d if self._data.ndim else None, name.removeprefix("nan"))
        if self._data.ndim == 0:
            return result(self.clone(), _wrap(0))
        a = self._data
        idx = _back(rows_index(_last(a, d)), a.shape, d)
        values = self.gather(d, idx)
        if not keepdim:
            values, idx = values.squeeze(d), idx.squeeze(d)
        node = _SELECTION_NAMES[name]  # (PyTorch's node: MedianBackward1, KthvalueBackward0...)
        return result(labelled(values, node, self), _wrap(idx))

    def _median(self: Any, name: str, dim: Any, keepdim: builtins.bool, nan: builtins.bool) -> Any:
        if dim is REQUIRED and not keepdim and self._data.size == 0:
            # PyTorch fills NaN in the tensor's dtype: NaN, or as x86 casts NaN, 0 in the small
            # integers, the smallest value in int32 and int64, True in bool
            return TensorMakers.wrap(c_cast(np.asarray(np.nan), self._data.dtype), None)
        _refuse_bools(self, "median_cpu" if dim is REQUIRED else "median_out")
        if dim is REQUIRED:
            if keepdim:
                raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
            return labelled(self._median_of_all(nan), f"{name.capitalize()}Backward0", self)
        result = getattr(ReductionResults, name)
        return self._select_along(name, dim, keepdim, lambda rows: _median_rows(rows, nan), result)

    def _median_of_all(self: Any, ignore_nan: builtins.bool) -> Tensor:
        """The median of all elements, its gradient shared evenly by the elements equal to it
        (all NaNs, for a NaN median), as PyTorch's."""
        flat = self.reshape(-1)
        a = flat._data
        m = a[_median_rows(a[None, :], ignore_nan)[0]]
        if m != m:
            return flat[_wrap(np.flatnonzero(np.isnan(a)))].mean()
        return flat[_wrap(np.flatnonzero(a == m))].amax()  # (ties: amax's even share)

    def median(self: Any, dim: Any = REQUIRED, keepdim: builtins.bool = False) -> Any:
        """``median()``: the lower median of all elements (ties share the gradient);
        ``median(dim)``: the named tuple ``(values, indices)`` along ``dim``, the index being
        PyTorch's (equal values in their order; a slice's first NaN if it has one)."""
        return self._median("median", dim, keepdim, False)

    def nanmedian(self: Any, dim: Any = REQUIRED, keepdim: builtins.bool = False) -> Any:
        """``median`` of the elements that are not NaN (NaN where all are)."""
        return self._median("nanmedian", dim, keepdim, True)

    def kthvalue(self: Any, k: builtins.int, dim: Any = -1, keepdim: builtins.bool = False) -> Any:
        """The named tuple ``(values, indices)`` of the ``k``-th smallest element along ``dim``
        (NaN the largest); among equal values the index PyTorch's quickselect picks."""
        k = int_argument(k, "kthvalue", "k", 1)
        if self._data.ndim:  # (PyTorch's 0-d kthvalue needs no kernel: a bool one answers)
            _refuse_bools(self, "kthvalue_cpu")
        d = _one_dim(self, dim, "kthvalue")
        _check_nonempty(self, d if self._data.ndim else None, "kthvalue")
        n = self._data.shape[d] if self._data.ndim else 1
        if not 1 <= k <= n:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
        return self._select_along(
            "kthvalue", d, keepdim, lambda rows: _kth_rows(rows, k - 1), ReductionResults.kthvalue
        )

    def mode(self: Any, dim: Any = -1, keepdim: builtins.bool = False) -> Any:
        """The named tuple ``(values, indices)`` of the most frequent value along ``dim`` (the
        smallest of equally frequent ones) and the occurrence PyTorch returns (the last, in a
        slice of up to 16 elements without NaN; see ``_mode_rows``)."""
        return self._select_along("mode", dim, keepdim, _mode_rows, ReductionResults.mode)

    def aminmax(self: Any, *, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The named tuple ``(min, max)`` over ``dim`` (all elements by default); ties share
        the gradient evenly, as ``amin`` and ``amax``."""
        dims = () if dim is None else dim
        d = wrap_dims(dims, self._data.ndim, "aminmax", self._data.shape)
        for i in () if d is None else np.atleast_1d(d):
            if self._data.shape[i] == 0:
                raise IndexError(f"aminmax: Expected reduction dim {i} to have non-zero size.")
        if d is None and self._data.size == 0:
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                "no identity."
            )
        low, high = self.amin(dims, keepdim), self.amax(dims, keepdim)
        outputs_of("AminmaxBackward0", (self,), low, high)  # (PyTorch's one node)
        return ReductionResults.aminmax(low, high)

    def nansum(
        self: Any, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None
    ) -> Tensor:
        """The sum over ``dim`` of the elements that are not NaN (their gradient 1, NaNs' 0)."""
        if dtype is not None:
            return _with_dtype(self, dtype, "nansum", lambda x: x.nansum(dim, keepdim))
        kind = self._data.dtype.kind
        if kind != "f":  # integers sum in int64, as PyTorch (NumPy would sum uint8 in uint64)
            return self.to(np.int64).sum(dim=dim, keepdim=keepdim)
        kept = self.masked_fill(_wrap(np.isnan(self._data)), 0)
        return labelled(kept.sum(dim=dim, keepdim=keepdim), "NansumBackward0", self)

    def nanmean(
        self: Any, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None
    ) -> Tensor:
        """The mean over ``dim`` of the elements that are not NaN (NaN where all are)."""
        if self._data.dtype.kind not in "fc":
            raise RuntimeError(
                "nanmean(): expected input to have floating point or complex dtype but got "
                f"{torch_name(self._data.dtype)}"
            )
        if dtype is not None:
            return _with_dtype(self, dtype, "nanmean", lambda x: x.nanmean(dim, keepdim))
        d = wrap_dims(dim, self._data.ndim, "nanmean", self._data.shape)
        count = np.sum(~np.isnan(self._data), axis=d, keepdims=keepdim)
        return self.nansum(dim, keepdim) / _wrap(count.astype(self._data.dtype))

    def count_nonzero(self: Any, dim: Any = None) -> Tensor:
        """The number of elements that are not zero over ``dim`` (all by default); int64."""
        d = wrap_dims(dim, self._data.ndim, "count_nonzero", self._data.shape)
        return _wrap(np.asarray(np.count_nonzero(self._data, axis=d), dtype=np.int64))

    def unique(
        self: Any,
        sorted: builtins.bool = True,
        return_inverse: builtins.bool = False,
        return_counts: builtins.bool = False,
        dim: Any = None,
    ) -> Any:
        """The distinct values in ascending order (each NaN distinct), or, with ``dim``, the
        distinct slices along it; with ``return_inverse`` where each element went and with
        ``return_counts`` how often each occurs (no gradient)."""
        if not isinstance(sorted, builtins.bool | np.bool_):  # (x.unique(0) is not a dim)
            raise TypeError(
                f"unique(): argument 'sorted' must be bool, not {type(sorted).__name__}"
            )
        a = self._data
        if dim is None:
            values, inverse, counts = np.unique(
                a.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False
            )
            inverse = inverse.reshape(a.shape)
        else:
            d = _one_dim(self, dim, "unique")
            values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d)
            inverse = inverse.reshape(-1)
        out = [_wrap(values)]
        if return_inverse:
            out.append(_wrap(inverse.astype(np.int64)))
        if return_counts:
            out.append(_wrap(counts.astype(np.int64)))
        return out[0] if len(out) == 1 else tuple(out)

    def bincount(self: Any, weights: Any = None, minlength: builtins.int = 0) -> Tensor:
        """How often each value 0, 1, ... occurs in this 1-d tensor of non-negative integers
        (at least ``minlength`` counts), or the sum of ``weights`` at each (float32 weights
        give float32, others float64, as PyTorch)."""
        a = self._data
        if a.dtype.kind not in "iu":
            raise not_implemented_for("bincount_cpu", a.dtype)
        if minlength < 0:
            raise RuntimeError("minlength should be >= 0")
        if a.ndim != 1 or (a.size and a.min() < 0):
            raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
        if weights is None:
            return _wrap(np.bincount(a, minlength=minlength).astype(np.int64))
        w = weights._data if hasattr(weights, "_data") else np.asarray(weights)
        if w.ndim != 1 or w.shape[0] != a.shape[0]:
            raise RuntimeError("weights should be 1-d and have the same length as input")
        out_dtype = np.float32 if w.dtype == np.float32 else np.float64
        return _wrap(np.bincount(a, w, minlength=minlength).astype(out_dtype))

    def nonzero(self: Any, *, as_tuple: builtins.bool = False) -> Any:
        """The indices of the elements that are not zero: an (n, ndim) int64 tensor, or with
        ``as_tuple`` one 1-d tensor per dim (a 0-d tensor counts as 1-d there)."""
        if as_tuple:
            return tuple(_wrap(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(self._data)))
        return _wrap(np.argwhere(self._data).astype(np.int64))

    def argwhere(self: Any) -> Tensor:
        """``nonzero()``: the (n, ndim) indices of the elements that are not zero."""
        return self.nonzero()
