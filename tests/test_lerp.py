"""lerp's gradients: PyTorch's two formulas (start + w (end - start) for |w| < 0.5, end - (end -
start)(1 - w) otherwise), chosen per element for a tensor weight, are compositions of ops; both
branches are checked by finite differences in float64, first order on arrays and under
create_graph, with broadcasting and non-contiguous inputs, and against torch's gradients."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.gradcheck import gradcheck, gradgradcheck

RNG = np.random.default_rng(5)


def _t(a: np.ndarray) -> mg.Tensor:
    return mg.tensor(a, requires_grad=True)


@pytest.mark.parametrize("weight", [0.2, -0.3, 0.5, 0.8, 1.7])
def test_number_weight_both_formulas(weight: float) -> None:
    start, end = _t(RNG.standard_normal((2, 3))), _t(RNG.standard_normal(3))  # end broadcasts
    assert gradcheck(lambda s, e: s.lerp(e, weight), (start, end))
    assert gradgradcheck(lambda s, e: s.lerp(e, weight), (start, end))


def test_tensor_weight_mixes_the_formulas_per_element() -> None:
    start = _t(RNG.standard_normal((3, 4)))
    end = mg.from_numpy(RNG.standard_normal((4, 3)).T).requires_grad_()  # non-contiguous
    w = _t(np.array([[-0.6, 0.1, 0.45, 0.7], [0.3, 1.2, -0.2, 0.55], [0.9, 0.0, 0.25, 2.0]]))
    assert not end._data.flags.c_contiguous
    assert gradcheck(lambda s, e, w: s.lerp(e, w), (start, end, w))
    assert gradgradcheck(lambda s, e, w: s.lerp(e, w), (start, end, w))
    wb = _t(np.array([0.1, 0.6, 0.3, 0.9]))  # a weight broadcast over the rows
    assert gradcheck(lambda s, e, w: s.lerp(e, w), (start, end, wb))


def test_gradients_are_torchs() -> None:
    torch = pytest.importorskip("torch")
    s, e = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    w = RNG.uniform(-1, 2, (3, 4))
    seed = RNG.standard_normal((3, 4))

    def grads(lib: Any) -> list[np.ndarray]:
        ts = [lib.tensor(a, requires_grad=True) for a in (s, e, w)]
        (ts[0].lerp(ts[1], ts[2]) * lib.tensor(seed)).sum().backward()
        return [np.asarray(t.grad.detach().numpy()) for t in ts]

    for mine, theirs in zip(grads(mg), grads(torch)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-12)
