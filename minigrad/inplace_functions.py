"""PyTorch's top-level in-place functions (``torch.abs_(x)``, ``torch.clamp_(x, 0, 1)``,
``torch.zero_(x)``...), each the Tensor method of its name, and ``torch.fill``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .tensor import Tensor

__all__ = [
    "abs_",
    "acos_",
    "acosh_",
    "arccos_",
    "arccosh_",
    "arcsin_",
    "arcsinh_",
    "arctan_",
    "arctanh_",
    "asin_",
    "asinh_",
    "atan_",
    "atanh_",
    "ceil_",
    "clamp_",
    "clamp_max_",
    "clamp_min_",
    "clip_",
    "cos_",
    "cosh_",
    "detach_",
    "erf_",
    "exp2_",
    "exp_",
    "expm1_",
    "fill",
    "fill_",
    "fix_",
    "floor_",
    "frac_",
    "index_put_",
    "log1p_",
    "log2_",
    "log10_",
    "log_",
    "logit_",
    "nan_to_num_",
    "neg_",
    "negative_",
    "reciprocal_",
    "relu_",
    "round_",
    "rsqrt_",
    "sigmoid_",
    "sin_",
    "sinc_",
    "sinh_",
    "sqrt_",
    "square_",
    "tan_",
    "tanh_",
    "trunc_",
    "xlogy_",
    "zero_",
]


def _tensor(input: Any, name: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not "
            f"{type(input).__name__} (in-place functions change a tensor: wrap the data with "
            "minigrad.tensor first)"
        )
    return input


def _method(name: str) -> Callable[..., Tensor]:
    """``torch.<name>(input, *args, **kwargs)``: ``input.<name>(*args, **kwargs)``, which
    changes ``input`` and returns it."""

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        result: Tensor = getattr(_tensor(input, name), name)(*args, **kwargs)
        return result

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``input.{name}(...)``: changes ``input`` in place and returns it."
    return function


abs_ = _method("abs_")
acos_ = _method("acos_")
acosh_ = _method("acosh_")
arccos_ = _method("arccos_")
arccosh_ = _method("arccosh_")
arcsin_ = _method("arcsin_")
arcsinh_ = _method("arcsinh_")
arctan_ = _method("arctan_")
arctanh_ = _method("arctanh_")
asin_ = _method("asin_")
asinh_ = _method("asinh_")
atan_ = _method("atan_")
atanh_ = _method("atanh_")
ceil_ = _method("ceil_")
clamp_ = _method("clamp_")
clamp_max_ = _method("clamp_max_")
clamp_min_ = _method("clamp_min_")
clip_ = _method("clip_")
cos_ = _method("cos_")
cosh_ = _method("cosh_")
detach_ = _method("detach_")
erf_ = _method("erf_")
exp2_ = _method("exp2_")
exp_ = _method("exp_")
expm1_ = _method("expm1_")
fill_ = _method("fill_")
fix_ = _method("fix_")
floor_ = _method("floor_")
frac_ = _method("frac_")
index_put_ = _method("index_put_")
log10_ = _method("log10_")
log1p_ = _method("log1p_")
log2_ = _method("log2_")
log_ = _method("log_")
logit_ = _method("logit_")
nan_to_num_ = _method("nan_to_num_")
neg_ = _method("neg_")
negative_ = _method("negative_")
reciprocal_ = _method("reciprocal_")
relu_ = _method("relu_")
round_ = _method("round_")
rsqrt_ = _method("rsqrt_")
sigmoid_ = _method("sigmoid_")
sin_ = _method("sin_")
sinc_ = _method("sinc_")
sinh_ = _method("sinh_")
sqrt_ = _method("sqrt_")
square_ = _method("square_")
tan_ = _method("tan_")
tanh_ = _method("tanh_")
trunc_ = _method("trunc_")
xlogy_ = _method("xlogy_")
zero_ = _method("zero_")


def fill(input: Tensor, value: Any) -> Tensor:
    """A new tensor of ``input``'s shape and dtype holding ``value`` (``torch.fill``): a copy of
    ``input`` filled, so its gradient to ``input`` is zero and to a tensor ``value`` the sum of
    the upstream gradient."""
    return _tensor(input, "fill").clone().fill_(value)
