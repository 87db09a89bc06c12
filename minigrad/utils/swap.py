"""PyTorch's ``torch.utils.swap_tensors``: two tensors exchange everything they hold while each
Python object stays where it is, so whatever refers to one of them sees the other's contents."""

from __future__ import annotations

import copyreg
import weakref

from ..tensor import Tensor

__all__ = ["swap_tensors"]


def swap_tensors(t1: Tensor, t2: Tensor) -> None:
    """Swap the contents of ``t1`` and ``t2``: values, dtype, ``requires_grad``, ``.grad``,
    ``grad_fn``, hooks, name, Python attributes and class (a ``Parameter`` swapped with a plain
    tensor becomes a plain tensor). ``id(t1)`` and ``id(t2)`` do not change, which is why a
    module may swap a parameter that an optimizer holds.

    As in PyTorch, a tensor that something refers to weakly, or whose memory other tensors or
    arrays see (a view, ``detach()``, ``numpy()``), cannot be swapped: those would be left
    pointing at the wrong contents. Unlike PyTorch, a graph recorded before the swap
    is not marked: a backward through it afterwards accumulates into the object, which now
    holds the other tensor's state (swap before forward, or after backward).

    Args:
        t1: a tensor.
        t2: another tensor, of a class with the same slots.

    Raises:
        TypeError: if either is not a tensor.
        RuntimeError: if either has a weak reference or shares its memory, or their classes
            have different slots; nothing is changed then.
    """
    for name, t in (("t1", t1), ("t2", t2)):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"swap_tensors(): argument '{name}' must be a Tensor, not {type(t).__name__}"
            )
    for name, t in (("t1", t1), ("t2", t2)):
        if weakref.getweakrefs(t):
            raise RuntimeError(f"Cannot swap {name} because it has weakref associated with it")
        if t._base is not None or any(ref() is not None for ref in t._aliases or ()):
            # (PyTorch refuses these too, as a tensor whose memory is used elsewhere)
            raise RuntimeError(
                f"Cannot swap {name} because other tensors or arrays share its memory (a view, "
                "detach(), numpy()): swap a tensor that is the only one to see its memory, "
                "e.g. its clone()"
            )
    slots = set(copyreg._slotnames(type(t1)))  # type: ignore[attr-defined]
    if slots != set(copyreg._slotnames(type(t2))):  # type: ignore[attr-defined]
        raise RuntimeError("Cannot swap t1 and t2 if they have different slots")
    cls1, cls2 = type(t1), type(t2)
    t1.__class__, t2.__class__ = cls2, cls1
    if hasattr(t1, "__dict__") and hasattr(t2, "__dict__"):
        d1, d2 = t1.__dict__, t2.__dict__
        object.__setattr__(t1, "__dict__", d2)
        object.__setattr__(t2, "__dict__", d1)
    for slot in slots - {"__weakref__"}:
        missing = object()
        v1, v2 = getattr(t1, slot, missing), getattr(t2, slot, missing)
        for t, v in ((t1, v2), (t2, v1)):
            if v is missing:
                if hasattr(t, slot):
                    delattr(t, slot)
            else:
                object.__setattr__(t, slot, v)
