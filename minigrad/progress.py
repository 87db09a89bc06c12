"""Progress of a training run: tqdm's bar when installed, one line per epoch otherwise.

`verbose` has Keras' meaning: 0 silent, 1 a progress bar, 2 one line per epoch, "auto" (the
default) 1. Where the bar goes depends on where the user is: a terminal gets tqdm's bar on
stderr, kept within the terminal's width, with about ten epoch lines above it (a run of 3000
epochs prints 11, not 3000); a Jupyter notebook gets tqdm's widget (with ipywidgets) and the
epoch lines as cell output; without tqdm, or with ``verbose=2``, every epoch gets its line and
nothing else. A log file, a pipe or CI get nothing unless ``verbose=2`` asks for the lines.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from typing import Any, Literal, Protocol, TextIO

__all__ = [
    "EpochLines",
    "ProgressBar",
    "TqdmBar",
    "format_epoch",
    "in_notebook",
    "progress_bar",
    "should_report",
    "terminal_width",
]

Verbosity = Literal["auto", 0, 1, 2] | bool
"""Keras' `verbose`: 0 (or False) silent, 1 (or True, "auto") a progress bar, 2 epoch lines."""

BAR_FORMAT = "{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}{postfix}]"
"""tqdm's layout without the batch rate, so a bar on 80 columns keeps room to show progress."""


class ProgressBar(Protocol):
    """The slice of tqdm's interface that `fit` and custom loops use."""

    def update(self, n: int = 1) -> Any:
        """Advance by ``n`` steps."""

    def set_description(self, desc: str, refresh: bool = True) -> Any:
        """Set the text before the bar."""

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> Any:
        """Set the text after the bar."""

    def write(self, s: str) -> Any:
        """Write one line above the bar."""

    def end_epoch(self, epoch: int, epochs: int, logs: Mapping[str, float]) -> Any:
        """Write the line of epoch (0-based) of ``epochs`` if this bar reports that epoch."""

    def close(self) -> Any:
        """Finish the bar (it stays on screen)."""


class _Silent:
    """Draws nothing: ``verbose=0``, a log file or pipe, or MINIGRAD_NO_PROGRESS set."""

    def update(self, n: int = 1) -> None:
        pass

    def set_description(self, desc: str, refresh: bool = True) -> None:
        pass

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def write(self, s: str) -> None:
        pass

    def end_epoch(self, epoch: int, epochs: int, logs: Mapping[str, float]) -> None:
        """Write the epoch's line when this bar reports it (a silent bar reports none)."""
        if self.reports(epoch, epochs):
            self.write(format_epoch(epoch, epochs, logs, width=terminal_width()))

    def reports(self, epoch: int, epochs: int) -> bool:
        """Whether the epoch gets a line."""
        return False

    def close(self) -> None:
        pass


class EpochLines(_Silent):
    """No bar: one line at the end of every epoch (tqdm missing, or ``verbose=2``)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, s: str) -> None:
        """Write one line on the stream."""
        self.stream.write(s + "\n")
        self.stream.flush()

    def reports(self, epoch: int, epochs: int) -> bool:
        """Every epoch gets a line."""
        return True


class TqdmBar(_Silent):
    """tqdm's bar, with about ten epoch lines above it on the bar's own stream."""

    def __init__(self, bar: Any, stream: TextIO) -> None:
        self.bar, self.stream = bar, stream

    def reports(self, epoch: int, epochs: int) -> bool:
        """About ten epochs get a line: the bar shows the rest."""
        return should_report(epoch, epochs)

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` steps."""
        self.bar.update(n)

    def set_description(self, desc: str, refresh: bool = True) -> None:
        """Set the text before the bar."""
        self.bar.set_description_str(desc, refresh=refresh)

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        """Set the text after the bar."""
        self.bar.set_postfix_str(s, refresh=refresh)

    def write(self, s: str) -> None:
        """Write one line above the bar."""
        self.bar.write(s, file=self.stream)

    def close(self) -> None:
        """Finish the bar (it stays on screen)."""
        self.bar.close()


def in_notebook() -> bool:
    """Whether this code runs in a Jupyter kernel (where stderr is not a terminal)."""
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(shell).__name__ == "ZMQInteractiveShell"


def _tqdm(notebook: bool) -> Any:
    """tqdm's class for this place, or None (tqdm missing; in a notebook, ipywidgets too)."""
    try:
        if notebook:
            import ipywidgets  # noqa: F401  (tqdm's widget needs it; without, plain lines)
            from tqdm.notebook import tqdm
        else:
            from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


def progress_bar(total: int | None, verbose: Verbosity = "auto") -> ProgressBar:
    """A progress bar for ``total`` steps, suited to where the program runs.

    * a terminal (stderr is a tty): tqdm's bar on stderr, as wide as the terminal, and about
      ten epoch lines above it; without tqdm, one line per epoch on stderr;
    * a Jupyter notebook: tqdm's widget when tqdm and ipywidgets are installed, and the epoch
      lines printed as the cell's output (stdout);
    * ``verbose=2``: one line per epoch and no bar, wherever stderr goes (a log file too);
    * anywhere else, with ``verbose=0``, or with MINIGRAD_NO_PROGRESS set: silent.

    Args:
        total: number of steps (batches), or None if unknown.
        verbose: Keras' meaning: 0 (False) silent, 1 (True, "auto") a bar, 2 epoch lines.

    Returns:
        An object with tqdm's `update`, `set_description`, `set_postfix_str`, `write`, `close`,
        and `end_epoch(epoch, epochs, logs)`, which writes the lines this bar reports.

    Raises:
        ValueError: verbose is not "auto", 0, 1 or 2.
    """
    if verbose not in ("auto", 0, 1, 2):
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2 (Keras' meaning), got {verbose!r}")
    if verbose == 0 or os.environ.get("MINIGRAD_NO_PROGRESS"):
        return _Silent()
    stream: TextIO = sys.stdout if in_notebook() else sys.stderr
    if verbose == 2:
        return EpochLines(stream)
    isatty = getattr(stream, "isatty", None)
    if stream is sys.stderr and not (isatty and isatty()):
        return _Silent()
    tqdm = _tqdm(stream is sys.stdout)
    if tqdm is None:
        return EpochLines(stream)
    if stream is sys.stdout:  # the notebook widget sizes itself
        return TqdmBar(tqdm(total=total, unit="batch", bar_format=BAR_FORMAT), stream)
    bar = tqdm(total=total, file=stream, ncols=terminal_width(), bar_format=BAR_FORMAT)
    return TqdmBar(bar, stream)


def should_report(epoch: int, epochs: int, lines: int = 10) -> bool:
    """Whether epoch (0-based) gets a line: the first, the last, and about ``lines`` between."""
    every = max(1, -(-epochs // lines))
    return epoch == 0 or epoch == epochs - 1 or (epoch + 1) % every == 0


def format_epoch(epoch: int, epochs: int, logs: Mapping[str, float], width: int = 0) -> str:
    """One epoch's logs, grouped by set: ``epoch 3/10 · train loss 0.4123 accuracy 91.20% · ...``.

    Accuracies are shown as percentages. With ``width``, groups that would pass it go on
    indented continuation lines rather than being cut.
    """
    groups: dict[str, list[str]] = {}
    for key, value in logs.items():
        if key == "seconds":
            continue
        prefix, _, name = key.partition("_")
        if not name:
            prefix, name = "", key
        shown = f"{100 * value:.2f}%" if name == "accuracy" else f"{value:.4g}"
        groups.setdefault(prefix, []).append(f"{name} {shown}")
    parts = [f"epoch {epoch + 1}/{epochs}"]
    parts += [f"{prefix} {' '.join(items)}".strip() for prefix, items in groups.items()]
    if "seconds" in logs:
        parts.append(f"{logs['seconds']:.2f} s")
    lines = [parts[0]]
    for part in parts[1:]:
        if width and len(lines[-1]) + 3 + len(part) > width:
            lines.append("    " + part)
        else:
            lines[-1] += " · " + part
    return "\n".join(lines)


def terminal_width() -> int:
    """The terminal's width in columns (80 when it cannot be told)."""
    return shutil.get_terminal_size(fallback=(80, 24)).columns
