"""Tests for minigrad.optim: SGD and Adam against NumPy updates and torch.optim."""

import numpy as np

import minigrad as mg
from minigrad import nn, optim


def test_sgd_plain_step():
    p = nn.Parameter(np.array([1.0, 2.0]))
    p.grad = mg.tensor(np.array([0.5, -1.0]))
    optim.SGD([p], lr=0.1).step()
    np.testing.assert_allclose(p.data, [0.95, 2.1])
