"""Probability distributions with PyTorch's names (``torch.distributions``): sample them,
score values with a differentiable ``log_prob``, and take their ``entropy``."""

from .._missing import missing_attribute
from . import bernoulli, categorical, continuous, distribution, multivariate, normal
from .bernoulli import Bernoulli
from .categorical import Categorical
from .continuous import Cauchy, Exponential, Gumbel, HalfNormal, Laplace, LogNormal, Uniform
from .distribution import Distribution
from .multivariate import Independent, MultivariateNormal, OneHotCategorical
from .normal import Normal

__getattr__ = missing_attribute("minigrad.distributions", "torch.distributions")

__all__ = [
    "Bernoulli",
    "Categorical",
    "Cauchy",
    "Distribution",
    "Exponential",
    "Gumbel",
    "HalfNormal",
    "Independent",
    "Laplace",
    "LogNormal",
    "MultivariateNormal",
    "Normal",
    "OneHotCategorical",
    "Uniform",
    "bernoulli",
    "categorical",
    "continuous",
    "distribution",
    "multivariate",
    "normal",
]
