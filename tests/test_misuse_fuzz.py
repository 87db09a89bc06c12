"""A differential misuse fuzzer: the same call, right or wrong, on minigrad and on PyTorch.

Cases come from a seeded generator over families of public functions (elementwise, reductions,
indexing, shape ops, products, losses, convolution and pooling, embedding, creation, optimizer
constructors, ``load_state_dict``) crossed with the misuses users make: dims out of range,
float or bool where an index is needed, mismatched shapes, empty tensors, negative or
wrong-length sizes, labels out of range. Where PyTorch raises, minigrad must raise the same
built-in exception type; where PyTorch answers, minigrad must give the same values, shape and
dtype. A silent answer where PyTorch refuses is the worst bug a framework can have: it trains.

Run the whole fuzz outside pytest, printing every mismatch by kind::

    python tests/test_misuse_fuzz.py
"""

from __future__ import annotations

import math
import random
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as mnn
import minigrad.nn.functional as MF

SEED = 20261205


@dataclass(frozen=True)
class Case:
    """One call written once for both libraries: ``call(L)`` gets ``L.t`` (minigrad or torch),
    ``L.F``, ``L.nn``, ``L.optim`` and ``L.T`` (a NumPy array to that library's tensor).
    ``values=False`` compares only shapes and dtypes (random results)."""

    name: str
    call: Callable[[Any], Any]
    values: bool = True


def _library(t: Any) -> Any:
    return SimpleNamespace(
        t=t,
        F=t.nn.functional,
        nn=t.nn,
        optim=t.optim,
        T=lambda a, **kw: t.tensor(np.array(a), **kw),
    )


MG = _library(mg)
assert MG.F is MF and MG.nn is mnn


# ---------------------------------------------------------------------------------------------
# Inputs: seeded arrays, the same for both libraries


def _rng(kind: str, shape: tuple[int, ...]) -> np.random.Generator:
    """Arrays are a function of their kind and shape alone, so a case may draw its inputs when
    it runs (once per library) and both libraries still see the same numbers."""
    return np.random.default_rng([SEED, ord(kind), len(shape), *shape])


def _f(*shape: int) -> np.ndarray:
    return _rng("f", shape).standard_normal(shape)


def _i(*shape: int, lo: int = 0, hi: int = 3) -> np.ndarray:
    return _rng("i", shape).integers(lo, hi, shape).astype(np.int64)


def _b(*shape: int) -> np.ndarray:
    return _rng("b", shape).random(shape) > 0.5


def _p(*shape: int) -> np.ndarray:
    """Probabilities strictly inside (0, 1)."""
    return _rng("p", shape).uniform(0.05, 0.95, shape)


def _of(kind: str, shape: tuple[int, ...]) -> np.ndarray:
    return {"f": _f, "i": lambda *s: _i(*s, lo=1, hi=5), "b": _b}[kind](*shape)


# ---------------------------------------------------------------------------------------------
# Families of cases


def _dims(rng: random.Random, nd: int) -> list[Any]:
    """Dims to try on a tensor of ``nd`` dims: valid ones, both out-of-range edges, far out,
    a float and a bool."""
    pool: list[Any] = [0, -1, nd, -nd - 1, nd + 3, 1.0, True]
    return sorted(set(rng.sample(pool, 5)), key=repr) if nd else [0, -1, 1, -2, 1.0]


SHAPES = [(2, 3), (2, 3, 4), (3,), (), (0, 3)]

REDUCE_KEEP: dict[str, Callable[[Any, Any, Any, bool], Any]] = {
    "sum": lambda L, x, d, k: x.sum(d, keepdim=k),
    "mean": lambda L, x, d, k: x.mean(d, keepdim=k),
    "prod": lambda L, x, d, k: x.prod(d, keepdim=k),
    "amax": lambda L, x, d, k: x.amax(d, keepdim=k),
    "amin": lambda L, x, d, k: x.amin(d, keepdim=k),
    "max": lambda L, x, d, k: x.max(d, keepdim=k),
    "min": lambda L, x, d, k: x.min(d, keepdim=k),
    "argmax": lambda L, x, d, k: x.argmax(d, keepdim=k),
    "argmin": lambda L, x, d, k: x.argmin(d, keepdim=k),
    "logsumexp": lambda L, x, d, k: x.logsumexp(d, keepdim=k),
    "std": lambda L, x, d, k: x.std(d, keepdim=k),
    "var": lambda L, x, d, k: x.var(d, keepdim=k),
    "nansum": lambda L, x, d, k: L.t.nansum(x, d, keepdim=k),
    "norm": lambda L, x, d, k: x.norm(2, d, keepdim=k),
    "median": lambda L, x, d, k: x.median(d, keepdim=k),
    "all": lambda L, x, d, k: (x > 0).all(d, keepdim=k),
    "any": lambda L, x, d, k: (x > 0).any(d, keepdim=k),
    "cummax": lambda L, x, d, k: x.cummax(d),
}

ONE_DIM: dict[str, Callable[[Any, Any, Any], Any]] = {
    "cumsum": lambda L, x, d: x.cumsum(d),
    "cumprod": lambda L, x, d: x.cumprod(d),
    "softmax": lambda L, x, d: x.softmax(d),
    "log_softmax": lambda L, x, d: x.log_softmax(d),
    "F.softmax": lambda L, x, d: L.F.softmax(x, dim=d),
    "F.log_softmax": lambda L, x, d: L.F.log_softmax(x, dim=d),
    "F.softmin": lambda L, x, d: L.F.softmin(x, dim=d),
    "F.normalize": lambda L, x, d: L.F.normalize(x, dim=d),
    "squeeze": lambda L, x, d: x.squeeze(d),
    "unsqueeze": lambda L, x, d: x.unsqueeze(d),
    "flatten": lambda L, x, d: x.flatten(d),
    "flip": lambda L, x, d: x.flip([d]),
    "roll": lambda L, x, d: x.roll(1, d),
    "unbind": lambda L, x, d: x.unbind(d),
    "chunk": lambda L, x, d: x.chunk(2, d),
    "split": lambda L, x, d: x.split(1, d),
    "select": lambda L, x, d: x.select(d, 0),
    "narrow": lambda L, x, d: x.narrow(d, 0, 1),
    "sort": lambda L, x, d: x.sort(d),
    "argsort": lambda L, x, d: x.argsort(d),
    "topk": lambda L, x, d: x.topk(1, d),
    "movedim": lambda L, x, d: x.movedim(d, 0),
    "transpose": lambda L, x, d: x.transpose(d, 0),
    "count_nonzero": lambda L, x, d: x.count_nonzero(d),
    "diff": lambda L, x, d: x.diff(dim=d),
    "index_select": lambda L, x, d: x.index_select(d, L.T([0])),
    "repeat_interleave": lambda L, x, d: x.repeat_interleave(2, dim=d),
}


def dim_cases(rng: random.Random) -> Iterator[Case]:
    for shape in SHAPES:
        a = _f(*shape)
        for name, fn in REDUCE_KEEP.items():
            for d in _dims(rng, len(shape)):
                for k in (False, True):
                    yield Case(f"{name}{shape}dim={d!r},keepdim={k}", _bind_dk(fn, a, d, k))
            yield Case(f"{name}{shape}", _bind_whole(name, a))
        for name, gn in ONE_DIM.items():
            for d in _dims(rng, len(shape)):
                yield Case(f"{name}{shape}dim={d!r}", _bind_d(gn, a, d))


def _bind_dk(fn: Any, a: np.ndarray, d: Any, k: bool) -> Callable[[Any], Any]:
    return lambda L: fn(L, L.T(a), d, k)


def _bind_d(fn: Any, a: np.ndarray, d: Any) -> Callable[[Any], Any]:
    return lambda L: fn(L, L.T(a), d)


WHOLE = {"norm": "norm", "all": "all", "any": "any"}


def _bind_whole(name: str, a: np.ndarray) -> Callable[[Any], Any]:
    """The reduction over every element (no dim)."""
    if name in ("all", "any"):
        return lambda L: getattr(L.T(a) > 0, name)()
    if name == "cummax":
        return lambda L: L.T(a).cummax(0)
    if name == "nansum":
        return lambda L: L.t.nansum(L.T(a))
    return lambda L: getattr(L.T(a), name)()


BINARY: dict[str, Callable[[Any, Any, Any], Any]] = {
    "add": lambda L, a, b: a + b,
    "sub": lambda L, a, b: a - b,
    "mul": lambda L, a, b: a * b,
    "div": lambda L, a, b: a / b,
    "floor_divide": lambda L, a, b: a // b,
    "remainder": lambda L, a, b: a % b,
    "fmod": lambda L, a, b: L.t.fmod(a, b),
    "pow": lambda L, a, b: a**b,
    "maximum": lambda L, a, b: L.t.maximum(a, b),
    "minimum": lambda L, a, b: L.t.minimum(a, b),
    "fmax": lambda L, a, b: L.t.fmax(a, b),
    "atan2": lambda L, a, b: L.t.atan2(a, b),
    "hypot": lambda L, a, b: L.t.hypot(a, b),
    "copysign": lambda L, a, b: L.t.copysign(a, b),
    "eq": lambda L, a, b: a == b,
    "lt": lambda L, a, b: a < b,
    "ge": lambda L, a, b: a >= b,
    "logical_and": lambda L, a, b: L.t.logical_and(a, b),
    "logical_xor": lambda L, a, b: L.t.logical_xor(a, b),
    "bitwise_and": lambda L, a, b: a & b,
    "bitwise_or": lambda L, a, b: a | b,
    "bitwise_xor": lambda L, a, b: a ^ b,
    "lshift": lambda L, a, b: a << b,
    "add_alpha": lambda L, a, b: L.t.add(a, b, alpha=2),
    "sub_alpha": lambda L, a, b: L.t.sub(a, b, alpha=2),
    "where": lambda L, a, b: L.t.where(a > 0 if a.dtype != L.t.bool else a, a, b),
    "masked_fill": lambda L, a, b: a.masked_fill(b > 0 if b.dtype != L.t.bool else b, 0),
    "lerp": lambda L, a, b: L.t.lerp(a, b, 0.5),
    "clamp_min": lambda L, a, b: L.t.clamp(a, min=b),
    "isclose": lambda L, a, b: L.t.isclose(a, b),
    "dist": lambda L, a, b: L.t.dist(a, b),
    "iadd": lambda L, a, b: a.__iadd__(b),
    "imul": lambda L, a, b: a.__imul__(b),
    "idiv": lambda L, a, b: a.__itruediv__(b),
}

SHAPE_PAIRS = [
    ((2, 3), (3,)),
    ((2, 3), (2, 1)),
    ((2, 3), (4,)),
    ((2, 3), (3, 2)),
    ((0, 3), (1, 3)),
    ((0, 3), (2, 3)),
    ((), (2, 3)),
    ((3,), (2, 3)),
]
DTYPE_PAIRS = ["ff", "fi", "if", "ii", "bb", "ib", "bf", "fb"]


def binary_cases(rng: random.Random) -> Iterator[Case]:
    for name, fn in BINARY.items():
        for kinds in DTYPE_PAIRS:
            shapes = ((2, 3), (3,))
            yield _binary(name, fn, kinds, shapes)
        for shapes in SHAPE_PAIRS[1:]:
            yield _binary(name, fn, rng.choice(["ff", "fi", "ii"]), shapes)
    # division and remainder by an integer zero, negative integer powers
    zero = np.array([0, 1, 2], dtype=np.int64)
    for name in ("div", "floor_divide", "remainder", "fmod"):
        yield Case(f"{name}_int_by_zero", _two(BINARY[name], _i(2, 3, lo=1), zero))
    yield Case("pow_int_negative", _two(BINARY["pow"], _i(2, 3, lo=1), np.array([-1, 1, 2])))
    yield Case("pow_int_negative_scalar", lambda L: L.T(_i(3, lo=1)) ** -2)


def _binary(name: str, fn: Any, kinds: str, shapes: Any) -> Case:
    a, b = _of(kinds[0], shapes[0]), _of(kinds[1], shapes[1])
    return Case(f"{name}{shapes[0]}{kinds[0]},{shapes[1]}{kinds[1]}", _two(fn, a, b))


def _two(fn: Any, a: np.ndarray, b: np.ndarray) -> Callable[[Any], Any]:
    return lambda L: fn(L, L.T(a), L.T(b))


UNARY: dict[str, Callable[[Any, Any], Any]] = {
    "neg": lambda L, x: -x,
    "abs": lambda L, x: x.abs(),
    "exp": lambda L, x: x.exp(),
    "log": lambda L, x: x.log(),
    "sqrt": lambda L, x: x.sqrt(),
    "sin": lambda L, x: x.sin(),
    "tanh": lambda L, x: x.tanh(),
    "sigmoid": lambda L, x: x.sigmoid(),
    "relu": lambda L, x: x.relu(),
    "floor": lambda L, x: x.floor(),
    "round": lambda L, x: x.round(),
    "trunc": lambda L, x: x.trunc(),
    "frac": lambda L, x: x.frac(),
    "sign": lambda L, x: x.sign(),
    "reciprocal": lambda L, x: x.reciprocal(),
    "square": lambda L, x: x.square(),
    "logical_not": lambda L, x: x.logical_not(),
    "bitwise_not": lambda L, x: ~x,
    "erf": lambda L, x: x.erf(),
    "log1p": lambda L, x: x.log1p(),
    "rsqrt": lambda L, x: x.rsqrt(),
    "isnan": lambda L, x: x.isnan(),
    "isfinite": lambda L, x: x.isfinite(),
    "signbit": lambda L, x: x.signbit(),
    "nan_to_num": lambda L, x: x.nan_to_num(),
    "clamp": lambda L, x: x.clamp(min=0),
    "clamp_float_bounds": lambda L, x: x.clamp(-0.5, 0.5),
    "clamp_none": lambda L, x: x.clamp(),
    "clamp_crossed": lambda L, x: x.clamp(min=1, max=0),
    "F.relu": lambda L, x: L.F.relu(x),
    "F.gelu": lambda L, x: L.F.gelu(x),
    "F.silu": lambda L, x: L.F.silu(x),
    "F.softplus": lambda L, x: L.F.softplus(x),
    "F.elu": lambda L, x: L.F.elu(x),
    "F.leaky_relu": lambda L, x: L.F.leaky_relu(x, 0.1),
    "F.hardtanh": lambda L, x: L.F.hardtanh(x),
    "F.hardtanh_crossed": lambda L, x: L.F.hardtanh(x, 1.0, -1.0),
    "F.relu6": lambda L, x: L.F.relu6(x),
    "F.logsigmoid": lambda L, x: L.F.logsigmoid(x),
    "F.softsign": lambda L, x: L.F.softsign(x),
    "F.mish": lambda L, x: L.F.mish(x),
    "F.hardswish": lambda L, x: L.F.hardswish(x),
    "F.tanhshrink": lambda L, x: L.F.tanhshrink(x),
    "F.softshrink_negative": lambda L, x: L.F.softshrink(x, -0.5),
    "F.threshold": lambda L, x: L.F.threshold(x, 0.1, 20.0),
    "F.dropout_p": lambda L, x: L.F.dropout(x, 1.5),
    "F.dropout_eval": lambda L, x: L.F.dropout(x, 0.5, training=False),
    "F.glu": lambda L, x: L.F.glu(x),
    "softmax_no_dim": lambda L, x: L.F.softmax(x),
    "one_hot": lambda L, x: L.F.one_hot(x),
    "argmax_all": lambda L, x: x.argmax(),
    "max_all": lambda L, x: x.max(),
    "min_all": lambda L, x: x.min(),
    "t": lambda L, x: x.t(),
    "mT": lambda L, x: x.mT,
    "item": lambda L, x: x.item(),
    "float": lambda L, x: float(x),
    "int": lambda L, x: int(x),
    "bool": lambda L, x: bool(x),
    "len": lambda L, x: len(x),
    "tolist": lambda L, x: x.tolist(),
    "nonzero": lambda L, x: x.nonzero(),
    "unique": lambda L, x: L.t.unique(x),
    "trace": lambda L, x: x.trace(),
    "tril": lambda L, x: x.tril(),
    "diag": lambda L, x: x.diag(),
    "inverse": lambda L, x: L.t.linalg.inv(x),
}

UNARY_INPUTS = [("f", (2, 3)), ("i", (2, 3)), ("b", (2, 3)), ("f", (0, 3)), ("f", ()), ("f", (4,))]


def unary_cases(rng: random.Random) -> Iterator[Case]:
    for name, fn in UNARY.items():
        for kind, shape in UNARY_INPUTS:
            a = _of(kind, shape)
            yield Case(f"{name}{shape}{kind}", _one(fn, a))
        a = _f(3, 3)
        yield Case(f"{name}(3,3)f", _one(fn, a))


def _one(fn: Any, a: np.ndarray) -> Callable[[Any], Any]:
    return lambda L: fn(L, L.T(a))


def _idx(kind: str) -> np.ndarray:
    """Index tensors for a (3, 4) source: valid, too high, negative, float, int32, bool, and of
    the wrong rank or size."""
    return {
        "ok": _i(3, 2, lo=0, hi=3),
        "high": np.array([[0, 4], [1, 1], [2, 0]]),
        "negative": np.array([[0, -1], [1, 1], [2, 0]]),
        "float": np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]]),
        "int32": np.array([[0, 1], [1, 1], [2, 0]], dtype=np.int32),
        "bool": np.array([[True, False], [False, True], [True, True]]),
        "rank1": np.array([0, 1]),
        "tall": _i(4, 2, lo=0, hi=3),
        "wide": _i(3, 5, lo=0, hi=3),
        "empty": np.zeros((0, 2), dtype=np.int64),
    }[kind]


IDX_KINDS = ["ok", "high", "negative", "float", "int32", "bool", "rank1", "tall", "wide", "empty"]

GATHERS: dict[str, Callable[[Any, Any, int, Any, Any], Any]] = {
    "gather": lambda L, x, d, i, s: x.gather(d, i),
    "take_along_dim": lambda L, x, d, i, s: L.t.take_along_dim(x, i, d),
    "scatter": lambda L, x, d, i, s: x.scatter(d, i, s),
    "scatter_value": lambda L, x, d, i, s: x.scatter(d, i, 2.0),
    "scatter_add": lambda L, x, d, i, s: x.scatter_add(d, i, s),
    "scatter_reduce": lambda L, x, d, i, s: x.scatter_reduce(d, i, s, "amax"),
}

INDEX1: dict[str, Callable[[Any, Any, Any], Any]] = {
    "index_select0": lambda L, x, i: x.index_select(0, i),
    "index_select1": lambda L, x, i: x.index_select(1, i),
    "take": lambda L, x, i: x.take(i),
    "getitem": lambda L, x, i: x[i],
    "getitem_pair": lambda L, x, i: x[i, 0],
    "getitem_col": lambda L, x, i: x[:, i],
    "index_add": lambda L, x, i: x.index_add(0, i, L.t.ones((*i.shape, 4), dtype=x.dtype)),
    "index_fill": lambda L, x, i: x.index_fill(1, i, -1.0),
    "index_copy": lambda L, x, i: x.index_copy(0, i, L.t.zeros((*i.shape, 4), dtype=x.dtype)),
    "embedding": lambda L, x, i: L.F.embedding(i, x),
    "embedding_pad": lambda L, x, i: L.F.embedding(i, x, padding_idx=5),
    "one_hot": lambda L, x, i: L.F.one_hot(i, 3),
    "one_hot_negative_classes": lambda L, x, i: L.F.one_hot(i, -2),
    "one_hot_infer": lambda L, x, i: L.F.one_hot(i),
    "bincount": lambda L, x, i: L.t.bincount(i),
    "setitem": lambda L, x, i: x.__setitem__(i, 7.0) or x,
    "index_put": lambda L, x, i: x.index_put((i,), L.t.tensor(1.0, dtype=x.dtype)),
}

INDEX1_KINDS: dict[str, np.ndarray] = {
    "ok": np.array([0, 2, 1]),
    "high": np.array([0, 3, 1]),
    "very_high": np.array([0, 9]),
    "negative": np.array([-1, 0]),
    "very_negative": np.array([-5, 0]),
    "float": np.array([0.0, 1.0]),
    "int32": np.array([0, 2], dtype=np.int32),
    "bool3": np.array([True, False, True]),
    "bool_wrong": np.array([True, False]),
    "2d": np.array([[0, 1], [2, 0]]),
    "0d": np.array(1),
    "empty": np.zeros(0, dtype=np.int64),
    "empty_float": np.zeros(0),
}


def index_cases(rng: random.Random) -> Iterator[Case]:
    src = _f(3, 4)
    for name, fn in GATHERS.items():
        for kind in IDX_KINDS:
            for d in rng.sample([0, 1, 2, -3, -1], 3):
                yield Case(f"{name}[dim={d},{kind}]", _gather(fn, src, d, _idx(kind)))
    for name, gn in INDEX1.items():
        for kind, index in INDEX1_KINDS.items():
            yield Case(f"{name}[{kind}]", _index1(gn, src, index))
    mask_kinds = {
        "bool": _b(3, 4),
        "row": _b(4),
        "wrong": _b(3, 3),
        "float": _f(3, 4),
        "int": _i(3, 4, hi=2),
        "uint8": _i(3, 4, hi=2).astype(np.uint8),
    }
    for kind, mask in mask_kinds.items():
        yield Case(f"masked_fill[{kind}]", _masked(lambda L, x, m: x.masked_fill(m, 0.5), mask))
        yield Case(f"masked_select[{kind}]", _masked(lambda L, x, m: x.masked_select(m), mask))
        yield Case(f"where_cond[{kind}]", _masked(lambda L, x, m: L.t.where(m, x, 0.0), mask))
        yield Case(f"getitem_mask[{kind}]", _masked(lambda L, x, m: x[m], mask))
        yield Case(
            f"masked_fill_tensor_value[{kind}]",
            _masked(lambda L, x, m: x.masked_fill(m, L.T(_RNG_VALUE)), mask),
        )
    for key in [(0, 0, 0), (3,), (-4,), (0, 4), (slice(None, None, 0),), (slice(None, None, -1),)]:
        yield Case(f"getitem{key!r}", _key(src, key))
        yield Case(f"setitem{key!r}", _setkey(src, key))
    for value in (_f(4), _f(3), _f(2, 4), _f(1, 1, 4)):
        yield Case(f"setitem_row_value{value.shape}", _setvalue(src, value))
    for start, length in [(0, 2), (3, 1), (-1, 1), (2, 3), (0, -1), (5, 0)]:
        yield Case(
            f"narrow({start},{length})", lambda L, s=start, n=length: L.T(src).narrow(1, s, n)
        )
    for i in (2, 3, -3, -4):
        yield Case(f"select({i})", lambda L, i=i: L.T(src).select(0, i))


_RNG_VALUE = np.array([0.5, 0.25])


def _narrow(src: np.ndarray, start: int, length: int) -> Callable[[Any], Any]:
    return lambda L: L.T(src).narrow(1, start, length)


def _gather(fn: Any, src: np.ndarray, d: int, index: np.ndarray) -> Callable[[Any], Any]:
    s = _f(*index.shape) if index.ndim else _f(1)
    return lambda L: fn(L, L.T(src), d, L.T(index), L.T(s))


def _index1(fn: Any, src: np.ndarray, index: np.ndarray) -> Callable[[Any], Any]:
    return lambda L: fn(L, L.T(src), L.T(index))


def _masked(fn: Any, mask: np.ndarray) -> Callable[[Any], Any]:
    src = _f(3, 4)
    return lambda L: fn(L, L.T(src), L.T(mask))


def _key(src: np.ndarray, key: tuple[Any, ...]) -> Callable[[Any], Any]:
    return lambda L: L.T(src)[key]


def _setkey(src: np.ndarray, key: tuple[Any, ...]) -> Callable[[Any], Any]:
    def call(L: Any) -> Any:
        x = L.T(src)
        x[key] = 1.5
        return x

    return call


def _setvalue(src: np.ndarray, value: np.ndarray) -> Callable[[Any], Any]:
    def call(L: Any) -> Any:
        x = L.T(src)
        x[1] = L.T(value)
        return x

    return call


SHAPE_OPS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "reshape": lambda L, x, s: x.reshape(*s),
    "reshape_tuple": lambda L, x, s: x.reshape(s),
    "view": lambda L, x, s: x.view(*s),
    "expand": lambda L, x, s: x[:1].expand(*s),
    "permute": lambda L, x, s: x.permute(*s),
    "repeat": lambda L, x, s: x.repeat(*s),
    "tile": lambda L, x, s: x.tile(s),
    "zeros": lambda L, x, s: L.t.zeros(*s),
    "zeros_tuple": lambda L, x, s: L.t.zeros(s),
    "ones": lambda L, x, s: L.t.ones(s),
    "full": lambda L, x, s: L.t.full(s, 2.0),
    "empty_shape": lambda L, x, s: L.t.empty(s).shape,
    "randn_shape": lambda L, x, s: L.t.randn(s).shape,
    "rand_shape": lambda L, x, s: L.t.rand(*s).shape,
    "new_zeros": lambda L, x, s: x.new_zeros(s),
    "unflatten": lambda L, x, s: x.unflatten(1, s),
    "split_sizes": lambda L, x, s: x.split(list(s), 1),
    "F.pad": lambda L, x, s: L.F.pad(x, s),
    "flatten_range": lambda L, x, s: x.flatten(*s[:2]),
    "squeeze_dims": lambda L, x, s: x.squeeze(s),
    "sum_dims": lambda L, x, s: x.sum(s),
    "amax_dims": lambda L, x, s: x.amax(s),
    "mean_dims": lambda L, x, s: x.mean(s),
    "adaptive_avg_pool1d": lambda L, x, s: L.F.adaptive_avg_pool1d(x, s),
}

SIZES: list[tuple[Any, ...]] = [
    (3, 4),
    (4, 3),
    (2, -1),
    (5, -1),
    (-1, -1),
    (2, -2),
    (0, -1),
    (12,),
    (3, 4, 1),
    (1, 0),
    (2, 2.0),
    (-1,),
    (1, 0, 0),
    (0, 1),
    (1, 1),
    (),
    (1, 1, 1, 1),
    (0,),
    (1, 3),
    (4,),
]


def shape_cases(rng: random.Random) -> Iterator[Case]:
    src = _f(3, 4)
    for name, fn in SHAPE_OPS.items():
        for s in rng.sample(SIZES, 10):
            yield Case(f"{name}{s!r}", _sized(fn, src, s), values=not name.startswith("ran"))
    parts = {
        "same": _f(3, 4),
        "cols": _f(3, 5),
        "rows": _f(2, 4),
        "rank3": _f(3, 4, 1),
        "rank1": _f(4),
        "0d": _f(),
        "empty1d": np.zeros(0),
        "empty2d": np.zeros((0, 4)),
        "int": _i(3, 4),
        "bool": _b(3, 4),
    }
    for kind, other in parts.items():
        for d in (0, 1, -1, 2):
            yield Case(f"cat[{kind}]dim={d}", _joined("cat", src, other, d))
            yield Case(f"stack[{kind}]dim={d}", _joined("stack", src, other, d))
        yield Case(f"hstack[{kind}]", _joined("hstack", src, other, None))
        yield Case(f"vstack[{kind}]", _joined("vstack", src, other, None))
    yield Case("cat_empty_list", lambda L: L.t.cat([]))
    yield Case("stack_empty_list", lambda L: L.t.stack([]))
    yield Case("cat_tensor_not_list", lambda L: L.t.cat(L.T(src)))
    yield Case("chunk0", lambda L: L.T(src).chunk(0))
    yield Case("chunk_negative", lambda L: L.T(src).chunk(-1))
    yield Case("split0", lambda L: L.T(src).split(0))
    yield Case("split_negative", lambda L: L.T(src).split(-2))
    yield Case("repeat_interleave_negative", lambda L: L.T(src).repeat_interleave(-1))
    yield Case("unfold_step0", lambda L: L.T(src).unfold(1, 2, 0))
    yield Case("unfold_size_big", lambda L: L.T(src).unfold(1, 5, 1))
    yield Case("diagonal_same_dims", lambda L: L.T(src).diagonal(0, 0, 0))
    yield Case("swapaxes_out", lambda L: L.T(src).swapaxes(0, 2))
    yield Case("movedim_repeat", lambda L: L.T(src).movedim((0, 0), (1, 0)))
    yield Case("T_3d", lambda L: L.T(_f(2, 3, 4)).t())
    yield Case("expand_as_smaller", lambda L: L.T(src).expand_as(L.T(_f(4))))


def _sized(fn: Any, src: np.ndarray, s: tuple[Any, ...]) -> Callable[[Any], Any]:
    return lambda L: fn(L, L.T(src), s)


def _joined(name: str, a: np.ndarray, b: np.ndarray, d: int | None) -> Callable[[Any], Any]:
    if d is None:
        return lambda L: getattr(L.t, name)([L.T(a), L.T(b)])
    return lambda L: getattr(L.t, name)([L.T(a), L.T(b)], dim=d)


PRODUCTS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "matmul": lambda L, a, b: a @ b,
    "mm": lambda L, a, b: L.t.mm(a, b),
    "bmm": lambda L, a, b: L.t.bmm(a, b),
    "dot": lambda L, a, b: L.t.dot(a, b),
    "mv": lambda L, a, b: L.t.mv(a, b),
    "outer": lambda L, a, b: L.t.outer(a, b),
    "inner": lambda L, a, b: L.t.inner(a, b),
    "F.linear": lambda L, a, b: L.F.linear(a, b),
    "F.bilinear_like": lambda L, a, b: L.F.linear(a, b, L.t.zeros(b.shape[0], dtype=b.dtype)),
    "tensordot": lambda L, a, b: L.t.tensordot(a, b, dims=1),
    "kron": lambda L, a, b: L.t.kron(a, b),
    "cross": lambda L, a, b: L.t.linalg.cross(a, b),
    "cdist": lambda L, a, b: L.t.cdist(a, b),
    "F.cosine_similarity": lambda L, a, b: L.F.cosine_similarity(a, b),
    "F.pairwise_distance": lambda L, a, b: L.F.pairwise_distance(a, b),
    "addmm": lambda L, a, b: L.t.addmm(L.t.zeros((), dtype=a.dtype), a, b),
    "baddbmm": lambda L, a, b: L.t.baddbmm(L.t.zeros((), dtype=a.dtype), a, b),
    "einsum": lambda L, a, b: L.t.einsum("ij,jk->ik", a, b),
}

PRODUCT_SHAPES = [
    ((2, 3), (3, 4)),
    ((2, 3), (4, 3)),
    ((3,), (3,)),
    ((3,), (4,)),
    ((2, 3), (3,)),
    ((5, 2, 3), (5, 3, 4)),
    ((5, 2, 3), (4, 3, 4)),
    ((5, 2, 3), (3, 4)),
    ((), (3,)),
    ((0, 3), (3, 2)),
    ((2, 0), (0, 3)),
    ((4, 3), (4, 3)),
]


def product_cases(rng: random.Random) -> Iterator[Case]:
    for name, fn in PRODUCTS.items():
        for shapes in PRODUCT_SHAPES:
            yield Case(f"{name}{shapes[0]},{shapes[1]}", _two(fn, _f(*shapes[0]), _f(*shapes[1])))
        for kinds in ("fi", "ii", "bb", "if"):
            shapes = rng.choice(PRODUCT_SHAPES[:3])
            a, b = _of(kinds[0], shapes[0]), _of(kinds[1], shapes[1])
            yield Case(f"{name}{shapes[0]}{kinds[0]},{shapes[1]}{kinds[1]}", _two(fn, a, b))


def _loss_targets() -> dict[str, np.ndarray]:
    return {
        "long": _i(4, lo=0, hi=3),
        "high": np.array([0, 3, 1, 2]),
        "negative": np.array([0, -1, 1, 2]),
        "ignored": np.array([0, -100, 1, 2]),
        "all_ignored": np.full(4, -100),
        "int32": np.array([0, 1, 1, 2], dtype=np.int32),
        "float_probs": _p(4, 3) / _p(4, 3).sum(),
        "float_labels": np.array([0.0, 1.0, 1.0, 2.0]),
        "bool": np.array([True, False, True, False]),
        "column": _i(4, 1, lo=0, hi=3),
        "short": _i(3, lo=0, hi=3),
        "0d": np.array(1),
    }


CLASS_LOSSES: dict[str, Callable[[Any, Any, Any], Any]] = {
    "cross_entropy": lambda L, x, y: L.F.cross_entropy(x, y),
    "cross_entropy_sum": lambda L, x, y: L.F.cross_entropy(x, y, reduction="sum"),
    "cross_entropy_none": lambda L, x, y: L.F.cross_entropy(x, y, reduction="none"),
    "cross_entropy_smooth": lambda L, x, y: L.F.cross_entropy(x, y, label_smoothing=0.1),
    "cross_entropy_smooth_bad": lambda L, x, y: L.F.cross_entropy(x, y, label_smoothing=1.5),
    "cross_entropy_weight": lambda L, x, y: L.F.cross_entropy(x, y, weight=L.T(_W3)),
    "cross_entropy_weight_short": lambda L, x, y: L.F.cross_entropy(x, y, weight=L.T(_W2)),
    "cross_entropy_reduction": lambda L, x, y: L.F.cross_entropy(x, y, reduction="bogus"),
    "cross_entropy_ignore1": lambda L, x, y: L.F.cross_entropy(x, y, ignore_index=1),
    "nll_loss": lambda L, x, y: L.F.nll_loss(x.log_softmax(-1), y),
    "nll_loss_weight": lambda L, x, y: L.F.nll_loss(x, y, weight=L.T(_W3)),
    "nll_loss_weight_short": lambda L, x, y: L.F.nll_loss(x, y, weight=L.T(_W2)),
    "nll_loss_reduction": lambda L, x, y: L.F.nll_loss(x, y, reduction="avg"),
    "multi_margin_loss": lambda L, x, y: L.F.multi_margin_loss(x, y),
    "CrossEntropyLoss": lambda L, x, y: L.nn.CrossEntropyLoss()(x, y),
    "NLLLoss": lambda L, x, y: L.nn.NLLLoss()(x, y),
}
_W3 = np.array([0.2, 1.0, 3.0])
_W2 = np.array([0.2, 1.0])

LOGIT_SHAPES = [(4, 3), (3,), (4, 3, 2), (0, 3)]


def class_loss_cases(rng: random.Random) -> Iterator[Case]:
    for name, fn in CLASS_LOSSES.items():
        for kind, target in _loss_targets().items():
            shape = (4, 3) if rng.random() < 0.75 else rng.choice(LOGIT_SHAPES[1:])
            yield Case(f"{name}{shape}[{kind}]", _two(fn, _f(*shape), target))


PAIR_LOSSES: dict[str, Callable[[Any, Any, Any], Any]] = {
    "mse_loss": lambda L, x, y: L.F.mse_loss(x, y),
    "l1_loss": lambda L, x, y: L.F.l1_loss(x, y),
    "smooth_l1_loss": lambda L, x, y: L.F.smooth_l1_loss(x, y),
    "smooth_l1_loss_beta_negative": lambda L, x, y: L.F.smooth_l1_loss(x, y, beta=-1.0),
    "huber_loss": lambda L, x, y: L.F.huber_loss(x, y),
    "huber_loss_delta_negative": lambda L, x, y: L.F.huber_loss(x, y, delta=-1.0),
    "huber_loss_delta_zero": lambda L, x, y: L.F.huber_loss(x, y, delta=0.0),
    "mse_loss_reduction": lambda L, x, y: L.F.mse_loss(x, y, reduction="average"),
    "binary_cross_entropy": lambda L, x, y: L.F.binary_cross_entropy(x.sigmoid(), y),
    "binary_cross_entropy_raw": lambda L, x, y: L.F.binary_cross_entropy(x, y),
    "bce_weight": lambda L, x, y: L.F.binary_cross_entropy(x.sigmoid(), y, weight=L.T(_W2)),
    "bce_with_logits": lambda L, x, y: L.F.binary_cross_entropy_with_logits(x, y),
    "bce_with_logits_pos_weight": lambda L, x, y: L.F.binary_cross_entropy_with_logits(
        x, y, pos_weight=L.T(_W2)
    ),
    "kl_div": lambda L, x, y: L.F.kl_div(x, y, reduction="batchmean"),
    "kl_div_log_target": lambda L, x, y: L.F.kl_div(x, y, reduction="sum", log_target=True),
    "kl_div_bad_reduction": lambda L, x, y: L.F.kl_div(x, y, reduction="batch"),
    "poisson_nll_loss": lambda L, x, y: L.F.poisson_nll_loss(x, y),
    "gaussian_nll_loss": lambda L, x, y: L.F.gaussian_nll_loss(x, y, y.abs()),
    "gaussian_nll_loss_negative_var": lambda L, x, y: L.F.gaussian_nll_loss(x, y, -y.abs()),
    "soft_margin_loss": lambda L, x, y: L.F.soft_margin_loss(x, y),
    "hinge_embedding_loss": lambda L, x, y: L.F.hinge_embedding_loss(x, y),
    "margin_ranking_loss": lambda L, x, y: L.F.margin_ranking_loss(x, y, y.sign()),
    "cosine_embedding_loss": lambda L, x, y: L.F.cosine_embedding_loss(x, y, L.T(_ONES4)),
    "triplet_margin_loss": lambda L, x, y: L.F.triplet_margin_loss(x, y, y),
    "multilabel_soft_margin_loss": lambda L, x, y: L.F.multilabel_soft_margin_loss(x, y),
    "MSELoss": lambda L, x, y: L.nn.MSELoss()(x, y),
    "BCELoss": lambda L, x, y: L.nn.BCELoss()(x.sigmoid(), y),
}
_ONES4 = np.ones(4)


def pair_loss_cases(rng: random.Random) -> Iterator[Case]:
    targets = {
        "same": _p(4, 2),
        "broadcast_row": _p(1, 2),
        "broadcast_col": _p(4, 1),
        "wrong": _p(2, 4),
        "flat": _p(8),
        "long": _i(4, 2, lo=0, hi=2),
        "bool": _b(4, 2),
        "outside01": _f(4, 2) * 3,
        "0d": np.array(0.5),
    }
    for name, fn in PAIR_LOSSES.items():
        for kind, target in targets.items():
            yield Case(f"{name}[{kind}]", _two(fn, _f(4, 2), target))
        yield Case(f"{name}[empty]", _two(fn, _f(0, 2), _p(0, 2)))


CONV_CASES: dict[str, Callable[[Any], Any]] = {}


def conv_cases(rng: random.Random) -> Iterator[Case]:
    x4, w4, b4 = _f(1, 2, 5, 5), _f(4, 2, 3, 3), _f(4)
    variants: dict[str, tuple[np.ndarray, np.ndarray, Any, dict[str, Any]]] = {
        "ok": (x4, w4, b4, {}),
        "unbatched": (_f(2, 5, 5), w4, b4, {}),
        "rank5": (_f(1, 1, 2, 5, 5), w4, b4, {}),
        "rank2": (_f(5, 5), w4, b4, {}),
        "channels": (_f(1, 3, 5, 5), w4, b4, {}),
        "bias_size": (x4, w4, _f(3), {}),
        "bias_2d": (x4, w4, _f(4, 1), {}),
        "groups2": (x4, _f(4, 1, 3, 3), b4, {"groups": 2}),
        "groups3": (x4, w4, b4, {"groups": 3}),
        "groups0": (x4, w4, b4, {"groups": 0}),
        "stride0": (x4, w4, b4, {"stride": 0}),
        "stride_neg": (x4, w4, b4, {"stride": -1}),
        "padding_neg": (x4, w4, b4, {"padding": -1}),
        "dilation0": (x4, w4, b4, {"dilation": 0}),
        "kernel_big": (x4, _f(4, 2, 7, 7), b4, {}),
        "kernel_big_padded": (x4, _f(4, 2, 7, 7), b4, {"padding": 1}),
        "same": (x4, w4, b4, {"padding": "same"}),
        "same_strided": (x4, w4, b4, {"padding": "same", "stride": 2}),
        "valid": (x4, w4, b4, {"padding": "valid"}),
        "bad_string": (x4, w4, b4, {"padding": "full"}),
        "stride_tuple3": (x4, w4, b4, {"stride": (1, 1, 1)}),
        "int_input": (_i(1, 2, 5, 5), w4, b4, {}),
        "empty_batch": (_f(0, 2, 5, 5), w4, b4, {}),
        "w_rank3": (x4, _f(4, 2, 3), b4, {}),
    }
    for kind, (x, w, b, kw) in variants.items():
        yield Case(f"conv2d[{kind}]", _conv("conv2d", x, w, b, kw))
        if x.ndim == 4 and w.ndim == 4:
            yield Case(f"conv1d[{kind}]", _conv("conv1d", x[:, :, 0], w[:, :, 0], b, kw))
    pools = {
        "ok": (2, None, 0, {}),
        "k0": (0, None, 0, {}),
        "k_neg": (-1, None, 0, {}),
        "stride0": (2, 0, 0, {}),
        "pad_half": (2, 1, 1, {}),
        "pad_over_half": (2, 1, 2, {}),
        "pad_neg": (2, 1, -1, {}),
        "k_big": (6, None, 0, {}),
        "k_big_ceil": (6, None, 0, {"ceil_mode": True}),
        "ceil": (2, None, 0, {"ceil_mode": True}),
        "k_tuple3": ((2, 2, 2), None, 0, {}),
    }
    for kind, (k, s, p, kw) in pools.items():
        for name in ("max_pool2d", "avg_pool2d", "lp_pool2d"):
            if name == "lp_pool2d" and (p or kw):
                continue
            yield Case(f"{name}[{kind}]", _pool(name, x4, k, s, p, kw))
        if kind != "k_tuple3":
            yield Case(f"max_pool1d[{kind}]", _pool("max_pool1d", x4[:, :, 0], k, s, p, kw))
            yield Case(f"avg_pool1d[{kind}]", _pool("avg_pool1d", x4[:, :, 0], k, s, p, kw))
    for size in (3, (2, 3), 0, -1, (2, 3, 4), None, 7):
        for name in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
            yield Case(f"{name}[{size!r}]", lambda L, n=name, s=size: getattr(L.F, n)(L.T(x4), s))
    for x in (_f(5, 5), _f(1, 2, 3, 5, 5)):
        yield Case(f"max_pool2d_rank{x.ndim}", lambda L, x=x: L.F.max_pool2d(L.T(x), 2))
    for name, make in {
        "upsample_neg": lambda L: L.F.interpolate(L.T(x4), scale_factor=-1.0),
        "upsample_both": lambda L: L.F.interpolate(L.T(x4), size=3, scale_factor=2.0),
        "upsample_none": lambda L: L.F.interpolate(L.T(x4)),
        "upsample_mode": lambda L: L.F.interpolate(L.T(x4), size=3, mode="cubic"),
        "pixel_shuffle_bad": lambda L: L.F.pixel_shuffle(L.T(_f(1, 3, 2, 2)), 2),
        "pad_negative_big": lambda L: L.F.pad(L.T(x4), (-3, -3)),
        "pad_reflect_big": lambda L: L.F.pad(L.T(x4), (5, 5), mode="reflect"),
        "pad_odd": lambda L: L.F.pad(L.T(x4), (1, 1, 1)),
        "pad_mode": lambda L: L.F.pad(L.T(x4), (1, 1), mode="mirror"),
        "unfold_k_big": lambda L: L.F.unfold(L.T(x4), 7),
        "batch_norm_stats": lambda L: L.F.batch_norm(L.T(x4), L.T(_f(3)), L.T(_p(3))),
        "batch_norm_weight": lambda L: L.F.batch_norm(
            L.T(x4), L.T(_f(2)), L.T(_p(2)), weight=L.T(_f(3))
        ),
        "batch_norm_one_value": lambda L: L.F.batch_norm(L.T(_f(1, 2)), None, None, training=True),
        "layer_norm_shape": lambda L: L.F.layer_norm(L.T(x4), (4,)),
        "layer_norm_weight": lambda L: L.F.layer_norm(L.T(x4), (5,), weight=L.T(_f(4))),
        "group_norm_groups": lambda L: L.F.group_norm(L.T(x4), 3),
        "group_norm_zero": lambda L: L.F.group_norm(L.T(x4), 0),
        "instance_norm_rank2": lambda L: L.F.instance_norm(L.T(_f(2, 5))),
        "local_response_norm": lambda L: L.F.local_response_norm(L.T(x4), 0),
        "embedding_2d_weight_1d": lambda L: L.F.embedding(L.T(np.array([0, 1])), L.T(_f(3))),
        "embedding_max_norm": lambda L: L.F.embedding(
            L.T(np.array([0, 1])), L.T(_f(3, 2)), max_norm=-1.0
        ),
    }.items():
        yield Case(name, make)


def _conv(name: str, x: Any, w: Any, b: Any, kw: dict[str, Any]) -> Callable[[Any], Any]:
    return lambda L: getattr(L.F, name)(L.T(x), L.T(w), L.T(b), **kw)


def _pool(name: str, x: Any, k: Any, s: Any, p: int, kw: dict[str, Any]) -> Callable[[Any], Any]:
    if name.startswith("lp_"):
        return lambda L: L.F.lp_pool2d(L.T(x), 2.0, k, s)
    return lambda L: getattr(L.F, name)(L.T(x), k, s, p, **kw)


CREATION: dict[str, Callable[[Any], Any]] = {
    "arange_step0": lambda L: L.t.arange(0, 10, 0),
    "arange_wrong_sign": lambda L: L.t.arange(10, 0, 1),
    "arange_wrong_sign_down": lambda L: L.t.arange(0, 10, -1),
    "arange_nan": lambda L: L.t.arange(0, math.nan),
    "arange_inf": lambda L: L.t.arange(0, math.inf),
    "arange_half": lambda L: L.t.arange(0, 3, 0.5),
    "arange_negative_end": lambda L: L.t.arange(-3),
    "arange_down": lambda L: L.t.arange(5, 0, -2),
    "arange_empty": lambda L: L.t.arange(3, 3),
    "arange_string": lambda L: L.t.arange("3"),
    "arange_int_dtype_float_step": lambda L: L.t.arange(0, 3, 0.5, dtype=L.t.int64),
    "arange_bool_dtype": lambda L: L.t.arange(0, 3, dtype=L.t.bool),
    "linspace_negative": lambda L: L.t.linspace(0, 1, -1),
    "linspace_zero": lambda L: L.t.linspace(0, 1, 0),
    "linspace_one": lambda L: L.t.linspace(0, 1, 1),
    "linspace_float_steps": lambda L: L.t.linspace(0, 1, 2.5),
    "linspace_int_dtype": lambda L: L.t.linspace(0, 1, 5, dtype=L.t.int64),
    "logspace_negative": lambda L: L.t.logspace(0, 1, -2),
    "full_negative": lambda L: L.t.full((2, -1), 1.0),
    "full_int_size": lambda L: L.t.full(2, 1.0),
    "full_float_size": lambda L: L.t.full((2.0, 1), 1.0),
    "full_bool_value": lambda L: L.t.full((2,), True),
    "full_int_value": lambda L: L.t.full((2,), 3),
    "full_string_value": lambda L: L.t.full((2,), "a"),
    "zeros_negative": lambda L: L.t.zeros(-1),
    "zeros_float": lambda L: L.t.zeros(2.5),
    "zeros_none": lambda L: L.t.zeros(None),
    "zeros_list": lambda L: L.t.zeros([2, 3]),
    "ones_mixed": lambda L: L.t.ones((2,), 3),
    "eye_negative": lambda L: L.t.eye(-1),
    "eye_negative_cols": lambda L: L.t.eye(2, -1),
    "eye_zero": lambda L: L.t.eye(0),
    "eye_float": lambda L: L.t.eye(2.0),
    "empty_negative": lambda L: L.t.empty(-1),
    "randn_negative": lambda L: L.t.randn(-1),
    "rand_negative": lambda L: L.t.rand(2, -3),
    "randint_low_high": lambda L: L.t.randint(5, 2, (3,)),
    "randint_equal": lambda L: L.t.randint(2, 2, (3,)),
    "randint_negative_size": lambda L: L.t.randint(0, 5, (-1,)),
    "randint_no_size": lambda L: L.t.randint(0, 5),
    "randperm_negative": lambda L: L.t.randperm(-1),
    "normal_negative_std": lambda L: L.t.normal(0.0, -1.0, (2,)),
    "multinomial_negative": lambda L: L.t.multinomial(L.T(np.array([0.5, -0.1])), 1),
    "multinomial_too_many": lambda L: L.t.multinomial(L.T(np.array([0.5, 0.5])), 3),
    "multinomial_zero_sum": lambda L: L.t.multinomial(L.T(np.zeros(3)), 1),
    "bernoulli_out_of_range": lambda L: L.t.bernoulli(L.T(np.array([0.5, 1.5]))),
    "tensor_ragged": lambda L: L.t.tensor([[1.0, 2.0], [3.0]]),
    "tensor_string": lambda L: L.t.tensor("a"),
    "tensor_none": lambda L: L.t.tensor(None),
    "tensor_empty_list": lambda L: L.t.tensor([]),
    "tensor_mixed": lambda L: L.t.tensor([1, 2.5, True]),
    "tensor_bool_list": lambda L: L.t.tensor([True, False]),
    "tensor_big_int": lambda L: L.t.tensor(2**70),
    "zeros_like_dtype": lambda L: L.t.zeros_like(L.T(_f(2)), dtype=L.t.int64),
    "full_like_bad": lambda L: L.t.full_like(L.T(_f(2)), "x"),
    "tril_indices_negative": lambda L: L.t.tril_indices(-1, 3),
    "tril_indices": lambda L: L.t.tril_indices(3, 3),
    "meshgrid_2d": lambda L: L.t.meshgrid(L.T(_f(2, 2)), L.T(_f(3)), indexing="ij"),
    "meshgrid_indexing": lambda L: L.t.meshgrid(L.T(_f(2)), L.T(_f(3)), indexing="xx"),
    "diag_embed_dims": lambda L: L.t.diag_embed(L.T(_f(3)), dim1=0, dim2=0),
    "cumsum_no_dim": lambda L: L.t.cumsum(L.T(_f(3))),
    "histc_bins0": lambda L: L.t.histc(L.T(_f(5)), bins=0),
    "searchsorted_unsorted_rank": lambda L: L.t.searchsorted(L.T(_f(2, 3)), L.T(_f(3))),
    "bucketize_2d": lambda L: L.t.bucketize(L.T(_f(3)), L.T(_f(2, 2))),
    "topk_k_big": lambda L: L.T(_f(4)).topk(5),
    "topk_k_negative": lambda L: L.T(_f(4)).topk(-1),
    "topk_k_zero": lambda L: L.T(_f(4)).topk(0),
    "topk_0d": lambda L: L.T(_f()).topk(1),
    "topk_float_k": lambda L: L.T(_f(4)).topk(1.0),
    "kthvalue_zero": lambda L: L.T(_f(4)).kthvalue(0),
    "kthvalue_big": lambda L: L.T(_f(4)).kthvalue(5),
    "argmax_empty": lambda L: L.T(np.zeros(0)).argmax(),
    "max_empty": lambda L: L.T(np.zeros(0)).max(),
    "max_empty_dim": lambda L: L.T(np.zeros((0, 3))).max(0),
    "median_empty": lambda L: L.T(np.zeros(0)).median(),
    "sort_descending": lambda L: L.T(_f(5)).sort(descending=True),
    "quantile_out": lambda L: L.T(_f(5)).quantile(1.5),
    "quantile_int": lambda L: L.T(_i(5)).quantile(0.5),
    "std_int": lambda L: L.T(_i(5)).std(),
    "mean_int": lambda L: L.T(_i(5)).mean(),
    "mean_bool": lambda L: L.T(_b(5)).mean(),
    "mean_int_dtype": lambda L: L.T(_i(5)).mean(dtype=L.t.float64),
    "sum_bool": lambda L: L.T(_b(5)).sum(),
    "softmax_int": lambda L: L.T(_i(5)).softmax(0),
    "var_correction": lambda L: L.T(_f(5)).var(correction=6),
    "var_one": lambda L: L.T(_f(1)).var(),
    "norm_p_string": lambda L: L.T(_f(5)).norm(p="bogus"),
    "norm_int": lambda L: L.T(_i(5)).norm(),
    "lerp_int": lambda L: L.t.lerp(L.T(_i(3)), L.T(_i(3)), 0.5),
    "requires_grad_int": lambda L: L.T(_i(3)).requires_grad_(),
    "requires_grad_int_ctor": lambda L: L.t.tensor([1, 2], requires_grad=True),
    "backward_non_scalar": lambda L: L.T(_f(3), requires_grad=True).exp().backward(),
    "backward_no_grad": lambda L: L.T(_f(3)).sum().backward(),
    "grad_shape": lambda L: L.t.autograd.grad(
        (L.T(_f(3), requires_grad=True) * 2).sum(), [L.T(_f(3), requires_grad=True)]
    ),
}


def creation_cases(rng: random.Random) -> Iterator[Case]:
    random_names = ("rand", "randn", "randint", "randperm", "normal", "multinomial", "bernoulli")
    for name, fn in CREATION.items():
        yield Case(name, fn, values=not name.startswith(random_names) and "empty" != name[:5])


OPTIMIZERS: dict[str, list[dict[str, Any]]] = {
    "SGD": [
        {"lr": -1.0},
        {"lr": 0.1, "momentum": -0.5},
        {"lr": 0.1, "weight_decay": -1.0},
        {"lr": 0.1, "nesterov": True},
        {"lr": 0.1, "nesterov": True, "momentum": 0.9, "dampening": 0.1},
        {"lr": 0.1, "momentum": 0.9},
        {},
    ],
    "Adam": [
        {"lr": -1.0},
        {"eps": -1e-8},
        {"betas": (1.0, 0.999)},
        {"betas": (0.9, -0.1)},
        {"betas": (0.9,)},
        {"weight_decay": -0.1},
        {"amsgrad": True},
        {},
    ],
    "AdamW": [{"lr": -1.0}, {"betas": (1.5, 0.9)}, {"weight_decay": -1.0}, {"eps": -1.0}, {}],
    "RMSprop": [{"alpha": -0.1}, {"momentum": -0.1}, {"eps": -1.0}, {"lr": -0.1}, {}],
    "Adagrad": [{"lr_decay": -1.0}, {"initial_accumulator_value": -1.0}, {"eps": -1.0}, {}],
    "Adadelta": [{"rho": 1.5}, {"rho": -0.1}, {"lr": -1.0}, {"eps": -1.0}, {}],
    "Adamax": [{"betas": (0.9, 1.0)}, {"eps": -1.0}, {"lr": -1.0}, {}],
    "NAdam": [{"momentum_decay": -1.0}, {"betas": (-0.1, 0.9)}, {}],
    "RAdam": [{"betas": (0.9, 1.2)}, {"weight_decay": -1.0}, {}],
    "Rprop": [{"etas": (1.5, 1.2)}, {"etas": (0.5, 0.9)}, {"lr": -1.0}, {}],
    "ASGD": [{"lr": -1.0}, {"weight_decay": -1.0}, {}],
}


def optimizer_cases(rng: random.Random) -> Iterator[Case]:
    w = _f(2, 3)
    for name, kwargs_list in OPTIMIZERS.items():
        for kwargs in kwargs_list:
            yield Case(f"{name}{kwargs}", _optimizer(name, w, kwargs))
        yield Case(f"{name}[empty]", lambda L, n=name: getattr(L.optim, n)([]))
        yield Case(f"{name}[tensor]", lambda L, n=name: getattr(L.optim, n)(L.nn.Parameter(L.T(w))))
        yield Case(
            f"{name}[non_leaf]",
            lambda L, n=name: getattr(L.optim, n)([L.T(w, requires_grad=True) * 2]),
        )
        yield Case(
            f"{name}[duplicate_groups]",
            lambda L, n=name: _two_groups(L, n, w),
        )


def _two_groups(L: Any, name: str, w: np.ndarray) -> Any:
    p = L.nn.Parameter(L.T(w))
    return getattr(L.optim, name)([{"params": [p]}, {"params": [p]}])


def _optimizer(name: str, w: np.ndarray, kwargs: dict[str, Any]) -> Callable[[Any], Any]:
    """The optimizer built and stepped once on ``sum(w ** 2)``: the new weights are compared."""

    def call(L: Any) -> Any:
        p = L.nn.Parameter(L.T(w))
        opt = getattr(L.optim, name)([p], **({"lr": 0.1} | kwargs))
        (p**2).sum().backward()
        opt.step()
        return p.detach()

    return call


STATE_DICTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "exact": lambda L: {"weight": L.T(_SW), "bias": L.T(_SB)},
    "missing": lambda L: {"weight": L.T(_SW)},
    "unexpected": lambda L: {"weight": L.T(_SW), "bias": L.T(_SB), "extra": L.T(_SB)},
    "shape": lambda L: {"weight": L.T(_SW.T), "bias": L.T(_SB)},
    "bias_shape": lambda L: {"weight": L.T(_SW), "bias": L.T(_SB[:1])},
    "int_values": lambda L: {"weight": L.T(_i(2, 3)), "bias": L.T(_i(2))},
    "numpy_values": lambda L: {"weight": _SW, "bias": _SB},
    "float_value": lambda L: {"weight": L.T(_SW), "bias": 1.0},
    "empty": lambda L: {},
    "0d_bias": lambda L: {"weight": L.T(_SW), "bias": L.T(np.array(1.0))},
}
_SW, _SB = _f(2, 3), _f(2)


def state_dict_cases(rng: random.Random) -> Iterator[Case]:
    for kind, make in STATE_DICTS.items():
        for strict in (True, False):
            yield Case(f"load_state_dict[{kind}]strict={strict}", _load(make, strict))
    yield Case("load_state_dict[list]", lambda L: L.nn.Linear(3, 2).load_state_dict([1, 2]))
    yield Case("load_state_dict[none]", lambda L: L.nn.Linear(3, 2).load_state_dict(None))


def _load(make: Any, strict: bool) -> Callable[[Any], Any]:
    def call(L: Any) -> Any:
        m = L.nn.Linear(3, 2).double()
        m.load_state_dict({"weight": L.T(np.zeros((2, 3))), "bias": L.T(np.zeros(2))})
        result = m.load_state_dict(make(L), strict=strict)
        missing, unexpected = result
        return sorted(missing), sorted(unexpected), m.weight.detach(), m.bias.detach()

    return call


MODULES: dict[str, Callable[[Any], Any]] = {
    "Linear_negative": lambda L: L.nn.Linear(-1, 2),
    "Linear_float": lambda L: L.nn.Linear(2.5, 2),
    "Conv2d_groups": lambda L: L.nn.Conv2d(3, 4, 3, groups=2),
    "Conv2d_zero_channels": lambda L: L.nn.Conv2d(0, 4, 3),
    "Conv2d_padding_mode": lambda L: L.nn.Conv2d(2, 4, 3, padding_mode="mirror"),
    "Conv2d_same_stride": lambda L: L.nn.Conv2d(2, 4, 3, padding="same", stride=2),
    "Embedding_negative": lambda L: L.nn.Embedding(-1, 3),
    "Embedding_padding_idx": lambda L: L.nn.Embedding(3, 2, padding_idx=3),
    "Embedding_padding_negative": lambda L: L.nn.Embedding(3, 2, padding_idx=-4),
    "Dropout_p": lambda L: L.nn.Dropout(1.5),
    "Dropout_negative": lambda L: L.nn.Dropout(-0.1),
    "BatchNorm1d_zero": lambda L: L.nn.BatchNorm1d(0),
    "LayerNorm_empty": lambda L: L.nn.LayerNorm(()),
    "GroupNorm_divides": lambda L: L.nn.GroupNorm(3, 4),
    "MaxPool2d_zero": lambda L: L.nn.MaxPool2d(0)(L.T(_f(1, 1, 4, 4))),
    "RNN_nonlinearity": lambda L: L.nn.RNN(2, 3, nonlinearity="sigmoid"),
    "LSTM_zero_layers": lambda L: L.nn.LSTM(2, 3, num_layers=0),
    "LSTM_dropout": lambda L: L.nn.LSTM(2, 3, dropout=1.5),
    "MultiheadAttention_heads": lambda L: L.nn.MultiheadAttention(5, 2),
    "Sequential_not_module": lambda L: L.nn.Sequential(L.nn.Linear(2, 2), 3),
    "ModuleList_not_module": lambda L: L.nn.ModuleList([3]),
    "Flatten_range": lambda L: L.nn.Flatten(3)(L.T(_f(2, 3))),
    "Unflatten_sizes": lambda L: L.nn.Unflatten(1, (2, 2))(L.T(_f(2, 3))),
    "Softmax_no_dim": lambda L: L.nn.Softmax()(L.T(_f(2, 3))),
    "add_module_dot": lambda L: L.nn.Module().add_module("a.b", L.nn.Linear(2, 2)),
    "add_module_empty": lambda L: L.nn.Module().add_module("", L.nn.Linear(2, 2)),
    "register_buffer_dot": lambda L: L.nn.Module().register_buffer("a.b", L.T(_f(2))),
    "register_buffer_not_tensor": lambda L: L.nn.Module().register_buffer("a", 3),
    "register_parameter_tensor": lambda L: L.nn.Module().register_parameter("a", L.T(_f(2))),
    "get_submodule_missing": lambda L: L.nn.Linear(2, 2).get_submodule("x"),
    "get_parameter_missing": lambda L: L.nn.Linear(2, 2).get_parameter("x"),
    "clip_grad_norm_negative": lambda L: L.nn.utils.clip_grad_norm_([], -1.0),
}


def module_cases(rng: random.Random) -> Iterator[Case]:
    for name, fn in MODULES.items():
        yield Case(name, fn, values=False)


FAMILIES = [
    dim_cases,
    binary_cases,
    unary_cases,
    index_cases,
    shape_cases,
    product_cases,
    class_loss_cases,
    pair_loss_cases,
    conv_cases,
    creation_cases,
    optimizer_cases,
    state_dict_cases,
    module_cases,
]


def generate() -> list[Case]:
    """Every case, in a fixed order: each family draws from its own seeded generator."""
    cases: list[Case] = []
    for k, family in enumerate(FAMILIES):
        cases.extend(family(random.Random(SEED + k)))
    names = [c.name for c in cases]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes, sorted(dupes)[:10]
    return cases


# ---------------------------------------------------------------------------------------------
# Running one case on both libraries


@dataclass
class Outcome:
    error: BaseException | None = None
    value: Any = None


def _run(L: Any, case: Case) -> Outcome:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return Outcome(value=_plain(case.call(L)))
        except Exception as e:
            return Outcome(error=e)


def _plain(r: Any) -> Any:
    """A result in library-free terms: tensors as (dtype name, array), containers of them."""
    if hasattr(r, "shape") and hasattr(r, "dtype") and hasattr(r, "detach"):
        return ("tensor", str(r.dtype).split(".")[-1], np.array(r.detach().numpy()))
    if isinstance(r, tuple | list):
        return tuple(_plain(v) for v in r)
    if isinstance(r, bool | int | float | str) or r is None:
        return r
    if hasattr(r, "__len__") and type(r).__name__ == "Size":
        return tuple(r)
    return ("object",)


def _builtin(e: type[BaseException]) -> type[BaseException]:
    """The first built-in class of an exception type (PyTorch's own subclasses, such as
    ``torch.OutOfMemoryError``, are compared by their built-in base)."""
    return next(c for c in e.__mro__ if c.__module__ == "builtins")


def _same(a: Any, b: Any, values: bool) -> str | None:
    """Why two plain results differ (None when they agree)."""
    if isinstance(a, tuple) and a[:1] == ("tensor",):
        if not (isinstance(b, tuple) and b[:1] == ("tensor",)):
            return f"tensor against {b!r}"
        if a[1] != b[1]:
            return f"dtype {a[1]} against torch's {b[1]}"
        if a[2].shape != b[2].shape:
            return f"shape {a[2].shape} against torch's {b[2].shape}"
        rtol, atol = (1e-5, 1e-6) if a[1] in ("float32", "float16", "bfloat16") else (1e-7, 1e-10)
        if values and not np.allclose(a[2], b[2], rtol=rtol, atol=atol, equal_nan=True):
            return "values differ"
        return None
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a) != len(b):
            return f"{len(a)} results against torch's {len(b)}"
        for x, y in zip(a, b):
            why = _same(x, y, values)
            if why:
                return why
        return None
    if isinstance(a, float) and isinstance(b, float):
        return None if not values or math.isclose(a, b, rel_tol=1e-7) or a == b else "values"
    return None if a == b else f"{a!r} against torch's {b!r}"


def mismatch(case: Case, ours: Outcome, theirs: Outcome) -> tuple[str, str] | None:
    """(kind, detail) where minigrad and PyTorch disagree on ``case``, else None. Kinds:
    ``silent`` (torch raises, minigrad answers: the worst), ``type`` (both raise, a different
    built-in type), ``refuses`` (minigrad raises where torch answers), ``value``."""
    if theirs.error is not None:
        want = _builtin(type(theirs.error))
        if ours.error is None:
            return "silent", f"torch raises {want.__name__}: {_first(theirs.error)}"
        if not isinstance(ours.error, want):
            got = type(ours.error).__name__
            return "type", f"{got} ({_first(ours.error)}) where torch raises {want.__name__}"
        return None
    if ours.error is not None:
        if isinstance(ours.error, NotImplementedError) and "minigrad" in str(ours.error):
            return None
        return "refuses", f"{type(ours.error).__name__}: {_first(ours.error)}"
    why = _same(ours.value, theirs.value, case.values)
    return ("value", why) if why else None


def _first(e: BaseException) -> str:
    return str(e).strip().split("\n")[0][:150]


CASES = generate()

# Where minigrad and PyTorch disagree on purpose, or by the order of their checks: each pattern
# (matched against the whole case name) pins the kind of the difference, so a change either way
# shows up here. Every other case must agree.
KNOWN: list[tuple[str, str, str]] = [
    # -- minigrad answers where PyTorch raises, on purpose
    (
        r"(get|set)item\(slice\(None, None, -1\),\)",
        "silent",
        "a negative slice step reverses, as NumPy's (PyTorch refuses; flip is its way)",
    ),
    (
        r"load_state_dict\[numpy_values\]strict=(True|False)",
        "silent",
        "load_state_dict takes NumPy arrays (a checkpoint converted with .numpy())",
    ),
    # -- minigrad refuses where PyTorch answers
    (
        r"(mse_loss|l1_loss|smooth_l1_loss|huber_loss|MSELoss)\[(broadcast_row|broadcast_col|0d)\]",
        "refuses",
        "a target of another shape is refused, not broadcast with a warning (a classic "
        "silent bug: the loss of every prediction against every target)",
    ),
    (
        r"scatter\[(dim=(0|1),ok|dim=1,int32|dim=1,wide|dim=-1,wide)\]",
        "refuses",
        "a scatter whose result PyTorch leaves undefined (one position, several values)",
    ),
    (
        r"take_along_dim\[dim=-?1,high\]",
        "refuses",
        "PyTorch reads index 4 of a dim of size 4 here without a bounds check",
    ),
    (r"scatter_reduce\[dim=(0|-1),int32\]", "refuses", "int64 indices only"),
    (r"roll\(0, 3\)dim=(-3|2)", "refuses", "the dim is checked on an empty tensor too"),
    (r"F\.linear(\(3,\)|\(2, 3\)),\(3,\)", "refuses", "linear takes a 2-D weight only"),
    (r"BatchNorm1d_zero", "refuses", "a layer of no features is refused"),
    # -- both refuse, with another built-in type
    (r"group_norm_zero", "type", "PyTorch's ZeroDivisionError is its modulo; minigrad says why"),
]


def known(name: str) -> str | None:
    """The pinned kind of difference of the case called ``name`` (None: it must agree)."""
    kinds = [kind for pattern, kind, _ in KNOWN if re.fullmatch(pattern, name)]
    assert len(kinds) <= 1, f"{name} matches several KNOWN patterns"
    return kinds[0] if kinds else None


def test_the_fuzz_is_broad_and_deterministic() -> None:
    again = generate()
    assert [c.name for c in again] == [c.name for c in CASES]
    assert len(CASES) > 4000


def test_every_known_difference_names_cases() -> None:
    names = [c.name for c in CASES]
    for pattern, _, why in KNOWN:
        assert any(re.fullmatch(pattern, n) for n in names), f"no case matches {pattern} ({why})"


def _op(name: str) -> str:
    """The op a case calls: its name up to the first bracket."""
    return re.split(r"[\[({]", name, maxsplit=1)[0]


BY_OP: dict[str, list[Case]] = {}
for _case in CASES:
    BY_OP.setdefault(_op(_case.name), []).append(_case)


@pytest.mark.parametrize("op", sorted(BY_OP))
def test_minigrad_refuses_what_torch_refuses(op: str) -> None:
    """Every case of one op: the same outcome as PyTorch's, or the pinned difference."""
    torch = pytest.importorskip("torch")
    theirs = _library(torch)
    wrong = []
    for case in BY_OP[op]:
        found = mismatch(case, _run(MG, case), _run(theirs, case))
        if (found[0] if found else None) != known(case.name):
            wrong.append(f"{case.name}: {found} (pinned: {known(case.name)})")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------------------------------------
# Focused checks of what the fuzz compares forward only


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_convolution_of_an_empty_batch_as_torch(nd: int) -> None:
    """An empty batch gives an empty output and zero gradients (NumPy's reshape of -1 failed)."""
    torch = pytest.importorskip("torch")
    x, w, b = _f(0, 2, *(5,) * nd), _f(4, 1, *(3,) * nd), _f(4)
    outs = []
    for L in (MG, _library(torch)):
        xs, ws, bs = (L.T(a, requires_grad=True) for a in (x, w, b))
        y = getattr(L.F, f"conv{nd}d")(xs, ws, bs, groups=2)
        y.sum().backward()
        outs.append([_plain(t) for t in (y, xs.grad, ws.grad, bs.grad)])
    assert _same(tuple(outs[0]), tuple(outs[1]), True) is None


def test_a_uint8_index_is_a_mask_with_torchs_warning() -> None:
    x = mg.tensor(_f(3, 4))
    mask = _b(3, 4)
    with pytest.warns(UserWarning, match=r"indexing with dtype torch\.uint8 is now deprecated"):
        picked = x[mg.tensor(mask.astype(np.uint8))]
    np.testing.assert_array_equal(picked.numpy(), x.numpy()[mask])


def test_cat_joins_empty_vectors_to_anything_as_torch() -> None:
    """PyTorch's legacy rule: a tensor of shape (0,) joins tensors of any shape, and gets an
    empty gradient."""
    torch = pytest.importorskip("torch")
    outs = []
    for L in (MG, _library(torch)):
        a, e = L.T(_f(3, 4), requires_grad=True), L.T(np.zeros(0), requires_grad=True)
        out = L.t.cat([e, a, e], 1)
        (out * 2).sum().backward()
        outs.append(tuple(_plain(t) for t in (out, a.grad, e.grad)))
    assert _same(outs[0], outs[1], True) is None


def main() -> int:
    """Print every mismatch, grouped by kind, and return how many silent answers there are."""
    import collections

    import torch

    theirs_lib = _library(torch)
    found: dict[str, list[str]] = collections.defaultdict(list)
    for case in CASES:
        m = mismatch(case, _run(MG, case), _run(theirs_lib, case))
        if m and m[0] != known(case.name):
            found[m[0]].append(f"{case.name}: {m[1]}")
    print(f"{len(CASES)} cases")
    for kind, lines in found.items():
        print(f"\n== {kind}: {len(lines)}")
        print("\n".join(lines))
    return len(found["silent"])


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
