"""Hypothesis strategies for shapes, axes and seeds, and the settings profiles the suite uses."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Profiles (registered in conftest.py). ``ci`` is the default: quick and without deadlines,
# since a gradcheck's time depends on the generated shape.
PROFILES: dict[str, dict[str, Any]] = {
    "ci": {"deadline": None, "max_examples": 25, "print_blob": True},
    "dev": {"deadline": None, "max_examples": 200},
}

seeds = st.integers(min_value=0, max_value=2**32 - 1)


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 3) -> Any:
    """Array shapes small enough for a full numerical Jacobian."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def broadcast_pairs(max_dims: int = 3, max_side: int = 3) -> Any:
    """Two shapes that broadcast against each other (either may be 0-d or have ones)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=max_dims, min_side=1, max_side=max_side
    ).map(lambda r: r.input_shapes)


@st.composite
def axes(draw: Any, ndim: int, allow_empty: bool = False) -> Any:
    """An axis argument for a tensor of ``ndim`` dims: None, an int, or a tuple (negatives too).

    An empty tuple means every axis in PyTorch (nothing in NumPy, the reference): only drawn
    when asked for.
    """
    kinds = ["none"] + (["int", "tuple"] if ndim else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    picked = draw(hnp.valid_tuple_axes(ndim, min_size=0 if allow_empty else 1))
    # Spell some axes negatively: both spellings must reduce the same axes.
    flips = draw(st.lists(st.booleans(), min_size=len(picked), max_size=len(picked)))
    return tuple(a % ndim - ndim if f else a % ndim for a, f in zip(picked, flips))


@st.composite
def reduction_cases(draw: Any, min_reduced: int = 1) -> tuple[tuple[int, ...], Any, bool]:
    """(shape, axis, keepdims) with at least ``min_reduced`` elements in each reduced group."""
    shape = draw(shapes(min_dims=0, max_dims=3, max_side=3))
    axis = draw(axes(len(shape)))
    reduced = _reduced_count(shape, axis)
    if reduced < min_reduced:
        # Grow the reduced axes rather than filter: keeps generation cheap and shrinkable.
        grow = (
            set(range(len(shape)))
            if axis is None
            else {a % len(shape) for a in ((axis,) if isinstance(axis, int) else axis)}
        )
        shape = tuple(max(n, min_reduced) if i in grow else n for i, n in enumerate(shape))
        if _reduced_count(shape, axis) < min_reduced:
            shape, axis = (min_reduced, *shape), 0
    return shape, axis, draw(st.booleans())


def _reduced_count(shape: tuple[int, ...], axis: Any) -> int:
    """How many elements each output element of a reduction over ``axis`` combines.

    Counted from the shape alone: summing an ``np.empty`` array (as this once did) adds up
    whatever the memory held, and overflows with a NumPy RuntimeWarning when that is huge.
    """
    if axis is None:
        axes = range(len(shape))
    else:
        axes = {a % len(shape) for a in ((axis,) if isinstance(axis, int) else axis)}
    return int(np.prod([shape[a] for a in axes], dtype=np.int64))
