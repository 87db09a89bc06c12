"""A small training helper: `fit`, `evaluate`, `accuracy` and `History`.

The loop is the plain one, `loss.backward()` then `optimizer.step()`: no gradient is written
by hand here. Progress lines come from `minigrad.progress` (tqdm when installed); the curves
of a `History` are drawn by `minigrad.viz.plot_history`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

import numpy as np

from .compiler import compile as compile_step
from .grad_mode import no_grad
from .progress import ProgressBar, format_epoch, progress_bar, should_report, terminal_width
from .tensor import Tensor

__all__ = [
    "Evaluation",
    "History",
    "StopTraining",
    "accuracy",
    "evaluate",
    "fit",
    "progress_bar",
]

Metric = Callable[[Any, Any], float]
Callback = Callable[[int, dict[str, float]], Any]


class Optimizer(Protocol):
    """What `fit` needs from an optimizer (minigrad.optim.SGD, Adam...)."""

    def zero_grad(self) -> None: ...

    def step(self) -> None: ...


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


# ---------------------------------------------------------------------------------------------
# Metrics


def _array(t: Any) -> np.ndarray:
    return t._data if isinstance(t, Tensor) else np.asarray(t)


def accuracy(output: Any, target: Any) -> float:
    """Fraction of rows whose predicted class matches the target.

    With more than one output column the prediction is the argmax; with one column (or a 1-D
    output) it is `output >= 0.5`, i.e. a probability such as a sigmoid's. Targets may be class
    indices (m,), one-hot or probability rows (m, k) (argmax taken), or 0/1 values.

    Args:
        output: model output, Tensor or array, shape (m, k), (m, 1) or (m,).
        target: targets for the same m rows.

    Returns:
        The accuracy in [0, 1] as a float.

    Raises:
        ValueError: output and target have different numbers of rows.
    """
    out, tgt = _array(output), _array(target)
    m = out.shape[0] if out.ndim else 1
    if (tgt.shape[0] if tgt.ndim else 1) != m:
        raise ValueError(
            f"accuracy: output has {m} rows but target has shape {tuple(tgt.shape)} "
            f"(output shape {tuple(out.shape)})"
        )
    if out.ndim == 2 and out.shape[1] > 1:
        pred = out.argmax(axis=1)
    else:
        pred = (out.reshape(m) >= 0.5).astype(np.int64)
    if tgt.ndim == 2 and tgt.shape[1] > 1:
        labels = tgt.argmax(axis=1)
    elif np.issubdtype(tgt.dtype, np.integer):
        labels = tgt.reshape(m)
    else:
        labels = np.rint(tgt.reshape(m)).astype(np.int64)
    return float(np.mean(pred == labels)) if m else math.nan


def _metrics(metrics: Metric | Mapping[str, Metric] | None) -> dict[str, Metric]:
    """Metrics by name; "loss" and "seconds" are the loop's own keys, so no metric takes them."""
    if metrics is None or isinstance(metrics, Mapping):
        named = dict(metrics or {})
    elif callable(metrics):
        named = {getattr(metrics, "__name__", "metric"): metrics}
    else:
        raise TypeError(
            f"fit: metrics must be a callable, a dict of callables or None, got "
            f"{type(metrics).__name__}"
        )
    for name in ("loss", "seconds"):
        if name in named:
            raise ValueError(
                f"fit: a metric may not be named {name!r} (the key of the loop's own {name}); "
                "give it another name in the metrics dict"
            )
    return named


# ---------------------------------------------------------------------------------------------
# Evaluation


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x))


def _batches(data: Any, batch_size: int | None, where: str) -> Iterable[Sequence[Any]]:
    """(x, y) batches of `data`: an (x, y) pair (whole, or cut in `batch_size` rows) or a loader."""
    if _is_pair(data):
        x, y = data
        n = len(x)
        if batch_size is None or batch_size >= n:
            return [(x, y)]
        return [(x[i : i + batch_size], y[i : i + batch_size]) for i in range(0, n, batch_size)]
    if isinstance(data, Iterable) and not isinstance(data, (Tensor, np.ndarray)):
        return data
    raise TypeError(
        f"{where}: data must be an (x, y) pair or an iterable of (x, y) batches (a DataLoader), "
        f"got {type(data).__name__}"
    )


def _is_pair(data: Any) -> bool:
    """Whether `data` is one (x, y) pair rather than a list of batches."""
    return (
        isinstance(data, tuple | list) and len(data) == 2 and not isinstance(data[0], tuple | list)
    )


def _split_batch(batch: Any, where: str) -> tuple[Any, Any]:
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise ValueError(
            f"{where}: each batch must be an (input, target) pair, got "
            f"{type(batch).__name__}{'' if not hasattr(batch, '__len__') else f' of {len(batch)}'}"
        )
    return batch[0], batch[1]


def _means(
    batches: Iterable[Any],
    run: Callable[[Tensor, Tensor], tuple[Tensor, Tensor | None]],
    metrics: Mapping[str, Metric],
    where: str,
    empty: str,
) -> dict[str, float]:
    """Row-weighted means of the loss and of each metric over ``batches`` (exact for
    mean-reduced losses); ``run(x, y)`` gives a batch's output and loss (None: NaN)."""
    totals = dict.fromkeys(["loss", *metrics], 0.0)
    count = 0
    for batch in batches:
        x, y = _split_batch(batch, where)
        out, loss = run(_tensor(x), _tensor(y))
        m = out.shape[0] if out.ndim else 1
        totals["loss"] += math.nan if loss is None else float(loss.item()) * m
        for name, fn in metrics.items():
            totals[name] += float(fn(out, y)) * m
        count += m
    if count == 0:
        raise ValueError(f"{where}: {empty}")
    return {name: total / count for name, total in totals.items()}


def _evaluate(
    model: Callable[[Tensor], Tensor],
    data: Any,
    loss_fn: Callable[[Tensor, Any], Tensor] | None,
    metrics: Mapping[str, Metric],
    batch_size: int | None = None,
    where: str = "evaluate",
) -> dict[str, float]:
    """Mean loss and metrics over `data`, under no_grad and in eval mode (mode restored)."""

    def run(x: Tensor, y: Tensor) -> tuple[Tensor, Tensor | None]:
        out = model(x)
        return out, None if loss_fn is None else loss_fn(out, y)

    was_training = getattr(model, "training", None)
    if hasattr(model, "eval"):
        model.eval()
    try:
        with no_grad():
            batches = _batches(data, batch_size, where)
            return _means(batches, run, metrics, where, "the evaluation data is empty")
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
    if batch_size is not None and not _is_pair(data):
        raise ValueError(
            "evaluate: batch_size applies to an (x, y) pair; a DataLoader has its own batch size"
        )
    metrics = {} if metric is None else {"metric": metric}
    result = _evaluate(model, data, loss_fn, metrics, batch_size, "evaluate")
    return Evaluation(result["loss"], result.get("metric", math.nan))


# ---------------------------------------------------------------------------------------------
# The loop


def _eval_sets(val_data: Any) -> dict[str, Any]:
    """Evaluation sets by name; "train" is the training loop's own prefix, so none takes it."""
    sets = dict(val_data) if isinstance(val_data, Mapping) else {"test": val_data}
    if "train" in sets:
        raise ValueError(
            "fit: an evaluation set may not be named 'train' (its keys would be the training "
            "loop's own train_loss, train_<metric>); give it another name in val_data"
        )
    return {} if val_data is None else sets


def _stops(hook: Callback, epoch: int, logs: dict[str, float]) -> bool:
    """Call one callback; whether it asks to stop (returns or raises `StopTraining`)."""
    try:
        result = hook(epoch, dict(logs))
    except StopTraining:
        return True
    return isinstance(result, StopTraining) or result is StopTraining


def fit(
    model: Callable[[Tensor], Tensor],
    loss_fn: Callable[[Tensor, Any], Tensor],
    optimizer: Optimizer,
    train_loader: Iterable[Any],
    epochs: int = 1,
    *,
    val_data: Any = None,
    metrics: Metric | Mapping[str, Metric] | None = accuracy,
    callbacks: Callback | Sequence[Callback] | None = None,
    progress: bool = True,
    compile: bool = False,
) -> History:
    """Train `model` for `epochs` passes over `train_loader`.

    Each batch: `optimizer.zero_grad()`, `loss = loss_fn(model(x), y)`, `loss.backward()`,
    `optimizer.step()`. The training loss and metrics of an epoch are the batch-size-weighted
    means over its batches, measured on the fly (as the weights change); evaluation sets are
    measured after the epoch with `evaluate`'s rules (no_grad, eval mode).

    Args:
        model: a callable Tensor -> Tensor with parameters the optimizer updates (an
            `nn.Module`; its `train()` is called at the start of each epoch if it has one).
        loss_fn: loss(output, target) -> scalar Tensor.
        optimizer: has `zero_grad()` and `step()`.
        train_loader: re-iterable source of (x, y) batches, e.g. a `DataLoader`.
        epochs: number of passes.
        val_data: evaluated after each epoch: an (x, y) pair or a loader (logged as "test_*"),
            or a dict name -> pair/loader (logged as "<name>_*").
        metrics: metric(output, target) -> float (default `accuracy`), a dict name -> metric,
            or None.
        callbacks: callable(epoch, logs) or a list of them, called after each epoch with the
            0-based epoch index and that epoch's logs; returning or raising `StopTraining`
            ends training after that epoch.
        progress: show progress (see `minigrad.progress.progress_bar`: tqdm's bar in a
            terminal or notebook, about ten epoch lines, nothing in logs and pipes).
        compile: run each training step compiled by `minigrad.compile` (same results; see
            docs/compile.md). Metrics then see the model's output of each step as a copy.

    Returns:
        The `History` of every epoch.

    Raises:
        ValueError: epochs < 0, an empty loader, a batch that is not an (input, target) pair,
            a loss that is not a scalar, or a metric named "loss" or "seconds".
        TypeError: metrics or val_data of an unsupported type.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"fit: epochs must be a non-negative int, got {epochs!r}")
    metric_fns = _metrics(metrics)
    eval_sets = _eval_sets(val_data)
    hooks = [callbacks] if callable(callbacks) else list(callbacks or [])
    history = History()
    try:
        steps: int | None = len(train_loader) * int(epochs)  # type: ignore[arg-type]
    except TypeError:
        steps = None
    bar = progress_bar(steps, enabled=progress)
    step = compile_step(model, loss_fn, optimizer) if compile else None
    try:
        for epoch in range(int(epochs)):
            bar.set_description(f"epoch {epoch + 1}/{epochs}", refresh=False)
            start = time.perf_counter()
            logs = _train_epoch(model, loss_fn, optimizer, train_loader, metric_fns, bar, step)
            for name, data in eval_sets.items():
                result = _evaluate(model, data, loss_fn, metric_fns, where=f"fit ({name})")
                logs.update({f"{name}_{key}": value for key, value in result.items()})
            logs["seconds"] = time.perf_counter() - start
            history.append(logs)
            bar.set_postfix_str(f"loss {logs['train_loss']:.4g}", refresh=False)
            if should_report(epoch, int(epochs)):
                bar.write(format_epoch(epoch, int(epochs), logs, width=terminal_width()))
            if any([_stops(hook, epoch, logs) for hook in hooks]):  # a list: every hook runs
                history.stopped_epoch = epoch
                break
    finally:
        bar.close()
    return history


def _train_epoch(
    model: Callable[[Tensor], Tensor],
    loss_fn: Callable[[Tensor, Any], Tensor],
    optimizer: Optimizer,
    loader: Iterable[Any],
    metrics: Mapping[str, Metric],
    bar: ProgressBar,
    step: Any = None,
) -> dict[str, float]:
    def run(x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
        if step is not None:
            loss = step(x, y)
            out = step.output
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

    if hasattr(model, "train"):
        model.train()
    logs = _means(loader, run, metrics, "fit", "the training loader yielded no batches")
    return {f"train_{name}": value for name, value in logs.items()}
