"""PyTorch top-level names that older code and tutorials still use: the deprecated
``cholesky`` and ``qr`` (which defer to ``minigrad.linalg``), ``logdet``, ``msort``,
``isreal``, ``is_complex``, ``narrow_copy``, ``gradient`` (finite differences), ``frombuffer``
and ``poisson``.

Each is composed of existing ops (``linalg``, ``slogdet``, ``sort``, slicing and arithmetic), so
gradients of any order come from those ops' rules; ``frombuffer`` and ``poisson`` record
nothing.
"""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .dims import wrap_dim
from .dtypes import default_float, not_implemented_for, to_dtype
from .engine import Op
from .functions import cat
from .gap_methods import tensor_argument
from .more_ops import zeros_like
from .older_names import (
    CHOLESKY_DEPRECATED,
    QR_DEPRECATED,
    TRIANGULAR_SOLVE_DEPRECATED,
    QRResult,
    TriangularSolveResult,
    cholesky_inverse_of,
    cholesky_of,
    cholesky_solve_of,
    logdet_of,
    qr_of,
    triangular_solve_of,
)
from .random import GeneratorLike, as_generator
from .tensor import Tensor, _new_tensor, apply, as_tensor

__all__ = [
    "cholesky",
    "cholesky_inverse",
    "cholesky_solve",
    "frombuffer",
    "gradient",
    "is_complex",
    "isreal",
    "logdet",
    "msort",
    "narrow_copy",
    "poisson",
    "qr",
    "triangular_solve",
]


def _no_out(out: Any, fn: str) -> None:
    if out is not None:
        raise TypeError(f"{fn}(): out= is not supported in minigrad; assign the result")


def cholesky(input: Any, upper: builtins.bool = False, *, out: Any = None) -> Tensor:
    """``torch.cholesky`` (deprecated, with PyTorch's warning): ``linalg.cholesky(input)``,
    or with ``upper`` its transpose ``U`` (``A = U^T U``), read from the upper triangle."""
    _no_out(out, "cholesky")
    warnings.warn(CHOLESKY_DEPRECATED, UserWarning, stacklevel=2)
    return cholesky_of(input, upper)


def qr(input: Any, some: builtins.bool = True, *, out: Any = None) -> QRResult:
    """``torch.qr`` (deprecated, with PyTorch's warning): ``linalg.qr(input, "reduced")``, or
    ``"complete"`` when ``some`` is False; returns ``(Q, R)``."""
    _no_out(out, "qr")
    warnings.warn(QR_DEPRECATED, UserWarning, stacklevel=2)
    return qr_of(input, some)


def triangular_solve(
    b: Any,
    A: Any,
    upper: builtins.bool = True,
    transpose: builtins.bool = False,
    unitriangular: builtins.bool = False,
    *,
    out: Any = None,
) -> TriangularSolveResult:
    """``torch.triangular_solve`` (deprecated, with PyTorch's warning): ``(solution,
    cloned_coefficient)``, X with ``op(A) X = b`` (``op(A)`` A's upper triangle, or lower
    with ``upper=False``, transposed when ``transpose``, with ones on its diagonal when
    ``unitriangular``) and a copy of A; ``linalg.solve_triangular(A, b, upper=upper)`` is the
    modern form. Differentiable to any order in both.

    Raises:
        LinAlgError: for a zero on the diagonal read (PyTorch returns inf and nan there).
    """
    _no_out(out, "triangular_solve")
    warnings.warn(TRIANGULAR_SOLVE_DEPRECATED, UserWarning, stacklevel=2)
    tensor_argument(b, "triangular_solve", "input", 1)
    tensor_argument(A, "triangular_solve", "A", 2)
    return triangular_solve_of(b, A, upper, transpose, unitriangular)


def cholesky_solve(
    input: Any, input2: Any, upper: builtins.bool = False, *, out: Any = None
) -> Tensor:
    """X with ``A X = input`` given the Cholesky factor ``input2`` of A (lower, ``A = L L^T``;
    upper, ``A = U^T U``, when ``upper``), as ``torch.cholesky_solve``: only that triangle is
    read, and the gradient to the factor is PyTorch's (that of ``(L L^T)^-1 B`` in every
    element of ``input2``)."""
    _no_out(out, "cholesky_solve")
    tensor_argument(input, "cholesky_solve", "input", 1)
    tensor_argument(input2, "cholesky_solve", "input2", 2)
    return cholesky_solve_of(input, input2, upper)


def cholesky_inverse(input: Any, upper: builtins.bool = False, *, out: Any = None) -> Tensor:
    """The inverse of ``A = L L^T`` (``U^T U`` when ``upper``) from its Cholesky factor
    ``input``, as ``torch.cholesky_inverse`` (only the factor's triangle is read; the gradient
    is PyTorch's, in every element of ``input``).

    Raises:
        LinAlgError: for a zero on the factor's diagonal, in PyTorch's words.
    """
    _no_out(out, "cholesky_inverse")
    tensor_argument(input, "cholesky_inverse", "input", 1)
    return cholesky_inverse_of(input, upper)


def logdet(input: Any) -> Tensor:
    """The log of each determinant (``torch.logdet``): nan for a negative determinant, -inf
    for 0. ``logabsdet + log(sign)`` of ``slogdet`` (the sign is a constant), so the
    gradient is ``inv(A)^T`` as PyTorch's."""
    return logdet_of(as_tensor(input))


def msort(input: Any, *, out: Any = None) -> Tensor:
    """``input`` sorted along its first dimension (``torch.msort``: ``sort(input, 0)[0]``)."""
    _no_out(out, "msort")
    return as_tensor(input).msort()


def isreal(input: Any) -> Tensor:
    """Which elements are real (bool): all of a real tensor, those of imaginary part 0 of a
    complex one."""
    return as_tensor(input).isreal()


def is_complex(input: Any) -> builtins.bool:
    """Whether ``input``'s dtype is complex (``torch.is_complex``)."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"is_complex(): argument 'input' (position 1) must be Tensor, not "
            f"{type(input).__name__}"
        )
    return input.is_complex()


def narrow_copy(input: Any, dim: int, start: int, length: int, *, out: Any = None) -> Tensor:
    """``narrow`` that returns a copy, not a view (``torch.narrow_copy``)."""
    _no_out(out, "narrow_copy")
    return as_tensor(input).narrow_copy(dim, start, length)


# ---------------------------------------------------------------------------------------------
# torch.gradient: central differences inside, one-sided ones of order 1 or 2 at the edges


def _spacings(x: Tensor, spacing: Any, dims: list[int], given_dim: bool) -> list[Any]:
    """One spacing per differentiated dim: a float, or a 1-D array of coordinates."""
    if isinstance(spacing, Tensor) and spacing.ndim == 0:
        spacing = spacing.item()
    if isinstance(spacing, int | float) and not isinstance(spacing, builtins.bool):
        return [float(spacing)] * len(dims)
    if not isinstance(spacing, Sequence):
        raise TypeError(
            "gradient(): spacing must be a number, or a list of numbers or of 1-D tensors, "
            f"not {type(spacing).__name__}"
        )
    if len(spacing) != len(dims):
        where = (
            f"equal to 'len(dim) = {len(dims)}'"
            if given_dim
            else f"equal to 'self.dim() = {x.ndim}', since dim argument was not given"
        )
        raise RuntimeError(
            "torch.gradient expected spacing to be unspecified, a scalar, or a list of length "
            f"{where}, but got a list of length {len(spacing)}"
        )
    out: list[Any] = []
    for s, d in zip(spacing, dims):
        if isinstance(s, Tensor) and s.ndim == 0:
            s = s.item()
        if isinstance(s, Tensor):
            c = s._data.astype(np.float64)
            if c.ndim != 1 or c.shape[0] != x.shape[d]:
                raise RuntimeError(
                    f"torch.gradient expected each tensor to be on the same device and to be "
                    f"1-D of the size of its dimension: dim {d} has size {x.shape[d]}, its "
                    f"coordinates have shape {list(c.shape)}"
                )
            out.append(c)
        else:
            out.append(float(s))
    return out


def _along(x: Tensor, d: int, lo: int, hi: int) -> Tensor:
    """``x[lo:hi]`` along dim ``d`` (``hi`` may be negative, as in a slice)."""
    n = x.shape[d]
    lo, hi = (lo if lo >= 0 else n + lo), (hi if hi > 0 else n + hi)
    return x.narrow(d, lo, hi - lo)


def _coef(c: np.ndarray, d: int, nd: int, dtype: np.dtype) -> Tensor:
    """A constant of coefficients shaped to broadcast along dim ``d``."""
    shape = [1] * nd
    shape[d] = c.shape[0]
    return _new_tensor(c.reshape(shape).astype(dtype), None)


def _one_gradient(x: Tensor, d: int, h: Any, edge_order: int) -> Tensor:
    """The derivative along ``d`` for spacing ``h`` (a float or coordinates), NumPy's and
    PyTorch's formulas: second-order central differences inside, one-sided differences of
    order ``edge_order`` at the two ends."""
    nd, dt = x.ndim, x._data.dtype
    f0, f1, g1, g2 = (
        _along(x, d, 0, 1),
        _along(x, d, 1, 2),
        _along(x, d, -1, 0),
        _along(x, d, -2, -1),
    )
    if isinstance(h, float):
        inner = (_along(x, d, 2, 0) - _along(x, d, 0, -2)) / (2 * h)
        if edge_order == 1:
            first, last = (f1 - f0) / h, (g1 - g2) / h
        else:
            f2, g3 = _along(x, d, 2, 3), _along(x, d, -3, -2)
            first = (f0 * -1.5 + f1 * 2.0 - f2 * 0.5) / h
            last = (g3 * 0.5 - g2 * 2.0 + g1 * 1.5) / h
        return cat([first, inner, last], d)
    dx = np.diff(h)
    a1, a2 = dx[:-1], dx[1:]
    inner = (
        _along(x, d, 0, -2) * _coef(-a2 / (a1 * (a1 + a2)), d, nd, dt)
        + _along(x, d, 1, -1) * _coef((a2 - a1) / (a1 * a2), d, nd, dt)
        + _along(x, d, 2, 0) * _coef(a1 / (a2 * (a1 + a2)), d, nd, dt)
    )
    if edge_order == 1:
        first, last = (f1 - f0) / float(dx[0]), (g1 - g2) / float(dx[-1])
    else:
        f2, g3 = _along(x, d, 2, 3), _along(x, d, -3, -2)
        p, q = float(dx[0]), float(dx[1])
        first = (
            f0 * (-(2 * p + q) / (p * (p + q)))
            + f1 * ((p + q) / (p * q))
            - f2 * (p / (q * (p + q)))
        )
        p, q = float(dx[-2]), float(dx[-1])
        last = (
            g3 * (q / (p * (p + q))) - g2 * ((p + q) / (p * q)) + g1 * ((2 * q + p) / (q * (p + q)))
        )
    return cat([first, inner, last], d)


def gradient(
    input: Any, *, spacing: Any = 1, dim: Any = None, edge_order: int = 1
) -> tuple[Tensor, ...]:
    """The derivative of ``input`` along each of ``dim`` (all dims when None), estimated by
    finite differences, as ``torch.gradient``: one tensor per dim, of input's shape.

    Args:
        input: the samples (integers are differentiated in the default float).
        spacing: the distance between samples: a number for every dim, a list with a number
            or a 1-D tensor of coordinates per dim (the coordinates are constants: no gradient
            reaches them).
        dim: an int or a list of ints.
        edge_order: 1 or 2, the order of the one-sided differences at the ends.

    Raises:
        RuntimeError: for ``edge_order`` other than 1 or 2, a dim shorter than
            ``edge_order + 1``, or a spacing list of the wrong length.
    """
    x = as_tensor(input)
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if x.dtype.kind not in "fc":
        x = x.to(default_float())
    given_dim = dim is not None
    if dim is None:
        dims = list(range(x.ndim))
    else:
        raw = [dim] if isinstance(dim, int) else list(dim)
        dims = [wrap_dim(d, x.ndim, "gradient", x.shape) for d in raw]
        for i, d in enumerate(dims):
            if d in dims[:i]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    for d in dims:
        if x.shape[d] < edge_order + 1:
            raise RuntimeError(
                "torch.gradient expected each dimension size to be at least edge_order+1"
            )
    hs = _spacings(x, spacing, dims, given_dim)
    return tuple(_one_gradient(x, d, h, edge_order) for d, h in zip(dims, hs))


# ---------------------------------------------------------------------------------------------
# Memory and random numbers


def frombuffer(
    buffer: Any,
    *,
    dtype: Any,
    count: int = -1,
    offset: int = 0,
    requires_grad: builtins.bool = False,
) -> Tensor:
    """A 1-D tensor over the bytes of an object of the buffer protocol (``bytearray``,
    ``memoryview``, ``array.array``...), sharing its memory as ``torch.frombuffer``: writes to
    one show in the other. A read-only buffer gives PyTorch's warning (writing to the tensor
    then fails in NumPy).

    Args:
        buffer: the object.
        dtype: the elements' dtype.
        count: how many elements (-1: all the bytes after ``offset``).
        offset: bytes to skip at the start.
        requires_grad: make the result a leaf that requires grad.
    """
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    dt = np.dtype(to_dtype(dtype))
    length, size = view.nbytes, dt.itemsize
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(
            f"offset ({offset} bytes) must be non-negative and no greater than buffer length "
            f"({length} bytes) minus 1"
        )
    if count < 0:
        if (length - offset) % size:
            raise ValueError(
                f"buffer length ({length - offset} bytes) after offset ({offset} bytes) must "
                f"be a multiple of element size ({size})"
            )
        count = (length - offset) // size
    elif offset + count * size > length:
        raise ValueError(
            f"requested buffer length ({count} * {size} bytes) after offset ({offset} bytes) "
            f"must not be greater than actual buffer length ({length} bytes)"
        )
    if view.readonly:
        warnings.warn(
            "The given buffer is not writable, and PyTorch does not support non-writable "
            "tensors. This means you can write to the underlying (supposedly non-writable) "
            "buffer using the tensor. You may want to copy the buffer to protect its data or "
            "make it writable before converting it to a tensor. This type of warning will be "
            "suppressed for the rest of this program.",
            UserWarning,
            stacklevel=2,
        )
    data = np.frombuffer(view.cast("B"), dtype=dt, count=count, offset=offset)
    t = _new_tensor(data, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


class Poisson(Op):
    """z = samples of Poisson(x), drawn before the op;  dz/dx = 0 (PyTorch's PoissonBackward0).

    A random op: the compiler has no template for it (a compiled step would replay one draw),
    so ``minigrad.compile`` refuses it, naming it.
    """

    __slots__ = ("samples",)
    torch_name = "PoissonBackward0"
    reads_inputs = False  # (the rule reads no values: a write into the rates is no error)

    def __init__(self, samples: np.ndarray) -> None:
        self.samples = samples

    def forward(self, x: Any) -> np.ndarray:
        return self.samples

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (zeros_like(grad),)


def poisson(input: Any, generator: GeneratorLike = None) -> Tensor:
    """Poisson samples of rate ``input`` (elementwise), in ``input``'s dtype (floating
    point); drawn from ``generator`` (a Generator, a NumPy one, a seed, or the default one).
    Recorded as PyTorch's ``PoissonBackward0`` when the rates require grad: the gradient it
    hands to them is 0."""
    x = as_tensor(input)
    if x.dtype.kind != "f":
        raise not_implemented_for("poisson_cpu", x.dtype)
    rates = x._data
    if np.any(rates < 0) or np.any(np.isnan(rates)):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    rng = as_generator(generator, "poisson()")
    return apply(Poisson(np.asarray(rng.poisson(rates)).astype(x.dtype)), x)
