"""PyTorch's functions of comparison aliases, splitting, membership and products with a scaled
sum: ``greater``..., ``ravel``, ``tensor_split``, ``hsplit``/``vsplit``/``dsplit``,
``split_with_sizes``, ``isin``, ``unravel_index``, ``unique_consecutive``, ``diagflat``,
``mv``, ``inner``, ``vdot``, ``addmv``, ``addr``, ``baddbmm``, ``addbmm``, ``chain_matmul``.

Each calls the Tensor method of ``gap_methods`` (so the differentiable ones are compositions
of existing ops) and takes PyTorch's ``out=`` where PyTorch has it; ``isin`` and
``unravel_index`` compute in NumPy and record nothing.
"""

from __future__ import annotations

import builtins
import warnings
from typing import Any

import numpy as np

from .dtypes import torch_name
from .functions import _into
from .gap_methods import tensor_argument
from .tensor import Tensor, _new_tensor, as_tensor

__all__ = [
    "addbmm",
    "addmv",
    "addr",
    "baddbmm",
    "chain_matmul",
    "diagflat",
    "dsplit",
    "greater",
    "greater_equal",
    "hsplit",
    "inner",
    "isin",
    "less",
    "less_equal",
    "mv",
    "not_equal",
    "ravel",
    "split_with_sizes",
    "tensor_split",
    "unique_consecutive",
    "unravel_index",
    "vdot",
    "vsplit",
]


def greater(input: Tensor, other: Any, *, out: Tensor | None = None) -> Tensor:
    """``gt``: input > other elementwise (bool)."""
    return _into(out, as_tensor(input).gt(other), "greater")


def greater_equal(input: Tensor, other: Any, *, out: Tensor | None = None) -> Tensor:
    """``ge``: input >= other elementwise (bool)."""
    return _into(out, as_tensor(input).ge(other), "greater_equal")


def less(input: Tensor, other: Any, *, out: Tensor | None = None) -> Tensor:
    """``lt``: input < other elementwise (bool)."""
    return _into(out, as_tensor(input).lt(other), "less")


def less_equal(input: Tensor, other: Any, *, out: Tensor | None = None) -> Tensor:
    """``le``: input <= other elementwise (bool)."""
    return _into(out, as_tensor(input).le(other), "less_equal")


def not_equal(input: Tensor, other: Any, *, out: Tensor | None = None) -> Tensor:
    """``ne``: input != other elementwise (bool)."""
    return _into(out, as_tensor(input).ne(other), "not_equal")


def ravel(input: Tensor) -> Tensor:
    """The elements as a 1-D tensor."""
    return tensor_argument(input, "ravel", "input", 1).ravel()


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """``Tensor.tensor_split``: ``n`` near-equal sections, or cuts before listed indices."""
    return tensor_argument(input, "tensor_split", "input", 1).tensor_split(indices_or_sections, dim)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 1 (dim 0 of a 1-D tensor); sections must divide exactly."""
    return tensor_argument(input, "hsplit", "input", 1).hsplit(indices_or_sections)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 0 of a tensor of at least 2 dims."""
    return tensor_argument(input, "vsplit", "input", 1).vsplit(indices_or_sections)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """``tensor_split`` along dim 2 of a tensor of at least 3 dims."""
    return tensor_argument(input, "dsplit", "input", 1).dsplit(indices_or_sections)


def split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """``split`` into pieces of the listed sizes (which add up to the dimension)."""
    return tensor_argument(input, "split_with_sizes", "input", 1).split_with_sizes(split_sizes, dim)


def unique_consecutive(
    input: Tensor,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """``Tensor.unique_consecutive``: runs of equal neighbours kept once."""
    t = tensor_argument(input, "unique_consecutive", "input", 1)
    return t.unique_consecutive(return_inverse, return_counts, dim)


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """A square matrix with the flattened ``input`` on diagonal ``offset``."""
    return tensor_argument(input, "diagflat", "input", 1).diagflat(offset)


def _membership_operand(v: Any) -> np.ndarray:
    a = v._data if isinstance(v, Tensor) else np.asarray(v)
    if a.dtype.kind not in "iuf":
        name = "Bool" if a.dtype.kind == "b" else torch_name(a.dtype)
        raise RuntimeError(f"Unsupported input type encountered for isin(): {name}")
    return a


def isin(
    elements: Any,
    test_elements: Any,
    *,
    assume_unique: bool = False,
    invert: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """Whether each of ``elements`` is among ``test_elements`` (bool, ``elements``' shape;
    either may be a number). ``invert`` gives the opposite; ``assume_unique`` is accepted (it
    only lets PyTorch take a faster path)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(
            "isin() received an invalid combination of arguments - got "
            f"({type(elements).__name__}, {type(test_elements).__name__}), but expected "
            "elements or test_elements to be a Tensor"
        )
    a, b = _membership_operand(elements), _membership_operand(test_elements)
    found = np.isin(a, b, invert=invert)
    return _into(out, _new_tensor(np.asarray(found), None), "isin", same_dtype=True)


def unravel_index(indices: Tensor, shape: Any) -> tuple[Tensor, ...]:
    """The coordinates in ``shape`` of flat ``indices`` (int64 tensors, one per dim, each of
    ``indices``' shape); a negative index counts from the end, as PyTorch's."""
    if not isinstance(indices, Tensor):
        raise TypeError(f"expected 'indices' to be integer tensor, but got {type(indices)}")
    a = indices._data
    if a.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got torch.{a.dtype.name}")
    if isinstance(shape, builtins.int):
        shape = (shape,)
    shape = tuple(shape)
    if builtins.any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    if not shape:
        return ()
    # PyTorch does not check the range: coordinates are taken modulo each size (floor), so
    # -1 is the last element and numel wraps to the first
    flat, coords = a.astype(np.int64), []
    for s in reversed(shape):
        coords.append(np.mod(flat, s) if s else np.zeros_like(flat))
        flat = np.floor_divide(flat, s) if s else flat
    return tuple(_new_tensor(np.asarray(c, dtype=np.int64), None) for c in reversed(coords))


def mv(input: Tensor, vec: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The product of the matrix ``input`` and the 1-D ``vec``."""
    return _into(out, tensor_argument(input, "mv", "input", 1).mv(vec), "mv")


def inner(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """Sums of products over the last dim of both (a 0-d operand multiplies)."""
    return _into(out, as_tensor(input).inner(other), "inner")


def vdot(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The dot product of two 1-D tensors of one dtype."""
    return _into(out, tensor_argument(input, "vdot", "input", 1).vdot(other), "vdot")


def addmv(
    input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1, out: Any = None
) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``; ``beta=0`` ignores input (nan included)."""
    r = tensor_argument(input, "addmv", "input", 1).addmv(mat, vec, beta=beta, alpha=alpha)
    return _into(out, r, "addmv")


def addr(
    input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1, out: Any = None
) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``; ``beta=0`` ignores input."""
    r = tensor_argument(input, "addr", "input", 1).addr(vec1, vec2, beta=beta, alpha=alpha)
    return _into(out, r, "addr")


def baddbmm(
    input: Tensor,
    batch1: Tensor,
    batch2: Tensor,
    *,
    beta: Any = 1,
    alpha: Any = 1,
    out: Any = None,
) -> Tensor:
    """``beta * input + alpha * bmm(batch1, batch2)``; ``beta=0`` ignores input."""
    t = tensor_argument(input, "baddbmm", "input", 1)
    return _into(out, t.baddbmm(batch1, batch2, beta=beta, alpha=alpha), "baddbmm")


def addbmm(
    input: Tensor,
    batch1: Tensor,
    batch2: Tensor,
    *,
    beta: Any = 1,
    alpha: Any = 1,
    out: Any = None,
) -> Tensor:
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``; ``beta=0`` ignores input."""
    t = tensor_argument(input, "addbmm", "input", 1)
    return _into(out, t.addbmm(batch1, batch2, beta=beta, alpha=alpha), "addbmm")


def chain_matmul(*matrices: Tensor, out: Tensor | None = None) -> Tensor:
    """The product of the 2-D ``matrices`` in order (deprecated in PyTorch, as here: use
    ``linalg.multi_dot``, or ``@``)."""
    warnings.warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. "
        "Use torch.linalg.multi_dot instead, which accepts a list of two or more tensors "
        "rather than multiple parameters.",
        UserWarning,
        stacklevel=2,
    )
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        tensor_argument(m, "chain_matmul", "matrices", 1)
        if m._data.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m._data.ndim}, expected 2 instead.")
    result = matrices[0]
    for m in matrices[1:]:
        result = result @ m
    return _into(out, result if len(matrices) > 1 else result.clone(), "chain_matmul")
