"""Save and load checkpoints without pickle, atomically: `.npz` archives, or `.safetensors`.

A checkpoint holds one array per dotted key (`layers.0.weight`, `state.0.exp_avg`) plus a
small JSON description of the nesting (dicts with str or int keys, lists, tuples) and of the
Python numbers, strings and None in it, so an optimizer's or a scheduler's state dict comes
back exactly as it was saved. `.npz` files are ordinary NumPy archives (`np.load` reads them);
`.safetensors` files (chosen by the suffix) are read by PyTorch, JAX and Hugging Face tools.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any, cast

import numpy as np

from ._optional import require
from .device import as_device
from .tensor import Tensor, from_data

__all__ = ["FORMAT_KEY", "FORMAT_VERSION", "flatten_state_dict", "load", "save"]

FORMAT_KEY = "__minigrad_format__"
TREE_KEY = "__minigrad_tree__"
FORMAT_VERSION = 2  # 1: flat arrays only; 2: adds the tree (nesting and Python values)

PathLike = str | os.PathLike[str]
_SCALARS = (bool, int, float, str, type(None))
_NUMERIC_KINDS = "biufc"


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
        _check_new_key(key, flat)
        if isinstance(value, str | type(None)):
            raise TypeError(
                f"save: value for {key!r} has unsupported type {type(value).__name__}; "
                "expected Tensor, ndarray or a Python number"
            )
        flat[key] = _to_array(key, value)
    return flat


def save(obj: Any, path: PathLike | IO[bytes]) -> None:
    """Write a state dict (flat or nested), a tensor, or a list or tuple of them to `path`,
    atomically and without pickle.

    The format follows the suffix: `.safetensors` writes a safetensors file (needs the
    optional `safetensors` package), anything else an `.npz` archive (the name is used as
    given). The file is written under a hidden temporary name in the same directory, flushed
    to disk and renamed over `path`, so a crash leaves either the old file or the new one;
    temporary files left by a killed process are removed on the next save of the same path.

    Tensors that share memory (a tensor and its views: `numbers` and `numbers[1::2]`) are
    saved as one block of memory and the views into it, and share it again when loaded, as
    PyTorch's tensors share their storage; in a `.safetensors` file each is saved as its
    values (a view alone is saved as its values too, where PyTorch saves its whole storage).

    Args:
        obj: a Tensor, or a mapping, list or tuple whose leaves are Tensors, ndarrays, NumPy
            scalars, or Python bool, int, float, str or None, nested in dicts (str or int
            keys), lists and tuples.
        path: destination file; its directory must exist. An open binary file (`with
            open(p, "wb") as f: save(state, f)`, as PyTorch takes it) gets the `.npz` archive
            written straight into it, without the atomic rename.

    Raises:
        TypeError, ValueError: the object cannot be stored (nothing is written).
        FileNotFoundError: the destination directory does not exist.
        IsADirectoryError: `path` is a directory.
        OSError: the file cannot be written (the message names `path`); the old file is kept.
        ImportError: `.safetensors` without the `safetensors` package (says how to install it).
    """
    if not isinstance(obj, Mapping | list | tuple | Tensor):
        hint = (
            " minigrad saves state dicts, never pickled objects: save model.state_dict() and "
            "load it with model.load_state_dict(minigrad.load(path)) into a model built by its "
            "class (see docs/checkpoints.md)"
            if hasattr(obj, "state_dict")
            else ""
        )
        raise TypeError(
            "save: expected a mapping (a state dict), a list, a tuple or a tensor, got "
            f"{type(obj).__name__}.{hint}"
        )
    safetensors = not hasattr(path, "write") and _is_safetensors(os.fspath(cast(Any, path)))
    tree, arrays = _encode(obj, shared=not safetensors)  # checked before touching the disk
    if hasattr(path, "write"):  # an open binary file, as PyTorch's torch.save(obj, f)
        _npz_writer(tree, arrays)(cast(IO[bytes], path))
        return
    path = os.fspath(path)
    if safetensors:
        writer = _safetensors_writer(path, tree, arrays)
    else:
        writer = _npz_writer(tree, arrays)
    _atomic_write(path, writer)


def load(
    path: PathLike | IO[bytes],
    map_location: Any = None,
    *,
    strict: bool = True,
    weights_only: bool | None = None,
    mmap: bool | None = None,
) -> Any:
    """Read a checkpoint written by `save` (or a foreign `.npz`/`.safetensors` file).

    Args:
        path: an `.npz` or (by suffix) `.safetensors` file, or an open binary file holding
            an `.npz` checkpoint (`with open(p, "rb") as f: load(f)`, as PyTorch takes it).
        map_location: PyTorch's argument, accepted for the CPU (None, "cpu", a CPU device, or
            a dict or function, which can only map to the CPU); another device raises, since
            minigrad computes on the CPU.
        strict: for `.npz`, require minigrad's format marker (a plain `.npz` from elsewhere is
            rejected); pass False to read any pickle-free `.npz` of numeric arrays.
            `.safetensors` files are a standard format and load either way.
        weights_only: PyTorch's argument, accepted either way: minigrad never unpickles, so
            every load reads tensors and plain values only (what PyTorch's True allows).
        mmap: PyTorch's argument; None or False (files are read into memory).

    Returns:
        What was saved (a mapping, list, tuple or tensor), nested as it was saved, with arrays
        as Tensors (saved dtype, not requiring grad; those saved sharing memory share it
        again) and Python values as they were. A file without minigrad's description
        of the nesting (a foreign file, or one saved by format 1) gives a flat
        `{dotted.key: Tensor}` dict in the file's order.

    Raises:
        FileNotFoundError: `path` does not exist.
        IsADirectoryError: `path` is a directory.
        ValueError: the file is truncated, corrupted, not a checkpoint (when `strict`), written
            by a newer format version, or holds something that is not a numeric array.
        ImportError: `.safetensors` without the `safetensors` package (says how to install it).
    """
    if (
        map_location is not None
        and not callable(map_location)
        and not isinstance(map_location, dict)
    ):
        as_device(map_location)  # only the CPU: anything else raises, saying why
    if weights_only not in (None, True, False):
        raise TypeError(f"load: weights_only must be a bool or None, got {weights_only!r}")
    if mmap:
        raise ValueError("load: mmap=True is not supported; checkpoints are read into memory")
    if hasattr(path, "read"):  # an open binary file, as PyTorch's torch.load(f)
        name = str(getattr(path, "name", "<file>"))
        tree, arrays = _read_npz(name, strict, io.BytesIO(path.read()))
        return _decode(name, tree, arrays) if tree is not None else _tensors(arrays)
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(
            errno.EISDIR,
            "Is a directory; load expects a checkpoint file (.npz or .safetensors)",
            path,
        )
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no such checkpoint file: {path!r}")
    if _is_safetensors(path):
        tree, arrays = _read_safetensors(path)
    else:
        tree, arrays = _read_npz(path, strict)
    return _decode(path, tree, arrays) if tree is not None else _tensors(arrays)


def _tensors(arrays: Mapping[str, np.ndarray]) -> dict[Any, Any]:
    return {name: from_data(arr) for name, arr in arrays.items()}


# ---------------------------------------------------------------------------------------------
# the tree: nesting and Python values as JSON, arrays by their dotted key


def _encode(obj: Any, shared: bool = True) -> tuple[Any, dict[str, np.ndarray]]:
    """(JSON-ready description of `obj`, {dotted key: array}); raises on anything unstorable.

    With `shared`, Tensors whose arrays view the same memory (counted by `_memory_owners`)
    are stored as that memory, once, in bytes (under the first one's key), and each as a
    `view` of it: its dtype, byte offset, shape and byte strides.
    """
    arrays: dict[str, np.ndarray] = {}
    leaves: dict[str, None] = {}
    owners = _memory_owners(obj) if shared else {}
    stored: dict[int, str] = {}  # id of the memory's owner -> key of its bytes

    def view(node: Tensor, prefix: str) -> Any:
        a = node._data
        owner = _owner(a)
        if id(owner) not in stored:
            stored[id(owner)] = prefix
            arrays[prefix] = owner.ravel(order="K").view(np.uint8)
        start = a.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
        return {"view": [stored[id(owner)], a.dtype.str, start, list(a.shape), list(a.strides)]}

    def encode(node: Any, prefix: str) -> Any:
        if isinstance(node, Mapping):
            items = []
            for k, v in node.items():
                key = _key_part(prefix, k)
                items.append([k, encode(v, f"{prefix}.{key}" if prefix else key)])
            return {"dict": items}
        if isinstance(node, list | tuple):
            parts = [encode(v, f"{prefix}.{i}" if prefix else str(i)) for i, v in enumerate(node)]
            return {"tuple" if isinstance(node, tuple) else "list": parts}
        _check_new_key(prefix, leaves)
        leaves[prefix] = None
        if isinstance(node, _SCALARS):
            return {"value": node}
        array = _to_array(prefix, node)  # (its checks first)
        if isinstance(node, Tensor) and owners.get(id(_owner(array)), 0) > 1:
            return view(node, prefix)
        arrays[prefix] = array
        return {"array": prefix}

    return encode(obj, "" if isinstance(obj, Mapping | list | tuple) else "tensor"), arrays


def _owner(a: np.ndarray) -> np.ndarray:
    """The array that owns the memory `a` views (`a` itself when it owns it)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _memory_owners(obj: Any) -> dict[int, int]:
    """{id of an owning array: how many of `obj`'s Tensors view it}, for the Tensors whose
    memory can be saved whole: a contiguous owner that holds elements."""
    counts: dict[int, int] = {}
    for _, leaf in _walk(obj, ""):
        if getattr(type(leaf), "_uninitialized", False):  # (refused by `_to_array`, later)
            continue
        if isinstance(leaf, Tensor) and leaf._data.size:
            owner = _owner(leaf._data)
            if owner.flags.c_contiguous or owner.flags.f_contiguous:
                counts[id(owner)] = counts.get(id(owner), 0) + 1
    return counts


def _decode(path: str, tree: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    def bad() -> ValueError:
        return ValueError(f"load: {path!r} has a malformed {TREE_KEY!r} description")

    def decode(node: Any) -> Any:
        if not isinstance(node, dict) or len(node) != 1:
            raise bad()
        ((kind, body),) = node.items()
        if kind == "dict" and isinstance(body, list):
            return {_json_key(bad, item): decode(item[1]) for item in body}
        if kind in ("list", "tuple") and isinstance(body, list):
            parts = [decode(v) for v in body]
            return tuple(parts) if kind == "tuple" else parts
        if kind == "value" and isinstance(body, _SCALARS):
            return body
        if kind == "array" and isinstance(body, str):
            if body not in arrays:
                raise ValueError(f"load: {path!r} lists an array {body!r} that it does not hold")
            return from_data(arrays[body])
        if kind == "view" and isinstance(body, list) and len(body) == 5:
            return from_data(_view(path, arrays, *body))
        raise bad()

    return decode(tree)


def _view(
    path: str, arrays: Mapping[str, np.ndarray], key: Any, dtype: Any, start: Any, *layout: Any
) -> np.ndarray:
    """The array a `view` entry describes, into the loaded bytes under `key`; a description
    that would read outside those bytes is refused."""
    memory = arrays.get(key) if isinstance(key, str) else None
    try:
        if memory is None or memory.dtype != np.uint8 or memory.ndim != 1:
            raise ValueError("no such block of memory")
        shape, strides = (tuple(int(n) for n in x) for x in layout)
        dt = np.dtype(dtype)
        if dt.kind not in _NUMERIC_KINDS or any(n < 0 for n in shape) or len(shape) != len(strides):
            raise ValueError("not a numeric view")
        spans = [(n - 1) * st for n, st in zip(shape, strides, strict=True)]
        low = int(start) + sum(min(0, x) for x in spans)
        high = int(start) + sum(max(0, x) for x in spans) + dt.itemsize
        if 0 not in shape and (low < 0 or high > memory.size):
            raise ValueError("outside the memory")
        return np.ndarray(shape, dt, buffer=memory, offset=int(start), strides=strides)
    except (TypeError, ValueError) as e:
        raise ValueError(f"load: {path!r} has a malformed {TREE_KEY!r} description ({e})") from e


def _json_key(bad: Callable[[], ValueError], item: Any) -> Any:
    if not isinstance(item, list) or len(item) != 2:
        raise bad()
    key = item[0]
    if isinstance(key, bool) or not isinstance(key, str | int):
        raise bad()
    return key


def _key_part(prefix: str, k: Any) -> str:
    if isinstance(k, bool) or not isinstance(k, str | int):
        raise TypeError(f"save: keys must be str or int, got {type(k).__name__} ({k!r})")
    part = str(k)
    if not part:
        raise ValueError(f"save: empty key under {prefix!r}" if prefix else "save: empty key")
    return part


def _check_new_key(key: str, seen: Mapping[str, Any]) -> None:
    if key in (FORMAT_KEY, TREE_KEY):
        raise ValueError(f"save: the key {key!r} is reserved for the format marker")
    if key in seen:
        raise ValueError(f"save: two entries flatten to the same key {key!r}")


def _walk(node: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    """Yield (dotted key, leaf) pairs, depth first, in insertion order."""
    if isinstance(node, Mapping):
        items: Any = node.items()
    elif isinstance(node, list | tuple):
        items = enumerate(node)
    else:
        yield prefix, node
        return
    for k, v in items:
        part = _key_part(prefix, k)
        yield from _walk(v, f"{prefix}.{part}" if prefix else part)


def _to_array(key: str, value: Any) -> np.ndarray:
    if getattr(type(value), "_uninitialized", False):  # (nn/lazy.py's, above this layer)
        raise ValueError(
            f"save: value for {key!r} is an uninitialized parameter or buffer of a lazy module "
            "(minigrad.nn.LazyLinear...), which has no values to save yet. Call `forward` with a "
            "dummy batch to initialize the parameters before saving the state dict"
        )
    if isinstance(value, Tensor):
        arr = np.asarray(value._data)
    elif isinstance(value, np.ndarray | np.generic | bool | int | float):
        arr = np.asarray(value)
    else:
        raise TypeError(
            f"save: value for {key!r} has unsupported type {type(value).__name__}; "
            "expected Tensor, ndarray, a Python number, str or None"
        )
    if arr.dtype.hasobject:
        raise TypeError(
            f"save: value for {key!r} has object dtype, which could only be stored with pickle"
        )
    return arr


# ---------------------------------------------------------------------------------------------
# .npz


def _c_ordered(arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays in C order: files hold the same bytes whatever the arrays' memory layout
    (``nn.Linear`` keeps its weight Fortran-ordered); loading copies them back into it.

    ``copy(order="C")``, not ``np.ascontiguousarray``, which turns a 0-d array into shape (1,).
    """
    return {k: a if a.flags.c_contiguous else a.copy(order="C") for k, a in arrays.items()}


def _npz_writer(tree: Any, arrays: Mapping[str, np.ndarray]) -> Callable[[IO[bytes]], None]:
    members = {
        FORMAT_KEY: np.asarray(FORMAT_VERSION, dtype=np.int64),
        TREE_KEY: _tree_bytes(tree),
        **_c_ordered(arrays),
    }

    def write(f: IO[bytes]) -> None:
        # Members written directly (not np.savez(f, **arrays)), so that any key works, even
        # one named like a savez parameter.
        with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name, arr in members.items():
                with zf.open(name + ".npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, arr, allow_pickle=False)

    return write


def _tree_bytes(tree: Any) -> np.ndarray:
    return np.frombuffer(_tree_json(tree).encode("utf-8"), dtype=np.uint8)


def _tree_json(tree: Any) -> str:
    return json.dumps(tree, separators=(",", ":"), ensure_ascii=False)


def _parse_tree(path: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as e:
        raise ValueError(f"load: {path!r} has a malformed {TREE_KEY!r} description") from e


def _read_npz(
    path: str, strict: bool, opened: io.BytesIO | None = None
) -> tuple[Any, dict[str, np.ndarray]]:
    """The tree and arrays of the archive at `path`, or in `opened` (`path` names it)."""
    source: Any = path if opened is None else opened
    if not zipfile.is_zipfile(source):
        if opened is None:
            with open(path, "rb") as f:
                head = f.read(4)
        else:
            head = opened.getvalue()[:4]
        what = "truncated or corrupted" if head == b"PK\x03\x04" else "not an .npz archive"
        raise ValueError(f"load: {path!r} is {what}; cannot read it as a minigrad checkpoint")
    try:
        with zipfile.ZipFile(source) as zf:
            members = zf.namelist()
        if any(m == "data.pkl" or m.endswith("/data.pkl") for m in members):
            raise ValueError(
                f"load: {path!r} was written by torch.save (a pickle), which minigrad never "
                "unpickles. In PyTorch, save the state dict as safetensors "
                "(safetensors.torch.save_file(model.state_dict(), 'model.safetensors')) and "
                "load that file; see docs/checkpoints.md"
            )
        if opened is not None:
            opened.seek(0)
        with np.load(source, allow_pickle=False) as npz:
            names = list(npz.files)
            if FORMAT_KEY not in names:
                if strict:
                    raise ValueError(
                        f"load: {path!r} is an .npz archive but not a minigrad checkpoint "
                        f"(no {FORMAT_KEY!r} marker); pass strict=False to read it anyway"
                    )
            else:
                _check_marker(path, npz[FORMAT_KEY])
            # np.load hands back the raw bytes of a member that is not an .npy array.
            foreign = [m for m in members if not m.endswith(".npy")]
            if foreign:
                raise ValueError(
                    f"load: {path!r} is a zip archive, not an .npz checkpoint: member "
                    f"{foreign[0]!r} is not a NumPy array (.npy); nothing was read"
                )
            tree = None
            if TREE_KEY in names:
                raw = _read_member(path, npz, TREE_KEY)
                if raw.dtype != np.uint8 or raw.ndim != 1:
                    raise ValueError(f"load: {path!r} has a malformed {TREE_KEY!r} description")
                tree = _parse_tree(path, raw.tobytes().decode("utf-8", errors="replace"))
            arrays = {
                name: _read_member(path, npz, name)
                for name in names
                if name not in (FORMAT_KEY, TREE_KEY)
            }
    except zipfile.BadZipFile as e:
        raise ValueError(f"load: {path!r} is truncated or corrupted ({e})") from e
    return tree, arrays


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
        arr = npz[name]
    except ValueError as e:  # object arrays refuse to load without pickle
        raise ValueError(f"load: entry {name!r} of {path!r} cannot be read: {e}") from e
    except (EOFError, OSError) as e:
        raise ValueError(f"load: entry {name!r} of {path!r} is truncated or corrupted") from e
    return _numeric(path, name, arr)


def _numeric(path: str, name: str, arr: Any) -> np.ndarray:
    if not isinstance(arr, np.ndarray) or arr.dtype.kind not in _NUMERIC_KINDS:
        what = f"dtype {arr.dtype}" if isinstance(arr, np.ndarray) else type(arr).__name__
        raise ValueError(
            f"load: entry {name!r} of {path!r} is not a numeric array ({what}); "
            "a tensor must hold numbers or booleans"
        )
    return arr


# ---------------------------------------------------------------------------------------------
# .safetensors (the optional `safetensors` package writes and parses the format)


def _is_safetensors(path: str) -> bool:
    return path.lower().endswith(".safetensors")


def _safetensors() -> Any:
    """The `safetensors` package with its NumPy API loaded, or an ImportError saying how."""
    require("safetensors.numpy", ".safetensors checkpoints", "safetensors", "safetensors")
    return importlib.import_module("safetensors")


def _safetensors_writer(
    path: str, tree: Any, arrays: Mapping[str, np.ndarray]
) -> Callable[[IO[bytes]], None]:
    lib = _safetensors()
    for key, arr in arrays.items():
        if arr.dtype.kind == "c":
            raise TypeError(f"save: {path!r}: safetensors cannot store complex {key!r}")
    metadata = {FORMAT_KEY: str(FORMAT_VERSION), TREE_KEY: _tree_json(tree)}
    data = lib.numpy.save(_c_ordered(arrays), metadata=metadata)  # bytes: serialised before any I/O

    def write(f: IO[bytes]) -> None:
        f.write(data)

    return write


def _read_safetensors(path: str) -> tuple[Any, dict[str, np.ndarray]]:
    lib = _safetensors()
    try:
        with open(path, "rb") as f:
            data = f.read()
        metadata = _safetensors_metadata(data)
        arrays = lib.numpy.load(data)
    except (lib.SafetensorError, ValueError) as e:
        raise ValueError(f"load: {path!r} is not a valid .safetensors file ({e})") from e
    tree = None
    if FORMAT_KEY in metadata:
        version = metadata[FORMAT_KEY]
        if not version.isdigit():
            raise ValueError(f"load: {path!r} has a malformed {FORMAT_KEY!r} marker")
        if int(version) > FORMAT_VERSION:
            raise ValueError(
                f"load: {path!r} uses checkpoint format {version}, newer than this minigrad "
                f"supports ({FORMAT_VERSION})"
            )
        if TREE_KEY in metadata:
            tree = _parse_tree(path, metadata[TREE_KEY])
    for name, arr in arrays.items():
        _numeric(path, name, arr)
    if tree is None:  # a foreign file: keep the order of the header, not safetensors' sorting
        order = _safetensors_order(data)
        arrays = {name: arrays[name] for name in order if name in arrays}
    return tree, arrays


def _safetensors_header(data: bytes) -> dict[str, Any]:
    if len(data) < 8:
        raise ValueError("file too short for a safetensors header")
    n = int.from_bytes(data[:8], "little")
    if n > len(data) - 8:
        raise ValueError("header length exceeds the file size")
    header = json.loads(data[8 : 8 + n])
    if not isinstance(header, dict):
        raise ValueError("header is not a JSON object")
    return header


def _safetensors_metadata(data: bytes) -> dict[str, str]:
    meta = _safetensors_header(data).get("__metadata__") or {}
    return {str(k): str(v) for k, v in meta.items()}


def _safetensors_order(data: bytes) -> list[str]:
    return [k for k in _safetensors_header(data) if k != "__metadata__"]


# ---------------------------------------------------------------------------------------------
# atomic writes


def _atomic_write(path: str, write: Callable[[IO[bytes]], None]) -> None:
    """Write through `write` to a temporary file beside `path`, then rename it over `path`."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save: directory {directory!r} does not exist (for {path!r})")
    if os.path.isdir(path):
        raise IsADirectoryError(
            errno.EISDIR, "Is a directory; save needs a file name, not a directory", path
        )
    base = os.path.basename(path)
    _remove_stale_temporaries(directory, base)
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644
    tmp = None
    try:
        # The pid in the name tells a later save whether the writer is still alive.
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{base}.{os.getpid()}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)  # mkstemp creates 0600; match an ordinary file (or the old one)
        os.replace(tmp, path)
    except OSError as e:
        _discard(tmp)
        if e.filename is None or e.filename == path:
            raise
        # Name the file the user asked for, not our temporary one.
        raise type(e)(e.errno, f"save: cannot write {path!r}: {e.strerror}", path) from e
    except BaseException:
        _discard(tmp)
        raise
    _fsync_directory(directory)


def _discard(tmp: str | None) -> None:
    if tmp is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _remove_stale_temporaries(directory: str, base: str) -> None:
    """Delete temporary files of earlier saves of this path whose process has died."""
    pattern = re.compile(rf"\.{re.escape(base)}\.(\d+)\.[A-Za-z0-9_]+\.tmp")
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        match = pattern.fullmatch(name)
        if match is None or _process_alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(directory, name))


def _process_alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":
        # Another thread of this process may be saving right now; and on Windows os.kill
        # would terminate the process instead of probing it.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True  # exists but not ours (EPERM), or cannot tell: leave it alone
    return True


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
