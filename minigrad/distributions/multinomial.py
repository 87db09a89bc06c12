"""Counts over K classes in ``total_count`` draws (``torch.distributions.Multinomial``) and
the number of successes before ``total_count`` failures (``NegativeBinomial``).

``log_prob`` is composed of ``lgamma`` and the normalised logits, so it is differentiable in
the parameters to any order; samples are counts (floats) drawn by NumPy, without gradient.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..functions import where
from ..grad_mode import no_grad
from ..nn.functional import logsigmoid
from ..random import as_generator
from ..surface import Size
from ..tensor import Tensor, as_tensor
from .categorical import Categorical
from .discrete import Binomial, _CountAndProbs
from .distribution import (
    Constraint,
    Distribution,
    ShapeLike,
    _GreaterThanEq,
    broadcast_all,
    nonnegative_integer,
    real,
    real_vector,
    simplex,
)
from .gamma_family import Gamma


class _Multinomial(Constraint):
    """Non-negative vectors (the last dim) summing to at most ``upper_bound`` (PyTorch's
    weaker check: it does not ask for the sum to be exactly ``upper_bound``)."""

    event_dim = 1

    def __init__(self, upper_bound: int) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (value >= 0).all(dim=-1) & (value.sum(-1) <= self.upper_bound)


class _HalfOpenInterval(Constraint):
    """Reals in [lower_bound, upper_bound)."""

    def __init__(self, lower_bound: float, upper_bound: float) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (self.lower_bound <= value) & (value < self.upper_bound)

    def __repr__(self) -> str:
        return f"HalfOpenInterval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


def expand_categorical(cat: Categorical, batch_shape: ShapeLike) -> Categorical:
    """``cat`` with its parameter expanded (a view) to ``batch_shape`` (``cat.expand``)."""
    return cat.expand(batch_shape)


class Multinomial(Distribution):
    """Counts of the K classes (the last dim of ``probs``) in ``total_count`` draws.

    Args:
        total_count: the number of draws, one int for the whole batch (``log_prob`` accepts
            counts of any total, as PyTorch's).
        probs: non-negative weights, normalised to sum to 1 along the last dim.
        logits: unnormalised log-probabilities. Give exactly one of ``probs`` and ``logits``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).

    Raises:
        NotImplementedError: ``total_count`` not an int (PyTorch's message).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"probs": simplex, "logits": real_vector}
    total_count: int

    def __init__(
        self,
        total_count: int = 1,
        probs: Tensor | None = None,
        logits: Tensor | None = None,
        validate_args: Any = None,
    ) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        categorical = Categorical(probs=probs, logits=logits)
        self.total_count = total_count
        self._categorical = categorical
        event_shape = categorical.param_shape[-1:]
        super().__init__(categorical.batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Multinomial:
        new = type(self).__new__(type(self))
        new.total_count = self.total_count
        new._categorical = expand_categorical(self._categorical, batch_shape)
        Distribution.__init__(new, Size(batch_shape), self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def support(self) -> Constraint:
        return _Multinomial(self.total_count)

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def mean(self) -> Tensor:
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """Counts (floats, in the parameters' dtype) of shape
        ``sample_shape + batch_shape + (K,)``, each row summing to ``total_count``."""
        shape = tuple(self._extended_shape(sample_shape))
        with no_grad():
            probs = np.asarray(self.probs._data, dtype=np.float64)
        probs = np.broadcast_to(probs / probs.sum(-1, keepdims=True), shape)
        counts = as_generator(None, "sample()").multinomial(self.total_count, probs)
        return as_tensor(counts.astype(np.asarray(self.probs._data).dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """lgamma(n + 1) - sum lgamma(x_k + 1) + sum x_k log p_k, n = sum x_k (a zero count
        of a zero probability contributes 0)."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = (value.sum(-1) + 1).lgamma()
        log_factorial_xs = (value + 1).lgamma().sum(-1)
        logits = where((value == 0) & (logits == -float("inf")), 0.0, logits)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)

    def entropy(self) -> Tensor:
        """n H(categorical) - lgamma(n + 1) + sum_k E[lgamma(x_k + 1)], x_k ~ Binomial(n, p_k)
        (PyTorch's)."""
        n = as_tensor(float(self.total_count), dtype=self.probs.dtype)
        term1 = n * self._categorical.entropy() - (n + 1).lgamma()
        binomial = Binomial(self.total_count, probs=self.probs, validate_args=False)
        support = binomial.enumerate_support(expand=False)[1:]
        binomial_probs = binomial.log_prob(support).exp()
        weights = (support + 1).lgamma()
        return term1 + (binomial_probs * weights).sum((0, -1))


class NegativeBinomial(_CountAndProbs):
    """The number of successes before ``total_count`` failures in trials of success
    probability ``probs``: P(k) = C(k + r - 1, k) p^k (1 - p)^r.

    Args:
        total_count: r, >= 0 (a real number is allowed; a number or a tensor).
        probs: the probability of success, in [0, 1).
        logits: its log-odds. Give exactly one of ``probs`` and ``logits``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {
        "total_count": _GreaterThanEq(0),
        "probs": _HalfOpenInterval(0.0, 1.0),
        "logits": real,
    }
    support = nonnegative_integer

    def __init__(
        self,
        total_count: Any,
        probs: Any = None,
        logits: Any = None,
        validate_args: Any = None,
    ) -> None:
        self._count_and_param(total_count, probs, logits, validate_args)

    @property
    def mean(self) -> Tensor:
        return self.total_count * self.logits.exp()

    @property
    def mode(self) -> Tensor:
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self) -> Tensor:
        return self.mean / (-self.logits).sigmoid()

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """Poisson counts of a gamma rate Gamma(total_count, exp(-logits)) (PyTorch's
        mixture), floats in the parameters' dtype."""
        with no_grad():
            gamma = Gamma(self.total_count, (-self.logits).exp(), validate_args=False)
            rate = np.asarray(gamma.sample(sample_shape)._data)
            counts = as_generator(None, "sample()").poisson(rate)
        return as_tensor(np.asarray(counts).astype(rate.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """r log sigmoid(-l) + k log sigmoid(l) + lgamma(r + k) - lgamma(k + 1) - lgamma(r),
        the lgammas dropped where r + k = 0."""
        if self._validate_args:
            self._validate_sample(value)
        r, logits = self.total_count, self.logits
        log_unnormalized_prob = r * logsigmoid(-logits) + value * logsigmoid(logits)
        log_normalization = -(r + value).lgamma() + (1.0 + value).lgamma() + r.lgamma()
        log_normalization = where(r + value == 0.0, 0.0, log_normalization)
        return log_unnormalized_prob - log_normalization
