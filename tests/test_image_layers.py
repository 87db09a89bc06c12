"""The image layers of PyTorch's generative and segmentation tutorials: transposed convolution,
padding, upsampling (interpolate) and group norm, against PyTorch (values and gradients in
float64 and float32, reprs, errors) and by finite differences (float64, non-contiguous input).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor, nn
from minigrad.nn import functional as F


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(4321 + salt)


def _tolerances(dtype: Any) -> dict[str, float]:
    return {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else {"rtol": 2e-5, "atol": 2e-5}


def _noncontiguous(shape: tuple[int, ...], salt: int = 0) -> Tensor:
    """A float64 leaf whose array is a transposed (non-contiguous) view."""
    a = _rng(salt).standard_normal(shape[::-1]).T
    x = mg.from_numpy(a).requires_grad_()
    assert not x.detach().numpy().flags.c_contiguous
    return x


def _compare(
    fn: Callable[..., Any],
    tfn: Callable[..., Any],
    arrays: list[np.ndarray],
    dtype: Any = np.float64,
    exact: bool = False,
    **kw: Any,
) -> None:
    """fn(*tensors, **kw) against torch's tfn: the output and every input's gradient."""
    torch = pytest.importorskip("torch")
    arrays = [a.astype(dtype) for a in arrays]
    xs = [mg.from_numpy(a).requires_grad_() for a in arrays]
    txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = fn(*xs, **kw), tfn(*txs, **kw)
    assert y.shape == tuple(ty.shape) and y.dtype == np.dtype(dtype)
    tol = _tolerances(dtype)
    if exact:
        np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    else:
        np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), **tol)
    g = _rng(99).standard_normal(y.shape).astype(dtype)
    y.backward(mg.from_numpy(g))
    ty.backward(torch.from_numpy(g))
    for x, tx in zip(xs, txs):
        assert x.grad is not None and x.grad.dtype == np.dtype(dtype)
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), **tol)


# ---------------------------------------------------------------------------------------------
# Transposed convolution

# (input shape, weight shape, stride, padding, output_padding, groups, dilation)
CONV_T: list[tuple[tuple[int, ...], tuple[int, ...], Any, Any, Any, int, Any]] = [
    ((2, 3, 4, 3), (3, 2, 3, 3), 1, 0, 0, 1, 1),
    ((2, 3, 3, 4), (3, 2, 3, 2), 2, 0, 0, 1, 1),
    ((2, 3, 3, 4), (3, 2, 3, 3), 2, 1, 1, 1, 1),
    ((1, 2, 3, 3), (2, 3, 4, 4), 2, 1, 0, 1, 1),  # the DCGAN generator's layer
    ((2, 4, 3, 3), (4, 1, 3, 2), (2, 3), (1, 0), (1, 2), 2, 1),
    ((1, 4, 3, 2), (4, 3, 2, 3), 3, 0, 2, 2, 1),  # output_padding past the padding
    ((2, 2, 3, 3), (2, 2, 3, 3), 1, 1, 1, 1, 2),  # output_padding < dilation
    ((1, 6, 2, 3), (6, 1, 2, 2), 2, (0, 1), 1, 3, (2, 1)),  # depthwise, dilated
    ((3, 4, 3), (3, 2, 3, 3), 2, 1, 1, 1, 1),  # unbatched
    ((2, 3, 5), (3, 2, 3), 1, 0, 0, 1, 1),
    ((2, 4, 4), (4, 3, 3), 2, 1, 1, 2, 2),
    ((1, 2, 3), (2, 2, 2), 3, 1, 2, 1, 1),
    ((3, 4), (3, 2, 4), 2, 1, 0, 1, 1),  # unbatched 1-d
]  # fmt: skip


def _conv_t(x: Any, w: Any, b: Any, case: Any) -> Any:
    """Call conv_transpose1d/2d of x's library (minigrad or torch) for a CONV_T case."""
    _, wshape, stride, padding, output_padding, groups, dilation = case
    lib = F if isinstance(x, Tensor) else __import__("torch").nn.functional
    fn = lib.conv_transpose2d if len(wshape) == 4 else lib.conv_transpose1d
    return fn(x, w, b, stride, padding, output_padding, groups, dilation)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CONV_T, ids=[str(i) for i in range(len(CONV_T))])
def test_conv_transpose_matches_torch(case: Any, dtype: Any) -> None:
    """Values and the input's, weight's and bias's gradients, over a grid of stride, padding,
    output_padding, groups and dilation, 1-d and 2-d, batched and not."""
    xshape, wshape, *_, groups, _ = case
    rng = _rng(len(xshape) * 10 + wshape[0])
    arrays = [
        rng.standard_normal(xshape),
        rng.standard_normal(wshape),
        rng.standard_normal(wshape[1] * groups),
    ]
    _compare(lambda x, w, b: _conv_t(x, w, b, case), lambda x, w, b: _conv_t(x, w, b, case),
             arrays, dtype)  # fmt: skip
    _compare(lambda x, w: _conv_t(x, w, None, case), lambda x, w: _conv_t(x, w, None, case),
             arrays[:2], dtype)  # fmt: skip


def test_conv_transpose_is_conv_input_gradient() -> None:
    """conv_transpose2d(y, w) is the gradient of <conv2d(x, w), y> in x, with the same
    stride, padding, dilation and groups (output_padding picking x's size)."""
    x = mg.from_numpy(_rng(1).standard_normal((2, 4, 7, 6))).requires_grad_()
    w = mg.from_numpy(_rng(2).standard_normal((6, 2, 3, 2)))
    kw = {"stride": 2, "padding": 1, "dilation": (1, 2), "groups": 2}
    y = F.conv2d(x, w, **kw)
    g = mg.from_numpy(_rng(3).standard_normal(y.shape))
    (gx,) = mg.autograd.grad((y * g).sum(), [x])
    z = F.conv_transpose2d(g, w, output_padding=(0, 1), **kw)
    assert z.shape == x.shape
    np.testing.assert_allclose(z.numpy(), gx.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", [CONV_T[4], CONV_T[5], CONV_T[7], CONV_T[11]])
def test_conv_transpose_gradcheck(case: Any) -> None:
    """Finite differences, first and second order, with a non-contiguous input."""
    xshape, wshape, *_, groups, _ = case
    x = _noncontiguous(xshape, 1)
    w = mg.from_numpy(_rng(2).standard_normal(wshape)).requires_grad_()
    b = mg.from_numpy(_rng(3).standard_normal(wshape[1] * groups)).requires_grad_()
    assert mg.gradcheck(lambda x, w, b: _conv_t(x, w, b, case), [x, w, b])
    assert mg.gradgradcheck(lambda x, w, b: _conv_t(x, w, b, case), [x, w, b])


# (class, positional arguments, keyword arguments, input shape, forward's output_size)
CONV_T_LAYERS: list[tuple[str, tuple[Any, ...], dict[str, Any], tuple[int, ...], Any]] = [
    ("ConvTranspose2d", (3, 4, 3), {}, (2, 3, 4, 3), None),
    ("ConvTranspose2d", (4, 6, (3, 2)),
     {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2, "dilation": (1, 2)},
     (2, 4, 3, 3), None),
    ("ConvTranspose2d", (2, 3, 4), {"stride": 2, "padding": 1, "bias": False}, (2, 2, 3, 3), None),
    ("ConvTranspose2d", (2, 3, 3), {"stride": 2}, (2, 2, 3, 3), [8, 7]),
    ("ConvTranspose2d", (2, 3, 3), {"stride": 2}, (2, 3, 3), (3, 8, 8)),  # unbatched
    ("ConvTranspose2d", (2, 3, 3), {"stride": 3}, (2, 2, 2, 2), (2, 3, 6, 8)),
    ("ConvTranspose1d", (3, 2, 3), {}, (2, 3, 5), None),
    ("ConvTranspose1d", (4, 2, 3), {"stride": 2, "padding": 2, "output_padding": 1,
                                    "groups": 2, "dilation": 2}, (2, 4, 6), None),
    ("ConvTranspose1d", (2, 2, 3), {"stride": 3}, (2, 4), [13]),
]  # fmt: skip


@pytest.mark.parametrize("case", CONV_T_LAYERS, ids=[str(i) for i in range(len(CONV_T_LAYERS))])
def test_conv_transpose_layer_matches_torch(case: Any) -> None:
    """The layers: state_dict keys and shapes, outputs and gradients (float64), repr."""
    torch = pytest.importorskip("torch")
    name, args, kw, shape, output_size = case
    layer = getattr(nn, name)(*args, **kw).double()
    tlayer = getattr(torch.nn, name)(*args, **kw).double()
    assert repr(layer) == repr(tlayer)
    state = layer.state_dict()
    assert [(k, v.shape) for k, v in state.items()] == [
        (k, tuple(v.shape)) for k, v in tlayer.state_dict().items()
    ]
    tlayer.load_state_dict(
        {k: torch.from_numpy(v.detach().numpy().copy()) for k, v in state.items()}
    )
    a = _rng(5).standard_normal(shape)
    x, tx = mg.from_numpy(a).requires_grad_(), torch.tensor(a, requires_grad=True)
    y, ty = layer(x, output_size=output_size), tlayer(tx, output_size=output_size)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = _rng(6).standard_normal(y.shape)
    y.backward(mg.from_numpy(g))
    ty.backward(torch.from_numpy(g))
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    tgrads = dict(tlayer.named_parameters())
    for pname, p in layer.named_parameters():
        assert p.grad is not None
        np.testing.assert_allclose(p.grad.numpy(), tgrads[pname].grad.numpy(), rtol=1e-10)


def test_conv_transpose_layer_init_and_dtype() -> None:
    """PyTorch's default init: weight and bias U(+-1/sqrt(fan_in)), fan_in being
    out_channels / groups * prod(kernel) (the weight's dims from 1); dtype as asked."""
    layer = nn.ConvTranspose2d(8, 6, (3, 2), groups=2, generator=0)
    assert layer.weight.shape == (8, 3, 3, 2) and layer.bias is not None
    assert layer.bias.shape == (6,) and layer.weight.dtype == mg.float32
    bound = 1 / math.sqrt(3 * 3 * 2)
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert np.abs(b).max() <= bound
    assert nn.ConvTranspose2d(8, 6, 3, generator=0).weight.shape == (8, 6, 3, 3)
    double = nn.ConvTranspose1d(2, 3, 2, dtype=mg.float64)
    assert double.weight.dtype == mg.float64 and double.bias is not None
    assert double.bias.dtype == mg.float64
    assert nn.ConvTranspose1d(2, 3, 2, bias=False).bias is None
    same = nn.ConvTranspose2d(2, 3, 3, generator=7).weight.detach().numpy()
    again = nn.ConvTranspose2d(2, 3, 3, generator=7).weight.detach().numpy()
    np.testing.assert_array_equal(same, again)


def _raises(exc: type[Exception], match: str, fn: Callable[[], Any]) -> None:
    with pytest.raises(exc, match=match):
        fn()


def test_conv_transpose_errors_in_torch_words() -> None:
    x, w = mg.from_numpy(np.zeros((1, 4, 3, 3))), mg.from_numpy(np.zeros((4, 3, 3, 3)))
    ct = F.conv_transpose2d
    _raises(RuntimeError, r"Given transposed=1, weight of size \[4, 3, 3, 3\], expected "
            r"input\[1, 2, 3, 3\] to have 4 channels, but got 2 channels instead",
            lambda: ct(np.zeros((1, 2, 3, 3)), w))  # fmt: skip
    _raises(RuntimeError, "output padding must be smaller than either stride or dilation, but "
            "got output_padding_height: 2 output_padding_width: 2 stride_height: 2 "
            "stride_width: 2 dilation_height: 1 dilation_width: 1",
            lambda: ct(x, w, stride=2, output_padding=2))  # fmt: skip
    _raises(RuntimeError, "output padding must be smaller than either stride or dilation",
            lambda: ct(x, w, dilation=2, output_padding=(0, 2)))  # fmt: skip
    _raises(RuntimeError, "expected weight to be divisible by 3 at dimension 0",
            lambda: ct(x, w, groups=3))  # fmt: skip
    _raises(RuntimeError, "expected bias to be 1-dimensional with 3 elements, but got bias of "
            r"size \[4\]", lambda: ct(x, w, np.zeros(4)))  # fmt: skip
    _raises(RuntimeError, "negative padding is not supported", lambda: ct(x, w, padding=-1))
    _raises(RuntimeError, "negative output_padding is not supported",
            lambda: ct(x, w, output_padding=-1))  # fmt: skip
    _raises(RuntimeError, "non-positive stride is not supported", lambda: ct(x, w, stride=0))
    _raises(RuntimeError, "dilation should be greater than zero", lambda: ct(x, w, dilation=0))
    _raises(RuntimeError, "non-positive groups is not supported", lambda: ct(x, w, groups=0))
    _raises(RuntimeError, r"Calculated output size per channel: \(-1 x -1\). Output size is "
            "too small", lambda: ct(np.zeros((1, 4, 1, 1)), w, padding=2))  # fmt: skip
    _raises(RuntimeError, "Expected 3D .unbatched. or 4D .batched. input to conv_transpose2d",
            lambda: ct(np.zeros((4, 4)), w))  # fmt: skip
    _raises(RuntimeError, "expected scalar type Double but found Float",
            lambda: ct(x, w.float()))  # fmt: skip
    layer = nn.ConvTranspose2d(4, 6, 3, stride=2)
    _raises(ValueError, r"requested an output size of \[9, 9\], but valid sizes range from "
            r"\[7, 7\] to \[8, 8\] \(for an input of minigrad.Size\(\[3, 3\]\)\)",
            lambda: layer(np.zeros((1, 4, 3, 3), np.float32), output_size=[9, 9]))  # fmt: skip
    _raises(ValueError, r"ConvTranspose2D: for 4D input, output_size must have 2 or 4 "
            r"elements \(got 1\)",
            lambda: layer(np.zeros((1, 4, 3, 3), np.float32), output_size=[9]))  # fmt: skip
    _raises(ValueError, 'Only "zeros" padding mode is supported for ConvTranspose2d',
            lambda: nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect"))  # fmt: skip
    _raises(ValueError, "out_channels must be divisible by groups",
            lambda: nn.ConvTranspose2d(4, 6, 3, groups=4))  # fmt: skip
    _raises(ValueError, "in_channels must be divisible by groups",
            lambda: nn.ConvTranspose1d(3, 6, 3, groups=2))  # fmt: skip
    _raises(ValueError, "output padding must be smaller than either stride or dilation",
            lambda: nn.ConvTranspose2d(2, 2, 3, stride=2, output_padding=(0, 2)))  # fmt: skip
    _raises(ValueError, "dilation should be greater than zero",
            lambda: nn.ConvTranspose1d(2, 2, 3, dilation=0))  # fmt: skip
    _raises(ValueError, "negative padding is not supported",
            lambda: nn.ConvTranspose1d(2, 2, 3, padding=-1))  # fmt: skip
    _raises(ValueError, "'same' and 'valid' are for Conv layers",
            lambda: nn.ConvTranspose2d(2, 2, 3, padding="same"))  # fmt: skip
    # A rejected call (in the layer, with the layer named) leaves the weights alone.
    before = layer.weight.detach().numpy().copy()
    _raises(RuntimeError, r"in ConvTranspose2d\(4, 6, kernel_size=\(3, 3\)",
            lambda: layer(np.zeros((1, 3, 3, 3), np.float32)))  # fmt: skip
    np.testing.assert_array_equal(layer.weight.detach().numpy(), before)


# ---------------------------------------------------------------------------------------------
# Padding

PAD_SHAPES = [(3, 5), (2, 3, 5), (2, 2, 3, 4), (1, 2, 3, 3, 4)]
PADS = [(1, 2), (0, 2, 2, 1), (2, 0, 1, 1, 1, 0), (-1, 2), (2, -1, 1, -1), (3, 3)]


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_matches_torch(mode: str) -> None:
    """Every mode over the ranks it takes, negative amounts (cropping) included: values and
    gradients exactly, and torch's error type wherever torch refuses."""
    torch = pytest.importorskip("torch")
    compared = 0
    for shape, pad in itertools.product(PAD_SHAPES, PADS):
        a = _rng(len(shape)).standard_normal(shape)
        try:
            expected = torch.nn.functional.pad(torch.tensor(a), pad, mode=mode)
        except (RuntimeError, NotImplementedError) as e:
            with pytest.raises(type(e)):
                F.pad(mg.from_numpy(a), pad, mode=mode)
            continue
        _compare(lambda x, pad=pad: F.pad(x, pad, mode=mode),
                 lambda x, pad=pad: torch.nn.functional.pad(x, pad, mode=mode), [a],
                 exact=True)  # fmt: skip
        assert F.pad(mg.from_numpy(a), pad, mode=mode).shape == tuple(expected.shape)
        compared += 1
    assert compared >= 10


def test_pad_gradcheck_noncontiguous() -> None:
    for mode in ("constant", "reflect", "replicate", "circular"):
        x = _noncontiguous((2, 3, 4), 2)
        assert mg.gradcheck(lambda x: F.pad(x, (2, -1, 1, 2), mode=mode), [x])  # noqa: B023
        assert mg.gradgradcheck(lambda x: F.pad(x, (2, 1, -1, 2), mode=mode) ** 2, [x])  # noqa: B023


def test_pad_errors_in_torch_words() -> None:
    x = mg.from_numpy(np.zeros((1, 1, 3, 3)))
    _raises(RuntimeError, "Padding length must be divisible by 2", lambda: F.pad(x, (1, 1, 1)))
    _raises(RuntimeError, "Padding length should be less than or equal to two times the input "
            "dimension but got padding length 10 and input of dimension 4",
            lambda: F.pad(x, (1,) * 10))  # fmt: skip
    _raises(NotImplementedError, "Padding size 2 is not supported for 4D input tensor",
            lambda: F.pad(x, (1, 1), mode="reflect"))  # fmt: skip
    _raises(RuntimeError, "Padding size should be less than the corresponding input dimension, "
            r"but got: padding \(3, 1\) at dimension 3 of input \[1, 1, 3, 3\]",
            lambda: F.pad(x, (3, 1, 0, 0), mode="reflect"))  # fmt: skip
    _raises(RuntimeError, "Padding value causes wrapping around more than once",
            lambda: F.pad(x, (4, 1, 0, 0), mode="circular"))  # fmt: skip
    _raises(RuntimeError, "Padding mode \"reflect\" doesn't take in value argument",
            lambda: F.pad(x, (1, 1, 1, 1), mode="reflect", value=1.0))  # fmt: skip
    _raises(NotImplementedError, "Unrecognised padding mode edge",
            lambda: F.pad(x, (1, 1), mode="edge"))  # fmt: skip
    _raises(TypeError, "must be a tuple of ints", lambda: F.pad(x, (1.0, 1)))
    _raises(RuntimeError, "Padding length must be divisible by 2", lambda: nn.ZeroPad2d((1, 2, 3)))
    _raises(TypeError, "padding must be an int or a tuple of 4 ints", lambda: nn.ZeroPad2d("1"))
    _raises(ValueError, r"expected 3D or 4D input \(got 2D input\)",
            lambda: nn.CircularPad2d(1)(np.zeros((3, 3))))  # fmt: skip
    _raises(NotImplementedError, "Padding size 2 is not supported for 4D input tensor",
            lambda: nn.ReflectionPad1d(1)(x))  # fmt: skip


# (class, arguments, input shape)
PAD_LAYERS: list[tuple[str, tuple[Any, ...], tuple[int, ...]]] = [
    ("ZeroPad1d", (2,), (2, 3, 4)),
    ("ZeroPad1d", ((1, -1),), (3, 4)),
    ("ZeroPad2d", (1,), (2, 2, 3, 4)),
    ("ZeroPad2d", ((1, 2, 0, 3),), (2, 3, 4)),
    ("ZeroPad3d", ((1, 0, 2, 1, 0, 1),), (1, 2, 2, 3, 2)),
    ("ConstantPad1d", (2, 3.5), (2, 3, 4)),
    ("ConstantPad2d", ((1, 2, 3, 4), 1), (2, 2, 3, 4)),
    ("ConstantPad3d", (1, -0.5), (2, 2, 2, 3)),
    ("ReflectionPad1d", ((2, 1),), (2, 3, 4)),
    ("ReflectionPad2d", ((1, 1, 2, 0),), (2, 2, 3, 4)),
    ("ReflectionPad2d", (1,), (2, 3, 4)),
    ("ReflectionPad3d", (1,), (1, 2, 2, 3, 2)),
    ("ReplicationPad1d", ((1, 2),), (3, 4)),
    ("ReplicationPad2d", (2,), (2, 2, 3, 4)),
    ("ReplicationPad3d", ((0, 1, 1, 0, 2, 2),), (2, 2, 3, 2)),
    ("CircularPad1d", (1,), (2, 3, 4)),
    ("CircularPad2d", ((1, 2, 3, 0),), (2, 2, 3, 4)),
    ("CircularPad3d", (1,), (1, 1, 2, 3, 2)),
]


@pytest.mark.parametrize("case", PAD_LAYERS, ids=[f"{c[0]}{c[1]}" for c in PAD_LAYERS])
def test_pad_layers_match_torch(case: Any) -> None:
    """Each padding layer: repr, values and gradients as torch's (float32)."""
    torch = pytest.importorskip("torch")
    name, args, shape = case
    layer, tlayer = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(layer) == repr(tlayer)
    assert layer.padding == tlayer.padding
    a = _rng(7).standard_normal(shape)
    _compare(layer, tlayer, [a], np.float32, exact=True)


# ---------------------------------------------------------------------------------------------
# Upsampling

# (input shape, mode, align_corners)
INTERP_MODES = [
    ((2, 3, 5), "nearest", None),
    ((1, 2, 4, 5), "nearest", None),
    ((1, 1, 3, 2, 4), "nearest", None),
    ((1, 2, 4, 5), "nearest-exact", None),
    ((2, 3, 5), "linear", False),
    ((2, 3, 5), "linear", True),
    ((1, 2, 4, 5), "bilinear", False),
    ((1, 2, 4, 5), "bilinear", True),
    ((1, 1, 3, 2, 4), "trilinear", False),
    ((1, 2, 4, 5), "area", None),
]
INTERP_SIZES: list[dict[str, Any]] = [
    {"scale_factor": 2},
    {"scale_factor": 1.5},
    {"scale_factor": 0.7},
    {"scale_factor": 3.3},
    {"scale_factor": 2.5, "recompute_scale_factor": True},
    {"size": 7},
    {"size": 1},
    {"size": 3},
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "case", INTERP_MODES, ids=[f"{c[1]}{c[2]}{len(c[0])}" for c in INTERP_MODES]
)
def test_interpolate_matches_torch(case: Any, dtype: Any) -> None:
    """Sizes from size= and from scale_factor= (up, down, fractional), values (the nearest
    modes exactly: the same cells picked) and gradients."""
    torch = pytest.importorskip("torch")
    shape, mode, align_corners = case
    a = _rng(8).standard_normal(shape)
    for kw in INTERP_SIZES:
        _compare(
            lambda x: F.interpolate(x, mode=mode, align_corners=align_corners, **kw),  # noqa: B023
            lambda x: torch.nn.functional.interpolate(x, mode=mode, align_corners=align_corners,
                                                      **kw),  # noqa: B023
            [a], dtype, exact=mode.startswith("nearest"),
        )  # fmt: skip
    if len(shape) == 4:  # a size per axis
        _compare(
            lambda x: F.interpolate(x, size=(3, 8), mode=mode, align_corners=align_corners),
            lambda x: torch.nn.functional.interpolate(x, size=(3, 8), mode=mode,
                                                      align_corners=align_corners),
            [a], dtype, exact=mode.startswith("nearest"),
        )  # fmt: skip


@pytest.mark.parametrize("mode", ["nearest", "bilinear", "area"])
def test_interpolate_gradcheck_noncontiguous(mode: str) -> None:
    x = _noncontiguous((1, 2, 3, 4), 3)
    align = False if mode == "bilinear" else None
    assert mg.gradcheck(lambda x: F.interpolate(x, size=(5, 3), mode=mode, align_corners=align),
                        [x])  # fmt: skip
    assert mg.gradgradcheck(
        lambda x: F.interpolate(x, scale_factor=1.5, mode=mode, align_corners=align) ** 2, [x]
    )


def test_interpolate_errors_in_torch_words() -> None:
    x = mg.from_numpy(np.zeros((1, 2, 3, 4)))
    it = F.interpolate
    _raises(ValueError, "either size or scale_factor should be defined", lambda: it(x))
    _raises(ValueError, "only one of size or scale_factor should be defined",
            lambda: it(x, size=2, scale_factor=2))  # fmt: skip
    _raises(ValueError, "Input and output must have the same number of spatial dimensions, but "
            r"got input with spatial dimensions of \[3, 4\] and output size of \(2,\)",
            lambda: it(x, size=(2,)))  # fmt: skip
    _raises(ValueError, "Input and scale_factor must have the same number of spatial dimensions",
            lambda: it(x, scale_factor=(2, 3, 4)))  # fmt: skip
    _raises(ValueError, "align_corners option can only be set with the interpolating modes",
            lambda: it(x, size=2, align_corners=True))  # fmt: skip
    _raises(NotImplementedError, "Got 4D input, but linear mode needs 3D input",
            lambda: it(x, size=2, mode="linear"))  # fmt: skip
    _raises(NotImplementedError, "Got 3D input, but bilinear mode needs 4D input",
            lambda: it(x[0], size=2, mode="bilinear"))  # fmt: skip
    _raises(NotImplementedError, r"Only 3D, 4D and 5D input Tensors supported \(got 2D\)",
            lambda: it(x[0, 0], scale_factor=2))  # fmt: skip
    _raises(NotImplementedError, r"\(got foo\)", lambda: it(x, size=2, mode="foo"))
    _raises(NotImplementedError, "minigrad does not have mode 'bicubic'",
            lambda: it(x, size=2, mode="bicubic"))  # fmt: skip
    _raises(NotImplementedError, "minigrad does not have antialias=True",
            lambda: it(x, size=2, mode="bilinear", antialias=True))  # fmt: skip
    _raises(ValueError, "Anti-alias option is restricted to bilinear",
            lambda: it(x, size=2, antialias=True))  # fmt: skip
    _raises(RuntimeError, r"Input and output sizes should be greater than 0, but got input "
            r"\(H: 3, W: 4\) output \(H: 0, W: 0\)", lambda: it(x, scale_factor=0.1))  # fmt: skip
    _raises(ValueError, "recompute_scale_factor is not meaningful with an explicit size",
            lambda: it(x, size=3, recompute_scale_factor=True))  # fmt: skip
    _raises(TypeError, "expected size to be one of int", lambda: it(x, size=(2.0, 2)))


UPSAMPLE_LAYERS: list[tuple[str, tuple[Any, ...], dict[str, Any], tuple[int, ...]]] = [
    ("Upsample", (), {"scale_factor": 2}, (1, 2, 3, 4)),
    ("Upsample", (), {"size": (5, 7), "mode": "bilinear"}, (1, 2, 3, 4)),
    ("Upsample", (), {"scale_factor": 2, "mode": "bilinear", "align_corners": True}, (1, 2, 3, 4)),
    ("Upsample", (), {"scale_factor": (2, 3)}, (1, 2, 3, 4)),
    ("Upsample", (), {"size": 5, "mode": "linear"}, (2, 2, 3)),
    ("Upsample", (), {"scale_factor": 1.5, "mode": "nearest-exact"}, (1, 1, 3, 5)),
    ("UpsamplingNearest2d", (), {"scale_factor": 2}, (1, 2, 3, 4)),
    ("UpsamplingNearest2d", (), {"size": (4, 6)}, (1, 2, 3, 4)),
    ("UpsamplingBilinear2d", (5,), {}, (1, 2, 3, 4)),
    ("UpsamplingBilinear2d", (), {"scale_factor": 2}, (1, 2, 3, 4)),
]  # fmt: skip


@pytest.mark.parametrize("case", UPSAMPLE_LAYERS, ids=[str(i) for i in range(10)])
def test_upsample_layers_match_torch(case: Any) -> None:
    torch = pytest.importorskip("torch")
    name, args, kw, shape = case
    layer, tlayer = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(layer) == repr(tlayer)
    assert (layer.size, layer.scale_factor) == (tlayer.size, tlayer.scale_factor)
    a = _rng(9).standard_normal(shape)
    exact = layer.mode.startswith("nearest")
    _compare(layer, tlayer, [a], np.float32, exact=exact)
    _compare(layer, tlayer, [a], np.float64, exact=exact)


# ---------------------------------------------------------------------------------------------
# Group norm


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    ("shape", "groups"), [((2, 6, 3, 2), 3), ((2, 6), 2), ((3, 4, 5), 4), ((2, 4, 3, 3), 1)]
)
def test_group_norm_matches_torch(shape: tuple[int, ...], groups: int, dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    rng = _rng(10)
    a, w, b = (
        rng.standard_normal(shape),
        rng.standard_normal(shape[1]),
        rng.standard_normal(shape[1]),
    )
    _compare(lambda x, w, b: F.group_norm(x, groups, w, b, 1e-3),
             lambda x, w, b: torch.nn.functional.group_norm(x, groups, w, b, 1e-3),
             [a, w, b], dtype)  # fmt: skip
    _compare(lambda x: F.group_norm(x, groups),
             lambda x: torch.nn.functional.group_norm(x, groups), [a], dtype)  # fmt: skip


def test_group_norm_layer_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    for kw in ({}, {"eps": 1e-3, "affine": False}, {"bias": False}):
        layer, tlayer = nn.GroupNorm(2, 6, **kw), torch.nn.GroupNorm(2, 6, **kw)
        assert repr(layer) == repr(tlayer)
        assert list(layer.state_dict()) == list(tlayer.state_dict())
        a = _rng(11).standard_normal((2, 6, 3, 2))
        if layer.weight is not None:
            w = _rng(12).standard_normal(6).astype(np.float32)
            layer.weight.data = Tensor(w)
            with torch.no_grad():
                tlayer.weight.copy_(torch.from_numpy(w))
        _compare(layer, tlayer, [a], np.float32)
    assert nn.GroupNorm(2, 4, dtype=mg.float64).weight.dtype == mg.float64


def test_group_norm_gradcheck_noncontiguous() -> None:
    x = _noncontiguous((2, 4, 3), 4)
    w = mg.from_numpy(_rng(13).standard_normal(4)).requires_grad_()
    b = mg.from_numpy(_rng(14).standard_normal(4)).requires_grad_()
    assert mg.gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), [x, w, b])
    assert mg.gradgradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), [x, w, b])


def test_group_norm_errors_in_torch_words() -> None:
    _raises(ValueError, r"num_channels \(6\) must be divisible by num_groups \(4\)",
            lambda: nn.GroupNorm(4, 6))  # fmt: skip
    _raises(RuntimeError, "Expected number of channels in input to be divisible by num_groups, "
            r"but got input of shape \[2, 6, 4\] and num_groups=4",
            lambda: F.group_norm(np.zeros((2, 6, 4)), 4))  # fmt: skip
    _raises(RuntimeError, "Expected number of channels in input to be divisible by num_groups",
            lambda: nn.GroupNorm(3, 6)(np.zeros((2, 5, 3), np.float32)))  # fmt: skip
    _raises(RuntimeError, "Expected at least 2 dimensions for input tensor but received 1",
            lambda: F.group_norm(np.zeros(6), 3))  # fmt: skip
    _raises(RuntimeError, "Expected weight to be a vector of size equal to the number of "
            r"channels in input, but got weight of shape \[5\] and input of shape \[2, 6\]",
            lambda: F.group_norm(np.zeros((2, 6)), 3, mg.from_numpy(np.ones(5))))  # fmt: skip
    _raises(ValueError, r"Expected more than 1 value per channel when training, got input size "
            r"\[1, 6, 1\]", lambda: F.group_norm(np.zeros((1, 6, 1)), 6))  # fmt: skip
