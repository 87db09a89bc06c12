"""Which of tied entries PyTorch's CPU ``topk`` keeps, for ``nn.utils.prune``'s masks.

PyTorch selects the ``k`` best of ``n`` with libstdc++'s ``std::partial_sort`` (when
``64 * k <= n``) or ``std::nth_element``, comparing values only; among entries equal at the
boundary, which are kept follows those algorithms' steps. They are replayed here step for
step, so a mask pruned from tied weights is PyTorch's own. Pure Python, so it runs only when
the k-th and (k+1)-th values tie; otherwise a NumPy sort gives the same set.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["topk_indices"]

_Item = tuple[float, int]
_Comp = Callable[[_Item, _Item], bool]


def topk_indices(values: Any, k: int, largest: bool) -> np.ndarray:
    """The set of indices (int64, in no particular order) that ``torch.topk(values, k,
    largest=largest).indices`` holds for the 1-D array ``values`` on the CPU; NaN counts as
    the largest value, as there."""
    a = np.asarray(values, dtype=np.float64).reshape(-1)
    n = a.size
    if k <= 0:
        return np.zeros(0, np.int64)
    order = np.argsort(a, kind="stable")  # NaN last, the largest as for PyTorch
    if largest:
        order = order[::-1]
    if k >= n:
        return order.astype(np.int64)
    x, y = a[order[k - 1]], a[order[k]]
    if not (x == y or (math.isnan(x) and math.isnan(y))):
        return order[:k].astype(np.int64)
    return np.array(_select(a.tolist(), k, largest), dtype=np.int64)


def _select(values: list[float], k: int, largest: bool) -> list[int]:
    """The first ``k`` indices after libstdc++'s selection, as PyTorch's ``topk_impl_loop``
    runs it on (value, index) pairs compared by value."""
    n = len(values)
    q: list[_Item] = [(v, i) for i, v in enumerate(values)]
    comp: _Comp
    if largest:

        def comp(x: _Item, y: _Item) -> bool:
            return (math.isnan(x[0]) and not math.isnan(y[0])) or x[0] > y[0]

    else:

        def comp(x: _Item, y: _Item) -> bool:
            return (not math.isnan(x[0]) and math.isnan(y[0])) or x[0] < y[0]

    if k * 64 <= n:
        _heap_select(q, 0, k, n, comp)
    else:
        _introselect(q, 0, k - 1, n, 2 * (n.bit_length() - 1), comp)
    return [i for _, i in q[:k]]


def _adjust_heap(
    q: list[_Item], first: int, hole: int, length: int, value: _Item, comp: _Comp
) -> None:
    """libstdc++'s ``__adjust_heap`` then ``__push_heap``."""
    top = hole
    second = hole
    while second < (length - 1) // 2:
        second = 2 * (second + 1)
        if comp(q[first + second], q[first + second - 1]):
            second -= 1
        q[first + hole] = q[first + second]
        hole = second
    if (length & 1) == 0 and second == (length - 2) // 2:
        second = 2 * (second + 1)
        q[first + hole] = q[first + second - 1]
        hole = second - 1
    parent = (hole - 1) // 2
    while hole > top and comp(q[first + parent], value):
        q[first + hole] = q[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    q[first + hole] = value


def _heap_select(q: list[_Item], first: int, middle: int, last: int, comp: _Comp) -> None:
    """libstdc++'s ``__heap_select``: a heap of the first ``middle``, each better one
    swapped in for its top."""
    length = middle - first
    if length >= 2:
        parent = (length - 2) // 2
        while True:
            _adjust_heap(q, first, parent, length, q[first + parent], comp)
            if parent == 0:
                break
            parent -= 1
    for i in range(middle, last):
        if comp(q[i], q[first]):
            value = q[i]
            q[i] = q[first]
            _adjust_heap(q, first, 0, length, value, comp)


def _introselect(q: list[_Item], first: int, nth: int, last: int, depth: int, comp: _Comp) -> None:
    """libstdc++'s ``__introselect`` (median-of-three pivot, unguarded partition, heap
    select past the depth limit, insertion sort of the last few)."""
    while last - first > 3:
        if depth == 0:
            _heap_select(q, first, nth + 1, last, comp)
            q[first], q[nth] = q[nth], q[first]
            return
        depth -= 1
        # __unguarded_partition_pivot: median of (first+1, mid, last-1) moved to first
        mid = first + (last - first) // 2
        a, b, c = first + 1, mid, last - 1
        if comp(q[a], q[b]):
            if comp(q[b], q[c]):
                m = b
            elif comp(q[a], q[c]):
                m = c
            else:
                m = a
        elif comp(q[a], q[c]):
            m = a
        elif comp(q[b], q[c]):
            m = c
        else:
            m = b
        q[first], q[m] = q[m], q[first]
        lo, hi = first + 1, last
        pivot = q[first]
        while True:
            while comp(q[lo], pivot):
                lo += 1
            hi -= 1
            while comp(pivot, q[hi]):
                hi -= 1
            if not lo < hi:
                break
            q[lo], q[hi] = q[hi], q[lo]
            lo += 1
        cut = lo
        if cut <= nth:
            first = cut
        else:
            last = cut
    # __insertion_sort
    for i in range(first + 1, last):
        val = q[i]
        if comp(val, q[first]):
            q[first + 1 : i + 1] = q[first:i]
            q[first] = val
        else:
            j = i
            while comp(val, q[j - 1]):
                q[j] = q[j - 1]
                j -= 1
            q[j] = val
