"""The Transformer layers of ``torch.nn``: ``TransformerEncoderLayer``,
``TransformerDecoderLayer``, ``TransformerEncoder``, ``TransformerDecoder`` and ``Transformer``.

Each is composed of ``MultiheadAttention``, ``Linear``, ``Dropout`` and ``LayerNorm`` under
PyTorch's submodule names (``self_attn``, ``linear1``, ``norm1``, ``layers.0``, ``encoder``...),
so state dicts move between the two. PyTorch's inference fast paths (nested tensors, fused
kernels) are options about speed only: they are accepted and ignored.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from ..device import as_device
from ..dtypes import default_float
from ..tensor import Tensor, _new_tensor, as_tensor
from . import functional as F
from . import init
from .activation import GELU, ReLU
from .attention import MultiheadAttention, _float_mask
from .conv import Dropout
from .layers import Linear
from .module import Module, ModuleList
from .normalization import LayerNorm

__all__ = [
    "Transformer",
    "TransformerDecoder",
    "TransformerDecoderLayer",
    "TransformerEncoder",
    "TransformerEncoderLayer",
]

Activation = str | Callable[[Tensor], Tensor]


def _generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
    """(sz, sz) float: -inf above the diagonal (a later position), 0 elsewhere."""
    as_device(device)
    dt = np.dtype(default_float() if dtype is None else dtype)
    return _new_tensor(np.triu(np.full((sz, sz), -np.inf, dtype=dt), 1), None)


def _activation(activation: Activation) -> Callable[[Tensor], Tensor]:
    if isinstance(activation, str):
        if activation == "relu":
            return F.relu
        if activation == "gelu":
            return F.gelu
        raise RuntimeError(
            f"activation should be relu/gelu, not {activation} (or pass a callable, e.g. "
            "F.silu or nn.GELU(approximate='tanh'))"
        )
    return activation


def _relu_or_gelu(activation: Callable[[Tensor], Tensor]) -> int:
    if activation is F.relu or isinstance(activation, ReLU):
        return 1
    if activation is F.gelu or isinstance(activation, GELU):
        return 2
    return 0


def _seq_len(src: Tensor, batch_first: bool) -> int:
    shape = src.shape
    if len(shape) == 2:
        return shape[0]
    return shape[1 if batch_first else 0]


def _detect_is_causal_mask(mask: Any, is_causal: bool | None, size: int | None) -> bool:
    """PyTorch's rule: ``is_causal`` if given; else whether ``mask`` equals the causal mask."""
    if is_causal is not None or mask is None:
        return is_causal is True
    m = as_tensor(mask)
    sz = size if size is not None else m.shape[-2]
    causal = np.triu(np.full((sz, sz), -np.inf, dtype=m._data.dtype), 1)
    return bool(m.shape == causal.shape and np.array_equal(m._data, causal))


def _layer_norm(d_model: int, eps: float, bias: bool, dtype: Any) -> LayerNorm:
    return LayerNorm(d_model, eps=eps, bias=bias, dtype=dtype)


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each with a residual connection and a
    LayerNorm, as ``torch.nn.TransformerEncoderLayer``.

    Post-norm (the default): x = norm1(x + SA(x)); x = norm2(x + FF(x)). With ``norm_first``:
    x = x + SA(norm1(x)); x = x + FF(norm2(x)). FF(x) = linear2(dropout(activation(linear1(x)))).

    Args:
        d_model: the input's channels.
        nhead: attention heads (dividing d_model).
        dim_feedforward: the feed-forward block's hidden width.
        dropout: dropout in attention, after it, and in and after the feed-forward block.
        activation: ``"relu"``, ``"gelu"`` or a callable (a function or a module).
        layer_norm_eps: the norms' eps.
        batch_first: (N, S, E) input instead of (S, N, E).
        norm_first: the pre-norm arrangement above.
        bias: learn the Linear and LayerNorm biases.
        device: only the CPU (accepted for PyTorch's signature).
        dtype: parameter dtype (by default ``get_default_dtype()``).
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        as_device(device)
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = _layer_norm(d_model, layer_norm_eps, bias, dtype)
        self.norm2 = _layer_norm(d_model, layer_norm_eps, bias, dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _activation(activation)
        # PyTorch's record of the activation for its fast path, read by code that inspects
        # a layer: 1 for ReLU, 2 for GELU, 0 for any other
        self.activation_relu_or_gelu = _relu_or_gelu(self.activation)

    def forward(
        self,
        src: Tensor,
        src_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        """src (S, N, E), (N, S, E) with ``batch_first``, or (S, E). ``src_mask`` (S, S) or
        (N * nhead, S, S) and ``src_key_padding_mask`` (N, S): bool True or float -inf where
        attention is not allowed. ``is_causal``: a hint that src_mask is the causal mask."""
        src = as_tensor(src)
        kpm = _float_mask(
            src_key_padding_mask, "src_key_padding_mask", src_mask, "src_mask", src._data.dtype
        )
        mask = _float_mask(src_mask, "src_mask", None, "", src._data.dtype)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), mask, kpm, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, mask, kpm, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(
        self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None, is_causal: bool
    ) -> Tensor:
        x = self.self_attn(
            x,
            x,
            x,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            need_weights=False,
            is_causal=is_causal,
        )[0]
        return self.dropout1(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


class TransformerDecoderLayer(Module):
    """Self-attention, attention to the encoder's output (``memory``), then a feed-forward
    block, each with a residual connection and a LayerNorm, as
    ``torch.nn.TransformerDecoderLayer``.

    Same arguments as ``TransformerEncoderLayer``; the attention to memory is
    ``multihead_attn`` and its norm and dropout ``norm2``/``dropout2`` (the feed-forward's are
    ``norm3``/``dropout3``).
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        as_device(device)
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias, dtype=dtype
        )
        self.multihead_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias, dtype=dtype
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = _layer_norm(d_model, layer_norm_eps, bias, dtype)
        self.norm2 = _layer_norm(d_model, layer_norm_eps, bias, dtype)
        self.norm3 = _layer_norm(d_model, layer_norm_eps, bias, dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = _activation(activation)

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """tgt (T, N, E) and memory (S, N, E) ((N, T, E), (N, S, E) with ``batch_first``);
        ``tgt_mask`` (T, T), ``memory_mask`` (T, S), padding masks (N, T) and (N, S), as in
        ``TransformerEncoderLayer.forward``."""
        x = as_tensor(tgt)
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(
                self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal
            )
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(
                x
                + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            )
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(
        self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None, is_causal: bool
    ) -> Tensor:
        x = self.self_attn(
            x,
            x,
            x,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            is_causal=is_causal,
            need_weights=False,
        )[0]
        return self.dropout1(x)

    def _mha_block(
        self,
        x: Tensor,
        mem: Tensor,
        attn_mask: Tensor | None,
        key_padding_mask: Tensor | None,
        is_causal: bool,
    ) -> Tensor:
        x = self.multihead_attn(
            x,
            mem,
            mem,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            is_causal=is_causal,
            need_weights=False,
        )[0]
        return self.dropout2(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout3(x)


def _clones(module: Module, n: int) -> ModuleList:
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


class TransformerEncoder(Module):
    """``num_layers`` copies of ``encoder_layer`` (``layers.0``, ``layers.1``...), then
    ``norm`` if given, as ``torch.nn.TransformerEncoder``.

    Args:
        encoder_layer: the layer to copy (deep copies: the layers do not share parameters).
        num_layers: how many.
        norm: a module applied to the last layer's output (e.g. a LayerNorm), or None.
        enable_nested_tensor, mask_check: PyTorch's options for its inference fast path
            (padded positions skipped as nested tensors); accepted and ignored: every position
            is computed, so an output at a padded position is a value, where PyTorch's fast
            path (eval mode, no grad) gives 0.
    """

    def __init__(
        self,
        encoder_layer: Module,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        self.layers = _clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = False  # (the fast path PyTorch would take is not there)
        self.mask_check = mask_check

    def forward(
        self,
        src: Tensor,
        mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool | None = None,
    ) -> Tensor:
        """src and masks as in ``TransformerEncoderLayer.forward``. ``is_causal`` None: found by
        comparing ``mask`` with the causal mask."""
        src = as_tensor(src)
        kpm = _float_mask(
            src_key_padding_mask, "src_key_padding_mask", mask, "mask", src._data.dtype
        )
        mask = _float_mask(mask, "mask", None, "", src._data.dtype)
        first = self.layers[0]
        batch_first = bool(getattr(getattr(first, "self_attn", None), "batch_first", False))
        causal = _detect_is_causal_mask(mask, is_causal, _seq_len(src, batch_first))
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, is_causal=causal, src_key_padding_mask=kpm)
        if self.norm is not None:
            output = self.norm(output)
        return output


class TransformerDecoder(Module):
    """``num_layers`` copies of ``decoder_layer``, then ``norm`` if given, as
    ``torch.nn.TransformerDecoder``."""

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Arguments as ``TransformerDecoderLayer.forward``; ``tgt_is_causal`` None: found by
        comparing ``tgt_mask`` with the causal mask."""
        output = as_tensor(tgt)
        first = self.layers[0]
        batch_first = bool(getattr(getattr(first, "self_attn", None), "batch_first", False))
        causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, _seq_len(output, batch_first))
        for layer in self.layers:
            output = layer(
                output,
                memory,
                tgt_mask=tgt_mask,
                memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=causal,
                memory_is_causal=memory_is_causal,
            )
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    """The encoder-decoder Transformer of "Attention Is All You Need", as
    ``torch.nn.Transformer``: ``encoder`` (a TransformerEncoder with a final LayerNorm) and
    ``decoder`` (a TransformerDecoder with one).

    Args:
        d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
            norm_first, bias, device, dtype: as in ``TransformerEncoderLayer``.
        num_encoder_layers, num_decoder_layers: layers of each stack.
        custom_encoder, custom_decoder: modules used instead of the default stacks.

    Every parameter of more than one dimension is initialised with ``xavier_uniform_`` (as in
    PyTorch).
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        custom_encoder: Any | None = None,
        custom_decoder: Any | None = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        as_device(device)
        args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps)
        flags: dict[str, Any] = {"batch_first": batch_first, "norm_first": norm_first}
        flags.update(bias=bias, dtype=dtype)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(
                TransformerEncoderLayer(*args, **flags),
                num_encoder_layers,
                _layer_norm(d_model, layer_norm_eps, bias, dtype),
            )
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(
                TransformerDecoderLayer(*args, **flags),
                num_decoder_layers,
                _layer_norm(d_model, layer_norm_eps, bias, dtype),
            )
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(
        self,
        src: Tensor,
        tgt: Tensor,
        src_mask: Tensor | None = None,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Encode ``src`` (S, N, E), decode ``tgt`` (T, N, E) against it ((N, S, E), (N, T, E)
        with ``batch_first``; unbatched (S, E), (T, E)); returns (T, N, E).

        Raises:
            RuntimeError: if src and tgt have other batch sizes, or channels other than
                d_model.
        """
        src, tgt = as_tensor(src), as_tensor(tgt)
        is_batched = src.ndim == 3
        batch_dim = 0 if self.batch_first else 1
        if is_batched and src.shape[batch_dim] != tgt.shape[batch_dim]:
            raise RuntimeError(
                "the batch number of src and tgt must be equal (Transformer: src "
                f"{tuple(src.shape)}, tgt {tuple(tgt.shape)}, batch_first={self.batch_first})"
            )
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError(
                "the feature number of src and tgt must be equal to d_model (Transformer: "
                f"d_model={self.d_model}, src {tuple(src.shape)}, tgt {tuple(tgt.shape)})"
            )
        memory = self.encoder(
            src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal
        )
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
        """The causal mask for a sequence of ``sz``: float -inf above the diagonal, 0 on and
        below it (dtype by default ``get_default_dtype()``)."""
        return _generate_square_subsequent_mask(sz, device=device, dtype=dtype)

    def _reset_parameters(self) -> None:
        """xavier_uniform_ of every parameter of more than one dimension."""
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)
