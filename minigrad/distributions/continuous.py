"""Univariate continuous distributions with a reparameterised sample (``torch.distributions``'
Uniform, Exponential, Laplace, Cauchy, Gumbel, HalfCauchy, HalfNormal and LogNormal).

Each is composed of minigrad's differentiable ops: ``rsample`` transforms uniform or normal
noise by a formula in the parameters, so the gradient reaches them, and ``log_prob``,
``cdf``, ``icdf`` and ``entropy`` are differentiable to any order.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from ..creation import full, rand
from ..functions import where
from ..surface import Size
from ..tensor import Tensor, as_tensor
from .distribution import (
    Constraint,
    Distribution,
    ShapeLike,
    _GreaterThan,
    _Interval,
    _LessThan,
    broadcast_all,
    nonnegative,
    positive,
    real,
)
from .exp_family import ExponentialFamily
from .normal import Normal

_EULER_GAMMA = 0.57721566490153286060


def _finfo(t: Tensor) -> Any:
    return np.finfo(t._data.dtype)


def _uniform(d: Distribution, like: Tensor, sample_shape: ShapeLike) -> Tensor:
    """Uniform noise in [0, 1) of shape ``sample_shape + batch_shape``, in ``like``'s dtype."""
    return rand(d._extended_shape(sample_shape), dtype=like.dtype)


class Uniform(Distribution):
    """Uniform on the half-open interval [low, high).

    Args:
        low: the lower bound, inclusive (a number or a tensor).
        high: the upper bound, exclusive (a number or a tensor).
        validate_args: check values against the support (PyTorch's messages).
    """

    has_rsample = True

    @property
    def arg_constraints(self) -> dict[str, Constraint]:  # type: ignore[override]
        """low < high, each checked against the other (PyTorch's)."""
        return {"low": _LessThan(self.high), "high": _GreaterThan(self.low)}

    def __init__(self, low: Any, high: Any, validate_args: Any = None) -> None:
        self.low, self.high = broadcast_all(low, high)
        super().__init__(Size(self.low.shape), validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Uniform:
        return self._expanded(batch_shape, ("low", "high"))

    @property
    def support(self) -> Constraint:
        return _Interval(self.low, self.high)  # type: ignore[arg-type]

    @property
    def mean(self) -> Tensor:
        return (self.high + self.low) / 2

    @property
    def mode(self) -> Tensor:
        """NaN: every value of the interval is as likely."""
        return math.nan * self.high

    @property
    def stddev(self) -> Tensor:
        return (self.high - self.low) / 12**0.5

    @property
    def variance(self) -> Tensor:
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """low + u (high - low), u uniform in [0, 1)."""
        return self.low + _uniform(self, self.low, sample_shape) * (self.high - self.low)

    def log_prob(self, value: Tensor) -> Tensor:
        """-log(high - low) inside [low, high), -inf outside."""
        if self._validate_args:
            self._validate_sample(value)
        lb = self.low.le(value).type_as(self.low)
        ub = self.high.gt(value).type_as(self.low)
        return (lb * ub).log() - (self.high - self.low).log()

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value: Tensor) -> Tensor:
        return value * (self.high - self.low) + self.low

    def entropy(self) -> Tensor:
        return (self.high - self.low).log()


class Exponential(ExponentialFamily):
    """Exponential with rate ``rate`` (density rate exp(-rate x) for x >= 0).

    Args:
        rate: the rate, > 0 (a number or a tensor); the mean is 1 / rate.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"rate": positive}
    support = nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, rate: Any, validate_args: Any = None) -> None:
        (self.rate,) = broadcast_all(rate)
        super().__init__(Size(self.rate.shape), validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Exponential:
        return self._expanded(batch_shape, ("rate",))

    @property
    def mean(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def mode(self) -> Tensor:
        return self.rate * 0

    @property
    def stddev(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def variance(self) -> Tensor:
        return self.rate.pow(-2)

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """e / rate, e = -log(1 - u) a standard exponential."""
        e = -(-_uniform(self, self.rate, sample_shape)).log1p()
        return e / self.rate

    def log_prob(self, value: Tensor) -> Tensor:
        """log rate - rate value."""
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value: Tensor) -> Tensor:
        return -(-value).log1p() / self.rate

    def entropy(self) -> Tensor:
        return 1.0 - self.rate.log()

    @property
    def _natural_params(self) -> tuple[Tensor]:
        """(-rate,)."""
        return (-self.rate,)

    def _log_normalizer(self, x: Tensor) -> Tensor:  # type: ignore[override]
        """F(x) = -log(-x)."""
        return -(-x).log()


class _LocScale(Distribution):
    """A location-scale family: ``loc`` real, ``scale`` > 0, broadcast together."""

    arg_constraints: ClassVar[dict[str, Constraint]] = {"loc": real, "scale": positive}
    support: Any = real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: Any = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(Size(self.loc.shape), validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Any:
        return self._expanded(batch_shape, ("loc", "scale"))


class Laplace(_LocScale):
    """Laplace (double exponential): density exp(-|x - loc| / scale) / (2 scale).

    Args:
        loc: the mean (a number or a tensor).
        scale: the scale, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        return 2 * self.scale.pow(2)

    @property
    def stddev(self) -> Tensor:
        return 2**0.5 * self.scale

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """loc - scale sign(u) log(1 - |u|), u uniform in (eps - 1, 1)."""
        eps = float(_finfo(self.loc).eps)
        u = _uniform(self, self.loc, sample_shape) * (2 - eps) + (eps - 1)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value: Tensor) -> Tensor:
        """-log(2 scale) - |value - loc| / scale."""
        if self._validate_args:
            self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        z = value - self.loc
        return 0.5 - 0.5 * z.sign() * (-z.abs() / self.scale).expm1()

    def icdf(self, value: Tensor) -> Tensor:
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self) -> Tensor:
        return 1 + (2 * self.scale).log()


class Cauchy(_LocScale):
    """Cauchy (Lorentz): density 1 / (pi scale (1 + ((x - loc) / scale)^2)); no mean.

    Args:
        loc: the median and mode (a number or a tensor).
        scale: the half width at half maximum, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    @property
    def mean(self) -> Tensor:
        """NaN: the Cauchy distribution has no mean."""
        return full(self._extended_shape(), math.nan, dtype=self.loc.dtype)

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        """inf, as PyTorch."""
        return full(self._extended_shape(), math.inf, dtype=self.loc.dtype)

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """loc + scale tan(pi (u - 1/2)), u uniform in [0, 1)."""
        c = (math.pi * (_uniform(self, self.loc, sample_shape) - 0.5)).tan()
        return self.loc + c * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        return -math.log(math.pi) - self.scale.log() - z.pow(2).log1p()

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value: Tensor) -> Tensor:
        return (math.pi * (value - 0.5)).tan() * self.scale + self.loc

    def entropy(self) -> Tensor:
        return math.log(4 * math.pi) + self.scale.log()


class Gumbel(_LocScale):
    """Gumbel (type-I extreme value): cdf exp(-exp(-(x - loc) / scale)).

    Args:
        loc: the location (mode) (a number or a tensor).
        scale: the scale, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    @property
    def mean(self) -> Tensor:
        return self.loc + self.scale * _EULER_GAMMA

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.pow(2)

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """loc - scale log(-log u), u uniform in [tiny, 1 - eps]."""
        info = _finfo(self.loc)
        u = _uniform(self, self.loc, sample_shape).clamp(min=float(info.tiny), max=1 - info.eps)
        return self.loc - self.scale * (-u.log()).log()

    def log_prob(self, value: Tensor) -> Tensor:
        """-(log scale + z + exp(-z)), z = (value - loc) / scale."""
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        return -(self.scale.log() + z + (-z).exp())

    def cdf(self, value: Tensor) -> Tensor:
        """exp(-exp(-(value - loc) / scale)). PyTorch's refuses a value whose cdf rounds to 0
        or above 1 - eps (out of its base Uniform's support); this one gives it."""
        if self._validate_args:
            self._validate_sample(value)
        return (-(-(value - self.loc) / self.scale).exp()).exp()

    def icdf(self, value: Tensor) -> Tensor:
        return self.loc - self.scale * (-value.log()).log()

    def entropy(self) -> Tensor:
        return self.scale.log() + (1 + _EULER_GAMMA)


class HalfCauchy(Distribution):
    """|X| for X ~ Cauchy(0, scale) (PyTorch's transformed ``Cauchy(0, scale)``).

    Args:
        scale: the scale of the Cauchy folded, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"scale": positive}
    support = nonnegative
    has_rsample = True

    def __init__(self, scale: Any, validate_args: Any = None) -> None:
        self.base_dist = Cauchy(0, scale, validate_args=False)
        super().__init__(self.base_dist.batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> HalfCauchy:
        new = type(self).__new__(type(self))
        new.base_dist = self.base_dist.expand(batch_shape)
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def scale(self) -> Tensor:
        return self.base_dist.scale

    @property
    def mean(self) -> Tensor:
        """inf, as PyTorch."""
        return full(self._extended_shape(), math.inf, dtype=self.scale.dtype)

    @property
    def mode(self) -> Tensor:
        return self.scale * 0

    @property
    def variance(self) -> Tensor:
        return self.base_dist.variance

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        return self.base_dist.rsample(sample_shape).abs()

    def log_prob(self, value: Tensor) -> Tensor:
        """log 2 + the Cauchy's log density, -inf below 0 (the value in the scale's dtype, as
        PyTorch's)."""
        if self._validate_args:
            self._validate_sample(value)
        value = as_tensor(value, dtype=self.scale.dtype)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return where(value >= 0, log_prob, -math.inf)

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob: Tensor) -> Tensor:
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self) -> Tensor:
        return self.base_dist.entropy() - math.log(2)


class _OfNormal(Distribution):
    """A distribution defined through a ``Normal`` it transforms (``base_dist``, as PyTorch's
    ``TransformedDistribution``): expanding it expands that normal."""

    base_dist: Normal

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Any:
        new = type(self).__new__(type(self))
        new.base_dist = self.base_dist._expanded(batch_shape, ("loc", "scale"))
        Distribution.__init__(new, batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new


class HalfNormal(_OfNormal):
    """|X| for X ~ N(0, scale^2) (PyTorch's transformed ``Normal(0, scale)``).

    Args:
        scale: the scale of the normal folded, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"scale": positive}
    support = nonnegative
    has_rsample = True

    def __init__(self, scale: Any, validate_args: Any = None) -> None:
        self.base_dist = Normal(0, scale, validate_args=False)
        super().__init__(self.base_dist.batch_shape, validate_args=validate_args)

    @property
    def scale(self) -> Tensor:
        return self.base_dist.scale

    @property
    def mean(self) -> Tensor:
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def mode(self) -> Tensor:
        return self.scale * 0

    @property
    def variance(self) -> Tensor:
        return self.scale.pow(2) * (1 - 2 / math.pi)

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        return self.base_dist.rsample(sample_shape).abs()

    def log_prob(self, value: Tensor) -> Tensor:
        """log 2 + the normal's log density, -inf below 0."""
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return where(value >= 0, log_prob, -math.inf)

    def cdf(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob: Tensor) -> Tensor:
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self) -> Tensor:
        return self.base_dist.entropy() - math.log(2)


class LogNormal(_OfNormal):
    """exp(X) for X ~ N(loc, scale^2) (PyTorch's transformed ``Normal(loc, scale)``).

    Args:
        loc: the mean of log X (a number or a tensor).
        scale: the standard deviation of log X, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"loc": real, "scale": positive}
    support = positive
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: Any = None) -> None:
        self.base_dist = Normal(loc, scale, validate_args=validate_args)
        super().__init__(self.base_dist.batch_shape, validate_args=validate_args)

    @property
    def loc(self) -> Tensor:
        return self.base_dist.loc

    @property
    def scale(self) -> Tensor:
        return self.base_dist.scale

    @property
    def mean(self) -> Tensor:
        return (self.loc + self.scale.pow(2) / 2).exp()

    @property
    def mode(self) -> Tensor:
        return (self.loc - self.scale.pow(2)).exp()

    @property
    def variance(self) -> Tensor:
        scale2 = self.scale.pow(2)
        return scale2.expm1() * (2 * self.loc + scale2).exp()

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        return self.base_dist.rsample(sample_shape).exp()

    def log_prob(self, value: Tensor) -> Tensor:
        """The normal's log density at log value, minus log value (the Jacobian)."""
        if self._validate_args:
            self._validate_sample(value)
        x = value.log()
        return self.base_dist.log_prob(x) - x

    def cdf(self, value: Tensor) -> Tensor:
        """The normal's cdf at log value (as PyTorch, the log is what is validated: 0 gives 0)."""
        if self._validate_args:
            self.base_dist._validate_sample(value.log())
        return self.base_dist.cdf(value.log())

    def icdf(self, value: Tensor) -> Tensor:
        return self.base_dist.icdf(value).exp()

    def entropy(self) -> Tensor:
        return self.base_dist.entropy() + self.loc
