"""``Timer``: ``timeit.Timer`` with warm-up, thread control, replicates and labels, as
``torch.utils.benchmark.Timer``. It times Python statements (minigrad, NumPy or plain Python);
there is no C++ timing, no accelerator to synchronise and no Callgrind."""

from __future__ import annotations

import enum
import sys
import textwrap
import timeit
from collections.abc import Callable
from typing import Any, NoReturn

import numpy as np

from .common import Measurement, TaskSpec, set_torch_threads

__all__ = ["Language", "Timer", "timer"]

_PACKAGE = __name__.split(".")[0]  # "minigrad": a Timer's globals get it as `torch`


def timer() -> float:
    """The clock Timer reads: ``timeit.default_timer`` (minigrad computes on the CPU, so there
    is no accelerator to synchronise first, as PyTorch's ``timer`` does)."""
    return timeit.default_timer()


class Language(enum.Enum):
    PYTHON = 0
    CPP = 1


def _dedent(code: str) -> str:
    # PyTorch's convenience: a block string's leading newline and indentation go, so that
    # snippets written inside functions run, and the repr shows them flush left
    code = textwrap.dedent(code)
    return (code[1:] if code and code[0] == "\n" else code).rstrip()


class Timer:
    """Time a Python statement the way ``torch.utils.benchmark.Timer`` does.

    ``stmt`` runs in a loop after ``setup``, with ``globals`` (copied; ``torch`` is added as
    minigrad if absent, so PyTorch's snippets such as ``setup="x = torch.ones(128)"`` run).
    ``timeit`` warms up, then times ``number`` runs once; ``blocked_autorange`` and
    ``adaptive_autorange`` pick a block size whose timer overhead is negligible and time
    blocks until ``min_run_time`` (and, for the adaptive one, a small enough spread). The
    Measurement they return prints PyTorch's summary and feeds ``Compare``.

    Args:
        stmt: the code to time.
        setup: code run once before timing, defining what ``stmt`` uses.
        global_setup: C++ only in PyTorch; refused here.
        timer: the clock (default: ``timeit.default_timer``).
        globals: variables for ``stmt`` and ``setup``.
        label, sub_label, description, env: how ``Compare`` groups the result: tables by
            label, rows by sub_label (else stmt), columns by description; env tells otherwise
            identical tasks apart.
        num_threads: NumPy's BLAS threads while timing (default 1, as PyTorch's threadpool
            size), set and restored through threadpoolctl when it is installed (see
            ``minigrad.set_num_threads``); without it the number is only reported.
        language: ``Language.PYTHON`` (or ``"py"``, ``"python"``); C++ is refused.

    Raises:
        ValueError: for a stmt that is not a str, a global_setup, or an unknown language
            (PyTorch's errors).
        NotImplementedError: for ``language=Language.CPP``.
    """

    def __init__(
        self,
        stmt: str = "pass",
        setup: str = "pass",
        global_setup: str = "",
        timer: Callable[[], float] = timer,
        globals: dict[str, Any] | None = None,
        label: str | None = None,
        sub_label: str | None = None,
        description: str | None = None,
        env: str | None = None,
        num_threads: int = 1,
        language: Language | str = Language.PYTHON,
    ) -> None:
        if not isinstance(stmt, str):
            raise ValueError("Currently only a `str` stmt is supported.")
        if language in (Language.CPP, "cpp", "c++"):
            raise NotImplementedError(
                "Timer(language=Language.CPP): minigrad has no C++ API, so it cannot compile "
                "and time C++ snippets (PyTorch builds them against libtorch); time the "
                "Python statement instead"
            )
        if language not in (Language.PYTHON, "py", "python"):
            raise ValueError(f"Invalid language `{language}`.")
        if global_setup:
            raise ValueError(
                f"global_setup is C++ only, got `{global_setup}`. Most "
                "likely this code can simply be moved to `setup`."
            )
        # a copy, so that exec's additions (__builtins__) do not leak into the caller's dict
        self._globals = dict(globals or {})
        self._globals.setdefault("torch", sys.modules[_PACKAGE])
        self._language = Language.PYTHON
        stmt, setup = _dedent(stmt), _dedent(setup)
        self._timer = timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=self._globals)
        self._task_spec = TaskSpec(
            stmt=stmt,
            setup=setup,
            global_setup=global_setup,
            label=label,
            sub_label=sub_label,
            description=description,
            env=env,
            num_threads=num_threads,
        )

    def _timeit(self, number: int) -> float:
        # no real statement takes under 1 ns; this also keeps divisions away from zero
        return max(self._timer.timeit(number), 1e-9)

    def timeit(self, number: int = 1000000) -> Measurement:
        """Run ``stmt`` ``number`` times (after a warm-up of ``number // 100``, at least 2):
        a Measurement of one block, as ``timeit.Timer.timeit``."""
        with set_torch_threads(self._task_spec.num_threads):
            self._timeit(number=max(int(number // 100), 2))
            return Measurement(
                number_per_run=number,
                raw_times=[self._timeit(number=number)],
                task_spec=self._task_spec,
            )

    def repeat(self, repeat: int = -1, number: int = -1) -> None:
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback: Callable[[int, float], NoReturn] | None = None) -> None:
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def _measurement_loop(
        self,
        number: int,
        stop_hook: Callable[[list[float]], bool],
        min_run_time: float,
        max_run_time: float | None = None,
        callback: Callable[[int, float], NoReturn] | None = None,
    ) -> list[float]:
        """Time blocks of ``number`` runs until ``min_run_time`` has passed and ``stop_hook``
        agrees, or ``max_run_time`` has passed."""
        total_time, can_stop = 0.0, False
        times: list[float] = []
        with set_torch_threads(self._task_spec.num_threads):
            while total_time < min_run_time or not can_stop:
                time_spent = self._timeit(number)
                times.append(time_spent)
                total_time += time_spent
                if callback:
                    callback(number, time_spent)
                can_stop = stop_hook(times)
                if max_run_time and total_time > max_run_time:
                    break
        return times

    def _estimate_block_size(self, min_run_time: float) -> int:
        """The block size: multiplied by 10 from 1 until the timer's own overhead is at most
        1e-4 of a block and a block takes min_run_time / 1000 (or a block exceeds
        min_run_time). It is also the warm-up."""
        with set_torch_threads(self._task_spec.num_threads):
            overhead = float(np.median([self._timeit(0) for _ in range(5)]))
            number = 1
            while True:
                time_taken = self._timeit(number)
                if overhead / time_taken <= 1e-4 and time_taken >= min_run_time / 1000:
                    break
                if time_taken > min_run_time or number * 10 > 2147483647:
                    break
                number *= 10
        return number

    def blocked_autorange(
        self,
        callback: Callable[[int, float], NoReturn] | None = None,
        min_run_time: float = 0.2,
    ) -> Measurement:
        """Time blocks of ``stmt`` for at least ``min_run_time`` seconds, after choosing a
        block size large enough that reading the clock costs under 0.1% of a block. Returns
        the Measurement of all blocks; ``callback(number, seconds)`` is called after each."""
        number = self._estimate_block_size(min_run_time)
        times = self._measurement_loop(
            number, lambda times: True, min_run_time=min_run_time, callback=callback
        )
        return Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def adaptive_autorange(
        self,
        threshold: float = 0.1,
        *,
        min_run_time: float = 0.01,
        max_run_time: float = 10.0,
        callback: Callable[[int, float], NoReturn] | None = None,
    ) -> Measurement:
        """As ``blocked_autorange``, but keep timing blocks (at least four) until IQR / median
        falls below ``threshold``, or ``max_run_time`` seconds have been spent."""
        number = self._estimate_block_size(min_run_time=0.05)

        def stop_hook(times: list[float]) -> bool:
            if len(times) <= 3:
                return False
            return Measurement(number, times, self._task_spec).meets_confidence(threshold)

        times = self._measurement_loop(
            number, stop_hook, min_run_time, max_run_time, callback=callback
        )
        return Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def collect_callgrind(
        self,
        number: int = 100,
        *,
        repeats: int | None = None,
        collect_baseline: bool = True,
        retain_out_file: bool = False,
    ) -> Any:
        """PyTorch's instruction counts under Valgrind's Callgrind: not in minigrad.

        Raises:
            NotImplementedError: always; time with ``blocked_autorange`` instead.
        """
        raise NotImplementedError(
            "Timer.collect_callgrind: minigrad has no Valgrind integration (PyTorch runs the "
            "statement in a subprocess under valgrind with its own compiled bindings), so it "
            "cannot count instructions; measure wall time with Timer.blocked_autorange, or "
            "run the program under `valgrind --tool=callgrind python ...` yourself"
        )
