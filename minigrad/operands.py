"""A binary operator's operands (``Tensor._binary``): what an operand that is not a Tensor
becomes (``_operand``), and PyTorch's type promotion of the two (``_promoted``), which refuses
what PyTorch refuses on bools (subtraction; pow with a bool result); and the operands of
``**`` with a Python bool (``_bool_power``) and of ``clip`` with number bounds (``_clip_input``).

Both run only off the hot path: ``_binary`` calls them for an operand that is not a Tensor and
for operands whose dtypes differ or are not floats. Below ``tensor.py``, so it knows no Tensor
class: as the engine, it treats anything with a ``._data`` array as a tensor.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from .dtypes import checked_number, default_float, result_np, wrapped_int
from .engine import Op, TensorMakers
from .validation import (
    ArgumentError,
    _as_array,
    _bool_refusal,
    _check_product_dtypes,
    _is_bool,
    _subtraction_refusal,
)

# Arguments a Tensor method takes as they are, with no conversion (clamp's number bounds); a
# tuple, as isinstance checks it fastest.
_NUMBER_OR_NONE = (float, int, type(None))

_SYMBOLS = {ops.Add: "+", ops.Sub: "-", ops.Mul: "*", ops.Div: "/", ops.Pow: "**"}


def _operand(v: Any, op: Any = None, x: Any = None, y: Any = None) -> Any:
    """A non-Tensor operand: Python numbers stay constants, arrays and lists become Tensors.

    NumPy scalars become Python numbers, so ``x * np.float64(2)`` keeps x's float32 (as in
    PyTorch) instead of promoting under NumPy's rules for typed scalars. Anything else (a
    string, None, a complex number, an object) is refused with Python's own wording.
    """
    if isinstance(v, np.generic) and v.dtype.kind in "biuf":
        v = v.item()
    if isinstance(v, int | float):
        if type(v) is bool and type(op) is ops.Sub:  # (a bool tensor is refused in _promoted)
            raise _subtraction_refusal(x, y)
        return v
    sym = op if isinstance(op, str) else _SYMBOLS.get(type(op), type(op).__name__.lower())
    if isinstance(v, list | tuple | np.ndarray):
        try:
            return TensorMakers.wrap(_as_array(v), None)  # as tensor(v) reads it
        except (TypeError, ValueError) as e:
            raise type(e)(f"{sym}: the operand cannot become a tensor: {e}") from None
    names = (type(x).__name__, type(y).__name__)
    raise TypeError(
        f"unsupported operand type(s) for {sym}: '{names[0]}' and '{names[1]}' (expected a "
        "Tensor, a real number, or an array or nested list of real numbers)"
    )


def _promoted(op: Op, x: Any, y: Any, xd: Any, yd: Any) -> tuple[Any, Any]:
    """The operands converted to PyTorch's result type (``dtypes.result_np``).

    A tensor that needs grad is converted by a recorded cast, so its gradient comes back in
    its own dtype; Python numbers stay as they are (NumPy treats them as weak, as PyTorch).
    """
    if type(op) is ops.MatMul:
        _check_product_dtypes(xd, yd)  # (products do not promote: they refuse two dtypes)
        return x, y
    if type(op) is ops.Sub and (_is_bool(x) or _is_bool(y)):
        raise _subtraction_refusal(x, y)
    rt = result_np(xd, yd)
    if type(op) is ops.Pow and rt.kind == "b":  # (x ** True is answered before: _bool_power)
        raise _bool_refusal("pow")
    if type(op) is ops.Pow and type(y) is int and y < 0 and rt.kind in "biu":
        raise RuntimeError(
            f"Integers to negative integer powers are not allowed. (pow(): a {xd.dtype} tensor "
            f"to the power {y}; for the reciprocal use a float, e.g. t.float() ** {y} or "
            f"t ** {float(y)})"
        )
    if type(op) is ops.Div and rt.kind not in "fc":
        rt = default_float()  # int / int is true division, into the default float dtype
    if rt.kind in "iu":  # a Python int that does not fit wraps around, as PyTorch casts it
        x, y = wrapped_int(x, rt), wrapped_int(y, rt)
    if not isinstance(x, int | float) and xd.dtype != rt:  # (a number is left as it is)
        x = x.astype(rt)
    if not isinstance(y, int | float) and yd.dtype != rt:
        y = y.astype(rt)
    if type(op) is ops.Pow and rt.kind in "iu" and not isinstance(y, int | float):
        return _negative_powers(x, y, rt)
    return x, y


def _bool_power(x: Any, y: bool) -> Any:
    """``x ** y`` for a Python bool ``y`` (``Tensor.__pow__``). PyTorch answers a bool tensor
    ``x`` in bool: x itself (a copy) for True, all True for False; NumPy would answer in int8.
    Any other ``x`` is ``x ** 1`` or ``x ** 0``."""
    if x._data.dtype.kind != "b":
        return x ** int(y)
    out = x._data.copy() if y else np.ones(x._data.shape, dtype=np.bool_)
    return TensorMakers.wrap(out, None)


def _clip_input(x: Any, low: Any, high: Any) -> tuple[Any, Any, Any]:
    """The input and bounds of ``clip`` with number bounds (or None). An integer or bool input
    is in the default float dtype for a float bound (PyTorch's result type), in int64 for a
    bool one by int bounds, and refused, as PyTorch, for a bool one by bool bounds (NumPy
    would answer). Each bound is then converted to that dtype as PyTorch converts it
    (``checked_number``): -1 is 255 for uint8, 300 is refused (NumPy would compare the
    numbers, or raise its own OverflowError); a float input keeps its bounds as given."""
    if low is None and high is None:
        raise ArgumentError("torch.clamp: At least one of 'min' or 'max' must not be None")
    kind = x._data.dtype.kind
    if kind not in "fc":
        if isinstance(low, float) or isinstance(high, float):
            x = TensorMakers.wrap(x._data.astype(default_float()), None)
        elif kind == "b" and type(low) is not int and type(high) is not int:
            kernel = "clamp_min" if high is None else "clamp_max" if low is None else "clamp"
            raise _bool_refusal("clamp", f"{kernel}_scalar_cpu")
        elif kind == "b":
            x = TensorMakers.wrap(x._data.astype(np.int64), None)
    dt = x._data.dtype
    checked = [None if v is None else checked_number(v, dt, "clamp") for v in (low, high)]
    if dt.kind in "fc":
        return x, low, high
    return x, *(None if c is None else c.item() for c in checked)


def _negative_powers(x: Any, y: Any, rt: np.dtype) -> tuple[Any, Any]:
    """PyTorch's integer power where an exponent (an element of a tensor) is negative: 1 to it
    is 1, -1 to it is 1 or -1 by its parity, any other base 0 (0 too). NumPy refuses these, so
    they are written as powers it takes: the base made 1, -1 or 0, the exponent 2 or 1 (its
    parity). Only integer tensors, so nothing needs a gradient."""
    yd = y._data
    negative = yd < 0
    if not negative.any():
        return x, y
    xd = x._data if hasattr(x, "_data") else x
    base = np.where(negative, np.where((xd == 1) | (xd == -1), xd, 0), xd).astype(rt)
    exponent = np.where(negative, 2 - (yd & 1), yd).astype(rt)
    wrap = TensorMakers.wrap
    return (wrap(base, None) if hasattr(x, "_data") else base), wrap(exponent, None)
