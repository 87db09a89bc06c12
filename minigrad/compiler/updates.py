"""The optimizer updates as NumPy source: SGD, Adam and AdamW, operation for operation as in
``minigrad.optim`` (so a compiled update gives the same bits as an eager one).

Hyper-parameters are read from ``groups`` (the optimizer's ``param_groups``) at every call, so
a scheduler that changes ``lr`` keeps working; only the choices that change the code (momentum
or not, Nesterov, weight decay, AMSGrad, maximize) are part of the step's guard
(``structure``).
"""

from __future__ import annotations

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


def guard_conditions(optimizer: Any, opt: str, groups: str, lists: list[str]) -> list[str]:
    """Source conditions that hold while the emitted update stays right: the same groups, the
    same parameters, the same flags. ``opt`` names the optimizer in the step, ``groups`` its
    ``param_groups`` when traced and ``lists[i]`` the ``params`` list of group i."""
    k = kind(optimizer)
    conds = [f"{opt}.param_groups is {groups}", f"len({groups}) == {len(optimizer.param_groups)}"]
    for i, g in enumerate(optimizer.param_groups):
        gi = f"{groups}[{i}]"
        conds.append(f"len({gi}['params']) == {len(g['params'])}")
        conds.append(f"{gi}['params'] is {lists[i]}")
        if k == "sgd":
            for key in ("momentum", "dampening", "weight_decay"):
                conds.append(f"({gi}[{key!r}] != 0) is {g[key] != 0}")
            conds.append(f"bool({gi}['nesterov']) is {bool(g['nesterov'])}")
        else:
            conds.append(f"({gi}['weight_decay'] != 0) is {g['weight_decay'] != 0}")
            conds.append(f"bool({gi}['amsgrad']) is {bool(g['amsgrad'])}")
            decoupled = bool(g.get("decoupled_weight_decay", False))
            conds.append(f"bool({gi}.get('decoupled_weight_decay', False)) is {decoupled}")
        conds.append(f"bool({gi}.get('maximize', False)) is {bool(g.get('maximize', False))}")
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
        for p in params:
            state = optimizer.state.get(p, {})
            pname, gname = names[id(p)], grads[id(p)]
            if k == "sgd":
                _sgd(e, group, hyper, pname, gname, state, bound)
            else:
                _adam(e, k, group, hyper, pname, gname, state, bound)
    e.execute = True
    return bound


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
        buf = e.bind(identifier(f"momentum_buffer_{p}"), state["momentum_buffer"])
        bound[buf] = state["momentum_buffer"]
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
    st = e.bind(identifier(f"state_{p}"), state)
    bound[st] = state
    m = e.bind(identifier(f"exp_avg_{p}"), state["exp_avg"])
    v = e.bind(identifier(f"exp_avg_sq_{p}"), state["exp_avg_sq"])
    bound[m], bound[v] = state["exp_avg"], state["exp_avg_sq"]
    t = e.fresh(f"t_{p}")
    e.stmt(f"{t} = {st}['step'] + 1; {st}['step'] = {t}")
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
        vmax = e.bind(identifier(f"max_exp_avg_sq_{p}"), state["max_exp_avg_sq"])
        bound[vmax] = state["max_exp_avg_sq"]
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
