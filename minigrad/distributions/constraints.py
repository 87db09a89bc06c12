"""``torch.distributions.constraints``: the sets parameters and values must lie in, with
PyTorch's names (``real``, ``positive``, ``interval(0, 1)``...). ``c.check(value)`` is a bool
tensor, True where ``value`` is inside; ``c.event_dim`` says how many rightmost dims make one
value."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .distribution import (
    Constraint,
    _Dependent,
    _GreaterThan,
    _GreaterThanEq,
    _IndependentConstraint,
    _IntegerGreaterThanEq,
    _IntegerInterval,
    _Interval,
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
from .multinomial import _HalfOpenInterval, _Multinomial
from .multivariate import lower_cholesky, one_hot, positive_definite


class _LessThan(Constraint):
    """Reals below ``upper_bound``."""

    def __init__(self, upper_bound: Any) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Tensor) -> Tensor:
        return value < self.upper_bound

    def __repr__(self) -> str:
        return f"LessThan(upper_bound={self.upper_bound})"


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
positive_integer = _IntegerGreaterThanEq(1)

__all__ = [
    "Constraint",
    "boolean",
    "dependent",
    "greater_than",
    "greater_than_eq",
    "half_open_interval",
    "independent",
    "integer_interval",
    "interval",
    "is_dependent",
    "less_than",
    "lower_cholesky",
    "multinomial",
    "nonnegative",
    "nonnegative_integer",
    "one_hot",
    "positive",
    "positive_definite",
    "positive_integer",
    "real",
    "real_vector",
    "simplex",
    "unit_interval",
]
