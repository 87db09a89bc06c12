"""The concrete (Gumbel-softmax) relaxations of discrete distributions: ``RelaxedBernoulli``
and ``RelaxedOneHotCategorical`` on their bases ``LogitRelaxedBernoulli`` and
``ExpRelaxedCategorical`` (``torch.distributions``'). Their samples are reparameterised: a
gradient reaches the probabilities (or logits) through the relaxed one-hot value.
"""

from __future__ import annotations

import numbers
from functools import cached_property
from typing import Any, ClassVar

from ..creation import rand
from ..functions import lgamma
from ..surface import Size
from ..tensor import Tensor, as_tensor
from .categorical import Categorical, clamp_probs
from .discrete import _probs_to_logits
from .distribution import (
    Constraint,
    Distribution,
    ShapeLike,
    broadcast_all,
    real,
    real_vector,
    simplex,
    unit_interval,
)
from .transformed import TransformedDistribution
from .transforms import ExpTransform, SigmoidTransform

__all__ = [
    "ExpRelaxedCategorical",
    "LogitRelaxedBernoulli",
    "RelaxedBernoulli",
    "RelaxedOneHotCategorical",
]


class LogitRelaxedBernoulli(Distribution):
    """The logit of a ``RelaxedBernoulli``: (logit(u) + logits) / temperature, u uniform.

    Args:
        temperature: the relaxation temperature, a tensor (> 0; near 0 the relaxed values
            approach 0/1 samples).
        probs: the probability of 1 (a number or a tensor).
        logits: its log-odds. Give exactly one of ``probs`` and ``logits``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"probs": unit_interval, "logits": real}
    support = real  # has_rsample stays False, as PyTorch's (its rsample works all the same)

    def __init__(
        self, temperature: Tensor, probs: Any = None, logits: Any = None, validate_args: Any = None
    ) -> None:
        self.temperature = temperature
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
        else:
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        is_scalar = isinstance(probs if probs is not None else logits, numbers.Number)
        batch_shape = Size() if is_scalar else Size(self._param.shape)
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> LogitRelaxedBernoulli:
        new = type(self).__new__(type(self))
        batch_shape = Size(batch_shape)
        new.temperature = self.temperature
        for name in ("probs", "logits"):
            if name in self.__dict__:
                setattr(new, name, self.__dict__[name].expand(batch_shape))
                new._param = new.__dict__[name]
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
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

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """(logit(u) + logit(p)) / temperature, u and p clamped to [eps, 1 - eps]."""
        shape = self._extended_shape(sample_shape)
        probs = clamp_probs(self.probs.expand(shape))
        uniforms = clamp_probs(rand(shape, dtype=probs.dtype))
        logistic = uniforms.log() - (-uniforms).log1p()
        return (logistic + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value: Tensor) -> Tensor:
        """log t + d - 2 log(1 + exp(d)), d = logits - t value."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value.mul(self.temperature)
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class _Relaxed(TransformedDistribution):
    """What the two relaxed distributions share: the parameters of the logit- or log-space
    distribution they transform, and ``expand`` building an instance of their own class."""

    base_dist: Any

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Any:
        return super().expand(batch_shape, _instance=type(self).__new__(type(self)))

    @property
    def temperature(self) -> Tensor:
        return self.base_dist.temperature

    @property
    def logits(self) -> Tensor:
        return self.base_dist.logits

    @property
    def probs(self) -> Tensor:
        return self.base_dist.probs


class RelaxedBernoulli(_Relaxed):
    """A relaxed Bernoulli on (0, 1): sigmoid of a ``LogitRelaxedBernoulli``.

    Args:
        temperature: the relaxation temperature, a tensor (> 0).
        probs: the probability of 1 (a number or a tensor).
        logits: its log-odds. Give exactly one of ``probs`` and ``logits``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"probs": unit_interval, "logits": real}
    support = unit_interval
    has_rsample = True

    def __init__(
        self, temperature: Tensor, probs: Any = None, logits: Any = None, validate_args: Any = None
    ) -> None:
        base_dist = LogitRelaxedBernoulli(temperature, probs, logits)
        super().__init__(base_dist, SigmoidTransform(), validate_args=validate_args)


class ExpRelaxedCategorical(Distribution):
    """The log of a ``RelaxedOneHotCategorical`` sample: log softmax((logits + g) / t), g
    Gumbel noise; the event is the last dim (the K classes).

    Args:
        temperature: the relaxation temperature, a tensor (> 0).
        probs: event probabilities (the last dim: the classes).
        logits: unnormalised log-probabilities. Give exactly one of ``probs`` and ``logits``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"probs": simplex, "logits": real_vector}
    support = real_vector  # the true support is a submanifold of it
    has_rsample = True

    def __init__(
        self,
        temperature: Tensor,
        probs: Tensor | None = None,
        logits: Tensor | None = None,
        validate_args: Any = None,
    ) -> None:
        self._categorical = Categorical(probs, logits)
        self.temperature = temperature
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> ExpRelaxedCategorical:
        new = type(self).__new__(type(self))
        batch_shape = Size(batch_shape)
        new.temperature = self.temperature
        # the normalised logits expanded: normalising them again changes nothing
        logits = self._categorical.logits.expand(batch_shape + self._event_shape)
        new._categorical = Categorical(logits=logits, validate_args=False)
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """s - logsumexp(s), s = (logits + g) / temperature, g = -log(-log u)."""
        shape = self._extended_shape(sample_shape)
        uniforms = clamp_probs(rand(shape, dtype=self.logits.dtype))
        gumbels = -((-(uniforms.log())).log())
        scores = (self.logits + gumbels) / self.temperature
        return scores - scores.logsumexp(dim=-1, keepdim=True)

    def log_prob(self, value: Tensor) -> Tensor:
        """The concrete density of the log-simplex value (Maddison et al., 2017)."""
        k = self._categorical._num_events
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        temperature = as_tensor(self.temperature)
        log_scale = lgamma(as_tensor(float(k), dtype=temperature.dtype)) - temperature.log().mul(
            -(k - 1)
        )
        score = logits - value.mul(self.temperature)
        score = (score - score.logsumexp(dim=-1, keepdim=True)).sum(-1)
        return score + log_scale


class RelaxedOneHotCategorical(_Relaxed):
    """A relaxed one-hot categorical on the simplex (the Gumbel-softmax distribution): exp of
    an ``ExpRelaxedCategorical``.

    Args:
        temperature: the relaxation temperature, a tensor (> 0).
        probs: event probabilities (the last dim: the classes).
        logits: unnormalised log-probabilities. Give exactly one of ``probs`` and ``logits``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"probs": simplex, "logits": real_vector}
    support = simplex
    has_rsample = True

    def __init__(
        self,
        temperature: Tensor,
        probs: Tensor | None = None,
        logits: Tensor | None = None,
        validate_args: Any = None,
    ) -> None:
        base_dist = ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base_dist, ExpTransform(), validate_args=validate_args)
