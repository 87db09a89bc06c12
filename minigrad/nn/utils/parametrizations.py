"""Ready-made parametrizations (``torch.nn.utils.parametrizations``): ``weight_norm`` and
``spectral_norm``, built on ``nn.utils.parametrize`` as PyTorch's are. ``orthogonal`` is not
here (any name minigrad lacks raises an error saying so)."""

from __future__ import annotations

from typing import TypeVar

from ..._missing import missing_attribute
from ...functions import dot
from ...grad_mode import no_grad
from ...linalg_functions import normalize
from ...tensor import Tensor
from ..conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..module import Module
from . import parametrize
from .weight_norm import norm_except_dim

__all__ = ["spectral_norm", "weight_norm"]

T_module = TypeVar("T_module", bound=Module)

__getattr__ = missing_attribute(
    "minigrad.nn.utils.parametrizations", "torch.nn.utils.parametrizations"
)


class _WeightNorm(Module):
    """``w = g * v / ||v||``, the norm over every dim but ``dim`` (all of them for -1); its
    right inverse splits a weight into ``g = ||w||`` and ``v = w``."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return weight_v * (weight_g / norm_except_dim(weight_v, 2, self.dim))

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: T_module, name: str = "weight", dim: int | None = 0) -> T_module:
    """Weight normalisation as a parametrization (``torch.nn.utils.parametrizations.
    weight_norm``): ``module.<name>`` becomes ``g * v / ||v||``, computed from
    ``module.parametrizations.<name>.original0`` (the magnitude g, of shape ``(out, 1, ...)``
    for ``dim=0``) and ``original1`` (the direction v, the weight's shape), both Parameters.
    ``dim=None`` (or -1) takes the norm of the whole tensor. ``parametrize.remove_parametrizations
    (module, name)`` turns it back into one parameter.

    Returns:
        ``module``.
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module


def _check_spectral_norm(weight: Tensor, n_power_iterations: int, dim: int) -> None:
    """PyTorch's refusals of ``_SpectralNorm``'s arguments, in its words."""
    ndim = weight.ndim
    if dim >= ndim or dim < -ndim:
        raise IndexError(
            "Dimension out of range (expected to be in range of "
            f"[-{ndim}, {ndim - 1}] but got {dim})"
        )
    if n_power_iterations <= 0:
        raise ValueError(
            "Expected n_power_iterations to be positive, but "
            f"got n_power_iterations={n_power_iterations}"
        )


class _SpectralNorm(Module):
    """``W / sigma(W)``, sigma the largest singular value of W seen as a matrix (``dim`` first,
    the other dims flattened), estimated as ``u . (W v)`` from the buffers ``_u`` and ``_v``,
    which ``n_power_iterations`` steps of the power method refine at every call in training
    mode. A 1-D weight is divided by its norm (exact, no buffers). ``u`` and ``v`` are
    constants for the gradient, as in PyTorch."""

    _u: Tensor
    _v: Tensor

    def __init__(
        self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12
    ) -> None:
        super().__init__()
        _check_spectral_norm(weight, n_power_iterations, dim)
        ndim = weight.ndim
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight.detach())
            h, w = weight_mat.shape
            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", normalize(v, dim=0, eps=self.eps))
            # Start from singular vectors already close to the top pair, as PyTorch does.
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        """W with ``dim`` moved first and the other dims flattened: (size of dim, the rest)."""
        if weight.ndim <= 1:
            raise AssertionError(
                f"Expected weight to have more than 1 dimension, got {weight.ndim}"
            )
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.ndim) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat: Tensor, n_power_iterations: int) -> None:
        """``u = normalize(W v)``, ``v = normalize(W^T u)``, ``n_power_iterations`` times,
        written into the buffers in place (unrecorded), so a state dict or a copy of the
        module taken before sees the new values, as PyTorch's ``out=``."""
        if weight_mat.ndim <= 1:
            raise AssertionError(
                f"Expected weight_mat to have more than 1 dimension, got {weight_mat.ndim}"
            )
        with no_grad():
            weight_mat = weight_mat.detach()
            for _ in range(n_power_iterations):
                self._u.copy_(normalize(weight_mat @ self._v, dim=0, eps=self.eps))
                self._v.copy_(normalize(weight_mat.mT @ self._u, dim=0, eps=self.eps))

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        # Clones: the buffers are overwritten in place by the next call in training mode,
        # and a graph built now (D(real) - D(fake) in a GAN) must keep today's u and v.
        u = self._u.clone()
        v = self._v.clone()
        sigma = dot(u, weight_mat @ v)
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def spectral_norm(
    module: T_module,
    name: str = "weight",
    n_power_iterations: int = 1,
    eps: float = 1e-12,
    dim: int | None = None,
) -> T_module:
    r"""Spectral normalisation (https://arxiv.org/abs/1802.05957) as a parametrization
    (``torch.nn.utils.parametrizations.spectral_norm``): ``module.<name>`` becomes
    ``W / sigma(W)``, sigma the largest singular value of the original W, so the layer's
    Lipschitz constant is about 1 (the classic use: a GAN's discriminator).

    sigma is estimated by the power method on W as a matrix (``dim`` first, the other dims
    flattened): ``sigma = u . (W v)`` with the vectors ``u`` and ``v`` kept as buffers
    (``parametrizations.<name>.0._u`` and ``._v`` in the state dict, next to
    ``parametrizations.<name>.original``). They start random (minigrad's generator,
    ``manual_seed``) and refined by 15 iterations; then each read of ``module.<name>`` in
    training mode runs ``n_power_iterations`` more, without recording them, and in eval mode
    none. The gradient treats ``u`` and ``v`` as constants, as PyTorch's. A 1-D weight is
    simply divided by its norm. As PyTorch's, registering reads the weight once, so it runs
    one power iteration more in training mode.

    Args:
        module: the module holding the parameter.
        name: the parameter's name.
        n_power_iterations: power iterations per read in training mode.
        eps: the smallest norm divided by when normalising ``u`` and ``v``.
        dim: the output dim, moved first: 0, or 1 for ``ConvTranspose1d/2d/3d`` when None.

    Returns:
        ``module``.

    Raises:
        ValueError: if ``module`` has no tensor ``name``, or for ``n_power_iterations <= 0``.
        IndexError: for a ``dim`` out of range.
        (In PyTorch's words; the module is left as it was.)
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        convt = (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)
        dim = 1 if isinstance(module, convt) else 0
    _check_spectral_norm(weight, n_power_iterations, dim)
    if not (
        name in module._parameters
        or name in module._buffers
        or parametrize.is_parametrized(module, name)
    ):
        # register_parametrization's refusal, before the random draws of _SpectralNorm
        raise ValueError(
            f"Module '{module}' does not have a parameter, a buffer, or a parametrized "
            f"element with name '{name}'"
        )
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps)
    )
    return module
