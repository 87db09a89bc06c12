"""Drawings display inline in Jupyter as SVG, and without `dot` as a message and DOT source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import minigrad as mg
from minigrad.viz import draw_graph, draw_model

pytest.importorskip("graphviz")


def _drawing():  # type: ignore[no-untyped-def]
    a = mg.tensor(2.0, requires_grad=True)
    return draw_graph((a * a + 1.0).sigmoid())


def test_without_dot_a_drawing_shows_what_to_install_and_its_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no dot anywhere
    bundle = _drawing()._repr_mimebundle_()
    assert set(bundle) == {"text/plain"}
    text = bundle["text/plain"]
    assert "'dot' program" in text and "apt install graphviz" in text
    assert "digraph minigrad {" in text and "Sigmoid" in text


def test_model_drawings_fall_back_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    model = mg.nn.Sequential(mg.nn.Linear(2, 2), mg.nn.ReLU())
    bundle = draw_model(model, mg.randn(1, 2))._repr_mimebundle_()
    assert "digraph" in bundle["text/plain"]


def test_with_dot_a_drawing_is_inline_svg() -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot program is not installed (Debian: apt-get install graphviz)")
    bundle = _drawing()._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith(("<?xml", "<svg"))
