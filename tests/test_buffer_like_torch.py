"""``nn.Buffer``: a tensor assigned as a Module attribute that registers itself as a buffer."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def _module(lib):  # type: ignore[no-untyped-def]
    class Stats(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.mean = lib.nn.Buffer(lib.zeros(2))
            self.scratch = lib.nn.Buffer(lib.ones(3), persistent=False)
            self.plain = lib.ones(4)  # a plain tensor: not registered
            self.lin = lib.nn.Linear(2, 2)

    return Stats()


def test_buffer_is_registered() -> None:
    m = _module(mg)
    assert [n for n, _ in m.named_buffers()] == ["mean", "scratch"]
    assert list(m.state_dict()) == ["mean", "lin.weight", "lin.bias"]
    assert isinstance(m.mean, nn.Buffer) and isinstance(m.mean, mg.Tensor)
    assert m.mean.persistent and not m.scratch.persistent
    assert m.double().mean.dtype == mg.float64 and m.scratch.dtype == mg.float64
    assert all(p.dtype == mg.float64 for p in m.parameters())


def test_buffer_shares_data_and_keeps_requires_grad() -> None:
    t = mg.ones(3, requires_grad=True)
    b = nn.Buffer(t)
    assert b.requires_grad and b.is_leaf and b.grad_fn is None
    b.detach().numpy()[0] = 5.0
    assert t.detach().numpy()[0] == 5.0  # shares the array, as detach() does
    assert not nn.Buffer(mg.ones(2)).requires_grad
    empty = nn.Buffer()
    assert empty.shape == (0,) and empty.dtype == mg.float32
    np.testing.assert_array_equal(nn.Buffer([1, 2]).numpy(), [1, 2])


def test_reassigning_a_name_moves_it() -> None:
    m = _module(mg)
    m.mean = nn.Buffer(mg.ones(5), persistent=False)
    assert "mean" not in m.state_dict() and next(n for n, _ in m.named_buffers()) == "mean"
    m.lin = nn.Buffer(mg.ones(1))  # a child module's name becomes a buffer
    assert "lin" not in dict(m.named_children()) and "lin" in m.state_dict()
    m.mean = nn.Buffer(mg.ones(5))
    assert "mean" in m.state_dict()
    m.load_state_dict({"mean": mg.full((5,), 2.0), "lin": mg.zeros(1)})
    np.testing.assert_array_equal(m.mean.numpy(), 2.0)


def test_state_dict_equals_torchs() -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _module(mg), _module(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert ours.mean.persistent == theirs.mean.persistent
    assert ours.scratch.persistent == theirs.scratch.persistent
