"""``minigrad.linalg``: PyTorch's ``torch.linalg`` namespace, the part minigrad has: norms
(``vector_norm``, ``matrix_norm``, ``norm``), ``cond``, ``inv``/``inv_ex``, ``det``,
``slogdet``, ``solve``/``solve_ex``, ``tensorinv``, ``tensorsolve``, ``cross``; the LU family
of ``linalg_lu.py`` (``lu_factor``, ``lu_factor_ex``, ``lu``, ``lu_solve``); the products and
triangular solves of ``linalg_more.py`` (``matmul``, ``diagonal``, ``vecdot``, ``multi_dot``,
``vander``, ``solve_triangular``); the SVD family of ``linalg_svd.py`` (``svd``, ``svdvals``,
``matrix_rank``, ``pinv``, ``lstsq``); the factorizations and matrix functions of
``linalg_factor.py`` (``cholesky``, ``cholesky_ex``, ``eigh``, ``eigvalsh``, ``qr``,
``matrix_exp``, ``matrix_power``); and ``householder_product`` (``linalg_householder.py``,
composed of Tensor ops). ``eig``, ``eigvals`` (complex results) and the ``ldl_*`` functions
raise NotImplementedError with an alternative.

The norms, ``cross``, ``cond``, ``tensorinv`` and ``tensorsolve`` are compositions; ``inv``,
``det``, ``slogdet`` and ``solve`` make the ops of ``linalg_ops.py`` (forward with
``np.linalg``, backward rules beside them).
"""

from __future__ import annotations

import builtins
import math
from typing import Any, NamedTuple

import numpy as np

from . import linalg_ops
from ._missing import missing_attribute
from .dims import wrap_dim, wrap_dims
from .dtypes import torch_name
from .linalg_factor import cholesky, cholesky_ex, eigh, eigvalsh, matrix_exp, matrix_power, qr
from .linalg_householder import householder_product
from .linalg_lu import lu, lu_factor, lu_factor_array, lu_factor_ex, lu_solve
from .linalg_methods import LinalgResults, _where, check_matrices, refuse_half, vector_norm_of
from .linalg_more import (
    diagonal,
    eig,
    eigvals,
    ldl_factor,
    ldl_factor_ex,
    ldl_solve,
    matmul,
    multi_dot,
    solve_triangular,
    vander,
    vecdot,
)
from .linalg_ops import LinAlgError, singular_error
from .linalg_svd import lstsq, matrix_rank, pinv, svd, svdvals
from .more_functions import linalg_cross as cross
from .node_surface import labelled
from .ops import where
from .printing import return_type
from .tensor import Tensor, apply
from .validation import ShapeError, _broadcast_message, _with_dtype

__getattr__ = missing_attribute("minigrad.linalg", "torch.linalg")

__all__ = [
    "LinAlgError",
    "cholesky",
    "cholesky_ex",
    "cond",
    "cross",
    "det",
    "diagonal",
    "eig",
    "eigh",
    "eigvals",
    "eigvalsh",
    "householder_product",
    "inv",
    "inv_ex",
    "ldl_factor",
    "ldl_factor_ex",
    "ldl_solve",
    "lstsq",
    "lu",
    "lu_factor",
    "lu_factor_ex",
    "lu_solve",
    "matmul",
    "matrix_exp",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_ex",
    "solve_triangular",
    "svd",
    "svdvals",
    "tensorinv",
    "tensorsolve",
    "vander",
    "vecdot",
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
    # (PyTorch's one node for A and B, the reshapes and transposes inside it)
    return labelled(X.squeeze(-1) if vector else X, "LinalgSolveExBackward0", A, B)


class ExResults:
    """The named tuples of the ``*_ex`` functions (as ``torch.return_types``)."""

    @return_type()
    class linalg_inv_ex(NamedTuple):
        inverse: Any
        info: Any

    @return_type()
    class linalg_solve_ex(NamedTuple):
        result: Any
        info: Any


def _singular_info(a: np.ndarray) -> np.ndarray:
    """LAPACK's ``getrf`` info of each matrix: its first zero pivot (1-based), 0 if none."""
    return lu_factor_array(a)[2]


def inv_ex(A: Tensor, *, check_errors: builtins.bool = False, out: Any = None) -> Any:
    """``(inverse, info)``: ``inv`` without its check, as ``torch.linalg.inv_ex``; ``info``
    (int32, one per matrix) is the index of the first zero pivot of its LU factorization, 0
    for an invertible matrix, whose inverse (and gradient) is ``inv``'s. The inverse of a
    singular matrix is NaN here (PyTorch's holds what LAPACK left, inf and nan): test
    ``info``. ``check_errors=True`` raises ``LinAlgError`` instead, as ``inv``."""
    if out is not None:
        raise TypeError("linalg.inv_ex(): out= is not supported in minigrad; assign the result")
    A = _tensor(A, "linalg_inv_ex")
    check_matrices(A, "linalg.inv_ex")
    info = _singular_info(A._data)
    if check_errors and info.any():
        raise singular_error(A._data, "linalg.inv_ex")
    inverse = _masked(A, info, lambda safe: safe.inverse())
    return ExResults.linalg_inv_ex(inverse, Tensor._wrap(info, None))


def _masked(A: Tensor, info: np.ndarray, f: Any) -> Tensor:
    """``f(A)``, with the matrices of ``info > 0`` replaced by the identity before and by NaN
    after (so a singular one neither raises nor disturbs the gradients of the others)."""
    if not info.any():
        return f(A)
    ok = (info == 0)[..., None, None]
    out = f(where(ok, A, np.eye(A.shape[-1], dtype=A._data.dtype)))
    keep = ok if out.ndim >= ok.ndim else ok[..., 0]  # (a solve's result: batch(es) of vectors)
    return _where(np.broadcast_to(keep, out.shape), out, math.nan)


def solve_ex(
    A: Tensor,
    B: Tensor,
    *,
    left: builtins.bool = True,
    check_errors: builtins.bool = False,
    out: Any = None,
) -> Any:
    """``(result, info)``: ``solve`` without its check, as ``torch.linalg.solve_ex``; ``info``
    as ``inv_ex``'s, the result NaN for a singular matrix (test ``info``);
    ``check_errors=True`` raises ``LinAlgError`` instead."""
    if out is not None:
        raise TypeError("linalg.solve_ex(): out= is not supported in minigrad; assign the result")
    A = _tensor(A, "linalg_solve_ex")
    check_matrices(A, "linalg.solve")
    info = _singular_info(A._data)
    if check_errors and info.any():
        b = int(np.flatnonzero(info.reshape(-1))[0])
        where_ = f"(Batch element {b}): " if info.ndim > 0 else ""
        raise LinAlgError(
            f"torch.linalg.solve_ex: {where_}The solver failed because the input matrix is "
            "singular."
        )
    result = _masked(A, info, lambda safe: solve(safe, B, left=left))
    return ExResults.linalg_solve_ex(result, Tensor._wrap(info, None))


_COND_ORDS = (None, 2, -2, 1, -1, math.inf, -math.inf, "fro", "nuc")


def cond(A: Tensor, p: Any = None, *, out: Any = None) -> Tensor:
    """The condition number of each matrix of ``A`` in the norm ``p``, as
    ``torch.linalg.cond``: for ``p`` None, 2 and -2, the ratio of the largest and smallest
    singular values (``svdvals``; any m x n matrix), for 'nuc' ``sum(S) * sum(1 / S)``, for
    'fro', 1, -1, inf and -inf ``matrix_norm(A, p) * matrix_norm(inv(A), p)`` (square
    matrices; inf for a singular one, as PyTorch's). 0 for empty matrices. Differentiable
    through its parts."""
    if out is not None:
        raise TypeError("linalg.cond(): out= is not supported in minigrad; assign the result")
    A = _tensor(A, "linalg_cond")
    if not any(p == o and type(p) is not builtins.bool for o in _COND_ORDS):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if A.ndim < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    singular_values = p is None or (not isinstance(p, str) and abs(p) == 2)
    if not singular_values:
        shown = p if isinstance(p, str | builtins.int) else f"{p:f}"
        check_matrices(A, f"linalg.cond(ord={shown})")
    _floating(A, "linalg.cond")
    if A._data.size == 0:
        return Tensor._wrap(np.zeros(A.shape[:-2], dtype=A._data.dtype), None)
    if singular_values or p == "nuc":
        s = svdvals(A)
        if p == "nuc":
            return s.sum(-1) * s.reciprocal().sum(-1)
        first, last = s[..., 0], s[..., -1]
        return last / first if p == -2 else first / last
    info = _singular_info(A._data)
    inverse = _masked(A, info, lambda safe: safe.inverse())
    if info.any():
        inverse = _where(np.broadcast_to((info == 0)[..., None, None], A.shape), inverse, math.inf)
    result = matrix_norm(A, p) * matrix_norm(inverse, p)
    return _where(~np.isnan(result._data), result, math.inf)  # (0 * inf, as NumPy's)


def tensorinv(A: Tensor, ind: builtins.int = 2, *, out: Any = None) -> Tensor:
    """The inverse of ``A`` for ``tensordot`` over its first ``ind`` dims, as
    ``torch.linalg.tensorinv``: ``A`` read as a square matrix of shape
    ``(prod(A.shape[:ind]), prod(A.shape[ind:]))``, inverted, and given the shape
    ``A.shape[ind:] + A.shape[:ind]``. Gradient: ``inv``'s."""
    if out is not None:
        raise TypeError("linalg.tensorinv(): out= is not supported in minigrad")
    A = _tensor(A, "linalg_tensorinv")
    if isinstance(ind, builtins.bool) or not isinstance(ind, builtins.int) or ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != cols:
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[ind:]) == "
            f"prod(self.shape[:ind]), but got {cols} != {rows}"
        )
    return inv(A.reshape(rows, cols)).reshape((*A.shape[ind:], *A.shape[:ind]))


def tensorsolve(A: Tensor, B: Tensor, dims: Any = None, *, out: Any = None) -> Tensor:
    """X with ``tensordot(A, X, X.ndim) == B``, as ``torch.linalg.tensorsolve``: ``dims``
    (dims of ``A``) are moved to the end first; then ``A`` is read as a square matrix of
    ``prod(B.shape)`` rows and X has the shape ``A.shape[B.ndim:]``. Gradient: ``solve``'s."""
    if out is not None:
        raise TypeError("linalg.tensorsolve(): out= is not supported in minigrad")
    A = _tensor(A, "linalg_tensorsolve")
    B = _tensor(B, "linalg_tensorsolve", "B")
    if dims is not None:
        d = list(dims) if isinstance(dims, tuple | list) else [dims]
        A = A.movedim(tuple(d), tuple(range(A.ndim - len(d), A.ndim)))
    shape = A.shape[B.ndim :]
    rows, cols = math.prod(shape), math.prod(B.shape)
    if rows != cols or A.numel() != rows * cols:
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
            f"prod(self.shape[:other.ndim]), but got {rows} != {cols}"
        )
    return solve(A.reshape(rows, rows), B.flatten()).reshape(shape)
