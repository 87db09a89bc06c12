"""Tests for minigrad.optim.LBFGS: iterates on Rosenbrock's function against torch.optim.LBFGS
(fixed step and strong-Wolfe line search), its state dict, its errors."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim

START = np.array([-1.2, 1.0, -0.5, 0.8])


def rosenbrock(x):
    """sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2: a curved valley, minimum at all ones."""
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def _closure(opt, x, counter=None):
    def closure():
        if counter is not None:
            counter.append(mg.is_grad_enabled())
        opt.zero_grad()
        loss = rosenbrock(x)
        loss.backward()
        return loss

    return closure


# Each converges slowly enough for six steps of several iterations to stay on the same path:
# dot products summed in another order differ in the last bit, and Rosenbrock's valley
# amplifies such differences over many iterations.
CASES = [
    dict(lr=0.1, max_iter=5),
    dict(lr=0.05, max_iter=4, history_size=2),
    dict(line_search_fn="strong_wolfe", max_iter=5),
    dict(line_search_fn="strong_wolfe", max_iter=4, history_size=3, lr=0.8),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_iterates_on_rosenbrock_match_torch(kwargs):
    torch = pytest.importorskip("torch")
    x = nn.Parameter(START.copy())
    opt = optim.LBFGS([x], **kwargs)
    tx = torch.tensor(START.copy(), requires_grad=True)
    topt = torch.optim.LBFGS([tx], **kwargs)
    losses = []
    for _ in range(6):
        loss = opt.step(_closure(opt, x))
        tloss = topt.step(_closure(topt, tx))
        np.testing.assert_allclose(x.detach().numpy(), tx.detach().numpy(), rtol=1e-10)
        assert float(loss) == pytest.approx(float(tloss.detach()), rel=1e-10)
        losses.append(float(loss))
    state, tstate = opt.state[x], topt.state[tx]
    assert state["func_evals"] == tstate["func_evals"] and state["n_iter"] == tstate["n_iter"]
    assert state["n_iter"] > 6  # several iterations per step
    assert losses[-1] < losses[0] / 10


def test_two_parameters_of_a_model_match_torch():
    torch = pytest.importorskip("torch")
    gen = np.random.default_rng(0)
    xs, ys = gen.standard_normal((20, 3)), gen.standard_normal((20, 2))
    model = nn.Linear(3, 2, dtype=mg.float64)
    tmodel = torch.nn.Linear(3, 2, dtype=torch.float64)
    with torch.no_grad():
        tmodel.weight.copy_(torch.tensor(model.weight.detach().numpy()))
        tmodel.bias.copy_(torch.tensor(model.bias.detach().numpy()))
    opt = optim.LBFGS(model.parameters(), line_search_fn="strong_wolfe", max_iter=6)
    topt = torch.optim.LBFGS(tmodel.parameters(), line_search_fn="strong_wolfe", max_iter=6)

    def closure():
        opt.zero_grad()
        loss = ((model(mg.tensor(xs)) - mg.tensor(ys)) ** 2).mean()
        loss.backward()
        return loss

    def tclosure():
        topt.zero_grad()
        loss = ((tmodel(torch.tensor(xs)) - torch.tensor(ys)) ** 2).mean()
        loss.backward()
        return loss

    for _ in range(2):
        opt.step(closure)
        topt.step(tclosure)
    for p, tp in zip(model.parameters(), tmodel.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-9, atol=1e-12)
    assert sorted(opt.state_dict()["state"][0]) == sorted(topt.state_dict()["state"][0])


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_state_dict_round_trip_continues_identically(line_search_fn, tmp_path):
    kwargs = dict(lr=0.5, max_iter=3, history_size=2, line_search_fn=line_search_fn)
    x = nn.Parameter(START.copy())
    opt = optim.LBFGS([x], **kwargs)
    for _ in range(3):  # the history is full and has turned over
        opt.step(_closure(opt, x))
    mg.save({"x": x.detach(), "opt": opt.state_dict()}, tmp_path / "lbfgs.npz")
    assert len(opt.state[x]["old_dirs"]) == 2
    for _ in range(3):
        opt.step(_closure(opt, x))

    saved = mg.load(tmp_path / "lbfgs.npz")
    x2 = nn.Parameter(np.array(saved["x"]))
    opt2 = optim.LBFGS([x2], lr=1.0)
    opt2.load_state_dict(saved["opt"])
    assert opt2.param_groups[0]["lr"] == 0.5 and opt2.param_groups[0]["history_size"] == 2
    for _ in range(3):
        opt2.step(_closure(opt2, x2))
    np.testing.assert_array_equal(x2.detach().numpy(), x.detach().numpy())
    assert opt2.state[x2]["func_evals"] == opt.state[x]["func_evals"]


def test_state_dict_is_a_snapshot_and_load_checks_sizes():
    x = nn.Parameter(START.copy())
    opt = optim.LBFGS([x], max_iter=3)
    opt.step(_closure(opt, x))
    opt.step(_closure(opt, x))
    sd = opt.state_dict()
    assert sd["state"][0]["old_dirs"][0] is not opt.state[x]["old_dirs"][0]
    before = sd["state"][0]["old_dirs"][0].clone()
    opt.step(_closure(opt, x))
    np.testing.assert_array_equal(sd["state"][0]["old_dirs"][0], before)
    other = optim.LBFGS([nn.Parameter(np.zeros(3))])
    with pytest.raises(ValueError, match="'d' has 4 elements, the parameters 3"):
        other.load_state_dict(sd)
    assert other.state == {}


def test_closure_runs_with_grad_enabled_and_step_bumps_versions():
    x = nn.Parameter(START.copy())
    opt = optim.LBFGS([x], max_iter=3, line_search_fn="strong_wolfe")
    seen = []
    y = (x * x).sum()  # saves x
    with mg.no_grad():
        loss = opt.step(_closure(opt, x, seen))
    assert seen and all(seen)
    assert float(loss) == pytest.approx(float(rosenbrock(mg.tensor(START))))
    assert x._version > 0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_an_optimal_start_returns_at_once():
    x = nn.Parameter(np.ones(4))  # Rosenbrock's minimum: a zero gradient
    opt = optim.LBFGS([x])
    opt.step(_closure(opt, x))
    assert opt.state[x] == {"func_evals": 1, "n_iter": 0}
    np.testing.assert_array_equal(x.detach().numpy(), np.ones(4))


def test_errors_in_pytorchs_words():
    torch = pytest.importorskip("torch")
    a, b = nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros(2))
    with pytest.raises(ValueError, match=r"^Invalid learning rate: -1$"):
        optim.LBFGS([a], lr=-1)
    message = "LBFGS doesn't support per-parameter options (parameter groups)"
    with pytest.raises(ValueError) as theirs:
        t = [torch.zeros(2, requires_grad=True) for _ in range(2)]
        torch.optim.LBFGS([{"params": [t[0]]}, {"params": [t[1]]}])
    assert str(theirs.value) == message
    with pytest.raises(ValueError) as ours:
        optim.LBFGS([{"params": [a]}, {"params": [b]}])
    assert str(ours.value) == message
    opt = optim.LBFGS([a])
    with pytest.raises(ValueError, match=r"per-parameter options"):
        opt.add_param_group({"params": [b]})
    assert len(opt.param_groups) == 1
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        optim.LBFGS([a], line_search_fn="armijo")
    with pytest.raises(TypeError, match="closure"):
        opt.step()  # type: ignore[call-arg]


def test_defaults_are_pytorchs():
    torch = pytest.importorskip("torch")
    ours = optim.LBFGS([nn.Parameter(np.zeros(2))], max_iter=8).param_groups[0]
    theirs = torch.optim.LBFGS([torch.zeros(2, requires_grad=True)], max_iter=8).param_groups[0]
    assert {k: v for k, v in ours.items() if k != "params"} == {
        k: v for k, v in theirs.items() if k != "params"
    }
    assert ours["max_eval"] == 10
