"""The optimizer updates as NumPy source: SGD, Adam and AdamW, operation for operation as in
``minigrad.optim`` (so a compiled update gives the same bits as an eager one).

Hyper-parameters are read from ``groups`` (the optimizer's ``param_groups``) at every call, so
a scheduler that changes ``lr`` keeps working; only the choices that change the code (momentum
or not, Nesterov, weight decay, AMSGrad, maximize) are part of the step's guard
(``structure``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import optim
from .emitter import Emitter, identifier


class UnsupportedOptimizer(TypeError):
    """The optimizer has no compiled update."""


def _adamw() -> type | None:
    return getattr(optim, "AdamW", None)


def kind(optimizer: Any) -> str:
    """ "sgd", "adam" or "adamw"; raises ``UnsupportedOptimizer`` for anything else."""
    t = type(optimizer)
    if t is optim.SGD:
        return "sgd"
    if t is optim.Adam:
        return "adam"
    if _adamw() is not None and t is _adamw():
        return "adamw"
    names = "SGD, Adam" + (", AdamW" if _adamw() is not None else "")
    raise UnsupportedOptimizer(
        f"minigrad.compile: no compiled update for {t.__name__}; supported optimizers: {names}. "
        "Train this model with the eager loop instead."
    )


def guard_conditions(
    optimizer: Any, opt: str, groups: str, lists: list[str], fresh: Callable[[str], str]
) -> list[str]:
    """Source conditions that hold while the emitted update stays right: the same groups, the
    same parameters, the same flags. ``opt`` names the optimizer in the step, ``groups`` its
    ``param_groups`` when traced, ``lists[i]`` the ``params`` list of group i, and ``fresh``
    makes a new name. A flag is read as Python reads it (``not g['momentum']``), so a NumPy
    scalar works as a float."""
    k = kind(optimizer)
    conds = [f"{opt}.param_groups is {groups}", f"len({groups}) == {len(optimizer.param_groups)}"]

    def flag(value: Any, read: str) -> str:
        return read if value else f"not {read}"

    for i, g in enumerate(optimizer.param_groups):
        gi = fresh(f"{groups}_{i}")  # the group's dict, taken once (an assignment expression)
        conds.append(f"({gi} := {groups}[{i}])['params'] is {lists[i]}")
        conds.append(f"len({gi}['params']) == {len(g['params'])}")
        if k == "sgd":
            for key in ("momentum", "dampening", "weight_decay", "nesterov"):
                conds.append(flag(g[key], f"{gi}[{key!r}]"))
        else:
            conds.append(flag(g["weight_decay"], f"{gi}['weight_decay']"))
            conds.append(flag(g["amsgrad"], f"{gi}['amsgrad']"))
            decoupled = g.get("decoupled_weight_decay", False)
            conds.append(flag(decoupled, f"{gi}.get('decoupled_weight_decay')"))
        conds.append(flag(g.get("maximize", False), f"{gi}.get('maximize')"))
    return conds


def emit_update(
    e: Emitter, optimizer: Any, names: dict[int, str], grads: dict[int, str]
) -> dict[str, Any]:
    """Write the update of every parameter that received a gradient.

    Args:
        e: the emitter (its ``execute`` is switched off: the first update ran eagerly).
        optimizer: the optimizer, after its first (eager) step, so its state exists.
        names: id(param) -> the parameter's array name in the step.
        grads: id(param) -> the name of its gradient buffer.

    Returns:
        The optimizer-state objects bound into the step (name -> array or dict).
    """
    k = kind(optimizer)
    e.execute = False
    bound: dict[str, Any] = {}
    title = type(optimizer).__name__
    e.section(f"update ({title}), hyper-parameters read at every call")
    for gi, group in enumerate(optimizer.param_groups):
        params = [p for p in group["params"] if id(p) in grads]
        if not params:
            continue
        if k == "sgd":
            keys = ["lr"] + [key for key in ("momentum", "dampening", "weight_decay") if group[key]]
        else:
            keys = ["lr", "eps"] + (["weight_decay"] if group["weight_decay"] else [])
        hyper = {key: e.fresh(f"{key}{gi}") for key in keys}
        reads = [f"{v} = groups[{gi}][{key!r}]" for key, v in hyper.items()]
        dtypes = {p._data.dtype for p in params}
        fast: list[str | None] = [None] * len(reads)
        if k == "sgd" and len(dtypes) == 1:
            # As 0-d arrays of the parameters' dtype: the value NumPy would convert the Python
            # float to on every call (NEP 50), converted once per step instead of per parameter.
            dt = next(iter(dtypes))
            reads = [
                f"{v} = np.array(groups[{gi}][{key!r}], np.{dt.name})" for key, v in hyper.items()
            ]
            fast = [_cached_read(e, v, f"groups[{gi}][{key!r}]", dt) for key, v in hyper.items()]
        if k != "sgd":
            hyper["beta1"], hyper["beta2"] = e.fresh(f"beta1_{gi}"), e.fresh(f"beta2_{gi}")
            reads.append(f"{hyper['beta1']}, {hyper['beta2']} = groups[{gi}]['betas']")
            fast.append(None)
        for r, f in zip(reads, fast):
            e.stmt(r, fast=f)
        e.end(f"param group {gi}")
        packed = _pack(e, gi, group, [grads[id(p)] for p in params]) if k == "sgd" else None
        pieces = None
        if packed is not None:
            pieces = _pieces(
                e, gi, [names[id(p)] for p in params], [grads[id(p)] for p in params], packed
            )
        for i, p in enumerate(params):
            state = optimizer.state.get(p, {})
            pname, gname = names[id(p)], grads[id(p)]
            if packed is not None:
                gflat, sflat, steps = packed
                step = steps[i]
                if pieces is not None:  # (the whole group's update runs at its first line)
                    mul, sub = e.alias("np.multiply"), e.alias("np.subtract")
                    e.stmt(
                        f"np.multiply({gname}, {hyper['lr']}, out={step})",
                        step,
                        f"for g_, s_, p_ in {pieces}: {mul}(g_, {hyper['lr']}, out=s_); "
                        f"{sub}(p_, s_, out=p_)"
                        if not i
                        else "",
                    )
                    e.stmt(f"np.subtract({pname}, {step}, out={pname})", pname, "")
                    e.end(f"SGD: {pname} -= lr * d")
                    continue
                e.stmt(  # (runs once for the group, on the packed gradients)
                    f"np.multiply({gname}, {hyper['lr']}, out={step})",
                    step,
                    f"{e.alias('np.multiply')}({gflat}, {hyper['lr']}, out={sflat})"
                    if not i
                    else "",
                )
                e.into(pname, "np.subtract", pname, step)
                e.end(f"SGD: {pname} -= lr * d")
            elif k == "sgd":
                _sgd(e, group, hyper, pname, gname, state, bound)
            else:
                _adam(e, k, group, hyper, pname, gname, state, bound)
    e.execute = True
    return bound


def _pack(
    e: Emitter, gi: int, group: dict[str, Any], grads: list[str]
) -> tuple[str, str, list[str]] | None:
    """Plain SGD (``p -= lr * g``): the group's gradient buffers moved into one array, so
    ``lr * g`` is one NumPy call for the whole group (the same products, element for
    element) into one array of steps. Each buffer keeps its shape and memory order as a view
    of the packed array (and so does each leaf's ``.grad``). None when the group has another
    update, or a gradient that is not a buffer of its own."""
    if group["momentum"] or group["weight_decay"] or group.get("maximize") or len(grads) < 2:
        return None
    arrays = [e.buffers.get(g) for g in grads]
    if len(set(grads)) != len(grads) or any(a is None or a.base is not None for a in arrays):
        return None
    bufs = [a for a in arrays if a is not None]
    if len({a.dtype for a in bufs}) != 1:
        return None
    if not all(a.flags.c_contiguous or a.flags.f_contiguous for a in bufs):
        return None
    dtype, total = bufs[0].dtype, sum(a.size for a in bufs)
    gflat, sflat = e.fresh(f"grads{gi}"), e.fresh(f"steps{gi}")
    e.env[gflat], e.env[sflat] = np.empty(total, dtype), np.empty(total, dtype)
    lines = [f"{flat} = np.empty(({total},), dtype=np.{dtype.name})" for flat in (gflat, sflat)]
    views: dict[str, str] = {}  # a gradient's allocation line -> its view of the packed array
    steps, start = [], 0
    for g, a in zip(grads, bufs):
        fortran = a.flags.f_contiguous and not a.flags.c_contiguous
        order = "F" if fortran else "C"
        part = f"[{start}:{start + a.size}].reshape({a.shape!r}" + (
            ", order='F')" if fortran else ")"
        )
        view = e.env[gflat][start : start + a.size].reshape(a.shape, order=order)
        view[...] = a
        e.env[g] = e.buffers[g] = view
        views[f"{g} = np.empty("] = f"{g} = {gflat}{part}"
        step = e.fresh(f"step_{g.removeprefix('grad_')}")
        e.env[step] = e.buffers[step] = e.env[sflat][start : start + a.size].reshape(
            a.shape, order=order
        )
        e.stable.add(step)
        lines.append(f"{step} = {sflat}{part}")
        steps.append(step)
        start += a.size
    # The module-level setup: the packed arrays before the first gradient, each gradient's
    # allocation replaced by its view, and the lines after it that read a gradient (views of
    # it) run again on the view.
    heads = [line.split("(")[0] + "(" for line in e.setup]
    first = min(i for i, head in enumerate(heads) if head in views)
    setup = e.setup[:first] + lines
    for head, line in zip(heads[first:], e.setup[first:]):
        if head in views:
            line = views[head]
        elif any(_mentions(line, g) for g in grads):
            exec(line, e.env)
        setup.append(line)
    e.setup[:] = setup
    return gflat, sflat, steps


PIECE = 1 << 16  # elements of a piece of a large update: its steps stay in the cache
LARGE = 1 << 18  # elements of a group's gradients above which the update runs in pieces


def _pieces(
    e: Emitter, gi: int, params: list[str], grads: list[str], packed: tuple[str, str, list[str]]
) -> str | None:
    """For a large group of plain SGD, ``p -= lr * g`` in pieces of ``PIECE`` elements: each
    piece's ``lr * g`` goes into a small array that stays in the cache and is subtracted at
    once, instead of a pass writing every step to memory and another reading them back. The
    same products and differences, element for element. Returns the name of the list of
    (gradient, step, parameter) pieces (flat views), or None for a small group or a
    parameter whose memory order is not its gradient's."""
    gflat, sflat, _ = packed
    g_all, s_all = e.env[gflat], e.env[sflat]
    if g_all.size < LARGE:
        return None
    pieces, start = [], 0
    for pname, gname in zip(params, grads):
        p, g = e.env[pname], e.env[gname]
        order = _order(p)
        if not p.flags[f"{order}_CONTIGUOUS"] or _order(g) != order or p.dtype != g.dtype:
            return None
        flat = p.reshape(-1, order=order)  # a view: the parameter's memory, in its order
        for k in range(0, p.size, PIECE):
            n = min(PIECE, p.size - k)
            pieces.append((g_all[start + k : start + k + n], s_all[:n], flat[k : k + n]))
        start += p.size
    return e.run_only(f"pieces{gi}", pieces)


def _order(a: np.ndarray) -> str:
    return "F" if a.ndim > 1 and a.flags.f_contiguous and not a.flags.c_contiguous else "C"


def _mentions(line: str, name: str) -> bool:
    return re.search(rf"(?<![.\w]){re.escape(name)}(?!\w)", line) is not None


def _cached_read(e: Emitter, name: str, read: str, dtype: Any) -> str:
    """The running form of ``name = np.array(<read>, dtype)``: ``name`` is a 0-d array of the
    step, refilled only when the hyper-parameter is another object than at the last call (a
    float or int cannot change in place; any other object is converted at every call)."""
    e.env[name] = np.array(0, dtype)
    seen = e.fresh(f"{name}_seen")
    e.env[seen] = [None]
    h = e.fresh("hyper")
    return (
        f"if ({h} := {read}) is not {seen}[0]: "
        f"{name}[()] = {h}; {seen}[0] = {h} if {h}.__class__ in (float, int) else None"
    )


def _scratch(e: Emitter, role: str, p: str) -> str:
    """A temporary of the update, shared by every parameter of the same shape and dtype: the
    updates run one after another, so one buffer per role serves them all (on a large model,
    one 4 MB temporary instead of one per weight matrix)."""
    like = e.env[p]
    key = (role, like.shape, like.dtype.str)
    shared = e.aux.setdefault(-1, {})
    name = shared.get(repr(key))
    if name is None:
        shape = "x".join(map(str, like.shape)) or "scalar"
        name = shared[repr(key)] = e.alloc(f"{role}_{shape}", like)
    return name


def _sgd(
    e: Emitter,
    group: dict[str, Any],
    h: dict[str, str],
    p: str,
    g: str,
    state: dict[str, Any],
    bound: dict[str, Any],
) -> None:
    d = g
    if group["maximize"]:
        t = _scratch(e, "d", p)
        e.into(t, "np.negative", d)
        d = t
    if group["weight_decay"] != 0:  # d + wd * p, out of place: the gradient stays untouched
        t = _scratch(e, "decayed", p)
        e.into(t, "np.multiply", p, h["weight_decay"])
        e.into(t, "np.add", d, t)
        d = t
    if group["momentum"] != 0:
        held = state["momentum_buffer"]._data  # (the state's Tensor: its array, in place)
        buf = e.bind(identifier(f"momentum_buffer_{p}"), held)
        bound[buf] = held
        e.into(buf, "np.multiply", buf, h["momentum"])
        if group["dampening"] == 0:
            e.into(buf, "np.add", buf, d)
        else:
            t = _scratch(e, "damped", p)
            e.into(t, "np.multiply", d, f"(1 - {h['dampening']})")
            e.into(buf, "np.add", buf, t)
        if group["nesterov"]:
            t = _scratch(e, "nesterov", p)
            e.into(t, "np.multiply", buf, h["momentum"])
            e.into(t, "np.add", d, t)
            d = t
        else:
            d = buf
    step = _scratch(e, "step", p)
    e.into(step, "np.multiply", d, h["lr"])
    e.into(p, "np.subtract", p, step)
    e.end(f"SGD: {p} -= lr * d")


def _adam(
    e: Emitter,
    k: str,
    group: dict[str, Any],
    h: dict[str, str],
    p: str,
    g: str,
    state: dict[str, Any],
    bound: dict[str, Any],
) -> None:
    # The state's Tensors are bound as their arrays, written in place: the count is a 0-d array
    arrays = {key: state[key]._data for key in ("step", "exp_avg", "exp_avg_sq")}
    st = e.bind(identifier(f"step_{p}"), arrays["step"])
    m = e.bind(identifier(f"exp_avg_{p}"), arrays["exp_avg"])
    v = e.bind(identifier(f"exp_avg_sq_{p}"), arrays["exp_avg_sq"])
    bound[st], bound[m], bound[v] = arrays["step"], arrays["exp_avg"], arrays["exp_avg_sq"]
    t = e.fresh(f"t_{p}")
    e.stmt(f"np.add({st}, 1, out={st}); {t} = float({st})")
    decoupled = group.get("decoupled_weight_decay", False)
    if group["maximize"]:
        d = _scratch(e, "d", p)
        e.into(d, "np.negative", g)
        g = d
    if group["weight_decay"] != 0 and decoupled:  # AdamW: p *= 1 - lr * wd
        e.into(p, "np.multiply", p, f"(1 - {h['lr']} * {h['weight_decay']})")
    elif group["weight_decay"] != 0:
        d = _scratch(e, "decayed", p)
        e.into(d, "np.multiply", p, h["weight_decay"])
        e.into(d, "np.add", g, d)
        g = d
    tmp = _scratch(e, "tmp", p)
    b1, b2 = h["beta1"], h["beta2"]
    e.into(tmp, "np.multiply", g, g)
    e.into(tmp, "np.multiply", tmp, f"(1 - {b2})")
    e.into(v, "np.multiply", v, b2)
    e.into(v, "np.add", v, tmp)
    e.into(tmp, "np.multiply", g, f"(1 - {b1})")
    e.into(m, "np.multiply", m, b1)
    e.into(m, "np.add", m, tmp)
    e.end("moments: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2")
    if group["amsgrad"]:
        held = state["max_exp_avg_sq"]._data
        vmax = e.bind(identifier(f"max_exp_avg_sq_{p}"), held)
        bound[vmax] = held
        e.into(vmax, "np.maximum", vmax, v)
        e.into(tmp, "np.sqrt", vmax)
    else:
        e.into(tmp, "np.sqrt", v)
    e.into(tmp, "np.divide", tmp, f"math.sqrt(1 - {b2} ** {t})")
    e.into(tmp, "np.add", tmp, h["eps"])
    e.into(tmp, "np.divide", m, tmp)
    e.into(tmp, "np.multiply", tmp, f"({h['lr']} / (1 - {b1} ** {t}))")
    e.into(p, "np.subtract", p, tmp)
    e.end(f"{p} -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)")
