"""``biject_to`` and ``transform_to`` (``torch.distributions.constraint_registry``): the
transform from unconstrained reals onto a constraint's set, for optimising a parameter that
must stay positive, in an interval or on the simplex.

``biject_to(c)`` is a bijection (so a density can be carried through it); ``transform_to(c)``
only needs to reach the set (the simplex through ``SoftmaxTransform``, Cholesky factors and
positive-definite matrices through ``LowerCholeskyTransform``, which has no bijection yet in
PyTorch either).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from . import transforms
from .constraints import (
    Constraint,
    cat,
    corr_cholesky,
    greater_than,
    greater_than_eq,
    half_open_interval,
    independent,
    interval,
    less_than,
    lower_cholesky,
    positive_definite,
    positive_semidefinite,
    real,
    simplex,
    stack,
)

__all__ = ["ConstraintRegistry", "biject_to", "transform_to"]

Factory = Callable[[Any], transforms.Transform]


class ConstraintRegistry:
    """Constraint classes to the factories of their transforms (PyTorch's registry)."""

    def __init__(self) -> None:
        self._registry: dict[type, Factory] = {}

    def register(self, constraint: Any, factory: Factory | None = None) -> Any:
        """Register ``factory(constraint) -> Transform`` for a Constraint subclass (or the
        class of a Constraint instance); a decorator when ``factory`` is not given."""
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        if isinstance(constraint, Constraint):
            constraint = type(constraint)
        if not isinstance(constraint, type) or not issubclass(constraint, Constraint):
            raise TypeError(
                "Expected constraint to be either a Constraint subclass or instance, "
                f"but got {constraint}"
            )
        self._registry[constraint] = factory
        return factory

    def __call__(self, constraint: Constraint) -> transforms.Transform:
        """The transform from the reals onto ``constraint``'s set."""
        try:
            factory = self._registry[type(constraint)]
        except KeyError:
            raise NotImplementedError(
                f"Cannot transform {type(constraint).__name__} constraints"
            ) from None
        return factory(constraint)


biject_to = ConstraintRegistry()
transform_to = ConstraintRegistry()


def _to_real(constraint: Any) -> transforms.Transform:
    return transforms.identity_transform


def _biject_to_independent(constraint: Any) -> transforms.Transform:
    base = biject_to(constraint.base)
    return transforms.IndependentTransform(base, constraint.reinterpreted_batch_ndims)


def _transform_to_independent(constraint: Any) -> transforms.Transform:
    base = transform_to(constraint.base)
    return transforms.IndependentTransform(base, constraint.reinterpreted_batch_ndims)


def _to_greater_than(constraint: Any) -> transforms.Transform:
    """exp then shift; ``positive`` too (a greater-than-0 constraint, as in PyTorch)."""
    affine = transforms.AffineTransform(constraint.lower_bound, 1)
    return transforms.ComposeTransform([transforms.ExpTransform(), affine])


def _to_less_than(constraint: Any) -> transforms.Transform:
    affine = transforms.AffineTransform(constraint.upper_bound, -1)
    return transforms.ComposeTransform([transforms.ExpTransform(), affine])


def _to_interval(constraint: Any) -> transforms.Transform:
    """sigmoid, then scaled to [lower_bound, upper_bound] unless that is [0, 1]."""
    low, high = constraint.lower_bound, constraint.upper_bound
    if isinstance(low, numbers.Number) and low == 0 and isinstance(high, numbers.Number):
        if high == 1:
            return transforms.SigmoidTransform()
    affine = transforms.AffineTransform(low, high - low)
    return transforms.ComposeTransform([transforms.SigmoidTransform(), affine])


for _registry in (biject_to, transform_to):
    _registry.register(real, _to_real)
    for _lower in (greater_than, greater_than_eq):
        _registry.register(_lower, _to_greater_than)
    _registry.register(less_than, _to_less_than)
    for _bounded in (interval, half_open_interval):
        _registry.register(_bounded, _to_interval)
biject_to.register(independent, _biject_to_independent)
transform_to.register(independent, _transform_to_independent)
biject_to.register(simplex, lambda constraint: transforms.StickBreakingTransform())
transform_to.register(simplex, lambda constraint: transforms.SoftmaxTransform())


def _cat(registry: ConstraintRegistry) -> Factory:
    def factory(constraint: Any) -> transforms.Transform:
        parts = [registry(c) for c in constraint.cseq]
        return transforms.CatTransform(parts, constraint.dim, constraint.lengths)

    return factory


def _stack(registry: ConstraintRegistry) -> Factory:
    def factory(constraint: Any) -> transforms.Transform:
        return transforms.StackTransform([registry(c) for c in constraint.cseq], constraint.dim)

    return factory


for _registry in (biject_to, transform_to):
    _registry.register(corr_cholesky, lambda constraint: transforms.CorrCholeskyTransform())
    _registry.register(cat, _cat(_registry))
    _registry.register(stack, _stack(_registry))
transform_to.register(lower_cholesky, lambda constraint: transforms.LowerCholeskyTransform())
for _matrices in (positive_definite, positive_semidefinite):
    transform_to.register(_matrices, lambda constraint: transforms.PositiveDefiniteTransform())
