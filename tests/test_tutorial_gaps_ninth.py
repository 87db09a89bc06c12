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


# ---------------------------------------------------------------------------------------------
# A learning rate given as a Tensor ("Running the compiled optimizer with an LR scheduler"):
# the group keeps the tensor, each step reads its value, schedulers write into it in place


def _lr_run(lib, opt_name: str, sched: str, lr_tensor: bool) -> tuple[list[float], list[str]]:
    w = lib.nn.Parameter(lib.tensor([1.0, -2.0, 3.0], dtype=lib.float64))
    lr = lib.tensor(0.05) if lr_tensor else 0.05
    opt = getattr(lib.optim, opt_name)([w], lr=lr)
    if sched == "LinearLR":
        s = lib.optim.lr_scheduler.LinearLR(opt, total_iters=5)
    elif sched == "StepLR":
        s = lib.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    else:
        s = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3)
    printed = []
    for _ in range(6):
        (w * w).sum().backward()
        opt.step()
        opt.zero_grad()
        s.step()
        printed.append(repr(opt.param_groups[0]["lr"]).replace("minigrad.", "torch."))
    return w.detach().tolist(), printed


@pytest.mark.parametrize("opt_name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "NAdam"])
@pytest.mark.parametrize("sched", ["LinearLR", "StepLR", "CosineAnnealingWarmRestarts"])
def test_tensor_lr_steps_and_schedules_as_torch(opt_name: str, sched: str) -> None:
    torch = pytest.importorskip("torch")
    mine, printed = _lr_run(mg, opt_name, sched, True)
    theirs, torch_printed = _lr_run(torch, opt_name, sched, True)
    np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-7)
    assert printed == torch_printed and printed[0].startswith("tensor(")


def test_tensor_lr_is_written_in_place_and_initial_lr_is_a_copy() -> None:
    w = mg.nn.Parameter(mg.ones(2))
    lr = mg.tensor(0.1)
    opt = mg.optim.Adam([w], lr=lr)
    s = mg.optim.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
    assert opt.param_groups[0]["lr"] is lr and float(lr) == pytest.approx(0.05)
    assert float(opt.param_groups[0]["initial_lr"]) == pytest.approx(0.1)
    assert float(s.base_lrs[0]) == pytest.approx(0.1)
    last = s.get_last_lr()[0]
    lr.fill_(0.3)
    assert float(last) == pytest.approx(0.05)  # get_last_lr gives copies, as PyTorch


def test_tensor_lr_refusals_in_torchs_words() -> None:
    w = mg.nn.Parameter(mg.ones(2))
    with pytest.raises(ValueError, match=r"^Tensor lr must be 1-element"):
        mg.optim.SGD([w], lr=mg.tensor([0.1, 0.2]))
    with pytest.raises(ValueError, match=r"lr as a Tensor is not supported for capturable=False"):
        mg.optim.Adam([w], lr=mg.tensor(0.1), foreach=True)
    with pytest.raises(ValueError, match=r"^Invalid learning rate: -0.10000000149011612$"):
        mg.optim.SGD([w], lr=mg.tensor(-0.1))
    with pytest.raises(ValueError, match=r"lr must be a number"):
        mg.optim.SGD([w], lr="0.1")
