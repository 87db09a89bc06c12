"""``TransformedDistribution`` (a base distribution pushed through transforms) and the
distributions PyTorch builds on it: ``Weibull``, ``Pareto``, ``Kumaraswamy`` and
``LogisticNormal``.

A sample is the base's sample through the transforms; ``log_prob`` walks back through the
inverses and subtracts each log-det, so both are composed of differentiable ops.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from ..creation import full_like, ones_like
from ..functions import digamma, lgamma, where
from ..grad_mode import no_grad
from ..surface import Size
from ..tensor import Tensor
from .constraints import greater_than_eq, independent
from .continuous import _EULER_GAMMA, Exponential, Uniform
from .distribution import (
    Constraint,
    Distribution,
    ShapeLike,
    broadcast_all,
    positive,
    real,
    simplex,
    unit_interval,
)
from .multivariate import Independent, sum_rightmost
from .normal import Normal
from .transforms import (
    AffineTransform,
    ComposeTransform,
    ExpTransform,
    PowerTransform,
    StickBreakingTransform,
    Transform,
)

__all__ = ["Kumaraswamy", "LogisticNormal", "Pareto", "TransformedDistribution", "Weibull"]


class TransformedDistribution(Distribution):
    """The distribution of f(X), X drawn from ``base_distribution`` and f the ``transforms``
    applied in order (PyTorch's ``TransformedDistribution``).

    Args:
        base_distribution: the distribution of X.
        transforms: a ``Transform`` or a list of them.
        validate_args: check values in ``log_prob``/``cdf`` (PyTorch's messages).

    ``log_prob(y)`` = base.log_prob(x) - sum of log|det J| along the way back from y to x;
    ``cdf`` and ``icdf`` go through the transforms (monotone ones: each ``sign`` known).
    Soft actor-critic's squashed Gaussian is
    ``TransformedDistribution(Normal(mu, std), [TanhTransform(cache_size=1)])``.
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {}
    base_dist: Any

    def __init__(
        self, base_distribution: Distribution, transforms: Any, validate_args: Any = None
    ) -> None:
        if isinstance(transforms, Transform):
            self.transforms = [transforms]
        elif isinstance(transforms, list):
            if not all(isinstance(t, Transform) for t in transforms):
                raise ValueError("transforms must be a Transform or a list of Transforms")
            self.transforms = transforms
        else:
            raise ValueError(f"transforms must be a Transform or list, but was {transforms}")
        base_shape = base_distribution.batch_shape + base_distribution.event_shape
        base_event_dim = len(base_distribution.event_shape)
        transform = ComposeTransform(self.transforms)
        if len(base_shape) < transform.domain.event_dim:
            raise ValueError(
                "base_distribution needs to have shape with size at least "
                f"{transform.domain.event_dim}, but got {base_shape}."
            )
        forward_shape = Size(transform.forward_shape(base_shape))
        expanded_base_shape = Size(transform.inverse_shape(forward_shape))
        if base_shape != expanded_base_shape:  # a transform's parameters broadcast the base
            cut = len(expanded_base_shape) - base_event_dim
            base_distribution = base_distribution.expand(expanded_base_shape[:cut])
        reinterpreted_batch_ndims = transform.domain.event_dim - base_event_dim
        if reinterpreted_batch_ndims > 0:
            base_distribution = Independent(base_distribution, reinterpreted_batch_ndims)
        self.base_dist = base_distribution
        change = transform.codomain.event_dim - transform.domain.event_dim
        event_dim = max(transform.codomain.event_dim, base_event_dim + change)
        cut = len(forward_shape) - event_dim
        super().__init__(forward_shape[:cut], forward_shape[cut:], validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Any:
        """The same distribution over ``batch_shape`` (the base expanded)."""
        new = _instance if _instance is not None else type(self).__new__(type(self))
        batch_shape = Size(batch_shape)
        shape = batch_shape + self._event_shape
        for t in reversed(self.transforms):
            shape = Size(t.inverse_shape(shape))
        base_batch_shape = shape[: len(shape) - len(self.base_dist.event_shape)]
        new.base_dist = self.base_dist.expand(base_batch_shape)
        new.transforms = self.transforms
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def support(self) -> Constraint:
        """The last transform's codomain, over the whole event."""
        if not self.transforms:
            return self.base_dist.support
        support = self.transforms[-1].codomain
        if len(self._event_shape) > support.event_dim:
            support = independent(support, len(self._event_shape) - support.event_dim)
        return support

    @property
    def has_rsample(self) -> bool:  # type: ignore[override]
        return self.base_dist.has_rsample

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """The base's sample through the transforms, without gradient."""
        with no_grad():
            x = self.base_dist.sample(sample_shape)
            for transform in self.transforms:
                x = transform(x)
            return x

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """The base's reparameterised sample through the transforms (gradient flows)."""
        x = self.base_dist.rsample(sample_shape)
        for transform in self.transforms:
            x = transform(x)
        return x

    def log_prob(self, value: Tensor) -> Tensor:
        """base.log_prob(x) - sum log|det dy/dx|, x the value taken back by the inverses."""
        if self._validate_args:
            self._validate_sample(value)
        event_dim = len(self._event_shape)
        log_prob: Any = 0.0
        y = value
        for transform in reversed(self.transforms):
            x = transform.inv(y)
            event_dim += transform.domain.event_dim - transform.codomain.event_dim
            ladj = transform.log_abs_det_jacobian(x, y)
            log_prob = log_prob - sum_rightmost(ladj, event_dim - transform.domain.event_dim)
            y = x
        base = self.base_dist.log_prob(y)
        return log_prob + sum_rightmost(base, event_dim - len(self.base_dist.event_shape))

    def _monotonize_cdf(self, value: Any) -> Any:
        """1 - cdf where the transforms decrease (their signs multiplied are -1)."""
        sign: Any = 1
        for transform in self.transforms:
            sign = sign * transform.sign
        if isinstance(sign, int) and sign == 1:
            return value
        return sign * (value - 0.5) + 0.5

    def cdf(self, value: Tensor) -> Tensor:
        """The base's cdf at the value taken back through the transforms."""
        for transform in self.transforms[::-1]:
            value = transform.inv(value)
        if self._validate_args:
            self.base_dist._validate_sample(value)
        return self._monotonize_cdf(self.base_dist.cdf(value))

    def icdf(self, value: Tensor) -> Tensor:
        """The base's icdf pushed through the transforms."""
        value = self._monotonize_cdf(value)
        value = self.base_dist.icdf(value)
        for transform in self.transforms:
            value = transform(value)
        return value


class Weibull(TransformedDistribution):
    """Weibull: scale * E^(1 / concentration), E a standard exponential.

    Args:
        scale: lambda, > 0 (a number or a tensor).
        concentration: k, the shape, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {
        "scale": positive,
        "concentration": positive,
    }
    support = positive

    def __init__(self, scale: Any, concentration: Any, validate_args: Any = None) -> None:
        self.scale, self.concentration = broadcast_all(scale, concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base_dist = Exponential(ones_like(self.scale), validate_args=validate_args)
        super().__init__(base_dist, self._transforms(), validate_args=validate_args)

    def _transforms(self) -> list[Transform]:
        return [
            PowerTransform(exponent=self.concentration_reciprocal),
            AffineTransform(loc=0, scale=self.scale),
        ]

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Weibull:
        new = type(self).__new__(type(self))
        new.scale = self.scale.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.concentration_reciprocal = new.concentration.reciprocal()
        base_dist = self.base_dist.expand(batch_shape)
        TransformedDistribution.__init__(new, base_dist, new._transforms(), validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self) -> Tensor:
        return self.scale * lgamma(1 + self.concentration_reciprocal).exp()

    @property
    def mode(self) -> Tensor:
        k = self.concentration
        return self.scale * ((k - 1) / k) ** k.reciprocal()

    @property
    def variance(self) -> Tensor:
        r = self.concentration_reciprocal
        return self.scale.pow(2) * (lgamma(1 + 2 * r).exp() - (2 * lgamma(1 + r)).exp())

    def entropy(self) -> Tensor:
        r = self.concentration_reciprocal
        return _EULER_GAMMA * (1 - r) + (self.scale * r).log() + 1


class Pareto(TransformedDistribution):
    """Pareto type I: scale * exp(E), E exponential with rate ``alpha``; support x >= scale.

    Args:
        scale: the minimum value, > 0 (a number or a tensor).
        alpha: the shape (tail index), > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"alpha": positive, "scale": positive}

    def __init__(self, scale: Any, alpha: Any, validate_args: Any = None) -> None:
        self.scale, self.alpha = broadcast_all(scale, alpha)
        base_dist = Exponential(self.alpha, validate_args=validate_args)
        transforms = [ExpTransform(), AffineTransform(loc=0, scale=self.scale)]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Pareto:
        new = type(self).__new__(type(self))
        new.scale = self.scale.expand(batch_shape)
        new.alpha = self.alpha.expand(batch_shape)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self) -> Tensor:
        """alpha scale / (alpha - 1); inf for alpha <= 1 (as PyTorch: alpha clamped to 1)."""
        a = self.alpha.clamp(min=1)
        return a * self.scale / (a - 1)

    @property
    def mode(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        """inf for alpha <= 2 (alpha clamped to 2, as PyTorch)."""
        a = self.alpha.clamp(min=2)
        return self.scale.pow(2) * a / ((a - 1).pow(2) * (a - 2))

    @property
    def support(self) -> Constraint:
        return greater_than_eq(self.scale)

    def entropy(self) -> Tensor:
        return (self.scale / self.alpha).log() + (1 + self.alpha.reciprocal())


def _moments(a: Tensor, b: Tensor, n: int) -> Tensor:
    """E[X^n] of a Kumaraswamy(a, b): b B(1 + n / a, b)."""
    arg1 = 1 + n / a
    return b * (lgamma(arg1) + lgamma(b) - lgamma(arg1 + b)).exp()


class Kumaraswamy(TransformedDistribution):
    """Kumaraswamy on [0, 1]: (1 - U^(1 / concentration0))^(1 / concentration1), U uniform.

    Args:
        concentration1: a, > 0 (a number or a tensor).
        concentration0: b, > 0 (a number or a tensor).
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {
        "concentration1": positive,
        "concentration0": positive,
    }
    support = unit_interval
    has_rsample = True

    def __init__(self, concentration1: Any, concentration0: Any, validate_args: Any = None) -> None:
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        base_dist = Uniform(
            full_like(self.concentration0, 0),
            full_like(self.concentration0, 1),
            validate_args=validate_args,
        )
        transforms = [
            PowerTransform(exponent=self.concentration0.reciprocal()),
            AffineTransform(loc=1.0, scale=-1.0),
            PowerTransform(exponent=self.concentration1.reciprocal()),
        ]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Kumaraswamy:
        new = type(self).__new__(type(self))
        new.concentration1 = self.concentration1.expand(batch_shape)
        new.concentration0 = self.concentration0.expand(batch_shape)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self) -> Tensor:
        return _moments(self.concentration1, self.concentration0, 1)

    @property
    def mode(self) -> Tensor:
        """((a - 1) / (a b - 1))^(1 / a); NaN where a < 1 or b < 1 (as PyTorch)."""
        a, b = self.concentration1, self.concentration0
        log_mode = b.reciprocal() * (-b).log1p() - (-b * a).log1p()
        return where((b < 1) | (a < 1), math.nan, log_mode).exp()

    @property
    def variance(self) -> Tensor:
        return _moments(self.concentration1, self.concentration0, 2) - self.mean.pow(2)

    def entropy(self) -> Tensor:
        t1 = 1 - self.concentration1.reciprocal()
        t0 = 1 - self.concentration0.reciprocal()
        h0 = digamma(self.concentration0 + 1) + _EULER_GAMMA
        return t0 + t1 * h0 - self.concentration1.log() - self.concentration0.log()


class LogisticNormal(TransformedDistribution):
    """A normal on K - 1 reals taken to the K-simplex by ``StickBreakingTransform``.

    Args:
        loc: the mean of the base normal (a number or a tensor; the last dim has K - 1).
        scale: its standard deviation, > 0.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"loc": real, "scale": positive}
    support = simplex
    has_rsample = True
    base_dist: Any

    def __init__(self, loc: Any, scale: Any, validate_args: Any = None) -> None:
        base_dist: Distribution = Normal(loc, scale, validate_args=validate_args)
        if not base_dist.batch_shape:
            base_dist = base_dist.expand([1])
        super().__init__(base_dist, StickBreakingTransform(), validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> LogisticNormal:
        return super().expand(batch_shape, _instance=type(self).__new__(type(self)))

    @property
    def loc(self) -> Tensor:
        return self.base_dist.base_dist.loc

    @property
    def scale(self) -> Tensor:
        return self.base_dist.base_dist.scale
