"""linalg.svd, svdvals, matrix_rank, pinv and lstsq: values and gradients against PyTorch and
float64 finite differences (first and second order).

Singular vectors are unique only up to sign, and LAPACK's signs may differ between NumPy and
PyTorch: the tests compare reconstructions, |U|, singular values and sign-invariant losses.
Gradients are checked at distinct singular values only (repeated ones make them undefined).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor

SHAPES = [(3, 3), (4, 3), (3, 5), (2, 4, 3), (2, 1, 3, 4)]


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _torch() -> Any:
    return pytest.importorskip("torch")


def _leaf(a: np.ndarray) -> Tensor:
    return mg.from_numpy(a.copy()).requires_grad_()


def _sign_invariant(lib: Any, U: Any, S: Any, Vh: Any) -> Any:
    """A loss of all three factors that no flip of a singular vector pair changes."""
    m, k, n = U.shape[-2], U.shape[-1], Vh.shape[-1]
    wu = lib.arange(m * k, dtype=U.dtype).reshape(m, k)
    wv = lib.arange(k * n, dtype=U.dtype).reshape(k, n).cos()
    return (U * U * wu).sum() + (Vh * Vh * wv).sum() + (S**3).sum()


def _usvh(lib: Any, A: Any) -> Any:
    U, S, Vh = lib.linalg.svd(A, full_matrices=False)
    return (U * S.unsqueeze(-2)) @ Vh


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("full", [True, False])
def test_svd_values_like_torch(shape: tuple[int, ...], full: bool) -> None:
    torch = _torch()
    a = _rng().standard_normal(shape)
    U, S, Vh = mg.linalg.svd(mg.from_numpy(a), full_matrices=full)
    tU, tS, tVh = torch.linalg.svd(torch.from_numpy(a), full_matrices=full)
    assert U.shape == tuple(tU.shape) and Vh.shape == tuple(tVh.shape)
    np.testing.assert_allclose(S.numpy(), tS.numpy(), atol=1e-12)
    k = min(shape[-2:])  # (the extra columns span a null space: any basis of it will do)
    np.testing.assert_allclose(np.abs(U.numpy()[..., :k]), np.abs(tU.numpy()[..., :k]), atol=1e-10)
    np.testing.assert_allclose(
        np.abs(Vh.numpy()[..., :k, :]), np.abs(tVh.numpy()[..., :k, :]), atol=1e-10
    )
    np.testing.assert_allclose(
        (U.numpy()[..., :k] * S.numpy()[..., None, :]) @ Vh.numpy()[..., :k, :], a, atol=1e-12
    )
    # orthonormal columns and rows, the extra ones too
    uu, vv = U.numpy().swapaxes(-1, -2) @ U.numpy(), Vh.numpy() @ Vh.numpy().swapaxes(-1, -2)
    np.testing.assert_allclose(uu, np.broadcast_to(np.eye(U.shape[-1]), uu.shape), atol=1e-12)
    np.testing.assert_allclose(vv, np.broadcast_to(np.eye(Vh.shape[-2]), vv.shape), atol=1e-12)
    assert type(mg.linalg.svd(mg.from_numpy(a))).__name__ == "LinalgSvd"
    assert mg.linalg.svd(mg.from_numpy(a))._fields == ("U", "S", "Vh")


def test_float32() -> None:
    torch = _torch()
    a = _rng(1).standard_normal((2, 4, 3)).astype(np.float32)
    S = mg.linalg.svdvals(mg.from_numpy(a))
    assert S.dtype == mg.float32
    np.testing.assert_allclose(S.numpy(), torch.linalg.svdvals(torch.from_numpy(a)), rtol=1e-5)
    np.testing.assert_allclose(
        mg.linalg.pinv(mg.from_numpy(a)).numpy(),
        torch.linalg.pinv(torch.from_numpy(a)).numpy(),
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    "loss",
    [
        lambda lib, A: _sign_invariant(lib, *lib.linalg.svd(A, full_matrices=False)),
        lambda lib, A: (_usvh(lib, A) ** 3).sum(),
        lambda lib, A: (lib.linalg.svdvals(A) ** 2 * lib.arange(1.0, 1 + min(A.shape[-2:]))).sum(),
        lambda lib, A: (lib.linalg.pinv(A) * lib.linalg.pinv(A).sin()).sum(),
    ],
    ids=["factors", "usvh", "svdvals", "pinv"],
)
def test_gradients_like_torch(shape: tuple[int, ...], loss: Any) -> None:
    torch = _torch()
    a = _rng(2).standard_normal(shape)
    A = _leaf(a)
    T = torch.tensor(a, requires_grad=True)
    out, ref = loss(mg, A), loss(torch, T)
    np.testing.assert_allclose(out.item(), ref.item(), rtol=1e-10)
    out.backward()
    ref.backward()
    np.testing.assert_allclose(A.grad.numpy(), T.grad.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 2)])
def test_full_matrices_gradient_like_torch(shape: tuple[int, ...]) -> None:
    """The extra columns of U and Vh get no gradient (PyTorch narrows them away)."""
    torch = _torch()
    a = _rng(3).standard_normal(shape)
    A, T = _leaf(a), torch.tensor(a, requires_grad=True)
    for lib, X in ((mg, A), (torch, T)):
        U, S, Vh = lib.linalg.svd(X)
        (
            (U * U).sum(-2) @ lib.ones(U.shape[-1], dtype=U.dtype) + (Vh**4).sum() + S.sum()
        ).sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), T.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 4), (2, 3, 2)])
@pytest.mark.parametrize(
    "fn",
    [
        lambda A: _sign_invariant(mg, *mg.linalg.svd(A, full_matrices=False)),
        lambda A: _usvh(mg, A),
        lambda A: mg.linalg.svdvals(A),
        lambda A: mg.linalg.pinv(A),
    ],
    ids=["factors", "usvh", "svdvals", "pinv"],
)
def test_finite_differences(shape: tuple[int, ...], fn: Any) -> None:
    A = _leaf(_rng(4).standard_normal(shape))
    assert mg.gradcheck(fn, [A])
    assert mg.gradgradcheck(fn, [A])


def test_non_contiguous_input() -> None:
    torch = _torch()
    a = _rng(5).standard_normal((4, 3))
    A = _leaf(a.T.copy())  # A.mT below: a transposed (non-contiguous) view
    T = torch.tensor(a.T.copy(), requires_grad=True)
    for lib, X in ((mg, A), (torch, T)):
        (lib.linalg.pinv(X.mT) ** 2).sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), T.grad.numpy(), atol=1e-10)
    assert mg.gradcheck(lambda x: mg.linalg.svdvals(x.mT), [A])
    assert mg.gradgradcheck(lambda x: mg.linalg.svdvals(x[:, ::2]), [_leaf(a)])


def test_repeated_singular_values_like_torch() -> None:
    """svdvals stays finite at the identity; a loss of U divides by zero there, as in PyTorch."""
    torch = _torch()
    A = _leaf(np.eye(3))
    mg.linalg.svdvals(A).sum().backward()
    T = torch.eye(3, dtype=torch.float64, requires_grad=True)
    torch.linalg.svdvals(T).sum().backward()
    np.testing.assert_allclose(A.grad.numpy(), T.grad.numpy())
    A = _leaf(np.eye(3))
    U, _, _ = mg.linalg.svd(A)
    (U * U).sum().backward()
    assert np.isnan(A.grad.numpy()).all()


def test_svd_backward_catches_a_wrong_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """The finite-difference check above can fail: a rule off by a factor is caught."""
    from minigrad import linalg_svd

    rule = linalg_svd.SVD.backward
    monkeypatch.setattr(linalg_svd.SVD, "backward", lambda *a: (1.01 * rule(*a)[0],))
    A = _leaf(_rng(6).standard_normal((3, 2)))
    assert not mg.gradcheck(mg.linalg.svdvals, [A], raise_exception=False)


# ---------------------------------------------------------------------------------------------
# matrix_rank, pinv tolerances


def _low_rank(shape: tuple[int, ...], rank: int, seed: int = 7) -> np.ndarray:
    r = _rng(seed)
    left = r.standard_normal((*shape[:-1], rank))
    return left @ r.standard_normal((*shape[:-2], rank, shape[-1]))


@pytest.mark.parametrize(
    "kw",
    [{}, {"atol": 1.0}, {"rtol": 0.3}, {"atol": 0.5, "rtol": 0.2}, {"hermitian": True}],
)
def test_matrix_rank_and_pinv_like_torch(kw: dict[str, Any]) -> None:
    torch = _torch()
    a = _low_rank((2, 5, 4), 2)
    a[1] = _rng(8).standard_normal((5, 4))
    if kw.get("hermitian"):
        a = _rng(9).standard_normal((2, 4, 4))
        a[0] = _low_rank((4, 4), 2)
        a[0] = a[0] + a[0].T
    rank = mg.linalg.matrix_rank(mg.from_numpy(a), **kw)
    ref = torch.linalg.matrix_rank(torch.from_numpy(a), **kw)
    assert rank.dtype == mg.int64 and rank.tolist() == ref.tolist()
    np.testing.assert_allclose(
        mg.linalg.pinv(mg.from_numpy(a), **kw).numpy(),
        torch.linalg.pinv(torch.from_numpy(a), **kw).numpy(),
        atol=1e-10,
    )


def test_tensor_tolerances_like_torch() -> None:
    torch = _torch()
    a = _rng(10).standard_normal((3, 4, 4))
    atol = np.array([0.0, 1.0, 2.5])
    out = mg.linalg.matrix_rank(mg.from_numpy(a), atol=mg.from_numpy(atol))
    ref = torch.linalg.matrix_rank(torch.from_numpy(a), atol=torch.from_numpy(atol))
    assert out.tolist() == ref.tolist()


# ---------------------------------------------------------------------------------------------
# lstsq


_LSTSQ_SHAPES = [
    ((5, 3), (5, 2)), ((5, 3), (5,)), ((3, 5), (3, 2)), ((2, 4, 3), (2, 4, 2)), ((4, 4), (4,))
]  # fmt: skip


@pytest.mark.parametrize(
    ("a_shape", "b_shape", "driver"),
    [
        (a, b, driver)
        for a, b in _LSTSQ_SHAPES
        for driver in (None, "gelsy", "gelsd", "gelss", "gels")
        if not (driver == "gels" and a[-2] < a[-1])  # (gels: full-rank tall or square systems)
    ],
)
def test_lstsq_like_torch(a_shape: tuple[int, ...], b_shape: tuple[int, ...], driver: Any) -> None:
    torch = _torch()
    r = _rng(11)
    a, b = r.standard_normal(a_shape), r.standard_normal(b_shape)
    A, B = _leaf(a), _leaf(b)
    TA, TB = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    out = mg.linalg.lstsq(A, B, driver=driver)
    ref = torch.linalg.lstsq(TA, TB, driver=driver)
    assert out._fields == ("solution", "residuals", "rank", "singular_values")
    for name in out._fields:
        got, want = getattr(out, name), getattr(ref, name)
        assert got.shape == tuple(want.shape), name
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1], name
        np.testing.assert_allclose(
            got.detach().numpy(), want.detach().numpy(), atol=1e-10, err_msg=name
        )
    loss = (out.solution**2).sum() + (out.residuals.sum() if out.residuals.numel() else 0)
    tloss = (ref.solution**2).sum() + (ref.residuals.sum() if ref.residuals.numel() else 0)
    loss.backward()
    tloss.backward()
    np.testing.assert_allclose(A.grad.numpy(), TA.grad.numpy(), atol=1e-9)
    np.testing.assert_allclose(B.grad.numpy(), TB.grad.numpy(), atol=1e-9)


def test_lstsq_rank_deficient_minimum_norm_like_torch() -> None:
    torch = _torch()
    a, b = _low_rank((5, 4), 2), _rng(12).standard_normal((5, 2))
    out = mg.linalg.lstsq(mg.from_numpy(a), mg.from_numpy(b))
    ref = torch.linalg.lstsq(torch.from_numpy(a), torch.from_numpy(b))
    assert out.rank.item() == ref.rank.item() == 2
    np.testing.assert_allclose(out.solution.numpy(), ref.solution.numpy(), atol=1e-10)


@pytest.mark.parametrize("shapes", [((4, 3), (4, 2)), ((3, 4), (3,)), ((2, 4, 2), (2, 4, 3))])
def test_lstsq_finite_differences(shapes: tuple[tuple[int, ...], tuple[int, ...]]) -> None:
    r = _rng(13)
    A, B = (_leaf(r.standard_normal(s)) for s in shapes)

    def fn(A: Tensor, B: Tensor) -> Tensor:
        return mg.linalg.lstsq(A, B).solution

    assert mg.gradcheck(fn, [A, B])
    assert mg.gradgradcheck(fn, [A, B])


# ---------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.linalg.svd(lib.ones(3)),
        lambda lib: lib.linalg.svd(lib.ones(3, 3, dtype=lib.int64)),
        lambda lib: lib.linalg.svdvals(lib.ones(3)),
        lambda lib: lib.linalg.pinv(lib.ones(3)),
        lambda lib: lib.linalg.pinv(lib.ones(3, 3, dtype=lib.int64)),
        lambda lib: lib.linalg.matrix_rank(lib.ones(3)),
        lambda lib: lib.linalg.lstsq(lib.ones(3), lib.ones(3)),
        lambda lib: lib.linalg.lstsq(lib.ones(5, 3), lib.ones(4, 2)),
        lambda lib: lib.linalg.lstsq(lib.ones(5, 3), lib.ones(5, 2, dtype=lib.float64)),
        lambda lib: lib.linalg.lstsq(lib.ones(5, 3), lib.ones(2, 5, 2)),
        lambda lib: lib.linalg.lstsq(lib.ones(5, 3), lib.ones(5), driver="foo"),
    ],
)
def test_errors_like_torch(call: Any) -> None:
    torch = _torch()
    with pytest.raises(RuntimeError) as ref:
        call(torch)
    with pytest.raises(RuntimeError) as got:
        call(mg)
    assert str(got.value).startswith(str(ref.value).split(" Got ")[0])


def test_not_a_tensor() -> None:
    with pytest.raises(TypeError, match=r"linalg_svd\(\): argument 'A'"):
        mg.linalg.svd([[1.0]])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"linalg_lstsq\(\): argument 'b' \(position 2\)"):
        mg.linalg.lstsq(mg.ones(2, 2), [1.0])  # type: ignore[arg-type]


def test_bad_input_records_nothing() -> None:
    A = _leaf(np.ones((5, 3)))
    with pytest.raises(RuntimeError):
        mg.linalg.lstsq(A, mg.ones(4, 2, dtype=mg.float64))
    assert A.grad is None and A.grad_fn is None


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [(-2, -1), (0, 2), (2, 0)])
@pytest.mark.parametrize("ord", ["nuc", 2, -2])
def test_matrix_norms_of_the_singular_values_equal_torchs(ord, dim, keepdim):
    """'nuc', 2 and -2 norms: the singular values' sum, largest and smallest (values and
    gradients against torch in float64, any pair of dims, keepdim; finite differences at first
    and second order)."""
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(3).standard_normal((3, 4, 5))
    x = mg.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    out = mg.linalg.matrix_norm(x, ord, dim, keepdim)
    tout = torch.linalg.matrix_norm(tx, ord, dim, keepdim)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12)
    assert tuple(out.shape) == tuple(tout.shape)
    w = np.random.default_rng(4).standard_normal(tuple(tout.shape))
    (out * mg.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    small = mg.tensor(a[:2, :3, :3], requires_grad=True)
    assert mg.gradcheck(lambda t: mg.linalg.matrix_norm(t, ord, dim, keepdim), [small])
    assert mg.gradgradcheck(lambda t: mg.linalg.matrix_norm(t, ord, dim, keepdim), [small])
