"""``torch.nn.utils``' names: gradient clipping (``clip_grad_norm_``, ``clip_grad_value_``),
parameters as one vector and back, and ``rnn`` (``pad_sequence``, ``PackedSequence``,
``pack_padded_sequence``, ``pad_packed_sequence``, ``pack_sequence``), PyTorch's original
``weight_norm``/``remove_weight_norm`` and ``spectral_norm``/``remove_spectral_norm``,
``parametrize`` and ``parametrizations`` (``weight_norm``, ``spectral_norm``), and ``prune``
(pruning by masks), ``fuse_conv_bn_eval``/``fuse_linear_bn_eval`` and their ``_weights``
forms (``fusion``), ``skip_init`` (``init``) and the memory-format conversions (identities:
``memory_format``); any other name
raises the usual error naming what minigrad does not have."""

from ..._missing import missing_attribute
from . import fusion, init, memory_format, parametrizations, parametrize, prune, rnn
from .clip_grad import (
    clip_grad_norm,
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
)
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .fusion import (
    fuse_conv_bn_eval,
    fuse_conv_bn_weights,
    fuse_linear_bn_eval,
    fuse_linear_bn_weights,
)
from .init import skip_init
from .memory_format import convert_conv2d_weight_memory_format, convert_conv3d_weight_memory_format
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__getattr__ = missing_attribute("minigrad.nn.utils", "torch.nn.utils")

__all__ = [
    "clip_grad_norm",
    "clip_grad_norm_",
    "clip_grad_value_",
    "clip_grads_with_norm_",
    "convert_conv2d_weight_memory_format",
    "convert_conv3d_weight_memory_format",
    "fuse_conv_bn_eval",
    "fuse_conv_bn_weights",
    "fuse_linear_bn_eval",
    "fuse_linear_bn_weights",
    "fusion",
    "get_total_norm",
    "init",
    "memory_format",
    "parameters_to_vector",
    "parametrizations",
    "parametrize",
    "prune",
    "remove_spectral_norm",
    "remove_weight_norm",
    "rnn",
    "skip_init",
    "spectral_norm",
    "vector_to_parameters",
    "weight_norm",
]
