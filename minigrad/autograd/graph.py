"""``autograd.graph``, PyTorch's hooks on the recorded graph: what minigrad has of it.

``save_on_cpu`` runs its block as it is: every tensor already lives on the CPU, where PyTorch's
would move the saved values, so the gradients are the same. ``saved_tensors_hooks`` is refused:
minigrad's ops keep the arrays they save inside their nodes and call no pack/unpack hooks, so
the hooks would silently not run. Hooks on a node itself are ``grad_fn.register_hook`` and
``grad_fn.register_prehook`` (``minigrad.hooks``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._missing import missing_attribute


class saved_tensors_hooks:
    """PyTorch's context manager for pack/unpack hooks on saved tensors: not supported.

    Raises:
        NotImplementedError: always, saying what to do instead.
    """

    def __init__(self, pack_hook: Callable[[Any], Any], unpack_hook: Callable[[Any], Any]) -> None:
        raise NotImplementedError(
            "torch.autograd.graph.saved_tensors_hooks: minigrad's ops keep the arrays they "
            "save for backward inside their nodes and call no pack/unpack hooks. Run the code "
            "without the hooks (the saved values stay in memory); an autograd.Function can "
            "keep what it needs in its own form on ctx"
        )


class save_on_cpu:
    """PyTorch's ``save_on_cpu(pin_memory=False, device_type="cuda")``: saved tensors kept in
    CPU memory. minigrad's tensors are all on the CPU, so the block runs as it is (the same
    values and gradients as PyTorch's)."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        self.pin_memory, self.device_type = pin_memory, device_type

    def __enter__(self) -> save_on_cpu:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


__getattr__ = missing_attribute("minigrad.autograd.graph", "torch.autograd.graph")

__all__ = ["save_on_cpu", "saved_tensors_hooks"]
