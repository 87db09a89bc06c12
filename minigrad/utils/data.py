"""``minigrad.utils.data``: PyTorch's datasets, samplers, ``DataLoader`` and ``random_split``,
plus ``train_test_split``.

Every random choice (shuffling, splitting) draws from a `minigrad.Generator` or a
`numpy.random.Generator` the caller passes, an int seed, or minigrad's default generator;
never from NumPy's global state.
"""

from __future__ import annotations

import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import numpy as np

from .._missing import missing_attribute
from ..random import GeneratorLike, as_generator
from ..tensor import Tensor, _new_tensor, as_tensor, from_data

__all__ = [
    "DataLoader",
    "Dataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "default_collate",
    "random_split",
    "train_test_split",
]

T_co = TypeVar("T_co", covariant=True)


class Dataset(ABC, Generic[T_co]):
    """A sized collection of samples, indexed by position."""

    @abstractmethod
    def __getitem__(self, index: int) -> T_co:
        """Return sample `index` (0 <= index < len(self))."""

    @abstractmethod
    def __len__(self) -> int:
        """Return the number of samples."""


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

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(from_data(a[index]) for a in self.arrays)

    def __len__(self) -> int:
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

    def __getitem__(self, index: int) -> T_co:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


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
    n = len(dataset)
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


class Sampler(Generic[T_co]):
    """Base class of samplers: an iterable of dataset indices with a length."""

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """Indices ``0, 1, ..., len(data_source) - 1`` in order."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """A new random permutation of the indices each epoch (``replacement=True``: draws with
    replacement, ``num_samples`` of them)."""

    def __init__(
        self,
        data_source: Any,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: GeneratorLike = None,
    ) -> None:
        if num_samples is not None and (
            isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples <= 0
        ):
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )
        self.data_source = data_source
        self.replacement = bool(replacement)
        self._num_samples = num_samples
        self.generator = _seeded_once(generator, "RandomSampler")

    @property
    def num_samples(self) -> int:
        """How many indices an epoch yields (default: the dataset's length)."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n, gen = len(self.data_source), as_generator(self.generator, "RandomSampler")
        if self.replacement:
            return iter(gen.integers(0, n, size=self.num_samples).tolist())
        rounds = -(-self.num_samples // n) if n else 0
        perm = np.concatenate([gen.permutation(n) for _ in range(rounds)] or [np.arange(0)])
        return iter(perm[: self.num_samples].tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given indices, in a new random order each epoch."""

    def __init__(self, indices: Sequence[int], generator: GeneratorLike = None) -> None:
        self.indices = indices
        self.generator = _seeded_once(generator, "SubsetRandomSampler")

    def __iter__(self) -> Iterator[int]:
        gen = as_generator(self.generator, "SubsetRandomSampler")
        return iter([self.indices[i] for i in gen.permutation(len(self.indices)).tolist()])

    def __len__(self) -> int:
        return len(self.indices)


class DataLoader:
    """Iterate over a dataset in mini-batches.

    With `shuffle=True` each epoch (each `iter(loader)`) uses a fresh permutation drawn from
    the generator, so a seeded loader gives the same sequence of epochs every run; a `sampler`
    gives the order instead. A `TensorDataset` (or a `Subset` of one) is batched by
    fancy-indexing its arrays (no per-sample Python loop) and yields lists of Tensors, as
    PyTorch's collation does; other datasets, and any dataset given a `collate_fn`, are read
    sample by sample and combined with `collate_fn` (default: `default_collate`).

    Args:
        dataset: a `Dataset` (anything with `__getitem__(int)` and `__len__`).
        batch_size: samples per batch (the last one may be smaller).
        shuffle: visit samples in a new random order each epoch.
        sampler: an iterable of indices with a length (`RandomSampler`,
            `SubsetRandomSampler`, a list...) giving the order; excludes `shuffle`.
        drop_last: drop the last batch when it is smaller than `batch_size`.
        generator: `minigrad.Generator` or `numpy.random.Generator` (shared, advanced in
            place), int seed (a private generator made once here), or None (minigrad's
            default generator, see `minigrad.manual_seed`).
        collate_fn: combines a list of samples into a batch.
        num_workers: PyTorch's count of loading processes. minigrad loads every batch in
            the calling process, so any count gives the batches, in the order, of
            ``num_workers=0`` (as PyTorch's workers, which deliver in order, do); it is
            accepted so that programs written for PyTorch run.

    Raises:
        ValueError: batch_size is not a positive int, both `sampler` and `shuffle`, or a
            negative num_workers.
        TypeError: generator has an unsupported type, or num_workers is not an int.
    """

    def __init__(
        self,
        dataset: Dataset[Any],
        batch_size: int = 1,
        shuffle: bool = False,
        sampler: Iterable[int] | None = None,
        drop_last: bool = False,
        generator: GeneratorLike = None,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        num_workers: int = 0,
    ) -> None:
        if isinstance(num_workers, bool) or not isinstance(num_workers, (int, np.integer)):
            raise TypeError(f"DataLoader: num_workers must be an int, got {num_workers!r}")
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise ValueError(f"DataLoader: batch_size must be an int, got {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be >= 1, got {batch_size}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.sampler = sampler
        self.drop_last = bool(drop_last)
        self.generator = _seeded_once(generator, "DataLoader")
        self.collate_fn = collate_fn if collate_fn is not None else default_collate
        self.num_workers = int(num_workers)

    def __len__(self) -> int:
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        # Drawn here, not lazily, so the order is fixed as soon as the epoch begins.
        if self.sampler is not None:
            order = np.fromiter(iter(self.sampler), dtype=np.int64)
        elif self.shuffle:
            order = as_generator(self.generator, "DataLoader").permutation(n)
        else:
            order = np.arange(n)
        return self._batches(order)

    def _batches(self, order: np.ndarray) -> Iterator[Any]:
        stop = (len(order) // self.batch_size) * self.batch_size if self.drop_last else len(order)
        # A TensorDataset is gathered a batch at a time, unless a collate_fn of the user's
        # must see its samples (as PyTorch's loader always does).
        gather = _fast_batch(self.dataset) if self.collate_fn is default_collate else None
        if gather is not None:
            for start in range(0, stop, self.batch_size):
                yield list(gather(order[start : start + self.batch_size]))  # a list, as PyTorch
            return
        dataset = self.dataset
        for start in range(0, stop, self.batch_size):
            indices = order[start : start + self.batch_size]
            yield self.collate_fn([dataset[int(i)] for i in indices])


def _fast_batch(dataset: Any) -> Callable[[np.ndarray], Any] | None:
    """A whole-batch gather for a TensorDataset, or a Subset of one; None for other datasets."""
    # A subclass that overrides __getitem__ (say, to augment) must be read sample by sample.
    if isinstance(dataset, TensorDataset):
        return dataset.batch if type(dataset).__getitem__ is TensorDataset.__getitem__ else None
    if type(dataset) is Subset:
        inner = _fast_batch(dataset.dataset)
        if inner is not None:
            indices = np.asarray(dataset.indices, dtype=np.int64)
            return lambda order: inner(indices[order])
    return None


def default_collate(samples: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, field by field.

    As PyTorch's ``default_collate``: Tensors, arrays and NumPy scalars are stacked along a new
    first axis (dtype kept); Python floats become float64, ints int64, bools bool; tuples and
    lists are collated per field into a list of batches (a named tuple stays one), dicts into
    a dict of batches; strings are kept as a list.

    Raises:
        ValueError: the samples are empty, or their shapes or structures differ.
        TypeError: a sample type it cannot stack.
    """
    if len(samples) == 0:
        raise ValueError("default_collate: no samples to collate")
    first = samples[0]
    if isinstance(first, (Tensor, np.ndarray, np.generic)):
        arrays = [s._data if isinstance(s, Tensor) else np.asarray(s) for s in samples]
        shapes = {a.shape for a in arrays}
        if len(shapes) > 1:
            raise ValueError(f"default_collate: samples have different shapes {sorted(shapes)}")
        return from_data(np.stack(arrays))
    if isinstance(first, bool):
        return _new_tensor(np.array(samples, dtype=np.bool_), None)
    if isinstance(first, int):
        return _new_tensor(np.array(samples, dtype=np.int64), None)
    if isinstance(first, float):
        return _new_tensor(np.array(samples, dtype=np.float64), None)
    if isinstance(first, str):
        return list(samples)
    if isinstance(first, Mapping):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        if len({len(s) for s in samples}) > 1:
            raise ValueError("default_collate: samples have different numbers of fields")
        fields = [default_collate(list(field)) for field in zip(*samples, strict=True)]
        return type(first)(*fields) if hasattr(first, "_fields") else fields
    raise TypeError(f"default_collate: cannot batch samples of type {type(first).__name__}")


def train_test_split(
    *arrays: Any,
    test_size: float | int = 0.2,
    stratify: Any = None,
    shuffle: bool = True,
    generator: GeneratorLike = None,
) -> list[Any]:
    """Split arrays (rows) into random train and test parts.

    Args:
        *arrays: Tensors or array-likes with the same first dimension N.
        test_size: fraction of rows in (0, 1) (rounded up, ignoring float noise) or a count.
        stratify: labels (N,) or one-hot rows (N, C); each class is split in proportion, the
            per-class test counts summing exactly to the test size (largest remainder).
        shuffle: if False, the last rows are the test set, in order (no stratify allowed).
        generator: `minigrad.Generator`, `numpy.random.Generator`, int seed, or None
            (minigrad's default generator).

    Returns:
        `[a_train, a_test, b_train, b_test, ...]`, like scikit-learn. Tensors give Tensors
        (new, not requiring grad); anything else gives ndarrays.

    Raises:
        ValueError: no arrays, lengths differ, or test_size leaves an empty part.
        TypeError: generator has an unsupported type.
    """
    if not arrays:
        raise ValueError("train_test_split: needs at least one array")
    data = [a._data if isinstance(a, Tensor) else np.asarray(a) for a in arrays]
    if any(d.ndim == 0 for d in data):
        raise ValueError("train_test_split: arrays must have a first dimension")
    lengths = [len(d) for d in data]
    labels = None
    if stratify is not None:
        labels = stratify._data if isinstance(stratify, Tensor) else np.asarray(stratify)
        lengths.append(len(labels))
    if len(set(lengths)) != 1:
        shapes = [d.shape for d in data] + ([labels.shape] if labels is not None else [])
        raise ValueError(f"train_test_split: arrays (and stratify) differ in length: {shapes}")
    n = lengths[0]
    n_test = _test_count(test_size, n)
    gen = as_generator(generator, "train_test_split")

    if not shuffle:
        if labels is not None:
            raise ValueError("train_test_split: stratify needs shuffle=True")
        train_idx, test_idx = np.arange(n - n_test), np.arange(n - n_test, n)
    elif labels is None:
        perm = gen.permutation(n)
        test_idx, train_idx = perm[:n_test], perm[n_test:]
    else:
        train_idx, test_idx = _stratified(labels, n_test, gen)

    out: list[Any] = []
    for original, d in zip(arrays, data, strict=True):
        for idx in (train_idx, test_idx):
            out.append(from_data(d[idx]) if isinstance(original, Tensor) else d[idx])
    return out


# ---------------------------------------------------------------------------------------------
# helpers


def _seeded_once(generator: GeneratorLike, where: str) -> GeneratorLike:
    """``generator`` checked now but resolved at each use (so a later ``manual_seed()`` still
    governs None or a Generator); an int seed becomes one generator now, so successive epochs
    differ yet stay seeded."""
    if isinstance(generator, int | np.integer) and not isinstance(generator, bool):
        return np.random.default_rng(int(generator))
    as_generator(generator, where)  # raises on any other type, naming `where`
    return generator


def _test_count(test_size: float | int, n: int) -> int:
    if isinstance(test_size, bool):
        raise ValueError(f"train_test_split: test_size must be a number, got {test_size!r}")
    if isinstance(test_size, (int, np.integer)):
        n_test = int(test_size)
    elif isinstance(test_size, (float, np.floating)) and 0.0 < test_size < 1.0:
        # round() first so float noise (0.07 * 100 = 7.000000000000001) does not add a row.
        n_test = math.ceil(round(float(test_size) * n, 9))
    else:
        raise ValueError(
            f"train_test_split: test_size must be a fraction in (0, 1) or a count, "
            f"got {test_size!r}"
        )
    if not 0 < n_test < n:
        raise ValueError(
            f"train_test_split: test_size={test_size!r} with {n} rows gives {n_test} test and "
            f"{n - n_test} train rows; both parts must be non-empty"
        )
    return n_test


def _stratified(
    labels: np.ndarray, n_test: int, gen: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Per-class test counts proportional to class size, summing to n_test exactly."""
    flat = labels.reshape(len(labels), -1)  # one-hot or multi-column labels: a row is a class
    _, inverse, counts = np.unique(flat, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    ideal = counts * (n_test / len(labels))
    take = np.floor(ideal).astype(np.int64)
    # Hand the leftover rows to the classes with the largest fractional parts (stable order).
    leftover = n_test - int(take.sum())
    take[np.argsort(-(ideal - take), kind="stable")[:leftover]] += 1
    train_parts, test_parts = [], []
    for c, k in enumerate(take):
        members = gen.permutation(np.flatnonzero(inverse == c))
        test_parts.append(members[:k])
        train_parts.append(members[k:])
    # Mix the classes so neither part is sorted by label.
    return gen.permutation(np.concatenate(train_parts)), gen.permutation(np.concatenate(test_parts))


# A PyTorch name this module does not have: the error says so and points to the docs.
__getattr__ = missing_attribute("minigrad.utils.data", "torch.utils.data")
