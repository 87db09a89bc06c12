"""The Jacobian transforms walk the graph once per call, and give what a row-by-row ``grad()``
gives, bit for bit.

``jacrev`` (and ``autograd.functional.jacobian``) runs one backward pass per output element,
``jacfwd`` one per input element and ``vjp_fn`` one per call: each pass is the ``grad()`` of the
same outputs with respect to the same inputs, so the nodes that lead to the inputs
(``graph.leading_to``) are found once (``gradients.Repeated``) and reused by every pass. These
tests hold the values to the plain loop of ``grad()`` calls with ``np.array_equal`` (no
tolerance), count the walks, and compare with ``torch.func`` in float64 where torch is
installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import func as mf
from minigrad import gradients, graph
from minigrad.autograd.functional import jacobian

# torch's deprecation of its own torch.jit.script, raised inside torch.func: not minigrad's
pytestmark = pytest.mark.filterwarnings(
    "ignore:`torch.jit.script` is deprecated:DeprecationWarning"
)


def params(seed: int = 0) -> dict[str, np.ndarray]:
    """A small MLP (64 -> 32 -> 10, tanh) and a batch of 64 inputs, float64."""
    rng = np.random.default_rng(seed)
    return {
        "w1": rng.standard_normal((32, 64)) / 8,
        "b1": rng.standard_normal(32),
        "w2": rng.standard_normal((10, 32)) / 4,
        "b2": rng.standard_normal(10),
        "x": rng.standard_normal(64),
        "batch": rng.standard_normal((64, 64)),
    }


def mlp(lib: Any, p: dict[str, Any], x: Any) -> Any:
    return lib.tanh(p["w2"] @ lib.tanh(p["w1"] @ x + p["b1"]) + p["b2"])


def loss(lib: Any, p: dict[str, Any], x: Any) -> Any:
    return (mlp(lib, p, x) ** 2).sum()


def tensors(lib: Any, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    return {k: lib.tensor(v) for k, v in arrays.items()}


def rows_by_grad(f: Callable[..., Any], *xs: mg.Tensor, create_graph: bool = False) -> list[Any]:
    """d f / d x for every x, one ``grad()`` call per output element (fresh graph each call):
    the loop the transforms are held to."""
    leaves = [x.detach().requires_grad_() for x in xs]
    out = f(*leaves)
    per_input: list[list[np.ndarray]] = [[] for _ in xs]
    for m in range(out.numel()):
        seed = np.zeros(out.shape)
        seed.reshape(-1)[m] = 1
        found = mg.autograd.grad(out, leaves, mg.tensor(seed), retain_graph=True, allow_unused=True)
        for i, (x, g) in enumerate(zip(xs, found)):
            per_input[i].append(np.zeros(x.shape) if g is None else g.numpy())
    return [np.stack(r).reshape(out.shape + x.shape) for r, x in zip(per_input, xs)]


def assert_identical(ours: Any, expected: np.ndarray) -> None:
    a = ours.detach().numpy() if isinstance(ours, mg.Tensor) else ours
    assert a.dtype == expected.dtype == np.float64 and a.shape == expected.shape
    assert np.array_equal(a, expected), np.abs(a - expected).max()


def test_jacrev_equals_grad_row_by_row_bit_for_bit() -> None:
    p = tensors(mg, params())

    def f(x: Any, w1: Any) -> Any:
        return mlp(mg, {**p, "w1": w1}, x)

    expected = rows_by_grad(f, p["x"], p["w1"])
    jx, jw = mf.jacrev(f, argnums=(0, 1))(p["x"], p["w1"])
    assert_identical(jx, expected[0])
    assert_identical(jw, expected[1])
    jx, jw = jacobian(f, (p["x"], p["w1"]))
    assert_identical(jx, expected[0])
    assert_identical(jw, expected[1])


def test_jacfwd_and_vjp_rows_equal_jacrev_bit_for_bit() -> None:
    p = tensors(mg, params())

    def f(x: Any) -> Any:
        return mlp(mg, p, x)

    (expected,) = rows_by_grad(f, p["x"])
    # vmap(vjp_fn) over the unit vectors: one vjp_fn call per row, one graph walk for all
    _, vjp_fn = mf.vjp(f, p["x"])
    (rows,) = mf.vmap(vjp_fn)(mg.eye(10, dtype=mg.float64))
    assert_identical(rows, expected)
    # jacfwd: columns by the double-vjp trick, the same numbers to rounding
    np.testing.assert_allclose(mf.jacfwd(f)(p["x"]).numpy(), expected, rtol=1e-12, atol=1e-14)


def test_an_unused_input_and_several_outputs_give_zeros_and_their_rows() -> None:
    x = mg.tensor(np.linspace(-1.0, 1.0, 5))
    unused = mg.tensor(np.ones(3))

    def f(a: Any, b: Any) -> Any:
        return (a.sin() * a.sum(), a.exp()[:2])

    jac = mf.jacrev(f, argnums=(0, 1))(x, unused)
    for k in range(2):
        expected = rows_by_grad(lambda a, b, k=k: f(a, b)[k], x, unused)
        assert_identical(jac[k][0], expected[0])
        assert_identical(jac[k][1], expected[1])
        assert not expected[1].any()


def test_vmap_of_grad_equals_a_loop_of_grad_bit_for_bit() -> None:
    arrays = params()
    p = tensors(mg, arrays)
    mapped = mf.vmap(mf.grad(lambda x: loss(mg, p, x)))(p["batch"])
    expected = []
    for sample in arrays["batch"]:
        x = mg.tensor(sample, requires_grad=True)
        (g,) = mg.autograd.grad(loss(mg, p, x), [x])
        assert g is not None
        expected.append(g.numpy())
    assert_identical(mapped, np.stack(expected))


def test_second_order_rows_equal_grad_of_grad_bit_for_bit() -> None:
    p = tensors(mg, params())
    x0 = p["x"][:6]
    w = p["w1"][:4, :6]

    def f(x: Any) -> Any:
        return mg.tanh(w @ x).pow(2).sum()

    hess = mf.jacrev(mf.jacrev(f))(x0)
    x = x0.detach().requires_grad_()
    (g,) = mg.autograd.grad(f(x), [x], create_graph=True)
    assert g is not None
    expected = []
    for m in range(6):
        seed = np.zeros(6)
        seed[m] = 1
        (row,) = mg.autograd.grad(g, [x], mg.tensor(seed), retain_graph=True)
        assert row is not None
        expected.append(row.numpy())
    assert_identical(hess, np.stack(expected))


def test_jacrev_walks_the_graph_once_per_output_not_once_per_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walks: list[int] = []

    def counted(roots: Any, targets: Any) -> set[Any]:
        walks.append(1)
        return graph.leading_to(roots, targets)

    monkeypatch.setattr(gradients, "leading_to", counted)
    p = tensors(mg, params())
    mf.jacrev(lambda x: mlp(mg, p, x))(p["x"])  # 10 rows
    assert len(walks) == 1
    walks.clear()
    mf.jacrev(lambda x: (x.sin(), x.cos()[:3]))(p["x"])  # two outputs, 67 rows
    assert len(walks) == 2
    walks.clear()
    _, vjp_fn = mf.vjp(lambda x: mlp(mg, p, x), p["x"])
    mf.vmap(vjp_fn)(mg.eye(10, dtype=mg.float64))
    assert len(walks) == 1
    walks.clear()
    mf.jacfwd(lambda x: mlp(mg, p, x))(p["x"])  # 64 columns
    assert len(walks) == 2  # the first vjp, then one walk for all columns


def test_a_hook_off_the_path_to_the_inputs_still_does_not_run() -> None:
    # the shared walk runs only the nodes leading to the inputs, as each grad() call did
    x = mg.tensor(np.arange(3.0), requires_grad=True)
    other = mg.tensor(np.ones(3), requires_grad=True)
    fired: list[int] = []
    off_path = other * 2
    off_path.register_hook(lambda g: fired.append(1))

    def f(a: Any) -> Any:
        return a.sin() + off_path

    jac = mf.jacrev(f)(x)
    assert fired == []
    np.testing.assert_array_equal(jac.detach().numpy(), np.diag(np.cos(np.arange(3.0))))


def test_leading_to_is_the_nodes_on_a_path_to_the_targets() -> None:
    a = mg.tensor(np.ones(2), requires_grad=True)
    b = mg.tensor(np.ones(2), requires_grad=True)
    on_path = a.exp()
    off_path = b.sin()
    out = on_path * off_path
    needed = graph.leading_to([out], [a])
    assert a in needed and on_path.grad_fn in needed and out.grad_fn in needed
    assert off_path.grad_fn not in needed and b not in needed


def test_jacrev_and_vmap_grad_match_torch_func() -> None:
    torch = pytest.importorskip("torch")
    import torch.func as tf

    arrays = params()
    for lib, fn in ((mg, mf), (torch, tf)):
        p = tensors(lib, arrays)
        jac = fn.jacrev(lambda x, p=p, lib=lib: mlp(lib, p, x))(p["x"])
        per_sample = fn.vmap(fn.grad(lambda x, p=p, lib=lib: loss(lib, p, x)))(p["batch"])
        hess = fn.hessian(lambda b, p=p, lib=lib: loss(lib, {**p, "b2": b}, p["x"]))(p["b2"])
        if lib is mg:
            ours = [jac.numpy(), per_sample.numpy(), hess.numpy()]
        else:
            theirs = [jac.numpy(), per_sample.numpy(), hess.numpy()]
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype == np.float64 and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert ours[0].shape == (10, 64) and ours[1].shape == (64, 64)


def test_functional_jacobian_with_create_graph_stays_differentiable() -> None:
    x = mg.tensor(np.linspace(0.1, 0.9, 4), requires_grad=True)
    jac = jacobian(lambda a: a**3, x, create_graph=True)
    (g,) = mg.autograd.grad(jac.sum(), [x])
    assert g is not None
    np.testing.assert_allclose(g.numpy(), 6 * x.detach().numpy(), rtol=1e-12)
