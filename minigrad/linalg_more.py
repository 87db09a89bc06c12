"""More of ``torch.linalg``, composed of Tensor ops (so their gradients, and the gradients of
those, come from the ops): ``matmul``, ``diagonal``, ``vecdot``, ``multi_dot`` (PyTorch's
order of products), ``vander`` and ``solve_triangular`` (kept in ``linalg_factor.py``, so
Tensor's methods can use it); and the names minigrad refuses with a reason and an
alternative: ``eig``/``eigvals`` (complex results) and the ``ldl_*`` family.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from .dtypes import torch_name
from .functions import cat
from .functions import matmul as _matmul
from .linalg_factor import solve_triangular
from .tensor import Tensor

__all__ = [
    "diagonal",
    "eig",
    "eigvals",
    "ldl_factor",
    "ldl_factor_ex",
    "ldl_solve",
    "matmul",
    "multi_dot",
    "solve_triangular",
    "vander",
    "vecdot",
]


def _tensor(x: Any, fn: str, name: str = "A", position: builtins.int = 1) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
            f"{type(x).__name__}"
        )
    return x


def _no_out(out: Any, fn: str) -> None:
    if out is not None:
        raise TypeError(f"linalg.{fn}(): out= is not supported in minigrad; assign the result")


def matmul(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """``input @ other`` (``torch.linalg.matmul``, an alias of ``torch.matmul``)."""
    _no_out(out, "matmul")
    return _matmul(_tensor(input, "linalg_matmul", "input"), other)


def diagonal(
    A: Tensor, *, offset: builtins.int = 0, dim1: builtins.int = -2, dim2: builtins.int = -1
) -> Tensor:
    """The diagonal ``offset`` of each matrix of ``A`` over ``dim1`` and ``dim2`` (the last two
    by default), as a last dim (``torch.linalg.diagonal``: ``torch.diagonal`` with other
    defaults)."""
    return _tensor(A, "linalg_diagonal").diagonal(offset, dim1, dim2)


def vecdot(x: Tensor, y: Tensor, *, dim: builtins.int = -1, out: Any = None) -> Tensor:
    """The dot product of ``x`` and ``y`` along ``dim``, broadcast against each other
    (``torch.linalg.vecdot``): ``sum(x * y, dim)``; float inputs of one dtype."""
    _no_out(out, "vecdot")
    x, y = _tensor(x, "linalg_vecdot", "x"), _tensor(y, "linalg_vecdot", "y", 2)
    a, b = x._data.dtype, y._data.dtype
    if a != b:
        raise RuntimeError(
            "linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
            f"{torch_name(a)} and y of type {torch_name(b)} instead"
        )
    if a.kind not in "fc":
        raise RuntimeError(
            "linalg.vecdot: Expected a floating point or complex tensor as input. Got "
            f"{torch_name(a)} (convert first, e.g. x.double())"
        )
    return (x * y).sum(dim)


def _chain_order(dims: list[builtins.int]) -> list[list[builtins.int]]:
    """PyTorch's ``matrix_chain_order``: s[i][j], where the product of matrices i..j splits
    (the first split of least cost: the number of scalar multiplications)."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = -1
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] < 0 or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(ms: list[Tensor], split: list[list[builtins.int]], i: int, j: int) -> Tensor:
    if i == j:
        return ms[i]
    k = split[i][j]
    return _chain(ms, split, i, k) @ _chain(ms, split, k + 1, j)


def multi_dot(tensors: Sequence[Tensor], *, out: Any = None) -> Tensor:
    """The product of two or more matrices, in the order of least work
    (``torch.linalg.multi_dot``): the first may be a 1-D row vector and the last a 1-D column
    vector (their dims are dropped from the result); the others are 2-D, all of one dtype.
    Three matrices compare the two orders, more take PyTorch's dynamic programme
    (``matrix_chain_order``), so rounding matches PyTorch's. Gradient: the products'."""
    _no_out(out, "multi_dot")
    if not isinstance(tensors, list | tuple):
        raise TypeError(
            "linalg_multi_dot(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}"
        )
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    ts = [_tensor(t, "linalg_multi_dot", "tensors") for t in tensors]
    for i, t in enumerate(ts):
        which = "the first tensor" if i == 0 else "the last tensor" if i == n - 1 else None
        if which is not None and t.ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): {which} must be 1D or 2D but got {t.ndim}D")
        if which is None and t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
        if t._data.dtype != ts[0]._data.dtype:
            raise RuntimeError(
                "multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                f"{torch_name(ts[0]._data.dtype).lower()} and tensor {i} "
                f"{torch_name(t._data.dtype).lower()}"
            )
    row, column = ts[0].ndim == 1, ts[-1].ndim == 1
    ms = [ts[0].unsqueeze(0) if row else ts[0], *ts[1:-1]]
    ms.append(ts[-1].unsqueeze(-1) if column else ts[-1])
    for i in range(1, n):
        if ms[i - 1].shape[-1] != ms[i].shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i - 1} and {i} with shapes {list(ms[i - 1].shape)} "
                f"and {list(ms[i].shape)} cannot be multiplied"
            )
    if n == 2:
        result = ms[0] @ ms[1]
    elif n == 3:
        a, b, c, d = ms[0].shape[0], ms[1].shape[0], ms[2].shape[0], ms[2].shape[1]
        if (a * c) * (b + d) > (b * d) * (a + c):
            result = ms[0] @ (ms[1] @ ms[2])
        else:
            result = (ms[0] @ ms[1]) @ ms[2]
    else:
        dims = [m.shape[0] for m in ms] + [ms[-1].shape[1]]
        result = _chain(ms, _chain_order(dims), 0, n - 1)
    if row:
        result = result.squeeze(0)
    if column:
        result = result.squeeze(-1)
    return result


def vander(x: Tensor, *, N: builtins.int | None = None) -> Tensor:
    """The Vandermonde matrices of the last dim of ``x`` (``torch.linalg.vander``): shape
    ``(..., n, N)``, column j holding ``x ** j`` (increasing powers, unlike ``torch.vander``);
    ``N`` defaults to n and must be at least 2. Integer input gives int64. Running products
    (``cumprod``), so the gradient is exact at zeros."""
    x = _tensor(x, "linalg_vander", "x")
    dt = x._data.dtype
    if dt.kind not in "fiuc" or dt == np.float16:
        raise RuntimeError(
            "linalg.vander supports floating point, complex, and integer tensors, but got "
            f"{torch_name(dt)}"
        )
    x_ = x.unsqueeze(-1) if x.ndim == 0 else x
    n = x_.shape[-1] if N is None else N
    if isinstance(n, builtins.bool) or not isinstance(n, builtins.int | np.integer):
        raise TypeError(f"linalg_vander(): argument 'N' must be int, not {type(n).__name__}")
    if n <= 1:
        raise RuntimeError(f"N must be greater than 1. (got N={n})")
    if dt.kind in "iu":
        x_ = x_.long()
    powers = x_.unsqueeze(-1).expand(*x_.shape, builtins.int(n) - 1).cumprod(-1)
    ones = Tensor._wrap(np.ones((*x_.shape, 1), dtype=x_._data.dtype), None)
    return cat([ones, powers], -1)


# ---------------------------------------------------------------------------------------------
# Refused, with a reason and an alternative


def _complex_results(fn: str) -> NotImplementedError:
    return NotImplementedError(
        f"torch.linalg.{fn} is not in minigrad: the eigenvalues of a general real matrix are "
        "complex numbers, and minigrad has no complex tensors. For a symmetric (or Hermitian) "
        "matrix use minigrad.linalg.eigh (eigenvalues and eigenvectors) or "
        "minigrad.linalg.eigvalsh (eigenvalues), whose results are real; the singular values "
        "(minigrad.linalg.svdvals) are real for any matrix."
    )


def eig(A: Any, *, out: Any = None) -> Any:
    """Refused: ``torch.linalg.eig`` returns complex tensors, which minigrad does not have.
    Raises NotImplementedError pointing to ``eigh`` for a symmetric matrix."""
    raise _complex_results("eig")


def eigvals(A: Any, *, out: Any = None) -> Any:
    """Refused: ``torch.linalg.eigvals`` returns a complex tensor, which minigrad does not
    have. Raises NotImplementedError pointing to ``eigvalsh`` for a symmetric matrix."""
    raise _complex_results("eigvals")


def _no_ldl(fn: str) -> NotImplementedError:
    return NotImplementedError(
        f"torch.linalg.{fn} is not in minigrad (LAPACK's Bunch-Kaufman LDL^T factorization). "
        "For a symmetric positive-definite matrix use minigrad.linalg.cholesky (with "
        "linalg.solve or linalg.solve_triangular); for any square one, linalg.lu_factor and "
        "linalg.lu_solve, or linalg.solve."
    )


def ldl_factor(A: Any, *, hermitian: builtins.bool = False, out: Any = None) -> Any:
    """Refused (NotImplementedError): use ``cholesky`` or ``lu_factor`` instead."""
    raise _no_ldl("ldl_factor")


def ldl_factor_ex(
    A: Any,
    *,
    hermitian: builtins.bool = False,
    check_errors: builtins.bool = False,
    out: Any = None,
) -> Any:
    """Refused (NotImplementedError): use ``cholesky_ex`` or ``lu_factor_ex`` instead."""
    raise _no_ldl("ldl_factor_ex")


def ldl_solve(
    LD: Any, pivots: Any, B: Any, *, hermitian: builtins.bool = False, out: Any = None
) -> Any:
    """Refused (NotImplementedError): use ``lu_solve`` or ``solve`` instead."""
    raise _no_ldl("ldl_solve")
