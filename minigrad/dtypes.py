"""Dtypes with PyTorch's names and PyTorch's type promotion, over NumPy's dtypes.

``minigrad.float32`` and friends are ``dtype`` objects that print as ``minigrad.float32`` and
compare equal to the NumPy dtype they stand for; NumPy accepts them wherever it takes a dtype
(``np.zeros(3, dtype=x.dtype)``), since each carries its NumPy dtype as ``.dtype``.
``result_type`` and ``promote_types`` follow PyTorch: a float32 tensor with an int64 tensor
stays float32, and Python numbers and 0-d tensors do not upcast tensors with dimensions.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

__all__ = [
    "dtype",
    "get_default_dtype",
    "promote_types",
    "result_type",
    "set_default_dtype",
    "to_dtype",
    "wrapped_int",
]


class dtype:
    """A tensor's element type (``torch.dtype``): ``minigrad.float32``, ``minigrad.int64``...

    Compares equal to itself, to the NumPy dtype it stands for and to that dtype's name, so
    ``x.dtype == minigrad.float32``, ``x.dtype == np.float32`` and ``x.dtype == "float32"``
    all hold for a float32 tensor.
    """

    __slots__ = (
        "dtype",
        "is_complex",
        "is_floating_point",
        "is_signed",
        "itemsize",
        "kind",
        "name",
    )

    def __init__(self, name: str, np_dtype: Any) -> None:
        self.name = name
        self.dtype = np.dtype(np_dtype)  # NumPy reads this attribute: np.zeros(2, dtype=self)
        self.kind = self.dtype.kind
        self.itemsize = self.dtype.itemsize
        self.is_floating_point = self.kind == "f"
        self.is_complex = self.kind == "c"
        self.is_signed = self.kind in "ifc"

    def __repr__(self) -> str:
        return f"minigrad.{self.name}"

    def __eq__(self, other: object) -> builtins.bool:
        if other is self:
            return True
        if isinstance(other, dtype):
            return False
        try:
            return self.dtype == np.dtype(other)  # type: ignore[call-overload]
        except TypeError:
            return False

    def __hash__(self) -> builtins.int:
        return hash(self.dtype)

    def __reduce__(self) -> str:
        return self.name  # pickles as the module attribute of that name


float16 = dtype("float16", np.float16)
float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
complex64 = dtype("complex64", np.complex64)
complex128 = dtype("complex128", np.complex128)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = dtype("int16", np.int16)
int32 = dtype("int32", np.int32)
int64 = dtype("int64", np.int64)
bool = dtype("bool", np.bool_)  # (PyTorch's name; shadows the builtin here)

_BY_NP: dict[np.dtype, dtype] = {
    d.dtype: d
    for d in (float16, float32, float64, complex64, complex128, uint8, int8, int16, int32, int64)
}
_BY_NP[bool.dtype] = bool
float = float32  # PyTorch's aliases (module attributes, as minigrad.float)
double = float64
half = float16
long = int64
int = int32
short = int16

_ALIASES = {
    "float": float32,
    "double": float64,
    "half": float16,
    "long": int64,
    "int": int32,
    "short": int16,
    "cfloat": complex64,
    "cdouble": complex128,
}


def to_dtype(d: Any) -> dtype:
    """The ``dtype`` for a dtype, a NumPy dtype or type, or a name ("float32", "long")."""
    if isinstance(d, dtype):
        return d
    if isinstance(d, str):
        name = d.removeprefix("minigrad.").removeprefix("torch.")
        if name in _ALIASES:
            return _ALIASES[name]
        d = name
    try:
        npd = np.dtype(d)
    except TypeError:
        raise TypeError(f"{d!r} is not a dtype (try minigrad.float32 or minigrad.int64)") from None
    found = _BY_NP.get(npd)
    if found is None:  # a NumPy dtype PyTorch has no name for here (uint16...): name it
        found = _BY_NP[npd] = dtype(npd.name, npd)
    return found


def of_array(npd: np.dtype) -> dtype:
    """The ``dtype`` of an array's NumPy dtype (the fast path of ``Tensor.dtype``)."""
    found = _BY_NP.get(npd)
    return found if found is not None else to_dtype(npd)


# PyTorch's two names of a dtype in its messages: c10's ScalarType ("Long") and the C++ type
# ("long int"), so an error can be given in PyTorch's words.
_TORCH_NAMES = {
    "bool": ("Bool", "bool"),
    "uint8": ("Byte", "unsigned char"),
    "int8": ("Char", "signed char"),
    "int16": ("Short", "short int"),
    "int32": ("Int", "int"),
    "int64": ("Long", "long int"),
    "uint16": ("UInt16", "UInt16"),
    "uint32": ("UInt32", "UInt32"),
    "uint64": ("UInt64", "UInt64"),
    "float16": ("Half", "c10::Half"),
    "float32": ("Float", "float"),
    "float64": ("Double", "double"),
    "complex64": ("ComplexFloat", "c10::complex<float>"),
    "complex128": ("ComplexDouble", "c10::complex<double>"),
}


def torch_name(npd: np.dtype, cpp: builtins.bool = False) -> str:
    """PyTorch's name of a NumPy dtype in its messages: ``Long`` (or, ``cpp``, ``long int``)."""
    names = _TORCH_NAMES.get(npd.name)
    return npd.name if names is None else names[cpp]


def not_implemented_words(kernel: str, dt: Any) -> str:
    """PyTorch's words for a kernel that has no version for a dtype (``dt``: anything
    ``np.dtype`` takes): ``"frac_cpu" not implemented for 'Long'``. The one place they live."""
    return f"\"{kernel}\" not implemented for '{torch_name(np.dtype(dt))}'"


def not_implemented_for(kernel: str, dt: Any, fix: str | None = None) -> NotImplementedError:
    """PyTorch's refusal of a dtype its CPU ``kernel`` lacks (``not_implemented_words``), then
    minigrad's ``fix`` in parentheses when given: what was refused and what to do instead."""
    words = not_implemented_words(kernel, dt)
    return NotImplementedError(words if fix is None else f"{words} ({fix})")


# ---------------------------------------------------------------------------------------------
# The default float dtype


class _Default:
    float: np.dtype = np.dtype(np.float32)


def get_default_dtype() -> dtype:
    """The dtype of new float tensors (float32 unless changed by ``set_default_dtype``)."""
    return _BY_NP[_Default.float]


def set_default_dtype(d: Any) -> None:
    """Make ``d`` (float32, float64 or float16) the dtype of new float tensors.

    Creation functions, Python floats in ``tensor([...])``, integer division and Python floats
    mixed with integer tensors all follow it.
    """
    dt = to_dtype(d)
    if not dt.is_floating_point:
        raise TypeError(
            f"set_default_dtype(): only floating-point types are supported as the default type, "
            f"got {dt}"
        )
    _Default.float = dt.dtype


def default_float() -> np.dtype:
    """The NumPy dtype of new float tensors."""
    return _Default.float


# ---------------------------------------------------------------------------------------------
# Promotion (PyTorch's rules, c10/core/ScalarType.h and ATen's ResultTypeState)

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _promote(a: np.dtype, b: np.dtype) -> np.dtype:
    """PyTorch's promote_types on NumPy dtypes: like NumPy's, except that a float type wins
    over any integer type (int64 with float32 is float32, not float64)."""
    if a is b or a == b:
        return a
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca >= 2 and cb < 2:
        return a
    if cb >= 2 and ca < 2:
        return b
    return np.promote_types(a, b)


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    """Merge a higher-priority group's dtype with a lower one's (ATen's combine_categories)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    ch, cl = _CATEGORY[higher.kind], _CATEGORY[lower.kind]
    if ch == 3:
        return higher
    if cl == 3:
        return np.promote_types(higher, np.complex64) if ch == 2 else lower
    if ch == 2:
        return higher
    if ch == 0 or cl == 2:
        return _promote(higher, lower)
    return higher


def _scalar_dtype(v: Any) -> np.dtype:
    """The dtype a Python number stands for: bool, int64, or the default float (complex)."""
    if isinstance(v, builtins.bool):
        return np.dtype(np.bool_)
    if isinstance(v, builtins.int):
        return np.dtype(np.int64)
    if isinstance(v, complex):
        return np.dtype(np.complex128 if _Default.float == np.float64 else np.complex64)
    return _Default.float


def result_np(*values: Any) -> np.dtype:
    """PyTorch's result type of arrays (0-d ones count as 0-d tensors) and Python numbers."""
    dim: np.dtype | None = None
    zero: np.dtype | None = None
    wrapped: np.dtype | None = None
    for v in values:
        if isinstance(v, np.ndarray):
            if v.ndim:
                dim = v.dtype if dim is None else _promote(dim, v.dtype)
            else:
                zero = v.dtype if zero is None else _promote(zero, v.dtype)
        else:
            d = _scalar_dtype(v)
            wrapped = d if wrapped is None else _promote(wrapped, d)
    out = _combine(dim, _combine(zero, wrapped))
    assert out is not None, "result_type() needs at least one operand"
    return out


def wrapped_int(v: Any, dt: np.dtype) -> Any:
    """A Python int ``v`` given with a tensor whose result dtype ``dt`` is an integer type,
    wrapped around into ``dt`` when it does not fit, as PyTorch casts it (``uint8 < -1``
    compares with 255, ``int8 + 200`` adds -56); anything else as it is."""
    if type(v) is builtins.int and dt.kind in "iu":
        info = np.iinfo(dt)
        if not info.min <= v <= info.max and -(2**63) <= v < 2**64:
            bits = 8 * dt.itemsize
            v %= 1 << bits
            if dt.kind == "i" and v >= 1 << (bits - 1):
                v -= 1 << bits
    return v


def promote_types(type1: Any, type2: Any) -> dtype:
    """The smallest dtype both ``type1`` and ``type2`` convert to (``torch.promote_types``)."""
    return of_array(_promote(to_dtype(type1).dtype, to_dtype(type2).dtype))


def result_type(tensor1: Any, tensor2: Any) -> dtype:
    """The dtype of an arithmetic op on two operands (tensors or Python numbers), as PyTorch."""
    return of_array(result_np(_raw(tensor1), _raw(tensor2)))


def _raw(v: Any) -> Any:
    if hasattr(v, "_data"):
        return v._data
    if isinstance(v, np.ndarray | np.generic):
        return np.asarray(v)
    if isinstance(v, builtins.int | builtins.float | complex):
        return v
    raise TypeError(f"result_type(): expected a Tensor or a number, got {type(v).__name__}")


# C++ names of the dtypes, as PyTorch's "value cannot be converted" message spells them
_C_NAMES = {
    "uint8": "uint8_t",
    "int8": "int8_t",
    "int16": "int16_t",
    "int32": "int",
    "int64": "int64_t",
    "float16": "c10::Half",
    "float32": "float",
    "float64": "double",
}


def checked_number(v: Any, dt: np.dtype, where: str) -> np.ndarray:
    """A Python number as a 0-d array of ``dt``, refused where PyTorch refuses it (c10's
    ``checked_convert``) instead of wrapped around by NumPy's cast.

    Any number fits a bool. A float fits an integer dtype when it is not NaN and lies within
    the dtype's range (it is then truncated toward 0: 2.7 gives 2, -0.5 gives 0 in int8 but is
    refused by uint8); a finite float fits a float dtype within its range. An int fits a signed
    dtype within its range and an unsigned one from -max to max (-1 wraps to 255 in uint8), and
    a float dtype within its range.

    Raises:
        RuntimeError: PyTorch's "value cannot be converted to type uint8_t without overflow",
            then the op, the range and the fix.
        OverflowError: for an int outside [-2**63, 2**64), which no dtype takes (PyTorch's).
    """
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, builtins.int) and not isinstance(v, builtins.bool):
        if not -(2**63) <= v < 2**64:
            raise OverflowError(
                ("int too big to convert" if v > 0 else "can't convert negative int to unsigned")
                + f" ({where}(): {v} is outside the 64-bit integers)"
            )
        if dt.kind in "iu":
            info = np.iinfo(dt)
            low = -builtins.int(info.max) if dt.kind == "u" else info.min
            if not low <= v <= info.max:
                raise RuntimeError(_overflow(v, dt, where))
        elif dt.kind == "f" and abs(v) > builtins.float(np.finfo(dt).max):  # (70000 in float16)
            raise RuntimeError(_overflow(v, dt, where))
        return np.asarray(v).astype(dt)
    if isinstance(v, builtins.float) and not isinstance(v, builtins.bool):
        if dt.kind in "iu":
            info = np.iinfo(dt)
            if math.isnan(v) or not info.min <= v <= info.max:
                raise RuntimeError(_overflow(v, dt, where))
        elif dt.kind == "f" and math.isfinite(v) and abs(v) > builtins.float(np.finfo(dt).max):
            raise RuntimeError(_overflow(v, dt, where))
    with np.errstate(invalid="ignore"):
        return np.asarray(v).astype(dt)


def checked_fill(v: Any, dt: np.dtype, where: str) -> Any:
    """A fill value: a number checked by ``checked_number``, a string refused (PyTorch's
    TypeError; NumPy would parse it), anything else as it is."""
    if isinstance(v, str | bytes):
        raise TypeError(
            f"{where}(): argument 'fill_value' must be Number, not {type(v).__name__} (give a "
            "number, e.g. 0.5)"
        )
    number = isinstance(v, builtins.int | builtins.float | np.generic)
    return checked_number(v, dt, where) if number else v


def _overflow(v: Any, dt: np.dtype, where: str) -> str:
    info = np.iinfo(dt) if dt.kind in "iu" else np.finfo(dt)
    return (
        f"value cannot be converted to type {_C_NAMES.get(dt.name, dt.name)} without overflow "
        f"({where}(): {v!r} does not fit in {dt.name}, which holds {info.min} to {info.max}; give "
        "a number in that range or use a wider dtype)"
    )


def c_cast(values: np.ndarray, dt: np.dtype) -> np.ndarray:
    """Doubles to an integer dtype as C casts them on x86, as PyTorch's kernels do: truncated
    toward 0; out of range (or NaN), int64 gets its smallest value, the narrower types go
    through int32 (whose smallest value ends in zero bits) and wrap around; bool is nonzero
    (NaN too); a float dtype takes the values as they are."""
    if dt.kind in "fb":
        return np.asarray(values).astype(dt)
    t = np.trunc(values)
    wide = dt == np.int64
    limit = 2.0**63 if wide else 2.0**31
    bad = ~((t >= -limit) & (t < limit))  # (NaN too)
    home = np.dtype(np.int64 if wide else np.int32)
    return np.where(bad, np.iinfo(home).min, np.where(bad, 0, t).astype(home)).astype(dt)
