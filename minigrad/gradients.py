"""``grad()`` and ``backward()``, PyTorch's entry points to the engine's walk.

Each checks its outputs, inputs and seed gradients (``_seed``, shared with
``Tensor.backward``), then runs ``engine.run_backward``: ``grad()`` captures the gradients
reaching its inputs and returns them, ``backward()`` accumulates them into ``.grad``; both run
only the nodes that lead to their inputs (``graph.leading_to``). Like the engine, this module
knows no Tensor class (a tensor is anything with a ``._data`` array).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeGuard

import numpy as np

from .engine import TensorMakers, accumulate, run_backward
from .graph import leading_to

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["backward", "grad"]

_capturing: ContextVar[bool] = ContextVar("capturing", default=False)


def _is_checkpoint_valid() -> bool:
    """False while ``grad()`` or ``backward(inputs=...)`` runs (PyTorch's
    ``torch.autograd._is_checkpoint_valid``): the reentrant ``utils.checkpoint`` refuses those
    walks, since its inner backward would accumulate into ``.grad`` what they must return."""
    return not _capturing.get()


def _is_tensor(x: Any) -> TypeGuard[Tensor]:
    return hasattr(x, "_data")


def _seed(t: Tensor, gradient: Any, where: str, create_graph: bool, index: int = 0) -> Any:
    """Check and build the gradient that starts a backward pass from ``t``, the ``index``-th
    of the outputs given (PyTorch's refusal names it)."""
    if not t.requires_grad:
        raise RuntimeError(
            f"element {index} of tensors does not require grad and does not have a grad_fn "
            f"(in {where}(): set requires_grad=True on the inputs you want gradients for)"
        )
    if gradient is None:
        if t._data.size != 1:
            raise RuntimeError(
                f"{where}(): gradient can be implied only for a one-element output; this "
                f"tensor has shape {t._data.shape}: pass gradient= of that shape"
            )
        seed = np.array(1, dtype=t._data.dtype)  # (np.ones is slower for one element)
        if t._data.ndim:
            seed = seed.reshape(t._data.shape)
        return TensorMakers.wrap(seed, None) if create_graph else seed
    g = gradient._data if _is_tensor(gradient) else np.asarray(gradient)
    if g.shape != t._data.shape:
        raise ValueError(
            f"{where}(): gradient has shape {tuple(g.shape)} but the output has shape "
            f"{t._data.shape}"
        )
    if g.dtype.kind not in "fc":
        raise TypeError(f"{where}(): gradient must be floating point, got dtype {g.dtype}")
    if not np.all(np.isfinite(g)):
        raise ValueError(f"{where}(): gradient contains NaN or inf")
    g = g.astype(t._data.dtype, copy=True)
    if create_graph:
        if _is_tensor(gradient):  # keep it in the graph: grad of grad may need it
            return gradient if gradient.dtype == t.dtype else gradient.astype(t.dtype)
        return TensorMakers.wrap(g, None)
    return g


def _grad_outputs(outs: list[Tensor], given: Any, where: str, arg: str) -> list[Any]:
    """One gradient (or None) per output, from a tensor, an array, None or a sequence."""
    if given is None or isinstance(given, np.ndarray) or _is_tensor(given):
        if len(outs) == 1 or given is None:
            return [given] * len(outs)
        gos = None
    else:
        gos = list(given)
    if gos is None or len(gos) != len(outs):
        n = 1 if gos is None else len(gos)
        raise RuntimeError(
            f"{where}(): {arg} should be a sequence of length {len(outs)} (one per output), "
            f"got length {n}"
        )
    return gos


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """Gradients of ``outputs`` with respect to ``inputs``, returned (``.grad`` is untouched).

    PyTorch's ``torch.autograd.grad``, with its arguments in its order.

    Args:
        outputs: a tensor or a sequence of tensors to differentiate.
        inputs: the tensors to differentiate with respect to (leaves or not).
        grad_outputs: d(loss)/d(output) per output (a tensor, or a sequence with None for
            one-element outputs); may be omitted when every output has one element.
        retain_graph: keep the graph for another backward (defaults to ``create_graph``).
        create_graph: record the computation, so the result can be differentiated again.
        only_inputs: accepted for compatibility; ignored, as in PyTorch.
        allow_unused: return None for an input the outputs do not depend on, instead of
            raising (defaults to ``materialize_grads``).
        is_grads_batched: must be False (minigrad has no batched backward pass).
        materialize_grads: return zeros instead of None for unused inputs.

    Returns:
        One gradient per input, in order.

    Raises:
        RuntimeError: PyTorch's errors, for an input that does not require grad or is unused,
            an output that does not require grad, or a freed graph.
    """
    if is_grads_batched:
        raise NotImplementedError(
            "grad(): is_grads_batched=True is not supported: minigrad has no batched backward "
            "pass; call grad() once per row of grad_outputs (minigrad.func.vmap over a function "
            "that calls grad() does that loop)"
        )
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False."
        )
    allow = materialize_grads if allow_unused is None else allow_unused
    outs = [outputs] if _is_tensor(outputs) else list(outputs)
    ins = [inputs] if _is_tensor(inputs) else list(inputs)
    gos = _grad_outputs(outs, grad_outputs, "grad", "grad_outputs")
    retain = create_graph if retain_graph is None else retain_graph
    return Repeated(outs, ins)(gos, retain, create_graph, allow, materialize_grads)


class Repeated:
    """``grad()`` of the same ``outputs`` with respect to the same ``inputs``, called again and
    again with other ``grad_outputs`` (a Jacobian's rows, ``vjp_fn``'s calls).

    The inputs are checked and the graph is walked for the nodes that lead to them
    (``graph.leading_to``) once, when made; each call then runs only the engine's walk. The
    recorded graph does not change between calls (an op's edges are fixed when it is recorded;
    ``create_graph`` adds consumers, never producers), so each call returns what a fresh
    ``grad()`` with the same arguments returns, bit for bit. Calls before the last must retain
    the graph.
    """

    def __init__(self, outputs: Sequence[Tensor], inputs: Sequence[Tensor]) -> None:
        for t in inputs:
            if not t.requires_grad:
                raise RuntimeError(
                    "One of the differentiated Tensors does not require grad (grad(): set "
                    "requires_grad=True on every input)"
                )
        self.outputs, self.inputs = list(outputs), list(inputs)
        self.needed = leading_to(self.outputs, self.inputs)

    def __call__(
        self,
        grad_outputs: Sequence[Any],
        retain_graph: bool = True,
        create_graph: bool = False,
        allow_unused: bool = True,
        materialize_grads: bool = False,
    ) -> tuple[Tensor | None, ...]:
        """``grad(outputs, inputs, grad_outputs, ...)``: one gradient (or None) per input;
        ``grad_outputs`` has one entry (None for a one-element output) per output."""
        seeds = [
            _seed(o, g, "grad", create_graph, i)
            for i, (o, g) in enumerate(zip(self.outputs, grad_outputs))
        ]
        return self.run(seeds, retain_graph, create_graph, allow_unused, materialize_grads)

    def run(
        self,
        seeds: Sequence[Any],
        retain_graph: bool = True,
        create_graph: bool = False,
        allow_unused: bool = True,
        materialize_grads: bool = False,
    ) -> tuple[Tensor | None, ...]:
        """As calling it, with ``seeds`` as ``_seed`` makes them and so unchecked: per output,
        a fresh array of its shape and dtype (a Tensor under ``create_graph``). For seeds
        made inside minigrad (a Jacobian's one-hot rows), whose checks would cost more than
        the walk of a small graph."""
        ins = self.inputs
        token = _capturing.set(True)
        try:
            found = run_backward(
                self.outputs, seeds, retain_graph, create_graph, capture=ins, needed=self.needed
            )
        finally:
            _capturing.reset(token)
        result: list[Tensor | None] = []
        for t, g in zip(ins, found or []):
            if g is None:
                if not allow_unused:
                    raise RuntimeError(
                        "One of the differentiated Tensors appears to not have been used in "
                        "the graph. Set allow_unused=True if this is the desired behavior."
                    )
                result.append(
                    TensorMakers.wrap(np.zeros_like(t._data), None) if materialize_grads else None
                )
                continue
            if not _is_tensor(g):
                g = TensorMakers.wrap(np.asarray(g, dtype=t._data.dtype), None)
            result.append(g)
        return tuple(result)


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: Any = None,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad`` (PyTorch's
    ``torch.autograd.backward``).

    Args:
        tensors: a tensor or a sequence of tensors to differentiate.
        grad_tensors: d(loss)/d(tensor) per tensor (None for one-element tensors).
        retain_graph: keep the graph for another backward (defaults to ``create_graph``).
        create_graph: record the computation, for gradients of gradients.
        grad_variables: the old name of ``grad_tensors``.
        inputs: accumulate only into these tensors' ``.grad`` (leaves or not).

    Raises:
        RuntimeError: as ``Tensor.backward``, or for an empty ``inputs``.
    """
    if grad_variables is not None:
        if grad_tensors is not None:
            raise RuntimeError("backward(): give grad_tensors or grad_variables, not both")
        grad_tensors = grad_variables
    outs = [tensors] if _is_tensor(tensors) else list(tensors)
    gos = _grad_outputs(outs, grad_tensors, "backward", "grad_tensors")
    ins = None
    if inputs is not None:
        ins = [inputs] if _is_tensor(inputs) else list(inputs)
        if not ins:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        for t in ins:
            if not t.requires_grad:
                raise RuntimeError(
                    "backward(): one of the tensors in inputs= does not require grad"
                )
    seeds = [_seed(o, g, "backward", create_graph, i) for i, (o, g) in enumerate(zip(outs, gos))]
    retain = create_graph if retain_graph is None else retain_graph
    needed = None if ins is None else leading_to(outs, ins)
    token = _capturing.set(ins is not None)
    try:
        found = run_backward(outs, seeds, retain, create_graph, capture=ins, needed=needed)
    finally:
        _capturing.reset(token)
    given: set[int] = set()
    for t, g in zip(ins or (), found or ()):
        if g is not None:
            accumulate(t, g, create_graph, given)
