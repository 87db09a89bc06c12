"""The linear-algebra ops: ``Inverse``, ``Det``, ``LogAbsDet`` and ``Solve``, batched over the
leading dimensions; forward with ``np.linalg``, each backward rule beside it.

The rules are written with the helpers below and operators, so they run on arrays (first order)
and on Tensors, recorded, under ``create_graph`` (``minigrad.linalg`` makes these ops).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .engine import Op, TensorMakers
from .ops import _data, _is_array, reshape, swap_last
from .quiet import _ieee


class LinAlgError(RuntimeError):
    """PyTorch's ``torch.linalg.LinAlgError``: a matrix the algorithm cannot handle (a singular
    one); a ``RuntimeError``, as PyTorch's."""


# ---------------------------------------------------------------------------------------------
# Array helpers (also what minigrad.compile's templates call)


def _zero_pivot(m: np.ndarray) -> int:
    """The 1-based index of the first zero pivot of ``m``'s LU factorization with partial
    pivoting (LAPACK's ``getrf`` info, which PyTorch's message reports), 0 if there is none."""
    a = np.array(m, dtype=m.dtype)
    n = a.shape[0]
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        if a[p, k] == 0:
            return k + 1
        a[[k, p]] = a[[p, k]]
        a[k + 1 :, k] /= a[k, k]
        a[k + 1 :, k + 1 :] -= np.outer(a[k + 1 :, k], a[k, k + 1 :])
    return 0


def singular_error(x: np.ndarray, name: str) -> LinAlgError:
    """PyTorch's error for a singular input of ``name`` (``linalg.inv``), naming the batch
    element (for more than one matrix) and the zero diagonal element of its LU factors."""
    mats = x.reshape(-1, *x.shape[-2:])
    for b, m in enumerate(mats):
        k = _zero_pivot(m)
        if k or b == len(mats) - 1:
            where = f"(Batch element {b}): " if x.ndim > 2 else ""
            return LinAlgError(
                f"{name}: {where}The diagonal element {k or m.shape[0]} is zero, the inversion "
                "could not be completed because the input matrix is singular."
            )
    raise AssertionError("unreachable")  # pragma: no cover


def svd_array(a: np.ndarray, **options: Any) -> Any:
    """NumPy's SVD of each matrix of ``a`` (``options``: ``full_matrices``, ``compute_uv``);
    PyTorch's LinAlgError, in its words, where LAPACK does not converge (NumPy's would say
    only "SVD did not converge")."""
    try:
        return np.linalg.svd(a, **options)
    except np.linalg.LinAlgError:
        why = (
            "contained non-finite values"
            if not np.isfinite(a).all()
            else "is ill-conditioned or has too many repeated singular values"
        )
        raise LinAlgError(
            f"linalg.svd: The algorithm failed to converge because the input matrix {why}."
        ) from None


def inv_array(x: np.ndarray) -> np.ndarray:
    """``x``'s inverse (each matrix of a batch); PyTorch's LinAlgError for a singular one."""
    try:
        return np.linalg.inv(x)
    except np.linalg.LinAlgError:
        raise singular_error(x, "linalg.inv") from None


def solve_array(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """X with A X = B (B a batch of matrices); PyTorch's LinAlgError for a singular A."""
    try:
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        raise LinAlgError(
            "torch.linalg.solve: The solver failed because the input matrix is singular."
        ) from None


def _cofactors(m: np.ndarray) -> np.ndarray:
    """The cofactor matrices (transposed adjugates) of a stack of matrices, through the SVD
    ``m = U diag(s) Vh``: ``det(U) det(Vh) U diag(prod_{j != i} s_j) Vh``, finite for a
    singular matrix too (where ``det(m) m^-T`` is not)."""
    u, s, vh = svd_array(m)
    ones = np.ones_like(s[..., :1])
    before = np.cumprod(np.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, s[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return sign[..., None, None] * (u * (before * after)[..., None, :]) @ vh


def det_grad_array(grad: np.ndarray, out: np.ndarray, x: np.ndarray) -> np.ndarray:
    """det's gradient on arrays: ``grad det(x) x^-T`` where det(x) != 0 (as on Tensors), the
    cofactor matrix times grad where it is 0 (PyTorch's gradient there too)."""
    scale = reshape(grad * out, (*out.shape, 1, 1))
    singular = np.asarray(out == 0)
    if not singular.any():
        return scale * swap_last(np.linalg.inv(x))
    eye = np.eye(x.shape[-1], dtype=x.dtype)
    safe = np.where(singular[..., None, None], eye, x)  # (their rows are replaced below)
    g = scale * swap_last(np.linalg.inv(safe))
    weight = np.broadcast_to(grad, out.shape)[singular]
    g[singular] = weight[:, None, None] * _cofactors(x[singular])
    return g


# ---------------------------------------------------------------------------------------------
# Helpers for rules: NumPy on arrays, recorded ops on Tensors


def inverse(a: Any) -> Any:
    return inv_array(a) if _is_array(a) else TensorMakers.apply(Inverse(), a)


def solve(a: Any, b: Any) -> Any:
    if _is_array(a) and _is_array(b):
        return solve_array(a, b)
    return TensorMakers.apply(Solve(), a, b)


# ---------------------------------------------------------------------------------------------
# The ops


class Inverse(Op):
    """z = x^-1;  dz/dx = -z^T grad z^T."""

    __slots__ = ()
    torch_name = "LinalgInvExBackward0"

    def forward(self, x: Any) -> np.ndarray:
        return inv_array(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        zt = swap_last(out)
        return (-(zt @ grad @ zt),)


class Det(Op):
    """z = det(x);  dz/dx = grad z x^-T (grad times the cofactor matrix, also where z = 0)."""

    __slots__ = ()
    torch_name = "LinalgDetBackward0"

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():  # (inf where det overflows, as PyTorch, without NumPy's warning)
            return np.asarray(np.linalg.det(x))

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        if _is_array(x):
            return (det_grad_array(grad, out, x),)
        if (np.asarray(_data(out)) == 0).any():
            raise RuntimeError(
                "linalg.det: the derivative of det's gradient at a singular matrix is not in "
                "minigrad (its first derivative there is: backward without create_graph)"
            )
        scale = reshape(grad * out, (*out.shape, 1, 1))
        return (scale * swap_last(inverse(x)),)


class LogAbsDet(Op):
    """z = log|det(x)|;  dz/dx = grad x^-T."""

    __slots__ = ()
    torch_name = "LinalgSlogdetBackward0"

    def forward(self, x: Any) -> np.ndarray:
        return np.asarray(np.linalg.slogdet(x)[1])

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (reshape(grad, (*grad.shape, 1, 1)) * swap_last(inverse(x)),)


class Solve(Op):
    """z = x^-1 y (y a batch of matrices);  dz/dy = x^-T grad, dz/dx = -(x^-T grad) z^T."""

    __slots__ = ()
    torch_name = "LinalgSolveExBackward0"

    def forward(self, x: Any, y: Any) -> np.ndarray:
        return solve_array(x, y)

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        gy = solve(swap_last(x), grad)
        gx = -(gy @ swap_last(out)) if self.needs_grad(0) else None
        return gx, gy if self.needs_grad(1) else None
