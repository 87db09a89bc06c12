"""RAdam: Adam whose adaptive step is switched on gradually, as the variance of the second
moment estimate becomes tractable (Liu et al., 2019)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsLike, _check_betas, _lerp_, count_step

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """Rectified Adam with PyTorch's rule and optional decoupled weight decay.

    With g = grad (+ weight_decay * p, or ``p *= 1 - lr * weight_decay`` when decoupled) and
    step t: ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``,
    ``rho_inf = 2 / (1 - b2) - 1``, ``rho_t = rho_inf - 2 t b2^t / (1 - b2^t)``. While
    ``rho_t <= 5`` the step is SGD with momentum, ``p -= lr m / (1 - b1^t)``; after it,
    ``p -= lr m / (1 - b1^t) * sqrt(1 - b2^t) / (sqrt(v) + eps) * r_t`` with
    ``r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))``.

    Args:
        params: parameters or param groups.
        lr: learning rate.
        betas: decay rates of the first and second moment estimates, each in [0, 1).
        eps: added to the denominator for numerical stability.
        weight_decay: weight decay (L2 penalty, or decoupled).
        decoupled_weight_decay: shrink the parameters directly, as AdamW.
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
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        self._nonneg(group, "lr", "eps")
        _check_betas(group, "RAdam")
        self._nonneg(group, "weight_decay")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps, (beta1, beta2) = group["lr"], group["eps"], group["betas"]
        for p, data, g in self._gradients(group):
            state = self.state.get(p) or self._new_state(p, "exp_avg", "exp_avg_sq")
            t = count_step(state)
            m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
            _lerp_(m, g, 1 - beta1)
            v *= beta2
            v += (1 - beta2) * np.multiply(g, g, dtype=data.dtype)
            bc1, bc2 = 1 - beta1**t, 1 - beta2**t
            step = m / bc1
            step *= lr
            rho_inf = 2 / (1 - beta2) - 1
            rho_t = rho_inf - 2 * t * (beta2**t) / bc2
            if rho_t > 5.0:
                denom = np.sqrt(v)
                denom += eps
                step *= bc2**0.5 / denom
                step *= math.sqrt(
                    (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
                )
            data -= step
