"""``torch.nn.utils.init.skip_init``: build a module without running its initialisation.

PyTorch builds the module on the "meta" device (no memory) and then allocates it empty, so the
weights hold whatever memory held. minigrad has no meta device: it builds the module as usual,
so the weights hold their default initial values (any values satisfy PyTorch's contract,
which leaves them unspecified); the cost of the initialisation is not saved.
"""

from __future__ import annotations

import inspect
from typing import Any

from ..module import Module

__all__ = ["skip_init"]


def skip_init(module_cls: type, *args: Any, **kwargs: Any) -> Any:
    """``module_cls(*args, **kwargs)`` whose parameters are to be overwritten by the caller
    (e.g. loaded from a state dict), as PyTorch's ``skip_init``.

    Raises:
        RuntimeError: ``module_cls`` is not a Module class, or takes no ``device`` argument
            (PyTorch's words: its way of skipping needs one).
    """
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    kwargs["device"] = kwargs.pop("device", "cpu")
    return module_cls(*args, **kwargs)
