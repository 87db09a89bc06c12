"""Arguments PyTorch's argument parser refuses that a Python signature would let through: an
explicit None dim where PyTorch has no ``dim=None`` overload, and lists of sizes (``repeat``,
``new_zeros``) of ints only, each refused in PyTorch's words and then the fix.

Below ``tensor.py``, so it knows no Tensor class: anything with a ``._data`` array is a tensor.
"""

from __future__ import annotations

from typing import Any, NoReturn

import numpy as np

from .validation import UNSET, type_name


def refuse_none_dim(fn: str, keepdim: Any, fix: str) -> NoReturn:
    """PyTorch's TypeError for ``fn(None)``: ``max``, ``min``, ``prod`` and ``squeeze`` have
    no overload whose dim may be None (their all-elements form takes no dim at all). With a
    keepdim the one overload left names the dim, as PyTorch's does."""
    if keepdim is True:
        raise TypeError(f"{fn}(): argument 'dim' (position 1) must be int, not NoneType ({fix})")
    raise TypeError(f"{fn}() received an invalid combination of arguments - got dim=None ({fix})")


def _is_int(v: Any, bool_too: bool) -> bool:
    """Whether PyTorch reads ``v`` as one int of a size list: a Python or NumPy int, an
    integer tensor of one element; a bool only where ``bool_too`` (not first, as PyTorch)."""
    if isinstance(v, bool | np.bool_):
        return bool_too
    if isinstance(v, int | np.integer):
        return True
    data = getattr(v, "_data", None)
    return data is not None and data.dtype.kind in "iu" and data.size == 1


def _ints(values: Any, fn: str, name: str) -> tuple[int, ...]:
    """The ints of a tuple or list given for ``name``, in PyTorch's words otherwise."""
    for i, v in enumerate(values):
        if not _is_int(v, bool_too=i > 0):
            if i == 0:
                raise TypeError(
                    f"{fn}(): argument '{name}' (position 1) must be tuple of ints, but found "
                    f"element of type {type_name(v)} at pos 0"
                )
            raise TypeError(
                f"{fn}(): argument '{name}' failed to unpack the object at pos {i + 1} with "
                f'error "type must be tuple of ints,but got {type_name(v)}"'
            )
    return tuple(int(v.item()) if hasattr(v, "_data") else int(v) for v in values)


def int_sizes(args: tuple[Any, ...], given: Any, fn: str, name: str, fix: str) -> tuple[int, ...]:
    """The sizes of ``fn(2, 3)``, ``fn((2, 3))`` or ``fn(name=(2, 3))`` (``given``, UNSET when
    absent) as PyTorch's parser reads them: ints (a NumPy int, an integer tensor of one
    element), several only when the first is an int; a later bool counts as an int.

    Raises:
        TypeError: in PyTorch's words, then ``fix``: none given, both ways, a sequence that
            is not of ints, a first argument that is not an int followed by more.
    """
    if given is not UNSET:
        if args:
            raise TypeError(f"{fn}() got multiple values for argument '{name}' ({fix})")
        if not isinstance(given, tuple | list):
            raise TypeError(
                f"{fn}(): argument '{name}' must be tuple of ints, not {type_name(given)} ({fix})"
            )
        return _ints(given, fn, name)
    if not args:
        raise TypeError(f'{fn}() missing 1 required positional arguments: "{name}" ({fix})')
    if len(args) == 1 and isinstance(args[0], tuple | list):
        return _ints(args[0], fn, name)
    if not _is_int(args[0], bool_too=False):
        if len(args) > 1:
            raise TypeError(
                f"{fn}() takes 1 positional argument but {len(args)} were given ({fix})"
            )
        raise TypeError(
            f"{fn}(): argument '{name}' (position 1) must be tuple of ints, not "
            f"{type_name(args[0])} ({fix})"
        )
    return _ints(args, fn, name)
