"""The connectionist temporal classification (CTC) loss, as ``torch.nn.functional.ctc_loss``.

The forward (alpha) recursion of Graves et al. (2006), in log space, written with Tensor ops
over the whole batch and all 2S+1 states at once: the engine derives the gradient (and the
gradient of the gradient); there is no hand-written backward.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..dtypes import not_implemented_for, torch_name
from ..functions import cat, stack, where
from ..tensor import Tensor, as_tensor
from ..unbind import unbind
from ..validation import int_argument
from ._reduction import _reduction

__all__ = ["ctc_loss"]

_FN = "ctc_loss"
_CHECKING = " (while checking arguments for ctc_loss_allocate_outputs)"  # (PyTorch's words)


def ctc_loss(
    log_probs: Tensor,
    targets: Any,
    input_lengths: Tensor | Sequence[int],
    target_lengths: Tensor | Sequence[int],
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    """The CTC loss: -log of the probability of the target sequence, summed over every
    alignment of it to the input's time steps.

    An alignment spells the target with one symbol per time step, where each label may last
    several steps and blanks may come before, between and after the labels: with blank ``-``,
    ``aa-b``, ``-ab-`` and ``ab--`` all read ``ab``. Two equal labels in a row need a blank
    between them (``a-a`` reads ``aa``, ``aa`` reads ``a``), so a target of length L with R
    such repeats needs at least L + R time steps; with fewer the loss is infinite.

    The recursion runs over the extended target ``- l1 - l2 - ... - lL -`` (2L + 1 states s).
    alpha_t(s), the log-probability of all the alignments of the first t + 1 steps that end
    in state s, is

        alpha_t(s) = log_probs[t, ext(s)] + logsumexp(alpha_{t-1}(s), alpha_{t-1}(s - 1),
                                                      alpha_{t-1}(s - 2) if skipping is allowed)

    (stay in a state, move on one state, or jump over a blank to the next label: allowed when
    that label differs from the one before it), started from alpha_{-1} = log 1 in the first
    state and log 0 elsewhere. The loss is -logsumexp(alpha_{T-1}(2L), alpha_{T-1}(2L - 1)):
    the alignments that end on the last label or on the blank after it.

    Gradient: as PyTorch's, exp(log_probs) - gamma, where gamma[t, c] is the posterior
    probability that step t emits class c. That is PyTorch's gradient through the
    ``log_softmax`` it assumes the input comes from (exp(log_probs) sums to 1 over the
    classes, so both give the same gradient of the logits); the partial derivative of the
    loss with respect to ``log_probs`` itself is -gamma. minigrad matches PyTorch by adding
    sum exp(log_probs) - (the same, detached): zero in value, exp(log_probs) in gradient. A
    finite-difference check must therefore go through ``log_softmax``. An infinite loss (no
    alignment) has a NaN gradient, as PyTorch's (through ``log_softmax`` NaN at every step
    before the input length, as PyTorch's; on a raw ``log_probs`` leaf, on the states that
    lead to the end, where PyTorch's is NaN everywhere before the input length). A -inf entry of
    a raw ``log_probs`` leaf (a probability of 0) gets 0, where PyTorch's gradient is NaN.

    Args:
        log_probs: (T, N, C) log-probabilities (e.g. a ``log_softmax`` over C classes, the
            blank included), or unbatched (T, C); float32 or float64.
        targets: class indices, padded (N, S) with S >= the longest target (the padding is
            ignored), or the N targets concatenated, 1-d of length sum(target_lengths).
            Unbatched: (S,) or (1, S). Never the blank.
        input_lengths: the number of valid time steps of each input (<= T): an int tensor
            (N,) or a tuple or list of ints; unbatched, one.
        target_lengths: the length of each target (>= 0), likewise.
        blank: the class index of the blank.
        reduction: "none" (the N losses), "sum", or "mean": each loss divided by its target
            length (at least 1), then the mean over the batch.
        zero_infinity: make infinite losses (and their gradients) zero.

    Returns:
        The loss: (N,) with "none" (0-d unbatched), else a 0-d tensor.

    Raises:
        RuntimeError: PyTorch's, for lengths that are not integers, lengths out of range or of
            another size than the batch, a blank out of range, targets of the wrong rank or
            size, an empty input, and (minigrad only: PyTorch reads outside its input) a
            target index outside [0, C).
        NotImplementedError: for log_probs neither float32 nor float64.
        TypeError: for lengths given as a tuple or list of non-ints, or one as a tensor and
            the other as a tuple (PyTorch's two overloads take both alike).
        ValueError: for an unknown reduction.
    """
    if isinstance(input_lengths, Tensor | np.ndarray) != isinstance(
        target_lengths, Tensor | np.ndarray
    ):  # (PyTorch's two overloads: both lengths tensors, or both tuples of ints)
        raise TypeError(
            f"{_FN}() received an invalid combination of arguments ({_FN}(): give "
            "input_lengths and target_lengths both as int tensors or both as tuples of ints, "
            f"not a {type(input_lengths).__name__} and a {type(target_lengths).__name__})"
        )
    reduction = _reduction(None, None, reduction, _FN)
    in_lengths = _lengths(input_lengths, "input_lengths")
    out_lengths = _lengths(target_lengths, "target_lengths")
    lp, labels = as_tensor(log_probs), as_tensor(targets)
    _check_log_probs(lp)
    batched = lp.ndim == 3
    if not batched:
        lp = lp.unsqueeze(1)
    if not 1 <= labels.ndim <= 2:
        raise RuntimeError(
            f"Expected 1 to 2 dimensions, but got {labels.ndim}-dimensional tensor for argument "
            f"#2 'targets'{_CHECKING} ({_FN}(): targets are padded (N, S) or concatenated 1-d)"
        )
    T, N, C = lp.shape
    blank = int_argument(blank, _FN, "blank", 5)
    if not 0 <= blank < C:
        raise RuntimeError(
            f"blank must be in label range ({_FN}(): blank={blank}, with {C} classes; the blank "
            "is one of the C classes, usually 0)"
        )
    padded = _padded_targets(labels._data.astype(np.int64), in_lengths, out_lengths, T, N, C)

    nll = _negative_log_likelihood(lp, padded, in_lengths, out_lengths, blank, zero_infinity)
    if reduction == "mean":
        per_label = np.maximum(out_lengths, 1).astype(lp._data.dtype)
        return (nll / per_label).mean()
    if reduction == "sum":
        return nll.sum()
    return nll if batched else nll.reshape(())


def _negative_log_likelihood(
    lp: Tensor,
    labels: np.ndarray,
    in_lengths: np.ndarray,
    out_lengths: np.ndarray,
    blank: int,
    zero_infinity: bool,
) -> Tensor:
    """-log p(target | input) of each sample (N,), by the alpha recursion; 0 for a sample with
    no alignment at all (an infinite loss) with ``zero_infinity``."""
    T, N, _ = lp.shape
    dtype = lp._data.dtype
    S = labels.shape[1]
    K = 2 * S + 1  # the extended target: blank, l1, blank, l2, ..., lS, blank
    ext = np.full((N, K), blank, np.int64)
    ext[:, 1::2] = labels
    rows = np.arange(N)[:, None]
    states = np.arange(K)

    # Where each state can come from, as indices into [log 0, log 0, alpha(0), ..., alpha(K-1)]:
    # itself (s + 2), the state before (s + 1) and, where skipping is allowed, the label before
    # (s); a skip that is not allowed points at a log 0 (index 0).
    skip = (states >= 2) & (ext != np.roll(ext, 2, axis=1))
    sources = np.stack(
        [np.broadcast_to(states + 2, (N, K)), np.broadcast_to(states + 1, (N, K)), skip * states],
        axis=1,
    )  # (N, 3, K)
    log_zero = np.full((N, 2), -np.inf, dtype)

    # The time steps past an input's length are padding: read as log 1, never used (and a NaN
    # there cannot reach the gradient through a product with 0).
    valid = np.arange(T)[:, None] < in_lengths  # (T, N)
    emit = where(valid[:, :, None], lp[:, rows, ext], 0.0)  # (T, N, K): log_probs of each state

    alpha = np.full((N, K), -np.inf, dtype)
    alpha[:, 0] = 0.0  # alpha_{-1}: before the first step, in the first state with probability 1
    history = [as_tensor(alpha)]
    for emit_t in unbind(emit, 0)[: int(in_lengths.max(initial=0))]:
        came_from = cat([log_zero, history[-1]], 1)[rows[:, :, None], sources]  # (N, 3, K)
        history.append(emit_t + _log_add(came_from))
    alphas = stack(history)  # (T' + 1, N, K): alphas[t + 1] is alpha_t

    # The end: alpha after each input's last step, on the last label or the blank after it.
    ends_at = np.stack([2 * out_lengths, 2 * out_lengths - 1], axis=1)  # (N, 2)
    ends = alphas[in_lengths[:, None], rows, np.maximum(ends_at, 0)]
    ends = where(ends_at >= 0, ends, -np.inf)  # (an empty target ends on its only blank)
    impossible: np.ndarray = np.all(np.isneginf(ends._data), axis=1)
    zeroed = zero_infinity and impossible.any()
    if zeroed:
        # -log 0 is inf, with a NaN gradient (as PyTorch's). Zeroing it takes a finite graph
        # beneath the mask (0 * NaN is NaN): log(e^0 + e^0) stands in for log 0.
        ends = where(impossible[:, None], 0.0, ends)
    nll = -ends.logsumexp(1)

    # PyTorch's gradient: + exp(log_probs) over the valid steps (see ctc_loss's docstring).
    mass = where(valid[:, :, None], lp, -np.inf).exp().sum((0, 2))
    nll = nll - (mass.detach() - mass)  # (minus +0.0: an empty loss stays -0.0, as PyTorch's)
    return where(impossible, 0.0, nll) if zeroed else nll


def _log_add(came_from: Tensor) -> Tensor:
    """logsumexp over axis 1 of (N, 3, K) log-probabilities, -inf (log 0) where all three are
    -inf, with a zero gradient there: the plain logsumexp's gradient exp(x - out) is NaN when
    x = out = -inf, and would turn the zeros reaching an unreachable state into NaNs."""
    dead: np.ndarray = np.all(np.isneginf(came_from._data), axis=1)  # (N, K): no way in
    if not dead.any():
        return came_from.logsumexp(1)
    alive = where(dead[:, None, :], 0.0, came_from).logsumexp(1)
    return where(dead, -np.inf, alive)


# ---------------------------------------------------------------------------------------------
# The arguments, checked as PyTorch checks them


def _lengths(lengths: Any, name: str) -> np.ndarray:
    """Lengths as int64 (N,): an integer tensor (any shape, read flat) or a tuple/list of ints."""
    if isinstance(lengths, Tensor | np.ndarray):
        data = lengths._data if isinstance(lengths, Tensor) else lengths
        if data.dtype.kind not in "iu":
            raise RuntimeError(
                f"{name} must be integral ({_FN}(): {name} has dtype {torch_name(data.dtype)}; "
                "give an int tensor, or a tuple of ints)"
            )
        return data.astype(np.int64).reshape(-1)
    items = list(lengths) if isinstance(lengths, tuple | list) else None
    if items is None or not all(_is_int(v) for v in items):
        got = type(lengths).__name__
        if items is not None:
            got += " of " + ", ".join(type(v).__name__ for v in items)
        raise TypeError(
            f"{_FN}() received an invalid combination of arguments ({_FN}(): {name} must be an "
            f"int tensor or a tuple or list of ints, got {got})"
        )
    return np.array([int(v) for v in items], np.int64).reshape(-1)


def _is_int(v: Any) -> bool:
    if isinstance(v, Tensor):
        return v.ndim == 0 and v._data.dtype.kind in "iu"
    return isinstance(v, int | np.integer) and not isinstance(v, bool)


def _check_log_probs(lp: Tensor) -> None:
    dtype = lp._data.dtype
    if dtype not in (np.float32, np.float64):
        raise not_implemented_for(
            "ctc_loss_cpu",
            dtype,
            f"{_FN}(): log_probs must be float32 or float64, e.g. log_softmax of float logits",
        )
    if lp._data.size == 0:
        raise RuntimeError(
            f"log_probs tensor must not be empty ({_FN}(): log_probs has shape "
            f"{tuple(lp.shape)}; it needs at least one time step, sample and class)"
        )
    if lp.ndim not in (2, 3):
        got = lp.ndim + 1  # (PyTorch counts after adding the batch dimension to a non-3-d one)
        raise RuntimeError(
            f"Expected 3-dimensional tensor, but got {got}-dimensional tensor for argument #1 "
            f"'log_probs'{_CHECKING} ({_FN}(): log_probs is (T, N, C), or (T, C) unbatched)"
        )


def _padded_targets(
    targets: np.ndarray,
    in_lengths: np.ndarray,
    out_lengths: np.ndarray,
    T: int,
    N: int,
    C: int,
) -> np.ndarray:
    """The targets as (N, max target length), checked with PyTorch's errors in PyTorch's
    order; entries past a target's length are 0 (never read)."""
    for name, lengths in (("input_lengths", in_lengths), ("target_lengths", out_lengths)):
        if lengths.size != N:
            raise RuntimeError(
                f"{name} must be of size batch_size ({_FN}(): {lengths.size} lengths for a batch "
                f"of {N})"
            )
    for length in out_lengths:
        if length < 0:
            raise RuntimeError(
                f"Expected target_lengths to have value at least 0, but got value {length}"
                f"{_CHECKING} ({_FN}(): lengths count labels)"
            )
    longest = int(out_lengths.max(initial=0))
    sizes = targets.shape
    if targets.ndim == 1:  # concatenated
        if sizes[0] != out_lengths.sum():
            _wrong_size(f"size {out_lengths.sum()} at dimension 0", sizes[0], "concatenated 1-d")
        starts = np.cumsum(out_lengths) - out_lengths
        positions = starts[:, None] + np.arange(longest)
        used = np.arange(longest) < out_lengths[:, None]
        padded = np.where(used, targets[np.where(used, positions, 0)] if sizes[0] else 0, 0)
    else:
        if sizes[0] != N:
            _wrong_size(f"size {N} at dimension 0", sizes[0], "padded (N, S)")
        if sizes[1] < longest:
            _wrong_size(f"size at least {longest} at dimension 1", sizes[1], "padded (N, S)")
        used = np.arange(longest) < out_lengths[:, None]
        padded = np.where(used, targets[:, :longest], 0)
    for length in in_lengths:
        bound, words = (0, "least") if length < 0 else (T, "most")
        if length < 0 or length > T:
            raise RuntimeError(
                f"Expected input_lengths to have value at {words} {bound}, but got value "
                f"{length}{_CHECKING} ({_FN}(): each input has between 0 and T={T} steps)"
            )
    outside = used & ((padded < 0) | (padded >= C))
    if outside.any():
        n, i = (int(k[0]) for k in np.nonzero(outside))
        raise RuntimeError(
            f"{_FN}(): target {n} has class index {padded[n, i]} at position {i}, outside "
            f"[0, {C}): targets are class indices of log_probs' last dimension"
        )
    return padded.astype(np.int64)


def _wrong_size(expected: str, got: int, form: str) -> None:
    raise RuntimeError(
        f"Expected tensor to have {expected}, but got size {got} for argument #2 'targets'"
        f"{_CHECKING} ({_FN}(): the targets are {form}, one per sample, as long as "
        "target_lengths says)"
    )
