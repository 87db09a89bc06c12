"""The activation functions, written once: ``minigrad.tanh`` and ``nn.functional.tanh`` are both
these (star-imported by ``minigrad/__init__.py``, imported by name by ``nn/functional.py``), so a
new activation function is one definition here, a name in ``__all__`` and one in functional's
import. Each calls its Tensor method. (``nn.functional.relu`` is functional's own: it adds
PyTorch's ``inplace=``, which ``torch.relu`` does not take.)
"""

from __future__ import annotations

import warnings
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


def softmax(input: TensorLike, axis: int | None = None, **kw: Any) -> Tensor:
    """exp(x) / sum(exp(x)) along ``axis`` (or PyTorch's ``dim=``), without overflow;
    ``dtype=``: cast to it first.

    Without either, PyTorch's deprecated implicit choice, with its warning (``_implicit_dim``).
    """
    x = as_tensor(input)
    dtype = kw.pop("dtype", None)
    return x.softmax(_dim_or_implicit(x, axis, kw, "softmax"), dtype)


def log_softmax(input: TensorLike, axis: int | None = None, **kw: Any) -> Tensor:
    """x - logsumexp(x) along ``axis`` (or PyTorch's ``dim=``), without overflow;
    ``dtype=``: cast to it first.

    Without either, PyTorch's deprecated implicit choice, with its warning (``_implicit_dim``).
    """
    x = as_tensor(input)
    dtype = kw.pop("dtype", None)
    return x.log_softmax(_dim_or_implicit(x, axis, kw, "log_softmax"), dtype)


def _implicit_dim(ndim: int, name: str) -> int:
    """The dim PyTorch picks for a softmax called without one: 0 for 0-, 1- and 3-d input, 1
    otherwise (so not always the last), with its deprecation warning."""
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        UserWarning,
        stacklevel=4,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _dim_or_implicit(x: Tensor, axis: int | None, kw: dict[str, Any], name: str) -> int:
    dim = kw.pop("dim", None)
    if kw:
        raise TypeError(f"{name}() got an unexpected keyword argument {next(iter(kw))!r}")
    if axis is not None and dim is not None:
        raise TypeError(f"{name}(): give axis or dim, not both")
    chosen = axis if dim is None else dim
    return _implicit_dim(x.ndim, name) if chosen is None else chosen
