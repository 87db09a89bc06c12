"""PyTorch's legacy typed constructors: ``FloatTensor``, ``DoubleTensor``, ``LongTensor``,
``IntTensor``, ``BoolTensor``, ``ByteTensor``.

Old tutorials write ``torch.FloatTensor([1, 2])`` or ``torch.LongTensor(3, 4)``; the modern form
is ``minigrad.tensor(data, dtype=...)`` or ``minigrad.empty(sizes, dtype=...)``. Each name here
is a class whose call makes a plain ``Tensor`` and whose ``isinstance`` check asks for a Tensor
of its dtype, as PyTorch's ``isinstance(t, torch.FloatTensor)``.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .creation import empty, tensor
from .dtypes import torch_name
from .surface import Size
from .tensor import Tensor

__all__ = ["BoolTensor", "ByteTensor", "DoubleTensor", "FloatTensor", "IntTensor", "LongTensor"]


class _LegacyType(type):
    """The type of the legacy names: calling one makes a Tensor of its dtype, and
    ``isinstance(t, FloatTensor)`` is True for a float32 Tensor (not for a float64 one)."""

    dtype: np.dtype

    def __instancecheck__(cls, obj: Any) -> builtins.bool:
        return isinstance(obj, Tensor) and obj._data.dtype == cls.dtype

    def __call__(cls, *args: Any, device: Any = None) -> Any:
        """From data (a list, tuple or array): a copy in this dtype. From sizes
        (``FloatTensor(2, 3)`` or a ``Size``): an uninitialised tensor of that shape. From
        nothing: an empty 1-D tensor. From a Tensor of this dtype: that tensor."""
        dt = cls.dtype
        if not args:
            return empty(0, dtype=dt, device=device)
        sizes = args[0] if len(args) == 1 and isinstance(args[0], Size) else args
        if all(
            isinstance(n, builtins.int | np.integer) and not isinstance(n, builtins.bool)
            for n in sizes
        ):
            negative = [n for n in sizes if n < 0]
            if negative:
                raise RuntimeError(
                    f"Trying to create tensor with negative dimension {negative[0]}: "
                    f"{[builtins.int(n) for n in sizes]}"
                )
            return empty(*sizes, dtype=dt, device=device)
        if len(args) > 1:
            raise TypeError(f"new(): {cls.__name__} takes sizes (ints) or one sequence of data")
        data = args[0]
        if isinstance(data, Tensor):
            if data._data.dtype != dt:
                raise TypeError(
                    f"expected {torch_name(dt)} (got {torch_name(data._data.dtype)}): convert with "
                    f"t.to(minigrad.{dt.name})"
                )
            return data
        if not isinstance(data, list | tuple | np.ndarray):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        return tensor(data, dtype=dt, device=device)


def _legacy(name: str, dtype: str) -> _LegacyType:
    doc = (
        f"PyTorch's legacy name for a {dtype} tensor: ``{name}(data)`` is "
        f"``minigrad.tensor(data, dtype=minigrad.{dtype})`` (the modern form), ``{name}(2, 3)`` "
        f"an uninitialised one of shape (2, 3) (``minigrad.empty(2, 3, dtype=minigrad.{dtype})``)."
        f" ``isinstance(t, {name})`` is True for a {dtype} Tensor. The result is a plain "
        "``Tensor``: ``type(t)`` is ``Tensor``, never this name."
    )
    return _LegacyType(
        name, (), {"__doc__": doc, "dtype": np.dtype(dtype), "__module__": "minigrad"}
    )


FloatTensor = _legacy("FloatTensor", "float32")
DoubleTensor = _legacy("DoubleTensor", "float64")
LongTensor = _legacy("LongTensor", "int64")
IntTensor = _legacy("IntTensor", "int32")
BoolTensor = _legacy("BoolTensor", "bool")
ByteTensor = _legacy("ByteTensor", "uint8")
