"""PyTorch names filled in around ``nn``, ``nn.functional``, ``nn.utils`` and ``optim``:
power-average pools, the adaptive softmax, ``linear_cross_entropy``, ``conv_tbc``, the
deprecated aliases, BatchNorm fusion, ``Adafactor``, ``SparseAdam`` and ``swa_utils``.

Each against PyTorch in float64 (values, gradients, optimizer trajectories of 20 steps,
averaged weights and learning rates), by finite differences (first and second order) for the
new functions, and with PyTorch's words for misuse.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck, gradgradcheck
from minigrad.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(1357 + salt)


def _both(x: np.ndarray, grad: bool = False) -> tuple[Any, Any]:
    t, m = torch.from_numpy(x.copy()), mg.from_numpy(x.copy())
    if grad:
        t.requires_grad_(True)
        m.requires_grad_(True)
    return t, m


def _same_error(call: Callable[[Any], Any], exc: type[BaseException] = RuntimeError) -> str:
    """``call(torch)`` and ``call(minigrad)`` raise ``exc``; minigrad's message holds
    PyTorch's first line. Returns minigrad's message."""
    with pytest.raises(exc) as t_err:
        call(torch)
    with pytest.raises(exc) as m_err:
        call(mg)
    expected = str(t_err.value).splitlines()[0].replace("torch.Size", "minigrad.Size")
    assert expected in str(m_err.value)
    return str(m_err.value)


# -- power-average pooling -------------------------------------------------------------------

LP_CASES = [
    (1, (2, 3, 9), 2.0, 3, None, False),
    (1, (2, 3, 8), 3.0, 2, 1, True),
    (1, (3, 7), 1.0, 2, None, False),
    (2, (2, 3, 6, 7), 2.0, (2, 3), None, False),
    (2, (1, 2, 5, 5), 1.5, 2, (1, 2), True),
    (2, (3, 5, 4), 4.0, 2, None, False),
    (3, (1, 2, 4, 4, 4), 2.0, 2, None, False),
    (3, (2, 3, 4, 5), 3.0, (2, 1, 2), 1, True),
]


@pytest.mark.parametrize(("nd", "shape", "p", "kernel", "stride", "ceil"), LP_CASES)
def test_lp_pool_values_and_gradients_as_torch(
    nd: int, shape: tuple[int, ...], p: float, kernel: Any, stride: Any, ceil: bool
) -> None:
    x = _rng(nd).uniform(0.2, 2.0, shape) * _rng(nd + 9).choice([-1.0, 1.0], shape)
    if p not in (1.0, 2.0, 4.0):  # odd and fractional powers of negative numbers: NaN
        x = np.abs(x)
    t, m = _both(x, grad=True)
    expected = getattr(TF, f"lp_pool{nd}d")(t, p, kernel, stride, ceil)
    got = getattr(F, f"lp_pool{nd}d")(m, p, kernel, stride, ceil)
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
    w = np.cos(np.arange(expected.numel())).reshape(tuple(expected.shape))
    (expected * torch.from_numpy(w)).sum().backward()
    (got * mg.from_numpy(w)).sum().backward()
    np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("p", [float("inf"), -float("inf")])
@pytest.mark.parametrize("nd", [1, 2, 3])
def test_lp_pool_of_infinite_power_is_the_max_of_abs(nd: int, p: float) -> None:
    x = _rng(nd).standard_normal((2, 2, *(5,) * nd))
    t, m = _both(x)
    expected = getattr(TF, f"lp_pool{nd}d")(t, p, 2)
    got = getattr(F, f"lp_pool{nd}d")(m, p, 2)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


@pytest.mark.parametrize("p", [2.0, 3.0, 1.5])
@pytest.mark.parametrize("nd", [1, 2, 3])
def test_lp_pool_finite_differences(nd: int, p: float) -> None:
    x = mg.tensor(_rng(nd).uniform(0.3, 2.0, (1, 2, *(4,) * nd)), requires_grad=True)
    fn = getattr(F, f"lp_pool{nd}d")

    def pool(x: Any) -> Any:
        return fn(x, p, 2, 1)

    assert gradcheck(pool, (x,))
    assert gradgradcheck(pool, (x,))


def test_lp_pool_module_names_itself_in_errors() -> None:
    with pytest.raises(RuntimeError, match=r"in LPPool2d\(norm_type=2"):
        mg.nn.LPPool2d(2, 3)(mg.zeros(1, 1, 2, 2))


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_adaptive_max_pool_with_indices_as_torch(nd: int) -> None:
    x = _rng(nd).standard_normal((2, 3, *(7,) * nd))
    t, m = _both(x)
    for flag in (False, True):  # both return (values, indices) whatever return_indices says
        ev, ei = getattr(TF, f"adaptive_max_pool{nd}d_with_indices")(t, 3, flag)
        gv, gi = getattr(F, f"adaptive_max_pool{nd}d_with_indices")(m, 3, flag)
        np.testing.assert_array_equal(gv.numpy(), ev.numpy())
        np.testing.assert_array_equal(gi.numpy(), ei.numpy())
        assert gi.dtype == mg.int64


# -- deprecated and rarer functions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("upsample", {"scale_factor": 2}),
        ("upsample", {"size": (5, 7), "mode": "bilinear", "align_corners": False}),
        ("upsample_nearest", {"size": (6, 5)}),
        ("upsample_bilinear", {"scale_factor": 2}),
    ],
)
def test_upsample_aliases_warn_and_resize_as_torch(name: str, kwargs: dict[str, Any]) -> None:
    x = _rng().standard_normal((1, 2, 3, 4))
    t, m = _both(x)
    with pytest.warns(UserWarning) as t_record:
        expected = getattr(TF, name)(t, **kwargs)
    with pytest.warns(UserWarning) as m_record:
        got = getattr(F, name)(m, **kwargs)
    assert str(m_record[0].message) == str(t_record[0].message)
    assert m_record[0].filename == __file__  # the warning points at the caller
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12, atol=1e-14)


def test_native_channel_shuffle_is_channel_shuffle() -> None:
    x = _rng().standard_normal((2, 6, 3))
    t, m = _both(x)
    expected = TF.native_channel_shuffle(t, 3)
    np.testing.assert_array_equal(F.native_channel_shuffle(m, 3).numpy(), expected.numpy())


@pytest.mark.parametrize("pad", [0, 1, 2, -1])
def test_conv_tbc_as_torch(pad: int) -> None:
    rng = _rng(pad + 5)
    arrays = rng.standard_normal((6, 2, 3)), rng.standard_normal((3, 3, 4)), rng.standard_normal(4)
    ts = [torch.from_numpy(a).requires_grad_() for a in arrays]
    ms = [mg.from_numpy(a).requires_grad_() for a in arrays]
    expected, got = torch.conv_tbc(*ts, pad), F.conv_tbc(*ms, pad)
    assert tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
    w = np.sin(np.arange(expected.numel())).reshape(tuple(expected.shape))
    (expected * torch.from_numpy(w)).sum().backward()
    (got * mg.from_numpy(w)).sum().backward()
    for t, m in zip(ts, ms, strict=True):
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert gradcheck(lambda x, w, b: F.conv_tbc(x, w, b, pad), tuple(ms))
    assert gradgradcheck(lambda x, w, b: F.conv_tbc(x, w, b, pad), tuple(ms))


@pytest.mark.parametrize(
    "shapes",
    [
        ((5, 3), (2, 3, 4), (4,)),
        ((5, 2, 3), (2, 3), (4,)),
        ((5, 2, 3), (2, 3, 4), (5,)),
        ((5, 2, 3), (2, 4, 4), (4,)),
    ],
)
def test_conv_tbc_refuses_as_torch(shapes: tuple[tuple[int, ...], ...]) -> None:
    def call(lib: Any) -> Any:
        conv = lib.conv_tbc if lib is torch else F.conv_tbc
        return conv(*(lib.zeros(*s, dtype=lib.float64) for s in shapes))

    _same_error(call)


LCE_CASES: list[dict[str, Any]] = [
    {},
    {"reduction": "none"},
    {"reduction": "sum", "label_smoothing": 0.2},
    {"ignore_index": 1},
    {"weight": np.linspace(0.5, 2.0, 4)},
]


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("kwargs", LCE_CASES)
def test_linear_cross_entropy_as_torch(kwargs: dict[str, Any], bias: bool) -> None:
    rng = _rng(len(kwargs))
    x, w, b = rng.standard_normal((5, 3)), rng.standard_normal((4, 3)), rng.standard_normal(4)
    y = rng.integers(0, 4, 5)
    results = []
    for lib, fn in ((torch, TF.linear_cross_entropy), (mg, F.linear_cross_entropy)):
        leaves = [lib.from_numpy(a.copy()).requires_grad_() for a in (x, w, b)]
        extra = {
            k: lib.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()
        }
        out = fn(
            leaves[0],
            leaves[1],
            lib.from_numpy(y),
            linear_bias=leaves[2] if bias else None,
            **extra,
        )
        out.sum().backward()
        results.append([out.detach().numpy()] + [a.grad.numpy() for a in leaves[: 2 + bias]])
    for got, expected in zip(results[1], results[0], strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


def test_linear_cross_entropy_k_dimensional_and_probabilities() -> None:
    rng = _rng(3)
    x, w, b = (
        rng.standard_normal((5, 3)),
        rng.standard_normal((4, 2, 3)),
        rng.standard_normal((4, 2)),
    )
    y = rng.integers(0, 4, (5, 2))
    probs = rng.dirichlet(np.ones(4), 5)
    ta, ma = _both(x)
    tw, mw = _both(w)
    tb, mb = _both(b)
    expected = TF.linear_cross_entropy(ta, tw, torch.from_numpy(y), linear_bias=tb)
    got = F.linear_cross_entropy(ma, mw, mg.from_numpy(y), linear_bias=mb)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12)
    tw2, mw2 = _both(w[:, 0])
    expected = TF.linear_cross_entropy(ta, tw2, torch.from_numpy(probs))
    got = F.linear_cross_entropy(ma, mw2, mg.from_numpy(probs))
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12)
    x1 = mg.tensor(x[0], requires_grad=True)
    w1 = mg.tensor(w[:, 0], requires_grad=True)
    assert gradcheck(lambda x, w: F.linear_cross_entropy(x, w, mg.tensor(2)), (x1, w1))
    assert gradgradcheck(lambda x, w: F.linear_cross_entropy(x, w, mg.tensor(2)), (x1, w1))


@pytest.mark.parametrize(
    ("x", "w", "b", "y", "kwargs"),
    [
        ((2, 2, 3), (4, 3), None, (2,), {}),
        ((2, 3), (4,), None, (2,), {}),
        ((2, 3), (4, 5), None, (2,), {}),
        ((2, 3), (4, 3), (5,), (2,), {}),
        ((3,), (4, 2, 3), None, (2,), {}),
        ((2, 3), (4, 3), None, (2, 4), {"ignore_index": 1}),
    ],
)
def test_linear_cross_entropy_refuses_as_torch(
    x: tuple[int, ...], w: tuple[int, ...], b: Any, y: tuple[int, ...], kwargs: dict[str, Any]
) -> None:
    def call(lib: Any) -> Any:
        fn = TF.linear_cross_entropy if lib is torch else F.linear_cross_entropy
        target = lib.zeros(*y, dtype=lib.float64 if len(y) == 2 else lib.int64)
        bias = None if b is None else lib.zeros(*b, dtype=lib.float64)
        return fn(
            lib.zeros(*x, dtype=lib.float64), lib.zeros(*w, dtype=lib.float64), target,
            linear_bias=bias, **kwargs,
        )  # fmt: skip

    _same_error(call)


@pytest.mark.parametrize(
    "ctor",
    [
        "nn.LinearCrossEntropyLoss(3, 4, weight=torch.ones(3))",
        "nn.LinearCrossEntropyLoss(3, 4, label_smoothing=1.5)",
    ],
)
def test_linear_cross_entropy_loss_refuses_as_torch(ctor: str) -> None:
    _same_error(lambda lib: eval(ctor, {"nn": lib.nn, "torch": lib}))


# -- the adaptive softmax --------------------------------------------------------------------


def _adaptive_pair(**kwargs: Any) -> tuple[Any, Any]:
    torch.manual_seed(0)
    kwargs.setdefault("div_value", 2.0)  # (4.0 would leave the last cluster no hidden unit)
    t = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 7], **kwargs).double()
    m = mg.nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 7], **kwargs).double()
    m.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})
    return t, m


@pytest.mark.parametrize("head_bias", [False, True])
def test_adaptive_log_softmax_as_torch(head_bias: bool) -> None:
    t, m = _adaptive_pair(head_bias=head_bias, div_value=2.0)
    x = _rng().standard_normal((9, 8))
    y = np.array([0, 11, 4, 2, 7, 5, 1, 9, 3])
    tx, mx = _both(x, grad=True)
    expected, got = t(tx, torch.from_numpy(y)), m(mx, mg.from_numpy(y))
    assert type(got).__name__ == "_ASMoutput" and got._fields == ("output", "loss")
    np.testing.assert_allclose(got.output.detach().numpy(), expected.output.detach().numpy())
    np.testing.assert_allclose(got.loss.item(), expected.loss.item(), rtol=1e-14)
    (expected.output.sum() * 0.5 + expected.loss).backward()
    (got.output.sum() * 0.5 + got.loss).backward()
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-14)
    for (name, tp), (_, mp) in zip(t.named_parameters(), m.named_parameters(), strict=True):
        np.testing.assert_allclose(mp.grad.numpy(), tp.grad.numpy(), atol=1e-14, err_msg=name)
    full_t, full_m = t.log_prob(tx), m.log_prob(mx)
    np.testing.assert_allclose(full_m.detach().numpy(), full_t.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(np.exp(full_m.detach().numpy()).sum(1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(m.predict(mx).numpy(), t.predict(tx).numpy())


def test_adaptive_log_softmax_predicts_rare_classes_as_torch() -> None:
    t, m = _adaptive_pair()
    with torch.no_grad():  # a head that prefers the clusters, for some rows or all
        t.head.weight[3:] *= 6
    m.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})
    x = _rng(4).standard_normal((40, 8))
    for rows in (slice(None), slice(0, 3)):
        tx, mx = _both(x[rows])
        np.testing.assert_array_equal(m.predict(mx).numpy(), t.predict(tx).numpy())
    assert (m.predict(mg.tensor(x)).numpy() >= 3).any()


def test_adaptive_log_softmax_finite_differences() -> None:
    _, m = _adaptive_pair()
    x = mg.tensor(_rng().standard_normal((4, 8)), requires_grad=True)
    y = mg.tensor([0, 11, 5, 2])
    assert gradcheck(lambda x: m(x, y).output, (x,))
    assert gradgradcheck(lambda x: m(x, y).loss, (x,))


@pytest.mark.parametrize(
    ("x", "y"),
    [((4, 8), (3,)), ((4, 2, 8), (4,)), ((8,), (1,)), ((4, 8), ()), ((4, 8), (4, 1))],
)
def test_adaptive_log_softmax_input_checks_as_torch(x: tuple[int, ...], y: tuple[int, ...]) -> None:
    pair = dict(zip((torch, mg), _adaptive_pair(), strict=True))
    _same_error(
        lambda lib: pair[lib](lib.zeros(x, dtype=lib.float64), lib.zeros(y, dtype=lib.int64))
    )


def test_adaptive_log_softmax_target_range_as_torch() -> None:
    pair = dict(zip((torch, mg), _adaptive_pair(), strict=True))
    _same_error(lambda lib: pair[lib](lib.zeros(2, 8, dtype=lib.float64), lib.tensor([3, 12])))


@pytest.mark.parametrize("cutoffs", [[], [3, 3], [5, 2], [0, 4], [12], [2.5]])
def test_adaptive_log_softmax_cutoffs_as_torch(cutoffs: list[Any]) -> None:
    _same_error(lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 12, cutoffs), ValueError)


# -- deprecated classes and SyncBatchNorm ----------------------------------------------------


@pytest.mark.parametrize("ctor", ["nn.NLLLoss2d()", "nn.Container(a=nn.ReLU())"])
def test_deprecated_classes_warn_as_torch(ctor: str) -> None:
    with pytest.warns(FutureWarning) as t_record:
        eval(ctor, {"nn": torch.nn})
    with pytest.warns(FutureWarning) as m_record:
        eval(ctor, {"nn": mg.nn})
    assert str(m_record[0].message) == str(t_record[0].message)


def test_sync_batch_norm_is_batch_norm_in_one_process() -> None:
    x = _rng().standard_normal((4, 3, 2, 5))
    bn, sync = mg.nn.BatchNorm2d(3).double(), mg.nn.SyncBatchNorm(3).double()
    for _ in range(3):
        np.testing.assert_array_equal(
            sync(mg.tensor(x)).detach().numpy(), bn(mg.tensor(x)).detach().numpy()
        )
    np.testing.assert_array_equal(sync.running_var.numpy(), bn.running_var.numpy())
    _same_error(lambda lib: lib.nn.SyncBatchNorm(3)(lib.zeros(3)), ValueError)


def test_convert_sync_batchnorm_as_torch() -> None:
    trees = []
    for lib in (torch, mg):
        nn = lib.nn
        model = nn.Sequential(
            nn.Conv2d(2, 3, 1), nn.BatchNorm2d(3), nn.Sequential(nn.BatchNorm1d(3, affine=False))
        )
        model[1].eval()
        converted = nn.SyncBatchNorm.convert_sync_batchnorm(model, process_group="group")
        assert converted is model  # a container is kept, its children replaced
        assert converted[1].weight is model[1].weight or converted[1] is not model[1]
        trees.append((repr(converted), list(converted.state_dict())))
        assert converted[1].training is False and converted[1].process_group == "group"
    assert trees[0] == trees[1]
    bn = mg.nn.BatchNorm1d(3)
    sync = mg.nn.SyncBatchNorm.convert_sync_batchnorm(bn)
    assert isinstance(sync, mg.nn.SyncBatchNorm)
    assert sync.weight is bn.weight and sync.running_mean is bn.running_mean


# -- nn.utils ----------------------------------------------------------------------------------


def _eval_pair(t_layers: Any, m_layers: Any) -> None:
    for t, m in zip(t_layers, m_layers, strict=True):
        t.double().eval()
        m.double().eval()
        for name, buf in t.named_buffers():
            if buf.dtype == torch.float64:
                buf.copy_(torch.rand_like(buf) + 0.5 if "var" in name else torch.randn_like(buf))
        m.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})


@pytest.mark.parametrize(
    ("conv", "bn", "transpose", "x"),
    [
        ("nn.Conv2d(3, 4, 3)", "nn.BatchNorm2d(4)", False, (2, 3, 5, 5)),
        ("nn.Conv1d(3, 4, 2, bias=False)", "nn.BatchNorm1d(4, affine=False)", False, (2, 3, 6)),
        ("nn.ConvTranspose2d(3, 4, 2)", "nn.BatchNorm2d(4)", True, (2, 3, 3, 3)),
        ("nn.Conv3d(2, 4, 2, groups=2)", "nn.BatchNorm3d(4)", False, (1, 2, 3, 3, 3)),
    ],
)
def test_fuse_conv_bn_eval_as_torch(
    conv: str, bn: str, transpose: bool, x: tuple[int, ...]
) -> None:
    torch.manual_seed(1)
    layers = {lib: (eval(conv, {"nn": lib.nn}), eval(bn, {"nn": lib.nn})) for lib in (torch, mg)}
    _eval_pair(layers[torch], layers[mg])
    fused_t = torch.nn.utils.fuse_conv_bn_eval(*layers[torch], transpose=transpose)
    fused_m = mg.nn.utils.fuse_conv_bn_eval(*layers[mg], transpose=transpose)
    assert type(fused_m) is type(layers[mg][0]) and fused_m is not layers[mg][0]
    for name in ("weight", "bias"):
        got, expected = getattr(fused_m, name), getattr(fused_t, name)
        assert isinstance(got, mg.nn.Parameter)
        assert got.requires_grad == expected.requires_grad
        np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-14)
    inp = _rng().standard_normal(x)
    unfused = layers[mg][1](layers[mg][0](mg.tensor(inp)))
    np.testing.assert_allclose(fused_m(mg.tensor(inp)).detach().numpy(), unfused.detach().numpy())


@pytest.mark.parametrize("features", [4, 1])
def test_fuse_linear_bn_eval_as_torch(features: int) -> None:
    torch.manual_seed(2)
    layers = {lib: (lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(features)) for lib in (torch, mg)}
    _eval_pair(layers[torch], layers[mg])
    fused_t = torch.nn.utils.fuse_linear_bn_eval(*layers[torch])
    fused_m = mg.nn.utils.fuse_linear_bn_eval(*layers[mg])
    for name in ("weight", "bias"):
        got, expected = getattr(fused_m, name), getattr(fused_t, name)
        np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-14)
    x = mg.tensor(_rng().standard_normal((5, 3)))
    if features == 4:
        unfused = layers[mg][1](layers[mg][0](x))
        np.testing.assert_allclose(fused_m(x).detach().numpy(), unfused.detach().numpy())


FUSE_MISUSE = [
    ("fuse_conv_bn_eval", "nn.Conv2d(1, 2, 1)", "nn.BatchNorm2d(2)"),  # in training mode
    ("fuse_linear_bn_eval", "nn.Linear(1, 2).eval()", "nn.BatchNorm1d(3).eval()"),
    (
        "fuse_linear_bn_eval",
        "nn.Linear(1, 2).eval()",
        "nn.BatchNorm1d(2, track_running_stats=False).eval()",
    ),
]


@pytest.mark.parametrize(("fuse", "layer", "bn"), FUSE_MISUSE)
def test_fuse_refuses_as_torch(fuse: str, layer: str, bn: str) -> None:
    def call(lib: Any) -> Any:
        env = {"nn": lib.nn}
        return getattr(lib.nn.utils, fuse)(eval(layer, env), eval(bn, env))

    _same_error(call, AssertionError)


def test_fuse_weights_keep_dtypes_and_requires_grad() -> None:
    w = mg.randn(4, 3, 2, 2).requires_grad_(False)
    rm, rv = mg.zeros(4, dtype=mg.float64), mg.ones(4, dtype=mg.float64)
    fw, fb = mg.nn.utils.fuse_conv_bn_weights(w, None, rm, rv, 1e-5, None, None)
    assert fw.dtype == mg.float32 and fb.dtype == mg.float32
    assert not fw.requires_grad and not fb.requires_grad
    np.testing.assert_allclose(fw.detach().numpy(), w.numpy() / np.sqrt(1 + 1e-5), rtol=1e-6)


def test_clip_grad_norm_is_deprecated_clip_grad_norm_() -> None:
    grads = _rng().standard_normal((2, 5))
    norms, clipped = [], []
    for lib in (torch, mg):
        params = [lib.nn.Parameter(lib.zeros(5, dtype=lib.float64)) for _ in range(2)]
        for p, g in zip(params, grads, strict=True):
            p.grad = lib.from_numpy(g.copy())
        with pytest.warns(FutureWarning, match="clip_grad_norm_") as record:
            norms.append(lib.nn.utils.clip_grad_norm(params, 1.0, norm_type=3.0).item())
        clipped.append([p.grad.numpy() for p in params])
        assert record[0].filename == __file__
    np.testing.assert_allclose(norms[1], norms[0], rtol=1e-14)
    np.testing.assert_allclose(clipped[1], clipped[0], rtol=1e-14)


def test_skip_init_and_memory_formats() -> None:
    layer = mg.nn.utils.skip_init(mg.nn.Linear, 3, 4, bias=False)
    assert isinstance(layer, mg.nn.Linear) and tuple(layer.weight.shape) == (4, 3)
    assert layer.bias is None
    _same_error(lambda lib: lib.nn.utils.skip_init(int, 3))
    _same_error(lambda lib: lib.nn.utils.skip_init(lib.nn.ReLU))
    model = mg.nn.Sequential(mg.nn.Conv2d(2, 3, 3))
    weight = model[0].weight.detach().numpy().copy()
    for convert in (
        mg.nn.utils.convert_conv2d_weight_memory_format,
        mg.nn.utils.convert_conv3d_weight_memory_format,
    ):
        assert convert(model, "channels_last") is model
    np.testing.assert_array_equal(model[0].weight.detach().numpy(), weight)


# -- Adafactor and SparseAdam ----------------------------------------------------------------

SHAPES = [(3, 4), (5,), (2, 3, 4), ()]


def _trajectory(lib: Any, name: str, kwargs: dict[str, Any], steps: int = 20) -> list[Any]:
    rng = _rng(7)
    params = [lib.from_numpy(rng.standard_normal(s)).requires_grad_() for s in SHAPES]
    opt = getattr(lib.optim, name)(params, **kwargs)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        loss = sum(((p * p * p).sum() + (p.sin() * 2).sum()) for p in params)
        loss.backward()
        opt.step()
        history.append([p.detach().numpy().copy() for p in params])
    return [history, opt.state_dict()]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"lr": 0.1, "weight_decay": 0.1},
        {"maximize": True, "d": 2.0, "eps": (1e-20, 1e-2)},
        {"beta2_decay": -0.5, "lr": 0.05, "foreach": False},
        {"lr": 1.0, "eps": (1e-3, 0.0)},
    ],
)
def test_adafactor_trajectory_as_torch(kwargs: dict[str, Any]) -> None:
    (expected, t_state), (got, m_state) = (
        _trajectory(torch, "Adafactor", kwargs),
        _trajectory(mg, "Adafactor", kwargs),
    )
    for step, (e, g) in enumerate(zip(expected, got, strict=True)):
        for a, b in zip(e, g, strict=True):
            np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-14, err_msg=f"step {step}")
    assert t_state["param_groups"][0].keys() == m_state["param_groups"][0].keys()
    for k, t_entry in t_state["state"].items():
        m_entry = m_state["state"][k]
        assert list(m_entry) == list(t_entry)
        for key, value in t_entry.items():
            np.testing.assert_allclose(m_entry[key].numpy(), value.numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lr": -1.0},
        {"beta2_decay": 0.5},
        {"eps": (-1.0, 1e-3)},
        {"eps": (None, -1e-3)},
        {"d": 0.5},
        {"weight_decay": -0.1},
    ],
)
def test_adafactor_refuses_as_torch(kwargs: dict[str, Any]) -> None:
    _same_error(
        lambda lib: lib.optim.Adafactor([lib.nn.Parameter(lib.zeros(2))], **kwargs), ValueError
    )


def test_sparse_adam_refuses_dense_gradients_as_torch() -> None:
    for kwargs in ({"lr": 0.0}, {"eps": 0.0}, {"betas": (1.0, 0.9)}, {"betas": (0.9, -0.1)}):
        _same_error(
            lambda lib, kw=kwargs: lib.optim.SparseAdam([lib.nn.Parameter(lib.ones(2))], **kw),
            ValueError,
        )
    p = mg.nn.Parameter(mg.ones(3))
    opt = mg.optim.SparseAdam([p], lr=0.1)
    (p * p).sum().backward()

    def step(lib: Any) -> Any:
        if lib is mg:
            return opt.step()
        q = torch.nn.Parameter(torch.ones(3))
        (q * q).sum().backward()
        return torch.optim.SparseAdam([q]).step()

    message = _same_error(step)
    assert "Adam" in message
    np.testing.assert_array_equal(p.detach().numpy(), np.ones(3))  # nothing moved
    assert opt.state == {}


# -- swa_utils ---------------------------------------------------------------------------------


def _models() -> dict[Any, Any]:
    torch.manual_seed(0)
    models = {}
    for lib in (torch, mg):
        nn = lib.nn
        models[lib] = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2)).double()
    models[mg].load_state_dict({k: v.numpy() for k, v in models[torch].state_dict().items()})
    return models


AVERAGING = {
    "swa": lambda su: {},
    "ema": lambda su: {"avg_fn": su.get_ema_avg_fn(0.9)},
    "ema_multi": lambda su: {"multi_avg_fn": su.get_ema_multi_avg_fn(0.9)},
    "swa_multi": lambda su: {"multi_avg_fn": su.get_swa_multi_avg_fn()},
    "swa_buffers": lambda su: {"use_buffers": True},
    "ema_buffers": lambda su: {"use_buffers": True, "multi_avg_fn": su.get_ema_multi_avg_fn(0.7)},
    "custom": lambda su: {"avg_fn": lambda a, p, n: a * 0.25 + p * 0.75 + n * 1e-3},
}


@pytest.mark.parametrize("kind", list(AVERAGING))
def test_averaged_model_as_torch(kind: str) -> None:
    """20 updates from the same sequence of weights (and buffers) in both libraries."""
    models = _models()
    averaged = {
        lib: lib.optim.swa_utils.AveragedModel(model, **AVERAGING[kind](lib.optim.swa_utils))
        for lib, model in models.items()
    }
    rng = _rng(11)
    for step in range(20):
        state = {
            k: rng.standard_normal(tuple(v.shape)) if v.is_floating_point() else np.array(3 * step)
            for k, v in models[torch].state_dict().items()
        }
        models[torch].load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
        models[mg].load_state_dict(state)
        for lib in (torch, mg):
            averaged[lib].update_parameters(models[lib])
    t_state, m_state = averaged[torch].state_dict(), averaged[mg].state_dict()
    assert list(m_state) == list(t_state)
    # PyTorch's lerp (the multi forms) fuses a multiply-add: equal to rounding
    exact = "multi" not in kind and kind != "ema_buffers"
    for key, value in t_state.items():
        got = m_state[key].numpy()
        assert got.dtype == value.numpy().dtype, key
        if exact:
            np.testing.assert_array_equal(got, value.numpy(), err_msg=key)
        else:
            np.testing.assert_allclose(got, value.numpy(), rtol=1e-13, atol=1e-15, err_msg=key)
    x = _rng().standard_normal((5, 3))
    averaged[torch].eval()
    averaged[mg].eval()
    np.testing.assert_allclose(
        averaged[mg](mg.tensor(x)).detach().numpy(),
        averaged[torch](torch.from_numpy(x)).detach().numpy(),
        rtol=1e-12,
    )


def test_averaged_model_is_a_copy_with_gradients_of_its_own() -> None:
    model = mg.nn.Linear(3, 2)
    averaged = mg.optim.swa_utils.AveragedModel(model)
    assert averaged.module is not model and averaged.module.weight is not model.weight
    assert averaged.n_averaged.dtype == mg.int64 and averaged.n_averaged.item() == 0
    averaged.update_parameters(model)
    np.testing.assert_array_equal(
        averaged.module.weight.detach().numpy(), model.weight.detach().numpy()
    )
    assert averaged.module.weight.grad is None and averaged.module.weight.requires_grad
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        mg.optim.swa_utils.AveragedModel(model, avg_fn=lambda *a: a[0], multi_avg_fn=print)


@pytest.mark.parametrize("decay", [-0.1, 1.5])
def test_ema_decay_refused_as_torch(decay: float) -> None:
    for name in ("get_ema_avg_fn", "get_ema_multi_avg_fn"):
        _same_error(lambda lib, n=name: getattr(lib.optim.swa_utils, n)(decay), ValueError)


def test_update_bn_as_torch() -> None:
    models = _models()
    batches = [_rng(k).standard_normal((6, 3)) * 2 + 1 for k in range(4)]
    for lib, model in models.items():
        model.eval()
        model[1].momentum = 0.3
        loader = [(lib.from_numpy(b), lib.zeros(6)) for b in batches]
        lib.optim.swa_utils.update_bn(loader, model)
        assert not model.training and model[1].momentum == 0.3
    t_state, m_state = models[torch].state_dict(), models[mg].state_dict()
    for key in ("1.running_mean", "1.running_var", "1.num_batches_tracked"):
        np.testing.assert_allclose(m_state[key].numpy(), t_state[key].numpy(), rtol=1e-12)
    plain = mg.nn.Linear(2, 2)  # no BatchNorm: nothing to do, the loader is not read
    mg.optim.swa_utils.update_bn(iter(()), plain)


@pytest.mark.parametrize(
    ("kwargs", "groups"),
    [
        ({"swa_lr": 0.05}, 1),
        ({"swa_lr": 0.05, "anneal_epochs": 3, "anneal_strategy": "linear"}, 1),
        ({"swa_lr": [0.05, 0.5], "anneal_epochs": 5}, 2),
        ({"swa_lr": 0.2, "anneal_epochs": 0}, 1),
    ],
)
def test_swalr_learning_rates_as_torch(kwargs: dict[str, Any], groups: int) -> None:
    lrs = []
    for lib in (torch, mg):
        params = [lib.nn.Parameter(lib.zeros(2)) for _ in range(groups)]
        opt = lib.optim.SGD([{"params": [p], "lr": 0.1 * (k + 1)} for k, p in enumerate(params)])
        scheduler = lib.optim.swa_utils.SWALR(opt, **kwargs)
        seen = []
        for _ in range(20):
            opt.step()
            scheduler.step()
            seen.append(scheduler.get_last_lr())
        lrs.append(seen)
        state = scheduler.state_dict()
        assert "anneal_func" not in state and "optimizer" not in state
        scheduler.anneal_func = None
        scheduler.load_state_dict(state)  # the function follows the strategy saved
        cosine = (1 - np.cos(np.pi * 0.3)) / 2
        assert scheduler.anneal_func(0.3) == (0.3 if "linear" in str(kwargs) else cosine)
    np.testing.assert_allclose(lrs[1], lrs[0], rtol=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"swa_lr": 0.1, "anneal_strategy": "exp"}, ValueError),
        ({"swa_lr": 0.1, "anneal_epochs": -1}, ValueError),
        ({"swa_lr": 0.1, "anneal_epochs": 2.5}, ValueError),
        ({"swa_lr": [0.1, 0.2]}, ValueError),
    ],
)
def test_swalr_refuses_as_torch(kwargs: dict[str, Any], exc: type[BaseException]) -> None:
    def call(lib: Any) -> Any:
        opt = lib.optim.SGD([lib.nn.Parameter(lib.zeros(2))], lr=0.1)
        return lib.optim.swa_utils.SWALR(opt, **kwargs)

    _same_error(call, exc)


def test_swalr_get_lr_outside_step_warns_as_torch() -> None:
    opt = mg.optim.SGD([mg.nn.Parameter(mg.zeros(2))], lr=0.1)
    scheduler = mg.optim.swa_utils.SWALR(opt, swa_lr=0.01)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        scheduler.get_lr()
    assert "get_last_lr()" in str(record[0].message)
