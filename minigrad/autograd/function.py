"""``autograd.Function``: user-defined ops with a forward and a backward written by hand.

A Function's node is an engine ``Op`` (so the walk, hooks, ``grad()`` and drawing treat it as
any other op) whose rule calls the user's static ``backward(ctx, *grads)`` on Tensors: at first
order the engine hands arrays, which are wrapped; under ``create_graph=True`` it hands Tensors
with recording on, so a backward written with tensor ops can be differentiated again.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from ..engine import Op, OutputOf
from ..grad_mode import _grad_enabled, no_grad
from ..tensor import Tensor, _new_tensor
from ..versions import TICKS


class _ForwardADHook:
    """Filled by ``forward_ad`` while a level is open: ``hook(cls, args, run)`` runs the call
    (``run()`` gives the outputs and the ctx) and gives the outputs their tangents."""

    hook: Callable[[type[Function], tuple[Any, ...], Callable[[], Any]], Any] | None = None


FORWARD_AD = _ForwardADHook()


class FunctionCtx:
    """What ``forward``/``setup_context`` and ``backward`` see as ``ctx`` (PyTorch's names)."""

    needs_input_grad: tuple[bool, ...]
    """Per argument of ``forward``: whether it is a tensor that needs a gradient."""

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep tensors for ``backward`` (read them back as ``ctx.saved_tensors``)."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{i} is of type {type(t).__name__}"
                )
        self._to_save = tensors

    def mark_non_differentiable(self, *outputs: Tensor) -> None:
        """Outputs that get no gradient (indices, masks): they will not require grad."""
        self._non_differentiable = {id(t) for t in outputs}

    def set_materialize_grads(self, value: bool) -> None:
        """With False, ``backward`` gets None (not zeros) for outputs that received no
        gradient."""
        self._materialize = bool(value)

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Not supported: a Function's forward must return new tensors (raises)."""
        raise NotImplementedError(
            "ctx.mark_dirty(): minigrad's autograd.Function does not support in-place "
            "forwards; return a new tensor from forward instead"
        )


class BackwardFunction(FunctionCtx, Op):
    """The node of one call of a Function: its ``ctx`` and its ``grad_fn``, as in PyTorch."""

    _forward_cls: type[Function]
    _to_save: tuple[Tensor | None, ...] = ()
    _non_differentiable: set[int] = set()  # noqa: RUF012 (replaced per call, never mutated)
    _materialize: bool = True
    _outputs: tuple[tuple[tuple[int, ...], np.dtype] | None, ...] = ()
    _arg_is_tensor: tuple[bool, ...] = ()
    _saved_versions: tuple[int, ...] = ()

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """The tensors given to ``save_for_backward`` (freed by a backward that does not
        retain the graph)."""
        if self.inputs is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access "
                "saved tensors after they have already been freed). Saved intermediate values "
                "of the graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward."
            )
        for i, (t, v) in enumerate(zip(self._to_save, self._saved_versions)):
            if t is not None and t._version != v:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: [{t._data.dtype} tensor of shape "
                    f"{tuple(t.shape)}], which is saved tensor {i} of {self.name()}, is at "
                    f"version {t._version}; expected version {v} instead. Hint: the tensor "
                    "was changed in place after the forward pass saved it and before "
                    "backward; change it after backward(), or use an out-of-place op."
                )
        return tuple(self._to_save)

    @property
    def op_name(self) -> str:
        return self._forward_cls.__name__

    def attributes(self) -> dict[str, Any]:
        return {}

    def backward(self, grad: Any, out: Any, *xs: Any) -> tuple[Any, ...]:
        """Run the user's backward on Tensors, check what it returns, hand it to the engine."""
        several = len(self._outputs) > 1
        grads = []
        for g, meta in zip(grad if several else (grad,), self._outputs):
            if g is None and meta is not None and self._materialize:
                g = np.zeros(meta[0], dtype=meta[1])
            if g is not None and not isinstance(g, Tensor):
                g = _new_tensor(g, None)
            grads.append(g)
        result = self._forward_cls.backward(self, *grads)
        result = result if isinstance(result, tuple) else (result,)
        expected = len(self._arg_is_tensor)
        if len(result) > expected and all(r is None for r in result[expected:]):
            result = result[:expected]  # extra trailing Nones are allowed, as in PyTorch
        if len(result) != expected:
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {expected}, got {len(result)})"
            )
        handed = []
        x_iter = iter(xs)
        for i, (g, is_tensor) in enumerate(zip(result, self._arg_is_tensor)):
            if g is not None and not isinstance(g, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            if not is_tensor:
                if g is not None:
                    raise RuntimeError(
                        f"function {self.name()} returned a gradient different than None at "
                        f"position {i + 1}, but the corresponding forward input was not a "
                        "Variable"
                    )
                continue
            x = next(x_iter)
            if g is not None and g.shape != x.shape:
                try:  # a gradient of a broadcast shape is summed back, as PyTorch does
                    ok = np.broadcast_shapes(x.shape, g.shape) == g.shape
                except ValueError:
                    ok = False
                if not ok:
                    raise RuntimeError(
                        f"Function {self.name()} returned an invalid gradient at index {i} - "
                        f"got {list(g.shape)} but expected shape compatible with "
                        f"{list(x.shape)}"
                    )
            handed.append(g if g is None or _grad_enabled.get() else g._data)
        return tuple(handed)


class Function:
    """Base class of user-defined differentiable ops, as PyTorch's ``torch.autograd.Function``.

    Subclass it with static methods and call ``.apply``::

        class Exp(Function):
            @staticmethod
            def forward(ctx, x):
                y = x.exp()
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, grad):
                (y,) = ctx.saved_tensors
                return grad * y

        z = Exp.apply(x)

    Or write ``forward(*args)`` without ctx and a ``setup_context(ctx, inputs, output)``.
    ``forward`` runs with recording off; ``backward`` gets one gradient per output and returns
    one per argument of ``forward`` (None for non-tensors and inputs that need none).
    """

    _backward_cls: type[BackwardFunction]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__name__ + "Backward"  # PyTorch's name for the node: MyFnBackward
        attrs = {"_forward_cls": cls, "torch_name": name, "__doc__": cls.__doc__}
        cls._backward_cls = type(name, (BackwardFunction,), attrs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(
            f"{type(self).__name__}: autograd.Function is not instantiated; call "
            f"{type(self).__name__}.apply(...) and define forward/backward as static methods"
        )

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        """The computation, on Tensors, with recording off."""
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> None:
        """Save what backward needs, when ``forward`` does not take ``ctx``."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        """One gradient per argument of ``forward``, from one gradient per output."""
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        """One forward gradient per output, from one per argument of ``forward`` (used under
        ``autograd.forward_ad``; ``ctx`` is the one ``forward`` saw)."""
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it "
            "with forward mode AD."
        )

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` and, when an input needs a gradient, record the node."""
        if cls is Function:
            raise RuntimeError("autograd.Function.apply: subclass Function and call apply on it")
        separate = cls.setup_context is not Function.setup_context
        if kwargs:
            if not separate:
                raise TypeError(
                    f"{cls.__name__}.apply() takes positional arguments only when forward "
                    "takes ctx (define setup_context to accept keyword arguments)"
                )
            bound = inspect.signature(cls.forward).bind(*args, **kwargs)
            bound.apply_defaults()
            args = tuple(bound.arguments.values())
        hook = FORWARD_AD.hook
        if hook is not None:  # a forward AD level is open: duals get their outputs' tangents
            return hook(cls, args, lambda: cls._run(args, separate))
        return cls._run(args, separate)[0]

    @classmethod
    def _run(cls, args: tuple[Any, ...], separate: bool) -> tuple[Any, BackwardFunction]:
        """Run ``forward`` (recording the node when needed): the outputs and the ctx."""
        node = cls._backward_cls()
        is_tensor = tuple(isinstance(a, Tensor) for a in args)
        node._arg_is_tensor = is_tensor
        record = _grad_enabled.get()
        node.needs_input_grad = tuple(
            t and record and a.requires_grad for a, t in zip(args, is_tensor)
        )
        with no_grad():
            if separate:
                output = cls.forward(*args)
                cls.setup_context(node, args, output)
            else:
                output = cls.forward(node, *args)
        if not any(node.needs_input_grad):
            return output, node
        return _record(node, args, output), node


def _record(node: BackwardFunction, args: tuple[Any, ...], output: Any) -> Any:
    """Make ``node`` the producer of the outputs and connect it to the tensor inputs."""
    several = isinstance(output, tuple)
    outputs = tuple(output) if several else (output,)
    outs = list(outputs)
    inputs = [a for a in args if isinstance(a, Tensor)]
    edges = []
    for x in inputs:
        edges.append(x.grad_fn or (x if x.requires_grad else None))
    node.edges, node.inputs, node.hooks = tuple(edges), tuple(inputs), None
    # The engine reads an input's shape and dtype from ``saved`` and checks the version of
    # every array there and in ``out``: only what backward will read (the tensors given to
    # save_for_backward) is real, so changing another input in place is allowed, as in PyTorch.
    kept = {id(t): t for t in node._to_save if t is not None}
    # PyTorch's check: saved_tensors refuses a tensor changed in place after forward returned
    # (a recorded in-place op gives the tensor new memory, which the arrays' check would miss)
    node._saved_versions = tuple(0 if t is None else t._version for t in node._to_save)
    node.saved = tuple(x._data if id(x) in kept else _shape_only(x._data) for x in inputs)
    node.out = None
    node.epoch = next(TICKS)  # backward refuses saved tensors changed in place after it
    metas: list[tuple[tuple[int, ...], np.dtype] | None] = []
    for k, o in enumerate(outs):
        if not isinstance(o, Tensor):
            metas.append(None)  # a Python value passes through and gets no gradient
            continue
        metas.append((o._data.shape, o._data.dtype))
        if o.grad_fn is not None or o.requires_grad or any(o is x for x in inputs):
            o = outs[k] = _new_tensor(o._data, None)  # an input returned as is: a new tensor
        if id(outputs[k]) in node._non_differentiable or o.dtype.kind not in "fc":
            continue
        if not several:  # (one array stands for the output only when there is one)
            node.out = o._data if id(outputs[k]) in kept else _shape_only(o._data)
        o.grad_fn = OutputOf(node, k, len(outs), o._data) if several else node
        o._requires_grad = True
    node._outputs = tuple(metas)
    counted = {id(x) for x in inputs} | (set() if several else {id(output)})
    others = tuple(t._data for key, t in kept.items() if key not in counted)
    node.saved += others  # (intermediates and outputs saved: checked after the inputs)
    return tuple(outs) if several else outs[0]


def _shape_only(a: np.ndarray) -> np.ndarray:
    """An array with ``a``'s shape and dtype and no memory of its own (one element)."""
    return np.broadcast_to(np.zeros((), dtype=a.dtype), a.shape)


class _DelayedError(Function):
    """Passes tensors through; differentiating through it raises (``once_differentiable``)."""

    @staticmethod
    def forward(ctx: Any, *tensors: Tensor) -> tuple[Tensor, ...]:
        return tuple(_new_tensor(t._data, None) for t in tensors)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise RuntimeError(
            "trying to differentiate twice a function that was marked with @once_differentiable"
        )


def once_differentiable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a Function's ``backward`` as not differentiable itself, as PyTorch's decorator.

    The backward runs with recording off (so it may use NumPy on ``.numpy()``); when its
    gradients would be needed for a double backward, that double backward raises instead of
    silently treating them as constants.
    """

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with no_grad():
            outputs = fn(ctx, *args)
        if not _grad_enabled.get():
            return outputs
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        items = (outputs,) if single else outputs
        present = [o for o in items if isinstance(o, Tensor)]
        fakes = [o.detach().requires_grad_() for o in present]  # aliases that require grad
        wrapped = iter(
            _DelayedError.apply(*fakes) if len(fakes) != 1 else (_DelayedError.apply(*fakes),)
        )
        result = tuple(next(wrapped) if isinstance(o, Tensor) else o for o in items)
        return result[0] if single else result

    return wrapper
