"""Gradient hooks: where ``Tensor.register_hook`` keeps a hook, the handle that removes it, and
the check of what a hook returns.

A leaf keeps its hooks in ``_hooks``, a computed tensor on its node (``grad_fn.hooks``); the
walk (``engine._run_hooks``) calls them with the gradient as a Tensor. A node's own hooks
(``grad_fn.register_prehook``/``register_hook``, PyTorch's ``Node`` hooks) are kept here too.
Below the engine and the Tensor class: like them, it treats anything with a ``._data`` array
as a tensor.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "HookHandle",
    "PostAccumulateGradHook",
    "PostHook",
    "PreHook",
    "RetainGrad",
    "after_accumulate",
    "checked_result",
    "register",
    "register_post_accumulate",
    "register_posthook",
    "register_prehook",
    "retain_grad",
]


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
    # before a node's pre-hooks and a retain_grad() hook, whenever they came (PyTorch's order)
    at = next((i for i, h in enumerate(hooks) if isinstance(h, PreHook | RetainGrad)), len(hooks))
    hooks.insert(at, hook)
    return HookHandle(hooks, hook)


class RetainGrad:
    """The hook ``retain_grad()`` puts on a computed tensor's node: it keeps a copy of the
    gradient that reaches the tensor in its ``.grad``, added to what an earlier backward left
    there, after the node's other hooks. (A copy: the engine may hand the same array on to an
    input, whose ``.grad`` must not change with this one. Under ``create_graph`` the copy is
    recorded, so the kept gradient is differentiable.)"""

    def __init__(self, t: Any) -> None:
        self.ref = weakref.ref(t)  # the hook must not keep the tensor alive

    def __call__(self, grad: Any) -> None:
        t = self.ref()
        if t is not None:
            kept = grad.clone()
            t._grad = kept if t._grad is None else t._grad + kept


def retain_grad(t: Any) -> None:
    """``t.retain_grad()``: a computed tensor keeps its gradient in ``.grad`` (a leaf does
    anyway, so nothing happens for one)."""
    if not t.requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if t.grad_fn is None or retains_grad(t):
        return
    hooks = t.grad_fn.hooks
    if hooks is None:
        hooks = t.grad_fn.hooks = []
    hooks.append(RetainGrad(t))


def retains_grad(t: Any) -> bool:
    """Whether ``retain_grad()`` was called on the computed tensor ``t`` (False for a leaf)."""
    node = t.grad_fn
    return node is not None and any(isinstance(h, RetainGrad) for h in node.hooks or ())


def move_retained(old: Any, new: Any) -> None:
    """A tensor changed in place moves from node ``old`` to ``new``: its retain_grad() hook
    goes with it, so ``.grad`` is the gradient of its new value (as PyTorch moves it)."""
    kept = [h for h in old.hooks or () if isinstance(h, RetainGrad)]
    if not kept:
        return
    old.hooks = [h for h in old.hooks if not isinstance(h, RetainGrad)]
    if new.hooks is None:
        new.hooks = []
    new.hooks.extend(kept)


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


# ---------------------------------------------------------------------------------------------
# Hooks on a node (``grad_fn.register_prehook`` and ``grad_fn.register_hook``)


class PreHook:
    """A node's pre-hook: ``fn(grad_outputs)`` before the node's rule, after its tensor's hooks
    and before ``retain_grad()`` keeps the gradient (PyTorch's order); it may return a
    replacement tuple."""

    def __init__(self, fn: Callable[[tuple[Any, ...]], Any]) -> None:
        self.fn = fn

    def __call__(self, grad: Any) -> Any:
        new = self.fn((grad,))
        if new is None:
            return None
        if not isinstance(new, tuple | list) or len(new) != 1:
            raise RuntimeError(
                "a node's pre-hook must return None or a tuple of one gradient per output "
                f"of the node (1); it returned {new!r}"
            )
        return new[0]


def register_prehook(node: Any, fn: Callable[[tuple[Any, ...]], Any]) -> HookHandle:
    """Add ``fn`` to the pre-hooks of ``node`` (kept with its tensor's hooks, after them)."""
    hooks = node.hooks
    if hooks is None:
        hooks = node.hooks = []
    at = next((i for i, h in enumerate(hooks) if isinstance(h, RetainGrad)), len(hooks))
    hook = PreHook(fn)
    hooks.insert(at, hook)
    return HookHandle(hooks, hook)


class PostHook:
    """A node's post-hook: ``fn(grad_inputs, grad_outputs)`` after the node's rule. It is kept in
    the node's hook list with the others (where, called before the rule, it does nothing); the
    walk then hands what the rule returned to ``node_surface.after_rule``, which runs it."""

    def __init__(self, fn: Callable[[tuple[Any, ...], tuple[Any, ...]], Any]) -> None:
        self.fn = fn

    def __call__(self, grad: Any) -> None:
        return None


def register_posthook(
    node: Any, fn: Callable[[tuple[Any, ...], tuple[Any, ...]], Any]
) -> HookHandle:
    """Add ``fn`` to the post-hooks of ``node`` (last in its hook list)."""
    hooks = node.hooks
    if hooks is None:
        hooks = node.hooks = []
    hook = PostHook(fn)
    hooks.append(hook)
    return HookHandle(hooks, hook)


# ---------------------------------------------------------------------------------------------
# Hooks after a leaf's .grad is accumulated (``Tensor.register_post_accumulate_grad_hook``)


class PostAccumulateGradHook:
    """``fn(leaf)`` after backward has accumulated the leaf's ``.grad``. It is kept in the
    leaf's hook list with its gradient hooks (where, called before accumulation, it does
    nothing); ``engine.accumulate`` then calls ``after_accumulate``, which runs it."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def __call__(self, grad: Any) -> None:
        return None


def register_post_accumulate(t: Any, fn: Callable[[Any], Any]) -> HookHandle:
    """Add ``fn`` to the post-accumulate hooks of the leaf ``t`` (PyTorch's checks first)."""
    if not t.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if t.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    if t._hooks is None:
        t._hooks = []
    hook = PostAccumulateGradHook(fn)
    t._hooks.append(hook)
    return HookHandle(t._hooks, hook)


def after_accumulate(leaf: Any) -> None:
    """Run the post-accumulate hooks of ``leaf``, in the order they were registered.

    Raises:
        RuntimeError: if a hook returned a tensor; TypeError if it returned anything else but
            None (PyTorch's errors; the leaf's ``.grad`` is accumulated already).
    """
    for hook in [h for h in leaf._hooks if isinstance(h, PostAccumulateGradHook)]:
        out = hook.fn(leaf)
        if out is not None:
            if hasattr(out, "_data"):
                raise RuntimeError("Tensor post accumulate grad hooks should return None.")
            raise TypeError(f"expected Variable, but hook returned '{type(out).__name__}'")
