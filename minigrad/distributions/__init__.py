"""Probability distributions with PyTorch's names (``torch.distributions``): sample them,
score values with a differentiable ``log_prob``, and take their ``entropy``."""

from .._missing import missing_attribute
from . import bernoulli, categorical, distribution, normal
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .normal import Normal

__getattr__ = missing_attribute("minigrad.distributions", "torch.distributions")

__all__ = [
    "Bernoulli",
    "Categorical",
    "Distribution",
    "Normal",
    "bernoulli",
    "categorical",
    "distribution",
    "normal",
]
