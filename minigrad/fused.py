"""Fused ops: one graph node where composing primitives would record several.

Each op here could be written with the primitives of ``ops.py``; it is one op instead for
speed (``Linear``: one node instead of transpose, matmul and add), for numerical stability
(``LogSoftmax``, ``LogSumExp``, ``Softplus``: no overflow where the composition overflows), or
so that the graph says what was computed (``Hardtanh``, ``Hardsigmoid``, ``Hardswish``,
``Threshold``, ``Hardshrink``, ``Softshrink``: a composition takes its masks from the values
outside the graph, where ONNX export cannot see them; one op exports as ONNX's own).
Read ``ops.py`` first: the rules here use its helpers and follow the same pattern.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .engine import Op, TensorMakers
from .node_surface import Shown, labelled
from .ops import (
    Axis,
    _data,
    _is_array,
    _keepdims_shape,
    broadcast_to,
    exp,
    log,
    reshape,
    scatter,
    sigmoid,
    sum_keep,
    swap_last,
    where,
)
from .quiet import _ieee


def _max_keep(x: np.ndarray, axis: Axis) -> np.ndarray:
    """The maximum over ``axis``, kept as a length-1 axis: the shift of a stable softmax.

    NumPy reduces a short last axis one row at a time (64 rows of 10 classes: 4 us; 4,096
    rows: 180 us). Many short rows are reduced instead on a contiguous copy of the transpose,
    one elementwise maximum over all the rows per class (2 us; 21 us). A maximum is exact, so
    both give the same values (and the same NaN where a row holds one).
    """
    if not x.size:  # nothing has no maximum: shift by 0 (their sum), the answer is empty anyway
        return np.add.reduce(x, axis=axis, keepdims=True)
    if x.ndim == 2 and axis in (1, -1) and x.shape[1] <= 32 and x.shape[0] >= 32:
        return np.maximum.reduce(np.ascontiguousarray(x.T), axis=0)[:, None]
    return np.maximum.reduce(x, axis=axis, keepdims=True)


class Softplus(Op):
    """z = log(1 + exp(x)), exact for any x (``logaddexp``);  dz/dx = sigmoid(x).

    A primitive because the composition ``log(1 + exp(x))`` overflows for large x and loses
    every digit for very negative x, where softplus(x) ~ exp(x).
    """

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():  # nan in, nan out, as PyTorch, without NumPy's warning
            return np.logaddexp(0, x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * sigmoid(x),)


class Erf(Op):
    """z = erf(x) = 2/sqrt(pi) int_0^x exp(-t^2) dt;  dz/dx = 2/sqrt(pi) exp(-x^2).

    NumPy has no erf: the forward maps the C library's ``math.erf`` over the elements (exact,
    about 0.1 us per element; GELU's exact form is its only user).
    """

    __slots__ = ()
    computes_in_floats = True

    def forward(self, x: Any) -> np.ndarray:
        out = np.frompyfunc(math.erf, 1, 1)(x)
        return np.asarray(out, dtype=x.dtype)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * (_TWO_OVER_SQRT_PI * exp(-(x * x))),)


_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


# ---------------------------------------------------------------------------------------------
# The piecewise activations. Each takes its mask from its input inside the op, with PyTorch's
# comparisons (so nan goes where PyTorch sends it), and its rule multiplies by that constant
# mask, so second order is recorded as for any rule. Finite values and gradients are the bits
# the compositions they replace computed.


class Hardtanh(Op):
    """z = min(max(x, low), high);  dz/dx = 1 strictly inside (low, high), else 0.

    PyTorch's derivative is 0 at the bounds, where ``Clip``'s (clamp's) is 1: so its own op.
    """

    __slots__ = ("high", "low")

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def forward(self, x: Any) -> np.ndarray:
        return np.clip(x, self.low, self.high)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        xd = _data(x)
        return (grad * ((xd > self.low) & (xd < self.high)),)


class Hardsigmoid(Op):
    """z = (x + 3) / 6 clamped to [0, 1];  dz/dx = 1/6 strictly inside (-3, 3), else 0."""

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        return np.clip((x + 3) / 6, 0, 1)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        xd = _data(x)
        return (grad * ((xd > -3) & (xd < 3)) / 6,)


class Hardswish(Op):
    """z = x (x + 3) / 6 on (-3, 3), x from 3 on, x * 0 up to -3;  dz/dx = (2x + 3) / 6 on
    (-3, 3), 1 from 3 on (and at nan), 0 up to -3: PyTorch's values, nan and inf included.

    The middle piece is computed on x clamped to [-3, 3] (``fmax``/``fmin``, which also take
    nan to -3), finite everywhere, so the pieces are chosen by multiplying with masks: a
    ``where`` costs several times as much on a random mask.
    """

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        xc = np.fmin(np.fmax(x, -3), 3)
        middle = xc * (xc + 3)
        middle /= 6
        with _ieee():  # (x * 0 is nan at -inf, as PyTorch's x * relu6(x + 3) / 6)
            return middle * ((x > -3) & (x < 3)) + x * ~(x < 3)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        xd = _data(x)
        inside, above = (xd > -3) & (xd < 3), ~(xd < 3)
        g = grad / 6  # (g (x + 3) + g x: the product rule of x * (x + 3) / 6, as recorded)
        if _is_array(x):
            xc = np.fmin(np.fmax(x, -3), 3)
            return ((g * (xc + 3) + g * xc) * inside + grad * above,)
        return (where(inside, g * (x + 3) + g * x, grad * above),)


class Threshold(Op):
    """z = value where x <= threshold, else x;  dz/dx = 0 where x <= threshold, else 1."""

    __slots__ = ("threshold", "value")

    def __init__(self, threshold: float, value: float) -> None:
        self.threshold, self.value = threshold, value

    def forward(self, x: Any) -> np.ndarray:
        return np.where(x <= self.threshold, np.asarray(self.value, x.dtype), x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * ~(_data(x) <= self.threshold),)


class _Shrink(Op):
    """The two shrinks' attribute and rule: dz/dx = 1 where x > lambd or x < -lambd, else 0."""

    __slots__ = ("lambd",)

    def __init__(self, lambd: float) -> None:
        self.lambd = lambd

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        xd = _data(x)
        return (grad * ((xd > self.lambd) | (xd < -self.lambd)),)


class Hardshrink(_Shrink):
    """z = x * 0 on [-lambd, lambd], else x;  dz/dx = 1 where x > lambd or x < -lambd, else 0."""

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        return x * ~((x >= -self.lambd) & (x <= self.lambd))


class Softshrink(_Shrink):
    """z = x - clip(x, -lambd, lambd): x - lambd above lambd, x + lambd below -lambd, else 0;
    dz/dx = 1 where x > lambd or x < -lambd, else 0."""

    __slots__ = ()

    def forward(self, x: Any) -> np.ndarray:
        return x - np.clip(x, -self.lambd, self.lambd)


class LogSumExp(Op):
    """z = log sum exp(x) over axis, shifted by the max;  dz/dx = softmax(x)."""

    __slots__ = ("axis", "keepdims")
    computes_in_floats = True
    torch_name = "LogsumexpBackward0"

    def __init__(self, axis: Axis = None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x: Any) -> np.ndarray:
        return _logsumexp(x, self.axis, self.keepdims)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        kshape = _keepdims_shape(x.shape, self.axis)
        return (reshape(grad, kshape) * exp(x - reshape(out, kshape)),)


def _logsumexp(x: np.ndarray, axis: Axis, keepdims: bool) -> np.ndarray:
    if x.size == 0:  # log of an empty sum: -inf, as in PyTorch
        with _ieee():
            return np.log(np.exp(x).sum(axis=axis, keepdims=keepdims))
    m = _max_keep(x, axis)
    m = np.where(np.isfinite(m), m, 0)  # all -inf (or inf) rows: shift by 0, not by inf
    with _ieee():  # (log 0 = -inf for an all -inf row, as PyTorch, without NumPy's warning)
        out = np.log(np.exp(x - m).sum(axis=axis, keepdims=True)) + m
    return out if keepdims else out.squeeze(axis=axis)


class LogSoftmax(Op):
    """z = x - logsumexp(x) over axis;  dx = grad - softmax(x) * sum(grad)."""

    __slots__ = ("axis",)
    computes_in_floats = True

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, x: Any) -> np.ndarray:
        # (the ufuncs' reductions: ndarray.max and .sum add a Python-level wrapper each)
        with _ieee():  # a row of -inf (or with +inf) is nan, as PyTorch, without the warning
            shifted = x - _max_keep(x, self.axis)
            return shifted - np.log(np.add.reduce(np.exp(shifted), axis=self.axis, keepdims=True))

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad - exp(out) * sum_keep(grad, self.axis),)


class Softmax(Op):
    """z = exp(x) / sum exp(x) over axis;  dx = z * (grad - sum(grad * z))."""

    __slots__ = ("axis",)
    computes_in_floats = True

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():  # a row of -inf (or with +inf) is nan, as PyTorch, without the warning
            e = np.exp(x - _max_keep(x, self.axis))
            return e / e.sum(axis=self.axis, keepdims=True)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (out * (grad - sum_keep(grad * out, self.axis)),)


def linear_labelled(out: Any, x: Any) -> Any:
    """``out``, ``Linear`` of an input ``x`` that is no matrix, named and shown as PyTorch's
    ``linear`` records it: one sample (1-D) or a batch of any rank is made one matrix, so the
    product's node is under a ``ViewBackward0`` (``UnsafeViewBackward0`` without a bias;
    ``SqueezeBackward4`` for one sample) and sees x through a view (or an unsqueeze)."""
    node = out.grad_fn
    if node is None or x._data.ndim == 2:
        return out
    ex, ew, *eb = node.edges
    t = None if ew is None else Shown("TBackward0", ew)
    if eb or x._data.ndim != 1:
        ex = None if ex is None else Shown("ViewBackward0", ex)
        name = "ViewBackward0" if eb else "UnsafeViewBackward0"
        return labelled(out, name, edges=(Shown(node.own_name(), *eb, ex, t),))
    ex = None if ex is None else Shown("UnsqueezeBackward0", ex)
    return labelled(out, "SqueezeBackward4", edges=(Shown("MmBackward0", ex, t),))


class NLLLoss(Op):
    """z = -mean_i x[i, t_i] (or sum, or per sample);  dz/dx = -1/n at (i, t_i), else 0.

    The negative log-likelihood of integer targets ``t`` given log-probabilities ``x`` of shape
    (N, C): PyTorch's ``nll_loss``, one op instead of indexing, mean and negation.
    """

    __slots__ = ("reduction", "target")
    torch_name = "NllLossBackward0"

    def __init__(self, target: np.ndarray, reduction: str = "mean") -> None:
        self.target, self.reduction = target, reduction

    def forward(self, x: Any) -> np.ndarray:
        return _reduced(-x[np.arange(len(self.target)), self.target], self.reduction)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        n = len(self.target)
        if self.reduction == "mean":
            grad = grad / n
        if _is_array(grad):  # one target per row: no position repeats, so assign (no add.at)
            gx = np.zeros(x.shape, dtype=np.asarray(grad).dtype)
            gx[np.arange(n), self.target] = -grad  # (a reduced loss's grad broadcasts)
            return (gx,)
        if self.reduction != "none":
            grad = broadcast_to(grad, (n,))
        return (scatter(-grad, (np.arange(n), self.target), x.shape),)


def _reduced(losses: np.ndarray, reduction: str) -> np.ndarray:
    """The losses themselves, their sum or their mean (NLLLoss, CrossEntropyLoss, MSELoss)."""
    if reduction == "none":
        return losses
    total = np.add.reduce(losses, axis=None)
    if reduction != "mean":
        return total
    if losses.size:
        return total / losses.size
    with _ieee():  # the mean of nothing is 0 / 0 = nan, as in PyTorch
        return total / 0


class CrossEntropyLoss(NLLLoss):
    """z = -mean_i log softmax(x)[i, t_i];  dz/dx = (softmax(x) - onehot(t)) grad / n.

    (Or the sum, or one loss per sample, as NLLLoss; n is N for the mean, else 1.)

    PyTorch's ``cross_entropy`` of (N, C) logits ``x`` and integer labels ``t`` (no weight, no
    label smoothing, no ignored label): one op instead of LogSoftmax and NLLLoss, on every
    classification step. The forward keeps the softmax, so a first-order backward is the
    hand-written one, softmax - onehot scaled; under create_graph the softmax is recomputed
    from x as recorded ops. An NLLLoss whose input is the logits: it holds its labels the
    same way (``target``) and PyTorch names its node the same (``NllLossBackward0``).
    """

    __slots__ = ("prob",)
    torch_name = "NllLossBackward0"

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():  # (as LogSoftmax's forward: a row of -inf, or with +inf, gives nan)
            shifted = x - _max_keep(x, 1)
            e = np.exp(shifted)
            s = np.add.reduce(e, axis=1, keepdims=True)
            # log s - shifted[i, t_i] is -logp[i, t_i] to the bit (a - b == -(b - a) in IEEE)
            losses = np.log(s[:, 0]) - shifted[np.arange(len(self.target)), self.target]
            e /= s  # in place on the fresh exponentials: the softmax, kept for backward
        self.prob = e
        return _reduced(losses, self.reduction)

    def shown_edges(self) -> tuple[Any, ...]:
        """PyTorch's ``nll_loss(log_softmax(x))``: x through a ``LogSoftmaxBackward0``."""
        (e,) = self.edges
        return (None if e is None else Shown("LogSoftmaxBackward0", e),)

    def attributes(self) -> dict[str, Any]:
        """NLLLoss's (reduction, labels): the softmax kept for backward is state, not one."""
        return {k: v for k, v in super().attributes().items() if k != "prob"}

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        n = len(self.target)
        g = grad / n if self.reduction == "mean" else grad  # 0-d, or (n,) for "none"
        rows = g if self.reduction != "none" else reshape(g, (n, 1))  # one scale per row
        at = (np.arange(n), self.target)
        if _is_array(x):
            gx = self.prob * rows  # fresh, so the onehot is subtracted in place: no (N, C) array
            np.subtract.at(gx, at, g)  # (gx[at] -= g, one call instead of three)
            return (gx,)
        # under create_graph: the softmax recomputed as recorded ops, differentiable again
        prob = exp(TensorMakers.apply(LogSoftmax(1), x))
        picked = g if self.reduction == "none" else broadcast_to(g, (n,))
        return (prob * rows - scatter(picked, at, x.shape),)


class Normalize(Op):
    """z = xhat * w + b, xhat = (x - mean) / sqrt(var + eps), mean and biased var over ``axes``.

    Batch norm (axes: batch and spatial) and layer norm (axes: the trailing ones) in one op;
    w and b (optional) have ``param_shape`` and broadcast as ``wshape``.
    dx = inv * (g - mean(g) - xhat * mean(g * xhat)) with g = grad * w, inv = 1/sqrt(var + eps);
    dw = sum(grad * xhat), db = sum(grad) over ``waxes``. A primitive because the composition
    is nine ops on every training step. The forward keeps mean, var, inv and xhat: batch norm
    reads the batch statistics from it, and a first-order backward reuses them (a backward
    under ``create_graph`` recomputes them from x as recorded ops).
    """

    __slots__ = ("axes", "eps", "inv", "mean", "n", "var", "waxes", "wshape", "xhat")

    def __init__(
        self, axes: tuple[int, ...], eps: float, waxes: tuple[int, ...], wshape: tuple[int, ...]
    ) -> None:
        self.axes, self.eps, self.waxes, self.wshape = axes, eps, waxes, wshape

    def attributes(self) -> dict[str, Any]:
        """The hyper-parameters: the statistics kept for backward are state, not attributes
        (they change with every batch; the compiler and the ONNX export must not freeze them)."""
        return {"axes": self.axes, "eps": self.eps, "waxes": self.waxes, "wshape": self.wshape}

    def own_name(self) -> str:  # (batch norm's statistics axes are its weight's reduction axes)
        return "NativeBatchNormBackward0" if self.axes == self.waxes else "NativeLayerNormBackward0"

    def forward(self, x: Any, w: Any = None, b: Any = None) -> np.ndarray:
        n = 1
        for a in self.axes:
            n *= x.shape[a]
        self.n = n
        # (np.add.reduce, not .sum(): NumPy would name its own wrapper for an overflow, quiet.py)
        self.mean = np.add.reduce(x, axis=self.axes, keepdims=True) / n
        xhat = x - self.mean
        self.var = np.add.reduce(xhat * xhat, axis=self.axes, keepdims=True) / n
        self.inv = 1 / np.sqrt(self.var + self.eps)
        xhat *= self.inv  # in place on the fresh difference
        self.xhat = xhat
        out = xhat * w.reshape(self.wshape) if w is not None else xhat.copy()
        if b is not None:
            out += b.reshape(self.wshape)
        return out

    def backward(
        self, grad: Any, out: Any, x: Any, w: Any = None, b: Any = None
    ) -> tuple[Any, ...]:
        axes, n = self.axes, self.n
        if _is_array(x):
            xhat, inv = self.xhat, self.inv
        else:  # under create_graph: recompute, recorded, so the rule is differentiable again
            centred = x - sum_keep(x, axes) / n
            inv = (sum_keep(centred * centred, axes) / n + self.eps) ** -0.5
            xhat = centred * inv
        g = grad * reshape(w, self.wshape) if w is not None else grad
        gx = None
        if self.needs_grad(0):
            gx = inv * (g - sum_keep(g, axes) / n - xhat * (sum_keep(g * xhat, axes) / n))
        grads = [gx]
        if w is not None:
            gw = reshape(sum_keep(grad * xhat, self.waxes), w.shape) if self.needs_grad(1) else None
            grads.append(gw)
        if b is not None:
            gb = (
                reshape(sum_keep(grad, self.waxes), b.shape)
                if self.needs_grad(len(grads))
                else None
            )
            grads.append(gb)
        return tuple(grads)


class BinaryCrossEntropy(Op):
    """z = -(y max(log p, -100) + (1 - y) max(log(1 - p), -100)) per element;
    dz/dp = (p - y) / max(p (1 - p), 1e-12), dz/dy = log(1 - p) - log p.

    PyTorch's ``binary_cross_entropy`` and its derivatives. One op because the derivative of
    the clamped logs is not PyTorch's: a saturated sigmoid's probability (p (1 - p) under
    1e-12, or exactly 0 or 1) gets (p - y) * 1e12 from PyTorch, where the composition gave 1/p,
    or 0 where a log is clamped; training a VAE through such outputs then took other steps.
    """

    __slots__ = ()

    def forward(self, p: Any, y: Any) -> np.ndarray:
        with _ieee():  # log 0 = -inf, then clamped: no NumPy warning
            log_p = np.maximum(np.log(p), _BCE_LOG_CLAMP)
            log_q = np.maximum(np.log(1 - p), _BCE_LOG_CLAMP)
        return -(y * log_p + (1 - y) * log_q)

    def backward(self, grad: Any, out: Any, p: Any, y: Any) -> tuple[Any, ...]:
        wanted = self.edges  # (needs_grad(i), read once)
        gp = gy = None
        if wanted[0] is not None:
            var = p * (1 - p)
            gp = grad * (p - y) / where(_data(var) >= _BCE_EPS, var, _BCE_EPS)
        if wanted[1] is not None:
            gy = grad * (log(1 - p) - log(p))  # unclamped, as PyTorch's: inf at 0 and 1
        return gp, gy


_BCE_LOG_CLAMP = -100.0
_BCE_EPS = float(np.float32(1e-12))  # PyTorch's bound is a C float: 9.99999996e-13


class MSELoss(Op):
    """z = mean (x - y)^2 (or sum, or per element);  dz/dx = 2 (x - y) grad / n, dz/dy = -dz/dx.

    PyTorch's ``mse_loss`` (without weights), one op instead of subtraction, square and mean:
    every regression step records it. ``n`` is the number of elements for "mean", else 1.
    """

    __slots__ = ("diff", "reduction")
    torch_name = "MseLossBackward0"

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = reduction

    def forward(self, x: Any, y: Any) -> np.ndarray:
        d = x - y
        self.diff = d  # kept: a first-order backward then needs no subtraction of its own
        return _reduced(d * d, self.reduction)

    def attributes(self) -> dict[str, Any]:
        """The reduction: the difference kept for backward is state, not an attribute."""
        return {"reduction": self.reduction}

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        d = self.diff if _is_array(x) else x - y  # (recorded under create_graph)
        if self.reduction == "mean":
            g = d * (grad * (2 / max(self.diff.size, 1)))  # (diff: an array, either way)
        else:
            g = d * (grad + grad)
        wanted = self.edges  # (needs_grad(i), read once)
        return (g if wanted[0] is not None else None), (-g if wanted[1] is not None else None)


class Linear(Op):
    """z = x @ w^T + b (PyTorch's linear);  dx = grad @ w, dw = grad^T @ x, db = sum(grad).

    One op instead of transpose, matmul and add: fewer nodes on every training step.
    ``nn.Linear`` keeps w Fortran-ordered (shape (out, in), memory as an (in, out) C array),
    so ``w^T`` is a C-ordered matrix and ``x @ w^T`` is BLAS's plain product; dw is computed
    as the transpose of the C-ordered ``x^T @ grad``, which comes out in w's own layout (the
    optimizer's elementwise updates then walk both arrays in the same order) and is faster
    than ``grad^T @ x``. Any layout of w gives the same values.
    """

    __slots__ = ()
    torch_name = "AddmmBackward0"

    def forward(self, x: Any, w: Any, b: Any = None) -> np.ndarray:
        out = x @ w.T
        if b is not None:
            out += b  # in place on the fresh product
        return out

    def own_name(self) -> str:  # (PyTorch's linear without a bias is a plain product)
        return "AddmmBackward0" if len(self.edges) == 3 else "MmBackward0"

    def shown_edges(self) -> tuple[Any, ...]:
        """PyTorch's ``addmm(b, x, w.t())`` (``mm(x, w.t())``): the bias first, and the
        weight through a ``TBackward0``, which this op does without (it reads w itself)."""
        label = getattr(self, "label", None)  # (an input of another rank: see functional)
        if label is not None:
            return super().shown_edges()
        x, w, *b = self.edges
        return (*b, x, None if w is None else Shown("TBackward0", w))

    def backward(self, grad: Any, out: Any, x: Any, w: Any, b: Any = None) -> tuple[Any, ...]:
        wanted = self.edges  # (needs_grad(i), read once: this rule runs on every step)
        gx = grad @ w if wanted[0] is not None else None
        gw = None
        if wanted[1] is not None:
            if x.ndim != 2:  # (in,) or (..., in): treat every leading index as a sample
                grad = reshape(grad, (-1, w.shape[0]))
                x = reshape(x, (-1, w.shape[1]))
            gw = _weight_grad(grad, x)
        return (gx, gw) if b is None else (gx, gw, grad)


def _weight_grad(grad: Any, x: Any) -> Any:
    """dw = grad^T @ x for 2-D grad and x, computed as (x^T @ grad)^T.

    On arrays the product is written into the C-ordered transpose of a fresh Fortran-ordered
    array, which is returned: a fresh array, not a view, so the engine hands it to ``.grad``
    without copying it. On Tensors (under create_graph) the same, as recorded ops.
    """
    if _is_array(x) and _is_array(grad):
        dtype = x.dtype if x.dtype is grad.dtype else np.result_type(x, grad)  # (the usual case)
        gw = np.empty((grad.shape[1], x.shape[1]), dtype, order="F")
        np.matmul(x.T, grad, out=gw.T)
        return gw
    return swap_last(swap_last(x) @ grad)
