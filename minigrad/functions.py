"""Module-level functions mirroring the Tensor methods, and the ops of several tensors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import ops
from .dims import wrap_dim
from .tensor import Tensor, apply

TensorLike = Tensor | np.ndarray | float | int


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def exp(x: TensorLike) -> Tensor:
    """e ** x."""
    return _t(x).exp()


def log(x: TensorLike) -> Tensor:
    """Natural logarithm."""
    return _t(x).log()


def sqrt(x: TensorLike) -> Tensor:
    """Square root."""
    return _t(x).sqrt()


def abs(x: TensorLike) -> Tensor:
    """Absolute value."""
    return _t(x).abs()


def sin(x: TensorLike) -> Tensor:
    """Sine."""
    return _t(x).sin()


def cos(x: TensorLike) -> Tensor:
    """Cosine."""
    return _t(x).cos()


def tanh(x: TensorLike) -> Tensor:
    """Hyperbolic tangent."""
    return _t(x).tanh()


def sigmoid(x: TensorLike) -> Tensor:
    """Logistic sigmoid, stable for large |x|."""
    return _t(x).sigmoid()


def relu(x: TensorLike) -> Tensor:
    """max(x, 0)."""
    return _t(x).relu()


def maximum(x: TensorLike, y: TensorLike) -> Tensor:
    """Elementwise maximum (ties share the gradient evenly)."""
    return _t(x).maximum(y)


def minimum(x: TensorLike, y: TensorLike) -> Tensor:
    """Elementwise minimum (ties share the gradient evenly)."""
    return _t(x).minimum(y)


def clip(x: TensorLike, min: float | None = None, max: float | None = None) -> Tensor:
    """Limit values to [min, max]."""
    return _t(x).clip(min, max)


clamp = clip


def matmul(x: TensorLike, y: TensorLike) -> Tensor:
    """Matrix product with NumPy's rules."""
    return _t(x).matmul(y)


def linear(x: TensorLike, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weight.T + bias, as one op (PyTorch's ``linear``; weight has shape (out, in))."""
    xt = _t(x)
    w = _t(weight)
    if w.ndim != 2 or xt.ndim == 0 or xt.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: input of shape {xt.shape} does not fit weight of shape {w.shape} "
            f"(expected input (..., {w.shape[1] if w.ndim == 2 else '?'}))"
        )
    if bias is None:
        return apply(ops.Linear(), xt, w)
    b = _t(bias)
    if b.shape != (w.shape[0],):
        raise ValueError(f"linear: bias of shape {b.shape} does not fit weight of shape {w.shape}")
    return apply(ops.Linear(), xt, w, b)


def sum(x: TensorLike, axis: Any = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """Sum over ``axis``."""
    return _t(x).sum(axis, keepdims, **kw)


def mean(x: TensorLike, axis: Any = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """Mean over ``axis``."""
    return _t(x).mean(axis, keepdims, **kw)


def max(x: TensorLike, axis: Any = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """Largest value over ``axis``."""
    return _t(x).max(axis, keepdims, **kw)


def min(x: TensorLike, axis: Any = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """Smallest value over ``axis``."""
    return _t(x).min(axis, keepdims, **kw)


def var(x: TensorLike, axis: Any = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """Variance over ``axis`` (divides by n - 1 by default, as PyTorch)."""
    return _t(x).var(axis, keepdims, **kw)


def logsumexp(x: TensorLike, axis: Any = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """log(sum(exp(x))) over ``axis``, without overflow."""
    return _t(x).logsumexp(axis, keepdims, **kw)


def softmax(x: TensorLike, axis: int = -1, **kw: Any) -> Tensor:
    """Softmax along ``axis``."""
    return _t(x).softmax(axis, **kw)


def log_softmax(x: TensorLike, axis: int = -1, **kw: Any) -> Tensor:
    """Log-softmax along ``axis``."""
    return _t(x).log_softmax(axis, **kw)


def argmax(x: TensorLike, axis: int | None = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """Index of the maximum (no gradient)."""
    return _t(x).argmax(axis, keepdims, **kw)


def argmin(x: TensorLike, axis: int | None = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """Index of the minimum (no gradient)."""
    return _t(x).argmin(axis, keepdims, **kw)


def reshape(x: TensorLike, *shape: Any) -> Tensor:
    """The same values in a new shape."""
    return _t(x).reshape(*shape)


def permute(x: TensorLike, *axes: Any) -> Tensor:
    """Reorder the axes."""
    return _t(x).permute(*axes)


def transpose(x: TensorLike, dim0: int = -2, dim1: int = -1) -> Tensor:
    """Swap two axes."""
    return _t(x).transpose(dim0, dim1)


def squeeze(x: TensorLike, axis: Any = None, **kw: Any) -> Tensor:
    """Drop axes of size one."""
    return _t(x).squeeze(axis, **kw)


def unsqueeze(x: TensorLike, axis: int) -> Tensor:
    """Insert an axis of size one."""
    return _t(x).unsqueeze(axis)


def flatten(x: TensorLike, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions into one."""
    return _t(x).flatten(start_dim, end_dim)


def broadcast_to(x: TensorLike, *shape: Any) -> Tensor:
    """Repeat along axes of size one to reach ``shape``."""
    return _t(x).broadcast_to(*shape)


def cat(tensors: Sequence[TensorLike], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors along an existing axis."""
    ts = [_t(x) for x in tensors]
    if not ts:
        raise ValueError("cat(): expected a non-empty sequence of tensors")
    a = axis if dim is None else dim
    nd = ts[0].ndim
    for i, t in enumerate(ts):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    a = wrap_dim(a, nd, "cat", ts[0].shape)
    for t in ts:
        if t.ndim != nd or t.shape[:a] + t.shape[a + 1 :] != ts[0].shape[:a] + ts[0].shape[a + 1 :]:
            raise ValueError(f"cat(): shapes {[t.shape for t in ts]} do not match outside axis {a}")
    return apply(ops.Concat(a), *ts)


concatenate = cat


def stack(tensors: Sequence[TensorLike], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors of one shape along a new axis."""
    ts = [_t(x) for x in tensors]
    if not ts:
        raise ValueError("stack(): expected a non-empty sequence of tensors")
    if any(t.shape != ts[0].shape for t in ts):
        raise ValueError(f"stack(): all tensors need the same shape, got {[t.shape for t in ts]}")
    a = axis if dim is None else dim
    a = wrap_dim(a, ts[0].ndim + 1, "stack", ts[0].shape)
    return cat([t.unsqueeze(a) for t in ts], a)


def _where_operand(v: Any, name: str, position: int) -> None:
    """Refuse what ``where`` cannot take (strings, None, objects), as the arithmetic ops do."""
    if isinstance(v, Tensor | bool | int | float):
        return
    if isinstance(v, np.generic) and v.dtype.kind in "biuf":
        return
    if isinstance(v, list | tuple | np.ndarray):
        Tensor(v)  # raises, naming the bad element, for anything but real numbers
        return
    raise TypeError(
        f"where(): argument '{name}' (position {position}) must be a Tensor or a real number, "
        f"not {type(v).__name__}"
    )


def where(condition: TensorLike, x: TensorLike, y: TensorLike) -> Tensor:
    """``x`` where ``condition`` holds, else ``y`` (the condition gets no gradient)."""
    cond = np.asarray(condition._data if isinstance(condition, Tensor) else condition)
    if cond.dtype != np.bool_:
        raise TypeError(f"where(): condition must be bool, got dtype {cond.dtype}")
    _where_operand(x, "input", 2)
    _where_operand(y, "other", 3)
    # A plain number takes the dtype of the tensor beside it, as a Python scalar would.
    like = y.dtype if isinstance(y, Tensor) else None
    xt = x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=like))
    yt = y if isinstance(y, Tensor) else Tensor(np.asarray(y, dtype=xt.dtype))
    return apply(ops.Where(cond), xt, yt)
