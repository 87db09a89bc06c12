"""``GeneralizedPareto``: the tails' distribution of extreme-value theory, with PyTorch's
parameters and formulas (``torch.distributions.GeneralizedPareto``, after TensorFlow
Probability's)."""

from __future__ import annotations

import math
import numbers
from typing import Any, ClassVar

from ..creation import ones_like, rand
from ..functions import broadcast_to, isclose, where
from ..surface import Size
from ..tensor import Tensor
from .constraints import dependent_property, interval
from .distribution import Constraint, Distribution, ShapeLike, broadcast_all, positive, real

__all__ = ["GeneralizedPareto"]


class GeneralizedPareto(Distribution):
    """P(X > x) = (1 + xi z)^(-1 / xi), z = (x - loc) / scale (exp(-z) at xi = 0): an
    exponential at xi = 0, a Pareto for xi > 0, a uniform at xi = -1.

    Args:
        loc: the lower end of the support (a number or a tensor).
        scale: > 0 (a number or a tensor).
        concentration: xi, the shape (real; below 0 the support ends at loc - scale / xi).
        validate_args: check the arguments and values (PyTorch's messages); None: the default.

    ``rsample`` is ``icdf`` of a uniform, differentiable in all three parameters. Where
    ``concentration`` is close to 0 (``isclose``) the xi = 0 formulas are used, as PyTorch.
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {
        "loc": real,
        "scale": positive,
        "concentration": real,
    }
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, concentration: Any, validate_args: Any = None) -> None:
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        numbers_only = all(isinstance(v, numbers.Number) for v in (loc, scale, concentration))
        batch_shape = Size() if numbers_only else Size(self.loc.shape)
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> GeneralizedPareto:
        """The same distribution over ``batch_shape`` (the parameters expanded as views)."""
        return self._expanded(batch_shape, ("loc", "scale", "concentration"))

    def _safe_concentration(self) -> tuple[Tensor, Tensor]:
        """(xi close to 0, xi with those replaced by 1): the two branches stay finite."""
        eq_zero = isclose(self.concentration, self.concentration.new_zeros(()))
        return eq_zero, where(eq_zero, ones_like(self.concentration), self.concentration)

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        u = rand(self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.icdf(u)

    def log_prob(self, value: Tensor) -> Tensor:
        """-log scale - (1 / xi + 1) log(1 + xi z); -log scale - z at xi = 0."""
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        eq_zero, safe_conc = self._safe_concentration()
        y = 1 / safe_conc + ones_like(z)
        where_nonzero = where(y == 0, y, y * (safe_conc * z).log1p())
        return -self.scale.log() - where(eq_zero, z, where_nonzero)

    def log_survival_function(self, value: Tensor) -> Tensor:
        """log P(X > value) = -log(1 + xi z) / xi; -z at xi = 0."""
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        eq_zero, safe_conc = self._safe_concentration()
        return where(eq_zero, -z, -(safe_conc * z).log1p() / safe_conc)

    def log_cdf(self, value: Tensor) -> Tensor:
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value: Tensor) -> Tensor:
        return self.log_cdf(value).exp()

    def icdf(self, value: Tensor) -> Tensor:
        """loc + scale expm1(-xi log(1 - u)) / xi; loc - scale log(1 - u) at xi = 0."""
        eq_zero, safe_conc = self._safe_concentration()
        logu = (-value).log1p()
        where_nonzero = self.loc + self.scale / safe_conc * (-safe_conc * logu).expm1()
        return where(eq_zero, self.loc - self.scale * logu, where_nonzero)

    @property
    def mean(self) -> Tensor:
        valid = self.concentration < 1
        safe_conc = where(valid, self.concentration, 0.5)
        return where(valid, self.loc + self.scale / (1 - safe_conc), math.nan)

    @property
    def variance(self) -> Tensor:
        valid = self.concentration < 0.5
        safe_conc = where(valid, self.concentration, 0.25)
        result = self.scale**2 / ((1 - safe_conc) ** 2 * (1 - 2 * safe_conc))
        return where(valid, result, math.nan)

    @property
    def mode(self) -> Tensor:
        return self.loc

    def entropy(self) -> Tensor:
        """log scale + xi + 1."""
        return broadcast_to(self.scale.log() + self.concentration + 1, self._batch_shape)

    @dependent_property(is_discrete=False, event_dim=0)
    def support(self) -> Constraint:
        """[loc, loc - scale / xi] for xi < 0, [loc, inf) otherwise."""
        upper = where(self.concentration < 0, self.loc - self.scale / self.concentration, math.inf)
        return interval(self.loc, upper)  # type: ignore[arg-type]
