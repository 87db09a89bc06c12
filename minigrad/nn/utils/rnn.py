"""``torch.nn.utils.rnn``: ``pad_sequence`` joins sequences of different lengths into one padded
Tensor. minigrad has no packed sequences: each of those names raises saying so and what to do
instead (pad the batch into one Tensor), so that code using them fails clearly rather than at
some later, unrelated line."""

from __future__ import annotations

from typing import Any, NoReturn

from ..._missing import missing_attribute
from ...creation import full
from ...functions import cat, stack
from ...tensor import Tensor

__all__ = [
    "PackedSequence",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
]

ADVICE = (
    "minigrad does not have packed sequences (torch.nn.utils.rnn.{name}): pass the "
    "recurrent layer a padded Tensor of shape (L, N, H_in), or (N, L, H_in) with "
    "batch_first=True, and read each sequence's output at its own last step (or run the "
    "sequences one at a time)"
)


def _refuse(name: str) -> NoReturn:
    raise NotImplementedError(ADVICE.format(name=name))


class PackedSequence:
    """PyTorch's packed batch of variable-length sequences: not in minigrad (making one
    raises NotImplementedError, saying what to do instead)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> PackedSequence:
        _refuse("PackedSequence")


def pack_padded_sequence(
    input: Any, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """PyTorch's packing of a padded batch: not in minigrad (raises NotImplementedError)."""
    _refuse("pack_padded_sequence")


def pad_packed_sequence(
    sequence: Any,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Any, Any]:
    """PyTorch's unpacking into a padded batch: not in minigrad (raises
    NotImplementedError)."""
    _refuse("pad_packed_sequence")


def pack_sequence(sequences: Any, enforce_sorted: bool = True) -> PackedSequence:
    """PyTorch's packing of a list of sequences: not in minigrad (raises
    NotImplementedError)."""
    _refuse("pack_sequence")


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


__getattr__ = missing_attribute("minigrad.nn.utils.rnn", "torch.nn.utils.rnn")
