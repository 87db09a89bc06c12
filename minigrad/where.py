"""``where(condition, input, other)``'s arguments, read as PyTorch reads them, and the method
``Tensor.where(condition, other)``: here, below the module-level functions, so that the method
and ``minigrad.where`` share one reading (the condition, the sides' types, their result dtype).

Below ``tensor.py``, so it knows no Tensor class: anything with a ``._data`` array is a tensor.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from . import ops
from .dtypes import result_np, torch_name, wrapped_int
from .engine import TensorMakers
from .validation import REQUIRED, _as_array, _check_broadcasts, type_name

if TYPE_CHECKING:
    from .tensor import Tensor


def _side_refusal(v: Any, name: str, position: int) -> None:
    """Refuse what ``where`` cannot take (strings, None, objects), as the arithmetic ops do."""
    if hasattr(v, "_data") or isinstance(v, bool | int | float):
        return
    if isinstance(v, np.generic) and v.dtype.kind in "biuf":
        return
    if isinstance(v, list | tuple | np.ndarray):
        _as_array(v)  # raises, naming the bad element, for anything but real numbers
        return
    raise TypeError(
        f"where(): argument '{name}' (position {position}) must be a Tensor or a real number, "
        f"not {type(v).__name__}"
    )


def _condition(condition: Any) -> np.ndarray:
    """The bool mask of a condition: a uint8 one read as ``cond != 0`` with PyTorch's
    deprecation warning (masks were uint8 before PyTorch had bool tensors); any other dtype
    refused in PyTorch's words."""
    cond = np.asarray(condition._data if hasattr(condition, "_data") else condition)
    if cond.dtype == np.bool_:
        return cond
    if cond.dtype != np.uint8:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{torch_name(cond.dtype)} (where(): make the condition bool, e.g. cond != 0)"
        )
    warnings.warn(
        "where received a uint8 condition tensor. This behavior is deprecated and will be "
        "removed in a future version of PyTorch. Use a boolean condition instead. (where(): "
        "make the condition bool, e.g. cond.bool())",
        UserWarning,
        stacklevel=4,
    )
    return cond != 0


def _side(v: Any) -> Any:
    """A side of ``where``: a Tensor, or a Python number (a NumPy scalar becomes one)."""
    if hasattr(v, "_data") or isinstance(v, bool | int | float):
        return v
    if isinstance(v, np.generic):
        return v.item()
    return TensorMakers.wrap(_as_array(v), None)  # a list or an array, as tensor(v) reads it


def _in_dtype(v: Any, dtype: np.dtype) -> Tensor:
    """``v`` (a Tensor or a number) as a tensor of ``dtype`` (a tensor through a recorded
    cast, so its gradient comes back in its own dtype)."""
    if not hasattr(v, "_data"):
        return TensorMakers.wrap(np.asarray(wrapped_int(v, dtype), dtype=dtype), None)
    return v if v._data.dtype == dtype else v.astype(dtype)


def where_of(condition: Any, x: Any, y: Any) -> Tensor:
    """``x`` where ``condition`` holds, else ``y`` (``minigrad.where``'s three-argument form):
    the sides tensors, numbers, lists or arrays, in PyTorch's result dtype of the two."""
    cond = _condition(condition)
    _side_refusal(x, "input", 2)
    _side_refusal(y, "other", 3)
    xs, ys = _side(x), _side(y)
    # PyTorch's result type of the two, as for x + y: a number counts below a 0-d tensor, a
    # 0-d tensor below one with dimensions, and a float number makes an int tensor float
    rt = result_np(*(v._data if hasattr(v, "_data") else v for v in (xs, ys)))
    try:
        return TensorMakers.apply(ops.Where(cond), _in_dtype(xs, rt), _in_dtype(ys, rt))
    except ValueError:
        _check_broadcasts("where", cond, xs, ys)  # (PyTorch's words, not NumPy's)
        raise


class WhereMethod:
    """``Tensor.where`` (``Tensor`` inherits it)."""

    __slots__ = ()

    def where(self: Any, condition: Any, other: Any = REQUIRED) -> Tensor:
        """This tensor where ``condition`` holds, else ``other``: PyTorch's method,
        ``torch.where(condition, self, other)``; gradients flow to both sides.

        As PyTorch's method, ``condition`` is a tensor (bool, or uint8 with PyTorch's warning)
        and ``other`` a tensor or a number; both broadcast with this tensor, and the result has
        the dtype of ``self + other``.

        Raises:
            TypeError: PyTorch's "invalid combination of arguments" for a condition that is not
                a tensor or an ``other`` that is neither a tensor nor a number (a list, None).
            RuntimeError: a condition neither bool nor uint8; shapes that do not broadcast.
        """
        if other is REQUIRED:
            raise TypeError(
                "where() received an invalid combination of arguments - got (condition) alone "
                "(x.where(condition, other); torch.where(condition) gives the indices)"
            )
        number = isinstance(other, bool | int | float) or (
            isinstance(other, np.generic) and other.dtype.kind in "biuf"
        )
        if not hasattr(condition, "_data") or not (hasattr(other, "_data") or number):
            raise TypeError(
                "where() received an invalid combination of arguments - got "
                f"({type_name(condition)}, {type_name(other)}) (x.where(condition, other): "
                "the condition a bool tensor, other a tensor or a number)"
            )
        return where_of(condition, self, other)
