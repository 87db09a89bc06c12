"""The Tensor: a NumPy array that remembers the op that made it.

``apply`` is the single place where an op runs and a graph node is recorded. Every method
below is one line that calls it, or a composite of other methods (and so needs no backward
rule of its own).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from . import ops
from .engine import Op, Tensors, _GradMode, accumulate, run_backward

Axis = int | tuple[int, ...] | None
DTypeLike = Any


def _new_tensor(data: np.ndarray, grad_fn: Op | None) -> Tensor:
    """Wrap an array without checks: the fast path for op outputs and gradients."""
    t = object.__new__(Tensor)
    t._data = data
    t.grad = None
    t.grad_fn = grad_fn
    t.requires_grad = grad_fn is not None
    t.name = None
    t._hooks = None
    return t


def apply(op: Op, *inputs: Any) -> Tensor:
    """Run ``op`` on the inputs' arrays; record it when grad mode is on and an input needs grad.

    Inputs are Tensors or Python scalars (scalars are constants and get no gradient).
    """
    # Plain loops, not comprehensions: this runs on every op (Linear, Concat, NLLLoss...).
    xs = []
    edges = []
    wanted = False
    for x in inputs:
        if isinstance(x, Tensor):
            xs.append(x._data)
            edge = x.grad_fn or (x if x.requires_grad else None)
            wanted = wanted or edge is not None
            edges.append(edge)
        else:
            xs.append(x)
            edges.append(None)
    out = op.forward(*xs)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    if wanted and _GradMode.enabled:  # some input wants a gradient: record the op
        op.edges = tuple(edges)
        op.inputs = inputs
        op.saved = tuple(xs)
        op.out = out
        op.hooks = None
        return _new_tensor(out, op)
    return _new_tensor(out, None)


def _unary(op: Op, x: Tensor) -> Tensor:
    """``apply`` for one Tensor input: the hot path, spelled out."""
    xd = x._data
    out = op.forward(xd)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    if _GradMode.enabled and x.requires_grad:
        op.edges = (x.grad_fn or x,)
        op.inputs = (x,)
        op.saved = (xd,)
        op.out = out
        op.hooks = None
        return _new_tensor(out, op)
    return _new_tensor(out, None)


def _operand(v: Any) -> Any:
    """A non-Tensor operand: Python numbers stay constants, anything else becomes a Tensor.

    NumPy scalars become Python numbers, so ``x * np.float64(2)`` keeps x's float32 (as in
    PyTorch) instead of promoting under NumPy's rules for typed scalars.
    """
    if isinstance(v, np.generic):
        return v.item()
    return v if isinstance(v, int | float) else Tensor(v)


def _binary(op: Op, x: Any, y: Any) -> Tensor:
    """``apply`` for two inputs, at least one a Tensor: the hot path, spelled out."""
    if type(x) is not Tensor and not isinstance(x, Tensor):  # (the exact type is checked fastest)
        x = _operand(x)
    if type(y) is not Tensor and not isinstance(y, Tensor):
        y = _operand(y)
    xt, yt = isinstance(x, Tensor), isinstance(y, Tensor)
    xd, yd = x._data if xt else x, y._data if yt else y
    try:
        out = op.forward(xd, yd)
    except ValueError:
        _check_broadcast(op, x, y)  # say which op and which shapes, not NumPy's "operands"
        raise
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    if _GradMode.enabled:
        ex = (x.grad_fn or (x if x.requires_grad else None)) if xt else None
        ey = (y.grad_fn or (y if y.requires_grad else None)) if yt else None
        if ex is not None or ey is not None:
            op.edges = (ex, ey)
            op.inputs = (x, y)
            op.saved = (xd, yd)
            op.out = out
            op.hooks = None
            return _new_tensor(out, op)
    return _new_tensor(out, None)


def _as_array(data: Any, dtype: DTypeLike = None) -> np.ndarray:
    """Convert user data as PyTorch does: Python floats become float32, arrays keep dtype."""
    if isinstance(data, Tensor):
        data = data._data
    if dtype is not None:
        return np.asarray(data, dtype=dtype)
    if isinstance(data, np.ndarray | np.generic):
        return np.asarray(data)
    arr = np.asarray(data)
    if arr.dtype == np.float64:
        return arr.astype(np.float32)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    if arr.dtype == object:
        raise TypeError(f"tensor(): cannot convert {type(data).__name__} to a numeric array")
    return arr


def _check_can_require_grad(data: np.ndarray, where: str) -> None:
    if data.dtype.kind not in "fc":
        raise TypeError(
            f"{where}: only floating-point tensors can require grad, got dtype {data.dtype}; "
            "integer and bool tensors hold labels, indices and masks"
        )


def _axis(axis: Any, dim: Any) -> Axis:
    """NumPy's ``axis`` or PyTorch's ``dim``, as an int, a tuple or None."""
    if dim is not None:
        if axis is not None:
            raise TypeError("give either axis or dim, not both")
        axis = dim
    if isinstance(axis, np.integer):
        return int(axis)  # NumPy ints (from argmax, shape arithmetic) act as Python ints
    if isinstance(axis, list | tuple):
        axis = tuple(int(a) if isinstance(a, np.integer) else a for a in axis)
    return axis


def _keep(keepdims: bool, keepdim: bool | None) -> bool:
    return bool(keepdim) if keepdim is not None else keepdims


def _index(index: Any) -> Any:
    """Turn Tensors inside an index into arrays (a bool Tensor is a mask)."""
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, tuple):
        return tuple(i._data if isinstance(i, Tensor) else i for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _shape(args: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept ``f(2, 3)`` and ``f((2, 3))`` alike."""
    if len(args) == 1 and isinstance(args[0], tuple | list):
        return tuple(args[0])
    return tuple(args)


class Tensor:
    """An n-dimensional array that records the operations applied to it.

    Args:
        data: array-like. Python floats become float32, ints int64; NumPy arrays keep their
            dtype and are used as they are (not copied).
        dtype: a NumPy dtype (or its name) to convert to.
        requires_grad: whether backward should compute a gradient for this tensor.
        name: an optional label, shown when the graph is drawn.
    """

    __slots__ = ("__weakref__", "_data", "_hooks", "grad", "grad_fn", "name", "requires_grad")
    # Make NumPy hand binary operators back to Tensor (``array * tensor`` -> Tensor.__rmul__).
    __array_ufunc__ = None

    _data: np.ndarray
    grad: Tensor | None
    grad_fn: Op | None
    requires_grad: bool
    name: str | None
    _hooks: list[Callable[[Tensor], Tensor | None]] | None

    def __init__(
        self,
        data: Any,
        dtype: DTypeLike = None,
        requires_grad: bool = False,
        name: str | None = None,
    ) -> None:
        self._data = _as_array(data, dtype)
        if requires_grad:
            _check_can_require_grad(self._data, "Tensor")
        self.grad = None
        self.grad_fn = None
        self.requires_grad = bool(requires_grad)
        self.name = name
        self._hooks = None

    # -- array protocol and properties --------------------------------------------------------

    @property
    def data(self) -> np.ndarray:
        """The underlying array (internally kept in ``_data``)."""
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (not by an op that records a graph)."""
        return self.grad_fn is None

    @property
    def T(self) -> Tensor:
        """All axes reversed, as NumPy's ``.T``."""
        return self.permute(tuple(range(self.ndim - 1, -1, -1)))

    def item(self) -> Any:
        return self._data.item()

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self._data

    def tolist(self) -> Any:
        return self._data.tolist()

    def __array__(self, dtype: DTypeLike = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(t)``: the values as a read-only array (a copy with ``copy=True``).

        Read-only, because a write through it would bypass autograd; ``t.numpy()`` is the
        writable, shared array. NumPy ufuncs still refuse tensors (``__array_ufunc__``).
        """
        if copy:
            return np.array(self._data, dtype=dtype, copy=True)
        if dtype is not None and np.dtype(dtype) != self._data.dtype:
            if copy is False:
                raise ValueError(f"cannot convert a {self.dtype} tensor to {dtype} without a copy")
            return self._data.astype(dtype)
        view = self._data.view()
        view.flags.writeable = False
        return view

    def __dlpack__(self, **kwargs: Any) -> Any:
        """DLPack export, so ``torch.tensor(t)`` copies and ``torch.as_tensor(t)`` shares."""
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        return self._data.__dlpack_device__()

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:  # raised here, not on first next(): plotting libraries probe iter()
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __bool__(self) -> bool:
        return bool(self._data)

    def __float__(self) -> float:
        return float(self._data)

    def __int__(self) -> int:
        return int(self._data)

    def __index__(self) -> int:
        return self._data.__index__()

    __hash__ = object.__hash__  # identity, as in PyTorch (``==`` is elementwise)

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(", precision=4)
        extra = []
        if self.dtype not in (np.float32, np.int64, np.bool_):
            extra.append(f"dtype={self.dtype}")
        if self.grad_fn is not None:
            extra.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            extra.append("requires_grad=True")
        return f"tensor({body}{''.join(', ' + e for e in extra)})"

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
        """A tensor sharing this data, cut from the graph."""
        return _new_tensor(self._data, None)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` on a leaf, in place; returns self."""
        if not self.is_leaf:
            raise RuntimeError(
                "requires_grad_(): only leaf tensors can change requires_grad; "
                "use detach() to get a leaf from a computed tensor"
            )
        if requires_grad:
            _check_can_require_grad(self._data, "requires_grad_()")
        self.requires_grad = requires_grad
        return self

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> _HookHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one.

        Returns:
            A handle whose ``remove()`` unregisters the hook.
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook(): the tensor does not require grad")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            if self.grad_fn.hooks is None:
                self.grad_fn.hooks = []
            hooks = self.grad_fn.hooks
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    # -- arithmetic ---------------------------------------------------------------------------

    def __add__(self, other: Any) -> Tensor:
        return _binary(ops.Add(), self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _binary(ops.Add(), other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _binary(ops.Sub(), self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _binary(ops.Sub(), other, self)

    def __mul__(self, other: Any) -> Tensor:
        return _binary(ops.Mul(), self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _binary(ops.Mul(), other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _binary(ops.Div(), self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _binary(ops.Div(), other, self)

    def __pow__(self, other: Any) -> Tensor:
        return _binary(ops.Pow(), self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _binary(ops.Pow(), other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return self.matmul(other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return Tensor(other).matmul(self)

    def __neg__(self) -> Tensor:
        return _unary(ops.Neg(), self)

    def __pos__(self) -> Tensor:
        return self

    def matmul(self, other: Any) -> Tensor:
        """Matrix product with NumPy's rules (1-D, 2-D and batched)."""
        other = other if isinstance(other, Tensor) else Tensor(other)
        _check_matmul(self.shape, other.shape)
        return _binary(ops.MatMul(), self, other)

    # -- comparisons (no gradient) ------------------------------------------------------------

    def __lt__(self, other: Any) -> Tensor:
        return _new_tensor(np.asarray(self._data < _raw(other)), None)

    def __le__(self, other: Any) -> Tensor:
        return _new_tensor(np.asarray(self._data <= _raw(other)), None)

    def __gt__(self, other: Any) -> Tensor:
        return _new_tensor(np.asarray(self._data > _raw(other)), None)

    def __ge__(self, other: Any) -> Tensor:
        return _new_tensor(np.asarray(self._data >= _raw(other)), None)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _new_tensor(np.asarray(self._data == _raw(other)), None)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _new_tensor(np.asarray(self._data != _raw(other)), None)

    def argmax(
        self,
        axis: int | None = None,
        keepdims: bool = False,
        *,
        dim: int | None = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Index of the maximum (int64, no gradient)."""
        a: Any = _axis(axis, dim)
        return _new_tensor(
            np.asarray(np.argmax(self._data, a, keepdims=_keep(keepdims, keepdim))), None
        )

    def argmin(
        self,
        axis: int | None = None,
        keepdims: bool = False,
        *,
        dim: int | None = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Index of the minimum (int64, no gradient)."""
        a: Any = _axis(axis, dim)
        return _new_tensor(
            np.asarray(np.argmin(self._data, a, keepdims=_keep(keepdims, keepdim))), None
        )

    # -- elementwise functions ----------------------------------------------------------------

    def exp(self) -> Tensor:
        return _unary(ops.Exp(), self)

    def log(self) -> Tensor:
        return _unary(ops.Log(), self)

    def sqrt(self) -> Tensor:
        return _unary(ops.Sqrt(), self)

    def abs(self) -> Tensor:
        return _unary(ops.Abs(), self)

    def sin(self) -> Tensor:
        return _unary(ops.Sin(), self)

    def cos(self) -> Tensor:
        return _unary(ops.Cos(), self)

    def tanh(self) -> Tensor:
        return _unary(ops.Tanh(), self)

    def sigmoid(self) -> Tensor:
        return _unary(ops.Sigmoid(), self)

    def relu(self) -> Tensor:
        return _unary(ops.ReLU(), self)

    def maximum(self, other: Any) -> Tensor:
        return _binary(ops.Maximum(), self, other)

    def minimum(self, other: Any) -> Tensor:
        return _binary(ops.Minimum(), self, other)

    def clip(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Limit values to [min, max] (either may be None); PyTorch's ``clamp``."""
        if min is None and max is None:
            raise ValueError("clip(): at least one of min and max must be given")
        return _unary(ops.Clip(min, max), self)

    clamp = clip

    def astype(self, dtype: DTypeLike) -> Tensor:
        """This tensor converted to ``dtype`` (differentiable between float types)."""
        dtype = np.dtype(dtype)
        if dtype == self.dtype:
            return self
        if self.requires_grad and dtype.kind not in "fc":
            return _new_tensor(self._data.astype(dtype), None)
        return _unary(ops.Cast(dtype), self)

    to = astype

    def float(self) -> Tensor:
        """As float32."""
        return self.astype(np.float32)

    def double(self) -> Tensor:
        """As float64."""
        return self.astype(np.float64)

    # -- reductions ---------------------------------------------------------------------------

    def sum(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Sum over ``axis`` (int, tuple or None for all); ``dim``/``keepdim`` also accepted."""
        a = _axis(axis, dim)
        _check_axis(self, a, "sum")
        return _unary(ops.Sum(a, _keep(keepdims, keepdim)), self)

    def mean(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Mean over ``axis``."""
        a = _axis(axis, dim)
        _check_axis(self, a, "mean")
        return _unary(ops.Mean(a, _keep(keepdims, keepdim)), self)

    def max(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Largest value over ``axis`` (values only; ties share the gradient evenly)."""
        a = _axis(axis, dim)
        _check_axis(self, a, "max", nonempty=True)
        return _unary(ops.Max(a, _keep(keepdims, keepdim)), self)

    def min(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Smallest value over ``axis`` (values only; ties share the gradient evenly)."""
        a = _axis(axis, dim)
        _check_axis(self, a, "min", nonempty=True)
        return _unary(ops.Min(a, _keep(keepdims, keepdim)), self)

    def var(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        correction: int = 1,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Variance over ``axis``, dividing by n - correction (PyTorch's default: 1)."""
        a = _axis(axis, dim)
        _check_axis(self, a, "var")
        k = _keep(keepdims, keepdim)
        reduced = ops._keepdims_shape(self.shape, a)
        n = self.size // max(int(np.prod(reduced)), 1)
        centred = self - self.mean(a, keepdims=True)
        return (centred * centred).sum(a, keepdims=k) / max(n - correction, 0)

    def logsumexp(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """log(sum(exp(x))) over ``axis``, computed without overflow."""
        a = _axis(axis, dim)
        _check_axis(self, a, "logsumexp")
        return _unary(ops.LogSumExp(a, _keep(keepdims, keepdim)), self)

    def softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """exp(x) / sum(exp(x)) along ``axis``, computed without overflow."""
        a = dim if dim is not None else axis  # axis has a default: dim=... must win
        _check_axis(self, a, "softmax")
        return _unary(ops.Softmax(a), self)

    def log_softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """x - logsumexp(x) along ``axis``, computed without overflow."""
        a = dim if dim is not None else axis  # axis has a default: dim=... must win
        _check_axis(self, a, "log_softmax")
        return _unary(ops.LogSoftmax(a), self)

    # -- shape --------------------------------------------------------------------------------

    def reshape(self, *shape: Any) -> Tensor:
        """The same values in a new shape (one dimension may be -1)."""
        new = _shape(shape)
        try:
            target = np.empty(self.shape, dtype=np.bool_).reshape(new).shape
        except ValueError:
            raise ValueError(
                f"reshape(): cannot reshape tensor of shape {self.shape} into shape {new}"
            ) from None
        return _unary(ops.Reshape(target), self)

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge dimensions ``start_dim``..``end_dim`` into one."""
        if self.ndim == 0:
            return self.reshape(1)
        s, e = start_dim % self.ndim, end_dim % self.ndim
        return self.reshape(*self.shape[:s], -1, *self.shape[e + 1 :])

    def permute(self, *axes: Any) -> Tensor:
        """Reorder the axes: ``permute(1, 0)`` or ``permute((1, 0))``."""
        order = tuple(a % max(self.ndim, 1) for a in _shape(axes))
        if sorted(order) != list(range(self.ndim)):
            raise ValueError(
                f"permute(): {order} is not a permutation of the axes of a "
                f"{self.ndim}-d tensor (shape {self.shape})"
            )
        return _unary(ops.Permute(order), self)

    def transpose(self, dim0: int = -2, dim1: int = -1) -> Tensor:
        """Swap two axes (PyTorch's ``transpose``; ``.T`` reverses all of them)."""
        if self.ndim < 2:
            return self
        axes = list(range(self.ndim))
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return self.permute(tuple(axes))

    def squeeze(self, axis: Any = None, *, dim: Any = None) -> Tensor:
        """Drop axes of size one (all of them, or those named that have size one)."""
        a = _axis(axis, dim)
        if a is None:
            shape = tuple(n for n in self.shape if n != 1)
        else:
            axes = {i % self.ndim for i in ((a,) if isinstance(a, int) else a)}
            shape = tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1))
        return self.reshape(shape)

    def unsqueeze(self, axis: int) -> Tensor:
        """Insert an axis of size one at ``axis``."""
        axis = axis % (self.ndim + 1)
        return self.reshape((*self.shape[:axis], 1, *self.shape[axis:]))

    def broadcast_to(self, *shape: Any) -> Tensor:
        """Repeat along axes of size one to reach ``shape`` (NumPy's broadcasting rules)."""
        target = _shape(shape)
        try:
            np.broadcast_shapes(self.shape, target)
        except ValueError:
            raise ValueError(
                f"broadcast_to(): cannot broadcast shape {self.shape} to {target}"
            ) from None
        if target == self.shape:
            return self
        return _unary(ops.BroadcastTo(target), self)

    def expand(self, *shape: Any) -> Tensor:
        """PyTorch's ``expand``: like ``broadcast_to``, where -1 keeps a dimension."""
        target = _shape(shape)
        lead = len(target) - self.ndim
        full = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(target))
        return self.broadcast_to(full)

    def __getitem__(self, index: Any) -> Tensor:
        idx = _index(index)
        try:
            return _unary(ops.GetItem(idx), self)
        except IndexError as e:
            raise IndexError(f"indexing a tensor of shape {self.shape}: {e}") from None


class _HookHandle:
    """Returned by ``register_hook``; ``remove()`` takes the hook away."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self.hooks, self.hook = hooks, hook

    def remove(self) -> None:
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


def _raw(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


def _check_broadcast(op: Op, x: Any, y: Any) -> None:
    """Raise a ValueError naming the op, shapes and dtypes if x and y do not broadcast."""
    a, b = np.asarray(_raw(x)), np.asarray(_raw(y))
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"{type(op).__name__.lower()}: shapes {a.shape} and {b.shape} do not broadcast "
            f"(dtypes {a.dtype} and {b.dtype}): each trailing dimension must match or be 1"
        ) from None


def _check_axis(t: Tensor, axis: Axis, op: str, nonempty: bool = False) -> None:
    """Reject an axis the tensor does not have, naming the op and the shape."""
    axes = () if axis is None else ((axis,) if isinstance(axis, int) else axis)
    for a in axes:
        if not isinstance(a, int | np.integer) or not -t.ndim <= a < max(t.ndim, 1):
            raise ValueError(f"{op}(): axis {axis} is out of range for a tensor of shape {t.shape}")
    if nonempty and t.size == 0:
        raise ValueError(f"{op}(): cannot reduce an empty tensor of shape {t.shape}")


def _check_matmul(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    """NumPy's matmul rules, checked up front so the error names both shapes."""
    if len(a) == 0 or len(b) == 0:
        raise ValueError(f"matmul: both operands need at least 1 dimension, got shapes {a} and {b}")
    k1 = a[-1]
    k2 = b[0] if len(b) == 1 else b[-2]
    if k1 != k2:
        raise ValueError(
            f"matmul: shapes {a} and {b} do not match: {k1} (last dim of the first) != {k2} "
            f"({'only' if len(b) == 1 else 'second-to-last'} dim of the second)"
        )
    try:
        np.broadcast_shapes(a[:-2], b[:-2])
    except ValueError:
        raise ValueError(
            f"matmul: batch dimensions of shapes {a} and {b} do not broadcast"
        ) from None


def _seed(t: Tensor, gradient: Any, where: str, create_graph: bool) -> Any:
    """Check and build the gradient that starts a backward pass from ``t``."""
    if not t.requires_grad:
        raise RuntimeError(
            f"{where}(): the tensor does not require grad and has no grad_fn; set "
            "requires_grad=True on the inputs you want gradients for"
        )
    if gradient is None:
        if t.size != 1:
            raise RuntimeError(
                f"{where}(): gradient can be implied only for a one-element output; this "
                f"tensor has shape {t.shape}: pass gradient= of that shape"
            )
        seed = np.array(1, dtype=t.dtype).reshape(t.shape)  # (np.ones is slower for one element)
        return _new_tensor(seed, None) if create_graph else seed
    g = gradient._data if isinstance(gradient, Tensor) else np.asarray(gradient)
    if g.shape != t.shape:
        raise ValueError(
            f"{where}(): gradient has shape {g.shape} but the output has shape {t.shape}"
        )
    if g.dtype.kind not in "fc":
        raise TypeError(f"{where}(): gradient must be floating point, got dtype {g.dtype}")
    if not np.all(np.isfinite(g)):
        raise ValueError(f"{where}(): gradient contains NaN or inf")
    g = g.astype(t.dtype, copy=True)
    if create_graph:
        return (
            gradient
            if isinstance(gradient, Tensor) and gradient.dtype == t.dtype
            else (_new_tensor(g, None))
        )
    return g


def _grad_outputs(outs: list[Tensor], given: Any, where: str, arg: str) -> list[Any]:
    """One gradient (or None) per output, from a tensor, an array, None or a sequence."""
    if given is None or isinstance(given, Tensor | np.ndarray):
        if len(outs) == 1 or given is None:
            return [given] * len(outs)
        gos = None
    else:
        gos = list(given)
    if gos is None or len(gos) != len(outs):
        n = 1 if gos is None else len(gos)
        raise RuntimeError(
            f"{where}(): {arg} should be a sequence of length {len(outs)} (one per output), "
            f"got length {n}"
        )
    return gos


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """Gradients of ``outputs`` with respect to ``inputs``, returned (``.grad`` is untouched).

    PyTorch's ``torch.autograd.grad``, with its arguments in its order.

    Args:
        outputs: a tensor or a sequence of tensors to differentiate.
        inputs: the tensors to differentiate with respect to (leaves or not).
        grad_outputs: d(loss)/d(output) per output (a tensor, or a sequence with None for
            one-element outputs); may be omitted when every output has one element.
        retain_graph: keep the graph for another backward (defaults to ``create_graph``).
        create_graph: record the computation, so the result can be differentiated again.
        only_inputs: accepted for compatibility; ignored, as in PyTorch.
        allow_unused: return None for an input the outputs do not depend on, instead of
            raising (defaults to ``materialize_grads``).
        is_grads_batched: must be False (minigrad has no vmap).
        materialize_grads: return zeros instead of None for unused inputs.

    Returns:
        One gradient per input, in order.

    Raises:
        RuntimeError: PyTorch's errors, for an input that does not require grad or is unused,
            an output that does not require grad, or a freed graph.
    """
    if is_grads_batched:
        raise NotImplementedError(
            "grad(): is_grads_batched=True needs vmap, which minigrad does not have; call "
            "grad() once per row of grad_outputs"
        )
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False."
        )
    allow = materialize_grads if allow_unused is None else allow_unused
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    gos = _grad_outputs(outs, grad_outputs, "grad", "grad_outputs")
    for t in ins:
        if not t.requires_grad:
            raise RuntimeError(
                "One of the differentiated Tensors does not require grad (grad(): set "
                "requires_grad=True on every input)"
            )
    seeds = [_seed(o, g, "grad", create_graph) for o, g in zip(outs, gos)]
    retain = create_graph if retain_graph is None else retain_graph
    found = run_backward(outs, seeds, retain, create_graph, capture=ins)
    result: list[Tensor | None] = []
    for t, g in zip(ins, found or []):
        if g is None:
            if not allow:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
            result.append(_new_tensor(np.zeros_like(t._data), None) if materialize_grads else None)
            continue
        if not isinstance(g, Tensor):
            g = _new_tensor(np.asarray(g, dtype=t.dtype), None)
        result.append(g)
    return tuple(result)


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: Any = None,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad`` (PyTorch's
    ``torch.autograd.backward``).

    Args:
        tensors: a tensor or a sequence of tensors to differentiate.
        grad_tensors: d(loss)/d(tensor) per tensor (None for one-element tensors).
        retain_graph: keep the graph for another backward (defaults to ``create_graph``).
        create_graph: record the computation, for gradients of gradients.
        grad_variables: the old name of ``grad_tensors``.
        inputs: accumulate only into these tensors' ``.grad`` (leaves or not).

    Raises:
        RuntimeError: as ``Tensor.backward``, or for an empty ``inputs``.
    """
    if grad_variables is not None:
        if grad_tensors is not None:
            raise RuntimeError("backward(): give grad_tensors or grad_variables, not both")
        grad_tensors = grad_variables
    outs = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    gos = _grad_outputs(outs, grad_tensors, "backward", "grad_tensors")
    ins = None
    if inputs is not None:
        ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        if not ins:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        for t in ins:
            if not t.requires_grad:
                raise RuntimeError(
                    "backward(): one of the tensors in inputs= does not require grad"
                )
    seeds = [_seed(o, g, "backward", create_graph) for o, g in zip(outs, gos)]
    retain = create_graph if retain_graph is None else retain_graph
    found = run_backward(outs, seeds, retain, create_graph, capture=ins)
    given: set[int] = set()
    for t, g in zip(ins or (), found or ()):
        if g is not None:
            accumulate(t, g, create_graph, given)


Tensors.make = _new_tensor
Tensors.apply = apply

__all__ = ["Tensor", "apply", "backward", "grad"]
