"""More of PyTorch's creation functions: ``asarray`` (sharing memory when it can),
``scalar_tensor``, the deprecated end-inclusive ``range``, and the signal windows
``hann_window``, ``hamming_window``, ``blackman_window``, ``bartlett_window``,
``kaiser_window``."""

from __future__ import annotations

import builtins
import math
import numbers
import warnings
from typing import Any

import numpy as np

from .creation import _made, from_numpy, tensor
from .device import as_device
from .dtypes import default_float, to_dtype, torch_name
from .tensor import Tensor
from .validation import DTypeLike

__all__ = [
    "asarray",
    "bartlett_window",
    "blackman_window",
    "hamming_window",
    "hann_window",
    "kaiser_window",
    "range",
    "scalar_tensor",
]


def _alias_refused(have: np.dtype, want: np.dtype) -> ValueError:
    return ValueError(
        f"can't alias tensor with dtype '{torch_name(have)}' into dtype '{torch_name(want)}'. "
        "(asarray(): copy=False forbids the conversion; pass copy=None to allow it)"
    )


def asarray(
    obj: Any,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    copy: builtins.bool | None = None,
    requires_grad: builtins.bool | None = None,
) -> Tensor:
    """``obj`` as a tensor, sharing memory when it can (``torch.asarray``).

    A tensor is returned as it is, and a NumPy array shared (writes to one show in the
    other), when no dtype conversion is asked; ``copy=True`` always copies, ``copy=False``
    refuses a conversion (ValueError). Other data (lists, numbers) is copied as
    ``minigrad.tensor`` makes it. For a tensor, as in PyTorch 2.13: ``requires_grad`` left out
    keeps the tensor's (with PyTorch's warning when that is True: a copy or cast stays in the
    graph), and given, it is set on a leaf returned as it is (``asarray(x,
    requires_grad=False)`` switches ``x``'s off) or detaches a non-leaf.
    """
    as_device(device)
    want = None if dtype is None else to_dtype(dtype).dtype
    if isinstance(obj, Tensor):
        have = obj._data.dtype
        convert = want is not None and want != have
        if copy is False and convert:
            raise _alias_refused(have, want)  # type: ignore[arg-type]
        if requires_grad is None and obj.requires_grad:
            warnings.warn(
                "minigrad.asarray: unspecified requires_grad now defaults to obj.requires_grad "
                "instead of False. Pass requires_grad=False explicitly to get the old behavior "
                "and silence this warning.",
                UserWarning,
                stacklevel=2,
            )
        out = obj.to(want) if convert else obj.clone() if copy else obj
        if requires_grad is None:
            return out
        if out is obj and obj.is_leaf:
            return obj.requires_grad_(requires_grad)
        if not requires_grad:
            return out.detach()
        return out if out.requires_grad else out.requires_grad_(True)
    if isinstance(obj, np.ndarray):
        if want is not None and want != obj.dtype:
            if copy is False:
                raise _alias_refused(obj.dtype, want)
            t = tensor(obj, dtype=want)
        else:
            t = from_numpy(obj.copy() if copy else obj)
    else:
        t = tensor(obj, dtype=want)
    return t.requires_grad_(True) if requires_grad else t


def scalar_tensor(
    s: Any,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """A 0-d tensor holding the number ``s``, in the default float dtype unless ``dtype`` is
    given (even for an int or a bool, as PyTorch).

    Raises:
        TypeError: if ``s`` is not a number (a tensor included; use ``t.reshape(())``).
    """
    if not isinstance(s, numbers.Number):
        raise TypeError(
            f"scalar_tensor(): argument 's' (position 1) must be Number, not {type(s).__name__}"
        )
    dt = default_float() if dtype is None else to_dtype(dtype).dtype
    return _made(np.asarray(s).astype(dt), device, requires_grad)


def range(
    start: float = 0,
    end: float | None = None,
    step: float = 1,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """Values from ``start`` to ``end`` *inclusive* by ``step``, in the default float dtype
    unless ``dtype`` is given: ``floor((end - start) / step) + 1`` of them. Deprecated in
    PyTorch, with its warning: use ``arange``, which leaves ``end`` out.

    Raises:
        RuntimeError: for a zero step, or one that goes away from ``end`` (PyTorch's errors).
    """
    warnings.warn(
        "minigrad.range is deprecated and will be removed in a future release because its "
        "behavior is inconsistent with Python's range builtin. Instead, use minigrad.arange, "
        "which produces values in [start, end).",
        UserWarning,
        stacklevel=2,
    )
    if end is None:
        raise TypeError("range() missing 1 required positional argument: 'end'")
    fs, fe, fst = float(start), float(end), float(step)
    if fst == 0:
        raise RuntimeError("step must be nonzero")
    if not ((fst > 0 and fe >= fs) or (fst < 0 and fe <= fs)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = math.floor((fe - fs) / fst) + 1
    dt = default_float() if dtype is None else to_dtype(dtype).dtype
    values = fs + np.arange(n, dtype=np.float64) * fst
    return _made(values.astype(dt), device, requires_grad)


def _window(
    name: str,
    window_length: Any,
    periodic: builtins.bool,
    dtype: DTypeLike,
    device: Any,
    requires_grad: builtins.bool,
    symmetric: Any,
) -> Tensor:
    """The window of ``window_length`` points: ``symmetric(n)`` of n points, computed for
    ``window_length + 1`` and cut to ``window_length`` when ``periodic`` (for spectral
    analysis, the default), as PyTorch does; one point is [1]."""
    if isinstance(window_length, builtins.bool) or not isinstance(window_length, builtins.int):
        raise TypeError(
            f"{name}(): argument 'window_length' (position 1) must be int, not "
            f"{type(window_length).__name__}"
        )
    if window_length < 0:
        raise RuntimeError(
            f"{name} requires non-negative window_length, got window_length={window_length}"
        )
    dt = default_float() if dtype is None else to_dtype(dtype).dtype
    if dt.kind != "f":
        raise RuntimeError(f"{name} expects floating point dtypes, got: {torch_name(dt)}")
    if window_length <= 1:
        values = np.ones(window_length)
    else:
        n = window_length + 1 if periodic else window_length
        values = symmetric(n)[:window_length]
    return _made(values.astype(dt), device, requires_grad)


def _cosines(n: builtins.int, *coefs: float) -> np.ndarray:
    """sum_k (-1)^k coefs[k] cos(2 pi k i / (n - 1)), i = 0..n-1."""
    x = 2.0 * np.pi * np.arange(n) / (n - 1)
    return sum((-1) ** k * c * np.cos(k * x) for k, c in enumerate(coefs))


def hann_window(
    window_length: builtins.int,
    periodic: builtins.bool = True,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """The Hann window: 0.5 - 0.5 cos(2 pi i / (N - 1))."""
    return _window(
        "hann_window",
        window_length,
        periodic,
        dtype,
        device,
        requires_grad,
        lambda n: _cosines(n, 0.5, 0.5),
    )


def hamming_window(
    window_length: builtins.int,
    periodic: builtins.bool = True,
    alpha: float = 0.54,
    beta: float = 0.46,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """The Hamming window: alpha - beta cos(2 pi i / (N - 1))."""
    return _window(
        "hamming_window",
        window_length,
        periodic,
        dtype,
        device,
        requires_grad,
        lambda n: _cosines(n, alpha, beta),
    )


def blackman_window(
    window_length: builtins.int,
    periodic: builtins.bool = True,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """The Blackman window: 0.42 - 0.5 cos(2 pi i / (N - 1)) + 0.08 cos(4 pi i / (N - 1))."""
    return _window(
        "blackman_window",
        window_length,
        periodic,
        dtype,
        device,
        requires_grad,
        lambda n: _cosines(n, 0.42, 0.5, 0.08),
    )


def bartlett_window(
    window_length: builtins.int,
    periodic: builtins.bool = True,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """The Bartlett (triangular) window: 1 - |2 i / (N - 1) - 1|."""
    return _window(
        "bartlett_window",
        window_length,
        periodic,
        dtype,
        device,
        requires_grad,
        lambda n: 1.0 - np.abs(2.0 * np.arange(n) / (n - 1) - 1.0),
    )


def kaiser_window(
    window_length: builtins.int,
    periodic: builtins.bool = True,
    beta: float = 12.0,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """The Kaiser window: I0(beta sqrt(1 - (2 i / (N - 1) - 1)^2)) / I0(beta)."""
    return _window(
        "kaiser_window",
        window_length,
        periodic,
        dtype,
        device,
        requires_grad,
        lambda n: np.kaiser(n, beta),
    )
