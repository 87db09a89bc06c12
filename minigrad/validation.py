"""Input checks and conversions for the Tensor and its methods: user data to arrays, index and
shape arguments, and the errors that name the op, the argument and the fix.

Below ``tensor.py``, so it knows no Tensor class: as the engine, it treats anything with a
``._data`` array as a tensor.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .dims import wrap_dim, wrap_dims
from .dtypes import (
    checked_number,
    default_float,
    not_implemented_for,
    not_implemented_words,
    result_np,
    to_dtype,
    torch_name,
)
from .grad_mode import _grad_enabled

DTypeLike = Any


class ShapeError(RuntimeError, ValueError):
    """A shape mismatch, raised in PyTorch's words and of its type (``RuntimeError``).

    Also a ``ValueError``: minigrad raised ValueError for these before it followed PyTorch, and
    code written then (``except ValueError``) keeps catching them.
    """


class ArgumentError(RuntimeError, ValueError):
    """An argument value PyTorch refuses with a ``RuntimeError`` (a negative ``beta``, a
    ``label_smoothing`` above 1, a probability outside [0, 1]), raised in its words and of its
    type.

    Also a ``ValueError``: minigrad raised ValueError for these before it followed PyTorch, and
    code written then (``except ValueError``) keeps catching them.
    """


class DtypeError(RuntimeError, TypeError):
    """A tensor of a dtype PyTorch refuses with a ``RuntimeError`` (float class labels, int32
    indices where int64 is needed), raised in its words and of its type.

    Also a ``TypeError``: what minigrad raised for these before, still caught by
    ``except TypeError``.
    """


class RangeError(IndexError, RuntimeError):
    """An index or a dim out of range where PyTorch's type depends on the op and the dim:
    ``index_select`` raises ``IndexError`` along dim 0 and ``RuntimeError`` along the others;
    ``baddbmm`` and ``mv`` look up a size their operand does not have (``IndexError``) before
    they check its rank. Raised in PyTorch's words; both types, so ``except IndexError`` and
    ``except RuntimeError`` both catch it, whichever PyTorch raises there.
    """


class ValueRangeError(ValueError, TypeError):
    """A Python int PyTorch cannot read into a tensor (beyond int64: its ``ValueError``
    "Overflow when unpacking long long"), raised in its words and of its type.

    Also a ``TypeError``: what minigrad raised for it before, still caught by
    ``except TypeError``.
    """


def looked_up_size(t: Any, d: int, fn: str, name: str, fix: str) -> int:
    """The size of ``t`` (the argument ``name`` of ``fn``) along ``d``, read as PyTorch's
    kernels read it before they check the rank (``baddbmm`` reads ``batch1.size(1)``): a dim
    ``t`` does not have is its IndexError, in its words then ``fix``."""
    n = t._data.ndim
    if d < n:
        return int(t._data.shape[d])
    if not n:
        msg = f"Dimension specified as {d} but tensor has no dimensions"
    else:
        msg = f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})"
    raise RangeError(f"{msg} ({fn}(): {name} of shape {t._data.shape}: {fix})")


def _raw(x: Any) -> Any:
    """The array behind a tensor; anything else as it is."""
    return x._data if hasattr(x, "_data") else x


def _as_array(data: Any, dtype: DTypeLike = None) -> np.ndarray:
    """Convert user data as PyTorch does: Python floats become the default dtype (float32),
    ints int64, arrays keep their dtype.

    Only real numbers (bool, integer, floating point) are accepted: strings, None, objects,
    complex numbers and ragged nested lists are refused here, naming the bad element.
    """
    data = _raw(data)
    try:
        arr = np.asarray(data)
    except (ValueError, TypeError):  # ragged nested lists
        raise _refusal(data, given=dtype is not None) from None
    if arr.dtype.kind not in "biuf":
        raise _refusal(data, arr.dtype, given=dtype is not None)
    if dtype is not None:
        if not isinstance(data, np.ndarray | np.generic):  # (an array is cast, as by PyTorch)
            _check_fits(arr, np.dtype(to_dtype(dtype)))
        with np.errstate(over="ignore"):  # a float beyond float32's range is inf, as PyTorch
            arr = np.asarray(arr, dtype=dtype)
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"tensor(): dtype {arr.dtype} is not supported: minigrad tensors hold bool, "
                "integer or floating-point numbers"
            )
        return arr
    if isinstance(data, np.ndarray | np.generic):
        return arr
    if arr.dtype == np.float64:
        with np.errstate(over="ignore"):
            return arr.astype(default_float())
    if arr.dtype.kind in "iu":
        if arr.dtype == np.uint64 and arr.size and arr.max() > np.iinfo(np.int64).max:
            raise _refusal(data, arr.dtype)  # (an int beyond int64 would wrap around)
        return arr.astype(np.int64)
    return arr


def _check_fits(arr: np.ndarray, target: np.dtype) -> None:
    """PyTorch's refusal of Python numbers an integer dtype cannot hold (NumPy's cast would wrap
    them around silently): nan, floats outside the range, integers above the largest value or
    below the smallest (for unsigned types, below -largest: PyTorch wraps -1 to 255)."""
    if target.kind not in "iu" or arr.dtype.kind == "b" or not arr.size:
        return
    info = np.iinfo(target)
    low, high = arr.min(), arr.max()
    if arr.dtype.kind == "f":
        fits = not np.isnan(high) and not np.isnan(low) and info.min <= low and high <= info.max
    else:
        fits = (-int(info.max) if target.kind == "u" else info.min) <= low and high <= info.max
    if not fits:
        raise RuntimeError(
            f"value cannot be converted to type {target.name} without overflow (minigrad: give "
            f"numbers between {info.min} and {info.max}, or a wider dtype)"
        )


def _refusal(data: Any, dtype: np.dtype | None = None, given: bool = False) -> Exception:
    """The error for data that is not an array of real numbers, naming the first bad element
    (``given``: the caller named a dtype, so PyTorch converts each element to it)."""
    lengths: list[int] = []

    def find(x: Any, path: tuple[int, ...]) -> Exception | None:
        at = "".join(f"[{i}]" for i in path)
        depth = len(path)
        if isinstance(x, np.ndarray) or hasattr(x, "_data"):
            x = np.asarray(_raw(x)).tolist()
        if isinstance(x, list | tuple):
            if depth < len(lengths) and len(x) != lengths[depth]:
                return ValueError(
                    f"tensor(): expected sequence of length {lengths[depth]} at dim {depth} "
                    f"(got {len(x)}) at element {at}: nested lists must be rectangular"
                )
            if depth == len(lengths):
                lengths.append(len(x))
            for i, v in enumerate(x):
                found = find(v, (*path, i))
                if found is not None:
                    return found
            return None
        if depth < len(lengths):
            return ValueError(
                f"tensor(): expected sequence of length {lengths[depth]} at dim {depth} "
                f"(got a {type(x).__name__}) at element {at}: nested lists must be rectangular"
            )
        return _scalar_refusal(x, at, given)

    found = find(data, ())
    if found is not None:
        return found
    return TypeError(
        f"tensor(): cannot make a tensor of dtype {dtype} from {type(data).__name__}: minigrad "
        "tensors hold bool, integer or floating-point numbers"
    )


def _scalar_refusal(x: Any, at: str, given: bool = False) -> Exception | None:
    """The error for one element that is not a real number (None if it is one): PyTorch's
    RuntimeError where it infers the dtype from the data, its TypeError where a dtype is
    ``given`` (``new_tensor``, ``tensor(data, dtype=...)``), which converts each element."""
    which = f"element {at}" if at else "the data"
    if isinstance(x, int) and not isinstance(x, bool) and not -(2**63) <= x < 2**63:
        return ValueRangeError(
            f"Overflow when unpacking long long (tensor(): {which} is {x}, beyond int64's "
            f"range [-2**63, 2**63); give a float, e.g. {float(x):g}, for a float tensor)"
        )
    if isinstance(x, bool | int | float) or (isinstance(x, np.generic) and x.dtype.kind in "biuf"):
        return None
    if hasattr(type(x), "__torch_function__"):
        return TypeError(
            f"tensor(): {which} is a {type(x).__name__}, a Tensor-like type with "
            "__torch_function__: minigrad does not dispatch to __torch_function__ (PyTorch's "
            "protocol for extending torch functions); pass it a tensor instead"
        )
    if isinstance(x, complex | np.complexfloating):
        return TypeError(
            f"tensor(): {which} is the complex number {x!r}: complex tensors are not "
            "supported (gradients would be unconjugated); keep the real and imaginary parts "
            "as two real tensors"
        )
    if isinstance(x, str):
        return TypeError(
            f"tensor(): {which} has type str ({x!r:.40}); a tensor holds bool, integer or "
            "floating-point numbers"
        )
    if given:
        return TypeError(
            f"must be real number, not {type(x).__name__} (tensor(): {which} has type "
            f"{type(x).__name__} ({x!r:.40}); a tensor holds bool, integer or floating-point "
            "numbers)"
        )
    # PyTorch's RuntimeError; a DtypeError is the TypeError minigrad raised before too
    return DtypeError(
        f"Could not infer dtype of {type(x).__name__} (tensor(): {which} has type "
        f"{type(x).__name__} ({x!r:.40}); a tensor holds bool, integer or floating-point numbers)"
    )


def _check_can_require_grad(data: np.ndarray, where: str) -> None:
    """PyTorch's RuntimeError, in its words for ``requires_grad_()`` or a new tensor, for a
    tensor that is not floating point asked to require grad (minigrad refuses complex too)."""
    if data.dtype.kind != "f":
        head = {
            "requires_grad_()": "only Tensors of floating point",
            "requires_grad": "only Tensors of floating point and complex",
        }.get(where, "Only Tensors of floating point and complex")
        raise RuntimeError(
            f"{head} dtype can require gradients ({where}: got dtype {data.dtype}; integer and "
            "bool tensors hold labels, indices and masks, and minigrad's gradients are real)"
        )


def _check_grad(t: Any, value: Any) -> None:
    """Refuse assigning to ``t.grad`` what PyTorch refuses: not a tensor, or another shape
    or dtype than ``t``'s."""
    if not hasattr(value, "_data"):
        raise TypeError(
            "assigned grad expected to be a Tensor or None but got grad of type "
            f"{type(value).__name__}"
        )
    if value._data.shape != t._data.shape:
        raise RuntimeError(
            f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
            f"tensor of size '{list(t._data.shape)}'. Please ensure that the gradient "
            "and the tensor are the same size"
        )
    if value._data.dtype != t._data.dtype:
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{value._data.dtype}' to a "
            f"tensor with dtype '{t._data.dtype}'. The gradient must match the tensor's dtype"
        )


def _dim_arg(dim: Any, axis: Any, where: str) -> Any:
    """PyTorch's ``dim`` or NumPy's ``axis`` (one of them), with NumPy ints made Python ints."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{where}(): give either dim or axis, not both")
        dim = axis
    if isinstance(dim, np.integer):
        return int(dim)
    if isinstance(dim, list):
        return tuple(dim)
    return dim


def _dims(t: Any, dim: Any, axis: Any, where: str) -> Any:
    """The dims a reduction runs over (``dim`` or ``axis``), checked and made non-negative;
    ``REQUIRED`` as the default of both where PyTorch requires the dim (``logsumexp``)."""
    if axis is REQUIRED or dim is REQUIRED:
        axis, dim = _dim_required(axis, dim, where)
    return wrap_dims(_dim_arg(dim, axis, where), t._data.ndim, where, t._data.shape)


def int_argument(v: Any, fn: str, name: str, position: int | None = None) -> int:
    """An int argument (a Python or NumPy int), PyTorch's TypeError otherwise: a float or a
    bool is refused, not truncated (``triu(2.5)``, ``chunk(2.5)``, ``topk(True)``)."""
    if isinstance(v, bool) or not isinstance(v, int | np.integer):
        where = "" if position is None else f" (position {position})"
        raise TypeError(f"{fn}(): argument '{name}'{where} must be int, not {type(v).__name__}")
    return int(v)


def _one_dim(t: Any, dim: Any, where: str) -> int:
    """A single dimension index, checked (``dims.wrap_dim``) and made non-negative."""
    return wrap_dim(dim, t._data.ndim, where, t._data.shape)


class _Required:
    """The default of an argument that must be given (told apart from an explicit None)."""

    def __repr__(self) -> str:
        return "<required>"


REQUIRED: Any = _Required()


def _softmax_dim(t: Any, dim: Any, axis: Any, where: str) -> int:
    """The dim of a softmax method: required, as PyTorch's ``Tensor.softmax(dim)`` (the
    functions ``softmax(x)`` keep PyTorch's implicit choice); NumPy's ``axis`` also accepted."""
    if dim is REQUIRED:
        if axis is None:
            raise TypeError(f'{where}() missing 1 required positional arguments: "dim"')
        dim = None
    return _one_dim(t, _dim_arg(dim, axis, where), where)


def _dim_required(axis: Any, dim: Any, where: str) -> tuple[Any, Any]:
    """NumPy's ``axis`` and PyTorch's ``dim`` of a reduction whose dim PyTorch requires
    (``logsumexp``): one given, and not None (PyTorch's TypeErrors, then the fix); both come
    back with None for the one not given."""
    fix = f"{where}(): give the dims to reduce; for all of them, dim=tuple(range(x.dim()))"
    if axis is REQUIRED and dim is REQUIRED:
        raise TypeError(f'{where}() missing 1 required positional arguments: "dim" ({fix})')
    if axis is None or dim is None:
        at = " (position 1)" if axis is None else ""
        raise TypeError(
            f"{where}(): argument 'dim'{at} must be tuple of ints, not NoneType ({fix})"
        )
    return (None if axis is REQUIRED else axis), (None if dim is REQUIRED else dim)


class _Unset:
    """The default of an argument whose absence means something (told apart from None)."""

    def __repr__(self) -> str:
        return "<unset>"


UNSET: Any = _Unset()


def var_arguments(fn: str, dim: Any, unbiased: Any, keepdim: Any, correction: Any) -> Any:
    """The dim, correction and keepdim of ``var``/``std`` (and ``var_mean``/``std_mean``) from
    PyTorch's three overloads: ``(unbiased)``, a bool alone; ``(dim, unbiased, keepdim)``; and
    ``(dim, *, correction, keepdim)`` (correction 1 by default). ``dim``, ``unbiased`` and
    ``keepdim`` are UNSET where not given: ``unbiased`` with ``keepdim`` needs a dim (None
    will do), as in PyTorch.

    Raises:
        TypeError: PyTorch's "invalid combination of arguments", then what was wrong and the
            fix: an ``unbiased`` or ``keepdim`` that is not a bool (``var(1, 0)`` is not
            ``unbiased=False``), more arguments after a bool ``unbiased`` first, both
            ``unbiased`` and ``correction``, or ``unbiased`` and ``keepdim`` without a dim.
    """
    bad = f"{fn}() received an invalid combination of arguments - "
    if isinstance(dim, bool):  # var(False): the unbiased overload, which takes nothing else
        if unbiased is not UNSET or keepdim is not UNSET or correction is not None:
            raise TypeError(
                bad + f"got unbiased={dim} first, then more arguments ({fn}(unbiased) takes "
                f"nothing else; with a dim write {fn}(dim, unbiased, keepdim))"
            )
        dim, unbiased = None, dim
    if unbiased is not UNSET:
        if type(unbiased) is not bool:
            raise TypeError(
                bad + f"unbiased must be bool, not {type_name(unbiased)} ({fn}(dim, unbiased, "
                f"keepdim) takes bools; for a number write {fn}(dim, correction=...))"
            )
        if correction is not None:
            raise TypeError(bad + f"got both unbiased and correction ({fn}(): give one)")
        if dim is UNSET and keepdim is not UNSET:  # (only (dim, unbiased, keepdim) has both)
            raise TypeError(
                bad + f"got unbiased and keepdim without a dim ({fn}(dim, unbiased, keepdim) "
                f"needs the dim: dim=None for all of them; or {fn}(correction=0, keepdim=...))"
            )
        correction = int(unbiased)
    dim = None if dim is UNSET else dim
    keepdim = False if keepdim is UNSET else keepdim
    if type(keepdim) is not bool:
        raise TypeError(bad + f"keepdim must be bool, not {type_name(keepdim)}")
    return dim, 1 if correction is None else correction, keepdim


def _keep(keep: Any, other: Any) -> bool:
    """PyTorch's ``keepdim`` or NumPy's ``keepdims``: the second, unless it is None."""
    return bool(other) if other is not None else bool(keep)


def _index(index: Any) -> Any:
    """Turn Tensors inside an index into arrays (a bool Tensor is a mask, and so is a uint8
    one, as PyTorch's, with its deprecation warning); a slice step of 0 is refused with
    PyTorch's ValueError for reads and writes alike."""
    if isinstance(index, tuple):
        return tuple(_index_part(i) for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return _index_part(index)


def _index_part(part: Any) -> Any:
    """One entry of an index, as ``_index`` takes it."""
    if isinstance(part, slice) and isinstance(part.step, int | np.integer) and part.step == 0:
        raise ValueError("slice step cannot be zero (indexing: give a step of 1 or more)")
    if hasattr(part, "_data"):
        if part._data.dtype == np.uint8:  # (NumPy would read its 0s and 1s as positions)
            warnings.warn(
                "indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                "torch.bool instead.",
                UserWarning,
                stacklevel=4,
            )
            return part._data.astype(bool)
        return part._data
    return part


def _shape(args: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept ``f(2, 3)`` and ``f((2, 3))`` alike."""
    if len(args) == 1 and isinstance(args[0], tuple | list):
        return tuple(args[0])
    return tuple(args)


def new_shape(shape: tuple[Any, ...], where: str, words: str = "") -> tuple[Any, ...]:
    """``shape`` of a tensor about to be made, a negative size refused in PyTorch's words
    (``words`` where the call has its own, as ``zeros``; NumPy's ``ValueError`` names neither
    the size nor the call)."""
    for n in shape:
        if isinstance(n, int | np.integer) and not isinstance(n, bool) and n < 0:
            sizes = [int(m) if isinstance(m, int | np.integer) else m for m in shape]
            if words:
                raise RuntimeError(f"{words} ({where}: got sizes {sizes}; sizes must be >= 0)")
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {n}: {sizes} ({where}: sizes "
                "must be zero or more)"
            )
    return shape


def sizes_given(
    args: tuple[Any, ...], size: Any, fn: str, required: bool = False
) -> tuple[Any, ...]:
    """The sizes of ``fn(2, 3)``, ``fn((2, 3))`` or ``fn(size=(2, 3))`` (PyTorch's keyword: a
    tuple, list or Size), as positional arguments for ``_shape``.

    Raises:
        TypeError: as PyTorch, when the size is given both ways, ``size=`` is not a sequence,
            or (``required``: the factories zeros, ones, empty, rand, randn) it is not given.
    """
    if size is None:
        if required and not args:
            raise TypeError(
                f'{fn}() missing 1 required positional arguments: "size" (give a shape: '
                f"{fn}(2, 3), {fn}((2, 3)) or {fn}(size=(2, 3)); {fn}(()) is 0-d)"
            )
        return args
    if args:
        raise TypeError(f"{fn}() got multiple values for argument 'size'")
    if not isinstance(size, tuple | list):
        raise TypeError(f"{fn}(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    return (size,)


def _reshaped(t: Any, shape: tuple[Any, ...]) -> tuple[int, ...]:
    """The shape ``t.reshape(*shape)`` gives (one dimension may be -1), or PyTorch's error:
    its TypeError for sizes that are not ints or none at all (``reshape(2, 2.0)``), its
    RuntimeError for sizes that cannot hold the elements."""
    new = int_sizes(
        shape, UNSET, "reshape", "shape", "give ints: reshape(3, -1) or reshape((3, -1))"
    )
    try:
        if new and min(new) < -1:  # (NumPy takes any negative size for -1; PyTorch refuses)
            raise ValueError
        return np.empty(t._data.shape, dtype=np.bool_).reshape(new).shape
    except (ValueError, TypeError):
        raise ShapeError(_reshape_message(t._data.shape, new)) from None


def _reshape_message(old: tuple[int, ...], new: tuple[Any, ...]) -> str:
    """PyTorch's words for a shape ``old`` cannot take, then the shapes and the fix."""
    size = int(np.prod(old))
    bad = [(i, n) for i, n in enumerate(new) if n < -1]
    if bad:
        msg = f"invalid shape dimension {bad[0][1]} at index {bad[0][0]} of shape {list(new)}"
    elif list(new).count(-1) > 1:
        msg = "only one dimension can be inferred"
    else:
        msg = f"shape '{list(new)}' is invalid for input of size {size}"
    return (
        f"{msg} (reshape(): a tensor of shape {old} has {size} elements, which the shape "
        f"{tuple(new)} cannot hold; at most one dimension may be -1, to be inferred)"
    )


def _permutation(t: Any, axes: tuple[Any, ...]) -> tuple[int, ...]:
    """The axes ``t.permute(*axes)`` reorders to, checked and made non-negative."""
    dims, n = _shape(axes), t._data.ndim
    if len(dims) != n:
        raise RuntimeError(
            f"permute(): number of dims don't match in permute: the tensor has "
            f"{n} (shape {t._data.shape}) but {len(dims)} were given ({dims})"
        )
    order = tuple(wrap_dim(a, n, "permute", t._data.shape) for a in dims)
    if len(set(order)) != len(order):
        raise RuntimeError(f"permute(): duplicate dims are not allowed (got {dims})")
    return order


def _broadcast_target(t: Any, shape: tuple[Any, ...], given: Any = None) -> tuple[int, ...]:
    """The shape ``t.broadcast_to(*shape)`` reaches, or PyTorch's error naming both shapes
    (``given``: the shape as the user wrote it, with expand's -1s)."""
    target = _shape(shape)
    try:
        reached = np.broadcast_shapes(t._data.shape, target) == target
    except ValueError:
        reached = False
    if not reached:
        where = "broadcast_to" if given is None else "expand"
        raise ShapeError(_expand_message(t, target if given is None else given, where))
    return target


def _expanded(t: Any, shape: tuple[Any, ...]) -> tuple[int, ...]:
    """The shape ``t.expand(*shape)`` reaches: -1 keeps a dimension of ``t``, new ones lead."""
    given = _shape(shape)
    lead = len(given) - t._data.ndim
    if lead < 0 or any(n == -1 for n in given[:lead]):
        raise ShapeError(_expand_message(t, given, "expand"))
    full = tuple(t._data.shape[i - lead] if n == -1 else n for i, n in enumerate(given))
    return _broadcast_target(t, full, given)


def _expand_message(t: Any, target: tuple[Any, ...], where: str) -> str:
    """PyTorch's words for expanding ``t`` to ``target`` (``expand``'s, which ``broadcast_to``
    calls), then the shapes and the rule."""
    return (
        f"{_expand_text(t._data.shape, t._data.dtype, target)} ({where}(): shape "
        f"{t._data.shape} cannot reach "
        f"{tuple(target)}: each dimension must match the target's or be 1, and new dimensions "
        "go in front)"
    )


def _expand_text(old: tuple[int, ...], dtype: np.dtype, target: tuple[Any, ...]) -> str:
    """PyTorch's words for expanding a tensor of shape ``old`` and ``dtype`` to ``target``."""
    lead = len(target) - len(old)
    name = torch_name(dtype)
    kind = "CPUBoolType" if name == "Bool" else f"torch.{name}Tensor"
    msg = (
        f"expand({kind}{{{list(old)}}}, size={list(target)}): the number of sizes provided "
        f"({len(target)}) must be greater or equal to the number of dimensions in the tensor "
        f"({len(old)})"
    )
    for i, n in enumerate(target if lead >= 0 else ()):
        if i < lead and n == -1:
            msg = (
                "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                f"dimension {i}"
            )
            break
        if i >= lead and n != -1 and old[i - lead] not in (1, n):
            msg = (
                f"The expanded size of the tensor ({n}) must match the existing size "
                f"({old[i - lead]}) at non-singleton dimension {i}.  Target sizes: "
                f"{list(target)}.  Tensor sizes: {list(old)}"
            )
            break
    return msg


def _compared(other: Any) -> Any:
    """The array a comparison uses, or NotImplemented for what is not a number or array.

    NotImplemented lets Python answer as it (and PyTorch) does: ``<`` raises "'<' not supported
    between instances of 'Tensor' and 'str'", ``==`` falls back to identity (False).
    """
    if hasattr(other, "_data"):
        return other._data
    if isinstance(other, int | float) or (
        isinstance(other, np.generic) and other.dtype.kind in "biuf"
    ):
        return other
    if isinstance(other, list | tuple | np.ndarray):
        return _as_array(other)
    return NotImplemented


def _check_broadcast(op: Any, x: Any, y: Any) -> None:
    """Raise PyTorch's error, naming the op, shapes and dtypes, if x and y do not broadcast."""
    a, b = np.asarray(_raw(x)), np.asarray(_raw(y))
    msg = _broadcast_message(a.shape, b.shape)
    if msg:
        raise ShapeError(
            f"{msg} ({type(op).__name__.lower()}: shapes {a.shape} and {b.shape} do not "
            f"broadcast (dtypes {a.dtype} and {b.dtype}); each trailing dimension must match "
            "or be 1)"
        )


def _broadcast_message(*shapes: tuple[int, ...]) -> str:
    """PyTorch's words for the first of ``shapes`` that does not broadcast with those before
    it ("tensor a" is the shape they broadcast to, "tensor b" that one), or "" if all do.

    As PyTorch, the dimensions are compared from the last one, and the dimension named is the
    broadcast result's.
    """
    acc: tuple[int, ...] = ()
    for shape in shapes:
        n = max(len(acc), len(shape))
        a, b = (1,) * (n - len(acc)) + acc, (1,) * (n - len(shape)) + tuple(shape)
        for i in reversed(range(n)):
            if a[i] != b[i] and a[i] != 1 and b[i] != 1:
                return (
                    f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at "
                    f"non-singleton dimension {i}"
                )
        acc = tuple(max(p, q) if min(p, q) else 0 for p, q in zip(a, b))
    return ""


def _check_broadcasts(where: str, *tensors: Any) -> None:
    """Raise PyTorch's error, naming ``where`` and the shapes, if ``tensors`` (numbers among
    them are skipped) do not broadcast together."""
    shapes = [tuple(np.shape(_raw(t))) for t in tensors if not isinstance(t, int | float)]
    msg = _broadcast_message(*shapes)
    if msg:
        listed = ", ".join(str(s) for s in shapes)
        raise ShapeError(
            f"{msg} ({where}(): shapes {listed} do not broadcast; each trailing dimension must "
            "match or be 1)"
        )


def _cat_mismatch(shapes: list[tuple[int, ...]], dim: int) -> ShapeError:
    """PyTorch's error for ``cat`` of tensors whose shapes differ outside ``dim``: the first
    tensor that differs from the first one, in rank or in a size, then the shapes."""
    first = shapes[0]
    msg = ""
    for i, shape in enumerate(shapes[1:], 1):
        if len(shape) != len(first):
            msg = f"Tensors must have same number of dimensions: got {len(first)} and {len(shape)}"
            break
        d = next((d for d in range(len(first)) if d != dim and shape[d] != first[d]), None)
        if d is not None:
            msg = (
                f"Sizes of tensors must match except in dimension {dim}. Expected size "
                f"{first[d]} but got size {shape[d]} for tensor number {i} in the list."
            )
            break
    return ShapeError(
        f"{msg} (cat(): shapes {', '.join(map(str, shapes))} differ outside dim {dim}; "
        "tensors are joined along dim and must match in every other dimension)"
    )


def _stack_mismatch(shapes: list[tuple[int, ...]]) -> ShapeError:
    """PyTorch's error for ``stack`` of tensors of different shapes (an empty list included)."""
    if not shapes:
        return ShapeError(
            "stack expects a non-empty TensorList (stack(): got no tensors; pass a list of "
            "tensors of one shape)"
        )
    i = next(i for i, s in enumerate(shapes) if s != shapes[0])
    return ShapeError(
        f"stack expects each tensor to be equal size, but got {list(shapes[0])} at entry 0 "
        f"and {list(shapes[i])} at entry {i} (stack(): shapes {', '.join(map(str, shapes))}; "
        "stack makes a new dim and needs one shape, cat joins along an existing dim)"
    )


def _target_mismatch(fn: str, x: Any, y: Any) -> Exception:
    """The error for an elementwise loss whose target's shape is not the input's: PyTorch's
    (its ValueError for the binary cross entropies; for the others its RuntimeError where the
    shapes do not broadcast), then the shapes, dtypes and fix.

    Where they broadcast, PyTorch warns and broadcasts; minigrad refuses with a ValueError,
    since broadcasting (N, 1) against (N,) is a classic silent bug.
    """
    xs, ys = tuple(x._data.shape), tuple(y._data.shape)
    ours = (
        f"{fn}(): target shape {ys} must equal input shape {xs} (dtypes: target {y.dtype}, "
        f"input {x.dtype}); reshape one of them rather than relying on broadcasting"
    )
    if fn == "binary_cross_entropy":
        return ValueError(
            f"Using a target size (torch.Size({list(ys)})) that is different to the input size "
            f"(torch.Size({list(xs)})) is deprecated. Please ensure they have the same size. "
            f"({ours})"
        )
    if fn == "binary_cross_entropy_with_logits":
        return ValueError(
            f"Target size (torch.Size({list(ys)})) must be the same as input size "
            f"(torch.Size({list(xs)})) ({ours})"
        )
    torchs = _broadcast_message(xs, ys)
    return ShapeError(f"{torchs} ({ours})") if torchs else ValueError(ours)


def _class_target_mismatch(fn: str, x: Any, y: Any, index_shape: tuple[int, ...]) -> Exception:
    """The error for class-index targets of another shape than ``index_shape`` (the input's
    without its class dimension): PyTorch's words where it has them, then the shapes."""
    xs, ys = tuple(x._data.shape), tuple(y.shape)
    ours = (
        f"{fn}(): class-index target of shape {ys} (dtype {y.dtype}) does not match input of "
        f"shape {xs} (dtype {x.dtype}); expected shape {index_shape}"
    )
    if len(xs) == 1:
        if len(ys) == 1 and ys[0] != 1:
            return ValueError(
                f"For 1D input, 1D target must have size 1, but got target size: {ys[0]} ({ours})"
            )
        return ValueError(ours)
    if ys and ys[0] != xs[0]:
        return ValueError(
            f"Expected input batch_size ({xs[0]}) to match target batch_size ({ys[0]}). ({ours})"
        )
    if len(xs) == 2 and len(ys) > 1:
        return ShapeError(f"0D or 1D target tensor expected, multi-target not supported ({ours})")
    if len(xs) > 2 and ys:
        return ShapeError(f"Expected target size {list(index_shape)}, got {list(ys)} ({ours})")
    return ValueError(ours)


def _write_mismatch(
    name: str, shape: tuple[int, ...], src: Any, region: Any = None, advanced: bool = False
) -> str:
    """The message for writing ``src`` into a tensor of ``shape`` (``copy_``, a fill) or into
    ``region`` of it (``t[index] = src``; ``advanced`` for an index of arrays or masks) where
    it does not broadcast: PyTorch's words first where it has them."""
    src_shape = tuple(np.shape(_raw(src)))
    if region is None:
        torchs = _broadcast_message(shape, src_shape)
        ours = (
            f"{name}(): the source of shape {list(src_shape)} cannot be broadcast to the "
            f"tensor's shape {list(shape)}"
        )
        return f"{torchs} ({ours})" if torchs else ours
    region = tuple(region)
    if advanced:
        torchs = (
            f"shape mismatch: value tensor of shape {list(src_shape)} cannot be broadcast to "
            f"indexing result of shape {list(region)}"
        )
    else:
        torchs = _expand_text(src_shape, np.asarray(_raw(src)).dtype, region)
    return (
        f"{torchs} (setitem on a tensor of shape {tuple(shape)}: a value of shape {src_shape} "
        f"cannot be broadcast to the indexed shape {region})"
    )


def _check_floating(t: Any, where: str) -> None:
    """PyTorch's refusal of an integer or bool tensor where a float result's dtype would have
    to be guessed (mean, var, std, norm); NumPy would answer in float64."""
    dt = t._data.dtype
    if dt.kind not in "fc":
        raise RuntimeError(
            f"{where}(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {dt} (convert first, e.g. t.float().{where}())"
        )


# Ops PyTorch has no kernel for on a bool tensor (NumPy would answer, in another dtype or with
# another meaning): PyTorch's exception type and words, then the fix. A mask is its own abs and
# relu; the others want numbers: convert first.
_BOOL_REFUSALS: dict[str, tuple[type[Exception], str, str]] = {
    "abs": (
        NotImplementedError,
        not_implemented_words("abs_cpu", bool),
        "a mask is its own absolute value; to compute in numbers, convert it first, "
        "e.g. x.int().abs()",
    ),
    "relu": (
        RuntimeError,
        "Boolean inputs not supported for relu",
        "a mask is its own relu; to compute in numbers, convert it first, e.g. x.float().relu()",
    ),
    "positive": (
        RuntimeError,
        "The `+` operator, on a bool tensor is not supported.",
        "use the tensor itself, or convert it first, e.g. +x.int()",
    ),
    "pow": (
        NotImplementedError,
        not_implemented_words("pow", bool),
        "convert a tensor first, e.g. x.int() ** y; a bool tensor to a Python bool power is "
        "answered: x ** True is x, x ** False is all True",
    ),
    "topk": (
        RuntimeError,
        "topk does not support bool dtypes on CPU",
        "convert it first, e.g. x.int().topk(k)",
    ),
    "trace": (
        NotImplementedError,
        not_implemented_words("trace", bool),
        "to count the True values on the diagonal, convert it first, e.g. x.int().trace()",
    ),
    "argmax": (
        RuntimeError,
        "argmax(): does not support bool input",
        "convert it first, e.g. x.int().argmax(), the index of the first True",
    ),
    "argmin": (
        RuntimeError,
        "argmin(): does not support bool input",
        "convert it first, e.g. x.int().argmin(), the index of the first False",
    ),
    "addcmul": (
        NotImplementedError,
        not_implemented_words("addcmul_cpu_out", bool),
        "for masks use x | (t1 & t2); to compute in numbers, convert first, "
        "e.g. x.int().addcmul(t1, t2)",
    ),
    # hardtanh, relu6 and threshold compare with bounds: numbers, not masks
    "hardtanh": (
        RuntimeError,
        "Bool inputs not supported for hardtanh",
        "a mask already lies in [0, 1]; to compute in numbers, convert it first, "
        "e.g. F.hardtanh(x.float())",
    ),
    "relu6": (
        RuntimeError,
        "Bool inputs not supported for hardtanh",
        "a mask already lies in [0, 6]; to compute in numbers, convert it first, "
        "e.g. F.relu6(x.float())",
    ),
    "threshold": (
        NotImplementedError,
        not_implemented_words("threshold_cpu", bool),
        "convert it first, e.g. F.threshold(x.float(), threshold, value)",
    ),
}


def _bool_refusal(where: str, kernel: str = "") -> Exception:
    """PyTorch's refusal of op ``where`` on a bool tensor (``_BOOL_REFUSALS``), in its words,
    then the op and the fix; ``kernel``: the clamp kernel PyTorch names, which depends on the
    bounds given ("clamp_min_scalar_cpu", "clamp_cpu"...)."""
    if kernel:  # clamp: bool bounds on a bool tensor
        return not_implemented_for(
            kernel,
            bool,
            f"{where}() of a bool tensor by bool bounds: for masks use x | min (a lower bound) "
            "and x & max (an upper bound); to compute in numbers, convert it first, e.g. "
            f"x.int().{where}(...)",
        )
    error, words, fix = _BOOL_REFUSALS[where]
    return error(f"{words} ({where}() of a bool tensor: {fix})")


def _kernel_refusal(kernel: str, dt: np.dtype, where: str, fix: str) -> NotImplementedError:
    """PyTorch's refusal of op ``where`` on a ``dt`` tensor when its CPU ``kernel`` has no
    version for that dtype, in its words, then the op and the fix."""
    return not_implemented_for(kernel, dt, f"{where}() of a {dt.name} tensor: {fix}")


def _cast_refusal(
    result: np.dtype, dt: np.dtype, where: str, fix: str, cpp: bool = False
) -> RuntimeError:
    """PyTorch's refusal to write a ``result`` value into a tensor of dtype ``dt`` (an op
    that works in place on an integer or bool argument: ``var.clamp_`` of gaussian_nll_loss,
    the target of binary_cross_entropy_with_logits), in its words (``cpp``: the kernels that
    name ``dt`` as C++ does, "long int"), then the op and the fix."""
    return RuntimeError(
        f"result type {torch_name(result)} can't be cast to the desired output type "
        f"{torch_name(dt, cpp=cpp)} ({where}(): {fix})"
    )


def _is_bool(v: Any) -> bool:
    """Whether ``v`` is a bool tensor or a Python bool (PyTorch counts both as bools)."""
    return type(v) is bool or (hasattr(v, "_data") and v._data.dtype.kind == "b")


def _subtraction_refusal(x: Any, y: Any) -> RuntimeError:
    """PyTorch's refusal of ``x - y`` where either is a bool (tensor or Python bool), in its
    words, which name the op and the fix: ^ for two bools, ~ to invert a mask."""
    if _is_bool(x) and _is_bool(y):
        return RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead."
        )
    return RuntimeError(
        "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
        "to invert a mask, use the `~` or `logical_not()` operator instead."
    )


def _alpha_times(x: Any, other: Any, alpha: Any, where: str) -> Any:
    """``alpha * other`` for ``x.add(other, alpha=alpha)`` (or ``sub``), by PyTorch's rules for
    ``alpha``, which NumPy's promotion would not follow: for a bool result alpha is cast to bool
    (``b.add(c, alpha=2)`` is ``b | c``, not 1 + 2); a float alpha is refused for an integer or
    bool result, a bool alpha for any other result."""
    if isinstance(alpha, np.generic):
        alpha = alpha.item()
    o = _raw(other)
    rt = result_np(_raw(x), np.asarray(o) if isinstance(o, list | tuple) else o)
    if type(alpha) is bool and rt.kind != "b":
        raise RuntimeError(
            f"Boolean alpha only supported for Boolean results. ({where}(alpha={alpha}) with a "
            f"{torch_name(rt)} result: give a number, e.g. alpha=1)"
        )
    if isinstance(alpha, float) and rt.kind in "biu":
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number. "
            f"({where}(alpha={alpha!r}): give an int, or convert first, e.g. "
            f"x.float().{where}(other, alpha={alpha!r}))"
        )
    if rt.kind == "b":  # (alpha as a bool: other itself, or all False)
        return other if alpha else (other & False if hasattr(other, "_data") else False)
    if isinstance(alpha, int | float) and alpha != 1:
        checked_number(alpha, rt, where)  # (as PyTorch converts it: 300 does not fit uint8)
    return other if alpha == 1 else other * alpha


def _no_bool(t: Any, where: str) -> Any:
    """``t``, unless it is a bool tensor: then PyTorch's refusal of op ``where``. (``abs`` and
    ``relu`` test the dtype before they call it: their hot path pays that one test.)"""
    if t._data.dtype.kind == "b":
        raise _bool_refusal(where)
    return t


def type_name(v: Any) -> str:
    """A value's type as PyTorch's argument errors name it: "int", "Tensor", "numpy.ndarray"."""
    cls = type(v)
    if cls.__module__ == "builtins" or hasattr(v, "_data"):
        return "Tensor" if hasattr(v, "_data") else cls.__name__
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_int(v: Any, bool_too: bool) -> bool:
    """Whether PyTorch reads ``v`` as one int of a size list: a Python or NumPy int, an
    integer tensor of one element; a bool only where ``bool_too`` (not first, as PyTorch)."""
    if isinstance(v, bool | np.bool_):
        return bool_too
    if isinstance(v, int | np.integer):
        return True
    data = getattr(v, "_data", None)
    return data is not None and data.dtype.kind in "iu" and data.size == 1


def _ints(values: Any, fn: str, name: str, fix: str) -> tuple[int, ...]:
    """The ints of a tuple or list given for ``name``, in PyTorch's words then ``fix``
    otherwise."""
    for i, v in enumerate(values):
        if not _is_int(v, bool_too=i > 0):
            if i == 0:
                raise TypeError(
                    f"{fn}(): argument '{name}' (position 1) must be tuple of ints, but found "
                    f"element of type {type_name(v)} at pos 0 ({fix})"
                )
            raise TypeError(
                f"{fn}(): argument '{name}' failed to unpack the object at pos {i + 1} with "
                f'error "type must be tuple of ints,but got {type_name(v)}" ({fix})'
            )
    return tuple(int(v.item()) if hasattr(v, "_data") else int(v) for v in values)


def int_sizes(args: tuple[Any, ...], given: Any, fn: str, name: str, fix: str) -> tuple[int, ...]:
    """The sizes of ``fn(2, 3)``, ``fn((2, 3))`` or ``fn(name=(2, 3))`` (``given``, UNSET when
    absent) as PyTorch's parser reads them: ints (a NumPy int, an integer tensor of one
    element), several only when the first is an int; a later bool counts as an int.

    Raises:
        TypeError: in PyTorch's words, then ``fix``: none given, both ways, a sequence that
            is not of ints, a first argument that is not an int followed by more.
    """
    if given is not UNSET:
        if args:
            raise TypeError(f"{fn}() got multiple values for argument '{name}' ({fix})")
        if not isinstance(given, tuple | list):
            raise TypeError(
                f"{fn}(): argument '{name}' must be tuple of ints, not {type_name(given)} ({fix})"
            )
        return _ints(given, fn, name, fix)
    if not args:
        raise TypeError(f'{fn}() missing 1 required positional arguments: "{name}" ({fix})')
    if len(args) == 1 and isinstance(args[0], tuple | list):
        return _ints(args[0], fn, name, fix)
    if not _is_int(args[0], bool_too=False):
        if len(args) > 1:
            raise TypeError(
                f"{fn}() takes 1 positional argument but {len(args)} were given ({fix})"
            )
        raise TypeError(
            f"{fn}(): argument '{name}' (position 1) must be tuple of ints, not "
            f"{type_name(args[0])} ({fix})"
        )
    return _ints(args, fn, name, fix)


def _tensor_only(v: Any, where: str, arg: str = "other", position: int = 1) -> Any:
    """``v``, when it is a tensor; else PyTorch's TypeError for an op that takes only tensors
    (``maximum``, ``minimum``), with the fix: a number bound is clamp's, or make it a tensor."""
    if hasattr(v, "_data"):
        return v
    kind = type_name(v)
    fix = "make it a tensor, e.g. tensor(...)"
    if isinstance(v, bool | int | float | np.number) and where in ("maximum", "minimum"):
        n = v.item() if isinstance(v, np.number) else v
        bound = "min" if where == "maximum" else "max"
        fix = f"for a number use clamp: x.clamp({bound}={n!r}); or make it a tensor: tensor({n!r})"
    raise TypeError(
        f"{where}(): argument '{arg}' (position {position}) must be Tensor, not {kind} ({fix})"
    )


def _check_nonempty(t: Any, axis: Any, op: str) -> None:
    """max/min have no value over nothing: refuse reducing an empty dimension (as PyTorch)."""
    if t._data.size:
        return
    if axis is None:
        raise RuntimeError(
            f"{op}(): Expected reduction dim to be specified for input.numel() == 0 "
            f"(the tensor has shape {t._data.shape}). Specify the reduction dim with the 'dim' "
            "argument."
        )
    for a in (axis,) if isinstance(axis, int) else axis:
        if t._data.shape[a] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {a} to have non-zero size.")


def _check_matmul(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    """NumPy's matmul rules, checked up front so the error names both shapes."""
    if len(a) == 0 or len(b) == 0:
        raise ShapeError(
            f"both arguments to matmul need to be at least 1D, but they are {len(a)}D and "
            f"{len(b)}D (matmul: shapes {a} and {b}; for a product by a number use *)"
        )
    k1 = a[-1]
    k2 = b[0] if len(b) == 1 else b[-2]
    if k1 == k2 and (len(a) < 3 or len(b) < 3):  # (the common case: nothing more to check)
        return
    batch = _broadcast_message(a[:-2], b[:-2])
    if k1 != k2 or batch:
        where = "only" if len(b) == 1 else "second-to-last"
        why = (
            f"batch dimensions {a[:-2]} and {b[:-2]} do not broadcast"
            if batch
            else f"{k1} (last dim of the first) != {k2} ({where} dim of the second)"
        )
        raise ShapeError(f"{batch or _product_message(a, b)} (matmul: shapes {a} and {b}: {why})")


def _product_message(a: tuple[int, ...], b: tuple[int, ...]) -> str:
    """PyTorch's words for a matmul of shapes ``a`` and ``b`` whose inner sizes differ, from
    the kernel it picks for these ranks: ``dot``, ``mv`` or ``mm`` (a first operand of 3 or
    more dims folded into a matrix), else ``bmm`` over the broadcast batch dimensions."""
    k1 = a[-1]
    rows = int(np.prod(a[:-1]))
    if len(a) == len(b) == 1:
        return (
            f"inconsistent tensor size, expected tensor [{k1}] and src [{b[0]}] to have the "
            f"same number of elements, but got {k1} and {b[0]} elements respectively"
        )
    if len(b) == 1:
        return f"size mismatch, got input ({rows}), mat ({rows}x{k1}), vec ({b[0]})"
    if len(b) == 2:
        return f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k1} and {b[0]}x{b[1]})"
    n = int(np.prod(np.broadcast_shapes(a[:-2], b[:-2])))
    return (
        f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {k1}] but "
        f"got: [{n}, {b[-2]}]."
    )


def _check_linear_shapes(x: Any, w: Any, b: Any, where: str) -> None:
    """PyTorch's refusal of ``linear(x, w, b)`` whose shapes do not fit (the input's last
    dimension is not the weight's second, or the bias is not one value per output), then the
    op, the shapes and the fix."""
    xs, ws = np.shape(_raw(x)), np.shape(_raw(w))
    fix = f"{where}: input of shape {xs} for a weight of shape {ws}"
    if not xs:
        raise ShapeError(
            f"both arguments to linear need to be at least 1D, but they are 0D and 2D ({fix}; "
            f"the input needs a last dimension of size {ws[1]})"
        )
    rows = int(np.prod(xs[:-1]))
    if xs[-1] != ws[1]:
        raise ShapeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{xs[-1]} and {ws[1]}x{ws[0]}) "
            f"({fix}: the input needs a last dimension of size {ws[1]}, the in_features)"
        )
    bs = np.shape(_raw(b))
    if b is not None and bs != (ws[0],):
        raise ShapeError(
            f"{_expand_text(bs, _raw(b).dtype, (rows, ws[0]))} ({where}: bias of shape {bs} for a "
            f"weight of shape {ws}: the bias needs shape ({ws[0]},), one value per output)"
        )


def _check_product_dtypes(a: np.ndarray, b: np.ndarray) -> None:
    """PyTorch's refusal of a matrix product of two dtypes (products do not promote) or of
    bools, in the words of the kernel PyTorch's ``matmul`` picks for these ranks: ``dot`` for
    two vectors, ``addmv`` for a vector on the right, ``mm`` for a matrix on the right and
    ``bmm`` otherwise (as for contiguous operands that do not require grad)."""
    da, db = a.dtype, b.dtype
    na, nb = a.ndim, b.ndim
    kernel = "dot" if na == nb == 1 else "addmv" if nb == 1 else "mm" if nb == 2 else "bmm"
    if da == db or (kernel == "bmm" and da.kind == "b"):
        if da.kind == "b":
            impl = {"addmv": "addmv_impl_cpu", "mm": "addmm_impl_cpu_"}.get(kernel, kernel)
            raise not_implemented_for(
                impl,
                bool,
                "a product of bool tensors: convert them first, e.g. with .long() or .float()",
            )
        return
    n1, n2 = torch_name(da), torch_name(db)
    if kernel == "dot":
        msg = f"dot : expected both vectors to have same dtype, but found {n1} and {n2}"
    elif kernel == "addmv":
        msg = f"addmv input tensors must have the same dtype, but got {n2}, {n1}, and {n2}"
    elif kernel == "mm":
        msg = (
            "expected m1 and m2 to have the same dtype, but got: "
            f"{torch_name(da, cpp=True)} != {torch_name(db, cpp=True)}"
        )
    else:
        msg = f"expected scalar type {n1} but found {n2}"
    raise RuntimeError(
        f"{msg} (matrix products do not promote dtypes, as in PyTorch: convert one operand "
        "first, e.g. a @ b.to(a.dtype))"
    )


def _check_linear_dtypes(x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> None:
    """PyTorch's refusal of ``linear(x, weight, bias)`` of two dtypes, in its words (the bias
    against the weight first, then the input)."""
    if b is not None and b.dtype != w.dtype:
        raise RuntimeError(
            "self and mat2 must have the same dtype, but got "
            f"{torch_name(b.dtype)} and {torch_name(w.dtype)} (linear(): the bias and the "
            "weight; convert the bias first, e.g. bias.to(weight.dtype))"
        )
    if x.dtype != w.dtype:
        if b is None:
            msg = (
                "expected m1 and m2 to have the same dtype, but got: "
                f"{torch_name(x.dtype, cpp=True)} != {torch_name(w.dtype, cpp=True)}"
            )
        else:
            msg = (
                "mat1 and mat2 must have the same dtype, but got "
                f"{torch_name(x.dtype)} and {torch_name(w.dtype)}"
            )
        raise RuntimeError(
            f"{msg} (linear(): the input and the weight; convert the input first, e.g. "
            "x.to(weight.dtype), or the model, e.g. model.double())"
        )


def _with_dtype(t: Any, dtype: Any, where: str, op: Callable[[Any], Any], kernel: str = "") -> Any:
    """PyTorch's ``dtype=`` of a reduction or a softmax: ``op`` of ``t`` cast to ``dtype``.

    The cast is recorded between float types, so the gradient comes back in ``t``'s dtype. An
    integer result is brought back to ``dtype`` where NumPy accumulated in a wider type (a sum
    of uint8), so it wraps around as PyTorch's, which accumulates in ``dtype``.

    Args:
        kernel: the name of PyTorch's kernel for an op it has only for floats (a softmax).

    Raises:
        RuntimeError: PyTorch's "Autograd not support dtype: Long" for an integer or bool
            ``dtype`` of a tensor that requires grad (while grad mode is on); for ``mean``, its
            "could not infer output dtype" for a ``dtype`` that is not a float.
        NotImplementedError: as PyTorch, for a softmax in integers or a cumsum in bools.
    """
    d = to_dtype(dtype).dtype
    if d.kind not in "fc":
        if where == "mean":
            raise RuntimeError(
                "mean(): could not infer output dtype. Optional dtype must be either a floating "
                f"point or complex dtype. Got: {torch_name(d)}"
            )
        if where == "cumsum" and d.kind == "b":
            kernel = "cumsum_out_cpu"
        if kernel:
            raise not_implemented_for(
                kernel, d, f"{where}(dtype={dtype!r}): use a floating-point dtype"
            )
        if t.requires_grad and _grad_enabled.get():
            raise RuntimeError(
                f"Autograd not support dtype: {torch_name(d)} ({where}(dtype={dtype!r}) of a "
                "tensor that requires grad: an integer result has no gradient; detach() the "
                "tensor first, or use a floating-point dtype)"
            )
    out = op(t.to(d))
    return out.to(d) if out._data.dtype != d else out


def _softmax_in(t: Any, dtype: Any, where: str, dim: int) -> Any:
    """``t.softmax(dim)`` (or ``log_softmax``, as ``where`` names it) of ``t`` cast to
    ``dtype`` first: PyTorch's ``dtype=``; or, with no ``dtype``, of an integer or bool ``t``.

    PyTorch's kernels are float-only: an integer or bool tensor is refused, naming PyTorch's
    kernel for that dim, unless it is empty (no kernel runs: the answer is empty, in its dtype).
    """
    last = dim >= t._data.ndim - 1
    kernel = f"{where}_lastdim_kernel_impl" if last else f"{where}_kernel_impl"
    d = t._data.dtype if dtype is None else to_dtype(dtype).dtype
    if d.kind not in "fc" and not t._data.size:
        return t.detach().to(to_dtype(d), copy=True)
    if dtype is None:  # (tensor.py hands over only an integer or bool t without a dtype)
        raise not_implemented_for(
            kernel,
            d,
            f"{where}() of an integer or bool tensor: give a floating-point dtype, e.g. "
            f"x.{where}({dim}, dtype=float32), or convert it first, e.g. x.float().{where}({dim})",
        )
    return _with_dtype(t, dtype, where, lambda x: getattr(x, where)(dim), kernel)


def _check_conv_dtypes(x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> None:
    """PyTorch's refusal of a convolution of two dtypes, in its words: the input against the
    bias first, then against the weight."""
    if b is not None and b.dtype != x.dtype:
        raise RuntimeError(
            f"Input type ({torch_name(x.dtype, cpp=True)}) and bias type "
            f"({torch_name(b.dtype, cpp=True)}) should be the same (convert the input first, "
            "e.g. x.to(weight.dtype), or the model, e.g. model.double())"
        )
    if w.dtype != x.dtype:
        raise RuntimeError(
            f"expected scalar type {torch_name(x.dtype)} but found {torch_name(w.dtype)} "
            "(convolutions do not promote dtypes: convert the input first, e.g. "
            "x.to(weight.dtype), or the model, e.g. model.double())"
        )


def _index_error(e: IndexError, shape: tuple[int, ...], index: Any) -> IndexError:
    """NumPy's IndexError for ``t[index]`` in PyTorch's words (minigrad's context after them)."""
    text = str(e)
    found = re.match(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", text)
    if found:
        i, axis, size = found.groups()
        text = f"index {i} is out of bounds for dimension {axis} with size {size}"
    elif text.startswith("too many indices"):
        text = f"too many indices for tensor of dimension {len(shape)}"
    elif text.startswith("only integers, slices"):
        items = index if isinstance(index, tuple) else (index,)
        odd = next((i for i in items if isinstance(i, float | str)), None)
        got = "" if odd is None else f" (got {type(odd).__name__})"
        text = (
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
            f"are valid indices{got}"
        )
    elif text.startswith("arrays used as indices"):
        text = "tensors used as indices must be long, int, byte or bool tensors"
    else:
        found = re.match(
            r"boolean index did not match indexed array along axis (\d+); size of axis is "
            r"(\d+) but size of corresponding boolean axis is (\d+)",
            text,
        )
        if found:
            axis, _, got = found.groups()
            text = (
                f"The shape of the mask [{got}] at index {axis} does not match the shape of the "
                f"indexed tensor {list(shape)} at index {axis}"
            )
    return IndexError(f"{text} (indexing a tensor of shape {shape})")
