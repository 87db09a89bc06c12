"""``minigrad.linalg``: PyTorch's ``torch.linalg`` namespace, the part minigrad has: norms
(``vector_norm``, ``matrix_norm``, ``norm``), ``inv``, ``det``, ``slogdet``, ``solve``,
``cross``, the SVD family of ``linalg_svd.py`` (``svd``, ``svdvals``, ``matrix_rank``,
``pinv``, ``lstsq``) and the factorizations and matrix functions of ``linalg_factor.py``
(``cholesky``, ``eigh``, ``eigvalsh``, ``qr``, ``matrix_exp``, ``matrix_power``), and
``householder_product`` (``linalg_householder.py``, composed of Tensor ops).

The norms and ``cross`` are compositions of Tensor methods; ``inv``, ``det``, ``slogdet`` and
``solve`` make the ops of ``linalg_ops.py`` (forward with ``np.linalg``, backward rules beside
them).
"""

from __future__ import annotations

import builtins
import math
from typing import Any

from . import linalg_ops
from ._missing import missing_attribute
from .dims import wrap_dim, wrap_dims
from .dtypes import torch_name
from .linalg_factor import cholesky, eigh, eigvalsh, matrix_exp, matrix_power, qr
from .linalg_householder import householder_product
from .linalg_methods import LinalgResults, check_matrices, refuse_half, vector_norm_of
from .linalg_ops import LinAlgError
from .linalg_svd import lstsq, matrix_rank, pinv, svd, svdvals
from .more_functions import linalg_cross as cross
from .tensor import Tensor, apply
from .validation import ShapeError, _broadcast_message, _with_dtype

__getattr__ = missing_attribute("minigrad.linalg", "torch.linalg")

__all__ = [
    "LinAlgError",
    "cholesky",
    "cross",
    "det",
    "eigh",
    "eigvalsh",
    "householder_product",
    "inv",
    "lstsq",
    "matrix_exp",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "vector_norm",
]


def _tensor(x: Any, fn: str, name: str = "A") -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fn}(): argument '{name}' (position 1) must be Tensor, not {type(x).__name__}"
        )
    return x


def _floating(x: Tensor, fn: str) -> None:
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(
            f"{fn}: Expected a floating point or complex tensor as input. Got "
            f"{torch_name(x._data.dtype)} (convert first, e.g. x.float())"
        )


def vector_norm(
    x: Tensor,
    ord: float = 2,
    dim: Any = None,
    keepdim: builtins.bool = False,
    *,
    dtype: Any = None,
) -> Tensor:
    """The vector ``ord``-norm of ``x`` over ``dim`` (every element when None), as
    ``torch.linalg.vector_norm``: ``ord`` 2 (default), 1, inf, -inf, 0 (the number of nonzero
    elements) or any other number; gradient 0 where the norm is 0 and at zero elements for
    fractional and negative ``ord``, as PyTorch.

    Args:
        x: a float tensor (an integer one raises PyTorch's RuntimeError; ``dtype`` casts first).
        ord: the order of the norm.
        dim: an int or a tuple of ints; None for all dimensions.
        keepdim: keep the reduced dimensions with size 1.
        dtype: cast ``x`` to it first.
    """
    x = _tensor(x, "linalg_vector_norm", "input")
    if dtype is not None:
        return _with_dtype(
            x, dtype, "linalg.vector_norm", lambda t: vector_norm(t, ord, dim, keepdim)
        )
    _floating(x, "linalg.vector_norm")
    if isinstance(ord, str) or not isinstance(ord, int | float):
        raise TypeError(
            f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}"
        )
    d = wrap_dims(dim, x._data.ndim, "linalg.vector_norm", x._data.shape)
    return vector_norm_of(x, ord, d, keepdim)


_MATRIX_ORDS = ("fro", 1, -1, math.inf, -math.inf)


def matrix_norm(
    A: Tensor,
    ord: Any = "fro",
    dim: tuple[builtins.int, builtins.int] = (-2, -1),
    keepdim: builtins.bool = False,
    *,
    dtype: Any = None,
) -> Tensor:
    """The matrix ``ord``-norm of each matrix of ``A`` (over the two dims ``dim``), as
    ``torch.linalg.matrix_norm``: 'fro' (default), 1 and -1 (the largest and smallest column
    sum of absolute values), inf and -inf (the same over rows), and the norms of the singular
    values (``svdvals``): 'nuc' their sum, 2 the largest, -2 the smallest.
    """
    A = _tensor(A, "linalg_matrix_norm")
    if dtype is not None:
        return _with_dtype(
            A, dtype, "linalg.matrix_norm", lambda t: matrix_norm(t, ord, dim, keepdim)
        )
    if A._data.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."
        )
    _floating(A, "linalg.matrix_norm")
    if not isinstance(dim, tuple | list) or len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    shape, n = A._data.shape, A._data.ndim
    r, c = (wrap_dim(i, n, "linalg.matrix_norm", shape) for i in dim)
    if r == c:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({r}, {c})")
    if ord == "nuc" or (ord in (2, -2) and type(ord) is not builtins.bool):
        refuse_half(A._data, "linalg.matrix_norm")
        s = svdvals(A.movedim((r, c), (-2, -1)))
        out = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        return out.unsqueeze(min(r, c)).unsqueeze(max(r, c)) if keepdim else out
    if not any(ord == o and type(ord) is not builtins.bool for o in _MATRIX_ORDS):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if ord == "fro":
        return A.norm(2, (r, c), keepdim)
    inner, outer = (r, c) if ord in (1, -1) else (c, r)  # sum down columns for 1, along rows inf
    sums = A.abs().sum(inner, keepdim=True)
    out = sums.amax(outer, True) if ord > 0 else sums.amin(outer, True)
    return out if keepdim else out.squeeze((r, c))


def norm(
    A: Tensor,
    ord: Any = None,
    dim: Any = None,
    keepdim: builtins.bool = False,
    *,
    dtype: Any = None,
) -> Tensor:
    """``torch.linalg.norm``: a vector norm when ``dim`` is one dim (or ``A`` is 1-D), a matrix
    norm when ``dim`` is two (or ``A`` is 2-D and ``ord`` is given); with neither ``ord`` nor
    ``dim``, the 2-norm of all elements."""
    A = _tensor(A, "linalg_norm")
    if isinstance(dim, str | builtins.int) and isinstance(ord, str):
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    if isinstance(dim, builtins.int):
        dim = (dim,)
    if dim is not None and len(dim) not in (1, 2):
        raise RuntimeError(
            f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}"
        )
    if dim is None and ord is not None and A._data.ndim not in (1, 2):
        raise RuntimeError(
            "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
            f"Got {A._data.ndim}D."
        )
    if dim is None and ord is not None:
        dim = tuple(range(A._data.ndim))
    if dim is not None and len(dim) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, tuple(dim), keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {list(dim or ())}")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def inv(A: Tensor) -> Tensor:
    """The inverse of each square matrix of ``A`` (batched over leading dims), as
    ``torch.linalg.inv``; a singular one raises ``LinAlgError`` (a RuntimeError) in PyTorch's
    words. Gradient: -A^-T grad A^-T."""
    return _tensor(A, "linalg_inv").inverse()


def det(A: Tensor) -> Tensor:
    """The determinant of each square matrix of ``A``, as ``torch.linalg.det``. Gradient:
    grad det(A) A^-T, the cofactor matrix where det(A) is 0 (finite, as PyTorch's)."""
    return _tensor(A, "linalg_det").det()


def slogdet(A: Tensor) -> Any:
    """``(sign, logabsdet)`` of each determinant of ``A``, as ``torch.linalg.slogdet``: finite
    where det itself overflows. The gradient of logabsdet is A^-T (sign has none)."""
    return _tensor(A, "linalg_slogdet")._slogdet("linalg.slogdet", LinalgResults.linalg_slogdet)


def solve(A: Tensor, B: Tensor, *, left: builtins.bool = True) -> Tensor:
    """X with ``A X = B`` (``X A = B`` when ``left`` is False), as ``torch.linalg.solve``:
    batched and broadcast over leading dims; ``B`` a batch of vectors when it is 1-D or has
    ``A``'s shape without its last dim. Computed without forming A^-1; so is its gradient
    (grad_B = A^-T grad, grad_A = -grad_B X^T)."""
    A, B = _tensor(A, "linalg_solve"), _tensor(B, "linalg_solve", "B")
    check_matrices(A, "linalg.solve")
    a, b = A._data, B._data
    if a.dtype != b.dtype:
        raise RuntimeError(
            "linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{torch_name(a.dtype)} and B of type {torch_name(b.dtype)} instead"
        )
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    Bm = B.unsqueeze(-1) if vector else B
    n, (rows, cols) = a.shape[-1], Bm.shape[-2:]
    if (rows if left else cols) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation {eq} "
            f"({n}x{n} and {rows}x{cols})"
        )
    batch = _broadcast_message(Bm.shape[:-2], a.shape[:-2])  # (PyTorch's order: B's first)
    if batch:
        raise ShapeError(
            f"{batch} (linalg.solve: the batch shapes {a.shape[:-2]} of A and "
            f"{tuple(Bm.shape[:-2])} of B do not broadcast)"
        )
    if left:
        X = apply(linalg_ops.Solve(), A, Bm)
    else:
        X = apply(linalg_ops.Solve(), A.mT, Bm.mT).mT
    return X.squeeze(-1) if vector else X
