"""A Python number on the left of ``-``, ``/`` or ``**`` (``2 - b``, ``2 / b``, ``2 ** b``),
recorded as PyTorch records it: one node with the tensor as its only input.

PyTorch's ``2 - b`` is ``rsub(b, 2)`` (``RsubBackward1``) and ``2 ** b`` is ``pow(2, b)``
(``PowBackward2``), each a node whose ``next_functions`` hold the tensor's edge alone; ``2 / b``
is ``b.reciprocal() * 2`` (a ``MulBackward0`` after a ``ReciprocalBackward0``), which rounds
twice, so its values are those of that product, not of one division. The ops here keep the
number as an attribute; their forward is the same NumPy expression as the binary op's, so the
values of ``2 - b`` and ``2 ** b`` are the binary op's to the bit. A tensor that is not a float
tensor (which can need no gradient) keeps the binary op, with its type promotion and errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import ops
from .engine import Op, TensorMakers
from .node_surface import labelled
from .operands import _operand

__all__ = ["RPow", "RSub", "Reciprocal", "rdiv", "rpow", "rsub"]

Binary = Callable[[Op, Any, Any], Any]


class RSub(Op):
    """z = c - x (c a number);  dz/dx = -1."""

    __slots__ = ("other",)
    torch_name = "RsubBackward1"

    def __init__(self, other: int | float) -> None:
        self.other = other  # the number on the left (PyTorch's rsub(input, other))

    def forward(self, x: Any) -> np.ndarray:
        return self.other - x

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (-grad,)


class RPow(Op):
    """z = c ** x (c a number);  dz/dx = z log c (0 where c = 0 and x >= 0)."""

    __slots__ = ("base",)
    torch_name = "PowBackward2"

    def __init__(self, base: int | float) -> None:
        self.base = base  # the number raised to the tensor (PyTorch's pow(self, exponent))

    def forward(self, x: Any) -> np.ndarray:
        return self.base**x

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        g = grad * out * np.log(self.base)  # (as ops.Pow's rule for its exponent)
        if self.base == 0:  # z log c is 0 * -inf there; the limit, as in PyTorch, is 0
            edge = ops._data(x) >= 0
            if edge.any():
                g = ops.where(~edge, g, 0.0)
        return (g,)


class Reciprocal(Op):
    """z = 1 / x;  dz/dx = -z^2 (PyTorch's rule, written with its output)."""

    __slots__ = ()
    torch_name = "ReciprocalBackward0"
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return 1 / x

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (-grad * (out * out),)


def _number(v: Any, op: Op, x: Any) -> Any:
    """The operand as ``_binary`` reads it (NumPy scalars become Python numbers; strings and
    other objects are refused with the op's words)."""
    return v if hasattr(v, "_data") else _operand(v, op, v, x)


def _floats(x: Any, o: Any) -> bool:
    """Whether ``o`` is a real number and ``x`` a float tensor: the case recorded here."""
    return type(o) in (int, float) and x._data.dtype.kind == "f"


def rsub(x: Any, other: Any, binary: Binary) -> Any:
    """``other - x`` for ``Tensor.__rsub__``: ``RSub`` for a number and a float tensor, else
    ``binary`` (``tensor._binary``) with ``ops.Sub``."""
    o = _number(other, ops.Sub(), x)
    if _floats(x, o):
        return TensorMakers.apply(RSub(o), x)
    return labelled(binary(ops.Sub(), o, x), "RsubBackward1")


def rpow(x: Any, other: Any, binary: Binary) -> Any:
    """``other ** x`` for ``Tensor.__rpow__``: ``RPow`` for a number and a float tensor, else
    ``binary`` with ``ops.Pow``."""
    o = _number(other, ops.Pow(), x)
    if _floats(x, o):
        return TensorMakers.apply(RPow(o), x)
    return labelled(binary(ops.Pow(), o, x), "PowBackward2")


def rdiv(x: Any, other: Any, binary: Binary) -> Any:
    """``other / x`` for ``Tensor.__rtruediv__``: PyTorch's ``x.reciprocal() * other`` for a
    number (so its values too), else ``binary`` with ``ops.Div``."""
    o = _number(other, ops.Div(), x)
    if isinstance(o, int | float):
        return x.reciprocal() * o
    return binary(ops.Div(), o, x)
