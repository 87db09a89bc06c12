"""Dimension arguments: the one place every ``dim``/``axis`` of every op is checked.

PyTorch's rules: a dim is an integer (a bool or a float is refused) in ``[-n, n - 1]`` where
``n = max(ndim, 1)`` (a 0-d tensor accepts 0 and -1), negative dims count from the end, and a
tuple of dims may not name one twice. Out-of-range dims raise PyTorch's ``IndexError`` instead
of wrapping around.
"""

from __future__ import annotations

import operator
from typing import Any

Axis = int | tuple[int, ...] | None


def _integer(dim: Any, op: str) -> int:
    """``dim`` as a Python int; bools, floats and non-integer tensors are refused."""
    if isinstance(dim, bool) or dim is None:
        raise TypeError(f"{op}(): dim must be an int, got {type(dim).__name__} ({dim!r})")
    try:
        return operator.index(dim)
    except TypeError:
        raise TypeError(
            f"{op}(): dim must be an int or a tuple of ints, got {type(dim).__name__} ({dim!r})"
        ) from None


def int_dim(dim: Any, op: str, position: int) -> Any:
    """``dim`` as given, after PyTorch's argument parser's check that it is an int: a float,
    a bool or None is its TypeError, raised before anything about the tensor (a 0-d tensor's
    rank) is checked, so ``x.unbind(1.0)`` is a TypeError whatever ``x`` is.

    Raises:
        TypeError: "unbind(): argument 'dim' (position 1) must be int, not float", then the fix.
    """
    if isinstance(dim, bool) or not hasattr(type(dim), "__index__"):
        raise TypeError(
            f"{op}(): argument 'dim' (position {position}) must be int, not "
            f"{type(dim).__name__} (give the dim as an int, as {op}(..., dim=0))"
        )
    return dim


def wrap_dim(dim: Any, ndim: int, op: str, shape: tuple[int, ...] | None = None) -> int:
    """``dim`` checked and made non-negative for a tensor of ``ndim`` dimensions.

    Args:
        dim: the user's dim (an int; negative counts from the end).
        ndim: the number of dimensions it must index (``ndim + 1`` where one is inserted, as in
            ``unsqueeze`` and ``stack``). A 0-d tensor counts as 1-d, as in PyTorch.
        op: the op's name, for the message.
        shape: the tensor's shape, for the message.

    Raises:
        IndexError: PyTorch's "Dimension out of range (expected to be in range of [-2, 1], but
            got 5)", followed by the op and the shape.
        TypeError: if ``dim`` is not an integer.
    """
    d = dim if type(dim) is int else _integer(dim, op)
    n = ndim if ndim > 0 else 1
    if d < -n or d >= n:
        where = f" in {op}()" + ("" if shape is None else f" of a tensor of shape {tuple(shape)}")
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
            f"but got {d}){where}"
        )
    return d + n if d < 0 else d


def wrap_dims(axis: Any, ndim: int, op: str, shape: tuple[int, ...] | None = None) -> Axis:
    """A reduction's ``dim``: None, an int or a tuple of ints, checked and made non-negative.

    An empty tuple or list means every dimension (PyTorch's meaning), as None does. On a 0-d
    tensor dims 0 and -1 are valid and also mean the whole (only) element: None is returned.

    Raises:
        IndexError: for a dim out of range; RuntimeError for a repeated dim (PyTorch's
            "dim 0 appears multiple times in the list of dims"); TypeError for a non-integer.
    """
    if axis is None:
        return None
    if isinstance(axis, list | tuple):
        if not axis:
            return None
        wrapped = tuple(wrap_dim(a, ndim, op, shape) for a in axis)
        if len(set(wrapped)) != len(wrapped):
            repeated = next(a for i, a in enumerate(wrapped) if a in wrapped[:i])
            raise RuntimeError(
                f"dim {repeated} appears multiple times in the list of dims (in {op}())"
            )
        return wrapped if ndim else None
    d = wrap_dim(axis, ndim, op, shape)
    return d if ndim else None
