"""``special.zeta``, the regularized incomplete gamma functions (``gammainc``, ``gammaincc``,
``igamma``, ``igammac`` and their methods) and ``airy_ai`` against PyTorch (values on grids
and at the edges, dtypes, errors, gradients) and against 60-digit values (mpmath, when
installed); finite differences of first and second order; ``Gamma.cdf`` and ``Chi2.cdf``."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import minigrad as mg
import minigrad.special as special
from minigrad.autograd import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")

HAS_MPMATH = importlib.util.find_spec("mpmath") is not None


def _t(a: object, dtype: object = mg.float64, grad: bool = False) -> mg.Tensor:
    return mg.tensor(np.asarray(a, dtype=np.float64), dtype=dtype, requires_grad=grad)


def _tt(a: object, dtype: object = None, grad: bool = False) -> object:
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=dtype or torch.float64,
                        requires_grad=grad)  # fmt: skip


def _same(a: np.ndarray, b: np.ndarray, rtol: float) -> None:
    """Equal where either is not finite (inf signs, nan), else within rtol."""
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_array_equal(np.isinf(a), np.isinf(b))
    inf = np.isinf(a)
    np.testing.assert_array_equal(a[inf], b[inf])
    np.testing.assert_allclose(a[~inf], b[~inf], rtol=rtol, atol=0)


def _mpmath_values(fn: object, *columns: np.ndarray) -> np.ndarray:
    import mpmath

    mpmath.mp.dps = 60
    return np.array([float(fn(*(mpmath.mpf(float(v)) for v in row))) for row in zip(*columns)])


# ---------------------------------------------------------------------------------------------
# zeta

ZETA_X = [-np.inf, -2.0, 0.0, 0.5, 1.0, 1.0 + 1e-9, 1.5, 2.0, 3.0, 4.5, 10.0, 30.0, 80.0]
ZETA_X += [np.inf, np.nan]
ZETA_Q = [-np.inf, -3.0, -2.5, -1.0, -0.5, -0.0, 0.0, 1e-300, 0.3, 1.0, 2.5, 10.0, 1e3, 1e10]
ZETA_Q += [np.inf, np.nan]


def test_zeta_edges_and_grid_as_torch() -> None:
    # the edges: x <= 1, q a non-positive integer, q < 0 with x an integer or not, inf and nan
    x, q = np.meshgrid(ZETA_X, ZETA_Q)
    got = special.zeta(_t(x), _t(q)).numpy()
    _same(got, torch.special.zeta(_tt(x), _tt(q)).numpy(), 1e-13)
    rng = np.random.default_rng(0)
    x, q = rng.uniform(1.001, 40, 3000), rng.uniform(-30, 60, 3000)
    x[::3] = np.round(x[::3])  # integers, for which q < 0 has values
    got = special.zeta(_t(x), _t(q)).numpy()
    want = torch.special.zeta(_tt(x), _tt(q)).numpy()
    _same(got, want, 1e-11)  # (near a zero of zeta at a negative q, only absolute error holds)


@pytest.mark.skipif(not HAS_MPMATH, reason="mpmath is not installed")
def test_zeta_against_mpmath() -> None:
    import mpmath

    rng = np.random.default_rng(1)
    # (mpmath's zeta itself loses digits for large q: q stays below 50 here)
    x = np.concatenate([rng.uniform(1.0001, 1.5, 150), rng.uniform(1.5, 80, 250)])
    q = rng.uniform(0.01, 50, 400)
    got = special.zeta(_t(x), _t(q)).numpy()
    want = _mpmath_values(mpmath.zeta, x, q)
    keep = want > 1e-300
    assert np.max(np.abs(got - want)[keep] / want[keep]) < 4e-15
    # q < 0 with an integer x: the direct terms up to q + n >= 20, then the same tail
    x, q = rng.integers(2, 12, 200).astype(float), rng.uniform(-20, 0, 200)
    got = special.zeta(_t(x), _t(q)).numpy()
    want = _mpmath_values(mpmath.zeta, x, q)
    assert np.max(np.abs(got - want) / np.abs(want)) < 1e-14


def test_zeta_broadcasts_numbers_and_dtypes_as_torch() -> None:
    x, q = np.array([[2.0], [3.5], [7.0]]), np.array([0.5, 1.0, 4.0, 9.0])
    got = special.zeta(_t(x), _t(q))
    assert got.shape == (3, 4)
    np.testing.assert_allclose(got.numpy(), torch.special.zeta(_tt(x), _tt(q)).numpy(), rtol=1e-14)
    for a, b in [(2.5, q), (x, 3.0), (3, q)]:
        mine = special.zeta(a if np.isscalar(a) else _t(a), b if np.isscalar(b) else _t(b))
        theirs = torch.special.zeta(
            a if np.isscalar(a) else _tt(a), b if np.isscalar(b) else _tt(b)
        )
        assert str(mine.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-14)
    # float32, integers (the default float), mixed float32 and float64 (float64)
    x32, q32 = _t([2.0, 3.0], mg.float32), _t([1.5, 0.25], mg.float32)
    assert special.zeta(x32, q32).dtype == mg.float32
    want32 = torch.special.zeta(_tt([2.0, 3.0], torch.float32), _tt([1.5, 0.25], torch.float32))
    np.testing.assert_array_equal(special.zeta(x32, q32).numpy(), want32.numpy())
    assert special.zeta(mg.tensor([2, 3]), mg.tensor([1, 2])).dtype == mg.float32
    assert special.zeta(x32, _t([1.5, 2.0])).dtype == mg.float64
    out = mg.empty(2, dtype=mg.float64)
    assert special.zeta(_t([2.0, 4.0]), _t([1.0, 1.0]), out=out) is out
    np.testing.assert_allclose(out.numpy(), [np.pi**2 / 6, np.pi**4 / 90], rtol=1e-15)


def test_zeta_refusals() -> None:
    with pytest.raises(TypeError, match=r"special_zeta\(\) received an invalid combination"):
        special.zeta(2.0, 3.0)
    with pytest.raises(ValueError, match=r"shape|broadcast"):
        special.zeta(_t([2.0, 3.0]), _t([1.0, 2.0, 3.0]))


def test_zeta_gradient_in_q_as_torch_and_none_in_x() -> None:
    x, q = np.array([[1.5], [3.0], [6.5]]), np.array([0.3, 1.0, 2.5, 12.0])
    qm, qt = _t(q, grad=True), _tt(q, grad=True)
    special.zeta(_t(x), qm).sum().backward()
    torch.special.zeta(_tt(x), qt).sum().backward()
    np.testing.assert_allclose(qm.grad.numpy(), qt.grad.numpy(), rtol=1e-13)
    y = special.zeta(_t(x, grad=True), _t(q))
    assert y.grad_fn.name() == "SpecialZetaBackward0"
    with pytest.raises(NotImplementedError, match=r"the derivative for 'zeta' is not implemented"):
        y.sum().backward()
    yt = torch.special.zeta(_tt(x, grad=True), _tt(q))
    with pytest.raises(NotImplementedError, match=r"the derivative for 'zeta' is not implemented"):
        yt.sum().backward()


def test_zeta_finite_differences_with_broadcasting_and_a_non_contiguous_q() -> None:
    rng = np.random.default_rng(2)
    base = _t(rng.uniform(0.5, 3.0, (4, 6)), grad=True)
    x = _t([[2.0], [3.5], [5.25]])

    def f(b: mg.Tensor) -> mg.Tensor:
        q = b[:3, ::2]  # a (3, 3) view with strides: not contiguous
        return special.zeta(x, q) * special.zeta(4, q.t())

    assert gradcheck(f, (base,))
    assert gradgradcheck(f, (base,))
    assert gradcheck(lambda q: special.zeta(2.5, q), (_t([0.5, 1.5, 2.0], grad=True),))


# ---------------------------------------------------------------------------------------------
# gammainc, gammaincc

IG_A = [-1.0, -0.0, 0.0, 1e-3, 0.5, 1.0, 2.5, 30.0, 1e4, np.inf, np.nan]
IG_X = [-1.0, -0.0, 0.0, 1e-300, 1e-3, 0.5, 1.0, 1.1, 1.2, 2.5, 30.0, 1e4, np.inf, np.nan]
PAIRS = [
    (special.gammainc, torch.special.gammainc),
    (special.gammaincc, torch.special.gammaincc),
    (mg.igamma, torch.igamma),
    (mg.igammac, torch.igammac),
]


@pytest.mark.parametrize("mine,theirs", PAIRS, ids=["gammainc", "gammaincc", "igamma", "igammac"])
def test_incomplete_gamma_edges_and_grid_as_torch(mine: object, theirs: object) -> None:
    a, x = np.meshgrid(IG_A, IG_X)
    got = mine(_t(a), _t(x)).numpy()  # type: ignore[operator]
    want = theirs(_tt(a), _tt(x)).numpy()  # type: ignore[operator]
    # (PyTorch's asymptotic series near a = x = 30 is good to 1e-9: ours is within 1e-15)
    _same(got, want, 1e-8)
    rng = np.random.default_rng(3)
    a = np.exp(rng.uniform(np.log(1e-3), np.log(500), 4000))
    x = a * np.exp(rng.uniform(-2, 2, 4000))
    got = mine(_t(a), _t(x)).numpy()  # type: ignore[operator]
    want = theirs(_tt(a), _tt(x)).numpy()  # type: ignore[operator]
    keep = want > 1e-280
    np.testing.assert_allclose(got[keep], want[keep], rtol=5e-9, atol=0)


def test_incomplete_gamma_of_a_tiny_a() -> None:
    # Q(a, x) = a E1(x) + O(a^2), E1(x) = -euler - log x + x + O(x^2). PyTorch's drops the
    # -euler here (6.9078e-298 at x = 1e-300, where the value is 6.9020e-298).
    x = np.array([1e-300, 1e-20, 1e-10])
    e1 = -0.5772156649015329 - np.log(x) + x
    got = special.gammaincc(_t(np.full(3, 1e-300)), _t(x)).numpy()
    np.testing.assert_allclose(got, 1e-300 * e1, rtol=1e-14)
    np.testing.assert_array_equal(special.gammainc(_t(np.full(3, 1e-300)), _t(x)).numpy(), 1.0)


@pytest.mark.skipif(not HAS_MPMATH, reason="mpmath is not installed")
def test_incomplete_gamma_against_mpmath() -> None:
    import mpmath

    rng = np.random.default_rng(4)
    a = np.exp(rng.uniform(np.log(1e-3), np.log(200), 600))
    x = a * np.exp(rng.uniform(-3, 3, 600))
    p = special.gammainc(_t(a), _t(x)).numpy()
    q = special.gammaincc(_t(a), _t(x)).numpy()
    want_p = _mpmath_values(lambda u, v: mpmath.gammainc(u, 0, v, regularized=True), a, x)
    want_q = _mpmath_values(lambda u, v: mpmath.gammainc(u, v, mpmath.inf, regularized=True), a, x)
    for got, want in [(p, want_p), (q, want_q)]:
        keep = want > 1e-300
        rel = np.abs(got - want)[keep] / want[keep]
        # (the worst, 1e-13, is Q far in its tail, x ~ 900, e^-x's own condition x ulps)
        assert np.max(rel) < 2e-13 and np.median(rel) < 5e-16
    moderate = (x < 100) & (want_q > 1e-300) & (want_p > 1e-300)
    assert np.max(np.abs(p - want_p)[moderate] / want_p[moderate]) < 1e-13
    assert np.max(np.abs(q - want_q)[moderate] / want_q[moderate]) < 1e-13


def test_incomplete_gamma_sum_to_one_and_known_values() -> None:
    rng = np.random.default_rng(5)
    a, x = rng.uniform(0.1, 20, 500), rng.uniform(0.01, 40, 500)
    p, q = special.gammainc(_t(a), _t(x)).numpy(), special.gammaincc(_t(a), _t(x)).numpy()
    np.testing.assert_allclose(p + q, 1, rtol=0, atol=4e-16)
    xs = np.array([0.1, 1.0, 5.0, 40.0])  # P(1, x) = 1 - e^-x, Q(1/2, x) = erfc(sqrt x)
    np.testing.assert_allclose(special.gammainc(_t(np.ones(4)), _t(xs)).numpy(), -np.expm1(-xs),
                               rtol=1e-15)  # fmt: skip
    erfc = special.erfc(_t(np.sqrt(xs))).numpy()
    # (at 40, 5e-15: e^-x's own condition, x ulps)
    np.testing.assert_allclose(special.gammaincc(_t(np.full(4, 0.5)), _t(xs)).numpy(), erfc,
                               rtol=1e-14)  # fmt: skip


def test_incomplete_gamma_dtypes_broadcasting_methods_and_in_place() -> None:
    a, x = np.array([[0.5], [2.0], [9.0]]), np.array([0.25, 1.0, 3.0, 8.0])
    got = special.gammainc(_t(a), _t(x))
    assert got.shape == (3, 4)
    a32, x32 = _t([0.5, 3.0], mg.float32), _t([1.5, 2.0], mg.float32)
    assert special.gammaincc(a32, x32).dtype == mg.float32
    # computed in float64 and rounded (PyTorch's float32 kernel is 3.6e-7 off at (0.5, 1.5))
    want = special.gammaincc(_t([0.5, 3.0]), _t([1.5, 2.0])).numpy().astype(np.float32)
    np.testing.assert_array_equal(special.gammaincc(a32, x32).numpy(), want)
    theirs = torch.special.gammaincc(_tt([0.5, 3.0], torch.float32), _tt([1.5, 2.0], torch.float32))
    np.testing.assert_allclose(want, theirs.numpy(), rtol=1e-6)
    assert special.gammainc(a32, _t([1.5, 2.0])).dtype == mg.float64
    np.testing.assert_array_equal(_t(a).igamma(_t(x)).numpy(), got.numpy())
    np.testing.assert_allclose(_t(a).igammac(_t(x)).numpy(), 1 - got.numpy(), rtol=0, atol=3e-16)
    y = _t([0.5, 2.0, 9.0])
    same = y.igamma_(_t([1.0, 1.0, 1.0]))
    assert same is y
    want = torch.tensor([0.5, 2.0, 9.0], dtype=torch.float64).igamma_(_tt([1.0, 1.0, 1.0]))
    np.testing.assert_allclose(y.numpy(), want.numpy(), rtol=1e-15)
    z = _t([0.5, 2.0]).igammac_(_t([1.0, 3.0]))
    np.testing.assert_allclose(z.numpy(), torch.igammac(_tt([0.5, 2.0]), _tt([1.0, 3.0])).numpy(),
                               rtol=1e-15)  # fmt: skip
    out = mg.empty(4, dtype=mg.float64)
    assert mg.igamma(_t([1.0] * 4), _t(x), out=out) is out


def test_incomplete_gamma_refusals_as_torch() -> None:
    with pytest.raises(NotImplementedError, match=r'"igamma_cpu" not implemented for \'Long\''):
        special.gammainc(mg.tensor([1, 2]), mg.tensor([1, 2]))
    with pytest.raises(NotImplementedError, match=r'"igammac_cpu" not implemented for \'Long\''):
        mg.tensor([1, 2]).igammac(mg.tensor([1, 2]))
    with pytest.raises(TypeError, match=r"special_gammainc\(\): argument 'other' \(position 2\)"):
        special.gammainc(_t([1.0]), 1.0)
    with pytest.raises(TypeError, match=r"special_gammaincc\(\): argument 'input' \(position 1\)"):
        special.gammaincc(1.0, _t([1.0]))
    with pytest.raises(TypeError, match=r"igamma\(\): argument 'input' \(position 1\)"):
        mg.igamma(2.0, _t([1.0]))
    with pytest.raises(TypeError, match=r"igammac\(\): argument 'other' \(position 1\)"):
        _t([1.0]).igammac(2.0)
    y = _t([1.0, 2.0])
    with pytest.raises(ValueError, match=r"shape|broadcast"):
        y.igamma_(_t([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(y.numpy(), [1.0, 2.0])  # (nothing written)


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_incomplete_gamma_gradients_as_torch(name: str) -> None:
    a, x = np.array([[0.3], [1.0], [4.5]]), np.array([0.05, 0.7, 2.0, 9.0])
    xm, xt = _t(x, grad=True), _tt(x, grad=True)
    y = getattr(mg, name)(_t(a), xm)
    assert y.grad_fn.name() == {"igamma": "IgammaBackward0", "igammac": "IgammacBackward0"}[name]
    y.sum().backward()
    getattr(torch, name)(_tt(a), xt).sum().backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-13)
    am = _t(a, grad=True)
    with pytest.raises(NotImplementedError, match=rf"the derivative for '{name}: input' is not"):
        getattr(mg, name)(am, _t(x)).sum().backward()
    with pytest.raises(NotImplementedError, match=rf"the derivative for '{name}: input' is not"):
        getattr(torch, name)(_tt(a, grad=True), _tt(x)).sum().backward()


def test_incomplete_gamma_finite_differences() -> None:
    rng = np.random.default_rng(6)
    base = _t(rng.uniform(0.3, 4.0, (5, 4)), grad=True)
    a = _t([[0.4], [1.5], [6.0]])

    def f(b: mg.Tensor) -> mg.Tensor:
        x = b[1:4, ::2].t()  # (2, 3): a transposed, strided view
        return special.gammainc(a, x.t()) + 2 * special.gammaincc(a[:, :1].t(), x).t()

    assert gradcheck(f, (base,))
    assert gradgradcheck(f, (base,))


# ---------------------------------------------------------------------------------------------
# airy_ai

AIRY_EDGES = [-np.inf, -1e3, -30.0, -6.5, -2.0, -0.0, 0.0, 1.0, 25.0, 103.0, 103.9, 200.0]
AIRY_EDGES += [np.inf, np.nan]


def test_airy_ai_as_torch() -> None:
    x = np.concatenate([AIRY_EDGES, np.linspace(-40, 100, 14001)])
    got = special.airy_ai(_t(x)).numpy()
    want = torch.special.airy_ai(_tt(x)).numpy()
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    # the scale: |Ai| where it decays, its envelope x^(-1/4) / sqrt(pi) where it oscillates
    xo = x[ok]
    scale = np.where(
        xo < 0, np.abs(np.minimum(xo, -1e-3)) ** -0.25 / np.sqrt(np.pi), np.abs(want[ok])
    )
    scale = np.where(scale == 0, 1e-300, scale)
    # (PyTorch's is 6e-6 off between -6.5 and -2; ours is within 1e-12 of the truth there)
    assert np.max(np.abs(got[ok] - want[ok]) / scale) < 1e-5
    keep = (x[ok] > -2) | (x[ok] < -7)
    assert np.max((np.abs(got[ok] - want[ok]) / scale)[keep]) < 5e-12
    assert special.airy_ai(_t([1.0], mg.float32)).dtype == mg.float32
    assert special.airy_ai(mg.tensor([0, 1])).dtype == mg.float32


@pytest.mark.skipif(not HAS_MPMATH, reason="mpmath is not installed")
def test_airy_ai_against_mpmath() -> None:
    import mpmath

    x = np.concatenate([np.linspace(-40, -6.5, 301), np.linspace(-6.5, 1, 301),
                        np.linspace(1, 100, 301)])  # fmt: skip
    got = special.airy_ai(_t(x)).numpy()
    want = _mpmath_values(mpmath.airyai, x)
    scale = np.where(x < 0, np.abs(np.minimum(x, -1e-3)) ** -0.25 / np.sqrt(np.pi), np.abs(want))
    err = np.abs(got - want) / scale
    assert np.max(err[x < -6.5]) < 5e-12  # (the phase 2/3 |x|^(3/2) rounded: 40 ulps at -40)
    assert np.max(err[(x >= -6.5) & (x < 1)]) < 1e-12  # (the series' cancellation near -6.5)
    assert np.max(err[(x >= 1) & (x <= 10)]) < 1e-14
    assert np.max(err[x > 10]) < 3e-13  # (e^(-2/3 x^1.5): x^1.5 ulps, as PyTorch's)


def test_airy_ai_records_nothing_as_torch() -> None:
    x = _t([0.5, -1.0], grad=True)
    y = special.airy_ai(x)
    assert not y.requires_grad and y.grad_fn is None
    assert not torch.special.airy_ai(_tt([0.5], grad=True)).requires_grad


# ---------------------------------------------------------------------------------------------
# Gamma.cdf, Chi2.cdf


def test_gamma_cdf_values_and_gradients_as_torch() -> None:
    c, r, v = np.array([0.5, 2.0, 7.5]), np.array([[1.0], [3.0]]), np.array([0.2, 1.0, 4.0])
    rm, vm = _t(r, grad=True), _t(v, grad=True)
    rt, vt = _tt(r, grad=True), _tt(v, grad=True)
    got = mg.distributions.Gamma(_t(c), rm).cdf(vm)
    want = torch.distributions.Gamma(_tt(c), rt).cdf(vt)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-13)
    got.sum().backward()
    want.sum().backward()
    np.testing.assert_allclose(rm.grad.numpy(), rt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(vm.grad.numpy(), vt.grad.numpy(), rtol=1e-12)
    cm = _t(c, grad=True)
    with pytest.raises(NotImplementedError, match=r"the derivative for 'igamma: input'"):
        mg.distributions.Gamma(cm, _t(r)).cdf(_t(v)).sum().backward()
    df = np.array([1.0, 3.0, 10.0])
    got = mg.distributions.Chi2(_t(df)).cdf(_t(v)).numpy()
    want = torch.distributions.Chi2(_tt(df)).cdf(_tt(v)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-13)
    with pytest.raises(ValueError, match=r"support"):
        mg.distributions.Gamma(_t(c), _t([1.0])).cdf(_t([-1.0, 1.0, 2.0]))


def test_gamma_cdf_finite_differences() -> None:
    c = _t([0.7, 2.0, 5.0])

    def f(rate: mg.Tensor, value: mg.Tensor) -> mg.Tensor:
        return mg.distributions.Gamma(c, rate, validate_args=False).cdf(value)

    inputs = (_t([[0.5], [2.0]], grad=True), _t([0.4, 1.5, 3.0], grad=True))
    assert gradcheck(f, inputs)
    assert gradgradcheck(f, inputs)
