"""`minigrad.func`, PyTorch's function transforms (``torch.func``) on minigrad's autograd.

``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd`` and ``hessian``
(``transforms.py``) differentiate with reverse mode (``jvp`` and ``jacfwd`` by the double-vjp
trick); ``vmap`` (``batching.py``) maps a function over a batch by running it once per sample;
``functional_call`` and ``stack_module_state`` (``stateless.py``) treat a module as a function
of its parameters. docs/func.md says how each is computed and where it differs from PyTorch.
"""

from .._missing import missing_attribute
from .batching import vmap
from .stateless import functional_call, stack_module_state
from .transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp

__getattr__ = missing_attribute("minigrad.func", "torch.func")

__all__ = [
    "functional_call",
    "grad",
    "grad_and_value",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "stack_module_state",
    "vjp",
    "vmap",
]
