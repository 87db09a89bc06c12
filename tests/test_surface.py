"""PyTorch's surface: generators, creation functions, devices, dtypes, sizes, promotion."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.utils.data import DataLoader, TensorDataset

# ---------------------------------------------------------------------------------------------
# Generator


def test_generator_seeds_and_repeats() -> None:
    g = mg.Generator()
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    a = mg.rand(3, generator=g)
    g.manual_seed(5)
    np.testing.assert_array_equal(mg.rand(3, generator=g).numpy(), a.numpy())
    assert not np.array_equal(mg.rand(3, generator=g).numpy(), a.numpy())


def test_generator_state_round_trip() -> None:
    g = mg.Generator().manual_seed(1)
    mg.randn(7, generator=g)
    state = g.get_state()
    assert state.dtype == np.uint8 and state.ndim == 1
    a = mg.randn(4, generator=g)
    g.set_state(state)
    np.testing.assert_array_equal(mg.randn(4, generator=g).numpy(), a.numpy())
    with pytest.raises(RuntimeError, match="get_state"):
        g.set_state(mg.zeros(3))


def test_generator_seed_and_default_generator() -> None:
    g = mg.Generator()
    s = g.seed()
    assert g.initial_seed() == s and 0 <= s < 2**64
    assert mg.manual_seed(3) is mg.default_generator
    assert mg.initial_seed() == 3
    state = mg.get_rng_state()
    a = mg.rand(2)
    mg.set_rng_state(state)
    np.testing.assert_array_equal(mg.rand(2).numpy(), a.numpy())
    with pytest.raises(TypeError, match="int"):
        g.manual_seed(1.5)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="CPU"):
        mg.Generator(device="cuda")


def _draws(generator: object) -> list[np.ndarray]:
    """One draw from every random function that takes generator=."""
    g = generator
    p = mg.tensor([0.2, 0.3, 0.5])
    return [
        mg.rand(3, generator=g).numpy(),
        mg.randn(3, generator=g).numpy(),
        mg.randint(0, 9, (3,), generator=g).numpy(),
        mg.randperm(6, generator=g).numpy(),
        mg.multinomial(p, 2, generator=g).numpy(),
        mg.bernoulli(mg.full((4,), 0.5), generator=g).numpy(),
        mg.normal(0.0, 1.0, (3,), generator=g).numpy(),
        mg.rand_like(p, generator=g).numpy(),
        mg.randn_like(p, generator=g).numpy(),
        mg.randint_like(p, 5, generator=g).numpy(),
        nn.init.uniform_(mg.empty(3), generator=g).numpy(),
        nn.init.normal_(mg.empty(3), generator=g).numpy(),
        nn.init.kaiming_uniform_(mg.empty(2, 3), generator=g).numpy(),
        nn.Linear(3, 2, generator=g).weight.detach().numpy(),
        np.concatenate(
            [b[0].numpy() for b in DataLoader(TensorDataset(mg.arange(5)), 2, True, generator=g)]
        ),
    ]


def test_every_random_function_takes_a_generator() -> None:
    first = _draws(mg.Generator().manual_seed(11))
    again = _draws(mg.Generator().manual_seed(11))
    other = _draws(mg.Generator().manual_seed(12))
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, c) for a, c in zip(first, other))
    mg.manual_seed(11)
    np.testing.assert_array_equal(_draws(None)[0], first[0])  # the default generator


def test_generator_rejects_other_types() -> None:
    with pytest.raises(TypeError, match=r"minigrad\.Generator"):
        mg.rand(2, generator="seed")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Creation functions


def test_random_functions_have_pytorch_types_and_ranges() -> None:
    g = mg.Generator().manual_seed(0)
    r = mg.randint(3, 7, (200,), generator=g)
    assert r.dtype == np.int64 and r.numpy().min() >= 3 and r.numpy().max() <= 6
    assert mg.randint(5, (2, 2)).shape == (2, 2)
    assert mg.randint(0, 5, size=(3,), dtype=mg.int32).dtype == np.int32
    p = mg.randperm(10, generator=g)
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(10))
    b = mg.bernoulli(mg.tensor([0.0, 1.0, 0.0, 1.0]))
    assert b.tolist() == [0.0, 1.0, 0.0, 1.0] and b.dtype == np.float32
    n = mg.normal(mg.full((2, 1), 100.0), mg.ones(3) * 0.01, generator=g)
    assert n.shape == (2, 3) and np.all(np.abs(n.numpy() - 100) < 1)


def test_multinomial() -> None:
    g = mg.Generator().manual_seed(0)
    w = mg.tensor([[0.0, 1.0, 0.0, 3.0], [1.0, 1.0, 1.0, 1.0]])
    s = mg.multinomial(w, 2, generator=g)
    assert s.shape == (2, 2) and s.dtype == np.int64
    assert sorted(s[0].tolist()) == [1, 3]  # without replacement: both non-zero categories
    assert len(set(s[1].tolist())) == 2
    many = mg.multinomial(mg.tensor([1.0, 3.0]), 4000, replacement=True, generator=g)
    assert abs(many.numpy().mean() - 0.75) < 0.05
    with pytest.raises(RuntimeError, match="without replacement"):
        mg.multinomial(mg.tensor([1.0, 1.0]), 3)
    with pytest.raises(RuntimeError, match="not enough"):
        mg.multinomial(mg.tensor([1.0, 0.0]), 2)
    with pytest.raises(RuntimeError, match="< 0"):
        mg.multinomial(mg.tensor([1.0, -1.0]), 1)
    with pytest.raises(RuntimeError, match="sum"):
        mg.multinomial(mg.tensor([0.0, 0.0]), 1, replacement=True)


def test_ranges_and_fills() -> None:
    np.testing.assert_allclose(mg.linspace(-1, 1, 5).numpy(), np.linspace(-1, 1, 5))
    assert mg.linspace(0, 1, 3).dtype == np.float32
    np.testing.assert_allclose(mg.logspace(0, 3, 4).numpy(), [1, 10, 100, 1000])
    np.testing.assert_allclose(mg.logspace(0, 2, 3, base=2).numpy(), [1, 2, 4])
    assert mg.full((2,), 3).dtype == np.int64
    assert mg.full((2,), True).dtype == np.bool_
    assert mg.full((2,), 1.5).dtype == np.float32
    assert mg.empty(2, 3).shape == (2, 3) and mg.empty_like(mg.zeros(4)).shape == (4,)
    assert mg.arange(5).dtype == np.int64 and mg.arange(0, 1, 0.25).tolist() == [0, 0.25, 0.5, 0.75]


def test_from_numpy_and_as_tensor_share_memory() -> None:
    a = np.arange(4.0)
    t = mg.from_numpy(a)
    assert t.dtype == np.float64  # from_numpy keeps the dtype
    a[0] = 7
    assert t[0].item() == 7
    assert mg.as_tensor(a).numpy() is a or np.shares_memory(mg.as_tensor(a).numpy(), a)
    assert not np.shares_memory(mg.tensor(a).numpy(), a)
    assert mg.as_tensor(t) is t
    assert mg.as_tensor(a, dtype=mg.float32).dtype == np.float32
    with pytest.raises(TypeError, match="ndarray"):
        mg.from_numpy([1, 2])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Devices


def test_cpu_device_everywhere() -> None:
    cpu = mg.device("cpu")
    assert repr(cpu) == "device(type='cpu')" and str(cpu) == "cpu" and cpu.type == "cpu"
    assert mg.device("cpu:0").index == 0
    for make in (mg.zeros, mg.ones, mg.empty, mg.rand, mg.randn):
        assert make(2, device="cpu").shape == (2,)
        assert make(2, device=cpu).shape == (2,)
    assert mg.tensor([1.0], device=cpu).shape == (1,)
    assert mg.arange(3, device="cpu").shape == (3,)
    mg.set_default_device("cpu")
    assert mg.get_default_device() == cpu
    assert not mg.cuda.is_available() and mg.cuda.device_count() == 0
    assert not mg.backends.mps.is_available() and not mg.accelerator.is_available()
    assert mg.accelerator.current_accelerator() is None


@pytest.mark.parametrize("name", ["cuda", "cuda:0", "mps"])
def test_other_devices_say_minigrad_runs_on_the_cpu(name: str) -> None:
    with pytest.raises(RuntimeError, match="CPU with NumPy"):
        mg.device(name)
    with pytest.raises(RuntimeError, match="CPU with NumPy"):
        mg.zeros(2, device=name)
    with pytest.raises(RuntimeError, match="CPU with NumPy"):
        mg.set_default_device(name)
