"""fit / evaluate / History / callbacks / progress bar, and minigrad.viz.plot_history.

The model and optimizer here are a few lines on the Tensor alone, so these tests exercise the
training helper without depending on nn or optim.
"""

from __future__ import annotations

import io
import struct
import sys
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import progress
from minigrad.train import (
    Evaluation,
    History,
    StopTraining,
    accuracy,
    evaluate,
    fit,
)
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.viz import plot_history


class Affine:
    """x @ w + b, with the train/eval switch of a module, recording whether grad was on."""

    def __init__(self, n_in: int, n_out: int, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.w = mg.from_numpy(0.1 * rng.standard_normal((n_in, n_out))).requires_grad_()
        self.b = mg.zeros(n_out, dtype="float64", requires_grad=True)
        self.training = True
        self.grad_modes: list[bool] = []

    def __call__(self, x: mg.Tensor) -> mg.Tensor:
        self.grad_modes.append(mg.is_grad_enabled())
        return x @ self.w + self.b

    def train(self) -> Affine:
        self.training = True
        return self

    def eval(self) -> Affine:
        self.training = False
        return self


class GradientDescent:
    def __init__(self, params: list[mg.Tensor], lr: float) -> None:
        self.params, self.lr = params, lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        for p in self.params:
            assert p.grad is not None
            p.data -= self.lr * p.grad


def cross_entropy(out: mg.Tensor, labels: mg.Tensor) -> mg.Tensor:
    onehot = np.eye(out.shape[1])[labels.detach().numpy()]
    return -(out.log_softmax(axis=1) * onehot).sum(axis=1).mean()


def blobs(n: int = 120, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three well separated Gaussian clusters in 2-D, float64."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 3
    centers = np.array([[0.0, 4.0], [4.0, -2.0], [-4.0, -2.0]])
    return centers[labels] + rng.standard_normal((n, 2)), labels.astype(np.int64)


def numpy_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(labels)), labels].mean())


def setup(lr: float = 0.5, batch_size: int = 16) -> tuple[Affine, GradientDescent, DataLoader]:
    x, y = blobs()
    model = Affine(2, 3)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=0)
    return model, GradientDescent([model.w, model.b], lr), loader


# ---------------------------------------------------------------------------------------------
# fit and History


def test_fit_learns_and_records_every_epoch() -> None:
    model, opt, loader = setup()
    x, y = blobs(60, seed=1)
    history = fit(model, cross_entropy, opt, loader, epochs=4, val_data=(x, y), verbose=0)
    assert isinstance(history, History) and isinstance(history, dict)
    assert history.epochs == 4
    for key in ("train_loss", "train_accuracy", "test_loss", "test_accuracy", "seconds"):
        assert len(history[key]) == 4, key
    # "seconds" is a duration (a few ms here), never a clock reading
    assert all(0 <= t < 60 for t in history["seconds"])
    assert history.train_loss is history["train_loss"]
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.test_accuracy[-1] > 0.95
    assert history.stopped_epoch is None
    # the test numbers are those of the final weights
    logits = x @ model.w.detach().numpy() + model.b.detach().numpy()
    assert history.test_loss[-1] == pytest.approx(numpy_cross_entropy(logits, y))
    assert history.test_accuracy[-1] == pytest.approx(np.mean(logits.argmax(1) == y))
    assert history.last()["test_accuracy"] == history.test_accuracy[-1]
    assert "epochs=4" in repr(history)


def test_train_loss_is_the_row_weighted_mean_over_batches() -> None:
    # lr 0: the weights never move, so the epoch's loss is the loss on the whole set
    model, opt, loader = setup(lr=0.0, batch_size=50)  # batches of 50, 50, 20
    x, y = blobs()
    history = fit(model, cross_entropy, opt, loader, epochs=1, verbose=0)
    logits = x @ model.w.detach().numpy() + model.b.detach().numpy()
    assert history.train_loss[0] == pytest.approx(numpy_cross_entropy(logits, y))
    assert history.train_accuracy[0] == pytest.approx(np.mean(logits.argmax(1) == y))


def test_fit_records_named_eval_sets_and_custom_metrics() -> None:
    model, opt, loader = setup()
    x, y = blobs(30, seed=2)

    def error_rate(out: Any, target: Any) -> float:
        return 1.0 - accuracy(out, target)

    history = fit(
        model,
        cross_entropy,
        opt,
        loader,
        epochs=2,
        val_data={"val": (x, y), "holdout": DataLoader(TensorDataset(x, y), batch_size=7)},
        metrics={"err": error_rate},
        verbose=0,
    )
    assert {"train_loss", "train_err", "val_loss", "val_err", "holdout_loss", "holdout_err"} <= set(
        history
    )
    # the same set as a pair or in batches of 7 gives the same numbers
    assert history["val_loss"] == pytest.approx(history["holdout_loss"])
    assert history["val_err"] == pytest.approx(history["holdout_err"])


def test_fit_accepts_a_plain_iterable_without_len() -> None:
    x, y = blobs()
    model = Affine(2, 3)

    class Batches:
        def __iter__(self) -> Any:
            return ((x[i : i + 40], y[i : i + 40]) for i in range(0, len(x), 40))

    history = fit(
        model, cross_entropy, GradientDescent([model.w, model.b], 0.5), Batches(), 3, verbose=0
    )
    assert history.epochs == 3


def test_fit_reads_an_x_y_pair_as_one_full_batch_like_evaluate() -> None:
    x, y = blobs()
    model, twin = Affine(2, 3), Affine(2, 3)
    pair = fit(model, cross_entropy, GradientDescent([model.w, model.b], 0.5), (x, y), 3, verbose=0)
    listed = fit(
        twin, cross_entropy, GradientDescent([twin.w, twin.b], 0.5), [(x, y)], 3, verbose=0
    )
    assert pair.train_loss == listed.train_loss and pair.epochs == 3
    np.testing.assert_array_equal(model.w.detach().numpy(), twin.w.detach().numpy())


def test_fit_puts_the_model_in_training_mode_and_records_the_graph() -> None:
    model, opt, loader = setup()
    model.eval()
    fit(model, cross_entropy, opt, loader, epochs=1, val_data=blobs(9), verbose=0)
    assert model.training  # back in training mode after the evaluation
    assert True in model.grad_modes and False in model.grad_modes


def test_fit_rejects_bad_arguments() -> None:
    model, opt, loader = setup()
    with pytest.raises(ValueError, match="epochs"):
        fit(model, cross_entropy, opt, loader, epochs=-1, verbose=0)
    with pytest.raises(ValueError, match="no batches"):
        fit(model, cross_entropy, opt, [], epochs=1, verbose=0)
    x, y = blobs(8)
    with pytest.raises(ValueError, match="input, target"):
        fit(model, cross_entropy, opt, [(x, y, y)], epochs=1, verbose=0)
    with pytest.raises(ValueError, match="scalar"):
        fit(model, lambda out, t: out.sum(axis=1), opt, [(x, y)], epochs=1, verbose=0)
    with pytest.raises(TypeError, match="metrics"):
        fit(model, cross_entropy, opt, loader, 1, metrics=3, verbose=0)  # type: ignore[arg-type]
    # "loss" and "seconds" are the loop's own keys: a metric may not take either
    for name in ("loss", "seconds"):
        with pytest.raises(ValueError, match=f"may not be named '{name}'"):
            fit(model, cross_entropy, opt, loader, 1, metrics={name: accuracy}, verbose=0)
    # an evaluation set that is not data is refused before the first step changes the weights
    w0 = model.w.detach().numpy().copy()
    with pytest.raises(TypeError, match=r"fit \(test\): data must be an \(x, y\) pair"):
        fit(model, cross_entropy, opt, loader, 1, val_data=3, verbose=0)
    np.testing.assert_array_equal(model.w.detach().numpy(), w0)
    # an evaluation set named "train" would write over the training loop's train_loss
    with pytest.raises(ValueError, match="may not be named 'train'"):
        fit(model, cross_entropy, opt, loader, 1, val_data={"train": blobs(9)}, verbose=0)


def test_fit_refuses_a_one_shot_iterator_for_more_than_one_epoch_before_training() -> None:
    # A generator is empty after its first pass: a second epoch would train on nothing (or
    # evaluate on nothing). fit says so before the first step, with the weights untouched.
    x, y = blobs()
    model, opt, loader = setup()
    w0 = model.w.detach().numpy().copy()
    once = ((x[i : i + 40], y[i : i + 40]) for i in range(0, len(x), 40))
    with pytest.raises(TypeError, match=r"fit: train_loader is a one-shot iterator \(generator\)"):
        fit(model, cross_entropy, opt, once, epochs=2, verbose=0)
    once = iter([(x, y)])
    with pytest.raises(TypeError, match=r"fit \(test\): val_data is a one-shot iterator"):
        fit(model, cross_entropy, opt, loader, epochs=2, val_data=once, verbose=0)
    with pytest.raises(TypeError, match=r"fit \(held\): val_data is a one-shot iterator"):
        fit(model, cross_entropy, opt, loader, 3, val_data={"held": iter([(x, y)])}, verbose=0)
    np.testing.assert_array_equal(model.w.detach().numpy(), w0)
    # one epoch reads each source once: a generator is fine there
    history = fit(model, cross_entropy, opt, iter([(x, y)]), 1, val_data=iter([(x, y)]), verbose=0)
    assert history.epochs == 1 and len(history.test_loss) == 1


def test_zero_epochs_gives_an_empty_history() -> None:
    model, opt, loader = setup()
    w0 = model.w.detach().numpy().copy()
    history = fit(model, cross_entropy, opt, loader, epochs=0, verbose=0)
    assert history.epochs == 0 and history.last() == {}
    np.testing.assert_array_equal(model.w.detach().numpy(), w0)


# ---------------------------------------------------------------------------------------------
# callbacks


def test_callback_sees_each_epoch_and_can_stop_by_returning() -> None:
    model, opt, loader = setup()
    seen: list[tuple[int, dict[str, float]]] = []

    def stop_at_two(epoch: int, logs: dict[str, float]) -> Any:
        seen.append((epoch, logs))
        return StopTraining if epoch == 2 else None

    history = fit(model, cross_entropy, opt, loader, 10, callbacks=stop_at_two, verbose=0)
    assert [e for e, _ in seen] == [0, 1, 2]
    assert history.epochs == 3 and history.stopped_epoch == 2
    assert seen[1][1]["train_loss"] == history.train_loss[1]


def test_callback_can_stop_by_raising_and_all_callbacks_run() -> None:
    model, opt, loader = setup()
    calls: list[str] = []

    def first(epoch: int, logs: dict[str, float]) -> None:
        calls.append(f"first {epoch}")
        if logs["train_accuracy"] > 0.9:
            raise StopTraining("accurate enough")

    def second(epoch: int, logs: dict[str, float]) -> StopTraining | None:
        calls.append(f"second {epoch}")
        return StopTraining() if epoch == 5 else None

    history = fit(model, cross_entropy, opt, loader, 50, callbacks=[first, second], verbose=0)
    assert history.stopped_epoch is not None and history.stopped_epoch <= 5
    assert calls[-2:] == [f"first {history.stopped_epoch}", f"second {history.stopped_epoch}"]


# ---------------------------------------------------------------------------------------------
# evaluate and accuracy


def test_evaluate_runs_without_grad_in_eval_mode_and_restores_the_mode() -> None:
    x, y = blobs()
    model = Affine(2, 3, seed=3)
    result = evaluate(model, (x, y), cross_entropy)
    assert isinstance(result, Evaluation)
    loss, acc = result
    logits = x @ model.w.detach().numpy() + model.b.detach().numpy()
    assert loss == pytest.approx(numpy_cross_entropy(logits, y))
    assert acc == pytest.approx(np.mean(logits.argmax(1) == y))
    assert model.grad_modes == [False]
    assert model.training
    model.eval()
    evaluate(model, (x, y), cross_entropy)
    assert not model.training


def test_evaluate_forms_agree() -> None:
    x, y = blobs()
    model = Affine(2, 3, seed=4)
    whole = evaluate(model, (mg.from_numpy(x), mg.from_numpy(y)), cross_entropy)
    chunked = evaluate(model, (x, y), cross_entropy, batch_size=7)
    loader = DataLoader(TensorDataset(x, y), batch_size=32)
    by_loader = evaluate(model, loader, loss_fn=cross_entropy)
    positional = evaluate(model, loader, cross_entropy)
    for other in (chunked, by_loader, positional):
        assert other.loss == pytest.approx(whole.loss)
        assert other.metric == pytest.approx(whole.metric)
    no_loss = evaluate(model, (x, y))
    assert np.isnan(no_loss.loss) and no_loss.metric == pytest.approx(whole.metric)
    # a metric other than accuracy is reported as what it is, not as an accuracy
    first = evaluate(model, (x, y), metric=lambda out, t: float(out.detach().numpy()[0, 0]))
    assert first.metric != pytest.approx(whole.metric) and first._fields == ("loss", "metric")


def test_evaluate_errors() -> None:
    model = Affine(2, 3)
    with pytest.raises(ValueError, match="empty"):
        evaluate(model, [], loss_fn=cross_entropy)
    with pytest.raises(TypeError, match="pair"):
        evaluate(model, 3)
    x, y = blobs()
    # the old form with x and y as two arguments is refused, not guessed
    with pytest.raises(TypeError, match=r"evaluate\(model, \(x, y\), loss_fn\)"):
        evaluate(model, x, y)
    with pytest.raises(TypeError, match="pair"):
        evaluate(model, x, cross_entropy)  # an array alone is not rows of (x, y) batches
    loader = DataLoader(TensorDataset(x, y), batch_size=32)
    with pytest.raises(ValueError, match="batch_size applies to an"):
        evaluate(model, loader, cross_entropy, batch_size=7)


def test_accuracy_of_classes_one_hot_and_probabilities() -> None:
    out = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    labels = np.array([1, 0, 0, 0])
    assert accuracy(out, labels) == 0.75
    assert accuracy(mg.from_numpy(out), mg.from_numpy(np.eye(2)[labels])) == 0.75
    probs = np.array([0.97, 0.03, 0.6, 0.2])
    assert accuracy(probs, np.array([1.0, 0.0, 0.0, 0.0])) == 0.75
    assert accuracy(probs.reshape(4, 1), np.array([[1], [0], [1], [0]])) == 1.0
    with pytest.raises(ValueError, match="rows"):
        accuracy(out, labels[:3])


# ---------------------------------------------------------------------------------------------
# progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_when_stderr_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    model, opt, loader = setup()
    fit(model, cross_entropy, opt, loader, epochs=2)
    assert stream.getvalue() == ""


def test_verbose_0_is_silent_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.delenv("MINIGRAD_NO_PROGRESS", raising=False)
    model, opt, loader = setup()
    fit(model, cross_entropy, opt, loader, epochs=2, verbose=0)
    fit(model, cross_entropy, opt, loader, epochs=2, verbose=False)
    assert stream.getvalue() == ""


def test_without_tqdm_a_terminal_gets_one_line_per_epoch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("MINIGRAD_NO_PROGRESS", raising=False)
    monkeypatch.setattr(progress, "_tqdm", lambda notebook: None)
    model, opt, loader = setup()
    fit(model, cross_entropy, opt, loader, epochs=50, val_data=blobs(9))
    lines = stream.getvalue().splitlines()
    starts = [line for line in lines if line.startswith("epoch ")]
    assert [line.split(" · ")[0] for line in starts] == [f"epoch {e}/50" for e in range(1, 51)]
    assert starts[0].startswith("epoch 1/50 · train loss") and "\r" not in stream.getvalue()
    assert "test loss" in stream.getvalue() and "accuracy" in starts[-1]
    assert all(len(line) <= 80 for line in lines)


def test_verbose_2_writes_one_line_per_epoch_even_with_tqdm_and_into_a_log(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MINIGRAD_NO_PROGRESS", raising=False)
    for stream in (FakeTerminal(), io.StringIO()):  # a terminal, then a log file
        monkeypatch.setattr(sys, "stderr", stream)
        model, opt, loader = setup()
        fit(model, cross_entropy, opt, loader, epochs=12, verbose=2)
        lines = stream.getvalue().splitlines()
        assert [line.split(" · ")[0] for line in lines] == [f"epoch {e}/12" for e in range(1, 13)]
        assert "%|" not in stream.getvalue() and "\r" not in stream.getvalue()


def test_tqdm_bar_on_a_long_run_keeps_to_about_ten_epoch_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("tqdm")
    stream = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.delenv("MINIGRAD_NO_PROGRESS", raising=False)
    model, opt, loader = setup()
    fit(model, cross_entropy, opt, loader, epochs=60, verbose=1)
    drawn = [seg for line in stream.getvalue().split("\n") for seg in line.split("\r") if seg]
    epoch_lines = [seg for seg in drawn if seg.startswith("epoch ") and " · " in seg]
    assert 10 <= len(epoch_lines) <= 12
    assert epoch_lines[0].startswith("epoch 1/60 ") and epoch_lines[-1].startswith("epoch 60/60 ")


def test_verbose_must_be_auto_0_1_or_2() -> None:
    model, opt, loader = setup()
    for bad in (3, -1, "yes", None):
        with pytest.raises(ValueError, match="verbose must be 'auto', 0, 1 or 2"):
            fit(model, cross_entropy, opt, loader, epochs=1, verbose=bad)  # type: ignore[arg-type]


def test_tqdm_bar_keeps_to_80_columns_with_room_for_the_bar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("tqdm")
    stream = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("MINIGRAD_NO_PROGRESS", raising=False)
    model, opt, loader = setup()
    fit(model, cross_entropy, opt, loader, epochs=3, val_data=blobs(9))
    drawn = [seg for line in stream.getvalue().split("\n") for seg in line.split("\r") if seg]
    bars = [seg for seg in drawn if "%|" in seg]
    assert bars and all(len(seg.rstrip()) <= 80 for seg in drawn)
    final = bars[-1]
    assert final.startswith("epoch 3/3 100%|") and "<00:00, loss " in final
    assert len(final.split("|")[1]) >= 10  # the bar itself is not squeezed by the metrics
    assert sum(seg.startswith("epoch ") and " · " in seg for seg in drawn) == 3


def test_notebook_gets_epoch_lines_on_stdout_without_widgets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MINIGRAD_NO_PROGRESS", raising=False)
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    monkeypatch.setattr(progress, "_tqdm", lambda notebook: None)
    model, opt, loader = setup()
    fit(model, cross_entropy, opt, loader, epochs=2)
    out = capsys.readouterr()
    assert out.out.count("epoch ") == 2 and out.err == ""


def test_in_notebook_is_false_outside_jupyter() -> None:
    assert progress.in_notebook() is False


def test_format_epoch_groups_by_set_and_wraps_at_the_width() -> None:
    logs = {"train_loss": 0.41234, "train_accuracy": 0.912, "test_loss": 0.5, "seconds": 1.5}
    line = progress.format_epoch(2, 10, logs)
    assert line == "epoch 3/10 · train loss 0.4123 accuracy 91.20% · test loss 0.5 · 1.50 s"
    wrapped = progress.format_epoch(2, 10, logs, width=40).split("\n")
    assert wrapped == [
        "epoch 3/10",
        "    train loss 0.4123 accuracy 91.20%",
        "    test loss 0.5 · 1.50 s",
    ]


def test_should_report_about_ten_lines_with_first_and_last() -> None:
    chosen = [e for e in range(3000) if progress.should_report(e, 3000)]
    assert chosen[0] == 0 and chosen[-1] == 2999 and len(chosen) <= 12
    assert [e for e in range(3) if progress.should_report(e, 3)] == [0, 1, 2]


def test_environment_variable_silences_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setenv("MINIGRAD_NO_PROGRESS", "1")
    model, opt, loader = setup()
    fit(model, cross_entropy, opt, loader, epochs=1)
    assert stream.getvalue() == ""


# ---------------------------------------------------------------------------------------------
# plot_history


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def small_history() -> History:
    history = History()
    for i in range(5):
        history.append(
            {
                "train_loss": 1.0 / (i + 1),
                "train_accuracy": 0.5 + 0.1 * i,
                "test_loss": 1.2 / (i + 1),
                "test_accuracy": 0.45 + 0.1 * i,
            }
        )
    return history


def test_plot_history_writes_a_png_of_the_requested_size(tmp_path: Any) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "curves.png"
    assert plot_history(small_history(), path) == str(path)
    assert png_size(path.read_bytes()) == (1000, 400)
    plot_history(small_history(), tmp_path / "small.png", title="t", size=(4.0, 3.0), dpi=50)
    assert png_size((tmp_path / "small.png").read_bytes()) == (200, 150)


def test_plot_history_writes_svg_by_suffix_and_plots_a_real_fit(tmp_path: Any) -> None:
    pytest.importorskip("matplotlib")
    model, opt, loader = setup()
    history = fit(model, cross_entropy, opt, loader, epochs=3, val_data=blobs(9), verbose=0)
    path = tmp_path / "curves.svg"
    plot_history(history, path)
    text = path.read_text()
    assert "<svg" in text and len(text) > 1000


def test_plot_history_errors(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_history({"seconds": [1.0]}, tmp_path / "x.png")
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"pip install matplotlib"):
        plot_history(small_history(), tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
