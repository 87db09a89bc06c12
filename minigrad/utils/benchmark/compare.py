"""``Compare``: many Measurements as PyTorch's text tables, one per label, with rows by
sub_label (else stmt) and thread count, columns by description."""

from __future__ import annotations

import collections
import enum
import itertools
import math
from typing import Any

from .common import (
    Measurement,
    log10_float32,
    ordered_unique,
    select_unit,
    trim_sigfig,
    unit_to_english,
)

__all__ = ["Colorize", "Compare"]

# ANSI colours, PyTorch's: best within 1% (or 100 ns), good within 10%, bad from 2x, very bad 5x
BEST = "\033[92m"
GOOD = "\033[34m"
BAD = "\033[2m\033[91m"
VERY_BAD = "\033[31m"
BOLD = "\033[1m"
TERMINATE = "\033[0m"


class Colorize(enum.Enum):
    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


def _leading_digits(x: float) -> int:
    return math.ceil(log10_float32(x))


class _Column:
    """One column's number format: wide enough for its largest value; with trimming, as
    many decimals as its least precise entry allows, else one."""

    def __init__(
        self,
        grouped_results: list[tuple[Measurement | None, ...]],
        time_scale: float,
        trim_significant_figures: bool,
        highlight_warnings: bool,
    ) -> None:
        self._grouped_results = grouped_results
        flat = [m for m in itertools.chain.from_iterable(grouped_results) if m is not None]
        self._trim = trim_significant_figures
        self._highlight = highlight_warnings and any(m.has_warnings for m in flat)
        digits = [_leading_digits(m.median / time_scale) for m in flat]
        unit_digits = max(digits)
        decimal_digits = 1
        if self._trim:
            decimal_digits = min(
                max(m.significant_figures - d, 0) for d, m in zip(digits, flat, strict=True)
            )
        length = unit_digits + decimal_digits + (1 if decimal_digits else 0)
        self._template = f"{{:>{length}.{decimal_digits}f}}{{:>{7 if self._highlight else 0}}}"

    def get_results_for(self, group: int) -> tuple[Measurement | None, ...]:
        return self._grouped_results[group]

    def num_to_str(self, value: float | None, estimated_sigfigs: int, spread: float | None) -> str:
        if value is None:
            return " " * len(self.num_to_str(1, estimated_sigfigs, None))
        if self._trim:
            value = trim_sigfig(value, estimated_sigfigs)
        flag = f" (! {spread * 100:.0f}%)" if self._highlight and spread is not None else ""
        return self._template.format(value, flag)


class _Row:
    """One row: its measurements (None where a column has none), its name, and the
    "N threads: ----" separator above it when the thread count changes."""

    def __init__(
        self,
        results: list[Measurement | None],
        row_group: int,
        render_env: bool,
        env_str_len: int,
        time_scale: float,
        colorize: Colorize,
        num_threads: int | None,
    ) -> None:
        self._results = results
        self._row_group = row_group
        self._render_env = render_env
        self._env_str_len = env_str_len
        self._time_scale = time_scale
        self._colorize = colorize
        self._num_threads = num_threads
        self._columns: tuple[_Column, ...] = ()

    def as_column_strings(self) -> list[str]:
        first = next(r for r in self._results if r is not None)
        env = (f"({first.env})" if self._render_env else "").ljust(self._env_str_len + 4)
        output = ["  " + env + first.as_row_name]
        for m, col in zip(self._results, self._columns, strict=False):
            if m is None:
                output.append(col.num_to_str(None, 1, None))
            else:
                spread = m.iqr / m.median if m.has_warnings else None
                output.append(
                    col.num_to_str(m.median / self._time_scale, m.significant_figures, spread)
                )
        return output

    @staticmethod
    def color_segment(segment: str, value: float, best_value: float) -> str:
        if value <= best_value * 1.01 or value <= best_value + 100e-9:
            return BEST + BOLD + segment + TERMINATE * 2
        if value <= best_value * 1.1:
            return GOOD + BOLD + segment + TERMINATE * 2
        if value >= best_value * 5:
            return VERY_BAD + BOLD + segment + TERMINATE * 2
        if value >= best_value * 2:
            return BAD + segment + TERMINATE * 2
        return segment

    def row_separator(self, overall_width: int) -> list[str]:
        if self._num_threads is None:
            return []
        return [f"{self._num_threads} threads: ".ljust(overall_width, "-")]

    def finalize_column_strings(
        self, column_strings: list[str], col_widths: list[int]
    ) -> list[str]:
        best: list[float | None] = [-1.0] * len(column_strings)
        if self._colorize == Colorize.ROWWISE:
            row_min = min(r.median for r in self._results if r is not None)
            best = [row_min] * len(column_strings)
        elif self._colorize == Colorize.COLUMNWISE:
            best = []
            for column in self._columns:
                medians = [r.median for r in column.get_results_for(self._row_group) if r]
                best.append(min(medians) if medians else None)
        contents = [column_strings[0].ljust(col_widths[0])]
        cells = zip(column_strings[1:], col_widths[1:], self._results, best, strict=False)
        for text, width, result, best_value in cells:
            text = text.center(width)
            if self._colorize != Colorize.NONE and result is not None and best_value is not None:
                text = self.color_segment(text, result.median, best_value)
            contents.append(text)
        return contents


class _Table:
    """The table of one label: rows sorted by (threads, env), keeping stmt order within."""

    def __init__(
        self,
        results: list[Measurement],
        colorize: Colorize,
        trim_significant_figures: bool,
        highlight_warnings: bool,
    ) -> None:
        self.results = results
        self._colorize = colorize
        self._trim = trim_significant_figures
        self._highlight = highlight_warnings
        self.label = results[0].label
        self.time_unit, self.time_scale = select_unit(min(r.median for r in results))
        self.row_keys = ordered_unique(self.row_fn(r) for r in results)
        self.row_keys.sort(key=lambda key: key[:2])  # a stable sort: stmt order is kept
        self.column_keys = ordered_unique(r.description for r in results)
        self.rows = self._populate()

    @staticmethod
    def row_fn(m: Measurement) -> tuple[int, str, str]:
        return m.num_threads, m.env, m.as_row_name

    def _populate(self) -> tuple[_Row, ...]:
        cells: list[list[Measurement | None]] = [
            [None] * len(self.column_keys) for _ in self.row_keys
        ]
        row_at = {key: i for i, key in enumerate(self.row_keys)}
        col_at = {key: j for j, key in enumerate(self.column_keys)}
        for r in self.results:
            cells[row_at[self.row_fn(r)]][col_at[r.description]] = r

        envs = {r.env for r in self.results}
        render_env = len(envs) > 1
        env_str_len = max(len(e) for e in envs) if render_env else 0

        rows: list[_Row] = []
        groups: list[list[list[Measurement | None]]] = []
        prior_threads, prior_env = -1, ""
        for (num_threads, env, _), row in zip(self.row_keys, cells, strict=True):
            new_group = num_threads != prior_threads
            if new_group:
                prior_threads, prior_env = num_threads, ""
                groups.append([])
            rows.append(
                _Row(
                    results=row,
                    row_group=len(groups) - 1,
                    render_env=render_env and env != prior_env,
                    env_str_len=env_str_len,
                    time_scale=self.time_scale,
                    colorize=self._colorize,
                    num_threads=num_threads if new_group else None,
                )
            )
            groups[-1].append(row)
            prior_env = env

        columns = tuple(
            _Column(
                grouped_results=[tuple(row[j] for row in g) for g in groups],
                time_scale=self.time_scale,
                trim_significant_figures=self._trim,
                highlight_warnings=self._highlight,
            )
            for j in range(len(self.column_keys))
        )
        for made in rows:
            made._columns = columns
        return tuple(rows)

    def render(self) -> str:
        # PyTorch fails on a measurement without a description (len(None)); its column is ""
        string_rows = [["", *("" if k is None else str(k) for k in self.column_keys)]]
        string_rows.extend(r.as_column_strings() for r in self.rows)
        num_cols = max(len(sr) for sr in string_rows)
        for sr in string_rows:
            sr.extend([""] * (num_cols - len(sr)))
        col_widths = [max(len(s) for s in col) for col in zip(*string_rows, strict=True)]
        header = "  |  ".join(s.center(w) for s, w in zip(string_rows[0], col_widths, strict=True))
        lines = [header]
        overall_width = len(header)
        for string_row, row in zip(string_rows[1:], self.rows, strict=True):
            lines.extend(row.row_separator(overall_width))
            lines.append("  |  ".join(row.finalize_column_strings(string_row, col_widths)))
        has_warnings = self._highlight and any(r.has_warnings for r in self.results)
        title = f"[{(' ' + (self.label or '') + ' ').center(overall_width - 2, '-')}]"
        text = f"{title}\n" + "\n".join(lines)
        text += f"\n\nTimes are in {unit_to_english(self.time_unit)}s ({self.time_unit}).\n"
        if has_warnings:
            text += "(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n"
        return text


class Compare:
    """PyTorch's table of many Measurements: one table per label, a row per sub_label (else
    stmt) and thread count, a column per description; replicates of the same task are merged.
    Print it with ``print()`` or ``str()``.

    Args:
        results: the Measurements to show.

    Raises:
        ValueError: if an element is not a Measurement (PyTorch's error).
    """

    def __init__(self, results: list[Measurement]) -> None:
        self._results: list[Measurement] = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def __str__(self) -> str:
        return "\n".join(self._render())

    def extend_results(self, results: Any) -> None:
        """Append Measurements to the ones already held."""
        results = list(results)
        for r in results:
            if not isinstance(r, Measurement):
                raise ValueError(f"Expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self) -> None:
        """Show only each column's significant digits (``Measurement.significant_figures``)."""
        self._trim_significant_figures = True

    def colorize(self, rowwise: bool = False) -> None:
        """Colour each time against the best of its column (or of its row): green the best,
        blue within 10%, red from twice as slow."""
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self) -> None:
        """Mark times whose IQR is large with ``(! XX%)``."""
        self._highlight_warnings = True

    def print(self) -> None:
        print(str(self))

    def _render(self) -> list[str]:
        by_label: dict[str | None, list[Measurement]] = collections.defaultdict(list)
        for r in Measurement.merge(self._results):
            by_label[r.label].append(r)
        return [
            _Table(
                group, self._colorize, self._trim_significant_figures, self._highlight_warnings
            ).render()
            for group in by_label.values()
        ]
