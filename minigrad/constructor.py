"""What ``Tensor(*args)`` means: PyTorch's legacy constructor ``torch.Tensor(...)``.

Sizes give a tensor of that shape (``Tensor(2, 3)``, ``Tensor(3)``, ``Tensor(x.shape)``; a
NumPy int such as ``np.int64(3)`` is a size too), Python data and NumPy arrays of any dtype give
the default float dtype (``Tensor([1, 2])`` and ``Tensor(np.array([1, 2]))`` are float32; an
array already in that dtype is shared, not copied), a tensor gives an alias of it (its dtype, its
memory and, when it requires grad, a node through which gradients flow back to it), no argument
gives an empty tensor. ``tensor(...)``, ``as_tensor(...)`` and
``from_numpy(...)`` keep an array's dtype (ints int64); minigrad's own code wraps its arrays
with ``_new_tensor``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .dtypes import default_float
from .inplace import _add_alias
from .surface import Size
from .validation import DTypeLike, _as_array

# The forms of the constructor, in PyTorch's words (its list of signatures), then minigrad's.
_FORMS = (
    " * (*, torch.device device = None)\n"
    " * (torch.Storage storage)\n"
    " * (Tensor other)\n"
    " * (tuple of ints size, *, torch.device device = None)\n"
    " * (object data, *, torch.device device = None)\n"
)
_HELP = (
    "Tensor(*sizes) makes a tensor of that shape and Tensor(data) one holding the data in the "
    "default float dtype; dtype=, device=, requires_grad= and name= are keywords; "
    "minigrad.tensor(data) infers the dtype from the data (ints int64)"
)


def legacy_array(args: tuple[Any, ...], dtype: DTypeLike) -> np.ndarray:
    """The array ``Tensor(*args, dtype=dtype)`` holds (see the module docstring).

    Raises:
        TypeError: for what ``torch.Tensor`` refuses (a float or a string as data, a size
            that is not an int, two arguments that are not all sizes), in PyTorch's words.
        RuntimeError: for a negative size.
    """
    if not args:
        return _zeros((0,), dtype)
    if len(args) == 1:
        data = args[0]
        if hasattr(data, "_data"):
            return _as_array(data, dtype)  # a tensor's array (``alias_argument`` links them)
        if isinstance(data, np.ndarray) and not _is_int(data):
            return _from_array(data, dtype)
        if isinstance(data, Size):
            return _zeros(_sizes(tuple(data)), dtype)
        if not _is_int(data):
            return _from_sequence(data, dtype)
    elif not _is_int(args[0]):
        got = ", ".join(_type_name(a) for a in args)
        raise TypeError(
            f"new() received an invalid combination of arguments - got ({got}), but expected "
            f"one of:\n{_FORMS}(Tensor(): {_HELP})"
        )
    return _zeros(_sizes(args), dtype)


def alias_argument(new: Any, args: tuple[Any, ...], device: Any, requires_grad: bool) -> None:
    """``Tensor(t)`` of a tensor ``t``: make ``new`` what ``t[...]`` is, a view of ``t``
    (recorded as ``AliasBackward0`` when ``t`` requires grad), as PyTorch's ``torch.Tensor(t)``
    is an alias of ``t``: gradients reach ``t``, and an in-place change of the alias is one of
    ``t`` (refused where ``t`` is a leaf requiring grad). With minigrad's ``dtype=`` naming
    another dtype, ``new`` is the copy ``t.to(dtype)`` makes, recorded as that cast when ``t``
    requires grad (so gradients still reach ``t``). Nothing to do for other arguments, or for
    ``requires_grad=True`` of a ``t`` that does not require grad (then ``new`` is a leaf
    requiring grad holding ``t``'s memory, or the copy).

    Raises:
        RuntimeError: for ``device=`` given with a tensor, in PyTorch's words.
    """
    if len(args) != 1 or not hasattr(args[0], "_data"):
        return
    t = args[0]
    if device is not None:
        raise RuntimeError(
            "Legacy tensor constructor of the form torch.Tensor(tensor, device=device) is not "
            "supported.  Use torch.tensor(...) or torch.as_tensor(...) instead. (Tensor(t): "
            "use minigrad.as_tensor(t, device=...) or t.to(device))"
        )
    if requires_grad and not t.requires_grad:
        return
    if new._data is not t._data:  # a dtype= that made a copy
        if not t.requires_grad:
            return
        view = t.to(new._data.dtype)
    else:
        view = t[...]
    new._data, new.grad_fn, new._requires_grad = view._data, view.grad_fn, view.requires_grad
    if view._base is not None:
        new._base = view._base
        _add_alias(t, new)


def _is_int(x: Any) -> bool:
    """Whether ``x`` is a size: an int, a NumPy int or a 0-d integer array (as PyTorch, which
    reads anything with ``__index__`` as a size)."""
    if isinstance(x, np.ndarray):
        return x.ndim == 0 and x.dtype.kind in "iu"
    return isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_)


def _sizes(sizes: tuple[Any, ...]) -> tuple[int, ...]:
    """``sizes`` checked: ints, none negative."""
    for pos, n in enumerate(sizes, start=1):
        if not _is_int(n):
            raise TypeError(
                f"new(): argument 'size' failed to unpack the object at pos {pos} with error "
                f'"type must be tuple of ints,but got {_type_name(n)}" (Tensor(): {_HELP})'
            )
    shape = tuple(int(n) for n in sizes)
    for n in shape:
        if n < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {n}: {list(shape)} "
                "(Tensor(): sizes must be zero or more)"
            )
    return shape


def _zeros(shape: tuple[int, ...], dtype: DTypeLike) -> np.ndarray:
    """PyTorch leaves a tensor made from sizes uninitialised; minigrad fills it with zeros."""
    return _as_array(np.zeros(shape, default_float()), dtype)


def _from_array(data: np.ndarray, dtype: DTypeLike) -> np.ndarray:
    """A NumPy array in the default float dtype, whatever its own (bool, int, float16...), or
    in ``dtype``; shared when no conversion is needed, as PyTorch shares it."""
    arr = _as_array(data, dtype)  # (refuses complex, object and string arrays)
    if dtype is not None:
        return arr
    with np.errstate(over="ignore"):  # a float64 beyond float32's range is inf, as PyTorch
        return arr.astype(default_float(), copy=False)


def _from_sequence(data: Any, dtype: DTypeLike) -> np.ndarray:
    """Python data (nested lists, tuples, ranges of numbers) in the default float dtype."""
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type 'str' (Tensor(): {_HELP})")
    if not isinstance(data, Sequence) or isinstance(data, bytes):
        fix = _HELP
        if isinstance(data, bool | float | complex | np.generic):
            fix = (
                "a number is a size, as in PyTorch: Tensor(3) is a tensor of 3 elements; for "
                f"a tensor holding the number itself, use minigrad.tensor({data!r:.20})"
            )
        raise TypeError(
            f"new(): data must be a sequence (got {_type_name(data)}) (Tensor(): {fix})"
        )
    try:
        arr = _as_array(data, dtype)
    except TypeError as e:
        bad = _first_non_number(data)
        if bad is None:
            raise  # not the data (a dtype that is refused)
        raise TypeError(
            f"must be real number, not {bad.__name__} (Tensor(): {_detail(e)})"
        ) from None
    except ValueError as e:
        raise ValueError(f"{_detail(e)} (Tensor(): nested lists must be rectangular)") from None
    return arr if dtype is not None else arr.astype(default_float(), copy=False)


def _detail(e: Exception) -> str:
    """The message of ``_as_array``'s refusal without the ``tensor():`` it starts with."""
    msg = str(e)
    return msg.removeprefix("tensor(): ").removesuffix(": nested lists must be rectangular")


def _first_non_number(data: Any) -> type | None:
    """The type of the first element of nested ``data`` that is not a real number, if any."""
    for x in data:
        if isinstance(x, Sequence) and not isinstance(x, str | bytes):
            bad = _first_non_number(x)
            if bad is not None:
                return bad
        elif isinstance(x, np.generic):
            if x.dtype.kind not in "biuf":
                return type(x)
        elif not (isinstance(x, bool | int | float) or hasattr(x, "_data")):
            return type(x)
    return None


def _type_name(x: Any) -> str:
    """A value's type as PyTorch's messages name it (``numpy.ndarray``, ``Tensor``...)."""
    if hasattr(x, "_data"):
        return "Tensor"
    if isinstance(x, Size):
        return "minigrad.Size"
    t = type(x)
    return f"numpy.{t.__name__}" if t.__module__ == "numpy" else t.__name__
