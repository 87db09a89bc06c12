"""minigrad.linalg, the distances (cdist, cosine_similarity, pairwise_distance, normalize),
cumprod, Tensor.unfold and the legacy typed constructors, against PyTorch where it is installed.

The op table (tests/op_specs.py, rows ``linalg_*``, ``cumprod_*``, ``unfold_*``...) already runs
each through first- and second-order finite differences, float32 and non-contiguous inputs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor
from minigrad.nn import functional as F


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _invertible(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return 1.5 * np.eye(shape[-1]) + 0.3 * _rng(seed).standard_normal(shape)


def _torch() -> Any:
    return pytest.importorskip("torch")


def _both(fn: Any, arrays: list[np.ndarray], dtype: str) -> None:
    """fn on minigrad and torch (fn(lib, *tensors)): values, dtypes and input gradients."""
    torch = _torch()
    xs = [mg.from_numpy(a.astype(dtype)).requires_grad_() for a in arrays]
    ts = [torch.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    out, ref = fn(mg, *xs), fn(torch, *ts)
    assert str(out.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
    tol = 1e-10 if dtype == "float64" else 1e-4
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=tol, atol=tol)
    seed = _rng(9).standard_normal(tuple(out.shape)).astype(dtype)
    out.backward(mg.from_numpy(seed))
    ref.backward(torch.tensor(seed))
    for x, t in zip(xs, ts):
        assert x.grad is not None and x.grad.dtype == x.dtype
        expected = np.zeros(x.shape) if t.grad is None else t.grad.numpy()  # (ord=0 norms)
        scale = max(1.0, float(np.abs(expected).max(initial=0)))  # (rounding of huge gradients)
        np.testing.assert_allclose(x.grad.numpy(), expected, rtol=tol * 10, atol=tol * 10 * scale)


LINALG = {
    "inv": (lambda L, a: L.linalg.inv(a), [(3, 3)]),
    "inv_batched": (lambda L, a: L.inverse(a), [(2, 4, 4)]),
    "det": (lambda L, a: L.linalg.det(a), [(3, 3)]),
    "det_batched": (lambda L, a: a.det(), [(2, 3, 3)]),
    "slogdet": (lambda L, a: L.linalg.slogdet(a).logabsdet, [(2, 3, 3)]),
    "solve": (lambda L, a, b: L.linalg.solve(a, b), [(3, 3), (3, 2)]),
    "solve_vector": (lambda L, a, b: L.linalg.solve(a, b), [(2, 3, 3), (2, 3)]),
    "solve_broadcast": (lambda L, a, b: L.linalg.solve(a, b), [(3, 3), (4, 3, 1)]),
    "solve_left_false": (lambda L, a, b: L.linalg.solve(a, b, left=False), [(3, 3), (2, 3)]),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(LINALG))
def test_linalg_against_torch(name: str, dtype: str) -> None:
    fn, shapes = LINALG[name]
    arrays = [_invertible(shapes[0])] + [
        _rng(i).standard_normal(s) for i, s in enumerate(shapes[1:])
    ]
    _both(fn, arrays, dtype)


def test_det_at_singular_matrices_is_the_cofactor_matrix() -> None:
    """det's gradient there is the cofactor matrix, finite (det(A) A^-T is not). The values
    match PyTorch's; the gradient is checked against the cofactors written out by hand, since
    PyTorch's own gradient at a singular matrix depends on its LAPACK build (on some builds
    it is 0 for the rank-2 matrix below, whose cofactor matrix is not)."""
    torch = _torch()
    rank2 = np.array([[1.0, 2, 3], [2, 4, 6], [1, 1, 1]])
    cofactors = np.array([[-2.0, 4, -2], [1, -2, 1], [0, 0, 0]])  # (-1)^(i+j) minor_ij
    for a, expected in ((rank2, cofactors), (np.zeros((3, 3)), np.zeros((3, 3)))):
        x = mg.tensor(a, requires_grad=True)
        out = mg.linalg.det(x)
        assert float(out.item()) == pytest.approx(
            float(torch.linalg.det(torch.tensor(a))), abs=1e-12
        )
        out.backward(mg.tensor(-0.75, dtype=mg.float64))
        assert x.grad is not None
        np.testing.assert_allclose(x.grad.numpy(), -0.75 * expected, rtol=1e-12, atol=1e-12)


def test_det_gradient_at_singular_matrices_is_the_cofactor_matrix() -> None:
    """Batched, singular, by finite differences (det is a polynomial: no kink there). PyTorch
    gives 0 for ones(2, 2), whose cofactor matrix is [[1, -1], [-1, 1]]."""
    x = mg.ones(2, 2, 2, dtype=mg.float64, requires_grad=True)
    mg.linalg.det(x).sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), [[[1.0, -1.0], [-1.0, 1.0]]] * 2, atol=1e-12)
    a = np.array([[1.0, 2, 3], [2, 4, 6], [1, 1, 1]])
    assert mg.gradcheck(mg.linalg.det, [mg.from_numpy(np.stack([a, np.eye(3)])).requires_grad_()])


def test_gradcheck_transposed_inputs() -> None:
    """First and second order by finite differences, each input a transposed (non-contiguous)
    view."""
    a = mg.from_numpy(_invertible((3, 3), 1).T.copy().T).requires_grad_()  # Fortran order
    bt = mg.from_numpy(_rng(2).standard_normal((2, 3))).requires_grad_()
    assert not a.detach().numpy().flags.c_contiguous
    for fn, ins in [
        (mg.linalg.inv, [a]),
        (mg.linalg.det, [a]),
        (lambda x: mg.linalg.slogdet(x).logabsdet, [a]),
        (lambda x, y: mg.linalg.solve(x, y.mT), [a, bt]),
        (
            lambda x: x.mT.cumprod(0),
            [mg.from_numpy(np.array([[1.5, 0.0, 2.0], [0.0, -1.0, 3.0]])).requires_grad_()],
        ),
        (lambda x: x.mT.unfold(0, 2, 1), [bt]),
        (
            lambda x, y: mg.cdist(x.mT, y.mT),
            [
                mg.from_numpy(_rng(3).standard_normal((4, 3))).requires_grad_(),
                mg.from_numpy(_rng(4).standard_normal((4, 2))).requires_grad_(),
            ],
        ),
    ]:
        assert mg.gradcheck(fn, ins)
        assert mg.gradgradcheck(fn, ins)


def test_singular_inverse_raises_pytorchs_error() -> None:
    singular = mg.tensor([[1.0, 2, 3], [2, 4, 6], [1, 1, 1]])
    with pytest.raises(
        mg.linalg.LinAlgError, match=r"^linalg\.inv: The diagonal element 3 is zero"
    ):
        mg.linalg.inv(singular)
    with pytest.raises(RuntimeError, match=r"^linalg\.inv: \(Batch element 1\): The diagonal"):
        mg.stack([mg.eye(3), singular]).inverse()
    with pytest.raises(mg.linalg.LinAlgError, match=r"^torch\.linalg\.solve: The solver failed"):
        mg.linalg.solve(singular, mg.ones(3))


def test_singular_messages_match_torch() -> None:
    torch = _torch()
    for a in ([[1.0, 2, 3], [2, 4, 6], [1, 1, 1]], [[0.0, 0], [0, 1]], [[1.0, 1], [1, 1]]):
        with pytest.raises(RuntimeError) as ours:
            mg.linalg.inv(mg.tensor(a))
        with pytest.raises(RuntimeError) as theirs:
            torch.linalg.inv(torch.tensor(a))
        assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: mg.linalg.inv(mg.ones(2, 3)),
            RuntimeError,
            "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices",
        ),
        (
            lambda: mg.linalg.det(mg.ones(3)),
            RuntimeError,
            "linalg.det: The input tensor A must have at least 2 dimensions.",
        ),
        (
            lambda: mg.linalg.inv(mg.ones(2, 2, dtype=mg.int64)),
            RuntimeError,
            "linalg.inv: Expected a floating point or complex tensor as input. Got Long",
        ),
        (
            lambda: mg.linalg.slogdet(mg.ones(2, 3)),
            RuntimeError,
            "linalg.slogdet: A must be batches of square matrices",
        ),
        (
            lambda: mg.linalg.solve(mg.eye(3), mg.ones(2)),
            RuntimeError,
            "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x1)",
        ),
        (
            lambda: mg.linalg.solve(mg.eye(3), mg.ones(3, 2), left=False),
            RuntimeError,
            "linalg.solve: Incompatible shapes of A and B for the equation XA = B (3x3 and 3x2)",
        ),
        (
            lambda: mg.linalg.solve(mg.eye(3), mg.ones(3, dtype=mg.float64)),
            RuntimeError,
            "linalg.solve: Expected A and B to have the same dtype, but found A of type Float and "
            "B of type Double instead",
        ),
        (
            lambda: mg.linalg.solve(mg.ones(2, 3, 3), mg.ones(4, 3, 2)),
            RuntimeError,
            "The size of tensor a (4) must match the size of tensor b (2) at non-singleton "
            "dimension 0 (linalg.solve: the batch shapes (2,) of A and (4,) of B",
        ),
        (
            lambda: mg.linalg.inv([[1.0]]),
            TypeError,
            "linalg_inv(): argument 'A' (position 1) must be Tensor, not list",
        ),
        (
            lambda: mg.linalg.vector_norm(mg.ones(3), dim=2),
            IndexError,
            "Dimension out of range (expected to be in range of [-1, 0], but got 2)",
        ),
        (
            lambda: mg.linalg.vector_norm(mg.ones(3, dtype=mg.int64)),
            RuntimeError,
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long",
        ),
        (
            lambda: mg.linalg.matrix_norm(mg.ones(3)),
            RuntimeError,
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions.",
        ),
        (
            lambda: mg.linalg.matrix_norm(mg.ones(3, 3), ord=3),
            RuntimeError,
            "linalg.matrix_norm: Order 3 not supported.",
        ),
        (
            lambda: mg.linalg.norm(mg.ones(3, 3, 3), ord=2),
            RuntimeError,
            "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D.",
        ),
        (
            lambda: mg.arange(5.0).unfold(0, 6, 1),
            RuntimeError,
            "maximum size for tensor at dimension 0 is 5 but size is 6",
        ),
        (lambda: mg.arange(5.0).unfold(0, 2, 0), RuntimeError, "step is 0 but must be > 0"),
        (lambda: mg.arange(5.0).unfold(0, -1, 1), RuntimeError, "size is -1 but must be >= 0"),
        (
            lambda: mg.arange(5.0).unfold(1, 2, 1),
            IndexError,
            "Dimension out of range (expected to be in range of [-1, 0], but got 1)",
        ),
        (
            lambda: mg.arange(5.0).unfold(0, 2, 1.0),
            TypeError,
            "unfold(): argument 'step' (position 3) must be int, not float",
        ),
        (
            lambda: mg.ones(2).cumprod(1),
            IndexError,
            "Dimension out of range (expected to be in range of [-1, 0], but got 1)",
        ),
        (
            lambda: mg.cdist(mg.ones(3), mg.ones(3)),
            RuntimeError,
            "cdist only supports at least 2D tensors, X1 got: 1D",
        ),
        (
            lambda: mg.cdist(mg.ones(2, 3), mg.ones(2, 4)),
            RuntimeError,
            "X1 and X2 must have the same number of columns. X1: 3 X2: 4",
        ),
        (
            lambda: mg.cdist(mg.ones(2, 3), mg.ones(2, 3), p=-1),
            RuntimeError,
            "cdist only supports non-negative p values",
        ),
        (
            lambda: mg.cdist(mg.ones(2, 3, dtype=mg.int64), mg.ones(2, 3, dtype=mg.int64)),
            RuntimeError,
            "cdist only supports floating-point dtypes, X1 got: Long",
        ),
        (
            lambda: F.cosine_similarity(
                mg.ones(2, 3, dtype=mg.int64), mg.ones(2, 3, dtype=mg.int64)
            ),
            RuntimeError,
            "expected common dtype to be floating point, yet common dtype is Long",
        ),
        (
            lambda: F.cosine_similarity(mg.ones(3), mg.ones(3)),
            IndexError,
            "Dimension out of range (expected to be in range of [-1, 0], but got 1)",
        ),
        (
            lambda: F.normalize(mg.ones(2, 3, dtype=mg.int64)),
            RuntimeError,
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long",
        ),
        (lambda: mg.FloatTensor(2.5), TypeError, "new(): data must be a sequence (got float)"),
        (
            lambda: mg.FloatTensor(-1),
            RuntimeError,
            "Trying to create tensor with negative dimension -1: [-1]",
        ),
    ],
)
def test_misuse_raises_pytorchs_error(call: Any, error: type, message: str) -> None:
    with pytest.raises(error) as info:
        call()
    assert str(info.value).startswith(message), str(info.value)


def test_misuse_errors_are_torchs() -> None:
    """The same calls raise the same type and message start in PyTorch."""
    torch = _torch()
    for call in (
        lambda L: L.linalg.inv(L.ones(2, 3)),
        lambda L: L.linalg.solve(L.eye(3), L.ones(2)),
        lambda L: L.linalg.matrix_norm(L.ones(3, 3), ord=3),
        lambda L: L.arange(5.0).unfold(0, 6, 1),
        lambda L: L.cdist(L.ones(2, 3), L.ones(2, 4)),
        lambda L: L.linalg.solve(L.ones(2, 3, 3), L.ones(4, 3, 2)),
        lambda L: L.linalg.norm(L.ones(2, 2, 2), dim=(0, 1, 2)),
        lambda L: L.linalg.norm(L.ones(2, 2, 2), ord="fro", dim=0),
        lambda L: L.linalg.norm(L.ones(3, 3, 3), ord=2),
        lambda L: L.linalg.vector_norm(L.ones(3, dtype=L.int64)),
        lambda L: L.linalg.inv(L.tensor([[1.0, 2.0], [2.0, 4.0]])),
        lambda L: L.nn.functional.cosine_similarity(L.ones(2, 3), L.ones(4, 3)),
    ):
        with pytest.raises(Exception) as ours:
            call(mg)
        with pytest.raises(Exception) as theirs:
            call(torch)
        # (the same class, or a subclass of it; torch's LinAlgError is torch._C._LinAlgError)
        names = {c.__name__.lstrip("_") for c in type(ours.value).__mro__}
        assert type(theirs.value).__name__.lstrip("_") in names
        assert str(ours.value).startswith(str(theirs.value))


NORMS = {
    "vector_2": lambda L, x: L.linalg.vector_norm(x),
    "vector_1_dim": lambda L, x: L.linalg.vector_norm(x, 1, dim=1, keepdim=True),
    "vector_inf": lambda L, x: L.linalg.vector_norm(x, math.inf, dim=(0, 1)),
    "vector_3": lambda L, x: L.linalg.vector_norm(x, 3, dim=-1),
    "vector_0": lambda L, x: L.linalg.vector_norm(x, 0),
    "matrix_fro": lambda L, x: L.linalg.matrix_norm(x),
    "matrix_1": lambda L, x: L.linalg.matrix_norm(x, 1),
    "matrix_ninf": lambda L, x: L.linalg.matrix_norm(x, -math.inf, keepdim=True),
    "norm_all": lambda L, x: L.linalg.norm(x),
    "norm_dims": lambda L, x: L.linalg.norm(x, dim=(1, 2)),
    "norm_dim": lambda L, x: L.linalg.norm(x, 1, dim=0),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(NORMS))
def test_norms_against_torch(name: str, dtype: str) -> None:
    _both(NORMS[name], [_rng(5).standard_normal((2, 3, 4))], dtype)


DISTANCES = {
    "cdist": (lambda L, a, b: L.cdist(a, b), [(3, 4), (5, 4)]),
    "cdist_batched_p1": (lambda L, a, b: L.cdist(a, b, p=1), [(2, 3, 4), (2, 5, 4)]),
    "cdist_p3": (lambda L, a, b: L.cdist(a, b, p=3.0), [(3, 4), (5, 4)]),
    "cdist_inf": (lambda L, a, b: L.cdist(a, b, p=math.inf), [(3, 4), (5, 4)]),
    "cosine": (lambda L, a, b: L.nn.functional.cosine_similarity(a, b), [(3, 4), (3, 4)]),
    "cosine_broadcast_dim0": (lambda L, a, b: L.cosine_similarity(a, b, dim=0), [(4, 3), (4, 1)]),
    "pairwise": (lambda L, a, b: L.nn.functional.pairwise_distance(a, b), [(3, 4), (3, 4)]),
    "pairwise_p1_keepdim": (
        lambda L, a, b: L.pairwise_distance(a, b, 1.0, keepdim=True),
        [(3, 4), (4,)],
    ),
    "normalize": (lambda L, a: L.nn.functional.normalize(a), [(3, 4)]),
    "normalize_dim0_p1": (lambda L, a: L.nn.functional.normalize(a, p=1, dim=0), [(3, 4)]),
    "module_cosine": (lambda L, a, b: L.nn.CosineSimilarity(dim=-1)(a, b), [(2, 4), (2, 4)]),
    "module_pairwise": (lambda L, a, b: L.nn.PairwiseDistance(p=3.0)(a, b), [(2, 4), (2, 4)]),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(DISTANCES))
def test_distances_against_torch(name: str, dtype: str) -> None:
    fn, shapes = DISTANCES[name]
    _both(fn, [_rng(i).standard_normal(s) for i, s in enumerate(shapes)], dtype)


def test_distances_at_zero_and_tiny_vectors_match_torch() -> None:
    """Each norm clamped by eps separately, the gradient finite (and PyTorch's) at 0."""
    zero, tiny = np.zeros((1, 3)), np.array([[1e-10, 0.0, 0.0]])
    b = np.array([[1.0, 2.0, 3.0]])
    for a in (zero, tiny):
        _both(lambda L, x, y: L.nn.functional.cosine_similarity(x, y), [a, b], "float64")
        _both(lambda L, x: L.nn.functional.normalize(x), [a], "float64")
    _both(lambda L, x, y: L.nn.functional.pairwise_distance(x, y), [zero, zero], "float64")
    _both(lambda L, x, y: L.cdist(x, y), [np.zeros((2, 3)), np.zeros((2, 3))], "float64")
    _both(lambda L, x: L.linalg.vector_norm(x, 3), [zero], "float64")
    with_zero = np.array([[0.0, 1.0, -2.0], [0.5, 1.0, -2.0], [0.0, 0.0, 0.0]])
    for p in (0.5, 3.0, -1.0, -2.0):
        _both(lambda L, x, p=p: L.linalg.vector_norm(x, p, dim=1), [with_zero], "float64")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cumprod_with_zeros_against_torch(dtype: str) -> None:
    a = np.array([[2.0, 0.0, 3.0, 0.0, 5.0], [0.0, 1.5, -2.0, 0.5, 1.0], [1.0, 2.0, 3.0, 4.0, 0.0]])
    _both(lambda L, x: L.cumprod(x, 1), [a], dtype)
    _both(lambda L, x: x.cumprod(0), [a], dtype)


def test_cumprod_second_order_at_zeros_matches_torch() -> None:
    torch = _torch()
    a = np.array([2.0, 0.0, 3.0, 0.0, 5.0])
    g = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    x, t = mg.from_numpy(a).requires_grad_(), torch.tensor(a, requires_grad=True)
    (gx,) = mg.grad(x.cumprod(0), [x], mg.from_numpy(g), create_graph=True)
    (gt,) = torch.autograd.grad(t.cumprod(0), [t], torch.tensor(g), create_graph=True)
    np.testing.assert_allclose(gx.detach().numpy(), gt.detach().numpy())
    (hx,) = mg.grad((gx * gx).sum(), [x])
    (ht,) = torch.autograd.grad((gt * gt).sum(), [t])
    np.testing.assert_allclose(hx.numpy(), ht.numpy())


def test_cumprod_dtypes_match_torch() -> None:
    torch = _torch()
    for dt in ("int32", "uint8", "bool", "float32"):
        ours = mg.tensor(np.array([1, 2, 3]).astype(dt)).cumprod(0)
        theirs = torch.tensor(np.array([1, 2, 3]).astype(dt)).cumprod(0)
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
        assert ours.tolist() == theirs.tolist()
    assert mg.ones(2, 3).cumprod(1, dtype=mg.float64).dtype == mg.float64
    assert mg.tensor(3.0).cumprod(0).item() == 3.0


def test_unfold_matches_torch_and_adds_overlapping_gradients() -> None:
    torch = _torch()
    for shape, args in [
        ((7,), (0, 3, 2)),
        ((2, 5, 3), (1, 2, 2)),
        ((4, 6), (-1, 3, 1)),
        ((5,), (0, 0, 1)),
    ]:
        a = _rng(1).standard_normal(shape)
        _both(lambda L, x, args=args: x.unfold(*args), [a], "float64")
        assert tuple(mg.tensor(a).unfold(*args).shape) == tuple(torch.tensor(a).unfold(*args).shape)
    x = mg.arange(4.0, requires_grad=True)
    x.unfold(0, 2, 1).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [1.0, 2.0, 2.0, 1.0]
    assert mg.tensor(5.0).unfold(0, 1, 1).tolist() == [5.0]


def test_slogdet_sign_and_overflow() -> None:
    torch = _torch()
    a = -np.eye(3)
    for L, t in ((mg, mg.tensor(a)), (torch, torch.tensor(a))):
        sign, logabsdet = L.linalg.slogdet(t)
        assert (sign.item(), logabsdet.item()) == (-1.0, 0.0)
    big = mg.tensor(np.eye(200) * 100.0)
    assert mg.linalg.det(big).item() == math.inf  # det overflows; slogdet does not
    assert mg.slogdet(big).logabsdet.item() == pytest.approx(200 * math.log(100.0))
    assert type(mg.slogdet(big)).__name__ == "slogdet"
    assert type(mg.linalg.slogdet(big)).__name__ == "linalg_slogdet"


def test_det_second_order_at_a_singular_matrix_says_so() -> None:
    x = mg.zeros(2, 2, dtype=mg.float64, requires_grad=True)
    (g,) = mg.grad(mg.linalg.det(x), [x])
    assert g.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(RuntimeError, match="singular matrix is not in minigrad"):
        mg.grad(mg.linalg.det(x), [x], create_graph=True)


def test_typed_constructors() -> None:
    torch = _torch()
    for name in (
        "FloatTensor",
        "DoubleTensor",
        "LongTensor",
        "IntTensor",
        "BoolTensor",
        "ByteTensor",
    ):
        ours, theirs = getattr(mg, name), getattr(torch, name)
        for args in (([1, 0, 2],), (np.array([[1.0, 0.0]]),), ((2, 3),)):
            made, ref = ours(*args), theirs(*args)
            assert type(made) is Tensor
            assert (str(made.dtype).split(".")[-1], made.tolist()) == (
                str(ref.dtype).split(".")[-1],
                ref.tolist(),
            )
        assert tuple(ours(2, 3).shape) == (2, 3) and tuple(ours().shape) == (0,)
        assert tuple(ours(mg.Size([4, 1])).shape) == (4, 1)
        assert "minigrad.tensor(data, dtype=" in (ours.__doc__ or "")
    assert isinstance(mg.ones(2), mg.FloatTensor) and not isinstance(mg.ones(2), mg.DoubleTensor)
    assert isinstance(mg.tensor([1]), mg.LongTensor) and not isinstance(np.ones(2), mg.FloatTensor)
    t = mg.ones(2)
    assert mg.FloatTensor(t) is t
    with pytest.raises(TypeError, match="expected Float"):
        mg.FloatTensor(mg.tensor([1, 2]))


def test_linalg_namespace_names_what_it_lacks() -> None:
    # (minigrad.linalg now has every name of torch.linalg: ldl_factor, eig and eigvals are
    # functions that refuse with a reason, tests/test_linalg_more.py)
    with pytest.raises(AttributeError, match=r"minigrad does not have torch\.linalg\.matrix_log"):
        mg.linalg.matrix_log


@pytest.mark.parametrize("p", [3, 0.5, 1.5, -1, 0])
def test_tensor_norm_with_any_p_has_torch_gradients_at_zeros(p: float) -> None:
    # Tensor.norm(p) composed (sum |x|^p)^(1/p) directly: a zero row gave nan gradients
    torch = pytest.importorskip("torch")
    a = np.array([[0.0, 0.0], [1.0, 0.0], [-2.0, 3.0]])
    x = mg.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    y, ref = x.norm(p, dim=1), t.norm(p, dim=1)
    np.testing.assert_allclose(y.detach().numpy(), ref.detach().numpy())
    y.sum().backward()
    ref.sum().backward()
    assert x.grad is not None
    # (for p = 0 PyTorch hands back no gradient at all: its .grad stays None; minigrad's is 0)
    expected = np.zeros_like(a) if t.grad is None else t.grad.numpy()
    np.testing.assert_allclose(x.grad.numpy(), expected)
    np.testing.assert_allclose(mg.norm(x, p).item(), torch.norm(t, p).item())


def test_a_write_into_unfold_raises_instead_of_missing_the_tensor() -> None:
    # PyTorch's unfold is a view, so a write reaches x; minigrad's is a copy: read-only, so the
    # write raises instead of silently leaving x as it was
    x = mg.arange(6.0)
    w = x.unfold(0, 2, 2)
    with pytest.raises(RuntimeError, match="read-only"):
        w.add_(1.0)
    with pytest.raises(RuntimeError, match="read-only"):
        w[0, 0] = 5.0
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert (w.clone() + 1).tolist() == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
