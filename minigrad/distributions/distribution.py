"""The base class of distributions, their constraints and ``broadcast_all`` (PyTorch's)."""

from __future__ import annotations

import numbers
import warnings
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from ..functions import broadcast_tensors
from ..grad_mode import no_grad
from ..surface import Size
from ..tensor import Tensor, as_tensor

ShapeLike = Size | tuple[int, ...] | list[int]


# ---------------------------------------------------------------------------------------------
# Constraints: what a parameter or a value must satisfy (``torch.distributions.constraints``)


class Constraint:
    """A set of valid values; ``check(value)`` is a bool tensor, True where valid."""

    event_dim = 0

    def check(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__[1:]}()"


class _Real(Constraint):
    """Any real number but NaN."""

    def check(self, value: Tensor) -> Tensor:
        return value == value


class _GreaterThan(Constraint):
    def __init__(self, lower_bound: float | Tensor) -> None:
        self.lower_bound = lower_bound

    def check(self, value: Tensor) -> Tensor:
        return self.lower_bound < value

    def __repr__(self) -> str:
        return f"GreaterThan(lower_bound={self.lower_bound})"


class _GreaterThanEq(_GreaterThan):
    def check(self, value: Tensor) -> Tensor:
        return self.lower_bound <= value

    def __repr__(self) -> str:
        return f"GreaterThanEq(lower_bound={self.lower_bound})"


class _LessThan(Constraint):
    """Reals below ``upper_bound``."""

    def __init__(self, upper_bound: Any) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Tensor) -> Tensor:
        return value < self.upper_bound

    def __repr__(self) -> str:
        return f"LessThan(upper_bound={self.upper_bound})"


class _Dependent(Constraint):
    """A constraint that depends on other parameters (``Uniform``'s low and high): not checked
    on its own."""

    def check(self, value: Tensor) -> Tensor:
        raise ValueError("Cannot determine validity of dependent constraint")


class _Interval(Constraint):
    def __init__(self, lower_bound: float, upper_bound: float) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (self.lower_bound <= value) & (value <= self.upper_bound)

    def __repr__(self) -> str:
        bounds = f"lower_bound={self.lower_bound}, upper_bound={self.upper_bound}"
        return f"{type(self).__name__[1:]}({bounds})"


class _IntegerInterval(_Interval):
    def check(self, value: Tensor) -> Tensor:
        return (value % 1 == 0) & super().check(value)


class _IntegerGreaterThan(_GreaterThan):
    """Integers >= ``lower_bound``."""

    def check(self, value: Tensor) -> Tensor:
        return (value % 1 == 0) & (self.lower_bound <= value)

    def __repr__(self) -> str:
        return f"IntegerGreaterThan(lower_bound={self.lower_bound})"


class _Boolean(Constraint):
    def check(self, value: Tensor) -> Tensor:
        return (value == 0) | (value == 1)


class _Simplex(Constraint):
    """Non-negative vectors (the last dim) that sum to 1."""

    event_dim = 1

    def check(self, value: Tensor) -> Tensor:
        return (value >= 0).all(dim=-1) & ((value.sum(-1) - 1).abs() < 1e-6)


class _IndependentConstraint(Constraint):
    """A constraint on each element, holding for the whole rightmost ``reinterpreted_batch_ndims``
    dims (1: a vector of reals)."""

    def __init__(self, base: Constraint, reinterpreted_batch_ndims: int = 1) -> None:
        self.base, self.reinterpreted_batch_ndims = base, reinterpreted_batch_ndims
        self.event_dim = base.event_dim + reinterpreted_batch_ndims

    def check(self, value: Tensor) -> Tensor:
        result = self.base.check(value)
        n = self.reinterpreted_batch_ndims
        return result.reshape(*result.shape[: result.dim() - n], -1).all(dim=-1)

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base!r}, {self.reinterpreted_batch_ndims})"


real = _Real()
real_vector = _IndependentConstraint(real)
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
nonnegative_integer = _IntegerGreaterThan(0)
independent_positive = _IndependentConstraint(positive)
dependent = _Dependent()
unit_interval = _Interval(0.0, 1.0)
boolean = _Boolean()
simplex = _Simplex()


def _all_true(valid: Tensor) -> bool:
    return bool(np.all(valid.numpy()))


# ---------------------------------------------------------------------------------------------


def broadcast_all(*values: Any) -> tuple[Tensor, ...]:
    """The values as tensors of one broadcast shape; numbers take the first tensor's dtype
    (the default float dtype when all are numbers)."""
    if not all(isinstance(v, Tensor | numbers.Number) for v in values):
        raise ValueError(
            "Input arguments must all be instances of Number, minigrad.Tensor or objects "
            "implementing __torch_function__."
        )
    dtype = next((v.dtype for v in values if isinstance(v, Tensor)), None)
    tensors = [v if isinstance(v, Tensor) else as_tensor(float(v), dtype=dtype) for v in values]
    return broadcast_tensors(*tensors)


class _UndefinedArgConstraints:
    """``Distribution.arg_constraints`` until a subclass sets its own: reading it on an
    instance raises NotImplementedError, as PyTorch's abstract property."""

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        raise NotImplementedError(
            f"{type(obj).__name__} does not define arg_constraints; set arg_constraints = "
            "{name: constraint} on the class ({} when there is nothing to check)"
        )


_UNDEFINED_ARG_CONSTRAINTS: Any = _UndefinedArgConstraints()


class Distribution:
    """The base of probability distributions (``torch.distributions.Distribution``).

    Args:
        batch_shape: the shape over which parameters are batched.
        event_shape: the shape of a single sample (without batching).
        validate_args: check parameters (here) and values (in ``log_prob``) against their
            constraints; None follows ``set_default_validate_args`` (on, as in PyTorch).
    """

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__
    # a subclass sets its own dict; reading the base's raises, as PyTorch's abstract property
    arg_constraints: ClassVar[dict[str, Constraint]] = _UNDEFINED_ARG_CONSTRAINTS

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for distributions created from now on."""
        if value not in (True, False):
            raise ValueError(f"set_default_validate_args(): expected True or False, got {value!r}")
        Distribution._validate_args = value

    def __init__(
        self,
        batch_shape: ShapeLike = (),
        event_shape: ShapeLike = (),
        validate_args: bool | None = None,
    ) -> None:
        self._batch_shape, self._event_shape = Size(batch_shape), Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if not self._validate_args:
            return
        try:
            arg_constraints = self.arg_constraints
        except NotImplementedError:
            arg_constraints = {}
            warnings.warn(
                f"{self.__class__} does not define `arg_constraints`. Please set "
                "`arg_constraints = {}` or initialize the distribution with "
                "`validate_args=False` to turn off validation.",
                stacklevel=2,
            )
        for param, constraint in arg_constraints.items():
            if isinstance(constraint, _Dependent):
                continue
            lazy = isinstance(getattr(type(self), param, None), cached_property)
            if param not in self.__dict__ and lazy:  # the other parameterisation, not yet read
                continue
            value = getattr(self, param)
            if not _all_true(constraint.check(value)):
                raise ValueError(
                    f"Expected parameter {param} ({type(value).__name__} of shape "
                    f"{tuple(value.shape)}) of distribution {self!r} to satisfy the constraint "
                    f"{constraint!r}, but found invalid values:\n{value}"
                )

    @property
    def batch_shape(self) -> Size:
        """The shape over which parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        """The shape of a single sample (without batching)."""
        return self._event_shape

    @property
    def support(self) -> Constraint:
        raise NotImplementedError(f"{type(self).__name__} does not define its support")

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement mean")

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement mode")

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement variance")

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def sample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """A sample of shape ``sample_shape + batch_shape + event_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: ShapeLike = ()) -> Tensor:
        """A reparameterized sample: gradient flows to the parameters."""
        raise NotImplementedError(
            f"{type(self).__name__} has no reparameterized sample (rsample); use sample(), "
            "and log_prob for a score-function (REINFORCE) gradient"
        )

    def log_prob(self, value: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement log_prob")

    def entropy(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement entropy")

    def cdf(self, value: Tensor) -> Tensor:
        """P(X <= value); a distribution without one raises NotImplementedError, as PyTorch's."""
        raise NotImplementedError(f"{type(self).__name__} does not implement cdf")

    def icdf(self, value: Tensor) -> Tensor:
        """The inverse of ``cdf``; NotImplementedError where there is none, as PyTorch's."""
        raise NotImplementedError(f"{type(self).__name__} does not implement icdf")

    def enumerate_support(self, expand: bool = True) -> Tensor:
        """Every value of a discrete support; NotImplementedError for the others (PyTorch's)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement enumerate_support")

    def expand(self, batch_shape: ShapeLike, _instance: Any = None) -> Distribution:
        """This distribution with its parameters expanded (views) to ``batch_shape``; every
        distribution of minigrad's defines it, a user's subclass must too (as in PyTorch)."""
        raise NotImplementedError(
            f"{type(self).__name__}.expand(): not defined by this subclass of Distribution; "
            "define expand(batch_shape, _instance=None), or build the distribution from "
            "parameters expanded to the batch shape"
        )

    def _expanded(self, batch_shape: ShapeLike, names: tuple[str, ...]) -> Any:
        """A copy of this distribution with the parameters ``names`` expanded to
        ``batch_shape`` (PyTorch's ``expand``: views, no copies; not validated again)."""
        new = type(self).__new__(type(self))
        batch_shape = Size(batch_shape)
        for name in names:
            setattr(new, name, getattr(self, name).expand(batch_shape + self._event_shape))
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def perplexity(self) -> Tensor:
        """exp(entropy)."""
        return self.entropy().exp()

    def _extended_shape(self, sample_shape: ShapeLike = ()) -> Size:
        return Size(sample_shape) + self._batch_shape + self._event_shape

    def _validate_sample(self, value: Any) -> None:
        """Raise PyTorch's ValueError unless ``value`` is a tensor of a shape broadcastable to
        ``batch_shape + event_shape`` and within the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        size = Size(value.shape)
        if size[len(size) - len(self._event_shape) :] != self._event_shape:
            raise ValueError(
                f"The right-most size of value must match event_shape: {size} vs "
                f"{self._event_shape}."
            )
        expected = self._batch_shape + self._event_shape
        for i, j in zip(reversed(size), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(
                    f"Value is not broadcastable with batch_shape+event_shape: {size} vs "
                    f"{expected}."
                )
        if not _all_true(self.support.check(value)):
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape "
                f"{tuple(value.shape)}) to be within the support ({self.support!r}) of the "
                f"distribution {self!r}, but found invalid values:\n{value}"
            )

    def __repr__(self) -> str:
        try:
            names = [k for k in self.arg_constraints if k in self.__dict__]
        except NotImplementedError:  # a subclass without arg_constraints (PyTorch's raises)
            names = []
        args = ", ".join(
            f"{p}: {v if v.numel() == 1 else v.size()}"
            for p, v in ((p, self.__dict__[p]) for p in names)
        )
        return f"{type(self).__name__}({args})"
