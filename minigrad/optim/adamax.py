"""Adamax: Adam with the infinity norm of past gradients in place of their second moment."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsLike, _check_betas, _lerp_, count_step

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, section 7) with PyTorch's rule and defaults.

    With g = grad (+ weight_decay * p) and step t: ``m = b1 m + (1 - b1) g``,
    ``u = max(b2 u, |g| + eps)``, ``p -= lr / (1 - b1^t) * m / u``.

    Args:
        params: parameters or param groups.
        lr: learning rate.
        betas: decay rates of the first moment and of the infinity norm, each in [0, 1).
        eps: added to ``|g|`` for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        maximize: ascend the objective instead of descending it.
        foreach, fused, capturable, differentiable: PyTorch's implementation switches
            (those PyTorch's optimizer has): accepted and without effect, one NumPy update;
            capturable=True and differentiable=True are refused (docs/training.md).

    Raises:
        ValueError: ``"Invalid learning rate: -1"`` and the like, as PyTorch words them.
    """

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        self._nonneg(group, "lr", "eps")
        _check_betas(group, "Adamax")
        self._nonneg(group, "weight_decay")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps, (beta1, beta2) = group["lr"], group["eps"], group["betas"]
        for p, data, g in self._gradients(group):
            state = self.state.get(p) or self._new_state(p, "exp_avg", "exp_inf")
            t = count_step(state)
            m, u = state["exp_avg"]._data, state["exp_inf"]._data
            _lerp_(m, g, 1 - beta1)
            u *= beta2
            np.maximum(u, np.abs(g) + eps, out=u)
            clr = lr / (1 - beta1**t)
            data -= clr * (m / u)
