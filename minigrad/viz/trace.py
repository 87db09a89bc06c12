"""Read the autograd graph into plain records: ``trace`` (pure, iterative, no graphviz)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import Op, OutputOf
from ..graph import iter_graph
from ..tensor import Tensor

# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Summary:
    """A tensor's values at a glance: all of them when few, statistics always."""

    size: int
    values: tuple[float, ...] | None
    mean: float
    std: float
    min: float
    max: float
    norm: float

    @classmethod
    def of(cls, a: Any, max_values: int = 4) -> Summary:
        """Summarise an array (or a Python number)."""
        if isinstance(a, int | float):  # constants such as the 2 in ``x * 2``: keep it cheap
            v = float(a)
            return cls(1, (v,), v, 0.0, v, v, abs(v))
        x = np.asarray(a, dtype=np.float64).ravel()
        values = tuple(x.tolist()) if x.size <= max_values else None
        if x.size == 0:
            nan = float("nan")
            return cls(0, values, nan, nan, nan, nan, 0.0)
        return cls(
            x.size, values, float(x.mean()), float(x.std()), float(x.min()), float(x.max()),
            float(np.linalg.norm(x)),
        )  # fmt: skip


@dataclass(frozen=True)
class TensorNode:
    """A tensor in the graph.

    ``kind`` is "param" (a leaf that requires grad), "constant", "intermediate" or "output".
    ``shape``/``dtype`` are None only where backward already freed the graph (intermediates,
    constants). A Python number used as a constant has shape () and dtype "int" or "float".
    """

    id: str
    kind: str
    name: str | None
    shape: tuple[int, ...] | None
    dtype: str | None
    data: Summary | None = None
    grad: Summary | None = None
    note: str | None = None


@dataclass(frozen=True)
class OpNode:
    """An op: its class name, attributes (``axis``...) and one-line math (``rule``);
    ``label``: PyTorch's name of the function it ends, for the last op of a function composed
    of several (``F.gelu``'s last ``Mul``: ``GeluBackward0``), else None."""

    id: str
    op: str
    attributes: dict[str, Any]
    rule: str
    kind: str = "op"
    label: str | None = None


@dataclass(frozen=True)
class Edge:
    """Data flowing from ``src`` to ``dst``; ``index`` is the input position at an op."""

    src: str
    dst: str
    index: int | None = None


@dataclass(frozen=True)
class Cluster:
    """A labelled group of nodes (one module call in ``draw_model``); may nest in ``parent``."""

    id: str
    label: str
    parent: str | None
    nodes: tuple[str, ...]


@dataclass
class Graph:
    """What ``trace`` returns: nodes in forward order (producers first), edges, clusters."""

    nodes: list[TensorNode | OpNode]
    edges: list[Edge]
    clusters: list[Cluster] = field(default_factory=list)

    @property
    def ops(self) -> list[OpNode]:
        """The op nodes, in the order backward visits them."""
        return [n for n in self.nodes if isinstance(n, OpNode)]

    @property
    def tensors(self) -> list[TensorNode]:
        """The tensor nodes (leaves, intermediates, the output)."""
        return [n for n in self.nodes if isinstance(n, TensorNode)]

    def node(self, id: str) -> TensorNode | OpNode:
        """The node with this id."""
        for n in self.nodes:
            if n.id == id:
                return n
        raise KeyError(f"Graph.node(): no node {id!r}")

    def find(self, name: str) -> TensorNode:
        """The tensor node called ``name``."""
        for n in self.tensors:
            if n.name == name:
                return n
        raise KeyError(f"Graph.find(): no tensor named {name!r}")


# ---------------------------------------------------------------------------------------------
# Tracing


def _rule(op: Op) -> str:
    doc = type(op).__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else type(op).__name__


def _names(params: Mapping[str, Any] | None) -> dict[int, str]:
    """id of the graph node (leaf tensor or producing op) -> name."""
    names: dict[int, str] = {}
    for name, t in (params or {}).items():
        names.setdefault(id(t.grad_fn if getattr(t, "grad_fn", None) is not None else t), name)
    return names


def _as_key(x: Any) -> int:
    """The id under which ``labels``/``params`` refer to a node: a tensor's op, or the object."""
    return id(x.grad_fn) if isinstance(x, Tensor) and x.grad_fn is not None else id(x)


def trace(
    *roots: Tensor,
    params: Mapping[str, Any] | None = None,
    show_data: bool = False,
    show_grad: bool = False,
    max_values: int = 4,
    labels: Mapping[Any, str] | None = None,
) -> Graph:
    """Read the graph behind ``roots`` into plain records (iterative; no graphviz needed).

    Intermediate tensors are not kept by the graph: their shape, dtype and values are read
    from each op's saved output, which ``backward()`` frees unless ``retain_graph=True``.
    Trace (or draw) before ``backward()``, or retain the graph, to see them.

    Args:
        roots: the tensors to trace back from (usually the loss).
        params: names for tensors, e.g. ``dict(model.named_parameters())``; an intermediate
            tensor may be named too. Otherwise ``Tensor.name`` is used.
        show_data: attach a ``Summary`` of each tensor's values.
        show_grad: attach a ``Summary`` of each leaf's ``.grad``.
        max_values: up to this many elements, a summary keeps every value.
        labels: notes shown on tensor nodes, keyed by tensor (or by the op whose output it
            is), e.g. the BP labels of ``explain_backward``.

    Returns:
        A ``Graph``: nodes producers first, one node per tensor and per op, keyed by identity.
    """
    return _trace(roots, params, show_data, show_grad, max_values, labels)[0]


def _trace(
    roots: Iterable[Tensor],
    params: Mapping[str, Any] | None,
    show_data: bool,
    show_grad: bool,
    max_values: int,
    labels: Mapping[Any, str] | None,
) -> tuple[Graph, dict[int, str], dict[int, str]]:
    """``trace``, also returning node ids: id(tensor or op) -> tensor node; id(op) -> op node."""
    roots = list(roots)
    names = _names(params)
    for r in roots:
        if r.name is not None:
            names.setdefault(_as_key(r), r.name)
    notes = {_as_key(k): v for k, v in (labels or {}).items()}
    outputs = {id(r.grad_fn): r for r in roots if r.grad_fn is not None}

    def summary(a: Any, show: bool) -> Summary | None:
        return Summary.of(a, max_values) if show and a is not None else None

    nodes: list[TensorNode | OpNode] = []
    edges: list[Edge] = []
    node_id: dict[int, str] = {}  # id(op) -> its output tensor node; id(tensor) -> its node
    count = itertools.count()

    def leaf_node(t: Any, kind: str) -> str:
        nid = f"t{next(count)}"
        if isinstance(t, Tensor):
            node_id[id(t)] = nid
            grad = t._grad._data if t._grad is not None else None
            nodes.append(
                TensorNode(
                    nid,
                    kind,
                    names.get(id(t), t.name),
                    t._data.shape,
                    str(t._data.dtype),
                    data=summary(t._data, show_data),
                    grad=summary(grad, show_grad),
                    note=notes.get(id(t)),
                )
            )
        elif t is None:  # a constant the first backward freed: nothing is left of it
            nodes.append(TensorNode(nid, kind, None, None, None))
        else:  # a Python number used as a constant: its value is its identity
            nodes.append(TensorNode(nid, kind, None, (), type(t).__name__, Summary.of(t)))
        return nid

    op_ids: dict[int, str] = {}
    order = list(iter_graph(roots))
    order.reverse()  # the engine visits consumers first; drawing wants producers first
    several = {id(n.node) for n in order if isinstance(n, OutputOf)}
    for node in order:
        if not isinstance(node, Op):
            if id(node) not in node_id:  # a root may also be a constant input met earlier
                leaf_node(node, "param" if node.requires_grad else "constant")
            continue
        if isinstance(node, OutputOf):  # output k of a node with several: an arrow from it
            op_id = op_ids[id(node.node)]
        else:
            op_id = op_ids[id(node)] = f"op{len(op_ids)}"
            label = getattr(node, "label", None)
            nodes.append(OpNode(op_id, node.op_name, node.attributes(), _rule(node), label=label))
            inputs = node.inputs if node.inputs is not None else (None,) * len(node.edges)
            for i, (edge, x) in enumerate(zip(node.edges, inputs)):
                if edge is None:
                    src = node_id.get(id(x)) if isinstance(x, Tensor) else None
                    src = src or leaf_node(x, "constant")
                else:
                    src = node_id[id(edge)]
                edges.append(Edge(src, op_id, i))
            if id(node) in several:
                continue  # its outputs are drawn where their OutputOf nodes are met
        root = outputs.get(id(node))
        out = root._data if root is not None else node.out
        nid = f"t{next(count)}"
        node_id[id(node)] = nid
        root_grad = root._grad._data if root is not None and root._grad is not None else None
        nodes.append(
            TensorNode(
                nid,
                "output" if root is not None else "intermediate",
                names.get(id(node)),
                shape=None if out is None else tuple(out.shape),
                dtype=None if out is None else str(out.dtype),
                data=summary(out, show_data),
                grad=summary(root_grad, show_grad),
                note=notes.get(id(node)),
            )
        )
        edges.append(Edge(op_id, nid))
    return Graph(nodes, edges), node_id, op_ids
