"""``minigrad.autograd.profiler``: PyTorch's older profiler API on the recorder of
``minigrad.profiler`` (``profile``, ``record_function``, ``EventList``...)."""

from __future__ import annotations

import warnings
from typing import Any

from ..profiler import ProfilerActivity, _Profiler, kineto_available, record_function
from ..profiler_events import EventList, FunctionEvent, FunctionEventAvg


class profile(_Profiler):
    """PyTorch's ``torch.autograd.profiler.profile`` on the CPU: ops, backward nodes and
    ``record_function`` ranges run inside the block, as ``function_events`` when it ends.

    Args:
        enabled: False makes the block record nothing.
        use_cuda: deprecated (``FutureWarning``); CUDA is not available, which warns, as on
            PyTorch's CPU-only build, and the CPU is profiled.
        use_device: ``"cuda"``, ``"xpu"`` or ``"hpu"``: not available (a warning), as above.
        record_shapes, with_flops, profile_memory, with_stack: as ``minigrad.profiler.profile``.
        with_modules, use_kineto, experimental_config, acc_events, custom_trace_id_callback:
            PyTorch's; accepted, no effect.
        use_cpu: False raises, as in PyTorch on a machine without a device.

    Raises:
        AssertionError: ``use_cpu=False`` (nothing left to profile), with PyTorch's words.
    """

    def __init__(
        self,
        enabled: bool = True,
        *,
        use_cuda: bool = False,
        use_device: str | None = None,
        record_shapes: bool = False,
        with_flops: bool = False,
        profile_memory: bool = False,
        with_stack: bool = False,
        with_modules: bool = False,
        use_kineto: bool = False,
        use_cpu: bool = True,
        experimental_config: Any = None,
        acc_events: bool = False,
        custom_trace_id_callback: Any = None,
    ) -> None:
        super().__init__(record_shapes, profile_memory, with_stack, with_flops)
        self.enabled = enabled
        self.use_cpu = use_cpu
        self.function_events: EventList | None = None
        if not enabled:
            return
        if use_cuda:
            warnings.warn(
                "The attribute `use_cuda` will be deprecated soon, please use "
                "``use_device = 'cuda'`` instead.",
                FutureWarning,
                stacklevel=2,
            )
            use_device = "cuda"
        if use_device in ("cuda", "xpu", "hpu"):
            warnings.warn(
                f"{use_device.upper()} is not available, disabling {use_device.upper()} profiling",
                stacklevel=2,
            )
        if not use_cpu:
            raise AssertionError(
                "Device-only events supported only with Kineto (use_kineto=True)"
                if not use_kineto
                else "No activities specified for the profiler"
            )

    def __enter__(self) -> profile:
        if self.enabled:
            self._start_trace()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._stop_trace()
            self.function_events = self._events

    def table(
        self,
        sort_by: str | None = None,
        row_limit: int = 100,
        max_src_column_width: int = 75,
        max_name_column_width: int = 55,
        max_shapes_column_width: int = 80,
        header: str | None = None,
        top_level_events_only: bool = False,
    ) -> str:
        """The table of every event (not averaged; ``key_averages().table`` averages)."""
        return self._function_events().table(
            sort_by=sort_by,
            row_limit=row_limit,
            max_src_column_width=max_src_column_width,
            max_name_column_width=max_name_column_width,
            max_shapes_column_width=max_shapes_column_width,
            header=header,
            top_level_events_only=top_level_events_only,
        )

    def total_average(self) -> FunctionEventAvg:
        """Every event summed into one average."""
        return self._function_events().total_average()

    @property
    def self_cpu_time_total(self) -> float:
        """The self time of every event, summed (microseconds)."""
        return self._function_events().self_cpu_time_total

    def __str__(self) -> str:
        return str(self._function_events())


class emit_nvtx:
    """NVIDIA's NVTX ranges need CUDA: entering raises PyTorch's CPU-only error."""

    def __init__(self, enabled: bool = True, record_shapes: bool = False) -> None:
        self.enabled = enabled

    def __enter__(self) -> emit_nvtx:
        if self.enabled:
            raise AssertionError("Torch not compiled with CUDA enabled")
        return self

    def __exit__(self, *exc: object) -> None:
        return None


__all__ = [
    "EventList",
    "FunctionEvent",
    "ProfilerActivity",
    "emit_nvtx",
    "kineto_available",
    "profile",
    "record_function",
]
