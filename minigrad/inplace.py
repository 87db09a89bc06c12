"""Writing into a tensor: the in-place methods (``add_``, ``zero_``, ``copy_``, ``t[i] = v``...)
and the rules they share, PyTorch's.

Unrecorded writes go into the tensor's memory and move its version counter (``versions.py``),
so a graph that saved the old values refuses to run backward. Recorded writes give the tensor
a new array and ``grad_fn``; views write back to the tensor they view. ``Tensor`` inherits the
methods from ``InPlace``; like the engine, this module knows no Tensor class.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from . import ops, versions
from .dtypes import checked_fill, checked_number, torch_name
from .engine import TensorMakers
from .grad_mode import _grad_enabled
from .hooks import move_retained
from .node_surface import edge_of, labelled, outputs_of
from .validation import _index, _raw, _write_mismatch

__all__ = ["InPlace", "bump_version", "sibling_views"]


_COPY_SLICES = "torch::autograd::CopySlices"  # (its repr: <CopySlices>, as PyTorch's)


def _add_alias(t: Any, other: Any) -> None:
    """Note that ``other`` (a view or an alias Tensor, or an array) sees ``t``'s memory."""
    aliases = t._aliases
    if aliases is None:
        t._aliases = [weakref.ref(other)]
        return
    if len(aliases) >= 8:  # drop the dead ones now and then (views are often temporaries)
        aliases[:] = [a for a in aliases if a() is not None]
    aliases.append(weakref.ref(other))


# The views one call returns together (unbind, split, chunk): id(view) -> (a weak reference to
# it, PyTorch's name of the op, its output index). PyTorch refuses a recorded in-place change of
# one of them (its rule could not rebase the others); so does minigrad.
_SIBLINGS: dict[int, tuple[weakref.ref, str, int]] = {}


def sibling_views(views: Any, name: str) -> tuple[Any, ...]:
    """``views`` (returned together by one call, PyTorch's op ``name``) marked so that a
    recorded in-place change of one raises PyTorch's error, and named as PyTorch's nodes
    (``SplitBackward0``); returned as a tuple."""
    for i, v in enumerate(views):
        _SIBLINGS[id(v)] = (weakref.ref(v, _forget(id(v))), name, i)
    base = next((v._base[0] for v in views if v._base is not None), None)
    if base is None:
        for v in views:
            labelled(v, f"{name}Backward0")
    else:  # PyTorch's one node whose outputs the views are
        outputs_of(f"{name}Backward0", (base,), *views)
    return tuple(views)


def _forget(key: int) -> Callable[[weakref.ref], None]:
    """The callback that drops ``key``'s entry when its view is collected."""

    def forget(_: weakref.ref) -> None:
        _SIBLINGS.pop(key, None)

    return forget


def _check_not_a_sibling(t: Any) -> None:
    """PyTorch's refusal of a recorded in-place change of a view returned with others."""
    entry = _SIBLINGS.get(id(t))
    if entry is None or id(entry[0]()) != id(t):  # (an id reused by another tensor)
        return
    name, i = entry[1], entry[2]
    first = (
        f"Output {i} of {name} is a view and is being modified inplace."
        if t.grad_fn is not None
        else "A view was created in no_grad mode and is being modified inplace with grad mode "
        "enabled."
    )
    raise RuntimeError(
        f"{first} This view is the output of a function that returns multiple views. Such "
        "functions do not allow the output views to be modified inplace. You should replace "
        "the inplace operation by an out-of-place one."
    )


def _is_tensor(x: Any) -> bool:
    return hasattr(x, "_data")


class InPlace:
    """The in-place methods of ``Tensor``: PyTorch's rules, the version counter (``_inplace``);
    and ``.data`` and ``detach()``'s alias, which share the tensor's memory and counter."""

    __slots__ = ()
    _aliases: list[weakref.ref] | None  # (the slots are Tensor's)
    _base: Any

    @property
    def data(self: Any) -> Any:
        """This tensor's values as a tensor that autograd does not see, sharing its memory.

        As PyTorch's ``.data``: no ``grad_fn``, ``requires_grad`` False, and an in-place change
        (``p.data -= lr * p.grad``, ``p.data.zero_()``) writes into this tensor. Unlike
        PyTorch's, it shares the version counter, so such a change between forward and
        backward raises instead of giving a wrong gradient. The array is ``numpy()``.
        """
        return self._alias()

    @data.setter
    def data(self: Any, value: Any) -> None:
        if not _is_tensor(value):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data  # shares value's memory from now on, as PyTorch does
        self._aliases, self._base = None, None  # views of the old memory keep the old memory
        _add_alias(self, value)
        _add_alias(value, self)

    def _alias(self: Any) -> Any:
        """A tensor outside the graph sharing this tensor's memory (``detach()``, ``.data``)."""
        t = TensorMakers.wrap(self._data, None)
        _add_alias(self, t)
        _add_alias(t, self)
        return t

    @property
    def _version(self: Any) -> int:
        """How many times this tensor's memory was changed in place (shared with its views)."""
        return versions.version(self._data)

    def add_(self: Any, other: Any, *, alpha: float = 1) -> Any:
        """self += alpha * other, in place; returns self."""
        if self._data.dtype.kind not in "fc":  # (PyTorch's rules for alpha: Tensor.add)
            return _inplace(self, "add_", lambda t: t.add(other, alpha=alpha))
        return _inplace(self, "add_", lambda t: t + (other if alpha == 1 else other * alpha))

    def sub_(self: Any, other: Any, *, alpha: float = 1) -> Any:
        """self -= alpha * other, in place; returns self."""
        if self._data.dtype.kind not in "fc":  # (PyTorch's rules for alpha: Tensor.sub)
            return _inplace(self, "sub_", lambda t: t.sub(other, alpha=alpha))
        return _inplace(self, "sub_", lambda t: t - (other if alpha == 1 else other * alpha))

    def mul_(self: Any, other: Any) -> Any:
        """self *= other, in place; returns self."""
        return _inplace(self, "mul_", lambda t: t * other)

    def div_(self: Any, other: Any) -> Any:
        """self /= other, in place; returns self."""
        return _inplace(self, "div_", lambda t: t / other)

    def pow_(self: Any, exponent: Any) -> Any:
        """self **= exponent, in place; returns self."""
        return _inplace(self, "pow_", lambda t: t**exponent)

    # ``x += y`` is ``x.add_(y)``, and so on: the same method, the same rules.
    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_
    __ipow__ = pow_

    def clamp_(self: Any, min: float | None = None, max: float | None = None) -> Any:
        """Limit values to [min, max] in place; returns self."""
        return _inplace(self, "clamp_", lambda t: t.clamp(min, max))

    clip_ = clamp_

    def zero_(self: Any) -> Any:
        """Set every element to 0, in place; returns self."""
        return _overwrite(self, "zero_", 0)

    def fill_(self: Any, value: Any) -> Any:
        """Set every element to ``value`` (a number or a 0-d tensor), in place; returns self."""
        if _is_tensor(value) and value.ndim != 0:
            raise RuntimeError(
                "fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value.ndim} dimensions."
            )
        if not _is_tensor(value):  # (PyTorch refuses a number that does not fit)
            value = checked_fill(value, self._data.dtype, "fill_")
        elif value.dtype != self.dtype:
            checked_number(value.item(), self._data.dtype, "fill_")
        return _overwrite(self, "fill_", value)

    def copy_(self: Any, src: Any) -> Any:
        """Copy ``src`` (broadcast to this shape, cast to this dtype) into self; returns self.

        Gradient flows to ``src``; the values self had before get none.
        """
        return _overwrite(self, "copy_", src)

    def normal_(self: Any, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with samples of N(mean, std^2) in place; returns self.

        ``generator``: a ``numpy.random.Generator``, an int seed, or None for minigrad's default
        generator (``manual_seed``).
        """
        rng = Random.generator(generator)
        return _overwrite(self, "normal_", rng.normal(mean, std, self.shape))

    def uniform_(self: Any, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with samples of U[a, b) in place; returns self (``generator`` as ``normal_``)."""
        rng = Random.generator(generator)
        return _overwrite(self, "uniform_", rng.uniform(a, b, self.shape))

    def __setitem__(self: Any, index: Any, value: Any) -> None:
        """``t[index] = value`` writes into t, as in PyTorch (recorded when a graph needs it)."""
        idx = _index(index)
        if _grad_enabled.get() and (
            self.requires_grad or (_is_tensor(value) and value.requires_grad)
        ):
            # PyTorch's one node: the tensor's old node and the value's (None for a number)
            name = "IndexPutBackward0" if ops._has_advanced(idx) else _COPY_SLICES
            edges = (edge_of(self), edge_of(value) if _is_tensor(value) else None)
            _inplace(
                self,
                "setitem",
                lambda t: labelled(_put(t, idx, value), name, edges=(edge_of(t), edges[1])),
                cast="unsafe",
            )
            if self._base is None:  # (through a view, the viewed tensor is named: _write_back)
                labelled(self, name, edges=edges)
            return
        _check_writable(self, "setitem")
        try:
            self._data[idx] = _raw(value)
        except ValueError as e:
            region = np.shape(self._data[idx]) if "broadcast" in str(e) else None
            if region is None:
                raise RuntimeError(f"setitem on a tensor of shape {self.shape}: {e}") from None
            advanced = ops._has_advanced(idx)
            raise RuntimeError(
                _write_mismatch("setitem", self._data.shape, value, region, advanced)
            ) from None
        versions.bump(self._data)


class Random:
    """Where ``normal_`` and ``uniform_`` get their NumPy generator from ``generator=``.

    ``creation`` owns minigrad's default generator and fills this in on import (tensor.py
    cannot import it: creation builds on tensor).
    """

    generator: Callable[[Any], np.random.Generator] = staticmethod(
        lambda g: g if isinstance(g, np.random.Generator) else np.random.default_rng(g)
    )


def _inplace(t: Any, name: str, compute: Callable[[Any], Any], cast: str = "same_kind") -> Any:
    """Make ``t`` hold ``compute(t)``, its out-of-place result, in place; return ``t``.

    PyTorch's rules. A leaf that requires grad cannot change while a graph is recorded
    (change it under ``no_grad``). When the result is not recorded (``no_grad``, or nothing
    requires grad) its values are written into t's memory, so views, ``detach()`` and ``.data``
    see them, and the version counter moves: an op that saved this memory for backward will
    refuse to use it. When it is recorded (t or the operand requires grad), t takes the new
    array and ``grad_fn``, whose input is t's old node (PyTorch's rebase); the old array stays
    as the ops that saved it expect. A tensor that shares memory with another cannot swap its
    array without the other missing the change, so that case raises.

    Args:
        t: the tensor to change.
        name: the op's name, for errors (``add_``).
        compute: the out-of-place op, given t.
        cast: how the result may be cast to t's dtype (``same_kind`` as arithmetic,
            ``unsafe`` as ``copy_``).
    """
    if _grad_enabled.get() and t.requires_grad and t.grad_fn is None:
        raise RuntimeError(
            ("a view of a leaf Variable" if name == "setitem" else "a leaf Variable")
            + " that requires grad is being used in an in-place operation."
        )
    _check_writable(t, name)
    r = compute(t)
    if r.shape != t.shape:
        raise RuntimeError(
            f"output with shape {list(t.shape)} doesn't match the broadcast shape {list(r.shape)}"
        )
    if r._data.dtype != t._data.dtype:
        if not np.can_cast(r._data.dtype, t._data.dtype, cast):  # type: ignore[arg-type]
            raise RuntimeError(
                f"result type {torch_name(r._data.dtype)} can't be cast to the desired output "
                f"type {torch_name(t._data.dtype)}"
            )
        r = r.astype(t._data.dtype)
    if r.grad_fn is None:
        np.copyto(t._data, r._data, casting="unsafe")
        versions.bump(t._data)
        return t
    _check_not_a_sibling(t)
    views = _live_views(t, name)
    if t._base is not None:  # a view: the change goes to the viewed tensor, as in PyTorch
        _write_back(t, r, name)
        return t
    version = versions.version(t._data)
    if t.grad_fn is not None:
        move_retained(t.grad_fn, r.grad_fn)
    t._data, t.grad_fn, t._requires_grad = r._data, r.grad_fn, True
    versions.set_version(t._data, version + 1)
    for v in views:  # they see the new values, through a new view node
        _refresh(v)
    return t


def _live_views(t: Any, name: str) -> list[Any]:
    """The live views of ``t``; raise if something else sees its memory (detach(), numpy()).

    Those cannot follow ``t`` to its new array, and PyTorch would change them too.
    """
    views = []
    for ref in t._aliases or ():
        other = ref()
        if other is None:
            continue
        if getattr(other, "_base", None) is not None and other._base[0] is t:
            views.append(other)
            continue
        raise RuntimeError(
            f"{name}(): this tensor shares its memory with another tensor or array made by "
            "detach(), .data or numpy(), and minigrad cannot record an in-place change of "
            "shared memory for autograd (the other would miss it); write it out of place "
            "(y = y + 1, or y = y.clone() first), or under no_grad() if no gradient should "
            "flow through it"
        )
    return views


def _refresh(v: Any) -> None:
    """Point the view ``v`` at its base's new array, recorded as a new view op (recursively)."""
    assert v._base is not None
    x, op = v._base
    views = [
        w for w in (ref() for ref in v._aliases or ()) if w is not None and w._base is not None
    ]
    fresh = TensorMakers.apply(copy.copy(op), x)
    if v.grad_fn is not None and fresh.grad_fn is not None:
        move_retained(v.grad_fn, fresh.grad_fn)
    if fresh.grad_fn is not None:  # PyTorch's node for a view regenerated from its base's
        base = x
        while base._base is not None:
            base = base._base[0]
        labelled(fresh, "AsStridedBackward0", edges=(edge_of(base),))
    v._data, v.grad_fn, v._requires_grad = fresh._data, fresh.grad_fn, fresh.requires_grad
    for w in views:
        if w._base[0] is v:
            _refresh(w)


def _write_back(t: Any, r: Any, name: str) -> None:
    """Put ``r``, the new values of the view ``t``, into the tensor it views; t views it again.

    The viewed tensor changes by its own in-place op (recorded, or refused as for any tensor),
    so its graph and its own views follow the same rules.
    """
    assert t._base is not None
    x, op = t._base
    # PyTorch's CopySlices: the viewed tensor's old node, then the other inputs of the change
    # (those of its node but the view's own: a[0].mul_(y) lists y's)
    shown = (edge_of(x), *(e for e in r.grad_fn.shown_edges() if e is not t.grad_fn))
    if isinstance(op, ops.GetItem):
        x[op.index] = r
    elif isinstance(op, ops.Reshape):
        x.copy_(r.reshape(x.shape))
    elif isinstance(op, ops.Permute):
        x.copy_(r.permute(tuple(np.argsort(op.axes))))
    else:
        raise RuntimeError(
            f"{name}(): this tensor is a view made by {type(op).__name__}, and minigrad cannot "
            "record an in-place change through it; change the viewed tensor, or clone() first"
        )
    # x changed by its own in-place op, which refreshed its views: t views x's new array now
    if x._base is None:
        labelled(x, _COPY_SLICES, edges=shown)  # PyTorch's node for a change made through a view


_COPY_BACKWARDS = "torch::autograd::CopyBackwards"
_OVERWRITES = {
    "zero_": "ZeroBackward0",
    "fill_": "FillBackward2",
    "copy_": _COPY_BACKWARDS,
    "normal_": "NormalBackward0",
    "uniform_": "UniformBackward0",
}
"""PyTorch's node for each in-place overwrite (its inputs: the tensor's old node, and the
source's for copy_ and fill_(Tensor))."""


def _overwrite(t: Any, name: str, src: Any) -> Any:
    """Replace t's values by ``src`` (broadcast, cast as ``copy_`` does), in place."""
    shape = np.shape(_raw(src))
    try:
        broadcast = np.broadcast_shapes(shape, t.shape)
    except ValueError:
        broadcast = None
    if broadcast != t.shape:
        raise RuntimeError(_write_mismatch(name, t._data.shape, src))
    if _grad_enabled.get() and (t.requires_grad or (_is_tensor(src) and src.requires_grad)):
        node = _OVERWRITES.get(name)
        if node is None:
            return _inplace(t, name, lambda t: _replacement(t, src), cast="unsafe")
        if name == "fill_" and _is_tensor(src):  # (fill_(Tensor): FillBackward3, two inputs)
            node = "FillBackward3"
        more = (edge_of(src),) if node in ("FillBackward3", _COPY_BACKWARDS) else ()
        return _inplace(
            t,
            name,
            lambda t: labelled(_replacement(t, src), node, edges=(edge_of(t), *more)),
            cast="unsafe",
        )
    _check_writable(t, name)
    np.copyto(t._data, _raw(src), casting="unsafe")
    versions.bump(t._data)
    return t


def _replacement(t: Any, src: Any) -> Any:
    """``src`` in t's shape, recorded so its gradient reaches src (and t's old values get 0)."""
    if not _is_tensor(src):
        src = TensorMakers.wrap(np.asarray(src, dtype=t.dtype), None)
    return TensorMakers.apply(ops.Where(np.ones(t.shape, dtype=np.bool_)), src, t)


def _put(t: Any, index: Any, value: Any) -> Any:
    """t with ``value`` at ``index``, recorded: ``t[index] = value`` out of place."""
    mask = np.zeros(t.shape, dtype=np.bool_)
    mask[index] = True
    target = mask[index].shape
    v = value if _is_tensor(value) else TensorMakers.wrap(np.asarray(value, dtype=t.dtype), None)
    try:
        fits = np.broadcast_shapes(v.shape, target) == target
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(v.shape)} cannot be broadcast to "
            f"indexing result of shape {list(target)}"
        )
    if ops._has_advanced(index):
        hits = np.zeros(t.shape, dtype=np.int64)
        np.add.at(hits, index, 1)
        if hits.max(initial=0) > 1:
            raise RuntimeError(
                "setitem: the index repeats an element; which value lands there is undefined, "
                "so minigrad does not record it for autograd (use unique indices)"
            )
    placed = TensorMakers.apply(ops.ScatterAdd(index, t.shape), v.broadcast_to(target))
    return TensorMakers.apply(ops.Where(mask), placed, t)


def _check_writable(t: Any, name: str) -> None:
    if not t._data.flags.writeable and 0 not in t._data.strides:
        raise RuntimeError(
            f"{name}(): the written-to tensor is read-only: a copy made by reshape() or view() "
            "of a tensor whose memory is not C-ordered (nn.Linear keeps its weight "
            "Fortran-ordered), which a write would not reach, or made from a read-only array. "
            "Write into the original tensor (weight[i, j] = v, "
            "weight.copy_(values.reshape(weight.shape))), or clone() first"
        )
    if not t._data.flags.writeable:
        raise RuntimeError(
            f"{name}(): unsupported operation: more than one element of the written-to tensor "
            "refers to a single memory location (it was made by expand() or broadcast_to()). "
            "Please clone() the tensor before performing the operation."
        )


def bump_version(t: Any) -> None:
    """Record that ``t``'s memory was written in place with NumPy (``t._data``).

    Every in-place write outside the Tensor methods (an optimizer's ``out=`` update, an
    initialiser) calls this, so a graph that saved the old values refuses to run backward.
    """
    versions.bump(t._data)
