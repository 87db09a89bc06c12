"""The graph ``next_functions`` shows where it is not minigrad's own: functions composed of
several ops show their inputs, and nodes PyTorch records where minigrad has one op (``F.linear``'s
``TBackward0``, matmul by the operands' ranks, a step of an index, one node with several
outputs, in-place writes) show as PyTorch's. Each case is compared with PyTorch's graph and its
gradients; the shown graph stays after backward, and a node that only shows takes no hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from test_grad_fn_structure import structure

import minigrad as mg

torch = pytest.importorskip("torch")

Case = Callable[[Any, Any, Any], Any]


def _both(fn: Case, *shapes: tuple[int, ...], grads: tuple[bool, ...] = ()) -> None:
    """``fn(t, *inputs)`` in both libraries: the same graph, values and gradients."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    wants = grads or (True,) * len(shapes)
    found = []
    for t in (mg, torch):
        xs = [t.tensor(a.copy(), requires_grad=g) for a, g in zip(arrays, wants)]
        out = fn(t, *xs)
        rows = structure(out, xs)
        out.sum().backward()
        found.append((rows, out.detach().numpy(), [x.grad for x in xs]))
    (ours, value, grads_mg), (theirs, expected, grads_pt) = found
    assert ours == theirs
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)
    for g, h in zip(grads_mg, grads_pt):
        assert (g is None) == (h is None)
        if g is not None:
            np.testing.assert_allclose(g.numpy(), h.numpy(), rtol=1e-12, atol=1e-12)


GRADS = [(True, True), (True, False), (False, True)]


@pytest.mark.parametrize("grads", GRADS, ids=["both", "left", "right"])
@pytest.mark.parametrize(
    "shapes",
    [
        ((4,), (4,)),
        ((3, 4), (4,)),
        ((4,), (4, 5)),
        ((3, 4), (4, 5)),
        ((2, 3, 4), (4,)),
        ((2, 3, 4), (4, 5)),
        ((2, 2, 3, 4), (4, 5)),
        ((2, 3, 4), (2, 4, 5)),
    ],
    ids=str,
)
def test_matmul_is_named_by_the_operands_ranks(shapes: Any, grads: Any) -> None:
    _both(lambda t, a, b: a @ b, *shapes, grads=grads)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("grads", [(True, True, True), (False, True, True), (True, False, False)])
@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 4)], ids=str)
def test_linear_shows_the_weights_transpose(shape: Any, grads: Any, bias: bool) -> None:
    def linear(t: Any, x: Any, w: Any, b: Any) -> Any:
        return t.nn.functional.linear(x, w, b if bias else None)

    _both(linear, shape, (5, 4), (5,), grads=grads)


def test_linear_module_and_cross_entropy_as_the_tutorials_walk_them() -> None:
    """The 60-minute blitz's walk from the loss: MSELoss, the Linear's addmm, then its bias."""
    for t in (mg, torch):
        t.manual_seed(0)
        net = t.nn.Sequential(t.nn.Linear(4, 3), t.nn.ReLU(), t.nn.Linear(3, 2))
        loss = t.nn.functional.mse_loss(net(t.randn(5, 4)), t.randn(5, 2))
        addmm = loss.grad_fn.next_functions[0][0]
        names = [
            loss.grad_fn.name(),
            addmm.name(),
            [n.name() for n, _ in addmm.next_functions],
            addmm.next_functions[2][0].next_functions[0][0].variable is net[2].weight,
        ]
        if t is mg:
            ours = names
    assert (
        ours
        == names
        == [
            "MseLossBackward0",
            "AddmmBackward0",
            ["torch::autograd::AccumulateGrad", "ReluBackward0", "TBackward0"],
            True,
        ]
    )
    _both(lambda t, x: t.nn.functional.cross_entropy(x, t.tensor([0, 3, 1])), (3, 4), grads=(True,))


INDICES = [
    (0, slice(1, 3)),
    (slice(1, None), None, 2),
    (Ellipsis, None),
    ([0, 1], slice(1, 3)),
    (1, [0, 2]),
    (slice(1, None), [0, 1]),
    (0, Ellipsis, 1),
    (True,),
]


@pytest.mark.parametrize("index", INDICES, ids=str)
def test_indexing_shows_a_node_per_step(index: Any) -> None:
    _both(lambda t, x: x[index], (2, 3, 4), grads=(True,))


def _written(step: str) -> Case:
    def write(t: Any, x: Any, y: Any) -> Any:
        a = x * 2
        exec(step, {}, {"a": a, "y": y})
        return a

    return write


WRITES = [
    "a[0] = y[0]",
    "a[0] = 5",
    "a[[0, 2]] = y[0]",
    "a[1:] = y[1:]",
    "a[0].mul_(y[0])",
    "a[0].add_(1)",
    "a[0].zero_()",
    "a[0][1] = y[0, 0]",
    "a[:, 1] += 2",
    "a.zero_()",
    "a.fill_(2)",
    "a.fill_(y[0, 0])",
    "a.copy_(y)",
]


@pytest.mark.parametrize("step", WRITES)
def test_in_place_writes_show_pytorchs_nodes(step: str) -> None:
    _both(_written(step), (3, 4), (3, 4))


def test_a_view_of_a_changed_tensor_is_as_strided() -> None:
    def view_after(t: Any, x: Any) -> Any:
        a = x * 2
        v = a[0]
        a.add_(1)
        return v

    _both(view_after, (3, 4), grads=(True,))


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x: t.stack(x.unbind(1)),
        lambda t, x: x.split(2, 2)[0] * x.split(2, 2)[1],
        lambda t, x: (lambda r: r.min * r.max)(x.aminmax(dim=1)),
    ],
    ids=["unbind", "split", "aminmax"],
)
def test_outputs_of_one_node_show_their_index(fn: Case) -> None:
    _both(fn, (2, 3, 4), grads=(True,))


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, x, y: t.nn.functional.gelu(x),
        lambda t, x, y: x.var(1),
        lambda t, x, y: x.add(y, alpha=2),
        lambda t, x, y: t.nn.functional.binary_cross_entropy(x.sigmoid(), y.detach().sigmoid()),
        lambda t, x, y: x.masked_fill(x.detach() > 0, y[0, 0]),
        lambda t, x, y: x.diagonal(),
        lambda t, x, y: x.take_along_dim(t.tensor([[0], [3], [1]]), 1),
        lambda t, x, y: t.nn.functional.conv2d(x[None, None], y[None, None, :2, :2]),
        lambda t, x, y: x[0].t(),
    ],
    ids=["gelu", "var", "add_alpha", "bce", "masked_fill", "diagonal", "gather", "conv", "t"],
)
def test_a_composed_function_shows_its_inputs(fn: Case) -> None:
    _both(fn, (3, 4), (3, 4))


@pytest.mark.parametrize(
    "fn",
    [
        lambda x, w: x @ w[:, 0],
        lambda x, w: x[0] @ w,
        lambda x, w: x[None].expand(2, 3, 4) @ w,
        lambda x, w: mg.nn.functional.linear(x, w.T),
        lambda x, w: x[0, 1:3],
        lambda x, w: mg.stack(x.unbind()),
        lambda x, w: mg.nn.functional.gelu(x),
    ],
)
def test_the_shown_graph_stays_after_backward(fn: Callable[[Any, Any], Any]) -> None:
    x = mg.randn(3, 4, dtype=mg.float64, requires_grad=True)
    w = mg.randn(4, 5, dtype=mg.float64, requires_grad=True)
    out = fn(x, w)
    before = structure(out, [x, w])
    out.sum().backward()
    assert structure(out, [x, w]) == before


def test_a_node_that_only_shows_takes_no_hooks() -> None:
    x = mg.randn(3, 4, requires_grad=True)
    w = mg.randn(5, 4, requires_grad=True)
    t = mg.nn.functional.linear(x, w).grad_fn.next_functions[1][0]
    assert t.name() == "TBackward0" and repr(t) == "<TBackward0>"
    with pytest.raises(RuntimeError, match=r"TBackward0 is shown where PyTorch records it"):
        t.register_hook(lambda grad_inputs, grad_outputs: None)
    with pytest.raises(RuntimeError, match=r"register the hook on that node or on the tensor"):
        t.register_prehook(lambda grad_outputs: None)


def test_a_hook_on_a_composed_node_still_sees_the_ops_gradients() -> None:
    """The label changes what shows, not the walk: a post-hook on gelu's node (a Mul) gets one
    gradient per input of the Mul, and the gradient reaching x is unchanged."""
    x = mg.tensor([0.5, -1.0, 2.0], dtype=mg.float64, requires_grad=True)
    out = mg.nn.functional.gelu(x)
    seen: list[int] = []
    out.grad_fn.register_hook(lambda gi, go: seen.append(len(gi)))
    out.sum().backward()
    assert seen == [2] and len(out.grad_fn.next_functions) == 1
    xt = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
    torch.nn.functional.gelu(xt).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_gradients_of_the_relabelled_views_check_numerically() -> None:
    """``t()`` of a vector is a view now, ``vstack``/``dstack`` unsqueeze: float64
    finite differences, first and second order."""
    x = mg.randn(4, dtype=mg.float64, requires_grad=True)
    y = mg.randn(4, dtype=mg.float64, requires_grad=True)
    for fn in (
        lambda a, b: (a.t() * b).sin(),
        lambda a, b: mg.vstack([a, b]).sin(),
        lambda a, b: mg.dstack([a, b]).sin(),
    ):
        assert mg.autograd.gradcheck(fn, (x, y))
        assert mg.autograd.gradgradcheck(fn, (x, y))
