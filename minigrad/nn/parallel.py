"""``nn.parallel`` as PyTorch has it on a machine without a GPU: there is one device, the CPU.

``nn.DataParallel(model)`` then runs ``model`` as it is, in this process (PyTorch keeps no
device ids when it finds no GPU), so programs written for several GPUs run unchanged: its
``.module`` is the model, its state dict the model's under the prefix ``module.``.
``data_parallel``, the function, finds no device to run on and raises PyTorch's RuntimeError.
``DistributedDataParallel`` needs ``torch.distributed``, which minigrad has not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._missing import missing_attribute
from .module import Module

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]


class DataParallel(Module):
    """Runs ``module`` on the one device there is, as PyTorch's ``DataParallel`` without a GPU.

    ``device_ids`` and ``output_device`` are taken and set aside (PyTorch's ``device_ids`` is
    ``[]`` there too); ``dim`` must be an int, the dimension PyTorch would split along.
    """

    def __init__(
        self,
        module: Module,
        device_ids: Sequence[Any] | None = None,
        output_device: Any = None,
        dim: int = 0,
    ) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(
                f"DataParallel(module=): expected an nn.Module, got {type(module).__name__}"
            )
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise TypeError(f"DataParallel(dim=): expected an int, got {dim!r}")
        self.module = module
        self.dim = dim
        self.device_ids: list[Any] = []  # no GPU: PyTorch keeps none either
        self.output_device = None

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        """``module(*inputs, **kwargs)``."""
        return self.module(*inputs, **kwargs)


def data_parallel(
    module: Module,
    inputs: Any,
    device_ids: Sequence[Any] | None = None,
    output_device: Any = None,
    dim: int = 0,
    module_kwargs: Any = None,
) -> Any:
    """PyTorch's ``nn.parallel.data_parallel`` on a machine without a GPU: a RuntimeError."""
    raise RuntimeError(
        "device type could not be determined: nn.parallel.data_parallel runs a module on "
        "GPUs, and minigrad computes on the CPU; call the module itself, module(input)"
    )


class DistributedDataParallel(Module):
    """``torch.nn.parallel.DistributedDataParallel``: refused, minigrad has no process groups."""

    def __init__(self, module: Module, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            "minigrad does not have nn.parallel.DistributedDataParallel: it needs "
            "torch.distributed, and minigrad trains in one process; use the module itself "
            "(or nn.DataParallel, which runs it as it is)"
        )


__getattr__ = missing_attribute("minigrad.nn.parallel", "torch.nn.parallel")
