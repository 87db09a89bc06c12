"""``torch.nn.modules.module``: ``Module``, for ``from torch.nn.modules.module import Module``."""

from __future__ import annotations

from ..module import Module

__all__ = ["Module"]
