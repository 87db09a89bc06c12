"""PyTorch's Tensor methods of linear algebra and running products: ``inverse``, ``det``,
``slogdet``, the legacy ``svd`` and ``pinverse``, ``cumprod``, and ``unfold`` (sliding windows).

``Tensor`` inherits these (through ``TensorSurface``). ``inverse``, ``det``, ``slogdet`` and
``cumprod`` make the ops of ``linalg_ops.py`` and ``more_ops.py``; ``svd`` and ``pinverse``
call ``linalg_svd.py``; ``unfold`` is an indexing (so its gradient adds up overlapping windows
by the indexing rule).
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from . import linalg_ops, more_ops, ops
from .dims import wrap_dim
from .dtypes import not_implemented_for, torch_name
from .engine import TensorMakers
from .node_surface import labelled
from .printing import return_type
from .validation import _one_dim, _with_dtype

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["LinalgMethods", "LinalgResults", "check_matrices"]


class LinalgResults:
    """The named tuples of these functions (as ``torch.return_types``)."""

    @return_type()
    class slogdet(NamedTuple):
        sign: Any
        logabsdet: Any

    @return_type()
    class linalg_slogdet(NamedTuple):
        sign: Any
        logabsdet: Any

    @return_type()
    class svd(NamedTuple):
        U: Any
        S: Any
        V: Any


# PyTorch's refusal of a float16 matrix, op by op (LAPACK has no half precision; NumPy's own
# refusal would be a bare TypeError): its kernel has no Half version, or (None) "Low precision
# dtypes not supported". Ops not listed (matrix_exp, matrix_power) compute in float16.
_HALF_KERNELS: dict[str, str | None] = {
    "linalg.inv": None,
    "linalg.inv_ex": None,
    "linalg.slogdet": None,
    "linalg.matrix_norm": None,
    "linalg.det": "lu_cpu",
    "linalg.solve": "lu_cpu",
    "linalg.cholesky": "cholesky_cpu",
    "linalg.qr": "geqrf_cpu",
    "linalg.eigh": "linalg_eigh_cpu",
    "linalg.svd": "linalg_svd_cpu",
}


def refuse_half(a: np.ndarray, name: str) -> None:
    """PyTorch's refusal of a float16 ``a`` by op ``name`` (``_HALF_KERNELS``), then the fix."""
    if a.dtype != np.float16 or name not in _HALF_KERNELS:
        return
    kernel, fix = _HALF_KERNELS[name], "convert first, e.g. A.float()"
    if kernel is None:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got Half ({fix})")
    raise not_implemented_for(kernel, np.float16, fix)


def check_matrices(t: Any, name: str) -> None:
    """PyTorch's checks of a (batch of) square matrices for ``name`` (``linalg.inv``): float
    (float16 refused where PyTorch's kernel refuses it), at least 2-D, square; each in its
    words."""
    a = t._data
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if a.dtype.kind not in "fc":
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            f"{torch_name(a.dtype)} (convert first, e.g. A.double())"
        )
    refuse_half(a, name)
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {a.shape[-2]} by "
            f"{a.shape[-1]} matrices"
        )


def vector_norm_of(x: Any, ord: float, dim: Any, keepdim: builtins.bool) -> Any:
    """The vector ``ord``-norm of ``x`` over ``dim`` (None: all elements; already checked),
    with PyTorch's gradients: 0 where the norm is 0, and at zero elements for fractional and
    negative ``ord``. What ``Tensor.norm(p)`` and ``linalg.vector_norm`` both compute; its
    node is PyTorch's ``LinalgVectorNormBackward0`` whatever ops compose it."""
    return labelled(_vector_norm(x, ord, dim, keepdim), "LinalgVectorNormBackward0", x)


def _vector_norm(x: Any, ord: float, dim: Any, keepdim: builtins.bool) -> Any:
    if ord == 2:
        return TensorMakers.apply(more_ops.Norm2(dim, keepdim), x)
    if ord == 1:
        return x.abs().sum(dim, keepdim=keepdim)
    if ord in (math.inf, -math.inf):
        a, over = x.abs(), (() if dim is None else dim)
        return a.amax(over, keepdim) if ord > 0 else a.amin(over, keepdim)
    if ord == 0:  # the count of nonzero elements (NaN too), whose gradient is 0 (sign's)
        return _where(x._data == 0, x.abs().sign(), 1.0).sum(dim, keepdim=keepdim)
    if ord < 0 and x._data.size == 0:
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
            "operation does not have an identity"
        )
    # (sum |x|^p)^(1/p): a zero element adds |0|^p (0, or inf for p < 0, which makes the norm
    # 0) with gradient 0, and a zero norm has gradient 0 (the plain formula gives nan there)
    p = float(ord)
    nonzero = x._data != 0
    a = _where(nonzero, x.abs(), 1.0) ** p
    s = _where(nonzero, a, 0.0 if p > 0 else math.inf).sum(dim, keepdim=keepdim)
    positive = s._data != 0
    return _where(positive, _where(positive, s, 1.0) ** (1 / p), 0.0)


def _where(cond: np.ndarray, x: Any, other: float) -> Any:
    """x where cond holds, else the number ``other`` (in x's dtype), recorded."""
    return TensorMakers.apply(ops.Where(cond), x, other)


def _int_arg(value: Any, name: str, position: builtins.int, fn: str) -> builtins.int:
    """An int argument, refused in PyTorch's words otherwise."""
    if isinstance(value, builtins.bool) or not isinstance(value, builtins.int | np.integer):
        try:
            return operator.index(value)
        except TypeError:
            raise TypeError(
                f"{fn}(): argument '{name}' (position {position}) must be int, not "
                f"{type(value).__name__}"
            ) from None
    return builtins.int(value)


class LinalgMethods:
    """Linear algebra and running products as Tensor methods."""

    __slots__ = ()

    def inverse(self: Any) -> Tensor:
        """The inverse of each square matrix (PyTorch's ``torch.inverse``, the older name of
        ``torch.linalg.inv``); a singular one raises ``LinAlgError``, as PyTorch."""
        check_matrices(self, "linalg.inv")
        return TensorMakers.apply(linalg_ops.Inverse(), self)

    def det(self: Any) -> Tensor:
        """The determinant of each square matrix (``torch.det``, as ``torch.linalg.det``)."""
        check_matrices(self, "linalg.det")
        return TensorMakers.apply(linalg_ops.Det(), self)

    def slogdet(self: Any) -> Any:
        """``(sign, logabsdet)`` of each square matrix's determinant: its sign (no gradient) and
        log of its absolute value, which stays finite where det itself would overflow."""
        return self._slogdet("linalg.slogdet", LinalgResults.slogdet)

    def _slogdet(self: Any, name: str, result: Any) -> Any:
        check_matrices(self, name)
        sign = TensorMakers.wrap(np.asarray(np.linalg.slogdet(self._data)[0]), None)
        return result(sign, TensorMakers.apply(linalg_ops.LogAbsDet(), self))

    def svd(self: Any, some: builtins.bool = True, compute_uv: builtins.bool = True) -> Any:
        """``(U, S, V)`` with ``self = U diag(S) V^T`` (PyTorch's legacy ``Tensor.svd``: V, not
        Vh; ``some=False`` for the full U and V; ``compute_uv=False`` for zero-filled ones).
        ``torch.linalg.svd`` is the modern form; see ``minigrad.svd``."""
        from .linalg_svd import legacy_svd  # (it builds on this module)

        return legacy_svd(self, some, compute_uv, 0)

    def pinverse(self: Any, rcond: float = 1e-15) -> Tensor:
        """The pseudoinverse of each matrix, singular values at or below ``rcond * S_max``
        counting as 0 (PyTorch's legacy ``Tensor.pinverse``, ``linalg.pinv(atol=0,
        rtol=rcond)``); see ``minigrad.pinverse``."""
        from .linalg_svd import pinverse

        return pinverse(self, rcond, 0)

    def matrix_exp(self: Any) -> Tensor:
        """The matrix exponential of each square matrix (``torch.linalg.matrix_exp``)."""
        from .linalg_factor import matrix_exp  # (it builds on this module)

        return matrix_exp(self)

    def matrix_power(self: Any, n: builtins.int) -> Tensor:
        """Each square matrix to the integer power ``n`` (``torch.linalg.matrix_power``)."""
        from .linalg_factor import matrix_power

        return matrix_power(self, n)

    def cumprod(self: Any, dim: builtins.int, *, dtype: Any = None) -> Tensor:
        """Running products along ``dim``, with PyTorch's exact gradient where elements are 0;
        integer and bool inputs give int64; ``dtype``: cast to it first."""
        if dtype is not None:
            return _with_dtype(self, dtype, "cumprod", lambda x: x.cumprod(dim))
        d = _one_dim(self, dim, "cumprod")
        if self._data.ndim == 0:
            flat = TensorMakers.apply(more_ops.Cumprod(0), self.reshape(1))
            return flat.reshape(())
        return TensorMakers.apply(more_ops.Cumprod(d), self)

    def unfold(self: Any, dimension: builtins.int, size: builtins.int, step: builtins.int) -> Any:
        """All windows of ``size`` elements along ``dimension``, ``step`` apart, as a new last
        dimension (PyTorch's ``Tensor.unfold``): shape ``(..., (n - size) // step + 1, ...,
        size)``. A read-only copy (PyTorch's is a view: a write into it reaches the tensor, so
        here it raises instead of missing it); windows that overlap add up their gradients."""
        size = _int_arg(size, "size", 2, "unfold")
        step = _int_arg(step, "step", 3, "unfold")
        a = self._data
        d = wrap_dim(dimension, a.ndim, "unfold", a.shape)
        length = a.shape[d] if a.ndim else 1
        if size > length:
            raise RuntimeError(
                f"maximum size for tensor at dimension {d} is {length} but size is {size}"
            )
        if step <= 0:
            raise RuntimeError(f"step is {step} but must be > 0")
        if size < 0:
            raise RuntimeError(f"size is {size} but must be >= 0")
        x = self.reshape(1) if a.ndim == 0 else self
        starts = np.arange(0, length - size + 1, step)
        index = starts[:, None] + np.arange(size)  # (windows, size)
        windows = x[(slice(None),) * d + (index,)]  # (..., windows, size, ...)
        windows._data.flags.writeable = False
        out = windows.movedim(d + 1, -1)
        return labelled(out.reshape(size) if a.ndim == 0 else out, "UnfoldBackward0", self)
