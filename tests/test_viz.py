"""minigrad.viz: trace records, the DOT text, rendering, the model view and the failure paths."""

from __future__ import annotations

import html
import re
import sys
from collections import Counter

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.viz import (
    GraphvizNotFoundError,
    OpNode,
    Summary,
    TensorNode,
    draw_graph,
    draw_model,
    save,
    trace,
)


def _expression() -> tuple[mg.Tensor, mg.Tensor, mg.Tensor]:
    """e = sum(a * b + a): three ops, a used twice."""
    a = mg.Tensor([1.0, 2.0, 3.0], requires_grad=True, name="a")
    b = mg.Tensor([4.0, 5.0, 6.0], requires_grad=True, name="b")
    e = (a * b + a).sum()
    e.name = "e"
    return a, b, e


def _mlp(dtype: str = "float32") -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(4, 3, dtype=dtype, generator=0),
        nn.Sigmoid(),
        nn.Linear(3, 3, dtype=dtype, generator=1),
        nn.Sigmoid(),
    )


def _fill_of(source: str, node_id: str) -> str:
    line = next(l for l in source.splitlines() if l.strip().startswith(f"{node_id} ["))
    return re.search(r'BGCOLOR="([^"]+)"', line).group(1)


# ---------------------------------------------------------------------------------------------
# trace


def test_trace_counts_kinds_and_edges_of_a_small_expression() -> None:
    _, _, e = _expression()
    g = trace(e)
    assert [n.op for n in g.ops] == ["Mul", "Add", "Sum"]
    kinds = Counter(n.kind for n in g.tensors)
    assert kinds == {"param": 2, "intermediate": 2, "output": 1}
    assert len(g.nodes) == 8 and len(g.edges) == 8  # a, b, a*b, a*b+a, e and three ops
    ids = {n.id: n for n in g.nodes}
    # every op has its inputs in position order and exactly one output tensor
    for op in g.ops:
        ins = sorted((e for e in g.edges if e.dst == op.id), key=lambda e: e.index)
        assert [e.index for e in ins] == list(range(len(ins)))
        outs = [e for e in g.edges if e.src == op.id]
        assert len(outs) == 1 and isinstance(ids[outs[0].dst], TensorNode)
    # a feeds both Mul and Add
    a = g.find("a")
    assert sorted(ids[e.dst].op for e in g.edges if e.src == a.id) == ["Add", "Mul"]


def test_trace_lists_producers_first_and_is_deterministic() -> None:
    _, _, e = _expression()
    g1, g2 = trace(e), trace(e)
    assert g1 == g2
    pos = {n.id: i for i, n in enumerate(g1.nodes)}
    assert all(pos[edge.src] < pos[edge.dst] for edge in g1.edges)
    assert g1.nodes[-1].name == "e" and g1.nodes[-1].kind == "output"


def test_trace_names_shapes_dtypes_and_attributes() -> None:
    x = mg.Tensor(np.ones((2, 3), dtype=np.float64), dtype=mg.float64, requires_grad=True, name="x")
    w = mg.from_numpy(np.ones((3, 4), dtype=np.float64)).requires_grad_()
    h = (x @ w).reshape(4, 2)
    out = h.sum(axis=1, keepdims=True).permute(1, 0)
    g = trace(out, params={"weight": w, "h": h})
    assert g.find("x").shape == (2, 3) and g.find("weight").shape == (3, 4)
    assert g.find("h").shape == (4, 2) and g.find("h").kind == "intermediate"
    assert {n.dtype for n in g.tensors} == {"float64"}
    attrs = {n.op: n.attributes for n in g.ops}
    assert attrs["Sum"] == {"axis": 1, "keepdims": True}
    assert attrs["Reshape"] == {"shape": (4, 2)}
    assert attrs["Permute"] == {"axes": (1, 0)}
    assert attrs["MatMul"] == {}
    assert g.nodes[-1].shape == (1, 4)
    assert all(n.rule for n in g.ops)  # the op's one-line math
    assert g.ops[0].rule.startswith("z = x @ y")


def test_trace_keys_by_identity_and_shows_constants() -> None:
    a = mg.Tensor([1.0, 2.0], requires_grad=True, name="w")
    b = mg.Tensor([1.0, 2.0], requires_grad=True, name="w")  # same name and values
    c = mg.Tensor([3.0, 4.0], name="c")  # a constant, used twice
    out = (a * c + b * c + 2.0).sum()
    g = trace(out)
    named = [n for n in g.tensors if n.name == "w"]
    assert len(named) == 2 and named[0].id != named[1].id
    consts = [n for n in g.tensors if n.kind == "constant"]
    assert len([n for n in consts if n.name == "c"]) == 1  # one node, two uses
    scalar = next(n for n in consts if n.name is None)
    assert scalar.shape == () and scalar.data is not None and scalar.data.values == (2.0,)
    c_id = next(n.id for n in consts if n.name == "c")
    assert sum(e.src == c_id for e in g.edges) == 2


def test_trace_summaries_small_and_large() -> None:
    rng = np.random.default_rng(0)
    big = rng.normal(size=(10, 10))
    p = mg.Tensor(big, dtype=mg.float64, requires_grad=True, name="p")
    q = mg.Tensor([1.0, -2.0], dtype="float64", requires_grad=True, name="q")
    out = (p * p).sum() + q.sum()
    out.backward(retain_graph=True)
    g = trace(out, show_data=True, show_grad=True, max_values=4)
    s = g.find("p").data
    assert s.values is None and s.size == 100
    np.testing.assert_allclose(
        [s.mean, s.std, s.min, s.max, s.norm],
        [big.mean(), big.std(), big.min(), big.max(), np.linalg.norm(big)],
    )
    assert g.find("p").grad.norm == pytest.approx(np.linalg.norm(2 * big))
    assert g.find("q").data.values == (1.0, -2.0)
    assert g.find("q").grad.values == (1.0, 1.0)
    assert trace(out).find("p").data is None  # summaries only when asked
    assert Summary.of(np.zeros(0)).size == 0


def test_trace_after_backward_keeps_roots_and_leaves() -> None:
    x = mg.Tensor([[1.0, 2.0]], name="x")
    w = mg.Tensor([[0.5], [0.25]], requires_grad=True, name="w")
    loss = (x @ w).sigmoid().sum()
    loss.backward()  # frees the saved arrays
    g = trace(loss)
    assert len(g.ops) == 3
    assert g.find("w").shape == (2, 1)
    assert g.nodes[-1].shape == ()  # the root tensor itself
    inner = [n for n in g.tensors if n.kind == "intermediate"]
    assert inner and all(n.shape is None for n in inner)  # freed: not invented
    assert any(n.kind == "constant" and n.shape is None for n in g.tensors)


def test_trace_of_a_constant_or_leaf_root() -> None:
    g = trace(mg.Tensor([1.0, 2.0], name="k"))
    assert [(n.kind, n.name) for n in g.nodes] == [("constant", "k")] and not g.edges
    g = trace(mg.Tensor([1.0], requires_grad=True))
    assert [n.kind for n in g.nodes] == ["param"]


@pytest.mark.needs_graphviz
def test_trace_20000_ops_iteratively_and_draws() -> None:
    x = mg.Tensor([0.5], requires_grad=True, name="x")
    y = x
    for i in range(20_000):
        y = y.sin() if i % 2 else y * 1.0001
    g = trace(y)
    assert len(g.ops) == 20_000
    assert len(g.tensors) == 1 + 20_000 + 10_000  # x, one output per op, the 1.0001s
    assert len(g.edges) == 20_000 + 20_000 + 10_000
    dot = draw_graph(g)
    assert dot.source.count(" -> ") == len(g.edges)


# ---------------------------------------------------------------------------------------------
# DOT text


@pytest.mark.needs_graphviz
def test_draw_graph_dot_has_one_node_per_record_and_a_legend() -> None:
    _, _, e = _expression()
    dot = draw_graph(e)
    src = dot.source
    g = trace(e)
    for n in g.nodes:
        assert re.search(rf"^\s*{n.id} \[", src, re.M), n.id
    assert src.count(" -> ") == len(g.edges)
    assert "legend" in src and "leaf that receives .grad" in src
    assert "rankdir=LR" in src
    assert _fill_of(src, g.find("a").id) == "lightblue"
    assert _fill_of(src, g.find("e").id) == "darkolivegreen1"
    assert "fillcolor=lightgrey" in src  # ops
    assert "(3,)" in src  # shapes always shown
    assert "rankdir=TB" in draw_graph(e, rankdir="TB").source
    assert "legend" not in draw_graph(e, legend=False).source


@pytest.mark.needs_graphviz
def test_draw_graph_shows_values_and_summaries_when_asked() -> None:
    _, _, e = _expression()
    e.backward(retain_graph=True)
    src = draw_graph(e, show_data=True, show_grad=True).source
    assert "data [1, 2, 3]" in src and "grad [5, 6, 7]" in src  # d(sum(a*b+a))/da = b + 1
    big = mg.Tensor(np.arange(12.0).reshape(3, 4), dtype=mg.float64, requires_grad=True, name="big")
    (big * 2).sum().backward(retain_graph=True)
    src = draw_graph((big * 2).sum(), show_data=True, show_grad=True).source
    assert "μ 5.5" in src and "[0, 11]" in src
    assert f"‖grad‖ {np.linalg.norm(np.full(12, 2.0)):.4g}" in src
    assert "data" not in draw_graph(e).source


@pytest.mark.needs_dot
@pytest.mark.parametrize("name", ['a{b}|c<d>\\e"f', '}{|<>\\"', "\\", "x\\"])
def test_labels_are_escaped_and_render(name: str, tmp_path) -> None:
    t = mg.Tensor([1.0, 2.0], requires_grad=True, name=name)
    out = (t * 2).sum()
    out.name = name
    dot = draw_graph(out, title=name)
    svg = save(dot, tmp_path / "g.svg").read_text(encoding="utf-8")
    # the leaf, the output and the title all keep the exact name
    assert svg.count(">" + html.escape(name, quote=True) + "<") == 3


@pytest.mark.needs_graphviz
def test_labels_argument_and_op_attributes_are_drawn() -> None:
    x = mg.Tensor(np.ones((2, 3)), dtype=mg.float64, requires_grad=True, name="x")
    s = x.sum(axis=1)
    out = s.mean()
    src = draw_graph(out, labels={s: "row sums", x: "input"}).source
    assert "row sums" in src and "input" in src
    assert "axis=1" in src


# ---------------------------------------------------------------------------------------------
# Gradient flow


@pytest.mark.needs_graphviz
def test_gradient_flow_colours_parameters_by_norm() -> None:
    rng = np.random.default_rng(0)
    layers: list[nn.Module] = []
    for i in range(8):
        layers += [nn.Linear(4, 4, dtype="float64", generator=i), nn.Sigmoid()]
    model = nn.Sequential(*layers)
    x = mg.from_numpy(rng.normal(size=(8, 4)))
    loss = ((model(x) - 1.0) ** 2).mean()
    loss.backward(retain_graph=True)
    params = dict(model.named_parameters())
    dot = draw_graph(loss, params=params, show_grad=True)
    src = dot.source
    g = trace(loss, params=params, show_grad=True)

    def luminance(colour: str) -> float:
        r, gg, b = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
        return 0.2126 * r + 0.7152 * gg + 0.0722 * b

    first, last = g.find("0.weight"), g.find("14.weight")
    assert first.grad.norm < last.grad.norm / 100  # sigmoid: the gradient vanishes
    assert luminance(_fill_of(src, first.id)) > luminance(_fill_of(src, last.id)) + 60
    assert "‖grad‖ of leaves (log scale)" in src
    decades = re.findall(r">1e(-?\d+)<", src)
    lo = int(np.floor(np.log10(first.grad.norm)))
    assert int(decades[0]) <= lo and int(decades[-1]) >= np.log10(last.grad.norm)
    # without show_grad the usual blue
    assert _fill_of(draw_graph(loss, params=params).source, first.id) == "lightblue"


@pytest.mark.needs_graphviz
def test_gradient_flow_marks_parameters_without_grad() -> None:
    a = mg.Tensor([1.0], requires_grad=True, name="a")
    b = mg.Tensor([2.0], requires_grad=True, name="b")
    out = (a * b).sum()
    src = draw_graph(out, show_grad=True).source  # before backward: no .grad anywhere
    assert "grad None" in src and src.count('STYLE="dashed"') == 6  # 3 cells each


# ---------------------------------------------------------------------------------------------
# Model view


def _clusters(src: str) -> list[tuple[int, str]]:
    """(depth, label) of each cluster, in order."""
    found, depth = [], 0
    for line in src.splitlines():
        s = line.strip()
        if s.startswith("subgraph cluster_"):
            depth += 1
        elif s == "}":
            depth -= 1
        elif s.startswith("color=grey60"):
            label = re.search(r'label=("[^"]*"|\S+)', s).group(1)
            found.append((depth, label.strip('"')))
    return found


@pytest.mark.needs_graphviz
def test_draw_model_groups_ops_into_nested_labelled_clusters() -> None:
    model = _mlp()
    x = mg.Tensor(np.ones((5, 4), dtype=np.float32), name="x")
    dot = draw_model(model, x)
    src = dot.source
    assert _clusters(src) == [
        (1, "Sequential"),
        (2, "0: Linear(4→3)"),
        (2, "1: Sigmoid"),
        (2, "2: Linear(3→3)"),
        (2, "3: Sigmoid"),
    ]
    # each Linear cluster holds its op, its output and its own parameters
    block = src.split('label="0: Linear(4→3)"')[1].split("}")[0]
    assert block.count("<B>Linear</B>") == 1
    assert "0.weight" in block and "0.bias" in block and "2.weight" not in block
    # the input stays outside every cluster
    top = src.split("subgraph cluster_")[0]
    assert "<B>x</B>" in top
    assert "forward" not in vars(model) and all("forward" not in vars(m) for m in model)


@pytest.mark.needs_graphviz
def test_draw_model_with_a_loss_and_a_shared_module() -> None:
    lin = nn.Linear(3, 3, generator=0)
    model = nn.Sequential(lin, nn.Tanh(), lin)  # the same Linear called twice
    x = mg.Tensor(np.ones((2, 3), dtype=np.float32))
    src = draw_model(model, x, loss=lambda out: (out**2).mean()).source
    labels = [label for _, label in _clusters(src)]
    assert labels.count("0: Linear(3→3)") == 2 and "1: Tanh" in labels
    assert src.count("<B>Mean</B>") == 1
    # the loss ops are drawn outside the model's cluster
    assert "<B>Mean</B>" in src.split("subgraph cluster_")[0]


@pytest.mark.needs_graphviz
def test_draw_model_restores_forward_when_the_model_fails() -> None:
    model = _mlp()
    with pytest.raises(ValueError):
        draw_model(model, mg.Tensor(np.ones((2, 5), dtype=np.float32)))  # wrong width
    assert all("forward" not in vars(m) for m in model.modules())
    assert model(mg.Tensor(np.ones((2, 4), dtype=np.float32))).shape == (2, 3)


# ---------------------------------------------------------------------------------------------
# Output files and the failure paths


@pytest.mark.needs_dot
def test_save_renders_svg_png_pdf_and_writes_dot(tmp_path) -> None:
    _, _, e = _expression()
    dot = draw_graph(e, show_data=True)
    svg = save(dot, tmp_path / "g.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "Mul" in svg
    assert save(dot, tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert save(dot, tmp_path / "g.pdf").read_bytes()[:5] == b"%PDF-"
    assert save(dot, tmp_path / "g.dot").read_text(encoding="utf-8") == dot.source
    small = save(dot, tmp_path / "a.png").stat().st_size
    assert save(dot, tmp_path / "b.png", dpi=200).stat().st_size > small
    with pytest.raises(ValueError, match="svg"):
        save(dot, tmp_path / "g.jpeg2")


@pytest.mark.needs_dot
def test_a_digraph_displays_itself_in_jupyter() -> None:
    _, _, e = _expression()
    bundle = draw_graph(e)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


@pytest.mark.needs_graphviz
def test_missing_dot_program_names_the_fix_and_keeps_the_dot_file(tmp_path, monkeypatch) -> None:
    _, _, e = _expression()
    dot = draw_graph(e)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(GraphvizNotFoundError, match="Install Graphviz") as info:
        save(dot, tmp_path / "g.png")
    msg = str(info.value)
    assert "apt install graphviz" in msg and "g.dot" in msg
    assert (tmp_path / "g.dot").read_text(encoding="utf-8") == dot.source
    assert not (tmp_path / "g.png").exists()
    assert isinstance(info.value, RuntimeError)


def test_missing_graphviz_package_names_the_extra(monkeypatch) -> None:
    _, _, e = _expression()
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(ImportError, match=r"pip install graphviz"):
        draw_graph(e)
    with pytest.raises(ImportError, match=r"pip install graphviz"):
        draw_model(_mlp(), mg.Tensor(np.ones((1, 4), dtype=np.float32)))
    assert len(trace(e).ops) == 3  # tracing needs no graphviz


def test_op_nodes_are_opnode_records() -> None:
    _, _, e = _expression()
    assert all(isinstance(n, OpNode) and n.kind == "op" for n in trace(e).ops)
