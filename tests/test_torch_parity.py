"""Places where minigrad once answered differently from PyTorch without a word: the softmax
methods without a dim, products of two dtypes, integers to negative powers, and the ``dtype=``
of the reductions. Each is checked against hand-computed values, and against PyTorch when it is
installed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(11)


def _torch_error(fn: Callable[[], object]) -> tuple[type, str]:
    """The type and text of the error PyTorch raises for ``fn()`` (whatever it is: the
    reference)."""
    try:
        fn()
    except Exception as e:
        return type(e), str(e)
    raise AssertionError("PyTorch raised nothing")


# -- softmax methods need a dim ---------------------------------------------------------------

MISSING_DIM = 'missing 1 required positional arguments: "dim"'


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_methods_need_a_dim(name: str) -> None:
    x = mg.tensor(RNG.standard_normal((2, 3)))
    with pytest.raises(TypeError, match=f"^{name}\\(\\) {MISSING_DIM}$"):
        getattr(x, name)()
    before = x.numpy().copy()
    with pytest.raises(TypeError, match="give either dim or axis, not both"):
        getattr(x, name)(1, axis=1)
    np.testing.assert_array_equal(x.numpy(), before)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_methods_take_dim_positionally_or_by_name(name: str) -> None:
    a = RNG.standard_normal((2, 3))
    x = mg.tensor(a)
    e = np.exp(a - a.max(axis=0))
    expected = e / e.sum(axis=0)
    if name == "log_softmax":
        expected = np.log(expected)
    for out in (getattr(x, name)(0), getattr(x, name)(dim=0), getattr(x, name)(axis=0)):
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)


def test_softmax_functions_keep_the_implicit_dim_with_its_warning() -> None:
    x = mg.tensor(RNG.standard_normal((2, 3)))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = mg.softmax(x)
    np.testing.assert_allclose(out.numpy(), x.softmax(1).numpy())


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_methods_need_a_dim_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    kind, text = _torch_error(lambda: getattr(torch.ones(2, 3), name)())
    with pytest.raises(kind) as e:
        getattr(mg.ones(2, 3), name)()
    assert str(e.value) == text


# -- layers take the default dtype ------------------------------------------------------------

LAYERS = {
    "Linear": lambda nn: nn.Linear(3, 2),
    "Conv2d": lambda nn: nn.Conv2d(1, 2, 3),
    "LayerNorm": lambda nn: nn.LayerNorm(3),
    "BatchNorm1d": lambda nn: nn.BatchNorm1d(3),
    "Embedding": lambda nn: nn.Embedding(4, 2),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_take_the_default_dtype(name: str) -> None:
    default = LAYERS[name](mg.nn).state_dict()
    assert all(v.dtype == mg.float32 for k, v in default.items() if k != "num_batches_tracked")
    mg.set_default_dtype(mg.float64)
    try:
        state = LAYERS[name](mg.nn).state_dict()
    finally:
        mg.set_default_dtype(mg.float32)
    floats = {k: v.dtype for k, v in state.items() if k != "num_batches_tracked"}
    assert floats and set(floats.values()) == {mg.float64}, floats


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_take_the_default_dtype_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    mg.set_default_dtype(mg.float64)
    try:
        ours, theirs = LAYERS[name](mg.nn).state_dict(), LAYERS[name](torch.nn).state_dict()
    finally:
        torch.set_default_dtype(torch.float32)
        mg.set_default_dtype(mg.float32)
    assert list(ours) == list(theirs)
    for key in ours:
        assert str(ours[key].dtype).split(".")[1] == str(theirs[key].dtype).split(".")[1], key
