"""Checkpoints: round trips, atomic writes, and clear errors on bad files."""

import os
import textwrap
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
        expected = value.detach().numpy() if isinstance(value, Tensor) else np.asarray(value)
        got = loaded[key]
        assert isinstance(got, Tensor)
        assert got.dtype == expected.dtype
        assert got.shape == expected.shape
        np.testing.assert_array_equal(got.detach().numpy(), expected)
    assert _leftovers(tmp_path) == []


def test_file_is_a_plain_npz_readable_without_pickle(tmp_path):
    path = tmp_path / "ckpt"  # no suffix is added
    save({"w": np.ones(3)}, path)
    assert os.listdir(tmp_path) == ["ckpt"]
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == sorted([FORMAT_KEY, serialization.TREE_KEY, "w"])
        np.testing.assert_array_equal(npz["w"], np.ones(3))


def test_keys_that_clash_with_savez_parameters_work(tmp_path):
    state = {"file": np.ones(2), "allow_pickle": np.zeros(2), "a.b.c": np.arange(3)}
    save(state, tmp_path / "c.npz")
    loaded = load(tmp_path / "c.npz")
    assert set(loaded) == set(state)


def test_nested_state_comes_back_nested_with_python_values(tmp_path):
    nested = {
        "model": {"fc": {"weight": np.eye(2), "bias": Tensor(np.zeros(2, dtype=np.float32))}},
        "optim": {
            "state": {0: {"momentum": np.ones(2), "step": 3}, 1: {}},
            "groups": [{"lr": 0.1, "betas": (0.9, 0.999), "nesterov": True, "params": [0, 1]}],
        },
        "sched": {"mode": "min", "best": float("inf"), "min_lr": None, "milestones": []},
    }
    save(nested, tmp_path / "n.npz")
    loaded = load(tmp_path / "n.npz")
    assert list(loaded) == ["model", "optim", "sched"]
    np.testing.assert_array_equal(loaded["model"]["fc"]["weight"].detach().numpy(), np.eye(2))
    assert loaded["model"]["fc"]["bias"].dtype == np.float32
    assert list(loaded["optim"]["state"]) == [0, 1]  # int keys stay ints
    assert loaded["optim"]["state"][0]["step"] == 3 and loaded["optim"]["state"][1] == {}
    assert loaded["optim"]["groups"] == [
        {"lr": 0.1, "betas": (0.9, 0.999), "nesterov": True, "params": [0, 1]}
    ]
    assert type(loaded["optim"]["groups"][0]["betas"]) is tuple
    assert type(loaded["optim"]["groups"][0]["nesterov"]) is bool
    assert loaded["sched"] == {
        "mode": "min",
        "best": float("inf"),
        "min_lr": None,
        "milestones": [],
    }
    # The arrays are still plain .npy members under dotted keys.
    with np.load(tmp_path / "n.npz", allow_pickle=False) as npz:
        assert "optim.state.0.momentum" in npz.files and "model.fc.weight" in npz.files


def test_format_1_files_still_load_flat(tmp_path):
    path = tmp_path / "old.npz"
    np.savez(path, **{FORMAT_KEY: np.asarray(1, dtype=np.int64), "a.b": np.ones(2)})
    loaded = load(path)
    assert list(loaded) == ["a.b"] and isinstance(loaded["a.b"], Tensor)


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
    with pytest.raises(TypeError, match=r"'s'.*unsupported type set"):
        save({"s": {1, 2}}, path)
    with pytest.raises(TypeError, match="keys must be str or int"):
        save({"a": {(1, 2): np.ones(1)}}, path)
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
    np.testing.assert_array_equal(load(path)["w"].detach().numpy(), np.full(3, 1.0))
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
    np.testing.assert_array_equal(loaded["w"].detach().numpy(), np.arange(3))


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


# -- issue 10: checkpoints ------------------------------------------------------------------


def test_not_strict_load_of_an_unrelated_zip_refuses_instead_of_returning_bytes(tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
        zf.writestr("w.npy", b"")  # even next to something that looks like an array
    before = path.read_bytes()
    with pytest.raises(ValueError, match=r"other\.zip.*'readme\.txt' is not a NumPy array"):
        load(path, strict=False)
    assert path.read_bytes() == before


def test_not_strict_load_refuses_non_numeric_arrays(tmp_path):
    path = tmp_path / "text.npz"
    np.savez(path, names=np.array(["a", "b"]))
    with pytest.raises(ValueError, match=r"'names'.*not a numeric array \(dtype <U1\)"):
        load(path, strict=False)


def test_stale_temporary_file_of_a_killed_save_is_removed_by_the_next_save(tmp_path):
    import signal
    import subprocess
    import sys

    path = tmp_path / "model.npz"
    save({"w": np.zeros(3)}, path)
    # A child process saves a large state through a writer that stalls halfway; it is killed
    # with SIGKILL mid-write, so nothing of its own can clean up.
    child = textwrap.dedent(
        f"""
        import sys, time
        import numpy as np
        import minigrad.serialization as s
        real = np.lib.format.write_array
        def slow(f, arr, **kw):
            real(f, arr, **kw)
            if arr.size > 1000:
                f.flush()
                print("writing", flush=True)
                time.sleep(60)
        np.lib.format.write_array = slow
        s.save({{"w": np.ones(1_000_000)}}, {str(path)!r})
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, env=env)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"writing"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    stale = _leftovers(tmp_path)
    assert len(stale) == 1 and stale[0].startswith(".model.npz.")
    assert os.path.getsize(tmp_path / stale[0]) > 1_000_000  # the half-written checkpoint
    np.testing.assert_array_equal(load(path)["w"].detach().numpy(), np.zeros(3))  # old file intact

    other = tmp_path / "other.npz"
    save({"w": np.ones(1)}, other)  # a save of another path leaves it alone
    assert _leftovers(tmp_path) == stale
    save({"w": np.full(2, 5.0)}, path)
    assert _leftovers(tmp_path) == []
    np.testing.assert_array_equal(load(path)["w"].detach().numpy(), np.full(2, 5.0))


def test_temporary_file_of_a_live_writer_is_not_removed(tmp_path):
    path = tmp_path / "model.npz"
    live = tmp_path / f".model.npz.{os.getppid()}.abc123.tmp"  # our parent: alive
    live.write_bytes(b"in progress")
    save({"w": np.ones(2)}, path)
    assert live.exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_save_into_read_only_directory_names_the_target(tmp_path):
    directory = tmp_path / "ro"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        with pytest.raises(PermissionError) as info:
            save({"w": np.ones(2)}, directory / "model.npz")
    finally:
        directory.chmod(0o700)
    assert info.value.filename == str(directory / "model.npz")
    assert ".tmp" not in str(info.value)
    assert os.listdir(directory) == []


def test_save_error_from_the_temporary_file_names_the_target(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save({"w": np.ones(2)}, path)
    before = path.read_bytes()

    def read_only(dir, prefix, suffix):
        raise PermissionError(13, "Permission denied", os.path.join(dir, prefix + "x1" + suffix))

    monkeypatch.setattr(serialization.tempfile, "mkstemp", read_only)
    with pytest.raises(PermissionError, match=r"cannot write .*model\.npz.*Permission denied"):
        save({"w": np.zeros(2)}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    save({"w": np.zeros(2)}, path)  # the real mkstemp works again
    np.testing.assert_array_equal(load(path)["w"].detach().numpy(), np.zeros(2))


def test_load_of_a_directory_raises_is_a_directory_error(tmp_path):
    with pytest.raises(IsADirectoryError, match="checkpoint file") as info:
        load(tmp_path)
    assert info.value.filename == str(tmp_path)
    with pytest.raises(IsADirectoryError, match="not a directory") as info:
        save({"w": np.ones(1)}, tmp_path)
    assert info.value.filename == str(tmp_path)
    assert os.listdir(tmp_path) == []


def test_open_files_as_pytorch_takes_them(tmp_path):
    """`with open(path, "wb") as f: torch.save(state, f)` and `torch.load(f)` of an open file,
    as pytorch/examples' programs write them; the file is the same checkpoint as by path."""
    state = _state(np.random.default_rng(0))
    path = tmp_path / "model.pt"
    with open(path, "wb") as f:
        save(state, f)
    with open(path, "rb") as f:
        from_file = load(f)
    for loaded in (from_file, load(path)):
        assert list(loaded) == list(state)
        for key, value in state.items():
            np.testing.assert_array_equal(np.asarray(loaded[key]), np.asarray(value))
    with open(tmp_path / "other.pt", "wb") as f:
        f.write(b"not a checkpoint")
    with open(tmp_path / "other.pt", "rb") as f, pytest.raises(ValueError, match=r"other\.pt"):
        load(f)
