"""``compile(model, loss_fn, optimizer)``: one training step traced from the recorded graph,
written out as NumPy source with buffers allocated once, checked against the engine, and run.

The first call on a batch of a new kind traces: it runs the eager step (forward, loss, backward,
update) and, beside it, the emitted forward and backward, comparing every value and gradient
with the engine's; a difference refuses the compile naming the op. Later calls with the same
guard run the emitted code alone. See docs/compile.md.
"""

from __future__ import annotations

import base64
import os
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import nn
from ..engine import Op, run_backward
from ..grad_mode import _grad_enabled
from ..graph import iter_graph
from ..nn.module import Module
from ..nn.utils.parametrizations import _WeightNorm
from ..nn.utils.spectral_norm import SpectralNorm
from ..tensor import Tensor, _new_tensor, as_tensor, from_data
from ..versions import bump_all
from . import templates, updates
from .emitter import Emitter, identifier

__all__ = ["CompileError", "CompiledStep", "compile"]

MAX_VARIANTS = 8  # traced variants kept per step (one per input shape/dtype, mode...)
_BAD_LABELS = object()  # what a step returns when the labels are out of range

# Library modules whose forward is a pure function of (parameters, input): the compiler sees
# all they do in the graph. Other library modules (stateful or random ones) are refused;
# user-defined modules are traced through.
_PURE_MODULES: tuple[type, ...] = (
    nn.Linear,
    nn.Sigmoid,
    nn.ReLU,
    nn.Tanh,
    nn.Softmax,
    nn.LogSoftmax,
    nn.Flatten,
    nn.Identity,
    nn.GELU,
    nn.SiLU,
    nn.Softplus,
    nn.LayerNorm,
    nn.Sequential,
    nn.ModuleList,
    nn.ModuleDict,
    nn.MSELoss,
    nn.L1Loss,
    nn.BCEWithLogitsLoss,
    nn.CrossEntropyLoss,
    nn.NLLLoss,
    nn.SmoothL1Loss,
    nn.HuberLoss,
    _WeightNorm,  # (parametrizations.weight_norm: g * v / ||v||, ops only)
)
_ACTIVATIONS = (templates.ops.Sigmoid, templates.ops.ReLU, templates.ops.Tanh)
_ACTIVATIONS_OUT = (*_ACTIVATIONS, templates.fused.Softmax, templates.fused.LogSoftmax)


class CompileError(RuntimeError):
    """The step cannot be compiled safely (the message names the op and the reason)."""


def compile(model: Any, loss_fn: Callable[[Any, Any], Any], optimizer: Any) -> CompiledStep:
    """Compile a training step: ``loss = step(x, y)`` does what the eager loop does.

    ``optimizer.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); optimizer.step()``,
    emitted as NumPy source (``step.source``) with every buffer allocated once. The step traces
    on its first call and again whenever its guard changes (input shapes and dtypes, parameter
    identity and ``requires_grad``, training mode, grad mode, the optimizer's groups and the
    flags that change its code); learning rates and other hyper-parameters are read at each
    call, so schedulers keep working.

    Args:
        model: the model, an ``nn.Module`` made of the library's layers and functional ops.
        loss_fn: ``loss_fn(output, y)`` -> scalar Tensor (a loss module or function).
        optimizer: ``optim.SGD`` (momentum, Nesterov, weight decay), ``optim.Adam`` or
            ``optim.AdamW`` over the model's parameters.

    Returns:
        A ``CompiledStep``.

    Raises:
        TypeError: for an optimizer without a compiled update.
        CompileError: for a library module the compiler cannot capture (e.g. a random or
            stateful layer).
    """
    updates.kind(optimizer)  # refuse an unsupported optimizer now, not at the first batch
    return CompiledStep(model, loss_fn, optimizer)


@dataclass
class _Variant:
    """One traced step: its namespace, function and what it was traced under."""

    fn: Callable[..., Any]
    env: dict[str, Any]
    emitter: Emitter
    header: str
    params: list[Any]  # the leaves that receive a gradient, in a fixed order
    arrays: list[np.ndarray]  # their arrays when traced (identity is part of the guard)
    flags: tuple[bool, ...]  # their requires_grad when traced
    grads: list[tuple[Any, Tensor]]  # (leaf, the Tensor its .grad is set to)
    groups: list[Any]  # optimizer.param_groups when traced (identity)
    names: dict[Any, str]  # id(node) -> its value's name; ("grad", id(leaf)) -> its grad
    bound_state: dict[str, Any] = field(default_factory=dict)

    output_name: str | None = None  # the model output's buffer
    updated: list[np.ndarray] = field(default_factory=list)  # arrays the update writes
    run: Any = None  # (x, y) -> loss Tensor, or None when the guard fails; made by _make_runner
    guard_source: str = ""
    run_source: str = ""


class CompiledStep:
    """A compiled training step; call it as ``loss = step(x, y)``.

    Attributes:
        retraces: how many times a guard change made the step trace again.
    """

    def __init__(self, model: Any, loss_fn: Callable[[Any, Any], Any], optimizer: Any) -> None:
        self.model = model
        self.loss_fn = loss_fn
        self.optimizer = optimizer
        self.retraces = 0
        self._variants: dict[tuple[Any, ...], _Variant] = {}
        self._last: _Variant | None = None
        self._output: Tensor | None = None
        self._user_modules = [
            m for m in _modules(model) if not isinstance(m, _PURE_MODULES) and m is not model
        ]
        _check_modules(model, loss_fn)

    # -- calling ------------------------------------------------------------------------------

    def _key(self, xd: np.ndarray, yd: np.ndarray) -> tuple[Any, ...]:
        training = getattr(self.model, "training", None)
        if self._user_modules:
            training = (training, *(m.training for m in self._user_modules))
        return (xd.shape, xd.dtype, yd.shape, yd.dtype, _grad_enabled.get(), training)

    def __call__(self, x: Any, y: Any) -> Tensor:
        """One training step on the batch ``(x, y)``; returns the loss (a Tensor, no graph)."""
        v = self._last
        if v is not None:
            loss = v.run(x, y)  # the guard, the step, .grad and the version counters
            if loss is not None:
                self._output = None
                return loss if loss is not _BAD_LABELS else self._bad_labels(x, y)
        for w in self._variants.values():  # another variant (the last, smaller batch...)
            if w is not v and (loss := w.run(x, y)) is not None:  # (its guard passed)
                self._last = w
                self._output = None
                return loss if loss is not _BAD_LABELS else self._bad_labels(x, y)
        xd = x._data if type(x) is Tensor else as_tensor(x)._data
        yd = y._data if type(y) is Tensor else as_tensor(y)._data
        key = self._key(xd, yd)
        return self._trace(x, y, xd, yd, key, known=bool(self._variants))

    @property
    def output(self) -> Tensor | None:
        """The model's output of the last step (a Tensor, no graph), e.g. for metrics."""
        if self._output is None and self._last is not None and self._last.output_name:
            self._output = _new_tensor(self._last.env[self._last.output_name].copy(), None)
        return self._output

    def reset(self) -> None:
        """Forget every traced variant: the next call traces again (after changing something
        the guards do not watch, such as a plain Python attribute the model's forward reads)."""
        self._variants.clear()
        self._last = None
        self._output = None

    def eager(self, x: Any, y: Any) -> Tensor:
        """The same step run by the eager engine (what the compiled step reproduces)."""
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(as_tensor(x)), as_tensor(y))
        loss.backward()
        self.optimizer.step()
        return loss.detach()

    # -- listing and eject --------------------------------------------------------------------

    @property
    def source(self) -> str:
        """The readable listing of the last traced step: one line per op and per rule."""
        v = self._require_trace("source")
        return _function_source(v) + "\n"

    @property
    def run_source(self) -> str:
        """What a call of the last traced step runs: its guard, the listing's statements in a
        form cheaper to call (docs/compile.md, "The listing and what runs"), ``.grad`` and the
        version counters."""
        return self._require_trace("run_source").run_source + "\n"

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write a standalone module (NumPy only) that continues training from now.

        The module holds the current parameters, optimizer state and hyper-parameters; its
        ``step(x, y)`` runs one training step and returns the loss, and ``params`` maps the
        model's parameter names to their arrays. The file is written atomically.

        Returns:
            The path written.
        """
        v = self._require_trace("save")
        text = _module_source(v, self.optimizer)
        path = os.fspath(path)
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return path

    def _bad_labels(self, x: Any, y: Any) -> Any:
        """Labels out of range: run the eager step, which raises its own clear error."""
        self.eager(x, y)
        raise RuntimeError("minigrad.compile: labels out of range were not refused by the loss")

    def _require_trace(self, what: str) -> _Variant:
        if self._last is None:
            raise RuntimeError(
                f"CompiledStep.{what}: the step traces on its first batch; call step(x, y) once "
                "first"
            )
        return self._last

    # -- tracing ------------------------------------------------------------------------------

    def _trace(
        self, x: Any, y: Any, xd: np.ndarray, yd: np.ndarray, key: tuple[Any, ...], known: bool
    ) -> Tensor:
        if known:
            self.retraces += 1
        xt, yt = as_tensor(x), as_tensor(y)
        opt = self.optimizer
        opt.zero_grad()
        out = self.model(xt)
        loss = self.loss_fn(out, yt)
        if not isinstance(loss, Tensor) or loss.grad_fn is None or loss.numel() != 1:
            loss.backward()  # raises the eager error (no grad, or not a scalar)
            raise CompileError(
                "minigrad.compile: the loss must be a scalar Tensor computed from the "
                "parameters by recorded ops"
            )
        order = list(iter_graph([loss]))
        derived = _check_probe(self.model, self.loss_fn, order, xd, yd)
        records: dict[int, tuple[Any, list[Any] | None]] = {}

        def observe(node: Any, grad: Any, handed: list[Any] | None) -> None:
            records[id(node)] = (grad, handed)

        seed = np.array(1, dtype=loss.dtype).reshape(loss.shape)
        run_backward([loss], [seed], retain_graph=True, create_graph=False, observe=observe)
        header = (
            f"One training step of {type(self.model).__name__} compiled by minigrad: forward, "
            f"loss, backward and {type(opt).__name__} update in NumPy."
        )
        v = emit_graph(loss, order, records, xd, yd, seed, self.model, header, derived, out)
        opt.step()  # the first update is the eager one: it creates the optimizer's state
        state = updates.emit_update(
            v.emitter,
            opt,
            v.names,
            {id(p): v.names["grad", id(p)] for p in v.params},
        )
        v.bound_state = state
        v.updated = [p._data for g in opt.param_groups for p in g["params"] if p.grad is not None]
        v.groups = opt.param_groups
        v.fn = _define(v)
        v.grads = [(p, p.grad) for p in v.params if p.grad is not None]
        _make_runner(v, opt, self.model, self._user_modules, xd, yd)
        fn = getattr(out, "grad_fn", None)
        v.output_name = v.names.get(id(fn)) if fn is not None else None
        self._output = out.detach() if isinstance(out, Tensor) else None
        # From now on .grad of each leaf is the step's own buffer (refreshed by every call).
        for p, g in v.grads:
            g._data = v.env[v.names["grad", id(p)]]
            g._data[...] = p.grad._data if p.grad._data is not g._data else g._data
        if len(self._variants) >= MAX_VARIANTS:
            warnings.warn(
                f"minigrad.compile: more than {MAX_VARIANTS} traced variants (input shapes, "
                "modes or optimizer settings keep changing); the oldest is dropped",
                RuntimeWarning,
                stacklevel=3,
            )
            self._variants.pop(next(iter(self._variants)))
        self._variants[key] = v
        self._last = v
        return loss.detach()


# ---------------------------------------------------------------------------------------------
# The graph, written out


def emit_graph(
    loss: Tensor,
    order: list[Any],
    records: dict[int, tuple[Any, list[Any] | None]],
    xd: np.ndarray,
    yd: np.ndarray,
    seed: np.ndarray,
    model: Any = None,
    header: str = "",
    derived: dict[int, str] | None = None,
    output: Any = None,
) -> _Variant:
    """Write the forward and backward of ``loss``'s recorded graph, checking every value.

    ``records`` holds what the engine handed at each op (``run_backward``'s ``observe``);
    ``xd`` and ``yd`` are the arrays that become the step's inputs ``x`` and ``y``; the value
    of ``output`` (the model's output) is kept as it is (no op writes over it).

    Raises:
        CompileError: for an op without a template, or a template whose result differs from
            the engine's (the message names the op).
    """
    env: dict[str, Any] = {}
    e = Emitter(env)
    e.bind("x", xd, stable=False)
    e.bind("y", yd, stable=False)
    if getattr(output, "grad_fn", None) is not None:
        e.keep.add(id(output.grad_fn))
    derived = derived or {}
    targets: dict[int, str] = {}
    env["_target_of"] = lambda op: _target_name(e, op, yd, derived, targets)
    names: dict[Any, str] = {}
    param_names = {id(p): n for n, p in _named_parameters(model)}
    buffer_names = {id(b._data): n for n, b in _named_buffers(model)}
    ops_fwd = [n for n in reversed(order) if isinstance(n, Op)]
    leaves = [n for n in order if not isinstance(n, Op)]
    for node in order:  # gradient hooks run Python the emitted code would not run
        if getattr(node, "hooks", None) or getattr(node, "_hooks", None):
            where = _kind(node) if isinstance(node, Op) else "a leaf tensor"
            raise CompileError(
                f"minigrad.compile: a gradient hook (register_hook) is registered on {where}; "
                "the compiled step would not run it. Remove the hook or train eagerly"
            )
    for k, leaf in enumerate(leaves):
        name = identifier(param_names.get(id(leaf), f"leaf{k}"))
        if name in e.env or name in ("groups", "train_step", "step", "params"):
            name = e.fresh(f"param_{name}")  # (a parameter called x must not hide the input)
        names[id(leaf)] = e.bind(name, leaf._data)
    for op in ops_fwd:
        for edge in op.edges:
            if isinstance(edge, Op):
                e.consumers[id(edge)] = e.consumers.get(id(edge), 0) + 1
    classic = _is_classic_mlp(model, ops_fwd, param_names)
    value_names = _value_names(ops_fwd, loss)
    inputs_of: dict[int, list[str]] = {}

    # -- forward --
    e.section("forward")
    _emit_label_check(e, ops_fwd, yd)
    for op in ops_fwd:
        xs = []
        for i, (edge, val) in enumerate(zip(op.edges, _saved(op))):
            if edge is not None:
                xs.append(names[id(edge)])
            else:
                xs.append(_constant(e, op, i, val, xd, yd, buffer_names, derived))
        inputs_of[id(op)] = xs
        fwd = templates.FORWARD.get(type(op))
        if fwd is None:
            raise CompileError(
                f"minigrad.compile: no template for op {_kind(op)} (the compiler writes out "
                "the ops of minigrad.ops; convolution, pooling and custom autograd Functions are "
                "not captured): train this model with the eager loop"
            )
        out = fwd(e, op, value_names[id(op)], xs, _saved(op))
        names[id(op)] = out
        _check_close(e.env[out], op.out, f"forward of {_kind(op)} ({out})")
        fmath, _ = templates.math_of(op)
        where = _module_of(op, names, param_names)
        e.end(f"{_kind(op)}{where}: {fmath}")

    # -- backward --
    e.section("backward")
    pending: dict[int, str] = {id(loss.grad_fn): e.const(seed, "one")}
    handed_count: dict[str, int] = {}
    grads_of: dict[Any, str] = {}
    for node in order:
        g = pending.pop(id(node), None)
        if g is None:
            continue
        if not isinstance(node, Op):
            grads_of[id(node)] = g
            continue
        recorded = records.get(id(node))
        _, handed = recorded if recorded is not None else (None, None)
        if classic is not None and id(node) in classic:
            line = e.writer.get(g)
            if line is not None:
                e.annotate(line, classic[id(node)])
        hints = [
            _grad_hint(names.get(id(edge)) if edge is not None else None, i)
            for i, edge in enumerate(node.edges)
        ]
        bwd = templates.BACKWARD.get(type(node))
        if bwd is None:
            raise CompileError(f"minigrad.compile: no backward template for op {_kind(node)}")
        # The rule may write over its incoming gradient when nothing else reads it: a buffer
        # of its own, handed to this op alone, not a value of the forward.
        e.spare = (
            g
            if g in e.buffers
            and g not in e.folded
            and handed_count.get(g, 0) <= 1
            and g not in pending.values()
            and g not in names.values()
            else None
        )
        gs = bwd(e, node, g, names[id(node)], inputs_of[id(node)], _saved(node), hints)
        e.spare = None
        _, bmath = templates.math_of(node)
        e.end(f"{_kind(node)} backward: {bmath}")
        for i, (edge, gi, val) in enumerate(zip(node.edges, gs, _saved(node))):
            if edge is None or gi is None:
                continue
            gi = _undo_broadcast(e, gi, np.shape(val), np.asarray(val).dtype, hints[i])
            if handed is not None and handed[i] is not None:
                _check_close(e.env[gi], handed[i], f"backward of {_kind(node)} (input {i})")
            prev = pending.get(id(edge))
            if prev is None:
                pending[id(edge)] = gi
            else:
                acc = e.call(hints[i] + "_sum", "np.add", prev, gi)
                e.end("accumulate: the value feeds several ops")
                pending[id(edge)] = acc
            handed_count[gi] = handed_count.get(gi, 0) + 1

    # -- leaves: each gradient in a buffer of its own --
    params = []
    for leaf in leaves:
        g = grads_of.get(id(leaf))
        if g is None:
            continue
        own = g in e.buffers and handed_count.get(g, 0) <= 1 and g not in names.values()
        if not own:
            g2 = e.alloc(f"grad_{names[id(leaf)]}", e.env[g])
            e.copy(g2, g)
            e.end("a gradient of its own for the leaf (.grad)")
            g = g2
        names["grad", id(leaf)] = g
        if leaf.grad is not None:
            _check_close(e.env[g], leaf.grad._data, f"gradient of {names[id(leaf)]}")
        params.append(leaf)
        if classic is not None and ("leaf", id(leaf)) in classic:
            line = e.writer.get(g)
            if line is not None:
                e.annotate(line, classic[("leaf", id(leaf))])
    loss_name = names[id(loss.grad_fn)]
    env["_loss_name"] = loss_name
    env["_dotted"] = param_names
    return _Variant(
        fn=lambda *a: None,
        env=env,
        emitter=e,
        header=header,
        params=params,
        arrays=[p._data for p in params],
        flags=tuple(p.requires_grad for p in params),
        grads=[],
        groups=[],
        names=names,
    )


# ---------------------------------------------------------------------------------------------
# Helpers of the trace


def _kind(op: Op) -> str:
    """The op's class name (``Linear``, ``Sigmoid``): what the compiler keys templates on."""
    return type(op).__name__


def _saved(op: Op) -> tuple[Any, ...]:
    if op.saved is None:
        raise CompileError(f"minigrad.compile: the graph was freed (at {op!r})")
    return op.saved


def _modules(model: Any) -> list[Any]:
    return list(model.modules()) if isinstance(model, Module) else []


def _named_parameters(model: Any) -> list[tuple[str, Any]]:
    return list(model.named_parameters()) if isinstance(model, Module) else []


def _named_buffers(model: Any) -> list[tuple[str, Any]]:
    if not isinstance(model, Module) or not hasattr(model, "named_buffers"):
        return []
    return [(n, b) for n, b in model.named_buffers() if b is not None]


def _check_modules(model: Any, loss_fn: Any) -> None:
    """Refuse library modules whose effect the graph does not show (random, stateful), and the
    probability form of binary cross-entropy, whose clamp of log(p) at -100 is a branch taken
    by the data (use binary_cross_entropy_with_logits, which has none)."""
    from ..nn import functional as F

    if loss_fn is F.binary_cross_entropy or isinstance(loss_fn, nn.BCELoss):
        raise CompileError(
            "minigrad.compile: binary_cross_entropy clamps log(p) at -100 only for the batches "
            "that need it (a branch chosen by the data, which a compiled step cannot follow); "
            "use binary_cross_entropy_with_logits (BCEWithLogitsLoss) on logits instead"
        )
    for m in [*_modules(model), *([loss_fn] if isinstance(loss_fn, Module) else [])]:
        t = type(m)
        if t.__module__.startswith("minigrad.") and not isinstance(m, _PURE_MODULES):
            raise CompileError(
                f"minigrad.compile: the layer {t.__name__} is not supported by the compiler "
                "(its forward may draw random numbers or update state the recorded graph does "
                "not show); train this model with the eager loop"
            )
        if any(isinstance(h, SpectralNorm) for h in m._forward_pre_hooks.values()):
            raise CompileError(
                f"minigrad.compile: the {t.__name__} has a spectral_norm hook "
                "(nn.utils.spectral_norm), whose power iteration updates buffers the recorded "
                "graph does not show; train this model with the eager loop"
            )


def _probe_batch(a: np.ndarray) -> np.ndarray:
    """Another batch of the same shape and dtype, with different values."""
    if a.dtype.kind == "f":
        return 1 - a if a.ndim else a + 1
    if a.dtype.kind in "iu" and a.size:
        top = int(a.max())
        return (a + 1) % (top + 1) if top > 0 else a.copy()
    if a.dtype.kind == "b":
        return ~a
    return a.copy()


def _check_probe(
    model: Any, loss_fn: Any, order: list[Any], xd: np.ndarray, yd: np.ndarray
) -> dict[int, str]:
    """Trace the forward on a second batch: the graph must not depend on the data, and every
    value that changes with the batch must be x or y, or a reshape or cast of them (inputs of
    the step). Returns id(value) -> its expression in x or y, for those reshapes and casts."""
    derived: dict[int, str] = {}
    x2, y2 = _probe_batch(xd), _probe_batch(yd)
    try:
        loss2 = loss_fn(model(from_data(x2)), from_data(y2))
        order2 = list(iter_graph([loss2]))
    except Exception as err:
        raise CompileError(
            f"minigrad.compile: the forward failed on a second batch of the same shape and dtype "
            f"(used to find what depends on the data): {err}"
        ) from err
    ops1 = [n for n in order if isinstance(n, Op)]
    ops2 = [n for n in order2 if isinstance(n, Op)]
    names1 = [_kind(op) for op in ops1]
    if names1 != [_kind(op) for op in ops2]:
        first = next(
            (_kind(a) for a, b in zip(ops1, ops2) if _kind(a) != _kind(b)),
            _kind(ops1[-1]) if ops1 else "",
        )
        raise CompileError(
            f"minigrad.compile: the recorded ops change with the data (first at {first}): a "
            "data-dependent branch in the model or loss; the compiler cannot capture it"
        )
    for a, b in zip(ops1, ops2):
        for (key, va), vb in zip(a.attributes().items(), b.attributes().values()):
            if key in ("edges", "inputs", "saved", "out", "hooks"):
                continue
            if _same(va, vb):
                continue
            if isinstance(a, templates.fused.NLLLoss) and key == "target":
                if va is yd:
                    continue  # the labels: an input of the step
                expr = _derived_from_input(va, vb, xd, yd, x2, y2)
                if expr is not None:
                    derived[id(va)] = expr
                    continue
            raise CompileError(
                f"minigrad.compile: op {_kind(a)} holds {key} = a value that changes with the "
                "batch (a mask or choice made from the data); the compiler cannot capture it"
            )
        for i, (ea, sa, sb) in enumerate(zip(a.edges, _saved(a), _saved(b))):
            if ea is not None or _same(sa, sb) or sa is xd or sa is yd:
                continue
            expr = _derived_from_input(sa, sb, xd, yd, x2, y2)
            if expr is not None:
                derived[id(sa)] = expr
                continue
            raise CompileError(
                f"minigrad.compile: input {i} of op {_kind(a)} is computed from the batch outside "
                "the recorded ops (e.g. a target converted to another dtype, or a mask); pass it "
                "as x or y in the dtype the model uses, or train eagerly"
            )
    return derived


def _derived_from_input(
    a: Any, b: Any, xd: np.ndarray, yd: np.ndarray, x2: np.ndarray, y2: np.ndarray
) -> str | None:
    """``x``/``y`` reshaped or cast (as Flatten or a loss's dtype conversion do), if the value
    is that on both batches; else None."""
    if not isinstance(a, np.ndarray) or not isinstance(b, np.ndarray):
        return None
    for name, first, second in (("x", xd, x2), ("y", yd, y2)):
        if a.size != first.size or a.shape != b.shape:
            continue
        if np.array_equal(a.ravel(), first.astype(a.dtype).ravel()) and np.array_equal(
            b.ravel(), second.astype(a.dtype).ravel()
        ):
            expr = name if a.dtype == first.dtype else f"{name}.astype(np.{a.dtype.name})"
            return expr if a.shape == first.shape else f"{expr}.reshape({a.shape!r})"
    return None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(i, j) for i, j in zip(a, b))
    try:
        return bool(a == b)
    except Exception:
        return a is b


def _constant(
    e: Emitter,
    op: Op,
    i: int,
    val: Any,
    xd: np.ndarray,
    yd: np.ndarray,
    buffer_names: dict[int, str],
    derived: dict[int, str],
) -> str:
    """The source name of an input that needs no gradient: x, y, a literal or a constant."""
    if val is xd:
        return "x"
    if val is yd:
        return "y"
    if id(val) in derived:
        return e.let("x_in" if derived[id(val)].startswith("x") else "y_in", derived[id(val)])
    if isinstance(val, bool | int | float):
        return e.const(val)
    name = buffer_names.get(id(val))
    if name is not None:
        ident = identifier(name)
        if ident not in e.env:
            e.bind(ident, val)
        return ident
    return e.const(val, f"{_kind(op).lower()}_const")


def _target_name(
    e: Emitter, op: Any, yd: np.ndarray, derived: dict[int, str], known: dict[int, str]
) -> str:
    t = op.target
    if t is not yd and id(t) not in derived:
        return e.const(t, "target")
    if id(t) not in known:
        known[id(t)] = "y" if t is yd else e.let("labels", derived[id(t)])
    return known[id(t)]


def _emit_label_check(e: Emitter, ops_fwd: list[Op], yd: np.ndarray) -> None:
    """Labels out of range raise IndexError before anything is written (in minigrad, the step
    then re-runs eagerly to raise the eager error). One reduction: seen as unsigned, a
    negative label is huge."""
    for op in ops_fwd:
        if isinstance(op, templates.fused.NLLLoss) and op.target.size:
            t = e.env["_target_of"](op)
            if t in e.consts:
                return
            classes = np.shape(_saved(op)[0])[1]
            unsigned = f"np.uint{op.target.dtype.itemsize * 8}"
            error = f'raise IndexError("target holds a class index out of range [0, {classes})")'
            code = f"if np.maximum.reduce({t}.view({unsigned})) >= {classes}: {error}"
            n, target = len(op.target), op.target
            if t == "y" and target.ndim == 1 and np.result_type(target.dtype, np.intp) == np.intp:
                # As it runs: one call checks the labels and gives their flat positions
                # rows * C + y, which the loss picks and scatters by (templates._flat_labels);
                # it raises ValueError for a label out of range, caught by the step's runner.
                rows = e.const(np.arange(n), "rows")
                at = e.run_only("y_at", np.arange(n) * classes + target)
                e.memo["labels", t, (n, classes)] = (at, "")
                ravel = e.alias("np.ravel_multi_index")
                e.memo["label_check"] = f"{at} = {ravel}(({rows}, {t}), ({n}, {classes}))"
                e.stmt(code, fast="")
            else:
                check = f"{e.alias('np.maximum.reduce')}({t}.view({e.alias(unsigned)}))"
                e.stmt(code, fast=f"if {check} >= {classes}: {error}")
            e.end("labels out of range: the eager error")
            return


def _value_names(ops_fwd: list[Op], loss: Tensor) -> dict[int, str]:
    """z1, a1, z2, a2... for the Linear layers and their activations; op name + count else."""
    out: dict[int, str] = {}
    counts: dict[str, int] = {}
    layer = 0
    linear_of: dict[int, int] = {}
    for op in ops_fwd:
        if isinstance(op, templates.fused.Linear):
            layer += 1
            out[id(op)] = f"z{layer}"
            linear_of[id(op)] = layer
            continue
        src = op.edges[0] if op.edges else None
        if isinstance(op, _ACTIVATIONS_OUT) and src is not None and id(src) in linear_of:
            out[id(op)] = f"a{linear_of[id(src)]}"
            continue
        base = _kind(op).lower()
        counts[base] = counts.get(base, 0) + 1
        out[id(op)] = f"{base}{counts[base]}"
    out[id(loss.grad_fn)] = "loss"
    return out


def _grad_hint(value: str | None, i: int) -> str:
    return f"grad_{value}" if value else f"grad_input{i}"


def _module_of(op: Op, names: dict[Any, str], param_names: dict[int, str]) -> str:
    for edge in op.edges:
        if edge is not None and id(edge) in param_names:
            return " " + param_names[id(edge)].rpartition(".")[0]
    return ""


def _undo_broadcast(e: Emitter, g: str, shape: tuple[int, ...], dtype: np.dtype, hint: str) -> str:
    """The engine's sum_to and dtype restore (``engine.run_backward``), written out."""
    arr = np.asarray(e.env[g])
    if arr.shape != shape:
        lead = arr.ndim - len(shape)
        stretched = tuple(
            i + lead for i, n in enumerate(shape) if n == 1 and arr.shape[i + lead] != 1
        )
        if not stretched:
            axes = tuple(range(lead))
            g = e.call(hint, "np.add.reduce", g, axis=repr(axes[0] if lead == 1 else axes))
        else:
            axes = tuple(range(lead)) + stretched
            s = e.call(hint + "_keep", "np.add.reduce", g, axis=repr(axes), keepdims="True")
            g = e.let(hint, f"{s}.reshape({shape!r})", s)
        e.end("sum over the broadcast axes")
        arr = np.asarray(e.env[g])
    if arr.dtype != dtype:
        c = e.alloc(hint + "_cast", arr.astype(dtype))
        e.copy(c, g, cast=True)
        e.end(f"back to {dtype.name}")
        g = c
    return g


def _check_close(got: Any, want: Any, what: str) -> None:
    """Refuse the compile when the emitted code and the engine disagree."""
    a, b = np.asarray(got), np.asarray(want)
    if a.shape != b.shape or a.dtype != b.dtype:
        raise CompileError(
            f"minigrad.compile: the emitted {what} has shape {a.shape} and dtype {a.dtype}; the "
            f"engine's has {b.shape} and {b.dtype}"
        )
    if a.dtype.kind != "f" or np.array_equal(a, b, equal_nan=True):
        return
    rtol = 1e-5 if a.dtype.itemsize <= 4 else 1e-12
    scale = float(np.max(np.abs(b), initial=0.0))
    err = np.abs(a.astype(np.float64) - b)
    if not np.all(err <= rtol * np.abs(b) + rtol * scale):
        raise CompileError(
            f"minigrad.compile: the emitted {what} differs from the engine's (max abs error "
            f"{float(np.nanmax(err)):.3g}); the op's template disagrees with its rule"
        )


def _is_classic_mlp(
    model: Any, ops_fwd: list[Op], param_names: dict[int, str]
) -> dict[Any, str] | None:
    """For an MLP of Linear layers: the ops and leaves whose gradients BP1-BP4 name."""
    linears = [op for op in ops_fwd if isinstance(op, templates.fused.Linear)]
    if not linears or not all(id(op.edges[1]) in param_names for op in linears):
        return None
    labels: dict[Any, str] = {}
    n = len(linears)
    for l, op in enumerate(linears, start=1):
        bp = "BP1" if l == n else "BP2"
        labels[id(op)] = f"δ{l} = ∂C/∂z{l} ({bp})"
        labels["leaf", id(op.edges[1])] = f"∂C/∂W{l} (BP4)"
        if len(op.edges) > 2 and op.edges[2] is not None:
            labels["leaf", id(op.edges[2])] = f"∂C/∂b{l} (BP3)"
    return labels


# ---------------------------------------------------------------------------------------------
# Source


def _function_source(v: _Variant) -> str:
    e = v.emitter
    lines = [
        "def train_step(x, y, groups):",
        f'    """{v.header}"""',
        *e.body(),
        f"    return {v.env['_loss_name']}",
    ]
    return "\n".join(lines)


def _define(v: _Variant) -> Callable[..., Any]:
    exec(_function_source(v), v.env)
    return v.env["train_step"]


def _make_runner(
    v: _Variant,
    optimizer: Any,
    model: Any,
    user_modules: list[Any],
    xd: np.ndarray,
    yd: np.ndarray,
) -> None:
    """What a call runs, as one generated function: the guard (one expression), the step's
    body in its running form, the leaves' ``.grad`` and the version counters of the updated
    arrays, and the loss as a Tensor. It returns None when the guard fails (the caller looks
    for another variant or traces) and ``_BAD_LABELS`` when the labels are out of range."""
    e = v.emitter
    env = v.env

    def bind(hint: str, value: Any) -> str:
        name = e.fresh(f"_k_{hint}")
        env[name] = value
        return name

    opt = bind("opt", optimizer)
    state = bind("S", optimizer.state)
    conds = [
        f"x.shape == {xd.shape!r}",
        f"(x.dtype is {(X := bind('X', xd.dtype))} or x.dtype == {X})",
        f"y.shape == {yd.shape!r}",
        f"(y.dtype is {(Y := bind('Y', yd.dtype))} or y.dtype == {Y})",
        f"{bind('grad_mode', _grad_enabled)}.get() is True",
        f"{opt}.state is {state}",
    ]
    for i, m in enumerate([model, *user_modules]):
        if hasattr(m, "training"):
            conds.append(f"{bind(f'M{i}', m)}.training is {bool(m.training)}")
    for i, p in enumerate(v.params):
        pn = bind(f"P{i}", p)
        conds.append(f"{pn}._data is {bind(f'A{i}', p._data)}")
        conds.append(f"{pn}.requires_grad is {bool(p.requires_grad)}")
        for key, held in optimizer.state.get(p, {}).items():  # the update writes these arrays
            if isinstance(held, Tensor):
                conds.append(f"{state}[{pn}][{key!r}]._data is {bind(f'S{i}', held._data)}")
    conds += _structure_conditions(model, v.params, bind)
    groups = bind("G", optimizer.param_groups)
    lists = [bind(f"L{i}", g["params"]) for i, g in enumerate(optimizer.param_groups)]
    conds += updates.guard_conditions(optimizer, opt, groups, lists, e.fresh)
    v.guard_source = "(\n        " + "\n        and ".join(conds) + "\n    )"
    tensor, convert = bind("Tensor", Tensor), bind("convert", lambda a: as_tensor(a)._data)
    bad = bind("bad", _BAD_LABELS)
    body = [
        "def run(x, y):",
        f"    x = x._data if x.__class__ is {tensor} else {convert}(x)",
        f"    y = y._data if y.__class__ is {tensor} else {convert}(y)",
        f"    if not {v.guard_source}:",
        "        return None",
        f"    groups = {groups}",
    ]
    check = e.memo.get("label_check")
    if check is not None:  # the labels' check and flat positions (step._emit_label_check)
        body += ["    try:", f"        {check}", "    except ValueError:", f"        return {bad}"]
    body += [
        "    try:",
        *e.run_body("        "),
        "    except IndexError:  # labels out of range: the caller raises the eager error",
        f"        return {bad}",
    ]
    for p, g in v.grads:  # (the slot: the step made these gradients, of the right shape)
        body.append(f"    {bind('P', p)}._grad = {bind('grad', g)}")
    if v.updated:  # as optimizer.step(): one tick dates the writes of the update
        body.append(f"    {bind('bump_all', bump_all)}({bind('U', tuple(v.updated))})")
    body.append(f"    return {bind('new_tensor', _new_tensor)}({env['_loss_name']}.copy(), None)")
    v.run_source = "\n".join(body)
    exec(v.run_source, env)
    v.run = env.pop("run")


def _structure_conditions(
    model: Any, params: list[Any], bind: Callable[[str, Any], str]
) -> list[str]:
    """The model still holds the same submodules and parameters where they were traced (a
    layer replaced, or a parameter reassigned, would otherwise keep training the old one)."""
    if not isinstance(model, Module):
        return []
    conds: list[str] = []
    modules = [m for _, m in model.named_modules()]
    index = {id(m): i for i, m in enumerate(modules)}
    names = [bind(f"T{i}", m) for i, m in enumerate(modules)]
    for i, m in enumerate(modules):
        for key, child in m._modules.items():
            if child is not None and id(child) in index:
                conds.append(f"{names[i]}._modules[{key!r}] is {names[index[id(child)]]}")
        for key, p in m._parameters.items():
            if p is not None and any(p is q for q in params):
                conds.append(f"{names[i]}._parameters[{key!r}] is {bind(f'Q{i}_{key}', p)}")
    return conds


def _array_source(a: np.ndarray) -> str:
    """An exact, compact literal for an array (its bytes in base64), in its memory order (a
    Fortran-ordered ``Linear`` weight stays Fortran-ordered in the ejected module)."""
    fortran = a.ndim > 1 and a.flags.f_contiguous and not a.flags.c_contiguous
    data = base64.b64encode(a.tobytes(order="F" if fortran else "C")).decode("ascii")
    order = ', order="F"' if fortran else ""
    return (
        f"np.frombuffer(base64.b64decode({data!r}), dtype=np.{a.dtype.name})"
        f".reshape({tuple(a.shape)!r}{order}).copy({order[2:]})"
    )


def _module_source(v: _Variant, optimizer: Any) -> str:
    """A standalone module: parameters, optimizer state, buffers and the step; NumPy only."""
    e = v.emitter
    out = [
        f'"""{v.header}',
        "",
        "Written by minigrad.compile (CompiledStep.save); needs NumPy only. `step(x, y)` runs",
        "one training step and returns the loss; `params` holds the parameters by name and",
        '`param_groups` the hyper-parameters (change `param_groups[0]["lr"]` to schedule).',
        '"""',
        "",
        "import base64",
        "import math",
        "",
        "import numpy as np",
        "",
        "# Parameters, optimizer state and constants",
    ]
    for name, value in {**e.bound, **e.consts}.items():
        if isinstance(value, np.ndarray):
            out.append(f"{name} = {_array_source(value)}")
    groups = [{k: val for k, val in g.items() if k != "params"} for g in optimizer.param_groups]
    dotted = v.env["_dotted"]
    params = ", ".join(f"{dotted.get(id(p), v.names[id(p)])!r}: {v.names[id(p)]}" for p in v.params)
    out += [
        "",
        f"param_groups = {groups!r}",
        f"params = {{{params}}}",
        "",
        "# Buffers, allocated once",
        *e.setup,
        "",
        "",
        _function_source(v),
        "",
        "",
        "def step(x, y):",
        '    """One training step on the batch (x, y); returns the loss (a NumPy scalar)."""',
        "    return train_step(np.asarray(x), np.asarray(y), param_groups).copy()",
        "",
    ]
    return "\n".join(out)
