"""PyTorch's older names of linear algebra and copies, shared by the top-level functions
(``torch_gaps.py``) and the Tensor methods of those names: ``cholesky``, ``qr`` and
``triangular_solve`` (deprecated, with PyTorch's warnings), ``cholesky_solve``,
``cholesky_inverse``, ``logdet``, ``msort``, ``isreal``, ``narrow_copy``.

``Tensor`` inherits the methods (through ``TensorSurface``, before ``TensorGaps``, whose
placeholders they replace). Each is composed of existing ops (``linalg.cholesky``,
``linalg.qr``, ``solve_triangular``, ``Solve``, ``Inverse``, ``slogdet``, ``sort``, slicing),
so gradients of any order come from those.
"""

from __future__ import annotations

import builtins
import warnings
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .dtypes import not_implemented_for, torch_name
from .engine import TensorMakers
from .gap_methods import tensor_argument
from .linalg_ops import LinAlgError, Solve
from .printing import return_type

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = [
    "CHOLESKY_DEPRECATED",
    "QR_DEPRECATED",
    "TRIANGULAR_SOLVE_DEPRECATED",
    "OlderMethods",
    "QRResult",
    "TriangularSolveResult",
    "cholesky_inverse_of",
    "cholesky_of",
    "cholesky_solve_of",
    "logdet_of",
    "qr_of",
    "triangular_solve_of",
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

# (PyTorch's words, its missing space after "solve_triangular" included)
TRIANGULAR_SOLVE_DEPRECATED = (
    "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will be "
    "removed in a future PyTorch release.\ntorch.linalg.solve_triangular has its arguments "
    "reversed and does not return a copy of one of the inputs.\nX = torch.triangular_solve(B, "
    "A).solution\nshould be replaced with\nX = torch.linalg.solve_triangular(A, B)."
)


@return_type("qr")
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


@return_type("triangular_solve")
class TriangularSolveResult(NamedTuple):
    """``torch.return_types.triangular_solve``: ``(solution, cloned_coefficient)``."""

    solution: Any
    cloned_coefficient: Any


def _same_dtype(b: Any, A: Any) -> None:
    if b._data.dtype != A._data.dtype:
        raise RuntimeError(
            f"Expected b and A to have the same dtype, but found b of type "
            f"{torch_name(b._data.dtype)} and A of type {torch_name(A._data.dtype)} instead."
        )


def _square(A: Any, prefix: str = "") -> None:
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{prefix}A must be batches of square matrices, but they are {A.shape[-2]} by "
            f"{A.shape[-1]} matrices"
        )


def _sizes(b: Any, A: Any, fn: str) -> None:
    if b.shape[-2] != A.shape[-1]:
        raise RuntimeError(
            f"Incompatible matrix sizes for {fn}: each A matrix is {A.shape[-1]} by "
            f"{A.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}"
        )


def triangular_solve_of(
    b: Any, A: Any, upper: builtins.bool, transpose: builtins.bool, unitriangular: builtins.bool
) -> TriangularSolveResult:
    """``(X, A)`` with ``op(A) X = b``, ``op(A)`` A's upper (or lower) triangle, transposed
    when ``transpose``: ``linalg.solve_triangular`` with its arguments reversed, and a copy of
    ``A`` broadcast to the batch shape (both differentiable, as PyTorch's)."""
    from .linalg_factor import solve_triangular  # (it builds on Tensor)

    tensor_argument(A, "triangular_solve", "A", 1)
    for name, t in (("b", b), ("A", A)):
        if t.ndim < 2:
            raise RuntimeError(
                f"torch.triangular_solve: Expected {name} to have at least 2 dimensions, but it "
                f"has {t.ndim} dimensions instead"
            )
    _same_dtype(b, A)
    _square(A)
    _sizes(b, A, "triangular_solve")
    if b._data.dtype.kind not in "fc":
        raise not_implemented_for("triangular_solve_cpu", b._data.dtype)
    T = A.mT if transpose else A
    try:
        X = solve_triangular(T, b, upper=upper != transpose, unitriangular=unitriangular)
    except LinAlgError as e:
        raise type(e)(str(e).replace("linalg.solve_triangular:", "triangular_solve:")) from None
    batch = np.broadcast_shapes(A.shape[:-2], b.shape[:-2])
    return TriangularSolveResult(X, A.expand((*batch, *A.shape[-2:])).clone())


def _factor_product(L: Any, upper: builtins.bool) -> Any:
    """``L L^T`` (``U^T U`` when ``upper``) of the triangle read. Its gradient is PyTorch's,
    that of the whole matrix given (the other triangle included): the triangle is taken as
    ``L - (L - tril(L)).detach()``, the values of ``tril(L)`` with the gradient of ``L``."""
    F = L.triu() if upper else L.tril()
    T = L - (L - F).detach()
    return T.mT @ T if upper else T @ T.mT


def cholesky_solve_of(B: Any, L: Any, upper: builtins.bool) -> Any:
    """X with ``L L^T X = B`` (``U^T U X = B`` when ``upper``), ``L`` the Cholesky factor of
    ``A``: the ``Solve`` op of the product of the factor's triangle."""
    tensor_argument(L, "cholesky_solve", "input2", 1)
    if B.ndim < 2:
        raise RuntimeError(
            f"b should have at least 2 dimensions, but has {B.ndim} dimensions instead"
        )
    if L.ndim < 2:
        raise RuntimeError(
            f"u should have at least 2 dimensions, but has {L.ndim} dimensions instead"
        )
    _same_dtype(B, L)
    _square(L)
    _sizes(B, L, "cholesky_solve")
    if B._data.dtype.kind not in "fc":
        raise not_implemented_for("cholesky_solve_cpu", B._data.dtype)
    return TensorMakers.apply(Solve(), _factor_product(L, upper), B)


def cholesky_inverse_of(L: Any, upper: builtins.bool) -> Any:
    """The inverse of ``A = L L^T`` (``U^T U`` when ``upper``) from its Cholesky factor."""
    if L.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    _square(L, "cholesky_inverse: ")
    if L._data.dtype.kind not in "fc":
        raise not_implemented_for("cholesky_inverse_out_cpu", L._data.dtype)
    diag = np.diagonal(L._data, axis1=-2, axis2=-1).reshape(-1, L.shape[-1])
    for row in diag:
        zero = np.flatnonzero(row == 0)
        if zero.size:
            raise LinAlgError(
                f"cholesky_inverse: The diagonal element {zero[0] + 1} is zero, the inversion "
                "could not be completed because the input matrix is singular."
            )
    return _factor_product(L, upper).inverse()


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

    def triangular_solve(
        self: Any,
        A: Any,
        upper: builtins.bool = True,
        transpose: builtins.bool = False,
        unitriangular: builtins.bool = False,
    ) -> TriangularSolveResult:
        """``torch.Tensor.triangular_solve`` (deprecated, with PyTorch's warning): ``(X, A)``
        with ``A X = self`` for A's upper (or lower) triangle, transposed when ``transpose``."""
        warnings.warn(TRIANGULAR_SOLVE_DEPRECATED, UserWarning, stacklevel=2)
        return triangular_solve_of(self, A, upper, transpose, unitriangular)

    def cholesky_solve(self: Any, input2: Any, upper: builtins.bool = False) -> Tensor:
        """X with ``L L^T X = self``, ``input2`` the lower Cholesky factor ``L`` (the upper
        ``U``, ``U^T U X = self``, when ``upper``)."""
        return cholesky_solve_of(self, input2, upper)

    def cholesky_inverse(self: Any, upper: builtins.bool = False) -> Tensor:
        """The inverse of ``L L^T`` (``U^T U`` when ``upper``), this tensor its Cholesky
        factor."""
        return cholesky_inverse_of(self, upper)
