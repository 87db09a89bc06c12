"""``torch.nn.modules.loss``: the loss modules and their bases ``_Loss`` and ``_WeightedLoss``,
which a custom loss subclasses as in PyTorch."""

from __future__ import annotations

from ..losses import *  # noqa: F403  (MSELoss, CrossEntropyLoss...: losses.__all__)
from ..losses import __all__ as _losses
from ..losses import _Loss, _WeightedLoss

__all__ = ["_Loss", "_WeightedLoss", *_losses]
