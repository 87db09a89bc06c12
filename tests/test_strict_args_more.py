"""More arguments PyTorch refuses where minigrad answered, checked against PyTorch 2.13: an
explicit None dim (``max(None)``, ``prod(None)``, ``squeeze(None)``), repeat's sizes (a bool
or float first, an element of another type), ``new_zeros(size=None)``, ``var``'s
``unbiased`` with ``keepdim`` and no dim, ``logsumexp`` over ``dim=()`` and
``requires_grad_()`` of an integer tensor; and what PyTorch takes there (``repeat(2, True)``,
``repeat(repeats=...)``, ``var(None, unbiased=False, keepdim=True)``) answered alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from test_strict_args import _outcome, _same

import minigrad as mg

REFUSED: dict[str, Callable[[Any, Any], Any]] = {
    # an explicit None dim: PyTorch's max/min/prod/squeeze have no "dim=None" overload
    "max(None)": lambda L, x: x.max(None),
    "min(None)": lambda L, x: x.min(None),
    "max(dim=None)": lambda L, x: x.max(dim=None),
    "torch.max(x, None)": lambda L, x: L.max(x, None),
    "torch.min(x, None)": lambda L, x: L.min(x, None),
    "max(None, True)": lambda L, x: x.max(None, True),
    "min(None, True)": lambda L, x: x.min(None, True),
    "max(keepdim=True)": lambda L, x: x.max(keepdim=True),
    "prod(None)": lambda L, x: x.prod(None),
    "prod(dim=None)": lambda L, x: x.prod(dim=None),
    "torch.prod(x, None)": lambda L, x: L.prod(x, None),
    "prod(None, True)": lambda L, x: x.prod(None, True),
    "prod(keepdim=True)": lambda L, x: x.prod(keepdim=True),
    "squeeze(None)": lambda L, x: x.unsqueeze(0).squeeze(None),
    "squeeze(dim=None)": lambda L, x: x.unsqueeze(0).squeeze(dim=None),
    "torch.squeeze(x, None)": lambda L, x: L.squeeze(x.unsqueeze(0), None),
    # repeat: sizes of ints, the first one an int when there are several
    "repeat(True, 1)": lambda L, x: x.repeat(True, 1),
    "repeat(1.0, 1)": lambda L, x: x.repeat(1.0, 1),
    "repeat(0-d float tensor, 1)": lambda L, x: x.repeat(L.tensor(2.0), 1),
    "repeat(True)": lambda L, x: x.repeat(True),
    "repeat(None)": lambda L, x: x.repeat(None),
    "repeat((True, 1))": lambda L, x: x.repeat((True, 1)),
    "repeat((1, 2.0))": lambda L, x: x.repeat((1, 2.0)),
    "repeat(2, 1.5)": lambda L, x: x.repeat(2, 1.5),
    "repeat(2, None)": lambda L, x: x.repeat(2, None),
    "repeat()": lambda L, x: x.repeat(),
    "repeat(repeats=None)": lambda L, x: x.repeat(repeats=None),
    "repeat(2, repeats=(1,))": lambda L, x: x.repeat(2, repeats=(1,)),
    # the size of new_* given as None
    "new_zeros(size=None)": lambda L, x: x.new_zeros(size=None),
    "new_ones(size=None)": lambda L, x: x.new_ones(size=None),
    "new_empty(size=None)": lambda L, x: x.new_empty(size=None),
    "new_zeros(None)": lambda L, x: x.new_zeros(None),
    "new_ones(None)": lambda L, x: x.new_ones(None),
    "new_zeros(2, None)": lambda L, x: x.new_zeros(2, None),
    # var/std: unbiased with keepdim needs a dim (the (dim, unbiased, keepdim) overload)
    "var(unbiased=False, keepdim=True)": lambda L, x: x.var(unbiased=False, keepdim=True),
    "var(unbiased=True, keepdim=False)": lambda L, x: x.var(unbiased=True, keepdim=False),
    "std(unbiased=False, keepdim=True)": lambda L, x: x.std(unbiased=False, keepdim=True),
    "torch.var(x, unbiased=False, keepdim=True)": lambda L, x: L.var(
        x, unbiased=False, keepdim=True
    ),
    "torch.std(x, unbiased=False, keepdim=True)": lambda L, x: L.std(
        x, unbiased=False, keepdim=True
    ),
    "var(False, keepdim=False)": lambda L, x: x.var(False, keepdim=False),
    "torch.var_mean(x, unbiased=False, keepdim=True)": lambda L, x: L.var_mean(
        x, unbiased=False, keepdim=True
    ),
    "torch.std_mean(x, unbiased=False, keepdim=True)": lambda L, x: L.std_mean(
        x, unbiased=False, keepdim=True
    ),
    # logsumexp over no dims, not kept: PyTorch's reduction refuses the shape
    "torch.logsumexp(x, ())": lambda L, x: L.logsumexp(x, ()),
    "logsumexp(())": lambda L, x: x.logsumexp(()),
    "logsumexp(dim=[])": lambda L, x: x.logsumexp(dim=[]),
    "torch.logsumexp(3-d, ())": lambda L, x: L.logsumexp(x.reshape(1, 2, 3), ()),
    "torch.logsumexp(int, ())": lambda L, x: L.logsumexp(x.long(), ()),
    # only floating-point tensors require gradients
    "int requires_grad_()": lambda L, x: x.long().requires_grad_(),
    "bool requires_grad_()": lambda L, x: (x > 0).requires_grad_(),
    "tensor(ints, requires_grad=True)": lambda L, x: L.tensor([1, 2], requires_grad=True),
    "zeros(int64, requires_grad=True)": lambda L, x: L.zeros(2, dtype=L.int64, requires_grad=True),
}

# What PyTorch takes beside them: answered alike (values, dtype and shape).
TAKEN: dict[str, Callable[[Any, Any], Any]] = {
    "max()": lambda L, x: x.max(),
    "max(0)": lambda L, x: x.max(0),
    "max(dim=1, keepdim=True)": lambda L, x: x.max(dim=1, keepdim=True),
    "torch.max(x)": lambda L, x: L.max(x),
    "prod()": lambda L, x: x.prod(),
    "prod(1, True)": lambda L, x: x.prod(1, True),
    "prod(dtype=None)": lambda L, x: x.prod(dtype=None),
    "squeeze()": lambda L, x: x.unsqueeze(0).squeeze(),
    "squeeze(())": lambda L, x: x.unsqueeze(0).squeeze(()),
    "squeeze(0)": lambda L, x: x.unsqueeze(0).squeeze(0),
    "repeat(2, True)": lambda L, x: x.repeat(2, True),
    "repeat(1, 1, True)": lambda L, x: x.repeat(1, 1, True),
    "repeat((1, True))": lambda L, x: x.repeat((1, True)),
    "repeat(repeats=(2, 1))": lambda L, x: x.repeat(repeats=(2, 1)),
    "repeat([2, 1])": lambda L, x: x.repeat([2, 1]),
    "repeat(0-d int tensor, 1)": lambda L, x: x.repeat(L.tensor(2), 1),
    "repeat(np.int64, 1)": lambda L, x: x.repeat(np.int64(2), 1),
    "new_zeros(size=[2])": lambda L, x: x.new_zeros(size=[2]),
    "new_zeros(2, 3)": lambda L, x: x.new_zeros(2, 3),
    "var(unbiased=False)": lambda L, x: x.var(unbiased=False),
    "var(keepdim=True)": lambda L, x: x.var(keepdim=True),
    "var(None, unbiased=False, keepdim=True)": lambda L, x: x.var(
        None, unbiased=False, keepdim=True
    ),
    "var(dim=None, unbiased=False, keepdim=True)": lambda L, x: x.var(
        dim=None, unbiased=False, keepdim=True
    ),
    "var(1, False)": lambda L, x: x.var(1, False),
    "var(unbiased=False, dim=1)": lambda L, x: x.var(unbiased=False, dim=1),
    "var(correction=0, keepdim=True)": lambda L, x: x.var(correction=0, keepdim=True),
    "std(False)": lambda L, x: x.std(False),
    "torch.var_mean(x, unbiased=False)": lambda L, x: L.var_mean(x, unbiased=False),
    "torch.std_mean(x, 1, False, True)": lambda L, x: L.std_mean(x, 1, False, True),
    "torch.logsumexp(x, (), True)": lambda L, x: L.logsumexp(x, (), True),
    "torch.logsumexp(0-d, ())": lambda L, x: L.logsumexp(x[0, 0], ()),
    "torch.logsumexp(empty, ())": lambda L, x: L.logsumexp(x[:0], ()),
    "torch.logsumexp(x, (0, 1))": lambda L, x: L.logsumexp(x, (0, 1)),
    "int requires_grad_(False)": lambda L, x: x.long().requires_grad_(False),
}


def _x(L: Any) -> Any:
    return L.tensor(np.array([[0.5, -1.25, 2.0], [3.0, 0.0, -0.75]]))


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    call = REFUSED[name]
    theirs = _outcome(lambda: call(torch, _x(torch)))
    assert theirs[0] == "raise", theirs  # (the case is one PyTorch refuses)
    _same(_outcome(lambda: call(mg, _x(mg))), theirs)


@pytest.mark.parametrize("name", list(TAKEN))
def test_taken_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    call = TAKEN[name]
    theirs = _outcome(lambda: call(torch, _x(torch)))
    assert theirs[0] == "ok", theirs
    _same(_outcome(lambda: call(mg, _x(mg))), theirs)


def test_refusals_say_the_fix() -> None:
    x = _x(mg)
    with pytest.raises(TypeError, match=r"max\(\) for the largest of all"):
        x.max(None)
    with pytest.raises(TypeError, match=r"prod\(\) for the product of all"):
        x.prod(None)
    with pytest.raises(TypeError, match=r"squeeze\(\) for every dimension of size one"):
        x.squeeze(None)
    with pytest.raises(TypeError, match=r"repeat\(2, 1\) or repeat\(\(2, 1\)\)"):
        x.repeat(True, 1)
    with pytest.raises(TypeError, match=r"dim=None"):
        x.var(unbiased=False, keepdim=True)
    with pytest.raises(RuntimeError, match=r"keepdim=True"):
        mg.logsumexp(x, ())
    with pytest.raises(RuntimeError, match=r"got dtype int64"):
        x.long().requires_grad_()


def test_refused_requires_grad_changes_nothing() -> None:
    t = mg.tensor([1, 2])
    with pytest.raises(RuntimeError):
        t.requires_grad_()
    assert not t.requires_grad and t.is_leaf and t.grad_fn is None


def test_var_keeps_its_answers_and_gradients() -> None:
    # (the dims told apart from their absence change no result: var over all, kept, by
    # finite differences in float64)
    x = mg.tensor(np.random.default_rng(0).normal(size=(3, 4)), requires_grad=True)
    assert mg.autograd.gradcheck(lambda t: t.var(None, unbiased=False, keepdim=True), (x,))
    assert mg.autograd.gradcheck(lambda t: t.std(unbiased=False), (x,))
    assert mg.autograd.gradcheck(lambda t: t.repeat(2, True), (x,))
    assert mg.autograd.gradcheck(lambda t: mg.logsumexp(t, (), True), (x,))
