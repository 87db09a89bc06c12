"""Optimizers with PyTorch's names, update rules and state dicts; schedulers in ``lr_scheduler``."""

from .._missing import missing_attribute
from . import lr_scheduler
from .adagrad import Adagrad
from .optimizer import SGD, Adam, AdamW, Optimizer
from .rmsprop import RMSprop

__getattr__ = missing_attribute("minigrad.optim", "torch.optim")

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
