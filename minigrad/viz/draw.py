"""Render traced graphs with graphviz (imported lazily) and write them to files."""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._optional import require
from ..tensor import Tensor
from .trace import Cluster, Graph, OpNode, Summary, TensorNode, trace

# pytorchviz's legend: ops grey, leaves that receive .grad blue, outputs green.
COLOURS = {
    "op": "lightgrey",
    "param": "lightblue",
    "constant": "#fde3b5",
    "intermediate": "white",
    "output": "darkolivegreen1",
}
_LEGEND = {
    "param": "leaf that receives .grad",
    "constant": "constant (no grad)",
    "intermediate": "intermediate",
    "output": "output",
    "op": "op",
}
# Gradient-norm scale, faint (vanishing) to dark (strong): ColorBrewer's "Blues".
_RAMP = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]


# ---------------------------------------------------------------------------------------------
# Drawing


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program, which renders drawings to files and notebooks, is missing."""


def _graphviz() -> Any:
    # Rendering also needs Graphviz's 'dot' program (Debian: apt-get install graphviz).
    return require("graphviz", "drawing graphs", "graphviz", "viz")


_NO_DOT = (
    "Graphviz's 'dot' program, which renders drawings, was not found on PATH. Install it "
    "(Debian/Ubuntu: apt install graphviz; macOS: brew install graphviz; conda: conda install "
    "graphviz), or paste the DOT source below into any Graphviz viewer."
)


@functools.cache
def _drawing_class() -> type:
    """graphviz's Digraph, shown in a notebook as SVG, or as a message and its DOT source.

    Defined on first use because the graphviz package is an optional extra. Without ``dot``,
    Jupyter would show a traceback for every drawing; this shows what to install instead.
    """
    graphviz = _graphviz()

    class Drawing(graphviz.Digraph):  # type: ignore[name-defined]
        """A graph drawing: displays inline in Jupyter; `minigrad.viz.save` writes it."""

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kw: Any) -> Any:
            try:
                return super()._repr_mimebundle_(include, exclude, **kw)
            except graphviz.ExecutableNotFound:
                return {"text/plain": f"{_NO_DOT}\n\n{self.source}"}

    return Drawing


def _num(x: float) -> str:
    return f"{x:.4g}"


def _esc(text: str) -> str:
    """Text made safe inside an HTML-like label (names may hold any of { } | < > \\ ")."""
    return html.escape(text, quote=True)


def _attr_text(v: Any) -> str:
    if isinstance(v, np.ndarray):
        return f"{v.dtype} array{v.shape}"
    if isinstance(v, slice):
        parts = ["" if p is None else str(p) for p in (v.start, v.stop, v.step)]
        return ":".join(parts[:2] if v.step is None else parts)
    if isinstance(v, tuple) and any(isinstance(i, np.ndarray | slice) for i in v):
        return "(" + ", ".join(_attr_text(i) for i in v) + ")"
    text = str(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _values(s: Summary, what: str) -> str:
    if s.values is not None:
        body = _num(s.values[0]) if s.size == 1 else "[" + ", ".join(map(_num, s.values)) + "]"
        return f"{what} {body}"
    if what == "grad":
        return f"‖grad‖ {_num(s.norm)}"
    return f"{what} μ {_num(s.mean)} σ {_num(s.std)}<BR/>[{_num(s.min)}, {_num(s.max)}]"


def _tensor_label(n: TensorNode, show_data: bool, show_grad: bool, fill: str, dark: bool) -> str:
    cells = []
    if n.name:
        cells.append(f"<B>{_esc(n.name)}</B>")
    if n.dtype in ("float", "int", "bool") and n.data is not None:  # a Python number
        cells.append(_values(n.data, "").strip())
    elif n.shape is None:
        cells.append("shape freed<BR/>by backward()" if n.kind != "constant" else "constant")
    else:
        cells.append(f'{n.shape}<BR/><FONT POINT-SIZE="9">{_esc(n.dtype or "")}</FONT>')
        if show_data and n.data is not None:
            cells.append(_values(n.data, "data"))
        if show_grad and n.kind == "param":
            cells.append(_values(n.grad, "grad") if n.grad is not None else "grad None")
    if n.note:
        cells.append(f"<I>{_esc(n.note)}</I>")
    font = ' COLOR="white"' if dark else ""
    # dashed: no gradient reached this parameter (unused, frozen, or no backward yet)
    td = '<TD STYLE="dashed">' if show_grad and n.kind == "param" and n.grad is None else "<TD>"
    row = "".join(f"{td}<FONT{font}>{c}</FONT></TD>" for c in cells)
    return (
        f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" BGCOLOR="{fill}">'
        f"<TR>{row}</TR></TABLE>>"
    )


def _op_label(n: OpNode) -> str:
    attrs = [f"{k}={_attr_text(v)}" for k, v in n.attributes.items() if v is not False]
    extra = "".join(f'<BR/><FONT POINT-SIZE="9">{_esc(a)}</FONT>' for a in attrs)
    if n.label:  # the last op of a composed function: PyTorch's node for the whole function
        extra = f'<BR/><FONT POINT-SIZE="9"><I>{_esc(n.label)}</I></FONT>' + extra
    return f"<<B>{_esc(n.op)}</B>{extra}>"


def _plain(text: str) -> str:
    """Text made safe inside a quoted DOT string (tooltips, cluster labels)."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _ramp(t: float) -> str:
    """Colour at ``t`` in [0, 1] along the gradient-norm scale."""
    t = min(max(t, 0.0), 1.0) * (len(_RAMP) - 1)
    i = min(int(t), len(_RAMP) - 2)
    a, b = (np.array([int(c[k : k + 2], 16) for k in (1, 3, 5)]) for c in _RAMP[i : i + 2])
    r, g, bl = (a + (b - a) * (t - i)).round().astype(int)
    return f"#{r:02x}{g:02x}{bl:02x}"


@dataclass(frozen=True)
class _Scale:
    """Decades of gradient norm mapped onto the colour ramp (log scale)."""

    lo: int
    hi: int

    @classmethod
    def of(cls, norms: list[float]) -> _Scale | None:
        positive = [n for n in norms if n > 0 and math.isfinite(n)]
        if not positive:
            return None
        lo, hi = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(positive)))
        return cls(min(lo, hi - 1), hi)

    def position(self, norm: float) -> float:
        if not norm > 0:
            return 0.0
        return (math.log10(norm) - self.lo) / (self.hi - self.lo)

    def legend(self) -> str:
        step = max(1, math.ceil((self.hi - self.lo) / 8))
        decades = range(self.lo, self.hi + 1, step)
        cells = ""
        for e in decades:
            t = self.position(10.0**e)
            font = ' COLOR="white"' if t > 0.6 else ""
            cells += f'<TD BGCOLOR="{_ramp(t)}"><FONT POINT-SIZE="9"{font}>1e{e}</FONT></TD>'
        n = len(decades)
        return (
            '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">'
            f'<TR><TD COLSPAN="{n}">‖grad‖ of leaves (log scale)</TD></TR><TR>{cells}</TR></TABLE>'
        )


def draw_graph(
    *roots: Tensor | Graph,
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
    """Draw the graph behind ``roots``: one node per tensor, one per op, data flowing right.

    Parameters (leaves that receive ``.grad``) are blue, constants orange, ops grey, outputs
    green (pytorchviz's legend). With ``show_grad=True`` after ``backward()`` each parameter
    is coloured by its gradient norm on a log scale shown in the legend: vanishing gradients
    appear pale. A returned ``graphviz.Digraph`` displays itself in Jupyter; ``save`` writes it.

    Args:
        roots: the tensors to draw back from, or one ``Graph`` from ``trace``.
        params: names for tensors, e.g. ``dict(model.named_parameters())``.
        show_data: show values (small tensors) or mean/std/min/max (large ones).
        show_grad: show each leaf's gradient (values or norm) and colour it by norm.
        rankdir: Graphviz layout direction ("LR", "TB", ...).
        max_values: up to this many elements, values are shown in full.
        labels: notes shown on tensor nodes, keyed by tensor (or by its producing op).
        explain: an ``Explanation`` from ``explain_backward``: shows its BP labels (also on
            another run of the same model: δ is placed on each layer's new output).
        legend: draw the colour legend.
        title: a caption for the drawing.

    Returns:
        A ``graphviz.Digraph``.

    Raises:
        ImportError: if the graphviz package is missing (``pip install graphviz``).
    """
    graphviz = _graphviz()
    if len(roots) == 1 and isinstance(roots[0], Graph):
        graph = roots[0]
    else:
        tensors = [r for r in roots if isinstance(r, Tensor)]
        notes = dict(explain.labels(*tensors)) if explain is not None else {}
        notes.update(labels or {})
        graph = trace(
            *tensors,
            params=params,
            show_data=show_data,
            show_grad=show_grad,
            max_values=max_values,
            labels=notes,
        )
    return _render(graphviz, graph, show_data, show_grad, rankdir, legend, title)


def _render(
    graphviz: Any,
    graph: Graph,
    show_data: bool,
    show_grad: bool,
    rankdir: str,
    legend: bool,
    title: str | None,
) -> Any:
    dot = _drawing_class()(
        "minigrad",
        graph_attr={"rankdir": rankdir, "fontsize": "11", "labelloc": "t"},
        node_attr={"fontsize": "10", "height": "0.2"},
        edge_attr={"arrowsize": "0.6"},
    )
    if title:
        dot.attr(label=_plain(title))
    grads = [n.grad.norm for n in graph.tensors if n.kind == "param" and n.grad is not None]
    scale = _Scale.of(grads) if show_grad else None

    def add(target: Any, n: TensorNode | OpNode) -> None:
        # Lines are written straight into the body: graphviz's node() is too slow for 20,000 ops.
        if isinstance(n, OpNode):
            attrs = f'shape=box style="rounded,filled" fillcolor={COLOURS["op"]}'
            target.body.append(
                f'\t{n.id} [label={_op_label(n)} {attrs} tooltip="{_plain(n.rule)}"]\n'
            )
            return
        fill, dark, extra = COLOURS[n.kind], False, ""
        if scale is not None and n.kind == "param" and n.grad is not None:
            t = scale.position(n.grad.norm)
            fill, dark = _ramp(t), t > 0.6
            extra = ' color="#2171b5" penwidth=2'
        label = _tensor_label(n, show_data, show_grad, fill, dark)
        target.body.append(f"\t{n.id} [label={label} shape=plain{extra}]\n")

    placed = {nid for c in graph.clusters for nid in c.nodes}
    by_id = {n.id: n for n in graph.nodes}
    for n in graph.nodes:
        if n.id not in placed:
            add(dot, n)
    children: dict[str | None, list[Cluster]] = {}
    for c in graph.clusters:
        children.setdefault(c.parent, []).append(c)

    def cluster(c: Cluster, depth: int) -> Any:
        sub = graphviz.Digraph(f"cluster_{c.id}")
        sub.attr(
            label=_plain(c.label),
            style="rounded,filled",
            color="grey60",
            fillcolor="#f4f4f4" if depth % 2 == 0 else "#e8e8e8",
            fontsize="10",
        )
        for nid in c.nodes:
            add(sub, by_id[nid])
        for child in children.get(c.id, []):
            sub.subgraph(cluster(child, depth + 1))
        return sub

    for c in children.get(None, []):
        dot.subgraph(cluster(c, 0))
    dot.body.extend(f"\t{e.src} -> {e.dst}\n" for e in graph.edges)
    if legend:
        _legend(dot, graph, scale)
    return dot


def _legend(dot: Any, graph: Graph, scale: _Scale | None) -> None:
    """One table node: a swatch per kind of node drawn, then the gradient-norm scale."""
    kinds = {n.kind for n in graph.nodes}
    rows = [
        f'<TR><TD BGCOLOR="{COLOURS[k]}">{text}</TD></TR>'
        for k, text in _LEGEND.items()
        if k in kinds
    ]
    body = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="3">'
    body += '<TR><TD BORDER="0"><B>legend</B></TD></TR>' + "".join(rows) + "</TABLE>"
    if scale is not None:
        body = (
            f'<TABLE BORDER="0" CELLSPACING="0"><TR><TD>{body}</TD></TR>'
            f"<TR><TD>{scale.legend()}</TD></TR></TABLE>"
        )
    dot.node("legend", f"<{body}>", shape="plain", fontsize="9")


def save(graph: Any, path: str | Path, dpi: int | None = None) -> Path:
    """Write a drawing to ``path``: ``.svg``, ``.png``, ``.pdf`` by rendering, ``.dot`` as text.

    Args:
        graph: a ``graphviz.Digraph`` (from ``draw_graph`` or ``draw_model``).
        path: where to write; the suffix picks the format.
        dpi: resolution of bitmaps (PNG), e.g. 150 for sharp pictures in docs.

    Returns:
        The path written.

    Raises:
        ValueError: for an unknown suffix.
        GraphvizNotFoundError: when the ``dot`` program is missing; the graph is then written
            next to ``path`` as a ``.dot`` file, so nothing is lost.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt in ("dot", "gv"):
        path.write_text(graph.source, encoding="utf-8")
        return path
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"save(): cannot tell the format of {path}; use .svg, .png, .pdf or .dot")
    graphviz = _graphviz()
    if dpi is not None:
        graph = graph.copy()
        graph.attr(dpi=str(dpi))
    try:
        data = graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        fallback = path.with_suffix(".dot")
        fallback.write_text(graph.source, encoding="utf-8")
        raise GraphvizNotFoundError(
            f"save(): cannot render {path.name}: the Graphviz 'dot' program was not found on "
            f"PATH. Install Graphviz (Debian/Ubuntu: apt install graphviz; macOS: brew install "
            f"graphviz; conda: conda install graphviz). The graph was written to {fallback}; "
            f"render it later with: dot -T{fmt} {fallback} -o {path}"
        ) from None
    path.write_bytes(data)
    return path
