"""The less common losses of ``torch.nn.functional``: divergences, likelihoods, margins, triplets.

Each is a composition of Tensor ops (differentiable twice for free), follows PyTorch's formula
(so values, gradients and kinks agree) and checks its arguments first, raising PyTorch's
exception with PyTorch's words, then minigrad's help.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import fused
from ..dtypes import default_float, not_implemented_words, torch_name
from ..functions import minimum, where
from ..linalg_functions import pairwise_distance
from ..tensor import Tensor, apply, as_tensor
from ..validation import _cast_refusal, _check_broadcasts
from ._reduction import _check_reduction, _legacy, _reduce, _reduction, renamed_mean

__all__ = [
    "cosine_embedding_loss",
    "gaussian_nll_loss",
    "hinge_embedding_loss",
    "kl_div",
    "margin_ranking_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "poisson_nll_loss",
    "soft_margin_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]

_KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release."
)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_COSINE_EPS = 1e-12  # (PyTorch's EPSILON in cosine_embedding_loss)


def _softplus(x: Tensor) -> Tensor:
    """log(1 + e^x), exact for any x: one op (NumPy's logaddexp(0, x))."""
    return apply(fused.Softplus(), x)


def _shaped(*shapes: tuple[int, ...]) -> np.ndarray:
    """A stand-in array of the shapes' broadcast shape, for ``_check_broadcasts``."""
    return np.broadcast_to(np.float32(0), np.broadcast_shapes(*shapes))


def _float_only(x: Tensor, fn: str, message: str, error: type[Exception]) -> None:
    """PyTorch's error (``message``) for an integer or bool input where it wants floats."""
    if x._data.dtype.kind not in "fc":
        raise error(
            f"{message} ({fn}(): the input has dtype {torch_name(x._data.dtype)}; it must be "
            "floating point: convert it with .float())"
        )


def _check_long(target: Tensor, fn: str) -> None:
    """PyTorch's error for class indices that are not int64 (int32 and uint8 too, as PyTorch's
    margin kernels)."""
    if target._data.dtype != np.int64:
        raise RuntimeError(
            f"expected scalar type Long but found {torch_name(target._data.dtype).capitalize()} "
            f"({fn}(): the target holds class indices: an int64 tensor, e.g. y.long())"
        )


def _size(shape: tuple[int, ...]) -> str:
    return str(list(shape))


def _check_margin_input(x: Tensor, fn: str) -> tuple[int, int]:
    """(number of samples, number of classes) of (N, C), (C,) or 0-d scores, as PyTorch's
    margin kernels check them."""
    shape = x._data.shape
    if not ((len(shape) == 2 and shape[1]) or (len(shape) == 1 and shape[0]) or not shape):
        raise RuntimeError(
            f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
            f"{_size(shape)} ({fn}(): the input must be (N, C) or (C,) scores with C > 0)"
        )
    if len(shape) <= 1:
        return 1, shape[0] if shape else 1
    return shape[0], shape[1]


# ---------------------------------------------------------------------------------------------
# Divergence and likelihoods


def kl_div(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """The Kullback-Leibler divergence of ``target`` from the distribution whose log-probabilities
    are ``input``: target * (log target - input), elementwise.

    PyTorch's formula: ``xlogy(target, target) - target * input`` (0 where the target is 0), or
    with ``log_target=True`` (target given as log-probabilities, better for peaked ones)
    ``exp(target) * (target - input)``.

    Args:
        input: log-probabilities (e.g. a ``log_softmax``), any shape.
        target: probabilities (or log-probabilities), broadcast against the input.
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean" (over all elements, with PyTorch's warning: not the divergence),
            "batchmean" (the sum divided by the batch size ``input.size(0)``: the divergence
            per sample), "sum" or "none".
        log_target: whether ``target`` holds log-probabilities.

    Raises:
        RuntimeError: on integer inputs, or shapes that do not broadcast.
        ValueError: on an unknown reduction.
    """
    fn = "kl_div"
    if size_average is not None or reduce is not None:
        reduced_as = _legacy(size_average, reduce, fn)
    else:
        if reduction == "mean":
            warnings.warn(_KL_MEAN_WARNING, UserWarning, stacklevel=2)
        reduction = renamed_mean(reduction)
        _check_reduction(reduction, fn, choices=("mean", "batchmean", "sum", "none"))
        reduced_as = "sum" if reduction == "batchmean" else reduction
    x, t = as_tensor(input), as_tensor(target)
    for v in (x, t):
        _float_only(v, fn, "kl_div: Integral inputs not supported.", RuntimeError)
    _check_broadcasts(fn, t, x)
    loss = (t.exp() * (t - x)) if log_target else (t.xlogy(t) - t * x)
    out = _reduce(loss, reduced_as)
    if reduction == "batchmean" and x.ndim != 0:  # (also after the legacy flags, as PyTorch)
        out = out / x.shape[0]
    return out


def poisson_nll_loss(
    input: Tensor,
    target: Any,
    log_input: bool = True,
    full: bool = False,
    size_average: bool | None = None,
    eps: float = 1e-8,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of counts ``target`` under Poisson(rate), up to log(target!).

    With ``log_input`` (the default) the input is log(rate): exp(input) - target * input;
    otherwise it is the rate: input - target * log(input + eps). ``full`` adds Stirling's
    approximation of log(target!), target log target - target + 0.5 log(2 pi target), where
    target > 1 (0 elsewhere, as PyTorch).

    Args:
        input: log-rates (or rates with ``log_input=False``).
        target: counts, broadcast against the input.
        log_input: whether the input is the log of the rate.
        full: whether to add the Stirling term.
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        eps: added to the rate before its log (``log_input=False``).
        reduction: "mean", "sum" or "none".

    Raises:
        RuntimeError: on shapes that do not broadcast. ValueError: on an unknown reduction.
    """
    fn = "poisson_nll_loss"
    reduction = _reduction(size_average, reduce, reduction, fn, old_mean=False)  # (as PyTorch)
    x, t = as_tensor(input), as_tensor(target)
    _check_broadcasts(fn, t, x)
    loss = (x.exp() - t * x) if log_input else (x - t * (x + eps).log())
    if full:
        # log(t) only where t > 1: no log(0) (nor its NaN gradient) where the term is masked.
        big = t._data > 1
        safe = where(big, t, 2.0)
        stirling = safe.xlogy(safe) - safe + 0.5 * (safe * (2 * math.pi)).log()
        loss = loss + where(big, stirling, 0.0)
    return _reduce(loss, reduction)


def _gaussian_var(var: Any, x: Tensor, fn: str) -> Tensor:
    """``var`` checked (no negative entry) and shaped to broadcast against the input, by
    PyTorch's rules: the input's shape, or one dimension short of it (a variance per row), or
    the input's rank with exactly one dimension of size 1 where the input's differs."""
    help_ = "gaussian_nll_loss(): the variances must be >= 0"
    if isinstance(var, bool | int | float):
        if var < 0:
            raise ValueError(f"var has negative entry/entries ({help_}, got var={var})")
        dtype = x._data.dtype if x._data.dtype.kind == "f" else default_float()
        return as_tensor(np.full(x._data.shape, float(var), dtype))
    v = as_tensor(var)
    if v._data.size and (v._data < 0).any():  # (the sign before the dtype, as PyTorch)
        raise ValueError(f"var has negative entry/entries ({help_})")
    if v._data.dtype.kind in "biu":  # (PyTorch clamps it in place, to a float eps)
        raise _cast_refusal(
            default_float(),
            v._data.dtype,
            fn,
            f"var of dtype {v._data.dtype} is clamped in place to at least eps; give "
            "floating-point variances, e.g. var.float()",
            cpp=True,
        )
    xs, vs = x._data.shape, v._data.shape
    if vs != xs:
        if xs[:-1] == vs:
            v = v.unsqueeze(-1)
        elif not (len(xs) == len(vs) and sum(b for a, b in zip(xs, vs) if a != b) == 1):
            raise ValueError(
                f"var is of incorrect size ({fn}(): var has shape {tuple(vs)} for input of shape "
                f"{tuple(xs)}; give one variance per element, the input's shape without its last "
                "dimension, or the input's shape with one dimension of size 1)"
            )
    return v


def gaussian_nll_loss(
    input: Tensor,
    target: Any,
    var: Any,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of ``target`` under Normal(input, var):
    0.5 (log var + (input - target)^2 / var), plus 0.5 log(2 pi) with ``full``.

    As PyTorch, ``var`` is clamped to at least ``eps`` for stability, and the clamp does not
    change the gradient: d/dvar is computed at the clamped value and passed through.

    Args:
        input: the means.
        target: samples, broadcast against the input.
        var: variances: a tensor of the input's shape (one per element), of its shape without
            the last dimension or with one dimension of size 1 (shared along it), or a number.
        full: whether to add the constant 0.5 log(2 pi).
        eps: the least variance used.
        reduction: "mean", "sum" or "none".

    Raises:
        ValueError: on a negative variance, a ``var`` of another shape, or an unknown reduction.
        RuntimeError: on shapes that do not broadcast.
    """
    fn = "gaussian_nll_loss"
    x, t = as_tensor(input), as_tensor(target)
    v = _gaussian_var(var, x, fn)
    _check_reduction(reduction, fn, "is not valid")
    _check_broadcasts(fn, x, t)
    low = v._data < eps
    if low.any():
        # (v - v) + eps is exactly eps, with gradient 1: PyTorch clamps a clone under no_grad
        v = where(low, (v - v.detach()) + eps, v)
    loss = 0.5 * (v.log() + (x - t) ** 2 / v)
    if full:
        loss = loss + _HALF_LOG_2PI
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------------------------
# Pairs: ranking and embeddings


def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Any,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, -target * (input1 - input2) + margin): target 1 asks input1 to rank above input2
    by ``margin``, -1 below.

    Args:
        input1, input2: scores, broadcast against each other.
        target: 1 or -1 per pair, of the inputs' rank.
        margin: the least gap wanted.
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean", "sum" or "none".

    Raises:
        RuntimeError: on inputs of different ranks or shapes that do not broadcast.
        ValueError: on an unknown reduction.
    """
    fn = "margin_ranking_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    x1, x2, t = as_tensor(input1), as_tensor(input2), as_tensor(target)
    if not x1.ndim == x2.ndim == t.ndim:
        sizes = ", ".join(
            f"{name}: torch.Size({_size(v._data.shape)})"
            for name, v in (("input1", x1), ("input2", x2), ("target", t))
        )
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got "
            f"sizes: {sizes} ({fn}(): give input1, input2 and target the same rank)"
        )
    _check_broadcasts(fn, x1, x2)
    _check_broadcasts(fn, t, _shaped(x1._data.shape, x2._data.shape))
    return _reduce((-t * (x1 - x2) + float(margin)).clamp_min(0), reduction)


def hinge_embedding_loss(
    input: Tensor,
    target: Any,
    margin: float = 1.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """input where target is 1, max(0, margin - input) where it is -1 (input: a distance, e.g.
    an L1 distance between two embeddings; target: whether they are alike).

    As PyTorch, a target that is neither 1 nor -1 gets both terms.

    Args:
        input: distances, any shape.
        target: 1 or -1, broadcast against the input.
        margin: the distance beyond which unlike pairs cost nothing.
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean", "sum" or "none".
    """
    fn = "hinge_embedding_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    x, t = as_tensor(input), as_tensor(target)
    _check_broadcasts(fn, t, x)
    y = t._data
    if x._data.dtype.kind in "iu":
        return _integer_hinge(x._data, y, margin, reduction)
    loss = where(y != 1, (float(margin) - x).clamp_min(0), 0.0) + where(y != -1, x, 0.0)
    return _reduce(loss, reduction)


def _integer_hinge(x: np.ndarray, y: np.ndarray, margin: float, reduction: str) -> Tensor:
    """hinge_embedding_loss of an integer input, as PyTorch computes it: in the input's dtype
    (the margin truncated toward 0, wrapping around as the dtype does), a sum in int64, and no
    mean (PyTorch cannot infer its dtype)."""
    if reduction == "mean":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {torch_name(x.dtype)} (hinge_embedding_loss() of an "
            f"{x.dtype} input with reduction='mean': convert the input first, e.g. "
            "input.float(), or use reduction='sum')"
        )
    zero = np.zeros((), x.dtype)
    m = np.asarray(int(margin)).astype(x.dtype)
    with np.errstate(over="ignore"):
        loss = np.where(y != 1, np.maximum(m - x, zero), zero) + np.where(y != -1, x, zero)
    loss = loss.astype(x.dtype)
    return as_tensor(loss if reduction == "none" else loss.sum(dtype=np.int64))


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Any,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """1 - cos(input1, input2) where target is 1, max(0, cos(input1, input2) - margin) where it
    is -1 (0 for any other target), the cosine taken along the last dimension.

    PyTorch's cosine: sum(x1 x2) / sqrt((sum(x1^2) + 1e-12)(sum(x2^2) + 1e-12)), 0 for a zero
    vector.

    Args:
        input1, input2: (N, D) embeddings with a (N,) target, or (D,) ones with a 0-d target.
        target: 1 or -1 per pair.
        margin: the cosine below which unlike pairs cost nothing (in [-1, 1]; 0 to 0.5 is usual).
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean", "sum" or "none".

    Raises:
        RuntimeError: on a target of rank above 1, inputs of the wrong rank for it, or shapes
            that do not broadcast.
    """
    fn = "cosine_embedding_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    x1, x2, t = as_tensor(input1), as_tensor(input2), as_tensor(target)
    d = t.ndim
    if d > 1:
        raise RuntimeError(
            "0D or 1D target tensor expected, multi-target not supported "
            f"({fn}(): target has shape {tuple(t.shape)}; give one 1 or -1 per pair)"
        )
    if not x1.ndim == x2.ndim == d + 1:
        raise RuntimeError(
            f"{d}D target tensor expects {d + 1}D input tensors, but found inputs with sizes "
            f"{_size(x1._data.shape)} and {_size(x2._data.shape)}. ({fn}(): (N, D) inputs "
            "take a (N,) target, (D,) inputs a 0-d one)"
        )
    _check_broadcasts(fn, x1, x2)
    _check_broadcasts(fn, t, _shaped(x1._data.shape, x2._data.shape)[..., 0])
    dot = (x1 * x2).sum(d)
    cos = dot / (((x1 * x1).sum(d) + _COSINE_EPS) * ((x2 * x2).sum(d) + _COSINE_EPS)).sqrt()
    y = t._data
    loss = where(y == 1, 1 - cos, 0.0) + where(y == -1, (cos - float(margin)).clamp_min(0), 0.0)
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------------------------
# Classification by margins


def soft_margin_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The two-class logistic loss log(1 + exp(-target * input)), target 1 or -1.

    Computed as softplus(-target * input), exact for any input: finite where PyTorch's
    log1p(exp(.)) overflows to inf (inputs beyond about 88 in float32, 709 in float64).

    Args:
        input: scores, any floating-point shape.
        target: 1 or -1, broadcast against the input.
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean", "sum" or "none".
    """
    fn = "soft_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    x, t = as_tensor(input), as_tensor(target)
    _float_only(
        x,
        fn,
        f"result type Float can't be cast to the desired output type "
        f"{torch_name(x._data.dtype).capitalize()}",
        RuntimeError,
    )
    _check_broadcasts(fn, x, t)
    return _reduce(_softplus(-(x * t)), reduction)


def multilabel_soft_margin_loss(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross-entropy of each class's logit against a 0/1 target, averaged over the
    classes (the last dimension): one loss per sample.

    -(target log sigmoid(input) + (1 - target) log sigmoid(-input)), stable for any input.

    Args:
        input: logits (N, C) (or (C,), or (..., C)).
        target: 0 or 1 per class, broadcast against the input.
        weight: optional weights, broadcast against the input (e.g. one per class, (C,)).
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean", "sum" or "none".

    Raises:
        NotImplementedError: on an integer input. IndexError: on a 0-d input.
        ValueError: on an unknown reduction.
    """
    fn = "multilabel_soft_margin_loss"
    if size_average is not None or reduce is not None:
        reduction = _legacy(size_average, reduce, fn)
    _check_reduction(reduction, fn, "is not valid")
    x, t = as_tensor(input), as_tensor(target)
    _float_only(
        x,
        fn,
        not_implemented_words("log_sigmoid_cpu", x._data.dtype),
        NotImplementedError,
    )
    if x.ndim == 0:
        raise IndexError(
            f"Dimension specified as -1 but tensor has no dimensions ({fn}(): the input needs a "
            "class dimension, (C,) or (N, C))"
        )
    _check_broadcasts(fn, t, x)
    loss = t * _softplus(-x) + (1 - t) * _softplus(x)
    if weight is not None:
        w = as_tensor(weight)
        _check_broadcasts(fn, loss, w)
        loss = loss * w
    return _reduce(loss.sum(-1) / x.shape[-1], reduction)


def multi_margin_loss(
    input: Tensor,
    target: Any,
    p: int = 1,
    margin: float = 1.0,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The multi-class hinge loss: sum over classes i != y of
    weight[y] * max(0, margin - input[y] + input[i])^p, divided by the number of classes C.

    Args:
        input: scores (N, C) (or (C,)).
        target: int64 class indices (N,) (or 0-d, or (1,) for (C,) scores).
        p: 1 or 2.
        margin: the gap wanted between the target's score and the others.
        weight: optional per-class weights (C,), taken at the target class.
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean", "sum" or "none".

    Raises:
        ValueError: on p other than 1 or 2, a weight that is not 1-d, an unknown reduction.
        RuntimeError: on a target of the wrong size or dtype, or outside [0, C).
        NotImplementedError: on an integer input.
    """
    fn = "multi_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    if p != 1 and p != 2:
        raise ValueError(f"only p == 1 and p == 2 supported ({fn}(): got p={p})")
    w = None if weight is None else as_tensor(weight)
    if w is not None and w.ndim != 1:
        raise ValueError(
            f"weight must be one-dimensional ({fn}(): weight has shape {tuple(w.shape)}; give "
            "one weight per class)"
        )
    x, t = as_tensor(input), as_tensor(target)
    n, c = _check_margin_input(x, fn)
    if t.ndim > 1 or t._data.size != n:
        raise RuntimeError(
            f"{fn}: target tensor should be 1-D with size equal to the number of input samples "
            f"(batch size). Expected target size [{n}], but got {_size(t._data.shape)}. Input "
            f"has shape {_size(x._data.shape)}. ({fn}(): one class index per sample)"
        )
    if w is not None and w._data.size != c:
        raise RuntimeError(
            f"inconsistent weight size, expected {c} but got {_size(w._data.shape)} ({fn}(): "
            "one weight per class)"
        )
    _check_long(t, fn)
    _float_only(
        x,
        fn,
        not_implemented_words("multi_margin_loss_cpu_kernel", x._data.dtype),
        NotImplementedError,
    )
    y = t._data.reshape(n)
    if y.size and not ((y >= 0) & (y < c)).all():
        raise RuntimeError(f"target out of range ({fn}(): class indices must be in [0, {c}))")
    scores = x.reshape(n, c)
    rows = np.arange(n)
    z = margin - scores[rows, y].unsqueeze(1) + scores  # (N, C)
    others = np.ones((n, c), bool)
    others[rows, y] = False
    h = where(others & (z._data > 0), z, 0.0)  # (gradient 0 at the kink, as PyTorch)
    if p == 2:
        h = h * h
    if w is not None:
        h = h * w.astype(x.dtype)[y].unsqueeze(1)
    return _reduce((h.sum(1) / c).reshape(t.shape), reduction)


def multilabel_margin_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The multi-label hinge loss: for each target class j and each non-target class i,
    max(0, 1 - (input[j] - input[i])), summed and divided by the number of classes C.

    The target lists class indices and ends at the first -1 (the rest is ignored), as
    PyTorch's: ``[3, 0, -1, 1]`` means classes 3 and 0. A class listed twice counts twice.

    Args:
        input: scores (N, C) (or (C,)).
        target: int64 class indices of the input's shape, each list ended by -1 or full.
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean", "sum" or "none".

    Raises:
        RuntimeError: on a target of the wrong size or dtype, or an index outside [0, C).
        NotImplementedError: on an integer input. ValueError: on an unknown reduction.
    """
    fn = "multilabel_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    x, t = as_tensor(input), as_tensor(target)
    n, c = _check_margin_input(x, fn)
    ok = t._data.size == c and t.ndim <= 1 if x.ndim <= 1 else t._data.shape == (n, c)
    if not ok:
        raise RuntimeError(
            f"inconsistent target size: {_size(t._data.shape)} for input of size: "
            f"{_size(x._data.shape)} ({fn}(): the target has the input's shape: each row lists "
            "class indices, ended by -1)"
        )
    _check_long(t, fn)
    _float_only(
        x,
        fn,
        not_implemented_words("multilabel_margin_loss_forward_out_frame", x._data.dtype),
        NotImplementedError,
    )
    y = t._data.reshape(n, c)
    listed = np.cumsum(y == -1, axis=1) == 0  # before the first -1
    if not ((y >= 0) & (y < c) | ~listed).all():
        raise RuntimeError(
            f"argument #2 'target' is out of range ({fn}(): class indices must be in [0, {c}), "
            "a list ended by -1)"
        )
    counts = np.zeros((n, c))
    rows = np.broadcast_to(np.arange(n)[:, None], y.shape)
    np.add.at(counts, (rows[listed], y[listed]), 1.0)  # how often each class is listed
    scores = x.reshape(n, c)
    z = 1 - scores.unsqueeze(2) + scores.unsqueeze(1)  # z[n, j, i]: target j against class i
    pairs = (counts[:, :, None] > 0) & (counts[:, None, :] == 0)
    h = where(pairs & (z._data > 0), z, 0.0)
    if (counts > 1).any():
        h = h * counts[:, :, None].astype(x._data.dtype)
    loss = h.sum((1, 2)) / c
    return _reduce(loss if x.ndim == 2 else loss.reshape(()), reduction)


# ---------------------------------------------------------------------------------------------
# Triplets


def _check_triplet(
    anchor: Tensor, positive: Tensor, negative: Tensor, margin: float, fn: str
) -> None:
    if margin <= 0:
        raise ValueError(
            f"margin must be greater than 0, got {margin} ({fn}(): the margin is the gap wanted "
            "between the two distances)"
        )
    dims = (anchor.ndim, positive.ndim, negative.ndim)
    if not dims[0] == dims[1] == dims[2]:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative "
            f"{dims[2]}D inputs ({fn}(): give the three the same rank, (N, D) or (D,))"
        )


def _triplet(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    distance: Callable[[Tensor, Tensor], Tensor],
    margin: float,
    swap: bool,
    reduction: str,
) -> Tensor:
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:  # the harder of the two negatives' distances (Balntas et al., 2016)
        d_neg = minimum(d_neg, distance(positive, negative))
    return _reduce((float(margin) + d_pos - d_neg).clamp_min(0), reduction)


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the ``p``-norm distance
    along the last dimension (``pairwise_distance``, with its ``eps``).

    Args:
        anchor, positive, negative: embeddings (N, D) (or (D,)), of the same rank.
        margin: the gap wanted between the two distances (> 0).
        p: the norm's degree.
        eps: added to the differences, as ``pairwise_distance``.
        swap: use min(d(anchor, negative), d(positive, negative)) as the negative distance.
        size_average, reduce: PyTorch's deprecated flags (use ``reduction``).
        reduction: "mean", "sum" or "none".

    Raises:
        ValueError: on margin <= 0 or an unknown reduction.
        RuntimeError: on inputs of different ranks.
    """
    fn = "triplet_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    a, pos, neg = as_tensor(anchor), as_tensor(positive), as_tensor(negative)
    _check_triplet(a, pos, neg, margin, fn)
    _check_broadcasts(fn, a, pos, neg)
    return _triplet(
        a, pos, neg, lambda u, v: pairwise_distance(u, v, p, eps), margin, swap, reduction
    )


def triplet_margin_with_distance_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    *,
    distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """``triplet_margin_loss`` with any distance: max(0, margin + d(anchor, positive) -
    d(anchor, negative)).

    Args:
        anchor, positive, negative: inputs of the same rank.
        distance_function: a function of two tensors giving their distances (e.g.
            ``lambda x, y: 1 - F.cosine_similarity(x, y)``); ``pairwise_distance`` by default.
        margin: the gap wanted between the two distances (> 0).
        swap: use min(d(anchor, negative), d(positive, negative)) as the negative distance.
        reduction: "mean", "sum" or "none".

    Raises:
        ValueError: on margin <= 0 or an unknown reduction.
        RuntimeError: on inputs of different ranks.
    """
    fn = "triplet_margin_with_distance_loss"
    _check_reduction(reduction, fn)
    a, pos, neg = as_tensor(anchor), as_tensor(positive), as_tensor(negative)
    _check_triplet(a, pos, neg, margin, fn)
    distance = pairwise_distance if distance_function is None else distance_function
    return _triplet(a, pos, neg, distance, margin, swap, reduction)
