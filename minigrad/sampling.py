"""Draws of the categorical and Bernoulli distributions from a given NumPy generator, shared by
``minigrad.multinomial``/``bernoulli`` and the Tensor methods of those names (which live a
layer below the generators: they get theirs through ``inplace.Random``), so a function and its
method draw the same numbers from the same generator.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import default_float
from .engine import TensorMakers
from .inplace import Random

__all__ = ["SamplingMethods", "bernoulli_draws", "multinomial_draws", "probabilities"]


def probabilities(x: Any, where: str) -> np.ndarray:
    """The array of ``x`` (a Tensor or array-like), which must be numeric."""
    arr = x._data if hasattr(x, "_data") else np.asarray(x)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{where}: expected a numeric tensor, got dtype {arr.dtype}")
    return arr


def multinomial_draws(
    input: Any, num_samples: int, replacement: bool, rng: np.random.Generator
) -> np.ndarray:
    """``num_samples`` category indices per row of the weights ``input`` (1-D or 2-D), int64.

    Without replacement, more samples than positive weights (but no more than categories)
    give, as PyTorch's kernel does, every index of positive weight first, then indices of
    weight 0 (in ascending order; PyTorch's order among them is its top-k's).
    """
    w = probabilities(input, "multinomial()").astype(np.float64)
    if w.ndim not in (1, 2):
        raise RuntimeError(f"multinomial(): prob_dist must be 1 or 2 dim, got shape {w.shape}")
    if num_samples <= 0:
        raise RuntimeError(f"multinomial(): cannot sample {num_samples} (<= 0) samples")
    rows = w.reshape(-1, w.shape[-1])
    if not np.all(np.isfinite(rows)) or np.any(rows < 0):
        raise RuntimeError(
            "multinomial(): invalid multinomial distribution (encountering "
            "probability entry < 0, inf or nan)"
        )
    sums = rows.sum(axis=1)
    if np.any(sums <= 0):
        raise RuntimeError(
            "multinomial(): invalid multinomial distribution (sum of probabilities <= 0)"
        )
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError(
            f"multinomial(): cannot sample n_sample > prob_dist.size(-1) samples without "
            f"replacement (n_sample={num_samples}, categories={rows.shape[1]})"
        )
    drawn = []
    for r, s in zip(rows, sums):
        positive = int((r > 0).sum())
        if replacement or num_samples <= positive:
            drawn.append(rng.choice(rows.shape[1], num_samples, replace=replacement, p=r / s))
            continue
        # More draws than positive weights: PyTorch's kernel (a Gumbel top-k, where the weights
        # of 0 all tie at 0) gives every positive one, then indices of weight 0 (here ascending).
        first = rng.choice(rows.shape[1], positive, replace=False, p=r / s)
        zeros = np.flatnonzero(r == 0)[: num_samples - positive]
        drawn.append(np.concatenate([first, zeros]))
    out = np.stack(drawn)
    return out.reshape(*w.shape[:-1], num_samples).astype(np.int64)


def bernoulli_draws(input: Any, rng: np.random.Generator, p: Any = None) -> np.ndarray:
    """1 with probability ``input`` (elementwise; or ``p``, a number, for every element of
    ``input``'s shape), else 0; ``input``'s dtype (the default float for integers)."""
    arr = probabilities(input, "bernoulli()")
    if p is None:
        prob = arr
        if np.any((prob < 0) | (prob > 1)) or not np.all(np.isfinite(prob)):
            raise RuntimeError("bernoulli(): expected all probabilities to be in [0, 1]")
    else:
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        prob = np.full(arr.shape, float(p))
    draws = rng.random(arr.shape) < prob
    return draws.astype(arr.dtype if arr.dtype.kind == "f" else default_float())


class SamplingMethods:
    """PyTorch's ``Tensor.multinomial`` and ``Tensor.bernoulli`` (``Tensor`` inherits them);
    ``generator=`` as the functions': a Generator, a NumPy one, a seed or None."""

    __slots__ = ()

    def multinomial(
        self: Any, num_samples: int, replacement: bool = False, *, generator: Any = None
    ) -> Any:
        """``minigrad.multinomial(self, ...)``: ``num_samples`` category indices per row,
        drawn with probability proportional to self's weights (int64)."""
        rng = Random.generator(generator)
        return TensorMakers.wrap(multinomial_draws(self, num_samples, replacement, rng), None)

    def bernoulli(self: Any, p: Any = None, *, generator: Any = None) -> Any:
        """``minigrad.bernoulli(self)``: 1 with probability self (elementwise), else 0, in
        self's dtype; with a number ``p``, every element drawn with probability ``p``."""
        rng = Random.generator(generator)
        return TensorMakers.wrap(bernoulli_draws(self, rng, p), None)
