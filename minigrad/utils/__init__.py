"""PyTorch's ``torch.utils`` counterpart: ``minigrad.utils.data``."""

from . import data

__all__ = ["data"]
