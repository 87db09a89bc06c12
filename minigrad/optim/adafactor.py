"""Adafactor: Adam-like steps whose second moment of a matrix is kept as a row and a column
vector (memory O(n + m) instead of O(n m)), scaled by the parameter's own size."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsLike, _lerp_, count_step, state_tensor

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018) with PyTorch's rule (``torch.optim.Adafactor``)
    and defaults.

    At step t with gradient g: ``beta2_t = 1 - t^beta2_decay``; the step size is
    ``alpha = max(eps2, RMS(p)) * min(lr, 1 / sqrt(t))``. For a tensor of 2 or more dims the
    second moment is factored: row and column means of g^2 are averaged in (``lerp`` by
    ``1 - beta2_t``) and ``v = row_var @ col_var / mean(row_var)``; a vector keeps its own.
    ``u = g / sqrt(max(v, eps1^2))`` is clipped by ``max(1, RMS(u) / d)`` and
    ``p -= alpha * u``. Weight decay is decoupled (``p *= 1 - lr * weight_decay``).

    Args:
        params: parameters or param groups.
        lr: the largest relative step size (the step is at most ``lr`` times ``RMS(p)``).
        beta2_decay: the exponent of the second moment's decay schedule (<= 0).
        eps: (eps1, eps2): eps1 bounds the second moment below (None: the machine epsilon
            of the first parameter's dtype); eps2 is the least parameter scale.
        d: the update clipping threshold (>= 1).
        weight_decay: the decoupled weight-decay factor.
        foreach: PyTorch's implementation switch: accepted and without effect.
        maximize: ascend the objective instead of descending it.

    Raises:
        ValueError: an argument out of its range, in PyTorch's words
            (``"Learning rate should be >= 0 but is: -1"``).
    """

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "beta2_decay": beta2_decay,
            "eps": eps,
            "d": d,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        lr, eps, d, wd = group["lr"], group["eps"], group["d"], group["weight_decay"]
        beta2_decay = group["beta2_decay"]
        checks = [
            (0.0 <= lr, f"Learning rate should be >= 0 but is: {lr}"),
            (0.0 >= beta2_decay, f"beta2_decay should be <= 0 but is: {beta2_decay}"),
            (eps[0] is None or 0.0 <= eps[0], f"epsilon1 should be >= 0 but is: {eps[0]}"),
            (0.0 <= eps[1], f"epsilon2 should be >= 0 but is: {eps[1]}"),
            (1.0 <= d, f"Clipping threshold d should be >= 1 but is: {d}"),
            (0.0 <= wd, f"weight_decay should be >= 0 but is: {wd}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, d, wd, beta2_decay = (
            group["lr"],
            group["d"],
            group["weight_decay"],
            group["beta2_decay"],
        )
        eps1, eps2 = group["eps"]
        for p in group["params"]:
            if p._grad is None:
                continue
            data, g = p._data, p._grad._data
            if group["maximize"]:
                g = -g
            state = self.state.get(p)
            if state is None:
                state = self._new_state(p)
                if g.ndim > 1:  # the factored second moment: one value per row, per column
                    state["row_var"] = _zeros_state((*g.shape[:-1], 1), g.dtype)
                    state["col_var"] = _zeros_state((*g.shape[:-2], 1, g.shape[-1]), g.dtype)
                else:
                    state["variance"] = _zeros_state(g.shape, g.dtype)
            if eps1 is None:  # (PyTorch's: fixed by the first parameter of the group)
                eps1 = float(np.finfo(data.dtype).eps)
            t = count_step(state)
            one_minus_beta2_t = t**beta2_decay
            rho_t = min(lr, 1 / (t**0.5))
            alpha = max(eps2, float(np.sqrt(np.sum(data * data))) / (data.size**0.5)) * rho_t
            if wd != 0:
                data *= 1 - lr * wd
            if g.ndim > 1:
                row_var, col_var = state["row_var"]._data, state["col_var"]._data
                row_mean = np.sqrt(np.sum(g * g, axis=-1, keepdims=True)) ** 2 / g.shape[-1]
                _lerp_(row_var, row_mean, one_minus_beta2_t)
                col_mean = np.sqrt(np.sum(g * g, axis=-2, keepdims=True)) ** 2 / g.shape[-2]
                _lerp_(col_var, col_mean, one_minus_beta2_t)
                var_estimate = row_var @ col_var
                var_estimate /= np.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
            else:
                variance = state["variance"]._data
                _lerp_(variance, g * g, one_minus_beta2_t)
                var_estimate = variance.copy()
            update = 1 / np.sqrt(np.maximum(var_estimate, eps1 * eps1))
            update *= g
            denom = max(1.0, float(np.sqrt(np.sum(update * update))) / ((update.size**0.5) * d))
            data -= (alpha / denom) * update


def _zeros_state(shape: tuple[int, ...], dtype: np.dtype) -> Any:
    return state_tensor(np.zeros(shape, dtype=dtype))
