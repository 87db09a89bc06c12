"""Backprop, step by step: the engine's walk replayed and written down, node by node.

``explain_backward`` runs every op's backward rule in the order the engine visits the graph and
records what each node receives and hands on. For an MLP it also names the classic gradients
(δ of each layer, ∂C/∂W, ∂C/∂b: BP1-BP4) and checks them against ``minigrad.reference``,
reading the model and building its loss with ``minigrad.backprop_check``.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .backprop_check import cost_loss, read_model, reference_activations
from .engine import Op, run_backward
from .graph import iter_graph
from .reference import backprop
from .tensor import Tensor, from_data

__all__ = ["Explanation", "Handoff", "Step", "explain_backward", "explain_mlp"]

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass
class Handoff:
    """The gradient one node hands to one of its inputs (after broadcasting is undone).

    ``target`` names the receiver: its op, a leaf's name, or "constant" (nothing is sent).
    """

    input: str
    target: str
    shape: tuple[int, ...] | None
    norm: float | None
    grad: np.ndarray | None = field(default=None, repr=False, compare=False)


@dataclass
class Step:
    """One node of the backward walk: an op, or a leaf whose ``.grad`` receives the result.

    ``grad`` is the gradient of the output with respect to this node's value (∂C/∂out), after
    any hooks, exactly as the engine computes it; ``handoffs`` what it sends to each input.
    ``label`` names a classic backprop quantity (e.g. "δ² = ∂C/∂z² (BP2)"), ``reference`` is
    the hand-derived value of it and ``reference_diff`` the largest absolute difference.
    """

    index: int
    kind: str
    op: str
    name: str | None
    rule: str
    attributes: dict[str, Any]
    grad_shape: tuple[int, ...] | None
    grad_norm: float | None
    handoffs: list[Handoff]
    grad: np.ndarray | None = field(default=None, repr=False, compare=False)
    node: Any = field(default=None, repr=False, compare=False)
    label: str | None = None
    reference: np.ndarray | None = field(default=None, repr=False, compare=False)
    reference_diff: float | None = None
    anchor: Any = field(default=None, repr=False, compare=False)


class Explanation:
    """The steps of one backward pass; ``str()`` (or ``print``) gives a readable table.

    ``loss`` is the tensor the walk started from: ``draw_graph(ex.loss, explain=ex)`` draws
    the same graph with the BP labels on it.
    """

    def __init__(self, steps: list[Step], loss: Tensor | None = None) -> None:
        self.steps = steps
        self.loss = loss

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, i: int) -> Step:
        return self.steps[i]

    def labels(self, *roots: Tensor) -> dict[Any, str]:
        """Node (op or leaf tensor) -> BP label, for ``draw_graph(..., explain=...)``.

        Args:
            roots: another graph of the same model (e.g. a new forward pass) to place the
                labels on: δ goes to the op that now computes each layer's z, found from the
                layer's parameters; parameter labels stay on the parameters.
        """
        found: dict[Any, str] = {}
        consumers = _consumers(list(iter_graph(list(roots)))) if roots else {}
        for s in self.steps:
            if not s.label:
                continue
            if roots and s.anchor is not None:
                z_op = _z_op(s.anchor, consumers)
                if z_op is not None:
                    found[z_op] = s.label
            else:
                found[s.node] = s.label
        return found

    @property
    def checked(self) -> list[Step]:
        """The steps compared with ``minigrad.reference``."""
        return [s for s in self.steps if s.reference_diff is not None]

    @property
    def max_reference_diff(self) -> float | None:
        """The largest difference to the reference over all checked steps (None if none)."""
        diffs = [s.reference_diff for s in self.checked if s.reference_diff is not None]
        return max(diffs) if diffs else None

    def table(self) -> str:
        """The walk as text: one block per node, in the engine's order."""
        lines = ["backward, step by step (the engine's order; ‖·‖ is the Euclidean norm)"]
        for s in self.steps:
            head = f"{s.index:>3}  {_title(s):<24} {s.rule}"
            lines.append(head.rstrip())
            if s.grad_norm is None:
                lines.append("       no gradient arrives here")
                continue
            what = "∂C/∂leaf" if s.kind == "leaf" else "∂C/∂out "
            grad = f"       {what} {_fmt_shape(s.grad_shape):<10} ‖·‖ {s.grad_norm:.4g}"
            if s.label:
                grad = f"{grad:<48} {s.label}"
                if s.reference_diff is not None:
                    grad += f"; reference: max |Δ| {s.reference_diff:.2g}"
            lines.append(grad)
            for h in s.handoffs:
                if h.norm is None:
                    lines.append(f"       → {h.input:<4} {h.target:<20} (no gradient)")
                else:
                    where = f"       → {h.input:<4} {h.target:<20} {_fmt_shape(h.shape):<10}"
                    lines.append(f"{where} ‖·‖ {h.norm:.4g}")
        if self.checked:
            worst = self.max_reference_diff
            lines.append(
                f"{len(self.checked)} gradients checked against minigrad.reference (BP1-BP4): "
                f"max |Δ| {worst:.2g}"
            )
        return "\n".join(lines)

    __str__ = table

    def __repr__(self) -> str:
        return self.table()


def _fmt_shape(shape: tuple[int, ...] | None) -> str:
    return "?" if shape is None else str(tuple(shape))


def _title(s: Step) -> str:
    if s.kind == "leaf":
        return f"leaf {s.name or '(unnamed)'}"
    attrs = ", ".join(f"{k}={v}" for k, v in s.attributes.items() if _short(v))
    title = f"{s.op}({attrs})" if attrs else s.op
    label = getattr(s.node, "label", None)  # the last op of a composed function: its name
    title = f"{title} [{label}]" if label else title
    return f"{title} → {s.name}" if s.name else title


def _short(v: Any) -> bool:
    return v is not False and isinstance(v, int | float | str | tuple | type(None))


_INPUT_NAMES: dict[str, tuple[str, ...] | None] = {}


def _input_names(op: Op) -> tuple[str, ...] | None:
    """Names of an op's inputs, read from its backward rule's signature (``x``, ``w``, ``b``)."""
    key = type(op).__qualname__
    if key not in _INPUT_NAMES:
        params = list(inspect.signature(op.backward).parameters.values())[2:]
        star = any(p.kind is p.VAR_POSITIONAL for p in params)
        _INPUT_NAMES[key] = None if star else tuple(p.name for p in params)
    return _INPUT_NAMES[key]


def _rule(op: Op) -> str:
    doc = (type(op).__doc__ or "").strip()
    return doc.splitlines()[0] if doc else ""


def _norm(g: Any) -> float:
    return float(np.linalg.norm(np.asarray(g, dtype=np.float64).ravel()))


def explain_backward(
    loss: Tensor,
    params: Mapping[str, Any] | None = None,
    *,
    gradient: Any = None,
    model: Any = None,
    x: Any = None,
    y: Any = None,
    cost: str | None = None,
) -> Explanation:
    """Replay backward from ``loss`` node by node and record what flows where.

    The rules of the ops run exactly as the engine runs them (same order, same arithmetic,
    broadcasting undone and dtypes restored the same way, hooks applied), so every recorded
    gradient equals the engine's. Nothing is accumulated into ``.grad`` and the graph is not
    freed: ``loss.backward()`` can follow.

    With ``model`` (an ``nn.Sequential`` of ``Linear`` and activation modules), its input ``x``,
    targets ``y`` and the ``cost`` the loss computes ("quadratic", "mse", "cross_entropy" or
    "bce", as in ``minigrad.reference.backprop``), the steps holding δ of each layer (BP1 for
    the last, BP2 before it), ∂C/∂b (BP3) and ∂C/∂W (BP4) are labelled and compared with the
    hand-derived equations.

    Args:
        loss: the tensor to differentiate (usually a scalar loss).
        params: names for tensors, e.g. ``dict(model.named_parameters())``.
        gradient: ∂C/∂loss for a loss with more than one element.
        model, x, y, cost: the MLP, batch and cost to label and check BP1-BP4 against.

    Returns:
        An ``Explanation``: a sequence of ``Step`` records; ``print`` it for a table.

    Raises:
        RuntimeError: if ``loss`` does not require grad or its graph was freed by backward.
        ValueError: on a missing ``gradient`` for a non-scalar loss, or missing ``x``/``y``/
            ``cost`` with ``model``.
    """
    if not loss.requires_grad:
        raise RuntimeError("explain_backward(): the loss does not require grad; nothing to explain")
    if gradient is None:
        if loss.numel() != 1:
            raise ValueError(
                f"explain_backward(): the loss has shape {tuple(loss.shape)}; pass "
                "gradient= of that "
                "shape for a non-scalar output"
            )
        seed = np.ones(loss.shape, dtype=loss.dtype)
    else:
        seed = np.array(gradient._data if isinstance(gradient, Tensor) else gradient, loss.dtype)
    if model is not None:
        params = {**dict(model.named_parameters()), **(params or {})}
    names: dict[int, str] = {}
    if loss.name is not None and loss.grad_fn is not None:
        names[id(loss.grad_fn)] = loss.name
    for name, t in (params or {}).items():
        names.setdefault(id(t.grad_fn) if t.grad_fn is not None else id(t), name)

    order = list(iter_graph([loss]))
    freed = next((n for n in order if isinstance(n, Op) and n.inputs is None), None)
    if freed is not None:
        raise RuntimeError(
            f"explain_backward(): the graph was freed by backward() (at {freed!r}); call "
            "explain_backward before loss.backward(), or use backward(retain_graph=True)"
        )
    steps = _walk(loss, order, seed, names)
    if model is not None:
        if x is None or y is None or cost is None:
            raise ValueError("explain_backward(): with model=, pass x=, y= and cost= as well")
        _label_mlp(steps, model, x, y, cost)
    return Explanation(steps, loss)


def _walk(loss: Tensor, order: list[Any], seed: np.ndarray, names: dict[int, str]) -> list[Step]:
    """Run the engine itself, retaining the graph and capturing every leaf (so no ``.grad``
    changes), and write down each step it reports."""
    steps: list[Step] = []

    def record(node: Any, grad: Any, handed: list[Any] | None) -> None:
        i = len(steps)
        if handed is None:  # a leaf
            name = names.get(id(node), node.name)
            steps.append(_step(i, "leaf", "leaf", name, "accumulates into .grad", {}, grad, []))
        else:
            arg_names = _input_names(node) or tuple(f"x{k}" for k in range(len(node.edges)))
            handoffs: list[Handoff] = []
            for k, (p, g) in enumerate(zip(node.edges, handed)):
                arg = arg_names[k] if k < len(arg_names) else f"x{k}"
                if g is None:
                    what = "-" if p is not None else _constant(node.inputs, k)
                    handoffs.append(Handoff(arg, what, None, None))
                    continue
                target = names.get(id(p)) or (p.op_name if isinstance(p, Op) else p.name) or "leaf"
                handoffs.append(Handoff(arg, target, tuple(g.shape), _norm(g), g))
            attrs = node.attributes()
            step = _step(
                i, "op", node.op_name, names.get(id(node)), _rule(node), attrs, grad, handoffs
            )
            steps.append(step)
        steps[-1].node = node

    leaves = [n for n in order if not isinstance(n, Op)]
    run_backward(
        [loss], [seed], retain_graph=True, create_graph=False, capture=leaves, observe=record
    )
    return steps


def _constant(inputs: Any, k: int) -> str:
    x = inputs[k] if inputs is not None else None
    name = x.name if isinstance(x, Tensor) else None
    return f"constant {name}" if name else "constant"


def _step(
    i: int,
    kind: str,
    op: str,
    name: str | None,
    rule: str,
    attributes: dict[str, Any],
    grad: Any,
    handoffs: list[Handoff],
) -> Step:
    if isinstance(grad, list):  # a node with several outputs: one gradient per output
        norms = [_norm(part) for part in grad if part is not None]
        return Step(i, kind, op, name, rule, attributes, None, math.hypot(*norms), handoffs, None)
    g = None if grad is None else np.asarray(grad)
    shape = None if g is None else tuple(g.shape)
    norm = None if g is None else _norm(g)
    return Step(i, kind, op, name, rule, attributes, shape, norm, handoffs, g)


# ---------------------------------------------------------------------------------------------
# BP1-BP4 on an MLP


def _consumers(nodes: list[Any]) -> dict[int, list[Op]]:
    """id(node) -> the ops that take it as an input."""
    found: dict[int, list[Op]] = {}
    for node in nodes:
        if isinstance(node, Op):
            for p in node.edges:
                if p is not None:
                    found.setdefault(id(p), []).append(node)
    return found


_SHAPE_OPS = ("Permute", "Reshape", "BroadcastTo")


def _z_op(leaf: Any, consumers: dict[int, list[Op]]) -> Op | None:
    """The op whose output is z = x Wᵀ + b for this weight or bias (through any transposes)."""
    node: Any = leaf
    while True:
        users = consumers.get(id(node), [])
        if len(users) != 1:
            return None
        node = users[0]
        if node.op_name not in _SHAPE_OPS:
            return node


def _label_mlp(steps: list[Step], model: Any, x: Any, y: Any, cost: str) -> None:
    """Name δ, ∂C/∂W, ∂C/∂b of each Linear layer and compare them with ``reference.backprop``."""
    spec = read_model(model)
    acts = reference_activations(spec, cost)
    xa = np.asarray(x._data if isinstance(x, Tensor) else x)
    ya = np.asarray(y._data if isinstance(y, Tensor) else y)
    ref = backprop(spec.weights, spec.biases, acts, xa, ya, cost)
    params = dict(model.named_parameters())
    by_node = {id(s.node): s for s in steps}
    consumers = _consumers([s.node for s in steps])
    n = len(spec.weights)
    for l in range(n):
        sup = str(l + 1).translate(_SUPERSCRIPT)
        w = params[spec.weight_names[l]]
        b_name = spec.bias_names[l]
        b = params[b_name] if b_name is not None else None
        z_op = _z_op(b if b is not None else w, consumers)
        bp = "BP1" if l == n - 1 else "BP2"
        targets: list[tuple[Any, str, Any]] = [(z_op, f"δ{sup} = ∂C/∂z{sup} ({bp})", ref.deltas[l])]
        targets.append((w, f"∂C/∂W{sup} (BP4)", ref.grad_weights[l]))
        if b is not None:
            targets.append((b, f"∂C/∂b{sup} (BP3)", ref.grad_biases[l]))
        for node, label, expected in targets:
            step = by_node.get(id(node)) if node is not None else None
            if step is None:
                continue
            step.label, step.reference = label, expected
            if node is z_op:
                step.anchor = b if b is not None else w  # finds this layer's z in other graphs
            if step.grad is not None and step.grad.shape == expected.shape:
                step.reference_diff = float(np.abs(step.grad - expected).max(initial=0.0))
            else:
                step.reference_diff = float("inf")


def explain_mlp(model: Any, x: Any, y: Any, cost: str = "quadratic") -> Explanation:
    """Run ``model`` on ``x``, build the ``cost`` against ``y`` and explain its backward.

    The costs are those of ``minigrad.reference.backprop``: "quadratic" C = Σ‖a - y‖² / (2m),
    "mse" (``mse_loss``), "cross_entropy" (on the logits of a final ``Linear``, or on the
    probabilities of a final ``Softmax``) and "bce" (``binary_cross_entropy``).

    Args:
        model: an ``nn.Sequential`` of ``Linear`` and activation modules.
        x: input batch (m, in).
        y: targets (m, k), or integer labels (m,) for cross_entropy.
        cost: one of the costs above.

    Returns:
        An ``Explanation`` with δ, ∂C/∂W and ∂C/∂b of every layer labelled and checked.

    Raises:
        ValueError: for an unknown cost, and as ``backprop_check.read_model``/``backprop``.
    """
    dtype = next(iter(model.parameters())).dtype
    xt = from_data(np.asarray(x._data if isinstance(x, Tensor) else x, dtype=dtype), name="x")
    ya = np.asarray(y._data if isinstance(y, Tensor) else y)
    yt = from_data(ya if ya.dtype.kind in "iu" else ya.astype(dtype), name="y")
    out = model(xt)
    probabilities = read_model(model).activations[-1] == "softmax"
    loss = cost_loss(cost, out, yt, probabilities, "explain_mlp()")
    loss.name = "C"
    return explain_backward(loss, model=model, x=xt._data, y=ya, cost=cost)
