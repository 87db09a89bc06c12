"""``add_graph``'s graph: the model run once, the ops minigrad recorded read into TensorBoard's
``GraphDef`` (PyTorch traces the model with TorchScript instead; minigrad records every op
anyway, so one ordinary call is the trace).

What is shown (TensorBoard groups nodes by the ``/`` in their names):

* one node per recorded op, named ``<scope>/<PyTorch's node name>`` (``grad_fn.name()``, e.g.
  ``Net/Linear[fc1]/AddmmBackward0``), a repeat in the same scope suffixed ``_1``, ``_2``...;
  its operation is that name too, and its ``attr`` text gives minigrad's op and attributes;
* the scope is the module path, as PyTorch writes it: the model's class, then
  ``Class[attribute]`` per submodule (``Net/Sequential[features]/Conv2d[0]``); an op belongs
  to the innermost module whose ``forward`` (or forward hooks) recorded it;
* the model's parameters as ``Parameter`` nodes in their module's scope
  (``Net/Linear[fc1]/weight``), its buffers and other tensor constants as ``Buffer`` and
  ``Constant`` nodes, the inputs as ``input/<argument name>`` and the outputs as
  ``output/output.1``... (``IO Node``), as PyTorch names them; Python numbers are no nodes.
  An input that no op records as one of its tensors (the integer indices of an embedding,
  which its op keeps as an attribute) is shown without an edge;
* an edge into each node from each of its inputs, and every node's output shape in its
  ``_output_shapes`` attribute.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ... import versions
from ...engine import Op, OutputOf
from ...grad_mode import enable_grad
from ...graph import iter_graph
from ...nn import Module
from ...tensor import Tensor
from .summary import tensorboardx


def _as_inputs(input_to_model: Any) -> tuple[Any, ...]:
    """The positional arguments, as ``torch.jit.trace`` reads its example inputs: a tensor (or
    an array, or a dict) is one argument, a tuple is the arguments, a list is made a tuple."""
    if input_to_model is None:
        return ()
    if isinstance(input_to_model, np.ndarray):
        return (Tensor(input_to_model),)
    if isinstance(input_to_model, Tensor | dict):
        return (input_to_model,)
    if isinstance(input_to_model, tuple | list):
        return tuple(Tensor(a) if isinstance(a, np.ndarray) else a for a in input_to_model)
    raise TypeError(
        "add_graph(): input_to_model must be a tensor, an array or a tuple of them (the "
        f"model's positional arguments), got {type(input_to_model).__name__}"
    )


def _tensors(x: Any) -> Iterator[Tensor]:
    if isinstance(x, Tensor):
        yield x
    elif isinstance(x, tuple | list):
        for item in x:
            yield from _tensors(item)
    elif isinstance(x, dict):
        for item in x.values():
            yield from _tensors(item)


def _shape(out: Any) -> tuple[int, ...]:
    """An op's output shape (the graph is fresh, so its output is kept)."""
    return tuple(getattr(out, "shape", ()))


def _floating(t: Tensor) -> bool:
    return np.issubdtype(t._data.dtype, np.inexact)


def _record_calls(model: Module, run: Callable[[], Any]) -> tuple[Any, list[tuple[int, int, str]]]:
    """Run ``run()`` with hooks on every submodule noting the ticks its calls span.

    Every recorded op takes the next tick of ``versions.TICKS``; a pre-hook takes one before a
    module's forward and a hook one after, so the ops of a call are those between its two
    ticks, and the innermost call around an op is the latest to start. Returns ``run()``'s
    result and (start, end, module name) per call.
    """
    calls: list[tuple[int, int, str]] = []
    starts: list[int] = []
    handles = []

    def before(module: Any, args: Any) -> None:
        starts.append(next(versions.TICKS))

    def after(name: str) -> Callable[..., None]:
        def hook(module: Any, args: Any, output: Any) -> None:
            calls.append((starts.pop(), next(versions.TICKS), name))

        return hook

    try:
        for name, module in model.named_modules():
            handles.append(module.register_forward_pre_hook(before, prepend=True))
            handles.append(module.register_forward_hook(after(name), always_call=True))
        result = run()
    finally:
        for handle in handles:
            handle.remove()
    return result, calls


def _scopes(model: Module) -> dict[str, str]:
    """Module name -> PyTorch's scope: ``Net``, ``Net/Linear[fc1]``, ``Net/Sequential[f]/...``."""
    scopes = {"": type(model).__name__}
    for name, module in model.named_modules():
        if name:
            parent, _, attribute = name.rpartition(".")
            scopes[name] = f"{scopes[parent]}/{type(module).__name__}[{attribute}]"
    return scopes


def _input_names(model: Module, count: int) -> list[str]:
    """The names of ``forward``'s first ``count`` positional parameters (``input.k`` past them)."""
    try:
        params = list(inspect.signature(model.forward).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = [
        p.name
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    return [positional[i] if i < len(positional) else f"input.{i + 1}" for i in range(count)]


class _Names:
    """Unique node names: a repeat of ``base`` becomes ``base_1``, ``base_2``..."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        count = self.seen.get(base, 0)
        self.seen[base] = count + 1
        return base if count == 0 else f"{base}_{count}"


def graph(model: Any, input_to_model: Any = None) -> Any:
    """Run ``model`` once on ``input_to_model`` and return its graph as a TensorBoard ``GraphDef``.

    The model runs in eval mode (as PyTorch's ``add_graph`` traces it) with recording on, its
    floating inputs and parameters requiring grad for the call (so that every op they reach is
    recorded); training mode and ``requires_grad`` flags are restored afterwards, and no
    gradient is computed.

    Args:
        model: an ``nn.Module``.
        input_to_model: its positional argument(s): a tensor or array, or a tuple of them.

    Raises:
        TypeError: if ``model`` is not an ``nn.Module`` or the input is of another kind.
    """
    if not isinstance(model, Module):
        raise TypeError(
            f"add_graph(): model must be an nn.Module (its forward is run once and its ops "
            f"recorded), got {type(model).__name__}"
        )
    args = tuple(
        a.detach().requires_grad_(True) if isinstance(a, Tensor) and _floating(a) else a
        for a in _as_inputs(input_to_model)
    )
    frozen = [p for p in model.parameters() if not p.requires_grad and _floating(p)]
    training = model.training
    try:
        for p in frozen:
            p.requires_grad_(True)
        model.train(False)
        with enable_grad():
            output, calls = _record_calls(model, lambda: model(*args))
    finally:
        model.train(training)
        for p in frozen:
            p.requires_grad_(False)
    return _graph_def(model, args, list(_tensors(output)), calls)


def _graph_def(
    model: Module, args: tuple[Any, ...], outputs: list[Tensor], calls: list[tuple[int, int, str]]
) -> Any:
    """The ``GraphDef`` of the ops behind ``outputs`` (see the module's docstring)."""
    graph_pb2 = tensorboardx("proto.graph_pb2")
    node_def_pb2 = tensorboardx("proto.node_def_pb2")
    attr_value_pb2 = tensorboardx("proto.attr_value_pb2")
    tensor_shape_pb2 = tensorboardx("proto.tensor_shape_pb2")
    versions_pb2 = tensorboardx("proto.versions_pb2")
    AttrValue, Shape = attr_value_pb2.AttrValue, tensor_shape_pb2.TensorShapeProto

    scopes = _scopes(model)
    root = scopes[""]
    calls.sort()  # by start: for an op, the innermost call around it is the last that starts
    unique = _Names()
    nodes: list[Any] = []
    name_of: dict[int, str] = {}  # id(op or leaf tensor or constant) -> node name

    def add(name: str, op: str, inputs: list[str], shapes: list[tuple[int, ...]], text: str) -> str:
        attr = {}
        if text:
            attr["attr"] = AttrValue(s=text.encode("utf-8"))
        shape_list = [Shape(dim=[Shape.Dim(size=int(d)) for d in s]) for s in shapes]
        attr["_output_shapes"] = AttrValue(list=AttrValue.ListValue(shape=shape_list))
        nodes.append(node_def_pb2.NodeDef(name=name, op=op, input=inputs, attr=attr))
        return name

    def scope_of(tick: int) -> str:
        inside = [name for start, end, name in calls if start < tick < end]
        return scopes[inside[-1]] if inside else root

    owners: dict[int, tuple[str, str, str]] = {}  # id(tensor) -> (scope, short name, kind)
    for module_name, module in model.named_modules():
        for short, p in module.named_parameters(recurse=False):
            owners.setdefault(id(p), (scopes[module_name], short, "Parameter"))
        for short, b in module.named_buffers(recurse=False):
            owners.setdefault(id(b), (scopes[module_name], short, "Buffer"))
    input_names = _input_names(model, len(args))
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and id(a) not in name_of:  # every tensor input, used or not
            name_of[id(a)] = add(unique(f"input/{input_names[i]}"), "IO Node", [], [a.shape], "")

    def leaf(t: Any, scope: str) -> str | None:
        """The node of a leaf tensor or constant input (added on first use); None for numbers."""
        if id(t) in name_of:
            return name_of[id(t)]
        if not isinstance(t, Tensor):
            return None
        where, short, kind = owners.get(id(t), (scope, "", ""))
        if not kind:
            kind, short = ("Parameter", "tensor") if t.requires_grad else ("Constant", "Constant")
        name_of[id(t)] = add(unique(f"{where}/{short}"), kind, [], [t.shape], "")
        return name_of[id(t)]

    def source(edge: Any, x: Any, scope: str) -> str | None:
        if isinstance(edge, OutputOf):  # output k of a node with several: TensorFlow's "name:k"
            base = name_of[id(edge.node)]
            return base if edge.index == 0 else f"{base}:{edge.index}"
        if isinstance(edge, Op):
            return name_of[id(edge)]
        return leaf(edge if edge is not None else x, scope)

    several: dict[int, list[tuple[int, ...]]] = {}  # id(node) -> its outputs' shapes
    order = [n for n in iter_graph(outputs) if isinstance(n, Op)]
    for op in order:
        if isinstance(op, OutputOf):
            shapes = several.setdefault(id(op.node), [()] * op.count)
            shapes[op.index] = _shape(op.out)
    order.reverse()  # producers first
    for op in order:
        if isinstance(op, OutputOf):
            continue
        scope = scope_of(op.epoch)
        inputs = op.inputs if op.inputs is not None else (None,) * len(op.edges)
        sources = [source(e, x, scope) for e, x in zip(op.edges, inputs)]
        shapes = several.get(id(op), [_shape(op.out)])
        described = {"op": op.op_name, **op.attributes()}
        text = str(described).replace("'", " ")  # (PyTorch's: quotes confuse TensorBoard)
        name = op.name()
        name_of[id(op)] = add(
            unique(f"{scope}/{name}"), name, [s for s in sources if s], shapes, text
        )
    for i, out in enumerate(outputs):
        producer = out.grad_fn
        src = source(producer, out, root) if producer is not None else leaf(out, root)
        add(f"output/output.{i + 1}", "IO Node", [src] if src else [], [out.shape], "")
    return graph_pb2.GraphDef(node=nodes, versions=versions_pb2.VersionDef(producer=22))
