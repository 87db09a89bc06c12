"""``minigrad.profiler``: PyTorch's CPU profiler (``profile``, ``record_function``, ``schedule``).

Nothing is checked on the hot path. While a profiler records, every op class's ``forward`` and
``backward`` (and the engine's ``accumulate``) are swapped for timed versions; they are put
back when it stops, also when the profiled block raises. An op's call is one event named as
PyTorch's (``aten::mm``, ``aten::relu``), a backward node's two as PyTorch's
(``autograd::engine::evaluate_function: MmBackward0`` around ``MmBackward0``). What the events
are and how they print is ``profiler_events.py``. ``minigrad.autograd.profiler`` holds the
older ``profile`` of the same recorder.
"""

from __future__ import annotations

import enum
import functools
import os
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from threading import get_ident
from types import FrameType, FunctionType
from typing import Any, TypeVar

import numpy as np

from . import engine
from .engine import Op
from .profiler_events import EventList, FunctionEvent

F = TypeVar("F", bound=Callable[..., Any])


class ProfilerActivity(enum.Enum):
    """What a profiler records: only ``CPU`` is there (NumPy runs on the CPU); asking for a
    device warns and is dropped, as on PyTorch's CPU-only build."""

    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    """What a ``schedule`` says a step does."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3
    DEVICE_STOPPED = 4


def supported_activities() -> set[ProfilerActivity]:
    """The activities this machine can profile: the CPU."""
    return {ProfilerActivity.CPU}


def kineto_available() -> bool:
    """True: the profiler is there (PyTorch's name for its profiling library)."""
    return True


# ---------------------------------------------------------------------------------------------
# The recorder: the events of one trace, open ones on a stack


class _Recorder:
    """Events of one trace; ``open``/``close`` around a call, parents from the open stack."""

    def __init__(
        self, record_shapes: bool, profile_memory: bool, with_stack: bool, with_flops: bool
    ) -> None:
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.base_ns = time.time_ns()
        self.t0 = time.perf_counter_ns()
        self.events: list[FunctionEvent] = []  # in order of start
        self.open_events: list[FunctionEvent] = []
        self.owners: list[Any] = []  # per open event, the op it times (None for a range)
        self.thread = get_ident()  # (the thread whose calls it records)

    def now(self) -> float:
        return (time.perf_counter_ns() - self.t0) / 1000.0

    def open(
        self, name: str, shapes: Any = None, owner: Any = None, user: bool = False
    ) -> FunctionEvent:
        evt = FunctionEvent(
            len(self.events),
            name,
            0.0,
            input_shapes=_shapes(shapes) if self.record_shapes and shapes is not None else None,
            stack=_user_stack() if self.with_stack and not user else None,
            is_user_annotation=user,
            thread=self.thread,
        )
        if self.open_events:
            evt.cpu_parent = self.open_events[-1]
        self.events.append(evt)
        self.open_events.append(evt)
        self.owners.append(owner)
        evt.time_range.start = evt.time_range.end = self.now()
        return evt

    def close(self, evt: FunctionEvent) -> None:
        """End ``evt`` now (and any range still open inside it)."""
        end = self.now()
        while self.open_events:
            top = self.open_events.pop()
            self.owners.pop()
            top.time_range.end = end
            if top.cpu_parent is not None:
                top.cpu_parent.cpu_children.append(top)
            if top is evt:
                return

    def discard(self, evt: FunctionEvent) -> None:
        """Forget ``evt`` (a call that raised, and is run again quietly), keeping its children."""
        self.close(evt)
        parent = evt.cpu_parent
        if parent is not None:
            parent.cpu_children.remove(evt)
            parent.cpu_children.extend(evt.cpu_children)
        for child in evt.cpu_children:
            child.cpu_parent = parent
        self.events.remove(evt)

    def finish(self) -> EventList:
        while self.open_events:
            self.close(self.open_events[0])
        for i, evt in enumerate(self.events):
            evt.id = i
        return EventList(self.events, self.profile_memory, self.with_flops, self.base_ns)


def _shapes(values: Iterable[Any]) -> list[list[int]]:
    """PyTorch's ``Input Shapes``: an array's shape, ``[]`` for anything else."""
    return [list(v.shape) if isinstance(v, np.ndarray) else [] for v in values]


_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def _user_stack() -> list[str]:
    """The calling code's frames, innermost first, as ``file(line): function`` (minigrad's
    own frames left out)."""
    frame: FrameType | None = sys._getframe(2)
    found: list[str] = []
    while frame is not None:
        path = frame.f_code.co_filename
        if not os.path.abspath(path).startswith(_PACKAGE):
            found.append(f"{path}({frame.f_lineno}): {frame.f_code.co_name}")
        frame = frame.f_back
    return found


def _allocated(value: Any) -> int:
    """Bytes of the arrays in ``value`` that own their memory (new ones, not views)."""
    if isinstance(value, np.ndarray):
        return value.nbytes if value.base is None else 0
    if isinstance(value, tuple | list):
        return sum(_allocated(v) for v in value)
    return 0


# ---------------------------------------------------------------------------------------------
# Names: PyTorch's aten name of an op, from its node's name (AddmmBackward0 -> aten::addmm)

_NAMES: dict[tuple[type, str], str] = {}
_INTERNAL = {"OutputOf", "GradScale", "ScaledOnly", "ConvWeight", "MaxGather", "AvgPoolAdjoint"}
_ATEN_SPELLING = {
    "to_copy": "_to_copy",
    "relu": "relu",
    "nll_loss": "nll_loss_forward",
    "log_softmax": "_log_softmax",
    "softmax": "_softmax",
}


def _op_name(op: Op, inputs: int) -> str:
    """``aten::<name>`` for an op that is one of PyTorch's (its node is ``<Name>BackwardN``),
    ``minigrad::<Class>`` for one of minigrad's own."""
    try:
        node = op.own_name()
    except AttributeError:  # a name read from the edges, which are set after forward
        op.edges = (None,) * inputs
        try:
            node = op.own_name()
        finally:
            del op.edges
    key = (type(op), node)
    name = _NAMES.get(key)
    if name is None:
        match = re.fullmatch(r"(\w+?)Backward\d*", node)
        cls = type(op).__name__
        if match is None or cls in _INTERNAL or node.startswith("_"):
            name = f"minigrad::{cls}"
        else:
            base = re.sub(r"(\d)D", r"\1d", match.group(1))
            snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower()
            name = "aten::" + _ATEN_SPELLING.get(snake, snake)
        _NAMES[key] = name
    return name


def _flops(name: str, xs: tuple[Any, ...], out: Any) -> int:
    """PyTorch's FLOP count of a matrix product or convolution (2 per multiply-add)."""
    if not isinstance(out, np.ndarray) or not xs or not isinstance(xs[0], np.ndarray):
        return 0
    if name in ("aten::mm", "aten::addmm", "aten::bmm", "aten::matmul", "aten::linear"):
        return 2 * out.size * (xs[0].shape[-1] if xs[0].ndim else 1)
    if name == "aten::convolution" and len(xs) > 1 and isinstance(xs[1], np.ndarray):
        w = xs[1]
        return 2 * out.size * (w.size // max(w.shape[0], 1))
    return 0


# ---------------------------------------------------------------------------------------------
# Instrumentation: swapped in while a recorder is active, swapped out after

_ACTIVE: _Recorder | None = None
_SWAPPED: list[tuple[Any, str, Any]] = []


def _op_classes() -> list[type]:
    found: list[type] = []
    todo = [Op]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _timed_forward(forward: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(forward)
    def timed(self: Op, *xs: Any, **kwargs: Any) -> Any:
        rec = _ACTIVE
        # (not recorded: another thread's op, or a subclass's super().forward call)
        if rec is None or rec.thread != get_ident() or (rec.owners and rec.owners[-1] is self):
            return forward(self, *xs, **kwargs)
        evt = rec.open(_op_name(self, len(xs)), xs, self)
        try:
            out = forward(self, *xs, **kwargs)
        except BaseException:
            rec.discard(evt)  # (tensor.apply runs it again quietly after a NumPy warning)
            raise
        rec.close(evt)
        if rec.profile_memory:
            evt.allocated = _allocated(out)
        if rec.with_flops:
            evt.flops = _flops(evt.name, xs, out)
        return out

    return timed


def _timed_backward(backward: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(backward)
    def timed(self: Op, grad: Any, *rest: Any, **kwargs: Any) -> Any:
        rec = _ACTIVE
        if rec is None or rec.thread != get_ident() or (rec.owners and rec.owners[-1] is self):
            return backward(self, grad, *rest, **kwargs)
        name = self.name()
        outer = rec.open(f"autograd::engine::evaluate_function: {name}")
        inner = rec.open(name, (grad,), self)
        try:
            grads = backward(self, grad, *rest, **kwargs)
        finally:
            rec.close(inner)
            rec.close(outer)
        if rec.profile_memory:
            given = {id(grad), *(id(x) for x in rest)}
            inner.allocated = sum(
                _allocated(g) for g in (grads or ()) if g is not None and id(g) not in given
            )
        return grads

    return timed


def _timed_accumulate(accumulate: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(accumulate)
    def timed(leaf: Any, grad: Any, *rest: Any) -> Any:
        rec = _ACTIVE
        if rec is None or rec.thread != get_ident():
            return accumulate(leaf, grad, *rest)
        outer = rec.open("autograd::engine::evaluate_function: torch::autograd::AccumulateGrad")
        inner = rec.open("torch::autograd::AccumulateGrad", (grad,))
        try:
            return accumulate(leaf, grad, *rest)
        finally:
            rec.close(inner)
            rec.close(outer)

    return timed


def _install() -> None:
    if _SWAPPED:
        return
    for cls in _op_classes():
        for attr, timer in (("forward", _timed_forward), ("backward", _timed_backward)):
            original = cls.__dict__.get(attr)
            if isinstance(original, FunctionType):
                _SWAPPED.append((cls, attr, original))
                setattr(cls, attr, timer(original))
    _SWAPPED.append((engine, "accumulate", engine.accumulate))
    engine.accumulate = _timed_accumulate(engine.accumulate)


def _uninstall() -> None:
    while _SWAPPED:
        owner, attr, original = _SWAPPED.pop()
        setattr(owner, attr, original)


def _activate(rec: _Recorder) -> None:
    """Make ``rec`` the recorder: as in PyTorch, a profiler started while another records
    takes over, and the first one ends with no events."""
    global _ACTIVE
    _install()
    _ACTIVE = rec


def _deactivate(rec: _Recorder) -> bool:
    """Stop ``rec``; False when it was not the recorder any more (another one took over)."""
    global _ACTIVE
    if _ACTIVE is not rec:
        return False
    _ACTIVE = None
    _uninstall()
    return True


# ---------------------------------------------------------------------------------------------
# record_function


class record_function:
    """A named range of user code in the profile (a context manager or a decorator); free
    when no profiler records.

    Args:
        name: the range's name, a row of the table.
        args: PyTorch's optional extra string (kept, not shown).
    """

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name = name
        self.args = args
        self._rec: _Recorder | None = None
        self._event: FunctionEvent | None = None

    def __enter__(self) -> record_function:
        rec = _ACTIVE
        if rec is not None and rec.thread == get_ident():
            self._rec, self._event = rec, rec.open(self.name, user=True)
        return self

    def __exit__(self, *exc: object) -> None:
        rec, evt = self._rec, self._event
        self._rec = self._event = None
        if rec is not None and evt is not None and evt in rec.open_events:
            rec.close(evt)

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def ranged(*args: Any, **kwargs: Any) -> Any:
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)

        return ranged  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# The profilers


_NO_DEVICE = {
    ProfilerActivity.CUDA: "CUDA is not available, disabling CUDA profiling",
    ProfilerActivity.XPU: "XPU is not available, disabling XPU profiling",
    ProfilerActivity.HPU: "HPU is not available, disabling HPU profiling",
}


class _Profiler:
    """What both profiles share: a recorder started and stopped, the events it left."""

    def __init__(
        self, record_shapes: bool, profile_memory: bool, with_stack: bool, with_flops: bool
    ) -> None:
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self._rec: _Recorder | None = None
        self._events: EventList | None = None
        self._saved: EventList | None = None  # the trace export_chrome_trace wrote

    def _start_trace(self) -> None:
        self._rec = _Recorder(
            self.record_shapes, self.profile_memory, self.with_stack, self.with_flops
        )
        _activate(self._rec)

    def _stop_trace(self) -> None:
        rec, self._rec = self._rec, None
        if rec is None:
            return
        if _deactivate(rec):
            self._events = rec.finish()
        else:
            warnings.warn(
                "disableProfiler called but no active profiling session found: a profiler "
                "started inside this one took over its session (as in PyTorch)",
                stacklevel=3,
            )
            self._events = EventList([], self.profile_memory, self.with_flops, rec.base_ns)

    def _function_events(self) -> EventList:
        return self._events if self._events is not None else EventList()

    def key_averages(
        self,
        group_by_input_shape: bool = False,
        group_by_stack_n: int = 0,
        group_by_overload_name: bool = False,
    ) -> EventList:
        """The events averaged per name (and input shapes, or the first ``group_by_stack_n``
        frames of the stack): what ``table`` prints."""
        return self._function_events().key_averages(
            group_by_input_shape, group_by_stack_n, group_by_overload_name
        )

    def export_chrome_trace(self, path: str | os.PathLike[str]) -> None:
        """Write the events as a Chrome trace (chrome://tracing or ui.perfetto.dev); each
        trace is written once, as in PyTorch (the next scheduled cycle is a new trace)."""
        events = self._function_events()
        if events is self._saved:
            raise RuntimeError("Trace is already saved.")
        events.export_chrome_trace(path)
        self._saved = events

    def export_stacks(self, path: str, metric: str = "self_cpu_time_total") -> None:
        """Write one line per event with a stack, ``frame;frame;... value`` (outermost
        first), for flame graph tools. Needs ``with_stack=True``."""
        if self._events is None:
            raise AssertionError("Profiler must be initialized before exporting stacks")
        if not self.with_stack:
            raise AssertionError("export_stacks() requires with_stack=True")
        attr = metric.replace("cuda", "device")
        with open(path, "w") as f:
            for evt in self._function_events():
                if evt.stack:
                    frames = ";".join(reversed(evt.stack))
                    f.write(f"{frames};{evt.name} {int(getattr(evt, attr))}\n")


def _activities_of(
    activities: Iterable[Any] | None, use_cuda: bool | None
) -> set[ProfilerActivity]:
    if activities is not None:
        chosen: set[ProfilerActivity] = set()
        for item in activities:
            if isinstance(item, ProfilerActivity):
                chosen.add(item)
            elif isinstance(item, dict):
                chosen.update(item.keys())
    else:
        chosen = supported_activities()
    if use_cuda is not None:
        warnings.warn(
            "`use_cuda` is deprecated, use `activities` argument instead",
            FutureWarning,
            stacklevel=3,
        )
        if use_cuda:
            chosen.add(ProfilerActivity.CUDA)
        else:
            chosen.discard(ProfilerActivity.CUDA)
    if len(chosen) == 0:
        raise AssertionError("No valid profiler activities found")
    return chosen


def schedule(
    *,
    wait: int,
    warmup: int,
    active: int,
    repeat: int = 0,
    skip_first: int = 0,
    skip_first_wait: int = 0,
) -> Callable[[int], ProfilerAction]:
    """PyTorch's schedule: skip the first ``skip_first`` steps, then cycles of ``wait`` idle
    steps, ``warmup`` steps and ``active`` recorded steps (the last one hands the trace to
    ``on_trace_ready``), ``repeat`` times (0: until the end).

    Raises:
        AssertionError: a negative count, or ``active`` not positive (PyTorch's error).
    """

    def schedule_fn(step: int) -> ProfilerAction:
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait != 0:
            step += wait
        num_steps = wait + warmup + active
        if repeat > 0 and step / num_steps >= repeat:
            return ProfilerAction.NONE
        mod_step = step % num_steps
        if mod_step < wait:
            return ProfilerAction.NONE
        if mod_step < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if mod_step < num_steps - 1 else ProfilerAction.RECORD_AND_SAVE

    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), "
            f"warmup={warmup} (need >= 0), active={active} (need > 0), repeat={repeat} "
            f"(need >= 0), skip_first={skip_first} (need >= 0)."
        )
    if warmup == 0:
        warnings.warn(
            "Profiler won't be using warmup, this can skew profiler results", stacklevel=2
        )
    return schedule_fn


def _default_schedule_fn(_: int) -> ProfilerAction:
    return ProfilerAction.RECORD


class profile(_Profiler):
    """PyTorch's profiler (``torch.profiler.profile``) on the CPU: a context manager that
    records every op, backward node and ``record_function`` range run inside it.

    Args:
        activities: ``ProfilerActivity`` values (default: ``supported_activities()``); a device
            (``CUDA``, ``XPU``, ``HPU``) warns that it is not available and is dropped.
        schedule: a callable from step number to ``ProfilerAction`` (see ``schedule``), for
            loops that call ``prof.step()``; each step is a ``ProfilerStep#<n>`` range.
        on_trace_ready: called with the profiler when a scheduled cycle ends.
        record_shapes: keep each op's input shapes (``key_averages(group_by_input_shape=True)``).
        profile_memory: count the bytes of the arrays each op allocates (not views, not frees).
        with_stack: keep the user code's frames of each op (``group_by_stack_n``).
        with_flops: count the FLOPs of matrix products and convolutions.
        with_modules, experimental_config, execution_trace_observer, acc_events,
            custom_trace_id_callback, post_processing_timeout_s: PyTorch's; accepted, no effect
            (``with_modules`` is for TorchScript models in PyTorch too).
        use_cuda: deprecated (``FutureWarning``), as in PyTorch.

    Raises:
        AssertionError: no activity (PyTorch's ``No valid profiler activities found``), or only
            devices (``No activities specified for the profiler``, when it starts).
    """

    def __init__(
        self,
        *,
        activities: Iterable[Any] | None = None,
        schedule: Callable[[int], ProfilerAction] | None = None,
        on_trace_ready: Callable[..., Any] | None = None,
        record_shapes: bool = False,
        profile_memory: bool = False,
        with_stack: bool = False,
        with_flops: bool = False,
        with_modules: bool = False,
        experimental_config: Any = None,
        execution_trace_observer: Any = None,
        acc_events: bool = False,
        use_cuda: bool | None = None,
        custom_trace_id_callback: Callable[[], str] | None = None,
        post_processing_timeout_s: float | None = None,
    ) -> None:
        self.activities = _activities_of(activities, use_cuda)
        super().__init__(record_shapes, profile_memory, with_stack, with_flops)
        self.with_modules = with_modules
        self.acc_events = acc_events
        if schedule:
            self.schedule, self.record_steps = schedule, True
        else:
            self.schedule, self.record_steps = _default_schedule_fn, False
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self.step_rec_fn: record_function | None = None
        self.current_action = self.schedule(self.step_num)
        if self.current_action == ProfilerAction.DEVICE_STOPPED:
            raise ValueError(
                "ProfilerAction.DEVICE_STOPPED is set internally by the profiler and must not "
                "be returned by a user-provided schedule"
            )
        self._prepared = False
        A = ProfilerAction
        prepare, start, stop, ready = (
            self._prepare_trace, self._start_trace, self._stop_trace, self._trace_ready
        )  # fmt: skip
        self.action_map: dict[tuple[ProfilerAction, ProfilerAction | None], list[Any]] = {
            (A.NONE, A.NONE): [],
            (A.NONE, A.WARMUP): [prepare],
            (A.NONE, A.RECORD): [prepare, start],
            (A.NONE, A.RECORD_AND_SAVE): [prepare, start],
            (A.WARMUP, A.NONE): [
                functools.partial(warnings.warn, "Incorrect schedule: WARMUP followed by NONE"),
                start,
                stop,
            ],
            (A.WARMUP, A.WARMUP): [],
            (A.WARMUP, A.RECORD): [start],
            (A.WARMUP, A.RECORD_AND_SAVE): [start],
            (A.RECORD, A.NONE): [
                functools.partial(warnings.warn, "Incorrect schedule: RECORD followed by NONE"),
                stop,
            ],
            (A.RECORD, A.WARMUP): [
                functools.partial(warnings.warn, "Incorrect schedule: RECORD followed by WARMUP"),
                stop,
            ],
            (A.RECORD, A.RECORD): [],
            (A.RECORD, A.RECORD_AND_SAVE): [],
            (A.RECORD_AND_SAVE, A.NONE): [stop, ready],
            (A.RECORD_AND_SAVE, A.WARMUP): [stop, ready, prepare],
            (A.RECORD_AND_SAVE, A.RECORD): [stop, ready, prepare, start],
            (A.RECORD_AND_SAVE, A.RECORD_AND_SAVE): [stop, ready, prepare, start],
            (A.WARMUP, None): [start, stop],
            (A.RECORD, None): [stop, ready],
            (A.RECORD_AND_SAVE, None): [stop, ready],
        }

    def _prepare_trace(self) -> None:
        """Check the activities (PyTorch does when it prepares a trace): devices warn."""
        for activity, message in _NO_DEVICE.items():
            if activity in self.activities:
                warnings.warn(message, stacklevel=4)
        if ProfilerActivity.CPU not in self.activities:
            raise AssertionError("No activities specified for the profiler")
        self._prepared = True

    def _trace_ready(self) -> None:
        if self.on_trace_ready:
            self.on_trace_ready(self)

    def _transit_action(self, prev: ProfilerAction, current: ProfilerAction | None) -> None:
        for action in self.action_map.get((prev, current), ()):
            action()

    def __enter__(self) -> profile:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start profiling (what ``with`` does on entering)."""
        self._transit_action(ProfilerAction.NONE, self.current_action)
        if self.record_steps:
            self.step_rec_fn = record_function("ProfilerStep#" + str(self.step_num))
            self.step_rec_fn.__enter__()

    def stop(self) -> None:
        """Stop profiling (what ``with`` does on leaving); a trace ends here too."""
        if self.record_steps and self.step_rec_fn:
            self.step_rec_fn.__exit__(None, None, None)
            self.step_rec_fn = None
        self._transit_action(self.current_action, None)

    def step(self) -> None:
        """Signal that the next step starts (the schedule says what it does)."""
        if self.record_steps and self.step_rec_fn:
            self.step_rec_fn.__exit__(None, None, None)
            self.step_rec_fn = None
        prev_action = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        if self.current_action == ProfilerAction.DEVICE_STOPPED:
            raise ValueError(
                "ProfilerAction.DEVICE_STOPPED is set internally by the profiler and must not "
                "be returned by a user-provided schedule"
            )
        self._transit_action(prev_action, self.current_action)
        if self.record_steps:
            self.step_rec_fn = record_function("ProfilerStep#" + str(self.step_num))
            self.step_rec_fn.__enter__()

    def events(self) -> EventList:
        """Every event of the last trace, in order of start.

        Raises:
            AssertionError: before any trace was taken (PyTorch's error).
        """
        if self._events is None:
            raise AssertionError("Profiler must be initialized before accessing events")
        return self._events

    def key_averages(
        self,
        group_by_input_shape: bool = False,
        group_by_stack_n: int = 0,
        group_by_overload_name: bool = False,
    ) -> EventList:
        if self._events is None:
            raise AssertionError("Profiler must be initialized before getting key averages")
        return super().key_averages(group_by_input_shape, group_by_stack_n, group_by_overload_name)

    def add_metadata(self, key: str, value: str) -> None:
        """Accepted (PyTorch writes it into the trace's metadata); not written here."""

    def add_metadata_json(self, key: str, value: str) -> None:
        """Accepted (PyTorch writes it into the trace's metadata); not written here."""


def tensorboard_trace_handler(
    dir_name: str, worker_name: str | None = None, use_gzip: bool = False
) -> Callable[[Any], None]:
    """An ``on_trace_ready`` that writes each trace to ``dir_name`` as
    ``<worker>.<time_ns>.pt.trace.json`` (TensorBoard's profiler plugin reads these)."""

    def handler_fn(prof: Any) -> None:
        nonlocal worker_name
        if not os.path.isdir(dir_name):
            try:
                os.makedirs(dir_name, exist_ok=True)
            except Exception as e:
                raise RuntimeError("Can't create directory: " + dir_name) from e
        if not worker_name:
            import socket

            worker_name = f"{socket.gethostname()}_{os.getpid()}"
        file_name = f"{worker_name}.{time.time_ns()}.pt.trace.json"
        path = os.path.join(dir_name, file_name)
        if use_gzip:
            import gzip
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                plain = os.path.join(tmp, file_name)
                prof.export_chrome_trace(plain)
                with open(plain, "rb") as src, gzip.open(path + ".gz", "wb") as dst:
                    dst.write(src.read())
        else:
            prof.export_chrome_trace(path)

    return handler_fn


__all__ = [
    "ProfilerAction",
    "ProfilerActivity",
    "kineto_available",
    "profile",
    "record_function",
    "schedule",
    "supported_activities",
    "tensorboard_trace_handler",
]
