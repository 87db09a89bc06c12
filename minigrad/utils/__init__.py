"""PyTorch's ``torch.utils`` counterparts: ``minigrad.utils.data``, ``.checkpoint``,
``.benchmark`` and ``.tensorboard`` (whose writer imports its optional extra, tensorboardX,
only when made); ``swap_tensors``."""

from .._missing import missing_attribute
from . import benchmark, checkpoint, data, tensorboard
from .swap import swap_tensors

__getattr__ = missing_attribute("minigrad.utils", "torch.utils")

__all__ = ["benchmark", "checkpoint", "data", "swap_tensors", "tensorboard"]
