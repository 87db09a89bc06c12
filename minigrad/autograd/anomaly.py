"""Anomaly detection: find the forward op whose backward rule produced nan or inf.

In anomaly mode every recorded op remembers where user code created it; when a rule's
gradient holds nan or inf, backward stops with an error naming the op, its inputs' shapes and
that line. Outside anomaly mode nothing is recorded (PyTorch's ``torch.autograd.detect_anomaly``).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from ..engine import Op
from ..grad_mode import Anomaly, decorated

F = TypeVar("F", bound=Callable[..., Any])

_PACKAGE = str(Path(__file__).resolve().parent.parent)  # the minigrad package directory
_state = {"check_nan": True}


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly`` or after ``set_detect_anomaly(True)``."""
    return Anomaly.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly mode checks the gradients of backward rules for nan and inf."""
    return Anomaly.enabled and _state["check_nan"]


def _set(mode: bool, check_nan: bool) -> None:
    Anomaly.enabled = bool(mode)
    _state["check_nan"] = bool(check_nan)


class set_detect_anomaly:
    """Turn anomaly detection on or off, now; as a context manager, until the block ends.

    Args:
        mode: True to record where each op is created and check every backward rule.
        check_nan: check rule results for nan and inf (True, as PyTorch's default).
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (Anomaly.enabled, _state["check_nan"])
        _set(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _set(*self.prev)


class detect_anomaly:
    """Context manager (or decorator) for anomaly detection while its block runs.

    Inside it, an op records the line of user code that created it, and backward raises a
    ``RuntimeError`` as soon as a rule returns nan or inf, naming the op, its inputs' shapes and
    that line. It slows every op down: use it to find a bug, not for training.

    Args:
        check_nan: check rule results for nan and inf (True, as PyTorch's default).
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self.prev: list[tuple[bool, bool]] = []

    def __enter__(self) -> None:
        self.prev.append((Anomaly.enabled, _state["check_nan"]))
        _set(True, self.check_nan)

    def __exit__(self, *exc: object) -> None:
        _set(*self.prev.pop())

    def __call__(self, fn: F) -> F:
        check_nan = self.check_nan
        return decorated(fn, lambda: detect_anomaly(check_nan))


def _record(op: Op) -> None:
    """Remember the user's stack where ``op`` was created (frames inside minigrad left out)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
    op.site = traceback.extract_stack(frame, limit=5) if frame is not None else None


def _values(g: Any) -> np.ndarray:
    return np.asarray(g if isinstance(g, np.ndarray | np.generic | float | int) else g._data)


def _check(op: Op, grads: Sequence[Any]) -> None:
    """Raise if a gradient ``op``'s rule returned holds nan or inf."""
    if not _state["check_nan"]:
        return
    for i, g in enumerate(grads):
        if g is None:
            continue
        v = _values(g)
        if np.isfinite(v).all():
            continue
        what = "nan" if np.isnan(v).any() else "inf"
        raise RuntimeError(_message(op, i, what))


def _message(op: Op, i: int, what: str) -> str:
    name = op.name() if callable(op.name) else op.name
    inputs = ", ".join(
        f"{tuple(x.shape)} {x.dtype}" if hasattr(x, "shape") else f"the number {x!r}"
        for x in (op.saved or ())
    )
    lines = [
        f"Function '{name}' returned {what} values in its {_ordinal(i)} output "
        f"(the gradient for its input {i}).",
        f"Its inputs: {inputs}.",
    ]
    site = getattr(op, "site", None)
    if site:
        lines.append(f"{name}'s op was created in the forward pass at:")
        lines.extend(line.rstrip("\n") for line in traceback.format_list(site))
    else:
        lines.append("(It was created before anomaly mode was turned on: no creation site.)")
    return "\n".join(lines)


def _ordinal(i: int) -> str:
    return f"{i}{'th' if 10 <= i % 100 < 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(i % 10, 'th')}"


Anomaly.record = _record
Anomaly.check = _check

__all__ = [
    "detect_anomaly",
    "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled",
    "set_detect_anomaly",
]
