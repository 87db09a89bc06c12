"""PyTorch's ``torch.compile`` arguments, checked as PyTorch 2.13 checks them, and its
function form: here, below ``minigrad.compile`` (compiler/frontend.py), so that
``Module.compile()``, the in-place form, reads them the same way.

minigrad has no graph compiler for inference: what compiling a function gives runs it as
written (``compile(model, loss_fn, optimizer)``, the training step, is the compiler).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# PyTorch's modes (torch._inductor's list, in the order its error prints them).
MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
# The backends PyTorch registers (``torch._dynamo.list_backends(exclude_tags=())`` without its
# testing-only ones); a callable backend is taken as in PyTorch. None of them changes anything.
BACKENDS = (
    "aot_eager",
    "aot_eager_decomp_partition",
    "aot_eager_default_partitioner",
    "aot_ts",
    "cudagraphs",
    "eager",
    "eager_debug",
    "eager_noexcept",
    "inductor",
    "openxla",
    "openxla_eval",
    "pre_dispatch_eager",
    "ts",
    "tvm",
)


def checked(model: Any, dynamic: Any, backend: Any, mode: Any, options: Any, disable: Any) -> bool:
    """PyTorch's checks of ``torch.compile(model, ...)``, in its order; False where
    ``disable=True`` makes compiling return the model itself (checked no further, as there).

    Raises:
        RuntimeError: ``mode`` and ``options`` together, an unknown ``mode`` or ``backend``.
        AssertionError: a model that is not callable, a ``dynamic`` that is not a bool
            (PyTorch's exception type).
    """
    if mode is not None and options is not None:
        raise RuntimeError(
            "Either mode or options can be specified, but both can't be specified at the same time."
        )
    if backend is None or backend == "inductor":
        if mode is not None and mode not in MODES:
            raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(MODES)}")
    elif isinstance(backend, str) and backend not in BACKENDS:
        raise RuntimeError(
            f"Invalid backend: {backend!r}, the backends are {', '.join(BACKENDS)} or a callable"
        )
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if disable:
        return False
    if dynamic is not None and not isinstance(dynamic, bool):
        raise AssertionError(f"Expected enable to be a bool, got {type(dynamic)}")
    return True


def compile(
    fn: Callable[..., Any],
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
) -> Callable[..., Any]:
    """``torch.compile(fn, ...)`` of a function (``Module.compile`` compiles its call so):
    ``fn`` wrapped by ``functools.wraps``, run as written, or ``fn`` itself with
    ``disable=True``; the keywords PyTorch's, checked (``checked``), otherwise unused."""
    if not checked(fn, dynamic, backend, mode, options, disable):
        return fn

    @functools.wraps(fn)
    def compiled(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    return compiled
