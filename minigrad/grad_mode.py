"""The modes that change what recording and the walk do: grad mode and anomaly mode's switch.

Grad mode says whether operations are recorded for backward, switched per thread: ``no_grad``
(evaluation, optimizer updates), ``enable_grad`` and ``set_grad_enabled``, as context managers
or decorators, and ``is_grad_enabled``. ``_grad_enabled`` is read on every op (``tensor.apply``)
and set by the backward walk (``engine.run_backward``). ``Anomaly`` is read at the same two
places; ``minigrad.autograd.anomaly`` turns it on.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

# Per thread, as in PyTorch: a ``no_grad`` in one thread never switches recording off in another.
# A ContextVar rather than threading.local: reading it costs no more than a class attribute
# (it is read on every op), and each new thread starts from its default, True.
_grad_enabled: contextvars.ContextVar[bool] = contextvars.ContextVar("grad_enabled", default=True)
# Set only by inference_mode (read by is_inference_mode_enabled, never by an op).
_inference: contextvars.ContextVar[bool] = contextvars.ContextVar("inference", default=False)


def decorated(fn: F, context: Callable[[], Any]) -> F:
    """``fn`` run inside a fresh ``context()`` at each call: how a context manager class of
    minigrad (``no_grad()``, ``detect_anomaly()``) also serves as a decorator."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with context():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def is_grad_enabled() -> bool:
    """True when operations are being recorded for backward (in this thread)."""
    return _grad_enabled.get()


class GradOff:
    """Told when a context manager or ``set_grad_enabled`` turns grad mode off: while a forward
    AD level is open, ``autograd.forward_ad`` sets ``hook`` (its tangents come from the recorded
    graph, which grad mode off stops recording; PyTorch's forward AD runs on regardless)."""

    hook: Callable[[], None] | None = None


def _switched_off() -> None:
    hook = GradOff.hook
    if hook is not None:
        hook()


class _GradMode:
    """A context manager and decorator that sets recording to ``mode`` inside, in this thread
    only, and restores what it found on leaving (the base of ``no_grad``, ``enable_grad``,
    ``inference_mode`` and ``set_grad_enabled``)."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        # A stack: the same object may be entered again inside. (As in PyTorch, one object is
        # not meant to be entered by two threads at once: each ``with no_grad():`` makes its own.)
        self.prev: list[bool] = []

    def __enter__(self) -> None:
        self.prev.append(_grad_enabled.get())
        _grad_enabled.set(self.mode)
        if not self.mode:
            _switched_off()

    def __exit__(self, *exc: object) -> None:
        _grad_enabled.set(self.prev.pop())

    def __call__(self, fn: F) -> F:
        mode = self.mode
        return decorated(fn, lambda: _GradMode(mode))


class set_grad_enabled(_GradMode):
    """Turn recording on or off, in this thread only, as PyTorch's: the mode is set as soon as
    the object is made, so ``set_grad_enabled(False)`` called on its own switches recording
    off until it is switched on again; used in a ``with`` block, leaving it restores the mode
    from before the object was made; as a decorator, it leaves the mode as it found it."""

    def __init__(self, mode: bool) -> None:
        super().__init__(mode)
        self.before: bool | None = _grad_enabled.get()
        _grad_enabled.set(self.mode)
        if not self.mode:
            _switched_off()

    def __enter__(self) -> None:
        if self.before is None:  # entered again: restore what this entry finds
            super().__enter__()
        else:
            self.prev.append(self.before)
            self.before = None
            _grad_enabled.set(self.mode)
            if not self.mode:
                _switched_off()

    def __call__(self, fn: F) -> F:
        if self.before is not None:  # made only to decorate: undo the switch made in __init__
            _grad_enabled.set(self.before)
            self.before = None
        return super().__call__(fn)

    def __repr__(self) -> str:
        return f"minigrad.set_grad_enabled(mode={self.mode})"


class no_grad(_GradMode):
    """Run without recording: for evaluation and for optimizer updates.

    Use as ``with no_grad(): ...`` or as a decorator, ``@no_grad()`` or ``@no_grad``.
    """

    def __new__(cls, orig_func: Callable[..., Any] | None = None) -> Any:
        if orig_func is not None:  # ``@no_grad`` without parentheses: decorate at once
            return decorated(orig_func, no_grad)
        return super().__new__(cls)

    def __init__(self, orig_func: Callable[..., Any] | None = None) -> None:
        super().__init__(False)


class inference_mode(_GradMode):
    """PyTorch's ``inference_mode``: here ``no_grad`` by another name (nothing is recorded),
    and ``is_inference_mode_enabled()`` says True inside.

    ``inference_mode(False)`` records as usual. Use as a context manager or a decorator, with
    or without parentheses. One difference: PyTorch marks the tensors made inside as
    "inference tensors" and refuses to use them later in a recorded computation; minigrad's are
    ordinary tensors.
    """

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # ``@inference_mode`` without parentheses: decorate at once
            return decorated(mode, inference_mode)
        return super().__new__(cls)

    def __init__(self, mode: Any = True) -> None:
        super().__init__(not mode)
        self.inference = bool(mode)
        self.prev_inference: list[contextvars.Token[bool]] = []

    def __enter__(self) -> None:
        super().__enter__()
        self.prev_inference.append(_inference.set(self.inference))

    def __exit__(self, *exc: object) -> None:
        _inference.reset(self.prev_inference.pop())
        super().__exit__(*exc)

    def __call__(self, fn: F) -> F:
        mode = self.inference
        return decorated(fn, lambda: inference_mode(mode))


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()`` (in this thread), as PyTorch's."""
    return _inference.get()


class enable_grad(_GradMode):
    """Turn recording back on inside a ``no_grad`` block (context manager or decorator)."""

    def __init__(self) -> None:
        super().__init__(True)


class Anomaly:
    """Anomaly detection's switch, read where ops are recorded and where rules run.

    ``minigrad.autograd.anomaly`` turns it on and supplies ``record(op)`` (remember where user
    code created the op) and ``check(op, grads)`` (raise on nan/inf gradients). Off, it costs
    one attribute read per recorded op and per rule.
    """

    enabled: bool = False
    record: Callable[[Any], None]
    check: Callable[[Any, Sequence[Any]], None]
