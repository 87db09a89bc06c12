"""Parametrizations (``torch.nn.utils.parametrize``): a parameter or buffer computed from
unconstrained tensors by a module of the user's, every time it is read.

``register_parametrization(layer, "weight", P())`` moves ``layer.weight`` to
``layer.parametrizations.weight.original`` (or ``original0``, ``original1``... when ``P``'s
``right_inverse`` returns several tensors) and from then on ``layer.weight`` is ``P()(original)``,
recomputed at each read (once per ``cached()`` block), so its gradient reaches ``original``
through ``P``'s ops. Assigning ``layer.weight = X`` stores ``right_inverse(X)`` in the originals.
Several parametrizations registered on one name are applied in order.

The layer's class becomes ``Parametrized<Class>``, a subclass (``isinstance`` still holds),
whose attribute lookups know the parametrized names; ``remove_parametrizations`` gives back the
original class when no parametrization is left. ``type_before_parametrizations`` gives it too.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from ...grad_mode import no_grad
from ...tensor import Tensor
from ..module import Module, ModuleDict, ModuleList, Parameter

__all__ = [
    "ParametrizationList",
    "cached",
    "is_parametrized",
    "register_parametrization",
    "remove_parametrizations",
    "type_before_parametrizations",
]


class _Cache:
    """The values of parametrized tensors while ``cached()`` is active (nested blocks count)."""

    depth = 0
    values: ClassVar[dict[tuple[int, str], Tensor]] = {}


@contextmanager
def cached() -> Iterator[None]:
    """Within the block, each parametrized tensor is computed once, at its first read, and that
    value is reused (a weight read at every step of a recurrent loop, say); the cache is
    emptied when the outermost block ends."""
    _Cache.depth += 1
    try:
        yield
    finally:
        _Cache.depth -= 1
        if not _Cache.depth:
            _Cache.values = {}


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, in order, and the unconstrained originals they are
    applied to (``original``, or ``original0``, ``original1``... when the first
    parametrization takes several tensors): ``module.parametrizations.<name>``.

    Calling it computes the parametrized tensor.
    """

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False) -> None:
        if not modules:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        shape, dtype = original.shape, original.dtype
        new: Any = original
        with no_grad():
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    # One that cannot be inverted starts from the value as it is (PyTorch's).
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass
        if not isinstance(new, Tensor | Sequence) or isinstance(new, str):
            raise ValueError(
                "'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                f"Got {type(new).__name__}"
            )
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if isinstance(new, Tensor) else len(new)
        if isinstance(new, Tensor):
            if original.dtype != new.dtype:
                raise ValueError(
                    "When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                    f"original.dtype: {original.dtype}\nright_inverse(original).dtype: "
                    f"{new.dtype}"
                )
            if new is not original:
                _set(original, new)
            _register(self, "original", original)
        else:
            for i, part in enumerate(new):
                if not isinstance(part, Tensor):
                    raise ValueError(
                        "'right_inverse' must return a Tensor or a Sequence of tensors "
                        f"(list, tuple...). Got element {i} of the sequence with type "
                        f"{type(part).__name__}."
                    )
                if isinstance(original, Parameter):
                    part = Parameter(part.detach(), original.requires_grad)
                else:
                    part = part.detach().requires_grad_(original.requires_grad)
                _register(self, f"original{i}", part)
        if not unsafe:
            _check_result(self(), shape, dtype, "Registering a parametrization")

    def right_inverse(self, value: Tensor) -> None:
        """Store in the originals the tensors that the parametrizations map to ``value`` (the
        assignment ``module.<name> = value``), without recording a graph."""
        with no_grad():
            for module in reversed(self):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(
                        f"parametrization {type(module).__name__} does not implement right_inverse."
                    )
                value = module.right_inverse(value)
            if self.is_tensor:
                original = self.original
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {value}")
                if value.dtype != original.dtype:
                    raise ValueError(
                        f"The tensor returned by `right_inverse` has dtype {value.dtype} while "
                        f"`original` has dtype {original.dtype}"
                    )
                if value.shape != original.shape:
                    raise ValueError(
                        f"The tensor returned by `right_inverse` has shape {value.shape} while "
                        f"`original` has shape {original.shape}"
                    )
                _set(original, value)
                return
            if not isinstance(value, Sequence) or len(value) != self.ntensors:
                raise ValueError(
                    "'right_inverse' must return a sequence of tensors of length "
                    f"{self.ntensors}. Got {type(value).__name__}"
                )
            for i, part in enumerate(value):
                original = getattr(self, f"original{i}")
                if not isinstance(part, Tensor):
                    raise ValueError(
                        f"`right_inverse` must return a sequence of tensors. Got element {i} "
                        f"of type {type(part).__name__}"
                    )
                if part.shape != original.shape or part.dtype != original.dtype:
                    raise ValueError(
                        f"Tensor {i} returned by `right_inverse` has shape {part.shape} and "
                        f"dtype {part.dtype} while `original{i}` has shape {original.shape} "
                        f"and dtype {original.dtype}"
                    )
                _set(original, part)

    def forward(self) -> Tensor:
        """The parametrized tensor: the first parametrization applied to the originals, each
        following one to the result of the one before."""
        modules = list(self)
        if self.is_tensor:
            x = modules[0](self.original)
        else:
            x = modules[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in modules[1:]:
            x = module(x)
        return x


def _register(module: Module, name: str, value: Tensor) -> None:
    """A Parameter as a parameter, any other tensor as a buffer (PyTorch's choice)."""
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module.register_buffer(name, value)


def _set(original: Tensor, value: Tensor) -> None:
    """``original.set_(value)``: ``original`` (kept, so optimizers holding it still see it)
    takes ``value``'s memory."""
    original._data = value._data


def _check_result(z: Any, shape: Any, dtype: Any, what: str) -> None:
    """Refuse a parametrization whose result is not a tensor of the original shape and dtype
    (PyTorch's checks, skipped with ``unsafe=True``)."""
    if not isinstance(z, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(z).__name__}.")
    if z.dtype != dtype:
        raise ValueError(
            f"{what} may not change the dtype of the tensor, unless `unsafe` flag is "
            f"enabled.\nunparametrized dtype: {dtype}\nparametrized dtype: {z.dtype}"
        )
    if z.shape != shape:
        raise ValueError(
            f"{what} may not change the shape of the tensor, unless `unsafe` flag is "
            f"enabled.\nunparametrized shape: {shape}\nparametrized shape: {z.shape}"
        )


class _Parametrized:
    """What a parametrized module's class adds: reading a parametrized name computes it,
    assigning it goes through ``right_inverse``. (Its other names are looked up as before.)"""

    def __getattr__(self, name: str) -> Any:
        plists = self.__dict__.get("_modules", {}).get("parametrizations")
        if plists is not None and name in plists._modules:
            if not _Cache.depth:
                return plists._modules[name]()
            key = (id(self), name)
            value = _Cache.values.get(key)
            if value is None:
                value = _Cache.values[key] = plists._modules[name]()
            return value
        return super().__getattr__(name)  # type: ignore[misc]

    def __setattr__(self, name: str, value: Any) -> None:
        plists = self.__dict__.get("_modules", {}).get("parametrizations")
        if plists is not None and name in plists._modules:
            if isinstance(value, Parameter):
                raise KeyError(f"attribute '{name}' already exists")
            plists._modules[name].right_inverse(value)
            return
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        plists = self.__dict__.get("_modules", {}).get("parametrizations")
        if plists is not None and name in plists._modules:
            raise AttributeError(
                f"cannot delete the parametrized tensor {name!r}: call "
                f"nn.utils.parametrize.remove_parametrizations(module, {name!r}) instead"
            )
        super().__delattr__(name)

    def __getstate__(self) -> Any:
        raise RuntimeError(
            "Serialization of parametrized modules is only supported through state_dict(). "
            "See:\nhttps://pytorch.org/tutorials/beginner/saving_loading_models.html"
            "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training"
        )

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        """A copy made as ``copy.deepcopy`` makes one without ``__getstate__`` (which refuses
        pickling, as PyTorch's does)."""
        if id(self) in memo:
            return memo[id(self)]
        replica = memo[id(self)] = object.__new__(type(self))
        # (not compiled, as Module's copies: a compiled call is bound to this module)
        state = {k: v for k, v in self.__dict__.items() if k != "_compiled_call_impl"}
        replica.__dict__.update(copy.deepcopy(state, memo))
        return replica


_CLASSES: dict[type, type] = {}  # a module class -> its Parametrized subclass


def _parametrized_class(cls: type) -> type:
    made = _CLASSES.get(cls)
    if made is None:
        made = _CLASSES[cls] = type(f"Parametrized{cls.__name__}", (_Parametrized, cls), {})
    return made


def type_before_parametrizations(module: Module) -> type:
    """The class ``module`` had before its first parametrization (its class, if none)."""
    cls = type(module)
    return cls.__mro__[2] if issubclass(cls, _Parametrized) else cls


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether ``module`` has a parametrization (on ``tensor_name``, when given)."""
    plists = module._modules.get("parametrizations")
    if plists is None or not isinstance(plists, ModuleDict):
        return False
    return bool(plists._modules) if tensor_name is None else tensor_name in plists._modules


def register_parametrization(
    module: Module, tensor_name: str, parametrization: Module, *, unsafe: bool = False
) -> Module:
    """Make ``module.<tensor_name>`` the result of ``parametrization`` applied to an
    unconstrained original (``torch.nn.utils.parametrize.register_parametrization``).

    The parameter or buffer ``tensor_name`` moves to
    ``module.parametrizations.<tensor_name>.original``, initialised with
    ``parametrization.right_inverse(value)`` if the parametrization has that method (or, if it
    returns several tensors, to ``original0``, ``original1``...), keeping its identity when it
    is one tensor, so optimizers built before still hold it. Registering a second
    parametrization on the same name applies it after the first.

    Args:
        module: the module holding the tensor.
        tensor_name: the name of a parameter or buffer of ``module`` (or an already
            parametrized name).
        parametrization: a Module whose ``forward`` maps the original(s) to the tensor; it is
            put in the training mode of ``module``.
        unsafe: skip the checks that the parametrization keeps the shape and dtype.

    Returns:
        ``module``.

    Raises:
        ValueError: in PyTorch's words, for a name that is neither a parameter, a buffer nor
            a parametrized tensor, or a parametrization that changes the shape or dtype
            (unless ``unsafe``); the module is unchanged.
    """
    if not isinstance(parametrization, Module):
        raise TypeError(
            "register_parametrization(): the parametrization must be an nn.Module, got "
            f"{type(parametrization).__name__}"
        )
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            y = getattr(module, tensor_name)
            x = parametrization(y)
            _check_result(x, y.shape, y.dtype, "Registering a parametrization")
            inverted = hasattr(parametrization, "right_inverse")
            if inverted:
                try:
                    z = parametrization.right_inverse(x)
                except NotImplementedError:
                    inverted = False  # no inverse to check (PyTorch's)
            if inverted:
                if not isinstance(z, Tensor):
                    raise ValueError(
                        f"parametrization.right_inverse must return a tensor. Got: "
                        f"{type(z).__name__}"
                    )
                if z.dtype != y.dtype or z.shape != y.shape:
                    raise ValueError(
                        "The tensor returned by parametrization.right_inverse must have the "
                        f"same dtype and shape as module.{tensor_name}, unless `unsafe` flag "
                        f"is enabled.\nmodule.{tensor_name}.dtype: {y.dtype}\n"
                        f"returned dtype: {z.dtype}\nmodule.{tensor_name}.shape: {y.shape}\n"
                        f"returned shape: {z.shape}"
                    )
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
        return module
    if tensor_name not in module._parameters and tensor_name not in module._buffers:
        raise ValueError(
            f"Module '{module}' does not have a parameter, a buffer, or a parametrized "
            f"element with name '{tensor_name}'"
        )
    original = getattr(module, tensor_name)
    if original is None:
        raise ValueError(
            f"register_parametrization(): {type(module).__name__}.{tensor_name} is None: "
            "there is no tensor to parametrize"
        )
    plist = ParametrizationList([parametrization], original, unsafe=unsafe)  # checks first
    module._forget(tensor_name)
    if not is_parametrized(module):
        module.parametrizations = ModuleDict()
        module.__class__ = _parametrized_class(type(module))
    module.parametrizations[tensor_name] = plist
    return module


def remove_parametrizations(
    module: Module, tensor_name: str, leave_parametrized: bool = True
) -> Module:
    """Remove the parametrizations on ``tensor_name``
    (``torch.nn.utils.parametrize.remove_parametrizations``): it becomes a parameter (or buffer)
    again, holding its current parametrized value (``leave_parametrized=True``) or the
    original's. The original tensor object is kept when there is one, so optimizers holding
    it still see it.

    Raises:
        ValueError: in PyTorch's words, if ``tensor_name`` has no parametrization, or for
            ``leave_parametrized=False`` when the original is several tensors.
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    plist = module.parametrizations[tensor_name]
    if plist.is_tensor:
        original = plist.original
        if leave_parametrized:
            with no_grad():
                value = getattr(module, tensor_name)
            if value.dtype != original.dtype or value.shape != original.shape:
                raise ValueError(
                    f"remove_parametrizations(): the parametrized {tensor_name} has shape "
                    f"{tuple(value.shape)} and dtype {value.dtype}, its original "
                    f"{tuple(original.shape)} and {original.dtype}: it cannot be left "
                    "parametrized in the original tensor (pass leave_parametrized=False)"
                )
            _set(original, value.detach().clone())
    else:
        if not leave_parametrized:
            raise ValueError(
                "Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is "
                "parametrized in terms of a sequence of tensors."
            )
        with no_grad():
            value = getattr(module, tensor_name)
        wants = any(getattr(plist, f"original{i}").requires_grad for i in range(plist.ntensors))
        original = Parameter(value.detach().clone(), wants) if wants else value.detach()
    del module.parametrizations[tensor_name]
    if not module.parametrizations._modules:
        module._forget("parametrizations")
        module.__class__ = type_before_parametrizations(module)
    _register(module, tensor_name, original)
    return module
