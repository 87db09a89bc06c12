"""``nn.utils.parametrizations.orthogonal`` and ``linalg.householder_product``, as PyTorch's:
the parametrized weight is orthogonal for every map, shape and batch; registration starts from
torch's weight; optimizer steps from the same originals give torch's weights; the forward
passes first- and second-order finite differences in float64; assignment, the state dict and
every refusal are PyTorch's, and a refusal leaves the module as it was.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.compiler import CompileError
from minigrad.gradcheck import gradcheck, gradgradcheck
from minigrad.linalg_householder import geqrf_array
from minigrad.nn.utils import parametrize
from minigrad.nn.utils.parametrizations import orthogonal

MAPS = ["matrix_exp", "cayley", "householder"]
SHAPES = [(5, 5), (6, 3), (3, 6)]  # square, tall, wide


def _orth_error(W: np.ndarray) -> float:
    """How far each matrix of W is from orthonormal columns (tall) or rows (wide)."""
    n, k = W.shape[-2:]
    G = np.swapaxes(W, -1, -2) @ W if n >= k else W @ np.swapaxes(W, -1, -2)
    return float(np.abs(G - np.eye(min(n, k))).max())


def _reflectors(rng: np.random.Generator, shape: tuple[int, ...], k: int) -> Any:
    return rng.standard_normal(shape), rng.standard_normal((*shape[:-2], k))


# ---------------------------------------------------------------------------------------------
# linalg.householder_product


@pytest.mark.parametrize(
    ("shape", "k"), [((4, 4), 4), ((6, 3), 3), ((6, 3), 2), ((6, 3), 0), ((2, 3, 5, 2), 2)]
)
def test_householder_product_values_and_gradients_match_torch(shape, k):
    torch = pytest.importorskip("torch")
    a, t = _reflectors(np.random.default_rng(0), shape, k)
    A, tau = mg.tensor(a, requires_grad=True), mg.tensor(t, requires_grad=True)
    At = torch.tensor(a, requires_grad=True)
    taut = torch.tensor(t, requires_grad=True)
    Q = mg.linalg.householder_product(A, tau)
    Qt = torch.linalg.householder_product(At, taut)
    np.testing.assert_allclose(Q.detach().numpy(), Qt.detach().numpy(), atol=1e-13)
    if not k:  # (no reflector: eye(m, n), which PyTorch connects to A with a zero gradient)
        return
    g = np.random.default_rng(1).standard_normal(Q.shape)
    Q.backward(mg.tensor(g))
    Qt.backward(torch.tensor(g))
    np.testing.assert_allclose(A.grad.numpy(), At.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(tau.grad.numpy(), taut.grad.numpy(), atol=1e-12)


def test_householder_product_of_geqrf_is_the_q_of_qr():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(2).standard_normal((2, 5, 3))
    h, tau = geqrf_array(a)
    ht, taut = torch.geqrf(torch.tensor(a))
    np.testing.assert_allclose(h, ht.numpy(), atol=1e-13)
    np.testing.assert_allclose(tau, taut.numpy(), atol=1e-13)
    Q = mg.linalg.householder_product(mg.tensor(h), mg.tensor(tau)).numpy()
    np.testing.assert_allclose(Q, np.linalg.qr(a)[0], atol=1e-13)


@pytest.mark.parametrize(("shape", "k"), [((4, 3), 3), ((2, 4, 2), 1)])
def test_householder_product_finite_differences(shape, k):
    a, t = _reflectors(np.random.default_rng(3), shape, k)
    A = mg.tensor(a * 0.5, requires_grad=True)
    tau = mg.tensor(t, requires_grad=True)
    assert gradcheck(mg.linalg.householder_product, (A, tau))
    assert gradgradcheck(mg.linalg.householder_product, (A, tau))


@pytest.mark.parametrize(
    ("a", "t"),
    [
        ((4,), (1,)),
        ((3, 4), (3,)),
        ((4, 3), (4,)),
        ((4, 3), (2, 3)),
        ((2, 4, 3), (3, 3)),
        ((4, 3), "float32"),
        ("int", "int"),
    ],
)
def test_householder_product_refuses_as_torch(a, t):
    torch = pytest.importorskip("torch")

    def make(lib: Any, spec: Any, other: Any) -> Any:
        if spec == "int":
            shape = (4, 3) if other == "int" else (3,)
            return lib.ones(*shape, dtype=lib.int32)
        if spec == "float32":
            return lib.ones(3, dtype=lib.float32)
        return lib.ones(*spec, dtype=lib.float64)

    pairs = [(lib, make(lib, a, "int"), make(lib, t, "tau")) for lib in (mg, torch)]
    raised = []
    for lib, A, tau in pairs:
        with pytest.raises((RuntimeError, NotImplementedError)) as info:
            lib.linalg.householder_product(A, tau)
        raised.append(info)
    mine, theirs = raised
    assert mine.type is theirs.type
    assert str(mine.value).startswith(str(theirs.value).split(" (")[0][:40])


def test_householder_product_refuses_non_tensors():
    with pytest.raises(TypeError, match=r"argument 'tau' \(position 2\) must be Tensor"):
        mg.linalg.householder_product(mg.ones(3, 2), [1.0, 2.0])


# ---------------------------------------------------------------------------------------------
# orthogonal: the weight, registration


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("orthogonal_map", [*MAPS, None])
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_the_parametrized_weight_is_orthogonal(shape, orthogonal_map, use_trivialization):
    mg.manual_seed(0)
    layer = orthogonal(
        nn.Linear(shape[1], shape[0], dtype=mg.float64),
        orthogonal_map=orthogonal_map,
        use_trivialization=use_trivialization,
    )
    assert isinstance(layer, nn.Linear)
    assert _orth_error(layer.weight.detach().numpy()) < 1e-13
    # ...and stays so after the optimizer moves the original.
    opt = optim.SGD(layer.parameters(), lr=0.5)
    for _ in range(3):
        opt.zero_grad()
        layer(mg.randn(4, shape[1], dtype=mg.float64)).pow(2).sum().backward()
        opt.step()
    assert _orth_error(layer.weight.detach().numpy()) < 1e-12
    assert layer.parametrizations.weight.original.grad is not None


@pytest.mark.parametrize("orthogonal_map", MAPS)
def test_a_conv2d_weight_is_a_batch_of_orthogonal_matrices(orthogonal_map):
    """Conv2d's (out, in, kh, kw) weight: out x in matrices of kh x kw, each orthogonal, as
    PyTorch treats every tensor of more than 2 dims."""
    torch = pytest.importorskip("torch")
    conv = orthogonal(nn.Conv2d(2, 4, (3, 2), dtype=mg.float64), orthogonal_map=orthogonal_map)
    W = conv.weight.detach().numpy()
    assert W.shape == (4, 2, 3, 2) and _orth_error(W) < 1e-13
    assert conv.parametrizations.weight[0].base.shape == (4, 2, 3, 3)
    y = conv(mg.randn(1, 2, 5, 5, dtype=mg.float64))
    assert y.shape == (1, 4, 3, 4)
    tconv = torch.nn.utils.parametrizations.orthogonal(
        torch.nn.Conv2d(2, 4, (3, 2), dtype=torch.float64), orthogonal_map=orthogonal_map
    )
    assert list(conv.state_dict()) == list(tconv.state_dict())


@pytest.mark.parametrize("shape", [(5, 5), (6, 3), (3, 6), (2, 4, 3)])
@pytest.mark.parametrize("orthogonal_map", MAPS)
def test_registration_starts_from_torchs_weight(shape, orthogonal_map):
    """An orthogonal weight is kept, any other replaced by the Q of its QR (diag R >= 0); the
    random columns that complete a non-square one change only the base, not the weight."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    for w in (rng.standard_normal(shape), np.linalg.qr(rng.standard_normal(shape))[0]):
        if w.shape != shape:  # (a wide shape's QR is the transposed one's)
            w = np.linalg.qr(np.swapaxes(w, -1, -2))[0]
            w = np.swapaxes(w, -1, -2)
        mine, theirs = _pair(torch, shape, orthogonal_map, True, w, copy=False)
        np.testing.assert_allclose(
            mine.weight.detach().numpy(), theirs.weight.detach().numpy(), atol=1e-12
        )
        np.testing.assert_allclose(
            mine.parametrizations.weight.original.detach().numpy(),
            theirs.parametrizations.weight.original.detach().numpy(),
        )


@pytest.mark.parametrize("shape", SHAPES)
def test_householder_without_trivialization_stores_torchs_reflectors(shape):
    torch = pytest.importorskip("torch")
    w = np.random.default_rng(5).standard_normal(shape)
    mine, theirs = _pair(torch, shape, "householder", False, w, copy=False)
    original = mine.parametrizations.weight.original
    np.testing.assert_allclose(
        original.detach().numpy(),
        theirs.parametrizations.weight.original.detach().numpy(),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        mine.weight.detach().numpy(), theirs.weight.detach().numpy(), atol=1e-12
    )
    assert not hasattr(mine.parametrizations.weight[0], "base")


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley"])
def test_without_trivialization_exp_and_cayley_keep_the_weight_as_original(orthogonal_map):
    """They have no right inverse: the original is the weight as it was (PyTorch's), and
    assigning raises PyTorch's NotImplementedError."""
    layer = nn.Linear(4, 4, dtype=mg.float64)
    w = layer.weight.detach().numpy().copy()
    orthogonal(layer, orthogonal_map=orthogonal_map, use_trivialization=False)
    np.testing.assert_array_equal(layer.parametrizations.weight.original.detach().numpy(), w)
    with pytest.raises(NotImplementedError, match=r"use_trivialization=False\.$"):
        layer.weight = mg.eye(4, dtype=mg.float64)


# ---------------------------------------------------------------------------------------------
# orthogonal: training against torch


def _pair(
    torch: Any,
    shape: tuple[int, ...],
    orthogonal_map: str,
    use_trivialization: bool,
    w: np.ndarray,
    copy: bool = True,
) -> tuple[Any, Any]:
    """A minigrad and a torch module holding ``w`` (a Linear's weight, or a batched weight of
    a bare Module), both made orthogonal; with ``copy``, minigrad's original and base then
    become torch's."""
    layers = []
    for lib in (mg, torch):
        m = lib.nn.Module()
        m.weight = lib.nn.Parameter(lib.tensor(w.copy()))
        p = orthogonal if lib is mg else torch.nn.utils.parametrizations.orthogonal
        layers.append(p(m, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization))
    mine, theirs = layers
    if copy:
        mine.parametrizations.weight.original.data = mg.tensor(
            theirs.parametrizations.weight.original.detach().numpy()
        )
        if use_trivialization:
            mine.parametrizations.weight[0].base = mg.tensor(
                theirs.parametrizations.weight[0].base.numpy()
            )
    return mine, theirs


@pytest.mark.parametrize("shape", [(5, 5), (6, 3), (3, 6), (2, 3, 4)])
@pytest.mark.parametrize("orthogonal_map", MAPS)
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_optimizer_steps_match_torch(shape, orthogonal_map, use_trivialization):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    w = rng.standard_normal(shape) * 0.3
    mine, theirs = _pair(torch, shape, orthogonal_map, use_trivialization, w)
    x = rng.standard_normal((*shape[:-2], 7, shape[-1]))
    target = rng.standard_normal((*shape[:-2], 7, shape[-2]))
    opts = [
        optim.Adam(mine.parameters(), lr=0.05),
        torch.optim.Adam(theirs.parameters(), lr=0.05),
    ]
    for _ in range(4):
        for lib, m, opt in ((mg, mine, opts[0]), (torch, theirs, opts[1])):
            opt.zero_grad()
            y = lib.tensor(x) @ m.weight.mT
            ((y - lib.tensor(target)) ** 2).mean().backward()
            opt.step()
    np.testing.assert_allclose(
        mine.weight.detach().numpy(), theirs.weight.detach().numpy(), atol=1e-10
    )
    np.testing.assert_allclose(
        mine.parametrizations.weight.original.detach().numpy(),
        theirs.parametrizations.weight.original.detach().numpy(),
        atol=1e-10,
    )
    assert _orth_error(mine.weight.detach().numpy()) < 1e-12


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (2, 3)])
@pytest.mark.parametrize("orthogonal_map", MAPS)
@pytest.mark.parametrize("use_trivialization", [True, False])
def test_the_parametrized_forward_passes_finite_differences(
    shape, orthogonal_map, use_trivialization
):
    """The map from the original to the weight, in float64, first and second order. The
    householder map's diagonal is kept at -1.5 and 1.5 (read through int(), it has no
    gradient, and a finite step must not cross an integer)."""
    mg.manual_seed(1)
    m = nn.Module()
    m.weight = nn.Parameter(mg.randn(*shape, dtype=mg.float64))
    orthogonal(m, orthogonal_map=orthogonal_map, use_trivialization=use_trivialization)
    p = m.parametrizations.weight[0]
    x = np.random.default_rng(7).standard_normal(shape) * 0.4
    n = min(shape)
    x[..., range(n), range(n)] = np.where(np.arange(n) % 2, 1.5, -1.5)
    X = mg.tensor(x, requires_grad=True)
    assert gradcheck(p, (X,))
    assert gradgradcheck(p, (X,))


def test_the_parametrized_forward_matches_torch_with_gradients():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    cases = [((4, 4), "matrix_exp"), ((5, 3), "cayley"), ((3, 5), "householder")]
    for shape, orthogonal_map in cases:
        mine, theirs = _pair(torch, shape, orthogonal_map, True, rng.standard_normal(shape))
        x = rng.standard_normal(shape) * 0.4
        X, Xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        Q, Qt = mine.parametrizations.weight[0](X), theirs.parametrizations.weight[0](Xt)
        np.testing.assert_allclose(Q.detach().numpy(), Qt.detach().numpy(), atol=1e-12)
        g = rng.standard_normal(shape)
        Q.backward(mg.tensor(g))
        Qt.backward(torch.tensor(g))
        np.testing.assert_allclose(X.grad.numpy(), Xt.grad.numpy(), atol=1e-12)


# ---------------------------------------------------------------------------------------------
# orthogonal: assignment, state dict, refusals


@pytest.mark.parametrize("shape", SHAPES)
def test_assigning_a_weight_sets_the_base_as_torch(shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    mine, theirs = _pair(torch, shape, "matrix_exp", True, rng.standard_normal(shape))
    Q = np.linalg.qr(rng.standard_normal((max(shape), min(shape))))[0]
    Q = Q if shape[0] >= shape[1] else Q.T
    mine.weight = mg.tensor(Q)
    with torch.no_grad():
        theirs.weight = torch.tensor(Q)
    np.testing.assert_allclose(mine.weight.detach().numpy(), Q, atol=1e-13)
    np.testing.assert_allclose(theirs.weight.detach().numpy(), Q, atol=1e-13)
    np.testing.assert_array_equal(
        mine.parametrizations.weight.original.detach().numpy(),
        theirs.parametrizations.weight.original.detach().numpy(),
    )
    with pytest.raises(ValueError, match=r"^Expected a matrix or batch of matrices of shape"):
        mine.weight = mg.zeros(2, 2, dtype=mg.float64)


def test_state_dict_keys_and_repr_are_torchs():
    torch = pytest.importorskip("torch")
    for kwargs in ({}, {"use_trivialization": False}, {"orthogonal_map": "cayley"}):
        mine = orthogonal(nn.Linear(3, 5), **kwargs)
        theirs = torch.nn.utils.parametrizations.orthogonal(torch.nn.Linear(3, 5), **kwargs)
        assert list(mine.state_dict()) == list(theirs.state_dict())
        assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
        assert repr(mine) == repr(theirs)
    # A state dict carries the base, so loading it reproduces the weight.
    other = orthogonal(nn.Linear(3, 5))
    other.load_state_dict(mine.state_dict())
    np.testing.assert_array_equal(other.weight.detach().numpy(), mine.weight.detach().numpy())
    parametrize.remove_parametrizations(mine, "weight")
    assert _orth_error(mine.weight.detach().numpy()) < 1e-6


@pytest.mark.parametrize(
    ("make", "kwargs", "error", "match"),
    [
        (lambda: nn.Linear(3, 3), {"name": "foo"}, ValueError, r"has no parameter or buffer "),
        (
            lambda: nn.Linear(3, 3),
            {"name": "bias"},
            ValueError,
            r"^Expected a matrix or batch of matrices\. Got a tensor of 1 dimensions\.$",
        ),
        (
            lambda: nn.Linear(3, 3),
            {"orthogonal_map": "qr"},
            ValueError,
            r'^orthogonal_map has to be one of "matrix_exp", "cayley", "householder"\. Got: qr$',
        ),
        (
            lambda: nn.Linear(3, 3),
            {"orthogonal_map": "name"},
            ValueError,
            r"Got: name$",
        ),
    ],
)
def test_refusals_are_torchs_and_change_nothing(make, kwargs, error, match):
    torch = pytest.importorskip("torch")
    layer = make()
    weight, state = layer.weight, mg.get_rng_state().clone()
    with pytest.raises(error, match=match):
        orthogonal(layer, **kwargs)
    assert type(layer) is nn.Linear and layer.weight is weight
    assert not parametrize.is_parametrized(layer)
    assert mg.equal(mg.get_rng_state(), state)
    with pytest.raises(error, match=match):
        torch.nn.utils.parametrizations.orthogonal(torch.nn.Linear(3, 3), **kwargs)


def test_a_compiled_step_refuses_it_by_name():
    layer = orthogonal(nn.Linear(3, 3))
    with pytest.raises(CompileError, match=r"_Orthogonal"):
        mg.compile(layer, nn.MSELoss(), optim.SGD(layer.parameters(), lr=0.1))
