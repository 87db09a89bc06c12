"""More of PyTorch's functions: contractions and products (``tensordot``, ``kron``, ``cross``,
``cartesian_prod``, ``combinations``, ``block_diag``, ``vander``), differences and integrals
(``diff``, ``trapezoid``), statistics (``std_mean``, ``var_mean``, ``quantile``, ``cov``,
``corrcoef``, ``histc``), running extremes, sorted search (``searchsorted``, ``bucketize``) and
shape helpers (``atleast_1d``...).

Each is a composition of Tensor methods and existing ops, so the differentiable ones need no
backward rule of their own; the index-valued ones compute in NumPy and record nothing.
"""

from __future__ import annotations

import builtins
import itertools
from typing import Any, Literal

import numpy as np

from . import more_methods
from .dims import wrap_dim
from .dtypes import default_float, not_implemented_for, result_np, torch_name
from .functions import _into, einsum, meshgrid, stack
from .more_methods import _const, _need_tensor, cross_of
from .tensor import Tensor
from .validation import UNSET, int_argument, var_arguments

__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "block_diag",
    "bucketize",
    "cartesian_prod",
    "combinations",
    "corrcoef",
    "cov",
    "cross",
    "cummax",
    "cummin",
    "cumulative_trapezoid",
    "detach",
    "diff",
    "dist",
    "heaviside",
    "histc",
    "kron",
    "logcumsumexp",
    "nanquantile",
    "quantile",
    "renorm",
    "rot90",
    "searchsorted",
    "signbit",
    "std_mean",
    "tensordot",
    "trapezoid",
    "trapz",
    "vander",
    "var_mean",
]


def _input(x: Any, fn: str, name: str = "input") -> Tensor:
    """``x`` if it is a Tensor; PyTorch's TypeError for its first argument otherwise."""
    _need_tensor(x, fn, name, 1)
    return x


# ---------------------------------------------------------------------------------------------
# Products and contractions


def tensordot(a: Tensor, b: Tensor, dims: Any = 2, out: Tensor | None = None) -> Tensor:
    """The sum of products of ``a`` and ``b`` over the given dims (``torch.tensordot``).

    Args:
        a, b: tensors of one dtype.
        dims: an int ``d`` (the last ``d`` dims of ``a`` with the first ``d`` of ``b``), a pair
            of lists ``([dims of a], [dims of b])``, or a tensor of either form. A contracted
            dim of size 1 is summed against the other (PyTorch's rule).
        out: a tensor to hold the result (not differentiable).

    Returns:
        ``a``'s free dims followed by ``b``'s; differentiable (one ``einsum``).
    """
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        bad = a if not isinstance(a, Tensor) else b
        raise AttributeError(f"'{type(bad).__name__}' object has no attribute 'dim'")
    if isinstance(dims, Tensor):
        dims = dims.tolist() if dims.numel() > 1 else builtins.int(dims.item())
    if isinstance(dims, builtins.bool) or not isinstance(dims, builtins.int | list | tuple):
        raise RuntimeError(
            "tensordot expects dims to be int or tuple[list[int], list[int]] or "
            f"list[list[int]] containing two lists, but got dims={dims}"
        )
    if isinstance(dims, builtins.int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > builtins.min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims_a, dims_b = list(range(-dims, 0)), list(range(dims))
    else:
        if len(dims) != 2:
            raise ValueError(f"too many values to unpack (expected 2) (tensordot dims={dims})")
        dims_a, dims_b = dims
        if isinstance(dims_a, builtins.int) or isinstance(dims_b, builtins.int):
            raise TypeError(
                "tensordot(): argument 'dims_self' (position 3) must be tuple of ints, not int"
            )
        dims_a, dims_b = list(dims_a), list(dims_b)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if a._data.dtype == np.bool_:
        raise not_implemented_for("dot", a._data.dtype)
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    contracted_a: set[builtins.int] = set()
    contracted_b: set[builtins.int] = set()
    for da, db in zip(dims_a, dims_b, strict=True):
        ia = wrap_dim(da, a.ndim, "tensordot", tuple(a.shape))
        ib = wrap_dim(db, b.ndim, "tensordot", tuple(b.shape))
        s1, s2 = a.shape[ia], b.shape[ib]
        if ia in contracted_a or ib in contracted_b or (s1 != s2 and 1 not in (s1, s2)):
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {s1} in dim {da} and "
                f"second has size {s2} in dim {db}"
            )
        if s1 != s2:  # a size-1 dim is summed against the other (PyTorch's rule)
            if s1 == 1:
                a = a.expand([s2 if i == ia else -1 for i in range(a.ndim)])
            else:
                b = b.expand([s1 if i == ib else -1 for i in range(b.ndim)])
        contracted_a.add(ia)
        contracted_b.add(ib)
        sb[ib] = sa[ia]
    free = [sa[i] for i in range(a.ndim) if i not in contracted_a]
    free += [sb[i] for i in range(b.ndim) if i not in contracted_b]
    result = einsum(f"{''.join(sa)},{''.join(sb)}->{''.join(free)}", a, b)
    return _into(out, result, "tensordot")


def kron(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The Kronecker product (``torch.kron``; see ``Tensor.kron``)."""
    return _into(out, _input(input, "kron").kron(other), "kron")


def cross(
    input: Tensor, other: Tensor, dim: builtins.int | None = None, *, out: Tensor | None = None
) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (``torch.cross``; without ``dim``
    PyTorch's deprecated default, the first dim of size 3; see ``linalg.cross``)."""
    return _into(out, cross_of(_input(input, "cross"), other, dim, "cross"), "cross")


def linalg_cross(
    input: Tensor, other: Tensor, *, dim: builtins.int = -1, out: Tensor | None = None
) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (default -1), broadcast
    (``torch.linalg.cross``); differentiable."""
    x = _input(input, "linalg_cross")
    return _into(out, cross_of(x, other, dim, "linalg_cross"), "linalg_cross")


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """The Cartesian product of 1-D tensors of one dtype (``torch.cartesian_prod``): one row
    per combination, the last tensor varying fastest (``itertools.product``'s order); a single
    tensor is returned as it is. Differentiable."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if len({t._data.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def combinations(
    input: Tensor, r: builtins.int = 2, with_replacement: builtins.bool = False
) -> Tensor:
    """The length-``r`` combinations of a 1-D tensor's elements as rows
    (``torch.combinations``, ``itertools.combinations`` order; with replacement
    ``combinations_with_replacement``); ``r = 0`` gives an empty tensor. Differentiable."""
    x = _input(input, "combinations")
    r = int_argument(r, "combinations", "r", 2)
    if x.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _const(np.empty((0,), dtype=x._data.dtype))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    index = np.array(list(pick(range(x.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return x[index]


def block_diag(*tensors: Tensor) -> Tensor:
    """A block diagonal matrix of the tensors (``torch.block_diag``): a 0-d tensor is a 1x1
    block, a 1-D one a row; zeros elsewhere; types promote. Differentiable."""
    blocks = []
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )
        if t.ndim > 2:
            raise RuntimeError(
                "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                f"{i} has {t.ndim} dimensions"
            )
        blocks.append(t.reshape(1, -1) if t.ndim == 1 else t.reshape(1, 1) if t.ndim == 0 else t)
    if not blocks:
        return _const(np.empty((1, 0), dtype=default_float()))
    dt = result_np(*[b._data for b in blocks])
    width = builtins.sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        r, c = b.shape
        pieces = [
            _const(np.zeros((r, left), dtype=dt)),
            b if b._data.dtype == dt else b.to(dt),
            _const(np.zeros((r, width - left - c), dtype=dt)),
        ]
        rows.append(more_methods._cat(pieces, 1))
        left += c
    return more_methods._cat(rows, 0)


def vander(x: Tensor, N: builtins.int | None = None, increasing: builtins.bool = False) -> Tensor:
    """The Vandermonde matrix of a 1-D tensor (``torch.vander``): columns ``x**(N-1)`` down to
    ``x**0`` (up, with ``increasing``); ``N`` defaults to ``len(x)``. Integer and bool input
    give int64. Running products (``cumprod``), so the gradient is exact at zeros."""
    x = _input(x, "vander", "x")
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int_argument(N, "vander", "N", 2)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dt = np.dtype(np.int64) if x._data.dtype.kind in "biu" else x._data.dtype
    if n == 0:
        return _const(np.empty((x.shape[0], 0), dtype=dt))
    xs = x if x._data.dtype == dt else x.to(dt)
    result = _const(np.ones((x.shape[0], 1), dtype=dt))
    if n > 1:
        result = more_methods._cat([result, xs.unsqueeze(1).expand(x.shape[0], n - 1)], 1)
        result = result.cumprod(1)
    return result if increasing else result.flip([1])


# ---------------------------------------------------------------------------------------------
# Statistics


def _var_args(input: Any, dim: Any, args: tuple[Any, ...], kw: dict[str, Any], fn: str) -> Any:
    """PyTorch's overloads of ``var_mean``/``std_mean``: ``(input, dim, unbiased, keepdim)``,
    ``(input, unbiased)`` and ``(input, dim=None, *, correction=1, keepdim=False)``."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{fn}() received an invalid combination of arguments - got "
            f"({type(input).__name__}), but expected (Tensor input, ...)"
        )
    if input._data.dtype.kind not in "fc":
        raise RuntimeError(f"{fn} only support floating point and complex dtypes")
    if len(args) > 2:
        raise TypeError(f"{fn}() takes at most 4 positional arguments ({2 + len(args)} given)")
    unbiased = args[0] if args else kw.pop("unbiased", UNSET)
    keepdim = args[1] if len(args) > 1 else kw.pop("keepdim", UNSET)
    correction = kw.pop("correction", None)
    if kw:
        raise TypeError(f"{fn}() got an unexpected keyword argument '{next(iter(kw))}'")
    dim, c, keepdim = var_arguments(fn, dim, unbiased, keepdim, correction)
    var = input.var(dim, keepdim=keepdim, correction=c)
    return var, input.mean(() if dim is None else dim, keepdim)


def var_mean(input: Tensor, dim: Any = UNSET, *args: Any, **kw: Any) -> tuple[Tensor, Tensor]:
    """The tuple ``(var, mean)`` over ``dim`` (``torch.var_mean``): ``var``'s arguments
    (``unbiased`` or ``correction``, default 1, and ``keepdim``); float input only."""
    return tuple(_var_args(input, dim, args, kw, "var_mean"))


def std_mean(input: Tensor, dim: Any = UNSET, *args: Any, **kw: Any) -> tuple[Tensor, Tensor]:
    """The tuple ``(std, mean)`` over ``dim`` (``torch.std_mean``), with ``var_mean``'s
    arguments."""
    var, mean = _var_args(input, dim, args, kw, "std_mean")
    return var.sqrt(), mean


def quantile(
    input: Tensor,
    q: Any,
    dim: builtins.int | None = None,
    keepdim: builtins.bool = False,
    *,
    interpolation: str = "linear",
    out: Tensor | None = None,
) -> Tensor:
    """The ``q``-quantiles of ``input`` over ``dim`` (``torch.quantile``; see
    ``Tensor.quantile``)."""
    x = _input(input, "quantile")
    result = x.quantile(q, dim, keepdim, interpolation=interpolation)
    return _into(out, result, "quantile")


def nanquantile(
    input: Tensor,
    q: Any,
    dim: builtins.int | None = None,
    keepdim: builtins.bool = False,
    *,
    interpolation: str = "linear",
    out: Tensor | None = None,
) -> Tensor:
    """``quantile`` ignoring NaNs (``torch.nanquantile``)."""
    x = _input(input, "nanquantile")
    result = x.nanquantile(q, dim, keepdim, interpolation=interpolation)
    return _into(out, result, "nanquantile")


def cov(
    input: Tensor,
    *,
    correction: builtins.int = 1,
    fweights: Tensor | None = None,
    aweights: Tensor | None = None,
) -> Tensor:
    """The covariance matrix of the rows of ``input`` (``torch.cov``; see ``Tensor.cov``)."""
    x = _input(input, "cov")
    return x.cov(correction=correction, fweights=fweights, aweights=aweights)


def corrcoef(input: Tensor) -> Tensor:
    """Pearson's correlation coefficients of the rows (``torch.corrcoef``)."""
    return _input(input, "corrcoef").corrcoef()


def histc(
    input: Tensor,
    bins: builtins.int = 100,
    min: builtins.float = 0,
    max: builtins.float = 0,
    *,
    out: Tensor | None = None,
) -> Tensor:
    """A histogram of ``bins`` equal bins over ``[min, max]`` (``torch.histc``; see
    ``Tensor.histc``); records nothing."""
    return _into(out, _input(input, "histc").histc(bins, min, max), "histc")


# ---------------------------------------------------------------------------------------------
# Differences, running values, integrals


def diff(
    input: Tensor,
    n: builtins.int = 1,
    dim: builtins.int = -1,
    prepend: Tensor | None = None,
    append: Tensor | None = None,
    *,
    out: Tensor | None = None,
) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (``torch.diff``; see ``Tensor.diff``)."""
    return _into(out, _input(input, "diff").diff(n, dim, prepend, append), "diff")


def cummax(input: Tensor, dim: builtins.int, *, out: Any = None) -> Any:
    """``(values, indices)`` of the running maximum along ``dim`` (``torch.cummax``);
    ``out``: a pair of tensors to hold them (not differentiable)."""
    return _pair_into(out, _input(input, "cummax").cummax(dim), "cummax")


def cummin(input: Tensor, dim: builtins.int, *, out: Any = None) -> Any:
    """``(values, indices)`` of the running minimum along ``dim`` (``torch.cummin``)."""
    return _pair_into(out, _input(input, "cummin").cummin(dim), "cummin")


def _pair_into(out: Any, result: Any, name: str) -> Any:
    """``result``, or PyTorch's ``out=(values, indices)`` holding it."""
    if out is None:
        return result
    if not isinstance(out, tuple | list) or len(out) != 2:
        raise TypeError(
            f"{name}(): argument 'out' must be tuple of Tensors, not {type(out).__name__}"
        )
    values = _into(out[0], result.values, name)
    return type(result)(values, _into(out[1], result.indices, name))


def logcumsumexp(input: Tensor, dim: builtins.int, *, out: Tensor | None = None) -> Tensor:
    """log(cumsum(exp(input))) along ``dim``, without overflow (``torch.logcumsumexp``)."""
    return _into(out, _input(input, "logcumsumexp").logcumsumexp(dim), "logcumsumexp")


def _trapezoid_args(y: Any, x: Any, dx: Any, dim: Any, fn: str) -> builtins.int:
    """Checks shared by ``trapezoid`` and ``cumulative_trapezoid``; the wrapped dim."""
    _input(y, fn, "y")
    if x is not None and dx is not None:
        raise TypeError(
            f"{fn}() received an invalid combination of arguments - got (Tensor, Tensor, "
            f"dx=...), but expected one of: (Tensor y, Tensor x, *, int dim = -1) or (Tensor y, "
            "*, Number dx = 1, int dim = -1)"
        )
    if x is not None and not isinstance(x, Tensor):
        raise TypeError(
            f"{fn}() received an invalid combination of arguments - got (Tensor, "
            f"{type(x).__name__}), but expected one of: (Tensor y, Tensor x, *, int dim = -1) or "
            "(Tensor y, *, Number dx = 1, int dim = -1): pass a spacing as dx="
        )
    if y.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = wrap_dim(dim, y.ndim, fn, tuple(y.shape))
    if y._data.dtype == np.bool_ or (x is not None and x._data.dtype == np.bool_):
        raise RuntimeError(f"{fn}: received a bool input for `y`, but bool is not supported")
    return d


def _spacing(y: Tensor, x: Tensor, d: builtins.int, fn: str) -> Tensor:
    """The differences of the sample points ``x``, viewed to broadcast against ``y``'s
    intervals along ``d`` (PyTorch's rules for a 1-D ``x`` and for fewer dims)."""
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(f"{fn}: There must be one `x` value for each sample point")
        x = x.reshape([x.shape[0] if i == d else 1 for i in range(y.ndim)])
    elif x.ndim < y.ndim:
        x = x.reshape((1,) * (y.ndim - x.ndim) + tuple(x.shape))
    n = x.shape[d]
    return x[(slice(None),) * d + (slice(1, n),)] - x[(slice(None),) * d + (slice(0, n - 1),)]


def trapezoid(
    y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: builtins.int = -1
) -> Tensor:
    """The trapezoidal rule along ``dim`` (``torch.trapezoid``): sample points ``x`` (a
    tensor, 1-D or broadcastable), or a constant spacing ``dx`` (default 1). Integer input
    gives the default float dtype; no samples give 0. Differentiable."""
    d = _trapezoid_args(y, x, dx, dim, "trapezoid")
    n = y.shape[d]
    if n == 0:
        shape = tuple(s for i, s in enumerate(y.shape) if i != d)
        return _const(np.zeros(shape, dtype=y._data.dtype))
    hi = y[(slice(None),) * d + (slice(1, n),)]
    lo = y[(slice(None),) * d + (slice(0, n - 1),)]
    if x is not None:
        return ((hi + lo) * _spacing(y, x, d, "trapezoid")).sum(d) / 2.0
    step = 1 if dx is None else dx
    ends = y[(slice(None),) * d + (0,)] + y[(slice(None),) * d + (n - 1,)]
    return (y.sum(d) - ends * 0.5) * step


def trapz(y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: builtins.int = -1) -> Tensor:
    """``trapezoid`` under its older name (``torch.trapz``)."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(
    y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: builtins.int = -1
) -> Tensor:
    """The running trapezoidal rule along ``dim`` (``torch.cumulative_trapezoid``): one value
    per interval, so ``dim`` shrinks by one. Differentiable."""
    d = _trapezoid_args(y, x, dx, dim, "cumulative_trapezoid")
    n = y.shape[d]
    if n == 0:
        return y.clone()
    hi = y[(slice(None),) * d + (slice(1, n),)]
    lo = y[(slice(None),) * d + (slice(0, n - 1),)]
    if x is not None:
        return ((hi + lo) * _spacing(y, x, d, "cumulative_trapezoid") / 2.0).cumsum(d)
    return ((hi + lo) * ((1 if dx is None else dx) / 2.0)).cumsum(d)


# ---------------------------------------------------------------------------------------------
# Search


def _side(side: Any, right: builtins.bool) -> Literal["left", "right"]:
    """``side`` checked against ``right``, PyTorch's way."""
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise RuntimeError(
            f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
        )
    if right and side == "left":
        raise RuntimeError(
            "torch.searchsorted(): side and right can't be set to opposites, got side of left "
            "while right was True"
        )
    return "left" if side == "left" else "right"


def _values(input: Any, fn: str, signature: str) -> np.ndarray:
    """The values to look up: a tensor's array, or a Python number as a 0-d array."""
    if isinstance(input, Tensor):
        return input._data
    if isinstance(input, builtins.int | builtins.float) and not isinstance(input, builtins.bool):
        return np.asarray(input)
    raise TypeError(
        f"{fn}() received an invalid combination of arguments - got ({signature}), but "
        "expected a Tensor or a number for input"
    )


def searchsorted(
    sorted_sequence: Tensor,
    input: Any,
    *,
    out_int32: builtins.bool = False,
    right: builtins.bool = False,
    side: str | None = None,
    sorter: Tensor | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """Where each of ``input`` would go in ``sorted_sequence`` to keep it sorted
    (``torch.searchsorted``): the first such index (``side="left"``) or the last
    (``side="right"`` or ``right=True``), along the last dim, whose leading dims match
    ``input``'s (or a 1-D sequence for all). ``sorter``: the indices that sort an unsorted
    sequence. int64 (``out_int32``: int32) indices, which record nothing.
    """
    if not isinstance(sorted_sequence, Tensor):
        raise TypeError(
            "searchsorted() received an invalid combination of arguments - got "
            f"({type(sorted_sequence).__name__}, ...), but expected (Tensor sorted_sequence, "
            "Tensor input, ...)"
        )
    values = _values(input, "searchsorted", f"Tensor, {type(input).__name__}")
    chosen = _side(side, right)
    seq = sorted_sequence._data
    if seq.ndim == 0:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
            "dimension"
        )
    if seq.ndim > 1 and seq.shape[:-1] != values.shape[:-1]:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(seq.shape)} and input value tensor {list(values.shape)}"
        )
    if seq.dtype == np.bool_ or values.dtype == np.bool_:
        raise not_implemented_for("searchsorted_out_cpu", np.dtype(np.bool_))
    if sorter is not None:
        _need_tensor(sorter, "searchsorted", "sorter")
        order = sorter._data
        if order.shape != seq.shape:
            raise RuntimeError(
                "torch.searchsorted(): boundary and sorter must have the same size, but got "
                f"boundary tensor {list(seq.shape)}and got sorter tensor {list(order.shape)}"
            )
        if order.dtype != np.int64:
            raise RuntimeError(
                "torch.searchsorted(): sorter must be a tensor of long dtype but got dtype "
                f"{torch_name(order.dtype)}"
            )
        if order.size and (order.min() < 0 or order.max() >= seq.shape[-1]):
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
        seq = np.take_along_axis(seq, order, axis=-1)
    if seq.ndim == 1:
        found = np.searchsorted(seq, values, side=chosen)
    else:
        lead = int(np.prod(seq.shape[:-1]))
        rows = seq.reshape(lead, seq.shape[-1])
        vals = values.reshape(lead, -1 if lead else 0)
        found = np.zeros(vals.shape, dtype=np.int64)
        for i, (r, v) in enumerate(zip(rows, vals, strict=True)):
            found[i] = np.searchsorted(r, v, side=chosen)
        found = found.reshape(values.shape)
    result = _const(np.asarray(found, dtype=np.int32 if out_int32 else np.int64))
    return _into(out, result, "searchsorted")


def bucketize(
    input: Any,
    boundaries: Tensor,
    *,
    out_int32: builtins.bool = False,
    right: builtins.bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """The bucket of each element of ``input`` among the sorted 1-D ``boundaries``
    (``torch.bucketize``): index ``i`` with ``boundaries[i-1] < x <= boundaries[i]``
    (``right=True``: ``boundaries[i-1] <= x < boundaries[i]``); records nothing."""
    if not isinstance(boundaries, Tensor):
        raise TypeError(
            "bucketize() received an invalid combination of arguments - got (..., "
            f"{type(boundaries).__name__}), but expected (Tensor input, Tensor boundaries, ...)"
        )
    _values(input, "bucketize", f"{type(input).__name__}, Tensor")
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    result = searchsorted(boundaries, input, out_int32=out_int32, right=right)
    return _into(out, result, "bucketize")


# ---------------------------------------------------------------------------------------------
# Element-wise and shape helpers


def rot90(input: Tensor, k: builtins.int = 1, dims: Any = (0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (``torch.rot90``)."""
    return _input(input, "rot90").rot90(k, dims)


def renorm(
    input: Tensor,
    p: builtins.float,
    dim: builtins.int,
    maxnorm: builtins.float,
    *,
    out: Tensor | None = None,
) -> Tensor:
    """Slices along ``dim`` with ``p``-norm over ``maxnorm`` scaled down to it
    (``torch.renorm``; see ``Tensor.renorm``)."""
    return _into(out, _input(input, "renorm").renorm(p, dim, maxnorm), "renorm")


def dist(input: Tensor, other: Tensor, p: builtins.float = 2) -> Tensor:
    """The ``p``-norm of ``input - other`` (``torch.dist``)."""
    return _input(input, "dist").dist(other, p)


def heaviside(input: Tensor, values: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The step function with ``values`` at 0 (``torch.heaviside``); records nothing."""
    return _into(out, _input(input, "heaviside").heaviside(values), "heaviside")


def signbit(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Whether each element's sign bit is set (``torch.signbit``, bool)."""
    return _into(out, _input(input, "signbit").signbit(), "signbit")


def detach(input: Tensor) -> Tensor:
    """``input.detach()`` (``torch.detach``): the same data, cut from the graph."""
    return _input(input, "detach").detach()


def _atleast(tensors: tuple[Any, ...], n: builtins.int, fn: str) -> Any:
    """The shared logic of ``atleast_1d/2d/3d``: one tensor in, one out; several (or one
    list) in, a tuple out."""
    many = len(tensors) != 1 or isinstance(tensors[0], list | tuple)
    items = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], list | tuple) else tensors
    out = []
    for t in items:
        if not isinstance(t, Tensor):
            raise TypeError(
                f"{fn}() received an invalid combination of arguments - got "
                f"({type(t).__name__}), but expected one of: (Tensor input) or (tuple of "
                "Tensors tensors)"
            )
        if t.ndim >= n:
            out.append(t)
        elif t.ndim == 0:
            out.append(t.reshape((1,) * n))
        elif n == 2 or t.ndim == 2:  # (m,) -> (1, m); (m, k) -> (m, k, 1)
            out.append(t.unsqueeze(0) if n == 2 else t.unsqueeze(-1))
        else:  # (m,) -> (1, m, 1)
            out.append(t.reshape(1, -1, 1))
    return tuple(out) if many else out[0]


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least one dim (a 0-d one becomes shape (1,)) (``torch.atleast_1d``);
    one tensor gives a tensor, several or a list give a tuple."""
    return _atleast(tensors, 1, "atleast_1d")


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least two dims: () -> (1, 1), (n,) -> (1, n)
    (``torch.atleast_2d``)."""
    return _atleast(tensors, 2, "atleast_2d")


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least three dims: () -> (1, 1, 1), (n,) -> (1, n, 1), (m, n) ->
    (m, n, 1) (``torch.atleast_3d``)."""
    return _atleast(tensors, 3, "atleast_3d")
