"""``Fuzzer``: random parameters and tensors to benchmark over, as
``torch.utils.benchmark.Fuzzer``. Parameters come from a NumPy ``RandomState`` seeded with the
Fuzzer's seed, so a seed gives PyTorch's parameters, layouts and shapes; tensor values come
from minigrad's generator, seeded from the same stream (PyTorch's generator draws other
numbers)."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ...creation import rand, randint
from ...dtypes import dtype as DType
from ...dtypes import float32
from ...random import manual_seed
from ...tensor import Tensor

__all__ = ["FuzzedParameter", "FuzzedTensor", "Fuzzer", "ParameterAlias"]

_DISTRIBUTIONS = ("loguniform", "uniform")


class FuzzedParameter:
    """A parameter drawn for each sample.

    Args:
        name: how FuzzedTensors and constraints refer to it.
        minval, maxval: the bounds (inclusive). With ``"uniform"``, two ints draw integers and
            otherwise floats; ``"loguniform"`` draws integers uniform in log2 space.
        distribution: ``"loguniform"``, ``"uniform"``, or a dict ``{value: probability}``
            (probabilities summing to one; then minval and maxval must be None).
        strict: draw it once per sample, not again when a candidate is rejected.

    Raises:
        AssertionError: for an unknown distribution, negative or unnormalised probabilities,
            or bounds given with a dict (PyTorch's errors).
    """

    def __init__(
        self,
        name: str,
        minval: int | float | None = None,
        maxval: int | float | None = None,
        distribution: str | dict[Any, float] | None = None,
        strict: bool = False,
    ) -> None:
        self._name = name
        self._minval = minval
        self._maxval = maxval
        self._distribution = self._check_distribution(distribution)
        self.strict = strict

    @property
    def name(self) -> str:
        return self._name

    def _check_distribution(self, distribution: Any) -> Any:
        if not isinstance(distribution, dict):
            if distribution not in _DISTRIBUTIONS:
                raise AssertionError(f"Unknown distribution: {distribution}")
            return distribution
        if any(p < 0 for p in distribution.values()):
            raise AssertionError("Probabilities cannot be negative")
        # PyTorch 2.13 inverts this test (it refuses a normalised dict); this is the intended one
        if abs(sum(distribution.values()) - 1) > 1e-5:
            raise AssertionError("Distribution is not normalized")
        if self._minval is not None:
            raise AssertionError("When passing a custom distribution, 'minval' must be None")
        if self._maxval is not None:
            raise AssertionError("When passing a custom distribution, 'maxval' must be None")
        return distribution

    def sample(self, state: np.random.RandomState) -> Any:
        """One value, drawn from ``state`` exactly as PyTorch draws it."""
        if self._distribution == "loguniform":
            low: Any = np.log2(self._minval) if self._minval is not None else None
            high: Any = np.log2(self._maxval) if self._maxval is not None else None
            output = int(2 ** state.uniform(low=low, high=high))
            if self._minval is not None and output < self._minval:
                return self._minval
            if self._maxval is not None and output > self._maxval:
                return self._maxval
            return output
        if self._distribution == "uniform":
            if isinstance(self._minval, int) and isinstance(self._maxval, int):
                return int(state.randint(low=self._minval, high=self._maxval + 1))
            bounds: Any = (self._minval, self._maxval)
            return state.uniform(low=bounds[0], high=bounds[1])
        # an index, not the keys themselves: choice would turn them into NumPy scalars
        choices = list(self._distribution)
        index = state.choice(np.arange(len(choices)), p=tuple(self._distribution.values()))
        return choices[index]


class ParameterAlias:
    """A parameter value that takes another parameter's value (in a custom distribution, e.g.
    ``{ParameterAlias("x_len"): 0.5, 1: 0.5}`` for a size that sometimes broadcasts). Chains
    are allowed, cycles are not."""

    def __init__(self, alias_to: str) -> None:
        self.alias_to = alias_to

    def __repr__(self) -> str:
        return f"ParameterAlias[alias_to: {self.alias_to}]"


def _prod(values: Any, base: int = 1) -> int:
    # in Python ints: np.prod can overflow into a negative size that passes the checks
    return functools.reduce(lambda x, y: int(x) * int(y), values, base)


class FuzzedTensor:
    """A tensor made for each sample.

    Args:
        name: its key in the tensors ``Fuzzer.take`` yields.
        size: ints, or names of parameters giving them.
        steps: optional strides: a larger tensor is made and sliced with them.
        probability_contiguous: the chance that the memory layout is the ordinary one; else
            the dimensions are stored in a random other order.
        min_elements, max_elements, max_allocation_bytes: reject samples outside them.
        dim_parameter: a parameter giving the number of dimensions (size is cut or padded).
        roll_parameter: accepted, unused (as in PyTorch).
        dtype: the tensor's dtype (float32).
        cuda: must be False: minigrad computes on the CPU.
        tensor_constructor: ``f(size=..., dtype=..., **params)`` instead of uniform
            samples (floats) or integers in [1, 127).

    Raises:
        RuntimeError: for ``cuda=True``.
    """

    def __init__(
        self,
        name: str,
        size: tuple[str | int, ...],
        steps: tuple[str | int, ...] | None = None,
        probability_contiguous: float = 0.5,
        min_elements: int | None = None,
        max_elements: int | None = None,
        max_allocation_bytes: int | None = None,
        dim_parameter: str | None = None,
        roll_parameter: str | None = None,
        dtype: DType = float32,
        cuda: bool = False,
        tensor_constructor: Callable[..., Any] | None = None,
    ) -> None:
        if cuda:
            raise RuntimeError(
                f"FuzzedTensor({name!r}, cuda=True): device 'cuda' is not available: minigrad "
                "computes on the CPU with NumPy (leave cuda=False)"
            )
        self._name = name
        self._size = size
        self._steps = steps
        self._probability_contiguous = probability_contiguous
        self._min_elements = min_elements
        self._max_elements = max_elements
        self._max_allocation_bytes = max_allocation_bytes
        self._dim_parameter = dim_parameter
        self._dtype = dtype
        self._tensor_constructor = tensor_constructor

    @property
    def name(self) -> str:
        return self._name

    @staticmethod
    def default_tensor_constructor(size: tuple[int, ...], dtype: DType, **kwargs: Any) -> Tensor:
        if dtype.is_floating_point or dtype.is_complex:
            return rand(size=size, dtype=dtype, device="cpu")
        return randint(1, 127, size=size, dtype=dtype, device="cpu")

    def _make_tensor(
        self, params: dict[str, Any], state: np.random.RandomState
    ) -> tuple[Tensor, dict[str, Any]]:
        size, steps, allocation_size = self._get_size_and_steps(params)
        constructor = self._tensor_constructor or self.default_tensor_constructor
        raw = constructor(size=allocation_size, dtype=self._dtype, **params)

        # A non-contiguous layout: store the dimensions in another order (permute, copy,
        # permute back); the same draws from `state` as PyTorch's
        dim = len(size)
        order = np.arange(dim)
        if state.rand() > self._probability_contiguous:
            while dim > 1 and np.all(order == np.arange(dim)):
                order = state.permutation(raw.dim())
            raw = raw.permute(tuple(order)).contiguous()
            raw = raw.permute(tuple(np.argsort(order)))

        tensor = raw[tuple(slice(0, n * step, step) for n, step in zip(size, steps, strict=True))]
        properties = {
            "numel": int(tensor.numel()),
            "order": order,
            "steps": steps,
            "is_contiguous": tensor.is_contiguous(),
            "dtype": str(self._dtype),
        }
        return tensor, properties

    def _get_size_and_steps(
        self, params: dict[str, Any]
    ) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        dim = params[self._dim_parameter] if self._dim_parameter is not None else len(self._size)

        def resolve(values: tuple[str | int, ...]) -> tuple[int, ...]:
            # parameter names become their values; cut to `dim`, padded with ones
            out = tuple(params.get(v, v) if isinstance(v, str) else v for v in values)[:dim]
            return out + (1,) * (dim - len(out))

        size, steps = resolve(self._size), resolve(self._steps or ())
        return size, steps, tuple(n * s for n, s in zip(size, steps, strict=True))

    def satisfies_constraints(self, params: dict[str, Any]) -> bool:
        """Whether the sizes ``params`` give are within the element and byte limits."""
        size, _, allocation_size = self._get_size_and_steps(params)
        num_elements = _prod(size)
        if num_elements < 0:
            raise AssertionError("Computed number of elements is negative")
        allocation_bytes = _prod(allocation_size, base=self._dtype.itemsize)

        def greater(left: int | None, right: int | None) -> bool:
            return left is not None and right is not None and left > right

        return not (
            greater(num_elements, self._max_elements)
            or greater(self._min_elements, num_elements)
            or greater(allocation_bytes, self._max_allocation_bytes)
        )


class Fuzzer:
    """Draw parameters, reject those the constraints or tensors' limits refuse, and make the
    tensors: ``take(n)`` yields ``(tensors, tensor_properties, params)`` n times.

    Args:
        parameters: FuzzedParameters (lists of them are unpacked).
        tensors: FuzzedTensors (lists of them are unpacked).
        constraints: callables given the params dict; any False rejects the sample.
        seed: seeds the NumPy RandomState (and minigrad's generator through it), so a
            seed repeats the samples; None picks one at random.

    Raises:
        ValueError: if a parameter and a tensor share a name (PyTorch's error).
    """

    def __init__(
        self,
        parameters: list[FuzzedParameter | list[FuzzedParameter]],
        tensors: list[FuzzedTensor | list[FuzzedTensor]],
        constraints: list[Callable[..., bool]] | None = None,
        seed: int | None = None,
    ) -> None:
        if seed is None:
            seed = int(np.random.RandomState().randint(0, 2**32 - 1, dtype=np.int64))
        self._seed = seed
        self._parameters: tuple[FuzzedParameter, ...] = self._unpack(parameters, FuzzedParameter)
        self._tensors: tuple[FuzzedTensor, ...] = self._unpack(tensors, FuzzedTensor)
        self._constraints = constraints or ()
        overlap = {p.name for p in self._parameters} & {t.name for t in self._tensors}
        if overlap:
            raise ValueError(f"Duplicate names in parameters and tensors: {overlap}")
        self._rejections = 0
        self._total_generated = 0

    @staticmethod
    def _unpack(values: list[Any], cls: type) -> tuple[Any, ...]:
        return tuple(
            itertools.chain.from_iterable([v] if isinstance(v, cls) else v for v in values)
        )

    def take(self, n: int) -> Iterator[tuple[dict[str, Tensor], dict[str, Any], dict[str, Any]]]:
        """``n`` samples: each ``(tensors, tensor_properties, params)``, the properties being
        each tensor's ``numel``, ``order``, ``steps``, ``is_contiguous`` and ``dtype``."""
        state = np.random.RandomState(self._seed)
        manual_seed(int(state.randint(low=0, high=2**63, dtype=np.int64)))
        for _ in range(n):
            params = self._generate(state)
            tensors, properties = {}, {}
            for t in self._tensors:
                tensors[t.name], properties[t.name] = t._make_tensor(params, state)
            yield tensors, properties, params

    @property
    def rejection_rate(self) -> float:
        return self._rejections / self._total_generated if self._total_generated else 0.0

    def _generate(self, state: np.random.RandomState) -> dict[str, Any]:
        strict_params: dict[str, Any] = {}
        for _ in range(1000):
            candidate: dict[str, Any] = {}
            for p in self._parameters:
                if p.strict and p.name in strict_params:
                    candidate[p.name] = strict_params[p.name]
                else:
                    candidate[p.name] = p.sample(state)
                    if p.strict:
                        strict_params[p.name] = candidate[p.name]
            candidate = self._resolve_aliases(candidate)
            self._total_generated += 1
            if all(f(candidate) for f in self._constraints) and all(
                t.satisfies_constraints(candidate) for t in self._tensors
            ):
                return candidate
            self._rejections += 1
        raise ValueError("Failed to generate a set of valid parameters.")

    @staticmethod
    def _resolve_aliases(params: dict[str, Any]) -> dict[str, Any]:
        params = dict(params)
        count = sum(isinstance(v, ParameterAlias) for v in params.values())
        while count:
            for k, v in list(params.items()):
                if isinstance(v, ParameterAlias):
                    params[k] = params[v.alias_to]
            new_count = sum(isinstance(v, ParameterAlias) for v in params.values())
            if new_count == count:
                raise ValueError(f"ParameterAlias cycle detected\n{params}")
            count = new_count
        return params
