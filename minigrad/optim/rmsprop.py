"""RMSprop: scale each step by a running average of squared gradients (PyTorch's rule)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsLike, _check_nonneg

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

    Raises:
        ValueError: on a negative lr, alpha, eps, weight_decay or momentum.
    """

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        _check_nonneg(
            "RMSprop",
            lr=group["lr"],
            alpha=group["alpha"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            momentum=group["momentum"],
        )

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, alpha, eps, wd = group["lr"], group["alpha"], group["eps"], group["weight_decay"]
        momentum, centered, maximize = group["momentum"], group["centered"], group["maximize"]
        for p in group["params"]:
            if p.grad is None:
                continue
            data = p._data
            g = p.grad._data
            if maximize:
                g = -g
            if wd != 0:
                g = g + wd * data
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {"step": 0, "square_avg": np.zeros_like(data)}
                if momentum > 0:
                    state["momentum_buffer"] = np.zeros_like(data)
                if centered:
                    state["grad_avg"] = np.zeros_like(data)
            state["step"] += 1
            v = state["square_avg"]
            v *= alpha
            v += (1 - alpha) * np.multiply(g, g, dtype=data.dtype)
            if centered:
                a = state["grad_avg"]
                a += (1 - alpha) * (g - a)  # a lerp towards g, as PyTorch writes it
                denom = np.sqrt(v - a * a)
            else:
                denom = np.sqrt(v)
            denom += eps
            if momentum > 0:
                buf = state["momentum_buffer"]
                buf *= momentum
                buf += g / denom
                np.subtract(data, lr * buf, out=data)
            else:
                np.subtract(data, lr * (g / denom), out=data)
