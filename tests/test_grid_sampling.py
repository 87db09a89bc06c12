"""F.affine_grid and F.grid_sample (the spatial transformer's grid and bilinear sampler with
zeros padding): against NumPy, by finite differences (float64, first and second order), against
PyTorch (values and gradients, float64 and float32, both align_corners), warnings and errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck, gradgradcheck
from minigrad.nn import functional as F


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(2468 + salt)


def _theta(n: int, salt: int = 0) -> np.ndarray:
    """Affine maps near the identity, some points of whose grids fall outside the image."""
    return np.eye(2, 3)[None] * 1.1 + 0.4 * _rng(salt).standard_normal((n, 2, 3))


@pytest.mark.parametrize("aligned", [False, True])
def test_identity_grid_reads_the_image_back(aligned: bool) -> None:
    image = _rng().standard_normal((2, 3, 5, 4))
    theta = mg.tensor(np.tile(np.eye(2, 3), (2, 1, 1)))
    grid = F.affine_grid(theta, (2, 3, 5, 4), align_corners=aligned)
    x, y = grid[0, ..., 0].numpy(), grid[0, ..., 1].numpy()
    columns, rows = (2 * np.arange(4) + 1) / 4 - 1, (2 * np.arange(5) + 1) / 5 - 1
    if aligned:  # the corner cells' centres at -1 and 1
        columns, rows = np.linspace(-1, 1, 4), np.linspace(-1, 1, 5)
    np.testing.assert_allclose(x, np.tile(columns, (5, 1)), atol=1e-15)
    np.testing.assert_allclose(y, np.tile(rows[:, None], (1, 4)), atol=1e-15)
    out = F.grid_sample(mg.tensor(image), grid, align_corners=aligned)
    np.testing.assert_allclose(out.numpy(), image, atol=1e-14)


def test_bilinear_weights_and_zeros_outside() -> None:
    image = np.arange(12.0).reshape(1, 1, 3, 4)
    # cell positions (column 0.25, row 1.5), (column 3.5, row 0): the second half outside
    points = np.array([[0.25, 1.5], [3.5, 0.0]])
    grid = (points + 0.5) / np.array([4, 3]) * 2 - 1  # align_corners=False
    out = F.grid_sample(mg.tensor(image), mg.tensor(grid[None, None]), align_corners=False)
    inside = 0.75 * (0.5 * 4 + 0.5 * 8) + 0.25 * (0.5 * 5 + 0.5 * 9)
    np.testing.assert_allclose(out.numpy(), [[[[inside, 0.5 * 3]]]])


def test_finite_differences() -> None:
    image = mg.tensor(_rng(1).standard_normal((2, 2, 4, 5)), requires_grad=True)
    theta = mg.tensor(_theta(2, 1), requires_grad=True)
    grid = mg.tensor(_rng(2).uniform(-1.2, 1.2, (2, 3, 3, 2)), requires_grad=True)

    def through_theta(x: Any, t: Any) -> Any:
        return F.grid_sample(
            x, F.affine_grid(t, (2, 2, 3, 4), align_corners=False), align_corners=False
        )

    def through_grid(x: Any, g: Any) -> Any:
        return F.grid_sample(x, g, align_corners=True)

    for fn, inputs in ((through_theta, (image, theta)), (through_grid, (image, grid))):
        assert gradcheck(fn, inputs)
        assert gradgradcheck(fn, inputs)


def test_non_contiguous_inputs() -> None:
    """A transposed image, a strided grid and a transposed theta: the same values as their
    contiguous copies, torch's values and gradients, and finite differences at both orders."""
    image = _rng(5).standard_normal((2, 3, 5, 6)).transpose(0, 1, 3, 2)  # (2, 3, 6, 5)
    grid = _rng(6).uniform(-1.2, 1.2, (2, 8, 7, 2))[:, ::2]  # (2, 4, 7, 2), every other row
    theta = _theta(2, 7).transpose(0, 2, 1).copy().transpose(0, 2, 1)  # (2, 2, 3), F order
    assert not (image.flags.c_contiguous or grid.flags.c_contiguous or theta.flags.c_contiguous)
    x, g, t = (mg.from_numpy(a).requires_grad_() for a in (image, grid, theta))  # (strides kept)
    assert not any(a._data.flags.c_contiguous for a in (x, g, t))
    for inputs, fn in (
        ((x, g), lambda x, g: F.grid_sample(x, g, align_corners=False)),
        (
            (x, t),
            lambda x, t: F.grid_sample(
                x, F.affine_grid(t, (2, 3, 4, 7), align_corners=True), align_corners=True
            ),
        ),
    ):
        copies = [mg.tensor(np.ascontiguousarray(a.detach().numpy())) for a in inputs]
        np.testing.assert_array_equal(fn(*inputs).detach().numpy(), fn(*copies).numpy())
        assert gradcheck(fn, inputs)
        assert gradgradcheck(fn, inputs)
    torch = pytest.importorskip("torch")
    weights = _rng(8).standard_normal((2, 3, 4, 7))
    results = []
    for lib, functional in ((mg, F), (torch, torch.nn.functional)):
        xs = [lib.from_numpy(a).requires_grad_() for a in (image, grid)]
        out = functional.grid_sample(*xs, align_corners=False)
        (out * lib.tensor(weights)).sum().backward()
        results.append([a.detach().numpy() for a in (out, xs[0].grad, xs[1].grad)])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(aligned: bool, dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    image = _rng(3).standard_normal((2, 3, 6, 5)).astype(dtype)
    theta = _theta(2, 3).astype(dtype)
    weights = _rng(4).standard_normal((2, 3, 4, 7)).astype(dtype)
    results = []
    for lib, functional in ((mg, F), (torch, torch.nn.functional)):
        x = lib.tensor(image, requires_grad=True)
        t = lib.tensor(theta, requires_grad=True)
        grid = functional.affine_grid(t, (2, 3, 4, 7), align_corners=aligned)
        grid.retain_grad()
        out = functional.grid_sample(x, grid, align_corners=aligned)
        (out * lib.tensor(weights)).sum().backward()
        results.append([a.detach().numpy() for a in (grid, out, x.grad, grid.grad, t.grad)])
        assert str(out.grad_fn).startswith("<GridSampler2DBackward0")
        assert str(grid.grad_fn).startswith("<AffineGridGeneratorBackward0")
    tol = {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else {"rtol": 1e-4, "atol": 1e-5}
    for ours, theirs in zip(*results):
        assert ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, **tol)


def test_align_corners_left_out_warns_as_pytorch() -> None:
    theta = mg.tensor(np.eye(2, 3)[None])
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior"):
        grid = F.affine_grid(theta, (1, 1, 3, 3))
    with pytest.warns(UserWarning, match="Please specify align_corners=True"):
        F.grid_sample(mg.ones(1, 1, 3, 3, dtype=mg.float64), grid)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (
            lambda: F.grid_sample(
                mg.ones(1, 1, 2, 2), mg.zeros(1, 1, 1, 2), "nearest", align_corners=False
            ),
            NotImplementedError,
            "mode='nearest'",
        ),
        (
            lambda: F.grid_sample(
                mg.ones(1, 1, 2, 2), mg.zeros(1, 1, 1, 2), "bicubic", align_corners=False
            ),
            NotImplementedError,
            "mode='bicubic'",
        ),
        (
            lambda: F.grid_sample(
                mg.ones(1, 1, 2, 2),
                mg.zeros(1, 1, 1, 2),
                padding_mode="border",
                align_corners=False,
            ),
            NotImplementedError,
            "padding_mode='border'",
        ),
        (
            lambda: F.grid_sample(
                mg.ones(1, 1, 2, 2), mg.zeros(1, 1, 1, 2), "linear", align_corners=False
            ),
            ValueError,
            "expected mode to be",
        ),
        (
            lambda: F.grid_sample(
                mg.ones(1, 1, 2, 2), mg.zeros(1, 1, 1, 2), padding_mode="same", align_corners=False
            ),
            ValueError,
            "expected padding_mode",
        ),
        (
            lambda: F.grid_sample(
                mg.ones(1, 1, 1, 2, 2), mg.zeros(1, 1, 1, 1, 3), align_corners=False
            ),
            NotImplementedError,
            "5-D",
        ),
        (
            lambda: F.grid_sample(mg.ones(2, 1, 2, 2), mg.zeros(1, 1, 1, 2), align_corners=False),
            RuntimeError,
            "same batch size",
        ),
        (
            lambda: F.grid_sample(mg.ones(1, 1, 2, 2), mg.zeros(1, 1, 1, 3), align_corners=False),
            RuntimeError,
            "size 2 in last dimension",
        ),
        (
            lambda: F.grid_sample(
                mg.ones(1, 1, 2, 2), mg.zeros(1, 1, 1, 2, dtype=mg.float64), align_corners=False
            ),
            RuntimeError,
            "same dtype",
        ),
        (
            lambda: F.affine_grid(mg.zeros(1, 3, 4), (1, 1, 2, 2, 2), align_corners=False),
            NotImplementedError,
            "3-D affine grids",
        ),
        (
            lambda: F.affine_grid(mg.zeros(1, 3, 3), (1, 1, 2, 2), align_corners=False),
            ValueError,
            "Nx2x3",
        ),
        (
            lambda: F.affine_grid(mg.zeros(2, 2, 3), (1, 1, 2, 2), align_corners=False),
            RuntimeError,
            "one matrix per output image",
        ),
        (
            lambda: F.affine_grid(
                mg.zeros(1, 2, 3, dtype=mg.int64), (1, 1, 2, 2), align_corners=False
            ),
            ValueError,
            "floating point",
        ),
    ],
)
def test_errors_name_the_argument(call: Any, error: type, words: str) -> None:
    with pytest.raises(error, match=words.replace("(", r"\(")):
        call()
