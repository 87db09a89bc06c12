"""PyTorch's Tensor methods that compose the core: sizes, conversions, devices, composite math,
and the reductions that return ``(values, indices)``.

``Tensor`` inherits these from ``TensorSurface``. Every method here is written with other
Tensor methods and the ops of ``ops.py`` and ``more_ops.py``, so none needs a backward rule of
its own.
"""

from __future__ import annotations

import builtins
import math
import warnings
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple, SupportsIndex, overload

import numpy as np

from . import more_ops, ops
from .arguments import refuse_none_dim
from .device import CPU, as_device, device, parse_to
from .dims import int_dim, wrap_dim, wrap_dims
from .dtypes import checked_fill, checked_number, result_np, to_dtype, torch_name, wrapped_int
from .engine import TensorMakers
from .gap_methods import GapMethods
from .inplace import _inplace, sibling_views
from .linalg_methods import LinalgMethods, LinalgResults, vector_norm_of
from .more_methods import MoreMethods, MoreResults
from .node_surface import labelled
from .older_names import OlderMethods
from .pointwise import PointwiseMethods, _divide
from .pointwise_gaps import PointwiseGapMethods, PointwiseGapResults
from .printing import return_type
from .rearrange import RearrangeMethods
from .reductions import ReductionMethods, ReductionResults
from .sampling import SamplingMethods
from .scatter_methods import ScatterMethods
from .tensor_gaps import TensorGaps
from .validation import (
    UNSET,
    ArgumentError,
    RangeError,
    ShapeError,
    _alpha_times,
    _as_array,
    _broadcast_message,
    _check_broadcasts,
    _check_can_require_grad,
    _check_floating,
    _check_nonempty,
    _compared,
    _dim_arg,
    _dims,
    _expanded,
    _is_bool,
    _keep,
    _no_bool,
    _one_dim,
    _raw,
    _reshaped,
    _shape,
    _subtraction_refusal,
    _with_dtype,
    int_argument,
    int_sizes,
    new_shape,
    var_arguments,
)
from .where import WhereMethod

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["Size", "TensorSurface", "return_types"]


def _split_size(k: Any, position: builtins.int | None) -> builtins.int:
    """One size given to ``split`` (``position`` in a list, or None alone): an int or an
    integer 0-d tensor, PyTorch's TypeError for a float or a bool (never truncated)."""
    if hasattr(k, "_data") and k._data.ndim == 0 and k._data.dtype.kind in "iu":
        return builtins.int(k._data)
    if isinstance(k, builtins.bool) or not isinstance(k, builtins.int | np.integer):
        kind = type(k).__name__
        said = (
            f"not {kind}"
            if position is None
            else f"but found element of type {kind} at pos {position}"
        )
        raise TypeError(
            f"split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, {said}"
        )
    return builtins.int(k)


class Size(tuple):
    """A tensor's shape (``torch.Size``): a tuple of ints, printed ``minigrad.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"minigrad.Size({list(self)})"

    def numel(self) -> builtins.int:
        """The number of elements a tensor of this shape holds."""
        return math.prod(self)

    @overload
    def __getitem__(self, i: SupportsIndex) -> builtins.int: ...

    @overload
    def __getitem__(self, i: slice) -> Size: ...

    def __getitem__(self, i: Any) -> Any:
        item = tuple.__getitem__(self, i)
        return Size(item) if isinstance(i, slice) else item

    # Joined or repeated, a shape stays a Size (batch_shape + event_shape), as torch.Size.
    def __add__(self, other: Any) -> Any:
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(self, other))

    def __radd__(self, other: Any) -> Any:
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(other, self))

    def __mul__(self, n: SupportsIndex) -> Size:
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__


class return_types:
    """The named tuples PyTorch returns (``torch.return_types.max``...): values, then indices."""

    @return_type()
    class max(NamedTuple):
        values: Any
        indices: Any

    @return_type()
    class min(NamedTuple):
        values: Any
        indices: Any

    @return_type()
    class sort(NamedTuple):
        values: Any
        indices: Any

    @return_type()
    class topk(NamedTuple):
        values: Any
        indices: Any

    median = ReductionResults.median
    nanmedian = ReductionResults.nanmedian
    kthvalue = ReductionResults.kthvalue
    mode = ReductionResults.mode
    aminmax = ReductionResults.aminmax
    cummax = MoreResults.cummax
    cummin = MoreResults.cummin
    svd = LinalgResults.svd
    frexp = PointwiseGapResults.frexp
    histogram = PointwiseGapResults.histogram
    histogramdd = PointwiseGapResults.histogramdd


_TYPE_NAMES = {
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "float16": "HalfTensor",
    "int64": "LongTensor",
    "int32": "IntTensor",
    "int16": "ShortTensor",
    "int8": "CharTensor",
    "uint8": "ByteTensor",
    "bool": "BoolTensor",
}


def _arg(f: Any, where: str, t: Any, dim: Any, axis: Any, keep: builtins.bool) -> Any:
    """The index ``np.argmax``/``np.argmin`` gives over one dim, or over all (no gradient);
    refused for a bool tensor, as PyTorch."""
    _no_bool(t, where)
    d = _dim_arg(dim, axis, where)
    if d is not None:
        d = _one_dim(t, d, where)  # (a 0-d tensor takes 0 and -1: its one element)
        d = d if t.ndim else None
    if d is None and not t._data.size:
        raise IndexError(
            f"{where}(): Expected reduction dim to be specified for input.numel() == 0. (an "
            "empty tensor has no largest or smallest element; give a dim whose size is not 0)"
        )
    if d is not None and not t._data.shape[d]:
        raise IndexError(
            f"{where}(): Expected reduction dim {d} to have non-zero size. (the tensor of shape "
            f"{tuple(t._data.shape)} has nothing to choose from along dim {d})"
        )
    return TensorMakers.wrap(np.asarray(f(t._data, d, keepdims=keep)), None)


def _truth(out: Any, t: Any) -> Any:
    """``all``/``any``'s answer: bool, but uint8 for a uint8 tensor (PyTorch's legacy)."""
    dt = np.uint8 if t._data.dtype == np.uint8 else np.bool_
    return TensorMakers.wrap(np.asarray(out, dtype=dt), None)


def _compare(ufunc: Any, x: Any, other: Any) -> Any:
    """An elementwise comparison after PyTorch's type promotion (bool, no gradient), or
    NotImplemented for what is not a number or an array (see ``_compared``)."""
    yd = _compared(other)
    if yd is NotImplemented:
        return NotImplemented
    if isinstance(yd, np.generic):
        yd = yd.item()  # a NumPy scalar compares as a Python number would
    xd = x._data
    if xd.dtype.kind != "f" or (type(yd) is np.ndarray and yd.dtype is not xd.dtype):
        rt = result_np(xd, yd)
        yd = wrapped_int(yd, rt)  # (uint8 < -1 compares with 255, as PyTorch)
        if xd.dtype != rt:
            xd = xd.astype(rt)
        if type(yd) is np.ndarray and yd.dtype != rt:
            yd = yd.astype(rt)
    try:
        out = ufunc(xd, yd)
    except ValueError:
        _check_broadcasts(ufunc.__name__, xd, yd)  # (PyTorch's words, not NumPy's)
        raise
    return TensorMakers.wrap(np.asarray(out), None)


def _along(dim: builtins.int, index: Any) -> tuple[Any, ...]:
    """An index that applies ``index`` to dimension ``dim`` and takes everything else."""
    return (slice(None),) * dim + (index,)


def _gather_index(index: np.ndarray, dim: builtins.int) -> tuple[Any, ...]:
    """The fancy index that picks ``x[..., index[i, j], ...]`` at each position of ``index``."""
    if not index.ndim:  # (a 0-d index of a 0-d tensor, checked in range: the one element)
        return ()
    grid: list[Any] = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def _new_leaf(arr: np.ndarray, requires_grad: builtins.bool) -> Any:
    """A new leaf holding ``arr`` as it is (its dtype kept; ``new_tensor``, ``new_full``)."""
    if requires_grad:  # (PyTorch's words for a new tensor, not requires_grad_()'s)
        _check_can_require_grad(arr, "a new tensor")
    t = TensorMakers.wrap(arr, None)
    return t.requires_grad_() if requires_grad else t


def _scatter_index(
    t: Any, dim: Any, index: Any, src: Any, where: str
) -> tuple[builtins.int, np.ndarray]:
    """``(dim, index)`` of a scatter into ``t`` from ``src``, checked as PyTorch checks them."""
    d = wrap_dim(dim, t._data.ndim, where, t._data.shape)
    idx = np.asarray(_raw(index))
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{where}(): Expected dtype int32/int64 for index")
    if max(idx.ndim, 1) != max(t._data.ndim, 1):  # a 0-d index counts as one dimension
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    # (a 0-d self is one element along dim 0, and a 0-d src one element too)
    idx = idx.reshape(idx.shape or (1,))
    src_shape: tuple[builtins.int, ...] = np.shape(_raw(src))
    if hasattr(src, "_data"):
        if src._data.dtype != t._data.dtype:
            raise RuntimeError(f"{where}(): Expected self.dtype to be equal to src.dtype")
        if not t._data.ndim and not idx.size:  # nothing written: PyTorch checks no more
            return d, idx
        src_shape = src_shape if t._data.ndim else src_shape or (1,)
        if len(src_shape) != idx.ndim:
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    idx_shape: tuple[builtins.int, ...] = idx.shape
    for k, n in enumerate(idx_shape):
        if (k != d and n > t._data.shape[k]) or (src_shape and n > src_shape[k]):
            theirs = list(np.shape(_raw(src)))
            raise RuntimeError(
                f"Expected index {list(idx.shape)} to be no larger than self "
                f"{list(t._data.shape)} apart from dimension {d}"
                + (f" and to be no larger size than src {theirs}" if src_shape else "")
            )
    size = t._data.shape[d] if t._data.ndim else 1
    bad = idx[(idx < 0) | (idx >= size)]
    if bad.size:
        raise RuntimeError(
            f"index {bad.flat[0]} is out of bounds for dimension {d} with size {size}"
        )
    return d, idx


def _not_none(other: Any, fn: str) -> Any:
    """``other``, unless it is None: PyTorch's ``x.eq(None)`` raises (``x == None`` is False,
    Python's fallback, in both)."""
    if other is None:
        raise TypeError(
            f"{fn}() received an invalid combination of arguments - got (NoneType), but "
            f"expected a Tensor or a Number as other (to test for None write: x is None)"
        )
    return other


def _new_fix(fn: str) -> str:
    """The fix of a size refused by ``new_zeros`` and its kin."""
    return f"give a shape: {fn}(2, 3), {fn}((2, 3)) or {fn}(size=(2, 3)); {fn}(()) is 0-d"


class TensorSurface(
    PointwiseMethods,
    RearrangeMethods,
    ReductionMethods,
    LinalgMethods,
    MoreMethods,
    GapMethods,
    ScatterMethods,
    PointwiseGapMethods,
    WhereMethod,
    SamplingMethods,
    OlderMethods,
    TensorGaps,
):
    """PyTorch's Tensor methods built from the core ones (``Tensor`` inherits them)."""

    __slots__ = ()

    # -- requires_grad: read from its slot, assignments checked as PyTorch checks them --------

    @property
    def requires_grad(self: Any) -> builtins.bool:
        """Whether backward computes a gradient for this tensor (assignable on a leaf)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self: Any, value: builtins.bool) -> None:
        """``t.requires_grad = value``: PyTorch's RuntimeErrors for a value that is not a bool,
        a computed tensor, or True on a tensor that is not floating point (as
        ``requires_grad_()`` refuses them); nothing changes then."""
        if not isinstance(value, builtins.bool):
            raise RuntimeError("requires_grad must be a bool")
        if self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables."
                + (
                    ""
                    if value
                    else " If you want to use a computed variable in a subgraph that doesn't "
                    "require differentiation use var_no_grad = var.detach()."
                )
            )
        if value:
            _check_can_require_grad(self._data, "requires_grad")
        self._requires_grad = value

    if not TYPE_CHECKING:  # the same property, read in C (attrgetter): a read costs less
        requires_grad = property(
            attrgetter("_requires_grad"), requires_grad.fset, doc=requires_grad.__doc__
        )

    # -- layout: dense, as PyTorch's default (there is no sparse layout) ---------------------

    @property
    def is_sparse(self) -> bool:
        """False: a minigrad tensor is a dense NumPy array (PyTorch's strided layout)."""
        return False

    def to_dense(self: Any) -> Tensor:
        """The tensor itself, as PyTorch's ``to_dense`` of a dense (strided) tensor."""
        return self

    def to_sparse(self: Any, *args: Any, **kwargs: Any) -> Tensor:
        """Refused: minigrad has no sparse layout."""
        raise NotImplementedError(
            "minigrad does not have torch.Tensor.to_sparse: tensors are dense NumPy arrays "
            '(keep the dense tensor; see docs/pytorch.md, "What is not there")'
        )

    # -- sizes --------------------------------------------------------------------------------

    def size(self: Any, dim: builtins.int | None = None) -> Any:
        """The shape as a ``Size``, or the length of dimension ``dim`` as an int."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_one_dim(self, dim, "size")]

    def numel(self: Any) -> builtins.int:
        """The number of elements."""
        return int(self._data.size)

    nelement = numel

    def dim(self: Any) -> builtins.int:
        """The number of dimensions (``ndim``)."""
        return int(self._data.ndim)

    ndimension = dim

    def element_size(self: Any) -> builtins.int:
        """Bytes per element."""
        return int(self._data.itemsize)

    def stride(self: Any, dim: builtins.int | None = None) -> Any:
        """How many elements apart neighbours along each dimension are in memory, as a tuple,
        or along ``dim`` as an int (PyTorch's ``stride``): 0 along an expanded dimension, and
        a view's steps through the memory it shares. An empty tensor reports the C-ordered
        steps, as PyTorch's does."""
        a = self._data
        if a.size:
            steps = tuple(s // a.itemsize for s in a.strides)
        else:
            steps = tuple(
                int(np.prod([max(n, 1) for n in a.shape[i + 1 :]])) for i in range(a.ndim)
            )
        return steps if dim is None else steps[_one_dim(self, dim, "stride")]

    # -- dtypes and devices -------------------------------------------------------------------

    @property
    def device(self: Any) -> device:
        """Always the CPU: minigrad computes with NumPy."""
        return CPU

    @property
    def is_cuda(self) -> builtins.bool:
        return False

    @property
    def is_cpu(self) -> builtins.bool:
        return True

    def is_floating_point(self: Any) -> builtins.bool:
        """True for float16, float32 and float64 tensors."""
        return bool(self._data.dtype.kind == "f")

    def is_complex(self: Any) -> builtins.bool:
        return bool(self._data.dtype.kind == "c")

    def is_signed(self: Any) -> builtins.bool:
        """True if the dtype holds negative numbers (all but uint8 and bool)."""
        return bool(self._data.dtype.kind in "ifc")

    def to(self: Any, *args: Any, **kwargs: Any) -> Tensor:
        """PyTorch's ``to``: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``.

        Returns self when nothing changes (unless ``copy=True``); a dtype change is
        differentiable between float types. Any device but the CPU raises.
        """
        dtype, copy = parse_to(args, kwargs)
        out = self if dtype is None else self.astype(to_dtype(dtype).dtype)
        return out.clone() if copy and out is self else out

    def cpu(self: Any) -> Tensor:
        """This tensor (it is already on the CPU)."""
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        """Raises: minigrad has no GPU."""
        as_device("cuda")
        raise AssertionError("unreachable")

    def type(self: Any, dtype: Any = None, non_blocking: builtins.bool = False) -> Any:
        """With no argument, the type name ("minigrad.FloatTensor"); else ``to(dtype)``."""
        if dtype is None:
            name = self._data.dtype.name
            return f"minigrad.{_TYPE_NAMES.get(name, name)}"
        if isinstance(dtype, str) and dtype.endswith("Tensor"):
            names = {v: k for k, v in _TYPE_NAMES.items()}
            dtype = names.get(dtype.rsplit(".", 1)[-1], dtype)
        return self.to(dtype)

    def type_as(self: Any, other: Any) -> Tensor:
        """This tensor converted to ``other``'s dtype."""
        return self.to(other._data.dtype)

    def float(self: Any) -> Tensor:
        """As float32."""
        return self.astype(np.float32)

    def double(self: Any) -> Tensor:
        """As float64."""
        return self.astype(np.float64)

    def half(self: Any) -> Tensor:
        """As float16."""
        return self.astype(np.float16)

    def long(self: Any) -> Tensor:
        """As int64 (no gradient)."""
        return self.astype(np.int64)

    def int(self: Any) -> Tensor:
        """As int32 (no gradient)."""
        return self.astype(np.int32)

    def short(self: Any) -> Tensor:
        """As int16 (no gradient)."""
        return self.astype(np.int16)

    def byte(self: Any) -> Tensor:
        """As uint8 (no gradient)."""
        return self.astype(np.uint8)

    def bool(self: Any) -> Tensor:
        """As bool (no gradient)."""
        return self.astype(np.bool_)

    # -- new tensors like this one ------------------------------------------------------------

    def clone(self: Any) -> Tensor:
        """A copy with its own memory; gradients flow back through it to this tensor."""
        return labelled(TensorMakers.apply(ops.Cast(self._data.dtype), self), "CloneBackward0")

    def new_tensor(
        self: Any, data: Any, dtype: Any = None, requires_grad: builtins.bool = False
    ) -> Tensor:
        """A new tensor from ``data`` (a copy, checked as ``tensor()`` checks it), with this
        tensor's dtype unless ``dtype`` is given."""
        arr = _as_array(data, self._data.dtype if dtype is None else dtype)
        return _new_leaf(arr.copy(order="K"), requires_grad)

    def new_zeros(
        self: Any,
        *sizes: Any,
        size: Any = UNSET,
        dtype: Any = None,
        requires_grad: builtins.bool = False,
    ) -> Tensor:
        """Zeros of ``size`` (ints: ``new_zeros(2, 3)``, ``new_zeros((2, 3))`` or ``size=``), with
        this tensor's dtype unless ``dtype`` is given."""
        shape = int_sizes(sizes, size, "new_zeros", "size", _new_fix("new_zeros"))
        return self.new_full(shape, 0, dtype=dtype, requires_grad=requires_grad)

    def new_ones(
        self: Any,
        *sizes: Any,
        size: Any = UNSET,
        dtype: Any = None,
        requires_grad: builtins.bool = False,
    ) -> Tensor:
        """Ones of ``size`` (ints: ``new_ones(2, 3)``, ``new_ones((2, 3))`` or ``size=``), with
        this tensor's dtype unless ``dtype`` is given."""
        shape = int_sizes(sizes, size, "new_ones", "size", _new_fix("new_ones"))
        return self.new_full(shape, 1, dtype=dtype, requires_grad=requires_grad)

    def new_empty(
        self: Any,
        *sizes: Any,
        size: Any = UNSET,
        dtype: Any = None,
        requires_grad: builtins.bool = False,
    ) -> Tensor:
        """Unset values of ``size`` (ints: ``new_empty(2, 3)``, ``new_empty((2, 3))`` or
        ``size=``), with this tensor's dtype unless ``dtype`` is given."""
        shape = int_sizes(sizes, size, "new_empty", "size", _new_fix("new_empty"))
        return self.new_full(shape, 0, dtype=dtype, requires_grad=requires_grad)

    def new_full(
        self: Any,
        size: Any,
        fill_value: Any,
        dtype: Any = None,
        requires_grad: builtins.bool = False,
    ) -> Tensor:
        """``fill_value`` in ``size`` (a tuple, list or Size, as PyTorch's), with this tensor's
        dtype unless ``dtype`` is given."""
        if not isinstance(size, tuple | list):
            raise TypeError(
                "new_full(): argument 'size' (position 1) must be tuple of ints, not "
                f"{type(size).__name__} (give a shape: x.new_full((2, 3), value))"
            )
        dt = np.dtype(self._data.dtype if dtype is None else dtype)
        shape = new_shape(_shape((size,)), "new_full()")
        arr = np.full(shape, checked_fill(fill_value, dt, "new_full"), dt)
        return _new_leaf(arr, requires_grad)

    # -- shapes -------------------------------------------------------------------------------

    @property
    def T(self: Any) -> Tensor:
        """All axes reversed, as NumPy's ``.T``."""
        return self.permute(tuple(range(self.ndim - 1, -1, -1)))

    def flatten(self: Any, start_dim: builtins.int = 0, end_dim: builtins.int = -1) -> Tensor:
        """Merge dimensions ``start_dim``..``end_dim`` into one."""
        s, e = _one_dim(self, start_dim, "flatten"), _one_dim(self, end_dim, "flatten")
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if self.ndim == 0:
            return self.reshape(1)
        shape = self._data.shape  # (the merged size written out: -1 is ambiguous for 0 elements)
        return self.reshape(*shape[:s], int(np.prod(shape[s : e + 1])), *shape[e + 1 :])

    def transpose(self: Any, dim0: builtins.int, dim1: builtins.int) -> Tensor:
        """Swap two axes (PyTorch's ``transpose``; ``.T`` reverses all of them)."""
        d0, d1 = _one_dim(self, dim0, "transpose"), _one_dim(self, dim1, "transpose")
        if self.ndim < 2:
            return self
        axes = list(range(self.ndim))
        axes[d0], axes[d1] = axes[d1], axes[d0]
        return labelled(self.permute(tuple(axes)), "TransposeBackward0", self)

    def squeeze(self: Any, axis: Any = UNSET, *, dim: Any = UNSET) -> Tensor:
        """Drop axes of size one (all of them, or those named that have size one); an explicit
        None is refused, as PyTorch's (its squeeze of all dims takes no dim)."""
        if axis is None or dim is None:
            refuse_none_dim("squeeze", False, "squeeze() for every dimension of size one")
        a = _dim_arg(None if dim is UNSET else dim, None if axis is UNSET else axis, "squeeze")
        name = f"SqueezeBackward{0 if a is None else 2 if isinstance(a, tuple) else 1}"
        if a is None:
            shape = tuple(n for n in self._data.shape if n != 1)
        else:
            a = wrap_dims(a if isinstance(a, tuple) else (a,), self.ndim, "squeeze", self.shape)
            axes = () if a is None else (a,) if isinstance(a, builtins.int) else a
            shape = tuple(n for i, n in enumerate(self._data.shape) if not (i in axes and n == 1))
        return labelled(self.reshape(shape), name, self)

    def unsqueeze(self: Any, axis: builtins.int) -> Tensor:
        """Insert an axis of size one at ``axis``."""
        axis = wrap_dim(axis, self.ndim + 1, "unsqueeze", self._data.shape)
        out = self.reshape((*self._data.shape[:axis], 1, *self._data.shape[axis:]))
        return labelled(out, "UnsqueezeBackward0", self)

    def expand(self: Any, *sizes: Any, size: Any = None) -> Tensor:
        """PyTorch's ``expand``: like ``broadcast_to``, where -1 keeps a dimension."""
        given = UNSET if size is None else size
        fix = "give ints: expand(3, -1) or expand((3, -1)); -1 keeps a dimension"
        return self.broadcast_to(_expanded(self, int_sizes(sizes, given, "expand", "size", fix)))

    def t(self: Any) -> Tensor:
        """The transpose of a matrix (of a 0-d or 1-d tensor: a view of it as it is, which
        PyTorch records as a ``TBackward0`` too)."""
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        out = self.transpose(0, 1) if self.ndim == 2 else self[...]
        return labelled(out, "TBackward0", self)

    def view(self: Any, *shape: Any, size: Any = None) -> Tensor:
        """The same memory in a new shape (``view(2, -1)``, ``view((2, -1))`` or PyTorch's
        keyword ``view(size=(2, -1))``).

        As PyTorch's: where the tensor is a view whose layout the new shape cannot follow
        (``x.t().view(-1)``), this raises PyTorch's error instead of copying, since writes into
        a copy would silently stop reaching ``x``; ``reshape`` copies there.
        """
        given = UNSET if size is None else size
        shape = int_sizes(shape, given, "view", "size", "give ints: view(3, -1) or view((3, -1))")
        a = self._data
        if self._base is not None and a.size:  # (a tensor owning its memory always reshapes)
            if not np.may_share_memory(a.reshape(_reshaped(self, (shape,))), a):
                raise ShapeError(
                    "view size is not compatible with input tensor's size and stride (at least "
                    "one dimension spans across two contiguous subspaces). Use .reshape(...) "
                    "instead."
                )
        return self.reshape(shape)

    def view_as(self: Any, other: Any) -> Tensor:
        """``view(other.shape)``."""
        return self.view(other.shape)

    def reshape_as(self: Any, other: Any) -> Tensor:
        """``reshape(other.shape)``."""
        return self.reshape(other.shape)

    def expand_as(self: Any, other: Any) -> Tensor:
        return self.expand(other.shape)

    def contiguous(self: Any, *args: Any, memory_format: Any = None) -> Tensor:
        """This tensor when its memory is C-ordered, else a C-ordered copy (``CloneBackward0``),
        as PyTorch's: ``x.t().contiguous()[i:j].view(-1)`` then views the copy. PyTorch's
        ``memory_format`` is keyword-only; minigrad has no memory formats and ignores it."""
        if args:
            raise TypeError(
                f"contiguous() takes 0 positional arguments but {len(args)} was given "
                "(memory_format is keyword-only: contiguous(memory_format=...))"
            )
        if self._data.flags.c_contiguous:
            return self
        return TensorMakers.apply(more_ops.Contiguous(), self)

    def is_contiguous(self: Any) -> builtins.bool:
        return bool(self._data.flags.c_contiguous)

    def repeat(self: Any, *sizes: Any, repeats: Any = UNSET) -> Tensor:
        """Tile the tensor ``sizes[i]`` times along dimension i (PyTorch's ``repeat``): ints,
        as ``repeat(2, 1)``, ``repeat((2, 1))`` or ``repeat(repeats=(2, 1))``."""
        fix = "give ints: repeat(2, 1) or repeat((2, 1))"
        reps = int_sizes(sizes, repeats, "repeat", "repeats", fix)
        if len(reps) < self.ndim:
            raise RuntimeError(
                "repeat(): number of dimensions of repeat dims can not be smaller than number "
                f"of dimensions of tensor (got {len(reps)} for shape {tuple(self.shape)})"
            )
        shape = (1,) * (len(reps) - self.ndim) + tuple(self.shape)
        merged = tuple(r * n for r, n in zip(reps, shape))
        if builtins.any(r < 0 for r in reps):
            bad = next(m for r, m in zip(reps, merged) if r < 0)
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {bad}: {list(merged)}"
            )
        if builtins.all(r == 1 for r in reps):  # a copy, as PyTorch's (reshapes alone view)
            out = self.clone()
            out = out if merged == tuple(self.shape) else out.reshape(merged)
        else:  # (n,) repeated r times is (1, n) broadcast to (r, n), then merged: one op a step
            spread = tuple(d for n in shape for d in (1, n))
            target = tuple(d for r, n in zip(reps, shape) for d in (r, n))
            out = self.reshape(spread).broadcast_to(target).reshape(merged)
        return labelled(out, "RepeatBackward0", self)

    def index_select(self: Any, dim: builtins.int, index: Any) -> Tensor:
        """The entries at ``index`` (1-D integers) along ``dim``."""
        d = _one_dim(self, dim, "index_select")
        idx = np.asarray(_raw(index))
        if idx.dtype not in (np.int32, np.int64):  # (a bool index is not a mask here)
            raise RuntimeError(
                "index_select(): Expected dtype int32 or int64 for index (got "
                f"{torch_name(idx.dtype)}; convert it, e.g. index.long(), or use "
                "masked_select or x[mask] for a bool mask)"
            )
        if idx.ndim > 1:
            raise IndexError(
                f"index_select(): Index is supposed to be a vector (got an index of shape "
                f"{idx.shape}; flatten it, or use gather for an index per position)"
            )
        size = self._data.shape[d] if self._data.ndim else 1  # (a 0-d tensor: one entry)
        if not self._data.ndim and idx.size != 1:
            raise RuntimeError(
                f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)"
            )
        if idx.size and (idx.min() < 0 or idx.max() >= size):  # (no counting from the end)
            fix = f"index_select(): indices {idx.tolist()} along dim {dim} of size {size}; "
            fix += f"they must be in [0, {size}))"
            if not size:  # (PyTorch's check of an empty dim comes first: a RuntimeError)
                raise RangeError(
                    f"index_select(): self indexing axis dim should be positive ({fix}"
                )
            if d == 0 or not self._data.ndim:
                raise IndexError(f"index out of range in self ({fix}")
            # PyTorch's kernel along another dim: its RuntimeError (RangeError is both)
            bad = next(int(i) for i in idx.reshape(-1) if i < 0 or i >= size)
            raise RangeError(
                f"INDICES element is out of DATA bounds, id={bad} axis_dim={size} ({fix}"
            )
        if not self._data.ndim:
            return self.reshape(1)[idx.reshape(-1)].reshape(())
        return labelled(self[_along(d, idx.reshape(-1))], "IndexSelectBackward0", self)

    def gather(self: Any, dim: builtins.int, index: Any) -> Tensor:
        """``out[i][j] = self[index[i][j]][j]`` for dim 0 (and so on): PyTorch's ``gather``."""
        d = _one_dim(self, dim, "gather")
        idx = np.asarray(_raw(index))
        if idx.dtype.kind not in "iu":
            raise RuntimeError(
                f"gather(): Expected dtype int32/int64 for index (got {idx.dtype}; convert it, "
                "e.g. index.long())"
            )
        # a 0-d tensor is one element along dim 0: a 1-D index picks it once per entry
        if idx.ndim != self.ndim and (self.ndim or idx.ndim != 1):
            raise RuntimeError(
                "Index tensor must have the same number of dimensions as input tensor (gather(): "
                f"index of shape {tuple(idx.shape)} for an input of shape {tuple(self.shape)})"
            )
        for k, (m, n) in enumerate(zip(idx.shape, self.shape)):
            if k != d and m > n:
                raise RuntimeError(
                    f"Size does not match at dimension {k} expected index {list(idx.shape)} to "
                    f"be no larger than self {list(self.shape)} apart from dimension {d} "
                    "(gather(): the index picks along dim and may not be larger elsewhere)"
                )
        size = self._data.shape[d] if self.ndim else 1
        try:  # (a negative index would wrap around: PyTorch refuses it)
            if not idx.size or (idx.min() >= 0 and (self.ndim or idx.max() < 1)):
                picked = (
                    self.reshape(1)[idx] if idx.ndim > self.ndim else self[_gather_index(idx, d)]
                )
                return labelled(picked, "GatherBackward0", self)
        except IndexError:
            pass
        bad = idx[(idx < 0) | (idx >= size)].flat[0]
        raise RuntimeError(
            f"index {bad} is out of bounds for dimension {d} with size {size} (gather(): an "
            f"index into dim {d} of a tensor of shape {tuple(self.shape)} must be in [0, {size}))"
        )

    def scatter_add(self: Any, dim: builtins.int, index: Any, src: Any) -> Tensor:
        """This tensor plus ``src`` added at ``index`` along ``dim`` (repeats add up)."""
        s = src if hasattr(src, "_data") else TensorMakers.wrap(_as_array(src), None)
        d, idx = _scatter_index(self, dim, index, s, "scatter_add")
        if not self._data.ndim:  # one element along dim 0: as a 1-element 1-D tensor
            return self.reshape(1).scatter_add(0, idx, s.reshape(-1)).reshape(())
        picked = s[tuple(slice(0, n) for n in idx.shape)]
        placed = TensorMakers.apply(
            ops.ScatterAdd(_gather_index(idx, d), tuple(self.shape)), picked
        )
        return labelled(self + placed, "ScatterAddBackward0", self, s)

    def scatter(
        self: Any,
        dim: builtins.int,
        index: Any,
        src: Any = None,
        *,
        value: Any = None,
        reduce: str | None = None,
    ) -> Tensor:
        """This tensor with ``src`` (a tensor) or ``value`` (a number) written at ``index``.

        For dim 1, ``out[i][index[i][j]] = src[i][j]``, as PyTorch's ``scatter``. The written
        positions get their gradient from ``src``; the others from this tensor. Two elements of
        a ``src`` tensor sent to one position are refused (PyTorch leaves which one wins
        undefined); ``reduce="add"`` adds them up, as ``scatter_add``.
        """
        if (src is None) == (value is None):
            raise TypeError("scatter(): give either src (a tensor or number) or value, not both")
        fill = value if value is not None else src
        if not hasattr(fill, "_data") and not isinstance(fill, builtins.int | builtins.float):
            raise TypeError(
                f"scatter(): src must be a Tensor or a number, not {type(fill).__name__}"
            )
        if reduce not in (None, "add"):
            raise RuntimeError(
                f"scatter(): reduce={reduce!r} is not supported by minigrad; reduce='add' "
                "(as scatter_add) is"
            )
        d, idx = _scatter_index(self, dim, index, fill, "scatter")
        if not self._data.ndim:  # one element along dim 0: as a 1-element 1-D tensor
            one = self.reshape(1)
            if value is not None:
                return one.scatter(0, idx, value=value, reduce=reduce).reshape(())
            flat = fill.reshape(-1) if hasattr(fill, "_data") else fill
            return one.scatter(0, idx, flat, reduce=reduce).reshape(())
        positions = _gather_index(idx, d)
        if reduce == "add":
            src_t = fill if hasattr(fill, "_data") else self.new_full(idx.shape, fill)
            return self.scatter_add(d, idx, src_t)
        mask = np.zeros(self._data.shape, dtype=np.bool_)
        mask[positions] = True
        if not hasattr(fill, "_data"):  # (PyTorch's scatter of a value: ScatterBackward1)
            out = self.masked_fill(TensorMakers.wrap(mask, None), fill)
            return labelled(out, "ScatterBackward1", self)
        picked = fill[tuple(slice(0, n) for n in idx.shape)].reshape(-1)
        flat = np.ravel_multi_index(np.broadcast_arrays(*positions), self._data.shape).reshape(-1)
        targets, first = np.unique(flat, return_index=True)
        if len(targets) == len(flat):
            targets = flat  # every position once: src in its own order
        else:  # repeated positions: fine only if they agree
            values = picked._data
            _, group = np.unique(flat, return_inverse=True)
            if picked.requires_grad or not np.array_equal(values, values[first][group]):
                raise RuntimeError(
                    "scatter(): index sends several elements of src to the same position "
                    + (
                        "(which of them gets the gradient is undefined)"
                        if picked.requires_grad
                        else "with different values (which one wins is undefined, as in PyTorch)"
                    )
                    + "; make the index unique along dim, or use scatter_add to add them up"
                )
            picked = picked[first]
        where = np.unravel_index(targets, self._data.shape)
        placed = TensorMakers.apply(ops.ScatterAdd(where, tuple(self.shape)), picked)
        out = TensorMakers.apply(ops.Where(mask), placed, self)
        return labelled(out, "ScatterBackward0", self, fill)

    def scatter_(
        self: Any,
        dim: builtins.int,
        index: Any,
        src: Any = None,
        *,
        value: Any = None,
        reduce: str | None = None,
    ) -> Tensor:
        """``scatter`` in place (as PyTorch's rules for in-place ops); returns self."""
        return _inplace(
            self,
            "scatter_",
            lambda t: t.scatter(dim, index, src, value=value, reduce=reduce),
        )

    def split(self: Any, split_size_or_sections: Any, dim: builtins.int = 0) -> tuple[Any, ...]:
        """Pieces along ``dim``: of ``split_size`` each (the last may be smaller), or of the
        listed sizes, which must add up to the dimension. The pieces are slices (views), so
        their gradients flow back into this tensor."""
        int_dim(dim, "split", 2)
        if not self._data.ndim:  # (before the dim: PyTorch's words, not an IndexError)
            raise RuntimeError("split expects at least a 1-dimensional tensor")
        d = wrap_dim(dim, self._data.ndim, "split", self._data.shape)
        n = self._data.shape[d]
        if isinstance(split_size_or_sections, list | tuple):
            sizes = [_split_size(k, i) for i, k in enumerate(split_size_or_sections)]
            if sum(sizes) != n or builtins.any(k < 0 for k in sizes):
                raise RuntimeError(
                    f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                    f"tensor's size at dimension {d}), but got split_sizes={sizes}"
                )
        else:
            size = _split_size(split_size_or_sections, None)
            if size < 0:
                raise RuntimeError(f"split expects split_size be non-negative, but got {size=}")
            if size == 0 and n:
                raise RuntimeError(
                    f"split_size can only be 0 if dimension size is 0, but got dimension size "
                    f"of {n}"
                )
            sizes = [builtins.min(size, n - at) for at in range(0, n, size)] if n else [0]
        pieces, at = [], 0
        for k in sizes:
            pieces.append(self[(slice(None),) * d + (slice(at, at + k),)])
            at += k
        # views returned together: a recorded in-place change of one raises, as in PyTorch
        listed = isinstance(split_size_or_sections, list | tuple)
        return sibling_views(pieces, "SplitWithSizes" if listed else "Split")

    def chunk(self: Any, chunks: builtins.int, dim: builtins.int = 0) -> tuple[Any, ...]:
        """``split`` into pieces of ceil(size / chunks) along ``dim``: at most ``chunks`` of them
        (fewer when the size does not fill them, as in PyTorch)."""
        chunks = int_argument(chunks, "chunk", "chunks", 1)
        int_dim(dim, "chunk", 2)
        if not self._data.ndim:
            raise RuntimeError("chunk expects at least a 1-dimensional tensor")
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        d = wrap_dim(dim, self._data.ndim, "chunk", self._data.shape)
        if self._data.ndim and self._data.shape[d] == 0:  # PyTorch: `chunks` empty pieces
            return tuple(self[_along(d, slice(0, 0))] for _ in range(chunks))
        return self.split(-(-self._data.shape[d] // chunks), d)

    def tril(self: Any, diagonal: builtins.int = 0) -> Tensor:
        """The lower triangle of the last two dims (on and below ``diagonal``), zeros above:
        ``where`` of a constant mask, so an infinity above stays out (no inf * 0)."""
        return self._triangle("tril", diagonal)

    def triu(self: Any, diagonal: builtins.int = 0) -> Tensor:
        """The upper triangle of the last two dims (on and above ``diagonal``), zeros below."""
        return self._triangle("triu", diagonal)

    def _triangle(self: Any, name: str, diagonal: builtins.int) -> Tensor:
        diagonal = int_argument(diagonal, name, "diagonal", 1)
        if self._data.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        rows, cols = self._data.shape[-2:]
        below = np.tri(rows, cols, diagonal if name == "tril" else diagonal - 1, dtype=bool)
        keep = below if name == "tril" else ~below
        zeros = TensorMakers.wrap(np.zeros_like(self._data), None)
        return labelled(
            TensorMakers.apply(ops.Where(keep), self, zeros), f"{name.title()}Backward0"
        )

    def masked_fill(self: Any, mask: Any, value: Any) -> Tensor:
        """``value`` where ``mask`` (bool) is True, else this tensor; the two broadcast against
        each other, as in PyTorch (a mask with more dims gives a larger result)."""
        m = np.asarray(_raw(mask))
        if m.dtype != np.bool_:
            raise RuntimeError(
                "masked_fill_ only supports boolean masks, but got mask with dtype "
                f"{torch_name(m.dtype, True)}"
            )
        try:
            shape = np.broadcast_shapes(m.shape, self._data.shape)
        except ValueError:
            shape = None
        if shape is not None and shape != self._data.shape:
            return self.broadcast_to(shape).masked_fill(m, value)
        if shape is None:
            torchs = _broadcast_message(m.shape, self._data.shape)
            raise RuntimeError(
                f"{torchs} (masked_fill(): the mask of shape {tuple(m.shape)} does not "
                f"broadcast with the tensor's shape {tuple(self.shape)})"
                if torchs
                else f"masked_fill(): the mask of shape {tuple(m.shape)} does not broadcast with "
                f"the tensor's shape {tuple(self.shape)}"
            )
        v = value
        if hasattr(v, "_data"):
            if v.ndim != 0:
                raise RuntimeError(
                    "masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
                    f"with {v.ndim} dimension(s)."
                )
            if v._data.dtype != self._data.dtype:  # (PyTorch checks its number, as below)
                checked_number(v._data.item(), self._data.dtype, "masked_fill")
            v = v.to(self._data.dtype)
        else:  # a number takes this tensor's dtype, as in PyTorch (2.7 in an int64 tensor is 2)
            v = TensorMakers.wrap(checked_number(v, self._data.dtype, "masked_fill"), None)
        out = TensorMakers.apply(ops.Where(m), v, self)
        if hasattr(value, "_data"):  # (PyTorch's inputs: the tensor, then the value)
            return labelled(out, "MaskedFillBackward1", self, value)
        return labelled(out, "MaskedFillBackward0")

    # -- arithmetic with PyTorch's names ------------------------------------------------------

    def add(self: Any, other: Any, *, alpha: Any = 1) -> Tensor:
        """self + alpha * other (PyTorch's rules for alpha: ``validation._alpha_times``)."""
        if type(alpha) is builtins.int and alpha == 1:
            return self + other
        out = self + _alpha_times(self, other, alpha, "add")
        return labelled(out, "AddBackward0", self, other) if hasattr(other, "_data") else out

    def sub(self: Any, other: Any, *, alpha: Any = 1) -> Tensor:
        """self - alpha * other (refused where either is a bool, as PyTorch)."""
        if type(alpha) is builtins.int and alpha == 1:
            return self - other
        if _is_bool(self) or _is_bool(other):  # (other * alpha would be no bool)
            raise _subtraction_refusal(self, other)
        out = self - _alpha_times(self, other, alpha, "sub")
        return labelled(out, "SubBackward0", self, other) if hasattr(other, "_data") else out

    subtract = sub

    def mul(self: Any, other: Any) -> Tensor:
        return self * other

    multiply = mul

    def div(self: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        """self / other; ``rounding_mode`` "trunc" rounds the quotient toward 0 and "floor" is
        floor division (``//``), integers staying integers; either has gradient 0."""
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("trunc", "floor"):
            raise ValueError(
                f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                f"{rounding_mode!r}"
            )
        return _divide(f"div_{rounding_mode}", self, other)

    divide = true_divide = div

    def pow(self: Any, exponent: Any) -> Tensor:
        return self**exponent

    def square(self: Any) -> Tensor:
        """x * x."""
        return self**2

    def rsqrt(self: Any) -> Tensor:
        """1 / sqrt(x)."""
        return labelled(self.sqrt().reciprocal(), "RsqrtBackward0", self)  # (x**-0.5 is 0 at -inf)

    def exp2(self: Any) -> Tensor:
        """2 ** x."""
        return labelled(2.0**self, "Exp2Backward0", self)

    def log2(self: Any) -> Tensor:
        """Base-2 logarithm."""
        return labelled(self.log() * (1 / math.log(2)), "Log2Backward0", self)

    def log10(self: Any) -> Tensor:
        """Base-10 logarithm."""
        return labelled(self.log() * (1 / math.log(10)), "Log10Backward0", self)

    def log1p(self: Any) -> Tensor:
        """log(1 + x), accurate for small x."""
        return TensorMakers.apply(more_ops.Log1p(), self)

    def expm1(self: Any) -> Tensor:
        """exp(x) - 1, accurate for small x."""
        return TensorMakers.apply(more_ops.Expm1(), self)

    def __abs__(self: Any) -> Tensor:
        return self.abs()

    # -- comparisons (no gradient) ------------------------------------------------------------

    def __lt__(self: Any, other: Any) -> Tensor:
        return _compare(np.less, self, other)

    def __le__(self: Any, other: Any) -> Tensor:
        return _compare(np.less_equal, self, other)

    def __gt__(self: Any, other: Any) -> Tensor:
        return _compare(np.greater, self, other)

    def __ge__(self: Any, other: Any) -> Tensor:
        return _compare(np.greater_equal, self, other)

    def __eq__(self: Any, other: Any) -> Tensor:  # type: ignore[override]
        return _compare(np.equal, self, other)

    def __ne__(self: Any, other: Any) -> Tensor:  # type: ignore[override]
        return _compare(np.not_equal, self, other)

    def eq(self: Any, other: Any) -> Tensor:
        """self == other elementwise (``other`` a tensor or a number, not None: PyTorch's)."""
        return self == _not_none(other, "eq")

    def ne(self: Any, other: Any) -> Tensor:
        """self != other elementwise (``other`` a tensor or a number, not None: PyTorch's)."""
        return self != _not_none(other, "ne")

    def lt(self: Any, other: Any) -> Tensor:
        return self < other

    def le(self: Any, other: Any) -> Tensor:
        return self <= other

    def gt(self: Any, other: Any) -> Tensor:
        return self > other

    def ge(self: Any, other: Any) -> Tensor:
        return self >= other

    def equal(self: Any, other: Any) -> builtins.bool:
        """True when both have the same shape and values. ``other`` must be a tensor, as in
        PyTorch: a number or a list would compare by NumPy's rules instead (``x.equal(2)``)."""
        if not hasattr(other, "_data"):
            raise TypeError(
                f"equal(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}"
            )
        return bool(np.array_equal(self._data, other._data))

    def allclose(
        self: Any,
        other: Any,
        rtol: builtins.float = 1e-5,
        atol: builtins.float = 1e-8,
        equal_nan: builtins.bool = False,
    ) -> builtins.bool:
        """Whether all values are close: |self - other| <= atol + rtol * |other| (``isclose``
        everywhere: two dtypes are refused, as in PyTorch)."""
        return builtins.bool(self.isclose(other, rtol, atol, equal_nan).all())

    # -- reductions ---------------------------------------------------------------------------

    def any(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """Whether any element (along ``dim``) is nonzero; bool, no gradient."""
        d = _dims(self, dim, None, "any")
        return _truth(np.any(self._data, axis=d, keepdims=keepdim), self)

    def all(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """Whether every element (along ``dim``) is nonzero; bool, no gradient."""
        d = _dims(self, dim, None, "all")
        return _truth(np.all(self._data, axis=d, keepdims=keepdim), self)

    def amax(self: Any, dim: Any = (), keepdim: builtins.bool = False) -> Tensor:
        """Largest value over ``dim`` (all dims by default); ties share the gradient evenly."""
        return labelled(self._extremum(ops.Max, "amax", dim, keepdim), "AmaxBackward0", self)

    def amin(self: Any, dim: Any = (), keepdim: builtins.bool = False) -> Tensor:
        """Smallest value over ``dim`` (all dims by default); ties share the gradient evenly."""
        return labelled(self._extremum(ops.Min, "amin", dim, keepdim), "AminBackward0", self)

    def argmax(
        self: Any,
        axis: Any = None,
        keepdims: builtins.bool = False,
        *,
        dim: Any = None,
        keepdim: builtins.bool | None = None,
    ) -> Tensor:
        """Index of the maximum (int64, no gradient)."""
        return _arg(np.argmax, "argmax", self, dim, axis, _keep(keepdims, keepdim))

    def argmin(
        self: Any,
        axis: Any = None,
        keepdims: builtins.bool = False,
        *,
        dim: Any = None,
        keepdim: builtins.bool | None = None,
    ) -> Tensor:
        """Index of the minimum (int64, no gradient)."""
        return _arg(np.argmin, "argmin", self, dim, axis, _keep(keepdims, keepdim))

    def _extremum(
        self: Any, op: builtins.type, where: str, dim: Any, keepdim: builtins.bool
    ) -> Tensor:
        d = _dims(self, dim, None, where)
        _check_nonempty(self, d, where)
        return TensorMakers.apply(op(d, keepdim), self)

    def max(
        self: Any,
        dim: Any = UNSET,
        keepdim: builtins.bool = False,
        *,
        axis: Any = None,
        keepdims: builtins.bool | None = None,
    ) -> Any:
        """The largest value: ``max()`` a 0-d tensor (ties share the gradient evenly);
        ``max(dim)`` the named tuple ``(values, indices)`` (the gradient goes to the index
        returned); ``max(other)`` the elementwise maximum."""
        return self._select(np.argmax, ops.Max, return_types.max, dim, keepdim, axis, keepdims)

    def min(
        self: Any,
        dim: Any = UNSET,
        keepdim: builtins.bool = False,
        *,
        axis: Any = None,
        keepdims: builtins.bool | None = None,
    ) -> Any:
        """The smallest value: ``min()``, ``min(dim)`` -> ``(values, indices)``, ``min(other)``."""
        return self._select(np.argmin, ops.Min, return_types.min, dim, keepdim, axis, keepdims)

    def _select(
        self: Any,
        arg: Any,
        full: builtins.type,
        result: Any,
        dim: Any,
        keepdim: builtins.bool,
        axis: Any,
        keepdims: builtins.bool | None,
    ) -> Any:
        name = result.__name__
        if hasattr(dim, "_data"):  # max(other): elementwise
            return self.maximum(dim) if name == "max" else self.minimum(dim)
        fix = f"{name}() for the {'largest' if name == 'max' else 'smallest'} of all elements"
        if dim is None:  # (PyTorch's max() of all elements takes no dim)
            refuse_none_dim(name, keepdim, f"{fix}, {name}(dim) along one dim")
        d = _dim_arg(None if dim is UNSET else dim, axis, name)
        keep = _keep(keepdim, keepdims)
        if d is None:
            if keep:
                raise TypeError(
                    f"{name}() received an invalid combination of arguments - keepdim needs a "
                    f"dim ({fix} is 0-d; {name}(dim, keepdim=True) keeps one dim)"
                )
            _check_nonempty(self, None, name)
            return TensorMakers.apply(full(None, False), self)
        if isinstance(d, tuple):
            raise TypeError(
                f"{name}(): dim must be one int (this returns values and indices); for the "
                f"{name} over several dims use a{name}(dim=...)"
            )
        d = _one_dim(self, d, name)
        _check_nonempty(self, d if self._data.ndim else None, name)
        if self.ndim == 0:
            return result(self.clone(), TensorMakers.wrap(np.asarray(0), None))
        idx = np.asarray(arg(self._data, axis=d, keepdims=True))
        values = self.gather(d, idx)
        if not keep:
            values, idx = values.squeeze(d), idx.squeeze(d)
        labelled(values, f"{name.capitalize()}Backward0", self)  # (max(dim): MaxBackward0)
        return result(values, TensorMakers.wrap(idx, None))

    def sort(
        self: Any,
        dim: builtins.int = -1,
        descending: builtins.bool = False,
        stable: builtins.bool = False,
    ) -> Any:
        """The named tuple ``(values, indices)`` sorted along ``dim``; values differentiable.

        Sorting is stable when asked, as PyTorch (ties keep their order, also when
        ``descending``); otherwise equal values may come in any order.
        """
        d = _one_dim(self, dim, "sort")  # (a 0-d tensor takes dims 0 and -1 only)
        if self.ndim == 0:
            return return_types.sort(self.clone(), TensorMakers.wrap(np.asarray(0), None))
        idx = _argsort(self._data, d, descending)
        values = labelled(self.gather(d, idx), "SortBackward0", self)
        return return_types.sort(values, TensorMakers.wrap(idx, None))

    def argsort(
        self: Any,
        dim: builtins.int = -1,
        descending: builtins.bool = False,
        stable: builtins.bool = False,
    ) -> Tensor:
        """The indices that sort the tensor along ``dim`` (int64)."""
        d = _one_dim(self, dim, "argsort")
        if self.ndim == 0:
            return TensorMakers.wrap(np.asarray(0), None)
        return TensorMakers.wrap(_argsort(self._data, d, descending), None)

    def topk(
        self: Any,
        k: builtins.int,
        dim: builtins.int = -1,
        largest: builtins.bool = True,
        sorted: builtins.bool = True,
    ) -> Any:
        """The named tuple ``(values, indices)`` of the ``k`` largest (or smallest) entries
        along ``dim``; values differentiable (refused for bool, as PyTorch)."""
        k = int_argument(k, "topk", "k", 1)
        _no_bool(self, "topk")
        d = _one_dim(self, dim, "topk")
        n = self._data.shape[d] if self.ndim else 1
        if not 0 <= k <= n:
            raise RuntimeError(f"topk(): selected index k out of range (k={k}, size {n})")
        if self.ndim == 0:
            return return_types.topk(self.clone(), TensorMakers.wrap(np.asarray(0), None))
        idx = _argsort(self._data, d, largest)[_along(d, slice(0, k))]
        values = labelled(self.gather(d, idx), "TopkBackward0", self)
        return return_types.topk(values, TensorMakers.wrap(idx, None))

    def std(
        self: Any,
        dim: Any = UNSET,
        unbiased: Any = UNSET,
        keepdim: Any = UNSET,
        *,
        correction: Any = None,
        axis: Any = None,
        keepdims: builtins.bool | None = None,
    ) -> Tensor:
        """Standard deviation over ``dim``, dividing by n - correction (PyTorch's default: 1);
        ``var``'s arguments."""
        _check_floating(self, "std")
        dim, c, keepdim = var_arguments("std", dim, unbiased, keepdim, correction)
        var = self.var(dim, keepdim=keepdim, correction=c, axis=axis, keepdims=keepdims)
        return labelled(var.sqrt(), "StdBackward0", self)

    def var(
        self: Any,
        dim: Any = UNSET,
        unbiased: Any = UNSET,
        keepdim: Any = UNSET,
        *,
        correction: Any = None,
        axis: Any = None,
        keepdims: builtins.bool | None = None,
    ) -> Tensor:
        """Variance over ``dim``, dividing by n - correction (PyTorch's default: 1).

        PyTorch's older overloads are read as its: ``var(False)`` (unbiased, over everything)
        and ``var(dim, False)``; ``unbiased=False`` is ``correction=0`` (``var_arguments``).
        """
        _check_floating(self, "var")
        dim, c, keepdim = var_arguments("var", dim, unbiased, keepdim, correction)
        d = _dims(self, dim, axis, "var")
        keep = _keep(keepdim, keepdims)
        reduced = ops._keepdims_shape(self._data.shape, d)
        n = self._data.size // max(math.prod(reduced), 1)
        centred = self - self.mean(d, keepdims=True)
        if n - c <= 0:  # PyTorch's warning; the result is nan or inf, as there
            warnings.warn(
                "var(): degrees of freedom is <= 0. Correction should be strictly less than the "
                f"reduction factor (input numel divided by output numel): {n} - {c}",
                UserWarning,
                stacklevel=3,
            )
        var = (centred * centred).sum(d, keepdims=keep) / max(n - c, 0)
        return labelled(var, "VarBackward0", self)

    def prod(
        self: Any,
        dim: Any = UNSET,
        keepdim: builtins.bool = False,
        *,
        dtype: Any = None,
    ) -> Tensor:
        """The product over ``dim`` (all elements by default); differentiable, also at zeros.

        Computed as a halving tree of products (log2(n) multiplications), so its gradient is
        exact where an element is zero, where out / x would divide by zero. ``dtype``: cast to
        it first. As PyTorch's, the product of all elements takes no dim: an explicit None,
        or a keepdim without a dim, is refused.
        """
        fix = "prod() for the product of all elements, prod(dim) along one dim"
        if dim is None:
            refuse_none_dim("prod", keepdim, fix)
        if dim is UNSET:
            if keepdim is not False:
                raise TypeError(
                    "prod() received an invalid combination of arguments - keepdim needs a dim "
                    f"({fix}, prod(dim, keepdim=True))"
                )
            dim = None
        if dtype is not None:
            return _with_dtype(
                self, dtype, "prod", lambda x: x.prod() if dim is None else x.prod(dim, keepdim)
            )
        x = self
        if x._data.dtype.kind in "bu" or x._data.dtype in (np.int8, np.int16, np.int32):
            x = x.to(np.int64)  # integers multiply in int64, as PyTorch
        d = None if dim is None else _one_dim(self, dim, "prod")  # (a 0-d tensor takes 0, -1)
        if d is None or not self.ndim:
            out = _product(x.reshape(-1), 0)
            out = out.reshape(()) if not keepdim else out.reshape((1,) * self.ndim)
            return labelled(out, "ProdBackward0" if d is None else "ProdBackward1", self)
        out = _product(x, d)
        return labelled(out if keepdim else out.squeeze(d), "ProdBackward1", self)

    def norm(self: Any, p: Any = "fro", dim: Any = None, keepdim: builtins.bool = False) -> Tensor:
        """The vector norm over ``dim`` (all elements by default): ``p`` = 2 or "fro" (the
        square root of the sum of squares), 1, inf, -inf, 0 (the count of nonzero elements) or
        any other number, with PyTorch's gradients at zeros (``linalg.vector_norm``'s)."""
        _check_floating(self, "norm")
        d = wrap_dims(dim, self._data.ndim, "norm", self._data.shape)
        if p == "fro" or p is None:  # (None: PyTorch's default, the 2-norm)
            p = 2
        if isinstance(p, str) or not isinstance(p, builtins.int | builtins.float):
            raise ArgumentError(
                f"norm(): p={p!r} is not supported; use 'fro' or a number (nuclear norms are "
                "not in minigrad)"
            )
        return vector_norm_of(self, p, d, keepdim)

    def cumsum(self: Any, dim: builtins.int, *, dtype: Any = None) -> Tensor:
        """Running sums along ``dim``; ``dtype``: cast to it first."""
        if dtype is not None:
            return _with_dtype(self, dtype, "cumsum", lambda x: x.cumsum(dim))
        x = self
        d = _one_dim(x, dim, "cumsum")  # (a 0-d tensor takes 0 and -1)
        if x.ndim == 0:
            return x.reshape(1).cumsum(0).reshape(())
        return TensorMakers.apply(more_ops.Cumsum(d), x)


def _argsort(a: np.ndarray, dim: builtins.int, descending: builtins.bool) -> np.ndarray:
    """Stable ascending or descending order along ``dim`` (ties keep their order either way)."""
    if not descending:
        return np.argsort(a, axis=dim, kind="stable")
    # Sort the reversed array stably, then reverse: equal values come out in their original order.
    rev = _along(dim, slice(None, None, -1))
    order = np.argsort(a[rev], axis=dim, kind="stable")[rev]
    return (a.shape[dim] - 1 - order).astype(np.int64)


def _product(x: Any, d: builtins.int) -> Any:
    """Product along ``d`` keeping the dimension, by multiplying halves (log2(n) ops)."""
    n = x.shape[d]
    if n == 0:
        shape = tuple(1 if i == d else m for i, m in enumerate(x.shape))
        return TensorMakers.wrap(np.ones(shape, x._data.dtype), None)
    while n > 1:
        h = n // 2
        y = x[_along(d, slice(0, h))] * x[_along(d, slice(h, 2 * h))]
        if n % 2:
            y = TensorMakers.apply(ops.Concat(d), y, x[_along(d, slice(2 * h, n))])
        x, n = y, y.shape[d]
    return x
