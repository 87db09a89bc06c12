"""Attention as ``torch.nn`` has it: ``scaled_dot_product_attention``,
``multi_head_attention_forward`` (both re-exported by ``nn.functional``) and
``MultiheadAttention``; ``SDPBackend`` and ``sdpa_kernel`` (``torch.nn.attention``'s).

Everything is composed of existing ops (``matmul``, ``softmax``, ``where``, ``linear``, ``cat``),
so gradients need no rule of their own. Parameter names, shapes, initialisation, mask meanings
and error messages are PyTorch's: a torch state dict loads and gives torch's outputs. This file
imports nothing from ``nn.functional`` (which re-exports it); the Transformer layers, which need
the functional activations and norms, live in ``transformer.py``.
"""

from __future__ import annotations

import contextlib
import enum
import math
import numbers
import warnings
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import numpy as np

from ..activations import softmax
from ..device import as_device
from ..dtypes import default_float, torch_name
from ..functions import cat, linear, where
from ..tensor import Tensor, _new_tensor, as_tensor
from ..validation import ShapeError
from . import init
from ._common import _dropout_mask
from .layers import Linear
from .module import Module, Parameter

__all__ = [
    "MultiheadAttention",
    "NonDynamicallyQuantizableLinear",
    "SDPBackend",
    "multi_head_attention_forward",
    "scaled_dot_product_attention",
    "sdpa_kernel",
]


class SDPBackend(int, enum.Enum):
    """The kernels of ``scaled_dot_product_attention`` (``torch.nn.attention.SDPBackend``),
    with PyTorch's values. minigrad has one kernel, written with ops: it computes what
    PyTorch's ``MATH`` kernel and, on a CPU, its ``FLASH_ATTENTION`` kernel compute."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


_ALL_BACKENDS = frozenset(SDPBackend) - {SDPBackend.ERROR}
_allowed: ContextVar[frozenset[SDPBackend]] = ContextVar("sdpa_backends", default=_ALL_BACKENDS)


@contextlib.contextmanager
def sdpa_kernel(
    backends: list[SDPBackend] | SDPBackend, set_priority: bool = False
) -> Iterator[None]:
    """Within the block, ``scaled_dot_product_attention`` may use only ``backends``
    (``torch.nn.attention.sdpa_kernel``), as on PyTorch's CPU: with ``MATH`` allowed it runs;
    with ``FLASH_ATTENTION`` but not ``MATH`` it runs unless ``dropout_p`` is above 0 (the
    flash kernel has no dropout: PyTorch's warnings, then its ``RuntimeError``); with neither,
    PyTorch's ``RuntimeError`` (the other kernels are GPU kernels). ``set_priority`` (the
    order to try them in) changes nothing: there is one kernel.

    Raises:
        AssertionError: ``backends`` is not an SDPBackend or a list of them (PyTorch's words).
    """
    given = [backends] if isinstance(backends, SDPBackend) else backends
    if not isinstance(given, list | tuple) or not all(isinstance(b, SDPBackend) for b in given):
        raise AssertionError(
            "Backend must be an instance of SDPBackend or a list of SDPBackend instances, got "
            f"{type(backends).__name__}"
        )
    token = _allowed.set(frozenset(given))
    try:
        yield
    finally:
        _allowed.reset(token)


def _check_backends(dropout_p: float) -> None:
    """PyTorch's CPU dispatch under ``sdpa_kernel``: a refusal when no allowed kernel fits."""
    allowed = _allowed.get()
    if SDPBackend.MATH in allowed:
        return
    if SDPBackend.FLASH_ATTENTION in allowed:
        if dropout_p == 0.0:
            return
        warnings.warn("Flash attention kernel not used because:", UserWarning, stacklevel=3)
        warnings.warn(
            "Both fused kernels do not support non-zero dropout.", UserWarning, stacklevel=3
        )
        raise RuntimeError(
            "No available kernel.  Aborting execution. (scaled_dot_product_attention(): the "
            "flash kernel has no dropout; allow SDPBackend.MATH in sdpa_kernel, or pass "
            "dropout_p=0.0)"
        )
    raise RuntimeError(
        "No viable backend for scaled_dot_product_attention was found. This is likely due to "
        "turning off both the math kernel and the fused kernels. (On a CPU only "
        "SDPBackend.MATH and SDPBackend.FLASH_ATTENTION run: allow one of them in sdpa_kernel)"
    )


def _check_dropout_p(p: Any) -> None:
    """PyTorch's refusal of a dropout probability outside [0, 1] (it lets a negative one
    through, meaning no dropout; minigrad refuses that too, as ``F.dropout`` does)."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= float(p) <= 1.0:
        raise RuntimeError(
            f"dropout probability has to be between 0 and 1, but got {p} "
            "(scaled_dot_product_attention(): dropout_p is the probability of zeroing an "
            "attention weight)"
        )


def _dropout(weights: Tensor, p: float) -> Tensor:
    """``F.dropout``'s mask (minigrad's default generator, so ``minigrad.manual_seed`` makes
    it repeat), without its check of p (done before, in PyTorch's words for attention)."""
    return weights if p == 0.0 else _dropout_mask(weights, p, weights.shape)


def _softmax(scores: Tensor, safe: bool) -> Tensor:
    """softmax over the last dim. ``safe``: a row of scores that are all -inf (every key
    masked) gives weights of 0, not NaN, as PyTorch's scaled_dot_product_attention does; the
    -inf row is replaced before the softmax so that no NaN reaches the backward either."""
    if safe:
        dead = np.all(np.isneginf(scores._data), axis=-1, keepdims=True)
        if dead.any():
            return where(dead, 0.0, softmax(where(dead, 0.0, scores), -1))
    return softmax(scores, -1)


def _check_attention_inputs(q: Tensor, k: Tensor, v: Tensor) -> None:
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got "
            f"query.dim: {q.ndim} key.dim: {k.ndim} and value.dim: {v.ndim} instead. "
            "(scaled_dot_product_attention(): shapes are (..., L, E), (..., S, E), (..., S, Ev))"
        )
    dts = (q._data.dtype, k._data.dtype, v._data.dtype)
    if dts[0] != dts[1] or dts[0] != dts[2]:
        names = [torch_name(d, True) for d in dts]
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{names[0]} key.dtype: {names[1]} and value.dtype: {names[2]} instead. "
            "(scaled_dot_product_attention(): convert them first, e.g. key.to(query.dtype))"
        )
    if dts[0].kind != "f":
        raise RuntimeError(
            f"expected scalar type Float but found {torch_name(dts[0])} "
            "(scaled_dot_product_attention(): query, key and value must be floating point)"
        )


def _type_name(x: Any) -> str:
    kind = type(x)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def _check_sizes(q: Tensor, k: Tensor, v: Tensor) -> None:
    """PyTorch's words for a key whose E is not the query's, or a value whose S is not the
    key's (its batched product's message, the batch dims flattened)."""
    try:
        batch = math.prod(np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2]))
    except ValueError:
        return  # (the product's own error names the batch dims that do not broadcast)
    for got, want in ((k.shape[-1], q.shape[-1]), (v.shape[-2], k.shape[-2])):
        if got != want:
            raise ShapeError(
                "Expected size for first two dimensions of batch2 tensor to be: "
                f"[{batch}, {want}] but got: [{batch}, {got}]. (scaled_dot_product_attention(): "
                f"query {tuple(q.shape)}, key {tuple(k.shape)}, value {tuple(v.shape)}; the "
                "key's last dim must be the query's, the value's sequence dim (-2) the key's)"
            )


def _bias(
    mask: Any, is_causal: bool, length: int, source: int, dtype: np.dtype
) -> Tensor | np.ndarray | None:
    """What is added to the scores: 0 where a query may look at a key, -inf where not (a bool
    or causal mask, as a constant array), or a float mask as it is (it may require grad)."""
    if is_causal:
        return np.where(np.tril(np.ones((length, source), dtype=bool)), 0.0, -np.inf).astype(dtype)
    if mask is None:
        return None
    m = as_tensor(mask)
    if m._data.dtype == np.bool_:
        return np.where(m._data, 0.0, -np.inf).astype(dtype)
    if m._data.dtype != dtype:
        raise RuntimeError(
            "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
            f"attn_mask.dtype: {torch_name(m._data.dtype, True)} and  query.dtype: "
            f"{torch_name(dtype, True)} instead. (scaled_dot_product_attention(): a bool mask "
            "(True: take part) or a float mask (added to the scores) of the query's dtype)"
        )
    return m


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    *,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """softmax(Q K^T * scale + bias) V over the last two dims, as ``torch.nn.functional``'s.

    Shapes (..., L, E) for the query, (..., S, E) for the key, (..., S, Ev) for the value; the
    leading (batch, head) dims broadcast. ``scale`` defaults to 1 / sqrt(E).

    Args:
        query, key, value: floating tensors of one dtype.
        attn_mask: a bool mask (True: the query may attend to that key) or a float mask of the
            query's dtype added to the scores; it broadcasts to (..., L, S).
        dropout_p: dropout on the attention weights. Applied whenever it is above 0 (PyTorch's
            rule: pass 0.0 in evaluation).
        is_causal: attend only to keys at or before the query's position (the lower triangle of
            an (L, S) matrix); not together with ``attn_mask``.
        scale: the factor of the scores (keyword only).
        enable_gqa: grouped-query attention: key and value may have fewer heads (dim -3) than
            the query; each is repeated (``repeat_interleave``) up to the query's heads.

    A query whose keys are all masked gets weights of 0 (and an output of 0), not NaN.

    Raises:
        RuntimeError: an input of fewer than 2 dims, dtypes that differ, a mask of another
            float dtype, both ``attn_mask`` and ``is_causal``, ``dropout_p`` outside [0, 1],
            heads that do not divide (``enable_gqa``); shapes that do not fit (ShapeError).
    """
    if attn_mask is not None and not isinstance(attn_mask, Tensor):
        raise TypeError(
            "scaled_dot_product_attention(): argument 'attn_mask' (position 4) must be Tensor, "
            f"not {_type_name(attn_mask)} (a bool mask, True where a query may attend to a key, "
            "or a float mask added to the scores; dropout_p is the fifth argument)"
        )
    q, k, v = as_tensor(query), as_tensor(key), as_tensor(value)
    _check_attention_inputs(q, k, v)
    _check_dropout_p(dropout_p)
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
            "is_causal=True (scaled_dot_product_attention(): pass one of them; is_causal=True "
            "is the lower-triangular bool mask)"
        )
    if enable_gqa:
        for t in (q, k, v):
            if t.ndim < 3:
                raise IndexError(
                    f"Dimension out of range (expected to be in range of [-{t.ndim}, "
                    f"{t.ndim - 1}], but got -3) (scaled_dot_product_attention(): enable_gqa "
                    "needs a heads dim, (..., H, L, E))"
                )
        heads = q.shape[-3]
        if heads % k.shape[-3] or heads % v.shape[-3]:
            raise RuntimeError(
                "Number of heads in key and value must divide the number of heads in "
                f"(scaled_dot_product_attention(): enable_gqa=True, but the query has {heads} "
                f"heads (dim -3), the key {k.shape[-3]} and the value {v.shape[-3]})"
            )
        k = k.repeat_interleave(heads // k.shape[-3], -3)
        v = v.repeat_interleave(heads // v.shape[-3], -3)
    _check_sizes(q, k, v)
    _check_backends(float(dropout_p))
    factor = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.transpose(-2, -1)) * factor
    bias = _bias(attn_mask, is_causal, q.shape[-2], k.shape[-2], q._data.dtype)
    if bias is not None:
        scores = scores + bias
    weights = _dropout(_softmax(scores, safe=True), float(dropout_p))
    return weights @ v


# ---------------------------------------------------------------------------------------------
# Multi-head attention


def _float_mask(mask: Any, name: str, other: Any, other_name: str, dtype: np.dtype) -> Any:
    """PyTorch's ``_canonical_mask``: a bool mask (True: masked out) becomes a float one of 0 and
    -inf in ``dtype``; a float mask is kept; any other dtype is refused. A bool mask beside a
    float one (or the reverse) gets PyTorch's deprecation warning."""
    if mask is None:
        return None
    m = as_tensor(mask)
    kind = m._data.dtype
    if kind != np.bool_ and kind.kind != "f":
        raise AssertionError(
            f"only bool and floating types of {name} are supported (got {torch_name(kind)}: "
            "use a bool mask, True where attention is not allowed, or a float mask added to "
            "the scores)"
        )
    if other is not None and kind != as_tensor(other)._data.dtype:
        warnings.warn(
            f"Support for mismatched {name} and {other_name} is deprecated. Use same type "
            "for both instead.",
            stacklevel=3,
        )
    if kind == np.bool_:
        return _new_tensor(np.where(m._data, -np.inf, 0.0).astype(dtype), None)
    return m


def _shape_check(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    key_padding_mask: Tensor | None,
    attn_mask: Tensor | None,
    num_heads: int,
) -> bool:
    """PyTorch's ``_mha_shape_check``: whether the input is batched (3-D) or not (2-D)."""
    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                f"{key.ndim}-D and {value.ndim}-D tensors respectively"
            )
        if key_padding_mask is not None and key_padding_mask.ndim != 2:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                f"found {key_padding_mask.ndim}-D tensor instead"
            )
        if attn_mask is not None and attn_mask.ndim not in (2, 3):
            raise AssertionError(
                "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                f"found {attn_mask.ndim}-D tensor instead"
            )
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                f"{key.ndim}-D and {value.ndim}-D tensors respectively"
            )
        if key_padding_mask is not None and key_padding_mask.ndim != 1:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                f"but found {key_padding_mask.ndim}-D tensor instead"
            )
        if attn_mask is not None:
            if attn_mask.ndim not in (2, 3):
                raise AssertionError(
                    "For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                    f"but found {attn_mask.ndim}-D tensor instead"
                )
            expected = (num_heads, query.shape[0], key.shape[0])
            if attn_mask.ndim == 3 and tuple(attn_mask.shape) != expected:
                raise AssertionError(
                    f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}"
                )
        return False
    raise AssertionError(
        "query should be unbatched 2D or batched 3D tensor but received "
        f"{query.ndim}-D query tensor"
    )


def _causal_float(length: int, source: int, dtype: np.dtype) -> np.ndarray:
    return np.where(np.tril(np.ones((length, source), dtype=bool)), 0.0, -np.inf).astype(dtype)


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool = True,
    key_padding_mask: Tensor | None = None,
    need_weights: bool = True,
    attn_mask: Tensor | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention of sequence-first input, as ``torch.nn.functional``'s (what
    ``MultiheadAttention.forward`` runs).

    query (L, N, E) or unbatched (L, E); key and value (S, N, E_k), (S, N, E_v) or (S, E_*).
    Masks: ``key_padding_mask`` (N, S) or (S,) and ``attn_mask`` (L, S) or (N * num_heads, L,
    S); a bool mask is True where attention is NOT allowed (the opposite of
    ``scaled_dot_product_attention``'s), a float mask is added to the scores. ``is_causal`` is
    a hint that ``attn_mask`` is the causal mask (it still must be given): without
    ``need_weights`` and ``key_padding_mask``, the causal mask is used in its place.

    Returns:
        (output of the query's shape with E channels, the attention weights or None). The
        weights, with ``need_weights``, are (N, L, S) averaged over heads or (N, num_heads, L,
        S) with ``average_attn_weights=False`` (without N when unbatched); they are taken after
        dropout, and a query whose keys are all masked gets NaN weights and output, as in
        PyTorch (without ``need_weights`` it gets 0, as ``scaled_dot_product_attention``).
    """
    # The identities, before any reshape: self-attention projects with one product
    same_qk, same_kv = query is key, key is value
    query, key, value = as_tensor(query), as_tensor(key), as_tensor(value)
    kpm = None if key_padding_mask is None else as_tensor(key_padding_mask)
    mask = None if attn_mask is None else as_tensor(attn_mask)
    batched = _shape_check(query, key, value, kpm, mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if kpm is not None:
            kpm = kpm.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    dtype = query._data.dtype
    kpm = _float_mask(kpm, "key_padding_mask", mask, "attn_mask", dtype)
    if is_causal and mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
            "module method `generate_square_subsequent_mask` to create this mask."
        )
    use_causal = is_causal and kpm is None and not need_weights
    if use_causal:
        mask = None
    else:
        mask = _float_mask(mask, "attn_mask", None, "", dtype)
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(
                f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                f"{value.shape[:2]}"
            )
    elif key.shape != value.shape:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")

    # In-projection: one product for self-attention, three otherwise
    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        if same_qk and same_kv:
            q, k, v = linear(query, in_proj_weight, in_proj_bias).chunk(3, -1)
        else:
            w_q, w_k, w_v = in_proj_weight.chunk(3)
            b_q, b_k, b_v = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
            q, k, v = linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)
    else:
        for name, w in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if w is None:
                raise AssertionError(
                    f"use_separate_proj_weight is True but {name}_proj_weight is None"
                )
        b_q, b_k, b_v = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
        q = linear(query, q_proj_weight, b_q)  # type: ignore[arg-type]
        k = linear(key, k_proj_weight, b_k)  # type: ignore[arg-type]
        v = linear(value, v_proj_weight, b_v)  # type: ignore[arg-type]

    if mask is not None:
        if mask.ndim == 2:
            if tuple(mask.shape) != (tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 2D attn_mask is {mask.shape}, but should be "
                    f"{(tgt_len, src_len)}."
                )
            mask = mask.unsqueeze(0)
        elif mask.ndim == 3:
            if tuple(mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 3D attn_mask is {mask.shape}, but should be "
                    f"{(bsz * num_heads, tgt_len, src_len)}."
                )
        else:
            raise RuntimeError(f"attn_mask's dimension {mask.ndim} is not supported")

    def pad_one(m: Tensor | None) -> Tensor | None:
        """A column of 0 (attend) for the extra key, as ``F.pad(m, (0, 1))``."""
        if m is None:
            return None
        return cat([m, _new_tensor(np.zeros((*m.shape[:-1], 1), dtype=m._data.dtype), None)], -1)

    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = cat([k, bias_k.expand(1, bsz, embed_dim)])
        v = cat([v, bias_v.expand(1, bsz, embed_dim)])
        mask, kpm = pad_one(mask), pad_one(kpm)
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")

    # Heads: (L, N, E) -> (N * heads, L, head_dim), batch first
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _heads(k, static_k, bsz, num_heads, head_dim, "static_k")
    v = _heads(v, static_v, bsz, num_heads, head_dim, "static_v")
    if add_zero_attn:
        zeros = np.zeros((bsz * num_heads, 1, head_dim), dtype=dtype)
        k, v = cat([k, _new_tensor(zeros, None)], 1), cat([v, _new_tensor(zeros, None)], 1)
        mask, kpm = pad_one(mask), pad_one(kpm)
    src_len = k.shape[1]
    if kpm is not None:
        for axis, size in ((0, bsz), (1, src_len)):
            if kpm.shape[axis] != size:
                raise AssertionError(
                    f"Expected key_padded_mask.shape[{axis}] to be {size}, but got "
                    f"{kpm.shape[axis]}"
                )
        kpm = kpm.reshape(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        mask = kpm if mask is None else mask + kpm
    p = dropout_p if training else 0.0
    if p and not 0.0 <= p <= 1.0:
        # PyTorch's F.dropout (ValueError) with the weights, its attention kernel without
        kind = ValueError if need_weights else RuntimeError
        raise kind(
            f"dropout probability has to be between 0 and 1, but got {p} "
            "(multi_head_attention_forward(): dropout_p, MultiheadAttention's dropout, is the "
            "probability of zeroing an attention weight)"
        )

    scores = (q * math.sqrt(1.0 / head_dim)) @ k.transpose(-2, -1)
    if use_causal:
        scores = scores + _causal_float(tgt_len, src_len, dtype)
    elif mask is not None:
        scores = scores + mask
    # PyTorch's two paths: with the weights a plain softmax (NaN for a query with every key
    # masked), without them scaled_dot_product_attention's (0 for such a query).
    weights = _dropout(_softmax(scores, safe=not need_weights), p)
    out = (weights @ v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    if not need_weights:
        return (out if batched else out.squeeze(1)), None
    weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
    if average_attn_weights:
        weights = weights.mean(1)
    if not batched:
        return out.squeeze(1), weights.squeeze(0)
    return out, weights


def _heads(
    x: Tensor, static: Tensor | None, bsz: int, num_heads: int, head_dim: int, name: str
) -> Tensor:
    """(S, N, E) -> (N * heads, S, head_dim), or the given precomputed ``static`` one."""
    if static is None:
        return x.reshape(x.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    static = as_tensor(static)
    if static.shape[0] != bsz * num_heads:
        raise AssertionError(
            f"expecting {name}.size(0) of {bsz * num_heads}, but got {static.shape[0]}"
        )
    if static.shape[2] != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {static.shape[2]}")
    return static


class NonDynamicallyQuantizableLinear(Linear):
    """``MultiheadAttention.out_proj``: a ``Linear`` under PyTorch's class name (so the module's
    repr reads as PyTorch's)."""


class MultiheadAttention(Module):
    """Multi-head attention, as ``torch.nn.MultiheadAttention``.

    Projects query, key and value to ``num_heads`` heads of ``embed_dim // num_heads`` channels,
    attends in each head (``scaled_dot_product_attention``), concatenates the heads and projects
    them with ``out_proj``. Parameters as PyTorch names them: ``in_proj_weight`` (3E, E) and
    ``in_proj_bias`` (3E,) packing q, k, v; or, when ``kdim`` or ``vdim`` is not ``embed_dim``,
    ``q_proj_weight`` (E, E), ``k_proj_weight`` (E, kdim), ``v_proj_weight`` (E, vdim);
    ``out_proj.weight``/``out_proj.bias``; ``bias_k``/``bias_v`` (1, 1, E) with
    ``add_bias_kv``. Initialised as PyTorch: ``xavier_uniform_`` projections, zero biases,
    ``xavier_normal_`` bias_k and bias_v, ``out_proj.weight`` as a Linear's.

    Args:
        embed_dim: E, the query's channels and the output's.
        num_heads: heads; must divide embed_dim.
        dropout: dropout on the attention weights (in training mode).
        bias: learn the projections' biases.
        add_bias_kv: append a learned key and value (``bias_k``, ``bias_v``) to the sequence.
        add_zero_attn: append a key and value of zeros to the sequence.
        kdim, vdim: the key's and value's channels (default embed_dim).
        batch_first: (N, L, E) input and output instead of (L, N, E).
        device: only the CPU (accepted for PyTorch's signature).
        dtype: parameter dtype (by default ``get_default_dtype()``).

    Raises:
        ValueError: if embed_dim or num_heads is not positive.
        AssertionError: if num_heads does not divide embed_dim (PyTorch's type).
    """

    in_proj_weight: Parameter | None
    in_proj_bias: Parameter | None
    q_proj_weight: Parameter | None
    k_proj_weight: Parameter | None
    v_proj_weight: Parameter | None
    bias_k: Parameter | None
    bias_v: Parameter | None

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                "embed_dim and num_heads must be greater than 0, got "
                f"embed_dim={embed_dim} and num_heads={num_heads} instead"
            )
        as_device(device)
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError(
                f"embed_dim must be divisible by num_heads (got embed_dim={embed_dim} and "
                f"num_heads={num_heads}: each head gets embed_dim // num_heads channels)"
            )
        dt = np.dtype(default_float() if dtype is None else dtype)

        def empty(*shape: int) -> Parameter:
            return Parameter(np.zeros(shape, dtype=dt))

        if not self._qkv_same_embed_dim:
            self.q_proj_weight = empty(embed_dim, embed_dim)
            self.k_proj_weight = empty(embed_dim, self.kdim)
            self.v_proj_weight = empty(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = empty(3 * embed_dim, embed_dim)
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = empty(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dt)
        if add_bias_kv:
            self.bias_k = empty(1, 1, embed_dim)
            self.bias_v = empty(1, 1, embed_dim)
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's initialisation: xavier_uniform_ projections, zero biases, xavier_normal_
        bias_k and bias_v."""
        params = self._parameters
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(params["in_proj_weight"])  # type: ignore[arg-type]
        else:
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                init.xavier_uniform_(params[name])  # type: ignore[arg-type]
        if params["in_proj_bias"] is not None:
            init.constant_(params["in_proj_bias"], 0.0)
            init.constant_(self.out_proj.bias, 0.0)  # type: ignore[arg-type]
        for extra in (self.bias_k, self.bias_v):
            if extra is not None:
                init.xavier_normal_(extra)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend from ``query`` to ``key``/``value``; returns (output, weights or None).

        query (L, N, E), key (S, N, kdim), value (S, N, vdim); (N, L, E)... with
        ``batch_first``; or unbatched (L, E), (S, kdim), (S, vdim). Masks as in
        ``multi_head_attention_forward``: a bool mask is True where attention is NOT allowed.
        """
        # As Tensors, keeping the identities (key is value, query is key): self-attention
        # projects with one product
        same_qk, same_kv = query is key, key is value
        query = as_tensor(query)
        key = query if same_qk else as_tensor(key)
        value = key if same_kv else as_tensor(value)
        is_batched = query.ndim == 3
        dtype = query._data.dtype
        kpm = _float_mask(key_padding_mask, "key_padding_mask", attn_mask, "attn_mask", dtype)
        mask = _float_mask(attn_mask, "attn_mask", None, "", dtype)
        if self.batch_first and is_batched:
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = query.transpose(1, 0), key.transpose(1, 0)
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        out, weights = multi_head_attention_forward(
            query,
            key,
            value,
            self.embed_dim,
            self.num_heads,
            self.in_proj_weight,
            self.in_proj_bias,
            self.bias_k,
            self.bias_v,
            self.add_zero_attn,
            self.dropout,
            self.out_proj.weight,
            self.out_proj.bias,
            training=self.training,
            key_padding_mask=kpm,
            need_weights=need_weights,
            attn_mask=mask,
            use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights,
            is_causal=is_causal,
        )
        if self.batch_first and is_batched:
            return out.transpose(1, 0), weights
        return out, weights
