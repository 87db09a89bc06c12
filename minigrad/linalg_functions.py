"""PyTorch's top-level functions of linear algebra and distances: ``inverse``, ``det``,
``slogdet``, the legacy ``svd`` and ``pinverse``, ``cumprod``, ``cdist``, ``pdist``,
``cosine_similarity``, ``pairwise_distance``, and ``nn.functional.normalize``.

Each is a composition of Tensor methods (``vector_norm``, ``clamp_min``, division, ``sum``), so
its gradient comes from theirs; ``inverse``, ``det``, ``slogdet`` and ``cumprod`` call the
methods of ``linalg_methods.py``.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from .dtypes import torch_name
from .functions import broadcast_tensors
from .linalg import vector_norm
from .linalg_methods import LinalgResults
from .linalg_svd import legacy_svd
from .linalg_svd import pinverse as _pinverse
from .node_surface import labelled
from .tensor import Tensor

__all__ = [
    "cdist",
    "cosine_similarity",
    "cumprod",
    "det",
    "inverse",
    "normalize",
    "pairwise_distance",
    "pdist",
    "pinverse",
    "slogdet",
    "svd",
]


def _tensor(x: Any, fn: str, name: str = "input", position: builtins.int = 1) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
            f"{type(x).__name__}"
        )
    return x


def inverse(input: Tensor) -> Tensor:
    """The inverse of each square matrix (``torch.inverse``, the older name of
    ``torch.linalg.inv``)."""
    return _tensor(input, "inverse").inverse()


def det(input: Tensor) -> Tensor:
    """The determinant of each square matrix (``torch.det``, as ``torch.linalg.det``)."""
    return _tensor(input, "det").det()


def svd(input: Tensor, some: builtins.bool = True, compute_uv: builtins.bool = True) -> Any:
    """``(U, S, V)`` with ``input = U diag(S) V^T`` for each matrix (PyTorch's legacy
    ``torch.svd``; ``torch.linalg.svd`` is the modern form, which returns Vh and whose
    ``full_matrices`` is ``not some``).

    Args:
        input: (..., m, n), float32 or float64.
        some: the thin factors, U (..., m, k) and V (..., n, k) with k = min(m, n) (the
            default); False for the full U (..., m, m) and V (..., n, n).
        compute_uv: False for S alone, with U and V zero-filled (..., m, m) and (..., n, n)
            tensors that carry no gradient, as PyTorch's (S does).

    Returns:
        The named tuple ``(U, S, V)`` (``torch.return_types.svd``). Gradients come from
        ``linalg.svd``'s rule.
    """
    return legacy_svd(input, some, compute_uv)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """The pseudoinverse of each matrix (PyTorch's legacy ``torch.pinverse``): as
    ``linalg.pinv(input, atol=0, rtol=rcond)``, singular values at or below ``rcond * S_max``
    counting as 0; differentiable through ``linalg.svd``'s rule."""
    return _pinverse(input, rcond)


def slogdet(input: Tensor) -> Any:
    """``(sign, logabsdet)`` of each determinant (``torch.slogdet``)."""
    return _tensor(input, "slogdet")._slogdet("linalg.slogdet", LinalgResults.slogdet)


def cumprod(input: Tensor, dim: builtins.int, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim`` (``torch.cumprod``), exact gradient at zeros."""
    return _tensor(input, "cumprod").cumprod(dim, dtype=dtype)


def _as_float(x: Tensor, dtype: np.dtype) -> Tensor:
    return x if x._data.dtype == dtype else x.to(dtype)


def _common_float(x1: Tensor, x2: Tensor, fn: str) -> tuple[Tensor, Tensor]:
    """Both inputs in their common dtype, which must be a float one (PyTorch's rule)."""
    common = np.result_type(x1._data.dtype, x2._data.dtype)
    if common.kind not in "fc":
        raise RuntimeError(
            f"expected common dtype to be floating point, yet common dtype is "
            f"{torch_name(common)} (in {fn}(); convert first, e.g. x1.float())"
        )
    return _as_float(x1, common), _as_float(x2, common)


def normalize(
    input: Tensor, p: float = 2.0, dim: builtins.int = 1, eps: float = 1e-12, out: Any = None
) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim`` (``nn.functional.normalize``): unit
    vectors, a zero vector stays zero (with gradient 1 / eps there, as PyTorch)."""
    if out is not None:
        raise TypeError("normalize(): out= is not supported in minigrad; assign the result")
    x = _tensor(input, "normalize")
    return x / vector_norm(x, p, dim, keepdim=True).clamp_min(eps)


def _clamped_norm(x: Tensor, dim: builtins.int, eps: float) -> Tensor:
    """||x|| along ``dim`` (kept), its value clamped to at least ``eps`` but its gradient the
    unclamped norm's: PyTorch clamps in place without recording it."""
    n = vector_norm(x, 2, dim, keepdim=True)
    raw = n.detach()
    return n + (raw.clamp_min(eps) - raw)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: builtins.int = 1, eps: float = 1e-8) -> Tensor:
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim``, broadcast against each
    other (``torch.cosine_similarity``, ``nn.functional.cosine_similarity``).

    PyTorch's formula: ``sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps))``, each norm
    clamped separately; 0 for a zero vector, with a finite gradient there.
    """
    x1 = _tensor(x1, "cosine_similarity", "x1")
    x2 = _tensor(x2, "cosine_similarity", "x2", 2)
    x1, x2 = _common_float(x1, x2, "cosine_similarity")
    x1, x2 = broadcast_tensors(x1, x2)
    return ((x1 / _clamped_norm(x1, dim, eps)) * (x2 / _clamped_norm(x2, dim, eps))).sum(dim)


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: builtins.bool = False
) -> Tensor:
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dimension
    (``torch.pairwise_distance``, ``nn.functional.pairwise_distance``); ``eps`` keeps the
    gradient finite where the two are equal, as PyTorch's."""
    x1 = _tensor(x1, "pairwise_distance", "x1")
    x2 = _tensor(x2, "pairwise_distance", "x2", 2)
    d = x1 - x2
    diff = labelled(d + eps, "AddBackward1", d)  # (PyTorch's: the add of a Scalar, and norm)
    if diff._data.dtype.kind not in "fc":
        diff = diff.float()
    norm = vector_norm(diff, p, max(x1.ndim, x2.ndim) - 1, keepdim)
    return labelled(norm, "NormBackward1", diff)


def cdist(
    x1: Tensor,
    x2: Tensor,
    p: float = 2.0,
    compute_mode: str = "use_mm_for_euclid_dist_if_necessary",
) -> Tensor:
    """The ``p``-norm distance between each row of ``x1`` (``(..., P, M)``) and each row of
    ``x2`` (``(..., R, M)``): shape ``(..., P, R)``, batch dims broadcast (``torch.cdist``);
    gradient 0 where a distance is 0, as PyTorch's.

    Computed directly (``compute_mode`` is accepted and ignored: PyTorch's matrix-product
    shortcut for p=2 is faster on large inputs but less accurate).
    """
    x1 = _tensor(x1, "cdist", "x1")
    x2 = _tensor(x2, "cdist", "x2", 2)
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    for name, x in (("X1", x1), ("X2", x2)):
        if x._data.dtype.kind != "f":
            raise RuntimeError(
                f"cdist only supports floating-point dtypes, {name} got: "
                f"{torch_name(x._data.dtype)}"
            )
    if not p >= 0:
        raise RuntimeError("cdist only supports non-negative p values")
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)  # (..., P, R, M)
    return labelled(_distance(diff, p), "CdistBackward0", x1, x2)


def _distance(diff: Tensor, p: float) -> Tensor:
    """The ``p``-norm of ``diff`` over its last dim, with the gradient of PyTorch's ``cdist``
    and ``pdist``: for p = inf, each coordinate tied for the largest ``|diff|`` gets the whole
    gradient (``vector_norm`` splits it among them, as ``torch.linalg.vector_norm`` does)."""
    if p != math.inf:
        return vector_norm(diff, p, -1)
    if diff.shape[-1] == 0:  # no coordinates: distance 0, as PyTorch (amax has no identity)
        return diff.sum(-1)
    d = diff.abs()
    top = d.detach().amax(-1, keepdim=True)
    # The value is the detached max; the gradient flows through |diff| at every tied maximum.
    return top.squeeze(-1) + ((d - d.detach()) * (d.detach() == top)).sum(-1)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The ``p``-norm distance between every pair of rows of an ``(N, M)`` input: shape
    ``(N * (N - 1) / 2,)``, the upper triangle of ``cdist(input, input, p)`` without its
    diagonal, row by row (``torch.pdist``, ``nn.functional.pdist``).

    ``p`` is in ``[0, inf]`` (0 counts the differing coordinates). The gradient is
    ``vector_norm``'s, so it is 0 where two rows are equal (not nan), as PyTorch's.

    Raises:
        RuntimeError: for an input that is not 2-D or not floating point, or a negative
            ``p``, in PyTorch's words.
    """
    x = _tensor(input, "pdist")
    if isinstance(p, str) or not isinstance(p, int | float | np.integer | np.floating):
        raise TypeError(f"pdist(): argument 'p' must be float, not {type(p).__name__}")
    if x.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.ndim}D")
    if x._data.dtype.kind != "f":
        raise RuntimeError(
            "pdist only supports floating-point dtypes (convert first, e.g. input.float())"
        )
    if not p >= 0:
        raise RuntimeError("pdist only supports non-negative p values")
    i, j = np.triu_indices(x.shape[0], 1)
    return _distance(x[i] - x[j], float(p))
