"""Copying a tensor with Python's ``copy`` and ``pickle`` modules, as PyTorch copies one.

Every copy is a leaf: the graph is never copied. ``copy.deepcopy`` refuses a computed tensor
(PyTorch's words) and copies memory once per copied object, so tensors that share memory in
the original (a tensor and its view) share it in the copy; a plain tensor keeps a copy of its
gradient (a ``Parameter`` does not: ``nn.module`` gives it PyTorch's own rule). ``copy.copy``
shares the memory. ``pickle`` keeps the values, ``requires_grad``, the class and its
attributes, and warns that hooks are left behind. No copy inherits what knew the original:
its views, ``detach()`` and ``.data`` aliases (weak references, which also cannot be
pickled) or its hooks. ``Tensor`` inherits the methods from ``Copying``.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

import numpy as np

from .hooks import PostHook, PreHook, RetainGrad
from .inplace import _add_alias

__all__ = ["Copying", "rebuild_tensor"]

_DEEPCOPY_OF_A_COMPUTED_TENSOR = (
    "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol "
    "at the moment.  If you were attempting to deepcopy a module, this may be because of a "
    "torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001"
)


def rebuild_tensor(
    cls: type, data: np.ndarray, requires_grad: bool, name: str | None, state: dict | None
) -> Any:
    """A new leaf of class ``cls`` holding ``data``: what a pickled tensor is rebuilt by (its
    module and name are written into pickles, so they stay)."""
    t: Any = object.__new__(cls)
    t._init(data, requires_grad, name)
    if state:
        t.__dict__.update(state)
    return t


def _owner(a: np.ndarray) -> np.ndarray:
    """The array that owns the memory ``a`` sees."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _deep_array(a: np.ndarray, memo: dict[int, Any]) -> np.ndarray:
    """A copy of ``a`` made in the copy of its owner's memory, which ``memo`` keeps for the
    whole ``deepcopy`` call: views of one memory in the original view one memory in the copy."""
    owner = _owner(a)
    if owner is a or not owner.flags.c_contiguous:
        return copy.deepcopy(a, memo)  # (NumPy keeps the layout, so the strides too)
    start = a.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    new_owner = copy.deepcopy(owner, memo)
    return np.ndarray(a.shape, a.dtype, buffer=new_owner, offset=start, strides=a.strides)


def _warn_if_hooks(t: Any) -> None:
    """PyTorch's warning for each gradient hook a pickled tensor leaves behind."""
    hooks = t._hooks if t.grad_fn is None else t.grad_fn.hooks
    for hook in hooks or ():
        if isinstance(hook, PreHook | PostHook | RetainGrad):
            continue  # the node's own hooks and retain_grad(), not the tensor's
        if not hasattr(hook, "__torch_unserializable__"):
            warnings.warn(f"backward hook {hook!r} on tensor will not be serialized.", stacklevel=3)


class Copying:
    """``copy.copy``, ``copy.deepcopy`` and ``pickle`` for ``Tensor``, as PyTorch's."""

    __slots__ = ()

    def __copy__(self: Any) -> Any:
        """A leaf sharing this tensor's memory, with its ``requires_grad`` and no gradient."""
        new = rebuild_tensor(
            type(self), self._data, self.requires_grad, self.name, getattr(self, "__dict__", None)
        )
        _add_alias(self, new)
        _add_alias(new, self)
        return new

    def __deepcopy__(self: Any, memo: dict[int, Any]) -> Any:
        """A leaf with copies of the values, the gradient and the attributes.

        Raises:
            RuntimeError: for a computed tensor (one with a ``grad_fn``), as PyTorch does.
        """
        if self.grad_fn is not None:
            raise RuntimeError(_DEEPCOPY_OF_A_COMPUTED_TENSOR)
        if id(self) in memo:
            return memo[id(self)]
        new = rebuild_tensor(type(self), _deep_array(self._data, memo), False, self.name, None)
        new._requires_grad = self.requires_grad
        memo[id(self)] = new
        if self._grad is not None:
            new._grad = copy.deepcopy(self._grad, memo)
        state = getattr(self, "__dict__", None)
        if state:
            new.__dict__.update(copy.deepcopy(state, memo))
        return new

    def __reduce_ex__(self: Any, protocol: Any) -> Any:
        """What ``pickle`` writes: the class, the values, ``requires_grad``, the name and the
        attributes; never the graph, the gradient or the hooks (with PyTorch's warning)."""
        _warn_if_hooks(self)
        state = getattr(self, "__dict__", None) or None
        return rebuild_tensor, (type(self), self._data, self.requires_grad, self.name, state)
