"""``torch.distributions.constraints``: the sets parameters and values must lie in, with
PyTorch's names (``real``, ``positive``, ``interval(0, 1)``...). ``c.check(value)`` is a bool
tensor, True where ``value`` is inside; ``c.event_dim`` says how many rightmost dims make one
value."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..creation import full
from ..functions import cat as cat_tensors
from ..functions import stack as stack_tensors
from ..tensor import Tensor, as_tensor
from .distribution import (
    Constraint,
    _Dependent,
    _GreaterThan,
    _GreaterThanEq,
    _IndependentConstraint,
    _IntegerGreaterThan,
    _IntegerInterval,
    _Interval,
    _LessThan,
    boolean,
    dependent,
    nonnegative,
    nonnegative_integer,
    positive,
    real,
    real_vector,
    simplex,
    unit_interval,
)
from .mixture_same_family import MixtureSameFamilyConstraint
from .multinomial import _HalfOpenInterval, _Multinomial
from .multivariate import _LowerCholesky, lower_cholesky, one_hot, positive_definite


class _DependentProperty(property, _Dependent):
    """A ``property`` that is a dependent constraint when read on the class (so a
    distribution's ``support`` may depend on its parameters) and the property's value when
    read on an instance (PyTorch's ``constraints.dependent_property``).

    Args:
        fn: the getter.
        is_discrete: the static answer to ``.is_discrete`` (NotImplemented: none).
        event_dim: the static answer to ``.event_dim`` (NotImplemented: none).
    """

    def __init__(
        self,
        fn: Callable[..., Any] | None = None,
        *,
        is_discrete: Any = NotImplemented,
        event_dim: Any = NotImplemented,
    ) -> None:
        super().__init__(fn)
        self._is_discrete, self._event_dim = is_discrete, event_dim

    def __call__(self, fn: Callable[..., Any]) -> _DependentProperty:
        """``@dependent_property(is_discrete=..., event_dim=...)`` used as a decorator."""
        return _DependentProperty(fn, is_discrete=self._is_discrete, event_dim=self._event_dim)

    @property
    def is_discrete(self) -> bool:
        if self._is_discrete is NotImplemented:
            raise NotImplementedError(".is_discrete cannot be determined statically")
        return bool(self._is_discrete)

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        if self._event_dim is NotImplemented:
            raise NotImplementedError(".event_dim cannot be determined statically")
        return int(self._event_dim)


class _LowerTriangular(Constraint):
    """Lower-triangular square matrices."""

    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        return (value.tril() == value).reshape(*value.shape[:-2], -1).all(-1)


class _Square(Constraint):
    """Square matrices (a check on the shape only)."""

    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        square = value.shape[-2] == value.shape[-1]
        return full(tuple(value.shape[:-2]), square, dtype=bool)


class _Symmetric(_Square):
    """Symmetric square matrices, to an absolute 1e-6 (PyTorch's ``isclose``)."""

    def check(self, value: Tensor) -> Tensor:
        square = super().check(value)
        if not bool(square.all().item()):
            return square
        a = value.detach().numpy()
        return as_tensor(np.isclose(a, np.swapaxes(a, -1, -2), atol=1e-6).all((-2, -1)))


class _PositiveSemidefinite(_Symmetric):
    """Symmetric matrices whose eigenvalues are all >= 0."""

    def check(self, value: Tensor) -> Tensor:
        symmetric = super().check(value)
        if not bool(symmetric.all().item()):
            return symmetric
        return as_tensor((np.linalg.eigvalsh(value.detach().numpy()) >= 0).all(-1))


class _CorrCholesky(Constraint):
    """Cholesky factors of correlation matrices: lower triangular, a positive diagonal, and
    rows of unit length (to 10 eps per column, PyTorch's tolerance)."""

    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        a = value.detach().numpy()
        tol = float(np.finfo(a.dtype).eps) * a.shape[-1] * 10
        unit_rows = (np.abs(np.linalg.norm(a, axis=-1) - 1.0) <= tol).all(-1)
        return _LowerCholesky().check(value) & as_tensor(unit_rows)


def _check_dim(dim: int, value: Tensor) -> None:
    if not (-value.dim() <= dim < value.dim()):
        raise AssertionError(f"dim {dim} out of range for value with {value.dim()} dimensions")


class _Cat(Constraint):
    """``cseq[i]`` on the i-th slice of ``value`` along ``dim``, of length ``lengths[i]``
    (1 each when not given): the constraint of ``cat`` of the pieces.

    Args:
        cseq: the constraints, in order along ``dim``.
        dim: the dim the slices are cut from.
        lengths: the slices' lengths.
    """

    def __init__(self, cseq: Sequence[Constraint], dim: int = 0, lengths: Any = None) -> None:
        if not all(isinstance(c, Constraint) for c in cseq):
            raise AssertionError("All elements of cseq must be Constraint instances")
        self.cseq = list(cseq)
        self.lengths = [1] * len(self.cseq) if lengths is None else list(lengths)
        if len(self.lengths) != len(self.cseq):
            raise AssertionError(
                f"lengths ({len(self.lengths)}) must match cseq ({len(self.cseq)})"
            )
        self.dim = dim

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return max(c.event_dim for c in self.cseq)

    def check(self, value: Tensor) -> Tensor:
        _check_dim(self.dim, value)
        checks, start = [], 0
        for constraint, length in zip(self.cseq, self.lengths):
            checks.append(constraint.check(value.narrow(self.dim, start, length)))
            start = start + length
        return cat_tensors(checks, self.dim)


class _Stack(Constraint):
    """``cseq[i]`` on ``value.select(dim, i)``: the constraint of ``stack`` of the pieces.

    Args:
        cseq: the constraints, one per index along ``dim``.
        dim: the dim the pieces are stacked along.
    """

    def __init__(self, cseq: Sequence[Constraint], dim: int = 0) -> None:
        if not all(isinstance(c, Constraint) for c in cseq):
            raise AssertionError("All elements of cseq must be Constraint instances")
        self.cseq, self.dim = list(cseq), dim

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        dim = max(c.event_dim for c in self.cseq)
        if self.dim + dim < 0:  # a negative dim inside the event: the stacked dim is in it
            dim += 1
        return dim

    def check(self, value: Tensor) -> Tensor:
        _check_dim(self.dim, value)
        pieces = [value.select(self.dim, i) for i in range(value.shape[self.dim])]
        return stack_tensors([c.check(v) for v, c in zip(pieces, self.cseq)], self.dim)


def is_dependent(constraint: Any) -> bool:
    """Whether ``constraint`` depends on other parameters (and so is not checked alone)."""
    return isinstance(constraint, _Dependent)


# PyTorch's names for the constraint classes that take bounds.
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
less_than = _LessThan
interval = _Interval
half_open_interval = _HalfOpenInterval
integer_interval = _IntegerInterval
multinomial = _Multinomial
independent = _IndependentConstraint
positive_integer = _IntegerGreaterThan(1)
dependent_property = _DependentProperty
cat = _Cat
stack = _Stack
corr_cholesky = _CorrCholesky()
lower_triangular = _LowerTriangular()
square = _Square()
symmetric = _Symmetric()
positive_semidefinite = _PositiveSemidefinite()

__all__ = [
    "Constraint",
    "MixtureSameFamilyConstraint",
    "boolean",
    "cat",
    "corr_cholesky",
    "dependent",
    "dependent_property",
    "greater_than",
    "greater_than_eq",
    "half_open_interval",
    "independent",
    "integer_interval",
    "interval",
    "is_dependent",
    "less_than",
    "lower_cholesky",
    "lower_triangular",
    "multinomial",
    "nonnegative",
    "nonnegative_integer",
    "one_hot",
    "positive",
    "positive_definite",
    "positive_integer",
    "positive_semidefinite",
    "real",
    "real_vector",
    "simplex",
    "square",
    "stack",
    "symmetric",
    "unit_interval",
]
