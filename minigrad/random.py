"""Random number generators: PyTorch's ``Generator`` over NumPy's PCG64 bit generator.

Every function that draws random numbers (``rand``, ``randn``, ``randint``, ``nn.init``, data
shuffling, dropout) takes ``generator=`` and resolves it with ``as_generator``: a
``minigrad.Generator``, a ``numpy.random.Generator``, an int seed, or None for the default
generator (reseeded by ``minigrad.manual_seed``). The streams are NumPy's, so the same seed
gives different numbers than PyTorch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .device import as_device
from .inplace import Random
from .tensor import Tensor, _new_tensor

__all__ = [
    "Generator",
    "GeneratorLike",
    "as_generator",
    "default_generator",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
]

_MASK64 = (1 << 64) - 1
_STATE_BYTES = 40  # PCG64: 128-bit state, 128-bit increment, has_uint32, uinteger


class Generator:
    """A random number generator with PyTorch's interface (``torch.Generator``).

    Args:
        device: only "cpu" (minigrad computes on the CPU with NumPy).

    The numbers come from NumPy's PCG64: the same seed gives the same numbers in minigrad
    every time, but not the numbers PyTorch draws.
    """

    __slots__ = ("_initial_seed", "_rng", "device")

    def __init__(self, device: Any = "cpu") -> None:
        self.device = as_device(device)
        self._initial_seed = 67280421310721  # PyTorch's default seed
        self._rng = np.random.default_rng(self._initial_seed)

    def manual_seed(self, seed: int) -> Generator:
        """Reseed; returns this generator (so ``Generator().manual_seed(0)`` chains)."""
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
            raise TypeError(f"manual_seed(): seed must be an int, got {type(seed).__name__}")
        # PyTorch accepts negative seeds and seeds up to 2**64 - 1: fold them into that range.
        self._initial_seed = int(seed) & _MASK64
        self._rng = np.random.default_rng(self._initial_seed)
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy; returns the new seed."""
        new = int(np.random.SeedSequence().entropy) & _MASK64  # type: ignore[arg-type]
        self.manual_seed(new)
        return new

    def initial_seed(self) -> int:
        """The seed this generator was last seeded with."""
        return self._initial_seed

    def get_state(self) -> Tensor:
        """The generator's state as a uint8 tensor (give it back to ``set_state``)."""
        s = self._rng.bit_generator.state
        raw = (
            int(s["state"]["state"]).to_bytes(16, "little")
            + int(s["state"]["inc"]).to_bytes(16, "little")
            + int(s["has_uint32"]).to_bytes(4, "little")
            + int(s["uinteger"]).to_bytes(4, "little")
        )
        return _new_tensor(np.frombuffer(raw, dtype=np.uint8).copy(), None)

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from ``get_state``; returns this generator."""
        arr = np.asarray(new_state._data if isinstance(new_state, Tensor) else new_state)
        if arr.dtype != np.uint8 or arr.shape != (_STATE_BYTES,):
            raise RuntimeError(
                f"set_state(): expected the uint8 tensor of {_STATE_BYTES} bytes that "
                f"get_state() returns, got dtype {arr.dtype} and shape {arr.shape}"
            )
        raw = arr.tobytes()
        bits = np.random.PCG64()
        bits.state = {
            "bit_generator": "PCG64",
            "state": {
                "state": int.from_bytes(raw[:16], "little"),
                "inc": int.from_bytes(raw[16:32], "little"),
            },
            "has_uint32": int.from_bytes(raw[32:36], "little"),
            "uinteger": int.from_bytes(raw[36:40], "little"),
        }
        self._rng = np.random.Generator(bits)
        return self

    def __repr__(self) -> str:
        return f"<minigrad.Generator object, device='{self.device}'>"


GeneratorLike = Generator | np.random.Generator | int | None

default_generator = Generator()
"""The generator used when a random function is given none (``torch.default_generator``)."""
default_generator.seed()  # as PyTorch: runs differ until the program calls manual_seed


def manual_seed(seed: int) -> Generator:
    """Reseed the default generator, so random tensors and initialisations repeat exactly.

    Returns:
        The default generator (``minigrad.default_generator``), as PyTorch does.
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Reseed the default generator from the operating system's entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed of the default generator."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state, as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default generator's state from ``get_rng_state``."""
    default_generator.set_state(new_state)


def as_generator(generator: GeneratorLike, where: str = "generator") -> np.random.Generator:
    """The NumPy generator to draw from: the one behind ``generator``, or the default one.

    Args:
        generator: a ``minigrad.Generator``, a ``numpy.random.Generator`` (used as it is), an
            int seed (a fresh generator seeded with it) or None (the default generator).
        where: the function asking, for the error message.

    Raises:
        TypeError: for anything else.
    """
    if generator is None:
        return default_generator._rng
    if isinstance(generator, Generator):
        return generator._rng
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, int | np.integer) and not isinstance(generator, bool):
        return np.random.default_rng(int(generator))
    raise TypeError(
        f"{where}: generator must be a minigrad.Generator, a numpy.random.Generator, an int "
        f"seed or None, got {type(generator).__name__}"
    )


Random.generator = as_generator  # Tensor.normal_/uniform_ draw from the same generators
