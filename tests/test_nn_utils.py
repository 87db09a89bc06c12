"""``nn.utils``: gradient clipping, parameters as one vector, ``pad_sequence``; against torch
(optional) and against the formulas they stand for."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)
from minigrad.nn.utils.rnn import pad_sequence

RNG = np.random.default_rng(5)
GRADS = [RNG.standard_normal((3, 4)), RNG.standard_normal(4), RNG.standard_normal((2, 2, 2))]


def _params(lib: Any, grads: list[np.ndarray], dtype: str = "float64") -> list[Any]:
    ps = []
    for g in grads:
        p = lib.nn.Parameter(lib.zeros(g.shape, dtype=getattr(lib, dtype)))
        p.grad = lib.tensor(g, dtype=getattr(lib, dtype))
        ps.append(p)
    return ps


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_scales_all_gradients_by_their_total_norm(
    norm_type: Any, max_norm: float
) -> None:
    ps = _params(mg, GRADS)
    p = float(norm_type)
    flat = np.concatenate([g.ravel() for g in GRADS])
    expected = np.abs(flat).max() if p == math.inf else (np.abs(flat) ** p).sum() ** (1 / p)
    total = clip_grad_norm_(ps, max_norm, norm_type=norm_type)
    assert isinstance(total, mg.Tensor) and total.shape == ()
    np.testing.assert_allclose(total.item(), expected, rtol=1e-12)
    scale = min(max_norm / (expected + 1e-6), 1.0)
    for param, g in zip(ps, GRADS):
        np.testing.assert_allclose(param.grad.numpy(), g * scale, rtol=1e-12)
        assert param.grad._version == 1  # (written in place, as any in-place op)


def test_clip_grad_norm_matches_torch_in_float32() -> None:
    torch = pytest.importorskip("torch")
    for norm_type in (2.0, math.inf, 1.0):
        ours, theirs = _params(mg, GRADS, "float32"), _params(torch, GRADS, "float32")
        a = clip_grad_norm_(ours, 0.7, norm_type)
        b = torch.nn.utils.clip_grad_norm_(theirs, 0.7, norm_type)
        assert a.dtype == mg.float32
        np.testing.assert_allclose(a.item(), b.item(), rtol=1e-6)
        for p, q in zip(ours, theirs):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6)


def test_clip_grad_norm_skips_missing_gradients_and_takes_one_tensor() -> None:
    a, b = _params(mg, GRADS[:2])
    b.grad = None
    total = clip_grad_norm_(iter([a, b]), 1.0)
    np.testing.assert_allclose(total.item(), np.linalg.norm(GRADS[0]))
    assert b.grad is None
    single = _params(mg, GRADS[:1])[0]
    assert clip_grad_norm_(single, 1e9).item() == pytest.approx(np.linalg.norm(GRADS[0]))
    none = nn.Parameter(mg.zeros(2))
    assert clip_grad_norm_([none], 1.0).item() == 0.0


def test_clip_grad_norm_warns_on_an_empty_generator() -> None:
    with pytest.warns(UserWarning, match="empty generator"):
        clip_grad_norm_((p for p in []), 1.0)


def test_nonfinite_norm_raises_only_when_asked_and_changes_nothing() -> None:
    ps = _params(mg, [np.array([1.0, np.inf])])
    with pytest.raises(RuntimeError, match=r"^The total norm of order 2.0 for gradients from"):
        clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    assert ps[0].grad.tolist() == [1.0, math.inf] and ps[0].grad._version == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clip_grad_norm_(ps, 1.0)  # scaled by the non-finite norm, as PyTorch, without warnings


def test_clip_grad_value_clamps_in_place() -> None:
    ps = _params(mg, GRADS)
    assert clip_grad_value_(ps, 0.5) is None
    for p, g in zip(ps, GRADS):
        np.testing.assert_array_equal(p.grad.numpy(), np.clip(g, -0.5, 0.5))


def test_clipping_in_a_training_step_as_the_tutorials_write_it() -> None:
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((8, 3))
    losses = []
    for lib in (mg, torch):
        lib.manual_seed(0)
        model = lib.nn.Linear(3, 2).double()
        with lib.no_grad():
            model.weight.copy_(lib.tensor(np.arange(6.0).reshape(2, 3) / 5))
            model.bias.fill_(0.1)
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        out = []
        for _ in range(3):
            opt.zero_grad()
            loss = (model(lib.tensor(x)) ** 2).sum()
            loss.backward()
            lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            out.append(loss.item())
        losses.append(out)
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-10)


def test_parameters_to_vector_and_back() -> None:
    model = nn.Linear(3, 2)
    vec = parameters_to_vector(model.parameters())
    assert vec.shape == (8,)
    np.testing.assert_array_equal(
        vec.detach().numpy(),
        np.concatenate([model.weight.detach().numpy().ravel(), model.bias.detach().numpy()]),
    )
    vec.sum().backward()  # (recorded: each parameter gets its gradient)
    assert model.weight.grad is not None and model.weight.grad.tolist() == [[1.0] * 3] * 2
    new = mg.arange(8.0)
    vector_to_parameters(new, model.parameters())
    assert model.weight.detach().tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert model.bias.detach().tolist() == [6.0, 7.0]
    with pytest.raises(TypeError, match=r"^expected torch\.Tensor, but got: list"):
        vector_to_parameters([1.0], model.parameters())
    with pytest.raises(RuntimeError, match="vec has 3 elements but the parameters have 8"):
        vector_to_parameters(mg.zeros(3), model.parameters())
    assert model.bias.detach().tolist() == [6.0, 7.0]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_matches_torch(batch_first: bool, side: str) -> None:
    torch = pytest.importorskip("torch")
    seqs = [RNG.standard_normal((n, 2)) for n in (3, 1, 4)]
    ours = [mg.tensor(s, requires_grad=True) for s in seqs]
    theirs = [torch.tensor(s, requires_grad=True) for s in seqs]
    a = pad_sequence(ours, batch_first=batch_first, padding_value=-1.0, padding_side=side)
    b = torch.nn.utils.rnn.pad_sequence(
        theirs, batch_first=batch_first, padding_value=-1.0, padding_side=side
    )
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    w = RNG.standard_normal(tuple(b.shape))
    (a * mg.tensor(w)).sum().backward()
    (b * torch.tensor(w)).sum().backward()
    for p, q in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())


def test_pad_sequence_errors() -> None:
    with pytest.raises(ValueError, match="padding_side to be one of left or right"):
        pad_sequence([mg.ones(2)], padding_side="middle")
    with pytest.raises(RuntimeError, match="all but the first dimension must agree"):
        pad_sequence([mg.ones(2, 3), mg.ones(2, 4)])
    with pytest.raises(RuntimeError, match="received an empty list of sequences"):
        pad_sequence([])
