"""Probability distributions with PyTorch's names (``torch.distributions``): sample them,
score values with a differentiable ``log_prob``, and take their ``entropy``."""

from .._missing import missing_attribute
from . import (
    bernoulli,
    categorical,
    continuous,
    discrete,
    distribution,
    gamma_family,
    kl,
    multivariate,
    normal,
)
from .bernoulli import Bernoulli
from .categorical import Categorical
from .continuous import (
    Cauchy,
    Exponential,
    Gumbel,
    HalfCauchy,
    HalfNormal,
    Laplace,
    LogNormal,
    Uniform,
)
from .discrete import Binomial, Geometric, Poisson
from .distribution import Distribution
from .gamma_family import Beta, Chi2, Dirichlet, Gamma, StudentT
from .kl import kl_divergence, register_kl
from .multivariate import Independent, MultivariateNormal, OneHotCategorical
from .normal import Normal

__getattr__ = missing_attribute("minigrad.distributions", "torch.distributions")

__all__ = [
    "Bernoulli",
    "Beta",
    "Binomial",
    "Categorical",
    "Cauchy",
    "Chi2",
    "Dirichlet",
    "Distribution",
    "Exponential",
    "Gamma",
    "Geometric",
    "Gumbel",
    "HalfCauchy",
    "HalfNormal",
    "Independent",
    "Laplace",
    "LogNormal",
    "MultivariateNormal",
    "Normal",
    "OneHotCategorical",
    "Poisson",
    "StudentT",
    "Uniform",
    "bernoulli",
    "categorical",
    "continuous",
    "discrete",
    "distribution",
    "gamma_family",
    "kl",
    "kl_divergence",
    "multivariate",
    "normal",
    "register_kl",
]
