"""PyTorch names filled in: fractional max pooling (values and indices equal to PyTorch's for
the same samples, gradients, finite differences at first and second order, errors in PyTorch's
words), ``Tensor.multinomial``/``bernoulli`` and ``poisson``, the top-level ``embedding_bag``
with its four outputs, and the deprecated or older top-level names (``cholesky``, ``qr``,
``logdet``, ``msort``, ``isreal``, ``is_complex``, ``narrow_copy``, ``gradient``,
``frombuffer``)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.autograd import gradcheck, gradgradcheck
from minigrad.nn import functional as F


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(2468 + salt)


def _lib(torch: Any, name: str) -> Any:
    return torch if name == "torch" else mg


def _raised(fn: Any, *args: Any) -> tuple[type, str] | None:
    """The type and message of what ``fn(*args)`` raises (None if nothing)."""
    try:
        fn(*args)
    except Exception as e:
        return type(e), str(e)
    return None


# ---------------------------------------------------------------------------------------------
# Fractional max pooling

# (input shape, kernel_size, output_size, output_ratio)
POOLS: dict[str, tuple[tuple[int, ...], Any, Any, Any]] = {
    "2d": ((2, 3, 9, 8), (3, 2), (5, 6), None),
    "2d_square": ((2, 2, 7, 7), 2, 4, None),
    "2d_edge": ((1, 2, 9, 8), (3, 2), (7, 7), None),  # windows reach the last row and column
    "2d_unbatched": ((3, 9, 8), 2, (4, 4), None),
    "2d_ratio": ((2, 3, 10, 9), 2, None, (0.5, 0.7)),
    "2d_one_out": ((2, 2, 5, 6), 2, 1, None),
    "3d": ((2, 3, 6, 7, 8), 2, (3, 4, 5), None),
    "3d_kernel": ((1, 2, 6, 7, 8), (1, 2, 3), (5, 3, 2), None),
    "3d_unbatched": ((2, 6, 7, 8), 2, (2, 3, 4), None),
    "3d_ratio": ((1, 2, 8, 7, 6), 2, None, (0.5, 0.6, 0.7)),
}


def _nd(case: str) -> int:
    return 3 if case.startswith("3d") else 2


def _pool(lib: Any, case: str, x: Any, samples: Any, indices: bool = True) -> Any:
    _, k, out, ratio = POOLS[case]
    fn = getattr(lib.nn.functional, f"fractional_max_pool{_nd(case)}d")
    return fn(x, k, out, ratio, return_indices=indices, _random_samples=samples)


def _samples(case: str, dtype: Any, salt: int = 0) -> np.ndarray:
    shape = POOLS[case][0]
    nd = _nd(case)
    batch = 1 if len(shape) == nd + 1 else shape[0]
    return _rng(salt).random((batch, shape[-nd - 1], nd)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", list(POOLS))
def test_fractional_values_and_indices_equal_torch(case: str, dtype: Any) -> None:
    """With the same samples the windows are PyTorch's: values and indices exactly equal."""
    torch = pytest.importorskip("torch")
    for salt in range(3):
        x = _rng(salt).standard_normal(POOLS[case][0]).astype(dtype)
        u = _samples(case, dtype, salt)
        ty, ti = _pool(torch, case, torch.tensor(x), torch.tensor(u))
        my, mi = _pool(mg, case, mg.tensor(x), mg.tensor(u))
        assert my.dtype == x.dtype and mi.dtype == np.int64
        np.testing.assert_array_equal(my.numpy(), ty.numpy())
        np.testing.assert_array_equal(mi.numpy(), ti.numpy())


@pytest.mark.parametrize("nd", [2, 3])
def test_fractional_nan_and_ties_pick_torchs_element(nd: int) -> None:
    """Ties go to the first maximum in row-major order, a NaN to the window's last NaN."""
    torch = pytest.importorskip("torch")
    shape = (1, 2, *([6] * nd))
    x = _rng(5).integers(0, 3, shape).astype(np.float64)
    x.reshape(-1)[::7] = np.nan
    u = _rng(6).random((1, 2, nd))
    fn = f"fractional_max_pool{nd}d"
    ty, ti = getattr(torch.nn.functional, fn)(
        torch.tensor(x), 2, 3, return_indices=True, _random_samples=torch.tensor(u)
    )
    my, mi = getattr(F, fn)(mg.tensor(x), 2, 3, return_indices=True, _random_samples=mg.tensor(u))
    np.testing.assert_array_equal(my.numpy(), ty.numpy())
    np.testing.assert_array_equal(mi.numpy(), ti.numpy())


@pytest.mark.parametrize("case", ["2d", "2d_unbatched", "3d", "3d_unbatched"])
def test_fractional_gradients_equal_torch(case: str) -> None:
    torch = pytest.importorskip("torch")
    rng = _rng(7)
    x = rng.standard_normal(POOLS[case][0])
    u = _samples(case, np.float64, 7)
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    ty = _pool(torch, case, tx, torch.tensor(u), indices=False)
    my = _pool(mg, case, mx, mg.tensor(u), indices=False)
    g = rng.standard_normal(ty.shape)
    ty.backward(torch.tensor(g))
    my.backward(mg.tensor(g))
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=0, atol=1e-15)
    assert my.grad_fn.name() == ty.grad_fn.name()


@pytest.mark.parametrize("case", ["2d", "2d_edge", "3d_kernel"])
def test_fractional_gradcheck_and_gradgradcheck(case: str) -> None:
    x = mg.tensor(_rng(8).standard_normal(POOLS[case][0]), requires_grad=True)  # no ties
    u = mg.tensor(_samples(case, np.float64, 8))

    def fn(t: mg.Tensor) -> mg.Tensor:
        y = _pool(mg, case, t, u, indices=False)
        return y * y  # not linear: second order is not all zeros

    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


@pytest.mark.parametrize("nd", [2, 3])
def test_fractional_draws_from_the_default_generator(nd: int) -> None:
    """Without samples, each call draws them from minigrad's generator: a seed repeats the
    output, the indices point at the values, and the windows fall inside the input."""
    x = mg.tensor(_rng(9).standard_normal((2, 3, *([9] * nd))))
    fn = getattr(F, f"fractional_max_pool{nd}d")
    mg.manual_seed(11)
    y1, i1 = fn(x, 2, output_ratio=(0.5,) * nd, return_indices=True)
    mg.manual_seed(11)
    y2, i2 = fn(x, 2, output_ratio=(0.5,) * nd, return_indices=True)
    assert tuple(y1.shape) == (2, 3, *([4] * nd))
    np.testing.assert_array_equal(y1.numpy(), y2.numpy())
    np.testing.assert_array_equal(i1.numpy(), i2.numpy())
    flat = x.numpy().reshape(2, 3, -1)
    np.testing.assert_array_equal(np.take_along_axis(flat, i1.numpy().reshape(2, 3, -1), 2),
                                  y1.numpy().reshape(2, 3, -1))  # fmt: skip
    fn_with = getattr(F, f"fractional_max_pool{nd}d_with_indices")
    mg.manual_seed(11)
    y3, _ = fn_with(x, 2, output_ratio=(0.5,) * nd)
    np.testing.assert_array_equal(y3.numpy(), y1.numpy())


def _pool_misuse(lib: Any) -> list[Any]:
    """Calls both libraries refuse, each a thunk."""
    F_ = lib.nn.functional
    x = lib.zeros(2, 3, 9, 8)
    x3 = lib.zeros(2, 3, 6, 7, 8)
    rand = lib.rand
    return [
        lambda: F_.fractional_max_pool2d(x, 3),
        lambda: F_.fractional_max_pool2d(x, 3, output_ratio=(0.5, 0.5, 0.5)),
        lambda: F_.fractional_max_pool2d(x, 3, output_size=8),
        lambda: F_.fractional_max_pool2d(x, 3, output_size=7),
        lambda: F_.fractional_max_pool2d(x, (3, 2), (7, 7), _random_samples=rand(2, 3, 3)),
        lambda: F_.fractional_max_pool2d(x, (3, 2), (7, 7), _random_samples=rand(1, 3, 2)),
        lambda: F_.fractional_max_pool2d(x, 2, (3, 3), _random_samples=rand(2, 2, 2)),
        lambda: F_.fractional_max_pool2d(x, 2, (3, 3), _random_samples=rand(3, 2)),
        lambda: F_.fractional_max_pool2d(
            x, 2, (3, 3), _random_samples=rand(2, 3, 2, dtype=lib.float64)
        ),
        lambda: F_.fractional_max_pool2d(x, (2, 2, 2), (3, 3)),
        lambda: F_.fractional_max_pool2d(x, 2, (3, 3, 3)),
        lambda: F_.fractional_max_pool2d(
            lib.zeros(2, 0, 5, 5), 2, 1, _random_samples=rand(2, 0, 2)
        ),
        lambda: F_.fractional_max_pool2d(lib.zeros(5, 5), 1, 2, _random_samples=rand(1, 5, 2)),
        lambda: F_.fractional_max_pool3d(x3, 2),
        lambda: F_.fractional_max_pool3d(x3, 2, output_size=(5, 6, 7)),
        lambda: F_.fractional_max_pool3d(x3, 2, output_size=(4, 6, 6)),
        lambda: F_.fractional_max_pool3d(x3, 2, output_size=(4, 5, 7)),
        lambda: F_.fractional_max_pool3d(x3, (1, 2, 3), (6, 3, 2)),
        lambda: F_.fractional_max_pool3d(x3, 2, 3, _random_samples=rand(2, 3, 2)),
        lambda: F_.fractional_max_pool3d(x3, (2, 2), 3),
        lambda: F_.fractional_max_pool3d(lib.zeros(5, 5, 5), 1, 2, _random_samples=rand(1, 5, 3)),
        lambda: lib.nn.FractionalMaxPool2d(2),
        lambda: lib.nn.FractionalMaxPool2d(2, output_ratio=1.5),
        lambda: lib.nn.FractionalMaxPool2d(2, output_size=3, output_ratio=0.5),
        lambda: lib.nn.FractionalMaxPool3d(2, output_ratio=0),
        lambda: lib.nn.FractionalMaxPool3d(2),
    ]


@pytest.mark.parametrize("i", range(len(_pool_misuse(mg))))
def test_fractional_misuse_refused_in_torchs_words(i: int) -> None:
    torch = pytest.importorskip("torch")
    want, got = _raised(_pool_misuse(torch)[i]), _raised(_pool_misuse(mg)[i])
    assert want is not None and got is not None
    assert got[0] is want[0], (got, want)
    assert got[1] == want[1]


def test_fractional_integer_input_refused() -> None:
    with pytest.raises(NotImplementedError, match=r"fractional_max_pool2d.*'Long'"):
        F.fractional_max_pool2d(mg.zeros(1, 1, 4, 4, dtype=mg.int64), 2, 2)


@pytest.mark.parametrize("nd", [2, 3])
def test_fractional_modules_like_torch(nd: int) -> None:
    torch = pytest.importorskip("torch")
    name = f"FractionalMaxPool{nd}d"
    shape = (2, 3, *([8] * nd))
    x = _rng(12).standard_normal(shape)
    u = _rng(13).random((2, 3, nd))
    tm = getattr(torch.nn, name)(2, output_size=4, return_indices=True,
                                 _random_samples=torch.tensor(u))  # fmt: skip
    mm = getattr(nn, name)(2, output_size=4, return_indices=True, _random_samples=mg.tensor(u))
    assert (mm.kernel_size, mm.output_size, mm.output_ratio) == (
        tm.kernel_size, tm.output_size, tm.output_ratio,
    )  # fmt: skip
    assert repr(mm) == repr(tm) == f"{name}()"
    assert list(mm.state_dict()) == list(tm.state_dict()) == ["_random_samples"]
    (ty, ti), (my, mi) = tm(torch.tensor(x)), mm(mg.tensor(x))
    np.testing.assert_array_equal(my.numpy(), ty.numpy())
    np.testing.assert_array_equal(mi.numpy(), ti.numpy())
    ratio = getattr(nn, name)((2,) * nd, output_ratio=0.5)
    assert ratio.output_ratio == (0.5,) * nd and ratio.output_size is None
    assert tuple(ratio(mg.tensor(x)).shape) == (2, 3, *([4] * nd))
    assert list(ratio.state_dict()) == []


# ---------------------------------------------------------------------------------------------
# Random draws: Tensor.multinomial, Tensor.bernoulli, poisson


def test_tensor_multinomial_draws_as_the_function() -> None:
    w = mg.tensor([[0.2, 0.8, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]])
    for replacement, k in [(False, 3), (True, 6)]:
        a = w.multinomial(k, replacement, generator=mg.Generator().manual_seed(4))
        b = mg.multinomial(w, k, replacement, generator=mg.Generator().manual_seed(4))
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert a.dtype == np.int64 and tuple(a.shape) == (2, k)
    mg.manual_seed(5)
    a = w[0].multinomial(2)
    mg.manual_seed(5)
    np.testing.assert_array_equal(a.numpy(), mg.multinomial(w[0], 2).numpy())
    with pytest.raises(RuntimeError, match=r"cannot sample n_sample > prob_dist"):
        w.multinomial(5)


def test_tensor_bernoulli_draws_as_the_function() -> None:
    p = mg.tensor(_rng(14).random((50, 40)))
    a = p.bernoulli(generator=mg.Generator().manual_seed(6))
    b = mg.bernoulli(p, generator=mg.Generator().manual_seed(6))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.dtype == p.dtype and set(np.unique(a.numpy())) <= {0.0, 1.0}
    # with a number p every element is drawn with that probability, whatever self holds
    c = mg.zeros(200, 100).bernoulli(0.25, generator=mg.Generator().manual_seed(7))
    d = mg.bernoulli(mg.zeros(200, 100), 0.25, generator=mg.Generator().manual_seed(7))
    np.testing.assert_array_equal(c.numpy(), d.numpy())
    assert abs(c.numpy().mean() - 0.25) < 0.02
    with pytest.raises(
        RuntimeError, match=r"bernoulli_ expects p to be in \[0, 1\], but got p=1.5"
    ):
        mg.ones(3).bernoulli(1.5)
    with pytest.raises(RuntimeError, match=r"expected all probabilities to be in \[0, 1\]"):
        mg.tensor([0.5, 2.0]).bernoulli()
    t = mg.zeros(4)
    assert t.bernoulli_(1.0) is t and t.numpy().tolist() == [1.0] * 4


def test_poisson_draws_and_refuses_like_torch() -> None:
    torch = pytest.importorskip("torch")
    rates = mg.tensor(np.full((400, 50), 3.5))
    x = mg.poisson(rates, generator=mg.Generator().manual_seed(8))
    y = mg.poisson(rates, mg.Generator().manual_seed(8))
    np.testing.assert_array_equal(x.numpy(), y.numpy())
    assert x.dtype == np.float64 and abs(x.numpy().mean() - 3.5) < 0.05
    assert np.all(x.numpy() == np.round(x.numpy()))
    assert mg.poisson(mg.zeros(5, dtype=mg.float32)).numpy().tolist() == [0.0] * 5
    r = mg.tensor([1.0, 2.0], requires_grad=True)
    tr = torch.tensor([1.0, 2.0], requires_grad=True)
    assert mg.poisson(r).requires_grad == torch.poisson(tr).requires_grad  # (PoissonBackward0)
    for lib_call in [
        lambda lib: lib.poisson(lib.tensor([-1.0])),
        lambda lib: lib.poisson(lib.tensor([1])),
    ]:
        want, got = _raised(lib_call, torch), _raised(lib_call, mg)
        assert want is not None and got is not None and got[0] is want[0]
        assert want[1].strip('"').split('"')[0] in got[1] or want[1] == got[1]


# ---------------------------------------------------------------------------------------------
# torch.embedding_bag


@pytest.mark.parametrize("padding_idx", [None, 3, -1])
@pytest.mark.parametrize("last", [False, True])
@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_embedding_bag_four_outputs_equal_torch(
    dtype: Any, mode: int, last: bool, padding_idx: int | None
) -> None:
    torch = pytest.importorskip("torch")
    rng = _rng(15)
    w = rng.standard_normal((7, 3)).astype(dtype)
    idx, off = [3, 3, 1, 0, 5, 2, 6, 1], [0, 0, 3, 3, 8 if last else 6]
    tw, mw = torch.tensor(w, requires_grad=True), mg.tensor(w, requires_grad=True)
    args = (False, mode, False, None, last, padding_idx)
    t = torch.embedding_bag(tw, torch.tensor(idx), torch.tensor(off), *args)
    m = mg.embedding_bag(mw, mg.tensor(idx), mg.tensor(off), *args)
    assert len(m) == 4
    np.testing.assert_allclose(m[0].detach().numpy(), t[0].detach().numpy(), rtol=1e-6)
    for a, b in zip(m[1:], t[1:]):
        assert tuple(a.shape) == tuple(b.shape) and a.dtype == np.int64
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    g = rng.standard_normal(t[0].shape).astype(dtype)
    t[0].backward(torch.tensor(g))
    m[0].backward(mg.tensor(g))
    np.testing.assert_allclose(mw.grad.numpy(), tw.grad.numpy(), rtol=1e-6)


def test_embedding_bag_per_sample_weights_and_misuse() -> None:
    torch = pytest.importorskip("torch")
    w = _rng(16).standard_normal((7, 3))
    psw = _rng(17).standard_normal(6)
    idx, off = [3, 3, 1, 0, 5, 2], [0, 2]
    t = torch.embedding_bag(torch.tensor(w), torch.tensor(idx), torch.tensor(off), False, 0,
                            False, torch.tensor(psw))  # fmt: skip
    m = mg.embedding_bag(mg.tensor(w), mg.tensor(idx), mg.tensor(off), False, 0, False,
                         mg.tensor(psw))  # fmt: skip
    np.testing.assert_allclose(m[0].numpy(), t[0].numpy(), rtol=1e-12)
    for call in [
        lambda lib: lib.embedding_bag(lib.tensor(w), lib.tensor(idx), None),
        lambda lib: lib.embedding_bag(lib.tensor(w), lib.tensor(idx), lib.tensor(off), False, 3),
    ]:
        want, got = _raised(call, torch), _raised(call, mg)
        assert want is not None and got is not None
        assert got[0] is want[0] and got[1] == want[1]


# ---------------------------------------------------------------------------------------------
# Deprecated linear algebra: cholesky, qr; logdet


def _spd(n: int, salt: int, batch: tuple[int, ...] = ()) -> np.ndarray:
    a = _rng(salt).standard_normal((*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_equals_torch_with_its_warning(upper: bool) -> None:
    torch = pytest.importorskip("torch")
    a = _spd(4, 18, (2,))
    ta, ma = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        t = torch.cholesky(ta, upper)
    with warnings.catch_warnings(record=True) as mw:
        warnings.simplefilter("always")
        m = mg.cholesky(ma, upper=upper)
    assert [w.category for w in mw] == [UserWarning]
    assert str(mw[0].message).startswith("torch.cholesky is deprecated in favor of torch.linalg")
    if tw:  # (PyTorch warns once per process)
        assert str(tw[0].message).startswith(str(mw[0].message))
    np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    g = _rng(19).standard_normal(a.shape)
    t.backward(torch.tensor(g))
    m.backward(mg.tensor(g))
    np.testing.assert_allclose(ma.grad.numpy(), ta.grad.numpy(), rtol=1e-9, atol=1e-12)
    bad = -np.eye(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = _raised(lambda: torch.cholesky(torch.tensor(bad)))
        got = _raised(lambda: mg.cholesky(mg.tensor(bad)))
    assert want is not None and got is not None and got[1] == want[1]


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (2, 5, 3)])
@pytest.mark.parametrize("some", [True, False])
def test_qr_equals_torch_with_its_warning(shape: tuple[int, ...], some: bool) -> None:
    torch = pytest.importorskip("torch")
    a = _rng(20).standard_normal(shape)
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        tq, tr = torch.qr(torch.tensor(a), some)
    with warnings.catch_warnings(record=True) as mw:
        warnings.simplefilter("always")
        res = mg.qr(mg.tensor(a), some=some)
    assert str(mw[0].message).startswith("torch.qr is deprecated in favor of torch.linalg.qr")
    if tw:  # (PyTorch warns once per process)
        assert str(tw[0].message).startswith(str(mw[0].message))
    assert type(res).__name__ == "QRResult" and res.Q is res[0]
    np.testing.assert_allclose(res.Q.numpy(), tq.numpy(), atol=1e-12)
    np.testing.assert_allclose(res.R.numpy(), tr.numpy(), atol=1e-12)


def test_qr_gradients_by_finite_differences() -> None:
    a = mg.tensor(_rng(21).standard_normal((4, 3)), requires_grad=True)

    def fn(t: mg.Tensor) -> tuple[mg.Tensor, mg.Tensor]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tuple(mg.qr(t))  # type: ignore[return-value]

    assert gradcheck(fn, [a])
    assert gradgradcheck(fn, [a])


def test_logdet_values_and_gradients_equal_torch() -> None:
    torch = pytest.importorskip("torch")
    a = _rng(22).standard_normal((3, 4, 4))
    a[1] = _spd(4, 23)
    a[2] = np.diag([1.0, -2.0, 3.0, 4.0])  # negative determinant: nan
    ta, ma = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
    t, m = torch.logdet(ta), mg.logdet(ma)
    np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    ok = ~np.isnan(t.detach().numpy())
    (t[torch.tensor(ok)]).sum().backward()
    m[mg.tensor(ok)].sum().backward()
    np.testing.assert_allclose(ma.grad.numpy(), ta.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert mg.logdet(mg.zeros(2, 2)).item() == -np.inf
    for bad in [np.zeros((2, 3)), np.zeros(3)]:
        want = _raised(lambda b: torch.logdet(torch.tensor(b)), bad)
        got = _raised(lambda b: mg.logdet(mg.tensor(b)), bad)
        assert want is not None and got is not None and got == (want[0], want[1])


def test_logdet_gradcheck_and_gradgradcheck() -> None:
    a = mg.tensor(_spd(3, 24), requires_grad=True)
    assert gradcheck(mg.logdet, [a])
    assert gradgradcheck(mg.logdet, [a])


# ---------------------------------------------------------------------------------------------
# msort, narrow_copy, isreal, is_complex


def test_msort_narrow_copy_isreal_is_complex_like_torch() -> None:
    torch = pytest.importorskip("torch")
    a = _rng(25).standard_normal((5, 3))
    ta, ma = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
    t, m = torch.msort(ta), mg.msort(ma)
    np.testing.assert_array_equal(m.detach().numpy(), t.detach().numpy())
    g = _rng(26).standard_normal(a.shape)
    t.backward(torch.tensor(g))
    m.backward(mg.tensor(g))
    np.testing.assert_array_equal(ma.grad.numpy(), ta.grad.numpy())
    assert mg.msort(mg.tensor(2.0)).item() == 2.0

    c = mg.narrow_copy(ma, 1, 1, 2)
    np.testing.assert_array_equal(c.detach().numpy(), torch.narrow_copy(ta, 1, 1, 2).detach())
    assert not np.shares_memory(c.detach().numpy(), ma.detach().numpy())
    assert gradcheck(lambda x: mg.narrow_copy(x, 0, 1, 3) ** 2, [ma])

    assert mg.isreal(mg.tensor([1.0, 2.0])).numpy().tolist() == [True, True]
    assert mg.isreal(mg.tensor([1, 2])).dtype == np.bool_
    assert mg.is_complex(mg.tensor([1.0])) is torch.is_complex(torch.tensor([1.0])) is False
    with pytest.raises(TypeError, match=r"argument 'input' \(position 1\) must be Tensor"):
        mg.is_complex([1.0])


# ---------------------------------------------------------------------------------------------
# torch.gradient

GRADIENTS: list[dict[str, Any]] = [
    {},
    {"spacing": 2.0},
    {"edge_order": 2},
    {"spacing": [2.0, 0.5], "edge_order": 2},
    {"spacing": ("coords",), "dim": 0},
    {"spacing": ("coords",), "dim": 0, "edge_order": 2},
    {"dim": -1},
    {"dim": [1, 0], "spacing": [1.5, 2.0]},
]
COORDS = [0.0, 1.0, 3.0, 4.5, 7.0]


def _gradient_kw(lib: Any, kw: dict[str, Any]) -> dict[str, Any]:
    out = dict(kw)
    if "spacing" in kw and isinstance(kw["spacing"], tuple):
        out["spacing"] = (lib.tensor(COORDS, dtype=lib.float64),)
    return out


@pytest.mark.parametrize("i", range(len(GRADIENTS)))
def test_gradient_values_and_gradients_equal_torch(i: int) -> None:
    torch = pytest.importorskip("torch")
    a = _rng(27).standard_normal((5, 4))
    ta, ma = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
    t = torch.gradient(ta, **_gradient_kw(torch, GRADIENTS[i]))
    m = mg.gradient(ma, **_gradient_kw(mg, GRADIENTS[i]))
    assert isinstance(m, tuple) and len(m) == len(t)
    for p, q in zip(m, t):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-12)
    g = [_rng(28 + k).standard_normal(a.shape) for k in range(len(t))]
    sum((q * torch.tensor(h)).sum() for q, h in zip(t, g)).backward()
    sum((p * mg.tensor(h)).sum() for p, h in zip(m, g)).backward()
    np.testing.assert_allclose(ma.grad.numpy(), ta.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_gradient_gradcheck_integers_and_misuse() -> None:
    torch = pytest.importorskip("torch")
    a = mg.tensor(_rng(29).standard_normal((4, 5)), requires_grad=True)

    def fn(t: mg.Tensor) -> tuple[mg.Tensor, ...]:
        return tuple(d * d for d in mg.gradient(t, spacing=[0.5, 2.0], edge_order=2))

    assert gradcheck(fn, [a])
    assert gradgradcheck(fn, [a])
    (m,) = mg.gradient(mg.tensor([1, 4, 9, 16]))
    assert m.dtype == np.float32 and m.numpy().tolist() == [3.0, 4.0, 6.0, 7.0]
    assert mg.gradient(mg.tensor(1.0)) == ()
    for call in [
        lambda lib: lib.gradient(lib.ones(1, 3)),
        lambda lib: lib.gradient(lib.ones(2, 3), edge_order=2),
        lambda lib: lib.gradient(lib.ones(4), edge_order=3),
        lambda lib: lib.gradient(lib.ones(4, 4), spacing=[1.0, 2.0, 3.0]),
        lambda lib: lib.gradient(lib.ones(4, 4), dim=[0, 0]),
        lambda lib: lib.gradient(lib.ones(4, 4), dim=2),
    ]:
        want, got = _raised(call, torch), _raised(call, mg)
        assert want is not None and got is not None
        assert got[0] is want[0] and (got[1] == want[1] or got[0] is IndexError)


# ---------------------------------------------------------------------------------------------
# frombuffer


def test_frombuffer_shares_memory_and_refuses_like_torch() -> None:
    torch = pytest.importorskip("torch")
    raw = np.array([1.0, 2.0, 3.0], dtype=np.float32).tobytes()
    b = bytearray(raw)
    t = mg.frombuffer(b, dtype=mg.float32)
    assert t.numpy().tolist() == [1.0, 2.0, 3.0]
    t[0] = 5.0
    assert np.frombuffer(bytes(b), dtype=np.float32)[0] == 5.0
    part = mg.frombuffer(b, dtype=mg.int8, count=3, offset=2)
    want = torch.frombuffer(bytearray(b), dtype=torch.int8, count=3, offset=2)
    assert part.numpy().tolist() == want.tolist() and part.dtype == np.int8
    assert mg.frombuffer(b, dtype=mg.float32, requires_grad=True).requires_grad
    for call in [
        lambda lib: lib.frombuffer(bytearray(raw), dtype=lib.float32, count=4),
        lambda lib: lib.frombuffer(bytearray(raw), dtype=lib.float32, offset=13),
        lambda lib: lib.frombuffer(bytearray(raw), dtype=lib.float32, offset=3),
        lambda lib: lib.frombuffer(bytearray(), dtype=lib.float32),
        lambda lib: lib.frombuffer(bytearray(raw), dtype=lib.float32, count=0),
        lambda lib: lib.frombuffer([1, 2], dtype=lib.float32),
    ]:
        want_e, got_e = _raised(call, torch), _raised(call, mg)
        assert want_e is not None and got_e is not None and got_e == want_e
    with pytest.warns(UserWarning, match=r"The given buffer is not writable"):
        mg.frombuffer(raw, dtype=mg.float32)
