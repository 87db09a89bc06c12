"""The Tensor: a NumPy array that remembers the op that made it.

``apply`` runs an op and records its graph node (``_unary`` and ``_binary`` are its hot paths
for one and two inputs, spelled out; all three record through ``_recorded``). The class holds
the slots, what autograd reads (``grad``, ``requires_grad``, ``backward``...) and the one-line
methods of the basic ops; it inherits the rest: in-place writes and ``.data``
(``inplace.InPlace``), conversions to numbers, lists and arrays (``conversion.Conversions``) and
PyTorch's methods composed of these (``surface.TensorSurface``). What a non-Tensor operand
becomes is ``operands.py``; where hooks are kept, ``hooks.py``. ``as_tensor`` is the one way
other data becomes a tensor.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import fused, node_surface, ops, reflected
from .constructor import alias_argument, legacy_array
from .conversion import Conversions
from .copying import Copying
from .device import as_device
from .dtypes import default_float, dtype, of_array
from .engine import Op, TensorMakers, run_backward
from .grad_mode import Anomaly, _grad_enabled
from .gradients import _seed, backward
from .hooks import HookHandle, register, retain_grad, retains_grad
from .inplace import InPlace, _add_alias
from .inplace_methods import InPlaceMethods
from .operands import _NUMBER_OR_NONE, _bool_power, _clip_input, _operand, _promoted
from .quiet import _FIRST, _again_quietly, _put_first
from .surface import Size, TensorSurface
from .validation import (
    REQUIRED,
    DTypeLike,
    _as_array,
    _broadcast_target,
    _check_broadcast,
    _check_can_require_grad,
    _check_floating,
    _check_grad,
    _check_matmul,
    _dims,
    _index,
    _index_error,
    _keep,
    _no_bool,
    _permutation,
    _reshaped,
    _softmax_dim,
    _softmax_in,
    _tensor_only,
    _with_dtype,
)
from .versions import TICKS


def apply(op: Op, *inputs: Any) -> Tensor:
    """Run ``op`` on the inputs' arrays; record it when grad mode is on and an input needs grad.

    Inputs are Tensors or Python scalars (scalars are constants and get no gradient).
    """
    if op.computes_in_floats:
        inputs = _in_floats(inputs)
    # Plain loops, not comprehensions: this runs on every op (Linear, Concat, NLLLoss...).
    xs = []
    edges = []
    wanted = False
    for x in inputs:
        if isinstance(x, Tensor):
            xs.append(x._data)
            edge = x.grad_fn or (x if x._requires_grad else None)
            wanted = wanted or edge is not None
            edges.append(edge)
        else:
            xs.append(x)
            edges.append(None)
    try:  # (minigrad's warnings filter first, then inf and nan as PyTorch, quietly: quiet.py)
        warnings.filters[0] is _FIRST[0] or _put_first()
        out = op.forward(*xs)
    except (RuntimeWarning, FloatingPointError, IndexError):
        out = _again_quietly(op.forward, *xs)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    if wanted and _grad_enabled.get():  # some input wants a gradient: record the op
        t = _recorded(op, out, tuple(edges), inputs, tuple(xs))
    else:
        t = _new_tensor(out, None)
    if out.base is not None:
        for x in inputs:
            if isinstance(x, Tensor):
                _note_view(t, x, op)
    return t


def _recorded(
    op: Op, out: np.ndarray, edges: tuple[Any, ...], inputs: tuple[Any, ...], saved: tuple[Any, ...]
) -> Tensor:
    """Record ``op`` as the node that made ``out`` and wrap ``out``: the one place a node gets
    its edges, the inputs and arrays it saves for backward, and its tick (``versions.TICKS``,
    which orders the backward walk and dates the op for the version check)."""
    op.edges = edges
    op.inputs = inputs
    op.saved = saved
    op.out = out
    op.hooks = None
    op.epoch = next(TICKS)
    if Anomaly.enabled:
        Anomaly.record(op)
    return _new_tensor(out, op)


def _unary(op: Op, x: Tensor) -> Tensor:
    """``apply`` for one Tensor input: the hot path, spelled out."""
    xd = x._data
    if op.computes_in_floats and xd.dtype.kind not in "fc":
        x = _in_default_float(x)
        xd = x._data
    try:
        warnings.filters[0] is _FIRST[0] or _put_first()
        out = op.forward(xd)
    except (RuntimeWarning, FloatingPointError, IndexError):
        out = _again_quietly(op.forward, xd)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    if _grad_enabled.get() and x._requires_grad:
        t = _recorded(op, out, (x.grad_fn or x,), (x,), (xd,))
    else:
        t = _new_tensor(out, None)
    if out.base is not None:  # maybe a view of x (reshape, slicing, transpose)
        _note_view(t, x, op)
    return t


def _in_default_float(x: Tensor) -> Tensor:
    """An integer or bool tensor in the default float dtype, for an op that
    ``computes_in_floats`` (as PyTorch; an integer tensor has no gradient to keep)."""
    return _new_tensor(x._data.astype(default_float()), None)


def _in_floats(inputs: tuple[Any, ...]) -> tuple[Any, ...]:
    """``apply``'s inputs, each integer or bool tensor in the default float dtype."""
    return tuple(
        _in_default_float(x) if isinstance(x, Tensor) and x._data.dtype.kind not in "fc" else x
        for x in inputs
    )


def _note_view(t: Tensor, x: Tensor, op: Op) -> None:
    """Remember that ``t`` views ``x``'s memory (made by ``op``), when its array is a view.

    NumPy points every view at the array that owns the memory, so two identity tests suffice.
    A recorded in-place op on ``t`` then writes through to ``x`` (see ``_inplace``).
    """
    base, xd = t._data.base, x._data
    if base is xd or (base is not None and base is xd.base):
        t._base = (x, op)
        _add_alias(x, t)


def _binary(op: Op, x: Any, y: Any) -> Tensor:
    """``apply`` for two inputs, at least one a Tensor: the hot path, spelled out."""
    if type(x) is not Tensor and not isinstance(x, Tensor):  # (the exact type is checked fastest)
        x = _operand(x, op, x, y)
    if type(y) is not Tensor and not isinstance(y, Tensor):
        y = _operand(y, op, x, y)
    xt, yt = isinstance(x, Tensor), isinstance(y, Tensor)
    xd, yd = x._data if xt else x, y._data if yt else y
    # PyTorch's type promotion. Float tensors of one dtype, or a float tensor with a Python
    # number (nearly every op of a model), already get it from NumPy: no work on that path.
    if (xd.dtype.kind != "f" or (yt and yd.dtype is not xd.dtype)) if xt else yd.dtype.kind != "f":
        x, y = _promoted(op, x, y, xd, yd)
        xd, yd = x._data if xt else x, y._data if yt else y
    try:
        warnings.filters[0] is _FIRST[0] or _put_first()
        out = op.forward(xd, yd)
    except ValueError:
        _check_broadcast(op, x, y)  # say which op and which shapes, not NumPy's "operands"
        raise
    except (RuntimeWarning, FloatingPointError, IndexError):
        out = _again_quietly(op.forward, xd, yd)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    if _grad_enabled.get():
        ex = (x.grad_fn or (x if x._requires_grad else None)) if xt else None
        ey = (y.grad_fn or (y if y._requires_grad else None)) if yt else None
        if ex is not None or ey is not None:
            return _recorded(op, out, (ex, ey), (x, y), (xd, yd))
    return _new_tensor(out, None)


def _reduce(op: Any, where: str, t: Tensor, axis: Any, dim: Any, keep: Any, keepdim: Any) -> Tensor:
    """A reduction over NumPy's ``axis`` or PyTorch's ``dim`` (checked), keeping dims or not."""
    return _unary(op(_dims(t, dim, axis, where), _keep(keep, keepdim)), t)


class Tensor(InPlace, InPlaceMethods, Conversions, Copying, TensorSurface):
    """An n-dimensional array that records the operations applied to it.

    ``Tensor(*args)`` is PyTorch's legacy constructor (``constructor.py``): ``Tensor(2, 3)`` or
    ``Tensor(size)`` are zeros of that shape, ``Tensor([1, 2])`` and ``Tensor(np_array)`` are in
    the default float dtype even from ints, ``Tensor()`` is empty; a tensor is used as it is.
    ``tensor(data)`` infers the dtype (ints int64); ``from_numpy`` keeps an array's.

    Args:
        *args: sizes, or one piece of data (nested lists, a NumPy array, a Size).
        dtype: a dtype (or its name) to convert to, instead of the default float dtype.
        device: only the CPU.
        requires_grad: whether backward should compute a gradient for this tensor.
        name: an optional label, shown when the graph is drawn.
    """

    __slots__ = (
        "__weakref__",
        "_aliases",
        "_base",
        "_data",
        "_grad",
        "_hooks",
        "_requires_grad",
        "grad_fn",
        "name",
    )
    # Make NumPy hand binary operators back to Tensor (``array * tensor`` -> Tensor.__rmul__).
    __array_ufunc__ = None

    _data: np.ndarray
    _grad: Tensor | None  # the engine writes this slot directly; ``grad`` checks assignments
    grad_fn: Op | None
    _requires_grad: bool  # (the ``requires_grad`` property checks assignments: surface.py)
    name: str | None
    _hooks: list[Callable[[Tensor], Tensor | None]] | None
    _aliases: list[weakref.ref] | None  # what else sees this memory: views, detach(), numpy()
    _base: tuple[Tensor, Op] | None  # the tensor this one is a view of, and the op that made it

    def __init__(
        self,
        *args: Any,
        dtype: DTypeLike = None,
        device: Any = None,
        requires_grad: bool = False,
        name: str | None = None,
    ) -> None:
        as_device(device)
        self._init(legacy_array(args, dtype), requires_grad, name)
        alias_argument(self, args, device, requires_grad)  # Tensor(t): a view of t, as PyTorch

    def _init(self, data: np.ndarray, requires_grad: bool, name: str | None) -> None:
        """Fill the slots of a new leaf holding ``data`` (``__init__`` and ``Parameter``)."""
        if requires_grad:
            _check_can_require_grad(data, "Tensor")
        self._data = data
        self._grad = None
        self.grad_fn = None
        self._requires_grad = bool(requires_grad)
        self.name = name
        self._hooks = None
        self._aliases = None
        self._base = None

    @staticmethod
    def _wrap(data: np.ndarray, grad_fn: Op | None) -> Tensor:
        """Wrap an array without checks: the fast path for op outputs and gradients
        (``_new_tensor`` in this package)."""
        t = object.__new__(Tensor)
        t._data = data
        t._grad = None
        t.grad_fn = grad_fn
        t._requires_grad = grad_fn is not None
        t.name = None
        t._hooks = None
        t._aliases = None
        t._base = None
        return t

    # -- properties --------------------------------------------------------

    def _set_grad(self, value: Tensor | None) -> None:
        if value is not None:
            _check_grad(self, value)
        self._grad = value

    def _get_grad(self) -> Tensor | None:
        g = self._grad
        if g is None and self.grad_fn is not None and not retains_grad(self):
            warnings.warn(_NOT_A_LEAF, UserWarning, stacklevel=2)  # (PyTorch's warning)
        return g

    # The optimizers and the engine use the slot, ``_grad``; reading ``.grad`` of a computed
    # tensor that was not asked to retain its gradient warns, and an assignment is checked.
    grad = property(
        _get_grad,
        _set_grad,
        doc="The gradient accumulated by ``backward()`` (None until then); may be assigned. "
        "A computed tensor has one only after ``retain_grad()``.",
    )

    @property
    def shape(self) -> Size:
        """The shape, as a ``Size`` (a tuple); ``size()`` gives the same."""
        return Size(self._data.shape)

    @property
    def ndim(self) -> int:
        """The number of dimensions (also ``dim()``)."""
        return self._data.ndim

    @property
    def dtype(self) -> dtype:
        """The element type (``minigrad.float32``...); equal to the NumPy dtype too."""
        return of_array(self._data.dtype)

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (not by an op that records a graph)."""
        return self.grad_fn is None

    __hash__ = object.__hash__  # identity, as in PyTorch (``==`` is elementwise)

    # -- autograd -----------------------------------------------------------------------------

    def backward(
        self,
        gradient: Tensor | np.ndarray | float | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Tensor | Sequence[Tensor] | None = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``.

        Args:
            gradient: d(loss)/d(self); may be omitted for a one-element tensor (seeds 1).
            retain_graph: keep the saved values so backward can run again (defaults to
                ``create_graph``).
            create_graph: record the backward pass itself, for gradients of gradients.
            inputs: accumulate only into these tensors' ``.grad`` (leaves or not).

        Raises:
            RuntimeError: if self does not require grad, the graph was already freed, or
                ``gradient`` is missing for a tensor with more than one element.
        """
        if inputs is not None:
            backward(self, gradient, retain_graph, create_graph, inputs=inputs)
            return
        seed = _seed(self, gradient, "backward", create_graph)
        retain = create_graph if retain_graph is None else retain_graph
        run_backward([self], [seed], retain, create_graph)

    def detach(self) -> Tensor:
        """A tensor sharing this memory (and version counter), cut from the graph."""
        return self._alias()

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` on a leaf, in place; returns self."""
        if not self.is_leaf:
            raise RuntimeError(
                "requires_grad_(): only leaf tensors can change requires_grad; "
                "use detach() to get a leaf from a computed tensor"
            )
        if requires_grad:
            _check_can_require_grad(self._data, "requires_grad_()")
        self._requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep this computed tensor's gradient in ``.grad`` at every backward (added up, as a
        leaf's is): for checking an intermediate's gradient against a hand-derived one. A leaf
        keeps its gradient anyway.

        Raises:
            RuntimeError: if the tensor does not require grad.
        """
        retain_grad(self)

    @property
    def retains_grad(self) -> bool:
        """Whether ``retain_grad()`` was called on this computed tensor (False for a leaf)."""
        return retains_grad(self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> HookHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one.
        Returns a handle whose ``remove()`` unregisters the hook."""
        return register(self, hook)

    # -- arithmetic ---------------------------------------------------------------------------

    def __add__(self, other: Any) -> Tensor:
        return _binary(ops.Add(), self, other)

    def __radd__(self, other: Any) -> Tensor:  # (self first: its node's edges as PyTorch's)
        return _binary(ops.Add(), self, other)

    def __sub__(self, other: Any) -> Tensor:
        return _binary(ops.Sub(), self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return reflected.rsub(self, other, _binary)  # (PyTorch's RsubBackward1: one input)

    def __mul__(self, other: Any) -> Tensor:
        return _binary(ops.Mul(), self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _binary(ops.Mul(), self, other)

    def __truediv__(self, other: Any) -> Tensor:
        return _binary(ops.Div(), self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return reflected.rdiv(self, other, _binary)  # (PyTorch's self.reciprocal() * other)

    def __pow__(self, other: Any) -> Tensor:
        if type(other) is bool:  # (a bool tensor to a bool power is bool in PyTorch)
            return _bool_power(self, other)
        return _binary(ops.Pow(), self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return reflected.rpow(self, other, _binary)  # (PyTorch's PowBackward2: one input)

    def __matmul__(self, other: Any) -> Tensor:
        return self.matmul(other)

    def __rmatmul__(self, other: Any) -> Tensor:
        o = _operand(other, "@", other, self)
        return as_tensor(o).matmul(self)

    def __neg__(self) -> Tensor:
        return _unary(ops.Neg(), self)

    def matmul(self, other: Any) -> Tensor:
        """Matrix product with NumPy's rules (1-D, 2-D and batched)."""
        if not isinstance(other, Tensor):
            other = _operand(other, "@", self, other)
            if not isinstance(other, Tensor):  # a plain number
                other = from_data(other)
        _check_matmul(self._data.shape, other._data.shape)
        return node_surface.matmul_labelled(_binary(ops.MatMul(), self, other), self, other)

    # -- elementwise functions ----------------------------------------------------------------

    def exp(self) -> Tensor:
        """e ** x, elementwise."""
        return _unary(ops.Exp(), self)

    def log(self) -> Tensor:
        """The natural logarithm, elementwise (-inf at 0, nan below)."""
        return _unary(ops.Log(), self)

    def sqrt(self) -> Tensor:
        """The square root, elementwise (nan below 0)."""
        return _unary(ops.Sqrt(), self)

    def abs(self) -> Tensor:
        """|x|, elementwise (its gradient at 0 is 0, as in PyTorch); refused for bool."""
        return _unary(ops.Abs(), self) if self._data.dtype.kind != "b" else _no_bool(self, "abs")

    def sin(self) -> Tensor:
        """The sine, elementwise."""
        return _unary(ops.Sin(), self)

    def cos(self) -> Tensor:
        """The cosine, elementwise."""
        return _unary(ops.Cos(), self)

    def tanh(self) -> Tensor:
        """The hyperbolic tangent, elementwise."""
        return _unary(ops.Tanh(), self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + exp(-x)), elementwise, computed without overflow."""
        return _unary(ops.Sigmoid(), self)

    def relu(self) -> Tensor:
        """max(x, 0), elementwise (its gradient at 0 is 0, as in PyTorch); refused for bool."""
        return _unary(ops.ReLU(), self) if self._data.dtype.kind != "b" else _no_bool(self, "relu")

    def maximum(self, other: Any) -> Tensor:
        """The larger of self and other (a tensor), elementwise (ties share the gradient)."""
        return _binary(ops.Maximum(), self, _tensor_only(other, "maximum"))

    def minimum(self, other: Any) -> Tensor:
        """The smaller of self and other (a tensor), elementwise (ties share the gradient)."""
        return _binary(ops.Minimum(), self, _tensor_only(other, "minimum"))

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        """Limit values to [min, max] (numbers, tensors or None); PyTorch's ``clamp``."""
        if not isinstance(min, _NUMBER_OR_NONE) or not isinstance(max, _NUMBER_OR_NONE):
            return self._clamp_bounds(min, max)  # tensor bounds, composed (pointwise.py)
        x, min, max = _clip_input(self, min, max)  # (bounds as PyTorch converts them)
        return _unary(ops.Clip(min, max), x)

    clamp = clip

    def astype(self, dtype: DTypeLike) -> Tensor:
        """This tensor converted to ``dtype`` (differentiable between float types)."""
        dtype = np.dtype(dtype)
        if dtype.kind not in "biuf":
            raise TypeError(
                f"astype(): dtype {dtype} is not supported: minigrad tensors hold bool, integer "
                "or floating-point numbers"
            )
        if dtype == self._data.dtype:
            return self
        if self.requires_grad and dtype.kind not in "fc":
            return _new_tensor(self._data.astype(dtype), None)
        return _unary(ops.Cast(dtype), self)

    # -- reductions ---------------------------------------------------------------------------

    def sum(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
        dtype: DTypeLike = None,
    ) -> Tensor:
        """Sum over ``axis`` (int, tuple or None for all); ``dim``/``keepdim`` also accepted;
        ``dtype``: cast to it first (``validation._with_dtype``)."""
        if dtype is not None:
            return _with_dtype(
                self, dtype, "sum", lambda x: x.sum(axis, keepdims, dim=dim, keepdim=keepdim)
            )
        return _reduce(ops.Sum, "sum", self, axis, dim, keepdims, keepdim)

    def mean(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
        dtype: DTypeLike = None,
    ) -> Tensor:
        """Mean over ``axis``; ``dtype``: cast to it first (so integers have a mean)."""
        if dtype is not None:
            return _with_dtype(
                self, dtype, "mean", lambda x: x.mean(axis, keepdims, dim=dim, keepdim=keepdim)
            )
        _check_floating(self, "mean")
        return _reduce(ops.Mean, "mean", self, axis, dim, keepdims, keepdim)

    def softmax(
        self, dim: int = REQUIRED, dtype: DTypeLike = None, *, axis: int | None = None
    ) -> Tensor:
        """exp(x) / sum(exp(x)) along ``dim`` (required), computed without overflow; ``dtype``:
        cast to it first."""
        d = _softmax_dim(self, dim, axis, "softmax")
        if dtype is not None or self._data.dtype.kind not in "fc":  # (refused, or empty)
            return _softmax_in(self, dtype, "softmax", d)
        return _unary(fused.Softmax(d), self)

    def log_softmax(
        self, dim: int = REQUIRED, dtype: DTypeLike = None, *, axis: int | None = None
    ) -> Tensor:
        """x - logsumexp(x) along ``dim`` (required), computed without overflow; ``dtype``:
        cast to it first."""
        d = _softmax_dim(self, dim, axis, "log_softmax")
        if dtype is not None or self._data.dtype.kind not in "fc":  # (refused, or empty)
            return _softmax_in(self, dtype, "log_softmax", d)
        return _unary(fused.LogSoftmax(d), self)

    # -- shape --------------------------------------------------------------------------------

    def reshape(self, *shape: Any) -> Tensor:
        """The same values in a new shape (one dimension may be -1)."""
        out = _unary(ops.Reshape(_reshaped(self, shape)), self)
        if out._base is None and self._base is None and not self._data.flags.c_contiguous:
            # A copy of memory that is not C-ordered by its own layout (nn.Linear's weight is
            # Fortran-ordered; PyTorch's is row-major and gives a view): read-only, so a write
            # meant for self raises instead of changing the copy alone. A copy of a view
            # (x.T.reshape(-1)) is a copy in PyTorch too, and stays writable.
            out._data.flags.writeable = False
        return out

    def permute(self, *axes: Any) -> Tensor:
        """Reorder the axes: ``permute(1, 0)`` or ``permute((1, 0))``."""
        return _unary(ops.Permute(_permutation(self, axes)), self)

    def broadcast_to(self, *shape: Any) -> Tensor:
        """Repeat along axes of size one to reach ``shape`` (NumPy's broadcasting rules)."""
        target = _broadcast_target(self, shape)
        if target == self._data.shape:
            return self
        return _unary(ops.BroadcastTo(target), self)

    def __getitem__(self, index: Any) -> Tensor:
        idx = _index(index)
        try:
            return _unary(ops.GetItem(idx), self)
        except IndexError as e:
            raise _index_error(e, self._data.shape, index) from None


def as_tensor(data: Any, dtype: DTypeLike = None, device: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory when no conversion is needed (a NumPy array of the
    same dtype, or a tensor, which is returned as it is). The one place anything becomes a
    tensor: Python numbers and lists as ``tensor(data)`` makes them (ints int64, floats the
    default float dtype)."""
    if type(data) is Tensor and dtype is None and device is None:
        return data  # (the usual case, first: modules call this on every input)
    as_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or data._data.dtype == np.dtype(dtype) else data.astype(dtype)
    return from_data(data, dtype)


def from_data(
    data: Any, dtype: DTypeLike = None, requires_grad: bool = False, name: str | None = None
) -> Tensor:
    """A leaf holding ``data`` in ``torch.tensor``'s dtypes (ints int64, floats the default
    float; arrays keep theirs and their memory): not ``Tensor(...)``, the legacy constructor."""
    t = object.__new__(Tensor)
    t._init(_as_array(data, dtype), requires_grad, name)
    return t


_NOT_A_LEAF = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead."
)

_new_tensor = Tensor._wrap  # (a plain function: called as fast as one defined at module level)
TensorMakers.wrap = _new_tensor
TensorMakers.apply = apply

__all__ = ["Tensor", "apply", "as_tensor"]
