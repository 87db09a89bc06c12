"""minigrad.distributions beyond Normal, Categorical and Bernoulli, against torch.distributions.

Uniform, Exponential, Laplace, Cauchy, Gumbel, HalfNormal and LogNormal: values of log_prob,
entropy, cdf, icdf, mean, mode, variance and stddev for broadcast and 0-d parameters in
float64; gradients of log_prob and of rsample against PyTorch (rsample fed the same noise as
PyTorch's icdf) and by finite differences to second order; samples tested statistically;
shapes, expand, support, repr and PyTorch's validation errors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from distribution_oracle import _close, _same_error, _t, _tt

import minigrad as mg
from minigrad import distributions as D
from minigrad.distributions import continuous, multivariate, normal

torch = pytest.importorskip("torch")
TD = torch.distributions


# name -> (parameters of each shape case, values in the support, probabilities for icdf)
_RNG = np.random.default_rng(0)
_LOC_SCALE = [
    ([0.3, -1.2, 2.0], [0.5, 1.5, 2.5]),  # (3,) and (3,)
    ([[0.3], [-1.0]], [0.5, 1.5, 2.5]),  # (2, 1) with (3,): batch (2, 3)
    (0.4, 1.3),  # 0-d
]
PARAMS: dict[str, list[tuple[Any, ...]]] = {
    "Uniform": [
        ([-1.0, 0.5, 2.0], [2.0, 3.0, 2.5]),
        ([[-1.0], [0.0]], [1.0, 2.0, 3.0]),
        (0.2, 1.7),
    ],
    "Exponential": [([0.5, 2.0, 1.3],), ([[0.5, 2.0, 1.3], [0.7, 0.9, 3.0]],), (1.7,)],
    "Laplace": _LOC_SCALE,
    "Cauchy": _LOC_SCALE,
    "Gumbel": _LOC_SCALE,
    "HalfNormal": [([0.5, 2.0, 1.3],), ([[0.5, 2.0, 1.3], [0.7, 0.9, 3.0]],), (1.7,)],
    "LogNormal": _LOC_SCALE,
}
NAMES = list(PARAMS)


def _value(name: str, case: tuple[Any, ...]) -> np.ndarray:
    """Values in the support, of the batch shape (drawn once from a seeded generator)."""
    shape = np.broadcast(*[np.asarray(p) for p in case]).shape
    if name == "Uniform":
        low, high = np.broadcast_arrays(*[np.asarray(p, dtype=float) for p in case])
        return low + (high - low) * np.random.default_rng(1).uniform(0.05, 0.95, shape)
    if name in ("Exponential", "HalfNormal", "LogNormal"):
        return np.random.default_rng(2).uniform(0.2, 3.0, shape)
    return np.random.default_rng(3).uniform(-2.0, 3.0, shape)


def _probs(case: tuple[Any, ...]) -> np.ndarray:
    shape = np.broadcast(*[np.asarray(p) for p in case]).shape
    return np.random.default_rng(4).uniform(0.05, 0.95, shape)


def _pair(name: str, case: tuple[Any, ...], grad: bool = False) -> tuple[Any, Any, list, list]:
    ours = [_t(p, grad) for p in case]
    theirs = [_tt(p, grad) for p in case]
    return getattr(D, name)(*ours), getattr(TD, name)(*theirs), ours, theirs


def test_the_new_names_are_reached_as_torch_distributions() -> None:
    for name in NAMES:
        cls = getattr(mg.distributions, name)
        assert cls is getattr(continuous, name) and issubclass(cls, D.Distribution)
        case = PARAMS[name][0]
        assert cls.has_rsample is getattr(TD, name)(*[_tt(p) for p in case]).has_rsample is True
    assert issubclass(D.Exponential, D.ExponentialFamily)  # as PyTorch's
    assert not issubclass(D.Laplace, D.ExponentialFamily)


@pytest.mark.parametrize("name", NAMES)
def test_values_match_torch(name: str) -> None:
    for case in PARAMS[name]:
        m, t, _, _ = _pair(name, case)
        assert m.batch_shape == tuple(t.batch_shape) and m.event_shape == tuple(t.event_shape)
        v = _value(name, case)
        _close(m.log_prob(_t(v)), t.log_prob(_tt(v)))
        _close(m.cdf(_t(v)), t.cdf(_tt(v)))
        _close(m.icdf(_t(_probs(case))), t.icdf(_tt(_probs(case))))
        _close(m.entropy(), t.entropy())
        for attr in ("mean", "mode", "variance", "stddev"):
            ours, theirs = getattr(m, attr), getattr(t, attr)
            assert tuple(ours.shape) == tuple(theirs.shape), attr
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, err_msg=attr)


@pytest.mark.parametrize("name", NAMES)
def test_repr_support_and_arg_constraints_match_torch(name: str) -> None:
    for case in PARAMS[name]:
        m, t, _, _ = _pair(name, case)
        assert repr(m) == repr(t).replace("torch.", "minigrad.")
        assert repr(m.support) == repr(t.support).replace("torch.", "minigrad.")
        assert list(m.arg_constraints) == list(t.arg_constraints)


@pytest.mark.parametrize("name", NAMES)
def test_log_prob_gradients_match_torch_and_finite_differences(name: str) -> None:
    case = PARAMS[name][1]  # the broadcast case: gradients are summed back to each shape
    v = _value(name, case)
    weights = _t(np.random.default_rng(5).standard_normal(v.shape))
    for fn in ("log_prob", "cdf", "entropy"):
        m, t, ours, theirs = _pair(name, case, grad=True)
        args = () if fn == "entropy" else (v,)
        (getattr(m, fn)(*map(_t, args)) * weights).sum().backward()
        (getattr(t, fn)(*map(_tt, args)) * _tt(weights.numpy())).sum().backward()
        for a, b in zip(ours, theirs):
            if b.grad is None:
                assert a.grad is None or not a.grad.numpy().any(), fn
            else:
                _close(a.grad, b.grad, rtol=1e-9)
    if name == "Uniform":  # log_prob is piecewise constant in the bounds: checked by torch
        return

    def log_prob(*params: mg.Tensor) -> mg.Tensor:
        return getattr(D, name)(*params).log_prob(_t(v))

    inputs = tuple(_t(p, True) for p in case)
    assert mg.gradcheck(log_prob, inputs)
    assert mg.gradgradcheck(log_prob, inputs)


def _noise_formula(name: str, u: np.ndarray, z: np.ndarray, theirs: list) -> Any:
    """PyTorch's reparameterised sample for the same noise (through its icdf)."""
    t = getattr(TD, name)(*theirs)
    if name == "Laplace":
        eps = np.finfo(np.float64).eps
        return t.icdf(_tt((u * (2 - eps) + (eps - 1) + 1) / 2))
    if name == "Gumbel":
        return t.icdf(_tt(np.clip(u, np.finfo(np.float64).tiny, 1 - np.finfo(np.float64).eps)))
    if name == "HalfNormal":
        return (_tt(z) * theirs[0]).abs()
    if name == "LogNormal":
        return (theirs[0] + _tt(z) * theirs[1]).exp()
    return t.icdf(_tt(u))


@pytest.mark.parametrize("name", NAMES)
def test_rsample_and_its_gradients_match_torch_for_the_same_noise(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for case in PARAMS[name]:
        shape = (4, *np.broadcast(*[np.asarray(p) for p in case]).shape)
        u = np.random.default_rng(6).uniform(0.01, 0.99, shape)
        z = np.random.default_rng(7).standard_normal(shape)
        monkeypatch.setattr(continuous, "rand", lambda s, dtype=None, u=u: _t(u))
        monkeypatch.setattr(normal, "randn", lambda s, dtype=None, z=z: _t(z))
        m, _, ours, theirs = _pair(name, case, grad=True)
        x = m.rsample((4,))
        y = _noise_formula(name, u, z, theirs)
        _close(x, y, rtol=1e-9)
        weights = np.random.default_rng(8).standard_normal(shape)
        (x * _t(weights)).sum().backward()
        (y * _tt(weights)).sum().backward()
        for a, b in zip(ours, theirs):
            _close(a.grad, b.grad, rtol=1e-9)
        assert not m.sample((4,)).requires_grad

        def rsample(*params: mg.Tensor, name: str = name) -> mg.Tensor:
            return getattr(D, name)(*params).rsample((4,))

        inputs = tuple(_t(p, True) for p in case)
        assert mg.gradcheck(rsample, inputs)
        assert mg.gradgradcheck(rsample, inputs)


@pytest.mark.parametrize("name", NAMES)
def test_samples_follow_the_distribution(name: str) -> None:
    """Kolmogorov-Smirnov distance of 20,000 samples to torch's cdf, below 0.015 (the 1%
    critical value is 0.0115; a wrong scale or location is off by far more)."""
    case = PARAMS[name][2]
    m, t, _, _ = _pair(name, case)
    mg.manual_seed(0)
    x = np.sort(m.sample((20000,)).numpy())
    assert x.shape == (20000,)
    cdf = t.cdf(_tt(x)).numpy()
    n = len(x)
    ks = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n))
    assert ks < 0.015, ks
    mg.manual_seed(0)
    np.testing.assert_array_equal(np.sort(m.sample((20000,)).numpy()), x)


@pytest.mark.parametrize("name", NAMES)
def test_expand_and_sample_shapes_match_torch(name: str) -> None:
    case = PARAMS[name][0]
    m, t, _, _ = _pair(name, case)
    me, te = m.expand((2, 3)), t.expand((2, 3))
    assert type(me) is type(m) and me.batch_shape == tuple(te.batch_shape) == (2, 3)
    v = np.broadcast_to(_value(name, case), (2, 3))
    _close(me.log_prob(_t(v)), te.log_prob(_tt(v)))
    _close(me.entropy(), te.entropy())
    assert tuple(me.sample((5,)).shape) == tuple(te.sample((5,)).shape) == (5, 2, 3)
    assert tuple(m.rsample().shape) == tuple(t.rsample().shape)
    assert me._validate_args is m._validate_args


def test_validation_errors_are_torchs() -> None:
    bad = {
        "Exponential": ([0.5, -1.0],),
        "Laplace": ([0.0, 1.0], [1.0, 0.0]),
        "Cauchy": ([0.0, 1.0], [1.0, -1.0]),
        "Gumbel": (0.0, -2.0),
        "HalfNormal": ([0.0, 1.0],),
        "LogNormal": ([0.0, 1.0], [-1.0, 1.0]),
    }
    for name, case in bad.items():
        _same_error(
            lambda n=name, c=case: getattr(D, n)(*[_t(p) for p in c]),
            lambda n=name, c=case: getattr(TD, n)(*[_tt(p) for p in c]),
        )
        getattr(D, name)(*[_t(p) for p in case], validate_args=False)  # not checked
    outside = {"Uniform": 2.5, "Exponential": -0.1, "HalfNormal": -0.1, "LogNormal": -1.0}
    for name, value in outside.items():
        case = PARAMS[name][0]
        m, t, _, _ = _pair(name, case)
        for fn in ("log_prob", "cdf"):
            _same_error(
                lambda m=m, f=fn, v=value: getattr(m, f)(_t([v] * 3)),
                lambda t=t, f=fn, v=value: getattr(t, f)(_tt([v] * 3)),
            )
    m, t, _, _ = _pair("Laplace", PARAMS["Laplace"][0])
    _same_error(lambda: m.log_prob(_t([1.0, 2.0])), lambda: t.log_prob(_tt([1.0, 2.0])))
    _same_error(lambda: m.log_prob([1.0, 2.0, 3.0]), lambda: t.log_prob([1.0, 2.0, 3.0]))


def test_outside_the_support_without_validation_is_torchs() -> None:
    """-inf densities outside the support (Uniform, HalfNormal) as PyTorch's."""
    for name in ("Uniform", "HalfNormal"):
        case = PARAMS[name][0]
        m = getattr(D, name)(*[_t(p) for p in case], validate_args=False)
        t = getattr(TD, name)(*[_tt(p) for p in case], validate_args=False)
        v = [-3.0, 2.9, 0.7]
        _close(m.log_prob(_t(v)), t.log_prob(_tt(v)))
        _close(m.cdf(_t(v)), t.cdf(_tt(v)))


def test_numbers_give_the_default_dtype_and_an_empty_batch_shape() -> None:
    for name, case in (("Uniform", (0, 1)), ("Exponential", (2.0,)), ("Gumbel", (0.0, 1.0))):
        m, t = getattr(D, name)(*case), getattr(TD, name)(*case)
        assert m.batch_shape == tuple(t.batch_shape) == ()
        assert m.mean.dtype == mg.float32 and t.mean.dtype == torch.float32


# ---------------------------------------------------------------------------------------------
# Independent, OneHotCategorical, MultivariateNormal


def _spd(n: int, seed: int, batch: tuple[int, ...] = ()) -> np.ndarray:
    a = np.random.default_rng(seed).standard_normal((*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _tril(n: int, seed: int, batch: tuple[int, ...] = ()) -> np.ndarray:
    a = np.tril(np.random.default_rng(seed).standard_normal((*batch, n, n)), -1)
    diagonal = np.random.default_rng(seed + 1).uniform(0.5, 2.0, (*batch, 1, n))
    return a + np.eye(n) * diagonal


MVN_CASES = [  # (loc, keyword, matrix)
    ([0.3, -1.0, 2.0], "covariance_matrix", _spd(3, 0)),
    ([[0.3, -1.0, 2.0], [1.0, 0.0, -0.5]], "precision_matrix", _spd(3, 1)),  # batch from loc
    ([0.3, -1.0], "scale_tril", _tril(2, 2, (4,))),  # batch from the matrix
]


def test_multivariate_normal_matches_torch() -> None:
    for loc, key, matrix in MVN_CASES:
        m = D.MultivariateNormal(_t(loc), **{key: _t(matrix)})
        t = TD.MultivariateNormal(_tt(loc), **{key: _tt(matrix)})
        assert m.batch_shape == tuple(t.batch_shape) and m.event_shape == tuple(t.event_shape)
        assert repr(m) == repr(t).replace("torch.", "minigrad.")
        for attr in ("mean", "mode", "variance", "stddev"):
            _close(getattr(m, attr), getattr(t, attr), rtol=1e-9)
        for attr in ("covariance_matrix", "precision_matrix", "scale_tril"):
            _close(getattr(m, attr), getattr(t, attr), rtol=1e-9)
        _close(m.entropy(), t.entropy(), rtol=1e-9)
        v = np.random.default_rng(9).standard_normal((5, *m.batch_shape, m.event_shape[0]))
        _close(m.log_prob(_t(v)), t.log_prob(_tt(v)), rtol=1e-9)
        me, te = m.expand((2, *m.batch_shape)), t.expand((2, *t.batch_shape))
        _close(me.log_prob(_t(v[:2])), te.log_prob(_tt(v[:2])), rtol=1e-9)
        assert tuple(m.sample((6,)).shape) == tuple(t.sample((6,)).shape)


def test_multivariate_normal_gradients_reach_loc_and_the_matrix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for loc, key, matrix in MVN_CASES:
        v = np.random.default_rng(10).standard_normal((3, 1, np.asarray(loc).shape[-1]))
        ours, theirs = [_t(loc, True), _t(matrix, True)], [_tt(loc, True), _tt(matrix, True)]
        m = D.MultivariateNormal(ours[0], **{key: ours[1]})
        t = TD.MultivariateNormal(theirs[0], **{key: theirs[1]})
        (m.log_prob(_t(v)).sum() + m.entropy().sum()).backward()
        (t.log_prob(_tt(v)).sum() + t.entropy().sum()).backward()
        for a, b in zip(ours, theirs):
            _close(a.grad, b.grad, rtol=1e-8)
    # rsample: the same standard normals in both
    loc, _, matrix = MVN_CASES[2]
    z = np.random.default_rng(11).standard_normal((5, 4, 2))
    monkeypatch.setattr(multivariate, "randn", lambda s, dtype=None: _t(z))
    ours, theirs = [_t(loc, True), _t(matrix, True)], [_tt(loc, True), _tt(matrix, True)]
    x = D.MultivariateNormal(ours[0], scale_tril=ours[1]).rsample((5,))
    y = theirs[0] + (theirs[1] @ _tt(z).unsqueeze(-1)).squeeze(-1)
    _close(x, y, rtol=1e-12)
    w = np.random.default_rng(12).standard_normal(z.shape)
    (x * _t(w)).sum().backward()
    (y * _tt(w)).sum().backward()
    for a, b in zip(ours, theirs):
        _close(a.grad, b.grad, rtol=1e-12)

    def log_prob(loc: mg.Tensor, tril: mg.Tensor) -> mg.Tensor:
        return D.MultivariateNormal(loc, scale_tril=tril, validate_args=False).log_prob(_t(z[:2]))

    def rsample(loc: mg.Tensor, tril: mg.Tensor) -> mg.Tensor:
        return D.MultivariateNormal(loc, scale_tril=tril, validate_args=False).rsample((5,))

    def from_covariance(loc: mg.Tensor, cov: mg.Tensor) -> mg.Tensor:
        sym = (cov + cov.mT) / 2  # finite differences move one entry: keep it symmetric
        return D.MultivariateNormal(loc, covariance_matrix=sym).log_prob(_t(z[:2, 0]))

    for fn, args in ((log_prob, (loc, matrix)), (rsample, (loc, matrix))):
        inputs = tuple(_t(a, True) for a in args)
        assert mg.gradcheck(fn, inputs) and mg.gradgradcheck(fn, inputs)
    inputs = (_t(loc, True), _t(_spd(2, 13), True))
    assert mg.gradcheck(from_covariance, inputs) and mg.gradgradcheck(from_covariance, inputs)


def test_multivariate_normal_errors_are_torchs() -> None:
    cov = _spd(2, 3)
    calls = [
        lambda M, T: M.MultivariateNormal(T(1.0), covariance_matrix=T(cov)),
        lambda M, T: M.MultivariateNormal(T([0.0, 0.0])),
        lambda M, T: M.MultivariateNormal(T([0.0, 0.0]), T(cov), scale_tril=T(cov)),
        lambda M, T: M.MultivariateNormal(T([0.0, 0.0]), covariance_matrix=T([1.0, 2.0])),
        lambda M, T: M.MultivariateNormal(T([0.0, 0.0]), T([[1.0, 2.0], [2.0, 1.0]])),
        lambda M, T: M.MultivariateNormal(T([0.0, 0.0]), T([[1.0, 0.5], [0.0, 1.0]])),
        lambda M, T: M.MultivariateNormal(T([0.0, 0.0]), scale_tril=T([[1.0, 0.5], [0.0, 1.0]])),
        lambda M, T: M.MultivariateNormal(T([0.0, 0.0]), scale_tril=T([[1.0, 0.0], [0.5, -1.0]])),
        lambda M, T: M.MultivariateNormal(T([0.0, 0.0]), T(cov)).log_prob(T([1.0, 2.0, 3.0])),
    ]
    for call in calls:
        _same_error(lambda c=call: c(D, _t), lambda c=call: c(TD, _tt))


def test_independent_matches_torch() -> None:
    loc, scale = np.tile([0.1, -0.5, 1.0], (2, 1)), np.full((2, 3), 1.5)
    for n in (0, 1, 2):
        ours, theirs = [_t(loc, True), _t(scale, True)], [_tt(loc, True), _tt(scale, True)]
        m = D.Independent(D.Normal(*ours), n)
        t = TD.Independent(TD.Normal(*theirs), n)
        assert (m.batch_shape, m.event_shape) == (tuple(t.batch_shape), tuple(t.event_shape))
        assert repr(m) == repr(t).replace("torch.", "minigrad.")
        assert repr(m.support) == repr(t.support) and m.has_rsample is t.has_rsample
        v = np.random.default_rng(14).standard_normal((4, 2, 3))
        (m.log_prob(_t(v)).sum() + m.entropy().sum()).backward()
        (t.log_prob(_tt(v)).sum() + t.entropy().sum()).backward()
        _close(m.log_prob(_t(v)), t.log_prob(_tt(v)))
        _close(m.entropy(), t.entropy())
        for a, b in zip(ours, theirs):
            _close(a.grad, b.grad)
        for attr in ("mean", "mode", "variance", "stddev"):
            _close(getattr(m, attr), getattr(t, attr))
        assert tuple(m.rsample((5,)).shape) == tuple(t.rsample((5,)).shape)
        assert m.support.check(_t(v)).shape == t.support.check(_tt(v)).shape
    batch = (4, 2) if n < 2 else (4,)
    assert m.expand(batch).batch_shape == tuple(t.expand(batch).batch_shape)
    _same_error(
        lambda: D.Independent(D.Normal(0.0, 1.0), 1), lambda: TD.Independent(TD.Normal(0.0, 1.0), 1)
    )
    i = D.Independent(D.Bernoulli(_t([0.2, 0.7])), 1)
    _same_error(
        lambda: i.enumerate_support(),
        lambda: TD.Independent(TD.Bernoulli(_tt([0.2, 0.7])), 1).enumerate_support(),
    )


def test_one_hot_categorical_matches_torch() -> None:
    p = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    for kw in ("probs", "logits"):
        a, b = (
            _t(np.log(p) if kw == "logits" else p, True),
            _tt(np.log(p) if kw == "logits" else p, True),
        )
        m, t = D.OneHotCategorical(**{kw: a}), TD.OneHotCategorical(**{kw: b})
        assert (m.batch_shape, m.event_shape) == (tuple(t.batch_shape), tuple(t.event_shape))
        assert repr(m) == repr(t) and repr(m.support) == repr(t.support)
        v = np.eye(3)[[[0, 2], [1, 1], [2, 0]]]  # (3, 2, 3) one-hot values
        (m.log_prob(_t(v)).sum() + m.entropy().sum()).backward()
        (t.log_prob(_tt(v)).sum() + t.entropy().sum()).backward()
        _close(m.log_prob(_t(v)), t.log_prob(_tt(v)))
        _close(a.grad, b.grad)
        for attr in ("mean", "mode", "variance", "stddev", "probs", "logits"):
            _close(getattr(m, attr), getattr(t, attr))
        _close(m.enumerate_support(), t.enumerate_support())
        _close(m.enumerate_support(expand=False), t.enumerate_support(expand=False))
        assert m.expand((4, 2)).batch_shape == (4, 2)
        _close(m.expand((4, 2)).log_prob(_t(v[0])), t.expand((4, 2)).log_prob(_tt(v[0])))
    mg.manual_seed(0)
    s = m.sample((20000,))
    assert tuple(s.shape) == (20000, 2, 3) and s.dtype == mg.float64
    assert np.all(s.numpy().sum(-1) == 1)
    np.testing.assert_allclose(s.numpy().mean(0), p, atol=0.015)
    _same_error(lambda: m.log_prob(_t([0.5, 0.5, 0.0])), lambda: t.log_prob(_tt([0.5, 0.5, 0.0])))
    _same_error(lambda: D.OneHotCategorical(_t(0.5)), lambda: TD.OneHotCategorical(_tt(0.5)))
