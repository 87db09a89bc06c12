"""``tensor(a_tensor)``: a detached copy, with PyTorch's UserWarning recommending
``detach().clone()`` (the style-transfer tutorial's ``Normalization`` makes one of its mean)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as mg


def _tensor_of_tensor(lib: object) -> tuple[object, object, list[warnings.WarningMessage]]:
    source = lib.tensor([0.485, 0.456, 0.406], requires_grad=True)  # type: ignore[attr-defined]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        copy = lib.tensor(source).view(-1, 1, 1)  # type: ignore[attr-defined]
    return source, copy, caught


def test_tensor_of_a_tensor_warns_and_copies() -> None:
    source, copy, caught = _tensor_of_tensor(mg)
    assert [w.category for w in caught] == [UserWarning]
    assert "sourceTensor.detach().clone()" in str(caught[0].message)
    assert caught[0].filename == __file__  # pointing at the call
    assert not copy.requires_grad and copy.grad_fn is None and copy.shape == (3, 1, 1)
    with mg.no_grad():
        source[0] = 9.0
    assert float(copy[0, 0, 0]) == pytest.approx(0.485)  # a copy, not a view


def test_the_warning_is_torch_s() -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _tensor_of_tensor(mg)[2], _tensor_of_tensor(torch)[2]
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]


def test_no_warning_for_other_data() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mg.tensor([1.0, 2.0])
        mg.tensor(np.ones(3))
        mg.tensor(3.0)
        mg.as_tensor(mg.ones(2))
