"""Multinomial, MixtureSameFamily, NegativeBinomial, LowRankMultivariateNormal,
ContinuousBernoulli, FisherSnedecor, VonMises and Wishart against torch.distributions.

Values (log_prob, mean, mode, variance, stddev, entropy, cdf, icdf, the KL pairs) equal
PyTorch's in float64 for batched, broadcast and 0-d parameters; gradients of log_prob, of
the KL and of rsample (fed fixed noise) match PyTorch's and finite differences to second
order; samples are tested for shape, dtype, support, seeding and moments; validation errors
are PyTorch's and come before any state changes.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from distribution_oracle import _same_error, _t, _tt

import minigrad as mg
from minigrad import distributions as D

torch = pytest.importorskip("torch")
TD = torch.distributions


def _close(ours: Any, theirs: Any, rtol: float = 1e-10, atol: float = 1e-12) -> None:
    theirs = theirs.detach().numpy()
    assert tuple(ours.shape) == theirs.shape, (ours.shape, theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs, rtol=rtol, atol=atol)


_R = np.random.default_rng(0)


def _simplex(*shape: int) -> np.ndarray:
    return np.random.default_rng(sum(shape)).dirichlet(np.ones(shape[-1]), size=shape[:-1])


# ---------------------------------------------------------------------------------------------
# The cases: name -> (build(module, tensor, *params), parameter arrays, a value of the support
# for log_prob/cdf, probabilities for icdf or None, the properties torch defines)


class Case:
    def __init__(
        self,
        build: Callable[..., Any],
        params: tuple[Any, ...],
        value: np.ndarray,
        props: tuple[str, ...] = ("mean", "variance", "stddev"),
        methods: tuple[str, ...] = ("entropy",),
    ) -> None:
        self.build, self.params, self.value = build, params, value
        self.props, self.methods = props, methods

    def pair(self, grad: bool = False) -> tuple[Any, Any, list[Any], list[Any]]:
        ours = [_t(p, grad) for p in self.params]
        theirs = [_tt(p, grad) for p in self.params]
        return self.build(D, *ours), self.build(TD, *theirs), ours, theirs


def _counts(n: int, shape: tuple[int, ...], k: int) -> np.ndarray:
    rng = np.random.default_rng(n)
    return rng.multinomial(n, np.ones(k) / k, size=shape).astype(np.float64)


CASES: dict[str, list[Case]] = {
    "Multinomial": [
        Case(
            lambda M, p: M.Multinomial(5, p),
            (_simplex(2, 3, 4),),
            _counts(5, (2, 3), 4),
            methods=(),  # entropy: test_multinomial_entropy_is_the_exact_sum
        ),
        # the value broadcast against the batch; a count vector of another total
        Case(
            lambda M, p: M.Multinomial(3, p), (_simplex(3, 4),), _counts(2, (2, 1), 4), methods=()
        ),
        Case(
            lambda M, p: M.Multinomial(4, logits=p),
            (_R.normal(size=3),),
            _counts(4, (), 3),
            methods=(),
        ),
    ],
    "NegativeBinomial": [
        Case(
            lambda M, n, p: M.NegativeBinomial(n, p),
            ([2.0, 3.5, 0.7], [[0.2, 0.5, 0.9], [0.05, 0.3, 0.6]]),
            np.array([[0.0, 3.0, 5.0], [1.0, 0.0, 12.0]]),
            ("mean", "mode", "variance", "stddev"),
            (),
        ),
        Case(
            lambda M, n, p: M.NegativeBinomial(n, logits=p),
            ([[1.0], [4.0]], [-1.0, 0.3, 2.0]),
            np.array([[2.0, 0.0, 7.0], [1.0, 3.0, 0.0]]),
            ("mean", "mode", "variance", "stddev"),
            (),
        ),
    ],
    "MixtureSameFamily": [
        Case(
            lambda M, w, loc, scale: M.MixtureSameFamily(M.Categorical(w), M.Normal(loc, scale)),
            (_R.uniform(0.1, 1, (2, 3)), _R.normal(size=(2, 3)), _R.uniform(0.5, 2, (2, 3))),
            _R.normal(size=(4, 2)),
            methods=("cdf",),
        ),
        # a mixture of batch shape () over a batch of components; an event dim (Independent)
        Case(
            lambda M, w, loc, scale: M.MixtureSameFamily(
                M.Categorical(logits=w), M.Independent(M.Normal(loc, scale), 1)
            ),
            (_R.normal(size=3), _R.normal(size=(2, 3, 2)), _R.uniform(0.5, 2, (2, 3, 2))),
            _R.normal(size=(5, 2, 2)),
            methods=(),
        ),
    ],
    "LowRankMultivariateNormal": [
        Case(
            lambda M, loc, w, d: M.LowRankMultivariateNormal(loc, w, d),
            (_R.normal(size=(2, 3)), _R.normal(size=(3, 2)), _R.uniform(0.3, 1.5, 3)),
            _R.normal(size=(4, 2, 3)),
            ("mean", "mode", "variance", "stddev", "covariance_matrix", "precision_matrix"),
        ),
        Case(
            lambda M, loc, w, d: M.LowRankMultivariateNormal(loc, w, d),
            (_R.normal(size=4), _R.normal(size=(2, 4, 1)), _R.uniform(0.3, 1.5, (3, 1, 4))),
            _R.normal(size=(3, 2, 4)),
            ("variance", "scale_tril", "covariance_matrix", "precision_matrix"),
        ),
    ],
    "ContinuousBernoulli": [
        # 0.4995 and 0.5 are inside lims, where PyTorch's Taylor expansions hold
        Case(
            lambda M, p: M.ContinuousBernoulli(p),
            ([0.1, 0.4995, 0.5, 0.7, 0.99],),
            _R.uniform(0.01, 0.99, (3, 5)),
            methods=("entropy", "cdf", "icdf"),
        ),
        Case(
            lambda M, p: M.ContinuousBernoulli(logits=p),
            ([[-3.0], [0.001], [2.0]],),
            _R.uniform(0.01, 0.99, (3, 4)),
            methods=("entropy", "cdf", "icdf"),
        ),
        Case(lambda M, p: M.ContinuousBernoulli(p), (0.3,), np.array(0.6), methods=("entropy",)),
    ],
    "FisherSnedecor": [
        Case(
            lambda M, a, b: M.FisherSnedecor(a, b),
            ([1.0, 3.0, 5.0, 10.0], [2.5, 4.5, 6.0, 12.0]),
            _R.uniform(0.05, 4, (3, 4)),
            ("mean", "mode", "variance", "stddev"),
            (),
        ),
        Case(
            lambda M, a, b: M.FisherSnedecor(a, b),
            ([[2.5], [7.0]], [1.5, 5.0, 20.0]),
            _R.uniform(0.05, 4, (2, 3)),
            ("mean", "mode", "variance", "stddev"),
            (),
        ),
    ],
    "VonMises": [
        # concentrations on both sides of 3.75, where the Bessel approximation switches
        Case(
            lambda M, loc, k: M.VonMises(loc, k),
            ([0.0, 1.0, -2.0, 3.0, 0.5], [0.01, 1.0, 3.0, 5.0, 20.0]),
            _R.normal(size=(3, 5)) * 3,
            ("mean", "mode", "variance", "stddev"),
            (),
        ),
        Case(
            lambda M, loc, k: M.VonMises(loc, k),
            ([[0.3], [-1.0]], [0.5, 4.0]),
            _R.normal(size=(2, 2)),
            ("mean", "variance"),
            (),
        ),
    ],
}
NAMES = list(CASES)
ALL = [(name, i) for name in NAMES for i in range(len(CASES[name]))]


def test_the_names_are_reached_as_torch_distributions() -> None:
    for name in NAMES:
        cls = getattr(mg.distributions, name)
        assert name in D.__all__ and issubclass(cls, D.Distribution)
        m, t, _, _ = CASES[name][0].pair()
        assert m.has_rsample is t.has_rsample, name
        assert list(m.arg_constraints) == list(t.arg_constraints), name
        assert m.batch_shape == tuple(t.batch_shape) and m.event_shape == tuple(t.event_shape)


@pytest.mark.parametrize(("name", "i"), ALL)
def test_values_match_torch(name: str, i: int) -> None:
    case = CASES[name][i]
    m, t, _, _ = case.pair()
    assert m.batch_shape == tuple(t.batch_shape) and m.event_shape == tuple(t.event_shape)
    assert repr(m) == repr(t).replace("torch.", "minigrad."), name
    _close(m.log_prob(_t(case.value)), t.log_prob(_tt(case.value)))
    for prop in case.props:
        ours, theirs = getattr(m, prop), getattr(t, prop)
        assert tuple(ours.shape) == tuple(theirs.shape), prop
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, err_msg=prop)
    for method in case.methods:
        args = () if method == "entropy" else (case.value,)
        if method == "icdf":
            args = (np.clip(case.value, 0, 1),)
        _close(getattr(m, method)(*map(_t, args)), getattr(t, method)(*map(_tt, args)))


def test_multinomial_entropy_is_the_exact_sum() -> None:
    """PyTorch's Multinomial entropy computes lgamma(n + 1) in float32 (n is an int tensor);
    minigrad's is float64 throughout: against the sum over every count vector to 1e-12, and
    PyTorch's to its float32 rounding."""
    probs = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    m = D.Multinomial(4, _t(probs))
    grid = np.array([(a, b, 4 - a - b) for a in range(5) for b in range(5 - a)], float)
    log_p = m.log_prob(_t(grid[:, None, :])).numpy()
    exact = -(np.exp(log_p) * log_p).sum(0)
    np.testing.assert_allclose(m.entropy().numpy(), exact, rtol=1e-12)
    theirs = TD.Multinomial(4, _tt(probs)).entropy().numpy()
    np.testing.assert_allclose(m.entropy().numpy(), theirs, rtol=1e-6)
    assert m.entropy().numpy().sum() != pytest.approx(float(theirs.sum()), rel=1e-12, abs=0)


@pytest.mark.parametrize(("name", "i"), ALL)
def test_log_prob_gradients_match_torch_and_finite_differences(name: str, i: int) -> None:
    case = CASES[name][i]
    m, t, ours, theirs = case.pair(grad=True)
    lp_ours, lp_theirs = m.log_prob(_t(case.value)), t.log_prob(_tt(case.value))
    weights = np.random.default_rng(5).standard_normal(tuple(lp_ours.shape))
    (lp_ours * _t(weights)).sum().backward()
    (lp_theirs * _tt(weights)).sum().backward()
    for a, b in zip(ours, theirs):
        _close(a.grad, b.grad, rtol=1e-8, atol=1e-10)

    def log_prob(*params: mg.Tensor) -> mg.Tensor:
        return case.build(D, *params).log_prob(_t(case.value))

    inputs = tuple(_t(p, True) for p in case.params)
    assert mg.gradcheck(log_prob, inputs)
    assert mg.gradgradcheck(log_prob, inputs)


def test_the_value_gradient_of_continuous_densities() -> None:
    """d log_prob / d value (and of cdf) against PyTorch's, to second order."""
    for name in ("ContinuousBernoulli", "FisherSnedecor", "VonMises", "LowRankMultivariateNormal"):
        case = CASES[name][0]
        m, t, _, _ = case.pair()
        x, y = _t(case.value, True), _tt(case.value, True)
        m.log_prob(x).sum().backward()
        t.log_prob(y).sum().backward()
        _close(x.grad, y.grad, rtol=1e-8)
        assert mg.gradcheck(m.log_prob, (_t(case.value, True),))
        assert mg.gradgradcheck(m.log_prob, (_t(case.value, True),))
    m = CASES["ContinuousBernoulli"][0].pair()[0]
    assert mg.gradgradcheck(m.cdf, (_t(CASES["ContinuousBernoulli"][0].value, True),))


@pytest.mark.parametrize(
    "name", ["NegativeBinomial", "ContinuousBernoulli", "LowRankMultivariateNormal"]
)
def test_entropy_and_moment_gradients_match_torch(name: str) -> None:
    case = CASES[name][0]
    m, t, ours, theirs = case.pair(grad=True)
    parts = [getattr(m, p) for p in case.props if p in ("mean", "variance")]
    parts_t = [getattr(t, p) for p in case.props if p in ("mean", "variance")]
    if "entropy" in case.methods:
        parts.append(m.entropy())
        parts_t.append(t.entropy())
    sum(p.sum() for p in parts).backward()
    sum(p.sum() for p in parts_t).backward()
    for a, b in zip(ours, theirs):
        _close(a.grad, b.grad, rtol=1e-8, atol=1e-10)


def _seeded_rsample(build: Callable[..., Any], n: int = 3) -> Callable[..., mg.Tensor]:
    def rsample(*params: mg.Tensor) -> mg.Tensor:
        mg.manual_seed(7)  # the same noise at every call: a smooth function of the params
        return build(D, *params).rsample((n,))

    return rsample


@pytest.mark.parametrize(
    ("name", "i"),
    [
        ("LowRankMultivariateNormal", 0),
        ("LowRankMultivariateNormal", 1),
        ("ContinuousBernoulli", 0),
        ("ContinuousBernoulli", 1),
    ],
)
def test_rsample_with_fixed_noise_is_differentiable_to_second_order(name: str, i: int) -> None:
    case = CASES[name][i]
    fn = _seeded_rsample(case.build)
    inputs = tuple(_t(p, True) for p in case.params)
    assert fn(*inputs).requires_grad
    assert mg.gradcheck(fn, inputs)
    assert mg.gradgradcheck(fn, inputs)


def test_rsample_is_torchs_formula_for_the_same_noise() -> None:
    loc, w, d = CASES["LowRankMultivariateNormal"][0].params
    m = D.LowRankMultivariateNormal(_t(loc), _t(w), _t(d))
    mg.manual_seed(3)
    x = m.rsample((5,)).numpy()
    mg.manual_seed(3)
    eps_w = mg.randn((5, 2, 2), dtype=mg.float64).numpy()
    eps_d = mg.randn((5, 2, 3), dtype=mg.float64).numpy()
    np.testing.assert_allclose(x, loc + eps_w @ w.T + np.sqrt(d) * eps_d, rtol=1e-12)
    probs = np.array([0.1, 0.4995, 0.7, 0.99])
    mg.manual_seed(4)
    y = D.ContinuousBernoulli(_t(probs)).rsample((6,))
    mg.manual_seed(4)
    u = mg.rand((6, 4), dtype=mg.float64).numpy()
    _close(y, TD.ContinuousBernoulli(_tt(probs)).icdf(_tt(u)), rtol=1e-12)


def test_fisher_snedecor_rsample_reaches_both_degrees_of_freedom() -> None:
    """The gamma samples' implicit reparameterisation (first order, as PyTorch's): the
    gradient of the mean of many samples is near that of the true mean df2 / (df2 - 2)."""
    df1, df2 = _t([4.0], True), _t([12.0], True)
    mg.manual_seed(0)
    x = D.FisherSnedecor(df1, df2).rsample((200000,))
    assert x.dtype == mg.float64 and bool((x > 0).all())
    x.mean().backward()
    assert df1.grad is not None and abs(float(df1.grad[0])) < 0.01  # the mean ignores df1
    # d/d df2 of df2 / (df2 - 2) = -2 / (df2 - 2)^2 = -0.02
    assert float(df2.grad[0]) == pytest.approx(-0.02, abs=0.006)


# ---------------------------------------------------------------------------------------------
# Samples


def _moments(name: str) -> tuple[Any, np.ndarray, np.ndarray, int]:
    """A distribution, its true mean and variance, and how many samples to draw."""
    if name == "Multinomial":
        p = np.array([0.2, 0.3, 0.5])
        return D.Multinomial(10, _t(p)), 10 * p, 10 * p * (1 - p), 20000
    if name == "NegativeBinomial":
        p, n = np.array([0.3, 0.6]), np.array([3.0, 1.5])
        return D.NegativeBinomial(_t(n), _t(p)), n * p / (1 - p), n * p / (1 - p) ** 2, 40000
    if name == "MixtureSameFamily":
        w, loc, scale = np.array([0.3, 0.7]), np.array([-2.0, 1.0]), np.array([0.5, 1.0])
        mean = (w * loc).sum()
        var = (w * (scale**2 + loc**2)).sum() - mean**2
        m = D.MixtureSameFamily(D.Categorical(_t(w)), D.Normal(_t(loc), _t(scale)))
        return m, np.array(mean), np.array(var), 40000
    if name == "LowRankMultivariateNormal":
        loc, w, d = np.array([1.0, -1.0, 0.0]), np.array([[1.0], [0.5], [-1.0]]), np.ones(3)
        return D.LowRankMultivariateNormal(_t(loc), _t(w), _t(d)), loc, (w**2).sum(-1) + d, 40000
    if name == "ContinuousBernoulli":
        p = np.array([0.1, 0.5, 0.8])
        t = TD.ContinuousBernoulli(_tt(p))
        return D.ContinuousBernoulli(_t(p)), t.mean.numpy(), t.variance.numpy(), 40000
    if name == "FisherSnedecor":
        df1, df2 = np.array([5.0, 8.0]), np.array([10.0, 20.0])
        mean = df2 / (df2 - 2)
        var = 2 * df2**2 * (df1 + df2 - 2) / (df1 * (df2 - 2) ** 2 * (df2 - 4))
        return D.FisherSnedecor(_t(df1), _t(df2)), mean, var, 100000
    assert name == "VonMises"
    loc, k = np.array([0.5, -1.0, 0.0]), np.array([0.5, 2.0, 8.0])
    return D.VonMises(_t(loc), _t(k)), loc, np.zeros(3), 40000


@pytest.mark.parametrize("name", NAMES)
def test_samples_have_the_right_shape_support_moments_and_seed(name: str) -> None:
    m, mean, var, n = _moments(name)
    mg.manual_seed(0)
    x = m.sample((n,))
    assert tuple(x.shape) == (n, *m.batch_shape, *m.event_shape)
    assert x.dtype == mg.float64 and not x.requires_grad
    if name != "MixtureSameFamily" and name != "VonMises":
        assert bool(m.support.check(x).all())
    data = x.numpy()
    if name == "VonMises":
        # angles in [-pi, pi); the circular mean and the mean resultant length I1(k) / I0(k)
        assert data.min() >= -np.pi and data.max() < np.pi
        resultant = np.exp(1j * data).mean(0)
        np.testing.assert_allclose(np.angle(resultant), mean, atol=0.05)
        expected = 1 - D.VonMises(_t(mean), m.concentration).variance.numpy()
        np.testing.assert_allclose(np.abs(resultant), expected, atol=0.01)
    else:
        # 5 standard errors of the mean, and of the variance (with a generous fourth moment)
        se = np.sqrt(var / n)
        np.testing.assert_array_less(np.abs(data.mean(0) - mean), 5 * se + 1e-12)
        np.testing.assert_allclose(data.var(0), var, rtol=0.05)
    if name == "Multinomial":
        assert (data.sum(-1) == 10).all() and (data == np.round(data)).all()
    mg.manual_seed(0)
    np.testing.assert_array_equal(m.sample((n,)).numpy(), data)
    assert not np.array_equal(m.sample((n,)).numpy(), data)


def test_a_mixture_over_a_batch_of_components_picks_each_with_its_weight() -> None:
    """A Categorical of batch shape () over components of batch shape (2, 2): every batch
    element picks its own component (PyTorch's gather refuses this shape; minigrad samples)."""
    loc = np.array([[-2.0, 1.0], [5.0, 10.0]])
    mix = D.Categorical(_t([0.3, 0.7]))
    m = D.MixtureSameFamily(mix, D.Normal(_t(loc), _t(np.full((2, 2), 1e-3))))
    mg.manual_seed(1)
    x = m.sample((20000,)).numpy()
    assert x.shape == (20000, 2)
    picked_second = np.abs(x - loc[:, 1]) < 0.01
    assert (picked_second | (np.abs(x - loc[:, 0]) < 0.01)).all()
    # 0.7 +- 5 standard errors (0.016); the two batch elements pick independently
    np.testing.assert_allclose(picked_second.mean(0), 0.7, atol=0.016)
    assert 0.4 < (picked_second[:, 0] == picked_second[:, 1]).mean() < 0.64


@pytest.mark.parametrize(("name", "i"), ALL)
def test_float32_samples_and_values_keep_the_dtype(name: str, i: int) -> None:
    case = CASES[name][i]
    m = case.build(D, *[mg.tensor(np.asarray(p, np.float32)) for p in case.params])
    x = m.sample((2,))
    assert x.dtype == mg.float32 and tuple(x.shape) == (2, *m.batch_shape, *m.event_shape)
    assert m.log_prob(mg.tensor(case.value.astype(np.float32))).dtype == mg.float32


@pytest.mark.parametrize("name", NAMES)
def test_expand_matches_torch(name: str) -> None:
    case = CASES[name][0]
    m, t, _, _ = case.pair()
    shape = (2, *m.batch_shape)
    me, te = m.expand(shape), t.expand(shape)
    k = len(m.batch_shape) + len(m.event_shape)
    tail = case.value.reshape(-1, *case.value.shape[case.value.ndim - k :])[0]
    value = np.broadcast_to(tail, (*shape, *m.event_shape))
    assert type(me) is type(m) and me.batch_shape == tuple(te.batch_shape) == shape
    assert me.event_shape == tuple(te.event_shape)
    _close(me.log_prob(_t(value)), te.log_prob(_tt(value)))
    for prop in case.props:
        _close(getattr(me, prop), getattr(te, prop))
    assert tuple(me.sample((3,)).shape) == tuple(te.sample((3,)).shape)
    assert me._validate_args is m._validate_args


# ---------------------------------------------------------------------------------------------
# KL divergences


def _kl_pairs() -> list[tuple[str, Callable[..., Any], Callable[..., Any], tuple[Any, ...]]]:
    p4 = np.array([0.1, 0.4995, 0.7, 0.95])
    q4 = np.array([0.6, 0.2, 0.5, 0.3])
    loc, w, d = _R.normal(size=(2, 3)), _R.normal(size=(3, 2)), _R.uniform(0.5, 1.5, 3)
    loc2, w2, d2 = _R.normal(size=3), _R.normal(size=(2, 3, 1)), _R.uniform(0.5, 1.5, (2, 3))
    a = _R.normal(size=(2, 3, 3))
    cov = a @ np.swapaxes(a, -1, -2) + np.eye(3)

    def cb(M: Any, p: Any) -> Any:
        return M.ContinuousBernoulli(p)

    return [
        ("CB-CB", cb, cb, (p4, q4)),
        (
            "Beta-CB",
            lambda M, a, b: M.Beta(a, b),
            cb,
            ([0.5, 2.0, 3.0, 1.0], [1.5, 0.7, 2.0, 1.0], q4),
        ),
        ("CB-Exponential", cb, lambda M, r: M.Exponential(r), (p4, [0.5, 1.0, 2.0, 3.0])),
        (
            "CB-Normal",
            cb,
            lambda M, loc, s: M.Normal(loc, s),
            (p4, [0.0, 0.5, -1.0, 2.0], [1.0, 0.3, 2.0, 0.7]),
        ),
        (
            "CB-Uniform",
            cb,
            lambda M, lo, hi: M.Uniform(lo, hi),
            (p4, [-0.5, 0.1, -1.0, -0.1], [1.5, 2.0, 0.9, 1.1]),
        ),
        (
            "Uniform-CB",
            lambda M, lo, hi: M.Uniform(lo, hi),
            cb,
            ([0.1, 0.0, 0.3, 0.2], [0.5, 0.5, 1.0, 0.9], q4),
        ),
        ("Exponential-CB", lambda M, r: M.Exponential(r), cb, ([1.0, 2.0, 0.5, 3.0], q4)),
        (
            "Gamma-CB",
            lambda M, c, r: M.Gamma(c, r),
            cb,
            ([1.0, 2.0, 0.5, 3.0], [1.0, 1.0, 2.0, 1.0], q4),
        ),
        (
            "Normal-CB",
            lambda M, loc, s: M.Normal(loc, s),
            cb,
            ([0.0, 1.0, 2.0, 3.0], [1.0, 1.0, 2.0, 1.0], q4),
        ),
        (
            "Laplace-CB",
            lambda M, loc, s: M.Laplace(loc, s),
            cb,
            ([0.0, 1.0, 2.0, 3.0], [1.0, 1.0, 2.0, 1.0], q4),
        ),
        (
            "Gumbel-CB",
            lambda M, loc, s: M.Gumbel(loc, s),
            cb,
            ([0.0, 1.0, 2.0, 3.0], [1.0, 1.0, 2.0, 1.0], q4),
        ),
        (
            "LowRank-LowRank",
            lambda M, *a: M.LowRankMultivariateNormal(*a),
            lambda M, *a: M.LowRankMultivariateNormal(*a),
            (loc, w, d, loc2, w2, d2),
        ),
        (
            "MVN-LowRank",
            lambda M, loc, c: M.MultivariateNormal(loc, c),
            lambda M, *a: M.LowRankMultivariateNormal(*a),
            (loc, cov, loc2, w2, d2),
        ),
        (
            "LowRank-MVN",
            lambda M, *a: M.LowRankMultivariateNormal(*a),
            lambda M, loc, c: M.MultivariateNormal(loc, c),
            (loc2, w2, d2, loc, cov),
        ),
    ]


KL_PAIRS = _kl_pairs()
_NP = {
    "CB": 1,
    "Beta": 2,
    "Exponential": 1,
    "Normal": 2,
    "Uniform": 2,
    "Gamma": 2,
    "Laplace": 2,
    "Gumbel": 2,
    "LowRank": 3,
    "MVN": 2,
}


def _p_count(label: str) -> int:
    """How many of a pair's parameters are p's."""
    return _NP[label.split("-")[0]]


@pytest.mark.parametrize(
    ("label", "build_p", "build_q", "params"), KL_PAIRS, ids=[p[0] for p in KL_PAIRS]
)
def test_kl_matches_torch_and_finite_differences(
    label: str, build_p: Any, build_q: Any, params: tuple[Any, ...]
) -> None:
    k = _p_count(label)
    ours = [_t(p, True) for p in params]
    theirs = [_tt(p, True) for p in params]
    kl = D.kl_divergence(build_p(D, *ours[:k]), build_q(D, *ours[k:]))
    kl_t = TD.kl_divergence(build_p(TD, *theirs[:k]), build_q(TD, *theirs[k:]))
    _close(kl, kl_t, rtol=1e-9)
    finite = np.isfinite(kl_t.detach().numpy())
    if not finite.any():
        return
    (kl * _t(finite)).sum().backward()
    (kl_t * _tt(finite)).sum().backward()
    for a, b in zip(ours, theirs):
        if b.grad is None:
            assert a.grad is None or not a.grad.numpy().any()
        else:
            _close(a.grad, b.grad, rtol=1e-7, atol=1e-10)
    if not finite.all():
        return
    if label.startswith("MVN") or label.endswith("MVN"):
        return  # the covariance is checked in test_low_rank_kl_with_mvn_to_second_order

    def kl_fn(*args: mg.Tensor) -> mg.Tensor:
        return D.kl_divergence(build_p(D, *args[:k]), build_q(D, *args[k:]))

    inputs = tuple(_t(p, True) for p in params)
    assert mg.gradcheck(kl_fn, inputs)
    assert mg.gradgradcheck(kl_fn, inputs)


def test_low_rank_kl_with_mvn_to_second_order() -> None:
    """Through the scale_tril of the MVN (a covariance perturbed by finite differences would
    leave the symmetric matrices)."""
    loc, w, d = _R.normal(size=3), _R.normal(size=(3, 2)), _R.uniform(0.5, 1.5, 3)
    a = _R.normal(size=(3, 3))
    tril = np.tril(a, -1) + np.diag(_R.uniform(0.5, 1.5, 3))
    loc_q = _R.normal(size=3)

    def both(lo: mg.Tensor, ww: mg.Tensor, dd: mg.Tensor, tr: mg.Tensor) -> mg.Tensor:
        p = D.LowRankMultivariateNormal(lo, ww, dd)
        q = D.MultivariateNormal(_t(loc_q), scale_tril=tr.tril())
        return D.kl_divergence(p, q) + D.kl_divergence(q, p)

    inputs = (_t(loc, True), _t(w, True), _t(d, True), _t(tril, True))
    assert mg.gradcheck(both, inputs)
    assert mg.gradgradcheck(both, inputs)


def test_kl_errors_are_torchs() -> None:
    for M in (D, TD):
        T = _t if M is D else _tt
        p = M.LowRankMultivariateNormal(T(np.zeros(2)), T(np.ones((2, 1))), T(np.ones(2)))
        q = M.LowRankMultivariateNormal(T(np.zeros(3)), T(np.ones((3, 1))), T(np.ones(3)))
        r = M.MultivariateNormal(T(np.zeros(3)), T(np.eye(3)))
        with pytest.raises(ValueError, match="different"):
            M.kl_divergence(p, q)
        with pytest.raises(ValueError, match="different"):
            M.kl_divergence(p, r)
        with pytest.raises(ValueError, match="different"):
            M.kl_divergence(r, p)
    with pytest.raises(NotImplementedError, match="p type Multinomial and q type Multinomial"):
        m = D.Multinomial(2, _t([0.5, 0.5]))
        D.kl_divergence(m, m)


# ---------------------------------------------------------------------------------------------
# Errors


def _both(call: Callable[[Any, Callable[..., Any]], Any]) -> None:
    _same_error(lambda: call(D, _t), lambda: call(TD, _tt))


def test_validation_errors_are_torchs() -> None:
    _both(lambda M, T: M.Multinomial(3, T([0.5, -0.1, 0.6])))
    _both(lambda M, T: M.Multinomial(3, T([0.2, 0.8])).log_prob(T([1.0, 3.0])))
    _both(lambda M, T: M.Multinomial(3, T([0.2, 0.8])).log_prob(T([1.0, 1.0, 1.0])))
    _both(lambda M, T: M.NegativeBinomial(T([1.0, -1.0]), T([0.5, 0.5])))
    _both(lambda M, T: M.NegativeBinomial(T([1.0, 2.0]), T([0.5, 1.0])))
    _both(lambda M, T: M.NegativeBinomial(T([1.0, 2.0]), T([0.5, 0.2])).log_prob(T([1.5, 1.0])))
    _both(lambda M, T: M.NegativeBinomial(2.0))
    _both(lambda M, T: M.FisherSnedecor(T([1.0, 0.0]), T([1.0, 2.0])))
    _both(lambda M, T: M.FisherSnedecor(T([1.0]), T([2.0])).log_prob(T([-1.0])))
    _both(lambda M, T: M.VonMises(T([0.0]), T([-1.0])))
    _both(lambda M, T: M.VonMises(T([0.0]), T([1.0])).log_prob(T([float("nan")])))
    _both(lambda M, T: M.ContinuousBernoulli(T([0.5, 1.5]), validate_args=True))
    _both(lambda M, T: M.ContinuousBernoulli(T([0.5, 1.5]), validate_args=False))
    _both(lambda M, T: M.ContinuousBernoulli(T([0.5])).log_prob(T([1.5])))
    _both(lambda M, T: M.ContinuousBernoulli(probs=T([0.5]), logits=T([0.0])))
    _both(lambda M, T: M.LowRankMultivariateNormal(T(0.0), T(np.ones((1, 1))), T([1.0])))
    _both(lambda M, T: M.LowRankMultivariateNormal(T([0.0]), T([1.0]), T([1.0])))
    _both(lambda M, T: M.LowRankMultivariateNormal(T([0.0, 0]), T(np.ones((3, 1))), T([1.0])))
    _both(lambda M, T: M.LowRankMultivariateNormal(T([0.0, 0]), T(np.ones((2, 1))), T([1.0])))
    _both(lambda M, T: M.LowRankMultivariateNormal(T([0.0, 0]), T(np.ones((2, 1))), T([1.0, -1])))
    _both(
        lambda M, T: M.LowRankMultivariateNormal(
            T(np.zeros((3, 2))), T(np.ones((4, 2, 1))), T([1.0, 1])
        )
    )
    _both(
        lambda M, T: M.MixtureSameFamily(M.Normal(T([0.0]), T([1.0])), M.Normal(T([0.0]), T([1.0])))
    )
    _both(lambda M, T: M.MixtureSameFamily(M.Categorical(T([0.5, 0.5])), T([1.0])))
    _both(
        lambda M, T: M.MixtureSameFamily(
            M.Categorical(T(np.ones((3, 2)))), M.Normal(T(np.zeros((4, 2))), T(np.ones((4, 2))))
        )
    )
    _both(
        lambda M, T: M.MixtureSameFamily(
            M.Categorical(T(np.ones(3))), M.Normal(T(np.zeros(2)), T(np.ones(2)))
        )
    )
    _both(
        lambda M, T: M.MixtureSameFamily(
            M.Categorical(T(np.ones(2))), M.Exponential(T(np.ones(2)))
        ).log_prob(T([-1.0]))
    )
    with pytest.raises(NotImplementedError, match="inhomogeneous total_count is not supported"):
        D.Multinomial(_t(3.0), _t([0.5, 0.5]))  # type: ignore[arg-type]


def test_bad_arguments_raise_before_any_state_changes() -> None:
    """A refused construction or value draws nothing from the generator."""
    mg.manual_seed(11)
    state = mg.get_rng_state()
    for call in (
        lambda: D.FisherSnedecor(_t([-1.0]), _t([1.0])),
        lambda: D.LowRankMultivariateNormal(_t([0.0, 0]), _t(np.ones((2, 1))), _t([1.0, -1])),
        lambda: D.ContinuousBernoulli(_t([2.0]), validate_args=True),
        lambda: D.NegativeBinomial(_t([1.0]), _t([1.0])),
        lambda: D.Multinomial(2, _t([0.5, 0.5])).log_prob(_t([3.0, 0.0])),
    ):
        with pytest.raises(ValueError):
            call()
    np.testing.assert_array_equal(mg.get_rng_state().numpy(), state.numpy())


def test_without_validation_values_outside_the_support_are_torchs() -> None:
    m = D.ContinuousBernoulli(_t([0.3]))
    assert m.probs.numpy()[0] == 0.3
    clamped = D.ContinuousBernoulli(_t([1.5]))  # clamped, as PyTorch's without validate_args
    theirs = TD.ContinuousBernoulli(_tt([1.5]))
    _close(clamped.probs, theirs.probs)
    nb = D.NegativeBinomial(_t([2.0]), _t([0.4]), validate_args=False)
    nb_t = TD.NegativeBinomial(_tt([2.0]), _tt([0.4]), validate_args=False)
    _close(nb.log_prob(_t([1.5])), nb_t.log_prob(_tt([1.5])))
    f = D.FisherSnedecor(_t([3.0]), _t([4.0]), validate_args=False)
    f_t = TD.FisherSnedecor(_tt([3.0]), _tt([4.0]), validate_args=False)
    _close(f.log_prob(_t([-1.0])), f_t.log_prob(_tt([-1.0])))


def test_numbers_give_the_default_dtype_and_an_empty_batch_shape() -> None:
    for m, t in (
        (D.ContinuousBernoulli(0.3), TD.ContinuousBernoulli(0.3)),
        (D.FisherSnedecor(3.0, 4.0), TD.FisherSnedecor(3.0, 4.0)),
        (D.VonMises(0.0, 2.0), TD.VonMises(0.0, 2.0)),
        (D.NegativeBinomial(3.0, 0.4), TD.NegativeBinomial(3.0, 0.4)),
    ):
        assert m.batch_shape == tuple(t.batch_shape), type(m)
        assert m.sample().dtype == mg.float32 and tuple(m.sample().shape) == tuple(t.sample().shape)


def test_the_support_and_constraints_are_torchs() -> None:
    for name in NAMES:
        m, t, _, _ = CASES[name][0].pair()
        assert repr(m.support) == repr(t.support), name
        for key, constraint in m.arg_constraints.items():
            assert repr(constraint) == repr(t.arg_constraints[key]), (name, key)


def test_a_batch_of_n_precision_matrices_of_size_n_is_torchs() -> None:
    """Three 3 x 3 precision matrices: the identity solved against them is a batch of
    matrices, not three vectors (linalg.solve's rule for a right side of shape A.shape[:-1])."""
    precision = _spd(3, seed=1)
    m = D.MultivariateNormal(_t(np.zeros(3)), precision_matrix=_t(precision))
    t = TD.MultivariateNormal(_tt(np.zeros(3)), precision_matrix=_tt(precision))
    _close(m.scale_tril, t.scale_tril)
    covariance = _spd(3, seed=2)
    m = D.MultivariateNormal(_t(np.zeros(3)), covariance_matrix=_t(covariance))
    t = TD.MultivariateNormal(_tt(np.zeros(3)), covariance_matrix=_tt(covariance))
    _close(m.precision_matrix, t.precision_matrix, rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# Wishart


def _spd(*batch: int, n: int = 3, seed: int = 0) -> np.ndarray:
    a = np.random.default_rng(seed).normal(size=(*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + np.eye(n)


_WISHART = [
    ([3.5, 6.0], "covariance_matrix", _spd(2)),
    ([[2.5], [4.0]], "precision_matrix", _spd(3, seed=1)),  # df (2, 1) with matrices (3,): (2, 3)
    (5.0, "scale_tril", np.linalg.cholesky(_spd(seed=2))),
]


def _wishart_pair(i: int) -> tuple[Any, Any]:
    df, kind, matrix = _WISHART[i]
    low = np.min(df) < matrix.shape[-1]  # both warn of singular samples
    with pytest.warns(UserWarning, match="Low df") if low else warnings.catch_warnings():
        ours = D.Wishart(df if isinstance(df, float) else _t(df), **{kind: _t(matrix)})
    with pytest.warns(UserWarning, match="Low df") if low else warnings.catch_warnings():
        theirs = TD.Wishart(df if isinstance(df, float) else _tt(df), **{kind: _tt(matrix)})
    return ours, theirs


def _wishart_values(m: Any, n: int = 4) -> np.ndarray:
    """Positive-definite matrices of the batch shape (a seeded NumPy Wishart-like draw)."""
    shape = (n, *m.batch_shape)
    return _spd(*shape, n=m.event_shape[-1], seed=9) / 3


@pytest.mark.parametrize("i", range(len(_WISHART)))
def test_wishart_values_match_torch(i: int) -> None:
    m, t = _wishart_pair(i)
    assert m.batch_shape == tuple(t.batch_shape) and m.event_shape == tuple(t.event_shape)
    assert repr(m) == repr(t).replace("torch.", "minigrad.")
    x = _wishart_values(m)
    _close(m.log_prob(_t(x)), t.log_prob(_tt(x)))
    _close(m.entropy(), t.entropy())
    for prop in ("mean", "mode", "variance", "covariance_matrix", "precision_matrix"):
        _close(getattr(m, prop), getattr(t, prop))
    _close(m.scale_tril, t.scale_tril)
    assert repr(m.arg_constraints["df"]) == repr(t.arg_constraints["df"])
    me, te = m.expand((2, *m.batch_shape)), t.expand((2, *t.batch_shape))
    assert me.batch_shape == tuple(te.batch_shape)
    _close(me.log_prob(_t(x[:1])), te.log_prob(_tt(x[:1])))


def test_wishart_log_prob_gradients_match_torch_and_finite_differences() -> None:
    df, tril, x = np.array([3.5, 6.0]), np.linalg.cholesky(_spd(2)), _spd(2, seed=4) / 3
    ours = [_t(df, True), _t(tril, True), _t(x, True)]
    theirs = [_tt(df, True), _tt(tril, True), _tt(x, True)]
    (D.Wishart(ours[0], scale_tril=ours[1]).log_prob(ours[2]) * _t([1.0, -2.0])).sum().backward()
    t = TD.Wishart(theirs[0], scale_tril=theirs[1])
    (t.log_prob(theirs[2]) * _tt([1.0, -2.0])).sum().backward()
    for a, b in zip(ours, theirs):
        _close(a.grad, b.grad, rtol=1e-8, atol=1e-10)

    def log_prob_and_entropy(nu: mg.Tensor, lower: mg.Tensor, value: mg.Tensor) -> mg.Tensor:
        m = D.Wishart(nu, scale_tril=lower.tril(), validate_args=False)
        return m.log_prob((value + value.mT) / 2) + m.entropy()

    inputs = (_t(df, True), _t(tril, True), _t(x, True))
    assert mg.gradcheck(log_prob_and_entropy, inputs)
    assert mg.gradgradcheck(log_prob_and_entropy, inputs)


def test_wishart_rsample_with_fixed_noise_is_differentiable_in_the_scale() -> None:
    lower = np.linalg.cholesky(_spd(seed=5))

    def rsample(tril: mg.Tensor) -> mg.Tensor:
        mg.manual_seed(3)
        return D.Wishart(4.5, scale_tril=tril.tril()).rsample((2,))

    assert mg.gradcheck(rsample, (_t(lower, True),))
    assert mg.gradgradcheck(rsample, (_t(lower, True),))
    df = _t([4.5], True)
    mg.manual_seed(0)
    D.Wishart(df, scale_tril=_t(lower)).rsample((3,)).sum().backward()
    assert df.grad is not None and np.isfinite(df.grad.numpy()).all()


def test_wishart_samples_have_the_right_shape_support_moments_and_seed() -> None:
    m = D.Wishart(_t([3.5, 6.0]), covariance_matrix=_t(_spd(2)))
    mg.manual_seed(0)
    x = m.sample((40000,))
    assert tuple(x.shape) == (40000, 2, 3, 3) and x.dtype == mg.float64
    assert not x.requires_grad and bool(m.support.check(x).all())
    data = x.numpy()
    # the mean within 5 standard errors (sqrt(variance / n)) of each entry
    se = np.sqrt(m.variance.numpy() / 40000)
    np.testing.assert_array_less(np.abs(data.mean(0) - m.mean.numpy()), 5 * se)
    np.testing.assert_allclose(data.var(0), m.variance.numpy(), rtol=0.1)
    mg.manual_seed(0)
    np.testing.assert_array_equal(m.sample((40000,)).numpy(), data)
    small = D.Wishart(3.0, covariance_matrix=_t(np.eye(3)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a regular sample does not warn (PyTorch's always does)
        assert small.sample((5,)).dtype == mg.float64
    assert D.Wishart(2.0, covariance_matrix=mg.eye(2)).sample().dtype == mg.float32


def test_wishart_errors_and_warnings_are_torchs() -> None:
    _both(lambda M, T: M.Wishart(3.0))
    _both(lambda M, T: M.Wishart(3.0, covariance_matrix=T(np.eye(2)), scale_tril=T(np.eye(2))))
    _both(lambda M, T: M.Wishart(3.0, covariance_matrix=T([1.0, 2.0])))
    _both(lambda M, T: M.Wishart(1.5, covariance_matrix=T(np.eye(3))))
    _both(lambda M, T: M.Wishart(4.0, covariance_matrix=T([[1.0, 2.0], [2.0, 1.0]])))
    _both(lambda M, T: M.Wishart(4.0, scale_tril=T([[1.0, 1.0], [0.0, 1.0]])))
    _both(lambda M, T: M.Wishart(4.0, covariance_matrix=T(np.eye(2))).log_prob(-T(np.eye(2))))
    for M, T in ((D, _t), (TD, _tt)):
        with pytest.warns(UserWarning, match=r"Low df values detected"):
            M.Wishart(2.5, covariance_matrix=T(np.eye(3)))
    mg.manual_seed(2)
    state = mg.get_rng_state().numpy()
    with pytest.raises(ValueError, match=r"Value of df=1.5 expected to be greater than"):
        D.Wishart(1.5, covariance_matrix=_t(np.eye(3)))
    np.testing.assert_array_equal(mg.get_rng_state().numpy(), state)
