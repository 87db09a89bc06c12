"""The error function family (erfc, erfcx, ndtr, log_ndtr, ndtri) and the modified Bessel
functions of the first kind (i0, i0e, i1, i1e, modified_bessel_i0/i1) of ``minigrad.special``:
values against PyTorch over wide ranges and at the edges, against mpmath in the tails (where
PyTorch's are less accurate), gradients of first and second order, dtypes, and the errors;
then the functions PyTorch gives no derivative (the other Bessel functions, the polynomials)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.special as special

torch = pytest.importorskip("torch")

EDGES = [0.0, -0.0, 1e-310, -1e-310, 1e-20, 0.5, -0.5, -1.0, 1.0, 26.0, -26.0, 27.0, -27.0]
EDGES += [1e300, -1e300, np.inf, -np.inf, np.nan]


def _wide() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.concatenate(
        [
            np.linspace(-40, 40, 40001),
            10 ** rng.uniform(-300, 300, 2000),
            -(10 ** rng.uniform(-300, 300, 2000)),
        ]
    )


WIDE = _wide()


def _ours(name: str, x: np.ndarray, dtype: str = "float64") -> np.ndarray:
    return getattr(special, name)(mg.tensor(x, dtype=getattr(mg, dtype))).numpy()


def _theirs(name: str, x: np.ndarray, dtype: str = "float64") -> np.ndarray:
    return getattr(torch.special, name)(torch.tensor(x, dtype=getattr(torch, dtype))).numpy()


def _rel(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Relative differences where the reference is a normal (not subnormal) finite number."""
    normal = np.isfinite(want) & (np.abs(want) >= np.finfo(np.float64).tiny)
    return np.abs(got[normal] - want[normal]) / np.abs(want[normal])


def _same_specials(got: np.ndarray, want: np.ndarray) -> None:
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    inf = np.isinf(want)
    np.testing.assert_array_equal(got[inf], want[inf])


# (name, where PyTorch's values are the reference, rtol there)
AGAINST_TORCH = [
    ("erfc", None, 1e-15),
    ("erfcx", None, 1e-13),  # PyTorch's loses 400 ulps near -26; ours is a few ulps (mpmath)
    ("ndtr", (-5.0, np.inf), 1e-10),  # PyTorch's is 0 below -20 and 4e-11 off at -5
    ("log_ndtr", None, 3e-13),  # PyTorch's loses x^2 ulps above 1 (ours: mpmath, below)
    ("i0", (-709.0, 709.0), 3e-15),  # PyTorch's overflows at 709.8 (ours at 713.9)
    ("i0e", None, 3e-15),
    ("i1", (-709.0, 709.0), 3e-15),
    ("i1e", None, 3e-15),
    ("modified_bessel_i0", (-709.0, 709.0), 3e-15),
    ("modified_bessel_i1", (-709.0, 709.0), 3e-15),
]


@pytest.mark.parametrize("name, span, rtol", AGAINST_TORCH, ids=[a[0] for a in AGAINST_TORCH])
def test_values_over_a_wide_range_as_torch(name: str, span, rtol: float) -> None:  # type: ignore[no-untyped-def]
    x = WIDE if span is None else WIDE[(WIDE > span[0]) & (WIDE < span[1])]
    got, want = _ours(name, x), _theirs(name, x)
    _same_specials(got, want)
    r = _rel(got, want)
    assert r.max() < rtol, (name, x[np.argmax(np.abs(got - want))])
    assert np.median(r) < 1e-15


@pytest.mark.parametrize("name", [a[0] for a in AGAINST_TORCH] + ["ndtri"])
def test_edges_as_torch(name: str) -> None:
    x = np.array(EDGES if name != "ndtri" else [0.0, -0.0, 1.0, 0.5, 2.0, -1.0, np.inf, np.nan])
    got, want = _ours(name, x), _theirs(name, x)
    if name in ("ndtr",):  # PyTorch's ndtr is 0 at -26 and -27; ours is the tiny number there
        keep = (x > -20) | ~np.isfinite(x)
        got, want = got[keep], want[keep]
    if name in ("i0", "i1", "modified_bessel_i0", "modified_bessel_i1"):
        keep = np.abs(x) < 709  # (+-inf at +-1e300 in both; PyTorch's from 709.8, ours from 714)
        _same_specials(got[~keep], want[~keep])
        got, want = got[keep], want[keep]
    _same_specials(got, want)
    finite = np.isfinite(want)
    rtol = 5e-13 if name == "log_ndtr" else 1e-13  # (PyTorch's loses x^2 ulps at 26)
    np.testing.assert_allclose(got[finite], want[finite], rtol=rtol, atol=0)


def test_ndtri_over_the_unit_interval_and_its_tails_as_torch() -> None:
    rng = np.random.default_rng(1)
    p = np.concatenate(
        [
            rng.uniform(0, 1, 5000),
            10 ** rng.uniform(-323, -1, 2000),
            1 - 10 ** rng.uniform(-16, -1, 1000),
            0.5 + np.linspace(-1e-8, 1e-8, 101),
        ]
    )
    got, want = _ours("ndtri", p), _theirs("ndtri", p)
    _same_specials(got, want)
    r = _rel(got, want)
    assert r.max() < 2e-15 and np.median(r) < 2e-16


def test_tails_against_mpmath() -> None:
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40

    def check(name: str, xs: list[float], f, rtol: float) -> None:  # type: ignore[no-untyped-def]
        got = _ours(name, np.array(xs))
        want = np.array([float(f(mp.mpf(v))) for v in xs])
        np.testing.assert_allclose(got, want, rtol=rtol, atol=0, err_msg=name)

    check(
        "log_ndtr",
        [-40.0, -20.0, -5.0, -1.5, 0.0, 5.0, 9.0, 30.0],
        lambda v: mp.log1p(-mp.ncdf(-v)) if v > 0 else mp.log(mp.ncdf(v)),
        2e-15,
    )
    # (ndtr's own float64 numbers underflow below -38.5)
    check("ndtr", [-38.0, -30.0, -20.0, -5.0, -1.5, -0.5, 3.0], mp.ncdf, 5e-15)
    check(
        "erfcx",
        [30.0, 26.0, 25.9, 1e3, 1e10, 5.0, -5.0, -26.0],
        lambda v: mp.exp(v * v) * mp.erfc(v),
        1e-15,
    )
    check("erfc", [1.0, 5.0, 20.0, 26.5, -3.0], mp.erfc, 1e-15)
    check("i0", [710.0, 712.0, 30.0, 30.5, -50.0], lambda v: mp.besseli(0, v), 1e-14)
    check(
        "i1e",
        [1e-5, 0.3, 29.9, 30.1, 1e6, -4.0],
        lambda v: mp.besseli(1, v) * mp.exp(-abs(v)),
        3e-15,
    )
    p = [1e-300, 5e-324, 1e-30, 0.02, 0.3, 0.5 + 1e-12, 0.99, 1 - 2**-53]
    got = _ours("ndtri", np.array(p))
    back = np.array([float(mp.ncdf(mp.mpf(v))) for v in got])  # ndtr(ndtri(p)) == p
    # (one ulp of x moves p by x^2 ulps: 130 at 1e-30; 5e-324 is one subnormal ulp)
    np.testing.assert_allclose(back[1:], p[1:], rtol=5e-14)
    assert back[0] == pytest.approx(1e-300, rel=1e-13)


DIFFERENTIABLE = [
    ("erfc", [-3.0, -0.4, 0.0, 0.7, 4.0]),
    ("erfcx", [-3.0, -0.4, 0.0, 0.7, 4.0, 27.0, 40.0]),
    ("ndtr", [-30.0, -5.0, -1.2, -0.8, 0.0, 2.0]),
    ("log_ndtr", [-40.0, -5.0, -1.2, -0.8, 0.0, 2.0, 6.0]),
    ("ndtri", [1e-200, 1e-5, 0.2, 0.5, 0.7, 0.999]),
    ("i0", [-35.0, -2.0, 0.0, 0.3, 8.0, 31.0]),
    ("i0e", [-35.0, -2.0, -0.3, 0.3, 8.0, 31.0]),  # (a kink at 0, from exp(-|x|))
    ("i1", [-35.0, -2.0, 0.0, 0.3, 8.0, 31.0]),
    ("i1e", [-35.0, -2.0, -0.3, 0.3, 8.0, 31.0]),
]


@pytest.mark.parametrize("name, points", DIFFERENTIABLE, ids=[d[0] for d in DIFFERENTIABLE])
def test_gradients_as_torch_and_by_finite_differences(name: str, points: list[float]) -> None:
    x = mg.tensor(points, dtype=mg.float64, requires_grad=True)
    fn = getattr(special, name)
    (g,) = mg.grad(fn(x).sum(), [x])
    t = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    (want,) = torch.autograd.grad(getattr(torch.special, name)(t).sum(), [t])
    np.testing.assert_allclose(g.numpy(), want.numpy(), rtol=1e-12, atol=1e-300)
    # finite differences and second order away from the far tails (steps of 1e-6 there
    # change the values by less than their rounding)
    keep = np.abs(points) < 25 if name != "ndtri" else np.array(points) > 1e-3
    near = mg.tensor(np.array(points)[keep], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(fn, [near])
    assert mg.gradgradcheck(fn, [near])


@pytest.mark.parametrize("name", ["i1", "i1e"])
def test_second_derivative_at_zero_as_torch(name: str) -> None:
    # The rule's I1(x)/x is 1/2 at 0; its own derivative there is 0 (an even function).
    x = mg.tensor([0.0, 1.5], dtype=mg.float64, requires_grad=True)
    (g,) = mg.grad(getattr(special, name)(x).sum(), [x], create_graph=True)
    (gg,) = mg.grad(g.sum(), [x])
    t = torch.tensor([0.0, 1.5], dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad(getattr(torch.special, name)(t).sum(), [t], create_graph=True)
    (tgg,) = torch.autograd.grad(tg.sum(), [t])
    np.testing.assert_allclose(g.detach().numpy(), tg.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(gg.numpy(), tgg.numpy(), rtol=1e-10, atol=1e-14)
    assert np.all(np.isfinite(gg.numpy()))


def test_log_ndtr_gradient_finite_far_in_both_tails() -> None:
    # Each branch sees a stand-in where the other is taken: no inf * 0 in the gradient.
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    points = [-1e5, -40.0, -3.0, 3.0, 40.0, 1e5]
    x = mg.tensor(points, dtype=mg.float64, requires_grad=True)
    (g,) = mg.grad(special.log_ndtr(x).sum(), [x])
    want = [float(mp.npdf(mp.mpf(v)) / mp.ncdf(mp.mpf(v))) for v in points]
    np.testing.assert_allclose(g.numpy(), want, rtol=1e-13)
    # (PyTorch's is 7e-7 off at -1e5, where erfcx's rule 2 x erfcx(x) - 2/sqrt(pi) cancels)
    t = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad(torch.special.log_ndtr(t).sum(), [t])
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-6)


def test_gradient_rule_is_checked_against_a_wrong_one() -> None:
    # Finite differences tell I1's derivative, I0 - I1/x, from I0 alone.
    x = mg.tensor([0.8, 2.5], dtype=mg.float64, requires_grad=True)
    (g,) = mg.grad(special.i1(x).sum(), [x])
    assert not np.allclose(g.numpy(), mg.i0(x).detach().numpy(), rtol=1e-3)
    eps = 1e-6
    fd = (special.i1(x.detach() + eps) - special.i1(x.detach() - eps)).numpy() / (2 * eps)
    np.testing.assert_allclose(g.numpy(), fd, rtol=1e-8)


NAMES = [a[0] for a in AGAINST_TORCH] + ["ndtri"]


@pytest.mark.parametrize("name", NAMES)
def test_float32_computed_in_float64_and_rounded(name: str) -> None:
    x = np.linspace(-9, 9, 1001) if name != "ndtri" else np.linspace(0.0005, 0.9995, 1001)
    got, want = _ours(name, x, "float32"), _theirs(name, x, "float32")
    assert got.dtype == np.float32
    exact = _ours(name, x.astype(np.float32).astype(np.float64))  # float64 of float32 inputs
    if name in ("ndtr", "log_ndtr"):  # composed of ops, each rounding to float32
        np.testing.assert_allclose(got, exact, rtol=1e-5)
    else:  # one op, computed in float64 and rounded
        np.testing.assert_array_equal(got, exact.astype(np.float32))
    # (PyTorch's float32 erfcx computes in float32: 4e-6 off at -9, where it is 3e35; its
    # float32 ndtr is good to 6e-8 absolute only, 0 below -7, and its log_ndtr 5e-6 off near
    # -1e-10)
    rtol = 1e-5 if name in ("erfcx", "log_ndtr") else 3e-6
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-7 if name == "ndtr" else 1e-37)


@pytest.mark.parametrize("name", NAMES)
def test_integers_and_bools_promote_to_the_default_float(name: str) -> None:
    for v in ([0, 1, 2], [True, False]):
        got, want = (
            getattr(special, name)(mg.tensor(v)),
            getattr(torch.special, name)(torch.tensor(v)),
        )
        assert got.dtype == mg.float32 and want.dtype == torch.float32
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_top_level_functions_and_methods_as_torch() -> None:
    x = np.array([-2.0, 0.5, 3.0])
    for name in ("erfc", "i0"):
        want = getattr(torch, name)(torch.tensor(x)).numpy()
        got = getattr(mg, name)(mg.tensor(x)).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-15)
        np.testing.assert_array_equal(getattr(mg.tensor(x), name)().numpy(), got)
        np.testing.assert_array_equal(getattr(special, name)(mg.tensor(x)).numpy(), got)
        t = mg.tensor(x)
        assert getattr(t, name + "_")() is t
        np.testing.assert_array_equal(t.numpy(), got)
        out = mg.empty(3, dtype=mg.float64)
        assert getattr(special, name)(mg.tensor(x), out=out) is out
        np.testing.assert_array_equal(out.numpy(), got)
    assert mg.tensor(x, requires_grad=True).erfc().grad_fn is not None


def test_in_place_errors_as_torch() -> None:
    for m in (mg, torch):
        with pytest.raises(RuntimeError, match=r"result type Float can't be cast to the desired"):
            m.tensor([1, 2]).erfc_()
        with pytest.raises(RuntimeError, match=r"a leaf Variable that requires grad"):
            m.tensor([1.0, 2.0], requires_grad=True).i0_()


@pytest.mark.parametrize("name", ["modified_bessel_i0", "modified_bessel_i1"])
def test_no_derivative_where_torch_has_none(name: str) -> None:
    for m, lib in ((mg, special), (torch, torch.special)):
        x = m.tensor([0.5, 2.0], requires_grad=True)
        y = getattr(lib, name)(x)
        assert not y.requires_grad and y.grad_fn is None
        with pytest.raises(RuntimeError, match=r"does not require grad"):
            y.sum().backward()


def test_out_refused_while_recording_as_torch() -> None:
    x = mg.tensor([0.5], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"out="):
        special.ndtr(x, out=mg.empty(1))


# ---------------------------------------------------------------------------------------------
# The functions PyTorch gives no derivative: the other Bessel functions and the polynomials

BESSEL = [
    "bessel_j0",
    "bessel_j1",
    "bessel_y0",
    "bessel_y1",
    "modified_bessel_k0",
    "modified_bessel_k1",
    "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1",
    "spherical_bessel_j0",
]


def _scale(name: str, x: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Error scale: |value|, or for the oscillating J and Y their envelope sqrt(2/(pi x))
    (near a zero only the absolute error is defined, for PyTorch's as for minigrad's)."""
    if name.startswith("bessel_"):
        with np.errstate(divide="ignore"):  # (x = 0: an infinite envelope, capped at 1)
            envelope = np.minimum(1.0, np.sqrt(2 / (np.pi * np.abs(x))))
        return np.maximum(np.abs(want), envelope)
    return np.abs(want)


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_values_as_torch(name: str) -> None:
    rng = np.random.default_rng(2)
    x = np.concatenate(
        [
            np.linspace(-30, 60, 9001),
            10 ** rng.uniform(-300, 6, 1000),
            -(10 ** rng.uniform(-3, 3, 100)),
        ]
    )
    if name.startswith("modified"):
        x = x[x < 700]  # (both underflow to subnormals beyond)
    got, want = _ours(name, x), _theirs(name, x)
    _same_specials(got, want)
    ok = np.isfinite(want) & (np.abs(want) >= np.finfo(np.float64).tiny)
    err = np.abs(got[ok] - want[ok]) / _scale(name, x[ok], want[ok])
    # PyTorch's J and Y are 1e-6 off (of their envelope) between 5 and 8; elsewhere both agree
    # to a few ulps
    tol = 3e-6 if name.startswith("bessel_") else 2e-15
    assert err.max() < tol, (name, x[ok][np.argmax(err)])
    assert np.median(err) < (1e-14 if name.startswith("bessel_") else 2e-16)


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_edges_as_torch(name: str) -> None:
    x = np.array([0.0, -0.0, 1e-300, -1e-300, -1.0, 1.0, 2.0, -2.0, 1e300, np.inf, -np.inf, np.nan])
    got, want = _ours(name, x), _theirs(name, x)
    _same_specials(got, want)
    fin = np.isfinite(want) & (np.abs(x) < 1e10)
    # (PyTorch's J0(2) is 3.5e-14 off; minigrad's is within an ulp: mpmath, below)
    np.testing.assert_allclose(got[fin], want[fin], rtol=1e-13, atol=1e-300)


def test_bessel_against_mpmath() -> None:
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    x = np.array([1e-8, 0.3, 0.9, 1.0, 1.9, 2.0, 2.1, 4.0, 7.5, 15.0, 40.0, 300.0])
    for name, f in [
        ("bessel_j0", lambda v: mp.besselj(0, v)),
        ("bessel_j1", lambda v: mp.besselj(1, v)),
        ("bessel_y0", lambda v: mp.bessely(0, v)),
        ("bessel_y1", lambda v: mp.bessely(1, v)),
        ("modified_bessel_k0", lambda v: mp.besselk(0, v)),
        ("modified_bessel_k1", lambda v: mp.besselk(1, v)),
        ("scaled_modified_bessel_k1", lambda v: mp.besselk(1, v) * mp.exp(v)),
    ]:
        want = np.array([float(f(mp.mpf(float(v)))) for v in x])
        ok = want != 0  # (K0 and K1 underflow at 1e4)
        err = np.abs(_ours(name, x) - want)[ok] / _scale(name, x[ok], want[ok])
        assert err.max() < 1e-15, (name, x[ok][np.argmax(err)], err.max())


POLYNOMIALS = [n for n in special.__all__ if "polynomial" in n]


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomials_as_torch(name: str) -> None:
    x = np.concatenate([np.linspace(-1.5, 1.5, 61), [1.0, -1.0, 0.0, 0.5, 2.5]])
    n = np.arange(-2, 26).astype(np.float64)  # both sides of the closed forms' degrees (6, 8)
    xx, nn = (a.ravel() for a in np.meshgrid(x, n))
    got = getattr(special, name)(mg.tensor(xx, dtype=mg.float64), mg.tensor(nn)).numpy()
    want = getattr(torch.special, name)(torch.tensor(xx), torch.tensor(nn)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * np.abs(want).max())
    # a number for n (truncated, as PyTorch's), and the result dtypes
    for deg, dt in [(3, "float32"), (4.7, "float32")]:
        got = getattr(special, name)(mg.tensor(x, dtype=mg.float32), deg)
        want = getattr(torch.special, name)(torch.tensor(x, dtype=torch.float32), deg)
        assert got.dtype == getattr(mg, dt) and want.dtype == getattr(torch, dt)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    got = getattr(special, name)(mg.tensor([0, 1]), mg.tensor([2, 3]))
    want = getattr(torch.special, name)(torch.tensor([0, 1]), torch.tensor([2, 3]))
    assert got.dtype == mg.float32 and want.dtype == torch.float32
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", [*BESSEL, "chebyshev_polynomial_t"])
def test_no_derivative_and_float32_as_torch(name: str) -> None:
    args = (2,) if "polynomial" in name else ()
    x = np.linspace(0.05, 9, 200)
    for m, lib in ((mg, special), (torch, torch.special)):
        t = m.tensor(x, dtype=m.float32, requires_grad=True)
        y = getattr(lib, name)(t, *args)
        assert not y.requires_grad and y.grad_fn is None and y.dtype == m.float32
        with pytest.raises(RuntimeError, match=r"does not require grad"):
            y.sum().backward()
    got = getattr(special, name)(mg.tensor(x, dtype=mg.float32), *args).numpy()
    want = getattr(torch.special, name)(torch.tensor(x, dtype=torch.float32), *args).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=3e-6)
