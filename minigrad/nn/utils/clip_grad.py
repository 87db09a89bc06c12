"""PyTorch's ``torch.nn.utils`` gradient clipping: scale or clamp the parameters' ``.grad`` in
place between ``backward()`` and ``optimizer.step()``, the usual guard against exploding
gradients in recurrent networks.

Each is written with minigrad's own tensor methods under ``no_grad`` (``norm``, ``stack``,
``mul_``, ``clamp_``), so the gradients' version counters move as for any in-place write.
"""

from __future__ import annotations

import math
import types
import warnings
from collections.abc import Iterable

from ...creation import tensor
from ...functions import stack
from ...grad_mode import no_grad
from ...quiet import _ieee
from ...tensor import Tensor

__all__ = [
    "clip_grad_norm",
    "clip_grad_norm_",
    "clip_grad_value_",
    "clip_grads_with_norm_",
    "get_total_norm",
]

Tensors = Tensor | Iterable[Tensor]


def _listed(parameters: Tensors) -> list[Tensor]:
    """A single tensor or an iterable of them, as a list (a generator is read once)."""
    if isinstance(parameters, Tensor):
        return [parameters]
    is_generator = isinstance(parameters, types.GeneratorType)
    listed = list(parameters)
    if is_generator and not listed:
        warnings.warn(
            "`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=3
        )
    return listed


def get_total_norm(
    tensors: Tensors,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` together, as if flattened into one vector
    (the norm of their norms); ``tensor(0.)`` for none.

    Raises:
        RuntimeError: with ``error_if_nonfinite=True``, if the norm is nan or infinite.
    """
    ts = _listed(tensors)
    p = float(norm_type)
    if not ts:
        return tensor(0.0)
    with no_grad():
        total = stack([t.norm(p) for t in ts]).norm(p)
    if error_if_nonfinite and not math.isfinite(total.item()):
        raise RuntimeError(
            f"The total norm of order {p} for gradients from `parameters` is non-finite, so it "
            "cannot be clipped. To disable this error and scale the gradients by the non-finite "
            "norm anyway, set `error_if_nonfinite=False`"
        )
    return total


def clip_grads_with_norm_(
    parameters: Tensors, max_norm: float, total_norm: Tensor, foreach: bool | None = None
) -> None:
    """Scale every ``.grad`` by ``min(max_norm / (total_norm + 1e-6), 1)``, in place."""
    grads = [p.grad for p in _listed(parameters) if p.grad is not None]
    if not grads:
        return
    with no_grad(), _ieee():  # (a non-finite norm: inf * 0 is nan, as PyTorch, no warning)
        coef = (float(max_norm) / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef)


def clip_grad_norm_(
    parameters: Tensors,
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale the gradients of ``parameters`` in place so that their total ``norm_type``-norm
    (all gradients as one vector) is at most ``max_norm``; returns the norm before scaling.

    As PyTorch: every gradient is multiplied by ``min(max_norm / (norm + 1e-6), 1)`` (1 when
    the norm is already small enough); parameters without a gradient are skipped;
    ``norm_type`` may be ``inf`` (or "inf") for the largest absolute value. ``foreach`` is
    accepted and ignored (one CPU path).

    Raises:
        RuntimeError: with ``error_if_nonfinite=True``, if the norm is nan or infinite (no
            gradient is changed then).
    """
    params = _listed(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(params, max_norm, total)
    return total


def clip_grad_value_(parameters: Tensors, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient of ``parameters`` into ``[-clip_value, clip_value]``, in place."""
    value = float(clip_value)
    with no_grad():
        for p in _listed(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-value, max=value)


def clip_grad_norm(
    parameters: Tensors,
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """The deprecated name of ``clip_grad_norm_``: warns (PyTorch's FutureWarning), then
    clips."""
    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
        "`torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)
