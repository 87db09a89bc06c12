"""Regenerate every picture committed under docs/images (SVG and PNG of each).

    python scripts/make_figures.py

Needs the graphviz Python package and the Graphviz ``dot`` program. The networks are seeded,
so the pictures only change when the drawing code or the library does.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np

import minigrad as mg
from minigrad import nn
from minigrad.explain import explain_mlp
from minigrad.viz import draw_graph, draw_model, save

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
DPI = 110


def _write(graph: Any, name: str) -> None:
    for suffix in (".svg", ".png"):
        path = save(graph, OUT / f"{name}{suffix}", dpi=DPI if suffix == ".png" else None)
        print(f"wrote {path.relative_to(OUT.parent.parent)}")


def _mlp(sizes: tuple[int, ...]) -> nn.Sequential:
    """Linear + Sigmoid per layer, float64, seeded."""
    layers: list[nn.Module] = []
    for i in range(len(sizes) - 1):
        layers += [nn.Linear(sizes[i], sizes[i + 1], dtype="float64", generator=i), nn.Sigmoid()]
    return nn.Sequential(*layers)


def expression() -> Any:
    """micrograd's first example, L = (a * b + c) * f, after backward."""
    a = mg.tensor(2.0, requires_grad=True)
    b = mg.tensor(-3.0, requires_grad=True)
    c = mg.tensor(10.0, requires_grad=True)
    f = mg.tensor(-2.0)
    a.name, b.name, c.name, f.name = "a", "b", "c", "f"
    e = a * b
    d = e + c
    loss = d * f
    loss.name = "L"
    loss.backward(retain_graph=True)
    return draw_graph(loss, params={"e": e, "d": d}, show_data=True, show_grad=True)


def model_view(x: np.ndarray) -> Any:
    """The classic 4-3-3 sigmoid network, one cluster per module call."""
    return draw_model(_mlp((4, 3, 3)), mg.Tensor(x[:5], dtype=x.dtype, name="x"))


def gradient_flow(x: np.ndarray) -> Any:
    """Six sigmoid layers after backward: the gradient fades on its way back."""
    net = _mlp((4, 4, 4, 4, 4, 4, 4))
    loss = ((net(mg.Tensor(x, dtype=x.dtype, name="x")) - 1.0) ** 2).mean()
    loss.name = "loss"
    loss.backward(retain_graph=True)
    params = dict(net.named_parameters())
    return draw_graph(loss, params=params, show_grad=True, max_values=1, rankdir="TB")


def backprop_labels(x: np.ndarray, y: np.ndarray) -> Any:
    """explain_mlp's BP1-BP4 labels on the graph of a 4-3-3 sigmoid network."""
    net = _mlp((4, 3, 3))
    steps = explain_mlp(net, x, y, cost="quadratic")
    return draw_graph(steps.loss, params=dict(net.named_parameters()), explain=steps)


def iris_example() -> None:
    """The README's pictures: the Iris example's own --graph and --plot output."""
    spec = importlib.util.spec_from_file_location("iris_mlp", ROOT / "examples" / "iris_mlp.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["iris_mlp"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    graph, curves = OUT / "iris_graph.svg", OUT / "iris_curves.png"
    module.main(
        ["--config", "classic", "--graph", str(graph), "--plot", str(curves), "--no-progress"]
    )
    print(f"wrote {graph.relative_to(ROOT)}\nwrote {curves.relative_to(ROOT)}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 4)), rng.uniform(size=(8, 3))
    _write(expression(), "expression")
    _write(model_view(x), "model")
    _write(gradient_flow(x), "gradient_flow")
    _write(backprop_labels(x, y), "backprop_labels")
    iris_example()


if __name__ == "__main__":
    main()
