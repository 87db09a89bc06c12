"""PyTorch's ``torch.utils`` counterparts: ``minigrad.utils.data`` and ``.checkpoint``."""

from .._missing import missing_attribute
from . import checkpoint, data

__getattr__ = missing_attribute("minigrad.utils", "torch.utils")

__all__ = ["checkpoint", "data"]
