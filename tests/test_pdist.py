"""``pdist`` (``nn.functional.pdist``, ``minigrad.pdist``) against PyTorch where it is installed,
against finite differences, and its errors; ``cdist`` and ``pairwise_distance`` checked beside
it on the same corners (zero distances, broadcasting, non-contiguous inputs)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import functional as F

P_VALUES = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, math.inf]


def _torch() -> Any:
    return pytest.importorskip("torch")


def _rows(n: int = 5, m: int = 3, seed: int = 0) -> np.ndarray:
    """Rows with two duplicates (a zero distance) and no ties in any |difference|."""
    x = np.random.default_rng(seed).standard_normal((n, m))
    x[3] = x[1]
    return x


def _expected(x: np.ndarray, p: float) -> np.ndarray:
    """The upper triangle (diagonal excluded), row by row, of the p-norm distance matrix."""
    i, j = np.triu_indices(x.shape[0], 1)
    d = np.abs(x[i] - x[j])
    if p == 0:
        return (d != 0).sum(-1).astype(x.dtype)
    if p == math.inf:
        return d.max(-1, initial=0.0)
    return (d**p).sum(-1) ** (1 / p)


@pytest.mark.parametrize("p", P_VALUES)
def test_values_follow_the_definition(p: float) -> None:
    x = _rows()
    out = F.pdist(mg.from_numpy(x), p)
    assert out.shape == (10,) and out.dtype == mg.float64
    np.testing.assert_allclose(out.numpy(), _expected(x, p), rtol=1e-12)
    assert out.numpy()[5] == 0.0  # rows 1 and 3 are equal: the pair (1, 3) is the sixth


@pytest.mark.parametrize("p", P_VALUES)
def test_values_and_gradients_match_torch(p: float) -> None:
    torch = _torch()
    x = _rows()
    seed = np.random.default_rng(1).standard_normal(10)
    a = mg.from_numpy(x).requires_grad_()
    t = torch.tensor(x, requires_grad=True)
    out, ref = F.pdist(a, p), torch.nn.functional.pdist(t, p)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    out.backward(mg.from_numpy(seed))
    ref.backward(torch.tensor(seed))
    assert a.grad is not None
    # At the zero distance, p=2 gives 0 (not nan), as PyTorch's pdist does.
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert np.isfinite(a.grad.numpy()).all()


def test_gradient_at_a_zero_distance_is_zero_for_p2() -> None:
    x = mg.tensor([[1.0, 2.0], [1.0, 2.0]], dtype=mg.float64, requires_grad=True)
    F.pdist(x).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 2)))


@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 3.0, math.inf])
def test_gradcheck_and_gradgradcheck_on_a_non_contiguous_input(p: float) -> None:
    x = mg.from_numpy(np.random.default_rng(2).standard_normal((3, 4))).t().requires_grad_()
    assert mg.gradcheck(lambda a: F.pdist(a, p), [x])
    if p != math.inf:
        assert mg.gradgradcheck(lambda a: F.pdist(a, p), [x])


def test_non_contiguous_input_matches_torch() -> None:
    torch = _torch()
    x = np.random.default_rng(3).standard_normal((6, 4))
    out = mg.pdist(mg.from_numpy(x)[::2, ::-1].t())
    ref = torch.pdist(torch.tensor(x)[::2].flip(1).t())
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-12)


def test_float32_keeps_its_dtype_and_small_shapes() -> None:
    out = F.pdist(mg.ones(3, 2))
    assert out.dtype == mg.float32 and out.shape == (3,)
    assert F.pdist(mg.ones(1, 3)).shape == (0,)
    assert F.pdist(mg.ones(0, 3)).shape == (0,)
    np.testing.assert_array_equal(F.pdist(mg.ones(3, 0)).numpy(), np.zeros(3))
    assert mg.pdist is F.pdist


BAD = [
    (lambda: F.pdist(mg.ones(3)), RuntimeError, "pdist only supports 2D tensors, got: 1D"),
    (lambda: F.pdist(mg.ones(2, 3, 4)), RuntimeError, "pdist only supports 2D tensors, got: 3D"),
    (
        lambda: F.pdist(mg.ones(3, 2, dtype=mg.int64)),
        RuntimeError,
        "pdist only supports floating-point dtypes",
    ),
    (lambda: F.pdist(mg.ones(3, 2), p=-1), RuntimeError, "pdist only supports non-negative p"),
    (
        lambda: F.pdist(mg.ones(3, 2), p=math.nan),
        RuntimeError,
        "pdist only supports non-negative p",
    ),
    (
        lambda: F.pdist([[1.0, 2.0]]),  # type: ignore[arg-type]
        TypeError,
        "pdist(): argument 'input' (position 1) must be Tensor, not list",
    ),
    (
        lambda: F.pdist(mg.ones(3, 2), p="a"),  # type: ignore[arg-type]
        TypeError,
        "pdist(): argument 'p' must be float, not str",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD)
def test_bad_arguments_raise_torchs_errors(call: Any, error: type, message: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert str(info.value).startswith(message)


@pytest.mark.parametrize("case", range(len(BAD)))
def test_torch_raises_the_same(case: int) -> None:
    torch = _torch()
    calls = [
        lambda: torch.pdist(torch.ones(3)),
        lambda: torch.pdist(torch.ones(2, 3, 4)),
        lambda: torch.pdist(torch.ones(3, 2, dtype=torch.int64)),
        lambda: torch.pdist(torch.ones(3, 2), p=-1),
        lambda: torch.pdist(torch.ones(3, 2), p=math.nan),
        lambda: torch.pdist([[1.0, 2.0]]),
        lambda: torch.pdist(torch.ones(3, 2), p="a"),
    ]
    _, error, message = BAD[case]
    with pytest.raises(error) as info:
        calls[case]()
    assert str(info.value).startswith(message)


# cdist and pairwise_distance, which minigrad already had: the same corners as pdist's.


@pytest.mark.parametrize("p", P_VALUES)
def test_cdist_broadcast_batched_and_at_zero_distances_matches_torch(p: float) -> None:
    torch = _torch()
    rng = np.random.default_rng(4)
    x1 = rng.standard_normal((2, 1, 4, 3))
    x2 = rng.standard_normal((3, 5, 3))
    x2[1, 2] = x1[1, 0, 3]  # a zero distance
    a, b = mg.from_numpy(x1).requires_grad_(), mg.from_numpy(x2).requires_grad_()
    ta, tb = torch.tensor(x1, requires_grad=True), torch.tensor(x2, requires_grad=True)
    out, ref = mg.cdist(a, b.mT.mT, p), torch.cdist(ta, tb, p)
    assert out.shape == tuple(ref.shape) == (2, 3, 4, 5)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-10)
    seed = rng.standard_normal(out.shape)
    out.backward(mg.from_numpy(seed))
    ref.backward(torch.tensor(seed))
    assert a.grad is not None and b.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0, 3.0, math.inf])
def test_pairwise_distance_broadcast_keepdim_and_equal_inputs_match_torch(p: float) -> None:
    torch = _torch()
    rng = np.random.default_rng(5)
    x1, x2 = rng.standard_normal((4, 3)), rng.standard_normal((2, 1, 3))
    x2[0, 0] = x1[2]  # equal rows: only eps keeps them apart
    a, b = mg.from_numpy(x1).requires_grad_(), mg.from_numpy(x2).requires_grad_()
    ta, tb = torch.tensor(x1, requires_grad=True), torch.tensor(x2, requires_grad=True)
    out = F.pairwise_distance(a.t().t(), b, p, 1e-6, True)
    ref = torch.nn.functional.pairwise_distance(ta, tb, p, 1e-6, True)
    assert out.shape == tuple(ref.shape) == (2, 4, 1)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-10)
    seed = rng.standard_normal(out.shape)
    out.backward(mg.from_numpy(seed))
    ref.backward(torch.tensor(seed))
    assert a.grad is not None and b.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_inf_norm_ties_give_each_tied_coordinate_the_whole_gradient_as_torch() -> None:
    torch = _torch()
    x = np.array([[0.0, 0.0, 0.0], [1.0, -1.0, 0.5], [1.0, -1.0, 0.5]])
    for fn in (lambda L, a: L.pdist(a, math.inf), lambda L, a: L.cdist(a, a, math.inf)):
        a, t = mg.from_numpy(x).requires_grad_(), torch.tensor(x, requires_grad=True)
        fn(mg, a).sum().backward()
        fn(torch, t).sum().backward()
        assert a.grad is not None
        np.testing.assert_array_equal(a.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("p", [1.0, 2.0, math.inf])
def test_rows_without_coordinates_are_at_distance_zero(p: float) -> None:
    np.testing.assert_array_equal(
        mg.cdist(mg.ones(2, 0), mg.ones(3, 0), p).numpy(), np.zeros((2, 3))
    )
    np.testing.assert_array_equal(mg.pdist(mg.ones(3, 0), p).numpy(), np.zeros(3))
