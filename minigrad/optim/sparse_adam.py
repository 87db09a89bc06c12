"""SparseAdam, whose steps take sparse gradients only: minigrad's gradients are dense, so
its ``step()`` refuses them as PyTorch's refuses a dense gradient."""

from __future__ import annotations

from typing import Any

from .optimizer import Optimizer, ParamsLike

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """``torch.optim.SparseAdam``'s constructor and checks; its ``step()`` raises on any
    gradient, as PyTorch's does on a dense one. PyTorch's SparseAdam updates only the rows a
    sparse gradient touches (``nn.Embedding(..., sparse=True)``); minigrad has no sparse
    gradients, so ``Adam`` (or ``AdamW``) is the optimizer to use.

    Args:
        params: parameters or param groups.
        lr: learning rate (> 0).
        betas: the moments' decay rates, each in [0, 1).
        eps: added to the denominator (> 0).
        maximize: ascend the objective instead of descending it.

    Raises:
        ValueError: a bad hyper-parameter, in PyTorch's words.
        RuntimeError: from ``step()``, for any parameter with a gradient.
    """

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        maximize: bool = False,
    ) -> None:
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "maximize": maximize}
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        if any(p._grad is not None for p in group["params"]):
            raise RuntimeError(
                "SparseAdam does not support dense gradients, please consider Adam instead "
                "(minigrad's gradients are always dense)"
            )
