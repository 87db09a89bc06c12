"""Stochastic weight averaging and exponential moving averages of a model's weights, as
``torch.optim.swa_utils``: ``AveragedModel``, ``SWALR``, ``update_bn`` and the averaging
functions (``get_swa_avg_fn``, ``get_ema_avg_fn`` and their ``multi`` forms).

The averages are written into the averaged model's arrays with PyTorch's formulas (its CPU
path: ``a + (p - a) / (n + 1)`` per tensor; ``lerp`` in the ``multi`` forms), so an averaged
model follows PyTorch's to the last bit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from copy import deepcopy
from typing import Any

import numpy as np

from .. import versions
from ..device import as_device
from ..dtypes import default_float
from ..grad_mode import no_grad
from ..nn.module import Module
from ..nn.normalization import _BatchNorm
from ..tensor import Tensor, from_data
from .lr_scheduler import LRScheduler, _per_group
from .optimizer import Optimizer, _lerp_

__all__ = [
    "SWALR",
    "AveragedModel",
    "get_ema_avg_fn",
    "get_ema_multi_avg_fn",
    "get_swa_avg_fn",
    "get_swa_multi_avg_fn",
    "update_bn",
]

ParamList = Sequence[Tensor]


def _check_decay(decay: float) -> None:
    if decay < 0.0 or decay > 1.0:
        raise ValueError(
            f"Invalid decay value {decay} provided. Please provide a value in [0,1] range."
        )


def _write(target: Tensor, values: np.ndarray) -> None:
    """Copy ``values`` into ``target``'s array, cast as ``copy_`` casts (a float into an
    integer buffer truncates towards zero), and mark the array changed."""
    np.copyto(target._data, values, casting="unsafe")
    versions.bump(target._data)


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable[[ParamList, ParamList, Any], None]:
    """The in-place EMA of many tensors at once: ``ema = decay * ema + (1 - decay) * p``
    (``lerp(ema, p, 1 - decay)`` for floating tensors, as PyTorch's).

    Raises:
        ValueError: ``decay`` outside [0, 1].
    """
    _check_decay(decay)

    def ema_update(ema_param_list: ParamList, current_param_list: ParamList, _: Any) -> None:
        for ema, p in zip(ema_param_list, current_param_list, strict=True):
            if ema._data.dtype.kind in "fc":
                _lerp_(ema._data, p._data, 1 - decay)
                versions.bump(ema._data)
            else:
                _write(ema, ema._data * decay + p._data * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn() -> Callable[[ParamList, ParamList, Any], None]:
    """The in-place running mean of many tensors at once: ``a += (p - a) / (n + 1)`` with ``n``
    the number of models averaged so far (``lerp(a, p, 1 / (n + 1))`` for floating tensors)."""

    def swa_update(averaged_param_list: ParamList, current_param_list: ParamList, n: Any) -> None:
        count = float(n._data) if isinstance(n, Tensor) else float(n)
        weight = 1 / (count + 1)
        if isinstance(n, Tensor):  # PyTorch's 1 / (n + 1) of the int64 count: a default float
            one = np.ones((), dtype=default_float())
            weight = float(one / (one * (count + 1)))
        for a, p in zip(averaged_param_list, current_param_list, strict=True):
            if a._data.dtype.kind in "fc":
                _lerp_(a._data, p._data, weight)
                versions.bump(a._data)
            else:
                _write(a, a._data + (p._data - a._data) / (count + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> Callable[[Tensor, Tensor, Any], Tensor]:
    """The EMA of one tensor: returns ``decay * ema + (1 - decay) * p``.

    Raises:
        ValueError: ``decay`` outside [0, 1].
    """
    _check_decay(decay)

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> Callable[[Tensor, Tensor, Any], Tensor]:
    """The running mean of one tensor: returns ``a + (p - a) / (n + 1)``."""

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged: Any) -> Tensor:
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of ``model`` whose weights are a running average of ``model``'s (SWA, Izmailov
    et al. 2018) or an exponential moving average (EMA), as ``torch.optim.swa_utils``'s.

    The first ``update_parameters(model)`` copies ``model``'s weights; each later one averages
    them in with ``avg_fn`` (one tensor at a time: ``f(averaged, current, n_averaged)``
    returns the new value), ``multi_avg_fn`` (lists of tensors, updated in place), or, given
    neither, the equal-weight mean. ``n_averaged`` (an int64 buffer, saved in the state dict)
    counts the updates. Buffers (BatchNorm's running statistics) are copied from ``model``
    unless ``use_buffers=True``, which averages them with the parameters.

    Args:
        model: the module to average; deep-copied.
        device: where to keep the copy (only the CPU).
        avg_fn: the per-tensor averaging function, e.g. ``get_ema_avg_fn(0.99)``.
        multi_avg_fn: the in-place averaging function of lists, e.g.
            ``get_ema_multi_avg_fn(0.99)``.
        use_buffers: average the buffers too (else copy them).

    Raises:
        AssertionError: both ``avg_fn`` and ``multi_avg_fn`` given (PyTorch's words).
    """

    def __init__(
        self,
        model: Module,
        device: Any = None,
        avg_fn: Callable[[Tensor, Tensor, Any], Tensor] | None = None,
        multi_avg_fn: Callable[[ParamList, ParamList, Any], None] | None = None,
        use_buffers: bool = False,
    ) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        as_device(device)  # only the CPU, as everywhere: a clear error otherwise
        self.module = deepcopy(model)
        self.register_buffer("n_averaged", from_data(np.array(0, dtype=np.int64)))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The averaged model's forward: the copy's."""
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        """Average ``model``'s current weights into this model's (copy them the first time)."""
        mine: Iterable[Tensor]
        theirs: Iterable[Tensor]
        if self.use_buffers:
            mine = itertools.chain(self.module.parameters(), self.module.buffers())
            theirs = itertools.chain(model.parameters(), model.buffers())
        else:
            mine, theirs = self.parameters(), model.parameters()
        n_averaged: Tensor = self.n_averaged
        count = int(n_averaged._data)
        pairs = [(a.detach(), p.detach()) for a, p in zip(mine, theirs, strict=False)]
        if count == 0:
            for a, p in pairs:
                _write(a, p._data)
        elif self.multi_avg_fn is not None:
            self.multi_avg_fn([a for a, _ in pairs], [p for _, p in pairs], n_averaged)
        else:
            # PyTorch's CPU path: one tensor at a time (its foreach kernels are for GPUs).
            avg_fn = self.avg_fn if self.avg_fn is not None else get_swa_avg_fn()
            for a, p in pairs:
                with no_grad():
                    new = avg_fn(a, p, n_averaged)
                _write(a, new._data if isinstance(new, Tensor) else np.asarray(new))
        if not self.use_buffers:
            for b_mine, b_model in zip(self.module.buffers(), model.buffers(), strict=True):
                _write(b_mine, b_model._data)
        n_averaged._data += 1
        versions.bump(n_averaged._data)


def update_bn(loader: Iterable[Any], model: Module, device: Any = None) -> None:
    """Recompute the running statistics of every BatchNorm layer of ``model`` with one pass
    over ``loader`` (each batch a tensor, or a list/tuple whose first item is the input):
    the statistics are reset and averaged over the batches (momentum None for the pass).

    Use it after the last ``AveragedModel.update_parameters``: the averaged weights need
    statistics of their own. The model's mode and momenta are restored afterwards.
    """
    as_device(device)
    momenta: dict[Module, Any] = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for input in loader:
            if isinstance(input, list | tuple):
                input = input[0]
            model(input)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's learning rate to ``swa_lr`` over ``anneal_epochs`` steps and keep
    it there, as ``torch.optim.swa_utils.SWALR`` (cosine or linear annealing).

    Step t of the annealing sets ``lr = swa_lr * alpha + lr0 * (1 - alpha)``, with ``alpha``
    the annealing function of ``t / anneal_epochs`` and ``lr0`` the rate the annealing started
    from (recovered from the current one, as PyTorch does, so the scheduler chains).

    Args:
        optimizer: the optimizer whose learning rates to anneal.
        swa_lr: the final learning rate, one for all groups or a list (one per group).
        anneal_epochs: the number of steps of the annealing (>= 0).
        anneal_strategy: ``"cos"`` or ``"linear"``.
        last_epoch: the index of the last epoch when resuming.

    Raises:
        ValueError: a bad ``anneal_strategy`` or ``anneal_epochs``, or a list of ``swa_lr``
            of the wrong length (PyTorch's words).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        swa_lr: float | Sequence[float],
        anneal_epochs: int = 10,
        anneal_strategy: str = "cos",
        last_epoch: int = -1,
    ) -> None:
        swa_lrs = _per_group("swa_lr", optimizer, swa_lr)
        for value, group in zip(swa_lrs, optimizer.param_groups, strict=True):
            group["swa_lr"] = value
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t: float) -> float:
        return t

    @staticmethod
    def _cosine_anneal(t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def _set_anneal_func(self, anneal_strategy: str) -> None:
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def get_lr(self) -> list[float]:
        self._warn_if_called_outside_step()
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        groups = self.optimizer.param_groups
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(groups, prev_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's attributes except the optimizer and the annealing function."""
        state = super().state_dict()
        state.pop("anneal_func", None)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``; the annealing function follows its strategy."""
        super().load_state_dict(state_dict)
        self._set_anneal_func(self._anneal_strategy)
