"""Spatial transformer sampling, as ``torch.nn.functional``: ``affine_grid`` makes the
sampling grid of a batch of 2-D affine maps, ``grid_sample`` reads an image at those points
by bilinear interpolation. Both are compositions of recorded ops (a matrix product; gathers
and arithmetic), so they are differentiable to any order in the input, the grid and theta."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from ..node_surface import labelled
from ..tensor import Tensor, as_tensor

__all__ = ["affine_grid", "grid_sample"]

_ALIGN_CORNERS_DEFAULT = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since "
    "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
    "documentation of grid_sample for details."
)


def _align_corners(align_corners: bool | None) -> bool:
    """PyTorch's default, with PyTorch's warning when the argument is left out."""
    if align_corners is None:
        warnings.warn(_ALIGN_CORNERS_DEFAULT, UserWarning, stacklevel=3)
        return False
    return bool(align_corners)


def _coordinates(steps: int, align_corners: bool, dtype: np.dtype) -> np.ndarray:
    """The normalized coordinates of ``steps`` cells in [-1, 1]: the cells' centres, or with
    ``align_corners`` the corner cells' centres at -1 and 1 (a single cell at 0)."""
    if steps <= 1:
        return np.zeros(steps, dtype)
    line = np.linspace(-1.0, 1.0, steps).astype(dtype)
    return line if align_corners else line * dtype.type(steps - 1) / dtype.type(steps)


def affine_grid(theta: Tensor, size: Sequence[int], align_corners: bool | None = None) -> Tensor:
    """The (N, H, W, 2) grid of points ``theta`` maps the output's cells to, as PyTorch's.

    grid[n, i, j] = theta[n] @ (x_j, y_i, 1), where (x_j, y_i) are the normalized coordinates
    of output cell (i, j) in [-1, 1] (see ``grid_sample``). Differentiable in ``theta``.

    Args:
        theta: (N, 2, 3) floating-point affine matrices.
        size: the output's size (N, C, H, W).
        align_corners: -1 and 1 are the centres of the corner cells (True) or their outer
            edges (False, the default, with PyTorch's warning when it is left out).

    Raises:
        ValueError: for a theta that is not floating point or not (N, 2, 3), or an empty
            size, in PyTorch's words.
        RuntimeError: for a size whose batch is not theta's.
        NotImplementedError: for a 5-D size (3-D affine maps), which minigrad has not.
    """
    aligned = _align_corners(align_corners)
    t = as_tensor(theta)
    if t.dtype.kind != "f":
        raise ValueError(f"Expected theta to have floating point type, but got {t.dtype}")
    size = [int(s) for s in size]
    if len(size) == 5:
        raise NotImplementedError(
            f"affine_grid(): minigrad does not have 3-D affine grids (size {size}, theta "
            "Nx3x4); it has the 2-D ones, for a size (N, C, H, W) and theta Nx2x3"
        )
    if len(size) != 4:
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {size}."
        )
    if t.ndim != 3 or tuple(t.shape[1:]) != (2, 3):
        raise ValueError(
            "Expected a batch of 2D affine matrices of shape Nx2x3 for size "
            f"{size}. Got {tuple(t.shape)}."
        )
    n, _, h, w = size
    if aligned and min(h, w) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
            "align_corners=True. This is not an intended use case of affine_grid. See the "
            "documentation of affine_grid for details.",
            UserWarning,
            stacklevel=2,
        )
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if t.shape[0] != n:
        raise RuntimeError(
            f"affine_grid(): theta holds {t.shape[0]} matrices for a size of batch {n} "
            f"(size {size}); give one matrix per output image"
        )
    dtype = t._data.dtype
    base = np.ones((h, w, 3), dtype)
    base[..., 0] = _coordinates(w, aligned, dtype)[None, :]
    base[..., 1] = _coordinates(h, aligned, dtype)[:, None]
    points = as_tensor(base.reshape(1, h * w, 3))
    grid = (points @ t.transpose(1, 2)).reshape(n, h, w, 2)
    return labelled(grid, "AffineGridGeneratorBackward0", t)


def _unnormalize(coordinate: Tensor, size: int, align_corners: bool) -> Tensor:
    """A normalized coordinate in [-1, 1] as a position in cells: corner centres at 0 and
    size - 1 (align_corners), or corner edges at -0.5 and size - 0.5."""
    if align_corners:
        return (coordinate + 1) * ((size - 1) / 2)
    return (coordinate + 1) * (size / 2) - 0.5


def grid_sample(
    input: Tensor,
    grid: Tensor,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> Tensor:
    """Read (N, C, H, W) ``input`` at the (N, H_out, W_out, 2) points of ``grid``, as PyTorch.

    grid[n, i, j] = (x, y) in normalized coordinates: x = -1 is the left of the image, 1 the
    right, y = -1 the top, 1 the bottom (see ``align_corners``). Each output value mixes the
    four cells around the point, weighted by the point's distance to them (bilinear); cells
    outside the image read as 0 (``padding_mode="zeros"``). Differentiable to any order in
    the input and in the grid (the gradient in the grid is that of the bilinear mix, whose
    cell is fixed; at an integer position the cell is the one up and to the left).

    Args:
        input: (N, C, H, W) floating-point images.
        grid: (N, H_out, W_out, 2) points of the same dtype.
        mode: "bilinear" (minigrad has not "nearest" or "bicubic").
        padding_mode: "zeros" (minigrad has not "border" or "reflection").
        align_corners: -1 and 1 are the centres of the corner cells (True) or their outer
            edges (False, the default, with PyTorch's warning when it is left out).

    Returns:
        (N, C, H_out, W_out) samples.

    Raises:
        ValueError: for a mode or padding mode PyTorch has not, in PyTorch's words.
        NotImplementedError: for the modes and padding modes minigrad has not, a 5-D input,
            or an integer one (as PyTorch).
        RuntimeError: for shapes or dtypes that do not fit, in PyTorch's words.
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(
            "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
            f"'bicubic', but got: '{mode}'"
        )
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
            f"'reflection', but got: '{padding_mode}'"
        )
    aligned = _align_corners(align_corners)
    if mode != "bilinear" or padding_mode != "zeros":
        what = f"mode={mode!r}" if mode != "bilinear" else f"padding_mode={padding_mode!r}"
        raise NotImplementedError(
            f"grid_sample(): minigrad does not have {what}; it samples with "
            "mode='bilinear' and padding_mode='zeros'"
        )
    x, g = as_tensor(input), as_tensor(grid)
    if x.ndim == 5:
        raise NotImplementedError(
            "grid_sample(): minigrad does not have volumetric (5-D) sampling; it samples "
            "(N, C, H, W) images with an (N, H_out, W_out, 2) grid"
        )
    if x.dtype != g.dtype:
        raise RuntimeError(
            "grid_sampler(): expected input and grid to have same dtype, but input has "
            f"{x.dtype} and grid has {g.dtype}"
        )
    if x.ndim != 4 or g.ndim != 4:
        raise RuntimeError(
            "grid_sampler(): expected 4D input and grid with same number of dimensions, but "
            f"got input with sizes {list(x.shape)} and grid with sizes {list(g.shape)}"
        )
    if g.shape[-1] != 2:
        raise RuntimeError(
            "grid_sampler(): expected grid to have size 2 in last dimension, but got grid "
            f"with sizes {list(g.shape)}"
        )
    if x.shape[0] != g.shape[0]:
        raise RuntimeError(
            "grid_sampler(): expected grid and input to have same batch size, but got input "
            f"with sizes {list(x.shape)} and grid with sizes {list(g.shape)}"
        )
    if x.dtype.kind != "f":
        raise NotImplementedError(
            f"grid_sampler(): sampling is for floating-point images, got dtype {x.dtype} "
            "(convert the input and the grid with .float())"
        )
    n, c, h, w = x.shape
    ix = _unnormalize(g[..., 0], w, aligned)  # (N, H_out, W_out), in cells
    iy = _unnormalize(g[..., 1], h, aligned)
    x0, y0 = np.floor(ix._data), np.floor(iy._data)
    # the bilinear weights (PyTorch's CPU kernel's arithmetic); the cells are constants
    east, south = ix - x0, iy - y0
    west, north = 1 - east, 1 - south
    batch = np.arange(n).reshape(n, 1, 1, 1)
    channel = np.arange(c).reshape(1, c, 1, 1)
    out: Tensor | None = None
    for row, col, weight in (
        (y0, x0, north * west),
        (y0, x0 + 1, north * east),
        (y0 + 1, x0, south * west),
        (y0 + 1, x0 + 1, south * east),
    ):
        inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)  # outside reads 0
        rows = np.where(inside, row, 0).astype(np.intp)[:, None]
        cols = np.where(inside, col, 0).astype(np.intp)[:, None]
        term = x[batch, channel, rows, cols] * (weight * inside.astype(x._data.dtype))[:, None]
        out = term if out is None else out + term
    assert out is not None
    return labelled(out, "GridSampler2DBackward0", x, g)
