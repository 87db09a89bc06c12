"""Pruning (``torch.nn.utils.prune``): zero a share of a parameter's entries by a mask.

Pruning ``name`` keeps the original values as the parameter ``name_orig``, the 0/1 mask as
the buffer ``name_mask``, and a forward pre-hook (the pruning method itself, in
``module._forward_pre_hooks``) sets ``module.<name> = name_orig * name_mask`` before every
call. The product is an ordinary op, so the gradient reaches ``name_orig`` only where the
mask is 1, with no backward rule of its own. Pruning the same parameter again gathers the
methods in a ``PruningContainer``, which prunes only what the earlier masks kept; ``remove``
makes the pruning permanent.
"""

from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, TypeVar

from ...creation import ones_like, rand, rand_like, tensor, zeros_like
from ...functions import abs, kthvalue, norm, topk
from ...tensor import Tensor
from ..module import Module
from ._topk_ties import topk_indices
from .convert_parameters import parameters_to_vector

__all__ = [
    "BasePruningMethod",
    "CustomFromMask",
    "Identity",
    "L1Unstructured",
    "LnStructured",
    "PruningContainer",
    "RandomStructured",
    "RandomUnstructured",
    "custom_from_mask",
    "global_unstructured",
    "identity",
    "is_pruned",
    "l1_unstructured",
    "ln_structured",
    "random_structured",
    "random_unstructured",
    "remove",
]

T_module = TypeVar("T_module", bound=Module)


class BasePruningMethod(ABC):
    """The base of the pruning methods: a subclass sets ``PRUNING_TYPE`` (``"unstructured"``,
    ``"structured"`` with a ``dim`` attribute, or ``"global"``) and writes ``compute_mask``.

    An instance is the forward pre-hook of the module it prunes: called before every
    forward, it sets ``module.<name>`` to ``name_orig * name_mask``.
    """

    PRUNING_TYPE: ClassVar[str]
    _tensor_name: str | None = None

    def __call__(self, module: Module, inputs: Any) -> None:
        """Recompute the pruned tensor from ``name_orig`` and ``name_mask`` (the hook)."""
        setattr(module, self._tensor_name, self.apply_mask(module))  # type: ignore[arg-type]

    @abstractmethod
    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The new mask of ``t``: ``default_mask`` (the mask so far) with more zeros."""

    def apply_mask(self, module: Module) -> Tensor:
        """``name_mask * name_orig``, recorded, so the gradient reaches ``name_orig``."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(
        cls,
        module: Module,
        name: str,
        *args: Any,
        importance_scores: Tensor | None = None,
        **kwargs: Any,
    ) -> BasePruningMethod:
        """Prune ``module.<name>`` with a new ``cls(*args, **kwargs)`` and return the hook.

        The first pruning of ``name`` moves the parameter to ``name_orig`` and registers the
        buffer ``name_mask``; a later one combines the methods in a ``PruningContainer``
        (the same container object from the second pruning on), which prunes among the
        entries the mask still keeps. ``importance_scores`` (the parameter's shape) rank the
        entries instead of the parameter's values.

        Raises:
            AssertionError: if ``name`` has several pruning hooks, or ``importance_scores``
                has another shape than the parameter.
            TypeError, ValueError, IndexError: a bad ``amount`` or ``dim`` (the method's).
            (In PyTorch's words. Unlike PyTorch, every check runs before the module changes,
            so a refused pruning leaves it as it was, earlier hooks included.)
        """
        old_method: BasePruningMethod | None = None
        found = 0
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
                old_method = hook
                found += 1
        if found > 1:
            raise AssertionError(
                "Avoid adding multiple pruning hooks to the same tensor "
                f"{name} of module {module}. Use a PruningContainer."
            )
        method = cls(*args, **kwargs)
        method._tensor_name = name

        orig = getattr(module, name)
        if importance_scores is not None:
            if importance_scores.shape != orig.shape:
                raise AssertionError(
                    "importance_scores should have the same shape as parameter "
                    f"{name} of {module}, got {importance_scores.shape} vs {orig.shape}"
                )
        else:
            importance_scores = orig
        if old_method is None:
            default_mask = ones_like(orig)
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
            # What PruningContainer.compute_mask does once the method is added: computed
            # first, so a refused amount leaves the container and the module as they were.
            mask = _combine_masks(method, importance_scores, default_mask)

        if old_method is None:
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
        else:
            for k in [k for k, h in module._forward_pre_hooks.items() if h is old_method]:
                del module._forward_pre_hooks[k]
            if isinstance(old_method, PruningContainer):
                old_method.add_pruning_method(method)
                method = old_method
            else:
                method = PruningContainer(old_method, method)
        module.register_buffer(name + "_mask", mask)
        setattr(module, name, method.apply_mask(module))
        module.register_forward_pre_hook(method)
        return method

    def prune(
        self,
        t: Tensor,
        default_mask: Tensor | None = None,
        importance_scores: Tensor | None = None,
    ) -> Tensor:
        """``t`` times the mask this method computes for it (from ``importance_scores`` if
        given), without touching any module."""
        if importance_scores is not None:
            if importance_scores.shape != t.shape:
                raise AssertionError(
                    "importance_scores should have the same shape as tensor t, got "
                    f"{importance_scores.shape} vs {t.shape}"
                )
        else:
            importance_scores = t
        default_mask = default_mask if default_mask is not None else ones_like(t)
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module: Module) -> None:
        """Make the pruning permanent: ``name`` becomes a parameter again (the ``name_orig``
        Parameter, holding the pruned values), ``name_orig`` and ``name_mask`` are gone. The
        hook itself is removed by ``prune.remove``."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be removed")
        weight = self.apply_mask(module)
        if hasattr(module, self._tensor_name):
            delattr(module, self._tensor_name)
        orig = module._parameters[self._tensor_name + "_orig"]
        orig.data = weight.data  # type: ignore[union-attr]
        del module._parameters[self._tensor_name + "_orig"]
        del module._buffers[self._tensor_name + "_mask"]
        setattr(module, self._tensor_name, orig)


class PruningContainer(BasePruningMethod):
    """The pruning methods applied so far to one parameter, in order (``list(container)``);
    the mask is the last method applied to what the earlier ones kept."""

    # Set per instance from the last method added; this default is for mypy.
    PRUNING_TYPE: ClassVar[str] = "unstructured"

    def __init__(self, *args: BasePruningMethod) -> None:
        self._pruning_methods: tuple[BasePruningMethod, ...] = ()
        if args:
            self._tensor_name = args[0]._tensor_name
        for method in args:
            self.add_pruning_method(method)

    def add_pruning_method(self, method: BasePruningMethod) -> None:
        """Append ``method`` (it must act on this container's parameter)."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        elif method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(
                "Can only add pruning methods acting on "
                f"the parameter named '{self._tensor_name}' to PruningContainer {self}."
                + f" Found '{method._tensor_name}'"
            )
        self._pruning_methods += (method,)

    def __len__(self) -> int:
        return len(self._pruning_methods)

    def __iter__(self) -> Iterator[BasePruningMethod]:
        return iter(self._pruning_methods)

    def __getitem__(self, idx: int) -> BasePruningMethod:
        return self._pruning_methods[idx]

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The last method's mask of the entries (unstructured), the channels (structured) or
        the whole tensor (global) that ``default_mask`` still keeps."""
        return _combine_masks(self._pruning_methods[-1], t, default_mask)


def _combine_masks(method: BasePruningMethod, t: Tensor, mask: Tensor) -> Tensor:
    """``mask`` with ``method``'s mask written into the part it still keeps: for an
    unstructured method the entries where ``mask`` is 1, for a structured one the channels
    along ``method.dim`` with any 1, for a global one all of ``t``."""
    new_mask = mask.to(dtype=t.dtype)
    slc: Any
    if method.PRUNING_TYPE == "unstructured":
        slc = mask == 1
    elif method.PRUNING_TYPE == "structured":
        if not hasattr(method, "dim"):
            raise AttributeError(
                'Pruning methods of PRUNING_TYPE "structured" need to have the attribute '
                "`dim` defined."
            )
        n_dims = t.dim()
        dim = method.dim
        if dim < 0:
            dim = n_dims + dim
        if dim < 0:
            raise IndexError(f"Index is out of bounds for tensor with dimensions {n_dims}")
        keep_channel = mask.sum(dim=[d for d in range(n_dims) if d != dim]) != 0
        parts: list[Any] = [slice(None)] * n_dims
        parts[dim] = keep_channel
        slc = tuple(parts)
    elif method.PRUNING_TYPE == "global":
        slc = tuple([slice(None)] * len(t.shape))
    else:
        raise ValueError(f"Unrecognized PRUNING_TYPE {method.PRUNING_TYPE}")
    partial_mask = method.compute_mask(t[slc], default_mask=mask[slc])
    new_mask[slc] = partial_mask.to(dtype=new_mask.dtype)
    return new_mask


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones (a parameter made to look pruned)."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return default_mask

    @classmethod
    def apply(cls, module: Module, name: str) -> BasePruningMethod:  # type: ignore[override]
        """Add the all-ones mask to ``module.<name>``."""
        return super().apply(module, name)


class RandomUnstructured(BasePruningMethod):
    """Prunes ``amount`` entries (an int, or a fraction of the tensor) chosen at random among
    those not yet pruned, from minigrad's generator."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: int | float) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        tensor_size = t.nelement()
        nparams_toprune = _compute_nparams_toprune(self.amount, tensor_size)
        _validate_pruning_amount(nparams_toprune, tensor_size)
        mask = default_mask.clone()
        if nparams_toprune != 0:
            prob = rand_like(t)
            indices = topk(prob.view(-1), k=nparams_toprune).indices
            mask.view(-1)[indices] = 0
        return mask

    @classmethod
    def apply(  # type: ignore[override]
        cls, module: Module, name: str, amount: int | float
    ) -> BasePruningMethod:
        """Prune ``amount`` random entries of ``module.<name>``."""
        return super().apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    """Prunes the ``amount`` entries (an int, or a fraction of the tensor) of smallest
    absolute value among those not yet pruned."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: int | float) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        tensor_size = t.nelement()
        nparams_toprune = _compute_nparams_toprune(self.amount, tensor_size)
        _validate_pruning_amount(nparams_toprune, tensor_size)
        mask = default_mask.clone()
        if nparams_toprune != 0:
            # torch.topk's choice among tied magnitudes, so the mask is PyTorch's.
            scores = abs(t.detach()).numpy()
            mask.view(-1)[tensor(topk_indices(scores, nparams_toprune, largest=False))] = 0
        return mask

    @classmethod
    def apply(  # type: ignore[override]
        cls,
        module: Module,
        name: str,
        amount: int | float,
        importance_scores: Tensor | None = None,
    ) -> BasePruningMethod:
        """Prune the ``amount`` smallest entries of ``module.<name>`` (or of
        ``importance_scores``) in absolute value."""
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """Prunes ``amount`` whole channels along ``dim`` (an int, or a fraction of
    ``t.shape[dim]``), chosen at random from minigrad's generator."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount: int | float, dim: int = -1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount
        self.dim = dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """A new random choice of channels (those already pruned may be drawn again, as in
        PyTorch), times ``default_mask``.

        Raises:
            ValueError: for a tensor of less than 2 dims, or ``amount`` over its channels.
            IndexError: for ``dim >= t.dim()``.
        """
        _validate_structured_pruning(t)
        _validate_pruning_dim(t, self.dim)
        tensor_size = t.shape[self.dim]
        nparams_toprune = _compute_nparams_toprune(self.amount, tensor_size)
        _validate_pruning_amount(nparams_toprune, tensor_size)
        if nparams_toprune == 0:
            return default_mask
        prob = rand(tensor_size)
        threshold = kthvalue(prob, k=nparams_toprune).values
        mask = zeros_like(t)
        slc: list[Any] = [slice(None)] * len(t.shape)
        slc[self.dim] = prob > threshold
        mask[tuple(slc)] = 1
        mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(  # type: ignore[override]
        cls, module: Module, name: str, amount: int | float, dim: int = -1
    ) -> BasePruningMethod:
        """Prune ``amount`` random channels of ``module.<name>`` along ``dim``."""
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """Prunes the ``amount`` channels along ``dim`` (an int, or a fraction of
    ``t.shape[dim]``) of smallest L\\ ``n`` norm (``n`` as ``torch.norm``'s ``p``)."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount: int | float, n: Any, dim: int = -1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount
        self.n = n
        self.dim = dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """Ones on the channels of largest norm, times ``default_mask``.

        Raises:
            ValueError: for a tensor of less than 2 dims, or ``amount`` over its channels.
            IndexError: for ``dim >= t.dim()``.
        """
        _validate_structured_pruning(t)
        _validate_pruning_dim(t, self.dim)
        tensor_size = t.shape[self.dim]
        nparams_toprune = _compute_nparams_toprune(self.amount, tensor_size)
        nparams_tokeep = tensor_size - nparams_toprune
        _validate_pruning_amount(nparams_toprune, tensor_size)
        if nparams_toprune == 0:
            return default_mask
        norms = _compute_norm(t, self.n, self.dim)
        indices = tensor(topk_indices(norms.detach().numpy(), nparams_tokeep, largest=True))
        mask = zeros_like(t)
        slc: list[Any] = [slice(None)] * len(t.shape)
        slc[self.dim] = indices
        mask[tuple(slc)] = 1
        mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(  # type: ignore[override]
        cls,
        module: Module,
        name: str,
        amount: int | float,
        n: Any,
        dim: int,
        importance_scores: Tensor | None = None,
    ) -> BasePruningMethod:
        """Prune the ``amount`` channels of ``module.<name>`` along ``dim`` of smallest Ln
        norm (of ``importance_scores`` if given)."""
        return super().apply(
            module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores
        )


class CustomFromMask(BasePruningMethod):
    """Prunes by a given mask (of the parameter's shape), on top of the mask so far."""

    PRUNING_TYPE = "global"

    def __init__(self, mask: Tensor) -> None:
        self.mask = mask

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        if default_mask.shape != self.mask.shape:
            raise AssertionError(
                f"default_mask shape {default_mask.shape} must match self.mask shape "
                f"{self.mask.shape}"
            )
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module: Module, name: str, mask: Tensor) -> BasePruningMethod:  # type: ignore[override]
        """Prune ``module.<name>`` where ``mask`` is 0."""
        return super().apply(module, name, mask=mask)


def identity(module: T_module, name: str) -> T_module:
    """Make ``module.<name>`` pruned by an all-ones mask (``name_orig``, ``name_mask`` and
    the hook, nothing zeroed). Returns ``module``."""
    Identity.apply(module, name)
    return module


def random_unstructured(module: T_module, name: str, amount: int | float) -> T_module:
    """Prune ``amount`` entries of ``module.<name>`` at random (``torch.nn.utils.prune``'s).

    Adds the buffer ``name_mask``, moves the parameter to ``name_orig`` and sets
    ``module.<name>`` to their product before every call.

    Args:
        module: the module holding the parameter.
        name: the parameter's name.
        amount: the number of entries to prune (an int >= 0), or their fraction (a float in
            [0, 1], rounded to the nearest count) of the entries not yet pruned.

    Returns:
        ``module``.

    Raises:
        TypeError: ``amount`` is not a number.
        ValueError: ``amount`` negative, a fraction over 1, or more than the entries left.
        (In PyTorch's words, before the module changes.)
    """
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(
    module: T_module, name: str, amount: int | float, importance_scores: Tensor | None = None
) -> T_module:
    """Prune the ``amount`` entries of ``module.<name>`` of smallest absolute value (of
    ``importance_scores`` if given), among those not yet pruned; ``amount`` as in
    ``random_unstructured``. Returns ``module``."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module: T_module, name: str, amount: int | float, dim: int) -> T_module:
    """Prune ``amount`` whole channels of ``module.<name>`` along ``dim``, at random (an int,
    or a fraction of ``shape[dim]``). Returns ``module``."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(
    module: T_module,
    name: str,
    amount: int | float,
    n: Any,
    dim: int,
    importance_scores: Tensor | None = None,
) -> T_module:
    """Prune the ``amount`` channels of ``module.<name>`` along ``dim`` of smallest L\\ ``n``
    norm (``n`` as ``torch.norm``'s ``p``: an int, float, ``inf``, ``-inf``, ``"fro"``).
    Returns ``module``."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(
    parameters: Iterable[tuple[Module, str]],
    pruning_method: type[BasePruningMethod],
    importance_scores: dict[tuple[Module, str], Tensor] | None = None,
    **kwargs: Any,
) -> None:
    """Prune several parameters at once, ranking all their entries together: e.g.
    ``pruning_method=L1Unstructured, amount=0.2`` zeroes the 20% smallest entries of all of
    them, however they fall between the tensors. Each parameter then has a ``CustomFromMask``
    pruning with its share of the mask.

    Args:
        parameters: ``(module, name)`` pairs.
        pruning_method: an unstructured pruning method class, built with ``**kwargs``.
        importance_scores: ``{(module, name): scores}`` used instead of the parameters.

    Raises:
        TypeError: ``parameters`` not iterable, ``importance_scores`` not a dict, or a
            pruning method that is not unstructured (PyTorch's words, before any change).
    """
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    # A list, so a generator can be walked twice (PyTorch's second walk would find it empty).
    parameters = list(parameters)
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    relevant_importance_scores = parameters_to_vector(
        [importance_scores.get((m, name), getattr(m, name)) for m, name in parameters]
    )
    default_mask = parameters_to_vector(
        [
            getattr(module, name + "_mask", ones_like(getattr(module, name)))
            for module, name in parameters
        ]
    )
    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError(
            'Only "unstructured" PRUNING_TYPE supported for '
            f"the `pruning_method`. Found method {pruning_method} of type {method.PRUNING_TYPE}"
        )
    container.add_pruning_method(method)
    final_mask = container.compute_mask(relevant_importance_scores, default_mask)
    pointer = 0
    for module, name in parameters:
        param = getattr(module, name)
        num_param = param.numel()
        param_mask = final_mask[pointer : pointer + num_param].view_as(param)
        custom_from_mask(module, name, mask=param_mask)
        pointer += num_param


def custom_from_mask(module: T_module, name: str, mask: Tensor) -> T_module:
    """Prune ``module.<name>`` where ``mask`` (its shape) is 0. Returns ``module``."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module: T_module, name: str) -> T_module:
    """Make the pruning of ``module.<name>`` permanent: ``name`` is a parameter again (the
    former ``name_orig``, so an optimizer built before keeps training it) holding the pruned
    values; ``name_orig``, ``name_mask`` and the hook are gone. Returns ``module``.

    Raises:
        ValueError: if ``name`` is not pruned, in PyTorch's words.
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(
        f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed"
    )


def is_pruned(module: Module) -> bool:
    """Whether ``module`` or any module below it has a pruning hook."""
    for _, submodule in module.named_modules():
        for hook in submodule._forward_pre_hooks.values():
            if isinstance(hook, BasePruningMethod):
                return True
    return False


def _validate_pruning_amount_init(amount: Any) -> None:
    """``amount`` is an int >= 0 or a float in [0, 1] (PyTorch's errors)."""
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
        not isinstance(amount, numbers.Integral) and (float(amount) > 1.0 or float(amount) < 0.0)
    ):
        raise ValueError(
            f"amount={amount} should either be a float in the "
            "range [0, 1] or a non-negative integer"
        )


def _validate_pruning_amount(amount: Any, tensor_size: int) -> None:
    """An int ``amount`` is at most the number of units to prune among."""
    if isinstance(amount, numbers.Integral) and int(amount) > tensor_size:
        raise ValueError(
            f"amount={amount} should be smaller than the number of "
            f"parameters to prune={tensor_size}"
        )


def _validate_structured_pruning(t: Tensor) -> None:
    """Channels need at least 2 dims."""
    shape = t.shape
    if len(shape) <= 1:
        raise ValueError(
            "Structured pruning can only be applied to "
            "multidimensional tensors. Found tensor of shape "
            f"{shape} with {len(shape)} dims"
        )


def _compute_nparams_toprune(amount: Any, tensor_size: int) -> int:
    """An int ``amount`` as it is, a fraction rounded (Python's round: half to even)."""
    if isinstance(amount, numbers.Integral):
        return int(amount)
    return round(amount * tensor_size)


def _validate_pruning_dim(t: Tensor, dim: int) -> None:
    if dim >= t.dim():
        raise IndexError(f"Invalid index {dim} for tensor of size {t.shape}")


def _compute_norm(t: Tensor, n: Any, dim: int) -> Tensor:
    """The L\\ ``n`` norm of each channel along ``dim`` (over all the other dims)."""
    dims = list(range(t.dim()))
    if dim < 0:
        dim = dims[dim]
    dims.remove(dim)
    return norm(t, p=n, dim=dims)
