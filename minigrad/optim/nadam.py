"""NAdam: Adam with Nesterov momentum and a momentum schedule (Dozat, 2016)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import (
    Optimizer,
    ParamsLike,
    _check_betas,
    _lerp_,
    count_step,
    state_number,
)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam with PyTorch's rule, momentum decay and optional decoupled weight decay.

    With g = grad (+ weight_decay * p, or ``p *= 1 - lr * weight_decay`` when decoupled) and
    step t: ``mu_t = b1 (1 - 0.5 * 0.96^(t momentum_decay))``, ``prod_t = mu_1 ... mu_t``,
    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``,
    ``denom = sqrt(v / (1 - b2^t)) + eps`` and
    ``p -= lr (1 - mu_t) / (1 - prod_t) g / denom + lr mu_{t+1} / (1 - prod_{t+1}) m / denom``.

    Args:
        params: parameters or param groups.
        lr: learning rate.
        betas: decay rates of the first and second moment estimates, each in [0, 1).
        eps: added to the denominator for numerical stability.
        weight_decay: weight decay (L2 penalty, or decoupled).
        momentum_decay: the momentum schedule's decay (psi in the paper).
        decoupled_weight_decay: shrink the parameters directly, as AdamW (NAdamW).
        maximize: ascend the objective instead of descending it.
        foreach, fused, capturable, differentiable: PyTorch's implementation switches
            (those PyTorch's optimizer has): accepted and without effect, one NumPy update;
            capturable=True and differentiable=True are refused (docs/training.md).

    Raises:
        ValueError: ``"Invalid learning rate: -1"`` and the like, as PyTorch words them.
    """

    _scalar_state = ("mu_product",)

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
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
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        self._nonneg(group, "lr", "eps")
        _check_betas(group, "NAdam")
        self._nonneg(group, "weight_decay", "momentum_decay")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps, (beta1, beta2) = group["lr"], group["eps"], group["betas"]
        psi = group["momentum_decay"]
        for p, data, g in self._gradients(group):
            state = self.state.get(p)
            if state is None:
                state = self._new_state(p, "exp_avg", "exp_avg_sq")
                state["mu_product"] = state_number(1.0)
            t = count_step(state)
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
            held = state["mu_product"]._data  # a 0-d array: multiplied in its dtype, as PyTorch
            held *= mu
            mu_product = float(held)
            m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
            _lerp_(m, g, 1 - beta1)
            v *= beta2
            v += (1 - beta2) * np.multiply(g, g, dtype=data.dtype)
            denom = np.sqrt(v / (1 - beta2**t))
            denom += eps
            data += (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
            data += (-lr * mu_next / (1.0 - mu_product * mu_next)) * (m / denom)
