"""Nested inputs and outputs ("pytrees") of the function transforms: tuples, lists and dicts
of tensors, as ``torch.func`` accepts them (a model's parameters as a dict, say).

``flatten`` lists the leaves (anything not a tuple, list or dict) in order and returns a
function that builds the same structure around new leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Rebuild = Callable[[list[Any]], Any]


def flatten(tree: Any) -> tuple[list[Any], Rebuild]:
    """The leaves of ``tree`` in order, and ``rebuild(new_leaves)`` giving its structure back."""
    if isinstance(tree, tuple | list):
        parts = [flatten(item) for item in tree]
        kind = type(tree)
        fields = hasattr(tree, "_fields")  # a namedtuple is rebuilt from its fields
        return _joined(parts, lambda items: kind(*items) if fields else kind(items))
    if isinstance(tree, dict):
        keys = list(tree)
        parts = [flatten(tree[k]) for k in keys]
        kind_d = type(tree)
        return _joined(parts, lambda items: kind_d(zip(keys, items)))
    return [tree], lambda leaves: leaves[0]


def _joined(
    parts: list[tuple[list[Any], Rebuild]], build: Callable[[list[Any]], Any]
) -> tuple[list[Any], Rebuild]:
    """The leaves of several subtrees one after the other; ``build`` makes the container."""
    sizes = [len(leaves) for leaves, _ in parts]
    leaves = [leaf for part, _ in parts for leaf in part]

    def rebuild(new: list[Any]) -> Any:
        items, start = [], 0
        for size, (_, sub) in zip(sizes, parts):
            items.append(sub(new[start : start + size]))
            start += size
        return build(items)

    return leaves, rebuild


def structure(tree: Any) -> str:
    """A short description of ``tree``'s structure for error messages: ``(*, {'a': *})``."""
    if isinstance(tree, tuple | list):
        inner = ", ".join(structure(item) for item in tree)
        return (
            f"({inner}{',' if len(tree) == 1 else ''})"
            if isinstance(tree, tuple)
            else (f"[{inner}]")
        )
    if isinstance(tree, dict):
        return "{" + ", ".join(f"{k!r}: {structure(v)}" for k, v in tree.items()) + "}"
    return "*"


def map_leaves(fn: Callable[[Any], Any], tree: Any) -> Any:
    """``tree`` with every leaf replaced by ``fn(leaf)``."""
    leaves, rebuild = flatten(tree)
    return rebuild([fn(leaf) for leaf in leaves])
