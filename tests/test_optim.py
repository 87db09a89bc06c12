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
    return p.data


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
    np.testing.assert_array_equal(p.data, [-1.0, 2.0])
    np.testing.assert_array_equal(opt.state[p]["momentum_buffer"], [1.0, -2.0])


def test_adam_first_step_moves_by_lr():
    p = nn.Parameter(np.zeros(3))
    p.grad = mg.tensor(np.array([3.0, -0.5, 1e-3]))
    optim.Adam([p], lr=0.1).step()  # bias correction: the first step is lr * sign(g)
    np.testing.assert_allclose(p.data, [-0.1, 0.1, -0.1], rtol=1e-4)


def test_step_updates_in_place_without_graph_and_keeps_grad():
    model = nn.Linear(3, 2, generator=0)
    opt = optim.Adam(model.parameters(), lr=0.1)
    arrays = [p.data for p in model.parameters()]
    model(mg.ones(4, 3)).sum().backward()
    grads = [p.grad.data.copy() for p in model.parameters()]
    opt.step()
    for p, a, g in zip(model.parameters(), arrays, grads):
        assert p.data is a and p.is_leaf and p.grad_fn is None and p.requires_grad
        np.testing.assert_array_equal(p.grad.data, g)  # weight decay etc. never touch .grad
    assert mg.is_grad_enabled()


def test_step_skips_parameters_without_grad_and_dtype_is_kept():
    a = nn.Parameter(np.ones(2, dtype=np.float32))
    b = nn.Parameter(np.ones(2, dtype=np.float32))
    for opt in (optim.SGD([a, b], lr=0.5, momentum=0.9, weight_decay=0.1), optim.Adam([a, b])):
        a.grad = mg.tensor([1.0, 1.0])
        b.grad = None
        opt.step()
        np.testing.assert_array_equal(b.data, [1.0, 1.0])
        assert a.dtype == np.float32 and b not in opt.state


def test_param_groups_have_their_own_hyper_parameters():
    a, b = nn.Parameter(np.zeros(1)), nn.Parameter(np.zeros(1))
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 1.0}], lr=0.1, momentum=0.5)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 1.0
    assert opt.param_groups[1]["momentum"] == 0.5
    a.grad, b.grad = mg.tensor(np.ones(1)), mg.tensor(np.ones(1))
    opt.step()
    np.testing.assert_allclose([a.data[0], b.data[0]], [-0.1, -1.0])
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
    assert p.grad is g and np.all(g.data == 0)
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
    np.testing.assert_allclose(p.data, [1.0])


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
            x = mg.tensor(gen.standard_normal((5, 3)))
            opt.zero_grad()
            nn.functional.mse_loss(model(x), mg.zeros(5, 2)).backward()
            opt.step()

    model, opt = model_and_opt()
    train(model, opt, 3, seed=0)
    saved_model = {k: v.data.copy() for k, v in model.state_dict().items()}
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
        np.testing.assert_array_equal(a.data, b.data, err_msg=n)


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
    np.testing.assert_allclose(p.data, expected, rtol=1e-6, atol=1e-7)
    assert opt.state_dict()["state"][0]["step"] == 10
