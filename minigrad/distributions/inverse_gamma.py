"""``InverseGamma``: 1 / X for X ~ Gamma(concentration, rate), a ``TransformedDistribution``
as PyTorch builds it (``torch.distributions.InverseGamma``)."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from ..functions import digamma, lgamma, where
from ..tensor import Tensor
from .distribution import Constraint, ShapeLike, positive
from .gamma_family import Gamma
from .transformed import TransformedDistribution
from .transforms import PowerTransform

__all__ = ["InverseGamma"]


class InverseGamma(TransformedDistribution):
    """1 / X, X ~ Gamma(concentration, rate): density b^a x^(-a-1) exp(-b / x) / Gamma(a).

    Args:
        concentration: a, the shape, > 0 (a number or a tensor).
        rate: b, > 0 (the scale of the inverse gamma; a number or a tensor).
        validate_args: check the arguments and values (PyTorch's messages); None: the default.

    ``rsample`` is the reciprocal of Gamma's (differentiable in both parameters); ``mean`` is
    inf for a <= 1 and ``variance`` inf for a <= 2, as PyTorch's.
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {
        "concentration": positive,
        "rate": positive,
    }
    support = positive
    has_rsample = True
    base_dist: Gamma

    def __init__(self, concentration: Any, rate: Any, validate_args: Any = None) -> None:
        base_dist = Gamma(concentration, rate, validate_args=validate_args)
        neg_one = -base_dist.rate.new_ones(())
        super().__init__(base_dist, PowerTransform(neg_one), validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> InverseGamma:
        """The same distribution over ``batch_shape`` (the Gamma expanded)."""
        new = _instance if _instance is not None else type(self).__new__(type(self))
        return super().expand(batch_shape, _instance=new)

    @property
    def concentration(self) -> Tensor:
        return self.base_dist.concentration

    @property
    def rate(self) -> Tensor:
        return self.base_dist.rate

    @property
    def mean(self) -> Tensor:
        result = self.rate / (self.concentration - 1)
        return where(self.concentration > 1, result, math.inf)

    @property
    def mode(self) -> Tensor:
        return self.rate / (self.concentration + 1)

    @property
    def variance(self) -> Tensor:
        a = self.concentration
        result = self.rate.square() / ((a - 1).square() * (a - 2))
        return where(a > 2, result, math.inf)

    def entropy(self) -> Tensor:
        """a + log b + lgamma(a) - (1 + a) digamma(a)."""
        a = self.concentration
        return a + self.rate.log() + lgamma(a) - (1 + a) * digamma(a)
