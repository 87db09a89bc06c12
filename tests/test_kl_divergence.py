"""kl_divergence and register_kl against torch.distributions.kl.

Every pair minigrad registers, for batched float64 parameters: the values and the gradients
with respect to every parameter are torch's; finite differences to first and second order for
the VAE's Normal-Normal and a few more; the dispatch (most specific pair, the ambiguity
warning, PyTorch's NotImplementedError) and the +inf where p's support leaves q's.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D
from minigrad.distributions import kl

torch = pytest.importorskip("torch")
TD = torch.distributions

B = (2, 3)  # the batch shape of every pair


def _rng(name: str) -> np.random.Generator:
    # (crc32, not hash(): str hashes change from one process to the next)
    return np.random.default_rng(zlib.crc32(name.encode()))


def _pos(rng: np.random.Generator, shape: tuple[int, ...] = B) -> np.ndarray:
    return rng.uniform(0.6, 2.5, shape)


def _real(rng: np.random.Generator, shape: tuple[int, ...] = B) -> np.ndarray:
    return rng.uniform(-1.5, 1.5, shape)


def _prob(rng: np.random.Generator, shape: tuple[int, ...] = B) -> np.ndarray:
    return rng.uniform(0.1, 0.9, shape)


def _tril(rng: np.random.Generator) -> np.ndarray:
    a = np.tril(rng.uniform(-0.5, 0.5, (*B, 3, 3)))
    idx = np.arange(3)
    a[..., idx, idx] = rng.uniform(0.8, 1.6, (*B, 3))
    return a


# name -> (parameter arrays from an rng, builder(module, *tensors))
Maker = tuple[Callable[[np.random.Generator], list[np.ndarray]], Callable[..., Any]]
MAKERS: dict[str, Maker] = {
    "Normal": (lambda r: [_real(r), _pos(r)], lambda M, a, b: M.Normal(a, b)),
    "Bernoulli": (lambda r: [_prob(r)], lambda M, p: M.Bernoulli(probs=p)),
    "BernoulliLogits": (lambda r: [_real(r)], lambda M, lg: M.Bernoulli(logits=lg)),
    "Categorical": (lambda r: [_pos(r, (*B, 4))], lambda M, p: M.Categorical(probs=p)),
    "CategoricalLogits": (
        lambda r: [_real(r, (*B, 4))],
        lambda M, lg: M.Categorical(logits=lg),
    ),
    "OneHotCategorical": (
        lambda r: [_pos(r, (*B, 4))],
        lambda M, p: M.OneHotCategorical(probs=p),
    ),
    "Uniform": (
        lambda r: [_real(r) - 2.0, _real(r) + 2.0],
        lambda M, lo, hi: M.Uniform(lo, hi),
    ),
    "UniformInside": (  # inside (0, 1): finite against Beta, Gamma, Exponential
        lambda r: [r.uniform(0.05, 0.4, B), r.uniform(0.6, 0.95, B)],
        lambda M, lo, hi: M.Uniform(lo, hi),
    ),
    "Exponential": (lambda r: [_pos(r)], lambda M, rate: M.Exponential(rate)),
    "Laplace": (lambda r: [_real(r), _pos(r)], lambda M, a, b: M.Laplace(a, b)),
    "Cauchy": (lambda r: [_real(r), _pos(r)], lambda M, a, b: M.Cauchy(a, b)),
    "Gumbel": (lambda r: [_real(r), _pos(r)], lambda M, a, b: M.Gumbel(a, b)),
    "HalfNormal": (lambda r: [_pos(r)], lambda M, s: M.HalfNormal(s)),
    "HalfCauchy": (lambda r: [_pos(r)], lambda M, s: M.HalfCauchy(s)),
    "LogNormal": (lambda r: [_real(r), _pos(r)], lambda M, a, b: M.LogNormal(a, b)),
    "Independent": (
        lambda r: [_real(r), _pos(r)],
        lambda M, a, b: M.Independent(M.Normal(a, b), 1),
    ),
    "MultivariateNormal": (
        lambda r: [_real(r, (*B, 3)), _tril(r)],
        lambda M, a, lt: M.MultivariateNormal(a, scale_tril=lt),
    ),
    "Gamma": (lambda r: [_pos(r), _pos(r)], lambda M, c, rate: M.Gamma(c, rate)),
    "Chi2": (lambda r: [_pos(r) * 2], lambda M, df: M.Chi2(df)),
    "Beta": (lambda r: [_pos(r), _pos(r)], lambda M, a, b: M.Beta(a, b)),
    "Dirichlet": (lambda r: [_pos(r, (*B, 4))], lambda M, c: M.Dirichlet(c)),
    "Poisson": (lambda r: [_pos(r)], lambda M, rate: M.Poisson(rate)),
    "Binomial": (
        lambda r: [np.full(B, 5.0), _prob(r)],
        lambda M, n, p: M.Binomial(n, probs=p),
    ),
    "Geometric": (lambda r: [_prob(r)], lambda M, p: M.Geometric(probs=p)),
}

SAME = [
    "Normal",
    "Bernoulli",
    "BernoulliLogits",
    "Categorical",
    "CategoricalLogits",
    "OneHotCategorical",
    "Exponential",
    "Laplace",
    "Cauchy",
    "Gumbel",
    "HalfNormal",
    "HalfCauchy",
    "LogNormal",
    "Independent",
    "MultivariateNormal",
    "Gamma",
    "Chi2",
    "Beta",
    "Dirichlet",
    "Poisson",
    "Binomial",
    "Geometric",
]
CROSS = [
    ("Bernoulli", "Poisson"),
    ("Beta", "Exponential"),
    ("Beta", "Gamma"),
    ("Beta", "Normal"),
    ("Beta", "Uniform"),
    ("Exponential", "Beta"),
    ("Exponential", "Uniform"),
    ("Exponential", "Gamma"),
    ("Exponential", "Gumbel"),
    ("Exponential", "Normal"),
    ("Gamma", "Beta"),
    ("Gamma", "Uniform"),
    ("Gamma", "Exponential"),
    ("Gamma", "Gumbel"),
    ("Gamma", "Normal"),
    ("Gumbel", "Beta"),
    ("Gumbel", "Exponential"),
    ("Gumbel", "Gamma"),
    ("Gumbel", "Uniform"),
    ("Gumbel", "Normal"),
    ("Laplace", "Beta"),
    ("Laplace", "Exponential"),
    ("Laplace", "Gamma"),
    ("Laplace", "Uniform"),
    ("Laplace", "Normal"),
    ("Normal", "Beta"),
    ("Normal", "Exponential"),
    ("Normal", "Gamma"),
    ("Normal", "Uniform"),
    ("Normal", "Gumbel"),
    ("Normal", "Laplace"),
    ("Poisson", "Bernoulli"),
    ("Poisson", "Binomial"),
    ("UniformInside", "Beta"),
    ("UniformInside", "Exponential"),
    ("UniformInside", "Gamma"),
    ("Uniform", "Gumbel"),
    ("Uniform", "Normal"),
    ("Uniform", "Uniform"),
    ("Uniform", "Beta"),
    ("Chi2", "Gamma"),
    ("Gamma", "Chi2"),
]
_NO_GRAD = {"Binomial": [0]}  # total_count: an integer parameter, not differentiated


def _pair(p_name: str, q_name: str) -> tuple[Any, Any, list[Any], list[Any]]:
    """(ours, theirs, our leaves, their leaves) for KL(p || q)."""
    rng = _rng(p_name + "|" + q_name)
    arrays = {"p": MAKERS[p_name][0](rng), "q": MAKERS[q_name][0](rng)}
    ours, theirs, our_leaves, their_leaves = [], [], [], []
    for side, name in (("p", p_name), ("q", q_name)):
        grad = [i not in _NO_GRAD.get(name, []) for i in range(len(arrays[side]))]
        mine = [mg.tensor(a, requires_grad=g) for a, g in zip(arrays[side], grad)]
        its = [torch.tensor(a, requires_grad=g) for a, g in zip(arrays[side], grad)]
        ours.append(MAKERS[name][1](D, *mine))
        theirs.append(MAKERS[name][1](TD, *its))
        our_leaves += [t for t, g in zip(mine, grad) if g]
        their_leaves += [t for t, g in zip(its, grad) if g]
    return (ours[0], ours[1]), (theirs[0], theirs[1]), our_leaves, their_leaves


def _check_against_torch(p_name: str, q_name: str) -> None:
    (p, q), (tp, tq), leaves, their_leaves = _pair(p_name, q_name)
    ours = D.kl_divergence(p, q)
    theirs = TD.kl_divergence(tp, tq)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.dtype == mg.float64
    # (atol: a divergence near 0 is a difference of nearly equal terms, exact only to ~1e-17)
    np.testing.assert_allclose(
        ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-15
    )
    if not np.all(np.isfinite(theirs.detach().numpy())):
        return
    weights = np.random.default_rng(1).uniform(0.5, 1.5, tuple(theirs.shape))
    (ours * mg.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    for mine, its in zip(leaves, their_leaves):
        expected = np.zeros(tuple(its.shape)) if its.grad is None else its.grad.numpy()
        got = np.zeros(tuple(mine.shape)) if mine.grad is None else mine.grad.numpy()
        # (PyTorch's float64 trigamma, in the gradients of digamma terms, is good to ~1e-9)
        np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", SAME)
def test_same_type_pairs_match_torch(name: str) -> None:
    _check_against_torch(name, name)


@pytest.mark.parametrize("pair", CROSS, ids=lambda p: f"{p[0]}-{p[1]}")
def test_cross_pairs_match_torch(pair: tuple[str, str]) -> None:
    _check_against_torch(*pair)


def test_infinite_where_the_support_of_p_leaves_that_of_q() -> None:
    p = D.Uniform(mg.tensor([0.0, 0.2]), mg.tensor([1.0, 0.8]))
    q = D.Uniform(mg.tensor([0.1, 0.0]), mg.tensor([1.0, 1.0]))
    out = D.kl_divergence(p, q).numpy()
    assert out[0] == np.inf and np.isfinite(out[1])
    assert np.all(D.kl_divergence(D.Normal(0.0, 1.0), D.Exponential(1.0)).numpy() == np.inf)
    p_probs, q_probs = [0.5, 0.0, 1.0], [1.0, 0.3, 0.0]
    bern = D.kl_divergence(D.Bernoulli(mg.tensor(p_probs)), D.Bernoulli(mg.tensor(q_probs)))
    their = TD.kl_divergence(
        TD.Bernoulli(torch.tensor(p_probs)), TD.Bernoulli(torch.tensor(q_probs))
    )
    np.testing.assert_allclose(bern.numpy(), their.numpy(), rtol=1e-6)
    cat_p = mg.tensor([[0.5, 0.5, 0.0]])
    cat_q = mg.tensor([[0.5, 0.0, 0.5]])
    assert float(D.kl_divergence(D.Categorical(cat_p), D.Categorical(cat_q))) == np.inf
    assert float(D.kl_divergence(D.Categorical(cat_q), D.Categorical(cat_q))) == 0.0


def test_vae_kl_backpropagates_to_first_and_second_order() -> None:
    rng = np.random.default_rng(0)
    mu = mg.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    log_std = mg.tensor(0.3 * rng.standard_normal((4, 3)), requires_grad=True)

    def loss(m: mg.Tensor, s: mg.Tensor) -> mg.Tensor:
        return D.kl_divergence(D.Normal(m, s.exp()), D.Normal(0, 1)).sum(-1)

    assert mg.autograd.gradcheck(loss, (mu, log_std))
    assert mg.autograd.gradgradcheck(loss, (mu, log_std))
    loss(mu, log_std).sum().backward()
    # the closed form: d/dmu = mu, d/dlog_std = std^2 - 1
    np.testing.assert_allclose(mu.grad.numpy(), mu.detach().numpy(), rtol=1e-12)
    std2 = np.exp(2 * log_std.detach().numpy())
    np.testing.assert_allclose(log_std.grad.numpy(), std2 - 1, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", ["Gamma", "Beta", "Dirichlet", "MultivariateNormal", "Gumbel"])
def test_kl_gradcheck_to_second_order(name: str) -> None:
    rng = _rng("fd" + name)
    make, build = MAKERS[name]
    pa, qa = make(rng), make(rng)
    if name == "MultivariateNormal":  # keep the matrices lower-triangular under perturbation
        pa, qa = [a[:1, :1] for a in pa], [a[:1, :1] for a in qa]
    leaves = [mg.tensor(a, requires_grad=True) for a in [*pa, *qa]]
    n = len(pa)

    def f(*ts: mg.Tensor) -> mg.Tensor:
        ps = ts[:n]
        qs = ts[n:]
        if name == "MultivariateNormal":
            ps = (ps[0], ps[1].tril())
            qs = (qs[0], qs[1].tril())
        return D.kl_divergence(build(D, *ps), build(D, *qs))

    assert mg.autograd.gradcheck(f, tuple(leaves))
    assert mg.autograd.gradgradcheck(f, tuple(leaves))


def test_missing_pair_raises_pytorchs_error() -> None:
    p, q = D.Normal(0.0, 1.0), D.Categorical(mg.tensor([0.5, 0.5]))
    with pytest.raises(NotImplementedError) as ours:
        D.kl_divergence(p, q)
    with pytest.raises(NotImplementedError) as theirs:
        TD.kl_divergence(TD.Normal(0.0, 1.0), TD.Categorical(torch.tensor([0.5, 0.5])))
    assert str(ours.value) == str(theirs.value)
    expected = "No KL(p || q) is implemented for p type Normal and q type Categorical"
    assert str(ours.value) == expected


def test_independent_with_different_ndims_and_binomial_counts_raise() -> None:
    base = D.Normal(mg.zeros(2, 3), mg.ones(2, 3))
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Independent(base, 1), D.Independent(base, 2))
    p = D.Binomial(3, probs=mg.tensor([0.5]))
    q = D.Binomial(5, probs=mg.tensor([0.5]))
    with pytest.raises(NotImplementedError, match=r"q\.total_count > p\.total_count"):
        D.kl_divergence(p, q)
    assert float(D.kl_divergence(q, p)) == np.inf
    mvn2 = D.MultivariateNormal(mg.zeros(2), scale_tril=mg.eye(2))
    mvn3 = D.MultivariateNormal(mg.zeros(3), scale_tril=mg.eye(3))
    with pytest.raises(ValueError, match=r"different event shapes"):
        D.kl_divergence(mvn2, mvn3)


def test_register_kl_dispatches_to_the_most_specific_pair() -> None:
    class MyNormal(D.Normal):
        pass

    class MyOtherNormal(D.Normal):
        pass

    saved = dict(kl._KL_REGISTRY)
    try:
        p, q = MyNormal(0.0, 1.0), D.Normal(1.0, 2.0)
        inherited = float(D.kl_divergence(p, q))
        assert inherited == pytest.approx(float(D.kl_divergence(D.Normal(0.0, 1.0), q)))

        @D.register_kl(MyNormal, D.Normal)
        def _mine(p: Any, q: Any) -> mg.Tensor:
            return mg.tensor(42.0)

        assert float(D.kl_divergence(p, q)) == 42.0  # the memo was cleared
        assert float(D.kl_divergence(D.Normal(0.0, 1.0), q)) == pytest.approx(inherited)

        @D.register_kl(D.Normal, MyOtherNormal)
        def _theirs(p: Any, q: Any) -> mg.Tensor:
            return mg.tensor(7.0)

        with pytest.warns(RuntimeWarning, match=r"Ambiguous kl_divergence\(MyNormal, "):
            D.kl_divergence(p, MyOtherNormal(0.0, 1.0))
    finally:
        kl._KL_REGISTRY.clear()
        kl._KL_REGISTRY.update(saved)
        kl._KL_MEMOIZE.clear()


def test_register_kl_rejects_non_distributions() -> None:
    with pytest.raises(TypeError, match=r"Expected type_p to be a Distribution subclass"):
        D.register_kl(int, D.Normal)
    with pytest.raises(TypeError, match=r"Expected type_q to be a Distribution subclass"):
        D.register_kl(D.Normal, "Normal")  # type: ignore[arg-type]


def test_every_torch_pair_among_minigrads_distributions_is_registered() -> None:
    """The pairs of PyTorch's registry whose two types minigrad has (and HalfCauchy and
    LogNormal, which PyTorch reaches through TransformedDistribution)."""
    ours = {(p.__name__, q.__name__) for p, q in kl._KL_REGISTRY}
    names = set(D.__all__)
    theirs = {
        (p.__name__, q.__name__)
        for p, q in TD.kl._KL_REGISTRY
        if p.__name__ in names and q.__name__ in names
    }
    assert theirs <= ours, theirs - ours
