"""A mixture of components of one family (``torch.distributions.MixtureSameFamily``): a
``Categorical`` picks one of k components, the rightmost batch dim of the component
distribution.

``log_prob`` is the ``logsumexp`` of the components' ``log_prob`` plus the mixture's
log-weights, so it is differentiable in both; ``sample`` has no gradient (no ``rsample``, as
PyTorch's).
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..activations import log_softmax
from ..grad_mode import no_grad
from ..surface import Size
from ..tensor import Tensor
from .categorical import Categorical
from .distribution import Constraint, Distribution, ShapeLike
from .multinomial import expand_categorical


class MixtureSameFamilyConstraint(Constraint):
    """The component's support, checked with the component dim added back and reduced."""

    def __init__(self, base_constraint: Constraint) -> None:
        if not isinstance(base_constraint, Constraint):
            raise AssertionError(
                f"base_constraint must be a Constraint, got {type(base_constraint).__name__}"
            )
        self.base_constraint = base_constraint
        self.event_dim = base_constraint.event_dim

    def check(self, value: Tensor) -> Tensor:
        result = self.base_constraint.check(value.unsqueeze(-1 - self.event_dim))
        if value.dim() < self.event_dim:
            raise ValueError(f"Expected value.dim() >= {self.event_dim} but got {value.dim()}")
        keep = value.dim() - self.event_dim
        return result.reshape(*result.shape[:keep], -1).all(dim=-1)

    def __repr__(self) -> str:
        return f"MixtureSameFamilyConstraint({self.base_constraint!r})"


class MixtureSameFamily(Distribution):
    """p(x) = sum_j w_j p_j(x): ``mixture_distribution`` gives the weights w over the k
    components of ``component_distribution`` (its rightmost batch dim).

    Args:
        mixture_distribution: a ``Categorical`` over k classes, of batch shape ``()`` or
            broadcastable to the component's batch shape without its last dim.
        component_distribution: a ``Distribution`` whose rightmost batch dim is k.
        validate_args: check values in ``log_prob`` (PyTorch's messages); None: the default.

    Raises:
        ValueError: a mixture that is not a ``Categorical``, a component that is not a
            ``Distribution``, or shapes that do not match (PyTorch's messages).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {}
    has_rsample = False

    def __init__(
        self,
        mixture_distribution: Categorical,
        component_distribution: Distribution,
        validate_args: Any = None,
    ) -> None:
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError(
                " The Mixture distribution needs to be an  instance of "
                "minigrad.distributions.Categorical"
            )
        if not isinstance(component_distribution, Distribution):
            raise ValueError(
                "The Component distribution needs to be an instance of "
                "minigrad.distributions.Distribution"
            )
        mdbs = mixture_distribution.batch_shape
        cdbs = component_distribution.batch_shape[:-1]
        for size1, size2 in zip(reversed(mdbs), reversed(cdbs)):
            if size1 != 1 and size2 != 1 and size1 != size2:
                raise ValueError(
                    f"`mixture_distribution.batch_shape` ({mdbs}) is not compatible with "
                    f"`component_distribution.batch_shape`({cdbs})"
                )
        km = mixture_distribution.logits.shape[-1]
        kc = component_distribution.batch_shape[-1]
        if km != kc:
            raise ValueError(
                f"`mixture_distribution component` ({km}) does not equal "
                f"`component_distribution.batch_shape[-1]` ({kc})"
            )
        self._mixture_distribution = mixture_distribution
        self._component_distribution = component_distribution
        self._num_component = km
        event_shape = component_distribution.event_shape
        self._event_ndims = len(event_shape)
        super().__init__(Size(cdbs), event_shape, validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> MixtureSameFamily:
        batch_shape = Size(batch_shape)
        new = type(self).__new__(type(self))
        new._component_distribution = self._component_distribution.expand(
            Size((*batch_shape, self._num_component))
        )
        new._mixture_distribution = expand_categorical(self._mixture_distribution, batch_shape)
        new._num_component = self._num_component
        new._event_ndims = self._event_ndims
        event_shape = new._component_distribution.event_shape
        Distribution.__init__(new, batch_shape, event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def support(self) -> Constraint:
        return MixtureSameFamilyConstraint(self._component_distribution.support)

    @property
    def mixture_distribution(self) -> Categorical:
        return self._mixture_distribution

    @property
    def component_distribution(self) -> Distribution:
        return self._component_distribution

    def _pad(self, x: Tensor) -> Tensor:
        return x.unsqueeze(-1 - self._event_ndims)

    def _pad_mixture_dimensions(self, x: Tensor) -> Tensor:
        dist_batch_ndims = len(self._batch_shape)
        cat_batch_ndims = len(self._mixture_distribution.batch_shape)
        pad_ndims = 0 if cat_batch_ndims == 1 else dist_batch_ndims - cat_batch_ndims
        xs = tuple(x.shape)
        return x.reshape((*xs[:-1], *([1] * pad_ndims), *xs[-1:], *([1] * self._event_ndims)))

    @property
    def mean(self) -> Tensor:
        """sum_j w_j mean_j."""
        probs = self._pad_mixture_dimensions(self._mixture_distribution.probs)
        return (probs * self._component_distribution.mean).sum(-1 - self._event_ndims)

    @property
    def variance(self) -> Tensor:
        """The law of total variance: E[var_j] + var(mean_j)."""
        probs = self._pad_mixture_dimensions(self._mixture_distribution.probs)
        dim = -1 - self._event_ndims
        mean_cond_var = (probs * self._component_distribution.variance).sum(dim)
        deviation = self._component_distribution.mean - self._pad(self.mean)
        var_cond_mean = (probs * deviation.pow(2.0)).sum(dim)
        return mean_cond_var + var_cond_mean

    def cdf(self, x: Tensor) -> Tensor:
        """sum_j w_j cdf_j(x) (components with a ``cdf``)."""
        cdf_x = self._component_distribution.cdf(self._pad(x))
        return (cdf_x * self._mixture_distribution.probs).sum(-1)

    def log_prob(self, x: Tensor) -> Tensor:
        """logsumexp_j (log p_j(x) + log w_j)."""
        if self._validate_args:
            self._validate_sample(x)
        log_prob_x = self._component_distribution.log_prob(self._pad(x))
        log_mix_prob = log_softmax(self._mixture_distribution.logits, dim=-1)
        return (log_prob_x + log_mix_prob).logsumexp(dim=-1)

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """A component index from the mixture, then that component's sample."""
        sample_shape = Size(sample_shape)
        with no_grad():
            gather_dim = len(sample_shape) + len(self._batch_shape)
            es = self._event_shape
            mixture = self._mixture_distribution
            if mixture.batch_shape != self._batch_shape:
                # each batch element picks on its own (PyTorch's gather refuses this shape)
                mixture = expand_categorical(mixture, self._batch_shape)
            mix_sample = mixture.sample(sample_shape)
            mix_shape = tuple(mix_sample.shape)
            comp_samples = self._component_distribution.sample(sample_shape)
            index = mix_sample.reshape(*mix_shape, *([1] * (len(es) + 1)))
            index = index.expand(*mix_shape, 1, *es)
            return comp_samples.gather(gather_dim, index).squeeze(gather_dim)

    def __repr__(self) -> str:
        args = f"\n  {self._mixture_distribution},\n  {self._component_distribution}"
        return f"MixtureSameFamily({args})"
