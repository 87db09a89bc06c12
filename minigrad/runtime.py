"""PyTorch's process-wide settings that tutorials call: threads, deterministic algorithms,
float32 matmul precision, flushing denormals, warn-always, anomaly mode and the deprecated
``set_default_tensor_type``. Each says what it does in minigrad, which computes with NumPy in
one Python thread, and none pretends to change what it cannot."""

from __future__ import annotations

import builtins
import contextlib
import importlib
import os
import warnings
from collections.abc import Iterator
from typing import Any

from .autograd.anomaly import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .autograd.anomaly import set_detect_anomaly as _set_detect_anomaly
from .dtypes import float32, float64, set_default_dtype
from .legacy import DoubleTensor, FloatTensor

__all__ = [
    "are_deterministic_algorithms_enabled",
    "get_float32_matmul_precision",
    "get_num_interop_threads",
    "get_num_threads",
    "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled",
    "is_deterministic_algorithms_warn_only_enabled",
    "is_warn_always_enabled",
    "set_anomaly_enabled",
    "set_default_tensor_type",
    "set_float32_matmul_precision",
    "set_flush_denormal",
    "set_num_interop_threads",
    "set_num_threads",
    "set_warn_always",
    "use_deterministic_algorithms",
]

_state: dict[str, Any] = {
    "threads": None,  # None: not set by set_num_threads (get_num_threads asks the BLAS)
    "interop_threads": 1,
    "interop_set": False,  # set_num_interop_threads was called (a second call is refused)
    "deterministic": False,
    "warn_only": False,
    "precision": "highest",
    "warn_always": False,
}


def _positive_int(n: Any, fn: str) -> builtins.int:
    if isinstance(n, builtins.bool) or not isinstance(n, builtins.int):
        raise RuntimeError(f"{fn} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{fn} expects a positive integer")
    return n


def _threadpoolctl() -> Any:
    """threadpoolctl if it is installed (an optional package), else None."""
    try:
        return importlib.import_module("threadpoolctl")
    except ImportError:
        return None


def set_num_threads(int: builtins.int) -> None:
    """Set the number of threads NumPy's BLAS (matrix products) uses, as far as minigrad can.

    minigrad's own code runs in the calling Python thread; only NumPy's BLAS library uses
    threads. With threadpoolctl installed (``pip install threadpoolctl``; minigrad's ``bench``
    extra has it), this limits the BLAS thread pools of the process to ``int`` threads.
    Without it, nothing can change the BLAS threads once NumPy is loaded: the number is
    recorded for ``get_num_threads`` and a warning says to set ``OMP_NUM_THREADS`` (or
    ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS``) before the program starts.

    Raises:
        RuntimeError: if ``int`` is not a positive int (PyTorch's error).
    """
    n = _positive_int(int, "set_num_threads")
    tpc = _threadpoolctl()
    if tpc is not None:
        tpc.threadpool_limits(limits=n, user_api="blas")
    else:
        warnings.warn(
            "minigrad.set_num_threads: minigrad computes in one Python thread and cannot change "
            "the threads of NumPy's BLAS without threadpoolctl (pip install threadpoolctl); set "
            "OMP_NUM_THREADS before the program starts instead. The number is recorded only.",
            UserWarning,
            stacklevel=2,
        )
    _state["threads"] = n


def get_num_threads() -> builtins.int:
    """The number of threads set by ``set_num_threads``; before that, the largest thread count
    of NumPy's BLAS pools as threadpoolctl reports it, else ``OMP_NUM_THREADS`` if set, else the
    number of CPUs."""
    if _state["threads"] is not None:
        return builtins.int(_state["threads"])
    tpc = _threadpoolctl()
    if tpc is not None:
        counts = [p["num_threads"] for p in tpc.threadpool_info() if p["user_api"] == "blas"]
        if counts:
            return builtins.int(max(counts))
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and builtins.int(env) > 0:
        return builtins.int(env)
    return os.cpu_count() or 1


@contextlib.contextmanager
def blas_threads(n: builtins.int) -> Iterator[None]:
    """Within the block, NumPy's BLAS pools use ``n`` threads and ``get_num_threads()`` says
    ``n``; both are restored after (each pool to its own count). It needs threadpoolctl, as
    ``set_num_threads`` does; without it the block runs as it is, silently (the caller, such
    as ``utils.benchmark.Timer``, reports the number it was given)."""
    n = _positive_int(n, "set_num_threads")
    tpc = _threadpoolctl()
    if tpc is None:
        yield
        return
    prior = _state["threads"]
    with tpc.threadpool_limits(limits=n, user_api="blas"):
        _state["threads"] = n
        try:
            yield
        finally:
            _state["threads"] = prior


def set_num_interop_threads(int: builtins.int) -> None:
    """Record the number of inter-op threads. minigrad runs ops one after another in the calling
    thread (there is no inter-op pool), so the number is kept for
    ``get_num_interop_threads`` and changes nothing. As in PyTorch, it can be set once per
    process: code that sets it again would silently keep the first pool there.

    Raises:
        RuntimeError: if ``int`` is not a positive int, or on a second call (PyTorch's errors;
            a refused call does not count).
    """
    n = _positive_int(int, "set_num_interop_threads")
    if _state["interop_set"]:
        raise RuntimeError(
            "Error: cannot set number of interop threads after parallel work has started or "
            "set_num_interop_threads called"
        )
    _state["interop_threads"], _state["interop_set"] = n, True


def get_num_interop_threads() -> builtins.int:
    """The number given to ``set_num_interop_threads``; 1 before (ops run in one thread)."""
    return builtins.int(_state["interop_threads"])


def use_deterministic_algorithms(mode: builtins.bool, *, warn_only: builtins.bool = False) -> None:
    """Accept PyTorch's switch for deterministic algorithms and remember it. minigrad's ops
    are deterministic already (the same inputs and seed give the same results, bit for bit, in
    one environment), so there is nothing to refuse or warn about.

    Raises:
        TypeError: if ``mode`` or ``warn_only`` is not a bool.
    """
    for name, v in (("mode", mode), ("warn_only", warn_only)):
        if not isinstance(v, builtins.bool):
            raise TypeError(
                f"use_deterministic_algorithms(): argument '{name}' must be bool, not "
                f"{type(v).__name__}"
            )
    _state["deterministic"], _state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled() -> builtins.bool:
    """What ``use_deterministic_algorithms`` was last given (False at start, as PyTorch)."""
    return builtins.bool(_state["deterministic"])


def is_deterministic_algorithms_warn_only_enabled() -> builtins.bool:
    """The ``warn_only`` last given to ``use_deterministic_algorithms``."""
    return builtins.bool(_state["warn_only"])


_PRECISIONS = ("highest", "high", "medium")


def set_float32_matmul_precision(precision: str) -> None:
    """Record PyTorch's float32 matmul precision (``"highest"``, ``"high"``, ``"medium"``).
    minigrad's float32 products are NumPy's, always full float32 ("highest"); the setting is
    kept for ``get_float32_matmul_precision`` only. Another string warns and changes nothing,
    as in PyTorch."""
    if precision not in _PRECISIONS:
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
            "set_float32_matmul_precision call has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    _state["precision"] = precision


def get_float32_matmul_precision() -> str:
    """The precision last set (``"highest"`` at start)."""
    return str(_state["precision"])


def set_flush_denormal(mode: builtins.bool) -> builtins.bool:
    """PyTorch's switch for flushing denormal floats to zero, which needs the CPU's control
    register; NumPy offers no way to set it, so minigrad does not support it and returns False
    (PyTorch's answer on a CPU without the feature), changing nothing."""
    return False


def set_warn_always(b: builtins.bool, /) -> None:
    """Remember PyTorch's warn-always flag. minigrad issues its warnings through Python's
    ``warnings`` module, whose filters decide how often each shows (use
    ``warnings.simplefilter("always")`` to see every one).

    Raises:
        RuntimeError: if ``b`` is not a bool (PyTorch's error).
    """
    if not isinstance(b, builtins.bool):
        raise RuntimeError(f"setWarnOnlyOnce expects a bool, but got {type(b).__name__}")
    _state["warn_always"] = b


def is_warn_always_enabled() -> builtins.bool:
    """The flag last given to ``set_warn_always`` (False at start)."""
    return builtins.bool(_state["warn_always"])


def set_anomaly_enabled(enabled: builtins.bool, check_nan: builtins.bool = True) -> None:
    """Turn anomaly detection on or off (``autograd.set_detect_anomaly(enabled, check_nan)``
    without the context manager)."""
    _set_detect_anomaly(enabled, check_nan)


_DEFAULT_TYPES = {"float32": float32, "float64": float64}


def set_default_tensor_type(t: Any, /) -> None:
    """Deprecated in PyTorch 2.1 (and warned about, as PyTorch): set the default float dtype
    from a legacy type (``DoubleTensor``) or its name (``"torch.DoubleTensor"``). Use
    ``set_default_dtype`` instead.

    Raises:
        TypeError: for a type that is not a float tensor type, as PyTorch.
    """
    warnings.warn(
        "minigrad.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
        "minigrad.set_default_dtype() and minigrad.set_default_device() as alternatives.",
        UserWarning,
        stacklevel=2,
    )
    if isinstance(t, str):
        module, _, name = t.rpartition(".")
        if module not in ("torch", "minigrad") or name not in ("FloatTensor", "DoubleTensor"):
            raise TypeError(
                f"invalid type: {t!r}: minigrad computes on the CPU and its default type is "
                "'torch.FloatTensor' or 'torch.DoubleTensor'"
            )
        set_default_dtype(float32 if name == "FloatTensor" else float64)
        return
    if t is FloatTensor or t is DoubleTensor:
        set_default_dtype(_DEFAULT_TYPES[str(t.dtype)])
        return
    if isinstance(t, type) and hasattr(t, "dtype"):
        raise TypeError("only floating-point types are supported as the default type")
    raise TypeError(
        "invalid type object: only floating-point types are supported as the default type "
        "(minigrad.FloatTensor or minigrad.DoubleTensor)"
    )
