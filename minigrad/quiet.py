"""IEEE results where the math asks for them (3e38 * 10 = inf, inf - inf = nan, log 0 = -inf,
1/0 = inf, as in PyTorch), without NumPy's RuntimeWarning.

Every op's forward runs with NumPy's divide/invalid/overflow warnings off: ``tensor.py``'s entry
points (``apply``, ``_unary``, ``_binary``) switch NumPy's error state around ``op.forward`` and
back after it (``_quiet_numpy(_QUIET)``, ``_loud_numpy``), except for the unary ops that cannot
meet such an edge (``Op.meets_ieee_edges``). The backward walk runs every rule under one switch,
flipped once per backward. The user's own NumPy code, outside the ops, warns as NumPy does, and
the user's error state (``np.seterr``) is theirs again after every op.

A ``warnings`` filter for minigrad's modules would cost nothing per op but does not hold: a
``simplefilter("error")`` after ``import minigrad`` (pytest's ``filterwarnings = error``) goes
before it, and pytest's ``catch_warnings`` around collection drops it (the warnings then reach
pytest's summary).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _errstate_quiet(settings: Any) -> Any:
    """``_quiet_numpy`` by the public ``np.errstate`` (which builds its settings on every
    entry: about 1 us), where NumPy's private settings are missing."""
    state = np.errstate(divide="ignore", invalid="ignore", over="ignore")
    state.__enter__()
    return state


def _errstate_loud(state: Any) -> None:
    state.__exit__(None, None, None)


try:  # NumPy >= 2.0 (private, so checked: any failure falls back to np.errstate)
    from numpy._core._ufunc_config import (  # type: ignore[attr-defined]
        _extobj_contextvar as _extobj,
    )
    from numpy._core._ufunc_config import _make_extobj  # type: ignore[attr-defined]

    _QUIET: Any = _make_extobj(divide="ignore", invalid="ignore", over="ignore")
    # ``_quiet_numpy(_QUIET)`` sets the prebuilt settings in NumPy's ContextVar and returns a
    # token; ``_loud_numpy(token)`` puts back what was there. Two calls into C (about 0.1 us);
    # a Python function around them would add half as much again, on every op.
    _quiet_numpy: Any = _extobj.set
    _loud_numpy: Any = _extobj.reset
except Exception:  # pragma: no cover - older or future NumPy
    _QUIET, _quiet_numpy, _loud_numpy = None, _errstate_quiet, _errstate_loud


class _Quiet:
    """``with _ieee():`` -- the warnings off for one block."""

    __slots__ = ("token",)

    def __enter__(self) -> None:
        self.token = _quiet_numpy(_QUIET)

    def __exit__(self, *exc: object) -> None:
        _loud_numpy(self.token)


def _ieee() -> Any:
    """A context manager: NumPy's divide/invalid/overflow warnings off inside it (for NumPy
    work outside an op's forward: a helper's, an optimizer's)."""
    return _Quiet()
