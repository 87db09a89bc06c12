"""A tensor prints what PyTorch prints for the same values, under every print option:
thousands of random arrays compared with torch's ``str``, then the corners one by one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch")

DTYPES = [np.float32, np.float64, np.float16, np.int64, np.int32, np.int8, np.uint8, np.bool_]

# Shapes from 0-d to 4-d, empty ones, and sizes either side of the threshold (1000).
SHAPES = [
    (),
    (0,),
    (1,),
    (5,),
    (17,),
    (0, 3),
    (2, 0, 4),
    (3, 4),
    (2, 3, 4),
    (2, 1, 3, 2),
    (1000,),
    (1001,),
    (999,),
    (10, 100),
    (10, 101),
    (7, 11, 13),
    (2, 3, 13, 13),
    (40, 2),
    (1, 1, 1, 1),
]


def _values(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Float64 values of one of several kinds: whole numbers, decimals of one scale, or
    magnitudes spread from 1e-8 to 1e12; some with nan, inf, -inf, 0 and -0.0 mixed in."""
    n = int(np.prod(shape))
    kind = rng.integers(6)
    if kind == 0:
        v = rng.integers(-9, 10, n).astype(np.float64)
    elif kind == 1:
        v = np.round(rng.uniform(-1, 1, n) * 10.0 ** rng.integers(0, 13))
    elif kind == 2:
        v = rng.normal(size=n) * 10.0 ** rng.integers(-6, 9)
    elif kind == 3:
        v = rng.choice([-1, 1], n) * 10.0 ** rng.uniform(-8, 12, n)
    elif kind == 4:
        v = rng.uniform(0, 1, n) * 10.0 ** rng.uniform(-3, 4)
    else:
        v = rng.choice([0.0, -0.0, 0.5, 1.0, 1e-5, 123456.0, 1e8], n)
    if n and rng.random() < 0.5:
        special = rng.choice([np.nan, np.inf, -np.inf, 0.0, -0.0], rng.integers(1, 4))
        v[rng.integers(0, n, special.size)] = special
    return v.reshape(shape)


def _array(rng: np.random.Generator, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    v = _values(rng, shape)
    if np.dtype(dtype).kind == "b":
        return np.asarray(v > 0)
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        low, high = max(info.min, -(2**53)), min(info.max, 2**53)  # (exact in float64)
        return np.clip(np.nan_to_num(v), low, high).astype(dtype)
    with np.errstate(over="ignore"):  # (float16 takes large values to inf, as torch's does)
        return v.astype(dtype)


def _cases(seed: int, count: int) -> Iterator[np.ndarray]:
    rng = np.random.default_rng(seed)
    for _ in range(count):
        shape = SHAPES[rng.integers(len(SHAPES))]
        yield _array(rng, shape, DTYPES[rng.integers(len(DTYPES))])


def _str(t: Any) -> str:
    """minigrad's printed form with dtypes spelled as torch's."""
    return str(t).replace("minigrad.", "torch.")


def _same(ours: Any, theirs: Any) -> bool:
    """The same text; a ``dtype=`` suffix, three characters longer in minigrad's spelling, may
    go on a line of its own where torch's fits (no line passes the width), so with one the
    values must be the same and the rest the same but for line breaks."""
    a, b = _str(ours), str(theirs)
    if a == b:
        return True
    values = a.split("dtype=")[0].rstrip(", \n") == b.split("dtype=")[0].rstrip(", \n")
    return "dtype=" in b and values and " ".join(a.split()) == " ".join(b.split())


@pytest.fixture(autouse=True)
def _default_options() -> Iterator[None]:
    """Every test starts and ends with the default options, in both libraries."""
    mg.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")
    yield
    mg.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("seed", range(8))
def test_random_arrays_print_as_torch(seed: int) -> None:
    for a in _cases(seed, 250):
        assert _same(mg.tensor(a), torch.tensor(a)), (a.dtype, a.shape, a)


@pytest.mark.parametrize("seed", range(3))
def test_requires_grad_and_grad_fn_suffixes(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    for _ in range(200):
        shape = SHAPES[rng.integers(len(SHAPES))]
        a = _array(rng, shape, [np.float32, np.float64, np.float16][rng.integers(3)])
        x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        assert _same(x, tx)
        assert _same(x * 2, tx * 2)
        if a.ndim and a.shape[0]:
            assert _same(x[0], tx[0])


OPTIONS = [
    {"precision": 2},
    {"precision": 0},
    {"precision": 7},
    {"threshold": 5},
    {"threshold": 20, "edgeitems": 1},
    {"threshold": 10, "edgeitems": 0},
    {"edgeitems": 0},
    {"edgeitems": 5, "threshold": 100},
    {"linewidth": 40},
    {"linewidth": 120},
    {"linewidth": 3},
    {"profile": "short"},
    {"profile": "full"},
    {"profile": "short", "precision": 6},
    {"sci_mode": True},
    {"sci_mode": False},
    {"sci_mode": True, "precision": 1, "threshold": 50},
]


@pytest.mark.parametrize(
    "options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items())
)
def test_print_options_print_as_torch(options: dict[str, Any]) -> None:
    mg.set_printoptions(**options)
    torch.set_printoptions(**options)
    assert mg.get_printoptions() == torch._tensor_str.get_printoptions()
    for a in _cases(200 + len(str(options)), 150):
        x, tx = mg.tensor(a), torch.tensor(a)
        assert _same(x, tx), (options, a.dtype, a.shape, a)
        if a.dtype.kind == "f":
            x.requires_grad_(True)
            tx.requires_grad_(True)
            assert _same(x + 1, tx + 1), (options, a.dtype, a.shape, a)


@pytest.mark.parametrize(
    "values",
    [
        [1.0, float("nan"), float("inf")],
        [[1e10, float("nan")], [2.0, 3.0]],
        [-0.0],
        [0.0, -0.0, 1.5],
        [float("nan"), float("-inf")],
        [0.0, 0.0],
        [1e-5, 1.0],
        [1e8, 1.0],
        [123456789.0],
        [1e-9, 1e12, -3.0],
        [-1.0, 10.0, 100.0],
        [0.1, 0.25, 1000.0],
        3.25,
        -0.0,
        float("nan"),
        1e20,
    ],
)
def test_corners_print_as_torch(values: Any) -> None:
    assert str(mg.tensor(values)) == str(torch.tensor(values))
    for dtype in ("float64", "float16"):
        m, t = (
            mg.tensor(values, dtype=getattr(mg, dtype)),
            torch.tensor(values, dtype=getattr(torch, dtype)),
        )
        assert _same(m, t)


def test_arange_summarised_as_torch() -> None:
    assert str(mg.arange(2000.0)) == str(torch.arange(2000.0))
    assert str(mg.arange(2000)) == str(torch.arange(2000))
    assert str(mg.arange(3000.0).reshape(3, 10, 100)) == str(torch.arange(3000.0).view(3, 10, 100))
    assert str(mg.arange(2000.0)) == (
        "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
        "        1.9990e+03])"
    )


def test_bool_int_and_empty_tensors_as_torch() -> None:
    for m, t in [
        (mg.tensor([True, False]), torch.tensor([True, False])),
        (mg.tensor([[1, -200], [3, 4]]), torch.tensor([[1, -200], [3, 4]])),
        (mg.zeros(0), torch.zeros(0)),
        (mg.zeros(0, 3), torch.zeros(0, 3)),
        (mg.zeros(0, dtype=mg.int64), torch.zeros(0, dtype=torch.int64)),
        (mg.zeros(2, 0, requires_grad=True), torch.zeros(2, 0, requires_grad=True)),
        (mg.tensor(7), torch.tensor(7)),
        (mg.tensor(True), torch.tensor(True)),
    ]:
        assert _same(m, t)


def test_parameter_prints_as_torch() -> None:
    a = np.random.default_rng(0).normal(size=(3, 40)).astype(np.float32)
    p, tp = mg.nn.Parameter(mg.tensor(a)), torch.nn.Parameter(torch.tensor(a))
    assert repr(p) == repr(tp)
    assert repr(p).startswith("Parameter containing:\ntensor([[")
    mg.set_printoptions(precision=2)
    torch.set_printoptions(precision=2)
    assert repr(p) == repr(tp)


def test_suffix_wraps_at_the_line_width() -> None:
    # a grad_fn that would pass the 80th column goes on a line of its own, indented 7
    x, tx = mg.ones(13, requires_grad=True), torch.ones(13, requires_grad=True)
    assert str(x * 0.5) == str(tx * 0.5)
    x, tx = mg.ones(2, 3, dtype=mg.float64), torch.ones(2, 3, dtype=torch.float64)
    assert _same(x, tx)
    mg.set_printoptions(linewidth=30)
    torch.set_printoptions(linewidth=30)
    assert _same(x, tx)
    assert str(x).endswith(",\n       dtype=minigrad.float64)")
    assert max(len(line) for line in str(x).splitlines()) <= 30


def test_set_printoptions_keeps_torchs_rules() -> None:
    assert mg.get_printoptions() == {
        "precision": 4,
        "threshold": 1000,
        "edgeitems": 3,
        "linewidth": 80,
        "sci_mode": None,
    }
    mg.set_printoptions(precision=2, sci_mode=True)
    mg.set_printoptions(threshold=10)  # every call sets sci_mode (here back to None)
    torch.set_printoptions(precision=2, sci_mode=True)
    torch.set_printoptions(threshold=10)
    assert mg.get_printoptions() == torch._tensor_str.get_printoptions()
    assert str(mg.tensor([1.25, 2.0])) == "tensor([1.25, 2.00])"
    mg.set_printoptions(**mg.get_printoptions())  # the options go back in unchanged
    assert mg.get_printoptions() == torch._tensor_str.get_printoptions()
    mg.set_printoptions(profile="full")
    assert mg.get_printoptions()["threshold"] == float("inf")
    mg.set_printoptions(profile="default")
    assert str(mg.tensor([1.12345])) == "tensor([1.1235])"


def test_unknown_profile_raises_before_any_change() -> None:
    before = mg.get_printoptions()
    with pytest.raises(ValueError, match=r"profile must be one of 'default', 'short' or 'full'"):
        mg.set_printoptions(precision=1, profile="long")
    assert mg.get_printoptions() == before


def test_format_and_fstring_use_the_printed_form() -> None:
    x = mg.tensor([[0.5, 1e-7], [3.0, 4.0]])
    assert f"{x}" == str(x) == str(torch.tensor([[0.5, 1e-7], [3.0, 4.0]]))
