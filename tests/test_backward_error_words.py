"""Backward from a tensor that tracks no gradient raises PyTorch's words, ``element i of
tensors does not require grad and does not have a grad_fn`` (the index of the offending
output among those given), then what to do; the leaf-vs-non-leaf tutorial quotes them."""

from __future__ import annotations

from typing import Any

import pytest

import minigrad as mg

WORDS = r"^element {} of tensors does not require grad and does not have a grad_fn"

CASES: list[tuple[int, Any]] = [
    (0, lambda lib, x, w: (x * 2).sum().backward()),
    (0, lambda lib, x, w: lib.autograd.grad((x * 2).sum(), [w], allow_unused=True)),
    (0, lambda lib, x, w: lib.autograd.backward([(x * 2).sum()])),
    (1, lambda lib, x, w: lib.autograd.backward([(w * 2).sum(), (x * 2).sum()])),
    (1, lambda lib, x, w: lib.autograd.grad([(w * 2).sum(), x.sum()], [w])),
]


def _inputs(lib: Any) -> tuple[Any, Any]:
    return lib.ones(2), lib.ones(2, requires_grad=True)


@pytest.mark.parametrize(("index", "call"), CASES)
def test_the_words_name_the_output_then_the_fix(index: int, call: Any) -> None:
    x, w = _inputs(mg)
    with pytest.raises(RuntimeError, match=WORDS.format(index)) as caught:
        call(mg, x, w)
    assert "set requires_grad=True on the inputs you want gradients for" in str(caught.value)
    assert w.grad is None  # nothing accumulated before the refusal


@pytest.mark.parametrize(("index", "call"), CASES)
def test_the_words_are_torchs(index: int, call: Any) -> None:
    torch = pytest.importorskip("torch")
    x, w = _inputs(torch)
    with pytest.raises(RuntimeError) as theirs:
        call(torch, x, w)
    x, w = _inputs(mg)
    with pytest.raises(RuntimeError) as ours:
        call(mg, x, w)
    assert str(ours.value).startswith(str(theirs.value))
