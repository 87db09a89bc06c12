"""The LU factorization of ``minigrad.linalg``: ``lu_factor``, ``lu_factor_ex``, ``lu`` and
``lu_solve``, batched over the leading dimensions, as PyTorch's (LAPACK's ``getrf``).

One op, ``LUFactor`` (the packed factors, PyTorch's ``linalg_lu_backward`` rule beside it,
written with the rule helpers so it differentiates again); ``lu`` unpacks its output and
``lu_solve`` is a composition of two solves, so their gradients come from the ops.
"""

from __future__ import annotations

import builtins
from typing import Any, NamedTuple

import numpy as np

from .dtypes import not_implemented_for, torch_name
from .engine import Op, TensorMakers
from .linalg_ops import LinAlgError, Solve, solve
from .node_surface import labelled
from .ops import scatter, swap_last, where
from .printing import return_type
from .tensor import Tensor

__all__ = [
    "LUFactor",
    "lu",
    "lu_factor",
    "lu_factor_array",
    "lu_factor_ex",
    "lu_grad_array",
    "lu_solve",
    "lu_unpack",
]


class LUResults:
    """The named tuples of these functions (as ``torch.return_types``)."""

    @return_type()
    class linalg_lu_factor(NamedTuple):
        LU: Any
        pivots: Any

    @return_type()
    class linalg_lu_factor_ex(NamedTuple):
        LU: Any
        pivots: Any
        info: Any

    @return_type()
    class linalg_lu(NamedTuple):
        P: Any
        L: Any
        U: Any

    @return_type()
    class lu_unpack(NamedTuple):
        P: Any
        L: Any
        U: Any


# ---------------------------------------------------------------------------------------------
# Arrays


def lu_factor_array(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(LU, pivots, info)`` of each matrix of ``a`` (..., m, n), as LAPACK's ``getrf``:
    partial pivoting (the first largest ``|a_ij|`` of the column), L's multipliers below the
    diagonal of LU and U on and above it, pivots 1-based (int32: row i was swapped with row
    ``pivots[i]``), info the 1-based index of the first zero pivot (0: none). All matrices of
    a batch at once, one column at a time."""
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    count = int(np.prod(batch))
    lu = np.array(a, dtype=a.dtype).reshape(count, m, n)
    pivots = np.zeros((count, k), dtype=np.int32)
    info = np.zeros(count, dtype=np.int32)
    rows = np.arange(count)
    with np.errstate(invalid="ignore"):  # (NaN inputs go through, as LAPACK's)
        for j in range(k):
            p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
            pivots[:, j] = p + 1
            top = lu[rows, j].copy()
            lu[rows, j] = lu[rows, p]
            lu[rows, p] = top
            pivot = lu[:, j, j]
            zero = pivot == 0
            info[zero & (info == 0)] = j + 1
            # A zero pivot's column is zero below it: LAPACK skips the scaling, as 1 here does.
            lu[:, j + 1 :, j] /= np.where(zero, 1, pivot)[:, None]
            lu[:, j + 1 :, j + 1 :] -= lu[:, j + 1 :, j, None] * lu[:, j, None, j + 1 :]
    return lu.reshape(a.shape), pivots.reshape(*batch, k), info.reshape(batch)


def permutation_array(pivots: np.ndarray, m: int, dtype: Any) -> np.ndarray:
    """The permutation matrices P (..., m, m) of LAPACK's ``pivots`` (..., k): A = P L U."""
    batch, k = pivots.shape[:-1], pivots.shape[-1]
    count = int(np.prod(batch))
    piv = pivots.reshape(count, k).astype(np.int64) - 1
    perm = np.broadcast_to(np.arange(m), (count, m)).copy()
    rows = np.arange(count)
    for i in range(k):
        other = piv[:, i]
        top = perm[rows, i].copy()
        perm[rows, i] = perm[rows, other]
        perm[rows, other] = top
    # Row i of P^T A is row perm[i] of A, so P^T = I[perm] and P is its transpose.
    p = np.eye(m, dtype=dtype)[perm]
    return swap_last(p).reshape(*batch, m, m)


def _tril(a: Any, k: int = 0) -> Any:
    n, m = a.shape[-2:]
    return where(np.tri(n, m, k, dtype=bool), a, 0.0)


def _triu(a: Any, k: int = 0) -> Any:
    n, m = a.shape[-2:]
    return where(~np.tri(n, m, k - 1, dtype=bool), a, 0.0)


def _unpack(packed: Any) -> tuple[Any, Any]:
    """(L, U) of packed LU factors (m x n): L unit lower m x k, U upper k x n."""
    m, n = packed.shape[-2:]
    k = min(m, n)
    eye = np.eye(m, k, dtype=packed.dtype)
    return _tril(packed[..., :, :k], -1) + eye, _triu(packed[..., :k, :])


def _right_solve_t(b: Any, a: Any) -> Any:
    """b a^-T."""
    return swap_last(solve(a, swap_last(b)))


def lu_grad(grad: Any, out: Any, x: Any, permutation: Any) -> Any:
    """``LUFactor``'s rule (arrays, or Tensors under ``create_graph``), P the permutation."""
    m, n = x.shape[-2:]
    k = min(m, n)
    L, U = _unpack(out)
    gL, gU = _tril(grad[..., :, :k], -1), _triu(grad[..., :k, :])
    lt = swap_last(L)
    if m == n:
        phi = _tril(lt @ gL, -1) + _triu(gU @ swap_last(U))
        g = solve(lt, _right_solve_t(phi, U))
    elif m < n:
        g = _right_solve_t(_tril(lt @ gL - gU @ swap_last(U), -1), U[..., :, :k])
        shape = (*g.shape[:-1], n)
        g = scatter(g + gU[..., :, :k], (..., slice(None), slice(0, k)), shape) + scatter(
            gU[..., :, k:], (..., slice(None), slice(k, n)), shape
        )
        g = solve(lt, g)
    else:
        g = solve(swap_last(L[..., :k, :]), _triu(gU @ swap_last(U) - lt @ gL))
        shape = (*g.shape[:-2], m, k)
        g = scatter(g + gL[..., :k, :], (..., slice(0, k), slice(None)), shape) + scatter(
            gL[..., k:, :], (..., slice(k, m), slice(None)), shape
        )
        g = _right_solve_t(g, U)
    return permutation @ g


def lu_grad_array(grad: np.ndarray, out: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``LUFactor``'s rule on arrays, its permutation found again from ``x`` (what
    ``minigrad.compile``'s template calls)."""
    pivots = lu_factor_array(x)[1]
    return lu_grad(grad, out, x, permutation_array(pivots, x.shape[-2], x.dtype))


# ---------------------------------------------------------------------------------------------
# The op


class LUFactor(Op):
    """z = LU, x = P L U packed (L's multipliers below the diagonal, U on and above it);
    dz/dx by PyTorch's ``linalg_lu_backward`` with gL = tril(grad, -1), gU = triu(grad): for a
    square x, P L^-T [tril(L^T gL, -1) + triu(gU U^T)] U^-T; the wide and tall cases add the
    parts of U (L) beyond the square block."""

    __slots__ = ("info", "permutation", "pivots")
    torch_name = "LinalgLuFactorExBackward0"

    def __init__(self) -> None:
        self.pivots: np.ndarray | None = None
        self.info: np.ndarray | None = None
        self.permutation: np.ndarray | None = None

    def forward(self, x: Any) -> np.ndarray:
        lu, self.pivots, self.info = lu_factor_array(x)
        self.permutation = permutation_array(self.pivots, x.shape[-2], x.dtype)
        return lu

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (lu_grad(grad, out, x, self.permutation),)


# ---------------------------------------------------------------------------------------------
# The functions


def _tensor(x: Any, fn: str, name: str = "A", position: builtins.int = 1) -> Any:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
            f"{type(x).__name__}"
        )
    return x


def _check(A: Any, name: str, pivot: Any) -> None:
    """PyTorch's refusals of ``getrf``'s input, in its order and words."""
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(
            f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: "
            f"{list(a.shape)} instead"
        )
    if a.dtype.kind not in "fc" or a.dtype == np.float16:
        raise not_implemented_for("lu_cpu", a.dtype, "convert first, e.g. A.double()")
    if not pivot:
        raise RuntimeError(
            f"{name}: LU without pivoting is not implemented on the CPU (use pivot=True)"
        )


def _factor(A: Any, name: str, pivot: Any) -> tuple[Any, LUFactor]:
    _check(A, name, pivot)
    op = LUFactor()
    return TensorMakers.apply(op, A), op


def _raise_singular(info: np.ndarray, name: str) -> None:
    """PyTorch's error for the first factorization with a zero pivot (``info > 0``)."""
    flat = info.reshape(-1)
    bad = np.flatnonzero(flat > 0)
    if bad.size == 0:
        return
    b, k = int(bad[0]), int(flat[bad[0]])
    where_ = f"(Batch element {b}): " if info.ndim > 0 else ""
    raise LinAlgError(
        f"{name}: {where_}U[{k},{k}] is zero and using it on lu_solve would result in a division "
        "by zero. If you still want to perform the factorization, consider calling "
        "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)"
    )


def _pivots(op: LUFactor) -> Any:
    assert op.pivots is not None
    return TensorMakers.wrap(op.pivots, None)


def lu_factor_ex(
    A: Any, *, pivot: builtins.bool = True, check_errors: builtins.bool = False, out: Any = None
) -> Any:
    """``(LU, pivots, info)``: ``lu_factor``'s factors without its check, as
    ``torch.linalg.lu_factor_ex``; ``info`` (int32, one per matrix) is the 1-based index of
    U's first zero diagonal element, 0 where there is none. ``check_errors=True`` raises
    ``LinAlgError`` for a nonzero ``info``, in PyTorch's words."""
    if out is not None:
        raise TypeError("linalg.lu_factor_ex(): out= is not supported in minigrad")
    A = _tensor(A, "linalg_lu_factor_ex")
    LU, op = _factor(A, "torch.linalg.lu_factor_ex", pivot)
    assert op.info is not None
    if check_errors:
        _raise_singular(op.info, "torch.linalg.lu_factor_ex")
    info = TensorMakers.wrap(op.info, None)
    return LUResults.linalg_lu_factor_ex(LU, _pivots(op), info)


def lu_factor(A: Any, *, pivot: builtins.bool = True, out: Any = None) -> Any:
    """The compact LU factorization of each matrix of ``A`` (..., m, n), as
    ``torch.linalg.lu_factor``: a named tuple ``(LU, pivots)``, ``A = P L U`` with L unit lower
    triangular (its multipliers below LU's diagonal), U upper triangular (LU on and above it)
    and P the row swaps of ``pivots`` (int32, 1-based, LAPACK's). Partial pivoting (``pivot``
    False is CUDA-only in PyTorch and refused, as on its CPU). Gradient: PyTorch's.

    Raises:
        LinAlgError: for a matrix whose U has a zero on its diagonal (a singular square one),
            in PyTorch's words; ``lu_factor_ex`` and ``lu`` factor it without raising.
    """
    if out is not None:
        raise TypeError("linalg.lu_factor(): out= is not supported in minigrad")
    A = _tensor(A, "linalg_lu_factor")
    LU, op = _factor(A, "torch.linalg.lu_factor", pivot)
    assert op.info is not None
    _raise_singular(op.info, "torch.linalg.lu_factor")
    return LUResults.linalg_lu_factor(LU, _pivots(op))


def lu(A: Any, *, pivot: builtins.bool = True, out: Any = None) -> Any:
    """``(P, L, U)`` with ``A = P L U`` for each matrix of ``A`` (..., m, n), as
    ``torch.linalg.lu``: P (..., m, m) a permutation matrix (no gradient), L (..., m, k) unit
    lower triangular, U (..., k, n) upper triangular, k = min(m, n). A singular matrix is
    factored too (U has a zero on its diagonal). Gradients: PyTorch's (``LUFactor``'s rule)."""
    if out is not None:
        raise TypeError("linalg.lu(): out= is not supported in minigrad")
    A = _tensor(A, "linalg_lu")
    LU, op = _factor(A, "linalg.lu", pivot)
    L, U = _unpack(LU)
    P = TensorMakers.wrap(op.permutation, None)
    return LUResults.linalg_lu(
        P, labelled(L, "LinalgLuBackward0", A), labelled(U, "LinalgLuBackward0", A)
    )


def lu_solve(
    LU: Any,
    pivots: Any,
    B: Any,
    *,
    left: builtins.bool = True,
    adjoint: builtins.bool = False,
    out: Any = None,
) -> Any:
    """X with ``A X = B`` from ``lu_factor``'s ``(LU, pivots)`` of A, as
    ``torch.linalg.lu_solve``: ``X A = B`` when ``left`` is False, A^T in place of A with
    ``adjoint``. Batched, the batch dims of ``LU`` and ``B`` broadcast. Two solves with L and U
    (minigrad's solve op), so the gradients to ``LU`` and ``B`` are theirs (and PyTorch's).
    """
    if out is not None:
        raise TypeError("linalg.lu_solve(): out= is not supported in minigrad")
    LU = _tensor(LU, "linalg_lu_solve", "LU")
    piv = _tensor(pivots, "linalg_lu_solve", "pivots", 2)
    B = _tensor(B, "linalg_lu_solve", "B", 3)
    lu_, p, b = LU._data, piv._data, B._data
    name = "linalg.lu_solve"
    if b.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    if lu_.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor LU must have at least 2 dimensions.")
    if lu_.shape[-1] != lu_.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {lu_.shape[-2]} by "
            f"{lu_.shape[-1]} matrices"
        )
    n = lu_.shape[-1]
    if (b.shape[-2] if left else b.shape[-1]) != n:
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {b.shape[-2]}x{b.shape[-1]})"
        )
    if p.shape != lu_.shape[:-1]:
        raise RuntimeError(
            f"{name}: Number of pivots per batch should be same as the dimension of the matrix "
            f"(pivots {list(p.shape)} for LU {list(lu_.shape)}: pass lu_factor's own)"
        )
    if p.dtype != np.int32:
        raise RuntimeError(
            f"{name}: pivots should be a Tensor of scalar type torch.int32 (got "
            f"{torch_name(p.dtype)}: convert first, e.g. pivots.int())"
        )
    if lu_.dtype != b.dtype:
        raise RuntimeError(
            f"{name}: Expected LU and B to have the same dtype, but found LU of type "
            f"{torch_name(lu_.dtype)} and B of type {torch_name(b.dtype)} instead"
        )
    if lu_.dtype.kind != "f":
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            f"{torch_name(lu_.dtype)} (convert first, e.g. LU.double())"
        )
    if p.size and (p.min() < 1 or p.max() > n):
        raise RuntimeError(f"{name}: pivots must be between 1 and {n} (lu_factor's pivots)")
    L, U = _unpack(LU)
    P = TensorMakers.wrap(permutation_array(p, n, lu_.dtype), None)
    if not left:  # X A = B is A^T X^T = B^T
        return lu_solve(LU, piv, B.mT, adjoint=not adjoint).mT
    if adjoint:  # A^T X = U^T L^T P^T X = B
        Y = TensorMakers.apply(Solve(), U.mT, B)
        return P @ TensorMakers.apply(Solve(), L.mT, Y)
    Y = TensorMakers.apply(Solve(), L, P.mT @ B)
    return TensorMakers.apply(Solve(), U, Y)


def lu_unpack(
    LU_data: Any,
    LU_pivots: Any,
    unpack_data: builtins.bool = True,
    unpack_pivots: builtins.bool = True,
    *,
    out: Any = None,
) -> Any:
    """``(P, L, U)`` from ``linalg.lu_factor``'s ``(LU, pivots)`` (``torch.lu_unpack``): what
    ``linalg.lu`` returns, L and U differentiable with respect to ``LU_data``. With
    ``unpack_data`` False, L and U are empty tensors; with ``unpack_pivots`` False, P is."""
    if out is not None:
        raise TypeError("lu_unpack(): out= is not supported in minigrad; assign the result")
    LU = _tensor(LU_data, "lu_unpack", "LU_data")
    piv = _tensor(LU_pivots, "lu_unpack", "LU_pivots", 2)
    lu_, p = LU._data, piv._data
    if lu_.ndim < 2:
        raise RuntimeError(
            f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: "
            f"{list(lu_.shape)} instead"
        )
    m, n = lu_.shape[-2:]
    if unpack_pivots:
        if p.dtype != np.int32:
            raise RuntimeError(
                "torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 "
                f"dtype (got {torch_name(p.dtype)}: pass lu_factor's pivots)"
            )
        if p.shape != (*lu_.shape[:-2], min(m, n)):
            raise RuntimeError(
                f"torch.lu_unpack: the pivots of shape {list(p.shape)} do not match LU_data of "
                f"shape {list(lu_.shape)} (pass lu_factor's own)"
            )
    empty = np.empty(0, dtype=lu_.dtype)
    if unpack_data:
        L, U = _unpack(LU)
    else:
        L = U = TensorMakers.wrap(empty, None)
    P = TensorMakers.wrap(permutation_array(p, m, lu_.dtype) if unpack_pivots else empty, None)
    return LUResults.lu_unpack(P, L, U)
