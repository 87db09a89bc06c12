"""PyTorch's ``parameters_to_vector`` and ``vector_to_parameters``: all parameters as one flat
vector and back (for optimisers and checks written against a single vector)."""

from __future__ import annotations

from collections.abc import Iterable

from ...functions import cat
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and joined into one vector, in order (recorded: gradients
    flow back to each parameter)."""
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Give each parameter, in order, the next ``numel()`` values of ``vec`` as its data (the
    parameters then share ``vec``'s memory, as in PyTorch).

    Raises:
        TypeError: if ``vec`` is not a Tensor.
        RuntimeError: if ``vec`` has another number of elements than the parameters.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    needed = sum(p.numel() for p in params)
    if vec.numel() != needed:  # (checked first: no parameter changes when it does not fit)
        raise RuntimeError(
            f"vector_to_parameters(): vec has {vec.numel()} elements but the parameters have "
            f"{needed}"
        )
    start = 0
    for p in params:
        n = p.numel()
        p.data = vec[start : start + n].view_as(p).data
        start += n
