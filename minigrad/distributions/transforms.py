"""``torch.distributions.transforms``: invertible maps y = f(x) with the log of the absolute
determinant of their Jacobian, the pieces ``TransformedDistribution`` is built of.

Every map, inverse and log-det is composed of minigrad's differentiable ops, so a value pushed
through them (``rsample``) or scored (``log_prob``) is differentiable to any order.
"""

from __future__ import annotations

import math
import numbers
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import linalg
from ..creation import eye, full_like
from ..functions import broadcast_shapes, cat, stack
from ..nn.functional import logsigmoid, pad, softplus
from ..surface import Size
from ..tensor import Tensor, as_tensor
from .constraints import cat as cat_constraint
from .constraints import corr_cholesky, independent, interval
from .constraints import stack as stack_constraint
from .distribution import (
    Constraint,
    broadcast_all,
    positive,
    real,
    real_vector,
    simplex,
    unit_interval,
)
from .multivariate import lower_cholesky, positive_definite, sum_rightmost

__all__ = [
    "AbsTransform",
    "AffineTransform",
    "CatTransform",
    "ComposeTransform",
    "CorrCholeskyTransform",
    "CumulativeDistributionTransform",
    "ExpTransform",
    "IndependentTransform",
    "LowerCholeskyTransform",
    "PositiveDefiniteTransform",
    "PowerTransform",
    "ReshapeTransform",
    "SigmoidTransform",
    "SoftmaxTransform",
    "SoftplusTransform",
    "StackTransform",
    "StickBreakingTransform",
    "TanhTransform",
    "Transform",
    "identity_transform",
]


def _finfo(t: Tensor) -> Any:
    return np.finfo(t._data.dtype)


class Transform:
    """An invertible (or at least computable) map y = f(x), as PyTorch's ``Transform``.

    Args:
        cache_size: 1 keeps the last pair (x, y), so that ``t.inv(t(x))`` gives back the very
            tensor ``x`` without computing the inverse (SAC's tanh-squashed Gaussian needs it:
            atanh of a sample rounded to +-1 is infinite); 0 caches nothing.

    ``t(x)`` is f(x), ``t.inv`` the inverse transform (``t.inv(y)``), ``log_abs_det_jacobian(x,
    y)`` is log |df/dx| summed over nothing (elementwise) unless the transform's ``event_dim``
    says it acts on whole vectors. ``domain`` and ``codomain`` are the constraints x and y
    satisfy; ``sign`` (+1 or -1) the direction of a monotone scalar map.
    """

    bijective = False
    domain: Constraint = real
    codomain: Constraint = real

    def __init__(self, cache_size: int = 0) -> None:
        if cache_size not in (0, 1):
            raise ValueError("cache_size must be 0 or 1")
        self._cache_size = cache_size
        self._inv: Any = None
        self._cached_x_y: tuple[Any, Any] = (None, None)

    @property
    def event_dim(self) -> int:
        """The number of rightmost dims that make one input (and one output)."""
        if self.domain.event_dim == self.codomain.event_dim:
            return self.domain.event_dim
        raise ValueError("Please use either .domain.event_dim or .codomain.event_dim")

    @property
    def inv(self) -> Transform:
        """The inverse transform (held weakly here, as PyTorch's, so no cycle keeps it)."""
        inv = self._inv() if self._inv is not None else None
        if inv is None:
            inv = _InverseTransform(self)
            self._inv = weakref.ref(inv)
        return inv

    @property
    def sign(self) -> Any:
        """+1 or -1: whether the (scalar, monotone) map increases or decreases."""
        raise NotImplementedError

    def with_cache(self, cache_size: int = 1) -> Transform:
        """This transform with the cache size given (itself when it already has it)."""
        if self._cache_size == cache_size:
            return self
        if type(self).__init__ is Transform.__init__:
            return type(self)(cache_size=cache_size)
        raise NotImplementedError(f"{type(self)}.with_cache is not implemented")

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = object.__hash__

    def __call__(self, x: Tensor) -> Tensor:
        """y = f(x), the cached y when ``x`` is the last input (cache_size=1)."""
        if self._cache_size == 0:
            return self._call(x)
        x_old, y_old = self._cached_x_y
        if x is x_old:
            return y_old
        y = self._call(x)
        self._cached_x_y = x, y
        return y

    def _inv_call(self, y: Tensor) -> Tensor:
        if self._cache_size == 0:
            return self._inverse(y)
        x_old, y_old = self._cached_x_y
        if y is y_old:
            return x_old
        x = self._inverse(y)
        self._cached_x_y = x, y
        return x

    def _call(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def _inverse(self, y: Tensor) -> Tensor:
        raise NotImplementedError

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        """log |det dy/dx| for the pair y = f(x)."""
        raise NotImplementedError

    def forward_shape(self, shape: Any) -> Any:
        """The shape of f(x) for an x of ``shape``."""
        return shape

    def inverse_shape(self, shape: Any) -> Any:
        """The shape of the inverse's output for a y of ``shape``."""
        return shape

    def __repr__(self) -> str:
        return type(self).__name__ + "()"


class _InverseTransform(Transform):
    """The inverse of a transform: its call is the other's inverse, its log-det the negation."""

    def __init__(self, transform: Transform) -> None:
        super().__init__(cache_size=transform._cache_size)
        self._inv = transform

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        return self._inv.codomain

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        return self._inv.domain

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        return self._inv.bijective

    @property
    def sign(self) -> Any:
        return self._inv.sign

    @property
    def inv(self) -> Transform:
        return self._inv

    def with_cache(self, cache_size: int = 1) -> Transform:
        return self.inv.with_cache(cache_size).inv

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _InverseTransform) and self._inv == other._inv

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._inv!r})"

    def __call__(self, x: Tensor) -> Tensor:
        return self._inv._inv_call(x)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return -self._inv.log_abs_det_jacobian(y, x)

    def forward_shape(self, shape: Any) -> Any:
        return self._inv.inverse_shape(shape)

    def inverse_shape(self, shape: Any) -> Any:
        return self._inv.forward_shape(shape)


class ComposeTransform(Transform):
    """``parts`` applied in order (the first to x first); the log-dets add up, each summed
    over the event dims the composition has beyond its own.

    Args:
        parts: the transforms; ``[]`` is the identity (``identity_transform``).
        cache_size: given to every part (``with_cache``).
    """

    def __init__(self, parts: list[Transform], cache_size: int = 0) -> None:
        if cache_size:
            parts = [part.with_cache(cache_size) for part in parts]
        super().__init__(cache_size=cache_size)
        self.parts = parts

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ComposeTransform) and self.parts == other.parts

    __hash__ = object.__hash__

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        if not self.parts:
            return real
        domain = self.parts[0].domain
        event_dim = self.parts[-1].codomain.event_dim
        for part in reversed(self.parts):  # the most event dims any part needs, counted back
            event_dim += part.domain.event_dim - part.codomain.event_dim
            event_dim = max(event_dim, part.domain.event_dim)
        if event_dim > domain.event_dim:
            domain = independent(domain, event_dim - domain.event_dim)
        return domain

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        if not self.parts:
            return real
        codomain = self.parts[-1].codomain
        event_dim = self.parts[0].domain.event_dim
        for part in self.parts:
            event_dim += part.codomain.event_dim - part.domain.event_dim
            event_dim = max(event_dim, part.codomain.event_dim)
        if event_dim > codomain.event_dim:
            codomain = independent(codomain, event_dim - codomain.event_dim)
        return codomain

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        return all(p.bijective for p in self.parts)

    @property
    def sign(self) -> Any:
        sign: Any = 1
        for p in self.parts:
            sign = sign * p.sign
        return sign

    @property
    def inv(self) -> Transform:
        inv = self._inv() if self._inv is not None else None
        if inv is None:
            inv = ComposeTransform([p.inv for p in reversed(self.parts)])
            self._inv = weakref.ref(inv)
            inv._inv = weakref.ref(self)
        return inv

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return ComposeTransform(self.parts, cache_size=cache_size)

    def __call__(self, x: Tensor) -> Tensor:
        for part in self.parts:
            x = part(x)
        return x

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        if not self.parts:
            return full_like(x, 0.0)
        xs = [x]  # the intermediates: free when the parts cache them
        for part in self.parts[:-1]:
            xs.append(part(xs[-1]))
        xs.append(y)
        terms = []
        event_dim = self.domain.event_dim
        for part, x_, y_ in zip(self.parts, xs[:-1], xs[1:]):
            term = part.log_abs_det_jacobian(x_, y_)
            terms.append(sum_rightmost(term, event_dim - part.domain.event_dim))
            event_dim += part.codomain.event_dim - part.domain.event_dim
        result = terms[0]
        for term in terms[1:]:
            result = result + term
        return result

    def forward_shape(self, shape: Any) -> Any:
        for part in self.parts:
            shape = part.forward_shape(shape)
        return shape

    def inverse_shape(self, shape: Any) -> Any:
        for part in reversed(self.parts):
            shape = part.inverse_shape(shape)
        return shape

    def __repr__(self) -> str:
        return type(self).__name__ + "(\n    " + ",\n    ".join(map(repr, self.parts)) + "\n)"


identity_transform = ComposeTransform([])


class IndependentTransform(Transform):
    """``base_transform`` reading its rightmost ``reinterpreted_batch_ndims`` batch dims as
    event dims: the same map, its log-det summed over those dims.

    Args:
        base_transform: the transform wrapped.
        reinterpreted_batch_ndims: how many dims, from the right.
        cache_size: 0 or 1 (see ``Transform``).
    """

    def __init__(
        self, base_transform: Transform, reinterpreted_batch_ndims: int, cache_size: int = 0
    ) -> None:
        super().__init__(cache_size=cache_size)
        self.base_transform = base_transform.with_cache(cache_size)
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return IndependentTransform(
            self.base_transform, self.reinterpreted_batch_ndims, cache_size=cache_size
        )

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        return independent(self.base_transform.domain, self.reinterpreted_batch_ndims)

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        return independent(self.base_transform.codomain, self.reinterpreted_batch_ndims)

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        return self.base_transform.bijective

    @property
    def sign(self) -> Any:
        return self.base_transform.sign

    def _call(self, x: Tensor) -> Tensor:
        if x.dim() < self.domain.event_dim:
            raise ValueError("Too few dimensions on input")
        return self.base_transform(x)

    def _inverse(self, y: Tensor) -> Tensor:
        if y.dim() < self.codomain.event_dim:
            raise ValueError("Too few dimensions on input")
        return self.base_transform.inv(y)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        result = self.base_transform.log_abs_det_jacobian(x, y)
        return sum_rightmost(result, self.reinterpreted_batch_ndims)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_transform!r}, {self.reinterpreted_batch_ndims})"

    def forward_shape(self, shape: Any) -> Any:
        return self.base_transform.forward_shape(shape)

    def inverse_shape(self, shape: Any) -> Any:
        return self.base_transform.inverse_shape(shape)


class ReshapeTransform(Transform):
    """Reshapes the rightmost dims from ``in_shape`` to ``out_shape`` (log-det 0).

    Args:
        in_shape: the event shape of x.
        out_shape: the event shape of y, with as many elements.
        cache_size: 0 or 1 (see ``Transform``).
    """

    bijective = True

    def __init__(self, in_shape: Any, out_shape: Any, cache_size: int = 0) -> None:
        self.in_shape, self.out_shape = Size(in_shape), Size(out_shape)
        if self.in_shape.numel() != self.out_shape.numel():
            raise ValueError("in_shape, out_shape have different numbers of elements")
        super().__init__(cache_size=cache_size)

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        return independent(real, len(self.in_shape))

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        return independent(real, len(self.out_shape))

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return ReshapeTransform(self.in_shape, self.out_shape, cache_size=cache_size)

    def _call(self, x: Tensor) -> Tensor:
        batch_shape = Size(x.shape[: x.dim() - len(self.in_shape)])
        return x.reshape(batch_shape + self.out_shape)

    def _inverse(self, y: Tensor) -> Tensor:
        batch_shape = Size(y.shape[: y.dim() - len(self.out_shape)])
        return y.reshape(batch_shape + self.in_shape)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return x.new_zeros(x.shape[: x.dim() - len(self.in_shape)])

    def _reshaped(self, shape: Any, old: Size, new: Size) -> Size:
        if len(shape) < len(old):
            raise ValueError("Too few dimensions on input")
        cut = len(shape) - len(old)
        if Size(shape[cut:]) != old:
            raise ValueError(f"Shape mismatch: expected {shape[cut:]} but got {old}")
        return Size(shape[:cut]) + new

    def forward_shape(self, shape: Any) -> Any:
        return self._reshaped(shape, self.in_shape, self.out_shape)

    def inverse_shape(self, shape: Any) -> Any:
        return self._reshaped(shape, self.out_shape, self.in_shape)


class _Parameterless(Transform):
    """A transform without parameters: any two of its class are equal (PyTorch writes this
    ``__eq__`` in each such class); the hash stays the object's, as PyTorch's."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self))

    __hash__ = object.__hash__


class ExpTransform(_Parameterless):
    """y = exp(x); log|dy/dx| = x."""

    domain = real
    codomain = positive
    bijective = True
    sign = +1

    def _call(self, x: Tensor) -> Tensor:
        return x.exp()

    def _inverse(self, y: Tensor) -> Tensor:
        return y.log()

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return x


class PowerTransform(Transform):
    """y = x^exponent on x > 0; log|dy/dx| = log|exponent y / x|.

    Args:
        exponent: a number or a tensor (broadcast against x).
        cache_size: 0 or 1 (see ``Transform``).
    """

    domain = positive
    codomain = positive
    bijective = True

    def __init__(self, exponent: Any, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        (self.exponent,) = broadcast_all(exponent)

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return PowerTransform(self.exponent, cache_size=cache_size)

    @property
    def sign(self) -> Any:
        return self.exponent.sign()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PowerTransform):
            return False
        return bool(self.exponent.eq(other.exponent).all().item())

    __hash__ = object.__hash__

    def _call(self, x: Tensor) -> Tensor:
        return x.pow(self.exponent)

    def _inverse(self, y: Tensor) -> Tensor:
        return y.pow(1 / self.exponent)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return (self.exponent * y / x).abs().log()

    def forward_shape(self, shape: Any) -> Any:
        return broadcast_shapes(shape, self.exponent.shape)

    def inverse_shape(self, shape: Any) -> Any:
        return broadcast_shapes(shape, self.exponent.shape)


def _clipped_sigmoid(x: Tensor) -> Tensor:
    """sigmoid(x) kept inside [tiny, 1 - eps], so that its logit is finite."""
    info = _finfo(x)
    return x.sigmoid().clamp(min=float(info.tiny), max=1.0 - float(info.eps))


class SigmoidTransform(_Parameterless):
    """y = sigmoid(x), clipped to [tiny, 1 - eps]; log|dy/dx| = -softplus(-x) - softplus(x)."""

    domain = real
    codomain = unit_interval
    bijective = True
    sign = +1

    def _call(self, x: Tensor) -> Tensor:
        return _clipped_sigmoid(x)

    def _inverse(self, y: Tensor) -> Tensor:
        info = _finfo(y)
        y = y.clamp(min=float(info.tiny), max=1.0 - float(info.eps))
        return y.log() - (-y).log1p()

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return -softplus(-x) - softplus(x)


class SoftplusTransform(_Parameterless):
    """y = log(1 + exp(x)); log|dy/dx| = -softplus(-x)."""

    domain = real
    codomain = positive
    bijective = True
    sign = +1

    def _call(self, x: Tensor) -> Tensor:
        return softplus(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return (-((-y).expm1())).log() + y

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return -softplus(-x)


class TanhTransform(_Parameterless):
    """y = tanh(x); log|dy/dx| = 2 (log 2 - x - softplus(-2x)), stable for large |x|.

    With ``cache_size=1`` (as soft actor-critic uses it) ``log_prob`` of an ``rsample`` reads
    the pre-tanh value from the cache instead of atanh of a y rounded to +-1.
    """

    domain = real
    codomain = interval(-1.0, 1.0)
    bijective = True
    sign = +1

    def _call(self, x: Tensor) -> Tensor:
        return x.tanh()

    def _inverse(self, y: Tensor) -> Tensor:
        return y.atanh()

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return 2.0 * (math.log(2.0) - x - softplus(-2.0 * x))


class AbsTransform(_Parameterless):
    """y = |x| (not invertible: the inverse gives y back)."""

    domain = real
    codomain = positive

    def _call(self, x: Tensor) -> Tensor:
        return x.abs()

    def _inverse(self, y: Tensor) -> Tensor:
        return y


class AffineTransform(Transform):
    """y = loc + scale x; log|dy/dx| = log|scale|, summed over ``event_dim`` rightmost dims.

    Args:
        loc: a number or a tensor.
        scale: a number or a tensor.
        event_dim: how many rightmost dims make one event (1: the map acts on vectors).
        cache_size: 0 or 1 (see ``Transform``).
    """

    bijective = True

    def __init__(self, loc: Any, scale: Any, event_dim: int = 0, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.loc, self.scale, self._event_dim = loc, scale, event_dim

    @property
    def event_dim(self) -> int:
        return self._event_dim

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        return real if self.event_dim == 0 else independent(real, self.event_dim)

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        return self.domain

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return AffineTransform(self.loc, self.scale, self.event_dim, cache_size=cache_size)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AffineTransform):
            return False
        for mine, theirs in ((self.loc, other.loc), (self.scale, other.scale)):
            if isinstance(mine, numbers.Number) and isinstance(theirs, numbers.Number):
                if mine != theirs:
                    return False
            elif not bool((mine == theirs).all().item()):
                return False
        return True

    __hash__ = object.__hash__

    @property
    def sign(self) -> Any:
        if isinstance(self.scale, numbers.Real):
            scale = float(self.scale)
            return 1 if scale > 0 else -1 if scale < 0 else 0
        return self.scale.sign()

    def _call(self, x: Tensor) -> Tensor:
        return self.loc + self.scale * x

    def _inverse(self, y: Tensor) -> Tensor:
        return (y - self.loc) / self.scale

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        shape = Size(x.shape)
        if isinstance(self.scale, numbers.Real):
            result = full_like(x, math.log(abs(self.scale)))
        else:
            result = self.scale.abs().log()
        if self.event_dim:
            result = result.reshape(*result.shape[: result.dim() - self.event_dim], -1).sum(-1)
            shape = Size(shape[: len(shape) - self.event_dim])
        return result.expand(shape)

    def forward_shape(self, shape: Any) -> Any:
        return broadcast_shapes(
            shape, getattr(self.loc, "shape", ()), getattr(self.scale, "shape", ())
        )

    def inverse_shape(self, shape: Any) -> Any:
        return self.forward_shape(shape)


class SoftmaxTransform(_Parameterless):
    """y = softmax(x) over the last dim (not a bijection: the inverse is log y, one of the
    many x that map to y; there is no log-det)."""

    domain = real_vector
    codomain = simplex

    def _call(self, x: Tensor) -> Tensor:
        probs = (x - x.max(-1, True)[0]).exp()
        return probs / probs.sum(-1, True)

    def _inverse(self, y: Tensor) -> Tensor:
        return y.log()

    def forward_shape(self, shape: Any) -> Any:
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return shape

    def inverse_shape(self, shape: Any) -> Any:
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return shape


class StickBreakingTransform(_Parameterless):
    """Maps K - 1 reals to the K-simplex by stick breaking: z_i = sigmoid(x_i - log(K - i)),
    y_i = z_i prod_{j<i} (1 - z_j), y_K what is left; a bijection (``LogisticNormal``'s)."""

    domain = real_vector
    codomain = simplex
    bijective = True

    def _call(self, x: Tensor) -> Tensor:
        offset = x.shape[-1] + 1 - x.new_ones(x.shape[-1]).cumsum(-1)
        z = _clipped_sigmoid(x - offset.log())
        z_cumprod = (1 - z).cumprod(-1)
        return pad(z, [0, 1], value=1) * pad(z_cumprod, [1, 0], value=1)

    def _inverse(self, y: Tensor) -> Tensor:
        y_crop = y[..., :-1]
        offset = y.shape[-1] - y.new_ones(y_crop.shape[-1]).cumsum(-1)
        # the stick left, kept positive where rounding makes it 0 or below
        sf = (1 - y_crop.cumsum(-1)).clamp(min=float(_finfo(y).tiny))
        return y_crop.log() - sf.log() + offset.log()

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        offset = x.shape[-1] + 1 - x.new_ones(x.shape[-1]).cumsum(-1)
        x = x - offset.log()
        # 1 - sigmoid(x) = exp(-x) sigmoid(x)
        return (-x + logsigmoid(x) + y[..., :-1].log()).sum(-1)

    def forward_shape(self, shape: Any) -> Any:
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return Size(shape[:-1]) + Size((shape[-1] + 1,))

    def inverse_shape(self, shape: Any) -> Any:
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        return Size(shape[:-1]) + Size((shape[-1] - 1,))


def _tril_positions(n: int, diag: int) -> np.ndarray:
    """The flat (row-major) positions in an n x n matrix of the elements on or below the
    ``diag``-th diagonal, in row order (PyTorch's ``tril_matrix_to_vec`` order)."""
    rows, cols = np.indices((n, n))
    return np.flatnonzero(cols < rows + (diag + 1))


def tril_matrix_to_vec(mat: Tensor, diag: int = 0) -> Tensor:
    """The elements of ``mat`` (..., n, n) on or below its ``diag``-th diagonal, row by row,
    as a vector (..., N); an index of the flattened matrix, so differentiable."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    index = as_tensor(_tril_positions(n, diag))
    return mat.reshape(*mat.shape[:-2], n * n).index_select(-1, index)


def vec_to_tril_matrix(vec: Tensor, diag: int = 0) -> Tensor:
    """The inverse of ``tril_matrix_to_vec``: an n x n matrix, zero above the ``diag``-th
    diagonal, filled row by row from ``vec`` (..., N)."""
    b = 1 + 2 * diag
    n_real = (-b + (b**2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    # both sides (PyTorch checks only one, and a length like 4 then fails later on a shape)
    if abs(round(n_real) - n_real) > float(_finfo(vec).eps):
        raise ValueError(
            f"The size of last dimension is {vec.shape[-1]} which cannot be expressed as "
            "the lower triangular part of a square D x D matrix."
        )
    n = round(n_real)
    # each matrix position reads its element from vec, shifted by one: position 0 of the
    # padded vector is the zero of the elements above the diagonal
    source = np.zeros(n * n, dtype=np.int64)
    source[_tril_positions(n, diag)] = np.arange(1, vec.shape[-1] + 1)
    padded = pad(vec, [1, 0], value=0.0)
    return padded.index_select(-1, as_tensor(source)).reshape(*vec.shape[:-1], n, n)


class CorrCholeskyTransform(Transform):
    """D (D - 1) / 2 reals to the Cholesky factor of a D x D correlation matrix (lower
    triangular, positive diagonal, rows of unit length), PyTorch's map: x fills the strictly
    lower triangle row by row as r = tanh(x), and each row is a signed stick breaking of the
    squares, y_ij = r_ij sqrt(1 - sum_{k<j} y_ik^2), the diagonal what is left.

    ``log_abs_det_jacobian`` is that of x against the strictly lower triangle of y (the two
    spaces have different dimensions), as PyTorch's.
    """

    domain = real_vector
    codomain = corr_cholesky
    bijective = True

    def _call(self, x: Tensor) -> Tensor:
        eps = float(_finfo(x).eps)
        r = vec_to_tril_matrix(x.tanh().clamp(min=-1 + eps, max=1 - eps), diag=-1)
        # y = sign(r) sqrt(z * prod(1 - z)) = r sqrt(prod over the earlier columns of (1 - z))
        z1m_cumprod_sqrt = (1 - r**2).sqrt().cumprod(-1)
        r = r + eye(r.shape[-1], dtype=r.dtype)
        return r * pad(z1m_cumprod_sqrt[..., :-1], [1, 0], value=1)

    def _inverse(self, y: Tensor) -> Tensor:
        y_cumsum = 1 - (y * y).cumsum(-1)
        y_cumsum_shifted = pad(y_cumsum[..., :-1], [1, 0], value=1)
        t = tril_matrix_to_vec(y, diag=-1) / tril_matrix_to_vec(y_cumsum_shifted, diag=-1).sqrt()
        return (t.log1p() - (-t).log1p()) / 2

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        # diag=-2 reads each row's stick left before its element, no shift needed
        y1m_cumsum = 1 - (y * y).cumsum(-1)
        stick_breaking_logdet = 0.5 * tril_matrix_to_vec(y1m_cumsum, diag=-2).log().sum(-1)
        tanh_logdet = -2 * (x + softplus(-2 * x) - math.log(2.0)).sum(-1)
        return stick_breaking_logdet + tanh_logdet

    def forward_shape(self, shape: Any) -> Any:
        if len(shape) < 1:
            raise ValueError("Too few dimensions on input")
        n = shape[-1]
        d = round((0.25 + 2 * n) ** 0.5 + 0.5)
        if d * (d - 1) // 2 != n:
            raise ValueError("Input is not a flattened lower-diagonal number")
        return Size(shape[:-1]) + Size((d, d))

    def inverse_shape(self, shape: Any) -> Any:
        if len(shape) < 2:
            raise ValueError("Too few dimensions on input")
        if shape[-2] != shape[-1]:
            raise ValueError("Input is not square")
        d = shape[-1]
        return Size(shape[:-2]) + Size((d * (d - 1) // 2,))


class LowerCholeskyTransform(_Parameterless):
    """Square matrices to lower-triangular ones with a positive diagonal: the strictly lower
    triangle kept, the diagonal exponentiated (not a bijection of all matrices, so no
    log-det, as PyTorch's); ``transform_to(constraints.lower_cholesky)``."""

    domain = independent(real, 2)
    codomain = lower_cholesky

    def _call(self, x: Tensor) -> Tensor:
        return x.tril(-1) + x.diagonal(dim1=-2, dim2=-1).exp().diag_embed()

    def _inverse(self, y: Tensor) -> Tensor:
        return y.tril(-1) + y.diagonal(dim1=-2, dim2=-1).log().diag_embed()


class PositiveDefiniteTransform(_Parameterless):
    """Square matrices to positive-definite ones, L L^T of ``LowerCholeskyTransform``'s L; the
    inverse reads L back by ``linalg.cholesky`` (no log-det, as PyTorch's)."""

    domain = independent(real, 2)
    codomain = positive_definite

    def _call(self, x: Tensor) -> Tensor:
        x = LowerCholeskyTransform()(x)
        return x @ x.mT

    def _inverse(self, y: Tensor) -> Tensor:
        return LowerCholeskyTransform().inv(linalg.cholesky(y))


def _check_slicing(dim: int, t: Tensor, name: str, size: tuple[str, int], call: bool) -> None:
    """PyTorch's AssertionErrors for a tensor ``name`` ("x" or "y") that a slicing transform
    cannot cut: ``dim`` out of range or the wrong ``size`` (its name and value) along it.
    ``call``: the check of a call or an inverse (the message says "tensor"), not a log-det."""
    if not (-t.dim() <= dim < t.dim()):
        where = "tensor" if call else name
        raise AssertionError(f"dim {dim} out of range for {where} with {t.dim()} dimensions")
    if t.shape[dim] != size[1]:
        raise AssertionError(f"{name}.size({dim}) = {t.shape[dim]} must equal {size[0]} {size[1]}")


class _PartsTransform(Transform):
    """What ``CatTransform`` and ``StackTransform`` share: a transform per part of a tensor
    along ``dim`` (``_map`` cuts, applies each part's transform or its inverse, and joins)."""

    def __init__(self, tseq: Sequence[Transform], dim: int, cache_size: int) -> None:
        if not all(isinstance(t, Transform) for t in tseq):
            raise AssertionError("All elements of tseq must be Transform instances")
        if cache_size:
            tseq = [t.with_cache(cache_size) for t in tseq]
        super().__init__(cache_size=cache_size)
        self.transforms = list(tseq)
        self.dim = dim

    @property
    def bijective(self) -> bool:  # type: ignore[override]
        return all(t.bijective for t in self.transforms)

    def _map(self, t: Tensor, name: str, inverse: bool) -> Tensor:
        raise NotImplementedError

    def _call(self, x: Tensor) -> Tensor:
        return self._map(x, "x", inverse=False)

    def _inverse(self, y: Tensor) -> Tensor:
        return self._map(y, "y", inverse=True)


class CatTransform(_PartsTransform):
    """``tseq[i]`` applied to the i-th slice along ``dim`` (of length ``lengths[i]``, 1 each
    when not given), the results joined by ``cat``: a transform per block of a vector.

    Args:
        tseq: the transforms, in order along ``dim``.
        dim: the dim cut into slices.
        lengths: the slices' lengths.
        cache_size: 0 or 1 (see ``Transform``), given to every part too.
    """

    def __init__(
        self,
        tseq: Sequence[Transform],
        dim: int = 0,
        lengths: Sequence[int] | None = None,
        cache_size: int = 0,
    ) -> None:
        super().__init__(tseq, dim, cache_size)
        self.lengths = [1] * len(self.transforms) if lengths is None else list(lengths)
        if len(self.lengths) != len(self.transforms):
            raise AssertionError(
                f"lengths ({len(self.lengths)}) must match transforms ({len(self.transforms)})"
            )

    @property
    def event_dim(self) -> int:
        return max(t.event_dim for t in self.transforms)

    @property
    def length(self) -> int:
        """The size along ``dim`` of the tensors it takes."""
        return sum(self.lengths)

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return CatTransform(self.transforms, self.dim, self.lengths, cache_size)

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        return cat_constraint([t.domain for t in self.transforms], self.dim, self.lengths)

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        return cat_constraint([t.codomain for t in self.transforms], self.dim, self.lengths)

    def _map(self, t: Tensor, name: str, inverse: bool) -> Tensor:
        _check_slicing(self.dim, t, name, ("length", self.length), call=True)
        pieces, start = [], 0
        for transform, length in zip(self.transforms, self.lengths):
            piece = t.narrow(self.dim, start, length)
            pieces.append(transform.inv(piece) if inverse else transform(piece))
            start = start + length
        return cat(pieces, self.dim)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        _check_slicing(self.dim, x, "x", ("length", self.length), call=False)
        _check_slicing(self.dim, y, "y", ("length", self.length), call=False)
        terms, start = [], 0
        for transform, length in zip(self.transforms, self.lengths):
            term = transform.log_abs_det_jacobian(
                x.narrow(self.dim, start, length), y.narrow(self.dim, start, length)
            )
            terms.append(sum_rightmost(term, self.event_dim - transform.event_dim))
            start = start + length
        dim = self.dim - x.dim() if self.dim >= 0 else self.dim
        dim = dim + self.event_dim
        if dim < 0:  # the cut dim is a batch dim of the log-det: the pieces join along it
            return cat(terms, dim)
        result = terms[0]  # the cut dim is inside the event: the pieces' log-dets add up
        for term in terms[1:]:
            result = result + term
        return result


class StackTransform(_PartsTransform):
    """``tseq[i]`` applied to ``x.select(dim, i)``, the results joined by ``stack``.

    Args:
        tseq: the transforms, one per index along ``dim``.
        dim: the dim the pieces are taken along.
        cache_size: 0 or 1 (see ``Transform``), given to every part too.
    """

    def __init__(self, tseq: Sequence[Transform], dim: int = 0, cache_size: int = 0) -> None:
        super().__init__(tseq, dim, cache_size)

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return StackTransform(self.transforms, self.dim, cache_size)

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        return stack_constraint([t.domain for t in self.transforms], self.dim)

    @property
    def codomain(self) -> Constraint:  # type: ignore[override]
        return stack_constraint([t.codomain for t in self.transforms], self.dim)

    def _slice(self, z: Tensor) -> list[Tensor]:
        return [z.select(self.dim, i) for i in range(z.shape[self.dim])]

    def _map(self, t: Tensor, name: str, inverse: bool) -> Tensor:
        _check_slicing(self.dim, t, name, ("len(transforms)", len(self.transforms)), call=True)
        pieces = [
            transform.inv(piece) if inverse else transform(piece)
            for piece, transform in zip(self._slice(t), self.transforms)
        ]
        return stack(pieces, self.dim)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        size = ("len(transforms)", len(self.transforms))
        _check_slicing(self.dim, x, "x", size, call=False)
        _check_slicing(self.dim, y, "y", size, call=False)
        terms = [
            transform.log_abs_det_jacobian(x_, y_)
            for x_, y_, transform in zip(self._slice(x), self._slice(y), self.transforms)
        ]
        return stack(terms, self.dim)


class CumulativeDistributionTransform(Transform):
    """y = F(x), F the ``distribution``'s cdf, onto [0, 1]; the inverse its ``icdf``, the
    log-det its ``log_prob`` (a Gaussian copula is a ``MultivariateNormal`` through
    ``CumulativeDistributionTransform(Normal(0, 1))``).

    Args:
        distribution: a distribution with ``cdf``, ``icdf`` and ``log_prob``.
        cache_size: 0 or 1 (see ``Transform``).
    """

    bijective = True
    codomain = unit_interval
    sign = +1

    def __init__(self, distribution: Any, cache_size: int = 0) -> None:
        super().__init__(cache_size=cache_size)
        self.distribution = distribution

    @property
    def domain(self) -> Constraint:  # type: ignore[override]
        return self.distribution.support

    def _call(self, x: Tensor) -> Tensor:
        return self.distribution.cdf(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return self.distribution.icdf(y)

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        return self.distribution.log_prob(x)

    def with_cache(self, cache_size: int = 1) -> Transform:
        if self._cache_size == cache_size:
            return self
        return CumulativeDistributionTransform(self.distribution, cache_size=cache_size)
