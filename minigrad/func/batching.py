"""``vmap``: a function of one sample mapped over a batch, as ``torch.func.vmap`` is called.

minigrad's vmap is a loop: it runs the function once per sample (the mapped arguments
sliced with ``select``) and stacks the results. The values are PyTorch's; the speed is a
Python loop's, not a vectorised kernel's. Since each sample is a separate call, everything
the function does works (in-place ops, data-dependent control flow, ``.item()``), where
PyTorch's vmap would refuse some of it; randomness follows the ``randomness`` argument.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..functions import stack
from ..random import default_generator
from ..tensor import Tensor
from .tree import flatten, structure

InDims = int | tuple[Any, ...] | None

RANDOMNESS = ("error", "different", "same")


def check_randomness(randomness: str) -> None:
    """PyTorch's check of a transform's ``randomness`` argument."""
    if randomness not in RANDOMNESS:
        raise RuntimeError(
            "Only allowed values for randomness are 'error', 'different', or 'same'. Got "
            f"{randomness}"
        )


def vmap(
    func: Callable[..., Any],
    in_dims: InDims = 0,
    out_dims: int | tuple[Any, ...] | None = 0,
    randomness: str = "error",
    *,
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """``func`` of one sample, mapped over the ``in_dims`` dimension of its arguments.

    Runs ``func`` once per sample and stacks the outputs along ``out_dims``: correct, not
    vectorised.

    Args:
        func: a function of tensors (or tuples, lists, dicts of tensors) returning tensors
            (or a tuple, list or dict of them).
        in_dims: the dimension mapped over: an int for every tensor of every argument, or a
            tuple with one entry per positional argument: an int, None (not mapped: the same
            value for every sample), or for a tuple/list/dict argument, that structure of
            ints and Nones. Keyword arguments are never mapped.
        out_dims: where the mapped dimension goes in each output: an int, or a tuple with
            one per output. None: the output is the same for every sample and is returned
            once (minigrad checks that the samples' outputs are equal).
        randomness: "error" (PyTorch's default): random ops in ``func`` raise (minigrad sees
            that the default generator moved after the first sample). "different": each
            sample draws its own numbers. "same": every sample draws the same numbers.
        chunk_size: accepted for PyTorch's signature; samples are always run one by one.

    Returns:
        The mapped function.
    """
    check_randomness(randomness)
    name = getattr(func, "__name__", repr(func))

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not args:
            raise ValueError(
                f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or "
                "you are trying to vmap over a function with no inputs. The latter is "
                "unsupported."
            )
        api = f"vmap({name}, in_dims={in_dims}, ...)(<inputs>)"
        leaves, rebuild = flatten(args)
        dims = _leaf_dims(in_dims, args, api)
        size = _batch_size(leaves, dims, api)
        outputs = []
        state = default_generator.get_state() if randomness != "different" else None
        for i in range(size):
            if randomness == "same" and state is not None:
                default_generator.set_state(state)
            sample = [x if d is None else x.select(d, i) for x, d in zip(leaves, dims)]
            outputs.append(func(*rebuild(sample), **kwargs))
            if randomness == "error" and state is not None:
                _check_no_draws(state)
        return _stacked(outputs, out_dims, name)

    return wrapper


def _check_no_draws(state: Tensor) -> None:
    """randomness="error": the default generator must not have moved since ``state``."""
    if not np.array_equal(default_generator.get_state()._data, state._data):
        raise RuntimeError(
            "vmap: called random operation while in randomness error mode. Please either use "
            "the 'same' or 'different' randomness flags on vmap or perform the randomness "
            "operation out of vmap"
        )


def _leaf_dims(in_dims: Any, args: tuple[Any, ...], api: str) -> list[int | None]:
    """One mapped dimension (or None) per leaf of ``args``, from ``in_dims``."""
    if in_dims is None or isinstance(in_dims, bool) or not isinstance(in_dims, int | tuple):
        raise ValueError(
            f"{api}: expected `in_dims` to be int or a (potentially nested) tuple matching the "
            f"structure of inputs, got: {type(in_dims)}."
        )
    if isinstance(in_dims, tuple) and len(in_dims) != len(args):
        _incompatible(in_dims, args, api)
    return _dims_of(in_dims, args, in_dims, args, api)


def _dims_of(spec: Any, tree: Any, in_dims: Any, args: Any, api: str) -> list[int | None]:
    if spec is None or (isinstance(spec, int) and not isinstance(spec, bool)):
        return [spec] * len(flatten(tree)[0])
    if isinstance(spec, tuple | list) and isinstance(tree, tuple | list) and len(spec) == len(tree):
        return [d for s, t in zip(spec, tree) for d in _dims_of(s, t, in_dims, args, api)]
    if isinstance(spec, dict) and isinstance(tree, dict) and set(spec) == set(tree):
        return [d for k in tree for d in _dims_of(spec[k], tree[k], in_dims, args, api)]
    _incompatible(in_dims, args, api)
    raise AssertionError  # unreachable: _incompatible raises


def _incompatible(in_dims: Any, args: Any, api: str) -> None:
    raise ValueError(
        f"{api}: in_dims is not compatible with the structure of `inputs`. in_dims has "
        f"structure {structure(in_dims)} but inputs has structure {structure(args)}."
    )


def _batch_size(leaves: list[Any], dims: list[int | None], api: str) -> int:
    """The size of the mapped dimension, the same for every mapped tensor; negative dims are
    made positive in ``dims``."""
    sizes = []
    for k, (x, d) in enumerate(zip(leaves, dims)):
        if d is None:
            continue
        if not isinstance(x, Tensor):
            raise ValueError(
                f"{api}: Got in_dim={d} for an input but the input is of type {type(x)}. We "
                "cannot vmap over non-Tensor arguments, please use None as the respective in_dim"
            )
        if not -x.dim() <= d < x.dim():
            raise ValueError(
                f"{api}: Got in_dim={d} for some input, but that input is a Tensor of "
                f"dimensionality {x.dim()} so expected in_dim to satisfy -{x.dim()} <= in_dim "
                f"< {x.dim()}."
            )
        dims[k] = d % x.dim()
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if len(set(sizes)) > 1:
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, got "
            f"sizes {sizes} for the mapped dimension"
        )
    if sizes[0] == 0:
        raise ValueError(
            "vmap: the mapped dimension has size 0; minigrad's vmap runs the function once per "
            "sample, so it has no output to take the shape from (PyTorch's vmap, vectorised, "
            "returns an empty batch)"
        )
    return sizes[0]


def _stacked(outputs: list[Any], out_dims: Any, name: str) -> Any:
    """The samples' outputs stacked along ``out_dims`` (per output leaf)."""
    per_sample = [flatten(o)[0] for o in outputs]
    first, rebuild = flatten(outputs[0])
    if not (out_dims is None or isinstance(out_dims, int | tuple)):
        raise ValueError(
            f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must be an int, None or a "
            f"python collection of ints representing where in the outputs the vmapped "
            f"dimension should appear."
        )
    if isinstance(out_dims, tuple):
        template = outputs[0] if isinstance(outputs[0], tuple) else (outputs[0],)
        if len(out_dims) != len(template):
            raise ValueError(
                f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must have one dim per "
                f"output (got {len(template)} outputs) or be a single int or None"
            )
        dims = _dims_of(out_dims, template, out_dims, template, f"vmap({name}, ...)")
    else:
        dims = [out_dims] * len(first)
    stacked = []
    for k, (leaf, d) in enumerate(zip(first, dims)):
        column = [sample[k] for sample in per_sample]
        if d is None:
            if not all(_equal(leaf, other) for other in column[1:]):
                raise ValueError(
                    f"vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim "
                    "is None (its outputs differ between samples)"
                )
            stacked.append(leaf)
            continue
        if not isinstance(leaf, Tensor):
            raise ValueError(
                f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(leaf)}. "
                "Did you mean to set out_dims= to None for output?"
            )
        stacked.append(stack(column, dim=d))
    return rebuild(stacked)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return a.shape == b.shape and bool(np.array_equal(a._data, b._data))
    return bool(a == b)
