"""PyTorch's common top-level names that minigrad lacked, each checked against torch: constants
and type information, runtime settings, the nn.functional aliases, in-place forms and
creation functions."""

from __future__ import annotations

import math
import warnings

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
    pools = [p for p in tpc.threadpool_info() if p["user_api"] == "blas"]
    if not pools:
        pytest.skip("NumPy's BLAS is not visible to threadpoolctl here")
    before = mg.get_num_threads()
    try:
        mg.set_num_threads(1)
        assert all(p["num_threads"] == 1 for p in tpc.threadpool_info() if p["user_api"] == "blas")
    finally:
        mg.set_num_threads(before)


def test_interop_threads() -> None:
    assert mg.get_num_interop_threads() >= 1
    mg.set_num_interop_threads(2)
    assert mg.get_num_interop_threads() == 2
    with pytest.raises(RuntimeError, match="positive integer"):
        mg.set_num_interop_threads(0)
    mg.set_num_interop_threads(1)


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
