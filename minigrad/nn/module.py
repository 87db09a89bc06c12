"""`Parameter` and `Module`: parameters found from attributes, dotted names, state dicts.

A Module registers what is assigned to it (`self.fc = Linear(...)`, `self.w = Parameter(...)`)
in ordered dicts, exactly as PyTorch does, so `parameters()`, `state_dict()` and the `repr`
tree need no per-class code.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

import numpy as np

from ..device import as_device, parse_to
from ..inplace import bump_version
from ..surface import Size
from ..tensor import Tensor
from ..validation import _as_array
from .backward_hooks import BackwardHook
from .compiling import compile as compile_call

M = TypeVar("M", bound="Module")
N = TypeVar("N", bound="_Numbered")


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable (``requires_grad=True`` by default).

    Args:
        data: array-like or Tensor (a Tensor's array is shared, not copied). Must be floating
            point: parameters receive gradients.
        requires_grad: whether the optimizer should train it.
        dtype: a floating dtype to convert to.

    Raises:
        RuntimeError: if the data is not floating point, in PyTorch's words.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True, dtype: Any = None) -> None:
        if data is None:
            data = np.empty(0, dtype=np.float32)
        self._init(_as_array(data, dtype), False, None)  # data as tensor() reads it
        if self._data.dtype.kind != "f":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients "
                f"(Parameter: data must be floating point, parameters receive gradients; got "
                f"dtype {self._data.dtype} with shape {self._data.shape})"
            )
        self.requires_grad = bool(requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        """A Parameter with a copy of the values and ``requires_grad``, without the gradient:
        PyTorch's rule for parameters (a plain tensor's copy keeps its gradient)."""
        if id(self) in memo:
            return memo[id(self)]
        result = memo[id(self)] = type(self)(self._data.copy(order="K"), self.requires_grad)
        result.name = self.name
        return result


class Buffer(Tensor):
    """A Tensor that a Module registers as a buffer when assigned as its attribute
    (``self.running = nn.Buffer(torch.zeros(3))``): PyTorch's ``nn.Buffer``, the attribute
    form of ``register_buffer``. A plain Tensor assigned as an attribute is not registered.

    Args:
        data: a Tensor (its array is shared, as ``detach()`` shares it; ``requires_grad`` is
            kept) or array-like data; none gives an empty float32 tensor.
        persistent: whether the buffer appears in the module's ``state_dict``.
    """

    __slots__ = ("persistent",)

    def __init__(self, data: Any = None, *, persistent: bool = True) -> None:
        if data is None:
            data = np.empty(0, dtype=np.float32)
        wants_grad = isinstance(data, Tensor) and data.requires_grad
        self._init(data._data if isinstance(data, Tensor) else _as_array(data, None), False, None)
        self.requires_grad = wants_grad
        self.persistent = bool(persistent)


class _IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped, as PyTorch returns it (and prints it:
    ``<All keys matched successfully>`` when nothing was)."""

    missing_keys: list[str]
    unexpected_keys: list[str]

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (
            f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, "
            f"unexpected_keys={self.unexpected_keys!r})"
        )

    def __str__(self) -> str:
        return self.__repr__()


class Module:
    """Base class of layers and models: subclass it, assign parts in ``__init__``, write
    ``forward``.

    Parameters, submodules and buffers assigned as attributes are registered automatically.
    A list, tuple or dict made only of Modules becomes a ``ModuleList``/``ModuleDict``, so its
    parts are found too (named ``layers.0.weight``...).
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _modules: dict[str, Module | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent: set[str]
    _forward_hooks: dict[int, _Hook]
    # As PyTorch's: the hook functions themselves (nn.utils.prune's tutorial looks them up
    # there by their attributes), with the ids of those taking kwargs kept beside them.
    _forward_pre_hooks: dict[int, Callable[..., Any]]
    _forward_pre_hooks_with_kwargs: dict[int, bool]
    _backward_hooks: dict[int, _Hook]
    _backward_pre_hooks: dict[int, _Hook]
    # What ``compile()`` made of the call, as PyTorch's (None: not compiled); on the class, so
    # a module costs nothing for it until compiled.
    _compiled_call_impl: Callable[..., Any] | None = None

    def __init__(self) -> None:
        # Bypass __setattr__: it needs these dicts to exist.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks_with_kwargs", OrderedDict())
        object.__setattr__(self, "_backward_hooks", OrderedDict())
        object.__setattr__(self, "_backward_pre_hooks", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; subclasses define it and call the module, not ``forward``."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        d = self.__dict__
        if (
            d.get("_forward_hooks")
            or d.get("_forward_pre_hooks")
            or d.get("_backward_hooks")
            or d.get("_backward_pre_hooks")
            or d.get("_compiled_call_impl")
        ):
            compiled = d.get("_compiled_call_impl")
            if compiled is not None:
                return compiled(*args, **kwargs)
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_impl(self, *args: Any, **kwargs: Any) -> Any:
        """The call as written, with the hooks (what ``compile()`` compiles, as PyTorch's)."""
        return self._call_with_hooks(args, kwargs)  # (with no hooks, just the forward)

    def compile(self, *args: Any, **kwargs: Any) -> None:
        """PyTorch's ``Module.compile()``: ``torch.compile`` in place. Later calls of this module
        run through ``compile(self._call_impl, **kwargs)`` (``_compiled_call_impl``), which
        minigrad runs as written: hooks, results and gradients are the module's own, and
        unlike ``minigrad.compile(module)`` (an ``OptimizedModule``) the module, its class and
        its ``state_dict`` keys stay as they are. A copy or a pickle is not compiled, as in
        PyTorch.

        Args:
            **kwargs: ``torch.compile``'s keywords (``mode``, ``backend``, ``dynamic``,
                ``options``, ``disable``...), checked as PyTorch checks them.

        Raises:
            TypeError: a positional argument or an unknown keyword, in PyTorch's words.
            RuntimeError, AssertionError: the keywords PyTorch refuses (``minigrad.compile``).
        """
        if args:
            raise TypeError(
                f"compile() takes from 0 to 1 positional arguments but {len(args) + 1} were "
                "given (Module.compile(**kwargs): torch.compile's keywords, as mode='default')"
            )
        object.__setattr__(self, "_compiled_call_impl", compile_call(self._call_impl, **kwargs))

    def __getstate__(self) -> dict[str, Any]:
        # As PyTorch's: a copy or a pickle of a compiled module is not compiled (the compiled
        # call is bound to this module).
        state = self.__dict__.copy()
        state.pop("_compiled_call_impl", None)
        return state

    # -- hooks --------------------------------------------------------------------------------

    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, args)`` before every ``forward``.

        The hook may return None (inputs unchanged) or new inputs: a tuple, or a single value
        taken as a 1-tuple. With ``with_kwargs=True`` it is called as
        ``hook(module, args, kwargs)`` and may return ``(args, kwargs)``.

        Returns:
            A handle whose ``remove()`` unregisters the hook (also usable as a context manager).
        """
        if not callable(hook):
            raise TypeError(f"a hook must be callable, got {type(hook).__name__}")
        hooks = self._forward_pre_hooks
        with_kwargs_ids = _with_kwargs_ids(self)
        handle = RemovableHandle(hooks, extra=with_kwargs_ids)
        hooks[handle.id] = hook
        if with_kwargs:
            with_kwargs_ids[handle.id] = True
        if prepend:
            for key in [k for k in hooks if k != handle.id]:
                hooks[key] = hooks.pop(key)  # move the others after the new one
        return handle

    def register_forward_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after every ``forward``: a way to look at
        activations.

        The hook may return None (output unchanged) or a replacement output. With
        ``with_kwargs=True`` it is called as ``hook(module, args, kwargs, output)``; with
        ``always_call=True`` it also runs (its result ignored) when ``forward`` raises.

        Returns:
            A handle whose ``remove()`` unregisters the hook (also usable as a context manager).
        """
        return _add_hook(self._forward_hooks, hook, prepend, with_kwargs, always_call)

    def register_full_backward_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` once per backward of each call.

        ``grad_input`` holds the gradients w.r.t. the module's positional inputs (None for an
        input that is not a tensor or needs no gradient), ``grad_output`` those w.r.t. its
        outputs (a tensor or a tuple of tensors). The hook may return a replacement for
        ``grad_input`` (a tuple of the same length), which is what flows on to the inputs.
        Hooks run in registration order (``prepend=True`` puts this one first). When no input
        needs a gradient, the hooks run as the outputs' gradients arrive, with ``grad_input``
        all None (and PyTorch's warning). The hook must not change its arguments in place.

        Returns:
            A handle whose ``remove()`` unregisters the hook.
        """
        return _add_hook(_hooks_of(self, "_backward_hooks"), hook, prepend, False, False)

    def register_full_backward_pre_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` as the gradients w.r.t. the module's outputs
        arrive, before the module's own backward: it may return a replacement for
        ``grad_output`` (a tuple of the same length).

        Returns:
            A handle whose ``remove()`` unregisters the hook.
        """
        return _add_hook(_hooks_of(self, "_backward_pre_hooks"), hook, prepend, False, False)

    def register_backward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """PyTorch's deprecated hook: not supported, use ``register_full_backward_hook``.

        Raises:
            RuntimeError: always. PyTorch's old hook sees the gradients of the last op inside
                the module (for ``Linear``, of its matrix product), not of the module's inputs;
                imitating that by the full hook would give other numbers than PyTorch.
        """
        raise RuntimeError(
            "register_backward_hook() is deprecated in PyTorch and not supported by minigrad: "
            "its grad_input is that of the last operation inside the module, not of the "
            "module's inputs. Use register_full_backward_hook(hook) instead (same signature, "
            "hook(module, grad_input, grad_output), with grad_input w.r.t. the module's inputs)"
        )

    def _call_with_hooks(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        d = self.__dict__
        hooks, pre_hooks = d.get("_backward_hooks"), d.get("_backward_pre_hooks")
        bw_hook = None
        if hooks or pre_hooks:
            bw_hook = BackwardHook(
                self,
                [h.fn for h in (hooks or {}).values()],
                [h.fn for h in (pre_hooks or {}).values()],
            )
        with_kwargs_ids = d.get("_forward_pre_hooks_with_kwargs") or {}
        for hook_id, fn in list(self._forward_pre_hooks.items()):
            if hook_id in with_kwargs_ids:
                result = fn(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(
                            "forward pre-hook must return None or a tuple of (new_args, "
                            f"new_kwargs), but got {result!r}."
                        )
                    args, kwargs = result
            else:
                result = fn(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        if bw_hook is not None:
            args = bw_hook.setup_input_hook(args)
        try:
            output = self.forward(*args, **kwargs)
        except Exception:
            for h in list(self._forward_hooks.values()):
                if h.always_call:
                    try:
                        if h.with_kwargs:
                            h.fn(self, args, kwargs, None)
                        else:
                            h.fn(self, args, None)
                    except Exception:
                        pass  # the forward's own error is the one to report
            raise
        for h in list(self._forward_hooks.values()):
            result = h.fn(self, args, kwargs, output) if h.with_kwargs else h.fn(self, args, output)
            if result is not None:
                output = result
        if bw_hook is not None:
            output = bw_hook.setup_output_hook(output)
        return output

    # -- registration -------------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if params is None:
            raise AttributeError(
                f"cannot assign {name!r} before Module.__init__() is called; call "
                "super().__init__() first in the subclass's __init__"
            )
        if isinstance(value, list | tuple | dict) and _all_modules(value):
            value = ModuleDict(value) if isinstance(value, dict) else ModuleList(value)
        if isinstance(value, Parameter):
            self._forget(name, keep="_parameters")  # a re-assigned name keeps its place
            params[name] = value
        elif isinstance(value, Buffer):
            self._forget(name, keep="_buffers")
            self._buffers[name] = value
            if not value.persistent:
                self._non_persistent.add(name)
        elif isinstance(value, Module):
            self._forget(name, keep="_modules")
            self._modules[name] = value
        elif name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter {name!r} of "
                    f"{type(self).__name__} (Parameter or None expected)"
                )
            params[name] = None
        elif name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as child module {name!r} of "
                    f"{type(self).__name__} (Module or None expected)"
                )
            self._modules[name] = None
        elif name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign {type(value).__name__} as buffer {name!r} of "
                    f"{type(self).__name__} (Tensor or None expected)"
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: str = "") -> None:
        """Drop ``name`` from every registry but ``keep``: one name lives in one place."""
        self.__dict__.pop(name, None)
        for registry in ("_parameters", "_modules", "_buffers"):
            if registry != keep:
                getattr(self, registry).pop(name, None)
        self._non_persistent.discard(name)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: registered things live in the dicts.
        d = self.__dict__
        for registry in ("_parameters", "_modules", "_buffers"):
            reg = d.get(registry)
            if reg is not None and name in reg:
                return reg[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        if name in self._parameters or name in self._modules or name in self._buffers:
            self._forget(name)
        else:
            object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        extra = list(self._parameters) + list(self._modules) + list(self._buffers)
        return sorted(set(super().__dir__()) | set(extra))

    def _register(self, registry: str, name: str, value: Any, kind: type, where: str) -> None:
        """Check a new entry of ``registry`` (a free name, a ``kind`` or None), then store it."""
        _check_name(self, name)
        others = [r for r in ("_parameters", "_modules", "_buffers") if r != registry]
        if name in self.__dict__ or any(name in getattr(self, r) for r in others):
            raise KeyError(f"attribute '{name}' already exists")
        if value is not None and not isinstance(value, kind):
            raise TypeError(
                f"{where}(): {name!r} must be a {kind.__name__} or None, got {type(value).__name__}"
            )
        self._forget(name, keep=registry)
        getattr(self, registry)[name] = value

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None, a placeholder such as a missing bias) under ``name``."""
        self._register("_parameters", name, param, Parameter, "register_parameter")

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` (or None) as a child under ``name``."""
        _check_name(self, name)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module(): {name!r} must be a Module, got {type(module).__name__}")
        self._forget(name, keep="_modules")
        self._modules[name] = module

    register_module = add_module

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a tensor that is state but not a parameter (e.g. running statistics).

        Buffers follow ``float()``/``double()`` and, when persistent, appear in ``state_dict``.
        """
        self._register("_buffers", name, tensor, Tensor, "register_buffer")
        if not persistent:
            self._non_persistent.add(name)

    # -- traversal ----------------------------------------------------------------------------

    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and all below it, with dotted names; a shared module is listed once."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = f"{prefix}.{name}" if prefix else name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and all below it (each once)."""
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct submodules with their names (each module once)."""
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct submodules."""
        for _, m in self.named_children():
            yield m

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted name (``0.weight``, ``layers.1.bias``).

        A parameter shared by several modules is listed once, under the first name found.
        """
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter (each once), in registration order: what an optimizer needs."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """Every buffer with its dotted name (a shared one once, as for parameters)."""
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def _named_members(
        self, slot: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        """The entries of each module's ``slot`` dict (``_parameters`` or ``_buffers``) with
        dotted names; with ``remove_duplicate=False`` a shared module or entry comes again under
        each of its names (PyTorch's ``_named_members``)."""
        if recurse:
            modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        else:
            modules = iter([(prefix, self)])
        seen: set[int] = set()
        for mod_prefix, module in modules:
            for name, member in getattr(module, slot).items():
                if member is None or id(member) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(member))
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), member

    def get_submodule(self, target: str) -> Module:
        """The module at the dotted path ``target`` ("" is self): ``get_submodule("0.conv")``.

        Raises:
            AttributeError: naming the first part of the path that is missing or not a Module.
        """
        module: Module = self
        if target == "":
            return module
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at the dotted path ``target``: ``get_parameter("0.weight")``.

        Raises:
            AttributeError: if a module on the path or the parameter is missing.
        """
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at the dotted path ``target``: ``get_buffer("bn.running_mean")``.

        Raises:
            AttributeError: if a module on the path or the buffer is missing.
        """
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return module._buffers[name]  # type: ignore[return-value]

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def apply(self: M, fn: Callable[[Module], Any]) -> M:
        """Call ``fn`` on every submodule (children first) and on self; returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- modes and gradients ------------------------------------------------------------------

    def train(self: M, mode: bool = True) -> M:
        """Set training mode on this module and every submodule; returns self."""
        if not isinstance(mode, bool):
            raise ValueError(f"train(): mode must be a bool, got {type(mode).__name__}")
        object.__setattr__(self, "training", mode)
        for m in self.children():  # through each child's train(), which it may override
            m.train(mode)
        return self

    def eval(self: M) -> M:
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        """Freeze (False) or unfreeze every parameter; returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of every parameter.

        Args:
            set_to_none: set ``.grad`` to None (cheapest; the next backward allocates fresh
                arrays) instead of filling it with zeros.
        """
        zero_grads(self.parameters(), set_to_none)

    # -- dtype --------------------------------------------------------------------------------

    def to(self: M, *args: Any, **kwargs: Any) -> M:
        """Cast every floating parameter, gradient and buffer, in place; returns self.

        PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(tensor)``
        (its dtype) and the keywords ``device``, ``dtype``, ``non_blocking``. The device must be
        the CPU (minigrad computes on the CPU with NumPy). Parameters keep their identity
        (their ``._data`` is replaced), so optimizers built before the cast still hold them.

        Raises:
            TypeError: if the dtype is not a floating dtype.
            RuntimeError: for any device but the CPU.
        """
        dtype, _ = parse_to(args, kwargs)
        if dtype is None:
            return self
        dt = np.dtype(dtype)
        if dt.kind != "f":
            raise TypeError(
                f"nn.Module.to only accepts floating point or complex dtypes, but got desired "
                f"dtype={dt}"
            )
        for p in self.parameters():
            if _is_lazy(p):  # no values yet: it will materialize in dt
                p._retype(dt)  # type: ignore[attr-defined]
                continue
            if p._data.dtype != dt:
                p._data = p._data.astype(dt)
            if p.grad is not None and p.grad._data.dtype != dt:
                p.grad._data = p.grad._data.astype(dt)
        for b in self.buffers():
            if _is_lazy(b):
                b._retype(dt)  # type: ignore[attr-defined]
            elif b._data.dtype.kind == "f" and b._data.dtype != dt:
                b._data = b._data.astype(dt)
        return self

    def float(self: M) -> M:
        """Cast to float32 in place; returns self."""
        return self.to(np.float32)

    def double(self: M) -> M:
        """Cast to float64 in place; returns self."""
        return self.to(np.float64)

    def half(self: M) -> M:
        """Cast to float16 in place; returns self."""
        return self.to(np.float16)

    def type(self: M, dst_type: Any) -> M:
        """Cast every parameter (and its gradient) and every buffer to ``dst_type`` in place,
        as PyTorch's ``Module.type``: a dtype or a type name (``"minigrad.DoubleTensor"``,
        ``"torch.FloatTensor"``); returns self. Unlike ``to``, integer buffers are cast too.

        Raises:
            RuntimeError: for a dtype that is not floating point while the module has
                parameters (they receive gradients), with PyTorch's message.
        """
        probe = Tensor._wrap(np.zeros((), dtype=np.float32), None).type(dst_type)
        dt = probe._data.dtype
        params = list(self.parameters())
        if params and dt.kind != "f":
            raise RuntimeError(
                "data set to a tensor that requires gradients must be floating point or "
                f"complex dtype (Module.type({dst_type!r}) would make the parameters {dt})"
            )
        for p in params:
            if _is_lazy(p):  # no values yet: it will materialize in dt
                p._retype(dt)  # type: ignore[attr-defined]
                continue
            p._data = p._data.astype(dt, copy=False)
            if p.grad is not None:
                p.grad._data = p.grad._data.astype(dt, copy=False)
        for b in self.buffers():
            if _is_lazy(b):
                b._retype(dt)  # type: ignore[attr-defined]
            else:
                b._data = b._data.astype(dt, copy=False)
        return self

    def cpu(self: M) -> M:
        """Returns self (minigrad computes on the CPU)."""
        return self

    def cuda(self: M, device: Any = None) -> M:
        """Raises: minigrad has no GPU."""
        as_device("cuda")
        return self

    # -- state dict ---------------------------------------------------------------------------

    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> OrderedDict[str, Tensor]:
        """Every parameter and persistent buffer by dotted name, as PyTorch lays it out.

        Args:
            prefix: prepended to every key.
            keep_vars: return the Parameters themselves instead of detached tensors.

        Returns:
            An ordered dict ``name -> Tensor``; the tensors share their arrays with the model
            (copy them to keep a snapshot). A tied parameter appears under each of its names.
        """
        out: OrderedDict[str, Tensor] = OrderedDict()
        for name, t in self._state_items(prefix):
            out[name] = t if keep_vars or _is_lazy(t) else t.detach()  # (no values to detach)
        return out

    def _state_items(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """(key, tensor) of every state entry, shared ones under every name (as PyTorch)."""
        for key, _, _, t in self._state_slots(prefix):
            yield key, t

    def _state_slots(self, prefix: str = "") -> Iterator[tuple[str, Module, str, Tensor]]:
        """(key, owning module, attribute name, tensor) of every state entry."""
        for name, mod in self.named_modules(prefix=prefix.rstrip("."), remove_duplicate=False):
            dot = f"{name}." if name else ""
            for pname, p in mod._parameters.items():
                if p is not None:
                    yield dot + pname, mod, pname, p
            for bname, b in mod._buffers.items():
                if b is not None and bname not in mod._non_persistent:
                    yield dot + bname, mod, bname, b

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """Copy arrays from ``state_dict`` into the parameters and buffers, in place, or with
        ``assign=True`` make its tensors the module's own.

        Everything is checked before anything is changed: on error the model is unchanged.

        Args:
            state_dict: ``name -> Tensor or ndarray`` (e.g. from ``state_dict()``, a checkpoint
                or a PyTorch model converted with ``.numpy()``). Values are cast to each
                parameter's dtype.
            strict: require exactly the model's keys.
            assign: PyTorch's option: instead of copying, each buffer becomes the state dict's
                tensor itself and each parameter a Parameter sharing the tensor's array (the
                tensor itself if it is a Parameter), with the module parameter's
                ``requires_grad`` and the tensor's dtype. Values must be Tensors. An optimizer
                made before loading still holds the old parameters: make it after.

        Returns:
            ``(missing_keys, unexpected_keys)``.

        Raises:
            RuntimeError: in PyTorch's words (``Missing key(s) in state_dict: ...``,
                ``Unexpected key(s) ...`` when strict, ``size mismatch for ...``, values that
                are not numeric arrays, or with ``assign=True`` not Tensors, or not floating
                point for a parameter that requires grad), then a last line saying nothing was
                loaded.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict(): expected a mapping of names to arrays, "
                f"got {type(state_dict).__name__}"
            )
        slots = {key: (mod, name, t) for key, mod, name, t in self._state_slots()}
        missing = [k for k in slots if k not in state_dict]
        unexpected = [str(k) for k in state_dict if k not in slots]
        # PyTorch's messages, in its order: missing keys, unexpected keys, then per entry
        problems: list[str] = []
        if strict and missing:
            problems.append(
                "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". "
            )
        if strict and unexpected:
            problems.append(
                "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ". "
            )
        copies: list[tuple[Tensor, np.ndarray]] = []
        lazy: set[int] = set()  # ids of uninitialized entries, materialized from the checkpoint
        assigns: list[tuple[Module, str, Tensor, bool]] = []
        for key, (mod, name, target) in slots.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if _is_lazy(value):
                if _is_lazy(target):
                    continue  # nothing to copy: both wait for a forward
                _ = value.shape  # PyTorch's RuntimeError: it has no values to load
            if assign and not isinstance(value, Tensor):
                problems.append(
                    f'While copying the parameter named "{key}", expected minigrad.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(value)} "
                    "(assign=True makes the checkpoint's tensors the module's own: wrap an "
                    "array with minigrad.from_numpy to share it, or load with assign=False "
                    "to copy it)"
                )
                continue
            arr = value._data if isinstance(value, Tensor) else value
            try:
                arr = np.asarray(arr)
            except Exception:  # any failure means "not an array"
                arr = np.asarray(None)
            if arr.dtype.kind not in "biuf":
                problems.append(
                    f'While copying the parameter named "{key}", expected minigrad.Tensor or '
                    "Tensor-like object (a NumPy array of numbers) from checkpoint but "
                    f"received {type(value)}"
                )
            elif not _is_lazy(target) and arr.shape != target._data.shape:
                problems.append(
                    f"size mismatch for {key}: copying a param with shape {Size(arr.shape)} "
                    "from checkpoint, the shape in current model is "
                    f"{Size(target._data.shape)}."
                )
            elif not assign:
                copies.append((target, arr))
                if _is_lazy(target):
                    lazy.add(id(target))
            elif not isinstance(target, Parameter):
                assigns.append((mod, name, value, False))
            elif isinstance(value, Parameter):
                assigns.append((mod, name, value, target.requires_grad))
            elif arr.dtype.kind != "f":
                why = (
                    "Only Tensors of floating point and complex dtype can require gradients"
                    if target.requires_grad
                    else "a minigrad Parameter must be floating point"
                )
                problems.append(
                    f'While copying the parameter named "{key}", whose dimensions in the model '
                    f"are {Size(target._data.shape)} and whose dimensions in the checkpoint are "
                    f"{Size(arr.shape)}, an exception occurred : ({why!r},)."
                )
            else:
                new = Parameter(value.detach(), requires_grad=target.requires_grad)
                assigns.append((mod, name, new, target.requires_grad))
        if problems:
            # minigrad's extra: PyTorch has copied the entries that fit by then; minigrad
            # checks everything first, so the module is as it was
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(problems)
                + "\nNothing was loaded: the module is unchanged."
            )
        for target, arr in copies:
            if id(target) in lazy:
                target.materialize(arr.shape)  # type: ignore[attr-defined]
            if arr is not target._data:
                np.copyto(target._data, arr, casting="unsafe")
                bump_version(target)
        for mod, name, value, requires_grad in assigns:
            if isinstance(value, Parameter):
                value.requires_grad = requires_grad  # PyTorch's requires_grad_ on a given one
            setattr(mod, name, value)
        return _IncompatibleKeys(missing, unexpected)

    # -- repr ---------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr line (override it)."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({key}): " + _indent(repr(module), 2) for key, module in self._modules.items()
        ]
        lines = extra_lines + child_lines
        body = ""
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                body = extra_lines[0]
            else:
                body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"


class _Hook(NamedTuple):
    fn: Callable[..., Any]
    with_kwargs: bool
    always_call: bool


class RemovableHandle:
    """Returned by the ``register_*_hook`` methods: ``remove()`` unregisters the hook.

    Also a context manager: the hook is removed on leaving the ``with`` block.
    """

    _next_id = 0

    def __init__(self, hooks: dict[int, Any], extra: dict[int, Any] | None = None) -> None:
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1
        self._hooks = hooks
        self._extra = extra  # a dict of flags kept beside the hooks, by the same id

    def remove(self) -> None:
        """Unregister the hook (doing it twice is harmless)."""
        self._hooks.pop(self.id, None)
        if self._extra is not None:
            self._extra.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _add_hook(
    hooks: dict[int, _Hook],
    fn: Callable[..., Any],
    prepend: bool,
    with_kwargs: bool,
    always_call: bool,
) -> RemovableHandle:
    if not callable(fn):
        raise TypeError(f"a hook must be callable, got {type(fn).__name__}")
    handle = RemovableHandle(hooks)
    hooks[handle.id] = _Hook(fn, with_kwargs, always_call)
    if prepend:
        for key in [k for k in hooks if k != handle.id]:
            hooks[key] = hooks.pop(key)  # move the others after the new one
    return handle


def _with_kwargs_ids(module: Module) -> dict[int, bool]:
    """The ids of ``module``'s forward pre-hooks that take kwargs, the dict made if missing
    (a module pickled before it existed)."""
    ids = module.__dict__.get("_forward_pre_hooks_with_kwargs")
    if ids is None:
        ids = OrderedDict()
        object.__setattr__(module, "_forward_pre_hooks_with_kwargs", ids)
    return ids


def _hooks_of(module: Module, slot: str) -> dict[int, _Hook]:
    """The hook dict ``slot`` of ``module``, made if missing (a module pickled before it
    existed)."""
    hooks = module.__dict__.get(slot)
    if hooks is None:
        hooks = OrderedDict()
        object.__setattr__(module, slot, hooks)
    return hooks


def _param(module: Module, name: str) -> Any:
    """``module.<name>`` for a layer's forward: read from the parameter registry, for speed
    (attribute access goes through ``Module.__getattr__``), else from the instance, where
    ``nn.utils.weight_norm`` puts the weight it recomputes before each forward, else computed
    by ``nn.utils.parametrize`` (a parametrized weight); None if none of them (no bias)."""
    params = module._parameters
    if name in params:
        return params[name]
    d = module.__dict__
    if name in d:
        return d[name]
    if "parametrizations" in module._modules:
        return getattr(module, name)
    return None


def _is_lazy(t: Any) -> bool:
    """Whether ``t`` is an ``UninitializedParameter`` or ``UninitializedBuffer`` (``lazy.py``,
    which imports this file): a lazy module's entry, with no values until its first forward."""
    return getattr(type(t), "_uninitialized", False)


def _indent(text: str, spaces: int) -> str:
    """Indent every line but the first (nested reprs line up under their key)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    pad = " " * spaces
    return lines[0] + "\n" + "\n".join(pad + line for line in lines[1:])


def _all_modules(value: Any) -> bool:
    """A non-empty container holding only Modules (and, for dicts, string keys)."""
    if not value:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and isinstance(v, Module) for k, v in value.items())
    return all(isinstance(v, Module) for v in value)


def _check_name(module: Module, name: str) -> None:
    if not isinstance(name, str) or not name or "." in name:
        raise KeyError(
            f"{type(module).__name__}: invalid name {name!r} (a non-empty str "
            "without dots is needed)"
        )
    if "_parameters" not in module.__dict__:
        raise AttributeError("cannot register before Module.__init__() is called")
    if hasattr(type(module), name):
        raise KeyError(f"{type(module).__name__}: {name!r} is already a class attribute")


def zero_grads(params: Iterable[Tensor], set_to_none: bool = True) -> None:
    """PyTorch's ``zero_grad`` (of `Module` and of `Optimizer`): each ``.grad`` set to None,
    or detached and zeroed in place, so every reference to it and to its memory sees zeros."""
    for p in params:
        g = p._grad
        if g is None:
            continue
        if set_to_none:
            p._grad = None
            continue
        # detach_(): a gradient recorded under create_graph leaves its graph.
        g.grad_fn, g._requires_grad = None, False
        if g._data.flags.writeable:
            g._data.fill(0)
            bump_version(g)
        else:  # a broadcast view assigned by hand: nothing to write into
            g._data = np.zeros_like(g._data)


# ---------------------------------------------------------------------------------------------
# Containers: here, beside Module, because Module turns assigned lists and dicts into them.


class _Numbered(Module):
    """What ModuleList and Sequential share: modules named "0", "1", ... by position, with
    ``len``, iteration, item assignment and deletion (renumbered), ``append`` and ``extend``."""

    def _index(self, idx: int) -> str:
        n = len(self._modules)
        if not -n <= idx < n:
            raise IndexError(f"{self._get_name()}: index {idx} is out of range for length {n}")
        return list(self._modules)[idx % n]

    def __setitem__(self, idx: int, module: Module) -> None:
        setattr(self, self._index(idx), _check_module(module, self._get_name()))

    def __delitem__(self, idx: int | slice) -> None:
        keys = list(self._modules)
        for key in keys[idx] if isinstance(idx, slice) else [self._index(idx)]:
            del self._modules[key]
        # Renumber "0", "1", ... as PyTorch does, so append() and state dict keys stay dense.
        modules = list(self._modules.values())
        self._modules.clear()
        for i, module in enumerate(modules):
            self._modules[str(i)] = module

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())  # type: ignore[arg-type]

    def append(self: N, module: Module) -> N:
        """Add ``module`` at the end (named by its position); returns self."""
        self.add_module(str(len(self)), _check_module(module, self._get_name()))
        return self

    def extend(self: N, modules: Iterable[Module]) -> N:
        """Append each of ``modules``; returns self."""
        for m in modules:
            self.append(m)
        return self

    def _insert(self, index: int, module: Module) -> None:
        """Put ``module`` before position ``index`` (negative counts from the end); the modules
        after it move up one name, as PyTorch renumbers them."""
        _check_module(module, self._get_name())
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"Index out of range: {index}")
        index = index + n if index < 0 else index
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(modules):
            self._modules[str(i)] = m

    def pop(self, key: int | slice) -> Any:
        """Remove and return the module at ``key`` (a slice: the container of those)."""
        taken = self[key]  # type: ignore[index]
        del self[key]
        return taken


class ModuleList(_Numbered):
    """A list of modules whose parameters are registered (named "0", "1", ...).

    A plain list of Modules assigned to a Module attribute is turned into one automatically.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])  # type: ignore[arg-type]
        return self._modules[self._index(idx)]

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``."""
        self._insert(index, module)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        """A new ModuleList of these modules then ``other``'s (a list or a ModuleList)."""
        return ModuleList([*self._modules.values(), *other])  # type: ignore[list-item]

    def __iadd__(self, other: Iterable[Module]) -> ModuleList:
        """Append ``other``'s modules in place."""
        return self.extend(other)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleList has no forward(): iterate over it instead")

    def __repr__(self) -> str:
        """PyTorch's: a run of modules that print alike is one line, ``(0-5): 6 x Layer(...)``
        (the layers of a Transformer's stack)."""
        reprs = [repr(m) for m in self._modules.values()]
        if not reprs:
            return f"{self._get_name()}()"
        runs: list[list[Any]] = []  # [first index, last index, repr]
        for idx, text in enumerate(reprs):
            if runs and runs[-1][2] == text:
                runs[-1][1] = idx
            else:
                runs.append([idx, idx, text])
        lines = [
            _indent(f"({a}): {text}" if a == b else f"({a}-{b}): {b - a + 1} x {text}", 2)
            for a, b, text in runs
        ]
        return f"{self._get_name()}(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of modules whose parameters are registered under their keys."""

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            for key, module in modules.items():
                self[key] = module

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]  # type: ignore[return-value]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, _check_module(module, "ModuleDict"))

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        """The names of the modules, in insertion order."""
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        """The modules, in insertion order."""
        return self._modules.values()  # type: ignore[return-value]

    def items(self) -> Iterable[tuple[str, Module]]:
        """(name, module) pairs, in insertion order."""
        return self._modules.items()  # type: ignore[return-value]

    def pop(self, key: str) -> Module:
        """Remove the module named ``key`` and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every module."""
        self._modules.clear()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add (or replace) modules from a mapping or from (name, module) pairs."""
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for key, module in pairs:
            self[key] = module

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleDict has no forward(): index it instead")


class ParameterList(Module):
    """A list of parameters registered under "0", "1", ... (a plain Tensor given to it is made
    a Parameter, as in PyTorch), so ``parameters()``, the optimizers and ``state_dict`` see
    them."""

    def __init__(self, values: Iterable[Tensor] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def _key(self, idx: int) -> str:
        n = len(self._parameters)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range")
        return str(idx % n)

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return type(self)(list(self)[idx])
        return self._parameters[self._key(idx)]

    def __setitem__(self, idx: int, param: Tensor) -> None:
        self.register_parameter(self._key(idx), _as_parameter(param, "ParameterList"))

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._parameters.values())  # type: ignore[arg-type]

    def append(self, value: Tensor) -> ParameterList:
        """Add ``value`` at the end; returns self."""
        self.register_parameter(str(len(self)), _as_parameter(value, "ParameterList"))
        return self

    def extend(self, values: Iterable[Tensor]) -> ParameterList:
        """Append each of ``values``; returns self."""
        for v in values:
            self.append(v)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"  ({k}): {_summary(p)}" for k, p in self._parameters.items())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ParameterList has no forward(): iterate over it instead")


class ParameterDict(Module):
    """A dict of parameters registered under their keys (a plain Tensor is made a
    Parameter)."""

    def __init__(self, parameters: Mapping[str, Tensor] | None = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Parameter:
        return self._parameters[key]  # type: ignore[return-value]

    def __setitem__(self, key: str, param: Tensor) -> None:
        self.register_parameter(key, _as_parameter(param, "ParameterDict"))

    def __delitem__(self, key: str) -> None:
        del self._parameters[key]

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def keys(self) -> Iterable[str]:
        """The names, in insertion order."""
        return self._parameters.keys()

    def values(self) -> Iterable[Parameter]:
        """The parameters, in insertion order."""
        return self._parameters.values()  # type: ignore[return-value]

    def items(self) -> Iterable[tuple[str, Parameter]]:
        """(name, parameter) pairs, in insertion order."""
        return self._parameters.items()  # type: ignore[return-value]

    def pop(self, key: str) -> Parameter:
        """Remove the parameter named ``key`` and return it."""
        param = self[key]
        del self[key]
        return param

    def update(self, parameters: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]]) -> None:
        """Add (or replace) parameters from a mapping or from (name, tensor) pairs.

        A plain ``dict`` is added in the sorted order of its keys, as PyTorch does (so
        ``parameters()``, ``state_dict()`` and an optimizer's parameter indices come in
        PyTorch's order); an ``OrderedDict``, a ``ParameterDict`` or pairs keep their order.
        """
        pairs: Iterable[tuple[str, Tensor]]
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = parameters.items()
        elif isinstance(parameters, Mapping):
            pairs = sorted(parameters.items())
        else:
            pairs = parameters
        for key, value in pairs:
            self[key] = value

    def extra_repr(self) -> str:
        # PyTorch prints the dict's entries by type name (FloatTensor), the list's by dtype
        return "\n".join(
            f"  ({k}): {_summary(p, by_type=True)}" for k, p in self._parameters.items()
        )

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ParameterDict has no forward(): index it instead")


def _as_parameter(value: Any, where: str) -> Parameter:
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(f"{where}: expected a Parameter or a Tensor, got {type(value).__name__}")


def _summary(p: Tensor | None, by_type: bool = False) -> str:
    """``Parameter containing: [minigrad.float32 of size 2x3]`` (``by_type``:
    ``minigrad.FloatTensor``), as PyTorch's containers print their parameters."""
    if p is None:
        return "None"
    size = "x".join(str(n) for n in p.shape)
    kind = p.type() if by_type else p.dtype
    return f"Parameter containing: [{kind} of size {size}]"


def _check_module(module: Any, where: str) -> Module:
    if not isinstance(module, Module):
        raise TypeError(f"{where}: expected a Module, got {type(module).__name__}")
    return module
