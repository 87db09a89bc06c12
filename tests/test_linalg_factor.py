"""minigrad.linalg's factorizations and matrix functions (cholesky, matrix_exp, eigh, eigvalsh,
qr, matrix_power): values and gradients against PyTorch, first- and second-order finite
differences in float64, and PyTorch's errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import linalg
from minigrad.gradcheck import gradcheck, gradgradcheck


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _spd(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    x = _rng(seed).standard_normal(shape)
    return x @ x.swapaxes(-1, -2) + shape[-1] * np.eye(shape[-1])


def _t(a: np.ndarray, grad: bool = True) -> mg.Tensor:
    return mg.tensor(a, requires_grad=grad)


def _torch() -> Any:
    return pytest.importorskip("torch")


def _grads_match(fn: Any, arrays: list[np.ndarray], seed: int = 1, tol: float = 1e-10) -> None:
    """fn(lib, *tensors) on minigrad and torch: values, then the gradients of a random
    weighting of the output."""
    torch = _torch()
    xs = [_t(a) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = fn(mg, *xs), fn(torch, *ts)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=tol, atol=tol)
    w = _rng(seed).standard_normal(tuple(ref.shape))
    (out * mg.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    for x, t in zip(xs, ts, strict=True):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


def _sym(x: Any) -> Any:
    """A symmetric matrix from any: what the finite differences perturb (cholesky and eigh read
    one triangle, so a lone perturbation of the other would not move them)."""
    return x + x.mT


# ---------------------------------------------------------------------------------------------
# cholesky


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (2, 1, 3, 3), (0, 2, 2)])
def test_cholesky_matches_torch(shape: tuple[int, ...], upper: bool) -> None:
    a = _spd(shape)
    _grads_match(lambda lib, x: lib.linalg.cholesky(x, upper=upper), [a])


def test_cholesky_float32() -> None:
    torch = _torch()
    a = _spd((2, 4, 4)).astype(np.float32)
    out = linalg.cholesky(mg.from_numpy(a))
    assert out.dtype == mg.float32
    np.testing.assert_allclose(out.numpy(), torch.linalg.cholesky(torch.tensor(a)), rtol=1e-5)


def test_cholesky_reads_one_triangle() -> None:
    a = _spd((4, 4))
    junk = a + np.triu(_rng(3).standard_normal((4, 4)) * 100, 1)
    low = linalg.cholesky(mg.tensor(junk)).numpy()
    np.testing.assert_allclose(low, np.linalg.cholesky(a), rtol=1e-12)
    up = linalg.cholesky(mg.tensor(junk.T), upper=True).numpy()
    np.testing.assert_allclose(up, np.linalg.cholesky(a).T, rtol=1e-12)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_gradcheck(upper: bool) -> None:
    x = _t(_rng(2).standard_normal((2, 3, 3)))
    nc = _t(_rng(4).standard_normal((3, 3))).mT  # (non-contiguous)

    def fn(x: mg.Tensor) -> mg.Tensor:
        return linalg.cholesky(_sym(x) + 6 * mg.eye(3, dtype=mg.float64), upper=upper)

    for inp in (x, nc):
        assert gradcheck(fn, (inp,))
        assert gradgradcheck(fn, (inp,))


def test_cholesky_not_positive_definite() -> None:
    torch = _torch()
    bad = np.array([[1.0, 2.0], [2.0, 1.0]])
    for a in (bad, np.stack([np.eye(2), bad])):
        x = _t(a)
        with pytest.raises(RuntimeError) as ours:
            linalg.cholesky(x)
        with pytest.raises(RuntimeError) as theirs:
            torch.linalg.cholesky(torch.tensor(a))
        assert str(ours.value) == str(theirs.value)
        assert isinstance(ours.value, linalg.LinAlgError)
        np.testing.assert_array_equal(x.detach().numpy(), a)
    with pytest.raises(RuntimeError, match=r"leading minor of order 3 is not"):
        linalg.cholesky(mg.tensor(np.diag([1.0, 2.0, -1.0])))


# ---------------------------------------------------------------------------------------------
# matrix_exp


@pytest.mark.parametrize("scale", [0.01, 1.0, 30.0])
def test_matrix_exp_values_to_round_off(scale: float) -> None:
    torch = _torch()
    a = scale * _rng(5).standard_normal((3, 4, 4))
    ref = torch.linalg.matrix_exp(torch.tensor(a)).numpy()
    out = linalg.matrix_exp(mg.tensor(a)).numpy()
    err = np.abs(out - ref).max(axis=(-1, -2)) / np.abs(ref).max(axis=(-1, -2))
    assert (err < 1e-12).all(), err


def test_matrix_exp_known_values() -> None:
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])  # exp(t J) is the rotation by t
    out = mg.matrix_exp(mg.tensor(2.0 * rot)).numpy()
    np.testing.assert_allclose(out, [[np.cos(2), -np.sin(2)], [np.sin(2), np.cos(2)]], atol=1e-15)
    np.testing.assert_array_equal(linalg.matrix_exp(mg.zeros(2, 3, 3)).numpy(), [np.eye(3)] * 2)
    assert linalg.matrix_exp(mg.zeros(0, 3, 3)).shape == (0, 3, 3)


def test_matrix_exp_gradient_and_aliases() -> None:
    a = 0.8 * _rng(6).standard_normal((2, 3, 3))
    _grads_match(lambda lib, x: lib.linalg.matrix_exp(x), [a])
    _grads_match(lambda lib, x: lib.matrix_exp(x), [a])
    _grads_match(lambda lib, x: x.matrix_exp(), [a])


def test_matrix_exp_float32() -> None:
    torch = _torch()
    a = _rng(7).standard_normal((3, 3)).astype(np.float32)
    out = linalg.matrix_exp(mg.from_numpy(a))
    assert out.dtype == mg.float32
    ref = torch.linalg.matrix_exp(torch.tensor(a)).numpy()
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-6)


def test_matrix_exp_gradcheck() -> None:
    x = _t(0.7 * _rng(8).standard_normal((2, 3, 3)))
    nc = _t(0.7 * _rng(9).standard_normal((3, 3))).mT
    for inp in (x, nc):
        assert gradcheck(linalg.matrix_exp, (inp,))
        assert gradgradcheck(linalg.matrix_exp, (inp,))


# ---------------------------------------------------------------------------------------------
# eigh, eigvalsh


def _distinct_symmetric(shape: tuple[int, ...], seed: int = 10) -> np.ndarray:
    x = _rng(seed).standard_normal(shape)
    return x + x.swapaxes(-1, -2)


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_values_read_one_triangle(uplo: str) -> None:
    torch = _torch()
    a = _rng(11).standard_normal((2, 4, 4))  # not symmetric: only the UPLO triangle counts
    w, v = linalg.eigh(mg.tensor(a), UPLO=uplo)
    tw, tv = torch.linalg.eigh(torch.tensor(a), UPLO=uplo)
    np.testing.assert_allclose(w.numpy(), tw.numpy(), atol=1e-12)
    np.testing.assert_allclose(np.abs(v.numpy()), np.abs(tv.numpy()), atol=1e-12)
    tri = np.tril(a) if uplo == "L" else np.triu(a)
    sym = tri + tri.swapaxes(-1, -2) - tri * np.eye(4)
    rebuilt = (v.numpy() * w.numpy()[..., None, :]) @ v.numpy().swapaxes(-1, -2)
    np.testing.assert_allclose(rebuilt, sym, atol=1e-12)
    np.testing.assert_allclose(linalg.eigvalsh(mg.tensor(a), uplo).numpy(), tw.numpy(), atol=1e-12)


def test_eigh_named_tuple_and_float32() -> None:
    a = _distinct_symmetric((3, 3)).astype(np.float32)
    res = linalg.eigh(mg.from_numpy(a))
    assert res._fields == ("eigenvalues", "eigenvectors")
    assert res.eigenvalues.dtype == mg.float32 and res.eigenvectors.shape == (3, 3)
    np.testing.assert_allclose(res.eigenvalues.numpy(), np.linalg.eigvalsh(a), rtol=1e-5)


def _sign_invariant(lib: Any, x: Any) -> Any:
    """A loss of eigenvalues and eigenvectors that no choice of signs changes."""
    w, v = lib.linalg.eigh(x)
    weights = lib.tensor(np.arange(1.0, 1.0 + 4 * 4).reshape(4, 4))
    return (w * w).sum() + (v**4 * weights).sum() + ((v * lib.sin(w)[..., None, :]) @ v.mT).sum()


def test_eigh_gradient_matches_torch() -> None:
    a = _distinct_symmetric((2, 4, 4))
    _grads_match(lambda lib, x: _sign_invariant(lib, x), [a])
    _grads_match(lambda lib, x: lib.linalg.eigvalsh(x, UPLO="U"), [a])


def test_eigh_gradcheck() -> None:
    def fn(x: mg.Tensor) -> tuple[mg.Tensor, mg.Tensor]:
        w, v = linalg.eigh(_sym(x))
        return w, v * v  # (signs do not matter)

    x = _t(_rng(12).standard_normal((2, 3, 3)))
    nc = _t(_rng(13).standard_normal((3, 3))).mT
    for inp in (x, nc):
        assert gradcheck(fn, (inp,))
        assert gradgradcheck(fn, (inp,))
    assert gradgradcheck(lambda x: linalg.eigvalsh(_sym(x)), (x,))


# ---------------------------------------------------------------------------------------------
# qr


@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 3), (3, 5), (2, 4, 3)])
def test_qr_values_match_torch(shape: tuple[int, ...], mode: str) -> None:
    torch = _torch()
    a = _rng(14).standard_normal(shape)
    q, r = linalg.qr(mg.tensor(a), mode)
    tq, tr = torch.linalg.qr(torch.tensor(a), mode)
    assert q.shape == tuple(tq.shape) and r.shape == tuple(tr.shape)
    np.testing.assert_allclose(q.numpy(), tq.numpy(), atol=1e-12)
    np.testing.assert_allclose(r.numpy(), tr.numpy(), atol=1e-12)
    if mode != "r":
        np.testing.assert_allclose(q.numpy() @ r.numpy(), a, atol=1e-12)


@pytest.mark.parametrize(
    ("shape", "mode"),
    [
        (shape, mode)
        for shape in [(5, 3), (3, 3), (3, 5), (2, 4, 3)]
        for mode in ("reduced", "complete")
        if not (mode == "complete" and shape[-2] > shape[-1])  # (refused: tested below)
    ],
)
def test_qr_gradient_matches_torch(shape: tuple[int, ...], mode: str) -> None:
    a = _rng(15).standard_normal(shape)
    for part in (0, 1):
        _grads_match(lambda lib, x, part=part: lib.linalg.qr(x, mode)[part], [a], seed=part)


def test_qr_gradcheck() -> None:
    def fn(x: mg.Tensor) -> tuple[mg.Tensor, mg.Tensor]:
        return tuple(linalg.qr(x))  # type: ignore[return-value]

    tall = _t(_rng(16).standard_normal((2, 4, 3)))
    wide = _t(_rng(17).standard_normal((2, 3, 4)))
    nc = _t(_rng(18).standard_normal((3, 4))).mT
    for inp in (tall, wide, nc):
        assert gradcheck(fn, (inp,))
        assert gradgradcheck(fn, (inp,))


def test_qr_backward_errors_as_torch() -> None:
    torch = _torch()
    a = _rng(19).standard_normal((4, 3))
    for mode, part in (("r", 1), ("complete", 0), ("complete", 1)):
        x, t = _t(a), torch.tensor(a, requires_grad=True)
        with pytest.raises(RuntimeError) as theirs:
            torch.linalg.qr(t, mode)[part].sum().backward()
        with pytest.raises(RuntimeError) as ours:
            linalg.qr(x, mode)[part].sum().backward()
        assert str(ours.value) == str(theirs.value)
        assert x.grad is None


# ---------------------------------------------------------------------------------------------
# matrix_power


@pytest.mark.parametrize("n", [0, 1, 2, 3, 6, -1, -3])
def test_matrix_power_matches_torch(n: int) -> None:
    a = np.eye(3) + 0.4 * _rng(20).standard_normal((2, 3, 3))
    _grads_match(lambda lib, x: lib.linalg.matrix_power(x, n), [a])
    _grads_match(lambda lib, x: lib.matrix_power(x, n), [a])
    _grads_match(lambda lib, x: x.matrix_power(n), [a])


def test_matrix_power_gradcheck_and_new_tensor() -> None:
    x = _t(np.eye(3) + 0.3 * _rng(21).standard_normal((3, 3)))
    for n in (3, -2):
        assert gradcheck(lambda x, n=n: linalg.matrix_power(x, n), (x,))
        assert gradgradcheck(lambda x, n=n: linalg.matrix_power(x, n), (x,))
    one = linalg.matrix_power(x, 1)
    assert one is not x
    np.testing.assert_array_equal(one.detach().numpy(), x.detach().numpy())
    ints = linalg.matrix_power(mg.tensor([[1, 1], [1, 0]]), 5)  # (Fibonacci numbers)
    np.testing.assert_array_equal(ints.numpy(), [[8, 5], [5, 3]])


# ---------------------------------------------------------------------------------------------
# Errors in PyTorch's words


_BAD_CALLS = [
    ("cholesky", lambda lib: lib.linalg.cholesky(lib.ones(2, 3))),
    ("cholesky_1d", lambda lib: lib.linalg.cholesky(lib.ones(3))),
    ("cholesky_int", lambda lib: lib.linalg.cholesky(lib.ones(2, 2, dtype=lib.int64))),
    ("eigh", lambda lib: lib.linalg.eigh(lib.ones(2, 3))),
    ("eigh_uplo", lambda lib: lib.linalg.eigh(lib.eye(2), UPLO="X")),
    ("eigvalsh", lambda lib: lib.linalg.eigvalsh(lib.ones(2, 3))),
    ("matrix_exp", lambda lib: lib.linalg.matrix_exp(lib.ones(2, 3))),
    ("matrix_exp_1d", lambda lib: lib.linalg.matrix_exp(lib.ones(3))),
    ("matrix_exp_int", lambda lib: lib.linalg.matrix_exp(lib.ones(2, 2, dtype=lib.int64))),
    ("matrix_power", lambda lib: lib.linalg.matrix_power(lib.ones(2, 3), 2)),
    ("matrix_power_1d", lambda lib: lib.linalg.matrix_power(lib.ones(2), 2)),
    ("matrix_power_float_n", lambda lib: lib.linalg.matrix_power(lib.ones(2, 2), 2.0)),
    (
        "matrix_power_int_inverse",
        lambda lib: lib.linalg.matrix_power(lib.ones(2, 2, dtype=lib.int64), -1),
    ),
    ("qr_1d", lambda lib: lib.linalg.qr(lib.ones(3))),
    ("qr_mode", lambda lib: lib.linalg.qr(lib.ones(2, 2), mode="x")),
    ("qr_int", lambda lib: lib.linalg.qr(lib.ones(2, 2, dtype=lib.int64))),
]


@pytest.mark.parametrize("call", [c for _, c in _BAD_CALLS], ids=[n for n, _ in _BAD_CALLS])
def test_errors_in_torch_words(call: Any) -> None:
    torch = _torch()
    with pytest.raises((RuntimeError, TypeError)) as theirs:
        call(torch)
    with pytest.raises(theirs.type) as ours:
        call(mg)
    assert str(ours.value).startswith(str(theirs.value).split(" (")[0].rstrip("."))
