"""Arguments PyTorch refuses or reads otherwise, checked against PyTorch 2.13: required
arguments (logsumexp's dim, new_zeros' size), tensors where PyTorch takes only tensors (take,
take_along_dim), legacy positional forms PyTorch still takes (var(False)), integer bounds of
clamp in an integer dtype, the layout torch.tensor keeps, linalg's dtype refusals, and the one
place PyTorch's "not implemented for" wording lives."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg

PACKAGE = Path(__file__).resolve().parent.parent / "minigrad"
RNG = np.random.default_rng(5)


def _outcome(fn: Callable[[], Any]) -> tuple[str, Any]:
    """("raise", exception type name) or ("ok", value as a NumPy array)."""
    try:
        r = fn()
    except Exception as e:
        return "raise", type(e).__name__
    if isinstance(r, tuple):
        return "ok", tuple(np.asarray(v.detach().numpy()) for v in r)
    return "ok", np.asarray(r.detach().numpy())


def _same(mine: tuple[str, Any], theirs: tuple[str, Any]) -> None:
    assert mine[0] == theirs[0], (mine, theirs)
    if mine[0] == "raise":
        assert mine[1].lstrip("_") in {theirs[1].lstrip("_"), "LinAlgError"} or mine == theirs
        return
    values = mine[1] if isinstance(mine[1], tuple) else (mine[1],)
    expected = theirs[1] if isinstance(theirs[1], tuple) else (theirs[1],)
    for a, b in zip(values, expected, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape, (a, b)
        np.testing.assert_allclose(a, b, rtol=1e-6)


# -- one place for PyTorch's "not implemented for <dtype>" --------------------------------------


def test_not_implemented_wording_lives_in_one_place() -> None:
    copies = [
        f"{path.relative_to(PACKAGE)}:{i}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"not implemented for '", line)
    ]
    assert copies and {c.split(":")[0] for c in copies} == {"dtypes.py"}, copies


def test_not_implemented_for_reads_as_torch() -> None:
    from minigrad.dtypes import not_implemented_for

    e = not_implemented_for("frac_cpu", np.int64)
    assert (
        isinstance(e, NotImplementedError) and str(e) == "\"frac_cpu\" not implemented for 'Long'"
    )
    e = not_implemented_for("abs_cpu", bool, "convert first")
    assert str(e) == "\"abs_cpu\" not implemented for 'Bool' (convert first)"


# -- logsumexp needs its dim ------------------------------------------------------------------

MISSING_DIM = r'^logsumexp\(\) missing 1 required positional arguments: "dim" \(logsumexp\(\): '


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.logsumexp(),
        lambda x: x.logsumexp(keepdim=True),
        lambda x: mg.logsumexp(x),
    ],
)
def test_logsumexp_needs_a_dim(call: Callable[[Any], Any]) -> None:
    x = mg.tensor(RNG.standard_normal((2, 3)))
    with pytest.raises(TypeError, match=MISSING_DIM):
        call(x)


@pytest.mark.parametrize("call", [lambda x: x.logsumexp(None), lambda x: x.logsumexp(dim=None)])
def test_logsumexp_refuses_none(call: Callable[[Any], Any]) -> None:
    x = mg.tensor(RNG.standard_normal((2, 3)))
    with pytest.raises(TypeError, match=r"argument 'dim' must be tuple of ints, not NoneType"):
        call(x)


@pytest.mark.parametrize(
    "call",
    [
        lambda L, x: x.logsumexp(),
        lambda L, x: L.logsumexp(x),
        lambda L, x: x.logsumexp(None),
        lambda L, x: x.logsumexp(1),
        lambda L, x: x.logsumexp(1, True),
        lambda L, x: x.logsumexp(dim=(0, 1)),
        lambda L, x: L.logsumexp(x, dim=0, keepdim=True),
    ],
)
def test_logsumexp_as_torch(call: Callable[[Any, Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    a = RNG.standard_normal((2, 3))
    _same(_outcome(lambda: call(mg, mg.tensor(a))), _outcome(lambda: call(torch, torch.tensor(a))))


def test_logsumexp_over_all_dims_keeps_its_gradients() -> None:
    a = RNG.standard_normal((2, 3))
    assert mg.gradcheck(lambda x: x.logsumexp((0, 1)), (mg.tensor(a, requires_grad=True),))
    assert mg.gradgradcheck(lambda x: x.logsumexp((0, 1)), (mg.tensor(a, requires_grad=True),))
