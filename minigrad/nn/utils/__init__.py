"""``torch.nn.utils``' names: ``rnn`` says that minigrad has no packed sequences; any other name
raises the usual error naming what minigrad does not have."""

from ..._missing import missing_attribute
from . import rnn

__getattr__ = missing_attribute("minigrad.nn.utils", "torch.nn.utils")

__all__ = ["rnn"]
