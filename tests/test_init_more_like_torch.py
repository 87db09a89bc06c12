"""``nn.init.trunc_normal_``, ``dirac_`` and ``sparse_`` (and their deprecated names), as PyTorch's.

Random draws cannot equal PyTorch's (another generator), so the distributions are checked:
the truncated normal's empirical CDF against the exact one (Kolmogorov-Smirnov, fixed seeds).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import init

# (mean, std, a, b): the default, shifted bounds, a narrow window, and a far tail (mass ~1e-3,
# drawn by the uniform proposal), and bounds on one side of the mean.
SETTINGS = [
    (0.0, 1.0, -2.0, 2.0),
    (0.5, 2.0, -1.0, 4.0),
    (0.0, 1.0, 0.1, 0.3),
    (0.0, 1.0, 3.0, 10.0),
    (1.0, 0.1, 1.0, 1.5),
]


def _cdf(x: np.ndarray, mean: float, std: float, a: float, b: float) -> np.ndarray:
    phi = np.vectorize(lambda v: (1 + math.erf((v - mean) / std / math.sqrt(2))) / 2)
    return (phi(x) - phi(a)) / (phi(b) - phi(a))


@pytest.mark.parametrize("setting", SETTINGS)
def test_trunc_normal_is_the_truncated_normal(setting: tuple[float, ...]) -> None:
    mean, std, a, b = setting
    t = mg.empty(20_000, dtype=mg.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = init.trunc_normal_(t, mean, std, a, b, generator=0)
    assert out is t
    x = np.sort(t.numpy())
    assert a <= x[0] and x[-1] <= b
    n = x.size
    cdf = _cdf(x, mean, std, a, b)
    ks = max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n))
    assert ks < 1.95 / math.sqrt(n)  # the 0.1% critical value: a biased sampler is far above


def test_trunc_normal_bounds_in_float32_and_determinism() -> None:
    t = mg.empty(50_000)
    init.trunc_normal_(t, std=3.0, a=-0.1, b=0.1, generator=mg.Generator().manual_seed(3))
    x = t.numpy()
    assert x.dtype == np.float32 and x.min() >= np.float32(-0.1) and x.max() <= np.float32(0.1)
    u = mg.empty(50_000)
    init.trunc_normal_(u, std=3.0, a=-0.1, b=0.1, generator=mg.Generator().manual_seed(3))
    np.testing.assert_array_equal(x, u.numpy())
    mg.manual_seed(1)
    first = init.trunc_normal_(mg.empty(5)).numpy().copy()
    mg.manual_seed(1)
    np.testing.assert_array_equal(first, init.trunc_normal_(mg.empty(5)).numpy())


def test_trunc_normal_on_a_parameter_stays_a_leaf() -> None:
    w = mg.nn.Parameter(mg.zeros(3, 4))
    before = w._version
    init.trunc_normal_(w, std=0.02)
    assert w.is_leaf and w.grad_fn is None and w._version > before
    assert np.all(np.abs(w.detach().numpy()) <= 2)


def test_trunc_normal_degenerate_and_refused() -> None:
    with pytest.warns(UserWarning, match="more than 2 std"):  # (mean 0 below a - 2 std = 1)
        np.testing.assert_array_equal(init.trunc_normal_(mg.empty(3), std=0.0, a=1, b=2).numpy(), 1)
    np.testing.assert_array_equal(init.trunc_normal_(mg.empty(3), a=0.5, b=0.5).numpy(), 0.5)
    with pytest.raises(ValueError, match=r"trunc_normal_\(\): a=2 must not exceed b=1"):
        init.trunc_normal_(mg.empty(3), a=2, b=1)
    with pytest.raises(ValueError, match=r"std=-1 must be non-negative"):
        init.trunc_normal_(mg.empty(3), std=-1)
    with pytest.raises(TypeError, match=r"nn.init: expected a Tensor, got ndarray"):
        init.trunc_normal_(np.zeros(3))  # type: ignore[arg-type]
    with pytest.warns(UserWarning, match=r"mean is more than 2 std from \[a, b\]"):
        init.trunc_normal_(mg.empty(3), mean=5.0)


def test_dirac_passes_the_input_through() -> None:
    w = mg.nn.Conv2d(3, 3, 3, padding=1, bias=False)
    init.dirac_(w.weight)
    x = mg.randn(2, 3, 5, 5)
    np.testing.assert_allclose(w(x).detach().numpy(), x.numpy(), rtol=1e-6)
    conv = mg.nn.Conv1d(4, 6, 3, padding=1, groups=2, bias=False)
    init.dirac_(conv.weight, groups=2)
    x = mg.randn(1, 4, 7)
    y = conv(x).detach().numpy()
    np.testing.assert_allclose(y[:, [0, 1, 3, 4]], x.numpy(), rtol=1e-6)
    np.testing.assert_array_equal(y[:, [2, 5]], 0)


def test_dirac_refused() -> None:
    with pytest.raises(ValueError, match=r"^Only tensors with 3, 4, or 5 dimensions are supported"):
        init.dirac_(mg.empty(3, 3))
    with pytest.raises(ValueError, match=r"^dim 0 must be divisible by groups"):
        init.dirac_(mg.empty(5, 2, 3), groups=2)


def test_sparse_zeros_each_column() -> None:
    w = mg.empty(20, 7, dtype=mg.float64)
    init.sparse_(w, 0.25, std=0.5, generator=0)
    x = w.numpy()
    assert np.all((x == 0).sum(axis=0) == 5)  # ceil(0.25 * 20)
    assert 0.3 < x[x != 0].std() < 0.7
    with pytest.raises(ValueError, match=r"^Only tensors with 2 dimensions are supported"):
        init.sparse_(mg.empty(3), 0.1)
    with pytest.raises(ValueError, match=r"sparsity=1.5 must be in \[0, 1\]"):
        init.sparse_(mg.empty(3, 3), 1.5)


@pytest.mark.parametrize(
    ("old", "new"), [("eye", "eye_"), ("dirac", "dirac_"), ("sparse", "sparse_")]
)
def test_deprecated_names_warn(old: str, new: str) -> None:
    args = {
        "eye": (mg.empty(3, 3),),
        "dirac": (mg.empty(2, 2, 3),),
        "sparse": (mg.empty(4, 4), 0.5),
    }
    with pytest.warns(
        FutureWarning, match=rf"`nn.init.{old}` is now deprecated in favor of `nn.init.{new}`"
    ):
        getattr(init, old)(*args[old])


# -- against PyTorch ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape", [(4, 4, 3), (6, 2, 3, 3), (4, 4, 2, 3, 3), (2, 6, 3, 3), (6, 4, 5)]
)
@pytest.mark.parametrize("groups", [1, 2])
def test_dirac_equals_torchs(shape: tuple[int, ...], groups: int) -> None:
    torch = pytest.importorskip("torch")
    ours = init.dirac_(mg.empty(*shape), groups=groups).numpy()
    theirs = torch.nn.init.dirac_(torch.empty(*shape), groups=groups).numpy()
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("setting", SETTINGS)
def test_trunc_normal_draws_like_torchs(setting: tuple[float, ...]) -> None:
    torch = pytest.importorskip("torch")
    mean, std, a, b = setting
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = init.trunc_normal_(mg.empty(20_000, dtype=mg.float64), mean, std, a, b, generator=1)
        theirs = torch.nn.init.trunc_normal_(
            torch.empty(20_000, dtype=torch.float64), mean, std, a, b,
            generator=torch.Generator().manual_seed(1),
        )  # fmt: skip
    x, y = np.sort(ours.numpy()), np.sort(theirs.numpy())
    grid = np.concatenate([x, y])
    ks = np.max(np.abs(np.searchsorted(x, grid, "right") - np.searchsorted(y, grid, "right")))
    assert ks / x.size < 1.95 * math.sqrt(2 / x.size)  # two-sample KS at 0.1%


def test_sparse_zero_count_equals_torchs() -> None:
    torch = pytest.importorskip("torch")
    for rows, cols, sparsity in [(20, 7, 0.25), (9, 3, 0.5), (5, 5, 0.0), (4, 2, 1.0)]:
        ours = init.sparse_(mg.empty(rows, cols), sparsity).numpy()
        theirs = torch.nn.init.sparse_(torch.empty(rows, cols), sparsity).numpy()
        np.testing.assert_array_equal((ours == 0).sum(0), (theirs == 0).sum(0))
