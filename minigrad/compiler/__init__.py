"""The step compiler: a training step traced from the recorded graph and written out as NumPy.

``minigrad.compile(model, loss_fn, optimizer)`` returns a ``CompiledStep``; see docs/compile.md.
"""

from .step import CompiledStep, CompileError, compile

__all__ = ["CompileError", "CompiledStep", "compile"]
