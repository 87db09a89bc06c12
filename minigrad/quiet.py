"""IEEE results where the math asks for them (3e38 * 10 = inf, inf - inf = nan, log 0 = -inf,
1/0 = inf, as in PyTorch), without NumPy's RuntimeWarning, and the user's NumPy left as it was.

Op forwards: a ``warnings`` filter ignores NumPy's overflow, invalid-value and divide-by-zero
warnings raised in minigrad's own modules (NumPy names the Python frame that called the ufunc),
kept first in ``warnings.filters``: ``tensor.py``'s entry points (``apply``, ``_unary``,
``_binary``) check that it still is before every forward (one identity test) and put it back
when a ``simplefilter("error")`` or a ``catch_warnings`` (pytest's around collection and every
test) has pushed it back or dropped it. A forward that raises anyway (NumPy set to raise by
``np.seterr``, a warning from NumPy's own Python code under ``"error"``) is run again with
NumPy's warnings off (``_again_quietly``). The user's own NumPy code warns as NumPy does.

Blocks of NumPy work that NumPy's Python code may attribute to itself (``np.linalg``, a
helper's ``np.mean``), and the backward walk, switch NumPy's error state off instead
(``_ieee()``; ``_quiet_numpy(_QUIET)``/``_loud_numpy``, once per backward). That switch would
also do for every forward, but costs about 0.2 us per op (NumPy's ContextVar set and reset,
then looked up again): ten times the identity test.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

_FILTER = (r"(overflow|invalid value|divide by zero) encountered", r"minigrad(\.|$)")
_FIRST: list[Any] = [None]
"""minigrad's filter, the very tuple that stands first in ``warnings.filters`` when it does."""


def _put_first() -> bool:
    """Make minigrad's filter the first of ``warnings.filters`` (moved there if it is present);
    True, for the entry points' ``warnings.filters[0] is _FIRST[0] or _put_first()``."""
    message, module = _FILTER
    warnings.filterwarnings("ignore", message, RuntimeWarning, module)
    _FIRST[0] = warnings.filters[0]
    return True


def _again_quietly(forward: Callable[..., Any], *xs: Any) -> Any:
    """Run a forward again with NumPy's warnings off, after it raised a RuntimeWarning or a
    FloatingPointError (or found ``warnings.filters`` empty)."""
    _put_first()
    quiet = _quiet_numpy(_QUIET)
    try:
        return forward(*xs)
    except Exception as e:  # the forward's own error (an index out of range), shown alone
        raise e from None
    finally:
        _loud_numpy(quiet)


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
    # token; ``_loud_numpy(token)`` puts back what was there: two calls into C.
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
    """A context manager: NumPy's divide/invalid/overflow warnings off inside it."""
    return _Quiet()


_put_first()
