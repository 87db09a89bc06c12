"""Tests for minigrad.nn: modules, parameter discovery, layers, state dicts, init."""

import minigrad as mg
from minigrad import nn


def test_sequential_discovers_parameters_and_trains():
    model = nn.Sequential(nn.Linear(4, 3, generator=0), nn.Sigmoid(), nn.Linear(3, 2, generator=1))
    names = [n for n, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias"]
    x = mg.randn(5, 4, generator=2)
    y = mg.tensor([0, 1, 1, 0, 1])
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in model.parameters())
