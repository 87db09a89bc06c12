"""The Tensor methods of PyTorch's older names (``t.cholesky()``, ``t.qr()``, ``t.logdet()``,
``t.msort()``, ``t.isreal()``, ``t.narrow_copy(...)``), checked against PyTorch: values,
gradients (and finite differences of first and second order), the deprecation warnings and
the errors."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck, gradgradcheck


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(9753 + salt)


def _spd(n: int, salt: int, batch: tuple[int, ...] = ()) -> np.ndarray:
    a = _rng(salt).standard_normal((*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _raised(fn: Any) -> tuple[type, str] | None:
    """The type and message of what ``fn()`` raises (None if nothing)."""
    try:
        fn()
    except Exception as e:
        return type(e), str(e)
    return None


def _quiet(fn: Any) -> Any:
    """``fn``, its deprecation warnings silenced."""

    def run(*args: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args)

    return run


def test_the_methods_exist_where_torch_has_them() -> None:
    t = mg.ones(2, 2)
    for name in ("cholesky", "qr", "logdet", "msort", "isreal", "narrow_copy"):
        assert callable(getattr(t, name)), name


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_method_equals_torch_with_its_warning(upper: bool) -> None:
    torch = pytest.importorskip("torch")
    a = _spd(3, 1, (2,))
    ta, ma = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        t = ta.cholesky(upper)
    with warnings.catch_warnings(record=True) as mw:
        warnings.simplefilter("always")
        m = ma.cholesky(upper=upper)
    assert [w.category for w in mw] == [UserWarning]
    assert mw[0].filename == __file__  # the caller's line, as a Python warning should
    assert str(mw[0].message).startswith("torch.cholesky is deprecated in favor of torch.linalg")
    if tw:  # (PyTorch warns once per process)
        assert str(tw[0].message).startswith(str(mw[0].message))
    np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    g = _rng(2).standard_normal(a.shape)
    t.backward(torch.tensor(g))
    m.backward(mg.tensor(g))
    np.testing.assert_allclose(ma.grad.numpy(), ta.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_cholesky_method_error_is_torchs() -> None:
    torch = pytest.importorskip("torch")
    bad = -np.eye(3)
    want = _raised(_quiet(lambda: torch.tensor(bad).cholesky()))
    got = _raised(_quiet(lambda: mg.tensor(bad).cholesky()))
    assert want is not None and got is not None
    assert got[1] == want[1] and got[1].startswith("cholesky: ")


def test_cholesky_method_by_finite_differences() -> None:
    a = mg.tensor(_spd(3, 3), requires_grad=True)
    fn = _quiet(lambda t: (t + t.mT).cholesky(True))  # symmetric input: the full gradient
    assert gradcheck(fn, [a])
    assert gradgradcheck(fn, [a])


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4, 3)])
@pytest.mark.parametrize("some", [True, False])
def test_qr_method_equals_torch_with_its_warning(shape: tuple[int, ...], some: bool) -> None:
    torch = pytest.importorskip("torch")
    a = _rng(4).standard_normal(shape)
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        tq, tr = torch.tensor(a).qr(some)
    with warnings.catch_warnings(record=True) as mw:
        warnings.simplefilter("always")
        res = mg.tensor(a).qr(some=some)
    assert [w.category for w in mw] == [UserWarning]
    assert str(mw[0].message).startswith("torch.qr is deprecated in favor of torch.linalg.qr")
    if tw:
        assert str(tw[0].message).startswith(str(mw[0].message))
    assert type(res).__name__ == "QRResult" and res.R is res[1]
    np.testing.assert_allclose(res.Q.numpy(), tq.numpy(), atol=1e-12)
    np.testing.assert_allclose(res.R.numpy(), tr.numpy(), atol=1e-12)


def test_qr_method_gradients_equal_torch_and_finite_differences() -> None:
    torch = pytest.importorskip("torch")
    a = _rng(5).standard_normal((4, 3))
    ta, ma = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
    gq, gr = _rng(6).standard_normal((4, 3)), _rng(7).standard_normal((3, 3))
    tq, tr = _quiet(lambda: ta.qr())()
    ((tq * torch.tensor(gq)).sum() + (tr * torch.tensor(gr)).sum()).backward()
    mq, mr = _quiet(lambda: ma.qr())()
    ((mq * mg.tensor(gq)).sum() + (mr * mg.tensor(gr)).sum()).backward()
    np.testing.assert_allclose(ma.grad.numpy(), ta.grad.numpy(), rtol=1e-9, atol=1e-12)
    x = mg.tensor(a, requires_grad=True)
    fn = _quiet(lambda t: tuple(t.qr()))
    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


def test_logdet_method_equals_torch() -> None:
    torch = pytest.importorskip("torch")
    a = _rng(8).standard_normal((3, 3, 3))
    a[0] = _spd(3, 9)
    a[2] = np.diag([2.0, -1.0, 3.0])  # negative determinant: nan
    ta, ma = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
    t, m = ta.logdet(), ma.logdet()
    np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    assert np.isnan(m[2].item())
    ok = ~np.isnan(t.detach().numpy())
    t[torch.tensor(ok)].sum().backward()
    m[mg.tensor(ok)].sum().backward()
    np.testing.assert_allclose(ma.grad.numpy(), ta.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert mg.zeros(2, 2).logdet().item() == -np.inf
    for bad in (np.zeros((2, 3)), np.zeros(3)):
        want = _raised(lambda b=bad: torch.tensor(b).logdet())
        got = _raised(lambda b=bad: mg.tensor(b).logdet())
        assert want is not None and got == want


def test_logdet_method_by_finite_differences() -> None:
    a = mg.tensor(_spd(3, 10), requires_grad=True)
    assert gradcheck(lambda t: t.logdet(), [a])
    assert gradgradcheck(lambda t: t.logdet(), [a])


def test_msort_method_equals_torch_with_gradients() -> None:
    torch = pytest.importorskip("torch")
    a = _rng(11).standard_normal((4, 3))
    ta, ma = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
    t, m = ta.msort(), ma.msort()
    np.testing.assert_array_equal(m.detach().numpy(), t.detach().numpy())
    g = _rng(12).standard_normal(a.shape)
    t.backward(torch.tensor(g))
    m.backward(mg.tensor(g))
    np.testing.assert_array_equal(ma.grad.numpy(), ta.grad.numpy())
    assert gradcheck(lambda x: x.msort(), [mg.tensor(a, requires_grad=True)])
    ints = np.array([3, 1, 2])
    assert mg.tensor(ints).msort().tolist() == torch.tensor(ints).msort().tolist()


def test_isreal_method_equals_torch() -> None:
    torch = pytest.importorskip("torch")
    for a in (np.array([1.0, np.nan, np.inf]), np.array([[1, 2]]), np.array(True)):
        t, m = torch.tensor(a).isreal(), mg.tensor(a).isreal()
        assert m.dtype == mg.bool and m.tolist() == t.tolist()


def test_narrow_copy_method_equals_torch_and_copies() -> None:
    torch = pytest.importorskip("torch")
    a = _rng(13).standard_normal((3, 5))
    ta, ma = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
    t, m = ta.narrow_copy(1, 1, 3), ma.narrow_copy(-1, 1, 3)
    np.testing.assert_array_equal(m.detach().numpy(), t.detach().numpy())
    g = _rng(14).standard_normal((3, 3))
    t.backward(torch.tensor(g))
    m.backward(mg.tensor(g))
    np.testing.assert_array_equal(ma.grad.numpy(), ta.grad.numpy())
    base = mg.tensor(a)
    piece = base.narrow_copy(0, 0, 2)
    piece.zero_()
    assert base.abs().min().item() > 0  # a copy: the write does not reach base
    assert gradcheck(lambda x: x.narrow_copy(0, 1, 2), [mg.tensor(a, requires_grad=True)])
    want = _raised(lambda: torch.tensor(a).narrow_copy(0, 2, 5))
    got = _raised(lambda: mg.tensor(a).narrow_copy(0, 2, 5))
    assert want is not None and got is not None and got[0] is want[0]
    # PyTorch's narrow_copy reports a dim out of range as a failed internal check
    # (RuntimeError); minigrad gives narrow's IndexError, which names the range
    with pytest.raises(IndexError, match=r"Dimension out of range .* but got 2\) in narrow"):
        mg.tensor(a).narrow_copy(2, 0, 1)
