"""The reductions that select an element (median, nanmedian, kthvalue, mode, aminmax) or skip
NaN (nansum, nanmean), and the index functions (count_nonzero, unique, bincount, nonzero,
argwhere): values and indices against NumPy formulas, gradients by gradcheck and gradgradcheck,
and everything, ties and NaN included, against PyTorch when it is installed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(5)
NAN = float("nan")


def _distinct(*shape: int) -> np.ndarray:
    """float64 values at least 0.2 apart: no ties, so finite differences stay on one branch."""
    n = int(np.prod(shape))
    return ((RNG.permutation(n) - n / 2) * 0.3 + RNG.uniform(-0.05, 0.05, n)).reshape(shape)


def _ties(*shape: int) -> np.ndarray:
    """Small whole numbers as floats: many ties."""
    return RNG.integers(0, 4, shape).astype(np.float64)


# -- median, nanmedian --------------------------------------------------------------------------


def test_median_of_all_elements_is_the_lower_median() -> None:
    a = _distinct(3, 4)
    m = mg.tensor(a).median()
    assert m.shape == () and m.item() == np.sort(a, axis=None)[(a.size - 1) // 2]
    assert mg.median(mg.tensor([4, 1, 3, 2])).item() == 2  # even count: the lower one
    assert mg.tensor([4, 1, 3, 2]).median().dtype == mg.int64
    assert np.isnan(mg.tensor([1.0, NAN, 3.0]).median().item())
    assert mg.tensor([1.0, NAN, 3.0, 5.0]).nanmedian().item() == 3.0
    assert np.isnan(mg.tensor([NAN, NAN]).nanmedian().item())
    assert mg.tensor(2.5).median().item() == 2.5


def test_median_along_a_dim_gives_values_and_indices() -> None:
    a = _distinct(3, 5)
    for dim in (0, 1, -1):
        out = mg.tensor(a).median(dim)
        assert isinstance(out, mg.return_types.median)
        order = np.argsort(a, axis=dim)
        k = (a.shape[dim] - 1) // 2
        idx = np.take(order, [k], axis=dim)
        np.testing.assert_array_equal(out.indices.numpy(), idx.squeeze(dim))
        np.testing.assert_array_equal(
            out.values.numpy(), np.take_along_axis(a, idx, dim).squeeze(dim)
        )
        assert out.indices.dtype == mg.int64
    kept = mg.median(mg.tensor(a), 1, keepdim=True)
    assert kept.values.shape == (3, 1) and kept.indices.shape == (3, 1)


def test_median_ties_take_the_stable_order_and_nan_comes_first() -> None:
    # PyTorch's rule: the element at position (n - 1) // 2 when equal values keep their order
    t = mg.tensor([[3.0, 1.0, 2.0, 1.0], [5.0, 5.0, 4.0, 6.0], [2.0, 1.0, 2.0, 2.0]])
    values, indices = t.median(1)
    assert values.tolist() == [1.0, 5.0, 2.0] and indices.tolist() == [3, 0, 0]
    values, indices = mg.tensor([[1.0, NAN, 3.0, NAN]]).median(1)  # the first NaN
    assert np.isnan(values.item()) and indices.item() == 1
    values, indices = mg.tensor([[NAN, 2.0, 1.0, NAN, 3.0, 1.0]]).nanmedian(-1)
    assert values.item() == 1.0 and indices.item() == 5  # among 1, 1, 2, 3: position 1
    values, indices = mg.tensor([[NAN, NAN]]).nanmedian(1)
    assert np.isnan(values.item()) and indices.item() == 0


def test_median_gradient_goes_to_the_selected_element_or_is_shared_by_ties() -> None:
    x = mg.tensor([[3.0, 1.0, 2.0, 1.0], [5.0, 5.0, 4.0, 6.0]], requires_grad=True)
    x.median(1).values.sum().backward()
    assert x.grad is not None
    assert x.grad.tolist() == [[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]]
    y = mg.tensor([2.0, 1.0, 2.0, 2.0, 1.0], requires_grad=True)
    y.median().backward()  # median() of all elements: ties share evenly, as max()
    assert y.grad is not None
    np.testing.assert_allclose(y.grad.numpy(), [1 / 3, 0, 1 / 3, 1 / 3, 0])
    z = mg.tensor([1.0, NAN, NAN], requires_grad=True)
    z.median().backward()  # a NaN median: the NaNs share it
    assert z.grad is not None
    np.testing.assert_allclose(z.grad.numpy(), [0.0, 0.5, 0.5])


def test_median_errors() -> None:
    t = mg.ones(2, 3)
    with pytest.raises(
        TypeError, match='median\\(\\) missing 1 required positional arguments: "dim"'
    ):
        t.median(keepdim=True)
    with pytest.raises(IndexError, match="Dimension out of range"):
        t.median(2)
    with pytest.raises(TypeError, match="dim must be an int"):
        t.median((0, 1))
    with pytest.raises(IndexError, match="median\\(\\): Expected reduction dim 1 to have non-zero"):
        mg.ones(2, 0).median(1)
    with pytest.raises(NotImplementedError, match="\"median_cpu\" not implemented for 'Bool'"):
        mg.tensor([True, False]).median()


# -- kthvalue, mode -----------------------------------------------------------------------------


def test_kthvalue_is_the_kth_smallest() -> None:
    a = _distinct(4, 5)
    for k, dim in ((1, -1), (3, 1), (4, 0), (2, 0)):
        out = mg.tensor(a).kthvalue(k, dim)
        assert isinstance(out, mg.return_types.kthvalue)
        idx = np.take(np.argsort(a, axis=dim), [k - 1], axis=dim)
        np.testing.assert_array_equal(out.indices.numpy(), idx.squeeze(dim))
        np.testing.assert_array_equal(
            out.values.numpy(), np.take_along_axis(a, idx, dim).squeeze(dim)
        )
    out = mg.kthvalue(mg.tensor(a), 2, 0, keepdim=True)
    assert out.values.shape == (1, 5)
    values, indices = mg.tensor([1.0, NAN, 3.0]).kthvalue(3)  # NaN counts as the largest
    assert np.isnan(values.item()) and indices.item() == 1
    with pytest.raises(
        RuntimeError, match="kthvalue\\(\\): selected number k out of range for dimension 1"
    ):
        mg.ones(2, 3).kthvalue(4)
    with pytest.raises(RuntimeError, match="selected number k out of range"):
        mg.ones(2, 3).kthvalue(0, 0)


def test_kthvalue_ties_pick_the_index_torchs_quickselect_picks() -> None:
    # PyTorch partitions a copy of each slice with a median-of-three quickselect: which of equal
    # values it returns is that algorithm's, not the first or last occurrence
    t = mg.tensor([[2.0, 1.0, 2.0, 2.0, 1.0], [5.0, 5.0, 4.0, 6.0, 0.0]])
    assert t.kthvalue(2).indices.tolist() == [4, 2]
    assert t.kthvalue(4).indices.tolist() == [3, 1]


def test_mode_is_the_most_frequent_value_smallest_on_ties() -> None:
    t = mg.tensor([[3.0, 1.0, 3.0, 1.0, 2.0], [2.0, 1.0, 2.0, 2.0, 1.0], [7.0, 8.0, 9.0, 6.0, 5.0]])
    out = t.mode()
    assert isinstance(out, mg.return_types.mode)
    assert out.values.tolist() == [1.0, 2.0, 5.0]
    assert out.indices.tolist() == [3, 3, 4]  # the last occurrence
    assert mg.mode(t, 0).values.tolist() == [2.0, 1.0, 2.0, 1.0, 1.0]
    assert mg.mode(t, 0, keepdim=True).values.shape == (1, 5)
    assert mg.tensor(4.0).mode().values.item() == 4.0


def test_kthvalue_and_mode_gradients_go_to_the_index() -> None:
    x = mg.tensor([[2.0, 1.0, 2.0, 2.0, 1.0]], requires_grad=True)
    x.kthvalue(2).values.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [[0.0, 0.0, 0.0, 0.0, 1.0]]
    x.grad = None
    x.mode().values.sum().backward()
    assert x.grad is not None and x.grad.tolist() == [[0.0, 0.0, 0.0, 1.0, 0.0]]


# -- gradcheck and gradgradcheck ------------------------------------------------------------------

SELECTING: dict[str, Callable[[Any], Any]] = {
    "median_dim": lambda x: x.median(1).values,
    "median_neg_dim_keepdim": lambda x: mg.median(x, -1, keepdim=True).values,
    "median_all": lambda x: x.median(),
    "nanmedian_dim": lambda x: x.nanmedian(0).values,
    "nanmedian_all": lambda x: mg.nanmedian(x),
    "kthvalue": lambda x: x.kthvalue(2, dim=-1).values,
    "kthvalue_keepdim": lambda x: mg.kthvalue(x, 1, 0, True).values,
    "mode": lambda x: x.mode(-1).values,
    "nansum": lambda x: x.nansum(1),
    "nansum_all": lambda x: mg.nansum(x),
    "nanmean": lambda x: x.nanmean(dim=-1, keepdim=True),
    "nanmean_all": lambda x: mg.nanmean(x),
    "aminmax_min": lambda x: x.aminmax(dim=1).min,
    "aminmax_max_keepdim": lambda x: mg.aminmax(x, dim=-1, keepdim=True).max,
    "aminmax_all": lambda x: x.aminmax()[1],
}


@pytest.mark.parametrize("name", sorted(SELECTING))
@pytest.mark.parametrize("layout", ["plain", "transposed", "batched"])
def test_gradients_by_finite_differences(name: str, layout: str) -> None:
    a = {"plain": _distinct(4, 5), "transposed": _distinct(5, 4), "batched": _distinct(2, 4, 5)}[
        layout
    ]
    if name.startswith("nan"):
        a.reshape(-1)[::7] = NAN  # NaN to skip, never a whole slice
        if name.startswith("nanmedian"):
            a = np.where(np.isnan(a), 1e6, a)  # (nanmedian: no NaN under finite differences)
    x = mg.tensor(a, requires_grad=True)
    fn = SELECTING[name]
    f = (lambda t: fn(t.transpose(0, 1))) if layout == "transposed" else fn
    assert mg.gradcheck(f, [x])
    assert mg.gradgradcheck(f, [x])


def test_nansum_and_nanmean_skip_nan() -> None:
    a = np.array([[1.0, NAN, 3.0], [NAN, NAN, 2.0]])
    t = mg.tensor(a)
    assert t.nansum().item() == 6.0
    np.testing.assert_array_equal(mg.nansum(t, 1).numpy(), np.nansum(a, axis=1))
    np.testing.assert_array_equal(t.nansum((0, 1), keepdim=True).numpy(), [[6.0]])
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning):
        expected = np.nanmean(a, axis=0)
    np.testing.assert_array_equal(t.nanmean(0).numpy(), expected)  # all-NaN column: NaN
    assert t.nanmean().item() == 2.0
    assert mg.nanmean(t, dtype=mg.float32).dtype == mg.float32
    assert mg.tensor([1, 2]).nansum().dtype == mg.int64
    assert mg.tensor([True, True]).nansum().item() == 2
    x = mg.tensor(a, requires_grad=True)
    x.nansum().backward()
    assert x.grad is not None and x.grad.tolist() == [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]
    with pytest.raises(RuntimeError, match="nanmean\\(\\): expected input to have floating point"):
        mg.tensor([1, 2]).nanmean()


# -- aminmax, count_nonzero -----------------------------------------------------------------------


def test_aminmax() -> None:
    a = _distinct(3, 4)
    out = mg.tensor(a).aminmax()
    assert isinstance(out, mg.return_types.aminmax)
    assert (out.min.item(), out.max.item()) == (a.min(), a.max())
    lo, hi = mg.aminmax(mg.tensor(a), dim=0, keepdim=True)
    np.testing.assert_array_equal(lo.numpy(), a.min(0, keepdims=True))
    np.testing.assert_array_equal(hi.numpy(), a.max(0, keepdims=True))
    with pytest.raises(RuntimeError, match="cannot compute aminmax over an empty dimension"):
        mg.ones(0).aminmax()
    with pytest.raises(TypeError):
        mg.tensor(a).aminmax(1)  # dim is keyword-only, as PyTorch's


def test_count_nonzero() -> None:
    a = RNG.integers(0, 2, (3, 4, 2)) * RNG.standard_normal((3, 4, 2))
    t = mg.tensor(a)
    assert t.count_nonzero().item() == np.count_nonzero(a)
    assert t.count_nonzero().dtype == mg.int64
    np.testing.assert_array_equal(mg.count_nonzero(t, 1).numpy(), np.count_nonzero(a, axis=1))
    np.testing.assert_array_equal(
        t.count_nonzero((0, -1)).numpy(), np.count_nonzero(a, axis=(0, 2))
    )
    assert mg.tensor([0.0, NAN]).count_nonzero().item() == 1


# -- unique, bincount, nonzero, argwhere ----------------------------------------------------------


def test_unique() -> None:
    a = np.array([3, 1, 2, 3, 1, 1])
    t = mg.tensor(a)
    assert t.unique().tolist() == [1, 2, 3]
    values, inverse, counts = mg.unique(t, return_inverse=True, return_counts=True)
    expected = np.unique(a, return_inverse=True, return_counts=True)
    assert values.tolist() == expected[0].tolist()
    assert inverse.tolist() == expected[1].reshape(-1).tolist() and inverse.dtype == mg.int64
    assert counts.tolist() == expected[2].tolist()
    values, inverse = mg.tensor([[1, 2], [3, 1]]).unique(return_inverse=True)
    assert inverse.shape == (2, 2) and inverse.tolist() == [[0, 1], [2, 0]]
    m = mg.tensor([[1, 2], [3, 4], [1, 2]])
    rows, inverse = m.unique(dim=0, return_inverse=True)
    assert rows.tolist() == [[1, 2], [3, 4]] and inverse.tolist() == [0, 1, 0]
    assert mg.tensor([1.0, NAN, NAN, 1.0]).unique(return_counts=True)[1].tolist() == [2, 1, 1]
    assert mg.tensor(5).unique().tolist() == [5]
    with pytest.raises(IndexError, match="Dimension out of range"):
        m.unique(dim=2)


def test_bincount() -> None:
    a = np.array([1, 1, 3, 0])
    assert mg.tensor(a).bincount().tolist() == np.bincount(a).tolist()
    assert mg.bincount(mg.tensor(a), minlength=6).tolist() == np.bincount(a, minlength=6).tolist()
    w = np.array([0.5, 0.25, 2.0, 1.0], dtype=np.float32)
    out = mg.tensor(a).bincount(mg.tensor(w))
    assert out.dtype == mg.float32
    np.testing.assert_array_equal(out.numpy(), np.bincount(a, w))
    assert mg.tensor(a).bincount(mg.tensor([1, 2, 3, 4])).dtype == mg.float64
    assert mg.tensor(np.array([], dtype=np.int64)).bincount().tolist() == []
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral"):
        mg.tensor([1, -1]).bincount()
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral"):
        mg.tensor([[1, 2]]).bincount()
    with pytest.raises(NotImplementedError, match="\"bincount_cpu\" not implemented for 'Float'"):
        mg.tensor([1.0, 2.0]).bincount()
    with pytest.raises(RuntimeError, match="minlength should be >= 0"):
        mg.tensor([1]).bincount(minlength=-1)
    with pytest.raises(RuntimeError, match="weights should be 1-d and have the same length"):
        mg.tensor([1, 2]).bincount(mg.tensor([1.0]))


def test_nonzero_and_argwhere() -> None:
    a = np.array([[0.0, 1.0], [2.0, 0.0], [0.0, NAN]])
    t = mg.tensor(a)
    assert t.nonzero().tolist() == np.argwhere(a).tolist() and t.nonzero().dtype == mg.int64
    assert mg.argwhere(t).tolist() == np.argwhere(a).tolist()
    rows, cols = mg.nonzero(t, as_tuple=True)
    assert (rows.tolist(), cols.tolist()) == tuple(i.tolist() for i in np.nonzero(a))
    assert mg.tensor(3.0).nonzero().shape == (1, 0)
    assert [i.tolist() for i in mg.tensor(3.0).nonzero(as_tuple=True)] == [[0]]
    assert [i.tolist() for i in mg.tensor(0.0).nonzero(as_tuple=True)] == [[]]
    with pytest.raises(TypeError):
        t.nonzero(True)  # as_tuple is keyword-only, as PyTorch's


# -- against PyTorch ------------------------------------------------------------------------------


def _pair(torch: Any, a: np.ndarray, requires_grad: bool = False) -> tuple[Any, Any]:
    return (
        mg.tensor(a, requires_grad=requires_grad),
        torch.tensor(a, requires_grad=requires_grad),
    )


def _same(ours: Any, theirs: Any) -> None:
    """Equal values (NaN where NaN), shapes and dtypes; tuples compared item by item."""
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _same(o, t)
        return
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    assert tuple(ours.shape) == tuple(theirs.shape)
    a, b = ours.detach().numpy(), theirs.detach().numpy()
    if a.dtype.kind == "f":  # (sums may round in another order: a few ulps)
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=0)
    else:
        np.testing.assert_array_equal(a, b)


CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "median": lambda lib, x: x.median(),
    "median_dim": lambda lib, x: x.median(1),
    "median_dim0_keepdim": lambda lib, x: lib.median(x, 0, keepdim=True),
    "nanmedian": lambda lib, x: x.nanmedian(),
    "nanmedian_dim": lambda lib, x: lib.nanmedian(x, -1),
    "kthvalue_2": lambda lib, x: x.kthvalue(2),
    "kthvalue_last": lambda lib, x: lib.kthvalue(x, x.shape[0], 0, True),
    "mode": lambda lib, x: x.mode(),
    "mode_dim0": lambda lib, x: lib.mode(x, 0),
    "nansum": lambda lib, x: x.nansum(-1),
    "nanmean": lambda lib, x: lib.nanmean(x, 0, True),
    "aminmax": lambda lib, x: x.aminmax(),
    "aminmax_dim": lambda lib, x: lib.aminmax(x, dim=1),
    "count_nonzero": lambda lib, x: lib.count_nonzero(x, 1),
    "nonzero": lambda lib, x: x.nonzero(),
    "nonzero_tuple": lambda lib, x: lib.nonzero(x, as_tuple=True),
    "argwhere": lambda lib, x: lib.argwhere(x),
    "unique": lambda lib, x: lib.unique(x, return_inverse=True, return_counts=True),
    "unique_dim": lambda lib, x: x.unique(dim=1, return_inverse=True, return_counts=True),
}


def _values(kind: str, shape: tuple[int, ...]) -> np.ndarray:
    a = _ties(*shape)
    if kind == "nan":
        a.reshape(-1)[RNG.random(a.size) < 0.2] = NAN
    elif kind == "distinct":
        a = _distinct(*shape)
    return a


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("kind", ["ties", "nan", "distinct"])
@pytest.mark.parametrize("shape", [(5, 7), (4, 16), (3, 40)], ids=str)
def test_values_indices_and_gradients_as_torch(
    name: str, kind: str, shape: tuple[int, ...]
) -> None:
    torch = pytest.importorskip("torch")
    if name.startswith("unique_dim") and kind == "nan":
        return  # (NaN rows: PyTorch compares them by bits)
    a = _values(kind, shape)
    differentiable = not name.startswith(("count", "nonzero", "argwhere", "unique"))
    x, tx = _pair(torch, a, differentiable)
    ours, theirs = CALLS[name](mg, x), CALLS[name](torch, tx)
    _same(ours, theirs)
    if not differentiable:
        return
    out, tout = (ours[0], theirs[0]) if isinstance(theirs, tuple) else (ours, theirs)
    g = RNG.standard_normal(tuple(tout.shape))
    out.backward(mg.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_mode_follows_std_sort_in_long_slices_and_around_nan() -> None:
    # PyTorch sorts a slice with std::sort and returns the index at the end of the mode's run:
    # up to 16 elements without NaN the last occurrence; past 16, whichever occurrence its
    # introsort leaves last; a NaN (never < anything) stays where it is and splits runs
    assert mg.tensor([1.0, NAN, 1.0]).mode().indices.item() == 0
    values, indices = mg.tensor([NAN, 2.0, 1.0]).mode()
    assert np.isnan(values.item()) and indices.item() == 0
    a = np.tile([2.0, 0.0, 1.0, 2.0, 1.0], 8)  # 40 elements: 0 x8, 1 x16, 2 x16
    assert mg.tensor(a).mode().values.item() == 1.0


def test_mode_index_as_torch_in_slices_of_every_length() -> None:
    torch = pytest.importorskip("torch")
    for n in (3, 16, 17, 40, 150):
        for kind in ("ties", "nan"):
            a = _values(kind, (4, n))
            for dim in (0, 1):
                _same(mg.tensor(a).mode(dim), torch.tensor(a).mode(dim))
    a = np.zeros((2, 100))  # all equal: the partitions' worst case
    _same(mg.tensor(a).mode(), torch.tensor(a).mode())
    a = np.sort(_ties(2, 100), axis=1)[:, ::-1].copy()
    _same(mg.tensor(a).mode(), torch.tensor(a).mode())


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "float32"])
def test_dtypes_as_torch(dtype: str) -> None:
    torch = pytest.importorskip("torch")
    a = RNG.integers(0, 3, (3, 5)).astype(dtype)
    for name in (
        "median",
        "median_dim",
        "kthvalue_2",
        "mode",
        "nansum",
        "aminmax",
        "count_nonzero",
        "unique",
    ):
        x, tx = _pair(torch, a)
        try:
            theirs = CALLS[name](torch, tx)
        except Exception as e:
            with pytest.raises(type(e)) as got:
                CALLS[name](mg, x)
            assert str(got.value).startswith(str(e)), name
            continue
        _same(CALLS[name](mg, x), theirs)


@pytest.mark.parametrize("weights", [None, "float32", "float64", "int64"])
def test_bincount_as_torch(weights: str | None) -> None:
    torch = pytest.importorskip("torch")
    a = RNG.integers(0, 5, 12)
    w = None if weights is None else RNG.integers(0, 4, 12).astype(weights)
    ours = mg.tensor(a).bincount(None if w is None else mg.tensor(w), minlength=7)
    theirs = torch.tensor(a).bincount(None if w is None else torch.tensor(w), minlength=7)
    _same(ours, theirs)


def test_errors_as_torch() -> None:
    torch = pytest.importorskip("torch")
    calls: list[Callable[[Any], Any]] = [
        lambda lib: lib.ones(2, 3).median(keepdim=True),
        lambda lib: lib.ones(2, 0).median(1),
        lambda lib: lib.tensor([True]).median(),
        lambda lib: lib.ones(2, 3).kthvalue(4),
        lambda lib: lib.ones(0).aminmax(),
        lambda lib: lib.ones(2, 0).aminmax(dim=1),
        lambda lib: lib.ones(0, 2).kthvalue(1, 0),
        lambda lib: lib.ones(0, 2).mode(0),
        lambda lib: lib.ones(0, 2).median(0),
        lambda lib: lib.ones(0, 2).nanmedian(0),
        lambda lib: lib.tensor([1, 2]).nanmean(),
        lambda lib: lib.tensor([1, -1]).bincount(),
        lambda lib: lib.tensor([1.0]).bincount(),
        lambda lib: lib.tensor([True]).bincount(),
        lambda lib: lib.tensor([1]).bincount(minlength=-1),
        lambda lib: lib.tensor([1, 2]).bincount(lib.tensor([1.0])),
    ]
    for call in calls:
        try:
            call(torch)
        except Exception as e:
            with pytest.raises(type(e)) as got:
                call(mg)
            assert str(got.value).startswith(str(e))
        else:
            raise AssertionError("PyTorch raised nothing")


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "uint64", "int8", "bool"])
def test_integer_sums_are_int64_as_torch(dtype: str) -> None:
    # NumPy sums unsigned types in uint64, where a later subtraction wraps around silently:
    # PyTorch sums (and cumulates) every integer and bool type in int64
    x = mg.tensor(np.array([[1, 0, 1], [1, 1, 0]]).astype(dtype))
    for result in (x.sum(), x.sum(0), x.sum(dim=1, keepdim=True), x.cumsum(0), mg.cumsum(x, 1)):
        assert result.dtype == mg.int64
    assert (x.sum() - 10).item() == -6


def test_integer_sums_match_torch() -> None:
    torch = pytest.importorskip("torch")
    a = np.array([[200, 100, 7], [255, 0, 1]], dtype=np.uint8)
    for f in (
        lambda L, t: t.sum(),
        lambda L, t: t.sum(1),
        lambda L, t: t.cumsum(1),
        lambda L, t: t.prod(),
        lambda L, t: L.sum(t, 0),
    ):
        got, ref = f(mg, mg.tensor(a)), f(torch, torch.tensor(a))
        assert got.tolist() == ref.tolist() and str(got.dtype)[9:] == str(ref.dtype)[6:]
