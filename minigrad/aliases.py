"""The ``nn.functional`` operations PyTorch also has at its top level (``torch.conv2d``,
``torch.dropout``, ``torch.layer_norm``...), with the top level's own signatures where they
differ from ``nn.functional``'s: ``torch.dropout(input, p, train)`` takes no defaults,
``torch.batch_norm`` takes the weight before the running statistics, ``torch.embedding`` the
weight first, the losses an int ``reduction`` (0 none, 1 mean, 2 sum), the max pools return no
indices. Each calls ``nn.functional``, so values and gradients are the same."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .nn import functional as F
from .nn._common import _check_p, _dropout_mask
from .nn.feature_functions import feature_alpha_dropout as _feature_alpha_dropout
from .tensor import Tensor, _new_tensor, as_tensor

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_max_pool1d",
    "alpha_dropout",
    "alpha_dropout_",
    "avg_pool1d",
    "batch_norm",
    "bilinear",
    "binary_cross_entropy_with_logits",
    "celu",
    "celu_",
    "channel_shuffle",
    "constant_pad_nd",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "cosine_embedding_loss",
    "ctc_loss",
    "dropout",
    "dropout_",
    "embedding",
    "embedding_bag",
    "feature_alpha_dropout",
    "feature_alpha_dropout_",
    "feature_dropout",
    "feature_dropout_",
    "group_norm",
    "hardshrink",
    "hinge_embedding_loss",
    "instance_norm",
    "kl_div",
    "layer_norm",
    "margin_ranking_loss",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool3d",
    "pixel_shuffle",
    "pixel_unshuffle",
    "poisson_nll_loss",
    "prelu",
    "rms_norm",
    "rrelu",
    "rrelu_",
    "selu",
    "selu_",
    "threshold",
    "threshold_",
    "triplet_margin_loss",
]

# The same function and signature at both levels.
conv1d = F.conv1d
conv2d = F.conv2d
conv3d = F.conv3d
conv_transpose1d = F.conv_transpose1d
conv_transpose2d = F.conv_transpose2d
conv_transpose3d = F.conv_transpose3d
bilinear = F.bilinear
pixel_shuffle = F.pixel_shuffle
pixel_unshuffle = F.pixel_unshuffle
channel_shuffle = F.channel_shuffle
prelu = F.prelu
hardshrink = F.hardshrink
adaptive_avg_pool1d = F.adaptive_avg_pool1d
rms_norm = F.rms_norm


# -- dropout: (input, p, train), all required ------------------------------------------------


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``nn.functional.dropout(input, p, training=train)``."""
    return F.dropout(input, p, train)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``dropout`` written into ``input``."""
    return F.dropout(input, p, train, inplace=True)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``nn.functional.alpha_dropout(input, p, training=train)``."""
    return F.alpha_dropout(input, p, train)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``alpha_dropout`` written into ``input``."""
    return F.alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``nn.functional.feature_alpha_dropout(input, p, training=train)``."""
    return _feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``feature_alpha_dropout`` written into ``input``."""
    return _feature_alpha_dropout(input, p, train, inplace=True)


def _feature_dropout(input: Tensor, p: float, train: bool, inplace: bool) -> Tensor:
    _check_p(p, "feature_dropout")
    x = as_tensor(input)
    if x.ndim < 2:
        raise RuntimeError(
            "Feature dropout requires at least 2 dimensions in the input (N, C, *): use "
            "dropout for elements"
        )
    if not train or p == 0.0:
        return x
    shape = (*x.shape[:2], *(1,) * (x.ndim - 2))
    return F._apply(x, inplace, "feature_dropout_", lambda t: _dropout_mask(t, p, shape))


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Zero whole features (all of ``input[n, c]`` at once) with probability ``p`` and scale
    the rest by 1 / (1 - p), while ``train``: the dropout of ``nn.functional.dropout1d/2d/3d``,
    for (N, C, *) input of any rank from 2.

    Raises:
        RuntimeError: for input of fewer than 2 dimensions (PyTorch's error).
        ValueError: for ``p`` outside [0, 1].
    """
    return _feature_dropout(input, p, train, False)


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``feature_dropout`` written into ``input``."""
    return _feature_dropout(input, p, train, True)


# -- activations -------------------------------------------------------------------------------


def selu(input: Tensor) -> Tensor:
    """``nn.functional.selu(input)``."""
    return F.selu(input)


def selu_(input: Tensor) -> Tensor:
    """``selu`` written into ``input``."""
    return F.selu_(input)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``nn.functional.celu(input, alpha)``."""
    return F.celu(input, alpha)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``celu`` written into ``input``."""
    return F.celu_(input, alpha)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    """``nn.functional.threshold(input, threshold, value)``: x where x > threshold, else
    ``value``."""
    return F.threshold(input, threshold, value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """``threshold`` written into ``input``."""
    return F.threshold_(input, threshold, value)


def _no_generator(generator: Any, fn: str) -> None:
    if generator is not None:
        raise NotImplementedError(
            f"{fn}(): generator= is not supported: rrelu draws from minigrad's default "
            "generator; seed it with minigrad.manual_seed"
        )


def rrelu(
    input: Tensor,
    lower: float = 0.125,
    upper: float = 1.0 / 3.0,
    training: bool = False,
    generator: Any = None,
) -> Tensor:
    """``nn.functional.rrelu(input, lower, upper, training)``; ``generator`` must be None."""
    _no_generator(generator, "rrelu")
    return F.rrelu(input, lower, upper, training)


def rrelu_(
    input: Tensor,
    lower: float = 0.125,
    upper: float = 1.0 / 3.0,
    training: bool = False,
    generator: Any = None,
) -> Tensor:
    """``rrelu`` written into ``input``."""
    _no_generator(generator, "rrelu_")
    return F.rrelu_(input, lower, upper, training)


# -- normalisation and embedding: the top level's argument order ---------------------------------


def layer_norm(
    input: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
    cudnn_enable: bool = True,
) -> Tensor:
    """``nn.functional.layer_norm``; ``cudnn_enable`` is accepted and changes nothing."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
    cudnn_enabled: bool = True,
) -> Tensor:
    """``nn.functional.group_norm``; ``cudnn_enabled`` is accepted and changes nothing."""
    return F.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(
    input: Tensor,
    weight: Tensor | None,
    bias: Tensor | None,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    training: bool,
    momentum: float,
    eps: float,
    cudnn_enabled: bool,
) -> Tensor:
    """``nn.functional.batch_norm`` with the top level's order: weight and bias before the
    running statistics, and every argument required; ``cudnn_enabled`` changes nothing."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(
    input: Tensor,
    weight: Tensor | None,
    bias: Tensor | None,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    use_input_stats: bool,
    momentum: float,
    eps: float,
    cudnn_enabled: bool,
) -> Tensor:
    """``nn.functional.instance_norm`` with the top level's order (as ``batch_norm``)."""
    return F.instance_norm(
        input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps
    )


def embedding(
    weight: Tensor,
    indices: Any,
    padding_idx: int = -1,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """``nn.functional.embedding(indices, weight, ...)``: the weight comes first here, and a
    ``padding_idx`` of -1 means none (the row of ``padding_idx`` gets no gradient)."""
    pad = None if padding_idx == -1 else padding_idx
    return F.embedding(indices, weight, pad, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def constant_pad_nd(input: Tensor, pad: Sequence[int], value: float = 0) -> Tensor:
    """``nn.functional.pad(input, pad, "constant", value)``."""
    return F.pad(input, pad, "constant", value)


# -- pooling: stride () means the kernel size; the max pools return no indices ---------------------


def _stride(stride: Any) -> Any:
    return None if stride is None or (isinstance(stride, tuple | list) and not stride) else stride


def avg_pool1d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = (),
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """``nn.functional.avg_pool1d``; the default ``stride=()`` is the kernel size."""
    return F.avg_pool1d(input, kernel_size, _stride(stride), padding, ceil_mode, count_include_pad)


def max_pool1d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = (),
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
) -> Tensor:
    """``nn.functional.max_pool1d`` (no ``return_indices``: see ``max_pool1d_with_indices``)."""
    out: Tensor = F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)
    return out


def max_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = (),
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
) -> Tensor:
    """``nn.functional.max_pool2d`` (no ``return_indices``)."""
    out: Tensor = F.max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)
    return out


def max_pool3d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = (),
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
) -> Tensor:
    """``nn.functional.max_pool3d`` (no ``return_indices``)."""
    out: Tensor = F.max_pool3d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)
    return out


def max_pool1d_with_indices(
    input: Tensor,
    kernel_size: Any,
    stride: Any = (),
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
) -> tuple[Tensor, Tensor]:
    """``(values, indices)`` of ``max_pool1d``."""
    return F.max_pool1d_with_indices(
        input, kernel_size, _stride(stride), padding, dilation, ceil_mode
    )


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple[Tensor, Tensor]:
    """``(values, indices)``: the top level always returns the indices."""
    values, indices = F.adaptive_max_pool1d(input, output_size, return_indices=True)
    return values, indices


# -- losses: an int reduction ----------------------------------------------------------------------

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(reduction: Any, fn: str) -> str:
    """PyTorch's int reduction as ``nn.functional``'s string.

    PyTorch 2.13's top-level losses apply none when ``reduction`` is left out (whatever their
    stubs say), so the default here is 0 as well.
    """
    if isinstance(reduction, bool) or reduction not in _REDUCTIONS:
        raise TypeError(
            f"{fn}(): argument 'reduction' must be 0 (none), 1 (mean) or 2 (sum), not "
            f"{reduction!r}; nn.functional.{fn} takes the names"
        )
    return _REDUCTIONS[reduction]


def kl_div(input: Tensor, target: Any, reduction: int = 0, *, log_target: bool = False) -> Tensor:
    """``nn.functional.kl_div``; reduction 1 is the mean over all elements (PyTorch's top level
    gives it without the warning ``nn.functional.kl_div`` gives)."""
    how = _reduction(reduction, "kl_div")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*batchmean.*")
        return F.kl_div(input, target, reduction=how, log_target=log_target)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: int = 0,
) -> Tensor:
    """``nn.functional.binary_cross_entropy_with_logits`` (``pos_weight`` before
    ``reduction``)."""
    how = _reduction(reduction, "binary_cross_entropy_with_logits")
    return F.binary_cross_entropy_with_logits(
        input, target, weight, reduction=how, pos_weight=pos_weight
    )


def cosine_embedding_loss(
    input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0, reduction: int = 0
) -> Tensor:
    """``nn.functional.cosine_embedding_loss``."""
    how = _reduction(reduction, "cosine_embedding_loss")
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=how)


def hinge_embedding_loss(
    input: Tensor, target: Any, margin: float = 1.0, reduction: int = 0
) -> Tensor:
    """``nn.functional.hinge_embedding_loss``."""
    how = _reduction(reduction, "hinge_embedding_loss")
    return F.hinge_embedding_loss(input, target, margin, reduction=how)


def margin_ranking_loss(
    input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0, reduction: int = 0
) -> Tensor:
    """``nn.functional.margin_ranking_loss``."""
    how = _reduction(reduction, "margin_ranking_loss")
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=how)


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    reduction: int = 0,
) -> Tensor:
    """``nn.functional.triplet_margin_loss``."""
    how = _reduction(reduction, "triplet_margin_loss")
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=how)


def poisson_nll_loss(
    input: Tensor, target: Any, log_input: bool, full: bool, eps: float, reduction: int
) -> Tensor:
    """``nn.functional.poisson_nll_loss``, every argument required."""
    how = _reduction(reduction, "poisson_nll_loss")
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=how)


def ctc_loss(
    log_probs: Tensor,
    targets: Any,
    input_lengths: Any,
    target_lengths: Any,
    blank: int = 0,
    reduction: int = 0,
    zero_infinity: bool = False,
) -> Tensor:
    """``nn.functional.ctc_loss``."""
    how = _reduction(reduction, "ctc_loss")
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, how, zero_infinity)


# -- embedding_bag: the weight first, an int mode, and PyTorch's four outputs -----------------

_BAG_MODES = ("sum", "mean", "max")


def embedding_bag(
    weight: Tensor,
    indices: Any,
    offsets: Any,
    scale_grad_by_freq: bool = False,
    mode: int = 0,
    sparse: bool = False,
    per_sample_weights: Any = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """``torch.embedding_bag``: ``nn.functional.embedding_bag`` with the weight first, 1-D
    ``indices`` with ``offsets`` required, ``mode`` an int (0 sum, 1 mean, 2 max), returning
    ``(output, offset2bag, bag_size, max_indices)`` as PyTorch's CPU kernel does.

    ``offset2bag[i]`` is the bag of ``indices[i]`` (empty for a sum of a float32 weight without
    ``padding_idx``, PyTorch's fast path); ``bag_size`` the number of entries of each bag that
    are not ``padding_idx`` (zeros for a sum); ``max_indices`` the row of each bag's maximum per
    column for ``mode=2`` (0 for an empty bag), ``bag_size`` for a mean, zeros for a sum. Only
    ``output`` carries a gradient.
    """
    if not isinstance(offsets, Tensor):
        raise TypeError(
            "embedding_bag(): argument 'offsets' (position 3) must be Tensor, not "
            f"{type(offsets).__name__}"
        )
    if isinstance(mode, bool) or mode not in (0, 1, 2):
        raise RuntimeError("`mode` must be sum, mean, or max.")
    output = F.embedding_bag(
        indices, weight, offsets, None, 2, scale_grad_by_freq, _BAG_MODES[mode], sparse,
        per_sample_weights, include_last_offset, padding_idx,
    )  # fmt: skip
    idx = np.asarray(as_tensor(indices)._data).reshape(-1).astype(np.int64)
    starts = np.asarray(offsets._data).astype(np.int64)
    if include_last_offset:
        starts = starts[:-1]
    n, table = len(starts), as_tensor(weight)
    pad = padding_idx
    if pad is not None and pad < 0:
        pad += table.shape[0]
    bag = np.searchsorted(starts, np.arange(len(idx)), side="right") - 1
    kept = idx != pad if pad is not None else np.ones(len(idx), dtype=np.bool_)
    counts = np.bincount(bag[kept], minlength=n)[:n].astype(np.int64)
    if mode == 0 and table.dtype == np.float32 and padding_idx is None:
        bag = np.zeros(0, dtype=np.int64)
    if mode == 0:  # (one per offset as given, or per bag when recorded, as PyTorch's)
        zeros = np.zeros(n if output.requires_grad else offsets.shape[0], np.int64)
        return output, _new_tensor(bag, None), _new_tensor(zeros, None), _new_tensor(zeros, None)
    if mode == 1:
        return (
            output,
            _new_tensor(bag, None),
            _new_tensor(counts, None),
            _new_tensor(counts.copy(), None),
        )
    rows = table._data
    best = np.zeros((n, rows.shape[1]), dtype=np.int64)
    for b in range(n):
        members = idx[(bag == b) & kept]
        if len(members):
            best[b] = members[np.argmax(rows[members], axis=0)]
    return output, _new_tensor(bag, None), _new_tensor(counts, None), _new_tensor(best, None)
