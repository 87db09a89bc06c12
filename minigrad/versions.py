"""Version counters of memory: how an in-place write is caught before it gives a wrong gradient.

A version belongs to the array that owns the memory (a NumPy view's ``base``), so a tensor, its
views, ``detach()`` and ``.data`` share one counter, as PyTorch's views do. Each in-place write
through minigrad (``add_``, ``+=``, ``t[i] = v``, the optimizers, ``nn.init``) calls ``bump``.
One clock, ``TICKS``, dates both: each recorded op takes the next tick (its ``epoch``) and so
does each write (``CLOCK.writes`` is the tick of the latest one). Before backward uses an op's
saved arrays, the engine calls ``check`` when some write came after the op, and it raises
PyTorch's error if one of them was written. Nothing is kept for memory that was never written,
so an op pays one tick at forward and one comparison at backward. (The engine also orders its
walk by the ops' ticks: an op runs after every op recorded later.)
"""

from __future__ import annotations

import itertools
import weakref
from collections import deque
from collections.abc import Iterable
from typing import Any

import numpy as np

TICKS = itertools.count(1)
"""The clock: ``next(TICKS)`` dates a recorded op or a write (unique, increasing, all threads;
``next`` on a count is atomic)."""


class Clock:
    """The tick of the latest in-place write, all memory together (0 before any): an op whose
    ``epoch`` is older may have lost a saved value.

    One instance, ``CLOCK`` (an instance attribute is cheaper to write than a class's).
    """

    __slots__ = ("writes",)

    def __init__(self) -> None:
        self.writes = 0


CLOCK = Clock()


_KEEP = 32  # write ticks kept per array: enough to name the version an op expected


class _Record:
    """What is known about one owner array: its version and its recent writes."""

    __slots__ = ("ref", "version", "writes")

    def __init__(self, ref: weakref.ref) -> None:
        self.ref = ref
        self.version = 0
        self.writes: deque[int] = deque(maxlen=_KEEP)  # ticks of the recent writes


_records: dict[int, _Record] = {}  # id(owner array) -> record; dropped when the array dies


def owner(a: np.ndarray) -> np.ndarray:
    """The array that owns ``a``'s memory (``a`` itself unless it is a view)."""
    base = a.base
    while isinstance(base, np.ndarray):
        a, base = base, base.base
    return a


def _record(a: np.ndarray, create: bool) -> _Record | None:
    root = owner(a)
    key = id(root)
    rec = _records.get(key)
    if rec is not None and rec.ref() is root:
        return rec
    if not create:
        return None
    rec = _records[key] = _Record(weakref.ref(root, _forget(key)))
    return rec


def _forget(key: int) -> Any:
    """The callback that drops a record when its array dies (before its id can be reused)."""
    return lambda _: _records.pop(key, None)


def bump(a: np.ndarray) -> None:
    """Record one in-place write into ``a``'s memory."""
    CLOCK.writes = tick = next(TICKS)
    _note(a, tick)


def bump_all(arrays: Iterable[np.ndarray]) -> None:
    """Record one in-place write into each array's memory, all at one tick (an optimizer step:
    no op can be recorded between its writes, so one tick dates them exactly)."""
    CLOCK.writes = tick = next(TICKS)
    for a in arrays:
        rec = _records.get(id(a)) if a.base is None else None
        if rec is None:  # a view, or memory written for the first time
            _note(a, tick)
        else:  # (_note's last two lines, spelled out: a step writes every parameter)
            rec.version += 1
            rec.writes.append(tick)


def _note(a: np.ndarray, tick: int) -> None:
    if a.base is not None:
        a = owner(a)
    rec = _records.get(id(a))
    if rec is None:  # (a record goes with its array: the weakref's callback drops it)
        rec = _record(a, True)
        assert rec is not None
    rec.version += 1
    rec.writes.append(tick)  # (a deque of _KEEP: the oldest tick drops out)


def version(a: np.ndarray) -> int:
    """How many times ``a``'s memory was written in place (PyTorch's ``t._version``)."""
    rec = _record(a, False)
    return 0 if rec is None else rec.version


def set_version(a: np.ndarray, v: int) -> None:
    """Start fresh memory at version ``v`` (an in-place op that swapped a tensor's array)."""
    if v:
        rec = _record(a, True)
        assert rec is not None
        rec.version = v


def check(op: Any, epoch: int) -> None:
    """Raise if an array ``op`` saved at clock ``epoch`` was written in place since.

    Looks at the op's saved inputs (unless its rule reads none: ``Op.reads_inputs``), its
    output and array attributes (an index, a mask).
    """
    saved = (op.saved or ()) if op.reads_inputs else ()
    arrays: list[tuple[str, Any]] = [(f"input {i}", a) for i, a in enumerate(saved)]
    arrays.append(("output 0", op.out))
    for name in op.attributes():
        value = getattr(op, name)
        items = value if isinstance(value, tuple) else (value,)
        arrays.extend((f"its {name}", v) for v in items)
    for what, a in arrays:
        if not isinstance(a, np.ndarray):
            continue
        rec = _record(a, False)
        if rec is None or not rec.writes or rec.writes[-1] <= epoch:
            continue
        later = sum(w > epoch for w in rec.writes)
        expected = rec.version - later
        exact = "" if later < len(rec.writes) or len(rec.writes) < _KEEP else "at most "
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [{a.dtype} tensor of shape {tuple(a.shape)}], which is "
            f"{what} of {type(op).__name__}, is at version {rec.version}; expected version "
            f"{exact}{expected} instead. Hint: the tensor was changed in place (+=, add_, "
            "t[i] = v, an optimizer.step()...) after the forward pass used it and before "
            "backward; change it after backward(), or use an out-of-place op (y = y + 1)."
        )
