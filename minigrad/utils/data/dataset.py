"""Datasets as PyTorch's ``torch.utils.data.dataset`` has them: map-style (``Dataset``,
``TensorDataset``, ``Subset``, ``ConcatDataset``, ``StackDataset``), iterable-style
(``IterableDataset``, ``ChainDataset``) and ``random_split``."""

from __future__ import annotations

import bisect
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import numpy as np

from ...random import GeneratorLike, as_generator
from ...tensor import Tensor, as_tensor, from_data

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map-style dataset: samples indexed by key (usually ``0 <= index < len(self)``).

    As in PyTorch, a subclass implements ``__getitem__`` and, for the default samplers of
    ``DataLoader``, ``__len__``; it may add ``__getitems__(indices)`` to fetch a whole batch at
    once (``DataLoader`` then calls it). ``a + b`` is ``ConcatDataset([a, b])``.
    """

    def __getitem__(self, index: Any) -> T_co:
        """Return the sample at ``index``; a subclass must implement it."""
        raise NotImplementedError(
            f"Subclasses of Dataset should implement __getitem__ ({type(self).__name__} does not)."
        )

    def __add__(self, other: Dataset[T_co]) -> ConcatDataset[T_co]:
        """``ConcatDataset([self, other])``: the samples of ``self``, then those of ``other``."""
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co]):
    """An iterable-style dataset: samples come from ``iter(dataset)``, in the dataset's order.

    A subclass implements ``__iter__`` (and may implement ``__len__``). ``DataLoader`` batches
    such a dataset by ``batch_size``/``drop_last`` and refuses samplers and ``shuffle``, as
    PyTorch does. minigrad loads in the calling process, so ``get_worker_info()`` is None
    inside ``__iter__`` and the whole stream is read once (PyTorch's ``num_workers=0``).
    ``a + b`` is ``ChainDataset([a, b])``.
    """

    def __iter__(self) -> Iterator[T_co]:
        """Yield the samples; a subclass must implement it."""
        raise NotImplementedError(
            f"Subclasses of IterableDataset should implement __iter__ "
            f"({type(self).__name__} does not)."
        )

    def __add__(self, other: Dataset[T_co]) -> ChainDataset:  # type: ignore[override]
        """``ChainDataset([self, other])``: the stream of ``self``, then that of ``other``."""
        return ChainDataset([self, other])


class TensorDataset(Dataset[tuple[Tensor, ...]]):
    """Samples are rows of one or more tensors that share their first dimension.

    The data is held as plain arrays: samples and batches are new Tensors that never require
    grad, so a dataset is never part of a graph.

    Args:
        *tensors: Tensors or arrays (anything `as_tensor(...)` accepts), all of length N.

    Raises:
        ValueError: no tensors, a 0-d tensor, or first dimensions that differ.
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor")
        arrays = [as_tensor(t)._data for t in tensors]
        shapes = [a.shape for a in arrays]
        if any(len(s) == 0 for s in shapes):
            raise ValueError(f"TensorDataset: tensors must have a first dimension, got {shapes}")
        if len({s[0] for s in shapes}) != 1:
            raise ValueError(
                f"TensorDataset: all tensors must have the same first dimension, got shapes "
                f"{', '.join(str(s) for s in shapes)}"
            )
        self.arrays: tuple[np.ndarray, ...] = tuple(arrays)

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        """Row ``index`` of every tensor, as a tuple of new Tensors."""
        return tuple(from_data(a[index]) for a in self.arrays)

    def __len__(self) -> int:
        """The shared first dimension."""
        return len(self.arrays[0])

    def batch(self, indices: np.ndarray) -> tuple[Tensor, ...]:
        """Rows `indices` of every tensor, gathered by one fancy index per tensor."""
        return tuple(from_data(a[indices]) for a in self.arrays)


class Subset(Dataset[T_co]):
    """The samples of ``dataset`` at ``indices``, in that order (what ``random_split`` returns).

    Args:
        dataset: the whole dataset.
        indices: positions in ``dataset`` (a sequence of ints).
    """

    def __init__(self, dataset: Dataset[T_co], indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index: Any) -> T_co:
        """Sample ``indices[index]`` of the dataset (a list of positions gives a list's worth)."""
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices: list[int]) -> list[T_co]:
        """The samples at ``indices`` (PyTorch's batched fetch, passed on to the dataset)."""
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        """The number of indices."""
        return len(self.indices)


class ConcatDataset(Dataset[T_co]):
    """The samples of several map-style datasets, one after the other (``a + b``).

    Args:
        datasets: the datasets (each with ``__len__``), in order.

    Raises:
        AssertionError: no datasets, or an ``IterableDataset`` among them (PyTorch's error;
            chain those with ``ChainDataset``).
    """

    def __init__(self, datasets: Iterable[Dataset[Any]]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError(
                    "ConcatDataset does not support IterableDataset (use ChainDataset)"
                )
        self.cumulative_sizes = self.cumsum(self.datasets)

    @staticmethod
    def cumsum(sequence: Iterable[Any]) -> list[int]:
        """Running totals of the lengths: where each dataset ends in the concatenation."""
        out, total = [], 0
        for d in sequence:
            total += len(d)
            out.append(total)
        return out

    def __len__(self) -> int:
        """The sum of the lengths."""
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> T_co:
        """Sample ``idx`` of the concatenation (negative counts from the end)."""
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset[Any]):
    """The streams of several iterable datasets, one after the other, read lazily.

    Args:
        datasets: ``IterableDataset``s; anything else raises PyTorch's ``AssertionError`` when
            iterated or measured.
    """

    def __init__(self, datasets: Iterable[Dataset[Any]]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        """Every sample of the first dataset, then of the next..."""
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        """The sum of the datasets' lengths (each must have ``__len__``)."""
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)  # type: ignore[arg-type]
        return total


class StackDataset(Dataset[Any]):
    """Sample ``i`` of several equally long datasets side by side, as a tuple or a dict.

    ``StackDataset(a, b)[i]`` is ``(a[i], b[i])``; ``StackDataset(x=a, y=b)[i]`` is
    ``{"x": a[i], "y": b[i]}``.

    Raises:
        ValueError: no datasets, both positional and keyword datasets, or lengths that differ
            (PyTorch's messages).
    """

    datasets: tuple[Dataset[Any], ...] | dict[str, Dataset[Any]]

    def __init__(self, *args: Dataset[Any], **kwargs: Dataset[Any]) -> None:
        if args and kwargs:
            raise ValueError(
                "Supported either ``tuple``- (via ``args``) or"
                "``dict``- (via ``kwargs``) like input/output, but both types are given."
            )
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        parts: list[Any] = list(args) if args else list(kwargs.values())
        self._length: int = len(parts[0])
        if any(self._length != len(d) for d in parts):
            raise ValueError("Size mismatch between datasets")
        self.datasets = args if args else kwargs

    def __getitem__(self, index: Any) -> Any:
        """``(d[index] for each dataset)`` as a tuple, or a dict by keyword."""
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices: list[int]) -> list[Any]:
        """The samples at ``indices``, each dataset read by its own ``__getitems__`` if any."""
        named = self.datasets if isinstance(self.datasets, dict) else dict(enumerate(self.datasets))
        columns = {}
        for key, d in named.items():
            getitems = getattr(d, "__getitems__", None)
            items = getitems(indices) if callable(getitems) else [d[i] for i in indices]
            if len(items) != len(indices):
                raise ValueError(
                    "Nested dataset's output size mismatch."
                    f" Expected {len(indices)}, got {len(items)}"
                )
            columns[key] = items
        rows = range(len(indices))
        if isinstance(self.datasets, dict):
            return [{k: columns[k][r] for k in columns} for r in rows]
        return [tuple(columns[k][r] for k in columns) for r in rows]

    def __len__(self) -> int:
        """The datasets' common length."""
        return self._length


def random_split(
    dataset: Dataset[T_co],
    lengths: Sequence[int | float],
    generator: GeneratorLike = None,
) -> list[Subset[T_co]]:
    """Split ``dataset`` into non-overlapping random subsets of the given lengths.

    Args:
        dataset: the dataset to split.
        lengths: sizes that sum to ``len(dataset)``, or fractions that sum to 1: each part
            gets ``floor(n * fraction)`` samples and the remainder is dealt one by one to the
            parts in order, as PyTorch does.
        generator: ``minigrad.Generator``, ``numpy.random.Generator``, int seed, or None
            (minigrad's default generator). The permutation is NumPy's, so the parts differ
            from PyTorch's for the same seed.

    Returns:
        One ``Subset`` per length.

    Raises:
        ValueError: lengths that are negative, or do not sum to the dataset's length (or 1).
        TypeError: generator has an unsupported type.
    """
    gen = as_generator(generator, "random_split")
    n = len(dataset)  # type: ignore[arg-type]
    lengths = list(lengths)
    if any(isinstance(x, bool) or not isinstance(x, int | float | np.number) for x in lengths):
        raise ValueError(f"random_split: lengths must be ints or fractions, got {lengths!r}")
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        sizes = [math.floor(n * frac) for frac in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    UserWarning,
                    stacklevel=2,
                )
    else:
        if any(x != int(x) or x < 0 for x in lengths):
            raise ValueError(
                f"random_split: lengths must be non-negative ints, or fractions summing to 1; "
                f"got {lengths!r}"
            )
        sizes = [int(x) for x in lengths]
    if sum(sizes) != n:
        raise ValueError(
            "Sum of input lengths does not equal the length of the input dataset! "
            f"(lengths {lengths!r} sum to {sum(lengths)}, the dataset has {n} samples)"
        )
    perm = gen.permutation(n).tolist()
    out, offset = [], 0
    for size in sizes:
        out.append(Subset(dataset, perm[offset : offset + size]))
        offset += size
    return out
