"""The differentiating transforms of ``torch.func``: ``grad``, ``grad_and_value``, ``vjp``,
``jvp``, ``jacrev``, ``jacfwd`` and ``hessian``, built on minigrad's reverse mode.

Each transform calls the function on its own copies of the differentiated arguments (new
leaves that require grad, or views of them when they already require grad) and takes
``autograd.grad`` of the result with respect to those copies. The result is recorded
(``create_graph=True``) only when something outside can differentiate it further: an argument
that requires grad (an enclosing transform made it so) or a tensor the function captured that
requires grad. So ``jacrev(jacrev(f))``, ``vmap(grad(f))`` and ``grad`` of a function that
uses ``grad`` compose, and the outermost transform pays for no second-order graph.

Forward mode is not implemented: ``jvp`` and ``jacfwd`` use the double-vjp trick. The vjp
``u -> J^T u`` is linear in ``u``, so differentiating it with respect to ``u`` in the direction
``v`` gives ``J v``; ``jacfwd`` takes the columns ``J e_n`` that way (one backward pass per
input element, as forward mode takes one pass per input element).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..autograd.functional import _grads, _jacobian_rows
from ..creation import ones_like, zeros, zeros_like
from ..functions import stack
from ..grad_mode import enable_grad
from ..gradients import Repeated
from ..gradients import grad as autograd_grad
from ..tensor import Tensor, _new_tensor
from .batching import check_randomness
from .tree import Rebuild, flatten, map_leaves, structure

Argnums = int | tuple[int, ...]


# ---------------------------------------------------------------------------------------------
# One call of a transformed function


def _check_argnums(argnums: Any, nargs: int) -> list[int]:
    """The positions ``argnums`` names among ``nargs`` arguments, checked as PyTorch checks."""
    items = argnums if isinstance(argnums, tuple) else (argnums,)
    if not isinstance(argnums, int | tuple) or not all(isinstance(a, int) for a in items):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if not items:
        raise RuntimeError("argnums must be non-empty")
    if len(set(items)) != len(items):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    for a in items:
        if isinstance(a, bool) or not -nargs <= a < nargs:
            raise RuntimeError(f"Got argnum={a}, but only {nargs} positional inputs")
    return [a % nargs for a in items]


class _Call:
    """The arguments of one call with the differentiated ones (``argnums``) replaced by fresh
    tensors that require grad: ``inputs`` are those tensors, in order."""

    def __init__(self, args: tuple[Any, ...], argnums: Argnums) -> None:
        positions = _check_argnums(argnums, len(args))
        self.single = not isinstance(argnums, tuple)
        chosen = tuple(args[p] for p in positions)
        leaves, self._rebuild = flatten(chosen)
        for leaf in leaves:
            if not isinstance(leaf, Tensor):
                raise ValueError(f"Thing passed to transform API must be Tensor, got {type(leaf)}")
            if leaf.dtype.kind not in "fc":
                raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.originals = leaves
        self.nested = any(leaf.requires_grad for leaf in leaves)
        self.inputs: list[Tensor] = [
            leaf.view_as(leaf) if leaf.requires_grad else leaf.detach().requires_grad_()
            for leaf in leaves
        ]
        new = list(args)
        for p, arg in zip(positions, self._rebuild(self.inputs)):
            new[p] = arg
        self.args = tuple(new)

    def like_arguments(self, per_input: Sequence[Any]) -> Any:
        """One value per input, arranged as the differentiated arguments: the argument's
        structure for an int ``argnums``, a tuple of them for a tuple."""
        arranged = self._rebuild(list(per_input))
        return arranged[0] if self.single else arranged

    def records(self, results: Sequence[Any]) -> bool:
        """Whether the derivatives must be recorded: an input requires grad, or ``results``
        depend on a tensor that requires grad other than the inputs (a captured one)."""
        return self.nested or _depends_on_other_leaves(results, self.inputs)


def _depends_on_other_leaves(results: Sequence[Any], own: Sequence[Tensor]) -> bool:
    """True if the graph of ``results`` reaches a leaf that requires grad other than ``own``."""
    own_ids = {id(t) for t in own}
    nodes = []
    for t in results:
        if isinstance(t, Tensor) and t.requires_grad:
            if t.grad_fn is None and id(t) not in own_ids:
                return True
            if t.grad_fn is not None:
                nodes.append(t.grad_fn)
    seen: set[int] = set()
    while nodes:
        node = nodes.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for edge in getattr(node, "edges", ()):
            if isinstance(edge, Tensor):
                if edge.requires_grad and id(edge) not in own_ids:
                    return True
            elif edge is not None:
                nodes.append(edge)
    return False


def _split_aux(output: Any, has_aux: bool, api: str) -> tuple[Any, Any]:
    """``(output, aux)`` of a function called with ``has_aux=True``; ``(output, None)`` else."""
    if not has_aux:
        return output, None
    if not isinstance(output, tuple) or len(output) != 2:
        raise RuntimeError(
            f"{api}: output of function f should be a tuple: (output, aux) if has_aux is True"
        )
    return output


def _tensor_leaves(output: Any, api: str, what: str) -> tuple[list[Tensor], Rebuild]:
    leaves, rebuild = flatten(output)
    for leaf in leaves:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(
                f"{api}: expected {what} to return only tensors, got unsupported type {type(leaf)}"
            )
    return leaves, rebuild


def _finish(tree: Any, record: bool) -> Any:
    """``tree`` as returned to the caller: its tensors detached unless the call records."""
    if record:
        return tree
    return map_leaves(lambda t: t.detach() if isinstance(t, Tensor) else t, tree)


def _vjp(
    outputs: Sequence[Tensor],
    cotangents: Sequence[Tensor],
    inputs: Sequence[Tensor],
    record: bool,
    again: Repeated | None = None,
) -> list[Tensor]:
    """``sum_k cotangent_k^T d output_k / d input`` for every input; zeros where unused (the
    graph is kept: a ``vjp_fn`` may be called again, with ``again`` walked once for all
    calls: ``Repeated`` of the outputs that require grad)."""
    found = _grads(tuple(outputs), tuple(inputs), tuple(cotangents), record, False, "", again)
    return list(found)


# ---------------------------------------------------------------------------------------------
# grad, grad_and_value


def grad_and_value(
    func: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """``func`` transformed to return ``(gradient, value)`` of its scalar output.

    Args:
        func: a function returning a tensor of zero dimensions (and, with ``has_aux``, a
            second value returned as it is).
        argnums: the argument (an int) or arguments (a tuple) to differentiate with respect
            to; an argument may be a tensor or a tuple, list or dict of tensors.
        has_aux: ``func`` returns ``(output, aux)``.

    Returns:
        A function returning ``(gradient, value)``, or ``(gradient, (value, aux))`` with
        ``has_aux``. The gradient has the structure of the argument (a tuple of them for a
        tuple ``argnums``); zeros for an argument the output does not depend on.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        api = "grad_and_value(f)(*args)"
        with enable_grad():
            call = _Call(args, argnums)
            output, aux = _split_aux(func(*call.args, **kwargs), has_aux, api)
            if not isinstance(output, Tensor):
                raise RuntimeError(
                    f"{api}: Expected f(*args) to return a Tensor, got {type(output)}"
                )
            if output.dim() != 0:
                raise RuntimeError(
                    f"{api}: Expected f(*args) to return a scalar Tensor, got tensor with "
                    f"{output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
                )
            record = call.records([output, *flatten(aux)[0]])
            grads = _vjp([output], [ones_like(output)], call.inputs, record)
        gradient = call.like_arguments(grads)
        value = _finish(output, record)
        return (gradient, (value, _finish(aux, record))) if has_aux else (gradient, value)

    return wrapper


def grad(
    func: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """``func`` transformed to return the gradient of its scalar output (``torch.func.grad``).

    As ``grad_and_value`` without the value: the function returns the gradient, or
    ``(gradient, aux)`` with ``has_aux``. ``grad(grad(f))`` is the second derivative of a
    scalar function of a scalar, and ``vmap(grad(f))`` gives per-sample gradients.
    """
    both = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gradient, value = both(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient

    return wrapper


# ---------------------------------------------------------------------------------------------
# vjp, jvp


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """``func(*primals)`` and the function ``vjp_fn(cotangents)`` giving ``cotangents^T J``.

    ``cotangents`` has the structure of the output; ``vjp_fn`` returns a tuple with one entry
    per primal (of that primal's structure), and may be called many times (``vmap(vjp_fn)``
    gives the rows of the Jacobian, one call per row).

    Returns:
        ``(output, vjp_fn)``, or ``(output, vjp_fn, aux)`` with ``has_aux``.
    """
    api = "vjp(f, *primals)"
    with enable_grad():
        call = _Call(primals, tuple(range(len(primals))))
        output, aux = _split_aux(func(*call.args), has_aux, api)
        outs, _ = _tensor_leaves(output, api, "f(*primals)")
        record = call.records([*outs, *flatten(aux)[0]])
    live = [o for o in outs if o.requires_grad]
    again = Repeated(live, call.inputs) if live else None  # one graph walk for every call

    def vjp_fn(cotangents: Any) -> tuple[Any, ...]:
        given, _ = flatten(cotangents)
        if structure(cotangents) != structure(output):
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure of "
                f"outputs to the function. cotangents: {structure(cotangents)}, primal output: "
                f"{structure(output)}"
            )
        for k, (c, o) in enumerate(zip(given, outs)):
            if not isinstance(c, Tensor) or c.shape != o.shape:
                shape = c.shape if isinstance(c, Tensor) else type(c).__name__
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{k}] has a shape of {shape} and "
                    f"output[{k}] has a shape of {o.shape}."
                )
        record_again = record or any(c.requires_grad for c in given)
        with enable_grad():
            grads = _vjp(outs, given, call.inputs, record_again, again)
        return tuple(call.like_arguments(grads))

    result = (_finish(output, record), vjp_fn)
    return (*result, _finish(aux, record)) if has_aux else result


def _check_tangents(primals: Any, tangents: Any) -> list[Tensor]:
    api = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(
            f"{api}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals)."
        )
    if structure(primals) != structure(tangents):
        raise RuntimeError(
            f"{api}: Expected primals and tangents to have the same python structure. For "
            "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals "
            f"with structure {structure(primals)} and tangents with structure "
            f"{structure(tangents)}"
        )
    given, _ = flatten(tangents)
    for p, t in zip(flatten(primals)[0], given):
        if not isinstance(t, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(t)}")
        if isinstance(p, Tensor) and t.shape != p.shape:
            raise RuntimeError(
                "Trying to set a forward gradient that has a different size than that of the "
                f"original Tensor, this is not supported. Tensor is of size {list(p.shape)} "
                f"while the given forward gradient is of size {list(t.shape)}."
            )
    return given


def _transposed_vjp(
    outs: Sequence[Tensor], inputs: Sequence[Tensor]
) -> tuple[list[Tensor], list[Tensor | None]]:
    """The first half of the double-vjp trick: vectors ``u`` (one per output that requires
    grad, zeros that require grad) and ``J^T u`` per input, recorded (None where unused)."""
    live = [o for o in outs if o.requires_grad]
    us = [zeros_like(o).requires_grad_() for o in live]
    if not live:
        return us, [None] * len(inputs)
    back = autograd_grad(
        live, list(inputs), us, retain_graph=True, create_graph=True, allow_unused=True
    )
    return us, [b if b is not None and b.requires_grad else None for b in back]


def _spread(outs: Sequence[Tensor], found: Sequence[Tensor | None]) -> list[Tensor]:
    """Values per output that requires grad (``found``) spread over all ``outs``, zeros
    elsewhere and where None."""
    values = iter(found)
    spread = []
    for o in outs:
        g = next(values) if o.requires_grad else None
        spread.append(zeros_like(o) if g is None else g)
    return spread


def jvp(
    func: Callable[..., Any],
    primals: tuple[Any, ...],
    tangents: tuple[Any, ...],
    *,
    strict: bool = False,
    has_aux: bool = False,
) -> tuple[Any, ...]:
    """``(func(*primals), J @ tangents)``: the Jacobian-vector product.

    Computed by the double-vjp trick (reverse mode twice; see the module's docstring), so
    ``func`` must be twice differentiable in reverse mode; the values are forward mode's.
    ``tangents`` has the structure of ``primals``; the product has the output's.

    Returns:
        ``(output, jvp_out)``, or ``(output, jvp_out, aux)`` with ``has_aux``.
    """
    api = "jvp(f, primals, tangents)"
    if strict:
        raise RuntimeError(f"{api}: strict=True is not supported (nor is it by PyTorch)")
    given = _check_tangents(primals, tangents)
    with enable_grad():
        call = _Call(primals, tuple(range(len(primals)))) if primals else None
        if call is None:
            raise RuntimeError(f"{api}: Expected primals to be a non-empty tuple")
        output, aux = _split_aux(func(*call.args), has_aux, api)
        outs, rebuild = _tensor_leaves(output, api, "f(*primals)")
        record = call.records([*outs, *flatten(aux)[0]]) or any(t.requires_grad for t in given)
        us, back = _transposed_vjp(outs, call.inputs)
        pairs = [(b, t) for b, t in zip(back, given) if b is not None]
        found = _vjp([b for b, _ in pairs], [t for _, t in pairs], us, record)
        products = rebuild(_spread(outs, found))
    result = (_finish(output, record), _finish(products, record))
    return (*result, _finish(aux, record)) if has_aux else result


# ---------------------------------------------------------------------------------------------
# jacrev, jacfwd, hessian


def _jacobian_transform(
    func: Callable[..., Any],
    argnums: Argnums,
    has_aux: bool,
    api: str,
    columns: bool,
) -> Callable[..., Any]:
    """``jacrev`` (rows: one backward pass per output element) or ``jacfwd`` (columns: one
    pass per input element, by the double-vjp trick)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with enable_grad():
            call = _Call(args, argnums)
            output, aux = _split_aux(func(*call.args, **kwargs), has_aux, api)
            outs, rebuild = _tensor_leaves(output, api, "f(*primals)")
            record = call.records([*outs, *flatten(aux)[0]])
            if columns:
                jac = _jacobian_by_columns(outs, call.inputs, record)
            else:
                jac = [
                    _jacobian_rows(o, k, tuple(call.inputs), record, False)
                    for k, o in enumerate(outs)
                ]
        result = rebuild([call.like_arguments(row) for row in jac])
        return (result, _finish(aux, record)) if has_aux else result

    return wrapper


def _jacobian_by_columns(
    outs: Sequence[Tensor], inputs: Sequence[Tensor], record: bool
) -> list[list[Tensor]]:
    """``jac[k][j]`` of shape ``outs[k].shape + inputs[j].shape``: column ``n`` of input ``j``
    is the vjp of ``J^T u`` with respect to ``u`` with the unit vector ``e_n``."""
    us, back = _transposed_vjp(outs, inputs)
    jac: list[list[Tensor]] = [[] for _ in outs]
    for x, b in zip(inputs, back):
        cols: list[list[Tensor]] = [[] for _ in outs]
        columns = Repeated([b], us) if b is not None else None  # one walk for all columns
        for n in range(x.numel() if columns is not None else 0):
            seed = np.zeros(x.numel(), dtype=b._data.dtype)  # type: ignore[union-attr]
            seed[n] = 1
            seed = seed.reshape(x.shape)
            found = columns.run(  # type: ignore[union-attr]
                [_new_tensor(seed, None) if record else seed], True, record
            )
            for k, column in enumerate(_spread(outs, found)):
                cols[k].append(column)
        for k, o in enumerate(outs):
            if cols[k]:
                jac[k].append(stack(cols[k], dim=-1).reshape(tuple(o.shape) + tuple(x.shape)))
            else:
                jac[k].append(zeros(tuple(o.shape) + tuple(x.shape), dtype=o.dtype))
    return jac


def jacrev(
    func: Callable[..., Any],
    argnums: Argnums = 0,
    *,
    has_aux: bool = False,
    chunk_size: int | None = None,
    _preallocate_and_copy: bool = False,
) -> Callable[..., Any]:
    """``func`` transformed to return its Jacobian with respect to the ``argnums`` arguments,
    in reverse mode: one backward pass per output element (a row of the Jacobian).

    The Jacobian of an output of shape ``O`` with respect to an input of shape ``I`` has
    shape ``O + I``. For several outputs (a tuple or dict), the result has the output's
    structure; for a tuple ``argnums``, each entry is a tuple over the arguments.
    ``chunk_size`` is accepted and changes nothing (the rows are computed one by one).

    Returns:
        The Jacobian, or ``(jacobian, aux)`` with ``has_aux``.
    """
    _check_chunk_size(chunk_size)
    return _jacobian_transform(func, argnums, has_aux, "vjp(f, *primals)", columns=False)


def jacfwd(
    func: Callable[..., Any],
    argnums: Argnums = 0,
    has_aux: bool = False,
    *,
    randomness: str = "error",
) -> Callable[..., Any]:
    """``func`` transformed to return its Jacobian column by column (one pass per input
    element), as forward mode does; the same result as ``jacrev``.

    minigrad has no forward mode: each column ``J e_n`` is computed by the double-vjp trick
    (two reverse passes, the first shared by all columns), so ``func`` must be twice
    differentiable in reverse mode. Prefer it to ``jacrev`` when the function has fewer
    inputs than outputs. ``randomness`` is checked as PyTorch checks it; ``func`` runs once.

    Returns:
        The Jacobian, or ``(jacobian, aux)`` with ``has_aux``.
    """
    check_randomness(randomness)
    return _jacobian_transform(func, argnums, has_aux, "jvp(f, primals, tangents)", columns=True)


def hessian(func: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """``func`` transformed to return its Hessian: ``jacfwd(jacrev(func, argnums), argnums)``,
    as PyTorch composes it. For an output of shape ``O`` and an input of shape ``I``, the
    Hessian has shape ``O + I + I``."""
    return jacfwd(jacrev(func, argnums), argnums)


def _check_chunk_size(chunk_size: int | None) -> None:
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
