"""Every primitive op: its forward on NumPy arrays and its backward rule, side by side.

A rule is written with Python operators and the few helpers at the top of this file. Each
helper runs NumPy on arrays and records an op on Tensors, so one rule serves first-order
backward (raw arrays, NumPy speed) and ``create_graph=True`` (Tensors, differentiable again).
Broadcasting and dtype are undone by the engine (``engine.run_backward``), not here.

These are the basic ops, the ones to read first. Beside them: ``fused.py`` (one node standing for
several of these: ``Linear``, ``LogSoftmax``...), ``more_ops.py`` (``Log1p``, ``Tan``,
``Asin``..., ``Norm2``, ``Einsum``) and ``conv.py`` (convolution and pooling). To add an op: write
a class here, add one method or function in ``tensor.py``, add one row to the op table in
``tests/op_specs.py`` (docs/autograd.md, section 9).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .engine import Op, TensorMakers
from .node_surface import IndexingSurface

Axis = int | tuple[int, ...] | None


def _is_array(a: Any) -> bool:
    # (the exact type first: a fifth of the cost of isinstance with a union, on every rule)
    return type(a) is np.ndarray or isinstance(a, np.ndarray | np.generic | float | int)


def _data(a: Any) -> Any:
    """The raw value behind an array or Tensor (for masks, which carry no gradient)."""
    return a if _is_array(a) else a._data


# ---------------------------------------------------------------------------------------------
# Helpers for rules: NumPy on arrays, recorded ops on Tensors.


def where(cond: np.ndarray, a: Any, b: Any) -> Any:
    """``a`` where ``cond`` else ``b`` (``cond`` a constant mask; ``a`` an array or Tensor)."""
    return np.where(cond, a, b) if _is_array(a) else TensorMakers.apply(Where(cond), a, b)


def cos(a: Any) -> Any:
    return np.cos(a) if _is_array(a) else TensorMakers.apply(Cos(), a)


def sin(a: Any) -> Any:
    return np.sin(a) if _is_array(a) else TensorMakers.apply(Sin(), a)


def exp(a: Any) -> Any:
    return np.exp(a) if _is_array(a) else TensorMakers.apply(Exp(), a)


def log(a: Any) -> Any:
    return np.log(a) if _is_array(a) else TensorMakers.apply(Log(), a)


def sigmoid(a: Any) -> Any:
    return Sigmoid().forward(np.asarray(a)) if _is_array(a) else TensorMakers.apply(Sigmoid(), a)


def reshape(a: Any, shape: tuple[int, ...]) -> Any:
    return np.asarray(a).reshape(shape) if _is_array(a) else TensorMakers.apply(Reshape(shape), a)


def permute(a: Any, axes: tuple[int, ...]) -> Any:
    return np.asarray(a).transpose(axes) if _is_array(a) else TensorMakers.apply(Permute(axes), a)


def swap_last(a: Any) -> Any:
    """Swap the last two axes (the matrix transpose of a batch of matrices)."""
    if _is_array(a):
        return a.swapaxes(-1, -2)
    axes = list(range(a.ndim))
    axes[-2], axes[-1] = axes[-1], axes[-2]
    return TensorMakers.apply(Permute(tuple(axes)), a)


def broadcast_to(a: Any, shape: tuple[int, ...]) -> Any:
    if not _is_array(a):
        return TensorMakers.apply(BroadcastTo(shape), a)
    # A filled copy: as fast as a view for the small arrays of a training step, and writable.
    out = np.empty(shape, dtype=a.dtype if hasattr(a, "dtype") else np.result_type(a))
    out[...] = a
    return out


def sum_keep(a: Any, axis: Axis) -> Any:
    """Sum over ``axis`` keeping dimensions (used by the softmax family's rules)."""
    if _is_array(a):
        return a.sum(axis=axis, keepdims=True)
    return TensorMakers.apply(Sum(axis, True), a)


def scatter(a: Any, index: Any, shape: tuple[int, ...]) -> Any:
    """Place ``a`` at ``index`` of a zero array of ``shape``; repeated indices add up."""
    return (
        ScatterAdd(index, shape).forward(a)
        if _is_array(a)
        else (TensorMakers.apply(ScatterAdd(index, shape), a))
    )


def _reduced_count(shape: tuple[int, ...], axis: Axis) -> int:
    """How many elements a reduction over ``axis`` combines into each result."""
    if axis is None:
        return int(np.prod(shape))
    return int(np.prod([shape[a] for a in ((axis,) if isinstance(axis, int) else axis)]))


def _keepdims_shape(shape: tuple[int, ...], axis: Axis) -> tuple[int, ...]:
    """The shape a reduction over ``axis`` has with ``keepdims=True``."""
    if axis is None:
        return (1,) * len(shape)
    axes = (axis,) if isinstance(axis, int) else axis
    axes = tuple(a % len(shape) for a in axes)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


# ---------------------------------------------------------------------------------------------
# Elementwise arithmetic (inputs may be Python scalars, which get no gradient)


class Add(Op):
    """z = x + y;  dz/dx = 1, dz/dy = 1."""

    __slots__ = ()

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return x + y

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        return grad, grad


class Sub(Op):
    """z = x - y;  dz/dx = 1, dz/dy = -1."""

    __slots__ = ()

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return x - y

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        return grad, (-grad if self.needs_grad(1) else None)


class Mul(Op):
    """z = x * y;  dz/dx = y, dz/dy = x."""

    __slots__ = ()

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return x * y

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        gx = grad * y if self.needs_grad(0) else None
        gy = grad * x if self.needs_grad(1) else None
        return gx, gy


class Div(Op):
    """z = x / y;  dz/dx = 1/y, dz/dy = -x/y^2 = -z/y."""

    __slots__ = ()

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return x / y

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        gx = grad / y if self.needs_grad(0) else None
        gy = -grad * out / y if self.needs_grad(1) else None
        return gx, gy


class Neg(Op):
    """z = -x;  dz/dx = -1."""

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        if x.dtype.kind == "b":  # (NumPy's TypeError says the same in other words)
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        return -x

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (-grad,)


class Pow(Op):
    """z = x ** y;  dz/dx = y x^(y-1) (0 where y = 0), dz/dy = z log x (0 where x = 0, y >= 0)."""

    __slots__ = ()

    def forward(self, x: Any, y: Any) -> np.ndarray:
        if type(y) is np.ndarray:  # (PyTorch's pow(Tensor, Tensor); x ** 2 is PowBackward0)
            self.label = "PowBackward1"
        return x**y

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        gx = gy = None
        if self.needs_grad(0):
            if isinstance(y, int | float):
                # x ** 2 (every squared error) is common enough to skip computing x ** 1;
                # x ** 0 is constant, even at x = 0 where y x^(y-1) would be 0 * inf.
                if y == 2:
                    gx = grad * (x + x)
                elif y == 0:
                    gx = grad * 0
                else:
                    gx = grad * y * x ** (y - 1)
            else:
                gx = where(_data(y) != 0, grad * y * x ** (y - 1), 0.0)
        if self.needs_grad(1):
            # At x = 0 (y >= 0) z log x is 0 * -inf; the limit, as in PyTorch, is 0.
            edge = (_data(x) == 0) & (_data(y) >= 0)
            gy = grad * out * log(x)
            if edge.any():
                gy = where(~edge, gy, 0.0)  # (the rule's value first: where records it)
        return gx, gy


class Maximum(Op):
    """z = max(x, y);  the gradient goes to the larger input, split evenly on ties.

    Where x or y is NaN (so is z), both get the whole gradient, as in PyTorch.
    """

    __slots__ = ()

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return np.maximum(x, y)

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        # An input's share: 0 where only the other one made the output, 1/2 where both did (a
        # tie), 1 where it alone did or neither did (a NaN output: PyTorch masks by x < y,
        # which is false there). The same rule serves Minimum.
        od = _data(out)
        made_x, made_y = _data(x) == od, _data(y) == od
        half = 0.5 * (made_x & made_y)
        share_x, share_y = (1.0 + half) - made_y, (1.0 + half) - made_x
        return grad * share_x.astype(od.dtype), grad * share_y.astype(od.dtype)


class Minimum(Maximum):
    """z = min(x, y);  the gradient goes to the smaller input, split evenly on ties."""

    __slots__ = ()

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return np.minimum(x, y)


# ---------------------------------------------------------------------------------------------
# Elementwise functions


class Exp(Op):
    """z = exp(x);  dz/dx = z."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return np.exp(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * out,)


class Log(Op):
    """z = log(x);  dz/dx = 1/x."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return np.log(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad / x,)


class Sqrt(Op):
    """z = sqrt(x);  dz/dx = 1 / (2 z)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return np.sqrt(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad / (2 * out),)


class Abs(Op):
    """z = |x|;  dz/dx = sign(x) (0 at 0, as in PyTorch)."""

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        return np.abs(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * np.sign(_data(x)),)


class Sin(Op):
    """z = sin(x);  dz/dx = cos(x)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return np.sin(x)  # (sin(inf) is nan, as PyTorch's: quietly, see quiet.py)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * cos(x),)


class Cos(Op):
    """z = cos(x);  dz/dx = -sin(x)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return np.cos(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (-grad * sin(x),)


class Tanh(Op):
    """z = tanh(x);  dz/dx = 1 - z^2."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        return np.tanh(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        one = _ONES.get(out.dtype, 1)  # (a 0-d array: NumPy converts the number 1 slower)
        return (grad * (one - out * out),)


class Sigmoid(Op):
    """z = 1 / (1 + exp(-x));  dz/dx = z (1 - z)."""

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        # Far below 0, exp(-x) overflows to inf and z is 0, as in PyTorch: IEEE's answer, which
        # minigrad's warning filter keeps quiet (quiet.py); no clamp, so no extra pass.
        one = _ONES.get(x.dtype, 1)
        z = np.negative(x)
        if type(z) is not np.ndarray:  # a NumPy scalar from 0-d input: an array, to work in place
            z = np.asarray(z)
        np.exp(z, out=z)  # in place on the one temporary: this op runs on every step
        np.add(z, one, out=z)
        return np.reciprocal(z, out=z)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * (out - out * out),)  # (array-array ops: faster than 1 - out)


# The 1 of the sigmoid and tanh rules, as 0-d arrays of the float dtypes: the bits a Python
# number gets (NumPy casts it to the array's dtype), without a cast that costs as much as the op.
_ONES = {np.dtype(t): np.array(1, dtype=t) for t in (np.float32, np.float64)}


class ReLU(Op):
    """z = max(x, 0);  dz/dx = 1 where x > 0, else 0."""

    __slots__ = ()
    torch_name = "ReluBackward0"

    def forward(self, x: Any) -> np.ndarray:
        if x.size < 2048 or x.dtype.kind != "f":
            return np.maximum(x, 0)
        # NumPy's vectorised maximum takes two arrays; against a scalar 0 it is twice as slow
        z = np.zeros_like(x)
        return np.maximum(x, z, out=z)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        if not _is_array(grad):  # (a Tensor, under create_graph)
            return (grad * (_data(x) > 0),)
        mask = (x > 0).astype(grad.dtype)  # (a float mask: a bool one makes NumPy cast it)
        mask *= grad
        return (mask,)


class Clip(Op):
    """z = min(max(x, low), high);  dz/dx = 1 inside [low, high], else 0."""

    __slots__ = ("high", "low")
    torch_name = "ClampBackward1"

    def __init__(self, low: float | None, high: float | None) -> None:
        self.low, self.high = low, high

    def forward(self, x: Any) -> np.ndarray:
        return np.clip(x, self.low, self.high)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        xd = _data(x)
        inside = np.ones(xd.shape, dtype=bool)
        if self.low is not None:
            inside &= xd >= self.low
        if self.high is not None:
            inside &= xd <= self.high
        return (grad * inside,)


class Cast(Op):
    """z = x as another dtype;  dz/dx = 1 (cast back by the engine)."""

    __slots__ = ("dtype",)
    torch_name = "ToCopyBackward0"
    reads_inputs = False  # (clone(), then the original changed in place: PyTorch's own advice)

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def forward(self, x: Any) -> np.ndarray:
        return x.astype(self.dtype)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad,)


class Where(Op):
    """z = x where cond else y;  dz/dx = cond, dz/dy = not cond (cond is a constant)."""

    __slots__ = ("cond",)

    def __init__(self, cond: np.ndarray) -> None:
        self.cond = cond

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return np.where(self.cond, x, y)

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        gx = grad * self.cond if self.needs_grad(0) else None
        gy = grad * ~self.cond if self.needs_grad(1) else None
        return gx, gy


# ---------------------------------------------------------------------------------------------
# Reductions


class _Reduction(Op):
    """The base of ops over ``axis`` (an int, a tuple, or None for all), keeping dims or not."""

    __slots__ = ("axis", "keepdims")

    def __init__(self, axis: Axis = None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, keepdims


class Sum(_Reduction):
    """z = sum of x over axis;  dz/dx = 1, broadcast back over the summed axes."""

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        # every integer type sums in int64, as PyTorch (NumPy: uint64); not x.sum(): see quiet.py
        wide = np.int64 if x.dtype.kind == "u" else None
        return np.add.reduce(x, self.axis, wide, keepdims=self.keepdims)  # type: ignore[call-overload]

    def own_name(self) -> str:  # (PyTorch's overload with a dim is SumBackward1)
        return "SumBackward0" if self.axis is None else "SumBackward1"

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        if self.axis is not None and not self.keepdims:  # (a full sum broadcasts as it is)
            grad = reshape(grad, _keepdims_shape(x.shape, self.axis))
        return (broadcast_to(grad, x.shape),)


class Mean(_Reduction):
    """z = mean of x over axis;  dz/dx = 1/n, broadcast back over the reduced axes."""

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        # sum / n, not np.mean or x.sum(): no Python wrapper of NumPy's (see quiet.py)
        total = np.add.reduce(x, self.axis, keepdims=self.keepdims)  # type: ignore[call-overload]
        if x.size:
            return total / (x.size // np.size(total))
        return total / _reduced_count(x.shape, self.axis)  # 0 / 0 = nan, as in PyTorch

    def own_name(self) -> str:
        return "MeanBackward0" if self.axis is None else "MeanBackward1"

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        size = _data(x).size  # (Tensors count with numel(); their arrays with .size)
        n = size // max(_data(out).size, 1) if size else 1
        if self.axis is not None and not self.keepdims:  # (a full mean broadcasts as it is)
            grad = reshape(grad, _keepdims_shape(x.shape, self.axis))
        return (broadcast_to(grad / n, x.shape),)


class Max(_Reduction):
    """z = max of x over axis;  dz/dx = 1 at the maxima, split evenly between ties."""

    __slots__ = ()
    torch_name = "MaxBackward1"

    def forward(self, x: Any) -> np.ndarray:
        return x.max(axis=self.axis, keepdims=self.keepdims)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (_extremum_grad(grad, out, x, self.axis),)


class Min(Max):
    """z = min of x over axis;  dz/dx = 1 at the minima, split evenly between ties."""

    __slots__ = ()
    torch_name = "MinBackward1"

    def forward(self, x: Any) -> np.ndarray:
        return x.min(axis=self.axis, keepdims=self.keepdims)


def _extremum_grad(grad: Any, out: Any, x: Any, axis: Axis) -> Any:
    """Send ``grad`` to the positions equal to ``out``, shared evenly among ties."""
    kshape = _keepdims_shape(x.shape, axis)
    hit = _data(x) == np.asarray(_data(out)).reshape(kshape)
    share = hit / hit.sum(axis=axis, keepdims=True)
    return reshape(grad, kshape) * share.astype(_data(x).dtype)


# ---------------------------------------------------------------------------------------------
# Linear algebra


class MatMul(Op):
    """z = x @ y (NumPy semantics);  dz/dx = grad @ y^T, dz/dy = x^T @ grad."""

    __slots__ = ()
    torch_name = "MmBackward0"

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return np.matmul(x, y)

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        xn, yn = x.ndim, y.ndim
        if xn == 1 and yn == 1:  # dot product
            return grad * y, grad * x
        if xn == 1:  # (k,) @ (..., k, n): x acts as a (1, k) row
            x = reshape(x, (1, x.shape[0]))
            grad = reshape(grad, (*grad.shape[:-1], 1, grad.shape[-1]))
        if yn == 1:  # (..., m, k) @ (k,): y acts as a (k, 1) column
            y = reshape(y, (y.shape[0], 1))
            grad = reshape(grad, (*grad.shape, 1))
        gx = grad @ swap_last(y) if self.needs_grad(0) else None
        gy = swap_last(x) @ grad if self.needs_grad(1) else None
        if xn == 1 and gx is not None:
            gx = reshape(gx, (*gx.shape[:-2], gx.shape[-1]))
        if yn == 1 and gy is not None:
            gy = reshape(gy, gy.shape[:-1])
        return gx, gy


# ---------------------------------------------------------------------------------------------
# Shape and indexing


class Reshape(Op):
    """z = x viewed with a new shape;  dz/dx reshapes back."""

    __slots__ = ("shape",)
    torch_name = "ViewBackward0"

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: Any) -> np.ndarray:
        return x.reshape(self.shape)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (reshape(grad, x.shape),)


class Permute(Op):
    """z = x with its axes reordered;  dz/dx reorders back (the inverse permutation)."""

    __slots__ = ("axes",)

    def __init__(self, axes: tuple[int, ...]) -> None:
        self.axes = axes

    def forward(self, x: Any) -> np.ndarray:
        return x.transpose(self.axes)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        inverse = tuple(sorted(range(len(self.axes)), key=self.axes.__getitem__))
        return (permute(grad, inverse),)


class BroadcastTo(Op):
    """z = x broadcast to shape;  dz/dx sums over the broadcast axes (done by the engine)."""

    __slots__ = ("shape",)
    torch_name = "ExpandBackward0"

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: Any) -> np.ndarray:
        return np.broadcast_to(x, self.shape)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad,)


class GetItem(IndexingSurface, Op):
    """z = x[index];  dz/dx places grad back at index (repeated indices add up)."""

    __slots__ = ("index",)
    torch_name = "IndexBackward0"

    def __init__(self, index: Any) -> None:
        self.index = index

    def forward(self, x: Any) -> np.ndarray:
        out = x[self.index]
        if not isinstance(out, np.ndarray):  # one element: a 0-d view of it, as PyTorch's x[i]
            out = x[(*self.index, ...) if isinstance(self.index, tuple) else (self.index, ...)]
        return out

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (scatter(grad, self.index, x.shape),)


class ScatterAdd(Op):
    """z = zeros(shape) with x added at index;  dz/dx = grad[index]."""

    __slots__ = ("index", "shape")
    torch_name = "IndexPutBackward0"

    def __init__(self, index: Any, shape: tuple[int, ...]) -> None:
        self.index, self.shape = index, shape

    def forward(self, x: Any) -> np.ndarray:
        z = np.zeros(self.shape, dtype=np.result_type(x))
        if _has_advanced(self.index):
            np.add.at(z, self.index, x)
        else:
            z[self.index] = x  # basic slicing never repeats an element
        return z

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad[self.index],)


def _has_advanced(index: Any) -> bool:
    """Whether an index uses integer or boolean arrays (which may repeat elements)."""
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, list | np.ndarray) for i in items)


class Concat(Op):
    """z = concatenation of the inputs along axis;  each input gets its slice of grad."""

    __slots__ = ("axis",)
    torch_name = "CatBackward0"

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, *xs: Any) -> np.ndarray:
        return np.concatenate(xs, axis=self.axis)

    def backward(self, grad: Any, out: Any, *xs: Any) -> tuple[Any, ...]:
        axis = self.axis % grad.ndim
        grads, start = [], 0
        for i, x in enumerate(xs):
            stop = start + x.shape[axis]
            index = (slice(None),) * axis + (slice(start, stop),)
            grads.append(grad[index] if self.needs_grad(i) else None)
            start = stop
        return tuple(grads)
