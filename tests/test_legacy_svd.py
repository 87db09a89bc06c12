"""The legacy ``svd`` (U, S, V) and ``pinverse``, as functions and Tensor methods: shapes,
values, gradients and errors against PyTorch, and float64 finite differences (first and second
order).

Singular vectors are unique only up to sign, and LAPACK's signs may differ between NumPy and
PyTorch: the tests compare reconstructions, |U|, |V|, singular values and sign-invariant
losses, at distinct singular values.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor

SHAPES = [(3, 3), (4, 3), (3, 5), (2, 4, 3), (2, 1, 3, 4)]
EMPTY = [(0, 3), (3, 0), (2, 0, 0)]


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _torch() -> Any:
    return pytest.importorskip("torch")


def _leaf(a: np.ndarray) -> Tensor:
    return mg.from_numpy(a.copy()).requires_grad_()


def _call(lib: Any, A: Any, method: bool, **kw: Any) -> Any:
    return A.svd(**kw) if method else lib.svd(A, **kw)


def _sign_invariant(lib: Any, U: Any, S: Any, V: Any) -> Any:
    """A loss of U, S and V (their first k columns) that no flip of a singular vector pair
    changes; the columns past k (a basis of a null space, with some=False) get no gradient."""
    k = S.shape[-1]
    U, V = U[..., :k], V[..., :k]
    wu = lib.arange(U.shape[-2] * k, dtype=U.dtype).reshape(U.shape[-2], k)
    wv = lib.arange(V.shape[-2] * k, dtype=U.dtype).reshape(V.shape[-2], k).cos()
    return (U * U * wu).sum() + (V**4 * wv).sum() + (S**3).sum()


# ---------------------------------------------------------------------------------------------
# svd: shapes and values


@pytest.mark.parametrize("method", [False, True], ids=["function", "method"])
@pytest.mark.parametrize("compute_uv", [True, False])
@pytest.mark.parametrize("some", [True, False])
@pytest.mark.parametrize("shape", SHAPES + EMPTY)
def test_svd_like_torch(shape: tuple[int, ...], some: bool, compute_uv: bool, method: bool) -> None:
    torch = _torch()
    a = _rng().standard_normal(shape)
    U, S, V = got = _call(mg, mg.from_numpy(a), method, some=some, compute_uv=compute_uv)
    tU, tS, tV = _call(torch, torch.from_numpy(a), method, some=some, compute_uv=compute_uv)
    assert type(got).__name__ == "svd" and got._fields == ("U", "S", "V")
    assert isinstance(got, mg.return_types.svd)
    assert (U.shape, S.shape, V.shape) == (tuple(tU.shape), tuple(tS.shape), tuple(tV.shape))
    assert U.dtype == V.dtype == S.dtype == mg.float64
    np.testing.assert_allclose(S.numpy(), tS.numpy(), atol=1e-12)
    if not compute_uv:  # zero-filled, as PyTorch's
        assert not U.numpy().any() and not V.numpy().any()
        assert not tU.numpy().any() and not tV.numpy().any()
        return
    k = min(shape[-2:])
    u, v = U.numpy(), V.numpy()
    np.testing.assert_allclose(np.abs(u[..., :k]), np.abs(tU.numpy()[..., :k]), atol=1e-10)
    np.testing.assert_allclose(np.abs(v[..., :k]), np.abs(tV.numpy()[..., :k]), atol=1e-10)
    # V, not Vh: A = U diag(S) V^T
    usv = (u[..., :k] * S.numpy()[..., None, :]) @ np.swapaxes(v[..., :k], -1, -2)
    np.testing.assert_allclose(usv, a, atol=1e-12)
    # orthonormal columns, the extra ones of some=False too
    for x in (u, v):
        xx = np.swapaxes(x, -1, -2) @ x
        np.testing.assert_allclose(xx, np.broadcast_to(np.eye(x.shape[-1]), xx.shape), atol=1e-12)


def test_svd_is_linalg_svd_with_v() -> None:
    """The same factors as linalg.svd(A, full_matrices=not some), V = Vh^T."""
    A = mg.from_numpy(_rng(1).standard_normal((2, 5, 3)))
    for some in (True, False):
        U, S, V = mg.svd(A, some)
        U2, S2, Vh2 = mg.linalg.svd(A, full_matrices=not some)
        assert mg.equal(U, U2) and mg.equal(S, S2) and mg.equal(V, Vh2.mT)


def test_float32() -> None:
    torch = _torch()
    a = _rng(2).standard_normal((2, 4, 3)).astype(np.float32)
    U, S, V = mg.from_numpy(a).svd()
    assert U.dtype == S.dtype == V.dtype == mg.float32
    np.testing.assert_allclose(S.numpy(), torch.svd(torch.from_numpy(a)).S.numpy(), rtol=1e-5)
    assert mg.svd(mg.from_numpy(a), compute_uv=False).U.dtype == mg.float32


# ---------------------------------------------------------------------------------------------
# svd: gradients


@pytest.mark.parametrize("method", [False, True], ids=["function", "method"])
@pytest.mark.parametrize("some", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
def test_svd_gradients_like_torch(shape: tuple[int, ...], some: bool, method: bool) -> None:
    torch = _torch()
    a = _rng(3).standard_normal(shape)
    A, T = _leaf(a), torch.tensor(a, requires_grad=True)
    out = _sign_invariant(mg, *_call(mg, A, method, some=some))
    ref = _sign_invariant(torch, *_call(torch, T, method, some=some))
    np.testing.assert_allclose(out.item(), ref.item(), rtol=1e-10)
    out.backward()
    ref.backward()
    np.testing.assert_allclose(A.grad.numpy(), T.grad.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 2)])
def test_some_false_extra_columns_get_no_gradient_like_torch(shape: tuple[int, ...]) -> None:
    """A loss of every column of the full U and V: the columns past min(m, n) get no
    gradient (PyTorch ignores them: they are any basis of a null space)."""
    torch = _torch()
    a = _rng(4).standard_normal(shape)
    A, T = _leaf(a), torch.tensor(a, requires_grad=True)
    for lib, X in ((mg, A), (torch, T)):
        U, S, V = lib.svd(X, some=False)
        ((U**2).sum(-2).sum() + (V**4).sum() + S.sum()).backward()
    np.testing.assert_allclose(A.grad.numpy(), T.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("method", [False, True], ids=["function", "method"])
def test_compute_uv_false_s_is_differentiable_u_v_are_not_like_torch(method: bool) -> None:
    """With compute_uv=False, S carries svdvals' gradient (PyTorch 2.13's too, despite its old
    note) and the zero-filled U and V require no grad, so a loss of them alone is refused."""
    torch = _torch()
    a = _rng(5).standard_normal((2, 4, 3))
    A, T = _leaf(a), torch.tensor(a, requires_grad=True)
    got = _call(mg, A, method, compute_uv=False)
    ref = _call(torch, T, method, compute_uv=False)
    assert [x.requires_grad for x in got] == [x.requires_grad for x in ref] == [False, True, False]
    assert got.U.grad_fn is None and got.V.grad_fn is None and got.U.is_leaf
    w = np.arange(1.0, 4.0)
    (got.S**2 * mg.from_numpy(w)).sum().backward()
    (ref.S**2 * torch.from_numpy(w)).sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), T.grad.numpy(), rtol=1e-10, atol=1e-12)
    with pytest.raises(RuntimeError, match="does not require grad"):
        ref.U.sum().backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        got.U.sum().backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        mg.autograd.grad(got.V.sum(), A)
    # U and V add nothing to a loss that also has S: the gradient is S's alone
    B = _leaf(a)
    r = mg.svd(B, compute_uv=False)
    (r.S.sum() + r.U.sum() + r.V.sum()).backward()
    U, _, Vh = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(B.grad.numpy(), U @ Vh, atol=1e-12)


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 4), (2, 3, 2)])
@pytest.mark.parametrize(
    "fn",
    [
        lambda A: _sign_invariant(mg, *mg.svd(A)),
        lambda A: _sign_invariant(mg, *A.svd(some=False)),
        lambda A: (lambda U, S, V: (U * S.unsqueeze(-2)) @ V.mT)(*mg.svd(A)),
        lambda A: mg.svd(A, compute_uv=False).S,
    ],
    ids=["factors", "factors_full", "usvt", "compute_uv_false"],
)
def test_svd_finite_differences(shape: tuple[int, ...], fn: Any) -> None:
    A = _leaf(_rng(6).standard_normal(shape))
    assert mg.gradcheck(fn, [A])
    assert mg.gradgradcheck(fn, [A])


@pytest.mark.parametrize("some", [True, False])
def test_svd_second_order_like_torch(some: bool) -> None:
    """A gradient taken with create_graph, differentiated again: PyTorch's values."""
    torch = _torch()
    a = _rng(7).standard_normal((4, 3))
    w = _rng(8).standard_normal((4, 3))
    A, T = _leaf(a), torch.tensor(a, requires_grad=True)
    (g,) = mg.autograd.grad(_sign_invariant(mg, *mg.svd(A, some)), A, create_graph=True)
    (tg,) = torch.autograd.grad(_sign_invariant(torch, *torch.svd(T, some)), T, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), tg.detach().numpy(), rtol=1e-8, atol=1e-10)
    (g * mg.from_numpy(w)).sin().sum().backward()
    (tg * torch.from_numpy(w)).sin().sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), T.grad.numpy(), rtol=1e-7, atol=1e-9)


def test_svd_finite_differences_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks above go through the SVD op's rule: one off by a factor is caught."""
    from minigrad import linalg_svd

    rule = linalg_svd.SVD.backward
    monkeypatch.setattr(linalg_svd.SVD, "backward", lambda *a: (1.01 * rule(*a)[0],))
    A = _leaf(_rng(9).standard_normal((3, 2)))
    assert not mg.gradcheck(lambda x: _sign_invariant(mg, *mg.svd(x)), [A], raise_exception=False)


# ---------------------------------------------------------------------------------------------
# pinverse


def _spread(shape: tuple[int, ...], s: list[float], seed: int = 10) -> np.ndarray:
    """A matrix with the singular values ``s`` (k = len(s) = min(m, n))."""
    r = _rng(seed)
    m, n = shape
    U, _ = np.linalg.qr(r.standard_normal((m, len(s))))
    V, _ = np.linalg.qr(r.standard_normal((n, len(s))))
    return (U * np.array(s)) @ V.T


@pytest.mark.parametrize("method", [False, True], ids=["function", "method"])
@pytest.mark.parametrize("rcond", [None, 1e-15, 1e-6, 1e-2, 0.0, -1.0, 2.0, 1, True, math.nan])
@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5)])
def test_pinverse_like_torch(shape: tuple[int, ...], rcond: Any, method: bool) -> None:
    """rcond is linalg.pinv's rtol with atol=0: at or below rcond * S_max counts as 0."""
    torch = _torch()
    a = _spread(shape, [1.0, 1e-3, 1e-9])
    kw = {} if rcond is None else {"rcond": rcond}
    A, T = mg.from_numpy(a), torch.from_numpy(a)
    got = (A.pinverse(**kw) if method else mg.pinverse(A, **kw)).numpy()
    ref = (T.pinverse(**kw) if method else torch.pinverse(T, **kw)).numpy()
    scale = max(np.abs(ref).max(), 1.0)
    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-9 * scale)
    rtol = 1e-15 if rcond is None else float(rcond)
    np.testing.assert_allclose(got, mg.linalg.pinv(A, atol=0.0, rtol=rtol).numpy())


def test_pinverse_float32_keeps_what_linalg_pinv_drops() -> None:
    """The default rcond=1e-15 is not linalg.pinv's eps * max(m, n): in float32 a singular
    value of 1e-8 is inverted by pinverse (PyTorch's too) and dropped by linalg.pinv."""
    torch = _torch()
    a = np.diag([1.0, 1e-8, 0.0]).astype(np.float32)
    got = mg.pinverse(mg.from_numpy(a))
    ref = torch.pinverse(torch.from_numpy(a))
    assert got.dtype == mg.float32
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-6)
    assert got.numpy()[1, 1] == pytest.approx(1e8)
    assert mg.linalg.pinv(mg.from_numpy(a)).numpy()[1, 1] == 0.0


def test_pinverse_rcond_forms_like_torch() -> None:
    """rcond as PyTorch's parser takes a float: NumPy scalars and a 0-dim tensor too."""
    torch = _torch()
    a = _spread((4, 3), [1.0, 0.4, 0.01])
    for rcond in (np.float64(0.5), np.float32(0.1), np.int64(1)):
        ref = torch.pinverse(torch.from_numpy(a), rcond).numpy()
        np.testing.assert_allclose(mg.pinverse(mg.from_numpy(a), rcond).numpy(), ref, atol=1e-12)
    ref = torch.from_numpy(a).pinverse(torch.tensor(0.1)).numpy()
    got = mg.from_numpy(a).pinverse(mg.tensor(0.1, dtype=mg.float64)).numpy()
    np.testing.assert_allclose(got, ref, atol=1e-12)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (2, 0, 4), (2, 3, 3)])
def test_pinverse_shapes_like_torch(shape: tuple[int, ...]) -> None:
    torch = _torch()
    a = _rng(11).standard_normal(shape)
    got, ref = mg.pinverse(mg.from_numpy(a)), torch.pinverse(torch.from_numpy(a))
    assert got.shape == tuple(ref.shape)
    np.testing.assert_allclose(got.numpy(), ref.numpy(), atol=1e-10)
    zero = mg.pinverse(mg.zeros(2, 3))
    assert zero.shape == (3, 2) and not zero.numpy().any()


@pytest.mark.parametrize("method", [False, True], ids=["function", "method"])
@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5), (2, 4, 3)])
def test_pinverse_gradients_like_torch(shape: tuple[int, ...], method: bool) -> None:
    torch = _torch()
    a = _rng(12).standard_normal(shape)
    A, T = _leaf(a), torch.tensor(a, requires_grad=True)
    for lib, X in ((mg, A), (torch, T)):
        P = X.pinverse() if method else lib.pinverse(X)
        (P * P.sin()).sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), T.grad.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 4), (2, 3, 2)])
def test_pinverse_finite_differences(shape: tuple[int, ...]) -> None:
    A = _leaf(_rng(13).standard_normal(shape))
    assert mg.gradcheck(mg.pinverse, [A])
    assert mg.gradgradcheck(lambda x: x.pinverse(0.0), [A])


def test_pinverse_second_order_like_torch() -> None:
    torch = _torch()
    a = _rng(14).standard_normal((3, 4))
    A, T = _leaf(a), torch.tensor(a, requires_grad=True)
    (g,) = mg.autograd.grad((mg.pinverse(A) ** 3).sum(), A, create_graph=True)
    (tg,) = torch.autograd.grad((torch.pinverse(T) ** 3).sum(), T, create_graph=True)
    (g**2).sum().backward()
    (tg**2).sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), T.grad.numpy(), rtol=1e-7, atol=1e-9)


# ---------------------------------------------------------------------------------------------
# Errors, as PyTorch's and before anything is recorded


def _same_error(call: Any, kind: type[BaseException] = RuntimeError) -> str:
    """Run ``call`` on torch and on minigrad: the same exception type, minigrad's message
    starting with PyTorch's (minigrad may add a hint after it). Returns minigrad's message."""
    torch = _torch()
    with pytest.raises(kind) as ref:
        call(torch)
    with pytest.raises(kind) as got:
        call(mg)
    expected = str(ref.value)
    assert str(got.value).startswith(expected), (str(got.value), expected)
    return str(got.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.svd(lib.ones(3)),
        lambda lib: lib.svd(lib.ones(3), compute_uv=False),
        lambda lib: lib.ones(2, 2, 2).sum(0).sum(0).svd(),
        lambda lib: lib.svd(lib.ones(3, 3, dtype=lib.int64)),
        lambda lib: lib.ones(3, 3, dtype=lib.bool).svd(),
        lambda lib: lib.pinverse(lib.ones(3)),
        lambda lib: lib.pinverse(lib.ones(3, 3, dtype=lib.int64)),
        lambda lib: lib.ones(3, 3, dtype=lib.bool).pinverse(),
        lambda lib: lib.pinverse(lib.ones(3, 3, dtype=lib.float16)),
    ],
)
def test_runtime_errors_like_torch(call: Any) -> None:
    _same_error(call)


def test_half_refused_like_torch() -> None:
    message = _same_error(
        lambda lib: lib.svd(lib.ones(3, 3, dtype=lib.float16)), NotImplementedError
    )
    assert "A.float()" in message
    _same_error(lambda lib: lib.linalg.svd(lib.ones(3, 3, dtype=lib.float16)), NotImplementedError)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.svd([[1.0]]),
        lambda lib: lib.svd(lib.ones(3, 3), 2),
        lambda lib: lib.svd(lib.ones(3, 3), True, None),
        lambda lib: lib.ones(3, 3).svd(1),
        lambda lib: lib.ones(3, 3).svd(False, 0),
        lambda lib: lib.svd(lib.ones(3, 3), np.bool_(True)),
        lambda lib: lib.pinverse([[1.0]]),
        lambda lib: lib.pinverse(lib.ones(3, 3), "x"),
        lambda lib: lib.pinverse(lib.ones(3, 3), 1j),
        lambda lib: lib.ones(3, 3).pinverse(None),
        lambda lib: lib.ones(3, 3).pinverse(lib.ones(1)),
    ],
)
def test_argument_errors_like_torch(call: Any) -> None:
    """Passed by position, the words are PyTorch's exactly; by keyword PyTorch drops the
    "(position n)" that minigrad keeps."""
    _same_error(call, TypeError)


def test_keyword_argument_errors() -> None:
    with pytest.raises(TypeError, match=r"svd\(\): argument 'some' \(position 2\) must be bool"):
        mg.svd(mg.ones(3, 3), some=0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"argument 'compute_uv' \(position 2\) must be bool"):
        mg.ones(3, 3).svd(compute_uv=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"pinverse\(\): argument 'rcond' \(position 1\)"):
        mg.ones(3, 3).pinverse(rcond="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"must be float, not Tensor"):
        mg.pinverse(mg.ones(3, 3), rcond=mg.tensor(0.5, requires_grad=True))
    with pytest.raises(TypeError, match="unexpected keyword argument 'rtol'"):
        mg.pinverse(mg.ones(3, 3), rtol=0.1)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "call",
    [
        lambda A: mg.svd(A, some=1),
        lambda A: mg.svd(A.sum(0)),
        lambda A: A.int().svd(),
        lambda A: mg.pinverse(A, "x"),
        lambda A: mg.pinverse(A.sum(0)),
    ],
)
def test_bad_input_records_nothing(call: Any) -> None:
    A = _leaf(np.ones((5, 3)))
    with pytest.raises((RuntimeError, TypeError)):
        call(A)
    assert A.grad is None and A.grad_fn is None and A._version == 0


def test_names_are_no_longer_missing() -> None:
    """The names resolve (they used to raise "minigrad does not have torch.svd")."""
    assert "svd" in mg.__all__ and "pinverse" in mg.__all__
    assert mg.svd.__doc__ and mg.pinverse.__doc__
    assert Tensor.svd.__doc__ and Tensor.pinverse.__doc__
    from minigrad import pinverse, svd  # noqa: F401
