"""``minigrad.distributions.ExponentialFamily`` against ``torch.distributions.ExponentialFamily``.

Which classes derive from it (every class of both namespaces, and every instance of the parity
sweep), each member's natural parameters and log normalizer, the base class's Bregman entropy
and the KL rule registered for (ExponentialFamily, ExponentialFamily): values against PyTorch
(float64), gradients against finite differences (first and second order) and against PyTorch,
the dispatch order, and that neither leaves its mark on the parameters or the graph.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from distribution_oracle import _close

import minigrad as mg
from minigrad import distributions as D
from minigrad.distributions import exp_family, kl

torch = pytest.importorskip("torch")
TD = torch.distributions
from test_distributions_parity_sweep import CASES, MINI, TORCH  # noqa: E402

EF, TEF = D.ExponentialFamily, TD.ExponentialFamily

# PyTorch's members, read from its namespace (not listed by hand)
TORCH_MEMBERS = sorted(
    name
    for name, c in vars(TD).items()
    if isinstance(c, type) and issubclass(c, TEF) and c is not TEF
)

_rng = np.random.default_rng(7)
_A, _A2 = _rng.standard_normal((2, 3, 3)), _rng.standard_normal((2, 3, 3))


class _Lib:
    """A library as the builders see it: its distributions, ``eye`` and float64 tensors."""

    def __init__(self, module: Any) -> None:
        self.module, self.D = module, module.distributions

    def T(self, values: Any, requires_grad: bool = False) -> Any:
        return self.module.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)

    def spd(self, a: Any) -> Any:
        """a a^T + 3 I: symmetric positive-definite for any a."""
        return a @ a.transpose(-1, -2) + 3 * self.module.eye(3, dtype=a.dtype)


MG, TH = _Lib(mg), _Lib(torch)

# member -> cases (a builder from a library and tensors, p's parameters, q's parameters)
Build = Callable[..., Any]
SPECS: dict[str, list[tuple[Build, list[Any], list[Any]]]] = {
    "Bernoulli": [
        (lambda L, p: L.D.Bernoulli(probs=p), [[0.3, 0.8]], [[0.6, 0.45]]),
        (lambda L, x: L.D.Bernoulli(logits=x), [[-0.4, 1.7]], [[0.9, -1.1]]),
    ],
    "Beta": [(lambda L, a, b: L.D.Beta(a, b), [[0.5, 2.0], [1.5, 3.0]], [[1.2, 0.7], [2.0, 1.1]])],
    "Chi2": [(lambda L, k: L.D.Chi2(k), [[1.5, 4.0]], [[3.0, 2.5]])],
    "ContinuousBernoulli": [
        (lambda L, p: L.D.ContinuousBernoulli(probs=p), [[0.3, 0.8]], [[0.6, 0.2]]),
        # 0.0004 lies where the log normalizer is its Taylor expansion
        (lambda L, x: L.D.ContinuousBernoulli(logits=x), [[0.0004, 1.2]], [[-0.7, 0.0002]]),
    ],
    "Dirichlet": [
        (
            lambda L, c: L.D.Dirichlet(c),
            [[[0.5, 1.5, 2.0], [2.0, 3.0, 4.0]]],
            [[[1.0, 0.8, 2.5], [0.6, 3.5, 1.5]]],
        )
    ],
    "Exponential": [(lambda L, r: L.D.Exponential(r), [[0.5, 2.0]], [[1.5, 0.8]])],
    "Gamma": [
        (lambda L, c, r: L.D.Gamma(c, r), [[0.5, 3.0], [1.0, 2.5]], [[2.0, 1.5], [0.7, 3.0]])
    ],
    "Normal": [
        (lambda L, m, s: L.D.Normal(m, s), [[0.3, -1.0], [0.5, 2.0]], [[1.0, 0.2], [1.5, 0.8]])
    ],
    "Poisson": [(lambda L, r: L.D.Poisson(r), [[0.5, 3.0]], [[1.5, 2.0]])],
    "Wishart": [
        (
            lambda L, df, a: L.D.Wishart(df, covariance_matrix=L.spd(a)),
            [[6.0, 7.5], _A],
            [[5.0, 9.0], _A2],
        )
    ],
}
CASE_IDS = [(name, i) for name in SPECS for i in range(len(SPECS[name]))]
# the members whose PyTorch class defines _mean_carrier_measure (the others' entropy raises)
WITH_CARRIER = [(n, i) for n, i in CASE_IDS if n not in ("Beta", "Dirichlet", "Poisson")]


def _build(lib: _Lib, name: str, i: int, which: int = 1, grad: bool = False) -> Any:
    build, *params = SPECS[name][i]
    tensors = [lib.T(v, requires_grad=grad) for v in params[which - 1]]
    return build(lib, *tensors), tensors


def _ids(cases: list[tuple[str, int]]) -> list[str]:
    return [f"{n}{i}" for n, i in cases]


# ---------------------------------------------------------------------------------------------
# Where it lives, and who derives from it


def test_exported_where_pytorch_exports_it() -> None:
    assert D.ExponentialFamily is exp_family.ExponentialFamily is D.exp_family.ExponentialFamily
    assert issubclass(EF, D.Distribution) and "ExponentialFamily" in D.__all__
    assert "exp_family" in D.__all__ and exp_family.__all__ == TD.exp_family.__all__
    assert set(TD.__all__) <= set(D.__all__)


def test_every_member_of_pytorch_has_a_case() -> None:
    assert sorted(SPECS) == TORCH_MEMBERS
    assert "Normal" in TORCH_MEMBERS and "Laplace" not in TORCH_MEMBERS


def _distribution_classes(namespace: Any, base: type) -> set[str]:
    return {n for n, c in vars(namespace).items() if isinstance(c, type) and issubclass(c, base)}


ALL_CLASSES = sorted(
    _distribution_classes(TD, TD.Distribution) | _distribution_classes(D, D.Distribution)
)


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_a_class_derives_from_it_as_in_pytorch(name: str) -> None:
    """Every distribution class of either namespace is in both, and is a member in both or in
    neither."""
    ours, theirs = getattr(D, name), getattr(TD, name)
    assert issubclass(ours, EF) is issubclass(theirs, TEF), name


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_instance_is_one_as_in_pytorch(name: str) -> None:
    """``isinstance(d, ExponentialFamily)`` for every instance the parity sweep builds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Distribution() has no arg_constraints
        for build in CASES[name]:
            assert isinstance(build(MINI), EF) is isinstance(build(TORCH), TEF), name


@pytest.mark.parametrize("name", TORCH_MEMBERS)
def test_a_member_keeps_its_own_entropy_as_in_pytorch(name: str) -> None:
    """The closed forms stay; a member without one (Poisson) falls back on the base's."""
    ours, theirs = getattr(D, name), getattr(TD, name)
    assert (ours.entropy is EF.entropy) is (theirs.entropy is TEF.entropy), name
    assert (ours.__dict__.get("_mean_carrier_measure")) == (
        theirs.__dict__.get("_mean_carrier_measure")
    )


# ---------------------------------------------------------------------------------------------
# Values against PyTorch


@pytest.mark.parametrize(("name", "i"), CASE_IDS, ids=_ids(CASE_IDS))
def test_natural_params_and_log_normalizer_match_torch(name: str, i: int) -> None:
    ours, _ = _build(MG, name, i)
    theirs, _ = _build(TH, name, i)
    assert len(ours._natural_params) == len(theirs._natural_params)
    for a, b in zip(ours._natural_params, theirs._natural_params):
        _close(a, b, rtol=1e-12)
    _close(
        ours._log_normalizer(*ours._natural_params),
        theirs._log_normalizer(*theirs._natural_params),
        rtol=1e-12,
    )


@pytest.mark.parametrize(("name", "i"), CASE_IDS, ids=_ids(CASE_IDS))
def test_base_entropy_matches_torch(name: str, i: int) -> None:
    """``ExponentialFamily.entropy(d)``: torch's values, or its NotImplementedError where the
    family does not define its carrier measure."""
    ours, _ = _build(MG, name, i)
    theirs, _ = _build(TH, name, i)
    if (name, i) not in WITH_CARRIER:
        with pytest.raises(NotImplementedError):
            TEF.entropy(theirs)
        with pytest.raises(NotImplementedError, match=rf"{name} does not define _mean_carrier"):
            EF.entropy(ours)
        return
    _close(EF.entropy(ours), TEF.entropy(theirs), rtol=1e-10)
    _close(EF.entropy(ours), theirs.entropy(), rtol=1e-10)  # and the closed form
    assert ours.entropy().shape == ours.batch_shape


def test_base_entropy_of_an_unbatched_normal() -> None:
    ours = EF.entropy(D.Normal(MG.T(0.3), MG.T(0.5)))
    _close(ours, TEF.entropy(TD.Normal(TH.T(0.3), TH.T(0.5))))
    assert ours.shape == ()


# ---------------------------------------------------------------------------------------------
# Gradients of the base entropy


def _grad(t: Any) -> np.ndarray:
    """A PyTorch leaf's gradient; zeros where it did not reach the leaf (Normal's entropy
    does not depend on loc; minigrad's Bregman form does, through terms that cancel)."""
    return np.zeros(tuple(t.shape)) if t.grad is None else t.grad.numpy()


def _entropy_fn(name: str, i: int) -> Callable[..., Any]:
    build = SPECS[name][i][0]
    return lambda *params: EF.entropy(build(MG, *params)).sum()


@pytest.mark.parametrize(("name", "i"), WITH_CARRIER, ids=_ids(WITH_CARRIER))
def test_base_entropy_gradients_pass_finite_differences(name: str, i: int) -> None:
    _, params = _build(MG, name, i, grad=True)
    fn = _entropy_fn(name, i)
    assert mg.gradcheck(fn, params)
    assert mg.gradgradcheck(fn, params)


@pytest.mark.parametrize(("name", "i"), WITH_CARRIER, ids=_ids(WITH_CARRIER))
def test_base_entropy_gradients_match_torch(name: str, i: int) -> None:
    """PyTorch's base entropy detaches the natural parameters (no gradient reaches its
    parameters), so the oracle is the gradient of its closed-form entropy: the same function."""
    ours, params = _build(MG, name, i, grad=True)
    theirs, tparams = _build(TH, name, i, grad=True)
    EF.entropy(ours).sum().backward()
    theirs.entropy().sum().backward()
    for p, tp in zip(params, tparams):
        np.testing.assert_allclose(p.grad.numpy(), _grad(tp), rtol=1e-8, atol=1e-10)


def test_torch_base_entropy_is_cut_from_the_parameters() -> None:
    """What differs from PyTorch, checked to still differ: its result does not reach loc."""
    scale = TH.T([0.5, 2.0], requires_grad=True)
    result = TEF.entropy(TD.Normal(TH.T([0.3, -1.0]), scale))
    with pytest.raises(RuntimeError):
        torch.autograd.grad(result.sum(), scale)
    ours = MG.T([0.5, 2.0], requires_grad=True)
    (g,) = mg.autograd.grad(EF.entropy(D.Normal(MG.T([0.3, -1.0]), ours)).sum(), ours)
    np.testing.assert_allclose(g.numpy(), 1 / np.array([0.5, 2.0]), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# No mark on the parameters, no graph left behind


def test_entropy_leaves_parameters_and_graph_alone() -> None:
    """No parameter requires grad: the result has no graph, and the tensors given (some are
    natural parameters themselves: ContinuousBernoulli's logits, Dirichlet's concentration)
    still do not require grad, and have no gradient."""
    logits, rate, conc = MG.T([0.4, -1.2]), MG.T([0.5, 2.0]), MG.T([[0.5, 1.5, 2.0]])
    for d in (
        D.ContinuousBernoulli(logits=logits),
        D.Exponential(rate),
        D.Normal(logits, rate),
        D.Gamma(rate, rate),
    ):
        result = EF.entropy(d)
        assert not result.requires_grad and result.grad_fn is None
    result = kl._kl_expfamily_expfamily(D.Dirichlet(conc), D.Dirichlet(conc * 2))
    assert not result.requires_grad and result.grad_fn is None
    for t in (logits, rate, conc):
        assert not t.requires_grad and t.grad is None and t.is_leaf


def test_entropy_with_parameters_that_require_grad_accumulates_nothing() -> None:
    concentration, rate = MG.T([0.5, 3.0], requires_grad=True), MG.T([1.0, 2.5])
    d = D.Gamma(concentration, rate)
    first = EF.entropy(d)
    second = EF.entropy(d)
    assert first.requires_grad and second.requires_grad
    assert concentration.grad is None and concentration.is_leaf and concentration.requires_grad
    assert not rate.requires_grad and rate.grad is None
    (first + second).sum().backward()
    tc = TH.T([0.5, 3.0], requires_grad=True)
    TD.Gamma(tc, TH.T([1.0, 2.5])).entropy().sum().backward()
    np.testing.assert_allclose(concentration.grad.numpy(), 2 * tc.grad.numpy(), rtol=1e-8)
    assert rate.grad is None


def test_entropy_under_no_grad_is_a_value_without_graph() -> None:
    """PyTorch's raises under no_grad (its log normalizer is not recorded); minigrad's
    computes grad F regardless and returns the value, detached."""
    loc, scale = MG.T([0.3, -1.0], requires_grad=True), MG.T([0.5, 2.0], requires_grad=True)
    with mg.no_grad():
        result = EF.entropy(D.Normal(loc, scale))
    assert not result.requires_grad and result.grad_fn is None
    assert loc.grad is None and scale.grad is None and loc.requires_grad
    _close(result, TD.Normal(TH.T([0.3, -1.0]), TH.T([0.5, 2.0])).entropy())
    with torch.no_grad(), pytest.raises(RuntimeError):
        TEF.entropy(TD.Normal(TH.T([0.3, -1.0]), TH.T([0.5, 2.0], requires_grad=True)))


class _ChainedNormal(D.Normal):
    """A Normal whose second natural parameter is computed from its first: -1 / (2 s^2) =
    -theta_1 / (2 loc)."""

    @property
    def _natural_params(self) -> tuple[mg.Tensor, mg.Tensor]:
        first = self.loc / self.scale.pow(2)
        return first, -0.5 * first / self.loc


def test_grad_f_is_the_partial_derivative_when_one_parameter_is_computed_from_another() -> None:
    loc, scale = MG.T([0.3, -1.0], requires_grad=True), MG.T([0.5, 2.0], requires_grad=True)
    result = EF.entropy(_ChainedNormal(loc, scale))
    _close(result, TD.Normal(TH.T([0.3, -1.0]), TH.T([0.5, 2.0])).entropy())
    assert mg.gradcheck(lambda m, s: EF.entropy(_ChainedNormal(m, s)).sum(), (loc, scale))


def test_a_subclass_missing_a_part_raises_naming_it() -> None:
    class Mine(EF):
        arg_constraints = {}  # noqa: RUF012

    class Theirs(TEF):
        arg_constraints = {}  # noqa: RUF012

    with pytest.raises(NotImplementedError):
        TEF.entropy(Theirs())
    with pytest.raises(NotImplementedError, match=r"Mine does not define _mean_carrier_measure"):
        Mine().entropy()
    Mine._mean_carrier_measure = 0  # type: ignore[misc, assignment]
    with pytest.raises(NotImplementedError, match=r"Mine does not define _natural_params"):
        Mine().entropy()
    with pytest.raises(NotImplementedError, match=r"Mine does not define _log_normalizer"):
        Mine()._log_normalizer(MG.T(1.0))


# ---------------------------------------------------------------------------------------------
# KL(p || q) by the Bregman divergence


def _wishart_kl(df1: Any, s1: Any, df2: Any, s2: Any) -> Any:
    """The closed form, in PyTorch's ops: -(n2/2) log det(S2^-1 S1) + (n1/2)(tr(S2^-1 S1) - p)
    + log Gamma_p(n2/2) - log Gamma_p(n1/2) + ((n1 - n2)/2) psi_p(n1/2)."""
    p = s1.shape[-1]
    m = torch.linalg.solve(s2, s1)
    psi = sum(torch.digamma(df1 / 2 - j / 2) for j in range(p))
    return (
        -df2 / 2 * torch.logdet(m)
        + df1 / 2 * (m.diagonal(dim1=-2, dim2=-1).sum(-1) - p)
        + torch.mvlgamma(df2 / 2, p)
        - torch.mvlgamma(df1 / 2, p)
        + (df1 - df2) / 2 * psi
    )


@pytest.mark.parametrize(("name", "i"), CASE_IDS, ids=_ids(CASE_IDS))
def test_bregman_kl_matches_torch(name: str, i: int) -> None:
    """Against PyTorch's _kl_expfamily_expfamily, and against the registered closed form of
    the family (minigrad's, itself checked against PyTorch's in test_kl_divergence.py)."""
    p, _ = _build(MG, name, i, 1)
    q, _ = _build(MG, name, i, 2)
    tp, _ = _build(TH, name, i, 1)
    tq, _ = _build(TH, name, i, 2)
    ours = kl._kl_expfamily_expfamily(p, q)
    assert ours.shape == p.batch_shape
    if name == "Wishart":  # PyTorch's sums the df term over the batch: one at a time
        theirs = torch.stack(
            [TD.kl._kl_expfamily_expfamily(a, b) for a, b in zip(_unbatch(tp), _unbatch(tq))]
        )
        _close(ours, theirs, rtol=1e-9)
        _close(ours, _wishart_kl(tp.df, tp.covariance_matrix, tq.df, tq.covariance_matrix))
        _close(ours, D.kl_divergence(p, q), rtol=1e-12)  # the rule kl_divergence dispatches to
        return
    _close(ours, TD.kl._kl_expfamily_expfamily(tp, tq), rtol=1e-9)
    _close(ours, D.kl_divergence(p, q), rtol=1e-8)


def _unbatch(d: Any) -> list[Any]:
    return [TD.Wishart(d.df[j], covariance_matrix=d.covariance_matrix[j]) for j in range(2)]


def test_torch_batched_wishart_kl_still_differs() -> None:
    """What differs from PyTorch, checked to still differ: its batched Wishart KL."""
    tp, _ = _build(TH, "Wishart", 0, 1)
    tq, _ = _build(TH, "Wishart", 0, 2)
    right = _wishart_kl(tp.df, tp.covariance_matrix, tq.df, tq.covariance_matrix)
    assert not torch.allclose(TD.kl_divergence(tp, tq), right)


def _kl_fn(name: str, i: int) -> Callable[..., Any]:
    build, p_params, _ = SPECS[name][i]
    n = len(p_params)

    def fn(*params: Any) -> Any:
        p, q = build(MG, *params[:n]), build(MG, *params[n:])
        return kl._kl_expfamily_expfamily(p, q).sum()

    return fn


def _both(lib: _Lib, name: str, i: int) -> tuple[Any, Any, list[Any]]:
    p, p_params = _build(lib, name, i, 1, grad=True)
    q, q_params = _build(lib, name, i, 2, grad=True)
    return p, q, p_params + q_params


@pytest.mark.parametrize(("name", "i"), CASE_IDS, ids=_ids(CASE_IDS))
def test_bregman_kl_gradients_pass_finite_differences(name: str, i: int) -> None:
    _, _, params = _both(MG, name, i)
    assert mg.gradcheck(_kl_fn(name, i), params)
    assert mg.gradgradcheck(_kl_fn(name, i), params)


@pytest.mark.parametrize(("name", "i"), CASE_IDS, ids=_ids(CASE_IDS))
def test_bregman_kl_gradients_match_torch(name: str, i: int) -> None:
    """PyTorch's rule detaches p's natural parameters: the oracle for p's gradients is the
    family's closed form (Wishart's written out above), for q's PyTorch's own rule too."""
    p, q, params = _both(MG, name, i)
    tp, tq, tparams = _both(TH, name, i)
    kl._kl_expfamily_expfamily(p, q).sum().backward()
    if name == "Wishart":
        _wishart_kl(tp.df, tp.covariance_matrix, tq.df, tq.covariance_matrix).sum().backward()
    else:
        TD.kl_divergence(tp, tq).sum().backward()
    for a, b in zip(params, tparams):
        np.testing.assert_allclose(a.grad.numpy(), _grad(b), rtol=1e-7, atol=1e-10)
    if name == "Wishart":
        return
    n = len(SPECS[name][i][1])
    q_only = [t.detach().requires_grad_() for t in tparams[n:]]
    build = SPECS[name][i][0]
    detached_p = build(TH, *[t.detach() for t in tparams[:n]])
    TD.kl._kl_expfamily_expfamily(detached_p, build(TH, *q_only)).sum().backward()
    for a, b in zip(params[n:], q_only):
        np.testing.assert_allclose(a.grad.numpy(), _grad(b), rtol=1e-7, atol=1e-10)


# ---------------------------------------------------------------------------------------------
# Dispatch: which pairs reach the rule, and the cross-family error


SHARED = sorted(
    n
    for n in _distribution_classes(TD, TD.Distribution)
    if n not in ("Distribution", "ExponentialFamily")
)


def test_the_rule_is_dispatched_for_the_pairs_pytorch_dispatches_it() -> None:
    """Over every ordered pair of distribution classes: PyTorch's lookup order."""
    disagree = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an ambiguous pair warns in both
        for a in SHARED:
            for b in SHARED:
                ours = kl._dispatch_kl(getattr(D, a), getattr(D, b))
                theirs = TD.kl._dispatch_kl(getattr(TD, a), getattr(TD, b))
                is_ours = ours is kl._kl_expfamily_expfamily
                if is_ours is not (theirs is TD.kl._kl_expfamily_expfamily):
                    disagree.append((a, b))
    assert disagree == []
    assert kl._dispatch_kl(D.Wishart, D.Wishart) is kl._kl_expfamily_expfamily
    assert kl._dispatch_kl(D.Chi2, D.Gamma) is kl._kl_gamma_gamma


CROSS = [
    (a, b)
    for a in TORCH_MEMBERS
    for b in TORCH_MEMBERS
    if TD.kl._dispatch_kl(getattr(TD, a), getattr(TD, b)) is TD.kl._kl_expfamily_expfamily
    and a != b
]


@pytest.mark.parametrize(("a", "b"), CROSS, ids=[f"{a}-{b}" for a, b in CROSS])
def test_members_of_different_families_raise_as_torch(a: str, b: str) -> None:
    p, _ = _build(MG, a, 0)
    q, _ = _build(MG, b, 0)
    tp, _ = _build(TH, a, 0)
    tq, _ = _build(TH, b, 0)
    with pytest.raises(NotImplementedError, match=r"different exponential families"):
        TD.kl_divergence(tp, tq)
    words = rf"different exponential families .*\(p is {a}, q is {b}\)"
    with pytest.raises(NotImplementedError, match=words):
        D.kl_divergence(p, q)


def test_a_subclass_of_a_member_is_another_family() -> None:
    """type(p) is not type(q): PyTorch's test, so a subclass of Wishart against Wishart
    raises in both."""

    class MyWishart(D.Wishart):
        pass

    class TheirWishart(TD.Wishart):
        pass

    p, _ = _build(MG, "Wishart", 0)
    tp, _ = _build(TH, "Wishart", 0)
    mine = MyWishart(MG.T([6.0, 7.5]), covariance_matrix=p.covariance_matrix)
    theirs = TheirWishart(TH.T([6.0, 7.5]), covariance_matrix=tp.covariance_matrix)
    with pytest.raises(NotImplementedError):
        TD.kl_divergence(theirs, tp)
    with pytest.raises(NotImplementedError, match=r"p is MyWishart, q is Wishart"):
        D.kl_divergence(mine, p)
    assert math.isclose(float(D.kl_divergence(mine, mine).sum()), 0.0, abs_tol=1e-12)
