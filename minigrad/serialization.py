"""Save and load state dicts as NumPy `.npz` archives: no pickle, atomic writes.

A checkpoint is an ordinary `.npz` file (readable with `np.load`) holding one array per
dotted key plus a format marker, so foreign or damaged files are recognised on load.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .tensor import Tensor

__all__ = ["FORMAT_KEY", "FORMAT_VERSION", "flatten_state_dict", "load", "save"]

FORMAT_KEY = "__minigrad_format__"
FORMAT_VERSION = 1

PathLike = str | os.PathLike[str]


def flatten_state_dict(state_dict: Mapping[Any, Any], prefix: str = "") -> dict[str, np.ndarray]:
    """Flatten a (possibly nested) state dict into `{dotted.key: ndarray}`.

    Mappings and lists/tuples are containers: `{"state": {0: {"m": a}}}` becomes
    `{"state.0.m": a}`. Leaves may be Tensors, ndarrays, NumPy scalars or Python
    bool/int/float (stored as 0-d arrays).

    Args:
        state_dict: the mapping to flatten.
        prefix: prepended (with a dot) to every key.

    Returns:
        A new flat dict; Tensor leaves are replaced by their arrays (not copied).

    Raises:
        TypeError: a key is not str/int, a leaf has an unsupported type, or an array has
            object dtype (it could only be stored with pickle).
        ValueError: two paths flatten to the same key, or a key is empty or reserved.
    """
    flat: dict[str, np.ndarray] = {}
    for key, value in _walk(state_dict, prefix):
        if key == FORMAT_KEY:
            raise ValueError(f"save: the key {FORMAT_KEY!r} is reserved for the format marker")
        if key in flat:
            raise ValueError(f"save: two entries flatten to the same key {key!r}")
        flat[key] = _to_array(key, value)
    return flat


def save(state_dict: Mapping[Any, Any], path: PathLike) -> None:
    """Write `state_dict` to `path` as an `.npz` archive, atomically.

    The archive is written to a temporary file in the same directory, flushed to disk and
    renamed over `path`, so a crash or error leaves either the old file or the new one, never
    a mix. The name is used as given (no `.npz` is appended).

    Args:
        state_dict: flat or nested mapping of Tensors/arrays/numbers (see
            `flatten_state_dict`).
        path: destination file; its directory must exist.

    Raises:
        TypeError, ValueError: the state dict cannot be stored (nothing is written).
        FileNotFoundError: the destination directory does not exist.
    """
    flat = flatten_state_dict(state_dict)  # validate everything before touching the disk
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save: directory {directory!r} does not exist (for {path!r})")
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644

    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            _write_npz(f, {FORMAT_KEY: np.asarray(FORMAT_VERSION, dtype=np.int64), **flat})
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)  # mkstemp creates 0600; match an ordinary file (or the old one)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def load(path: PathLike, strict: bool = True) -> dict[str, Tensor]:
    """Read a checkpoint written by `save`.

    Args:
        path: the `.npz` file.
        strict: if True (default) the file must carry the minigrad format marker; a plain
            `.npz` from elsewhere is rejected. Pass False to read any pickle-free `.npz`.

    Returns:
        A flat dict `{dotted.key: Tensor}` in the order the keys were saved. Tensors keep the
        saved dtype and do not require grad.

    Raises:
        FileNotFoundError: `path` does not exist.
        ValueError: the file is truncated, not an `.npz` archive, not a minigrad checkpoint
            (when `strict`), written by a newer format version, or holds object arrays.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no such checkpoint file: {path!r}")
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as f:
            head = f.read(4)
        what = "truncated or corrupted" if head == b"PK\x03\x04" else "not an .npz archive"
        raise ValueError(f"load: {path!r} is {what}; cannot read it as a minigrad checkpoint")
    try:
        with np.load(path, allow_pickle=False) as npz:
            names = list(npz.files)
            if FORMAT_KEY not in names:
                if strict:
                    raise ValueError(
                        f"load: {path!r} is an .npz archive but not a minigrad checkpoint "
                        f"(no {FORMAT_KEY!r} marker); pass strict=False to read it anyway"
                    )
            else:
                _check_marker(path, npz[FORMAT_KEY])
            return {
                name: Tensor(_read_member(path, npz, name)) for name in names if name != FORMAT_KEY
            }
    except zipfile.BadZipFile as e:
        raise ValueError(f"load: {path!r} is truncated or corrupted ({e})") from e


# ---------------------------------------------------------------------------------------------
# helpers


def _walk(node: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    """Yield (dotted key, leaf) pairs, depth first, in insertion order."""
    if isinstance(node, Mapping):
        items: Any = node.items()
    elif isinstance(node, (list, tuple)):
        items = enumerate(node)
    else:
        yield prefix, node
        return
    for k, v in items:
        if isinstance(k, bool) or not isinstance(k, (str, int)):
            raise TypeError(f"save: keys must be str or int, got {type(k).__name__} ({k!r})")
        part = str(k)
        if not part:
            raise ValueError(f"save: empty key under {prefix!r}" if prefix else "save: empty key")
        yield from _walk(v, f"{prefix}.{part}" if prefix else part)


def _to_array(key: str, value: Any) -> np.ndarray:
    if isinstance(value, Tensor):
        arr = np.asarray(value._data)
    elif isinstance(value, (np.ndarray, np.generic, bool, int, float)):
        arr = np.asarray(value)
    else:
        raise TypeError(
            f"save: value for {key!r} has unsupported type {type(value).__name__}; "
            "expected Tensor, ndarray or a Python number"
        )
    if arr.dtype.hasobject:
        raise TypeError(
            f"save: value for {key!r} has object dtype, which could only be stored with pickle"
        )
    return arr


def _write_npz(f: Any, arrays: Mapping[str, np.ndarray]) -> None:
    """Write arrays as `.npy` members of a zip, as `np.savez` does, with pickle disabled.

    Writing the members directly (instead of `np.savez(f, **arrays)`) lets any key be used,
    including ones that collide with `savez`'s own parameter names.
    """
    with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, arr in arrays.items():
            with zf.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, arr, allow_pickle=False)


def _check_marker(path: str, marker: np.ndarray) -> None:
    if marker.shape != () or marker.dtype.kind not in "iu":
        raise ValueError(f"load: {path!r} has a malformed {FORMAT_KEY!r} marker")
    version = int(marker)
    if version > FORMAT_VERSION:
        raise ValueError(
            f"load: {path!r} uses checkpoint format {version}, newer than this minigrad "
            f"supports ({FORMAT_VERSION})"
        )


def _read_member(path: str, npz: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(npz[name])
    except ValueError as e:  # object arrays refuse to load without pickle
        raise ValueError(f"load: entry {name!r} of {path!r} cannot be read: {e}") from e
    except (EOFError, OSError) as e:
        raise ValueError(f"load: entry {name!r} of {path!r} is truncated or corrupted") from e


def _fsync_directory(directory: str) -> None:
    """Persist the rename itself; not possible on every platform, so best effort."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
