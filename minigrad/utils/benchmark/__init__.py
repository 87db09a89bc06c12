"""PyTorch's ``torch.utils.benchmark``: ``Timer`` (``timeit``, ``blocked_autorange``,
``adaptive_autorange``), ``Measurement``, ``Compare`` and ``Fuzzer``, for Python statements
on minigrad tensors, NumPy arrays or plain Python. No C++ timing, Callgrind or CUDA."""

from ..._missing import missing_attribute
from .common import (
    Measurement,
    TaskSpec,
    ordered_unique,
    select_unit,
    set_torch_threads,
    trim_sigfig,
    unit_to_english,
)
from .compare import Colorize, Compare
from .fuzzer import FuzzedParameter, FuzzedTensor, Fuzzer, ParameterAlias
from .timer import Language, Timer, timer

__getattr__ = missing_attribute("minigrad.utils.benchmark", "torch.utils.benchmark")

__all__ = [
    "Colorize",
    "Compare",
    "FuzzedParameter",
    "FuzzedTensor",
    "Fuzzer",
    "Language",
    "Measurement",
    "ParameterAlias",
    "TaskSpec",
    "Timer",
    "ordered_unique",
    "select_unit",
    "set_torch_threads",
    "timer",
    "trim_sigfig",
    "unit_to_english",
]
