"""Second order through unbind: the ``Unbind`` op's rule on Tensors (``create_graph=True``).

Its rule has two paths: on arrays (first order) it fills one array slice by slice; on Tensors it
reshapes each output's gradient and concatenates them (zeros for an output no gradient reached),
recorded, so that the gradient can itself be differentiated. The checks here pin that Tensor path:
the recorded first-order gradient equals the array path's exactly and stays in the graph; its
Hessian-vector products match central differences of first-order gradients and PyTorch's, over
several dims, non-contiguous inputs and outputs left unused. ``Tensor.unbind`` and
``minigrad.unbind`` (slices recorded one by one, PyTorch's names) get the same checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor
from minigrad.graph import iter_graph
from minigrad.unbind import Unbind
from minigrad.unbind import unbind as unbind_op

EPS = 1e-6
Split = Callable[[Any, int], Sequence[Any]]


def combine(steps: Sequence[Any], used: Sequence[int]) -> Any:
    """A scalar, nonlinear in each used slice and coupling neighbours, so that every second
    derivative block through the split is non-zero; works on minigrad and torch alike."""
    total = None
    for j, k in enumerate(used):
        s = steps[k]
        term = (s * s * float(j + 1)).sum() + (s.sin() * steps[used[j - 1]]).sum()
        total = term if total is None else total + term
    assert total is not None
    return total


# (shape, dim, used outputs, non-contiguous view of the leaf)
CASES = [
    ((4, 3), 0, (0, 1, 2, 3), None),
    ((3, 4, 2), 1, (0, 2), None),  # outputs 1 and 3 unused: zeros in the gradient
    ((2, 3, 5), 2, (4, 1), None),  # last dim, used out of order
    ((5, 3), 1, (2,), "transpose"),  # one output of a transposed (non-contiguous) input
    ((6, 4, 3), 0, (0, 2), "stride"),  # every other row: strided input
    ((3, 2, 4), 2, (3, 0, 1), "permute"),
]


def view(x: Any, how: str | None) -> Any:
    """The input unbind sees: the leaf itself or a non-contiguous view of it."""
    if how == "transpose":
        return x.t()
    if how == "stride":
        return x[::2]
    if how == "permute":
        return x.permute(2, 0, 1)
    return x


def leaf_shape(shape: tuple[int, ...], how: str | None) -> tuple[int, ...]:
    """The leaf's shape that gives ``shape`` once viewed."""
    if how == "transpose":
        return (shape[1], shape[0])
    if how == "stride":
        return (shape[0] * 2 - 1, *shape[1:])
    if how == "permute":
        return (shape[1], shape[2], shape[0])
    return shape


def first_order(split: Split, x0: np.ndarray, case: tuple[Any, ...]) -> np.ndarray:
    """d f / d x at x0, by a plain backward (the rule's array path)."""
    _, dim, used, how = case
    x = mg.from_numpy(x0.copy()).requires_grad_()
    combine(split(view(x, how), dim), used).backward()
    assert x.grad is not None
    return x.grad.numpy()


def hvp(split: Split, x0: np.ndarray, v: np.ndarray, case: tuple[Any, ...]) -> np.ndarray:
    """(d^2 f / d x^2) v through the recorded gradient (the rule's Tensor path)."""
    _, dim, used, how = case
    x = mg.from_numpy(x0.copy()).requires_grad_()
    (g,) = mg.grad(combine(split(view(x, how), dim), used), x, create_graph=True)
    assert g.requires_grad, "the recorded gradient is cut from the graph"
    np.testing.assert_array_equal(g.detach().numpy(), first_order(split, x0, case))
    (h,) = mg.grad((g * mg.from_numpy(v)).sum(), x)
    return h.numpy()


def data(case: tuple[Any, ...]) -> tuple[np.ndarray, np.ndarray]:
    shape, dim, _, how = case
    rng = np.random.default_rng(sum(shape) * 10 + dim)
    lshape = leaf_shape(shape, how)
    return rng.uniform(-1.5, 1.5, lshape), rng.uniform(0.5, 1.5, lshape)


def the_op(x: Tensor, dim: int) -> list[Tensor]:
    """The ``Unbind`` op itself (one node, several outputs), as the recurrent layers use it."""
    out = unbind_op(x, dim)
    assert any(type(n) is Unbind for n in iter_graph(out)), "no Unbind node was recorded"
    return out


SPLITS: dict[str, Split] = {
    "Unbind_op": the_op,
    "Tensor.unbind": lambda x, d: x.unbind(d),
    "minigrad.unbind_negative_dim": lambda x, d: mg.unbind(x, d - x.ndim),
}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-dim{c[1]}-{c[3] or 'contig'}")
@pytest.mark.parametrize("name", list(SPLITS))
def test_hessian_vector_product_matches_finite_differences(name: str, case: Any) -> None:
    split = SPLITS[name]
    x0, v = data(case)
    numeric = (first_order(split, x0 + EPS * v, case) - first_order(split, x0 - EPS * v, case)) / (
        2 * EPS
    )
    auto = hvp(split, x0, v, case)
    assert np.abs(auto).max() > 1e-3, "every second derivative is 0"
    np.testing.assert_allclose(auto, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-dim{c[1]}-{c[3] or 'contig'}")
@pytest.mark.parametrize("name", list(SPLITS))
def test_first_and_second_order_match_torch(name: str, case: Any) -> None:
    torch = pytest.importorskip("torch")
    split = SPLITS[name]
    _, dim, used, how = case
    x0, v = data(case)
    xt = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    (gt,) = torch.autograd.grad(
        combine(torch.unbind(view(xt, how), dim), used), xt, create_graph=True
    )
    (ht,) = torch.autograd.grad((gt * torch.tensor(v)).sum(), xt)
    np.testing.assert_allclose(first_order(split, x0, case), gt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(hvp(split, x0, v, case), ht.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", CASES[1:4], ids=lambda c: f"{c[0]}-dim{c[1]}")
def test_gradgradcheck_through_the_op(case: Any) -> None:
    """With respect to the input and to the gradient fed to the outputs (which the Tensor path
    reshapes and concatenates: second order in it is that rule read backwards)."""
    _, dim, used, how = case
    x0, _ = data(case)

    def f(x: Tensor) -> Tensor:
        steps = the_op(view(x, how), dim)
        return mg.stack([steps[k].sin() * steps[k] for k in used])

    x = mg.from_numpy(x0).requires_grad_()
    assert mg.gradgradcheck(f, [x])
