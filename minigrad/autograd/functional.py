"""``autograd.functional``: whole Jacobians and Hessians of a function, as PyTorch's.

Both are built from reverse-mode ``grad()``: one backward pass per output element (a row of
the Jacobian), with ``create_graph=True`` where a second derivative is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._missing import missing_attribute
from ..functions import stack
from ..grad_mode import enable_grad
from ..gradients import grad
from ..tensor import Tensor, _new_tensor


def _as_tuple(x: Any, arg: str, fn: str) -> tuple[bool, tuple[Any, ...]]:
    is_tuple = isinstance(x, tuple | list)
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"The {arg} given to {fn} must be either a Tensor or a tuple of Tensors but the "
                f"value at index {i} has type {type(t).__name__}."
            )
    return is_tuple, items


def _prepare(inputs: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    """Inputs that require grad: the tensors themselves (kept in the graph) under
    ``create_graph`` when they already require grad, else detached copies."""
    out = []
    for x in inputs:
        if x.dtype.kind not in "fc":
            raise TypeError(f"jacobian(): inputs must be floating point, got dtype {x.dtype}")
        if create_graph and x.requires_grad:
            out.append(x * 1)  # a new node in the same graph (PyTorch's view_as)
        else:
            out.append(x.detach().requires_grad_())
    return tuple(out)


def _check_strategy(vectorize: bool, strategy: str, fn: str) -> None:
    if strategy == "forward-mode":
        raise NotImplementedError(
            f"{fn}(): minigrad differentiates in reverse mode only; use "
            "strategy='reverse-mode' (the default)"
        )
    if strategy != "reverse-mode":
        raise ValueError(
            f'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: '
            f'{fn}() got strategy="{strategy}".'
        )


def jacobian(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of ``func`` at ``inputs``: d output[i...] / d input[j...].

    Args:
        func: a function of the input tensors returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        create_graph: make the result differentiable (for higher derivatives).
        strict: raise if an output does not depend on an input (instead of zeros).
        vectorize: accepted for compatibility; the rows are computed one by one either way.
        strategy: "reverse-mode" (forward mode is not available).

    Returns:
        One tensor of shape ``output.shape + input.shape`` when both are single tensors;
        a tuple over inputs, over outputs, or a tuple (per output) of tuples (per input) when
        they are tuples, as PyTorch returns.

    Raises:
        RuntimeError: in strict mode, naming the output and the input that are independent.
    """
    _check_strategy(vectorize, strategy, "jacobian")
    in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        xs = _prepare(ins, create_graph)
        out = func(*xs)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "jacobian")
        rows = [_jacobian_rows(o, i, xs, create_graph, strict) for i, o in enumerate(outs)]
    if not create_graph:
        rows = [[r.detach() for r in row] for row in rows]
    if out_tuple and in_tuple:
        return tuple(tuple(row) for row in rows)
    if out_tuple:
        return tuple(row[0] for row in rows)
    if in_tuple:
        return tuple(rows[0])
    return rows[0][0]


def _jacobian_rows(
    out: Tensor, k: int, xs: tuple[Tensor, ...], create_graph: bool, strict: bool
) -> list[Tensor]:
    """d out / d x for every x: one backward pass per element of ``out``."""
    per_input: list[list[Tensor]] = [[] for _ in xs]
    used = [False] * len(xs)
    if not out.requires_grad:
        if strict:
            raise RuntimeError(
                f"Output {k} of the user-provided function does not require gradients. The "
                "outputs must be computed in a differentiable manner from the input when "
                "running in strict mode."
            )
    else:
        for m in range(out.numel()):
            seed = np.zeros(out.shape, dtype=out.dtype)
            seed.reshape(-1)[m] = 1
            gs = grad(
                out,
                xs,
                _new_tensor(seed, None),
                retain_graph=True,
                create_graph=create_graph,
                allow_unused=True,
            )
            for i, (x, g) in enumerate(zip(xs, gs)):
                used[i] = used[i] or g is not None
                if g is None:
                    g = _new_tensor(np.zeros_like(x._data), None)
                per_input[i].append(g)
    if strict:
        for i, u in enumerate(used):
            if not u:
                raise RuntimeError(
                    f"Output {k} of the user-provided function is independent of input {i}. "
                    "This is not allowed in strict mode."
                )
    result = []
    for x, row in zip(xs, per_input):
        if not row:  # an output that does not depend on any input: zeros
            result.append(_new_tensor(np.zeros(out.shape + x.shape, dtype=x.dtype), None))
            continue
        result.append(stack(row).reshape(out.shape + x.shape))
    return result


def hessian(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar ``func`` at ``inputs``: d² output / d input[i...] d input[j...].

    Args:
        func: a function of the input tensors returning a tensor with a single element.
        inputs: a tensor or a tuple of tensors.
        create_graph: make the result differentiable.
        strict: raise if the output (or a first derivative) does not depend on an input.
        vectorize: accepted for compatibility.
        outer_jacobian_strategy: "reverse-mode" (forward mode is not available).

    Returns:
        A tensor of shape ``input.shape + input.shape`` for a single input; for a tuple of
        inputs, a tuple of tuples: ``result[i][j]`` has shape ``inputs[i].shape +
        inputs[j].shape``.

    Raises:
        RuntimeError: if ``func`` does not return a single-element tensor, or as ``jacobian``.
    """
    _check_strategy(vectorize, outer_jacobian_strategy, "hessian")
    in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs: Tensor) -> tuple[Tensor, ...]:
        out = func(*xs)
        _, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if len(outs) != 1:
            raise RuntimeError(
                "The function given in hessian should return a single Tensor, got "
                f"{len(outs)} of them"
            )
        if outs[0].numel() != 1:
            raise RuntimeError(
                "The Tensor returned by the function given to hessian should contain a single "
                f"element (got shape {outs[0].shape})"
            )
        o = outs[0].reshape(())
        if not o.requires_grad:
            if strict:
                raise RuntimeError(
                    "The output of the user-provided function does not require gradients. "
                    "The outputs must be computed in a differentiable manner from the input "
                    "when running in strict mode."
                )
            return tuple(_new_tensor(np.zeros_like(x._data), None) for x in xs)
        gs = grad(o, xs, create_graph=True, allow_unused=True)
        found = []
        for i, (x, g) in enumerate(zip(xs, gs)):
            if g is None:
                if strict:
                    raise RuntimeError(
                        f"The output of the user-provided function is independent of input {i}."
                        " This is not allowed in strict mode."
                    )
                g = _new_tensor(np.zeros_like(x._data), None)
            found.append(g)
        return tuple(found)

    res = jacobian(gradient, ins, create_graph=create_graph, strict=strict)
    if not in_tuple:
        return res[0][0]
    return res


# A PyTorch name this module does not have: the error says so and points to the docs.
__getattr__ = missing_attribute("minigrad.autograd.functional", "torch.autograd.functional")
