"""The normal (Gaussian) distribution (``torch.distributions.Normal``)."""

from __future__ import annotations

import math
import numbers
from typing import Any, ClassVar

from ..creation import normal, randn
from ..functions import erf, erfinv
from ..grad_mode import no_grad
from ..surface import Size
from ..tensor import Tensor
from .distribution import Constraint, ShapeLike, broadcast_all, positive, real
from .exp_family import ExponentialFamily


class Normal(ExponentialFamily):
    """N(loc, scale^2), batched over the broadcast shape of ``loc`` and ``scale``.

    Args:
        loc: the mean (a number or a tensor).
        scale: the standard deviation, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).

    ``rsample`` is reparameterized (loc + eps * scale: gradient flows to both), ``sample`` is
    not; both draw from minigrad's default generator.
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"loc": real, "scale": positive}
    support = real
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, loc: Any, scale: Any, validate_args: Any = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        numbers_only = isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number)
        super().__init__(
            Size() if numbers_only else Size(self.loc.shape), validate_args=validate_args
        )

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Normal:
        """The same distribution over ``batch_shape`` (loc and scale expanded as views)."""
        return self._expanded(batch_shape, ("loc", "scale"))

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.pow(2)

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            return normal(self.loc.expand(shape), self.scale.expand(shape))

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        eps = randn(self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.loc + eps * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        """-(value - loc)^2 / (2 scale^2) - log scale - log sqrt(2 pi)."""
        if self._validate_args:
            self._validate_sample(value)
        var = self.scale**2
        return (
            -((value - self.loc) ** 2) / (2 * var)
            - self.scale.log()
            - math.log(math.sqrt(2 * math.pi))
        )

    def cdf(self, value: Tensor) -> Tensor:
        """P(X <= value) = (1 + erf((value - loc) / (scale sqrt 2))) / 2."""
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def icdf(self, value: Tensor) -> Tensor:
        """The value below which the probability is ``value``."""
        return self.loc + self.scale * erfinv(2 * value - 1) * math.sqrt(2)

    def entropy(self) -> Tensor:
        """1/2 + log(2 pi)/2 + log scale."""
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        """(loc / scale^2, -1 / (2 scale^2))."""
        return (self.loc / self.scale.pow(2), -0.5 * self.scale.pow(2).reciprocal())

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:  # type: ignore[override]
        """F(x, y) = -x^2 / (4 y) + log(-pi / y) / 2."""
        return -0.25 * x.pow(2) / y + 0.5 * (-math.pi / y).log()
