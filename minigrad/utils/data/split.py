"""``train_test_split``: scikit-learn's split of arrays into random train and test rows, with
stratification."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...random import GeneratorLike, as_generator
from ...tensor import Tensor, from_data


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
