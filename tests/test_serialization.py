"""Checkpoints: round trips, atomic writes, and clear errors on bad files."""

import os
import zipfile

import numpy as np
import pytest

from minigrad import serialization
from minigrad.serialization import FORMAT_KEY, flatten_state_dict, load, save
from minigrad.tensor import Tensor


def _state(rng: np.random.Generator) -> dict:
    return {
        "layers.0.weight": Tensor(rng.standard_normal((3, 4)).astype(np.float32)),
        "layers.0.bias": rng.standard_normal(4),  # float64 ndarray
        "steps": np.arange(5, dtype=np.int64),
        "scalar": np.float32(2.5),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "flags": np.array([True, False]),
    }


def _leftovers(directory) -> list[str]:
    return sorted(n for n in os.listdir(directory) if n.endswith(".tmp"))


def test_round_trip_keeps_keys_dtypes_shapes_and_values(tmp_path):
    state = _state(np.random.default_rng(0))
    path = tmp_path / "model.npz"
    save(state, path)
    loaded = load(path)
    assert list(loaded) == list(state)
    for key, value in state.items():
        expected = value.data if isinstance(value, Tensor) else np.asarray(value)
        got = loaded[key]
        assert isinstance(got, Tensor)
        assert got.dtype == expected.dtype
        assert got.shape == expected.shape
        np.testing.assert_array_equal(got.data, expected)
    assert _leftovers(tmp_path) == []


def test_file_is_a_plain_npz_readable_without_pickle(tmp_path):
    path = tmp_path / "ckpt"  # no suffix is added
    save({"w": np.ones(3)}, path)
    assert os.listdir(tmp_path) == ["ckpt"]
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == sorted([FORMAT_KEY, "w"])
        np.testing.assert_array_equal(npz["w"], np.ones(3))


def test_keys_that_clash_with_savez_parameters_work(tmp_path):
    state = {"file": np.ones(2), "allow_pickle": np.zeros(2), "a.b.c": np.arange(3)}
    save(state, tmp_path / "c.npz")
    loaded = load(tmp_path / "c.npz")
    assert set(loaded) == set(state)


def test_nested_state_is_flattened_with_dotted_keys(tmp_path):
    nested = {
        "model": {"fc": {"weight": np.eye(2), "bias": Tensor(np.zeros(2, dtype=np.float32))}},
        "optim": {"state": {0: {"momentum": np.ones(2)}}, "groups": [{"lr": 0.1}]},
    }
    save(nested, tmp_path / "n.npz")
    loaded = load(tmp_path / "n.npz")
    assert list(loaded) == [
        "model.fc.weight",
        "model.fc.bias",
        "optim.state.0.momentum",
        "optim.groups.0.lr",
    ]
    assert loaded["optim.groups.0.lr"].shape == ()
    assert loaded["optim.groups.0.lr"].item() == 0.1


def test_colliding_and_reserved_keys_are_rejected():
    with pytest.raises(ValueError, match=r"same key 'a\.b'"):
        flatten_state_dict({"a.b": np.ones(1), "a": {"b": np.ones(1)}})
    with pytest.raises(ValueError, match="reserved"):
        flatten_state_dict({FORMAT_KEY: np.ones(1)})
    with pytest.raises(TypeError, match="keys must be str or int"):
        flatten_state_dict({1.5: np.ones(1)})


def test_object_arrays_and_unknown_types_are_rejected_before_writing(tmp_path):
    path = tmp_path / "m.npz"
    with pytest.raises(TypeError, match=r"'bad'.*object dtype"):
        save({"ok": np.ones(2), "bad": np.array([{"x": 1}], dtype=object)}, path)
    with pytest.raises(TypeError, match=r"'s'.*unsupported type str"):
        save({"s": "text"}, path)
    assert os.listdir(tmp_path) == []


def test_failed_write_keeps_old_file_and_leaves_no_temp_files(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save({"w": np.full(3, 1.0)}, path)
    before = path.read_bytes()

    def broken_write_array(f, arr, **kwargs):
        f.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", broken_write_array)
    with pytest.raises(OSError, match="disk full"):
        save({"w": np.full(3, 2.0)}, path)
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_failed_rename_keeps_old_file_and_leaves_no_temp_files(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save({"w": np.full(3, 1.0)}, path)

    def broken_replace(src, dst):
        raise KeyboardInterrupt  # even an interrupt must not leave a temp file behind

    monkeypatch.setattr(serialization.os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        save({"w": np.full(3, 2.0)}, path)
    monkeypatch.undo()
    np.testing.assert_array_equal(load(path)["w"].data, np.full(3, 1.0))
    assert os.listdir(tmp_path) == ["model.npz"]


def test_overwrite_replaces_content(tmp_path):
    path = tmp_path / "model.npz"
    save({"w": np.ones(2)}, path)
    save({"v": np.zeros(3)}, path)
    assert list(load(path)) == ["v"]


def test_missing_directory_raises_before_writing(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save({"w": np.ones(2)}, tmp_path / "nope" / "m.npz")


def test_truncated_file_raises_value_error_naming_path(tmp_path):
    path = tmp_path / "model.npz"
    save({"w": np.arange(1000.0)}, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"model\.npz.*truncated"):
        load(path)


def test_random_bytes_file_raises_value_error_naming_path(tmp_path):
    path = tmp_path / "noise.npz"
    path.write_bytes(np.random.default_rng(0).bytes(256))
    with pytest.raises(ValueError, match=r"noise\.npz.*not an \.npz archive"):
        load(path)


def test_corrupted_member_raises_value_error(tmp_path):
    path = tmp_path / "model.npz"
    save({"w": np.zeros(4096)}, path)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2  # inside the array payload: the CRC check fails
    data[middle : middle + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"model\.npz"):
        load(path)


def test_plain_npz_without_marker_is_rejected_unless_not_strict(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, w=np.arange(3))
    with pytest.raises(ValueError, match=r"plain\.npz.*not a minigrad checkpoint"):
        load(path)
    loaded = load(path, strict=False)
    np.testing.assert_array_equal(loaded["w"].data, np.arange(3))


def test_object_array_in_file_is_rejected_without_unpickling(tmp_path):
    path = tmp_path / "evil.npz"
    marker = np.asarray(1, dtype=np.int64)
    np.savez(path, **{FORMAT_KEY: marker, "obj": np.array([object()], dtype=object)})
    with pytest.raises(ValueError, match=r"'obj'.*evil\.npz"):
        load(path)


def test_newer_format_version_is_rejected(tmp_path):
    path = tmp_path / "future.npz"
    np.savez(path, **{FORMAT_KEY: np.asarray(99, dtype=np.int64), "w": np.ones(1)})
    with pytest.raises(ValueError, match="format 99"):
        load(path)


def test_a_zip_that_is_not_npz_is_rejected(tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match="not a minigrad checkpoint"):
        load(path)


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.npz"):
        load(tmp_path / "missing.npz")


def test_pickle_is_never_used(tmp_path, monkeypatch):
    import pickle

    def forbidden(*args, **kwargs):
        raise AssertionError("pickle must not be used")

    monkeypatch.setattr(pickle, "dumps", forbidden)
    monkeypatch.setattr(pickle, "dump", forbidden)
    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    save({"w": np.ones(2)}, tmp_path / "m.npz")
    assert load(tmp_path / "m.npz")["w"].shape == (2,)
