"""The matrix and slicing transforms (CorrCholeskyTransform, LowerCholeskyTransform,
PositiveDefiniteTransform, CatTransform, StackTransform, CumulativeDistributionTransform),
their constraints and biject_to/transform_to registrations, and LKJCholesky, against
torch.distributions in float64.

Transforms: forward, inverse, log_abs_det_jacobian, flags, shapes, the cache and PyTorch's
errors; gradients by finite differences to second order. LKJCholesky: log_prob of PyTorch's
samples and of ours against PyTorch's, its gradients to second order, samples in the support
with the onion method's known moments, the same seed giving the same samples.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from distribution_oracle import _close, _same_error, _t, _tt

import minigrad as mg
from minigrad import distributions as D
from minigrad.distributions import constraints
from minigrad.distributions import transforms as T

torch = pytest.importorskip("torch")
TD = torch.distributions
TT = torch.distributions.transforms
TC = torch.distributions.constraints


_RNG = np.random.default_rng(0)
_VEC6 = 1.5 * _RNG.normal(size=(2, 6))  # D = 4: six elements below the diagonal
_MAT = _RNG.normal(size=(2, 3, 3))
_X35 = _RNG.normal(size=(3, 5))


def _spd(n: int, batch: tuple[int, ...] = ()) -> np.ndarray:
    a = _RNG.normal(size=(*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _cat_parts(m: Any) -> list[Any]:
    """Three parts, one acting on vectors (its log-det summed or joined by CatTransform)."""
    return [m.ExpTransform(), m.identity_transform, m.AffineTransform(0.5, -2.0, event_dim=1)]


# (name, a builder taking the module T or TT, x)
CASES: list[tuple[str, Any, np.ndarray]] = [
    ("corr_cholesky", lambda m: m.CorrCholeskyTransform(), _VEC6),
    ("corr_cholesky_2x2", lambda m: m.CorrCholeskyTransform(), _VEC6[:, :1]),
    ("corr_cholesky_unbatched", lambda m: m.CorrCholeskyTransform(), _VEC6[0, :3]),
    ("lower_cholesky", lambda m: m.LowerCholeskyTransform(), _MAT),
    ("positive_definite", lambda m: m.PositiveDefiniteTransform(), _MAT),
    ("cat_last_dim", lambda m: m.CatTransform(_cat_parts(m), -1, [1, 2, 2]), _X35),
    ("cat_event_dims", lambda m: m.CatTransform(_cat_parts(m), 0, [1, 1, 1]), _X35),
    (
        "cat_batch_dim",
        lambda m: m.CatTransform([m.ExpTransform(), m.SigmoidTransform()], 0, [1, 2]),
        _X35,
    ),
    ("cat_default_lengths", lambda m: m.CatTransform([m.TanhTransform()] * 3), _X35),
    (
        "stack",
        lambda m: m.StackTransform([m.ExpTransform(), m.AffineTransform(1.0, -2.0)], 1),
        _X35[:, :2],
    ),
    (
        "stack_event",
        lambda m: m.StackTransform(
            [m.IndependentTransform(m.ExpTransform(), 1), m.AffineTransform(1.0, 2.0, 1)], 0
        ),
        _X35[:2],
    ),
    (
        "cdf_of_normal",
        lambda m: m.CumulativeDistributionTransform(
            (D if m is T else TD).Normal(_param([0.3, -1.0, 0.5, 2.0, 0.0], m), 1.5)
        ),
        _X35,
    ),
]


def _param(p: Any, m: Any) -> Any:
    return _t(p) if m is T else _tt(p)


def _ladj(t: Any, x: Any, y: Any) -> Any:
    try:
        return t.log_abs_det_jacobian(x, y)
    except NotImplementedError:
        return None


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_transform_values_flags_and_shapes_match_torch(case: Any) -> None:
    _, build, x = case
    ours, theirs = build(T), build(TT)
    y, ty = ours(_t(x)), theirs(_tt(x))
    _close(y, ty)
    _close(ours.inv(y), theirs.inv(ty))
    if ours.bijective:  # a round trip to x (PositiveDefinite's and LowerCholesky's are not)
        np.testing.assert_allclose(ours.inv(y).numpy(), x, rtol=1e-9, atol=1e-12)
    ladj, tladj = _ladj(ours, _t(x), y), _ladj(theirs, _tt(x), ty)
    assert (ladj is None) == (tladj is None)
    if ladj is not None:
        _close(ladj, tladj)
        _close(ours.inv.log_abs_det_jacobian(y, _t(x)), theirs.inv.log_abs_det_jacobian(ty, _tt(x)))
    assert ours.bijective == theirs.bijective
    try:
        event_dim = theirs.event_dim
    except ValueError:  # a domain and a codomain of different dims
        _same_error(lambda: ours.event_dim, lambda: theirs.event_dim)
    else:
        assert ours.event_dim == event_dim
    assert ours.domain.event_dim == theirs.domain.event_dim
    assert ours.codomain.event_dim == theirs.codomain.event_dim
    assert tuple(ours.forward_shape(x.shape)) == tuple(theirs.forward_shape(x.shape))
    assert tuple(ours.inverse_shape(ty.shape)) == tuple(theirs.inverse_shape(ty.shape))
    assert repr(ours) == repr(theirs)
    assert ours.inv.inv is ours
    try:
        tsign = theirs.sign
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            _ = ours.sign
    else:
        assert ours.sign == tsign
    assert (ours == build(T)) == (theirs == build(TT))
    pairs = ((ours.codomain, theirs.codomain, y), (ours.domain, theirs.domain, _t(x)))
    for ours_c, theirs_c, v in pairs:
        try:
            expected = theirs_c.check(_tt(v.detach().numpy())).numpy()
        except RuntimeError:  # PyTorch's cat of checks of different event dims fails too
            with pytest.raises(RuntimeError):
                ours_c.check(v)
        else:
            np.testing.assert_array_equal(ours_c.check(v).numpy(), expected)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_transform_gradients_by_finite_differences(case: Any) -> None:
    """f(x), f^-1(f(x)) and log|det J| in x, to first and second order."""
    name, build, x = case
    if name == "positive_definite":  # keep the round trip's Cholesky on an SPD y
        x = 0.3 * x

    def fn(x: mg.Tensor) -> tuple[mg.Tensor, ...]:
        t = build(T)
        y = t(x)
        out = [y, t.inv(y * 1.0)]
        ladj = _ladj(t, x, y)
        if ladj is not None:
            out.append(ladj)
        return tuple(out)

    inputs = (_t(x, True),)
    assert mg.gradcheck(fn, inputs)
    assert mg.gradgradcheck(fn, inputs)


def test_cdf_transform_is_differentiable_in_the_distributions_parameters() -> None:
    def fn(x: mg.Tensor, loc: mg.Tensor, scale: mg.Tensor) -> tuple[mg.Tensor, ...]:
        t = T.CumulativeDistributionTransform(D.Normal(loc, scale))
        y = t(x)
        return y, t.log_abs_det_jacobian(x, y), t.inv(_t([0.2, 0.5, 0.9]))

    inputs = (_t([0.1, -0.7, 1.2], True), _t([0.3, 0.0, -0.5], True), _t([1.5, 0.7, 2.0], True))
    assert mg.gradcheck(fn, inputs)
    assert mg.gradgradcheck(fn, inputs)


def test_corr_cholesky_gives_correlation_factors_and_a_density_through_it() -> None:
    t = T.CorrCholeskyTransform()
    y = t(_t(3.0 * _RNG.normal(size=(5, 10))))  # D = 5, values far into tanh's tails
    assert tuple(y.shape) == (5, 5, 5)
    corr = (y @ y.mT).numpy()
    np.testing.assert_allclose(np.diagonal(corr, axis1=-2, axis2=-1), 1.0, atol=1e-12)
    assert bool(constraints.corr_cholesky.check(y).all().item())
    # a density on correlation factors: a Normal pushed through, scored as PyTorch scores it
    loc = _RNG.normal(size=(2, 3))
    ours = D.TransformedDistribution(D.Normal(_t(loc), _t(0.8)), [T.CorrCholeskyTransform()])
    theirs = TD.TransformedDistribution(TD.Normal(_tt(loc), 0.8), [TT.CorrCholeskyTransform()])
    assert ours.batch_shape == theirs.batch_shape and ours.event_shape == theirs.event_shape
    value = theirs.sample((4,))
    _close(ours.log_prob(_t(value.numpy())), theirs.log_prob(value))


def test_cache_round_trips_and_bad_arguments_raise_before_the_cache_changes() -> None:
    cat = T.CatTransform([T.ExpTransform(), T.TanhTransform()], 0, [2, 1], cache_size=1)
    assert all(p._cache_size == 1 for p in cat.transforms)
    assert cat.with_cache(1) is cat and cat.with_cache(0)._cache_size == 0
    x = _t([0.3, -1.0, 25.0])  # tanh(25) rounds to 1: the inverse would be inf
    y = cat(x)
    assert cat(x) is y and cat.inv(y) is x
    uncached = T.CatTransform([T.ExpTransform(), T.TanhTransform()], 0, [2, 1])
    assert np.isinf(uncached.inv(y).numpy()[2])
    for bad in (_t([0.3, 1.0]), _t([[0.3, 1.0, 2.0]])):  # 2 long; 1 long along dim 0
        with pytest.raises(AssertionError):
            cat(bad)
        assert cat._cached_x_y[0] is x and cat._cached_x_y[1] is y  # untouched
    stack = T.StackTransform([T.ExpTransform(), T.SigmoidTransform()], 0, cache_size=1)
    x2 = _t([[0.5], [40.0]])
    y2 = stack(x2)
    assert stack.inv(y2) is x2 and stack.with_cache(0)._cache_size == 0
    corr = T.CorrCholeskyTransform(cache_size=1)
    x3 = _t(_VEC6[0])
    y3 = corr(x3)
    assert corr.inv(y3) is x3 and T.CorrCholeskyTransform().with_cache(1)._cache_size == 1
    cdf = T.CumulativeDistributionTransform(D.Normal(0.0, 1.0), cache_size=1)
    assert cdf.inv(cdf(x3)) is x3 and cdf.with_cache(0).distribution is cdf.distribution


def test_errors_are_torchs() -> None:
    cat = lambda m: m.CatTransform([m.ExpTransform(), m.ExpTransform()], -1, [2, 1])  # noqa: E731
    stk = lambda m: m.StackTransform([m.ExpTransform(), m.ExpTransform()], 1)  # noqa: E731
    x4, x1 = _RNG.normal(size=(2, 4)), _RNG.normal(size=(3,))
    calls = [
        lambda m: cat(m)(_param(x4, m)),
        lambda m: cat(m).inv(_param(x4, m)),
        lambda m: cat(m).log_abs_det_jacobian(_param(x4, m), _param(x4, m)),
        lambda m: m.CatTransform([m.ExpTransform()], 2)(_param(x1, m)),
        lambda m: m.CatTransform([m.ExpTransform()], 2).inv(_param(x1, m)),
        lambda m: m.CatTransform([m.ExpTransform()], 2).log_abs_det_jacobian(
            _param(x1, m), _param(x1, m)
        ),
        lambda m: m.CatTransform([m.ExpTransform()], 0, [1, 2]),
        lambda m: m.CatTransform([m.ExpTransform(), 3]),
        lambda m: stk(m)(_param(x4, m)),
        lambda m: stk(m).inv(_param(x1, m)),
        lambda m: stk(m).log_abs_det_jacobian(_param(x4, m), _param(x4, m)),
        lambda m: m.StackTransform(["exp"]),
        lambda m: m.CorrCholeskyTransform()(_param(_RNG.normal(size=(2, 5)), m)),
        lambda m: m.CorrCholeskyTransform().forward_shape((2, 4)),
        lambda m: m.CorrCholeskyTransform().forward_shape(()),
        lambda m: m.CorrCholeskyTransform().inverse_shape((2, 3)),
        lambda m: m.CorrCholeskyTransform().inverse_shape((3,)),
        lambda m: m.LowerCholeskyTransform().log_abs_det_jacobian(_param(_MAT, m), _param(_MAT, m)),
        lambda m: m.CorrCholeskyTransform(cache_size=3),
    ]
    for call in calls:
        _same_error(lambda c=call: c(T), lambda c=call: c(TT))
    _same_error(
        lambda: T.tril_matrix_to_vec(_t(_MAT), diag=3),
        lambda: TD.utils.tril_matrix_to_vec(_tt(_MAT), diag=3),
    )


def test_tril_vector_helpers_match_torch_and_are_differentiable() -> None:
    for diag in (-2, -1, 0, 1):
        _close(T.tril_matrix_to_vec(_t(_MAT), diag), TD.utils.tril_matrix_to_vec(_tt(_MAT), diag))
        vec = TD.utils.tril_matrix_to_vec(_tt(_MAT), diag)
        _close(T.vec_to_tril_matrix(_t(vec.numpy()), diag), TD.utils.vec_to_tril_matrix(vec, diag))
    inputs = (_t(_VEC6, True),)
    assert mg.gradcheck(lambda v: T.vec_to_tril_matrix(v, -1), inputs)
    assert mg.gradgradcheck(lambda v: T.tril_matrix_to_vec(T.vec_to_tril_matrix(v) ** 2), inputs)


def test_new_constraints_check_as_torchs() -> None:
    corr = TT.CorrCholeskyTransform()(_tt(_VEC6))
    spd, psd = _spd(3, (2,)), np.array([[1.0, 1.0], [1.0, 1.0]])
    values = {
        "corr_cholesky": [corr.numpy(), _MAT, np.tril(np.abs(_MAT)) + np.eye(3)],
        "lower_triangular": [np.tril(_MAT), _MAT],
        "square": [_MAT, _RNG.normal(size=(2, 3, 4))],
        "symmetric": [spd, _MAT, _RNG.normal(size=(3, 2))],
        "positive_semidefinite": [spd, psd, -psd, _MAT],
        "positive_definite": [spd, psd, _MAT],
        "lower_cholesky": [np.tril(_MAT), np.tril(np.abs(_MAT)) + np.eye(3)],
    }
    for name, cases in values.items():
        ours, theirs = getattr(constraints, name), getattr(TC, name)
        assert ours.event_dim == theirs.event_dim
        assert repr(ours) == repr(theirs)
        for v in cases:
            np.testing.assert_array_equal(ours.check(_t(v)).numpy(), theirs.check(_tt(v)).numpy())
    x = _X35.copy()
    x[0, 1] = -1.0
    x[2, 4] = 2.0
    for build in (
        lambda c: c.cat([c.positive, c.real, c.unit_interval], -1, [1, 2, 2]),
        lambda c: c.cat([c.positive, c.interval(-1.0, 1.0)], 0, [2, 1]),
        lambda c: c.stack([c.positive, c.real, c.real, c.greater_than(1.0), c.real], 1),
        lambda c: c.stack([c.real_vector, c.independent(c.positive, 1), c.real_vector], 0),
        lambda c: c.stack([c.positive] * 5, -1),
    ):
        ours, theirs = build(constraints), build(TC)
        assert ours.event_dim == theirs.event_dim
        np.testing.assert_array_equal(ours.check(_t(x)).numpy(), theirs.check(_tt(x)).numpy())
    _same_error(
        lambda: constraints.cat([constraints.real], 0, [1, 2]),
        lambda: TC.cat([TC.real], 0, [1, 2]),
    )
    _same_error(lambda: constraints.stack([3]), lambda: TC.stack([3]))
    _same_error(
        lambda: constraints.stack([constraints.real], 3).check(_t(x)),
        lambda: TC.stack([TC.real], 3).check(_tt(x)),
    )


def test_dependent_property_is_a_constraint_on_the_class_and_a_value_on_instances() -> None:
    class Box:
        def __init__(self, high: float) -> None:
            self.high = high

        @constraints.dependent_property(is_discrete=False, event_dim=0)
        def support(self) -> Any:
            return constraints.interval(0.0, self.high)

        @constraints.dependent_property
        def other(self) -> Any:
            return constraints.real

    assert constraints.is_dependent(Box.support)
    assert Box.support.event_dim == 0 and Box.support.is_discrete is False
    assert repr(Box(2.0).support) == "Interval(lower_bound=0.0, upper_bound=2.0)"
    for attribute in ("event_dim", "is_discrete"):
        with pytest.raises(NotImplementedError, match="cannot be determined statically"):
            getattr(Box.other, attribute)
    with pytest.raises(ValueError, match="Cannot determine validity of dependent constraint"):
        Box.support.check(_t([1.0]))


def test_biject_to_and_transform_to_of_the_new_constraints_match_torch() -> None:
    cases = [
        ("corr_cholesky", lambda c: c.corr_cholesky, _VEC6),
        ("lower_cholesky", lambda c: c.lower_cholesky, _MAT),
        ("positive_definite", lambda c: c.positive_definite, _MAT),
        ("positive_semidefinite", lambda c: c.positive_semidefinite, _MAT),
        ("cat", lambda c: c.cat([c.positive, c.real, c.unit_interval], -1, [1, 2, 2]), _X35),
        ("stack", lambda c: c.stack([c.positive, c.interval(-1.0, 2.0)], 0), _X35[:2]),
    ]
    for name, build, x in cases:
        ours, theirs = build(constraints), build(TC)
        for registry, tregistry in ((D.biject_to, TD.biject_to), (D.transform_to, TD.transform_to)):
            try:
                tt = tregistry(theirs)
            except NotImplementedError:  # no bijection in PyTorch either
                with pytest.raises(NotImplementedError, match="Cannot transform"):
                    registry(ours)
                continue
            t = registry(ours)
            assert type(t).__name__ == type(tt).__name__, name
            y, ty = t(_t(x)), tt(_tt(x))
            _close(y, ty)
            assert bool(ours.check(y).all().item()), name


# ---------------------------------------------------------------------------------------------
# LKJCholesky

_CONC = [0.5, 1.0, 3.0]


def _lkj(dim: int, concentration: Any, lib: Any, **kwargs: Any) -> Any:
    if lib is mg:
        c = concentration if isinstance(concentration, float) else _t(concentration)
        return D.LKJCholesky(dim, c, **kwargs)
    c = concentration if isinstance(concentration, float) else _tt(concentration)
    return TD.LKJCholesky(dim, c, **kwargs)


@pytest.mark.parametrize("dim", [2, 3, 5])
def test_lkj_log_prob_of_torchs_samples_matches_torch(dim: int) -> None:
    ours, theirs = _lkj(dim, _CONC, mg), _lkj(dim, _CONC, torch)
    assert ours.batch_shape == theirs.batch_shape and ours.event_shape == theirs.event_shape
    assert repr(ours) == repr(theirs).replace("torch.", "minigrad.")
    torch.manual_seed(dim)
    value = theirs.sample((4,))
    _close(ours.log_prob(_t(value.numpy())), theirs.log_prob(value))
    scalar, tscalar = _lkj(dim, 2.0, mg), _lkj(dim, 2.0, torch)
    _close(scalar.log_prob(_t(value[:, 0].numpy())), tscalar.log_prob(value[:, 0]))
    assert not ours.has_rsample and ours.support is constraints.corr_cholesky
    for name in ("mean", "mode", "variance"):
        with pytest.raises(NotImplementedError):
            getattr(ours, name)
    with pytest.raises(NotImplementedError):
        ours.entropy()


def test_lkj_log_prob_gradients_by_finite_differences_and_against_torch() -> None:
    value = TD.LKJCholesky(4, 1.0).sample((2,)).double()
    x = TT.CorrCholeskyTransform().inv(value).numpy()

    def fn(x: mg.Tensor, concentration: mg.Tensor) -> mg.Tensor:
        return D.LKJCholesky(4, concentration).log_prob(T.CorrCholeskyTransform()(x))

    inputs = (_t(x, True), _t([0.7, 2.5], True))
    assert mg.gradcheck(fn, inputs)
    assert mg.gradgradcheck(fn, inputs)
    tx = _tt(x).requires_grad_()
    tc = _tt([0.7, 2.5]).requires_grad_()
    TD.LKJCholesky(4, tc).log_prob(TT.CorrCholeskyTransform()(tx)).sum().backward()
    mx, mc = inputs
    fn(mx, mc).sum().backward()
    _close(mx.grad, tx.grad, rtol=1e-9)
    _close(mc.grad, tc.grad, rtol=1e-9)


def test_lkj_samples_are_seeded_in_the_support_and_scored_as_torch_scores_them() -> None:
    d = _lkj(3, _CONC, mg)
    mg.manual_seed(7)
    a = d.sample((5,))
    mg.manual_seed(7)
    b = d.sample((5,))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert tuple(a.shape) == (5, 3, 3, 3) and a.dtype == mg.float64
    assert not a.requires_grad and bool(constraints.corr_cholesky.check(a).all().item())
    _close(d.log_prob(a), _lkj(3, _CONC, torch).log_prob(_tt(a.numpy())))
    assert d.sample().shape == (3, 3, 3)
    assert _lkj(4, 1.5, mg).sample((2, 3)).shape == (2, 3, 4, 4)


@pytest.mark.parametrize("dim, eta", [(2, 1.0), (3, 0.5), (4, 3.0)])
def test_lkj_correlations_have_the_onion_methods_moments(dim: int, eta: float) -> None:
    """Each correlation r of LKJ(dim, eta) has (r + 1) / 2 ~ Beta(b, b), b = eta - 1 + dim / 2:
    mean 0 and variance 1 / (2 eta + dim - 1)."""
    mg.manual_seed(0)
    n = 20000
    samples = _lkj(dim, eta, mg).sample((n,))
    corr = (samples @ samples.mT).numpy()
    rows, cols = np.tril_indices(dim, -1)
    r = corr[:, rows, cols]
    var = 1 / (2 * eta + dim - 1)
    se_mean = math.sqrt(var / n)
    assert np.all(np.abs(r.mean(0)) < 5 * se_mean), r.mean(0)
    b = eta - 1 + dim / 2  # the fourth moment of the Beta gives the variance's spread
    kurt = 3 / (2 * b + 3) * (2 * b + 1)  # E r^4 / var^2 for a symmetric Beta on [-1, 1]
    se_var = var * math.sqrt((kurt - 1) / n)
    assert np.all(np.abs(r.var(0) - var) < 5 * se_var), (r.var(0), var)
    if dim >= 3:  # PyTorch's sampler draws the later rows' correlations too spread out
        torch.manual_seed(0)
        theirs = _lkj(dim, eta, torch).sample((n,)).double()
        their_r = (theirs @ theirs.mT).numpy()[:, rows, cols]
        assert np.any(their_r.var(0) - var > 5 * se_var), their_r.var(0)


def test_lkj_expand_and_validation_are_torchs() -> None:
    d, t = _lkj(3, [0.5, 2.0], mg), _lkj(3, [0.5, 2.0], torch)
    e, te = d.expand((4, 2)), t.expand((4, 2))
    assert e.batch_shape == te.batch_shape and e.concentration.shape == (4, 2)
    assert e.dim == 3 and e.sample().shape == (4, 2, 3, 3)
    value = t.sample((4,))
    _close(e.log_prob(_t(value.numpy())), te.log_prob(value))
    _same_error(lambda: _lkj(1, 1.0, mg), lambda: _lkj(1, 1.0, torch))
    for bad in (-1.0, 0.0, [-1.0, 2.0]):
        # PyTorch's message names its Beta's Dirichlet; minigrad's the concentration given
        with pytest.raises(ValueError, match=r"^Expected parameter concentration .* LKJCholesky"):
            _lkj(3, bad, mg)
        with pytest.raises(ValueError, match=r"^Expected parameter concentration"):
            _lkj(3, bad, torch)
    _lkj(3, [-1.0, 2.0], mg, validate_args=False)
    _same_error(lambda: d.log_prob(_t(2 * np.eye(3))), lambda: t.log_prob(_tt(2 * np.eye(3))))
    _same_error(lambda: d.log_prob(_t(np.eye(4))), lambda: t.log_prob(_tt(np.eye(4))))


# ---------------------------------------------------------------------------------------------
# GeneralizedPareto, InverseGamma, OneHotCategoricalStraightThrough

# (loc, scale, concentration): xi > 0, xi = 0 (the exponential branch), xi < 0 (bounded)
_GP = ([0.1, 0.0, 1.0, -0.5], [2.0, 1.0, 0.5, 1.5], [0.4, 0.0, -0.5, 1.5])
_GP_VALUES = np.array([0.5, 1.0, 1.5, 3.0])


def _gp(lib: Any, dtype: Any, params: Any = _GP) -> Any:
    if lib is mg:
        return D.GeneralizedPareto(*[mg.tensor(np.asarray(p, dtype=dtype)) for p in params])
    return TD.GeneralizedPareto(*[torch.tensor(np.asarray(p, dtype=dtype)) for p in params])


def test_generalized_pareto_matches_torch() -> None:
    # PyTorch's compares the concentration with a float32 zero (isclose), so it runs only in
    # float32; minigrad's float32 is compared with it and its float64 with its float32
    ours, ours64, theirs = _gp(mg, np.float32), _gp(mg, np.float64), _gp(torch, np.float32)
    value, tvalue = mg.tensor(_GP_VALUES.astype(np.float32)), torch.tensor(_GP_VALUES).float()
    u = np.array([0.1, 0.5, 0.9, 0.99])
    for name, args, targs in (
        ("log_prob", (value,), (tvalue,)),
        ("log_survival_function", (value,), (tvalue,)),
        ("log_cdf", (value,), (tvalue,)),
        ("cdf", (value,), (tvalue,)),
        ("icdf", (mg.tensor(u.astype(np.float32)),), (torch.tensor(u).float(),)),
        ("entropy", (), ()),
    ):
        mine, expected = getattr(ours, name)(*args), getattr(theirs, name)(*targs)
        np.testing.assert_allclose(mine.numpy(), expected.numpy(), rtol=2e-6, atol=1e-6)
        args64 = [mg.tensor(a.numpy().astype(np.float64)) for a in args]
        np.testing.assert_allclose(
            getattr(ours64, name)(*args64).numpy(), expected.numpy(), rtol=1e-5, atol=1e-6
        )
    for name in ("mean", "variance", "mode", "stddev"):
        np.testing.assert_allclose(
            getattr(ours64, name).numpy(), getattr(theirs, name).numpy(), rtol=1e-6
        )
    for a, b in (
        (ours.support.lower_bound, theirs.support.lower_bound),
        (ours.support.upper_bound, theirs.support.upper_bound),
    ):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
    assert constraints.is_dependent(D.GeneralizedPareto.support)
    assert D.GeneralizedPareto.support.event_dim == 0
    assert ours.has_rsample and ours.batch_shape == theirs.batch_shape
    assert D.GeneralizedPareto(0.0, 1.0, 0.5).batch_shape == ()
    e = ours64.expand((3, 4))
    assert e.batch_shape == (3, 4) and e.log_prob(mg.tensor(_GP_VALUES)).shape == (3, 4)
    np.testing.assert_allclose(ours64.perplexity().numpy(), np.exp(ours64.entropy().numpy()))
    bad = ([0.0], [-1.0], [0.5])
    _same_error(lambda: _gp(mg, np.float32, bad), lambda: _gp(torch, np.float32, bad))
    outside = _GP_VALUES.astype(np.float32) - 2.0
    _same_error(
        lambda: ours.log_prob(mg.tensor(outside)), lambda: theirs.log_prob(torch.tensor(outside))
    )


def test_generalized_pareto_gradients_by_finite_differences() -> None:
    u = _t([0.1, 0.5, 0.9, 0.7])

    def fn(loc: mg.Tensor, scale: mg.Tensor, xi: mg.Tensor) -> tuple[mg.Tensor, ...]:
        d = D.GeneralizedPareto(loc, scale, xi, validate_args=False)
        return d.log_prob(_t(_GP_VALUES)), d.icdf(u), d.cdf(_t(_GP_VALUES)), d.entropy()

    # xi = 0 is a switch between two formulas (PyTorch's isclose): its gradient in xi is 0
    # there, a finite difference crosses to the other branch; checked away from it
    loc, scale, _ = _GP
    inputs = tuple(_t(p, True) for p in (loc, scale, [0.4, 0.2, -0.5, 1.5]))
    assert mg.gradcheck(fn, inputs)
    assert mg.gradgradcheck(fn, inputs)


def test_generalized_pareto_samples_follow_its_cdf() -> None:
    d = _gp(mg, np.float64, ([0.0], [1.5], [0.3]))
    mg.manual_seed(3)
    x = d.sample((4000,))
    mg.manual_seed(3)
    np.testing.assert_array_equal(x.numpy(), d.sample((4000,)).numpy())
    assert x.shape == (4000, 1) and not x.requires_grad
    cdf = np.sort(d.cdf(x).numpy()[:, 0])
    ks = np.max(np.abs(cdf - (np.arange(1, 4001) - 0.5) / 4000))
    assert ks < 1.36 / math.sqrt(4000) + 1 / 8000  # the 5% critical value


def _ig(lib: Any) -> Any:
    m = D if lib is mg else TD
    p = _t if lib is mg else _tt
    return m.InverseGamma(p([0.5, 1.5, 3.0]), p([2.0, 0.7, 1.2]))


def test_inverse_gamma_matches_torch() -> None:
    ours, theirs = _ig(mg), _ig(torch)
    value = np.array([0.3, 1.2, 4.0])
    _close(ours.log_prob(_t(value)), theirs.log_prob(_tt(value)))
    _close(ours.cdf(_t(value)), theirs.cdf(_tt(value)), rtol=1e-8)
    for name in ("mean", "mode", "variance"):
        _close(getattr(ours, name), getattr(theirs, name))
    _close(ours.entropy(), theirs.entropy())
    _close(ours.perplexity(), theirs.perplexity())
    assert ours.has_rsample and repr(ours) == repr(theirs) and ours.support is constraints.positive
    e, te = ours.expand((2, 3)), theirs.expand((2, 3))
    assert type(e) is D.InverseGamma and e.batch_shape == te.batch_shape
    _close(e.log_prob(_t(value)), te.log_prob(_tt(value)))
    _close(e.concentration, te.concentration)
    _same_error(
        lambda: D.InverseGamma(_t([1.0]), _t([-1.0])),
        lambda: TD.InverseGamma(_tt([1.0]), _tt([-1.0])),
    )
    _same_error(
        lambda: ours.log_prob(_t([-1.0, 1.0, 1.0])), lambda: theirs.log_prob(_tt([-1.0, 1.0, 1.0]))
    )


def test_inverse_gamma_is_differentiable_and_samples_follow_it() -> None:
    def fn(value: mg.Tensor, a: mg.Tensor, b: mg.Tensor) -> tuple[mg.Tensor, ...]:
        d = D.InverseGamma(a, b)
        return d.log_prob(value), d.entropy(), d.mode

    inputs = (_t([0.3, 1.2, 4.0], True), _t([0.5, 1.5, 3.0], True), _t([2.0, 0.7, 1.2], True))
    assert mg.gradcheck(fn, inputs)
    assert mg.gradgradcheck(fn, inputs)
    a = _t([3.0], True)
    mg.manual_seed(0)
    x = D.InverseGamma(a, _t([2.0])).rsample((4000,))
    x.mean().backward()
    assert a.grad is not None and float(a.grad) < 0  # a larger shape pulls 1 / X down
    cdf = np.sort(D.InverseGamma(_t([3.0]), _t([2.0])).cdf(x.detach()).numpy()[:, 0])
    ks = np.max(np.abs(cdf - (np.arange(1, 4001) - 0.5) / 4000))
    assert ks < 1.36 / math.sqrt(4000) + 1 / 8000


def test_one_hot_categorical_straight_through_passes_the_probs_gradient() -> None:
    logits = _RNG.normal(size=(2, 4))
    weights = _RNG.normal(size=(2, 4))
    ours_logits = _t(logits, True)
    ours = D.OneHotCategoricalStraightThrough(logits=ours_logits)
    tlogits = _tt(logits).requires_grad_()
    theirs = TD.OneHotCategoricalStraightThrough(logits=tlogits)
    assert ours.has_rsample and theirs.has_rsample and isinstance(ours, D.OneHotCategorical)
    sample = ours.rsample((3,))
    assert sample.shape == (3, 2, 4)
    np.testing.assert_array_equal(sample.detach().numpy().sum(-1), 1.0)
    assert set(np.unique(sample.detach().numpy())) <= {0.0, 1.0}
    (sample * _t(weights)).sum().backward()
    (theirs.rsample((3,)) * _tt(weights)).sum().backward()
    # the gradient does not depend on the sample drawn: 3 times d(probs . w)/d(logits)
    _close(ours_logits.grad, tlogits.grad)


def test_every_name_of_torch_distributions_is_there() -> None:
    assert set(TD.__all__) <= set(D.__all__)
    assert set(TT.__all__) <= set(T.__all__)
    assert set(TC.__all__) <= set(constraints.__all__)
    c = constraints.MixtureSameFamilyConstraint(constraints.positive)
    tc = TC.MixtureSameFamilyConstraint(TC.positive)
    value = _RNG.normal(size=(3, 2))
    np.testing.assert_array_equal(c.check(_t(value)).numpy(), tc.check(_tt(value)).numpy())
    assert repr(c) == repr(tc) and c.event_dim == tc.event_dim
    _same_error(
        lambda: constraints.MixtureSameFamilyConstraint(3),
        lambda: TC.MixtureSameFamilyConstraint(3),
    )
