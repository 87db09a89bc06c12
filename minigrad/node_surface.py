"""PyTorch's view of a recorded op (a tensor's ``grad_fn``): ``name()`` (``MulBackward0``),
``next_functions`` with ``AccumulateGrad`` for leaves, and what drawings show (``op_name``,
``attributes()``).

``engine.Op`` inherits these from ``NodeSurface``; the walk uses none of them (only the error of
``versions.check`` names an op by its attributes).

PyTorch names a node after the function that made it, where minigrad records a few primitives:
an op that serves several functions names itself by its attributes (its ``own_name()``: a sum
over a dimension is ``SumBackward1``, as PyTorch's overload with ``dim``), and a function
composed of several ops labels the last one with its own name (``labelled``: ``F.gelu``'s last
``Mul`` is ``GeluBackward0``). Given the function's inputs, the label also keeps their edges,
and ``next_functions`` shows those (the nodes inside the composition are skipped, as PyTorch has
none); where PyTorch records a few nodes that minigrad fuses away (``F.linear``'s
``TBackward0`` of the weight), such edges may hold ``Shown`` nodes, which only show. A label
changes ``name()`` and ``next_functions`` only: ``op_name``, the class, the attributes, the
edges and the rule stay the op's, which is what the walk, drawings, ``explain``, the compiler
and the ONNX export read.
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
    "IndexingSurface",
    "Label",
    "NodeSurface",
    "OutputSurface",
    "Shown",
    "edge_of",
    "indexing_name",
    "indexing_steps",
    "labelled",
    "matmul_labelled",
    "outputs_of",
    "shown",
]


def indexing_steps(index: Any) -> list[str]:
    """PyTorch's nodes for ``x[index]``, the first applied first: basic indexing runs its steps
    in order (an int selects, a slice slices, None and a bool unsqueeze; ``:`` and ``...``
    within a tuple do nothing), so ``x[0, 1:3]`` is a ``SliceBackward0`` of a
    ``SelectBackward0``; an array, list or bool anywhere is advanced indexing, one
    ``IndexBackward0`` after the basic steps. No step at all (``x[...]``) is an
    ``AliasBackward0``."""
    steps = index if isinstance(index, tuple) else (index,)
    names: list[str] = []
    advanced = False
    for step in steps:
        if step is None:
            names.append("UnsqueezeBackward0")
        elif isinstance(step, slice):
            if step != slice(None) or not isinstance(index, tuple):
                names.append("SliceBackward0")
        elif isinstance(step, bool):  # (a new dimension, then indexed by the bool)
            names.append("UnsqueezeBackward0")
            advanced = True
        elif not isinstance(step, int | np.integer):
            advanced = advanced or step is not Ellipsis
        else:
            names.append("SelectBackward0")
    if advanced:
        names.append("IndexBackward0")
    return names or ["AliasBackward0"]


def indexing_name(index: Any) -> str:
    """PyTorch's node for ``x[index]``: its last step's (``indexing_steps``): ``x[1]``
    ``SelectBackward0``, ``x[1, :2]`` ``SliceBackward0``, ``x[:, None]``
    ``UnsqueezeBackward0``, ``x[...]`` ``AliasBackward0``, ``x[[0, 2]]`` ``IndexBackward0``."""
    return indexing_steps(index)[-1]


class Label(str):
    """A node's PyTorch name with the edges its ``next_functions`` shows (``labelled``): those
    of the inputs of the function that composed it, where the node's own edges are those of
    the last op inside the composition (None: its own); and, for one output of a function
    that PyTorch records as one node with several outputs, ``(that node, the output's
    index)``, which its users' ``next_functions`` show (``outputs_of``)."""

    edges: tuple[Any, ...] | None = None
    output: tuple[Any, int] | None = None


def edge_of(x: Any) -> Any:
    """Where the gradient of ``x`` goes, as an op's ``edges`` hold it: its node, the leaf
    itself, or None for a tensor that needs no gradient (a ``Shown`` node stays itself)."""
    if isinstance(x, NodeSurface):
        return x
    node = getattr(x, "grad_fn", None)
    if node is not None:
        return node
    return x if getattr(x, "requires_grad", False) else None


def labelled(
    out: Any,
    name: str,
    *inputs: Any,
    edges: tuple[Any, ...] | None = None,
    output: tuple[Any, int] | None = None,
) -> Any:
    """``out``, its node named ``name`` (PyTorch's node for the function that composed it);
    nothing is named when ``out`` has no node or is one of ``inputs`` (or shares its node), so
    a composition that returned an input unchanged never renames the input's node.

    The node's ``next_functions`` then shows the edges of ``inputs`` (the tensors among them:
    PyTorch lists no number), or ``edges`` where given, instead of its own: the function's
    inputs, as PyTorch's one node has them. ``output``: see ``outputs_of``."""
    node = out.grad_fn
    if node is None:
        return out
    for x in inputs:
        if node is getattr(x, "grad_fn", None):
            return out
    if edges is None and inputs:
        edges = tuple(edge_of(x) for x in inputs if x is None or hasattr(x, "_data"))
    own = node.edges
    if edges is not None and len(edges) == len(own) and all(a is b for a, b in zip(edges, own)):
        edges = None  # (the node's own edges are the function's: nothing to keep)
    if edges is None and output is None:
        node.label = name
        return out
    label = Label(name)
    label.edges, label.output = edges, output
    node.label = label
    return out


def outputs_of(name: str, inputs: tuple[Any, ...], *outs: Any) -> None:
    """Show ``outs`` as outputs 0, 1... of PyTorch's one node ``name`` over ``inputs``, where
    minigrad records a node per output (``unbind``, ``split``, ``aminmax``, ``linalg.eigh``):
    each output's node is named ``name``, and its users' ``next_functions`` list
    ``(the one node, the output's index)``, a ``Shown`` node that all of them share."""
    edges = tuple(edge_of(x) for x in inputs)
    one = Shown(name, *edges)
    for k, out in enumerate(outs):
        if out is not None:
            labelled(out, name, *inputs, edges=edges, output=(one, k))


def matmul_labelled(out: Any, x: Any, y: Any) -> Any:
    """``out = x @ y``, its node named and shown as PyTorch's ``matmul`` records it, by the
    operands' ranks (minigrad's one ``MatMul`` serves them all): ``MmBackward0`` for two
    matrices, ``DotBackward0`` for two vectors, ``MvBackward0`` for a matrix and a vector; a
    vector times a matrix is a ``SqueezeBackward4`` of an ``MmBackward0`` of the vector's
    ``UnsqueezeBackward0``; a batch times a matrix or a vector is an ``UnsafeViewBackward0``
    of the product of the batch's ``ViewBackward0`` (one matrix); two 3-D batches of the same
    size are an ``UnsafeViewBackward0`` of a ``BmmBackward0`` of views of their expansions.
    Other batched products keep ``MmBackward0``: PyTorch's nodes for them depend on which
    operand needs a gradient and on the broadcast."""
    node = out.grad_fn
    a, b = x._data.ndim, y._data.ndim
    if node is None or (a == 2 and b == 2):
        return out
    if b == 1 and a <= 2:
        return labelled(out, "DotBackward0" if a == 1 else "MvBackward0")
    ex, ey = node.edges
    if a == 1 and b == 2:
        mm = Shown("MmBackward0", _through(ex, "UnsqueezeBackward0"), ey)
        return labelled(out, "SqueezeBackward4", edges=(mm,))
    if b <= 2:
        name = "MvBackward0" if b == 1 else "MmBackward0"
        product = Shown(name, _through(ex, "ViewBackward0"), ey)
        return labelled(out, "UnsafeViewBackward0", edges=(product,))
    if a == 3 and b == 3 and x._data.shape[0] == y._data.shape[0]:
        ex, ey = (_through(_through(e, "ExpandBackward0"), "ViewBackward0") for e in (ex, ey))
        return labelled(out, "UnsafeViewBackward0", edges=(Shown("BmmBackward0", ex, ey),))
    return out


def _through(edge: Any, name: str) -> Any:
    """``edge`` seen through a ``Shown`` node ``name`` (None stays None: PyTorch records no
    view of a tensor that needs no gradient)."""
    return None if edge is None else Shown(name, edge)


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
        edges = self.shown_edges()
        number = NUMBER_INPUT.get(self.name(), -1) if edges is self.edges else -1
        for i, e in enumerate(edges):
            if i == number and e is None:
                continue
            if e is None:
                found.append((None, 0))
            elif isinstance(e, NodeSurface):
                found.append(e._next())
            else:
                found.append((AccumulateGrad(e), 0))
        return tuple(found)

    def shown_edges(self) -> tuple[Any, ...]:
        """The edges ``next_functions`` shows: those of the inputs of the function that
        composed this node where its label keeps them (``labelled``), else the op's own; an op
        that PyTorch records as several nodes overrides this (``fused.Linear``)."""
        edges: tuple[Any, ...] | None = getattr(getattr(self, "label", None), "edges", None)
        return self.edges if edges is None else edges

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
        output: tuple[Any, int] | None = getattr(getattr(self, "label", None), "output", None)
        return (self, 0) if output is None else output

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


class Shown(NodeSurface):
    """A node that only shows: one of the nodes PyTorch records where minigrad's graph has
    none (``F.linear``'s ``TBackward0`` of the weight, which minigrad's fused node reads
    directly), in the ``next_functions`` of the node that stands for it. The walk never meets
    it, so it takes no hooks."""

    __slots__ = ("edges", "label")

    def __init__(self, name: str, *edges: Any) -> None:
        self.label, self.edges = name, edges

    @property
    def op_name(self) -> str:
        return self.label

    def attributes(self) -> dict[str, Any]:
        return {}

    def register_prehook(self, hook: Callable[[tuple[Any, ...]], Any]) -> hooks.HookHandle:
        """Not for a node that only shows: backward never runs it (raises)."""
        raise RuntimeError(
            f"register_prehook(): {self.label} is shown where PyTorch records it, but "
            "minigrad's graph has no such node (the node above reads its input directly); "
            "register the hook on that node or on the tensor instead"
        )

    def register_hook(
        self, hook: Callable[[tuple[Any, ...], tuple[Any, ...]], Any]
    ) -> hooks.HookHandle:
        """Not for a node that only shows: backward never runs it (raises)."""
        raise RuntimeError(
            f"register_hook(): {self.label} is shown where PyTorch records it, but "
            "minigrad's graph has no such node (the node above reads its input directly); "
            "register the hook on that node or on the tensor instead"
        )


def shown(name: str, *inputs: Any) -> Shown:
    """A ``Shown`` node named ``name`` over the edges of ``inputs`` (tensors or nodes)."""
    return Shown(name, *(edge_of(x) for x in inputs))


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


class IndexingSurface(NodeSurface):
    """What the op of ``x[index]`` (``ops.GetItem``) shows: the node of the index's last step,
    whose ``next_functions`` go through ``Shown`` nodes for the steps before it, as PyTorch
    records one node per step (``indexing_steps``)."""

    __slots__ = ()
    index: Any

    def own_name(self) -> str:
        return indexing_name(self.index)

    def shown_edges(self) -> tuple[Any, ...]:
        if getattr(self, "label", None) is not None:
            return super().shown_edges()
        (edge,) = self.edges
        for name in indexing_steps(self.index)[:-1]:
            edge = None if edge is None else Shown(name, edge)
        return (edge,)
