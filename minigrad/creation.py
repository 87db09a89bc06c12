"""Making tensors: from data, filled, ranges and random (reproducible through a generator).

Every function takes PyTorch's keywords: ``dtype`` (float ones default to
``get_default_dtype()``), ``device`` (only the CPU) and ``requires_grad``; the random ones take
``generator=`` (see ``minigrad.random``).
"""

from __future__ import annotations

import functools
import inspect
import math
import os
import sys
import warnings
from collections.abc import Callable
from fractions import Fraction
from typing import Any, TypeVar

import numpy as np

from . import versions
from .device import as_device
from .dtypes import (
    c_cast,
    checked_fill,
    checked_number,
    default_float,
    not_implemented_for,
    torch_name,
)
from .grad_mode import _grad_enabled
from .random import (
    Generator,
    GeneratorLike,
    as_generator,
    default_generator,
    manual_seed,
)
from .sampling import bernoulli_draws, multinomial_draws
from .tensor import Tensor, _new_tensor, as_tensor, from_data
from .validation import DTypeLike, _shape, new_shape, sizes_given

__all__ = [
    "Generator",
    "arange",
    "as_tensor",
    "bernoulli",
    "default_generator",
    "empty",
    "empty_like",
    "eye",
    "from_numpy",
    "full",
    "full_like",
    "linspace",
    "logspace",
    "manual_seed",
    "multinomial",
    "normal",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "randperm",
    "tensor",
    "tril_indices",
    "triu_indices",
    "zeros",
    "zeros_like",
]


def _float_dtype(dtype: DTypeLike) -> np.dtype:
    return default_float() if dtype is None else np.dtype(dtype)


def _random_floats(dtype: np.dtype, where: str) -> np.dtype:
    """``dtype``, checked: floats drawn into integers would all truncate to 0 (PyTorch raises)."""
    if dtype.kind != "f":
        raise NotImplementedError(
            f"{where}: random floats are not implemented for dtype {dtype}; ask for a floating "
            "dtype (randint() draws integers)"
        )
    return dtype


def _made(data: np.ndarray, device: Any, requires_grad: bool) -> Tensor:
    as_device(device)  # only the CPU: anything else raises before a tensor is made
    return from_data(data, None, requires_grad)


_Factory = TypeVar("_Factory", bound=Callable[..., Tensor])


def _takes_out(factory: _Factory) -> _Factory:
    """PyTorch's ``out=`` on a creation function (``torch.rand(2, 2, out=c)``, as the Tensors
    chapter of the YouTube series writes it): the values are made in ``out``'s dtype (unless
    ``dtype`` is given, which must then be it) and written into ``out``, which is returned.

    As PyTorch: an ``out`` of another shape is resized when it owns its memory (a view of
    another tensor is refused: minigrad cannot resize a view); an ``out`` that requires grad is
    refused while grad mode is on; ``requires_grad=True`` sets it on ``out``. Everything is
    checked and the values made before ``out`` changes.
    """
    name = factory.__name__

    @functools.wraps(factory)
    def with_out(*args: Any, out: Tensor | None = None, **kwargs: Any) -> Tensor:
        if out is None:
            return factory(*args, **kwargs)
        if not isinstance(out, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
        want = out._data.dtype
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = want
        elif np.dtype(kwargs["dtype"]) != want:
            raise RuntimeError(
                f"dtype {torch_name(np.dtype(kwargs['dtype']))} does not match dtype of out "
                f"parameter ({torch_name(want)})"
            )
        if _grad_enabled.get() and out.requires_grad:
            raise RuntimeError(
                f"{name}(): functions with out=... arguments don't support automatic "
                "differentiation, but one of the arguments requires grad."
            )
        requires_grad = kwargs.pop("requires_grad", False)
        values = factory(*args, **kwargs)._data
        if values.shape != out._data.shape and out._base is not None:
            raise RuntimeError(
                f"{name}(): out= has shape {list(out.shape)}, a view of another tensor, but the "
                f"result has shape {list(values.shape)}; minigrad cannot resize a view: pass an "
                "out of the result's shape, or use the returned tensor"
            )
        if not out._data.flags.writeable:
            raise RuntimeError(
                f"{name}(): out= refers to memory shared by several elements (made by "
                "expand()); clone() it first"
            )
        if values.shape != out._data.shape:
            out._data = np.empty(values.shape, dtype=want)
        np.copyto(out._data, values, casting="unsafe")
        versions.bump(out._data)
        if requires_grad:
            out.requires_grad_(True)
        return out

    signature = inspect.signature(factory)
    parameters = list(signature.parameters.values())
    at = next(i for i, p in enumerate(parameters) if p.name == "dtype")
    parameters.insert(
        at,
        inspect.Parameter(
            "out", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="Tensor | None"
        ),
    )
    with_out.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return with_out  # type: ignore[return-value]


def tensor(
    data: Any, dtype: DTypeLike = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A new tensor holding a copy of ``data`` (floats become the default dtype, ints int64).

    An array's copy keeps the order of its dims in memory, as PyTorch's: ``tensor(a.T)`` has
    ``a.T``'s strides and is not contiguous; a sliced C-ordered array's copy is C-ordered, and
    so is a broadcast one's.

    A tensor as ``data`` is copied and detached, with PyTorch's warning that
    ``data.detach().clone()`` says so.
    """
    as_device(device)
    if isinstance(data, Tensor):
        _warn_copy_construct()
    source = data._data if isinstance(data, Tensor) else data
    t = from_data(source, dtype, requires_grad)
    a = t._data
    strides = getattr(source, "strides", ())
    broadcast = any(s == 0 and n > 1 for s, n in zip(strides, a.shape))  # (NumPy's "K" skews)
    if broadcast or a is source or np.shares_memory(a, source):
        t._data = a.copy(order="C" if broadcast else "K")
    return t


def _warn_copy_construct() -> None:
    """PyTorch's UserWarning for ``tensor(a_tensor)``, pointing at the user's call; not given
    when minigrad itself makes a tensor of a tensor."""
    package = os.path.dirname(__file__)
    frame: Any = sys._getframe(2)  # the caller of tensor()
    if frame is not None and frame.f_code.co_filename.startswith(package):
        return
    warnings.warn(
        "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
        "or sourceTensor.detach().clone().requires_grad_(True), rather than "
        "torch.tensor(sourceTensor).",
        UserWarning,
        stacklevel=3,
    )


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray``: writes to one show in the other; keeps dtype."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy(): expected np.ndarray (got {type(ndarray).__name__})")
    return from_data(ndarray)


@_takes_out
def zeros(
    *sizes: Any,
    size: Any = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of zeros."""
    shape = new_shape(
        _shape(sizes_given(sizes, size, "zeros", required=True)),
        "zeros()",
        "zeros: Dimension size must be non-negative.",  # PyTorch's words for zeros alone
    )
    return _made(np.zeros(shape, _float_dtype(dtype)), device, requires_grad)


@_takes_out
def ones(
    *sizes: Any,
    size: Any = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of ones."""
    shape = new_shape(_shape(sizes_given(sizes, size, "ones", required=True)), "ones()")
    return _made(np.ones(shape, _float_dtype(dtype)), device, requires_grad)


@_takes_out
def empty(
    *sizes: Any,
    size: Any = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor whose values are not set (fill it before reading)."""
    shape = new_shape(_shape(sizes_given(sizes, size, "empty", required=True)), "empty()")
    return _made(np.empty(shape, _float_dtype(dtype)), device, requires_grad)


def _fill_dtype(fill_value: Any, dtype: DTypeLike) -> np.dtype:
    """PyTorch's ``full``: the fill value's kind decides the dtype unless one is given."""
    if dtype is not None:
        return np.dtype(dtype)
    if isinstance(fill_value, bool | np.bool_):
        return np.dtype(np.bool_)
    if isinstance(fill_value, int | np.integer):
        return np.dtype(np.int64)
    return default_float()


@_takes_out
def full(
    size: Any,
    fill_value: Any,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor filled with ``fill_value`` (int64 for an int, bool for a bool, else float).
    ``size`` is a tuple, list or Size, as PyTorch's (``full(2, v)`` is refused)."""
    if not isinstance(size, tuple | list):
        raise TypeError(
            "full(): argument 'size' (position 1) must be tuple of ints, not "
            f"{type(size).__name__} (give a shape: full((2, 3), value))"
        )
    shp = new_shape(tuple(size), "full()")
    dt = _fill_dtype(fill_value, dtype)
    return _made(np.full(shp, checked_fill(fill_value, dt, "full"), dt), device, requires_grad)


@_takes_out
def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Evenly spaced values in [start, end): int64 for integer arguments, else the default.

    In an integer dtype, as PyTorch, start and step are truncated to integers first
    (``arange(1, 4, 0.5, dtype=int8)`` is six 1s: the count comes from the arguments as given,
    the values from the truncated ones; int64 counts with the truncated ones too).
    """
    names = ("end",) if end is None else ("start", "end", "step")
    for name, v in zip(names, (start, end, step)):
        _check_number(v, name)
    if end is None:
        start, end = 0, start
    if dtype is None:
        ints = all(isinstance(v, int) for v in (start, end, step))
        dtype = np.int64 if ints else default_float()
    dt = np.dtype(dtype)
    if dt.kind in "biu":
        return _made(_integer_arange(start, end, step, dt), device, requires_grad)
    _check_range(start, end, step)
    # The count in float64 first, as PyTorch: a float32 step would drift over long ranges.
    n = max(math.ceil((float(end) - float(start)) / float(step)), 0)
    values = float(start) + np.arange(n, dtype=np.float64) * float(step)
    return _made(values.astype(dt, copy=False), device, requires_grad)


def _check_number(v: Any, name: str) -> None:
    """PyTorch's TypeError for an arange bound or step that is not a number (a string such as
    "3" would otherwise be read as one)."""
    if isinstance(v, str | bytes) or v is None:
        raise TypeError(
            f"arange(): argument '{name}' must be Number, not {type(v).__name__} (give a "
            "number: arange(3), arange(0, 3, 0.5))"
        )


def _check_range(start: Any, end: Any, step: Any) -> None:
    """PyTorch's refusals of an arange: a zero step, an infinite bound, a step going away."""
    fs, fe, fst = float(start), float(end), float(step)
    if fst == 0:
        raise RuntimeError("step must be nonzero (arange(): give a nonzero step)")
    if not (math.isfinite(fs) and math.isfinite(fe)):
        raise RuntimeError(f"unsupported range: {start} -> {end} (arange(): bounds must be finite)")
    if not ((fst > 0 and fe >= fs) or (fst < 0 and fe <= fs)):
        raise RuntimeError(
            f"upper bound and lower bound inconsistent with step sign (arange(): from {start} "
            f"to {end} by {step} never arrives; for a decreasing range give a negative step)"
        )


def _integer_arange(start: Any, end: Any, step: Any, dt: np.dtype) -> np.ndarray:
    """PyTorch's arange in an integer dtype: start, end and step truncated to int64 (refused if
    they do not fit), the values start + step * i in int64, then cast (wrapping around)."""
    if dt.kind == "b":
        raise not_implemented_for(
            "arange_cpu",
            bool,
            "arange(): ask for an integer dtype and compare, e.g. arange(5) > 2, for bools",
        )
    i64 = np.dtype(np.int64)
    xs, xe, xst = (int(checked_number(v, i64, "arange")) for v in (start, end, step))
    if dt == i64:
        if xst == 0 and float(step) != 0:
            raise ValueError(
                f"step must be nonzero (arange(): the step {step!r} is 0 as an int64; give a "
                "float dtype for a fractional step)"
            )
        _check_range(start, end, step)
        sign = 1 if xst > 0 else -1
        span = xe - xs + xst - sign
        n = abs(span) // abs(xst) * (1 if (span >= 0) == (xst > 0) else -1)  # (C's division)
    else:
        _check_range(start, end, step)
        n = math.ceil((float(end) - float(start)) / float(step))
    return (xs + xst * np.arange(max(n, 0), dtype=np.int64)).astype(dt)


def _steps(steps: Any, fn: str) -> int:
    """``steps`` of linspace/logspace: an int, PyTorch's TypeError otherwise (a float count
    is refused, not rounded)."""
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
        raise TypeError(
            f"{fn}() received an invalid combination of arguments - got steps of type "
            f"{type(steps).__name__}, but expected (int steps) ({fn}(): give a whole number of "
            f"points, e.g. {fn}(0, 1, 3))"
        )
    return int(steps)


@_takes_out
def linspace(
    start: float,
    end: float,
    steps: int,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` values evenly spaced from ``start`` to ``end``, both included.

    In an integer dtype, as PyTorch, start and end are truncated to it first (refused if they
    do not fit), and the points computed from both ends, truncated: ``linspace(0, 10, 4,
    dtype=int64)`` is [0, 3, 6, 10]. PyTorch refuses bool.
    """
    if _steps(steps, "linspace") < 0:
        raise RuntimeError(f"linspace(): number of steps must be non-negative, got {steps!r}")
    dt, n = _float_dtype(dtype), int(steps)
    if dt.kind in "biu" and n:
        s, e = _integer_ends(start, end, n, dt, "linspace")
        data = np.full(1, s, dt) if n == 1 else c_cast(_integer_points(s, e, n), dt)
    else:
        data = np.linspace(float(start), float(end), n).astype(dt)
    return _made(data, device, requires_grad)


@_takes_out
def logspace(
    start: float,
    end: float,
    steps: int,
    base: float = 10.0,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` values from ``base ** start`` to ``base ** end``, evenly spaced in the exponent.

    In an integer dtype, as PyTorch: start and end truncated to it first, the exponents spaced
    between them, each power truncated (``logspace(-1.5, 2.5, 3, dtype=int64)`` is [0, 3,
    100]); a power beyond the dtype wraps around as PyTorch's does on x86 CPUs.
    """
    if _steps(steps, "logspace") < 0:
        raise RuntimeError(f"logspace(): number of steps must be non-negative, got {steps!r}")
    dt, n = _float_dtype(dtype), int(steps)
    if dt.kind in "biu" and n == 1:  # (PyTorch fills with the power, checked)
        data = np.full(1, checked_number(_pow(float(base), float(start)), dt, "logspace"), dt)
    elif dt.kind in "biu" and n:
        s, e = _integer_ends(start, end, n, dt, "logspace")
        step = float(e - s) / (n - 1)
        i = np.arange(n)
        exps = np.where(i < n // 2, s + step * i, e - step * (n - 1 - i))
        b = float(np.float32(base))  # (PyTorch's integer kernel takes the base as a float)
        data = c_cast(np.array([_pow(b, x) for x in exps.tolist()]), dt)
    else:
        exps = np.linspace(float(start), float(end), n)
        data = np.power(float(base), exps).astype(dt)
    return _made(data, device, requires_grad)


def _integer_ends(start: Any, end: Any, steps: int, dt: np.dtype, where: str) -> tuple[int, int]:
    """linspace's and logspace's ends in an integer dtype, as PyTorch casts them (checked)."""
    if dt.kind == "b" and steps > 1:
        raise not_implemented_for(
            f"{where}_cpu", bool, f"{where}(): ask for a number dtype and compare for bools"
        )
    return checked_number(start, dt, where).item(), checked_number(end, dt, where).item()


def _integer_points(s: int, e: int, steps: int) -> np.ndarray:
    """PyTorch's integer linspace before truncation: s + step * i for the first half, e - step *
    (steps - 1 - i) for the rest, each rounded once as the fused multiply-add of its compiled
    kernel rounds it (a product rounded first can land on the integer below: -1 becomes -2)."""
    step = (float(e) - float(s)) / (steps - 1)
    i = np.arange(steps)
    first = i < steps // 2
    points = np.where(first, s + step * i, e - step * (steps - 1 - i))
    slack = 4 * np.spacing(np.abs(step) * steps + abs(s) + abs(e))  # (the terms' rounding)
    near = np.flatnonzero(np.abs(points - np.round(points)) <= slack)
    exact = Fraction(step)
    for k in near.tolist():  # (only points next to an integer: there truncation can differ)
        points[k] = float(s + exact * k if first[k] else e - exact * (steps - 1 - k))
    return points


def _pow(base: float, x: float) -> float:
    """C's pow (libm, as PyTorch calls it; NumPy's power can differ in the last bit)."""
    try:
        return math.pow(base, x)
    except OverflowError:
        return math.inf
    except ValueError:  # (a negative base to a fractional power)
        return math.nan


@_takes_out
def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The identity matrix (n x m)."""
    for name, k in (("n", n), ("m", m)):
        if isinstance(k, int) and k < 0:  # (NumPy's error names neither the call nor the size)
            raise RuntimeError(f"{name} must be greater or equal to 0, got {k} (eye(): n x m)")
    return _made(np.eye(n, m, dtype=_float_dtype(dtype)), device, requires_grad)


def tril_indices(
    row: int, col: int, offset: int = 0, *, dtype: DTypeLike = None, device: Any = None
) -> Tensor:
    """The (row, column) positions of a ``row`` x ``col`` matrix's lower triangle (on and below
    diagonal ``offset``) as a 2 x N int64 tensor, row by row: ``x[tuple(tril_indices(...))]``."""
    return _triangle_indices(np.tril_indices, row, col, offset, dtype, device)


def triu_indices(
    row: int, col: int, offset: int = 0, *, dtype: DTypeLike = None, device: Any = None
) -> Tensor:
    """The positions of the upper triangle (on and above diagonal ``offset``), as
    ``tril_indices``."""
    return _triangle_indices(np.triu_indices, row, col, offset, dtype, device)


def _triangle_indices(
    which: Any, row: int, col: int, offset: int, dtype: DTypeLike, device: Any
) -> Tensor:
    for name, n in (("row", row), ("col", col)):
        if n < 0:
            raise RuntimeError(f"{name} must be non-negative, got{n}")
    rows, cols = which(row, offset, col)
    data = np.stack([rows, cols]).astype(np.int64 if dtype is None else np.dtype(dtype))
    return _made(data.reshape(2, -1), device, False)


# ---------------------------------------------------------------------------------------------
# Random


@_takes_out
def rand(
    *sizes: Any,
    size: Any = None,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples in [0, 1)."""
    dt = _random_floats(_float_dtype(dtype), "rand()")
    shape = new_shape(_shape(sizes_given(sizes, size, "rand", required=True)), "rand()")
    data = as_generator(generator, "rand()").random(shape)
    return _made(data.astype(dt), device, requires_grad)


@_takes_out
def randn(
    *sizes: Any,
    size: Any = None,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples."""
    dt = _random_floats(_float_dtype(dtype), "randn()")
    shape = new_shape(_shape(sizes_given(sizes, size, "randn", required=True)), "randn()")
    data = as_generator(generator, "randn()").standard_normal(shape)
    return _made(data.astype(dt), device, requires_grad)


@_takes_out
def randint(
    *args: Any,
    size: Any = None,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``.

    int64 unless ``dtype`` says otherwise, as PyTorch.
    """
    if size is None and args:
        args, size = args[:-1], args[-1]
    if size is None or len(args) not in (1, 2):
        raise TypeError("randint(): expected randint(high, size) or randint(low, high, size)")
    if not isinstance(size, tuple | list):  # (randint(0, 5) is not 5 draws below 0)
        raise TypeError(
            f"randint(): argument 'size' (position {len(args) + 1}) must be tuple of ints, not "
            f"{type(size).__name__} (give the size as a tuple: randint(0, 5, (3,)) draws three "
            "ints in [0, 5))"
        )
    low, high = (0, args[0]) if len(args) == 1 else args
    if not low < high:
        raise RuntimeError(f"randint(): expected low < high, got low={low}, high={high}")
    shape = new_shape((size,) if isinstance(size, int) else tuple(size), "randint()")
    data = as_generator(generator, "randint()").integers(low, high, shape)
    return _made(data.astype(np.int64 if dtype is None else dtype), device, requires_grad)


@_takes_out
def randperm(
    n: int,
    *,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A random permutation of 0 .. n-1 (int64)."""
    if n < 0:
        raise RuntimeError(f"randperm(): n must be non-negative, got {n}")
    data = as_generator(generator, "randperm()").permutation(int(n))
    return _made(data.astype(np.int64 if dtype is None else dtype), device, requires_grad)


def multinomial(
    input: Any,
    num_samples: int,
    replacement: bool = False,
    *,
    generator: GeneratorLike = None,
) -> Tensor:
    """Draw ``num_samples`` category indices per row, with probability proportional to
    ``input`` (a 1-D or 2-D tensor of non-negative weights); int64.

    Without replacement, more samples than positive weights (but no more than categories)
    give, as PyTorch's kernel does, every index of positive weight first, then indices of
    weight 0 (in ascending order; PyTorch's order among them is its top-k's).

    Raises:
        RuntimeError: for negative, non-finite or all-zero weights, or more samples than
            categories when ``replacement`` is False.
    """
    rng = as_generator(generator, "multinomial()")
    return _new_tensor(multinomial_draws(input, num_samples, replacement, rng), None)


def bernoulli(input: Any, p: Any = None, *, generator: GeneratorLike = None) -> Tensor:
    """1 with probability ``input`` (elementwise), else 0; same dtype as ``input``. With a
    number ``p``, every element of ``input``'s shape is drawn with probability ``p``."""
    rng = as_generator(generator, "bernoulli()")
    return _new_tensor(bernoulli_draws(input, rng, p), None)


@_takes_out
def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Normal samples: ``normal(mean, std)`` with tensors (broadcast) or numbers and ``size``.

    As PyTorch, samples do not carry gradient back to ``mean`` or ``std``.
    """
    as_device(device)
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    tensors = [a for a in (m, s) if isinstance(a, np.ndarray)]
    if np.any(np.asarray(s) < 0):
        raise RuntimeError("normal(): expected all std values to be >= 0")
    if tensors:
        if size is not None:
            raise TypeError("normal(): give size only when mean and std are numbers")
        shape = np.broadcast_shapes(*(np.shape(a) for a in (m, s)))
        dt = np.result_type(*tensors) if dtype is None else np.dtype(dtype)
    else:
        if size is None:
            raise TypeError("normal(): with numbers for mean and std, size is required")
        shape = _shape((size,) if isinstance(size, int) else tuple(size))
        dt = _float_dtype(dtype)
    dt = _random_floats(dt, "normal()")
    data = as_generator(generator, "normal()").normal(m, s, shape).astype(dt)
    return from_data(data, None, requires_grad)


# ---------------------------------------------------------------------------------------------
# Shaped like another tensor


def _like(t: Any, dtype: DTypeLike) -> tuple[tuple[int, ...], np.dtype]:
    arr = t._data if isinstance(t, Tensor) else np.asarray(t)
    return arr.shape, np.dtype(arr.dtype if dtype is None else dtype)


def zeros_like(
    input: Any, *, dtype: DTypeLike = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Zeros with the shape and dtype of ``input``."""
    shape, dt = _like(input, dtype)
    return _made(np.zeros(shape, dt), device, requires_grad)


def ones_like(
    input: Any, *, dtype: DTypeLike = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Ones with the shape and dtype of ``input``."""
    shape, dt = _like(input, dtype)
    return _made(np.ones(shape, dt), device, requires_grad)


def empty_like(
    input: Any, *, dtype: DTypeLike = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Unset values with the shape and dtype of ``input``."""
    shape, dt = _like(input, dtype)
    return _made(np.empty(shape, dt), device, requires_grad)


def full_like(
    input: Any,
    fill_value: Any,
    *,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` everywhere, with the shape and dtype of ``input``."""
    shape, dt = _like(input, dtype)
    data = np.full(shape, checked_fill(fill_value, dt, "full_like"), dt)
    return _made(data, device, requires_grad)


def rand_like(
    input: Any,
    *,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples with the shape and dtype of ``input``."""
    shape, dt = _like(input, dtype)
    return rand(*shape, generator=generator, dtype=dt, device=device, requires_grad=requires_grad)


def randn_like(
    input: Any,
    *,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples with the shape and dtype of ``input``."""
    shape, dt = _like(input, dtype)
    return randn(*shape, generator=generator, dtype=dt, device=device, requires_grad=requires_grad)


def randint_like(
    input: Any,
    *args: int,
    generator: GeneratorLike = None,
    dtype: DTypeLike = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Integers in [low, high) with the shape and dtype of ``input``:
    ``randint_like(x, high)`` or ``randint_like(x, low, high)``."""
    shape, dt = _like(input, dtype)
    return randint(
        *args, shape, generator=generator, dtype=dt, device=device, requires_grad=requires_grad
    )
