"""What a Timer measures and how it is summarised: ``TaskSpec``, ``Measurement`` and the
formatting helpers, as in ``torch.utils.benchmark.utils.common``."""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import math
import textwrap
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from ... import runtime

__all__ = [
    "Measurement",
    "TaskSpec",
    "ordered_unique",
    "select_unit",
    "set_torch_threads",
    "trim_sigfig",
    "unit_to_english",
]

_MAX_SIGNIFICANT_FIGURES = 4
_MIN_CONFIDENCE_INTERVAL = 25e-9  # 25 ns
# PyTorch's thresholds for a suspect spread: IQR / median above 10% warns, above 25% warns more.
_IQR_WARN_THRESHOLD = 0.1
_IQR_GROSS_WARN_THRESHOLD = 0.25


def log10_float32(x: float) -> float:
    """log10 of ``x`` as PyTorch computes it on a Python float (a float32 tensor): ``x`` and
    the result rounded to float32, so that unit and digit choices agree with PyTorch's at the
    edges (log10 of 1e-6 is -6.0, where NumPy's float32 log10 gives one unit less)."""
    return float(np.float32(math.log10(abs(float(np.float32(x))))))


@dataclasses.dataclass(init=True, repr=False, eq=True, frozen=True)
class TaskSpec:
    """What a Timer runs and how it is labelled (everything but its globals). Frozen and
    hashable: ``Measurement.merge`` groups replicates by it."""

    stmt: str
    setup: str
    global_setup: str = ""
    label: str | None = None
    sub_label: str | None = None
    description: str | None = None
    env: str | None = None
    num_threads: int = 1

    @property
    def title(self) -> str:
        """The label (else the one-line stmt), with the sub_label after a colon."""
        sub = f": {self.sub_label}" if self.sub_label else ""
        if self.label is not None:
            return self.label + sub
        if "\n" not in self.stmt:
            return self.stmt + sub
        paren = f" ({self.sub_label})" if self.sub_label else ""
        return f"stmt:{paren}\n{textwrap.indent(self.stmt, '  ')}"

    def setup_str(self) -> str:
        if self.setup == "pass" or not self.setup:
            return ""
        if "\n" in self.setup:
            return f"setup:\n{textwrap.indent(self.setup, '  ')}"
        return f"setup: {self.setup}"

    def summarize(self) -> str:
        """The lines a Measurement's repr shows above its numbers."""
        sections = [self.title, self.description or "", self.setup_str()]
        return "\n".join(f"{s}\n" if "\n" in s else s for s in sections if s)


_TASKSPEC_FIELDS = tuple(f.name for f in dataclasses.fields(TaskSpec))


@dataclasses.dataclass(init=True, repr=False)
class Measurement:
    """The result of a Timer measurement: ``raw_times`` (seconds per block of
    ``number_per_run`` runs) and the TaskSpec. A plain dataclass, so it pickles; the
    statistics (``median``, ``mean``, ``iqr``) are per run and computed when first read.
    The TaskSpec's fields (``label``, ``stmt``, ``num_threads``...) read through it."""

    number_per_run: int
    raw_times: list[float]
    task_spec: TaskSpec
    metadata: dict[Any, Any] | None = None  # reserved for the user's payload

    def __post_init__(self) -> None:
        self._sorted_times: tuple[float, ...] = ()
        self._warnings: tuple[str, ...] = ()
        self._median = self._mean = self._p25 = self._p75 = -1.0

    def __getattr__(self, name: str) -> Any:
        # only called for names not found normally: forward the TaskSpec's fields
        if name in _TASKSPEC_FIELDS:
            return getattr(self.task_spec, name)
        return super().__getattribute__(name)

    @property
    def times(self) -> list[float]:
        """Seconds per run: each raw time divided by ``number_per_run``."""
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def median(self) -> float:
        self._lazy_init()
        return self._median

    @property
    def mean(self) -> float:
        self._lazy_init()
        return self._mean

    @property
    def iqr(self) -> float:
        """The interquartile range (75th minus 25th percentile, linear interpolation)."""
        self._lazy_init()
        return self._p75 - self._p25

    @property
    def significant_figures(self) -> int:
        """A rough number of trustworthy digits (1 to 4), from the middle half of the times:
        log10(median / max(1.645 * std / sqrt(n), 25 ns)), floored. ``Compare`` trims to it."""
        self._lazy_init()
        n_total = len(self._sorted_times)
        middle = self._sorted_times[n_total // 4 : math.ceil(3 * n_total / 4)]
        # float32 where PyTorch computes in float32 (its default dtype), to round as it does
        std = float(np.std(np.asarray(middle, dtype=np.float32)))
        interval = max(1.645 * std / math.sqrt(len(middle)), _MIN_CONFIDENCE_INTERVAL)
        figures = math.floor(log10_float32(self._median / interval))
        return min(max(figures, 1), _MAX_SIGNIFICANT_FIGURES)

    @property
    def has_warnings(self) -> bool:
        self._lazy_init()
        return bool(self._warnings)

    def _lazy_init(self) -> None:
        if not self.raw_times or self._sorted_times:
            return
        self._sorted_times = tuple(sorted(self.times))
        times = np.asarray(self._sorted_times, dtype=np.float64)
        self._median = float(np.quantile(times, 0.5))
        self._mean = float(np.mean(times))
        self._p25 = float(np.quantile(times, 0.25))
        self._p75 = float(np.quantile(times, 0.75))
        if not self.meets_confidence(_IQR_GROSS_WARN_THRESHOLD):
            self._add_warning("This suggests significant environmental influence.")
        elif not self.meets_confidence(_IQR_WARN_THRESHOLD):
            self._add_warning("This could indicate system fluctuation.")

    def _add_warning(self, msg: str) -> None:
        rel_iqr = self.iqr / self.median * 100
        self._warnings += (
            f"  WARNING: Interquartile range is {rel_iqr:.1f}% "
            f"of the median measurement.\n           {msg}",
        )

    def meets_confidence(self, threshold: float = _IQR_WARN_THRESHOLD) -> bool:
        """Whether IQR / median is below ``threshold``."""
        return self.iqr / self.median < threshold

    @property
    def title(self) -> str:
        return self.task_spec.title

    @property
    def env(self) -> str:
        return "Unspecified env" if self.task_spec.env is None else self.task_spec.env

    @property
    def as_row_name(self) -> str:
        """The row of this measurement in a ``Compare`` table."""
        return self.sub_label or self.stmt or "[Unknown]"

    def __repr__(self) -> str:
        """PyTorch's summary, e.g. ::

        <minigrad.utils.benchmark.common.Measurement object at 0x7f395b6ac110>
        Broadcasting add (4x8)
          Median: 5.73 us
          IQR:    2.25 us (4.01 to 6.26)
          372 measurements, 100 runs per measurement, 1 thread
          WARNING: Interquartile range is 39.4% of the median measurement.
                   This suggests significant environmental influence.
        """
        self._lazy_init()
        n = len(self._sorted_times)
        unit, scale = select_unit(self._median)
        lines = [object.__repr__(self), self.task_spec.summarize()]
        lines.append(f"  {'Median: ' if n > 1 else ''}{self._median / scale:.2f} {unit}")
        if n >= 4:
            lines.append(
                f"  IQR:    {self.iqr / scale:.2f} {unit} "
                f"({self._p25 / scale:.2f} to {self._p75 / scale:.2f})"
            )
        # PyTorch's words, including the space before the comma of a single measurement
        per = "per measurement," if n > 1 else ","
        threads = f"{self.num_threads} thread{'s' if self.num_threads > 1 else ''}"
        lines.append(
            f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs {per} {threads}"
        )
        lines.extend(self._warnings)
        return "\n".join(lines).strip()

    @staticmethod
    def merge(measurements: Iterable[Measurement]) -> list[Measurement]:
        """Merge replicates of the same TaskSpec into one Measurement each, in first-seen
        order; times are extrapolated to ``number_per_run=1`` and metadata is dropped (it may
        differ between replicates)."""
        groups: dict[TaskSpec, list[float]] = collections.defaultdict(list)
        for m in measurements:
            groups[m.task_spec].extend(m.times)
        return [
            Measurement(number_per_run=1, raw_times=times, task_spec=spec, metadata=None)
            for spec, times in groups.items()
        ]


def select_unit(t: float) -> tuple[str, float]:
    """The unit that puts ``t`` seconds at 1 to 999: ``("us", 1e-6)`` for 3e-5."""
    exponent = int(log10_float32(t) // 3)
    unit = {-3: "ns", -2: "us", -1: "ms"}.get(exponent, "s")
    return unit, {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[unit]


def unit_to_english(u: str) -> str:
    return {"ns": "nanosecond", "us": "microsecond", "ms": "millisecond", "s": "second"}[u]


def trim_sigfig(x: float, n: int) -> float:
    """``x`` rounded to ``n`` significant figures (3.14159, 2 -> 3.1), as PyTorch rounds it
    (half to even, in float32)."""
    if n != int(n):
        raise AssertionError("Number of significant figures must be an integer")
    magnitude = math.ceil(log10_float32(x))
    scale = 10 ** (magnitude - n)
    return float(np.round(np.float32(x / scale)) * np.float32(scale))


def ordered_unique(elements: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(elements))


@contextlib.contextmanager
def set_torch_threads(n: int) -> Iterator[None]:
    """Within the block, NumPy's BLAS uses ``n`` threads and ``minigrad.get_num_threads()``
    says ``n``; both are restored after. This needs threadpoolctl (minigrad's way to set BLAS
    threads, see ``minigrad.set_num_threads``); without it nothing can change the BLAS threads
    of a running process, so the block runs as it is and ``n`` is only reported."""
    with runtime.blas_threads(n):
        yield
