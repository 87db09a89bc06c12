"""`minigrad.autograd`, PyTorch's public namespace; the engine itself is `engine.py`."""

from ..engine import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from ..gradcheck import gradcheck, gradgradcheck
from ..tensor import grad

__all__ = [
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]
