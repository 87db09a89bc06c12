"""``torch.nn.utils.rnn``: batches of sequences of different lengths.

``pad_sequence`` joins them into one padded Tensor. A ``PackedSequence`` holds them without the
padding, time step after time step (``data``: the first step of every sequence, then the second
step of those at least two long, ...; ``batch_sizes``: how many sequences each step has), as
PyTorch packs them: ``pack_padded_sequence`` and ``pack_sequence`` make one, the recurrent
layers take one (each sequence stops at its own length, so ``h_n`` is its state at its last
step) and give one back, and ``pad_packed_sequence`` pads it again. Packing and unpacking are
indexing, so gradients flow through them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..._missing import missing_attribute
from ...creation import full
from ...functions import cat, stack, where
from ...tensor import Tensor, as_tensor

__all__ = [
    "PackedSequence",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpack_sequence",
    "unpad_sequence",
]


class PackedSequence(NamedTuple):
    """Sequences of different lengths, packed: ``data`` holds time step 0 of every sequence,
    then step 1 of the sequences at least two long, and so on, longest sequence first;
    ``batch_sizes[t]`` is how many sequences have a step t. With ``enforce_sorted=False`` the
    sequences were sorted by length first: ``sorted_indices`` gives the original index of each
    packed sequence and ``unsorted_indices`` the way back (both None when the input was sorted
    already). Made by ``pack_padded_sequence`` or ``pack_sequence``, not by hand."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same sequences with ``data.to(*args, **kwargs)`` (a dtype or the CPU)."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def cpu(self) -> PackedSequence:
        return self

    def float(self) -> PackedSequence:
        return self._replace(data=self.data.float())

    def double(self) -> PackedSequence:
        return self._replace(data=self.data.double())

    @property
    def is_cuda(self) -> bool:
        """False: minigrad computes on the CPU."""
        return False

    def is_pinned(self) -> bool:
        return False


def _lengths(lengths: Any) -> np.ndarray:
    """``lengths`` (a list or a tensor) as a 1-D int64 array, or PyTorch's error."""
    if isinstance(lengths, Tensor):
        lengths = lengths._data
    out = np.asarray(lengths)
    if out.ndim != 1 or out.dtype.kind not in "iuf":
        raise RuntimeError(
            "'lengths' argument should be a 1D CPU int64 tensor, but got "
            f"{out.ndim}D lengths of dtype {out.dtype}"
        )
    return out.astype(np.int64)


def _steps_mask(lengths: np.ndarray, steps: int) -> np.ndarray:
    """(steps, N) bool: True where sequence n has a time step t."""
    return np.arange(steps)[:, None] < lengths[None, :]


def _index(values: np.ndarray) -> Tensor:
    return as_tensor(np.asarray(values, dtype=np.int64))


def pack_padded_sequence(
    input: Tensor, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack the padded batch ``input`` (L, N, *) ((N, L, *) with ``batch_first``) of sequences
    of ``lengths`` (one per sequence, each in [1, L]).

    Args:
        input: the padded batch; its padding is never read.
        lengths: a list or 1-D tensor of N lengths.
        batch_first: whether the batch is dim 0.
        enforce_sorted: require lengths in decreasing order (else they are sorted here, and
            the recurrent layers and ``pad_packed_sequence`` put the sequences back in order).

    Raises:
        RuntimeError: PyTorch's errors for lengths not in decreasing order (with
            ``enforce_sorted``), a length of 0 or less, or a number of lengths other than N.
        ValueError: for a length longer than the input (PyTorch reads past the input's end).
    """
    x = as_tensor(input)
    n = _lengths(lengths)
    if x.ndim < 2:
        raise RuntimeError(
            f"pack_padded_sequence(): input must have at least 2 dimensions (time and batch), "
            f"got {x.ndim}"
        )
    if batch_first:
        x = x.transpose(0, 1)
    if len(n) != x.shape[1]:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {len(n)} "
            f"(batch_size={x.shape[1]})"
        )
    sorted_indices = unsorted_indices = None
    if enforce_sorted:
        if np.any(n[1:] > n[:-1]):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability."
            )
    else:
        order = np.argsort(-n, kind="stable")  # longest first, ties in their order (as torch)
        sorted_indices, unsorted_indices = _index(order), _index(np.argsort(order))
        n = n[order]
        x = x.index_select(1, sorted_indices)
    if n.size and n[-1] <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' "
            "that is <= 0"
        )
    if n.size and n[0] > x.shape[0]:
        raise ValueError(
            f"pack_padded_sequence(): a length of {n[0]} is longer than the input's "
            f"{x.shape[0]} time steps"
        )
    mask = _steps_mask(n, int(n[0]) if n.size else 0)
    data = x[: mask.shape[0]][mask]  # time-major: step t of each sequence that has one
    return PackedSequence(data, _index(mask.sum(axis=1)), sorted_indices, unsorted_indices)


def _padded(sequence: PackedSequence, padding_value: float, steps: int) -> tuple[Tensor, Any]:
    """The packed sequences as a (steps, N, *) batch in packed (sorted) order, and the (steps,
    N) mask of real time steps."""
    sizes = sequence.batch_sizes._data
    mask = np.arange(int(sizes[0]) if sizes.size else 0)[None, :] < sizes[:, None]
    if steps > mask.shape[0]:
        mask = np.concatenate([mask, np.zeros((steps - mask.shape[0], mask.shape[1]), bool)])
    where_in_data = np.zeros(mask.shape, np.int64)
    where_in_data[mask] = np.arange(int(mask.sum()))
    data = sequence.data
    picked = data[_index(where_in_data.reshape(-1))].reshape((*mask.shape, *data.shape[1:]))
    keep = mask.reshape((*mask.shape, *(1,) * (data.ndim - 1)))
    return where(as_tensor(keep), picked, padding_value), mask


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """The packed sequences as a padded batch (L, N, *) ((N, L, *) with ``batch_first``) in
    their original order, and their lengths (int64).

    Args:
        sequence: a ``PackedSequence``.
        batch_first: put the batch on dim 0.
        padding_value: the value after each sequence's end.
        total_length: pad to this many steps (at least the longest sequence's).

    Raises:
        ValueError: PyTorch's error for a ``total_length`` shorter than the longest sequence.
    """
    if not isinstance(sequence, PackedSequence):
        raise TypeError(
            f"pad_packed_sequence(): expected a PackedSequence, got {type(sequence).__name__}"
        )
    longest = len(sequence.batch_sizes._data)
    if total_length is not None:
        if total_length < longest:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{longest}"
            )
    padded, mask = _padded(
        sequence, padding_value, longest if total_length is None else total_length
    )
    lengths = mask.sum(axis=0)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices._data]
    return (padded.transpose(0, 1) if batch_first else padded), _index(lengths)


def pack_sequence(sequences: list[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of (L_i, *) tensors: ``pack_padded_sequence(pad_sequence(sequences),
    lengths, enforce_sorted=enforce_sorted)``."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def pad_sequence(
    sequences: Tensor | list[Tensor],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack sequences of shapes (L_i, *) into one (L_max, B, *) tensor, or (B, L_max, *) with
    ``batch_first``, each filled with ``padding_value`` after its end ("right") or before its
    start ("left"). Recorded: gradients reach every sequence.

    Raises:
        ValueError: for a ``padding_side`` other than "left" or "right".
        RuntimeError: for no sequences, or sequences whose trailing shapes differ.
    """
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    seqs = list(sequences.unbind(0)) if isinstance(sequences, Tensor) else list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    trailing = tuple(seqs[0].shape[1:])
    for s in seqs:
        if tuple(s.shape[1:]) != trailing:
            raise RuntimeError(
                "The size of tensor a must match the size of tensor b at non-singleton "
                f"dimension: pad_sequence got sequences of shapes {tuple(seqs[0].shape)} and "
                f"{tuple(s.shape)} (all but the first dimension must agree)"
            )
    longest = max(s.shape[0] for s in seqs)
    padded = []
    for s in seqs:
        pad = full((longest - s.shape[0], *trailing), padding_value, dtype=s.dtype)
        padded.append(cat([s, pad] if padding_side == "right" else [pad, s]))
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(
    padded_sequences: Tensor, lengths: Any, batch_first: bool = False
) -> list[Tensor]:
    """The sequences of a padded batch, each cut to its length: a list of (L_i, *) tensors
    (the inverse of ``pad_sequence``)."""
    x = as_tensor(padded_sequences)
    if not batch_first:
        x = x.transpose(0, 1)
    n = _lengths(lengths)
    if len(n) != x.shape[0]:
        raise RuntimeError(
            f"unpad_sequence(): got {len(n)} lengths for a batch of {x.shape[0]} sequences"
        )
    return [x[i, : int(k)] for i, k in enumerate(n)]


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The sequences of a ``PackedSequence`` as a list of (L_i, *) tensors, in their original
    order (the inverse of ``pack_sequence``)."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


__getattr__ = missing_attribute("minigrad.nn.utils.rnn", "torch.nn.utils.rnn")
