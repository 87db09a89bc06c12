"""Attention and the Transformer layers (``F.scaled_dot_product_attention``,
``nn.MultiheadAttention``, ``nn.Transformer*``) and ``RMSNorm`` against torch with the same
weights: outputs, attention weights and every gradient; finite-difference checks; the state
dict's keys; the errors in PyTorch's words."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as MF
from minigrad import nn

MG = SimpleNamespace(t=mg, nn=nn, F=MF)
GEN = np.random.default_rng(0)


def _torch() -> Any:
    torch = pytest.importorskip("torch")
    return SimpleNamespace(t=torch, nn=torch.nn, F=torch.nn.functional)


def _close(ours: np.ndarray, theirs: np.ndarray) -> None:
    """Equal to rounding: tight in float64, float32's precision otherwise."""
    if ours.dtype == np.float64:
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-11)
    else:
        np.testing.assert_allclose(ours, theirs, rtol=2e-4, atol=2e-5)


def _np(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def _pair(T: Any, name: str, dtype: str, *args: Any, **kw: Any) -> tuple[Any, Any]:
    """A torch module and a minigrad one loaded from its state dict (through NumPy)."""
    T.t.manual_seed(0)
    theirs = getattr(T.nn, name)(*args, **kw, dtype=getattr(T.t, dtype))
    ours = getattr(nn, name)(*args, **kw, dtype=dtype)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert list(ours.state_dict()) == list(theirs.state_dict())
    return theirs, ours


def _outputs(out: Any) -> list[Any]:
    """The tensors of a result: a tensor, or (output, weights or None)."""
    if isinstance(out, tuple | list):
        return [o for o in out if o is not None]
    return [out]


def _compare(
    T: Any,
    theirs: Any,
    ours: Any,
    inputs: list[np.ndarray],
    call: Callable[[Any, Any, list[Any]], Any],
) -> None:
    """Run ``call(library, module, leaves)`` under both libraries on the same float inputs;
    compare every result, then the gradients of a random weighted sum of them for every input
    and parameter."""
    t_in = [T.t.tensor(a, requires_grad=True) for a in inputs]
    m_in = [mg.tensor(a, requires_grad=True) for a in inputs]
    t_out = _outputs(call(T, theirs, t_in))
    m_out = _outputs(call(MG, ours, m_in))
    assert len(t_out) == len(m_out)
    loss_t, loss_m = 0, 0
    for t, m in zip(t_out, m_out, strict=True):
        assert tuple(m.shape) == tuple(t.shape)
        _close(m.detach().numpy(), _np(t))
        w = GEN.standard_normal(tuple(t.shape)).astype(inputs[0].dtype)
        loss_t = loss_t + (t * T.t.tensor(w)).sum()
        loss_m = loss_m + (m * mg.tensor(w)).sum()
    loss_t.backward()  # type: ignore[union-attr]
    loss_m.backward()  # type: ignore[union-attr]
    for t, m in zip(t_in, m_in, strict=True):
        _close(m.grad.numpy(), _np(t.grad))
    t_params = dict(theirs.named_parameters()) if theirs is not None else {}
    m_params = dict(ours.named_parameters()) if ours is not None else {}
    assert list(m_params) == list(t_params)
    for name, p in t_params.items():
        assert m_params[name].grad is not None, name
        _close(m_params[name].grad.numpy(), _np(p.grad))


def _randn(*shape: int, dtype: str = "float64") -> np.ndarray:
    return GEN.standard_normal(shape).astype(dtype)


def _mask(L: Any, array: np.ndarray) -> Any:
    return L.t.tensor(array)


# ---------------------------------------------------------------------------------------------
# scaled_dot_product_attention


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(
    "kind", ["plain", "bool", "float", "causal", "scale", "gqa", "broadcast", "all_masked"]
)
def test_sdpa_matches_torch(kind: str, dtype: str) -> None:
    T = _torch()
    q, k = _randn(2, 4, 3, 8, dtype=dtype), _randn(2, 4, 5, 8, dtype=dtype)
    v = _randn(2, 4, 5, 6, dtype=dtype)
    kw: dict[str, Any] = {}
    mask: np.ndarray | None = None
    if kind == "bool":
        mask = GEN.random((3, 5)) < 0.7
        mask[:, 0] = True
    elif kind == "float":
        mask = _randn(2, 1, 3, 5, dtype=dtype)
    elif kind == "causal":
        kw["is_causal"] = True
    elif kind == "scale":
        kw["scale"] = 0.3
    elif kind == "gqa":
        k, v = k[:, :2], v[:, :1]
        kw["enable_gqa"] = True
    elif kind == "broadcast":
        q, k, v = q[0], k[:1, 0], v[:1, 0]  # (4, 3, 8) with (1, 5, 8): batch dims broadcast
    elif kind == "all_masked":
        mask = np.ones((3, 5), dtype=bool)
        mask[1] = False  # a query with no key: weights and output 0, as PyTorch's

    def call(L: Any, _: Any, leaves: list[Any]) -> Any:
        m = None if mask is None else _mask(L, mask)
        return L.F.scaled_dot_product_attention(*leaves, attn_mask=m, **kw)

    _compare(T, None, None, [q, k, v], call)


def test_sdpa_gradcheck_noncontiguous_and_masks() -> None:
    q = mg.tensor(_randn(2, 3, 5), requires_grad=True)  # used transposed: not contiguous
    k = mg.tensor(_randn(2, 4, 3), requires_grad=True)
    v = mg.tensor(_randn(2, 4, 2), requires_grad=True)
    bias = mg.tensor(_randn(5, 4), requires_grad=True)  # a float mask gets a gradient too
    keep = np.ones((5, 4), dtype=bool)
    keep[2, 1:] = False
    keep[3] = False  # a query with no key

    def f(q: mg.Tensor, k: mg.Tensor, v: mg.Tensor, bias: mg.Tensor) -> mg.Tensor:
        qt = q.transpose(-2, -1)
        a = MF.scaled_dot_product_attention(qt, k, v, attn_mask=mg.tensor(keep))
        b = MF.scaled_dot_product_attention(qt, k, v, attn_mask=bias, scale=0.7)
        c = MF.scaled_dot_product_attention(qt, k, v, is_causal=True)
        return a + b + c

    assert not q.transpose(-2, -1).is_contiguous()
    assert mg.gradcheck(f, [q, k, v, bias])
    second = MF.scaled_dot_product_attention
    assert mg.gradgradcheck(lambda q, k, v: second(q.transpose(-2, -1), k, v), [q, k, v])


def test_sdpa_dropout() -> None:
    q, k, v = (mg.tensor(_randn(2, 3, 4)) for _ in range(3))
    mg.manual_seed(1)
    a = MF.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    mg.manual_seed(1)
    b = MF.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # the default generator's draws
    assert not np.allclose(a.numpy(), MF.scaled_dot_product_attention(q, k, v).numpy())
    zero = MF.scaled_dot_product_attention(q, k, v, dropout_p=1.0)
    np.testing.assert_array_equal(zero.numpy(), 0.0)


# ---------------------------------------------------------------------------------------------
# MultiheadAttention


def _mha(T: Any, dtype: str, **kw: Any) -> tuple[Any, Any]:
    return _pair(T, "MultiheadAttention", dtype, 8, 2, **kw)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_self_attention(dtype: str, batch_first: bool, need_weights: bool) -> None:
    T = _torch()
    theirs, ours = _mha(T, dtype, batch_first=batch_first)
    kpm = np.zeros((3, 4) if batch_first else (4, 3), dtype=bool)
    kpm[0, -1] = True

    def call(L: Any, module: Any, leaves: list[Any]) -> Any:
        (x,) = leaves
        mask = _mask(L, kpm)
        return module(x, x, x, key_padding_mask=mask, need_weights=need_weights)

    _compare(T, theirs, ours, [_randn(3, 4, 8, dtype=dtype)], call)


MASKS: dict[str, Callable[[], dict[str, np.ndarray]]] = {
    "attn_bool_2d": lambda: {"attn_mask": np.triu(np.ones((4, 5), dtype=bool), 1)},
    "attn_float_2d": lambda: {"attn_mask": _randn(4, 5)},
    "attn_bool_3d": lambda: {"attn_mask": GEN.random((3 * 2, 4, 5)) < 0.3},
    "attn_float_3d": lambda: {"attn_mask": _randn(3 * 2, 4, 5)},
    "kpm_float": lambda: {"key_padding_mask": np.where(GEN.random((3, 5)) < 0.3, -np.inf, 0.0)},
    "both": lambda: {
        "attn_mask": np.triu(np.ones((4, 5), dtype=bool), 2),
        "key_padding_mask": np.eye(3, 5, 4, dtype=bool),
    },
}


@pytest.mark.parametrize("masks", list(MASKS))
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_cross_attention_masks(masks: str, need_weights: bool) -> None:
    T = _torch()
    theirs, ours = _mha(T, "float64")
    given = MASKS[masks]()

    def call(L: Any, module: Any, leaves: list[Any]) -> Any:
        q, kv = leaves
        kw = {name: _mask(L, m) for name, m in given.items()}
        return module(q, kv, kv, need_weights=need_weights, average_attn_weights=False, **kw)

    _compare(T, theirs, ours, [_randn(4, 3, 8), _randn(5, 3, 8)], call)


@pytest.mark.parametrize(
    "kw",
    [
        {"kdim": 5, "vdim": 3},
        {"add_bias_kv": True, "add_zero_attn": True},
        {"add_zero_attn": True, "bias": False},
        {"kdim": 6, "add_bias_kv": True},
    ],
    ids=["kdim_vdim", "bias_kv_zero_attn", "zero_attn_no_bias", "kdim_bias_kv"],
)
def test_mha_options(kw: dict[str, Any]) -> None:
    T = _torch()
    theirs, ours = _mha(T, "float64", batch_first=True, **kw)
    kdim, vdim = kw.get("kdim", 8), kw.get("vdim", 8)
    kpm = np.zeros((2, 5), dtype=bool)
    kpm[1, 0] = True
    causal = np.triu(np.ones((4, 5), dtype=bool), 2)

    def call(L: Any, module: Any, leaves: list[Any]) -> Any:
        q, k, v = leaves
        return module(q, k, v, key_padding_mask=_mask(L, kpm), attn_mask=_mask(L, causal))

    inputs = [_randn(2, 4, 8), _randn(2, 5, kdim), _randn(2, 5, vdim)]
    _compare(T, theirs, ours, inputs, call)


@pytest.mark.parametrize("mask_dims", [2, 3])
def test_mha_unbatched(mask_dims: int) -> None:
    T = _torch()
    theirs, ours = _mha(T, "float64", batch_first=True)
    mask = GEN.random((4, 5) if mask_dims == 2 else (2, 4, 5)) < 0.3
    mask[..., 0] = False  # every query keeps a key (see test_mha_query_with_every_key_masked)
    kpm = np.zeros(5, dtype=bool)
    kpm[3] = True

    def call(L: Any, module: Any, leaves: list[Any]) -> Any:
        q, kv = leaves
        return module(q, kv, kv, attn_mask=_mask(L, mask), key_padding_mask=_mask(L, kpm))

    _compare(T, theirs, ours, [_randn(4, 8), _randn(5, 8)], call)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_query_with_every_key_masked(need_weights: bool) -> None:
    """PyTorch's two paths: NaN with the weights (a plain softmax), 0 without them."""
    T = _torch()
    theirs, ours = _mha(T, "float64")
    mask = np.zeros((3, 3), dtype=bool)
    mask[1] = True  # query 1 may attend to no key
    x = _randn(3, 2, 8)
    results = []
    for L, module in ((T, theirs), (MG, ours)):
        t = L.t.tensor(x)
        out, _ = module(t, t, t, attn_mask=L.t.tensor(mask), need_weights=need_weights)
        results.append(_np(out))
    _close(results[1], results[0])
    assert np.isnan(results[1][1]).all() == need_weights
    assert np.isfinite(results[1][[0, 2]]).all()


def test_mha_is_causal_hint() -> None:
    """is_causal with the causal mask: the same values with and without weights."""
    T = _torch()
    theirs, ours = _mha(T, "float64")
    causal = np.triu(np.full((4, 4), -np.inf), 1)

    def call(L: Any, module: Any, leaves: list[Any]) -> Any:
        (x,) = leaves
        out, _ = module(x, x, x, attn_mask=_mask(L, causal), is_causal=True, need_weights=False)
        return out

    _compare(T, theirs, ours, [_randn(4, 2, 8)], call)


def test_mha_parameters_init_and_repr() -> None:
    mg.manual_seed(0)
    m = nn.MultiheadAttention(8, 2, kdim=5, vdim=3, add_bias_kv=True)
    shapes = {name: tuple(p.shape) for name, p in m.named_parameters()}
    assert shapes == {
        "q_proj_weight": (8, 8),
        "k_proj_weight": (8, 5),
        "v_proj_weight": (8, 3),
        "in_proj_bias": (24,),
        "bias_k": (1, 1, 8),
        "bias_v": (1, 1, 8),
        "out_proj.weight": (8, 8),
        "out_proj.bias": (8,),
    }
    plain = nn.MultiheadAttention(16, 4)
    assert plain.in_proj_weight is not None and plain.q_proj_weight is None
    bound = np.sqrt(6 / (16 + 48))  # xavier_uniform_ of the (48, 16) packed weight
    w = plain.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    np.testing.assert_array_equal(plain.in_proj_bias.detach().numpy(), 0.0)
    np.testing.assert_array_equal(plain.out_proj.bias.detach().numpy(), 0.0)
    assert "NonDynamicallyQuantizableLinear(in_features=16" in repr(plain)


def test_mha_dropout_only_in_training() -> None:
    m = nn.MultiheadAttention(8, 2, dropout=0.5, dtype="float64")
    x = mg.tensor(_randn(4, 2, 8))
    mg.manual_seed(0)
    _, wa = m(x, x, x)
    m.eval()
    _, wb = m(x, x, x)
    assert not np.allclose(wa.detach().numpy(), wb.detach().numpy())
    np.testing.assert_allclose(wb.detach().numpy().sum(-1), 1.0)


# ---------------------------------------------------------------------------------------------
# Transformer layers


def _layer_kw(activation: str) -> dict[str, Any]:
    return {"dim_feedforward": 16, "dropout": 0.0, "activation": activation}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_layer(dtype: str, norm_first: bool, batch_first: bool) -> None:
    T = _torch()
    kw = _layer_kw("gelu" if norm_first else "relu")
    theirs, ours = _pair(
        T, "TransformerEncoderLayer", dtype, 8, 2, norm_first=norm_first,
        batch_first=batch_first, **kw,
    )  # fmt: skip
    kpm = np.zeros((2, 5), dtype=dtype)
    kpm[1, -2:] = -np.inf  # a float mask beside the float causal mask

    def call(L: Any, module: Any, leaves: list[Any]) -> Any:
        (x,) = leaves
        mask = L.nn.Transformer.generate_square_subsequent_mask(5, dtype=getattr(L.t, dtype))
        return module(x, src_mask=mask, src_key_padding_mask=_mask(L, kpm))

    _compare(
        T, theirs, ours, [_randn(*((2, 5, 8) if batch_first else (5, 2, 8)), dtype=dtype)], call
    )


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer(norm_first: bool) -> None:
    T = _torch()
    theirs, ours = _pair(
        T, "TransformerDecoderLayer", "float64", 8, 2, norm_first=norm_first, **_layer_kw("gelu")
    )
    mem_kpm = np.zeros((2, 6), dtype=bool)
    mem_kpm[0, 0] = True

    def call(L: Any, module: Any, leaves: list[Any]) -> Any:
        tgt, memory = leaves
        mask = L.nn.Transformer.generate_square_subsequent_mask(4, dtype=L.t.float64)
        return module(
            tgt, memory, tgt_mask=mask, memory_key_padding_mask=_mask(L, mem_kpm),
            tgt_is_causal=True,
        )  # fmt: skip

    _compare(T, theirs, ours, [_randn(4, 2, 8), _randn(6, 2, 8)], call)


def test_unbatched_encoder_layer_with_callable_activation() -> None:
    T = _torch()
    T.t.manual_seed(0)
    theirs = T.nn.TransformerEncoderLayer(
        8, 2, 16, 0.0, activation=T.F.silu, dtype=T.t.float64, bias=False
    )
    ours = nn.TransformerEncoderLayer(
        8, 2, 16, 0.0, activation=MF.silu, dtype="float64", bias=False
    )
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    _compare(T, theirs, ours, [_randn(5, 8)], lambda L, module, leaves: module(leaves[0]))


def test_transformer_end_to_end() -> None:
    T = _torch()
    theirs, ours = _pair(
        T, "Transformer", "float64", d_model=8, nhead=2, num_encoder_layers=2,
        num_decoder_layers=1, dim_feedforward=16, dropout=0.0, batch_first=True,
    )  # fmt: skip
    assert "encoder.layers.1.self_attn.in_proj_weight" in ours.state_dict()
    assert "decoder.layers.0.multihead_attn.out_proj.bias" in ours.state_dict()
    src_kpm = np.zeros((2, 5), dtype=bool)
    src_kpm[1, 4] = True

    def call(L: Any, module: Any, leaves: list[Any]) -> Any:
        src, tgt = leaves
        mask = L.nn.Transformer.generate_square_subsequent_mask(3, dtype=L.t.float64)
        kpm = _mask(L, src_kpm)
        return module(
            src, tgt, tgt_mask=mask, src_key_padding_mask=kpm, memory_key_padding_mask=kpm
        )

    _compare(T, theirs, ours, [_randn(2, 5, 8), _randn(2, 3, 8)], call)


def test_encoder_stack_and_init() -> None:
    T = _torch()
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, dtype="float64")
    ours = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8, dtype="float64"),
                                 enable_nested_tensor=False)  # fmt: skip
    assert ours.layers[0].linear1.weight is not ours.layers[1].linear1.weight
    T.t.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (torch's note about its nested-tensor fast path)
        t_layer = T.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, dtype=T.t.float64)
        theirs = T.nn.TransformerEncoder(t_layer, 2, norm=T.nn.LayerNorm(8, dtype=T.t.float64))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    mask = np.triu(np.full((5, 5), -np.inf), 1)

    def call(L: Any, module: Any, leaves: list[Any]) -> Any:
        return module(leaves[0], mask=_mask(L, mask))  # is_causal found from the mask

    _compare(T, theirs, ours, [_randn(5, 3, 8)], call)

    whole = nn.Transformer(16, 4, 1, 1, 32)
    for name, p in whole.named_parameters():
        if p.ndim > 1:  # xavier_uniform_ everywhere, as PyTorch
            bound = np.sqrt(6 / sum(p.shape[:2]))
            assert np.abs(p.detach().numpy()).max() <= bound, name


def test_generate_square_subsequent_mask() -> None:
    m = nn.Transformer.generate_square_subsequent_mask(4)
    assert m.dtype == mg.float32
    expected = np.triu(np.full((4, 4), -np.inf, dtype=np.float32), 1)
    np.testing.assert_array_equal(m.numpy(), expected)
    assert nn.Transformer.generate_square_subsequent_mask(2, dtype=mg.float64).dtype == mg.float64


# ---------------------------------------------------------------------------------------------
# RMSNorm


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw", [{}, {"eps": 1e-3}, {"elementwise_affine": False}])
def test_rms_norm(dtype: str, kw: dict[str, Any]) -> None:
    T = _torch()
    theirs, ours = _pair(T, "RMSNorm", dtype, [3, 4], **kw)
    if ours.weight is not None:  # not all ones, so that the weight's part shows
        w = _randn(3, 4, dtype=dtype)
        ours.weight.data = mg.tensor(w)
        theirs.weight.data = T.t.tensor(w)
    assert repr(ours) == repr(theirs)
    _compare(T, theirs, ours, [_randn(2, 3, 4, dtype=dtype)], lambda L, m, x: m(x[0]))


def test_rms_norm_gradcheck() -> None:
    x = mg.tensor(_randn(4, 3), requires_grad=True)
    w = mg.tensor(_randn(4), requires_grad=True)
    assert mg.gradcheck(lambda x, w: MF.rms_norm(x.t(), (4,), w, 1e-6), [x, w])


# ---------------------------------------------------------------------------------------------
# Misuse: PyTorch's type and, first, its words


def _q(L: Any, *shape: int) -> Any:
    return L.t.ones(*shape)


MISUSES: list[tuple[str, Callable[[Any], Any]]] = [
    ("mha_embed_zero", lambda L: L.nn.MultiheadAttention(0, 2)),
    ("mha_not_divisible", lambda L: L.nn.MultiheadAttention(6, 4)),
    ("mha_4d_query", lambda L: L.nn.MultiheadAttention(8, 2)(*[_q(L, 1, 2, 3, 8)] * 3)),
    (
        "mha_2d_key",
        lambda L: L.nn.MultiheadAttention(8, 2)(_q(L, 3, 2, 8), _q(L, 3, 8), _q(L, 3, 8)),
    ),
    (
        "mha_unbatched_3d_key",
        lambda L: L.nn.MultiheadAttention(8, 2)(_q(L, 3, 8), _q(L, 3, 1, 8), _q(L, 3, 8)),
    ),
    ("mha_embed_mismatch", lambda L: L.nn.MultiheadAttention(8, 2)(*[_q(L, 3, 2, 6)] * 3)),
    (
        "mha_key_value_shapes",
        lambda L: L.nn.MultiheadAttention(8, 2)(_q(L, 3, 2, 8), _q(L, 4, 2, 8), _q(L, 5, 2, 8)),
    ),
    (
        "mha_kpm_ndim",
        lambda L: L.nn.MultiheadAttention(8, 2)(
            *[_q(L, 3, 2, 8)] * 3, key_padding_mask=L.t.zeros(3, dtype=L.t.bool)
        ),
    ),
    (
        "mha_kpm_size",
        lambda L: L.nn.MultiheadAttention(8, 2)(
            *[_q(L, 3, 2, 8)] * 3, key_padding_mask=L.t.zeros(2, 4, dtype=L.t.bool)
        ),
    ),
    (
        "mha_mask_4d",
        lambda L: L.nn.MultiheadAttention(8, 2)(*[_q(L, 3, 2, 8)] * 3, attn_mask=_q(L, 1, 1, 3, 3)),
    ),
    (
        "mha_mask_2d_shape",
        lambda L: L.nn.MultiheadAttention(8, 2)(*[_q(L, 3, 2, 8)] * 3, attn_mask=_q(L, 3, 4)),
    ),
    (
        "mha_mask_3d_shape",
        lambda L: L.nn.MultiheadAttention(8, 2)(*[_q(L, 3, 2, 8)] * 3, attn_mask=_q(L, 2, 3, 3)),
    ),
    (
        "mha_unbatched_mask_3d_shape",
        lambda L: L.nn.MultiheadAttention(8, 2)(*[_q(L, 3, 8)] * 3, attn_mask=_q(L, 3, 3, 3)),
    ),
    (
        "mha_int_mask",
        lambda L: L.nn.MultiheadAttention(8, 2)(
            *[_q(L, 3, 2, 8)] * 3, attn_mask=L.t.zeros(3, 3, dtype=L.t.int64)
        ),
    ),
    (
        "mha_dropout_with_weights",
        lambda L: L.nn.MultiheadAttention(8, 2, dropout=1.5)(*[_q(L, 3, 2, 8)] * 3),
    ),
    (
        "mha_dropout_without_weights",
        lambda L: L.nn.MultiheadAttention(8, 2, dropout=1.5)(
            *[_q(L, 3, 2, 8)] * 3, need_weights=False
        ),
    ),
    (
        "mha_causal_without_mask",
        lambda L: L.nn.MultiheadAttention(8, 2)(*[_q(L, 3, 2, 8)] * 3, is_causal=True),
    ),
    (
        "encoder_causal_without_mask",
        lambda L: L.nn.TransformerEncoderLayer(8, 2, 16)(_q(L, 3, 2, 8), is_causal=True),
    ),
    ("activation_name", lambda L: L.nn.TransformerEncoderLayer(8, 2, activation="tanh")),
    (
        "transformer_batch",
        lambda L: L.nn.Transformer(8, 2, 1, 1, 16)(_q(L, 3, 2, 8), _q(L, 3, 3, 8)),
    ),
    (
        "transformer_features",
        lambda L: L.nn.Transformer(8, 2, 1, 1, 16)(_q(L, 3, 2, 8), _q(L, 3, 2, 6)),
    ),
    (
        "sdpa_causal_and_mask",
        lambda L: L.F.scaled_dot_product_attention(
            *[_q(L, 3, 4)] * 3, attn_mask=L.t.ones(3, 3, dtype=L.t.bool), is_causal=True
        ),
    ),
    ("sdpa_1d", lambda L: L.F.scaled_dot_product_attention(*[_q(L, 4)] * 3)),
    (
        "sdpa_dtypes",
        lambda L: L.F.scaled_dot_product_attention(_q(L, 3, 4), _q(L, 3, 4).double(), _q(L, 3, 4)),
    ),
    (
        "sdpa_mask_dtype",
        lambda L: L.F.scaled_dot_product_attention(
            *[_q(L, 3, 4)] * 3, attn_mask=L.t.zeros(3, 3, dtype=L.t.int64)
        ),
    ),
    (
        "sdpa_mask_float64",
        lambda L: L.F.scaled_dot_product_attention(
            *[_q(L, 3, 4)] * 3, attn_mask=L.t.zeros(3, 3, dtype=L.t.float64)
        ),
    ),
    ("sdpa_mask_number", lambda L: L.F.scaled_dot_product_attention(*[_q(L, 3, 4)] * 3, 1.5)),
    (
        "sdpa_dropout_p",
        lambda L: L.F.scaled_dot_product_attention(*[_q(L, 3, 4)] * 3, dropout_p=1.5),
    ),
    (
        "sdpa_key_dim",
        lambda L: L.F.scaled_dot_product_attention(_q(L, 2, 3, 4), _q(L, 2, 5, 3), _q(L, 2, 5, 4)),
    ),
    (
        "sdpa_value_len",
        lambda L: L.F.scaled_dot_product_attention(_q(L, 2, 3, 4), _q(L, 2, 5, 4), _q(L, 2, 6, 4)),
    ),
    (
        "sdpa_gqa_heads",
        lambda L: L.F.scaled_dot_product_attention(
            _q(L, 4, 3, 8), _q(L, 3, 5, 8), _q(L, 3, 5, 8), enable_gqa=True
        ),
    ),
    (
        "sdpa_gqa_2d",
        lambda L: L.F.scaled_dot_product_attention(*[_q(L, 3, 8)] * 3, enable_gqa=True),
    ),
    ("rms_norm_shape", lambda L: L.F.rms_norm(_q(L, 2, 3), (4,))),
    ("rms_norm_weight", lambda L: L.F.rms_norm(_q(L, 2, 3), (3,), weight=_q(L, 2))),
    ("rms_norm_empty", lambda L: L.F.rms_norm(_q(L, 2, 3), [])),
    ("rms_norm_int", lambda L: L.F.rms_norm(L.t.ones(2, 3, dtype=L.t.int32), (3,))),
]


def _raised(fn: Callable[[Any], Any], L: Any) -> BaseException:
    with pytest.raises(Exception) as info:  # (its type is compared with torch's)
        fn(L)
    return info.value


@pytest.mark.filterwarnings("ignore:enable_nested_tensor")  # (torch's, about its fast path)
@pytest.mark.parametrize("name", [n for n, _ in MISUSES])
def test_misuse_matches_torch(name: str) -> None:
    fn = dict(MISUSES)[name]
    ours = _raised(fn, MG)
    T = _torch()
    theirs = _raised(fn, T)
    assert isinstance(ours, type(theirs)), (type(ours), type(theirs), ours)
    words = str(ours).replace("minigrad.Size", "torch.Size")
    assert words.startswith(str(theirs)), (str(ours), str(theirs))


def test_mismatched_mask_types_warn_as_torch() -> None:
    m = nn.MultiheadAttention(8, 2)
    x = mg.ones(3, 2, 8)
    kpm = mg.zeros(2, 3, dtype=mg.bool)
    with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask"):
        m(x, x, x, key_padding_mask=kpm, attn_mask=mg.zeros(3, 3))


def test_missing_names_are_gone() -> None:
    for name in ("MultiheadAttention", "Transformer", "TransformerEncoderLayer", "RMSNorm"):
        assert name in nn.__all__ and hasattr(nn, name)
    for name in ("scaled_dot_product_attention", "multi_head_attention_forward", "rms_norm"):
        assert name in MF.__all__ and hasattr(MF, name)
