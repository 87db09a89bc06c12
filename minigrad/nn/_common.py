"""Argument checks and helpers shared by ``nn.functional`` and the function modules split from
it (``pooling``, ``rearranging``, ``feature_functions``, ``embedding_bag``): ints or tuples per
spatial axis, the (N, C, *spatial) input, a matrix applied along one axis, dropout's probability
and mask, the embeddings' ``max_norm`` renormalisation."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import default_float
from ..grad_mode import no_grad
from ..inplace import bump_version
from ..more_ops import GradScale
from ..random import as_generator
from ..tensor import Tensor, _new_tensor, apply, as_tensor
from ..validation import ArgumentError


def _tuple(value: Any, nd: int, fn: str, name: str) -> tuple[int, ...]:
    """An int or a sequence of ``nd`` ints, as a tuple (PyTorch's ``_pair``/``_single``)."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return (int(value),) * nd
    if isinstance(value, tuple | list) and all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value
    ):
        if len(value) == 1:
            return (int(value[0]),) * nd
        if len(value) == nd:
            return tuple(int(v) for v in value)
    raise ArgumentError(f"{fn}(): {name} must be an int or a tuple of {nd} ints, got {value!r}")


def scaled_gradient(rows: Tensor, scale: np.ndarray) -> Tensor:
    """``rows``, whose gradient is multiplied by ``scale`` (broadcast against them) on its
    way back: the embeddings' ``scale_grad_by_freq`` (``more_ops.GradScale``)."""
    return apply(GradScale(scale.astype(rows.dtype, copy=False)), rows)


def _along(x: Tensor, axis: int, mat: np.ndarray) -> Tensor:
    """Apply the (m, n) matrix to ``axis`` of x: one batched product, from the left for the
    second-to-last axis, else from the right (moveaxis keeps that one op per side)."""
    if axis == x.ndim - 2:
        return _new_tensor(mat, None) @ x
    if axis == x.ndim - 1:
        return x @ _new_tensor(np.ascontiguousarray(mat.T), None)
    return (x.movedim(axis, -1) @ _new_tensor(np.ascontiguousarray(mat.T), None)).movedim(-1, axis)


def _size(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(n) for n in shape) + "]"


def _spatial_input(input: Any, nd: int, fn: str, integers: bool = False) -> tuple[Tensor, bool]:
    """The input as (N, C, *spatial) and whether it came without a batch axis. ``integers``:
    the caller computes integer (and bool) input itself, as PyTorch's kernel does; otherwise
    the input must be floating point."""
    x = as_tensor(input)
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {fn}, but got "
            f"input of size: {_size(x.shape)}"
        )
    if x.dtype.kind != "f" and not integers:
        raise TypeError(f"{fn}(): input must be floating point, got dtype {x.dtype}")
    if x.ndim == nd + 1:
        return x.reshape(1, *x.shape), True
    return x, False


def _check_p(p: float, fn: str) -> None:
    if isinstance(p, bool) or not isinstance(p, int | float) or not 0.0 <= p <= 1.0:
        raise ValueError(
            f"dropout probability has to be between 0 and 1, but got {p} ({fn}(): p is the "
            "probability of zeroing an element)"
        )


def _dropout_mask(x: Tensor, p: float, shape: tuple[int, ...]) -> Tensor:
    """A constant mask of ``shape``: 0 with probability p, else 1 / (1 - p)."""
    if p == 1.0:
        return x * 0.0
    keep = as_generator(None).random(shape) >= p
    # An integer input is scaled in the default float, as PyTorch's (in place: refused).
    dtype = x._data.dtype if x._data.dtype.kind == "f" else default_float()
    return x * (keep * (1.0 / (1.0 - p))).astype(dtype)


def _renorm_rows(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """PyTorch's ``embedding_renorm_``: each row of ``weight`` that ``idx`` picks, if its
    ``norm_type``-norm is over ``max_norm``, times ``max_norm / (norm + 1e-7)``, in place."""
    w = weight._data
    rows = np.unique(idx)
    with no_grad():  # (norms and factors in float64, as PyTorch's kernel computes them)
        norms = np.linalg.norm(w[rows].astype(np.float64), ord=norm_type, axis=1)
    over = norms > max_norm
    if over.any():
        scale = max_norm / (norms[over] + 1e-7)
        w[rows[over]] *= scale.astype(w.dtype)[:, None]
        bump_version(weight)  # a graph that saved the old rows refuses to run backward
