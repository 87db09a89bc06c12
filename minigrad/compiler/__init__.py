"""``minigrad.compile``: PyTorch's ``torch.compile(model)`` (run eagerly) and the step compiler.

``minigrad.compile(model)`` returns an ``OptimizedModule`` as PyTorch's; ``minigrad.compile(model,
loss_fn, optimizer)`` returns a ``CompiledStep``, a training step traced from the recorded graph
and written out as NumPy. ``reset`` and ``is_compiling`` are ``torch.compiler``'s. See
docs/compile.md.
"""

from .frontend import OptimizedModule, compile, is_compiling, reset
from .step import CompiledStep, CompileError

__all__ = ["CompileError", "CompiledStep", "OptimizedModule", "compile", "is_compiling", "reset"]
