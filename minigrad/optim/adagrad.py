"""Adagrad: per-coordinate steps shrinking with the sum of past squared gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsLike, count_step

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad with PyTorch's rule, learning-rate decay and initial accumulator.

    With g = grad (+ weight_decay * p) and step t: ``s += g^2``,
    ``p -= lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps)``; ``s`` starts at
    ``initial_accumulator_value``. As in PyTorch, the state (``step``, ``sum``) exists from
    construction on.

    Args:
        params: parameters or param groups.
        lr: learning rate.
        lr_decay: learning-rate decay per step.
        weight_decay: L2 penalty added to the gradient.
        initial_accumulator_value: starting value of the sum of squared gradients.
        eps: added to the denominator for numerical stability.
        maximize: ascend the objective instead of descending it.
        foreach, fused, capturable, differentiable: PyTorch's implementation switches
            (those PyTorch's optimizer has): accepted and without effect, one NumPy update;
            capturable=True and differentiable=True are refused (docs/training.md).

    Raises:
        ValueError: on a negative lr, lr_decay, weight_decay, initial_accumulator_value or eps.
    """

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> dict[str, Any]:
        state = self._new_state(p, "sum")
        state["sum"]._data += group["initial_accumulator_value"]
        return state

    def _validate(self, group: dict[str, Any]) -> None:
        self._nonneg(group, "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, lr_decay, eps = group["lr"], group["lr_decay"], group["eps"]
        for p, data, g in self._gradients(group):
            state = self.state.get(p) or self._init_state(p, group)
            t = count_step(state)
            clr = lr / (1 + (t - 1) * lr_decay)
            s = state["sum"]._data
            s += np.multiply(g, g, dtype=data.dtype)
            std = np.sqrt(s)
            std += eps
            np.subtract(data, clr * (g / std), out=data)
