"""PyTorch's common top-level names that minigrad lacked, each checked against torch: constants
and type information, runtime settings, the nn.functional aliases, in-place forms and
creation functions."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch")

FLOATS = ["float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


# -- constants and type information ----------------------------------------------------------


def test_constants_are_torchs() -> None:
    assert mg.pi == torch.pi and mg.e == torch.e and mg.inf == torch.inf
    assert math.isnan(mg.nan) and mg.newaxis is None is torch.newaxis
    assert mg.arange(3)[:, mg.newaxis].shape == (3, 1)


@pytest.mark.parametrize("name", [*FLOATS, "complex64", "complex128"])
def test_finfo_matches_torch(name: str) -> None:
    ours, theirs = mg.finfo(getattr(mg, name)), torch.finfo(getattr(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
        assert type(getattr(ours, attr)) is type(getattr(theirs, attr)), attr
    assert ours.dtype == theirs.dtype
    assert repr(ours) == repr(theirs)


def test_finfo_without_argument_is_the_default_dtype() -> None:
    assert repr(mg.finfo()) == repr(torch.finfo())
    mg.set_default_dtype(mg.float64)
    try:
        assert mg.finfo().bits == 64
    finally:
        mg.set_default_dtype(mg.float32)


@pytest.mark.parametrize("name", INTS)
def test_iinfo_matches_torch(name: str) -> None:
    ours, theirs = mg.iinfo(getattr(mg, name)), torch.iinfo(getattr(torch, name))
    assert (ours.bits, ours.max, ours.min, ours.dtype) == (
        theirs.bits,
        theirs.max,
        theirs.min,
        theirs.dtype,
    )
    assert type(ours.max) is int and repr(ours) == repr(theirs)


def test_type_info_refuses_the_wrong_kind_as_torch() -> None:
    for ours, theirs in [
        (lambda: mg.finfo(mg.int64), lambda: torch.finfo(torch.int64)),
        (lambda: mg.iinfo(mg.float32), lambda: torch.iinfo(torch.float32)),
        (lambda: mg.iinfo(mg.bool), lambda: torch.iinfo(torch.bool)),
        (lambda: mg.finfo("float32"), lambda: torch.finfo("float32")),
        (lambda: mg.iinfo(3), lambda: torch.iinfo(3)),
    ]:
        with pytest.raises(TypeError):
            theirs()
        with pytest.raises(TypeError):
            ours()
    with pytest.raises(TypeError, match=r"Use minigrad.iinfo"):
        mg.finfo(mg.int64)
    with pytest.raises(TypeError, match=r"Use minigrad.finfo"):
        mg.iinfo(mg.float32)


ALL = ["bool", *INTS, *FLOATS, "complex64", "complex128"]


@pytest.mark.parametrize("a", ALL)
def test_can_cast_matches_torch(a: str) -> None:
    for b in ALL:
        assert mg.can_cast(getattr(mg, a), getattr(mg, b)) == torch.can_cast(
            getattr(torch, a), getattr(torch, b)
        ), (a, b)
    with pytest.raises(TypeError, match=r"can_cast\(\): argument 'from_'"):
        mg.can_cast(1, mg.float32)


def test_typename_matches_torch() -> None:
    for name in ("float32", "float64", "int64", "bool", "uint8"):
        ours = mg.typename(mg.zeros(2, dtype=getattr(mg, name)))
        theirs = torch.typename(torch.zeros(2, dtype=getattr(torch, name)))
        assert ours.replace("minigrad.", "torch.") == theirs
    for obj in (3, "a", [1], None, int, math.sqrt):
        assert mg.typename(obj) == torch.typename(obj)
    assert mg.typename(mg.nn.Linear(1, 1)) == "minigrad.nn.layers.Linear"


@pytest.mark.parametrize("name", ["bool", *INTS, *FLOATS])  # minigrad has no complex tensors
def test_is_signed_function_and_method(name: str) -> None:
    theirs = torch.is_signed(torch.zeros(1, dtype=getattr(torch, name)))
    t = mg.zeros(1, dtype=getattr(mg, name))
    assert mg.is_signed(t) == t.is_signed() == theirs


def test_is_nonzero_and_is_same_size() -> None:
    for data in ([0.0], [[2]], [True], 0.0, [False]):
        assert mg.is_nonzero(mg.tensor(data)) == torch.is_nonzero(torch.tensor(data))
    for data, words in (([], "no values"), ([1, 2], "more than one value")):
        with pytest.raises(RuntimeError, match=words):
            torch.is_nonzero(torch.tensor(data))
        with pytest.raises(RuntimeError, match=words):
            mg.is_nonzero(mg.tensor(data))
    with pytest.raises(TypeError, match="must be Tensor, not int"):
        mg.is_nonzero(1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be Tensor, not int"):
        mg.is_signed(1)  # type: ignore[arg-type]
    a, b = mg.zeros(2, 3), mg.ones(2, 3)
    assert mg.is_same_size(a, b) and not mg.is_same_size(a, mg.zeros(3, 2))
    with pytest.raises(TypeError, match="'other' \\(position 2\\)"):
        mg.is_same_size(a, [1])  # type: ignore[arg-type]


# -- runtime settings --------------------------------------------------------------------------


def test_num_threads_are_recorded_and_checked() -> None:
    before = mg.get_num_threads()
    assert isinstance(before, int) and before >= 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # without threadpoolctl it warns (tested below)
            mg.set_num_threads(1)
        assert mg.get_num_threads() == 1
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mg.set_num_threads(before)
    for bad, words in ((0, "positive integer"), (2.0, "expects an int, but got float")):
        with pytest.raises(RuntimeError, match=words):
            torch.set_num_threads(bad)
        with pytest.raises(RuntimeError, match=words):
            mg.set_num_threads(bad)  # type: ignore[arg-type]
    assert mg.get_num_threads() == before


def test_set_num_threads_without_threadpoolctl_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from minigrad import runtime

    before = runtime._state["threads"]
    monkeypatch.setattr(runtime, "_threadpoolctl", lambda: None)
    try:
        with pytest.warns(UserWarning, match="OMP_NUM_THREADS"):
            mg.set_num_threads(3)
        assert mg.get_num_threads() == 3
    finally:
        runtime._state["threads"] = before


def test_set_num_threads_limits_blas_with_threadpoolctl() -> None:
    tpc = pytest.importorskip("threadpoolctl")
    before = mg.get_num_threads()
    try:
        mg.set_num_threads(1)
        assert mg.get_num_threads() == 1  # (every BLAS pool threadpoolctl sees, if any)
        assert all(p["num_threads"] == 1 for p in tpc.threadpool_info() if p["user_api"] == "blas")
    finally:
        mg.set_num_threads(before)


def test_interop_threads() -> None:
    from minigrad import runtime

    saved = dict(runtime._state)
    try:
        runtime._state.update(interop_threads=1, interop_set=False)
        assert mg.get_num_interop_threads() >= 1
        mg.set_num_interop_threads(2)
        assert mg.get_num_interop_threads() == 2
        with pytest.raises(RuntimeError, match="positive integer"):
            mg.set_num_interop_threads(0)
    finally:
        runtime._state.update(saved)


def test_deterministic_algorithms_are_accepted_and_reported() -> None:
    assert mg.are_deterministic_algorithms_enabled() is False
    try:
        mg.use_deterministic_algorithms(True, warn_only=True)
        assert mg.are_deterministic_algorithms_enabled() is True
        assert mg.is_deterministic_algorithms_warn_only_enabled() is True
    finally:
        mg.use_deterministic_algorithms(False)
    assert not mg.are_deterministic_algorithms_enabled()
    with pytest.raises(TypeError, match="'mode' must be bool"):
        mg.use_deterministic_algorithms(1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        torch.use_deterministic_algorithms(1)
    assert not mg.are_deterministic_algorithms_enabled()


def test_float32_matmul_precision() -> None:
    assert mg.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "highest"
    try:
        mg.set_float32_matmul_precision("high")
        assert mg.get_float32_matmul_precision() == "high"
        with pytest.warns(UserWarning, match="has no effect"):
            mg.set_float32_matmul_precision("fast")
        assert mg.get_float32_matmul_precision() == "high"
    finally:
        mg.set_float32_matmul_precision("highest")


def test_flush_denormal_is_not_supported() -> None:
    assert mg.set_flush_denormal(True) is False
    tiny = np.finfo(np.float32).smallest_subnormal
    assert mg.tensor([tiny]).item() != 0.0  # nothing changed


def test_warn_always() -> None:
    assert mg.is_warn_always_enabled() is torch.is_warn_always_enabled() is False
    mg.set_warn_always(True)
    assert mg.is_warn_always_enabled()
    mg.set_warn_always(False)
    with pytest.raises(RuntimeError, match="expects a bool, but got int"):
        mg.set_warn_always(1)  # type: ignore[arg-type]


def test_anomaly_switch_is_autogrards() -> None:
    assert not mg.is_anomaly_enabled()
    mg.set_anomaly_enabled(True)
    try:
        assert mg.is_anomaly_enabled() and mg.autograd.is_anomaly_enabled()
        assert mg.is_anomaly_check_nan_enabled()
        mg.set_anomaly_enabled(True, check_nan=False)
        assert not mg.is_anomaly_check_nan_enabled()
    finally:
        mg.set_anomaly_enabled(False)
    assert not mg.autograd.is_anomaly_enabled()


def test_set_default_tensor_type_warns_and_sets_the_dtype() -> None:
    try:
        with pytest.warns(UserWarning, match="deprecated as of PyTorch 2.1"):
            mg.set_default_tensor_type(mg.DoubleTensor)
        assert mg.get_default_dtype() == mg.float64 and mg.tensor([1.0]).dtype == mg.float64
        with pytest.warns(UserWarning):
            mg.set_default_tensor_type("torch.FloatTensor")
        assert mg.get_default_dtype() == mg.float32
        with pytest.warns(UserWarning):
            mg.set_default_tensor_type("minigrad.DoubleTensor")
        assert mg.get_default_dtype() == mg.float64
    finally:
        mg.set_default_dtype(mg.float32)
    for bad in (mg.LongTensor, mg.float64, "torch.cuda.FloatTensor"):
        with pytest.warns(UserWarning), pytest.raises(TypeError):
            mg.set_default_tensor_type(bad)
        assert mg.get_default_dtype() == mg.float32


# -- nn.functional operations at the top level --------------------------------------------------

rng = np.random.default_rng(0)


def _arr(*shape: int) -> np.ndarray:
    return rng.standard_normal(shape)


X3, W3 = _arr(2, 4, 9), _arr(3, 4, 3)
X4 = _arr(2, 4, 5, 5)
P = _arr(4, 5)
Y = rng.random((4, 5))
LIN = _arr(3, 4)
IDX = np.array([[0, 2], [1, 0]])
TGT = np.array([1.0, -1.0, 1.0, -1.0])
LP = _arr(6, 2, 4)


class In:
    """In a case's arguments: the i-th differentiable input (after the leading ones)."""

    def __init__(self, i: int) -> None:
        self.i = i


class Data:
    """In a case's arguments: an array given as a tensor that does not require grad."""

    def __init__(self, a: np.ndarray) -> None:
        self.a = a


def _call(lib: Any, name: str, inputs: list[Any], args: tuple, kwargs: dict, lead: int) -> Any:
    rest = [
        inputs[a.i] if isinstance(a, In) else lib.tensor(a.a) if isinstance(a, Data) else a
        for a in args
    ]
    return getattr(lib, name)(*inputs[:lead], *rest, **kwargs)


def _lead(arrays: list[np.ndarray], args: tuple) -> int:
    return len(arrays) - sum(isinstance(a, In) for a in args)


# name, float64 arrays (differentiable inputs), other arguments (same for both libraries)
CASES: list[tuple[str, list[np.ndarray], tuple, dict]] = [
    ("conv1d", [X3, W3], (None, 2, 1), {}),
    ("conv2d", [X4, _arr(3, 4, 3, 3)], (None, 1, 1), {}),
    ("conv3d", [_arr(1, 2, 4, 4, 4), _arr(3, 2, 2, 2, 2)], (), {}),
    ("conv_transpose1d", [X3, _arr(4, 2, 3)], (None, 2), {}),
    ("conv_transpose2d", [X4, _arr(4, 2, 3, 3)], (None, 2, 1, 1), {}),
    ("conv_transpose3d", [_arr(1, 2, 3, 3, 3), _arr(2, 2, 2, 2, 2)], (), {}),
    ("layer_norm", [P, _arr(5), _arr(5)], ([5], In(1), In(2)), {}),
    ("group_norm", [X4, _arr(4), _arr(4)], (2, In(1), In(2)), {}),
    ("rms_norm", [P, _arr(5)], ([5], In(1)), {}),
    ("bilinear", [LIN, _arr(3, 2), _arr(6, 4, 2), _arr(6)], (), {}),
    ("pixel_shuffle", [_arr(1, 8, 2, 3)], (2,), {}),
    ("pixel_unshuffle", [_arr(1, 2, 4, 6)], (2,), {}),
    ("channel_shuffle", [X4], (2,), {}),
    ("selu", [P], (), {}),
    ("celu", [P], (0.7,), {}),
    ("threshold", [P], (0.1, -2.0), {}),
    ("prelu", [X4, np.full(4, 0.25)], (), {}),
    ("rrelu", [P], (0.1, 0.3, False), {}),
    ("hardshrink", [P], (0.4,), {}),
    ("adaptive_avg_pool1d", [X3], (4,), {}),
    ("avg_pool1d", [X3], (3,), {}),
    ("avg_pool1d", [X3], (3, 2, 1, True, False), {}),
    ("max_pool1d", [X3], (3,), {}),
    ("max_pool1d", [X3], (2, 1, 1, 2), {}),
    ("max_pool2d", [X4], (2,), {}),
    ("max_pool3d", [_arr(1, 2, 4, 4, 4)], (2,), {}),
    ("constant_pad_nd", [P], ([1, 2, 0, 1], 3.5), {}),
    ("kl_div", [P, Y], (), {}),
    ("kl_div", [P, Y], (1,), {}),
    ("kl_div", [P, P], (2,), {"log_target": True}),
    ("binary_cross_entropy_with_logits", [P], (Data(Y),), {}),
    (
        "binary_cross_entropy_with_logits",
        [P],
        (Data(Y), Data(rng.random(5)), Data(rng.random(5)), 1),
        {},
    ),
    ("cosine_embedding_loss", [_arr(4, 3), _arr(4, 3)], (Data(TGT), 0.1), {}),
    ("cosine_embedding_loss", [_arr(4, 3), _arr(4, 3)], (Data(TGT), 0.1, 2), {}),
    ("hinge_embedding_loss", [P], (Data(np.sign(_arr(4, 5))),), {}),
    ("margin_ranking_loss", [_arr(4), _arr(4)], (Data(TGT), 0.2, 1), {}),
    ("triplet_margin_loss", [LIN, _arr(3, 4), _arr(3, 4)], (), {}),
    ("triplet_margin_loss", [LIN, _arr(3, 4), _arr(3, 4)], (0.5, 1, 1e-6, True, 1), {}),
    ("poisson_nll_loss", [P, Y], (True, False, 1e-8, 1), {}),
    ("poisson_nll_loss", [np.abs(P), Y], (False, True, 1e-8, 0), {}),
]


def _lib_args(lib: Any, arrays: list[np.ndarray], grad: bool) -> list[Any]:
    return [lib.tensor(a, dtype=lib.float64, requires_grad=grad) for a in arrays]


@pytest.mark.parametrize(("name", "arrays", "args", "kwargs"), CASES, ids=lambda v: str(v)[:20])
def test_alias_matches_torch_values_and_gradients(
    name: str, arrays: list[np.ndarray], args: tuple, kwargs: dict
) -> None:
    ours_in, theirs_in = _lib_args(mg, arrays, True), _lib_args(torch, arrays, True)
    lead = _lead(arrays, args)
    ours = _call(mg, name, ours_in, args, kwargs, lead)
    theirs = _call(torch, name, theirs_in, args, kwargs, lead)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=1e-10)
    up = rng.standard_normal(tuple(theirs.shape))
    ours.backward(mg.tensor(up))
    theirs.backward(torch.tensor(up))
    for o, t in zip(ours_in, theirs_in, strict=True):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), atol=1e-9)


@pytest.mark.parametrize(
    "name", ["layer_norm", "conv1d", "kl_div", "bilinear", "binary_cross_entropy_with_logits"]
)
def test_alias_gradcheck_first_and_second_order(name: str) -> None:
    (_, arrays, args, kwargs) = next(c for c in CASES if c[0] == name)
    inputs = _lib_args(mg, arrays, True)

    def f(*xs: Any) -> Any:
        return _call(mg, name, list(xs), args, kwargs, _lead(arrays, args))

    assert mg.gradcheck(f, inputs)
    assert mg.gradgradcheck(f, inputs)


def test_norms_take_the_top_levels_argument_order() -> None:
    x, w, b = _arr(4, 3), rng.random(3) + 0.5, _arr(3)
    rm, rv = _arr(3), rng.random(3) + 0.5
    ours_stats = [mg.tensor(rm.copy()), mg.tensor(rv.copy())]
    theirs_stats = [torch.tensor(rm.copy()), torch.tensor(rv.copy())]
    for training in (True, False):
        o = mg.batch_norm(
            mg.tensor(x), mg.tensor(w), mg.tensor(b), *ours_stats, training, 0.2, 1e-5, False
        )
        t = torch.batch_norm(
            torch.tensor(x),
            torch.tensor(w),
            torch.tensor(b),
            *theirs_stats,
            training,
            0.2,
            1e-5,
            False,
        )
        np.testing.assert_allclose(o.numpy(), t.numpy(), atol=1e-10)
        for a, c in zip(ours_stats, theirs_stats, strict=True):
            np.testing.assert_allclose(a.numpy(), c.numpy(), atol=1e-12)
    x3 = _arr(2, 3, 5)
    o = mg.instance_norm(
        mg.tensor(x3), mg.tensor(w), mg.tensor(b), None, None, True, 0.1, 1e-5, False
    )
    t = torch.instance_norm(
        torch.tensor(x3), torch.tensor(w), torch.tensor(b), None, None, True, 0.1, 1e-5, False
    )
    np.testing.assert_allclose(o.numpy(), t.numpy(), atol=1e-10)
    with pytest.raises(TypeError):
        mg.batch_norm(mg.tensor(x), None, None, None, None)  # type: ignore[call-arg]


def test_embedding_takes_the_weight_first() -> None:
    w = _arr(4, 3)
    for pad in (-1, 2):
        ow, tw = mg.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
        o = mg.embedding(ow, mg.tensor([[0, 2], [1, 2]]), pad)
        t = torch.embedding(tw, torch.tensor([[0, 2], [1, 2]]), pad)
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy())
        o.sum().backward()
        t.sum().backward()
        np.testing.assert_allclose(ow.grad.numpy(), tw.grad.numpy())


def test_max_pools_with_indices_and_ctc_loss() -> None:
    x = _arr(2, 3, 10)
    for fn, args in (("max_pool1d_with_indices", (3, 2)), ("adaptive_max_pool1d", (4,))):
        (ov, oi), (tv, ti) = (
            getattr(mg, fn)(mg.tensor(x), *args),
            getattr(torch, fn)(torch.tensor(x), *args),
        )
        np.testing.assert_allclose(ov.numpy(), tv.numpy())
        assert oi.tolist() == ti.tolist()
    lp = np.log(np.exp(LP) / np.exp(LP).sum(2, keepdims=True))
    targets = [[1, 2], [3, 3]]
    for red in (0, 1, 2):
        o = mg.ctc_loss(mg.tensor(lp), mg.tensor(targets), [6, 5], [2, 2], 0, red)
        t = torch.ctc_loss(torch.tensor(lp), torch.tensor(targets), [6, 5], [2, 2], 0, red)
        np.testing.assert_allclose(o.numpy(), t.numpy(), atol=1e-9)
    o = mg.ctc_loss(mg.tensor(lp), mg.tensor(targets), [6, 5], [2, 2])
    assert o.shape == torch.ctc_loss(torch.tensor(lp), torch.tensor(targets), [6, 5], [2, 2]).shape


def test_losses_take_an_int_reduction() -> None:
    with pytest.raises(TypeError):
        torch.kl_div(torch.zeros(2), torch.ones(2), "mean")
    with pytest.raises(TypeError, match="0 \\(none\\), 1 \\(mean\\) or 2 \\(sum\\)"):
        mg.kl_div(mg.zeros(2), mg.ones(2), "mean")  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the top level's mean gives no warning
        mg.kl_div(mg.zeros(2), mg.ones(2), 1)


def test_dropouts_take_input_p_train() -> None:
    x = mg.ones(20, 30, 4)
    for name in ("dropout", "alpha_dropout", "feature_dropout", "feature_alpha_dropout"):
        with pytest.raises(TypeError):
            getattr(torch, name)(torch.ones(2), 0.5)
        with pytest.raises(TypeError):
            getattr(mg, name)(x, 0.5)
        assert getattr(mg, name)(x, 0.5, False) is x
        with pytest.raises(ValueError, match="between 0 and 1"):
            getattr(mg, name)(x, 1.5, True)
    y = mg.dropout(x, 0.5, True)
    kept = y.numpy() != 0
    assert 0.4 < kept.mean() < 0.6 and np.allclose(y.numpy()[kept], 2.0)
    f = mg.feature_dropout(x, 0.5, True).numpy()
    assert (f == f[:, :, :1]).all() and 0.3 < (f[:, :, 0] != 0).mean() < 0.7  # whole features
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        mg.feature_dropout(mg.ones(3), 0.5, True)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        torch.feature_dropout(torch.ones(3), 0.5, True)
    z = mg.ones(10, 10)
    assert mg.dropout_(z, 0.5, True) is z and (z.numpy() == 0).any()
    w = mg.ones(10, 10, 2)
    assert mg.feature_dropout_(w, 0.5, True) is w and (w.numpy() == 0).any()
    a = mg.tensor(_arr(200, 10), requires_grad=True)
    g = mg.tensor(_arr(200, 10))
    out = mg.dropout(a, 0.3, True)
    out.backward(g)
    mask = out.detach().numpy() != 0
    np.testing.assert_allclose(a.grad.numpy(), np.where(mask, g.numpy() / 0.7, 0.0), rtol=1e-6)


def test_rrelu_generator_is_refused() -> None:
    with pytest.raises(NotImplementedError, match="manual_seed"):
        mg.rrelu(mg.ones(2), generator=mg.Generator())
    y = mg.rrelu(mg.tensor([-1.0, 2.0]), 0.1, 0.3, True)
    assert -0.3 <= y[0].item() <= -0.1 and y[1].item() == 2.0


# -- in-place top-level forms -------------------------------------------------------------------

UNARY_INPLACE = [
    "abs_",
    "ceil_",
    "floor_",
    "round_",
    "trunc_",
    "frac_",
    "fix_",
    "neg_",
    "negative_",
    "sin_",
    "cos_",
    "tan_",
    "sinh_",
    "cosh_",
    "atan_",
    "arctan_",
    "asinh_",
    "arcsinh_",
    "sigmoid_",
    "tanh_",
    "relu_",
    "exp_",
    "exp2_",
    "expm1_",
    "erf_",
    "sinc_",
    "square_",
    "zero_",
    "reciprocal_",
]
POSITIVE_INPLACE = ["log_", "log2_", "log10_", "log1p_", "sqrt_", "rsqrt_", "acosh_", "arccosh_"]
UNIT_INPLACE = ["asin_", "acos_", "arcsin_", "arccos_", "atanh_", "arctanh_", "logit_"]


@pytest.mark.parametrize("name", UNARY_INPLACE + POSITIVE_INPLACE + UNIT_INPLACE)
def test_inplace_function_matches_torch(name: str) -> None:
    data = rng.uniform(-3, 3, (3, 4))
    if name in POSITIVE_INPLACE:
        data = np.abs(data) + 1.0
    elif name in UNIT_INPLACE:
        data = rng.uniform(0.05, 0.95, (3, 4))
    ours, theirs = mg.tensor(data), torch.tensor(data)
    assert getattr(mg, name)(ours) is ours
    getattr(torch, name)(theirs)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)


def test_inplace_functions_with_arguments_match_torch() -> None:
    data = np.array([[-2.0, 0.5, np.nan], [np.inf, 1.5, -np.inf]])
    calls = [
        ("clamp_", (-1.0, 1.0), {}),
        ("clip_", (), {"min": 0.0}),
        ("clamp_min_", (0.2,), {}),
        ("clamp_max_", (0.2,), {}),
        ("nan_to_num_", (0.0, 9.0, -9.0), {}),
        ("fill_", (3.0,), {}),
        ("xlogy_", (2.0,), {}),
        ("logit_", (0.1,), {}),
    ]
    for name, args, kwargs in calls:
        ours, theirs = mg.tensor(data), torch.tensor(data)
        assert getattr(mg, name)(ours, *args, **kwargs) is ours
        getattr(torch, name)(theirs, *args, **kwargs)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), err_msg=name)
    for name, args in (("selu_", ()), ("celu_", (0.5,)), ("threshold_", (0.5, 7.0))):
        ours, theirs = mg.tensor(data), torch.tensor(data)
        assert getattr(mg, name)(ours, *args) is ours
        getattr(torch, name)(theirs, *args)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), err_msg=name)


def test_inplace_functions_keep_torchs_rules() -> None:
    leaf = mg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        mg.exp_(leaf)
    assert leaf.tolist() == [1.0, 1.0]
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    mg.exp_(y)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([1.0, 2.0]))
    d = x * 2
    assert mg.detach_(d) is d and not d.requires_grad
    with pytest.raises(TypeError, match="must be Tensor, not list"):
        mg.abs_([1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        torch.abs_([1.0])


def test_fill_is_a_new_tensor() -> None:
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = mg.tensor(2.5, requires_grad=True)
    y = mg.fill(x, v)
    tx, tv = (
        torch.tensor([1.0, 2.0, 3.0], requires_grad=True),
        torch.tensor(2.5, requires_grad=True),
    )
    ty = torch.fill(tx, tv)
    assert y.tolist() == ty.tolist() and x.tolist() == [1.0, 2.0, 3.0]
    y.sum().backward()
    ty.sum().backward()
    assert v.grad.item() == tv.grad.item() == 3.0
    assert (x.grad is None or x.grad.tolist() == [0.0] * 3) and (
        tx.grad is None or tx.grad.tolist() == [0.0] * 3
    )
    assert mg.fill(mg.zeros(2, dtype=mg.int64), 7).dtype == mg.int64


# -- creation ---------------------------------------------------------------------------------


def test_asarray_shares_memory_with_numpy_as_torch() -> None:
    a = np.arange(3.0)
    ours, theirs = mg.asarray(a), torch.asarray(a)
    a[0] = 9.0
    assert ours.tolist() == theirs.tolist() == [9.0, 1.0, 2.0]
    assert ours.dtype == mg.float64
    converted = mg.asarray(a, dtype=mg.float32)
    copied = mg.asarray(a, copy=True)
    a[1] = 7.0
    assert converted.tolist() == [9.0, 1.0, 2.0] and copied.tolist() == [9.0, 1.0, 2.0]
    with pytest.raises(
        ValueError, match="can't alias tensor with dtype 'Double' into dtype 'Long'"
    ):
        torch.asarray(a, copy=False, dtype=torch.int64)
    with pytest.raises(
        ValueError, match="can't alias tensor with dtype 'Double' into dtype 'Long'"
    ):
        mg.asarray(a, copy=False, dtype=mg.int64)
    for data in ([1, 2], [1.0, 2.0], 3.5, [True], np.float32(2.0)):
        o, t = mg.asarray(data), torch.asarray(data)
        assert o.tolist() == t.tolist() and str(o.dtype)[9:] == str(t.dtype)[6:], data
    r = mg.asarray([1.0, 2.0], requires_grad=True)
    assert r.requires_grad and r.is_leaf


def test_asarray_of_a_tensor_as_torch() -> None:
    t = mg.ones(2)
    assert mg.asarray(t) is t and mg.asarray(t, copy=True) is not t
    assert mg.asarray(t, dtype=mg.float64).dtype == mg.float64
    x = mg.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="unspecified requires_grad"):
        y = mg.asarray(x)
    assert y is x
    with pytest.warns(UserWarning):
        c = mg.asarray(x, copy=True)
    assert c is not x and c.requires_grad and not c.is_leaf
    c.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    nonleaf = x * 2
    d = mg.asarray(nonleaf, requires_grad=False)
    assert d is not nonleaf and not d.requires_grad
    assert mg.asarray(x, requires_grad=False) is x and not x.requires_grad  # as torch: switched off
    tx = torch.ones(2, requires_grad=True)
    assert torch.asarray(tx, requires_grad=False) is tx and not tx.requires_grad
    with pytest.raises(ValueError, match="can't alias"):
        mg.asarray(t, dtype=mg.int64, copy=False)


def test_scalar_tensor_and_range() -> None:
    for s, kw in ((3, {}), (2.5, {}), (True, {}), (3, {"dtype": "int64"})):
        o = mg.scalar_tensor(s, **{k: getattr(mg, v) for k, v in kw.items()})
        t = torch.scalar_tensor(s, **{k: getattr(torch, v) for k, v in kw.items()})
        assert o.shape == () and o.item() == t.item() and str(o.dtype)[9:] == str(t.dtype)[6:]
    with pytest.raises(TypeError, match="must be Number, not Tensor"):
        mg.scalar_tensor(mg.ones(2))
    for args, kw in (((1, 4), {}), ((0, 1, 0.25), {}), ((0, 1, 0.3), {}), ((5, 1, -2), {})):
        with pytest.warns(UserWarning, match="deprecated"):
            o = mg.range(*args, **kw)
        with pytest.warns(UserWarning):
            t = torch.range(*args, **kw)
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-6)
        assert str(o.dtype)[9:] == str(t.dtype)[6:]
    with pytest.warns(UserWarning):
        assert mg.range(1, 3, dtype=mg.int64).tolist() == [1, 2, 3]
    for args, words in (((1, 0), "inconsistent with step sign"), ((0, 1, 0), "nonzero")):
        with pytest.warns(UserWarning), pytest.raises(RuntimeError, match=words):
            mg.range(*args)


WINDOWS = [
    ("hann_window", ()),
    ("hamming_window", ()),
    ("hamming_window", (0.5, 0.5)),
    ("blackman_window", ()),
    ("bartlett_window", ()),
    ("kaiser_window", ()),
    ("kaiser_window", (8.0,)),
]


@pytest.mark.parametrize(("name", "extra"), WINDOWS)
def test_windows_match_torch(name: str, extra: tuple) -> None:
    for n in (0, 1, 2, 5, 16):
        for periodic in (True, False):
            o = getattr(mg, name)(n, periodic, *extra, dtype=mg.float64)
            t = getattr(torch, name)(n, periodic, *extra, dtype=torch.float64)
            np.testing.assert_allclose(o.numpy(), t.numpy(), atol=1e-12, err_msg=f"{n} {periodic}")
    o, t = getattr(mg, name)(7), getattr(torch, name)(7)
    assert o.dtype == mg.float32 and np.allclose(o.numpy(), t.numpy(), atol=1e-6)
    with pytest.raises(RuntimeError, match="non-negative window_length"):
        getattr(mg, name)(-1)
    with pytest.raises(RuntimeError, match="expects floating point dtypes"):
        getattr(mg, name)(4, dtype=mg.int64)
    assert getattr(mg, name)(4, requires_grad=True).requires_grad
