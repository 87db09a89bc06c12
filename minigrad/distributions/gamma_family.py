"""The distributions whose density needs the gamma function (``torch.distributions``' Gamma,
Chi2, Beta, Dirichlet and StudentT), composed of minigrad's ``lgamma`` and ``digamma``.

``log_prob`` and ``entropy`` are differentiable to any order. ``rsample`` draws standard
gamma variates with NumPy and reaches the concentration by the implicit reparameterisation
gradient dx/dalpha = -(dF/dalpha) / p(x) (PyTorch's ``_standard_gamma_grad``, the op in
``minigrad.gamma_sampling``): the gradient a sample x = F^-1(u; alpha) would have, without
inverting F.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, ClassVar

import numpy as np

from ..creation import randn
from ..functions import stack, where
from ..gamma_sampling import standard_gamma
from ..grad_mode import no_grad
from ..nn.functional import one_hot
from ..special import gammainc
from ..surface import Size
from ..tensor import Tensor, as_tensor
from .distribution import (
    Constraint,
    Distribution,
    ShapeLike,
    broadcast_all,
    independent_positive,
    nonnegative,
    positive,
    real,
    simplex,
    unit_interval,
)
from .exp_family import ExponentialFamily


def _numbers_only(*values: Any) -> bool:
    return all(isinstance(v, numbers.Number) for v in values)


class Gamma(ExponentialFamily):
    """Gamma(concentration, rate): density rate^c x^(c-1) exp(-rate x) / Gamma(c), x > 0.

    Args:
        concentration: the shape c, > 0 (a number or a tensor).
        rate: the inverse scale, > 0 (a number or a tensor); the mean is c / rate.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {
        "concentration": positive,
        "rate": positive,
    }
    support = nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, concentration: Any, rate: Any, validate_args: Any = None) -> None:
        self.concentration, self.rate = broadcast_all(concentration, rate)
        shape = Size() if _numbers_only(concentration, rate) else Size(self.rate.shape)
        super().__init__(shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Gamma:
        return self._expanded(batch_shape, ("concentration", "rate"))

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        """(c - 1) / rate, 0 for c < 1."""
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self) -> Tensor:
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """x / rate, x a standard gamma variate of concentration c (clamped to the smallest
        normal float, as PyTorch's); gradient to c by implicit reparameterisation."""
        shape = self._extended_shape(sample_shape)
        return standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)

    def log_prob(self, value: Tensor) -> Tensor:
        """c log rate + (c - 1) log value - rate value - lgamma(c)."""
        if self._validate_args:
            self._validate_sample(value)
        value = as_tensor(value, dtype=self.rate.dtype)
        c, rate = self.concentration, self.rate
        return c.xlogy(rate) + (c - 1).xlogy(value) - rate * value - c.lgamma()

    def cdf(self, value: Tensor) -> Tensor:
        """P(c, rate value), the regularized lower incomplete gamma function (``gammainc``):
        differentiable in value and rate; in c it raises PyTorch's ``NotImplementedError``."""
        if self._validate_args:
            self._validate_sample(value)
        value = as_tensor(value, dtype=self.rate.dtype)
        return gammainc(self.concentration, self.rate * value)

    def entropy(self) -> Tensor:
        """c - log rate + lgamma(c) + (1 - c) digamma(c)."""
        c = self.concentration
        return c - self.rate.log() + c.lgamma() + (1.0 - c) * c.digamma()

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        """(concentration - 1, -rate)."""
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:  # type: ignore[override]
        """F(x, y) = lgamma(x + 1) + (x + 1) log(-1 / y)."""
        return (x + 1).lgamma() + (x + 1) * (-y.reciprocal()).log()


class Chi2(Gamma):
    """Chi-squared with ``df`` degrees of freedom: Gamma(df / 2, 1 / 2).

    Args:
        df: the degrees of freedom, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"df": positive}

    def __init__(self, df: Any, validate_args: Any = None) -> None:
        (df_t,) = broadcast_all(df)
        super().__init__(0.5 * df_t, 0.5, validate_args=validate_args)
        if isinstance(df, numbers.Number):
            self._batch_shape = Size()

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Chi2:
        return self._expanded(batch_shape, ("concentration", "rate"))

    @property
    def df(self) -> Tensor:
        return self.concentration * 2


class Dirichlet(ExponentialFamily):
    """Dirichlet(concentration) over probability vectors (the last dim of ``concentration``),
    batched over the dims before it.

    Args:
        concentration: alpha, > 0, at least 1-d.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"concentration": independent_positive}
    support = simplex
    has_rsample = True

    def __init__(self, concentration: Tensor, validate_args: Any = None) -> None:
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        shape = concentration.shape
        super().__init__(Size(shape[:-1]), Size(shape[-1:]), validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Dirichlet:
        return self._expanded(batch_shape, ("concentration",))

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self) -> Tensor:
        """(alpha - 1)+ normalised; where every alpha < 1, the one-hot of the largest."""
        cm1 = (self.concentration - 1).clamp(min=0.0)
        mode = cm1 / cm1.sum(-1, keepdim=True)
        corner = one_hot(mode.argmax(dim=-1), cm1.shape[-1]).to(mode.dtype)
        all_below = (self.concentration < 1).all(dim=-1, keepdim=True)
        return where(all_below, corner, mode)

    @property
    def variance(self) -> Tensor:
        con0 = self.concentration.sum(-1, keepdim=True)
        c = self.concentration
        return c * (con0 - c) / (con0.pow(2) * (con0 + 1))

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """g / sum(g), g_i independent standard gamma variates of concentration alpha_i."""
        shape = self._extended_shape(sample_shape)
        g = standard_gamma(self.concentration.expand(shape))
        x = g / g.sum(-1, keepdim=True)
        tiny = float(np.finfo(x._data.dtype).tiny)
        return x.clamp(min=tiny, max=1 - float(np.finfo(x._data.dtype).eps))

    def log_prob(self, value: Tensor) -> Tensor:
        """sum (alpha - 1) log x + lgamma(sum alpha) - sum lgamma(alpha)."""
        if self._validate_args:
            self._validate_sample(value)
        c = self.concentration
        return (c - 1).xlogy(value).sum(-1) + c.sum(-1).lgamma() - c.lgamma().sum(-1)

    def entropy(self) -> Tensor:
        k = self.concentration.shape[-1]
        c = self.concentration
        a0 = c.sum(-1)
        return (
            c.lgamma().sum(-1)
            - a0.lgamma()
            - (k - a0) * a0.digamma()
            - ((c - 1.0) * c.digamma()).sum(-1)
        )

    @property
    def _natural_params(self) -> tuple[Tensor]:
        """(concentration,)."""
        return (self.concentration,)

    def _log_normalizer(self, x: Tensor) -> Tensor:  # type: ignore[override]
        """F(x) = sum lgamma(x) - lgamma(sum x)."""
        return x.lgamma().sum(-1) - x.sum(-1).lgamma()


class Beta(ExponentialFamily):
    """Beta(concentration1, concentration0) on [0, 1]: density proportional to
    x^(c1 - 1) (1 - x)^(c0 - 1); the Dirichlet of (c1, c0), read at its first coordinate.

    Args:
        concentration1: alpha, > 0 (a number or a tensor).
        concentration0: beta, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {
        "concentration1": positive,
        "concentration0": positive,
    }
    support = unit_interval
    has_rsample = True

    def __init__(self, concentration1: Any, concentration0: Any, validate_args: Any = None) -> None:
        if _numbers_only(concentration1, concentration0):
            c1, c0 = broadcast_all(concentration1, concentration0)
            concentration = as_tensor([float(concentration1), float(concentration0)])
            concentration = concentration.to(c1.dtype)
        else:
            c1, c0 = broadcast_all(concentration1, concentration0)
            concentration = stack([c1, c0], -1)
        self._dirichlet = Dirichlet(concentration, validate_args=validate_args)
        super().__init__(self._dirichlet._batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Beta:
        new = type(self).__new__(type(self))
        new._dirichlet = self._dirichlet.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def concentration1(self) -> Tensor:
        return self._dirichlet.concentration[..., 0]

    @property
    def concentration0(self) -> Tensor:
        return self._dirichlet.concentration[..., 1]

    @property
    def mean(self) -> Tensor:
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self) -> Tensor:
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self) -> Tensor:
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        heads_tails = stack([value, 1.0 - value], -1)
        return self._dirichlet.log_prob(heads_tails)

    def entropy(self) -> Tensor:
        return self._dirichlet.entropy()

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        """(concentration1, concentration0)."""
        return (self.concentration1, self.concentration0)

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:  # type: ignore[override]
        """F(x, y) = lgamma(x) + lgamma(y) - lgamma(x + y)."""
        return x.lgamma() + y.lgamma() - (x + y).lgamma()


class StudentT(Distribution):
    """Student's t with ``df`` degrees of freedom, location ``loc`` and scale ``scale``.

    Args:
        df: the degrees of freedom, > 0 (a number or a tensor).
        loc: the location (a number or a tensor), 0 by default.
        scale: the scale, > 0 (a number or a tensor), 1 by default.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).

    ``rsample`` is loc + scale eps / sqrt(z / df), eps standard normal and z ~ Chi2(df)
    (reparameterised through the gamma variate, as PyTorch's).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {
        "df": positive,
        "loc": real,
        "scale": positive,
    }
    support = real
    has_rsample = True

    def __init__(
        self, df: Any, loc: Any = 0.0, scale: Any = 1.0, validate_args: Any = None
    ) -> None:
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)  # (validated with the default setting, as PyTorch's)
        shape = Size() if _numbers_only(df, loc, scale) else Size(self.df.shape)
        super().__init__(shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> StudentT:
        new = self._expanded(batch_shape, ("df", "loc", "scale"))
        new._chi2 = self._chi2.expand(batch_shape)
        return new

    @property
    def mean(self) -> Tensor:
        """loc, NaN for df <= 1."""
        return where(self.df <= 1, math.nan, self.loc)

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        """scale^2 df / (df - 2) for df > 2; inf for 1 < df <= 2; NaN for df <= 1."""
        df = self.df
        finite = self.scale.pow(2) * df / (df - 2)
        return where(df > 2, finite, where(df > 1, math.inf, math.nan))

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        x = randn(shape, dtype=self.df.dtype)
        z = self._chi2.rsample(sample_shape)
        y = x * (z / self.df).rsqrt()
        return self.loc + self.scale * y

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        df = self.df
        y = (value - self.loc) / self.scale
        z = (
            self.scale.log()
            + 0.5 * df.log()
            + 0.5 * math.log(math.pi)
            + (0.5 * df).lgamma()
            - (0.5 * (df + 1.0)).lgamma()
        )
        return -0.5 * (df + 1.0) * (y.pow(2) / df).log1p() - z

    def entropy(self) -> Tensor:
        df = self.df
        lbeta = (0.5 * df).lgamma() + math.lgamma(0.5) - (0.5 * (df + 1)).lgamma()
        return (
            self.scale.log()
            + 0.5 * (df + 1) * ((0.5 * (df + 1)).digamma() - (0.5 * df).digamma())
            + 0.5 * df.log()
            + lbeta
        )
