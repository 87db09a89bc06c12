"""The model view: each module call drawn as a labelled cluster, nested as the modules are."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..engine import Op
from ..tensor import Tensor
from .draw import _graphviz, _render
from .trace import Cluster, _trace

# ---------------------------------------------------------------------------------------------
# Model view


@dataclass
class _Call:
    """One call of a module's forward, as recorded while the model runs."""

    id: str
    name: str
    module: Any
    parent: str | None
    inputs: list[Tensor]
    outputs: list[Tensor] = field(default_factory=list)


def _tensors(x: Any) -> list[Tensor]:
    if isinstance(x, Tensor):
        return [x]
    if isinstance(x, list | tuple):
        return [t for item in x for t in _tensors(item)]
    if isinstance(x, dict):
        return [t for item in x.values() for t in _tensors(item)]
    return []


def _module_label(name: str, module: Any) -> str:
    kind = type(module).__name__
    n_in, n_out = getattr(module, "in_features", None), getattr(module, "out_features", None)
    if n_in is not None and n_out is not None:
        kind = f"{kind}({n_in}→{n_out})"
    return f"{name}: {kind}" if name else kind


def _record_calls(model: Any, run: Callable[[], Any]) -> tuple[Any, list[_Call]]:
    """Run ``run()`` with every submodule's forward wrapped to log its calls, then unwrap.

    The wrapper lives on the instance and is removed in ``finally``: the model is unchanged.
    """
    done: list[_Call] = []  # in completion order: inner calls before the calls around them
    stack: list[str] = []
    count = itertools.count()
    saved: list[tuple[Any, bool, Any]] = []

    def wrap(name: str, module: Any, forward: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            call = _Call(
                f"m{next(count)}",
                name,
                module,
                stack[-1] if stack else None,
                _tensors((args, kwargs)),
            )
            stack.append(call.id)
            try:
                out = forward(*args, **kwargs)
            finally:
                stack.pop()
            call.outputs = _tensors(out)
            done.append(call)
            return out

        return recorded

    try:
        for name, module in model.named_modules():
            own = vars(module)
            saved.append((module, "forward" in own, own.get("forward")))
            own["forward"] = wrap(name, module, module.forward)
        result = run()
    finally:
        for module, had, old in saved:
            if had:
                vars(module)["forward"] = old
            else:
                vars(module).pop("forward", None)
    return result, done


def _call_ops(call: _Call) -> list[Op]:
    """The ops a call performed: reachable back from its outputs, stopping at its inputs."""
    stop = {id(t.grad_fn) for t in call.inputs if t.grad_fn is not None}
    found: dict[int, Op] = {}
    stack = [t.grad_fn for t in call.outputs if t.grad_fn is not None]
    while stack:
        op = stack.pop()
        if id(op) in stop or id(op) in found:
            continue
        found[id(op)] = op
        stack.extend(e for e in op.edges if isinstance(e, Op))
    return list(found.values())


def draw_model(
    model: Any,
    *inputs: Any,
    loss: Callable[[Any], Tensor] | None = None,
    params: Mapping[str, Any] | None = None,
    show_data: bool = False,
    show_grad: bool = False,
    rankdir: str = "LR",
    max_values: int = 4,
    labels: Mapping[Any, str] | None = None,
    explain: Any = None,
    legend: bool = True,
    title: str | None = None,
) -> Any:
    """Run ``model(*inputs)`` and draw its graph, each module call a labelled, nested cluster.

    Args:
        model: an ``nn.Module``; its forward and its submodules' are wrapped for the one call
            (on the instances, restored afterwards).
        inputs: example inputs.
        loss: optionally ``loss(output) -> Tensor``, drawn after the model.
        params: names for tensors; defaults to ``dict(model.named_parameters())``.
        show_data, show_grad, rankdir, max_values, labels, legend, title: as ``draw_graph``.
        explain: an ``Explanation`` of this model (e.g. from ``explain_mlp``): its BP labels are
            placed on this new run's graph (δ on each layer's output, ∂C/∂W, ∂C/∂b on the
            parameters).

    Returns:
        A ``graphviz.Digraph``.

    Raises:
        ImportError: if the graphviz package is missing (``pip install graphviz``).
    """
    graphviz = _graphviz()
    out, calls = _record_calls(model, lambda: model(*inputs))
    roots = _tensors(loss(out) if loss is not None else out)
    if params is None:
        params = dict(model.named_parameters())
    notes = dict(explain.labels(*roots)) if explain is not None else {}
    notes.update(labels or {})
    graph, node_id, op_ids = _trace(roots, params, show_data, show_grad, max_values, notes)
    claimed: set[str] = set()
    clusters = []
    for call in calls:  # inner calls first: each op belongs to the innermost call
        members = []
        for op in _call_ops(call):
            # an op and its output (a Function with several outputs: their OutputOf nodes)
            ids = [i for i in (op_ids.get(id(op)), node_id.get(id(op))) if i is not None]
            if ids and ids[0] not in claimed:
                members += ids
        own = getattr(call.module, "_parameters", {})
        for p in own.values():
            nid = node_id.get(id(p)) if p is not None else None
            if nid is not None and nid not in claimed:
                members.append(nid)
        claimed.update(members)
        clusters.append(
            Cluster(call.id, _module_label(call.name, call.module), call.parent, tuple(members))
        )
    clusters.sort(key=lambda c: int(c.id[1:]))  # calls in the order they started
    graph = replace(graph, clusters=clusters)
    return _render(graphviz, graph, show_data, show_grad, rankdir, legend, title)
