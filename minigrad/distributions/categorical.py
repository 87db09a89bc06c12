"""The categorical distribution over K classes (``torch.distributions.Categorical``)."""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from ..activations import softmax
from ..creation import arange, full, multinomial
from ..functions import broadcast_tensors
from ..surface import Size
from ..tensor import Tensor
from .distribution import Constraint, Distribution, ShapeLike, real_vector, simplex
from .distribution import _IntegerInterval as IntegerInterval


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities clamped to [eps, 1 - eps] of their dtype, so that their log is finite."""
    eps = float(np.finfo(probs._data.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


class Categorical(Distribution):
    """Integers 0 .. K-1 drawn with the given probabilities; the last dim holds the K classes,
    the dims before it are a batch of distributions.

    Args:
        probs: non-negative weights (normalised to sum to 1 along the last dim; ``probs``
            returns the normalised value).
        logits: unnormalised log-probabilities (normalised by logsumexp; ``logits``
            returns the normalised value). Give exactly one of ``probs`` and ``logits``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).

    ``log_prob`` and ``entropy`` are differentiable in the parameters (the REINFORCE loss
    ``-m.log_prob(action) * reward``); ``sample`` draws int64 indices with
    ``torch.multinomial`` from minigrad's default generator, without gradient.
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"probs": simplex, "logits": real_vector}
    has_enumerate_support = True

    def __init__(
        self, probs: Tensor | None = None, logits: Tensor | None = None, validate_args: Any = None
    ) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            assert logits is not None
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.shape[-1]
        batch_shape = Size(self._param.shape[:-1])
        super().__init__(batch_shape, validate_args=validate_args)

    @cached_property
    def logits(self) -> Tensor:
        """Normalised log-probabilities: log of the clamped probabilities."""
        return clamp_probs(self.probs).log()

    @cached_property
    def probs(self) -> Tensor:
        """Normalised probabilities: softmax of the logits."""
        return softmax(self.logits, dim=-1)

    @property
    def support(self) -> Constraint:
        return IntegerInterval(0, self._num_events - 1)

    @property
    def param_shape(self) -> Size:
        return Size(self._param.shape)

    @property
    def mean(self) -> Tensor:
        """NaN (a category has no mean), as PyTorch."""
        return full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    @property
    def variance(self) -> Tensor:
        """NaN, as PyTorch."""
        return full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self) -> Tensor:
        """The most probable class."""
        return self.probs.argmax(dim=-1)

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """int64 classes of shape ``sample_shape + batch_shape``."""
        sample_shape = Size(sample_shape)
        probs_2d = self.probs.reshape(-1, self._num_events)
        samples_2d = multinomial(probs_2d, sample_shape.numel(), True).T
        return samples_2d.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value: Tensor) -> Tensor:
        """log p(value): the log-probability of each class index, broadcast over the batch."""
        if self._validate_args:
            self._validate_sample(value)
        index = value.long().unsqueeze(-1)
        index, log_pmf = broadcast_tensors(index, self.logits)
        return log_pmf.gather(-1, index[..., :1]).squeeze(-1)

    def entropy(self) -> Tensor:
        """-sum p log p over the classes (a zero probability contributes 0)."""
        min_real = float(np.finfo(self.logits._data.dtype).min)
        p_log_p = self.logits.clamp(min=min_real) * self.probs
        return -p_log_p.sum(-1)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Categorical:
        """This distribution with its parameter expanded (a view) to ``batch_shape``, not
        validated again (PyTorch's ``expand``)."""
        name = "probs" if "probs" in self.__dict__ and self._param is self.probs else "logits"
        param = self._param.expand(Size(batch_shape) + Size((self._num_events,)))
        new = Categorical(**{name: param}, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The classes 0 .. K-1 along dim 0, expanded over the batch unless ``expand=False``."""
        values = arange(self._num_events).view((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1, *self._batch_shape)) if expand else values
