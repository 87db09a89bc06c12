"""The backward engine: accumulation, ordering, graph freeing, grad mode, hooks, grad(),
higher order and the errors of backward()."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor
from minigrad.engine import Op, run_backward
from minigrad.graph import iter_graph
from minigrad.tensor import apply


def leaf(a: Any) -> Tensor:
    return mg.from_numpy(np.asarray(a, dtype=np.float64)).requires_grad_()


def grad_of(t: Tensor) -> np.ndarray:
    assert t.grad is not None, "no gradient reached this tensor"
    return t.grad.numpy()


class Counted(Op):
    """z = 2 x;  dz/dx = 2, counting how often the rule runs."""

    __slots__ = ()
    calls = 0

    def forward(self, x: np.ndarray) -> np.ndarray:
        return 2 * x

    def backward(self, grad: Any, out: Any, x: Any) -> tuple[Any, ...]:
        Counted.calls += 1
        return (grad * 2,)


# ---------------------------------------------------------------------------------------------
# Accumulation and order


def test_diamond_accumulates() -> None:
    a = leaf(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad is not None and a.grad.item() == 4.0


def test_fan_out_sums_every_path() -> None:
    v = np.array([0.5, -1.0, 2.0])
    a = leaf(v)
    y = a * a + a.exp() + a.sin() * 3
    y.sum().backward()
    assert a.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), 2 * v + np.exp(v) + 3 * np.cos(v), rtol=1e-14)


def test_each_node_runs_once_with_its_total_gradient() -> None:
    a = leaf([1.0, 2.0])
    Counted.calls = 0
    b = apply(Counted(), a)  # consumed by three ops below
    seen: list[np.ndarray] = []
    b.register_hook(lambda g: seen.append(g.detach().numpy().copy()))
    loss = (b * b).sum() + b.sum() + (b * 3).sum()
    loss.backward()
    assert Counted.calls == 1
    assert len(seen) == 1
    bv = 2 * np.array([1.0, 2.0])
    np.testing.assert_allclose(seen[0], 2 * bv + 1 + 3)
    assert a.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), 2 * (2 * bv + 4))


def test_gradients_accumulate_across_backward_calls() -> None:
    v = np.array([1.0, -2.0])
    a = leaf(v)
    (a * a).sum().backward()
    (a * 3).sum().backward()
    assert a.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), 2 * v + 3)


def test_each_leaf_owns_its_gradient() -> None:
    """In-place changes to one .grad (clipping, zeroing) must not reach another leaf's."""
    a, b, c, d = leaf(np.ones(3)), leaf(np.ones(3)), leaf(np.ones((2, 3))), leaf(np.ones((3, 1)))
    # one array goes to a and b; a view of it to d (through reshape)
    (a + b + c.reshape(6)[:3] + d.reshape(3)).backward(np.ones(3))
    arrays = [grad_of(t) for t in (a, b, c, d)]
    for i in range(len(arrays)):
        for j in range(i):
            assert not np.shares_memory(arrays[i], arrays[j])
    for arr in arrays:
        arr *= 0.5  # writable, and changes only its own leaf
    np.testing.assert_array_equal(grad_of(b), 0.5 * np.ones(3))


def test_leaf_gradient_is_writable_after_a_reduction() -> None:
    a = leaf(np.ones((2, 3)))
    b = leaf(np.ones(3))
    (a.sum() + b.expand(4, 3).mean()).backward()
    for t in (a, b):
        assert t.grad is not None
        t.grad.data *= 2  # an optimizer may scale gradients in place
    np.testing.assert_array_equal(grad_of(a), np.full((2, 3), 2.0))


def test_long_chain_needs_no_recursion() -> None:
    n = 100_000
    x = leaf(1.0)
    y = x
    for _ in range(n):
        y = y * 1.00001
    y.backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.item(), 1.00001**n, rtol=1e-9)


def test_iter_graph_visits_consumers_before_producers() -> None:
    a = leaf([1.0, 2.0])
    b = a.exp()
    c = b * a
    d = c.sum() + b.sum()
    order = list(iter_graph([d]))
    pos = {id(n): i for i, n in enumerate(order)}
    for node in order:
        if isinstance(node, Op):
            for p in node.edges:
                if p is not None:
                    assert pos[id(node)] < pos[id(p)]
    assert sum(n is a for n in order) == 1  # the leaf, once, after every op that uses it


def test_backward_runs_the_latest_recorded_op_first_and_leaves_last() -> None:
    """The walk order (iter_graph's): ops by their tick, latest first, then the leaves."""
    a, w = leaf([1.0, 2.0]), leaf([0.5, -1.0])
    b = a * w
    c = b.exp() + b.sin()  # a diamond: b feeds two ops
    d = (c * w).sum()
    order = list(iter_graph([d]))
    ops = [n for n in order if isinstance(n, Op)]
    ticks = [op.epoch for op in ops]
    assert ticks == sorted(ticks, reverse=True) and len(set(ticks)) == len(ticks)
    assert order[len(ops) :] == [w, a]  # the leaves, in the order the ops reach them
    seen: list[Any] = []
    run_backward([d], [np.array(1.0)], True, False, observe=lambda n, g, h: seen.append(n))
    assert seen == order  # the engine visits the nodes in that order


def test_backward_that_fails_midway_changes_no_grad() -> None:
    """A saved tensor changed in place is found when its op's turn comes, after other ops ran:
    the leaves' gradients are added only once every op has run, so none changed."""
    p, d = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    s = p * p  # saves p
    loss = (d * 2).sum() + s.sum()  # d's branch runs before p * p (recorded later)
    with mg.no_grad():
        p.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()
    assert d.grad is None and p.grad is None


# ---------------------------------------------------------------------------------------------
# Freeing the graph


def test_graph_is_freed_after_backward_but_keeps_its_structure() -> None:
    a = leaf(np.arange(4.0))
    h = a.exp()  # an intermediate tensor, saved by the Mul below
    h_ref = weakref.ref(h)
    arr_ref = weakref.ref(h.detach().numpy())
    mul = h * 2
    loss = mul.sum()
    del h, mul
    gc.collect()
    assert h_ref() is not None  # alive: saved by the graph
    loss.backward()
    assert h_ref() is None
    assert arr_ref() is None
    ops = [n for n in iter_graph([loss]) if isinstance(n, Op)]
    assert [type(op).__name__ for op in ops] == ["Sum", "Mul", "Exp"]
    assert all(op.inputs is None and op.out is None for op in ops)
    # the structure stays for drawing: Sum <- Mul <- Exp <- a
    assert loss.grad_fn is ops[0] and ops[0].edges == (ops[1],)
    assert ops[1].edges == (ops[2], None) and ops[2].edges == (a,)


def test_second_backward_raises_and_changes_nothing() -> None:
    a = leaf([1.0, 2.0])
    b = a.sin()
    b.sum().backward()
    assert a.grad is not None
    before = a.grad.numpy().copy()
    d = leaf([3.0, 4.0])
    # the fresh branch with d comes first in the walk: a careless engine updates d, then fails
    loss = (d * 2).sum() + b.sum()
    with pytest.raises(RuntimeError, match=r"second time.*retain_graph=True"):
        loss.backward()
    assert d.grad is None
    np.testing.assert_array_equal(a.grad.numpy(), before)
    with pytest.raises(RuntimeError, match="retain_graph"):
        b.sum().backward()


def test_retain_graph_allows_a_second_backward() -> None:
    v = np.array([0.3, -0.7])
    a = leaf(v)
    loss = (a.tanh() * a).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    assert a.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), 2 * (np.tanh(v) + v * (1 - np.tanh(v) ** 2)))


def test_memory_is_flat_over_many_steps() -> None:
    """Live Tensors and Ops stay constant step after step (and without the cycle collector)."""
    rng = np.random.default_rng(0)
    x = mg.from_numpy(rng.standard_normal((8, 4)))
    w = leaf(rng.standard_normal((4, 3)) * 0.1)

    def step() -> None:
        loss = ((x @ w).tanh() ** 2).mean() + (w * w).sum() * 1e-3
        loss.backward()
        assert w.grad is not None
        w.data -= 0.1 * w.grad
        w.grad = None

    def live() -> tuple[int, int]:
        # type(), not isinstance(): it does not trigger lazy module attributes (e.g. torch's)
        types = [type(o) for o in gc.get_objects()]
        return sum(t is Tensor for t in types), sum(issubclass(t, Op) for t in types)

    gc.collect()
    gc.disable()  # anything kept alive by a reference cycle would pile up
    try:
        for _ in range(50):
            step()
        first = live()
        for _ in range(2000):
            step()
        assert live() == first
    finally:
        gc.enable()


# ---------------------------------------------------------------------------------------------
# Grad mode, detach, requires_grad


def test_no_grad_context_and_decorator() -> None:
    a = leaf([1.0])
    with mg.no_grad():
        assert not mg.is_grad_enabled()
        b = a * 2
    assert mg.is_grad_enabled()
    assert not b.requires_grad and b.grad_fn is None

    @mg.no_grad()
    def f(t: Tensor) -> Tensor:
        return t.exp()

    c = f(a)
    assert not c.requires_grad and mg.is_grad_enabled()


def test_grad_mode_is_restored_after_an_exception() -> None:
    with pytest.raises(ZeroDivisionError), mg.no_grad():
        1 / 0
    assert mg.is_grad_enabled()


def test_enable_grad_inside_no_grad() -> None:
    a = leaf([2.0])
    with mg.no_grad():
        with mg.enable_grad():
            b = a * a
        c = a * a
        assert not mg.is_grad_enabled()
    assert b.requires_grad and not c.requires_grad
    b.sum().backward()
    assert a.grad is not None and a.grad.item() == 4.0


def test_set_grad_enabled() -> None:
    with mg.set_grad_enabled(False):
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()


def test_detach_shares_data_and_stops_gradient() -> None:
    a = leaf([1.0, 2.0])
    b = a * 3
    d = b.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.detach().numpy(), b.detach().numpy())
    (a * d).sum().backward()
    assert a.grad is not None
    np.testing.assert_array_equal(a.grad.numpy(), d.detach().numpy())


def test_requires_grad_only_for_floating_tensors() -> None:
    t = mg.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="floating"):
        t.requires_grad_()
    assert not t.requires_grad
    with pytest.raises(RuntimeError, match="int64"):
        mg.tensor([1, 2], requires_grad=True)
    f = Tensor([1.0]).requires_grad_()
    assert f.requires_grad and f.is_leaf
    with pytest.raises(RuntimeError, match="leaf"):
        (f * 2).requires_grad_(False)


def test_int_tensors_and_constants_get_no_gradient() -> None:
    a = leaf([1.0, 2.0])
    k = mg.tensor([3, 4])
    c = Tensor([5.0, 6.0])
    (a * k + c).sum().backward()
    assert a.grad is not None and k.grad is None and c.grad is None
    np.testing.assert_array_equal(a.grad.numpy(), [3.0, 4.0])


# ---------------------------------------------------------------------------------------------
# Hooks


def test_leaf_hook_sees_and_replaces_the_gradient() -> None:
    a = leaf([1.0, 2.0])
    seen: list[np.ndarray] = []

    def hook(g: Tensor) -> Tensor:
        seen.append(g.detach().numpy().copy())
        return g * 10

    a.register_hook(hook)
    (a * a).sum().backward()
    np.testing.assert_array_equal(seen[0], [2.0, 4.0])
    assert a.grad is not None
    np.testing.assert_array_equal(a.grad.numpy(), [20.0, 40.0])


def test_non_leaf_hook_replaces_the_gradient_upstream() -> None:
    a = leaf([1.0, 2.0])
    b = a * 3
    b.register_hook(lambda g: g * 0 + 1)  # pretend d(loss)/db = 1
    (b * b).sum().backward()
    assert a.grad is not None
    np.testing.assert_array_equal(a.grad.numpy(), [3.0, 3.0])
    with pytest.warns(UserWarning, match="not a leaf"):
        assert b.grad is None  # non-leaf: not retained (PyTorch's warning says so)


def test_hook_remove() -> None:
    a = leaf([1.0])
    calls: list[int] = []
    handle = a.register_hook(lambda g: calls.append(1))
    (a * 2).sum().backward()
    handle.remove()
    (a * 2).sum().backward()
    assert calls == [1]
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).register_hook(lambda g: None)


# ---------------------------------------------------------------------------------------------
# grad()


def test_grad_returns_and_leaves_dot_grad_untouched() -> None:
    v = np.array([0.5, 1.5])
    a = leaf(v)
    (ga,) = mg.grad((a**3).sum(), a)
    assert a.grad is None
    assert ga is not None and ga.dtype == np.float64
    np.testing.assert_allclose(ga.detach().numpy(), 3 * v**2)


def test_grad_allow_unused() -> None:
    a, b = leaf([1.0]), leaf([2.0])
    with pytest.raises(RuntimeError, match="allow_unused"):
        mg.grad((a * 2).sum(), [a, b])
    ga, gb = mg.grad((a * 2).sum(), [a, b], allow_unused=True)
    assert gb is None and ga is not None and ga.item() == 2.0


def test_grad_multiple_outputs_and_inputs_with_grad_outputs() -> None:
    rng = np.random.default_rng(1)
    va, vb = rng.standard_normal(3), rng.standard_normal(3)
    a, b = leaf(va), leaf(vb)
    y1, y2 = a * b, a.sin()
    g1, g2 = rng.standard_normal(3), rng.standard_normal(3)
    ga, gb = mg.grad([y1, y2], [a, b], grad_outputs=[mg.from_numpy(g1), mg.from_numpy(g2)])
    assert ga is not None and gb is not None
    np.testing.assert_allclose(ga.detach().numpy(), g1 * vb + g2 * np.cos(va), rtol=1e-14)
    np.testing.assert_allclose(gb.detach().numpy(), g1 * va, rtol=1e-14)
    assert a.grad is None and b.grad is None


def test_grad_with_respect_to_an_intermediate() -> None:
    a = leaf([1.0, 2.0])
    h = a * 2
    (gh,) = mg.grad((h * h).sum(), h)
    assert gh is not None
    np.testing.assert_array_equal(gh.detach().numpy(), 2 * h.detach().numpy())


def test_grad_of_grad_and_hessian_vector_product() -> None:
    v = np.array([0.3, -1.2])
    x = leaf(v)
    (g,) = mg.grad((x**3).sum(), x, create_graph=True)
    assert g is not None and g.requires_grad
    (gg,) = mg.grad(g.sum(), x)
    assert gg is not None
    np.testing.assert_allclose(gg.detach().numpy(), 6 * v)

    rng = np.random.default_rng(2)
    A = rng.standard_normal((3, 3))
    x0, u = rng.standard_normal(3), rng.standard_normal(3)

    def f(t: Tensor) -> Tensor:
        return (mg.from_numpy(A) @ t).tanh().sum() + (t**3).sum() * t.sin().sum()

    def gradient(p: np.ndarray) -> np.ndarray:
        t = leaf(p)
        f(t).backward()
        assert t.grad is not None
        return t.grad.numpy()

    x = leaf(x0)
    (g,) = mg.grad(f(x), x, create_graph=True)
    assert g is not None
    (hvp,) = mg.grad(g, x, grad_outputs=mg.from_numpy(u))
    eps = 1e-6
    numeric = (gradient(x0 + eps * u) - gradient(x0 - eps * u)) / (2 * eps)
    assert hvp is not None
    np.testing.assert_allclose(hvp.detach().numpy(), numeric, rtol=1e-6, atol=1e-8)


def test_backward_create_graph_gives_differentiable_grad() -> None:
    v = np.array([0.4, 0.9])
    x = leaf(v)
    (x.sin() * x).sum().backward(create_graph=True)
    assert x.grad is not None and x.grad.requires_grad
    g = x.grad
    x.grad = None
    g.sum().backward()
    np.testing.assert_allclose(grad_of(x), 2 * np.cos(v) - v * np.sin(v))


# ---------------------------------------------------------------------------------------------
# Errors of backward(): raised before anything changes


def test_backward_on_non_scalar_needs_a_gradient() -> None:
    a = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"shape \(2,\)"):
        (a * 2).backward()
    assert a.grad is None


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_seed_raises(bad: float) -> None:
    a = leaf([1.0, 2.0])
    with pytest.raises(ValueError, match="NaN or inf"):
        (a * 2).backward(np.array([1.0, bad]))
    assert a.grad is None


def test_backward_on_tensor_without_grad_raises() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).sum().backward()


def test_wrong_shape_gradient_raises() -> None:
    a = leaf([1.0, 2.0])
    (a * 2).sum().backward()
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        (a * 2).backward(np.ones(3))
    assert a.grad is not None
    np.testing.assert_array_equal(a.grad.numpy(), [2.0, 2.0])


def test_integer_gradient_raises() -> None:
    a = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match="floating"):
        (a * 2).backward(np.ones(2, dtype=np.int64))


def test_hook_may_return_a_plain_array() -> None:
    a = leaf(np.array([1.0, 2.0]))
    a.register_hook(lambda g: np.full(2, 7.0))
    (a * 3).sum().backward()
    np.testing.assert_array_equal(grad_of(a), [7.0, 7.0])


def test_hook_returning_the_wrong_shape_is_refused() -> None:
    a = leaf(np.array([1.0, 2.0]))
    a.register_hook(lambda g: np.ones(3))
    with pytest.raises(RuntimeError, match="hook"):
        (a * 3).sum().backward()


def test_hook_results_are_checked_on_every_path() -> None:
    # hooks.checked_result: a tensor of another shape, an array of strings, and (on a computed
    # tensor, under create_graph) a plain array, which becomes a tensor the next rule can use.
    a = leaf(np.array([1.0, 2.0]))
    h = a.register_hook(lambda g: mg.ones(3, dtype=mg.float64))
    with pytest.raises(RuntimeError, match=r"shape \(3,\); expected \(2,\)"):
        (a * 3).sum().backward()
    h.remove()
    h = a.register_hook(lambda g: np.array(["x", "y"]))
    with pytest.raises(TypeError, match="an array of dtype <U1"):
        (a * 3).sum().backward()
    h.remove()
    b = a * 3
    b.register_hook(lambda g: np.full(2, 2.0))
    (gb,) = mg.grad((b * b).sum(), [a], create_graph=True)
    np.testing.assert_array_equal(gb.detach().numpy(), [6.0, 6.0])  # 2 * d(3a)/da
    assert a.grad is None


def test_reentering_one_no_grad_object_restores_grad_mode() -> None:
    ctx = mg.no_grad()
    with ctx:
        with ctx:
            pass
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()


def test_create_graph_gives_each_leaf_its_own_grad_tensor() -> None:
    a, b = leaf(np.ones(3)), leaf(np.ones(3))
    (a + b).sum().backward(create_graph=True)
    assert a.grad is not None and b.grad is not None
    assert a.grad is not b.grad
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
