"""Anomaly detection: a rule that returns nan or inf stops backward with an error naming the op,
its inputs' shapes and the line of user code that created it; off, nothing is recorded."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)


def _underflowing_loss() -> tuple[mg.Tensor, mg.Tensor]:
    logits = mg.tensor([[2.0, -120.0, 0.5]], requires_grad=True)
    probs = logits.softmax(dim=1)  # exp(-122) underflows to 0 in float32
    loss = -probs.log().mean()  # CREATED-HERE
    return logits, loss


def test_log_of_underflow_names_op_shapes_and_line() -> None:
    with detect_anomaly():
        logits, loss = _underflowing_loss()
        with pytest.raises(RuntimeError) as info:
            loss.backward()
    msg = str(info.value)
    assert "Function 'LogBackward0' returned inf values in its 0th output" in msg
    assert "(1, 3) float32" in msg
    assert "test_anomaly.py" in msg and "CREATED-HERE" in msg
    assert logits.grad is None  # stopped before reaching the leaf


def test_nan_is_reported_as_nan() -> None:
    x = mg.tensor([0.0, 1.0], requires_grad=True)
    with detect_anomaly():
        y = x.sqrt() * 0.0  # Sqrt's rule at 0: 0 / (2 * 0) = nan
        with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values"):
            y.sum().backward()


def test_without_anomaly_mode_backward_gives_pytorchs_values() -> None:
    logits, loss = _underflowing_loss()
    loss.backward()
    assert logits.grad is not None and not np.isfinite(logits.grad.numpy()).all()


def test_nothing_is_recorded_outside_anomaly_mode() -> None:
    x = mg.tensor([1.0], requires_grad=True)
    y = x.exp()
    assert y.grad_fn is not None and not hasattr(y.grad_fn, "site")
    with detect_anomaly():
        z = x.exp()
    assert z.grad_fn is not None and z.grad_fn.site  # type: ignore[attr-defined]


def test_op_created_before_anomaly_mode_is_still_checked() -> None:
    _, loss = _underflowing_loss()
    with detect_anomaly(), pytest.raises(RuntimeError, match="no creation site"):
        loss.backward()


def test_check_nan_false_records_but_does_not_raise() -> None:
    with detect_anomaly(check_nan=False):
        assert is_anomaly_enabled() and not is_anomaly_check_nan_enabled()
        logits, loss = _underflowing_loss()
        loss.backward()
    assert logits.grad is not None


def test_set_detect_anomaly_and_modes_restore() -> None:
    assert not is_anomaly_enabled()
    set_detect_anomaly(True)
    try:
        assert is_anomaly_enabled() and is_anomaly_check_nan_enabled()
        with set_detect_anomaly(False):
            assert not is_anomaly_enabled()
        assert is_anomaly_enabled()
    finally:
        set_detect_anomaly(False)
    assert not is_anomaly_enabled()

    @detect_anomaly()
    def inside() -> bool:
        return is_anomaly_enabled()

    assert inside() and not is_anomaly_enabled()


def test_anomaly_mode_on_the_tensor_path() -> None:
    """create_graph runs the rules on Tensors: their results are checked too."""
    x = mg.tensor([0.0, 1.0], dtype=np.float64, requires_grad=True)
    with detect_anomaly():
        y = x.sqrt().sum()
        with pytest.raises(RuntimeError, match="'SqrtBackward0' returned inf"):
            mg.grad(y, x, create_graph=True)


def test_finite_training_is_unchanged_in_anomaly_mode() -> None:
    def grads() -> np.ndarray:
        mg.manual_seed(0)
        model = mg.nn.Sequential(mg.nn.Linear(3, 4), mg.nn.Sigmoid(), mg.nn.Linear(4, 2))
        x = mg.randn(5, 3)
        loss = mg.nn.functional.cross_entropy(model(x), mg.tensor([0, 1, 1, 0, 1]))
        loss.backward()
        return np.concatenate([p.grad.numpy().ravel() for p in model.parameters()])  # type: ignore[union-attr]

    plain = grads()
    with detect_anomaly():
        checked = grads()
    np.testing.assert_array_equal(plain, checked)


def test_matches_torch_naming_of_the_failing_function() -> None:
    torch = pytest.importorskip("torch")
    t = torch.tensor([[2.0, -120.0, 0.5]], requires_grad=True)
    with pytest.warns(UserWarning), torch.autograd.detect_anomaly():
        loss = -t.softmax(dim=1).log().mean()
        with pytest.raises(RuntimeError, match=r"Function '\w+' returned nan values in its 0th"):
            loss.backward()
