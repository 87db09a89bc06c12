"""``default_collate`` (a list of samples to one batch) and ``default_convert`` (one sample's
NumPy arrays to Tensors), as PyTorch's ``DataLoader`` uses them."""

from __future__ import annotations

import copy
from collections.abc import Mapping, MutableMapping, MutableSequence, Sequence
from typing import Any

import numpy as np

from ...tensor import Tensor, _new_tensor, as_tensor, from_data
from ...validation import ShapeError, _stack_mismatch

_NOT_NUMBERS = "SUOaV"  # NumPy kinds of strings, bytes, objects and records: not batchable


def default_collate(samples: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, field by field.

    As PyTorch's ``default_collate``: Tensors, arrays and NumPy scalars are stacked along a new
    first axis (dtype kept); Python floats become float64, ints int64, bools bool; tuples and
    lists are collated per field into a list of batches (a named tuple stays one), dicts into
    a dict of batches; strings are kept as they come (a list of them, or a tuple inside a
    tuple or list sample, as in PyTorch).

    Raises:
        RuntimeError: samples whose shapes or numbers of fields differ (PyTorch's error; also a
            ValueError, what minigrad raised before).
        IndexError: no samples (PyTorch's ``list index out of range``).
        TypeError: a sample type it cannot stack (NumPy strings or objects included).
    """
    if len(samples) == 0:  # (PyTorch's error: it reads samples[0] first)
        raise IndexError(
            f"{type(samples).__name__} index out of range (default_collate: no samples to "
            "collate; a batch needs at least one sample)"
        )
    first = samples[0]
    if isinstance(first, (Tensor, np.ndarray, np.generic)):
        arrays = [s._data if isinstance(s, Tensor) else np.asarray(s) for s in samples]
        if arrays[0].dtype.kind in _NOT_NUMBERS:
            raise TypeError(
                "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                f"lists; found {arrays[0].dtype}"
            )
        if len({a.shape for a in arrays}) > 1:
            raise _stack_mismatch([a.shape for a in arrays])
        return from_data(np.stack(arrays))
    if isinstance(first, bool):
        return _new_tensor(np.array(samples, dtype=np.bool_), None)
    if isinstance(first, int):
        return _new_tensor(np.array(samples, dtype=np.int64), None)
    if isinstance(first, float):
        return _new_tensor(np.array(samples, dtype=np.float64), None)
    if isinstance(first, (str, bytes)):
        return samples
    if isinstance(first, Mapping):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        if len({len(s) for s in samples}) > 1:
            raise ShapeError(
                "each element in list of batch should be of equal size (default_collate: "
                f"samples have {sorted({len(s) for s in samples})} fields)"
            )
        fields = [default_collate(field) for field in zip(*samples, strict=True)]
        return type(first)(*fields) if hasattr(first, "_fields") else fields
    raise TypeError(
        "default_collate: cannot batch samples of type "
        f"{type(first).__name__}: batch must contain tensors, numpy arrays, numbers, dicts or "
        "lists"
    )


def default_convert(data: Any) -> Any:
    """Turn the NumPy arrays and scalars inside one sample into Tensors, keeping the rest.

    As PyTorch's ``default_convert``, what ``DataLoader(batch_size=None)`` applies to each
    sample instead of collating: Tensors and Python numbers are returned as they are, NumPy
    arrays (not of strings or objects) and NumPy scalars become Tensors of their dtype, and
    dicts, named tuples and lists are converted item by item (a plain tuple becomes a list).
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (np.ndarray, np.generic)):
        if data.dtype.kind in _NOT_NUMBERS:
            return data
        return as_tensor(data)  # shares an array's memory, as torch.as_tensor does
    if isinstance(data, Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        try:
            if isinstance(data, MutableMapping):
                # a copy keeps the mapping's own type and attributes (an OrderedDict...)
                clone = copy.copy(data)
                clone.update(converted)
                return clone
            return type(data)(converted)  # type: ignore[call-arg]
        except TypeError:
            return converted
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        items = [default_convert(d) for d in data]
        try:
            if isinstance(data, MutableSequence):
                seq = copy.copy(data)
                for i, d in enumerate(items):
                    seq[i] = d
                return seq
            return type(data)(items)  # type: ignore[call-arg]
        except TypeError:
            return items
    return data
