"""``torch.nn.utils``' names: gradient clipping (``clip_grad_norm_``, ``clip_grad_value_``),
parameters as one vector and back, and ``rnn`` (``pad_sequence``, ``PackedSequence``,
``pack_padded_sequence``, ``pad_packed_sequence``, ``pack_sequence``), PyTorch's original
``weight_norm``/``remove_weight_norm`` and ``spectral_norm``/``remove_spectral_norm``,
``parametrize`` and ``parametrizations`` (``weight_norm``, ``spectral_norm``), and ``prune``
(pruning by masks); any other name
raises the usual error naming what minigrad does not have."""

from ..._missing import missing_attribute
from . import parametrizations, parametrize, prune, rnn
from .clip_grad import clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__getattr__ = missing_attribute("minigrad.nn.utils", "torch.nn.utils")

__all__ = [
    "clip_grad_norm_",
    "clip_grad_value_",
    "clip_grads_with_norm_",
    "get_total_norm",
    "parameters_to_vector",
    "parametrizations",
    "parametrize",
    "prune",
    "remove_spectral_norm",
    "remove_weight_norm",
    "rnn",
    "spectral_norm",
    "vector_to_parameters",
    "weight_norm",
]
