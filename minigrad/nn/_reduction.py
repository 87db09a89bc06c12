"""The ``reduction`` argument the losses share: its check, PyTorch's legacy flags, the reduce.

As ``torch.nn._reduction``: "mean", "sum" or "none", and the deprecated ``size_average`` and
``reduce`` flags folded into it with PyTorch's warning; "elementwise_mean", PyTorch's name for
"mean" before 0.4.1, is still taken by the losses that take it in PyTorch, with its warning.
"""

from __future__ import annotations

import warnings

from ..tensor import Tensor

_REDUCTIONS = ("mean", "sum", "none")
OLD_MEAN = "elementwise_mean"


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_reduction(
    reduction: str,
    fn: str,
    words: str = "is not a valid value for reduction",
    choices: tuple[str, ...] = _REDUCTIONS,
) -> None:
    """PyTorch's ValueError for an unknown reduction (``words``: PyTorch's, which vary by loss),
    then the choices."""
    if reduction not in choices:
        raise ValueError(
            f"{reduction} {words} ({fn}(): reduction must be one of {choices}, got {reduction!r})"
        )


def _legacy(size_average: bool | None, reduce: bool | None, fn: str) -> str:
    """The reduction PyTorch's deprecated flags stand for, with PyTorch's warning."""
    average = True if size_average is None else bool(size_average)
    reduction = "none" if reduce is False else ("mean" if average else "sum")
    warnings.warn(
        f"{fn}(): size_average and reduce args will be deprecated, please use "
        f"reduction='{reduction}' instead.",
        UserWarning,
        stacklevel=4,
    )
    return reduction


def renamed_mean(reduction: str, stacklevel: int = 3) -> str:
    """ "mean" for its old name "elementwise_mean", with PyTorch's deprecation warning (given to
    the caller of the loss function: ``stacklevel`` frames up); any other reduction as it is."""
    if reduction != OLD_MEAN:
        return reduction
    warnings.warn(
        "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return "mean"


def _reduction(
    size_average: bool | None, reduce: bool | None, reduction: str, fn: str, old_mean: bool = True
) -> str:
    """PyTorch's legacy ``size_average``/``reduce`` flags folded into ``reduction``.

    They override ``reduction`` with PyTorch's deprecation warning, as in PyTorch. With
    ``old_mean`` (the losses PyTorch reduces through its C++ enum: all but a few), the old
    name "elementwise_mean" is "mean", with PyTorch's warning; without it, it is refused.
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy(size_average, reduce, fn)
    elif old_mean:
        reduction = renamed_mean(reduction, stacklevel=4)
    if reduction not in _REDUCTIONS:
        _check_reduction(reduction, fn)  # (raises, naming the choices)
    return reduction
