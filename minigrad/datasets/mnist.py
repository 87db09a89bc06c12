"""MNIST from the four standard IDX files (raw or .gz), with optional verified download."""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import tempfile
import urllib.request
import zlib
from typing import Any, Literal, overload

import numpy as np

from ..tensor import Tensor, from_data

__all__ = [
    "IMAGES_MAGIC",
    "LABELS_MAGIC",
    "MIRRORS",
    "SHA256",
    "load_mnist",
    "mnist_file_names",
    "read_idx_images",
    "read_idx_labels",
]

IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions (count, rows, cols)
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension (count)

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

# Official checksums of the compressed files; checked only on files this module downloads.
SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",  # noqa: E501
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",  # noqa: E501
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

PathLike = str | os.PathLike[str]


def mnist_file_names(train: bool = True) -> tuple[str, str]:
    """The (images, labels) file names of one split, without the `.gz` suffix."""
    prefix = "train" if train else "t10k"
    return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"


@overload
def load_mnist(
    root: PathLike,
    train: bool = ...,
    download: bool = ...,
    flatten: bool = ...,
    as_tensor: Literal[True] = ...,
) -> tuple[Tensor, Tensor]: ...
@overload
def load_mnist(
    root: PathLike,
    train: bool = ...,
    download: bool = ...,
    flatten: bool = ...,
    *,
    as_tensor: Literal[False],
) -> tuple[np.ndarray, np.ndarray]: ...
@overload
def load_mnist(
    root: PathLike,
    train: bool = ...,
    download: bool = ...,
    flatten: bool = ...,
    *,
    as_tensor: bool,
) -> tuple[Any, Any]: ...
def load_mnist(
    root: PathLike,
    train: bool = True,
    download: bool = False,
    flatten: bool = True,
    as_tensor: bool = True,
) -> tuple[Any, Any]:
    """Load the MNIST training (60,000) or test (10,000) images and labels.

    Files are looked up in `root` under their standard names, uncompressed first, then `.gz`.

    Args:
        root: directory holding the IDX files.
        train: the training split (`train-*`) if True, else the test split (`t10k-*`).
        download: fetch missing files from public mirrors into `root`; each download is
            checked against its official SHA-256 (files already present are used as they are).
        flatten: images as (N, 784) if True, else (N, 28, 28).
        as_tensor: return Tensors (default) or, if False, NumPy arrays.

    Returns:
        `(images, labels)`: images float32 in [0, 1], labels int64 in 0..9.

    Raises:
        FileNotFoundError: files are missing and `download` is False (the message lists them).
        ValueError: a file is truncated, has a wrong magic number or shape, the counts of
            images and labels differ, or a download fails its checksum.
        OSError: a download fails on every mirror.
    """
    root = os.fspath(root)
    names = mnist_file_names(train)
    paths = {name: _find(root, name) for name in names}
    missing = [name for name, path in paths.items() if path is None]
    if missing and not download:
        raise FileNotFoundError(
            f"load_mnist: missing {', '.join(n + '.gz' for n in missing)} in "
            f"{os.path.abspath(root)!r}. Place the files there (the names without .gz are "
            "accepted for uncompressed files), or pass download=True to fetch them."
        )
    for name in missing:
        paths[name] = _download(root, name + ".gz")

    images_path, labels_path = (str(paths[name]) for name in names)
    images = read_idx_images(images_path)
    labels = read_idx_labels(labels_path)
    if len(images) != len(labels):
        raise ValueError(
            f"load_mnist: {images_path!r} holds {len(images)} images but {labels_path!r} holds "
            f"{len(labels)} labels"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"load_mnist: {labels_path!r} has a label {labels.max()} outside 0..9")

    x = images.reshape(len(images), images.shape[1] * images.shape[2]) if flatten else images
    x = x.astype(np.float32)
    x /= 255.0
    y = labels.astype(np.int64)
    return (from_data(x), from_data(y)) if as_tensor else (x, y)


def read_idx_images(path: PathLike) -> np.ndarray:
    """Read an IDX image file (magic 2051, raw or .gz) as uint8 (N, rows, cols)."""
    return _read_idx(os.fspath(path), IMAGES_MAGIC, ndim=3)


def read_idx_labels(path: PathLike) -> np.ndarray:
    """Read an IDX label file (magic 2049, raw or .gz) as uint8 (N,)."""
    return _read_idx(os.fspath(path), LABELS_MAGIC, ndim=1)


# ---------------------------------------------------------------------------------------------
# reading


def _find(root: str, name: str) -> str | None:
    for candidate in (name, name + ".gz"):
        path = os.path.join(root, candidate)
        if os.path.isfile(path):
            return path
    return None


def _read_bytes(path: str) -> tuple[bytes, bool]:
    """The file's (decompressed) bytes and whether the gzip stream was complete."""
    with open(path, "rb") as f:
        blob = f.read()
    if not path.endswith(".gz"):
        return blob, True
    # zlib instead of gzip.open: a truncated stream still yields the bytes it holds, so the
    # error can say how many bytes are missing.
    chunks = []
    while True:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            chunks.append(inflater.decompress(blob))
        except zlib.error as e:
            raise ValueError(f"{path!r} is not a valid gzip file ({e})") from e
        if not inflater.eof:
            return b"".join(chunks), False
        blob = inflater.unused_data  # a gzip file may hold several members
        if not blob:
            return b"".join(chunks), True


def _read_idx(path: str, magic: int, ndim: int) -> np.ndarray:
    raw, complete = _read_bytes(path)
    unzipped = " (decompressed)" if path.endswith(".gz") else ""
    kind = {IMAGES_MAGIC: "images", LABELS_MAGIC: "labels"}
    if len(raw) >= 4:
        found = int.from_bytes(raw[:4], "big")
        if found != magic:
            hint = f"; that is the magic of an IDX {kind[found]} file" if found in kind else ""
            raise ValueError(
                f"{path!r}: magic number {found}, expected {magic} (IDX {kind[magic]}){hint}"
            )
    early = "; the gzip stream ends early" if not complete else ""
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(
            f"{path!r} is truncated: expected at least {header} header bytes{unzipped}, "
            f"got {len(raw)}{early}"
        )
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    if ndim == 3 and (dims[1] == 0 or dims[2] == 0):
        raise ValueError(f"{path!r}: image size {dims[1]}x{dims[2]} is empty")
    expected = header + math.prod(dims)  # Python ints: a huge header cannot overflow the check
    if len(raw) < expected:
        raise ValueError(
            f"{path!r} is truncated: header {dims} needs {expected} bytes{unzipped}, "
            f"got {len(raw)}{early}"
        )
    if not complete:
        raise ValueError(
            f"{path!r} is truncated: all {expected} data bytes are there but the gzip stream "
            "ends before its checksum"
        )
    if len(raw) > expected:
        raise ValueError(
            f"{path!r}: header {dims} needs {expected} bytes{unzipped}, got {len(raw)} "
            f"({len(raw) - expected} unexpected trailing bytes)"
        )
    if expected == header:  # a valid file with no items (frombuffer refuses an empty tail)
        return np.zeros(dims, dtype=np.uint8)
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


# ---------------------------------------------------------------------------------------------
# downloading


def _fetch(url: str, dest: str, timeout: float = 60.0) -> None:
    """Download `url` into the file `dest` (replaced in tests, which never use the network)."""
    request = urllib.request.Request(url, headers={"User-Agent": "minigrad"})
    with urllib.request.urlopen(request, timeout=timeout) as response, open(dest, "wb") as f:
        shutil.copyfileobj(response, f, length=1 << 20)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(root: str, name: str) -> str:
    """Fetch `name` from the first mirror that serves it with the official checksum.

    The file is written under a temporary name and only renamed into place once verified, so a
    failed or corrupted download never leaves a file that a later call would trust.
    """
    os.makedirs(root, exist_ok=True)
    dest = os.path.join(root, name)
    failures: list[str] = []
    bad_checksum = False
    for mirror in MIRRORS:
        url = mirror + name
        fd, tmp = tempfile.mkstemp(dir=root, prefix=f".{name}.", suffix=".part")
        os.close(fd)
        try:
            _fetch(url, tmp)
            digest = _sha256(tmp)
            if digest == SHA256[name]:
                os.replace(tmp, dest)
                return dest
            bad_checksum = True
            failures.append(f"{url}: SHA-256 {digest} differs from the official {SHA256[name]}")
        except OSError as e:  # urllib's URLError and HTTPError are OSErrors
            failures.append(f"{url}: {e}")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    message = (
        f"load_mnist: could not download {name} into {os.path.abspath(root)!r}:\n  "
        + "\n  ".join(failures)
        + f"\nPlace {name} there by hand to load it without a download."
    )
    raise ValueError(message) if bad_checksum else OSError(message)
