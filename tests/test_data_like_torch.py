"""``minigrad.utils.data`` beside ``torch.utils.data``: the same batches (values, dtypes and
structure), lengths and errors for the DataLoader calls of PyTorch's tutorials, wherever the
order is deterministic; and, without torch, the random samplers' guarantees."""

from __future__ import annotations

import inspect
import warnings
from collections import Counter, OrderedDict, namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.utils.data as mud
from minigrad.tensor import Tensor

Point = namedtuple("Point", ["x", "y"])


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch")


def _lib(name: str) -> Any:
    """The library's ``utils.data`` and its tensor constructor."""
    if name == "torch":
        import torch

        return torch.utils.data, torch.from_numpy
    return mud, mg.from_numpy


def describe(x: Any) -> Any:
    """A library-free picture of a batch: container types, dtypes and values."""
    if isinstance(x, Tensor) or type(x).__module__.startswith("torch"):
        if hasattr(x, "numpy") and hasattr(x, "dtype"):
            return ("tensor", str(x.dtype).split(".")[-1], tuple(x.shape), x.numpy().tolist())
    if isinstance(x, np.ndarray):
        return ("ndarray", str(x.dtype), x.tolist())
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, tuple(describe(v) for v in x))
    if isinstance(x, (tuple, list)):
        return (type(x).__name__, [describe(v) for v in x])
    if isinstance(x, dict):
        return (type(x).__name__, {k: describe(v) for k, v in x.items()})
    return (type(x).__name__, x)


# --- datasets, built for either library -----------------------------------------------------


def _samples(kind: str, i: int, tensor: Callable[[np.ndarray], Any]) -> Any:
    """Sample ``i`` of each kind of map-style dataset the tutorials write."""
    if kind == "tuple":  # (image-like array, int label, float weight, str name)
        return np.full((2, 2), i, dtype=np.float32), i % 3, 0.5 * i, f"s{i}"
    if kind == "dict":
        return {"x": np.arange(2, dtype=np.float64) + i, "y": i, "name": f"n{i}"}
    if kind == "namedtuple":
        return Point(np.float32(i), np.array([i, -i], dtype=np.int32))
    if kind == "list":
        return [np.array([i, i], dtype=np.int16), i % 2 == 0]
    if kind == "nested":
        return ({"a": tensor(np.array([i], dtype=np.int64))}, [i, float(i)])
    if kind == "tensor":
        return tensor(np.arange(3, dtype=np.float32) * i)
    if kind == "scalar":
        return i
    raise AssertionError(kind)


def make_map(lib_name: str, kind: str, n: int = 10) -> Any:
    """A map-style dataset of ``n`` samples of ``kind``, subclassing the library's Dataset;
    ``kind="tensors"`` is a TensorDataset of (n, 3) float32 and (n,) int64."""
    data, tensor = _lib(lib_name)
    if kind == "tensors":
        x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
        return data.TensorDataset(tensor(x), tensor(np.arange(n, dtype=np.int64)))

    class Samples(data.Dataset):
        def __len__(self) -> int:
            return n

        def __getitem__(self, i: int) -> Any:
            if not 0 <= i < n:
                raise IndexError(i)
            return _samples(kind, i, tensor)

    return Samples()


def make_stream(lib_name: str, n: int = 7, sized: bool = True, start: int = 0) -> Any:
    """An IterableDataset yielding (float32 array, int) pairs, sharded by get_worker_info as
    PyTorch's documentation shows (one process: the whole range)."""
    data, _ = _lib(lib_name)

    class Stream(data.IterableDataset):
        def __iter__(self) -> Any:
            info = data.get_worker_info()
            lo, hi = start, start + n
            if info is not None:  # a worker of several: its share
                per = -(-n // info.num_workers)
                lo, hi = start + info.id * per, min(start + (info.id + 1) * per, start + n)
            for i in range(lo, hi):
                yield np.array([i, i * i], dtype=np.float32), i

    if sized:
        Stream.__len__ = lambda self: n  # type: ignore[attr-defined]
    return Stream()


# Each case: (id, build(lib_name) -> (dataset, DataLoader kwargs)). Every order is fixed.
def _with(kind: str, **kwargs: Any) -> Callable[[str], tuple[Any, dict[str, Any]]]:
    return lambda lib: (make_map(lib, kind), kwargs)


def _sampled(kind: str, **kwargs: Any) -> Callable[[str], tuple[Any, dict[str, Any]]]:
    def build(lib: str) -> tuple[Any, dict[str, Any]]:
        data, _ = _lib(lib)
        ds = make_map(lib, kind)
        made = {k: v(data, ds) if callable(v) else v for k, v in kwargs.items()}
        return ds, made

    return build


def _composed(how: str, **kwargs: Any) -> Callable[[str], tuple[Any, dict[str, Any]]]:
    def build(lib: str) -> tuple[Any, dict[str, Any]]:
        data, _ = _lib(lib)
        a, b = make_map(lib, "tensors", 4), make_map(lib, "tensors", 6)
        ds = {
            "add": lambda: a + b,
            "concat": lambda: data.ConcatDataset([a, make_map(lib, "tensors", 3), b]),
            "concat_mixed": lambda: data.ConcatDataset(
                [make_map(lib, "dict", 3), make_map(lib, "dict", 2)]
            ),
            "subset": lambda: data.Subset(make_map(lib, "tuple"), [9, 2, 4, 4, 0]),
            "subset_tensors": lambda: data.Subset(b, [5, 1, 3]),
            "stack": lambda: data.StackDataset(
                make_map(lib, "tensors", 5), make_map(lib, "scalar", 5)
            ),
            "stack_kw": lambda: data.StackDataset(
                img=make_map(lib, "tensor", 5), y=make_map(lib, "scalar", 5)
            ),
            "stream": lambda: make_stream(lib),
            "stream_unsized": lambda: make_stream(lib, sized=False),
            "chain": lambda: data.ChainDataset(
                [make_stream(lib, 4), make_stream(lib, 3, start=10)]
            ),
            "stream_add": lambda: make_stream(lib, 4) + make_stream(lib, 5, start=20),
        }[how]()
        return ds, kwargs

    return build


KINDS = ["tensors", "tuple", "dict", "namedtuple", "list", "nested", "tensor", "scalar"]

CASES: list[tuple[str, Callable[[str], tuple[Any, dict[str, Any]]]]] = [
    *[(f"{k}-default", _with(k)) for k in KINDS],
    *[(f"{k}-bs4", _with(k, batch_size=4)) for k in KINDS],
    *[(f"{k}-bs4-drop", _with(k, batch_size=4, drop_last=True)) for k in KINDS],
    *[(f"{k}-no-batching", _with(k, batch_size=None)) for k in KINDS],
    ("tensors-bs10", _with("tensors", batch_size=10)),
    ("tensors-bs11-drop", _with("tensors", batch_size=11, drop_last=True)),
    ("tensors-bs3-shuffle-false", _with("tensors", batch_size=3, shuffle=False)),
    ("tensors-workers-pinned", _with("tensors", batch_size=3, num_workers=0, pin_memory=False)),
    ("tensors-sampler-list", _with("tensors", batch_size=2, sampler=[5, 0, 3, 9, 2])),
    ("tuple-sampler-list", _with("tuple", batch_size=2, sampler=[5, 0, 3, 9, 2])),
    ("tensors-sampler-drop", _with("tensors", batch_size=2, sampler=[5, 0, 3], drop_last=True)),
    ("tensors-sampler-no-batching", _with("tensors", batch_size=None, sampler=[4, 1])),
    ("tensors-batch-sampler", _with("tensors", batch_sampler=[[0, 1], [5], [2, 3, 4]])),
    ("dict-batch-sampler", _with("dict", batch_sampler=[[0, 1], [5], [2, 3, 4]])),
    (
        "tensors-BatchSampler",
        _sampled(
            "tensors", batch_sampler=lambda d, ds: d.BatchSampler(d.SequentialSampler(ds), 3, True)
        ),
    ),
    (
        "list-BatchSampler-list",
        _sampled("list", batch_sampler=lambda d, ds: d.BatchSampler([9, 8, 7, 1, 0], 2, False)),
    ),
    (
        "tensors-SequentialSampler",
        _sampled("tensors", batch_size=4, sampler=lambda d, ds: d.SequentialSampler(ds)),
    ),
    ("tuple-identity-collate", _with("tuple", batch_size=3, collate_fn=lambda b: b)),
    ("tensors-identity-collate", _with("tensors", batch_size=3, collate_fn=lambda b: b)),
    ("tensors-collate-no-batching", _with("tensors", batch_size=None, collate_fn=lambda s: s)),
    *[
        (f"compose-{h}", _composed(h, batch_size=4))
        for h in ("add", "concat", "concat_mixed", "subset", "subset_tensors", "stack", "stack_kw")
    ],
    *[(f"compose-{h}-none", _composed(h, batch_size=None)) for h in ("add", "subset", "stack_kw")],
    *[
        (f"{h}-bs3", _composed(h, batch_size=3))
        for h in ("stream", "stream_unsized", "chain", "stream_add")
    ],
    *[(f"{h}-bs3-drop", _composed(h, batch_size=3, drop_last=True)) for h in ("stream", "chain")],
    *[(f"{h}-no-batching", _composed(h, batch_size=None)) for h in ("stream", "chain")],
    ("stream-shuffle-false", _composed("stream", batch_size=2, shuffle=False)),
]


def _len(loader: Any) -> Any:
    try:
        return len(loader)
    except TypeError as e:
        return ("TypeError", "has no len()" in str(e))


@pytest.mark.parametrize("build", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_batches_and_len_match_torch(torch: Any, build: Any) -> None:
    ds_t, kw_t = build("torch")
    ds_m, kw_m = build("minigrad")
    loader_t, loader_m = torch.utils.data.DataLoader(ds_t, **kw_t), mud.DataLoader(ds_m, **kw_m)
    assert _len(loader_m) == _len(loader_t)
    for _ in range(2):  # two epochs: the same again
        got, want = [describe(b) for b in loader_m], [describe(b) for b in loader_t]
        assert got == want
    assert (loader_m.batch_size, loader_m.drop_last) == (loader_t.batch_size, loader_t.drop_last)


def test_many_workers_give_the_batches_of_one_process(torch: Any) -> None:
    # minigrad's num_workers=2 against torch's num_workers=0: the same batches, in order (torch's
    # own workers deliver in order too, but start processes; not needed to compare).
    for build in (_with("tuple", batch_size=3), _composed("stream", batch_size=2)):
        ds_t, kw = build("torch")
        ds_m, _ = build("minigrad")
        want = [describe(b) for b in torch.utils.data.DataLoader(ds_t, **kw)]
        loader = mud.DataLoader(
            ds_m, num_workers=2, prefetch_factor=4, persistent_workers=True, **kw
        )
        assert [describe(b) for b in loader] == want == [describe(b) for b in loader]


def test_default_convert_and_collate_match_torch(torch: Any) -> None:
    samples = [
        np.arange(3, dtype=np.int32),
        np.float32(2.5),
        np.array(["a", "b"]),
        3,
        "text",
        (np.zeros(2), 1),
        Point(np.int64(1), [np.ones(1, dtype=np.uint8)]),
        {"a": np.bool_(True), "b": [1.5, np.arange(2)]},
        OrderedDict(z=np.float64(1.0)),
    ]
    for s in samples:
        assert describe(mud.default_convert(s)) == describe(torch.utils.data.default_convert(s)), s
    batches = [
        [np.float32(1), np.float32(2)],
        [np.int32(1), np.int32(7)],
        [True, False],
        [(1, "a"), (2, "b")],
        [[1, 2], [3, 4]],
        [{"k": 1.0, "s": "x"}, {"k": 2.0, "s": "y"}],
        [Point(1, np.zeros(2, np.float16)), Point(2, np.ones(2, np.float16))],
    ]
    for b in batches:
        assert describe(mud.default_collate(b)) == describe(torch.utils.data.default_collate(b)), b


def test_get_worker_info_is_none_in_this_process(torch: Any) -> None:
    assert mud.get_worker_info() is None is torch.utils.data.get_worker_info()


def test_signature_is_pytorchs(torch: Any) -> None:
    def params(f: Any) -> list[tuple[str, Any, Any]]:
        return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]

    assert params(mud.DataLoader.__init__) == params(torch.utils.data.DataLoader.__init__)
    for name in ("BatchSampler", "WeightedRandomSampler", "RandomSampler", "SubsetRandomSampler"):
        want = [p[0] for p in params(getattr(torch.utils.data, name).__init__)]
        assert [p[0] for p in params(getattr(mud, name).__init__)] == want, name


def test_new_names_are_no_longer_reported_missing() -> None:
    for name in (
        "BatchSampler",
        "WeightedRandomSampler",
        "ConcatDataset",
        "ChainDataset",
        "StackDataset",
        "IterableDataset",
        "default_convert",
        "get_worker_info",
    ):
        assert callable(getattr(mud, name)), name
    with pytest.raises(AttributeError, match=r"torch\.utils\.data\.DistributedSampler"):
        mud.DistributedSampler


# --- the same misuse, the same error --------------------------------------------------------


def _loader(**kw: Any) -> Callable[[Any, Any], Any]:
    return lambda data, ds: data.DataLoader(ds, **kw)


MISUSES: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("batch_size=0", _loader(batch_size=0)),
    ("batch_size=-1", _loader(batch_size=-1)),
    ("batch_size=2.0", _loader(batch_size=2.0)),
    ("drop_last=1", _loader(batch_size=2, drop_last=1)),
    ("sampler+shuffle", _loader(sampler=[0, 1], shuffle=True)),
    ("batch_sampler+batch_size", _loader(batch_sampler=[[0]], batch_size=2)),
    ("batch_sampler+shuffle", _loader(batch_sampler=[[0]], shuffle=True)),
    ("batch_sampler+sampler", _loader(batch_sampler=[[0]], sampler=[0])),
    ("batch_sampler+drop_last", _loader(batch_sampler=[[0]], drop_last=True)),
    ("batch_size=None+drop_last", _loader(batch_size=None, drop_last=True)),
    ("num_workers=-1", _loader(num_workers=-1)),
    ("timeout=-1", _loader(timeout=-1)),
    ("prefetch_factor-no-workers", _loader(prefetch_factor=2)),
    ("prefetch_factor=-1", _loader(num_workers=1, prefetch_factor=-1)),
    ("persistent_workers-no-workers", _loader(persistent_workers=True)),
    ("mp_context-no-workers", _loader(multiprocessing_context="spawn")),
    ("mp_context-bad-name", _loader(num_workers=1, multiprocessing_context="nope")),
    ("mp_context-bad-type", _loader(num_workers=1, multiprocessing_context=5)),
    ("timeout-no-workers-iter", lambda data, ds: iter(data.DataLoader(ds, timeout=1))),
    ("set-batch_size", lambda data, ds: setattr(data.DataLoader(ds), "batch_size", 3)),
    ("set-sampler", lambda data, ds: setattr(data.DataLoader(ds), "sampler", [0])),
    ("set-dataset", lambda data, ds: setattr(data.DataLoader(ds), "dataset", ds)),
    ("BatchSampler-size", lambda data, ds: data.BatchSampler(range(3), 0, False)),
    ("BatchSampler-drop", lambda data, ds: data.BatchSampler(range(3), 2, 1)),
    ("Weighted-num_samples", lambda data, ds: data.WeightedRandomSampler([1.0, 2.0], 0)),
    ("Weighted-2d", lambda data, ds: data.WeightedRandomSampler([[1.0, 2.0]], 2)),
    ("Weighted-replacement", lambda data, ds: data.WeightedRandomSampler([1.0], 1, replacement=1)),
    ("Weighted-negative", lambda data, ds: list(data.WeightedRandomSampler([1.0, -1.0], 2))),
    ("RandomSampler-replacement", lambda data, ds: data.RandomSampler(ds, replacement=1)),
    ("RandomSampler-num_samples", lambda data, ds: data.RandomSampler(ds, num_samples=0)),
    ("Concat-empty", lambda data, ds: data.ConcatDataset([])),
    ("Concat-index", lambda data, ds: data.ConcatDataset([ds])[-100]),
    ("Concat-past-end", lambda data, ds: data.ConcatDataset([ds])[10]),
    ("Stack-none", lambda data, ds: data.StackDataset()),
    ("Stack-both", lambda data, ds: data.StackDataset(ds, y=ds)),
    ("Stack-lengths", lambda data, ds: data.StackDataset(ds, data.Subset(ds, [0]))),
    ("Dataset-getitem", lambda data, ds: data.Dataset()[0]),
    ("collate-strings", lambda data, ds: data.default_collate([np.array(["a"])])),
    ("collate-object", lambda data, ds: data.default_collate([object()])),
    ("collate-shapes", lambda data, ds: data.default_collate([np.zeros(2), np.zeros(3)])),
    ("collate-fields", lambda data, ds: data.default_collate([(1, 2), (1,)])),
    ("collate-empty", lambda data, ds: data.default_collate([])),
    ("collate-empty-tuple", lambda data, ds: data.default_collate(())),
    ("Weighted-zero-sum", lambda data, ds: list(data.WeightedRandomSampler([0.0, 0.0], 1))),
    (
        "Weighted-past-categories",
        lambda data, ds: list(data.WeightedRandomSampler([1.0, 0.0], 3, replacement=False)),
    ),
    (
        "loader-shapes",
        lambda data, ds: list(data.DataLoader(data.Subset([[1], [2, 3]], [0, 1]), 2)),
    ),
]


@pytest.mark.parametrize("misuse", [m[1] for m in MISUSES], ids=[m[0] for m in MISUSES])
def test_misuse_raises_what_torch_raises(torch: Any, misuse: Any) -> None:
    errors = []
    for lib in ("torch", "minigrad"):
        data, _ = _lib(lib)
        with pytest.raises(Exception) as info:
            misuse(data, make_map(lib, "tensors", 10))
        errors.append(info.type)
    assert errors[1] is errors[0] or issubclass(errors[1], errors[0]), errors


STREAM_MISUSES: list[tuple[str, dict[str, Any]]] = [
    ("shuffle", {"shuffle": True}),
    ("sampler", {"sampler": [0, 1]}),
    ("batch_sampler", {"batch_sampler": [[0, 1]]}),
]


@pytest.mark.parametrize("kw", [m[1] for m in STREAM_MISUSES], ids=[m[0] for m in STREAM_MISUSES])
def test_iterable_dataset_refuses_samplers_as_torch(torch: Any, kw: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"DataLoader with IterableDataset: expected unspecified"):
        torch.utils.data.DataLoader(make_stream("torch"), **kw)
    with pytest.raises(ValueError, match=r"DataLoader with IterableDataset: expected unspecified"):
        mud.DataLoader(make_stream("minigrad"), **kw)
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        mud.ConcatDataset([make_stream("minigrad")])


def test_a_stream_longer_than_its_len_warns_as_torch(torch: Any) -> None:
    for lib, data in (("torch", torch.utils.data), ("minigrad", mud)):
        stream = make_stream(lib, 5)
        type(stream).__len__ = lambda self: 2
        loader = data.DataLoader(stream, batch_size=None)
        assert len(loader) == 2
        with pytest.warns(UserWarning, match=r"was reported to be 2"):
            assert len(list(loader)) == 5


def test_pin_memory_warns_as_torch_on_a_cpu_build(torch: Any) -> None:
    # torch without an accelerator warns at each epoch and pins nothing; minigrad says the same.
    x = np.arange(6.0, dtype=np.float32)
    for data, tensor in (_lib("torch"), _lib("minigrad")):
        loader = data.DataLoader(data.TensorDataset(tensor(x)), batch_size=4, pin_memory=True)
        with pytest.warns(
            UserWarning, match=r"'pin_memory' argument is set as true but no accelerator"
        ):
            batches = list(loader)
        assert [b[0].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5]]
        loader = data.DataLoader(
            data.TensorDataset(tensor(x)), pin_memory=True, pin_memory_device="cpu"
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            list(loader)
        said = [str(w.message) for w in caught]
        assert any("pin_memory_device is deprecated" in m for m in said), said
        assert any("no accelerator is found" in m for m in said), said


def test_cifar_tutorial_runs_with_pinned_memory_and_two_workers(
    tmp_path: Any, monkeypatch: Any
) -> None:
    """The Training a Classifier tutorial with ``pin_memory=True`` added to its two loaders
    (``num_workers=2`` as written): it trains as without, warning once per epoch."""
    from test_pytorch_compat import PROGRAMS, run

    monkeypatch.chdir(tmp_path)  # where the tutorial saves its model
    source, make_inputs, check = PROGRAMS["blitz_classifier"]
    pinned = source.replace("num_workers=2)", "num_workers=2, pin_memory=True)")
    assert pinned.count("pin_memory=True") == 2
    inputs = make_inputs()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ns = run(pinned, **inputs)
    check(ns, inputs)
    assert ns["trainloader"].pin_memory and ns["trainloader"].num_workers == 2
    assert any("pin_memory" in str(w.message) for w in caught)


# --- without torch: the random samplers -----------------------------------------------------


def test_shuffle_visits_every_index_once_per_epoch_and_repeats_with_the_seed() -> None:
    ds = make_map("minigrad", "tensors", 23)
    loader = mud.DataLoader(ds, batch_size=5, shuffle=True, generator=7)
    epochs = [np.concatenate([b[1].numpy() for b in loader]).tolist() for _ in range(4)]
    for e in epochs:
        assert sorted(e) == list(range(23))
    assert len({tuple(e) for e in epochs}) == 4  # a new order each epoch
    again = mud.DataLoader(ds, batch_size=5, shuffle=True, generator=7)
    assert [np.concatenate([b[1].numpy() for b in again]).tolist() for _ in range(4)] == epochs
    # the same order sample by sample (a generic dataset) as gathered (a TensorDataset)
    generic = mud.DataLoader(make_map("minigrad", "scalar", 23), 5, shuffle=True, generator=7)
    assert [np.concatenate([b.numpy() for b in generic]).tolist() for _ in range(4)] == epochs


def test_batch_sampler_over_a_random_sampler_covers_every_index() -> None:
    sampler = mud.BatchSampler(mud.RandomSampler(range(10), generator=1), 3, drop_last=False)
    batches = list(sampler)
    assert [len(b) for b in batches] == [3, 3, 3, 1] and len(sampler) == 4
    assert sorted(i for b in batches for i in b) == list(range(10))
    dropped = mud.BatchSampler(mud.RandomSampler(range(10), generator=1), 3, drop_last=True)
    assert [len(b) for b in dropped] == [3, 3, 3] and len(dropped) == 3
    loader = mud.DataLoader(make_map("minigrad", "tuple"), batch_sampler=sampler)
    assert len(loader) == 4 and sum(len(b[1]) for b in loader) == 10


def test_weighted_sampler_follows_the_weights() -> None:
    weights = [1.0, 2.0, 0.0, 3.0, 4.0]
    n = 40_000
    sampler = mud.WeightedRandomSampler(weights, n, generator=0)
    counts = Counter(sampler)
    freq = np.array([counts[i] / n for i in range(5)])
    # Each frequency has standard deviation sqrt(p (1 - p) / n) <= 0.5 / sqrt(40000) = 0.0025;
    # 0.01 is four of them (a miss has odds below 1e-4), and the seed makes the draw fixed.
    np.testing.assert_allclose(freq, np.array(weights) / sum(weights), atol=0.01)
    assert counts[2] == 0  # a zero weight is never drawn
    assert len(sampler) == n and list(mud.WeightedRandomSampler(weights, 50, generator=0)) == list(
        mud.WeightedRandomSampler(weights, 50, generator=0)
    )
    epochs = mud.WeightedRandomSampler(weights, 50, generator=0)
    assert list(epochs) != list(epochs)  # a new draw each epoch


def test_weighted_sampler_without_replacement_draws_each_index_at_most_once() -> None:
    sampler = mud.WeightedRandomSampler(
        [5.0, 0.0, 1.0, 1.0, 2.0], 4, replacement=False, generator=3
    )
    for _ in range(20):
        drawn = list(sampler)
        assert sorted(drawn) == [0, 2, 3, 4]
    # The heaviest index comes first most often: 5 of 9 is its chance of being first.
    firsts = Counter(next(iter(sampler)) for _ in range(2000))
    assert abs(firsts[0] / 2000 - 5 / 9) < 0.05  # sd 0.011: over four of them
    # More draws than positive weights (and no more than the weights): PyTorch then draws every
    # positive weight's index first, then indices of weight 0 (its Gumbel top-k sees them all
    # tie at 0); minigrad too, the zero-weight ones in ascending order.
    assert list(mud.WeightedRandomSampler([1.0, 0.0], 2, replacement=False)) == [0, 1]


def test_weighted_sampler_past_the_positive_weights_answers_as_torch(torch: Any) -> None:
    weights = [1.0, 0.0, 2.0, 0.0, 0.0, 3.0, 0.0]
    for n in (4, 7):
        for lib, data in (("torch", torch.utils.data), ("minigrad", mud)):
            for _ in range(20):
                drawn = list(data.WeightedRandomSampler(weights, n, replacement=False))
                assert len(drawn) == n and len(set(drawn)) == n, (lib, drawn)
                assert sorted(drawn[:3]) == [0, 2, 5], (lib, drawn)  # the positive ones first
                assert set(drawn[3:]) <= {1, 3, 4, 6}, (lib, drawn)
        assert (
            list(mud.WeightedRandomSampler(weights, n, replacement=False))[3:]
            == [1, 3, 4, 6][: n - 3]
        )
    # and the 2-D form of multinomial, row by row
    rows = mg.multinomial(mg.tensor([[0.0, 1.0, 0.0], [2.0, 0.0, 1.0]]), 3)
    theirs = torch.multinomial(torch.tensor([[0.0, 1.0, 0.0], [2.0, 0.0, 1.0]]), 3)
    for ours, ref in zip(rows.tolist(), theirs.tolist()):
        assert sorted(ours) == sorted(ref) == [0, 1, 2]
    assert rows.tolist()[0] == [1, 0, 2] and rows.tolist()[1][2] == 1


def test_default_collate_of_no_samples_raises_torchs_index_error(torch: Any) -> None:
    for samples, kind in (([], "list"), ((), "tuple")):
        with pytest.raises(IndexError, match=rf"^{kind} index out of range$"):
            torch.utils.data.default_collate(samples)
        with pytest.raises(IndexError, match=rf"^{kind} index out of range \(default_collate"):
            mud.default_collate(samples)


def test_weighted_sampler_balances_classes_in_a_loader() -> None:
    # The imbalanced-classes recipe: weight each sample by 1 / (its class's count).
    labels = np.array([0] * 90 + [1] * 10)
    weights = 1.0 / np.bincount(labels)[labels]
    ds = mud.TensorDataset(np.arange(100, dtype=np.float32), labels)
    sampler = mud.WeightedRandomSampler(weights, 4000, generator=mg.Generator().manual_seed(2))
    loader = mud.DataLoader(ds, batch_size=100, sampler=sampler)
    assert len(loader) == 40
    seen = np.concatenate([y.numpy() for _, y in loader])
    # p = 0.5 for class 1; sd of the share over 4000 draws is 0.008: 0.04 is five of them.
    assert abs(seen.mean() - 0.5) < 0.04


def test_iterable_dataset_gives_its_whole_stream_with_workers() -> None:
    loader = mud.DataLoader(make_stream("minigrad", 9), batch_size=4, num_workers=3)
    assert [b[1].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7], [8]]
    assert len(loader) == 3
    plain = mud.DataLoader(make_stream("minigrad", 9, sized=False), batch_size=4)
    with pytest.raises(TypeError, match="has no len"):
        len(plain)


def test_worker_options_are_kept_and_have_no_effect() -> None:
    calls: list[int] = []
    ds = make_map("minigrad", "tensors")
    loader = mud.DataLoader(
        ds,
        batch_size=4,
        num_workers=2,
        worker_init_fn=calls.append,
        multiprocessing_context="spawn",
        persistent_workers=True,
        in_order=False,
        timeout=5.0,
    )
    assert [b[1].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert calls == []  # no worker starts, as with PyTorch's num_workers=0
    assert loader.prefetch_factor == 2 and loader.timeout == 5.0 and not loader.in_order
    assert loader.multiprocessing_context.get_start_method() == "spawn"
    assert mud.DataLoader(ds).prefetch_factor is None


def test_dataset_add_concatenates_and_chains() -> None:
    a, b = make_map("minigrad", "scalar", 3), make_map("minigrad", "scalar", 2)
    both = a + b
    assert isinstance(both, mud.ConcatDataset) and [both[i] for i in range(5)] == [0, 1, 2, 0, 1]
    assert both[-1] == 1 and both.cumulative_sizes == [3, 5]
    chained = make_stream("minigrad", 2) + make_stream("minigrad", 1, start=5)
    assert isinstance(chained, mud.ChainDataset) and [s[1] for s in chained] == [0, 1, 5]
    assert len(chained) == 3
