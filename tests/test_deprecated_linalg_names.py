"""PyTorch's older names, checked against PyTorch (values, gradients, finite differences of
first and second order, the deprecation warnings and the errors): the Tensor methods
``t.cholesky()``, ``t.qr()``, ``t.logdet()``, ``t.msort()``, ``t.isreal()``,
``t.narrow_copy(...)``, and ``triangular_solve``, ``cholesky_solve``, ``cholesky_inverse`` as
functions and methods."""

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
    names = "cholesky qr logdet msort isreal narrow_copy triangular_solve cholesky_solve"
    for name in (*names.split(), "cholesky_inverse"):
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


# ---------------------------------------------------------------------------------------------
# triangular_solve, cholesky_solve, cholesky_inverse (functions and methods)


def _lower(n: int, salt: int, batch: tuple[int, ...] = ()) -> np.ndarray:
    """A well-conditioned lower-triangular factor (positive diagonal)."""
    a = np.tril(_rng(salt).standard_normal((*batch, n, n)))
    return a + 3 * np.eye(n)


def _both(torch: Any, arrays: list[np.ndarray]) -> tuple[list[Any], list[Any]]:
    t = [torch.tensor(a, requires_grad=True) for a in arrays]
    m = [mg.tensor(a, requires_grad=True) for a in arrays]
    return t, m


def _compare(torch: Any, t_out: Any, m_out: Any, t_in: list[Any], m_in: list[Any], salt: int):
    """Values equal, and gradients of a random weighting of the outputs."""
    t_out, m_out = (t_out,) if not isinstance(t_out, tuple) else t_out, m_out
    m_out = (m_out,) if not isinstance(m_out, tuple) else m_out
    t_loss, m_loss = 0, 0
    for k, (t, m) in enumerate(zip(t_out, m_out, strict=True)):
        np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
        g = _rng(salt + k).standard_normal(tuple(t.shape))
        t_loss = t_loss + (t * torch.tensor(g)).sum()
        m_loss = m_loss + (m * mg.tensor(g)).sum()
    t_loss.backward()
    m_loss.backward()
    for t, m in zip(t_in, m_in, strict=True):
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("unitriangular", [False, True])
def test_triangular_solve_equals_torch(upper: bool, transpose: bool, unitriangular: bool) -> None:
    torch = pytest.importorskip("torch")
    a = _rng(20).standard_normal((2, 3, 3)) + 3 * np.eye(3)  # both triangles filled
    b = _rng(21).standard_normal((3, 2))  # its batch broadcasts
    (ta, tb), (ma, mb) = _both(torch, [a, b])
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        t = torch.triangular_solve(tb, ta, upper, transpose, unitriangular)
    with warnings.catch_warnings(record=True) as mw:
        warnings.simplefilter("always")
        m = mg.triangular_solve(mb, ma, upper, transpose, unitriangular)
    assert [w.category for w in mw] == [UserWarning] and mw[0].filename == __file__
    assert str(mw[0].message).startswith("torch.triangular_solve is deprecated in favor of")
    if tw:  # (PyTorch warns once per process)
        assert str(tw[0].message).startswith(str(mw[0].message))
    assert type(m).__name__ == "TriangularSolveResult" and m._fields == (
        "solution",
        "cloned_coefficient",
    )
    assert m.cloned_coefficient.shape == tuple(t.cloned_coefficient.shape) == (2, 3, 3)
    _compare(torch, tuple(t), tuple(m), [ta, tb], [ma, mb], 22)


def test_triangular_solve_method_equals_torch_and_warns() -> None:
    torch = pytest.importorskip("torch")
    a, b = _lower(3, 23).swapaxes(-1, -2), _rng(24).standard_normal((3, 4))
    (ta, tb), (ma, mb) = _both(torch, [a, b])
    t = _quiet(lambda: tb.triangular_solve(ta))()
    with pytest.warns(UserWarning, match=r"^torch\.triangular_solve is deprecated"):
        m = mb.triangular_solve(ma)
    _compare(torch, tuple(t), tuple(m), [ta, tb], [ma, mb], 25)


def test_triangular_solve_by_finite_differences() -> None:
    a = mg.tensor(_lower(3, 26), requires_grad=True)
    b = mg.tensor(_rng(27).standard_normal((3, 2)), requires_grad=True)
    fn = _quiet(lambda A, B: tuple(mg.triangular_solve(B, A, False, True)))
    assert gradcheck(fn, [a, b])
    assert gradgradcheck(fn, [a, b])


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_solve_equals_torch(upper: bool) -> None:
    torch = pytest.importorskip("torch")
    lo = _lower(3, 28, (2,))
    f = lo.swapaxes(-1, -2) if upper else lo
    b = _rng(29).standard_normal((3, 2))
    (tf, tb), (mf, mb) = _both(torch, [f, b])
    # PyTorch's gradient reaches the factor's other (zero) triangle too: compared as is
    _compare(
        torch,
        torch.cholesky_solve(tb, tf, upper),
        mg.cholesky_solve(mb, mf, upper),
        [tf, tb],
        [mf, mb],
        30,
    )
    (tf, tb), (mf, mb) = _both(torch, [f, b])
    _compare(
        torch, tb.cholesky_solve(tf, upper), mb.cholesky_solve(mf, upper), [tf, tb], [mf, mb], 31
    )
    with_garbage = f + (np.triu(np.ones((3, 3)), 1) if not upper else np.tril(np.ones((3, 3)), -1))
    t = torch.cholesky_solve(torch.tensor(b), torch.tensor(with_garbage), upper)
    m = mg.cholesky_solve(mg.tensor(b), mg.tensor(with_garbage), upper)  # only the triangle read
    np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=1e-10)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_inverse_equals_torch(upper: bool) -> None:
    torch = pytest.importorskip("torch")
    lo = _lower(4, 32, (2,))
    f = lo.swapaxes(-1, -2) if upper else lo
    (tf,), (mf,) = _both(torch, [f])
    _compare(
        torch, torch.cholesky_inverse(tf, upper), mg.cholesky_inverse(mf, upper), [tf], [mf], 33
    )
    (tf,), (mf,) = _both(torch, [f])
    _compare(torch, tf.cholesky_inverse(upper), mf.cholesky_inverse(upper), [tf], [mf], 34)


def test_cholesky_solve_and_inverse_by_finite_differences() -> None:
    # through tril: a free matrix made a factor, so finite differences see what is read
    x = mg.tensor(_lower(3, 35) + np.triu(np.ones((3, 3)), 1), requires_grad=True)
    b = mg.tensor(_rng(36).standard_normal((3, 2)), requires_grad=True)
    assert gradcheck(lambda X, B: mg.cholesky_solve(B, X.tril()), [x, b])
    assert gradgradcheck(lambda X, B: mg.cholesky_solve(B, X.tril()), [x, b])
    assert gradcheck(lambda X: X.triu().cholesky_inverse(True), [x.detach().mT.requires_grad_()])
    assert gradgradcheck(lambda X: X.tril().cholesky_inverse(), [x])


def test_the_solves_and_inverse_agree_with_the_cholesky_factorization() -> None:
    a = _spd(4, 37)
    A = mg.tensor(a)
    L = mg.linalg.cholesky(A)
    b = mg.tensor(_rng(38).standard_normal((4, 3)))
    np.testing.assert_allclose(mg.cholesky_solve(b, L).numpy(), np.linalg.solve(a, b.numpy()))
    np.testing.assert_allclose(mg.cholesky_inverse(L).numpy(), np.linalg.inv(a), rtol=1e-10)


def _errors() -> list[tuple[str, Any]]:
    eye, col = np.eye(3), np.ones((3, 2))
    return [
        (
            "ts 1-d b",
            lambda lib: lib.triangular_solve(lib.ones(3, dtype=lib.float64), lib.tensor(eye)),
        ),
        (
            "ts 1-d A",
            lambda lib: lib.triangular_solve(lib.tensor(col), lib.ones(3, dtype=lib.float64)),
        ),
        (
            "ts sizes",
            lambda lib: lib.triangular_solve(lib.ones(2, 2, dtype=lib.float64), lib.tensor(eye)),
        ),
        ("ts square", lambda lib: lib.triangular_solve(lib.tensor(col), lib.tensor(col))),
        ("ts dtypes", lambda lib: lib.triangular_solve(lib.ones(3, 2), lib.tensor(eye))),
        (
            "ts long",
            lambda lib: lib.triangular_solve(
                lib.ones(3, 2, dtype=lib.int64), lib.ones(3, 3, dtype=lib.int64)
            ),
        ),
        ("ts not tensor", lambda lib: lib.triangular_solve([1.0], lib.tensor(eye))),
        ("ts A not tensor", lambda lib: lib.triangular_solve(lib.tensor(col), [1.0])),
        ("ts method A", lambda lib: lib.tensor(col).triangular_solve([1.0])),
        (
            "cs 1-d b",
            lambda lib: lib.cholesky_solve(lib.ones(3, dtype=lib.float64), lib.tensor(eye)),
        ),
        (
            "cs 1-d L",
            lambda lib: lib.cholesky_solve(lib.tensor(col), lib.ones(3, dtype=lib.float64)),
        ),
        ("cs square", lambda lib: lib.cholesky_solve(lib.tensor(col), lib.tensor(col))),
        (
            "cs sizes",
            lambda lib: lib.cholesky_solve(lib.ones(2, 2, dtype=lib.float64), lib.tensor(eye)),
        ),
        ("cs dtypes", lambda lib: lib.cholesky_solve(lib.ones(3, 2), lib.tensor(eye))),
        (
            "cs long",
            lambda lib: lib.cholesky_solve(
                lib.ones(3, 2, dtype=lib.int64), lib.ones(3, 3, dtype=lib.int64)
            ),
        ),
        ("cs input2", lambda lib: lib.cholesky_solve(lib.tensor(col), [1.0])),
        ("cs method", lambda lib: lib.tensor(col).cholesky_solve([1.0])),
        ("ci 1-d", lambda lib: lib.cholesky_inverse(lib.ones(3, dtype=lib.float64))),
        ("ci square", lambda lib: lib.cholesky_inverse(lib.tensor(col))),
        ("ci long", lambda lib: lib.cholesky_inverse(lib.ones(3, 3, dtype=lib.int64))),
        ("ci singular", lambda lib: lib.cholesky_inverse(lib.tensor(np.diag([1.0, 0.0, 2.0])))),
        ("ci not tensor", lambda lib: lib.cholesky_inverse([1.0])),
    ]


@pytest.mark.parametrize(("case", "call"), _errors(), ids=[c for c, _ in _errors()])
def test_errors_are_torchs(case: str, call: Any) -> None:
    torch = pytest.importorskip("torch")
    want = _raised(_quiet(lambda: call(torch)))
    got = _raised(_quiet(lambda: call(mg)))
    assert want is not None and got is not None, (want, got)
    assert got[1] == want[1], (got, want)
    if issubclass(want[0], torch.linalg.LinAlgError):
        assert got[0] is mg.linalg.LinAlgError
    else:
        assert got[0] is want[0], (got, want)


def test_a_zero_on_the_diagonal_raises_where_torch_gives_inf() -> None:
    with pytest.raises(mg.linalg.LinAlgError, match=r"^triangular_solve: A has a zero on its"):
        _quiet(lambda: mg.triangular_solve(mg.ones(2, 1), mg.zeros(2, 2)))()
