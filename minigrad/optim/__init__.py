"""Optimizers with PyTorch's names, update rules and state dicts; schedulers in ``lr_scheduler``,
weight averaging (SWA, EMA) in ``swa_utils``."""

from .._missing import missing_attribute
from . import lr_scheduler, swa_utils
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adamax import Adamax
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import SGD, Adam, AdamW, Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sparse_adam import SparseAdam

__getattr__ = missing_attribute("minigrad.optim", "torch.optim")

__all__ = [
    "ASGD",
    "LBFGS",
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "Rprop",
    "SparseAdam",
    "lr_scheduler",
    "swa_utils",
]
