"""minigrad.explain: the replayed backward equals the engine's, and BP1-BP4 meet the reference."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, reference
from minigrad.explain import Explanation, explain_backward, explain_mlp
from minigrad.graph import iter_graph
from minigrad.nn import functional as F
from minigrad.viz import draw_graph, draw_model


def _graph() -> tuple[mg.Tensor, mg.Tensor, mg.Tensor, mg.Tensor]:
    """A loss with fan-out (h used twice), broadcasting (b over rows) and a constant."""
    rng = np.random.default_rng(0)
    x = mg.from_numpy(rng.normal(size=(5, 4)))
    w = mg.Tensor(rng.normal(size=(4, 3)), dtype=mg.float64, requires_grad=True, name="w")
    b = mg.Tensor(rng.normal(size=(3,)), dtype=mg.float64, requires_grad=True, name="b")
    h = (x @ w + b).tanh()
    loss = (h * h + h.sigmoid()).mean()
    return loss, w, b, h


def _mlp(
    sizes: tuple[int, ...], final: Callable[[], nn.Module] | None = nn.Sigmoid
) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(n_in, n_out, dtype="float64", generator=i))
        last = i == len(sizes) - 2
        if not last:
            layers.append(nn.Sigmoid())
        elif final is not None:
            layers.append(final())
    return nn.Sequential(*layers)


def test_steps_follow_the_engine_order() -> None:
    loss, *_ = _graph()
    ex = explain_backward(loss)
    order = list(iter_graph([loss]))
    assert len(ex) == len(order)
    assert all(s.node is n for s, n in zip(ex, order))
    assert [s.index for s in ex] == list(range(len(order)))
    assert ex[0].op == "Mean" and {s.kind for s in ex} == {"op", "leaf"}


def test_recorded_gradients_equal_the_engines_bit_for_bit() -> None:
    loss, w, b, h = _graph()
    seen: list[np.ndarray] = []
    h.register_hook(lambda g: seen.append(g.detach().numpy().copy()))
    ex = explain_backward(loss, params={"w": w, "b": b, "h": h})
    seen.clear()  # the replay runs hooks as the engine does; keep only the engine's call
    loss.backward()
    by_name = {s.name: s for s in ex}
    assert np.array_equal(by_name["w"].grad, w.grad.numpy())
    assert np.array_equal(by_name["b"].grad, b.grad.numpy())
    assert by_name["b"].kind == "leaf" and by_name["b"].grad.shape == (3,)
    assert np.array_equal(by_name["h"].grad, seen[0])  # Tanh's incoming gradient
    assert by_name["h"].op == "Tanh"


def test_handoffs_add_up_to_each_nodes_gradient() -> None:
    loss, *_ = _graph()
    ex = explain_backward(loss)
    received: dict[int, np.ndarray] = {}
    for s in ex:
        if s.kind == "op":
            for p, h in zip(s.node.edges, s.handoffs):
                if p is None:
                    assert h.target.startswith("constant") and h.grad is None and h.norm is None
                    continue
                assert h.shape == h.grad.shape and h.norm == pytest.approx(np.linalg.norm(h.grad))
                received[id(p)] = received.get(id(p), 0) + h.grad
    for s in ex[1:]:
        np.testing.assert_allclose(received[id(s.node)], s.grad, rtol=0, atol=1e-15)
        assert s.grad_norm == pytest.approx(np.linalg.norm(s.grad))
    add = next(s for s in ex if s.op == "Add" and s.handoffs[1].target == "b")
    assert [h.shape for h in add.handoffs] == [(5, 3), (3,)]  # broadcasting undone
    assert [h.input for h in add.handoffs] == ["x", "y"]
    assert add.rule.startswith("z = x + y")


def test_explain_leaves_grad_and_graph_untouched() -> None:
    loss, w, b, _ = _graph()
    explain_backward(loss)
    explain_backward(loss)
    assert w.grad is None and b.grad is None
    loss.backward()  # the graph is still there
    with pytest.raises(RuntimeError, match="freed by backward"):
        explain_backward(loss)


def test_non_scalar_output_needs_a_gradient() -> None:
    x = mg.Tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    y = x * x
    with pytest.raises(ValueError, match="gradient="):
        explain_backward(y)
    seed = np.array([1.0, -1.0, 0.5], dtype=np.float32)
    ex = explain_backward(y, gradient=seed)
    y.backward(seed)
    assert np.array_equal(ex[-1].grad, x.grad.numpy())
    with pytest.raises(RuntimeError, match="does not require grad"):
        explain_backward(mg.Tensor([1.0]))


def test_gradients_are_cast_back_and_ties_split_as_the_engine_does() -> None:
    y = mg.Tensor([3.0], requires_grad=True, name="y")
    z = (y.astype(np.float64) * 2).sum()
    assert explain_backward(z)[-1].grad.dtype == np.float32
    a = mg.Tensor([2.0, 2.0, 1.0], requires_grad=True, name="a")
    out = a.max() * 3 + a.sum()
    ex = explain_backward(out)
    out.backward()
    assert np.array_equal(ex[-1].grad, a.grad.numpy())
    np.testing.assert_allclose(ex[-1].grad, [2.5, 2.5, 1.0])


def test_table_is_readable() -> None:
    loss, w, b, _ = _graph()
    ex = explain_backward(loss, params={"w": w, "b": b})
    text = str(ex)
    assert text == ex.table() == repr(ex)
    assert "Mean" in text and "MatMul" in text and "leaf w" in text
    assert "z = x @ y" in text  # the op's rule
    assert "→ x" in text and "constant" in text
    assert isinstance(ex, Explanation) and ex.max_reference_diff is None


# ---------------------------------------------------------------------------------------------
# BP1-BP4


def test_bp_labels_of_a_4_3_3_sigmoid_network_match_the_reference() -> None:
    rng = np.random.default_rng(1)
    model = _mlp((4, 3, 3))
    x, y = rng.normal(size=(6, 4)), rng.uniform(size=(6, 3))
    ex = explain_mlp(model, x, y, cost="quadratic")
    labels = {s.label: s for s in ex if s.label}
    assert set(labels) == {
        "δ¹ = ∂C/∂z¹ (BP2)",
        "δ² = ∂C/∂z² (BP1)",
        "∂C/∂W¹ (BP4)",
        "∂C/∂b¹ (BP3)",
        "∂C/∂W² (BP4)",
        "∂C/∂b² (BP3)",
    }
    assert labels["δ² = ∂C/∂z² (BP1)"].op == "Linear"
    assert labels["∂C/∂W¹ (BP4)"].name == "0.weight"
    # independently of the labels' own check: the reference's arrays, to 1e-10
    w = [model[0].weight.detach().numpy(), model[2].weight.detach().numpy()]
    bs = [model[0].bias.detach().numpy(), model[2].bias.detach().numpy()]
    ref = reference.backprop(w, bs, ["sigmoid", "sigmoid"], x, y, "quadratic")
    expected = {
        "δ¹ = ∂C/∂z¹ (BP2)": ref.deltas[0],
        "δ² = ∂C/∂z² (BP1)": ref.deltas[1],
        "∂C/∂W¹ (BP4)": ref.grad_weights[0],
        "∂C/∂W² (BP4)": ref.grad_weights[1],
        "∂C/∂b¹ (BP3)": ref.grad_biases[0],
        "∂C/∂b² (BP3)": ref.grad_biases[1],
    }
    for label, want in expected.items():
        np.testing.assert_allclose(labels[label].grad, want, rtol=0, atol=1e-10)
        assert labels[label].reference_diff < 1e-10
    assert len(ex.checked) == 6 and ex.max_reference_diff < 1e-10
    # the labelled gradients are the engine's
    model.zero_grad()
    out = model(mg.from_numpy(x))
    (((out - mg.from_numpy(y)) ** 2).sum() / (2 * len(x))).backward()
    assert np.array_equal(labels["∂C/∂W¹ (BP4)"].grad, model[0].weight.grad.numpy())
    assert "BP1" in str(ex) and "checked against minigrad.reference" in str(ex)
    assert "→ x    constant x" in str(ex)  # the first Linear's input, named by explain_mlp


def test_bp_labels_with_cross_entropy_on_logits_and_a_deeper_net() -> None:
    rng = np.random.default_rng(2)
    model = _mlp((4, 5, 3, 3), final=None)  # Linear logits at the end
    x, labels = rng.normal(size=(7, 4)), rng.integers(0, 3, size=7)
    ex = explain_mlp(model, x, labels, cost="cross_entropy")
    names = [s.label for s in ex if s.label and s.label.startswith("δ")]
    assert names == ["δ³ = ∂C/∂z³ (BP1)", "δ² = ∂C/∂z² (BP2)", "δ¹ = ∂C/∂z¹ (BP2)"]
    assert len(ex.checked) == 9 and ex.max_reference_diff < 1e-10


def test_explain_backward_with_a_users_loss_and_a_wrong_cost() -> None:
    rng = np.random.default_rng(3)
    model = _mlp((4, 3, 3))
    x, y = rng.normal(size=(5, 4)), rng.uniform(size=(5, 3))
    loss = F.mse_loss(model(mg.from_numpy(x)), mg.from_numpy(y))
    ok = explain_backward(loss, model=model, x=x, y=y, cost="mse")
    assert ok.max_reference_diff < 1e-10
    wrong = explain_backward(loss, model=model, x=x, y=y, cost="quadratic")  # mse != quadratic
    assert wrong.max_reference_diff > 1e-6  # the check fires
    with pytest.raises(ValueError, match="x=, y= and cost="):
        explain_backward(loss, model=model)
    with pytest.raises(ValueError, match="unknown cost"):
        explain_mlp(model, x, y, cost="hinge")


def test_explain_mlp_in_float32_and_with_a_softmax_output() -> None:
    rng = np.random.default_rng(4)
    model = nn.Sequential(nn.Linear(4, 3, generator=0), nn.Sigmoid(), nn.Linear(3, 3, generator=1))
    x, y = rng.normal(size=(5, 4)), rng.integers(0, 3, size=5)
    assert explain_mlp(model, x, y, cost="cross_entropy").max_reference_diff < 1e-6
    soft = _mlp((4, 3, 3), final=lambda: nn.Softmax(dim=1))
    assert explain_mlp(soft, x, y, cost="cross_entropy").max_reference_diff < 1e-10


@pytest.mark.needs_graphviz
def test_draw_graph_shows_the_bp_labels() -> None:
    rng = np.random.default_rng(5)
    model = _mlp((4, 3, 3))
    x, y = rng.normal(size=(4, 4)), rng.uniform(size=(4, 3))
    ex = explain_mlp(model, x, y)
    assert ex.loss is not None and ex.loss.name == "C" and len(ex.labels()) == 6
    src = draw_graph(ex.loss, params=dict(model.named_parameters()), explain=ex).source
    for label in ("δ¹ = ∂C/∂z¹ (BP2)", "δ² = ∂C/∂z² (BP1)", "∂C/∂W¹ (BP4)", "∂C/∂b² (BP3)"):
        assert label in src
    # a δ sits on the Linear's output z, a ∂C/∂W on the weight
    z_line = next(l for l in src.splitlines() if "δ² = ∂C/∂z²" in l)
    assert "(4, 3)" in z_line and "weight" not in z_line
    w_line = next(l for l in src.splitlines() if "∂C/∂W¹ (BP4)" in l)
    assert "0.weight" in w_line


@pytest.mark.needs_graphviz
def test_labels_move_to_a_new_run_of_the_same_model() -> None:
    rng = np.random.default_rng(6)
    model = _mlp((4, 3, 3))
    x, y = rng.normal(size=(4, 4)), rng.uniform(size=(4, 3))
    ex = explain_mlp(model, x, y)
    assert ex.labels(ex.loss) == ex.labels()  # on its own graph nothing moves
    out = model(mg.from_numpy(x))
    fresh = ex.labels(out)  # a new forward pass: new ops, same parameters
    assert len(fresh) == 6 and not set(map(id, fresh)) & {id(s.node) for s in ex if s.kind == "op"}
    src = draw_model(model, mg.from_numpy(x), explain=ex, title="4-3-3").source
    for label in ("δ¹ = ∂C/∂z¹ (BP2)", "δ² = ∂C/∂z² (BP1)", "∂C/∂W² (BP4)", "∂C/∂b¹ (BP3)"):
        assert src.count(label) == 1
    assert "4-3-3" in src
