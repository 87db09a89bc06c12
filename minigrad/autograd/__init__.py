"""`minigrad.autograd`, PyTorch's public namespace; the engine itself is `engine.py`.

Here: ``grad`` and ``backward``, user-defined ops (``Function``), ``gradcheck`` and
``gradgradcheck``, grad mode, ``functional`` (Jacobians, Hessians and their products with a
vector), ``graph`` (what minigrad has of PyTorch's graph hooks), ``profiler`` (PyTorch's
older profiler API) and ``Variable``.
"""

from .._missing import missing_attribute
from ..grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from ..gradients import backward, grad
from . import forward_ad, function, functional, graph, profiler
from .anomaly import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .function import Function, FunctionCtx
from .gradcheck import gradcheck, gradgradcheck
from .variable import Variable

__getattr__ = missing_attribute("minigrad.autograd", "torch.autograd")

__all__ = [
    "Function",
    "FunctionCtx",
    "Variable",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "forward_ad",
    "function",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "graph",
    "inference_mode",
    "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "profiler",
    "set_detect_anomaly",
    "set_grad_enabled",
]
