"""The rest of ``torch.linalg`` in minigrad.linalg: matmul, diagonal, vecdot, multi_dot, vander,
cond, tensorinv, tensorsolve, solve_triangular, the LU family and the ``*_ex`` forms; values
and gradients against PyTorch in float64, first- and second-order finite differences (batched
and non-contiguous inputs), PyTorch's errors, and the refusals of eig, eigvals and ldl_*."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.gradcheck import gradcheck, gradgradcheck


def _torch() -> Any:
    return pytest.importorskip("torch")


def _real(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def _invertible(*shape: int, seed: int = 0) -> np.ndarray:
    """Far from singular, and with LU pivots that stay put under finite differences."""
    return 1.5 * np.eye(shape[-1]) + 0.3 * _real(*shape, seed=seed)


def _spd(*shape: int, seed: int = 0) -> np.ndarray:
    x = _real(*shape, seed=seed)
    return x @ x.swapaxes(-1, -2) + shape[-1] * np.eye(shape[-1])


Fn = Callable[..., Any]

# (name, fn(lib, *tensors) with lib minigrad or torch, the input arrays). Each is compared with
# torch (values and gradients) and checked by finite differences of first and second order.
CASES: list[tuple[str, Fn, list[np.ndarray]]] = [
    ("matmul", lambda L, a, b: L.linalg.matmul(a, b), [_real(2, 3, 4), _real(4, 2, seed=1)]),
    (
        "diagonal",
        lambda L, a: L.linalg.diagonal(a, offset=-1, dim1=0, dim2=2),
        [_real(4, 2, 3)],
    ),
    ("vecdot", lambda L, x, y: L.linalg.vecdot(x, y), [_real(2, 3), _real(3, seed=1)]),
    (
        "vecdot_dim",
        lambda L, x, y: L.linalg.vecdot(x, y, dim=0),
        [_real(3, 2), _real(3, 1, seed=1)],
    ),
    (
        "multi_dot_2",
        lambda L, a, b: L.linalg.multi_dot([a, b]),
        [_real(3), _real(3, 4, seed=1)],
    ),
    (
        "multi_dot_3",
        lambda L, a, b, c: L.linalg.multi_dot((a, b, c)),
        [_real(5, 2), _real(2, 6, seed=1), _real(6, seed=2)],
    ),
    (
        "multi_dot_5",
        lambda L, *ms: L.linalg.multi_dot(list(ms)),
        [_real(3), _real(3, 7, seed=1), _real(7, 2, seed=2), _real(2, 5, seed=3), _real(5, 4)],
    ),
    ("vander", lambda L, x: L.linalg.vander(x), [_real(2, 3)]),
    ("vander_N", lambda L, x: L.linalg.vander(x, N=5), [_real(4)]),
    ("cond_default", lambda L, a: L.linalg.cond(a), [_real(2, 3, 3)]),
    ("cond_2_wide", lambda L, a: L.linalg.cond(a, 2), [_real(3, 5)]),
    ("cond_-2", lambda L, a: L.linalg.cond(a, -2), [_real(2, 4, 3)]),
    ("cond_fro", lambda L, a: L.linalg.cond(a, "fro"), [_invertible(2, 3, 3)]),
    ("cond_nuc", lambda L, a: L.linalg.cond(a, "nuc"), [_invertible(3, 3)]),
    ("cond_1", lambda L, a: L.linalg.cond(a, 1), [_invertible(3, 3)]),
    ("cond_-1", lambda L, a: L.linalg.cond(a, -1), [_invertible(2, 3, 3)]),
    ("cond_inf", lambda L, a: L.linalg.cond(a, math.inf), [_invertible(3, 3)]),
    ("cond_-inf", lambda L, a: L.linalg.cond(a, -math.inf), [_invertible(3, 3)]),
    (
        "tensorinv",
        lambda L, a: L.linalg.tensorinv(a.reshape(2, 3, 6), ind=2),
        [_invertible(6, 6)],
    ),
    (
        "tensorsolve",
        lambda L, a, b: L.linalg.tensorsolve(a.reshape(2, 3, 2, 3), b),
        [_invertible(6, 6), _real(2, 3, seed=1)],
    ),
    (
        "tensorsolve_dims",
        lambda L, a, b: L.linalg.tensorsolve(a.reshape(6, 2, 3), b, dims=(0,)),
        [_invertible(6, 6), _real(2, 3, seed=1)],
    ),
    (
        "solve_triangular_upper",
        lambda L, a, b: L.linalg.solve_triangular(a, b, upper=True),
        [_invertible(2, 3, 3), _real(3, 2, seed=1)],
    ),
    (
        "solve_triangular_lower_right",
        lambda L, a, b: L.linalg.solve_triangular(a, b, upper=False, left=False),
        [_invertible(3, 3), _real(2, 4, 3, seed=1)],
    ),
    (
        "solve_triangular_unit",
        lambda L, a, b: L.linalg.solve_triangular(a, b, upper=False, unitriangular=True),
        [_invertible(2, 3, 3), _real(2, 3, 1, seed=1)],
    ),
    (
        "solve_triangular_noncontiguous",
        lambda L, a, b: L.linalg.solve_triangular(a.mT, b[..., ::2], upper=True),
        [_invertible(3, 3), _real(3, 4, seed=1)],
    ),
    ("lu_factor", lambda L, a: L.linalg.lu_factor(a).LU, [_invertible(2, 3, 3)]),
    ("lu_factor_real", lambda L, a: L.linalg.lu_factor(a).LU, [_real(4, 4, seed=3)]),
    ("lu_factor_noncontiguous", lambda L, a: L.linalg.lu_factor(a.mT).LU, [_real(2, 3, 3)]),
    ("lu_factor_ex_wide", lambda L, a: L.linalg.lu_factor_ex(a).LU, [_real(2, 3, 5)]),
    ("lu_factor_ex_tall", lambda L, a: L.linalg.lu_factor_ex(a).LU, [_real(5, 3)]),
    ("lu_L_and_U", lambda L, a: L.linalg.lu(a).L * 2 + L.linalg.lu(a).U, [_real(2, 4, 4)]),
    ("lu_wide_L", lambda L, a: L.linalg.lu(a).L, [_real(3, 5)]),
    ("lu_wide_U", lambda L, a: L.linalg.lu(a).U, [_real(2, 3, 5)]),
    ("lu_tall_L", lambda L, a: L.linalg.lu(a).L, [_real(2, 5, 3)]),
    ("lu_tall_U", lambda L, a: L.linalg.lu(a).U, [_real(5, 3)]),
    (
        "lu_solve",
        lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b),
        [_real(2, 3, 3, seed=4), _real(3, 2, seed=1)],
    ),
    (
        "lu_solve_adjoint",
        lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b, adjoint=True),
        [_real(3, 3, seed=4), _real(2, 3, 2, seed=1)],
    ),
    (
        "lu_solve_right",
        lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b, left=False),
        [_real(2, 3, 3, seed=4), _real(2, 4, 3, seed=1)],
    ),
    (
        "lu_solve_right_adjoint",
        lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b, left=False, adjoint=True),
        [_real(3, 3, seed=4), _real(4, 3, seed=1)],
    ),
    (
        "lu_solve_noncontiguous",
        lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a.mT), b.mT),
        [_real(3, 3, seed=4), _real(2, 3, seed=1)],
    ),
    ("inv_ex", lambda L, a: L.linalg.inv_ex(a).inverse, [_invertible(2, 3, 3)]),
    ("solve_ex", lambda L, a, b: L.linalg.solve_ex(a, b).result, [_invertible(2, 3, 3), _real(3)]),
    (
        "solve_ex_right",
        lambda L, a, b: L.linalg.solve_ex(a, b, left=False).result,
        [_invertible(3, 3), _real(2, 4, 3)],
    ),
    (
        "cholesky_ex",
        lambda L, a: L.linalg.cholesky_ex(a @ a.mT + 3 * L.eye(3, dtype=a.dtype)).L,
        [_real(2, 3, 3)],
    ),
    (
        "cholesky_ex_upper",
        lambda L, a: L.linalg.cholesky_ex(a @ a.mT + 3 * L.eye(3, dtype=a.dtype), upper=True).L,
        [_real(3, 3)],
    ),
]
IDS = [c[0] for c in CASES]
# PyTorch's cond for these orders fills the output of inv_ex in place, so its backward raises
# ("modified by an inplace operation"); minigrad's gradient is the composition's, checked by
# finite differences below.
NO_TORCH_GRADIENT = {"cond_fro", "cond_1", "cond_-1", "cond_inf", "cond_-inf"}


@pytest.mark.parametrize(("name", "fn", "arrays"), CASES, ids=IDS)
def test_values_and_gradients_match_torch(name: str, fn: Fn, arrays: list[np.ndarray]) -> None:
    torch = _torch()
    xs = [mg.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = fn(mg, *xs), fn(torch, *ts)
    assert tuple(out.shape) == tuple(ref.shape) and out.dtype == mg.float64
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-9, atol=1e-10)
    if name in NO_TORCH_GRADIENT:
        return
    w = np.random.default_rng(7).standard_normal(tuple(ref.shape))
    (out * mg.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    for x, t in zip(xs, ts, strict=True):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize(("name", "fn", "arrays"), CASES, ids=IDS)
def test_first_and_second_order_finite_differences(
    name: str, fn: Fn, arrays: list[np.ndarray]
) -> None:
    xs = [mg.tensor(a, requires_grad=True) for a in arrays]
    assert gradcheck(lambda *ts: fn(mg, *ts), xs)
    assert gradgradcheck(lambda *ts: fn(mg, *ts), xs)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (3, 5), (2, 3, 5, 2), (6, 6)])
def test_lu_factor_is_lapacks(shape: tuple[int, ...]) -> None:
    torch = _torch()
    a = _real(*shape, seed=sum(shape))
    if shape == (6, 6):
        a[:, 2] = 0.0  # (a singular matrix: info names the zero pivot)
    LU, pivots, info = mg.linalg.lu_factor_ex(mg.tensor(a))
    ref = torch.linalg.lu_factor_ex(torch.tensor(a))
    np.testing.assert_allclose(LU.numpy(), ref.LU.numpy(), atol=1e-12)
    assert pivots.dtype == mg.int32 and pivots.tolist() == ref.pivots.tolist()
    assert info.dtype == mg.int32 and info.tolist() == ref.info.tolist()
    P, L, U = mg.linalg.lu(mg.tensor(a))
    tP, tL, tU = torch.linalg.lu(torch.tensor(a))
    assert P.tolist() == tP.tolist()
    np.testing.assert_allclose(L.numpy(), tL.numpy(), atol=1e-12)
    np.testing.assert_allclose(U.numpy(), tU.numpy(), atol=1e-12)
    np.testing.assert_allclose((P @ L @ U).numpy(), a, atol=1e-12)


def test_float32_follows_torch() -> None:
    torch = _torch()
    a, b = _invertible(2, 4, 4).astype(np.float32), _real(4, 3).astype(np.float32)
    for fn in (
        lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b),
        lambda L, a, b: L.linalg.solve_triangular(a, b, upper=True),
        lambda L, a, b: L.linalg.multi_dot([a[0], a[1], b]),
        lambda L, a, b: L.linalg.cond(a, "fro") + L.linalg.vecdot(a, a).sum(-1),
        lambda L, a, b: L.linalg.inv_ex(a).inverse,
    ):
        out, ref = fn(mg, mg.tensor(a), mg.tensor(b)), fn(torch, torch.tensor(a), torch.tensor(b))
        assert out.dtype == mg.float32
        np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-4, atol=1e-5)


def test_multi_dot_takes_torchs_order() -> None:
    # (10 x 100)(100 x 5)(5 x 50): (AB)C costs 7,500 products, A(BC) 75,000. The two orders
    # round differently in float32, so equal bits show which one was taken.
    a, b, c = mg.randn(10, 100), mg.randn(100, 5), mg.randn(5, 50)
    out = mg.linalg.multi_dot([a, b, c]).numpy()
    np.testing.assert_array_equal(out, ((a @ b) @ c).numpy())
    assert not np.array_equal(out, (a @ (b @ c)).numpy())
    x, y, z = mg.randn(50, 5), mg.randn(5, 100), mg.randn(100, 10)
    np.testing.assert_array_equal(mg.linalg.multi_dot([x, y, z]).numpy(), (x @ (y @ z)).numpy())
    ms = [mg.randn(*s) for s in [(30, 35), (35, 15), (15, 5), (5, 10), (10, 20), (20, 25)]]
    # CLRS's example: the optimal order is ((A1 (A2 A3)) ((A4 A5) A6))
    best = (ms[0] @ (ms[1] @ ms[2])) @ ((ms[3] @ ms[4]) @ ms[5])
    np.testing.assert_array_equal(mg.linalg.multi_dot(ms).numpy(), best.numpy())


def test_singular_matrices_in_the_ex_forms_and_cond() -> None:
    torch = _torch()
    s = np.array([[1.0, 2.0], [2.0, 4.0]])
    a = np.stack([_invertible(2, 2), s])
    inv, info = mg.linalg.inv_ex(mg.tensor(a))
    assert info.tolist() == torch.linalg.inv_ex(torch.tensor(a)).info.tolist() == [0, 2]
    np.testing.assert_allclose(inv[0].numpy(), np.linalg.inv(a[0]))
    assert np.isnan(inv[1].numpy()).all()
    result, info = mg.linalg.solve_ex(mg.tensor(a), mg.ones(2, dtype=mg.float64))
    assert info.tolist() == [0, 2] and np.isnan(result[1].numpy()).all()
    np.testing.assert_allclose(result[0].numpy(), np.linalg.solve(a[0], np.ones(2)))
    spd = np.stack([_spd(3, 3), -np.eye(3)])
    L, info = mg.linalg.cholesky_ex(mg.tensor(spd))
    assert info.tolist() == torch.linalg.cholesky_ex(torch.tensor(spd)).info.tolist() == [0, 1]
    np.testing.assert_allclose(L[0].numpy(), np.linalg.cholesky(spd[0]))
    for p in (1, -1, math.inf, -math.inf, "fro"):
        assert mg.linalg.cond(mg.tensor(s), p).item() == math.inf
        assert torch.linalg.cond(torch.tensor(s), p).item() == math.inf
    # the gradients of the invertible matrices are not disturbed by a singular one beside them
    x = mg.tensor(a, requires_grad=True)
    mg.linalg.inv_ex(x).inverse[0].sum().backward()
    t = torch.tensor(a[0], requires_grad=True)
    torch.linalg.inv(t).sum().backward()
    np.testing.assert_allclose(x.grad[0].numpy(), t.grad.numpy())
    assert (x.grad[1].numpy() == 0).all()


def test_check_errors_raise_torchs_words() -> None:
    s = mg.tensor([[1.0, 2.0], [2.0, 4.0]])
    batch = mg.stack([mg.eye(2), s])
    with pytest.raises(
        mg.linalg.LinAlgError, match=r"^torch\.linalg\.lu_factor: U\[2,2\] is zero and using it"
    ):
        mg.linalg.lu_factor(s)
    with pytest.raises(
        RuntimeError, match=r"torch\.linalg\.lu_factor_ex: \(Batch element 1\): U\[2,2\] is zero"
    ):
        mg.linalg.lu_factor_ex(batch, check_errors=True)
    assert mg.linalg.lu_factor_ex(batch).info.tolist() == [0, 2]  # (no check by default)
    with pytest.raises(
        mg.linalg.LinAlgError,
        match=r"linalg\.inv_ex: \(Batch element 1\): The diagonal element 2 is zero",
    ):
        mg.linalg.inv_ex(batch, check_errors=True)
    with pytest.raises(mg.linalg.LinAlgError, match=r"torch\.linalg\.solve_ex: The solver failed"):
        mg.linalg.solve_ex(s, mg.ones(2), check_errors=True)
    with pytest.raises(
        mg.linalg.LinAlgError,
        match=r"linalg\.cholesky_ex: The factorization .* leading minor of order 2 is not",
    ):
        mg.linalg.cholesky_ex(s, check_errors=True)
    with pytest.raises(mg.linalg.LinAlgError, match=r"linalg\.solve_triangular: A has a zero"):
        mg.linalg.solve_triangular(mg.zeros(2, 2), mg.ones(2, 1), upper=True)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (
            lambda: mg.linalg.multi_dot([mg.ones(2, 2)]),
            RuntimeError,
            r"at least 2 tensors but got 1",
        ),
        (
            lambda: mg.linalg.multi_dot([mg.ones(3, 3), mg.ones(4, 2)]),
            RuntimeError,
            r"tensors 0 and 1 with shapes \[3, 3\] and \[4, 2\] cannot be multiplied",
        ),
        (
            lambda: mg.linalg.multi_dot([mg.ones(3, 3), mg.ones(3), mg.ones(3, 3)]),
            RuntimeError,
            r"multi_dot\(\): tensor 1 must be 2D but got 1D",
        ),
        (
            lambda: mg.linalg.multi_dot([mg.ones(3, 3), mg.ones(2, 3, 3)]),
            RuntimeError,
            r"the last tensor must be 1D or 2D but got 3D",
        ),
        (
            lambda: mg.linalg.multi_dot([mg.ones(3, 3), mg.ones(3, 3, dtype=mg.float64)]),
            RuntimeError,
            r"all tensors must have be the same dtype but tensor 0 is float and tensor 1 double",
        ),
        (
            lambda: mg.linalg.vecdot(mg.ones(3), mg.ones(3, dtype=mg.float64)),
            RuntimeError,
            r"linalg\.vecdot: Expected x and y to have the same dtype",
        ),
        (
            lambda: mg.linalg.vecdot(mg.tensor([1, 2]), mg.tensor([3, 4])),
            RuntimeError,
            r"linalg\.vecdot: Expected a floating point or complex tensor as input\. Got Long",
        ),
        (lambda: mg.linalg.vander(mg.ones(2), N=1), RuntimeError, r"N must be greater than 1\."),
        (lambda: mg.linalg.vander(mg.tensor(1.0)), RuntimeError, r"N must be greater than 1\."),
        (lambda: mg.linalg.cond(mg.eye(3), 3), RuntimeError, r"invalid norm type: 3"),
        (
            lambda: mg.linalg.cond(mg.ones(3, 4), 1),
            RuntimeError,
            r"linalg\.cond\(ord=1\): A must be batches of square matrices, but they are 3 by 4",
        ),
        (
            lambda: mg.linalg.cond(mg.ones(3, 4), math.inf),
            RuntimeError,
            r"linalg\.cond\(ord=inf\): A must be batches of square matrices",
        ),
        (
            lambda: mg.linalg.cond(mg.ones(3)),
            RuntimeError,
            r"linalg\.cond: The input tensor must have at least 2 dimensions\.",
        ),
        (
            lambda: mg.linalg.tensorinv(mg.ones(4, 6, 8, 2), ind=2),
            RuntimeError,
            r"prod\(self\.shape\[ind:\]\) == prod\(self\.shape\[:ind\]\), but got 16 != 24",
        ),
        (
            lambda: mg.linalg.tensorinv(mg.ones(2, 2), ind=0),
            RuntimeError,
            r"Expected a strictly positive integer for 'ind', but got 0",
        ),
        (
            lambda: mg.linalg.tensorsolve(mg.ones(2, 3, 6), mg.ones(2, 4)),
            RuntimeError,
            r"prod\(self\.shape\[other\.ndim:\]\) == .*, but got 6 != 8",
        ),
        (
            lambda: mg.linalg.solve_triangular(mg.eye(3), mg.ones(4, 2), upper=True),
            RuntimeError,
            r"linalg\.solve_triangular: Incompatible shapes of A and B for the equation AX = B "
            r"\(3x3 and 4x2\)",
        ),
        (
            lambda: mg.linalg.solve_triangular(mg.eye(3), mg.ones(3), upper=True),
            RuntimeError,
            r"The input tensor B must have at least 2 dimensions\.",
        ),
        (
            lambda: mg.linalg.solve_triangular(mg.ones(4, 2), mg.ones(4, 2), upper=True),
            RuntimeError,
            r"A must be batches of square matrices, but they are 4 by 2 matrices",
        ),
        (
            lambda: mg.linalg.solve_triangular(mg.eye(3).long(), mg.ones(3, 1).long(), upper=True),
            NotImplementedError,
            r"\"triangular_solve_cpu\" not implemented for 'Long'",
        ),
        (
            lambda: mg.linalg.solve_triangular(mg.eye(3), mg.ones(3, 1)),  # type: ignore[call-arg]
            TypeError,
            r"upper",
        ),
        (
            lambda: mg.linalg.lu_factor(mg.ones(3)),
            RuntimeError,
            r"Expected tensor with 2 or more dimensions\. Got size: \[3\] instead",
        ),
        (
            lambda: mg.linalg.lu_factor(mg.eye(3).long()),
            NotImplementedError,
            r"\"lu_cpu\" not implemented for 'Long'",
        ),
        (
            lambda: mg.linalg.lu(mg.eye(3), pivot=False),
            RuntimeError,
            r"LU without pivoting is not implemented on the CPU",
        ),
        (
            lambda: mg.linalg.lu_solve(*mg.linalg.lu_factor(mg.eye(3)), mg.ones(3)),
            RuntimeError,
            r"linalg\.lu_solve: The input tensor B must have at least 2 dimensions\.",
        ),
        (
            lambda: mg.linalg.lu_solve(mg.eye(3), mg.ones(3).long(), mg.ones(3, 1)),
            RuntimeError,
            r"pivots should be a Tensor of scalar type torch\.int32",
        ),
        (
            lambda: mg.linalg.lu_solve(mg.eye(3), mg.ones(2, dtype=mg.int32), mg.ones(3, 1)),
            RuntimeError,
            r"Number of pivots per batch should be same as the dimension of the matrix",
        ),
        (
            lambda: mg.linalg.lu_solve(
                *mg.linalg.lu_factor(mg.eye(3)), mg.ones(3, 1, dtype=mg.float64)
            ),
            RuntimeError,
            r"Expected LU and B to have the same dtype, but found LU of type Float and B of "
            r"type Double",
        ),
        (
            lambda: mg.linalg.lu_solve(*mg.linalg.lu_factor(mg.eye(3)), mg.ones(3, 2), left=False),
            RuntimeError,
            r"Incompatible shapes of A and B for the equation XA = B \(3x3 and 3x2\)",
        ),
        (
            lambda: mg.linalg.matmul(mg.tensor(1.0), mg.eye(3)),
            RuntimeError,
            r"both arguments to matmul need to be at least 1D",
        ),
    ],
)
def test_errors_in_torchs_words(call: Callable[[], Any], error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: mg.linalg.multi_dot([mg.ones(3, 3), mg.ones(4, 2)]),
        lambda: mg.linalg.cond(mg.eye(3), "bad"),
        lambda: mg.linalg.solve_triangular(mg.eye(3), mg.ones(4, 2), upper=True),
        lambda: mg.linalg.lu_solve(mg.eye(3), mg.ones(2, dtype=mg.int32), mg.ones(3, 1)),
    ],
)
def test_bad_input_raises_before_anything_is_recorded(call: Callable[[], Any]) -> None:
    leaf = mg.eye(3, requires_grad=True)
    with pytest.raises(RuntimeError):
        call()
    assert leaf.grad is None and leaf.grad_fn is None


def test_torch_accepts_the_same_arguments() -> None:
    # (the errors above are torch's: each call raises there with the same words)
    torch = _torch()
    with pytest.raises(RuntimeError, match=r"U\[2,2\] is zero and using it on lu_solve"):
        torch.linalg.lu_factor(torch.tensor([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(RuntimeError, match=r"linalg\.cond\(ord=inf\): A must be batches"):
        torch.linalg.cond(torch.ones(3, 4), math.inf)


@pytest.mark.parametrize(("name", "alternative"), [("eig", "eigh"), ("eigvals", "eigvalsh")])
def test_eig_and_eigvals_refuse_complex_results(name: str, alternative: str) -> None:
    fn = getattr(mg.linalg, name)
    with pytest.raises(NotImplementedError, match=r"no complex tensors") as caught:
        fn(mg.eye(3))
    assert f"minigrad.linalg.{alternative}" in str(caught.value)
    assert f"torch.linalg.{name} is not in minigrad" in str(caught.value)


@pytest.mark.parametrize("name", ["ldl_factor", "ldl_factor_ex", "ldl_solve"])
def test_ldl_refuses_with_an_alternative(name: str) -> None:
    args = (
        (mg.eye(3), mg.ones(3, dtype=mg.int32), mg.ones(3, 1))
        if name == "ldl_solve"
        else (mg.eye(3),)
    )
    with pytest.raises(NotImplementedError, match=rf"torch\.linalg\.{name} is not in minigrad"):
        getattr(mg.linalg, name)(*args)
    with pytest.raises(NotImplementedError, match=r"linalg\.cholesky .* linalg\.lu_factor"):
        getattr(mg.linalg, name)(*args)


def test_every_torch_linalg_function_is_there() -> None:
    torch = _torch()
    names = [n for n in dir(torch.linalg) if n[0] != "_" and callable(getattr(torch.linalg, n))]
    assert len(names) > 40
    assert [n for n in names if not hasattr(mg.linalg, n)] == []


def test_empty_and_integer_inputs() -> None:
    torch = _torch()
    assert mg.linalg.cond(mg.zeros(2, 0, 0), "fro").tolist() == [0.0, 0.0]
    assert torch.linalg.cond(torch.zeros(2, 0, 0), "fro").tolist() == [0.0, 0.0]
    v = mg.linalg.vander(mg.tensor([1, 2, 3], dtype=mg.int32), N=3)
    assert v.dtype == mg.int64 and v.tolist() == [[1, 1, 1], [1, 2, 4], [1, 3, 9]]
    assert mg.linalg.multi_dot([mg.ones(3), mg.ones(3)]).shape == ()
    for shape in [(0, 0), (2, 0, 3), (2, 3, 0)]:  # (empty matrices factor, as PyTorch's)
        ours, ref = mg.linalg.lu(mg.zeros(*shape)), torch.linalg.lu(torch.zeros(*shape))
        assert [tuple(t.shape) for t in ours] == [tuple(t.shape) for t in ref]
        assert ours.P.tolist() == ref.P.tolist()


def test_lu_solve_broadcasts_batches_and_lu_names_its_nodes() -> None:
    torch = _torch()
    a, b = _real(2, 1, 3, 3, seed=5), _real(4, 3, 2, seed=6)
    LU, piv = mg.linalg.lu_factor(mg.tensor(a))
    out = mg.linalg.lu_solve(LU, piv, mg.tensor(b))
    ref = torch.linalg.lu_solve(*torch.linalg.lu_factor(torch.tensor(a)), torch.tensor(b))
    assert tuple(out.shape) == tuple(ref.shape) == (2, 4, 3, 2)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), atol=1e-10)
    x = mg.tensor(a, requires_grad=True)
    assert mg.linalg.lu_factor(x).LU.grad_fn.name() == "LinalgLuFactorExBackward0"
    assert mg.linalg.lu(x).L.grad_fn.name() == "LinalgLuBackward0"
    assert mg.linalg.lu(x).P.requires_grad is False


def test_lu_unpack_is_torchs() -> None:
    torch = _torch()
    a = _real(2, 3, 4, seed=8)
    x = mg.tensor(a, requires_grad=True)
    ours = mg.lu_unpack(*mg.linalg.lu_factor(x))
    ref = torch.lu_unpack(*torch.linalg.lu_factor(torch.tensor(a)))
    for o, r in zip(ours, ref, strict=True):
        np.testing.assert_allclose(o.detach().numpy(), r.numpy(), atol=1e-12)
    assert gradcheck(lambda t: mg.lu_unpack(*mg.linalg.lu_factor(t)).U, [x])
    LU, piv = mg.linalg.lu_factor(mg.tensor(a))
    assert [tuple(t.shape) for t in mg.lu_unpack(LU, piv, unpack_data=False)] == [
        (2, 3, 3),
        (0,),
        (0,),
    ]
    assert tuple(mg.lu_unpack(LU, piv, unpack_pivots=False).P.shape) == (0,)
