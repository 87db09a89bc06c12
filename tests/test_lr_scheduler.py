"""Tests for minigrad.optim.lr_scheduler: learning-rate trajectories against PyTorch's,
state dicts through save/load, resuming with last_epoch, and PyTorch's warnings."""

import math
import re
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.optim import lr_scheduler

STEPS = 100


def _id(value: object) -> str:
    """A parameter as text without the memory address of a lambda (ids must be the same in
    every process for ``pytest -n``)."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", str(value))


# (scheduler name, kwargs, optimizer name, optimizer kwargs)
CASES = [
    ("StepLR", dict(step_size=7), "SGD", dict(lr=0.1)),
    ("StepLR", dict(step_size=10, gamma=0.5), "Adam", dict(lr=0.01)),
    ("MultiStepLR", dict(milestones=[10, 30, 30, 75], gamma=0.3), "SGD", dict(lr=0.1)),
    ("ExponentialLR", dict(gamma=0.97), "SGD", dict(lr=0.1, momentum=0.9)),
    ("CosineAnnealingLR", dict(T_max=100), "SGD", dict(lr=0.1)),
    ("CosineAnnealingLR", dict(T_max=30, eta_min=0.001), "Adam", dict(lr=0.01)),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.01), "SGD", dict(lr=0.1, weight_decay=0.1)),
    ("LambdaLR", dict(lr_lambda=lambda e: 0.95**e + 0.01 * (e % 3)), "SGD", dict(lr=0.1)),
    ("LinearLR", dict(), "SGD", dict(lr=0.1)),
    ("LinearLR", dict(start_factor=0.1, end_factor=0.9, total_iters=40), "AdamW", dict(lr=0.01)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.0, total_iters=100), "SGD", dict(lr=0.1)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=100), "SGD", dict(lr=0.1, momentum=0.9)),
    (
        "OneCycleLR",
        dict(max_lr=0.05, epochs=10, steps_per_epoch=10, anneal_strategy="linear", pct_start=0.25),
        "Adam",
        dict(lr=0.01),
    ),
    (
        "OneCycleLR",
        dict(max_lr=0.5, total_steps=100, three_phase=True, div_factor=10.0),
        "RMSprop",
        dict(lr=0.01, momentum=0.9),
    ),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=100, cycle_momentum=False), "Adagrad", dict()),
]

PLATEAU_CASES = [
    dict(),
    dict(patience=3, factor=0.5),
    dict(mode="max", patience=2, threshold=0.01, threshold_mode="abs", cooldown=3),
    dict(patience=1, cooldown=2, min_lr=0.01, factor=0.3),
    dict(patience=0, threshold=0.1, eps=1e-3),
]


def _metric(k):
    """A loss that falls, then plateaus with noise, then falls again."""
    return 1.0 / (1 + k) if k < 20 else 0.05 + 0.01 * math.sin(k) if k < 60 else 0.04 - k * 1e-4


def _pair(torch, opt_name, opt_kwargs, groups=1):
    ps = [nn.Parameter(np.ones(2)) for _ in range(groups)]
    tps = [torch.ones(2, dtype=torch.float64, requires_grad=True) for _ in range(groups)]
    extra = [{"lr": 0.05}] * (groups - 1)
    ours = getattr(optim, opt_name)(
        [{"params": [ps[0]]}, *({"params": [p], **e} for p, e in zip(ps[1:], extra))],
        **opt_kwargs,
    )
    theirs = getattr(torch.optim, opt_name)(
        [{"params": [tps[0]]}, *({"params": [p], **e} for p, e in zip(tps[1:], extra))],
        foreach=False,
        **opt_kwargs,
    )
    return ours, theirs, ps, tps


def _hyper(opt):
    """Everything a scheduler may change: lr, momentum, betas, per group."""
    out = []
    for g in opt.param_groups:
        out += [g["lr"], g.get("momentum", -1.0), *g.get("betas", (-1.0, -1.0))]
    return out


@pytest.mark.parametrize(("name", "kwargs", "opt_name", "opt_kwargs"), CASES, ids=_id)
@pytest.mark.parametrize("groups", [1, 2])
def test_trajectory_matches_torch(name, kwargs, opt_name, opt_kwargs, groups):
    torch = pytest.importorskip("torch")
    ours, theirs, ps, tps = _pair(torch, opt_name, opt_kwargs, groups)
    sched = getattr(lr_scheduler, name)(ours, **kwargs)
    tsched = getattr(torch.optim.lr_scheduler, name)(theirs, **kwargs)
    assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12)
    seen = set()
    for k in range(STEPS - (name == "OneCycleLR")):
        for p, tp in zip(ps, tps):
            g = np.sin(np.arange(2.0) + k) + p.detach().numpy()
            p.grad, tp.grad = mg.tensor(g), torch.tensor(g)
        ours.step()
        theirs.step()
        sched.step()
        tsched.step()
        np.testing.assert_allclose(
            np.array(_hyper(ours), dtype=float), np.array(_hyper(theirs), dtype=float),
            rtol=1e-10, atol=1e-15,
        )  # fmt: skip
        np.testing.assert_allclose(sched.get_last_lr(), tsched.get_last_lr(), rtol=1e-10)
        seen.add(round(sched.get_last_lr()[0], 12))
        for p, tp in zip(ps, tps):
            np.testing.assert_allclose(
                p.detach().numpy(), tp.detach().numpy(), rtol=1e-10, atol=1e-14
            )
    assert len(seen) > 2  # the learning rate really changed
    assert sched.last_epoch == tsched.last_epoch
    assert [g["initial_lr"] for g in ours.param_groups] == [
        g["initial_lr"] for g in theirs.param_groups
    ]


@pytest.mark.parametrize("kwargs", PLATEAU_CASES, ids=_id)
def test_reduce_lr_on_plateau_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs, _, _ = _pair(torch, "SGD", dict(lr=0.1), groups=2)
    sched = lr_scheduler.ReduceLROnPlateau(ours, **kwargs)
    tsched = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **kwargs)
    lrs = set()
    for k in range(STEPS):
        metric = _metric(k)
        if kwargs.get("mode") == "max":
            metric = -metric
        sched.step(mg.tensor(metric))  # a 0-d tensor, like a loss
        tsched.step(metric)
        assert sched.get_last_lr() == tsched.get_last_lr()
        assert sched.num_bad_epochs == tsched.num_bad_epochs
        lrs.add(sched.get_last_lr()[0])
    assert len(lrs) > 1


def _sched_factory(name):
    return {
        "StepLR": lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
        "MultiStepLR": lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.5),
        "ExponentialLR": lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9),
        "CosineAnnealingLR": lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
        "LambdaLR": lambda o: lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + e)),
        "LinearLR": lambda o: lr_scheduler.LinearLR(o, start_factor=0.2, total_iters=6),
        "OneCycleLR": lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=20),
        "ReduceLROnPlateau": lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=1),
    }[name]


@pytest.mark.parametrize(
    "name",
    [
        "StepLR",
        "MultiStepLR",
        "ExponentialLR",
        "CosineAnnealingLR",
        "LambdaLR",
        "LinearLR",
        "OneCycleLR",
        "ReduceLROnPlateau",
    ],
)
def test_state_dict_round_trip_through_save_and_load(name, tmp_path):
    make = _sched_factory(name)

    def run(opt, sched, start, steps):
        for k in range(start, start + steps):
            opt.step()
            if name == "ReduceLROnPlateau":
                sched.step(1.0 + 0.1 * math.sin(k))
            else:
                sched.step()
        return sched.get_last_lr()

    p = nn.Parameter(np.ones(2))
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    sched = make(opt)
    run(opt, sched, 0, 8)
    mg.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, tmp_path / "c.npz")
    expected = [run(opt, sched, 8 + i, 1) for i in range(8)]

    p2 = nn.Parameter(np.ones(2))
    opt2 = optim.SGD([p2], lr=0.1, momentum=0.9)
    sched2 = make(opt2)
    ckpt = mg.load(tmp_path / "c.npz")
    opt2.load_state_dict(ckpt["optimizer"])
    sched2.load_state_dict(ckpt["scheduler"])
    assert sched2.state_dict().keys() == sched.state_dict().keys()
    assert [run(opt2, sched2, 8 + i, 1) for i in range(8)] == expected


def test_resuming_with_last_epoch_matches_torch():
    torch = pytest.importorskip("torch")
    ours, theirs, _, _ = _pair(torch, "SGD", dict(lr=0.1))
    for o in (ours, theirs):
        o.param_groups[0]["initial_lr"] = 0.1
    sched = lr_scheduler.CosineAnnealingLR(ours, T_max=20, last_epoch=4)
    tsched = torch.optim.lr_scheduler.CosineAnnealingLR(theirs, T_max=20, last_epoch=4)
    for _ in range(10):
        ours.step()
        theirs.step()
        sched.step()
        tsched.step()
        np.testing.assert_allclose(sched.get_last_lr(), tsched.get_last_lr(), rtol=1e-12)
    assert sched.last_epoch == 15


def test_resuming_without_initial_lr_raises_key_error():
    opt = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(opt, step_size=2, last_epoch=3)
    assert "initial_lr" not in opt.param_groups[0]


def test_initial_lr_is_kept_and_base_lrs_come_from_it():
    opt = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1)
    lr_scheduler.ExponentialLR(opt, gamma=0.5)
    opt.param_groups[0]["lr"] = 0.7
    sched = lr_scheduler.StepLR(opt, step_size=1)
    assert sched.base_lrs == [0.1] and opt.param_groups[0]["initial_lr"] == 0.1


def test_epoch_argument_uses_the_closed_form_and_warns_like_torch():
    torch = pytest.importorskip("torch")
    for name, kwargs in [
        ("StepLR", dict(step_size=3)),
        ("MultiStepLR", dict(milestones=[2, 4])),
        ("ExponentialLR", dict(gamma=0.9)),
        ("LinearLR", dict(total_iters=4)),
        ("CosineAnnealingLR", dict(T_max=5)),
    ]:
        ours, theirs, _, _ = _pair(torch, "SGD", dict(lr=0.1))
        sched = getattr(lr_scheduler, name)(ours, **kwargs)
        tsched = getattr(torch.optim.lr_scheduler, name)(theirs, **kwargs)
        ours.step()
        theirs.step()
        with pytest.warns(UserWarning, match="epoch parameter"):
            sched.step(3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tsched.step(3)
        np.testing.assert_allclose(sched.get_last_lr(), tsched.get_last_lr(), rtol=1e-12)


def test_scheduler_step_before_optimizer_step_warns():
    opt = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1)
    with pytest.warns(UserWarning, match=r"before `optimizer.step\(\)`"):
        sched.step()
    opt2 = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1)
    sched2 = lr_scheduler.StepLR(opt2, step_size=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt2.step()
        sched2.step()
        sched2.get_last_lr()


def test_get_lr_outside_step_warns_to_use_get_last_lr():
    sched = lr_scheduler.StepLR(optim.SGD([nn.Parameter(np.ones(2))], lr=0.1), step_size=1)
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


def test_get_last_lr_is_a_copy():
    opt = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    sched.get_last_lr()[0] = 99.0
    assert sched.get_last_lr() == [0.1] and opt.param_groups[0]["lr"] == 0.1


def test_lambda_lr_state_dict_keeps_callable_objects_state():
    class Warmup:
        def __init__(self):
            self.scale = 1.0

        def __call__(self, epoch):
            return self.scale * min(1.0, (epoch + 1) / 5)

    opt = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1)
    fn = Warmup()
    fn.scale = 0.5
    sd = lr_scheduler.LambdaLR(opt, [fn]).state_dict()
    assert sd["lr_lambdas"] == [{"scale": 0.5}]
    fn2 = Warmup()
    sched2 = lr_scheduler.LambdaLR(optim.SGD([nn.Parameter(np.ones(2))], lr=0.1), fn2)
    sched2.load_state_dict(sd)
    assert fn2.scale == 0.5
    assert lr_scheduler.LambdaLR(opt, lambda e: 1.0).state_dict()["lr_lambdas"] == [None]


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda o: lr_scheduler.StepLR(object(), step_size=1), TypeError, "not an Optimizer"),
        (lambda o: lr_scheduler.LinearLR(o, start_factor=0.0), ValueError, "Starting"),
        (lambda o: lr_scheduler.LinearLR(o, end_factor=1.5), ValueError, "Ending"),
        (lambda o: lr_scheduler.LambdaLR(o, [lambda e: 1.0] * 2), ValueError, "Expected 1"),
        (lambda o: lr_scheduler.LambdaLR(o, 3.0), TypeError, "should be a function"),
        (lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0), ValueError, "total_steps OR"),
        (lambda o: lr_scheduler.OneCycleLR(o, 1.0, total_steps=0), ValueError, "positive"),
        (lambda o: lr_scheduler.OneCycleLR(o, 1.0, 10, pct_start=1), ValueError, "pct_start"),
        (
            lambda o: lr_scheduler.OneCycleLR(o, 1.0, 10, anneal_strategy="exp"),
            ValueError,
            "anneal_strategy",
        ),
        (lambda o: lr_scheduler.OneCycleLR(o, [1.0, 2.0], 10), ValueError, "same length"),
        (lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor"),
        (lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="up"), ValueError, "unknown"),
        (lambda o: lr_scheduler.ReduceLROnPlateau(o, min_lr=[0, 0]), ValueError, "min_lrs"),
    ],
)
def test_invalid_arguments_raise_before_changing_the_optimizer(make, error, match):
    opt = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1, momentum=0.9)
    before = [dict(g) for g in opt.param_groups]
    with pytest.raises(error, match=match):
        make(opt)
    assert opt.param_groups == before


def test_one_cycle_needs_momentum_to_cycle_and_refuses_extra_steps():
    opt = optim.Adagrad([nn.Parameter(np.ones(2))])
    before = [dict(g) for g in opt.param_groups]
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=5)
    assert opt.param_groups == before
    sgd = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="max_momentum must have the same length"):
        lr_scheduler.OneCycleLR(sgd, max_lr=1.0, total_steps=5, max_momentum=[0.9, 0.95])
    assert "initial_lr" not in sgd.param_groups[0] and sgd.param_groups[0]["momentum"] == 0.9
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=3, cycle_momentum=False)
    opt.step()
    sched.step()
    sched.step()
    sched.step()
    with pytest.raises(ValueError, match="Tried to step 4 times"):
        sched.step()
