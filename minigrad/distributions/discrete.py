"""Counts (``torch.distributions``' Poisson, Binomial and Geometric): differentiable
``log_prob`` (the factorials by ``lgamma``), samples without gradient from minigrad's default
generator."""

from __future__ import annotations

import numbers
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from ..creation import arange, full_like
from ..functions import where
from ..grad_mode import no_grad
from ..nn.functional import binary_cross_entropy_with_logits
from ..random import as_generator
from ..surface import Size
from ..tensor import Tensor, as_tensor
from .categorical import clamp_probs
from .distribution import (
    Constraint,
    Distribution,
    ShapeLike,
    _all_true,
    _IntegerInterval,
    broadcast_all,
    nonnegative,
    nonnegative_integer,
    real,
    unit_interval,
)
from .exp_family import ExponentialFamily


def _draw(like: Tensor, values: np.ndarray) -> Tensor:
    return as_tensor(np.asarray(values).astype(np.asarray(like._data).dtype))


def _probs_to_logits(probs: Tensor) -> Tensor:
    p = clamp_probs(probs)
    return p.log() - (-p).log1p()


class Poisson(ExponentialFamily):
    """Poisson counts with mean ``rate``: P(k) = rate^k exp(-rate) / k!.

    Args:
        rate: the mean, >= 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).

    Its carrier measure -log(x!) has no closed-form mean, so ``entropy`` raises
    NotImplementedError, as PyTorch's.
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"rate": nonnegative}
    support = nonnegative_integer

    def __init__(self, rate: Any, validate_args: Any = None) -> None:
        (self.rate,) = broadcast_all(rate)
        shape = Size() if isinstance(rate, numbers.Number) else Size(self.rate.shape)
        super().__init__(shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Poisson:
        return self._expanded(batch_shape, ("rate",))

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def mode(self) -> Tensor:
        return self.rate.floor()

    @property
    def variance(self) -> Tensor:
        return self.rate

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """Counts (floats, in the rate's dtype) of shape ``sample_shape + batch_shape``."""
        shape = tuple(self._extended_shape(sample_shape))
        rate = np.broadcast_to(self.rate._data, shape)
        return _draw(self.rate, as_generator(None, "sample()").poisson(rate))

    def log_prob(self, value: Tensor) -> Tensor:
        """value log rate - rate - lgamma(value + 1)."""
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - (value + 1).lgamma()

    @property
    def _natural_params(self) -> tuple[Tensor]:
        """(log rate,)."""
        return (self.rate.log(),)

    def _log_normalizer(self, x: Tensor) -> Tensor:  # type: ignore[override]
        """F(x) = e^x."""
        return x.exp()


class _CountAndProbs(Distribution):
    """A count of trials with a success probability given as ``probs`` or ``logits``: the
    parameters Binomial and NegativeBinomial share (``total_count`` broadcast with the
    probability and cast to its dtype), and how both are expanded and converted."""

    total_count: Tensor

    def _count_and_param(
        self, total_count: Any, probs: Any, logits: Any, validate_args: Any
    ) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            total, self.probs = broadcast_all(total_count, probs)
            self.total_count = total.type_as(self.probs)
        else:
            total, self.logits = broadcast_all(total_count, logits)
            self.total_count = total.type_as(self.logits)
        self._param = self.probs if probs is not None else self.logits
        Distribution.__init__(self, Size(self._param.shape), validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Any:
        name = "probs" if "probs" in self.__dict__ and self._param is self.probs else "logits"
        new = self._expanded(batch_shape, ("total_count", name))
        new._param = getattr(new, name)
        return new

    @cached_property
    def logits(self) -> Tensor:
        """log(p) - log(1 - p), of the clamped probabilities."""
        return _probs_to_logits(self.probs)

    @cached_property
    def probs(self) -> Tensor:
        """sigmoid(logits)."""
        return self.logits.sigmoid()

    @property
    def param_shape(self) -> Size:
        return Size(self._param.shape)


class Binomial(_CountAndProbs):
    """The number of successes in ``total_count`` trials of probability ``probs``.

    Args:
        total_count: the number of trials, a non-negative integer (a number or a tensor).
        probs: the probability of success (a number or a tensor).
        logits: its log-odds. Give exactly one of ``probs`` and ``logits``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {
        "total_count": nonnegative_integer,
        "probs": unit_interval,
        "logits": real,
    }
    has_enumerate_support = True

    def __init__(
        self,
        total_count: Any = 1,
        probs: Any = None,
        logits: Any = None,
        validate_args: Any = None,
    ) -> None:
        self._count_and_param(total_count, probs, logits, validate_args)

    @property
    def support(self) -> Constraint:
        return _IntegerInterval(0, self.total_count)  # type: ignore[arg-type]

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.probs

    @property
    def mode(self) -> Tensor:
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """Counts (floats, in the parameters' dtype) of shape ``sample_shape + batch_shape``."""
        shape = tuple(self._extended_shape(sample_shape))
        with no_grad():
            n = np.broadcast_to(self.total_count._data, shape).astype(np.int64)
            p = np.broadcast_to(self.probs._data, shape)
        return _draw(self._param, as_generator(None, "sample()").binomial(n, p))

    def log_prob(self, value: Tensor) -> Tensor:
        """log C(n, k) + k logit - n log(1 + exp(logit)), stable for any logit."""
        if self._validate_args:
            self._validate_sample(value)
        n, logits = self.total_count, self.logits
        log_factorial_n = (n + 1).lgamma()
        log_factorial_k = (value + 1).lgamma()
        log_factorial_nmk = (n - value + 1).lgamma()
        # n log(1 + e^l) = n max(l, 0) + n log1p(e^-|l|)
        clamped = (logits.clamp(min=0) + logits - logits.clamp(max=0)) / 2
        normalize_term = n * clamped + n * (-logits.abs()).exp().log1p() - log_factorial_n
        return value * logits - normalize_term - log_factorial_k - log_factorial_nmk

    def _homogeneous_count(self, where_: str) -> int:
        total = int(self.total_count.max())
        if not bool(self.total_count.min() == total):
            raise NotImplementedError(f"Inhomogeneous total count not supported by `{where_}`.")
        return total

    def entropy(self) -> Tensor:
        """-sum_k P(k) log P(k) over 0..n (one total count for the whole batch)."""
        self._homogeneous_count("entropy")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """0 .. n along dim 0 (floats), expanded over the batch unless ``expand=False``."""
        total = self._homogeneous_count("enumerate_support")
        values = arange(1 + total, dtype=self._param.dtype)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1, *self._batch_shape)) if expand else values


class Geometric(Distribution):
    """The number of failures before the first success in trials of probability ``probs``:
    P(k) = (1 - p)^k p, k = 0, 1, ...

    Args:
        probs: the probability of success, in (0, 1] (a number or a tensor).
        logits: its log-odds. Give exactly one of ``probs`` and ``logits``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"probs": unit_interval, "logits": real}
    support = nonnegative_integer

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: Any = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        given = probs if probs is not None else logits
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
        else:
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        shape = Size() if isinstance(given, numbers.Number) else Size(self._param.shape)
        super().__init__(shape, validate_args=validate_args)
        if self._validate_args and probs is not None:
            value = self.probs
            valid = value > 0
            if not _all_true(valid):
                invalid = as_tensor(value._data[~valid._data])
                raise ValueError(
                    f"Expected parameter probs ({type(value).__name__} of shape "
                    f"{tuple(value.shape)}) of distribution {self!r} to be positive but found "
                    f"invalid values:\n{invalid}"
                )

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Geometric:
        name = "probs" if "probs" in self.__dict__ and self._param is self.probs else "logits"
        new = self._expanded(batch_shape, (name,))
        new._param = getattr(new, name)
        return new

    @cached_property
    def logits(self) -> Tensor:
        return _probs_to_logits(self.probs)

    @cached_property
    def probs(self) -> Tensor:
        return self.logits.sigmoid()

    @property
    def mean(self) -> Tensor:
        return 1.0 / self.probs - 1.0

    @property
    def mode(self) -> Tensor:
        return full_like(self.probs, 0.0)

    @property
    def variance(self) -> Tensor:
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """floor(log u / log(1 - p)), u uniform in [tiny, 1)."""
        shape = tuple(self._extended_shape(sample_shape))
        with no_grad():
            p = np.asarray(self.probs._data)
            tiny = np.finfo(p.dtype).tiny
            u = as_generator(None, "sample()").uniform(tiny, 1.0, shape).astype(p.dtype)
            with np.errstate(divide="ignore"):
                return as_tensor(np.floor(np.log(u) / np.log1p(-p)))

    def log_prob(self, value: Tensor) -> Tensor:
        """value log(1 - p) + log p (0 for value 0 at p = 1)."""
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        probs = where((probs == 1) & (value == 0), 0.0, probs)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self) -> Tensor:
        return (
            binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none") / self.probs
        )
