"""Tests for minigrad.optim: SGD and Adam against NumPy updates and torch.optim."""

import itertools

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim

STEPS = 4


def grads_for(step, shape, seed=0):
    """A different, reproducible gradient for every step."""
    return np.random.default_rng(seed * 100 + step).standard_normal(shape)


def run(opt_cls, kwargs, init, steps=STEPS):
    """Run ``steps`` steps of a minigrad optimizer on one float64 parameter."""
    p = nn.Parameter(init.copy())
    opt = opt_cls([p], **kwargs)
    for k in range(steps):
        p.grad = mg.tensor(grads_for(k, init.shape))
        opt.step()
    return p.detach().numpy()


def sgd_numpy(
    init,
    lr,
    momentum=0.0,
    dampening=0.0,
    weight_decay=0.0,
    nesterov=False,
    maximize=False,
    steps=STEPS,
):
    p, buf = init.copy(), None
    for k in range(steps):
        g = grads_for(k, init.shape)
        g = -g if maximize else g
        g = g + weight_decay * p
        if momentum:
            buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        p = p - lr * g
    return p


def adam_numpy(
    init,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    maximize=False,
    steps=STEPS,
):
    p = init.copy()
    m, v, vmax = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    b1, b2 = betas
    for t in range(1, steps + 1):
        g = grads_for(t - 1, init.shape)
        g = -g if maximize else g
        g = g + weight_decay * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        vmax = np.maximum(vmax, v)
        v_hat = (vmax if amsgrad else v) / (1 - b2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


INIT = np.random.default_rng(42).standard_normal((3, 2))

SGD_CASES = [
    dict(momentum=m, dampening=d, nesterov=n, weight_decay=wd)
    for m, d, n, wd in itertools.product([0.0, 0.9], [0.0, 0.3], [False, True], [0.0, 0.1])
    if not (n and (m == 0 or d != 0))
] + [dict(momentum=0.5, maximize=True, weight_decay=0.1)]

ADAM_CASES = [
    dict(),
    dict(weight_decay=0.1),
    dict(amsgrad=True),
    dict(betas=(0.5, 0.9), eps=1e-3, amsgrad=True, weight_decay=0.05),
    dict(betas=(0.0, 0.0)),
    dict(maximize=True),
]


@pytest.mark.parametrize("kwargs", SGD_CASES, ids=str)
def test_sgd_matches_numpy(kwargs):
    np.testing.assert_allclose(
        run(optim.SGD, dict(lr=0.1, **kwargs), INIT), sgd_numpy(INIT, 0.1, **kwargs), rtol=1e-12
    )


@pytest.mark.parametrize("kwargs", ADAM_CASES, ids=str)
def test_adam_matches_numpy(kwargs):
    np.testing.assert_allclose(
        run(optim.Adam, dict(lr=0.01, **kwargs), INIT),
        adam_numpy(INIT, 0.01, **kwargs),
        rtol=1e-12,
    )


def test_sgd_first_momentum_step_uses_the_gradient_undampened():
    p = nn.Parameter(np.zeros(2))
    opt = optim.SGD([p], lr=1.0, momentum=0.9, dampening=0.5)
    p.grad = mg.tensor(np.array([1.0, -2.0]))
    opt.step()
    np.testing.assert_array_equal(p.detach().numpy(), [-1.0, 2.0])
    np.testing.assert_array_equal(opt.state[p]["momentum_buffer"], [1.0, -2.0])


def test_adam_first_step_moves_by_lr():
    p = nn.Parameter(np.zeros(3))
    p.grad = mg.tensor(np.array([3.0, -0.5, 1e-3]))
    optim.Adam([p], lr=0.1).step()  # bias correction: the first step is lr * sign(g)
    np.testing.assert_allclose(p.detach().numpy(), [-0.1, 0.1, -0.1], rtol=1e-4)


def test_step_updates_in_place_without_graph_and_keeps_grad():
    model = nn.Linear(3, 2, generator=0)
    opt = optim.Adam(model.parameters(), lr=0.1)
    arrays = [p.detach().numpy() for p in model.parameters()]
    model(mg.ones(4, 3)).sum().backward()
    grads = [p.grad.numpy().copy() for p in model.parameters()]
    opt.step()
    for p, a, g in zip(model.parameters(), arrays, grads):
        assert p.detach().numpy() is a and p.is_leaf and p.grad_fn is None and p.requires_grad
        np.testing.assert_array_equal(p.grad.numpy(), g)  # weight decay etc. never touch .grad
    assert mg.is_grad_enabled()


def test_step_skips_parameters_without_grad_and_dtype_is_kept():
    a = nn.Parameter(np.ones(2, dtype=np.float32))
    b = nn.Parameter(np.ones(2, dtype=np.float32))
    for opt in (optim.SGD([a, b], lr=0.5, momentum=0.9, weight_decay=0.1), optim.Adam([a, b])):
        a.grad = mg.tensor([1.0, 1.0])
        b.grad = None
        opt.step()
        np.testing.assert_array_equal(b.detach().numpy(), [1.0, 1.0])
        assert a.dtype == np.float32 and b not in opt.state


def test_param_groups_have_their_own_hyper_parameters():
    a, b = nn.Parameter(np.zeros(1)), nn.Parameter(np.zeros(1))
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 1.0}], lr=0.1, momentum=0.5)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 1.0
    assert opt.param_groups[1]["momentum"] == 0.5
    a.grad, b.grad = mg.tensor(np.ones(1)), mg.tensor(np.ones(1))
    opt.step()
    np.testing.assert_allclose([a.detach().numpy()[0], b.detach().numpy()[0]], [-0.1, -1.0])
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    c = nn.Parameter(np.zeros(1))
    opt.add_param_group({"params": [c], "lr": 2.0})
    assert opt.param_groups[2]["momentum"] == 0.5


def test_zero_grad_both_modes():
    p = nn.Parameter(np.ones(2))
    opt = optim.SGD([p], lr=0.1)
    p.grad = mg.tensor(np.ones(2))
    g = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is g and np.all(g.detach().numpy() == 0)
    opt.zero_grad()
    assert p.grad is None


def test_closure_is_called_with_grad_enabled():
    p = nn.Parameter(np.array([2.0]))
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with mg.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 4.0
    np.testing.assert_allclose(p.detach().numpy(), [1.0])


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=-0.1),
        lambda ps: optim.SGD(ps, lr=0.1, momentum=-0.5),
        lambda ps: optim.SGD(ps, lr=0.1, weight_decay=-1e-4),
        lambda ps: optim.SGD(ps, lr=0.1, nesterov=True),
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        lambda ps: optim.Adam(ps, lr=-1e-3),
        lambda ps: optim.Adam(ps, betas=(1.0, 0.999)),
        lambda ps: optim.Adam(ps, betas=(0.9, -0.1)),
        lambda ps: optim.Adam(ps, eps=-1e-8),
        lambda ps: optim.Adam(ps, weight_decay=-0.1),
        lambda ps: optim.Adam([{"params": ps, "lr": -1.0}]),
        lambda ps: optim.SGD([], lr=0.1),
        lambda ps: optim.SGD(ps + ps, lr=0.1),
    ],
)
def test_invalid_hyper_parameters_raise(make):
    with pytest.raises(ValueError):
        make([nn.Parameter(np.zeros(2))])


def test_invalid_params_raise_type_error():
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(nn.Parameter(np.zeros(2)), lr=0.1)
    with pytest.raises(TypeError, match="floating"):
        optim.SGD([mg.tensor([1, 2])], lr=0.1)
    with pytest.raises(TypeError, match="Tensors"):
        optim.SGD([np.zeros(2)], lr=0.1)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True),
    ],
)
def test_state_dict_round_trip_continues_identically(make):
    def model_and_opt():
        model = nn.Sequential(nn.Linear(3, 4, generator=0), nn.Tanh(), nn.Linear(4, 2, generator=1))
        return model, make(list(model.parameters()))

    def train(model, opt, steps, seed):
        gen = np.random.default_rng(seed)
        for _ in range(steps):
            x = mg.tensor(gen.standard_normal((5, 3)), dtype=mg.float32)
            opt.zero_grad()
            nn.functional.mse_loss(model(x), mg.zeros(5, 2)).backward()
            opt.step()

    model, opt = model_and_opt()
    train(model, opt, 3, seed=0)
    saved_model = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    saved_opt = opt.state_dict()
    assert sorted(saved_opt) == ["param_groups", "state"]
    assert saved_opt["param_groups"][0]["params"] == [0, 1, 2, 3]
    assert sorted(saved_opt["state"]) == [0, 1, 2, 3]
    train(model, opt, 3, seed=1)
    assert opt.state_dict()["state"][0] is not saved_opt["state"][0]  # a snapshot, not aliases

    model2, opt2 = model_and_opt()
    model2.load_state_dict(saved_model)
    opt2.load_state_dict(saved_opt)
    train(model2, opt2, 3, seed=1)
    for (n, a), (_, b) in zip(model.state_dict().items(), model2.state_dict().items()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=n)


def test_load_state_dict_mismatch_leaves_optimizer_unchanged():
    a, b = nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros(3))
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    a.grad, b.grad = mg.tensor(np.ones(2)), mg.tensor(np.ones(3))
    opt.step()
    sd = opt.state_dict()
    other = optim.SGD([nn.Parameter(np.zeros(2))], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="group has 2 parameters"):
        other.load_state_dict(sd)
    swapped = optim.SGD([b, a], lr=0.5, momentum=0.9)
    with pytest.raises(ValueError, match="shape"):
        swapped.load_state_dict(sd)
    assert swapped.param_groups[0]["lr"] == 0.5 and swapped.state == {}


# -- against PyTorch --------------------------------------------------------------------------


def _torch_run(torch, algorithm, kwargs, init, steps=STEPS, dtype=np.float64):
    """PyTorch's update through its functional API (``torch.optim.sgd.sgd``/``adam.adam``).

    The optimizer classes run exactly these functions, but their ``step`` imports
    torch._dynamo, which alone takes about a second.
    """
    from torch.optim.adam import adam
    from torch.optim.sgd import sgd

    p = torch.tensor(init.astype(dtype))
    kw = dict(weight_decay=0.0, maximize=False, foreach=False) | kwargs
    if algorithm == "sgd":
        kw = dict(momentum=0.0, dampening=0.0, nesterov=False) | kw
        bufs = [None]
    else:
        beta1, beta2 = kw.pop("betas", (0.9, 0.999))
        kw = dict(eps=1e-8, amsgrad=False, beta1=beta1, beta2=beta2) | kw
        m, v, vmax = torch.zeros_like(p), torch.zeros_like(p), torch.zeros_like(p)
        step = torch.tensor(0.0)
    for k in range(steps):
        g = torch.tensor(grads_for(k, init.shape).astype(dtype))
        if algorithm == "sgd":
            sgd([p], [g], bufs, **kw)
        else:
            adam([p], [g], [m], [v], [vmax], [step], **kw)
    return p.numpy()


@pytest.mark.parametrize("kwargs", SGD_CASES, ids=str)
def test_sgd_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    expected = _torch_run(torch, "sgd", dict(lr=0.1, **kwargs), INIT)
    np.testing.assert_allclose(run(optim.SGD, dict(lr=0.1, **kwargs), INIT), expected, rtol=1e-12)


@pytest.mark.parametrize("kwargs", ADAM_CASES, ids=str)
def test_adam_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    expected = _torch_run(torch, "adam", dict(lr=0.01, **kwargs), INIT)
    got = run(optim.Adam, dict(lr=0.01, **kwargs), INIT)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_adam_float32_matches_torch_closely():
    torch = pytest.importorskip("torch")
    init = INIT.astype(np.float32)
    p = nn.Parameter(init.copy())
    opt = optim.Adam([p], lr=0.01)
    for k in range(10):
        p.grad = mg.tensor(grads_for(k, init.shape).astype(np.float32))
        opt.step()
    expected = _torch_run(torch, "adam", dict(lr=0.01), init, steps=10, dtype=np.float32)
    assert p.dtype == np.float32
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-6, atol=1e-7)
    assert opt.state_dict()["state"][0]["step"] == 10


# -- 100-step trajectories against torch.optim, every optimizer -------------------------------

TRAJ_STEPS = 100
CURVATURE = np.random.default_rng(7).uniform(0.5, 2.0, (3, 2))


def _feedback_grad(p, k):
    """A gradient that depends on the parameter (a quadratic bowl) plus per-step noise."""
    return CURVATURE * p + 0.3 * grads_for(k, p.shape)


TRAJECTORY_CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, weight_decay=0.1, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.05, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), amsgrad=True, weight_decay=0.05)),
    ("Adam", dict(lr=0.01, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.0)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
    ("AdamW", dict(lr=0.01, betas=(0.5, 0.9), eps=1e-4, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-4, centered=True, momentum=0.5)),
    ("RMSprop", dict(lr=0.005, centered=True, momentum=0.9, weight_decay=0.05, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5, eps=1e-6)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.05, maximize=True)),
]


def _trajectories(torch, name, kwargs, steps=TRAJ_STEPS):
    """Both frameworks' parameters after every step, from the same float64 start."""
    p = nn.Parameter(INIT.copy())
    opt = getattr(optim, name)([p], **kwargs)
    tp = torch.tensor(INIT.copy(), requires_grad=True)
    topt = getattr(torch.optim, name)([tp], foreach=False, **kwargs)
    ours, theirs = [], []
    for k in range(steps):
        p.grad = mg.tensor(_feedback_grad(p.detach().numpy(), k))
        opt.step()
        tp.grad = torch.tensor(_feedback_grad(tp.detach().numpy(), k))
        topt.step()
        ours.append(p.detach().numpy().copy())
        theirs.append(tp.detach().numpy().copy())
    return np.array(ours), np.array(theirs)


@pytest.mark.parametrize(("name", "kwargs"), TRAJECTORY_CASES, ids=str)
def test_100_step_trajectory_matches_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = _trajectories(torch, name, kwargs)
    assert ours.dtype == np.float64
    assert np.abs(ours[-1] - INIT).max() > 1e-3  # the parameters really moved
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_param_groups_with_their_own_options_match_torch(name):
    torch = pytest.importorskip("torch")
    extra = {
        "SGD": dict(momentum=0.9, nesterov=True),
        "Adam": dict(amsgrad=True, betas=(0.5, 0.9)),
        "AdamW": dict(weight_decay=0.5),
        "RMSprop": dict(centered=True, momentum=0.5),
        "Adagrad": dict(lr_decay=0.1, eps=1e-3),
    }[name]
    inits = [INIT.copy(), INIT[:, :1].copy() * 2.0]
    ps = [nn.Parameter(a.copy()) for a in inits]
    tps = [torch.tensor(a.copy(), requires_grad=True) for a in inits]
    opt = getattr(optim, name)(
        [{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.2, **extra}], lr=0.01, foreach=False
    )
    topt = getattr(torch.optim, name)(
        [{"params": [tps[0]]}, {"params": [tps[1]], "lr": 0.2, **extra}], lr=0.01, foreach=False
    )
    for k in range(30):
        for p, tp in zip(ps, tps):
            g = grads_for(k, p.shape) + p.detach().numpy()
            p.grad, tp.grad = mg.tensor(g), torch.tensor(g)
        opt.step()
        topt.step()
    for p, tp in zip(ps, tps):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-10, atol=1e-14)
    ours, theirs = opt.state_dict()["param_groups"], topt.state_dict()["param_groups"]
    for g, tg in zip(ours, theirs):
        assert {k: v for k, v in tg.items() if k in g} == g  # same keys, same values


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_state_dict_has_torch_layout_and_loads_into_torch(name):
    torch = pytest.importorskip("torch")
    kwargs = {
        "SGD": dict(lr=0.1, momentum=0.9),
        "Adam": dict(lr=0.1, amsgrad=True),
        "AdamW": dict(lr=0.1),
        "RMSprop": dict(lr=0.1, momentum=0.9, centered=True),
        "Adagrad": dict(lr=0.1, lr_decay=0.1),
    }[name]
    p = nn.Parameter(INIT.copy())
    opt = getattr(optim, name)([p], **kwargs)
    tp = torch.tensor(INIT.copy(), requires_grad=True)
    topt = getattr(torch.optim, name)([tp], foreach=False, **kwargs)
    for k in range(5):
        p.grad, tp.grad = (
            mg.tensor(grads_for(k, INIT.shape)),
            torch.tensor(grads_for(k, INIT.shape)),
        )
        opt.step()
        topt.step()
    ours, theirs = opt.state_dict(), topt.state_dict()
    assert sorted(ours["state"][0]) == sorted(theirs["state"][0])
    for key, value in theirs["state"][0].items():
        np.testing.assert_allclose(np.asarray(ours["state"][0][key]), value.numpy(), rtol=1e-12)
    # Our state dict continues in torch exactly as torch's own would.
    tp2 = torch.tensor(p.detach().numpy().copy(), requires_grad=True)
    topt2 = getattr(torch.optim, name)([tp2], foreach=False, **kwargs)
    topt2.load_state_dict(
        {
            "state": {0: {k: torch.tensor(v) for k, v in ours["state"][0].items()}},
            "param_groups": ours["param_groups"],
        }
    )
    for k in range(5, 10):
        g = grads_for(k, INIT.shape)
        tp.grad, tp2.grad = torch.tensor(g), torch.tensor(g)
        topt.step()
        topt2.step()
    np.testing.assert_allclose(tp2.detach().numpy(), tp.detach().numpy(), rtol=1e-10)


def test_adamw_defaults_and_groups_are_decoupled():
    p = nn.Parameter(np.ones(2))
    opt = optim.AdamW([p])
    group = opt.param_groups[0]
    assert group["weight_decay"] == 1e-2 and group["decoupled_weight_decay"] is True
    assert group["lr"] == 1e-3 and group["betas"] == (0.9, 0.999)
    p.grad = mg.tensor(np.zeros(2))
    opt.step()  # a zero gradient: only the decay moves the parameter
    np.testing.assert_allclose(p.detach().numpy(), [1 - 1e-3 * 1e-2] * 2, rtol=1e-15)


def test_adagrad_state_exists_from_construction_with_each_groups_accumulator():
    a, b = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(1))
    # PyTorch ignores a group's own initial_accumulator_value; minigrad honours it.
    opt = optim.Adagrad([{"params": [a]}, {"params": [b], "initial_accumulator_value": 2.0}],
                        initial_accumulator_value=0.25)  # fmt: skip
    sd = opt.state_dict()
    assert sd["state"][0]["step"] == 0
    np.testing.assert_array_equal(sd["state"][0]["sum"], [0.25, 0.25])
    np.testing.assert_array_equal(sd["state"][1]["sum"], [2.0])


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.AdamW(ps, lr=-1.0),
        lambda ps: optim.AdamW(ps, betas=(0.9, 1.0)),
        lambda ps: optim.AdamW(ps, weight_decay=-0.1),
        lambda ps: optim.RMSprop(ps, lr=-1.0),
        lambda ps: optim.RMSprop(ps, alpha=-0.5),
        lambda ps: optim.RMSprop(ps, eps=-1e-8),
        lambda ps: optim.RMSprop(ps, momentum=-0.1),
        lambda ps: optim.RMSprop(ps, weight_decay=-0.1),
        lambda ps: optim.Adagrad(ps, lr=-1.0),
        lambda ps: optim.Adagrad(ps, lr_decay=-0.1),
        lambda ps: optim.Adagrad(ps, initial_accumulator_value=-1.0),
        lambda ps: optim.Adagrad(ps, eps=-1.0),
        lambda ps: optim.Adagrad(ps, weight_decay=-1.0),
        lambda ps: optim.RMSprop([{"params": ps, "alpha": -1.0}]),
    ],
)
def test_new_optimizers_reject_invalid_hyper_parameters(make):
    with pytest.raises(ValueError, match=r"^Invalid "):
        make([nn.Parameter(np.zeros(2))])


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("SGD", dict(lr=-0.1)),
        ("SGD", dict(lr=0.1, momentum=-0.5)),
        ("SGD", dict(lr=0.1, weight_decay=-1e-4)),
        ("SGD", dict(lr=0.1, nesterov=True)),
        ("Adam", dict(lr=-1e-3)),
        ("Adam", dict(betas=(1.0, 0.999))),
        ("Adam", dict(betas=(0.9, -0.1))),
        ("Adam", dict(eps=-1e-8)),
        ("AdamW", dict(weight_decay=-0.1)),
        ("RMSprop", dict(alpha=-0.5)),
        ("RMSprop", dict(momentum=-0.1)),
        ("Adagrad", dict(lr_decay=-0.1)),
        ("Adagrad", dict(initial_accumulator_value=-1.0)),
    ],
)
def test_invalid_hyper_parameters_raise_in_torch_words(name, kwargs):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(optim, name)([nn.Parameter(np.zeros(2))], **kwargs)
    assert str(ours.value).startswith(str(theirs.value))


def test_add_param_group_fills_defaults_and_validates_first():
    a, b = nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros(2))
    opt = optim.RMSprop([a], lr=0.1, centered=True)
    with pytest.raises(ValueError, match=r"^Invalid alpha value: -1\.0"):
        opt.add_param_group({"params": [b], "alpha": -1.0})
    assert len(opt.param_groups) == 1  # nothing added by the failed call
    opt.add_param_group({"params": [b], "momentum": 0.5})
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["centered"] is True
    assert opt.param_groups[1]["momentum"] == 0.5 and opt.param_groups[0]["momentum"] == 0.0


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True),
        lambda ps: optim.AdamW(ps, lr=0.05),
        lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.9, centered=True),
        lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.01),
    ],
)
def test_state_dict_survives_save_and_load(make, tmp_path):
    def train(ps, opt, steps, start):
        for k in range(start, start + steps):
            for i, p in enumerate(ps):
                p.grad = mg.tensor(grads_for(k, p.shape, seed=i) + p.detach().numpy())
            opt.step()

    ps = [nn.Parameter(INIT.copy()), nn.Parameter(INIT[0].copy())]
    opt = make(ps)
    train(ps, opt, 3, 0)
    saved = opt.state_dict()
    mg.save(saved, tmp_path / "opt.npz")
    loaded = mg.load(tmp_path / "opt.npz")
    assert loaded["param_groups"][0]["params"] == [0, 1]
    assert sorted(loaded["state"]) == [0, 1]  # int keys, nested, as saved
    assert loaded["state"][0].keys() == saved["state"][0].keys()
    if "step" in saved["state"][0]:
        step = loaded["state"][0]["step"]  # a 0-d float32 Tensor, as PyTorch's
        assert isinstance(step, mg.Tensor) and step.dtype == mg.float32 and step.shape == ()
        assert step.item() == saved["state"][0]["step"].item() == 3
    assert {k: v for k, v in loaded["param_groups"][0].items()} == saved["param_groups"][0]

    ps2 = [nn.Parameter(p.detach().numpy().copy()) for p in ps]
    opt2 = make(ps2)
    opt2.load_state_dict(loaded)
    train(ps, opt, 3, 3)
    train(ps2, opt2, 3, 3)
    for p, p2 in zip(ps, ps2):
        np.testing.assert_array_equal(p.detach().numpy(), p2.detach().numpy())


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: optim.Adam(ps, lr=0.1),
        lambda ps: optim.AdamW(ps, lr=0.1),
        lambda ps: optim.RMSprop(ps, lr=0.1, centered=True, momentum=0.5),
        lambda ps: optim.Adagrad(ps, lr=0.1),
    ],
)
def test_every_optimizer_updates_in_place_and_bumps_the_version(make):
    p = nn.Parameter(np.ones(3))
    array = p._data
    opt = make([p])
    y = (p * p).sum()  # saves p for backward
    y.backward(retain_graph=True)
    before = p._version
    opt.step()
    assert p._data is array and p._version == before + 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


@pytest.mark.parametrize("owner", ["module", "optimizer"])
@pytest.mark.parametrize("create_graph", [False, True])
def test_zero_grad_keeps_grad_zeroes_it_in_place(owner: str, create_graph: bool) -> None:
    """As PyTorch: set_to_none=False detaches .grad and zeroes its memory in place."""
    model = nn.Linear(3, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    (model(mg.ones(4, 3)) ** 2).sum().backward(create_graph=create_graph)
    w = model.weight
    g = w.grad
    assert g is not None
    memory = g.detach().numpy()  # shares the gradient's memory
    (model if owner == "module" else opt).zero_grad(set_to_none=False)
    assert w.grad is g and g.grad_fn is None and not g.requires_grad
    assert np.all(memory == 0) and np.all(g.numpy() == 0)
    w.grad = None
    model(mg.ones(4, 3)).sum().backward()
    assert np.all(memory == 0)  # a later backward writes a new gradient, not this memory


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sgd_update_is_the_plain_numpy_update_bit_for_bit(dtype):
    """The step multiplies by a cached 0-d lr array: the same bits as ``p - lr * g``."""
    rng = np.random.default_rng(3)
    p0, g = rng.standard_normal((3, 4)).astype(dtype), rng.standard_normal((3, 4)).astype(dtype)
    p = mg.from_numpy(p0.copy()).requires_grad_()
    p.grad = mg.from_numpy(g)
    opt = mg.optim.SGD([p], lr=0.1)
    for lr in (0.1, 0.1, 0.037):
        opt.param_groups[0]["lr"] = lr
        expected = p0 - lr * g
        opt.step()
        np.testing.assert_array_equal(p.detach().numpy(), expected)
        p0 = expected


def test_one_step_dates_all_its_writes_with_one_tick():
    from minigrad import versions

    a, b = mg.Tensor([1.0, 2.0], requires_grad=True), mg.Tensor([3.0], requires_grad=True)
    a.grad, b.grad = mg.Tensor([1.0, 1.0]), mg.Tensor([1.0])
    saved = a * b  # saves both; recorded before the step
    mg.optim.SGD([a, b], lr=0.1).step()
    assert a._version == b._version == 1
    assert versions.CLOCK.writes > saved.grad_fn.epoch
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        saved.sum().backward()


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("grad_order", ["C", "F"])
def test_a_large_plain_sgd_update_gives_the_bits_of_p_minus_lr_grad(
    order: str, grad_order: str
) -> None:
    """Plain SGD's update of a large parameter is ``p - lr * grad`` to the bit, in the
    parameter's own memory, whatever the memory orders of parameter and gradient."""
    rng = np.random.default_rng(0)
    start = np.asarray(rng.standard_normal((700, 600)), dtype=np.float32, order=order)
    grad = np.asarray(rng.standard_normal((700, 600)), dtype=np.float32, order=grad_order)
    p = mg.nn.Parameter(mg.tensor(start.copy(order=order)))
    p._data = np.array(start, order=order)  # the memory order under test
    p.grad = mg.tensor(grad)
    p.grad._data = grad
    lr = 0.037
    mg.optim.SGD([p], lr=lr).step()
    expected = start - grad * np.float32(lr)
    np.testing.assert_array_equal(p._data, expected)
    assert p._data.flags[f"{order}_CONTIGUOUS"]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda ps: optim.SGD(ps, lr="0.1"), r"^SGD: lr must be a number, got '0\.1'"),
        (lambda ps: optim.NAdam(ps, eps=None), r"^NAdam: eps must be a number, got None"),
        (lambda ps: optim.Adam(ps, betas=(0.9,)), r"Adam: betas must be a pair of numbers"),
        (lambda ps: optim.RAdam(ps, betas=(0.9, "x")), r"^betas must be a pair of numbers"),
    ],
)
def test_hyper_parameters_that_are_not_numbers_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make([nn.Parameter(np.zeros(2))])
