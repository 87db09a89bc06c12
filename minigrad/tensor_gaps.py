"""PyTorch's Tensor attributes whose meaning is plain for real CPU tensors (``real``, ``conj``,
``data_ptr``, ``apply_``, ``register_post_accumulate_grad_hook``...), and the error for the
rest: ``'Tensor' object has no attribute 'stft': minigrad's Tensor does not have
torch.Tensor.stft...``.

``Tensor`` inherits these (through ``surface.TensorSurface``, whose last base this is, so any
method defined elsewhere comes first). The error comes from an ``Absent`` descriptor per name
of ``torch.Tensor`` (``_torch_names.py``), not from a class ``__getattr__``: that hook would
slow every attribute read of every tensor (CPython no longer specialises them), hits included.
A name ``torch.Tensor`` lacks keeps Python's plain message, at Python's own speed.
"""

from __future__ import annotations

import builtins
import numbers
import operator
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ._missing import DOCS
from ._torch_names import TENSOR_ATTRIBUTES
from .engine import TensorMakers
from .hooks import HookHandle, register_post_accumulate
from .inplace import _inplace

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["HINTS", "Absent", "TensorGaps"]

_CPU = "minigrad computes on the CPU, with NumPy"
_DENSE = "tensors are dense NumPy arrays (there is no sparse layout)"
_MEMORY = "a tensor's memory is a NumPy array, which t.numpy() shares"
_COMPLEX = "complex tensors are not supported; keep real and imaginary parts as two tensors"

# What to use instead, for the names users reach for.
HINTS: dict[str, str] = {
    **{n: f"use minigrad.linalg.{n}" for n in ("lstsq", "eig", "householder_product")},
    "solve": "use minigrad.linalg.solve(A, B)",
    "lu": "use minigrad.linalg.lu_factor",
    "lu_solve": "use minigrad.linalg.lu_solve",
    "symeig": "use minigrad.linalg.eigh",
    "multinomial": "use minigrad.multinomial(t, num_samples)",
    "bernoulli": "use minigrad.bernoulli(t)",
    "stft": "there are no FFTs; use numpy.fft on t.numpy()",
    "istft": "there are no FFTs; use numpy.fft on t.numpy()",
    "bfloat16": "NumPy has no bfloat16; use float32 (the default) or float16",
    "volatile": "removed from PyTorch long ago; use minigrad.no_grad()",
    "reinforce": "removed from PyTorch long ago",
    **dict.fromkeys(
        "dequantize int_repr is_quantized q_per_channel_axis q_per_channel_scales "
        "q_per_channel_zero_points q_scale q_zero_point qscheme".split(),
        "there is no quantization",
    ),
    **dict.fromkeys(
        "ccol_indices coalesce col_indices crow_indices dense_dim indices is_coalesced "
        "is_sparse_csr resize_as_sparse_ row_indices smm sparse_dim sparse_mask sparse_resize_ "
        "sparse_resize_and_clear_ sspaddmm to_sparse_bsc to_sparse_bsr to_sparse_coo "
        "to_sparse_csc to_sparse_csr values".split(),
        _DENSE,
    ),
    **dict.fromkeys(
        "get_device ipu is_ipu is_maia is_meta is_mkldnn is_mps is_mtia is_vulkan is_xla is_xpu "
        "mtia record_stream to_mkldnn xpu".split(),
        _CPU,
    ),
    **dict.fromkeys(
        "as_strided as_strided_ as_strided_scatter resize resize_ resize_as resize_as_ set_ "
        "storage storage_type untyped_storage".split(),
        _MEMORY,
    ),
    **dict.fromkeys("angle cdouble cfloat chalf".split(), _COMPLEX),
}


class Absent:
    """A ``torch.Tensor`` attribute minigrad lacks: reading it (from a tensor or the class)
    raises an AttributeError that says so, with the hint of ``HINTS``; ``hasattr`` is False."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, t: Any, owner: type | None = None) -> Any:
        raise missing_tensor_attribute(owner if t is None else t, self.name)


def missing_tensor_attribute(t: Any, name: str) -> AttributeError:
    """The error for ``t.name``, a name of ``torch.Tensor`` that minigrad lacks (``t`` a
    tensor, or a Tensor class)."""
    if isinstance(t, type):
        plain = f"type object '{t.__name__}' has no attribute '{name}'"
    else:
        plain = f"'{type(t).__name__}' object has no attribute '{name}'"
    hint = HINTS.get(name)
    return AttributeError(
        f"{plain}: minigrad's Tensor does not have torch.Tensor.{name}"
        f'{"; " + hint if hint else ""}. See {DOCS} ("Coming from PyTorch") for what minigrad '
        "has and how it differs from PyTorch",
        name=name,
        obj=t,
    )


def _root(a: np.ndarray) -> np.ndarray:
    """The array that owns the memory ``a`` views (``a`` itself if it owns its memory)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _converter(dt: np.dtype) -> Callable[[Any], Any]:
    """How ``apply_``/``map_`` turn the callable's Python result into an element of ``dt``,
    as PyTorch does: a float truncated into an integer tensor, a non-number refused."""
    if dt.kind == "b":
        return builtins.bool
    if dt.kind in "iu":
        return lambda v: builtins.int(v) if isinstance(v, builtins.float) else operator.index(v)

    def real(v: Any) -> builtins.float:
        if not isinstance(v, numbers.Real):
            raise TypeError(f"must be real number, not {type(v).__name__}")
        return builtins.float(v)

    return real


def _no_grad_for(name: str, *ts: Any) -> None:
    if any(t.requires_grad for t in ts):
        raise RuntimeError(
            f"Can't call {name}() on Variable that requires grad. Use var.detach().{name}() "
            "instead."
        )


class TensorGaps:
    """The attributes above, for ``Tensor`` (which inherits them)."""

    __slots__ = ()

    # -- complex numbers: a real tensor is its own real part and conjugate -------------------

    @property
    def real(self: Any) -> Tensor:
        """The real part: the tensor itself (minigrad's tensors are real; PyTorch's too)."""
        return self

    @property
    def imag(self: Any) -> Tensor:
        """Refused, as PyTorch refuses it for a real tensor.

        Raises:
            RuntimeError: always (minigrad has no complex tensors).
        """
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")

    def conj(self: Any) -> Tensor:
        """The complex conjugate: the tensor itself for a real tensor (as PyTorch)."""
        return self

    def conj_physical(self: Any) -> Tensor:
        """The conjugate, materialised: the tensor itself for a real tensor (as PyTorch)."""
        return self

    def resolve_conj(self: Any) -> Tensor:
        """The tensor itself: a real tensor never carries a lazy conjugation."""
        return self

    def resolve_neg(self: Any) -> Tensor:
        """The tensor itself: minigrad has no lazy negation bit."""
        return self

    def is_conj(self: Any) -> builtins.bool:
        """False: a real tensor never carries a lazy conjugation."""
        return False

    def is_neg(self: Any) -> builtins.bool:
        """False: minigrad has no lazy negation bit."""
        return False

    @property
    def H(self: Any) -> Tensor:
        """The conjugate transpose of a matrix: ``t.T`` for a real 2-D tensor (a 0-d tensor is
        returned as it is, with PyTorch's deprecation warning).

        Raises:
            RuntimeError: for 1-D or more than 2-D tensors (``mH`` takes batches), as PyTorch.
        """
        n = self._data.ndim
        if n == 0:
            warnings.warn(
                "Tensor.H is deprecated on 0-D tensors. Consider using x.conj().",
                UserWarning,
                stacklevel=2,
            )
            return self
        if n != 2:
            batches = " For batches of matrices, consider using tensor.mH" if n > 2 else ""
            raise RuntimeError(
                f"tensor.H is only supported on matrices (2-D tensors). Got {n}-D tensor." + batches
            )
        return self.transpose(0, 1)

    # -- memory ------------------------------------------------------------------------------

    def data_ptr(self: Any) -> builtins.int:
        """The address of the first element (0 for an empty tensor, as PyTorch): views of one
        array differ by their offset in bytes, as PyTorch's do."""
        a = self._data
        return 0 if a.size == 0 else builtins.int(a.__array_interface__["data"][0])

    def storage_offset(self: Any) -> builtins.int:
        """The position of the first element in the memory it views, in elements (0 for a
        tensor that owns its memory). The memory is that of the NumPy array at the root of
        the view, which is where PyTorch's storage is for the same views."""
        a = self._data
        root = _root(a)
        if a.size == 0 or root.size == 0:
            return 0
        start = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        return builtins.int(start // a.itemsize)

    def is_pinned(self: Any, device: Any = None) -> builtins.bool:
        """False: there is no pinned memory (it is for copies to a GPU)."""
        return False

    def pin_memory(self: Any, device: Any = None) -> Tensor:
        """Refused, as by PyTorch on a machine without a GPU.

        Raises:
            RuntimeError: always (pinned memory is for copies to a GPU).
        """
        raise RuntimeError(
            "Cannot access accelerator device when none is available. (pin_memory(): pinned "
            f"memory is for copies to a GPU; {_CPU}: use the tensor as it is)"
        )

    def is_shared(self: Any) -> builtins.bool:
        """False: minigrad's tensors are never in memory shared between processes."""
        return False

    def share_memory_(self: Any) -> Tensor:
        """Refused: minigrad has no ``torch.multiprocessing``, so nothing would read the memory.

        Raises:
            RuntimeError: always.
        """
        raise RuntimeError(
            "share_memory_(): minigrad trains in one process (there is no "
            "torch.multiprocessing), so there is no shared memory to move a tensor into; use "
            "the tensor as it is"
        )

    # -- Python callables on each element (CPU only, in place, no autograd, as PyTorch) ------

    def apply_(self: Any, callable: Callable[[Any], Any]) -> Tensor:
        """Replace each element ``x`` by ``callable(x)`` (a Python number), in place; slow.

        Raises:
            RuntimeError: if the tensor requires grad (even under ``no_grad``, as PyTorch).
            TypeError: if ``callable`` returns what is not a number for this dtype.
        """
        _no_grad_for("apply_", self)
        a = self._data
        conv = _converter(a.dtype)
        out = np.array([conv(callable(x)) for x in a.ravel().tolist()], dtype=a.dtype)
        return _inplace(self, "apply_", lambda t: TensorMakers.wrap(out.reshape(a.shape), None))

    def map_(self: Any, tensor: Any, callable: Callable[[Any, Any], Any]) -> Tensor:
        """Replace each element ``x`` by ``callable(x, y)``, ``y`` the matching element of
        ``tensor`` broadcast to this shape, in place; slow.

        Raises:
            RuntimeError: if either tensor requires grad, or ``tensor`` does not broadcast to
                this shape.
            TypeError: if ``tensor`` is not a Tensor of this dtype.
        """
        if not hasattr(tensor, "_data"):
            raise TypeError(
                f"map_(): argument 'other' (position 1) must be Tensor, not {type(tensor).__name__}"
            )
        _no_grad_for("map_", self, tensor)
        a = self._data
        if tensor._data.dtype != a.dtype:
            mine, theirs = (x.type().replace("minigrad.", "torch.") for x in (self, tensor))
            raise TypeError(f"map_: expected {mine} for 'other' (got {theirs})")
        b = tensor.expand(self.shape)._data
        conv = _converter(a.dtype)
        pairs = zip(a.ravel().tolist(), np.ravel(b).tolist())
        out = np.array([conv(callable(x, y)) for x, y in pairs], dtype=a.dtype)
        return _inplace(self, "map_", lambda t: TensorMakers.wrap(out.reshape(a.shape), None))

    # -- hooks -------------------------------------------------------------------------------

    def register_post_accumulate_grad_hook(self: Any, hook: Callable[[Any], None]) -> HookHandle:
        """Call ``hook(self)`` each time backward has accumulated this leaf's ``.grad`` (not
        for ``autograd.grad``, which accumulates nothing): an optimizer step can then run
        inside backward, one parameter at a time, and free the gradient at once (PyTorch's
        "fusing the optimizer step into the backward pass"). The hook must return None.

        Returns:
            A handle whose ``remove()`` unregisters the hook.

        Raises:
            RuntimeError: for a computed tensor or one that does not require grad (PyTorch's
                errors).
        """
        return register_post_accumulate(self, hook)


# Every other name of torch.Tensor: an Absent here, found only when no class before this one in
# Tensor's MRO defines the name.
for _name in sorted(TENSOR_ATTRIBUTES - set(vars(TensorGaps))):
    setattr(TensorGaps, _name, Absent(_name))
