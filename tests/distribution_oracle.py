"""What the distribution tests share: float64 tensors for both libraries, and comparisons of
values and errors with PyTorch (the oracle; its tests skip the module when it is missing)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

import minigrad as mg


def _t(a: Any, requires_grad: bool = False) -> mg.Tensor:
    """A float64 minigrad tensor."""
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def _tt(a: Any, requires_grad: bool = False) -> Any:
    """The same float64 values as a PyTorch tensor."""
    import torch

    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def _close(ours: Any, theirs: Any, rtol: float = 1e-10) -> None:
    """Same shape, same dtype, values to ``rtol`` (and 1e-12 absolute)."""
    theirs = theirs.detach().numpy()
    assert tuple(ours.shape) == theirs.shape, (ours.shape, theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs, rtol=rtol, atol=1e-12)


def _error_of(call: Callable[[], Any]) -> tuple[type, str]:
    try:
        call()
    except Exception as e:  # the type and message are what is compared
        return type(e), str(e)
    raise AssertionError("no error raised")


def _same_error(ours: Callable[[], Any], theirs: Callable[[], Any]) -> None:
    """The same exception type and message, PyTorch's ``torch.`` names read ``minigrad.``."""
    our_type, our_message = _error_of(ours)
    their_type, their_message = _error_of(theirs)
    assert our_type is their_type, (our_type, their_type, our_message)
    assert our_message == re.sub(r"\btorch\.", "minigrad.", their_message)
