"""Every module class ``torch.nn`` and ``minigrad.nn`` both have, built beside PyTorch's.

Each case is one constructor call written once for both libraries (a string evaluated with
``nn`` bound to each library's ``nn`` and ``torch`` to the library itself), with defaults and
with the main other arguments, and the input of one representative forward call:

* ``test_repr``: ``repr(module)`` is PyTorch's (``extra_repr``, nested containers).
* ``test_parameters_buffers_state_dict``: names, shapes, dtypes, ``requires_grad`` and order of
  ``named_parameters()`` and ``named_buffers()``; the keys of ``state_dict()`` in order
  (non-persistent buffers left out).
* ``test_forward``: with PyTorch's weights loaded (``load_state_dict`` of NumPy arrays), the
  same output in float64 (shape, dtype, values to 1e-10), in training and evaluation mode.
* ``test_backward``: the gradients of the inputs and parameters, to 1e-9.
* ``test_attributes``: the public attributes both have (``vars()``) hold the same values
  (``kernel_size`` a tuple, ``padding_mode``, ``eps``, ``momentum``...); ``reset_parameters``
  exists where PyTorch's does.
* ``test_every_common_class_has_a_case``: no class of both libraries is left out.
* ``test_default_init``: on large layers, each parameter drawn from PyTorch's distribution
  (the same bounds, spread and mean; constants equal).
* ``test_misuse``: constructor misuse raises in both, with the same exception type and
  PyTorch's message within minigrad's.

``DIFFERENCES`` lists what differs on purpose, with the reason (docs/nn.md, "Each class beside
PyTorch's"; docs/pytorch.md, "What differs"), each checked to still differ.
"""

# ruff: noqa: E501  (tables of calls, one a line: easier to read and extend than wrapped)

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import minigrad
import minigrad.nn as mnn

torch = pytest.importorskip("torch")

# An input: (kind, shape or values). "f" standard normal, "p" in [0.2, 2], "u" in [0.05, 0.95],
# "s" signs +1/-1, "i" int64 in [0, high) given as ("i", (high, shape)), "v" the given values
# (int64 if they are ints), "b" bools as given.
Spec = tuple[str, Any]


def f(*shape: int) -> Spec:
    return ("f", shape)


def p(*shape: int) -> Spec:
    return ("p", shape)


def u(*shape: int) -> Spec:
    return ("u", shape)


def s(*shape: int) -> Spec:
    return ("s", shape)


def i(high: int, *shape: int) -> Spec:
    return ("i", (high, shape))


def v(values: Any) -> Spec:
    return ("v", values)


@dataclass
class Case:
    """One constructor call (``nn`` and ``torch`` bound to either library) and its input."""

    ctor: str
    inputs: tuple[Spec, ...]
    kwargs: dict[str, Spec] | None = None
    random_in_training: bool = False  # dropout, RReLU: forward compared in eval mode only


def C(ctor: str, *inputs: Spec, random: bool = False, **kwargs: Spec) -> Case:
    return Case(ctor, inputs, kwargs or None, random)


CASES: list[Case] = [
    # -- linear and containers -------------------------------------------------------------
    C("nn.Identity()", f(2, 3)),
    C("nn.Identity(54, unused='x')", f(2, 3)),
    C("nn.Linear(3, 4)", f(2, 3)),
    C("nn.Linear(3, 4, bias=False)", f(5, 2, 3)),
    C("nn.Linear(0, 4)", f(2, 0)),
    C("nn.Linear(3, 4, True, 'cpu', torch.float64)", f(2, 3)),
    C("nn.Bilinear(3, 2, 4, True, None, torch.float64)", f(5, 3), f(5, 2)),
    C("nn.Bilinear(3, 2, 4)", f(5, 3), f(5, 2)),
    C("nn.Bilinear(3, 2, 4, bias=False)", f(5, 3), f(5, 2)),
    C("nn.LazyLinear(4)", f(2, 3)),
    C("nn.LazyLinear(4, bias=False)", f(2, 3)),
    C("nn.Flatten()", f(2, 3, 4)),
    C("nn.Flatten(0, 1)", f(2, 3, 4)),
    C("nn.Unflatten(1, (2, 3))", f(4, 6)),
    C("nn.Unflatten(-1, [3, 2])", f(4, 6)),
    C("nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))", f(5, 3)),
    C(
        "nn.Sequential(nn.Sequential(nn.Linear(3, 3), nn.Tanh()), nn.Dropout(0.5), nn.Linear(3, 1))",
        f(5, 3),
        random=True,
    ),
    C("nn.Sequential()", f(2, 3)),
    C("nn.ModuleList([nn.Linear(3, 4), nn.ReLU()])"),
    C("nn.ModuleList()"),
    C(
        "nn.ModuleList([nn.Linear(3, 4), nn.Linear(3, 4), nn.ReLU(), nn.Linear(3, 4), nn.Linear(3, 4), nn.Linear(3, 4)])"
    ),
    C("nn.ModuleList([nn.Sequential(nn.Linear(3, 4), nn.ReLU())] * 3)"),
    C("nn.ModuleDict({'a': nn.Linear(3, 4), 'b': nn.Conv2d(1, 2, 3)})"),
    C("nn.ParameterList([nn.Parameter(torch.zeros(2, 3)), nn.Parameter(torch.ones(4))])"),
    C("nn.ParameterDict({'w': nn.Parameter(torch.zeros(2, 3)), 'b': nn.Parameter(torch.ones(4))})"),
    C("nn.ParameterDict({'w': nn.Parameter(torch.zeros(2, 3, dtype=torch.float64))})"),
    C("nn.Module()"),
    C("nn.Container(a=nn.Linear(3, 4), b=nn.ReLU())"),
    C("nn.DataParallel(nn.Linear(3, 2))", f(4, 3)),
    # -- convolutions ------------------------------------------------------------------------
    C("nn.Conv1d(2, 4, 3)", f(2, 2, 9)),
    C("nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, bias=False)", f(2, 4, 11)),
    C("nn.Conv1d(2, 4, 3, padding='same', padding_mode='reflect')", f(2, 2, 9)),
    C("nn.Conv1d(2, 4, 4, padding='same', dilation=2)", f(2, 2, 9)),
    C("nn.Conv1d(2, 4, 3, padding=2, padding_mode='circular')", f(2, 2, 9)),
    C("nn.Conv1d(2, 4, 3, padding='valid')", f(2, 2, 9)),
    C("nn.Conv2d(2, 4, 3)", f(2, 2, 7, 8)),
    C("nn.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2))", f(2, 2, 7, 8)),
    C(
        "nn.Conv2d(4, 4, 3, groups=4, padding=1, padding_mode='replicate', bias=False)",
        f(2, 4, 6, 6),
    ),
    C("nn.Conv2d(2, 6, 3, padding='same', padding_mode='circular')", f(1, 2, 5, 6)),
    C("nn.Conv2d(2, 3, 3, padding=1, padding_mode='zeros')", f(2, 5, 6)),
    C("nn.Conv3d(2, 3, 2)", f(1, 2, 4, 5, 4)),
    C("nn.Conv1d(2, 4, 3, 1, 0, 1, 1, True, 'zeros', 'cpu', torch.float64)", f(2, 2, 9)),
    C("nn.ConvTranspose1d(2, 4, 3, 1, 0, 0, 1, True, 1, 'zeros', None, torch.float64)", f(2, 2, 5)),
    C(
        "nn.Conv3d(2, 4, (2, 3, 1), stride=2, padding=(1, 0, 1), groups=2, padding_mode='reflect')",
        f(1, 2, 5, 6, 4),
    ),
    C("nn.ConvTranspose1d(2, 4, 3)", f(2, 2, 5)),
    C(
        "nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, bias=False, dilation=2)",
        f(2, 4, 5),
    ),
    C("nn.ConvTranspose2d(2, 3, 3)", f(2, 2, 4, 5)),
    C(
        "nn.ConvTranspose2d(2, 4, (3, 2), stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2, dilation=1)",
        f(2, 2, 4, 5),
    ),
    C("nn.ConvTranspose3d(2, 3, 2)", f(1, 2, 3, 4, 3)),
    C(
        "nn.ConvTranspose3d(2, 2, 3, stride=2, padding=1, output_padding=1, bias=False)",
        f(1, 2, 3, 2, 3),
    ),
    C("nn.LazyConv1d(4, 3)", f(2, 2, 9)),
    C("nn.LazyConv2d(4, 3, stride=2, padding=1, bias=False)", f(2, 2, 7, 8)),
    C("nn.LazyConv3d(3, 2, padding_mode='circular', padding=1)", f(1, 2, 4, 5, 4)),
    C("nn.LazyConvTranspose1d(4, 3, stride=2)", f(2, 2, 5)),
    C("nn.LazyConvTranspose2d(3, 3)", f(2, 2, 4, 5)),
    C("nn.LazyConvTranspose3d(3, 2, bias=False)", f(1, 2, 3, 4, 3)),
    C("nn.Fold(output_size=(4, 5), kernel_size=2)", f(2, 12, 12)),
    C("nn.Fold((5, 5), (2, 3), dilation=1, padding=1, stride=2)", f(1, 6, 9)),
    C("nn.Unfold(kernel_size=2)", f(2, 3, 4, 5)),
    C("nn.Unfold((2, 3), dilation=2, padding=1, stride=(1, 2))", f(2, 3, 6, 7)),
    # -- pooling -------------------------------------------------------------------------------
    C("nn.MaxPool1d(2)", f(2, 3, 9)),
    C("nn.MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True)", f(2, 3, 10)),
    C("nn.MaxPool1d(2, return_indices=True)", f(2, 3, 8)),
    C("nn.MaxPool2d(2)", f(2, 3, 6, 7)),
    C("nn.MaxPool2d((3, 2), stride=(2, 1), padding=1, dilation=1, ceil_mode=True)", f(2, 3, 7, 8)),
    C("nn.MaxPool2d(2, return_indices=True)", f(2, 3, 6, 6)),
    C("nn.MaxPool3d(2)", f(1, 2, 4, 5, 6)),
    C("nn.MaxPool3d(3, stride=2, padding=1, return_indices=True)", f(1, 2, 5, 5, 5)),
    C("nn.AvgPool1d(2)", f(2, 3, 9)),
    C("nn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)", f(2, 3, 10)),
    C("nn.AvgPool2d(2)", f(2, 3, 6, 7)),
    C(
        "nn.AvgPool2d((3, 2), stride=1, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=3)",
        f(2, 3, 6, 7),
    ),
    C("nn.AvgPool3d(2)", f(1, 2, 4, 5, 6)),
    C("nn.AvgPool3d(3, stride=2, padding=1, count_include_pad=False)", f(1, 2, 5, 5, 5)),
    C("nn.AdaptiveAvgPool1d(4)", f(2, 3, 9)),
    C("nn.AdaptiveAvgPool2d((3, 4))", f(2, 3, 7, 9)),
    C("nn.AdaptiveAvgPool2d((None, 2))", f(2, 3, 7, 9)),
    C("nn.AdaptiveAvgPool2d(1)", f(2, 3, 7, 9)),
    C("nn.AdaptiveAvgPool3d((2, 3, 1))", f(1, 2, 5, 6, 4)),
    C("nn.AdaptiveMaxPool1d(4)", f(2, 3, 9)),
    C("nn.AdaptiveMaxPool1d(3, return_indices=True)", f(2, 3, 9)),
    C("nn.AdaptiveMaxPool2d((3, 4))", f(2, 3, 7, 9)),
    C("nn.AdaptiveMaxPool2d(2, return_indices=True)", f(2, 3, 7, 9)),
    C("nn.AdaptiveMaxPool3d(2)", f(1, 2, 5, 6, 4)),
    C(
        "nn.FractionalMaxPool2d(3, (4, 3), _random_samples=torch.full((2, 3, 2), 0.37))",
        f(2, 3, 9, 8),
    ),
    C(
        "nn.FractionalMaxPool2d(2, output_ratio=0.5, return_indices=True, "
        "_random_samples=torch.full((2, 3, 2), 0.6))",
        f(2, 3, 9, 8),
    ),
    C(
        "nn.FractionalMaxPool3d(2, 3, _random_samples=torch.full((1, 2, 3), 0.25))",
        f(1, 2, 6, 7, 8),
    ),
    C("nn.MaxUnpool1d(2)", f(2, 3, 4), v(np.tile(np.array([0, 3, 5, 6]), (2, 3, 1)))),
    C("nn.MaxUnpool2d(2, stride=2)", f(1, 1, 2, 2), v(np.array([[[[0, 3], [9, 14]]]]))),
    C("nn.MaxUnpool3d(2)", f(1, 1, 1, 1, 2), v(np.array([[[[[0, 3]]]]]))),
    C("nn.LPPool1d(2, 3)", f(2, 3, 9)),
    C("nn.LPPool1d(1.5, 2, stride=1, ceil_mode=True)", p(2, 3, 8)),
    C("nn.LPPool2d(2, (2, 3))", f(2, 3, 6, 7)),
    C("nn.LPPool2d(3, 2, stride=(1, 2), ceil_mode=True)", p(1, 2, 5, 5)),
    C("nn.LPPool2d(1, 2)", f(3, 4, 4)),
    C("nn.LPPool3d(2, 2)", f(1, 2, 4, 4, 4)),
    C("nn.LPPool3d(float('inf'), (1, 2, 2))", f(1, 2, 3, 4, 4)),
    # -- activations -----------------------------------------------------------------------------
    C("nn.ReLU()", f(3, 4)),
    C("nn.ReLU(inplace=True)", f(3, 4)),
    C("nn.ReLU6()", f(3, 4)),
    C("nn.ELU()", f(3, 4)),
    C("nn.ELU(alpha=0.5, inplace=True)", f(3, 4)),
    C("nn.CELU(alpha=2.0)", f(3, 4)),
    C("nn.SELU()", f(3, 4)),
    C("nn.GELU()", f(3, 4)),
    C("nn.GELU(approximate='tanh')", f(3, 4)),
    C("nn.GLU()", f(3, 4)),
    C("nn.GLU(dim=0)", f(4, 3)),
    C("nn.Hardshrink(lambd=0.3)", f(3, 4)),
    C("nn.Softshrink()", f(3, 4)),
    C("nn.Hardsigmoid()", f(3, 4)),
    C("nn.Hardswish()", f(3, 4)),
    C("nn.Hardtanh()", f(3, 4)),
    C("nn.Hardtanh(-0.5, 2.0)", f(3, 4)),
    C("nn.LeakyReLU()", f(3, 4)),
    C("nn.LeakyReLU(0.2, inplace=True)", f(3, 4)),
    C("nn.LogSigmoid()", f(3, 4)),
    C("nn.Sigmoid()", f(3, 4)),
    C("nn.Tanh()", f(3, 4)),
    C("nn.SiLU()", f(3, 4)),
    C("nn.Mish()", f(3, 4)),
    C("nn.Softplus()", f(3, 4)),
    C("nn.Softplus(beta=2.0, threshold=1.0)", f(3, 4)),
    C("nn.Softsign()", f(3, 4)),
    C("nn.Tanhshrink()", f(3, 4)),
    C("nn.Threshold(0.1, 20.0)", f(3, 4)),
    C("nn.PReLU()", f(2, 3, 4)),
    C("nn.PReLU(num_parameters=3, init=0.1)", f(2, 3, 4)),
    C("nn.RReLU()", f(3, 4), random=True),
    C("nn.RReLU(0.1, 0.3, inplace=True)", f(3, 4), random=True),
    C("nn.Softmax(dim=1)", f(3, 4)),
    C("nn.Softmax()", f(2, 3, 4)),
    C("nn.Softmin(dim=-1)", f(3, 4)),
    C("nn.LogSoftmax(dim=0)", f(3, 4)),
    C("nn.Softmax2d()", f(2, 3, 4, 5)),
    C("nn.MultiheadAttention(8, 2)", f(3, 2, 8), f(4, 2, 8), f(4, 2, 8)),
    C(
        "nn.MultiheadAttention(8, 2, batch_first=True, bias=False, add_bias_kv=True, add_zero_attn=True)",
        f(2, 3, 8),
        f(2, 4, 8),
        f(2, 4, 8),
    ),
    C(
        "nn.MultiheadAttention(6, 3, kdim=4, vdim=5, dropout=0.0)",
        f(3, 2, 6),
        f(4, 2, 4),
        f(4, 2, 5),
    ),
    # -- normalisation -------------------------------------------------------------------------
    C("nn.BatchNorm1d(3)", f(4, 3)),
    C("nn.BatchNorm1d(3, eps=1e-3, momentum=0.2, affine=False)", f(4, 3, 5)),
    C("nn.BatchNorm1d(3, momentum=None)", f(4, 3)),
    C("nn.BatchNorm1d(3, track_running_stats=False)", f(4, 3)),
    C("nn.BatchNorm2d(3)", f(2, 3, 4, 5)),
    C("nn.BatchNorm2d(3, affine=False, track_running_stats=False)", f(2, 3, 4, 5)),
    C("nn.BatchNorm3d(2)", f(2, 2, 3, 4, 2)),
    C("nn.BatchNorm1d(3, 1e-5, 0.1, True, True, 'cpu', torch.float64, bias=False)", f(4, 3)),
    C("nn.LazyBatchNorm1d()", f(4, 3)),
    C("nn.LazyBatchNorm2d(eps=1e-3, affine=False)", f(2, 3, 4, 5)),
    C("nn.LazyBatchNorm3d(momentum=0.3)", f(2, 2, 3, 4, 2)),
    C("nn.InstanceNorm1d(3)", f(2, 3, 6)),
    C("nn.InstanceNorm1d(3, affine=True, track_running_stats=True)", f(2, 3, 6)),
    C("nn.InstanceNorm2d(3, eps=1e-3, momentum=0.2)", f(2, 3, 4, 5)),
    C("nn.InstanceNorm2d(3, affine=True)", f(2, 3, 4, 5)),
    C("nn.InstanceNorm3d(2, track_running_stats=True)", f(2, 2, 3, 4, 2)),
    C("nn.InstanceNorm1d(3, 1e-5, 0.1, True, False, None, torch.float64, bias=False)", f(2, 3, 6)),
    C("nn.LazyInstanceNorm1d()", f(2, 3, 6)),
    C("nn.LazyInstanceNorm2d(affine=True)", f(2, 3, 4, 5)),
    C("nn.LazyInstanceNorm3d(track_running_stats=True)", f(2, 2, 3, 4, 2)),
    C("nn.LayerNorm(4)", f(3, 4)),
    C("nn.LayerNorm([3, 4], eps=1e-3, elementwise_affine=False)", f(2, 3, 4)),
    C("nn.LayerNorm((3, 4), bias=False)", f(2, 3, 4)),
    C("nn.LayerNorm(4, 1e-5, True, True, 'cpu', torch.float64)", f(3, 4)),
    C("nn.GroupNorm(2, 4)", f(3, 4, 5)),
    C("nn.GroupNorm(3, 6, eps=1e-3, affine=False)", f(2, 6, 2, 2)),
    C("nn.GroupNorm(2, 4, 1e-5, True, 'cpu', torch.float64, bias=False)", f(3, 4, 5)),
    C("nn.RMSNorm(4)", f(3, 4)),
    C("nn.RMSNorm([3, 4], eps=1e-3, elementwise_affine=False)", f(2, 3, 4)),
    C("nn.LocalResponseNorm(2)", f(2, 5, 3, 3)),
    C("nn.SyncBatchNorm(3)", f(4, 3, 5)),
    C("nn.SyncBatchNorm(3, 1e-3, None, False)", f(4, 3, 2, 2, 2)),
    C("nn.SyncBatchNorm(3, track_running_stats=False, bias=False)", f(4, 3)),
    C("nn.LocalResponseNorm(3, alpha=1e-3, beta=0.5, k=2.0)", f(2, 5, 4)),
    # (one channel, or two with a window of 4 or 5: where PyTorch's hand-written backward is
    # its forward's derivative; tests/test_parity_leftovers.py checks the rest)
    C("nn.CrossMapLRN2d(3)", f(2, 1, 3, 3)),
    C("nn.CrossMapLRN2d(5, alpha=1e-3, beta=0.5, k=2)", f(2, 2, 3, 4)),
    # -- dropout ---------------------------------------------------------------------------------
    C("nn.Dropout()", f(3, 4), random=True),
    C("nn.Dropout(p=0.0)", f(3, 4)),
    C("nn.Dropout(0.3, inplace=True)", f(3, 4), random=True),
    C("nn.Dropout1d(0.5)", f(2, 3, 4), random=True),
    C("nn.Dropout2d()", f(2, 3, 4, 4), random=True),
    C("nn.Dropout3d(p=0.0)", f(2, 3, 2, 2, 2)),
    C("nn.AlphaDropout(0.2)", f(3, 4), random=True),
    C("nn.FeatureAlphaDropout()", f(2, 3, 4, 4), random=True),
    # -- sparse, distances, shuffles, padding, upsampling --------------------------------------
    C("nn.Embedding(10, 3)", i(10, 2, 4)),
    C("nn.Embedding(10, 3, padding_idx=0, max_norm=None, scale_grad_by_freq=True)", i(10, 2, 4)),
    C("nn.Embedding(10, 3, padding_idx=-2, norm_type=1.0, sparse=False)", i(10, 5)),
    C("nn.Embedding(10, 3, max_norm=2.0)", i(10, 5)),
    C(
        "nn.Embedding(10, 3, None, None, 2.0, False, False, None, False, 'cpu', torch.float64)",
        i(10, 5),
    ),
    C("nn.EmbeddingBag(10, 3)", i(10, 2, 4)),
    C("nn.EmbeddingBag(10, 3, mode='sum', padding_idx=1)", i(10, 7), v(np.array([0, 3]))),
    C(
        "nn.EmbeddingBag(10, 3, mode='max', include_last_offset=True)",
        i(10, 7),
        v(np.array([0, 3, 7])),
    ),
    C("nn.CosineSimilarity()", f(3, 4), f(3, 4)),
    C("nn.CosineSimilarity(dim=0, eps=1e-6)", f(3, 4), f(3, 4)),
    C("nn.PairwiseDistance()", f(3, 4), f(3, 4)),
    C("nn.PairwiseDistance(p=1.0, eps=1e-3, keepdim=True)", f(3, 4), f(3, 4)),
    C("nn.PixelShuffle(2)", f(2, 8, 3, 3)),
    C("nn.PixelUnshuffle(2)", f(2, 2, 4, 6)),
    C("nn.ChannelShuffle(2)", f(2, 4, 3, 3)),
    C("nn.ZeroPad1d(2)", f(2, 3, 4)),
    C("nn.ZeroPad2d((1, 0, 2, 1))", f(2, 3, 4)),
    C("nn.ZeroPad3d(1)", f(1, 2, 3, 2, 2)),
    C("nn.ConstantPad1d((2, 1), 3.5)", f(2, 3, 4)),
    C("nn.ConstantPad2d(1, -1.0)", f(2, 3, 4)),
    C("nn.ConstantPad3d((1, 0, 0, 1, 1, 0), 2.0)", f(1, 2, 3, 2, 2)),
    C("nn.ReflectionPad1d(2)", f(2, 3, 4)),
    C("nn.ReflectionPad2d((1, 0, 2, 1))", f(2, 3, 4, 4)),
    C("nn.ReflectionPad3d(1)", f(1, 2, 3, 3, 3)),
    C("nn.ReplicationPad1d((3, 1))", f(2, 3, 4)),
    C("nn.ReplicationPad2d(2)", f(2, 3, 4, 4)),
    C("nn.ReplicationPad3d((1, 2, 0, 1, 1, 0))", f(1, 2, 3, 3, 3)),
    C("nn.CircularPad1d(2)", f(2, 3, 4)),
    C("nn.CircularPad2d((1, 0, 2, 1))", f(2, 3, 4, 4)),
    C("nn.CircularPad3d(1)", f(1, 2, 3, 3, 3)),
    C("nn.Upsample(scale_factor=2)", f(1, 2, 3, 4)),
    C("nn.Upsample(size=(5, 7), mode='bilinear', align_corners=True)", f(1, 2, 3, 4)),
    C("nn.Upsample(scale_factor=1.5, mode='linear')", f(1, 2, 4)),
    C("nn.Upsample(size=4, mode='nearest-exact')", f(1, 2, 3)),
    C("nn.Upsample(scale_factor=(2, 1, 2), mode='trilinear')", f(1, 1, 2, 3, 2)),
    C("nn.UpsamplingNearest2d(scale_factor=2)", f(1, 2, 3, 4)),
    C("nn.UpsamplingBilinear2d(size=(4, 6))", f(1, 2, 3, 4)),
    # -- recurrent ------------------------------------------------------------------------------
    C("nn.RNN(3, 4)", f(5, 2, 3)),
    C(
        "nn.RNN(3, 4, num_layers=2, nonlinearity='relu', bias=False, batch_first=True, bidirectional=True)",
        f(2, 5, 3),
    ),
    C("nn.LSTM(3, 4)", f(5, 2, 3)),
    C("nn.LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True, proj_size=2)", f(2, 5, 3)),
    C("nn.LSTM(3, 4, 2, dropout=0.5)", f(5, 2, 3), random=True),
    C("nn.GRU(3, 4)", f(5, 2, 3)),
    C("nn.GRU(3, 4, num_layers=2, bias=False, bidirectional=True)", f(5, 2, 3)),
    C("nn.RNNBase('LSTM', 3, 4)"),
    C("nn.RNNBase('RNN_TANH', 3, 4, num_layers=2, bidirectional=True)"),
    C("nn.RNNCell(3, 4)", f(2, 3)),
    C("nn.RNNCell(3, 4, bias=False, nonlinearity='relu')", f(2, 3)),
    C("nn.LSTMCell(3, 4)", f(2, 3)),
    C("nn.LSTMCell(3, 4, bias=False)", f(3)),
    C("nn.GRUCell(3, 4)", f(2, 3)),
    C("nn.RNNCellBase(3, 4, bias=True, num_chunks=3)"),
    C("nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)", f(3, 2, 8)),
    C(
        "nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation='gelu', layer_norm_eps=1e-3, batch_first=True, norm_first=True, bias=False)",
        f(2, 3, 8),
    ),
    C("nn.TransformerEncoderLayer(8, 2)", f(3, 2, 8), random=True),
    C("nn.TransformerEncoderLayer(8, 2, 16, 0.0, nn.GELU())", f(3, 2, 8)),
    C("nn.TransformerEncoderLayer(8, 2, 16, 0.0, nn.functional.silu)", f(3, 2, 8)),
    C("nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0)", f(3, 2, 8), f(4, 2, 8)),
    C(
        "nn.TransformerDecoderLayer(8, 2, 16, 0.0, 'gelu', batch_first=True, norm_first=True)",
        f(2, 3, 8),
        f(2, 4, 8),
    ),
    C(
        "nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, 0.0), 2, enable_nested_tensor=False)",
        f(3, 2, 8),
    ),
    C(
        "nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, 0.0), 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)",
        f(3, 2, 8),
    ),
    C(
        "nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, 0.0), 2)",
        f(3, 2, 8),
        f(4, 2, 8),
    ),
    C("nn.Transformer(8, 2, 1, 1, 16, 0.0)", f(3, 2, 8), f(4, 2, 8)),
    C(
        "nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=16, dropout=0.0, batch_first=True, norm_first=True)",
        f(2, 3, 8),
        f(2, 4, 8),
    ),
    # -- losses ----------------------------------------------------------------------------------
    C("nn.L1Loss()", f(3, 4), f(3, 4)),
    C("nn.L1Loss(reduction='sum')", f(3, 4), f(3, 4)),
    C("nn.MSELoss(reduction='none')", f(3, 4), f(3, 4)),
    C("nn.MSELoss()", f(3, 4), f(3, 4)),
    C("nn.HuberLoss(delta=0.5)", f(3, 4), f(3, 4)),
    C("nn.SmoothL1Loss(beta=0.5, reduction='sum')", f(3, 4), f(3, 4)),
    C("nn.SmoothL1Loss()", f(3, 4), f(3, 4)),
    C("nn.BCELoss()", u(3, 4), u(3, 4)),
    C(
        "nn.BCELoss(weight=torch.linspace(0.5, 2.0, 4, dtype=torch.float64), reduction='sum')",
        u(3, 4),
        u(3, 4),
    ),
    C("nn.BCEWithLogitsLoss()", f(3, 4), u(3, 4)),
    C(
        "nn.BCEWithLogitsLoss(pos_weight=torch.linspace(0.5, 2.0, 4, dtype=torch.float64), reduction='none')",
        f(3, 4),
        u(3, 4),
    ),
    C("nn.CrossEntropyLoss()", f(5, 4), i(4, 5)),
    C(
        "nn.CrossEntropyLoss(weight=torch.linspace(0.5, 2.0, 4, dtype=torch.float64), ignore_index=1, label_smoothing=0.1)",
        f(5, 4),
        i(4, 5),
    ),
    C("nn.CrossEntropyLoss(reduction='sum')", f(5, 4, 3), i(4, 5, 3)),
    C("nn.NLLLoss()", f(5, 4), i(4, 5)),
    C("nn.NLLLoss2d()", f(2, 4, 3, 3), i(4, 2, 3, 3)),
    C("nn.NLLLoss2d(ignore_index=1, reduction='sum')", f(2, 4, 3, 3), i(4, 2, 3, 3)),
    C("nn.LinearCrossEntropyLoss(3, 4)", f(5, 3), i(4, 5)),
    C(
        "nn.LinearCrossEntropyLoss(3, 4, out_features=(2,), bias=True, label_smoothing=0.1, reduction='sum')",
        f(5, 3),
        i(4, 5, 2),
    ),
    C(
        "nn.LinearCrossEntropyLoss(3, 4, weight=torch.linspace(0.5, 2.0, 4, dtype=torch.float64), ignore_index=2, reduction='none')",
        f(5, 3),
        i(4, 5),
    ),
    C("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6])", f(7, 8), i(10, 7)),
    C(
        "nn.AdaptiveLogSoftmaxWithLoss(16, 20, [5, 10, 15], div_value=2.0, head_bias=True)",
        f(9, 16),
        i(20, 9),
    ),
    C("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4])", f(8), v(np.array(7))),
    C(
        "nn.CTCLoss()",
        f(6, 2, 4),
        v(np.array([[1, 2], [3, 1]])),
        v(np.array([6, 5])),
        v(np.array([2, 1])),
    ),
    C(
        "nn.CTCLoss(blank=3, reduction='sum', zero_infinity=True)",
        f(6, 2, 4),
        v(np.array([[1, 2], [0, 0]])),
        v(np.array([6, 1])),
        v(np.array([2, 2])),
    ),
    C(
        "nn.CTCLoss(reduction='none')",
        f(6, 4),
        v(np.array([1, 2, 2])),
        v(np.array(6)),
        v(np.array(3)),
    ),
    C(
        "nn.NLLLoss(weight=torch.linspace(0.5, 2.0, 4, dtype=torch.float64), ignore_index=2, reduction='sum')",
        f(5, 4),
        i(4, 5),
    ),
    C("nn.KLDivLoss()", f(3, 4), u(3, 4)),
    C("nn.KLDivLoss(reduction='batchmean', log_target=True)", f(3, 4), f(3, 4)),
    C("nn.PoissonNLLLoss()", f(3, 4), p(3, 4)),
    C("nn.PoissonNLLLoss(log_input=False, full=True, eps=1e-6, reduction='sum')", p(3, 4), p(3, 4)),
    C("nn.GaussianNLLLoss()", f(3, 4), f(3, 4), p(3, 4)),
    C("nn.GaussianNLLLoss(full=True, eps=1e-3, reduction='none')", f(3, 4), f(3, 4), p(3, 4)),
    C("nn.HingeEmbeddingLoss()", f(3, 4), s(3, 4)),
    C("nn.HingeEmbeddingLoss(margin=0.5, reduction='sum')", f(3, 4), s(3, 4)),
    C("nn.SoftMarginLoss()", f(3, 4), s(3, 4)),
    C("nn.MarginRankingLoss()", f(5), f(5), s(5)),
    C("nn.MarginRankingLoss(margin=0.3, reduction='none')", f(5), f(5), s(5)),
    C("nn.CosineEmbeddingLoss()", f(5, 3), f(5, 3), s(5)),
    C("nn.CosineEmbeddingLoss(margin=0.2, reduction='sum')", f(5, 3), f(5, 3), s(5)),
    C("nn.MultiMarginLoss()", f(5, 4), i(4, 5)),
    C(
        "nn.MultiMarginLoss(p=2, margin=0.5, weight=torch.linspace(0.5, 2.0, 4, dtype=torch.float64))",
        f(5, 4),
        i(4, 5),
    ),
    C("nn.MultiLabelMarginLoss()", f(2, 4), v(np.array([[3, 0, -1, 1], [1, 2, 3, -1]]))),
    C("nn.MultiLabelSoftMarginLoss()", f(3, 4), u(3, 4)),
    C(
        "nn.MultiLabelSoftMarginLoss(weight=torch.linspace(0.5, 2.0, 4, dtype=torch.float64), reduction='none')",
        f(3, 4),
        u(3, 4),
    ),
    C("nn.TripletMarginLoss()", f(5, 3), f(5, 3), f(5, 3)),
    C(
        "nn.TripletMarginLoss(margin=0.5, p=1.0, eps=1e-3, swap=True, reduction='sum')",
        f(5, 3),
        f(5, 3),
        f(5, 3),
    ),
    C("nn.TripletMarginWithDistanceLoss()", f(5, 3), f(5, 3), f(5, 3)),
    C(
        "nn.TripletMarginWithDistanceLoss(margin=0.5, swap=True, reduction='none')",
        f(5, 3),
        f(5, 3),
        f(5, 3),
    ),
]


def lib_env(lib: Any) -> dict[str, Any]:
    return {"nn": lib.nn, "torch": lib}


def build(case: Case, lib: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return eval(case.ctor, lib_env(lib))  # the table's own strings


def make_inputs(case: Case, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for kind, arg in case.inputs:
        if kind == "f":
            out.append(rng.standard_normal(arg))
        elif kind == "p":
            out.append(rng.uniform(0.2, 2.0, arg))
        elif kind == "u":
            out.append(rng.uniform(0.05, 0.95, arg))
        elif kind == "s":
            out.append(rng.choice([-1.0, 1.0], arg))
        elif kind == "i":
            high, shape = arg
            out.append(rng.integers(0, high, shape).astype(np.int64))
        else:
            out.append(np.array(arg))
    return out


def ids(cases: list[Case]) -> list[str]:
    return [c.ctor for c in cases]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_repr(case: Case) -> None:
    tm, mm = build(case, torch), build(case, minigrad)
    # "torch.float32" in a ParameterList is "minigrad.float32" (docs/pytorch.md, printing)
    assert repr(mm) == repr(tm).replace("torch.", "minigrad.")


def describe_tensors(
    pairs: Iterator[tuple[str, Any]],
) -> list[tuple[str, tuple[int, ...], str, bool]]:
    return [
        (name, tuple(t.shape), str(t.dtype).split(".")[-1], bool(t.requires_grad))
        for name, t in pairs
    ]


def materialise(case: Case, tm: Any, mm: Any) -> None:
    """Run the lazy modules once so that their parameters get their shapes."""
    if "Lazy" in case.ctor:
        xs = make_inputs(case)
        tm(*[torch.from_numpy(x).float() for x in xs])
        mm(*[minigrad.from_numpy(x).float() for x in xs])


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_parameters_buffers_state_dict(case: Case) -> None:
    tm, mm = build(case, torch), build(case, minigrad)
    materialise(case, tm, mm)
    assert describe_tensors(mm.named_parameters()) == describe_tensors(tm.named_parameters())
    assert describe_tensors(mm.named_buffers()) == describe_tensors(tm.named_buffers())
    t_sd, m_sd = tm.state_dict(), mm.state_dict()
    assert list(m_sd) == list(t_sd)
    for key in t_sd:
        assert tuple(m_sd[key].shape) == tuple(t_sd[key].shape), key
        assert str(m_sd[key].dtype).split(".")[-1] == str(t_sd[key].dtype).split(".")[-1], key


def flatten(out: Any) -> list[Any]:
    if isinstance(out, (tuple, list)):
        return [y for x in out for y in flatten(x)]
    return [out]


def run_forward(case: Case, lib: Any, module: Any, xs: list[np.ndarray]) -> list[np.ndarray]:
    tensors = [lib.from_numpy(x.copy()) for x in xs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "return_indices" in case.ctor or "MaxUnpool" in case.ctor:
            out = module(*tensors)
        else:
            out = module(*tensors)
    return [np.asarray(o.detach().numpy()) if o is not None else None for o in flatten(out)]


FORWARD_CASES = [c for c in CASES if c.inputs]
# (a module random in training, as Dropout, is compared in evaluation mode only)
FORWARD_RUNS = [
    pytest.param(case, mode, id=f"{name}-{mode}")
    for case, name in zip(FORWARD_CASES, ids(FORWARD_CASES), strict=True)
    for mode in ("train", "eval")
    if not (case.random_in_training and mode == "train")
]


@pytest.mark.parametrize(("case", "mode"), FORWARD_RUNS)
def test_forward(case: Case, mode: str) -> None:
    tm, mm = build(case, torch), build(case, minigrad)
    materialise(case, tm, mm)
    tm.double()
    mm.double()
    mm.load_state_dict({k: t.numpy() for k, t in tm.state_dict().items()})
    tm.train(mode == "train")
    mm.train(mode == "train")
    xs = make_inputs(case, seed=1)
    expected = run_forward(case, torch, tm, xs)
    got = run_forward(case, minigrad, mm, xs)
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.shape == e.shape
        assert g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-10)
    # the buffers a forward changes (running statistics) change alike
    t_sd = tm.state_dict()
    for key, value in mm.state_dict().items():
        np.testing.assert_allclose(
            value.numpy(), t_sd[key].numpy(), rtol=1e-10, atol=1e-10, err_msg=key
        )


def plain(value: Any) -> Any:
    """A value made comparable across the libraries, or None for tensors and modules."""
    if isinstance(value, (torch.Tensor, minigrad.Tensor, torch.nn.Module, mnn.Module)):
        return None
    if isinstance(value, (torch.dtype, minigrad.dtype)) if hasattr(minigrad, "dtype") else False:
        return str(value).split(".")[-1]
    if isinstance(value, (list, tuple)):
        items = [plain(x) for x in value]
        return type(value).__name__, items
    if isinstance(value, dict):
        return {k: plain(x) for k, x in value.items()}
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    return value


def public_attributes(module: Any) -> dict[str, Any]:
    return {k: x for k, x in vars(module).items() if not k.startswith("_")}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_attributes(case: Case) -> None:
    tm, mm = build(case, torch), build(case, minigrad)
    t_attrs, m_attrs = public_attributes(tm), public_attributes(mm)
    for name in sorted(set(t_attrs) & set(m_attrs)):
        assert plain(m_attrs[name]) == plain(t_attrs[name]), name
    assert set(t_attrs) - set(m_attrs) == set()
    assert hasattr(mm, "reset_parameters") == hasattr(tm, "reset_parameters")


COMMON = sorted(
    name
    for name in dir(torch.nn)
    if inspect.isclass(getattr(torch.nn, name))
    and issubclass(getattr(torch.nn, name), torch.nn.Module)
    and inspect.isclass(getattr(mnn, name, None))
)


def test_every_common_class_has_a_case() -> None:
    common = set(COMMON)
    covered = {re.match(r"nn\.(\w+)\(", c.ctor).group(1) for c in CASES}  # type: ignore[union-attr]
    assert common - covered == set()


def signature_of(cls: type) -> list[tuple[str, str, str]]:
    """(name, kind, default) of each argument of the constructor; a function default by name."""
    out = []
    for name, param in inspect.signature(cls.__init__).parameters.items():  # type: ignore[misc]
        if name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        default = param.default
        shown = getattr(default, "__name__", None) if callable(default) else repr(default)
        out.append((name, param.kind.name, str(shown)))
    return out


# The classes whose PyTorch constructor names its arguments: those that take only *args
# (RNN, LSTM, GRU pass them on to RNNBase; Tanh, Identity... to Module) have none to compare.
NAMED_SIGNATURES = [
    name
    for name in COMMON
    if signature_of(getattr(torch.nn, name))
    or not any(
        p.kind == p.VAR_POSITIONAL
        for p in inspect.signature(getattr(torch.nn, name).__init__).parameters.values()
    )
]


@pytest.mark.parametrize("name", NAMED_SIGNATURES)
def test_constructor_signature(name: str) -> None:
    """PyTorch's arguments, in PyTorch's order (so positional calls mean the same), with
    PyTorch's defaults; minigrad's own (``generator``) only after them."""
    expected = signature_of(getattr(torch.nn, name))
    got = signature_of(getattr(mnn, name))
    positional = [e for e in expected if e[1] == "POSITIONAL_OR_KEYWORD"]
    assert got[: len(positional)] == positional
    keyword = {e for e in expected if e[1] == "KEYWORD_ONLY"}
    assert keyword <= set(got)


# -- default initialisation ------------------------------------------------------------------
# Large layers, so that each parameter's values tell their distribution: compared with
# PyTorch's by the two-sample Kolmogorov-Smirnov statistic (a scale 3% off fails), constants
# exactly, and every value inside the range PyTorch's values span (uniform bounds).
INIT_CASES: list[Case] = [
    C("nn.Linear(800, 300)"),
    C("nn.Bilinear(60, 40, 50)"),
    C("nn.LazyLinear(300)", f(2, 800)),
    C("nn.Conv1d(64, 128, 5)"),
    C("nn.Conv2d(32, 64, 3, groups=4)"),
    C("nn.Conv3d(8, 16, 3)"),
    C("nn.ConvTranspose1d(64, 96, 5, groups=2)"),
    C("nn.ConvTranspose2d(32, 64, 3)"),
    C("nn.ConvTranspose3d(8, 16, 3)"),
    C("nn.LazyConv2d(64, 3)", f(1, 32, 4, 4)),
    C("nn.LazyConvTranspose2d(64, 3)", f(1, 32, 4, 4)),
    C("nn.Embedding(3000, 40)"),
    C("nn.Embedding(3000, 40, padding_idx=3)"),
    C("nn.EmbeddingBag(3000, 40, padding_idx=-1)"),
    C("nn.RNN(200, 300, num_layers=2, bidirectional=True)"),
    C("nn.LSTM(200, 300, proj_size=100)"),
    C("nn.GRU(200, 300)"),
    C("nn.RNNCell(200, 300)"),
    C("nn.LSTMCell(200, 300)"),
    C("nn.GRUCell(200, 300)"),
    C("nn.MultiheadAttention(256, 4)"),
    C("nn.MultiheadAttention(256, 4, kdim=128, vdim=64, add_bias_kv=True)"),
    C("nn.TransformerEncoderLayer(256, 4, 512)"),
    C("nn.TransformerDecoderLayer(256, 4, 512)"),
    C("nn.Transformer(128, 4, 1, 1, 256)"),
    C("nn.PReLU(1000, init=0.1)"),
    C("nn.BatchNorm2d(64)"),
    C("nn.LazyBatchNorm1d()", f(2, 64)),
    C("nn.InstanceNorm2d(64, affine=True)"),
    C("nn.LayerNorm([8, 64])"),
    C("nn.GroupNorm(8, 64)"),
    C("nn.RMSNorm(64)"),
]


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """The largest gap between the empirical distribution functions of ``a`` and ``b``."""
    a, b = np.sort(a.ravel()), np.sort(b.ravel())
    grid = np.concatenate([a, b])
    return float(
        np.max(
            np.abs(
                np.searchsorted(a, grid, "right") / a.size
                - np.searchsorted(b, grid, "right") / b.size
            )
        )
    )


def assert_same_distribution(name: str, got: np.ndarray, expected: np.ndarray) -> None:
    assert got.shape == expected.shape, name
    if np.all(expected == expected.ravel()[0]):
        np.testing.assert_array_equal(got, expected, err_msg=name)
        return
    n = expected.size
    # Kolmogorov-Smirnov at the 0.1% level, for two samples of n
    assert ks_statistic(got, expected) < 1.95 * np.sqrt(2 / n), name
    if (
        n >= 1000 and np.ptp(expected) < 4 * expected.std()
    ):  # uniform: every value within its bounds
        low, high = expected.min(), expected.max()
        span = high - low
        assert got.min() >= low - 0.01 * span and got.max() <= high + 0.01 * span, name


def init_values(case: Case, lib: Any, seed: int) -> tuple[Any, dict[str, np.ndarray]]:
    lib.manual_seed(seed)
    module = build(case, lib)
    if case.inputs:
        module(*[lib.from_numpy(x).float() for x in make_inputs(case)])
    return module, {
        k: np.array(t.detach().numpy(), dtype=np.float64) for k, t in module.state_dict().items()
    }


@pytest.mark.parametrize("case", INIT_CASES, ids=ids(INIT_CASES))
def test_default_init(case: Case) -> None:
    _, expected = init_values(case, torch, 0)
    module, got = init_values(case, minigrad, 0)
    assert list(got) == list(expected)
    for name in expected:
        assert_same_distribution(name, got[name], expected[name])
    # reset_parameters draws again from the same distributions
    if not hasattr(build(case, torch), "reset_parameters"):
        return
    with minigrad.no_grad():
        for param in module.parameters():
            param.fill_(7.0)
    module.reset_parameters()
    for name, param in module.named_parameters():
        assert_same_distribution(name, param.detach().numpy().astype(np.float64), expected[name])


# -- constructor misuse ----------------------------------------------------------------------
# (constructor, pattern of the message in both or None for "PyTorch's first line within
# minigrad's")
MISUSE: list[tuple[str, str | None]] = [
    ("nn.Linear(-1, 3)", None),
    ("nn.Linear(3, -2)", None),
    ("nn.Linear(2.5, 3)", r"float"),
    ("nn.Bilinear(-1, 2, 3)", None),
    ("nn.Bilinear(2, 2, -3, bias=False)", None),
    ("nn.Conv2d(4, 4, 3, groups=0)", None),
    ("nn.Conv2d(4, 4, 3, groups=-1)", None),
    ("nn.Conv2d(3, 4, 3, groups=2)", None),
    ("nn.Conv2d(4, 3, 3, groups=2)", None),
    ("nn.Conv1d(-2, 4, 3)", None),
    ("nn.Conv1d(2, -4, 3)", None),
    ("nn.Conv3d(2, 4, -1)", None),
    (
        "nn.Conv2d(2, 4, 3, padding_mode='mirror')",
        r"padding_mode must be one of .*'reflect'.*, but got padding_mode='mirror'",
    ),
    (
        "nn.LazyConv2d(4, 3, padding_mode='mirror')",
        r"padding_mode must be one of .*'reflect'.*, but got padding_mode='mirror'",
    ),
    (
        "nn.Conv2d(2, 4, 3, padding='full')",
        r"Invalid padding string 'full', should be one of \{'(valid', 'same|same', 'valid)'\}",
    ),
    ("nn.Conv2d(2, 4, 3, padding='same', stride=2)", None),
    ("nn.ConvTranspose2d(2, 4, 3, padding_mode='reflect')", None),
    ("nn.ConvTranspose2d(3, 4, 3, groups=2)", None),
    ("nn.ConvTranspose1d(2, 4, 3, groups=0)", None),
    ("nn.ConvTranspose1d(2, -4, 3)", None),
    ("nn.Dropout(1.5)", None),
    ("nn.Dropout(-0.1)", None),
    ("nn.Dropout1d(-1)", None),
    ("nn.Dropout2d(2.0)", None),
    ("nn.Dropout3d(1.1)", None),
    ("nn.AlphaDropout(1.5)", None),
    ("nn.FeatureAlphaDropout(-0.5)", None),
    ("nn.RNN(3, 4, nonlinearity='sigmoid')", None),
    ("nn.RNN(3, 4, dropout=1.5)", None),
    ("nn.LSTM(3, 4, dropout=-0.5)", None),
    ("nn.RNN(3, 0)", None),
    ("nn.GRU(3, -4)", None),
    ("nn.RNN(3, 4, num_layers=0)", None),
    ("nn.LSTM(3, 4, proj_size=4)", None),
    ("nn.LSTM(3, 4, proj_size=-1)", None),
    ("nn.GRU(3, 4, proj_size=2)", None),
    ("nn.RNN(3, 4, proj_size=2)", None),
    ("nn.RNNBase('FOO', 3, 4)", None),
    ("nn.GroupNorm(3, 4)", None),
    ("nn.Embedding(10, 3, padding_idx=10)", None),
    ("nn.Embedding(10, 3, padding_idx=-11)", None),
    ("nn.Embedding(-1, 3)", None),
    ("nn.EmbeddingBag(10, 3, padding_idx=12)", None),
    ("nn.EmbeddingBag(10, -3)", None),
    ("nn.MultiheadAttention(7, 2)", None),
    ("nn.MultiheadAttention(0, 2)", None),
    ("nn.MultiheadAttention(8, 0)", None),
    ("nn.TransformerEncoderLayer(8, 2, activation='swish')", None),
    ("nn.TransformerDecoderLayer(7, 2)", None),
    ("nn.Transformer(8, 3)", None),
    ("nn.PReLU(-1)", None),
    ("nn.LayerNorm(-3)", None),
    ("nn.RMSNorm([2, -3])", None),
    ("nn.BatchNorm2d(-1)", None),
    ("nn.InstanceNorm1d(-2, affine=True)", None),
    ("nn.GroupNorm(2, -4)", None),
    ("nn.Unflatten(1, 4)", r"unflattened_size must be a tuple of ints"),
    ("nn.Threshold(0.1)", None),
    ("nn.Hardtanh(2.0, 1.0)", None),
    ("nn.TripletMarginLoss(margin=-1)", None),
    ("nn.Sequential(3)", r"(int is not a Module subclass)|(expected a Module, got int)"),
    ("nn.ModuleList([3])", r"(int is not a Module subclass)|(expected a Module, got int)"),
    ("nn.ModuleDict({'a': 3})", r"(int is not a Module subclass)|(expected a Module, got int)"),
    ("nn.Linear(3, 4, dtype=torch.int64)", None),
    ("nn.Conv2d(2, 4, 3, dtype=torch.int64)", None),
    ("nn.Linear(3, 4, device='meta2')", r"device.*meta2"),
]


@pytest.mark.parametrize(("ctor", "pattern"), MISUSE, ids=[m[0] for m in MISUSE])
def test_misuse(ctor: str, pattern: str | None) -> None:
    case = C(ctor)
    with pytest.raises(Exception) as t_err:
        build(case, torch)
    with pytest.raises(Exception) as m_err:
        build(case, minigrad)
    assert m_err.type is t_err.type or issubclass(m_err.type, t_err.type)
    if pattern is None:
        assert str(t_err.value).splitlines()[0] in str(m_err.value)
    else:
        assert re.search(pattern, str(t_err.value))
        assert re.search(pattern, str(m_err.value))


def test_negative_sizes_of_the_factories_raise_as_torch() -> None:
    for name in ("zeros", "ones", "empty", "rand", "randn"):
        with pytest.raises(RuntimeError) as t_err:
            getattr(torch, name)(3, -1)
        with pytest.raises(RuntimeError) as m_err:
            getattr(minigrad, name)(3, -1)
        assert str(t_err.value) in str(m_err.value)
        assert f"{name}()" in str(m_err.value)


# -- what differs on purpose ------------------------------------------------------------------
# Constructor calls PyTorch accepts and minigrad refuses, with the reason.
DIFFERENCES: list[tuple[str, str]] = [
    (
        "nn.Conv1d(2, 4, 0)",
        "a kernel of size 0 is refused at construction; PyTorch refuses it at the first call",
    ),
    ("nn.Conv1d(2, 4, 3, stride=0)", "a stride of 0 likewise"),
    ("nn.Conv2d(2, 4, (3, 3, 3))", "a kernel_size of the wrong length likewise"),
    (
        "nn.ConvTranspose2d(2, 4, 3, padding='same')",
        "'same' and 'valid' are for Conv layers: PyTorch fails at the first call",
    ),
    (
        "nn.CrossEntropyLoss(reduction='avg')",
        "an unknown reduction is refused at construction; PyTorch at the first call",
    ),
    ("nn.GELU(approximate='fast')", "likewise"),
    ("nn.ZeroPad2d((1, 2, 3))", "a padding tuple of odd length likewise"),
    (
        "nn.RNNCell(3, 4, nonlinearity='gelu')",
        "likewise: RNN's own check, which PyTorch's RNNCell lacks",
    ),
    ("nn.BatchNorm2d(0)", "no channel to normalise: refused"),
    ("nn.ParameterList([3])", "a ParameterList holds tensors (PyTorch's also keeps other objects)"),
    ("nn.Embedding(10, 3, sparse=True)", "minigrad has no sparse gradients"),
    (
        "nn.Parameter(torch.zeros(3, dtype=torch.int64), requires_grad=False)",
        "a Parameter is floating point even when frozen",
    ),
]


@pytest.mark.parametrize(("ctor", "reason"), DIFFERENCES, ids=[d[0] for d in DIFFERENCES])
def test_refused_where_torch_accepts(ctor: str, reason: str) -> None:
    build(C(ctor), torch)
    with pytest.raises((ValueError, TypeError, RuntimeError, NotImplementedError)):
        build(C(ctor), minigrad)


def test_zero_groups_of_group_norm() -> None:
    """PyTorch's GroupNorm(0, 4) fails on its own modulo by zero; minigrad's says why."""
    with pytest.raises(ZeroDivisionError):
        torch.nn.GroupNorm(0, 4)
    with pytest.raises(
        ValueError, match=r"num_channels \(4\) must be divisible by num_groups \(0\)"
    ):
        mnn.GroupNorm(0, 4)


def test_linear_weight_layout_differs() -> None:
    """Linear's weight is Fortran-ordered (docs/nn.md, "Linear's weight layout"): the shape,
    values and state dict are PyTorch's, ``is_contiguous()`` is not."""
    assert torch.nn.Linear(3, 4).weight.is_contiguous()
    assert not mnn.Linear(3, 4).weight.is_contiguous()


def run_backward(case: Case, lib: Any, module: Any, xs: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Gradients of sum(output * w) (w fixed per output) for the float inputs and the
    parameters."""
    leaves = []
    tensors = []
    for (kind, _), x in zip(case.inputs, xs, strict=True):
        t = lib.from_numpy(x.copy())
        if kind in "fpu":
            t.requires_grad_(True)
            leaves.append(t)
            t = t * 1.0  # not a leaf: in-place activations may write it
        tensors.append(t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outs = [o for o in flatten(module(*tensors)) if o is not None and o.dtype == lib.float64]
    total = None
    for k, o in enumerate(outs):
        w = np.cos(np.arange(o.numel()) + k).reshape(tuple(o.shape))
        term = (o * lib.from_numpy(w)).sum()
        total = term if total is None else total + term
    if total is None or not total.requires_grad:
        return {}
    total.backward()
    grads = {f"input{n}": t.grad.numpy() for n, t in enumerate(leaves)}
    grads.update({k: p.grad.numpy() for k, p in module.named_parameters() if p.grad is not None})
    return grads


# PyTorch's float64 hardsigmoid backward multiplies by 1/6 rounded to float32 (0.16666667163):
# minigrad's exact 1/6 differs from it by 3e-8, relatively.
BACKWARD_RTOL = {"nn.Hardsigmoid()": 1e-7}


@pytest.mark.parametrize("case", FORWARD_CASES, ids=ids(FORWARD_CASES))
def test_backward(case: Case) -> None:
    """The gradients with PyTorch's weights loaded, in evaluation mode (no randomness)."""
    tm, mm = build(case, torch), build(case, minigrad)
    materialise(case, tm, mm)
    tm.double().eval()
    mm.double().eval()
    mm.load_state_dict({k: t.numpy() for k, t in tm.state_dict().items()})
    xs = make_inputs(case, seed=2)
    expected = run_backward(case, torch, tm, xs)
    got = run_backward(case, minigrad, mm, xs)
    assert sorted(got) == sorted(expected)
    for name, e in expected.items():
        rtol = BACKWARD_RTOL.get(case.ctor, 1e-9)
        np.testing.assert_allclose(got[name], e, rtol=rtol, atol=1e-10, err_msg=name)
