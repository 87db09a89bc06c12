"""``nn.utils.parametrize`` and ``nn.utils.parametrizations.weight_norm``, as PyTorch's: the
parametrized tensor is recomputed at each read from its originals, its gradient reaches them
through the parametrization's ops (finite differences, first and second order; torch's values
and gradients), assignment goes through ``right_inverse``, parametrizations stack, ``cached()``
computes once, the state dict and the repr carry PyTorch's keys and names, and every misuse is
refused in PyTorch's words before anything changes. The flow of PyTorch's "Parametrizations
Tutorial" runs with ``import minigrad as torch``.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.gradcheck import gradcheck, gradgradcheck
from minigrad.nn.utils import parametrizations, parametrize

MG = SimpleNamespace(t=mg, nn=nn, P=parametrize, W=parametrizations)


def _torch() -> Any:
    torch = pytest.importorskip("torch")
    return SimpleNamespace(
        t=torch,
        nn=torch.nn,
        P=torch.nn.utils.parametrize,
        W=torch.nn.utils.parametrizations,
    )


def _classes(L: Any) -> SimpleNamespace:
    """The tutorial's parametrizations, for either library."""

    class Symmetric(L.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()

    class Skew(L.nn.Module):
        def forward(self, X):
            A = X.triu(1)
            return A - A.transpose(-1, -2)

    class Scale(L.nn.Module):  # a second parametrization to stack, with a right inverse
        def forward(self, X):
            return X * 2

        def right_inverse(self, X):
            return X / 2

    class RankOne(L.nn.Module):  # two originals
        def forward(self, x, y):
            return x.unsqueeze(-1) @ y.unsqueeze(-2)

        def right_inverse(self, Z):
            return Z[:, 0].clone(), Z[0, :] / Z[0, 0]

    class Counting(L.nn.Module):
        calls = 0

        def forward(self, X):
            type(self).calls += 1
            return X * 1

    return SimpleNamespace(
        Symmetric=Symmetric, Skew=Skew, Scale=Scale, RankOne=RankOne, Counting=Counting
    )


W = np.random.default_rng(0).standard_normal((3, 3))
B = np.random.default_rng(1).standard_normal(3)
X = np.random.default_rng(2).standard_normal((4, 3))


def _linear(L: Any) -> Any:
    """Linear(3, 3) in float64 with the same weights in both libraries."""
    layer = L.nn.Linear(3, 3).double()
    with L.t.no_grad():
        layer.weight.copy_(L.t.tensor(W))
        layer.bias.copy_(L.t.tensor(B))
    return layer


def test_a_parametrized_weight_is_recomputed_from_its_original():
    layer = _linear(MG)
    original = layer.weight
    opt = optim.SGD(layer.parameters(), lr=0.1)  # built before: it holds the original
    parametrize.register_parametrization(layer, "weight", _classes(MG).Symmetric())
    assert layer.parametrizations.weight.original is original  # the same Parameter
    np.testing.assert_array_equal(original.detach().numpy(), np.triu(W))  # right_inverse applied
    np.testing.assert_array_equal(layer.weight.detach().numpy(), layer.weight.detach().numpy().T)
    assert layer.weight.grad_fn is not None and not isinstance(layer.weight, nn.Parameter)
    assert [n for n, _ in layer.named_parameters()] == ["bias", "parametrizations.weight.original"]
    for _ in range(3):
        opt.zero_grad()
        (layer(mg.tensor(X)) ** 2).sum().backward()
        opt.step()
    assert not np.array_equal(original.detach().numpy(), np.triu(W))  # trained
    np.testing.assert_array_equal(
        layer.weight.detach().numpy(), layer.weight.detach().numpy().T
    )  # still symmetric


@pytest.mark.parametrize("kind", ["Symmetric", "Skew", "stacked", "RankOne", "weight_norm"])
def test_values_and_gradients_equal_torchs(kind):
    results = []
    for L in (MG, _torch()):
        layer = _linear(L)
        C = _classes(L)
        if kind == "stacked":
            L.P.register_parametrization(layer, "weight", C.Symmetric())
            L.P.register_parametrization(layer, "weight", C.Scale())
        elif kind == "weight_norm":
            L.W.weight_norm(layer)
        else:
            L.P.register_parametrization(layer, "weight", getattr(C, kind)())
        out = layer(L.t.tensor(X))
        (out**2).sum().backward()
        named = dict(layer.named_parameters())
        results.append(
            {
                "out": out.detach().numpy(),
                "weight": layer.weight.detach().numpy(),
                **{k: v.detach().numpy() for k, v in named.items()},
                **{f"grad {k}": v.grad.numpy() for k, v in named.items()},
                "keys": list(layer.state_dict()),
                "repr": repr(layer),
            }
        )
    ours, theirs = results
    assert ours.keys() == theirs.keys()
    for key in ours:
        if key in ("keys", "repr"):
            assert ours[key] == theirs[key], key
        else:
            np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kind", ["Symmetric", "stacked", "RankOne", "weight_norm"])
def test_gradients_match_finite_differences_first_and_second_order(kind):
    layer = _linear(MG)
    C = _classes(MG)
    if kind == "stacked":
        parametrize.register_parametrization(layer, "weight", C.Symmetric())
        parametrize.register_parametrization(layer, "weight", C.Scale())
    elif kind == "weight_norm":
        parametrizations.weight_norm(layer)
    else:
        parametrize.register_parametrization(layer, "weight", getattr(C, kind)())
    plist = layer.parametrizations.weight
    names = ["original"] if plist.is_tensor else [f"original{i}" for i in range(plist.ntensors)]
    originals = [getattr(plist, n) for n in names]
    x = mg.tensor(X[:, ::-1].copy()[:, ::1])  # (a reversed copy: other values)

    def f(*values: Any) -> Any:
        for name, value in zip(names, values):
            plist._parameters[name] = value
        try:
            return mg.tanh(layer(x)).sum(0)
        finally:
            for name, p in zip(names, originals):
                plist._parameters[name] = p

    inputs = [mg.tensor(p.detach().numpy().copy(), requires_grad=True) for p in originals]
    assert gradcheck(f, inputs)
    assert gradgradcheck(f, inputs)


def test_assignment_goes_through_right_inverse():
    layer = _linear(MG)
    C = _classes(MG)
    parametrize.register_parametrization(layer, "weight", C.Symmetric())
    parametrize.register_parametrization(layer, "weight", C.Scale())
    original = layer.parametrizations.weight.original
    target = mg.tensor(W + W.T)
    layer.weight = target
    assert layer.parametrizations.weight.original is original
    np.testing.assert_allclose(layer.weight.detach().numpy(), target.detach().numpy(), rtol=1e-15)
    np.testing.assert_allclose(original.detach().numpy(), np.triu(W + W.T) / 2, rtol=1e-15)


def test_errors_in_torchs_words_and_nothing_changes():
    for L in (MG, _torch()):
        layer = _linear(L)
        C = _classes(L)
        before = layer.weight.detach().numpy().copy()
        with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a "):
            L.P.register_parametrization(layer, "foo", C.Skew())

        class Shrink(L.nn.Module):
            def forward(self, X):
                return X[:1]

        with pytest.raises(ValueError, match="may not change the shape of the tensor, unless"):
            L.P.register_parametrization(layer, "weight", Shrink())
        assert not L.P.is_parametrized(layer) and type(layer) is L.nn.Linear
        np.testing.assert_array_equal(layer.weight.detach().numpy(), before)
        with pytest.raises(ValueError, match="does not have a parametrization on weight"):
            L.P.remove_parametrizations(layer, "weight")
        L.P.register_parametrization(layer, "weight", C.Skew())
        with pytest.raises(KeyError, match="attribute 'weight' already exists"):
            layer.weight = L.nn.Parameter(L.t.ones(3, 3))
        with pytest.raises(RuntimeError, match="parametrization Skew does not implement "):
            layer.weight = L.t.ones(3, 3)
        with pytest.raises(AttributeError):
            del layer.weight
        assert L.P.is_parametrized(layer, "weight")
        rank_one = _linear(L)
        L.P.register_parametrization(rank_one, "weight", C.RankOne())
        with pytest.raises(ValueError, match=r"Cannot leave unparametrized \(`leave_"):
            L.P.remove_parametrizations(rank_one, "weight", leave_parametrized=False)
        L.P.register_parametrization(layer, "weight", Shrink(), unsafe=True)  # allowed
        assert tuple(layer.weight.shape) == (1, 3)


def test_remove_leaves_the_value_and_the_class():
    layer = _linear(MG)
    original = layer.weight
    parametrize.register_parametrization(layer, "weight", _classes(MG).Skew())
    assert type(layer).__name__ == "ParametrizedLinear" and isinstance(layer, nn.Linear)
    assert parametrize.type_before_parametrizations(layer) is nn.Linear
    skew = layer.weight.detach().numpy()
    parametrize.remove_parametrizations(layer, "weight")
    assert type(layer) is nn.Linear and not hasattr(layer, "parametrizations")
    assert layer.weight is original and isinstance(layer.weight, nn.Parameter)
    np.testing.assert_array_equal(layer.weight.detach().numpy(), skew)
    parametrize.register_parametrization(layer, "weight", _classes(MG).Skew())
    parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
    np.testing.assert_array_equal(layer.weight.detach().numpy(), skew)  # the original, unchanged
    rank_one = _linear(MG)
    parametrize.register_parametrization(rank_one, "weight", _classes(MG).RankOne())
    value = rank_one.weight.detach().numpy()
    parametrize.remove_parametrizations(rank_one, "weight")
    assert isinstance(rank_one.weight, nn.Parameter) and rank_one.weight.requires_grad
    np.testing.assert_array_equal(rank_one.weight.detach().numpy(), value)


def test_cached_computes_once_per_block():
    C = _classes(MG)
    layer = _linear(MG)
    parametrize.register_parametrization(layer, "weight", C.Counting())
    C.Counting.calls = 0
    layer.weight + layer.weight
    assert C.Counting.calls == 2
    with parametrize.cached():
        first = layer.weight
        with parametrize.cached():
            assert layer.weight is first
        assert layer.weight is first
        layer(mg.tensor(X))  # the layer's forward reads the cached weight too
    assert C.Counting.calls == 3
    assert layer.weight is not first and C.Counting.calls == 4


def test_a_buffer_can_be_parametrized_and_the_state_dict_loads_from_torch():
    bn = nn.BatchNorm1d(3).double()
    parametrize.register_parametrization(bn, "running_var", _classes(MG).Counting())
    assert "original" in bn.parametrizations.running_var._buffers
    assert "parametrizations.running_var.original" in bn.state_dict()
    L = _torch()
    theirs = _linear(L)
    L.P.register_parametrization(theirs, "weight", _classes(L).Symmetric())
    ours = nn.Linear(3, 3).double()
    parametrize.register_parametrization(ours, "weight", _classes(MG).Symmetric())
    ours.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())


def test_deepcopy_gives_an_independent_parametrized_module():
    layer = _linear(MG)
    parametrize.register_parametrization(layer, "weight", _classes(MG).Skew())
    twin = copy.deepcopy(layer)
    assert type(twin) is type(layer)
    parametrize.remove_parametrizations(layer, "weight")
    assert type(layer) is nn.Linear and parametrize.is_parametrized(twin, "weight")
    np.testing.assert_array_equal(twin.weight.detach().numpy(), layer.weight.detach().numpy())
    assert twin.parametrizations.weight.original is not layer.weight


def test_weight_norm_parametrization_as_torchs():
    layer = parametrizations.weight_norm(_linear(MG))
    g, v = layer.parametrizations.weight.original0, layer.parametrizations.weight.original1
    assert g.shape == (3, 1) and v.shape == (3, 3)
    np.testing.assert_allclose(layer.weight.detach().numpy(), W, rtol=1e-14)
    whole = parametrizations.weight_norm(_linear(MG), dim=None)
    assert whole.parametrizations.weight.original0.shape == ()
    parametrize.remove_parametrizations(layer, "weight")
    np.testing.assert_allclose(layer.weight.detach().numpy(), W, rtol=1e-14)


def test_a_missing_name_says_so():
    with pytest.raises(AttributeError, match=r"does not have torch\.nn\.utils\.parametrizations"):
        parametrizations.x
    assert callable(parametrizations.orthogonal)  # (tests/test_orthogonal.py)


@pytest.mark.parametrize("kind", ["Skew", "weight_norm"])
def test_a_compiled_step_trains_a_parametrized_model_as_the_eager_loop(kind):
    def model() -> Any:
        mg.manual_seed(0)
        m = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 3))
        if kind == "Skew":
            parametrize.register_parametrization(m[0], "weight", _classes(MG).Skew())
        else:
            parametrizations.weight_norm(m[2])
        return m

    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((8, 4)).astype(np.float32))
    y = mg.tensor(rng.integers(0, 3, 8))
    compiled, eager = model(), model()
    opt, eager_opt = optim.SGD(compiled.parameters(), lr=0.1), optim.SGD(eager.parameters(), lr=0.1)
    step = mg.compile(compiled, nn.functional.cross_entropy, opt)
    for _ in range(20):
        loss = step(x, y)
        eager_opt.zero_grad()
        eager_loss = nn.functional.cross_entropy(eager(x), y)
        eager_loss.backward()
        eager_opt.step()
        np.testing.assert_allclose(loss.item(), eager_loss.item(), rtol=1e-6)
    for (name, p), q in zip(compiled.named_parameters(), eager.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-5, err_msg=name)


def test_the_tutorials_rank_one_and_matrix_exponential_parts():
    """PyTorch's tutorial, as written: a rank-one weight from its SVD, and an orthogonal one as
    the matrix exponential of a skew-symmetric matrix (two stacked parametrizations)."""
    torch = mg

    class RankOne(nn.Module):
        def forward(self, x, y):
            return x.unsqueeze(-1) @ y.unsqueeze(-2)

        def right_inverse(self, Z):
            U, S, Vh = torch.linalg.svd(Z, full_matrices=False)
            s0_sqrt = S[0].sqrt().unsqueeze(-1)
            return U[..., :, 0] * s0_sqrt, Vh[..., 0, :] * s0_sqrt

    linear_rank_one = nn.Linear(4, 4)
    parametrize.register_parametrization(linear_rank_one, "weight", RankOne())
    assert torch.linalg.matrix_rank(linear_rank_one.weight).item() == 1

    class MatrixExponential(nn.Module):
        def forward(self, X):
            return torch.matrix_exp(X)

    layer = nn.Linear(3, 3).double()
    parametrize.register_parametrization(layer, "weight", _classes(MG).Skew())
    parametrize.register_parametrization(layer, "weight", MatrixExponential())
    X = layer.weight
    assert torch.dist(X.T @ X, torch.eye(3, dtype=torch.float64)).item() < 1e-12
    layer(torch.randn(2, 3, dtype=torch.float64)).sum().backward()
    grad = layer.parametrizations.weight.original.grad
    assert grad is not None and np.abs(grad.numpy()).max() > 0


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
def test_a_right_inverse_raising_not_implemented_is_skipped(lib):
    """PyTorch's rule, which ``orthogonal``'s exp and Cayley maps without trivialization rely
    on: registering (first or stacked) keeps the value as it is; assigning raises."""
    L = MG if lib == "minigrad" else _torch()

    class Double(L.nn.Module):
        def forward(self, X):
            return 2 * X

        def right_inverse(self, X):
            raise NotImplementedError("no inverse")

    layer = L.nn.Linear(3, 3)
    w = layer.weight.detach().clone()
    L.P.register_parametrization(layer, "weight", Double())
    L.P.register_parametrization(layer, "weight", Double())
    assert L.t.equal(layer.parametrizations.weight.original, w)
    assert L.t.equal(layer.weight, 4 * w)
    with pytest.raises(NotImplementedError, match=r"^no inverse$"):
        layer.weight = w
