"""``nn.utils.parametrizations.spectral_norm``, as PyTorch's: with torch's ``_u`` and ``_v``
copied in (the two libraries draw different random numbers), the weights, outputs, gradients
and buffers equal torch's for Linear, Conv2d and ConvTranspose2d (dim 1), in training and eval
mode, through several optimizer steps; the gradient (u and v constants) matches finite
differences at first and second order; the state dict keys are torch's; misuse is refused in
torch's words before anything changes, the random generator included. The same for PyTorch's
original form, ``nn.utils.spectral_norm`` (a forward pre-hook; ``weight_orig``, ``weight_u``,
``weight_v``) and ``remove_spectral_norm``.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.gradcheck import gradcheck, gradgradcheck
from minigrad.nn.utils import parametrizations, parametrize

MG = SimpleNamespace(t=mg, nn=nn, W=parametrizations, P=parametrize, optim=mg.optim)


def _torch() -> Any:
    torch = pytest.importorskip("torch")
    return SimpleNamespace(
        t=torch,
        nn=torch.nn,
        W=torch.nn.utils.parametrizations,
        P=torch.nn.utils.parametrize,
        optim=torch.optim,
    )


RNG = np.random.default_rng(0)
LAYERS: dict[str, tuple[Any, tuple[int, ...]]] = {  # name -> (make(L), input shape)
    "Linear": (lambda L: L.nn.Linear(5, 4), (3, 5)),
    "Conv2d": (lambda L: L.nn.Conv2d(3, 4, 3), (2, 3, 6, 6)),
    "ConvTranspose2d": (lambda L: L.nn.ConvTranspose2d(3, 4, 3), (2, 3, 4, 4)),
}
PARAMS = {
    name: {
        "weight": RNG.standard_normal(tuple(make(MG).weight.shape)),
        "bias": RNG.standard_normal(tuple(make(MG).bias.shape)),
    }
    for name, (make, _) in LAYERS.items()
}
INPUTS = {name: RNG.standard_normal(shape) for name, (_, shape) in LAYERS.items()}


def _layer(L: Any, kind: str) -> Any:
    """The layer ``kind`` in float64 with the same weights in both libraries."""
    layer = LAYERS[kind][0](L).double()
    with L.t.no_grad():
        for name, value in PARAMS[kind].items():
            getattr(layer, name).copy_(L.t.tensor(value))
    return layer


def _copy_buffers(ours: Any, theirs: Any) -> None:
    """torch's ``_u`` and ``_v`` into ours, in place (the buffers keep their identity)."""
    with mg.no_grad():
        for (name, b), (tname, tb) in zip(ours.named_buffers(), theirs.named_buffers()):
            assert name == tname
            b.copy_(mg.tensor(tb.numpy()))


def _pair(kind: str, **kwargs: Any) -> tuple[Any, Any]:
    T = _torch()
    ours = MG.W.spectral_norm(_layer(MG, kind), **kwargs)
    theirs = T.W.spectral_norm(_layer(T, kind), **kwargs)
    _copy_buffers(ours, theirs)
    return ours, theirs


def _close(a: Any, b: Any, what: str) -> None:
    np.testing.assert_allclose(
        a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=what
    )


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("kind", list(LAYERS))
def test_training_steps_equal_torchs(kind: str, mode: str, optimizer: str) -> None:
    T = _torch()
    ours, theirs = _pair(kind)
    assert (
        list(ours.state_dict())
        == list(theirs.state_dict())
        == [
            "bias",
            "parametrizations.weight.original",
            "parametrizations.weight.0._u",
            "parametrizations.weight.0._v",
        ]
    )
    assert repr(ours) == repr(theirs)
    opts = []
    for L, layer in ((MG, ours), (T, theirs)):
        getattr(layer, mode)()
        make = getattr(L.optim, optimizer)
        kw = {"lr": 0.05, "momentum": 0.9} if optimizer == "SGD" else {"lr": 0.05}
        opts.append(make(layer.parameters(), **kw))
    x = INPUTS[kind]
    for step in range(4):
        results = []
        for L, layer, opt in ((MG, ours, opts[0]), (T, theirs, opts[1])):
            opt.zero_grad()
            out = layer(L.t.tensor(x * (step + 1)))
            (out**2).mean().backward()
            opt.step()
            results.append((out, layer))
        (out, a), (tout, b) = results
        _close(out, tout, f"output at step {step}")
        _close(a.weight, b.weight, f"weight at step {step}")
        for (name, p), (tname, tp) in zip(a.named_parameters(), b.named_parameters()):
            assert name == tname
            _close(p, tp, f"{name} at step {step}")
            _close(p.grad, tp.grad, f"gradient of {name} at step {step}")
        for (name, buf), (_, tbuf) in zip(a.named_buffers(), b.named_buffers()):
            _close(buf, tbuf, f"{name} at step {step}")
    np.testing.assert_allclose(  # trained: the originals moved
        ours.parametrizations.weight.original.detach().numpy(),
        theirs.parametrizations.weight.original.detach().numpy(),
        rtol=1e-10,
    )
    assert not np.allclose(
        ours.parametrizations.weight.original.detach().numpy(), PARAMS[kind]["weight"]
    )


def test_power_iteration_runs_at_each_read_in_training_mode_only() -> None:
    ours, theirs = _pair("Conv2d", n_power_iterations=3)
    u = ours.parametrizations.weight[0]._u
    before = u.detach().numpy().copy()
    ours.eval()
    theirs.eval()
    _close(ours.weight, theirs.weight, "eval weight")
    np.testing.assert_array_equal(u.detach().numpy(), before)  # eval: the buffers stay
    ours.train()
    theirs.train()
    for read in range(3):
        _close(ours.weight, theirs.weight, f"training read {read}")
        _close(u, theirs.parametrizations.weight[0]._u, f"_u after read {read}")
    assert ours.parametrizations.weight[0]._u is u  # written in place, as torch's out=
    assert not np.allclose(u.detach().numpy(), before)


def test_sigma_approaches_the_largest_singular_value() -> None:
    layer = MG.W.spectral_norm(_layer(MG, "Conv2d"))
    w = PARAMS["Conv2d"]["weight"].reshape(4, -1)
    for _ in range(30):
        layer.weight  # each read runs one power iteration
    np.testing.assert_allclose(
        layer.weight.detach().numpy(), PARAMS["Conv2d"]["weight"] / np.linalg.norm(w, 2)
    )
    assert np.linalg.norm(layer.weight.detach().numpy().reshape(4, -1), 2) == pytest.approx(1)


@pytest.mark.parametrize(
    "kind, kwargs",
    [
        ("Linear", {"dim": 1}),
        ("Conv2d", {"dim": -1, "n_power_iterations": 2}),
        ("ConvTranspose2d", {"dim": 0}),
        ("Linear", {"name": "bias"}),  # 1-D: divided by its norm, no buffers
        ("Linear", {"eps": 1e-3}),
    ],
)
def test_dims_names_and_the_vector_case_equal_torchs(kind: str, kwargs: dict[str, Any]) -> None:
    ours, theirs = _pair(kind, **kwargs)
    name = kwargs.get("name", "weight")
    assert list(ours.state_dict()) == list(theirs.state_dict())
    sn, tsn = ours.parametrizations[name][0], theirs.parametrizations[name][0]
    assert sn.dim == tsn.dim
    assert hasattr(sn, "_u") == hasattr(tsn, "_u") == (name == "weight")
    x = INPUTS[kind]
    for step in range(2):
        outs = []
        for L, layer in ((MG, ours), (_torch(), theirs)):
            for p in layer.parameters():
                p.grad = None
            out = layer(L.t.tensor(x))
            (out**3).sum().backward()
            outs.append(out)
        _close(outs[0], outs[1], f"output at step {step}")
        _close(getattr(ours, name), getattr(theirs, name), name)
        for (pn, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            _close(p.grad, tp.grad, f"gradient of {pn}")


def test_two_forwards_in_one_graph_keep_their_own_u_and_v() -> None:
    """A GAN's ``D(real) - D(fake)``: the second forward's power iteration must not change
    the first's sigma, which is why the buffers are cloned before use."""
    T = _torch()
    ours, theirs = _pair("Linear")
    grads = []
    for L, layer in ((MG, ours), (T, theirs)):
        x = L.t.tensor(INPUTS["Linear"])
        (layer(x) - layer(2 * x) ** 2).sum().backward()
        grads.append(layer.parametrizations.weight.original.grad)
    _close(grads[0], grads[1], "gradient through two forwards")


def test_right_inverse_assignment_and_removal_equal_torchs() -> None:
    ours, theirs = _pair("Linear")
    new = RNG.standard_normal((4, 5))
    for L, layer in ((MG, ours), (_torch(), theirs)):
        original = layer.parametrizations.weight.original
        layer.weight = L.t.tensor(new)  # right_inverse is the identity: stored as it is
        assert layer.parametrizations.weight.original is original
        np.testing.assert_array_equal(original.detach().numpy(), new)
    _close(ours.weight, theirs.weight, "weight after assignment")
    for L, layer in ((MG, ours), (_torch(), theirs)):
        L.P.remove_parametrizations(layer, "weight")  # one more power iteration (training)
    assert type(ours) is nn.Linear and isinstance(ours.weight, nn.Parameter)
    _close(ours.weight, theirs.weight, "weight left parametrized")
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias", "weight"]


def test_a_state_dict_round_trip_restores_u_and_v() -> None:
    a = MG.W.spectral_norm(_layer(MG, "Linear"))
    b = MG.W.spectral_norm(_layer(MG, "Linear"))
    u_a, u_b = a.parametrizations.weight[0]._u, b.parametrizations.weight[0]._u
    assert not np.allclose(u_a.numpy(), u_b.numpy())  # two draws
    b.load_state_dict(a.state_dict())
    a.eval()
    b.eval()
    np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())


@pytest.mark.parametrize("kind", list(LAYERS))
def test_gradients_match_finite_differences_first_and_second_order(kind: str) -> None:
    """In eval mode u and v are fixed, so W / (u . W v) is a function of W alone (in training
    mode the unrecorded power iteration makes them move with W, as in PyTorch)."""
    layer = MG.W.spectral_norm(_layer(MG, kind)).eval()
    sn = layer.parametrizations.weight[0]
    w = mg.tensor(PARAMS[kind]["weight"], requires_grad=True)
    assert gradcheck(lambda w: sn(w), [w])
    assert gradgradcheck(lambda w: sn(w), [w])


def test_the_vector_case_matches_finite_differences_in_training_mode() -> None:
    layer = MG.W.spectral_norm(_layer(MG, "Linear"), name="bias")
    sn = layer.parametrizations.bias[0]
    assert sn.training
    b = mg.tensor(PARAMS["Linear"]["bias"], requires_grad=True)
    assert gradcheck(lambda b: sn(b), [b])
    assert gradgradcheck(lambda b: sn(b), [b])


def _state(layer: Any) -> tuple[Any, ...]:
    return (
        type(layer),
        list(layer.state_dict()),
        [v.detach().numpy().copy() for v in layer.state_dict().values()],
    )


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"dim": 2}, IndexError),
        ({"dim": -3}, IndexError),
        ({"n_power_iterations": 0}, ValueError),
        ({"name": "foo"}, ValueError),
        ({"name": "training"}, ValueError),
    ],
)
def test_misuse_is_refused_in_torchs_words_before_anything_changes(
    kwargs: dict[str, Any], error: type
) -> None:
    T = _torch()
    messages = []
    for L in (MG, T):
        layer = _layer(L, "Linear")
        before = _state(layer)
        with pytest.raises(error) as info:
            L.W.spectral_norm(layer, **kwargs)
        messages.append(str(info.value).replace("minigrad.", "torch."))
        after = _state(layer)
        assert before[:2] == after[:2]
        if L is MG:  # (torch's own register_parametrization refusals change nothing either)
            for x, y in zip(before[2], after[2]):
                np.testing.assert_array_equal(x, y)
    assert messages[0] == messages[1]


def test_a_refused_registration_draws_no_random_numbers() -> None:
    layer = _layer(MG, "Linear")
    layer.plain = mg.zeros(4, 5)  # a tensor attribute, neither a parameter nor a buffer
    mg.manual_seed(3)
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a "):
        MG.W.spectral_norm(layer, name="plain")
    drawn = mg.randn(3).numpy()
    mg.manual_seed(3)
    np.testing.assert_array_equal(drawn, mg.randn(3).numpy())
    assert not parametrize.is_parametrized(layer)


def test_a_buffer_and_a_stacked_parametrization() -> None:
    """A buffer can be normalised too (its original stays a buffer), and spectral_norm stacks
    on an already parametrized name, as any parametrization does."""
    T = _torch()
    outs = []
    for L in (MG, T):
        m = L.nn.Module()
        m.register_buffer("w", L.t.tensor(PARAMS["Linear"]["weight"]))
        L.W.spectral_norm(m, "w").eval()
        assert [n for n, _ in m.named_parameters()] == []
        layer = L.W.weight_norm(_layer(L, "Linear"))
        L.W.spectral_norm(layer)
        outs.append((m, layer))
    (m, layer), (tm, tlayer) = outs
    _copy_buffers(m, tm)
    _copy_buffers(layer, tlayer)
    _close(m.w, tm.w, "buffer")
    _close(layer.weight, tlayer.weight, "stacked")
    assert list(layer.state_dict()) == list(tlayer.state_dict())


def test_the_compiler_refuses_it_by_name() -> None:
    layer = MG.W.spectral_norm(nn.Linear(3, 2))
    with pytest.raises(mg.compiler.CompileError, match=r"layer _SpectralNorm .* eager loop"):
        mg.compile(layer, nn.MSELoss(), mg.optim.SGD(layer.parameters(), lr=0.1))


# -- nn.utils.spectral_norm: PyTorch's original form, a forward pre-hook ------------------------


def _legacy_pair(kind: str, **kwargs: Any) -> tuple[Any, Any]:
    T = _torch()
    ours = nn.utils.spectral_norm(_layer(MG, kind), **kwargs)
    theirs = T.nn.utils.spectral_norm(_layer(T, kind), **kwargs)
    _copy_buffers(ours, theirs)
    return ours, theirs


@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("kind", list(LAYERS))
def test_legacy_training_steps_equal_torchs(kind: str, mode: str) -> None:
    T = _torch()
    ours, theirs = _legacy_pair(kind)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert list(ours.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    assert not isinstance(ours.weight, nn.Parameter)
    _close(ours.weight, theirs.weight, "weight before the first call (unnormalised)")
    opts = []
    for L, layer in ((MG, ours), (T, theirs)):
        getattr(layer, mode)()
        opts.append(L.optim.SGD(layer.parameters(), lr=0.05, momentum=0.9))
    for step in range(4):
        results = []
        for L, layer, opt in ((MG, ours, opts[0]), (T, theirs, opts[1])):
            opt.zero_grad()
            out = layer(L.t.tensor(INPUTS[kind] * (step + 1)))
            (out**2).mean().backward()
            opt.step()
            results.append((out, layer))
        (out, a), (tout, b) = results
        _close(out, tout, f"output at step {step}")
        _close(a.weight, b.weight, f"weight at step {step}")
        for (name, p), (_, tp) in zip(a.named_parameters(), b.named_parameters()):
            _close(p, tp, f"{name} at step {step}")
            _close(p.grad, tp.grad, f"gradient of {name} at step {step}")
        for (name, buf), (_, tbuf) in zip(a.named_buffers(), b.named_buffers()):
            _close(buf, tbuf, f"{name} at step {step}")
    for L, layer in ((MG, ours), (T, theirs)):
        L.nn.utils.remove_spectral_norm(layer)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias", "weight"]
    assert isinstance(ours.weight, nn.Parameter) and not ours._forward_pre_hooks
    _close(ours.weight, theirs.weight, "weight after remove_spectral_norm")


@pytest.mark.parametrize(
    "kind, kwargs",
    [
        ("Linear", {"dim": 1, "n_power_iterations": 3}),
        ("ConvTranspose2d", {"dim": 0}),
        ("Linear", {"name": "bias"}),  # 1-D: a column, u its size, v of size 1
    ],
)
def test_legacy_dims_and_the_vector_case_equal_torchs(kind: str, kwargs: dict[str, Any]) -> None:
    ours, theirs = _legacy_pair(kind, **kwargs)
    for step in range(2):
        outs = []
        for L, layer in ((MG, ours), (_torch(), theirs)):
            for p in layer.parameters():
                p.grad = None
            out = layer(L.t.tensor(INPUTS[kind]))
            (out**3).sum().backward()
            outs.append(out)
        _close(outs[0], outs[1], f"output at step {step}")
        for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            _close(p.grad, tp.grad, f"gradient of {name}")
        for (name, buf), (_, tbuf) in zip(ours.named_buffers(), theirs.named_buffers()):
            _close(buf, tbuf, name)


def test_legacy_two_forwards_and_a_state_dict_from_torch() -> None:
    T = _torch()
    ours, theirs = _legacy_pair("Linear")
    grads = []
    for L, layer in ((MG, ours), (T, theirs)):
        x = L.t.tensor(INPUTS["Linear"])
        (layer(x) - layer(2 * x) ** 2).sum().backward()
        grads.append(layer.weight_orig.grad)
    _close(grads[0], grads[1], "gradient through two forwards")
    fresh = nn.utils.spectral_norm(_layer(MG, "Linear"))
    fresh.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    for L, layer in ((MG, fresh), (T, theirs)):
        layer.eval()
        layer(L.t.tensor(INPUTS["Linear"]))
    _close(fresh.weight, theirs.weight, "weight from torch's state dict")


def test_legacy_gradients_match_finite_differences_first_and_second_order() -> None:
    layer = nn.utils.spectral_norm(_layer(MG, "Conv2d")).eval()
    original = layer.weight_orig
    x = mg.tensor(INPUTS["Conv2d"])

    def f(w: Any) -> Any:
        layer._parameters["weight_orig"] = w
        try:
            return mg.tanh(layer(x)).sum((0, 2, 3))
        finally:
            layer._parameters["weight_orig"] = original

    w = mg.tensor(PARAMS["Conv2d"]["weight"], requires_grad=True)
    assert gradcheck(f, [w])
    assert gradgradcheck(f, [w])


def _legacy_misuse(L: Any, case: str) -> Any:
    layer = _layer(L, "Linear")
    if case == "twice":
        L.nn.utils.spectral_norm(layer)
        return lambda: L.nn.utils.spectral_norm(layer), layer
    if case == "None":
        layer.bias = None
        return lambda: L.nn.utils.spectral_norm(layer, "bias"), layer
    if case == "lazy":
        lazy = L.nn.LazyLinear(3)
        return lambda: L.nn.utils.spectral_norm(lazy), lazy
    if case == "remove":
        return lambda: L.nn.utils.remove_spectral_norm(layer), layer
    kwargs = {
        "zero": {"n_power_iterations": 0},
        "foo": {"name": "foo"},
        "dim": {"dim": 2},
        "negative dim": {"dim": -1},  # refused by permute in torch as well
    }[case]
    return lambda: L.nn.utils.spectral_norm(layer, **kwargs), layer


@pytest.mark.parametrize(
    "case, error, same_words",
    [
        ("twice", RuntimeError, True),
        ("None", ValueError, True),
        ("lazy", ValueError, True),
        ("remove", ValueError, True),
        ("zero", ValueError, True),
        ("foo", KeyError, True),
        ("dim", RuntimeError, False),  # (permute's own words in each library)
        ("negative dim", RuntimeError, False),
    ],
)
def test_legacy_misuse_is_refused_in_torchs_words_before_anything_changes(
    case: str, error: type, same_words: bool
) -> None:
    messages = []
    for L in (MG, _torch()):
        call, module = _legacy_misuse(L, case)
        before = (list(module.state_dict()), len(module._forward_pre_hooks))
        if L is MG:
            mg.manual_seed(5)
        with pytest.raises(error) as info:
            call()
        messages.append(str(info.value))
        assert (list(module.state_dict()), len(module._forward_pre_hooks)) == before
        if L is MG:
            drawn = mg.randn(2).numpy()
            mg.manual_seed(5)
            np.testing.assert_array_equal(drawn, mg.randn(2).numpy())  # nothing drawn
    if same_words:
        assert messages[0] == messages[1]
    else:
        assert "permute" in messages[0] and "permute" in messages[1]


def test_the_compiler_refuses_the_legacy_hook_by_name() -> None:
    layer = nn.Sequential(nn.utils.spectral_norm(nn.Linear(3, 2)))
    with pytest.raises(mg.compiler.CompileError, match=r"Linear has a spectral_norm hook"):
        mg.compile(layer, nn.MSELoss(), mg.optim.SGD(layer.parameters(), lr=0.1))
