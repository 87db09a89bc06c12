"""Samplers as PyTorch's ``torch.utils.data.sampler`` has them: the order (or the batches) of
the indices a ``DataLoader`` reads.

Randomness comes from minigrad's generators (NumPy's PCG64), so a seed gives other orders than
the same seed in PyTorch; each sampler yields the same sequence of epochs for the same seed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import numpy as np

from ...creation import multinomial
from ...random import GeneratorLike, as_generator
from ...tensor import Tensor

T_co = TypeVar("T_co", covariant=True)


class Sampler(Generic[T_co]):
    """Base class of samplers: an iterable of dataset indices (or of batches) with a length."""

    def __iter__(self) -> Iterator[T_co]:
        """Yield the indices of one epoch; a subclass must implement it."""
        raise NotImplementedError

    def __len__(self) -> int:
        """How many items an epoch yields; a subclass that knows it implements it."""
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """Indices ``0, 1, ..., len(data_source) - 1`` in order."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        """``0, 1, ..., n - 1``."""
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        """The data source's length."""
        return len(self.data_source)

    def _order(self) -> np.ndarray:
        return np.arange(len(self.data_source))


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
        if not isinstance(replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        if num_samples is not None and (
            isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples <= 0
        ):
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = _seeded_once(generator, "RandomSampler")

    @property
    def num_samples(self) -> int:
        """How many indices an epoch yields (default: the dataset's length)."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        """The indices of one epoch, drawn when the epoch begins."""
        return iter(self._order().tolist())

    def __len__(self) -> int:
        """``num_samples``."""
        return self.num_samples

    def _order(self) -> np.ndarray:
        n, gen = len(self.data_source), as_generator(self.generator, "RandomSampler")
        if self.replacement:
            return gen.integers(0, n, size=self.num_samples)
        rounds = -(-self.num_samples // n) if n else 0
        perm = np.concatenate([gen.permutation(n) for _ in range(rounds)] or [np.arange(0)])
        return perm[: self.num_samples]


class SubsetRandomSampler(Sampler[int]):
    """The given indices, in a new random order each epoch."""

    def __init__(self, indices: Sequence[int], generator: GeneratorLike = None) -> None:
        self.indices = indices
        self.generator = _seeded_once(generator, "SubsetRandomSampler")

    def __iter__(self) -> Iterator[int]:
        """The indices, permuted."""
        gen = as_generator(self.generator, "SubsetRandomSampler")
        return iter([self.indices[i] for i in gen.permutation(len(self.indices)).tolist()])

    def __len__(self) -> int:
        """The number of indices."""
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """``num_samples`` indices of ``range(len(weights))``, each drawn with probability
    proportional to its weight (the classic fix for imbalanced classes: weight = 1 / count
    of the sample's class).

    Args:
        weights: 1-D non-negative weights, not necessarily summing to 1.
        num_samples: how many indices an epoch yields.
        replacement: draw with replacement (default); without, an index is drawn at most once
            and ``num_samples`` may not exceed the number of weights: past the positive ones,
            indices of weight 0 follow, as in PyTorch.
        generator: ``minigrad.Generator``, ``numpy.random.Generator``, int seed (one private
            generator made here, so epochs differ yet repeat run to run) or None (minigrad's
            default generator).

    Raises:
        ValueError: num_samples not a positive int, replacement not a bool, weights not 1-D
            (PyTorch's messages).
        RuntimeError: when iterated, negative, non-finite or all-zero weights, or more
            samples than weights without replacement (``multinomial``'s errors, as in PyTorch).
    """

    def __init__(
        self,
        weights: Sequence[float] | Tensor | np.ndarray,
        num_samples: int,
        replacement: bool = True,
        generator: GeneratorLike = None,
    ) -> None:
        if (
            not isinstance(num_samples, int | np.integer)
            or isinstance(num_samples, bool)
            or num_samples <= 0
        ):
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        data = weights._data if isinstance(weights, Tensor) else np.asarray(weights)
        w = data.astype(np.float64)
        if w.ndim != 1:
            raise ValueError(
                f"weights should be a 1d sequence but given weights have shape {tuple(w.shape)}"
            )
        self.weights = Tensor(w)  # float64, as PyTorch's ``torch.as_tensor(weights, double)``
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = _seeded_once(generator, "WeightedRandomSampler")

    def __iter__(self) -> Iterator[int]:
        """The indices of one epoch, drawn when the epoch begins."""
        drawn = multinomial(
            self.weights, self.num_samples, self.replacement, generator=self.generator
        )
        return iter(drawn.tolist())

    def __len__(self) -> int:
        """``num_samples``."""
        return self.num_samples


class BatchSampler(Sampler[list[int]]):
    """Group the indices of ``sampler`` into lists of ``batch_size`` (the last one shorter
    unless ``drop_last``).

    ``list(BatchSampler(range(10), 3, False))`` is ``[[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]``.

    Raises:
        ValueError: batch_size not a positive int, or drop_last not a bool (PyTorch's messages).
    """

    def __init__(
        self, sampler: Sampler[Any] | Iterable[Any], batch_size: int, drop_last: bool
    ) -> None:
        if (
            not isinstance(batch_size, int | np.integer)
            or isinstance(batch_size, bool)
            or batch_size <= 0
        ):
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        """Lists of indices, in the sampler's order."""
        it = iter(self.sampler)
        while batch := list(itertools.islice(it, self.batch_size)):
            if self.drop_last and len(batch) < self.batch_size:
                return
            yield batch

    def __len__(self) -> int:
        """The number of batches (the sampler must have a length)."""
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def _seeded_once(generator: GeneratorLike, where: str) -> GeneratorLike:
    """``generator`` checked now but resolved at each use (so a later ``manual_seed()`` still
    governs None or a Generator); an int seed becomes one generator now, so successive epochs
    differ yet stay seeded."""
    if isinstance(generator, int | np.integer) and not isinstance(generator, bool):
        return np.random.default_rng(int(generator))
    as_generator(generator, where)  # raises on any other type, naming `where`
    return generator
