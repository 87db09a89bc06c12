"""PyTorch's ``torch.utils`` counterpart: ``minigrad.utils.data``."""

from .._missing import missing_attribute
from . import data

__getattr__ = missing_attribute("minigrad.utils", "torch.utils")

__all__ = ["data"]
