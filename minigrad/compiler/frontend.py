"""``minigrad.compile``: PyTorch 2's ``torch.compile(model)`` and the training-step compiler.

``compile(model_or_fn, **torch_options)`` is PyTorch's form and runs eagerly here (minigrad has
no graph compiler for inference); ``compile(model, loss_fn, optimizer)`` is the step compiler of
step.py. Two more positional arguments (or ``loss_fn=``/``optimizer=``) select the second form:
PyTorch's ``compile`` takes nothing positional after the model, so the forms cannot be confused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..nn import compiling
from ..nn.module import Module
from .step import compile as compile_step

_FORMS = (
    "compile(model) / compile(fn) / @compile / @compile(mode=...), PyTorch's torch.compile, "
    "run eagerly; or compile(model, loss_fn, optimizer), the compiled training step"
)


class OptimizedModule(Module):
    """What ``compile(module)`` returns, as PyTorch's ``OptimizedModule``: a wrapper that runs
    the original module eagerly.

    The module is ``_orig_mod`` (so ``state_dict()`` keys start with ``_orig_mod.`` and such a
    dict loads back into the wrapper, as in PyTorch); ``training`` is the module's, and other
    attributes are read from and written to the module. minigrad compiles no inference graph:
    calling the wrapper is calling the module. For speed, compile the training step with
    ``compile(model, loss_fn, optimizer)``.
    """

    # Attributes that live on the wrapper itself; every other one is the module's.
    _own = frozenset({"_orig_mod", "forward", "_initialized", "__dict__"})

    def __init__(self, mod: Module) -> None:
        # First, as PyTorch: reading or writing an attribute goes to _orig_mod.
        object.__setattr__(self, "_orig_mod", mod)
        object.__setattr__(self, "_initialized", False)
        super().__init__()
        object.__setattr__(self, "_initialized", True)
        self._orig_mod = mod  # registered as the only child

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The original module's call, with its hooks: ``_orig_mod(*args, **kwargs)``."""
        return self._orig_mod(*args, **kwargs)

    @property
    def training(self) -> bool:
        """The original module's mode (PyTorch's wrapper mirrors it too)."""
        return bool(self._orig_mod.training)

    @training.setter
    def training(self, value: bool) -> None:
        # Module.__init__ sets the default; only later writes are the module's.
        if self.__dict__.get("_initialized"):
            self._orig_mod.training = value

    def __len__(self) -> int:
        if hasattr(type(self._orig_mod), "__len__"):
            return len(self._orig_mod)
        raise TypeError(f"{type(self._orig_mod).__name__} does not support len()")

    def __getattr__(self, name: str) -> Any:
        mod = self.__dict__.get("_modules", {}).get("_orig_mod")
        if mod is None:  # not yet initialised (copy and pickle probe attributes then)
            raise AttributeError(f"'OptimizedModule' object has no attribute {name!r}")
        return mod if name == "_orig_mod" else getattr(mod, name)

    def __reduce__(self) -> tuple[type[OptimizedModule], tuple[Module]]:
        # As PyTorch's: a copy or a pickle is a new wrapper around a copy of the module.
        return (type(self), (self._orig_mod,))

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(type(self), name) or name in OptimizedModule._own:
            super().__setattr__(name, value)
        else:
            setattr(self._orig_mod, name, value)

    def __delattr__(self, name: str) -> None:
        if hasattr(type(self), name) or name in OptimizedModule._own:
            super().__delattr__(name)
        else:
            delattr(self._orig_mod, name)

    def __dir__(self) -> list[str]:
        own = dir(self._orig_mod)
        return own + [a for a in super().__dir__() if a not in own]


def compile(
    model: Any = None,
    loss_fn: Callable[[Any, Any], Any] | None = None,
    optimizer: Any = None,
    *,
    fullgraph: bool = False,
    dynamic: bool | None = None,
    backend: str | Callable[..., Any] | None = None,
    mode: str | None = None,
    options: dict[str, Any] | None = None,
    name: str | None = None,
    disable: bool = False,
    recompile_limit: int | None = None,
    isolate_recompiles: bool = False,
    shapes_spec: Any = None,
) -> Any:
    """PyTorch's ``torch.compile``, run eagerly; with ``loss_fn`` and ``optimizer``, the
    compiled training step.

    ``compile(module)`` returns an ``OptimizedModule`` whose call runs the module as written;
    ``compile(fn)`` returns ``fn`` wrapped by ``functools.wraps``; ``compile(**options)``
    (``@compile(mode="reduce-overhead")``) returns a decorator. minigrad has no graph compiler
    for inference, so the keywords change nothing, but they are checked as PyTorch 2.13 checks
    them, so a call that PyTorch refuses is refused here too. ``disable=True`` returns the model
    or function itself. For speed, compile the whole training step:
    ``compile(model, loss_fn, optimizer)`` returns a ``CompiledStep`` (see docs/compile.md);
    this form takes none of PyTorch's keywords.

    Args:
        model: an ``nn.Module`` or a callable; None for the decorator form.
        loss_fn: the step compiler's ``loss_fn(output, y)`` (only in that form).
        optimizer: the step compiler's optimizer (only in that form).
        fullgraph, dynamic, backend, mode, options, name, disable, recompile_limit,
            isolate_recompiles, shapes_spec: PyTorch's, checked and otherwise unused but
            ``disable``.

    Returns:
        An ``OptimizedModule``, a wrapped function, a decorator, the model itself
        (``disable=True``) or a ``CompiledStep``.

    Raises:
        TypeError: for a call that is neither form.
        RuntimeError: for ``mode`` and ``options`` together, an unknown ``mode`` or
            ``backend``, or ``None`` handed to the decorator (PyTorch's errors).
        AssertionError: for a model that is not callable or a ``dynamic`` that is not a bool
            (PyTorch's exception type).
    """
    if loss_fn is not None or optimizer is not None:
        torch_options = {
            "fullgraph": fullgraph is not False,
            "dynamic": dynamic is not None,
            "backend": backend is not None,
            "mode": mode is not None,
            "options": options is not None,
            "name": name is not None,
            "disable": disable is not False,
            "recompile_limit": recompile_limit is not None,
            "isolate_recompiles": isolate_recompiles is not False,
            "shapes_spec": shapes_spec is not None,
        }
        given = [k for k, v in torch_options.items() if v]
        if loss_fn is None or optimizer is None or model is None or given:
            missing = [n for n, v in (("model", model), ("loss_fn", loss_fn)) if v is None]
            missing += ["optimizer"] if optimizer is None else []
            what = f"missing {', '.join(missing)}" if missing else f"got {', '.join(given)}"
            raise TypeError(
                f"compile(): the training-step form takes exactly (model, loss_fn, optimizer) "
                f"and none of torch.compile's keywords ({what}); the forms are {_FORMS}"
            )
        if isinstance(model, OptimizedModule):
            model = model._orig_mod  # model = compile(model) first: the step runs the module
        return compile_step(model, loss_fn, optimizer)

    def settings(target: Any) -> Any:
        return compile(
            target,
            fullgraph=fullgraph,
            dynamic=dynamic,
            backend=backend,
            mode=mode,
            options=options,
            name=name,
            disable=disable,
            recompile_limit=recompile_limit,
            isolate_recompiles=isolate_recompiles,
            shapes_spec=shapes_spec,
        )

    if model is None:

        def decorator(target: Any) -> Any:
            if target is None:
                raise RuntimeError("Model can't be None")
            return settings(target)

        return decorator

    if isinstance(model, Module):
        if not compiling.checked(model, dynamic, backend, mode, options, disable):
            return model
        return OptimizedModule(model)
    return compiling.compile(
        model,
        fullgraph=fullgraph,
        dynamic=dynamic,
        backend=backend,
        mode=mode,
        options=options,
        name=name,
        disable=disable,
        recompile_limit=recompile_limit,
        isolate_recompiles=isolate_recompiles,
        shapes_spec=shapes_spec,
    )


def reset() -> None:
    """PyTorch's ``torch.compiler.reset()``: clear what compiling cached.

    ``compile(model)`` caches nothing and each ``CompiledStep`` keeps its own traces (clear one
    with ``step.reset()``), so there is nothing global to clear; it exists so code that calls it
    runs.
    """


def is_compiling() -> bool:
    """PyTorch's ``torch.compiler.is_compiling()``: False, as minigrad never traces Python the
    way Dynamo does (``compile(model)`` runs eagerly, and the step compiler records the model by
    running it eagerly once).
    """
    return False
