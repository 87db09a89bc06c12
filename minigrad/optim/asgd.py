"""ASGD: SGD with a decaying step size and a running (Polyak) average of the iterates."""

from __future__ import annotations

from typing import Any

from .optimizer import Optimizer, ParamsLike, count_step, read_number, state_number, write_number

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Averaged SGD (Polyak & Juditsky; Bottou's schedule) with PyTorch's rule and defaults.

    With g = grad (+ weight_decay * p) and step t: ``p *= 1 - lambd eta``, ``p -= eta g``;
    the average ``ax`` follows ``p`` (``ax += mu (p - ax)``); then
    ``eta = lr / (1 + lambd lr t)^alpha`` and ``mu = 1 / max(1, t - t0)``. The averaged
    parameters are in ``optimizer.state[p]["ax"]``.

    Args:
        params: parameters or param groups.
        lr: learning rate (the first step size).
        lambd: decay term.
        alpha: power of the step-size decay.
        t0: the step at which averaging starts.
        weight_decay: L2 penalty added to the gradient.
        maximize: ascend the objective instead of descending it.
        foreach, fused, capturable, differentiable: PyTorch's implementation switches
            (those PyTorch's optimizer has): accepted and without effect, one NumPy update;
            capturable=True and differentiable=True are refused (docs/training.md).

    Raises:
        ValueError: ``"Invalid learning rate: -1"`` and the like, as PyTorch words them.
    """

    _scalar_state = ("eta", "mu")

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        self._nonneg(group, "lr", "weight_decay")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, lambd, alpha, t0 = group["lr"], group["lambd"], group["alpha"], group["t0"]
        for p, data, g in self._gradients(group):
            state = self.state.get(p)
            if state is None:
                state = self._new_state(p, "ax")
                state["eta"], state["mu"] = state_number(lr), state_number(1.0)
            t = count_step(state)
            eta, mu, ax = read_number(state["eta"]), read_number(state["mu"]), state["ax"]._data
            data *= 1 - lambd * eta
            data -= eta * g
            if mu != 1:
                ax += (data - ax) * mu
            else:
                ax[...] = data
            write_number(state["eta"], lr / ((1 + lambd * lr * t) ** alpha))
            write_number(state["mu"], 1 / max(1, t - t0))
