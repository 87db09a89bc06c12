"""The distributions built on the gamma functions against torch.distributions: Gamma, Chi2,
Beta, Dirichlet, StudentT, Poisson, Binomial, Geometric (and HalfCauchy).

Values of log_prob, entropy, mean, mode, variance and stddev in float64 for vector, broadcast
and 0-d parameters; gradients of log_prob and entropy against PyTorch and by finite
differences to second order; samples (shapes, dtypes, moments); expand, support, repr and
PyTorch's validation errors; the reparameterised samples' gradients (PyTorch's
_standard_gamma_grad for the same draw, and their mean against the gradient of the exact
mean).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from distribution_oracle import _same_error, _t, _tt

import minigrad as mg
from minigrad import distributions as D
from minigrad import gamma_sampling

torch = pytest.importorskip("torch")
TD = torch.distributions


def _close(ours: Any, theirs: Any, rtol: float = 1e-10, atol: float = 1e-12) -> None:
    theirs = theirs.detach().numpy()
    assert tuple(ours.shape) == theirs.shape, (ours.shape, theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype), (ours.dtype, theirs.dtype)
    if theirs.dtype == np.float32:  # (0-d parameters given as numbers: the default dtype)
        rtol, atol = max(rtol, 1e-6), max(atol, 1e-6)
    np.testing.assert_allclose(ours.detach().numpy(), theirs, rtol=rtol, atol=atol)


_POS = [0.7, 2.5, 1.3]
_POS2 = [[0.6, 1.8, 3.2], [1.1, 0.9, 4.0]]
# name -> the parameter cases: (2/3,)-vectors, broadcast to (2, 3), and 0-d numbers
PARAMS: dict[str, list[tuple[Any, ...]]] = {
    "Gamma": [(_POS, [1.5, 0.5, 2.0]), ([[0.6], [3.5]], _POS), (2.5, 1.5)],
    "Chi2": [([1.5, 3.0, 5.0],), (_POS2,), (3.0,)],
    "Beta": [(_POS, [1.5, 0.5, 2.0]), ([[0.6], [3.5]], _POS), (2.5, 1.5)],
    "Dirichlet": [([0.7, 2.5, 1.3],), (_POS2,), ([[[0.5, 2.0]]],)],
    "StudentT": [(_POS, [0.3, -1.0, 2.0], [1.5, 0.5, 2.0]), ([[0.6], [3.5]], 0.5, _POS), (4.5,)],
    "Poisson": [([0.5, 3.0, 7.5],), (_POS2,), (2.5,)],
    "Binomial": [([5.0, 7.0, 10.0], [0.3, 0.6, 0.9]), (8.0, [[0.2], [0.7]]), (6.0, 0.35)],
    "Geometric": [([0.3, 0.6, 0.9],), ([[0.2, 0.5, 0.8], [0.1, 0.4, 0.95]],), (0.35,)],
    "HalfCauchy": [(_POS,), (_POS2,), (1.7,)],
}
NAMES = list(PARAMS)
_KW = {"Binomial": ("total_count", "probs"), "Geometric": ("probs",)}
_NO_GRAD = {"Binomial": [0]}  # total_count


def _make(module: Any, name: str, params: list[Any]) -> Any:
    if name in _KW:
        return getattr(module, name)(**dict(zip(_KW[name], params)))
    return getattr(module, name)(*params)


def _arrays(case: tuple[Any, ...]) -> list[Any]:
    return [p if isinstance(p, float) else np.asarray(p, dtype=np.float64) for p in case]


def _pair(name: str, case: tuple[Any, ...], grad: bool = False) -> tuple[Any, Any, list, list]:
    ours, theirs = [], []
    for i, p in enumerate(_arrays(case)):
        g = grad and i not in _NO_GRAD.get(name, [])
        ours.append(p if isinstance(p, float) and not g else _t(p, g))
        theirs.append(p if isinstance(p, float) and not g else _tt(p, g))
    return _make(D, name, ours), _make(TD, name, theirs), ours, theirs


def _value(name: str, m: Any, seed: int = 1) -> np.ndarray:
    """Values in the support, of shape batch_shape + event_shape."""
    shape = tuple(m.batch_shape) + tuple(m.event_shape)
    rng = np.random.default_rng(seed)
    if name == "Dirichlet":
        w = rng.uniform(0.2, 1.0, shape)
        return w / w.sum(-1, keepdims=True)
    if name == "Beta":
        return rng.uniform(0.05, 0.95, shape)
    if name == "StudentT":
        return rng.uniform(-3.0, 3.0, shape)
    if name in ("Poisson", "Geometric"):
        return rng.integers(0, 6, shape).astype(np.float64)
    if name == "Binomial":
        return np.floor(rng.uniform(0, 1, shape) * (m.total_count.numpy() + 1))
    return rng.uniform(0.1, 4.0, shape)


def _has(t: Any, attr: str) -> bool:
    try:
        getattr(t, attr)() if attr in ("entropy",) else getattr(t, attr)
    except NotImplementedError:
        return False
    return True


def test_the_names_are_reached_as_torch_distributions() -> None:
    for name in NAMES:
        cls = getattr(mg.distributions, name)
        assert issubclass(cls, D.Distribution) and name in D.__all__
        m, t, _, _ = _pair(name, PARAMS[name][0])
        assert m.has_rsample is t.has_rsample, name
        assert m.has_enumerate_support is t.has_enumerate_support, name
    assert issubclass(D.Chi2, D.Gamma)  # as PyTorch's (so KL(Chi2, Chi2) is Gamma's)
    assert issubclass(D.Gamma, D.ExponentialFamily) and not issubclass(D.StudentT, D.Gamma)


@pytest.mark.parametrize("name", NAMES)
def test_values_match_torch(name: str) -> None:
    for case in PARAMS[name]:
        m, t, _, _ = _pair(name, case)
        assert m.batch_shape == tuple(t.batch_shape) and m.event_shape == tuple(t.event_shape)
        v = _value(name, m)
        # (numbers are float32 parameters: PyTorch's Beta takes lgamma of them in float32)
        numbers = all(isinstance(p, float) for p in case)
        _close(m.log_prob(_t(v)), t.log_prob(_tt(v)), rtol=1e-6 if numbers else 1e-10)
        if _has(t, "entropy"):
            _close(m.entropy(), t.entropy())
        else:
            with pytest.raises(NotImplementedError):
                m.entropy()
        for attr in ("mean", "mode", "variance", "stddev"):
            ours, theirs = getattr(m, attr), getattr(t, attr)
            assert tuple(ours.shape) == tuple(theirs.shape), attr
            rtol = 1e-12 if theirs.dtype == torch.float64 else 1e-6
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol, err_msg=attr)
        if name == "HalfCauchy":
            _close(m.cdf(_t(v)), t.cdf(_tt(v)))
            p = np.random.default_rng(4).uniform(0.05, 0.95, v.shape)
            _close(m.icdf(_t(p)), t.icdf(_tt(p)))


def test_edge_values_match_torch() -> None:
    cases = [
        ("Gamma", ([0.5, 1.0, 2.0], 1.5), [0.0, 0.0, 0.0]),  # inf, log rate, -inf at 0
        ("Poisson", ([0.0, 0.0, 2.0],), [0.0, 1.0, 0.0]),  # a zero rate
        ("Geometric", ([1.0, 1.0, 0.5],), [0.0, 2.0, 0.0]),  # p = 1
        ("Binomial", ([0.0, 4.0, 4.0], [0.5, 0.0, 1.0]), [0.0, 0.0, 4.0]),
        ("StudentT", ([0.5, 1.0, 2.0],), [0.0, 1.0, -2.0]),  # no mean / infinite variance
        ("Beta", ([0.5, 1.0, 3.0], [0.5, 1.0, 0.7]), [0.0, 1.0, 0.5]),
    ]
    for name, case, value in cases:
        m, t, _, _ = _pair(name, case)
        v = np.asarray(value)
        _close(m.log_prob(_t(v)), t.log_prob(_tt(v)))
        for attr in ("mean", "mode", "variance"):
            np.testing.assert_allclose(
                getattr(m, attr).numpy(), getattr(t, attr).numpy(), rtol=1e-12, err_msg=attr
            )
    dirichlet = D.Dirichlet(_t([[0.5, 0.7, 0.2], [2.0, 3.0, 0.5]]))
    their = TD.Dirichlet(_tt([[0.5, 0.7, 0.2], [2.0, 3.0, 0.5]]))
    _close(dirichlet.mode, their.mode)  # one-hot where every concentration is below 1


@pytest.mark.parametrize("name", NAMES)
def test_repr_support_and_arg_constraints_match_torch(name: str) -> None:
    for case in PARAMS[name]:
        m, t, _, _ = _pair(name, case)
        assert repr(m) == repr(t).replace("torch.", "minigrad."), name
        if name != "Binomial":  # (its support shows the total counts, a tensor)
            assert repr(m.support) == repr(t.support)
        assert list(m.arg_constraints) == list(t.arg_constraints)
        assert [repr(c) for c in m.arg_constraints.values()] == [
            repr(c) for c in t.arg_constraints.values()
        ]


@pytest.mark.parametrize("name", NAMES)
def test_gradients_match_torch_and_finite_differences(name: str) -> None:
    case = PARAMS[name][1]  # the broadcast case: gradients are summed back to each shape
    m, t, ours, theirs = _pair(name, case, grad=True)
    v = _value(name, m)
    weights = np.random.default_rng(5).standard_normal(tuple(m.batch_shape))
    fns = ["log_prob", "entropy"] if _has(t, "entropy") else ["log_prob"]
    for fn in fns:
        m, t, ours, theirs = _pair(name, case, grad=True)
        args = () if fn == "entropy" else (v,)
        (getattr(m, fn)(*map(_t, args)) * _t(weights)).sum().backward()
        (getattr(t, fn)(*map(_tt, args)) * _tt(weights)).sum().backward()
        for a, b in zip(ours, theirs):
            if not isinstance(b, torch.Tensor) or not b.requires_grad:
                continue
            if b.grad is None:  # (entropy does not read loc)
                assert a.grad is None or not a.grad.numpy().any()
                continue
            # (PyTorch's float64 trigamma, in entropy's gradients, is good to ~1e-9)
            _close(a.grad, b.grad, rtol=1e-7, atol=1e-9)

    leaves = [i for i, p in enumerate(ours) if isinstance(p, mg.Tensor) and p.requires_grad]

    def f(*params: mg.Tensor) -> mg.Tensor:
        full = list(ours)
        for i, p in zip(leaves, params):
            full[i] = p
        d = _make(D, name, full)
        return sum(getattr(d, fn)(*(() if fn == "entropy" else (_t(v),))).sum() for fn in fns)

    inputs = tuple(_t(ours[i].detach().numpy(), True) for i in leaves)
    assert mg.gradcheck(f, inputs)
    assert mg.gradgradcheck(f, inputs)


def test_value_gradients_match_torch() -> None:
    """d log_prob / d value, for the continuous ones."""
    for name in ("Gamma", "Chi2", "Beta", "StudentT", "HalfCauchy", "Dirichlet"):
        m, t, _, _ = _pair(name, PARAMS[name][0])
        v = _value(name, m)
        x, y = _t(v, True), _tt(v, True)
        m.log_prob(x).sum().backward()
        t.log_prob(y).sum().backward()
        _close(x.grad, y.grad, rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# Samples


@pytest.mark.parametrize("name", NAMES)
def test_sample_shapes_and_dtypes(name: str) -> None:
    for case in PARAMS[name]:
        m, t, _, _ = _pair(name, case)
        for shape in ((), (5,), (2, 4)):
            ours, theirs = m.sample(shape), t.sample(shape)
            assert tuple(ours.shape) == tuple(theirs.shape), (name, shape)
            assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
            assert not ours.requires_grad
            assert _all(m.support.check(ours)), name


def _all(t: mg.Tensor) -> bool:
    return bool(np.all(t.numpy()))


@pytest.mark.parametrize("name", [n for n in NAMES if n != "HalfCauchy"])
def test_sample_moments(name: str) -> None:
    mg.manual_seed(0)
    m, _, _, _ = _pair(name, PARAMS[name][1])
    x = m.sample((40000,)).numpy()
    mean, var = m.mean.numpy(), m.variance.numpy()
    finite = np.isfinite(var)
    se = np.sqrt(np.where(finite, var, 1.0) / x.shape[0])
    assert np.all(np.abs(x.mean(0) - mean)[finite] < 5 * se[finite] + 1e-12), name
    if name != "StudentT":  # (heavy tails: its sample variance converges slowly)
        np.testing.assert_allclose(x.var(0), var, rtol=0.1)


def test_half_cauchy_samples_follow_the_cdf() -> None:
    mg.manual_seed(1)
    m = D.HalfCauchy(_t([0.5, 2.0]))
    x = m.sample((20000,))
    assert _all(x >= 0)
    median = np.median(x.numpy(), axis=0)
    np.testing.assert_allclose(median, m.icdf(_t([0.5, 0.5])).numpy(), rtol=0.05)


@pytest.mark.parametrize("name", NAMES)
def test_expand_matches_torch(name: str) -> None:
    case = PARAMS[name][0]
    m, t, _, _ = _pair(name, case)
    shape = (4, *m.batch_shape)
    e, te = m.expand(shape), t.expand(shape)
    assert e.batch_shape == tuple(te.batch_shape) and e.event_shape == tuple(te.event_shape)
    assert type(e) is type(m) and e._validate_args == m._validate_args
    v = _value(name, e)
    _close(e.log_prob(_t(v)), te.log_prob(_tt(v)))
    _close(e.mean, te.mean)
    assert tuple(e.sample().shape) == tuple(te.sample().shape)


def test_binomial_enumerate_support_and_entropy() -> None:
    m = D.Binomial(4, probs=_t([0.2, 0.7]))
    t = TD.Binomial(4, probs=_tt([0.2, 0.7]))
    _close(m.enumerate_support(), t.enumerate_support())
    _close(m.enumerate_support(expand=False), t.enumerate_support(expand=False))
    logits = D.Binomial(4, logits=_t([0.3, -1.0]))
    _close(
        logits.log_prob(_t([1.0, 3.0])),
        TD.Binomial(4, logits=_tt([0.3, -1.0])).log_prob(_tt([1.0, 3.0])),
    )
    mixed = D.Binomial(_t([3.0, 4.0]), probs=_t([0.2, 0.7]))
    their = TD.Binomial(_tt([3.0, 4.0]), probs=_tt([0.2, 0.7]))
    _same_error(mixed.entropy, their.entropy)
    _same_error(mixed.enumerate_support, their.enumerate_support)


# ---------------------------------------------------------------------------------------------
# Validation


def test_parameter_errors_match_torch() -> None:
    calls = [
        ("Gamma", (_t([1.0, -1.0]), 1.0)),
        ("Gamma", (1.0, _t([0.0]))),
        ("Chi2", (_t([-2.0]),)),
        ("Beta", (_t([1.0, 0.0]), 1.0)),
        ("Dirichlet", (_t([1.0, -0.5]),)),
        ("Dirichlet", (_t(1.0),)),
        ("StudentT", (_t([-1.0]),)),
        ("StudentT", (_t([1.0]), 0.0, _t([-1.0]))),
        ("Poisson", (_t([-0.5]),)),
        ("HalfCauchy", (_t([0.0]),)),
    ]
    for name, args in calls:
        targs = [_tt(a.numpy()) if isinstance(a, mg.Tensor) else a for a in args]
        _same_error(
            lambda name=name, args=args: getattr(D, name)(*args),
            lambda name=name, targs=targs: getattr(TD, name)(*targs),
        )
    _same_error(
        lambda: D.Binomial(_t([2.5]), probs=_t([0.5])),
        lambda: TD.Binomial(_tt([2.5]), probs=_tt([0.5])),
    )
    _same_error(lambda: D.Binomial(3, probs=_t([1.5])), lambda: TD.Binomial(3, probs=_tt([1.5])))
    _same_error(lambda: D.Binomial(3), lambda: TD.Binomial(3))
    _same_error(lambda: D.Geometric(_t([0.0, 0.5])), lambda: TD.Geometric(_tt([0.0, 0.5])))
    _same_error(lambda: D.Geometric(_t([1.5])), lambda: TD.Geometric(_tt([1.5])))
    _same_error(lambda: D.Geometric(), lambda: TD.Geometric())


def test_value_errors_match_torch() -> None:
    cases = [
        ("Gamma", PARAMS["Gamma"][0], [1.0, -1.0, 2.0]),
        ("Beta", PARAMS["Beta"][0], [0.5, 1.5, 0.2]),
        ("Dirichlet", PARAMS["Dirichlet"][0], [0.5, 0.6, -0.1]),
        ("Poisson", PARAMS["Poisson"][0], [1.0, 0.5, 2.0]),
        ("Binomial", PARAMS["Binomial"][0], [1.0, 8.0, 2.0]),
        ("Geometric", PARAMS["Geometric"][0], [1.0, -1.0, 2.0]),
        ("HalfCauchy", PARAMS["HalfCauchy"][0], [1.0, -1.0, 2.0]),
        ("Gamma", PARAMS["Gamma"][0], [1.0, 2.0]),  # not broadcastable
    ]
    for name, case, value in cases:
        m, t, _, _ = _pair(name, case)
        _same_error(
            lambda m=m, value=value: m.log_prob(_t(value)),
            lambda t=t, value=value: t.log_prob(_tt(value)),
        )
    loose = D.Gamma(_t([1.0, 2.0]), 1.0, validate_args=False)
    their = TD.Gamma(_tt([1.0, 2.0]), 1.0, validate_args=False)
    _close(loose.log_prob(_t([-1.0, -1.0])), their.log_prob(_tt([-1.0, -1.0])))


# ---------------------------------------------------------------------------------------------
# Reparameterised samples


def test_standard_gamma_grad_is_torchs() -> None:
    rng = np.random.default_rng(0)
    alpha = np.exp(rng.uniform(-3, 4, 5000))  # every branch: the series, Rice's, the rational
    x = np.maximum(rng.standard_gamma(alpha), np.finfo(np.float64).tiny)
    ours = gamma_sampling.standard_gamma_grad(alpha, x)
    theirs = torch._standard_gamma_grad(torch.tensor(alpha), torch.tensor(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    a32, x32 = alpha.astype(np.float32), x.astype(np.float32)
    ours32 = gamma_sampling.standard_gamma_grad(a32, x32)
    assert ours32.dtype == np.float32
    theirs32 = torch._standard_gamma_grad(torch.tensor(a32), torch.tensor(x32)).numpy()
    np.testing.assert_allclose(ours32, theirs32, rtol=2e-4, atol=1e-30)


def test_standard_gamma_grad_is_the_implicit_derivative() -> None:
    """Against the derivative of x(alpha) = F^-1(F(x0; alpha0); alpha) by finite differences
    of SciPy's inverse incomplete gamma: PyTorch's approximation is good to 1e-3."""
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(1)
    alpha = np.exp(rng.uniform(-2, 3.5, 2000))
    x = rng.standard_gamma(alpha)
    u = special.gammainc(alpha, x)
    keep = (u > 1e-10) & (u < 1 - 1e-10)
    alpha, x, u = alpha[keep], x[keep], u[keep]
    h = 1e-6 * alpha
    fd = (special.gammaincinv(alpha + h, u) - special.gammaincinv(alpha - h, u)) / (2 * h)
    ours = gamma_sampling.standard_gamma_grad(alpha, x)
    np.testing.assert_allclose(ours, fd, rtol=1.5e-3)


def _draws(monkeypatch: pytest.MonkeyPatch, seed: int) -> dict[str, Any]:
    """Record the standard gamma variates rsample draws."""
    seen: dict[str, Any] = {"x": []}
    real = gamma_sampling.standard_gamma

    def recording(c: mg.Tensor, generator: Any = None) -> mg.Tensor:
        out = real(c, generator)
        seen["x"].append(out.detach().numpy())
        return out

    from minigrad.distributions import gamma_family

    monkeypatch.setattr(gamma_family, "standard_gamma", recording)
    mg.manual_seed(seed)
    return seen


def test_gamma_rsample_gradients_are_torchs_for_the_same_draw(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = _draws(monkeypatch, 0)
    c, rate = _t([[0.4], [3.0]], True), _t([0.5, 1.5, 12.0], True)
    x = D.Gamma(c, rate).rsample((5,))
    assert tuple(x.shape) == (5, 2, 3) and x.requires_grad
    w = np.random.default_rng(2).standard_normal((5, 2, 3))
    (x * _t(w)).sum().backward()
    g = seen["x"][0]
    tc, trate = _tt([[0.4], [3.0]], True), _tt([0.5, 1.5, 12.0], True)
    dxdc = torch._standard_gamma_grad(tc.detach().expand(5, 2, 3), torch.tensor(g))
    # x = g(c) / rate: the chain rule with PyTorch's gradient of its sample
    theirs = g / trate.detach().numpy()
    np.testing.assert_allclose(x.detach().numpy(), theirs, rtol=1e-15)
    expected_c = (w * dxdc.numpy() / trate.detach().numpy()).sum((0, 2), keepdims=True)[0]
    np.testing.assert_allclose(c.grad.numpy(), expected_c, rtol=1e-12)
    expected_rate = (-w * g / trate.detach().numpy() ** 2).sum((0, 1))
    np.testing.assert_allclose(rate.grad.numpy(), expected_rate, rtol=1e-12)


def test_rsample_gradients_through_gamma_match_torchs_formula(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chi2 and StudentT are their gammas transformed: each gradient is PyTorch's formula
    applied to the same draws (StudentT's normal noise is PyTorch's too)."""
    seen = _draws(monkeypatch, 3)
    df = _t([1.5, 4.0, 9.0], True)
    x = D.Chi2(df).rsample((4,))
    x.sum().backward()
    g = seen["x"][0]
    half_df = torch.tensor(0.5 * df.detach().numpy()).expand(4, 3)
    dxdc = torch._standard_gamma_grad(half_df, torch.tensor(g))
    np.testing.assert_allclose(x.detach().numpy(), 2 * g, rtol=1e-15)
    np.testing.assert_allclose(df.grad.numpy(), dxdc.numpy().sum(0), rtol=1e-12)

    df, loc, scale = _t([1.5, 4.0, 9.0], True), _t([0.5, 0.0, -1.0], True), _t([2.0], True)
    mg.manual_seed(5)
    y = D.StudentT(df, loc, scale).rsample((4,))
    w = np.random.default_rng(6).standard_normal((4, 3))
    (y * _t(w)).sum().backward()
    mg.manual_seed(5)
    z = mg.randn(4, 3, dtype=mg.float64).numpy()  # the same normal noise, drawn first
    g = seen["x"][-1]
    tdf, tloc, tscale = _tt([1.5, 4.0, 9.0], True), _tt([0.5, 0.0, -1.0], True), _tt([2.0], True)

    class _Chi2(torch.autograd.Function):  # torch's sample, with PyTorch's gradient
        @staticmethod
        def forward(ctx: Any, half_df: Any) -> Any:
            ctx.save_for_backward(half_df)
            return torch.tensor(g)

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (half_df,) = ctx.saved_tensors
            return grad * torch._standard_gamma_grad(half_df, torch.tensor(g))

    chi2 = 2 * _Chi2.apply((0.5 * tdf).expand(4, 3))
    ty = tloc + tscale * torch.tensor(z) * torch.rsqrt(chi2 / tdf)
    (ty * torch.tensor(w)).sum().backward()
    _close(y, ty, rtol=1e-13)
    for a, b in ((df, tdf), (loc, tloc), (scale, tscale)):
        _close(a.grad, b.grad, rtol=1e-11)


@pytest.mark.parametrize(
    "name, params, mean",
    [
        ("Gamma", ([0.4, 2.0, 9.0], [1.0, 2.0, 0.5]), lambda c, r: c / r),
        ("Beta", ([0.4, 2.0, 9.0], [1.5, 0.3, 4.0]), lambda a, b: a / (a + b)),
        ("Dirichlet", ([[0.4, 2.0, 3.0]],), lambda c: c / c.sum(-1, keepdim=True)),
        ("StudentT", ([3.0, 5.0], [0.5, -1.0], [2.0, 0.5]), lambda df, loc, s: loc + 0 * df * s),
    ],
)
def test_rsample_gradients_are_unbiased(name: str, params: tuple[Any, ...], mean: Any) -> None:
    """The gradient of the mean of many samples is the gradient of the exact mean (Beta's and
    Dirichlet's gradients are those of normalised gammas, PyTorch's of its Dirichlet
    sampler's: different per sample, equal in expectation)."""
    mg.manual_seed(7)
    leaves = [_t(p, True) for p in params]
    n = 200000
    x = getattr(D, name)(*leaves).rsample((n,))
    w = np.random.default_rng(8).uniform(0.5, 1.5, tuple(x.shape[1:]))
    (x.mean(0) * _t(w)).sum().backward()
    estimates = [leaf.grad.numpy().copy() for leaf in leaves]
    exact = [_t(p, True) for p in params]
    (mean(*exact) * _t(w)).sum().backward()
    for est, ex in zip(estimates, exact):
        expected = np.zeros(tuple(ex.shape)) if ex.grad is None else ex.grad.numpy()
        assert np.all(np.abs(est - expected) <= 0.03 + 0.03 * np.abs(expected)), (est, expected)


def test_rsample_has_no_second_derivative() -> None:
    c = _t([1.5, 2.0], True)
    x = D.Gamma(c, 1.0).rsample()
    (g,) = mg.autograd.grad(x.sum(), c, create_graph=True)
    with pytest.raises(NotImplementedError, match=r"derivative for '_standard_gamma_grad'"):
        g.sum().backward()


def test_rsample_float32_and_the_smallest_draw() -> None:
    c = mg.tensor([1e-3, 0.5], dtype=mg.float32, requires_grad=True)
    x = D.Gamma(c, mg.tensor(1.0, dtype=mg.float32)).rsample((1000,))
    assert x.dtype == mg.float32
    assert float(x.min()) >= np.finfo(np.float32).tiny  # clamped, as PyTorch's
    x.sum().backward()
    assert c.grad is not None and np.all(np.isfinite(c.grad.numpy()))
    assert D.Beta(0.5, 0.5).rsample((10,)).dtype == mg.float32
