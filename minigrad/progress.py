"""Progress of a training run: tqdm's bar when installed, one line per epoch otherwise.

Where the bar goes depends on where the user is: a terminal gets tqdm's bar on stderr, kept
within the terminal's width; a Jupyter notebook gets tqdm's widget (with ipywidgets) and the
epoch lines as cell output; a log file, a pipe or CI get nothing. The epoch lines (`write`) are
the same everywhere, and a run of many epochs prints about ten of them, not thousands.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from typing import Any, Protocol, TextIO

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

    def close(self) -> Any:
        """Finish the bar (it stays on screen)."""


class _Silent:
    """Draws nothing: ``progress=False``, a log file or pipe, or MINIGRAD_NO_PROGRESS set."""

    def update(self, n: int = 1) -> None:
        pass

    def set_description(self, desc: str, refresh: bool = True) -> None:
        pass

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def write(self, s: str) -> None:
        """Write one line (an epoch line) on the stream."""
        pass

    def close(self) -> None:
        pass


class EpochLines(_Silent):
    """No bar, only the lines written at the end of epochs (used when tqdm is missing)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, s: str) -> None:
        self.stream.write(s + "\n")
        self.stream.flush()


class TqdmBar:
    """tqdm's bar, whose epoch lines go above it on the bar's own stream."""

    def __init__(self, bar: Any, stream: TextIO) -> None:
        self.bar, self.stream = bar, stream

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


def progress_bar(total: int | None, enabled: bool = True) -> ProgressBar:
    """A progress bar for ``total`` steps, suited to where the program runs.

    * a terminal (stderr is a tty): tqdm's bar on stderr, as wide as the terminal; without
      tqdm, only the epoch lines (`write`), on stderr;
    * a Jupyter notebook: tqdm's widget when tqdm and ipywidgets are installed, and the epoch
      lines printed as the cell's output (stdout);
    * anywhere else, with ``enabled=False``, or with MINIGRAD_NO_PROGRESS set: silent.

    Args:
        total: number of steps (batches), or None if unknown.
        enabled: False for a bar that draws nothing.

    Returns:
        An object with tqdm's `update`, `set_description`, `set_postfix_str`, `write`, `close`.
    """
    if not enabled or os.environ.get("MINIGRAD_NO_PROGRESS"):
        return _Silent()
    if in_notebook():
        stream: TextIO = sys.stdout
    else:
        stream = sys.stderr
        isatty = getattr(stream, "isatty", None)
        if not (isatty and isatty()):
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
