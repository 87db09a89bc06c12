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


# ---------------------------------------------------------------------------------------------
# save/load of a tensor, a list or tuple ("Serialization semantics"), and of views: tensors
# that share memory when saved share it when loaded, as PyTorch's share their storage


def test_save_a_tensor_and_a_list(tmp_path) -> None:  # type: ignore[no-untyped-def]
    t = mg.tensor([1.0, 2.0])
    mg.save(t, tmp_path / "tensor.pt")
    loaded = mg.load(tmp_path / "tensor.pt")
    assert isinstance(loaded, mg.Tensor) and loaded.tolist() == [1.0, 2.0]
    mg.save([t, (mg.tensor(3), 4.5, None)], tmp_path / "list.pt")
    back = mg.load(tmp_path / "list.pt")
    assert isinstance(back, list) and isinstance(back[1], tuple)
    assert back[0].tolist() == [1.0, 2.0] and back[1][0].item() == 3 and back[1][1:] == (4.5, None)


def test_views_saved_together_share_memory_when_loaded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    numbers = mg.arange(1, 10)
    evens = numbers[1::2]
    mg.save([numbers, evens], tmp_path / "tensors.pt")
    loaded_numbers, loaded_evens = mg.load(tmp_path / "tensors.pt")
    assert loaded_evens.stride() == (2,) and loaded_evens.storage_offset() == 1
    loaded_evens *= 2
    assert loaded_numbers.tolist() == [1, 4, 3, 8, 5, 12, 7, 16, 9]


def test_views_in_a_dict_with_other_layouts_and_dtypes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = mg.arange(12, dtype=mg.float64).reshape(3, 4)
    state = {"base": base, "t": base.t(), "row": base[1], "same": base, "other": mg.ones(2)}
    mg.save(state, tmp_path / "d.pt")
    back = mg.load(tmp_path / "d.pt")
    for k, v in state.items():
        np.testing.assert_array_equal(back[k].numpy(), v.numpy())
        assert back[k].dtype == v.dtype and back[k].stride() == v.stride()
    back["row"].fill_(-1.0)
    assert back["base"][1].tolist() == [-1.0] * 4 and back["t"][:, 1].tolist() == [-1.0] * 4
    assert back["same"] is not back["base"] and back["same"][1, 0].item() == -1.0
    assert back["other"].tolist() == [1.0, 1.0]


def test_serialization_note_views_as_torch(tmp_path) -> None:  # type: ignore[no-untyped-def]
    torch = pytest.importorskip("torch")
    printed = []
    for lib in (mg, torch):
        numbers = lib.arange(1, 10)
        evens = numbers[1::2]
        lib.save([numbers, evens], tmp_path / f"{lib.__name__}.pt")
        loaded_numbers, loaded_evens = lib.load(tmp_path / f"{lib.__name__}.pt")
        loaded_evens *= 2
        printed.append((loaded_numbers.tolist(), loaded_evens.stride()))
    assert printed[0] == printed[1]


def test_save_still_refuses_a_module_before_writing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=r"save: expected a mapping \(a state dict\), a list, "):
        mg.save(mg.nn.Linear(2, 2), tmp_path / "m.pt")
    assert not (tmp_path / "m.pt").exists()


def test_a_view_reaching_outside_its_memory_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from minigrad import serialization

    numbers = mg.arange(1, 10)
    tree, arrays = serialization._encode([numbers, numbers[1::2]])
    tree["list"][1]["view"][3] = [50]  # 50 elements of stride 2: past the end of the memory
    with open(tmp_path / "bad.pt", "wb") as f:
        serialization._npz_writer(tree, arrays)(f)
    with pytest.raises(ValueError, match=r"malformed .* description \(outside the memory\)"):
        mg.load(tmp_path / "bad.pt")


def test_a_loaded_tensor_lr_is_the_optimizers_own() -> None:
    """load_state_dict copies a Tensor lr, as PyTorch deep-copies the groups: a scheduler of
    the loading optimizer leaves the saving one's rate alone."""
    w = mg.nn.Parameter(mg.ones(2))
    opt = mg.optim.Adam([w], lr=mg.tensor(0.1))
    other = mg.optim.Adam([w], lr=mg.tensor(0.3))
    other.load_state_dict(opt.state_dict())
    assert other.param_groups[0]["lr"] is not opt.param_groups[0]["lr"]
    scheduler = mg.optim.lr_scheduler.StepLR(other, 1, 0.5)
    other.step()  # (no gradient: nothing moves)
    scheduler.step()
    assert float(opt.param_groups[0]["lr"]) == pytest.approx(0.1)
    assert float(other.param_groups[0]["lr"]) == pytest.approx(0.05)
