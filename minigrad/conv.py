"""Convolution and pooling ops: forward on NumPy arrays and backward rules, side by side.

Any number of spatial dimensions (``conv1d`` and ``conv2d`` use the same ops). The forward
takes a strided view of the input's windows (no copy), copies it once into columns and does
one matrix product; backward scatters back with a loop over the kernel positions (``kh*kw``
slices, never over pixels or the batch).

A convolution is bilinear in (input, weight), so its two gradients are bilinear maps too:
``conv_input`` (the transposed convolution) and ``conv_weight``. Each of the three ops is
differentiated by the other two, which is what makes second order work: the rules call the
helpers below, which run NumPy on arrays and record ops on Tensors (``create_graph=True``).
Pools come in adjoint pairs the same way: ``MaxUnpool``/``MaxGather`` (where MaxPool's gradient
goes, and back), ``AvgPool``/``AvgPoolAdjoint``.

Attributes are plain tuples per spatial dimension, readable by exporters: ``stride``,
``dilation``, ``groups``, ``kernel_size`` and ``padding`` as ``(before, after)`` pairs.
"""

from __future__ import annotations

import math
from itertools import product
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .engine import Op, TensorMakers
from .node_surface import Shown
from .ops import GetItem, _data, _is_array, reshape, sum_keep

Ints = tuple[int, ...]
Pads = tuple[tuple[int, int], ...]


# ---------------------------------------------------------------------------------------------
# Windows and their adjoint


def _pad(x: np.ndarray, padding: Pads, value: float = 0.0) -> np.ndarray:
    """``x`` with its trailing spatial axes padded by ``value`` (no copy when there is none)."""
    if not any(a or b for a, b in padding):
        return x
    widths = ((0, 0),) * (x.ndim - len(padding)) + tuple(padding)
    return np.pad(x, widths, constant_values=value)


def _windows(xp: np.ndarray, kernel: Ints, stride: Ints, dilation: Ints, out: Ints) -> np.ndarray:
    """A read-only view (N, C, *out, *kernel) of a padded input's windows: no copy."""
    nd = len(kernel)
    lead = xp.strides[:-nd]
    space = xp.strides[-nd:]
    strides = (
        *lead,
        *(t * s for t, s in zip(space, stride)),
        *(t * d for t, d in zip(space, dilation)),
    )
    return as_strided(xp, (*xp.shape[:-nd], *out, *kernel), strides, writeable=False)


def _window_slices(k: Ints, stride: Ints, dilation: Ints, out: Ints) -> tuple[slice, ...]:
    """Where kernel position ``k`` reads from in the padded input, for every output position."""
    return tuple(
        slice(i * d, i * d + s * (o - 1) + 1, s) for i, s, d, o in zip(k, stride, dilation, out)
    )


def _positions(p: ConvParams | PoolParams, out: Ints) -> list[tuple[Ints, tuple[Any, ...]]]:
    """Each kernel position and the strided slice (on the trailing axes of a padded input) it
    reads for every output position: kernel loops are over these, never over pixels."""
    return [
        (k, (Ellipsis, *_window_slices(k, p.stride, p.dilation, out)))
        for k in product(*(range(n) for n in p.kernel_size))
    ]


def _crop(xp: np.ndarray, padding: Pads) -> np.ndarray:
    """Undo ``_pad``: the part of a padded array that was the input."""
    if not any(a or b for a, b in padding):
        return xp
    index: tuple[Any, ...] = (Ellipsis,)
    index += tuple(slice(a, n - b) for (a, b), n in zip(padding, xp.shape[-len(padding) :]))
    return xp[index]


def _out_size(size: int, k: int, s: int, d: int, pad: tuple[int, int]) -> int:
    return (size + pad[0] + pad[1] - d * (k - 1) - 1) // s + 1


# ---------------------------------------------------------------------------------------------
# Convolution: Conv (y = x * w + b), ConvInput (its adjoint in x), ConvWeight (its adjoint in w)


class ConvParams:
    """The hyper-parameters a convolution and both of its adjoints share."""

    __slots__ = ("dilation", "groups", "kernel_size", "padding", "stride")

    def __init__(self, kernel: Ints, stride: Ints, padding: Pads, dilation: Ints, groups: int):
        self.kernel_size, self.stride, self.padding = kernel, stride, padding
        self.dilation, self.groups = dilation, groups

    def out_shape(self, spatial: Ints) -> Ints:
        return tuple(
            _out_size(n, k, s, d, p)
            for n, k, s, d, p in zip(
                spatial, self.kernel_size, self.stride, self.dilation, self.padding
            )
        )

    def columns(self, x: np.ndarray) -> tuple[np.ndarray, Ints]:
        """im2col: x (N, C, *S) as columns (G, C/G * prod(kernel), N * prod(out)), one copy.

        The batch sits inside the columns so that each product below is one large matrix
        product (BLAS) rather than N small ones.
        """
        c = x.shape[1]
        out = self.out_shape(x.shape[2:])
        win = _windows(_pad(x, self.padding), self.kernel_size, self.stride, self.dilation, out)
        nd = len(out)
        # (N, C, *out, *k) -> (C, *k, N, *out): channel and kernel index a column's rows.
        win = win.transpose(1, *range(2 + nd, 2 + 2 * nd), 0, *range(2, 2 + nd))
        g = self.groups
        return win.reshape(g, c // g * math.prod(self.kernel_size), -1), out


def _per_sample(k: int, positions: int) -> bool:
    """Whether to do one matrix product per sample rather than one for the whole batch.

    Both read the same columns (G, K, N*P). With few rows (a small kernel over few channels,
    K) and many positions P, per-sample products write (N, O, P) directly: no reordering pass
    over the output, and none over the gradient in backward. With many rows the single large
    product is faster, and reordering its (smaller) output costs little.
    """
    return k <= positions


class _Gradient:
    """The output's gradient gy (N, O, *out), viewed the way the products below take it:
    (N, G, O/G, P) for per-sample products, or regrouped once (a copy) to (G, O/G, N*P)."""

    __slots__ = ("a", "per_sample")

    def __init__(self, gy: np.ndarray, g: int, k: int) -> None:
        n, o = gy.shape[:2]
        positions = math.prod(gy.shape[2:])  # (sizes, not -1: an empty batch has no elements)
        self.per_sample = _per_sample(k, positions)
        a = gy.reshape(n, g, o // g, positions)
        self.a = a if self.per_sample else a.transpose(1, 2, 0, 3).reshape(g, o // g, n * positions)

    def bias(self) -> np.ndarray:
        a = self.a
        return a.sum(axis=(0, 3)).reshape(-1) if self.per_sample else a.sum(axis=-1).reshape(-1)


def _per_sample_cols(cols: np.ndarray, n: int, positions: int) -> np.ndarray:
    """The columns (G, K, N*P) as (N, G, K, P): a view, each sample's block a BLAS matrix
    (P given, not -1: an empty batch has no elements to infer it from)."""
    g, k = cols.shape[:2]
    return cols.reshape(g, k, n, positions).transpose(2, 0, 1, 3)


def _conv_forward(
    x: np.ndarray, w: np.ndarray, p: ConvParams, b: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """y (N, O, *out) and the columns it was computed from."""
    cols, out = p.columns(x)
    g, n, o = p.groups, x.shape[0], w.shape[0]
    k, positions = cols.shape[1], math.prod(out)
    w2 = w.reshape(g, o // g, k)
    if _per_sample(k, positions):
        y = np.matmul(w2, _per_sample_cols(cols, n, positions)).reshape(n, o, positions)
        if b is not None:
            if np.result_type(y, b) == y.dtype:
                y += b.reshape(o, 1)
            else:
                y = y + b.reshape(o, 1)
        return y.reshape(n, o, *out), cols
    y = np.matmul(w2, cols)  # (G, O/G, K) @ (G, K, N*P)
    y = y.reshape(o, n, positions).swapaxes(0, 1)  # (N, O, P), a view (also for N = 0)
    dtype = y.dtype if b is None else np.result_type(y, b)
    z = np.empty((n, o, positions), dtype=dtype)
    if b is None:
        z[...] = y
    else:  # the bias is added in the same pass that puts the result in the usual layout
        np.add(y, b.reshape(o, 1), out=z)
    return z.reshape(n, o, *out), cols


def _conv_input_from(
    gy: _Gradient, w: np.ndarray, p: ConvParams, x_shape: Ints, out: Ints
) -> np.ndarray:
    """The transposed convolution: gx (x_shape) with <conv(x, w), gy> = <x, gx>.

    One product gives every window's share (the columns), then one strided add per kernel
    position puts them back (col2im), in the columns' own order.
    """
    g, n, c = p.groups, x_shape[0], x_shape[1]
    w2t = w.reshape(g, w.shape[0] // g, -1).swapaxes(-1, -2)
    padded = tuple(s + a + b for s, (a, b) in zip(x_shape[2:], p.padding))
    if gy.per_sample:  # (G, K, O/G) @ (N, G, O/G, P) -> (N, G, K, P): already (N, C, ...)
        cols = np.matmul(w2t, gy.a).reshape(n, c, *p.kernel_size, *out)
        xp = np.zeros((n, c, *padded), dtype=cols.dtype)
        lead: tuple[Any, ...] = (slice(None), slice(None))
    else:  # (G, K, O/G) @ (G, O/G, N*P) -> (G, K, N*P), in (C, N, ...) order
        cols = np.matmul(w2t, gy.a).reshape(c, *p.kernel_size, n, *out)
        xp = np.zeros((c, n, *padded), dtype=cols.dtype)
        lead = (slice(None),)
    for k, where in _positions(p, out):
        share: tuple[Any, ...] = (*lead, *k)
        xp[where] += cols[share]
    gx = _crop(xp, p.padding)
    return np.ascontiguousarray(gx if gy.per_sample else gx.swapaxes(0, 1))


def _conv_input_forward(gy: np.ndarray, w: np.ndarray, p: ConvParams, x_shape: Ints) -> np.ndarray:
    """The transposed convolution of gy (N, O, *out) with w, of shape x_shape."""
    k = w.size // w.shape[0]
    return _conv_input_from(_Gradient(gy, p.groups, k), w, p, x_shape, gy.shape[2:])


def _conv_weight_forward(cols: np.ndarray, gy: _Gradient, w_shape: Ints) -> np.ndarray:
    """gw (w_shape) = sum over batch and positions of the gradient times the columns."""
    if gy.per_sample:  # (N, G, O/G, P) @ (N, G, P, K), summed over the samples
        n, positions = gy.a.shape[0], gy.a.shape[3]
        per_sample = _per_sample_cols(cols, n, positions)
        gw = np.add.reduce(np.matmul(gy.a, per_sample.swapaxes(-1, -2)), axis=0)
    else:
        gw = np.matmul(gy.a, cols.swapaxes(-1, -2))  # (G, O/G, N*P) @ (G, N*P, K)
    return gw.reshape(w_shape)


def conv(x: Any, w: Any, p: ConvParams) -> Any:
    """Convolution without bias: NumPy on arrays, a recorded op on Tensors."""
    return _conv_forward(x, w, p)[0] if _is_array(x) else TensorMakers.apply(Conv(p), x, w)


def conv_input(gy: Any, w: Any, p: ConvParams, x_shape: Ints) -> Any:
    """The input's gradient of a convolution (its transposed convolution with w)."""
    if _is_array(gy):
        return _conv_input_forward(gy, w, p, x_shape)
    return TensorMakers.apply(ConvInput(p, x_shape), gy, w)


def conv_weight(x: Any, gy: Any, p: ConvParams, w_shape: Ints, cols: Any = None) -> Any:
    """The weight's gradient of a convolution (``cols``: x's columns, if already made)."""
    if _is_array(x):
        cols = p.columns(x)[0] if cols is None else cols
        return _conv_weight_forward(cols, _Gradient(gy, p.groups, cols.shape[1]), w_shape)
    return TensorMakers.apply(ConvWeight(p, w_shape), x, gy)


class _WindowOp(Op):
    """An op over sliding windows, whose hyper-parameters (``params``) read as plain tuples."""

    __slots__ = ("params",)

    params: Any  # ConvParams or PoolParams
    _shown: tuple[str, ...] = ("kernel_size", "stride", "padding", "dilation")

    @property
    def kernel_size(self) -> Ints:
        return self.params.kernel_size

    @property
    def stride(self) -> Ints:
        return self.params.stride

    @property
    def padding(self) -> Pads:
        return self.params.padding

    @property
    def dilation(self) -> Ints:
        return self.params.dilation

    def attributes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._shown}


class _ConvOp(_WindowOp):
    __slots__ = ()

    params: ConvParams
    _shown = (*_WindowOp._shown, "groups")

    @property
    def groups(self) -> int:
        return self.params.groups


class Conv(_ConvOp):
    """y = x * w + b (cross-correlation, PyTorch's conv);  dx = conv_input(grad, w),
    dw = conv_weight(x, grad), db = sum of grad over batch and positions.

    x is (N, C, *S), w is (O, C/groups, *kernel), b is (O,) or absent.
    """

    __slots__ = ("cols",)
    torch_name = "ConvolutionBackward0"

    def __init__(self, params: ConvParams) -> None:
        self.params = params
        self.cols: np.ndarray | None = None

    def shown_edges(self) -> tuple[Any, ...]:
        """PyTorch's (x, w, b), None for no bias; x through a ``ConstantPadNdBackward0`` where
        the padding differs on the two sides (``padding="same"`` with an even kernel), which
        PyTorch pads first and minigrad's op does itself."""
        if getattr(self, "label", None) is not None:
            return super().shown_edges()
        x, w, *b = self.edges
        if x is not None and any(a != z for a, z in self.params.padding):
            x = Shown("ConstantPadNdBackward0", x)
        return (x, w, *(b or [None]))

    def forward(self, x: Any, w: Any, b: Any = None) -> np.ndarray:
        y, cols = _conv_forward(x, w, self.params, b)
        self.cols = cols  # kept for the weight's gradient: the columns are the costly part
        return y

    def backward(self, grad: Any, out: Any, x: Any, w: Any, b: Any = None) -> tuple[Any, ...]:
        p = self.params
        if _is_array(grad) and self.cols is not None:
            # First order: the three gradients share one view (or regrouping) of grad.
            gy = _Gradient(grad, p.groups, self.cols.shape[1])
            gx = gw = gb = None
            if self.needs_grad(0):
                gx = _conv_input_from(gy, w, p, x.shape, grad.shape[2:])
            if self.needs_grad(1):
                gw = _conv_weight_forward(self.cols, gy, w.shape)
            if b is None:
                return gx, gw
            if self.needs_grad(2):
                gb = gy.bias()
            return gx, gw, gb
        gx = conv_input(grad, w, p, x.shape) if self.needs_grad(0) else None
        gw = conv_weight(x, grad, p, w.shape, self.cols) if self.needs_grad(1) else None
        if b is None:
            return gx, gw
        gb = None
        if self.needs_grad(2):
            gb = reshape(sum_keep(grad, (0, *range(2, grad.ndim))), (grad.shape[1],))
        return gx, gw, gb


class ConvInput(_ConvOp):
    """gx = conv_input(gy, w), the transposed convolution;  d/dgy = conv(grad, w),
    d/dw = conv_weight(grad, gy)."""

    __slots__ = ("x_shape",)
    torch_name = "ConvolutionBackward0"  # (conv_transpose: PyTorch's name too)

    def __init__(self, params: ConvParams, x_shape: Ints) -> None:
        self.params, self.x_shape = params, tuple(x_shape)

    def forward(self, gy: Any, w: Any) -> np.ndarray:
        return _conv_input_forward(gy, w, self.params, self.x_shape)

    def backward(self, grad: Any, out: Any, gy: Any, w: Any) -> tuple[Any, ...]:
        p = self.params
        dgy = conv(grad, w, p) if self.needs_grad(0) else None
        dw = conv_weight(grad, gy, p, w.shape) if self.needs_grad(1) else None
        return dgy, dw


class ConvWeight(_ConvOp):
    """gw = conv_weight(x, gy);  d/dx = conv_input(gy, grad), d/dgy = conv(x, grad)."""

    __slots__ = ("w_shape",)

    def __init__(self, params: ConvParams, w_shape: Ints) -> None:
        self.params, self.w_shape = params, tuple(w_shape)

    def forward(self, x: Any, gy: Any) -> np.ndarray:
        cols = self.params.columns(x)[0]
        gyv = _Gradient(gy, self.params.groups, cols.shape[1])
        return _conv_weight_forward(cols, gyv, self.w_shape)

    def backward(self, grad: Any, out: Any, x: Any, gy: Any) -> tuple[Any, ...]:
        p = self.params
        dx = conv_input(gy, grad, p, x.shape) if self.needs_grad(0) else None
        dgy = conv(x, grad, p) if self.needs_grad(1) else None
        return dx, dgy


# ---------------------------------------------------------------------------------------------
# Pooling


class PoolParams:
    """Window hyper-parameters of a pool; ``padding`` includes ceil_mode's extra on the right."""

    __slots__ = ("dilation", "kernel_size", "padding", "stride")

    def __init__(self, kernel: Ints, stride: Ints, padding: Pads, dilation: Ints) -> None:
        self.kernel_size, self.stride, self.padding = kernel, stride, padding
        self.dilation = dilation


def pool_params(
    spatial: Ints, kernel: Ints, stride: Ints, pad: Ints, dilation: Ints, ceil_mode: bool
) -> tuple[PoolParams, Ints]:
    """The pool's windows over ``spatial`` and its output size, as PyTorch computes them.

    With ``ceil_mode`` a last, partial window is kept if it starts inside the input or its left
    padding; the padding on the right grows to cover it.
    """
    out, pads = [], []
    for n, k, s, p, d in zip(spatial, kernel, stride, pad, dilation):
        span = n + 2 * p - d * (k - 1) - 1
        o = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (o - 1) * s >= n + p:
            o -= 1
        extra = max(0, (o - 1) * s + d * (k - 1) + 1 - (n + 2 * p))
        out.append(o)
        pads.append((p, p + extra))
    return PoolParams(kernel, stride, tuple(pads), dilation), tuple(out)


class _PoolOp(_WindowOp):
    __slots__ = ("ceil_mode", "out_shape")

    params: PoolParams
    out_shape: Ints
    ceil_mode: bool
    _shown = (*_WindowOp._shown, "ceil_mode")
    named_as: str  # PyTorch's node name, ``{k}`` standing for the number of pooled dimensions

    def own_name(self) -> str:
        """``MaxPool2DWithIndicesBackward0``, ``AvgPool3DBackward0``...: PyTorch pools one
        dimension as two and squeezes the result (``SqueezeBackward1``)."""
        k = len(self.params.kernel_size)
        return "SqueezeBackward1" if k == 1 else self.named_as.format(k=k)


class MaxPool(_PoolOp):
    """y = max over each window of x;  dx = grad at each window's first maximum.

    The forward takes the running maximum over the kernel positions (kh*kw vectorised steps
    over the whole output; a NaN wins, as in PyTorch). Which position held each maximum is
    worked out only when a gradient is asked for (``masks``).
    """

    __slots__ = ("_masks", "x_shape")
    named_as = "MaxPool{k}DWithIndicesBackward0"

    def __init__(self, params: PoolParams, out_shape: Ints, ceil_mode: bool = False) -> None:
        self.params, self.out_shape, self.ceil_mode = params, out_shape, ceil_mode
        self._masks: list[np.ndarray] | None = None
        self.x_shape: Ints = ()

    def forward(self, x: Any) -> np.ndarray:
        p = self.params
        low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        xp = _pad(x, p.padding, low)
        positions = _positions(p, self.out_shape)
        best = np.array(xp[positions[0][1]])  # a copy of the first position's values
        for _, where in positions[1:]:
            np.maximum(best, xp[where], out=best)
        self.x_shape, self._masks = tuple(x.shape), None
        return best

    def masks(self, x: np.ndarray, out: np.ndarray) -> list[np.ndarray]:
        """Per kernel position, where it holds its window's first maximum (as PyTorch picks)."""
        if self._masks is None:
            p = self.params
            xp = _pad(x, p.padding, -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min)
            nan = x.dtype.kind == "f" and bool(np.isnan(out).any())
            positions = _positions(p, self.out_shape)
            masks: list[np.ndarray] = []
            free = None  # windows whose maximum is not placed yet (None: all of them)
            for i, (_, where) in enumerate(positions):
                if free is not None and i == len(positions) - 1 and not nan:
                    masks.append(free)  # every window has its maximum somewhere
                    break
                v = xp[where]
                hit = v == out
                if nan:
                    hit |= v != v
                if free is None:
                    free = ~hit
                else:
                    hit &= free
                    free ^= hit  # (hit lies inside free)
                masks.append(hit)
            self._masks = masks
        return self._masks

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        self.masks(_data(x), _data(out))
        return (_apply(MaxUnpool(self), grad),)

    def flat_indices(self, x: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Where each maximum sits, as a flat index into its input plane (PyTorch's indices)."""
        p, nd = self.params, len(self.out_shape)
        argk = np.zeros(out.shape, dtype=np.int64)
        for i, hit in enumerate(self.masks(x, out)):
            argk += hit * i
        pos = np.unravel_index(argk, p.kernel_size)
        index = np.zeros(argk.shape, dtype=np.int64)
        for axis in range(nd):
            o = np.arange(self.out_shape[axis]).reshape((-1,) + (1,) * (nd - 1 - axis))
            at = o * p.stride[axis] + pos[axis] * p.dilation[axis] - p.padding[axis][0]
            index = index * self.x_shape[len(self.x_shape) - nd + axis] + at
        return index


def _apply(op: Op, a: Any) -> Any:
    """Run a one-input op: NumPy on an array, a recorded op on a Tensor."""
    return op.forward(a) if _is_array(a) else TensorMakers.apply(op, a)


class MaxUnpool(Op):
    """z = each value of x sent to its window's maximum in MaxPool's input (zeros elsewhere;
    overlapping windows add up);  dz/dx = MaxGather(grad), its adjoint."""

    __slots__ = ("pool",)

    def __init__(self, pool: MaxPool) -> None:
        self.pool = pool

    def forward(self, g: Any) -> np.ndarray:
        pool = self.pool
        p = pool.params
        assert pool._masks is not None, "MaxPool.masks() runs first"
        padded = tuple(s + a + b for s, (a, b) in zip(pool.x_shape[2:], p.padding))
        # Windows that do not overlap are written straight into place, with no temporary;
        # when they also tile the input exactly, every cell is written and none need zeroing.
        apart = all(s >= d * (k - 1) + 1 for s, k, d in zip(p.stride, p.kernel_size, p.dilation))
        tiled = apart and all(
            s == k and n == o * s
            for s, k, n, o in zip(p.stride, p.kernel_size, padded, pool.out_shape)
        )
        xp = (np.empty if tiled else np.zeros)((*g.shape[:2], *padded), dtype=g.dtype)
        for hit, (_, where) in zip(pool._masks, _positions(p, pool.out_shape)):
            if apart:
                np.multiply(g, hit, out=xp[where])
            else:
                xp[where] += g * hit
        return np.ascontiguousarray(_crop(xp, p.padding))

    def backward(self, grad: Any, out: Any, g: Any) -> tuple[Any, ...]:
        return (_apply(MaxGather(self.pool), grad),)


class MaxGather(Op):
    """z = x at each window's maximum (MaxUnpool's adjoint);  dz/dx = MaxUnpool(grad)."""

    __slots__ = ("pool",)

    def __init__(self, pool: MaxPool) -> None:
        self.pool = pool

    def forward(self, h: Any) -> np.ndarray:
        pool = self.pool
        assert pool._masks is not None, "MaxPool.masks() runs first"
        hp = _pad(h, pool.params.padding)
        z = np.zeros((*h.shape[:2], *pool.out_shape), dtype=h.dtype)
        for hit, (_, where) in zip(pool._masks, _positions(pool.params, pool.out_shape)):
            np.copyto(z, hp[where], where=hit)
        return z

    def backward(self, grad: Any, out: Any, h: Any) -> tuple[Any, ...]:
        return (_apply(MaxUnpool(self.pool), grad),)


class AdaptiveMaxPool(GetItem):
    """z = x[index], index the maximum of each adaptive window (found in NumPy by the
    caller);  dz/dx places grad back at index, as GetItem (second order likewise).

    A class of its own so the node has PyTorch's name and the ONNX exporter can tell this
    value-dependent index from a frozen one: it writes the windows' maxima, per axis.
    ``size`` is the output's spatial size.
    """

    __slots__ = ("size",)

    def __init__(self, index: Any, size: Ints) -> None:
        super().__init__(index)
        self.size = size

    def own_name(self) -> str:
        """PyTorch pools one dimension as two and squeezes the result, as ``_PoolOp``."""
        k = len(self.size)
        return "SqueezeBackward1" if k == 1 else f"AdaptiveMaxPool{k}DBackward0"


class AvgPool(_PoolOp):
    """y = sum of each window of x / divisor (int64: truncated toward zero, as PyTorch);
    dx = AvgPoolAdjoint(grad) (spread it back)."""

    __slots__ = ("count_include_pad", "divisor", "divisor_override", "x_shape")
    named_as = "AvgPool{k}DBackward0"

    def __init__(
        self,
        params: PoolParams,
        out_shape: Ints,
        x_shape: Ints,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        self.params, self.out_shape, self.ceil_mode = params, out_shape, ceil_mode
        self.x_shape, self.count_include_pad = tuple(x_shape), count_include_pad
        self.divisor_override = divisor_override
        self.divisor = _divisor(params, out_shape, self.x_shape[2:], count_include_pad)
        if divisor_override:
            self.divisor = np.full(out_shape, float(divisor_override))

    def attributes(self) -> dict[str, Any]:
        extra = {"count_include_pad": self.count_include_pad}
        return {**super().attributes(), **extra, "divisor_override": self.divisor_override}

    def forward(self, x: Any) -> np.ndarray:
        xp = _pad(x, self.params.padding)
        positions = _positions(self.params, self.out_shape)
        total = np.array(xp[positions[0][1]])
        for _, where in positions[1:]:
            total += xp[where]
        if total.dtype.kind in "iu":  # PyTorch's int64 kernel: C's division, toward zero
            q = np.abs(total) // self.divisor.astype(total.dtype)
            return np.where(total < 0, -q, q)
        total /= self.divisor.astype(total.dtype, copy=False)
        return total

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (_apply(AvgPoolAdjoint(self), grad),)


class AvgPoolAdjoint(Op):
    """z = each value / divisor spread over its window (AvgPool's adjoint);  dz/dx = AvgPool."""

    __slots__ = ("pool",)

    def __init__(self, pool: AvgPool) -> None:
        self.pool = pool

    def forward(self, g: Any) -> np.ndarray:
        pool = self.pool
        scaled = g / pool.divisor.astype(g.dtype, copy=False)
        padded = tuple(s + a + b for s, (a, b) in zip(pool.x_shape[2:], pool.padding))
        xp = np.zeros((*g.shape[:2], *padded), dtype=scaled.dtype)
        for _, where in _positions(pool.params, pool.out_shape):
            xp[where] += scaled
        return np.ascontiguousarray(_crop(xp, pool.padding))

    def backward(self, grad: Any, out: Any, g: Any) -> tuple[Any, ...]:
        op = self.pool
        fresh = AvgPool(
            op.params,
            op.out_shape,
            op.x_shape,
            op.ceil_mode,
            op.count_include_pad,
            op.divisor_override,
        )
        return (_apply(fresh, grad),)


def _divisor(p: PoolParams, out: Ints, spatial: Ints, include_pad: bool) -> np.ndarray:
    """How many elements each window averages over, PyTorch's way (a product over axes).

    A window counts the padding it covers (``count_include_pad``) but never ceil_mode's extra
    cells past it; without ``count_include_pad`` only real input elements count.
    """
    total = np.ones(out)
    nd = len(out)
    for axis, (n, k, s, d, (pad, _)) in enumerate(
        zip(spatial, p.kernel_size, p.stride, p.dilation, p.padding)
    ):
        start = np.arange(out[axis]) * s - pad
        end = np.minimum(start + d * (k - 1) + 1, n + (pad if include_pad else 0))
        begin = start if include_pad else np.maximum(start, 0)
        count = end - begin
        total = total * count.reshape((-1,) + (1,) * (nd - 1 - axis))
    return total


# ---------------------------------------------------------------------------------------------
# Padding


class Pad(Op):
    """z = x with ``value`` added around it (``padding``: (before, after) per axis);
    dz/dx = grad without the padding."""

    __slots__ = ("padding", "value")
    torch_name = "ConstantPadNdBackward0"

    def __init__(self, padding: Pads, value: float = 0.0) -> None:
        self.padding, self.value = padding, value

    def forward(self, x: Any) -> np.ndarray:
        return np.pad(x, self.padding, constant_values=self.value)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        index = tuple(slice(a, a + n) for (a, _), n in zip(self.padding, x.shape))
        return (grad[index] if _is_array(grad) else TensorMakers.apply(GetItem(index), grad),)
