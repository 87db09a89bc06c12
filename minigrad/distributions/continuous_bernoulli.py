"""The continuous Bernoulli distribution on [0, 1] (``torch.distributions.ContinuousBernoulli``,
Loaiza-Ganem and Cunningham, 2019) and its KL pairs (PyTorch's).

The density is C(p) p^x (1 - p)^(1 - x); near p = 1/2 the closed forms of C, the mean and the
variance divide 0 by 0, so there (inside ``lims``) they are PyTorch's Taylor expansions. All
are composed of differentiable ops; ``rsample`` is the inverse cdf of uniform noise.
"""

from __future__ import annotations

import math
import numbers
from functools import cached_property
from typing import Any, ClassVar

from ..creation import rand
from ..functions import where
from ..grad_mode import no_grad
from ..nn.functional import binary_cross_entropy_with_logits
from ..surface import Size
from ..tensor import Tensor
from .categorical import clamp_probs
from .continuous import Exponential, Uniform
from .discrete import _probs_to_logits
from .distribution import (
    Constraint,
    ShapeLike,
    _all_true,
    broadcast_all,
    real,
    unit_interval,
)
from .exp_family import ExponentialFamily
from .gamma_family import Beta
from .kl import register_kl
from .normal import Normal

_INF = math.inf


class ContinuousBernoulli(ExponentialFamily):
    """Density C(p) p^x (1 - p)^(1 - x) on [0, 1], parameterised by ``probs`` = p or
    ``logits`` = log(p / (1 - p)) (p is not its mean).

    Args:
        probs: p in [0, 1] (clamped to [eps, 1 - eps]; a number or a tensor).
        logits: its log-odds. Give exactly one of ``probs`` and ``logits``.
        lims: the interval around 1/2 where Taylor expansions replace the closed forms.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
            As PyTorch's, ``probs`` outside [0, 1] raise only when ``validate_args`` is
            given (True or False); otherwise they are clamped.
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"probs": unit_interval, "logits": real}
    support = unit_interval
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(
        self,
        probs: Any = None,
        logits: Any = None,
        lims: tuple[float, float] = (0.499, 0.501),
        validate_args: Any = None,
    ) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            is_scalar = isinstance(probs, numbers.Number)
            (given,) = broadcast_all(probs)
            if validate_args is not None and not _all_true(unit_interval.check(given)):
                raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(given)
        else:
            is_scalar = isinstance(logits, numbers.Number)
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        self._lims = lims
        batch_shape = Size() if is_scalar else Size(self._param.shape)
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> ContinuousBernoulli:
        name = "probs" if "probs" in self.__dict__ and self._param is self.probs else "logits"
        new = self._expanded(batch_shape, (name,))
        new._param = getattr(new, name)
        new._lims = self._lims
        return new

    @cached_property
    def logits(self) -> Tensor:
        """log(p) - log(1 - p), of the clamped probabilities."""
        return _probs_to_logits(self.probs)

    @cached_property
    def probs(self) -> Tensor:
        """sigmoid(logits), clamped to [eps, 1 - eps]."""
        return clamp_probs(self.logits.sigmoid())

    @property
    def param_shape(self) -> Size:
        return Size(self._param.shape)

    def _outside_unstable_region(self) -> Tensor:
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self) -> Tensor:
        """p outside ``lims``, else ``lims[0]`` (kept away from 1/2, where the closed forms
        divide 0 by 0, so that their unused branch has no NaN gradient)."""
        return where(self._outside_unstable_region(), self.probs, self._lims[0])

    def _cont_bern_log_norm(self) -> Tensor:
        """log C(p) = log |log(1 - p) - log p| - log |1 - 2p|; log 2 + 4/3 x + 104/45 x^2,
        x = (p - 1/2)^2, near p = 1/2."""
        cut_probs = self._cut_probs()
        below_half = where(cut_probs <= 0.5, cut_probs, 0.0)
        above_half = where(cut_probs >= 0.5, cut_probs, 1.0)
        log_norm = ((-cut_probs).log1p() - cut_probs.log()).abs().log() - where(
            cut_probs <= 0.5, (-2.0 * below_half).log1p(), (2.0 * above_half - 1.0).log()
        )
        x = (self.probs - 0.5).pow(2)
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self) -> Tensor:
        """p / (2p - 1) + 1 / (log(1 - p) - log p)."""
        cut_probs = self._cut_probs()
        mus = cut_probs / (2.0 * cut_probs - 1.0) + 1.0 / ((-cut_probs).log1p() - cut_probs.log())
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x.pow(2)) * x
        return where(self._outside_unstable_region(), mus, taylor)

    @property
    def variance(self) -> Tensor:
        """p (p - 1) / (1 - 2p)^2 + 1 / (log(1 - p) - log p)^2."""
        cut_probs = self._cut_probs()
        variances = cut_probs * (cut_probs - 1.0) / (1.0 - 2.0 * cut_probs).pow(2) + 1.0 / (
            (-cut_probs).log1p() - cut_probs.log()
        ).pow(2)
        x = (self.probs - 0.5).pow(2)
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return where(self._outside_unstable_region(), variances, taylor)

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """The inverse cdf of uniform noise, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """icdf(u), u uniform in [0, 1)."""
        u = rand(self._extended_shape(sample_shape), dtype=self.probs.dtype)
        return self.icdf(u)

    def log_prob(self, value: Tensor) -> Tensor:
        """x log p + (1 - x) log(1 - p) + log C(p)."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        bce = binary_cross_entropy_with_logits(logits, value, reduction="none")
        return -bce + self._cont_bern_log_norm()

    def cdf(self, value: Tensor) -> Tensor:
        """(p^x (1 - p)^(1 - x) + p - 1) / (2p - 1) (x near p = 1/2), 0 below 0, 1 above 1."""
        if self._validate_args:
            self._validate_sample(value)
        cut_probs = self._cut_probs()
        cdfs = (cut_probs.pow(value) * (1.0 - cut_probs).pow(1.0 - value) + cut_probs - 1.0) / (
            2.0 * cut_probs - 1.0
        )
        unbounded = where(self._outside_unstable_region(), cdfs, value)
        return where(value <= 0.0, 0.0, where(value >= 1.0, 1.0, unbounded))

    def icdf(self, value: Tensor) -> Tensor:
        """(log1p(-p + u (2p - 1)) - log1p(-p)) / (log p - log1p(-p)) (u near p = 1/2)."""
        cut_probs = self._cut_probs()
        inverse = (
            (-cut_probs + value * (2.0 * cut_probs - 1.0)).log1p() - (-cut_probs).log1p()
        ) / (cut_probs.log() - (-cut_probs).log1p())
        return where(self._outside_unstable_region(), inverse, value)

    def entropy(self) -> Tensor:
        """mean (log(1 - p) - log p) - log C(p) - log(1 - p)."""
        log_probs0 = (-self.probs).log1p()
        log_probs1 = self.probs.log()
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0

    @property
    def _natural_params(self) -> tuple[Tensor]:
        """(logits,)."""
        return (self.logits,)

    def _log_normalizer(self, x: Tensor) -> Tensor:  # type: ignore[override]
        """F(x) = log |expm1(x)| - log |x|; x / 2 + x^2 / 24 - x^4 / 2880 for x within
        ``lims`` - 1/2 of 0, where the closed form divides 0 by 0 (it is then evaluated at
        ``lims[0]`` - 1/2, so that its unused branch has no NaN gradient)."""
        outside = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        cut = where(outside, x, self._lims[0] - 0.5)
        log_norm = cut.expm1().abs().log() - cut.abs().log()
        taylor = 0.5 * x + x.pow(2) / 24.0 - x.pow(4) / 2880.0
        return where(outside, log_norm, taylor)


def _cross_term(q: ContinuousBernoulli, mean: Tensor) -> Tensor:
    """-E_p[log q(x)] + ... for p of mean ``mean``: -mean logit_q - log(1 - q) - log C(q)."""
    return -mean * q.logits - (-q.probs).log1p() - q._cont_bern_log_norm()


@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _kl_cb_cb(p: ContinuousBernoulli, q: ContinuousBernoulli) -> Tensor:
    t1 = p.mean * (p.logits - q.logits)
    t2 = p._cont_bern_log_norm() + (-p.probs).log1p()
    t3 = -q._cont_bern_log_norm() - (-q.probs).log1p()
    return t1 + t2 + t3


@register_kl(Beta, ContinuousBernoulli)
def _kl_beta_cb(p: Beta, q: ContinuousBernoulli) -> Tensor:
    return -p.entropy() + _cross_term(q, p.mean)


@register_kl(ContinuousBernoulli, Exponential)
def _kl_cb_exponential(p: ContinuousBernoulli, q: Exponential) -> Tensor:
    return -p.entropy() - q.rate.log() + q.rate * p.mean


@register_kl(ContinuousBernoulli, Normal)
def _kl_cb_normal(p: ContinuousBernoulli, q: Normal) -> Tensor:
    t1 = -p.entropy()
    t2 = 0.5 * (math.log(2.0 * math.pi) + (q.loc / q.scale).pow(2)) + q.scale.log()
    t3 = (p.variance + p.mean.pow(2) - 2.0 * q.loc * p.mean) / (2.0 * q.scale.pow(2))
    return t1 + t2 + t3


@register_kl(ContinuousBernoulli, Uniform)
def _kl_cb_uniform(p: ContinuousBernoulli, q: Uniform) -> Tensor:
    """-H(p) + log(high - low); inf unless [low, high) covers [0, 1] strictly (PyTorch's)."""
    result = -p.entropy() + (q.high - q.low).log()
    return where((q.low >= 0.0) | (q.high <= 1.0), _INF, result)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_cb(p: Uniform, q: ContinuousBernoulli) -> Tensor:
    """-H(p) + cross entropy; inf unless [low, high) lies strictly inside (0, 1)."""
    result = -p.entropy() + _cross_term(q, p.mean)
    return where((p.high >= 1.0) | (p.low <= 0.0), _INF, result)
