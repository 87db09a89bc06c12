"""minigrad.distributions against torch.distributions: Categorical, Normal and Bernoulli.

Values, shapes and dtypes of probs/logits, log_prob, entropy, cdf, mean and variance compared
with PyTorch in float64; gradients by finite differences (first and second order) and against
PyTorch; sampling reproducible under ``minigrad.manual_seed`` and drawing the right
frequencies; every argument error PyTorch raises, with its message; transposed, strided and
Fortran-ordered parameters and values give torch's values and gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from distribution_oracle import _same_error, _t

import minigrad as mg
from minigrad.distributions import Bernoulli, Categorical, Distribution, Normal


def _torch_t(torch: Any, a: Any, requires_grad: bool = False) -> Any:
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def _close(ours: mg.Tensor, theirs: Any) -> None:
    theirs = theirs.detach().numpy()
    assert tuple(ours.shape) == theirs.shape, (ours.shape, theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# Reaching the module as PyTorch programs do


def test_the_module_is_reached_as_torch_distributions() -> None:
    import minigrad as torch
    from minigrad.distributions.bernoulli import Bernoulli as B
    from minigrad.distributions.categorical import Categorical as C
    from minigrad.distributions.normal import Normal as N

    assert torch.distributions.Categorical is C is Categorical
    assert (N, B) == (Normal, Bernoulli)
    assert issubclass(Categorical, torch.distributions.Distribution)


def test_a_name_of_torch_distributions_minigrad_lacks_says_so() -> None:
    missing = r"minigrad does not have torch\.distributions\.utils"
    with pytest.raises(AttributeError, match=missing):
        _ = mg.distributions.utils  # type: ignore[attr-defined]


def test_size_arithmetic_keeps_a_size() -> None:
    """batch_shape + event_shape is a Size, as torch.Size's arithmetic gives (it was a tuple)."""
    torch = pytest.importorskip("torch")
    for a, b in (((2,), (3, 4)), ((), (1,)), ((5,), ())):
        assert repr(mg.Size(a) + mg.Size(b)) == repr(torch.Size(a) + torch.Size(b)).replace(
            "torch", "minigrad"
        )
        assert repr(mg.Size(a) + b) == repr(torch.Size(a) + b).replace("torch", "minigrad")
        assert repr(b + mg.Size(a)) == repr(b + torch.Size(a)).replace("torch", "minigrad")
    assert repr(mg.Size([2]) * 2) == "minigrad.Size([2, 2])"
    assert repr(2 * mg.Size([2])) == "minigrad.Size([2, 2])"


# ---------------------------------------------------------------------------------------------
# Categorical

PROBS = [[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]]
LOGITS = [[0.3, -1.2, 2.0], [0.0, 0.5, -0.5]]


@pytest.mark.parametrize("param", ["probs", "logits"])
@pytest.mark.parametrize("batched", [False, True])
def test_categorical_matches_torch(param: str, batched: bool) -> None:
    torch = pytest.importorskip("torch")
    raw = np.asarray(PROBS if param == "probs" else LOGITS) * (3.0 if param == "probs" else 1.0)
    raw = raw if batched else raw[0]
    ours = Categorical(**{param: _t(raw)})
    theirs = torch.distributions.Categorical(**{param: _torch_t(torch, raw)})
    _close(ours.probs, theirs.probs)
    _close(ours.logits, theirs.logits)
    _close(ours.entropy(), theirs.entropy())
    _close(ours.mode, theirs.mode)
    _close(ours.enumerate_support(), theirs.enumerate_support())
    _close(ours.enumerate_support(expand=False), theirs.enumerate_support(expand=False))
    values = ([2, 0], [[0, 1], [2, 2], [1, 0]], 1) if batched else (2, [2, 0, 1], [[0], [1]])
    for value in values:
        _close(ours.log_prob(mg.tensor(value)), theirs.log_prob(torch.tensor(value)))
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape) == ()
    assert repr(ours) == repr(theirs).replace("torch", "minigrad")
    assert repr(ours.support) == repr(theirs.support)
    assert tuple(ours.param_shape) == tuple(theirs.param_shape)
    assert np.isnan(ours.mean.numpy()).all() and ours.mean.shape == theirs.mean.shape


@pytest.mark.parametrize("param", ["probs", "logits"])
def test_categorical_log_prob_and_entropy_are_differentiable(param: str) -> None:
    """Composed of differentiable ops: finite differences agree, to first and second order."""
    raw = np.asarray(PROBS if param == "probs" else LOGITS)
    value = mg.tensor([2, 1])

    def log_prob(p: mg.Tensor) -> mg.Tensor:
        return Categorical(**{param: p}).log_prob(value)

    def entropy(p: mg.Tensor) -> mg.Tensor:
        return Categorical(**{param: p}).entropy()

    for fn in (log_prob, entropy):
        assert mg.gradcheck(fn, (_t(raw, True),))
        assert mg.gradgradcheck(fn, (_t(raw, True),))


@pytest.mark.parametrize("param", ["probs", "logits"])
def test_categorical_gradients_match_torch(param: str) -> None:
    torch = pytest.importorskip("torch")
    raw = np.asarray(PROBS if param == "probs" else LOGITS)
    weights = np.array([1.5, -0.5])
    grads = []
    for lib, make in ((mg, _t), (torch, lambda a, g=False: _torch_t(torch, a, g))):
        p = make(raw, True)
        m = (Categorical if lib is mg else torch.distributions.Categorical)(**{param: p})
        loss = -(m.log_prob(lib.tensor([2, 0])) * make(weights)).sum() - m.entropy().sum()
        loss.backward()
        grads.append(p.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-12)


def test_categorical_samples_repeat_under_manual_seed_and_follow_probs() -> None:
    m = Categorical(probs=_t(PROBS))
    mg.manual_seed(0)
    first = m.sample((4000,))
    mg.manual_seed(0)
    again = m.sample((4000,))
    assert first.dtype == mg.int64 and tuple(first.shape) == (4000, 2)
    assert np.array_equal(first.numpy(), again.numpy())
    assert not first.requires_grad
    counts = np.stack([np.bincount(first.numpy()[:, i], minlength=3) / 4000 for i in range(2)])
    np.testing.assert_allclose(counts, PROBS, atol=0.03)
    assert tuple(m.sample().shape) == (2,)
    one = Categorical(_t([0.0, 1.0]))
    assert one.sample().item() == 1 and tuple(one.sample().shape) == ()
    # the probabilities are normalised, as PyTorch does; logits too (to log-probabilities)
    np.testing.assert_allclose(Categorical(_t([2.0, 6.0])).probs.numpy(), [0.25, 0.75])
    np.testing.assert_allclose(Categorical(logits=_t([0.0, 0.0])).logits.exp().numpy(), [0.5, 0.5])


def test_categorical_argument_errors_match_torch() -> None:
    torch = pytest.importorskip("torch")
    TC = torch.distributions.Categorical
    p, tp = _t([0.2, 0.8]), _torch_t(torch, [0.2, 0.8])
    _same_error(lambda: Categorical(), lambda: TC())
    _same_error(lambda: Categorical(p, logits=p), lambda: TC(tp, logits=tp))
    _same_error(lambda: Categorical(_t(0.5)), lambda: TC(_torch_t(torch, 0.5)))
    _same_error(lambda: Categorical(logits=_t(0.5)), lambda: TC(logits=_torch_t(torch, 0.5)))
    bad = [-1.0, 2.0]
    _same_error(lambda: Categorical(_t(bad)), lambda: TC(_torch_t(torch, bad)))
    nan = [0.0, float("nan")]
    _same_error(lambda: Categorical(logits=_t(nan)), lambda: TC(logits=_torch_t(torch, nan)))
    m, tm = Categorical(p), TC(tp)
    _same_error(lambda: m.log_prob(mg.tensor(2)), lambda: tm.log_prob(torch.tensor(2)))
    _same_error(lambda: m.log_prob(1), lambda: tm.log_prob(1))
    batched, tbatched = Categorical(_t(PROBS)), TC(_torch_t(torch, PROBS))
    _same_error(
        lambda: batched.log_prob(mg.tensor([0, 1, 2])),
        lambda: tbatched.log_prob(torch.tensor([0, 1, 2])),
    )
    # without validation, nothing is checked (as PyTorch)
    assert Categorical(_t(bad), validate_args=False).probs.shape == (2,)


def test_expand_of_a_subclass_without_one_is_refused_naming_what_to_do() -> None:
    with pytest.raises(NotImplementedError, match=r"Distribution.expand\(\): .*define expand"):
        Distribution().expand((3,))


def test_default_validation_can_be_turned_off() -> None:
    try:
        Distribution.set_default_validate_args(False)
        assert Categorical(_t([-1.0, 2.0])).probs.shape == (2,)
    finally:
        Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError, match="Simplex"):
        Categorical(_t([-1.0, 2.0]))
    with pytest.raises(ValueError):
        Distribution.set_default_validate_args("yes")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Normal

LOC, SCALE = [[0.5, -1.0, 2.0]], [[1.0], [0.3]]


def test_normal_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    ours = Normal(_t(LOC), _t(SCALE))
    theirs = torch.distributions.Normal(_torch_t(torch, LOC), _torch_t(torch, SCALE))
    value = [[0.1, 0.2, -3.0], [1.0, 2.5, 0.0]]
    _close(ours.log_prob(_t(value)), theirs.log_prob(_torch_t(torch, value)))
    _close(ours.cdf(_t(value)), theirs.cdf(_torch_t(torch, value)))
    _close(ours.icdf(_t([0.2, 0.5, 0.9])), theirs.icdf(_torch_t(torch, [0.2, 0.5, 0.9])))
    _close(ours.entropy(), theirs.entropy())
    for name in ("mean", "mode", "stddev", "variance"):
        _close(getattr(ours, name), getattr(theirs, name))
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape) == (2, 3)
    assert repr(ours) == repr(theirs).replace("torch", "minigrad")
    numbers = Normal(0.0, 2.0)
    _close(
        numbers.log_prob(_t(1.0)),
        torch.distributions.Normal(0.0, 2.0).log_prob(_torch_t(torch, 1.0)),
    )
    assert tuple(numbers.batch_shape) == () and numbers.loc.dtype == mg.get_default_dtype()


def test_normal_rsample_carries_gradient_and_sample_does_not() -> None:
    loc, scale = _t([0.0, 1.0], True), _t([1.0, 2.0], True)
    m = Normal(loc, scale)
    mg.manual_seed(3)
    x = m.rsample((5,))
    mg.manual_seed(3)
    y = m.sample((5,))
    assert tuple(x.shape) == (5, 2) and x.requires_grad and not y.requires_grad
    np.testing.assert_allclose(x.detach().numpy(), y.numpy())  # the same draws
    x.sum().backward()
    eps = (x.detach().numpy() - [0.0, 1.0]) / [1.0, 2.0]
    np.testing.assert_allclose(loc.grad.numpy(), [5.0, 5.0])
    np.testing.assert_allclose(scale.grad.numpy(), eps.sum(0))
    mg.manual_seed(0)
    many = Normal(_t(2.0), _t(0.5)).sample((20000,)).numpy()
    assert abs(many.mean() - 2.0) < 0.02 and abs(many.std() - 0.5) < 0.02


def test_normal_log_prob_and_entropy_are_differentiable() -> None:
    value = _t([[0.1, 0.2, -3.0], [1.0, 2.5, 0.0]])

    def log_prob(loc: mg.Tensor, scale: mg.Tensor) -> mg.Tensor:
        return Normal(loc, scale).log_prob(value)

    def entropy(loc: mg.Tensor, scale: mg.Tensor) -> mg.Tensor:
        return Normal(loc, scale).entropy()

    for fn in (log_prob, entropy):
        assert mg.gradcheck(fn, (_t(LOC, True), _t(SCALE, True)))
        assert mg.gradgradcheck(fn, (_t(LOC, True), _t(SCALE, True)))


def test_normal_argument_errors_match_torch() -> None:
    torch = pytest.importorskip("torch")
    TN = torch.distributions.Normal
    _same_error(
        lambda: Normal(_t([0.0]), _t([-1.0])),
        lambda: TN(_torch_t(torch, [0.0]), _torch_t(torch, [-1.0])),
    )
    _same_error(
        lambda: Normal(_t([0.0, 1.0]), _t([1.0, 1.0, 1.0])),
        lambda: TN(_torch_t(torch, [0.0, 1.0]), _torch_t(torch, [1.0, 1.0, 1.0])),
    )
    _same_error(lambda: Normal("0", 1.0), lambda: TN("0", 1.0))
    m, tm = Normal(_t([0.0, 1.0]), 1.0), TN(_torch_t(torch, [0.0, 1.0]), 1.0)
    _same_error(lambda: m.log_prob(0.5), lambda: tm.log_prob(0.5))
    _same_error(
        lambda: m.log_prob(_t([0.0, 1.0, 2.0])), lambda: tm.log_prob(_torch_t(torch, [0, 1, 2.0]))
    )


# ---------------------------------------------------------------------------------------------
# Bernoulli


@pytest.mark.parametrize("param", ["probs", "logits"])
def test_bernoulli_matches_torch(param: str) -> None:
    torch = pytest.importorskip("torch")
    raw = [0.2, 0.5, 0.9] if param == "probs" else [-1.0, 0.0, 3.0]
    ours = Bernoulli(**{param: _t(raw)})
    theirs = torch.distributions.Bernoulli(**{param: _torch_t(torch, raw)})
    for name in ("probs", "logits", "mean", "variance"):
        _close(getattr(ours, name), getattr(theirs, name))
    _close(ours.entropy(), theirs.entropy())
    value = [1.0, 0.0, 1.0]
    _close(ours.log_prob(_t(value)), theirs.log_prob(_torch_t(torch, value)))
    _close(ours.enumerate_support(), theirs.enumerate_support())
    assert repr(ours) == repr(theirs).replace("torch", "minigrad")
    scalar = Bernoulli(0.3)
    assert tuple(scalar.batch_shape) == () and scalar.probs.dtype == mg.get_default_dtype()


@pytest.mark.parametrize("param", ["probs", "logits"])
def test_bernoulli_log_prob_and_entropy_are_differentiable(param: str) -> None:
    raw = [0.2, 0.5, 0.9] if param == "probs" else [-1.0, 0.0, 3.0]
    value = _t([1.0, 0.0, 1.0])

    def log_prob(p: mg.Tensor) -> mg.Tensor:
        return Bernoulli(**{param: p}).log_prob(value)

    def entropy(p: mg.Tensor) -> mg.Tensor:
        return Bernoulli(**{param: p}).entropy()

    for fn in (log_prob, entropy):
        assert mg.gradcheck(fn, (_t(raw, True),))
        assert mg.gradgradcheck(fn, (_t(raw, True),))


def test_bernoulli_samples_repeat_and_follow_probs() -> None:
    m = Bernoulli(_t([0.1, 0.8]))
    mg.manual_seed(1)
    first = m.sample((5000,))
    mg.manual_seed(1)
    assert np.array_equal(first.numpy(), m.sample((5000,)).numpy())
    assert first.dtype == mg.float64 and set(np.unique(first.numpy())) <= {0.0, 1.0}
    np.testing.assert_allclose(first.numpy().mean(0), [0.1, 0.8], atol=0.02)


def test_bernoulli_argument_errors_match_torch() -> None:
    torch = pytest.importorskip("torch")
    TB = torch.distributions.Bernoulli
    _same_error(lambda: Bernoulli(), lambda: TB())
    _same_error(lambda: Bernoulli(_t([1.5])), lambda: TB(_torch_t(torch, [1.5])))
    m, tm = Bernoulli(_t([0.5])), TB(_torch_t(torch, [0.5]))
    _same_error(lambda: m.log_prob(_t([0.5])), lambda: tm.log_prob(_torch_t(torch, [0.5])))


# ---------------------------------------------------------------------------------------------
# Non-contiguous parameters and values: transposed, strided and Fortran-ordered


def _views(lib: Any, grad: bool, *pairs: tuple[np.ndarray, Any]) -> tuple[list[Any], list[Any]]:
    """The leaves made from the base arrays (in their own memory order) and the views of them
    the distribution is given, for ``lib`` (minigrad or torch)."""
    leaves = [lib.tensor(base, requires_grad=grad and base.dtype.kind == "f") for base, _ in pairs]
    return leaves, [view(leaf) for leaf, (_, view) in zip(leaves, pairs)]


def _grads(leaves: list[Any]) -> list[Any]:
    return [None if t.grad is None else t.grad.numpy() for t in leaves]


RNG = np.random.default_rng(5)
PROBS_T = RNG.uniform(0.1, 1.0, size=(3, 2))  # its transpose: a batch of 2 over 3 classes
LOGITS_WIDE = RNG.standard_normal((2, 6))  # every other column: a batch of 2 over 3 classes
CLASSES_T = np.array([[2, 1, 0, 2], [0, 1, 2, 2]])  # transposed: (4, 2) values, strided


def _transpose(t: Any) -> Any:
    return t.T


def _every_other_column(t: Any) -> Any:
    return t[:, ::2]


@pytest.mark.parametrize("param", ["probs", "logits"])
def test_categorical_on_non_contiguous_parameters_and_values(param: str) -> None:
    """log_prob and entropy of a transposed or strided parameter, at transposed values, and
    their gradients, as torch's and as those of contiguous copies."""
    torch = pytest.importorskip("torch")
    base, view = (PROBS_T, _transpose) if param == "probs" else (LOGITS_WIDE, _every_other_column)
    weights = RNG.standard_normal((4, 2))
    results = []
    for lib, dist in ((mg, Categorical), (torch, torch.distributions.Categorical)):
        leaves, (p, value) = _views(lib, True, (base, view), (CLASSES_T, _transpose))
        m = dist(**{param: p})
        log_prob, entropy = m.log_prob(value), m.entropy()
        loss = (log_prob * lib.tensor(weights)).sum() + (entropy * lib.tensor([0.5, -2.0])).sum()
        loss.backward()
        results.append([log_prob.detach().numpy(), entropy.detach().numpy(), *_grads(leaves)])
    ours, theirs = results
    for a, b in zip(ours, theirs):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    copy = Categorical(**{param: _t(np.ascontiguousarray(view(base)))})
    value = mg.tensor(np.ascontiguousarray(CLASSES_T.T))
    np.testing.assert_allclose(copy.log_prob(value).numpy(), ours[0], rtol=1e-12)
    np.testing.assert_allclose(copy.entropy().numpy(), ours[1], rtol=1e-12)


@pytest.mark.parametrize("param", ["probs", "logits"])
def test_categorical_non_contiguous_gradcheck(param: str) -> None:
    """First and second order by finite differences, with a Fortran-ordered leaf seen through
    a transposed or strided view."""
    base, view = (PROBS_T, _transpose) if param == "probs" else (LOGITS_WIDE, _every_other_column)
    leaf = _t(np.asfortranarray(base), True)
    value = mg.tensor(CLASSES_T).T  # (4, 2), strided

    def log_prob(p: mg.Tensor) -> mg.Tensor:
        return Categorical(**{param: view(p)}).log_prob(value)

    def entropy(p: mg.Tensor) -> mg.Tensor:
        return Categorical(**{param: view(p)}).entropy()

    for fn in (log_prob, entropy):
        assert mg.gradcheck(fn, (leaf,))
        assert mg.gradgradcheck(fn, (leaf,))


LOC_T = RNG.standard_normal((3, 2))  # transposed: (2, 3)
SCALE_WIDE = RNG.uniform(0.5, 2.0, size=(2, 6))  # every other column: (2, 3)
VALUE_T = RNG.standard_normal((3, 2)) * 2  # transposed: (2, 3)


def test_normal_on_non_contiguous_parameters_and_values() -> None:
    """log_prob, cdf and entropy of a transposed loc and a strided scale at a transposed value,
    and the gradients to all three, as torch's and as contiguous copies give."""
    torch = pytest.importorskip("torch")
    weights = RNG.standard_normal((2, 3))
    pairs = ((LOC_T, _transpose), (SCALE_WIDE, _every_other_column), (VALUE_T, _transpose))
    results = []
    for lib, dist in ((mg, Normal), (torch, torch.distributions.Normal)):
        leaves, (loc, scale, value) = _views(lib, True, *pairs)
        m = dist(loc, scale)
        outs = [m.log_prob(value), m.cdf(value), m.entropy()]
        loss = sum((o * lib.tensor(w)).sum() for o, w in zip(outs, (weights, -weights, weights)))
        loss.backward()
        results.append([*(o.detach().numpy() for o in outs), *_grads(leaves)])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    copies = [_t(np.ascontiguousarray(view(base))) for base, view in pairs]
    m = Normal(copies[0], copies[1])
    np.testing.assert_allclose(m.log_prob(copies[2]).numpy(), results[0][0], rtol=1e-12)
    np.testing.assert_allclose(m.entropy().numpy(), results[0][2], rtol=1e-12)


def test_normal_non_contiguous_gradcheck() -> None:
    leaves = [_t(np.asfortranarray(a), True) for a in (LOC_T, SCALE_WIDE, VALUE_T)]

    def log_prob(loc: mg.Tensor, scale: mg.Tensor, value: mg.Tensor) -> mg.Tensor:
        return Normal(loc.T, scale[:, ::2]).log_prob(value.T)

    def entropy(loc: mg.Tensor, scale: mg.Tensor) -> mg.Tensor:
        return Normal(loc.T, scale[:, ::2]).entropy()

    assert mg.gradcheck(log_prob, leaves) and mg.gradgradcheck(log_prob, leaves)
    assert mg.gradcheck(entropy, leaves[:2]) and mg.gradgradcheck(entropy, leaves[:2])


BERNOULLI_PROBS_T = RNG.uniform(0.1, 0.9, size=(4, 2))  # transposed: (2, 4)
BERNOULLI_LOGITS_WIDE = RNG.standard_normal((2, 8))  # every other column: (2, 4)
OUTCOMES_T = RNG.integers(0, 2, size=(4, 2)).astype(np.float64)  # transposed: (2, 4)


@pytest.mark.parametrize("param", ["probs", "logits"])
def test_bernoulli_on_non_contiguous_parameters_and_values(param: str) -> None:
    torch = pytest.importorskip("torch")
    base, view = (
        (BERNOULLI_PROBS_T, _transpose)
        if param == "probs"
        else (BERNOULLI_LOGITS_WIDE, _every_other_column)
    )
    weights = RNG.standard_normal((2, 4))
    results = []
    for lib, dist in ((mg, Bernoulli), (torch, torch.distributions.Bernoulli)):
        leaves, (p, value) = _views(lib, True, (base, view), (OUTCOMES_T, _transpose))
        value = value.detach()  # outcomes: constants
        m = dist(**{param: p})
        log_prob, entropy = m.log_prob(value), m.entropy()
        ((log_prob - entropy) * lib.tensor(weights)).sum().backward()
        results.append(
            [log_prob.detach().numpy(), entropy.detach().numpy(), leaves[0].grad.numpy()]
        )
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    copy = Bernoulli(**{param: _t(np.ascontiguousarray(view(base)))})
    value = _t(np.ascontiguousarray(OUTCOMES_T.T))
    np.testing.assert_allclose(copy.log_prob(value).numpy(), results[0][0], rtol=1e-12)


@pytest.mark.parametrize("param", ["probs", "logits"])
def test_bernoulli_non_contiguous_gradcheck(param: str) -> None:
    base, view = (
        (BERNOULLI_PROBS_T, _transpose)
        if param == "probs"
        else (BERNOULLI_LOGITS_WIDE, _every_other_column)
    )
    leaf = _t(np.asfortranarray(base), True)
    value = _t(np.asfortranarray(OUTCOMES_T)).T

    def log_prob(p: mg.Tensor) -> mg.Tensor:
        return Bernoulli(**{param: view(p)}).log_prob(value)

    def entropy(p: mg.Tensor) -> mg.Tensor:
        return Bernoulli(**{param: view(p)}).entropy()

    for fn in (log_prob, entropy):
        assert mg.gradcheck(fn, (leaf,))
        assert mg.gradgradcheck(fn, (leaf,))
