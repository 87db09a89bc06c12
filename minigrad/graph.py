"""The recorded graph as a list: every node reachable from some tensors, in the order backward
visits them (``iter_graph``), and the part of it that ``grad()`` needs to run (``leading_to``).

The walk itself (``engine.run_backward``) needs no such list: it runs the ops from the latest
tick down as their gradients arrive. This list is for what looks at the graph as a whole:
``grad()`` (``gradients.py``), drawing (``viz``), ``explain``, ONNX export and the compiler.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .engine import Op, _node_of


def iter_graph(roots: Sequence[Any]) -> Iterator[Any]:
    """Every Op and leaf reachable from the tensors ``roots``, in the order backward visits them.

    The ops from the latest recorded to the earliest (each after all of its consumers), then
    the leaves in the order the ops reach them (a leaf root first).
    """
    return iter(_in_walk_order([_node_of(r) for r in roots]))


def leading_to(roots: Sequence[Any], targets: Sequence[Any]) -> set[Any]:
    """The nodes between the tensors ``roots`` and ``targets``: the nodes from which some
    target can be reached, the only ones ``grad()`` needs to run."""
    wanted = {_node_of(t) for t in targets}
    needed: set[Any] = set()
    for node in reversed(_in_walk_order([_node_of(r) for r in roots])):  # producers first
        if node in wanted or (
            isinstance(node, Op) and any(p in needed for p in node.edges if p is not None)
        ):
            needed.add(node)
    return needed


def _in_walk_order(nodes: Sequence[Any]) -> list[Any]:
    """Every Op and leaf reachable from ``nodes`` (ops or leaves), in ``iter_graph``'s order.

    An iterative walk: a 100,000-op chain needs no recursion.
    """
    ops: list[Any] = []
    leaves = {r: None for r in nodes if not isinstance(r, Op)}  # (a dict keeps the order)
    seen: set[Any] = set()
    stack = [r for r in nodes if isinstance(r, Op)]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        ops.append(node)
        stack.extend(p for p in node.edges if isinstance(p, Op) and p not in seen)
    ops.sort(key=_tick, reverse=True)
    for op in ops:
        for p in op.edges:
            if p is not None and not isinstance(p, Op):
                leaves[p] = None
    return ops + list(leaves)


def _tick(op: Op) -> int:
    return op.epoch
