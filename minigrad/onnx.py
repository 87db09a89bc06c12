"""Export a model to ONNX by reading the graph minigrad records for one forward pass.

``export(model, example_input, path)`` runs the model once in ``eval()`` mode with recording
on, walks the recorded ops from the output back to the input, and writes one ONNX node (or a
few) per op: parameters and buffers become initializers named by their ``state_dict`` keys.
The model is traced a second time on a perturbed input and the two graphs are compared, so a
value that depends on the input but was computed without recording (a mask, an int cast, a
``detach()``) is refused instead of being frozen into the file as a constant.

The ``onnx`` package is an optional extra (``pip install onnx onnxruntime``); ONNX Runtime
runs the exported file (see docs/deploy.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from . import conv, fused, more_ops, ops, reflected
from ._optional import require
from .engine import Op, OutputOf, TensorMakers
from .grad_mode import enable_grad
from .graph import iter_graph
from .nn import Module
from .tensor import Tensor, _new_tensor
from .unbind import Unbind

OPSET = 18
"""The ONNX opset written: reductions take their axes as an input from opset 18 on."""

DynamicAxes = Mapping[str, Mapping[int, str] | Sequence[int]]


class ExportError(RuntimeError):
    """The model uses something ONNX export cannot write faithfully; the message names it."""


def export(
    model: Module | Callable[..., Tensor],
    args: Tensor | tuple[Tensor, ...],
    f: str | os.PathLike[str],
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    dynamic_axes: DynamicAxes | None = None,
    opset_version: int = OPSET,
) -> str:
    """Write ``model`` as an ONNX file, with PyTorch's ``torch.onnx.export`` signature.

    Args:
        model: a Module (switched to ``eval()`` for the trace, then restored) or a function.
        args: the example input, or a tuple of inputs; their shapes and dtypes are recorded.
        f: the path to write.
        input_names: names of the graph inputs (default ``input``, ``input_1``, ...).
        output_names: names of the graph outputs (default ``output``, ``output_1``, ...).
        dynamic_axes: per input or output name, the axes whose size may change, e.g.
            ``{"input": {0: "batch"}, "output": {0: "batch"}}`` (a list of axes also works).
        opset_version: must be 18 (the opset this exporter writes).

    Returns:
        The path written.

    Raises:
        ExportError: an op has no ONNX form, or input-dependent values escaped the graph.
        ImportError: the ``onnx`` package is not installed.
    """
    onnx = require("onnx", "minigrad.onnx.export", "onnx", "onnx")
    if opset_version != OPSET:
        raise ValueError(f"onnx.export: opset_version must be {OPSET}, got {opset_version}")
    inputs = args if isinstance(args, tuple) else (args,)
    for i, a in enumerate(inputs):
        if not isinstance(a, Tensor):
            raise TypeError(f"onnx.export: input {i} must be a Tensor, got {type(a).__name__}")
    in_names = list(input_names or [_default_name("input", i) for i in range(len(inputs))])
    if len(in_names) != len(inputs):
        raise ValueError(f"onnx.export: {len(in_names)} input_names for {len(inputs)} inputs")

    dynamic = _dynamic_axes(dynamic_axes, in_names, output_names)
    # Trace twice: on the example, then on other values with every dynamic axis resized.
    # What differs between the two must come from the graph's inputs, or it is refused.
    labels = sorted({dynamic[n][ax] for n, ax in _input_axes(dynamic, in_names)})
    growth = {(n, ax): labels.index(dynamic[n][ax]) + 1 for n, ax in _input_axes(dynamic, in_names)}
    graph = _trace(model, inputs, in_names)
    with np.errstate(all="ignore"):
        other = _trace(model, _perturbed(inputs, in_names, growth), in_names)
        # and on the example's own values, sign-flipped and magnified: a mask taken from the
        # values by a threshold (x < 3) is the same for values of one size and would be frozen
        rescaled = [_trace(model, _scaled(inputs, k), in_names) for k in _SCALES]
    for h in rescaled:  # (first: the resized trace's comparison records the dynamic dims)
        _compare(graph, h, {})
    _compare(graph, other, _sizes(inputs, in_names, growth))

    out_names = list(
        output_names or [_default_name("output", i) for i in range(len(graph.outputs))]
    )
    if len(out_names) != len(graph.outputs):
        raise ValueError(
            f"onnx.export: {len(out_names)} output_names for {len(graph.outputs)} outputs"
        )
    proto = _to_onnx(onnx, graph, in_names, out_names, dynamic)
    onnx.checker.check_model(proto, full_check=True)
    path = os.fspath(f)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(proto.SerializeToString())
    os.replace(tmp, path)  # atomic: a failed export never leaves half a file
    return path


def _default_name(stem: str, i: int) -> str:
    return stem if i == 0 else f"{stem}_{i}"


# ---------------------------------------------------------------------------------------------
# Tracing: one forward pass, read back from the recorded graph


class _Graph:
    """The recorded forward pass in execution order, with what each value is."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self.outputs: list[Tensor] = []
        self.inputs: dict[int, str] = {}  # id(array) of an input -> its name
        self.named: dict[int, str] = {}  # id(array) of a parameter or buffer -> state_dict key
        self.dynamic: dict[int, dict[int, tuple[str, int]]] = {}
        """Per op (by id), the positions of its ``shape`` that are an input's dynamic size."""
        self.tensors: list[Tensor] = []  # the traced inputs, kept alive with their ids
        self.masks: dict[int, tuple[int, str]] = {}
        """Per Where op (by id), the sign test of one of its inputs that its mask equals."""


def _trace(model: Any, inputs: tuple[Tensor, ...], names: list[str]) -> _Graph:
    g = _Graph()
    traced = []
    for a, name in zip(inputs, names):
        t = _new_tensor(a._data.copy(), None)
        if t.dtype.kind == "f":
            t.requires_grad_()  # so every op that reads the input is recorded
        g.inputs[id(t._data)] = name
        traced.append(t)
    g.tensors = traced
    was_training = getattr(model, "training", None)
    if isinstance(model, Module):
        model.eval()
    try:
        with enable_grad():
            out = model(*traced)
    finally:
        if isinstance(model, Module) and was_training:
            model.train()
    if isinstance(model, Module):  # (after the call: a lazy layer materializes in it)
        g.named = {id(v._data): k for k, v in model.state_dict(keep_vars=True).items()}
    outs = list(out) if isinstance(out, tuple | list) else [out]
    for o in outs:
        if not isinstance(o, Tensor) or o.grad_fn is None:
            raise ExportError(
                "onnx.export: the model's output does not depend on its input or parameters "
                "through recorded ops (was it computed under no_grad, or from .detach()?)"
            )
    g.outputs = outs
    g.ops = [n for n in reversed(list(iter_graph(outs))) if isinstance(n, Op)]
    return g


def _input_axes(dynamic: dict[str, dict[int, str]], in_names: list[str]) -> list[tuple[str, int]]:
    return [(n, axis) for n in in_names for axis in sorted(dynamic.get(n, {}))]


def _sizes(
    inputs: tuple[Tensor, ...], names: list[str], growth: dict[tuple[str, int], int]
) -> dict[tuple[int, int], tuple[str, int]]:
    """(size in the first trace, size in the second) -> the (input, axis) it belongs to."""
    shapes = dict(zip(names, (a.shape for a in inputs)))
    sizes: dict[tuple[int, int], tuple[str, int]] = {}
    for (n, ax), k in growth.items():  # inputs that share a dynamic dimension grow alike
        sizes.setdefault((shapes[n][ax], shapes[n][ax] + k), (n, ax))
    return sizes


def _perturbed(
    inputs: tuple[Tensor, ...], names: list[str], growth: dict[tuple[str, int], int]
) -> tuple[Tensor, ...]:
    """Other values, and each dynamic dimension longer by its own amount (so they are told
    apart); integer inputs (indices) keep to the values they had, so they stay valid."""
    rng = np.random.default_rng(0)
    out = []
    for a, name in zip(inputs, names):
        data = a._data
        shape = tuple(n + growth.get((name, ax), 0) for ax, n in enumerate(data.shape))
        if data.dtype.kind == "f":
            scale = float(np.std(data)) + 1.0 if data.size else 1.0
            new = (rng.standard_normal(shape) * scale).astype(data.dtype)
        else:
            new = (
                rng.choice(data.reshape(-1), size=shape)
                if data.size
                else np.zeros(shape, data.dtype)
            )
        out.append(_new_tensor(np.asarray(new, dtype=data.dtype), None))
    return tuple(out)


_SCALES = (-1.0, 40.0, -40.0)


def _scaled(inputs: tuple[Tensor, ...], k: float) -> tuple[Tensor, ...]:
    """The float inputs times ``k`` (integer inputs, indices, as they are)."""
    return tuple(
        _new_tensor(a._data * np.asarray(k, a._data.dtype), None)
        if a._data.dtype.kind == "f"
        else a
        for a in inputs
    )


def _compare(g: _Graph, h: _Graph, sizes: dict[tuple[int, int], tuple[str, int]]) -> None:
    """Refuse if the two traces differ anywhere but in values that are inputs of the graph."""
    if [type(o) for o in g.ops] != [type(o) for o in h.ops]:
        raise ExportError(
            "onnx.export: the model runs different ops for different input values "
            "(data-dependent control flow), which one ONNX graph cannot hold"
        )
    for a, b in zip(g.ops, h.ops):
        for key, va in a.attributes().items():
            vb = b.attributes()[key]
            if key == "shape" and isinstance(va, tuple) and _dynamic_dims(g, a, va, vb, sizes):
                continue
            if key == "cond" and _sign_mask(g, a, b):
                continue
            if key == "index" and _same_grid(a, b):
                continue
            if key == "index" and isinstance(a, conv.AdaptiveMaxPool):
                _adaptive_windows_fixed(a, b)  # (the maxima are recomputed in the ONNX graph)
                continue
            if key == "cond" and _finite_mask(a, b):
                raise ExportError(
                    "onnx.export: the Where op's 'cond' was computed from the input's values "
                    "outside the recorded graph: isfinite, as nan_to_num chooses (the values "
                    "it puts in place of nan and inf are not recorded: replace them in the "
                    "data before the model), or a threshold such as x < 3 that these inputs "
                    "never cross; it would be frozen into the file (the activations with "
                    "thresholds, hardtanh to softshrink, record one op each and export)"
                )
            if not _same(va, vb) and not _is_input_index(g, a, key) and sizes:
                raise ExportError(
                    f"onnx.export: the {_kind(a)} op's {key!r} differs between the example and "
                    "an input with other values and every dynamic axis resized: it depends on "
                    "the input's values (a mask, an int cast or a detach()), or on a dynamic "
                    "axis's size in a way one ONNX graph cannot hold (flip, roll, diag, trace "
                    "or diagonal along that axis, tile or repeat_interleave of it); it would be "
                    "frozen into the file. Export without that axis in dynamic_axes"
                )
            if not _same(va, vb) and not _is_input_index(g, a, key):
                raise ExportError(
                    f"onnx.export: the {_kind(a)} op's {key!r} depends on the input's values "
                    "but was computed outside the recorded graph (a mask, an int cast or "
                    "a detach()); it would be frozen into the file"
                )
        for x, y in zip(a.inputs or (), b.inputs or ()):
            if isinstance(x, Tensor) and x.grad_fn is None and id(x._data) not in g.inputs:
                if id(x._data) not in g.named and not _same(x._data, y._data):
                    raise ExportError(
                        f"onnx.export: an input of the {_kind(a)} op depends on the model's "
                        "input but was computed without recording (under no_grad, from an "
                        "integer tensor or a detach()); it would be frozen into the file"
                    )


def _dynamic_dims(
    g: _Graph, op: Op, a: tuple, b: tuple, sizes: dict[tuple[int, int], tuple[str, int]]
) -> bool:
    """Whether a shape differs only where an input's dynamic size does; records where."""
    if len(a) != len(b):
        return False
    found = {}
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            if (x, y) not in sizes:
                return False
            found[i] = sizes[(x, y)]
    g.dynamic[id(op)] = found
    return True


_SIGN_TESTS = {"Greater": np.greater, "GreaterOrEqual": np.greater_equal, "Less": np.less,
               "LessOrEqual": np.less_equal}  # fmt: skip


def _sign_mask(g: _Graph, a: Op, b: Op) -> bool:
    """Whether a Where's mask is a sign test of one of its own inputs in both traces.

    Activations such as leaky_relu and elu choose by ``x > 0``, computed on the array
    outside the graph; when the mask equals such a test of an input on two different inputs
    (the example and the perturbed one), the ONNX graph computes the test itself.
    """
    if not (isinstance(a, ops.Where) and isinstance(b, ops.Where)):
        return False
    for i, (x, y) in enumerate(zip(a.inputs or (), b.inputs or ())):
        if not (isinstance(x, Tensor) and isinstance(y, Tensor)):
            continue
        for name, test in _SIGN_TESTS.items():
            if np.array_equal(a.cond, test(x._data, 0)) and np.array_equal(
                b.cond, test(y._data, 0)
            ):
                g.masks[id(a)] = (i, name)
                return True
    return False


def _grid_picks(index: Any, shape: tuple[int, ...]) -> dict[int, np.ndarray] | None:
    """Of an open grid (one integer array per dim, each varying along its own dim only, as
    flip and roll index), the positions taken along each dim where not every one in order."""
    if not (isinstance(index, tuple) and index and len(index) == len(shape)):
        return None
    picks = {}
    for d, at in enumerate(index):
        if not (isinstance(at, np.ndarray) and at.dtype.kind in "iu" and at.ndim == len(shape)):
            return None
        if any(n != 1 for k, n in enumerate(at.shape) if k != d):
            return None
        flat = at.reshape(-1)
        if not np.array_equal(flat, np.arange(shape[d])):
            picks[d] = flat
    return picks


def _same_grid(a: Op, b: Op) -> bool:
    """Whether two GetItems take the same positions along the same dims of an open grid (the
    dims taken whole may differ in size: a dynamic axis)."""
    if not (isinstance(a, ops.GetItem) and isinstance(b, ops.GetItem)):
        return False
    pa = _grid_picks(a.index, (a.inputs or ())[0].shape)
    pb = _grid_picks(b.index, (b.inputs or ())[0].shape)
    if pa is None or pb is None or pa.keys() != pb.keys():
        return False
    return all(np.array_equal(pa[d], pb[d]) for d in pa)


def _adaptive_windows_fixed(a: Op, b: Op) -> None:
    """Refuse an adaptive max pool over a dynamic spatial axis: its windows (start and width
    per output cell) are computed from the input's size, so one ONNX graph holds one size."""
    sa, sb = ((op.inputs or ())[0].shape[2:] for op in (a, b))
    if sa != sb:
        raise ExportError(
            f"onnx.export: AdaptiveMaxPool{len(sa)}d (adaptive_max_pool{len(sa)}d) over a "
            "spatial axis in dynamic_axes: its windows depend on that axis's size, and one "
            "ONNX graph holds the windows of one size. Export with fixed spatial sizes (the "
            "batch axis may stay dynamic)"
        )


def _finite_mask(a: Op, b: Op) -> bool:
    """Whether both Wheres choose by isfinite of their first input (nan_to_num)."""
    if not (isinstance(a, ops.Where) and isinstance(b, ops.Where)):
        return False
    (x, *_), (y, *_) = a.inputs or (None,), b.inputs or (None,)
    if not (isinstance(x, Tensor) and isinstance(y, Tensor)):
        return False
    return bool(
        np.array_equal(a.cond, np.isfinite(x._data))
        and np.array_equal(b.cond, np.isfinite(y._data))
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.shape(a) == np.shape(b) and np.array_equal(a, b))
    return bool(a == b)


def _is_input_index(g: _Graph, op: Op, key: str) -> bool:
    """An integer index that is itself a graph input (an embedding lookup)."""
    return key == "index" and _index_input(g, getattr(op, "index", None)) is not None


def _index_input(g: _Graph, index: Any) -> str | None:
    if isinstance(index, tuple) and len(index) == 1:
        index = index[0]
    if isinstance(index, np.ndarray):
        return g.inputs.get(id(index))
    return None


def _kind(op: Op) -> str:
    return type(op).__name__


def _dynamic_axes(
    spec: DynamicAxes | None, in_names: list[str], output_names: Sequence[str] | None
) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    names = [*in_names, *(output_names or ["output"])]
    for name, axes in (spec or {}).items():
        if name not in names and not name.startswith("output_"):
            raise ValueError(f"onnx.export: dynamic_axes names {name!r}, not an input or output")
        if isinstance(axes, Mapping):
            out[name] = {int(k): str(v) for k, v in axes.items()}
        else:
            out[name] = {int(k): f"{name}_dim_{k}" for k in axes}
    return out


# ---------------------------------------------------------------------------------------------
# Writing ONNX: one converter per op class


class _Writer:
    """Collects nodes and initializers, naming every value once."""

    def __init__(self, onnx: Any, g: _Graph) -> None:
        self.onnx, self.g = onnx, g
        self.nodes: list[Any] = []
        self.initializers: dict[str, Any] = {}
        self.names: dict[int, str] = {}  # id(op) -> its output's name
        self.count = 0

    def fresh(self, stem: str) -> str:
        self.count += 1
        return f"{stem}_{self.count}"

    def const(self, value: Any, dtype: Any = None, stem: str = "const") -> str:
        arr = np.array(value, dtype=dtype, order="C")  # (ascontiguousarray makes 0-d 1-d)
        name = self.fresh(stem)
        self.initializers[name] = self.onnx.numpy_helper.from_array(arr, name)
        return name

    def value(self, x: Any, like: Any = None) -> str:
        """The name of an op's input: an earlier op's output, a graph input, or a constant."""
        if not isinstance(x, Tensor):  # a Python scalar takes the dtype of the other operand
            return self.const(x, dtype=like.dtype if isinstance(like, Tensor) else None)
        if x.grad_fn is not None:
            return self.names[id(x.grad_fn)]
        key = id(x._data)
        if key in self.g.inputs:
            return self.g.inputs[key]
        if key in self.g.named:
            name = self.g.named[key]
            if name not in self.initializers:
                self.initializers[name] = self.onnx.numpy_helper.from_array(
                    np.ascontiguousarray(x._data), name
                )
            return name
        return self.const(x._data)

    def node(self, op_type: str, inputs: list[str], **attrs: Any) -> str:
        out = self.fresh(op_type)
        self.nodes.append(self.onnx.helper.make_node(op_type, inputs, [out], **attrs))
        return out


Converter = Callable[[_Writer, Any, list[Any]], str]


def _op_class(name: str) -> type:
    """The op class of that name: a primitive (``ops``), a fused op (``fused``) or one of
    the ops beyond the basic set (``more_ops``)."""
    return getattr(ops, name, None) or getattr(fused, name, None) or getattr(more_ops, name)


_UNARY = {
    "Neg": "Neg", "Exp": "Exp", "Log": "Log", "Sqrt": "Sqrt", "Abs": "Abs", "Sin": "Sin",
    "Cos": "Cos", "Tanh": "Tanh", "Sigmoid": "Sigmoid", "ReLU": "Relu", "Erf": "Erf",
    "Softplus": "Softplus", "Tan": "Tan", "Asin": "Asin", "Acos": "Acos", "Atan": "Atan",
    "Sinh": "Sinh", "Cosh": "Cosh", "Asinh": "Asinh", "Acosh": "Acosh", "Atanh": "Atanh",
    "Floor": "Floor", "Ceil": "Ceil",
}  # fmt: skip
_BINARY = {
    "Add": "Add", "Sub": "Sub", "Mul": "Mul", "Div": "Div", "Pow": "Pow",
    "Maximum": "Max", "Minimum": "Min", "MatMul": "MatMul",
}  # fmt: skip
_REDUCE = {
    "Sum": "ReduceSum", "Mean": "ReduceMean", "Max": "ReduceMax", "Min": "ReduceMin",
    "LogSumExp": "ReduceLogSumExp",
}  # fmt: skip


_FLOAT32_ONLY = {"Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Erf"}
"""ONNX ops whose ONNX Runtime CPU kernel takes float32 only (no float64 one)."""


def _float32_only(op_type: str, kind: str, x: Any) -> None:
    """Refuse, at export rather than when ONNX Runtime loads the file, an ONNX op its kernels
    cannot run in the input's dtype."""
    if op_type in _FLOAT32_ONLY and np.dtype(x.dtype) != np.float32:
        raise ExportError(
            f"onnx.export: the {kind} op on {np.dtype(x.dtype)} becomes ONNX's {op_type}, which "
            "ONNX Runtime computes in float32 only; export the model in float32 (model.float() "
            "and a float32 input)"
        )


def _unary(w: _Writer, op: Any, xs: list[Any]) -> str:
    _float32_only(_UNARY[_kind(op)], _kind(op), xs[0])
    return w.node(_UNARY[_kind(op)], [w.value(xs[0])])


def _binary(w: _Writer, op: Any, xs: list[Any]) -> str:
    x, y = xs
    return w.node(_BINARY[_kind(op)], [w.value(x, like=y), w.value(y, like=x)])


def _round(w: _Writer, op: Any, xs: list[Any]) -> str:
    """Half to even, as ONNX's Round; with decimals, scaled by 10**|decimals| first and back
    after, in the input's dtype and in NumPy's order (multiply then divide, or the reverse for
    negative decimals), so the bits are minigrad's."""
    x = w.value(xs[0])
    if op.decimals == 0:
        return w.node("Round", [x])
    scale = w.const(10.0 ** abs(op.decimals), xs[0].dtype)
    there, back = ("Mul", "Div") if op.decimals > 0 else ("Div", "Mul")
    return w.node(back, [w.node("Round", [w.node(there, [x, scale])]), scale])


def _trunc(w: _Writer, op: Any, xs: list[Any]) -> str:
    """Toward 0: ceil below 0, floor elsewhere (ONNX has no Trunc)."""
    x = w.value(xs[0])
    below = w.node("Less", [x, w.const(0, xs[0].dtype)])
    return w.node("Where", [below, w.node("Ceil", [x]), w.node("Floor", [x])])


def _sign(w: _Writer, op: Any, xs: list[Any]) -> str:
    """(x > 0) - (x < 0), as minigrad computes it: 0 at nan, as PyTorch (ONNX's Sign gives nan)."""
    x, zero = w.value(xs[0]), w.const(0, xs[0].dtype)
    to = w.onnx.helper.np_dtype_to_tensor_dtype(xs[0].dtype)
    above, below = (w.node("Cast", [w.node(t, [x, zero])], to=to) for t in ("Greater", "Less"))
    return w.node("Sub", [above, below])


def _fmod(w: _Writer, op: Any, xs: list[Any]) -> str:
    x, y = xs
    return w.node("Mod", [w.value(x, like=y), w.value(y, like=x)], fmod=1)


def _remainder(w: _Writer, op: Any, xs: list[Any]) -> str:
    """fmod moved by y where it is nonzero and its sign differs from y's, as minigrad computes
    it (ONNX's Mod takes floats only with fmod=1, C's fmod)."""
    x, y = xs
    dtype = (x if isinstance(x, Tensor) else y).dtype
    m, yv, zero = _fmod(w, op, xs), w.value(y, like=x), w.const(0, dtype)
    differ = w.node("Xor", [w.node("Less", [m, zero]), w.node("Less", [yv, zero])])
    moved = w.node("And", [w.node("Not", [w.node("Equal", [m, zero])]), differ])
    return w.node("Where", [moved, w.node("Add", [m, yv]), m])


def _dtype(xs: list[Any]) -> np.dtype:
    """The dtype of an op of two inputs: its tensor's (the other may be a number)."""
    return np.dtype(next(x for x in xs if isinstance(x, Tensor | np.ndarray)).dtype)


def _logit(w: _Writer, op: Any, xs: list[Any]) -> str:
    """log(x / (1 - x)), x first clipped to minigrad's bounds [eps, 1 - eps] if eps is set."""
    x, dtype = w.value(xs[0]), xs[0].dtype
    if op.eps is not None:
        low, high = op.bounds(dtype)
        x = w.node("Clip", [x, w.const(low, dtype), w.const(high, dtype)])
    return w.node("Log", [w.node("Div", [x, w.node("Sub", [w.const(1, dtype), x])])])


def _sinc(w: _Writer, op: Any, xs: list[Any]) -> str:
    """sin(pi x) / (pi x), 1 at 0."""
    x, dtype = w.value(xs[0]), xs[0].dtype
    px = w.node("Mul", [x, w.const(np.pi, dtype)])
    ratio = w.node("Div", [w.node("Sin", [px]), px])
    return w.node("Where", [w.node("Equal", [x, w.const(0, dtype)]), w.const(1, dtype), ratio])


def _xlogy(w: _Writer, op: Any, xs: list[Any]) -> str:
    """x log(y), 0 where x = 0 unless y is nan."""
    (x, y), dtype = xs, _dtype(xs)
    xv, yv = w.value(x, like=y), w.value(y, like=x)
    product = w.node("Mul", [xv, w.node("Log", [yv])])
    zero = w.const(0, dtype)
    keep = w.node("And", [w.node("Equal", [xv, zero]), w.node("Not", [w.node("IsNaN", [yv])])])
    return w.node("Where", [keep, zero, product])


def _log1p(w: _Writer, u: str, dtype: np.dtype) -> str:
    """log(1 + u) to full precision for small u, with Log alone (ONNX has no Log1p):
    log(w) u / (w - 1) with w = 1 + u, which cancels w's rounding; u where w rounds to 1."""
    one = w.const(1, dtype)
    v = w.node("Add", [one, u])
    scaled = w.node("Mul", [w.node("Log", [v]), w.node("Div", [u, w.node("Sub", [v, one])])])
    return w.node("Where", [w.node("Equal", [v, one]), u, scaled])


def _logaddexp(w: _Writer, op: Any, xs: list[Any]) -> str:
    """max(x, y) + log1p(exp(-|x - y|)), and x + log 2 where x = y (so inf and -inf stay
    themselves), as NumPy's logaddexp."""
    (x, y), dtype = xs, _dtype(xs)
    xv, yv = w.value(x, like=y), w.value(y, like=x)
    gap = w.node("Neg", [w.node("Abs", [w.node("Sub", [xv, yv])])])
    out = w.node("Add", [w.node("Max", [xv, yv]), _log1p(w, w.node("Exp", [gap]), dtype)])
    same = w.node("Add", [xv, w.const(np.log(2), dtype)])
    return w.node("Where", [w.node("Equal", [xv, yv]), same, out])


def _hypot(w: _Writer, op: Any, xs: list[Any]) -> str:
    """big sqrt(1 + (small / big)^2) of |x| and |y|, so nothing overflows; |x| where y = 0 (and
    0 at 0), inf where either is inf even with a nan (C's hypot), nan otherwise with a nan."""
    (x, y), dtype = xs, _dtype(xs)
    a, b = w.node("Abs", [w.value(x, like=y)]), w.node("Abs", [w.value(y, like=x)])
    first = w.node("Greater", [a, b])  # false with a nan: big or small is then the nan
    big, small = w.node("Where", [first, a, b]), w.node("Where", [first, b, a])
    r = w.node("Div", [small, big])
    one = w.const(1, dtype)
    out = w.node("Mul", [big, w.node("Sqrt", [w.node("Add", [one, w.node("Mul", [r, r])])])])
    out = w.node("Where", [w.node("Equal", [small, w.const(0, dtype)]), big, out])
    inf = w.node("Or", [w.node("IsInf", [a]), w.node("IsInf", [b])])
    return w.node("Where", [inf, w.const(np.inf, dtype), out])


def _negative(w: _Writer, v: str, dtype: np.dtype) -> str:
    """Whether v's sign bit is set: below 0, or -0 (1 / -0 is -inf)."""
    zero = w.const(0, dtype)
    below = w.node("Less", [v, zero])
    return w.node("Or", [below, w.node("Less", [w.node("Div", [w.const(1, dtype), v]), zero])])


def _atan2(w: _Writer, op: Any, xs: list[Any]) -> str:
    """atan(x / y), plus pi with x's sign where y's sign bit is set, as C's atan2(x, y): 0 with
    x's sign for x = 0, and +-pi/4 (+-3pi/4 after the shift) where both are infinite."""
    (x, y), dtype = xs, _dtype(xs)
    _float32_only("Atan", _kind(op), np.empty(0, dtype))
    xv, yv = w.value(x, like=y), w.value(y, like=x)
    both_inf = w.node("And", [w.node("IsInf", [xv]), w.node("IsInf", [yv])])
    ratio = w.node("Div", [xv, yv])
    ratio = w.node("Where", [both_inf, w.node("Div", [w.node("Sign", [xv]), w.node("Sign", [yv])]),
                             ratio])  # fmt: skip
    angle = w.node("Atan", [ratio])
    zero = w.const(0, dtype)
    at_zero = w.node("And", [w.node("Equal", [xv, zero]), w.node("Not", [w.node("IsNaN", [yv])])])
    angle = w.node("Where", [at_zero, xv, angle])  # x itself: its sign, where x / y is nan
    pi, minus_pi = w.const(np.pi, dtype), w.const(-np.pi, dtype)
    shift = w.node("Where", [_negative(w, xv, dtype), minus_pi, pi])
    shift = w.node("Where", [_negative(w, yv, dtype), shift, zero])
    return w.node("Add", [angle, shift])


def _reduce(w: _Writer, op: Any, xs: list[Any]) -> str:
    x = xs[0]
    keep = int(op.keepdims)
    if op.axis is None:
        return w.node(_REDUCE[_kind(op)], [w.value(x)], keepdims=keep)
    axes = (op.axis,) if isinstance(op.axis, int) else tuple(op.axis)
    return w.node(_REDUCE[_kind(op)], [w.value(x), w.const(axes, np.int64)], keepdims=keep)


def _softmax(w: _Writer, op: Any, xs: list[Any]) -> str:
    return w.node(_kind(op), [w.value(xs[0])], axis=int(op.axis))


def _linear(w: _Writer, op: Any, xs: list[Any]) -> str:
    x, weight = xs[0], xs[1]
    names = [w.value(x), w.value(weight)] + ([w.value(xs[2])] if len(xs) > 2 else [])
    if x.ndim == 2:
        return w.node("Gemm", names, transB=1)
    out = w.node("MatMul", [names[0], w.node("Transpose", [names[1]], perm=[1, 0])])
    return w.node("Add", [out, names[2]]) if len(names) > 2 else out


def _mse(w: _Writer, op: Any, xs: list[Any]) -> str:
    x, y = xs
    d = w.node("Sub", [w.value(x, like=y), w.value(y, like=x)])
    sq = w.node("Mul", [d, d])
    if op.reduction == "none":
        return sq
    return w.node("ReduceMean" if op.reduction == "mean" else "ReduceSum", [sq], keepdims=0)


def _cross_entropy(w: _Writer, op: Any, xs: list[Any]) -> str:
    labels = w.const(op.target, np.int64, stem="labels")  # fixed labels, as MSELoss's target
    return w.node("SoftmaxCrossEntropyLoss", [w.value(xs[0]), labels], reduction=op.reduction)


def _shape(w: _Writer, op: Any, shape: list[int]) -> str:
    """A shape as a graph value: constants, with each dynamic size read from its input."""
    dynamic = w.g.dynamic.get(id(op), {})
    if not dynamic:
        return w.const(shape, np.int64)
    parts = []
    for i, n in enumerate(shape):
        if i in dynamic:
            name, axis = dynamic[i]
            size = w.node("Shape", [name], start=axis, end=axis + 1)
            parts.append(size)
        else:
            parts.append(w.const([n], np.int64))
    return w.node("Concat", parts, axis=0)


def _reshape(w: _Writer, op: Any, xs: list[Any]) -> str:
    return w.node("Reshape", [w.value(xs[0]), _shape(w, op, list(op.shape))])


def _permute(w: _Writer, op: Any, xs: list[Any]) -> str:
    return w.node("Transpose", [w.value(xs[0])], perm=list(op.axes))


def _broadcast(w: _Writer, op: Any, xs: list[Any]) -> str:
    src = (1,) * (len(op.shape) - xs[0].ndim) + tuple(xs[0].shape)
    dynamic = w.g.dynamic.get(id(op), {})
    # 1 keeps the input's own size (Expand broadcasts), so only stretched axes are written.
    shape = [1 if s == n and i not in dynamic else n for i, (s, n) in enumerate(zip(src, op.shape))]
    return w.node("Expand", [w.value(xs[0]), _shape(w, op, shape)])


def _clip(w: _Writer, op: Any, xs: list[Any]) -> str:
    x = xs[0]
    low = w.const(op.low, x.dtype) if op.low is not None else ""
    high = w.const(op.high, x.dtype) if op.high is not None else ""
    return w.node("Clip", [w.value(x), low, high])


def _cast(w: _Writer, op: Any, xs: list[Any]) -> str:
    to = w.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(op.dtype))
    return w.node("Cast", [w.value(xs[0])], to=to)


def _where(w: _Writer, op: Any, xs: list[Any]) -> str:
    if id(op) in w.g.masks:  # the mask is a sign test of an input: computed in the graph
        i, test = w.g.masks[id(op)]
        cond = w.node(test, [w.value(xs[i]), w.const(0, xs[i].dtype)])
    else:
        cond = w.const(op.cond, np.bool_)
    return w.node("Where", [cond, w.value(xs[0]), w.value(xs[1])])


def _concat(w: _Writer, op: Any, xs: list[Any]) -> str:
    return w.node("Concat", [w.value(x) for x in xs], axis=int(op.axis))


def _getitem(w: _Writer, op: Any, xs: list[Any]) -> str:
    x, index = xs[0], op.index
    source = _index_input(w.g, index)
    if source is not None:  # an embedding lookup: rows of x chosen by an input
        return w.node("Gather", [w.value(x), source], axis=0)
    items = index if isinstance(index, tuple) else (index,)
    if len(items) == 1 and isinstance(items[0], np.ndarray) and items[0].dtype == np.bool_:
        index = items = np.nonzero(items[0])  # a fixed mask (masked_select): its positions
    if any(i is Ellipsis for i in items):  # written out as whole dims, so each has its axis
        k = next(k for k, i in enumerate(items) if i is Ellipsis)
        whole = (slice(None),) * (x.ndim - len(items) + 1)
        index = items = (*items[:k], *whole, *items[k + 1 :])
    if isinstance(index, np.ndarray | list) and np.asarray(index).dtype.kind in "iu":
        return w.node("Gather", [w.value(x), w.const(index, np.int64)], axis=0)
    grid = _grid_picks(index, x.shape)
    if grid is not None:  # flip, roll along dims: one Gather per dim not taken whole
        out = w.value(x)
        for axis, taken in grid.items():
            out = w.node("Gather", [out, w.const(taken, np.int64)], axis=axis)
        return out
    if _integer_arrays(items[-1:]) and all(isinstance(i, slice) and i == slice(None)
                                           for i in items[:-1]):  # fmt: skip
        return w.node("Gather", [w.value(x), w.const(items[-1], np.int64)], axis=len(items) - 1)
    if _integer_arrays(items):  # one array per leading dim: their broadcast positions
        positions = np.stack(np.broadcast_arrays(*items), axis=-1)
        return w.node("GatherND", [w.value(x), w.const(positions, np.int64)])
    if not all(isinstance(i, int | slice) for i in items):
        raise ExportError(
            f"onnx.export: indexing with {index!r} has no ONNX form here; use integer, "
            "slice or embedding-style (an input's integer indices) indexing"
        )
    spans: list[tuple[int, int, int, int]] = []  # (start, end, axis, step) for Slice
    picks: list[tuple[int, int]] = []  # (axis, integer index) for Gather
    for axis, i in enumerate(items):
        if isinstance(i, int):
            picks.append((axis, i))  # Gather takes negative indices as Python does
        elif i != slice(None):
            # Python's slice rules are ONNX's; open ends stay open, so a dynamic size is kept.
            step = 1 if i.step is None else i.step
            start = i.start if i.start is not None else (0 if step > 0 else -1)
            stop = i.stop if i.stop is not None else (2**63 - 1 if step > 0 else -(2**63))
            spans.append((start, stop, axis, step))
    out = w.value(x)
    if spans:
        starts, ends, axes, steps = (list(v) for v in zip(*spans))
        consts = [w.const(v, np.int64) for v in (starts, ends, axes, steps)]
        out = w.node("Slice", [out, *consts])
    for axis, i in reversed(picks):  # the last axis first, so earlier axes keep their place
        out = w.node("Gather", [out, w.const(i, np.int64)], axis=axis)
    return out


def _integer_arrays(items: tuple | list) -> bool:
    return bool(items) and all(isinstance(i, np.ndarray) and i.dtype.kind in "iu" for i in items)


def _scatter_add(w: _Writer, op: Any, xs: list[Any]) -> str:
    """x added into zeros at integer positions (diag of a vector): ScatterND with add."""
    items = op.index if isinstance(op.index, tuple) else (op.index,)
    if not _integer_arrays(items) or w.g.dynamic.get(id(op)):
        raise ExportError(
            f"onnx.export: the ScatterAdd op (diag, diag_embed) with index {op.index!r} has no "
            "ONNX conversion here; only integer positions into a fixed shape (diag of a vector) "
            "convert"
        )
    x = xs[0]
    arrays = np.broadcast_arrays(*items)
    at = w.const(np.stack(arrays, axis=-1).astype(np.int64))
    updates = w.value(x)
    if tuple(x.shape) != arrays[0].shape:
        updates = w.node("Expand", [updates, w.const(arrays[0].shape, np.int64)])
    zeros = w.const(np.zeros(op.shape, x.dtype))
    return w.node("ScatterND", [zeros, at, updates], reduction="add")


def _no_derivative(w: _Writer, op: Any, xs: list[Any]) -> str:
    """A number % a tensor is remainder; floor division is refused."""
    if op.aten == "remainder":
        return _remainder(w, op, op.operands(xs))
    raise ExportError(
        "onnx.export: floor_divide (//) has no ONNX conversion: ONNX's Floor(Div(x, y)) "
        "differs from Python's and PyTorch's floor division where x / y rounds up to a whole "
        "number (1 // 0.1 is 9.0, floor(1 / 0.1) is 10.0); write (x / y).floor() in the model "
        "if that is what it means"
    )


def _reflected(w: _Writer, op: Any, xs: list[Any]) -> str:
    """A number on the left (``2 - x``, ``2 ** x``) in the tensor's dtype, or ``1 / x``."""
    x = xs[0]
    if isinstance(op, reflected.Reciprocal):
        return w.node("Reciprocal", [w.value(x)])
    number = op.other if isinstance(op, reflected.RSub) else op.base
    kind = "Sub" if isinstance(op, reflected.RSub) else "Pow"
    return w.node(kind, [w.const(number, x.dtype), w.value(x)])


def _erfinv(w: _Writer, op: Any, xs: list[Any]) -> str:
    raise ExportError(
        "onnx.export: the Erfinv op has no ONNX conversion: ONNX has no erfinv, and one "
        "composed from its ops would not give minigrad's values; compute erfinv outside the "
        "exported model"
    )


def _normalize(w: _Writer, op: Any, xs: list[Any]) -> str:
    """(x - mean) / sqrt(var + eps) * w + b over ``op.axes``, as ONNX reductions."""
    axes = w.const(list(op.axes), np.int64)
    x = w.value(xs[0])
    centred = w.node("Sub", [x, w.node("ReduceMean", [x, axes], keepdims=1)])
    var = w.node("ReduceMean", [w.node("Mul", [centred, centred]), axes], keepdims=1)
    eps = w.const(op.eps, xs[0].dtype)
    out = w.node("Div", [centred, w.node("Sqrt", [w.node("Add", [var, eps])])])
    shape = w.const(list(op.wshape), np.int64)
    for param, combine in zip(xs[1:3], ("Mul", "Add")):
        if isinstance(param, Tensor):
            out = w.node(combine, [out, w.node("Reshape", [w.value(param), shape])])
    return out


# The piecewise activations (fused.Hardtanh ... Softshrink): ONNX's own op in float32. ONNX's
# alpha, beta, lambd and bias are float32 attributes, so other dtypes get minigrad's arithmetic
# instead, which keeps its digits (Clip takes its bounds as inputs of x's dtype: always Clip).


def _hardtanh(w: _Writer, op: Any, xs: list[Any]) -> str:
    x = xs[0]
    return w.node("Clip", [w.value(x), w.const(op.low, x.dtype), w.const(op.high, x.dtype)])


def _hardsigmoid(w: _Writer, op: Any, xs: list[Any]) -> str:
    x, dtype = w.value(xs[0]), np.dtype(xs[0].dtype)
    if dtype == np.float32:
        return w.node("HardSigmoid", [x], alpha=1 / 6, beta=0.5)
    z = w.node("Div", [w.node("Add", [x, w.const(3, dtype)]), w.const(6, dtype)])
    return w.node("Clip", [z, w.const(0, dtype), w.const(1, dtype)])


def _hardswish(w: _Writer, op: Any, xs: list[Any]) -> str:
    x, dtype = w.value(xs[0]), np.dtype(xs[0].dtype)
    if dtype == np.float32:
        return w.node("HardSwish", [x])
    three = w.const(3, dtype)
    middle = w.node("Div", [w.node("Mul", [x, w.node("Add", [x, three])]), w.const(6, dtype)])
    low = w.node("Mul", [x, w.const(0, dtype)])  # -0, and nan at -inf, as minigrad
    below = w.node("Where", [w.node("LessOrEqual", [x, w.const(-3, dtype)]), low, middle])
    return w.node("Where", [w.node("Less", [x, three]), below, x])


def _threshold(w: _Writer, op: Any, xs: list[Any]) -> str:
    x, dtype = w.value(xs[0]), xs[0].dtype
    at_or_below = w.node("LessOrEqual", [x, w.const(op.threshold, dtype)])
    return w.node("Where", [at_or_below, w.const(op.value, dtype), x])


def _shrink(w: _Writer, op: Any, xs: list[Any]) -> str:
    x, dtype, lambd = w.value(xs[0]), np.dtype(xs[0].dtype), op.lambd
    soft = isinstance(op, fused.Softshrink)
    if dtype == np.float32:  # (ONNX's Shrink gives 0 at nan, where minigrad and PyTorch keep it)
        shrunk = w.node("Shrink", [x], lambd=float(lambd), bias=float(lambd) if soft else 0.0)
        return w.node("Where", [w.node("IsNaN", [x]), x, shrunk])
    low, high = w.const(-lambd, dtype), w.const(lambd, dtype)
    if soft:  # x - clip(x, -lambd, lambd)
        return w.node("Sub", [x, w.node("Clip", [x, low, high])])
    inside = w.node("And", [w.node("GreaterOrEqual", [x, low]), w.node("LessOrEqual", [x, high])])
    return w.node("Where", [inside, w.const(0, dtype), x])


def _unbind(w: _Writer, op: Any, xs: list[Any]) -> str:
    """The node of several outputs stands for its input: each output (``OutputOf``) is a
    Gather of one index from it."""
    return w.value(xs[0])


def _output_of(w: _Writer, op: Any, xs: list[Any]) -> str:
    if not isinstance(op.node, Unbind):  # (an autograd.Function is refused before this)
        raise ExportError(f"onnx.export: the {op.op_name} op has no ONNX conversion")
    index = w.const(op.index, np.int64)  # a 0-d index: the dim is dropped, as x[k]
    return w.node("Gather", [w.names[id(op.node)], index], axis=int(op.node.dim))


def _pads(padding: tuple[tuple[int, int], ...]) -> list[int]:
    """minigrad's (before, after) per axis as ONNX's [begins..., ends...]."""
    return [int(a) for a, _ in padding] + [int(b) for _, b in padding]


def _conv(w: _Writer, op: Any, xs: list[Any]) -> str:
    p = op.params
    return w.node(
        "Conv", [w.value(x) for x in xs],
        kernel_shape=list(p.kernel_size), strides=list(p.stride), pads=_pads(p.padding),
        dilations=list(p.dilation), group=int(p.groups),
    )  # fmt: skip


def _conv_input(w: _Writer, op: Any, xs: list[Any]) -> str:
    """The transposed convolution (ConvTranspose): ONNX crops its output by ``pads`` as the
    convolution's padding does, and ``output_padding`` is what x_shape has beyond that."""
    p = op.params
    extra = [
        n - ((i - 1) * s + d * (k - 1) + 1 - a - b)
        for n, i, s, d, k, (a, b) in zip(
            op.x_shape[2:], xs[0].shape[2:], p.stride, p.dilation, p.kernel_size, p.padding
        )
    ]
    return w.node(
        "ConvTranspose", [w.value(x) for x in xs],
        kernel_shape=list(p.kernel_size), strides=list(p.stride), pads=_pads(p.padding),
        dilations=list(p.dilation), group=int(p.groups), output_padding=extra,
    )  # fmt: skip


def _window(op: Any) -> dict[str, Any]:
    """The window attributes both pools share (padding holds ceil_mode's extra already)."""
    p = op.params
    return {
        "kernel_shape": list(p.kernel_size),
        "strides": list(p.stride),
        "pads": _pads(p.padding),
    }


def _max_pool(w: _Writer, op: Any, xs: list[Any]) -> str:
    return w.node("MaxPool", [w.value(xs[0])], dilations=list(op.params.dilation), **_window(op))


def _adaptive_max_pool(w: _Writer, op: Any, xs: list[Any]) -> str:
    """The maximum over a box is the maximum over each axis in turn: per pooled axis, one
    Gather of every window's cells (a window shorter than the widest repeats its last cell,
    which cannot change a maximum) and one ReduceMax over them. NaN wins, as in PyTorch."""
    x = xs[0]
    out = first = w.value(x)
    h = w.onnx.helper
    dtype, boolean = h.np_dtype_to_tensor_dtype(np.dtype(x.dtype)), w.onnx.TensorProto.BOOL
    for axis, (n, m) in enumerate(zip(x.shape[2:], op.size), start=2):
        if n == m:  # (windows of one cell: the axis as it is)
            continue
        i = np.arange(m)
        start, end = (i * n) // m, -(-((i + 1) * n) // m)
        width = int((end - start).max()) if m else 1
        cells = np.minimum(start[:, None] + np.arange(width), end[:, None] - 1)  # (m, width)
        windows = w.node("Gather", [out, w.const(cells, np.int64)], axis=axis)
        over = w.const([axis + 1], np.int64)
        top = w.node("ReduceMax", [windows, over], keepdims=0)
        # (ONNX Runtime's ReduceMax skips NaN; a window holding one gives NaN, as PyTorch's)
        nan = w.node("Cast", [w.node("IsNaN", [windows])], to=dtype)
        any_nan = w.node("Cast", [w.node("ReduceMax", [nan, over], keepdims=0)], to=boolean)
        out = w.node("Where", [any_nan, w.const(np.nan, x.dtype), top])
    return out if out != first else w.node("Identity", [out])


def _avg_pool(w: _Writer, op: Any, xs: list[Any]) -> str:
    if any(d != 1 for d in op.params.dilation):
        raise ExportError("onnx.export: AvgPool with dilation has no ONNX form")
    # ONNX divides by the whole window (count_include_pad=1); minigrad's divisor, which
    # follows PyTorch at the borders (padding, ceil_mode), then rescales where it differs.
    out = w.node("AveragePool", [w.value(xs[0])], count_include_pad=1, **_window(op))
    full = float(np.prod(op.params.kernel_size))
    if np.all(op.divisor == full):
        return out
    scale = (full / op.divisor).astype(xs[0].dtype)
    return w.node("Mul", [out, w.const(scale)])


def _pad(w: _Writer, op: Any, xs: list[Any]) -> str:
    x = xs[0]
    pads = w.const(_pads(op.padding), np.int64)
    return w.node("Pad", [w.value(x), pads, w.const(op.value, x.dtype)], mode="constant")


CONVERTERS: dict[type, Converter] = {
    **{_op_class(k): _unary for k in _UNARY},
    **{_op_class(k): _binary for k in _BINARY},
    **{_op_class(k): _reduce for k in _REDUCE},
    more_ops.Round: _round,
    more_ops.Trunc: _trunc,
    more_ops.Sign: _sign,
    more_ops.Sgn: _sign,
    more_ops.Fmod: _fmod,
    more_ops.Remainder: _remainder,
    more_ops.Logit: _logit,
    more_ops.Sinc: _sinc,
    more_ops.Xlogy: _xlogy,
    more_ops.LogAddExp: _logaddexp,
    more_ops.Hypot: _hypot,
    more_ops.Atan2: _atan2,
    more_ops.NoDerivative: _no_derivative,
    reflected.RSub: _reflected,
    reflected.RPow: _reflected,
    reflected.Reciprocal: _reflected,
    more_ops.Erfinv: _erfinv,
    ops.ScatterAdd: _scatter_add,
    fused.Softmax: _softmax,
    fused.Hardtanh: _hardtanh,
    fused.Hardsigmoid: _hardsigmoid,
    fused.Hardswish: _hardswish,
    fused.Threshold: _threshold,
    fused.Hardshrink: _shrink,
    fused.Softshrink: _shrink,
    fused.LogSoftmax: _softmax,
    fused.Linear: _linear,
    fused.MSELoss: _mse,
    fused.CrossEntropyLoss: _cross_entropy,
    ops.Reshape: _reshape,
    ops.Permute: _permute,
    ops.BroadcastTo: _broadcast,
    ops.Clip: _clip,
    ops.Cast: _cast,
    ops.Where: _where,
    ops.Concat: _concat,
    ops.GetItem: _getitem,
    Unbind: _unbind,
    OutputOf: _output_of,
    fused.Normalize: _normalize,
    conv.Conv: _conv,
    conv.ConvInput: _conv_input,
    conv.MaxPool: _max_pool,
    conv.AvgPool: _avg_pool,
    conv.AdaptiveMaxPool: _adaptive_max_pool,
    conv.Pad: _pad,
}
"""Op class -> a function that writes its ONNX nodes and returns the output's name."""


def _to_onnx(onnx: Any, g: _Graph, in_names: list[str], out_names: list[str], dynamic: dict) -> Any:
    w = _Writer(onnx, g)
    for op in g.ops:
        convert = CONVERTERS.get(type(op))
        if convert is None:
            raise ExportError(
                f"onnx.export: the {_kind(op)} op has no ONNX conversion; supported ops: "
                f"{', '.join(sorted(c.__name__ for c in CONVERTERS))}"
            )
        w.names[id(op)] = convert(w, op, _recorded_inputs(op))
    h = onnx.helper
    nodes = list(w.nodes)
    for o, name in zip(g.outputs, out_names):  # rename the last value to the output's name
        nodes.append(h.make_node("Identity", [w.names[id(o.grad_fn)]], [name]))

    def info(name: str, arr: np.ndarray) -> Any:
        dims: list[Any] = list(arr.shape)
        for axis, label in dynamic.get(name, {}).items():
            dims[axis] = label
        return h.make_tensor_value_info(name, h.np_dtype_to_tensor_dtype(arr.dtype), dims)

    arrays = {v: k for k, v in g.inputs.items()}
    graph_inputs = []
    for name in in_names:
        if name not in arrays:
            continue
        graph_inputs.append(info(name, _array_by_id(g, arrays[name])))
    graph = h.make_graph(
        nodes,
        "minigrad",
        graph_inputs,
        [info(n, o._data) for o, n in zip(g.outputs, out_names)],
        initializer=list(w.initializers.values()),
    )
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", OPSET)], producer_name="minigrad")
    model.ir_version = 9  # readable by every ONNX Runtime that knows opset 18
    return model


def _recorded_inputs(op: Op) -> list[Any]:
    """The op's inputs as they were when it ran: a tensor changed in place since then
    (``h.mul_(2)`` after ``h`` was read) holds another array and node now; its producer at the
    time is the op's edge, and its array the one the op saved."""
    xs = list(op.inputs or ())
    for i, (x, edge) in enumerate(zip(xs, op.edges)):
        if isinstance(x, Tensor) and isinstance(edge, Op) and x.grad_fn is not edge:
            saved = op.saved[i] if op.saved and i < len(op.saved) else x._data
            xs[i] = TensorMakers.wrap(saved, edge)
    return xs


def _array_by_id(g: _Graph, key: int) -> np.ndarray:
    for op in g.ops:
        for x in op.inputs or ():
            if isinstance(x, Tensor) and id(x._data) == key:
                return x._data
        index = getattr(op, "index", None)
        index = index[0] if isinstance(index, tuple) and len(index) == 1 else index
        if isinstance(index, np.ndarray) and id(index) == key:
            return index
    raise ExportError("onnx.export: an input is not used by the model")


__all__ = ["CONVERTERS", "ExportError", "export"]
