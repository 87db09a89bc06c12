"""A small training helper: `fit`, `evaluate` and `History` (and `accuracy`, re-exported).

The loop is the plain one, `loss.backward()` then `optimizer.step()`: no gradient is written
by hand here. The default metric, `accuracy`, lives in `minigrad.metrics`; progress lines come
from `minigrad.progress` (tqdm when installed, one line per epoch otherwise); the curves of a
`History` are drawn by `minigrad.viz.plot_history`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from typing import Any, NamedTuple

import numpy as np

from .compiler.step import compile as compile_step
from .grad_mode import no_grad
from .metrics import Metric, accuracy
from .progress import ProgressBar, Verbosity, progress_bar
from .tensor import Tensor, as_tensor

__all__ = ["Evaluation", "History", "StopTraining", "accuracy", "evaluate", "fit", "progress_bar"]

Callback = Callable[[int, dict[str, float]], Any]
Step = Callable[[Tensor, Tensor], tuple[Tensor, Tensor | None]]  # (x, y) -> (output, loss)


class StopTraining(Exception):
    """Raised (or returned) by a callback to end `fit` after the current epoch."""


class History(dict[str, list[float]]):
    """Per-epoch logs of `fit`: a dict of lists, one value per epoch.

    Keys: "train_loss", "train_<metric>" (e.g. "train_accuracy"), and for each evaluation set
    "<name>_loss", "<name>_<metric>" ("test_loss", "test_accuracy" for `val_data=(x, y)`),
    plus "seconds" (wall time of each epoch, evaluation included).

    Attributes:
        stopped_epoch: the epoch index at which a callback stopped training, else None.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopped_epoch: int | None = None

    @property
    def epochs(self) -> int:
        """Number of epochs recorded."""
        return len(self.get("train_loss", []))

    train_loss = property(lambda self: self.get("train_loss", []), doc="Training loss per epoch.")
    train_accuracy = property(
        lambda self: self.get("train_accuracy", []), doc="Training accuracy, measured on the fly."
    )
    test_loss = property(lambda self: self.get("test_loss", []), doc="Loss on `val_data`.")
    test_accuracy = property(
        lambda self: self.get("test_accuracy", []), doc="Accuracy on `val_data`."
    )

    def last(self) -> dict[str, float]:
        """The last epoch's value of every recorded key."""
        return {key: values[-1] for key, values in self.items() if values}

    def append(self, logs: Mapping[str, float]) -> None:
        """Record one epoch's logs."""
        for key, value in logs.items():
            self.setdefault(key, []).append(float(value))

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v:.4g}" for k, v in self.last().items())
        return f"History(epochs={self.epochs}, {last})"


class Evaluation(NamedTuple):
    """Result of `evaluate`: the mean loss and the mean of its `metric` (accuracy by default).

    Unpacks as `loss, acc = evaluate(...)`.
    """

    loss: float
    metric: float


def _batches(data: Any, batch_size: int | None, where: str) -> Iterable[Any]:
    """`data` as an iterable of (x, y) batches: an (x, y) pair (whole, or cut in `batch_size`
    rows) or an iterable of batches already (a DataLoader, which has its own batch size)."""
    pair = (
        isinstance(data, tuple | list) and len(data) == 2 and not isinstance(data[0], tuple | list)
    )
    if batch_size is not None and not pair:
        raise ValueError(
            f"{where}: batch_size applies to an (x, y) pair; a DataLoader has its own batch size"
        )
    if pair:
        x, y = data
        if batch_size is None or batch_size >= len(x):
            return [(x, y)]
        return [
            (x[i : i + batch_size], y[i : i + batch_size]) for i in range(0, len(x), batch_size)
        ]
    if not isinstance(data, Iterable) or isinstance(data, (Tensor, np.ndarray)):
        raise TypeError(
            f"{where}: data must be an (x, y) pair or an iterable of (x, y) batches (a "
            f"DataLoader), got {type(data).__name__}"
        )
    return data


def _reusable(data: Any, epochs: int, where: str, arg: str) -> None:
    """Refuse a one-shot iterator (a generator) that would be read once per epoch for more than
    one epoch: from the second epoch on it is empty."""
    if epochs > 1 and isinstance(data, Iterator):
        raise TypeError(
            f"{where}: {arg} is a one-shot iterator ({type(data).__name__}), read once per "
            f"epoch: it would be empty from the second of {epochs} epochs on. Pass data that "
            "can be iterated again: a DataLoader, a list of (x, y) batches or an (x, y) pair"
        )


def _means(
    batches: Iterable[Any], step: Step, metrics: Mapping[str, Metric], where: str
) -> dict[str, float]:
    """The one loop over batches: row-weighted means of the loss and of each metric (exact for
    mean-reduced losses); ``step(x, y)`` gives a batch's output and loss (None: NaN)."""
    totals = dict.fromkeys(["loss", *metrics], 0.0)
    count = 0
    for batch in batches:
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            size = f" of {len(batch)}" if hasattr(batch, "__len__") else ""
            raise ValueError(
                f"{where}: each batch must be an (input, target) pair, got "
                f"{type(batch).__name__}{size}"
            )
        x, y = as_tensor(batch[0]), as_tensor(batch[1])
        out, loss = step(x, y)
        m = out.shape[0] if out.ndim else 1
        totals["loss"] += math.nan if loss is None else float(loss.item()) * m
        for name, fn in metrics.items():
            totals[name] += float(fn(out, y)) * m
        count += m
    if count == 0:
        raise ValueError(f"{where}: no batches (the loader or data set is empty)")
    return {name: total / count for name, total in totals.items()}


def _evaluate(
    model: Any,
    data: Any,
    loss_fn: Any,
    metrics: Mapping[str, Metric],
    where: str,
    batch_size: int | None = None,
) -> dict[str, float]:
    """Mean loss and metrics over `data`, under no_grad and in eval mode (mode restored)."""

    def step(x: Tensor, y: Tensor) -> tuple[Tensor, Tensor | None]:
        out = model(x)
        return out, None if loss_fn is None else loss_fn(out, y)

    batches = _batches(data, batch_size, where)
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    try:
        with no_grad():
            return _means(batches, step, metrics, where)
    finally:
        if was_training and hasattr(model, "train"):
            model.train()


def evaluate(
    model: Callable[[Tensor], Tensor],
    data: Any,
    loss_fn: Callable[[Tensor, Any], Tensor] | None = None,
    *,
    metric: Metric | None = accuracy,
    batch_size: int | None = None,
) -> Evaluation:
    """Loss and metric of `model` on a data set, without recording a graph.

    The model is put in eval mode (`model.eval()`) for the run and back in training mode
    afterwards if it was in it. Loss and metric are averaged over rows (batch-size weighted),
    which is exact for mean-reduced losses.

    Args:
        model: a callable Tensor -> Tensor, typically an `nn.Module`.
        data: an `(x, y)` pair of Tensors or arrays, or an iterable of `(x, y)` batches (a
            `DataLoader`): the same forms as `fit`'s `val_data`.
        loss_fn: loss(output, target) -> scalar Tensor; without it the loss is NaN.
        metric: metric(output, target) -> float; default `accuracy`; None gives NaN.
        batch_size: evaluate an `(x, y)` pair in chunks of this many rows (saves memory).

    Returns:
        `Evaluation(loss, metric)`, a named tuple of floats; unpacks as `loss, acc`.

    Raises:
        ValueError: the data is empty, a batch is not an (input, target) pair, or
            `batch_size` is given with a loader (which has its own).
        TypeError: the data is neither a pair nor an iterable of batches, or `loss_fn` is not
            callable (e.g. the old form `evaluate(model, x, y)`).
    """
    if loss_fn is not None and not callable(loss_fn):
        raise TypeError(
            f"evaluate: loss_fn must be callable, got {type(loss_fn).__name__}; pass the data "
            "as one argument: evaluate(model, (x, y), loss_fn)"
        )
    metrics = {} if metric is None else {"metric": metric}
    result = _evaluate(model, data, loss_fn, metrics, "evaluate", batch_size)
    return Evaluation(result["loss"], result.get("metric", math.nan))


def _by_name(metrics: Any, val_data: Any) -> tuple[dict[str, Metric], dict[str, Any]]:
    """Metrics and evaluation sets by name. A history key is "<set>_<name>" (the training set
    "train", the name "loss" or a metric's) or "seconds"; so that each key means one thing, no
    metric is named "loss" or "seconds" and no evaluation set "train"."""
    if callable(metrics):
        metrics = {getattr(metrics, "__name__", "metric"): metrics}
    elif not isinstance(metrics, Mapping | None):
        raise TypeError(
            "fit: metrics must be a callable, a dict of callables or None, got "
            f"{type(metrics).__name__}"
        )
    metrics = dict(metrics or {})
    if val_data is None:
        val_data = {}
    elif not isinstance(val_data, Mapping):
        val_data = {"test": val_data}
    for name in ("loss", "seconds"):
        if name in metrics:
            raise ValueError(
                f"fit: a metric may not be named {name!r} (the key of the loop's own {name}); "
                "give it another name in the metrics dict"
            )
    if "train" in val_data:
        raise ValueError(
            "fit: an evaluation set may not be named 'train' (its keys would be the training "
            "loop's own train_loss, train_<metric>); give it another name in val_data"
        )
    # each set's data is checked (and a pair made one batch) before training starts
    return metrics, {name: _batches(data, None, f"fit ({name})") for name, data in val_data.items()}


def _training_step(
    model: Any, loss_fn: Any, optimizer: Any, compile: bool, bar: ProgressBar
) -> Step:
    """One training step, ``(x, y) -> (output, loss)``: zero_grad, forward, loss, backward and
    the optimizer's step, or the same compiled by `minigrad.compile`."""
    compiled = compile_step(model, loss_fn, optimizer) if compile else None

    def step(x: Tensor, y: Tensor) -> tuple[Tensor, Tensor | None]:
        if compiled is not None:
            loss = compiled(x, y)
            out: Any = compiled.output  # a copy of the model's output
        else:
            optimizer.zero_grad()
            out = model(x)
            loss = loss_fn(out, y)
            if loss.numel() != 1:
                raise ValueError(
                    f"fit: loss_fn must return a scalar, got shape {tuple(loss.shape)}; use a "
                    "mean- or sum-reduced loss"
                )
            loss.backward()
            optimizer.step()
        bar.update(1)
        return out, loss

    return step


def fit(
    model: Callable[[Tensor], Tensor],
    loss_fn: Callable[[Tensor, Any], Tensor],
    optimizer: Any,
    train_loader: Iterable[Any],
    epochs: int = 1,
    *,
    val_data: Any = None,
    metrics: Metric | Mapping[str, Metric] | None = accuracy,
    callbacks: Callback | Sequence[Callback] | None = None,
    verbose: Verbosity = "auto",
    compile: bool = False,
) -> History:
    """Train `model` for `epochs` passes over `train_loader` (see docs/training.md).

    Each batch: `optimizer.zero_grad()`, `loss = loss_fn(model(x), y)`, `loss.backward()`,
    `optimizer.step()`. An epoch's training loss and metrics are the row-weighted means over
    its batches, measured as the weights change; evaluation sets are measured after the epoch
    with `evaluate`'s rules (no_grad, eval mode).

    Args:
        model: a callable Tensor -> Tensor (an `nn.Module`: `train()` at each epoch's start).
        loss_fn: loss(output, target) -> scalar Tensor.
        optimizer: has `zero_grad()` and `step()` (minigrad.optim.SGD, Adam...).
        train_loader: re-iterable source of (x, y) batches, e.g. a `DataLoader`, or one
            (x, y) pair (a full batch each epoch).
        epochs: number of passes.
        val_data: evaluated after each epoch: an (x, y) pair or a loader (keys "test_*"), or a
            dict name -> pair or loader (keys "<name>_*").
        metrics: metric(output, target) -> float (default `accuracy`), a dict name -> metric,
            or None.
        callbacks: callable(epoch, logs) or a list of them, called after each epoch with its
            0-based index and logs; returning or raising `StopTraining` ends training.
        verbose: Keras' meaning: 0 (False) silent, 1 (True, "auto") a progress bar (tqdm's,
            or one line per epoch without tqdm), 2 one line per epoch (logs too); see
            `minigrad.progress.progress_bar`.
        compile: run each step compiled by `minigrad.compile` (same results; metrics see a
            copy of each step's output).

    Returns:
        The `History` of every epoch.

    Raises:
        ValueError: epochs < 0, an empty loader, a batch that is not an (input, target) pair,
            a loss that is not a scalar, a metric named "loss" or "seconds", an evaluation
            set named "train", or verbose not "auto", 0, 1 or 2.
        TypeError: metrics or val_data of an unsupported type, or a one-shot iterator (a
            generator) as train_loader or val_data for more than one epoch (it would be
            empty from the second epoch on).
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"fit: epochs must be a non-negative int, got {epochs!r}")
    metric_fns, eval_sets = _by_name(metrics, val_data)
    _reusable(train_loader, int(epochs), "fit", "train_loader")
    for name, data in eval_sets.items():
        _reusable(data, int(epochs), f"fit ({name})", "val_data")
    hooks = [callbacks] if callable(callbacks) else list(callbacks or [])
    steps = len(train_loader) * int(epochs) if isinstance(train_loader, Sized) else None
    bar = progress_bar(steps, verbose)
    history = History()
    try:
        step = _training_step(model, loss_fn, optimizer, compile, bar)
        for epoch in range(int(epochs)):
            bar.set_description(f"epoch {epoch + 1}/{epochs}", refresh=False)
            start = time.perf_counter()
            if hasattr(model, "train"):
                model.train()
            results = {
                "train": _means(_batches(train_loader, None, "fit"), step, metric_fns, "fit")
            }
            for name, data in eval_sets.items():
                results[name] = _evaluate(model, data, loss_fn, metric_fns, f"fit ({name})")
            # the one place history keys are made: "<set>_<name>", and "seconds"
            logs = {f"{s}_{k}": v for s, result in results.items() for k, v in result.items()}
            logs["seconds"] = time.perf_counter() - start
            history.append(logs)
            bar.set_postfix_str(f"loss {logs['train_loss']:.4g}", refresh=False)
            bar.end_epoch(epoch, int(epochs), logs)
            if any([_stops(hook, epoch, logs) for hook in hooks]):  # a list: every hook runs
                history.stopped_epoch = epoch
                break
    finally:
        bar.close()
    return history


def _stops(hook: Callback, epoch: int, logs: dict[str, float]) -> bool:
    """Call one callback; whether it asks to stop (returns or raises `StopTraining`)."""
    try:
        result = hook(epoch, dict(logs))
    except StopTraining:
        return True
    return isinstance(result, StopTraining) or result is StopTraining
