"""L-BFGS: quasi-Newton steps from a short history of gradient differences, optionally with a
strong-Wolfe line search; ``step(closure)`` re-evaluates the loss as often as it needs.

A port of PyTorch's ``torch.optim.LBFGS`` (itself after minFunc and Lua torch's ``lbfgs.lua``
and ``lswolfe.lua``), statement for statement, on NumPy vectors that flatten every parameter
in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import versions
from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor, from_data
from .optimizer import Optimizer, ParamsLike

__all__ = ["LBFGS"]

Objective = Callable[[list[np.ndarray], Any, np.ndarray], tuple[float, np.ndarray]]


def _cubic_interpolate(
    x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any, bounds: tuple[Any, Any] | None = None
) -> Any:
    """The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, kept
    inside ``bounds`` (default: between x1 and x2); their midpoint when the cubic has none."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(
    obj_func: Objective,
    x: list[np.ndarray],
    t: Any,
    d: np.ndarray,
    f: float,
    g: np.ndarray,
    gtd: Any,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple[float, np.ndarray, Any, int]:
    """A step length along ``d`` meeting the strong Wolfe conditions: bracket, then zoom.

    Returns:
        (loss, flat gradient, step length, number of evaluations).
    """
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = g_new.dot(d)

    # bracket an interval containing a point satisfying the Wolfe criteria
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket: list[Any] = []
    bracket_f: list[Any] = []
    bracket_g: list[np.ndarray] = []
    bracket_gtd: list[Any] = []
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        # extrapolate
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(
            t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step)
        )
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

    if ls_iter == max_ls:  # no bracket within the evaluations allowed
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom: shrink the bracket until a point satisfies the criteria
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        # A trial point too close to an end of the bracket, twice running or at the end
        # itself, moves to a tenth of the bracket's length inside it.
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False

        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            # Armijo condition not met, or not lower than the lowest point: a new high end
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new.copy(), gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True  # Wolfe conditions met
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                # the old high end becomes the new low end
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new.copy(), gtd_new

    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


class LBFGS(Optimizer):
    """L-BFGS with PyTorch's algorithm, arguments, defaults and state.

    Each ``step(closure)`` runs up to ``max_iter`` iterations, calling ``closure`` (which
    zeroes the gradients, computes the loss, calls ``backward()`` and returns the loss) once
    per iteration, or as often as the line search needs. It keeps a history of
    ``history_size`` pairs of steps and gradient differences, across calls; all of its state
    sits under the first parameter, as in PyTorch.

    Args:
        params: the parameters (one group only).
        lr: learning rate (the step length tried first).
        max_iter: iterations per ``step()``.
        max_eval: loss evaluations per ``step()`` (default ``max_iter * 5 // 4``).
        tolerance_grad: stop when every gradient component is at most this.
        tolerance_change: stop when the loss or the parameters change less than this.
        history_size: number of past updates kept.
        line_search_fn: ``None`` (a fixed step of length ``lr``) or ``"strong_wolfe"``.

    Raises:
        ValueError: ``"Invalid learning rate: -1"``; more than one parameter group.
        RuntimeError: a ``line_search_fn`` other than None and ``"strong_wolfe"`` (PyTorch
            raises it at the first step; minigrad at construction).
    """

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        self._params: list[Tensor] = self.param_groups[0]["params"]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Refused once there is a group: L-BFGS optimizes one group of parameters only."""
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    def _validate(self, group: dict[str, Any]) -> None:
        self._nonneg(group, "lr")
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise RuntimeError(
                f"only 'strong_wolfe' is supported (LBFGS got line_search_fn="
                f"{group['line_search_fn']!r}; pass None for a fixed step)"
            )

    # -- the parameters as one flat vector ----------------------------------------------------

    def _gather_flat_grad(self) -> np.ndarray:
        return np.concatenate(
            [
                np.zeros(p._data.size, p._data.dtype) if p._grad is None else p._grad._data.ravel()
                for p in self._params
            ]
        )

    def _add_grad(self, step_size: Any, update: np.ndarray) -> None:
        offset = 0
        for p in self._params:
            n = p._data.size
            p._data += step_size * update[offset : offset + n].reshape(p._data.shape)
            offset += n
        versions.bump_all([p._data for p in self._params])

    def _clone_param(self) -> list[np.ndarray]:
        return [p._data.copy() for p in self._params]

    def _set_param(self, params_data: list[np.ndarray]) -> None:
        for p, data in zip(self._params, params_data, strict=True):
            np.copyto(p._data, data)
        versions.bump_all([p._data for p in self._params])

    def _evaluate(self, closure: Callable[[], Any]) -> float:
        with enable_grad():
            return float(closure())

    def _directional_evaluate(
        self, closure: Callable[[], Any], x: list[np.ndarray], t: Any, d: np.ndarray
    ) -> tuple[float, np.ndarray]:
        self._add_grad(t, d)
        loss = self._evaluate(closure)
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    # -- the step -----------------------------------------------------------------------------

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` L-BFGS iterations; returns the loss of the first call of
        ``closure`` (the loss before this step).

        Args:
            closure: re-evaluates the model and returns the loss (it is called with grad mode
                on; it must call ``backward()``).
        """
        self._opt_called = True
        group = self.param_groups[0]
        lr = float(group["lr"])  # a Tensor lr (PyTorch allows one) read as its value
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        # all of the state is global; PyTorch files it under the first parameter
        state = self.state.setdefault(self._params[0], {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        with no_grad():
            flat_grad = self._gather_flat_grad()
            if np.abs(flat_grad).max() <= tolerance_grad:  # already optimal
                return orig_loss

            # (the state holds Tensors, as PyTorch's; the iterations work on their arrays)
            d = _arrays(state.get("d"))
            t = state.get("t")
            old_dirs = _arrays(state.get("old_dirs"))
            old_stps = _arrays(state.get("old_stps"))
            ro = _arrays(state.get("ro"))
            al = _arrays(state.get("al"))
            H_diag = _arrays(state.get("H_diag"))
            prev_flat_grad = _arrays(state.get("prev_flat_grad"))
            prev_loss = state.get("prev_loss")

            n_iter = 0
            opt_cond = False
            while n_iter < max_iter:
                n_iter += 1
                state["n_iter"] += 1

                # the descent direction
                if state["n_iter"] == 1:
                    d = -flat_grad
                    old_dirs, old_stps, ro = [], [], []
                    H_diag = 1
                else:
                    assert d is not None and old_dirs is not None and old_stps is not None
                    assert ro is not None and prev_flat_grad is not None
                    y = flat_grad - prev_flat_grad
                    s = d * t
                    ys = y.dot(s)
                    if ys > 1e-10:  # a curvature pair worth keeping
                        if len(old_dirs) == history_size:
                            old_dirs.pop(0)
                            old_stps.pop(0)
                            ro.pop(0)
                        old_dirs.append(y)
                        old_stps.append(s)
                        ro.append(1.0 / ys)
                        H_diag = ys / y.dot(y)  # scale of the initial inverse Hessian
                    # the two-loop recursion: the inverse Hessian estimate times -gradient
                    num_old = len(old_dirs)
                    if al is None:
                        al = [None] * history_size
                    q = -flat_grad
                    for i in range(num_old - 1, -1, -1):
                        al[i] = old_stps[i].dot(q) * ro[i]
                        q += -al[i] * old_dirs[i]
                    d = r = q * H_diag
                    for i in range(num_old):
                        be_i = old_dirs[i].dot(r) * ro[i]
                        r += (al[i] - be_i) * old_stps[i]

                if prev_flat_grad is None:
                    prev_flat_grad = flat_grad.copy()
                else:
                    prev_flat_grad[...] = flat_grad
                prev_loss = loss

                # the step length
                if state["n_iter"] == 1:
                    t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr
                else:
                    t = lr
                gtd = flat_grad.dot(d)
                if gtd > -tolerance_change:  # not a descent direction any more
                    break

                ls_func_evals = 0
                if line_search_fn is not None:
                    x_init = self._clone_param()

                    def obj_func(
                        x: list[np.ndarray], t: Any, d: np.ndarray
                    ) -> tuple[float, np.ndarray]:
                        return self._directional_evaluate(closure, x, t, d)

                    loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                        obj_func, x_init, t, d, loss, flat_grad, gtd,
                        max_ls=max_eval - current_evals,
                    )  # fmt: skip
                    self._add_grad(t, d)
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                else:
                    self._add_grad(t, d)
                    if n_iter != max_iter:
                        # re-evaluated only if another iteration follows (in a stochastic
                        # setting, a last evaluation would be of no use)
                        loss = self._evaluate(closure)
                        flat_grad = self._gather_flat_grad()
                        opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                        ls_func_evals = 1

                current_evals += ls_func_evals
                state["func_evals"] += ls_func_evals

                if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                    break
                if np.abs(d * t).max() <= tolerance_change:  # lack of progress
                    break
                if abs(loss - prev_loss) < tolerance_change:
                    break

            state["d"] = _tensors(d)
            state["t"] = t
            state["old_dirs"] = _tensors(old_dirs)
            state["old_stps"] = _tensors(old_stps)
            state["ro"] = _tensors(ro)
            if al is not None:
                state["al"] = _tensors(al)
            state["H_diag"] = _tensors(H_diag)
            state["prev_flat_grad"] = _tensors(prev_flat_grad)
            state["prev_loss"] = prev_loss
        return orig_loss

    def _load_state_value(self, key: str, value: Any, p: Tensor) -> Any:
        """LBFGS's global state: counts, numbers, flat vectors and lists of them."""
        dtype = p._data.dtype
        size = sum(q._data.size for q in self._params)

        def number(v: Any) -> Any:
            return None if v is None else np.asarray(_array(v), dtype=dtype)[()]

        def scalar(v: Any) -> Tensor | None:
            return None if v is None else from_data(np.array(_array(v), dtype=dtype))

        def vector(v: Any) -> Tensor:
            arr = np.array(_array(v), dtype=dtype).reshape(-1)
            if arr.size != size:
                raise ValueError(
                    f"LBFGS.load_state_dict(): state {key!r} has {arr.size} elements, the "
                    f"parameters {size}"
                )
            return from_data(arr)

        if key in ("func_evals", "n_iter"):
            return int(np.asarray(_array(value)))
        if key in ("d", "prev_flat_grad"):
            return None if value is None else vector(value)
        if key in ("old_dirs", "old_stps"):
            return [vector(v) for v in value]
        if key in ("ro", "al"):
            return [scalar(v) for v in value]
        if key == "prev_loss":
            return None if value is None else float(np.asarray(_array(value)))
        if key == "H_diag":
            return scalar(value)
        return number(value)  # t


def _array(value: Any) -> Any:
    return value._data if isinstance(value, Tensor) else value


def _tensors(value: Any) -> Any:
    """A vector or number of the iterations (or a list of them) as the state keeps it: a
    Tensor sharing the array's memory (a NumPy scalar becomes a 0-d Tensor); other values, such
    as the first iteration's ``H_diag = 1`` and ``None``, as they are."""
    if isinstance(value, list):
        return [_tensors(v) for v in value]
    if isinstance(value, np.ndarray | np.generic):
        return from_data(np.asarray(value))
    return value


def _arrays(value: Any) -> Any:
    """The inverse of ``_tensors``: the state's Tensors (also in lists) as their arrays."""
    if isinstance(value, list):
        return [_arrays(v) for v in value]
    return _array(value)
