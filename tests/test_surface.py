"""PyTorch's surface: generators, creation functions, devices, dtypes, sizes, promotion."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.utils.data import DataLoader, TensorDataset

# ---------------------------------------------------------------------------------------------
# Generator


def test_generator_seeds_and_repeats() -> None:
    g = mg.Generator()
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    a = mg.rand(3, generator=g)
    g.manual_seed(5)
    np.testing.assert_array_equal(mg.rand(3, generator=g).numpy(), a.numpy())
    assert not np.array_equal(mg.rand(3, generator=g).numpy(), a.numpy())


def test_generator_state_round_trip() -> None:
    g = mg.Generator().manual_seed(1)
    mg.randn(7, generator=g)
    state = g.get_state()
    assert state.dtype == np.uint8 and state.ndim == 1
    a = mg.randn(4, generator=g)
    g.set_state(state)
    np.testing.assert_array_equal(mg.randn(4, generator=g).numpy(), a.numpy())
    with pytest.raises(RuntimeError, match="get_state"):
        g.set_state(mg.zeros(3))


def test_generator_seed_and_default_generator() -> None:
    g = mg.Generator()
    s = g.seed()
    assert g.initial_seed() == s and 0 <= s < 2**64
    assert mg.manual_seed(3) is mg.default_generator
    assert mg.initial_seed() == 3
    state = mg.get_rng_state()
    a = mg.rand(2)
    mg.set_rng_state(state)
    np.testing.assert_array_equal(mg.rand(2).numpy(), a.numpy())
    with pytest.raises(TypeError, match="int"):
        g.manual_seed(1.5)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="CPU"):
        mg.Generator(device="cuda")


def _draws(generator: object) -> list[np.ndarray]:
    """One draw from every random function that takes generator=."""
    g = generator
    p = mg.tensor([0.2, 0.3, 0.5])
    return [
        mg.rand(3, generator=g).numpy(),
        mg.randn(3, generator=g).numpy(),
        mg.randint(0, 9, (3,), generator=g).numpy(),
        mg.randperm(6, generator=g).numpy(),
        mg.multinomial(p, 2, generator=g).numpy(),
        mg.bernoulli(mg.full((4,), 0.5), generator=g).numpy(),
        mg.normal(0.0, 1.0, (3,), generator=g).numpy(),
        mg.rand_like(p, generator=g).numpy(),
        mg.randn_like(p, generator=g).numpy(),
        mg.randint_like(p, 5, generator=g).numpy(),
        nn.init.uniform_(mg.empty(3), generator=g).numpy(),
        nn.init.normal_(mg.empty(3), generator=g).numpy(),
        nn.init.kaiming_uniform_(mg.empty(2, 3), generator=g).numpy(),
        nn.Linear(3, 2, generator=g).weight.detach().numpy(),
        np.concatenate(
            [b[0].numpy() for b in DataLoader(TensorDataset(mg.arange(5)), 2, True, generator=g)]
        ),
    ]


def test_every_random_function_takes_a_generator() -> None:
    first = _draws(mg.Generator().manual_seed(11))
    again = _draws(mg.Generator().manual_seed(11))
    other = _draws(mg.Generator().manual_seed(12))
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, c) for a, c in zip(first, other))
    mg.manual_seed(11)
    np.testing.assert_array_equal(_draws(None)[0], first[0])  # the default generator


def test_generator_rejects_other_types() -> None:
    with pytest.raises(TypeError, match=r"minigrad\.Generator"):
        mg.rand(2, generator="seed")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Creation functions


def test_random_functions_have_pytorch_types_and_ranges() -> None:
    g = mg.Generator().manual_seed(0)
    r = mg.randint(3, 7, (200,), generator=g)
    assert r.dtype == np.int64 and r.numpy().min() >= 3 and r.numpy().max() <= 6
    assert mg.randint(5, (2, 2)).shape == (2, 2)
    assert mg.randint(0, 5, size=(3,), dtype=mg.int32).dtype == np.int32
    p = mg.randperm(10, generator=g)
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(10))
    b = mg.bernoulli(mg.tensor([0.0, 1.0, 0.0, 1.0]))
    assert b.tolist() == [0.0, 1.0, 0.0, 1.0] and b.dtype == np.float32
    n = mg.normal(mg.full((2, 1), 100.0), mg.ones(3) * 0.01, generator=g)
    assert n.shape == (2, 3) and np.all(np.abs(n.numpy() - 100) < 1)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: mg.rand(3, dtype=mg.int64),
        lambda: mg.randn(3, dtype=mg.int64),
        lambda: mg.rand_like(mg.tensor([1, 2, 3])),
        lambda: mg.randn_like(mg.tensor([1, 2, 3])),
        lambda: mg.normal(0.0, 1.0, (3,), dtype=mg.int64),
    ],
)
def test_random_floats_refuse_an_integer_dtype(draw) -> None:
    """Drawn in [0, 1) and cast to int they would all be 0; PyTorch raises as well."""
    with pytest.raises(NotImplementedError, match="dtype int64"):
        draw()


def test_multinomial() -> None:
    g = mg.Generator().manual_seed(0)
    w = mg.tensor([[0.0, 1.0, 0.0, 3.0], [1.0, 1.0, 1.0, 1.0]])
    s = mg.multinomial(w, 2, generator=g)
    assert s.shape == (2, 2) and s.dtype == np.int64
    assert sorted(s[0].tolist()) == [1, 3]  # without replacement: both non-zero categories
    assert len(set(s[1].tolist())) == 2
    many = mg.multinomial(mg.tensor([1.0, 3.0]), 4000, replacement=True, generator=g)
    assert abs(many.numpy().mean() - 0.75) < 0.05
    with pytest.raises(RuntimeError, match="without replacement"):
        mg.multinomial(mg.tensor([1.0, 1.0]), 3)
    # past the positive weights, PyTorch's CPU kernel gives the zero-weight indices last
    assert mg.multinomial(mg.tensor([1.0, 0.0]), 2).tolist() == [0, 1]
    with pytest.raises(RuntimeError, match="< 0"):
        mg.multinomial(mg.tensor([1.0, -1.0]), 1)
    with pytest.raises(RuntimeError, match="sum"):
        mg.multinomial(mg.tensor([0.0, 0.0]), 1, replacement=True)


def test_ranges_and_fills() -> None:
    np.testing.assert_allclose(mg.linspace(-1, 1, 5).numpy(), np.linspace(-1, 1, 5))
    assert mg.linspace(0, 1, 3).dtype == np.float32
    np.testing.assert_allclose(mg.logspace(0, 3, 4).numpy(), [1, 10, 100, 1000])
    np.testing.assert_allclose(mg.logspace(0, 2, 3, base=2).numpy(), [1, 2, 4])
    assert mg.full((2,), 3).dtype == np.int64
    assert mg.full((2,), True).dtype == np.bool_
    assert mg.full((2,), 1.5).dtype == np.float32
    assert mg.empty(2, 3).shape == (2, 3) and mg.empty_like(mg.zeros(4)).shape == (4,)
    assert mg.arange(5).dtype == np.int64 and mg.arange(0, 1, 0.25).tolist() == [0, 0.25, 0.5, 0.75]


def test_from_numpy_and_as_tensor_share_memory() -> None:
    a = np.arange(4.0)
    t = mg.from_numpy(a)
    assert t.dtype == np.float64  # from_numpy keeps the dtype
    a[0] = 7
    assert t[0].item() == 7
    assert mg.as_tensor(a).numpy() is a or np.shares_memory(mg.as_tensor(a).numpy(), a)
    assert not np.shares_memory(mg.tensor(a).numpy(), a)
    assert mg.as_tensor(t) is t
    assert mg.as_tensor(a, dtype=mg.float32).dtype == np.float32
    with pytest.raises(TypeError, match="ndarray"):
        mg.from_numpy([1, 2])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Devices


def test_cpu_device_everywhere() -> None:
    cpu = mg.device("cpu")
    assert repr(cpu) == "device(type='cpu')" and str(cpu) == "cpu" and cpu.type == "cpu"
    assert mg.device("cpu:0").index == 0
    for make in (mg.zeros, mg.ones, mg.empty, mg.rand, mg.randn):
        assert make(2, device="cpu").shape == (2,)
        assert make(2, device=cpu).shape == (2,)
    assert mg.tensor([1.0], device=cpu).shape == (1,)
    assert mg.arange(3, device="cpu").shape == (3,)
    mg.set_default_device("cpu")
    assert mg.get_default_device() == cpu
    assert not mg.cuda.is_available() and mg.cuda.device_count() == 0
    assert not mg.backends.mps.is_available() and not mg.accelerator.is_available()
    assert mg.accelerator.current_accelerator() is None


def test_xpu_answers_as_on_a_machine_without_one() -> None:
    """``torch.xpu.is_available()``, as programs that probe for an Intel GPU call it."""
    assert not mg.xpu.is_available() and mg.xpu.device_count() == 0
    mg.xpu.manual_seed(0)  # (nothing to seed, as PyTorch without one)


@pytest.mark.parametrize("name", ["cuda", "cuda:0", "mps"])
def test_other_devices_say_minigrad_runs_on_the_cpu(name: str) -> None:
    named = mg.device(name)  # naming a device is fine, as in PyTorch; using it is not
    assert str(named) == name and named != mg.device("cpu")
    for where in (name, named):
        with pytest.raises(RuntimeError, match="CPU with NumPy"):
            mg.zeros(2, device=where)
        with pytest.raises(RuntimeError, match="CPU with NumPy"):
            mg.ones(2).to(where)
        with pytest.raises(RuntimeError, match="CPU with NumPy"):
            nn.Linear(2, 2).to(where)
    with pytest.raises(RuntimeError, match="CPU with NumPy"):
        mg.set_default_device(name)


def test_device_objects_as_pytorch_names_them() -> None:
    torch = pytest.importorskip("torch")
    for name in ("cpu", "cuda", "cuda:1", "mps", "meta"):
        ours, theirs = mg.device(name), torch.device(name)
        assert (ours.type, ours.index, str(ours), repr(ours)) == (
            theirs.type,
            theirs.index,
            str(theirs),
            repr(theirs),
        )
    assert mg.device("cuda", 1) == mg.device("cuda:1")
    for bad, says in (("gpu", "Expected one of cpu, cuda"), ("cuda:x", "Invalid device")):
        with pytest.raises(RuntimeError, match=says):
            mg.device(bad)
        with pytest.raises(RuntimeError, match=says):
            torch.device(bad)


def test_tensor_and_module_to() -> None:
    x = mg.ones(2, 3, requires_grad=True)
    assert x.device == mg.device("cpu") and x.cpu() is x and x.to("cpu") is x
    assert x.to(mg.device("cpu")) is x and x.to(device="cpu") is x
    y = x.to("cpu", mg.float64)
    assert y.dtype == mg.float64 and y.requires_grad
    y.sum().backward()
    assert x.grad is not None and x.grad.dtype == mg.float32  # the cast is differentiable
    assert x.to(mg.float64).dtype == mg.float64
    assert x.to(dtype=mg.float16).dtype == mg.float16
    assert x.to(mg.zeros(1, dtype=mg.int64)).dtype == mg.int64
    assert x.to(mg.float32, copy=True) is not x
    assert x.type(mg.float64).dtype == mg.float64 and x.type() == "minigrad.FloatTensor"
    with pytest.raises(RuntimeError, match="CPU with NumPy"):
        x.to("cuda")
    with pytest.raises(RuntimeError, match="CPU with NumPy"):
        x.cuda()
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    weight = model[0].weight
    assert model.to("cpu") is model and model.to(mg.device("cpu")) is model
    assert model.to("cpu", mg.float64) is model and weight.dtype == mg.float64
    assert model.to(dtype=mg.float32) is model and weight.dtype == mg.float32
    assert model.to(mg.zeros(1, dtype=mg.float64)) is model and weight.dtype == mg.float64
    assert model.half() is model and weight.dtype == mg.float16
    assert model.cpu() is model and model[0].weight is weight
    with pytest.raises(RuntimeError, match="CPU with NumPy"):
        model.to("cuda")
    with pytest.raises(RuntimeError, match="CPU with NumPy"):
        model.cuda()
    with pytest.raises(TypeError, match="floating point"):
        model.to(mg.int64)
    assert weight.dtype == mg.float16  # nothing changed


# ---------------------------------------------------------------------------------------------
# Sizes


def test_size_is_a_method_returning_size() -> None:
    x = mg.zeros(2, 3)
    s = x.size()
    assert isinstance(s, mg.Size) and isinstance(s, tuple) and s == (2, 3)
    assert repr(s) == "minigrad.Size([2, 3])" and str(x.shape) == "minigrad.Size([2, 3])"
    assert isinstance(x.shape, mg.Size) and x.shape == x.size()
    assert x.size(1) == 3 and x.size(-2) == 2 and isinstance(x.size(0), int)
    assert x.numel() == x.nelement() == 6 and mg.numel(x) == 6 and s.numel() == 6
    assert x.dim() == x.ndim == 2 and mg.zeros(()).dim() == 0
    assert isinstance(s[1:], mg.Size) and s[1:] == (3,)
    a, b = x.shape  # unpacks like a tuple
    assert (a, b) == (2, 3)
    with pytest.raises(IndexError, match="out of range"):
        x.size(2)


# ---------------------------------------------------------------------------------------------
# Dtypes


def test_dtype_names_and_conversions() -> None:
    x = mg.zeros(2)
    assert x.dtype == mg.float32 and x.dtype is mg.float32 and x.dtype == np.float32
    assert x.dtype == "float32" and x.dtype != mg.float64
    assert repr(x.dtype) == "minigrad.float32" and str(mg.int64) == "minigrad.int64"
    assert mg.float is mg.float32 and mg.double is mg.float64 and mg.half is mg.float16
    assert mg.long is mg.int64 and mg.int is mg.int32 and mg.short is mg.int16
    assert np.zeros(2, dtype=x.dtype).dtype == np.float32  # NumPy accepts minigrad dtypes
    assert mg.tensor([1, 2], dtype=mg.uint8).dtype == mg.uint8
    for method, dt in [("float", mg.float32), ("double", mg.float64), ("half", mg.float16),
                       ("long", mg.int64), ("int", mg.int32), ("short", mg.int16),
                       ("bool", mg.bool), ("byte", mg.uint8)]:  # fmt: skip
        assert getattr(x, method)().dtype == dt, method
    assert x.is_floating_point() and not x.long().is_floating_point()
    assert mg.float32.is_floating_point and not mg.int8.is_floating_point
    assert mg.float32.itemsize == 4 and mg.int8.is_signed and not mg.uint8.is_signed
    assert mg.is_floating_point(x)
    assert {mg.float32: 1}[np.dtype(np.float32)] == 1  # hashes as its NumPy dtype


def test_default_dtype() -> None:
    assert mg.get_default_dtype() == mg.float32
    try:
        mg.set_default_dtype(mg.float64)
        assert mg.get_default_dtype() is mg.float64
        for t in (mg.tensor([1.5]), mg.zeros(2), mg.ones(2), mg.rand(2), mg.randn(2),
                  mg.empty(2), mg.full((2,), 1.5), mg.linspace(0, 1, 3), mg.arange(0.0, 1.0),
                  mg.eye(2), mg.tensor([1, 2]) / 2):  # fmt: skip
            assert t.dtype == mg.float64, t
        assert (mg.tensor([1, 2]) + 0.5).dtype == mg.float64
        assert repr(mg.tensor([0.5])) == "tensor([0.5000])"
        with pytest.raises(TypeError, match="floating"):
            mg.set_default_dtype(mg.int64)
    finally:
        mg.set_default_dtype(mg.float32)
    assert mg.tensor([1.5]).dtype == mg.float32


# ---------------------------------------------------------------------------------------------
# Type promotion: every pair of dtypes and kinds of operand, against PyTorch

DTYPES = ["bool", "uint8", "int32", "int64", "float32", "float64"]
KINDS = ["tensor", "0-d", "scalar"]
OPS = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "lt": lambda a, b: a < b,
    "eq": lambda a, b: a == b,
}
VALUES = {"bool": [True, False], "uint8": [3, 1], "int32": [5, -2], "int64": [-4, 7],
          "float32": [1.5, -0.25], "float64": [0.1, 2.0]}  # fmt: skip


def _operand(lib: object, dtype: str, kind: str) -> object:
    vals = VALUES[dtype]
    if kind == "scalar":
        return {"bool": True, "uint8": 2, "int32": 2, "int64": 3}.get(dtype, 0.1)
    dt = getattr(lib, dtype)
    return lib.tensor(vals if kind == "tensor" else vals[0], dtype=dt)  # type: ignore[attr-defined]


CASES = [
    (da, ka, db, kb)
    for da in DTYPES
    for ka in KINDS
    for db in DTYPES
    for kb in KINDS
    if not (ka == "scalar" and kb == "scalar")
    and not (ka == "scalar" and da not in ("bool", "int64", "float64"))
    and not (kb == "scalar" and db not in ("bool", "int64", "float64"))
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # x / False, as in PyTorch: inf or nan
@pytest.mark.parametrize("op", sorted(OPS))
def test_promotion_matches_torch(op: str) -> None:
    torch = pytest.importorskip("torch")
    f = OPS[op]
    checked = 0
    for da, ka, db, kb in CASES:
        ta, tb = _operand(torch, da, ka), _operand(torch, db, kb)
        try:
            ref = f(ta, tb)
        except RuntimeError:
            continue  # PyTorch refuses (bool - bool...): not compared
        ma, mb = _operand(mg, da, ka), _operand(mg, db, kb)
        got = f(ma, mb)
        case = f"{da} {ka} {op} {db} {kb}"
        assert str(got.dtype).split(".")[1] == str(ref.dtype).split(".")[1], case
        assert got.shape == tuple(ref.shape), case
        np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-6, err_msg=case)
        if ka != "scalar":
            assert mg.result_type(ma, mb) == getattr(
                mg, str(torch.result_type(ta, tb)).split(".")[1]
            ), case
        checked += 1
    assert checked > 150


JOINS = {
    "cat": lambda lib, a, b: lib.cat([a, b]),
    "stack": lambda lib, a, b: lib.stack([a, b], dim=1),
    "where": lambda lib, a, b: lib.where(lib.tensor([True, False]), a, b),
}


@pytest.mark.parametrize("join", sorted(JOINS))
def test_joins_promote_as_torch(join: str) -> None:
    # cat, stack and where take PyTorch's result type, not NumPy's (int64 and float32 join
    # into float32, not float64)
    torch = pytest.importorskip("torch")
    f = JOINS[join]
    checked = 0
    for da in DTYPES:
        for db in DTYPES:
            for kb in ("tensor", "0-d") if join == "where" else ("tensor",):
                ta, tb = _operand(torch, da, "tensor"), _operand(torch, db, kb)
                try:
                    ref = f(torch, ta, tb)
                except RuntimeError:
                    continue
                got = f(mg, _operand(mg, da, "tensor"), _operand(mg, db, kb))
                case = f"{join} {da} {db} {kb}"
                assert str(got.dtype).split(".")[1] == str(ref.dtype).split(".")[1], case
                np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-6, err_msg=case)
                checked += 1
    assert checked >= 36


def test_where_reads_lists_and_numbers_as_torch_reads_tensors_and_numbers() -> None:
    cond = mg.tensor([True, False])
    assert mg.where(cond, [1.5, 2.5], 0).dtype == mg.float32  # a float list: float32
    assert mg.where(cond, mg.tensor([1, 2]), 0.5).tolist() == [1.0, 0.5]  # int with a float
    assert mg.where(cond, 1.0, 0.0).dtype == mg.float32  # two numbers: the default dtype
    assert mg.where(cond, mg.ones(2, dtype=mg.float64), np.float32(3)).dtype == mg.float64


def test_cat_promotes_and_keeps_each_gradient_in_its_dtype() -> None:
    i64 = mg.tensor([1, 2])
    f32 = mg.tensor([0.5], requires_grad=True)
    f64 = mg.tensor([0.25], dtype=mg.float64, requires_grad=True)
    assert mg.cat([i64, f32]).dtype == mg.float32  # NumPy would give float64
    out = mg.cat([f32, f64, i64])
    assert out.dtype == mg.float64
    (out * mg.tensor([1.0, 2.0, 3.0, 4.0], dtype=mg.float64)).sum().backward()
    assert f32.grad is not None and f64.grad is not None
    assert (f32.grad.dtype, f64.grad.dtype) == (mg.float32, mg.float64)
    assert (f32.grad.tolist(), f64.grad.tolist()) == ([1.0], [2.0])


FLOAT_FUNCTIONS = {
    "exp": lambda t: t.exp(),
    "log": lambda t: t.log(),
    "sqrt": lambda t: t.sqrt(),
    "sin": lambda t: t.sin(),
    "cos": lambda t: t.cos(),
    "tanh": lambda t: t.tanh(),
    "sigmoid": lambda t: t.sigmoid(),
    "log1p": lambda t: t.log1p(),
    "expm1": lambda t: t.expm1(),
    "logsumexp": lambda t: t.logsumexp(0),
    "log2": lambda t: t.log2(),
    "rsqrt": lambda t: t.rsqrt(),
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log(0), 1/sqrt(0): inf, as in PyTorch
@pytest.mark.parametrize("name", sorted(FLOAT_FUNCTIONS))
def test_float_functions_of_integers_compute_in_the_default_float_dtype(name: str) -> None:
    # PyTorch computes exp, log, sigmoid... of an int or bool tensor in the default float dtype;
    # NumPy would in float64
    f = FLOAT_FUNCTIONS[name]
    for dtype in (mg.int64, mg.int32, mg.uint8, mg.bool):
        t = mg.tensor([0, 1, 2], dtype=dtype) if dtype != mg.bool else mg.tensor([True, False])
        got = f(t)
        assert got.dtype == mg.float32, (name, dtype)
        np.testing.assert_allclose(got.numpy(), f(t.float()).numpy(), rtol=1e-6)
    previous = mg.get_default_dtype()
    mg.set_default_dtype(mg.float64)
    try:
        assert f(mg.tensor([1, 2])).dtype == mg.float64
    finally:
        mg.set_default_dtype(previous)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", sorted(FLOAT_FUNCTIONS))
def test_float_functions_of_integers_match_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    f = FLOAT_FUNCTIONS[name]
    got, ref = f(mg.tensor([0, 1, 2, 7])), f(torch.tensor([0, 1, 2, 7]))
    assert str(got.dtype).split(".")[1] == str(ref.dtype).split(".")[1]
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-6)


def test_clamp_of_integers_with_float_bounds_promotes_as_torch() -> None:
    assert mg.tensor([1, 2]).clamp(0, 1.5).dtype == mg.float32  # NumPy: float64
    assert mg.tensor([1, 2]).clamp(min=0.5).tolist() == [1.0, 2.0]
    assert mg.tensor([1, 5]).clamp(0, 3).dtype == mg.int64
    assert mg.ones(2).clamp(0, 1).dtype == mg.float32


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.mean(),
        lambda t: t.mean(0),
        lambda t: mg.mean(t),
        lambda t: t.var(),
        lambda t: t.std(),
        lambda t: t.norm(),
    ],
)
def test_mean_var_std_norm_of_integers_raise_as_torch(call: Any) -> None:
    # PyTorch refuses them (it cannot infer the output dtype); NumPy would give float64
    for t in (mg.tensor([1, 2, 3]), mg.tensor([True, False])):
        with pytest.raises(RuntimeError, match=r"floating point .* Got: (int64|bool).*\.float\(\)"):
            call(t)


def test_promotion_rules() -> None:
    f32, i64 = mg.ones(2), mg.tensor([1, 2])
    assert (f32 * i64).dtype == mg.float32  # not float64, as NumPy would
    assert (i64 / i64).dtype == mg.float32  # true division into the default dtype
    assert (f32 + mg.tensor(1.0, dtype=mg.float64)).dtype == mg.float32  # 0-d: no upcast
    assert (f32 + mg.ones(2, dtype=mg.float64)).dtype == mg.float64
    assert (mg.tensor([1, 2], dtype=mg.uint8) + mg.tensor(300)).dtype == mg.uint8
    assert (mg.tensor([1, 2], dtype=mg.int32) + 2.5).dtype == mg.float32
    assert (mg.tensor([True]) + 1).dtype == mg.int64
    assert mg.promote_types(mg.int64, mg.float32) == mg.float32
    assert mg.promote_types(mg.uint8, mg.int8) == mg.int16
    assert mg.result_type(mg.tensor([1]), 1.0) == mg.float32


def test_promotion_keeps_gradients_in_each_dtype() -> None:
    x = mg.ones(3, requires_grad=True)  # float32, dimensioned
    s = mg.tensor(2.0, dtype=mg.float64, requires_grad=True)  # 0-d: does not upcast x
    y = mg.ones(3, dtype=mg.float64, requires_grad=True)
    out = x * s
    assert out.dtype == mg.float32
    (out.sum() + (x * y).sum()).backward()
    assert x.grad is not None and s.grad is not None and y.grad is not None
    assert (x.grad.dtype, s.grad.dtype, y.grad.dtype) == (mg.float32, mg.float64, mg.float64)
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0, 3.0])
    np.testing.assert_allclose(s.grad.numpy(), 3.0)
    assert mg.gradgradcheck(
        lambda a, b: (a * b) ** 2,
        [
            mg.randn(3, dtype=mg.float64, requires_grad=True),
            mg.tensor(0.5, dtype=mg.float64, requires_grad=True),
        ],
    )


# ---------------------------------------------------------------------------------------------
# max/min over a dim, sort, topk, argsort: PyTorch's result types and gradients


def test_max_min_return_types() -> None:
    x = mg.tensor([[1.0, 5.0, 5.0], [7.0, 0.0, 7.0]], requires_grad=True)
    full = x.max()
    assert full.shape == () and full.item() == 7.0
    r = x.max(1)
    assert isinstance(r, mg.return_types.max) and isinstance(r, tuple)
    assert r.values.tolist() == [5.0, 7.0] and r.indices.tolist() == [1, 0]
    assert r.indices.dtype == mg.int64 and not r.indices.requires_grad
    values, indices = mg.max(x, dim=0, keepdim=True)
    assert values.shape == (1, 3) and indices.tolist() == [[1, 0, 1]]
    assert repr(r).startswith("minigrad.return_types.max(\nvalues=tensor(")
    assert x.max(axis=1).values.tolist() == [5.0, 7.0]  # NumPy's spelling, the same result
    assert mg.min(x, 1).indices.tolist() == [0, 1] and x.min(dim=1)[0].tolist() == [1.0, 0.0]
    other = mg.full((2, 3), 4.0)
    assert mg.max(x, other).tolist() == [[4.0, 5.0, 5.0], [7.0, 4.0, 7.0]]
    assert mg.min(x, other).tolist() == [[1.0, 4.0, 4.0], [4.0, 0.0, 4.0]]
    with pytest.raises(TypeError, match="amax"):
        x.max(dim=(0, 1))
    with pytest.raises(RuntimeError, match="numel"):
        mg.zeros(0).max()


def test_max_dim_gradient_goes_to_the_returned_index_as_torch() -> None:
    torch = pytest.importorskip("torch")
    a = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, -1.0], [4.0, 4.0, 0.0, 4.0]])
    g = np.arange(12.0).reshape(3, 4)

    def loss(m: object, x: object) -> object:
        return (
            (x.max(1).values * 2).sum()  # type: ignore[attr-defined]
            + (x.min(0, keepdim=True).values * 3).sum()  # type: ignore[attr-defined]
            + x.max() * 5  # type: ignore[attr-defined]
            + x.min() * 7  # type: ignore[attr-defined]
            + (x.sort(1, descending=True).values * m.tensor(g, dtype=m.float64)).sum()  # type: ignore[attr-defined]
            + (x.topk(2, dim=0).values * 11).sum()  # type: ignore[attr-defined]
            + x.amax(1).sum() * 13  # type: ignore[attr-defined]
        )

    x = mg.tensor(a, dtype=mg.float64, requires_grad=True)
    loss(mg, x).backward()  # type: ignore[attr-defined]
    t = torch.tensor(a, requires_grad=True)
    loss(torch, t).backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())
    for tie_free in (x.max(1).indices, x.min(0).indices):
        assert tie_free.dtype == mg.int64


def test_sort_argsort_topk_match_torch() -> None:
    torch = pytest.importorskip("torch")
    a = np.array([[3.0, 1.0, 2.0, 1.0, 5.0], [0.0, 0.0, -1.0, 4.0, 0.0]], dtype=np.float32)
    x, t = mg.tensor(a), torch.tensor(a)
    for kw in ({}, {"descending": True}, {"dim": 0}, {"dim": 0, "descending": True}):
        got, ref = x.sort(stable=True, **kw), t.sort(stable=True, **kw)
        assert isinstance(got, mg.return_types.sort)
        np.testing.assert_array_equal(got.values.numpy(), ref.values.numpy())
        np.testing.assert_array_equal(got.indices.numpy(), ref.indices.numpy())
        np.testing.assert_array_equal(
            mg.argsort(x, stable=True, **kw).numpy(), torch.argsort(t, stable=True, **kw).numpy()
        )
    for kw in ({}, {"largest": False}, {"dim": 0}):
        got, ref = x.topk(2, **kw), t.topk(2, **kw)
        assert isinstance(got, mg.return_types.topk)
        np.testing.assert_array_equal(got.values.numpy(), ref.values.numpy())
        np.testing.assert_array_equal(
            np.take_along_axis(a, got.indices.numpy(), kw.get("dim", -1)), ref.values.numpy()
        )
    with pytest.raises(RuntimeError, match="out of range"):
        x.topk(6)


# ---------------------------------------------------------------------------------------------
# Functions and methods the tutorials use, against PyTorch


def test_methods_against_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4))
    p = rng.uniform(0.5, 2.0, (3, 4))
    idx = np.array([[0, 2, 1, 0], [2, 2, 0, 1]])
    mask = a > 0.3
    cases = [
        lambda m, x, q: x.pow(2) + x.square() + q.rsqrt() + q.log10() + q.log2() + x.exp2(),
        lambda m, x, q: q.log1p() * x.expm1() + abs(x) + x.abs(),
        lambda m, x, q: x.std() + x.std(1, keepdim=True) + x.std(0, unbiased=False),
        lambda m, x, q: x.var(dim=1, correction=0) + x.prod(1) + m.prod(x) + x.cumsum(1)[:, 1],
        lambda m, x, q: x.t() @ q + m.t(x) @ x,
        lambda m, x, q: x.view(-1, 2).sum(1) + x.reshape(2, -1).flatten(0, 1)[:6],
        lambda m, x, q: x.expand(2, 3, 4).sum(0) + x.repeat(2, 1)[3:] + x.clone(),
        lambda m, x, q: x.masked_fill(m.tensor(mask), -1.0) + x.gather(0, m.tensor(idx)).sum(),
        lambda m, x, q: x.add(q, alpha=2).sub(x, alpha=0.5).mul(q).div(q + 1),
        lambda m, x, q: m.einsum("ij,kj->ik", x, q) + m.einsum("ij->i", x)[:, None],
        lambda m, x, q: m.einsum("bi,bj->bij", x, q).sum((1, 2)),
        lambda m, x, q: x.scatter_add(0, m.tensor(idx), q[:2])[:, :2].sum(),
    ]
    for i, f in enumerate(cases):
        x = mg.tensor(a, requires_grad=True, dtype=mg.float64)
        q = mg.tensor(p, requires_grad=True, dtype=mg.float64)
        out = f(mg, x, q)
        tx, tq = torch.tensor(a, requires_grad=True), torch.tensor(p, requires_grad=True)
        ref = f(torch, tx, tq)
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-10,
                                   err_msg=str(i))  # fmt: skip
        gout = rng.standard_normal(tuple(ref.shape))
        out.backward(gout)
        ref.backward(torch.tensor(gout))
        for mine, theirs in ((x, tx), (q, tq)):
            if theirs.grad is None:
                assert mine.grad is None, i
            else:
                assert mine.grad is not None, i
                np.testing.assert_allclose(
                    mine.grad.numpy(), theirs.grad.numpy(), rtol=1e-9, err_msg=str(i)
                )


def test_comparisons_and_logic() -> None:
    x = mg.tensor([1.0, 2.0, 3.0])
    assert x.eq(2).tolist() == [False, True, False] and mg.ne(x, 2).tolist() == [True, False, True]
    assert x.lt(2).tolist() == [True, False, False] and x.le(2).tolist() == [True, True, False]
    assert mg.gt(x, 2).tolist() == [False, False, True] and x.ge(2).tolist() == [False, True, True]
    assert (x > 1).any().item() and not (x > 5).any().item() and (x > 0).all().item()
    assert mg.any(mg.tensor([[0, 1], [0, 0]]), dim=1).tolist() == [True, False]
    assert x.argmax(0).item() == 2 and x.argmax(dim=0, keepdim=True).tolist() == [2]
    assert x.equal(mg.tensor([1.0, 2.0, 3.0])) and mg.allclose(x, x + 1e-9)
    assert mg.is_tensor(x) and not mg.is_tensor(a := [1])  # noqa: F841
    assert x.item() if x.numel() == 1 else x.tolist() == [1.0, 2.0, 3.0]


def test_errors_name_the_op_and_change_nothing() -> None:
    x = mg.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"t\(\) expects a tensor with <= 2 dimensions"):
        mg.ones(2, 2, 2).t()
    with pytest.raises(RuntimeError, match=r"masked_fill.*bool"):
        x.masked_fill(mg.ones(2, 3), 0.0)
    with pytest.raises(RuntimeError, match=r"masked_fill.*does not broadcast"):
        x.masked_fill(mg.ones(4, dtype=mg.bool), 0.0)
    with pytest.raises(RuntimeError, match=r"gather.*int32/int64 for index.*index.long"):
        x.gather(0, mg.zeros(2, 3))
    with pytest.raises(RuntimeError, match="repeat"):
        x.repeat(2)
    with pytest.raises(NotImplementedError, match="repeated subscripts"):
        mg.einsum("ii->i", mg.ones(2, 2))
    with pytest.raises(ValueError, match=r"einsum.*operands"):
        mg.einsum("ij,jk->ik", x)
    with pytest.raises(ValueError, match="rounding_mode"):
        x.div(2, rounding_mode="round")
    assert x.grad is None and x.tolist() == [[1.0] * 3] * 2


def test_repeat_copies_and_refuses_negative_counts_as_torch() -> None:
    # repeat(1, 1) is a copy in PyTorch: a write into it must not reach x (reshapes alone view)
    x = mg.zeros(2, 3)
    x.repeat(1, 1).fill_(1.0)
    x.repeat(1, 1, 1).fill_(1.0)
    assert x.tolist() == [[0.0] * 3] * 2
    with pytest.raises(RuntimeError, match=r"negative dimension -6: \[2, -6\]"):
        x.repeat(1, -2)


def test_div_rounding_modes_match_torch() -> None:
    torch = pytest.importorskip("torch")
    a, b = [7, -7, 5, -3], [2, 2, -3, 2]
    for mode in ("trunc", "floor"):
        for conv in (int, float):
            got = mg.tensor([conv(v) for v in a]).div(mg.tensor(b), rounding_mode=mode)
            ref = torch.tensor([conv(v) for v in a]).div(torch.tensor(b), rounding_mode=mode)
            assert got.tolist() == ref.tolist() and str(got.dtype)[9:] == str(ref.dtype)[6:]


def test_norm_matches_torch_also_at_zero() -> None:
    torch = pytest.importorskip("torch")
    a = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 0.0], [1.0, -2.0, 2.0]])
    for p, kw in ((2, {"dim": 1}), ("fro", {}), (1, {"dim": 0}), (float("inf"), {"dim": 1})):
        x = mg.tensor(a, dtype=mg.float64, requires_grad=True)
        t = torch.tensor(a, requires_grad=True)
        out, ref = x.norm(p, **kw), t.norm(p, **kw)
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy())
        out.sum().backward()
        ref.sum().backward()
        assert x.grad is not None
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())  # 0 on the zero row
    with pytest.raises(ValueError, match="nuc"):
        mg.ones(2, 2).norm("nuc")


def test_div_floor_is_floor_division_not_the_floor_of_the_quotient() -> None:
    # 1.0 / 0.1 rounds to 10.0, but 0.1 is a little above a tenth, so the floor division is 9
    # (PyTorch and Python's // alike); flooring the rounded quotient gave 10 without an error.
    a = np.array([1.0, -1.0, 7.0, 0.3, 5.0, -5.0, 0.0])
    b = np.array([0.1, 0.1, 0.7, 0.1, 0.0, 0.0, 0.0])
    for dtype in (mg.float64, mg.float32):
        x, y = mg.tensor(a, dtype=dtype), mg.tensor(b, dtype=dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # division by zero gives inf and nan quietly
            got = x.div(y, rounding_mode="floor")
        np.testing.assert_array_equal(got.numpy(), (x // y).numpy())
        with np.errstate(divide="ignore", invalid="ignore"):
            np.testing.assert_array_equal(got.numpy(), np.floor_divide(x.numpy(), y.numpy()))
        assert got.dtype == dtype


def test_div_floor_and_trunc_match_torch_at_the_edges() -> None:
    torch = pytest.importorskip("torch")
    a = [1.0, -1.0, 7.0, 0.3, 5.0, -5.0, 0.0, float("inf"), 2.5]
    b = [0.1, 0.1, 0.7, 0.1, 0.0, 0.0, 0.0, 2.0, -0.5]
    for mode in ("floor", "trunc"):
        for dt in ("float32", "float64"):
            got = mg.tensor(a, dtype=getattr(mg, dt)).div(
                mg.tensor(b, dtype=getattr(mg, dt)), rounding_mode=mode
            )
            ref = torch.tensor(a, dtype=getattr(torch, dt)).div(
                torch.tensor(b, dtype=getattr(torch, dt)), rounding_mode=mode
            )
            np.testing.assert_array_equal(got.numpy(), ref.numpy())


def test_div_with_rounding_mode_records_a_zero_gradient_as_torch() -> None:
    # PyTorch records DivBackward2 and hands 0 to both inputs (// itself has no derivative)
    for mode in ("floor", "trunc"):
        x = mg.tensor([3.0, -7.5], requires_grad=True)
        y = mg.tensor([2.0, 2.0], requires_grad=True)
        z = x.div(y, rounding_mode=mode)
        assert z.requires_grad and z.grad_fn is not None
        assert z.grad_fn.name() == "DivBackward2"
        (z * 3).sum().backward()
        assert x.grad is not None and y.grad is not None
        assert x.grad.tolist() == [0.0, 0.0] and y.grad.tolist() == [0.0, 0.0]
        w = mg.tensor([3.0], requires_grad=True)
        assert mg.div(w, 2, rounding_mode=mode).requires_grad


def test_new_tensors_of_a_parameter_are_plain_tensors() -> None:
    """``p.new_zeros(...)`` and friends make plain tensors of the asked dtype, as PyTorch's,
    not Parameters (which refused an integer dtype); ``masked_fill`` of one works too."""
    p = nn.Parameter(mg.zeros(2))
    for t in (p.new_zeros(2), p.new_full((2,), 1.0), p.new_tensor([1.0]), p.new_ones(3)):
        assert type(t) is mg.Tensor and not t.requires_grad and t.dtype == mg.float32
    assert p.new_zeros(2, dtype=mg.int64).dtype == mg.int64
    assert p.new_zeros(2, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype"):
        p.new_zeros(2, dtype=mg.int64, requires_grad=True)
    filled = p.masked_fill(mg.tensor([True, False]), 3.0)
    assert filled.tolist() == [3.0, 0.0] and filled.requires_grad
    filled.sum().backward()
    assert p.grad is not None and p.grad.tolist() == [0.0, 1.0]
    torch = pytest.importorskip("torch")
    q = torch.nn.Parameter(torch.zeros(2))
    assert type(q.new_zeros(2)) is torch.Tensor
    assert q.new_zeros(2, dtype=torch.int64).dtype == torch.int64


# ---------------------------------------------------------------------------------------------
# The size as PyTorch's keyword: torch.empty(size=(n, m)), x.new_zeros(size=...), x.view(size=)

SIZE_KEYWORD_CALLS = [
    "lib.zeros(size=(2, 3))",
    "lib.ones(size=[2, 3])",
    "lib.empty(size=(4,))",
    "lib.rand(size=(2, 3))",
    "lib.randn(size=lib.Size([3, 1]))",
    "lib.ones(2).new_zeros(size=(2, 3))",
    "lib.ones(2).new_ones(size=(1,))",
    "lib.ones(2).new_empty(size=(2, 2))",
    "lib.ones(2, 3).view(size=(6,))",
    "lib.ones(2, 3).view(size=(3, -1))",
    "lib.ones(1, 3).expand(size=(4, 3))",
    "lib.ones(1, 3).expand(size=(4, -1))",
]

SIZE_MISUSES = [
    "lib.zeros(2, size=(3,))",
    "lib.ones(size=3)",
    "lib.zeros()",
    "lib.empty()",
    "lib.randn()",
    "lib.rand()",
    "lib.ones()",
]


@pytest.mark.parametrize("call", SIZE_KEYWORD_CALLS)
def test_size_keyword_as_torch(call: str) -> None:
    """``size=`` names the shape, as in PyTorch (gat/main.py: torch.empty(size=(n, m)))."""
    torch = pytest.importorskip("torch")
    ours, theirs = eval(call, {"lib": mg}), eval(call, {"lib": torch})
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "minigrad.")


@pytest.mark.parametrize("call", SIZE_MISUSES)
def test_size_misuse_raises_as_torch(call: str) -> None:
    """A size given twice, an int for ``size=`` or no size at all is PyTorch's TypeError (a
    missing size made a 0-d tensor)."""
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError):
        eval(call, {"lib": torch})
    with pytest.raises(TypeError, match="size"):
        eval(call, {"lib": mg})
