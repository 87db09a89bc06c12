"""A tensor's printed form, PyTorch's to the character, and the options that shape it
(``set_printoptions``, ``get_printoptions``).

One layout decides every element's width: a float tensor prints either whole numbers with a
trailing dot (``1.``), fixed digits (``0.6140``) or scientific notation (``1.0000e+10``),
chosen from its finite, nonzero values; every element is then padded to the widest of those,
and rows are wrapped to the line width under the indentation of their brackets. A tensor with
more elements than ``threshold`` shows only ``edgeitems`` at each end of every dimension.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from .dtypes import default_float

__all__ = ["get_printoptions", "set_printoptions", "tensor_repr"]

_Result = TypeVar("_Result", bound=type)


@dataclasses.dataclass
class _Options:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTIONS = _Options()

# PyTorch's profiles: (precision, threshold, edgeitems, linewidth)
_PROFILES: dict[str, tuple[int, float, int, int]] = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set how tensors print (``torch.set_printoptions``); arguments left as None keep their
    value, except ``sci_mode``, which every call sets (None: chosen from the values).

    Args:
        precision: digits after the decimal point (default 4).
        threshold: a tensor with more elements than this is summarised (default 1000).
        edgeitems: elements shown at each end of every dimension when summarised (default 3).
        linewidth: characters per line before a row wraps (default 80).
        profile: ``"default"``, ``"short"`` (precision 2, edgeitems 2) or ``"full"`` (never
            summarise); applied first, so the other arguments override it.
        sci_mode: True or False forces scientific notation on or off.

    Raises:
        ValueError: for a profile other than those three (PyTorch ignores it), before any
            option changes.
    """
    if profile is not None and profile not in _PROFILES:
        raise ValueError(
            f"set_printoptions(): profile must be one of 'default', 'short' or 'full', "
            f"got {profile!r}"
        )
    if profile is not None:
        p = _PROFILES[profile]
        _OPTIONS.precision, _OPTIONS.threshold, _OPTIONS.edgeitems, _OPTIONS.linewidth = p
    if precision is not None:
        _OPTIONS.precision = precision
    if threshold is not None:
        _OPTIONS.threshold = threshold
    if edgeitems is not None:
        _OPTIONS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTIONS.linewidth = linewidth
    _OPTIONS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as keyword arguments ``set_printoptions`` takes back."""
    return dataclasses.asdict(_OPTIONS)


class _Formatter:
    """The layout of a tensor's elements: each formatted alike and padded to ``width``."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        p = _OPTIONS.precision
        if not self.floating:
            self.width = max([1, *(len(str(v)) for v in np.unique(values).tolist())])
            return
        shown = values[np.isfinite(values) & (values != 0)]
        if shown.size == 0:  # zeros, nan and inf alone print as "0.", "nan", "inf"
            return
        magnitude = np.abs(shown.astype(np.float64))
        low, high = float(magnitude.min()), float(magnitude.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        if _OPTIONS.sci_mode is None:
            self.sci_mode = high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4
        else:
            self.sci_mode = bool(_OPTIONS.sci_mode)
        distinct = np.unique(shown).tolist()  # (the width depends on the value alone)
        if self.sci_mode:
            self.width = max(len(f"{v:.{p}e}") for v in distinct)
        elif self.int_mode:  # +1: the dot that marks a float
            self.width = max(len(f"{v:.0f}") + 1 for v in distinct)
        else:
            self.width = max(len(f"{v:.{p}f}") for v in distinct)

    def format(self, value: Any) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.width}.{_OPTIONS.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{_OPTIONS.precision}f}"
        return text.rjust(self.width)


def _shown_values(a: np.ndarray, edge: int) -> np.ndarray:
    """The values a summarised print shows (the only ones its layout is chosen from)."""
    if a.ndim == 0:
        return a.reshape(1)
    if a.ndim == 1:
        # (with edge 0, a[-0:] is the whole vector: PyTorch reads all of it too)
        return np.concatenate([a[:edge], a[-edge:]]) if a.shape[0] > 2 * edge else a
    if edge == 0:
        return a.reshape(-1)[:0]
    n = a.shape[0]
    rows = [*range(edge), *range(n - edge, n)] if n > 2 * edge else range(n)
    return np.concatenate([_shown_values(a[i], edge) for i in rows])


def _vector(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, math.floor((_OPTIONS.linewidth - indent) / (fmt.width + 2)))  # (+ ", ")
    edge = _OPTIONS.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        items = [
            *(fmt.format(v) for v in a[:edge].tolist()),
            " ...",
            *(fmt.format(v) for v in a[-edge:].tolist()),
        ]
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    n, edge = a.shape[0], _OPTIONS.edgeitems
    if summarize and n > 2 * edge:
        rows = [_nested(a[i], indent + 1, summarize, fmt) for i in range(edge)]
        rows.append("...")
        rows += [_nested(a[i], indent + 1, summarize, fmt) for i in range(n - edge, n)]
    else:
        rows = [_nested(a[i], indent + 1, summarize, fmt) for i in range(n)]
    # a blank line between blocks of three and more dimensions
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _body(a: np.ndarray, indent: int) -> str:
    """The bracketed values of a non-empty array, its first line after ``indent`` columns."""
    summarize = a.size > _OPTIONS.threshold
    shown = _shown_values(a, _OPTIONS.edgeitems) if summarize else a.reshape(-1)
    return _nested(a, indent, summarize, _Formatter(shown))


def tensor_repr(t: Any) -> str:
    """``repr(t)``: ``tensor(`` and the values, then the suffixes PyTorch adds (``size=``,
    ``dtype=``, ``grad_fn=`` or ``requires_grad=True``), each that would pass the line width
    on a line of its own."""
    a: np.ndarray = t._data
    prefix = "tensor("
    indent = len(prefix)
    default = default_float()
    suffixes = []
    if a.size == 0:  # no values to read the shape or the dtype from
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype != default:
            suffixes.append(f"dtype={t.dtype}")
        body = "[]"
    else:
        if not _OPTIONS.edgeitems:  # nothing but "..." is shown
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype not in (default, np.int64, np.bool_):
            suffixes.append(f"dtype={t.dtype}")
        body = _body(a, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn={t.grad_fn!r}")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    text = prefix + body
    last = len(text) - text.rfind("\n") + 1  # (PyTorch's count, one more than the line)
    for suffix in suffixes:
        width = len(suffix)  # (minigrad's own text: no line passes the width)
        if last + width + 2 > _OPTIONS.linewidth:
            text += ",\n" + " " * indent + suffix
            last = indent + width
        else:
            text += ", " + suffix
            last += width + 2
    return text + ")"


def return_type(name: str | None = None) -> Callable[[_Result], _Result]:
    """A class decorator giving a named tuple of results PyTorch's printed form (``torch.
    return_types.max(``, each field on a line of its own)::

        minigrad.return_types.max(
        values=tensor([3., 4.]),
        indices=tensor([1, 1]))

    ``name`` is PyTorch's name of the tuple when the class's own differs (``linalg_svd``).
    """

    def decorate(cls: _Result) -> _Result:
        title = f"minigrad.return_types.{name or cls.__name__}"

        def __repr__(self: tuple[Any, ...]) -> str:
            fields = ",\n".join(
                f"{field}={value!r}"
                for field, value in zip(self._fields, self, strict=True)  # type: ignore[attr-defined]
            )
            return f"{title}(\n{fields})"

        cls.__repr__ = __repr__  # type: ignore[assignment]
        return cls

    return decorate
