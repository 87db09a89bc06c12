"""``Variable``, PyTorch's legacy wrapper: since PyTorch 0.4 a Variable is a Tensor.

Older programs (pytorch/examples' ``cbow.py``, tutorials before 0.4) still wrap their tensors:
``Variable(t)`` gives what PyTorch's gives, a new leaf sharing ``t``'s memory, detached from
its history, requiring grad only when asked; and every Tensor is an instance of ``Variable``.
"""

from __future__ import annotations

import warnings
from typing import Any

from ..tensor import Tensor


class _VariableMeta(type):
    """``isinstance(t, Variable)`` holds for every Tensor, as in PyTorch."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(data, requires_grad=False)``: ``data.detach()`` requiring grad if asked."""

    def __new__(  # type: ignore[misc]
        cls, data: Any, requires_grad: bool = False, volatile: bool = False
    ) -> Tensor:
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if volatile:
            warnings.warn(
                "volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                UserWarning,
                stacklevel=2,
            )
        return data.detach().requires_grad_(requires_grad)
