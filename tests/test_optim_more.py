"""Tests for Adadelta, Adamax, NAdam, RAdam, ASGD and Rprop: trajectories and state dicts
against torch.optim, PyTorch's argument errors, in-place updates."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim

STEPS = 20
SHAPES = [(3, 2), (4,)]
CURVATURE = [np.random.default_rng(7 + i).uniform(0.5, 2.0, s) for i, s in enumerate(SHAPES)]
INITS = [np.random.default_rng(42 + i).standard_normal(s) for i, s in enumerate(SHAPES)]

CASES = [
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1)),
    ("Adadelta", dict(lr=0.3, weight_decay=0.05, maximize=True)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-4, weight_decay=0.1)),
    ("Adamax", dict(lr=0.01, maximize=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.01, maximize=True)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1)),  # rectified after step 5
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01, betas=(0.5, 0.8), maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, lambd=0.1, alpha=0.5, t0=5, weight_decay=0.1)),  # averaging from 6
    ("ASGD", dict(lr=0.05, t0=3, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2))),
    ("Rprop", dict(lr=0.05, maximize=True)),
]
NAMES = ["Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop"]


@pytest.fixture
def torch64():
    """torch and minigrad with float64 as their default dtype: both keep the step count,
    NAdam's ``mu_product`` and ASGD's ``eta`` and ``mu`` in 0-d tensors of float64 then (of
    float32 otherwise, see ``test_numbers_of_the_state_round_as_torchs``)."""
    torch = pytest.importorskip("torch")
    old, old_mg = torch.get_default_dtype(), mg.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    mg.set_default_dtype(mg.float64)
    yield torch
    torch.set_default_dtype(old)
    mg.set_default_dtype(old_mg)


def _grad(p, i, k):
    """A gradient depending on the parameter (a quadratic bowl) plus per-step noise; the
    second parameter has none every third step."""
    if i == 1 and k % 3 == 2:
        return None
    noise = np.random.default_rng(100 * i + k).standard_normal(p.shape)
    sign = -1.0 if k % 7 == 3 else 1.0  # sign flips exercise Rprop's backtracking
    return sign * (CURVATURE[i] * p + 0.3 * noise)


def _train(ps, opt, start, stop, wrap):
    for k in range(start, stop):
        for i, p in enumerate(ps):
            g = _grad(np.array(p.detach().numpy()), i, k)
            p.grad = None if g is None else wrap(g)
        opt.step()


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=str)
def test_twenty_steps_match_torch(torch64, name, kwargs):
    torch = torch64
    ps = [nn.Parameter(a.copy()) for a in INITS]
    tps = [torch.tensor(a.copy(), requires_grad=True) for a in INITS]
    opt = getattr(optim, name)(ps, foreach=False, **kwargs)
    topt = getattr(torch.optim, name)(tps, foreach=False, **kwargs)
    for k in range(STEPS):
        _train(ps, opt, k, k + 1, mg.tensor)
        _train(tps, topt, k, k + 1, torch.tensor)
        for p, tp in zip(ps, tps):
            np.testing.assert_allclose(
                p.detach().numpy(), tp.detach().numpy(), rtol=1e-10, atol=1e-14
            )
    assert all(p.dtype == np.float64 for p in ps)
    assert np.abs(ps[0].detach().numpy() - INITS[0]).max() > 1e-3  # really moved
    ours, theirs = opt.state_dict(), topt.state_dict()
    for i in range(2):
        assert sorted(ours["state"][i]) == sorted(theirs["state"][i])
        for key, value in theirs["state"][i].items():
            np.testing.assert_allclose(np.asarray(ours["state"][i][key]), value.numpy(), rtol=1e-10)
    assert {k: v for k, v in theirs["param_groups"][0].items() if k in ours["param_groups"][0]} == (
        ours["param_groups"][0]
    )


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_loads_into_torch_and_continues_as_torch_does(torch64, name):
    torch = torch64
    kwargs = dict(CASES[[n for n, _ in CASES].index(name) + 1][1])
    ps = [nn.Parameter(a.copy()) for a in INITS]
    opt = getattr(optim, name)(ps, foreach=False, **kwargs)
    tps = [torch.tensor(a.copy(), requires_grad=True) for a in INITS]
    topt = getattr(torch.optim, name)(tps, foreach=False, **kwargs)
    _train(ps, opt, 0, 8, mg.tensor)
    _train(tps, topt, 0, 8, torch.tensor)
    ours = opt.state_dict()
    tps2 = [torch.tensor(p.detach().numpy().copy(), requires_grad=True) for p in ps]
    topt2 = getattr(torch.optim, name)(tps2, foreach=False, **kwargs)
    topt2.load_state_dict(
        {
            "state": {
                i: {k: torch.tensor(v) for k, v in s.items()} for i, s in ours["state"].items()
            },
            "param_groups": ours["param_groups"],
        }
    )
    _train(tps, topt, 8, 14, torch.tensor)
    _train(tps2, topt2, 8, 14, torch.tensor)
    for tp, tp2 in zip(tps, tps2):
        np.testing.assert_allclose(tp2.detach().numpy(), tp.detach().numpy(), rtol=1e-10)


@pytest.mark.parametrize(
    ("name", "kwargs"), [CASES[1], CASES[5], CASES[8], CASES[11], CASES[15], CASES[18]], ids=str
)
def test_state_dict_round_trip_mid_training_continues_identically(name, kwargs, tmp_path):
    ps = [nn.Parameter(a.copy()) for a in INITS]
    opt = getattr(optim, name)(ps, foreach=False, **kwargs)
    _train(ps, opt, 0, 10, mg.tensor)
    mg.save({"opt": opt.state_dict()}, tmp_path / "opt.npz")
    saved_params = [p.detach().numpy().copy() for p in ps]
    _train(ps, opt, 10, STEPS, mg.tensor)

    ps2 = [nn.Parameter(a) for a in saved_params]
    opt2 = getattr(optim, name)(ps2, lr=123.0)  # the state dict brings the hyper-parameters
    opt2.load_state_dict(mg.load(tmp_path / "opt.npz")["opt"])
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    _train(ps2, opt2, 10, STEPS, mg.tensor)
    for p, p2 in zip(ps, ps2):
        np.testing.assert_array_equal(p2.detach().numpy(), p.detach().numpy())
    state = opt2.state[ps2[0]]
    assert isinstance(state["step"], mg.Tensor) and state["step"].item() == STEPS
    shaped = [key for key, value in state.items() if isinstance(value, mg.Tensor) and value.ndim]
    assert shaped, "the optimizer keeps Tensors shaped like the parameter"
    for key in shaped:
        assert state[key].shape == INITS[0].shape and state[key].dtype == mg.float64, key


@pytest.mark.parametrize("name", NAMES)
def test_float32_parameters_stay_float32_and_follow_torch(name):
    torch = pytest.importorskip("torch")
    init = INITS[0].astype(np.float32)
    p = nn.Parameter(init.copy())
    tp = torch.tensor(init.copy(), requires_grad=True)
    opt = getattr(optim, name)([p], lr=0.01)
    topt = getattr(torch.optim, name)([tp], lr=0.01, foreach=False)
    for k in range(10):
        g = (CURVATURE[0] * init + np.random.default_rng(k).standard_normal(init.shape)).astype(
            np.float32
        )
        p.grad, tp.grad = mg.tensor(g), torch.tensor(g)
        opt.step()
        topt.step()
    assert p.dtype == np.float32
    assert all(v.dtype == np.float32 for v in opt.state[p].values() if isinstance(v, np.ndarray))
    np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_a_parameter_without_gradient_is_left_alone():
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(3))
    for name in NAMES:
        opt = getattr(optim, name)([a, b])
        a.grad, b.grad = mg.tensor(np.full(2, 0.5)), None
        before = b._version
        opt.step()
        assert b not in opt.state and b._version == before, name
        np.testing.assert_array_equal(b.detach().numpy(), np.ones(3))


@pytest.mark.parametrize("name", NAMES)
def test_every_new_optimizer_updates_in_place_and_bumps_the_version(name):
    p = nn.Parameter(np.ones(3))
    array = p._data
    opt = getattr(optim, name)([p], lr=0.1)
    y = (p * p).sum()  # saves p for backward
    y.backward(retain_graph=True)
    before = p._version
    opt.step()
    assert p._data is array and p._version == before + 1
    assert not np.array_equal(array, np.ones(3))
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


BAD = [
    ("Adadelta", dict(lr=-1)),
    ("Adadelta", dict(rho=1.5)),
    ("Adadelta", dict(eps=-1e-6)),
    ("Adadelta", dict(weight_decay=-0.1)),
    ("Adamax", dict(lr=-0.5)),
    ("Adamax", dict(eps=-1.0)),
    ("Adamax", dict(betas=(1.0, 0.9))),
    ("Adamax", dict(betas=(0.9, -0.1))),
    ("Adamax", dict(weight_decay=-1)),
    ("NAdam", dict(lr=-1)),
    ("NAdam", dict(betas=(0.9, 1.0))),
    ("NAdam", dict(momentum_decay=-0.1)),
    ("NAdam", dict(weight_decay=-1e-2)),
    ("RAdam", dict(lr=-1e-3)),
    ("RAdam", dict(eps=-1e-8)),
    ("RAdam", dict(betas=(-0.1, 0.9))),
    ("RAdam", dict(weight_decay=-0.5)),
    ("ASGD", dict(lr=-0.01)),
    ("ASGD", dict(weight_decay=-0.01)),
    ("Rprop", dict(lr=-0.01)),
    ("Rprop", dict(etas=(1.5, 1.2))),
    ("Rprop", dict(etas=(0.5, 0.9))),
]


@pytest.mark.parametrize(("name", "kwargs"), BAD, ids=str)
def test_invalid_hyper_parameters_raise_pytorchs_value_error(name, kwargs):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(optim, name)([nn.Parameter(np.zeros(2))], **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_invalid_param_group_raises_before_anything_changes():
    a, b = nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros(2))
    opt = optim.NAdam([a], lr=0.01)
    with pytest.raises(ValueError, match=r"^Invalid momentum_decay value: -1$"):
        opt.add_param_group({"params": [b], "momentum_decay": -1})
    assert len(opt.param_groups) == 1
    opt.add_param_group({"params": [b], "betas": [0.5, 0.6]})
    assert opt.param_groups[1]["betas"] == (0.5, 0.6) and opt.param_groups[1]["lr"] == 0.01
    sd = opt.state_dict()
    sd["param_groups"][1]["eps"] = -1.0
    with pytest.raises(ValueError, match=r"^Invalid epsilon value: -1\.0$"):
        opt.load_state_dict(sd)
    assert opt.param_groups[1]["eps"] == 1e-8


def test_defaults_are_pytorchs():
    torch = pytest.importorskip("torch")
    for name in NAMES:
        ours = getattr(optim, name)([nn.Parameter(np.zeros(2))]).param_groups[0]
        theirs = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)]).param_groups[0]
        for key, value in ours.items():
            if key != "params":
                assert theirs[key] == value, (name, key)


@pytest.mark.parametrize("name", [*NAMES, "LBFGS"])
def test_compile_refuses_the_new_optimizers_with_its_type_error(name):
    model = nn.Linear(2, 1)
    with pytest.raises(TypeError, match=f"no compiled update for {name}; supported optimizers"):
        mg.compile(model, nn.functional.mse_loss, getattr(optim, name)(model.parameters()))
