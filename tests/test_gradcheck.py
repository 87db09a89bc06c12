"""gradcheck and gradgradcheck: they pass on correct rules and must fire on wrong ones."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor, ops
from minigrad.engine import Op
from minigrad.tensor import apply


def leaf(a: Any) -> Tensor:
    return mg.from_numpy(np.asarray(a, dtype=np.float64)).requires_grad_()


def rand(*shape: int, seed: int = 0) -> Tensor:
    return leaf(np.random.default_rng(seed).standard_normal(shape))


class MulWrongAt(Op):
    """z = x * y, with a rule for y that is wrong at one element (1, 2)."""

    __slots__ = ()

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return x * y

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        bump = np.zeros(np.shape(y))
        bump[1, 2] = 0.5
        return grad * y, grad * x + bump


class ForgetsSecondInput(Op):
    """z = x * y, with no gradient for y at all."""

    __slots__ = ()

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return x * y

    def backward(self, grad: Any, out: Any, x: Any, y: Any) -> tuple[Any, ...]:
        return grad * y, None


class NanRule(Op):
    """z = 2 x, with a rule that returns NaN."""

    __slots__ = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        return 2 * x

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * np.nan,)


class SinRawCos(Op):
    """z = sin x; the rule computes cos on the raw array: right first order, no second order."""

    __slots__ = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.sin(x)

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        raw = x.detach().numpy() if isinstance(x, Tensor) else x
        return (grad * np.cos(raw),)


class SinHelperCos(SinRawCos):
    """z = sin x; the rule uses the ops.cos helper, so it is recorded under create_graph."""

    __slots__ = ()

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        return (grad * ops.cos(x),)


# ---------------------------------------------------------------------------------------------
# gradcheck


def test_passes_on_correct_ops() -> None:
    x, y = rand(2, 3), rand(3, 2, seed=1)
    assert mg.gradcheck(lambda a, b: (a @ b).tanh().sum(axis=1), [x, y])
    assert mg.gradcheck(lambda a: a.softmax(0) * a.sigmoid(), rand(3, 4))
    assert mg.gradcheck(lambda a, b: (a * b, a.exp()), [rand(3), rand(3, seed=2)])


def test_wrong_rule_fails_naming_the_input_and_element() -> None:
    x, y = rand(2, 3), rand(2, 3, seed=1)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(lambda a, b: apply(MulWrongAt(), a, b), [x, y])
    msg = str(info.value)
    assert "input 1" in msg and "(1, 2)" in msg
    assert "numerical" in msg and "analytical" in msg
    assert isinstance(info.value, RuntimeError)


def test_raise_exception_false_returns_false() -> None:
    x, y = rand(2, 3), rand(2, 3, seed=1)
    assert (
        mg.gradcheck(lambda a, b: apply(MulWrongAt(), a, b), [x, y], raise_exception=False) is False
    )
    assert mg.gradcheck(lambda a, b: a * b, [x, y], raise_exception=False) is True


def test_missing_gradient_fails() -> None:
    x, y = rand(3), rand(3, seed=1)
    with pytest.raises(mg.GradcheckError, match="input 1"):
        mg.gradcheck(lambda a, b: apply(ForgetsSecondInput(), a, b), [x, y])


def test_nan_gradient_fails() -> None:
    assert not mg.gradcheck(lambda a: apply(NanRule(), a), [rand(3)], raise_exception=False)


def test_non_float64_inputs_are_rejected() -> None:
    x32 = Tensor(np.ones(3, np.float32), requires_grad=True)
    with pytest.raises(TypeError, match=r"input 1 .*float32.*float64"):
        mg.gradcheck(lambda a, b: a * b, [rand(3), x32])
    with pytest.raises(TypeError, match="float64"):
        mg.gradgradcheck(lambda a: a * a, [x32])


def test_inputs_without_grad_are_constants() -> None:
    x = rand(3)
    c = mg.from_numpy(np.array([1.0, 2.0, 3.0]))  # no grad: not perturbed, not checked
    assert mg.gradcheck(lambda a, b: a * b, [x, c])
    # a wrong rule for an input that needs no grad is not reported
    assert mg.gradcheck(lambda a, b: apply(ForgetsSecondInput(), a, b), [x, c])


def test_inputs_are_restored() -> None:
    x = rand(2, 3)
    before = x.detach().numpy().copy()
    mg.gradcheck(lambda a: (a * a).sum(), [x])
    np.testing.assert_array_equal(x.detach().numpy(), before)
    assert x.grad is None  # gradcheck uses grad(), not .grad


def test_non_contiguous_inputs() -> None:
    base = np.random.default_rng(3).standard_normal((3, 2))
    x = mg.from_numpy(base.T).requires_grad_()  # Fortran-ordered view
    assert not x.detach().numpy().flags.c_contiguous
    assert mg.gradcheck(lambda a: a.sin() * a, [x])
    y = mg.from_numpy(np.random.default_rng(4).standard_normal((3, 2)).T).requires_grad_()
    bad = mg.gradcheck(lambda a, b: apply(ForgetsSecondInput(), a, b), [x, y],
                       raise_exception=False)  # fmt: skip
    assert bad is False
    np.testing.assert_array_equal(x.detach().numpy(), base.T)


def test_tolerances_are_used() -> None:
    x, y = rand(2, 3), rand(2, 3, seed=1)
    wrong = lambda a, b: apply(MulWrongAt(), a, b)  # noqa: E731
    assert mg.gradcheck(wrong, [x, y], atol=1.0, rtol=0.0)  # the 0.5 error is within atol
    assert not mg.gradcheck(wrong, [x, y], atol=0.4, rtol=0.0, raise_exception=False)


# ---------------------------------------------------------------------------------------------
# gradgradcheck


def test_gradgradcheck_passes_on_a_rule_written_with_helpers() -> None:
    x = rand(4)
    assert mg.gradcheck(lambda a: apply(SinHelperCos(), a), [x])
    assert mg.gradgradcheck(lambda a: apply(SinHelperCos(), a), [x])


def test_gradgradcheck_catches_a_rule_that_slips_to_raw_numpy() -> None:
    x = rand(4)
    f = lambda a: apply(SinRawCos(), a)  # noqa: E731
    assert mg.gradcheck(f, [x])  # first order is right...
    with pytest.raises(mg.GradcheckError, match="input 0"):
        mg.gradgradcheck(f, [x])  # ...but its gradient is a constant under create_graph
    assert mg.gradgradcheck(f, [x], raise_exception=False) is False


def test_gradgradcheck_with_given_grad_outputs() -> None:
    x, y = rand(2, 3), rand(3, seed=1)
    g = mg.from_numpy(np.random.default_rng(5).standard_normal(2))
    assert mg.gradgradcheck(lambda a, b: (a @ b).tanh(), [x, y], grad_outputs=[g])
