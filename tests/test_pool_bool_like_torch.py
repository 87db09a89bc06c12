"""Pooling a bool tensor is refused as PyTorch refuses it: the same exception type and kernel
words (``"max_pool2d" not implemented for 'Bool'``; ``mean(): could not infer output dtype``
from an adaptive average pool to one cell), then the function and the fix, never NumPy's raw
error. Every pool of ``nn.functional`` and its module form; torch, when installed, is the
oracle of the type and the words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg

B1 = [[[True, False, True, True]]]
B2 = [[[[True, False], [True, True]]]]

MEAN = (
    RuntimeError,
    "mean(): could not infer output dtype. Input dtype must be either a floating point or "
    "complex dtype. Got: Bool",
)


def _kernel(name: str) -> tuple[type[Exception], str]:
    return NotImplementedError, f"\"{name}\" not implemented for 'Bool'"


# (the call on a library L, PyTorch's exception and words)
CASES: dict[str, tuple[Callable[[Any], Any], tuple[type[Exception], str]]] = {
    "max_pool1d": (
        lambda L: L.nn.functional.max_pool1d(L.tensor(B1), 2),
        _kernel("max_pool1d_impl"),
    ),
    "max_pool1d(return_indices=True)": (
        lambda L: L.nn.functional.max_pool1d(L.tensor(B1), 2, return_indices=True),
        _kernel("max_pool2d"),
    ),
    "max_pool1d_with_indices": (
        lambda L: L.nn.functional.max_pool1d_with_indices(L.tensor(B1), 2),
        _kernel("max_pool2d"),
    ),
    "MaxPool1d(return_indices=True)": (
        lambda L: L.nn.MaxPool1d(2, return_indices=True)(L.tensor(B1)),
        _kernel("max_pool2d"),
    ),
    "max_pool2d": (lambda L: L.nn.functional.max_pool2d(L.tensor(B2), 2), _kernel("max_pool2d")),
    "max_pool2d_with_indices": (
        lambda L: L.nn.functional.max_pool2d_with_indices(L.tensor(B2), 2),
        _kernel("max_pool2d"),
    ),
    "MaxPool2d": (lambda L: L.nn.MaxPool2d(2)(L.tensor(B2)), _kernel("max_pool2d")),
    "avg_pool1d": (lambda L: L.nn.functional.avg_pool1d(L.tensor(B1), 2), _kernel("avg_pool2d")),
    "avg_pool2d": (lambda L: L.nn.functional.avg_pool2d(L.tensor(B2), 2), _kernel("avg_pool2d")),
    "AvgPool2d": (lambda L: L.nn.AvgPool2d(2)(L.tensor(B2)), _kernel("avg_pool2d")),
    "adaptive_max_pool1d": (
        lambda L: L.nn.functional.adaptive_max_pool1d(L.tensor(B1), 1, return_indices=True),
        _kernel("adaptive_max_pool2d"),
    ),
    "adaptive_max_pool2d": (
        lambda L: L.nn.functional.adaptive_max_pool2d(L.tensor(B2), 1),
        _kernel("adaptive_max_pool2d"),
    ),
    "adaptive_avg_pool1d to 1": (
        lambda L: L.nn.functional.adaptive_avg_pool1d(L.tensor(B1), 1),
        MEAN,
    ),
    "adaptive_avg_pool1d to 2": (
        lambda L: L.nn.functional.adaptive_avg_pool1d(L.tensor(B1), 2),
        _kernel("adaptive_avg_pool2d"),
    ),
    "adaptive_avg_pool2d to (2, 1)": (
        lambda L: L.nn.functional.adaptive_avg_pool2d(L.tensor(B2), (2, 1)),
        _kernel("adaptive_avg_pool2d"),
    ),
    "adaptive_avg_pool2d": (lambda L: L.nn.functional.adaptive_avg_pool2d(L.tensor(B2), 1), MEAN),
    "AdaptiveAvgPool2d": (lambda L: L.nn.AdaptiveAvgPool2d(1)(L.tensor(B2)), MEAN),
    "max_unpool1d": (
        lambda L: L.nn.functional.max_unpool1d(L.tensor(B1)[..., :2], L.tensor([[[0, 1]]]), 2),
        _kernel("max_unpool2d"),
    ),
    "max_unpool2d": (
        lambda L: L.nn.functional.max_unpool2d(L.tensor(B2)[..., :1, :1], L.tensor([[[[0]]]]), 2),
        _kernel("max_unpool2d"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bool_pool_is_refused_in_torchs_words_then_the_fix(case: str) -> None:
    call, (kind, words) = CASES[case]
    with pytest.raises(Exception) as e:
        call(mg)
    assert type(e.value) is kind, f"{case}: {type(e.value).__name__}: {e.value}"
    assert str(e.value).startswith(words), str(e.value)
    assert re.search(r"\.float\(\)", str(e.value)), str(e.value)  # the fix


@pytest.mark.parametrize("case", list(CASES))
def test_torch_refuses_the_same_way(case: str) -> None:
    torch = pytest.importorskip("torch")
    call, (kind, words) = CASES[case]
    with pytest.raises(kind) as e:
        call(torch)
    assert str(e.value).startswith(words)
