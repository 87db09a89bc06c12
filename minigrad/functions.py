"""Module-level functions mirroring the Tensor methods, and the ops of several tensors."""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Sequence
from typing import Any, overload

import numpy as np

from . import fused, more_ops, ops, versions
from .dims import wrap_dim
from .dtypes import not_implemented_for, result_np, torch_name
from .grad_mode import _grad_enabled
from .node_surface import labelled
from .pointwise import _isclose, _logical, _pair
from .rearrange import _broadcast_shape
from .surface import Size
from .tensor import Tensor, _new_tensor, apply, as_tensor
from .validation import (
    REQUIRED,
    UNSET,
    ShapeError,
    _cat_mismatch,
    _check_linear_dtypes,
    _check_linear_shapes,
    _kernel_refusal,
    _stack_mismatch,
    _tensor_only,
)
from .where import where_of

TensorLike = Tensor | np.ndarray | float | int


def _into(out: Any, result: Tensor, name: str, same_dtype: bool = False) -> Tensor:
    """``result``, or, given PyTorch's ``out=`` tensor, ``out`` holding it.

    As in PyTorch: ``out=`` is not differentiable (refused while a graph is recorded and an
    argument requires grad), the result is cast to out's dtype when the cast keeps its kind,
    (``same_dtype``: must equal it, as PyTorch's matmul and clamp), and an out with zero
    elements takes the result's shape. An out of another shape that holds
    elements is refused (PyTorch resizes it with a deprecation warning): pass one of the
    result's shape, or use the returned tensor.
    """
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if _grad_enabled.get() and (result.requires_grad or out.requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    r, o = result._data, out._data
    if same_dtype and r.dtype != o.dtype:
        raise RuntimeError(
            f"Expected out tensor to have dtype {r.dtype}, but got {o.dtype} instead"
        )
    if not np.can_cast(r.dtype, o.dtype, "same_kind"):
        raise RuntimeError(
            f"result type {r.dtype} can't be cast to the desired output type {o.dtype}"
        )
    if r.shape != o.shape:
        if o.size or out._base is not None:
            raise RuntimeError(
                f"{name}(): out= has shape {list(o.shape)} but the result has shape "
                f"{list(r.shape)}; minigrad does not resize an out= tensor that holds elements "
                "(PyTorch's deprecated behaviour): pass one of the result's shape, or use the "
                "returned tensor"
            )
        out._data = np.empty(r.shape, dtype=o.dtype)
    if not out._data.flags.writeable:
        raise RuntimeError(
            f"{name}(): out= refers to memory shared by several elements (made by expand()); "
            "clone() it first"
        )
    np.copyto(out._data, r, casting="unsafe")
    versions.bump(out._data)
    return out


def exp(x: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """e ** x."""
    return _into(out, as_tensor(x).exp(), "exp")


def log(x: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Natural logarithm."""
    return _into(out, as_tensor(x).log(), "log")


def sqrt(x: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Square root."""
    return _into(out, as_tensor(x).sqrt(), "sqrt")


def abs(x: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Absolute value."""
    return _into(out, as_tensor(x).abs(), "abs")


def sin(x: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Sine."""
    return _into(out, as_tensor(x).sin(), "sin")


def cos(x: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Cosine."""
    return _into(out, as_tensor(x).cos(), "cos")


# -- trigonometry and friends (the methods are in pointwise.py)


def tan(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Tangent."""
    return _into(out, as_tensor(input).tan(), "tan")


def asin(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Inverse sine (nan outside [-1, 1])."""
    return _into(out, as_tensor(input).asin(), "asin")


def acos(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Inverse cosine (nan outside [-1, 1])."""
    return _into(out, as_tensor(input).acos(), "acos")


def atan(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Inverse tangent."""
    return _into(out, as_tensor(input).atan(), "atan")


def sinh(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Hyperbolic sine."""
    return _into(out, as_tensor(input).sinh(), "sinh")


def cosh(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Hyperbolic cosine."""
    return _into(out, as_tensor(input).cosh(), "cosh")


def asinh(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Inverse hyperbolic sine."""
    return _into(out, as_tensor(input).asinh(), "asinh")


def acosh(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Inverse hyperbolic cosine (nan below 1)."""
    return _into(out, as_tensor(input).acosh(), "acosh")


def atanh(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Inverse hyperbolic tangent (+-inf at +-1, nan outside [-1, 1])."""
    return _into(out, as_tensor(input).atanh(), "atanh")


def erf(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """The error function 2/sqrt(pi) int_0^x exp(-t^2) dt."""
    return _into(out, as_tensor(input).erf(), "erf")


arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def erfinv(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """The inverse error function (+-inf at +-1, nan outside [-1, 1])."""
    return _into(out, as_tensor(input).erfinv(), "erfinv")


def erfc(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """The complementary error function 1 - erf(input), accurate in the tail."""
    return _into(out, as_tensor(input).erfc(), "erfc")


def i0(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """The modified Bessel function of the first kind of order 0."""
    return _into(out, as_tensor(input).i0(), "i0")


def lgamma(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """log|Gamma(input)| (+inf at 0 and the negative integers)."""
    return _into(out, as_tensor(input).lgamma(), "lgamma")


def digamma(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """The logarithmic derivative of Gamma (-inf at +0, nan at the negative integers)."""
    return _into(out, as_tensor(input).digamma(), "digamma")


def polygamma(n: int, input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """The n-th derivative of digamma (``polygamma(0, x)`` is digamma), PyTorch's order."""
    return _into(out, as_tensor(input).polygamma(n), "polygamma")


def mvlgamma(input: TensorLike, p: int, *, out: Tensor | None = None) -> Tensor:
    """The multivariate log-gamma of dimension p (every element above (p - 1) / 2)."""
    return _into(out, as_tensor(input).mvlgamma(p), "mvlgamma")


def sinc(input: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """sin(pi x) / (pi x) (1 at 0)."""
    return _into(out, as_tensor(input).sinc(), "sinc")


def logit(input: TensorLike, eps: float | None = None, *, out: Tensor | None = None) -> Tensor:
    """log(x / (1 - x)); with ``eps``, x is first clamped to [eps, 1 - eps]."""
    return _into(out, as_tensor(input).logit(eps), "logit")


def _tensor_argument(v: Any, name: str, arg: str, position: int) -> None:
    """PyTorch's refusal of a Python number where its function takes only a tensor."""
    if isinstance(v, bool | int | float):
        raise TypeError(
            f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
            f"{type(v).__name__}"
        )


def atan2(input: TensorLike, other: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """The angle of the point (other, input), in (-pi, pi]; broadcasts."""
    _tensor_argument(input, "atan2", "input", 1)
    _tensor_argument(other, "atan2", "other", 2)
    return _into(out, as_tensor(input).atan2(other), "atan2")


def hypot(input: TensorLike, other: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """sqrt(input^2 + other^2), without overflow; broadcasts (float tensors only, as PyTorch)."""
    _tensor_argument(input, "hypot", "input", 1)
    _tensor_argument(other, "hypot", "other", 2)
    return _into(out, as_tensor(input).hypot(other), "hypot")


def lerp(input: TensorLike, end: TensorLike, weight: Any, *, out: Tensor | None = None) -> Tensor:
    """input + weight * (end - input); ``end`` a tensor of input's dtype (a float one)."""
    _tensor_argument(input, "lerp", "input", 1)
    return _into(out, as_tensor(input).lerp(end, weight), "lerp")


def addcmul(
    input: TensorLike,
    tensor1: TensorLike,
    tensor2: TensorLike,
    *,
    value: Any = 1,
    out: Tensor | None = None,
) -> Tensor:
    """input + value * tensor1 * tensor2; broadcasts."""
    _tensor_argument(input, "addcmul", "input", 1)
    return _into(out, as_tensor(input).addcmul(tensor1, tensor2, value=value), "addcmul")


def addcdiv(
    input: TensorLike,
    tensor1: TensorLike,
    tensor2: TensorLike,
    *,
    value: Any = 1,
    out: Tensor | None = None,
) -> Tensor:
    """input + value * tensor1 / tensor2; broadcasts (not of two integer tensors)."""
    _tensor_argument(input, "addcdiv", "input", 1)
    return _into(out, as_tensor(input).addcdiv(tensor1, tensor2, value=value), "addcdiv")


def logaddexp(input: TensorLike, other: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """log(exp(input) + exp(other)), without overflow; broadcasts (float tensors only)."""
    _tensor_argument(input, "logaddexp", "input", 1)
    _tensor_argument(other, "logaddexp", "other", 2)
    return _into(out, as_tensor(input).logaddexp(other), "logaddexp")


def xlogy(input: TensorLike, other: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """input * log(other), 0 where input is 0 (unless other is nan); either may be a number."""
    if isinstance(input, bool | int | float):  # a number, as PyTorch's wrapped numbers
        _tensor_argument(other, "xlogy", "other", 2)  # (two numbers: PyTorch wants a tensor)
        y = _pair(more_ops.Xlogy(), "xlogy", input, as_tensor(other), True)
        return _into(out, labelled(y, "XlogyBackward1", other), "xlogy")  # (xlogy(Scalar, Tensor))
    return _into(out, as_tensor(input).xlogy(other), "xlogy")


def clamp_min(input: TensorLike, min: float, *, out: Tensor | None = None) -> Tensor:
    """max(input, min): ``clamp(input, min=min)``."""
    return _into(out, as_tensor(input).clamp_min(min), "clamp_min", same_dtype=True)


def clamp_max(input: TensorLike, max: float, *, out: Tensor | None = None) -> Tensor:
    """min(input, max): ``clamp(input, max=max)``."""
    return _into(out, as_tensor(input).clamp_max(max), "clamp_max", same_dtype=True)


arctan2 = atan2


def maximum(x: TensorLike, y: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Elementwise maximum of two tensors (ties share the gradient evenly)."""
    _tensor_only(y, "maximum", "other", 2)
    return _into(out, _tensor_only(x, "maximum", "input", 1).maximum(y), "maximum")


def minimum(x: TensorLike, y: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Elementwise minimum of two tensors (ties share the gradient evenly)."""
    _tensor_only(y, "minimum", "other", 2)
    return _into(out, _tensor_only(x, "minimum", "input", 1).minimum(y), "minimum")


def clip(
    x: TensorLike,
    min: float | None = None,
    max: float | None = None,
    *,
    out: Tensor | None = None,
) -> Tensor:
    """Limit values to [min, max]."""
    return _into(out, as_tensor(x).clip(min, max), "clamp", same_dtype=True)


clamp = clip


def matmul(x: TensorLike, y: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Matrix product with NumPy's rules."""
    return _into(out, as_tensor(x).matmul(y), "matmul", same_dtype=True)


def linear(input: TensorLike, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias as one op, with weight of shape (out_features, in_features).

    Raises:
        ValueError: if the weight is not 2-D.
        ShapeError: (a RuntimeError, in PyTorch's words) if the input's last dimension is not
            the weight's second, or the bias does not have the weight's first.
        RuntimeError: if the dtypes differ (PyTorch's words: products do not promote).
    """
    xt = as_tensor(input)
    w = as_tensor(weight)
    if w.ndim != 2:
        raise ShapeError(f"linear: weight must be 2-D (out, in), got shape {tuple(w.shape)}")
    if xt.ndim == 0 or xt.shape[-1] != w.shape[1]:
        _check_linear_shapes(xt, w, None, "linear")
    if bias is None:
        if xt._data.dtype is not w._data.dtype:
            _check_linear_dtypes(xt._data, w._data, None)
        if w._data.dtype.kind == "b":
            raise _linear_of_bools()
        return fused.linear_labelled(apply(fused.Linear(), xt, w), xt)
    b = as_tensor(bias)
    if b.shape != (w.shape[0],):
        _check_linear_shapes(xt, w, b, "linear")
    if xt._data.dtype is not w._data.dtype or b._data.dtype is not w._data.dtype:
        _check_linear_dtypes(xt._data, w._data, b._data)
    if w._data.dtype.kind == "b":
        raise _linear_of_bools()
    return fused.linear_labelled(apply(fused.Linear(), xt, w, b), xt)


def _linear_of_bools() -> NotImplementedError:
    """PyTorch's refusal of ``linear`` of bool tensors (its addmm kernel has no bool version;
    NumPy would answer with a logical or of ands)."""
    return _kernel_refusal(
        "addmm_impl_cpu_", np.dtype(bool), "linear", "convert them first, e.g. x.float()"
    )


def sum(x: TensorLike, axis: Any = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """Sum over ``axis``."""
    return as_tensor(x).sum(axis, keepdims, **kw)


def mean(x: TensorLike, axis: Any = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """Mean over ``axis``."""
    return as_tensor(x).mean(axis, keepdims, **kw)


def max(input: TensorLike, dim: Any = UNSET, keepdim: bool = False, **kw: Any) -> Any:
    """``max(x)`` the largest value; ``max(x, dim)`` the named tuple ``(values, indices)``;
    ``max(a, b)`` (two tensors) the elementwise maximum."""
    return as_tensor(input).max(dim, keepdim, **kw)


def min(input: TensorLike, dim: Any = UNSET, keepdim: bool = False, **kw: Any) -> Any:
    """``min(x)``, ``min(x, dim)`` -> ``(values, indices)``, or the elementwise ``min(a, b)``."""
    return as_tensor(input).min(dim, keepdim, **kw)


def amax(input: TensorLike, dim: Any = (), keepdim: bool = False) -> Tensor:
    """Largest value over ``dim`` (an int, a tuple, or all); ties share the gradient evenly."""
    return as_tensor(input).amax(dim, keepdim)


def amin(input: TensorLike, dim: Any = (), keepdim: bool = False) -> Tensor:
    """Smallest value over ``dim`` (an int, a tuple, or all); ties share the gradient evenly."""
    return as_tensor(input).amin(dim, keepdim)


def var(input: TensorLike, dim: Any = UNSET, *args: Any, **kw: Any) -> Tensor:
    """Variance over ``dim`` (divides by n - 1 by default, as PyTorch)."""
    return as_tensor(input).var(dim, *args, **kw)


def std(input: TensorLike, dim: Any = UNSET, *args: Any, **kw: Any) -> Tensor:
    """Standard deviation over ``dim`` (divides by n - 1 by default, as PyTorch)."""
    return as_tensor(input).std(dim, *args, **kw)


def sort(input: TensorLike, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """The named tuple ``(values, indices)`` sorted along ``dim``."""
    return as_tensor(input).sort(dim, descending, stable)


def argsort(
    input: TensorLike, dim: int = -1, descending: bool = False, stable: bool = False
) -> Tensor:
    """The indices that sort ``input`` along ``dim``."""
    return as_tensor(input).argsort(dim, descending, stable)


def topk(
    input: TensorLike, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
) -> Any:
    """The named tuple ``(values, indices)`` of the ``k`` largest (or smallest) entries."""
    return as_tensor(input).topk(k, dim, largest, sorted)


# -- the selecting and NaN-skipping reductions, and the index functions (reductions.py) -------


def median(input: TensorLike, *args: Any, **kw: Any) -> Any:
    """``median(x)`` the lower median of all elements; ``median(x, dim, keepdim=False)`` the
    named tuple ``(values, indices)``."""
    return as_tensor(input).median(*args, **kw)


def nanmedian(input: TensorLike, *args: Any, **kw: Any) -> Any:
    """``median`` of the elements that are not NaN."""
    return as_tensor(input).nanmedian(*args, **kw)


def kthvalue(input: TensorLike, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The named tuple ``(values, indices)`` of the ``k``-th smallest element along ``dim``."""
    return as_tensor(input).kthvalue(k, dim, keepdim)


def mode(input: TensorLike, dim: int = -1, keepdim: bool = False) -> Any:
    """The named tuple ``(values, indices)`` of the most frequent value along ``dim``."""
    return as_tensor(input).mode(dim, keepdim)


def aminmax(input: TensorLike, *, dim: int | None = None, keepdim: bool = False) -> Any:
    """The named tuple ``(min, max)`` over ``dim`` (all elements by default)."""
    return as_tensor(input).aminmax(dim=dim, keepdim=keepdim)


def nansum(input: TensorLike, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """The sum of the elements that are not NaN."""
    return as_tensor(input).nansum(dim, keepdim, **kw)


def nanmean(input: TensorLike, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """The mean of the elements that are not NaN."""
    return as_tensor(input).nanmean(dim, keepdim, **kw)


def count_nonzero(input: TensorLike, dim: Any = None) -> Tensor:
    """The number of elements that are not zero over ``dim`` (int64)."""
    return as_tensor(input).count_nonzero(dim)


def unique(input: TensorLike, *args: Any, **kw: Any) -> Any:
    """The distinct values (and with ``return_inverse``/``return_counts`` where each element
    went and how often each occurs); see ``Tensor.unique``."""
    return as_tensor(input).unique(*args, **kw)


def bincount(input: TensorLike, weights: Any = None, minlength: int = 0) -> Tensor:
    """Counts (or summed ``weights``) of each value 0, 1, ... of a 1-d integer tensor."""
    return as_tensor(input).bincount(weights, minlength)


def nonzero(input: TensorLike, *, as_tuple: bool = False) -> Any:
    """The indices of the elements that are not zero: (n, ndim), or one tensor per dim."""
    return as_tensor(input).nonzero(as_tuple=as_tuple)


def argwhere(input: TensorLike) -> Tensor:
    """The (n, ndim) indices of the elements that are not zero."""
    return as_tensor(input).argwhere()


def prod(input: TensorLike, dim: Any = UNSET, keepdim: bool = False, **kw: Any) -> Tensor:
    """The product over ``dim`` (all elements by default)."""
    return as_tensor(input).prod(dim, keepdim, **kw)


def norm(input: TensorLike, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    """The vector norm over ``dim`` (see ``Tensor.norm``)."""
    return as_tensor(input).norm(p, dim, keepdim)


def cumsum(input: TensorLike, dim: int, **kw: Any) -> Tensor:
    """Running sums along ``dim``."""
    return as_tensor(input).cumsum(dim, **kw)


def logsumexp(x: TensorLike, axis: Any = REQUIRED, keepdims: bool = False, **kw: Any) -> Tensor:
    """log(sum(exp(x))) over ``dim`` (required, as PyTorch's), without overflow."""
    return as_tensor(x).logsumexp(axis, keepdims, **kw)


def argmax(x: TensorLike, axis: int | None = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """Index of the maximum (no gradient)."""
    return as_tensor(x).argmax(axis, keepdims, **kw)


def argmin(x: TensorLike, axis: int | None = None, keepdims: bool = False, **kw: Any) -> Tensor:
    """Index of the minimum (no gradient)."""
    return as_tensor(x).argmin(axis, keepdims, **kw)


def gather(input: TensorLike, dim: int, index: Any) -> Tensor:
    """``out[i][j] = input[index[i][j]][j]`` for dim 0 (and so on)."""
    return as_tensor(input).gather(dim, index)


def scatter_add(input: TensorLike, dim: int, index: Any, src: TensorLike) -> Tensor:
    """``input`` plus ``src`` added at ``index`` along ``dim``."""
    return as_tensor(input).scatter_add(dim, index, src)


def scatter(
    input: TensorLike,
    dim: int,
    index: Any,
    src: Any = None,
    *,
    value: Any = None,
    reduce: str | None = None,
) -> Tensor:
    """``input`` with ``src`` (or ``value``) written at ``index`` along ``dim``."""
    return as_tensor(input).scatter(dim, index, src, value=value, reduce=reduce)


def split(tensor: TensorLike, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces of ``tensor`` along ``dim`` (see ``Tensor.split``)."""
    return as_tensor(tensor).split(split_size_or_sections, dim)


def chunk(input: TensorLike, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """At most ``chunks`` pieces of equal size along ``dim`` (see ``Tensor.chunk``)."""
    return as_tensor(input).chunk(chunks, dim)


def tril(input: TensorLike, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims, zeros above ``diagonal``."""
    return as_tensor(input).tril(diagonal)


def triu(input: TensorLike, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims, zeros below ``diagonal``."""
    return as_tensor(input).triu(diagonal)


# -- rearranging: flips, rolls, diagonals, tiling (the methods are in rearrange.py) ----------


def flip(input: TensorLike, dims: Sequence[int]) -> Tensor:
    """The elements in reverse order along ``dims`` (a tuple or list, as PyTorch's), a copy."""
    if not isinstance(dims, tuple | list):
        raise TypeError(
            f"flip(): argument 'dims' (position 2) must be tuple of ints, not {type(dims).__name__}"
        )
    return as_tensor(input).flip(tuple(dims))


def fliplr(input: TensorLike) -> Tensor:
    """Columns in reverse order (``flip(1)``, at least 2 dims)."""
    return as_tensor(input).fliplr()


def flipud(input: TensorLike) -> Tensor:
    """Rows in reverse order (``flip(0)``, at least 1 dim)."""
    return as_tensor(input).flipud()


def roll(input: TensorLike, shifts: Any, dims: Any = None) -> Tensor:
    """Elements shifted cyclically along ``dims`` (the flattened tensor when None)."""
    return as_tensor(input).roll(shifts, dims)


def diag(input: TensorLike, diagonal: int = 0) -> Tensor:
    """A 1-D tensor onto a diagonal of a square matrix, or a 2-D tensor's diagonal (copies)."""
    return as_tensor(input).diag(diagonal)


def diagonal(input: TensorLike, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of the matrices over ``dim1`` and ``dim2``, as the last dim (a view)."""
    return as_tensor(input).diagonal(offset, dim1, dim2)


def diag_embed(input: TensorLike, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices with the last dim of ``input`` on their diagonal ``offset``."""
    return as_tensor(input).diag_embed(offset, dim1, dim2)


def trace(input: TensorLike) -> Tensor:
    """The sum of a matrix's main diagonal."""
    return as_tensor(input).trace()


def tile(input: TensorLike, dims: Sequence[int]) -> Tensor:
    """``input`` repeated ``dims[i]`` times along dim i (missing leading dims count as 1)."""
    return as_tensor(input).tile(dims)


def repeat_interleave(
    input: TensorLike, repeats: Any = None, dim: int | None = None, *, output_size: Any = None
) -> Tensor:
    """Each element repeated ``repeats`` times next to itself along ``dim``. Given one integer
    tensor alone, ``repeat_interleave(r)``: the positions 0, 1, ... each repeated r[i] times."""
    if repeats is None:
        r = as_tensor(input)
        positions = _new_tensor(np.arange(r.shape[0] if r.ndim else 1, dtype=np.int64), None)
        return positions.repeat_interleave(r, 0, output_size=output_size)
    return as_tensor(input).repeat_interleave(repeats, dim, output_size=output_size)


def unbind(input: TensorLike, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices along ``dim``, each without that dim (views)."""
    return as_tensor(input).unbind(dim)


def narrow(input: TensorLike, dim: int, start: Any, length: int) -> Tensor:
    """The ``length`` entries from ``start`` along ``dim`` (a view)."""
    return as_tensor(input).narrow(dim, start, length)


def select(input: TensorLike, dim: int, index: Any) -> Tensor:
    """The slice at ``index`` along ``dim``, that dim removed (a view)."""
    return as_tensor(input).select(dim, index)


def take(input: TensorLike, index: Any) -> Tensor:
    """The elements at ``index`` (a tensor) of ``input`` read as one flat vector."""
    return as_tensor(input).take(_tensor_only(index, "take", "index", 2))


def index_put(input: TensorLike, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``values`` put (or, with ``accumulate``, added) at ``indices``."""
    return as_tensor(input).index_put(indices, values, accumulate)


def movedim(input: TensorLike, source: Any, destination: Any) -> Tensor:
    """Dims ``source`` moved to positions ``destination``, the others in order (a view)."""
    return as_tensor(input).movedim(source, destination)


moveaxis = movedim


def swapaxes(input: TensorLike, axis0: int, axis1: int) -> Tensor:
    """Two dims swapped (``transpose``)."""
    return as_tensor(input).swapaxes(axis0, axis1)


def swapdims(input: TensorLike, dim0: int, dim1: int) -> Tensor:
    """Two dims swapped (``transpose``)."""
    return as_tensor(input).swapdims(dim0, dim1)


def unflatten(input: TensorLike, dim: int, sizes: Sequence[int]) -> Tensor:
    """Dim ``dim`` split into dims of ``sizes`` (a view)."""
    return as_tensor(input).unflatten(dim, sizes)


def take_along_dim(input: TensorLike, indices: Any, dim: int | None = None) -> Tensor:
    """The entries at ``indices`` (a tensor) along ``dim`` (the flattened tensor's when None)."""
    return as_tensor(input).take_along_dim(
        _tensor_only(indices, "take_along_dim", "indices", 2), dim
    )


def masked_select(input: TensorLike, mask: Any) -> Tensor:
    """The entries where the bool tensor ``mask`` is True, as a 1-D tensor."""
    return as_tensor(input).masked_select(_tensor_only(mask, "masked_select", "mask", 2))


def outer(input: TensorLike, vec2: TensorLike) -> Tensor:
    """The outer product of two 1-D tensors."""
    return as_tensor(input).outer(vec2)


ger = outer


def addmm(
    input: TensorLike, mat1: TensorLike, mat2: TensorLike, *, beta: Any = 1, alpha: Any = 1
) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)`` (``input`` broadcast to the product's shape)."""
    return as_tensor(input).addmm(mat1, mat2, beta=beta, alpha=alpha)


def _tensor_sequence(name: str, tensors: Any) -> None:
    """PyTorch's refusal of ``tensors`` that is not a list or tuple: a tensor given alone
    would otherwise be read as the sequence of its rows."""
    if not isinstance(tensors, list | tuple):
        hint = f"; to join its rows use {name}(list(x))" if isinstance(tensors, Tensor) else ""
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__} ({name}() takes a list or tuple of tensors{hint})"
        )


def _joined(name: str, tensors: Sequence[TensorLike]) -> list[Tensor]:
    _tensor_sequence(name, tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return [as_tensor(t) for t in tensors]


def hstack(tensors: Sequence[TensorLike]) -> Tensor:
    """Join along dim 1 (dim 0 for 1-D tensors); 0-d tensors count as 1-D."""
    ts = [t.reshape(1) if t.ndim == 0 else t for t in _joined("hstack", tensors)]
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors: Sequence[TensorLike]) -> Tensor:
    """Join along dim 0, 0-d and 1-D tensors made rows first (``row_stack``; a 1-D tensor is
    unsqueezed, as PyTorch's ``atleast_2d``)."""
    ts = _joined("vstack", tensors)
    rows = [t.reshape(1, 1) if t.ndim == 0 else t.unsqueeze(0) if t.ndim == 1 else t for t in ts]
    return cat(rows, 0)


row_stack = vstack


def column_stack(tensors: Sequence[TensorLike]) -> Tensor:
    """Join along dim 1, 0-d and 1-D tensors made columns first."""
    ts = _joined("column_stack", tensors)
    return cat([t.reshape(-1, 1) if t.ndim < 2 else t for t in ts], 1)


def dstack(tensors: Sequence[TensorLike]) -> Tensor:
    """Join along dim 2, tensors of fewer dims made 3-D first ((n,) is (1, n, 1), unsqueezed
    twice, as PyTorch's ``atleast_3d``)."""
    ts = _joined("dstack", tensors)
    shaped = [
        t.reshape(1, 1, 1)
        if t.ndim == 0
        else t.unsqueeze(0).unsqueeze(-1)
        if t.ndim == 1
        else t.unsqueeze(-1)
        if t.ndim == 2
        else t
        for t in ts
    ]
    return cat(shaped, 2)


def broadcast_tensors(*tensors: TensorLike) -> tuple[Tensor, ...]:
    """The tensors broadcast to one shape (expanded views: their gradients are summed back)."""
    ts = [as_tensor(t) for t in tensors]
    shape: tuple[int, ...] = ()
    for t in ts:
        shape = _broadcast_shape(shape, tuple(t.shape))
    return tuple(t if t.shape == shape else t.broadcast_to(shape) for t in ts)


def broadcast_shapes(*shapes: int | Sequence[int]) -> Size:
    """The shape tensors of ``shapes`` broadcast to, as PyTorch's (an int is a 1-D shape);
    PyTorch's errors for sizes that do not broadcast and for negative sizes."""
    out: tuple[int, ...] = ()
    for i, s in enumerate(shapes):
        shape = (s,) if isinstance(s, int) else tuple(s)
        if builtins.any(n < 0 for n in shape):
            raise ValueError("Attempting to broadcast a dimension with negative length!")
        try:
            out = _broadcast_shape(out, shape)
        except RuntimeError:
            raise RuntimeError(
                f"Mismatching argument at index {i} had {shape}; but expected shape should be "
                f"broadcastable to {list(out)}"
            ) from None
    return Size(out)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids of 0-d or 1-D tensors: the i-th varies along dim i (``indexing="ij"``)
    or, for the first two, along the other's dim (``"xy"``, as NumPy's default). PyTorch warns
    when ``indexing`` is not given and then uses "ij"; so does minigrad."""
    if len(tensors) == 1 and isinstance(tensors[0], list | tuple):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
            "argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    ts = [as_tensor(t) for t in tensors]
    for t in ts:
        if t.ndim > 1:
            raise RuntimeError(
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a tensor "
                f"of shape {list(t.shape)}"
            )
    sizes = [t.numel() for t in ts]
    axes = list(range(len(ts)))
    if indexing == "xy" and len(ts) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(ts)
    for i, n in zip(axes, sizes):
        shape[i] = n
    grids = []
    for t, i in zip(ts, axes):
        spread = [1] * len(ts)
        spread[i] = -1
        grids.append(t.reshape(spread).broadcast_to(tuple(shape)))
    return tuple(grids)


def masked_fill(input: TensorLike, mask: Any, value: Any) -> Tensor:
    """``value`` where ``mask`` is True, else ``input``."""
    return as_tensor(input).masked_fill(mask, value)


def masked_scatter(input: TensorLike, mask: Any, source: Any) -> Tensor:
    """The elements of ``source``, in order, where ``mask`` is True, else ``input``."""
    return as_tensor(input).masked_scatter(mask, source)


def index_select(input: TensorLike, dim: int, index: Any) -> Tensor:
    """The entries at ``index`` along ``dim``."""
    return as_tensor(input).index_select(dim, index)


def _sizes_tuple(fn: str, name: str, value: Any, example: str) -> tuple[Any, ...]:
    """``torch.reshape``'s and ``torch.permute``'s second argument: one tuple or list (the
    methods also take the sizes one by one; the functions do not, as in PyTorch)."""
    if isinstance(value, tuple | list):
        return tuple(value)
    raise TypeError(
        f"{fn}(): argument '{name}' (position 2) must be tuple of ints, not "
        f"{type(value).__name__} (give them as one tuple: torch.{fn}(x, {example}); the method "
        f"x.{fn}{example} takes them one by one too)"
    )


def reshape(input: TensorLike, shape: Sequence[int]) -> Tensor:
    """The same values in a new shape, given as one tuple (``reshape(x, (3, -1))``)."""
    return as_tensor(input).reshape(_sizes_tuple("reshape", "shape", shape, "(3, -1)"))


def permute(input: TensorLike, dims: Sequence[int]) -> Tensor:
    """Reorder the axes, given as one tuple (``permute(x, (1, 0))``)."""
    return as_tensor(input).permute(_sizes_tuple("permute", "dims", dims, "(1, 0)"))


def transpose(x: TensorLike, dim0: int, dim1: int) -> Tensor:
    """Swap axes ``dim0`` and ``dim1`` (both required, as in PyTorch)."""
    return as_tensor(x).transpose(dim0, dim1)


def squeeze(x: TensorLike, axis: Any = UNSET, **kw: Any) -> Tensor:
    """Drop axes of size one."""
    return as_tensor(x).squeeze(axis, **kw)


def unsqueeze(x: TensorLike, axis: int) -> Tensor:
    """Insert an axis of size one."""
    return as_tensor(x).unsqueeze(axis)


def flatten(x: TensorLike, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions into one."""
    return as_tensor(x).flatten(start_dim, end_dim)


def broadcast_to(x: TensorLike, *shape: Any) -> Tensor:
    """Repeat along axes of size one to reach ``shape``."""
    return as_tensor(x).broadcast_to(*shape)


def cat(
    tensors: Sequence[TensorLike],
    axis: int = 0,
    *,
    dim: int | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """Join tensors along an existing axis."""
    _tensor_sequence("cat", tensors)
    ts = [as_tensor(x) for x in tensors]
    if not ts:
        raise ValueError(
            "torch.cat(): expected a non-empty list of Tensors (cat(): got none; pass a list "
            "of tensors)"
        )
    a = axis if dim is None else dim
    for i, t in enumerate(ts):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # PyTorch's result type (int64 and float32 join into float32, not NumPy's float64); a
    # tensor of another dtype joins through a recorded cast, so its gradient keeps its dtype
    rt = result_np(*(t._data for t in ts))
    # PyTorch's legacy rule: 1-D empty tensors join anything, as empty slices of its shape
    # (so their gradients, empty too, still reach them)
    first = next((t for t in ts if t._data.shape != (0,)), ts[0])
    nd = first.ndim
    a = wrap_dim(a, nd, "cat", first.shape)
    blank = tuple(0 if i == a else n for i, n in enumerate(first.shape))
    ts = [t.reshape(blank) if t._data.shape == (0,) else t for t in ts]
    for t in ts:
        if t.ndim != nd or t.shape[:a] + t.shape[a + 1 :] != ts[0].shape[:a] + ts[0].shape[a + 1 :]:
            raise _cat_mismatch([t._data.shape for t in ts], a)
    ts = [t if t._data.dtype == rt else t.astype(rt) for t in ts]
    return _into(out, apply(ops.Concat(a), *ts), "cat")


concatenate = cat
concat = cat


def stack(
    tensors: Sequence[TensorLike],
    axis: int = 0,
    *,
    dim: int | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """Join tensors of one shape along a new axis."""
    _tensor_sequence("stack", tensors)
    ts = [as_tensor(x) for x in tensors]
    if not ts or builtins.any(t.shape != ts[0].shape for t in ts):
        raise _stack_mismatch([t._data.shape for t in ts])
    a = axis if dim is None else dim
    a = wrap_dim(a, ts[0].ndim + 1, "stack", ts[0].shape)
    stacked = labelled(cat([t.unsqueeze(a) for t in ts], a), "StackBackward0", *ts)
    return _into(out, stacked, "stack")


_ABSENT: Any = object()  # (where's input and other not given: None is a wrong value)


@overload
def where(condition: TensorLike) -> tuple[Tensor, ...]: ...


@overload
def where(condition: TensorLike, x: TensorLike, y: TensorLike) -> Tensor: ...


def where(condition: TensorLike, x: Any = _ABSENT, y: Any = _ABSENT) -> Any:
    """``x`` where ``condition`` holds, else ``y`` (the condition gets no gradient).

    ``where(condition)`` alone is ``nonzero(condition, as_tuple=True)``: the indices of the true
    elements, one int64 tensor per dimension.
    """
    if x is _ABSENT and y is _ABSENT:
        return as_tensor(condition).nonzero(as_tuple=True)
    if x is _ABSENT or y is _ABSENT:
        raise TypeError(
            "where() received an invalid combination of arguments: give a condition alone, or "
            "a condition, input and other"
        )
    return where_of(condition, x, y)


# ---------------------------------------------------------------------------------------------
# PyTorch's names for arithmetic and elementwise functions


def add(
    input: TensorLike, other: TensorLike, *, alpha: Any = 1, out: Tensor | None = None
) -> Tensor:
    """input + alpha * other."""
    return _into(out, as_tensor(input).add(other, alpha=alpha), "add")


def sub(
    input: TensorLike, other: TensorLike, *, alpha: Any = 1, out: Tensor | None = None
) -> Tensor:
    """input - alpha * other."""
    return _into(out, as_tensor(input).sub(other, alpha=alpha), "sub")


def mul(input: TensorLike, other: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """input * other."""
    return _into(out, as_tensor(input) * other, "mul")


def div(
    input: TensorLike,
    other: TensorLike,
    *,
    rounding_mode: str | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """input / other (true division unless ``rounding_mode`` is "trunc" or "floor")."""
    return _into(out, as_tensor(input).div(other, rounding_mode=rounding_mode), "div")


subtract, multiply, divide, true_divide = sub, mul, div, div


def pow(input: TensorLike, exponent: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """input ** exponent (either may be a number). A number to a tensor power is PyTorch's
    ``pow(Scalar, Tensor)`` (``PowBackward2``, the tensor its only input), as ``2 ** x``."""
    if type(input) in (int, float) and isinstance(exponent, Tensor):
        return _into(out, exponent.__rpow__(input), "pow")
    return _into(out, as_tensor(input) ** exponent, "pow")


def square(input: TensorLike) -> Tensor:
    """input * input."""
    return as_tensor(input).square()


def rsqrt(input: TensorLike) -> Tensor:
    """1 / sqrt(input)."""
    return as_tensor(input).rsqrt()


def log2(input: TensorLike) -> Tensor:
    """Base-2 logarithm."""
    return as_tensor(input).log2()


def log10(input: TensorLike) -> Tensor:
    """Base-10 logarithm."""
    return as_tensor(input).log10()


def log1p(input: TensorLike) -> Tensor:
    """log(1 + input), accurate for small input."""
    return as_tensor(input).log1p()


def expm1(input: TensorLike) -> Tensor:
    """exp(input) - 1, accurate for small input."""
    return as_tensor(input).expm1()


def exp2(input: TensorLike) -> Tensor:
    """2 ** input."""
    return as_tensor(input).exp2()


# Rounding and signs


def round(input: TensorLike, *, decimals: int = 0) -> Tensor:
    """input rounded half to even, at ``decimals`` digits after the point; gradient 0."""
    return as_tensor(input).round(decimals=decimals)


def floor(input: TensorLike) -> Tensor:
    """The largest whole number <= input; gradient 0."""
    return as_tensor(input).floor()


def ceil(input: TensorLike) -> Tensor:
    """The smallest whole number >= input; gradient 0."""
    return as_tensor(input).ceil()


def trunc(input: TensorLike) -> Tensor:
    """input rounded toward 0; gradient 0."""
    return as_tensor(input).trunc()


fix = trunc


def frac(input: TensorLike) -> Tensor:
    """input - trunc(input); gradient 1."""
    return as_tensor(input).frac()


def sign(input: TensorLike) -> Tensor:
    """-1, 0 or 1 as input is negative, 0 (or nan) or positive; gradient 0."""
    return as_tensor(input).sign()


def sgn(input: TensorLike) -> Tensor:
    """sign(input), for real numbers."""
    return as_tensor(input).sgn()


def neg(input: TensorLike) -> Tensor:
    """-input."""
    return as_tensor(input).neg()


negative = neg


def positive(input: TensorLike) -> Tensor:
    """input itself."""
    return as_tensor(input).positive()


def reciprocal(input: TensorLike) -> Tensor:
    """1 / input; gradient -1/input^2."""
    return as_tensor(input).reciprocal()


# Tests for nan and inf


def isnan(input: TensorLike) -> Tensor:
    """Whether each value is nan (bool)."""
    return as_tensor(input).isnan()


def isinf(input: TensorLike) -> Tensor:
    """Whether each value is inf or -inf (bool)."""
    return as_tensor(input).isinf()


def isposinf(input: TensorLike) -> Tensor:
    """Whether each value is inf (bool)."""
    return as_tensor(input).isposinf()


def isneginf(input: TensorLike) -> Tensor:
    """Whether each value is -inf (bool)."""
    return as_tensor(input).isneginf()


def isfinite(input: TensorLike) -> Tensor:
    """Whether each value is neither inf, -inf nor nan (bool)."""
    return as_tensor(input).isfinite()


def isclose(
    input: TensorLike,
    other: Tensor,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> Tensor:
    """Whether |input - other| <= atol + rtol * |other|, elementwise (bool)."""
    return _isclose(as_tensor(input), other, rtol, atol, equal_nan, 2)


def nan_to_num(
    input: TensorLike, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
) -> Tensor:
    """nan, inf and -inf replaced by finite numbers; gradient 1 where input is finite."""
    return as_tensor(input).nan_to_num(nan, posinf, neginf)


# Logic and bitwise operators


def logical_and(input: TensorLike, other: Tensor) -> Tensor:
    """Whether both are nonzero, elementwise (bool)."""
    return _logical(np.logical_and, "logical_and", as_tensor(input), other, 2)


def logical_or(input: TensorLike, other: Tensor) -> Tensor:
    """Whether either is nonzero, elementwise (bool)."""
    return _logical(np.logical_or, "logical_or", as_tensor(input), other, 2)


def logical_xor(input: TensorLike, other: Tensor) -> Tensor:
    """Whether exactly one is nonzero, elementwise (bool)."""
    return _logical(np.logical_xor, "logical_xor", as_tensor(input), other, 2)


def logical_not(input: TensorLike) -> Tensor:
    """Whether each value is zero (bool)."""
    return as_tensor(input).logical_not()


def bitwise_and(input: TensorLike, other: TensorLike) -> Tensor:
    """input & other, bit by bit (integer and bool tensors)."""
    return as_tensor(input).bitwise_and(other)


def bitwise_left_shift(input: TensorLike, other: TensorLike) -> Tensor:
    """input << other (integer tensors); 0 for a count below 0 or at least the width."""
    return as_tensor(input).bitwise_left_shift(other)


def bitwise_right_shift(input: TensorLike, other: TensorLike) -> Tensor:
    """input >> other (integer tensors, arithmetic); 0 or -1 for a count below 0 or at least
    the width."""
    return as_tensor(input).bitwise_right_shift(other)


def bitwise_or(input: TensorLike, other: TensorLike) -> Tensor:
    """input | other, bit by bit (integer and bool tensors)."""
    return as_tensor(input).bitwise_or(other)


def bitwise_xor(input: TensorLike, other: TensorLike) -> Tensor:
    """input ^ other, bit by bit (integer and bool tensors)."""
    return as_tensor(input).bitwise_xor(other)


def bitwise_not(input: TensorLike) -> Tensor:
    """~input, bit by bit (integer and bool tensors)."""
    return as_tensor(input).bitwise_not()


# Division with rounding


def floor_divide(input: TensorLike, other: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """floor(input / other), Python's //; no derivative, as PyTorch."""
    if isinstance(input, int | float):
        return _into(out, as_tensor(other).__rfloordiv__(input), "floor_divide")
    return _into(out, as_tensor(input).floor_divide(other), "floor_divide")


def remainder(input: TensorLike, other: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """input - other * floor(input / other), with other's sign (Python's %)."""
    if isinstance(input, int | float):
        return _into(out, as_tensor(other).__rmod__(input), "remainder")
    return _into(out, as_tensor(input).remainder(other), "remainder")


def fmod(input: TensorLike, other: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """input - other * trunc(input / other), with input's sign (C's fmod)."""
    return _into(out, as_tensor(input).fmod(other), "fmod")


def eq(input: TensorLike, other: Any) -> Tensor:
    """input == other, elementwise (bool, after PyTorch's type promotion)."""
    return as_tensor(input).eq(other)


def ne(input: TensorLike, other: Any) -> Tensor:
    """input != other, elementwise (bool, after PyTorch's type promotion)."""
    return as_tensor(input).ne(other)


def lt(input: TensorLike, other: Any) -> Tensor:
    """input < other, elementwise (bool, after PyTorch's type promotion)."""
    return as_tensor(input) < other


def le(input: TensorLike, other: Any) -> Tensor:
    """input <= other, elementwise (bool, after PyTorch's type promotion)."""
    return as_tensor(input) <= other


def gt(input: TensorLike, other: Any) -> Tensor:
    """input > other, elementwise (bool, after PyTorch's type promotion)."""
    return as_tensor(input) > other


def ge(input: TensorLike, other: Any) -> Tensor:
    """input >= other, elementwise (bool, after PyTorch's type promotion)."""
    return as_tensor(input) >= other


def any(input: TensorLike, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether any element (along ``dim``) is nonzero."""
    return as_tensor(input).any(dim, keepdim)


def all(input: TensorLike, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether every element (along ``dim``) is nonzero."""
    return as_tensor(input).all(dim, keepdim)


def equal(input: TensorLike, other: TensorLike) -> bool:
    """True when both have the same shape and values."""
    return as_tensor(input).equal(other)


def allclose(
    input: TensorLike,
    other: TensorLike,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    equal_nan: bool = False,
) -> bool:
    """Whether |input - other| <= atol + rtol * |other| everywhere."""
    return as_tensor(input).allclose(other, rtol, atol, equal_nan)


def clone(input: TensorLike) -> Tensor:
    """A copy with its own memory (differentiable)."""
    return as_tensor(input).clone()


def t(input: TensorLike) -> Tensor:
    """The transpose of a matrix."""
    return as_tensor(input).t()


def numel(input: Tensor) -> int:
    """The number of elements."""
    return as_tensor(input).numel()


def is_tensor(obj: Any) -> bool:
    """True for a minigrad Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """True for a float tensor."""
    return as_tensor(input).is_floating_point()


def mm(input: TensorLike, mat2: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """The product of two matrices (both 2-D, one dtype; see ``Tensor.mm``)."""
    return _into(out, as_tensor(input).mm(mat2), "mm", same_dtype=True)


def spmm(input: TensorLike, mat2: TensorLike) -> Tensor:
    """``torch.spmm``: PyTorch's product of a sparse matrix and a sparse or dense one, which
    also takes two dense (strided) matrices. minigrad's tensors are dense, so this is ``mm``,
    with its errors and its node (PyTorch's ``MmBackward0`` too)."""
    return as_tensor(input).mm(mat2)


def bmm(input: TensorLike, mat2: TensorLike, *, out: Tensor | None = None) -> Tensor:
    """Batched matrix products (both 3-D, same batch size and dtype; see ``Tensor.bmm``)."""
    return _into(out, as_tensor(input).bmm(mat2), "bmm", same_dtype=True)


def dot(input: TensorLike, tensor: TensorLike) -> Tensor:
    """The dot product of two 1-D tensors of one size and dtype."""
    return as_tensor(input).dot(tensor)


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, differentiable in every operand: ``einsum("ij,jk->ik", a, b)``.

    Accepts ``...`` and the implicit output (letters used once, in alphabetical order), and
    the operands as separate arguments or one list. Repeated letters within one operand
    (diagonals, traces) are not supported: take the diagonal with indexing first.
    """
    if len(operands) == 1 and isinstance(operands[0], list | tuple):
        operands = tuple(operands[0])
    ts = [as_tensor(x) for x in operands]
    named = len(equation.partition("->")[0].split(","))
    if named != len(ts):
        raise ShapeError(
            f"einsum(): {'fewer' if len(ts) < named else 'more'} operands were provided than "
            f"specified in the equation (the equation {equation!r} names {named} operands, got "
            f"{len(ts)})"
        )
    ins, out = _einsum_subscripts(equation, [t.ndim for t in ts])
    for sub, t in zip(ins, ts):
        if len(set(sub)) != len(sub):
            raise NotImplementedError(
                f"einsum(): repeated subscripts within one operand ({sub!r}: a diagonal or "
                "trace) are not supported; index the diagonal first"
            )
        if len(sub) != t.ndim:
            raise _einsum_mismatch(equation, ins, ts)
    dtype = _einsum_dtype(ts, ins, out)
    ts = [t if t._data.dtype == dtype else t.to(dtype) for t in ts]
    try:
        return apply(more_ops.Einsum(tuple(ins), out), *ts)
    except ValueError:
        raise _einsum_mismatch(equation, ins, ts) from None


def _einsum_mismatch(equation: str, ins: list[str], ts: list[Tensor]) -> Exception:
    """PyTorch's error for operands that do not fit an einsum's subscripts: a rank other than
    the subscripts', or a letter whose sizes differ (and are not 1), then the equation."""
    terms = equation.replace(" ", "").partition("->")[0].split(",")
    seen: dict[str, int] = {}
    for i, (term, sub, t) in enumerate(zip(terms, ins, ts)):
        if len(sub) != t.ndim:
            msg = (
                f"einsum(): the number of subscripts in the equation ({len(term)}) does not match "
                f"the number of dimensions ({t.ndim}) for operand {i} and no ellipsis was given"
                if "..." not in term
                else f"einsum(): subscripts {sub!r} do not match operand {i}"
            )
            return ShapeError(f"{msg} ({equation!r}: an operand of shape {tuple(t.shape)})")
        for letter, n in zip(sub, t.shape):
            if seen.setdefault(letter, n) != n and 1 not in (n, seen[letter]):
                return ShapeError(
                    f"einsum(): subscript {letter} has size {n} for operand {i} which does not "
                    f"broadcast with previously seen size {seen[letter]} ({equation!r} of shapes "
                    f"{', '.join(str(tuple(t.shape)) for t in ts)})"
                )
    return ValueError(
        f"einsum(): the operands of shapes {[tuple(t.shape) for t in ts]} do not fit {equation!r}"
    )


def _einsum_dtype(ts: list[Tensor], ins: list[str], out: str) -> np.dtype:
    """PyTorch's dtype of an einsum, which contracts the operands pairwise from the left: a
    pair with a letter summed away (a product, by ``bmm``) must share its dtype, and bmm has no
    bools; a pair with none (an outer or elementwise product, by ``mul``) promotes."""
    acc, letters = ts[0]._data.dtype, set(ins[0])
    for i in range(1, len(ts)):
        dt, later = ts[i]._data.dtype, set(out).union(*ins[i + 1 :])
        if (letters & set(ins[i])) - later:
            if dt != acc:
                raise RuntimeError(
                    f"expected scalar type {torch_name(acc)} but found {torch_name(dt)} "
                    "(einsum(): products do not promote dtypes: convert the operands first)"
                )
            if acc.kind == "b":
                raise not_implemented_for("bmm", bool)
        acc, letters = result_np(np.empty(1, acc), np.empty(1, dt)), letters | set(ins[i])
    return acc


def _einsum_subscripts(equation: str, ndims: list[int]) -> tuple[list[str], str]:
    """Explicit per-operand letters and output letters: ``...`` expanded, implicit output made."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    ins = lhs.split(",")
    used = set(eq) - set(",->.")
    free = (c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in used)
    ell_n = 0
    for sub, n in zip(ins, ndims):
        if "..." in sub:
            ell_n = builtins.max(ell_n, n - len(sub.replace("...", "")))
    ell = "".join(next(free) for _ in range(ell_n))
    expanded = []
    for sub, n in zip(ins, ndims):
        if "..." in sub:
            k = n - len(sub.replace("...", ""))
            sub = sub.replace("...", ell[ell_n - k :] if k else "")
        expanded.append(sub)
    if arrow:
        out = rhs.replace("...", ell)
    else:
        letters = "".join(expanded)
        once = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell)
        out = ell + "".join(once)
    return expanded, out
