"""Convolution, pooling and dropout layers, as ``torch.nn``: Conv1d/2d/3d, ConvTranspose1d/2d/3d,
MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Dropout, Dropout1d, Dropout2d,
Dropout3d, AlphaDropout, FeatureAlphaDropout (the other pools: ``pooling_layers.py``).

Each layer calls one op of ``minigrad/conv.py`` (or composes ops); none has a backward of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import conv as conv_ops
from ..device import as_device
from ..random import GeneratorLike
from ..tensor import Tensor, apply, as_tensor
from ..validation import new_shape
from . import functional as F
from .layers import _reset_weight_and_bias, _weight_and_bias
from .module import Module, Parameter, _param

__all__ = [
    "AdaptiveAvgPool2d",
    "AlphaDropout",
    "AvgPool2d",
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "Dropout",
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
    "FeatureAlphaDropout",
    "MaxPool2d",
]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _check_groups(name: str, in_channels: int, out_channels: int, groups: int) -> None:
    """A conv layer's channel counts against its groups, in PyTorch's words."""
    if not isinstance(groups, int) or groups <= 0:
        raise ValueError(f"{name}: groups must be a positive integer, got {groups!r}")
    if in_channels % groups != 0:
        raise ValueError(
            f"{name}: in_channels must be divisible by groups (in_channels={in_channels}, "
            f"groups={groups})"
        )
    if out_channels % groups != 0:
        raise ValueError(
            f"{name}: out_channels must be divisible by groups (out_channels={out_channels}, "
            f"groups={groups})"
        )


def _conv_repr(self: Any) -> str:
    """A conv layer's arguments as PyTorch shows them: the defaults left out."""
    s = (
        f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
        f"stride={self.stride}"
    )
    if self.padding != (0,) * self._nd:
        s += f", padding={self.padding}"
    if self.dilation != (1,) * self._nd:
        s += f", dilation={self.dilation}"
    if self.output_padding != (0,) * self._nd:
        s += f", output_padding={self.output_padding}"
    if self.groups != 1:
        s += f", groups={self.groups}"
    if self.bias is None:
        s += ", bias=False"
    if self.padding_mode != "zeros":
        s += f", padding_mode={self.padding_mode}"
    return s


class _ConvNd(Module):
    """What Conv1d/2d/3d share: PyTorch's arguments, attributes, init and checks."""

    _nd = 2
    _fn = "conv2d"
    weight: Parameter
    bias: Parameter | None

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__()
        as_device(device)  # only the CPU, as everywhere: a clear error otherwise
        name, nd = type(self).__name__, self._nd
        _check_groups(name, in_channels, out_channels, groups)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"{name}: padding_mode must be one of {list(_PADDING_MODES)}, but got "
                f"padding_mode={padding_mode!r}"
            )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = F._tuple(kernel_size, nd, name, "kernel_size")
        self.stride = F._tuple(stride, nd, name, "stride")
        self.dilation = F._tuple(dilation, nd, name, "dilation")
        # a negative size first, as PyTorch meets it: making the weight
        new_shape((out_channels, in_channels // groups, *self.kernel_size), f"{name}'s weight")
        if any(k <= 0 for k in self.kernel_size) or any(s <= 0 for s in self.stride):
            raise ValueError(
                f"{name}: kernel_size={kernel_size!r} and stride={stride!r} must be positive"
            )
        if any(d <= 0 for d in self.dilation):
            raise ValueError(f"{name}: dilation should be greater than zero, got {dilation!r}")
        self.padding: tuple[int, ...] | str
        if isinstance(padding, str):
            self.padding = padding
        else:
            self.padding = F._tuple(padding, nd, name, "padding")
        # Checks "same"/"valid", strides with "same" and negative padding, in PyTorch's words.
        self._pads = F._conv_padding(
            self.padding, self.kernel_size, self.stride, self.dilation, name
        )
        self.groups, self.padding_mode = groups, padding_mode
        self.output_padding, self.transposed = (0,) * nd, False
        shape = (out_channels, in_channels // groups, *self.kernel_size)
        _weight_and_bias(self, shape, bias, dtype)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: GeneratorLike = None) -> None:
        """PyTorch's default: kaiming_uniform_(a=sqrt(5)) weights, U(+-1/sqrt(fan_in)) bias."""
        _reset_weight_and_bias(self.weight, self.bias, generator)

    def forward(self, input: Tensor) -> Tensor:
        x = as_tensor(input)
        weight: Any = _param(self, "weight")  # (a Parameter, or weight_norm's tensor)
        bias = _param(self, "bias")
        nd = self._nd
        pads = self._pads
        if self.padding_mode != "zeros":
            flat = [p for pair in reversed(pads) for p in pair]  # last axis first, as F.pad
            x = F.pad(x, flat, mode=self.padding_mode)
            pads = ((0, 0),) * nd
        shape = x._data.shape
        fast = (
            len(shape) == nd + 2
            and shape[1] == self.in_channels
            and x._data.dtype is weight._data.dtype  # (else F._conv refuses it)
            and all(
                n + a + b >= d * (k - 1) + 1
                for n, (a, b), k, d in zip(shape[2:], pads, self.kernel_size, self.dilation)
            )
        )
        if not fast:  # unbatched input, or an error to report with the layer's name
            try:
                return F._conv(
                    self._fn, nd, x, weight, bias, self.stride, self.padding
                    if self.padding_mode == "zeros" else 0, self.dilation, self.groups,
                )  # fmt: skip
            except (RuntimeError, ValueError, TypeError) as e:
                raise type(e)(f"{e} (in {self._get_name()}({self.extra_repr()}))") from None
        params_ = conv_ops.ConvParams(
            self.kernel_size, self.stride, pads, self.dilation, self.groups
        )
        if bias is None:
            return apply(conv_ops.Conv(params_), x, weight)
        return apply(conv_ops.Conv(params_), x, weight, bias)

    def extra_repr(self) -> str:
        return _conv_repr(self)


class Conv1d(_ConvNd):
    """1-D convolution over (N, C_in, L) (or (C_in, L)) input; weight (C_out, C_in/groups, k).

    Arguments, defaults, initialisation and ``state_dict`` keys as ``torch.nn.Conv1d``; see
    ``Conv2d`` for them.
    """

    _nd = 1
    _fn = "conv1d"


class Conv2d(_ConvNd):
    """2-D convolution over (N, C_in, H, W) (or (C_in, H, W)) input, as ``torch.nn.Conv2d``.

    The weight has shape (out_channels, in_channels / groups, kH, kW) and the bias
    (out_channels,), initialised as PyTorch does (kaiming_uniform_ with a=sqrt(5), bias
    U(-1/sqrt(fan_in), 1/sqrt(fan_in))), so a ``state_dict`` moves to PyTorch and back.

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output (number of filters).
        kernel_size: an int or a (kH, kW) pair.
        stride: step of the window (an int or a pair).
        padding: an int, a pair, "valid" or "same" (stride 1 only).
        dilation: spacing between kernel elements.
        groups: split the channels into this many independent groups (dividing both counts).
        bias: whether to add a learned bias.
        padding_mode: "zeros", "reflect", "replicate" or "circular".
        dtype: parameter dtype (by default ``get_default_dtype()``).
        generator: a NumPy generator or int seed for the initialisation.
    """

    _nd = 2
    _fn = "conv2d"


class Conv3d(_ConvNd):
    """3-D convolution over (N, C_in, D, H, W) (or (C_in, D, H, W)) input, as
    ``torch.nn.Conv3d``; weight (C_out, C_in/groups, kD, kH, kW). Arguments (each an int or a
    triple), defaults, initialisation and ``state_dict`` keys as ``Conv2d``'s."""

    _nd = 3
    _fn = "conv3d"


class _ConvTransposeNd(Module):
    """What ConvTranspose1d/2d/3d share: PyTorch's arguments, attributes, init and checks.
    The weight is (in_channels, out_channels / groups, *kernel_size)."""

    _nd = 2
    _fn = staticmethod(F.conv_transpose2d)
    weight: Parameter
    bias: Parameter | None

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
        generator: GeneratorLike = None,
    ) -> None:
        super().__init__()
        as_device(device)  # only the CPU, as everywhere: a clear error otherwise
        name, nd = type(self).__name__, self._nd
        _check_groups(name, in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise ValueError(
                f'Only "zeros" padding mode is supported for {name} (got padding_mode='
                f"{padding_mode!r}; pad the input with F.pad first for another mode)"
            )
        if isinstance(padding, str):
            raise ValueError(
                f"{name}: padding must be an int or a tuple of {nd} ints, got {padding!r} "
                "('same' and 'valid' are for Conv layers)"
            )
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = F._tuple(kernel_size, nd, name, "kernel_size")
        self.stride = F._tuple(stride, nd, name, "stride")
        self.padding: tuple[int, ...] = F._tuple(padding, nd, name, "padding")
        self.dilation = F._tuple(dilation, nd, name, "dilation")
        self.output_padding = F._tuple(output_padding, nd, name, "output_padding")
        new_shape((in_channels, out_channels // groups, *self.kernel_size), f"{name}'s weight")
        if any(k <= 0 for k in self.kernel_size) or any(s <= 0 for s in self.stride):
            raise ValueError(
                f"{name}: kernel_size={kernel_size!r} and stride={stride!r} must be positive"
            )
        if any(d <= 0 for d in self.dilation):
            raise ValueError(f"{name}: dilation should be greater than zero, got {dilation!r}")
        if any(p < 0 for p in (*self.padding, *self.output_padding)):
            raise ValueError(
                f"{name}: negative padding is not supported, got padding={padding!r} and "
                f"output_padding={output_padding!r}"
            )
        if any(
            o >= s and o >= d for o, s, d in zip(self.output_padding, self.stride, self.dilation)
        ):
            raise ValueError(
                f"{name}: output padding must be smaller than either stride or dilation, but got "
                f"output_padding={self.output_padding}, stride={self.stride}, "
                f"dilation={self.dilation}"
            )
        self.groups, self.padding_mode, self.transposed = groups, padding_mode, True
        shape = (in_channels, out_channels // groups, *self.kernel_size)
        _weight_and_bias(self, shape, False, dtype)
        if bias:  # (out_channels of them: not the weight's first dimension, as in Conv)
            self.bias = Parameter(np.empty(out_channels, dtype=self.weight.dtype))
        self.reset_parameters(generator)

    def reset_parameters(self, generator: GeneratorLike = None) -> None:
        """PyTorch's default: kaiming_uniform_(a=sqrt(5)) weights and U(+-1/sqrt(fan_in))
        bias, fan_in = out_channels / groups * prod(kernel_size) (the weight's dim 1 on)."""
        _reset_weight_and_bias(self.weight, self.bias, generator)

    def _output_padding(self, x: Tensor, output_size: Any) -> tuple[int, ...]:
        """``output_padding``, or the one that gives ``output_size`` (PyTorch's checks)."""
        if output_size is None:
            return self.output_padding
        nd = self._nd
        lead = 2 if x.ndim == nd + 2 else 1
        size = [int(n) for n in output_size]
        if len(size) == lead + nd:
            size = size[lead:]
        if len(size) != nd:
            raise ValueError(
                f"ConvTranspose{nd}D: for {x.ndim}D input, output_size must have {nd} or "
                f"{lead + nd} elements (got {len(size)})"
            )
        low = [
            (n - 1) * s - 2 * p + d * (k - 1) + 1
            for n, s, p, d, k in zip(
                x.shape[lead:], self.stride, self.padding, self.dilation, self.kernel_size
            )
        ]
        high = [m + s - 1 for m, s in zip(low, self.stride)]
        if any(not lo <= n <= hi for n, lo, hi in zip(size, low, high)):
            raise ValueError(
                f"requested an output size of {size}, but valid sizes range from {low} to "
                f"{high} (for an input of {x.shape[lead:]})"
            )
        return tuple(n - lo for n, lo in zip(size, low))

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        x = as_tensor(input)
        weight: Any = _param(self, "weight")  # (a Parameter, or weight_norm's tensor)
        try:
            return type(self)._fn(
                x, weight, _param(self, "bias"), self.stride, self.padding,
                self._output_padding(x, output_size), self.groups, self.dilation,
            )  # fmt: skip
        except (RuntimeError, ValueError, TypeError) as e:
            raise type(e)(f"{e} (in {self._get_name()}({self.extra_repr()}))") from None

    def extra_repr(self) -> str:
        return _conv_repr(self)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution over (N, C_in, L) (or (C_in, L)) input, as
    ``torch.nn.ConvTranspose1d``; weight (C_in, C_out/groups, k). See ``ConvTranspose2d``."""

    _nd = 1
    _fn = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution over (N, C_in, H, W) (or (C_in, H, W)), as
    ``torch.nn.ConvTranspose2d``: the gradient of Conv2d with respect to its input.

    Upsamples: H_out = (H - 1) stride - 2 padding + dilation (kH - 1) + output_padding + 1.
    The weight has shape (in_channels, out_channels / groups, kH, kW) and the bias
    (out_channels,), initialised as PyTorch does, so a ``state_dict`` moves between the two.
    ``forward(input, output_size=None)``: ``output_size`` (the spatial sizes, or with batch
    and channels) picks ``output_padding`` for this call.

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output.
        kernel_size: an int or a (kH, kW) pair.
        stride: how far apart the copies of the kernel land (an int or a pair).
        padding: cropped from each side of the output (an int or a pair).
        output_padding: extra cells at the bottom and right of the output, smaller than
            stride or dilation.
        groups: split the channels into this many independent groups (dividing both counts).
        bias: whether to add a learned bias.
        dilation: spacing between kernel elements.
        padding_mode: "zeros" only, as in PyTorch.
        dtype: parameter dtype (by default ``get_default_dtype()``).
        generator: a NumPy generator or int seed for the initialisation.
    """

    _nd = 2
    _fn = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution over (N, C_in, D, H, W) (or (C_in, D, H, W)) input, as
    ``torch.nn.ConvTranspose3d``; weight (C_in, C_out/groups, kD, kH, kW). Arguments (each an
    int or a triple) and ``forward(input, output_size=None)`` as ``ConvTranspose2d``'s."""

    _nd = 3
    _fn = staticmethod(F.conv_transpose3d)


class _MaxPoolNd(Module):
    """What MaxPool1d/2d/3d share: PyTorch's arguments, kept as given, and its repr."""

    _fn: Any = None

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        dilation: Any = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor) -> Any:
        return _named(
            self, type(self)._fn, input, self.kernel_size, self.stride, self.padding,
            self.dilation, self.ceil_mode, self.return_indices,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool2d(_MaxPoolNd):
    """Maximum over each window of (N, C, H, W) or (C, H, W) input, as ``torch.nn.MaxPool2d``.

    Args:
        kernel_size: window size (an int or a pair).
        stride: step between windows (defaults to ``kernel_size``).
        padding: implicit -inf padding on each side, at most half the window.
        dilation: spacing between window elements.
        return_indices: also return the flat index of each maximum in its H*W plane.
        ceil_mode: keep a last, partial window at the end of each axis.
    """

    _fn = staticmethod(F.max_pool2d)


class _AvgPoolNd(Module):
    """What AvgPool2d and AvgPool3d share: PyTorch's arguments, kept as given, and its repr."""

    _fn: Any = None

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return _named(
            self, type(self)._fn, input, self.kernel_size, self.stride, self.padding,
            self.ceil_mode, self.count_include_pad, self.divisor_override,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    """Mean over each window of (N, C, H, W) or (C, H, W) input, as ``torch.nn.AvgPool2d``.

    Args:
        kernel_size: window size (an int or a pair).
        stride: step between windows (defaults to ``kernel_size``).
        padding: implicit zero padding on each side, at most half the window.
        ceil_mode: keep a last, partial window at the end of each axis.
        count_include_pad: whether the zero padding counts in the divisor.
        divisor_override: divide each window's sum by this instead.
    """

    _fn = staticmethod(F.avg_pool2d)


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size, as ``torch.nn.AdaptiveAvgPool2d``.

    Args:
        output_size: an int, or an (H_out, W_out) pair whose entries may be None (keep).
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return _named(self, F.adaptive_avg_pool2d, input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class Dropout(Module):
    """Zero elements with probability ``p`` in training, scaling the rest by 1 / (1 - p).

    Active only in training mode (``model.train()``, the default); ``model.eval()`` makes it
    the identity. Masks come from minigrad's default generator (``minigrad.manual_seed``).

    Args:
        p: probability of zeroing an element, in [0, 1].
        inplace: zero and scale the input itself and return it (``F.dropout``).
    """

    _fn = staticmethod(F.dropout)

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        F._check_p(p, type(self).__name__)
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """Zero whole channels of (N, C, H, W) input with probability ``p`` in training.

    Kept channels are scaled by 1 / (1 - p); see ``Dropout``.
    """

    _fn = staticmethod(F.dropout2d)


class Dropout1d(Dropout):
    """Zero whole channels of (N, C, L) or (C, L) input with probability ``p`` in training,
    as ``torch.nn.Dropout1d``; kept channels are scaled by 1 / (1 - p). See ``Dropout``."""

    _fn = staticmethod(F.dropout1d)


class Dropout3d(Dropout):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability ``p`` in
    training, as ``torch.nn.Dropout3d``; kept channels are scaled by 1 / (1 - p)."""

    _fn = staticmethod(F.dropout3d)


class AlphaDropout(Dropout):
    """Alpha dropout for self-normalising (SELU) networks, as ``torch.nn.AlphaDropout``:
    in training each element is set to SELU's negative saturation with probability ``p`` and
    all are mapped by a * x + b, keeping zero mean and unit variance; identity in eval."""

    _fn = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(Dropout):
    """Alpha dropout of whole channels (dim 1 of (N, C, *) input), as
    ``torch.nn.FeatureAlphaDropout``; see ``AlphaDropout``."""

    _fn = staticmethod(F.feature_alpha_dropout)


def _named(layer: Module, fn: Any, *args: Any) -> Any:
    """Call ``fn``; an error names the layer and its arguments after the function's message
    (which starts with PyTorch's words)."""
    try:
        return fn(*args)
    except (RuntimeError, ValueError, TypeError) as e:
        raise type(e)(f"{e} (in {layer._get_name()}({layer.extra_repr()}))") from None
