"""How a Tensor meets Python and NumPy: numbers, lengths, iteration, lists, NumPy arrays
(``numpy()``, ``np.asarray``), DLPack, and its printed form.

``Tensor`` inherits these from ``Conversions``; none records anything.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from typing import Any

import numpy as np

from .grad_mode import is_grad_enabled
from .inplace import _add_alias
from .printing import tensor_repr
from .validation import DTypeLike

__all__ = ["Conversions"]


class Conversions:
    """The conversions of ``Tensor`` to Python numbers, lists, arrays and text."""

    __slots__ = ()

    def item(self: Any) -> Any:
        """The value of a one-element tensor (of any shape) as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.item()

    def numpy(self: Any) -> np.ndarray:
        """The underlying array, sharing memory (changing one changes the other).

        Raises:
            RuntimeError: if the tensor requires grad while grad mode is on (as PyTorch: use
                ``detach().numpy()``); under ``no_grad``, as in a custom ``Function``'s
                forward, nothing is recorded and the array is given.
        """
        if self.requires_grad and is_grad_enabled():
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. "
                "Use tensor.detach().numpy() instead."
            )
        _add_alias(self, self._data)
        return self._data

    def tolist(self: Any) -> Any:
        """The values as (nested) Python lists of numbers."""
        return self._data.tolist()

    def __array__(self: Any, dtype: DTypeLike = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(t)``: the values as a read-only array (a copy with ``copy=True``).

        Read-only, because a write through it would bypass autograd; ``t.numpy()`` is the
        writable, shared array. NumPy ufuncs still refuse tensors (``__array_ufunc__``).
        """
        if copy:
            return np.array(self._data, dtype=dtype, copy=True)
        if dtype is not None and np.dtype(dtype) != self._data.dtype:
            if copy is False:
                raise ValueError(f"cannot convert a {self.dtype} tensor to {dtype} without a copy")
            return self._data.astype(dtype)
        view = self._data.view()
        view.flags.writeable = False
        return view

    def __dlpack__(self: Any, **kwargs: Any) -> Any:
        """DLPack export, so ``torch.tensor(t)`` copies and ``torch.as_tensor(t)`` shares."""
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self: Any) -> tuple[int, int]:
        return self._data.__dlpack_device__()

    def __len__(self: Any) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self: Any) -> Iterator[Any]:
        if self.ndim == 0:  # raised here, not on first next(): plotting libraries probe iter()
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    # Python numbers from a tensor of one element, whatever its shape (as PyTorch; NumPy's
    # int() and float() take 0-d arrays only), with PyTorch's errors otherwise.

    def __bool__(self: Any) -> bool:
        if self._data.size != 1:
            which = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {which} is ambiguous")
        return bool(self._data.reshape(()))

    def __float__(self: Any) -> float:
        return float(_one_element(self._data))

    def __int__(self: Any) -> int:
        return int(_one_element(self._data))

    def __format__(self: Any, format_spec: str) -> str:
        """``f"{t:.2f}"``: a 0-d tensor formats its number (``t.item()``), as in PyTorch; any
        other tensor (and, as in PyTorch, a Parameter) takes only the empty format, its printed
        form."""
        from .tensor import Tensor  # (here: tensor.py imports this module)

        if self._data.ndim == 0 and type(self) is Tensor:  # (PyTorch's test: not a subclass)
            return format(self._data.item(), format_spec)
        if format_spec:
            raise TypeError(
                f"unsupported format string passed to {type(self).__name__}.__format__ (shape "
                f"{tuple(self._data.shape)}: format t.item() of a one-element tensor, or "
                "t.tolist())"
            )
        return str(self)

    def __index__(self: Any) -> int:
        a = self._data
        if a.size != 1 or a.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return operator.index(a.reshape(()).item())  # (NumPy's bool has no __index__)

    def __repr__(self: Any) -> str:
        """PyTorch's printed form: its digits, widths, summaries and line breaks
        (``minigrad.set_printoptions`` changes them)."""
        return tensor_repr(self)


def _one_element(a: np.ndarray) -> np.ndarray:
    """``a`` as a 0-d array, or PyTorch's ValueError if it does not hold one element."""
    if a.size != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    return a.reshape(())
