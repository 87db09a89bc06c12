"""The engine: the recorded op (`Op`) and the reverse-mode walk (`run_backward`).

This module knows no `Tensor`. It works on anything that has `._data` (the array), `.grad_fn`,
`.requires_grad` and `._grad` (the gradient's slot, written directly); `tensor.py` fills in
the two ways to make a Tensor (`TensorMakers`), so first-order backward runs on raw NumPy
arrays and `create_graph=True` runs the very same rules on Tensors, recorded.

Beside it: `grad_mode.py` (whether ops are recorded; anomaly mode's switch), `hooks.py` (where
hooks are kept and what they may return), `graph.py` (the graph as a list: what `grad()` needs
to run, what drawings and exporters read) and `node_surface.py` (a node as PyTorch shows it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from heapq import heappop, heappush
from typing import Any

import numpy as np

from . import versions
from .grad_mode import Anomaly, _grad_enabled
from .hooks import after_accumulate, checked_result
from .node_surface import NodeSurface, OutputSurface, after_rule
from .quiet import _QUIET, _loud_numpy, _quiet_numpy

# ---------------------------------------------------------------------------------------------
# The recorded op


class Op(NodeSurface):
    """One differentiable operation: ``forward`` on arrays, its ``backward`` rule beside it.

    An instance is created per call and becomes the output's ``grad_fn``. Subclasses set
    their attributes (``axis``, ``shape``...) in ``__init__`` and implement:

    * ``forward(self, *xs) -> ndarray`` on plain NumPy arrays (and Python scalars);
    * ``backward(self, grad, out, *xs) -> tuple`` returning one gradient per input (``None``
      for an input that needs none). ``out`` is the forward result and ``xs`` the inputs. The
      rule is written with operators and the helpers of ``ops.py`` only, so it runs on arrays
      (first order) and on Tensors (``create_graph=True``). Broadcasting and dtype are undone
      by the engine, so a rule may return a gradient of the broadcast shape.
    """

    __slots__ = ("edges", "epoch", "hooks", "inputs", "label", "out", "saved", "site")

    computes_in_floats = False
    """True for an op whose result is a float whatever its input (exp, log, sigmoid...): an
    integer or bool input is read in the default float dtype first, as PyTorch does (NumPy
    would compute in float64). ``tensor.apply`` and ``tensor._unary`` convert it."""

    reads_inputs = True
    """False for an op whose rule never reads its inputs' values (a cast): writing into an input
    after the op is then no error at backward, as in PyTorch, which saves nothing for it."""

    edges: tuple[Any, ...]
    """Per input, where its gradient goes: its producing Op, the leaf Tensor, or None."""
    inputs: tuple[Any, ...] | None
    """The inputs (Tensors or scalars), for create_graph; None once the graph is freed."""
    saved: tuple[Any, ...] | None
    """The inputs' arrays as they were in forward; None once the graph is freed."""
    out: np.ndarray | None
    """The output array saved for backward; None once the graph is freed."""
    hooks: list[Callable[[Any], Any]] | None
    """Hooks registered on the output tensor (a non-leaf)."""
    label: str
    """PyTorch's name, set by a function composed of ops on its last (unset: see ``name()``)."""
    site: Any
    """Where user code created this op (set only in anomaly mode; see ``grad_mode.Anomaly``)."""
    epoch: int
    """The op's tick (``next(versions.TICKS)``, set by whoever records it, with the slots above):
    backward runs ops from the latest tick down, and checks that nothing the op saved was
    written in place after it."""

    def forward(self, *xs: Any) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: Any, out: Any, *xs: Any) -> tuple[Any, ...]:
        raise NotImplementedError

    def needs_grad(self, i: int) -> bool:
        """Whether input ``i`` wants a gradient (lets a rule skip costly work)."""
        return self.edges[i] is not None


class OutputOf(OutputSurface, Op):
    """z = output k of a node with several outputs;  its gradient fills the node's slot k.

    The outputs of an ``autograd.Function`` that returns several tensors: each output's
    ``grad_fn`` is one of these, whose only edge is the node. The walk (``run_backward``)
    gathers the gradients of all outputs into one list for the node, which then runs its rule
    once with all of them (an op with a single output array could not). It shows itself as
    its node does (``node_surface.OutputSurface``).
    """

    __slots__ = ("count", "index", "node")

    def __init__(self, node: Op, index: int, count: int, out: Any) -> None:
        self.node, self.index, self.count = node, index, count
        self.edges, self.inputs, self.saved, self.out, self.hooks = (node,), (), (), out, None
        self.epoch = next(versions.TICKS)  # after the node's: the walk runs it first


class TensorMakers:
    """The two ways to make a Tensor, filled in by ``tensor.py`` when it loads.

    ``wrap(array, grad_fn)`` wraps an array (``Tensor._wrap``); ``apply(op, *inputs)`` runs an
    op on Tensors and records it (``tensor.apply``). Holding them here lets the engine and the
    ops make Tensors without importing the Tensor class.
    """

    wrap: Callable[[Any, Op | None], Any]
    apply: Callable[..., Any]


# ---------------------------------------------------------------------------------------------
# The walk
#
# Every recorded op holds a unique, increasing tick (``epoch``, from ``versions.TICKS``), and an
# op's inputs were all recorded before it. So running the ops that receive a gradient from the
# latest to the earliest runs each one after all of its consumers: the walk keeps them in a
# heap keyed by tick (as PyTorch orders its ready queue by sequence number) and needs no
# topological sort first. Leaves are accumulated after every op has run, so a backward that
# fails (a freed graph, a tensor changed in place) leaves every ``.grad`` as it was.


def _node_of(t: Any) -> Any:
    """The graph node a tensor's gradient enters: its op, or itself when it is a leaf."""
    return t.grad_fn if t.grad_fn is not None else t


def run_backward(
    roots: Sequence[Any],
    seeds: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    capture: Sequence[Any] | None = None,
    observe: Callable[[Any, Any, list[Any] | None], None] | None = None,
    needed: set[Any] | None = None,
) -> list[Any] | None:
    """Propagate ``seeds`` from ``roots`` to the leaves, each node once, after its consumers.

    With ``capture`` (a list of tensors), the gradients reaching those tensors are returned
    instead of being accumulated into leaves' ``.grad`` (this is ``grad()``); with ``needed``
    (``graph.leading_to``: the nodes that lead to them), only those nodes run.
    ``observe(node, grad, handed)``, if given, is told each step: the gradient a node received
    (after hooks) and, for an op, what it handed to each input (None where nothing was sent);
    ``minigrad.explain`` writes it down.

    Raises:
        RuntimeError: before an op runs whose saved values a previous backward freed or were
            changed in place since forward (``versions.check``); no ``.grad`` has changed then.
    """
    pending: dict[Any, Any] = {}  # op -> the gradient it has received so far
    leaves: dict[Any, Any] = {}  # leaf -> its gradient so far (accumulated at the end)
    ready: list[tuple[int, Any]] = []  # (-tick, op) of every op in ``pending``: a heap
    for r, seed in zip(roots, seeds):
        node = r.grad_fn
        if node is None:
            leaves[r] = leaves[r] + seed if r in leaves else seed
        elif node in pending:
            pending[node] = pending[node] + seed
        else:
            pending[node] = seed
            heappush(ready, (-node.epoch, node))

    captured: dict[Any, Any] | None = None if capture is None else {}

    last_write = versions.CLOCK.writes
    recording = _grad_enabled.set(create_graph)  # rules record only when asked to
    # Rules meet IEEE edges (1/x at 0, inf * 0): PyTorch's values, quietly, by one switch (quiet.py)
    quiet = _quiet_numpy(_QUIET)
    handed: list[Any] | None = None
    try:
        while ready:
            node = heappop(ready)[1]
            grad = pending.pop(node)
            if node.inputs is None:
                raise RuntimeError(
                    f"Trying to backward through the graph a second time (through {node!r}): "
                    "its saved values were freed by the first backward. Pass "
                    "retain_graph=True to the first backward() if you need to call it twice."
                )
            if node.epoch < last_write:  # something was written in place since forward
                versions.check(node, node.epoch)
            if needed is not None and node not in needed:
                continue
            hooked = node.hooks
            if hooked:
                grad = _run_hooks(hooked, grad, create_graph)
            if captured is not None:
                captured[node] = grad
            if observe is not None:
                handed = []
            if type(node) is OutputOf:
                _fill_slot(node, grad, pending, ready, handed)
            else:  # run the rule; hand each input its gradient (in ``handed`` too, if a list)
                xs: Any = node.saved
                if create_graph:
                    grads = node.backward(
                        grad, TensorMakers.wrap(node.out, node), *_as_recorded(node)
                    )
                else:
                    grads = node.backward(grad, node.out, *xs)
                if hooked:  # a node's post-hooks see, and may replace, what its rule returned
                    grads = after_rule(node, grads, grad, xs)
                if Anomaly.enabled:
                    Anomaly.check(node, grads)
                for p, g, x in zip(node.edges, grads, xs):
                    if p is None or g is None:
                        if handed is not None:
                            handed.append(None)
                        continue
                    if g.shape != x.shape:
                        g = sum_to(g, x.shape)  # undo broadcasting: the one place it happens
                    if g.dtype is not x.dtype and g.dtype != x.dtype:
                        g = g.astype(x.dtype)
                    if handed is not None:
                        handed.append(g)
                    # Out of place (prev + g): one array may have been handed to several inputs.
                    if isinstance(p, Op):
                        prev = pending.get(p)
                        if prev is None:
                            pending[p] = g
                            heappush(ready, (-p.epoch, p))
                        else:
                            pending[p] = prev + g
                    else:
                        prev = leaves.get(p)
                        leaves[p] = g if prev is None else prev + g
            if observe is not None:
                observe(node, grad, handed)
            if not retain_graph:
                node.inputs = node.saved = node.out = None
        given: set[int] = set()  # ids of arrays already stored as some leaf's .grad
        for leaf, grad in leaves.items():
            if needed is not None and leaf not in needed:
                continue
            if leaf._hooks:
                grad = _run_hooks(leaf._hooks, grad, create_graph)
            if captured is not None:
                captured[leaf] = grad
            else:
                accumulate(leaf, grad, create_graph, given)
            if observe is not None:
                observe(leaf, grad, None)
    finally:
        _loud_numpy(quiet)
        _grad_enabled.reset(recording)
    if captured is None:
        return None
    return [captured.get(_node_of(t)) for t in capture or ()]


def _fill_slot(
    node: OutputOf,
    grad: Any,
    pending: dict[Any, Any],
    ready: list[tuple[int, Any]],
    handed: list[Any] | None,
) -> None:
    """One output's gradient goes to its slot of the node's list (the node runs after all
    of its outputs, recorded after it, have run, with None in the slots no gradient reached)."""
    slots = pending.get(node.node)
    if slots is None:
        slots = pending[node.node] = [None] * node.count
        heappush(ready, (-node.node.epoch, node.node))
    prev = slots[node.index]
    slots[node.index] = grad if prev is None else prev + grad
    if handed is not None:
        handed.append(grad)


def _as_recorded(node: Op) -> list[Any]:
    """The inputs as they were at forward, as Tensors linked to their graph (create_graph).

    Built from the saved arrays and the edges rather than taken from ``node.inputs``: a tensor
    changed in place since forward holds another array and another ``grad_fn`` now.
    """
    xs: list[Any] = []
    for edge, x in zip(node.edges, node.saved or ()):
        if edge is None:
            xs.append(TensorMakers.wrap(x, None) if type(x) is np.ndarray else x)
        elif isinstance(edge, Op):
            xs.append(TensorMakers.wrap(x, edge))
        else:
            xs.append(edge)  # a leaf: the tensor itself, so gradients reach it
    return xs


def accumulate(leaf: Any, grad: Any, create_graph: bool, given: set[int]) -> None:
    """Add ``grad`` (an array, or a Tensor under ``create_graph``) into ``leaf._grad``.

    ``given`` holds the ids of the gradients already stored as some tensor's ``.grad`` in
    this backward, so no two tensors end up sharing one.
    """
    if not create_graph:
        if leaf._grad is None:
            # Pass-through rules (add, reshape) can hand one array, or views of it, to several
            # leaves; an in-place update of one .grad must not change another's. So a view, a
            # NumPy scalar or an array another leaf already holds is copied; a fresh one is not
            # (copying every gradient would cost a full pass over the weights each step).
            if type(grad) is not np.ndarray or grad.base is not None or id(grad) in given:
                grad = np.array(grad)
            given.add(id(grad))
            leaf._grad = TensorMakers.wrap(grad, None)
        else:
            # Replace the array rather than add in place: it may be shared with another leaf.
            leaf._grad._data = leaf._grad._data + grad
    elif leaf._grad is None:
        if id(grad) in given:  # another leaf holds this very tensor: give this one its own
            grad = grad + 0
        given.add(id(grad))
        leaf._grad = grad
    else:
        leaf._grad = leaf._grad + grad
    if leaf._hooks:  # (its post-accumulate hooks: hooks.after_accumulate)
        after_accumulate(leaf)


def _run_hooks(hooks: list[Callable[[Any], Any]], grad: Any, create_graph: bool) -> Any:
    """Hooks see the gradient as a Tensor; one may return a replacement (hooks.checked_result)."""
    g = grad if create_graph else TensorMakers.wrap(grad, None)
    for hook in hooks:
        new = hook(g)
        if new is not None:
            new = checked_result(new, g)
            g = new if type(new) is not np.ndarray else TensorMakers.wrap(new, None)
    return g if create_graph else g._data


def sum_to(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` down to ``shape``: the adjoint of NumPy broadcasting (array or Tensor)."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    if lead == 1 and g.shape[1:] == shape and type(g) is np.ndarray:  # a bias: the usual case
        return np.add.reduce(g, axis=0)
    stretched = tuple(i + lead for i, n in enumerate(shape) if n == 1 and g.shape[i + lead] != 1)
    # (np.add.reduce on arrays: the sum without ndarray.sum's Python-level wrapper)
    total = np.add.reduce if type(g) is np.ndarray else type(g).sum
    if not stretched:  # only leading axes were added (a bias): one fresh sum, no reshape
        return total(g, axis=tuple(range(lead)))
    g = total(g, axis=tuple(range(lead)) + stretched, keepdims=True)
    return g.reshape(shape)
