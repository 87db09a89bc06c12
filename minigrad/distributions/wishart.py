"""The Wishart distribution over positive-definite matrices (``torch.distributions.Wishart``).

Everything goes through the Cholesky factor L of the scale matrix: ``log_prob`` and
``entropy`` are composed of ``mvlgamma``, ``digamma``, ``slogdet`` and ``cholesky_solve``, so
they are differentiable to any order; ``rsample`` is PyTorch's Bartlett decomposition, L A A^T
L^T with chi-squared variates on the diagonal of A (reparameterised as ``Chi2.rsample``,
first order in df) and standard normals below it.
"""

from __future__ import annotations

import math
import numbers
import warnings
from functools import cached_property
from typing import Any

import numpy as np

from .. import linalg
from ..creation import arange, eye, ones, randn
from ..functions import broadcast_shapes, diag_embed, where
from ..surface import Size
from ..tensor import Tensor, as_tensor
from .distribution import Constraint, Distribution, ShapeLike, _GreaterThan
from .exp_family import ExponentialFamily
from .gamma_family import Chi2
from .multivariate import _precision_to_scale_tril, lower_cholesky, positive_definite

_LOG_2 = math.log(2)


def _mvdigamma(x: Tensor, p: int) -> Tensor:
    """sum_i digamma(x - i / 2), i = 0 .. p-1 (the derivative of ``mvlgamma``)."""
    offsets = arange(p, dtype=x.dtype) / 2
    return (x.unsqueeze(-1) - offsets).digamma().sum(-1)


class Wishart(ExponentialFamily):
    """W_p(df, Sigma): the distribution of X^T X, X of df rows drawn from N(0, Sigma) (df may
    be any real > p - 1).

    Args:
        df: the degrees of freedom, > p - 1 (a number or a tensor of the batch shape).
        covariance_matrix: Sigma, symmetric positive-definite, at least 2-d.
        precision_matrix: Sigma^-1.
        scale_tril: L with L L^T = Sigma. Give exactly one of the three matrices.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).

    Raises:
        AssertionError: not exactly one matrix (PyTorch's error).
        ValueError: a matrix below 2-d, or df <= p - 1 (PyTorch's messages).
    """

    support = positive_definite
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def arg_constraints(self) -> dict[str, Constraint]:  # type: ignore[override]
        return {
            "covariance_matrix": positive_definite,
            "precision_matrix": positive_definite,
            "scale_tril": lower_cholesky,
            "df": _GreaterThan(self._event_shape[-1] - 1),
        }

    def __init__(
        self,
        df: Any,
        covariance_matrix: Tensor | None = None,
        precision_matrix: Tensor | None = None,
        scale_tril: Tensor | None = None,
        validate_args: Any = None,
    ) -> None:
        given = [m is not None for m in (covariance_matrix, scale_tril, precision_matrix)]
        if sum(given) != 1:
            raise AssertionError(
                "Exactly one of covariance_matrix or precision_matrix or scale_tril may be "
                "specified."
            )
        param = next(m for m in (covariance_matrix, precision_matrix, scale_tril) if m is not None)
        if param.dim() < 2:
            raise ValueError(
                "scale_tril must be at least two-dimensional, with optional leading batch "
                "dimensions"
            )
        if isinstance(df, numbers.Number):
            batch_shape = Size(param.shape[:-2])
            df_t = as_tensor(float(df), dtype=param.dtype)  # type: ignore[arg-type]
        else:
            batch_shape = Size(broadcast_shapes(param.shape[:-2], df.shape))
            df_t = df.expand(batch_shape)
        event_shape = Size(param.shape[-2:])
        p = event_shape[-1]
        if bool((df_t <= p - 1).any()):
            raise ValueError(f"Value of df={df} expected to be greater than ndim - 1 = {p - 1}.")
        self._event_shape = event_shape  # arg_constraints reads it during validation
        self.df = df_t
        name = "scale_tril" if scale_tril is not None else None
        name = name or ("covariance_matrix" if covariance_matrix is not None else None)
        name = name or "precision_matrix"
        self.__dict__[name] = param.expand(*batch_shape, -1, -1)
        if bool((df_t < p).any()):
            warnings.warn(
                "Low df values detected. Singular samples are highly likely to occur for "
                "ndim - 1 < df < ndim.",
                stacklevel=2,
            )
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = linalg.cholesky(covariance_matrix)
        else:
            assert precision_matrix is not None
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)
        self._dist_chi2 = self._chi2(self.df, batch_shape)

    def _chi2(self, df: Tensor, batch_shape: Size) -> Chi2:
        """The chi-squared variates of the Bartlett decomposition: df - i, i = 0 .. p-1."""
        p = self._event_shape[-1]
        offsets = arange(p, dtype=df.dtype).expand(*batch_shape, -1)
        return Chi2(df.unsqueeze(-1) - offsets)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Wishart:
        batch_shape = Size(batch_shape)
        new = type(self).__new__(type(self))
        cov_shape = batch_shape + self._event_shape
        new._event_shape = self._event_shape
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril.expand(cov_shape)
        new.df = self.df.expand(batch_shape)
        for name in ("covariance_matrix", "scale_tril", "precision_matrix"):
            if name in self.__dict__:
                new.__dict__[name] = self.__dict__[name].expand(cov_shape)
        new._dist_chi2 = new._chi2(new.df, batch_shape)
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self) -> Size:
        return self._batch_shape + self._event_shape

    @cached_property
    def scale_tril(self) -> Tensor:
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @cached_property
    def covariance_matrix(self) -> Tensor:
        lower = self._unbroadcasted_scale_tril
        return (lower @ lower.mT).expand(self._matrix_shape())

    @cached_property
    def precision_matrix(self) -> Tensor:
        identity = eye(self._event_shape[-1], dtype=self._unbroadcasted_scale_tril.dtype)
        solved = identity.cholesky_solve(self._unbroadcasted_scale_tril)
        return solved.expand(self._matrix_shape())

    def _df_matrix(self, df: Tensor) -> Tensor:
        return df.reshape(*self._batch_shape, 1, 1)

    @property
    def mean(self) -> Tensor:
        """df Sigma."""
        return self._df_matrix(self.df) * self.covariance_matrix

    @property
    def mode(self) -> Tensor:
        """(df - p - 1) Sigma, NaN where df <= p + 1."""
        factor = self.df - self._event_shape[-1] - 1
        factor = where(factor <= 0, float("nan"), factor)
        return self._df_matrix(factor) * self.covariance_matrix

    @property
    def variance(self) -> Tensor:
        """df (Sigma_ij^2 + Sigma_ii Sigma_jj)."""
        v = self.covariance_matrix
        diag_v = v.diagonal(dim1=-2, dim2=-1)
        return self._df_matrix(self.df) * (v.pow(2) + diag_v.unsqueeze(-1) * diag_v.unsqueeze(-2))

    def _bartlett_sampling(self, sample_shape: ShapeLike = ()) -> Tensor:
        """L A A^T L^T, A lower triangular: sqrt(chi2(df - i)) on the diagonal (clamped above
        eps), standard normals below it."""
        p = self._event_shape[-1]
        chi = self._dist_chi2.rsample(sample_shape).sqrt()
        eps = float(np.finfo(np.asarray(chi._data).dtype).eps)
        noise = diag_embed(chi.clamp(min=eps))
        strictly_lower = ones(p, p, dtype=noise.dtype).tril(-1)
        normal = randn(Size(sample_shape) + self._batch_shape + (p, p), dtype=noise.dtype)
        chol = self._unbroadcasted_scale_tril @ (noise + normal * strictly_lower)
        return chol @ chol.mT

    def rsample(
        self, sample_shape: ShapeLike = (), max_try_correction: int | None = None
    ) -> Tensor:
        """Bartlett samples; one that is not positive-definite (possible for df < p) is drawn
        again up to ``max_try_correction`` times (10), with a ``UserWarning``. PyTorch's
        warns at every call, its test being inverted; minigrad's warns only for a singular
        sample."""
        tries = 10 if max_try_correction is None else max_try_correction
        sample = self._bartlett_sampling(sample_shape)
        singular = ~self.support.check(sample)
        if bool(singular.any()):
            warnings.warn("Singular sample detected.", stacklevel=2)
            for _ in range(tries):
                mask = singular.reshape(*singular.shape, 1, 1)
                sample = where(mask, self._bartlett_sampling(sample_shape), sample)
                singular = ~self.support.check(sample)
                if not bool(singular.any()):
                    break
        return sample

    def _half_log_det_plus(self) -> Tensor:
        """p log(2) / 2 + log det L."""
        p = self._event_shape[-1]
        diagonal = self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1)
        return p * _LOG_2 / 2 + diagonal.log().sum(-1)

    def log_prob(self, value: Tensor) -> Tensor:
        """-df (p log 2 / 2 + log det L) - mvlgamma(df / 2, p) + (df - p - 1) / 2 log det X
        - tr(Sigma^-1 X) / 2."""
        if self._validate_args:
            self._validate_sample(value)
        nu, p = self.df, self._event_shape[-1]
        trace = value.cholesky_solve(self._unbroadcasted_scale_tril)
        return (
            -nu * self._half_log_det_plus()
            - (nu / 2).mvlgamma(p)
            + (nu - p - 1) / 2 * linalg.slogdet(value).logabsdet
            - trace.diagonal(dim1=-2, dim2=-1).sum(-1) / 2
        )

    def entropy(self) -> Tensor:
        """(p + 1)(p log 2 / 2 + log det L) + mvlgamma(df / 2, p) - (df - p - 1) / 2
        mvdigamma(df / 2, p) + df p / 2."""
        nu, p = self.df, self._event_shape[-1]
        return (
            (p + 1) * self._half_log_det_plus()
            + (nu / 2).mvlgamma(p)
            - (nu - p - 1) / 2 * _mvdigamma(nu / 2, p)
            + nu * p / 2
        )

    @property
    def _natural_params(self) -> tuple[Tensor, Tensor]:
        """(-precision_matrix / 2, (df - p - 1) / 2): the carrier measure's log det X term
        is folded into the second, so the carrier measure is 0."""
        nu, p = self.df, self._event_shape[-1]
        return -self.precision_matrix / 2, (nu - p - 1) / 2

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:  # type: ignore[override]
        """F(x, y) = (y + (p + 1) / 2)(p log 2 - log det(-2 x)) + mvlgamma(y + (p + 1) / 2, p)."""
        p = self._event_shape[-1]
        a = y + (p + 1) / 2
        return a * (-linalg.slogdet(-2 * x).logabsdet + _LOG_2 * p) + a.mvlgamma(p)
