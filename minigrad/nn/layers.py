"""Layers: Linear, Bilinear, Identity, Flatten, Unflatten and Sequential; ``nn/__init__.py`` exports
everything in ``__all__`` here.

ModuleList and ModuleDict live beside Module (``module.py``), with the list operations that
Sequential shares with ModuleList (``_Numbered``); the activation modules in
``activation.py``; convolutions, pools and dropout in ``conv.py``; the normalisations,
embedding and losses in their own files.
"""

from __future__ import annotations

import math
import warnings
from collections import OrderedDict
from typing import Any, overload

import numpy as np

from .. import fused
from ..device import as_device
from ..dims import wrap_dim
from ..dtypes import default_float
from ..random import GeneratorLike, as_generator
from ..tensor import Tensor, apply, as_tensor
from ..validation import _check_linear_dtypes, _check_linear_shapes, new_shape
from . import init
from .feature_functions import bilinear
from .module import Module, Parameter, _check_module, _Numbered, _param

__all__ = ["Bilinear", "Container", "Flatten", "Identity", "Linear", "Sequential", "Unflatten"]


def _weight_and_bias(
    module: Module, shape: tuple[int, ...], bias: bool, dtype: Any, order: Any = "C"
) -> None:
    """Register ``module.weight`` of ``shape`` (memory in ``order``) and ``module.bias`` of
    ``shape[0]`` (or None), both unset until ``reset_parameters``."""
    dt = np.dtype(default_float() if dtype is None else dtype)
    new_shape(shape, f"{module._get_name()}'s weight")
    module.weight = Parameter(np.empty(shape, dtype=dt, order=order))
    if bias:
        module.bias = Parameter(np.empty(shape[0], dtype=dt))
    else:
        module.register_parameter("bias", None)


def _reset_weight_and_bias(weight: Tensor, bias: Tensor | None, generator: GeneratorLike) -> None:
    """PyTorch's default for Linear and Conv: kaiming_uniform_(a=sqrt(5)) weights and
    U(+-1/sqrt(fan_in)) bias, fan_in being a weight row's size."""
    gen = as_generator(generator)  # one stream for weight and bias, even from an int seed
    init.kaiming_uniform_(weight, a=math.sqrt(5), generator=gen)
    if bias is not None:
        fan_in = math.prod(weight.shape[1:])
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        init.uniform_(bias, -bound, bound, generator=gen)


class Linear(Module):
    """y = x @ W.T + b, with W of shape (out_features, in_features) as in PyTorch.

    Initialised as PyTorch does: W ~ U(-1/sqrt(in), 1/sqrt(in)) (``kaiming_uniform_`` with
    a=sqrt(5)) and b ~ U(-1/sqrt(in), 1/sqrt(in)).

    W's shape and values are PyTorch's; its memory is Fortran-ordered (column-major), so
    ``x @ W.T`` runs as BLAS's fastest product and ``weight.numpy()`` is an F-ordered array.
    Loading, initialising, casting and optimizer state keep that layout; a C-ordered weight
    assigned by the user gives the same results, a little slower.

    Args:
        in_features: size of each input's last dimension.
        out_features: size of each output's last dimension.
        bias: whether to add a learned bias.
        dtype: parameter dtype (by default ``get_default_dtype()``).
        generator: a ``minigrad.Generator``, a NumPy generator or an int seed for the
            initialisation.
    """

    weight: Parameter
    bias: Parameter | None

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__()
        as_device(device)  # only the CPU, as everywhere: a clear error otherwise
        self.in_features = in_features
        self.out_features = out_features
        # Shape (out, in) as PyTorch's, memory Fortran-ordered (an (in, out) C array seen
        # transposed): x @ W.T is then BLAS's fastest product (see fused.Linear).
        _weight_and_bias(self, (out_features, in_features), bias, dtype, order="F")
        self.reset_parameters(generator)

    def reset_parameters(self, generator: GeneratorLike = None) -> None:
        """Draw fresh weights with PyTorch's default scheme."""
        _reset_weight_and_bias(self.weight, self.bias, generator)

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            x = as_tensor(x)
        # Read the registry directly: attribute access would go through Module.__getattr__.
        weight: Any = _param(self, "weight")  # (a Parameter, or weight_norm's tensor)
        bias = _param(self, "bias")
        shape = x._data.shape
        if not shape or shape[-1] != self.in_features or x._data.dtype is not weight._data.dtype:
            self._check_input(x, weight, bias)
        if bias is None:
            out = apply(fused.Linear(), x, weight)
        else:
            out = apply(fused.Linear(), x, weight, bias)  # one fused op: the hot path
        return out if len(shape) == 2 else fused.linear_labelled(out, x)

    def _check_input(self, x: Tensor, weight: Tensor, bias: Tensor | None) -> None:
        """Refuse an input of the wrong size, or of another dtype than the weight (PyTorch's
        RuntimeError: products do not promote)."""
        shape = x._data.shape
        if not shape or shape[-1] != self.in_features:
            _check_linear_shapes(x, weight, None, f"{self._get_name()}({self.extra_repr()})")
        _check_linear_dtypes(x._data, weight._data, None if bias is None else bias._data)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Bilinear(Module):
    """y = x1^T A x2 + b for each output, as ``torch.nn.Bilinear``; A is ``weight`` of shape
    (out_features, in1_features, in2_features), b ``bias`` (out_features,).

    Initialised as PyTorch does: weight and bias ~ U(-1/sqrt(in1_features), 1/sqrt(in1_features)).

    Args:
        in1_features: size of the first input's last dimension.
        in2_features: size of the second input's last dimension.
        out_features: size of the output's last dimension.
        bias: whether to add a learned bias.
        dtype: parameter dtype (by default ``get_default_dtype()``).
        generator: a ``minigrad.Generator``, a NumPy generator or an int seed for the
            initialisation.
    """

    weight: Parameter
    bias: Parameter | None

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__()
        as_device(device)  # only the CPU, as everywhere: a clear error otherwise
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        _weight_and_bias(self, (out_features, in1_features, in2_features), bias, dtype)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: GeneratorLike = None) -> None:
        """PyTorch's scheme: weight and bias uniform in +-1/sqrt(in1_features)."""
        gen = as_generator(generator)
        bound = 1 / math.sqrt(self.weight.shape[1]) if self.weight.shape[1] else 0.0
        init.uniform_(self.weight, -bound, bound, generator=gen)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, generator=gen)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return bilinear(input1, input2, _param(self, "weight"), _param(self, "bias"))

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. for a removed layer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return x


class Flatten(Module):
    """Merge dimensions ``start_dim``..``end_dim`` (by default all but the batch one)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: Tensor) -> Tensor:
        return as_tensor(x).flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expand dimension ``dim`` into ``unflattened_size`` (the inverse of ``Flatten``).

    Args:
        dim: the dimension to expand.
        unflattened_size: its new shape (a tuple or list; one entry may be -1).
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        if not isinstance(unflattened_size, tuple | list) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in unflattened_size
        ):
            raise TypeError(
                f"Unflatten: unflattened_size must be a tuple of ints, got {unflattened_size!r}"
            )
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, x: Tensor) -> Tensor:
        t = as_tensor(x)
        shape = t.shape
        d = wrap_dim(self.dim, len(shape), "Unflatten", shape)
        new = tuple(self.unflattened_size)
        known = math.prod(n for n in new if n != -1)
        fits = new.count(-1) <= 1 and (
            known == shape[d] if -1 not in new else known and shape[d] % known == 0
        )
        if not fits:
            raise RuntimeError(
                f"{self._get_name()}({self.extra_repr()}): unflattened_size {new} does not "
                f"multiply to the size {shape[d]} of dimension {self.dim} of input {shape}"
            )
        return t.reshape((*shape[:d], *new, *shape[d + 1 :]))

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Sequential(_Numbered):
    """Modules applied in order: ``Sequential(Linear(4, 3), Sigmoid())``.

    Accepts modules as arguments (named "0", "1", ...) or one ``OrderedDict`` of named ones.
    Supports ``len``, iteration, ``append`` and indexing (a slice gives a Sequential).
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, _check_module(module, "Sequential"))
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), _check_module(module, "Sequential"))

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)  # type: ignore[misc]
        return x

    @overload
    def __getitem__(self, idx: int) -> Module: ...

    @overload
    def __getitem__(self, idx: slice) -> Sequential: ...

    def __getitem__(self, idx: int | slice) -> Module | Sequential:
        if isinstance(idx, slice):
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        return self._modules[self._index(idx)]  # type: ignore[return-value]

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert ``module`` before position ``index``; returns self."""
        self._insert(index, module)
        return self


class Container(Module):
    """The deprecated ancestor of ``Module``, as ``torch.nn.Container``: a Module whose
    keyword arguments are its submodules. Warns (PyTorch's FutureWarning) when made."""

    def __init__(self, **kwargs: Any) -> None:
        warnings.warn(
            "`nn.Container` is deprecated. All of its functionality is now implemented in "
            "`nn.Module`. Subclass that instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__()
        for key, value in kwargs.items():
            self.add_module(key, value)
