"""Probability distributions with PyTorch's names (``torch.distributions``): sample them,
score values with a differentiable ``log_prob``, and take their ``entropy``."""

from .._missing import missing_attribute
from . import (
    bernoulli,
    categorical,
    continuous,
    continuous_bernoulli,
    discrete,
    distribution,
    fishersnedecor,
    gamma_family,
    kl,
    lowrank_multivariate_normal,
    mixture_same_family,
    multinomial,
    multivariate,
    normal,
    von_mises,
    wishart,
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
from .continuous_bernoulli import ContinuousBernoulli
from .discrete import Binomial, Geometric, Poisson
from .distribution import Distribution
from .fishersnedecor import FisherSnedecor
from .gamma_family import Beta, Chi2, Dirichlet, Gamma, StudentT
from .kl import kl_divergence, register_kl
from .lowrank_multivariate_normal import LowRankMultivariateNormal
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial, NegativeBinomial
from .multivariate import Independent, MultivariateNormal, OneHotCategorical
from .normal import Normal
from .von_mises import VonMises
from .wishart import Wishart

__getattr__ = missing_attribute("minigrad.distributions", "torch.distributions")

__all__ = [
    "Bernoulli",
    "Beta",
    "Binomial",
    "Categorical",
    "Cauchy",
    "Chi2",
    "ContinuousBernoulli",
    "Dirichlet",
    "Distribution",
    "Exponential",
    "FisherSnedecor",
    "Gamma",
    "Geometric",
    "Gumbel",
    "HalfCauchy",
    "HalfNormal",
    "Independent",
    "Laplace",
    "LogNormal",
    "LowRankMultivariateNormal",
    "MixtureSameFamily",
    "Multinomial",
    "MultivariateNormal",
    "NegativeBinomial",
    "Normal",
    "OneHotCategorical",
    "Poisson",
    "StudentT",
    "Uniform",
    "VonMises",
    "Wishart",
    "bernoulli",
    "categorical",
    "continuous",
    "continuous_bernoulli",
    "discrete",
    "distribution",
    "fishersnedecor",
    "gamma_family",
    "kl",
    "kl_divergence",
    "lowrank_multivariate_normal",
    "mixture_same_family",
    "multinomial",
    "multivariate",
    "normal",
    "register_kl",
    "von_mises",
    "wishart",
]
