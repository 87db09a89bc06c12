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
from ..gradients import Repeated, grad
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
    """PyTorch's checks of ``strategy``. "forward-mode" needs ``vectorize=True``, as in
    PyTorch; the values are then computed in reverse mode (the same numbers)."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError(
            f'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: '
            f'{fn}() got strategy="{strategy}".'
        )
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
            f"implemented for `vectorize=True` ({fn}(strategy='forward-mode'))."
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
        vectorize: accepted; the rows are computed one by one either way (with ``strict``,
            refused as PyTorch refuses it).
        strategy: "reverse-mode", or "forward-mode" (with ``vectorize=True``, as PyTorch
            requires), whose values minigrad computes in reverse mode.

    Returns:
        One tensor of shape ``output.shape + input.shape`` when both are single tensors;
        a tuple over inputs, over outputs, or a tuple (per output) of tuples (per input) when
        they are tuples, as PyTorch returns.

    Raises:
        RuntimeError: in strict mode, naming the output and the input that are independent.
    """
    _check_strategy(vectorize, strategy, "jacobian")
    if strict and vectorize:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
            "supported together. Please either set `strict=False` or `vectorize=False`."
        )
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
    """d out / d x for every x: one backward pass per element of ``out`` (each pass as
    ``grad(out, xs, one_hot, retain_graph=True, allow_unused=True)``, the graph walked for the
    nodes that lead to ``xs`` once for all of them)."""
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
        rows = Repeated([out], xs)  # the graph walked once for all rows
        for m in range(out.numel()):
            seed = np.zeros(out.shape, dtype=out.dtype)
            seed.reshape(-1)[m] = 1
            gs = rows.run([_new_tensor(seed, None) if create_graph else seed], True, create_graph)
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
        vectorize: accepted, as in ``jacobian``.
        outer_jacobian_strategy: as ``jacobian``'s ``strategy``.

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

    res = jacobian(gradient, ins, create_graph=create_graph, strict=strict, vectorize=vectorize)
    if not in_tuple:
        return res[0][0]
    return res


# ---------------------------------------------------------------------------------------------
# Products with a vector: vjp, jvp, vhp, hvp (PyTorch's functions, built on grad() as PyTorch's)


def _check_v(v: Any, like: tuple[Tensor, ...], is_tuple: bool, fn: str, of: str) -> tuple[Any, ...]:
    """``v`` as a tuple matching ``like`` (the outputs or the inputs), checked as PyTorch
    checks it; None is allowed only where ``like`` is one single-element tensor."""
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise RuntimeError(
                f"The vector v can only be None if the {of} is a single Tensor with a single "
                "element."
            )
        return (_new_tensor(np.ones(like[0].shape, dtype=like[0]._data.dtype), None),)
    _, vs = _as_tuple(v, "v", fn)
    if len(vs) != len(like):
        raise RuntimeError(
            f"v is a tuple of invalid length: should be {len(like)} but got {len(vs)}."
        )
    for i, (a, b) in enumerate(zip(vs, like)):
        if a.shape != b.shape:
            where = f"Entry {i} in " if is_tuple else ""
            raise RuntimeError(f"{where}v has invalid size: should be {b.shape} but got {a.shape}.")
    return vs


def _call(
    func: Callable[..., Any], xs: tuple[Tensor, ...], fn: str
) -> tuple[bool, tuple[Tensor, ...]]:
    out = func(*xs)
    return _as_tuple(out, "outputs of the user-provided function", fn)


def _check_outputs_require_grad(outs: tuple[Tensor, ...], strict: bool) -> None:
    if strict:
        for i, o in enumerate(outs):
            if not o.requires_grad:
                raise RuntimeError(
                    f"Output {i} of the user-provided function does not require gradients. The "
                    "outputs must be computed in a differentiable manner from the input when "
                    "running in strict mode."
                )


def _grads(
    outs: tuple[Tensor, ...],
    xs: tuple[Tensor, ...],
    seeds: tuple[Tensor, ...],
    create_graph: bool,
    strict: bool,
    independent: str,
    again: Repeated | None = None,
) -> tuple[Tensor, ...]:
    """grad(outs, xs, seeds), zeros where an x gets none (in strict mode, an error whose
    message is ``independent`` with the input's index). ``again``, if given, is
    ``Repeated(the outs that require grad, xs)``, kept by a caller that calls this repeatedly
    (``vjp_fn``), so the graph is walked once for all calls."""
    pairs = [(o, s) for o, s in zip(outs, seeds) if o.requires_grad]
    found: tuple[Any, ...] = (None,) * len(xs)
    if pairs:
        if again is None:
            again = Repeated([o for o, _ in pairs], xs)
        found = again([s for _, s in pairs], True, create_graph)
    result = []
    for i, (x, g) in enumerate(zip(xs, found)):
        if g is None:
            if strict:
                raise RuntimeError(independent.format(i=i))
            g = _new_tensor(np.zeros_like(x._data), None)
        result.append(g)
    return tuple(result)


def _finish(values: tuple[Tensor, ...], create_graph: bool, is_tuple: bool) -> Any:
    if not create_graph:
        values = tuple(v.detach() for v in values)
    return values if is_tuple else values[0]


def vjp(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(inputs), v^T J)``: the vector-Jacobian product, one backward pass.

    ``v`` has the shape of the output (a tuple for a tuple of outputs); it may be None when
    the output is a single element. The product has the structure of ``inputs``; zeros for an
    input the output does not depend on (an error with ``strict=True``).
    """
    in_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        xs = _prepare(ins, create_graph)
        out_tuple, outs = _call(func, xs, "vjp")
        _check_outputs_require_grad(outs, strict)
        vs = _check_v(v, outs, out_tuple, "vjp", "user-provided function returns")
        products = _grads(
            outs,
            xs,
            vs,
            create_graph,
            strict,
            "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
        )
    return _finish(outs, create_graph, out_tuple), _finish(products, create_graph, in_tuple)


def jvp(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(inputs), J v)``: the Jacobian-vector product, by PyTorch's double backward trick
    (reverse mode twice: the vjp with a vector u is linear in u, and its vjp with ``v`` is
    J v), so ``func`` must be twice differentiable in reverse mode.

    ``v`` has the shape of the input (a tuple for a tuple of inputs); it may be None when the
    input is a single element. The product has the structure of the outputs.
    """
    in_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
    vs = _check_v(v, ins, in_tuple, "jvp", "input to the user-provided function")
    with enable_grad():
        xs = _prepare(ins, create_graph)
        out_tuple, outs = _call(func, xs, "jvp")
        _check_outputs_require_grad(outs, strict)
        us = tuple(_new_tensor(np.zeros_like(o._data), None).requires_grad_() for o in outs)
        back = _grads(outs, xs, us, True, strict=False, independent="")
        products = _grads(
            back,
            us,
            vs,
            create_graph,
            strict,
            "The gradient with respect to the input is independent of entry {i} in the "
            "grad_outputs when using the double backward trick to compute forward mode "
            "gradients. This is not allowed in strict mode.",
        )
    return _finish(outs, create_graph, out_tuple), _finish(products, create_graph, out_tuple)


def _scalar_output(func: Callable[..., Any], xs: tuple[Tensor, ...], fn: str) -> Tensor:
    _, outs = _call(func, xs, fn)
    if len(outs) != 1:
        raise RuntimeError(
            f"The function given in {fn} should return a single Tensor, got {len(outs)} of them"
        )
    if outs[0].numel() != 1:
        raise RuntimeError(
            f"The Tensor returned by the function given to {fn} should contain a single element"
        )
    return outs[0]


_HESSIAN_INDEPENDENT = (
    "While computing the hessian, found that the jacobian of the user-provided function with "
    "respect to input {i} is independent of the input. This is not allowed in strict mode. You "
    "should ensure that your function is thrice differentiable and that the hessian depends on "
    "the inputs."
)


def _first_derivative(
    func: Callable[..., Any], ins: tuple[Tensor, ...], create_graph: bool, strict: bool, fn: str
) -> tuple[Tensor, tuple[Tensor, ...], tuple[Tensor, ...]]:
    """The output, the recorded inputs and the gradient (recorded) of a scalar ``func``."""
    xs = _prepare(ins, create_graph)
    out = _scalar_output(func, xs, fn)
    _check_outputs_require_grad((out,), strict)
    jac = _grads(
        (out,),
        xs,
        (_new_tensor(np.ones(out.shape, dtype=out._data.dtype), None),),
        True,
        strict,
        "The output of the user-provided function is independent of input {i}. This is not "
        "allowed in strict mode.",
    )
    if strict:
        for i, g in enumerate(jac):
            if not g.requires_grad:
                raise RuntimeError(_HESSIAN_INDEPENDENT.format(i=i))
    return out, xs, jac


def vhp(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(inputs), v^T H)`` for a scalar ``func``: the vector-Hessian product, the vjp of
    its gradient. ``v`` and the product have the structure of ``inputs``."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "vhp")
    vs = _check_v(v, ins, in_tuple, "vhp", "input to the user-provided function")
    with enable_grad():
        out, xs, jac = _first_derivative(func, ins, create_graph, strict, "vhp")
        products = _grads(jac, xs, vs, create_graph, strict, _HESSIAN_INDEPENDENT)
    return _finish((out,), create_graph, False), _finish(products, create_graph, in_tuple)


def hvp(
    func: Callable[..., Any],
    inputs: Tensor | tuple[Tensor, ...],
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(inputs), H v)`` for a scalar ``func``: the Hessian-vector product, by the double
    backward trick as PyTorch (equal to ``vhp`` where the Hessian is symmetric)."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "hvp")
    vs = _check_v(v, ins, in_tuple, "hvp", "input to the user-provided function")
    with enable_grad():
        out, xs, jac = _first_derivative(func, ins, create_graph, strict, "hvp")
        us = tuple(_new_tensor(np.zeros_like(x._data), None).requires_grad_() for x in xs)
        back = _grads(jac, xs, us, True, strict=False, independent="")
        products = _grads(back, us, vs, create_graph, strict, _HESSIAN_INDEPENDENT)
    return _finish((out,), create_graph, False), _finish(products, create_graph, in_tuple)


# A PyTorch name this module does not have: the error says so and points to the docs.
__getattr__ = missing_attribute("minigrad.autograd.functional", "torch.autograd.functional")
