"""Lazy modules, as ``torch.nn``'s: ``LazyLinear``, ``LazyConv1d/2d/3d``,
``LazyConvTranspose1d/2d/3d``, ``LazyBatchNorm1d/2d/3d`` and ``LazyInstanceNorm1d/2d/3d`` read
their input size from the first input, and hold ``UninitializedParameter``/``UninitializedBuffer``
objects until then.

On the first call the module's forward pre-hook gives the uninitialized parameters their
shapes, in place (the same objects, so an optimizer built before keeps working), runs the
layer's ``reset_parameters`` and turns the module into the ordinary layer (``cls_to_become``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..device import as_device
from ..dtypes import default_float, of_array, to_dtype
from ..grad_mode import no_grad
from ..random import GeneratorLike
from ..surface import Size
from ..tensor import Tensor, as_tensor
from .conv import (
    Conv1d,
    Conv2d,
    Conv3d,
    ConvTranspose1d,
    ConvTranspose2d,
    ConvTranspose3d,
    _check_groups,
)
from .layers import Linear
from .module import Buffer, Module, Parameter
from .normalization import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNorm3d,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
)

__all__ = [
    "LazyBatchNorm1d",
    "LazyBatchNorm2d",
    "LazyBatchNorm3d",
    "LazyConv1d",
    "LazyConv2d",
    "LazyConv3d",
    "LazyConvTranspose1d",
    "LazyConvTranspose2d",
    "LazyConvTranspose3d",
    "LazyInstanceNorm1d",
    "LazyInstanceNorm2d",
    "LazyInstanceNorm3d",
    "LazyLinear",
    "LazyModuleMixin",
    "UninitializedBuffer",
    "UninitializedParameter",
    "is_lazy",
]

# The array slot of every Tensor: the uninitialized tensors keep their future dtype there (an
# empty array), under a property that refuses every other use of it.
_SLOT: Any = Tensor.__dict__["_data"]
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SHAPE_ERROR = (
    "Can't access the shape of an uninitialized parameter or buffer. This error usually "
    "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
    "initialized one. Call `forward` to initialize the parameters before accessing their "
    "attributes."
)


def _caller() -> str:
    """The minigrad function the user called that reached an uninitialized tensor's values:
    the outermost of the minigrad frames above this one (``numel``, ``linear``...)."""
    frame = sys._getframe(2)
    name = frame.f_code.co_name
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE + os.sep):
        name = frame.f_code.co_name
        frame = frame.f_back  # type: ignore[assignment]
    return name


class UninitializedTensorMixin:
    """What ``UninitializedParameter`` and ``UninitializedBuffer`` share: no values yet, only a
    dtype; ``materialize(shape)`` gives them a shape and makes them ordinary (same object)."""

    __slots__ = ()
    cls_to_become: type[Tensor]
    # Read by Module.to/state_dict/load_state_dict (module.py cannot import this file).
    _uninitialized = True

    def _get_data(self) -> np.ndarray:
        raise ValueError(
            f"Attempted to use an uninitialized parameter in {_caller()}(). This error "
            "happens when you are using a `LazyModule` or explicitly manipulating "
            f"`minigrad.nn.parameter.{type(self).__name__}` objects. When using LazyModules "
            "Call `forward` with a dummy batch to initialize the parameters before calling "
            "minigrad functions"
        )

    def _set_data(self, value: np.ndarray) -> None:
        _SLOT.__set__(self, value)

    # Every op, method and function reads a tensor's values through ``_data``: refused here.
    _data = property(_get_data, _set_data)

    @property
    def shape(self) -> Size:
        """Refused, in PyTorch's words: there is no shape before the first forward."""
        raise RuntimeError(SHAPE_ERROR)

    def size(self, dim: int | None = None) -> Any:
        """Refused as ``shape`` is (PyTorch returns ``Size([0])``, which is no real size)."""
        raise RuntimeError(SHAPE_ERROR)

    @property
    def dtype(self) -> Any:
        """The dtype it will be materialized in (``Module.to``/``double()`` change it)."""
        return of_array(_SLOT.__get__(self).dtype)

    def _retype(self, dt: np.dtype) -> None:
        """Materialize in ``dt`` (``Module.to`` and ``Module.type``)."""
        _SLOT.__set__(self, np.empty(0, dtype=dt))

    def materialize(self, shape: Sequence[int], device: Any = None, dtype: Any = None) -> None:
        """Give the tensor ``shape`` (values unset: ``reset_parameters`` or a state dict fills
        them) and make it an ordinary ``Parameter`` (or buffer), in place.

        Args:
            shape: the shape.
            device: only the CPU.
            dtype: the dtype (default: the one it has, from construction or ``Module.to``).
        """
        as_device(device)
        dt = _SLOT.__get__(self).dtype if dtype is None else np.dtype(to_dtype(dtype))
        _SLOT.__set__(self, np.empty(tuple(shape), dtype=dt))
        self.__class__ = self.cls_to_become  # type: ignore[assignment]

    def share_memory_(self) -> Any:
        """Refused, in PyTorch's words."""
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
            "initialize the parameters before calling `module.share_memory()`."
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        if id(self) not in memo:
            rebuild, args = self.__reduce_ex__(4)
            memo[id(self)] = rebuild(*args)
        return memo[id(self)]

    def __reduce_ex__(self, protocol: Any) -> Any:
        # Only what there is: the class, requires_grad, the dtype (and a buffer's persistence).
        kwargs = {"requires_grad": self.requires_grad, "dtype": _SLOT.__get__(self).dtype}  # type: ignore[attr-defined]
        if isinstance(self, Buffer):
            kwargs["persistent"] = self.persistent
        return _rebuild, (type(self), kwargs)


def _rebuild(cls: type[Any], kwargs: dict[str, Any]) -> Any:
    """A new uninitialized tensor like a copied or unpickled one."""
    return cls(**kwargs)


def _placeholder(dtype: Any, device: Any) -> np.ndarray:
    as_device(device)
    return np.empty(0, dtype=default_float() if dtype is None else np.dtype(to_dtype(dtype)))


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape is not known yet: a lazy module's weight until its first forward.

    It is a ``Parameter`` (``parameters()`` lists it, an optimizer may hold it), but its values
    do not exist: every use raises, naming the fix (call the module once). ``materialize(shape)``
    makes it an ordinary ``Parameter``, the same object.

    Args:
        requires_grad: as a ``Parameter``'s.
        device: only the CPU.
        dtype: the dtype to materialize in (default: ``get_default_dtype()``).

    Raises:
        TypeError: for ``requires_grad`` with a dtype that is not floating point, as
            ``Tensor(..., requires_grad=True)`` (PyTorch raises a RuntimeError).
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        self._init(_placeholder(dtype, device), bool(requires_grad), None)


class UninitializedBuffer(UninitializedTensorMixin, Buffer):
    """A buffer whose shape is not known yet (a lazy batch norm's running statistics): every
    use raises until ``materialize(shape)`` makes it an ordinary buffer, the same object.

    Args:
        requires_grad: whether it requires grad once materialized.
        device: only the CPU.
        dtype: the dtype to materialize in (default: ``get_default_dtype()``).
        persistent: whether it appears in the module's ``state_dict``.
    """

    __slots__ = ()
    cls_to_become = Buffer

    def __init__(
        self,
        requires_grad: bool = False,
        device: Any = None,
        dtype: Any = None,
        persistent: bool = True,
    ) -> None:
        self._init(_placeholder(dtype, device), False, None)
        self.requires_grad = bool(requires_grad)
        self.persistent = bool(persistent)


def is_lazy(param: Any) -> bool:
    """Whether ``param`` is an ``UninitializedParameter`` or ``UninitializedBuffer``."""
    return isinstance(param, UninitializedTensorMixin)


class LazyModuleMixin:
    """What makes a module lazy, as PyTorch's ``torch.nn.modules.lazy.LazyModuleMixin``.

    Until the first call the module holds uninitialized parameters (and buffers); that call's
    forward pre-hook runs ``initialize_parameters(*args, **kwargs)``, which materializes them
    from the input's size and runs ``reset_parameters``; then the hook goes and the module's
    class becomes ``cls_to_become`` (``LazyLinear`` becomes ``Linear``). ``load_state_dict``
    materializes them from the state dict's shapes instead.

    Cast the model (``double()``, ``to(dtype)``) before the first forward; an optimizer may be
    built before it too (the parameters stay the same objects). As in PyTorch, lazy layers draw
    their initial values at the first forward, after the other layers drew theirs, so a seeded
    model draws other numbers than the same model built with explicit sizes.
    """

    cls_to_become: type[Module] | None = None
    _initialize_hook: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(  # type: ignore[attr-defined]
            self._infer_parameters, with_kwargs=True
        )

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        """Materialize the parameters from the forward's input (each lazy layer defines it)."""
        raise NotImplementedError(
            f"initialize_parameters is not implemented for {self.__class__.__name__}"
        )

    def has_uninitialized_params(self) -> bool:
        """Whether any of this module's own parameters or buffers is still uninitialized."""
        own = (*self._parameters.values(), *self._buffers.values())  # type: ignore[attr-defined]
        return any(is_lazy(t) for t in own)

    def _infer_parameters(
        self, module: Any, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None
    ) -> None:
        """The forward pre-hook: initialize from the first input, then become the ordinary
        layer (the hook removed)."""
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")  # type: ignore[attr-defined]
        module._initialize_hook.remove()
        del module._initialize_hook
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become


class LazyLinear(LazyModuleMixin, Linear):
    """A ``Linear`` whose ``in_features`` is read from the first input's last dimension.

    ``weight`` and ``bias`` are ``UninitializedParameter`` until then; the first call
    materializes them ((out_features, in_features) and (out_features,)), initialises them as
    ``Linear`` does and turns the module into a ``Linear``.

    Args:
        out_features: size of each output's last dimension.
        bias: whether to add a learned bias.
        device: only the CPU.
        dtype: parameter dtype (by default ``get_default_dtype()``).
    """

    cls_to_become = Linear
    weight: Any
    bias: Any

    def __init__(
        self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__(0, 0, False)  # (no bias: it is replaced below)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self, generator: GeneratorLike = None) -> None:
        """``Linear``'s initialisation, once the parameters have their shapes."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters(generator)

    def initialize_parameters(self, input: Any) -> None:
        """Read ``in_features`` from ``input.shape[-1]`` and materialize the parameters."""
        features = as_tensor(input).shape[-1]
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = features
                self.weight.materialize((self.out_features, features))
                # Fortran order, as Linear's own weight (x @ W.T is then BLAS's fastest)
                self.weight._data = np.asfortranarray(self.weight._data)
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:  # materialized by load_state_dict
            if features != self.weight.shape[-1]:
                raise AssertionError(
                    f"The in_features inferred from input: {features} is not equal to "
                    f"in_features from self.weight: {self.weight.shape[-1]}"
                )
            self.in_features = features


class _LazyConvXdMixin(LazyModuleMixin):
    """What the lazy convolutions share: ``in_channels`` read from the input's channel
    dimension (dim 1 of a batch, dim 0 of one unbatched sample)."""

    _nd: int
    groups: int
    transposed: bool
    in_channels: int
    out_channels: int
    kernel_size: tuple[int, ...]
    weight: Any
    bias: Any

    def _lazy_init(self, out_channels: int, bias: bool, device: Any, dtype: Any) -> None:
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self, generator: GeneratorLike = None) -> None:
        """The convolution's initialisation, once the parameters have their shapes."""
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters(generator)  # type: ignore[misc]

    def initialize_parameters(self, input: Any, *args: Any, **kwargs: Any) -> None:
        """Read ``in_channels`` from the input and materialize the parameters.

        Raises:
            RuntimeError: for an input of the wrong rank (PyTorch's words).
            ValueError: if ``in_channels`` is not divisible by ``groups``.
        """
        if self.has_uninitialized_params():
            in_channels = self._get_in_channels(as_tensor(input))
            name = type(self).__name__
            _check_groups(name, in_channels, self.out_channels, self.groups)
            if self.transposed:
                shape = (in_channels, self.out_channels // self.groups, *self.kernel_size)
            else:
                shape = (self.out_channels, in_channels // self.groups, *self.kernel_size)
            with no_grad():
                self.in_channels = in_channels
                self.weight.materialize(shape)
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()
        elif self.in_channels == 0:  # materialized by load_state_dict (PyTorch leaves it 0)
            w = self.weight.shape
            self.in_channels = w[0] if self.transposed else w[1] * self.groups

    def _get_in_channels(self, input: Tensor) -> int:
        nd = self._nd + 1  # the channels and the spatial dimensions
        if input.ndim not in (nd, nd + 1):
            raise RuntimeError(
                f"Expected {nd}D (unbatched) or {nd + 1}D (batched) input to "
                f"{type(self).__name__}, but got input of size: {input.shape}"
            )
        return int(input.shape[1] if input.ndim == nd + 1 else input.shape[0])


class _LazyConv(_LazyConvXdMixin):
    """The lazy convolutions' constructor: ``Conv*d``'s arguments without ``in_channels``."""

    def __init__(
        self,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode
        )  # fmt: skip
        self._lazy_init(out_channels, bias, device, dtype)


class _LazyConvTranspose(_LazyConvXdMixin):
    """The lazy transposed convolutions' constructor: ``ConvTranspose*d``'s arguments without
    ``in_channels``."""

    def __init__(
        self,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation,
            padding_mode,
        )  # fmt: skip
        self._lazy_init(out_channels, bias, device, dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """A ``Conv1d`` whose ``in_channels`` is read from the first input (``input.size(1)``);
    the other arguments are ``Conv1d``'s (with ``device``)."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """A ``Conv2d`` whose ``in_channels`` is read from the first input (``input.size(1)``);
    the other arguments are ``Conv2d``'s (with ``device``)."""

    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """A ``Conv3d`` whose ``in_channels`` is read from the first input (``input.size(1)``);
    the other arguments are ``Conv3d``'s (with ``device``)."""

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """A ``ConvTranspose1d`` whose ``in_channels`` is read from the first input; the other
    arguments are ``ConvTranspose1d``'s (with ``device``)."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """A ``ConvTranspose2d`` whose ``in_channels`` is read from the first input; the other
    arguments are ``ConvTranspose2d``'s (with ``device``)."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """A ``ConvTranspose3d`` whose ``in_channels`` is read from the first input; the other
    arguments are ``ConvTranspose3d``'s (with ``device``)."""

    cls_to_become = ConvTranspose3d


class _LazyNormBase(LazyModuleMixin):
    """What the lazy batch and instance norms share: ``num_features`` read from the input's
    dim 1 (as PyTorch reads it, unbatched instance-norm input included). Unlike the non-lazy
    layers, ``affine`` and ``track_running_stats`` are both True by default, as in PyTorch."""

    num_features: int
    affine: bool
    track_running_stats: bool
    weight: Any
    bias: Any
    running_mean: Any
    running_var: Any
    num_batches_tracked: Tensor | None

    def __init__(
        self,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        # (1: minigrad's layers refuse 0 features; num_features is set to 0 just after)
        super().__init__(1, eps, momentum, False, False)
        self.num_features = 0
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = Tensor._wrap(np.array(0, dtype=np.int64), None)

    def reset_parameters(self) -> None:
        """The layer's initialisation (weight 1, bias 0, statistics reset) once materialized."""
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()  # type: ignore[misc]

    def initialize_parameters(self, input: Any) -> None:
        """Read ``num_features`` from ``input.shape[1]`` and materialize the parameters and
        running statistics."""
        x = as_tensor(input)
        if x.ndim < 2:
            raise IndexError(
                f"{type(self).__name__}: the input of shape {tuple(x.shape)} has no dim 1 to "
                "read num_features from"
            )
        features = int(x.shape[1])
        if self.has_uninitialized_params():
            with no_grad():
                self.num_features = features
                for name in ("weight", "bias", "running_mean", "running_var"):
                    t = getattr(self, name)
                    if t is not None:
                        t.materialize((features,))
                self.reset_parameters()
        elif self.num_features == 0:
            # Loaded by load_state_dict, or nothing to learn or track: PyTorch leaves it 0,
            # which minigrad's layers would refuse as a mismatch.
            known = next((t for t in (self.weight, self.running_mean) if t is not None), None)
            self.num_features = features if known is None else int(known.shape[0])


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    """A ``BatchNorm1d`` whose ``num_features`` is read from the first input (``input.size(1)``).

    Args: ``eps``, ``momentum``, ``affine``, ``track_running_stats``, ``device``, ``dtype`` and
    the keyword ``bias``, as ``BatchNorm1d``'s.
    """

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    """A ``BatchNorm2d`` whose ``num_features`` is read from the first input (``input.size(1)``);
    arguments as ``LazyBatchNorm1d``."""

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d):
    """A ``BatchNorm3d`` whose ``num_features`` is read from the first input (``input.size(1)``);
    arguments as ``LazyBatchNorm1d``."""

    cls_to_become = BatchNorm3d


class LazyInstanceNorm1d(_LazyNormBase, InstanceNorm1d):
    """An ``InstanceNorm1d`` whose ``num_features`` is read from the first input
    (``input.size(1)``); arguments as ``LazyBatchNorm1d`` (affine and tracking by default)."""

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyNormBase, InstanceNorm2d):
    """An ``InstanceNorm2d`` whose ``num_features`` is read from the first input
    (``input.size(1)``); arguments as ``LazyBatchNorm1d`` (affine and tracking by default)."""

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyNormBase, InstanceNorm3d):
    """An ``InstanceNorm3d`` whose ``num_features`` is read from the first input
    (``input.size(1)``); arguments as ``LazyBatchNorm1d`` (affine and tracking by default)."""

    cls_to_become = InstanceNorm3d
