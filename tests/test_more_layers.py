"""The image and sequence layers of PyTorch's tutorials beyond the convolutions: 1-d, adaptive
and unpooling pools with their indices, against PyTorch (values, indices and gradients in
float64 and float32, batched and unbatched, reprs, errors in PyTorch's words) and by finite
differences (float64, non-contiguous input, second order).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor, nn
from minigrad.nn import functional as F


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(8765 + salt)


def _tol(dtype: Any) -> dict[str, Any]:
    return {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else {"rtol": 2e-5, "atol": 2e-5}


def _noncontiguous(shape: tuple[int, ...], salt: int = 0) -> Tensor:
    """A float64 leaf whose array is a transposed (non-contiguous) view."""
    a = _rng(salt).standard_normal(shape[::-1]).T
    x = mg.from_numpy(a).requires_grad_()
    assert not x.detach().numpy().flags.c_contiguous
    return x


def _torch_of(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The torch function or class of the same name as minigrad's ``fn``."""
    torch = pytest.importorskip("torch")
    if isinstance(fn, type):
        return getattr(torch.nn, fn.__name__)
    return getattr(torch.nn.functional, fn.__name__)


def _outputs(y: Any) -> list[Any]:
    return list(y) if isinstance(y, tuple) else [y]


def _compare(fn: Callable[..., Any], arrays: list[np.ndarray], *args: Any, dtype: Any = np.float64,
             tfn: Callable[..., Any] | None = None, **kw: Any) -> None:  # fmt: skip
    """fn(*tensors, *args, **kw) against torch's function of the same name (or ``tfn``): every
    output (values and dtype; integer outputs such as indices exactly) and every input's
    gradient."""
    torch = pytest.importorskip("torch")
    tfn = tfn or _torch_of(fn)
    arrays = [a.astype(dtype) for a in arrays]
    xs = [mg.from_numpy(a).requires_grad_() for a in arrays]
    txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    ys, tys = _outputs(fn(*xs, *args, **kw)), _outputs(tfn(*txs, *args, **kw))
    assert len(ys) == len(tys)
    for y, ty in zip(ys, tys):
        assert y.shape == tuple(ty.shape)
        assert y.dtype == np.dtype(str(ty.dtype).replace("torch.", ""))
        if y.dtype.kind == "f":
            np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), **_tol(dtype))
        else:
            np.testing.assert_array_equal(y.numpy(), ty.numpy())
    g = _rng(99).standard_normal(ys[0].shape).astype(dtype)
    ys[0].backward(mg.from_numpy(g))
    tys[0].backward(torch.from_numpy(g))
    for x, tx in zip(xs, txs):
        assert x.grad is not None and x.grad.dtype == np.dtype(dtype)
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), **_tol(dtype))


def _same_error(fn: Callable[..., Any], *args: Any, **kw: Any) -> None:
    """fn(*args) raises PyTorch's exception type with PyTorch's message first (minigrad may
    add its help after it). Arrays are passed to torch as tensors."""
    torch = pytest.importorskip("torch")
    tfn = _torch_of(fn)
    targs = [torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args]
    tkw = {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    with pytest.raises(Exception) as expected:
        tfn(*targs, **tkw)
    margs = [mg.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args]
    mkw = {k: mg.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    with pytest.raises(type(expected.value), match="^" + re.escape(str(expected.value))):
        fn(*margs, **mkw)


def _same_layer_error(cls: type, ctor: tuple[Any, ...], *inputs: np.ndarray) -> None:
    """A layer's forward raises PyTorch's exception type and message (then the layer)."""
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as expected:
        _torch_of(cls)(*ctor)(*[torch.from_numpy(a) for a in inputs])
    with pytest.raises(type(expected.value), match="^" + re.escape(str(expected.value))):
        cls(*ctor)(*[mg.from_numpy(a) for a in inputs])


def _distinct(shape: tuple[int, ...], salt: int = 0) -> np.ndarray:
    """Random values with no ties (a max pool's gradient is then unambiguous)."""
    n = int(np.prod(shape))
    return (_rng(salt).permutation(n) / n - 0.5 + 0.01 * _rng(salt + 1).random(n)).reshape(shape)


# ---------------------------------------------------------------------------------------------
# 1-d pools

# (input shape, kernel_size, stride, padding, dilation, ceil_mode)
MAX1D: list[tuple[tuple[int, ...], Any, Any, Any, Any, bool]] = [
    ((2, 3, 9), 2, None, 0, 1, False),
    ((2, 3, 9), 3, 2, 1, 1, True),
    ((2, 3, 10), (3,), [2], (1,), 2, False),
    ((1, 2, 8), 3, 3, 1, 1, True),
    ((3, 7), 2, 1, 1, 1, False),  # unbatched
    ((2, 6), 4, 3, 2, 1, True),
]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", MAX1D, ids=[str(i) for i in range(len(MAX1D))])
def test_max_pool1d_matches_torch(case: Any, dtype: Any) -> None:
    shape, k, s, p, d, ceil = case
    x = _distinct(shape)
    _compare(F.max_pool1d, [x], k, s, p, d, ceil, dtype=dtype)
    _compare(F.max_pool1d, [x], k, s, p, d, ceil, True, dtype=dtype)  # with indices
    _compare(F.max_pool1d_with_indices, [x], k, s, p, d, ceil, dtype=dtype)


# (input shape, kernel_size, stride, padding, ceil_mode, count_include_pad)
AVG1D: list[tuple[tuple[int, ...], Any, Any, Any, bool, bool]] = [
    ((2, 3, 9), 2, None, 0, False, True),
    ((2, 3, 9), 3, 2, 1, True, True),
    ((2, 3, 9), 3, 2, 1, True, False),
    ((1, 2, 8), (4,), (3,), (2,), False, False),
    ((3, 7), 3, 1, 1, False, True),  # unbatched
    ((2, 6), 4, 3, 2, True, False),
]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", AVG1D, ids=[str(i) for i in range(len(AVG1D))])
def test_avg_pool1d_matches_torch(case: Any, dtype: Any) -> None:
    shape, k, s, p, ceil, count = case
    _compare(F.avg_pool1d, [_rng().standard_normal(shape)], k, s, p, ceil, count, dtype=dtype)


def test_max_pool1d_with_indices_of_integers_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    x = _rng(3).integers(-50, 50, (2, 3, 9))
    y, i = F.max_pool1d(mg.from_numpy(x), 3, 2, 1, return_indices=True)
    ty, ti = torch.nn.functional.max_pool1d(torch.from_numpy(x), 3, 2, 1, return_indices=True)
    assert y.dtype == mg.int64
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    np.testing.assert_array_equal(i.numpy(), ti.numpy())


def test_max_pool2d_with_indices_matches_torch() -> None:
    x = _distinct((2, 3, 7, 6))
    _compare(F.max_pool2d_with_indices, [x], 3, 2, 1, 1, True)
    _compare(F.max_pool2d_with_indices, [x[0]], (2, 3), (1, 2))  # unbatched


def test_pool1d_layers_match_torch() -> None:
    torch = pytest.importorskip("torch")
    x = _distinct((2, 3, 9))
    for layer, args in [
        (nn.MaxPool1d, (3, 2, 1, 1, False, True)),
        (nn.MaxPool1d, (2,)),
        (nn.AvgPool1d, (3, 2, 1, True, False)),
        (nn.AvgPool1d, (2,)),
    ]:
        m, tm = layer(*args), _torch_of(layer)(*args)
        assert repr(m) == repr(tm)
        assert m.state_dict().keys() == tm.state_dict().keys()
        for y, ty in zip(_outputs(m(mg.from_numpy(x))), _outputs(tm(torch.from_numpy(x)))):
            np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-12)


def test_pool1d_gradcheck_noncontiguous() -> None:
    x = _noncontiguous((2, 3, 8), 1)
    assert mg.gradcheck(lambda x: F.max_pool1d(x, 3, 2, 1, ceil_mode=True), [x])
    assert mg.gradgradcheck(lambda x: F.max_pool1d(x, 3, 2, 1, ceil_mode=True) ** 2, [x])
    assert mg.gradcheck(lambda x: F.avg_pool1d(x, 3, 2, 1, True, False), [x])
    assert mg.gradgradcheck(lambda x: F.avg_pool1d(x, 3, 2, 1, True, False) ** 2, [x])


def test_pool1d_errors_in_torch_words() -> None:
    x = np.zeros((2, 3, 5))
    for fn in (F.max_pool1d, F.avg_pool1d):
        _same_error(fn, np.zeros(5), 2)
        _same_error(fn, np.zeros((1, 1, 2, 5)), 2)
        _same_error(fn, x, 6)  # no output left
        _same_error(fn, x, 2, padding=2)
        _same_error(fn, x, 2, padding=-1)
        _same_error(fn, x, 2, stride=0)
        _same_error(fn, x, 2, stride=-1)
        _same_error(fn, x, (2, 2))
        _same_error(fn, x, 2, stride=(1, 1))
        _same_error(fn, x, 2, padding=(1, 1))
        _same_error(fn, x, 2.0)
    _same_error(F.max_pool1d, x, 0)
    _same_error(F.avg_pool1d, x, 0)
    # With indices PyTorch runs its 2-d kernel, and checks in its words.
    for args, kw in [
        ((np.zeros(5), 2), {}), ((x, 2), {"padding": 2}), ((x, 0), {}), ((x, -1, 1), {}),
        ((x, 6), {}), ((x, 2), {"stride": -1}), ((x, 2), {"dilation": 0}),
        ((x, 2), {"padding": -1}), ((x, (2, 2)), {}), ((x, 2), {"stride": (1, 1)}),
        ((x, 2), {"dilation": (1, 1)}), ((x, 2.0), {}), ((np.zeros((2, 3, 0)), 2), {}),
        ((np.zeros((2, 0, 5)), 2), {}), ((x, 3), {"padding": 2, "dilation": 2}),
    ]:  # fmt: skip
        _same_error(F.max_pool1d, *args, return_indices=True, **kw)
    _same_error(F.max_pool1d_with_indices, x, 2, padding=2)
    _same_error(F.max_pool2d, np.zeros((2, 3, 7, 7)), 3, padding=2, dilation=2)
    _same_error(F.max_pool2d, np.zeros((2, 3, 7, 7)), (3, 5), padding=(2, 1), dilation=2)
    _same_error(F.max_pool1d, x, 2, dilation=0)
    _same_error(F.max_pool1d, x, 2, dilation=(1, 1))
    _same_error(F.max_pool1d, np.zeros((2, 3, 0)), 2)
    _same_error(F.max_pool1d, x.astype(np.int64), 2)
    _same_error(F.avg_pool1d, x, 0, 1)
    _same_layer_error(nn.MaxPool1d, (6,), x)
    with pytest.raises(RuntimeError, match=r"Invalid computed.*\(in MaxPool1d\(kernel_size=6"):
        nn.MaxPool1d(6)(mg.from_numpy(x))
    _same_error(F.avg_pool1d, x.astype(np.int32), 2)  # (int64 is averaged, int32 refused)


# ---------------------------------------------------------------------------------------------
# Adaptive pools

# (input shape, output_size)
ADAPTIVE1D: list[tuple[tuple[int, ...], Any]] = [
    ((2, 3, 9), 4), ((2, 3, 5), 7), ((2, 3, 6), 6), ((3, 10), (3,)), ((2, 3, 4), 1),
]  # fmt: skip
ADAPTIVE2D: list[tuple[tuple[int, ...], Any]] = [
    ((2, 3, 7, 5), (3, 4)), ((2, 3, 5, 6), 4), ((2, 2, 4, 4), (None, 3)),
    ((3, 5, 9), (7, None)), ((2, 3, 4), 1), ((1, 2, 3, 3), (5, 2)),
]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", ADAPTIVE1D, ids=[str(i) for i in range(len(ADAPTIVE1D))])
def test_adaptive_pool1d_matches_torch(case: Any, dtype: Any) -> None:
    shape, size = case
    x = _distinct(shape)
    _compare(F.adaptive_avg_pool1d, [x], size, dtype=dtype)
    _compare(F.adaptive_max_pool1d, [x], size, dtype=dtype)
    _compare(F.adaptive_max_pool1d, [x], size, True, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", ADAPTIVE2D, ids=[str(i) for i in range(len(ADAPTIVE2D))])
def test_adaptive_max_pool2d_matches_torch(case: Any, dtype: Any) -> None:
    shape, size = case
    x = _distinct(shape)
    _compare(F.adaptive_max_pool2d, [x], size, dtype=dtype)
    _compare(F.adaptive_max_pool2d, [x], size, return_indices=True, dtype=dtype)


def test_adaptive_max_pool_ties_and_nan_pick_torchs_cell() -> None:
    torch = pytest.importorskip("torch")
    x = np.zeros((1, 2, 5, 5))
    x[0, 1, 1, 2] = x[0, 1, 3, 0] = np.nan
    for out in (2, 3):
        y, i = F.adaptive_max_pool2d(mg.from_numpy(x).requires_grad_(), out, True)
        ty, ti = torch.nn.functional.adaptive_max_pool2d(torch.tensor(x), out, True)
        np.testing.assert_array_equal(i.numpy(), ti.numpy())
        np.testing.assert_array_equal(y.detach().numpy(), ty.numpy())


def test_adaptive_layers_match_torch() -> None:
    torch = pytest.importorskip("torch")
    x = _distinct((2, 3, 7, 6))
    for layer, args, inp in [
        (nn.AdaptiveAvgPool1d, (4,), x[:, :, 0]),
        (nn.AdaptiveMaxPool1d, (4, True), x[:, :, 0]),
        (nn.AdaptiveMaxPool2d, ((3, None),), x),
        (nn.AdaptiveMaxPool2d, (2, True), x[0]),
    ]:
        m, tm = layer(*args), _torch_of(layer)(*args)
        assert repr(m) == repr(tm) and m.state_dict().keys() == tm.state_dict().keys()
        for y, ty in zip(_outputs(m(mg.from_numpy(inp))), _outputs(tm(torch.from_numpy(inp)))):
            np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-12)


def test_adaptive_pools_gradcheck_noncontiguous() -> None:
    x = _noncontiguous((2, 3, 7), 2)
    assert mg.gradcheck(lambda x: F.adaptive_avg_pool1d(x, 3), [x])
    assert mg.gradgradcheck(lambda x: F.adaptive_avg_pool1d(x, 3) ** 2, [x])
    assert mg.gradcheck(lambda x: F.adaptive_max_pool1d(x, 3), [x])
    assert mg.gradgradcheck(lambda x: F.adaptive_max_pool1d(x, 3) ** 2, [x])
    x2 = _noncontiguous((2, 2, 5, 4), 3)
    assert mg.gradcheck(lambda x: F.adaptive_max_pool2d(x, (2, 3)), [x2])
    assert mg.gradgradcheck(lambda x: F.adaptive_max_pool2d(x, (2, 3)) ** 2, [x2])


def test_adaptive_pools_errors_in_torch_words() -> None:
    x = np.zeros((2, 3, 5))
    for fn in (F.adaptive_avg_pool1d, F.adaptive_max_pool1d):
        _same_error(fn, np.zeros(5), 2)
        _same_error(fn, np.zeros((2, 3, 1, 5)), 2)
        _same_error(fn, x, -1)
        _same_error(fn, x, (2, 2))
        _same_error(fn, x, 2.5)
        _same_error(fn, x, (None,))
        _same_error(fn, np.zeros((1, 3, 0)), 2)
        _same_error(fn, x.astype(np.int64), 2)
    x2 = np.zeros((2, 3, 4, 4))
    _same_error(F.adaptive_max_pool2d, np.zeros((5, 2)), 2)
    _same_error(F.adaptive_max_pool2d, x2, -1)
    _same_error(F.adaptive_max_pool2d, np.zeros((1, 3, 0, 4)), 2)
    _same_error(F.adaptive_max_pool2d, x2.astype(np.int64), 2)
    _same_layer_error(nn.AdaptiveMaxPool2d, (-1,), x2)
    # An empty output is PyTorch's answer to output_size 0.
    assert F.adaptive_max_pool2d(mg.from_numpy(x2), (0, 2)).shape == (2, 3, 0, 2)
    assert F.adaptive_avg_pool1d(mg.from_numpy(x), 0).shape == (2, 3, 0)


# ---------------------------------------------------------------------------------------------
# Max unpooling


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_max_unpool_matches_torch(dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    cases: list[tuple[Any, Any, Any, Any, Any]] = [
        ((2, 3, 7, 5), F.max_pool2d, F.max_unpool2d, (2,), {"output_size": (7, 5)}),
        ((2, 3, 6, 6), F.max_pool2d, F.max_unpool2d, (3, 2, 1), {"output_size": (6, 6)}),
        ((2, 3, 5, 5), F.max_pool2d, F.max_unpool2d, (3, 2, 1), {}),
        ((3, 6, 6), F.max_pool2d, F.max_unpool2d, (2,), {"output_size": (6, 6)}),
        ((2, 3, 9), F.max_pool1d, F.max_unpool1d, (3, 2, 1), {"output_size": [9]}),
        ((3, 8), F.max_pool1d, F.max_unpool1d, (2,), {}),
    ]
    for shape, pool, unpool, args, kw in cases:
        x = _distinct(shape).astype(dtype)
        _, idx = pool(mg.from_numpy(x), *args, return_indices=True)
        _, tidx = getattr(torch.nn.functional, pool.__name__)(
            torch.from_numpy(x), *args, return_indices=True
        )
        np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
        v = _rng(3).standard_normal(idx.shape).astype(dtype)
        vs, tvs = mg.from_numpy(v).requires_grad_(), torch.tensor(v, requires_grad=True)
        y = unpool(vs, idx, *args, **kw)
        ty = getattr(torch.nn.functional, unpool.__name__)(tvs, tidx, *args, **kw)
        np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
        g = _rng(4).standard_normal(y.shape).astype(dtype)
        y.backward(mg.from_numpy(g))
        ty.backward(torch.from_numpy(g))
        # Where two windows chose the same cell, only the value written (the last) gets the
        # gradient; PyTorch's backward gives it to each of them.
        flat = idx.numpy().reshape(-1, idx.shape[-1] * (idx.shape[-2] if unpool is
                                                         F.max_unpool2d else 1))  # fmt: skip
        written = np.zeros(flat.shape, dtype=bool)
        for r, row in enumerate(flat):
            _, last = np.unique(row[::-1], return_index=True)
            written[r, row.size - 1 - last] = True
        written = written.reshape(idx.shape)
        expected = np.where(written, tvs.grad.numpy(), 0.0)
        assert vs.grad is not None
        np.testing.assert_array_equal(vs.grad.numpy(), expected)


def test_max_unpool_layers_and_gradcheck() -> None:
    torch = pytest.importorskip("torch")
    x = _distinct((2, 3, 6, 4))
    pool, tpool = nn.MaxPool2d(2, return_indices=True), torch.nn.MaxPool2d(2, return_indices=True)
    unpool, tunpool = nn.MaxUnpool2d(2), torch.nn.MaxUnpool2d(2)
    assert repr(unpool) == repr(tunpool) and repr(nn.MaxUnpool1d(3, 1, 1)) == repr(
        torch.nn.MaxUnpool1d(3, 1, 1)
    )
    y = unpool(*pool(mg.from_numpy(x)), output_size=(2, 3, 6, 4))
    ty = tunpool(*tpool(torch.from_numpy(x)), output_size=(2, 3, 6, 4))
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    _, idx = F.max_pool2d(mg.from_numpy(x), 2, return_indices=True)
    v = _noncontiguous(tuple(idx.shape), 5)
    assert mg.gradcheck(lambda v: F.max_unpool2d(v, idx, 2), [v])
    assert mg.gradgradcheck(lambda v: F.max_unpool2d(v, idx, 2) ** 2, [v])


def test_max_unpool_errors_in_torch_words() -> None:
    torch = pytest.importorskip("torch")
    x = _distinct((2, 3, 4, 4))
    _, ti = torch.nn.functional.max_pool2d(torch.from_numpy(x), 2, return_indices=True)
    i = ti.numpy()
    y = np.zeros((2, 3, 2, 2))
    _same_error(F.max_unpool2d, y, i, 2, output_size=(9, 9))
    _same_error(F.max_unpool2d, y, i, 2, output_size=(5,))
    with pytest.raises(RuntimeError, match=r"^Found an invalid max index: \d+ \(output volumes "
                       r"are of size 3x3\)"):  # fmt: skip
        F.max_unpool2d(mg.from_numpy(y), mg.from_numpy(i), 2, output_size=(3, 3))
    # (which invalid index PyTorch names depends on its threads: the first one here)
    for bad in (i + 20, -i - 1):
        with pytest.raises(RuntimeError, match=r"^Found an invalid max index: -?\d+ \(output "
                           r"volumes are of size 4x4\)"):  # fmt: skip
            F.max_unpool2d(mg.from_numpy(y), mg.from_numpy(bad), 2)
    _same_error(F.max_unpool2d, y, i.astype(np.float64), 2)
    _same_error(F.max_unpool2d, y, i[:1], 2)
    _same_error(F.max_unpool2d, y[0, 0], i[0, 0], 2)
    with pytest.raises(RuntimeError, match=r"^Found an invalid max index: \d+ \(output volumes "
                       r"are of size 4x1\)"):  # fmt: skip
        F.max_unpool1d(mg.from_numpy(y[:, :, 0]), mg.from_numpy(i[:, :, 0] + 10), 2)
    _same_error(F.max_unpool1d, y[:, :, 0], i[:, :, 0], 2, output_size=(9,))
    _same_error(F.max_unpool1d, y[0, 0, 0], i[0, 0, 0], 2)
    before = y.copy()
    with pytest.raises(RuntimeError, match="invalid max index"):
        nn.MaxUnpool2d(2)(mg.from_numpy(y), mg.from_numpy(i + 20))
    np.testing.assert_array_equal(y, before)


# ---------------------------------------------------------------------------------------------
# Unfold and Fold (im2col and col2im)

# (image shape, kernel_size, dilation, padding, stride)
WINDOWS: list[tuple[tuple[int, ...], Any, Any, Any, Any]] = [
    ((2, 3, 5, 6), 2, 1, 0, 1),
    ((2, 3, 5, 6), (2, 3), 2, 1, (1, 2)),
    ((1, 2, 7, 5), 3, (1, 2), (2, 1), 2),
    ((2, 1, 4, 4), [4, 4], 1, 0, 1),
    ((3, 5, 6), 3, 1, 1, 2),  # unbatched
]  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", WINDOWS, ids=[str(i) for i in range(len(WINDOWS))])
def test_unfold_and_fold_match_torch(case: Any, dtype: Any) -> None:
    shape, k, d, p, s = case
    x = _rng().standard_normal(shape)
    _compare(F.unfold, [x], k, d, p, s, dtype=dtype)
    cols = F.unfold(mg.from_numpy(x), k, d, p, s)
    c = _rng(1).standard_normal(cols.shape)
    _compare(F.fold, [c], shape[-2:], k, d, p, s, dtype=dtype)


def test_fold_is_unfolds_adjoint_and_gradcheck() -> None:
    x = _noncontiguous((2, 2, 5, 4), 6)
    c = _rng(7).standard_normal((2, 2 * 6, 12))
    args = ((2, 3), (2, 1), 1, (2, 1))
    # <unfold(x), c> = <x, fold(c)>: fold is unfold's adjoint.
    left = float((F.unfold(x, *args) * mg.from_numpy(c)).sum().item())
    right = float((x * F.fold(mg.from_numpy(c), (5, 4), *args)).sum().item())
    assert abs(left - right) < 1e-10
    assert mg.gradcheck(lambda x: F.unfold(x, *args), [x])
    assert mg.gradgradcheck(lambda x: F.unfold(x, *args) ** 2, [x])
    cn = _noncontiguous((2, 12, 12), 8)
    assert mg.gradcheck(lambda c: F.fold(c, (5, 4), *args), [cn])
    assert mg.gradgradcheck(lambda c: F.fold(c, (5, 4), *args) ** 2, [cn])


def test_fold_layers_match_torch() -> None:
    torch = pytest.importorskip("torch")
    x = _rng().standard_normal((2, 3, 5, 6))
    for layer, args, inp in [
        (nn.Unfold, (2,), x),
        (nn.Unfold, ((2, 3), 2, 1, (1, 2)), x),
        (nn.Fold, ((5, 6), 2), _rng(1).standard_normal((2, 12, 20))),
        (nn.Fold, (4, (2, 1), 1, 1, 2), _rng(2).standard_normal((6, 9))),
    ]:
        m, tm = layer(*args), _torch_of(layer)(*args)
        assert repr(m) == repr(tm) and m.state_dict().keys() == tm.state_dict().keys()
        np.testing.assert_allclose(m(mg.from_numpy(inp)).numpy(), tm(torch.from_numpy(inp)).numpy())


def test_fold_errors_in_torch_words() -> None:
    x = np.zeros((2, 3, 5, 6))
    for args in [(7,), (0,), (2, 0), (2, 1, -1), (2, 1, 0, 0), ((2, 2, 2),), (2.0,), ([2],)]:
        _same_error(F.unfold, x, *args)
    _same_error(F.unfold, x[0, 0], 2)
    _same_error(F.unfold, np.zeros((1, 2, 3, 4, 5)), 2)
    _same_error(F.unfold, np.zeros((2, 0, 5, 6)), 2)
    _same_error(F.unfold, x.astype(np.int64), 2)
    c = np.zeros((2, 12, 20))
    bad_folds: list[tuple[Any, ...]] = [
        ((5, 6), 3), ((5, 6), 2, 1, 0, 2), ((2, 2), 2), ((5, 6, 7), 2), (5, 2), ((5, 6), 0),
        ((5, 6), 2, 1, 0, 0), ((5, 6), 2, 1, -1), ((5, 6), 2, 0),
    ]  # fmt: skip
    for args in bad_folds:
        _same_error(F.fold, c, *args)
    _same_error(F.fold, np.zeros((2, 12)), (5, 6), 2)
    _same_error(F.fold, np.zeros((2, 12, 20, 1)), (5, 6), 2)
    _same_error(F.fold, np.zeros((2, 12, 0)), (1, 1), 2)
    _same_error(F.fold, c.astype(np.int64), (5, 6), 2)
    _same_layer_error(nn.Fold, ((5, 6), 3), c)
    _same_layer_error(nn.Unfold, (7,), x)


# ---------------------------------------------------------------------------------------------
# Pixel and channel shuffles, Softmax2d


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_shuffles_match_torch(dtype: Any) -> None:
    x = _rng().standard_normal((2, 8, 3, 4))
    _compare(F.pixel_shuffle, [x], 2, dtype=dtype)
    _compare(F.pixel_shuffle, [x[0]], 2, dtype=dtype)  # unbatched
    _compare(F.pixel_shuffle, [_rng().standard_normal((2, 2, 9, 2, 3))], 3, dtype=dtype)
    _compare(F.pixel_unshuffle, [_rng().standard_normal((2, 3, 4, 6))], 2, dtype=dtype)
    _compare(F.pixel_unshuffle, [_rng().standard_normal((3, 6, 3))], 3, dtype=dtype)
    _compare(F.channel_shuffle, [x], 2, dtype=dtype)
    _compare(F.channel_shuffle, [_rng().standard_normal((2, 6, 5))], 3, dtype=dtype)
    _compare(F.channel_shuffle, [_rng().standard_normal((1, 6, 2, 2, 2))], 2, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_shuffle_layers_and_softmax2d_match_torch(dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    x = _rng().standard_normal((2, 8, 3, 4)).astype(dtype)
    for layer, args, inp in [
        (nn.PixelShuffle, (2,), x),
        (nn.PixelUnshuffle, (2,), x[:, :, :2]),
        (nn.ChannelShuffle, (4,), x),
        (nn.Softmax2d, (), x),
        (nn.Softmax2d, (), x[0]),
    ]:
        m, tm = layer(*args), _torch_of(layer)(*args)
        assert repr(m) == repr(tm) and m.state_dict().keys() == tm.state_dict().keys()
        xs, txs = mg.from_numpy(inp).requires_grad_(), torch.tensor(inp, requires_grad=True)
        y, ty = m(xs), tm(txs)
        np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), **_tol(dtype))
        g = _rng(5).standard_normal(y.shape).astype(dtype)
        y.backward(mg.from_numpy(g))
        ty.backward(torch.from_numpy(g))
        assert xs.grad is not None
        np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), **_tol(dtype))


def test_shuffles_gradcheck_noncontiguous() -> None:
    x = _noncontiguous((2, 8, 2, 3), 9)
    assert mg.gradcheck(lambda x: F.pixel_shuffle(x, 2), [x])
    assert mg.gradgradcheck(lambda x: F.pixel_unshuffle(F.pixel_shuffle(x, 2) ** 2, 2), [x])
    assert mg.gradcheck(lambda x: F.channel_shuffle(x, 4), [x])
    assert mg.gradgradcheck(lambda x: nn.Softmax2d()(x), [x])
    # The two pixel shuffles are each other's inverse, exactly.
    y = F.pixel_unshuffle(F.pixel_shuffle(x, 2), 2)
    np.testing.assert_array_equal(y.detach().numpy(), x.detach().numpy())


def test_shuffle_errors_in_torch_words() -> None:
    x = np.zeros((2, 8, 3, 4))
    for fn in (F.pixel_shuffle, F.pixel_unshuffle):
        _same_error(fn, x[0, 0], 2)
        _same_error(fn, x, 0)
        _same_error(fn, x, -1)
        _same_error(fn, x, 2.0)
    _same_error(F.pixel_shuffle, x, 3)
    _same_error(F.pixel_unshuffle, x, 2)
    _same_error(F.pixel_unshuffle, x, 3)
    _same_error(F.channel_shuffle, x, 3)
    _same_error(F.channel_shuffle, x, 0)
    _same_error(F.channel_shuffle, x[0], 2)
    _same_error(F.channel_shuffle, x[0, 0], 2)
    _same_layer_error(nn.ChannelShuffle, (-1,), x)
    _same_layer_error(nn.PixelShuffle, (3,), x)
    _same_layer_error(nn.Softmax2d, (), x[0, 0])
    _same_layer_error(nn.Softmax2d, (), np.zeros((1, 2, 3, 4, 5)))


# ---------------------------------------------------------------------------------------------
# Instance norm and local response norm


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_instance_norm_matches_torch(dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    rng = _rng(11)
    for shape in [(2, 3, 5), (2, 3, 4, 3), (1, 2, 2, 3, 2)]:
        x = rng.standard_normal(shape) * 3 + 1
        w, b = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
        _compare(F.instance_norm, [x], dtype=dtype)
        _compare(lambda x, w, b: F.instance_norm(x, None, None, w, b, eps=1e-3),
                 [x, w, b], dtype=dtype, tfn=lambda x, w, b: torch.nn.functional.instance_norm(
                     x, None, None, w, b, eps=1e-3))  # fmt: skip
        # The running statistics move as PyTorch's (in place), and are used without input stats.
        rm, rv = rng.standard_normal(shape[1]), rng.random(shape[1]) + 0.5
        mrm, mrv = mg.from_numpy(rm.astype(dtype)), mg.from_numpy(rv.astype(dtype))
        trm, trv = torch.tensor(rm.astype(dtype)), torch.tensor(rv.astype(dtype))
        y = F.instance_norm(mg.from_numpy(x.astype(dtype)), mrm, mrv, momentum=0.3)
        ty = torch.nn.functional.instance_norm(torch.tensor(x.astype(dtype)), trm, trv,
                                               momentum=0.3)  # fmt: skip
        np.testing.assert_allclose(y.numpy(), ty.numpy(), **_tol(dtype))
        np.testing.assert_allclose(mrm.numpy(), trm.numpy(), **_tol(dtype))
        np.testing.assert_allclose(mrv.numpy(), trv.numpy(), **_tol(dtype))
        _compare(lambda x, w, b, rm=mrm, rv=mrv: F.instance_norm(x, rm, rv, w, b,
                                                                 use_input_stats=False),
                 [x, w, b], dtype=dtype,
                 tfn=lambda x, w, b, rm=trm, rv=trv: torch.nn.functional.instance_norm(
                     x, rm, rv, w, b, use_input_stats=False))  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_instance_norm_layers_match_torch(dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    rng = _rng(12)
    for layer, args, kw, shape in [
        (nn.InstanceNorm1d, (3,), {}, (2, 3, 5)),
        (nn.InstanceNorm1d, (3,), {"affine": True}, (3, 5)),  # unbatched
        (nn.InstanceNorm2d, (3,), {"affine": True, "track_running_stats": True}, (2, 3, 4, 3)),
        (nn.InstanceNorm2d, (2, 1e-3, None), {"track_running_stats": True}, (2, 3, 3)),
        (nn.InstanceNorm3d, (2,), {"momentum": 0.5, "track_running_stats": True},
         (2, 2, 2, 3, 2)),
    ]:  # fmt: skip
        tdtype = getattr(torch, np.dtype(dtype).name)
        m, tm = layer(*args, **kw, dtype=dtype), _torch_of(layer)(*args, **kw, dtype=tdtype)
        assert repr(m) == repr(tm)
        assert list(m.state_dict()) == list(tm.state_dict())
        if m.weight is not None:
            w = rng.standard_normal(m.weight.shape).astype(dtype)
            m.weight.data, tm.weight.data = mg.from_numpy(w), torch.tensor(w)
        for mode in ("train", "eval", "train"):
            getattr(m, mode)(), getattr(tm, mode)()
            x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
            xs, txs = mg.from_numpy(x).requires_grad_(), torch.tensor(x, requires_grad=True)
            y, ty = m(xs), tm(txs)
            np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), **_tol(dtype))
            g = rng.standard_normal(y.shape).astype(dtype)
            y.backward(mg.from_numpy(g))
            ty.backward(torch.from_numpy(g))
            assert xs.grad is not None
            np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), **_tol(dtype))
            for key, value in tm.state_dict().items():
                np.testing.assert_allclose(m.state_dict()[key].numpy(), value.numpy(),
                                           **_tol(dtype))  # fmt: skip
    # PyTorch's state dict loads into minigrad's layer.
    tm = torch.nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
    m = nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
    m.load_state_dict({k: mg.from_numpy(v.numpy()) for k, v in tm.state_dict().items()})


def test_local_response_norm_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = _rng(13)
    for dtype in (np.float64, np.float32):
        for shape, size, kw in [
            ((2, 5, 4), 2, {}),
            ((2, 6, 3, 4), 3, {"alpha": 0.5, "beta": 0.6, "k": 2.0}),
            ((1, 4, 2, 3, 2), 5, {"alpha": 1.0}),
            ((1, 3, 2, 2, 2, 2), 1, {}),
        ]:
            x = rng.standard_normal(shape)
            _compare(F.local_response_norm, [x], size, dtype=dtype, **kw)
    m, tm = nn.LocalResponseNorm(3, 0.1), torch.nn.LocalResponseNorm(3, 0.1)
    assert repr(m) == repr(tm) and list(m.state_dict()) == list(tm.state_dict())
    x = rng.standard_normal((2, 5, 3, 3))
    np.testing.assert_allclose(
        m(mg.from_numpy(x)).numpy(), tm(torch.from_numpy(x)).numpy(), rtol=1e-12
    )


def test_norms_gradcheck_noncontiguous() -> None:
    x = _noncontiguous((2, 3, 4), 14)
    w = mg.from_numpy(_rng(15).standard_normal(3)).requires_grad_()
    b = mg.from_numpy(_rng(16).standard_normal(3)).requires_grad_()
    assert mg.gradcheck(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), [x, w, b])
    assert mg.gradgradcheck(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), [x, w, b])
    x2 = _noncontiguous((2, 4, 3, 2), 17)
    assert mg.gradcheck(lambda x: F.local_response_norm(x, 3, alpha=0.5), [x2])
    assert mg.gradgradcheck(lambda x: F.local_response_norm(x, 3, alpha=0.5), [x2])


def test_norms_errors_in_torch_words() -> None:
    x = np.zeros((2, 3, 5))
    _same_error(F.instance_norm, x[0])
    _same_error(F.instance_norm, np.zeros((2, 3, 1)))
    _same_error(F.instance_norm, x, np.zeros(4), np.ones(4))
    _same_error(F.instance_norm, x, weight=np.ones(4))
    _same_error(F.instance_norm, x, use_input_stats=False)
    _same_layer_error(nn.InstanceNorm1d, (3,), np.zeros((2, 3, 4, 5)))
    _same_layer_error(nn.InstanceNorm1d, (3,), np.zeros(5))
    _same_layer_error(nn.InstanceNorm3d, (3,), np.zeros((3, 4, 5)))
    with pytest.raises(ValueError, match=r"^expected input's size at dim=1 to match num_features "
                       r"\(4\), but got: 3\.$"):  # fmt: skip
        nn.InstanceNorm1d(4, affine=True)(mg.from_numpy(x))
    with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
        nn.InstanceNorm1d(4)(mg.from_numpy(x))
    # A refused batch leaves the running statistics as they were.
    m = nn.InstanceNorm1d(4, track_running_stats=True)
    with pytest.raises(RuntimeError, match="running_mean should contain 6 elements not 8"), \
            pytest.warns(UserWarning):  # fmt: skip
        m(mg.from_numpy(x))
    np.testing.assert_array_equal(m.running_mean.numpy(), np.zeros(4))  # type: ignore[union-attr]
    _same_error(F.local_response_norm, np.zeros((2, 3)), 2)
    _same_error(F.local_response_norm, x, 0)
    _same_error(F.local_response_norm, np.zeros((2, 3, 4, 5)), -1)


# ---------------------------------------------------------------------------------------------
# Channel-wise and alpha dropouts, Bilinear


def _mask_per_channel(y: np.ndarray, lead: int) -> np.ndarray:
    """Whether each channel (the first ``lead`` axes) is all dropped or all kept."""
    flat = y.reshape(*y.shape[:lead], -1)
    return np.all(flat == flat[..., :1], axis=-1)


def test_channel_dropouts_drop_whole_channels() -> None:
    mg.manual_seed(0)
    for fn, shape, lead in [
        (F.dropout1d, (40, 50, 6), 2), (F.dropout1d, (500, 7), 1),
        (F.dropout3d, (20, 50, 2, 2, 2), 2), (F.dropout3d, (500, 2, 3, 2), 1),
        (F.feature_alpha_dropout, (40, 50, 6), 2),
    ]:  # fmt: skip
        x = np.ones(shape)
        y = fn(mg.from_numpy(x), 0.3, True).numpy()
        assert _mask_per_channel(y, lead).all()
        dropped = (y.reshape(*y.shape[:lead], -1)[..., 0] != y.max()).mean()
        assert abs(dropped - 0.3) < 0.05, (fn.__name__, dropped)
        if fn is not F.feature_alpha_dropout:
            assert set(np.unique(y)) == {0.0, 1 / 0.7}
        assert fn(mg.from_numpy(x), 0.3, False) is not None
        np.testing.assert_array_equal(fn(mg.from_numpy(x), 0.3, False).numpy(), x)  # eval: identity
        np.testing.assert_array_equal(fn(mg.from_numpy(x), 0.0, True).numpy(), x)


def test_alpha_dropout_keeps_mean_and_variance() -> None:
    torch = pytest.importorskip("torch")
    mg.manual_seed(1)
    x = _rng(20).standard_normal((200, 500))
    for p in (0.2, 0.5):
        y = F.alpha_dropout(mg.from_numpy(x), p, True).numpy()
        assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
        # Given the same mask, the values are PyTorch's: kept a * x + b, dropped one constant.
        alpha = 1.7580993408473766
        a = 1 / np.sqrt((alpha * alpha * p + 1) * (1 - p))
        kept = np.isclose(y, a * x + alpha * a * p)
        np.testing.assert_allclose(y[~kept], -alpha * a + alpha * a * p)
        assert abs((~kept).mean() - p) < 0.01
        ty = torch.nn.functional.alpha_dropout(torch.from_numpy(x), p, True).numpy()
        assert abs(ty.mean() - y.mean()) < 0.03 and abs(ty.std() - y.std()) < 0.03
    np.testing.assert_array_equal(F.alpha_dropout(mg.from_numpy(x), 1.0, True).numpy(), 0 * x)
    np.testing.assert_array_equal(F.alpha_dropout(mg.from_numpy(x), 0.5).numpy(), x)  # not training


def test_dropout_layers_and_gradients() -> None:
    pytest.importorskip("torch")
    for layer, shape in [
        (nn.Dropout1d, (4, 5, 6)), (nn.Dropout3d, (2, 5, 2, 2, 3)),
        (nn.AlphaDropout, (4, 6)), (nn.FeatureAlphaDropout, (4, 5, 3)),
    ]:  # fmt: skip
        for args in [(), (0.2,), (0.3, True)]:
            m, tm = layer(*args), _torch_of(layer)(*args)
            assert repr(m) == repr(tm) and list(m.state_dict()) == list(tm.state_dict())
        m = layer(0.4)
        x = mg.from_numpy(_rng(21).standard_normal(shape)).requires_grad_()
        mg.manual_seed(3)
        y = m(x)
        y.sum().backward()
        # The gradient is the mask's scale: 0 where dropped, the kept scale elsewhere.
        assert x.grad is not None
        scale = x.grad.numpy()
        np.testing.assert_allclose(scale[scale != 0], scale[scale != 0].max())
        m.eval()
        np.testing.assert_array_equal(m(x).detach().numpy(), x.detach().numpy())
    x = _noncontiguous((3, 4, 2), 22)
    for fn in (F.dropout1d, F.alpha_dropout, F.feature_alpha_dropout):
        mg.manual_seed(4)
        assert mg.gradcheck(lambda x: (mg.manual_seed(4), fn(x, 0.5, True))[1], [x])  # noqa: B023


def test_dropout_errors_in_torch_words() -> None:
    x = np.zeros((2, 3, 5))
    for fn in (F.dropout1d, F.dropout3d, F.alpha_dropout, F.feature_alpha_dropout):
        _same_error(fn, x, 1.5)
        _same_error(fn, x, -0.1)
    for cls in (nn.Dropout1d, nn.Dropout3d, nn.AlphaDropout, nn.FeatureAlphaDropout):
        with pytest.raises(ValueError, match=r"^dropout probability has to be between 0 and 1, "
                           r"but got 2\.0"):  # fmt: skip
            cls(2.0)
    _same_error(F.dropout1d, np.zeros((2, 3, 4, 5)), 0.5)
    _same_error(F.dropout1d, np.zeros(3), 0.5)
    _same_error(F.feature_alpha_dropout, np.zeros(3), 0.5, True)
    with pytest.warns(UserWarning, match="^dropout3d: Received a 3-D input to dropout3d"):
        F.dropout3d(mg.from_numpy(x), 0.5)
    _same_error(F.alpha_dropout, x.astype(np.int64), 0.5, True)
    before = x.copy()
    leaf = mg.from_numpy(x).requires_grad_()
    with pytest.raises(RuntimeError, match="leaf"):
        F.dropout1d(leaf, 0.5, True, inplace=True)
    np.testing.assert_array_equal(leaf.detach().numpy(), before)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bilinear_matches_torch(dtype: Any) -> None:
    rng = _rng(30)
    for s1, s2 in [((4, 2), (4, 3)), ((2,), (3,)), ((6, 4, 2), (6, 4, 3))]:
        arrays = [rng.standard_normal(s1), rng.standard_normal(s2), rng.standard_normal((5, 2, 3))]
        _compare(F.bilinear, arrays, dtype=dtype)
        _compare(F.bilinear, [*arrays, rng.standard_normal(5)], dtype=dtype)


def test_bilinear_layer_init_state_dict_and_gradcheck() -> None:
    torch = pytest.importorskip("torch")
    for args in [(2, 3, 4), (2, 3, 4, False)]:
        m, tm = nn.Bilinear(*args), torch.nn.Bilinear(*args)
        assert repr(m) == repr(tm)
        assert {k: v.shape for k, v in m.state_dict().items()} == {
            k: tuple(v.shape) for k, v in tm.state_dict().items()
        }
    # PyTorch's init: weight and bias uniform in +-1/sqrt(in1_features).
    m = nn.Bilinear(9, 3, 200, generator=0)
    assert m.weight.dtype == mg.float32
    for p in (m.weight, m.bias):
        v = p.detach().numpy()  # type: ignore[union-attr]
        assert v.min() >= -1 / 3 and v.max() <= 1 / 3 and v.max() - v.min() > 0.6
    tm = torch.nn.Bilinear(2, 3, 4, dtype=torch.float64)
    m = nn.Bilinear(2, 3, 4, dtype=mg.float64)
    m.load_state_dict({k: mg.from_numpy(v.detach().numpy()) for k, v in tm.state_dict().items()})
    x1, x2 = _rng(31).standard_normal((5, 2)), _rng(32).standard_normal((5, 3))
    np.testing.assert_allclose(m(mg.from_numpy(x1), mg.from_numpy(x2)).detach().numpy(),
                               tm(torch.from_numpy(x1), torch.from_numpy(x2)).detach().numpy(),
                               rtol=1e-12)  # fmt: skip
    a, b = _noncontiguous((3, 2), 33), _noncontiguous((3, 3), 34)
    w = mg.from_numpy(_rng(35).standard_normal((4, 2, 3))).requires_grad_()
    assert mg.gradcheck(lambda a, b, w: F.bilinear(a, b, w), [a, b, w])
    assert mg.gradgradcheck(lambda a, b, w: F.bilinear(a, b, w), [a, b, w])


def test_bilinear_errors_in_torch_words() -> None:
    w = np.zeros((5, 2, 3))
    _same_error(F.bilinear, np.zeros((4, 2)), np.zeros((3, 3)), w)
    _same_error(F.bilinear, np.zeros((4, 2)), np.zeros((4, 4)), w)
    _same_error(F.bilinear, np.zeros((4, 3)), np.zeros((4, 3)), w)
    _same_error(F.bilinear, np.zeros((4, 2)), np.zeros((4, 3)), w, np.zeros(4))
    _same_error(F.bilinear, np.zeros((4, 2)), np.zeros((4, 3)), np.zeros((2, 3)))
    _same_error(F.bilinear, np.zeros((4, 2)), np.zeros((4, 1, 3)), w)
    _same_error(F.bilinear, np.zeros((4, 2), np.float32), np.zeros((4, 3)), w)
    _same_layer_error(nn.Bilinear, (2, 3, 4), np.zeros((4, 3), np.float32),
                      np.zeros((4, 3), np.float32))  # fmt: skip
    _same_layer_error(nn.Bilinear, (2, 3, 4), np.zeros((4, 2)), np.zeros((4, 3)))
