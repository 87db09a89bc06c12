"""PyTorch's ``torch.nn.modules`` path: the layers of ``minigrad.nn`` under the names code
imports them by (``from torch.nn.modules.module import Module``, ``...loss import _Loss``).

minigrad keeps its layers in other files than PyTorch does; the submodules here are the two
that user code reaches for. Any other name of ``torch.nn.modules`` raises an error saying to
import the layer from ``minigrad.nn``.
"""

from __future__ import annotations

import sys

from ..._missing import missing_attribute
from ..module import Module
from . import loss, module

# every layer class of minigrad.nn, as torch.nn.modules has them (torch.nn.modules.Linear);
# the package is loaded before its subpackage, so its names are all there
_nn = vars(sys.modules[__name__.rpartition(".")[0]])
_layers = {
    name: _nn[name]
    for name in _nn["__all__"]
    if isinstance(_nn.get(name), type) and issubclass(_nn[name], Module)
}
globals().update(_layers)

__all__ = [*sorted(_layers), "loss", "module"]

__getattr__ = missing_attribute(
    "minigrad.nn.modules",
    "torch.nn.modules",
    "minigrad keeps its layers in minigrad.nn: import them from there "
    "(from minigrad.nn import Conv2d)",
)
