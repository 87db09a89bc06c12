"""PyTorch's view of a recorded op (a tensor's ``grad_fn``): ``name()`` (``MulBackward0``),
``next_functions`` with ``AccumulateGrad`` for leaves, and what drawings show (``op_name``,
``attributes()``).

``engine.Op`` inherits these from ``NodeSurface``; the walk uses none of them (only the error of
``versions.check`` names an op by its attributes).

PyTorch names a node after the function that made it, where minigrad records a few primitives:
an op that serves several functions names itself by its attributes (its ``own_name()``: a sum
over a dimension is ``SumBackward1``, as PyTorch's overload with ``dim``), and a function
composed of several ops labels the last one with its own name (``labelled``: ``F.gelu``'s last
``Mul`` is ``GeluBackward0``). A label changes ``name()`` only: ``op_name``, the class, the
attributes and the rule stay the op's, which is what drawings, ``explain``, the compiler and
the ONNX export read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import hooks
from .grad_mode import is_grad_enabled

__all__ = [
    "NUMBER_INPUT",
    "AccumulateGrad",
    "NodeSurface",
    "OutputSurface",
    "indexing_name",
    "labelled",
]


def indexing_name(index: Any) -> str:
    """PyTorch's node for ``x[index]``: basic indexing runs its steps in order (an int selects,
    a slice slices, None unsqueezes; ``:`` and ``...`` within a tuple do nothing), so the node
    is the last step's: ``x[1]`` ``SelectBackward0``, ``x[1, :2]`` ``SliceBackward0``,
    ``x[:, None]`` ``UnsqueezeBackward0``, ``x[...]`` ``AliasBackward0``. An array, list or
    bool anywhere is advanced indexing: ``IndexBackward0``."""
    steps = index if isinstance(index, tuple) else (index,)
    name = "AliasBackward0"
    for step in steps:
        if step is None:
            name = "UnsqueezeBackward0"
        elif isinstance(step, slice):
            if step != slice(None) or not isinstance(index, tuple):
                name = "SliceBackward0"
        elif isinstance(step, bool) or not isinstance(step, int | np.integer):
            if step is not Ellipsis:
                return "IndexBackward0"
        else:
            name = "SelectBackward0"
    return name


def labelled(out: Any, name: str, *inputs: Any) -> Any:
    """``out``, its node named ``name`` (PyTorch's node for the function that composed it);
    nothing is named when ``out`` has no node or is one of ``inputs`` (or shares its node), so
    a composition that returned an input unchanged never renames the input's node."""
    node = out.grad_fn
    if node is None:
        return out
    for x in inputs:
        if node is getattr(x, "grad_fn", None):
            return out
    node.label = name
    return out


NUMBER_INPUT: dict[str, int] = {
    "PowBackward0": 1,  # x ** 2 (x ** y is PowBackward1, 2 ** x PowBackward2: one input)
    "RemainderBackward0": 1,  # x % 2 (x % y is RemainderBackward1)
    "FmodBackward0": 1,  # fmod(x, 2) (fmod(x, y) is FmodBackward1)
    "XlogyBackward1": 0,  # xlogy(2, x)
    "XlogyBackward2": 1,  # xlogy(x, 2) (xlogy(x, y) is XlogyBackward0)
    "SpecialZetaBackward1": 0,  # zeta(2, q)
    "SpecialZetaBackward2": 1,  # zeta(x, 2)
    "MaskedFillBackward0": 0,  # x.masked_fill(mask, 0.5): minigrad's op takes (value, x)
}
"""Per name of PyTorch's node for an overload with a ``Scalar`` argument: the position of the
op's input that held the number, which PyTorch's ``next_functions`` do not list."""


def _not_kept(name: str) -> Any:
    """A property for PyTorch's saved-value attribute ``name`` of a node: an error saying what
    minigrad keeps instead."""

    def refuse(node: Any) -> Any:
        raise AttributeError(
            f"{type(node).__name__!r} object has no attribute {name!r}: minigrad's nodes do "
            "not have PyTorch's _saved_* attributes; a node keeps its inputs' arrays as they "
            "were in forward (grad_fn.saved) and its output's (grad_fn.out)"
        )

    return property(refuse)


class NodeSurface:
    """What a node shows of itself: PyTorch's names and ``next_functions``."""

    __slots__ = ()
    edges: tuple[Any, ...]

    torch_name: str = "OpBackward0"
    """PyTorch's name for this node: the class name + ``Backward0`` unless a class spells it
    as PyTorch does (``ReLU`` -> ``ReluBackward0``, ``MatMul`` -> ``MmBackward0``); the ops of
    ops that stand for several functions override ``own_name()``, and a label wins (``name()``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "torch_name" not in cls.__dict__:
            cls.torch_name = cls.__name__ + "Backward0"

    def name(self) -> str:
        """PyTorch's name for this backward node, e.g. ``MulBackward0`` (``grad_fn.name()``):
        its label if the function that composed it gave one, else by its attributes or class."""
        label: str | None = getattr(self, "label", None)  # (a slot that may be unset)
        return label if label is not None else self.own_name()

    def own_name(self) -> str:
        """PyTorch's name for the op itself (without a label): its class's ``torch_name``, or,
        for an op that stands for several of PyTorch's functions, chosen by its attributes."""
        return self.torch_name

    @property
    def op_name(self) -> str:
        """The op's own name, as the drawing and ``explain`` show it (``Mul``, ``MatMul``)."""
        return type(self).__name__

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """Per input, ``(node, output index)`` its gradient goes to, as PyTorch's: a leaf
        appears as its ``AccumulateGrad``, an input that needs no gradient as ``None``, and a
        Python number that PyTorch's overload takes as a ``Scalar`` not at all."""
        found: list[tuple[Any, int]] = []
        number = NUMBER_INPUT.get(self.name(), -1)
        for i, e in enumerate(self.edges):
            if i == number and e is None:
                continue
            if e is None:
                found.append((None, 0))
            elif isinstance(e, NodeSurface):
                found.append(e._next())
            else:
                found.append((AccumulateGrad(e), 0))
        return tuple(found)

    def attributes(self) -> dict[str, Any]:
        """The op's own attributes (``axis``, ``shape``...), for drawing, explaining, exporting
        and the version check's message: the slots its classes add to those of ``engine.Op``."""
        names: list[str] = []
        for c in type(self).__mro__:
            slots = c.__dict__.get("__slots__", ())
            if "edges" in slots:  # engine.Op: what every node holds, not this op's own
                break
            names.extend(slots)
        return {n: getattr(self, n) for n in names if hasattr(self, n)}

    def _next(self) -> tuple[Any, int]:
        """What ``next_functions`` shows for this node (an output of a node shows the node)."""
        return self, 0

    # PyTorch's nodes show what they saved as ``_saved_<name>`` (and ``_raw_saved_<name>``);
    # minigrad's keep arrays instead, and these say where. Properties, not ``__getattr__``: a
    # class with that hook sends every attribute read of every node through CPython's slow path.
    _saved_self = _not_kept("_saved_self")
    _saved_other = _not_kept("_saved_other")
    _saved_result = _not_kept("_saved_result")
    _raw_saved_self = _not_kept("_raw_saved_self")
    _raw_saved_other = _not_kept("_raw_saved_other")
    _raw_saved_result = _not_kept("_raw_saved_result")

    def register_prehook(self, hook: Callable[[tuple[Any, ...]], Any]) -> hooks.HookHandle:
        """PyTorch's ``Node.register_prehook``: ``hook(grad_outputs)`` runs before this node's
        rule, after its tensor's hooks and before ``retain_grad()`` keeps the gradient; it may
        return a tuple that replaces ``grad_outputs``. Returns a handle with ``remove()``."""
        return hooks.register_prehook(self, hook)

    def register_hook(
        self, hook: Callable[[tuple[Any, ...], tuple[Any, ...]], Any]
    ) -> hooks.HookHandle:
        """PyTorch's ``Node.register_hook``: ``hook(grad_inputs, grad_outputs)`` runs after this
        node's rule, with what it hands to each input (None where an input needs none); it may
        return a tuple that replaces ``grad_inputs``. Returns a handle with ``remove()``.

        As in PyTorch, a node runs only when backward reaches it; one difference: for a
        tensor given to ``autograd.grad`` as an input, minigrad still runs its node (and its
        node hooks), where PyTorch stops there.
        """
        return hooks.register_posthook(self, hook)

    def __repr__(self) -> str:  # (PyTorch's shows the class: <CopySlices object at 0x...>)
        return f"<{self.name().removeprefix('torch::autograd::')}>"


def after_rule(node: Any, grads: Any, grad: Any, xs: Any) -> Any:
    """Run ``node``'s post-hooks (``grad_fn.register_hook``) on what its rule returned
    (``grads``, one per input, of a broadcast shape or None) and the gradient it received;
    return what goes to the inputs. The walk calls this for a node with hooks of any kind."""
    posts = [h.fn for h in node.hooks if isinstance(h, hooks.PostHook)]
    if not posts:
        return grads
    from .engine import TensorMakers, sum_to  # (here: the engine imports this module)

    def tensor(g: Any) -> Any:
        return g if g is None or hasattr(g, "_data") else TensorMakers.wrap(np.asarray(g), None)

    outputs = tuple(tensor(g) for g in (grad if isinstance(grad, list) else [grad]))
    inputs = tuple(
        None
        if e is None or g is None
        else tensor(sum_to(tensor(g), tuple(getattr(x, "shape", ()))))
        for e, g, x in zip(node.edges, grads, xs)
    )
    for fn in posts:
        new = fn(inputs, outputs)
        if new is None:
            continue
        if isinstance(new, tuple | list) and all(g is None for g in inputs[len(new) :]):
            new = (*new, *inputs[len(new) :])  # (PyTorch lists no Python-number operand)
        if not isinstance(new, tuple | list) or len(new) != len(inputs):
            raise RuntimeError(
                f"hook of {node.name()} returned {new!r}; expected None or a tuple of "
                f"{len(inputs)} gradients (one per input of the node)"
            )
        inputs = tuple(
            None if g is None or old is None else hooks.checked_result(g, old)
            for g, old in zip(new, inputs)
        )
        inputs = tuple(tensor(g) for g in inputs)
    recorded = is_grad_enabled()  # (the walk records only under create_graph)
    return tuple(g if g is None or recorded else g._data for g in inputs)


class OutputSurface(NodeSurface):
    """What output k of a node with several outputs (``engine.OutputOf``) shows: its node's
    name and ``next_functions``, and ``op_name`` with the index (``MyFunction[1]``)."""

    __slots__ = ()
    node: Any
    index: int

    def name(self) -> str:
        return self.node.name()

    @property
    def op_name(self) -> str:
        return f"{self.node.op_name}[{self.index}]"

    def attributes(self) -> dict[str, Any]:
        return {}

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        return self.node.next_functions

    def _next(self) -> tuple[Any, int]:
        return self.node, self.index

    def register_prehook(self, hook: Callable[[tuple[Any, ...]], Any]) -> hooks.HookHandle:
        """Not for one output of several: PyTorch's pre-hook gets the gradients of all the
        node's outputs at once, which minigrad gathers only inside the walk (raises)."""
        raise NotImplementedError(
            "register_prehook(): this is one output's node of an autograd.Function with "
            "several outputs (minigrad gives each output a node of its own); register a hook "
            "on each output tensor instead (t.register_hook)"
        )

    def register_hook(
        self, hook: Callable[[tuple[Any, ...], tuple[Any, ...]], Any]
    ) -> hooks.HookHandle:
        """The Function's node's post-hook (all outputs share it, as in PyTorch)."""
        return self.node.register_hook(hook)


class AccumulateGrad:
    """PyTorch's node for a leaf in ``next_functions``: ``.variable`` is the leaf tensor."""

    __slots__ = ("variable",)
    next_functions: tuple[tuple[Any, int], ...] = ()

    def __init__(self, variable: Any) -> None:
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __eq__(self, other: object) -> bool:  # one leaf, one node (PyTorch caches it)
        return isinstance(other, AccumulateGrad) and other.variable is self.variable

    def __hash__(self) -> int:
        return id(self.variable)

    def __repr__(self) -> str:
        return "<AccumulateGrad>"
