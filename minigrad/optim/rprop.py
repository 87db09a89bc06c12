"""Rprop: per-coordinate step sizes that grow while the gradient keeps its sign and shrink when
it flips; only the gradient's sign is used."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsLike, _check, count_step

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Resilient backpropagation (Riedmiller & Braun) with PyTorch's rule and defaults.

    Per coordinate, with g = grad and the previous step's g': the step size is multiplied by
    ``etaplus`` when ``g g' > 0``, by ``etaminus`` when ``g g' < 0`` (and g is then taken as
    0 for this step), and clipped to ``step_sizes``; ``p -= sign(g) * step_size``. Step sizes
    start at ``lr``. There is no weight decay, as in PyTorch.

    Args:
        params: parameters or param groups.
        lr: the initial step size.
        etas: (etaminus, etaplus), with ``0 < etaminus < 1 < etaplus``.
        step_sizes: the least and the largest step size.
        maximize: ascend the objective instead of descending it.
        foreach, fused, capturable, differentiable: PyTorch's implementation switches
            (those PyTorch's optimizer has): accepted and without effect, one NumPy update;
            capturable=True and differentiable=True are refused (docs/training.md).

    Raises:
        ValueError: ``"Invalid learning rate: -1"``, ``"Invalid eta values: 1.5, 1.2"``, as
            PyTorch words them.
    """

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "etas": etas,
            "step_sizes": step_sizes,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        self._nonneg(group, "lr")
        etas, sizes = group["etas"], group["step_sizes"]
        for key, pair in (("etas", etas), ("step_sizes", sizes)):
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise ValueError(f"Rprop: {key} must be a pair of numbers, got {pair!r}")
        _check(0.0 < etas[0] < 1.0 < etas[1], f"Invalid eta values: {etas[0]}, {etas[1]}")
        group["etas"], group["step_sizes"] = tuple(etas), tuple(sizes)

    def _update_group(self, group: dict[str, Any]) -> None:
        etaminus, etaplus = group["etas"]
        size_min, size_max = group["step_sizes"]
        for p, data, g in self._gradients(group):
            state = self.state.get(p)
            if state is None:
                state = self._new_state(p, "prev", "step_size")
                state["step_size"]._data += group["lr"]
            count_step(state)
            prev, step_size = state["prev"]._data, state["step_size"]._data
            sign = np.sign(g * prev)
            factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0))
            step_size *= factor.astype(data.dtype, copy=False)
            np.clip(step_size, size_min, size_max, out=step_size)
            g = np.where(sign < 0, 0.0, g).astype(data.dtype, copy=False)
            data -= np.sign(g) * step_size
            prev[...] = g
