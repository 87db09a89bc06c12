"""``embedding_bag``: sums, means or maxima of bags of embedding rows (``torch.nn.functional``'s),
composed of indexing and a scatter-add, so its gradients are those ops' rules."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..dtypes import _promote, not_implemented_words, torch_name
from ..node_surface import labelled
from ..ops import scatter
from ..tensor import Tensor, as_tensor
from ._common import _renorm_rows, scaled_gradient

__all__ = ["embedding_bag"]

_MODES = ("sum", "mean", "max")


def _array(x: Any) -> np.ndarray:
    return np.asarray(x._data if isinstance(x, Tensor) else x)


def _advise(message: str, advice: str) -> str:
    """PyTorch's words, then what to change (the argument and the fix)."""
    return f"{message} (embedding_bag(): {advice})"


def embedding_bag(
    input: Any,
    weight: Tensor,
    offsets: Any = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Any = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """The sum, mean or maximum of each bag of rows of ``weight``: shape (bags, embedding_dim).

    A 2-D ``input`` (B, N) is B bags of N indices each (``offsets`` must be None); a 1-D
    ``input`` is the bags one after another, ``offsets[b]`` the position where bag b starts
    (``offsets[0]`` is 0; with ``include_last_offset`` the last offset is ``len(input)``, the
    end of the last bag, as CSR). An empty bag gives zeros. Entries equal to ``padding_idx``
    are left out of their bag (and out of the mean's count), so a bag of padding only is
    empty. ``mode="max"`` takes each column's maximum; its gradient goes to the row that held
    it (the first one on ties; a NaN only as a bag's first entry, as PyTorch's kernel).

    It is ``weight[indices]`` (times ``per_sample_weights``), summed per bag by a scatter-add
    (one op whose backward is indexing), divided by the bags' sizes for the mean; the maximum
    picks ``weight[row, column]`` for each bag and column, found in NumPy. So gradients, of any
    order, come from those ops' rules. ``scale_grad_by_freq`` divides each row's gradient by
    how often the row occurs in ``input`` (as ``F.embedding`` and PyTorch's documentation and
    other devices; PyTorch 2.13's CPU kernel divides some rows by another row's count,
    pytorch/pytorch#190063), through ``rows.detach() + (rows - rows.detach()) * s`` (the values
    exactly the rows', the gradient times s; a row holding an infinity gives NaN there).

    Args:
        input: int64 or int32 indices (other integers and bool are promoted with ``offsets``,
            as PyTorch), 1-D with ``offsets`` or 2-D.
        weight: the table, (num_embeddings, embedding_dim), floating point.
        offsets: 1-D start positions of the bags in a 1-D ``input``.
        max_norm: if given, every row ``input`` picks whose ``norm_type``-norm is larger is
            scaled down to it first, in place and outside the graph (as ``F.embedding``).
        norm_type: the p of that norm.
        scale_grad_by_freq: divide each row's gradient by its count in ``input`` (not with
            ``mode="max"``).
        mode: ``"sum"``, ``"mean"`` or ``"max"``.
        sparse: not supported (minigrad's gradients are dense): an error says so.
        per_sample_weights: weights of ``input``'s shape and ``weight``'s dtype, multiplying
            each row before the sum (``mode="sum"`` only).
        include_last_offset: ``offsets`` has one more element, ``len(input)``.
        padding_idx: a row left out of the bags (in [-num_embeddings, num_embeddings)).

    Raises:
        ValueError, RuntimeError, NotImplementedError: PyTorch's, in its words, for misuse
            (also for decreasing offsets and, with ``include_last_offset``, a last offset short
            of ``len(input)``, where PyTorch's CPU kernels compute without a check); all before
            ``max_norm`` changes any row.
    """
    if not isinstance(weight, Tensor):
        weight = as_tensor(weight)
    if weight.dtype == np.int64 and isinstance(input, Tensor) and input._data.dtype.kind == "f":
        warnings.warn(  # (PyTorch's order was (weight, input) once; it still takes it)
            "Argument order of nn.functional.embedding_bag was changed. Usage "
            "`embedding_bag(weight, input, ...)` is deprecated, and should now be "
            "`embedding_bag(input, weight, ...)`.",
            stacklevel=2,
        )
        weight, input = input, weight
    idx = _array(input)
    psw = None if per_sample_weights is None else as_tensor(per_sample_weights)
    if psw is not None and psw.shape != idx.shape:
        raise ValueError(
            _advise(
                f"embedding_bag: If per_sample_weights (torch.Size({list(psw.shape)})) is not "
                "None, then it must have the same shape as the input "
                f"(torch.Size({list(idx.shape)}))",
                "per_sample_weights holds one weight per index of input",
            )
        )
    if weight.ndim != 2:
        raise ValueError(
            _advise(
                f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim}",
                "weight is the table, of shape (num_embeddings, embedding_dim)",
            )
        )
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(
                _advise(
                    "if input is 2D, then offsets has to be None, as input is treated is a "
                    "mini-batch of fixed length sequences. However, found offsets of type "
                    f"{type(offsets)}",
                    "leave offsets out for 2-D input, or flatten input to 1-D with offsets",
                )
            )
        if idx.shape[1] == 0:
            raise RuntimeError(
                _advise("step must be nonzero", "2-D input needs at least one index per bag")
            )
        if idx.dtype == np.bool_:
            raise NotImplementedError(
                _advise(
                    not_implemented_words("arange_cpu", bool), "convert input first: input.long()"
                )
            )
        off = np.arange(0, idx.size, idx.shape[1], dtype=idx.dtype)
        include_last_offset = False
    elif idx.ndim == 1:
        if offsets is None:
            raise ValueError(
                _advise(
                    "offsets has to be a 1D Tensor but got None",
                    "pass the bags' start positions, e.g. offsets=torch.tensor([0]) for one bag",
                )
            )
        off = _array(offsets)
        if off.ndim != 1:
            raise ValueError(
                _advise(
                    "offsets has to be a 1D Tensor",
                    f"offsets of shape {off.shape} should list the bags' start positions",
                )
            )
    else:
        raise ValueError(
            _advise(
                f"input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim}",
                "give a 1-D input with offsets, or a 2-D (bags, length) input",
            )
        )
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError(
                _advise(
                    "max mode does not support scaling the gradient by the frequency",
                    "use scale_grad_by_freq=False, or mode='sum' or 'mean'",
                )
            )
        if sparse:
            raise ValueError(
                _advise(
                    "max mode does not support sparse weights", "use sparse=False with mode='max'"
                )
            )
    elif mode not in _MODES:
        raise ValueError(
            _advise(
                "mode has to be one of sum, mean or max", f"got mode={mode!r}; use one of those"
            )
        )
    if psw is not None and mode != "sum":
        raise NotImplementedError(
            _advise(
                "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                "on GitHub.",
                "use mode='sum', or leave per_sample_weights out",
            )
        )
    if sparse:
        raise NotImplementedError(
            "embedding_bag(): sparse=True is not supported: minigrad has no sparse gradients "
            "(use sparse=False; the gradient is a dense tensor of weight's shape)"
        )
    kind = _promote(idx.dtype, off.dtype)
    if kind != np.int64 and kind != np.int32:
        raise RuntimeError(
            _advise(
                "Expected tensor for argument #1 'indices' to have one of the following scalar "
                f"types: Long, Int; but got torch.{torch_name(kind)}Tensor instead (while "
                "checking arguments for embedding_bag)",
                f"input is {torch_name(idx.dtype)} and offsets {torch_name(off.dtype)}; "
                "convert them first, e.g. input.long()",
            )
        )
    table = weight._data.dtype
    if table.kind != "f":
        raise RuntimeError(
            _advise(
                "Expected tensor for argument #1 'weight' to have one of the following scalar "
                f"types: Half, BFloat16, Float, Double; but got torch.{torch_name(table)}"
                "Tensor instead (while checking arguments for embedding_bag)",
                "the table must be floating point, e.g. weight.float()",
            )
        )
    if psw is not None and psw.dtype != weight.dtype:
        raise RuntimeError(
            _advise(
                "Expected tensor for argument #1 'weight' to have the same type as tensor for "
                f"argument #1 'per_sample_weights'; but type torch.{torch_name(table)}"
                f"Tensor does not equal torch.{torch_name(psw._data.dtype)}Tensor (while checking "
                "arguments for embedding_bag)",
                f"convert per_sample_weights to the weight's dtype: .to({weight.dtype})",
            )
        )
    n, dim = weight.shape
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise RuntimeError(
                _advise(
                    f"padding_idx must be within the number of embeddings, -{n} through "
                    f"{n - 1}, but got {padding_idx}",
                    "padding_idx is a row of the table",
                )
            )
        if padding_idx < 0:
            padding_idx += n
    flat = idx.reshape(-1).astype(np.int64, copy=False)
    bounds = off.astype(np.int64)
    length = flat.size
    if include_last_offset and bounds.size == 0:
        raise RuntimeError(
            _advise(
                "include_last_offset: number of offset should be at least 1",
                "offsets needs the end of the last bag, len(input), as its last element",
            )
        )
    if bounds.size and bounds[0] != 0:
        raise RuntimeError(
            _advise(
                "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                f"from position 0. However, got {bounds[0]}",
                "offsets are the bags' start positions in input",
            )
        )
    if bounds.size and bounds[-1] > length:
        raise RuntimeError(
            _advise(
                f"offsets[-1] can not be greater than input's length {length} but got "
                f"offsets[-1] of {bounds[-1]}",
                "each offset is a position in input",
            )
        )
    down = np.flatnonzero(np.diff(bounds) < 0)
    if down.size:
        i = int(down[0]) + 1
        raise RuntimeError(
            f"embedding_bag(): offsets must not decrease, but offsets[{i}] = {bounds[i]} comes "
            f"after offsets[{i - 1}] = {bounds[i - 1]} (each offset is where a bag starts in "
            "input, so they are in order; PyTorch's CPU kernel does not check and mixes the bags)"
        )
    if include_last_offset and bounds[-1] != length:
        raise RuntimeError(
            f"embedding_bag(): with include_last_offset=True, offsets[-1] is the end of the last "
            f"bag and must be input's length {length}, but got {bounds[-1]} (PyTorch's CPU "
            "kernels do not check, and disagree: float64's puts the rest of input in the last "
            "bag, float32's leaves it out; end offsets with len(input))"
        )
    bad = np.flatnonzero((flat < 0) | (flat >= n))
    if bad.size:
        at, value = int(bad[0]), int(flat[bad[0]])
        fast = weight.dtype == np.float32 and mode != "max" and padding_idx is None
        message = (  # (PyTorch's float32 sum and mean kernel words it its own way)
            f"Index {at} of input takes value {value} which is not in the valid range [0, {n})"
            if fast and psw is None
            else "embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be "
            f"{value}"
        )
        raise RuntimeError(
            _advise(message, f"indices must be rows of the table, in [0, {n}); input[{at}]")
        )

    if max_norm is not None:
        _renorm_rows(weight, flat, float(max_norm), float(norm_type))
    bags = bounds.size - (1 if include_last_offset else 0)
    # Bag b holds positions bounds[b] to bounds[b + 1] (the last to len(input)); none without
    # bags, so no position is used.
    sizes = np.diff(np.append(bounds[:bags], length))
    used = int(sizes.sum())
    bag = np.repeat(np.arange(bags), sizes)
    keep = np.arange(used) if padding_idx is None else np.flatnonzero(flat[:used] != padding_idx)
    rows_at, bag = flat[keep], bag[keep]
    if mode == "max":
        out = _bag_max(weight, rows_at, bag, bags, dim)
    else:
        rows = weight[rows_at]
        if scale_grad_by_freq:  # the gradient of each use of row r divided by r's count
            scale = 1.0 / np.bincount(flat, minlength=n)[rows_at]
            rows = scaled_gradient(rows, scale.reshape(-1, 1))
        if psw is not None:
            rows = rows * psw.reshape(-1)[keep].reshape(-1, 1)
        out = scatter(rows, (bag,), (bags, dim))
        if mode == "mean":
            count = np.maximum(np.bincount(bag, minlength=bags), 1)
            out = out / count.astype(weight.dtype).reshape(-1, 1)
    return labelled(out, "EmbeddingBagBackward0", weight)


def _bag_max(weight: Tensor, rows_at: np.ndarray, bag: np.ndarray, bags: int, dim: int) -> Any:
    """Each bag's column maxima, as ``weight[row, column]`` picks (zeros for an empty bag).

    The winning row of each (bag, column) is found in NumPy, all bags at once, as PyTorch's
    kernel walks a bag: the first entry holding the maximum (ties keep the earlier one); a NaN
    wins only as the bag's first entry (then nothing compares greater), elsewhere it loses
    every comparison."""
    values = weight._data[rows_at]
    full, first = np.unique(bag, return_index=True)
    if full.size:
        nan = np.isnan(values)
        plain = np.where(nan, -np.inf, values)
        peak = np.maximum.reduceat(plain, first, axis=0)[np.searchsorted(full, bag)]
        at = np.where(plain == peak, np.arange(len(bag)).reshape(-1, 1), len(bag))
        win = np.minimum.reduceat(at, first, axis=0)
        win = np.where(nan[first], first.reshape(-1, 1), win)
        winner = rows_at[win]
    else:
        winner = np.zeros((0, dim), dtype=np.int64)
    picked = weight[winner, np.arange(dim)]
    return picked if full.size == bags else scatter(picked, (full,), (bags, dim))
