"""minigrad.distributions.transforms, constraints, biject_to/transform_to,
TransformedDistribution and the distributions built on it, against torch.distributions.

Transforms: forward, inverse, log_abs_det_jacobian, sign, domain/codomain, shapes and the
cache against PyTorch's in float64 (broadcast parameters, batch and event dims), gradients by
finite differences to second order. Distributions (Weibull, Pareto, Kumaraswamy,
LogisticNormal, RelaxedBernoulli, RelaxedOneHotCategorical, their bases and SAC's
tanh-squashed normal): log_prob, cdf, icdf, mean, mode, variance and entropy against
PyTorch's; rsample for a fixed noise against PyTorch's and by finite differences to second
order; samples tested statistically; PyTorch's validation errors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from distribution_oracle import _same_error, _t, _tt

import minigrad as mg
from minigrad import distributions as D
from minigrad.distributions import constraints, continuous, normal, relaxed
from minigrad.distributions import transforms as T

torch = pytest.importorskip("torch")
TD = torch.distributions
TT = torch.distributions.transforms


def _close(ours: Any, theirs: Any, rtol: float = 1e-10) -> None:
    theirs = theirs.detach().numpy()
    assert tuple(ours.shape) == theirs.shape, (ours.shape, theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype), (ours.dtype, theirs.dtype)
    atol = 1e-12
    if theirs.dtype == np.float32:  # number parameters: float32, a few ulps apart
        rtol, atol = max(rtol, 1e-5), 1e-6
    np.testing.assert_allclose(ours.detach().numpy(), theirs, rtol=rtol, atol=atol)


def _from(t: Any) -> mg.Tensor:
    """A torch tensor's values as a minigrad tensor of the same dtype."""
    return mg.tensor(t.detach().numpy())


def _param(p: Any, lib: Any) -> Any:
    """A number stays a number; anything else becomes a float64 tensor of ``lib``."""
    if isinstance(p, float | int):
        return p
    return _t(p) if lib is mg else _tt(p)


_RNG = np.random.default_rng(0)
_X23 = _RNG.normal(size=(2, 3))
_POS23 = _RNG.uniform(0.3, 2.5, size=(2, 3))

# (transform name, parameters, keyword arguments, x) for each case
TRANSFORM_CASES: list[tuple[str, tuple[Any, ...], dict[str, Any], np.ndarray]] = [
    ("ExpTransform", (), {}, _X23),
    ("ExpTransform", (), {}, np.array(0.7)),
    ("SigmoidTransform", (), {}, 3 * _X23),
    ("TanhTransform", (), {}, 2 * _X23),
    ("SoftplusTransform", (), {}, 3 * _X23),
    ("AbsTransform", (), {}, _X23),
    ("AffineTransform", ([0.5, -1.0, 2.0], [2.0, -0.5, 1.5]), {}, _X23),
    ("AffineTransform", (1.0, -2.0), {}, _X23),
    ("AffineTransform", ([[0.5], [-1.0]], [[2.0], [0.3]]), {}, _X23),  # (2, 1) with (2, 3)
    ("AffineTransform", ([0.5, -1.0, 2.0], [2.0, -0.5, 1.5]), {"event_dim": 1}, _X23),
    ("AffineTransform", (0.5, 3.0), {"event_dim": 2}, _X23),
    ("PowerTransform", ([0.5, 2.0, -1.5],), {}, _POS23),
    ("PowerTransform", (2.5,), {}, _POS23),
    ("SoftmaxTransform", (), {}, _X23),
    ("StickBreakingTransform", (), {}, _X23),
    ("StickBreakingTransform", (), {}, _X23[0]),
]


def _make(name: str, params: tuple[Any, ...], kwargs: dict[str, Any], lib: Any) -> Any:
    module = T if lib is mg else TT
    return getattr(module, name)(*[_param(p, lib) for p in params], **kwargs)


def _ladj(t: Any, x: Any, y: Any) -> Any:
    try:
        return t.log_abs_det_jacobian(x, y)
    except NotImplementedError:
        return None


@pytest.mark.parametrize("case", TRANSFORM_CASES, ids=lambda c: c[0])
def test_transform_values_match_torch(case: Any) -> None:
    name, params, kwargs, x = case
    ours, theirs = _make(name, params, kwargs, mg), _make(name, params, kwargs, torch)
    y, ty = ours(_t(x)), theirs(_tt(x))
    _close(y, ty)
    _close(ours.inv(y), theirs.inv(ty))
    ladj, tladj = _ladj(ours, _t(x), y), _ladj(theirs, _tt(x), ty)
    assert (ladj is None) == (tladj is None)
    if ladj is not None:
        _close(ladj, tladj)
        _close(ours.inv.log_abs_det_jacobian(y, _t(x)), theirs.inv.log_abs_det_jacobian(ty, _tt(x)))
    assert ours.bijective == theirs.bijective
    assert ours.domain.event_dim == theirs.domain.event_dim
    assert ours.codomain.event_dim == theirs.codomain.event_dim
    assert ours.inv.domain.event_dim == theirs.inv.domain.event_dim
    assert ours.event_dim == theirs.event_dim
    assert tuple(ours.forward_shape(x.shape)) == tuple(theirs.forward_shape(x.shape))
    assert tuple(ours.inverse_shape(ty.shape)) == tuple(theirs.inverse_shape(ty.shape))
    assert repr(ours) == repr(theirs)
    assert ours.inv.inv is ours and repr(ours.inv) == repr(theirs.inv)
    try:
        tsign = theirs.sign
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            _ = ours.sign
    else:
        sign = ours.sign
        if isinstance(tsign, int):
            assert sign == tsign
        else:
            _close(sign, tsign)
    assert ours == _make(name, params, kwargs, mg) and ours != T.ExpTransform().inv
    assert np.all(ours.codomain.check(y).numpy() == theirs.codomain.check(ty).numpy())


@pytest.mark.parametrize("case", TRANSFORM_CASES, ids=lambda c: c[0])
def test_transform_gradients_by_finite_differences(case: Any) -> None:
    """f(x), f^-1(f(x)) and log|det J| in x and the parameters, to second order."""
    name, params, kwargs, x = case
    tensor_params = [p for p in params if not isinstance(p, float | int)]

    def build(ps: tuple[mg.Tensor, ...]) -> Any:
        it = iter(ps)
        full = [p if isinstance(p, float | int) else next(it) for p in params]
        return getattr(T, name)(*full, **kwargs)

    def fn(x: mg.Tensor, *ps: mg.Tensor) -> tuple[mg.Tensor, ...]:
        t = build(ps)
        y = t(x)
        out = [y, t.inv(y) * 1.0]
        ladj = _ladj(t, x, y)
        if ladj is not None and ladj.requires_grad:  # a constant for number parameters
            out.append(ladj)
        return tuple(out)

    inputs = (_t(x, True), *[_t(p, True) for p in tensor_params])
    assert mg.gradcheck(fn, inputs)
    assert mg.gradgradcheck(fn, inputs)


def test_compose_independent_and_reshape_transforms_match_torch() -> None:
    x = _RNG.normal(size=(4, 2, 3))

    def build(lib: Any) -> list[Any]:
        m = T if lib is mg else TT
        loc, scale = _param([0.5, -1.0, 2.0], lib), _param([2.0, 0.5, 1.5], lib)
        return [
            m.ComposeTransform([m.AffineTransform(loc, scale), m.ExpTransform()]),
            m.ComposeTransform([m.ExpTransform(), m.AffineTransform(loc, scale, event_dim=1)]),
            m.ComposeTransform([m.StickBreakingTransform(), m.ExpTransform().inv]),
            m.IndependentTransform(m.SigmoidTransform(), 2),
            m.IndependentTransform(m.StickBreakingTransform(), 1),
            m.ReshapeTransform((2, 3), (6,)),
            m.ComposeTransform([m.ReshapeTransform((2, 3), (3, 2)), m.TanhTransform()]),
            m.identity_transform,
        ]

    for ours, theirs in zip(build(mg), build(torch)):
        y, ty = ours(_t(x)), theirs(_tt(x))
        _close(y, ty)
        _close(ours.inv(y), theirs.inv(ty))
        _close(ours.log_abs_det_jacobian(_t(x), y), theirs.log_abs_det_jacobian(_tt(x), ty))
        for a, b in ((ours.domain, theirs.domain), (ours.codomain, theirs.codomain)):
            assert a.event_dim == b.event_dim
        assert ours.bijective == theirs.bijective
        assert tuple(ours.forward_shape(x.shape)) == tuple(theirs.forward_shape(x.shape))
        assert repr(ours) == repr(theirs)
    assert T.identity_transform is D.identity_transform
    assert T.ComposeTransform([T.ExpTransform()]).inv.inv.parts[0] == T.ExpTransform()


def test_cache_returns_the_same_tensors_and_bad_arguments_raise_first() -> None:
    t = T.TanhTransform(cache_size=1)
    x = _t([0.3, 25.0])  # tanh(25) rounds to 1: atanh would give inf
    y = t(x)
    assert t(x) is y and t.inv(y) is x
    assert np.isinf(T.TanhTransform().inv(y).numpy()[1])
    assert T.ExpTransform().with_cache(1)._cache_size == 1
    c = T.ComposeTransform([T.AffineTransform(1.0, 2.0), T.ExpTransform()], cache_size=1)
    assert all(p._cache_size == 1 for p in c.parts)
    _same_error(lambda: T.ExpTransform(cache_size=2), lambda: TT.ExpTransform(cache_size=2))
    _same_error(lambda: T.ReshapeTransform((2, 3), (5,)), lambda: TT.ReshapeTransform((2, 3), (5,)))
    _same_error(
        lambda: T.ReshapeTransform((2, 3), (6,)).forward_shape((3, 2)),
        lambda: TT.ReshapeTransform((2, 3), (6,)).forward_shape((3, 2)),
    )
    _same_error(
        lambda: T.ReshapeTransform((2, 3), (6,)).event_dim,
        lambda: TT.ReshapeTransform((2, 3), (6,)).event_dim,
    )
    ind = T.IndependentTransform(T.ExpTransform(), 2, cache_size=1)
    x2 = _t([[1.0, 2.0]])
    y2 = ind(x2)
    _same_error(
        lambda: ind(_t([1.0])),
        lambda: TT.IndependentTransform(TT.ExpTransform(), 2)(_tt([1.0])),
    )
    assert ind._cached_x_y[0] is x2 and ind._cached_x_y[1] is y2  # the cache is untouched


def test_constraints_check_as_torchs() -> None:
    values = _t([[-1.0, 0.0, 0.2, 1.0, 2.0, float("nan")]])
    pairs = [
        (constraints.real, TD.constraints.real),
        (constraints.positive, TD.constraints.positive),
        (constraints.nonnegative, TD.constraints.nonnegative),
        (constraints.unit_interval, TD.constraints.unit_interval),
        (constraints.greater_than(0.1), TD.constraints.greater_than(0.1)),
        (constraints.greater_than_eq(0.2), TD.constraints.greater_than_eq(0.2)),
        (constraints.less_than(1.0), TD.constraints.less_than(1.0)),
        (constraints.interval(-1.0, 1.0), TD.constraints.interval(-1.0, 1.0)),
        (constraints.half_open_interval(-1.0, 1.0), TD.constraints.half_open_interval(-1.0, 1.0)),
        (constraints.integer_interval(0, 1), TD.constraints.integer_interval(0, 1)),
        (constraints.positive_integer, TD.constraints.positive_integer),
        (
            constraints.independent(constraints.real, 1),
            TD.constraints.independent(TD.constraints.real, 1),
        ),
        (constraints.real_vector, TD.constraints.real_vector),
    ]
    for ours, theirs in pairs:
        np.testing.assert_array_equal(
            ours.check(values).numpy(), theirs.check(_tt(values.numpy())).numpy()
        )
        assert ours.event_dim == theirs.event_dim
        assert repr(ours) == repr(theirs), (ours, theirs)
    counts = _t([[1.0, 2.0], [3.0, 1.0], [-1.0, 2.0]])
    np.testing.assert_array_equal(
        constraints.multinomial(3).check(counts).numpy(),
        TD.constraints.multinomial(3).check(_tt(counts.numpy())).numpy(),
    )
    simplex = _t([[0.2, 0.8], [0.5, 0.6], [1.2, -0.2]])
    np.testing.assert_array_equal(
        constraints.simplex.check(simplex).numpy(),
        TD.constraints.simplex.check(_tt(simplex.numpy())).numpy(),
    )
    assert constraints.is_dependent(constraints.dependent)
    assert not constraints.is_dependent(constraints.real)


def test_biject_to_and_transform_to_match_torch() -> None:
    x = _RNG.normal(size=(2, 3))
    cases = [
        ("real", ()),
        ("positive", ()),
        ("nonnegative", ()),
        ("unit_interval", ()),
        ("greater_than", (1.5,)),
        ("greater_than_eq", (-2.0,)),
        ("less_than", (3.0,)),
        ("interval", (-1.0, 2.0)),
        ("half_open_interval", (0.0, 1.0)),
        ("simplex", ()),
        ("real_vector", ()),
    ]
    for name, args in cases:
        ours, theirs = getattr(constraints, name), getattr(TD.constraints, name)
        if args:
            ours, theirs = ours(*args), theirs(*args)
        for registry, tregistry in ((D.biject_to, TD.biject_to), (D.transform_to, TD.transform_to)):
            t, tt = registry(ours), tregistry(theirs)
            assert repr(t) == repr(tt)
            y, ty = t(_t(x)), tt(_tt(x))
            _close(y, ty)
            assert bool(ours.check(y).all().item())
    with pytest.raises(NotImplementedError, match="Cannot transform _Boolean constraints"):
        D.biject_to(constraints.boolean)
    with pytest.raises(TypeError, match="Expected constraint to be either a Constraint"):
        D.biject_to.register(3, lambda c: T.ExpTransform())


# ---------------------------------------------------------------------------------------------
# TransformedDistribution and the distributions built on it

_S3 = [0.7, 1.5, 2.5]
_C23 = [[0.6, 1.2, 3.0], [2.0, 0.9, 1.4]]
# name -> (parameter cases, a function giving values in the support of a batch shape)
DISTS: dict[str, tuple[list[tuple[Any, ...]], Any]] = {
    "Weibull": (
        [(_S3, [0.6, 1.2, 3.0]), ([[0.7], [1.5]], _S3), (1.3, 2.2)],
        lambda shape: _RNG.uniform(0.1, 3.0, shape),
    ),
    "Pareto": (
        [(_S3, [0.6, 2.5, 3.0]), ([[0.7], [1.5]], _C23), (1.3, 2.2)],
        lambda shape: _RNG.uniform(2.6, 5.0, shape),
    ),
    "Kumaraswamy": (
        [(_S3, [0.6, 1.2, 3.0]), ([[0.7], [1.5]], _C23), (1.3, 2.2)],
        lambda shape: _RNG.uniform(0.05, 0.95, shape),
    ),
}
_MOMENTS = ("mean", "mode", "variance")


def _pair(name: str, case: tuple[Any, ...], **kwargs: Any) -> tuple[Any, Any]:
    return (
        getattr(D, name)(*[_param(p, mg) for p in case], **kwargs),
        getattr(TD, name)(*[_param(p, torch) for p in case], **kwargs),
    )


@pytest.mark.parametrize("name", list(DISTS))
def test_scalar_distributions_match_torch(name: str) -> None:
    torch.manual_seed(0)  # torch's samples are the values scored: the same each run
    cases, values = DISTS[name]
    for case in cases:
        m, t = _pair(name, case)
        assert isinstance(m, D.TransformedDistribution)
        assert m.batch_shape == tuple(t.batch_shape) and m.event_shape == tuple(t.event_shape)
        v = values((4, *m.batch_shape))
        _close(m.log_prob(_t(v)), t.log_prob(_tt(v)))
        _close(m.cdf(_t(v)), t.cdf(_tt(v)))
        u = _RNG.uniform(0.05, 0.95, m.batch_shape)
        _close(m.icdf(_t(u)), t.icdf(_tt(u)), rtol=1e-9)
        for moment in _MOMENTS:
            ours, theirs = getattr(m, moment), getattr(t, moment)
            _close(ours, theirs)
        _close(m.entropy(), t.entropy())
        assert repr(m) == repr(t).replace("torch.", "minigrad.")
        assert repr(m.support) == repr(t.support).replace("torch.", "minigrad.")
        me, te = m.expand((5, *m.batch_shape)), t.expand((5, *t.batch_shape))
        assert type(me) is type(m) and me.batch_shape == tuple(te.batch_shape)
        v5 = values(tuple(me.batch_shape))
        _close(me.log_prob(_t(v5)), te.log_prob(_tt(v5)))
        _close(me.mean, te.mean)


@pytest.mark.parametrize("name", list(DISTS))
def test_scalar_distribution_gradients_by_finite_differences(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """log_prob, cdf, entropy and rsample (its uniform noise fixed) in the parameters."""
    cases, values = DISTS[name]
    case = cases[1]
    shape = np.broadcast(*[np.asarray(p) for p in case]).shape
    v = values((3, *shape))
    u = np.random.default_rng(5).uniform(0.05, 0.95, (3, *shape))
    monkeypatch.setattr(continuous, "rand", lambda s, dtype=None: _t(u))

    def fn(*params: mg.Tensor) -> tuple[mg.Tensor, ...]:
        m = getattr(D, name)(*params)
        return m.log_prob(_t(v)), m.cdf(_t(v)), m.entropy(), m.rsample((3,))

    inputs = tuple(_t(p, True) for p in case)
    assert mg.gradcheck(fn, inputs)
    assert mg.gradgradcheck(fn, inputs)
    m = getattr(D, name)(*inputs)
    x = m.rsample((3,))
    assert x.requires_grad and not m.sample((3,)).requires_grad


def _ks(sorted_x: np.ndarray, cdf: np.ndarray) -> float:
    n = len(sorted_x)
    return float(max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n)))


@pytest.mark.parametrize("name", list(DISTS))
def test_scalar_samples_follow_the_distribution(name: str) -> None:
    """Kolmogorov-Smirnov distance of 20,000 samples to torch's cdf below 0.015 (the 1%
    critical value is 0.0115; a wrong parameter is off by far more); inside the support."""
    m, t = _pair(name, tuple(np.asarray(p) for p in DISTS[name][0][2]))
    mg.manual_seed(0)
    s = m.sample((20000,))
    assert tuple(s.shape) == (20000,) and s.dtype == mg.float64
    assert bool(m.support.check(s).all().item())
    x = np.sort(s.numpy())
    assert _ks(x, t.cdf(_tt(x)).numpy()) < 0.015
    assert abs(x.mean() - float(t.mean)) < 5 * float(t.stddev) / np.sqrt(20000)


def test_transformed_distribution_of_normal_matches_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    """General TransformedDistributions: shapes, log_prob, cdf/icdf, support and rsample
    (the normal noise fixed: the same values and gradients as torch's)."""
    torch.manual_seed(0)  # torch's samples are the values scored: the same each run
    loc, scale = _RNG.normal(size=(2, 3)), _RNG.uniform(0.5, 1.5, (2, 3))

    def build(lib: Any, loc: Any, scale: Any) -> list[Any]:
        m, d = (T, D) if lib is mg else (TT, TD)
        base = d.Normal(loc, scale)
        a, b = _param([[0.5, -1.0, 2.0]], lib), _param([[[2.0, 0.5, 1.5]]], lib)
        return [
            d.TransformedDistribution(base, [m.TanhTransform(cache_size=1)]),
            d.TransformedDistribution(base, m.ExpTransform()),
            d.TransformedDistribution(base, [m.AffineTransform(a, b), m.SigmoidTransform()]),
            d.TransformedDistribution(base, [m.AffineTransform(0.0, -2.0), m.ExpTransform()]),
            d.TransformedDistribution(base, [m.StickBreakingTransform()]),
            d.TransformedDistribution(base, [m.ReshapeTransform((2, 3), (6,))]),
            d.TransformedDistribution(base, [m.AffineTransform(a, b, event_dim=1)]),
            d.TransformedDistribution(base, []),
        ]

    z = np.random.default_rng(3).standard_normal((4, 2, 3))
    monkeypatch.setattr(normal, "randn", lambda s, dtype=None: _t(z[: s[0]] if s else z[0]))
    monkeypatch.setattr(TD.normal, "_standard_normal", lambda s, dtype, device: _tt(z))
    ours_params, theirs_params = (
        (_t(loc, True), _t(scale, True)),
        (_tt(loc, True), _tt(scale, True)),
    )
    for m, t in zip(build(mg, *ours_params), build(torch, *theirs_params)):
        assert m.batch_shape == tuple(t.batch_shape) and m.event_shape == tuple(t.event_shape)
        assert repr(m.support) == repr(t.support) and m.has_rsample == t.has_rsample
        x, tx = m.rsample((4,)), t.rsample((4,))
        _close(x, tx)
        lp, tlp = m.log_prob(x), t.log_prob(tx)
        _close(lp, tlp, rtol=1e-9)
        weights = np.random.default_rng(4).standard_normal(tuple(x.shape))
        grads = mg.autograd.grad((x * _t(weights)).sum() + lp.sum(), ours_params)
        tgrads = torch.autograd.grad((tx * _tt(weights)).sum() + tlp.sum(), theirs_params)
        for g, tg in zip(grads, tgrads):
            _close(g, tg, rtol=1e-8)
        s = m.sample((5,))
        assert tuple(s.shape) == tuple(t.sample((5,)).shape) and not s.requires_grad
        if m.event_shape == () and m.transforms:
            v = t.sample((3,))
            _close(m.cdf(_from(v)), t.cdf(v), rtol=1e-9)
            u = _RNG.uniform(0.05, 0.95, (2, 3))
            _close(m.icdf(_t(u)), t.icdf(_tt(u)), rtol=1e-9)
        me, te = m.expand((5, *m.batch_shape)), t.expand((5, *t.batch_shape))
        assert me.batch_shape == tuple(te.batch_shape) and me.event_shape == tuple(te.event_shape)
        v = te.sample()
        _close(me.log_prob(_from(v)), te.log_prob(v), rtol=1e-9)


def test_sac_squashed_gaussian_is_differentiable_to_second_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Soft actor-critic's policy: a = tanh(mu + std eps), loss alpha log pi(a) - Q(a); the
    cache gives log_prob the pre-tanh value, so it stays finite where tanh rounds to 1."""
    z = np.random.default_rng(9).standard_normal((5, 3))
    monkeypatch.setattr(normal, "randn", lambda s, dtype=None: _t(z))

    def loss(mu: mg.Tensor, log_std: mg.Tensor) -> mg.Tensor:
        pi = D.TransformedDistribution(D.Normal(mu, log_std.exp()), [T.TanhTransform(cache_size=1)])
        a = pi.rsample((5,))
        return 0.2 * pi.log_prob(a).sum(-1) - (a * a).sum(-1)

    inputs = (_t([0.3, -0.5, 1.0], True), _t([-0.2, 0.1, -1.0], True))
    assert mg.gradcheck(loss, inputs) and mg.gradgradcheck(loss, inputs)
    pi = D.TransformedDistribution(D.Normal(_t([20.0]), _t([0.1])), [T.TanhTransform(cache_size=1)])
    a = pi.rsample((5,))
    assert bool((a == 1.0).all().item()) and bool(pi.log_prob(a).isfinite().all().item())


def test_logistic_normal_matches_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(0)  # torch's samples are the values scored: the same each run
    for loc, scale in (([0.2, -0.3], [1.0, 0.5]), ([[0.2, -0.3, 1.0]], [[1.0], [0.4]]), (0.3, 1.2)):
        m, t = _pair("LogisticNormal", (loc, scale))
        assert m.batch_shape == tuple(t.batch_shape) and m.event_shape == tuple(t.event_shape)
        v = t.sample((4,))
        _close(m.log_prob(_from(v)), t.log_prob(v), rtol=1e-9)
        _close(m.loc, t.loc)
        _close(m.scale, t.scale)
        assert repr(m.support) == repr(t.support)
        assert m.expand((3, *m.batch_shape)).batch_shape == tuple(
            t.expand((3, *t.batch_shape)).batch_shape
        )
    loc, scale = [0.2, -0.3, 1.0], [1.0, 0.5, 0.7]
    z = np.random.default_rng(2).standard_normal((4, 3))
    monkeypatch.setattr(normal, "randn", lambda s, dtype=None: _t(z))

    def fn(loc: mg.Tensor, scale: mg.Tensor) -> tuple[mg.Tensor, ...]:
        m = D.LogisticNormal(loc, scale)
        return m.rsample((4,)), m.log_prob(m.rsample((4,)))

    assert mg.gradcheck(fn, (_t(loc, True), _t(scale, True)))
    assert mg.gradgradcheck(fn, (_t(loc, True), _t(scale, True)))
    monkeypatch.undo()
    m = D.LogisticNormal(_t(loc), _t(scale))
    mg.manual_seed(0)
    s = m.sample((20000,))
    assert tuple(s.shape) == (20000, 4) and bool(D.constraints.simplex.check(s).all().item())
    x = T.StickBreakingTransform().inv(s).numpy()  # back to the normal: KS per coordinate
    for k in range(3):
        cdf = TD.Normal(_tt(loc[k]), _tt(scale[k])).cdf(_tt(np.sort(x[:, k]))).numpy()
        assert _ks(np.sort(x[:, k]), cdf) < 0.015


def _relaxed_pairs(lib: Any) -> list[Any]:
    d = D if lib is mg else TD
    logit_bernoulli = (relaxed if lib is mg else TD.relaxed_bernoulli).LogitRelaxedBernoulli
    exp_categorical = (relaxed if lib is mg else TD.relaxed_categorical).ExpRelaxedCategorical
    temperature = _param([0.7], lib)
    p = _param([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], lib)
    logits = _param([0.3, -1.0, 2.0], lib)
    return [
        d.RelaxedBernoulli(temperature, probs=_param([0.2, 0.9], lib)),
        d.RelaxedBernoulli(_param(np.array(0.4), lib), logits=logits),
        logit_bernoulli(temperature, logits=logits),
        d.RelaxedOneHotCategorical(temperature, probs=p),
        d.RelaxedOneHotCategorical(_param(np.array(1.5), lib), logits=p.log() + 0.3),
        exp_categorical(temperature, logits=logits),
    ]


def test_relaxed_distributions_match_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(0)  # torch's samples are the values scored: the same each run
    for m, t in zip(_relaxed_pairs(mg), _relaxed_pairs(torch)):
        assert m.batch_shape == tuple(t.batch_shape) and m.event_shape == tuple(t.event_shape)
        v = t.sample((4,))
        _close(m.log_prob(_from(v)), t.log_prob(v), rtol=1e-9)
        _close(m.probs, t.probs)
        _close(m.logits, t.logits)
        assert repr(m.support) == repr(t.support) and m.has_rsample == t.has_rsample
        shape = tuple(m._extended_shape((4,)))
        u = np.random.default_rng(1).uniform(0.01, 0.99, shape)
        monkeypatch.setattr(relaxed, "rand", lambda s, dtype=None, u=u: _t(u))
        monkeypatch.setattr(torch, "rand", lambda *a, u=u, **k: _tt(u))
        _close(m.rsample((4,)), t.rsample((4,)), rtol=1e-9)
        monkeypatch.undo()
        me, te = m.expand((5, *m.batch_shape)), t.expand((5, *t.batch_shape))
        assert me.batch_shape == tuple(te.batch_shape) and type(me) is type(m)
        v = te.sample()
        _close(me.log_prob(_from(v)), te.log_prob(v), rtol=1e-9)


def test_relaxed_rsample_gradients_by_finite_differences(monkeypatch: pytest.MonkeyPatch) -> None:
    u = np.random.default_rng(2).uniform(0.01, 0.99, (4, 2, 3))
    monkeypatch.setattr(relaxed, "rand", lambda s, dtype=None: _t(u[..., : s[-1]].reshape(s)))

    def onehot(temperature: mg.Tensor, logits: mg.Tensor) -> tuple[mg.Tensor, ...]:
        m = D.RelaxedOneHotCategorical(temperature, logits=logits)
        x = m.rsample((4,))
        return x, m.log_prob(x)

    def bernoulli(temperature: mg.Tensor, logits: mg.Tensor) -> tuple[mg.Tensor, ...]:
        m = D.RelaxedBernoulli(temperature, logits=logits)
        x = m.rsample((4,))
        return x, m.log_prob(x)

    for fn in (onehot, bernoulli):
        inputs = (_t([0.8], True), _t([[0.3, -1.0, 2.0], [0.1, 0.4, -0.2]], True))
        assert mg.gradcheck(fn, inputs) and mg.gradgradcheck(fn, inputs)


def test_relaxed_samples_follow_the_distribution() -> None:
    """RelaxedBernoulli: KS against its closed-form cdf sigmoid(t logit(x) - logit(p));
    RelaxedOneHotCategorical: the argmax of a sample is class k with probability p_k."""
    mg.manual_seed(0)
    temperature, p = 0.6, 0.3
    s = D.RelaxedBernoulli(_t(temperature), probs=_t(p)).sample((20000,))
    assert tuple(s.shape) == (20000,) and s.dtype == mg.float64
    assert bool(((s > 0) & (s < 1)).all().item())
    x = np.sort(s.numpy())
    cdf = 1 / (1 + np.exp(-(temperature * np.log(x / (1 - x)) - np.log(p / (1 - p)))))
    assert _ks(x, cdf) < 0.015
    probs = np.array([0.2, 0.5, 0.3])
    s = D.RelaxedOneHotCategorical(_t([0.5]), probs=_t(probs)).sample((20000,))
    assert tuple(s.shape) == (20000, 3)
    assert bool(D.constraints.simplex.check(s).all().item())
    freq = np.bincount(s.numpy().argmax(-1), minlength=3) / 20000
    np.testing.assert_allclose(freq, probs, atol=0.015)
    # t log(x_0 / x_2) - log(p_0 / p_2) is a difference of two Gumbels: standard logistic
    y = np.sort(0.5 * np.log(s.numpy()[:, 0] / s.numpy()[:, 2]) - np.log(probs[0] / probs[2]))
    assert _ks(y, 1 / (1 + np.exp(-y))) < 0.015


def test_validation_errors_are_torchs() -> None:
    bad = {
        "Weibull": ([1.0, -1.0], 1.0),
        "Pareto": (1.0, [0.0, 2.0]),
        "Kumaraswamy": ([1.0, 2.0], [-0.5, 1.0]),
        "LogisticNormal": ([0.0, 1.0], [1.0, -1.0]),
    }
    for name, case in bad.items():
        _same_error(
            lambda n=name, c=case: getattr(D, n)(*[_param(p, mg) for p in c]),
            lambda n=name, c=case: getattr(TD, n)(*[_param(p, torch) for p in c]),
        )
        getattr(D, name)(*[_param(p, mg) for p in case], validate_args=False)
    outside = {"Weibull": -0.5, "Pareto": 0.5, "Kumaraswamy": 1.5}
    for name, value in outside.items():
        m, t = _pair(name, DISTS[name][0][0])
        _same_error(
            lambda m=m, v=value: m.log_prob(_t([v] * 3)),
            lambda t=t, v=value: t.log_prob(_tt([v] * 3)),
        )
    m, t = _pair("LogisticNormal", ([0.0, 1.0], [1.0, 2.0]))
    _same_error(lambda: m.log_prob(_t([0.5, 0.6, 0.1])), lambda: t.log_prob(_tt([0.5, 0.6, 0.1])))
    _same_error(
        lambda: D.RelaxedBernoulli(_t([0.5]), probs=_t([1.5])),
        lambda: TD.RelaxedBernoulli(_tt([0.5]), probs=_tt([1.5])),
    )
    _same_error(lambda: D.RelaxedBernoulli(_t([0.5])), lambda: TD.RelaxedBernoulli(_tt([0.5])))
    base, tbase = D.Normal(_t([0.0]), _t([1.0])), TD.Normal(_tt([0.0]), _tt([1.0]))
    _same_error(
        lambda: D.TransformedDistribution(base, "exp"),
        lambda: TD.TransformedDistribution(tbase, "exp"),
    )
    _same_error(
        lambda: D.TransformedDistribution(base, [T.ExpTransform(), 3]),
        lambda: TD.TransformedDistribution(tbase, [TT.ExpTransform(), 3]),
    )
    scalar, tscalar = D.Normal(0.0, 1.0), TD.Normal(0.0, 1.0)
    _same_error(
        lambda: D.TransformedDistribution(scalar, T.StickBreakingTransform()),
        lambda: TD.TransformedDistribution(tscalar, TT.StickBreakingTransform()),
    )
    sac = D.TransformedDistribution(base, [T.TanhTransform()])
    tsac = TD.TransformedDistribution(tbase, [TT.TanhTransform()])
    _same_error(lambda: sac.log_prob(_t([1.5])), lambda: tsac.log_prob(_tt([1.5])))


def test_kl_divergences_of_pareto_and_transformed_pairs_match_torch() -> None:
    scale, alpha = [0.5, 1.0, 2.0], [0.8, 1.5, 3.0]
    pareto = ((scale, alpha), "Pareto")
    others = [
        (([1.0, 0.7, 2.2], [2.5, 1.5, 4.0]), "Pareto"),
        (([0.4, 1.3, 2.0],), "Exponential"),
        (([0.4, 1.3, 2.0], [1.0, 2.0, 0.5]), "Gamma"),
        (([0.4, -1.3, 2.0], [1.0, 2.0, 0.5]), "Normal"),
        (([0.4, 1.3, 2.0], [1.0, 2.0, 0.5]), "Beta"),
        (([0.4, 1.3, 2.0], [1.0, 2.0, 3.5]), "Uniform"),
        (([0.4, 1.3, 2.0], [1.0, 2.0, 0.5]), "Gumbel"),
        (([0.4, 1.3, 2.0], [1.0, 2.0, 0.5]), "Laplace"),
        (([0.2, 0.6, 0.9],), "ContinuousBernoulli"),
    ]
    pairs = [(pareto, o) for o in others] + [(o, pareto) for o in others]
    pairs.append(((([0.6, 1.2, 0.7], [1.0, 2.0, 3.0]), "Uniform"), pareto))
    for (pa, pn), (qa, qn) in pairs:
        ps = [_t(a, True) for a in pa]
        tps = [_tt(a, True) for a in pa]
        p, q = getattr(D, pn)(*ps), getattr(D, qn)(*[_t(a) for a in qa])
        tp, tq = getattr(TD, pn)(*tps), getattr(TD, qn)(*[_tt(a) for a in qa])
        try:
            tkl = TD.kl_divergence(tp, tq)
        except NotImplementedError:
            with pytest.raises(NotImplementedError, match="No KL"):
                D.kl_divergence(p, q)
            continue
        kl = D.kl_divergence(p, q)
        _close(kl, tkl)
        finite = np.isfinite(tkl.detach().numpy())
        if finite.any() and kl.requires_grad:
            grads = mg.autograd.grad(kl[_t(finite).bool()].sum(), ps, allow_unused=True)
            tgrads = torch.autograd.grad(tkl[finite].sum(), tps, allow_unused=True)
            for g, tg in zip(grads, tgrads):
                assert (g is None) == (tg is None)
                if g is not None:
                    _close(g, tg, rtol=1e-9)
    for name, case in (
        ("Weibull", DISTS["Weibull"][0][0]),
        ("LogisticNormal", ([0.2, 1.0], [1.0, 0.5])),
    ):
        p, tp = _pair(name, case)
        q, tq = _pair(name, case)
        _close(D.kl_divergence(p, q), TD.kl_divergence(tp, tq))
    a = D.TransformedDistribution(D.Normal(_t([0.0]), _t([1.0])), [T.ExpTransform()])
    b = D.TransformedDistribution(D.Normal(_t([0.5]), _t([2.0])), [T.ExpTransform()])
    ta = TD.TransformedDistribution(TD.Normal(_tt([0.0]), _tt([1.0])), [TT.ExpTransform()])
    tb = TD.TransformedDistribution(TD.Normal(_tt([0.5]), _tt([2.0])), [TT.ExpTransform()])
    _close(D.kl_divergence(a, b), TD.kl_divergence(ta, tb))
    c = D.TransformedDistribution(D.Normal(_t([0.5]), _t([2.0])), [T.TanhTransform()])
    with pytest.raises(NotImplementedError):
        D.kl_divergence(a, c)
