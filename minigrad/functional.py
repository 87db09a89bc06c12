"""``torch.functional``: the tensor functions PyTorch defines in that module (``einsum``,
``meshgrid``, ``norm``, ``split``, ``unique``...), for code that imports it
(``import torch.functional as F``); each is minigrad's function of the same name.

It is not ``torch.nn.functional``: as in PyTorch, ``relu`` or ``max_pool2d`` are not here,
and asking for them raises an error that says where they are.
"""

from __future__ import annotations

from ._missing import missing_attribute
from .functions import broadcast_shapes, broadcast_tensors, einsum, meshgrid, norm, split, unique
from .linalg_functions import cdist
from .math_gaps import chain_matmul, unique_consecutive, unravel_index
from .more_functions import (
    atleast_1d,
    atleast_2d,
    atleast_3d,
    block_diag,
    cartesian_prod,
    tensordot,
)

__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "block_diag",
    "broadcast_shapes",
    "broadcast_tensors",
    "cartesian_prod",
    "cdist",
    "chain_matmul",
    "einsum",
    "meshgrid",
    "norm",
    "split",
    "tensordot",
    "unique",
    "unique_consecutive",
    "unravel_index",
]

__getattr__ = missing_attribute(
    "minigrad.functional",
    "torch.functional",
    "torch.functional holds tensor functions such as einsum and meshgrid; the layers' "
    "functions (relu, max_pool2d...) are in minigrad.nn.functional, as in PyTorch",
)
