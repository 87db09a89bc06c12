"""PyTorch's elementwise methods beyond the core arithmetic (minigrad/pointwise.py): rounding
and signs, tests for nan and inf, logic and bitwise operators, floor division and remainder.

Values and dtypes against NumPy formulas and against torch (optional); gradients against
torch at the edges (inf, nan, ties at .5); errors in torch's words. Finite-difference checks of
first and second order are rows of the op table (tests/op_specs.py).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(11)

# Rounding's edges: ties at .5 (half to even), signed zeros, infinities and nan.
EDGES = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.0, 0.0, 3.7, -3.7, np.inf, -np.inf, np.nan])

ROUNDING = ["round", "floor", "ceil", "trunc", "fix", "frac", "sign", "sgn", "neg", "negative"]
DIFFERENTIABLE = [*ROUNDING, "reciprocal", "nan_to_num"]


def _sign(a: np.ndarray) -> np.ndarray:
    """PyTorch's sign: 0 at nan (NumPy's gives nan), +0 at -0."""
    return ((a > 0).astype(a.dtype) - (a < 0).astype(a.dtype)).astype(a.dtype)


NUMPY: dict[str, Any] = {
    "round": np.round,
    "floor": np.floor,
    "ceil": np.ceil,
    "trunc": np.trunc,
    "fix": np.trunc,
    "frac": lambda a: a - np.trunc(a),
    "sign": _sign,
    "sgn": _sign,
    "neg": np.negative,
    "negative": np.negative,
    "reciprocal": lambda a: np.float64(1) / a,
    "nan_to_num": lambda a: np.nan_to_num(a, posinf=np.finfo(a.dtype).max),
}


def _torch() -> Any:
    return pytest.importorskip("torch")


def _same_dtype(got: mg.Tensor, want: Any) -> bool:
    """minigrad.float32 and torch.float32 are the same dtype."""
    return str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]


# ---------------------------------------------------------------------------------------------
# Rounding and signs


@pytest.mark.parametrize("name", [*ROUNDING, "reciprocal"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rounding_and_signs_match_numpy(name: str, dtype: str) -> None:
    a = np.concatenate([EDGES, RNG.standard_normal(20) * 3]).astype(dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = NUMPY[name](a).astype(dtype)
    for out in (getattr(mg.tensor(a), name)(), getattr(mg, name)(mg.tensor(a))):
        assert out.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(out.numpy(), expected)
        assert not out.requires_grad


@pytest.mark.parametrize("name", [*ROUNDING, "reciprocal"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rounding_and_signs_against_torch(name: str, dtype: str) -> None:
    torch = _torch()
    a = np.concatenate([EDGES, RNG.standard_normal(30) * 3]).astype(dtype)
    got = getattr(mg.tensor(a), name)()
    want = getattr(torch.tensor(a), name)()
    assert _same_dtype(got, want)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    # signed zeros too (-0.0 for round(-0.5), +0.0 for sign(-0.0) and frac(-0.0))
    assert np.array_equal(np.signbit(got.numpy()), np.signbit(want.numpy()))


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_gradients_against_torch_at_the_edges(name: str) -> None:
    """Zero for the steps (also at their jumps and at inf/nan), 1 for frac, -1/x^2 for
    reciprocal, the mask of finite values for nan_to_num: torch's values, element by element."""
    torch = _torch()
    x = mg.tensor(EDGES, requires_grad=True)
    out = getattr(x, name)()
    assert out.requires_grad and out.grad_fn is not None
    seed = RNG.uniform(0.5, 1.5, EDGES.shape)
    out.backward(mg.tensor(seed))
    tx = torch.tensor(EDGES, requires_grad=True)
    getattr(tx, name)().backward(torch.tensor(seed))
    assert x.grad is not None and x.grad.dtype == mg.float64
    want = (torch.zeros_like(tx) + tx.grad).numpy()  # (sgn's gradient is a lazy ZeroTensor)
    if name == "reciprocal":  # -grad * out / x here, -grad * out * out in torch: 1 ulp apart
        np.testing.assert_allclose(x.grad.numpy(), want, rtol=1e-15, atol=0)
        assert np.array_equal(np.isnan(x.grad.numpy()), np.isnan(want))
    else:
        np.testing.assert_array_equal(x.grad.numpy(), want)


@pytest.mark.parametrize("name", ["round", "floor", "ceil", "trunc", "fix", "sign", "sgn"])
def test_steps_give_zero_gradient_even_for_inf_upstream(name: str) -> None:
    """PyTorch's rule is zeros_like(grad), not grad * 0 (which would be nan at inf)."""
    x = mg.tensor([1.3, -1.2], requires_grad=True)  # (no step is 0 here: 0 * inf is nan)
    (getattr(x, name)() * mg.tensor([np.inf, np.nan])).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])


@pytest.mark.parametrize("decimals", [-2, -1, 0, 1, 2, 3])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_round_decimals_against_numpy_and_torch(decimals: int, dtype: str) -> None:
    a = (RNG.standard_normal(200) * 10 ** (2 - decimals)).astype(dtype)
    a[:4] = [1.25, 2.675, 1450.0, -0.05]
    out = mg.tensor(a).round(decimals=decimals)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out.numpy(), np.round(a, decimals))
    np.testing.assert_array_equal(mg.round(mg.tensor(a), decimals=decimals).numpy(), out.numpy())
    torch = _torch()
    np.testing.assert_array_equal(out.numpy(), torch.tensor(a).round(decimals=decimals).numpy())


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int8"])
def test_integer_tensors_keep_their_dtype(dtype: str) -> None:
    a = np.array([3, 0, 2, 7], dtype=dtype)
    if np.dtype(dtype).kind == "i":
        a[0] = -3
    t = mg.tensor(a)
    for name in ["round", "floor", "ceil", "trunc", "fix", "sign", "sgn"]:
        out = getattr(t, name)()
        assert out.dtype == np.dtype(dtype), name
        np.testing.assert_array_equal(out.numpy(), NUMPY[name](a).astype(dtype))
        assert out.numpy() is not a  # a new tensor, as torch's
    np.testing.assert_array_equal(t.neg().numpy(), -a)
    assert t.reciprocal().dtype == mg.float32  # the default float dtype, as torch
    with np.errstate(divide="ignore"):
        np.testing.assert_array_equal(t.reciprocal().numpy(), (1 / a).astype(np.float32))


def test_reciprocal_of_integers_follows_the_default_dtype() -> None:
    old = mg.get_default_dtype()
    mg.set_default_dtype(mg.float64)
    try:
        assert mg.tensor([1, 2]).reciprocal().dtype == mg.float64
        assert mg.tensor([True]).reciprocal().dtype == mg.float64
    finally:
        mg.set_default_dtype(old)
    assert mg.tensor([True, False]).reciprocal().tolist() == [1.0, float("inf")]


def test_integers_and_bools_against_torch() -> None:
    torch = _torch()
    for a in (np.array([-3, 0, 2, 7]), np.array([1, 250], dtype=np.uint8), np.array([True, False])):
        for name in [*ROUNDING, "reciprocal", "positive"]:
            try:
                want = getattr(torch.tensor(a), name)()
            except (NotImplementedError, RuntimeError) as e:
                with pytest.raises(type(e)) as got:
                    getattr(mg.tensor(a), name)()
                assert str(got.value).startswith(str(e))  # (then the op and the fix)
                continue
            out = getattr(mg.tensor(a), name)()
            assert _same_dtype(out, want), (name, a.dtype)
            np.testing.assert_array_equal(out.numpy(), want.numpy())


def test_rounding_errors_in_torch_words() -> None:
    with pytest.raises(NotImplementedError, match=r"^\"frac_cpu\" not implemented for 'Long'$"):
        mg.tensor([1, 2]).frac()
    with pytest.raises(NotImplementedError, match="\"floor_vml_cpu\" not implemented for 'Bool'"):
        mg.tensor([True]).floor()
    with pytest.raises(NotImplementedError, match="\"round_cpu\" not implemented for 'Long'"):
        mg.tensor([1, 2]).round(decimals=1)
    with pytest.raises(NotImplementedError, match="\"round_cpu\" not implemented for 'Bool'"):
        mg.round(mg.tensor([True]), decimals=-1)
    with pytest.raises(RuntimeError, match="Negation, the `-` operator, on a bool tensor"):
        mg.tensor([True]).neg()
    with pytest.raises(RuntimeError, match="Negation, the `-` operator, on a bool tensor"):
        mg.negative(mg.tensor([True]))
    with pytest.raises(RuntimeError, match=r"^The `\+` operator, on a bool tensor"):
        mg.tensor([True]).positive()
    with pytest.raises(TypeError, match="round\\(\\): argument 'decimals' must be int, not float"):
        mg.tensor([1.0]).round(decimals=1.5)  # type: ignore[arg-type]


def test_positive_is_the_tensor_itself() -> None:
    x = mg.tensor([1.0, -2.0], requires_grad=True)
    assert x.positive() is x and mg.positive(x) is x
    i = mg.tensor([1, -2])
    assert i.positive() is i


def test_steps_are_recorded_as_torch_names_them() -> None:
    x = mg.tensor([1.5, -0.2], requires_grad=True)
    names = {n: getattr(x, n)().grad_fn.name() for n in ["floor", "ceil", "trunc", "round", "sign"]}
    assert names == {
        "floor": "FloorBackward0",
        "ceil": "CeilBackward0",
        "trunc": "TruncBackward0",
        "round": "RoundBackward0",
        "sign": "SignBackward0",
    }
    assert x.sgn().grad_fn.name() == "SgnBackward0"
    assert x.fix().grad_fn.name() == "TruncBackward0"


# ---------------------------------------------------------------------------------------------
# Tests for nan and inf, isclose, nan_to_num

PREDICATES = ["isnan", "isinf", "isfinite", "isposinf", "isneginf"]


@pytest.mark.parametrize("name", PREDICATES)
def test_predicates_match_numpy_and_torch(name: str) -> None:
    arrays = [
        EDGES,
        EDGES.astype(np.float32),
        np.array([-3, 0, 2]),
        np.array([1, 250], dtype=np.uint8),
        np.array([True, False]),
    ]
    for a in arrays:
        x = mg.tensor(a, requires_grad=a.dtype.kind == "f")
        for out in (getattr(x, name)(), getattr(mg, name)(x)):
            assert out.dtype == mg.bool and not out.requires_grad and out.grad_fn is None
            np.testing.assert_array_equal(out.numpy(), getattr(np, name)(a))
    torch = _torch()
    for a in arrays:
        np.testing.assert_array_equal(
            getattr(mg.tensor(a), name)().numpy(), getattr(torch.tensor(a), name)().numpy()
        )


ISCLOSE_CASES = [
    {},
    {"equal_nan": True},
    {"rtol": 0.0, "atol": 0.0},
    {"rtol": 0.1, "atol": 0.5},
    {"rtol": 1e-3, "atol": 0.0, "equal_nan": True},
]


@pytest.mark.parametrize("kw", ISCLOSE_CASES, ids=str)
def test_isclose_against_numpy_and_torch(kw: dict[str, Any]) -> None:
    a = np.array([1.0, 1.0 + 1e-9, np.nan, np.inf, -np.inf, np.inf, 10.0, 0.0, 1e-9])
    b = np.array([1.0, 1.0, np.nan, np.inf, np.inf, 1.0, 11.0, 1e-8, 0.0])
    out = mg.tensor(a, requires_grad=True).isclose(mg.tensor(b), **kw)
    assert out.dtype == mg.bool and not out.requires_grad
    np.testing.assert_array_equal(out.numpy(), np.isclose(a, b, **kw))
    np.testing.assert_array_equal(mg.isclose(mg.tensor(a), mg.tensor(b), **kw).numpy(), out)
    ints = (np.array([10, 2, 1, 200], np.uint8), np.array([11, 3, 2, 1], np.uint8))
    col = RNG.standard_normal((3, 1))
    torch = _torch()
    for x, y in [(a, b), ints, (col, col.T + 1e-6)]:
        want = torch.isclose(torch.tensor(x), torch.tensor(y), **kw)
        np.testing.assert_array_equal(mg.isclose(mg.tensor(x), mg.tensor(y), **kw), want.numpy())


def test_isclose_errors_in_torch_words() -> None:
    x = mg.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"^Float did not match Long$"):
        x.isclose(mg.tensor([1, 2]))
    with pytest.raises(RuntimeError, match=r"^Double did not match Float$"):
        mg.isclose(x.double(), x)
    with pytest.raises(RuntimeError, match=r"^rtol must be greater than or equal to zero, but got"):
        x.isclose(x, rtol=-1)
    with pytest.raises(RuntimeError, match=r"^atol must be greater than or equal to zero, but got"):
        mg.isclose(x, x, atol=-0.5)
    with pytest.raises(TypeError, match=r"isclose\(\): argument 'other' \(position 1\) must be"):
        x.isclose(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"isclose\(\): argument 'other' \(position 2\) must be"):
        mg.isclose(x, None)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match=r"^The size of tensor a .*\(isclose\(\): shapes"):
        x.isclose(mg.ones(3))


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
@pytest.mark.parametrize(
    "kw", [{}, {"nan": 2.0}, {"nan": 1.0, "posinf": 5.0, "neginf": -5.0}, {"neginf": 0.0}], ids=str
)
def test_nan_to_num_against_numpy_and_torch(dtype: str, kw: dict[str, Any]) -> None:
    a = EDGES.astype(dtype)
    x = mg.tensor(a)
    out = x.nan_to_num(**kw)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out.numpy(), np.nan_to_num(a, **kw))
    np.testing.assert_array_equal(mg.nan_to_num(x, **kw).numpy(), out.numpy())
    torch = _torch()
    np.testing.assert_array_equal(out.numpy(), torch.tensor(a).nan_to_num(**kw).numpy())


def test_nan_to_num_of_integers_is_a_copy() -> None:
    for a in (np.array([1, -2]), np.array([True, False])):
        out = mg.tensor(a).nan_to_num(nan=3.0)
        assert out.dtype == a.dtype and out.numpy() is not a
        np.testing.assert_array_equal(out.numpy(), a)


# ---------------------------------------------------------------------------------------------
# Logic and bitwise operators

LOGICAL = ["logical_and", "logical_or", "logical_xor"]
BITWISE = {"bitwise_and": "&", "bitwise_or": "|", "bitwise_xor": "^"}
INTS = [
    np.array([[5, 0, -2], [3, 12, -7]]),
    np.array([[1, 250, 7]], dtype=np.uint8),
    np.array([[True, False, True], [False, False, True]]),
]


@pytest.mark.parametrize("name", LOGICAL)
def test_logical_match_numpy_and_torch(name: str) -> None:
    pairs = [
        (np.array([[1.0, 0.0, np.nan]]), np.array([[2.0], [0.0]])),
        (np.array([3, 0, -1]), np.array([True, False, True])),
        (np.array([True, False]), np.array([0.5, 0.0], np.float32)),
    ]
    torch = _torch()
    for a, b in pairs:
        x = mg.tensor(a, requires_grad=a.dtype.kind == "f")
        for out in (getattr(x, name)(mg.tensor(b)), getattr(mg, name)(x, mg.tensor(b))):
            assert out.dtype == mg.bool and not out.requires_grad
            np.testing.assert_array_equal(out.numpy(), getattr(np, name)(a, b))
        want = getattr(torch.tensor(a), name)(torch.tensor(b))
        np.testing.assert_array_equal(getattr(x, name)(mg.tensor(b)).numpy(), want.numpy())


def test_logical_not_matches_numpy_and_torch() -> None:
    torch = _torch()
    for a in [EDGES, *INTS]:
        out = mg.tensor(a).logical_not()
        assert out.dtype == mg.bool and not out.requires_grad
        np.testing.assert_array_equal(out.numpy(), np.logical_not(a))
        np.testing.assert_array_equal(mg.logical_not(mg.tensor(a)).numpy(), out.numpy())
        np.testing.assert_array_equal(out.numpy(), torch.tensor(a).logical_not().numpy())


def test_logical_errors_in_torch_words() -> None:
    x = mg.tensor([1, 0])
    with pytest.raises(TypeError, match=r"^logical_and\(\): argument 'other' \(position 1\) must "):
        x.logical_and(1)
    with pytest.raises(TypeError, match=r"^logical_xor\(\): argument 'other' \(position 2\) must "):
        mg.logical_xor(x, True)
    with pytest.raises(RuntimeError, match=r"^The size of tensor a .*\(logical_or\(\): shapes"):
        x.logical_or(mg.ones(3))


@pytest.mark.parametrize("name", list(BITWISE))
def test_bitwise_match_numpy_and_torch(name: str) -> None:
    torch = _torch()
    sym = BITWISE[name]
    others: list[Any] = [3, True, -1, np.array([[6], [1]]), np.array([True, False, False])]
    for a in INTS:
        for b in others:
            if a.dtype == np.uint8 and isinstance(b, int) and b < 0:
                continue  # (-1 does not fit uint8: torch wraps it, minigrad refuses it)
            bm = mg.tensor(b) if isinstance(b, np.ndarray) else b
            bt = torch.tensor(b) if isinstance(b, np.ndarray) else b
            want = eval(f"ta {sym} bt", {"ta": torch.tensor(a), "bt": bt})
            for out in (
                eval(f"x {sym} b", {"x": mg.tensor(a), "b": bm}),
                getattr(mg.tensor(a), name)(bm),
                getattr(mg, name)(mg.tensor(a), bm),
            ):
                assert _same_dtype(out, want), (a.dtype, b)
                assert not out.requires_grad
                np.testing.assert_array_equal(out.numpy(), want.numpy())
            if not isinstance(b, np.ndarray):  # reflected: number & tensor
                rev = eval(f"b {sym} x", {"x": mg.tensor(a), "b": b})
                back = eval(f"bt {sym} ta", {"ta": torch.tensor(a), "bt": b})
                assert _same_dtype(rev, back)
                np.testing.assert_array_equal(rev.numpy(), back.numpy())
    # against NumPy's own operator on two int64 tensors
    i, j = INTS[0], INTS[0][::-1]
    ours = eval(f"x {sym} y", {"x": mg.tensor(i), "y": mg.tensor(j)})
    np.testing.assert_array_equal(ours.numpy(), eval(f"i {sym} j", {"i": i, "j": j}))


def test_invert_and_bitwise_not_match_numpy_and_torch() -> None:
    torch = _torch()
    for a in INTS:
        for out in (~mg.tensor(a), mg.tensor(a).bitwise_not(), mg.bitwise_not(mg.tensor(a))):
            assert out.dtype == a.dtype
            np.testing.assert_array_equal(out.numpy(), ~a)
            np.testing.assert_array_equal(out.numpy(), (~torch.tensor(a)).numpy())
    assert (~mg.tensor(True)).item() is False


def test_bitwise_errors_in_torch_words() -> None:
    f = mg.tensor([1.0, 2.0], requires_grad=True)
    i = mg.tensor([1, 2])
    torch = _torch()
    cases = [
        (lambda: f & f, lambda: torch.tensor([1.0]) & torch.tensor([2.0])),
        (lambda: i | 1.5, lambda: torch.tensor([1]) | 1.5),
        (lambda: 2.5 ^ i, lambda: 2.5 ^ torch.tensor([1])),
        (lambda: i & f.double(), lambda: torch.tensor([1]) & torch.tensor([2.0]).double()),
        (lambda: f.bitwise_not(), lambda: torch.tensor([1.0]).bitwise_not()),
        (lambda: mg.bitwise_xor(True, f), lambda: torch.bitwise_xor(True, torch.tensor([1.0]))),
    ]
    for ours, theirs in cases:
        with pytest.raises(NotImplementedError) as want:
            theirs()
        with pytest.raises(NotImplementedError) as got:
            ours()
        assert str(got.value) == str(want.value)
    with pytest.raises(NotImplementedError, match="\"bitwise_or_cpu\" not implemented for 'Float'"):
        i | 1.5
    with pytest.raises(TypeError, match=r"^~ \(operator.invert\) is only implemented on integer"):
        ~f
    with pytest.raises(TypeError, match="unsupported operand type"):
        i & None  # type: ignore[operator]
    with pytest.raises(TypeError, match="unsupported operand type"):
        "a" | i  # type: ignore[operator]


def test_in_place_bitwise_operators_change_the_tensor() -> None:
    x = mg.tensor([1, 2, 3])
    v = x[:2]
    x &= mg.tensor(1)
    assert x.tolist() == [1, 0, 1] and v.tolist() == [1, 0]  # views see it, as in torch
    m = mg.tensor([True, False])
    same = m
    m |= mg.tensor([False, True])
    m ^= True
    assert same is m and m.tolist() == [False, False]
    with pytest.raises(RuntimeError, match=r"^result type Float can't be cast to the desired"):
        x &= 1.5
    with pytest.raises(RuntimeError, match=r"^result type Long can't be cast to the desired"):
        m &= 3
    with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the broadcast"):
        x |= mg.tensor([[1], [2]])
    assert x.tolist() == [1, 0, 1]  # refused before anything changed


# ---------------------------------------------------------------------------------------------
# Floor division, remainder and fmod

DIVISION = {"floor_divide": "//", "remainder": "%", "fmod": None}
NUMPY_DIVISION = {"floor_divide": np.floor_divide, "remainder": np.remainder, "fmod": np.fmod}
# Every sign combination, exact multiples (a zero remainder), zero, infinities and nan.
X = np.array([5.5, -5.5, 5.5, -5.5, 4.0, -4.0, 3.0, -3.0, 0.0, -0.0, 3.0, np.inf, np.nan, -3.0])
Y = np.array([2.0, 2.0, -2.0, -2.0, 2.0, -2.0, 0.0, 0.0, 1.5, 1.5, np.inf, 2.0, 2.0, -np.inf])


def _division(name: str, x: Any, y: Any) -> Any:
    """The op as method, as operator when it has one, and as function: all must agree."""
    outs = [getattr(x, name)(y), getattr(mg, name)(x, y)]
    if DIVISION[name]:
        outs.append(eval(f"x {DIVISION[name]} y", {"x": x, "y": y}))
    for o in outs[1:]:
        assert o.dtype == outs[0].dtype
        np.testing.assert_array_equal(o.numpy(), outs[0].numpy())
    return outs[0]


@pytest.mark.parametrize("name", list(DIVISION))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_division_matches_numpy_and_torch(name: str, dtype: str) -> None:
    x, y = X.astype(dtype), Y.astype(dtype)
    rx, ry = RNG.standard_normal(200) * 50, RNG.standard_normal(200) * 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy warning at 1/0, inf % 2...
        out = _division(name, mg.tensor(x), mg.tensor(y))
        rand = _division(name, mg.tensor(rx), mg.tensor(ry))
    assert out.dtype == np.dtype(dtype)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(out.numpy(), NUMPY_DIVISION[name](x, y))
        np.testing.assert_array_equal(rand.numpy(), NUMPY_DIVISION[name](rx, ry))
    torch = _torch()
    want = getattr(torch, name)(torch.tensor(x), torch.tensor(y)).numpy()
    np.testing.assert_array_equal(out.numpy(), want)
    numbers = ~np.isnan(want)  # zeros signed as torch's (a nan's sign bit means nothing)
    assert np.array_equal(np.signbit(out.numpy()[numbers]), np.signbit(want[numbers]))
    want = getattr(torch, name)(torch.tensor(rx), torch.tensor(ry)).numpy()
    np.testing.assert_array_equal(rand.numpy(), want)


@pytest.mark.parametrize("name", list(DIVISION))
def test_integer_division_matches_torch(name: str) -> None:
    torch = _torch()
    i = RNG.integers(-50, 50, 60)
    j = RNG.integers(1, 9, 60) * RNG.choice([-1, 1], 60)
    operands: list[tuple[Any, Any]] = [
        (i, j),
        (i, 7),
        (i, -3),
        (i, 2.5),
        (np.array([200, 7], np.uint8), np.array([3], np.uint8)),
        (np.array([True, False]), 2),
        (i.astype(np.int32), j.astype(np.int8)),
        (i, np.array([1.5, -2.0], np.float32).reshape(2, 1)),
    ]
    for a, b in operands:
        bm = mg.tensor(b) if isinstance(b, np.ndarray) else b
        bt = torch.tensor(b) if isinstance(b, np.ndarray) else b
        out = _division(name, mg.tensor(a), bm)
        want = getattr(torch, name)(torch.tensor(a), bt)
        assert _same_dtype(out, want), (name, a.dtype, b)
        np.testing.assert_array_equal(out.numpy(), want.numpy())


@pytest.mark.parametrize(("name", "sym"), [("floor_divide", "//"), ("remainder", "%")])
def test_reflected_division_matches_torch(name: str, sym: str) -> None:
    torch = _torch()
    for a in (np.array([3, -4, 5]), np.array([1.5, -2.0, 0.0]), np.array([2.0, -3.0], np.float32)):
        for n in (7, -7.5):
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                out = eval(f"n {sym} x", {"n": n, "x": mg.tensor(a)})
            want = eval(f"n {sym} x", {"n": n, "x": torch.tensor(a)})
            assert _same_dtype(out, want)
            np.testing.assert_array_equal(out.numpy(), want.numpy())
            np.testing.assert_array_equal(getattr(mg, name)(n, mg.tensor(a)).numpy(), out.numpy())


def test_integer_division_by_zero_raises_as_torch() -> None:
    """torch raises RuntimeError("ZeroDivisionError") for integer tensors; floats give inf/nan."""
    torch = _torch()
    i = mg.tensor([7, -7])
    cases = [
        (lambda: i // mg.tensor([2, 0]), lambda: torch.tensor([7, -7]) // torch.tensor([2, 0])),
        (lambda: i % 0, lambda: torch.tensor([7, -7]) % 0),
        (lambda: i.fmod(mg.tensor(0)), lambda: torch.tensor([7, -7]).fmod(torch.tensor(0))),
        (lambda: 5 // mg.tensor([1, 0]), lambda: 5 // torch.tensor([1, 0])),
        (lambda: mg.remainder(i, False), lambda: torch.remainder(torch.tensor([7, -7]), False)),
    ]
    for ours, theirs in cases:
        with pytest.raises(RuntimeError) as want:
            theirs()
        with pytest.raises(RuntimeError) as got:
            ours()
        assert str(got.value) == str(want.value) == "ZeroDivisionError"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert (i // 0.0).tolist() == [float("inf"), float("-inf")]
        assert np.isnan(i.fmod(0.0).numpy()).all()


def test_division_errors_in_torch_words() -> None:
    b = mg.tensor([True, False])
    for name, kernel in [("floor_divide", "div_floor_cpu"), ("remainder", "remainder_cpu")]:
        with pytest.raises(NotImplementedError, match=f"^\"{kernel}\" not implemented for 'Bool'"):
            getattr(b, name)(b)
    with pytest.raises(NotImplementedError, match=r"^\"fmod_cpu\" not implemented for 'Bool'$"):
        mg.fmod(b, mg.tensor(True))
    with pytest.raises(TypeError, match="unsupported operand type"):
        mg.tensor([1.0]) // None  # type: ignore[operator]
    with pytest.raises(TypeError, match="unsupported operand type"):
        None % mg.tensor([1.0])  # type: ignore[operator]
    with pytest.raises(RuntimeError, match=r"^The size of tensor a .*\(remainder\(\): shapes"):
        mg.ones(3) % mg.ones(2)


def test_division_gradients_against_torch() -> None:
    """remainder: (grad, -grad * floor(x / y)); fmod: (grad, -grad * trunc(x / y)); at the
    signs' combinations and at exact multiples, where the quotient jumps."""
    torch = _torch()
    x0, y0 = X[:6], Y[:6]
    seed = RNG.uniform(0.5, 1.5, x0.shape)
    for name in ["remainder", "fmod"]:
        x, y = mg.tensor(x0, requires_grad=True), mg.tensor(y0, requires_grad=True)
        getattr(x, name)(y).backward(mg.tensor(seed))
        tx, ty = torch.tensor(x0, requires_grad=True), torch.tensor(y0, requires_grad=True)
        getattr(tx, name)(ty).backward(torch.tensor(seed))
        assert x.grad is not None and y.grad is not None
        np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
        np.testing.assert_array_equal(y.grad.numpy(), ty.grad.numpy())
        # with a number: the tensor's gradient only
        x.grad = None
        getattr(x, name)(-1.5).sum().backward()
        assert x.grad is not None and x.grad.tolist() == [1.0] * 6


def test_floor_divide_has_no_derivative_as_torch() -> None:
    """PyTorch records floor_divide (and number % tensor) but refuses to differentiate it: the
    result requires grad, and a backward that reaches it raises its RuntimeError."""
    torch = _torch()
    x = mg.tensor([5.5, -1.0], requires_grad=True)
    for ours, theirs in [
        (lambda t: t // 2, "derivative for aten::floor_divide is not implemented"),
        (lambda t: mg.floor_divide(t, t), "derivative for aten::floor_divide is not implemented"),
        (lambda t: 2.0 % t, "derivative for aten::remainder is not implemented"),
    ]:
        out = ours(x)
        assert out.requires_grad and repr(out.grad_fn) == "<NotImplemented>"
        assert out.grad_fn.name() == (2.0 % torch.tensor([1.0], requires_grad=True)).grad_fn.name()
        with pytest.raises(RuntimeError, match=f"^{theirs}$"):
            (out * 2 + x).sum().backward()
        assert x.grad is None  # nothing accumulated
    with pytest.raises(RuntimeError, match=r"^derivative for aten::floor_divide is not"):
        (torch.tensor([1.5], requires_grad=True) // 2).sum().backward()
    (x * 2).sum().backward()  # a graph without it is fine
    (x // 2).sum()  # and so is computing it
    with mg.no_grad():
        assert not (x // 2).requires_grad


def test_in_place_division_operators_change_the_tensor() -> None:
    z = mg.tensor([7.5, -2.0])
    v = z[:1]
    z //= 2
    assert z.tolist() == [3.0, -1.0] and v.tolist() == [3.0]
    z %= 1.5
    assert z.tolist() == [0.0, 0.5]
    i = mg.tensor([7, 5])
    assert i.fmod_(3) is i and i.tolist() == [1, 2]
    with pytest.raises(RuntimeError, match=r"^result type Float can't be cast to the desired"):
        i //= 2.5
    with pytest.raises(RuntimeError, match=r"^ZeroDivisionError"):
        i %= 0
    assert i.tolist() == [1, 2]
    w = mg.tensor([3.0], requires_grad=True) * 1
    w %= mg.tensor([2.0])
    assert w.grad_fn is not None
    w.sum().backward()  # (recorded, and differentiable)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        mg.tensor([3.0], requires_grad=True).remainder_(2)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.round(decimals=2),
        lambda x: x.sinc(),
        lambda x: mg.hypot(x, x),
    ],
)
def test_huge_values_give_inf_or_nan_without_numpy_warnings(call: Any) -> None:
    # near float32's largest value the scaling inside overflows: PyTorch returns inf (or the
    # value itself) without a word; NumPy's RuntimeWarning must not reach the user either
    x = mg.tensor([3e38, -3e38, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = call(x)
        y.backward(mg.ones_like(y))
    assert not np.isfinite(y.detach().numpy()[:2]).any()  # inf (round, hypot) or nan (sinc)
