"""Numerical gradient checking: central finite differences in float64 against backward."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .grad_mode import enable_grad, no_grad
from .gradients import grad
from .tensor import Tensor, _new_tensor, from_data


class GradcheckError(RuntimeError):
    """Raised when an analytical gradient disagrees with the numerical one."""


def _outputs(fn: Callable[..., Any], inputs: Sequence[Tensor]) -> list[Tensor]:
    out = fn(*inputs)
    outs = list(out) if isinstance(out, tuple | list) else [out]
    return [o for o in outs if isinstance(o, Tensor)]


def numerical_jacobian(
    fn: Callable[..., Any], inputs: Sequence[Tensor], eps: float = 1e-6
) -> list[list[np.ndarray]]:
    """d(output k, flattened)/d(input i, flattened) by central differences, per (input, output).

    Perturbs each element of each differentiable input in place and restores it.
    """
    jac: list[list[np.ndarray]] = []
    with no_grad():
        outs0 = _outputs(fn, inputs)
        for x in inputs:
            if not (isinstance(x, Tensor) and x.requires_grad):
                jac.append([])
                continue
            cols = [np.zeros((x.numel(), o.numel())) for o in outs0]
            # Index x._data itself: reshape(-1) of a non-contiguous array is a copy.
            for j, at in enumerate(np.ndindex(x.shape)):
                orig = x._data[at]
                x._data[at] = orig + eps
                plus = [o._data.astype(np.float64).ravel() for o in _outputs(fn, inputs)]
                x._data[at] = orig - eps
                minus = [o._data.astype(np.float64).ravel() for o in _outputs(fn, inputs)]
                x._data[at] = orig
                for k in range(len(outs0)):
                    cols[k][j] = (plus[k] - minus[k]) / (2 * eps)
            jac.append(cols)
    return jac


def analytical_jacobian(fn: Callable[..., Any], inputs: Sequence[Tensor]) -> list[list[np.ndarray]]:
    """The same Jacobians from backward: one pass per output element (rows of the Jacobian)."""
    diff = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    wanted = {id(x) for x in diff}  # identity: ``==`` on tensors is elementwise
    outs = _outputs(fn, inputs)
    jac: list[list[np.ndarray]] = [
        [np.zeros((x.numel(), o.numel())) for o in outs] if id(x) in wanted else [] for x in inputs
    ]
    for k, out in enumerate(outs):
        if not out.requires_grad:
            continue
        for m in range(out.numel()):
            seed = np.zeros(out.shape, dtype=out.dtype)
            seed.reshape(-1)[m] = 1
            go = _new_tensor(seed, None)
            gs = grad(out, diff, grad_outputs=go, retain_graph=True, allow_unused=True)
            gi = iter(gs)
            for i, x in enumerate(inputs):
                if id(x) in wanted:
                    g = next(gi)
                    if g is not None:
                        jac[i][k][:, m] = g._data.astype(np.float64).ravel()
    return jac


def forward_jacobian(fn: Callable[..., Any], inputs: Sequence[Tensor]) -> list[list[np.ndarray]]:
    """The same Jacobians from ``autograd.forward_ad``: one dual per input element (columns
    of the Jacobian), the other inputs passed as they are."""
    from .autograd import forward_ad  # (here: the autograd package imports this module)

    jac: list[list[np.ndarray]] = []
    n_out = [o.numel() for o in _outputs(fn, inputs)]
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            jac.append([])
            continue
        cols = [np.zeros((x.numel(), n)) for n in n_out]
        for j in range(x.numel()):
            e = np.zeros(x.shape, dtype=x._data.dtype)
            e.reshape(-1)[j] = 1
            with forward_ad.dual_level():
                args = list(inputs)
                args[i] = forward_ad.make_dual(x, _new_tensor(e, None))
                for k, o in enumerate(_outputs(fn, args)):
                    t = forward_ad.unpack_dual(o).tangent
                    if t is not None:
                        cols[k][j] = t._data.astype(np.float64).ravel()
        jac.append(cols)
    return jac


def _check(inputs: Sequence[Any], where: str) -> None:
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype != np.float64:
            raise TypeError(
                f"{where}: input {i} has dtype {x.dtype}; finite differences need float64 "
                "inputs (use .double() or dtype=float64)"
            )


def gradcheck(
    fn: Callable[..., Any],
    inputs: Sequence[Tensor] | Tensor,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    *,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
    stats: dict[str, int] | None = None,
) -> bool:
    """Check backward against central finite differences for every input that requires grad.

    PyTorch's ``torch.autograd.gradcheck``, with its defaults.

    Args:
        fn: a function of the inputs returning a tensor (any shape) or a tuple of tensors.
        inputs: the inputs; those with ``requires_grad=True`` must be float64.
        eps: the finite-difference step.
        atol, rtol: passes when ``|numerical - analytical| <= atol + rtol * |numerical|``.
        raise_exception: raise ``GradcheckError`` on mismatch instead of returning False.
        nondet_tol, check_undefined_grad, check_grad_dtypes, fast_mode: accepted for
            compatibility (minigrad's backward is deterministic, hands rules no undefined
            gradients and casts every gradient to its input's dtype; the full Jacobian is
            always compared).
        check_forward_ad: also compare the Jacobian from ``autograd.forward_ad`` (which
            calls a custom Function's ``jvp``), one dual per input element.
        check_batched_grad, check_batched_forward_grad, masked: must be False (no vmap or
            masked tensors).
        check_backward_ad: False skips the comparison of backward's Jacobian.
        stats: if given, filled with ``compared`` (Jacobian entries compared) and ``zero`` (of
            them, how many are exactly 0 on both sides: such a comparison proves little), and
            ``blocks``/``zero_blocks``: the (input, output) Jacobians, and how many of them are
            all zero on both sides.

    Returns:
        True when every Jacobian entry agrees.

    Raises:
        GradcheckError: naming the input, the worst element's index, both values and the
            difference.
    """
    _unsupported(
        "gradcheck",
        check_batched_grad=check_batched_grad,
        check_batched_forward_grad=check_batched_forward_grad,
        masked=masked,
    )
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    _check(ins, "gradcheck")
    if not (check_backward_ad or check_forward_ad):
        return True
    num = numerical_jacobian(fn, ins, eps)
    if check_forward_ad:
        fwd = forward_jacobian(fn, ins)
        if not _compare(num, fwd, ins, atol, rtol, raise_exception, "gradcheck (forward AD)"):
            return False
    if not check_backward_ad:
        return True
    ana = analytical_jacobian(fn, ins)
    if stats is not None:
        pairs = [(n, a) for n_cols, a_cols in zip(num, ana) for n, a in zip(n_cols, a_cols)]
        stats["compared"] = sum(n.size for n, _ in pairs)
        stats["zero"] = sum(int(((n == 0) & (a == 0)).sum()) for n, a in pairs)
        stats["blocks"] = len(pairs)
        stats["zero_blocks"] = sum(1 for n, a in pairs if not n.any() and not a.any())
    return _compare(num, ana, ins, atol, rtol, raise_exception, "gradcheck")


def _unsupported(where: str, **flags: Any) -> None:
    """Refuse a PyTorch check minigrad cannot run, rather than skip it silently."""
    for name, value in flags.items():
        if value:
            raise NotImplementedError(
                f"{where}(): {name}=True is not supported (minigrad has no vmap, forward-over-"
                "reverse checks or masked tensors); leave it False"
            )


def _compare(
    num: list[list[np.ndarray]],
    ana: list[list[np.ndarray]],
    ins: Sequence[Any],
    atol: float,
    rtol: float,
    raise_exception: bool,
    where: str,
) -> bool:
    for i, (n_cols, a_cols) in enumerate(zip(num, ana)):
        for k, (n, a) in enumerate(zip(n_cols, a_cols)):
            bad = ~(np.abs(n - a) <= atol + rtol * np.abs(n))  # NaN compares False: bad
            if not bad.any():
                continue
            worst = np.unravel_index(np.argmax(np.abs(n - a) * bad), n.shape)
            elem = np.unravel_index(worst[0], ins[i].shape) if ins[i].shape else ()
            msg = (
                f"{where}: Jacobian mismatch for input {i} (shape {tuple(ins[i].shape)}), "
                f"output {k}, "
                f"element {tuple(int(e) for e in elem)} of the input against output element "
                f"{int(worst[1])}: numerical {n[worst]:.10g}, analytical {a[worst]:.10g}, "
                f"difference {abs(n[worst] - a[worst]):.3g} (atol={atol}, rtol={rtol})"
            )
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Sequence[Tensor] | Tensor,
    grad_outputs: Sequence[Tensor] | None = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
    *,
    gen_non_contig_grad_outputs: bool = False,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
    stats: dict[str, int] | None = None,
) -> bool:
    """Check second derivatives: gradcheck of the first-order gradients (``create_graph``).

    As PyTorch's, the function checked is ``(inputs, grad_outputs) -> grad(fn(inputs), inputs,
    grad_outputs, create_graph=True)``, differentiated with respect to the inputs *and* the
    ``grad_outputs``: a rule whose result under ``create_graph`` is right in value but cut from
    ``grad`` (or from an input) fails. ``grad_outputs`` are random (fixed by ``seed``) and
    non-uniform when not given; given ones are used as they are (float64 copies). PyTorch's
    other arguments are accepted as ``gradcheck`` accepts them: ``gen_non_contig_grad_outputs``
    passes the random ``grad_outputs`` as non-contiguous (Fortran-ordered) copies,
    ``check_fwd_over_rev`` must be False and ``check_rev_over_rev=False`` skips the comparison.
    ``stats``, if given, is filled as by ``gradcheck`` for the second-order comparisons.
    """
    _unsupported(
        "gradgradcheck",
        check_batched_grad=check_batched_grad,
        check_fwd_over_rev=check_fwd_over_rev,
        masked=masked,
    )
    if not check_rev_over_rev:
        return True
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    _check(ins, "gradgradcheck")
    diff = [x for x in ins if isinstance(x, Tensor) and x.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        gos = [_new_tensor(rng.standard_normal(o.shape), None) for o in _outputs(fn, ins)]
        if gen_non_contig_grad_outputs:  # the same values, laid out in reverse axis order
            gos = [_new_tensor(np.asfortranarray(g._data), None) for g in gos]
    else:
        gos = [from_data(np.array(g._data if isinstance(g, Tensor) else g)) for g in grad_outputs]
    for g in gos:
        if g._data.dtype != np.float64:
            g._data = g._data.astype(np.float64)
        g.requires_grad = True
    n = len(ins)

    def first_order(*args: Tensor) -> tuple[Tensor, ...]:
        xs, go = args[:n], list(args[n:])
        with enable_grad():  # finite differences call this under no_grad
            outs = _outputs(fn, xs)
            gs = grad(
                outs,
                [x for x in xs if x.requires_grad],
                grad_outputs=go,
                create_graph=True,
                allow_unused=True,
            )
        return tuple(g for g in gs if g is not None)

    if not diff:
        return True
    return gradcheck(first_order, [*ins, *gos], eps, atol, rtol, raise_exception, stats=stats)
