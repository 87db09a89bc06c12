"""Distributions over vectors (``torch.distributions``' Independent, OneHotCategorical and
MultivariateNormal).

``MultivariateNormal`` works through the Cholesky factor L of its covariance: ``log_prob``
solves with L (``linalg.solve`` on ``L.tril()``, so only its lower triangle is read, as
PyTorch's triangular solve) and ``rsample`` is loc + L eps, all differentiable ops, so the
gradient reaches loc and the matrix given.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from .. import linalg
from ..creation import eye, randn
from ..functions import broadcast_shapes
from ..nn.functional import one_hot as one_hot_encode
from ..surface import Size
from ..tensor import Tensor, as_tensor
from .categorical import Categorical
from .distribution import (
    Constraint,
    Distribution,
    ShapeLike,
    _IndependentConstraint,
    real_vector,
    simplex,
)


def sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """``value`` summed over its ``dim`` rightmost dims (PyTorch's ``_sum_rightmost``)."""
    if dim == 0:
        return value
    return value.reshape(*value.shape[: value.dim() - dim], -1).sum(-1)


class _OneHot(Constraint):
    """Vectors of 0s and 1s with exactly one 1."""

    event_dim = 1

    def check(self, value: Tensor) -> Tensor:
        is_boolean = ((value == 0) | (value == 1)).all(dim=-1)
        return is_boolean & (value.sum(-1) == 1)


class _LowerCholesky(Constraint):
    """Lower-triangular square matrices with a positive diagonal."""

    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        a = value.detach().numpy()
        lower = (np.tril(a) == a).reshape(*a.shape[:-2], -1).all(-1)
        positive = (np.diagonal(a, axis1=-2, axis2=-1) > 0).all(-1)
        return as_tensor(lower & positive)


class _PositiveDefinite(Constraint):
    """Symmetric positive-definite matrices (those with a Cholesky factor)."""

    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        a = value.detach().numpy()
        symmetric = np.isclose(a, np.swapaxes(a, -1, -2), atol=1e-6).all((-2, -1))
        if not symmetric.all():
            return as_tensor(symmetric)
        ok = np.empty(a.shape[:-2], dtype=bool)
        for index in np.ndindex(*a.shape[:-2]):
            try:
                np.linalg.cholesky(a[index])
                ok[index] = True
            except np.linalg.LinAlgError:
                ok[index] = False
        return as_tensor(ok)


one_hot = _OneHot()
lower_cholesky = _LowerCholesky()
positive_definite = _PositiveDefinite()


class Independent(Distribution):
    """Reads the rightmost ``reinterpreted_batch_ndims`` batch dims of ``base_distribution``
    as event dims: ``log_prob`` and ``entropy`` are summed over them (a diagonal Gaussian from
    ``Independent(Normal(loc, scale), 1)``).

    Args:
        base_distribution: the distribution whose batch dims are reinterpreted.
        reinterpreted_batch_ndims: how many of its batch dims, from the right.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {}

    def __init__(
        self,
        base_distribution: Distribution,
        reinterpreted_batch_ndims: int,
        validate_args: Any = None,
    ) -> None:
        if reinterpreted_batch_ndims > len(base_distribution.batch_shape):
            raise ValueError(
                "Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), "
                f"actual {reinterpreted_batch_ndims} vs {len(base_distribution.batch_shape)}"
            )
        shape = base_distribution.batch_shape + base_distribution.event_shape
        event_dim = reinterpreted_batch_ndims + len(base_distribution.event_shape)
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims
        cut = len(shape) - event_dim
        super().__init__(Size(shape[:cut]), Size(shape[cut:]), validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Independent:
        batch_shape = Size(batch_shape)
        new = type(self).__new__(type(self))
        n = self.reinterpreted_batch_ndims
        new.base_dist = self.base_dist.expand(batch_shape + self._event_shape[:n])
        new.reinterpreted_batch_ndims = n
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def has_rsample(self) -> bool:  # type: ignore[override]
        return self.base_dist.has_rsample

    @property
    def has_enumerate_support(self) -> bool:  # type: ignore[override]
        return self.reinterpreted_batch_ndims == 0 and self.base_dist.has_enumerate_support

    @property
    def support(self) -> Constraint:
        base = self.base_dist.support
        n = self.reinterpreted_batch_ndims
        return _IndependentConstraint(base, n) if n else base

    @property
    def mean(self) -> Tensor:
        return self.base_dist.mean

    @property
    def mode(self) -> Tensor:
        return self.base_dist.mode

    @property
    def variance(self) -> Tensor:
        return self.base_dist.variance

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value: Tensor) -> Tensor:
        """The base's log_prob summed over the reinterpreted dims."""
        return sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)

    def entropy(self) -> Tensor:
        return sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        if self.reinterpreted_batch_ndims > 0:
            raise NotImplementedError("Enumeration over cartesian product is not implemented")
        return self.base_dist.enumerate_support(expand=expand)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_dist}, {self.reinterpreted_batch_ndims})"


class OneHotCategorical(Distribution):
    """A ``Categorical`` whose samples are one-hot vectors (the last dim holds the K classes).

    Args:
        probs: non-negative weights (normalised to sum to 1 along the last dim).
        logits: unnormalised log-probabilities. Give exactly one of ``probs`` and ``logits``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"probs": simplex, "logits": real_vector}
    support = one_hot
    has_enumerate_support = True

    def __init__(
        self, probs: Tensor | None = None, logits: Tensor | None = None, validate_args: Any = None
    ) -> None:
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        param_shape = self._categorical.param_shape
        super().__init__(
            self._categorical.batch_shape, param_shape[-1:], validate_args=validate_args
        )

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> OneHotCategorical:
        batch_shape = Size(batch_shape)
        cat = self._categorical
        name = "probs" if "probs" in cat.__dict__ and cat._param is cat.probs else "logits"
        param = cat._param.expand(batch_shape + self._event_shape)
        new = type(self).__new__(type(self))
        new._categorical = Categorical(**{name: param}, validate_args=False)
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        """The most probable class, one-hot."""
        probs = self._categorical.probs
        return one_hot_encode(probs.argmax(dim=-1), probs.shape[-1]).to(probs.dtype)

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """One-hot vectors of shape ``sample_shape + batch_shape + (K,)``, probs' dtype."""
        probs = self._categorical.probs
        indices = self._categorical.sample(sample_shape)
        return one_hot_encode(indices, probs.shape[-1]).to(probs.dtype)

    def log_prob(self, value: Tensor) -> Tensor:
        """The log-probability of the class at which ``value`` is 1."""
        if self._validate_args:
            self._validate_sample(value)
        return self._categorical.log_prob(value.argmax(dim=-1))

    def entropy(self) -> Tensor:
        return self._categorical.entropy()

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """The K one-hot vectors along dim 0, expanded over the batch unless ``expand=False``."""
        n = self._event_shape[0]
        values = eye(n, dtype=self._categorical._param.dtype)
        values = values.view((n,) + (1,) * len(self._batch_shape) + (n,))
        return values.expand((n, *self._batch_shape, n)) if expand else values


class OneHotCategoricalStraightThrough(OneHotCategorical):
    """A ``OneHotCategorical`` with a straight-through ``rsample`` (Bengio et al. 2013): the
    one-hot sample forward, the gradient of ``probs`` backward (sample + probs - probs
    detached), so a loss of the sample reaches the logits."""

    has_rsample = True

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        samples = self.sample(sample_shape)
        probs = self._categorical.probs
        return samples + (probs - probs.detach())


def _mahalanobis(scale_tril: Tensor, x: Tensor) -> Tensor:
    """|L^-1 x|^2 over the last dim; only the lower triangle of L is read."""
    y = linalg.solve(scale_tril.tril(), x.unsqueeze(-1)).squeeze(-1)
    return y.pow(2).sum(-1)


def _precision_to_scale_tril(precision: Tensor) -> Tensor:
    """L with L L^T = P^-1, through the Cholesky factor of P with its order reversed."""
    lf = linalg.cholesky(precision.flip((-2, -1)))
    l_inv = lf.flip((-2, -1)).mT
    # the identity expanded to the batch: a (n, n) right side of a batch (n,) of n x n
    # matrices would be read as n vectors (linalg.solve's rule, as PyTorch's)
    identity = eye(precision.shape[-1], dtype=precision.dtype).expand(l_inv.shape)
    return linalg.solve(l_inv.tril(), identity)


class MultivariateNormal(Distribution):
    """N(loc, Sigma) over vectors (the last dim of ``loc``), batched over the dims before it.

    Args:
        loc: the mean, at least 1-d.
        covariance_matrix: Sigma, symmetric positive-definite.
        precision_matrix: Sigma^-1, symmetric positive-definite.
        scale_tril: the lower-triangular L with L L^T = Sigma (positive diagonal). Give
            exactly one of the three matrices.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {
        "loc": real_vector,
        "covariance_matrix": positive_definite,
        "precision_matrix": positive_definite,
        "scale_tril": lower_cholesky,
    }
    support = real_vector
    has_rsample = True

    def __init__(
        self,
        loc: Tensor,
        covariance_matrix: Tensor | None = None,
        precision_matrix: Tensor | None = None,
        scale_tril: Tensor | None = None,
        validate_args: Any = None,
    ) -> None:
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [m is not None for m in (covariance_matrix, scale_tril, precision_matrix)]
        if sum(given) != 1:
            raise ValueError(
                "Exactly one of covariance_matrix or precision_matrix or scale_tril may be "
                "specified."
            )
        name, matrix = next(
            (n, m)
            for n, m in (
                ("scale_tril", scale_tril),
                ("covariance_matrix", covariance_matrix),
                ("precision_matrix", precision_matrix),
            )
            if m is not None
        )
        assert matrix is not None
        if matrix.dim() < 2:
            label = "scale_tril matrix" if name == "scale_tril" else name
            raise ValueError(
                f"{label} must be at least two-dimensional, with optional leading batch dimensions"
            )
        batch_shape = broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        self.__dict__[name] = matrix.expand(*batch_shape, -1, -1)
        self.loc = loc.expand(*batch_shape, -1)
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = linalg.cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(matrix)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> MultivariateNormal:
        batch_shape = Size(batch_shape)
        new = type(self).__new__(type(self))
        n = self._event_shape[0]
        new.loc = self.loc.expand(*batch_shape, n)
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                new.__dict__[name] = self.__dict__[name].expand(*batch_shape, n, n)
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self) -> Size:
        return self._batch_shape + self._event_shape + self._event_shape

    @cached_property
    def scale_tril(self) -> Tensor:
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @cached_property
    def covariance_matrix(self) -> Tensor:
        lower = self._unbroadcasted_scale_tril
        return (lower @ lower.mT).expand(self._matrix_shape())

    @cached_property
    def precision_matrix(self) -> Tensor:
        lower = self._unbroadcasted_scale_tril.tril()
        identity = eye(self._event_shape[0], dtype=self.loc.dtype).expand(lower.shape)
        l_inv = linalg.solve(lower, identity)
        return (l_inv.mT @ l_inv).expand(self._matrix_shape())

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def variance(self) -> Tensor:
        return (
            self._unbroadcasted_scale_tril.pow(2)
            .sum(-1)
            .expand(self._batch_shape + self._event_shape)
        )

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """loc + L eps, eps standard normal."""
        eps = randn(self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self) -> Tensor:
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        """-(n log(2 pi) + |L^-1 (value - loc)|^2) / 2 - log det L."""
        if self._validate_args:
            self._validate_sample(value)
        m = _mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + m) - self._half_log_det()

    def entropy(self) -> Tensor:
        """n (1 + log(2 pi)) / 2 + log det L."""
        n = self._event_shape[0]
        h = 0.5 * n * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return h if len(self._batch_shape) == 0 else h.expand(self._batch_shape)
