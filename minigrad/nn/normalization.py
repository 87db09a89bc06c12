"""Normalisation layers: ``BatchNorm1d/2d/3d``, ``SyncBatchNorm``, ``LayerNorm``, ``GroupNorm``,
``RMSNorm``, ``InstanceNorm1d/2d/3d``, ``LocalResponseNorm`` and ``CrossMapLRN2d`` (as
``torch.nn``).

The arithmetic lives in ``nn.functional`` (``batch_norm``, ``layer_norm``, ``group_norm``,
``rms_norm``),
composed of Tensor ops; the modules hold the affine parameters and, for batch norm, the running
statistics as buffers (``running_mean``, ``running_var``, ``num_batches_tracked``), named as
PyTorch names them so state dicts move between the two.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..device import as_device
from ..dtypes import default_float
from ..tensor import Tensor, _new_tensor, as_tensor
from ..validation import new_shape
from . import functional as F
from . import init
from .module import Module, Parameter, _param

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "CrossMapLRN2d",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "LayerNorm",
    "LocalResponseNorm",
    "RMSNorm",
    "SyncBatchNorm",
]


def _affine(module: Module, shape: tuple[int, ...], affine: bool, bias: bool, dtype: Any) -> Any:
    """Register the scale (ones) and shift (zeros) of ``shape``, None for each that is off;
    return the dtype."""
    dt = np.dtype(default_float() if dtype is None else dtype)
    new_shape(shape, f"{module._get_name()}'s weight")
    module.register_parameter("weight", Parameter(np.ones(shape, dtype=dt)) if affine else None)
    module.register_parameter(
        "bias", Parameter(np.zeros(shape, dtype=dt)) if affine and bias else None
    )
    return dt


class _NormBase(Module):
    """What batch and instance norm share, as PyTorch's ``_NormBase``: ``num_features``, the
    optional affine weight and bias, and the optional running statistics (buffers
    ``running_mean``, ``running_var``, ``num_batches_tracked``)."""

    weight: Parameter | None
    bias: Parameter | None
    running_mean: Tensor | None
    running_var: Tensor | None
    num_batches_tracked: Tensor | None

    def __init__(
        self,
        num_features: int,
        eps: float,
        momentum: float | None,
        affine: bool,
        track_running_stats: bool,
        dtype: Any,
        bias: bool,
    ) -> None:
        super().__init__()
        new_shape((num_features,), f"{self._get_name()}: num_features")
        if num_features == 0:
            raise ValueError(
                f"{self._get_name()}: num_features must be positive, got {num_features}"
            )
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dt = _affine(self, (num_features,), affine, bias, dtype)
        if track_running_stats:
            self.register_buffer(
                "running_mean", _new_tensor(np.zeros(num_features, dtype=dt), None)
            )
            self.register_buffer("running_var", _new_tensor(np.ones(num_features, dtype=dt), None))
            self.register_buffer(
                "num_batches_tracked", _new_tensor(np.array(0, dtype=np.int64), None)
            )
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batch tracked."""
        if self.track_running_stats:
            self._buffers["running_mean"]._data[...] = 0  # type: ignore[union-attr]
            self._buffers["running_var"]._data[...] = 1  # type: ignore[union-attr]
            self._buffers["num_batches_tracked"]._data[...] = 0  # type: ignore[union-attr]

    def reset_parameters(self) -> None:
        """Running statistics reset; weight 1, bias 0."""
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class _BatchNorm(_NormBase):
    """Shared by BatchNorm1d/2d/3d: they differ only in the input ranks accepted."""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype, bias)
        as_device(device)  # only the CPU, as everywhere: a clear error otherwise

    _ranks: tuple[int, ...] = ()  # the input ranks accepted, and how they read
    _layout = ""

    def _check_input_dim(self, x: Tensor) -> None:
        if x.ndim not in self._ranks:
            wanted = " or ".join(f"{n}D" for n in self._ranks)
            raise ValueError(
                f"expected {wanted} input (got {x.ndim}D input) ({self._get_name()}: input of "
                f"shape {tuple(x.shape)}; {self._layout})"
            )

    def forward(self, input: Tensor) -> Tensor:
        x = as_tensor(input)
        self._check_input_dim(x)
        if x.shape[1] != self.num_features:
            raise RuntimeError(
                f"running_mean should contain {x.shape[1]} elements not {self.num_features} "
                f"({self._get_name()}({self.num_features}): input of shape {tuple(x.shape)} has "
                f"{x.shape[1]} channels on dim 1, the layer {self.num_features})"
            )
        buffers = self._buffers
        running_mean, running_var = buffers["running_mean"], buffers["running_var"]
        # Batch statistics when training, or when there are no running ones to use.
        use_batch = self.training or running_mean is None
        if use_batch and x.numel() // x.shape[1] <= 1:
            # Checked here too: num_batches_tracked must not move on a rejected batch.
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {x.shape}"
            )
        factor = 0.0 if self.momentum is None else self.momentum
        tracked = buffers["num_batches_tracked"]
        if self.training and self.track_running_stats and tracked is not None:
            tracked._data += 1
            # momentum=None: a cumulative moving average (the mean of every batch so far).
            factor = 1.0 / float(tracked._data) if self.momentum is None else self.momentum
        update = not self.training or self.track_running_stats
        return F.batch_norm(
            x,
            running_mean if update else None,
            running_var if update else None,
            _param(self, "weight"),
            _param(self, "bias"),
            use_batch,
            factor,
            self.eps,
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) input over the batch (and length).

    y = (x - mean) / sqrt(var + eps) * weight + bias per channel. In training mode the batch's
    mean and biased variance are used, and the running statistics move towards the batch's
    (``momentum``; None gives the cumulative average); in eval mode the running ones are used.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance.
        momentum: the running statistics' update factor, or None for a cumulative average.
        affine: learn ``weight`` and ``bias``.
        track_running_stats: keep ``running_mean``, ``running_var``, ``num_batches_tracked``
            (buffers, in the state dict); without them batch statistics are used in eval too.
        dtype: parameter and buffer dtype (by default ``get_default_dtype()``).
        bias: learn ``bias`` (keyword only, with ``affine``).
    """

    _ranks, _layout = (2, 3), "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) input over batch, height and width.

    Same arguments and behaviour as ``BatchNorm1d``.
    """

    _ranks, _layout = (4,), "(N, C, H, W)"


class BatchNorm3d(_BatchNorm):
    """Batch normalisation of (N, C, D, H, W) input over batch, depth, height and width, as
    ``torch.nn.BatchNorm3d``. Same arguments and behaviour as ``BatchNorm1d``.
    """

    _ranks, _layout = (5,), "(N, C, D, H, W)"


class SyncBatchNorm(_BatchNorm):
    """Batch normalisation of (N, C, *) input of any rank >= 2, as ``torch.nn.SyncBatchNorm``
    in one process: there PyTorch's falls back to plain batch norm (it synchronises the
    statistics only across the processes of an initialised ``torch.distributed`` group, which
    minigrad, training in one process, never has). Arguments as ``BatchNorm1d``'s;
    ``process_group`` is kept and unused.

    ``SyncBatchNorm.convert_sync_batchnorm(model)`` replaces every BatchNorm layer of
    ``model`` by a SyncBatchNorm sharing its parameters and running statistics, as PyTorch's.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        process_group: Any = None,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__(
            num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias
        )
        self.process_group = process_group

    def _check_input_dim(self, x: Tensor) -> None:
        if x.ndim < 2:
            raise ValueError(f"expected at least 2D input (got {x.ndim}D input)")

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """``module`` with each BatchNorm layer (itself included) replaced by a SyncBatchNorm
        holding the same parameters and buffers (the same objects) and training mode."""
        output = module
        if isinstance(module, _BatchNorm):
            output = SyncBatchNorm(
                module.num_features, module.eps, module.momentum, module.affine,
                module.track_running_stats, process_group, bias=module.bias is not None,
            )  # fmt: skip
            if module.affine:
                output.weight = module.weight
                output.bias = module.bias
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                output.register_buffer(name, getattr(module, name))
            output.training = module.training
        for name, child in module.named_children():
            output.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return output


class LayerNorm(Module):
    """Normalise each sample over its last dimensions ``normalized_shape``.

    y = (x - mean) / sqrt(var + eps) * weight + bias, mean and biased variance over the
    trailing ``normalized_shape``; the same in training and eval (no running statistics).

    Args:
        normalized_shape: an int or a shape: the trailing dimensions normalised over.
        eps: added to the variance.
        elementwise_affine: learn ``weight`` (ones) and ``bias`` (zeros) of that shape.
        bias: learn ``bias`` (with ``elementwise_affine``).
        dtype: parameter dtype (by default ``get_default_dtype()``).
    """

    weight: Parameter | None
    bias: Parameter | None

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        as_device(device)  # only the CPU, as everywhere: a clear error otherwise
        shape = (
            (int(normalized_shape),)
            if isinstance(normalized_shape, int | np.integer)
            else tuple(int(n) for n in normalized_shape)
        )
        self.normalized_shape = shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine(self, shape, elementwise_affine, bias, dtype)

    def reset_parameters(self) -> None:
        """Weight 1, bias 0."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(
            input, self.normalized_shape, _param(self, "weight"), _param(self, "bias"), self.eps
        )

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )


class GroupNorm(Module):
    """Normalise each sample over groups of channels, as ``torch.nn.GroupNorm``.

    The C channels of (N, C, ...) input are split into ``num_groups`` groups; each group's
    values in a sample are normalised to mean 0 and variance 1 (biased), then each channel is
    scaled and shifted. Independent of the batch size, and the same in training and eval.

    Args:
        num_groups: how many groups to split the channels into (dividing num_channels).
        num_channels: C, the channels of the input.
        eps: added to the variance.
        affine: learn a per-channel ``weight`` (ones) and ``bias`` (zeros).
        dtype: parameter dtype (by default ``get_default_dtype()``).
        bias: learn ``bias`` (keyword only, with ``affine``).

    Raises:
        ValueError: if num_channels is not divisible by num_groups.
    """

    weight: Parameter | None
    bias: Parameter | None

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        as_device(device)  # only the CPU, as everywhere: a clear error otherwise
        if num_groups <= 0 or num_channels % num_groups:
            raise ValueError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
            )
        self.num_groups, self.num_channels = num_groups, num_channels
        self.eps, self.affine = eps, affine
        _affine(self, (num_channels,), affine, bias, dtype)

    def reset_parameters(self) -> None:
        """Weight 1, bias 0."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(
            input, self.num_groups, _param(self, "weight"), _param(self, "bias"), self.eps
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """Root-mean-square normalisation over the last dimensions ``normalized_shape``, as
    ``torch.nn.RMSNorm``.

    y = x / sqrt(mean(x^2) + eps) * weight (``F.rms_norm``); no centring and no bias.

    Args:
        normalized_shape: an int or a shape: the trailing dimensions normalised over.
        eps: added to the mean square; None: the input dtype's machine epsilon.
        elementwise_affine: learn ``weight`` (ones) of that shape.
        device: only the CPU (accepted for PyTorch's signature).
        dtype: parameter dtype (by default ``get_default_dtype()``).
    """

    weight: Parameter | None

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float | None = None,
        elementwise_affine: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        as_device(device)
        shape = (
            (int(normalized_shape),)
            if isinstance(normalized_shape, int | np.integer)
            else tuple(int(n) for n in normalized_shape)
        )
        self.normalized_shape = shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dt = np.dtype(default_float() if dtype is None else dtype)
        new_shape(shape, "RMSNorm's weight")
        self.register_parameter(
            "weight", Parameter(np.ones(shape, dtype=dt)) if elementwise_affine else None
        )

    def reset_parameters(self) -> None:
        """Weight 1."""
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return F.rms_norm(x, self.normalized_shape, _param(self, "weight"), self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class _InstanceNorm(_NormBase):
    """Shared by InstanceNorm1d/2d/3d: they differ only in the input ranks accepted."""

    _nd = 1

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype, bias)
        as_device(device)  # only the CPU, as everywhere: a clear error otherwise

    def forward(self, input: Tensor) -> Tensor:
        x = as_tensor(input)
        nd = self._nd
        if x.ndim not in (nd + 1, nd + 2):
            raise ValueError(
                f"expected {nd + 1}D or {nd + 2}D input (got {x.ndim}D input) "
                f"({self._get_name()}: input of shape {tuple(x.shape)})"
            )
        feature_dim = x.ndim - (nd + 1)
        if x.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(
                    f"expected input's size at dim={feature_dim} to match num_features "
                    f"({self.num_features}), but got: {x.shape[feature_dim]}."
                )
            warnings.warn(
                f"input's size at dim={feature_dim} does not match num_features. You can "
                "silence this warning by not passing in num_features, which is not used "
                "because affine=False",
                stacklevel=2,
            )
        unbatched = x.ndim == nd + 1
        if unbatched:
            x = x.reshape(1, *x.shape)
        buffers = self._buffers
        # As PyTorch: the running statistics are used only in eval mode when tracked; they
        # move in training mode (momentum None: they do not move).
        out = F.instance_norm(
            x,
            buffers["running_mean"],
            buffers["running_var"],
            _param(self, "weight"),
            _param(self, "bias"),
            self.training or not self.track_running_stats,
            self.momentum if self.momentum is not None else 0.0,
            self.eps,
        )
        return out.reshape(out.shape[1:]) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of (N, C, L) or (C, L) input, as ``torch.nn.InstanceNorm1d``:
    each channel of each sample normalised over its own length (mean 0, biased variance 1).

    PyTorch's defaults: no affine parameters and no running statistics, so training and eval
    agree. With ``track_running_stats`` the buffers ``running_mean``, ``running_var`` and
    ``num_batches_tracked`` (kept at 0, as PyTorch's) are in the state dict, move in training
    (towards the batch's average per-instance statistics) and are used in eval.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance.
        momentum: the running statistics' update factor (None: they do not move).
        affine: learn a per-channel ``weight`` (ones) and ``bias`` (zeros).
        track_running_stats: keep running statistics, used in eval mode.
        dtype: parameter and buffer dtype (by default ``get_default_dtype()``).
    """

    _nd = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) or (C, H, W) input, as
    ``torch.nn.InstanceNorm2d`` (style transfer): see ``InstanceNorm1d``."""

    _nd = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of (N, C, D, H, W) or (C, D, H, W) input, as
    ``torch.nn.InstanceNorm3d``: see ``InstanceNorm1d``."""

    _nd = 3


class LocalResponseNorm(Module):
    """Local response normalisation across channels, as ``torch.nn.LocalResponseNorm``
    (AlexNet): b_c = a_c / (k + alpha / size * sum of a^2 over ``size`` neighbouring
    channels)^beta. See ``F.local_response_norm``.

    Args:
        size: how many neighbouring channels to sum over.
        alpha: multiplicative factor.
        beta: exponent.
        k: additive factor.
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class CrossMapLRN2d(Module):
    """Local response normalisation across the channels of (N, C, H, W) input, as
    ``torch.nn.CrossMapLRN2d`` (Lua Torch's layer): b_c = a_c / (k + alpha / size * s_c)^beta,
    s_c the sum of a^2 over channel c's window.

    Not ``LocalResponseNorm``'s window: PyTorch computes s_c as a running sum over channels
    whose window runs from c - p + 1 to c + p - 1 (p = (size - 1) // 2 + 1: ``size`` channels
    for an odd size, one fewer for an even one) and never takes channel 0 out of it, so
    channel 0's square is in every s_c. minigrad computes the same values, composed of ops
    (a 0/1 matrix of the windows), so its gradient is the derivative of that forward to any
    order. PyTorch's hand-written backward sums another window (its own gradcheck fails, except
    for one channel, or two with a window of 4 or 5), so the gradients differ from PyTorch's
    there, as docs/pytorch.md says.

    Args:
        size: the window's width in channels (at least 1).
        alpha: multiplicative factor.
        beta: exponent.
        k: additive factor.
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        x = as_tensor(input)
        if x.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {x.ndim}D instead.")
        if self.size < 1:  # (PyTorch divides by zero at 0 and sums nothing sensible below)
            raise ValueError(
                f"CrossMapLRN2d: size must be at least 1, got {self.size} (the window's width "
                "in channels)"
            )
        channels = x.shape[1]
        p = (self.size - 1) // 2 + 1
        c = np.arange(channels)
        window = np.abs(c[:, None] - c[None, :]) < p  # window[c, j]: a_j^2 is in s_c
        window[:, 0] = True
        w = _new_tensor(window.T.astype(x._data.dtype), None)
        sums = ((x * x).permute(0, 2, 3, 1) @ w).permute(0, 3, 1, 2)
        return x * (sums * (self.alpha / self.size) + self.k) ** -self.beta

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
