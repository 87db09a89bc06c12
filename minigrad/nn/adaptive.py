"""``AdaptiveLogSoftmaxWithLoss``: the adaptive softmax of Grave et al. (2016), as
``torch.nn``'s. Frequent classes (below the first cutoff) are scored by a small head; each
band of rarer classes by its own cluster, reached through one head entry and a low-rank
projection. Composed of Linear layers, ``log_softmax`` and indexing (no backward here)."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..activations import log_softmax
from ..functions import cat
from ..tensor import Tensor, as_tensor, from_data
from .layers import Linear, Sequential
from .module import Module, ModuleList

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Adaptive softmax: the log-probability of each target and the mean negative
    log-likelihood, computing only the clusters the targets fall in.

    The classes are split by ``cutoffs`` into a shortlist ``[0, cutoffs[0])`` and clusters
    ``[cutoffs[i], cutoffs[i + 1])``. The head (a Linear to ``cutoffs[0] + n_clusters``
    outputs) scores the shortlist and one entry per cluster; cluster i has a projection
    ``in_features -> in_features // div_value^(i + 1) -> cluster size``. Classes should be
    sorted by frequency, most frequent first.

    Args:
        in_features: the size of each input vector.
        n_classes: the number of classes.
        cutoffs: increasing class indices in [1, n_classes - 1] that split the clusters.
        div_value: the shrink factor of each cluster's hidden size.
        head_bias: give the head a bias.
        device, dtype: of the parameters (the CPU only).

    ``forward(input, target)`` takes (N, in_features) input and (N,) int64 targets (or
    (in_features,) and a 0-d target) and returns the named tuple ``(output, loss)``: each target's
    log-probability and ``(-output).mean()``. ``log_prob(input)`` gives the full (N, n_classes)
    log-probabilities, ``predict(input)`` the most likely class of each row.

    Raises:
        ValueError: empty or badly ordered ``cutoffs`` (PyTorch's words).
    """

    def __init__(
        self,
        in_features: int,
        n_classes: int,
        cutoffs: Sequence[int],
        div_value: float = 4.0,
        head_bias: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (
            cutoffs != sorted(cutoffs)
            or min(cutoffs) <= 0
            or max(cutoffs) > n_classes - 1
            or len(set(cutoffs)) != len(cutoffs)
            or any(int(c) != c for c in cutoffs)
        ):
            raise ValueError(
                "cutoffs should be a sequence of unique, positive integers sorted in an "
                "increasing order, where each value is between 1 and n_classes-1"
            )
        factory = {"device": device, "dtype": dtype}
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = [*cutoffs, n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, **factory)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hsz = int(in_features // (div_value ** (i + 1)))
            osz = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(
                Sequential(
                    Linear(in_features, hsz, bias=False, **factory),
                    Linear(hsz, osz, bias=False, **factory),
                )
            )

    def reset_parameters(self) -> None:
        """Draw the head's and the projections' weights afresh, as at construction."""
        self.head.reset_parameters()
        for projection in self.tail:
            for layer in projection:  # type: ignore[attr-defined]
                layer.reset_parameters()

    def forward(self, input_: Tensor, target_: Any) -> Any:
        input_, target_ = as_tensor(input_), as_tensor(target_)
        if target_.ndim == 1:
            if input_.shape[0] != target_.shape[0]:
                raise RuntimeError(
                    "Input and target should have the same size in the batch dimension."
                )
            if input_.ndim != 2:
                raise RuntimeError(
                    "1D target tensor expects 2D input tensors, but found inputs with size "
                    f"{input_.shape}"
                )
        elif target_.ndim == 0:
            if input_.ndim != 1:
                raise RuntimeError(
                    "0D target tensor expects 1D input tensors, but found inputs with size "
                    f"{input_.shape}"
                )
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        batched = target_.ndim > 0
        input = input_ if batched else input_.unsqueeze(0)
        target = np.asarray(target_._data).reshape(-1)
        if target.dtype.kind not in "iu":
            raise RuntimeError(
                f"AdaptiveLogSoftmaxWithLoss: target must hold class indices (int64), got "
                f"dtype {target_.dtype}"
            )
        gather = target.copy()  # the head entry of each row: its class, or its cluster's
        pieces, rows = [], []
        bounds = [0, *self.cutoffs]
        for i in range(len(bounds) - 1):
            in_band = np.nonzero((target >= bounds[i]) & (target < bounds[i + 1]))[0]
            if in_band.size == 0:
                continue
            if i == 0:
                pieces.append(input.new_zeros(in_band.size))
            else:
                logprob = log_softmax(self.tail[i - 1](input[in_band]), dim=1)
                relative = from_data((target[in_band] - bounds[i])[:, None].astype(np.int64))
                pieces.append(logprob.gather(1, relative).squeeze(1))
                gather[in_band] = self.shortlist_size + i - 1
            rows.append(in_band)
        used = sum(r.size for r in rows)
        if used != target.size:
            raise RuntimeError(
                f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                f"[{target.min()}, {target.max()}] were found. "
            )
        order = np.concatenate(rows)
        output = cat(pieces)[np.argsort(order, kind="stable")]
        head_logprob = log_softmax(self.head(input), dim=1)
        index = from_data(gather[:, None].astype(np.int64))
        output = output + head_logprob.gather(1, index).squeeze(1)
        loss = (-output).mean()
        if not batched:
            output = output.squeeze(0)
        return _ASMoutput(output, loss)

    def _full_log_prob(self, input: Tensor, head_output: Tensor) -> Tensor:
        head_logprob = log_softmax(head_output, dim=1)
        parts = [head_logprob[:, : self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster_logprob = log_softmax(self.tail[i](input), dim=1)
            entry = self.shortlist_size + i
            parts.append(cluster_logprob + head_logprob[:, entry : entry + 1])
        return cat(parts, dim=1)

    def log_prob(self, input: Tensor) -> Tensor:
        """The log-probability of every class for each row of (N, in_features) input."""
        input = as_tensor(input)
        return self._full_log_prob(input, self.head(input))

    def predict(self, input: Tensor) -> Tensor:
        """The most likely class of each row (int64); the clusters are computed only for
        rows whose best head entry is a cluster."""
        input = as_tensor(input)
        head_output = self.head(input)
        output = np.argmax(head_output._data, axis=1)
        outside = output >= self.shortlist_size
        if outside.any():
            rows = np.nonzero(outside)[0]
            log_prob = self._full_log_prob(input[rows], head_output[rows])
            output[rows] = np.argmax(log_prob._data, axis=1)
        return from_data(output.astype(np.int64))
