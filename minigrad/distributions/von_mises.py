"""The von Mises distribution of angles (``torch.distributions.VonMises``).

``log_prob`` uses PyTorch's polynomial approximation of log I0 (Abramowitz and Stegun 9.8.1-4,
accurate to about 1e-7 relative), composed of differentiable ops, so it is PyTorch's value
and differentiable to any order; ``sample`` is PyTorch's rejection sampler (Best and Fisher,
1979), in float64, without gradient.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from ..functions import where
from ..random import as_generator
from ..surface import Size
from ..tensor import Tensor, as_tensor
from .distribution import Constraint, Distribution, ShapeLike, broadcast_all, positive, real

_I0_COEF_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2]
_I0_COEF_LARGE = [
    0.39894228,
    0.1328592e-1,
    0.225319e-2,
    -0.157565e-2,
    0.916281e-2,
    -0.2057706e-1,
    0.2635537e-1,
    -0.1647633e-1,
    0.392377e-2,
]
_I1_COEF_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3]
_I1_COEF_LARGE = [
    0.39894228,
    -0.3988024e-1,
    -0.362018e-2,
    0.163801e-2,
    -0.1031555e-1,
    0.2282967e-1,
    -0.2895312e-1,
    0.1787654e-1,
    -0.420059e-2,
]
_COEF_SMALL = [_I0_COEF_SMALL, _I1_COEF_SMALL]
_COEF_LARGE = [_I0_COEF_LARGE, _I1_COEF_LARGE]


def _eval_poly(y: Tensor, coef: list[float]) -> Tensor:
    """sum_k coef[k] y^k, by Horner's rule."""
    result: Any = coef[-1]
    for c in reversed(coef[:-1]):
        result = c + y * result
    return result


def _log_modified_bessel_fn(x: Tensor, order: int = 0) -> Tensor:
    """log I_order(x) for x > 0, order 0 or 1 (PyTorch's approximation): a polynomial in
    (x / 3.75)^2 below 3.75, x - log(x) / 2 + log of a polynomial in 3.75 / x above."""
    y = (x / 3.75).pow(2)
    small = _eval_poly(y, _COEF_SMALL[order])
    if order == 1:
        small = x.abs() * small
    small = small.log()
    # the large branch at a small x (and the reverse) is computed but not selected; clamping
    # keeps its value and gradient finite, so the where's gradient is not NaN
    x_large = x.clamp(min=3.75)
    large = x_large - 0.5 * x_large.log() + _eval_poly(3.75 / x_large, _COEF_LARGE[order]).log()
    return where(x < 3.75, small, large)


def _rejection_sample(
    loc: np.ndarray, concentration: np.ndarray, proposal_r: np.ndarray, shape: tuple[int, ...]
) -> np.ndarray:
    """Best and Fisher's sampler, as PyTorch's: until every element is accepted, draw three
    uniforms per element and accept where the test passes (float64)."""
    rng = as_generator(None, "sample()")
    x = np.zeros(shape)
    done = np.zeros(shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        while not done.all():
            u1, u2, u3 = rng.random((3, *shape))
            z = np.cos(math.pi * u1)
            f = (1 + proposal_r * z) / (proposal_r + z)
            c = concentration * (proposal_r - f)
            accept = ((c * (2 - c) - u2) > 0) | (np.log(c / u2) + 1 - c >= 0)
            x = np.where(accept & ~done, np.sign(u3 - 0.5) * np.arccos(f), x)
            done |= accept
    return np.mod(x + math.pi + loc, 2 * math.pi) - math.pi


class VonMises(Distribution):
    """A circular normal: density exp(concentration cos(x - loc)) / (2 pi I0(concentration)).

    Args:
        loc: the mean angle in radians (any real, read modulo 2 pi; a number or a tensor).
        concentration: kappa > 0 (a number or a tensor); the larger, the narrower.
        validate_args: check the arguments (PyTorch's messages); None: the default (on).
    """

    arg_constraints: ClassVar[dict[str, Constraint]] = {"loc": real, "concentration": positive}
    support = real
    has_rsample = False

    def __init__(self, loc: Any, concentration: Any, validate_args: Any = None) -> None:
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(Size(self.loc.shape), Size(), validate_args=validate_args)

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> VonMises:
        return self._expanded(batch_shape, ("loc", "concentration"))

    def log_prob(self, value: Tensor) -> Tensor:
        """concentration cos(value - loc) - log(2 pi) - log I0(concentration)."""
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.concentration * (value - self.loc).cos()
        return log_prob - math.log(2 * math.pi) - _log_modified_bessel_fn(self.concentration)

    @cached_property
    def _proposal_r(self) -> np.ndarray:
        """Best and Fisher's r (1 / kappa + kappa, its Taylor expansion, for kappa < 1e-5)."""
        kappa = np.asarray(self.concentration._data, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = 1 + np.sqrt(1 + 4 * kappa**2)
            rho = (tau - np.sqrt(2 * tau)) / (2 * kappa)
            proposal_r = (1 + rho**2) / (2 * rho)
            return np.where(kappa < 1e-5, 1 / kappa + kappa, proposal_r)

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """Angles in [-pi, pi) of shape ``sample_shape + batch_shape``, in loc's dtype (drawn
        in float64, as PyTorch's, so that a small concentration does not stall the loop)."""
        shape = tuple(self._extended_shape(sample_shape))
        loc = np.asarray(self.loc._data, dtype=np.float64)
        kappa = np.asarray(self.concentration._data, dtype=np.float64)
        x = _rejection_sample(loc, kappa, self._proposal_r, shape)
        return as_tensor(x.astype(np.asarray(self.loc._data).dtype))

    @property
    def mean(self) -> Tensor:
        """The circular mean: loc."""
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @cached_property
    def variance(self) -> Tensor:
        """The circular variance: 1 - I1(kappa) / I0(kappa)."""
        log_ratio = _log_modified_bessel_fn(self.concentration, 1) - _log_modified_bessel_fn(
            self.concentration, 0
        )
        return 1 - log_ratio.exp()
