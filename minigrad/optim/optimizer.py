"""The ``Optimizer`` base class and ``SGD``, ``Adam``, ``AdamW``, with PyTorch's update rules.

A step updates each parameter's array in place with NumPy (``out=`` arguments, few
temporaries) under ``no_grad``: it runs on every training step and must never record a graph.
To write an optimizer, implement ``_update_group`` and write each parameter with NumPy into
``p._data`` (``np.subtract(p._data, lr * d, out=p._data)``; never rebind ``p._data``): ``step()``
then moves the version counter of every parameter that has a gradient, so a graph that saved
the old values refuses to run backward instead of giving a wrong gradient.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from .. import versions
from ..dtypes import default_float
from ..grad_mode import _grad_enabled, enable_grad
from ..nn.module import zero_grads
from ..tensor import Tensor, from_data

__all__ = ["SGD", "Adam", "AdamW", "Optimizer"]

ParamsLike = Iterable[Tensor] | Iterable[tuple[str, Tensor]] | Iterable[dict[str, Any]]


class Optimizer:
    """Base class: holds ``param_groups`` (dicts of params and hyper-parameters) and ``state``.

    Args:
        params: an iterable of Parameters, of (name, Parameter) pairs (``named_parameters()``:
            the group keeps the names as ``param_names``, as PyTorch's does), or of dicts
            ``{"params": [...], "lr": ...}`` giving per-group hyper-parameters (missing ones
            come from ``defaults``).
        defaults: the hyper-parameters of this optimizer and their default values.

    Raises:
        ValueError: on an empty parameter list, a parameter in two groups, or invalid
            hyper-parameters.
        TypeError: on something that is not a floating leaf Tensor.
    """

    def __init__(self, params: ParamsLike, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of Tensors or dicts, got a "
                "single Tensor; pass [tensor] or model.parameters()"
            )
        groups: list[Any] = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters (e.g. a new layer)."""
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(
                f"{name}: a param group must be a dict, got {type(param_group).__name__}"
            )
        group = dict(param_group)
        params = group.get("params")
        if params is None:
            raise ValueError(f"{name}: a param group needs a 'params' entry")
        params = [params] if isinstance(params, Tensor) else list(params)
        named = [p for p in params if isinstance(p, tuple)]  # from model.named_parameters()
        if named:
            if len(named) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are "
                    "missing"
                )
            group["param_names"] = [n for n, _ in named]
            params = [p for _, p in named]
        if any(("param_names" in g) != bool(named) for g in self.param_groups):
            raise ValueError(
                "all optimizer param groups should be with/without names. cannot add param "
                f"group {'with' if named else 'without'} names to the optimizer"
            )
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{name} can only optimize Tensors, got {type(p).__name__}")
            if p.dtype.kind != "f":
                raise TypeError(f"{name} can only optimize floating tensors, got dtype {p.dtype}")
            if not p.is_leaf:
                raise ValueError(
                    f"{name} can't optimize a non-leaf Tensor (shape {tuple(p.shape)})"
                )
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{name}: a parameter group holds the same parameter twice")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        for key, default in self.defaults.items():
            group.setdefault(key, default)
        _check_implementation(name, group)
        self._validate(group)
        group["params"] = params
        self.param_groups.append(group)

    def _validate(self, group: dict[str, Any]) -> None:
        """Raise ValueError on invalid hyper-parameters (subclasses check their own)."""

    def _nonneg(self, group: dict[str, Any], *keys: str) -> None:
        """Raise ValueError unless each of ``group``'s ``keys`` is a number >= 0: PyTorch's
        words for a negative one (``Invalid learning rate: -0.1``), minigrad's for a value that
        is not a number."""
        for key in keys:
            v = group[key]
            if key == "lr" and isinstance(v, Tensor):  # PyTorch's tensor lr: one element
                if v.numel() != 1:
                    raise ValueError("Tensor lr must be 1-element")
                v = float(v)
            if not isinstance(v, int | float) or isinstance(v, bool):
                raise ValueError(f"{type(self).__name__}: {key} must be a number, got {v!r}")
            if not v >= 0.0:
                raise ValueError(f"Invalid {_LABELS.get(key, f'{key} value')}: {v}")

    def _gradients(self, group: dict[str, Any]) -> Iterator[tuple[Tensor, np.ndarray, np.ndarray]]:
        """Each parameter of ``group`` that has a gradient, as (p, its array, the gradient to
        step along): negated under ``maximize``, plus ``weight_decay * p`` out of place (``.grad``
        stays as it is), or, when the decay is decoupled (AdamW), ``p`` shrunk in place instead.
        """
        lr, wd, maximize = group["lr"], group.get("weight_decay", 0), group["maximize"]
        decoupled = group.get("decoupled_weight_decay", False)
        for p in group["params"]:
            if p._grad is None:
                continue
            data, g = p._data, p._grad._data
            if maximize:
                g = -g
            if wd != 0:
                if decoupled:
                    data *= 1 - lr * wd
                else:
                    g = g + wd * data
            yield p, data, g

    def _new_state(self, p: Tensor, *zeros: str) -> dict[str, Any]:
        """``p``'s state on its first step, as PyTorch's: ``step`` a 0-d Tensor holding 0 and a
        Tensor of zeros (in ``p``'s dtype and memory layout) per name."""
        state = self.state[p] = {
            "step": state_number(0),
            **{name: state_tensor(np.zeros_like(p._data)) for name in zeros},
        }
        return state

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of every parameter (None, or zeros in place when
        ``set_to_none=False``), as `Module.zero_grad`."""
        for group in self.param_groups:
            zero_grads(group["params"], set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given."""
        loss = None
        self._opt_called = True  # read by lr schedulers to warn when stepped in the wrong order
        if closure is not None:
            with enable_grad():
                loss = closure()
        groups = self.param_groups
        recording = _grad_enabled.set(False)  # no_grad(), without its object: every step runs it
        try:
            for group in groups:
                self._update_group(_number_lr(group))
        finally:  # the parameters' memory changed: graphs that saved it are stale
            written = [p._data for g in groups for p in g["params"] if p._grad is not None]
            versions.bump_all(written)
            _grad_enabled.reset(recording)
        return loss

    def _update_group(self, group: dict[str, Any]) -> None:
        """Update each parameter of ``group`` that has a gradient, in place in ``p._data``.

        Write with NumPy into the parameter's own array (``out=``, ``-=``); ``step()`` bumps
        the versions afterwards (call ``minigrad.inplace.bump_version(p)`` for writes made
        elsewhere).
        """
        raise NotImplementedError

    # -- state dict ---------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state in PyTorch's layout, with parameters replaced by indices.

        Returns:
            ``{"state": {index: {name: Tensor or number}}, "param_groups": [{..., "params":
            [indices]}]}``; indices count parameters across groups in order. The Tensors are
            copies (PyTorch's are references), so later steps do not change a saved state
            dict.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed["params"] = ids
            groups.append(packed)
        state = {
            index[id(p)]: {k: _snapshot(v) for k, v in s.items()}
            for p, s in self.state.items()
            if id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore the state saved by ``state_dict()``, for the same parameters in the same order.

        Everything is checked first; on error the optimizer is unchanged.

        Raises:
            ValueError: if the groups, their sizes or the state arrays' shapes do not match.
        """
        name = type(self).__name__
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict(): the state dict has {len(saved_groups)} parameter "
                f"groups, the optimizer {len(self.param_groups)}"
            )
        by_index: dict[int, Tensor] = {}
        for g, saved in zip(self.param_groups, saved_groups):
            if len(g["params"]) != len(saved["params"]):
                raise ValueError(
                    f"{name}.load_state_dict(): a parameter group has {len(saved['params'])} "
                    f"parameters in the state dict but {len(g['params'])} in the optimizer"
                )
            for i, p in zip(saved["params"], g["params"]):
                by_index[int(i)] = p
        new_state: dict[Tensor, dict[str, Any]] = {}
        for i, entries in dict(state_dict.get("state", {})).items():
            p = by_index.get(int(i))
            if p is None:
                raise ValueError(f"{name}.load_state_dict(): state for unknown parameter index {i}")
            new_state[p] = {k: self._load_state_value(k, v, p) for k, v in entries.items()}
        new_groups = []
        for g, saved in zip(self.param_groups, saved_groups):
            merged = {k: _plain(v) for k, v in saved.items() if k != "params"}
            merged["params"] = g["params"]
            if "param_names" in g and "param_names" not in merged:
                merged["param_names"] = g["param_names"]
            _check_implementation(name, merged)
            self._validate(merged)
            new_groups.append(merged)
        self.param_groups = new_groups
        self.state = new_state

    # State entries that are numbers, not arrays shaped like the parameter (ASGD's ``eta``).
    _scalar_state: tuple[str, ...] = ()

    def _load_state_value(self, key: str, value: Any, p: Tensor) -> Any:
        """One saved state entry as this optimizer keeps it (``load_state_dict`` calls it for
        every entry before changing anything; raise ValueError on a mismatch)."""
        if key in self._scalar_state:
            return state_number(_number(value))
        return _load_value(type(self).__name__, key, value, p)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


def _load_value(opt: str, key: str, value: Any, p: Tensor) -> Any:
    """A saved state entry as the optimizer keeps it: a Tensor copied in the param's dtype and
    memory layout (a Fortran-ordered ``Linear`` weight gets Fortran-ordered moments, whatever
    order the checkpoint stored); ``step`` a 0-d Tensor, whether saved as a Tensor, an array or
    a number (a checkpoint from before minigrad kept it as a Tensor)."""
    if key == "step":
        return state_number(_number(value))
    arr = np.asarray(value._data if isinstance(value, Tensor) else value)
    if arr.shape != p.shape:
        raise ValueError(
            f"{opt}.load_state_dict(): state {key!r} has shape {tuple(arr.shape)}, its "
            f"parameter {tuple(p.shape)}"
        )
    out = np.empty_like(p._data)
    np.copyto(out, arr, casting="unsafe")
    return state_tensor(out)


def _number(value: Any) -> float:
    """A saved scalar state entry (a 0-d Tensor, a 0-d array or a number) as a float."""
    return float(np.asarray(value._data if isinstance(value, Tensor) else value))


def _snapshot(value: Any) -> Any:
    """A state entry for ``state_dict()``: Tensors (also inside lists, as LBFGS keeps its
    history) copied, so later steps do not change a saved state dict."""
    if isinstance(value, Tensor):
        return from_data(value._data.copy(order="K"))
    if isinstance(value, list):
        return [_snapshot(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# The state's Tensors: PyTorch's optimizers keep Tensors in ``state`` (``exp_avg``, and the
# step count as a 0-d float Tensor); minigrad's too, and each update reads and writes their
# arrays in place, so the Tensors a user holds always show the current state.


def state_tensor(array: np.ndarray) -> Tensor:
    """``array`` as an entry of an optimizer's state: a Tensor sharing its memory."""
    return from_data(array)


def state_number(value: float) -> Tensor:
    """A number of the state (``step``, ASGD's ``eta``, NAdam's ``mu_product``) as PyTorch
    keeps it: a 0-d Tensor of float64 when that is the default dtype, else of float32."""
    dtype = np.float64 if default_float() == np.float64 else np.float32
    return from_data(np.array(value, dtype=dtype))


def count_step(state: dict[str, Any]) -> float:
    """Add one to ``state["step"]`` in place; the new count, as a Python float."""
    step = state["step"]._data
    step += 1
    return float(step)


def read_number(t: Tensor) -> float:
    """The value of a 0-d state Tensor, as a Python float (PyTorch's ``_get_value``)."""
    return float(t._data)


def write_number(t: Tensor, value: float) -> None:
    """Store ``value`` in the 0-d state Tensor ``t``, in place (rounded to its dtype)."""
    t._data[()] = value


def _number_lr(group: dict[str, Any]) -> dict[str, Any]:
    """``group`` as an update reads it: a learning rate given as a Tensor (PyTorch allows one,
    so that a scheduler can change it in place) read as its current value."""
    lr = group["lr"]
    return {**group, "lr": float(lr)} if isinstance(lr, Tensor) else group


_LABELS = {"lr": "learning rate", "eps": "epsilon value"}  # (PyTorch's, in its messages)


def _check(ok: bool, message: str) -> None:
    """Raise ValueError with PyTorch's ``message`` (``"Invalid learning rate: -1"``) unless
    ``ok``: the check every optimizer's constructor makes of its hyper-parameters."""
    if not ok:
        raise ValueError(message)


class BetasIndexError(IndexError, ValueError):
    """``betas`` of fewer than two numbers: PyTorch's ``IndexError`` (it reads ``betas[1]``),
    in its words; also the ``ValueError`` minigrad raised before."""


def _check_betas(group: dict[str, Any], name: str) -> None:
    """PyTorch's check of ``betas`` of the optimizer ``name``: two numbers, each in [0, 1);
    stored as a tuple of floats."""
    betas = group["betas"]
    fix = f"{name}: betas must be a pair of numbers (beta1, beta2), got {betas!r}"
    if isinstance(betas, tuple | list) and len(betas) < 2:
        kind = "tuple" if isinstance(betas, tuple) else "list"
        raise BetasIndexError(f"{kind} index out of range ({fix})")
    if not isinstance(betas, tuple | list) or len(betas) != 2:
        raise ValueError(f"betas must be a pair of numbers, got {betas!r}")
    for i, b in enumerate(betas):
        if not isinstance(b, int | float) or isinstance(b, bool):
            raise ValueError(f"betas must be a pair of numbers, got {betas!r}")
        _check(0.0 <= b < 1.0, f"Invalid beta parameter at index {i}: {b}")
    group["betas"] = (float(betas[0]), float(betas[1]))


def _lerp_(a: np.ndarray, b: np.ndarray, weight: float) -> None:
    """``a += weight * (b - a)`` in place, with PyTorch's ``lerp_`` formula (for ``weight >=
    0.5`` it is ``b - (b - a) * (1 - weight)``, exact at weight 1)."""
    diff = np.subtract(b, a, dtype=a.dtype)
    if weight < 0.5:
        diff *= weight
        a += diff
    else:
        diff *= 1 - weight
        np.subtract(b, diff, out=a)


def _plain(value: Any) -> Any:
    """Hyper-parameters read back from an archive may be 0-d arrays: make them Python values.
    A Tensor (a learning rate given as one) is copied, as PyTorch copies the groups it loads:
    a scheduler writing into it must not change the state dict's or another optimizer's."""
    if isinstance(value, Tensor):
        return value.detach().clone()
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


_SCALARS: dict[tuple[float, np.dtype], np.ndarray] = {}


def _scalar(value: float, dtype: np.dtype) -> np.ndarray:
    """``value`` as a read-only 0-d array of ``dtype``: ``d * value`` gives the same bits as
    with the Python number (NumPy casts it to d's dtype), but an array operand skips NumPy's
    conversion of a Python scalar, about half the cost of a small product."""
    key = (value, dtype)
    a = _SCALARS.get(key)
    if a is None:
        if len(_SCALARS) > 64:  # a scheduler makes a new lr each epoch: keep the cache small
            _SCALARS.clear()
        a = _SCALARS[key] = np.array(value, dtype=dtype)
        a.flags.writeable = False
    return a


def _check_implementation(name: str, group: dict[str, Any]) -> None:
    """Check PyTorch's implementation switches in a param group, where the optimizer has them.

    ``foreach`` and ``fused`` choose among PyTorch's kernels for one update rule; minigrad has
    one NumPy implementation, so they are accepted (and kept in the group, as PyTorch keeps
    them) and change nothing. ``capturable`` (CUDA graph capture) and ``differentiable`` (a
    step that autograd can differentiate through) are refused when True: on a CPU PyTorch
    refuses the first too, and minigrad's steps update arrays in place, outside the graph.
    """
    for key in ("foreach", "fused"):
        if group.get(key) not in (None, True, False):
            raise TypeError(f"{name}: {key} must be None, True or False, got {group[key]!r}")
    if group.get("fused") and group.get("foreach"):
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    if group.get("capturable"):
        raise ValueError(
            f"{name}: capturable=True is for capturing steps in CUDA graphs; minigrad runs on "
            "the CPU (where PyTorch refuses it too). Leave capturable=False."
        )
    if group.get("differentiable"):
        raise ValueError(
            f"{name}: differentiable=True (a step autograd can differentiate through) is not "
            "supported: minigrad's optimizers update the parameters' arrays in place, outside "
            "the graph. For a differentiable update, write it with tensor ops (p - lr * g) "
            "under create_graph=True."
        )


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay.

    PyTorch's rule, with g = grad (+ weight_decay * p):
    ``buf = g`` on the first step, then ``buf = momentum * buf + (1 - dampening) * g``;
    the update direction is ``g + momentum * buf`` (Nesterov) or ``buf``; ``p -= lr * d``.

    Args:
        params: parameters or param groups.
        lr: learning rate.
        momentum: momentum factor (0 disables it).
        dampening: dampening of the momentum.
        weight_decay: L2 penalty added to the gradient.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening == 0).
        maximize: ascend the objective instead of descending it.
        foreach, fused, capturable, differentiable: PyTorch's implementation switches
            (those PyTorch's optimizer has): accepted and without effect, one NumPy update;
            capturable=True and differentiable=True are refused (docs/training.md).

    Raises:
        ValueError: on negative lr, momentum or weight_decay, or an invalid Nesterov setting.
    """

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        self._nonneg(group, "lr", "momentum", "weight_decay", "dampening")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                "Nesterov momentum requires a momentum and zero dampening (SGD: momentum > 0, "
                "dampening=0)"
            )

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        nesterov = group["nesterov"]
        if not (momentum or group["weight_decay"] or group["maximize"]):
            # Plain SGD, the usual case: p -= lr * grad, without the generator's per-parameter
            # work (a tenth of a small model's step)
            rate = None
            for p in group["params"]:
                if p._grad is not None:
                    data = p._data
                    if rate is None or rate.dtype is not data.dtype:
                        rate = _scalar(lr, data.dtype)
                    np.subtract(data, np.multiply(p._grad._data, rate), out=data)
            return
        for p, data, d in self._gradients(group):
            if momentum != 0:
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = {}
                held = state.get("momentum_buffer")
                if held is None:
                    buf = np.array(d, dtype=data.dtype, copy=True)
                    state["momentum_buffer"] = state_tensor(buf)
                else:
                    buf = held._data
                    buf *= momentum
                    if dampening == 0:
                        buf += d
                    else:
                        buf += (1 - dampening) * d
                d = d + momentum * buf if nesterov else buf
            np.subtract(data, np.multiply(d, _scalar(lr, data.dtype)), out=data)


class Adam(Optimizer):
    """Adam with PyTorch's bias-corrected rule (and optional AMSGrad).

    With g = grad (+ weight_decay * p, or ``p *= 1 - lr * weight_decay`` first when the decay
    is decoupled, as in AdamW) and step t:
    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``,
    ``p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)``
    (AMSGrad uses the running maximum of v).

    Args:
        params: parameters or param groups.
        lr: learning rate.
        betas: decay rates of the first and second moment estimates, each in [0, 1).
        eps: added to the denominator for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        amsgrad: use the maximum of past second moments.
        maximize: ascend the objective instead of descending it.
        decoupled_weight_decay: shrink the parameters directly instead of adding the decay to
            the gradient (this is AdamW).
        foreach, fused, capturable, differentiable: PyTorch's implementation switches
            (those PyTorch's optimizer has): accepted and without effect, one NumPy update;
            capturable=True and differentiable=True are refused (docs/training.md).

    Raises:
        ValueError: on negative lr, eps or weight_decay, or betas outside [0, 1).
    """

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        if isinstance(group["lr"], Tensor) and group["foreach"] and not group["capturable"]:
            raise ValueError(
                "lr as a Tensor is not supported for capturable=False and foreach=True"
            )
        self._nonneg(group, "lr", "eps")
        _check_betas(group, type(self).__name__)
        self._nonneg(group, "weight_decay")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps, (beta1, beta2), amsgrad = (
            group["lr"],
            group["eps"],
            group["betas"],
            group["amsgrad"],
        )
        for p, data, g in self._gradients(group):
            state = self.state.get(p) or self._new_state(
                p, "exp_avg", "exp_avg_sq", *(["max_exp_avg_sq"] if amsgrad else [])
            )
            t = count_step(state)
            m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
            # One scratch array serves every temporary below.
            tmp = np.multiply(g, g, dtype=data.dtype)
            tmp *= 1 - beta2
            v *= beta2
            v += tmp
            np.multiply(g, 1 - beta1, out=tmp)
            m *= beta1
            m += tmp
            step_size = lr / (1 - beta1**t)
            bc2_sqrt = math.sqrt(1 - beta2**t)
            if amsgrad:
                held = state.get("max_exp_avg_sq")
                if held is None:  # (amsgrad switched on after the first step)
                    held = state["max_exp_avg_sq"] = state_tensor(v.copy(order="K"))
                vmax = held._data
                np.maximum(vmax, v, out=vmax)
                np.sqrt(vmax, out=tmp)
            else:
                np.sqrt(v, out=tmp)
            tmp /= bc2_sqrt
            tmp += eps
            np.divide(m, tmp, out=tmp)
            tmp *= step_size
            np.subtract(data, tmp, out=data)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): ``p *= 1 - lr * weight_decay``
    before the Adam step, so the decay never enters the moment estimates.

    Same arguments as ``Adam`` except the default ``weight_decay=1e-2``; its param groups carry
    ``decoupled_weight_decay=True``, as PyTorch's do.
    """

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        group["decoupled_weight_decay"] = True  # AdamW is decoupled, whatever a state dict says
