"""A module as a function of its parameters: ``functional_call`` and ``stack_module_state``.

``functional_call(model, params, args)`` runs ``model(*args)`` with some of its parameters
and buffers replaced by the given tensors (by dotted name, as ``named_parameters`` gives
them), and puts the module's own back afterwards, even when the call raises. With it,
``grad`` and ``vmap`` see a model as a function of a dict of tensors.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..functions import stack
from ..nn.module import Module
from ..tensor import Tensor


def functional_call(
    module: Module,
    parameter_and_buffer_dicts: dict[str, Any] | Sequence[dict[str, Any]],
    args: Any = None,
    kwargs: dict[str, Any] | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
) -> Any:
    """``module(*args, **kwargs)`` with its parameters and buffers replaced by those given.

    Args:
        module: the module to call.
        parameter_and_buffer_dicts: a dict from dotted names (``"fc1.weight"``) to tensors,
            or a tuple of such dicts (parameters, buffers); a name in two dicts is an error.
            Names not given keep the module's own tensors (unless ``strict``).
        args: the positional arguments: a tuple, or one value (not a tuple) passed alone.
        kwargs: the keyword arguments.
        tie_weights: a tensor the module holds under several names (tied weights) is
            replaced under all of them when it is given under one, as in PyTorch.
        strict: every parameter and buffer must be given, and nothing else.

    Returns:
        What the module returns.
    """
    dicts = (
        tuple(parameter_and_buffer_dicts)
        if isinstance(parameter_and_buffer_dicts, tuple | list)
        else (parameter_and_buffer_dicts,)
    )
    merged: dict[str, Any] = {}
    repeated = []
    for given in dicts:
        if not isinstance(given, dict):
            raise ValueError(
                "functional_call: expected parameter_and_buffer_dicts to be a dict of tensors "
                f"by name, or a tuple of such dicts; got {type(given).__name__}"
            )
        for name, value in given.items():
            if name in merged:
                repeated.append(name)
            merged[name] = value
    if repeated:
        raise ValueError(
            f"{repeated} appeared in multiple dictionaries; behavior of functional call is "
            "ambiguous"
        )
    if tie_weights:
        merged = _with_tied_names(module, merged)
    if strict:
        _check_strict(module, merged)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _swapped(module, merged):
        return module(*args, **(kwargs or {}))


def _state_names(module: Module) -> dict[str, Tensor]:
    """Every parameter and buffer of ``module`` by every name it has (tied ones included)."""
    named: dict[str, Tensor] = dict(module.named_parameters(remove_duplicate=False))
    named.update(module.named_buffers(remove_duplicate=False))
    return {k: v for k, v in named.items() if v is not None}


def _with_tied_names(module: Module, given: dict[str, Any]) -> dict[str, Any]:
    """``given`` with each replaced tensor also given under the other names of its tensor."""
    names_of: dict[int, list[str]] = {}
    for name, t in _state_names(module).items():
        names_of.setdefault(id(t), []).append(name)
    full = dict(given)
    for names in names_of.values():
        present = [n for n in names if n in given]
        if not present or len(names) == 1:
            continue
        if any(given[n] is not given[present[0]] for n in present):
            raise ValueError(
                f"functional_call got multiple values for keys {present}, which are tied. "
                "Consider using tie_weights=False"
            )
        for n in names:
            full[n] = given[present[0]]
    return full


def _check_strict(module: Module, given: dict[str, Any]) -> None:
    expected = set(_state_names(module))
    missing = sorted(expected - set(given))
    unexpected = sorted(set(given) - expected)
    problems = []
    if missing:
        problems.append("Missing key(s): " + ", ".join(repr(k) for k in missing) + ".")
    if unexpected:
        problems.append("Unexpected key(s): " + ", ".join(repr(k) for k in unexpected) + ".")
    if problems:
        lines = "".join(f"\n\t{p}" for p in problems)
        raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:{lines}")


@contextlib.contextmanager
def _swapped(module: Module, values: dict[str, Any]) -> Iterator[None]:
    """The module with ``values`` in place of its own tensors; restored on the way out."""
    restores: list[Callable[[], None]] = []
    try:
        for name, value in values.items():
            restores.append(_swap(module, name, value))
        yield
    finally:
        for restore in reversed(restores):
            restore()


def _swap(module: Module, name: str, value: Any) -> Callable[[], None]:
    """Put ``value`` under the dotted ``name``; return the function that undoes it."""
    *path, attr = name.split(".")
    owner = module
    for part in path:
        child = owner._modules.get(part)
        if child is None:
            raise AttributeError(
                f"functional_call: {type(owner).__name__} has no submodule {part!r} (from the "
                f"name {name!r}); the names are those of named_parameters()/named_buffers()"
            )
        owner = child
    registries: tuple[dict[str, Any], ...] = (owner._parameters, owner._buffers)
    for registry in registries:
        if attr in registry:
            old = registry[attr]
            registry[attr] = value
            return lambda: registry.__setitem__(attr, old)
    # neither a parameter nor a buffer: set as a plain attribute, as PyTorch does
    had, old_value = attr in owner.__dict__, owner.__dict__.get(attr)
    object.__setattr__(owner, attr, value)

    def restore() -> None:
        if had:
            object.__setattr__(owner, attr, old_value)
        else:
            object.__delattr__(owner, attr)

    return restore


def stack_module_state(models: Sequence[Module]) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """The parameters and buffers of models of one class, stacked by name, for ``vmap``.

    Returns:
        ``(params, buffers)``: dicts from dotted names to tensors with a leading dimension of
        ``len(models)``. Stacked parameters are new leaves (requiring grad when the models'
        do), unrelated to the models', so an optimizer can take them.

    Raises:
        RuntimeError: for no models, models of different classes or training modes, or a
            parameter that requires grad in some models only (PyTorch's messages).
    """
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError(
            "stack_module_state: Expected all models to have the same training/eval mode."
        )
    if not all(type(m) is type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    all_params = [dict(m.named_parameters()) for m in models]
    params = {k: _stacked_leaf([p[k] for p in all_params], k) for k in all_params[0]}
    all_buffers = [dict(m.named_buffers()) for m in models]
    buffers = {k: _stacked_leaf([b[k] for b in all_buffers], k) for k in all_buffers[0]}
    return params, buffers


def _stacked_leaf(tensors: list[Tensor], name: str) -> Tensor:
    requiring = [t.requires_grad for t in tensors]
    if any(requiring) and not all(requiring):
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    result = stack(tensors)
    return result.detach().requires_grad_() if all(requiring) else result
