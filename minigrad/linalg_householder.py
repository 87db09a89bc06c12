"""Householder reflectors: ``linalg.householder_product`` (PyTorch's, LAPACK's ``orgqr``)
composed of Tensor ops, so its gradient, and the gradient of that, come for free; and
``geqrf_array``, LAPACK's compact QR (``torch.geqrf``), on arrays only (no gradient, as
PyTorch's)."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .creation import eye
from .dtypes import not_implemented_for, torch_name
from .tensor import Tensor

__all__ = ["geqrf_array", "householder_product"]

_FN = "torch.linalg.householder_product"


def _tensor(x: Any, name: str, position: builtins.int) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"linalg_householder_product(): argument '{name}' (position {position}) must be "
            f"Tensor, not {type(x).__name__}"
        )
    return x


def _check(A: Tensor, tau: Tensor) -> None:
    """PyTorch's refusals, in its order and words."""
    if A.ndim < 2:
        raise RuntimeError(f"{_FN}: input must have at least 2 dimensions.")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(
            f"{_FN}: input.shape[-2] must be greater than or equal to input.shape[-1]"
        )
    if tau.ndim == 0 or A.shape[-1] < tau.shape[-1]:
        raise RuntimeError(f"{_FN}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    if A.ndim - tau.ndim != 1:
        raise RuntimeError(
            f"{_FN}: Expected tau to have one dimension less than input, but got tau.ndim "
            f"equal to {tau.ndim} and input.ndim is equal to {A.ndim}"
        )
    if tuple(tau.shape[:-1]) != tuple(A.shape[:-2]):
        raise RuntimeError(
            f"{_FN}: Expected batch dimensions of tau to be equal to input.shape[:-2], but "
            f"got {list(tau.shape[:-1])}"
        )
    a, t = A._data.dtype, tau._data.dtype
    if a != t:
        raise RuntimeError(
            f"{_FN}: tau dtype {torch_name(t)} does not match input dtype {torch_name(a)}"
        )
    if a.kind != "f" or a == np.float16:
        raise not_implemented_for(
            "orgqr_cpu",
            a,
            "minigrad supports float32 and float64 here: convert first, e.g. input.double()",
        )


def householder_product(A: Tensor, tau: Tensor, *, out: Any = None) -> Tensor:
    r"""The first n columns of the product of k Householder reflectors, as
    ``torch.linalg.householder_product`` (LAPACK's ``orgqr``), batched over the leading dims.

    ``A`` (m x n, m >= n) holds the reflectors below its diagonal (its diagonal and upper
    triangle are not read) and ``tau`` (k <= n) their scales:
    ``Q = (H_1 H_2 ... H_k)[:, :n]``, ``H_i = I_m - tau_i v_i v_i^T`` with ``v_i`` the
    column i of A below the diagonal, a 1 at row i and zeros above. With ``geqrf``'s output
    it gives the Q of the QR decomposition.

    Computed as k rank-one updates of ``eye(m, n)``, every one a Tensor op: the gradient
    (to both ``A`` and ``tau``) and the gradient of the gradient follow from them.

    Raises:
        RuntimeError: in PyTorch's words, for fewer than 2 dims, m < n, more taus than
            columns, mismatched batch dims or dtypes.
        NotImplementedError: for an integer ``A``, as PyTorch.
    """
    if out is not None:
        raise TypeError(
            "linalg.householder_product(): out= is not supported in minigrad; assign the result"
        )
    A = _tensor(A, "input", 1)
    tau = _tensor(tau, "tau", 2)
    _check(A, tau)
    m, n = A.shape[-2], A.shape[-1]
    k = tau.shape[-1]
    ident = eye(m, n, dtype=A.dtype)
    reflectors = A.tril(-1) + ident  # v_i in column i: unit diagonal, zeros above
    q = ident.expand(A.shape)
    # H_1 (H_2 (... (H_k I))): each H_i touches q only through v_i^T q, a row.
    for i in reversed(range(k)):
        v = reflectors[..., :, i : i + 1]
        scale = tau[..., i : i + 1].unsqueeze(-1)
        q = q - v @ (scale * (v.mT @ q))
    return q


def geqrf_array(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LAPACK's ``geqrf`` of each matrix of ``a`` (m x n), as ``torch.geqrf``: R on and above
    the diagonal, the Householder reflectors below it, and their scales ``tau``
    (min(m, n) of them). NumPy's ``qr(mode="raw")`` is that call, its matrix transposed."""
    h, tau = np.linalg.qr(a, mode="raw")
    return np.ascontiguousarray(np.swapaxes(h, -1, -2)), tau
