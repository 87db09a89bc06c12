"""Matrix factorizations and functions of ``minigrad.linalg``: ``cholesky``, ``matrix_exp``,
``eigh``/``eigvalsh``, ``qr``, ``matrix_power`` and ``solve_triangular`` (the solve that
follows a Cholesky or QR factorization), batched over the leading dimensions.

The ops (``Cholesky``, ``MatrixExp``, ``Eigh``, ``QR``) compute forward with NumPy and keep
PyTorch's backward rule beside it (``FunctionsManual.cpp``), written with the helpers of
``ops.py`` and ``linalg_ops.py`` so it runs on arrays (first order) and on Tensors, recorded,
under ``create_graph``. ``matrix_power`` is a composition of matrix products (and ``inv``),
``solve_triangular`` one of the triangle and the ``Solve`` op.
"""

from __future__ import annotations

import builtins
import operator
from typing import Any, NamedTuple

import numpy as np

from .dtypes import not_implemented_for, torch_name
from .engine import Op, TensorMakers
from .linalg_methods import check_matrices, refuse_half
from .linalg_ops import LinAlgError, Solve, solve
from .node_surface import labelled, outputs_of
from .ops import _is_array, reshape, scatter, swap_last, where
from .printing import return_type
from .quiet import _ieee
from .tensor import Tensor
from .validation import ShapeError, _broadcast_message

__all__ = [
    "cholesky",
    "cholesky_ex",
    "eigh",
    "eigvalsh",
    "matrix_exp",
    "matrix_power",
    "qr",
    "solve_triangular",
]


class FactorResults:
    """The named tuples of these functions (as ``torch.return_types``)."""

    @return_type()
    class linalg_eigh(NamedTuple):
        eigenvalues: Any
        eigenvectors: Any

    @return_type()
    class linalg_cholesky_ex(NamedTuple):
        L: Any
        info: Any

    @return_type()
    class linalg_qr(NamedTuple):
        Q: Any
        R: Any


def _tensor(x: Any, fn: str, name: str = "A", position: builtins.int = 1) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
            f"{type(x).__name__}"
        )
    return x


def _tril(a: Any, k: int = 0) -> Any:
    """The lower triangle (from diagonal ``k``) of each matrix; the rest 0."""
    n, m = a.shape[-2:]
    return where(np.tri(n, m, k, dtype=bool), a, 0.0)


# ---------------------------------------------------------------------------------------------
# Cholesky


def _cholesky_info(a: np.ndarray) -> np.ndarray:
    """LAPACK's ``potrf`` info of each matrix of ``a``: the order of its first leading minor
    that is not positive-definite, 0 for a positive-definite matrix."""
    mats = a.reshape(-1, *a.shape[-2:])
    info = np.zeros(len(mats), dtype=np.int32)
    for b, m in enumerate(mats):
        try:
            np.linalg.cholesky(m)
            continue
        except np.linalg.LinAlgError:
            pass
        for k in range(1, m.shape[-1] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                info[b] = k
                break
    return info.reshape(a.shape[:-2])


def _not_positive_definite(info: np.ndarray, name: str = "linalg.cholesky") -> LinAlgError:
    """PyTorch's error for the first matrix that is not positive-definite (``info > 0``),
    naming the order of its first leading minor that is not."""
    flat = info.reshape(-1)
    b = int(np.flatnonzero(flat)[0])
    where_ = f"(Batch element {b}): " if info.ndim > 0 else ""
    return LinAlgError(
        f"{name}: {where_}The factorization could not be completed because the input is not "
        f"positive-definite (the leading minor of order {flat[b]} is not positive-definite)."
    )


def cholesky_array(a: np.ndarray) -> np.ndarray:
    """The lower Cholesky factor of each matrix, from its lower triangle only."""
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        raise _not_positive_definite(_cholesky_info(a)) from None


class Cholesky(Op):
    """z = L with L L^T = x (x's lower triangle read);  dz/dx = L^-T Phi(L^T grad) L^-1, Phi
    the symmetric matrix of tril(L^T grad) with its diagonal halved (PyTorch's rule)."""

    __slots__ = ()
    torch_name = "LinalgCholeskyExBackward0"

    def forward(self, x: Any) -> np.ndarray:
        return cholesky_array(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        lt = swap_last(out)
        g = _tril(lt @ grad)
        g = 0.5 * (g + swap_last(_tril(g, -1)))
        g = solve(lt, g)  # L^-T g
        return (swap_last(solve(lt, swap_last(g))),)  # (L^-T g) L^-1


def cholesky(A: Any, *, upper: builtins.bool = False, out: Any = None) -> Any:
    """The Cholesky factor of each symmetric positive-definite matrix of ``A``, as
    ``torch.linalg.cholesky``: lower triangular ``L`` with ``A = L L^T``, or with ``upper`` the
    upper triangular ``U = L^T`` (``A = U^T U``). Only the lower triangle of ``A`` is read (the
    upper one with ``upper``). Gradient: PyTorch's, a symmetric matrix.

    Raises:
        LinAlgError: for a matrix that is not positive-definite, in PyTorch's words (naming the
            batch element and the order of the leading minor that is not).
    """
    if out is not None:
        raise TypeError("linalg.cholesky(): out= is not supported in minigrad; assign the result")
    A = _tensor(A, "linalg_cholesky")
    check_matrices(A, "linalg.cholesky")
    if upper:
        return swap_last(TensorMakers.apply(Cholesky(), swap_last(A)))
    return TensorMakers.apply(Cholesky(), A)


def cholesky_ex(
    A: Any, *, upper: builtins.bool = False, check_errors: builtins.bool = False, out: Any = None
) -> Any:
    """``(L, info)``: ``cholesky``'s factor without its check, as ``torch.linalg.cholesky_ex``;
    ``info`` (int32, one per matrix) is the order of the first leading minor that is not
    positive-definite, 0 for a positive-definite matrix, whose ``L`` is ``cholesky``'s (with
    its gradient). The ``L`` of a matrix with ``info > 0`` is NaN (PyTorch's holds LAPACK's
    partial work): test ``info``. ``check_errors=True`` raises ``LinAlgError`` instead."""
    if out is not None:
        raise TypeError("linalg.cholesky_ex(): out= is not supported in minigrad")
    A = _tensor(A, "linalg_cholesky_ex")
    check_matrices(A, "linalg.cholesky")
    a = swap_last(A._data) if upper else A._data
    info = _cholesky_info(a)
    if check_errors and info.any():
        raise _not_positive_definite(info, "linalg.cholesky_ex")
    bad = (info > 0)[..., None, None]
    if not bad.any():
        L = cholesky(A, upper=upper)
    else:
        eye = np.eye(a.shape[-1], dtype=a.dtype)
        L = where(~bad, cholesky(where(~bad, A, eye), upper=upper), np.nan)
    return FactorResults.linalg_cholesky_ex(L, TensorMakers.wrap(info, None))


# ---------------------------------------------------------------------------------------------
# Matrix exponential

# Higham (2005), "The scaling and squaring method for the matrix exponential revisited": the
# [13/13] Pade approximant is accurate to float64 round-off for ||A||_1 <= THETA_13.
_PADE_13 = (
    64764752532480000.0,
    32382376266240000.0,
    7771770303897600.0,
    1187353796428800.0,
    129060195264000.0,
    10559470521600.0,
    670442572800.0,
    33522128640.0,
    1323241920.0,
    40840800.0,
    960960.0,
    16380.0,
    182.0,
    1.0,
)
_THETA_13 = 5.371920351148152


def expm_array(a: np.ndarray) -> np.ndarray:
    """exp of each matrix of ``a``: scaling by 2^-s, the [13/13] Pade approximant, then s
    squarings (each matrix its own s); computed in float64, returned in ``a``'s dtype."""
    x = np.asarray(a, dtype=np.float64)
    n = x.shape[-1]
    if x.size == 0:
        return np.array(x, dtype=a.dtype)
    norm = np.abs(x).sum(-2).max(-1)  # the 1-norm of each matrix
    with np.errstate(divide="ignore"):
        s = np.maximum(0, np.ceil(np.log2(norm / _THETA_13))).astype(np.int64)
    x = x / np.ldexp(1.0, s)[..., None, None]
    b = _PADE_13
    eye = np.eye(n)
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (
        x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * eye
    )
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for k in range(int(s.max(initial=0))):
        r = np.where((s > k)[..., None, None], r @ r, r)
    return r.astype(a.dtype, copy=False)


def matrix_exp_of(a: Any) -> Any:
    """exp of each matrix: NumPy on arrays, a recorded ``MatrixExp`` on Tensors."""
    return expm_array(a) if _is_array(a) else TensorMakers.apply(MatrixExp(), a)


class MatrixExp(Op):
    """z = exp(x);  dz/dx = the upper-right block of exp([[x^T, grad], [0, x^T]]) (PyTorch's
    rule: the Frechet derivative's adjoint, itself a matrix exponential)."""

    __slots__ = ()
    torch_name = "LinalgMatrixExpBackward0"

    def forward(self, x: Any) -> np.ndarray:
        return expm_array(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        n = x.shape[-1]
        xt = swap_last(x)
        shape = (*np.broadcast_shapes(x.shape, grad.shape)[:-2], 2 * n, 2 * n)
        first, second = slice(0, n), slice(n, 2 * n)
        block = (
            scatter(xt, (..., first, first), shape)
            + scatter(grad, (..., first, second), shape)
            + scatter(xt, (..., second, second), shape)
        )
        return (matrix_exp_of(block)[..., :n, n:],)


def matrix_exp(A: Any) -> Any:
    """The matrix exponential ``sum_k A^k / k!`` of each square matrix of ``A``, as
    ``torch.linalg.matrix_exp`` (also ``minigrad.matrix_exp`` and ``Tensor.matrix_exp``):
    scaling and squaring with a [13/13] Pade approximant, accurate to round-off. Its gradient
    is again a matrix exponential (of a 2n x 2n block matrix), so it differentiates again."""
    A = _tensor(A, "linalg_matrix_exp")
    check_matrices(A, "linalg.matrix_exp")
    return TensorMakers.apply(MatrixExp(), A)


# ---------------------------------------------------------------------------------------------
# Symmetric eigendecomposition


class Eigh(Op):
    """z = [w; V] (the eigenvalues as a first row above the eigenvectors, one op for both);
    dz/dx = V (diag(grad_w) + skew(V^T grad_V) / E) V^T with E_ij = w_j - w_i (PyTorch's rule
    for a real symmetric matrix; infinite at repeated eigenvalues, as there)."""

    __slots__ = ("uplo",)
    torch_name = "LinalgEighBackward0"

    def __init__(self, uplo: str) -> None:
        self.uplo = uplo

    def forward(self, x: Any) -> np.ndarray:
        w, v = np.linalg.eigh(x, UPLO=self.uplo)  # type: ignore[call-overload]
        return np.concatenate([w[..., None, :], v], axis=-2)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        n = x.shape[-1]
        w, v = out[..., 0, :], out[..., 1:, :]
        gw, gv = grad[..., 0, :], grad[..., 1:, :]
        row = (*w.shape[:-1], 1, n)
        e = reshape(w, row) - swap_last(reshape(w, row)) + np.eye(n, dtype=x.dtype)
        vgv = swap_last(v) @ gv
        inner = 0.5 * (vgv - swap_last(vgv)) / e + reshape(gw, row) * np.eye(n, dtype=x.dtype)
        return (v @ inner @ swap_last(v),)


def _eigh(A: Any, UPLO: str, fn: str) -> tuple[Any, Any]:
    A = _tensor(A, fn)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    check_matrices(A, "linalg.eigh")
    both = TensorMakers.apply(Eigh(UPLO), A)
    w, v = both[..., 0, :], both[..., 1:, :]
    outputs_of("LinalgEighBackward0", (A,), w, v)  # (PyTorch's one node with two outputs)
    return w, v


def eigh(A: Any, UPLO: str = "L", *, out: Any = None) -> Any:
    """The eigenvalues (ascending) and orthonormal eigenvectors (columns) of each symmetric
    matrix of ``A``, as ``torch.linalg.eigh``: a named tuple ``(eigenvalues, eigenvectors)``.
    Only the triangle ``UPLO`` ('L' lower, 'U' upper) is read. Each eigenvector's sign is
    arbitrary (as in PyTorch, whose LAPACK may pick another); the gradient is PyTorch's, which
    is infinite for repeated eigenvalues unless the loss does not depend on the eigenvectors."""
    if out is not None:
        raise TypeError("linalg.eigh(): out= is not supported in minigrad; assign the result")
    return FactorResults.linalg_eigh(*_eigh(A, UPLO, "linalg_eigh"))


def eigvalsh(A: Any, UPLO: str = "L", *, out: Any = None) -> Any:
    """The eigenvalues (ascending) of each symmetric matrix of ``A``, as
    ``torch.linalg.eigvalsh`` (triangle ``UPLO`` read). Gradient: V diag(grad) V^T."""
    if out is not None:
        raise TypeError("linalg.eigvalsh(): out= is not supported in minigrad; assign the result")
    return _eigh(A, UPLO, "linalg_eigvalsh")[0]


# ---------------------------------------------------------------------------------------------
# Matrix power


def matrix_power(A: Any, n: builtins.int) -> Any:
    """``A`` to the integer power ``n`` for each square matrix, as ``torch.linalg.matrix_power``
    (also ``minigrad.matrix_power`` and ``Tensor.matrix_power``): repeated squaring, the
    inverse's powers for a negative ``n``, the identity for 0. A composition of matrix products
    (and ``inv``), so its gradient is theirs."""
    A = _tensor(A, "linalg_matrix_power")
    if isinstance(n, builtins.bool) or not isinstance(n, builtins.int | np.integer):
        try:
            n = operator.index(n)
        except TypeError:
            raise TypeError(
                "linalg_matrix_power(): argument 'n' (position 2) must be int, not "
                f"{type(n).__name__}"
            ) from None
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_power: The input tensor A must have at least 2 dimensions."
        )
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            "linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{a.shape[-2]} by {a.shape[-1]} matrices"
        )
    n = builtins.int(n)
    if n == 0:
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return where(np.zeros(a.shape, bool), A, eye)  # (in A's graph, gradient 0, as PyTorch)
    if n < 0:
        check_matrices(A, "linalg.inv")
        A, n = A.inverse(), -n
    result: Any = None
    square = A
    while True:
        if n & 1:
            result = square if result is None else result @ square
        n >>= 1
        if not n:
            break
        square = square @ square
    return result if result is not A else A.clone()


# ---------------------------------------------------------------------------------------------
# QR


def _triu(a: Any) -> Any:
    n, m = a.shape[-2:]
    return where(~np.tri(n, m, -1, dtype=bool), a, 0.0)


def _right_solve_t(b: Any, r: Any) -> Any:
    """b R^-T."""
    return swap_last(solve(r, swap_last(b)))


def _qr_array(a: np.ndarray, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """NumPy's (Q, R), quiet where float32 overflows (NumPy computes in float64, then casts)."""
    with _ieee():
        q, r = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
    return q, r


class QR(Op):
    """z = Q of x = Q R (R's gradient flows through Q^T x, see ``qr``);  for m >= n, dz/dx =
    (grad + Q copyltu(-grad^T Q)) R^-T with copyltu(M) = tril(M) + tril(M, -1)^T (the rule of
    PyTorch's ``linalg_qr_backward`` with grad_R = 0); for m < n, the same on the first m
    columns of x (Q depends only on them) and 0 on the rest."""

    __slots__ = ("mode",)
    torch_name = "LinalgQrBackward0"

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def forward(self, x: Any) -> np.ndarray:
        return _qr_array(x, self.mode)[0]

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        m, n = x.shape[-2:]
        if self.mode == "r":
            raise RuntimeError(
                "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                "through linalg.qr."
            )
        if self.mode == "complete" and m > n:
            raise RuntimeError(
                "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            )
        k = min(m, n)
        square = x if n == k else x[..., :, :k]
        r = _triu(swap_last(out) @ square)
        qgq = swap_last(grad) @ out
        mm = -qgq
        sym = _tril(mm) + swap_last(_tril(mm, -1))
        g = _right_solve_t(grad + out @ sym, r)
        if n == k:
            return (g,)
        return (scatter(g, (..., slice(None), slice(0, k)), (*g.shape[:-1], n)),)


def qr(A: Any, mode: str = "reduced", *, out: Any = None) -> Any:
    """The QR decomposition ``A = Q R`` of each matrix of ``A`` (m x n), as ``torch.linalg.qr``:
    a named tuple ``(Q, R)``, Q with orthonormal columns and R upper triangular. ``mode``:
    'reduced' (Q m x k, R k x n, k = min(m, n)), 'complete' (Q m x m, R m x n) or 'r' (R only;
    Q an empty tensor). Signs as LAPACK's (PyTorch's).

    The gradient is PyTorch's; as there, it raises for mode='r' and for mode='complete' with
    m > n (where Q is not determined by A). It flows to R through ``triu(Q^T A)``, which equals
    R (its value LAPACK's R, exactly).
    """
    if out is not None:
        raise TypeError("linalg.qr(): out= is not supported in minigrad; assign the result")
    A = _tensor(A, "linalg_qr")
    if not isinstance(mode, str) or mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'"
        )
    a = A._data
    if a.ndim < 2:
        raise RuntimeError("linalg.qr: The input tensor A must have at least 2 dimensions.")
    if a.dtype.kind not in "fc":
        raise RuntimeError(
            "linalg.qr: Expected a floating point or complex tensor as input. Got "
            f"{torch_name(a.dtype)} (convert first, e.g. A.double())"
        )
    refuse_half(a, "linalg.qr")
    exact = _qr_array(a, mode)[1]
    q = TensorMakers.apply(QR(mode), A)
    if q.grad_fn is None:
        r = TensorMakers.wrap(np.ascontiguousarray(exact), None)
    else:
        through = _triu(q.mT @ A)  # R itself, differentiable; its value is replaced by LAPACK's
        r = labelled((through - through.detach()) + exact, "LinalgQrBackward0", A)
    if mode == "r":
        q = TensorMakers.wrap(np.empty(0, dtype=a.dtype), None)
    return FactorResults.linalg_qr(q, r)


def solve_triangular(
    A: Tensor,
    B: Tensor,
    *,
    upper: builtins.bool,
    left: builtins.bool = True,
    unitriangular: builtins.bool = False,
    out: Any = None,
) -> Tensor:
    """X with ``A X = B`` for a triangular ``A`` (``X A = B`` when ``left`` is False), as
    ``torch.linalg.solve_triangular``: only the upper (``upper=True``) or lower triangle of
    ``A`` is read, and with ``unitriangular`` not its diagonal either (taken as ones). ``B`` is
    a batch of matrices (at least 2-D); batch dims broadcast, dtypes promote. Gradients are
    PyTorch's: to ``A``, the triangle read (without the diagonal for ``unitriangular``).

    Raises:
        LinAlgError: for a zero on the diagonal read (PyTorch returns inf and nan there).
    """
    if out is not None:
        raise TypeError(
            "linalg.solve_triangular(): out= is not supported in minigrad; assign the result"
        )
    A = _tensor(A, "linalg_solve_triangular", "A", 1)
    B = _tensor(B, "linalg_solve_triangular", "B", 2)
    name = "linalg.solve_triangular"
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
            f"{A.shape[-1]} matrices"
        )
    n, (rows, cols) = A.shape[-1], B.shape[-2:]
    if (rows if left else cols) != n:
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {rows}x{cols})"
        )
    common = np.result_type(A._data.dtype, B._data.dtype)
    if common.kind not in "fc" or common == np.float16:
        raise not_implemented_for("triangular_solve_cpu", common, "convert first, e.g. A.double()")
    batch = _broadcast_message(A.shape[:-2], B.shape[:-2])
    if batch:
        raise ShapeError(f"{batch} (in {name}: the batch dims of A and B must broadcast)")
    A_, B_ = (t if t._data.dtype == common else t.to(common) for t in (A, B))
    T = A_.triu(1 if unitriangular else 0) if upper else A_.tril(-1 if unitriangular else 0)
    if unitriangular:
        T = T + np.eye(n, dtype=common)
    diag = np.diagonal(T._data, axis1=-2, axis2=-1)
    if (diag == 0).any():
        raise LinAlgError(
            f"{name}: A has a zero on its diagonal, so it is singular (PyTorch returns inf and "
            "nan here; minigrad raises: check the matrix or use linalg.lstsq)"
        )
    if left:
        X = TensorMakers.apply(Solve(), T, B_)
    else:
        X = TensorMakers.apply(Solve(), T.mT, B_.mT).mT
    return labelled(X, "LinalgSolveTriangularBackward0", A, B)
