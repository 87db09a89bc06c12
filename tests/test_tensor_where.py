"""``Tensor.where(condition, other)``: PyTorch's method, ``torch.where(condition, self,
other)``; values, dtypes, broadcasting and refusals against PyTorch 2.13, and gradients to
both sides by finite differences (first and second order) and against PyTorch's."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from test_strict_args import _outcome, _same

import minigrad as mg

RNG = np.random.default_rng(11)
X = RNG.normal(size=(2, 3))
Y = RNG.normal(size=(2, 3))
MASK = np.array([[True, False, True], [False, False, True]])

CASES: dict[str, Callable[[Any], Any]] = {
    "x.where(c, y)": lambda L: L.tensor(X).where(L.tensor(MASK), L.tensor(Y)),
    "keywords": lambda L: L.tensor(X).where(condition=L.tensor(MASK), other=L.tensor(Y)),
    "other an int": lambda L: L.tensor(X).where(L.tensor(MASK), 0),
    "other a float": lambda L: L.tensor(X).where(L.tensor(MASK), 0.5),
    "int self, float other": lambda L: L.tensor([[1, 2, 3]]).where(L.tensor(MASK), 0.5),
    "int self, int other": lambda L: L.tensor([[1, 2, 3]]).where(L.tensor(MASK), -1),
    "float32 self, float64 other": lambda L: L.tensor(X, dtype=L.float32).where(
        L.tensor(MASK), L.tensor(Y)
    ),
    "float32 self, 0-d float64 other": lambda L: L.tensor(X, dtype=L.float32).where(
        L.tensor(MASK), L.tensor(2.0, dtype=L.float64)
    ),
    "other broadcast": lambda L: L.tensor(X).where(L.tensor(MASK), L.tensor(Y[0])),
    "self broadcast": lambda L: L.tensor(X[0]).where(L.tensor(MASK), L.tensor(Y)),
    "condition broadcast": lambda L: L.tensor(X).where(L.tensor(MASK[0]), L.tensor(Y)),
    "bool self": lambda L: L.tensor(MASK).where(L.tensor(MASK[::-1].copy()), False),
    # refused, as by PyTorch's method
    "no other": lambda L: L.tensor(X).where(L.tensor(MASK)),
    "a list condition": lambda L: L.tensor(X).where(MASK.tolist(), L.tensor(Y)),
    "a list other": lambda L: L.tensor(X).where(L.tensor(MASK), Y.tolist()),
    "None other": lambda L: L.tensor(X).where(L.tensor(MASK), None),
    "a str other": lambda L: L.tensor(X).where(L.tensor(MASK), "a"),
    "an int condition": lambda L: L.tensor(X).where(L.tensor(MASK).int(), L.tensor(Y)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_where_method_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    call = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = _outcome(lambda: call(torch))
    mine = _outcome(lambda: call(mg))
    _same(mine, theirs)


def test_uint8_condition_warns_as_torch() -> None:
    torch = pytest.importorskip("torch")
    # (PyTorch warns once a process, so only minigrad's warning is asserted here)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.tensor(X).where(torch.tensor(MASK).to(torch.uint8), torch.tensor(Y))
    with pytest.warns(UserWarning, match="where received a uint8 condition tensor"):
        out = mg.tensor(X).where(mg.tensor(MASK).to(mg.uint8), mg.tensor(Y))
    np.testing.assert_array_equal(out.numpy(), theirs.numpy())


def test_the_method_is_the_function() -> None:
    x, y, c = mg.tensor(X), mg.tensor(Y), mg.tensor(MASK)
    np.testing.assert_array_equal(x.where(c, y).numpy(), mg.where(c, x, y).numpy())
    assert x.where(c, y).grad_fn is None  # (nothing recorded without requires_grad)


def test_gradients_by_finite_differences() -> None:
    c = mg.tensor(MASK)
    x = mg.tensor(X, requires_grad=True)
    y = mg.tensor(Y[0], requires_grad=True)  # (broadcast: its gradient is summed back)

    def f(a: Any, b: Any) -> Any:
        return (a * a).where(c, b.exp())

    assert mg.autograd.gradcheck(f, (x, y))
    assert mg.autograd.gradgradcheck(f, (x, y))
    assert mg.autograd.gradcheck(lambda a: a.where(c, 2.0), (x,))


def test_gradients_as_torch() -> None:
    torch = pytest.importorskip("torch")
    grads = []
    for L in (torch, mg):
        x = L.tensor(X, requires_grad=True)
        y = L.tensor(Y[0], requires_grad=True)
        out = (x * x).where(L.tensor(MASK), y.exp())
        (out * L.tensor(Y)).sum().backward()
        grads.append((x.grad.numpy(), y.grad.numpy(), out.grad_fn.name()))
    (tx, ty, tname), (mx, my, mname) = grads
    np.testing.assert_allclose(mx, tx, rtol=1e-12)
    np.testing.assert_allclose(my, ty, rtol=1e-12)
    assert mname == tname == "WhereBackward0"
    assert np.all(mx[~MASK] == 0)  # (the side not taken gets zeros)


def test_shapes_that_do_not_broadcast_are_refused_as_torch() -> None:
    torch = pytest.importorskip("torch")
    words = r"^The size of tensor a \(3\) must match the size of tensor b \(4\)"
    for L in (torch, mg):
        with pytest.raises(RuntimeError, match=words):
            L.tensor(X).where(L.tensor(MASK), L.ones(4))


def test_a_refused_where_records_nothing() -> None:
    x = mg.tensor(X, requires_grad=True)
    with pytest.raises(TypeError, match=r"^where\(\) received an invalid combination"):
        x.where(mg.tensor(MASK), [1.0, 2.0, 3.0])
    assert x.grad is None and x._version == 0
