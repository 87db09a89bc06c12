"""Probability distributions with PyTorch's names (``torch.distributions``): sample them,
score values with a differentiable ``log_prob``, and take their ``entropy``."""

from .._missing import missing_attribute
from . import (
    bernoulli,
    categorical,
    constraint_registry,
    constraints,
    continuous,
    continuous_bernoulli,
    discrete,
    distribution,
    exp_family,
    fishersnedecor,
    gamma_family,
    generalized_pareto,
    inverse_gamma,
    kl,
    kl_transformed,
    lkj_cholesky,
    lowrank_multivariate_normal,
    mixture_same_family,
    multinomial,
    multivariate,
    normal,
    relaxed,
    transformed,
    transforms,
    von_mises,
    wishart,
)
from .bernoulli import Bernoulli
from .categorical import Categorical
from .constraint_registry import biject_to, transform_to
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
from .exp_family import ExponentialFamily
from .fishersnedecor import FisherSnedecor
from .gamma_family import Beta, Chi2, Dirichlet, Gamma, StudentT
from .generalized_pareto import GeneralizedPareto
from .inverse_gamma import InverseGamma
from .kl import kl_divergence, register_kl
from .lkj_cholesky import LKJCholesky
from .lowrank_multivariate_normal import LowRankMultivariateNormal
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial, NegativeBinomial
from .multivariate import (
    Independent,
    MultivariateNormal,
    OneHotCategorical,
    OneHotCategoricalStraightThrough,
)
from .normal import Normal
from .relaxed import RelaxedBernoulli, RelaxedOneHotCategorical
from .transformed import Kumaraswamy, LogisticNormal, Pareto, TransformedDistribution, Weibull
from .transforms import (
    AbsTransform,
    AffineTransform,
    CatTransform,
    ComposeTransform,
    CorrCholeskyTransform,
    CumulativeDistributionTransform,
    ExpTransform,
    IndependentTransform,
    LowerCholeskyTransform,
    PositiveDefiniteTransform,
    PowerTransform,
    ReshapeTransform,
    SigmoidTransform,
    SoftmaxTransform,
    SoftplusTransform,
    StackTransform,
    StickBreakingTransform,
    TanhTransform,
    Transform,
    identity_transform,
)
from .von_mises import VonMises
from .wishart import Wishart

__getattr__ = missing_attribute("minigrad.distributions", "torch.distributions")

__all__ = [
    "AbsTransform",
    "AffineTransform",
    "Bernoulli",
    "Beta",
    "Binomial",
    "CatTransform",
    "Categorical",
    "Cauchy",
    "Chi2",
    "ComposeTransform",
    "ContinuousBernoulli",
    "CorrCholeskyTransform",
    "CumulativeDistributionTransform",
    "Dirichlet",
    "Distribution",
    "ExpTransform",
    "Exponential",
    "ExponentialFamily",
    "FisherSnedecor",
    "Gamma",
    "GeneralizedPareto",
    "Geometric",
    "Gumbel",
    "HalfCauchy",
    "HalfNormal",
    "Independent",
    "IndependentTransform",
    "InverseGamma",
    "Kumaraswamy",
    "LKJCholesky",
    "Laplace",
    "LogNormal",
    "LogisticNormal",
    "LowRankMultivariateNormal",
    "LowerCholeskyTransform",
    "MixtureSameFamily",
    "Multinomial",
    "MultivariateNormal",
    "NegativeBinomial",
    "Normal",
    "OneHotCategorical",
    "OneHotCategoricalStraightThrough",
    "Pareto",
    "Poisson",
    "PositiveDefiniteTransform",
    "PowerTransform",
    "RelaxedBernoulli",
    "RelaxedOneHotCategorical",
    "ReshapeTransform",
    "SigmoidTransform",
    "SoftmaxTransform",
    "SoftplusTransform",
    "StackTransform",
    "StickBreakingTransform",
    "StudentT",
    "TanhTransform",
    "Transform",
    "TransformedDistribution",
    "Uniform",
    "VonMises",
    "Weibull",
    "Wishart",
    "bernoulli",
    "biject_to",
    "categorical",
    "constraint_registry",
    "constraints",
    "continuous",
    "continuous_bernoulli",
    "discrete",
    "distribution",
    "exp_family",
    "fishersnedecor",
    "gamma_family",
    "generalized_pareto",
    "identity_transform",
    "inverse_gamma",
    "kl",
    "kl_divergence",
    "kl_transformed",
    "lkj_cholesky",
    "lowrank_multivariate_normal",
    "mixture_same_family",
    "multinomial",
    "multivariate",
    "normal",
    "register_kl",
    "relaxed",
    "transform_to",
    "transformed",
    "transforms",
    "von_mises",
    "wishart",
]
