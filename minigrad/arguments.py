"""Arguments PyTorch's argument parser refuses that a Python signature would let through: an
explicit None dim where PyTorch has no ``dim=None`` overload, refused in PyTorch's words and then
the fix. (Lists of sizes of ints only, as ``repeat``, ``reshape`` and ``view`` take them, are
read by ``validation.int_sizes``, which ``reshape`` in the core calls.)

Below ``tensor.py``, so it knows no Tensor class: anything with a ``._data`` array is a tensor.
"""

from __future__ import annotations

from typing import Any, NoReturn


def refuse_none_dim(fn: str, keepdim: Any, fix: str) -> NoReturn:
    """PyTorch's TypeError for ``fn(None)``: ``max``, ``min``, ``prod`` and ``squeeze`` have
    no overload whose dim may be None (their all-elements form takes no dim at all). With a
    keepdim the one overload left names the dim, as PyTorch's does."""
    if keepdim is True:
        raise TypeError(f"{fn}(): argument 'dim' (position 1) must be int, not NoneType ({fix})")
    raise TypeError(f"{fn}() received an invalid combination of arguments - got dim=None ({fix})")
