"""Training curves: ``plot_history`` draws a ``History``'s loss and accuracy per epoch.

matplotlib is optional (``pip install matplotlib``) and imported only when a plot is made.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import numpy as np

from .._optional import require

__all__ = ["plot_history"]


def plot_history(
    history: Mapping[str, Sequence[float]],
    path: str | os.PathLike[str],
    title: str | None = None,
    size: tuple[float, float] = (10.0, 4.0),
    dpi: int = 100,
) -> str:
    """Draw loss and accuracy curves (train and every evaluation set) to an image file.

    The format follows the suffix (.png, .svg, .pdf...). matplotlib is used through its Agg
    canvas directly, so no window opens and pyplot's global backend is left alone.

    Args:
        history: a `History` (or any dict of per-epoch lists with "*_loss" / "*_accuracy" keys).
        path: output file; its suffix picks the format.
        title: optional figure title.
        size: figure size in inches (PNG pixels = size * dpi).
        dpi: dots per inch for raster formats.

    Returns:
        The path written, as a string.

    Raises:
        ImportError: matplotlib is not installed (`pip install matplotlib`).
        ValueError: the history holds no loss or accuracy values.
    """
    FigureCanvasAgg = require(
        "matplotlib.backends.backend_agg", "plot_history", "matplotlib", "plot"
    ).FigureCanvasAgg
    Figure = require("matplotlib.figure", "plot_history", "matplotlib", "plot").Figure
    losses = {k[: -len("_loss")]: v for k, v in history.items() if k.endswith("_loss") and v}
    accs = {k[: -len("_accuracy")]: v for k, v in history.items() if k.endswith("_accuracy") and v}
    if not losses and not accs:
        raise ValueError(
            f"plot_history: nothing to plot; expected keys ending in _loss or _accuracy, got "
            f"{sorted(history)}"
        )
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    panels = [(label, curves) for label, curves in (("loss", losses), ("accuracy", accs)) if curves]
    for i, (label, curves) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), i + 1)
        for name, values in curves.items():
            ax.plot(np.arange(1, len(values) + 1), values, label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    out = os.fspath(path)
    fig.savefig(out, dpi=dpi)
    return out
