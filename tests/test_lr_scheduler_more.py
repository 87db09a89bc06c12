"""Tests for ConstantLR, PolynomialLR, MultiplicativeLR, CosineAnnealingWarmRestarts, CyclicLR,
SequentialLR and ChainedScheduler: rates (and cycled momenta) against torch's, state dicts
through save/load, PyTorch's errors."""

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.optim import lr_scheduler

STEPS = 30


def _make(lib, name):
    """A factory of scheduler ``name`` from ``lib`` (minigrad's or torch's lr_scheduler)."""
    return {
        "ConstantLR": lambda o: lib.ConstantLR(o, factor=0.5, total_iters=4),
        "ConstantLR-default": lambda o: lib.ConstantLR(o),
        "PolynomialLR": lambda o: lib.PolynomialLR(o, total_iters=20, power=2.0),
        "PolynomialLR-default": lambda o: lib.PolynomialLR(o),
        "MultiplicativeLR": lambda o: lib.MultiplicativeLR(o, lambda e: 0.9 + 0.01 * (e % 4)),
        "CosineAnnealingWarmRestarts": lambda o: lib.CosineAnnealingWarmRestarts(o, T_0=7),
        "CosineAnnealingWarmRestarts-mult": lambda o: lib.CosineAnnealingWarmRestarts(
            o, T_0=3, T_mult=2, eta_min=0.001
        ),
        "CyclicLR": lambda o: lib.CyclicLR(o, 0.01, 0.1, step_size_up=4),
        "CyclicLR-triangular2": lambda o: lib.CyclicLR(
            o,
            [0.01, 0.02][: len(o.param_groups)],
            0.1,
            step_size_up=3,
            step_size_down=5,
            mode="triangular2",
            base_momentum=0.7,
        ),
        "CyclicLR-exp_range": lambda o: lib.CyclicLR(
            o, 0.01, 0.1, step_size_up=4, mode="exp_range", gamma=0.95
        ),
        "CyclicLR-scale_fn": lambda o: lib.CyclicLR(
            o,
            0.01,
            0.1,
            step_size_up=4,
            scale_fn=lambda x: 1 / (1 + x),
            scale_mode="iterations",
            cycle_momentum=False,
        ),
        "SequentialLR": lambda o: lib.SequentialLR(
            o,
            [
                lib.LinearLR(o, start_factor=0.1, total_iters=5),
                lib.ExponentialLR(o, gamma=0.9),
                lib.CosineAnnealingLR(o, T_max=6),
            ],
            milestones=[5, 12],
        ),
        "ChainedScheduler": lambda o: lib.ChainedScheduler(
            [lib.ConstantLR(o, factor=0.1, total_iters=4), lib.ExponentialLR(o, gamma=0.9)]
        ),
        "ChainedScheduler-optimizer": lambda o: lib.ChainedScheduler(
            [lib.StepLR(o, step_size=4, gamma=0.5), lib.PolynomialLR(o, total_iters=25)],
            optimizer=o,
        ),
    }[name]


NAMES = [
    "ConstantLR",
    "ConstantLR-default",
    "PolynomialLR",
    "PolynomialLR-default",
    "MultiplicativeLR",
    "CosineAnnealingWarmRestarts",
    "CosineAnnealingWarmRestarts-mult",
    "CyclicLR",
    "CyclicLR-triangular2",
    "CyclicLR-exp_range",
    "CyclicLR-scale_fn",
    "SequentialLR",
    "ChainedScheduler",
    "ChainedScheduler-optimizer",
]


def _pair(torch, opt_name="SGD", opt_kwargs=None, groups=1):
    opt_kwargs = dict(lr=0.1, momentum=0.9) if opt_kwargs is None else opt_kwargs
    ps = [nn.Parameter(np.ones(2)) for _ in range(groups)]
    tps = [torch.ones(2, dtype=torch.float64, requires_grad=True) for _ in range(groups)]
    ours = getattr(optim, opt_name)(
        [{"params": [ps[0]]}, *({"params": [p], "lr": 0.05} for p in ps[1:])], **opt_kwargs
    )
    theirs = getattr(torch.optim, opt_name)(
        [{"params": [tps[0]]}, *({"params": [p], "lr": 0.05} for p in tps[1:])],
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


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("groups", [1, 2])
def test_rates_over_thirty_steps_equal_torchs(name, groups):
    torch = pytest.importorskip("torch")
    ours, theirs, ps, tps = _pair(torch, groups=groups)
    sched = _make(lr_scheduler, name)(ours)
    tsched = _make(torch.optim.lr_scheduler, name)(theirs)
    assert _hyper(ours) == _hyper(theirs)
    assert sched.get_last_lr() == tsched.get_last_lr()
    seen = set()
    for k in range(STEPS):
        for p, tp in zip(ps, tps):
            g = np.sin(np.arange(2.0) + k) + p.detach().numpy()
            p.grad, tp.grad = mg.tensor(g), torch.tensor(g)
        ours.step()
        theirs.step()
        sched.step()
        tsched.step()
        np.testing.assert_allclose(_hyper(ours), _hyper(theirs), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(sched.get_last_lr(), tsched.get_last_lr(), rtol=1e-12)
        seen.add(round(sched.get_last_lr()[0], 12))
    for p, tp in zip(ps, tps):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-10)
    assert len(seen) >= 2  # the rate really changed
    assert sorted(sched.state_dict()) == sorted(tsched.state_dict())
    for g, tg in zip(ours.param_groups, theirs.param_groups):
        assert g.get("initial_lr") == tg.get("initial_lr")


@pytest.mark.parametrize("opt_name", ["Adam", "NAdam", "RMSprop"])
def test_cyclic_lr_cycles_beta1_or_momentum_like_torch(opt_name):
    torch = pytest.importorskip("torch")
    opt_kwargs = dict(lr=0.01, momentum=0.5) if opt_name == "RMSprop" else dict(lr=0.01)
    ours, theirs, _, _ = _pair(torch, opt_name, opt_kwargs, groups=2)
    sched = lr_scheduler.CyclicLR(ours, 0.001, 0.01, step_size_up=3, max_momentum=[0.95, 0.9])
    tsched = torch.optim.lr_scheduler.CyclicLR(
        theirs, 0.001, 0.01, step_size_up=3, max_momentum=[0.95, 0.9]
    )
    betas = set()
    for _ in range(STEPS):
        ours.step()
        theirs.step()
        sched.step()
        tsched.step()
        np.testing.assert_allclose(_hyper(ours), _hyper(theirs), rtol=1e-12)
        betas.add(_hyper(ours)[1 if opt_name == "RMSprop" else 2])
    assert len(betas) > 2


def test_warm_restarts_take_fractional_epochs_like_torch():
    torch = pytest.importorskip("torch")
    for kwargs in [dict(T_0=3), dict(T_0=3, T_mult=2, eta_min=0.01)]:
        ours, theirs, _, _ = _pair(torch)
        sched = lr_scheduler.CosineAnnealingWarmRestarts(ours, **kwargs)
        tsched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(theirs, **kwargs)
        iters = 4
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a fractional epoch is not deprecated here
            for epoch in range(12):
                for i in range(iters):
                    ours.step()
                    theirs.step()
                    sched.step(epoch + i / iters)
                    tsched.step(epoch + i / iters)
                    assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12)
                    assert (sched.last_epoch, sched.T_cur, sched.T_i) == (
                        tsched.last_epoch,
                        pytest.approx(tsched.T_cur, rel=1e-12),
                        tsched.T_i,
                    )
        with pytest.raises(ValueError, match=r"^Expected non-negative epoch, but got -1$"):
            sched.step(-1)


def test_sequential_lr_restarts_each_scheduler_at_its_milestone():
    opt = optim.SGD([nn.Parameter(np.ones(2))], lr=1.0)
    warmup = lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2)
    decay = lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    seq = lr_scheduler.SequentialLR(opt, [warmup, decay], milestones=[3])
    lrs = [seq.get_last_lr()[0]]
    for _ in range(6):
        opt.step()
        seq.step()
        lrs.append(seq.get_last_lr()[0])
    # warm-up at half the rate for two epochs, then StepLR from its own epoch 0
    np.testing.assert_allclose(lrs, [0.5, 0.5, 1.0, 1.0, 1.0, 0.1, 0.1], rtol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_state_dict_round_trip_through_save_and_load(name, tmp_path):
    make = _make(lr_scheduler, name)

    def run(opt, sched, steps):
        out = []
        for _ in range(steps):
            opt.step()
            sched.step()
            out.append((sched.get_last_lr(), _hyper(opt)))
        return out

    p = nn.Parameter(np.ones(2))
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    sched = make(opt)
    run(opt, sched, 9)
    mg.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, tmp_path / "c.npz")
    expected = run(opt, sched, 12)

    opt2 = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1, momentum=0.9)
    sched2 = make(opt2)
    checkpoint = mg.load(tmp_path / "c.npz")
    opt2.load_state_dict(checkpoint["optimizer"])
    sched2.load_state_dict(checkpoint["scheduler"])
    assert sched2.state_dict().keys() == sched.state_dict().keys()
    assert run(opt2, sched2, 12) == expected


def test_cyclic_lr_state_dict_keeps_a_callable_objects_state():
    class Halving:
        def __init__(self):
            self.rate = 0.5

        def __call__(self, x):
            return self.rate**x

    opt = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1, momentum=0.9)
    fn = Halving()
    fn.rate = 0.25
    sd = lr_scheduler.CyclicLR(opt, 0.01, 0.1, scale_fn=fn).state_dict()
    assert sd["_scale_fn_custom"] == {"rate": 0.25}
    fn2 = Halving()
    opt2 = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1, momentum=0.9)
    lr_scheduler.CyclicLR(opt2, 0.01, 0.1, scale_fn=fn2).load_state_dict(sd)
    assert fn2.rate == 0.25
    lam = lr_scheduler.CyclicLR(opt, 0.01, 0.1, scale_fn=lambda x: 1.0)
    assert lam.state_dict()["_scale_fn_custom"] is None


def test_multiplicative_lr_is_not_a_lambda_lr():
    opt = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1)
    sched = lr_scheduler.MultiplicativeLR(opt, lambda e: 0.5)
    assert not isinstance(sched, lr_scheduler.LambdaLR)
    assert sched.state_dict()["lr_lambdas"] == [None]


def _sgd():
    return optim.SGD([nn.Parameter(np.ones(2))], lr=0.1, momentum=0.9)


# (make, error, builds schedulers first: those set initial_lr before the error)
BAD = [
    (lambda lib, o: lib.ConstantLR(o, factor=1.5), ValueError, False),
    (lambda lib, o: lib.ConstantLR(o, factor=-0.1), ValueError, False),
    (lambda lib, o: lib.MultiplicativeLR(o, [lambda e: 1.0] * 2), ValueError, False),
    (lambda lib, o: lib.MultiplicativeLR(o, 0.5), TypeError, False),
    (lambda lib, o: lib.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, False),
    (lambda lib, o: lib.CosineAnnealingWarmRestarts(o, T_0=2.5), ValueError, False),
    (lambda lib, o: lib.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=0), ValueError, False),
    (lambda lib, o: lib.CosineAnnealingWarmRestarts(o, T_0=5, eta_min="0"), ValueError, False),
    (lambda lib, o: lib.CyclicLR(o, 0.01, 0.1, mode="sawtooth"), ValueError, False),
    (lambda lib, o: lib.CyclicLR(o, [0.01, 0.02], 0.1), ValueError, False),
    (lambda lib, o: lib.CyclicLR(o, 0.01, [0.1, 0.2]), ValueError, False),
    (lambda lib, o: lib.CyclicLR(o, 0.01, 0.1, max_momentum=[0.9, 0.9]), ValueError, False),
    (lambda lib, o: lib.SequentialLR(o, [], milestones=[]), ValueError, False),
    (lambda lib, o: lib.SequentialLR(o, [lib.StepLR(o, 2)], milestones=[3]), ValueError, True),
    (
        lambda lib, o: lib.SequentialLR(o, [lib.ReduceLROnPlateau(o)], milestones=[]),
        ValueError,
        False,
    ),
    (lambda lib, o: lib.SequentialLR(o, [object()], milestones=[]), TypeError, False),
    (lambda lib, o: lib.ChainedScheduler([]), ValueError, False),
    (
        lambda lib, o: lib.ChainedScheduler([lib.StepLR(o, 2), lib.ReduceLROnPlateau(o)]),
        ValueError,
        True,
    ),
]


@pytest.mark.parametrize(("make", "error", "builds"), BAD)
def test_invalid_arguments_raise_pytorchs_errors_before_anything_changes(make, error, builds):
    torch = pytest.importorskip("torch")
    _, theirs, _, _ = _pair(torch)
    with pytest.raises(error) as expected:
        make(torch.optim.lr_scheduler, theirs)
    opt = _sgd()
    before = [dict(g) for g in opt.param_groups]
    with pytest.raises(error) as got:
        make(lr_scheduler, opt)
    assert str(got.value) == str(expected.value)
    if not builds:
        assert opt.param_groups == before


def test_schedulers_of_another_optimizer_are_refused():
    opt, other = _sgd(), _sgd()
    with pytest.raises(ValueError, match="expects all schedulers to belong to the same optimizer"):
        lr_scheduler.SequentialLR(
            opt, [lr_scheduler.StepLR(opt, 2), lr_scheduler.StepLR(other, 2)], milestones=[2]
        )
    with pytest.raises(ValueError, match="at index 1 has SGD"):
        lr_scheduler.ChainedScheduler([lr_scheduler.StepLR(opt, 2), lr_scheduler.StepLR(other, 2)])


def test_cyclic_lr_needs_momentum_to_cycle():
    torch = pytest.importorskip("torch")
    message = "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
    with pytest.raises(ValueError, match=message):
        t = torch.optim.Adagrad([torch.zeros(2, requires_grad=True)])
        torch.optim.lr_scheduler.CyclicLR(t, 0.01, 0.1)
    opt = optim.Adagrad([nn.Parameter(np.ones(2))], lr=0.5)
    with pytest.raises(ValueError, match=message):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1)
    assert opt.param_groups[0]["lr"] == 0.5  # unchanged (PyTorch has set base_lr already)
    sched = lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=2, cycle_momentum=False)
    assert sched.get_last_lr() == [0.01]
