"""``Unbind``: one recorded node with several outputs, the slices of a tensor along a dim.

``Tensor.unbind`` records one slicing op per slice; the backward of each writes its gradient
into zeros of the whole tensor, so the L slices of an (L, ...) tensor cost L full-size arrays
in the backward. One ``Unbind`` node takes the gradients of all its outputs together
(``engine.OutputOf``, the walk's slots for a node with several outputs) and stacks them in one
pass. The recurrent layers split their inputs over time with it (``nn/recurrent.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .engine import Op, OutputOf, TensorMakers
from .grad_mode import Anomaly, _grad_enabled
from .ops import Concat, _data, _is_array, reshape
from .versions import TICKS


class Unbind(Op):
    """z_k = x[k] along dim (several outputs, views of x);  dx = the z_k's gradients stacked
    along dim, zeros for an output no gradient reached."""

    __slots__ = ("dim",)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Any) -> tuple[np.ndarray, ...]:  # type: ignore[override]
        return tuple(x[self._at(k)] for k in range(x.shape[self.dim]))

    def _at(self, k: int) -> tuple[Any, ...]:
        """The index of slice k along dim."""
        return (*((slice(None),) * self.dim), k)

    def backward(self, grads: Any, out: Any, x: Any) -> tuple[Any, ...]:
        """``grads``: one gradient per output (None where none reached), arrays or Tensors."""
        shape, dtype = _data(x).shape, _data(x).dtype
        if all(g is None or _is_array(g) for g in grads):  # one array, filled slice by slice
            dx = np.zeros(shape, dtype) if any(g is None for g in grads) else np.empty(shape, dtype)
            for k, g in enumerate(grads):
                if g is not None:
                    dx[self._at(k)] = g
            return (dx,)
        one = (*shape[: self.dim], 1, *shape[self.dim + 1 :])
        zeros = np.zeros(one, dtype)
        parts = [TensorMakers.wrap(zeros, None) if g is None else reshape(g, one) for g in grads]
        return (TensorMakers.apply(Concat(self.dim), *parts),)


def unbind(x: Any, dim: int = 0) -> list[Any]:
    """The slices of Tensor ``x`` along ``dim`` (a non-negative dim of ``x``), recorded as one
    ``Unbind`` node when ``x`` needs a gradient: its backward costs one pass over ``x``.

    The slices are views of ``x``'s array (for reading: an in-place change of one is not
    tracked).
    """
    op = Unbind(dim)
    outs = op.forward(x._data)
    edge = x.grad_fn or (x if x.requires_grad else None)
    if edge is None or not _grad_enabled.get():
        return [TensorMakers.wrap(o, None) for o in outs]
    op.edges, op.inputs, op.saved, op.out, op.hooks = (edge,), (x,), (x._data,), None, None
    op.epoch = next(TICKS)
    if Anomaly.enabled:
        Anomaly.record(op)
    return [TensorMakers.wrap(o, OutputOf(op, k, len(outs), o)) for k, o in enumerate(outs)]
