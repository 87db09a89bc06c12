"""ReLU's forward and first-order backward take a faster NumPy route on large float arrays
(maximum against an array of zeros, a float mask): the answers must be those of the plain
formulas, bit for bit, whatever the size, dtype, layout and special values."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

SPECIAL = [0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, 1e-45, -1e-45, 3.5, -2.25]


def _inputs(shape: tuple[int, ...], dtype: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    flat = x.reshape(-1)
    flat[: len(SPECIAL) * 7 : 7] = np.array(SPECIAL, dtype=dtype)[
        : flat[: len(SPECIAL) * 7 : 7].size
    ]
    return x


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return (
        a.dtype == b.dtype
        and a.shape == b.shape
        and a.tobytes() == np.ascontiguousarray(b).tobytes()
    )


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("shape", [(7,), (40, 50), (64, 128), (3, 17, 61), (2049,)])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided"])
def test_relu_matches_the_plain_formulas_bit_for_bit(shape, dtype, layout):
    x = _inputs(shape, dtype, seed=len(shape) + x_size(shape))
    if layout == "transposed":
        x = x.T
    elif layout == "strided":
        x = x[..., ::2]
    g = np.random.default_rng(1).standard_normal(x.shape).astype(dtype)
    g.reshape(-1)[:3] = (-0.0, 0.0, -1.0)
    t = mg.tensor(x, requires_grad=True)
    with np.errstate(all="raise"):  # no NumPy warning may reach the user
        out = t.relu()
        out.backward(mg.tensor(g))
    np.testing.assert_equal(np.signbit(out.detach().numpy()), np.signbit(np.maximum(x, 0)))
    assert _same_bits(out.detach().numpy(), np.maximum(x, 0))
    assert _same_bits(t.grad.numpy(), g * (x > 0))


def x_size(shape: tuple[int, ...]) -> int:
    return int(np.prod(shape))


def test_relu_leaves_its_input_alone_and_returns_a_fresh_array():
    x = _inputs((64, 128), "float32", seed=3)
    before = x.copy()
    t = mg.tensor(x)
    out = mg.relu(t)
    np.testing.assert_array_equal(t.numpy(), before)
    assert not np.shares_memory(out.detach().numpy(), t.numpy())


def test_relu_integer_inputs_keep_their_dtype():
    x = np.arange(-3000, 3000, dtype=np.int32).reshape(60, 100)
    out = mg.relu(mg.tensor(x))
    assert out.dtype == mg.int32
    np.testing.assert_array_equal(out.detach().numpy(), np.maximum(x, 0))


def test_relu_second_order_through_the_tensor_path():
    x = _inputs((50, 50), "float64", seed=4)
    t = mg.tensor(x, requires_grad=True)
    (g,) = mg.autograd.grad((t.relu() ** 2).sum(), t, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), 2 * np.maximum(x, 0))
    (gg,) = mg.autograd.grad(g.sum(), t)
    np.testing.assert_allclose(gg.numpy(), 2.0 * (x > 0))
