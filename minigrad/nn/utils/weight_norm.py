"""Weight normalisation (https://arxiv.org/abs/1602.07868), PyTorch's original form
(``torch.nn.utils.weight_norm``, ``remove_weight_norm``): a parameter ``w`` replaced by a
magnitude ``w_g`` and a direction ``w_v``, ``w = w_g * w_v / ||w_v||``, recomputed by a forward
pre-hook before every call of the module.

The weight is a composition of ``vector_norm``, division and multiplication, so its gradient
with respect to ``w_g`` and ``w_v`` comes from theirs.
"""

from __future__ import annotations

import warnings
from typing import Any, TypeVar

from ...dims import wrap_dim
from ...grad_mode import no_grad
from ...linalg import vector_norm
from ...tensor import Tensor
from ..module import Module, Parameter

__all__ = ["WeightNorm", "remove_weight_norm", "weight_norm"]

T_module = TypeVar("T_module", bound=Module)


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:
    """The ``pow``-norm of ``v`` over every dim but ``dim``, kept as size-1 dims
    (``torch.norm_except_dim``); ``dim=-1`` means the norm of the whole tensor (a 0-dim
    result), as PyTorch's, not the last dim."""
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(
            f"norm_except_dim(): argument 'dim' (position 3) must be int, not {type(dim).__name__}"
        )
    if dim == -1:
        return vector_norm(v, pow)
    if v.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = wrap_dim(dim, v.ndim, "norm_except_dim", v.shape)
    kept = [1] * v.ndim
    kept[d] = v.shape[d]
    # One row per index of dim (a 1-D v gives rows of one element: |v_i|, as PyTorch).
    rows = v.movedim(d, 0).reshape(v.shape[d], -1)
    return vector_norm(rows, pow, 1).reshape(kept)


class WeightNorm:
    """The forward pre-hook of ``weight_norm``: sets ``module.<name>`` to ``g * v / ||v||``
    from the parameters ``<name>_g`` and ``<name>_v`` before each call."""

    name: str
    dim: int

    def __init__(self, name: str, dim: int | None) -> None:
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module: Module) -> Tensor:
        """``v * (g / ||v||)``, the norm over every dim but ``dim`` (all of them for -1)."""
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return v * (g / norm_except_dim(v, 2, self.dim))

    @staticmethod
    def apply(module: Module, name: str, dim: int | None) -> WeightNorm:
        """Replace ``module``'s parameter ``name`` by ``name_g`` and ``name_v`` and register
        the hook; checks everything first, so a misuse leaves the module as it was."""
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(
                    f"Cannot register two weight_norm hooks on the same parameter {name}"
                )
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        if not isinstance(weight, Tensor):
            raise TypeError(
                "norm_except_dim(): argument 'v' (position 1) must be Tensor, not "
                f"{type(weight).__name__}"
            )
        if name not in module._parameters:
            raise KeyError(name)
        with no_grad():
            g = norm_except_dim(weight, 2, fn.dim)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(g))
        # v shares the original weight's memory, as PyTorch's (Parameter(weight.data)).
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        """Put back ``name`` as a plain parameter holding the current weight."""
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module: T_module, name: str = "weight", dim: int | None = 0) -> T_module:
    r"""Apply weight normalization to a parameter of ``module`` (``torch.nn.utils.weight_norm``).

    ``w = g * v / ||v||``: the parameter ``name`` (e.g. ``"weight"``) is replaced by a
    magnitude ``name_g`` (``"weight_g"``) and a direction ``name_v`` (``"weight_v"``), and a
    forward pre-hook recomputes ``module.<name>`` (a plain tensor now) from them before every
    call. With ``dim=0`` (the default) the norm is computed per output channel, over every
    other dim (``weight_g`` of a ``Linear(20, 40)`` has shape ``(40, 1)``); ``dim=None`` (or
    -1, as PyTorch) takes the norm of the whole tensor (``weight_g`` is 0-dim).

    As PyTorch, it warns (``FutureWarning``) that this form is deprecated in favour of
    ``nn.utils.parametrizations.weight_norm``. The ``state_dict`` keys are PyTorch's
    (``weight_g``, ``weight_v``).

    Args:
        module: the module holding the parameter.
        name: the parameter's name.
        dim: the dim kept by the norm (the others are reduced); None for the whole tensor.

    Returns:
        ``module``, with the hook registered.

    Raises:
        RuntimeError: if ``name`` already has a weight_norm hook.
        AttributeError, KeyError: if ``module`` has no ``name``, or it is not a parameter.
        IndexError: for a ``dim`` out of range.
    """
    warnings.warn(
        "`torch.nn.utils.weight_norm` is deprecated in favor of "
        "`torch.nn.utils.parametrizations.weight_norm`.",
        FutureWarning,
        stacklevel=2,
    )
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module: T_module, name: str = "weight") -> T_module:
    """Remove the weight normalization of ``name`` from ``module``
    (``torch.nn.utils.remove_weight_norm``): ``name`` becomes a parameter again, holding the
    current ``g * v / ||v||``; ``name_g`` and ``name_v`` are gone.

    Raises:
        ValueError: if ``name`` has no weight normalization, in PyTorch's words.
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
