"""A multivariate normal whose covariance is low rank plus diagonal, W W^T + diag(D)
(``torch.distributions.LowRankMultivariateNormal``), and its KL pairs with itself and with
``MultivariateNormal`` (PyTorch's).

Everything goes through the m x m capacitance matrix C = I + W^T D^-1 W (the Woodbury
identity and the matrix determinant lemma), so ``log_prob`` costs O(n m^2) instead of O(n^3);
its Cholesky factor and the triangular solves are differentiable ops, so ``log_prob``,
``rsample`` and the KL reach loc, W and D.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any, ClassVar

from .. import linalg
from ..creation import eye, randn
from ..functions import broadcast_shapes, broadcast_tensors, diag_embed
from ..surface import Size
from ..tensor import Tensor
from .distribution import (
    Constraint,
    Distribution,
    ShapeLike,
    _IndependentConstraint,
    positive,
    real,
    real_vector,
)
from .kl import register_kl
from .multivariate import MultivariateNormal, _mahalanobis


def _batch_mv(matrix: Tensor, vector: Tensor) -> Tensor:
    return (matrix @ vector.unsqueeze(-1)).squeeze(-1)


def _capacitance_tril(w: Tensor, d: Tensor) -> Tensor:
    """The Cholesky factor of C = I + W^T D^-1 W."""
    m = w.shape[-1]
    k = (w.mT / d.unsqueeze(-2)) @ w
    return linalg.cholesky(k + eye(m, dtype=w.dtype))


def _lowrank_logdet(d: Tensor, capacitance_tril: Tensor) -> Tensor:
    """log det(W W^T + D) = log det C + log det D."""
    diagonal = capacitance_tril.diagonal(dim1=-2, dim2=-1)
    return 2 * diagonal.log().sum(-1) + d.log().sum(-1)


def _lowrank_mahalanobis(w: Tensor, d: Tensor, x: Tensor, capacitance_tril: Tensor) -> Tensor:
    """x^T (W W^T + D)^-1 x = x^T D^-1 x - |L_C^-1 W^T D^-1 x|^2 (Woodbury)."""
    wt_dinv_x = _batch_mv(w.mT / d.unsqueeze(-2), x)
    return (x.pow(2) / d).sum(-1) - _mahalanobis(capacitance_tril, wt_dinv_x)


def _trace_xxt(x: Tensor) -> Tensor:
    """trace(X X^T), batched."""
    return x.pow(2).sum((-2, -1))


class LowRankMultivariateNormal(Distribution):
    """N(loc, W W^T + diag(D)) over vectors (the last dim of ``loc``), W of shape n x m.

    Args:
        loc: the mean, at least 1-d (n = its last dim).
        cov_factor: W, at least 2-d, of shape ``(..., n, m)``.
        cov_diag: D, > 0, of shape ``(..., n)``.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).

    Raises:
        ValueError: shapes that do not fit (PyTorch's messages).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {
        "loc": real_vector,
        "cov_factor": _IndependentConstraint(real, 2),
        "cov_diag": _IndependentConstraint(positive, 1),
    }
    support = real_vector
    has_rsample = True

    def __init__(
        self, loc: Tensor, cov_factor: Tensor, cov_diag: Tensor, validate_args: Any = None
    ) -> None:
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event_shape = Size(loc.shape[-1:])
        if cov_factor.dim() < 2:
            raise ValueError(
                "cov_factor must be at least two-dimensional, with optional leading batch "
                "dimensions"
            )
        if Size(cov_factor.shape[-2:-1]) != event_shape:
            raise ValueError(
                f"cov_factor must be a batch of matrices with shape {event_shape[0]} x m"
            )
        if Size(cov_diag.shape[-1:]) != event_shape:
            raise ValueError(f"cov_diag must be a batch of vectors with shape {event_shape}")
        try:
            loc_, factor, diag_ = broadcast_tensors(
                loc.unsqueeze(-1), cov_factor, cov_diag.unsqueeze(-1)
            )
        except (RuntimeError, ValueError) as e:
            raise ValueError(
                f"Incompatible batch shapes: loc {Size(loc.shape)}, cov_factor "
                f"{Size(cov_factor.shape)}, cov_diag {Size(cov_diag.shape)}"
            ) from e
        self.loc, self.cov_factor, self.cov_diag = loc_[..., 0], factor, diag_[..., 0]
        self._unbroadcasted_cov_factor = cov_factor
        self._unbroadcasted_cov_diag = cov_diag
        batch_shape = Size(self.loc.shape[:-1])
        super().__init__(batch_shape, event_shape, validate_args=validate_args)
        # after validation: a non-positive D would make the Cholesky factor fail first
        self._capacitance_tril = _capacitance_tril(cov_factor, cov_diag)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> LowRankMultivariateNormal:
        batch_shape = Size(batch_shape)
        new = type(self).__new__(type(self))
        loc_shape = batch_shape + self._event_shape
        new.loc = self.loc.expand(loc_shape)
        new.cov_diag = self.cov_diag.expand(loc_shape)
        new.cov_factor = self.cov_factor.expand(loc_shape + Size(self.cov_factor.shape[-1:]))
        new._unbroadcasted_cov_factor = self._unbroadcasted_cov_factor
        new._unbroadcasted_cov_diag = self._unbroadcasted_cov_diag
        new._capacitance_tril = self._capacitance_tril
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _matrix_shape(self) -> Size:
        return self._batch_shape + self._event_shape + self._event_shape

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @cached_property
    def variance(self) -> Tensor:
        """The diagonal of the covariance: sum_j W_ij^2 + D_i."""
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return (w.pow(2).sum(-1) + d).expand(self._batch_shape + self._event_shape)

    @cached_property
    def scale_tril(self) -> Tensor:
        """The Cholesky factor of the covariance: D^1/2 chol(I + D^-1/2 W W^T D^-1/2)."""
        n = self._event_shape[0]
        sqrt_d = self._unbroadcasted_cov_diag.sqrt().unsqueeze(-1)
        dinvsqrt_w = self._unbroadcasted_cov_factor / sqrt_d
        k = dinvsqrt_w @ dinvsqrt_w.mT + eye(n, dtype=sqrt_d.dtype)
        return (sqrt_d * linalg.cholesky(k)).expand(self._matrix_shape())

    @cached_property
    def covariance_matrix(self) -> Tensor:
        """W W^T + diag(D)."""
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return (w @ w.mT + diag_embed(d)).expand(self._matrix_shape())

    @cached_property
    def precision_matrix(self) -> Tensor:
        """D^-1 - A^T A, A = L_C^-1 W^T D^-1 (Woodbury)."""
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        a = linalg.solve_triangular(self._capacitance_tril, w.mT / d.unsqueeze(-2), upper=False)
        return (diag_embed(d.reciprocal()) - a.mT @ a).expand(self._matrix_shape())

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """loc + W eps_W + D^1/2 eps_D, eps_W (m values) and eps_D (n) standard normal."""
        shape = self._extended_shape(sample_shape)
        w_shape = shape[:-1] + Size(self.cov_factor.shape[-1:])
        eps_w = randn(w_shape, dtype=self.loc.dtype)
        eps_d = randn(shape, dtype=self.loc.dtype)
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        return self.loc + _batch_mv(w, eps_w) + d.sqrt() * eps_d

    def log_prob(self, value: Tensor) -> Tensor:
        """-(n log(2 pi) + log det Sigma + (x - loc)^T Sigma^-1 (x - loc)) / 2."""
        if self._validate_args:
            self._validate_sample(value)
        w, d = self._unbroadcasted_cov_factor, self._unbroadcasted_cov_diag
        m = _lowrank_mahalanobis(w, d, value - self.loc, self._capacitance_tril)
        log_det = _lowrank_logdet(d, self._capacitance_tril)
        return -0.5 * (self._event_shape[0] * math.log(2 * math.pi) + log_det + m)

    def entropy(self) -> Tensor:
        """(n (1 + log(2 pi)) + log det Sigma) / 2."""
        log_det = _lowrank_logdet(self._unbroadcasted_cov_diag, self._capacitance_tril)
        h = 0.5 * (self._event_shape[0] * (1.0 + math.log(2 * math.pi)) + log_det)
        return h if len(self._batch_shape) == 0 else h.expand(self._batch_shape)


def _check_event_shapes(p: Distribution, q: Distribution, low_rank_both: bool) -> None:
    if p.event_shape != q.event_shape:
        kind = "Low Rank" if low_rank_both else "(Low Rank)"
        raise ValueError(
            f"KL-divergence between two {kind} Multivariate Normals with different event "
            "shapes cannot be computed"
        )


def _woodbury_a(q: LowRankMultivariateNormal) -> Tensor:
    """A = L_C^-1 W^T D^-1 of q, so that Sigma_q^-1 = D^-1 - A^T A."""
    w, d = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag
    return linalg.solve_triangular(q._capacitance_tril, w.mT / d.unsqueeze(-2), upper=False)


@register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)
def _kl_lowrank_lowrank(p: LowRankMultivariateNormal, q: LowRankMultivariateNormal) -> Tensor:
    """(log det Sigma_q - log det Sigma_p + tr(Sigma_q^-1 Sigma_p) + Mahalanobis - n) / 2."""
    _check_event_shapes(p, q, True)
    pw, pd = p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag
    qw, qd = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag
    term1 = _lowrank_logdet(qd, q._capacitance_tril) - _lowrank_logdet(pd, p._capacitance_tril)
    term3 = _lowrank_mahalanobis(qw, qd, q.loc - p.loc, q._capacitance_tril)
    a = _woodbury_a(q)
    term21 = (pd / qd).sum(-1)
    term22 = _trace_xxt(pw * qd.rsqrt().unsqueeze(-1))
    term23 = _trace_xxt(a * pd.sqrt().unsqueeze(-2))
    term24 = _trace_xxt(a @ pw)
    term2 = term21 + term22 - term23 - term24
    return 0.5 * (term1 + term2 + term3 - p.event_shape[0])


@register_kl(MultivariateNormal, LowRankMultivariateNormal)
def _kl_mvn_lowrank(p: MultivariateNormal, q: LowRankMultivariateNormal) -> Tensor:
    _check_event_shapes(p, q, False)
    qw, qd = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag
    lp = p._unbroadcasted_scale_tril
    p_half_log_det = lp.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    term1 = _lowrank_logdet(qd, q._capacitance_tril) - 2 * p_half_log_det
    term3 = _lowrank_mahalanobis(qw, qd, q.loc - p.loc, q._capacitance_tril)
    a = _woodbury_a(q)
    term21 = _trace_xxt(lp * qd.rsqrt().unsqueeze(-1))
    term22 = _trace_xxt(a @ lp)
    return 0.5 * (term1 + term21 - term22 + term3 - p.event_shape[0])


@register_kl(LowRankMultivariateNormal, MultivariateNormal)
def _kl_lowrank_mvn(p: LowRankMultivariateNormal, q: MultivariateNormal) -> Tensor:
    _check_event_shapes(p, q, False)
    lq = q._unbroadcasted_scale_tril
    pw, pd = p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag
    term1 = 2 * lq.diagonal(dim1=-2, dim2=-1).log().sum(-1) - _lowrank_logdet(
        pd, p._capacitance_tril
    )
    term3 = _mahalanobis(lq, q.loc - p.loc)
    batch = tuple(broadcast_shapes(lq.shape[:-2], pw.shape[:-2]))
    n = p.event_shape[0]
    q_tril = lq.expand(*batch, n, n)
    p_factor = pw.expand(*batch, n, pw.shape[-1])
    p_diag = diag_embed(pd.sqrt()).expand(*batch, n, n)
    term21 = _trace_xxt(linalg.solve_triangular(q_tril, p_factor, upper=False))
    term22 = _trace_xxt(linalg.solve_triangular(q_tril, p_diag, upper=False))
    return 0.5 * (term1 + term21 + term22 + term3 - n)
