"""The activation functions, written once: ``minigrad.tanh`` and ``nn.functional.tanh`` are both
these (star-imported by ``minigrad/__init__.py`` and ``nn/functional.py``), so a new activation
function is one definition here and a name in ``__all__``. Each calls its Tensor method.
"""

from __future__ import annotations

from typing import Any

from .functions import TensorLike, _into
from .tensor import Tensor, as_tensor

__all__ = ["log_softmax", "relu", "sigmoid", "softmax", "tanh"]


def relu(input: TensorLike) -> Tensor:
    """max(x, 0)."""
    return as_tensor(input).relu()


def sigmoid(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """1 / (1 + exp(-x)), stable for large |x|."""
    return _into(out, as_tensor(input).sigmoid(), "sigmoid")


def tanh(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Hyperbolic tangent."""
    return _into(out, as_tensor(input).tanh(), "tanh")


def softmax(input: TensorLike, axis: int = -1, **kw: Any) -> Tensor:
    """exp(x) / sum(exp(x)) along ``axis`` (or PyTorch's ``dim=``), without overflow."""
    return as_tensor(input).softmax(axis, **kw)


def log_softmax(input: TensorLike, axis: int = -1, **kw: Any) -> Tensor:
    """x - logsumexp(x) along ``axis`` (or PyTorch's ``dim=``), without overflow."""
    return as_tensor(input).log_softmax(axis, **kw)
