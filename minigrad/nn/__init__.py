"""Neural-network building blocks: ``Module`` and ``Parameter``, layers, losses, ``init``."""

from .._missing import missing_attribute
from . import functional, init, layers, utils
from .conv import AdaptiveAvgPool2d, AvgPool2d, Conv1d, Conv2d, Dropout, Dropout2d, MaxPool2d
from .embedding import Embedding
from .layers import *  # noqa: F403  (Linear, the activations, Flatten, Sequential...)
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module, ModuleDict, ModuleList, Parameter, RemovableHandle
from .normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase

__getattr__ = missing_attribute("minigrad.nn", "torch.nn")

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Dropout2d",
    "Embedding",
    "GRUCell",
    "HuberLoss",
    "L1Loss",
    "LSTMCell",
    "LayerNorm",
    "MSELoss",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "RNNBase",
    "RNNCell",
    "RNNCellBase",
    "RemovableHandle",
    "SmoothL1Loss",
    "functional",
    "init",
    "utils",
]
__all__ += layers.__all__
