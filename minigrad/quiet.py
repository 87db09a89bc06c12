"""IEEE results where the math asks for them (log 0 = -inf, 1/0 = inf, sqrt(-1) = nan, as in
PyTorch), without NumPy's RuntimeWarning.

Only forwards whose domain has such edges pay for ``_ieee()``; the backward walk runs every rule
under one switch (``_quiet_numpy``/``_loud_numpy``), flipped once per backward.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class _Quiet:
    """``with _ieee():`` -- the warnings off for one block, by ``_quiet_numpy``'s prebuilt
    settings: about a third of ``np.errstate``'s cost, which builds its settings on every entry
    (sin, cos and the other forwards with IEEE edges run inside one on every call)."""

    __slots__ = ("token",)

    def __enter__(self) -> None:
        self.token = _quiet_numpy()

    def __exit__(self, *exc: object) -> None:
        _loud_numpy(self.token)


def _ieee() -> Any:
    """A context manager: NumPy's divide/invalid/overflow warnings off inside it."""
    if _IGNORE is None:
        return np.errstate(divide="ignore", invalid="ignore", over="ignore")
    return _Quiet()


def _quiet_numpy() -> Any:
    """Turn NumPy's divide/invalid/overflow warnings off in this context; ``_loud_numpy`` of
    the result undoes it.

    ``np.errstate(...)`` builds its settings on every entry (about 1 us, a few percent of a tiny
    model's step); NumPy 2 keeps them in a ContextVar, so the prebuilt settings are set directly
    when that is available.
    """
    if _IGNORE is None:
        state = np.errstate(divide="ignore", invalid="ignore", over="ignore")
        state.__enter__()
        return state
    return _extobj.set(_IGNORE)


def _loud_numpy(quiet: Any) -> None:
    if _IGNORE is None:
        quiet.__exit__(None, None, None)
    else:
        _extobj.reset(quiet)


try:  # NumPy >= 2.0 (private, so checked: any failure falls back to np.errstate)
    from numpy._core._ufunc_config import (  # type: ignore[attr-defined]
        _extobj_contextvar as _extobj,
    )
    from numpy._core._ufunc_config import _make_extobj  # type: ignore[attr-defined]

    _IGNORE: Any = _make_extobj(divide="ignore", invalid="ignore", over="ignore")
except Exception:  # pragma: no cover - older or future NumPy
    _extobj, _IGNORE = None, None
