"""Bundled Iris data, the classic Iris split, and the MNIST IDX reader and downloader."""

import gzip
import hashlib
import os

import numpy as np
import pytest

from minigrad.datasets import load_iris, load_iris_seed_split, load_mnist, mnist
from minigrad.tensor import Tensor

# --- Iris -----------------------------------------------------------------------------------


def test_iris_shapes_dtypes_and_classes():
    iris = load_iris()
    assert isinstance(iris.x, Tensor) and isinstance(iris.y, Tensor)
    assert iris.x.shape == (150, 4) and iris.x.dtype == np.float32
    assert iris.y.shape == (150,) and iris.y.dtype == np.int64
    assert iris.classes == ("setosa", "versicolor", "virginica")
    assert iris.feature_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    np.testing.assert_array_equal(np.bincount(iris.y.detach().numpy()), [50, 50, 50])


def test_iris_column_means_match_the_published_values():
    x = load_iris(as_tensor=False).x
    assert isinstance(x, np.ndarray)
    np.testing.assert_allclose(x.mean(axis=0), [5.843, 3.057, 3.758, 1.199], atol=5e-4)


def test_iris_arrays_equal_tensors():
    a, t = load_iris(as_tensor=False), load_iris()
    np.testing.assert_array_equal(a.x, t.x.detach().numpy())
    np.testing.assert_array_equal(a.y, t.y.detach().numpy())


def test_iris_seed_split_shapes_and_class_counts():
    s = load_iris_seed_split()
    assert s.x_train.shape == (99, 4) and s.x_test.shape == (51, 4)
    assert s.y_train.shape == (99, 3) and s.y_test.shape == (51, 3)
    assert s.x_train.dtype == np.float32 and s.y_train.dtype == np.float32
    assert s.labels_train.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(s.labels_train.detach().numpy()), [33, 33, 33])
    np.testing.assert_array_equal(np.bincount(s.labels_test.detach().numpy()), [17, 17, 17])


def test_iris_seed_split_labels_agree_with_one_hot_and_features_are_z_scored():
    s = load_iris_seed_split(as_tensor=False)
    np.testing.assert_array_equal(s.y_train, np.eye(3, dtype=np.float32)[s.labels_train])
    np.testing.assert_array_equal(s.y_test.sum(axis=1), np.ones(51))
    x = np.concatenate([s.x_train, s.x_test])
    assert np.all(np.abs(x.mean(axis=0)) < 0.1)  # fixed statistics, so close to 0, not exactly


def test_iris_seed_split_keeps_file_order():
    s = load_iris_seed_split(as_tensor=False)
    # File order interleaves the classes; a sorted copy would start with 33 setosa rows.
    assert len(np.unique(s.labels_train[:10])) > 1


# --- MNIST: IDX files written here ----------------------------------------------------------


def _idx_bytes(magic: int, data: np.ndarray) -> bytes:
    dims = np.array(data.shape, dtype=">u4").tobytes()
    return magic.to_bytes(4, "big") + dims + data.astype(np.uint8).tobytes()


def _write(path, payload: bytes) -> None:
    path.write_bytes(gzip.compress(payload) if str(path).endswith(".gz") else payload)


def _make_split(root, n=5, train=False, gz=True, rng=None):
    rng = rng or np.random.default_rng(0)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    img_name, lbl_name = mnist.mnist_file_names(train)
    suffix = ".gz" if gz else ""
    _write(root / (img_name + suffix), _idx_bytes(mnist.IMAGES_MAGIC, images))
    _write(root / (lbl_name + suffix), _idx_bytes(mnist.LABELS_MAGIC, labels))
    return images, labels


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_reads_gz_and_raw_files(tmp_path, gz):
    images, labels = _make_split(tmp_path, n=6, gz=gz)
    x, y = load_mnist(tmp_path, train=False)
    assert isinstance(x, Tensor) and isinstance(y, Tensor)
    assert x.shape == (6, 784) and x.dtype == np.float32
    assert y.shape == (6,) and y.dtype == np.int64
    np.testing.assert_allclose(
        x.detach().numpy(), images.reshape(6, -1) / np.float32(255), rtol=1e-6
    )
    np.testing.assert_array_equal(y.detach().numpy(), labels)


def test_mnist_train_split_unflattened_as_arrays(tmp_path):
    images, _ = _make_split(tmp_path, n=3, train=True)
    x, _ = load_mnist(str(tmp_path), flatten=False, as_tensor=False)
    assert isinstance(x, np.ndarray) and x.shape == (3, 28, 28)
    assert 0.0 <= x.min() and x.max() <= 1.0
    np.testing.assert_allclose(x * 255, images, atol=1e-4)


def test_mnist_wrong_magic_names_file(tmp_path):
    _make_split(tmp_path, gz=False)
    img = tmp_path / "t10k-images-idx3-ubyte"
    labels = np.zeros(5, dtype=np.uint8)
    img.write_bytes(_idx_bytes(mnist.LABELS_MAGIC, labels))  # a labels file in its place
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte.*magic number 2049.*2051"):
        load_mnist(tmp_path, train=False)


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_truncated_file_reports_expected_and_actual_bytes(tmp_path, gz):
    _make_split(tmp_path, n=4, gz=gz)
    suffix = ".gz" if gz else ""
    path = tmp_path / f"t10k-images-idx3-ubyte{suffix}"
    full = path.read_bytes()
    path.write_bytes(full[: len(full) - 100])
    expected = 16 + 4 * 784
    pattern = rf"t10k-images-idx3-ubyte{suffix}.*truncated.*needs {expected} bytes"
    if gz:
        pattern += ".*gzip stream ends early"
    with pytest.raises(ValueError, match=pattern):
        load_mnist(tmp_path, train=False)


def test_mnist_raw_truncation_names_the_exact_byte_counts(tmp_path):
    _make_split(tmp_path, n=4, gz=False)
    path = tmp_path / "t10k-labels-idx1-ubyte"
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(ValueError, match=r"needs 12 bytes, got 11"):
        load_mnist(tmp_path, train=False)


def test_mnist_gz_missing_only_its_checksum_is_truncated(tmp_path):
    _make_split(tmp_path, n=4)
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-4])
    with pytest.raises(ValueError, match="ends before its checksum"):
        load_mnist(tmp_path, train=False)


def test_mnist_trailing_bytes_are_rejected(tmp_path):
    _make_split(tmp_path, n=4, gz=False)
    path = tmp_path / "t10k-labels-idx1-ubyte"
    path.write_bytes(path.read_bytes() + b"\x00\x00")
    with pytest.raises(ValueError, match="2 unexpected trailing bytes"):
        load_mnist(tmp_path, train=False)


def test_mnist_image_and_label_counts_must_match(tmp_path):
    _make_split(tmp_path, n=5)
    _write(
        tmp_path / "t10k-labels-idx1-ubyte.gz",
        _idx_bytes(mnist.LABELS_MAGIC, np.zeros(4, dtype=np.uint8)),
    )
    with pytest.raises(ValueError, match=r"5 images but .* 4 labels"):
        load_mnist(tmp_path, train=False)


def test_mnist_label_out_of_range(tmp_path):
    _make_split(tmp_path, n=3)
    _write(
        tmp_path / "t10k-labels-idx1-ubyte.gz",
        _idx_bytes(mnist.LABELS_MAGIC, np.array([1, 2, 12], dtype=np.uint8)),
    )
    with pytest.raises(ValueError, match=r"label 12 outside 0\.\.9"):
        load_mnist(tmp_path, train=False)


def test_mnist_not_gzip_data_in_gz_file(tmp_path):
    _make_split(tmp_path)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(b"not gzip at all" * 10)
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte\.gz.*not a valid gzip"):
        load_mnist(tmp_path, train=False)


def test_mnist_missing_files_message_lists_names_and_directory(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path / "data", train=True)
    message = str(info.value)
    assert "train-images-idx3-ubyte.gz" in message and "train-labels-idx1-ubyte.gz" in message
    assert os.path.abspath(tmp_path / "data") in message
    assert "download=True" in message


# --- MNIST: download logic, with the network replaced ---------------------------------------


def _payloads(n=3):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    return {
        "t10k-images-idx3-ubyte.gz": gzip.compress(_idx_bytes(mnist.IMAGES_MAGIC, images)),
        "t10k-labels-idx1-ubyte.gz": gzip.compress(_idx_bytes(mnist.LABELS_MAGIC, labels)),
    }


def test_download_fetches_missing_files_and_verifies_checksums(tmp_path, monkeypatch):
    payloads = _payloads()
    for name, blob in payloads.items():
        monkeypatch.setitem(mnist.SHA256, name, hashlib.sha256(blob).hexdigest())
    fetched = []

    def fake_fetch(url, dest):
        fetched.append(url)
        with open(dest, "wb") as f:
            f.write(payloads[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(mnist, "_fetch", fake_fetch)
    root = tmp_path / "mnist"
    x, y = load_mnist(root, train=False, download=True)
    assert x.shape == (3, 784) and y.shape == (3,)
    assert fetched == [mnist.MIRRORS[0] + name for name in payloads]
    assert sorted(os.listdir(root)) == sorted(payloads)  # no temporary files left
    # Present files are used as they are: no second download.
    load_mnist(root, train=False, download=True)
    assert len(fetched) == 2


def test_download_checksum_mismatch_deletes_file_and_raises(tmp_path, monkeypatch):
    payloads = _payloads()
    urls = []

    def fake_fetch(url, dest):
        urls.append(url)
        with open(dest, "wb") as f:
            f.write(payloads[url.rsplit("/", 1)[1]])  # not the official bytes

    monkeypatch.setattr(mnist, "_fetch", fake_fetch)
    with pytest.raises(ValueError, match=r"SHA-256 .* differs from the official"):
        load_mnist(tmp_path, train=False, download=True)
    assert os.listdir(tmp_path) == []
    assert urls == [m + "t10k-images-idx3-ubyte.gz" for m in mnist.MIRRORS]  # every mirror tried


def test_download_falls_back_to_the_next_mirror(tmp_path, monkeypatch):
    payloads = _payloads()
    for name, blob in payloads.items():
        monkeypatch.setitem(mnist.SHA256, name, hashlib.sha256(blob).hexdigest())

    def flaky_fetch(url, dest):
        if url.startswith(mnist.MIRRORS[0]):
            with open(dest, "wb") as f:
                f.write(b"partial")
            raise OSError("connection reset")
        with open(dest, "wb") as f:
            f.write(payloads[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(mnist, "_fetch", flaky_fetch)
    x, _ = load_mnist(tmp_path, train=False, download=True)
    assert x.shape == (3, 784)
    assert sorted(os.listdir(tmp_path)) == sorted(payloads)


def test_download_network_failure_raises_oserror_listing_mirrors(tmp_path, monkeypatch):
    def offline(url, dest):
        raise OSError("network unreachable")

    monkeypatch.setattr(mnist, "_fetch", offline)
    with pytest.raises(OSError, match="network unreachable") as info:
        load_mnist(tmp_path, train=False, download=True)
    assert all(m in str(info.value) for m in mnist.MIRRORS)
    assert os.listdir(tmp_path) == []


def test_user_placed_files_are_not_checksummed(tmp_path, monkeypatch):
    _make_split(tmp_path, n=2)  # hashes differ from the official ones

    def no_network(url, dest):
        raise AssertionError("must not download")

    monkeypatch.setattr(mnist, "_fetch", no_network)
    x, _ = load_mnist(tmp_path, train=False, download=True)
    assert x.shape == (2, 784)


# --- IDX edge cases (issue 10) ----------------------------------------------------------------


def test_idx_huge_header_is_refused_by_an_exact_size_check(tmp_path):
    # 65536^3 = 2^48 bytes and 2^32-1 cubed: overflows int64 arithmetic (the product wraps).
    for dims in [(65536, 65536, 65536), (2**32 - 1, 2**32 - 1, 2**32 - 1), (2**21, 2**21, 2**21)]:
        path = tmp_path / "t10k-images-idx3-ubyte"
        header = mnist.IMAGES_MAGIC.to_bytes(4, "big") + np.array(dims, ">u4").tobytes()
        path.write_bytes(header + bytes(100))
        expected = 16 + dims[0] * dims[1] * dims[2]
        with pytest.raises(ValueError, match=rf"truncated: header .* needs {expected} bytes"):
            mnist.read_idx_images(path)


@pytest.mark.parametrize("gz", [True, False])
def test_idx_files_with_zero_images_load_as_empty_arrays(tmp_path, gz):
    _make_split(tmp_path, n=0, gz=gz)
    suffix = ".gz" if gz else ""
    images = mnist.read_idx_images(tmp_path / f"t10k-images-idx3-ubyte{suffix}")
    labels = mnist.read_idx_labels(tmp_path / f"t10k-labels-idx1-ubyte{suffix}")
    assert images.shape == (0, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (0,) and labels.dtype == np.uint8
    x, y = load_mnist(tmp_path, train=False)
    assert x.shape == (0, 784) and x.dtype == np.float32
    assert y.shape == (0,) and y.dtype == np.int64
    x, _ = load_mnist(tmp_path, train=False, flatten=False)
    assert x.shape == (0, 28, 28)
