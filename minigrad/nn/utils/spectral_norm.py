"""Spectral normalisation (https://arxiv.org/abs/1802.05957), PyTorch's original form
(``torch.nn.utils.spectral_norm``, ``remove_spectral_norm``): a parameter ``w`` kept as
``w_orig``, with the power method's vectors as buffers ``w_u`` and ``w_v``, and ``w = w_orig /
sigma`` recomputed by a forward pre-hook before every call of the module.

``sigma = u . (W v)`` is a composition of matmul and dot with u and v held constant, so the
gradient reaches ``w_orig`` through those ops. ``parametrizations.spectral_norm`` is the newer
form of the same thing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from ...functions import dot
from ...grad_mode import no_grad
from ...linalg_functions import normalize
from ...tensor import Tensor
from ..conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..lazy import UninitializedParameter
from ..module import Module, Parameter

__all__ = ["SpectralNorm", "remove_spectral_norm", "spectral_norm"]

T_module = TypeVar("T_module", bound=Module)


class SpectralNorm:
    """The forward pre-hook of ``spectral_norm``: sets ``module.<name>`` to
    ``<name>_orig / sigma`` before each call, after ``n_power_iterations`` steps of the power
    method on the buffers ``<name>_u`` and ``<name>_v`` when the module is training."""

    name: str
    dim: int
    n_power_iterations: int
    eps: float

    def __init__(
        self, name: str = "weight", n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12
    ) -> None:
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise ValueError(
                "Expected n_power_iterations to be positive, but "
                f"got n_power_iterations={n_power_iterations}"
            )
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        """W with ``dim`` moved first and the other dims flattened (a 1-D W is a column)."""
        weight_mat = weight
        if self.dim != 0:
            # As PyTorch's: only 0 <= dim < ndim are accepted here (permute refuses the rest).
            weight_mat = weight_mat.permute(
                self.dim, *[d for d in range(weight_mat.ndim) if d != self.dim]
            )
        return weight_mat.reshape(weight_mat.shape[0], -1)

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        """``W / (u . (W v))``; with ``do_power_iteration``, ``v = normalize(W^T u)`` then
        ``u = normalize(W v)``, ``n_power_iterations`` times, first (in place, unrecorded),
        and the buffers are cloned for use, so a later call's update leaves this graph alone."""
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with no_grad():
                mat = weight_mat.detach()
                for _ in range(self.n_power_iterations):
                    v.copy_(normalize(mat.mT @ u, dim=0, eps=self.eps))
                    u.copy_(normalize(mat @ v, dim=0, eps=self.eps))
                u = u.clone()
                v = v.clone()
        sigma = dot(u, weight_mat @ v)
        return weight / sigma

    @staticmethod
    def apply(
        module: Module, name: str, n_power_iterations: int, dim: int, eps: float
    ) -> SpectralNorm:
        """Replace ``module``'s parameter ``name`` by ``name_orig`` (the same Parameter) and the
        buffers ``name_u``, ``name_v``, and register the hook; checks everything first, so a
        misuse leaves the module (and the random generator) as it was."""
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(
                    f"Cannot register two spectral_norm hooks on the same parameter {name}"
                )
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        if isinstance(weight, UninitializedParameter):
            raise ValueError(
                "The module passed to `SpectralNorm` can't have uninitialized parameters. "
                "Make sure to run the dummy forward before applying spectral normalization"
            )
        with no_grad():
            weight_mat = fn.reshape_weight_to_matrix(weight)
            h, w = weight_mat.shape
            # Random starts, not refined: the first training forward runs the first iteration.
            u = normalize(weight.new_empty(h).normal_(0, 1), dim=0, eps=fn.eps)
            v = normalize(weight.new_empty(w).normal_(0, 1), dim=0, eps=fn.eps)
        del module._parameters[name]
        module.register_parameter(name + "_orig", weight)
        # Until the first call, module.<name> is the unnormalised weight, as PyTorch's.
        setattr(module, name, weight.detach())
        module.register_buffer(name + "_u", u)
        module.register_buffer(name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        """Put back ``name`` as a parameter holding ``W / sigma`` from the current u and v
        (no power iteration)."""
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        delattr(module, self.name + "_u")
        delattr(module, self.name + "_v")
        delattr(module, self.name + "_orig")
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module, module.training))


def spectral_norm(
    module: T_module,
    name: str = "weight",
    n_power_iterations: int = 1,
    eps: float = 1e-12,
    dim: int | None = None,
) -> T_module:
    r"""Apply spectral normalisation to a parameter of ``module``
    (``torch.nn.utils.spectral_norm``), PyTorch's original hook form.

    ``W_SN = W / sigma(W)``, sigma the largest singular value of W seen as a matrix (``dim``
    first, the other dims flattened), estimated by the power method: ``sigma = u . (W v)``.
    The parameter ``name`` becomes ``name_orig`` (the same Parameter, so an optimizer built
    before still trains it), ``u`` and ``v`` the buffers ``name_u`` and ``name_v`` (random
    unit vectors at first, from minigrad's generator), and a forward pre-hook sets
    ``module.<name>`` (a plain tensor) before every call: in training mode after
    ``n_power_iterations`` steps of the power method (``v`` first, then ``u``), in eval mode
    from the buffers as they are. The ``state_dict`` keys are PyTorch's (``weight_orig``,
    ``weight_u``, ``weight_v``). ``nn.utils.parametrizations.spectral_norm`` is the newer form,
    which PyTorch recommends.

    Args:
        module: the module holding the parameter.
        name: the parameter's name.
        n_power_iterations: power iterations per call in training mode.
        eps: the smallest norm divided by when normalising ``u`` and ``v``.
        dim: the output dim, moved first (0 <= dim < ndim): 0, or 1 for
            ``ConvTranspose1d/2d/3d`` when None.

    Returns:
        ``module``, with the hook registered.

    Raises:
        RuntimeError: if ``name`` already has a spectral_norm hook, or ``dim`` is not in
            ``range(ndim)`` (from ``permute``).
        ValueError: for ``n_power_iterations <= 0``, a parameter that is None or
            uninitialized (a lazy module before its first call).
        KeyError: if ``name`` is not a parameter of ``module``.
        (In PyTorch's words; the module is left as it was.)
    """
    if dim is None:
        convt = (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)
        dim = 1 if isinstance(module, convt) else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module: T_module, name: str = "weight") -> T_module:
    """Remove the spectral normalisation of ``name`` from ``module``
    (``torch.nn.utils.remove_spectral_norm``): ``name`` becomes a parameter again (a new one),
    holding the current ``W / sigma``; ``name_orig``, ``name_u`` and ``name_v`` are gone.

    Raises:
        ValueError: if ``name`` has no spectral normalization, in PyTorch's words.
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
