"""The recorded graph as a list: every node reachable from some tensors, in the order backward
visits them (``iter_graph``), and the part of it that ``grad()`` needs to run (``leading_to``).

The walk itself (``engine.run_backward``) needs no such list: it runs the ops from the latest
tick down as their gradients arrive. This list is for what looks at the graph as a whole:
``grad()`` (``gradients.py``), drawing (``viz``), ``explain``, ONNX export and the compiler.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import attrgetter
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
    target can be reached, the only ones ``grad()`` needs to run (with the targets' nodes
    themselves, reached or not: the walk asks only about nodes it reaches).

    One pass over the ops reachable from ``roots``, producers first (by tick), each needed if
    one of its edges is; leaves need no ordering, since a leaf is needed only as a target.
    """
    needed = {_node_of(t) for t in targets}
    ops: set[Any] = set()
    stack = [r.grad_fn for r in roots if r.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node in ops:
            continue
        ops.add(node)
        for p in node.edges:
            if p is not None and p not in ops and isinstance(p, Op):
                stack.append(p)
    for op in sorted(ops, key=_EPOCH):  # producers first
        if op not in needed:
            for p in op.edges:
                if p in needed:
                    needed.add(op)
                    break
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
    ops.sort(key=_EPOCH, reverse=True)
    for op in ops:
        for p in op.edges:
            if p is not None and not isinstance(p, Op):
                leaves[p] = None
    return ops + list(leaves)


_EPOCH = attrgetter("epoch")  # an op's tick: backward runs the latest first
