"""PyTorch's functions of comparison aliases, splitting, membership and products with a scaled
sum: ``greater``..., ``ravel``, ``tensor_split``, ``hsplit``/``vsplit``/``dsplit``,
``split_with_sizes``, ``isin``, ``unravel_index``, ``unique_consecutive``, ``diagflat``,
``mv``, ``inner``, ``vdot``, ``addmv``, ``addr``, ``baddbmm``, ``addbmm``, ``chain_matmul``,
and the incomplete gamma functions ``igamma``, ``igammac``.

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
from .pointwise_gaps import PointwiseGapResults, histogram_of
from .tensor import Tensor, _new_tensor, as_tensor

__all__ = [
    "addbmm",
    "addmv",
    "addr",
    "baddbmm",
    "chain_matmul",
    "copysign",
    "deg2rad",
    "diagflat",
    "diagonal_scatter",
    "dsplit",
    "float_power",
    "fmax",
    "fmin",
    "frexp",
    "gcd",
    "greater",
    "greater_equal",
    "histogram",
    "histogramdd",
    "hsplit",
    "igamma",
    "igammac",
    "index_add",
    "index_copy",
    "index_fill",
    "index_reduce",
    "inner",
    "isin",
    "lcm",
    "ldexp",
    "less",
    "less_equal",
    "logaddexp2",
    "mv",
    "nextafter",
    "not_equal",
    "put",
    "rad2deg",
    "ravel",
    "rsub",
    "scatter_reduce",
    "select_scatter",
    "slice_scatter",
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


def igamma(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """P(input, other), the regularized lower incomplete gamma function (``special.gammainc``)."""
    t = tensor_argument(input, "igamma", "input", 1)
    return _into(out, t.igamma(tensor_argument(other, "igamma", "other", 2)), "igamma")


def igammac(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Q(input, other) = 1 - P, the regularized upper incomplete gamma function."""
    t = tensor_argument(input, "igammac", "input", 1)
    return _into(out, t.igammac(tensor_argument(other, "igammac", "other", 2)), "igammac")


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


# -- indexing: the functions of the methods of inplace_methods and scatter_methods -------------


def index_add(
    input: Tensor,
    dim: int,
    index: Tensor,
    source: Tensor,
    *,
    alpha: Any = 1,
    out: Tensor | None = None,
) -> Tensor:
    """A copy of ``input`` with ``alpha * source`` added into the slices ``index`` along
    ``dim`` (repeats add up)."""
    t = tensor_argument(input, "index_add", "input", 1)
    return _into(out, t.index_add(dim, index, source, alpha=alpha), "index_add")


def index_copy(
    input: Tensor, dim: int, index: Tensor, source: Tensor, *, out: Tensor | None = None
) -> Tensor:
    """A copy of ``input`` with ``source`` copied into the slices ``index`` along ``dim``."""
    t = tensor_argument(input, "index_copy", "input", 1)
    return _into(out, t.index_copy(dim, index, source), "index_copy")


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` in the slices ``index`` along ``dim``."""
    return tensor_argument(input, "index_fill", "input", 1).index_fill(dim, index, value)


def scatter_reduce(
    input: Tensor,
    dim: int,
    index: Tensor,
    src: Tensor,
    reduce: str,
    *,
    include_self: bool = True,
    out: Tensor | None = None,
) -> Tensor:
    """``Tensor.scatter_reduce``: ``src`` reduced (sum, prod, mean, amax, amin) into the
    positions ``index`` gives along ``dim``."""
    t = tensor_argument(input, "scatter_reduce", "input", 1)
    r = t.scatter_reduce(dim, index, src, reduce, include_self=include_self)
    return _into(out, r, "scatter_reduce")


def index_reduce(
    input: Tensor,
    dim: int,
    index: Tensor,
    source: Tensor,
    reduce: str,
    *,
    include_self: bool = True,
    out: Tensor | None = None,
) -> Tensor:
    """``Tensor.index_reduce``: slices of ``source`` reduced (prod, mean, amax, amin) into
    the slices ``index`` along ``dim``."""
    t = tensor_argument(input, "index_reduce", "input", 1)
    r = t.index_reduce(dim, index, source, reduce, include_self=include_self)
    return _into(out, r, "index_reduce")


def diagonal_scatter(
    input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1
) -> Tensor:
    """A copy of ``input`` with ``src`` on the diagonal ``input.diagonal(offset, dim1, dim2)``."""
    t = tensor_argument(input, "diagonal_scatter", "input", 1)
    return t.diagonal_scatter(src, offset, dim1, dim2)


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """A copy of ``input`` with ``src`` at ``input.select(dim, index)``."""
    return tensor_argument(input, "select_scatter", "input", 1).select_scatter(src, dim, index)


def slice_scatter(
    input: Tensor,
    src: Tensor,
    dim: int = 0,
    start: int | None = None,
    end: int | None = None,
    step: int = 1,
) -> Tensor:
    """A copy of ``input`` with ``src`` at the slice ``start:end:step`` along ``dim``."""
    t = tensor_argument(input, "slice_scatter", "input", 1)
    return t.slice_scatter(src, dim, start, end, step)


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` (seen as 1-D) with ``source`` at the flat ``index``."""
    return tensor_argument(input, "put", "input", 1).put(index, source, accumulate)


# -- elementwise ------------------------------------------------------------------------------


def _tuple_into(out: Any, results: Any, name: str) -> Any:
    """``results`` (a named tuple), or, given PyTorch's ``out=`` tuple, each written there."""
    if out is None:
        return results
    if not isinstance(out, tuple | list) or len(out) != len(results):
        raise TypeError(f"{name}(): argument 'out' must be tuple of {len(results)} Tensors")
    return type(results)(*(_into(o, r, name) for o, r in zip(out, results)))


def copysign(input: Tensor, other: Any, *, out: Tensor | None = None) -> Tensor:
    """|input| with the sign of ``other`` (a tensor or a number); a float result."""
    t = tensor_argument(input, "copysign", "input", 1)
    return _into(out, t.copysign(other), "copysign")


def fmax(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The larger elementwise, a NaN losing to a number."""
    tensor_argument(other, "fmax", "other", 2)
    return _into(out, tensor_argument(input, "fmax", "input", 1).fmax(other), "fmax")


def fmin(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The smaller elementwise, a NaN losing to a number."""
    tensor_argument(other, "fmin", "other", 2)
    return _into(out, tensor_argument(input, "fmin", "input", 1).fmin(other), "fmin")


def gcd(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The greatest common divisor of integers, elementwise."""
    t = tensor_argument(input, "gcd", "input", 1)
    return _into(out, t.gcd(tensor_argument(other, "gcd", "other", 2)), "gcd")


def lcm(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The least common multiple of integers, elementwise."""
    t = tensor_argument(input, "lcm", "input", 1)
    return _into(out, t.lcm(tensor_argument(other, "lcm", "other", 2)), "lcm")


def deg2rad(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Degrees to radians."""
    return _into(out, tensor_argument(input, "deg2rad", "input", 1).deg2rad(), "deg2rad")


def rad2deg(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Radians to degrees."""
    return _into(out, tensor_argument(input, "rad2deg", "input", 1).rad2deg(), "rad2deg")


def logaddexp2(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """log2(2**input + 2**other) without overflow (float tensors)."""
    tensor_argument(other, "logaddexp2", "other", 2)
    t = tensor_argument(input, "logaddexp2", "input", 1)
    return _into(out, t.logaddexp2(other), "logaddexp2")


def float_power(input: Any, exponent: Any, *, out: Tensor | None = None) -> Tensor:
    """input ** exponent in float64 (either may be a number, not both)."""
    if not isinstance(input, Tensor):
        e = tensor_argument(exponent, "float_power", "exponent", 2)
        r = as_tensor(np.asarray(input, dtype=np.float64)).float_power(e)
    else:
        r = input.float_power(exponent)
    return _into(out, r, "float_power")


def ldexp(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """input * 2**other (a float result)."""
    tensor_argument(other, "ldexp", "other", 2)
    return _into(out, tensor_argument(input, "ldexp", "input", 1).ldexp(other), "ldexp")


def frexp(input: Tensor, *, out: Any = None) -> Any:
    """``(mantissa, exponent)`` with input = mantissa * 2**exponent (int32 exponents)."""
    return _tuple_into(out, tensor_argument(input, "frexp", "input", 1).frexp(), "frexp")


def nextafter(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The next float after ``input`` towards ``other``, elementwise."""
    tensor_argument(other, "nextafter", "other", 2)
    t = tensor_argument(input, "nextafter", "input", 1)
    return _into(out, t.nextafter(other), "nextafter")


def rsub(input: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    """``other - alpha * input`` (subtraction with the operands reversed)."""
    t = tensor_argument(input, "rsub", "input", 1)
    return other - (t if alpha == 1 else t * alpha)


def histogram(
    input: Tensor,
    bins: Any = 100,
    *,
    range: Any = None,
    weight: Tensor | None = None,
    density: bool = False,
    out: Any = None,
) -> Any:
    """``Tensor.histogram``: ``(hist, bin_edges)`` of the elements (float tensors)."""
    t = tensor_argument(input, "histogram", "input", 1)
    r = t.histogram(bins, range=range, weight=weight, density=density)
    return _tuple_into(out, r, "histogram")


def histogramdd(
    input: Tensor,
    bins: Any = 10,
    *,
    range: Any = None,
    weight: Tensor | None = None,
    density: bool = False,
) -> Any:
    """``(hist, bin_edges)``: the D-dimensional histogram of the rows of ``input`` (its last
    dim is D); ``bins`` an int, one int per dim, or one 1-D tensor of edges per dim."""
    t = tensor_argument(input, "histogramdd", "input", 1)
    a = t._data
    if a.ndim < 2:
        raise RuntimeError(
            f"torch.histogramdd(): input should have at least 2 dimensions, but got {a.ndim}"
        )
    hist, edges = histogram_of(a, bins, range, weight, density, "histogramdd")
    wrapped = [_new_tensor(e, None) for e in edges]
    return PointwiseGapResults.histogramdd(_new_tensor(hist, None), tuple(wrapped))
