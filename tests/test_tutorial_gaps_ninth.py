"""The gaps found by running the ninth batch of PyTorch's tutorials, documentation notes and
recipes (``tests/test_pytorch_tutorials_ninth.py``): each checked here on its own, against
PyTorch where it is installed."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

# ---------------------------------------------------------------------------------------------
# numpy() of a tensor that requires grad, while grad mode is off (the "Extending torch.func
# with autograd.Function" note's NumpySort calls it in forward, which runs with grad mode off)


def test_numpy_of_a_tensor_requiring_grad_under_no_grad_shares_memory() -> None:
    x = mg.randn(3, requires_grad=True)
    with mg.no_grad():
        a = x.numpy()
    assert np.shares_memory(a, x.detach().numpy())
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        x.numpy()  # grad mode on: refused, as PyTorch


def _doubled_by_a_function(lib):  # type: ignore[no-untyped-def]
    class Double(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):  # type: ignore[no-untyped-def]
            return lib.tensor(x.numpy() * 2)

        @staticmethod
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            return g * 2

    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = Double.apply(x)
    y.sum().backward()
    return y.tolist(), x.grad.tolist()


def test_numpy_in_a_function_forward_as_torch() -> None:
    torch = pytest.importorskip("torch")
    assert _doubled_by_a_function(mg) == _doubled_by_a_function(torch) == ([2.0, 4.0], [2.0, 2.0])
