"""``torch.nn.utils.rnn``: minigrad has no packed sequences. Each name raises saying so and what
to do instead (pad the batch into one Tensor), so that code using them fails clearly rather
than at some later, unrelated line."""

from __future__ import annotations

from typing import Any, NoReturn

from ..._missing import missing_attribute

__all__ = ["PackedSequence", "pack_padded_sequence", "pack_sequence", "pad_packed_sequence"]

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


__getattr__ = missing_attribute("minigrad.nn.utils.rnn", "torch.nn.utils.rnn")
