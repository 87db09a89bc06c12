"""``nn.functional.gumbel_softmax``: values and gradients against PyTorch given the same Gumbel
noise, its draws from minigrad's global generator, the straight-through estimator of
``hard=True``, finite differences with a fixed draw, and its errors."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import functional as F


def _torch() -> Any:
    return pytest.importorskip("torch")


class _Fixed:
    """Stands in for the default generator's NumPy generator: hands out given exponentials."""

    def __init__(self, draws: np.ndarray) -> None:
        self.draws = draws

    def exponential(self, scale: float, size: Any) -> np.ndarray:
        assert scale == 1.0 and tuple(size) == self.draws.shape
        return self.draws.copy()


CASES = [  # shape, dim, tau, hard
    ((3, 5), -1, 1.0, False),
    ((3, 5), -1, 0.5, True),
    ((2, 4, 3), 1, 2.0, False),
    ((2, 4, 3), 1, 0.3, True),
    ((4,), 0, 1.0, True),
    ((2, 3, 4), 0, 1.0, False),
]


@pytest.mark.parametrize(("shape", "dim", "tau", "hard"), CASES)
def test_values_and_gradients_match_torch_given_the_same_noise(
    monkeypatch: pytest.MonkeyPatch, shape: tuple[int, ...], dim: int, tau: float, hard: bool
) -> None:
    torch = _torch()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((shape[-1], *shape[:-1]))  # made contiguous the other way round
    t = torch.tensor(x).movedim(0, -1).requires_grad_()
    torch.manual_seed(7)
    # What gumbel_softmax draws after that seed: exponentials laid out contiguously.
    noise = torch.empty_like(t, memory_format=torch.legacy_contiguous_format).exponential_()
    torch.manual_seed(7)
    ref = torch.nn.functional.gumbel_softmax(t, tau=tau, hard=hard, dim=dim)
    a = mg.from_numpy(x).requires_grad_()
    monkeypatch.setattr(mg.random.default_generator, "_rng", _Fixed(noise.numpy()))
    out = F.gumbel_softmax(a.movedim(0, -1), tau=tau, hard=hard, dim=dim)
    assert out.shape == tuple(ref.shape) and out.dtype == mg.float64
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-15)
    seed = rng.standard_normal(shape)
    out.backward(mg.from_numpy(seed))
    ref.backward(torch.tensor(seed))
    assert a.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), t.grad.movedim(-1, 0).numpy(), rtol=1e-10)


def test_draws_from_the_global_generator_deterministically() -> None:
    logits = mg.randn(4, 6, dtype=mg.float64)
    mg.manual_seed(3)
    first = F.gumbel_softmax(logits, tau=0.7)
    second = F.gumbel_softmax(logits, tau=0.7)
    mg.manual_seed(3)
    again = F.gumbel_softmax(logits, tau=0.7)
    np.testing.assert_array_equal(first.numpy(), again.numpy())
    assert not np.array_equal(first.numpy(), second.numpy())  # the generator moved on
    mg.manual_seed(3)
    gumbels = -mg.empty_like(logits).exponential_().log()  # PyTorch's recipe for the noise
    expected = ((logits + gumbels) / 0.7).softmax(-1)
    np.testing.assert_allclose(first.numpy(), expected.numpy(), rtol=1e-14)
    np.testing.assert_allclose(first.numpy().sum(-1), np.ones(4), rtol=1e-14)


def test_hard_is_one_hot_at_the_soft_argmax_with_the_soft_gradient() -> None:
    x = mg.randn(5, 4, dtype=mg.float64, requires_grad=True)
    seed = mg.randn(5, 4, dtype=mg.float64)
    mg.manual_seed(11)
    soft = F.gumbel_softmax(x, tau=0.5, dim=1)
    (soft_grad,) = mg.autograd.grad((soft * seed).sum(), [x])
    mg.manual_seed(11)
    hard = F.gumbel_softmax(x, tau=0.5, hard=True, dim=1)
    (hard_grad,) = mg.autograd.grad((hard * seed).sum(), [x])
    one_hot = np.eye(4)[soft.detach().numpy().argmax(1)]
    np.testing.assert_array_equal(hard.detach().numpy(), one_hot)
    np.testing.assert_allclose(hard_grad.numpy(), soft_grad.numpy(), rtol=1e-12, atol=1e-15)


def test_gradcheck_and_gradgradcheck_with_a_fixed_draw_on_a_non_contiguous_input() -> None:
    x = mg.randn(4, 3, dtype=mg.float64).t().requires_grad_()

    def fn(a: mg.Tensor) -> mg.Tensor:
        mg.manual_seed(5)
        return F.gumbel_softmax(a, tau=0.8, dim=0)

    assert mg.gradcheck(fn, [x])
    assert mg.gradgradcheck(fn, [x])


def test_hard_samples_are_distributed_as_softmax_of_the_logits() -> None:
    logits = mg.tensor([1.0, 0.0, -1.0, 2.0], dtype=mg.float64)
    mg.manual_seed(0)
    draws = F.gumbel_softmax(logits.expand(20000, 4), hard=True)
    freq = draws.numpy().mean(0)
    np.testing.assert_allclose(freq, logits.softmax(0).numpy(), atol=0.01)  # ~3 sigma


def test_zero_dim_empty_and_float32() -> None:
    assert F.gumbel_softmax(mg.tensor(1.0)).item() == 1.0
    assert F.gumbel_softmax(mg.tensor(1.0), hard=True).item() == 1.0
    assert F.gumbel_softmax(mg.ones(0, 3), hard=True).shape == (0, 3)
    out = F.gumbel_softmax(mg.ones(2, 3), hard=True)
    assert out.dtype == mg.float32 and out.numpy().sum() == 2.0


def test_eps_is_deprecated_and_warns_as_torch() -> None:
    with pytest.warns(UserWarning, match=r"^`eps` parameter is deprecated and has no effect\.$"):
        F.gumbel_softmax(mg.ones(2, 3), eps=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.gumbel_softmax(mg.ones(2, 3), eps=1e-10)


def test_tau_zero_gives_nan_as_torch() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = F.gumbel_softmax(mg.ones(2, 3), tau=0)
    assert np.isnan(out.numpy()).all()


BAD = [
    (
        lambda L, F: F.gumbel_softmax(L.ones(3, dtype=L.int64)),
        RuntimeError,
        "Exponential distribution is a continuous probability distribution. dtype must be a "
        "floating point but you specified Long",
    ),
    (
        lambda L, F: F.gumbel_softmax(L.ones(3, 4), dim=2),
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    ),
    (lambda L, F: F.gumbel_softmax([1.0, 2.0]), TypeError, "(position 1) must be Tensor, not list"),
]


@pytest.mark.parametrize("case", range(len(BAD)))
def test_bad_arguments_raise_torchs_errors(case: int) -> None:
    call, error, message = BAD[case]
    with pytest.raises(error) as info:
        call(mg, F)
    assert message in str(info.value)
    torch = _torch()
    with pytest.raises(error) as info:
        call(torch, torch.nn.functional)
    assert message in str(info.value)


def test_signature_is_torchs() -> None:
    torch = _torch()
    import inspect

    ours = inspect.signature(F.gumbel_softmax).parameters
    theirs = inspect.signature(torch.nn.functional.gumbel_softmax).parameters
    assert [(p.name, p.default) for p in ours.values()] == [
        (p.name, p.default) for p in theirs.values()
    ]
    assert math.isclose(theirs["eps"].default, 1e-10)
