"""``nn.utils.weight_norm`` and ``remove_weight_norm`` (PyTorch's original form, with
``weight_g`` and ``weight_v``): parameter names, shapes and ``dim`` meanings, state_dict keys,
values and gradients against PyTorch, finite differences, errors; and PyTorch's FutureWarning
saying that ``nn.utils.parametrizations.weight_norm`` replaces it (tests/test_parametrize.py)."""

from __future__ import annotations

import re
import warnings
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn.utils import remove_weight_norm, weight_norm
from minigrad.nn.utils.weight_norm import WeightNorm, norm_except_dim

pytestmark = pytest.mark.filterwarnings("ignore:`torch.nn.utils.weight_norm` is deprecated")


def _torch() -> Any:
    return pytest.importorskip("torch")


def _conv() -> nn.Conv2d:
    mg.manual_seed(0)
    return nn.Conv2d(2, 3, (4, 5)).double()


def _norm(v: np.ndarray, dim: int | None) -> np.ndarray:
    """||v|| over every dim but ``dim`` (all for None or -1), kept as size-1 dims."""
    if dim is None or dim == -1:
        return np.asarray(np.sqrt((v**2).sum()))
    d = dim % v.ndim
    return np.sqrt((v**2).sum(axis=tuple(i for i in range(v.ndim) if i != d), keepdims=True))


# dim -> weight_g's shape for a (3, 2, 4, 5) weight, as PyTorch: -1 is the whole tensor, as None.
SHAPES: dict[Any, tuple[int, ...]] = {
    0: (3, 1, 1, 1),
    1: (1, 2, 1, 1),
    2: (1, 1, 4, 1),
    3: (1, 1, 1, 5),
    -1: (),
    -2: (1, 1, 4, 1),
    -3: (1, 2, 1, 1),
    -4: (3, 1, 1, 1),
    None: (),
}


@pytest.mark.parametrize("dim", list(SHAPES))
def test_parameters_shapes_and_weight_follow_dim(dim: int | None) -> None:
    m = _conv()
    w = m.weight.detach().numpy().copy()
    assert weight_norm(m, dim=dim) is m
    assert [n for n, _ in m.named_parameters()] == ["bias", "weight_g", "weight_v"]
    assert list(m.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert m.weight_g.shape == SHAPES[dim] and m.weight_v.shape == (3, 2, 4, 5)
    assert isinstance(m.weight_g, nn.Parameter) and isinstance(m.weight_v, nn.Parameter)
    assert not isinstance(m.weight, nn.Parameter) and m.weight.grad_fn is not None
    np.testing.assert_allclose(m.weight_g.detach().numpy(), _norm(w, dim), rtol=1e-14)
    np.testing.assert_array_equal(m.weight_v.detach().numpy(), w)
    np.testing.assert_allclose(m.weight.detach().numpy(), w, rtol=1e-14)


@pytest.mark.parametrize("dim", list(SHAPES))
def test_shapes_and_state_dict_keys_match_torch(dim: int | None) -> None:
    torch = _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ref = torch.nn.utils.weight_norm(torch.nn.Conv2d(2, 3, (4, 5)), dim=dim)
    m = weight_norm(_conv(), dim=dim)
    assert {k: tuple(v.shape) for k, v in m.state_dict().items()} == {
        k: tuple(v.shape) for k, v in ref.state_dict().items()
    }
    assert list(m.state_dict()) == list(ref.state_dict())


def test_the_hook_recomputes_the_weight_before_each_forward() -> None:
    m = weight_norm(nn.Linear(3, 4).double())
    assert m.weight_g.shape == (4, 1)
    with mg.no_grad():
        m.weight_g.mul_(2.0)
        m.weight_v.mul_(-5.0)  # the direction flips, its length does not count
    x = mg.randn(2, 3, dtype=mg.float64)
    v = m.weight_v.detach().numpy()
    expected = m.weight_g.detach().numpy() * v / _norm(v, 0)
    out = m(x)
    np.testing.assert_allclose(m.weight.detach().numpy(), expected, rtol=1e-14)
    np.testing.assert_allclose(
        out.detach().numpy(), x.numpy() @ expected.T + m.bias.detach().numpy(), rtol=1e-14
    )


@pytest.mark.parametrize("dim", [0, 1, -1, None])
def test_values_and_gradients_match_torch(dim: int | None) -> None:
    torch = _torch()
    rng = np.random.default_rng(0)
    w, b, x = (
        rng.standard_normal((3, 2, 4, 5)),
        rng.standard_normal(3),
        rng.standard_normal((2, 2, 6, 7)),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        conv = torch.nn.Conv2d(2, 3, (4, 5)).double()
        with torch.no_grad():
            conv.weight.copy_(torch.tensor(w))
            conv.bias.copy_(torch.tensor(b))
        ref = torch.nn.utils.weight_norm(conv, dim=dim)
    m = _conv()
    m.load_state_dict({"weight": mg.from_numpy(w), "bias": mg.from_numpy(b)})
    weight_norm(m, dim=dim)
    with torch.no_grad():  # move off the initial point, where g = ||v||
        ref.weight_g.mul_(1.5)
    with mg.no_grad():
        m.weight_g.mul_(1.5)
    tx = torch.tensor(x)
    out, expected = m(mg.from_numpy(x)), ref(tx)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
    seed = rng.standard_normal(tuple(out.shape))
    out.backward(mg.from_numpy(seed))
    expected.backward(torch.tensor(seed))
    for name in ("weight_g", "weight_v", "bias"):
        grad = getattr(m, name).grad
        assert grad is not None
        np.testing.assert_allclose(
            grad.numpy(), getattr(ref, name).grad.numpy(), rtol=1e-10, atol=1e-12
        )


@pytest.mark.parametrize("dim", [0, 1, None])
def test_gradcheck_and_gradgradcheck_of_the_weight_in_g_and_v(dim: int | None) -> None:
    m = weight_norm(nn.Linear(3, 4).double(), dim=dim)
    hook = next(iter(m._forward_pre_hooks.values()))
    assert isinstance(hook, WeightNorm)
    with mg.no_grad():
        m.weight_g.mul_(1.5)
    g = m.weight_g.detach().clone().requires_grad_()
    v = m.weight_v.detach().t().requires_grad_()  # non-contiguous

    def weight(g: mg.Tensor, v: mg.Tensor) -> mg.Tensor:
        module = SimpleNamespace(weight_g=g, weight_v=v.t())
        return hook.compute_weight(module)  # type: ignore[arg-type]

    assert mg.gradcheck(weight, [g, v])
    assert mg.gradgradcheck(weight, [g, v])


@pytest.mark.parametrize(("shape", "dim"), [((3, 2, 4), 1), ((3, 2, 4), -2), ((4,), 0), ((), -1)])
def test_norm_except_dim_matches_torch(shape: tuple[int, ...], dim: int) -> None:
    torch = _torch()
    x = np.random.default_rng(1).standard_normal(shape)
    a, t = mg.from_numpy(x).requires_grad_(), torch.tensor(x, requires_grad=True)
    out, ref = norm_except_dim(a, 2, dim), torch.norm_except_dim(t, 2, dim)
    assert out.shape == tuple(ref.shape)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-14)
    out.sum().backward()
    ref.sum().backward()
    assert a.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_norm_except_dim_of_a_zero_dim_tensor_needs_dim_minus_one_as_torch() -> None:
    with pytest.raises(IndexError, match=r"^Dimension specified as 0 but tensor has no dimensions"):
        norm_except_dim(mg.tensor(2.0), 2, 0)


def test_remove_weight_norm_puts_back_the_parameter() -> None:
    m = weight_norm(nn.Linear(3, 4).double())
    with mg.no_grad():
        m.weight_g.mul_(3.0)
    expected = (
        m.weight_g.detach().numpy()
        * m.weight_v.detach().numpy()
        / _norm(m.weight_v.detach().numpy(), 0)
    )
    assert remove_weight_norm(m) is m
    assert [n for n, _ in m.named_parameters()] == ["bias", "weight"]
    assert list(m.state_dict()) == ["bias", "weight"]
    assert isinstance(m.weight, nn.Parameter) and m.weight.is_leaf
    np.testing.assert_allclose(m.weight.detach().numpy(), expected, rtol=1e-14)
    assert not m._forward_pre_hooks
    with pytest.raises(
        ValueError, match=re.escape("weight_norm of 'weight' not found in Linear(in_features=3")
    ):
        remove_weight_norm(m)


def test_state_dict_round_trip_and_load_into_a_fresh_normalised_module() -> None:
    a = weight_norm(nn.Linear(3, 4))
    with mg.no_grad():
        a.weight_g.mul_(2.0)
    b = weight_norm(nn.Linear(3, 4))
    b.load_state_dict(a.state_dict())
    x = mg.randn(5, 3)
    np.testing.assert_allclose(b(x).detach().numpy(), a(x).detach().numpy(), rtol=1e-6)


def test_a_bias_and_an_optimiser_step() -> None:
    m = weight_norm(nn.Linear(3, 4), name="bias")
    assert m.bias_g.shape == (4,) and m.bias_v.shape == (4,)
    assert list(m.state_dict()) == ["weight", "bias_g", "bias_v"]
    m = weight_norm(nn.Linear(3, 4).double())
    opt = mg.optim.SGD(m.parameters(), lr=0.1)
    before = m.weight_g.detach().numpy().copy()
    m(mg.randn(2, 3, dtype=mg.float64)).sum().backward()
    opt.step()
    assert not np.array_equal(m.weight_g.detach().numpy(), before)


BAD = [
    (
        lambda L, wn, m: wn(wn(m)),
        RuntimeError,
        "Cannot register two weight_norm hooks on the same parameter weight",
    ),
    (lambda L, wn, m: wn(m, name="foo"), AttributeError, "'Linear' object has no attribute 'foo'"),
    (
        lambda L, wn, m: wn(m, dim=2),
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    ),
    (
        lambda L, wn, m: wn(m, dim="a"),
        TypeError,
        "norm_except_dim(): argument 'dim' (position 3) must be int, not str",
    ),
]


@pytest.mark.parametrize("case", range(len(BAD)))
def test_bad_arguments_raise_torchs_errors_and_change_nothing(case: int) -> None:
    call, error, message = BAD[case]
    m = nn.Linear(3, 4)
    with pytest.raises(error) as info:
        call(mg, weight_norm, m)
    assert str(info.value).startswith(message)
    if case > 0:  # a misuse leaves the module as it was (PyTorch's can lose its weight)
        assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]
        assert not m._forward_pre_hooks
    torch = _torch()
    with warnings.catch_warnings(), pytest.raises(error) as info:
        warnings.simplefilter("ignore", FutureWarning)
        call(torch, torch.nn.utils.weight_norm, torch.nn.Linear(3, 4))
    assert str(info.value).startswith(message)


def test_it_warns_as_torch_that_it_is_deprecated() -> None:
    words = (
        "`torch.nn.utils.weight_norm` is deprecated in favor of "
        "`torch.nn.utils.parametrizations.weight_norm`."
    )
    with pytest.warns(FutureWarning) as record:
        weight_norm(nn.Linear(3, 4))
    assert [str(w.message) for w in record] == [words]
    assert record[0].filename == __file__  # (stacklevel: the warning points at the caller)
    torch = pytest.importorskip("torch")
    with pytest.warns(FutureWarning) as theirs:
        torch.nn.utils.weight_norm(torch.nn.Linear(3, 4))
    assert [str(w.message) for w in theirs] == [words]


LAYERS = {  # name -> (make(lib), parameter, dim, input shape or indices)
    "Linear": (lambda L: L.nn.Linear(3, 4), "weight", 0, (2, 3)),
    "Conv1d": (lambda L: L.nn.Conv1d(2, 3, 3), "weight", 0, (2, 2, 7)),
    "ConvTranspose2d dim=1": (lambda L: L.nn.ConvTranspose2d(2, 3, 2), "weight", 1, (1, 2, 3, 3)),
    "Bilinear": (lambda L: L.nn.Bilinear(3, 2, 4), "weight", 0, None),
    "Embedding": (lambda L: L.nn.Embedding(5, 3), "weight", 0, [[0, 4, 2]]),
    "LayerNorm": (lambda L: L.nn.LayerNorm(3), "weight", 0, (2, 3)),
    "LSTM": (lambda L: L.nn.LSTM(3, 2), "weight_hh_l0", 0, (4, 1, 3)),
    "GRU whole": (lambda L: L.nn.GRU(3, 2), "weight_ih_l0", None, (4, 1, 3)),
}


@pytest.mark.parametrize("name", list(LAYERS))
def test_layers_with_weight_norm_match_torch(name: str) -> None:
    torch = _torch()
    make, param, dim, shape = LAYERS[name]
    torch.manual_seed(0)
    ref = make(torch).double()
    m = make(mg).double()
    m.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        torch.nn.utils.weight_norm(ref, param, dim)
    weight_norm(m, param, dim)
    assert list(m.state_dict()) == list(ref.state_dict())
    with torch.no_grad():
        getattr(ref, param + "_g").mul_(1.5)
    with mg.no_grad():
        getattr(m, param + "_g").mul_(1.5)
    rng = np.random.default_rng(2)
    if name == "Bilinear":
        xs = [rng.standard_normal((2, 3)), rng.standard_normal((2, 2))]
        out, expected = m(*map(mg.from_numpy, xs)), ref(*map(torch.tensor, xs))
    elif name == "Embedding":
        out, expected = m(mg.tensor(shape)), ref(torch.tensor(shape))
    else:
        x = rng.standard_normal(shape)
        out, expected = m(mg.from_numpy(x)), ref(torch.tensor(x))
    if isinstance(out, tuple):
        out, expected = out[0], expected[0]
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
    (out * out).sum().backward()
    (expected * expected).sum().backward()
    grads = {k: p.grad for k, p in m.named_parameters()}
    for k, p in ref.named_parameters():
        assert grads[k] is not None, k
        np.testing.assert_allclose(grads[k].numpy(), p.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_a_torch_state_dict_with_weight_g_and_weight_v_loads_both_ways() -> None:
    torch = _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ref = torch.nn.utils.weight_norm(torch.nn.Conv1d(2, 3, 3).double())
    with torch.no_grad():
        ref.weight_g.mul_(2.0)
    m = weight_norm(nn.Conv1d(2, 3, 3).double())
    m.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    x = np.random.default_rng(3).standard_normal((2, 2, 6))
    expected = ref(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(m(mg.from_numpy(x)).detach().numpy(), expected, rtol=1e-12)
    with mg.no_grad():
        m.weight_v.mul_(-1.0)
    ref.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})
    np.testing.assert_allclose(
        ref(torch.tensor(x)).detach().numpy(), m(mg.from_numpy(x)).detach().numpy(), rtol=1e-12
    )
