"""One template per op (``ops.py``, ``more_ops.py``, ``fused.py``): its forward and its backward
rule written as NumPy source.

Each template repeats, operation for operation, what the op's ``forward`` and ``backward`` do
on arrays, but writes into buffers allocated once (``out=``), so the compiled step computes the
same bits as the engine. ``tests/test_compile_templates.py`` runs every row of the op table
through these templates and compares them with the ops' own rules: an op without a template, or
a template that drifts from its rule, fails there.

A forward template ``fwd(e, op, hint, xs, vals)`` gets the emitter, the recorded op, a name hint
for its output, the inputs' source names (or literals) and their traced values; it returns the
output's name. A backward template ``bwd(e, op, g, out, xs, vals, hints)`` gets the name of the
incoming gradient and of the output, and returns one gradient name (or None) per input, before
the engine's broadcasting and dtype undoing (done by ``step.py``, as ``engine.run_backward`` does).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import (
    fused,
    gamma,
    linalg_lu,
    linalg_ops,
    more_ops,
    ops,
    pointwise_gaps,
    reflected,
    special_ops,
    zeta_igamma,
)
from ..engine import Op
from .emitter import Emitter, literal

Forward = Callable[[Emitter, Any, str, list[str], tuple[Any, ...]], str]
Backward = Callable[
    [Emitter, Any, str, str, list[str], tuple[Any, ...], list[str]], list[str | None]
]

FORWARD: dict[type[Op], Forward] = {}
BACKWARD: dict[type[Op], Backward] = {}


def _forward(*classes: type[Op]) -> Callable[[Forward], Forward]:
    def register(fn: Forward) -> Forward:
        for c in classes:
            FORWARD[c] = fn
        return fn

    return register


def _backward(*classes: type[Op]) -> Callable[[Backward], Backward]:
    def register(fn: Backward) -> Backward:
        for c in classes:
            BACKWARD[c] = fn
        return fn

    return register


def math_of(op: Op) -> tuple[str, str]:
    """The forward and derivative halves of an op's one-line docstring, for comments."""
    doc = (type(op).__doc__ or type(op).__name__).strip().splitlines()[0].rstrip(".")
    fwd, _, bwd = doc.partition(";")
    return fwd.strip(), bwd.strip()


def _is_scalar(v: Any) -> bool:
    return isinstance(v, bool | int | float)


def _r(v: Any) -> str:
    """Source for a Python-level attribute (axis, shape, index made of ints and slices)."""
    if isinstance(v, slice):
        return f"slice({v.start!r}, {v.stop!r}, {v.step!r})"
    if isinstance(v, tuple):
        inner = ", ".join(_r(i) for i in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if v is Ellipsis:
        return "..."
    if isinstance(v, np.dtype):
        return f"np.dtype({v.name!r})"
    return repr(v)


def _index(e: Emitter, index: Any) -> str:
    """Source for an index; its arrays become constants of the step."""
    items = index if isinstance(index, tuple) else (index,)
    parts = []
    for it in items:
        if isinstance(it, np.ndarray | list):
            parts.append(e.const(np.asarray(it), "index"))
        elif it is None:
            parts.append("None")
        else:
            parts.append(_r(it))
    if not isinstance(index, tuple):
        return parts[0]
    return f"({', '.join(parts)},)" if len(parts) == 1 else f"({', '.join(parts)})"


def _keep(shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    return ops._keepdims_shape(shape, axis)


# ---------------------------------------------------------------------------------------------
# Elementwise arithmetic


_BINARY = {ops.Add: "np.add", ops.Sub: "np.subtract", ops.Mul: "np.multiply", ops.Div: "np.divide"}


@_forward(ops.Add, ops.Sub, ops.Mul, ops.Div, ops.Maximum, ops.Minimum)
def _binary_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: tuple[Any, ...]) -> str:
    fn = _BINARY.get(type(op)) or ("np.maximum" if type(op) is ops.Maximum else "np.minimum")
    return e.call(hint, fn, xs[0], xs[1])


@_backward(ops.Add)
def _add_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    return [g, g]


@_backward(ops.Sub)
def _sub_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    return [g, e.call(h[1], "np.negative", g) if op.needs_grad(1) else None]


@_backward(ops.Mul)
def _mul_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    gx = e.call(h[0], "np.multiply", g, xs[1]) if op.needs_grad(0) else None
    gy = e.call(h[1], "np.multiply", g, xs[0]) if op.needs_grad(1) else None
    return [gx, gy]


@_backward(ops.Div)
def _div_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    gx = e.call(h[0], "np.divide", g, xs[1]) if op.needs_grad(0) else None
    gy = None
    if op.needs_grad(1):  # -grad * out / y, in that order
        t = e.call(h[1] + "_neg", "np.negative", g)
        t = e.call(h[1] + "_prod", "np.multiply", t, out)
        gy = e.call(h[1], "np.divide", t, xs[1])
    return [gx, gy]


@_forward(ops.Neg)
def _neg_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.negative", xs[0])


@_backward(ops.Neg)
def _neg_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    return [e.call(h[0], "np.negative", g)]


# NumPy's ``x ** s`` takes these ufuncs for a scalar exponent s; the same ufunc gives the same bits.
_FAST_POWER = {2: "np.square", 0.5: "np.sqrt", -1: "np.reciprocal", 1: "np.positive"}


def _power(e: Emitter, hint: str, x: str, y: Any, y_src: str) -> str:
    if _is_scalar(y) and y in _FAST_POWER and not isinstance(y, bool):
        return e.call(hint, _FAST_POWER[y], x)
    return e.call(hint, "np.power", x, y_src)


@_forward(ops.Pow)
def _pow_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return _power(e, hint, xs[0], vals[1], xs[1])


@_backward(ops.Pow)
def _pow_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    x, y = xs
    gx = gy = None
    if op.needs_grad(0):
        if _is_scalar(vals[1]) and vals[1] == 2:  # grad * (x + x)
            t = e.call(h[0] + "_2x", "np.add", x, x)
            gx = e.call(h[0], "np.multiply", g, t)
        else:  # grad * y * x ** (y - 1)
            t = e.call(h[0] + "_gy", "np.multiply", g, y)
            if _is_scalar(vals[1]):
                p = _power(e, h[0] + "_pow", x, vals[1] - 1, literal(vals[1] - 1))
            else:
                p = e.call(h[0] + "_pow", "np.power", x, e.let("ym1", f"{y} - 1"))
            gx = e.call(h[0], "np.multiply", t, p)
    if op.needs_grad(1):  # grad * out * log(x)
        t = e.call(h[1] + "_go", "np.multiply", g, out)
        lx = e.call(h[1] + "_log", "np.log", x)
        gy = e.call(h[1], "np.multiply", t, lx)
    return [gx, gy]


# A number on the left (``reflected.py``): the number is the op's attribute, not an input.


@_forward(reflected.RSub)
def _rsub_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.subtract", literal(op.other), xs[0])


@_backward(reflected.RSub)
def _rsub_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    return [e.call(h[0], "np.negative", g)]


@_forward(reflected.RPow)
def _rpow_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.power", literal(op.base), xs[0])


@_backward(reflected.RPow)
def _rpow_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    t = e.call(h[0] + "_go", "np.multiply", g, out)  # grad * out * log(c)
    gx = e.call(h[0], "np.multiply", t, e.let(h[0] + "_logc", f"np.log({literal(op.base)})"))
    if op.base == 0:  # 0 where x >= 0 (the limit of z log c)
        gx = e.let(h[0] + "_edge", f"np.where({xs[0]} >= 0, 0.0, {gx})")
    return [gx]


@_forward(reflected.Reciprocal)
def _reciprocal_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.divide", "1", xs[0])


@_backward(reflected.Reciprocal)
def _reciprocal_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    sq = e.call(h[0] + "_sq", "np.multiply", out, out)  # -grad * (out * out)
    return [e.call(h[0], "np.multiply", e.call(h[0] + "_neg", "np.negative", g), sq)]


@_backward(ops.Maximum, ops.Minimum)
def _extreme_pair_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    x, y = xs  # (Maximum's rule: 0 to an input only the other made the output of, 1/2 at a
    made_x = e.let(h[0] + "_made", f"{x} == {out}")  # tie, 1 otherwise, a NaN included)
    made_y = e.let(h[1] + "_made", f"{y} == {out}")
    half = e.let(h[0] + "_half", f"0.5 * ({made_x} & {made_y})")
    dt = f"np.{np.asarray(e.env[out]).dtype.name}"
    gx = e.let(h[0], f"{g} * ((1.0 + {half}) - {made_y}).astype({dt})")
    gy = e.let(h[1], f"{g} * ((1.0 + {half}) - {made_x}).astype({dt})")
    return [gx, gy]


# ---------------------------------------------------------------------------------------------
# Elementwise functions

_UNARY = {
    ops.Exp: "np.exp",
    ops.Log: "np.log",
    ops.Sqrt: "np.sqrt",
    ops.Abs: "np.abs",
    ops.Sin: "np.sin",
    ops.Cos: "np.cos",
    ops.Tanh: "np.tanh",
    more_ops.Log1p: "np.log1p",
    more_ops.Expm1: "np.expm1",
    more_ops.Tan: "np.tan",
    more_ops.Asin: "np.arcsin",
    more_ops.Acos: "np.arccos",
    more_ops.Atan: "np.arctan",
    more_ops.Sinh: "np.sinh",
    more_ops.Cosh: "np.cosh",
    more_ops.Asinh: "np.arcsinh",
    more_ops.Acosh: "np.arccosh",
    more_ops.Atanh: "np.arctanh",
    more_ops.Floor: "np.floor",
    more_ops.Ceil: "np.ceil",
    more_ops.Trunc: "np.trunc",
}


@_forward(*_UNARY)
def _unary_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, _UNARY[type(op)], xs[0])


@_backward(ops.Exp)
def _exp_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    return [e.call(h[0], "np.multiply", g, out)]


@_backward(ops.Log)
def _log_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    return [e.call(h[0], "np.divide", g, xs[0])]


@_backward(more_ops.Log1p)
def _log1p_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    t = e.call(h[0] + "_1px", "np.add", xs[0], "1")  # grad / (x + 1)
    return [e.call(h[0], "np.divide", g, t)]


@_backward(more_ops.Expm1)
def _expm1_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    t = e.call(h[0] + "_ex", "np.add", out, "1")  # grad * (out + 1)
    return [e.call(h[0], "np.multiply", g, t)]


@_backward(more_ops.Tan)
def _tan_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    t = e.call(h[0], "np.multiply", out, out)  # grad * (1 + out * out)
    e.into(t, "np.add", "1", t)
    e.into(t, "np.multiply", g, t)
    return [t]


# The inverse functions' rules: grad (negated for acos) divided by a function of x * x.
_OF_SQUARE: dict[type[Op], tuple[tuple[str, ...], ...]] = {
    more_ops.Asin: (("np.subtract", "1", "t"), ("np.sqrt", "t")),  # grad / sqrt(1 - x * x)
    more_ops.Acos: (("np.subtract", "1", "t"), ("np.sqrt", "t")),  # -grad / sqrt(1 - x * x)
    more_ops.Atan: (("np.add", "t", "1"),),  # grad / (x * x + 1)
    more_ops.Asinh: (("np.add", "t", "1"), ("np.sqrt", "t")),  # grad / sqrt(x * x + 1)
    more_ops.Acosh: (("np.subtract", "t", "1"), ("np.sqrt", "t")),  # grad / sqrt(x * x - 1)
    more_ops.Atanh: (("np.subtract", "1", "t"),),  # grad / (1 - x * x)
}


@_backward(*_OF_SQUARE)
def _inverse_trig_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    t = e.call(h[0], "np.multiply", xs[0], xs[0])
    for fn, *args in _OF_SQUARE[type(op)]:
        e.into(t, fn, *(t if a == "t" else a for a in args))
    num = e.call(h[0] + "_neg", "np.negative", g) if type(op) is more_ops.Acos else g
    e.into(t, "np.divide", num, t)
    return [t]


@_backward(more_ops.Sinh, more_ops.Cosh)
def _sinh_cosh_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    other = "np.cosh" if type(op) is more_ops.Sinh else "np.sinh"  # grad * cosh(x), sinh(x)
    t = e.call(h[0], other, xs[0])
    e.into(t, "np.multiply", g, t)
    return [t]


@_forward(more_ops.Remainder)
def _remainder_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    # fmod, moved by y where the signs differ (as more_ops.remainder)
    z = e.call(hint, "np.fmod", xs[0], xs[1])
    y = xs[1]
    moved = f"({z} != 0) & (({z} < 0) != (np.asarray({y}) < 0))"
    e.stmt(f"np.add({z}, {y}, out={z}, where={moved})", z)
    return z


@_forward(more_ops.Fmod)
def _fmod_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.fmod", xs[0], xs[1])


@_backward(more_ops.Remainder, more_ops.Fmod)
def _remainder_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    if not op.needs_grad(1):
        return [g, None]
    # -grad * floor(x / y) (remainder) or -grad * trunc(x / y) (fmod), in that order
    if type(op) is more_ops.Remainder:
        q = e.call(h[1] + "_q", "np.floor_divide", xs[0], xs[1])
    else:
        q = e.call(h[1] + "_q", "np.divide", xs[0], xs[1])
        e.into(q, "np.trunc", q)
    t = e.call(h[1] + "_neg", "np.negative", g)
    return [g, e.call(h[1], "np.multiply", t, q)]


@_forward(more_ops.DivRounded)
def _div_rounded_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    # (recorded on floats only: an integer division never requires grad)
    if op.mode == "floor":
        return e.call(hint, "np.floor_divide", xs[0], xs[1])
    q = e.call(hint, "np.divide", xs[0], xs[1])
    e.into(q, "np.trunc", q)
    return q


@_backward(more_ops.DivRounded)
def _div_rounded_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    return [e.let(h[i], f"np.zeros_like({g})") if op.needs_grad(i) else None for i in (0, 1)]


@_forward(more_ops.Round)
def _round_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.round", xs[0], decimals=repr(op.decimals))


@_forward(more_ops.Sign, more_ops.Sgn)
def _sign_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    # (x > 0) - (x < 0) in x's dtype: 0 at nan, as more_ops.sign
    pos = e.call(hint + "_pos", "np.greater", xs[0], "0")
    neg = e.call(hint + "_neg", "np.less", xs[0], "0")
    dt = np.asarray(vals[0]).dtype.name
    return e.call(hint, "np.subtract", pos, neg, dtype=f"np.{dt}")


@_backward(more_ops.Floor, more_ops.Ceil, more_ops.Trunc, more_ops.Round)
@_backward(more_ops.Sign, more_ops.Sgn)
def _step_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    return [e.let(h[0], f"np.zeros_like({g})")]  # zeros, even where g is inf or nan


@_forward(pointwise_gaps.NextAfter)
def _nextafter_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.nextafter", xs[0], xs[1])


@_backward(pointwise_gaps.NextAfter)
def _nextafter_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    return [g, e.let(h[1], f"np.zeros_like({g})") if op.needs_grad(1) else None]


@_forward(more_ops.Erfinv)
def _erfinv_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    # As the op: a rational first guess, three Newton steps, the edges; in float64, rounded.
    poly = "np.polynomial.polynomial.polyval"
    y = e.let(hint + "_y", f"{xs[0]}.astype(np.float64)")
    a = e.let(hint + "_abs", f"np.abs({y})")
    w = e.let(hint + "_w", f"np.sqrt(-np.log((1 - {a}) / 2))")
    (an, ad), (cn, cd) = more_ops._ERFINV_A, more_ops._ERFINV_C
    central = f"{y} * ({poly}({y} * {y}, {an!r}) / {poly}({y} * {y}, {ad!r}))"
    tail = f"np.copysign({poly}({w}, {cn!r}) / {poly}({w}, {cd!r}), {y})"
    z = e.let(hint + "_z", f"np.where({a} <= 0.7, {central}, {tail})")
    residual = e.let(  # more_ops._residual: erf(z) - x, through erfc for |x| > 0.5
        hint + "_residual",
        "np.frompyfunc(lambda z_, x_: math.erf(z_) - x_ if abs(x_) <= 0.5 else "
        "((1 - abs(x_)) - math.erfc(abs(z_))) * (1 if x_ > 0 else -1), 2, 1)",
    )
    slope = repr(more_ops._TWO_OVER_SQRT_PI)
    for _ in range(3):
        r = f"np.asarray({residual}({z}, {y}), dtype=np.float64)"
        z = e.let(hint + "_z", f"{z} - {r} / ({slope} * np.exp(-{z} * {z}))")
    edges = f"np.where({a} == 1, np.copysign(np.inf, {y}), np.nan)"
    dt = np.asarray(vals[0]).dtype.name
    return e.let(hint, f"np.where({a} < 1, {z}, {edges}).astype(np.{dt})")


@_backward(more_ops.Erfinv)
def _erfinv_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    t = e.call(h[0] + "_e", "np.multiply", out, out)  # grad * (sqrt(pi)/2 exp(out^2))
    e.into(t, "np.exp", t)
    e.into(t, "np.multiply", repr(more_ops._HALF_SQRT_PI), t)
    return [e.call(h[0], "np.multiply", g, t)]


def _define(e: Emitter, *functions: Any, **constants: Any) -> None:
    """Module-level definitions the step calls: the kernels' own source (NumPy and math only,
    so the written step computes the op's bits) and the constants they take, each once."""
    for name, value in constants.items():
        if name not in e.env:
            e.env[name] = value
            e.setup.append(f"{name} = {value!r}")
    for fn in functions:
        if fn.__name__ not in e.env:
            source = inspect.getsource(fn)
            exec(source, e.env)
            e.setup.append(source.rstrip("\n"))


def _in_float64(e: Emitter, hint: str, call: str, vals: Any) -> str:
    dt = np.asarray(vals[0]).dtype.name  # computed in float64, rounded to the input's dtype
    return e.let(hint, f"np.asarray({call}).astype(np.{dt})")


@_forward(gamma.Lgamma)
def _lgamma_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    _define(
        e, gamma._sinpi, gamma._lgamma1p, gamma._lgamma_kernel, LGAMMA_SERIES=gamma.LGAMMA_SERIES
    )
    call = f"_lgamma_kernel({xs[0]}.astype(np.float64), LGAMMA_SERIES)"
    return _in_float64(e, hint, call, vals)


def _digamma_src(e: Emitter, x: str) -> str:
    _define(e, gamma._sinpi, gamma._cospi, gamma._digamma_kernel)
    return f"_digamma_kernel({x}.astype(np.float64))"


def _polygamma_src(e: Emitter, n: int, x: str) -> str:
    if n == 0:
        return _digamma_src(e, x)
    _define(e, gamma._sinpi, gamma._cospi, gamma._hurwitz_kernel, gamma._polygamma_kernel,
            BERNOULLI=gamma.BERNOULLI)  # fmt: skip
    return f"_polygamma_kernel({n}, {x}.astype(np.float64), BERNOULLI, {gamma.cot_derivative(n)!r})"


@_forward(gamma.Digamma)
def _digamma_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return _in_float64(e, hint, _digamma_src(e, xs[0]), vals)


@_forward(gamma.Polygamma)
def _polygamma_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return _in_float64(e, hint, _polygamma_src(e, op.n, xs[0]), vals)


@_backward(gamma.Lgamma, gamma.Digamma, gamma.Polygamma)
def _gamma_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    n = {gamma.Lgamma: 0, gamma.Digamma: 1}.get(type(op), getattr(op, "n", 0) + 1)
    d = _in_float64(e, h[0] + "_d", _polygamma_src(e, n, xs[0]), vals)  # grad * psi^(n)(x)
    return [e.call(h[0], "np.multiply", g, d)]


def _kernel_src(e: Emitter, kernel: Any, x: str, *args: str) -> str:
    """A call of a ``special_ops`` kernel on x in float64 (``args`` after x), defined once."""
    _define(e, kernel)
    if kernel is special_ops._ndtri_kernel:
        _define(e, special_ops._erfcx_kernel)
    rest = "".join(f", {a}" for a in args)
    return f"{kernel.__name__}({x}.astype(np.float64){rest})"


def _bessel_src(e: Emitter, nu: int, x: str, scaled: bool) -> str:
    _define(e, special_ops._bessel_i_kernel)
    return f"_bessel_i_kernel({nu}, {x}.astype(np.float64), {scaled})"


_SPECIAL_KERNELS = {
    special_ops.Erfc: special_ops._erfc_kernel,
    special_ops.Erfcx: special_ops._erfcx_kernel,
    special_ops.Ndtri: special_ops._ndtri_kernel,
}
_BESSEL = {
    special_ops.I0: (0, False),
    special_ops.I0e: (0, True),
    special_ops.I1: (1, False),
    special_ops.I1e: (1, True),
}


@_forward(*_SPECIAL_KERNELS)
def _special_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return _in_float64(e, hint, _kernel_src(e, _SPECIAL_KERNELS[type(op)], xs[0]), vals)


@_forward(*_BESSEL)
def _bessel_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    nu, scaled = _BESSEL[type(op)]
    return _in_float64(e, hint, _bessel_src(e, nu, xs[0], scaled), vals)


@_backward(special_ops.Erfc)
def _erfc_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    c = repr(-special_ops._TWO_OVER_SQRT_PI)  # grad * (-2/sqrt(pi) exp(-x^2))
    return [e.let(h[0], f"{g} * ({c} * np.exp(-({xs[0]} * {xs[0]})))")]


@_backward(special_ops.Erfcx)
def _erfcx_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    c = repr(special_ops._TWO_OVER_SQRT_PI)  # grad * (2 x z - 2/sqrt(pi))
    return [e.let(h[0], f"{g} * (2 * {xs[0]} * {out} - {c})")]


@_backward(special_ops.Ndtri)
def _ndtri_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    c = repr(special_ops._SQRT_2PI)  # grad * sqrt(2 pi) exp(z^2 / 2)
    return [e.let(h[0], f"{g} * ({c} * np.exp({out} * {out} * 0.5))")]


def _i1_over_x_src(e: Emitter, x: str, scaled: bool, vals: Any, h: str) -> str:
    """special_ops._i1_over_x: I1(x) / x (scaled: I1e(x) / x), 1/2 at 0."""
    zero = e.let(h + "_zero", f"({x} == 0).astype({x}.dtype)")
    safe = e.let(h + "_safe", f"{x} + {zero}")
    i1 = _in_float64(e, h + "_i1", _bessel_src(e, 1, safe, scaled), vals)
    return e.let(h + "_ratio", f"{i1} / {safe} * (1 - {zero}) + 0.5 * {zero}")


@_backward(*_BESSEL)
def _bessel_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    nu, scaled = _BESSEL[type(op)]
    x = xs[0]
    other = _in_float64(e, h[0] + "_d", _bessel_src(e, 1 - nu, x, scaled), vals)
    if nu == 0 and not scaled:  # grad * I1(x)
        return [e.let(h[0], f"{g} * {other}")]
    if nu == 0:  # grad * (I1e(x) - z sgn(x))
        return [e.let(h[0], f"{g} * ({other} - {out} * np.sign({x}))")]
    ratio = _i1_over_x_src(e, x, scaled, vals, h[0])
    if not scaled:  # grad * (I0(x) - I1(x) / x)
        return [e.let(h[0], f"{g} * ({other} - {ratio})")]
    return [e.let(h[0], f"{g} * ({other} - {out} * np.sign({x}) - {ratio})")]


def _result_dtype(vals: Any) -> str:
    return np.result_type(*(np.asarray(v) for v in vals)).name


def _zeta_src(e: Emitter, x: str, q: str) -> str:
    _define(e, zeta_igamma._zeta_kernel, ZETA_BERNOULLI=zeta_igamma.ZETA_BERNOULLI)
    return f"_zeta_kernel({x}, {q}, ZETA_BERNOULLI)"


@_forward(zeta_igamma.Zeta)
def _zeta_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    dt = _result_dtype(vals)
    return e.let(hint, f"np.asarray({_zeta_src(e, xs[0], xs[1])}).astype(np.{dt})")


@_backward(zeta_igamma.Zeta)
def _zeta_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    if op.needs_grad(0):
        raise NotImplementedError("the derivative for 'zeta' is not implemented.")
    x, q = xs  # grad * (-x zeta(x + 1, q))
    dt = np.result_type(np.asarray(vals[0]) + 1, np.asarray(vals[1])).name
    z = e.let(h[1] + "_z", f"np.asarray({_zeta_src(e, f'({x} + 1)', q)}).astype(np.{dt})")
    return [None, e.let(h[1], f"{g} * (-{x} * {z})")]


def _define_igamma(e: Emitter) -> None:
    _define(e, gamma._sinpi, gamma._lgamma1p, gamma._lgamma_kernel, zeta_igamma._igamma_kernel,
            LGAMMA_SERIES=gamma.LGAMMA_SERIES)  # fmt: skip


@_forward(zeta_igamma.Igamma, zeta_igamma.Igammac)
def _igamma_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    _define_igamma(e)
    call = f"_igamma_kernel({xs[0]}, {xs[1]}, {op.upper}, LGAMMA_SERIES)"
    return e.let(hint, f"np.asarray({call}).astype(np.{_result_dtype(vals)})")


@_backward(zeta_igamma.Igamma, zeta_igamma.Igammac)
def _igamma_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    if op.needs_grad(0):
        name = "igammac" if op.upper else "igamma"
        raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
    _define_igamma(e)
    a, x = xs  # grad * exp((a - 1) log x - x - lgamma(a)), negated for igammac
    dt = np.asarray(vals[0]).dtype.name
    lg = e.let(
        h[1] + "_lg",
        f"np.asarray(_lgamma_kernel({a}.astype(np.float64), LGAMMA_SERIES)).astype(np.{dt})",
    )
    d = e.let(h[1] + "_d", f"np.exp(({a} - 1) * np.log({x}) - {x} - {lg})")
    return [None, e.let(h[1], f"-{g} * {d}" if op.upper else f"{g} * {d}")]


@_forward(more_ops.Sinc)
def _sinc_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    px = e.call(hint + "_px", "np.multiply", xs[0], repr(np.pi))  # sin(px) / px, 1 at 0
    s = e.call(hint + "_sin", "np.sin", px)
    e.into(s, "np.divide", s, px)
    return e.let(hint, f"np.where({xs[0]} == 0, 1, {s})")


@_backward(more_ops.Sinc)
def _sinc_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    x = xs[0]  # grad * (px cos(px) - sin(px)) / (x x pi), 0 where that denominator is 0
    px = e.call(h[0] + "_px", "np.multiply", x, repr(np.pi))
    den = e.call(h[0] + "_den", "np.multiply", x, x)
    e.into(den, "np.multiply", den, repr(np.pi))
    t = e.call(h[0] + "_cos", "np.cos", px)
    e.into(t, "np.multiply", px, t)
    s = e.call(h[0] + "_sin", "np.sin", px)
    e.into(t, "np.subtract", t, s)
    t2 = e.call(h[0] + "_g", "np.multiply", g, t)
    e.into(t2, "np.divide", t2, den)
    return [e.let(h[0], f"np.where({den} == 0, 0, {t2})")]


def _logit_bounds(e: Emitter, op: Any, vals: Any) -> tuple[str, str]:
    if op.eps is None:
        return "0", "1"
    lo, hi = op.bounds(np.asarray(vals[0]).dtype)
    return e.const(lo, "lo"), e.const(hi, "hi")


@_forward(more_ops.Logit)
def _logit_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    x = xs[0]
    if op.eps is not None:  # clamped to [eps, 1 - eps] first
        x = e.call(hint + "_clamped", "np.clip", x, *_logit_bounds(e, op, vals))
    t = e.call(hint, "np.subtract", "1", x)  # log(x / (1 - x))
    e.into(t, "np.divide", x, t)
    e.into(t, "np.log", t)
    return t


@_backward(more_ops.Logit)
def _logit_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    x = xs[0]  # grad / (x (1 - x)); nan (no eps) or 0 (eps) outside the bounds
    t = e.call(h[0] + "_den", "np.subtract", "1", x)
    e.into(t, "np.multiply", x, t)
    e.into(t, "np.divide", g, t)
    lo, hi = _logit_bounds(e, op, vals)
    fill = "float('nan')" if op.eps is None else "0"
    return [e.let(h[0], f"np.where(({x} < {lo}) | ({x} > {hi}), {fill}, {t})")]


@_forward(more_ops.Atan2, more_ops.Hypot, more_ops.LogAddExp)
def _binary_math_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    fn = {more_ops.Atan2: "np.arctan2", more_ops.Hypot: "np.hypot"}.get(type(op), "np.logaddexp")
    return e.call(hint, fn, xs[0], xs[1])


@_backward(more_ops.Atan2)
def _atan2_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    x, y = xs  # recip = 1 / (x x + y y), 0 where inf; grad * y * recip, grad * -x * recip
    xx = e.call(h[0] + "_xx", "np.multiply", x, x)
    yy = e.call(h[0] + "_yy", "np.multiply", y, y)
    s = e.call(h[0] + "_sq", "np.add", xx, yy)
    e.into(s, "np.divide", "1", s)
    recip = e.let(h[0] + "_recip", f"np.where(np.isinf({s}), 0, {s})")
    gx = gy = None
    if op.needs_grad(0):  # (new buffers, not into: grad * y alone may be a constant)
        gx = e.call(h[0], "np.multiply", e.call(h[0] + "_gy", "np.multiply", g, y), recip)
    if op.needs_grad(1):
        n = e.call(h[1] + "_neg", "np.negative", x)
        gy = e.call(h[1], "np.multiply", e.call(h[1] + "_gx", "np.multiply", g, n), recip)
    return [gx, gy]


@_backward(more_ops.Hypot)
def _hypot_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    grads: list[str | None] = []
    for i, v in enumerate(xs):  # grad * x / out, grad * y / out
        if not op.needs_grad(i):
            grads.append(None)
            continue
        t = e.call(h[i] + "_g", "np.multiply", g, v)  # (may be a constant: no into)
        grads.append(e.call(h[i], "np.divide", t, out))
    return grads


@_forward(more_ops.Xlogy)
def _xlogy_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    x, y = xs  # x log(y), 0 where x is 0 and y is not nan
    t = e.call(hint + "_log", "np.log", y)
    t = e.call(hint + "_xlog", "np.multiply", x, t)
    return e.let(hint, f"np.where(({x} == 0) & ~np.isnan({y}), 0, {t})")


@_backward(more_ops.Xlogy)
def _xlogy_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    x, y = xs
    gx = gy = None
    if op.needs_grad(0):  # xlogy(grad, y), 0 where x is 0 and y <= 0
        t = e.call(h[0] + "_log", "np.log", y)
        t = e.call(h[0] + "_glog", "np.multiply", g, t)
        zero = f"(({g} == 0) & ~np.isnan({y})) | (({x} == 0) & ({y} <= 0))"
        gx = e.let(h[0], f"np.where({zero}, 0, {t})")
    if op.needs_grad(1):  # grad * x / y
        t = e.call(h[1] + "_gx", "np.multiply", g, x)  # (may be a constant: no into)
        gy = e.call(h[1], "np.divide", t, y)
    return [gx, gy]


@_backward(more_ops.LogAddExp)
def _logaddexp_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    grads: list[str | None] = []
    for i, (a, b) in enumerate((xs, xs[::-1])):  # grad / (1 + exp(y - x)), and x, y swapped
        if not op.needs_grad(i):
            grads.append(None)
            continue
        t = e.call(h[i] + "_exp", "np.subtract", b, a)
        e.into(t, "np.exp", t)
        e.into(t, "np.add", "1", t)
        grads.append(e.call(h[i], "np.divide", g, t))
    return grads


@_backward(ops.Sqrt)
def _sqrt_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    t = e.call(h[0] + "_2z", "np.multiply", "2", out)
    return [e.call(h[0], "np.divide", g, t)]


@_backward(ops.Abs)
def _abs_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    s = e.call(h[0] + "_sign", "np.sign", xs[0])
    return [e.call(h[0], "np.multiply", g, s)]


@_backward(ops.Sin)
def _sin_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    c = e.call(h[0] + "_cos", "np.cos", xs[0])
    return [e.call(h[0], "np.multiply", g, c)]


@_backward(ops.Cos)
def _cos_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    n = e.call(h[0] + "_neg", "np.negative", g)
    s = e.call(h[0] + "_sin", "np.sin", xs[0])
    return [e.call(h[0], "np.multiply", n, s)]


@_backward(ops.Tanh)
def _tanh_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    t = e.call(h[0], "np.multiply", out, out)  # grad * (1 - out * out)
    e.into(t, "np.subtract", "1", t)
    e.into(t, "np.multiply", g, t)
    return [t]


@_forward(ops.Sigmoid)
def _sigmoid_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    # 1 / (1 + exp(-x)), as the op, in place. The op lets exp overflow far below 0 under
    # minigrad's warning filter; the emitted step (and an ejected file) runs without it, so it
    # clamps where exp would overflow: z differs from the op's only below the smallest normal.
    low = -87.0 if np.asarray(vals[0]).dtype.itemsize <= 4 else -708.0
    z = e.call(hint, "np.maximum", xs[0], repr(low))
    e.into(z, "np.negative", z)
    e.into(z, "np.exp", z)
    e.into(z, "np.add", z, "1")
    e.into(z, "np.reciprocal", z)
    return z


@_backward(ops.Sigmoid)
def _sigmoid_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    t = e.call(h[0], "np.multiply", out, out)  # grad * (out - out * out)
    e.into(t, "np.subtract", out, t)
    e.into(t, "np.multiply", g, t)
    return [t]


@_forward(fused.Softplus)
def _softplus_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.logaddexp", "0", xs[0])


@_backward(fused.Softplus)
def _softplus_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    s = _sigmoid_fwd(e, op, h[0] + "_sigmoid", xs, vals)  # grad * sigmoid(x)
    return [e.call(h[0], "np.multiply", g, s)]


@_forward(fused.Erf)
def _erf_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    dt = np.asarray(vals[0]).dtype.name  # NumPy has no erf: math.erf mapped over the elements
    return e.let(hint, f"np.asarray(np.frompyfunc(math.erf, 1, 1)({xs[0]}), dtype=np.{dt})")


@_backward(fused.Erf)
def _erf_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    t = e.call(h[0] + "_e", "np.multiply", xs[0], xs[0])  # grad * (2/sqrt(pi) exp(-x^2))
    e.into(t, "np.negative", t)
    e.into(t, "np.exp", t)
    e.into(t, "np.multiply", repr(fused._TWO_OVER_SQRT_PI), t)
    return [e.call(h[0], "np.multiply", g, t)]


# Ops whose backward rule reads their inputs only, never their output: an elementwise op that
# is the only reader of their output may overwrite it.
_OUTPUT_UNREAD = (fused.Linear, ops.MatMul, ops.Add, ops.Sub)


def _in_place(e: Emitter, op: Any, hint: str, x: str) -> str | None:
    """A name for ``op``'s output in its input's buffer, when nothing reads the input after
    ``op`` (as hand-written NumPy writes ``np.maximum(z, 0, out=z)``): the input is a buffer
    of the step, made by an op whose rule does not read it, read by ``op`` alone, and not the
    model's output. None otherwise."""
    src = op.edges[0] if op.edges else None
    if not isinstance(src, _OUTPUT_UNREAD) or e.consumers.get(id(src)) != 1 or id(src) in e.keep:
        return None
    buf = e.buffers.get(x)
    if buf is None or x in e.folded or buf.base is not None or buf.dtype != op.out.dtype:
        return None
    return e.same_buffer(hint, x, f"{type(op).__name__} in place: {x} is not read again")


def _spare(e: Emitter, op: Any, g: str, hint: str) -> str | None:
    """A name for a rule's result in the buffer of its incoming gradient ``g``, when no other
    rule reads ``g`` (``e.spare``, decided by the backward walk) and the result goes to an op
    (a leaf's gradient keeps a buffer of its own). None otherwise."""
    if e.spare != g or not isinstance(op.edges[0], Op):
        return None
    return e.same_buffer(hint, g, f"{type(op).__name__} backward in place: {g} is not read again")


@_forward(ops.ReLU)
def _relu_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    z = _in_place(e, op, hint, xs[0])
    if z is None:
        return e.call(hint, "np.maximum", xs[0], "0")
    e.into(z, "np.maximum", xs[0], "0")
    return z


@_backward(ops.ReLU)
def _relu_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    # grad * (x > 0), with the mask read from the output: max(x, 0) > 0 exactly where x > 0
    # (NaN included), and the output is there when the forward wrote it over x
    mask = e.call(h[0] + "_mask", "np.greater", out, "0")
    gx = _spare(e, op, g, h[0])
    if gx is None:
        return [e.call(h[0], "np.multiply", g, mask)]
    e.into(gx, "np.multiply", g, mask)
    return [gx]


@_forward(ops.Clip)
def _clip_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.clip", xs[0], repr(op.low), repr(op.high))


@_backward(ops.Clip)
def _clip_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    x = xs[0]
    tests = [f"({x} >= {op.low!r})"] if op.low is not None else []
    tests += [f"({x} <= {op.high!r})"] if op.high is not None else []
    inside = e.let(h[0] + "_inside", " & ".join(tests) or f"np.ones({x}.shape, dtype=bool)")
    return [e.call(h[0], "np.multiply", g, inside)]


# The piecewise activations (fused.Hardtanh ... Softshrink): masks from x, as their rules.


def _mask(e: Emitter, hint: str, test: str) -> str:
    return e.let(hint + "_mask", test)


@_forward(fused.Hardtanh)
def _hardtanh_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.clip", xs[0], repr(op.low), repr(op.high))


@_backward(fused.Hardtanh)
def _hardtanh_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    x = xs[0]  # grad * (low < x < high)
    inside = _mask(e, h[0], f"({x} > {op.low!r}) & ({x} < {op.high!r})")
    return [e.call(h[0], "np.multiply", g, inside)]


@_forward(fused.Hardsigmoid)
def _hardsigmoid_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    z = e.call(hint, "np.add", xs[0], "3")  # (x + 3) / 6 clamped to [0, 1]
    e.into(z, "np.divide", z, "6")
    e.into(z, "np.clip", z, "0", "1")
    return z


@_backward(fused.Hardsigmoid)
def _hardsigmoid_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    x = xs[0]  # grad * (-3 < x < 3) / 6
    gx = e.call(h[0], "np.multiply", g, _mask(e, h[0], f"({x} > -3) & ({x} < 3)"))
    e.into(gx, "np.divide", gx, "6")
    return [gx]


def _clamped3(e: Emitter, hint: str, x: str) -> str:
    """x clamped to [-3, 3] by fmax and fmin (nan goes to -3), as Hardswish's rules do."""
    xc = e.call(hint + "_xc", "np.fmax", x, "-3")
    e.into(xc, "np.fmin", xc, "3")
    return xc


@_forward(fused.Hardswish)
def _hardswish_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    x = xs[0]  # xc (xc + 3) / 6 where -3 < x < 3, plus x where not x < 3
    xc = _clamped3(e, hint, x)
    z = e.call(hint, "np.add", xc, "3")
    e.into(z, "np.multiply", xc, z)
    e.into(z, "np.divide", z, "6")
    e.into(z, "np.multiply", z, _mask(e, hint + "_in", f"({x} > -3) & ({x} < 3)"))
    above = e.call(hint + "_above", "np.multiply", x, _mask(e, hint + "_up", f"~({x} < 3)"))
    e.into(z, "np.add", z, above)
    return z


@_backward(fused.Hardswish)
def _hardswish_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    x = xs[0]  # (g (xc + 3) + g xc) * (-3 < x < 3) + grad * (not x < 3), g = grad / 6
    g6 = e.call(h[0] + "_g", "np.divide", g, "6")
    xc = _clamped3(e, h[0], x)
    t = e.call(h[0], "np.add", xc, "3")
    e.into(t, "np.multiply", g6, t)
    u = e.call(h[0] + "_u", "np.multiply", g6, xc)
    e.into(t, "np.add", t, u)
    e.into(t, "np.multiply", t, _mask(e, h[0] + "_in", f"({x} > -3) & ({x} < 3)"))
    above = e.call(h[0] + "_above", "np.multiply", g, _mask(e, h[0] + "_up", f"~({x} < 3)"))
    e.into(t, "np.add", t, above)
    return [t]


@_forward(fused.Threshold)
def _threshold_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    value = e.const(np.asarray(op.value, np.asarray(vals[0]).dtype), "value")
    return e.let(hint, f"np.where({xs[0]} <= {op.threshold!r}, {value}, {xs[0]})")


@_backward(fused.Threshold)
def _threshold_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    above = _mask(e, h[0], f"~({xs[0]} <= {op.threshold!r})")
    return [e.call(h[0], "np.multiply", g, above)]


@_forward(fused.Hardshrink)
def _hardshrink_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    x, lambd = xs[0], op.lambd  # x * not (-lambd <= x <= lambd)
    outside = _mask(e, hint, f"~(({x} >= {-lambd!r}) & ({x} <= {lambd!r}))")
    return e.call(hint, "np.multiply", x, outside)


@_forward(fused.Softshrink)
def _softshrink_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    z = e.call(hint, "np.clip", xs[0], repr(-op.lambd), repr(op.lambd))  # x - clip(x)
    e.into(z, "np.subtract", xs[0], z)
    return z


@_backward(fused.Hardshrink, fused.Softshrink)
def _shrink_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    x, lambd = xs[0], op.lambd  # grad * (x > lambd or x < -lambd)
    outside = _mask(e, h[0], f"({x} > {lambd!r}) | ({x} < {-lambd!r})")
    return [e.call(h[0], "np.multiply", g, outside)]


@_forward(ops.Cast)
def _cast_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    z = e.alloc(hint, np.asarray(vals[0]).astype(op.dtype))
    e.copy(z, xs[0], cast=True)
    return z


@_forward(more_ops.Contiguous)
def _contiguous_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.let(hint, f"np.ascontiguousarray({xs[0]})")


@_backward(ops.Cast, ops.BroadcastTo, more_ops.Contiguous)
def _pass_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    return [g]  # the engine's sum_to and cast (done by the caller) are the whole rule


@_forward(ops.Where)
def _where_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    cond = e.const(op.cond, "cond")
    z = e.alloc(hint, np.where(op.cond, vals[0], vals[1]))
    e.stmt(f"np.copyto({z}, {xs[1]}); np.copyto({z}, {xs[0]}, where={cond})", z)
    return z


@_backward(ops.Where)
def _where_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    cond = e.const(op.cond, "cond")
    gx = e.call(h[0], "np.multiply", g, cond) if op.needs_grad(0) else None
    gy = e.call(h[1], "np.multiply", g, f"~{cond}") if op.needs_grad(1) else None
    return [gx, gy]


# ---------------------------------------------------------------------------------------------
# Reductions


def _axis_kw(op: Any) -> dict[str, str]:
    # ufunc.reduce, not np.sum/np.max: the same reduction without NumPy's Python wrapper
    axis = op.axis[0] if isinstance(op.axis, tuple) and len(op.axis) == 1 else op.axis
    kw = {"axis": _r(axis)}
    return {**kw, "keepdims": "True"} if op.keepdims else kw


@_forward(ops.Sum)
def _sum_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.add.reduce", xs[0], **_axis_kw(op))


@_forward(ops.Mean)
def _mean_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    x = np.asarray(vals[0])
    total = x.sum(axis=op.axis, keepdims=op.keepdims)
    n = x.size // max(np.size(total), 1) if x.size else 1
    z = e.call(hint, "np.add.reduce", xs[0], **_axis_kw(op))  # sum / n, as the op
    e.into(z, "np.divide", z, str(n))
    return z


def _spread(e: Emitter, op: Any, g: str, x_shape: tuple[int, ...], hint: str) -> str:
    """``broadcast_to(reshape(g, keepdims shape), x.shape)`` as a read-only view."""
    if op.axis is not None and not op.keepdims:
        g = e.let(hint + "_keep", f"{g}.reshape({_keep(x_shape, op.axis)!r})", g)
    return e.let(hint, f"np.broadcast_to({g}, {x_shape!r})", g)


@_backward(ops.Sum)
def _sum_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    return [_spread(e, op, g, np.shape(vals[0]), h[0])]


@_backward(ops.Mean)
def _mean_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    x = np.asarray(vals[0])
    n = x.size // max(np.size(e.env[out]), 1) if x.size else 1
    q = e.call(h[0] + "_n", "np.divide", g, str(n))
    return [_spread(e, op, q, x.shape, h[0])]


@_forward(ops.Max, ops.Min)
def _max_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    fn = "np.minimum.reduce" if isinstance(op, ops.Min) else "np.maximum.reduce"
    return e.call(hint, fn, xs[0], **_axis_kw(op))


@_backward(ops.Max, ops.Min)
def _max_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    x = xs[0]
    kshape = _keep(np.shape(vals[0]), op.axis)
    hit = e.let(h[0] + "_hit", f"{x} == np.asarray({out}).reshape({kshape!r})")
    share = e.let(h[0] + "_share", f"{hit} / {hit}.sum(axis={_r(op.axis)}, keepdims=True)")
    dt = np.asarray(vals[0]).dtype.name
    return [e.let(h[0], f"{g}.reshape({kshape!r}) * {share}.astype(np.{dt})")]


@_forward(more_ops.Cumsum)
def _cumsum_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.let(hint, f"np.cumsum({xs[0]}, axis={op.axis})")


@_backward(more_ops.Cumsum)
def _cumsum_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    flip = ":, " * op.axis + "::-1"  # a cumsum of grad from the end, as the rule
    return [e.let(h[0], f"np.cumsum({g}[{flip}], axis={op.axis})[{flip}]")]


@_forward(more_ops.Cumprod)
def _cumprod_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    dt = ", dtype=np.int64" if np.asarray(vals[0]).dtype.kind in "biu" else ""
    return e.let(hint, f"np.cumprod({xs[0]}, axis={op.axis}{dt})")


@_backward(more_ops.Cumprod)
def _cumprod_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    # (the rule itself, on arrays: its branches at zeros are decided per step)
    rule = _module(e, "more_ops", more_ops)
    return [e.let(h[0], f"{rule}.cumprod_grad({g}, {out}, {xs[0]}, {op.axis})")]


def _module(e: Emitter, name: str, module: Any) -> str:
    """A module of minigrad's whose array functions the step calls (rules with branches)."""
    if e.env.get(name) is not module:
        e.bind(name, module, stable=False)
    return name


@_forward(fused.LogSumExp)
def _lse_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    x, ax = xs[0], _r(op.axis)
    m = e.call(hint + "_max", "np.maximum.reduce", x, axis=ax, keepdims="True")
    m = e.let(hint + "_shift", f"np.where(np.isfinite({m}), {m}, 0)")
    s = e.let(hint + "_sum", f"np.log(np.exp({x} - {m}).sum(axis={ax}, keepdims=True)) + {m}")
    expr = s if op.keepdims else f"{s}.squeeze(axis={ax})"
    return e.let(hint, expr)


@_backward(fused.LogSumExp)
def _lse_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    k = _keep(np.shape(vals[0]), op.axis)
    return [e.let(h[0], f"{g}.reshape({k!r}) * np.exp({xs[0]} - {out}.reshape({k!r}))")]


# Elements under which a reduction along the last axis is one call, cheaper than a call per
# column (about 0.6 us a call, and 15-30 ns per element along a short inner axis).
_SMALL_REDUCE = 64


def _max_keep(e: Emitter, hint: str, x: str, axis: int) -> str:
    """max over ``axis`` with keepdims. Over the last axis of a batch of a few classes, as
    elementwise maxima of its columns: NumPy's reduction along a short inner axis costs about
    30 ns per element, ten times the elementwise one (and a maximum is exact in any order);
    one reduction still, for a small batch (up to ``_SMALL_REDUCE`` values)."""
    shape = np.shape(e.env[x])
    n = shape[-1] if shape else 0
    small = len(shape) == 2 and shape[0] * n <= _SMALL_REDUCE
    if len(shape) != 2 or axis not in (1, -1) or not 2 <= n <= 16 or small:
        return e.call(hint, "np.maximum.reduce", x, axis=repr(axis), keepdims="True")
    cols = [e.let(f"{x}_col{i}", f"{x}[:, {i}:{i + 1}]", x) for i in range(n)]
    m = e.call(hint, "np.maximum", cols[0], cols[1])
    for c in cols[2:]:
        e.into(m, "np.maximum", m, c)
    return m


def _sum_keep_into(e: Emitter, dest: str, x: str, axis: int) -> None:
    """``np.add.reduce(x, axis, keepdims=True, out=dest)``. Over the last axis of a batch of
    fewer than 8 classes and more than ``_SMALL_REDUCE`` values it runs as sums of columns,
    one after the other, which is the order NumPy adds fewer than 8 numbers in (kept only when
    it gives the reduction's bits on the traced values): two or three cheap calls instead of
    one slow reduction."""
    code = f"np.add.reduce({x}, axis={axis!r}, keepdims=True, out={dest})"
    xv = e.buffers.get(x)
    n = xv.shape[-1] if xv is not None and xv.ndim == 2 else 0
    small = xv is not None and xv.size <= _SMALL_REDUCE
    if axis not in (1, -1) or not 2 <= n < 8 or xv is None or not e.execute or small:
        e.into(dest, "np.add.reduce", x, axis=repr(axis), keepdims="True")
        return
    chained = xv[:, 0:1] + xv[:, 1:2]
    for i in range(2, n):
        chained += xv[:, i : i + 1]
    if not np.array_equal(chained, np.add.reduce(xv, axis=axis, keepdims=True), equal_nan=True):
        e.into(dest, "np.add.reduce", x, axis=repr(axis), keepdims="True")
        return
    cols = [
        e.memo.setdefault(("col", x, i), e.run_only(f"{x}_c{i}", xv[:, i : i + 1]))
        for i in range(n)
    ]
    add = e.alias("np.add")
    fast = [f"{add}({cols[0]}, {cols[1]}, out={dest})"]
    fast += [f"{add}({dest}, {c}, out={dest})" for c in cols[2:]]
    e.stmt(code, dest, "; ".join(fast))


@_forward(fused.LogSoftmax)
def _log_softmax_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    x = xs[0]
    # shifted - log(sum(exp(shifted))) with shifted = x - max(x), as the op
    m = _max_keep(e, hint + "_max", x, op.axis)
    s = e.call(hint + "_shifted", "np.subtract", x, m)
    ex = e.call(hint + "_exp", "np.exp", s)
    _sum_keep_into(e, m, ex, op.axis)
    e.into(m, "np.log", m)
    return e.call(hint, "np.subtract", s, m)


@_backward(fused.LogSoftmax)
def _log_softmax_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    onehot = e.aux.get(id(op))
    if onehot is not None and onehot["onehot"] == g:
        # grad is -c at (i, t_i) and 0 elsewhere (NLLLoss), so each row of grad sums to -c
        # exactly, and grad - exp(out) * (-c) is exp(out) * c, plus -c at (i, t_i): the same
        # bits in three operations instead of six.
        pos = e.call(h[0] + "_c", "np.negative", onehot["neg"])
        gx = e.call(h[0], "np.exp", out)
        e.into(gx, "np.multiply", gx, pos)
        code = f"{gx}[{onehot['rows']}, {onehot['labels']}] += {onehot['neg']}"
        flat = _flat_labels(e, gx, onehot["labels"]) if onehot["at"] else None
        if flat is None:
            e.stmt(code, gx)
        else:
            pos = _label_positions(e, gx, onehot["labels"])
            e.stmt(code, gx, f"{pos}{flat[0]}[{flat[1]}] += {onehot['neg']}")
        return [gx]
    ex = e.call(h[0] + "_softmax", "np.exp", out)  # grad - exp(out) * sum(grad)
    s = e.call(h[0] + "_sum", "np.add.reduce", g, axis=repr(op.axis), keepdims="True")
    e.into(ex, "np.multiply", ex, s)
    return [e.call(h[0], "np.subtract", g, ex)]


@_forward(fused.Softmax)
def _softmax_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    x = xs[0]
    m = _max_keep(e, hint + "_max", x, op.axis)
    ex = e.call(hint + "_exp", "np.subtract", x, m)
    e.into(ex, "np.exp", ex)
    _sum_keep_into(e, m, ex, op.axis)
    return e.call(hint, "np.divide", ex, m)


@_backward(fused.Softmax)
def _softmax_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    t = e.call(h[0] + "_go", "np.multiply", g, out)  # out * (grad - sum(grad * out))
    s = e.call(h[0] + "_sum", "np.add.reduce", t, axis=repr(op.axis), keepdims="True")
    e.into(t, "np.subtract", g, s)
    return [e.call(h[0], "np.multiply", out, t)]


def _flat_labels(e: Emitter, x: str, t: str) -> tuple[str, str] | None:
    """For ``x[rows, t]`` on an (N, C) buffer: ``x`` as a flat view and, in a buffer of the
    step, the positions ``rows * C + t`` (computed by the statement the first use runs, see
    ``_label_positions``), so picking and scattering by label index one axis, a tenth of the
    cost of indexing two. None when ``x`` is not a C-ordered buffer of the step."""
    xv, tv = e.env.get(x), e.env.get(t)
    if not (isinstance(xv, np.ndarray) and xv.ndim == 2 and xv.flags.c_contiguous):
        return None
    if x not in e.buffers or not isinstance(tv, np.ndarray) or tv.ndim != 1:
        return None
    if tv.dtype.kind not in "iu" or np.result_type(tv.dtype, np.intp) != np.intp:
        return None
    key = ("labels", t, xv.shape)
    if key not in e.memo:
        starts = np.arange(len(tv), dtype=np.intp) * xv.shape[1]
        idx = e.run_only(f"{t}_at", starts + tv)
        if t in e.consts:  # constant labels: the positions are constant too
            e.memo[key] = (idx, "")
        else:
            s = e.run_only("row_starts", starts)
            e.memo[key] = (idx, f"{e.alias('np.add')}({t}, {s}, out={idx}); ")
    flat = e.memo.setdefault(("flat", x), e.run_only(f"{x}_flat", xv.reshape(-1)))
    return flat, e.memo[key][0]


def _label_positions(e: Emitter, x: str, t: str) -> str:
    """The statement that fills the label positions, the first time they are needed."""
    key = ("labels", t, np.shape(e.env[x]))
    idx, stmt = e.memo[key]
    e.memo[key] = (idx, "")
    return stmt


@_forward(fused.NLLLoss)
def _nll_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    t = e.env["_target_of"](op)  # the labels: an input of the step, or a constant
    n = len(op.target)
    rows = e.const(np.arange(n), "rows")
    flat = _flat_labels(e, xs[0], t)
    if flat is None:
        picked = e.call(hint + "_picked", "np.negative", f"{xs[0]}[{rows}, {t}]")
    else:
        picked = e.alloc(hint + "_picked", -np.asarray(vals[0])[np.arange(n), op.target])
        pos, negative = _label_positions(e, xs[0], t), e.alias("np.negative")
        code = f"np.negative({xs[0]}[{rows}, {t}], out={picked})"
        if op.reduction == "mean" and n:
            # -sum(picked) / n runs as sum(picked) / -n: a sum of negated numbers is the
            # negated sum, bit for bit (rounding is symmetric), and so is the quotient; one
            # call less, the picked values summed where they are gathered
            z = e.alloc(hint, np.add.reduce(e.env[picked], axis=None))
            e.stmt(code, picked, pos.removesuffix("; "))
            reduce, divide = e.alias("np.add.reduce"), e.alias("np.divide")
            e.stmt(
                f"np.add.reduce({picked}, axis=None, out={z})",
                z,
                f"{reduce}({flat[0]}[{flat[1]}], axis=None, out={z})",
            )
            minus_n = e._operands((z, str(-n)))[1]
            e.stmt(
                f"np.divide({z}, {e._operands((z, str(n)))[1]}, out={z})",
                z,
                f"{divide}({z}, {minus_n}, out={z})",
            )
            return z
        e.stmt(code, picked, f"{pos}{negative}({flat[0]}[{flat[1]}], out={picked})")
    if op.reduction == "none":
        return picked
    z = e.call(hint, "np.add.reduce", picked, axis="None")
    if op.reduction == "mean":
        e.into(z, "np.divide", z, str(max(n, 1)))
    return z


@_backward(fused.NLLLoss)
def _nll_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    t = e.env["_target_of"](op)
    n = len(op.target)
    rows = e.const(np.arange(n), "rows")
    if op.reduction == "mean":
        g = e.call(h[0] + "_n", "np.divide", g, str(n))
    neg = e.call(h[0] + "_neg", "np.negative", g)
    gx = e.alloc(h[0], np.asarray(vals[0]))  # -grad at (i, t_i), zero elsewhere
    code = f"{gx}.fill(0); {gx}[{rows}, {t}] = {neg}"
    flat = _flat_labels(e, gx, t)
    src = op.edges[0]
    if (
        isinstance(src, fused.LogSoftmax)
        and src.axis in (1, -1)
        and np.ndim(vals[0]) == 2
        and np.ndim(e.env[neg]) == 0
        and e.consumers.get(id(src)) == 1
    ):
        # cross-entropy: the log-softmax below takes this gradient as (value, rows, labels)
        # and needs no dense array (see _log_softmax_bwd); it is made here only to be checked.
        e.shadow(code)
        at = None if flat is None else flat[1]
        e.aux[id(src)] = {"onehot": gx, "neg": neg, "rows": rows, "labels": t, "at": at or ""}
    elif flat is None:
        e.stmt(code, gx)
    else:
        pos = _label_positions(e, gx, t)
        e.stmt(code, gx, f"{pos}{gx}.fill(0); {flat[0]}[{flat[1]}] = {neg}")
    return [gx]


@_forward(fused.CrossEntropyLoss)
def _cross_entropy_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    x, t = xs[0], e.env["_target_of"](op)
    rows = e.const(np.arange(len(op.target)), "rows")
    # as the op: log s - shifted[i, t_i] with shifted = x - max(x), s = sum(exp(shifted));
    # exp(shifted) / s, the softmax, is kept for the backward
    m = _max_keep(e, hint + "_max", x, 1)
    shifted = e.call(hint + "_shifted", "np.subtract", x, m)
    prob = e.call(hint + "_prob", "np.exp", shifted)
    _sum_keep_into(e, m, prob, 1)
    logsum = e.call(hint + "_logsum", "np.log", e.let(hint + "_sum", f"{m}[:, 0]", m))
    losses = hint if op.reduction == "none" else hint + "_losses"
    losses = e.alloc(losses, np.asarray(vals[0])[:, 0])
    code = f"np.subtract({logsum}, {shifted}[{rows}, {t}], out={losses})"
    flat = _flat_labels(e, shifted, t)
    if flat is None:
        e.stmt(code, losses)
    else:
        pos, subtract = _label_positions(e, shifted, t), e.alias("np.subtract")
        e.stmt(code, losses, f"{pos}{subtract}({logsum}, {flat[0]}[{flat[1]}], out={losses})")
    e.into(prob, "np.divide", prob, m)
    e.aux[id(op)] = {"prob": prob}
    if op.reduction == "none":
        return losses
    z = e.call(hint, "np.add.reduce", losses, axis="None")
    if op.reduction == "mean":
        e.into(z, "np.divide", z, str(max(len(op.target), 1)))
    return z


@_backward(fused.CrossEntropyLoss)
def _cross_entropy_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    t, n = e.env["_target_of"](op), len(op.target)
    rows = e.const(np.arange(n), "rows")
    prob = e.aux[id(op)]["prob"]  # (softmax - onehot) grad / n, as written by hand
    if op.reduction == "mean":
        g = e.call(h[0] + "_n", "np.divide", g, str(n))
    scale = e.let(h[0] + "_col", f"{g}.reshape(({n}, 1))", g) if op.reduction == "none" else g
    gx = e.call(h[0], "np.multiply", prob, scale)
    code = f"{gx}[{rows}, {t}] -= {g}"
    flat = _flat_labels(e, gx, t)
    if flat is None:
        e.stmt(code, gx)
    else:
        e.stmt(code, gx, f"{_label_positions(e, gx, t)}{flat[0]}[{flat[1]}] -= {g}")
    return [gx]


@_forward(fused.MSELoss)
def _mse_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    # (x - y)^2 as the op; the difference keeps a buffer of its own, which the backward reads
    # instead of subtracting again (the same values)
    d = e.call(hint + "_diff", "np.subtract", xs[0], xs[1])
    e.aux[id(op)] = {"diff": d}
    sq = e.call(hint + "_sq" if op.reduction != "none" else hint, "np.multiply", d, d)
    if op.reduction == "none":
        return sq
    z = e.call(hint, "np.add.reduce", sq, axis="None")
    if op.reduction == "mean":
        e.into(z, "np.divide", z, str(np.size(e.env[d])))
    return z


@_backward(fused.MSELoss)
def _mse_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    d = e.aux.get(id(op), {}).get("diff")  # 2 (x - y) grad / n
    if d is None:
        d = e.call(h[0] + "_diff", "np.subtract", xs[0], xs[1])
    if op.reduction == "mean":
        scale = e.call(h[0] + "_scale", "np.multiply", g, repr(2 / max(np.size(e.env[d]), 1)))
    else:
        scale = e.call(h[0] + "_scale", "np.add", g, g)
    gx = e.call(h[0], "np.multiply", d, scale)
    gy = e.call(h[1], "np.negative", gx) if op.needs_grad(1) else None
    return [gx if op.needs_grad(0) else None, gy]


@_forward(fused.BinaryCrossEntropy)
def _bce_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    p, y = xs  # -(y max(log p, -100) + (1 - y) max(log(1 - p), -100)), as the op
    log_p = e.call(hint + "_logp", "np.log", p)
    e.into(log_p, "np.maximum", log_p, repr(fused._BCE_LOG_CLAMP))
    log_q = e.call(hint + "_logq", "np.subtract", "1", p)
    e.into(log_q, "np.log", log_q)
    e.into(log_q, "np.maximum", log_q, repr(fused._BCE_LOG_CLAMP))
    e.into(log_p, "np.multiply", y, log_p)
    not_y = e.call(hint + "_noty", "np.subtract", "1", y)
    e.into(log_q, "np.multiply", not_y, log_q)
    z = e.call(hint, "np.add", log_p, log_q)
    e.into(z, "np.negative", z)
    return z


@_backward(fused.BinaryCrossEntropy)
def _bce_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    p, y = xs
    gp = gy = None
    if op.needs_grad(0):  # grad (p - y) / max(p (1 - p), eps)
        var = e.call(h[0] + "_var", "np.subtract", "1", p)
        e.into(var, "np.multiply", p, var)
        e.into(var, "np.maximum", var, repr(fused._BCE_EPS))
        gp = e.call(h[0], "np.subtract", p, y)
        e.into(gp, "np.multiply", g, gp)
        e.into(gp, "np.divide", gp, var)
    if op.needs_grad(1):  # grad (log(1 - p) - log p)
        gy = e.call(h[1], "np.subtract", "1", p)
        e.into(gy, "np.log", gy)
        log_p = e.call(h[1] + "_logp", "np.log", p)
        e.into(gy, "np.subtract", gy, log_p)
        e.into(gy, "np.multiply", g, gy)
    return [gp, gy]


@_forward(fused.Normalize)
def _normalize_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    x, axes = xs[0], _r(op.axes)
    n = 1
    for a in op.axes:
        n *= np.shape(vals[0])[a]
    mean = e.call(hint + "_mean", "np.add.reduce", x, axis=axes, keepdims="True")  # as the op
    e.into(mean, "np.divide", mean, str(n))
    xhat = e.call(hint + "_xhat", "np.subtract", x, mean)
    sq = e.call(hint + "_sq", "np.multiply", xhat, xhat)
    var = e.call(hint + "_var", "np.add.reduce", sq, axis=axes, keepdims="True")
    e.into(var, "np.divide", var, str(n))
    inv = e.call(hint + "_inv", "np.add", var, repr(op.eps))
    e.into(inv, "np.sqrt", inv)
    e.into(inv, "np.divide", "1", inv)
    e.into(xhat, "np.multiply", xhat, inv)
    e.aux[id(op)] = {"xhat": xhat, "inv": inv, "n": str(n)}
    if len(xs) > 1 and xs[1] != "None":
        z = e.call(hint, "np.multiply", xhat, f"{xs[1]}.reshape({op.wshape!r})")
    else:
        z = e.alloc(hint, e.env[xhat])
        e.copy(z, xhat)
    if len(xs) > 2 and xs[2] != "None":
        e.into(z, "np.add", z, f"{xs[2]}.reshape({op.wshape!r})")
    return z


@_backward(fused.Normalize)
def _normalize_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    aux = e.aux[id(op)]
    xhat, inv, n, axes = aux["xhat"], aux["inv"], aux["n"], _r(op.axes)
    has_w = len(xs) > 1 and xs[1] != "None"
    gw_ = e.call(h[0] + "_gw", "np.multiply", g, f"{xs[1]}.reshape({op.wshape!r})") if has_w else g
    gx = None
    if op.needs_grad(0):  # inv * (g - sum(g)/n - xhat * (sum(g * xhat)/n))
        s1 = e.call(h[0] + "_s1", "np.add.reduce", gw_, axis=axes, keepdims="True")
        e.into(s1, "np.divide", s1, n)
        t = e.call(h[0] + "_t", "np.subtract", gw_, s1)
        p = e.call(h[0] + "_p", "np.multiply", gw_, xhat)
        s2 = e.call(h[0] + "_s2", "np.add.reduce", p, axis=axes, keepdims="True")
        e.into(s2, "np.divide", s2, n)
        q = e.call(h[0] + "_q", "np.multiply", xhat, s2)
        e.into(t, "np.subtract", t, q)
        gx = e.call(h[0], "np.multiply", inv, t)
    grads: list[str | None] = [gx]
    waxes = _r(op.waxes)
    if has_w:
        gw = None
        if op.needs_grad(1):
            e.split("Normalize backward: dw = sum(grad * xhat)")
            p = e.call(h[1] + "_p", "np.multiply", g, xhat)
            s = e.call(h[1] + "_sum", "np.add.reduce", p, axis=waxes, keepdims="True")
            gw = e.let(h[1], f"{s}.reshape({np.shape(vals[1])!r})", s)
        grads.append(gw)
    if len(xs) > 2 and xs[2] != "None":
        gb = None
        if op.needs_grad(len(grads)):
            e.split("Normalize backward: db = sum(grad)")
            s = e.call(h[2] + "_sum", "np.add.reduce", g, axis=waxes, keepdims="True")
            gb = e.let(h[2], f"{s}.reshape({np.shape(vals[2])!r})", s)
        grads.append(gb)
    return grads


# ---------------------------------------------------------------------------------------------
# Linear algebra


def _transposed(e: Emitter, name: str) -> str:
    """``name`` with its last two axes swapped: a view made once when ``name`` never changes."""
    value = e.env[name]
    expr = f"{name}.T" if np.ndim(value) == 2 else f"{name}.swapaxes(-1, -2)"
    if name not in e.stable:
        return expr
    return e.let(f"{name}_T", expr, name)


@_forward(ops.MatMul)
def _matmul_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.matmul", xs[0], xs[1])


@_backward(ops.MatMul)
def _matmul_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    x, y = xs
    xn, yn = np.ndim(vals[0]), np.ndim(vals[1])
    if xn == 1 and yn == 1:
        gx = e.call(h[0], "np.multiply", g, y) if op.needs_grad(0) else None
        gy = e.call(h[1], "np.multiply", g, x) if op.needs_grad(1) else None
        return [gx, gy]
    if xn == 1:
        x = e.let("x_row", f"{x}.reshape(1, -1)", x)
        g = e.let(h[0] + "_row", f"{g}.reshape({g}.shape[:-1] + (1, {g}.shape[-1]))", g)
    if yn == 1:
        y = e.let("y_col", f"{y}.reshape(-1, 1)", y)
        g = e.let(h[1] + "_col", f"{g}.reshape({g}.shape + (1,))", g)
    gx = gy = None
    if op.needs_grad(0):
        gx = e.call(h[0], "np.matmul", g, _transposed(e, y))
    if op.needs_grad(1):
        gy = e.call(h[1], "np.matmul", _transposed(e, x), g)
    if xn == 1 and gx is not None:
        gx = e.let(h[0] + "_flat", f"{gx}.reshape({gx}.shape[:-2] + ({gx}.shape[-1],))", gx)
    if yn == 1 and gy is not None:
        gy = e.let(h[1] + "_flat", f"{gy}.reshape({gy}.shape[:-1])", gy)
    return [gx, gy]


@_forward(fused.Linear)
def _linear_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    z = e.call(hint, "np.matmul", xs[0], _transposed(e, xs[1]))  # x @ W.T, += b, as the op
    if len(xs) > 2:
        e.into(z, "np.add", z, xs[2])
    return z


@_backward(fused.Linear)
def _linear_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    x, w = xs[0], xs[1]
    gx = e.call(h[0], "np.matmul", g, w) if op.needs_grad(0) else None
    gw = None
    if op.needs_grad(1):
        e.split("Linear backward: dw = grad^T @ x, as (x^T @ grad)^T")
        gg, xx = g, x
        if np.ndim(vals[0]) != 2:  # every leading index is a sample
            rows, cols = np.shape(vals[1])
            gg = e.let(h[1] + "_g2", f"{g}.reshape(-1, {rows})", g)
            xx = e.let(h[1] + "_x2", f"{x}.reshape(-1, {cols})", x)
        # As the op: x^T @ grad into a C-ordered (in, out) buffer, which is dw (out, in) in
        # Fortran order, the layout of nn.Linear's weight.
        dt = np.result_type(e.env[xx], e.env[gg])
        gw = e.alloc(h[1], np.empty(np.shape(vals[1]), dtype=dt, order="F"))
        xt, gwt = _transposed(e, xx), _transposed(e, gw)
        e.stmt(f"np.matmul({xt}, {gg}, out={gwt})", gw, e.fast_call("np.matmul", [xt, gg], {}, gwt))
    return [gx, gw] if len(xs) == 2 else [gx, gw, g]


# ---------------------------------------------------------------------------------------------
# Shape and indexing


@_forward(ops.Reshape)
def _reshape_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.let(hint, f"{xs[0]}.reshape({op.shape!r})", xs[0])


@_backward(ops.Reshape)
def _reshape_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    return [e.let(h[0], f"{g}.reshape({np.shape(vals[0])!r})", g)]


@_forward(ops.Permute)
def _permute_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.let(hint, f"{xs[0]}.transpose({op.axes!r})", xs[0])


@_backward(ops.Permute)
def _permute_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    inverse = tuple(sorted(range(len(op.axes)), key=op.axes.__getitem__))
    return [e.let(h[0], f"{g}.transpose({inverse!r})", g)]


@_forward(ops.BroadcastTo)
def _broadcast_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.let(hint, f"np.broadcast_to({xs[0]}, {op.shape!r})", xs[0])


@_forward(ops.GetItem)
def _getitem_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.let(hint, f"{xs[0]}[{_index(e, op.index)}]", xs[0])


def _scatter(e: Emitter, hint: str, src: str, index: Any, shape: tuple[int, ...], like: Any) -> str:
    z = e.alloc(hint, np.zeros(shape, dtype=np.result_type(like)))
    idx = _index(e, index)
    if ops._has_advanced(index):  # repeated indices add up
        e.stmt(f"{z}.fill(0); np.add.at({z}, {idx}, {src})", z)
    else:
        e.stmt(f"{z}.fill(0); {z}[{idx}] = {src}", z)
    return z


@_backward(ops.GetItem)
def _getitem_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    return [_scatter(e, h[0], g, op.index, np.shape(vals[0]), e.env[g])]


@_forward(ops.ScatterAdd)
def _scatter_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return _scatter(e, hint, xs[0], op.index, op.shape, vals[0])


@_backward(ops.ScatterAdd)
def _scatter_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    return [e.let(h[0], f"{g}[{_index(e, op.index)}]", g)]


@_forward(ops.Concat)
def _concat_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.call(hint, "np.concatenate", f"({', '.join(xs)},)", axis=repr(op.axis))


@_backward(ops.Concat)
def _concat_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    ndim = np.ndim(e.env[g])
    axis = op.axis % ndim
    grads: list[str | None] = []
    start = 0
    for i, v in enumerate(vals):
        stop = start + np.shape(v)[axis]
        index = (slice(None),) * axis + (slice(start, stop),)
        grads.append(e.let(h[i], f"{g}[{_r(index)}]", g) if op.needs_grad(i) else None)
        start = stop
    return grads


@_forward(more_ops.Einsum)
def _einsum_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    spec = ",".join(op.ins) + "->" + op.output
    return e.let(hint, f"np.einsum({spec!r}, {', '.join(xs)})")


@_backward(more_ops.Einsum)
def _einsum_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    grads: list[str | None] = []
    for i, sub in enumerate(op.ins):
        if not op.needs_grad(i):
            grads.append(None)
            continue
        spec, target, seen = op.grad_spec(i)
        args = ", ".join([g, *(x for j, x in enumerate(xs) if j != i)])
        gi = e.let(h[i], f"np.einsum({spec!r}, {args})")
        if target != sub:  # letters only this operand has: the same gradient along them
            shape = np.shape(vals[i])
            kept = tuple(n if c in seen else 1 for c, n in zip(sub, shape))
            gi = e.let(h[i] + "_spread", f"np.broadcast_to({gi}.reshape({kept!r}), {shape!r})")
        grads.append(gi)
    return grads


@_forward(more_ops.Norm2)
def _norm2_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    x = xs[0]
    return e.let(hint, f"np.sqrt(({x} * {x}).sum(axis={_r(op.axis)}, keepdims={op.keepdims}))")


@_backward(more_ops.Norm2)
def _norm2_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    k = _keep(np.shape(vals[0]), op.axis)
    dt = np.asarray(vals[0]).dtype.name
    zero = e.let(h[0] + "_zero", f"np.asarray({out} == 0).reshape({k!r})")
    safe = e.let(h[0] + "_safe", f"{out}.reshape({k!r}) + {zero}.astype(np.{dt})")
    return [e.let(h[0], f"{g}.reshape({k!r}) * {xs[0]} / {safe}")]


# ---------------------------------------------------------------------------------------------
# Linear algebra (linalg_ops.py): NumPy's LAPACK calls, as the ops' forwards and rules make them


@_forward(linalg_ops.Inverse)
def _inverse_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.let(hint, f"{_module(e, 'linalg_ops', linalg_ops)}.inv_array({xs[0]})")


@_backward(linalg_ops.Inverse)
def _inverse_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    zt = e.let(h[0] + "_zt", f"{out}.swapaxes(-1, -2)")
    return [e.let(h[0], f"-({zt} @ {g} @ {zt})")]


@_forward(linalg_ops.Det)
def _det_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.let(hint, f"np.asarray(np.linalg.det({xs[0]}))")


@_backward(linalg_ops.Det)
def _det_bwd(e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]) -> Any:
    rule = _module(e, "linalg_ops", linalg_ops)  # (the cofactors where det is 0, per step)
    return [e.let(h[0], f"{rule}.det_grad_array({g}, {out}, {xs[0]})")]


@_forward(linalg_ops.LogAbsDet)
def _logabsdet_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.let(hint, f"np.asarray(np.linalg.slogdet({xs[0]})[1])")


@_backward(linalg_ops.LogAbsDet)
def _logabsdet_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    inv = f"{_module(e, 'linalg_ops', linalg_ops)}.inv_array({xs[0]})"
    return [e.let(h[0], f"np.asarray({g})[..., None, None] * {inv}.swapaxes(-1, -2)")]


@_forward(linalg_ops.Solve)
def _solve_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.let(hint, f"{_module(e, 'linalg_ops', linalg_ops)}.solve_array({xs[0]}, {xs[1]})")


@_backward(linalg_ops.Solve)
def _solve_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    rule = _module(e, "linalg_ops", linalg_ops)
    gy = e.let(h[1], f"{rule}.solve_array({xs[0]}.swapaxes(-1, -2), {g})")
    gx = e.let(h[0], f"-({gy} @ {out}.swapaxes(-1, -2))") if op.needs_grad(0) else None
    return [gx, gy if op.needs_grad(1) else None]


@_forward(linalg_lu.LUFactor)
def _lu_factor_fwd(e: Emitter, op: Any, hint: str, xs: list[str], vals: Any) -> str:
    return e.let(hint, f"{_module(e, 'linalg_lu', linalg_lu)}.lu_factor_array({xs[0]})[0]")


@_backward(linalg_lu.LUFactor)
def _lu_factor_bwd(
    e: Emitter, op: Any, g: str, out: str, xs: list[str], vals: Any, h: list[str]
) -> Any:
    rule = _module(e, "linalg_lu", linalg_lu)  # (the pivots found again from the input)
    return [e.let(h[0], f"{rule}.lu_grad_array({g}, {out}, {xs[0]})")]
