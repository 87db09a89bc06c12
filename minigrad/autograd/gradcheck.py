"""``torch.autograd.gradcheck``: the module path of ``gradcheck`` and ``gradgradcheck``
(``from torch.autograd.gradcheck import gradcheck``); they live in ``minigrad/gradcheck.py``.

As in PyTorch, ``autograd.gradcheck`` itself is the function: the package imports these names
from here, after this module is loaded, so they replace the module as its attribute.
"""

from __future__ import annotations

from ..gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]
