"""``scale_grad_by_freq`` of ``F.embedding`` and ``nn.Embedding``, as PyTorch's: each row's
gradient divided by the number of times the input picks it. The forward is unchanged, the
gradient is torch's in float64 (with repeated rows, padding, a batch of sequences), and finite
differences of the scaled function agree at first and second order. ``sparse=True`` is refused
and says why."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.gradcheck import gradcheck, gradgradcheck

TABLE = np.random.default_rng(0).standard_normal((6, 3))
CASES = {
    "repeats": [[1, 1, 2, 5, 1], [0, 2, 2, 3, 4]],
    "flat": [4, 4, 4, 0],
    "once each": [0, 1, 2, 3, 4, 5],
}


def _grads(lib: Any, F_: Any, idx: Any, padding_idx: Any) -> tuple[np.ndarray, np.ndarray]:
    w = lib.tensor(TABLE.copy(), requires_grad=True)
    out = F_.embedding(lib.tensor(idx), w, padding_idx=padding_idx, scale_grad_by_freq=True)
    weights = lib.tensor(np.arange(out.numel(), dtype=np.float64).reshape(tuple(out.shape)))
    (out * weights).sum().backward()
    return out.detach().numpy(), w.grad.numpy()


@pytest.mark.parametrize("padding_idx", [None, 2])
@pytest.mark.parametrize("case", sorted(CASES))
def test_gradients_equal_torchs(case, padding_idx):
    idx = CASES[case]
    out, grad = _grads(mg, F, idx, padding_idx)
    np.testing.assert_array_equal(out, TABLE[np.array(idx)])  # the forward is unchanged
    plain_w = mg.tensor(TABLE.copy(), requires_grad=True)
    plain = F.embedding(mg.tensor(idx), plain_w, padding_idx=padding_idx)
    weights = mg.tensor(np.arange(plain.numel(), dtype=np.float64).reshape(tuple(plain.shape)))
    (plain * weights).sum().backward()
    counts = np.bincount(np.array(idx).reshape(-1), minlength=6)
    np.testing.assert_allclose(grad, plain_w.grad.numpy() / np.maximum(counts, 1)[:, None])
    torch = pytest.importorskip("torch")
    t_out, t_grad = _grads(torch, torch.nn.functional, idx, padding_idx)
    np.testing.assert_array_equal(out, t_out)
    np.testing.assert_allclose(grad, t_grad, rtol=1e-14, atol=1e-15)


def test_second_order_is_the_plain_one_divided_by_the_counts():
    """The scaled graph's gradient and Hessian-vector product are the unscaled ones divided by
    each row's count (first order: also checked against torch above; the unscaled ones are
    checked by finite differences with the embedding's own tests, and here too)."""
    idx = mg.tensor(CASES["repeats"])
    counts = np.bincount(np.array(CASES["repeats"]).reshape(-1), minlength=6)[:, None]
    v = mg.tensor(np.random.default_rng(1).standard_normal(TABLE.shape))
    results = []
    for scaled in (True, False):
        w = mg.tensor(TABLE.copy(), requires_grad=True)
        loss = mg.tanh(F.embedding(idx, w, scale_grad_by_freq=scaled)).sum()
        (g,) = mg.autograd.grad(loss, w, create_graph=True)
        (hv,) = mg.autograd.grad((g * v).sum(), w)
        results.append((g.detach().numpy(), hv.numpy()))
    (g1, h1), (g0, h0) = results
    assert np.abs(h0).max() > 0.1  # a real second derivative
    np.testing.assert_allclose(g1, g0 / np.maximum(counts, 1), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(h1, h0 / np.maximum(counts, 1), rtol=1e-13, atol=1e-15)
    w = mg.tensor(TABLE.copy(), requires_grad=True)
    assert gradcheck(lambda w: mg.tanh(F.embedding(idx, w)), [w])
    assert gradgradcheck(lambda w: mg.tanh(F.embedding(idx, w)), [w])


def test_the_layer_takes_it_and_sparse_is_refused():
    emb = nn.Embedding(6, 3, scale_grad_by_freq=True).double()
    with mg.no_grad():
        emb.weight.copy_(mg.tensor(TABLE))
    emb(mg.tensor([1, 1, 2])).sum().backward()
    np.testing.assert_allclose(emb.weight.grad.numpy()[[1, 2]], np.ones((2, 3)))
    np.testing.assert_array_equal(emb.weight.grad.numpy()[[0, 3, 4, 5]], np.zeros((4, 3)))
    for make in (
        lambda: nn.Embedding(6, 3, sparse=True),
        lambda: F.embedding(mg.tensor([0]), mg.tensor(TABLE), sparse=True),
    ):
        with pytest.raises(NotImplementedError, match="sparse is not supported: minigrad has no"):
            make()


def _hvp(lib: Any, lookup: Any) -> tuple[np.ndarray, np.ndarray]:
    """The gradient of sum(tanh(lookup(w))) and its product with the Hessian along v."""
    w = lib.tensor(TABLE.copy(), requires_grad=True)
    v = lib.tensor(np.random.default_rng(1).standard_normal(TABLE.shape))
    (g,) = lib.autograd.grad(lib.tanh(lookup(lib, w)).sum(), w, create_graph=True)
    (hv,) = lib.autograd.grad((g * v).sum(), w)
    return g.detach().numpy(), hv.numpy()


def test_second_order_equals_torchs():
    idx = CASES["repeats"]

    def lookup(lib: Any, w: Any) -> Any:
        fn = F if lib is mg else lib.nn.functional
        return fn.embedding(lib.tensor(idx), w, scale_grad_by_freq=True)

    torch = pytest.importorskip("torch")
    for ours, theirs in zip(_hvp(mg, lookup), _hvp(torch, lookup)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_second_order_scales_once(mode):
    idx, offsets = [1, 1, 2, 5, 1, 0, 2, 2], [0, 3, 5]

    def lookup(scaled: bool) -> Any:
        def f(lib: Any, w: Any) -> Any:
            return F.embedding_bag(
                mg.tensor(idx), w, mg.tensor(offsets), mode=mode, scale_grad_by_freq=scaled
            )

        return f

    (g1, h1), (g0, h0) = _hvp(mg, lookup(True)), _hvp(mg, lookup(False))
    counts = np.maximum(np.bincount(idx, minlength=6), 1)[:, None]
    assert np.abs(h0).max() > 0.1
    np.testing.assert_allclose(g1, g0 / counts, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(h1, h0 / counts, rtol=1e-13, atol=1e-15)
