"""Tests of minigrad.backprop_check: minigrad models and autograd against the reference."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_reference import B1, B2, W1, W2, X, Y

import minigrad as mg
from minigrad import backprop_check as bc
from minigrad import nn
from minigrad.nn import functional as F


def float64_model(*layers: Any) -> Any:
    model = nn.Sequential(*layers)
    rng = np.random.default_rng(8)
    for p in model.parameters():
        # float64, and away from the default init
        p.data = mg.from_numpy(rng.normal(0, 0.7, p.shape))
    return model


def model_cases() -> list[tuple[str, Any, str, str]]:
    return [
        ("linear-mse", lambda: [nn.Linear(3, 2)], "mse", "float"),
        ("sigmoid-quadratic", lambda: [nn.Linear(3, 2), nn.Sigmoid()], "quadratic", "float"),
        (
            "tanh-linear-mse",
            lambda: [nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)],
            "mse",
            "float",
        ),
        (
            "relu-tanh-ce-logits",
            lambda: [nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3)],
            "cross_entropy",
            "int",
        ),
        (
            "sigmoid-softmax-ce-probs",
            lambda: [nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 3), nn.Softmax(dim=-1)],
            "cross_entropy",
            "int",
        ),
        (
            "linear-linear-sigmoid-bce",
            lambda: [nn.Linear(3, 4), nn.Linear(4, 2), nn.Sigmoid()],
            "bce",
            "unit",
        ),
        (
            "identity-no-bias-softmax-quadratic",
            lambda: [
                nn.Linear(3, 4, bias=False),
                nn.Identity(),
                nn.Tanh(),
                nn.Linear(4, 3),
                nn.Softmax(dim=-1),
            ],
            "quadratic",
            "float",
        ),
    ]


@pytest.mark.parametrize("case", range(7))
def test_autograd_matches_reference(case: int) -> None:
    name, layers, cost, target = model_cases()[case]
    model = float64_model(*layers())
    rng = np.random.default_rng(9)
    x = rng.normal(size=(6, 3))
    k = bc.read_model(model).weights[-1].shape[0]
    y = {
        "float": rng.normal(size=(6, k)),
        "int": rng.integers(0, k, 6),
        "unit": rng.random((6, k)),
    }[target]
    comparisons = bc.compare_with_reference(model, cost, x, y)
    assert list(comparisons) == [n for n, _ in model.named_parameters()]
    for n, p in model.named_parameters():
        c = comparisons[n]
        assert c.autograd.dtype == np.float64
        np.testing.assert_array_equal(c.autograd, p.grad.numpy())  # left in .grad
        assert c.max_abs_diff < 1e-10 and c.max_rel_diff < 1e-10, (name, n, c.max_abs_diff)
        assert c.allclose()


def test_golden_network_as_a_model() -> None:
    model = float64_model(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 2), nn.Sigmoid())
    model[0].weight.data = mg.from_numpy(W1.T.copy())
    model[0].bias.data = mg.from_numpy(B1.copy())
    model[2].weight.data = mg.from_numpy(W2.T.copy())
    model[2].bias.data = mg.from_numpy(B2.copy())
    grads = bc.gradients_for(model, X, Y, "quadratic")
    assert set(grads) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    np.testing.assert_allclose(grads["2.bias"], [0.026604485851, -0.029771836033], atol=1e-10)
    comparisons = bc.compare_with_reference(model, "quadratic", X, Y)
    assert max(c.max_abs_diff for c in comparisons.values()) < 1e-15


def test_loss_modules_and_functions_run_as_given() -> None:
    model = float64_model(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 3))
    rng = np.random.default_rng(10)
    x, y, labels = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), rng.integers(0, 3, 5)
    for loss, target in [
        (nn.MSELoss(), y),
        (F.mse_loss, y),
        (nn.CrossEntropyLoss(), labels),
        (F.cross_entropy, labels),
    ]:
        comparisons = bc.compare_with_reference(model, loss, x, target)
        assert max(c.max_rel_diff for c in comparisons.values()) < 1e-10, loss

    def half_sse(out: Any, t: Any) -> Any:
        return ((out - t) ** 2).sum() / 2

    with pytest.raises(ValueError, match="cannot tell the cost"):
        bc.compare_with_reference(model, half_sse, x, y)
    # ½ Σ over m = 5 samples is m times the quadratic cost, so the gradients differ by m
    comparisons = bc.compare_with_reference(model, half_sse, x, y, cost="quadratic")
    for c in comparisons.values():
        np.testing.assert_allclose(c.autograd, 5 * c.reference, rtol=1e-12, atol=1e-15)


def test_shared_linear_gets_the_sum_of_both_uses() -> None:
    shared = nn.Linear(3, 3)
    model = float64_model(shared, nn.Tanh(), shared, nn.Sigmoid())
    rng = np.random.default_rng(11)
    comparisons = bc.compare_with_reference(
        model, "quadratic", rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    )
    assert list(comparisons) == ["0.weight", "0.bias"]
    assert max(c.max_rel_diff for c in comparisons.values()) < 1e-10


def test_float32_model_agrees_to_float32_rounding() -> None:
    model = nn.Sequential(nn.Linear(3, 5), nn.Sigmoid(), nn.Linear(5, 2))
    for p in model.parameters():
        p.data = p.data.float()
    rng = np.random.default_rng(12)
    comparisons = bc.compare_with_reference(
        model, "mse", rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    )
    for c in comparisons.values():
        assert c.max_rel_diff < 1e-5


def test_read_model_and_errors() -> None:
    spec = bc.read_model(nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2, bias=False), nn.ReLU()))
    assert spec.activations == ["identity", "relu"]
    assert spec.weight_names == ["0.weight", "1.weight"]
    assert spec.bias_names == ["0.bias", None]
    assert spec.biases[1] is None

    class Scale(nn.Module):
        def forward(self, x: Any) -> Any:
            return x * 2

    with pytest.raises(TypeError, match=r"module 1 \(Scale\) has no reference equation"):
        bc.read_model(nn.Sequential(nn.Linear(3, 4), Scale()))
    with pytest.raises(ValueError, match=r"module 0 \(Sigmoid\) must follow a Linear"):
        bc.read_model(nn.Sequential(nn.Sigmoid(), nn.Linear(3, 4)))
    with pytest.raises(ValueError, match="ending with Linear"):
        bc.gradients_for(
            nn.Sequential(nn.Linear(3, 4), nn.Tanh()),
            np.zeros((2, 3)),
            np.zeros(2, int),
            "cross_entropy",
        )


def test_format_comparison() -> None:
    model = float64_model(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    rng = np.random.default_rng(13)
    comparisons = bc.compare_with_reference(
        model, "mse", rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    )
    table = bc.format_comparison(comparisons)
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["parameter", "shape"]
    assert len(lines) == 2 + 4
    assert lines[2].startswith("0.weight") and "(4, 3)" in lines[2]
    assert bc.format_comparison(list(comparisons.values())) == table


def test_docs_example_runs_and_prints_what_it_says() -> None:
    doc = Path(__file__).resolve().parent.parent / "docs" / "reference.md"
    blocks = re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    example = next(b for b in blocks if "compare_with_reference" in b)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, str(doc), "exec"), {})
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:2] == ["parameter", "shape"]
    assert [line.split()[0] for line in lines[2:]] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(float(line.split()[-2]) < 1e-14 for line in lines[2:])


def test_cost_loss_is_the_one_mapping_explain_and_compare_share() -> None:
    from minigrad.explain import explain_mlp

    model = float64_model(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 3), nn.Softmax(dim=-1))
    rng = np.random.default_rng(14)
    x, labels = rng.normal(size=(5, 3)), rng.integers(0, 3, 5)
    out = model(mg.from_numpy(x))
    loss = bc.cost_loss("cross_entropy", out, mg.from_numpy(labels), True, "test")
    expected = -np.log(out.detach().numpy()[np.arange(5), labels]).mean()
    assert loss.item() == pytest.approx(expected, rel=1e-12)
    ex = explain_mlp(model, x, labels, "cross_entropy")
    assert ex.loss is not None and ex.loss.item() == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match=r"test: unknown cost 'hinge'"):
        bc.cost_loss("hinge", out, mg.from_numpy(labels), False, "test")
    with pytest.raises(ValueError, match=r"explain_mlp\(\): unknown cost 'hinge'"):
        explain_mlp(model, x, labels, "hinge")
