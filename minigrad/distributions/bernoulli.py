"""The Bernoulli distribution: 1 with probability p, else 0 (``torch.distributions.Bernoulli``)."""

from __future__ import annotations

import numbers
from functools import cached_property
from typing import Any, ClassVar

from ..creation import arange, bernoulli, full_like
from ..functions import where
from ..grad_mode import no_grad
from ..nn.functional import binary_cross_entropy_with_logits
from ..surface import Size
from ..tensor import Tensor
from .categorical import clamp_probs
from .distribution import (
    Constraint,
    ShapeLike,
    boolean,
    broadcast_all,
    real,
    unit_interval,
)
from .exp_family import ExponentialFamily


class Bernoulli(ExponentialFamily):
    """0 or 1 (floats), 1 with probability ``probs`` = sigmoid(``logits``).

    Args:
        probs: probabilities in [0, 1] (a number or a tensor).
        logits: log-odds (a number or a tensor). Give exactly one of ``probs`` and ``logits``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).

    ``log_prob`` and ``entropy`` are binary cross-entropies on the logits: differentiable and
    finite for any logit.
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"probs": unit_interval, "logits": real}
    support = boolean
    has_enumerate_support = True
    _mean_carrier_measure = 0

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: Any = None) -> None:
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

    @cached_property
    def logits(self) -> Tensor:
        """log(p) - log(1 - p), of the clamped probabilities."""
        p = clamp_probs(self.probs)
        return p.log() - (-p).log1p()

    @cached_property
    def probs(self) -> Tensor:
        """sigmoid(logits)."""
        return self.logits.sigmoid()

    @property
    def param_shape(self) -> Size:
        return Size(self._param.shape)

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        """1 where p > 1/2, 0 where p < 1/2, NaN at p = 1/2 (no single mode), as PyTorch."""
        probs = self.probs.detach()
        ones, nan = (probs >= 0.5).to(probs.dtype), full_like(probs, float("nan"))
        return where(probs == 0.5, nan, ones)

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Bernoulli:
        """This distribution with its parameter expanded (a view) to ``batch_shape``, not
        validated again (PyTorch's ``expand``)."""
        name = "probs" if "probs" in self.__dict__ and self._param is self.probs else "logits"
        new = self._expanded(batch_shape, (name,))
        new._param = getattr(new, name)
        return new

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """0./1. of shape ``sample_shape + batch_shape``, in the parameters' dtype."""
        shape = self._extended_shape(sample_shape)
        with no_grad():
            return bernoulli(self.probs.expand(shape))

    def log_prob(self, value: Tensor) -> Tensor:
        """value log p + (1 - value) log(1 - p), from the logits."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self) -> Tensor:
        """-p log p - (1 - p) log(1 - p)."""
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """0. and 1. along dim 0, expanded over the batch unless ``expand=False``."""
        values = arange(2, dtype=self._param.dtype).view((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1, *self._batch_shape)) if expand else values

    @property
    def _natural_params(self) -> tuple[Tensor]:
        """(logit(p),), of the (unclamped) probabilities, as PyTorch's."""
        return (self.probs.logit(),)

    def _log_normalizer(self, x: Tensor) -> Tensor:  # type: ignore[override]
        """F(x) = log(1 + e^x)."""
        return x.exp().log1p()
