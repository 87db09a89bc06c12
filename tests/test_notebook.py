"""examples/tour.ipynb runs from top to bottom in a fresh kernel, and is committed clean."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "tour.ipynb"


def test_tour_is_committed_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.needs_dot  # the tour draws graphs inline: without Graphviz it is skipped whole
def test_tour_runs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend draws the plot
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) >= 5  # the drawings display inline
    assert "dL/da = 6.0" in text and "dL/db = -4.0" in text
    assert text.count("True\n") >= 2  # both gradchecks pass
    assert "δ² = ∂C/∂z² (BP1)" in text and "checked against minigrad.reference" in text
    assert "test accuracy after" in text
    assert "grad_layer0_weight" in text and "(BP4)" in text and "(BP1)" in text  # the listing
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the training curves
    assert not list(tmp_path.iterdir())  # the tour writes no files
