"""PyTorch's older names of linear algebra and copies, shared by the top-level functions
(``torch_gaps.py``) and the Tensor methods of those names: ``cholesky`` and ``qr``
(deprecated, with PyTorch's warnings), ``logdet``, ``msort``, ``isreal``, ``narrow_copy``.

``Tensor`` inherits the methods (through ``TensorSurface``, before ``TensorGaps``, whose
placeholders they replace). Each is composed of existing ops (``linalg.cholesky``,
``linalg.qr``, ``slogdet``, ``sort``, slicing), so gradients of any order come from those.
"""

from __future__ import annotations

import builtins
import warnings
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .engine import TensorMakers
from .linalg_ops import LinAlgError

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = [
    "CHOLESKY_DEPRECATED",
    "QR_DEPRECATED",
    "OlderMethods",
    "QRResult",
    "cholesky_of",
    "logdet_of",
    "qr_of",
]

CHOLESKY_DEPRECATED = (
    "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a "
    "future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\n"
    "L = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\nshould be replaced "
    "with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent results for "
    "all valid (symmetric positive definite) inputs."
)
QR_DEPRECATED = (
    "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
    "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
    "Q, R = torch.qr(A, some)\nshould be replaced with\n"
    "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')"
)


class QRResult(NamedTuple):
    """``torch.return_types.qr``: ``(Q, R)``."""

    Q: Any
    R: Any


def cholesky_of(x: Any, upper: builtins.bool) -> Any:
    """``linalg.cholesky(x, upper=upper)``, its errors naming ``cholesky:`` as PyTorch's."""
    from .linalg_factor import cholesky  # (it builds on Tensor, which builds on this module)

    try:
        return cholesky(x, upper=upper)
    except LinAlgError as e:
        raise type(e)(str(e).replace("linalg.cholesky:", "cholesky:", 1)) from None


def qr_of(x: Any, some: builtins.bool) -> QRResult:
    """``linalg.qr(x, "reduced" if some else "complete")`` as the named tuple ``(Q, R)``."""
    from .linalg_factor import qr

    q, r = qr(x, "reduced" if some else "complete")
    return QRResult(q, r)


def logdet_of(x: Any) -> Any:
    """The log of each determinant: ``logabsdet + log(sign)`` of ``slogdet`` (the sign is a
    constant), so nan for a negative determinant, -inf for 0, and the gradient ``inv(A)^T``."""
    if x.ndim < 2:
        raise RuntimeError("logdet: The input tensor A must have at least 2 dimensions.")
    if x.shape[-1] != x.shape[-2]:
        raise RuntimeError(
            f"logdet: A must be batches of square matrices, but they are {x.shape[-2]} by "
            f"{x.shape[-1]} matrices"
        )
    sign, logabs = x.slogdet()
    with np.errstate(divide="ignore", invalid="ignore"):
        return logabs + sign.log()


class OlderMethods:
    """The Tensor methods of the older names (``Tensor`` inherits them)."""

    __slots__ = ()

    def cholesky(self: Any, upper: builtins.bool = False) -> Tensor:
        """``torch.Tensor.cholesky`` (deprecated, with PyTorch's warning):
        ``linalg.cholesky(self)``, or with ``upper`` its transpose ``U`` (``A = U^T U``)."""
        warnings.warn(CHOLESKY_DEPRECATED, UserWarning, stacklevel=2)
        return cholesky_of(self, upper)

    def qr(self: Any, some: builtins.bool = True) -> QRResult:
        """``torch.Tensor.qr`` (deprecated, with PyTorch's warning): ``linalg.qr(self,
        "reduced")``, or ``"complete"`` when ``some`` is False; returns ``(Q, R)``."""
        warnings.warn(QR_DEPRECATED, UserWarning, stacklevel=2)
        return qr_of(self, some)

    def logdet(self: Any) -> Tensor:
        """The log of each determinant (nan for a negative one, -inf for 0)."""
        return logdet_of(self)

    def msort(self: Any) -> Tensor:
        """Sorted along the first dimension (``sort(0).values``)."""
        return self.sort(dim=0).values

    def isreal(self: Any) -> Tensor:
        """Which elements are real (bool): all of a real tensor, those of imaginary part 0 of
        a complex one."""
        a = self._data
        real = a.imag == 0 if a.dtype.kind == "c" else np.ones(a.shape, dtype=np.bool_)
        return TensorMakers.wrap(real, None)

    def narrow_copy(self: Any, dim: builtins.int, start: Any, length: builtins.int) -> Tensor:
        """``narrow`` as a copy, not a view."""
        return self.narrow(dim, start, length).clone()
