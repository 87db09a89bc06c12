"""``DataLoader`` with PyTorch's full signature, and ``get_worker_info``.

minigrad loads every batch in the calling process. The options of PyTorch's worker processes
and of pinned memory are accepted, checked as PyTorch checks them, and documented for what
they mean here (mostly: nothing changes, as with PyTorch's ``num_workers=0`` on a CPU).
"""

from __future__ import annotations

import multiprocessing
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from ...random import GeneratorLike
from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset, Subset, TensorDataset
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    _seeded_once,
)

# Attributes PyTorch's DataLoader refuses to change once built (its loop would not see them).
_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


def get_worker_info() -> None:
    """Information about the current loading worker process: always None in minigrad.

    PyTorch returns None in the main process and a ``WorkerInfo`` inside a worker; minigrad
    starts no workers (every batch is loaded in the calling process), so a dataset that shards
    itself by ``get_worker_info()`` takes its single-process branch and yields all its data
    once, as with PyTorch's ``num_workers=0``.
    """
    return None


class DataLoader:
    """Iterate over a dataset in mini-batches, with PyTorch's arguments and their checks.

    Batches: with ``batch_size`` (default 1) the samples' indices come from ``sampler``
    (default ``SequentialSampler``, or ``RandomSampler`` with ``shuffle=True``) grouped by a
    ``BatchSampler(sampler, batch_size, drop_last)``, or from your ``batch_sampler``; each
    batch is read and combined by ``collate_fn`` (default ``default_collate``). With
    ``batch_size=None`` there is no batching: each sample is passed through ``collate_fn``
    (default ``default_convert``, which turns NumPy arrays into Tensors). An
    ``IterableDataset`` is read in its own order and batched by ``batch_size``/``drop_last``.
    A ``TensorDataset`` (or a ``Subset`` of one) with the default collation is gathered a
    batch at a time by fancy indexing, with the same result as sample by sample.

    Randomness: ``shuffle=True`` draws a new permutation at the start of each epoch from
    ``generator`` (NumPy's PCG64 behind minigrad's generators, so the order differs from
    PyTorch's for the same seed; a seeded loader repeats its sequence of epochs run to run).

    Options for PyTorch's worker processes and devices, and what they do here:

    - ``num_workers``: checked (an int >= 0) and kept; every batch is loaded in the calling
      process, so any count gives the batches, in the order, of ``num_workers=0`` (PyTorch's
      workers deliver in order too). ``get_worker_info()`` is None inside the dataset.
    - ``worker_init_fn``: never called, as in PyTorch with ``num_workers=0`` (no worker starts).
    - ``prefetch_factor`` (2 by default with workers), ``persistent_workers``, ``timeout``,
      ``multiprocessing_context``, ``in_order``: checked as PyTorch checks them, kept as
      attributes, no effect; ``timeout > 0`` without workers fails at ``iter()`` as in PyTorch.
    - ``pin_memory``: no effect on the CPU. Each epoch warns, as torch does on a build with no
      accelerator, that pinned memory is not used; ``pin_memory_device`` warns that it is
      deprecated (torch's words).

    Args:
        dataset: a map-style ``Dataset`` (anything with ``__getitem__``, and ``__len__`` for
            the default samplers) or an ``IterableDataset``.
        batch_size: samples per batch, or None for no automatic batching.
        shuffle: a new random order each epoch (map-style datasets only).
        sampler: an iterable of indices (a ``Sampler``, a list...) giving the order.
        batch_sampler: an iterable of lists of indices, one list per batch; excludes
            ``batch_size``, ``shuffle``, ``sampler`` and ``drop_last``.
        num_workers: see above.
        collate_fn: combines a list of samples into a batch (or converts one sample when
            ``batch_size=None``).
        pin_memory: see above.
        drop_last: drop the last batch when it is smaller than ``batch_size``.
        timeout: see above; must be >= 0.
        worker_init_fn: see above.
        multiprocessing_context: a start method name or context; needs ``num_workers > 0``.
        generator: ``minigrad.Generator`` or ``numpy.random.Generator`` (shared, advanced in
            place), int seed (a private generator made once here), or None (minigrad's
            default generator, see ``minigrad.manual_seed``).
        prefetch_factor: needs ``num_workers > 0``; must be >= 0.
        persistent_workers: needs ``num_workers > 0``.
        pin_memory_device: see above.
        in_order: see above.

    Raises:
        ValueError: PyTorch's ``ValueError`` for each misuse (negative counts, options that
            need workers, a sampler with shuffle, ``batch_sampler`` with batch options,
            ``batch_size=None`` with ``drop_last``, samplers or shuffle with an
            ``IterableDataset``, a bad batch_size or drop_last, changing ``batch_size`` and
            the like after construction).
        TypeError: num_workers not an int, a bad generator or multiprocessing_context.
    """

    def __init__(
        self,
        dataset: Dataset[Any],
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler[Any] | Iterable[Any] | None = None,
        batch_sampler: Sampler[list[Any]] | Iterable[list[Any]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[Any], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: GeneratorLike = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        self._initialized = False
        if isinstance(num_workers, bool) or not isinstance(num_workers, (int, np.integer)):
            raise TypeError(f"DataLoader: num_workers must be an int, got {num_workers!r}")
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing."
                "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor "
                "to None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.num_workers = int(num_workers)
        self.multiprocessing_context = _context(multiprocessing_context, self.num_workers)
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.in_order = in_order
        self.generator = _seeded_once(generator, "DataLoader")

        # Checked before the samplers, as PyTorch does: an iterable dataset takes none.
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified shuffle option, "
                    f"but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified sampler option, "
                    f"but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler "
                    f"option, but got batch_sampler={batch_sampler}"
                )
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=self.generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            # BatchSampler checks batch_size and drop_last with PyTorch's messages.
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.shuffle = shuffle
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._len_called: int | None = None
        self._initialized = True

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FROZEN and getattr(self, "_initialized", False):
            raise ValueError(
                f"{name} attribute should not be set after {type(self).__name__} is initialized"
            )
        super().__setattr__(name, value)

    @property
    def _auto_collation(self) -> bool:
        """Whether samples are grouped into batches (batch_size or batch_sampler given)."""
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Any:
        """What yields the keys of one epoch: batches of indices, or single indices."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        """Batches per epoch; for an ``IterableDataset``, from ``len(dataset)`` as PyTorch
        computes it (a ``TypeError`` if the dataset has no length)."""
        if self._iterable:
            n = len(self.dataset)  # type: ignore[arg-type]
            self._len_called = n
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self._index_sampler)

    def __iter__(self) -> Iterator[Any]:
        """One epoch of batches; the order is drawn now, when the epoch begins."""
        if self.pin_memory and self.pin_memory_device:
            warnings.warn(
                "pin_memory_device is deprecated, the current accelerator will be used as the "
                f"device,ignore pin_memory_device='{self.pin_memory_device}'.",
                stacklevel=2,
            )
        if self.pin_memory:
            # minigrad computes on the CPU, where torch says the same and pins nothing.
            warnings.warn(
                "'pin_memory' argument is set as true but no accelerator is found, then device "
                "pinned memory won't be used.",
                stacklevel=2,
            )
        if self.timeout != 0 and self.num_workers == 0:
            raise AssertionError(
                f"DataLoader: timeout={self.timeout} waits for worker processes and needs "
                "num_workers > 0 (PyTorch: _SingleProcessDataLoaderIter requires timeout == 0)"
            )
        if self._iterable:
            return self._iterable_batches()
        return self._map_batches()

    def _map_batches(self) -> Iterator[Any]:
        dataset, collate = self.dataset, self.collate_fn
        if not self._auto_collation:
            for index in self.sampler:
                yield collate(dataset[index])
            return
        gather = _fast_batch(dataset) if collate is default_collate else None
        order = self._order() if gather is not None else None  # draws the epoch's order
        if gather is not None and order is not None:
            # The default BatchSampler over a known order: slice the order array, no Python
            # loop over samples.
            size = self.batch_size
            assert size is not None
            stop = (len(order) // size) * size if self.drop_last else len(order)
            for start in range(0, stop, size):
                yield list(gather(order[start : start + size]))  # a list, as PyTorch's
            return
        getitems = getattr(dataset, "__getitems__", None)
        for batch in self.batch_sampler:  # type: ignore[union-attr]
            if gather is not None:
                yield list(gather(np.asarray(batch, dtype=np.int64)))
            elif callable(getitems):
                yield collate(getitems(batch))
            else:
                yield collate([dataset[i] for i in batch])

    def _order(self) -> np.ndarray | None:
        """The epoch's indices as one array when the default BatchSampler wraps the sampler
        (only asked for a TensorDataset, whose keys are ints); None otherwise."""
        bs, sampler = self.batch_sampler, self.sampler
        if type(bs) is not BatchSampler or bs.sampler is not sampler:
            return None
        if type(sampler) in (SequentialSampler, RandomSampler):
            return sampler._order()  # type: ignore[union-attr]
        return np.fromiter(iter(sampler), dtype=np.int64)

    def _iterable_batches(self) -> Iterator[Any]:
        stream, collate, yielded = iter(self.dataset), self.collate_fn, 0
        while True:
            if self.batch_size is None:
                try:
                    batch = collate(next(stream))
                except StopIteration:
                    return
            else:
                samples = [s for _, s in zip(range(self.batch_size), stream, strict=False)]
                if not samples or (self.drop_last and len(samples) < self.batch_size):
                    return
                batch = collate(samples)
            yielded += 1
            if self._len_called is not None and yielded > self._len_called:
                warnings.warn(
                    f"Length of IterableDataset {self.dataset} was reported to be "
                    f"{self._len_called}(when accessing len(dataloader)), but {yielded} samples "
                    "have been fetched. ",
                    stacklevel=2,
                )
            yield batch


class _InfiniteConstantSampler(Sampler[None]):
    """The keys of an iterable dataset: None forever (the dataset chooses its own order)."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


def _context(context: Any, num_workers: int) -> Any:
    """PyTorch's checks of ``multiprocessing_context``; a start method's name becomes its
    context (no process is started)."""
    if context is None:
        return None
    if num_workers == 0:
        raise ValueError(
            "multiprocessing_context can only be used with multi-process loading "
            f"(num_workers > 0), but got num_workers={num_workers}"
        )
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise ValueError(
                f"multiprocessing_context option should specify a valid start method in "
                f"{methods!r}, but got multiprocessing_context={context!r}"
            )
        context = multiprocessing.get_context(context)
    if not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError(
            "multiprocessing_context option should be a valid context object or a string "
            f"specifying the start method, but got multiprocessing_context={context}"
        )
    return context


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
