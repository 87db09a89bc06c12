"""What the profiler recorded and how PyTorch prints it: ``FunctionEvent``, ``EventList``
(``key_averages``, ``table``, ``export_chrome_trace``) and the averages per name.

Pure bookkeeping over plain numbers; ``profiler.py`` records the events. The table is PyTorch's
(``torch.autograd.profiler_util._build_table``): its columns, widths, units and footer, so a
table printed by minigrad reads as PyTorch's. Times are in microseconds, memory in bytes.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from typing import Any

US_IN_MS = 1000.0
US_IN_SECOND = 1000.0 * 1000.0


def _format_time(time_us: float) -> str:
    """PyTorch's time format: seconds, milliseconds or microseconds, three decimals."""
    if time_us >= US_IN_SECOND:
        return f"{time_us / US_IN_SECOND:.3f}s"
    if time_us >= US_IN_MS:
        return f"{time_us / US_IN_MS:.3f}ms"
    return f"{time_us:.3f}us"


def _format_time_share(time_us: float, total_time_us: float) -> str:
    if total_time_us == 0:
        return "NaN"
    return f"{time_us * 100.0 / total_time_us:.2f}%"


def _format_memory(nbytes: int) -> str:
    """PyTorch's memory format: GB, MB, KB (two decimals) or bytes."""
    kb = 1024
    mb = 1024 * kb
    gb = 1024 * mb
    if abs(nbytes) >= gb:
        return f"{nbytes * 1.0 / gb:.2f} GB"
    if abs(nbytes) >= mb:
        return f"{nbytes * 1.0 / mb:.2f} MB"
    if abs(nbytes) >= kb:
        return f"{nbytes * 1.0 / kb:.2f} KB"
    return str(nbytes) + " B"


class Interval:
    """The start and end of an event, in microseconds since the profiler started."""

    def __init__(self, start: float = 0.0, end: float = 0.0) -> None:
        self.start, self.end = start, end

    def elapsed_us(self) -> float:
        return self.end - self.start


class _Times:
    """The formatted times and per-call average shared by an event and an average."""

    cpu_time_total: float
    self_cpu_time_total: float
    count: int
    # Nothing runs on a device here: PyTorch's CPU-only build has these at 0 too, and the table
    # shows no device column (sort_by="cuda_time_total" works, as in PyTorch, on zeros).
    device_time_total = 0.0
    self_device_time_total = 0.0
    cuda_time_total = 0.0
    self_cuda_time_total = 0.0
    device_memory_usage = 0
    self_device_memory_usage = 0
    use_device: str | None = None
    is_async = False
    is_remote = False
    is_legacy = False
    node_id = -1
    overload_name = ""

    @property
    def cpu_time(self) -> float:
        """The average time per call, in microseconds."""
        return 0.0 if self.count == 0 else self.cpu_time_total / self.count

    @property
    def cpu_time_str(self) -> str:
        return _format_time(self.cpu_time)

    @property
    def cpu_time_total_str(self) -> str:
        return _format_time(self.cpu_time_total)

    @property
    def self_cpu_time_total_str(self) -> str:
        return _format_time(self.self_cpu_time_total)


class FunctionEvent(_Times):
    """One call of an op, an autograd node or a ``record_function`` range.

    ``input_shapes`` holds the inputs' shapes (``record_shapes=True``); ``cpu_memory_usage`` the
    bytes of arrays allocated by the call and its children (``profile_memory=True``);
    ``stack`` the user code's frames, innermost first (``with_stack=True``); ``flops`` the
    floating-point operations of a matrix product or convolution (``with_flops=True``).
    """

    def __init__(
        self,
        id: int,
        name: str,
        start_us: float,
        input_shapes: list[list[int]] | None = None,
        stack: list[str] | None = None,
        is_user_annotation: bool = False,
        thread: int = 0,
    ) -> None:
        self.id = id
        self.name = name
        self.time_range = Interval(start_us, start_us)
        self.input_shapes = input_shapes if input_shapes is not None else []
        self.stack = stack if stack is not None else []
        self.is_user_annotation = is_user_annotation
        self.thread = thread
        self.cpu_children: list[FunctionEvent] = []
        self.cpu_parent: FunctionEvent | None = None
        self.count = 1
        self.flops = 0
        self.allocated = 0  # bytes this call allocated itself (children not included)
        self.device_type = "CPU"

    @property
    def key(self) -> str:
        """What averages group by: the name."""
        return self.name

    @property
    def cpu_time_total(self) -> float:  # type: ignore[override]
        """Microseconds from start to end, children included."""
        return self.time_range.elapsed_us()

    @property
    def self_cpu_time_total(self) -> float:  # type: ignore[override]
        """Microseconds spent in this call and not in its children."""
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_memory_usage(self) -> int:
        """Bytes allocated by this call and its children."""
        return self.allocated + sum(c.cpu_memory_usage for c in self.cpu_children)

    @property
    def self_cpu_memory_usage(self) -> int:
        """Bytes allocated by this call itself."""
        return self.allocated

    def __repr__(self) -> str:
        return (
            f"<FunctionEvent id={self.id} name={self.name} cpu_time={self.cpu_time_str} "
            f"start_us={self.time_range.start:.3f} end_us={self.time_range.end:.3f} "
            f"cpu_children={[c.id for c in self.cpu_children]} "
            f"input_shapes={self.input_shapes} cpu_memory_usage={self.cpu_memory_usage}>"
        )


class FunctionEventAvg(_Times):
    """The events of one name (and input shapes, or stack, when grouped by them), summed."""

    def __init__(self) -> None:
        self.key: str | None = None
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.input_shapes: list[list[int]] | None = None
        self.stack: list[str] | None = None
        self.flops = 0
        self.is_user_annotation = False
        self.cpu_parent: FunctionEvent | None = None

    def add(self, other: FunctionEvent | FunctionEventAvg) -> FunctionEventAvg:
        if self.key is None:
            self.key = other.key
            self.input_shapes = other.input_shapes
            self.stack = other.stack
            self.is_user_annotation = other.is_user_annotation
            self.cpu_parent = other.cpu_parent
        self.count += other.count
        self.cpu_time_total += other.cpu_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.cpu_memory_usage += other.cpu_memory_usage
        self.self_cpu_memory_usage += other.self_cpu_memory_usage
        self.flops += other.flops
        return self

    def __iadd__(self, other: FunctionEvent | FunctionEventAvg) -> FunctionEventAvg:
        return self.add(other)

    def __repr__(self) -> str:
        return (
            f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total_str} "
            f"cpu_time={self.cpu_time_str} input_shapes={self.input_shapes} "
            f"cpu_memory_usage={self.cpu_memory_usage}>"
        )


class EventList(list[Any]):
    """A list of events (or of averages) with PyTorch's summaries."""

    def __init__(
        self,
        events: Iterable[Any] = (),
        profile_memory: bool = False,
        with_flops: bool = False,
        base_time_ns: int = 0,
        use_device: str | None = None,
    ) -> None:
        super().__init__(events)
        self._profile_memory = profile_memory
        self._with_flops = with_flops
        self._base_time_ns = base_time_ns
        self._use_device = use_device

    @property
    def self_cpu_time_total(self) -> float:
        """The self time of every event, summed (microseconds): the table's footer."""
        return sum(e.self_cpu_time_total for e in self)

    def key_averages(
        self,
        group_by_input_shapes: bool = False,
        group_by_stack_n: int = 0,
        group_by_overload_name: bool = False,
    ) -> EventList:
        """The events averaged per name (and per input shapes, and per the first
        ``group_by_stack_n`` frames of their stack, when asked), in order of first call."""
        stats: dict[tuple[Any, ...], FunctionEventAvg] = {}
        for evt in self:
            key: tuple[Any, ...] = (evt.key,)
            if group_by_input_shapes:
                key += (str(evt.input_shapes),)
            if group_by_stack_n > 0:
                key += tuple(evt.stack[:group_by_stack_n])
            if key not in stats:
                stats[key] = FunctionEventAvg()
            stats[key].add(evt)
        averages = EventList(
            stats.values(), self._profile_memory, self._with_flops, self._base_time_ns
        )
        for avg in averages:
            avg.stack = avg.stack[:group_by_stack_n] if avg.stack else []
            if not group_by_input_shapes:
                avg.input_shapes = ""
        return averages

    def total_average(self) -> FunctionEventAvg:
        """Every event summed into one average (its key is ``Total``)."""
        total = FunctionEventAvg()
        for evt in self:
            total.add(evt)
            total.key = None
        total.key = "Total"
        return total

    def table(
        self,
        sort_by: str | None = None,
        row_limit: int = 100,
        max_src_column_width: int = 75,
        max_name_column_width: int = 55,
        max_shapes_column_width: int = 80,
        header: str | None = None,
        top_level_events_only: bool = False,
        time_unit: str | None = None,
    ) -> str:
        """PyTorch's table of the events: one row each (sorted by ``sort_by``, an attribute
        such as ``"cpu_time_total"`` or ``"self_cpu_memory_usage"``, largest first), and the
        total self CPU time below."""
        return _build_table(
            self,
            sort_by=sort_by,
            row_limit=row_limit,
            max_src_column_width=max_src_column_width,
            max_name_column_width=max_name_column_width,
            max_shapes_column_width=max_shapes_column_width,
            header=header,
            profile_memory=self._profile_memory,
            with_flops=self._with_flops,
            top_level_events_only=top_level_events_only,
            time_unit=time_unit,
        )

    def __str__(self) -> str:
        return self.table()

    def export_chrome_trace(self, path: str | os.PathLike[str]) -> None:
        """Write the events as a Chrome trace (chrome://tracing, Perfetto): JSON whose
        ``traceEvents`` are complete events (``"ph": "X"``) with ``ts`` and ``dur`` in
        microseconds."""
        pid = os.getpid()
        base_us = self._base_time_ns / 1000.0
        trace: list[dict[str, Any]] = [
            {"ph": "M", "name": "process_name", "ts": base_us, "pid": pid, "tid": 0,
             "args": {"name": "python"}},
            {"ph": "M", "name": "process_labels", "ts": base_us, "pid": pid, "tid": 0,
             "args": {"labels": "CPU"}},
        ]  # fmt: skip
        for evt in self:
            args: dict[str, Any] = {"External id": evt.id}
            if evt.input_shapes:
                args["Input Dims"] = evt.input_shapes
            if evt.flops:
                args["flops"] = evt.flops
            if evt.stack:
                args["stack"] = list(evt.stack)
            trace.append(
                {
                    "ph": "X",
                    "cat": "user_annotation" if evt.is_user_annotation else "cpu_op",
                    "name": evt.name,
                    "pid": pid,
                    "tid": evt.thread,
                    "ts": base_us + evt.time_range.start,
                    "dur": evt.cpu_time_total,
                    "args": args,
                }
            )
        document = {
            "schemaVersion": 1,
            "deviceProperties": [],
            "displayTimeUnit": "ms",
            "baseTimeNanoseconds": self._base_time_ns,
            "traceEvents": trace,
            "traceName": os.fspath(path),
        }
        with open(path, "w") as f:
            json.dump(document, f)


def _build_table(
    events: EventList,
    sort_by: str | None,
    header: str | None,
    row_limit: int,
    max_src_column_width: int,
    max_name_column_width: int,
    max_shapes_column_width: int,
    with_flops: bool,
    profile_memory: bool,
    top_level_events_only: bool,
    time_unit: str | None,
) -> str:
    """PyTorch's table (``profiler_util._build_table``) for events on the CPU."""
    if len(events) == 0:
        return ""
    has_input_shapes = any(evt.input_shapes for evt in events)
    if sort_by is not None:
        # (PyTorch reads "cuda" and other device names in sort_by as "device")
        attr = sort_by.replace("cuda", "device").replace("xpu", "device")
        events = EventList(
            sorted(events, key=lambda evt: getattr(evt, attr), reverse=True),
            profile_memory,
            with_flops,
        )
    name_column_width = max(len(evt.key) for evt in events) + 4
    if max_name_column_width is not None:
        name_column_width = min(name_column_width, max_name_column_width)
    shapes_column_width = max(len(str(evt.input_shapes)) for evt in events) + 4
    if max_shapes_column_width is not None:
        shapes_column_width = min(shapes_column_width, max_shapes_column_width)
    column_width = 12
    stacks = [evt.stack for evt in events if evt.stack]
    src_column_width = 0
    if stacks:
        src_column_width = max(max(len(entry) for entry in stack) for stack in stacks) + 4
        if max_src_column_width is not None:
            src_column_width = min(src_column_width, max_src_column_width)

    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if profile_memory:
        headers += ["CPU Mem", "Self CPU Mem"]
    headers.append("# of Calls")

    row_format, header_sep, line_length = "", "", -2

    def add_column(padding: int, text_dir: str = ">") -> None:
        nonlocal row_format, header_sep, line_length
        row_format += "{: " + text_dir + str(padding) + "}" + "  "
        header_sep += "-" * padding + "  "
        line_length += padding + 2

    add_column(name_column_width)
    for _ in headers[1:]:
        add_column(column_width)
    if has_input_shapes:
        headers.append("Input Shapes")
        add_column(shapes_column_width)
    if stacks:
        headers.append("Source Location")
        add_column(src_column_width, text_dir="<")
    flops_scale, flops_header = 1.0, ""
    if with_flops:
        raw_flops = [evt.flops for evt in events if evt.flops > 0]
        if raw_flops:
            flops_scale, flops_header = _auto_scale_flops(min(raw_flops))
            headers.append(f"Total {flops_header}")
            add_column(column_width)
        else:
            with_flops = False

    result: list[str] = []

    def append(s: str) -> None:
        result.append(s)
        result.append("\n")

    total = sum(evt.self_cpu_time_total for evt in events)

    def timed(time_us: float) -> str:
        if time_unit == "s":
            return f"{time_us / US_IN_SECOND:.3f}s"
        if time_unit == "ms":
            return f"{time_us / US_IN_MS:.3f}ms"
        if time_unit == "us":
            return f"{time_us:.3f}us"
        return _format_time(time_us)

    def trim_path(path: str) -> str:
        if len(path) > src_column_width:
            path = path[len(path) - src_column_width :]
            if len(path) > 3:
                path = "..." + path[3:]
        return path

    if header is not None:
        append("=" * line_length)
        append(header)
    if top_level_events_only:
        append("=" * line_length)
        append("This report only display top-level ops statistics")
    append(header_sep)
    append(row_format.format(*headers))
    append(header_sep)
    shown = 0
    for evt in events:
        if shown == row_limit:
            break
        if top_level_events_only and evt.cpu_parent is not None:
            continue
        shown += 1
        name = evt.key
        if max_name_column_width is not None and len(name) >= max_name_column_width - 3:
            name = name[: (max_name_column_width - 3)] + "..."
        row: list[Any] = [
            name,
            _format_time_share(evt.self_cpu_time_total, total),
            timed(evt.self_cpu_time_total),
            _format_time_share(evt.cpu_time_total, total),
            timed(evt.cpu_time_total),
            timed(evt.cpu_time),
        ]
        if profile_memory:
            row += [_format_memory(evt.cpu_memory_usage), _format_memory(evt.self_cpu_memory_usage)]
        row.append(evt.count)
        if has_input_shapes:
            row.append(str(evt.input_shapes)[:shapes_column_width])
        if stacks:
            row.append(trim_path(evt.stack[0]) if evt.stack else "")
        if with_flops:
            row.append("--" if evt.flops <= 0 else f"{evt.flops * flops_scale:8.3f}")
        append(row_format.format(*row))
        if stacks:
            empty = [""] * (len(headers) - 1)
            for entry in (evt.stack or [])[1:]:
                append(row_format.format(*empty, trim_path(entry)))
            append(row_format.format(*empty, ""))
    append(header_sep)
    append(f"Self CPU time total: {timed(total)}")
    return "".join(result)


def _auto_scale_flops(flops: int) -> tuple[float, str]:
    names = ["FLOPs", "KFLOPs", "MFLOPs", "GFLOPs", "TFLOPs", "PFLOPs"]
    log_flops = max(0.0, min(math.log10(flops) / 3, float(len(names) - 1)))
    return pow(10, (math.floor(log_flops) * -3.0)), names[int(log_flops)]


__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "Interval"]
