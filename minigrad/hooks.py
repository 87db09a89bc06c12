"""Gradient hooks: where ``Tensor.register_hook`` keeps a hook, the handle that removes it, and
the check of what a hook returns.

A leaf keeps its hooks in ``_hooks``, a computed tensor on its node (``grad_fn.hooks``); the
walk (``engine._run_hooks``) calls them with the gradient as a Tensor. Below the engine and the
Tensor class: like them, it treats anything with a ``._data`` array as a tensor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["HookHandle", "checked_result", "register"]


class HookHandle:
    """Returned by ``register_hook``; ``remove()`` takes the hook away."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self.hooks, self.hook = hooks, hook

    def remove(self) -> None:
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


def register(t: Any, hook: Callable[[Any], Any]) -> HookHandle:
    """Add ``hook`` to the hooks of ``t``: its own for a leaf, its node's for a computed tensor."""
    if not t.requires_grad:
        raise RuntimeError("register_hook(): the tensor does not require grad")
    owner, slot = (t, "_hooks") if t.grad_fn is None else (t.grad_fn, "hooks")
    hooks = getattr(owner, slot)
    if hooks is None:
        hooks = []
        setattr(owner, slot, hooks)
    hooks.append(hook)
    return HookHandle(hooks, hook)


def checked_result(new: Any, grad: Any) -> Any:
    """What a hook returned in place of ``grad`` (a Tensor), checked as PyTorch checks it: a
    floating-point tensor of the gradient's shape, returned as it is, or an array or number of
    that shape, returned as an array of the gradient's dtype (for the caller to wrap).

    Raises:
        TypeError: for anything else (a string, a list, an integer tensor).
        RuntimeError: for a gradient of another shape.
    """
    if not hasattr(new, "grad_fn"):  # a plain array or number
        if not isinstance(new, np.ndarray | np.generic | int | float) or isinstance(new, bool):
            raise TypeError(f"expected Tensor, but hook returned '{type(new).__name__}'")
        if np.asarray(new).dtype.kind not in "iuf":
            raise TypeError(
                f"expected Tensor, but hook returned an array of dtype {np.asarray(new).dtype}"
            )
        new = np.asarray(new, dtype=grad.dtype)
    elif new.dtype.kind != "f":
        raise TypeError(
            f"a hook returned a gradient of dtype {new._data.dtype}; expected a "
            f"floating-point tensor like the gradient ({grad._data.dtype})"
        )
    if new.shape != grad.shape:
        raise RuntimeError(
            f"a hook returned a gradient of shape {tuple(new.shape)}; expected {tuple(grad.shape)}"
        )
    return new
