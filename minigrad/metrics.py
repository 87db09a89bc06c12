"""Metrics: functions of a model's output and the targets, for `fit`, `evaluate` or a loop.

A metric is ``metric(output, target) -> float``; `fit(metrics=...)` and `evaluate(metric=...)`
take any such function, and average it over rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .tensor import Tensor

__all__ = ["Metric", "accuracy"]

Metric = Callable[[Any, Any], float]


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
    out, tgt = (t._data if isinstance(t, Tensor) else np.asarray(t) for t in (output, target))
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
