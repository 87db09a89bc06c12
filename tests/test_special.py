"""The gamma family (lgamma, digamma, polygamma, mvlgamma) and ``minigrad.special`` against
PyTorch: values on dense grids and at the edges (poles, 0, +-0, +-inf, nan), gradients of
first and second order, dtypes, and the errors."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.special as special

torch = pytest.importorskip("torch")

EDGES = [0.0, -0.0, -1.0, -2.0, -3.0, -2.5, -0.5, 1.0, 2.0, 1e-310, 1e-20, 1e300, 1e308]
EDGES += [-1e15 + 0.5, np.inf, -np.inf, np.nan]


def _grid() -> np.ndarray:
    """Both sides of every pole down to -30, near the zeros at 1 and 2, and wide magnitudes."""
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [
            np.linspace(-30, 30, 60001),
            rng.uniform(-1e3, 1e3, 2000),
            10 ** rng.uniform(-300, 300, 2000),
            -(10 ** rng.uniform(-300, 10, 2000)),
            np.linspace(0.9, 2.1, 2001),
        ]
    )
    return x[x != np.floor(x)]


GRID = _grid()


def _rel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    finite = np.isfinite(b) & (b != 0)
    return np.abs(a[finite] - b[finite]) / np.abs(b[finite])


def _same(a: np.ndarray, b: np.ndarray, rtol: float) -> None:
    """Equal where either is not finite (inf signs, nan), else within rtol; signs of 0 too."""
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_array_equal(np.isinf(a), np.isinf(b))
    inf = np.isinf(a)
    np.testing.assert_array_equal(a[inf], b[inf])
    np.testing.assert_allclose(a[~inf], b[~inf], rtol=rtol, atol=0)


FUNCTIONS = [
    ("lgamma", mg.lgamma, torch.lgamma),
    ("digamma", mg.digamma, torch.digamma),
    ("polygamma1", lambda x: mg.polygamma(1, x), lambda t: torch.polygamma(1, t)),
    ("polygamma2", lambda x: x.polygamma(2), lambda t: torch.polygamma(2, t)),
    ("polygamma3", lambda x: mg.polygamma(3, x), lambda t: torch.polygamma(3, t)),
]


@pytest.mark.parametrize("name, fn, ref", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_dense_grid_float64(name: str, fn, ref) -> None:  # type: ignore[no-untyped-def]
    # (PyTorch's polygamma sums term by term up from a negative x: far below 0 it never ends)
    x = GRID if "poly" not in name else GRID[np.abs(GRID) < 1e3]
    got = fn(mg.tensor(x, dtype=mg.float64)).numpy()
    want = ref(torch.tensor(x, dtype=torch.float64)).numpy()
    r = _rel(got, want)
    if name == "polygamma1":  # PyTorch's trigamma is the less accurate one (vs mpmath: 5e-10)
        assert np.median(r) < 1e-11 and r.max() < 1e-8
        return
    # Away from the zeros of the function (where relative error is not defined by either side),
    # both agree to a few ulps; 1e-9 covers the neighbourhood of the zeros on the grid.
    assert np.median(r) < 1e-15
    assert np.quantile(r, 0.999) < 1e-13, name
    assert r.max() < 1e-9, name


@pytest.mark.parametrize("name, fn, ref", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_edges_as_torch(name: str, fn, ref) -> None:  # type: ignore[no-untyped-def]
    # (PyTorch's polygamma for n >= 2 sums term by term from a negative x: -1e15 never ends)
    x = np.array(EDGES if "poly" not in name else EDGES[:-4] + EDGES[-3:])
    got = fn(mg.tensor(x, dtype=mg.float64)).numpy()
    want = ref(torch.tensor(x, dtype=torch.float64)).numpy()
    if name == "polygamma1":
        # PyTorch's trigamma reflects through sin(pi x), which is not 0 in floating point at
        # the negative integers: it returns ~1e32 there. They are poles: +inf, as at 0 and as
        # PyTorch's own polygamma(n >= 2) has them.
        poles = (x < 0) & (x == np.floor(x)) & np.isfinite(x)
        assert np.all(got[poles] == np.inf) and np.all(np.isfinite(want[poles]))
        got, want, x = got[~poles], want[~poles], x[~poles]
        _same(got, want, 1e-9)  # (PyTorch's trigamma is good to 5e-10: pi^2/6 at 1 is ours)
        return
    _same(got, want, 1e-13)
    real = ~np.isnan(want)  # (a nan's sign bit means nothing)
    np.testing.assert_array_equal(np.signbit(got[real]), np.signbit(want[real]))


def test_trigamma_at_a_huge_negative_integer_is_a_pole() -> None:
    # PyTorch's trigamma reflects through sin(pi x), not 0 in floating point at -1e20, and
    # returns a finite number there; every x that large is an integer, a pole: +inf here.
    assert mg.polygamma(1, mg.tensor([-1e20], dtype=mg.float64)).item() == np.inf


@pytest.mark.parametrize(
    "dtype", [d for d in ("float32", "float16", "bfloat16") if hasattr(mg, d)]
)  # (bfloat16 when minigrad has it)
def test_smaller_floats_rounded_as_torch(dtype: str) -> None:
    x = np.linspace(-4.9, 6, 1000)
    for fn, ref in [(mg.lgamma, torch.lgamma), (mg.digamma, torch.digamma)]:
        got = fn(mg.tensor(x, dtype=getattr(mg, dtype)))
        want = ref(torch.tensor(x, dtype=getattr(torch, dtype)))
        assert str(got.dtype).split(".")[-1] == dtype
        tol = {"float32": 2e-6, "float16": 2e-3, "bfloat16": 1e-2}[dtype]
        np.testing.assert_allclose(
            got.numpy().astype(np.float64), want.double().numpy(), rtol=tol, atol=tol
        )


def test_integers_and_bools_promote_to_the_default_float() -> None:
    for v in ([1, 2, 3], [True, False]):
        for fn, ref in [(mg.lgamma, torch.lgamma), (mg.digamma, torch.digamma)]:
            got, want = fn(mg.tensor(v)), ref(torch.tensor(v))
            assert got.dtype == mg.float32 and want.dtype == torch.float32
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    assert mg.polygamma(1, mg.tensor([1, 2])).dtype == mg.float32


def test_gradient_rule_is_checked_against_a_wrong_one() -> None:
    # The finite differences must be able to tell digamma from a wrong derivative.
    x = mg.tensor([1.5, 2.5], dtype=mg.float64, requires_grad=True)
    (g,) = mg.grad(x.lgamma().sum(), [x])
    assert not np.allclose(g.numpy(), mg.polygamma(1, x).detach().numpy())
    eps = 1e-6
    fd = (mg.lgamma(x.detach() + eps) - mg.lgamma(x.detach() - eps)).numpy() / (2 * eps)
    np.testing.assert_allclose(g.numpy(), fd, rtol=1e-8)


def test_mvlgamma_as_torch() -> None:
    x = np.linspace(1.6, 9, 50)
    for p in (1, 2, 3, 4):
        got = mg.mvlgamma(mg.tensor(x, dtype=mg.float64), p).numpy()
        want = torch.mvlgamma(torch.tensor(x, dtype=torch.float64), p).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-14)
    with pytest.raises(RuntimeError, match=r"p has to be greater than or equal to 1"):
        mg.mvlgamma(mg.tensor([2.5]), 0)
    with pytest.raises(RuntimeError, match=r"All elements must be greater than \(p-1\)/2"):
        mg.tensor([0.5, 3.0]).mvlgamma(2)


def test_polygamma_errors_as_torch() -> None:
    x = mg.tensor([1.5])
    with pytest.raises(RuntimeError, match=r"does not support negative n"):
        mg.polygamma(-1, x)
    with pytest.raises(TypeError, match=r"argument 'n' \(position 1\) must be int, not float"):
        mg.polygamma(1.5, x)  # type: ignore[arg-type]
    assert np.array_equal(mg.polygamma(0, x).numpy(), mg.digamma(x).numpy())


def test_in_place_forms() -> None:
    for name, args in [
        ("lgamma_", ()),
        ("digamma_", ()),
        ("polygamma_", (2,)),
        ("mvlgamma_", (2,)),
    ]:
        a = mg.tensor([2.5, 3.5], dtype=mg.float64)
        t = torch.tensor([2.5, 3.5], dtype=torch.float64)
        assert getattr(a, name)(*args) is a
        getattr(t, name)(*args)
        np.testing.assert_allclose(a.numpy(), t.numpy(), rtol=1e-14)


def test_in_place_refuses_before_changing_anything() -> None:
    a = mg.tensor([0.5, 3.0], dtype=mg.float64)
    with pytest.raises(RuntimeError):
        a.mvlgamma_(2)
    np.testing.assert_array_equal(a.numpy(), [0.5, 3.0])


def test_out_argument() -> None:
    out = mg.empty(3, dtype=mg.float64)
    mg.lgamma(mg.tensor([1.5, 2.5, 3.5], dtype=mg.float64), out=out)
    np.testing.assert_allclose(out.numpy(), torch.lgamma(torch.tensor([1.5, 2.5, 3.5])), 1e-6)


# -- minigrad.special --------------------------------------------------------------------------

X = np.array([-3.7, -1.2, -0.5, 0.0, 1e-8, 0.25, 0.5, 0.999, 1.0, 2.0, 3.5, 12.0, 80.0])
P = np.array([0.0, 1e-12, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0])

UNARY = [
    ("expit", X), ("logit", P), ("erf", X), ("erfinv", np.array([-1.0, -0.3, 0, 0.9, 1.0])),
    ("gammaln", X), ("digamma", X), ("psi", X), ("entr", X), ("sinc", X), ("log1p", X),
    ("expm1", X), ("exp2", X), ("round", X),
]  # fmt: skip


@pytest.mark.parametrize("name, x", UNARY, ids=[u[0] for u in UNARY])
def test_special_unary_as_torch(name: str, x: np.ndarray) -> None:
    got = getattr(special, name)(mg.tensor(x, dtype=mg.float64)).numpy()
    want = getattr(torch.special, name)(torch.tensor(x, dtype=torch.float64)).numpy()
    _same(got, want, 1e-13)


def test_entr_gradient_finite_beside_zero_and_negative_elements() -> None:
    a = mg.tensor([0.0, -1.0, 0.5], dtype=mg.float64, requires_grad=True)
    special.entr(a).sum().backward()
    assert np.isfinite(a.grad.numpy()[2]) and np.array_equal(a.grad.numpy()[:2], [0.0, 0.0])


def test_special_names_as_torch() -> None:
    for name in special.__all__:
        assert hasattr(torch.special, name), name
        assert callable(getattr(special, name))


def test_every_function_of_torch_special_is_there() -> None:
    names = [n for n in dir(torch.special) if not n.startswith("_")]
    public = [n for n in names if callable(getattr(torch.special, n)) and n != "Tensor"]
    assert sorted(set(public) - set(special.__all__)) == []


@pytest.mark.parametrize("name", ["gammaincinv", "hyp2f1"])
def test_absent_names_explain_themselves(name: str) -> None:
    with pytest.raises(AttributeError, match=rf"does not have torch\.special\.{name}"):
        getattr(special, name)
    with pytest.raises(ImportError, match=r"docs/pytorch\.md"):
        exec(f"from minigrad.special import {name}")


def test_import_as_a_module() -> None:
    import importlib

    assert importlib.import_module("minigrad.special") is mg.special
