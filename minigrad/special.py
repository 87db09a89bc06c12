"""``minigrad.special``: PyTorch's ``torch.special`` names for the special functions minigrad
has (``gammaln`` is ``lgamma``, ``psi`` is ``digamma``, ``expit`` is ``sigmoid``...), plus
``entr`` and ``xlog1py``, composed of differentiable ops. An absent name explains itself."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._missing import missing_attribute
from .activations import log_softmax, sigmoid, softmax
from .functions import (
    digamma,
    erf,
    erfinv,
    exp2,
    expm1,
    lgamma,
    log1p,
    logit,
    logsumexp,
    mvlgamma,
    polygamma,
    round,
    sinc,
    where,
    xlogy,
)
from .tensor import Tensor, as_tensor

__all__ = [
    "digamma",
    "entr",
    "erf",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammaln",
    "log1p",
    "log_softmax",
    "logit",
    "logsumexp",
    "multigammaln",
    "polygamma",
    "psi",
    "round",
    "sinc",
    "softmax",
    "xlog1py",
    "xlogy",
]

expit = sigmoid
gammaln = lgamma
psi = digamma


def multigammaln(input: Any, p: int, *, out: Tensor | None = None) -> Tensor:
    """The multivariate log-gamma of dimension p (``torch.special.multigammaln``)."""
    return mvlgamma(input, p, out=out)


def entr(input: Any) -> Tensor:
    """-x log(x) elementwise: 0 at 0 and -inf below 0, as PyTorch's.

    Its gradient is -(1 + log x) above 0; the logarithm sees 1 elsewhere, so no inf or nan
    leaks into the gradient of the other elements.
    """
    x = as_tensor(input)
    if not x.dtype.is_floating_point:
        x = x.float()
    v = x.detach().numpy()
    safe = where(v > 0, x, 1.0)
    rest = np.where(v == 0, 0.0, np.where(v < 0, -np.inf, v)).astype(v.dtype)  # nan stays nan
    return where(v > 0, -(safe * safe.log()), rest)


def xlog1py(input: Any, other: Any) -> Tensor:
    """input * log1p(other), 0 where input is 0 (unless other is nan), as PyTorch's."""
    x, y = as_tensor(input), as_tensor(other)
    if not x.dtype.is_floating_point:
        x = x.float()
    zero = (x.detach().numpy() == 0) & ~np.isnan(y.detach().numpy())
    return where(zero, 0.0, x * y.log1p())


__getattr__ = missing_attribute(
    "minigrad.special",
    "torch.special",
    "minigrad has the gamma family, erf and erfinv, and the elementwise functions listed in "
    "docs/pytorch-surface.md; Bessel functions, orthogonal polynomials, erfc, ndtr and "
    "the incomplete gamma functions are not there",
)
