"""``LKJCholesky``: the LKJ distribution over Cholesky factors of correlation matrices, the
usual prior on a correlation matrix (PyTorch's ``torch.distributions.LKJCholesky``)."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from ..creation import arange, randn
from ..functions import cat, diag_embed, lgamma, mvlgamma
from ..grad_mode import no_grad
from ..surface import Size
from ..tensor import Tensor
from .constraints import corr_cholesky
from .distribution import Constraint, Distribution, ShapeLike, broadcast_all, positive
from .gamma_family import Beta

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    """The Cholesky factor L of a ``dim`` x ``dim`` correlation matrix M = L L^T, with density
    of M proportional to det(M)^(concentration - 1): ``concentration`` 1 is uniform over
    correlation matrices, larger values favour the identity, smaller ones strong correlations.

    Args:
        dim: the size of the matrices (at least 2).
        concentration: eta > 0, a number or a tensor (its shape the batch shape).
        validate_args: check the arguments and values (PyTorch's messages); None: the default.

    ``sample`` is PyTorch's onion method (Lewandowski, Kurowicka and Joe 2009, section 3.2,
    vectorised over the rows): row i is sqrt(y_i) times a uniform direction in its first i
    coordinates, y_i a Beta variate, the diagonal what keeps the row of unit length. There is
    no ``rsample``, ``mean`` or ``entropy``, as in PyTorch.
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"concentration": positive}
    support = corr_cholesky
    _beta: Beta

    def __init__(self, dim: int, concentration: Any = 1.0, validate_args: Any = None) -> None:
        if dim < 2:
            raise ValueError(
                f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}."
            )
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        # the Beta of each row's squared length below the diagonal (section 3.2 of the paper):
        # row i has i elements there, so Beta(i / 2, eta + (dim - 2) / 2 - (i - 1) / 2); row 0
        # draws one unused. PyTorch's first concentration is offset + 1/2 instead of
        # (offset + 1) / 2, which from dim 3 on samples correlations of too large a variance.
        marginal_conc = self.concentration + 0.5 * (self.dim - 2)
        offset = arange(self.dim - 1, dtype=self.concentration.dtype)
        offset = cat([offset.new_zeros((1,)), offset])
        beta_conc1 = 0.5 * (offset + 1)
        beta_conc0 = marginal_conc.unsqueeze(-1) - 0.5 * offset
        # concentration is checked below, in its own name (PyTorch's error names the Beta's
        # Dirichlet and its concentrations instead)
        self._beta = Beta(beta_conc1, beta_conc0, validate_args=False)
        super().__init__(
            Size(self.concentration.shape), Size((dim, dim)), validate_args=validate_args
        )

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> LKJCholesky:
        """The same distribution over ``batch_shape`` (the concentration expanded as a view)."""
        new = type(self).__new__(type(self))
        batch_shape = Size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(batch_shape + Size((self.dim,)))
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """Samples of shape ``sample_shape + batch_shape + (dim, dim)``, without gradient."""
        with no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            u_normal = randn(self._extended_shape(sample_shape), dtype=y.dtype).tril(-1)
            norm = u_normal.norm(dim=-1, keepdim=True)
            # the first row has no entries below the diagonal: its direction is 0, not 0 / 0
            first_row = arange(self.dim).unsqueeze(-1) == 0
            u_hypersphere = u_normal / norm.masked_fill(first_row, 1.0)
            w = y.sqrt() * u_hypersphere
            tiny = float(np.finfo(w.numpy().dtype).tiny)  # keeps the diagonal positive
            diag_elems = (1 - (w**2).sum(-1)).clamp(min=tiny).sqrt()
            return w + diag_embed(diag_elems)

    def log_prob(self, value: Tensor) -> Tensor:
        """sum_i (2 (eta - 1) + dim - i) log L_ii over i = 2..dim, less the normaliser of
        Lewandowski et al. (page 1999): the density of M times the Jacobian from L to M."""
        if self._validate_args:
            self._validate_sample(value)
        diag_elems = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = arange(2, self.dim + 1, dtype=self.concentration.dtype)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized_log_pdf = (order * diag_elems.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        denominator = lgamma(alpha) * dm1
        numerator = mvlgamma(alpha - 0.5, dm1)
        # the paper's pi term is D (D - 1) / 4 log pi, mvlgamma's (D - 1)(D - 2) / 4 log pi
        pi_constant = 0.5 * dm1 * math.log(math.pi)
        return unnormalized_log_pdf - (pi_constant + numerator - denominator)
