"""RMSprop: scale each step by a running average of squared gradients (PyTorch's rule)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsLike, count_step

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop, optionally centered and with momentum, exactly as PyTorch computes it.

    With g = grad (+ weight_decay * p): ``v = alpha v + (1 - alpha) g^2``; the denominator is
    ``sqrt(v) + eps``, or ``sqrt(v - a^2) + eps`` with ``a = alpha a + (1 - alpha) g`` when
    centered; ``p -= lr * g / denom``, or with momentum ``b = momentum b + g / denom`` (b
    starts at zero) and ``p -= lr * b``.

    Args:
        params: parameters or param groups.
        lr: learning rate.
        alpha: smoothing constant of the squared-gradient average.
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        momentum: momentum factor (0 disables it).
        centered: normalise by an estimate of the gradient's variance instead of its second
            moment.
        maximize: ascend the objective instead of descending it.
        foreach, fused, capturable, differentiable: PyTorch's implementation switches
            (those PyTorch's optimizer has): accepted and without effect, one NumPy update;
            capturable=True and differentiable=True are refused (docs/training.md).

    Raises:
        ValueError: on a negative lr, alpha, eps, weight_decay or momentum.
    """

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        self._nonneg(group, "lr", "alpha", "eps", "weight_decay", "momentum")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        momentum, centered = group["momentum"], group["centered"]
        extra = ["momentum_buffer"] * (momentum > 0) + ["grad_avg"] * bool(centered)
        for p, data, g in self._gradients(group):
            state = self.state.get(p) or self._new_state(p, "square_avg", *extra)
            count_step(state)
            v = state["square_avg"]._data
            v *= alpha
            v += (1 - alpha) * np.multiply(g, g, dtype=data.dtype)
            if centered:
                a = state["grad_avg"]._data
                a += (1 - alpha) * (g - a)  # a lerp towards g, as PyTorch writes it
                denom = np.sqrt(v - a * a)
            else:
                denom = np.sqrt(v)
            denom += eps
            if momentum > 0:
                buf = state["momentum_buffer"]._data
                buf *= momentum
                buf += g / denom
                np.subtract(data, lr * buf, out=data)
            else:
                np.subtract(data, lr * (g / denom), out=data)
