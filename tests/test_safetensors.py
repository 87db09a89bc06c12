"""minigrad.save/load of .safetensors files: round trips, atomic writes, errors, and PyTorch
reading minigrad's files (and the reverse) straight into modules of the same architecture."""

import os
import pickle
import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim, serialization
from minigrad.tensor import Tensor

pytest.importorskip("safetensors", reason="needs the optional extra: pip install safetensors")


def _mlp(seed=0):
    mg.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


def _leftovers(directory):
    return sorted(n for n in os.listdir(directory) if n.endswith(".tmp"))


def test_round_trip_keeps_dtypes_shapes_values_and_order(tmp_path):
    rng = np.random.default_rng(0)
    state = {
        "w": Tensor(rng.standard_normal((3, 4)).astype(np.float32)),
        "b64": rng.standard_normal(4),
        "half": np.arange(6, dtype=np.float16).reshape(2, 3),
        "count": np.asarray(7, dtype=np.int64),
        "mask": np.array([True, False, True]),
        "bytes": np.arange(5, dtype=np.uint8),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "strided": np.arange(12.0).reshape(3, 4)[:, ::2],  # not contiguous
    }
    path = tmp_path / "model.safetensors"
    mg.save(state, path)
    assert os.listdir(tmp_path) == ["model.safetensors"]
    loaded = mg.load(path)
    assert list(loaded) == list(state)
    for key, value in state.items():
        expected = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
        assert isinstance(loaded[key], Tensor)
        assert loaded[key].dtype == expected.dtype and loaded[key].shape == expected.shape
        np.testing.assert_array_equal(loaded[key].numpy(), expected)


def test_the_file_is_plain_safetensors(tmp_path):
    from safetensors.numpy import load_file

    path = tmp_path / "m.safetensors"
    mg.save({"layer.weight": np.ones((2, 2), dtype=np.float32)}, path)
    arrays = load_file(str(path))
    assert list(arrays) == ["layer.weight"]
    np.testing.assert_array_equal(arrays["layer.weight"], np.ones((2, 2)))


def test_optimizer_and_scheduler_state_round_trip_through_safetensors(tmp_path):
    model = _mlp()
    opt = optim.AdamW(model.parameters(), lr=0.01)
    sched = optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 2, 5])
    for _ in range(3):
        opt.zero_grad()
        model(mg.randn(6, 4)).sum().backward()
        opt.step()
        sched.step()
    path = tmp_path / "ckpt.safetensors"
    mg.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, path)
    loaded = mg.load(path)
    assert loaded["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert loaded["optimizer"]["state"][0]["step"] == 3
    opt2 = optim.AdamW(_mlp().parameters(), lr=0.01)
    opt2.load_state_dict(loaded["optimizer"])
    ours = opt2.state_dict()
    for idx, entry in opt.state_dict()["state"].items():
        for name, value in entry.items():
            np.testing.assert_array_equal(np.asarray(ours["state"][idx][name]), value)
    sched2 = optim.lr_scheduler.MultiStepLR(opt2, milestones=[1])
    sched2.load_state_dict(loaded["scheduler"])
    assert sched2.milestones == sched.milestones and sched2.get_last_lr() == sched.get_last_lr()


def test_state_dict_loads_into_torch_and_back(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file, save_file

    model = _mlp()
    model.train()
    model(mg.randn(16, 4))  # running statistics and num_batches_tracked move
    model.eval()
    path = tmp_path / "mlp.safetensors"
    mg.save(model.state_dict(), path)

    tmodel = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
    )
    tensors = load_file(str(path))
    assert tensors["1.num_batches_tracked"].dtype == torch.int64
    assert tensors["1.num_batches_tracked"].shape == ()
    tmodel.load_state_dict(tensors, strict=True)
    tmodel.eval()
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    with torch.no_grad():
        expected = tmodel(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model(mg.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-6)

    # And back: a file written by PyTorch loads straight into the minigrad model.
    with torch.no_grad():
        for p in tmodel.parameters():
            p.mul_(-0.5)
    back = tmp_path / "torch.safetensors"
    save_file(tmodel.state_dict(), str(back))
    fresh = _mlp(seed=5)
    fresh.load_state_dict(mg.load(back), strict=True)
    fresh.eval()
    with torch.no_grad():
        expected = tmodel(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(fresh(mg.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_failed_write_keeps_the_old_file_and_leaves_no_temporaries(tmp_path, monkeypatch):
    path = tmp_path / "m.safetensors"
    mg.save({"w": np.ones(3)}, path)
    before = path.read_bytes()

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(serialization.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        mg.save({"w": np.zeros(3)}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before and _leftovers(tmp_path) == []


def test_unstorable_values_are_refused_before_writing(tmp_path):
    path = tmp_path / "m.safetensors"
    with pytest.raises(TypeError, match="complex"):
        mg.save({"z": np.ones(2, dtype=np.complex64)}, path)
    with pytest.raises(TypeError, match="object dtype"):
        mg.save({"o": np.array([None], dtype=object)}, path)
    assert os.listdir(tmp_path) == []


def test_corrupted_file_raises_value_error_naming_it(tmp_path):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    with pytest.raises(ValueError, match=r"bad\.safetensors.*not a valid \.safetensors"):
        mg.load(path)
    mg.save({"w": np.arange(100.0)}, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 10])
    with pytest.raises(ValueError, match=r"bad\.safetensors"):
        mg.load(path)


def test_without_the_package_a_clear_import_error_and_nothing_written(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match="pip install safetensors"):
        mg.save({"w": np.ones(2)}, tmp_path / "m.safetensors")
    assert os.listdir(tmp_path) == []
    (tmp_path / "x.safetensors").write_bytes(b"")
    with pytest.raises(ImportError, match=r"\[safetensors\]"):
        mg.load(tmp_path / "x.safetensors")


def test_pickle_is_never_used(tmp_path, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("pickle must not be used")

    for name in ("dump", "dumps", "load", "loads"):
        monkeypatch.setattr(pickle, name, forbidden)
    mg.save({"w": np.ones(2), "meta": {"epoch": 3}}, tmp_path / "m.safetensors")
    assert mg.load(tmp_path / "m.safetensors")["meta"] == {"epoch": 3}
