"""``clamp``/``clip`` (and ``clamp_``, ``clip_``, ``clamp_min``, ``clamp_max``...) with tensor
bounds, PyTorch's meaning: the bounds broadcast against the input, the result is
``min(max(x, min), max)`` (``max`` where min > max), the dtype is PyTorch's result type of the
three, and the gradient goes to the input and to the bounds by PyTorch's convention at ties:
the input keeps it where ``min <= x <= max``, ``min`` gets it where ``x < min < max``, ``max``
where ``x > max`` or ``max < min``.

Values, dtypes, gradients and node names against torch (optional); first and second order
against finite differences in float64.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.gradcheck import gradcheck, gradgradcheck

RNG = np.random.default_rng(7)


def _torch() -> Any:
    return pytest.importorskip("torch")


def _lib_tensor(lib: Any, a: Any, grad: bool) -> Any:
    """``a`` (an array, or None) as a tensor of ``lib``, requiring grad if asked and float."""
    if a is None:
        return None
    t = lib.tensor(np.asarray(a))
    if grad and t.dtype.is_floating_point:
        t.requires_grad_(True)
    return t


def _dtype_name(t: Any) -> str:
    return str(t.dtype).split(".")[-1]


# Whole numbers, so that x meets its bounds (ties) often, and min > max happens.
def _ties(shape: tuple[int, ...]) -> np.ndarray:
    return RNG.integers(-2, 3, size=shape).astype(np.float64)


CASES: dict[str, tuple[tuple[int, ...], tuple[int, ...] | None, tuple[int, ...] | None]] = {
    "same shapes": ((3, 4), (3, 4), (3, 4)),
    "broadcast bounds": ((3, 4), (4,), (3, 1)),
    "0-d bounds": ((5,), (), ()),
    "bounds larger than x": ((4,), (2, 4), (3, 1, 1)),
    "min only": ((3, 4), (4,), None),
    "max only": ((3, 4), None, (3, 1)),
}


def _case(name: str) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    xs, los, his = CASES[name]
    return (
        _ties(xs),
        None if los is None else _ties(los),
        None if his is None else _ties(his),
    )


CALLS: dict[str, Callable[[Any, Any, Any, Any], Any]] = {
    "method clamp": lambda lib, x, lo, hi: x.clamp(min=lo, max=hi),
    "method clip": lambda lib, x, lo, hi: x.clip(lo, hi),
    "function clamp": lambda lib, x, lo, hi: lib.clamp(x, lo, hi),
    "function clip": lambda lib, x, lo, hi: lib.clip(x, min=lo, max=hi),
}


def _sum_to(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``g`` summed over the dimensions broadcasting added or stretched, back to ``shape``."""
    g = g.sum(axis=tuple(range(g.ndim - len(shape))))
    return g.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True)


def _expected(x: np.ndarray, lo: Any, hi: Any, upstream: np.ndarray) -> list[Any]:
    """The value and the gradients of x, min and max by PyTorch's rule, in NumPy."""
    bx, blo, bhi = np.broadcast_arrays(
        x, -np.inf if lo is None else lo, np.inf if hi is None else hi
    )
    value = np.minimum(np.maximum(bx, blo), bhi)
    keep = (bx >= blo) & (bx <= bhi)
    to_low = (bx < blo) & (blo < bhi)
    to_high = (bx > bhi) | (bhi < blo)
    grads = [
        None if a is None else _sum_to(upstream * mask, np.shape(a))
        for a, mask in ((x, keep), (lo, to_low), (hi, to_high))
    ]
    return [value, *grads]


# PyTorch's own backward raises here (it does not sum a bound's gradient back over the
# dimensions the bound was broadcast to: "output with shape [2, 4] doesn't match the broadcast
# shape [3, 2, 4]"); minigrad's gradients are checked against the NumPy rule alone.
TORCH_BACKWARD_FAILS = {"bounds larger than x"}


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("case", list(CASES))
def test_values_gradients_and_node(case: str, call: str) -> None:
    """Values, the gradients of x and of both bounds (ties and min > max included), and the
    node's name, by PyTorch's rule and as torch's in float64, with a random upstream gradient."""
    x, lo, hi = _case(case)
    xt, lot, hit = (_lib_tensor(mg, a, True) for a in (x, lo, hi))
    out = CALLS[call](mg, xt, lot, hit)
    upstream = RNG.integers(1, 9, size=tuple(out.shape)).astype(np.float64)
    out.backward(mg.tensor(upstream))
    ours = [out.detach().numpy(), *(None if t is None else t.grad.numpy() for t in (xt, lot, hit))]
    for got, want in zip(ours, _expected(x, lo, hi, upstream)):
        assert (got is None) == (want is None)
        if want is not None:
            assert got.shape == want.shape
            np.testing.assert_array_equal(got, want)
    assert out.grad_fn.name() == "ClampBackward0"
    torch = _torch()
    tt = [_lib_tensor(torch, a, True) for a in (x, lo, hi)]
    theirs = CALLS[call](torch, *tt)
    np.testing.assert_array_equal(ours[0], theirs.detach().numpy())
    assert theirs.grad_fn.name() == "ClampBackward0"
    if case not in TORCH_BACKWARD_FAILS:
        theirs.backward(torch.tensor(upstream))
        for got, t in zip(ours[1:], tt):
            if t is not None:
                np.testing.assert_array_equal(got, t.grad.numpy())


def test_ties_and_crossed_bounds_follow_pytorchs_convention() -> None:
    """Without torch: x = min keeps the gradient for x; min > max gives max and its gradient to
    max; x < min = max gives the value and no gradient to anyone (PyTorch's rule)."""
    x = mg.tensor([1.0, 2.0, 3.0, 2.0, 5.0, 1.0], dtype=mg.float64, requires_grad=True)
    lo = mg.tensor([2.0, 2.0, 2.0, 1.0, 4.0, 2.0], dtype=mg.float64, requires_grad=True)
    hi = mg.tensor([3.0, 3.0, 2.5, 1.5, 3.0, 2.0], dtype=mg.float64, requires_grad=True)
    out = x.clamp(lo, hi)
    out.backward(mg.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], dtype=mg.float64))
    assert out.tolist() == [2.0, 2.0, 2.5, 1.5, 3.0, 2.0]
    assert x.grad.tolist() == [0.0, 2.0, 0.0, 0.0, 0.0, 0.0]
    assert lo.grad.tolist() == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert hi.grad.tolist() == [0.0, 0.0, 3.0, 4.0, 5.0, 0.0]


@pytest.mark.parametrize("given", ["both", "min", "max"])
def test_nan_in_the_input_or_a_bound_gives_nan_and_no_gradient(given: str) -> None:
    torch = _torch()
    x = np.array([np.nan, 1.0, 1.0, 3.0, -1.0])
    lo = None if given == "max" else np.array([0.0, np.nan, 0.0, 0.0, 0.0])
    hi = None if given == "min" else np.array([2.0, 2.0, np.nan, 2.0, 2.0])
    results = []
    for lib in (mg, torch):
        xt, lot, hit = (_lib_tensor(lib, a, True) for a in (x, lo, hi))
        out = lib.clamp(xt, lot, hit)
        out.sum().backward()
        grads = [t.grad.numpy() for t in (xt, lot, hit) if t is not None]
        results.append([out.detach().numpy(), *grads])
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("name", ["clamp_min", "clamp_max"])
@pytest.mark.parametrize("as_function", [False, True])
def test_clamp_min_and_clamp_max_take_a_tensor_bound(name: str, as_function: bool) -> None:
    torch = _torch()
    x, bound = _ties((3, 4)), _ties((4,))
    results = []
    for lib in (mg, torch):
        xt, bt = _lib_tensor(lib, x, True), _lib_tensor(lib, bound, True)
        out = getattr(lib, name)(xt, bt) if as_function else getattr(xt, name)(bt)
        out.backward(lib.tensor(np.arange(12.0).reshape(3, 4)))
        results.append([out.detach().numpy(), xt.grad.numpy(), bt.grad.numpy(), out.grad_fn.name()])
    (*ours, our_name), (*theirs, their_name) = results
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    assert our_name == their_name


DTYPES: dict[str, tuple[Any, Any, Any]] = {
    # (x, min, max) as arrays; a 0-d array is a 0-d tensor
    "int x, float min": (np.array([1, 2, 3]), np.array([1.5]), None),
    "int x, 0-d float min": (np.array([1, 2, 3]), np.array(1.5), None),
    "int x and min, 0-d float64 max": (
        np.array([1, 2, 3]),
        np.array([2]),
        np.array(2.5),
    ),
    "float32 x, float64 min": (np.array([1.0, 2, 3], np.float32), np.array([2.0]), None),
    "float32 x, 0-d float64 min": (np.array([1.0, 2, 3], np.float32), np.array(2.0), None),
    "float32 x, 0-d int bounds": (np.array([1.0, 2, 3], np.float32), np.array(1), np.array(2)),
    "bool x and bounds": (np.array([True, False]), np.array([True, True]), None),
    "int x, bool min": (np.array([1, 2]), np.array([True, True]), None),
}


@pytest.mark.parametrize("case", list(DTYPES))
def test_the_result_type_is_pytorchs(case: str) -> None:
    torch = _torch()
    x, lo, hi = DTYPES[case]
    ours = mg.clamp(*(_lib_tensor(mg, a, False) for a in (x, lo, hi)))
    theirs = torch.clamp(*(_lib_tensor(torch, a, False) for a in (x, lo, hi)))
    assert _dtype_name(ours) == _dtype_name(theirs)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_only_the_bounds_require_grad() -> None:
    x = mg.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    lo = mg.tensor([1.0, 1.5, 1.0], requires_grad=True)
    hi = mg.tensor(3.5, requires_grad=True)
    out = x.clamp(lo, hi)
    assert out.requires_grad and out.grad_fn.name() == "ClampBackward0"
    out.sum().backward()
    assert lo.grad.tolist() == [1.0, 1.0, 0.0]  # 0 < 1 and 1 < 1.5
    assert lo.grad.tolist() == [float((x.numpy()[:, j] < lo.tolist()[j]).sum()) for j in range(3)]
    assert hi.grad.item() == 2.0  # 4 and 5 are above
    assert x.grad is None


def test_no_gradient_no_node() -> None:
    out = mg.tensor([1.0, 2.0]).clamp(mg.tensor([1.5, 1.5]))
    assert out.grad_fn is None and not out.requires_grad
    with mg.no_grad():
        x = mg.tensor([1.0, 2.0], requires_grad=True)
        assert x.clamp(mg.tensor(1.5, requires_grad=True)).grad_fn is None


# ---------------------------------------------------------------------------------------------
# Finite differences (float64), away from the kinks


def _apart(shape_x: tuple[int, ...], shape_lo: tuple[int, ...], shape_hi: tuple[int, ...]) -> Any:
    """x, min and max with every element of x at least 0.1 away from its bounds (no kink in
    reach of the finite differences), min < max in most places and min > max in one."""
    for _ in range(1000):
        x = RNG.uniform(-2, 2, size=shape_x)
        lo = RNG.uniform(-1, 0, size=shape_lo)
        hi = RNG.uniform(0, 1, size=shape_hi)
        hi.flat[0] = lo.flat[0] - 0.5  # crossed somewhere
        bx, blo, bhi = np.broadcast_arrays(x, lo, hi)
        if np.abs(bx - blo).min() > 0.1 and np.abs(bx - bhi).min() > 0.1:
            return x, lo, hi
    raise AssertionError("no draw kept x away from its bounds")


SHAPES = [((3, 4), (4,), (3, 1)), ((4,), (2, 4), ()), ((2, 3), (2, 3), (2, 3))]


def _leaves(*arrays: np.ndarray) -> list[mg.Tensor]:
    return [mg.tensor(a, dtype=mg.float64, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("shapes", SHAPES)
def test_gradcheck_and_gradgradcheck(shapes: Any) -> None:
    inputs = _leaves(*_apart(*shapes))
    assert gradcheck(lambda x, lo, hi: x.clamp(lo, hi), inputs)
    assert gradgradcheck(lambda x, lo, hi: x.clamp(lo, hi), inputs)
    assert gradcheck(lambda x, lo: mg.clamp_min(x, lo), inputs[:2])
    assert gradgradcheck(lambda x, hi: x.clamp_max(hi), [inputs[0], inputs[2]])


def test_second_order_under_create_graph() -> None:
    """The gradient of a clamp with tensor bounds is itself recorded: for sum(clamp(x)^2) it is
    2 x where min <= x <= max, and differentiating it again agrees with finite differences."""
    x, lo, hi = _leaves(*_apart((3, 4), (4,), (3, 1)))
    (g,) = mg.autograd.grad((x.clamp(lo, hi) ** 2).sum(), [x], create_graph=True)
    assert g.requires_grad
    xd, lod, hid = (t.detach().numpy() for t in (x, lo, hi))
    inside = (xd >= lod) & (xd <= hid)
    np.testing.assert_allclose(g.detach().numpy(), 2 * xd * inside)
    (gg,) = mg.autograd.grad(g.sum(), [x])
    np.testing.assert_allclose(gg.numpy(), 2.0 * inside)
    assert gradgradcheck(lambda x, lo, hi: (x.clamp(lo, hi) ** 2).sum(), [x, lo, hi])


# ---------------------------------------------------------------------------------------------
# Non-contiguous input and bounds


def test_non_contiguous_input_and_bounds_give_the_contiguous_results() -> None:
    torch = _torch()
    base_x, base_lo, base_hi = _ties((4, 6)), _ties((6, 8)), _ties((4, 2))
    views = [
        lambda t: t.T[::2],  # (3, 4): transposed, strided
        lambda t: t[::2, 1:5],  # (3, 4): strided rows
        lambda t: t[:3, :1],  # (3, 1)
    ]
    results = []
    for lib in (mg, torch):
        leaves = [_lib_tensor(lib, a, True) for a in (base_x, base_lo, base_hi)]
        x, lo, hi = (view(t) for view, t in zip(views, leaves))
        out = x.clamp(lo, hi)
        out.backward(lib.tensor(np.arange(12.0).reshape(3, 4)))
        results.append([out.detach().numpy(), *(t.grad.numpy() for t in leaves)])
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)
    # and the same as contiguous copies
    x, lo, hi = (
        mg.tensor(np.ascontiguousarray(v(a).copy()))
        for v, a in zip(
            [lambda a: a.T[::2], lambda a: a[::2, 1:5], lambda a: a[:3, :1]],
            (base_x, base_lo, base_hi),
        )
    )
    np.testing.assert_array_equal(x.clamp(lo, hi).numpy(), results[0][0])


def test_non_contiguous_gradcheck() -> None:
    x, lo, hi = _apart((4, 3), (4, 3), (4, 1))
    leaves = _leaves(np.asfortranarray(x), lo, hi)
    assert gradcheck(lambda x, lo, hi: x.T.clamp(lo.T[::1], hi.T), leaves)
    assert gradgradcheck(lambda x, lo, hi: x.T.clamp(lo.T[::1], hi.T), leaves)


# ---------------------------------------------------------------------------------------------
# In place

INPLACE: dict[str, Callable[[Any, Any, Any], Any]] = {
    "clamp_": lambda t, lo, hi: t.clamp_(lo, hi),
    "clip_": lambda t, lo, hi: t.clip_(min=lo, max=hi),
    "clamp_min_": lambda t, lo, hi: t.clamp_min_(lo),
    "clamp_max_": lambda t, lo, hi: t.clamp_max_(hi),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_in_place_with_tensor_bounds(name: str) -> None:
    """Values and the version counter as torch's; a recorded change of a computed tensor gives
    torch's gradients to the leaf and to the bounds."""
    torch = _torch()
    x, lo, hi = _ties((3, 4)), _ties((4,)), _ties((3, 1))
    results = []
    for lib in (mg, torch):
        plain = lib.tensor(x)
        before = plain._version
        returned = INPLACE[name](plain, lib.tensor(lo), lib.tensor(hi))
        assert returned is plain
        leaf, lot, hit = (_lib_tensor(lib, a, True) for a in (x, lo, hi))
        h = leaf * 1.0
        INPLACE[name](h, lot, hit)
        h.backward(lib.tensor(np.arange(12.0).reshape(3, 4)))
        grads = [t.grad.numpy() if t.grad is not None else None for t in (leaf, lot, hit)]
        results.append((plain.numpy(), plain._version - before, h.detach().numpy(), grads))
    ours, theirs = results
    np.testing.assert_array_equal(ours[0], theirs[0])
    assert ours[1] == theirs[1] == 1
    np.testing.assert_array_equal(ours[2], theirs[2])
    for a, b in zip(ours[3], theirs[3]):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b)


def test_in_place_change_of_a_saved_tensor_is_refused_at_backward() -> None:
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = mg.tensor([1.0, 2.0, 3.0])
    y = (x * w).sum()  # saves w
    w.clamp_(mg.tensor([1.5, 1.5, 1.5]))
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_in_place_refuses_a_result_it_cannot_hold() -> None:
    torch = _torch()
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired"):
            lib.tensor([1, 2, 3]).clamp_(min=lib.tensor([1.5]))
        with pytest.raises(RuntimeError, match=r"output with shape \[3\] doesn't match the"):
            lib.tensor([1.0, 2.0, 3.0]).clamp_(min=lib.zeros(2, 3))
    t = mg.tensor([1.0, 2.0, 3.0])
    t.clamp_(mg.tensor([2.0], dtype=mg.float64))  # float64 into float32: as torch, allowed
    assert t.dtype == mg.float32 and t.tolist() == [2.0, 2.0, 3.0]


# ---------------------------------------------------------------------------------------------
# Misuse, in PyTorch's words


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, x: x.clamp(min=lib.tensor([1.0, 2.0, 3.0]), max=2.5),  # a tensor and a number
        lambda lib, x: lib.clamp(x, 1.0, lib.tensor([2.0, 2.0, 2.0])),
        lambda lib, x: x.clamp(min=[1.0, 2.0, 3.0]),  # a list
        lambda lib, x: x.clamp(max=np.array([1.0, 2.0, 3.0])),  # an array
        lambda lib, x: x.clamp(min="a"),
    ],
)
def test_bounds_pytorch_refuses_are_refused(call: Callable[[Any, Any], Any]) -> None:
    torch = _torch()
    for lib in (mg, torch):
        with pytest.raises(TypeError, match=r"clamp\(\) received an invalid combination"):
            call(lib, lib.tensor([1.0, 2.0, 3.0]))


def test_a_zero_dim_tensor_with_a_number_is_a_number() -> None:
    """PyTorch reads a 0-d tensor beside a number as a number (its node is the number clamp's),
    unless it requires grad: then the call is refused."""
    torch = _torch()
    for lib in (mg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        out = x.clamp(min=lib.tensor(2.0), max=2.5)
        assert out.tolist() == [2.0, 2.0, 2.5]
        assert out.grad_fn.name() == "ClampBackward1"
        with pytest.raises(TypeError, match=r"clamp\(\) received an invalid combination"):
            x.clamp(min=lib.tensor(2.0, requires_grad=True), max=2.5)


def test_bounds_that_do_not_broadcast() -> None:
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of"):
        mg.clamp(mg.ones(3), mg.zeros(2))


def test_number_bounds_keep_their_op() -> None:
    """Number bounds are one Clip node, as before (not the composition)."""
    x = mg.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    out = x.clamp(0, 1)
    assert type(out.grad_fn).__name__ == "Clip" and out.grad_fn.name() == "ClampBackward1"
    assert out.tolist() == [0.0, 0.5, 1.0]
    assert mg.tensor([1.0, 2.0]).clamp(min=np.float32(1.5)).tolist() == [1.5, 2.0]
