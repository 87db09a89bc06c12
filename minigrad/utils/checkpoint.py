"""PyTorch's ``torch.utils.checkpoint``: activation checkpointing, compute traded for memory.

A checkpointed function keeps none of its intermediate values for backward: only its inputs.
Backward runs it again, with recording on, and backpropagates through that recomputation, so
values and gradients are the plain call's. Two forms, as in PyTorch:

* ``use_reentrant=True`` (PyTorch's historical default): an ``autograd.Function`` whose forward
  runs the function under ``no_grad`` and whose backward recomputes it and runs a backward
  inside the backward (PyTorch's ``CheckpointFunction``, line for line). Gradients of the
  function's parameters are accumulated by that inner backward, so ``grad()`` and
  ``backward(inputs=...)`` are refused, as in PyTorch.
* ``use_reentrant=False``: the function runs recorded once, the tensors it reaches from outside
  (arguments, keyword arguments, parameters, tensors it closes over) become the inputs of one
  node and its graph is dropped. That node's backward recomputes the function and hands each of
  those tensors its gradient, so ``grad()``, ``inputs=`` and ``create_graph=True`` (gradients
  of gradients) work. PyTorch gets there with saved-tensor hooks instead, which minigrad's ops
  do not call; the difference is in memory only: during the forward of one checkpointed block
  its intermediates live until the block returns, where PyTorch frees each once it is used.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, TypeGuard

import numpy as np

from ..autograd.function import Function
from ..engine import Op, OutputOf, run_backward
from ..grad_mode import _grad_enabled, enable_grad
from ..gradients import _is_checkpoint_valid
from ..nn.layers import Sequential
from ..random import get_rng_state, set_rng_state
from ..tensor import Tensor, _new_tensor
from ..versions import TICKS

__all__ = ["CheckpointError", "checkpoint", "checkpoint_sequential", "noop_context_fn"]


class CheckpointError(RuntimeError):
    """The recomputation of a ``use_reentrant=False`` checkpoint did not match its forward
    (PyTorch's ``torch.utils.checkpoint.CheckpointError``)."""


def noop_context_fn() -> tuple[AbstractContextManager[Any], AbstractContextManager[Any]]:
    """The default ``context_fn``: no context around the forward nor the recomputation."""
    return contextlib.nullcontext(), contextlib.nullcontext()


_DETERMINISM_MODES = ["default", "none"]


def checkpoint(
    function: Callable[..., Any],
    *args: Any,
    use_reentrant: bool | None = None,
    context_fn: Callable[
        [], tuple[AbstractContextManager[Any], AbstractContextManager[Any]]
    ] = noop_context_fn,
    determinism_check: str = "default",
    debug: bool = False,
    early_stop: bool = True,
    **kwargs: Any,
) -> Any:
    """Run ``function(*args, **kwargs)`` keeping none of its intermediates for backward, which
    recomputes them (PyTorch's ``torch.utils.checkpoint.checkpoint``).

    Args:
        function: what to run: a module or any function of tensors.
        *args: its positional arguments (tensors or other values).
        use_reentrant: which form (see the module's docstring); pass it explicitly. None warns,
            as PyTorch 2.13 does, and means True.
        context_fn: ``use_reentrant=False`` only: returns two context managers, entered around
            the forward and around the recomputation.
        determinism_check: ``"default"`` checks that the recomputation gives outputs of the
            forward's shapes and dtypes, reached from the same outside tensors (a
            ``CheckpointError`` otherwise); ``"none"`` skips that. ``use_reentrant=False`` only.
        debug: ``use_reentrant=False`` only; accepted (PyTorch adds an operator trace to the
            determinism error, minigrad's names the mismatch).
        early_stop: accepted: minigrad recomputes the whole function.
        **kwargs: keyword arguments of ``function`` (``use_reentrant=False`` only), and
            ``preserve_rng_state`` (True by default): save the default generator's state
            before the forward and restore it for the recomputation, so dropout draws the
            same mask (the state outside is put back after it).

    Returns:
        What ``function`` returns.

    Raises:
        ValueError: PyTorch's: keyword arguments, ``context_fn`` or ``debug`` with the
            reentrant form, or an unknown ``determinism_check``.
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be "
            "passed explicitly. Starting in PyTorch 2.9, calling checkpoint "
            "without use_reentrant will raise an exception. use_reentrant=False is "
            "recommended, but if you need to preserve the current default "
            "behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.",
            stacklevel=2,
        )
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError(
                "Passing `context_fn` or `debug` is only supported when use_reentrant=False."
            )
        return CheckpointFunction.apply(function, preserve, *args)
    if determinism_check not in _DETERMINISM_MODES:
        raise ValueError(
            f"determinism_check should be one of {_DETERMINISM_MODES}, but got {determinism_check}"
        )
    return _checkpoint_without_reentrant(
        function, preserve, context_fn, determinism_check == "default", args, kwargs
    )


def checkpoint_sequential(
    functions: Sequential | list[Callable[[Any], Any]],
    segments: int,
    input: Any,
    use_reentrant: bool | None = None,
    **kwargs: Any,
) -> Any:
    """Run ``functions`` one after the other on ``input``, checkpointing every segment but the
    last (PyTorch's ``torch.utils.checkpoint.checkpoint_sequential``).

    Args:
        functions: an ``nn.Sequential`` or a list of modules or functions of one argument.
        segments: how many chunks to cut them into (``len(functions) // segments`` each; the
            last chunk, run as it is, takes what is left).
        input: the first function's argument.
        use_reentrant: as ``checkpoint``'s (None warns and means True).
        **kwargs: ``preserve_rng_state`` only, as ``checkpoint``'s.

    Returns:
        The last function's output.

    Raises:
        ValueError: for another keyword argument (PyTorch's words), or ``segments`` larger
            than the number of functions (PyTorch's ``range()`` error).
        ZeroDivisionError: for ``segments=0``, as PyTorch.
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant "
            "parameter should be passed explicitly. "
            "In version 2.9 we will raise an exception if use_reentrant "
            "is not passed. use_reentrant=False is "
            "recommended, but if you need to preserve the current default "
            "behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.",
            stacklevel=2,
        )
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    def run_function(start: int, end: int, functions: list[Any]) -> Callable[[Any], Any]:
        def forward(input: Any) -> Any:
            for j in range(start, end + 1):
                input = functions[j](input)
            return input

        return forward

    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1  # the last chunk is run as it is: its output is what backward starts from
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(
            run_function(start, end, functions),
            input,
            use_reentrant=use_reentrant,
            preserve_rng_state=preserve,
        )
    return run_function(end + 1, len(functions) - 1, functions)(input)


# ---------------------------------------------------------------------------------------------
# use_reentrant=True: PyTorch's CheckpointFunction


class CheckpointFunction(Function):
    """The reentrant checkpoint: forward under ``no_grad``; backward recomputes with recording
    on and runs a backward of its own through the recomputation."""

    @staticmethod
    def forward(ctx: Any, run_function: Callable[..., Any], preserve: bool, *args: Any) -> Any:
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            warnings.warn(
                "None of the inputs have requires_grad=True. Gradients will be None",
                stacklevel=4,
            )
        ctx.run_function, ctx.preserve_rng_state = run_function, preserve
        if preserve:
            ctx.fwd_cpu_state = get_rng_state()
        # Non-tensor inputs stay on ctx (``ctx.inputs`` is the node's, for the engine); tensors
        # are saved, so a tensor changed in place before backward is an error, as in PyTorch.
        ctx.args = [None if isinstance(a, Tensor) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*(a for a in args if isinstance(a, Tensor)))
        return run_function(*args)  # (apply runs forward with recording off)

    @staticmethod
    def backward(ctx: Any, *args: Any) -> Any:
        if not _is_checkpoint_valid():
            raise RuntimeError(
                "When use_reentrant=True, torch.utils.checkpoint is incompatible"
                " with .grad() or passing an `inputs` parameter to .backward()."
                " To resolve this error, you can either set use_reentrant=False,"
                " or call .backward() without passing the `inputs` argument."
            )
        inputs = list(ctx.args)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t
        detached = [_detach_variable(x) for x in inputs]
        with _forked_rng(ctx.fwd_cpu_state if ctx.preserve_rng_state else None), enable_grad():
            outputs = ctx.run_function(*detached)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        roots, seeds = [], []
        for out, g in zip(outputs, args):
            if isinstance(out, Tensor) and out.requires_grad:
                roots.append(out)
                seeds.append(g._data)  # the seed given as it came (no finiteness check)
        if not roots:
            raise RuntimeError(
                "none of output has requires_grad=True, this checkpoint() is not necessary"
            )
        # The inner backward accumulates into the parameters' .grad and the detached inputs'
        # .grad, at first order: PyTorch's reentrant form records no second order either.
        run_backward(roots, seeds, retain_graph=False, create_graph=False)
        grads = tuple(x.grad if isinstance(x, Tensor) else None for x in detached)
        return (None, None, *grads)


def _detach_variable(x: Any) -> Any:
    """A tensor input cut from the graph, requiring grad as the original does."""
    if not isinstance(x, Tensor):
        return x
    d = x.detach()
    d._requires_grad = x.requires_grad
    return d


@contextlib.contextmanager
def _forked_rng(state: Tensor | None) -> Iterator[None]:
    """Run the block from the random state ``state`` (if given), then put back the state the
    block found (PyTorch's ``torch.random.fork_rng``)."""
    if state is None:
        yield
        return
    outside = get_rng_state()
    set_rng_state(state)
    try:
        yield
    finally:
        set_rng_state(outside)


# ---------------------------------------------------------------------------------------------
# use_reentrant=False: one node whose inputs are every outside tensor the function reaches


def _checkpoint_without_reentrant(
    function: Callable[..., Any],
    preserve: bool,
    context_fn: Callable[[], tuple[AbstractContextManager[Any], AbstractContextManager[Any]]],
    check: bool,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """Run ``function`` recorded, keep its outputs' values and the outside tensors it reached,
    and replace its graph by one ``_Recompute`` node."""
    forward_context, recompute_context = context_fn()
    state = get_rng_state() if preserve else None
    start = next(TICKS)  # every op the function records has a later tick
    with forward_context:
        output = function(*args, **kwargs)
    if not _grad_enabled.get():
        return output
    items, rebuild = _flatten(output)
    inner = [i for i, o in enumerate(items) if _recorded_after(o, start)]
    if not inner:  # nothing was recorded (no input needs a gradient): nothing to recompute
        return output
    _, boundary = _inner_graph([items[i] for i in inner], start)
    outside = list(boundary.values())
    recompute = _Recompute(function, args, kwargs, recompute_context, state, check)
    recompute.boundary = list(boundary)
    recompute.metas = [(items[i].shape, items[i].dtype) for i in inner]
    recompute.inner = inner
    recompute.count = len(items)
    fresh = CheckpointWithoutReentrant.apply(recompute, [items[i]._data for i in inner], *outside)
    fresh = fresh if isinstance(fresh, tuple) else (fresh,)
    for i, f in zip(inner, fresh):
        items[i] = f
    return rebuild(items)


def _recorded_after(o: Any, start: int) -> TypeGuard[Tensor]:
    """Whether ``o`` is a tensor produced by an op recorded since tick ``start``."""
    return isinstance(o, Tensor) and o.grad_fn is not None and o.grad_fn.epoch > start


def _inner_graph(roots: Iterable[Tensor], start: int) -> tuple[set[Op], dict[Any, Tensor]]:
    """The ops recorded since tick ``start`` that lead to ``roots``, and the outside ones they
    read from: each outside node (an earlier op, or a leaf) with a tensor it produced."""
    inner: set[Op] = set()
    boundary: dict[Any, Tensor] = {}
    stack: list[Op] = [r.grad_fn for r in roots if r.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node in inner:
            continue
        inner.add(node)
        for edge, x in zip(node.edges, node.inputs or ()):
            if edge is None:
                continue
            if isinstance(edge, Op) and edge.epoch > start:
                stack.append(edge)
            elif edge not in boundary:
                boundary[edge] = x
        if type(node) is OutputOf:  # its one edge is its node, with no input of its own
            stack.append(node.node)
    return inner, boundary


def _flatten(output: Any) -> tuple[list[Any], Callable[[list[Any]], Any]]:
    """The items of a tensor, tuple, list or dict output, and how to put them back."""
    if isinstance(output, tuple | list):
        kind = type(output)
        return list(output), lambda items: kind(items)
    if isinstance(output, dict):
        keys = list(output)
        return [output[k] for k in keys], lambda items: dict(zip(keys, items))
    return [output], lambda items: items[0]


class _Recompute:
    """What the ``use_reentrant=False`` node needs to run the function again."""

    boundary: list[Any]
    metas: list[tuple[Any, Any]]
    inner: list[int]
    count: int

    def __init__(
        self,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        context: AbstractContextManager[Any],
        state: Tensor | None,
        check: bool,
    ) -> None:
        self.function, self.args, self.kwargs = function, args, kwargs
        self.context, self.state, self.check = context, state, check

    def gradients(self, grads: tuple[Tensor | None, ...]) -> list[Tensor | None]:
        """Run the function again, recorded, and backpropagate ``grads`` (one per output)
        through its ops only: the gradient each outside tensor receives, in boundary order."""
        create_graph = _grad_enabled.get()  # on when the outer backward records itself
        start = next(TICKS)
        with _forked_rng(self.state), enable_grad(), self.context:
            output = self.function(*self.args, **self.kwargs)
        items, _ = _flatten(output)
        outs = [items[i] if i < len(items) else None for i in self.inner]
        if self.check:
            self._check(items, outs)
        roots: list[Tensor] = []
        seeds: list[Any] = []
        for o, g in zip(outs, grads):
            if g is not None and _recorded_after(o, start):
                roots.append(o)
                seeds.append(g if create_graph else g._data)
        inner, boundary = _inner_graph(roots, start)
        if self.check and not set(boundary) <= set(self.boundary):
            raise CheckpointError(
                "torch.utils.checkpoint: the recomputation reached tensors from outside the "
                "function that the forward did not (a function that depends on something "
                "other than its inputs and parameters?)"
            )
        found: dict[Any, Any] = {}

        def collect(node: Any, grad: Any, handed: list[Any] | None) -> None:
            if handed is None or node not in inner:
                return
            for edge, g in zip(node.edges, handed):
                if g is not None and edge in boundary:
                    found[edge] = g if edge not in found else found[edge] + g

        if roots:
            run_backward(roots, seeds, create_graph, create_graph, [], collect, inner)
        return [_as_tensor(found.get(edge)) for edge in self.boundary]

    def _check(self, items: list[Any], outs: list[Any]) -> None:
        """PyTorch's determinism check, on the outputs: the same count, shapes and dtypes."""
        got = [(o.shape, o.dtype) if isinstance(o, Tensor) else None for o in outs]
        if len(items) != self.count or got != self.metas:
            raise CheckpointError(
                "torch.utils.checkpoint: Recomputed values for the following tensors have "
                f"different metadata than during the forward pass: outputs (shape, dtype) "
                f"{self.metas} in forward, {got} in the recomputation. Make the function "
                "deterministic, or pass determinism_check='none'"
            )


def _as_tensor(g: Any) -> Tensor | None:
    return g if g is None or isinstance(g, Tensor) else _new_tensor(np.asarray(g), None)


class CheckpointWithoutReentrant(Function):
    """The ``use_reentrant=False`` node: its outputs are the function's, its inputs every
    outside tensor the function reached; backward recomputes (``_Recompute.gradients``)."""

    @staticmethod
    def forward(ctx: Any, recompute: _Recompute, values: list[Any], *outside: Tensor) -> Any:
        ctx.recompute = recompute
        ctx.set_materialize_grads(False)
        fresh = tuple(_new_tensor(v, None) for v in values)
        return fresh if len(fresh) > 1 else fresh[0]

    @staticmethod
    def backward(ctx: Any, *grads: Tensor | None) -> Any:
        return (None, None, *ctx.recompute.gradients(grads))
