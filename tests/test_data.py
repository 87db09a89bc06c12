"""Datasets, DataLoader batching and determinism, and train/test splitting."""

import math
import re
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.creation import manual_seed
from minigrad.tensor import Tensor
from minigrad.utils.data import (
    DataLoader,
    Dataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    random_split,
    train_test_split,
)


def _xy(n: int = 10) -> tuple[np.ndarray, np.ndarray]:
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64)
    return x, y


class Squares(Dataset):
    """A generic dataset: (x, x**2 as array, label int, weight float)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __getitem__(self, index: int):
        return Tensor(np.array([index], dtype=np.float32)), np.full(2, index**2), index, 0.5

    def __len__(self) -> int:
        return self.n


def _epoch_rows(loader: DataLoader) -> list[np.ndarray]:
    return [batch[1].detach().numpy().copy() for batch in loader]


# --- Dataset / TensorDataset ----------------------------------------------------------------


def test_dataset_base_class_asks_for_getitem():
    # As PyTorch's: the base class builds, and reading a sample says what to implement.
    with pytest.raises(NotImplementedError, match="should implement __getitem__"):
        Dataset()[0]


def test_tensor_dataset_indexing_keeps_dtypes():
    x, y = _xy()
    ds = TensorDataset(Tensor(x), y)
    assert len(ds) == 10
    xi, yi = ds[3]
    assert isinstance(xi, Tensor) and isinstance(yi, Tensor)
    np.testing.assert_array_equal(xi.detach().numpy(), x[3])
    assert yi.dtype == np.int64 and yi.item() == 3


def test_tensor_dataset_length_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"same first dimension.*\(10, 3\).*\(9,\)"):
        TensorDataset(np.zeros((10, 3)), np.zeros(9))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()
    with pytest.raises(ValueError, match="first dimension"):
        TensorDataset(np.float32(1.0))


# --- DataLoader -----------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "bs", "drop_last"), [(10, 3, False), (10, 3, True), (9, 3, True)])
def test_batch_counts_and_sizes(n, bs, drop_last):
    x, y = _xy(n)
    loader = DataLoader(TensorDataset(x, y), batch_size=bs, drop_last=drop_last)
    batches = list(loader)
    expected = n // bs if drop_last else math.ceil(n / bs)
    assert len(loader) == len(batches) == expected
    sizes = [len(b[0].detach().numpy()) for b in batches]
    assert all(s == bs for s in sizes[:-1])
    assert sizes[-1] == (bs if drop_last else n - bs * (expected - 1))


def test_no_shuffle_keeps_order_and_dtypes():
    x, y = _xy(7)
    xb, yb = next(iter(DataLoader(TensorDataset(x, y), batch_size=4)))
    np.testing.assert_array_equal(xb.detach().numpy(), x[:4])
    np.testing.assert_array_equal(yb.detach().numpy(), y[:4])
    assert xb.dtype == np.float32 and yb.dtype == np.int64


def test_batches_are_copies_not_views_of_the_dataset():
    x, y = _xy(4)
    xb, _ = next(iter(DataLoader(TensorDataset(x, y), batch_size=4)))
    xb.data[...] = -1
    assert x.min() >= 0


def test_shuffle_covers_every_index_once_per_epoch_with_fresh_permutations():
    x, y = _xy(23)
    loader = DataLoader(TensorDataset(x, y), batch_size=5, shuffle=True, generator=0)
    epochs = [np.concatenate(_epoch_rows(loader)) for _ in range(3)]
    for order in epochs:
        np.testing.assert_array_equal(np.sort(order), y)
    assert not np.array_equal(epochs[0], epochs[1])
    assert not np.array_equal(epochs[1], epochs[2])


def test_rows_stay_aligned_across_tensors_when_shuffled():
    x, y = _xy(12)
    for xb, yb in DataLoader(TensorDataset(x, y), batch_size=5, shuffle=True, generator=1):
        np.testing.assert_array_equal(xb.detach().numpy(), x[yb.detach().numpy()])


def test_same_seed_same_batches_different_seed_differs():
    x, y = _xy(50)
    ds = TensorDataset(x, y)

    def run(gen):
        loader = DataLoader(ds, batch_size=8, shuffle=True, generator=gen)
        return [np.concatenate(_epoch_rows(loader)) for _ in range(2)]

    a, b, c = run(42), run(42), run(43)
    for ea, eb in zip(a, b, strict=True):
        np.testing.assert_array_equal(ea, eb)
    assert not np.array_equal(a[0], c[0])
    # A Generator object gives the same stream as its seed.
    d = run(np.random.default_rng(42))
    np.testing.assert_array_equal(a[0], d[0])


def test_shuffle_permutation_matches_generator_formula():
    x, y = _xy(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=10, shuffle=True, generator=7)
    expected = np.random.default_rng(7).permutation(10)
    np.testing.assert_array_equal(next(iter(loader))[1].detach().numpy(), expected)


def test_no_generator_uses_the_default_one_reseeded_by_manual_seed():
    x, y = _xy(20)
    loader = DataLoader(TensorDataset(x, y), batch_size=20, shuffle=True)
    manual_seed(123)
    first = next(iter(loader))[1].detach().numpy()
    manual_seed(123)
    again = next(iter(loader))[1].detach().numpy()
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first, np.random.default_rng(123).permutation(20))
    manual_seed(123)
    np.testing.assert_array_equal(train_test_split(y)[1], train_test_split(y, generator=123)[1])


def test_drop_last_with_shuffle_never_yields_partial_batch():
    x, y = _xy(10)
    loader = DataLoader(
        TensorDataset(x, y), batch_size=4, shuffle=True, drop_last=True, generator=3
    )
    sizes = [len(b[1].detach().numpy()) for b in loader]
    assert sizes == [4, 4]


def test_generic_dataset_is_collated_per_field():
    loader = DataLoader(Squares(5), batch_size=2)
    batches = list(loader)
    assert len(batches) == len(loader) == 3
    xb, sq, label, weight = batches[1]
    np.testing.assert_array_equal(xb.detach().numpy(), np.array([[2.0], [3.0]], dtype=np.float32))
    np.testing.assert_array_equal(sq.detach().numpy(), np.array([[4, 4], [9, 9]]))
    assert label.dtype == np.int64 and label.tolist() == [2, 3]
    assert weight.dtype == np.float64  # a Python float, as PyTorch collates it
    assert batches[2][0].shape == (1, 1)


def test_generic_dataset_shuffle_is_deterministic():
    a = [b[2].tolist() for b in DataLoader(Squares(9), batch_size=4, shuffle=True, generator=5)]
    b = [b[2].tolist() for b in DataLoader(Squares(9), batch_size=4, shuffle=True, generator=5)]
    assert a == b
    assert sorted(i for batch in a for i in batch) == list(range(9))


def test_default_collate_dicts_strings_and_errors():
    out = default_collate([{"a": 1.0, "name": "x"}, {"a": 2.0, "name": "y"}])
    assert out["name"] == ["x", "y"]
    np.testing.assert_array_equal(out["a"].detach().numpy(), np.array([1.0, 2.0], dtype=np.float64))
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(TypeError, match="cannot batch"):
        default_collate([object()])


def test_tensor_dataset_subclass_overriding_getitem_is_not_bypassed():
    class Doubled(TensorDataset):
        def __getitem__(self, index):
            x, y = super().__getitem__(index)
            return Tensor(x.detach().numpy() * 2), y

    x, y = _xy(6)
    xb, yb = next(iter(DataLoader(Doubled(x, y), batch_size=6)))
    np.testing.assert_array_equal(xb.detach().numpy(), x * 2)
    np.testing.assert_array_equal(yb.detach().numpy(), y)


def test_custom_collate_fn_is_used_for_generic_datasets():
    loader = DataLoader(Squares(4), batch_size=2, collate_fn=lambda samples: len(samples))
    assert list(loader) == [2, 2]


def test_bad_arguments_raise():
    ds = TensorDataset(np.zeros(4))
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(ds, batch_size=2.0)
    with pytest.raises(TypeError, match="generator"):
        DataLoader(ds, shuffle=True, generator="seed")


def test_num_workers_loads_in_this_process_with_the_same_batches():
    # The CIFAR-10 tutorial's DataLoader(..., num_workers=2): minigrad loads every batch in
    # the calling process; the batches and their order are those of num_workers=0, as
    # PyTorch's (in order) workers give them.
    x, y = _xy(10)
    plain = [b[1].tolist() for b in DataLoader(TensorDataset(x, y), batch_size=4)]
    loader = DataLoader(TensorDataset(x, y), batch_size=4, num_workers=2)
    assert loader.num_workers == 2
    assert [b[1].tolist() for b in loader] == plain
    generic = DataLoader(Squares(5), batch_size=2, shuffle=False, num_workers=3)
    assert [b[2].tolist() for b in generic] == [[0, 1], [2, 3], [4]]


def test_negative_num_workers_raises_pytorchs_error():
    ds = TensorDataset(np.zeros(4))
    message = (
        "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        DataLoader(ds, num_workers=-1)
    with pytest.raises(TypeError, match="num_workers must be an int"):
        DataLoader(ds, num_workers=2.0)


# --- train_test_split -----------------------------------------------------------------------


def test_split_order_sizes_and_partition():
    x, y = _xy(20)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, generator=0)
    assert x_tr.shape == (15, 3) and x_te.shape == (5, 3)
    assert y_tr.shape == (15,) and y_te.shape == (5,)
    np.testing.assert_array_equal(np.sort(np.concatenate([y_tr, y_te])), y)
    np.testing.assert_array_equal(x_tr, x[y_tr])  # rows stay aligned
    np.testing.assert_array_equal(x_te, x[y_te])


def test_split_fraction_rounds_test_size_up_and_accepts_counts():
    _, y = _xy(10)
    assert len(train_test_split(y, test_size=0.25, generator=0)[1]) == math.ceil(0.25 * 10)
    assert len(train_test_split(y, test_size=4, generator=0)[1]) == 4
    _, y100 = _xy(100)
    assert len(train_test_split(y100, test_size=0.07, generator=0)[1]) == 7  # not 8
    assert len(train_test_split(y100, test_size=0.071, generator=0)[1]) == 8


def test_split_is_deterministic_given_seed():
    _, y = _xy(30)
    a = train_test_split(y, generator=11)
    b = train_test_split(y, generator=11)
    c = train_test_split(y, generator=12)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_split_keeps_tensor_type_and_dtype():
    x, y = _xy(10)
    x_tr, x_te, y_tr, _ = train_test_split(Tensor(x), y, generator=0)
    assert isinstance(x_tr, Tensor) and isinstance(x_te, Tensor)
    assert isinstance(y_tr, np.ndarray) and y_tr.dtype == np.int64
    assert x_tr.dtype == np.float32


def test_split_without_shuffle_takes_the_last_rows():
    _, y = _xy(10)
    y_tr, y_te = train_test_split(y, test_size=3, shuffle=False)
    np.testing.assert_array_equal(y_tr, np.arange(7))
    np.testing.assert_array_equal(y_te, np.arange(7, 10))


def test_stratified_split_keeps_class_proportions():
    labels = np.repeat(np.arange(3), [50, 30, 20])
    x = np.arange(100)
    _, x_te, l_tr, l_te = train_test_split(x, labels, test_size=0.2, stratify=labels, generator=0)
    counts = np.bincount(labels)
    np.testing.assert_array_equal(np.bincount(l_te), counts * 0.2)
    np.testing.assert_array_equal(np.bincount(l_tr), counts * 0.8)
    np.testing.assert_array_equal(labels[x_te], l_te)
    assert len(np.unique(l_te[:10])) > 1  # classes are mixed, not sorted by label


def test_stratified_split_uneven_fractions_sum_exactly():
    labels = np.repeat(np.arange(3), [7, 5, 4])  # 16 rows, test 6: ideal 2.625, 1.875, 1.5
    _, l_te = train_test_split(labels, test_size=6, stratify=labels, generator=0)
    counts = np.bincount(l_te, minlength=3)
    assert counts.sum() == 6
    ideal = np.bincount(labels) * 6 / 16
    assert np.all(np.abs(counts - ideal) < 1)


def test_stratified_split_accepts_one_hot_and_tensor_labels():
    labels = np.repeat(np.arange(3), 50)
    one_hot = np.eye(3, dtype=np.float32)[labels]
    _, te = train_test_split(labels, test_size=51, stratify=Tensor(one_hot), generator=0)
    np.testing.assert_array_equal(np.bincount(te), [17, 17, 17])


def test_split_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"differ in length.*\(10,\).*\(9,\)"):
        train_test_split(np.zeros(10), np.zeros(9))
    with pytest.raises(ValueError, match="both parts must be non-empty"):
        train_test_split(np.zeros(10), test_size=10)
    with pytest.raises(ValueError, match="fraction"):
        train_test_split(np.zeros(10), test_size=1.5)
    with pytest.raises(ValueError, match="stratify needs shuffle"):
        train_test_split(np.zeros(10), stratify=np.zeros(10), shuffle=False)


# -- PyTorch's names: Subset, random_split, samplers --------------------------------------------


def _dataset(n=10):
    return TensorDataset(np.arange(n * 2.0).reshape(n, 2), np.arange(n))


def test_random_split_lengths_partition_the_dataset_reproducibly():
    ds = _dataset(10)
    parts = random_split(ds, [7, 3], generator=mg.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [7, 3] and all(isinstance(p, Subset) for p in parts)
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    again = random_split(ds, [7, 3], generator=mg.Generator().manual_seed(0))
    assert again[0].indices == parts[0].indices
    assert parts[0].indices != list(range(7))  # shuffled
    _, y = parts[1][0]
    assert y.item() == parts[1].indices[0]


@pytest.mark.parametrize(
    "fractions", [[0.5, 0.5], [0.7, 0.2, 0.1], [1 / 3] * 3, [0.25, 0.25, 0.25, 0.25], [1.0, 0.0]]
)
@pytest.mark.parametrize("n", [10, 11, 7])
def test_random_split_fractions_give_torch_lengths(fractions, n):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = [len(p) for p in torch.utils.data.random_split(range(n), fractions)]
        got = [len(p) for p in random_split(_dataset(n), fractions, generator=0)]
    assert got == expected


def test_random_split_warns_on_an_empty_part_and_rejects_bad_lengths():
    with pytest.warns(UserWarning, match="index 1 is 0"):
        random_split(_dataset(3), [1.0, 0.0], generator=0)
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(_dataset(10), [5, 4], generator=0)
    with pytest.raises(ValueError, match="fractions summing to 1"):
        random_split(_dataset(10), [0.5, 0.4], generator=0)
    with pytest.raises(ValueError, match="non-negative ints"):
        random_split(_dataset(10), [12, -2], generator=0)
    with pytest.raises(TypeError, match="random_split: generator"):
        random_split(_dataset(10), [5, 5], generator="seed")


def test_subset_of_tensor_dataset_batches_fast_and_equal_to_sample_by_sample():
    ds = _dataset(10)
    sub = Subset(ds, [9, 2, 4, 4, 0])
    fast = list(DataLoader(sub, batch_size=2))
    slow = list(DataLoader(sub, batch_size=2, collate_fn=lambda s: default_collate(s)))
    assert len(fast) == 3
    for (fx, fy), (sx, sy) in zip(fast, slow):
        np.testing.assert_array_equal(fx.numpy(), sx.numpy())
        np.testing.assert_array_equal(fy.numpy(), sy.numpy())
    np.testing.assert_array_equal(np.concatenate([b[1].numpy() for b in fast]), [9, 2, 4, 4, 0])


def test_sampler_gives_the_order_and_excludes_shuffle():
    ds = _dataset(6)
    loader = DataLoader(ds, batch_size=4, sampler=[5, 0, 3])
    assert len(loader) == 1
    ((_, y),) = list(loader)
    np.testing.assert_array_equal(y.numpy(), [5, 0, 3])
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(ds, sampler=[0], shuffle=True)
    assert list(SequentialSampler(ds)) == list(range(6))
    assert len(DataLoader(ds, batch_size=4, sampler=SequentialSampler(ds), drop_last=True)) == 1


def test_random_samplers_are_seeded_and_differ_between_epochs():
    ds = _dataset(8)
    s = RandomSampler(ds, generator=3)
    a, b = list(s), list(s)
    assert sorted(a) == list(range(8)) and a != b
    assert list(RandomSampler(ds, generator=3)) == a
    r = RandomSampler(ds, replacement=True, num_samples=20, generator=0)
    assert len(list(r)) == 20 == len(r) and set(r) <= set(range(8))
    assert len(list(RandomSampler(ds, num_samples=20, generator=0))) == 20
    sub = SubsetRandomSampler([1, 3, 5], generator=0)
    assert sorted(sub) == [1, 3, 5]
    loader = DataLoader(ds, batch_size=3, sampler=SubsetRandomSampler([1, 3, 5], generator=0))
    ((_, y),) = list(loader)
    assert sorted(y.numpy().tolist()) == [1, 3, 5]
    with pytest.raises(ValueError, match="num_samples"):
        RandomSampler(ds, num_samples=0)


def test_minigrad_data_moved_to_utils_data():
    import minigrad.utils.data as ud

    assert mg.utils.data is ud and ud.DataLoader is DataLoader
    assert not hasattr(mg, "data")
