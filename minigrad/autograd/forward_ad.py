"""``autograd.forward_ad``: PyTorch's dual-tensor API, with the tangents computed in reverse mode.

``make_dual(p, t)`` records a tensor from ``p`` and from a hidden zero leaf ``z`` that stands for
its tangent ``t``; ``unpack_dual(y)`` computes ``J t`` (summed over every dual of the level ``y``
depends on) by the double-vjp trick: ``u -> sum_i (dy/dz_i)^T u`` is linear in ``u``, and its
vjp with the tangents is ``sum_i J_i t_i``. Two backward passes per unpack, none per op.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ..engine import Op
from ..grad_mode import GradOff, _grad_enabled, decorated, enable_grad, is_grad_enabled
from ..gradients import grad
from ..tensor import Tensor, _new_tensor
from ..versions import TICKS
from . import function
from .function import BackwardFunction, Function

__all__ = [
    "UnpackedDualTensor",
    "dual_level",
    "enter_dual_level",
    "exit_dual_level",
    "make_dual",
    "unpack_dual",
]


class UnpackedDualTensor(NamedTuple):
    """What ``unpack_dual`` returns: the primal and its tangent (None when it has none)."""

    primal: Any
    tangent: Tensor | None


class _Level:
    """The one open level: per hidden leaf its tangent, per dual made by ``make_dual`` its
    tangent as given (so ``unpack_dual`` returns that very tensor, as PyTorch does)."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.tangents: dict[Tensor, Tensor] = {}  # hidden leaf z -> tangent
        # id(dual) -> (dual, node, tangent, the dual's version when made)
        self.made: dict[int, tuple[Tensor, Any, Tensor, int]] = {}
        self.unpacking = 0  # > 0 while unpack_dual's backward passes run
        self.grad_off = False  # grad mode was turned off while this level had duals ...
        self.off_tick = 0  # ... first at this tick (versions.TICKS): ops after it are suspect

    def switched_off(self) -> None:
        """``GradOff.hook``: grad mode turned off inside the level, with duals about. What runs
        then is not recorded, so minigrad cannot see the tangents PyTorch would carry through
        it: ``unpack_dual`` of a tensor computed since then refuses (``_no_grad_refusal``)."""
        if self.tangents and not self.grad_off and _by_user():
            self.grad_off = True
            self.off_tick = next(TICKS)


def _by_user() -> bool:
    """Whether the code that turned grad mode off is the user's, not minigrad's: its own helpers
    run unrecorded steps on values that carry no tangent (the first frame outside grad_mode.py
    and this module says; a function decorated with ``no_grad`` counts as its caller's)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") in _HOOK_MODULES:
        frame = frame.f_back  # type: ignore[assignment]
    return frame is None or not str(frame.f_globals.get("__name__", "")).startswith("minigrad.")


_HOOK_MODULES = ("minigrad.grad_mode", __name__)


_LEVEL: list[_Level] = []  # empty, or the one open level (nesting is refused, as in PyTorch)


def _open_level(level: int | None, where: str) -> _Level | None:
    """The open level if ``level`` names it (None: the current one); None when none is open."""
    if not _LEVEL:
        return None
    if level is not None and level != _LEVEL[0].number:
        raise RuntimeError(f"Invalid level given to {where}")
    return _LEVEL[0]


class _Relay(Function):
    """d = x, recorded from ``x`` and from a hidden leaf ``z`` (the tangent's stand-in).

    Reverse mode passes the gradient on to ``x``; while ``unpack_dual`` runs, ``x`` gets none:
    a dual made from ``x`` (or a custom Function's output, whose tangent its ``jvp`` gave) has
    its tangent carried by ``z`` alone, and ``z=None`` cuts the tangent (``unpack_dual``'s
    primal).
    """

    _skips_forward_ad = True

    @staticmethod
    def forward(ctx: Any, x: Tensor, z: Tensor | None) -> Tensor:
        return _new_tensor(x._data.copy(), None)

    @staticmethod
    def backward(ctx: Any, g: Any) -> tuple[Any, Any]:
        unpacking = bool(_LEVEL) and _LEVEL[0].unpacking > 0
        return (None if unpacking else g), (g if ctx.needs_input_grad[1] else None)


def _hidden_leaves(roots: list[Tensor], level: _Level) -> list[Tensor]:
    """The hidden leaves of ``level`` the tensors ``roots`` depend on (a relay's ``x`` side
    carries no tangent: its dual's is on the ``z`` side), in a fixed order."""
    found: dict[Tensor, None] = {}
    seen: set[Any] = set()
    stack: list[Any] = [r.grad_fn for r in roots if isinstance(r, Tensor) and r.grad_fn]
    stack += [r for r in roots if isinstance(r, Tensor) and r in level.tangents]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if not isinstance(node, Op):
            if node in level.tangents:
                found[node] = None
            continue
        if node.edges is None:
            continue
        if isinstance(node, BackwardFunction) and node._forward_cls is _Relay:
            stack.extend(node.edges[1:])
        else:
            stack.extend(node.edges)
    return list(found)


_HIDDEN: dict[int, Any] = {}  # id -> weak reference, of every hidden leaf still alive


def _hide(z: Tensor) -> None:
    key = id(z)
    _HIDDEN[key] = weakref.ref(z, lambda _: _HIDDEN.pop(key, None))


def _needs_grad(y: Tensor) -> bool:
    """Whether ``y`` reaches a leaf that requires grad other than a hidden one: only then do
    its primal and tangent require grad, as in PyTorch."""
    seen: set[Any] = set()
    stack: list[Any] = [y.grad_fn if y.grad_fn is not None else y]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if isinstance(node, Op):
            stack.extend(node.edges)
        elif node.requires_grad:
            ref = _HIDDEN.get(id(node))
            if ref is None or ref() is not node:
                return True
    return False


def _primal(y: Tensor) -> Tensor:
    """``y``'s value without its tangent; recorded (gradients flow on) if ``y`` needs grad."""
    return _Relay.apply(y, None) if _needs_grad(y) else y.detach()


def enter_dual_level() -> int:
    """Open a forward AD level (PyTorch's first is 0) and return its number.

    Raises:
        RuntimeError: when a level is open already (nested forward AD is not supported, as in
            PyTorch).
    """
    if _LEVEL:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    level = _Level(0)
    _LEVEL.append(level)
    function.FORWARD_AD.hook = _apply_with_jvp
    GradOff.hook = level.switched_off
    return 0


def exit_dual_level(*, level: int | None = None) -> None:
    """Close the current level: every dual made in it loses its tangent.

    Raises:
        RuntimeError: when no level is open, or ``level`` is not the current one.
    """
    current = _LEVEL[0].number if _LEVEL else -1
    if level is None:
        level = current
    if level != current:
        raise RuntimeError(
            "Trying to exit a forward AD level that was not the last one that was created. "
            "This is not supported."
        )
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    _LEVEL.clear()
    function.FORWARD_AD.hook = None
    GradOff.hook = None


class dual_level:
    """Context manager (and decorator) for forward AD: enter a level, exit it on leaving.

    Example::

        with dual_level():
            x = make_dual(primal, tangent)
            jvp = unpack_dual(f(x)).tangent
    """

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc: object) -> None:
        exit_dual_level()

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        return decorated(fn, dual_level)


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A dual tensor: the value of ``tensor``, with ``tangent`` as its forward gradient.

    Unlike PyTorch's, the dual is recorded (from ``tensor`` and a hidden leaf), so it
    requires grad even when ``tensor`` does not; gradients of a backward still reach
    ``tensor``. It is a copy, not a view, of ``tensor``.

    Args:
        tensor: the primal, a floating-point tensor without a tangent at this level.
        tangent: a floating-point tensor of the primal's shape. Kept as it is when its strides
            are the primal's; otherwise copied to the primal's layout, as PyTorch does.
        level: the level (default: the current one).

    Raises:
        RuntimeError: outside a level, for another level, a tangent of another shape, or a
            primal that has a tangent at this level already.
        ValueError: a primal or tangent that is not floating point.
    """
    if not _LEVEL:
        raise RuntimeError(
            "Trying to create a dual Tensor for forward AD but no level exists, make sure to "
            "enter_dual_level() first."
        )
    current = _open_level(level, "_make_dual")
    assert current is not None
    if not is_grad_enabled():
        raise RuntimeError(
            "make_dual(): minigrad computes tangents from the recorded graph, which no_grad "
            "and inference_mode turn off; make duals and compute with them with grad mode on"
        )
    for what, t in (("primal", tensor), ("tangent", tangent)):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"make_dual(): {what} must be a Tensor, not {type(t).__name__}; "
                f"wrap it with minigrad.tensor(...)"
            )
        if t.dtype.kind not in "fc":
            raise ValueError(f"Expected {what} to be floating point or complex, but got: {t.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            "original Tensor, this is not supported. Tensor is of size "
            f"{list(tensor.shape)} while the given forward gradient is of size "
            f"{list(tangent.shape)}."
        )
    if _hidden_leaves([tensor], current):
        raise RuntimeError(
            "Making a dual Tensor based on a Tensor that already has a forward gradient at the "
            f"same level {current.number} is not supported."
        )
    if _layout(tangent._data) != _layout(tensor._data):
        tangent = _new_tensor(np.ascontiguousarray(tangent._data).copy(), None)
    return _register(current, tensor, tangent)


def _layout(a: np.ndarray) -> tuple[int, ...]:
    """Strides in elements (so a tangent of another dtype laid out alike is kept)."""
    return tuple(st // a.itemsize for st in a.strides)


def _register(current: _Level, x: Tensor, tangent: Tensor) -> Tensor:
    """Relay ``x`` through a fresh hidden leaf that carries ``tangent`` at this level."""
    z = _new_tensor(np.zeros(x.shape, dtype=x._data.dtype), None)
    z.requires_grad = True
    _hide(z)
    dual = _Relay.apply(x, z)
    current.tangents[z] = tangent
    current.made[id(dual)] = (dual, dual.grad_fn, tangent, dual._version)
    return dual


def _no_grad_refusal(tensor: Tensor) -> RuntimeError:
    """Why ``unpack_dual`` refuses after grad mode was off inside the level (PyTorch's forward
    AD runs under ``no_grad``; minigrad's tangents come from the recorded graph, which it
    stops)."""
    return RuntimeError(
        "unpack_dual(): grad mode was turned off (no_grad, set_grad_enabled(False) or "
        "inference_mode) inside this forward AD level while it had dual tensors, and minigrad "
        "computes tangents from the recorded graph, which grad mode off stops recording: an "
        "op on a dual there (in place too) would lose its tangent, where PyTorch's forward AD "
        f"still carries it. This tensor (shape {list(tensor.shape)}) may depend on such an "
        "op, so minigrad cannot give its tangent. Compute with duals with grad mode on (use "
        ".detach() for what should carry no reverse-mode gradient), or open a new level"
    )


def unpack_dual(tensor: Any, *, level: int | None = None) -> UnpackedDualTensor:
    """The primal and the tangent of ``tensor`` at the level (None when it has none).

    The tangent of a tensor computed from duals is ``sum_i J_i t_i`` over the duals of the
    level it depends on, computed by two backward passes over the recorded graph (so every op
    on the way must be twice differentiable). The primal has the value of ``tensor`` and no
    tangent; gradients of a backward flow through it to what ``tensor`` was computed from.

    Raises:
        RuntimeError: ``level`` not the current one, for a tensor with a tangent.
        TypeError: ``tensor`` is not a Tensor (while a level is open).
    """
    current = _LEVEL[0] if _LEVEL else None
    if current is None:
        return UnpackedDualTensor(tensor, None)
    if not isinstance(tensor, Tensor):
        raise TypeError(
            f"unpack_dual(): argument 'dual' must be Tensor, not {type(tensor).__name__}"
        )
    if level is not None and level != current.number:  # (refused for a dual only, as torch)
        if _hidden_leaves([tensor], current):
            raise RuntimeError("Invalid level given to _fw_primal")
        return UnpackedDualTensor(tensor, None)
    made = current.made.get(id(tensor))
    if made is not None and made[0] is tensor and made[1] is tensor.grad_fn:
        if current.grad_off and tensor._version != made[3]:  # (maybe written under no_grad)
            raise _no_grad_refusal(tensor)
        return UnpackedDualTensor(_primal(tensor), made[2])
    if current.grad_off and getattr(tensor.grad_fn, "epoch", current.off_tick) >= current.off_tick:
        raise _no_grad_refusal(tensor)  # (a tensor recorded before grad mode went off is fine)
    leaves = _hidden_leaves([tensor], current)
    if not leaves:
        return UnpackedDualTensor(tensor, None)
    tangent = _tangent_of(tensor, leaves, current)
    if not _needs_grad(tensor):
        tangent = tangent.detach()
    return UnpackedDualTensor(_primal(tensor), tangent)


def _tangent_of(y: Tensor, leaves: list[Tensor], current: _Level) -> Tensor:
    """J t by the double-vjp trick: g(u) = sum_i (dy/dz_i)^T u is linear in u, and its vjp
    with the tangents t_i is sum_i J_i t_i."""
    u = _new_tensor(np.zeros(y.shape, dtype=y._data.dtype), None)
    u.requires_grad = True
    current.unpacking += 1
    try:
        with enable_grad():  # (a tangent may be asked for inside no_grad)
            gs = grad(y, leaves, u, create_graph=True, allow_unused=True)
            pairs = [
                (g, _new_tensor(current.tangents[z]._data.astype(z._data.dtype), None))
                for g, z in zip(gs, leaves)
                if g is not None and g.requires_grad
            ]
            if pairs:
                (jt,) = grad(
                    [g for g, _ in pairs],
                    u,
                    [t for _, t in pairs],
                    create_graph=True,  # recorded: a backward through the tangent reaches primals
                    allow_unused=True,
                )
            else:
                jt = None
    finally:
        current.unpacking -= 1
    if jt is None:
        return _new_tensor(np.zeros(y.shape, dtype=y._data.dtype), None)
    return jt


def _apply_with_jvp(cls: type[Function], args: tuple[Any, ...], run: Callable[[], Any]) -> Any:
    """``Function.apply`` while a level is open: a Function applied to duals gives outputs
    whose tangents are its ``jvp(ctx, *input_tangents)``, as in PyTorch."""
    current = _LEVEL[0]
    if getattr(cls, "_skips_forward_ad", False):
        return run()[0]
    if not any(isinstance(a, Tensor) and _hidden_leaves([a], current) for a in args):
        return run()[0]
    if cls.jvp is Function.jvp and cls.__module__.startswith("minigrad."):
        raise NotImplementedError(
            f"{cls.__name__} (checkpoint, full backward hooks) has no forward-mode AD in "
            "minigrad: apply it to tensors without tangents, outside forward_ad.dual_level()"
        )
    if cls.jvp is Function.jvp:
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it "
            "with forward mode AD."
        )
    tangents_in = [unpack_dual(a).tangent if isinstance(a, Tensor) else None for a in args]
    output, ctx = run()
    for i, (a, t) in enumerate(zip(args, tangents_in)):
        if isinstance(a, Tensor) and t is None and ctx._materialize:
            tangents_in[i] = _new_tensor(np.zeros(a.shape, dtype=a._data.dtype), None)
    off = _grad_enabled.set(False)  # (not no_grad(): this is no op on a dual to refuse)
    try:
        tangents_out = cls.jvp(ctx, *tangents_in)
    finally:
        _grad_enabled.reset(off)
    several = isinstance(output, tuple)
    outs = output if several else (output,)
    touts = tangents_out if isinstance(tangents_out, tuple) else (tangents_out,)
    if len(touts) != len(outs):
        raise RuntimeError(
            f"{cls.__name__}.jvp returned an incorrect number of forward gradients "
            f"(expected {len(outs)}, got {len(touts)})"
        )
    result = []
    for o, t in zip(outs, touts):
        if not isinstance(o, Tensor) or t is None or o.dtype.kind not in "fc":
            result.append(o)
            continue
        if not isinstance(t, Tensor) or t.shape != o.shape:
            raise RuntimeError(
                f"{cls.__name__}.jvp: the forward gradient of an output of shape "
                f"{list(o.shape)} must be a Tensor of that shape, got "
                f"{list(t.shape) if isinstance(t, Tensor) else type(t).__name__}"
            )
        result.append(_register(current, o, t))
    return tuple(result) if several else result[0]
