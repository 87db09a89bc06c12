"""``nn.functional`` beside PyTorch, option by option: the same values and gradients in float64.

Each case is one call written once for both libraries (``call(F, lib, *inputs)``, with ``F``
the library's ``nn.functional``): the losses under every reduction with their weights, ignored
labels, label smoothing and probability targets; the activations with their parameters;
convolutions over strides, paddings (numbers, ``"same"``, ``"valid"``), dilations and groups;
transposed convolutions with output padding; pooling with ceil mode and padding counted or
not; the normalisations, padding modes, shuffles, folds, interpolation modes and attention.

* ``test_same_answer_as_torch``: the outputs (shape, dtype, values) and the gradients of
  ``sum(output * w)`` for every float input agree with PyTorch's.
* ``test_refused_as_torch_refuses``: misuses (labels out of range, a kernel larger than its
  input, a padding larger than the reflection allows...) raise in both.
* ``test_refused_where_torch_answers``: the deliberate differences (docs/pytorch.md), each
  still refused by minigrad with its own message while PyTorch answers.

Weights and other inputs PyTorch does not differentiate are made without ``requires_grad``.
"""

# ruff: noqa: E501  (tables of calls, one a line: easier to read and extend than wrapped)

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as MF

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# An input: (kind, shape or values). "f" standard normal, "p" in [0.2, 2], "u" in [0.05, 0.95],
# "s" rows summing to 1: float64 requiring grad; "w" in [0.2, 2] without grad (weights); "i"
# int64 values.
Spec = tuple[str, Any]
GRAD_KINDS = "fpus"


def f(*shape: int) -> Spec:
    return ("f", shape)


def p(*shape: int) -> Spec:
    return ("p", shape)


def u(*shape: int) -> Spec:
    return ("u", shape)


def s(*shape: int) -> Spec:
    return ("s", shape)


def w(*shape: int) -> Spec:
    return ("w", shape)


def i(values: Any) -> Spec:
    return ("i", values)


@dataclass(frozen=True)
class Case:
    label: str
    call: Callable[..., Any]
    inputs: tuple[Spec, ...]

    def __str__(self) -> str:
        return self.label


def _array(spec: Spec, rng: np.random.Generator) -> np.ndarray:
    kind, arg = spec
    if kind == "f":
        return rng.standard_normal(arg)
    if kind in "pw":
        return rng.uniform(0.2, 2.0, arg)
    if kind == "u":
        return rng.uniform(0.05, 0.95, arg)
    if kind == "s":
        return rng.dirichlet(np.ones(arg[-1]), size=arg[:-1])
    return np.asarray(arg, dtype=np.int64)


def _run(lib: Any, functional: Any, case: Case, arrays: list[np.ndarray]) -> Any:
    """The call's outputs (arrays, dtype names) and the gradients of sum(output * w)."""
    inputs = []
    for (kind, _), a in zip(case.inputs, arrays):
        t = lib.tensor(a.copy())
        inputs.append(t.requires_grad_(True) if kind in GRAD_KINDS else t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = case.call(functional, lib, *inputs)
    outs = out if isinstance(out, tuple) else (out,)
    values = [o.detach().numpy().copy() for o in outs]
    dtypes = [str(o.dtype).rsplit(".", 1)[-1] for o in outs]
    grads = None
    if outs[0].requires_grad and outs[0].numel():
        weights = np.linspace(-1.0, 1.5, outs[0].numel()).reshape(tuple(outs[0].shape))
        (outs[0] * lib.tensor(weights)).sum().backward()
        grads = [
            None if t.grad is None else t.grad.numpy().copy() for t in inputs if t.requires_grad
        ]
    return values, dtypes, grads


def _both(case: Case) -> tuple[Any, Any]:
    """Each library's result, or the exception it raised."""
    rng = np.random.default_rng(0)
    arrays = [_array(spec, rng) for spec in case.inputs]
    results = []
    for lib, functional in ((torch, TF), (minigrad, MF)):
        try:
            results.append(_run(lib, functional, case, arrays))
        except Exception as e:
            results.append(e)
    return results[0], results[1]


# ---------------------------------------------------------------------------------------------
# The calls


def _losses() -> Iterator[Case]:
    labels = i([0, 4, 2, 2])
    for r in ("mean", "sum", "none"):
        yield from [
            Case(f"mse {r}", lambda F, L, x, y, r=r: F.mse_loss(x, y, reduction=r), (f(3, 4), f(3, 4))),
            Case(f"l1 {r}", lambda F, L, x, y, r=r: F.l1_loss(x, y, reduction=r), (f(3, 4), f(3, 4))),
            Case(f"huber {r}", lambda F, L, x, y, r=r: F.huber_loss(x, y, reduction=r, delta=0.7), (f(3, 4), f(3, 4))),
            Case(f"bce {r}", lambda F, L, x, y, r=r: F.binary_cross_entropy(x, y, reduction=r), (u(3, 4), u(3, 4))),
            Case(f"bce weight {r}", lambda F, L, x, y, v, r=r: F.binary_cross_entropy(x, y, weight=v, reduction=r), (u(3, 4), u(3, 4), w(4))),
            Case(f"bce logits {r}", lambda F, L, x, y, r=r: F.binary_cross_entropy_with_logits(x, y, reduction=r), (f(3, 4), u(3, 4))),
            Case(f"bce logits weights {r}", lambda F, L, x, y, v, pw, r=r: F.binary_cross_entropy_with_logits(x, y, weight=v, pos_weight=pw, reduction=r), (f(3, 4), u(3, 4), w(3, 1), w(4))),
            Case(f"ce {r}", lambda F, L, x, y, r=r: F.cross_entropy(x, y, reduction=r), (f(4, 5), labels)),
            Case(f"ce weight ignore {r}", lambda F, L, x, y, v, r=r: F.cross_entropy(x, y, weight=v, ignore_index=2, reduction=r), (f(4, 5), labels, w(5))),
            Case(f"ce smoothing {r}", lambda F, L, x, y, r=r: F.cross_entropy(x, y, label_smoothing=0.2, reduction=r), (f(4, 5), labels)),
            Case(f"ce smoothing weight ignore {r}", lambda F, L, x, y, v, r=r: F.cross_entropy(x, y, weight=v, ignore_index=4, label_smoothing=0.2, reduction=r), (f(4, 5), labels, w(5))),
            Case(f"ce probabilities {r}", lambda F, L, x, y, r=r: F.cross_entropy(x, y, reduction=r), (f(4, 5), s(4, 5))),
            Case(f"ce probabilities smoothing weight {r}", lambda F, L, x, y, v, r=r: F.cross_entropy(x, y, weight=v, label_smoothing=0.1, reduction=r), (f(4, 5), s(4, 5), w(5))),
            Case(f"ce (N, C, d) weight ignore {r}", lambda F, L, x, y, v, r=r: F.cross_entropy(x, y, weight=v, ignore_index=1, reduction=r), (f(2, 3, 4), i([[0, 1, 2, 2], [1, 1, 0, 2]]), w(3))),
            Case(f"ce (C,) {r}", lambda F, L, x, y, r=r: F.cross_entropy(x, y, reduction=r), (f(5), i(3))),
            Case(f"nll weight ignore {r}", lambda F, L, x, y, v, r=r: F.nll_loss(x, y, weight=v, ignore_index=0, reduction=r), (f(4, 5), labels, w(5))),
            Case(f"kl_div {r}", lambda F, L, x, y, r=r: F.kl_div(x, y, reduction=r), (f(3, 4), u(3, 4))),
            Case(f"kl_div log_target {r}", lambda F, L, x, y, r=r: F.kl_div(x, y, reduction=r, log_target=True), (f(3, 4), f(3, 4))),
            Case(f"margin_ranking {r}", lambda F, L, a, b, y, r=r: F.margin_ranking_loss(a, b, y, margin=0.3, reduction=r), (f(5), f(5), f(5))),
            Case(f"hinge_embedding {r}", lambda F, L, x, r=r: F.hinge_embedding_loss(x, L.tensor([1.0, -1, 1, -1, 1], dtype=L.float64), margin=0.5, reduction=r), (f(5),)),
            Case(f"soft_margin {r}", lambda F, L, x, r=r: F.soft_margin_loss(x, L.tensor([1.0, -1, 1, -1, 1], dtype=L.float64), reduction=r), (f(5),)),
            Case(f"multilabel_soft_margin weight {r}", lambda F, L, x, y, v, r=r: F.multilabel_soft_margin_loss(x, y, weight=v, reduction=r), (f(3, 4), u(3, 4), w(4))),
            Case(f"multi_margin p=2 weight {r}", lambda F, L, x, y, v, r=r: F.multi_margin_loss(x, y, p=2, margin=0.7, weight=v, reduction=r), (f(4, 5), labels, w(5))),
            Case(f"multilabel_margin {r}", lambda F, L, x, r=r: F.multilabel_margin_loss(x, L.tensor([[3, 0, -1, 1], [1, 2, 3, -1]]), reduction=r), (f(2, 4),)),
            Case(f"poisson_nll {r}", lambda F, L, x, y, r=r: F.poisson_nll_loss(x, y, reduction=r), (f(3, 4), p(3, 4))),
            Case(f"poisson_nll rates full {r}", lambda F, L, x, y, r=r: F.poisson_nll_loss(x, y, log_input=False, full=True, reduction=r), (p(3, 4), p(3, 4))),
            Case(f"gaussian_nll full {r}", lambda F, L, x, y, v, r=r: F.gaussian_nll_loss(x, y, v, full=True, reduction=r), (f(3, 4), f(3, 4), p(3, 1))),
            Case(f"cosine_embedding {r}", lambda F, L, a, b, r=r: F.cosine_embedding_loss(a, b, L.tensor([1, -1, 1]), margin=0.2, reduction=r), (f(3, 4), f(3, 4))),
            Case(f"triplet swap p=1 {r}", lambda F, L, a, q, n, r=r: F.triplet_margin_loss(a, q, n, p=1, swap=True, reduction=r), (f(3, 4), f(3, 4), f(3, 4))),
            Case(f"triplet with distance {r}", lambda F, L, a, q, n, r=r: F.triplet_margin_with_distance_loss(a, q, n, margin=0.5, reduction=r), (f(3, 4), f(3, 4), f(3, 4))),
        ]  # fmt: skip
        for beta in (1.0, 0.5, 0.0):
            yield Case(f"smooth_l1 beta={beta} {r}", lambda F, L, x, y, r=r, b=beta: F.smooth_l1_loss(x, y, reduction=r, beta=b), (f(3, 4), f(3, 4)))  # fmt: skip


ACTIVATIONS: list[tuple[str, dict[str, Any]]] = [
    ("relu", {}), ("relu6", {}), ("elu", {"alpha": 0.7}), ("selu", {}), ("celu", {"alpha": 0.5}),
    ("leaky_relu", {"negative_slope": 0.2}), ("gelu", {}), ("gelu", {"approximate": "tanh"}),
    ("silu", {}), ("mish", {}), ("softplus", {}), ("softplus", {"beta": 2.0, "threshold": 1.0}),
    ("hardtanh", {"min_val": -0.5, "max_val": 0.8}), ("hardswish", {}), ("hardsigmoid", {}),
    ("logsigmoid", {}), ("softsign", {}), ("tanhshrink", {}), ("softshrink", {"lambd": 0.3}),
    ("hardshrink", {"lambd": 0.3}), ("threshold", {"threshold": 0.1, "value": -2.0}),
    ("rrelu", {"training": False}), ("glu", {}), ("glu", {"dim": 0}), ("softmax", {"dim": 1}),
    ("log_softmax", {"dim": 0}), ("softmin", {"dim": 1}), ("normalize", {}),
    ("normalize", {"p": 1, "dim": 0}), ("dropout", {"p": 0.0}), ("dropout", {"training": False}),
    ("alpha_dropout", {"training": False}), ("sigmoid", {}), ("tanh", {}),
]  # fmt: skip


def _activations() -> Iterator[Case]:
    for name, kw in ACTIVATIONS:
        yield Case(f"{name} {kw}", lambda F, L, x, n=name, k=kw: getattr(F, n)(x, **k), (f(4, 6),))
        yield Case(f"{name} {kw} x100", lambda F, L, x, n=name, k=kw: getattr(F, n)(x * 100, **k), (f(4, 6),))  # fmt: skip
    yield Case("prelu", lambda F, L, x, a: F.prelu(x, a), (f(2, 3, 4), p(3)))
    yield Case("prelu one slope", lambda F, L, x, a: F.prelu(x, a), (f(2, 3, 4), p(1)))


def _layers() -> Iterator[Case]:
    yield from [
        Case("linear", lambda F, L, x, a, b: F.linear(x, a, b), (f(2, 5, 3), f(4, 3), f(4))),
        Case("linear 1-D no bias", lambda F, L, x, a: F.linear(x, a), (f(3), f(4, 3))),
        Case("bilinear", lambda F, L, x, y, a, b: F.bilinear(x, y, a, b), (f(2, 3), f(2, 4), f(5, 3, 4), f(5))),
        Case("cosine_similarity broadcast", lambda F, L, a, b: F.cosine_similarity(a, b, dim=-1), (f(3, 4), f(1, 4))),
        Case("pairwise_distance p=1 keepdim", lambda F, L, a, b: F.pairwise_distance(a, b, p=1.0, keepdim=True), (f(3, 4), f(3, 4))),
        Case("one_hot", lambda F, L: F.one_hot(L.tensor([[0, 2], [1, 3]])), ()),
        Case("embedding padding_idx", lambda F, L, t: F.embedding(L.tensor([[0, 2], [4, 2]]), t, padding_idx=2), (f(5, 3),)),
        Case("embedding padding_idx=-1", lambda F, L, t: F.embedding(L.tensor([[0, 2], [4, 2]]), t, padding_idx=-1), (f(5, 3),)),
        Case("conv2d tuples", lambda F, L, x, k: F.conv2d(x, k, None, stride=(2, 1), padding=(1, 0), dilation=(1, 2)), (f(1, 2, 7, 8), f(3, 2, 3, 3))),
        Case("conv2d unbatched", lambda F, L, x, k: F.conv2d(x, k, padding=1), (f(2, 5, 5), f(3, 2, 3, 3))),
        Case("conv2d same, even kernel", lambda F, L, x, k: F.conv2d(x, k, padding="same"), (f(1, 2, 5, 5), f(3, 2, 4, 2))),
        Case("conv2d same, even kernel, dilated", lambda F, L, x, k: F.conv2d(x, k, padding="same", dilation=2), (f(1, 2, 7, 7), f(3, 2, 2, 3))),
    ]  # fmt: skip
    for st, pd, dl, g in itertools.product((1, 2), (0, 1, "same", "valid"), (1, 2), (1, 2)):
        if pd == "same" and st != 1:
            continue
        yield Case(f"conv2d stride={st} padding={pd} dilation={dl} groups={g}", lambda F, L, x, k, b, a=(st, pd, dl, g): F.conv2d(x, k, b, *a), (f(2, 4, 7, 6), f(6, 4 // g, 3, 2), f(6)))  # fmt: skip
        yield Case(f"conv1d stride={st} padding={pd} dilation={dl} groups={g}", lambda F, L, x, k, b, a=(st, pd, dl, g): F.conv1d(x, k, b, *a), (f(2, 4, 9), f(6, 4 // g, 3), f(6)))  # fmt: skip
    for st, pd, op, dl, g in itertools.product((1, 2), (0, 1), (0, 1), (1, 2), (1, 2)):
        if op >= st and op >= dl:
            continue
        yield Case(f"conv_transpose2d stride={st} padding={pd} output_padding={op} dilation={dl} groups={g}", lambda F, L, x, k, b, a=(st, pd, op, g, dl): F.conv_transpose2d(x, k, b, *a), (f(2, 4, 5, 4), f(4, 6 // g, 3, 2), f(6)))  # fmt: skip
        yield Case(f"conv_transpose1d stride={st} padding={pd} output_padding={op} dilation={dl} groups={g}", lambda F, L, x, k, b, a=(st, pd, op, g, dl): F.conv_transpose1d(x, k, b, *a), (f(2, 4, 5), f(4, 6 // g, 3), f(6)))  # fmt: skip


def _pooling() -> Iterator[Case]:
    for k, st, pd, cm in itertools.product((2, 3), (None, 1, 2), (0, 1), (False, True)):
        if pd > k // 2:
            continue
        a = (k, st, pd)
        yield Case(f"max_pool2d {a} ceil_mode={cm}", lambda F, L, x, a=a, cm=cm: F.max_pool2d(x, *a, ceil_mode=cm), (f(2, 3, 7, 6),))  # fmt: skip
        yield Case(f"max_pool1d {a} ceil_mode={cm}", lambda F, L, x, a=a, cm=cm: F.max_pool1d(x, *a, ceil_mode=cm), (f(2, 3, 7),))  # fmt: skip
        for cip in (True, False):
            yield Case(f"avg_pool2d {a} ceil_mode={cm} count_include_pad={cip}", lambda F, L, x, a=a, cm=cm, cip=cip: F.avg_pool2d(x, *a, ceil_mode=cm, count_include_pad=cip), (f(2, 3, 7, 6),))  # fmt: skip
            yield Case(f"avg_pool1d {a} ceil_mode={cm} count_include_pad={cip}", lambda F, L, x, a=a, cm=cm, cip=cip: F.avg_pool1d(x, *a, ceil_mode=cm, count_include_pad=cip), (f(2, 3, 7),))  # fmt: skip
    yield from [
        Case("avg_pool2d divisor_override", lambda F, L, x: F.avg_pool2d(x, 3, 2, 1, divisor_override=5), (f(1, 2, 7, 6),)),
        Case("max_pool2d dilation", lambda F, L, x: F.max_pool2d(x, 2, 1, 0, dilation=2), (f(1, 2, 7, 6),)),
        Case("max_pool2d return_indices", lambda F, L, x: F.max_pool2d(x, 2, return_indices=True), (f(1, 2, 6, 6),)),
        Case("adaptive_avg_pool1d", lambda F, L, x: F.adaptive_avg_pool1d(x, 3), (f(2, 3, 7),)),
        Case("adaptive_max_pool1d", lambda F, L, x: F.adaptive_max_pool1d(x, 3), (f(2, 3, 7),)),
    ]  # fmt: skip
    for size in (1, 3, (2, 4), (5, 3), (None, 2)):
        yield Case(f"adaptive_avg_pool2d {size}", lambda F, L, x, n=size: F.adaptive_avg_pool2d(x, n), (f(2, 3, 7, 6),))  # fmt: skip
        yield Case(f"adaptive_max_pool2d {size}", lambda F, L, x, n=size: F.adaptive_max_pool2d(x, n), (f(2, 3, 7, 6),))  # fmt: skip


def _stats(L: Any, *values: float) -> Any:
    return L.tensor(list(values), dtype=L.float64)


def _normalisation_and_shapes() -> Iterator[Case]:
    yield from [
        Case("batch_norm training", lambda F, L, x, g, b: F.batch_norm(x, _stats(L, 0, 0, 0), _stats(L, 1, 1, 1), g, b, training=True, momentum=0.2, eps=1e-3), (f(4, 3, 5), p(3), f(3))),
        Case("batch_norm evaluation", lambda F, L, x, g, b: F.batch_norm(x, _stats(L, 0.1, -0.2, 0.3), _stats(L, 1.5, 0.5, 2.0), g, b, training=False), (f(4, 3, 5), p(3), f(3))),
        Case("batch_norm no statistics", lambda F, L, x: F.batch_norm(x, None, None, training=True), (f(4, 3),)),
        Case("layer_norm", lambda F, L, x, g, b: F.layer_norm(x, (3, 5), g, b, eps=1e-4), (f(4, 3, 5), p(3, 5), f(3, 5))),
        Case("group_norm", lambda F, L, x, g, b: F.group_norm(x, 2, g, b), (f(3, 4, 5), p(4), f(4))),
        Case("instance_norm", lambda F, L, x, g, b: F.instance_norm(x, weight=g, bias=b), (f(3, 4, 5), p(4), f(4))),
        Case("rms_norm", lambda F, L, x, g: F.rms_norm(x, (5,), g, eps=1e-5), (f(3, 4, 5), p(5))),
        Case("rms_norm two dims, no eps", lambda F, L, x: F.rms_norm(x, (4, 5)), (f(3, 4, 5),)),
        Case("local_response_norm", lambda F, L, x: F.local_response_norm(x, 3), (f(2, 5, 4, 4),)),
        Case("pad constant", lambda F, L, x: F.pad(x, (1, 2, 0, 1), value=0.5), (f(2, 3, 4),)),
        Case("pad negative", lambda F, L, x: F.pad(x, (-1, 2)), (f(2, 3, 4),)),
        Case("pixel_shuffle", lambda F, L, x: F.pixel_shuffle(x, 2), (f(2, 8, 3, 2),)),
        Case("pixel_unshuffle", lambda F, L, x: F.pixel_unshuffle(x, 2), (f(2, 2, 4, 6),)),
        Case("unfold unbatched", lambda F, L, x: F.unfold(x, 2), (f(2, 3, 4),)),
        Case("unfold", lambda F, L, x: F.unfold(x, (2, 3), dilation=1, padding=1, stride=(2, 1)), (f(2, 3, 5, 6),)),
        Case("fold", lambda F, L, x: F.fold(x, (4, 5), (2, 2), stride=1), (f(2, 12, 12),)),
        Case("channel_shuffle", lambda F, L, x: F.channel_shuffle(x, 2), (f(2, 4, 3, 3),)),
        Case("grid_sample", lambda F, L, x, g: F.grid_sample(x, g, align_corners=False), (f(1, 2, 4, 5), u(1, 3, 3, 2))),
        Case("affine_grid", lambda F, L, t: F.affine_grid(t, (1, 2, 3, 4), align_corners=False), (f(1, 2, 3),)),
        Case("attention", lambda F, L, q, k, v: F.scaled_dot_product_attention(q, k, v), (f(2, 3, 4), f(2, 5, 4), f(2, 5, 6))),
        Case("attention causal", lambda F, L, q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), (f(2, 4, 4), f(2, 4, 4), f(2, 4, 6))),
        Case("attention bool mask", lambda F, L, q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=L.tensor([[True, False, True, True, False]] * 3)), (f(2, 3, 4), f(2, 5, 4), f(2, 5, 6))),
        Case("attention float mask, scale", lambda F, L, q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m, scale=0.3), (f(2, 3, 4), f(2, 5, 4), f(2, 5, 6), f(3, 5))),
    ]  # fmt: skip
    for mode in ("reflect", "replicate", "circular"):
        yield Case(f"pad {mode} 2-D", lambda F, L, x, m=mode: F.pad(x, (1, 2, 2, 1), mode=m), (f(2, 3, 4, 5),))  # fmt: skip
        yield Case(f"pad {mode} 1-D", lambda F, L, x, m=mode: F.pad(x, (2, 1), mode=m), (f(2, 3, 4),))  # fmt: skip
    for mode, corners in [("nearest", None), ("nearest-exact", None), ("bilinear", False), ("bilinear", True), ("area", None)]:  # fmt: skip
        for size in ((5, 7), (3, 2)):
            yield Case(f"interpolate {mode} align_corners={corners} size={size}", lambda F, L, x, m=mode, c=corners, n=size: F.interpolate(x, size=n, mode=m, align_corners=c), (f(2, 3, 4, 5),))  # fmt: skip
        yield Case(f"interpolate {mode} align_corners={corners} scale 1.5", lambda F, L, x, m=mode, c=corners: F.interpolate(x, scale_factor=1.5, mode=m, align_corners=c), (f(2, 3, 4, 5),))  # fmt: skip
    for mode, corners in [("nearest", None), ("linear", False), ("linear", True)]:
        yield Case(f"interpolate 1-D {mode} align_corners={corners}", lambda F, L, x, m=mode, c=corners: F.interpolate(x, size=7, mode=m, align_corners=c), (f(2, 3, 4),))  # fmt: skip


# PyTorch computes some float64 rules with float32 constants (hardsigmoid's 1/6 is 1.0f / 6.0f,
# 4e-8 off): a mistake in a formula is off by far more than this.
RTOL, ATOL = 1e-7, 1e-10
SAME = [*_losses(), *_activations(), *_layers(), *_pooling(), *_normalisation_and_shapes()]


@pytest.mark.parametrize("case", SAME, ids=str)
def test_same_answer_as_torch(case: Case) -> None:
    expected, got = _both(case)
    if isinstance(expected, Exception) or isinstance(got, Exception):
        pytest.fail(f"torch: {expected!r}\nminigrad: {got!r}")
    (t_values, t_dtypes, t_grads), (m_values, m_dtypes, m_grads) = expected, got
    assert m_dtypes == t_dtypes
    assert [v.shape for v in m_values] == [v.shape for v in t_values]
    for m, t in zip(m_values, t_values):
        np.testing.assert_allclose(m, t, rtol=RTOL, atol=ATOL)
    assert (m_grads is None) == (t_grads is None)
    for m, t in zip(m_grads or [], t_grads or []):
        if t is None:  # PyTorch gives an unused input no gradient; minigrad none or zeros
            assert m is None or not m.any()
        else:
            assert m is not None
            np.testing.assert_allclose(m, t, rtol=RTOL, atol=ATOL)


# ---------------------------------------------------------------------------------------------
# Misuses

REFUSED = [
    Case("ce label out of range", lambda F, L, x, y: F.cross_entropy(x, y), (f(4, 5), i([0, 5, 2, 2]))),
    Case("ce negative label", lambda F, L, x, y: F.cross_entropy(x, y), (f(4, 5), i([0, -1, 2, 2]))),
    Case("ce labels of another length", lambda F, L, x, y: F.cross_entropy(x, y), (f(4, 5), i([0, 1, 2]))),
    Case("ce probabilities of another shape", lambda F, L, x, y: F.cross_entropy(x, y), (f(4, 5), u(4, 4))),
    Case("ce weight of another size", lambda F, L, x, y, v: F.cross_entropy(x, y, weight=v), (f(4, 5), i([0, 1, 2, 2]), w(4))),
    Case("ce label_smoothing over 1", lambda F, L, x, y: F.cross_entropy(x, y, label_smoothing=1.5), (f(4, 5), i([0, 1, 2, 2]))),
    Case("ce int32 labels", lambda F, L, x: F.cross_entropy(x, L.tensor([0, 1], dtype=L.int32)), (f(2, 3),)),
    Case("ce integer logits", lambda F, L, y: F.cross_entropy(L.tensor([[1, 2], [3, 4]]), y), (i([0, 1]),)),
    Case("nll (N, C, d) labels of another shape", lambda F, L, x, y: F.nll_loss(x, y), (f(2, 3, 4), i([[0, 1, 2], [1, 1, 0]]))),
    Case("nll float labels", lambda F, L, x: F.nll_loss(x, L.tensor([0.0, 1.0])), (f(2, 3),)),
    Case("bce input outside [0, 1]", lambda F, L, x, y: F.binary_cross_entropy(x, y), (f(3), u(3))),
    Case("bce target outside [0, 1]", lambda F, L, x, y: F.binary_cross_entropy(x, y * 3), (u(3), u(3))),
    Case("kl_div of another shape", lambda F, L, x, y: F.kl_div(x, y), (f(3, 4), u(4, 3))),
    Case("mse of transposed shapes", lambda F, L, x, y: F.mse_loss(x, y), (f(3, 4), f(4, 3))),
    Case("mse of integers", lambda F, L: F.mse_loss(L.tensor([1, 2]), L.tensor([1, 3])), ()),
    Case("an unknown reduction", lambda F, L, x, y: F.mse_loss(x, y, reduction="avg"), (f(3), f(3))),
    Case("gaussian_nll negative variance", lambda F, L, x, y, v: F.gaussian_nll_loss(x, y, -v), (f(3), f(3), p(3))),
    Case("multi_margin p=3", lambda F, L, x, y: F.multi_margin_loss(x, y, p=3), (f(4, 5), i([0, 4, 2, 2]))),
    Case("margin_ranking target of another size", lambda F, L, a, b: F.margin_ranking_loss(a, b, L.tensor([1.0, -1.0])), (f(3), f(3))),
    Case("conv2d channels", lambda F, L, x, k: F.conv2d(x, k), (f(1, 3, 5, 5), f(2, 2, 3, 3))),
    Case("conv2d kernel larger than input", lambda F, L, x, k: F.conv2d(x, k), (f(1, 2, 2, 2), f(2, 2, 3, 3))),
    Case("conv2d groups", lambda F, L, x, k: F.conv2d(x, k, groups=3), (f(1, 4, 5, 5), f(3, 2, 3, 3))),
    Case("conv2d same with stride", lambda F, L, x, k: F.conv2d(x, k, stride=2, padding="same"), (f(1, 2, 5, 5), f(3, 2, 3, 3))),
    Case("conv2d negative padding", lambda F, L, x, k: F.conv2d(x, k, padding=-1), (f(1, 2, 5, 5), f(3, 2, 3, 3))),
    Case("conv2d stride 0", lambda F, L, x, k: F.conv2d(x, k, stride=0), (f(1, 2, 5, 5), f(3, 2, 3, 3))),
    Case("conv2d 5-D input", lambda F, L, x, k: F.conv2d(x, k), (f(1, 1, 2, 5, 5), f(3, 2, 3, 3))),
    Case("max_pool2d kernel larger than input", lambda F, L, x: F.max_pool2d(x, 4), (f(1, 1, 3, 3),)),
    Case("max_pool2d padding over half the kernel", lambda F, L, x: F.max_pool2d(x, 2, padding=2), (f(1, 1, 5, 5),)),
    Case("avg_pool2d padding over half the kernel", lambda F, L, x: F.avg_pool2d(x, 2, padding=2), (f(1, 1, 5, 5),)),
    Case("max_pool2d stride 0", lambda F, L, x: F.max_pool2d(x, 2, 0), (f(1, 1, 4, 4),)),
    Case("interpolate size and scale_factor", lambda F, L, x: F.interpolate(x, size=3, scale_factor=2), (f(1, 1, 4),)),
    Case("interpolate without a size", lambda F, L, x: F.interpolate(x), (f(1, 1, 4),)),
    Case("interpolate nearest with align_corners", lambda F, L, x: F.interpolate(x, size=3, align_corners=True), (f(1, 1, 4),)),
    Case("interpolate bilinear of a 3-D input", lambda F, L, x: F.interpolate(x, size=3, mode="bilinear"), (f(1, 1, 4),)),
    Case("pad reflect over the size", lambda F, L, x: F.pad(x, (4, 0), mode="reflect"), (f(1, 2, 4),)),
    Case("pad of odd length", lambda F, L, x: F.pad(x, (1, 2, 3)), (f(1, 2, 4),)),
    Case("pad of more dims than the input", lambda F, L, x: F.pad(x, (1,) * 8), (f(2, 4),)),
    Case("layer_norm shape", lambda F, L, x: F.layer_norm(x, (4,)), (f(2, 3),)),
    Case("batch_norm one value per channel", lambda F, L, x: F.batch_norm(x, None, None, training=True), (f(1, 3),)),
    Case("batch_norm statistics of another size", lambda F, L, x: F.batch_norm(x, _stats(L, 0, 0), _stats(L, 1, 1), training=False), (f(4, 3),)),
    Case("group_norm groups", lambda F, L, x: F.group_norm(x, 3), (f(2, 4, 5),)),
    Case("embedding index out of range", lambda F, L, t: F.embedding(L.tensor([0, 5]), t), (f(5, 3),)),
    Case("embedding float indices", lambda F, L, t: F.embedding(L.tensor([0.0, 1.0]), t), (f(5, 3),)),
    Case("embedding padding_idx out of range", lambda F, L, t: F.embedding(L.tensor([0, 1]), t, padding_idx=7), (f(5, 3),)),
    Case("one_hot num_classes too small", lambda F, L: F.one_hot(L.tensor([0, 3]), 3), ()),
    Case("one_hot negative", lambda F, L: F.one_hot(L.tensor([0, -1]), 3), ()),
    Case("pixel_shuffle channels", lambda F, L, x: F.pixel_shuffle(x, 2), (f(1, 6, 2, 2),)),
    Case("glu of an odd dim", lambda F, L, x: F.glu(x), (f(3, 5),)),
    Case("bilinear shapes", lambda F, L, a, b, k: F.bilinear(a, b, k), (f(2, 3), f(2, 4), f(5, 3, 3))),
    Case("attention shapes", lambda F, L, q, k, v: F.scaled_dot_product_attention(q, k, v), (f(2, 3, 4), f(2, 5, 3), f(2, 5, 6))),
    Case("linear shapes", lambda F, L, x, a: F.linear(x, a), (f(2, 3), f(4, 5))),
    Case("linear of integers", lambda F, L, a: F.linear(L.tensor([1, 2, 3]), a), (f(2, 3),)),
    Case("dropout p over 1", lambda F, L, x: F.dropout(x, p=1.5), (f(3),)),
    Case("softmax dim out of range", lambda F, L, x: F.softmax(x, dim=3), (f(2, 3, 4),)),
    Case("fold of the wrong size", lambda F, L, x: F.fold(x, (4, 5), (2, 2)), (f(2, 12, 11),)),
    Case("triplet shapes", lambda F, L, a, q, n: F.triplet_margin_loss(a, q, n), (f(3, 4), f(3, 5), f(3, 4))),
    Case("cosine_similarity shapes", lambda F, L, a, b: F.cosine_similarity(a, b), (f(3, 4), f(2, 4))),
]  # fmt: skip


@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_refused_as_torch_refuses(case: Case) -> None:
    expected, got = _both(case)
    assert isinstance(expected, Exception), "PyTorch answered: not a misuse"
    assert isinstance(got, Exception), f"minigrad answered where PyTorch raised {expected!r}"


# Deliberate differences (docs/pytorch.md): minigrad refuses, with its own message, what PyTorch
# answers. Each stays listed only while it still differs.
DIFFERENT = [
    (Case(f"{name} broadcast target", lambda F, L, x, y, n=name: getattr(F, n)(x, y), (f(3, 4), f(4))),
     rf"{name}\(\): target shape \(4,\) must equal input shape \(3, 4\)")
    for name in ("mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss")
] + [
    (Case("interpolate bicubic", lambda F, L, x: F.interpolate(x, size=(5, 7), mode="bicubic"), (f(2, 3, 4, 5),)),
     r"interpolate\(\): minigrad does not have mode 'bicubic'"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "message"), DIFFERENT, ids=lambda c: str(c)[:40])
def test_refused_where_torch_answers(case: Case, message: str) -> None:
    expected, got = _both(case)
    assert not isinstance(expected, Exception), expected
    assert isinstance(got, Exception)
    assert re.search(message, str(got)), got
