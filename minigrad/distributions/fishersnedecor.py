"""The F distribution of the ratio of two scaled chi-squared variables
(``torch.distributions.FisherSnedecor``).

``log_prob`` is composed of ``lgamma`` and logs, differentiable to any order; ``rsample`` is
the ratio of two gamma samples, reparameterised as ``Gamma.rsample`` is (first order only).
"""

from __future__ import annotations

import numbers
from typing import Any, ClassVar

import numpy as np

from ..functions import where
from ..surface import Size
from ..tensor import Tensor
from .distribution import Constraint, Distribution, ShapeLike, broadcast_all, positive
from .gamma_family import Gamma


class FisherSnedecor(Distribution):
    """F(df1, df2): (X1 / df1) / (X2 / df2), X1 and X2 chi-squared with df1 and df2 degrees
    of freedom.

    Args:
        df1: the degrees of freedom of the numerator, > 0 (a number or a tensor).
        df2: those of the denominator, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"df1": positive, "df2": positive}
    support = positive
    has_rsample = True

    def __init__(self, df1: Any, df2: Any, validate_args: Any = None) -> None:
        self.df1, self.df2 = broadcast_all(df1, df2)
        numbers_only = isinstance(df1, numbers.Number) and isinstance(df2, numbers.Number)
        shape = Size() if numbers_only else Size(self.df1.shape)
        # built (and validated, by default) first, as PyTorch's: a df <= 0 is reported as
        # the Gamma's concentration
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        super().__init__(shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> FisherSnedecor:
        new = self._expanded(batch_shape, ("df1", "df2"))
        new._gamma1 = self._gamma1.expand(batch_shape)
        new._gamma2 = self._gamma2.expand(batch_shape)
        return new

    @property
    def mean(self) -> Tensor:
        """df2 / (df2 - 2), NaN for df2 <= 2."""
        df2 = where(self.df2 <= 2, float("nan"), self.df2)
        return df2 / (df2 - 2)

    @property
    def mode(self) -> Tensor:
        """(df1 - 2) / df1 * df2 / (df2 + 2), NaN for df1 <= 2."""
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return where(self.df1 <= 2, float("nan"), mode)

    @property
    def variance(self) -> Tensor:
        """2 df2^2 (df1 + df2 - 2) / (df1 (df2 - 2)^2 (df2 - 4)), NaN for df2 <= 4."""
        df2 = where(self.df2 <= 4, float("nan"), self.df2)
        return 2 * df2.pow(2) * (self.df1 + df2 - 2) / (self.df1 * (df2 - 2).pow(2) * (df2 - 4))

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """X1 / X2, X1 ~ Gamma(df1 / 2, df1), X2 ~ Gamma(df2 / 2, df2), both clamped to the
        smallest normal float (PyTorch's)."""
        shape = self._extended_shape(sample_shape)
        tiny = float(np.finfo(np.asarray(self.df1._data).dtype).tiny)
        x1 = self._gamma1.rsample(sample_shape).view(shape)
        x2 = self._gamma2.rsample(sample_shape).view(shape).clamp(min=tiny)
        return (x1 / x2).clamp(min=tiny)

    def log_prob(self, value: Tensor) -> Tensor:
        """lgamma((d1 + d2) / 2) - lgamma(d1 / 2) - lgamma(d2 / 2) + d1/2 log(d1 / d2)
        + (d1/2 - 1) log x - (d1 + d2)/2 log1p(d1 x / d2)."""
        if self._validate_args:
            self._validate_sample(value)
        ct1, ct2, ct3 = self.df1 * 0.5, self.df2 * 0.5, self.df1 / self.df2
        t1 = (ct1 + ct2).lgamma() - ct1.lgamma() - ct2.lgamma()
        t2 = ct1 * ct3.log() + (ct1 - 1) * value.log()
        t3 = (ct1 + ct2) * (ct3 * value).log1p()
        return t1 + t2 - t3
