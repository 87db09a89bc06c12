"""Ready-made parametrizations (``torch.nn.utils.parametrizations``): ``orthogonal``,
``weight_norm`` and ``spectral_norm``, built on ``nn.utils.parametrize`` as PyTorch's are."""

from __future__ import annotations

from enum import Enum, auto
from typing import TypeVar

import numpy as np

from ..._missing import missing_attribute
from ...creation import eye, randn, zeros_like
from ...functions import allclose, cat, dot
from ...grad_mode import no_grad
from ...linalg import householder_product, matrix_exp, qr, solve
from ...linalg_functions import normalize
from ...linalg_householder import geqrf_array
from ...tensor import Tensor, as_tensor
from ..conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..module import Module
from . import parametrize
from .weight_norm import norm_except_dim

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]

T_module = TypeVar("T_module", bound=Module)

__getattr__ = missing_attribute(
    "minigrad.nn.utils.parametrizations", "torch.nn.utils.parametrizations"
)


def _is_orthogonal(Q: Tensor) -> bool:
    """Whether the columns of each (tall) matrix of Q are orthonormal, to 10 n eps (PyTorch's
    tolerance)."""
    n, k = Q.shape[-2], Q.shape[-1]
    eps = 10.0 * n * float(np.finfo(Q._data.dtype).eps)
    return allclose(Q.mT @ Q, eye(k, dtype=Q.dtype), atol=eps)


def _make_orthogonal(A: Tensor) -> Tensor:
    """The Q of ``A = QR`` (A tall) with diag(R) >= 0: LAPACK's Q times the signs of R's
    diagonal, as PyTorch's ``geqrf`` then ``householder_product``."""
    Q, R = qr(A)
    return Q * R.diagonal(dim1=-2, dim2=-1).sign().unsqueeze(-2)


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    """An orthogonal matrix (orthonormal columns for a tall one, rows for a wide one, each
    matrix of a batch) from an unconstrained one X of the same shape, by ``orthogonal_map``:
    ``matrix_exp`` or ``cayley`` of the skew-symmetric ``A = L - L^T`` (L the lower triangle
    of X, padded square), or the product of the Householder reflectors below X's diagonal,
    each column's sign given by X's diagonal. With ``use_trivialization`` the result is
    ``base @ Q``, ``base`` an orthogonal buffer set by ``right_inverse``."""

    base: Tensor

    def __init__(
        self, weight: Tensor, orthogonal_map: _OrthMaps, *, use_trivialization: bool = True
    ) -> None:
        super().__init__()
        # (PyTorch's complex branch, unitary weights, is not here: minigrad's tensors are real.)
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:
        n, k = X.shape[-2], X.shape[-1]
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        # X is tall (n >= k) from here.
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            # n k - k (k - 1) / 2 free numbers: the lower triangle, padded to n x n.
            X = X.tril()
            if n != k:
                X = cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mT  # skew-symmetric
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = matrix_exp(A)
            else:
                # The Cayley retraction (I + A/2)(I - A/2)^-1, as PyTorch writes it.
                Id = eye(n, dtype=A.dtype)
                Q = solve(Id - 0.5 * A, Id + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = householder_product(A, tau)
            # X's diagonal (1s and -1s) picks each column's sign; as PyTorch's, it is cast to
            # int, so it gets no gradient and the optimizer never moves it.
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q: Tensor) -> Tensor:
        """An X this parametrization maps to ``Q`` (or to Q made orthogonal by QR, if it is
        not): with ``use_trivialization``, ``base`` becomes Q (completed to a square
        orthogonal matrix by random columns when Q is not square) and X is ``-I`` (which every
        map takes to I); without it, for householder, X is Q's ``geqrf`` reflectors with R's
        diagonal replaced by its signs. matrix_exp and cayley have no inverse without
        ``base`` (NotImplementedError: registering keeps the weight as the original)."""
        if Q.shape != self.shape:
            raise ValueError(
                f"Expected a matrix or batch of matrices of shape {self.shape}. "
                f"Got a tensor of shape {Q.shape}."
            )
        with no_grad():
            return self._right_inverse(Q.detach())

    def _right_inverse(self, Q: Tensor) -> Tensor:
        Q_init = Q
        n, k = Q.shape[-2], Q.shape[-1]
        transpose = n < k
        if transpose:
            Q = Q.mT
            n, k = k, n
        if not hasattr(self, "base"):
            if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                raise NotImplementedError(
                    "It is not possible to assign to the matrix exponential "
                    "or the Cayley parametrizations when use_trivialization=False."
                )
            # QR with diag(R) > 0, so an orthogonal Q is not also stored as (-Q)(-I).
            a, tau = geqrf_array(Q._data)
            rows = np.arange(min(n, k))
            diag = np.sign(a[..., rows, rows])
            # LAPACK's tau is exactly 0 where it used no reflection: that column's sign flips.
            diag[tau == 0.0] *= -1
            a[..., rows, rows] = diag
            A = as_tensor(a)
            return A.mT if transpose else A
        if n == k:
            Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
        else:
            # Complete Q to an n x n orthogonal matrix with random columns.
            N = randn(*Q.shape[:-2], n, n - k, dtype=Q.dtype)
            Q = _make_orthogonal(cat([Q, N], dim=-1))
        self.base = Q
        # -I, not I: the householder map takes zeros(n, k) with a diagonal of -1s to I.
        neg_Id = zeros_like(Q_init)
        neg_Id.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return neg_Id


def orthogonal(
    module: T_module,
    name: str = "weight",
    orthogonal_map: str | None = None,
    *,
    use_trivialization: bool = True,
) -> T_module:
    r"""An orthogonal parametrization of a matrix or a batch of matrices
    (``torch.nn.utils.parametrizations.orthogonal``): ``module.<name>`` (m x n, or
    ``(..., m, n)``, each matrix of the batch) satisfies ``Q^T Q = I_n`` when m >= n and
    ``Q Q^T = I_m`` when m < n, whatever the optimizer does to the unconstrained original
    ``module.parametrizations.<name>.original``.

    ``orthogonal_map``: ``"matrix_exp"`` or ``"cayley"`` (``(I + A/2)(I - A/2)^-1``) of a
    skew-symmetric A made from the original's lower triangle, or ``"householder"``, a product
    of Householder reflectors (``linalg.householder_product``). Default: ``"matrix_exp"`` for
    a square matrix, ``"householder"`` otherwise.

    With ``use_trivialization=True`` (the default) the result is ``base @ Q(original)``,
    ``base`` an orthogonal buffer (``parametrizations.<name>.0.base`` in the state dict;
    "dynamic trivialization", https://arxiv.org/abs/1909.09501). Registering sets ``base``
    to the weight if it is orthogonal, else to the Q of its QR decomposition (with diag(R) >=
    0; a non-square weight is first completed with random columns, from minigrad's
    generator), and the original to ``-I``, so the parametrized weight starts as that Q. The
    same holds without trivialization for ``"householder"``; for ``"matrix_exp"`` and
    ``"cayley"`` the original is the weight as it was (and assigning to ``module.<name>``
    raises NotImplementedError), as in PyTorch.

    Args:
        module: the module holding the parameter.
        name: the parameter's name (at least 2 dims).
        orthogonal_map: ``"matrix_exp"``, ``"cayley"`` or ``"householder"``.
        use_trivialization: keep the ``base`` buffer.

    Returns:
        ``module``.

    Raises:
        ValueError: in PyTorch's words, if ``module`` has no tensor ``name``, for a tensor of
            fewer than 2 dims, or an unknown ``orthogonal_map``; the module is left as it was.
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    # (1-D tensors could map to the sphere; PyTorch refuses them, so does minigrad.)
    if weight.ndim < 2:
        raise ValueError(
            f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions."
        )
    if orthogonal_map is None:
        square = weight.shape[-2] == weight.shape[-1]
        orthogonal_map = "matrix_exp" if square else "householder"
    orth_enum = _OrthMaps.__members__.get(str(orthogonal_map))
    if orth_enum is None:
        raise ValueError(
            'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
            f"Got: {orthogonal_map}"
        )
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


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
