"""minigrad.distributions against torch.distributions: Categorical, Normal and Bernoulli.

Values, shapes and dtypes of probs/logits, log_prob, entropy, cdf, mean and variance compared
with PyTorch in float64; gradients by finite differences (first and second order) and against
PyTorch; sampling reproducible under ``minigrad.manual_seed`` and drawing the right
frequencies; every argument error PyTorch raises, with its message.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.distributions import Bernoulli, Categorical, Distribution, Normal


def _t(a: Any, requires_grad: bool = False) -> mg.Tensor:
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def _torch_t(torch: Any, a: Any, requires_grad: bool = False) -> Any:
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def _close(ours: mg.Tensor, theirs: Any) -> None:
    theirs = theirs.detach().numpy()
    assert tuple(ours.shape) == theirs.shape, (ours.shape, theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs, rtol=1e-10, atol=1e-12)


def _error_of(call: Any) -> tuple[type, str]:
    try:
        call()
    except Exception as e:  # the type and message are what is compared
        return type(e), str(e)
    raise AssertionError("no error raised")


def _same_error(ours: Any, theirs: Any) -> None:
    """The same exception type and message, PyTorch's ``torch.`` names read ``minigrad.``."""
    our_type, our_message = _error_of(ours)
    their_type, their_message = _error_of(theirs)
    assert our_type is their_type, (our_type, their_type, our_message)
    their_message = re.sub(r"\btorch\.", "minigrad.", their_message)
    assert our_message == their_message


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


def test_a_distribution_minigrad_lacks_says_so() -> None:
    with pytest.raises(AttributeError, match=r"minigrad does not have torch\.distributions\.Beta"):
        _ = mg.distributions.Beta  # type: ignore[attr-defined]


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


def test_expand_is_refused_naming_what_to_do() -> None:
    with pytest.raises(NotImplementedError, match=r"Categorical.expand\(\): .*probs.expand"):
        Categorical(_t([0.5, 0.5])).expand((3,))


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
