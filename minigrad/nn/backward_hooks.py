"""A module's backward hooks (``register_full_backward_hook``, ``..._pre_hook``), PyTorch's way.

One call of a hooked module passes its tensor inputs, then its tensor outputs, through an
identity ``BackwardHookFunction``. In backward, the outputs' node sees the gradients w.r.t. the
outputs (the pre-hooks may replace them) and keeps them; the inputs' node, reached once the
module's own graph has run, sees the gradients w.r.t. the inputs and calls the hooks with both
(they may replace the inputs' gradients). As ``torch.utils.hooks.BackwardHook``; no backward
formula of an op lives here, only the identity's.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from ..autograd.function import Function
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor

__all__ = ["BackwardHook", "BackwardHookFunction"]

_NO_INPUT_GRAD = (
    "Full backward hook is firing when gradients are computed with respect to module outputs "
    "since no inputs require gradients. See the documentation of "
    "nn.Module.register_full_backward_hook for more details."
)


class BackwardHookFunction(Function):
    """z = x for each tensor x;  dx = dz, after the module's backward hooks have seen it.

    ``state`` (a `BackwardHook`) and ``role`` ("input" or "output") say which side of one
    module call this node stands for; they get no gradient.
    """

    @staticmethod
    def forward(ctx: Any, state: BackwardHook, role: str, *tensors: Tensor) -> Any:
        ctx.state, ctx.role = state, role
        # PyTorch's: grad_output holds None for an output no gradient reached, grad_input
        # zeros for a tensor input without one (even one that needs no gradient)
        ctx.set_materialize_grads(role == "input")
        ctx.mark_non_differentiable(*[t for t in tensors if not t.requires_grad])
        return tensors if len(tensors) > 1 else tensors[0]

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        state: BackwardHook = ctx.state
        new = state.input_grads(grads) if ctx.role == "input" else state.output_grads(grads)
        return (None, None, *new)


class BackwardHook:
    """The backward hooks of one call of ``module``: the hooks registered at call time, the
    positions of the tensors among the inputs and outputs, and the outputs' gradients kept
    until the inputs' gradients are known."""

    def __init__(
        self,
        module: Any,
        hooks: Sequence[Callable[..., Any]],
        pre_hooks: Sequence[Callable[..., Any]],
    ) -> None:
        self.module, self.hooks, self.pre_hooks = module, list(hooks), list(pre_hooks)
        self.grad_outputs: tuple[Any, ...] | None = None
        self.n_inputs = self.n_outputs = -1
        self.input_index: list[int] | None = None
        self.output_index: list[int] | None = None

    def _wrap(self, role: str, args: tuple[Any, ...]) -> tuple[tuple[Any, ...], list[int] | None]:
        """``args`` with its tensors passed through the identity node, and their positions
        (None, and ``args`` unchanged, when no tensor needs a gradient)."""
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not (is_grad_enabled() and any(args[i].requires_grad for i in index)):
            return args, None
        new = BackwardHookFunction.apply(self, role, *(args[i] for i in index))
        new = new if isinstance(new, tuple) else (new,)
        items = list(args)
        for i, t in zip(index, new):
            items[i] = t
        out = tuple(items) if type(args) is tuple else type(args)(*items)
        return out, index

    def setup_input_hook(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """The module's positional arguments, their tensors passed through the inputs' node."""
        res, self.input_index = self._wrap("input", args)
        self.n_inputs = len(args)
        return res

    def setup_output_hook(self, result: Any) -> Any:
        """The module's output (a tensor or a tuple), its tensors passed through the outputs'
        node."""
        if not isinstance(result, Tensor | tuple):
            warnings.warn(
                "For backward hooks to be called, module output should be a Tensor or a tuple "
                f"of Tensors but received {type(result)}",
                stacklevel=3,
            )
        single = not isinstance(result, tuple)
        args = (result,) if single else result
        res, self.output_index = self._wrap("output", args)
        self.n_outputs = len(args)
        return res[0] if single else res

    def output_grads(self, grads: tuple[Any, ...]) -> tuple[Any, ...]:
        """The outputs' node: keep the gradients w.r.t. the outputs (after the pre-hooks, which
        may replace them) and hand them on; call the hooks now if no input needs a gradient."""
        assert self.output_index is not None
        self.grad_outputs = _pack(self.output_index, grads, self.n_outputs)
        for pre_hook in self.pre_hooks:
            new = pre_hook(self.module, self.grad_outputs)
            if new is None:
                continue
            if len(new) != len(self.grad_outputs):
                raise RuntimeError(
                    "Backward pre hook returned an invalid number of grad_output, got "
                    f"{len(new)}, but expected {len(self.grad_outputs)}"
                )
            self.grad_outputs = tuple(new)
        kept = self.grad_outputs
        if self.input_index is None:
            warnings.warn(_NO_INPUT_GRAD, stacklevel=2)
            grad_inputs = (None,) * self.n_inputs
            for hook in self.hooks:
                res = hook(self.module, grad_inputs, self.grad_outputs)
                if res is not None and not (isinstance(res, tuple) and all(r is None for r in res)):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should "
                        "always return None or None for all gradients."
                    )
            self.grad_outputs = None
        return tuple(kept[i] for i in self.output_index)

    def input_grads(self, grads: tuple[Any, ...]) -> tuple[Any, ...]:
        """The inputs' node: call the hooks with the gradients w.r.t. the inputs and the kept
        ones w.r.t. the outputs; hand on what the last hook returned in their place."""
        assert self.input_index is not None
        if self.grad_outputs is None:
            # the gradient reached the inputs without passing through the outputs (as in a
            # double backward): PyTorch calls no hook then
            return grads
        res = _pack(self.input_index, grads, self.n_inputs)
        for hook in self.hooks:
            out = hook(self.module, res, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(res):
                raise RuntimeError(
                    "Backward hook returned an invalid number of grad_input, got "
                    f"{len(out)}, but expected {len(res)}"
                )
            res = tuple(out)
        self.grad_outputs = None
        return tuple(res[i] for i in self.input_index)


def _pack(index: list[int], values: Sequence[Any], size: int) -> tuple[Any, ...]:
    """``values`` at the positions ``index`` of a tuple of ``size``, None elsewhere."""
    res: list[Any] = [None] * size
    for i, v in zip(index, values):
        res[i] = v
    return tuple(res)
