"""Bool and integer inputs (uint8, int8, int32, int64) to ``nn.functional`` and to the
elementwise, reduction and product functions: answered as PyTorch answers them (the same dtype
and values) or refused as PyTorch refuses them.

* ``test_refused_naming_the_op_and_the_fix``: the calls minigrad answered where PyTorch raises,
  now refused in PyTorch's words, then the op and the fix (no torch needed).
* ``test_answered_as_torch_does``: integer answers checked against NumPy (no torch needed).
* ``test_refused_in_torchs_words``: PyTorch raises on the same calls, with the words minigrad's
  message starts with.
* ``test_same_answer_or_refusal_as_torch``: every call of the table (about 370: activations,
  losses with integer inputs or targets, pooling, normalisations, padding, rearranging, the
  layers as functions, dropout, and the top-level functions) on each dtype, in both libraries:
  both raise, or both answer with the same dtypes and values. ``KNOWN`` lists what still differs,
  each with the reason; an entry that stops differing fails, so the list stays true.
"""

# ruff: noqa: E501  (tables of calls, one a line: easier to read and extend than wrapped)

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as MF

DTYPES = ["float32", "bool", "uint8", "int8", "int32", "int64"]
INTS = DTYPES[1:]


class X:
    """The inputs of one call in one dtype, as library ``L`` makes them: the same values in
    both libraries (uint8 takes absolute values, bool is ``!= 0``)."""

    def __init__(self, L: Any, dtype: str) -> None:
        self.L, self.dtype = L, dtype

    def _t(self, a: np.ndarray, dtype: str | None = None) -> Any:
        a = np.ascontiguousarray(a.astype(dtype or self.dtype))
        return mg.tensor(a) if self.L is mg else self.L.from_numpy(a.copy())

    def _base(self, shape: tuple[int, ...], lo: int, k: int) -> np.ndarray:
        a = (np.arange(int(np.prod(shape))) % k + lo).reshape(shape)
        if self.dtype == "uint8":
            a = np.abs(a)
        return a != 0 if self.dtype == "bool" else a

    def x(self, *shape: int) -> Any:
        """Values -2..3."""
        return self._t(self._base(shape, -2, 6))

    def y(self, *shape: int) -> Any:
        """Values 1..4 (no zero: divisors)."""
        return self._t(self._base(shape, 1, 4))

    def u(self, *shape: int) -> Any:
        """Values 0 and 1."""
        return self._t(self._base(shape, 0, 2))

    def s(self, *shape: int) -> Any:
        """Values -1..1 (for uint8, 0 and 1)."""
        return self._t(self._base(shape, -1, 3))

    def f(self, *shape: int) -> Any:
        """float32 values -0.5..0.5, whatever the dtype."""
        n = int(np.prod(shape))
        return self._t((np.arange(n) % 5 * 0.25 - 0.5).reshape(shape), "float32")

    def long(self, values: Any) -> Any:
        return self._t(np.array(values), "int64")

    def mask(self, *shape: int) -> Any:
        n = int(np.prod(shape))
        return self._t((np.arange(n) % 3 != 1).reshape(shape), "bool")


Call = Callable[[Any, Any, X], Any]
CALLS: list[tuple[str, Call]] = []


def c(label: str, call: Call) -> None:
    CALLS.append((label, call))


# ---- nn.functional: activations
for _n in [
    "relu",
    "relu6",
    "elu",
    "selu",
    "celu",
    "gelu",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "leaky_relu",
    "logsigmoid",
    "mish",
    "sigmoid",
    "silu",
    "softplus",
    "softshrink",
    "softsign",
    "tanh",
    "tanhshrink",
    "hardtanh",
]:
    c(f"F.{_n}", lambda L, F, X, n=_n: getattr(F, n)(X.x(2, 3)))
for _n in ["relu_", "elu_", "selu_", "celu_", "leaky_relu_", "hardtanh_"]:
    c(f"F.{_n}", lambda L, F, X, n=_n: getattr(F, n)(X.x(2, 3)))
c("F.relu(inplace)", lambda L, F, X: F.relu(X.x(2, 3), inplace=True))
c("F.relu6(inplace)", lambda L, F, X: F.relu6(X.x(2, 3), inplace=True))
c("F.hardtanh(-1,2)", lambda L, F, X: F.hardtanh(X.x(2, 3), -1.0, 2.0))
c("F.hardtanh(int bounds)", lambda L, F, X: F.hardtanh(X.x(2, 3), -1, 2))
c("F.hardtanh(frac)", lambda L, F, X: F.hardtanh(X.x(2, 3), -1.5, 2.5))
c("F.hardtanh(-0.5)", lambda L, F, X: F.hardtanh(X.x(2, 3), -0.5, 1.5))
c("F.threshold", lambda L, F, X: F.threshold(X.x(2, 3), 1.0, 0.0))
c("F.threshold(int)", lambda L, F, X: F.threshold(X.x(2, 3), 1, 0))
c("F.threshold(frac)", lambda L, F, X: F.threshold(X.x(2, 3), 0.5, 2.5))
c("F.threshold_", lambda L, F, X: F.threshold_(X.x(2, 3), 1.0, 0.0))
c("F.rrelu(eval)", lambda L, F, X: F.rrelu(X.x(2, 3), training=False))
c("F.rrelu_(eval)", lambda L, F, X: F.rrelu_(X.x(2, 3), training=False))
c("F.glu", lambda L, F, X: F.glu(X.x(2, 4)))
c("F.prelu", lambda L, F, X: F.prelu(X.x(2, 3), X.y(1)))
c("F.prelu(float w)", lambda L, F, X: F.prelu(X.x(2, 3), X.f(1)))
for _n in ["softmax", "softmin", "log_softmax"]:
    c(f"F.{_n}", lambda L, F, X, n=_n: getattr(F, n)(X.x(2, 3), dim=-1))
    c(f"F.{_n}(dtype)", lambda L, F, X, n=_n: getattr(F, n)(X.x(2, 3), dim=-1, dtype=L.float64))
# ---- losses: every input of the dtype
c("F.mse_loss", lambda L, F, X: F.mse_loss(X.x(2, 3), X.y(2, 3)))
c("F.mse_loss(none)", lambda L, F, X: F.mse_loss(X.x(2, 3), X.y(2, 3), reduction="none"))
c("F.l1_loss", lambda L, F, X: F.l1_loss(X.x(2, 3), X.y(2, 3)))
c("F.l1_loss(sum)", lambda L, F, X: F.l1_loss(X.x(2, 3), X.y(2, 3), reduction="sum"))
c("F.l1_loss(none)", lambda L, F, X: F.l1_loss(X.x(2, 3), X.y(2, 3), reduction="none"))
c("F.huber_loss", lambda L, F, X: F.huber_loss(X.x(2, 3), X.y(2, 3)))
c("F.smooth_l1_loss", lambda L, F, X: F.smooth_l1_loss(X.x(2, 3), X.y(2, 3)))
c("F.binary_cross_entropy", lambda L, F, X: F.binary_cross_entropy(X.u(2, 3), X.u(2, 3)))
c(
    "F.binary_cross_entropy_with_logits",
    lambda L, F, X: F.binary_cross_entropy_with_logits(X.x(2, 3), X.u(2, 3)),
)
c("F.kl_div", lambda L, F, X: F.kl_div(X.x(2, 3), X.y(2, 3), reduction="batchmean"))
c("F.kl_div(none)", lambda L, F, X: F.kl_div(X.x(2, 3), X.y(2, 3), reduction="none"))
c("F.soft_margin_loss", lambda L, F, X: F.soft_margin_loss(X.x(2, 3), X.y(2, 3)))
c(
    "F.soft_margin_loss(sum)",
    lambda L, F, X: F.soft_margin_loss(X.x(2, 3), X.y(2, 3), reduction="sum"),
)
c(
    "F.multilabel_soft_margin_loss",
    lambda L, F, X: F.multilabel_soft_margin_loss(X.x(2, 3), X.u(2, 3)),
)
c("F.poisson_nll_loss", lambda L, F, X: F.poisson_nll_loss(X.x(2, 3), X.y(2, 3)))
c("F.gaussian_nll_loss", lambda L, F, X: F.gaussian_nll_loss(X.x(2, 3), X.y(2, 3), X.y(2, 3)))
c("F.hinge_embedding_loss", lambda L, F, X: F.hinge_embedding_loss(X.x(2, 3), X.s(2, 3)))
c(
    "F.hinge_embedding_loss(sum)",
    lambda L, F, X: F.hinge_embedding_loss(X.x(2, 3), X.s(2, 3), reduction="sum"),
)
c(
    "F.hinge_embedding_loss(none)",
    lambda L, F, X: F.hinge_embedding_loss(X.x(2, 3), X.s(2, 3), reduction="none"),
)
c(
    "F.hinge_embedding_loss(margin)",
    lambda L, F, X: F.hinge_embedding_loss(X.x(2, 3), X.s(2, 3), margin=2.5, reduction="none"),
)
c(
    "F.hinge_embedding_loss(float target)",
    lambda L, F, X: F.hinge_embedding_loss(X.x(2, 3), X.f(2, 3)),
)
c(
    "F.hinge_embedding_loss(float target, none)",
    lambda L, F, X: F.hinge_embedding_loss(X.x(2, 3), X.f(2, 3), reduction="none"),
)
c("F.cosine_embedding_loss", lambda L, F, X: F.cosine_embedding_loss(X.x(2, 3), X.y(2, 3), X.y(2)))
c("F.margin_ranking_loss", lambda L, F, X: F.margin_ranking_loss(X.x(3), X.y(3), X.y(3)))
c(
    "F.margin_ranking_loss(sum)",
    lambda L, F, X: F.margin_ranking_loss(X.x(3), X.y(3), X.y(3), reduction="sum"),
)
c("F.triplet_margin_loss", lambda L, F, X: F.triplet_margin_loss(X.x(2, 3), X.y(2, 3), X.u(2, 3)))
c(
    "F.triplet_margin_with_distance_loss",
    lambda L, F, X: F.triplet_margin_with_distance_loss(X.x(2, 3), X.y(2, 3), X.u(2, 3)),
)
c("F.cross_entropy", lambda L, F, X: F.cross_entropy(X.x(2, 3), X.long([0, 2])))
c("F.cross_entropy(probs)", lambda L, F, X: F.cross_entropy(X.x(2, 3), X.u(2, 3)))
c("F.nll_loss", lambda L, F, X: F.nll_loss(X.x(2, 3), X.long([0, 2])))
c("F.multi_margin_loss", lambda L, F, X: F.multi_margin_loss(X.x(2, 3), X.long([0, 2])))
c(
    "F.multilabel_margin_loss",
    lambda L, F, X: F.multilabel_margin_loss(X.x(2, 3), X.long([[0, -1, 1], [2, -1, 0]])),
)
# ---- losses: an integer or bool input, float targets
for _n in [
    "mse_loss",
    "l1_loss",
    "huber_loss",
    "smooth_l1_loss",
    "soft_margin_loss",
    "kl_div",
    "poisson_nll_loss",
]:
    c(f"F.{_n}(input)", lambda L, F, X, n=_n: getattr(F, n)(X.x(2, 3), X.f(2, 3)))
# ---- losses: a float input, a target of the dtype
for _n in [
    "mse_loss",
    "l1_loss",
    "huber_loss",
    "smooth_l1_loss",
    "soft_margin_loss",
    "kl_div",
    "poisson_nll_loss",
    "binary_cross_entropy_with_logits",
    "multilabel_soft_margin_loss",
    "hinge_embedding_loss",
]:
    c(f"F.{_n}(target)", lambda L, F, X, n=_n: getattr(F, n)(X.f(2, 3), X.u(2, 3)))
c(
    "F.binary_cross_entropy(target)",
    lambda L, F, X: F.binary_cross_entropy(X.f(2, 3).sigmoid(), X.u(2, 3)),
)
c("F.cross_entropy(target)", lambda L, F, X: F.cross_entropy(X.f(2, 3), X.u(2)))
c("F.nll_loss(target)", lambda L, F, X: F.nll_loss(X.f(2, 3), X.u(2)))
c("F.multi_margin_loss(target)", lambda L, F, X: F.multi_margin_loss(X.f(2, 3), X.u(2)))
c(
    "F.multilabel_margin_loss(target)",
    lambda L, F, X: F.multilabel_margin_loss(X.f(2, 3), X.s(2, 3)),
)
c(
    "F.gaussian_nll_loss(target)",
    lambda L, F, X: F.gaussian_nll_loss(X.f(2, 3), X.u(2, 3), X.f(2, 3).abs() + 1),
)
c("F.gaussian_nll_loss(var)", lambda L, F, X: F.gaussian_nll_loss(X.f(2, 3), X.f(2, 3), X.y(2, 3)))
# ---- pooling
c("F.avg_pool1d", lambda L, F, X: F.avg_pool1d(X.x(1, 2, 4), 2))
c("F.avg_pool1d(ceil)", lambda L, F, X: F.avg_pool1d(X.x(1, 1, 5), 3, ceil_mode=True))
c("F.avg_pool2d", lambda L, F, X: F.avg_pool2d(X.x(1, 1, 4, 4), 2))
c("F.avg_pool2d(pad)", lambda L, F, X: F.avg_pool2d(X.x(1, 1, 3, 3), 2, padding=1))
c("F.max_pool1d", lambda L, F, X: F.max_pool1d(X.x(1, 2, 4), 2))
c(
    "F.max_pool1d(return_indices)",
    lambda L, F, X: F.max_pool1d(X.x(1, 2, 4), 2, return_indices=True),
)
c("F.max_pool2d", lambda L, F, X: F.max_pool2d(X.x(1, 1, 4, 4), 2))
c("F.max_pool1d_with_indices", lambda L, F, X: F.max_pool1d_with_indices(X.x(1, 2, 4), 2))
c("F.max_pool2d_with_indices", lambda L, F, X: F.max_pool2d_with_indices(X.x(1, 1, 4, 4), 2))
c(
    "F.max_pool2d(return_indices)",
    lambda L, F, X: F.max_pool2d(X.x(1, 1, 4, 4), 2, return_indices=True),
)
c("F.adaptive_avg_pool1d", lambda L, F, X: F.adaptive_avg_pool1d(X.x(1, 2, 4), 2))
c("F.adaptive_avg_pool2d", lambda L, F, X: F.adaptive_avg_pool2d(X.x(1, 1, 4, 4), 2))
c("F.adaptive_max_pool1d", lambda L, F, X: F.adaptive_max_pool1d(X.x(1, 2, 4), 2))
c("F.adaptive_max_pool2d", lambda L, F, X: F.adaptive_max_pool2d(X.x(1, 1, 4, 4), 2))
c(
    "F.adaptive_max_pool2d(indices)",
    lambda L, F, X: F.adaptive_max_pool2d(X.x(1, 1, 4, 4), 2, return_indices=True),
)
c("F.max_unpool1d", lambda L, F, X: F.max_unpool1d(X.x(1, 1, 2), X.long([[[1, 2]]]), 2))
c("F.max_unpool2d", lambda L, F, X: F.max_unpool2d(X.x(1, 1, 1, 2), X.long([[[[1, 6]]]]), 2))
c("F.avg_pool3d", lambda L, F, X: F.avg_pool3d(X.x(1, 1, 2, 4, 4), 2))
c("F.avg_pool3d(pad)", lambda L, F, X: F.avg_pool3d(X.x(1, 3, 3, 3), 2, padding=1))
c(
    "F.avg_pool3d(divisor)",
    lambda L, F, X: F.avg_pool3d(X.x(1, 1, 3, 3, 3), 2, 1, divisor_override=3),
)
c("F.max_pool3d", lambda L, F, X: F.max_pool3d(X.x(1, 1, 2, 4, 4), 2))
c(
    "F.max_pool3d(return_indices)",
    lambda L, F, X: F.max_pool3d(X.x(1, 2, 2, 4), 2, return_indices=True),
)
c("F.max_pool3d_with_indices", lambda L, F, X: F.max_pool3d_with_indices(X.x(1, 1, 2, 4, 4), 2))
c("F.adaptive_avg_pool3d", lambda L, F, X: F.adaptive_avg_pool3d(X.x(1, 1, 2, 4, 4), 2))
c("F.adaptive_avg_pool3d(1)", lambda L, F, X: F.adaptive_avg_pool3d(X.x(1, 1, 2, 4, 4), 1))
c("F.adaptive_max_pool3d", lambda L, F, X: F.adaptive_max_pool3d(X.x(1, 1, 2, 4, 4), 2))
c(
    "F.adaptive_max_pool3d(indices)",
    lambda L, F, X: F.adaptive_max_pool3d(X.x(1, 2, 4, 4), 2, return_indices=True),
)
c("F.max_unpool3d", lambda L, F, X: F.max_unpool3d(X.x(1, 1, 1, 1, 2), X.long([[[[[1, 6]]]]]), 2))
# ---- normalisation
c("F.batch_norm", lambda L, F, X: F.batch_norm(X.x(2, 3), X.f(3), X.f(3).abs() + 1))
c("F.batch_norm(all)", lambda L, F, X: F.batch_norm(X.x(2, 3), X.x(3), X.y(3)))
c("F.batch_norm(training)", lambda L, F, X: F.batch_norm(X.x(2, 3), None, None, training=True))
c("F.layer_norm", lambda L, F, X: F.layer_norm(X.x(2, 3), (3,)))
c("F.layer_norm(affine)", lambda L, F, X: F.layer_norm(X.x(2, 3), (3,), X.f(3), X.f(3)))
c("F.group_norm", lambda L, F, X: F.group_norm(X.x(2, 4, 2), 2))
c("F.instance_norm", lambda L, F, X: F.instance_norm(X.x(2, 2, 3)))
c("F.rms_norm", lambda L, F, X: F.rms_norm(X.x(2, 3), (3,)))
c("F.local_response_norm", lambda L, F, X: F.local_response_norm(X.x(1, 4, 3), 2))
c("F.normalize", lambda L, F, X: F.normalize(X.x(2, 3)))
# ---- padding and rearranging
for _m in ["constant", "reflect", "replicate", "circular"]:
    c(f"F.pad({_m})", lambda L, F, X, m=_m: F.pad(X.x(1, 2, 4), (1, 1), mode=m))
    c(f"F.pad({_m} 2d)", lambda L, F, X, m=_m: F.pad(X.x(1, 1, 3, 3), (1, 1, 1, 1), mode=m))
c("F.pad(value)", lambda L, F, X: F.pad(X.x(2, 3), (1, 2), value=1))
c("F.pad(float value)", lambda L, F, X: F.pad(X.x(2, 3), (1, 2), value=1.5))
c("F.pixel_shuffle", lambda L, F, X: F.pixel_shuffle(X.x(1, 4, 2, 2), 2))
c("F.pixel_unshuffle", lambda L, F, X: F.pixel_unshuffle(X.x(1, 1, 4, 4), 2))
c("F.channel_shuffle", lambda L, F, X: F.channel_shuffle(X.x(1, 4, 2, 2), 2))
c("F.fold", lambda L, F, X: F.fold(X.x(1, 4, 4), (3, 3), 2))
c("F.unfold", lambda L, F, X: F.unfold(X.x(1, 1, 3, 3), 2))
c("F.interpolate(nearest)", lambda L, F, X: F.interpolate(X.x(1, 2, 3), scale_factor=2))
c(
    "F.interpolate(linear)",
    lambda L, F, X: F.interpolate(X.x(1, 2, 3), scale_factor=2, mode="linear"),
)
c("F.interpolate(nearest 2d)", lambda L, F, X: F.interpolate(X.x(1, 1, 2, 3), scale_factor=2))
c(
    "F.interpolate(nearest-exact)",
    lambda L, F, X: F.interpolate(X.x(1, 1, 2, 3), scale_factor=2, mode="nearest-exact"),
)
c(
    "F.interpolate(bilinear)",
    lambda L, F, X: F.interpolate(X.x(1, 1, 2, 3), scale_factor=2, mode="bilinear"),
)
c(
    "F.grid_sample",
    lambda L, F, X: F.grid_sample(X.x(1, 1, 3, 3), X.f(1, 2, 2, 2), align_corners=False),
)
c(
    "F.grid_sample(grid)",
    lambda L, F, X: F.grid_sample(X.f(1, 1, 3, 3), X.u(1, 2, 2, 2), align_corners=False),
)
c("F.affine_grid", lambda L, F, X: F.affine_grid(X.x(1, 2, 3), [1, 1, 2, 2], align_corners=False))
# ---- the layers as functions: an input of the dtype with float parameters, or all of the dtype
c("F.linear", lambda L, F, X: F.linear(X.x(2, 3), X.f(4, 3)))
c("F.linear(all)", lambda L, F, X: F.linear(X.x(2, 3), X.y(4, 3), X.y(4)))
c("F.linear(all, no bias)", lambda L, F, X: F.linear(X.x(2, 3), X.y(4, 3)))
c("F.bilinear", lambda L, F, X: F.bilinear(X.x(2, 3), X.x(2, 2), X.f(4, 3, 2)))
c("F.bilinear(all)", lambda L, F, X: F.bilinear(X.x(2, 3), X.x(2, 2), X.y(4, 3, 2)))
c("F.conv1d", lambda L, F, X: F.conv1d(X.x(1, 2, 4), X.f(3, 2, 2)))
c("F.conv1d(all)", lambda L, F, X: F.conv1d(X.x(1, 2, 4), X.y(3, 2, 2)))
c("F.conv2d", lambda L, F, X: F.conv2d(X.x(1, 1, 3, 3), X.f(2, 1, 2, 2)))
c("F.conv2d(all)", lambda L, F, X: F.conv2d(X.x(1, 1, 3, 3), X.y(2, 1, 2, 2)))
c("F.conv_transpose1d", lambda L, F, X: F.conv_transpose1d(X.x(1, 2, 3), X.f(2, 1, 2)))
c("F.conv_transpose1d(all)", lambda L, F, X: F.conv_transpose1d(X.x(1, 2, 3), X.y(2, 1, 2)))
c("F.conv_transpose2d", lambda L, F, X: F.conv_transpose2d(X.x(1, 1, 2, 2), X.f(1, 2, 2, 2)))
c("F.conv_transpose2d(all)", lambda L, F, X: F.conv_transpose2d(X.x(1, 1, 2, 2), X.y(1, 2, 2, 2)))
c("F.conv3d", lambda L, F, X: F.conv3d(X.x(1, 1, 2, 3, 3), X.f(2, 1, 2, 2, 2)))
c("F.conv3d(1x1x1)", lambda L, F, X: F.conv3d(X.x(1, 2, 2, 3), X.y(1, 2, 1, 1, 1)))
c("F.conv3d(dilated)", lambda L, F, X: F.conv3d(X.x(1, 1, 3, 3, 3), X.y(1, 1, 2, 2, 2), dilation=2))
c("F.conv2d(dilated)", lambda L, F, X: F.conv2d(X.x(1, 1, 3, 3), X.y(1, 1, 2, 2), dilation=(1, 2)))
c(
    "F.conv3d(all)",
    lambda L, F, X: F.conv3d(X.x(1, 2, 2, 3, 3), X.y(2, 1, 2, 2, 2), X.y(2), groups=2),
)
c("F.conv_transpose3d", lambda L, F, X: F.conv_transpose3d(X.x(1, 1, 2, 2, 2), X.f(1, 2, 2, 2, 2)))
c(
    "F.conv_transpose3d(all)",
    lambda L, F, X: F.conv_transpose3d(X.x(1, 2, 2, 2), X.y(1, 2, 2, 2, 2), stride=2),
)
c("F.cosine_similarity", lambda L, F, X: F.cosine_similarity(X.x(2, 3), X.y(2, 3)))
c("F.pairwise_distance", lambda L, F, X: F.pairwise_distance(X.x(2, 3), X.y(2, 3)))
c("F.embedding", lambda L, F, X: F.embedding(X.u(2, 3), X.f(4, 2)))
c("F.embedding(weight)", lambda L, F, X: F.embedding(X.long([0, 1]), X.x(4, 2)))
c("F.one_hot", lambda L, F, X: F.one_hot(X.u(3), 3))
c(
    "F.scaled_dot_product_attention",
    lambda L, F, X: F.scaled_dot_product_attention(X.x(1, 2, 3), X.y(1, 2, 3), X.x(1, 2, 3)),
)
c(
    "F.scaled_dot_product_attention(mask)",
    lambda L, F, X: F.scaled_dot_product_attention(
        X.f(1, 2, 3), X.f(1, 2, 3), X.f(1, 2, 3), attn_mask=X.u(2, 2)
    ),
)
for _n in [
    "dropout",
    "alpha_dropout",
    "feature_alpha_dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
]:
    c(f"F.{_n}(eval)", lambda L, F, X, n=_n: getattr(F, n)(X.x(1, 2, 2, 2), training=False))
    c(f"F.{_n}(p=0)", lambda L, F, X, n=_n: getattr(F, n)(X.x(1, 2, 2, 2), p=0.0, training=True))
# ---- top level: elementwise of one tensor
for _n in "abs neg negative exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sigmoid tanh relu floor ceil round sign sgn trunc fix frac reciprocal square erf erfinv sin cos tan asin acos atan sinh cosh asinh acosh atanh sinc positive signbit isnan isinf isfinite nan_to_num logit bitwise_not logical_not".split():
    c(_n, lambda L, F, X, n=_n: getattr(L, n)(X.x(2, 3)))
c("round(decimals)", lambda L, F, X: L.round(X.x(2, 3), decimals=1))
c("clamp", lambda L, F, X: L.clamp(X.x(2, 3), 0, 2))
c("clamp(float)", lambda L, F, X: L.clamp(X.x(2, 3), 0.5, 2.5))
c("clamp(min)", lambda L, F, X: L.clamp(X.x(2, 3), min=1))
c("clamp(tensor)", lambda L, F, X: L.clamp(X.x(2, 3), X.u(2, 3), X.y(2, 3)))
c("clip", lambda L, F, X: L.clip(X.x(2, 3), 0, 2))
c("clamp_min", lambda L, F, X: L.clamp_min(X.x(2, 3), 1))
c("clamp_max", lambda L, F, X: L.clamp_max(X.x(2, 3), 1))
# ---- of two tensors, or a tensor and a number
for _n in "pow remainder fmod atan2 maximum minimum logaddexp hypot mul div true_divide floor_divide add sub heaviside xlogy bitwise_and bitwise_or bitwise_xor logical_and logical_or logical_xor eq ne lt le gt ge isclose".split():
    c(_n, lambda L, F, X, n=_n: getattr(L, n)(X.x(2, 3), X.y(2, 3)))
c("allclose", lambda L, F, X: L.allclose(X.x(2, 3), X.y(2, 3)))
c("equal", lambda L, F, X: L.equal(X.x(2, 3), X.x(2, 3)))
c("pow(2)", lambda L, F, X: L.pow(X.x(2, 3), 2))
c("pow(0.5)", lambda L, F, X: L.pow(X.x(2, 3), 0.5))
c("pow(-1)", lambda L, F, X: L.pow(X.y(2, 3), -1))
c("remainder(2)", lambda L, F, X: L.remainder(X.x(2, 3), 2))
c("remainder(1.5)", lambda L, F, X: L.remainder(X.x(2, 3), 1.5))
c("fmod(2)", lambda L, F, X: L.fmod(X.x(2, 3), 2))
c("div(floor)", lambda L, F, X: L.div(X.x(2, 3), X.y(2, 3), rounding_mode="floor"))
c("div(trunc)", lambda L, F, X: L.div(X.x(2, 3), X.y(2, 3), rounding_mode="trunc"))
c("floor_divide(2)", lambda L, F, X: L.floor_divide(X.x(2, 3), 2))
c("mul(2.5)", lambda L, F, X: L.mul(X.x(2, 3), 2.5))
c("add(float)", lambda L, F, X: L.add(X.x(2, 3), X.f(2, 3)))
c("lerp", lambda L, F, X: L.lerp(X.x(2, 3), X.y(2, 3), 0.5))
c("lerp(tensor)", lambda L, F, X: L.lerp(X.x(2, 3), X.y(2, 3), X.u(2, 3)))
c("where", lambda L, F, X: L.where(X.mask(2, 3), X.x(2, 3), X.y(2, 3)))
c("where(cond)", lambda L, F, X: L.where(X.x(2, 3)))
c("where(cond xy)", lambda L, F, X: L.where(X.x(2, 3), X.f(2, 3), X.f(2, 3)))
c("where(scalar)", lambda L, F, X: L.where(X.mask(2, 3), X.x(2, 3), 0))
c("dist", lambda L, F, X: L.dist(X.x(2, 3), X.y(2, 3)))
c("addcmul", lambda L, F, X: L.addcmul(X.x(2, 3), X.y(2, 3), X.x(2, 3)))
c("addcdiv", lambda L, F, X: L.addcdiv(X.x(2, 3), X.x(2, 3), X.y(2, 3)))
# ---- reductions, whole and along a dim
for _n in "sum mean nanmean prod max min amax amin argmax argmin std var std_mean var_mean norm median nanmedian all any count_nonzero".split():
    c(_n, lambda L, F, X, n=_n: getattr(L, n)(X.x(2, 3)))
for _n in "sum mean prod max min amax amin argmax argmin std var median nanmedian mode all any count_nonzero logsumexp cumsum cumprod cummax cummin logcumsumexp softmax log_softmax sort argsort".split():
    c(f"{_n}(dim)", lambda L, F, X, n=_n: getattr(L, n)(X.x(2, 3), 1))
c("kthvalue", lambda L, F, X: L.kthvalue(X.x(2, 3), 2, 1))
c("norm(dim)", lambda L, F, X: L.norm(X.x(2, 3), dim=1))
c("sum(dtype)", lambda L, F, X: L.sum(X.x(2, 3), dtype=L.float32))
c("mean(dtype)", lambda L, F, X: L.mean(X.x(2, 3), dtype=L.float32))
c("cumsum(dtype)", lambda L, F, X: L.cumsum(X.x(2, 3), 1, dtype=L.float64))
c("prod(dtype)", lambda L, F, X: L.prod(X.x(2, 3), dtype=L.int32))
c("sum(keepdim)", lambda L, F, X: L.sum(X.x(2, 3), 0, keepdim=True))
c("max(other)", lambda L, F, X: L.max(X.x(2, 3), X.y(2, 3)))
c("topk", lambda L, F, X: L.topk(X.x(2, 3), 2))
c("std(correction=0)", lambda L, F, X: L.std(X.x(2, 3), correction=0))
c("norm(p=1)", lambda L, F, X: L.norm(X.x(2, 3), p=1))
c("diff", lambda L, F, X: L.diff(X.x(2, 3)))
c("trace", lambda L, F, X: L.trace(X.x(3, 3)))
c("unique", lambda L, F, X: L.unique(X.x(2, 3)))
c("bincount", lambda L, F, X: L.bincount(X.u(5)))
c("histc", lambda L, F, X: L.histc(X.x(6), bins=4, min=-2, max=3))
c("trapezoid", lambda L, F, X: L.trapezoid(X.x(2, 3)))
c("cumulative_trapezoid", lambda L, F, X: L.cumulative_trapezoid(X.x(2, 3)))
c("renorm", lambda L, F, X: L.renorm(X.x(2, 3), 2, 0, 1.0))
c("cdist", lambda L, F, X: L.cdist(X.x(2, 3), X.y(2, 3)))
# ---- products
c("matmul", lambda L, F, X: L.matmul(X.x(2, 3), X.y(3, 2)))
c("mm", lambda L, F, X: L.mm(X.x(2, 3), X.y(3, 2)))
c("bmm", lambda L, F, X: L.bmm(X.x(1, 2, 3), X.y(1, 3, 2)))
c("dot", lambda L, F, X: L.dot(X.x(3), X.y(3)))
c("outer", lambda L, F, X: L.outer(X.x(3), X.y(2)))
c("tensordot", lambda L, F, X: L.tensordot(X.x(2, 3), X.y(3, 2), dims=1))
c("einsum", lambda L, F, X: L.einsum("ij,jk->ik", X.x(2, 3), X.y(3, 2)))
c("kron", lambda L, F, X: L.kron(X.x(2), X.y(2)))
c("addmm", lambda L, F, X: L.addmm(X.x(2, 2), X.x(2, 3), X.y(3, 2)))
c("cross", lambda L, F, X: L.cross(X.x(2, 3), X.y(2, 3), dim=1))
# ---- rearranging
c("flip", lambda L, F, X: L.flip(X.x(2, 3), [0]))
c("roll", lambda L, F, X: L.roll(X.x(2, 3), 1, 1))
c("tril", lambda L, F, X: L.tril(X.x(3, 3)))
c("triu", lambda L, F, X: L.triu(X.x(3, 3)))
c("diag", lambda L, F, X: L.diag(X.x(3)))
c("diagonal", lambda L, F, X: L.diagonal(X.x(3, 3)))
c("t", lambda L, F, X: L.t(X.x(2, 3)))
c("transpose", lambda L, F, X: L.transpose(X.x(2, 3), 0, 1))

# call: (dtypes, why): where minigrad still differs from PyTorch, and why. Every entry is checked to
# differ as said, so a fix has to remove it.
KNOWN: dict[str, tuple[tuple[str, ...], str]] = {
    "F.interpolate(bilinear)": (
        ("uint8",),
        "PyTorch's uint8 bilinear resizing (its own rounding): minigrad's linear modes take floats",
    ),
}


def _on(dtype: str, L: Any = mg) -> X:
    return X(L, dtype)


SUB_ONE = r"^Subtraction, the `-` operator, with a bool tensor is not supported\. If you are trying to invert a mask"
SUB_TWO = r"^Subtraction, the `-` operator, with two bool tensors is not supported\."
# (name, the call given the library's namespace L, minigrad's exception type, what its message
# says: PyTorch's words, then the op and the fix). Each was answered by minigrad before.
Make = Callable[[Any], Any]
REFUSED: list[tuple[str, Make, type[Exception], str]] = [
    # hardtanh and relu6 of a mask, hardtanh of uint8 below 0, threshold of a mask
    (
        "hardtanh_bool",
        lambda L: L.nn.functional.hardtanh(_on("bool", L).x(2, 3)),
        RuntimeError,
        r"^Bool inputs not supported for hardtanh \(hardtanh\(\) of a bool tensor: .*F\.hardtanh\(x\.float\(\)\)",
    ),
    (
        "hardtanh__bool",
        lambda L: L.nn.functional.hardtanh_(_on("bool", L).x(2, 3)),
        RuntimeError,
        r"^Bool inputs not supported for hardtanh",
    ),
    (
        "relu6_bool",
        lambda L: L.nn.functional.relu6(_on("bool", L).x(2, 3)),
        RuntimeError,
        r"^Bool inputs not supported for hardtanh \(relu6\(\) of a bool tensor: .*F\.relu6\(x\.float\(\)\)",
    ),
    (
        "relu6_inplace_bool",
        lambda L: L.nn.functional.relu6(_on("bool", L).x(3), inplace=True),
        RuntimeError,
        r"relu6\(\) of a bool",
    ),
    (
        "nn.ReLU6_bool",
        lambda L: L.nn.ReLU6()(_on("bool", L).x(3)),
        RuntimeError,
        r"^Bool inputs not supported for hardtanh",
    ),
    (
        "nn.Hardtanh_bool",
        lambda L: L.nn.Hardtanh()(_on("bool", L).x(3)),
        RuntimeError,
        r"hardtanh\(\) of a bool",
    ),
    (
        "hardtanh_uint8",
        lambda L: L.nn.functional.hardtanh(_on("uint8", L).x(2, 3)),
        RuntimeError,
        r"^cannot do hardtanh on an unsigned type with negative limits \(hardtanh\(\) of a uint8 tensor with min_val=-1\.0, max_val=1\.0: give limits > -1, or convert it first, e\.g\. x\.int\(\)\)",
    ),
    (
        "hardtanh__uint8",
        lambda L: L.nn.functional.hardtanh_(_on("uint8", L).x(3), -2, 5),
        RuntimeError,
        r"^cannot do hardtanh on an unsigned type",
    ),
    (
        "threshold_bool",
        lambda L: L.nn.functional.threshold(_on("bool", L).x(2, 3), 0.5, 0.0),
        NotImplementedError,
        r"^\"threshold_cpu\" not implemented for 'Bool' \(threshold\(\) of a bool tensor: convert it first, e\.g\. F\.threshold\(x\.float\(\), threshold, value\)\)",
    ),
    (
        "threshold__bool",
        lambda L: L.nn.functional.threshold_(_on("bool", L).x(3), 0.5, 0.0),
        NotImplementedError,
        r"threshold_cpu",
    ),
    (
        "nn.Threshold_bool",
        lambda L: L.nn.Threshold(0.5, 0.0)(_on("bool", L).x(3)),
        NotImplementedError,
        r"threshold_cpu",
    ),
    # integer and bool targets where the loss wants floats
    (
        "bce_int_target",
        lambda L: L.nn.functional.binary_cross_entropy(
            _on("int64", L).f(2, 3).sigmoid(), _on("int64", L).u(2, 3)
        ),
        RuntimeError,
        r"^Found dtype Long but expected Float \(binary_cross_entropy\(\) of an integer target \(int64\): convert it first, e\.g\. target\.to\(input\.dtype\)\)",
    ),
    (
        "bce_bool_target",
        lambda L: L.nn.functional.binary_cross_entropy(
            _on("bool", L).f(3).sigmoid(), _on("bool", L).u(3)
        ),
        RuntimeError,
        r"^Found dtype Bool but expected Float \(binary_cross_entropy\(\) of a bool target",
    ),
    (
        "nn.BCELoss_uint8_target",
        lambda L: L.nn.BCELoss()(_on("uint8", L).f(3).sigmoid(), _on("uint8", L).u(3)),
        RuntimeError,
        r"^Found dtype Byte but expected Float",
    ),
    (
        "bce_logits_int_target",
        lambda L: L.nn.functional.binary_cross_entropy_with_logits(
            _on("int32", L).f(2, 3), _on("int32", L).u(2, 3)
        ),
        RuntimeError,
        r"^result type Float can't be cast to the desired output type Int \(binary_cross_entropy_with_logits\(\): the target is int32; convert it first, e\.g\. target\.to\(input\.dtype\)\)",
    ),
    (
        "bce_logits_bool_target",
        lambda L: L.nn.functional.binary_cross_entropy_with_logits(
            _on("bool", L).f(3), _on("bool", L).u(3)
        ),
        RuntimeError,
        SUB_TWO
        + r".*\(binary_cross_entropy_with_logits\(\) of a bool target \(bool\): convert it first",
    ),
    (
        "nn.BCEWithLogitsLoss_int_target",
        lambda L: L.nn.BCEWithLogitsLoss()(_on("int64", L).f(3), _on("int64", L).u(3)),
        RuntimeError,
        r"desired output type Long",
    ),
    (
        "l1_loss_bool_target",
        lambda L: L.nn.functional.l1_loss(_on("bool", L).f(2, 3), _on("bool", L).u(2, 3)),
        RuntimeError,
        SUB_ONE
        + r".*\(l1_loss\(\) of a bool target \(bool\): convert it first, e\.g\. target\.to\(input\.dtype\)\)",
    ),
    (
        "gaussian_nll_int_var",
        lambda L: L.nn.functional.gaussian_nll_loss(
            _on("int64", L).f(2, 3), _on("int64", L).f(2, 3), _on("int64", L).y(2, 3)
        ),
        RuntimeError,
        r"^result type Float can't be cast to the desired output type long int \(gaussian_nll_loss\(\): var of dtype int64 is clamped in place to at least eps; give floating-point variances, e\.g\. var\.float\(\)\)",
    ),
    (
        "gaussian_nll_bool_var",
        lambda L: L.nn.functional.gaussian_nll_loss(
            _on("bool", L).f(3), _on("bool", L).f(3), _on("bool", L).y(3)
        ),
        RuntimeError,
        r"desired output type bool \(gaussian_nll_loss",
    ),
    (
        "gaussian_nll_all_uint8",
        lambda L: L.nn.functional.gaussian_nll_loss(
            _on("uint8", L).x(3), _on("uint8", L).y(3), _on("uint8", L).y(3)
        ),
        RuntimeError,
        r"desired output type unsigned char",
    ),
    (
        "hinge_int_mean",
        lambda L: L.nn.functional.hinge_embedding_loss(
            _on("int64", L).x(2, 3), _on("int64", L).s(2, 3)
        ),
        RuntimeError,
        r"^mean\(\): could not infer output dtype\. Input dtype must be either a floating point or complex dtype\. Got: Long \(hinge_embedding_loss\(\) of an int64 input with reduction='mean': convert the input first, e\.g\. input\.float\(\), or use reduction='sum'\)",
    ),
    (
        "hinge_int8_float_target",
        lambda L: L.nn.functional.hinge_embedding_loss(_on("int8", L).x(3), _on("int8", L).f(3)),
        RuntimeError,
        r"Got: Char \(hinge_embedding_loss",
    ),
    # class indices that are not int64
    (
        "multi_margin_int32_target",
        lambda L: L.nn.functional.multi_margin_loss(_on("int32", L).f(2, 3), _on("int32", L).u(2)),
        RuntimeError,
        r"^expected scalar type Long but found Int \(multi_margin_loss\(\): the target holds class indices: an int64 tensor, e\.g\. y\.long\(\)\)",
    ),
    (
        "multi_margin_uint8_target",
        lambda L: L.nn.functional.multi_margin_loss(_on("uint8", L).f(2, 3), _on("uint8", L).u(2)),
        RuntimeError,
        r"^expected scalar type Long but found Byte",
    ),
    (
        "multilabel_margin_int8_target",
        lambda L: L.nn.functional.multilabel_margin_loss(
            _on("int8", L).f(2, 3), _on("int8", L).s(2, 3)
        ),
        RuntimeError,
        r"^expected scalar type Long but found Char \(multilabel_margin_loss\(\)",
    ),
    (
        "embedding_uint8",
        lambda L: L.nn.functional.embedding(_on("uint8", L).u(2, 3), _on("uint8", L).f(4, 2)),
        TypeError,
        r"^Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch\.ByteTensor instead \(while checking arguments for embedding\) \(embedding\(\): convert the indices first, e\.g\. input\.long\(\)\)",
    ),
    (
        "embedding_int8",
        lambda L: L.nn.functional.embedding(_on("int8", L).u(3), _on("int8", L).f(4, 2)),
        TypeError,
        r"but got torch\.CharTensor instead",
    ),
    (
        "nn.Embedding_uint8",
        lambda L: L.nn.Embedding(4, 2)(_on("uint8", L).u(3)),
        TypeError,
        r"torch\.ByteTensor",
    ),
    (
        "one_hot_int32",
        lambda L: L.nn.functional.one_hot(_on("int32", L).u(3), 3),
        TypeError,
        r"^one_hot is only applicable to index tensor of type LongTensor\. \(one_hot\(\): got dtype int32; convert it first, e\.g\. tensor\.long\(\)\)",
    ),
    (
        "one_hot_uint8",
        lambda L: L.nn.functional.one_hot(_on("uint8", L).u(3)),
        TypeError,
        r"^one_hot is only applicable to index tensor of type LongTensor\.",
    ),
    # kernels PyTorch has only for floats (or not for bool)
    (
        "avg_pool2d_int32",
        lambda L: L.nn.functional.avg_pool2d(_on("int32", L).x(1, 1, 4, 4), 2),
        NotImplementedError,
        r"^\"avg_pool2d\" not implemented for 'Int' \(avg_pool2d\(\) of a int32 tensor: convert it first, e\.g\. x\.float\(\) or x\.long\(\)\)",
    ),
    (
        "avg_pool1d_uint8",
        lambda L: L.nn.functional.avg_pool1d(_on("uint8", L).x(1, 2, 4), 2),
        NotImplementedError,
        r"^\"avg_pool2d\" not implemented for 'Byte' \(avg_pool1d\(\)",
    ),
    (
        "avg_pool2d_bool",
        lambda L: L.nn.functional.avg_pool2d(_on("bool", L).x(1, 1, 4, 4), 2),
        NotImplementedError,
        r"^\"avg_pool2d\" not implemented for 'Bool'",
    ),
    (
        "avg_pool3d_int32",
        lambda L: L.nn.functional.avg_pool3d(_on("int32", L).x(1, 1, 2, 2, 2), 2),
        NotImplementedError,
        r"^\"avg_pool3d_out_frame\" not implemented for 'Int' \(avg_pool3d\(\) of a int32 tensor: convert it first, e\.g\. x\.float\(\) or x\.long\(\)\)",
    ),
    (
        "avg_pool3d_float16",
        lambda L: L.nn.functional.avg_pool3d(_on("float16", L).x(1, 1, 2, 2, 2), 2),
        NotImplementedError,
        r"^\"avg_pool3d_out_frame\" not implemented for 'Half' \(avg_pool3d\(\)",
    ),
    (
        "max_pool3d_bool",
        lambda L: L.nn.functional.max_pool3d(_on("bool", L).x(1, 2, 2, 2), 2),
        NotImplementedError,
        r"^\"max_pool3d\" not implemented for 'Bool' \(max_pool3d\(\) of a bool tensor",
    ),
    (
        "adaptive_avg_pool3d_int64",
        lambda L: L.nn.functional.adaptive_avg_pool3d(_on("int64", L).x(1, 2, 2, 2), 2),
        NotImplementedError,
        r"^\"adaptive_avg_pool3d_cpu\" not implemented for 'Long' \(adaptive_avg_pool3d\(\)",
    ),
    (
        "adaptive_avg_pool3d_int64_to_one",
        lambda L: L.nn.functional.adaptive_avg_pool3d(_on("int64", L).x(1, 2, 2, 2), 1),
        RuntimeError,
        r"^mean\(\): could not infer output dtype\. .* Got: Long \(adaptive_avg_pool3d\(\)",
    ),
    (
        "adaptive_max_pool3d_uint8",
        lambda L: L.nn.functional.adaptive_max_pool3d(_on("uint8", L).x(1, 2, 2, 2), 1),
        NotImplementedError,
        r"^\"adaptive_max_pool3d_cpu\" not implemented for 'Byte' \(adaptive_max_pool3d\(\)",
    ),
    (
        "max_unpool3d_int64",
        lambda L: L.nn.functional.max_unpool3d(
            _on("int64", L).x(1, 1, 1, 1, 2), _on("int64", L).long([[[[[1, 6]]]]]), 2
        ),
        NotImplementedError,
        r"^\"max_unpool3d\" not implemented for 'Long' \(max_unpool3d\(\) of a int64 tensor",
    ),
    (
        "conv3d_bool_1x1x1",
        lambda L: L.nn.functional.conv3d(
            _on("bool", L).x(1, 1, 2, 2, 2), _on("bool", L).x(1, 1, 1, 1, 1)
        ),
        NotImplementedError,
        r"^\"slow_conv3d_cpu\" not implemented for 'Bool' \(conv3d\(\): convert the input first",
    ),
    (
        "conv2d_int32_dilated",
        lambda L: L.nn.functional.conv2d(
            _on("int32", L).x(1, 1, 3, 3), _on("int32", L).x(1, 1, 2, 2), dilation=2
        ),
        NotImplementedError,
        r"^\"slow_conv_dilated<>\" not implemented for 'Int' \(conv2d\(\): convert the input first",
    ),
    (
        "conv3d_bool",
        lambda L: L.nn.functional.conv3d(
            _on("bool", L).x(1, 1, 2, 2, 2), _on("bool", L).x(1, 1, 1, 1, 2)
        ),
        NotImplementedError,
        r"^\"compute_columns3d\" not implemented for 'Bool' \(conv3d\(\): convert the input first",
    ),
    (
        "conv_transpose3d_int32",
        lambda L: L.nn.functional.conv_transpose3d(
            _on("int32", L).x(1, 1, 2, 2, 2), _on("int32", L).x(1, 1, 1, 1, 1)
        ),
        NotImplementedError,
        r"^\"slow_conv_transpose3d_out_cpu\" not implemented for 'Int' \(conv_transpose3d\(\)",
    ),
    (
        "max_unpool1d_int64",
        lambda L: L.nn.functional.max_unpool1d(
            _on("int64", L).x(1, 1, 2), _on("int64", L).long([[[1, 2]]]), 2
        ),
        NotImplementedError,
        r"^\"max_unpool2d\" not implemented for 'Long' \(max_unpool1d\(\) of a int64 tensor: convert it first, e\.g\. x\.float\(\)\)",
    ),
    (
        "max_unpool2d_bool",
        lambda L: L.nn.functional.max_unpool2d(
            _on("bool", L).x(1, 1, 1, 2), _on("bool", L).long([[[[1, 6]]]]), 2
        ),
        NotImplementedError,
        r"^\"max_unpool2d\" not implemented for 'Bool' \(max_unpool2d\(\)",
    ),
    (
        "pad_reflect_bool",
        lambda L: L.nn.functional.pad(_on("bool", L).x(1, 2, 4), (1, 1), mode="reflect"),
        NotImplementedError,
        r"^\"reflection_pad1d\" not implemented for 'Bool' \(pad\(\) of a bool tensor: convert it first, e\.g\. F\.pad\(x\.int\(\), pad, 'reflect'\)\)",
    ),
    (
        "pad_replicate_2d_bool",
        lambda L: L.nn.functional.pad(_on("bool", L).x(1, 1, 3, 3), (1, 1, 1, 1), mode="replicate"),
        NotImplementedError,
        r"^\"replication_pad2d\" not implemented for 'Bool'",
    ),
    (
        "linear_bool",
        lambda L: L.nn.functional.linear(
            _on("bool", L).x(2, 3), _on("bool", L).y(4, 3), _on("bool", L).y(4)
        ),
        NotImplementedError,
        r"^\"addmm_impl_cpu_\" not implemented for 'Bool' \(linear\(\) of a bool tensor: convert them first, e\.g\. x\.float\(\)\)",
    ),
    (
        "linear_bool_no_bias",
        lambda L: L.nn.functional.linear(_on("bool", L).x(2, 3), _on("bool", L).y(4, 3)),
        NotImplementedError,
        r"^\"addmm_impl_cpu_\" not implemented for 'Bool'",
    ),
]


@pytest.mark.parametrize("name, make, error, words", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_naming_the_op_and_the_fix(
    name: str, make: Make, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        make(mg)


@pytest.mark.parametrize("name, make, error, words", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_in_torchs_words(name: str, make: Make, error: type[Exception], words: str) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:  # (PyTorch's type may differ)
        make(torch)
    with pytest.raises(error) as ours:
        make(mg)
    assert str(ours.value).startswith(str(theirs.value)), (str(theirs.value), str(ours.value))


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32", "int64"])
def test_hinge_embedding_loss_of_integers_computes_in_their_dtype(dtype: str) -> None:
    """PyTorch's kernel works in the input's dtype: the margin truncated (2.5 is 2), wrapping
    around in uint8; the sum in int64."""
    x = np.array([-2, -1, 0, 1, 2, 3]).astype(dtype)
    y = np.array([-1, -1, -1, 1, 1, -1])
    with np.errstate(over="ignore"):
        m = np.asarray(2).astype(dtype)
        want = np.where(y != 1, np.maximum(m - x, np.zeros((), dtype)), 0) + np.where(y != -1, x, 0)
    want = want.astype(dtype)
    got = MF.hinge_embedding_loss(mg.tensor(x), mg.tensor(y), margin=2.5, reduction="none")
    assert got.dtype == getattr(mg, dtype) and got.tolist() == want.tolist()
    total = MF.hinge_embedding_loss(mg.tensor(x), mg.tensor(y), margin=2.5, reduction="sum")
    assert total.dtype == mg.int64 and total.item() == int(want.astype(np.int64).sum())


def test_hinge_embedding_loss_of_uint8_wraps_around() -> None:
    got = MF.hinge_embedding_loss(
        mg.tensor(np.array([3], np.uint8)), mg.tensor([-1]), reduction="none"
    )
    assert got.tolist() == [254]  # (1 - 3 in uint8, as PyTorch)


def test_where_reads_a_uint8_condition_as_a_mask_with_torchs_warning() -> None:
    cond = mg.tensor(np.array([0, 1, 2], np.uint8))
    with pytest.warns(
        UserWarning,
        match=r"^where received a uint8 condition tensor\. This behavior is deprecated.*cond\.bool\(\)",
    ):
        got = mg.where(cond, mg.ones(3), mg.zeros(3))
    assert got.tolist() == [0.0, 1.0, 1.0]
    with pytest.raises(RuntimeError, match=r"boolean tensor, but got a tensor with dtype Char"):
        mg.where(mg.tensor(np.array([0, 1], np.int8)), mg.ones(2), mg.zeros(2))


@pytest.mark.parametrize(
    ("lo", "hi", "want"), [(-0.5, 2.5, [0, 2, 2]), (1.5, 2.5, [1, 2, 2]), (0, 6, [0, 6, 3])]
)
def test_hardtanh_of_uint8_truncates_its_bounds(lo: float, hi: float, want: list[int]) -> None:
    """-0.5 is 0 once truncated: PyTorch answers it, and keeps uint8."""
    got = MF.hardtanh(mg.tensor(np.array([0, 7, 3], np.uint8)), lo, hi)
    assert got.dtype == mg.uint8 and got.tolist() == want


def test_avg_pool_of_int64_truncates_each_mean_toward_zero() -> None:
    x = np.array([[[-7, 5, 3, -2, 9, 11, -13]]])
    got = MF.avg_pool1d(mg.tensor(x), 2)
    assert got.dtype == mg.int64 and got.tolist() == [[[-1, 0, 10]]]  # -1.5, 0.5, 10
    got = MF.avg_pool1d(mg.tensor(x), 3, padding=1, count_include_pad=False)
    assert got.tolist() == [[[-1, 3, -1]]]  # -2/2, 10/3, -4/3
    x2 = np.arange(-8, 17).reshape(1, 1, 5, 5) * 3
    got = MF.avg_pool2d(mg.tensor(x2), 3, padding=1, divisor_override=4)
    # the first window holds 3 * (-8, -7, -3, -2) and three zeros of padding: -60 / 4
    assert got.dtype == mg.int64 and got.tolist() == [[[[-15, -11], [33, 67]]]]


@pytest.mark.parametrize(
    "kw",
    [
        {"kernel_size": 2},
        {"kernel_size": 3, "ceil_mode": True},
        {"kernel_size": 3, "padding": 1},
        {"kernel_size": 3, "padding": 1, "count_include_pad": False},
        {
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "ceil_mode": True,
            "count_include_pad": False,
        },
        {"kernel_size": (2, 3), "stride": 1, "divisor_override": 4},
    ],
    ids=str,
)
def test_integer_pools_match_torch(kw: dict[str, Any]) -> None:
    """int64 average pools (every option that changes the divisor) and max pools of each
    integer dtype (padding with the dtype's minimum), with indices, as PyTorch."""
    torch = pytest.importorskip("torch")
    a = (np.arange(2 * 3 * 6 * 7) * 37 % 101 - 50).reshape(2, 3, 6, 7)
    pairs = [(a, "avg_pool2d", kw), (a[:, :, 0], "avg_pool1d", kw)]
    if "divisor_override" not in kw and "count_include_pad" not in kw:
        for dtype in ["uint8", "int8", "int32", "int64"]:
            b = np.abs(a).astype(dtype) if dtype == "uint8" else a.astype(dtype)
            pairs.append((b, "max_pool2d", {**kw, "return_indices": True}))
    for arr, name, args in pairs:
        if name == "avg_pool1d":
            args = {k: v for k, v in args.items() if k != "divisor_override"}
            if isinstance(args.get("kernel_size"), tuple):
                continue
        theirs = _flat(getattr(torch.nn.functional, name)(torch.from_numpy(arr.copy()), **args))
        ours = _flat(getattr(MF, name)(mg.tensor(arr), **args))
        assert _difference(theirs, ours) == "", (name, arr.dtype, args)


LOSS_DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float32", "float64"]


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss"])
@pytest.mark.parametrize("input_dtype", LOSS_DTYPES[:5])
def test_regression_losses_of_an_integer_input_as_torch(name: str, input_dtype: str) -> None:
    """Against every target dtype and reduction: PyTorch computes in the promoted dtype, so a
    float target gives a float loss; mse_loss and smooth_l1_loss refuse an integer promoted
    dtype in their kernels' words, l1_loss answers it (no mean) and refuses bool subtraction."""
    torch = pytest.importorskip("torch")
    values = {"bool": [1, 0, 1, 1], "uint8": [3, 0, 2, 7]}
    wrong = []
    for target_dtype in LOSS_DTYPES:
        for reduction in ["mean", "sum", "none"]:
            out = []
            for L in (torch, mg):
                a = np.array(values.get(input_dtype, [-2, 0, 3, 5])).astype(input_dtype)
                b = np.array(values.get(target_dtype, [1, -3, 2.5, 5])).astype(target_dtype)
                make = (lambda v: torch.from_numpy(v)) if L is torch else mg.tensor
                F = torch.nn.functional if L is torch else MF
                try:
                    out.append((True, getattr(F, name)(make(a), make(b), reduction=reduction)))
                except Exception as e:  # (compared below)
                    out.append((False, e))
            (tok, theirs), (mok, ours) = out
            case = f"{target_dtype} target, {reduction}"
            if tok != mok:
                wrong.append(f"{case}: torch {theirs!r}, minigrad {ours!r}")
            elif tok and _difference(theirs, ours):
                wrong.append(f"{case}: {_difference(theirs, ours)}")
            elif not tok and (
                type(theirs) is not type(ours) or not str(ours).startswith(str(theirs))
            ):
                wrong.append(f"{case}: torch {theirs!r}, minigrad {ours!r}")
    assert not wrong, "\n".join(wrong)


def test_an_integer_input_lets_the_gradient_reach_a_float_target() -> None:
    x = mg.tensor([1, 2, 4])
    t = mg.tensor([0.5, 2.0, 5.0], dtype=mg.float64, requires_grad=True)
    MF.mse_loss(x, t).backward()
    assert t.grad is not None and t.grad.tolist() == pytest.approx([-1 / 3, 0.0, 2 / 3])


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("ndim", [3, 4])
def test_local_response_norm_of_integers_as_torch(ndim: int, dtype: str) -> None:
    """int64: PyTorch's composition (squares averaged by its int64 pool, truncated; then
    float32); the other integer dtypes and bool: refused by that pool, in its words."""
    torch = pytest.importorskip("torch")
    a = (np.arange(2 * 5 * 3 * 2) * 7 % 23 - 11).reshape(2, 5, 3, 2)[(...,) + (0,) * (4 - ndim)]
    a = np.abs(a).astype(dtype) if dtype == "uint8" else a.astype(dtype)
    kw = {"alpha": 0.5, "beta": 0.75, "k": 1.0}
    try:
        theirs = torch.nn.functional.local_response_norm(torch.from_numpy(a.copy()), 3, **kw)
    except NotImplementedError as e:
        with pytest.raises(NotImplementedError) as ours:
            MF.local_response_norm(mg.tensor(a), 3, **kw)
        assert str(ours.value).startswith(str(e)), (str(e), str(ours.value))
        return
    assert _difference(theirs, MF.local_response_norm(mg.tensor(a), 3, **kw)) == ""


@pytest.mark.parametrize(
    "kw",
    [
        {"size": (8, 4)},
        {"scale_factor": (1.7, 0.6)},
        {"size": (9, 11), "mode": "nearest-exact"},
        {"scale_factor": 2.5, "mode": "nearest-exact"},
    ],
    ids=str,
)
def test_nearest_interpolate_of_uint8_images_as_torch(kw: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    a = (np.arange(2 * 3 * 5 * 7) * 13 % 256).astype(np.uint8).reshape(2, 3, 5, 7)
    theirs = torch.nn.functional.interpolate(torch.from_numpy(a.copy()), **kw)
    assert _difference(theirs, MF.interpolate(mg.tensor(a), **kw)) == ""


def _run(L: Any, F: Any, call: Call, dtype: str) -> tuple[bool, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return True, call(L, F, X(L, dtype))
        except Exception as e:  # (any refusal counts: the test compares them)
            return False, e


def _flat(r: Any) -> list[Any]:
    if isinstance(r, tuple | list):
        return [e for part in r for e in _flat(part)]
    return [r]


def _dtype(v: Any) -> str:
    return str(v.dtype).split(".")[-1] if hasattr(v, "dtype") else type(v).__name__


def _array(v: Any) -> np.ndarray:
    return np.asarray(v.detach().numpy() if hasattr(v, "detach") else v)


def _difference(theirs: Any, ours: Any) -> str:
    """How minigrad's answer differs from PyTorch's (dtype, shape or values), or ""."""
    ts, ms = _flat(theirs), _flat(ours)
    if len(ts) != len(ms):
        return f"{len(ts)} results in PyTorch, {len(ms)} in minigrad"
    for a, b in zip(ts, ms):
        if _dtype(a) != _dtype(b):
            return f"dtype {_dtype(a)} in PyTorch, {_dtype(b)} in minigrad"
        x, y = _array(a), _array(b)
        if x.shape != y.shape:
            return f"shape {x.shape} in PyTorch, {y.shape} in minigrad"
        same = (
            np.allclose(x, y, rtol=1e-4, atol=1e-5, equal_nan=True)
            if x.dtype.kind in "fc"
            else np.array_equal(x, y)
        )
        if not same:
            return f"values {x.ravel()[:6]} in PyTorch, {y.ravel()[:6]} in minigrad"
    return ""


@pytest.mark.parametrize("label, call", CALLS, ids=[label for label, _ in CALLS])
def test_same_answer_or_refusal_as_torch(label: str, call: Call) -> None:
    torch = pytest.importorskip("torch")
    wrong = []
    for dtype in DTYPES:
        tok, theirs = _run(torch, torch.nn.functional, call, dtype)
        mok, ours = _run(mg, MF, call, dtype)
        if tok and mok:
            found = _difference(theirs, ours)
        elif tok != mok:
            who, err = ("minigrad", ours) if tok else ("PyTorch", theirs)
            found = f"only {who} raises: {type(err).__name__}: {err}"
        else:
            found = ""
        known = dtype in KNOWN.get(label, ((), ""))[0]
        if known and not (tok and not mok):
            wrong.append(f"{dtype}: listed in KNOWN, but no longer differs ({found or 'same'})")
        elif found and not known:
            wrong.append(f"{dtype}: {found}")
    assert not wrong, f"{label}:\n" + "\n".join(wrong)


def test_the_known_differences_are_calls_of_the_table() -> None:
    labels = {label for label, _ in CALLS}
    assert set(KNOWN) <= labels


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_integer_convolution_wraps_around_as_torchs(dtype: str) -> None:
    """Integer convolutions compute in the input's dtype, bias included, overflowing as the dtype
    does (sums far past int8's range here), with PyTorch's values, strides and groups."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 100, (2, 4, 5, 6)).astype(dtype)
    w = rng.integers(0, 100, (6, 2, 3, 2)).astype(dtype)
    b = rng.integers(0, 100, 6).astype(dtype)
    kw = {"stride": (2, 1), "padding": 1, "groups": 2}
    got = mg.nn.functional.conv2d(mg.from_numpy(x), mg.from_numpy(w), mg.from_numpy(b), **kw)
    want = torch.nn.functional.conv2d(
        torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), **kw
    )
    assert str(got.dtype) == str(want.dtype).replace("torch", "minigrad")
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_fold_of_masks_is_an_or_of_the_overlaps_as_torchs() -> None:
    """unfold of a bool mask copies its windows; fold puts them back, a cell that several
    windows cover being True if any is (PyTorch's sum of bools), over paddings, strides and
    dilations; a round trip through both gives the mask where some window covers it."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    for trial in range(12):
        x = rng.random((2, 3, 5, 6)) < 0.4
        kw = {"kernel_size": (2, 3) if trial % 2 else 2, "padding": trial % 3}
        kw |= {"stride": 1 + trial % 2, "dilation": 1 + (trial % 4 == 3)}
        cols = mg.nn.functional.unfold(mg.from_numpy(x), **kw)
        want = torch.nn.functional.unfold(torch.from_numpy(x), **kw)
        assert cols.dtype == mg.bool
        np.testing.assert_array_equal(cols.numpy(), want.numpy())
        back = mg.nn.functional.fold(cols, (5, 6), **kw)
        assert back.dtype == mg.bool
        np.testing.assert_array_equal(back.numpy(), torch.nn.functional.fold(want, (5, 6), **kw))
