"""Weight initialisation, as ``torch.nn.init``: fill a tensor's array in place and return it.

Every function takes ``generator=`` (a ``minigrad.Generator``, a ``numpy.random.Generator``
or an int seed); without
one it draws from minigrad's default generator, so ``minigrad.manual_seed`` makes runs repeat.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .._missing import missing_attribute
from ..grad_mode import no_grad
from ..random import GeneratorLike, as_generator
from ..tensor import Tensor

__all__ = [
    "calculate_gain",
    "constant_",
    "dirac_",
    "eye_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "orthogonal_",
    "sparse_",
    "trunc_normal_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]

_LINEAR_LIKE = {
    "linear",
    "identity",
    "sigmoid",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table).

    Args:
        nonlinearity: "linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu" (or a conv name).
        param: the negative slope for "leaky_relu" (default 0.01).

    Returns:
        The gain: 1 for linear/sigmoid, 5/3 for tanh, sqrt(2) for relu,
        sqrt(2 / (1 + slope^2)) for leaky_relu, 3/4 for selu.

    Raises:
        ValueError: for an unknown nonlinearity or a non-numeric slope.
    """
    if nonlinearity in _LINEAR_LIKE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, int | float) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain(): negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain(): unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field.

    A Linear weight is stored (out, in), so its fan_in is ``in_features``.
    """
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(
            f"fan in and fan out can not be computed for a tensor with fewer than 2 dimensions "
            f"(got shape {shape})"
        )
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode {mode!r} is not supported, use 'fan_in' or 'fan_out'")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _check_tensor(tensor: Any) -> None:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init: expected a Tensor, got {type(tensor).__name__}")


def _fill(tensor: Tensor, values: Any) -> Tensor:
    """Write ``values`` into the tensor's own array (cast to its dtype), outside any graph."""
    _check_tensor(tensor)
    with no_grad():
        tensor.copy_(values)  # into its own memory, moving its version counter
    return tensor


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: GeneratorLike = None
) -> Tensor:
    """Fill with samples from U(a, b); returns the tensor."""
    if a > b:
        raise ValueError(f"uniform_(): a={a} must not exceed b={b}")
    return _fill(tensor, as_generator(generator).uniform(a, b, size=tensor.shape))


def normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: GeneratorLike = None
) -> Tensor:
    """Fill with samples from N(mean, std^2); returns the tensor."""
    if std < 0:
        raise ValueError(f"normal_(): std={std} must be non-negative")
    return _fill(tensor, as_generator(generator).normal(mean, std, size=tensor.shape))


def trunc_normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    generator: GeneratorLike = None,
) -> Tensor:
    """Fill with samples from N(mean, std^2) truncated to [a, b] (absolute bounds, as in
    PyTorch: the default keeps values within two units of 0, not two standard deviations);
    returns the tensor.

    Exactly the truncated distribution, drawn by rejection: normal draws redrawn where they
    fall outside [a, b] while that is likely to end soon (at least 30% of the mass inside, as
    PyTorch), else uniform draws on [a, b] accepted with probability exp(-(z^2 - m^2) / 2),
    z standardised and m the point of [a, b] nearest the mean, so a bound far in a tail stays
    cheap. As PyTorch, warns when the mean is more than 2 std outside [a, b].
    """
    _check_tensor(tensor)
    if std < 0:
        raise ValueError(f"trunc_normal_(): std={std} must be non-negative")
    if a > b:
        raise ValueError(f"trunc_normal_(): a={a} must not exceed b={b}")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            stacklevel=2,
        )
    rng, n = as_generator(generator), tensor.numel()
    if std == 0 or a == b:
        return _fill(tensor, np.full(tensor.shape, min(max(mean, a), b)))
    lo, hi = (a - mean) / std, (b - mean) / std  # the bounds of z = (x - mean) / std
    mass = (math.erf(hi / math.sqrt(2)) - math.erf(lo / math.sqrt(2))) / 2
    z = np.empty(n)
    todo = np.arange(n)
    nearest = min(max(0.0, lo), hi)
    while todo.size:
        if mass > 0.3:
            draw = rng.standard_normal(todo.size)
            keep = (draw >= lo) & (draw <= hi)
        else:
            draw = rng.uniform(lo, hi, todo.size)
            keep = rng.uniform(size=todo.size) <= np.exp((nearest**2 - draw**2) / 2)
        z[todo[keep]] = draw[keep]
        todo = todo[~keep]
    # Cast to the tensor's dtype within [a, b] as that dtype rounds them (as PyTorch's bounds).
    bounds = np.array([a, b], dtype=tensor._data.dtype).astype(np.float64)
    return _fill(tensor, np.clip(mean + std * z, bounds[0], bounds[1]).reshape(tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``; returns the tensor."""
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros; returns the tensor."""
    return _fill(tensor, 0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones; returns the tensor."""
    return _fill(tensor, 1)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: GeneratorLike = None) -> Tensor:
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)); returns the tensor."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std  # a uniform on (-a, a) has standard deviation a / sqrt(3)
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: GeneratorLike = None) -> Tensor:
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: GeneratorLike = None,
) -> Tensor:
    """He uniform: U(-bound, bound), bound = gain * sqrt(3 / fan); returns the tensor.

    Args:
        tensor: the tensor to fill (at least 2-D).
        a: negative slope of the leaky ReLU that follows (used by the gain).
        mode: "fan_in" keeps the forward variance, "fan_out" the backward one.
        nonlinearity: passed to ``calculate_gain`` with ``a``.
        generator: a ``minigrad.Generator``, a NumPy generator or an int seed.

    ``Linear`` uses ``a=sqrt(5)``: gain sqrt(1/3), so the bound is 1/sqrt(fan_in).
    """
    if tensor.numel() == 0:
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: GeneratorLike = None,
) -> Tensor:
    """He normal: N(0, std^2), std = gain / sqrt(fan); returns the tensor."""
    if tensor.numel() == 0:
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix (ones on the diagonal); returns it."""
    if tensor.ndim != 2:
        raise ValueError(
            f"eye_(): Only tensors with 2 dimensions are supported, got {tensor.shape}"
        )
    return _fill(tensor, np.eye(tensor.shape[0], tensor.shape[1]))


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: GeneratorLike = None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix times ``gain``, drawn as PyTorch draws it.

    The tensor is seen as (shape[0], rest); its rows (or columns, whichever are fewer) are
    orthonormal: the Q of the QR decomposition of a standard normal matrix, with signs fixed
    by R's diagonal so the result is uniformly distributed.

    Raises:
        ValueError: for a tensor with fewer than 2 dimensions.
    """
    if tensor.ndim < 2:
        raise ValueError(
            f"orthogonal_(): Only tensors with 2 or more dimensions are supported, got shape "
            f"{tensor.shape}"
        )
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = as_generator(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (q * gain).reshape(tensor.shape))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D convolution weight with the Dirac delta, so the convolution passes
    its input through (channel i to output i, per group; the rest zero); returns it.

    Raises:
        ValueError: for another number of dimensions, or an output size not divisible by
            ``groups`` (PyTorch's words).
    """
    _check_tensor(tensor)
    if tensor.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    shape = tensor.shape
    if shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = shape[0] // groups
    weight = np.zeros(shape)
    centre = tuple(k // 2 for k in shape[2:])
    for g in range(groups):
        for d in range(min(per_group, shape[1])):
            index = (g * per_group + d, d, *centre)
            weight[index] = 1
    return _fill(tensor, weight)


def sparse_(
    tensor: Tensor, sparsity: float, std: float = 0.01, generator: GeneratorLike = None
) -> Tensor:
    """Fill a 2-D tensor with N(0, std^2) samples, then zero ``ceil(sparsity * rows)`` entries
    of each column, at rows drawn at random (Martens, 2010); returns it.

    Raises:
        ValueError: for a tensor that is not 2-D (PyTorch's words), or ``sparsity`` outside
            [0, 1].
    """
    _check_tensor(tensor)
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparse_(): sparsity={sparsity} must be in [0, 1]")
    rows, cols = tensor.shape
    rng = as_generator(generator)
    values = rng.normal(0.0, std, size=(rows, cols))
    zeros = math.ceil(sparsity * rows)
    for col in range(cols):
        values[rng.permutation(rows)[:zeros], col] = 0
    return _fill(tensor, values)


# A PyTorch name this module does not have: the error says so and points to the docs.
__getattr__ = missing_attribute("minigrad.nn.init", "torch.nn.init")


def _deprecated(init_: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """PyTorch's old name of ``init_`` (without the underscore): warns, then calls it."""
    new_name = init_.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args: Any, **kwargs: Any) -> Tensor:
        warnings.warn(
            f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.",
            FutureWarning,
            stacklevel=2,
        )
        return init_(*args, **kwargs)

    deprecated_init.__name__ = old_name
    deprecated_init.__doc__ = f"Deprecated: use ``{new_name}`` (as PyTorch, with a FutureWarning)."
    return deprecated_init


# The names of PyTorch before 0.4, still in it (older programs call them): they warn as there.
uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
sparse = _deprecated(sparse_)
