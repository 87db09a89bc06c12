"""The singular value decomposition and what is built on it: ``linalg.svd``, ``svdvals``,
``matrix_rank``, ``pinv`` and ``lstsq``, as PyTorch's, and the legacy ``torch.svd`` (U, S, V)
and ``torch.pinverse`` (``legacy_svd``, ``pinverse``: minigrad's and Tensor's).

One op, ``SVD``, with PyTorch's backward rule (``svd_backward`` of its autograd); the others
are compositions of it, so their gradients (first and higher order) come from that rule.
"""

from __future__ import annotations

import builtins
from typing import Any, NamedTuple

import numpy as np

from .dtypes import torch_name
from .engine import Op
from .linalg_methods import LinalgResults, refuse_half
from .linalg_ops import svd_array
from .node_surface import labelled
from .ops import Concat, _data, reshape, swap_last, where
from .printing import return_type
from .quiet import _ieee
from .tensor import Tensor, apply, as_tensor

__all__ = ["SVD", "legacy_svd", "lstsq", "matrix_rank", "pinv", "pinverse", "svd", "svdvals"]


@return_type("linalg_svd")
class LinalgSvd(NamedTuple):
    """``torch.return_types.linalg_svd``."""

    U: Any
    S: Any
    Vh: Any


@return_type("linalg_lstsq")
class LinalgLstsq(NamedTuple):
    """``torch.return_types.linalg_lstsq``."""

    solution: Any
    residuals: Any
    rank: Any
    singular_values: Any


# ---------------------------------------------------------------------------------------------
# The op


def _split(p: Any, m: int) -> tuple[Any, Any, Any]:
    """``(U, S, V)`` from the packed array (or Tensor) of ``SVD``: rows ``[U; S; V]``."""
    return p[..., :m, :], p[..., m, :], p[..., m + 1 :, :]


class SVD(Op):
    """z = [U; S; V] with x = U diag(S) V^T (the thin SVD, packed into one array of shape
    (..., m + 1 + n, k) so the op has one output);  dz/dx by PyTorch's ``svd_backward``:
    with E_ij = S_j^2 - S_i^2 (1 on the diagonal),
    grad_x = U [((U^T gU - gU^T U) S + S (V^T gV - gV^T V)) / E + diag(gS)] V^T,
    plus the parts of gU (gV) outside the span of U (V) when x is tall (wide).

    The rule treats a zero gU (gV) as absent, as PyTorch does an undefined one: a loss of S
    only gets U diag(gS) V^T, finite even where singular values repeat (where the full rule
    divides by zero, as PyTorch's does).
    """

    __slots__ = ("extra", "full")
    torch_name = "LinalgSvdBackward0"

    def __init__(self, full_matrices: builtins.bool = False) -> None:
        self.full = full_matrices
        self.extra: Any = None  # the columns U and Vh gain with full_matrices (forward sets)

    def forward(self, x: Any) -> np.ndarray:
        with _ieee():  # (inf and nan as PyTorch where float32 overflows, without a warning)
            u, s, vh = svd_array(x, full_matrices=self.full)
        k = s.shape[-1]
        # (the extra columns are constants: PyTorch narrows their gradient away)
        self.extra = (u[..., k:], vh[..., k:, :]) if self.full else None
        v = swap_last(vh[..., :k, :])
        return np.concatenate([u[..., :k], s[..., None, :], v], axis=-2)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        m = x.shape[-2]
        u, s, v = _split(out, m)
        gu, gs, gv = _split(grad, m)
        k = s.shape[-1]
        batch = tuple(s.shape[:-1])
        row, col = reshape(s, (*batch, 1, k)), reshape(s, (*batch, k, 1))
        with_u, with_v = bool(np.any(_data(gu))), bool(np.any(_data(gv)))
        vh = swap_last(v)
        if not (with_u or with_v):
            return ((u * reshape(gs, (*batch, 1, k))) @ vh,)
        eye = np.eye(k, dtype=x.dtype)
        e = row * row - col * col + eye
        ga: Any = 0
        if with_u:
            utgu = swap_last(u) @ gu
            ga = (utgu - swap_last(utgu)) * row
        if with_v:
            vhgv = vh @ gv
            ga = ga + col * (vhgv - swap_last(vhgv))
        ga = ga / e + reshape(gs, (*batch, k, 1)) * eye
        n = v.shape[-2]
        if m > n and with_u:
            gu_sinv = gu / row
            ga = (u @ ga + gu_sinv - u @ (swap_last(u) @ gu_sinv)) @ vh
        elif m < n and with_v:
            sinv_gvh = swap_last(gv) / col
            ga = u @ (ga @ vh + sinv_gvh - (sinv_gvh @ v) @ vh)
        else:
            ga = u @ ga @ vh
        return (ga,)


# ---------------------------------------------------------------------------------------------
# Checks


def _tensor(x: Any, fn: str, name: str = "A", position: int = 1) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
            f"{type(x).__name__}"
        )
    return x


def _check(A: Tensor, name: str, arg: str = "A") -> None:
    """PyTorch's checks for an SVD input: at least 2-D, float (complex is not in minigrad)."""
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {arg} must have at least 2 dimensions.")
    if a.dtype.kind not in "fc":
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            f"{torch_name(a.dtype)} (convert first, e.g. A.double())"
        )
    if a.dtype.kind == "c":
        raise NotImplementedError(
            f"{name}: complex input is not in minigrad (its SVD is real only); "
            "split real and imaginary parts into a real matrix of twice the size"
        )


def _float_or_double(a: np.ndarray, fn: str) -> None:
    """PyTorch's refusal, by ``matrix_rank`` and ``lstsq``, of a dtype other than float32 and
    float64 (their LAPACK drivers take only these)."""
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError(
            "This function doesn't handle types other than float and double (linalg."
            f"{fn}() of a {a.dtype} tensor: convert first, e.g. A.double())"
        )


def _type_name(x: Any) -> str:
    """A value's type as PyTorch's argument errors write it (``int``, ``Tensor``, and other
    libraries' types with their module: ``numpy.bool``)."""
    t = type(x)
    own = t.__module__ == "builtins" or t.__module__.startswith("minigrad")
    return t.__name__ if own else f"{t.__module__}.{t.__name__}"


def _bool_arg(value: Any, fn: str, name: str, position: int) -> builtins.bool:
    """A bool argument, as PyTorch's parser takes it: ``True``/``False`` only (not 0, 1 or
    NumPy's bool)."""
    if not isinstance(value, builtins.bool):
        raise TypeError(
            f"{fn}(): argument '{name}' (position {position}) must be bool, not {_type_name(value)}"
        )
    return value


def _float_arg(value: Any, fn: str, name: str, position: int) -> float:
    """A float argument, as PyTorch's parser takes it: any real number (bool and int too,
    NumPy's scalars) or a 0-dim tensor that does not require grad."""
    if isinstance(value, Tensor) and value.ndim == 0 and not value.requires_grad:
        value = value.item()
    if isinstance(value, builtins.bool | int | float | np.integer | np.floating):
        return float(value)
    raise TypeError(
        f"{fn}(): argument '{name}' (position {position}) must be float, not {_type_name(value)}"
    )


# ---------------------------------------------------------------------------------------------
# The functions


def svd(A: Tensor, full_matrices: builtins.bool = True, *, driver: Any = None) -> LinalgSvd:
    """``(U, S, Vh)`` with ``A = U diag(S) Vh`` for each matrix of ``A`` (..., m, n), as
    ``torch.linalg.svd``: S descending, U (..., m, m) and Vh (..., n, n) when
    ``full_matrices`` (the default), (..., m, k) and (..., k, n) with k = min(m, n) when not.

    The signs of singular vectors are LAPACK's (through NumPy) and may differ from PyTorch's:
    compare ``U diag(S) Vh`` or sign-invariant functions. Gradients as PyTorch's: defined for
    distinct singular values (repeated ones divide by zero: inf/nan, as PyTorch); with
    ``full_matrices`` and m != n the extra columns of U or Vh get no gradient (PyTorch drops
    it too). ``driver`` is accepted for PyTorch's signature (CUDA only there) and ignored.
    """
    A = _tensor(A, "linalg_svd")
    _check(A, "linalg.svd")
    refuse_half(A._data, "linalg.svd")
    op = SVD(bool(full_matrices))
    packed = apply(op, A)
    u, s, v = _split(packed, A._data.shape[-2])
    vh = v.mT
    if op.extra is not None:
        u_extra, vh_extra = op.extra
        u = apply(Concat(-1), u, as_tensor(u_extra)) if u_extra.shape[-1] else u
        vh = apply(Concat(-2), vh, as_tensor(vh_extra)) if vh_extra.shape[-2] else vh
    return LinalgSvd(u, s, vh)


def svdvals(A: Tensor, *, driver: Any = None) -> Tensor:
    """The singular values of each matrix of ``A``, descending (``torch.linalg.svdvals``);
    gradient U diag(grad) Vh, finite where singular values repeat."""
    A = _tensor(A, "linalg_svdvals")
    _check(A, "linalg.svd")
    return labelled(svd(A, False).S, "LinalgSvdBackward0", A)  # (PyTorch's one node)


def _tolerance(S: np.ndarray, shape: tuple[int, ...], atol: Any, rtol: Any) -> np.ndarray:
    """PyTorch's threshold for "nonzero" singular values: max(atol, rtol * S_max), rtol
    eps * max(m, n) when neither is given (0 when only a positive atol is)."""
    eps = np.finfo(S.dtype).eps * max(shape[-2:])
    a = np.asarray(0.0 if atol is None else _data(atol), dtype=S.dtype)
    if rtol is None:
        r = np.where(a > 0, 0.0, eps) if atol is not None else np.asarray(eps)
    else:
        r = np.asarray(_data(rtol), dtype=S.dtype)
    return np.maximum(a[..., None], r[..., None] * S[..., :1])


def _hermitian_part(A: Tensor) -> Tensor:
    """The symmetric matrix of ``A``'s lower triangle (what ``hermitian=True`` reads, as
    PyTorch's eigh with UPLO='L')."""
    return A.tril() + A.tril(-1).mT


def matrix_rank(
    A: Tensor,
    *,
    atol: Any = None,
    rtol: Any = None,
    hermitian: builtins.bool = False,
) -> Tensor:
    """The number of singular values of each matrix of ``A`` above max(atol, rtol * S_max),
    as ``torch.linalg.matrix_rank`` (int64; no gradient). ``rtol`` defaults to
    eps * max(m, n), or 0 when only a positive ``atol`` is given; ``hermitian`` reads only the
    lower triangle."""
    A = _tensor(A, "linalg_matrix_rank")
    if A._data.ndim >= 2:
        _float_or_double(A._data, "matrix_rank")
    _check(A, "torch.linalg.matrix_rank", "input")
    a = A._data
    if hermitian:
        a = np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2)
    s = svd_array(a, compute_uv=False)
    tol = _tolerance(s, a.shape, atol, rtol)
    return as_tensor((s > tol).sum(-1).astype(np.int64))


def pinv(
    A: Tensor,
    *,
    atol: Any = None,
    rtol: Any = None,
    hermitian: builtins.bool = False,
) -> Tensor:
    """The pseudoinverse of each matrix of ``A``, as ``torch.linalg.pinv``:
    ``Vh^T diag(1/S) U^T`` over the singular values above max(atol, rtol * S_max) (the others
    count as 0; defaults as ``matrix_rank``). A composition of ``svd``: its gradient is that
    of the SVD (PyTorch's values; at distinct singular values). ``hermitian`` reads only the
    lower triangle."""
    A = _tensor(A, "linalg_pinv")
    a = A._data
    if a.ndim < 2 or a.dtype.kind not in "fc" or a.dtype == np.float16:
        dims = ", ".join(map(str, a.shape))
        raise RuntimeError(
            f"linalg.pinv({torch_name(a.dtype)}{{[{dims}]}}): expected a tensor with 2 or more "
            "dimensions of float, double, cfloat or cdouble types"
        )
    _check(A, "linalg.pinv")
    U, S, Vh = svd(_hermitian_part(A) if hermitian else A, False)
    keep = S._data > _tolerance(S._data, a.shape, atol, rtol)
    # (1/S only where kept: a zero singular value would put inf * 0 = nan in the gradient)
    inv_s = where(keep, 1 / where(keep, S, 1.0), 0.0)
    return (Vh.mT * inv_s.unsqueeze(-2)) @ U.mT


def legacy_svd(
    input: Tensor,
    some: builtins.bool = True,
    compute_uv: builtins.bool = True,
    offset: int = 1,
) -> Any:
    """``(U, S, V)`` with ``input = U diag(S) V^T``: PyTorch's legacy ``torch.svd`` (and
    ``Tensor.svd``), over ``linalg.svd(input, full_matrices=not some)`` with V = Vh^T.

    ``some=True`` (the default) gives the thin factors, U (..., m, k) and V (..., n, k) with
    k = min(m, n); ``some=False`` the full ones, (..., m, m) and (..., n, n).
    ``compute_uv=False`` gives U and V zero-filled, (..., m, m) and (..., n, n) whatever
    ``some``, and not differentiable, as PyTorch's; S still is (its gradient is svdvals').
    ``offset`` shifts the positions the argument errors name (0 for the Tensor method).
    """
    fn = "svd"
    if offset:
        input = _tensor(input, fn, "input")
    some = _bool_arg(some, fn, "some", offset + 1)
    compute_uv = _bool_arg(compute_uv, fn, "compute_uv", offset + 2)
    a = input._data
    if a.ndim < 2:
        raise RuntimeError(
            f"linalg.svd: input should have at least 2 dimensions, but has {a.ndim} dimensions "
            "instead"
        )
    _check(input, "linalg.svd")
    refuse_half(input._data, "linalg.svd")
    if compute_uv:
        U, S, Vh = svd(input, not some)
        return LinalgResults.svd(U, S, Vh.mT)
    m, n = a.shape[-2:]
    zeros = np.zeros((*a.shape[:-2], m, m), dtype=a.dtype)
    S = svd(input, False).S
    V = np.zeros((*a.shape[:-2], n, n), dtype=a.dtype)
    return LinalgResults.svd(as_tensor(zeros), S, as_tensor(V))


def pinverse(input: Tensor, rcond: float = 1e-15, offset: int = 1) -> Tensor:
    """The pseudoinverse of each matrix of ``input``: PyTorch's legacy ``torch.pinverse``
    (and ``Tensor.pinverse``), ``linalg.pinv(input, atol=0, rtol=rcond)``: the singular values
    at or below ``rcond * S_max`` count as 0 (a negative ``rcond`` keeps every nonzero one).
    ``offset`` shifts the positions the argument errors name (0 for the Tensor method)."""
    if offset:
        input = _tensor(input, "pinverse", "input")
    rtol = _float_arg(rcond, "pinverse", "rcond", offset + 1)
    return pinv(input, atol=0.0, rtol=rtol)


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A: Tensor, B: Tensor, rcond: Any = None, *, driver: Any = None) -> LinalgLstsq:
    """The least-squares solution X of ``A X = B`` for each matrix of ``A`` (..., m, n), as
    ``torch.linalg.lstsq`` on the CPU: the minimum-norm solution ``pinv(A) B`` (the rank
    decided by ``rcond``, default eps * max(m, n)); its gradient comes from ``pinv``'s, as
    PyTorch's does. ``B`` is (..., m, k), or (..., m) for one right-hand side.

    The fields PyTorch fills depend on ``driver``: 'gelsy' (the default) gives the rank;
    'gelsd' and 'gelss' the rank and the singular values; the residuals (squared norms of
    the columns of ``A X - B``, differentiable) come for every driver but 'gelsy' when
    m > n and each matrix has full rank. Fields not filled are empty tensors, as PyTorch's.
    """
    A, B = _tensor(A, "linalg_lstsq", "input"), _tensor(B, "linalg_lstsq", "b", 2)
    a, b = A._data, B._data
    if a.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    _float_or_double(a, "lstsq")
    if a.dtype != b.dtype:
        raise RuntimeError(
            "torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
            f"input's dtype {torch_name(a.dtype)} and other's dtype {torch_name(b.dtype)}"
        )
    if not 0 <= a.ndim - b.ndim <= 1:
        raise RuntimeError(
            "torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
            "(input.dim() - other.dim()) <= 1"
        )
    vector = a.ndim - b.ndim == 1
    rows = b.shape[-1] if vector else b.shape[-2]
    if rows != a.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    name = "gelsy" if driver is None else driver
    if name not in _DRIVERS:
        raise RuntimeError(
            "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"
        )
    _check(A, "torch.linalg.lstsq", "input")
    m, n = a.shape[-2:]
    eps = np.finfo(a.dtype).eps * max(m, n)
    rtol = eps if rcond is None or rcond < 0 else float(rcond)  # (LAPACK: negative is eps)
    Bm = B.unsqueeze(-1) if vector else B
    X = pinv(A, rtol=rtol) @ Bm
    empty = as_tensor(np.zeros(0, dtype=a.dtype))
    rank = s = empty
    if name != "gels":
        rank = matrix_rank(A, rtol=rtol)
    if name in ("gelsd", "gelss"):
        s = as_tensor(svd_array(a, compute_uv=False))
    residuals = empty
    if name != "gelsy" and m > n:
        full = (rank._data == n).all() if name != "gels" else True
        if full:
            residuals = ((A @ X - Bm) ** 2).sum(-2)
    if name == "gels":
        rank = as_tensor(np.zeros(0, dtype=np.int64))
    return LinalgLstsq(X.squeeze(-1) if vector else X, residuals, rank, s)
