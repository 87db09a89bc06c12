"""The base class of exponential families (``torch.distributions.ExponentialFamily``): an
entropy and a KL divergence from the log normalizer alone, by Bregman divergences whose
gradient is taken with minigrad's autograd."""

from __future__ import annotations

from ..grad_mode import enable_grad, is_grad_enabled
from ..gradients import grad
from ..tensor import Tensor
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """A distribution of density p(x; theta) = exp(<t(x), theta> - F(theta) + k(x)): theta
    the natural parameters, t the sufficient statistic, F the log normalizer, k the carrier
    measure (Nielsen and Nock, "Entropies and cross-entropies of exponential families").

    A subclass defines ``_natural_params`` (the tuple theta), ``_log_normalizer(*theta)``
    (F, written with differentiable ops) and, for ``entropy``, ``_mean_carrier_measure``
    (E[k(x)]). Then H = F(theta) - <theta, grad F(theta)> - E[k(x)] and
    KL(p || q) = F(theta_q) - F(theta_p) - <theta_q - theta_p, grad F(theta_p)>, with grad F
    from autograd (no derivative written by hand). Unlike PyTorch's, both stay differentiable
    with respect to the distribution's parameters (grad F is taken with ``create_graph``), and
    neither changes the parameters' ``requires_grad`` nor leaves a graph behind when no
    parameter requires grad.
    """

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        """theta, the natural parameters, as a tuple of tensors."""
        raise NotImplementedError(
            f"{type(self).__name__} does not define _natural_params, the tuple of its natural "
            "parameters that ExponentialFamily's entropy and KL divergence need"
        )

    def _log_normalizer(self, *natural_params: Tensor) -> Tensor:
        """F(theta), the log normalizer, batched over the batch shape."""
        raise NotImplementedError(
            f"{type(self).__name__} does not define _log_normalizer(*natural_params), the log "
            "normalizer that ExponentialFamily's entropy and KL divergence need"
        )

    @property
    def _mean_carrier_measure(self) -> float:
        """E[k(x)], the expected carrier measure (0 where k is 0)."""
        raise NotImplementedError(
            f"{type(self).__name__} does not define _mean_carrier_measure, the expected carrier "
            "measure E[k(x)] that ExponentialFamily.entropy needs"
        )

    def entropy(self) -> Tensor:
        """F(theta) - <theta, grad F(theta)> - E[k(x)] (a Bregman divergence of F)."""
        carrier = self._mean_carrier_measure
        theta, log_normalizer, gradients = log_normalizer_and_gradient(self)
        result = log_normalizer - carrier
        for t, g in zip(theta, gradients):
            result = result - sum_own_dims(t * g, t, self)
        return result


def log_normalizer_and_gradient(
    dist: ExponentialFamily,
) -> tuple[list[Tensor], Tensor, list[Tensor]]:
    """theta, F(theta) and grad F(theta) of ``dist``.

    When grad mode is on and a natural parameter requires grad, grad F is taken with
    ``create_graph`` at clones of the natural parameters, so that the result differentiates
    on to the distribution's parameters; the natural parameters that do not require grad are
    replaced by private detached copies that do (never the caller's tensors, whose
    ``requires_grad`` is left alone). Otherwise the three come back detached: nothing of the
    graph built here outlives the call.
    """
    natural = list(dist._natural_params)
    differentiable = is_grad_enabled() and any(t.requires_grad for t in natural)
    # a clone is a node F alone consumes, so grad F is the partial derivative even where one
    # natural parameter is computed from another
    theta = [
        t.clone() if differentiable and t.requires_grad else t.detach().requires_grad_()
        for t in natural
    ]
    with enable_grad():  # grad F is needed under no_grad too
        log_normalizer = dist._log_normalizer(*theta)
        found = grad(log_normalizer.sum(), theta, create_graph=differentiable)
    gradients = [g for g in found if g is not None]  # grad() raises for an unused one
    if differentiable:
        return theta, log_normalizer, gradients
    return [t.detach() for t in theta], log_normalizer.detach(), gradients


def sum_own_dims(term: Tensor, theta: Tensor, dist: Distribution) -> Tensor:
    """``term`` summed over the natural parameter ``theta``'s own dims, those right of
    ``dist``'s batch dims: none for a scalar parameter, the vector of Dirichlet's, the matrix
    of Wishart's precision. (PyTorch's KL sums every term over ``len(event_shape)`` dims,
    which for Wishart's scalar parameter sums over the batch.)"""
    own = theta.dim() - len(dist.batch_shape)
    return term.reshape(*term.shape[: term.dim() - own], -1).sum(-1) if own > 0 else term
