"""PyTorch's ``torch.nn.parameter``: ``Parameter``, ``Buffer`` and the uninitialized tensors of
the lazy modules (``lazy.py``)."""

from .lazy import UninitializedBuffer, UninitializedParameter, UninitializedTensorMixin, is_lazy
from .module import Buffer, Parameter

__all__ = [
    "Buffer",
    "Parameter",
    "UninitializedBuffer",
    "UninitializedParameter",
    "UninitializedTensorMixin",
    "is_lazy",
]
