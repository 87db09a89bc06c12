"""3-d convolutions, pools and batch norm (``Conv3d``, ``ConvTranspose3d``, ``MaxPool3d``,
``AvgPool3d``, ``AdaptiveAvgPool3d``, ``AdaptiveMaxPool3d``, ``MaxUnpool3d``, ``BatchNorm3d`` and
their functions) against PyTorch in float64: values, indices and gradients over a grid of
strides, paddings, dilations, groups and ceil_mode; finite differences at first and second
order (``create_graph``), non-contiguous inputs included; and misuse refused with PyTorch's
exception types and words before any state changes.

Shapes are small on purpose: each case is a few hundred numbers, so the whole file runs in
seconds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from test_conv import test_layer_matches_torch as layer_matches_torch

import minigrad as mg
from minigrad import nn
from minigrad.autograd import gradcheck, gradgradcheck
from minigrad.nn import functional as F


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(3000 + salt)


def _pair(a: np.ndarray, torch: Any) -> tuple[mg.Tensor, Any]:
    """The same float64 values as a minigrad leaf and a torch leaf, both requiring grad."""
    return mg.from_numpy(a.copy()).requires_grad_(), torch.tensor(a, requires_grad=True)


def _same_values_and_grads(
    fn: Callable[..., Any], tfn: Callable[..., Any], arrays: list[np.ndarray], salt: int = 0
) -> None:
    """fn(*minigrad leaves) and tfn(*torch leaves): equal outputs, and equal gradients of
    every leaf for the same random output gradient."""
    torch = pytest.importorskip("torch")
    pairs = [_pair(a, torch) for a in arrays]
    y, ty = fn(*(p[0] for p in pairs)), tfn(*(p[1] for p in pairs))
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = _rng(salt + 1).standard_normal(y.shape)
    y.backward(mg.from_numpy(g))
    ty.backward(torch.from_numpy(g))
    for i, (x, tx) in enumerate(pairs):
        assert x.grad is not None, f"input {i} got no gradient"
        np.testing.assert_allclose(
            x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=f"input {i}"
        )


# ---------------------------------------------------------------------------------------------
# conv3d and conv_transpose3d over a grid of their arguments

CONV_GRID = [
    (stride, padding, dilation, groups)
    for stride, padding, dilation, groups in itertools.product(
        [1, (2, 1, 3)], [0, (1, 0, 2), "same"], [1, (2, 1, 1)], [1, 2]
    )
    if not (padding == "same" and stride != 1)
]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # torch's own
@pytest.mark.parametrize("stride, padding, dilation, groups", CONV_GRID)
def test_conv3d_matches_torch(stride: Any, padding: Any, dilation: Any, groups: int) -> None:
    torch = pytest.importorskip("torch")
    rng = _rng()
    x = rng.standard_normal((2, 4, 5, 4, 6))
    w = rng.standard_normal((6, 4 // groups, 2, 3, 2))
    b = rng.standard_normal(6)
    kw = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    _same_values_and_grads(
        lambda x, w, b: F.conv3d(x, w, b, **kw),
        lambda x, w, b: torch.nn.functional.conv3d(x, w, b, **kw),
        [x, w, b],
    )


CONV_T_GRID = [
    (stride, padding, output_padding, dilation, groups)
    for stride, padding, output_padding, dilation, groups in itertools.product(
        [1, (2, 1, 3)], [0, (1, 0, 1)], [0, (1, 0, 2)], [1, (1, 2, 1)], [1, 2]
    )
    if all(
        o < s or o < d
        for o, s, d in zip(
            np.broadcast_to(output_padding, 3),
            np.broadcast_to(stride, 3),
            np.broadcast_to(dilation, 3),
        )
    )
]


@pytest.mark.parametrize("stride, padding, output_padding, dilation, groups", CONV_T_GRID)
def test_conv_transpose3d_matches_torch(
    stride: Any, padding: Any, output_padding: Any, dilation: Any, groups: int
) -> None:
    torch = pytest.importorskip("torch")
    rng = _rng(1)
    x = rng.standard_normal((2, 4, 3, 2, 3))
    w = rng.standard_normal((4, 6 // groups, 2, 3, 2))
    b = rng.standard_normal(6)
    args = (stride, padding, output_padding, groups, dilation)
    _same_values_and_grads(
        lambda x, w, b: F.conv_transpose3d(x, w, b, *args),
        lambda x, w, b: torch.nn.functional.conv_transpose3d(x, w, b, *args),
        [x, w, b],
    )


def test_conv3d_unbatched_and_without_bias() -> None:
    torch = pytest.importorskip("torch")
    rng = _rng(2)
    x, w = rng.standard_normal((2, 4, 3, 5)), rng.standard_normal((3, 2, 2, 2, 3))
    _same_values_and_grads(
        lambda x, w: F.conv3d(x, w, padding=(0, 1, 1)),
        lambda x, w: torch.nn.functional.conv3d(x, w, padding=(0, 1, 1)),
        [x, w],
    )
    wt = rng.standard_normal((2, 3, 2, 1, 2))
    _same_values_and_grads(
        lambda x, w: F.conv_transpose3d(x, w, stride=2),
        lambda x, w: torch.nn.functional.conv_transpose3d(x, w, stride=2),
        [x, wt],
    )


# ---------------------------------------------------------------------------------------------
# Pools over a grid of their arguments

MAX_GRID = list(
    itertools.product([2, (3, 2, 2)], [None, (1, 2, 1)], [0, 1], [1, (2, 1, 1)], [False, True])
)


@pytest.mark.parametrize("kernel, stride, padding, dilation, ceil_mode", MAX_GRID)
def test_max_pool3d_values_indices_and_gradients_match_torch(
    kernel: Any, stride: Any, padding: int, dilation: Any, ceil_mode: bool
) -> None:
    torch = pytest.importorskip("torch")
    x = _rng(3).standard_normal((2, 2, 6, 5, 7))
    args = (kernel, stride, padding, dilation, ceil_mode)
    _same_values_and_grads(
        lambda x: F.max_pool3d(x, *args),
        lambda x: torch.nn.functional.max_pool3d(x, *args),
        [x],
    )
    _, idx = F.max_pool3d(mg.from_numpy(x), *args, return_indices=True)
    _, tidx = torch.nn.functional.max_pool3d(torch.from_numpy(x), *args, return_indices=True)
    assert idx.dtype == np.int64
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


AVG_GRID = list(
    itertools.product(
        [2, (3, 2, 2)], [None, (1, 2, 1)], [0, 1], [False, True], [True, False], [None, 3]
    )
)


@pytest.mark.parametrize(
    "kernel, stride, padding, ceil_mode, count_include_pad, divisor_override", AVG_GRID
)
def test_avg_pool3d_matches_torch(
    kernel: Any,
    stride: Any,
    padding: int,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
) -> None:
    torch = pytest.importorskip("torch")
    x = _rng(4).standard_normal((2, 2, 5, 4, 7))
    args = (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    _same_values_and_grads(
        lambda x: F.avg_pool3d(x, *args),
        lambda x: torch.nn.functional.avg_pool3d(x, *args),
        [x],
    )


@pytest.mark.parametrize("size", [(2, 3, 2), 1, (None, 2, 3), (4, 1, 5), (5, None, None)])
@pytest.mark.parametrize("name", ["adaptive_avg_pool3d", "adaptive_max_pool3d"])
@pytest.mark.parametrize("batched", [True, False])
def test_adaptive_pools3d_match_torch(size: Any, name: str, batched: bool) -> None:
    torch = pytest.importorskip("torch")
    x = _rng(5).standard_normal((2, 3, 5, 4, 7) if batched else (3, 5, 4, 7))
    _same_values_and_grads(
        lambda x: getattr(F, name)(x, size),
        lambda x: getattr(torch.nn.functional, name)(x, size),
        [x],
    )
    if name == "adaptive_max_pool3d":
        _, idx = F.adaptive_max_pool3d(mg.from_numpy(x), size, return_indices=True)
        _, tidx = torch.nn.functional.adaptive_max_pool3d(
            torch.from_numpy(x), size, return_indices=True
        )
        np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


def test_max_pool3d_ties_and_nan_as_torch() -> None:
    """Ties go to the first maximum of the window, a NaN wins: the same indices and
    gradients as PyTorch's."""
    torch = pytest.importorskip("torch")
    x = np.zeros((1, 2, 4, 4, 4))
    x[0, 0, 1, 2, 3] = np.nan
    x[0, 1, :2, :2, :2] = 1.0  # a whole window tied
    kw = {"kernel_size": 2, "stride": 1, "return_indices": True}
    (y, idx), (ty, tidx) = (
        F.max_pool3d(mg.from_numpy(x), **kw),
        torch.nn.functional.max_pool3d(torch.from_numpy(x), **kw),
    )
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    np.testing.assert_array_equal(np.isnan(y.numpy()), np.isnan(ty.numpy()))
    x[0, 0, 1, 2, 3] = 0.0
    _same_values_and_grads(
        lambda x: F.max_pool3d(x, 2, 1), lambda x: torch.nn.functional.max_pool3d(x, 2, 1), [x]
    )


def test_max_unpool3d_inverts_max_pool3d_as_torch() -> None:
    torch = pytest.importorskip("torch")
    x = _rng(6).standard_normal((2, 2, 5, 4, 6))
    _, idx = F.max_pool3d(mg.from_numpy(x), 2, return_indices=True)
    _, tidx = torch.nn.functional.max_pool3d(torch.from_numpy(x), 2, return_indices=True)
    v = _rng(7).standard_normal(idx.shape)
    _same_values_and_grads(
        lambda v: F.max_unpool3d(v, idx, 2, output_size=x.shape[2:]),
        lambda v: torch.nn.functional.max_unpool3d(v, tidx, 2, output_size=x.shape[2:]),
        [v],
    )
    layer, tlayer = nn.MaxUnpool3d(2), torch.nn.MaxUnpool3d(2)
    np.testing.assert_array_equal(
        layer(mg.from_numpy(v[0]), idx[0]).numpy(),
        tlayer(torch.from_numpy(v[0]), tidx[0]).numpy(),
    )
    assert repr(layer) == repr(tlayer)


# ---------------------------------------------------------------------------------------------
# The layers: state_dict keys, repr, outputs and every parameter's gradient

LAYERS: list[tuple[str, tuple[Any, ...], dict[str, Any], tuple[int, ...]]] = [
    ("Conv3d", (3, 4, 2), {}, (2, 3, 4, 3, 5)),
    ("Conv3d", (4, 6, (3, 2, 2)), {"stride": 2, "padding": 1, "dilation": (1, 2, 1), "groups": 2},
     (2, 4, 5, 6, 4)),
    ("Conv3d", (2, 3, 3), {"padding": "same", "bias": False}, (2, 3, 4, 5)),  # unbatched
    ("Conv3d", (2, 3, 3), {"padding": (1, 2, 1), "padding_mode": "reflect"}, (1, 2, 3, 4, 3)),
    ("Conv3d", (2, 3, 3), {"padding": 1, "padding_mode": "replicate"}, (1, 2, 3, 4, 3)),
    ("Conv3d", (2, 2, 3), {"padding": 2, "padding_mode": "circular", "stride": 2},
     (1, 2, 3, 4, 3)),
    ("ConvTranspose3d", (4, 2, 3), {"stride": 2, "padding": 1, "output_padding": 1},
     (2, 4, 2, 3, 2)),
    ("ConvTranspose3d", (4, 6, (2, 3, 1)), {"groups": 2, "dilation": (2, 1, 1), "bias": False},
     (4, 2, 3, 2)),
    ("MaxPool3d", (2,), {}, (2, 3, 4, 4, 6)),
    ("MaxPool3d", ((3, 2, 2),), {"stride": 2, "padding": 1, "ceil_mode": True}, (3, 5, 6, 5)),
    ("AvgPool3d", (2,), {}, (2, 3, 4, 4, 6)),
    ("AvgPool3d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False,
                          "ceil_mode": True}, (2, 5, 6, 5)),
    ("AvgPool3d", ((2, 3, 2),), {"divisor_override": 5}, (1, 2, 4, 6, 5)),
    ("AdaptiveAvgPool3d", ((2, None, 3),), {}, (2, 3, 5, 4, 7)),
    ("AdaptiveMaxPool3d", (2,), {}, (3, 5, 4, 7)),
    ("BatchNorm3d", (3,), {}, (2, 3, 2, 3, 2)),
    ("BatchNorm3d", (3,), {"affine": False, "momentum": None}, (2, 3, 2, 3, 2)),
]  # fmt: skip


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize(
    "case", LAYERS, ids=[f"{n}{a}{k}".replace(" ", "") for n, a, k, _ in LAYERS]
)
def test_layer_matches_torch(case: Any) -> None:
    """Same weights (float64): the same state_dict keys, repr, outputs, gradients of the input
    and every parameter, and running statistics afterwards (the 2-d layers' check)."""
    layer_matches_torch(case)


def test_conv_transpose3d_output_size_picks_output_padding_as_torch() -> None:
    torch = pytest.importorskip("torch")
    layer = nn.ConvTranspose3d(2, 3, 3, stride=(2, 3, 2), padding=1).double()
    tlayer = torch.nn.ConvTranspose3d(2, 3, 3, stride=(2, 3, 2), padding=1).double()
    tlayer.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in layer.state_dict().items()})
    x = _rng(9).standard_normal((1, 2, 3, 2, 4))
    for size in [(5, 4, 7), (6, 6, 8), (1, 3, 6, 5, 8)]:
        y = layer(mg.from_numpy(x), output_size=size)
        ty = tlayer(torch.from_numpy(x), output_size=size)
        np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-10)


# ---------------------------------------------------------------------------------------------
# Finite differences: first order, and second order under create_graph


def _leaf(a: np.ndarray) -> mg.Tensor:
    return mg.from_numpy(a).requires_grad_()


def _strided(shape: tuple[int, ...], salt: int) -> mg.Tensor:
    """A leaf whose data is a non-contiguous view (every other element of a larger array)."""
    big = _rng(salt).standard_normal((*shape[:-1], 2 * shape[-1]))
    view = big[..., ::2]
    assert not view.flags.c_contiguous
    return _leaf(view)


FD_CASES: dict[str, tuple[Callable[..., Any], list[tuple[int, ...]]]] = {
    "conv3d": (
        lambda x, w, b: F.conv3d(x, w, b, stride=(1, 2, 1), padding=(1, 0, 1), groups=2),
        [(1, 2, 3, 3, 2), (2, 1, 2, 2, 2), (2,)],
    ),
    "conv3d_dilated_transposed_input": (
        lambda x, w: F.conv3d(x.transpose(2, 4), w, dilation=(1, 2, 1)),
        [(1, 2, 2, 3, 3), (2, 2, 2, 2, 1)],
    ),
    "conv_transpose3d": (
        lambda x, w, b: F.conv_transpose3d(
            x, w, b, stride=(2, 1, 2), padding=(0, 1, 0), output_padding=(1, 0, 0)
        ),
        [(1, 2, 2, 2, 2), (2, 2, 2, 2, 2), (2,)],
    ),
    "max_pool3d": (
        lambda x: F.max_pool3d(x, (2, 2, 3), stride=(1, 2, 1), padding=1, ceil_mode=True),
        [(1, 2, 3, 3, 4)],
    ),
    "avg_pool3d": (
        lambda x: F.avg_pool3d(x, 2, 1, 1, ceil_mode=True, count_include_pad=False),
        [(1, 2, 3, 2, 3)],
    ),
    "adaptive_avg_pool3d": (lambda x: F.adaptive_avg_pool3d(x, (2, 1, 3)), [(1, 2, 3, 2, 4)]),
    "adaptive_max_pool3d": (lambda x: F.adaptive_max_pool3d(x, (2, 2, 1)), [(2, 3, 2, 3)]),
    "batch_norm3d": (lambda x: nn.BatchNorm3d(2).double()(x), [(2, 2, 2, 1, 2)]),
}


@pytest.mark.parametrize("contiguous", [True, False])
@pytest.mark.parametrize("name", sorted(FD_CASES))
def test_gradients_match_finite_differences(name: str, contiguous: bool) -> None:
    fn, shapes = FD_CASES[name]
    make = (lambda s, i: _leaf(_rng(20 + i).standard_normal(s))) if contiguous else _strided
    inputs = [make(s, i) for i, s in enumerate(shapes)]
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("name", sorted(FD_CASES))
def test_second_order_matches_finite_differences(name: str) -> None:
    """gradgradcheck differentiates the gradients (create_graph) in the inputs and in the
    output's gradient: the rules of every op used are themselves differentiable."""
    fn, shapes = FD_CASES[name]
    inputs = [_strided(s, 40 + i) if i == 0 else _leaf(_rng(40 + i).standard_normal(s))
              for i, s in enumerate(shapes)]  # fmt: skip
    assert gradgradcheck(fn, inputs)


def test_second_order_matches_torch() -> None:
    """The gradient of a gradient's norm: the same numbers as PyTorch's double backward."""
    torch = pytest.importorskip("torch")
    rng = _rng(50)
    xa, wa = rng.standard_normal((1, 2, 3, 4, 3)), rng.standard_normal((2, 2, 2, 2, 2))
    (x, tx), (w, tw) = _pair(xa, torch), _pair(wa, torch)
    y = F.max_pool3d(F.conv3d(x, w, padding=1), 2, ceil_mode=True)
    ty = torch.nn.functional.max_pool3d(torch.nn.functional.conv3d(tx, tw, padding=1), 2,
                                        ceil_mode=True)  # fmt: skip
    (gx,) = mg.autograd.grad((y * y).sum(), [x], create_graph=True)
    (tgx,) = torch.autograd.grad((ty * ty).sum(), [tx], create_graph=True)
    (gx * gx).sum().backward()
    (tgx * tgx).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# Misuse: PyTorch's exception type and words (minigrad may add the op and the fix after them)

X5 = (1, 2, 4, 4, 4)
MISUSE: dict[str, Callable[[Any], Any]] = {
    "conv3d_rank3": lambda L: L.nn.functional.conv3d(L.ones(2, 4, 4), L.ones(3, 2, 2, 2, 2)),
    "conv3d_rank6": lambda L: L.nn.functional.conv3d(L.ones(1, *X5), L.ones(3, 2, 2, 2, 2)),
    "conv3d_groups": lambda L: L.nn.functional.conv3d(L.ones(*X5), L.ones(3, 1, 2, 2, 2), groups=2),
    "conv3d_channels": lambda L: L.nn.functional.conv3d(
        L.ones(1, 3, 4, 4, 4), L.ones(3, 2, 2, 2, 2)
    ),
    "conv3d_kernel_too_large": lambda L: L.nn.functional.conv3d(
        L.ones(1, 2, 1, 4, 4), L.ones(3, 2, 2, 2, 2)
    ),
    "conv3d_bias": lambda L: L.nn.functional.conv3d(L.ones(*X5), L.ones(3, 2, 2, 2, 2), L.ones(2)),
    "conv_transpose3d_rank": lambda L: L.nn.functional.conv_transpose3d(
        L.ones(2, 4, 4), L.ones(2, 2, 2, 2, 2)
    ),
    "conv_transpose3d_dilation": lambda L: L.nn.functional.conv_transpose3d(
        L.ones(*X5), L.ones(2, 2, 2, 2, 2), dilation=0
    ),
    "conv_transpose3d_output_padding": lambda L: L.nn.functional.conv_transpose3d(
        L.ones(*X5), L.ones(2, 2, 2, 2, 2), stride=2, output_padding=2
    ),
    "Conv3d_channels": lambda L: L.nn.Conv3d(3, 2, 2)(L.ones(*X5)),
    "Conv3d_rank": lambda L: L.nn.Conv3d(2, 2, 2)(L.ones(2, 4, 4)),
    "max_pool3d_rank": lambda L: L.nn.functional.max_pool3d(L.ones(2, 4, 4), 2),
    "avg_pool3d_rank": lambda L: L.nn.functional.avg_pool3d(L.ones(1, *X5), 2),
    "max_pool3d_pad": lambda L: L.nn.functional.max_pool3d(L.ones(*X5), 2, padding=2),
    "max_pool3d_pad_kernel": lambda L: L.nn.functional.max_pool3d(
        L.ones(*X5), 3, padding=2, dilation=2
    ),
    "avg_pool3d_pad": lambda L: L.nn.functional.avg_pool3d(L.ones(*X5), 2, padding=2),
    "max_pool3d_too_small": lambda L: L.nn.functional.max_pool3d(L.ones(1, 1, 1, 4, 4), 2),
    "MaxPool3d_too_small": lambda L: L.nn.MaxPool3d(5)(L.ones(*X5)),
    "avg_pool3d_kernel_larger": lambda L: L.nn.functional.avg_pool3d(
        L.ones(1, 1, 1, 4, 4), 3, 1, padding=1
    ),
    "max_pool3d_kernel_zero": lambda L: L.nn.functional.max_pool3d(L.ones(*X5), 0, 1),
    "max_pool3d_stride_zero": lambda L: L.nn.functional.max_pool3d(L.ones(*X5), 0),
    "avg_pool3d_stride_negative": lambda L: L.nn.functional.avg_pool3d(L.ones(*X5), 2, -1),
    "max_pool3d_dilation": lambda L: L.nn.functional.max_pool3d(L.ones(*X5), 2, 1, dilation=-1),
    "avg_pool3d_pad_negative": lambda L: L.nn.functional.avg_pool3d(L.ones(*X5), 2, 1, -1),
    "max_pool3d_kernel_pair": lambda L: L.nn.functional.max_pool3d(L.ones(*X5), (2, 2)),
    "avg_pool3d_stride_pair": lambda L: L.nn.functional.avg_pool3d(L.ones(*X5), 2, (1, 1)),
    "max_pool3d_kernel_str": lambda L: L.nn.functional.max_pool3d(L.ones(*X5), "a"),
    "max_pool3d_empty": lambda L: L.nn.functional.max_pool3d(L.ones(1, 2, 4, 0, 4), 2),
    "avg_pool3d_empty": lambda L: L.nn.functional.avg_pool3d(L.ones(2, 0, 4, 4), 2),
    "avg_pool3d_divisor_zero": lambda L: L.nn.functional.avg_pool3d(
        L.ones(*X5), 2, divisor_override=0
    ),
    "avg_pool3d_divisor_float": lambda L: L.nn.functional.avg_pool3d(
        L.ones(*X5), 2, divisor_override=1.5
    ),
    "adaptive_avg_pool3d_rank": lambda L: L.nn.functional.adaptive_avg_pool3d(L.ones(2, 4, 4), 2),
    "adaptive_max_pool3d_rank": lambda L: L.nn.functional.adaptive_max_pool3d(L.ones(2, 4, 4), 2),
    "adaptive_avg_pool3d_pair": lambda L: L.nn.functional.adaptive_avg_pool3d(L.ones(*X5), (2, 2)),
    "adaptive_max_pool3d_pair": lambda L: L.nn.functional.adaptive_max_pool3d(L.ones(*X5), (2, 2)),
    "adaptive_avg_pool3d_negative": lambda L: L.nn.functional.adaptive_avg_pool3d(
        L.ones(*X5), (2, -1, 3)
    ),
    "adaptive_max_pool3d_negative": lambda L: L.nn.functional.adaptive_max_pool3d(L.ones(*X5), -1),
    "adaptive_avg_pool3d_empty": lambda L: L.nn.functional.adaptive_avg_pool3d(
        L.ones(1, 2, 0, 4, 4), 2
    ),
    "max_unpool3d_rank": lambda L: L.nn.functional.max_unpool3d(
        L.ones(2, 2, 2), L.zeros(2, 2, 2, dtype=L.long), 2
    ),
    "max_unpool3d_index": lambda L: L.nn.functional.max_unpool3d(
        L.ones(1, 1, 2, 2, 2), L.full((1, 1, 2, 2, 2), 100, dtype=L.long), 2
    ),
    "max_unpool3d_output_size": lambda L: L.nn.functional.max_unpool3d(
        L.ones(1, 1, 2, 2, 2), L.zeros(1, 1, 2, 2, 2, dtype=L.long), 2, output_size=(9, 9, 9)
    ),
    "BatchNorm3d_rank": lambda L: L.nn.BatchNorm3d(2)(L.ones(2, 4, 4, 4)),
}


@pytest.mark.parametrize("name", sorted(MISUSE))
def test_misuse_is_refused_in_torchs_type_and_words(name: str) -> None:
    torch = pytest.importorskip("torch")
    call = MISUSE[name]
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(Exception) as ours:
        call(mg)
    assert type(ours.value) is type(theirs.value), (theirs.value, ours.value)
    assert str(ours.value).startswith(str(theirs.value)), (str(theirs.value), str(ours.value))


# (the layer, words of the error, whether PyTorch refuses it when the layer is made too: it
# takes an output_padding too large and refuses it at the first call, minigrad at once)
LAYER_ARGUMENTS: list[tuple[Callable[[Any], Any], str, bool]] = [
    (lambda L: L.nn.Conv3d(3, 4, 2, groups=2), "in_channels must be divisible by groups", True),
    (lambda L: L.nn.Conv3d(2, 3, 2, groups=2), "out_channels must be divisible by groups", True),
    (lambda L: L.nn.Conv3d(2, 2, 2, stride=2, padding="same"),
     "padding='same' is not supported for strided convolutions", True),
    (lambda L: L.nn.Conv3d(2, 2, 2, padding_mode="edge"), "padding_mode must be one of", True),
    (lambda L: L.nn.ConvTranspose3d(2, 2, 2, stride=2, output_padding=2),
     "output padding must be smaller than either stride or dilation", False),
    (lambda L: L.nn.ConvTranspose3d(2, 2, 2, padding_mode="reflect"),
     'Only "zeros" padding mode is supported for ConvTranspose3d', True),
]  # fmt: skip


@pytest.mark.parametrize("make, words, both", LAYER_ARGUMENTS)
def test_bad_layer_arguments_raise_as_torch(
    make: Callable[[Any], Any], words: str, both: bool
) -> None:
    torch = pytest.importorskip("torch")
    if both:
        with pytest.raises(ValueError, match=words):
            make(torch)
    with pytest.raises(ValueError, match=words):
        make(mg)


def test_refused_batches_leave_batch_norm3d_unchanged() -> None:
    """A refused input moves neither the running statistics nor the batch count."""
    bn = nn.BatchNorm3d(2).double()
    bn(mg.from_numpy(_rng(60).standard_normal((2, 2, 2, 2, 2))))
    before = {k: v.numpy().copy() for k, v in bn.state_dict().items()}
    for bad in [(2, 3, 2, 2, 2), (2, 2, 2, 2), (1, 2, 1, 1, 1)]:
        with pytest.raises((ValueError, RuntimeError)):
            bn(mg.ones(*bad, dtype=mg.float64))
    for key, value in bn.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), before[key])


def test_refused_call_records_no_gradient() -> None:
    """An input refused by a layer gets no gradient and the layer's parameters none either."""
    conv = nn.Conv3d(2, 2, 2)
    x = mg.ones(1, 3, 3, 3, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"expected input\[1, 3, 3, 3, 3\] to have 2"):
        conv(x)
    assert x.grad is None and all(p.grad is None for p in conv.parameters())


def test_names_exist_in_nn_and_functional() -> None:
    layers = "Conv3d ConvTranspose3d MaxPool3d AvgPool3d AdaptiveAvgPool3d AdaptiveMaxPool3d"
    for name in [*layers.split(), "MaxUnpool3d", "BatchNorm3d", "InstanceNorm3d"]:
        assert name in nn.__all__ and isinstance(getattr(nn, name), type)
    functions = "conv3d conv_transpose3d max_pool3d max_pool3d_with_indices avg_pool3d"
    for name in [*functions.split(), "adaptive_avg_pool3d", "adaptive_max_pool3d", "max_unpool3d"]:
        assert name in F.__all__ and callable(getattr(F, name))
