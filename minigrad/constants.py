"""PyTorch's top-level constants and type information: ``inf``, ``nan``, ``pi``, ``e``,
``newaxis``, ``finfo``, ``iinfo``, ``can_cast``, ``typename``, ``is_signed``, ``is_nonzero``,
``is_same_size``."""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from .dtypes import dtype, get_default_dtype, of_array
from .tensor import Tensor

__all__ = [
    "can_cast",
    "e",
    "finfo",
    "iinfo",
    "inf",
    "is_nonzero",
    "is_same_size",
    "is_signed",
    "nan",
    "newaxis",
    "pi",
    "typename",
]

inf = math.inf
nan = math.nan
pi = math.pi
e = math.e
newaxis = None  # x[:, newaxis] adds a dimension, as x[:, None]


def _a_dtype(value: Any, fn: str, arg: str = "type") -> dtype:
    """``value`` if it is a minigrad dtype, else PyTorch's TypeError for ``fn``'s argument."""
    if not isinstance(value, dtype):
        raise TypeError(
            f"{fn}(): argument '{arg}' (position 1) must be minigrad.dtype, not "
            f"{type(value).__name__} (e.g. minigrad.float32)"
        )
    return value


def _g(v: builtins.float) -> str:
    """A number as PyTorch's finfo/iinfo repr prints it (C's %g: six significant digits)."""
    return f"{v:g}"


class finfo:
    """The numerical properties of a float dtype (``torch.finfo``): ``bits``, ``eps`` (the gap
    between 1 and the next number), ``max``, ``min``, ``tiny`` and ``smallest_normal`` (the
    smallest positive normal number), ``resolution`` (10 to minus the decimal digits) and
    ``dtype`` (its name). Without an argument, the default dtype's; a complex dtype gives the
    properties of its real part, as in PyTorch.

    Raises:
        TypeError: for an integer or bool dtype (use ``iinfo``) or an argument that is not a
            dtype.
    """

    bits: builtins.int
    eps: builtins.float
    max: builtins.float
    min: builtins.float
    tiny: builtins.float
    smallest_normal: builtins.float
    resolution: builtins.float
    dtype: str

    def __init__(self, type: Any = None) -> None:
        d = get_default_dtype() if type is None else _a_dtype(type, "finfo")
        if d.kind == "c":
            d = of_array(np.dtype(f"f{d.itemsize // 2}"))
        if d.kind != "f":
            raise TypeError(
                "minigrad.finfo() requires a floating point input type. Use minigrad.iinfo to "
                f"handle {d!r}"
            )
        info = np.finfo(d.dtype)
        self.bits = builtins.int(info.bits)
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -builtins.int(info.precision)
        self.dtype = d.name

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={_g(self.resolution)}, min={_g(self.min)}, max={_g(self.max)}, "
            f"eps={_g(self.eps)}, smallest_normal={_g(self.smallest_normal)}, "
            f"tiny={_g(self.tiny)}, dtype={self.dtype})"
        )

    def __eq__(self, other: object) -> builtins.bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> builtins.int:
        return hash(("finfo", self.dtype))


class iinfo:
    """The range of an integer dtype (``torch.iinfo``): ``bits``, ``max``, ``min`` (ints) and
    ``dtype`` (its name).

    Raises:
        TypeError: for a float or complex dtype (use ``finfo``), for bool (which has no
            integer range in PyTorch), or an argument that is not a dtype.
    """

    bits: builtins.int
    max: builtins.int
    min: builtins.int
    dtype: str

    def __init__(self, type: Any) -> None:
        d = _a_dtype(type, "iinfo")
        if d.kind == "b":
            raise TypeError(f"{d!r} is not supported by minigrad.iinfo")
        if d.kind not in "iu":
            raise TypeError(
                "minigrad.iinfo() requires an integer input type. Use minigrad.finfo to handle "
                f"{d!r}"
            )
        info = np.iinfo(d.dtype)
        self.bits = builtins.int(info.bits)
        self.max, self.min = builtins.int(info.max), builtins.int(info.min)
        self.dtype = d.name

    def __repr__(self) -> str:
        return f"iinfo(min={_g(self.min)}, max={_g(self.max)}, dtype={self.dtype})"

    def __eq__(self, other: object) -> builtins.bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> builtins.int:
        return hash(("iinfo", self.dtype))


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def can_cast(from_: Any, to: Any) -> builtins.bool:
    """Whether PyTorch's casting rules allow ``from_`` to ``to`` without leaving a kind behind:
    bool < integers < floats < complex, a cast may go up or across, never down (float to int,
    complex to float and anything to bool are refused; int64 to uint8 is allowed).

    Raises:
        TypeError: if either argument is not a dtype.
    """
    a = _a_dtype(from_, "can_cast", "from_")
    b = _a_dtype(to, "can_cast", "to")
    return _CATEGORY[a.kind] <= _CATEGORY[b.kind]


def typename(obj: Any) -> str:
    """A readable type name: a tensor's type (``"minigrad.FloatTensor"``, as ``t.type()``),
    else the object's module and qualified name (``"int"`` for builtins), as ``torch.typename``.
    """
    if isinstance(obj, Tensor):
        return str(obj.type())
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    return qualname if module in {"", "builtins"} else f"{module}.{qualname}"


def _a_tensor(value: Any, fn: str, arg: str = "input", position: builtins.int = 1) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{fn}(): argument '{arg}' (position {position}) must be Tensor, not "
            f"{type(value).__name__} (wrap it with minigrad.tensor)"
        )
    return value


def is_signed(input: Tensor) -> builtins.bool:
    """True if the tensor's dtype holds negative numbers (not for uint8 and bool)."""
    return _a_tensor(input, "is_signed").is_signed()


def is_nonzero(input: Tensor) -> builtins.bool:
    """``bool(input)`` for a tensor of exactly one element (of any shape).

    Raises:
        RuntimeError: for an empty tensor or one of more than one element, as PyTorch.
    """
    t = _a_tensor(input, "is_nonzero")
    n = t._data.size
    if n != 1:
        which = "no values" if n == 0 else "more than one value"
        raise RuntimeError(f"Boolean value of Tensor with {which} is ambiguous")
    return builtins.bool(t._data.reshape(()))


def is_same_size(input: Tensor, other: Tensor) -> builtins.bool:
    """Whether two tensors have the same shape."""
    a = _a_tensor(input, "is_same_size")
    b = _a_tensor(other, "is_same_size", "other", 2)
    return a._data.shape == b._data.shape
