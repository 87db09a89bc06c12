"""Ready-made parametrizations (``torch.nn.utils.parametrizations``): ``weight_norm``, built on
``nn.utils.parametrize`` as PyTorch's is. ``orthogonal`` and ``spectral_norm`` are not here
(any name minigrad lacks raises an error saying so)."""

from __future__ import annotations

from typing import TypeVar

from ..._missing import missing_attribute
from ...tensor import Tensor
from ..module import Module
from . import parametrize
from .weight_norm import norm_except_dim

__all__ = ["weight_norm"]

T_module = TypeVar("T_module", bound=Module)

__getattr__ = missing_attribute(
    "minigrad.nn.utils.parametrizations", "torch.nn.utils.parametrizations"
)


class _WeightNorm(Module):
    """``w = g * v / ||v||``, the norm over every dim but ``dim`` (all of them for -1); its
    right inverse splits a weight into ``g = ||w||`` and ``v = w``."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return weight_v * (weight_g / norm_except_dim(weight_v, 2, self.dim))

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: T_module, name: str = "weight", dim: int | None = 0) -> T_module:
    """Weight normalisation as a parametrization (``torch.nn.utils.parametrizations.
    weight_norm``): ``module.<name>`` becomes ``g * v / ||v||``, computed from
    ``module.parametrizations.<name>.original0`` (the magnitude g, of shape ``(out, 1, ...)``
    for ``dim=0``) and ``original1`` (the direction v, the weight's shape), both Parameters.
    ``dim=None`` (or -1) takes the norm of the whole tensor. ``parametrize.remove_parametrizations
    (module, name)`` turns it back into one parameter.

    Returns:
        ``module``.
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module
