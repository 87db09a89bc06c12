"""Hand a trained minigrad model to PyTorch as a ``torch.nn.Module``, with nothing rewritten.

``to_torch(model)`` builds the same tree of modules in ``torch.nn``: each minigrad module
becomes the PyTorch class of the same name, constructed with the arguments read back from the
module's own attributes (minigrad keeps PyTorch's names for them), and receives the
parameters and buffers (``load_state_dict(strict=True)``), the training modes, the
``requires_grad`` flags and any weight shared between two modules. It then shows that the
copy is the model instead of trusting the reading: both trees must print alike, every
setting both modules keep (``eps``, ``num_heads``, ``batch_first``...) must be equal, and,
given an example input, both models' outputs in eval mode must agree. A difference raises an
error naming the module; a copy is never returned unchecked.

A module class written by the user (a ``forward`` in Python) cannot be carried over: its
``forward`` calls minigrad. Such a model leaves through its ``state_dict`` loaded into the
same class written for PyTorch, or through ``minigrad.onnx.export`` (docs/deploy.md).

PyTorch is optional: it is imported when ``to_torch`` is called.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from .nn import Module
from .tensor import Tensor

__all__ = ["to_torch"]

_CONFIG_TYPES = (bool, int, float, str, tuple, type(None))
"""The attribute values compared between the two trees: settings, not tensors or modules."""


def to_torch(
    model: Module,
    example: Any = None,
    *,
    rtol: float | None = None,
    atol: float | None = None,
) -> Any:
    """The same model as a ``torch.nn.Module``: same classes, weights, modes and settings.

    Args:
        model: a module built from ``minigrad.nn``'s classes (``Sequential``, ``Linear``,
            ``Conv2d``, ``LSTM``, ``TransformerEncoder``...), trained or not.
        example: an input (a Tensor, an array, or a tuple of them) to run through both models
            in eval mode; their outputs must agree. Recommended: it checks the arithmetic, not
            only the structure.
        rtol, atol: the tolerance of that comparison (default 1e-4 and 1e-5 in float32, 1e-9
            and 1e-12 in float64).

    Returns:
        A new ``torch.nn.Module`` with copies of the parameters and buffers (later training of
        either model does not change the other).

    Raises:
        ImportError: PyTorch is not installed.
        TypeError: a module is not one of ``minigrad.nn``'s classes (a user-written
            ``forward`` cannot be carried over), or PyTorch has no class of its name.
        ValueError: the copy differs from the model: in print, in a setting, in its weights'
            names or shapes, or in its output on ``example``.
    """
    if not isinstance(model, Module):
        raise TypeError(f"to_torch: expected a minigrad nn.Module, got {type(model).__name__}")
    torch = _import_torch()
    copy = _convert(model, torch, "model")
    _load_state(copy, model, torch)
    _check_structure(copy, model)
    if example is not None:
        _check_outputs(copy, model, example, torch, rtol, atol)
    return copy


def _import_torch() -> Any:
    try:
        return importlib.import_module("torch")
    except ImportError as e:
        raise ImportError(
            "to_torch needs PyTorch: pip install torch (a CPU build is enough); without it, "
            "minigrad.save(model.state_dict(), 'model.safetensors') writes a file PyTorch reads"
        ) from e


# ---------------------------------------------------------------------------------------------
# Building the tree


def _convert(m: Module, torch: Any, path: str) -> Any:
    """The torch.nn module for ``m`` and (recursively) its children, weights not yet loaded."""
    cls = type(m)
    if not cls.__module__.startswith("minigrad.nn"):
        raise TypeError(
            f"to_torch: {path} is a {cls.__qualname__}, a module class defined outside "
            "minigrad.nn: its forward is Python code calling minigrad, which cannot be carried "
            "over to PyTorch. Write the class for PyTorch with the same submodules and load "
            "model.state_dict() into it, or export the model with minigrad.onnx.export "
            "(docs/deploy.md)"
        )
    torch_cls = _torch_class(cls.__name__, torch)
    if torch_cls is None:
        raise TypeError(
            f"to_torch: {path} is a {cls.__name__}, and PyTorch has no torch.nn.{cls.__name__} "
            "to carry it over to"
        )
    children = OrderedDict(
        (name, _convert(child, torch, f"{path}.{name}")) for name, child in m.named_children()
    )
    if cls.__name__ == "Sequential":
        return torch.nn.Sequential(children)
    if cls.__name__ == "ModuleList":
        return torch.nn.ModuleList(children.values())
    if cls.__name__ == "ModuleDict":
        return torch.nn.ModuleDict(children)
    if cls.__name__ in ("ParameterList", "ParameterDict"):  # (values come with the state)
        empty = {
            k: torch.nn.Parameter(_empty_like(p, torch))
            for k, p in m._parameters.items()
            if p is not None
        }
        return (
            torch.nn.ParameterList(empty.values())
            if cls.__name__ == "ParameterList"
            else torch.nn.ParameterDict(empty)
        )
    with warnings.catch_warnings():  # (PyTorch's advice on its nested-tensor fast path)
        warnings.filterwarnings("ignore", message="enable_nested_tensor is True")
        out = torch_cls(**_arguments(m, torch_cls, children, torch, path))
    if hasattr(out, "use_nested_tensor"):
        # PyTorch's fast path for padded batches returns zeros at padded positions; minigrad
        # computes every position, and so must the copy
        out.use_nested_tensor = m.use_nested_tensor
    for name, child in children.items():  # the converted children replace the built ones
        if not isinstance(getattr(out, name, None), torch.nn.Module):
            raise ValueError(
                f"to_torch: {path} has a submodule {name!r} that torch.nn.{cls.__name__} does "
                "not have"
            )
        setattr(out, name, child)
    extra = sorted(set(dict(out.named_children())) - set(children))
    if extra:
        raise ValueError(
            f"to_torch: torch.nn.{cls.__name__} has submodules {extra} that {path} does not have"
        )
    return out


def _torch_class(name: str, torch: Any) -> Any:
    """torch.nn's class of this name, including those only in torch.nn.modules' files
    (``NonDynamicallyQuantizableLinear``, MultiheadAttention's output projection)."""
    found = getattr(torch.nn, name, None)
    if isinstance(found, type):
        return found
    for info in pkgutil.iter_modules(torch.nn.modules.__path__):
        found = getattr(importlib.import_module(f"torch.nn.modules.{info.name}"), name, None)
        if isinstance(found, type) and issubclass(found, torch.nn.Module):
            return found
    return None


def _arguments(
    m: Module, torch_cls: Any, children: dict[str, Any], torch: Any, path: str
) -> dict[str, Any]:
    """The constructor's arguments, read back from the module's attributes of the same names."""
    special = _SPECIAL.get(type(m).__name__)
    if special is not None:
        return special(m, children)
    signature = _signature(torch_cls, torch)
    kwargs: dict[str, Any] = {}
    for name, param in signature.parameters.items():
        if (
            name in ("self", "device")
            or name.startswith("_")
            or param.kind
            in (
                param.VAR_POSITIONAL,
                param.VAR_KEYWORD,
            )
        ):
            continue
        if name == "dtype":
            kwargs[name] = _torch_dtype(m, torch)
        elif name in children:
            kwargs[name] = children[name]
        elif hasattr(m, name) and not inspect.ismethod(getattr(m, name)):
            kwargs[name] = _argument(getattr(m, name), param.default, torch)
        elif param.default is param.empty:
            raise TypeError(
                f"to_torch: cannot read back the argument {name!r} of {path} "
                f"({type(m).__name__}) from its attributes"
            )
    return kwargs


def _signature(torch_cls: Any, torch: Any) -> inspect.Signature:
    """The constructor's signature; the recurrent layers take ``*args`` and pass them on to
    RNNBase, whose signature (without ``mode``, plus RNN's ``nonlinearity``) is theirs."""
    signature = inspect.signature(torch_cls.__init__)
    if issubclass(torch_cls, torch.nn.RNNBase):
        params = [p for p in inspect.signature(torch.nn.RNNBase.__init__).parameters.values()]
        params = [p for p in params if p.name != "mode"]
        if torch_cls is not torch.nn.LSTM:  # (only an LSTM takes proj_size)
            params = [p for p in params if p.name != "proj_size"]
        if torch_cls is torch.nn.RNN:
            nonlinearity = inspect.Parameter("nonlinearity", inspect.Parameter.KEYWORD_ONLY)
            params.append(nonlinearity.replace(default="tanh"))
        kinds = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params[1:]]
        return inspect.Signature([params[0], *kinds])
    return signature


def _argument(value: Any, default: Any, torch: Any) -> Any:
    """An attribute as the constructor wants it: a bias (a Parameter or None) where the
    argument is a flag becomes that flag; a tensor becomes a torch tensor; a function of
    minigrad's functional becomes torch's function of the same name."""
    if isinstance(default, bool) and (value is None or isinstance(value, Tensor)):
        return value is not None
    if isinstance(value, Tensor):
        return torch.tensor(np.array(value.numpy(), copy=True))
    if callable(value) and not isinstance(value, Module | type):
        return _torch_function(value, torch)
    return value


def _torch_function(fn: Callable[..., Any], torch: Any) -> Any:
    found = getattr(torch.nn.functional, getattr(fn, "__name__", ""), None)
    if found is None:
        raise TypeError(f"to_torch: PyTorch has no torch.nn.functional.{fn.__name__}")
    return found


def _empty_like(p: Tensor, torch: Any) -> Any:
    return torch.empty(tuple(p.shape), dtype=getattr(torch, str(p.dtype).split(".")[-1]))


def _torch_dtype(m: Module, torch: Any) -> Any:
    for t in (*m.parameters(), *m.buffers()):
        if t.dtype.is_floating_point:
            return getattr(torch, str(t.dtype).split(".")[-1])
    return None


def _transformer_layer(m: Any, children: dict[str, Any]) -> dict[str, Any]:
    attention = m.self_attn
    return {
        "d_model": attention.embed_dim,
        "nhead": attention.num_heads,
        "dim_feedforward": m.linear1.out_features,
        "dropout": m.dropout.p,
        "activation": children.get("activation") or _torch_function(m.activation, _torch()),
        "layer_norm_eps": m.norm1.eps,
        "batch_first": attention.batch_first,
        "norm_first": m.norm_first,
        "bias": m.linear1.bias is not None,
    }


def _transformer_stack(m: Any, children: dict[str, Any]) -> dict[str, Any]:
    return {
        "encoder_layer" if "Encoder" in type(m).__name__ else "decoder_layer": children["layers"][
            0
        ],
        "num_layers": len(m.layers),
        "norm": children.get("norm"),
    }


def _attention(m: Any, children: dict[str, Any]) -> dict[str, Any]:
    return {
        "embed_dim": m.embed_dim,
        "num_heads": m.num_heads,
        "dropout": m.dropout,
        "bias": m.in_proj_bias is not None,
        "add_bias_kv": m.bias_k is not None,
        "add_zero_attn": m.add_zero_attn,
        "kdim": m.kdim,
        "vdim": m.vdim,
        "batch_first": m.batch_first,
        "dtype": _torch_dtype(m, _torch()),
    }


def _torch() -> Any:
    return importlib.import_module("torch")


_SPECIAL: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "TransformerEncoderLayer": _transformer_layer,
    "TransformerDecoderLayer": _transformer_layer,
    "TransformerEncoder": _transformer_stack,
    "TransformerDecoder": _transformer_stack,
    "MultiheadAttention": _attention,
}
"""Classes whose constructor's arguments are not attributes of the same names."""


# ---------------------------------------------------------------------------------------------
# Weights, modes and the checks


def _load_state(copy: Any, model: Module, torch: Any) -> None:
    """Parameters and buffers by state_dict key, then modes, requires_grad and shared weights."""
    state = {
        k: torch.from_numpy(np.array(v.numpy(), copy=True)) for k, v in model.state_dict().items()
    }
    try:
        copy.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise ValueError(
            f"to_torch: the PyTorch copy's weights differ from the model's: {e}"
        ) from e
    theirs = dict(copy.named_modules())
    first: dict[int, tuple[str, str]] = {}  # a parameter met again is tied to its first place
    for path, module in model.named_modules(remove_duplicate=False):
        target = theirs[path]
        target.train(module.training)
        for name, p in module._parameters.items():
            if p is None:
                continue
            if id(p) in first:
                owner, attr = first[id(p)]
                setattr(target, name, getattr(theirs[owner], attr))
            else:
                first[id(p)] = (path, name)
                getattr(target, name).requires_grad_(p.requires_grad)


def _check_structure(copy: Any, model: Module) -> None:
    """Both trees print alike, and every setting both keep under one name is equal."""
    if repr(copy) != repr(model).replace("minigrad.", "torch."):  # (dtype names)
        raise ValueError(
            "to_torch: the PyTorch copy does not print as the model does:\n"
            f"minigrad:\n{model!r}\nPyTorch:\n{copy!r}"
        )
    theirs = dict(copy.named_modules())
    for path, module in model.named_modules():
        target = theirs[path]
        ours = {k: v for k, v in vars(module).items() if isinstance(v, _CONFIG_TYPES)}
        for key, value in ours.items():
            if key.startswith("_") or key not in vars(target):
                continue
            other = vars(target)[key]
            if isinstance(other, _CONFIG_TYPES) and _as_config(other) != _as_config(value):
                raise ValueError(
                    f"to_torch: {path or 'the model'} ({type(module).__name__}) has "
                    f"{key}={value!r} but its PyTorch copy {key}={other!r}"
                )


def _as_config(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _check_outputs(
    copy: Any, model: Module, example: Any, torch: Any, rtol: float | None, atol: float | None
) -> None:
    """Both models on ``example`` in eval mode, without recording; modes restored after."""
    inputs = example if isinstance(example, tuple) else (example,)
    modes = [(m, m.training) for m in model.modules()]
    their_modes = [(m, m.training) for m in copy.modules()]
    model.eval()
    copy.eval()
    try:
        from .grad_mode import no_grad

        with no_grad():
            ours = _flat(model(*inputs))
        with torch.no_grad():
            theirs = _flat(copy(*(_to_torch_value(x, torch) for x in inputs)))
    finally:
        for m, mode in modes:
            m.training = mode
        for m, mode in their_modes:
            m.training = mode
    if len(ours) != len(theirs):
        raise ValueError("to_torch: the PyTorch copy returns a different number of outputs")
    for i, (a, b) in enumerate(zip(ours, theirs)):
        a = np.asarray(a.numpy() if isinstance(a, Tensor) else a)
        b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
        wide = a.dtype == np.float64
        r = rtol if rtol is not None else (1e-9 if wide else 1e-4)
        t = atol if atol is not None else (1e-12 if wide else 1e-5)
        if a.shape != b.shape or not np.allclose(a, b, rtol=r, atol=t):
            worst = np.max(np.abs(a - b)) if a.shape == b.shape else "shapes differ"
            raise ValueError(
                f"to_torch: output {i} of the PyTorch copy differs from the model's on the "
                f"example (largest difference {worst}; rtol={r}, atol={t})"
            )


def _flat(out: Any) -> list[Any]:
    if isinstance(out, tuple | list):
        return [leaf for item in out for leaf in _flat(item)]
    return [] if out is None else [out]


def _to_torch_value(x: Any, torch: Any) -> Any:
    if isinstance(x, Tensor):
        return torch.from_numpy(np.array(x.numpy(), copy=True))
    if isinstance(x, np.ndarray):
        return torch.from_numpy(x.copy())
    return x
