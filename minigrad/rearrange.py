"""PyTorch's Tensor methods that move elements without changing them: flips, rolls,
diagonals, tiling and repeating, unbinding, narrowing and moving dims.

``Tensor`` inherits them (through ``TensorSurface``). Each is a composition of indexing,
reshaping and joining, so its gradient is those ops' rules.
"""

from __future__ import annotations

__all__ = ["RearrangeMethods"]


class RearrangeMethods:
    """The rearranging methods of this module (``Tensor`` inherits them)."""

    __slots__ = ()
