"""Making tensors: from data, filled, ranges and random (reproducible through a generator)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import DTypeLike, Tensor, _shape

_default_rng = np.random.default_rng()

Generator = np.random.Generator
GeneratorLike = np.random.Generator | int | None


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the default generator, so random tensors and initialisations repeat exactly."""
    global _default_rng
    _default_rng = np.random.default_rng(seed)
    return _default_rng


def default_generator() -> np.random.Generator:
    """The generator used when a function is given none."""
    return _default_rng


def as_generator(generator: GeneratorLike) -> np.random.Generator:
    """A NumPy generator from a generator, an int seed, or None (the default generator)."""
    if generator is None:
        return _default_rng
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, int | np.integer):
        return np.random.default_rng(int(generator))
    raise TypeError(
        f"generator must be a numpy.random.Generator, an int seed or None, "
        f"got {type(generator).__name__}"
    )


def _float_dtype(dtype: DTypeLike) -> np.dtype:
    return np.dtype(np.float32 if dtype is None else dtype)


def tensor(data: Any, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (floats become float32, ints int64)."""
    source = data._data if isinstance(data, Tensor) else data
    t = Tensor(source, dtype=dtype, requires_grad=requires_grad)
    if t._data is source or np.shares_memory(t._data, source):
        t._data = t._data.copy()
    return t


def zeros(*shape: Any, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros."""
    return Tensor(np.zeros(_shape(shape), _float_dtype(dtype)), requires_grad=requires_grad)


def ones(*shape: Any, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return Tensor(np.ones(_shape(shape), _float_dtype(dtype)), requires_grad=requires_grad)


def full(
    shape: Any, fill_value: float, dtype: DTypeLike = None, requires_grad: bool = False
) -> Tensor:
    """A tensor filled with ``fill_value``."""
    shp = (shape,) if isinstance(shape, int) else tuple(shape)
    return Tensor(np.full(shp, fill_value, _float_dtype(dtype)), requires_grad=requires_grad)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Evenly spaced values in [start, end): int64 for integer arguments, else float32."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        ints = all(isinstance(v, int) for v in (start, end, step))
        dtype = np.int64 if ints else np.float32
    return Tensor(np.arange(start, end, step, dtype=dtype), requires_grad=requires_grad)


def eye(
    n: int, m: int | None = None, dtype: DTypeLike = None, requires_grad: bool = False
) -> Tensor:
    """The identity matrix (n x m)."""
    return Tensor(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad=requires_grad)


def rand(
    *shape: Any,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples in [0, 1)."""
    data = as_generator(generator).random(_shape(shape)).astype(_float_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


def randn(
    *shape: Any,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples."""
    data = as_generator(generator).standard_normal(_shape(shape)).astype(_float_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


def _like(t: Any, dtype: DTypeLike) -> tuple[tuple[int, ...], np.dtype]:
    arr = t._data if isinstance(t, Tensor) else np.asarray(t)
    return arr.shape, np.dtype(arr.dtype if dtype is None else dtype)


def zeros_like(t: Any, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape and dtype of ``t``."""
    shape, dt = _like(t, dtype)
    return Tensor(np.zeros(shape, dt), requires_grad=requires_grad)


def ones_like(t: Any, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape and dtype of ``t``."""
    shape, dt = _like(t, dtype)
    return Tensor(np.ones(shape, dt), requires_grad=requires_grad)


def full_like(
    t: Any, fill_value: float, dtype: DTypeLike = None, requires_grad: bool = False
) -> Tensor:
    """``fill_value`` everywhere, with the shape and dtype of ``t``."""
    shape, dt = _like(t, dtype)
    return Tensor(np.full(shape, fill_value, dt), requires_grad=requires_grad)


def rand_like(
    t: Any, generator: GeneratorLike = None, dtype: DTypeLike = None, requires_grad: bool = False
) -> Tensor:
    """Uniform samples with the shape and dtype of ``t``."""
    shape, dt = _like(t, dtype)
    return Tensor(as_generator(generator).random(shape).astype(dt), requires_grad=requires_grad)


def randn_like(
    t: Any, generator: GeneratorLike = None, dtype: DTypeLike = None, requires_grad: bool = False
) -> Tensor:
    """Standard normal samples with the shape and dtype of ``t``."""
    shape, dt = _like(t, dtype)
    data = as_generator(generator).standard_normal(shape).astype(dt)
    return Tensor(data, requires_grad=requires_grad)
