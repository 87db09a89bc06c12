"""In-place operations, the version counter, ``.data``, ``numpy()`` and ``.grad`` assignment.

PyTorch's rules: a leaf that requires grad changes only under ``no_grad``; an in-place op on a
non-leaf is recorded (backward stays right); a tensor saved for backward and changed in place
afterwards makes backward raise instead of giving a wrong gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor, nn, no_grad, optim

LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."
MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace"


def leaf(a: Any, requires_grad: bool = True) -> Tensor:
    return mg.from_numpy(np.asarray(a, dtype=np.float64)).requires_grad_(requires_grad)


def plain(a: Any) -> Tensor:
    return Tensor(np.asarray(a, dtype=np.float32))


def state(*ts: Tensor) -> list[tuple[Any, ...]]:
    """Everything an error must leave alone: values, array identity, graph, grad, version."""
    return [
        (
            t._data.copy(),
            id(t._data),
            t.grad_fn,
            t.requires_grad,
            None if t._grad is None else t._grad._data.copy(),  # (the slot: no warning)
            t._version,
        )
        for t in ts
    ]


def assert_same(before: list[tuple[Any, ...]], *ts: Tensor) -> None:
    for b, a in zip(before, state(*ts), strict=True):
        np.testing.assert_array_equal(a[0], b[0])
        assert a[1:4] == b[1:4] and a[5] == b[5]
        assert (a[4] is None) == (b[4] is None)
        if a[4] is not None:
            np.testing.assert_array_equal(a[4], b[4])


def raises_and_changes_nothing(
    fn: Callable[[], Any], exc: type[Exception], match: str, *ts: Tensor
) -> None:
    before = state(*ts)
    with pytest.raises(exc, match=match):
        fn()
    assert_same(before, *ts)


# ---------------------------------------------------------------------------------------------
# Operators and methods on tensors outside any graph


INPLACE = [
    ("+=", lambda t, o: t.__iadd__(o), np.add),
    ("-=", lambda t, o: t.__isub__(o), np.subtract),
    ("*=", lambda t, o: t.__imul__(o), np.multiply),
    ("/=", lambda t, o: t.__itruediv__(o), np.divide),
    ("**=", lambda t, o: t.__ipow__(o), np.power),
    ("add_", lambda t, o: t.add_(o), np.add),
    ("sub_", lambda t, o: t.sub_(o), np.subtract),
    ("mul_", lambda t, o: t.mul_(o), np.multiply),
    ("div_", lambda t, o: t.div_(o), np.divide),
    ("pow_", lambda t, o: t.pow_(o), np.power),
]


@pytest.mark.parametrize("name,op,ref", INPLACE, ids=[c[0] for c in INPLACE])
@pytest.mark.parametrize("other", ["tensor", "row", "scalar"])
def test_inplace_ops_write_into_the_tensor_and_its_aliases(
    name: str, op: Callable[[Tensor, Any], Tensor], ref: Any, other: str
) -> None:
    a = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3)
    o: Any = {"tensor": plain(a + 1), "row": plain([1.5, 2.0, 0.5]), "scalar": 2.0}[other]
    t = plain(a.copy())
    array, alias, view, data = t._data, t.detach(), t[0], t.data
    assert t._version == 0
    out = op(t, o)
    assert out is t and t._data is array  # the same object and the same memory
    expected = ref(a, np.asarray(o, dtype=np.float32))
    np.testing.assert_allclose(t.numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(alias.numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(data.numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(view.numpy(), expected[0], rtol=1e-6)
    assert t._version == alias._version == view._version == data._version == 1
    assert t.dtype == np.float32 and t.grad_fn is None and not t.requires_grad


def test_python_rebinding_is_gone() -> None:
    """``a += b`` used to make a new tensor; PyTorch changes the object every name points to."""
    t = plain([1.0, 2.0])
    other_name = t
    t += 1
    t *= 2
    assert other_name is t
    np.testing.assert_array_equal(other_name.numpy(), [4.0, 6.0])


def test_add_sub_alpha() -> None:
    t = plain([1.0, 2.0])
    t.add_(plain([1.0, 1.0]), alpha=3).sub_(plain([2.0, 0.0]), alpha=0.5)
    np.testing.assert_allclose(t.numpy(), [3.0, 5.0])


def test_zero_fill_copy_clamp() -> None:
    t = plain([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
    assert t.clamp_(-1.0, 4.5) is t
    np.testing.assert_array_equal(t.numpy(), [[1, -1, 3], [4, 4.5, -1]])
    assert t.clamp_(min=0.0) is t and t.numpy().min() == 0
    assert t.fill_(2.5) is t and np.all(t.numpy() == 2.5)
    assert t.fill_(mg.tensor(np.float64(7.0))) is t and np.all(t.numpy() == 7.0)
    assert t.zero_() is t and np.all(t.numpy() == 0)
    assert t.copy_(plain([1.0, 2.0, 3.0])) is t  # broadcast over rows
    np.testing.assert_array_equal(t.numpy(), [[1, 2, 3], [1, 2, 3]])
    t.copy_(np.full((2, 3), 9.0))  # an array too, cast to float32
    assert t.dtype == np.float32 and np.all(t.numpy() == 9)
    i = mg.from_numpy(np.zeros(3, dtype=np.int64))
    i.copy_(plain([1.7, -2.2, 3.0]))  # copy_ casts as PyTorch does (truncation)
    np.testing.assert_array_equal(i.numpy(), [1, -2, 3])
    assert t._version == 7 and i._version == 1


def test_normal_and_uniform_in_place_with_generator() -> None:
    t = Tensor(np.zeros((200, 100), dtype=np.float32))
    array = t._data
    assert t.normal_(1.0, 2.0, generator=np.random.default_rng(0)) is t and t._data is array
    assert t.dtype == np.float32
    assert abs(t.numpy().mean() - 1.0) < 0.05 and abs(t.numpy().std() - 2.0) < 0.05
    again = Tensor(np.zeros((200, 100), dtype=np.float32)).normal_(1.0, 2.0, generator=0)
    np.testing.assert_array_equal(again.numpy(), t.numpy())  # the same seed, the same values
    t.uniform_(-2.0, 3.0, generator=1)
    assert t.numpy().min() >= -2.0 and t.numpy().max() < 3.0
    assert abs(t.numpy().mean() - 0.5) < 0.05
    mg.manual_seed(5)
    a = Tensor(np.zeros(4, dtype=np.float32)).uniform_()
    mg.manual_seed(5)
    b = Tensor(np.zeros(4, dtype=np.float32)).uniform_()
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # the default generator follows manual_seed


def test_setitem_writes_in_place() -> None:
    t = plain(np.zeros((3, 4)))
    view = t[1]
    t[1] = 5.0
    t[0, 1:3] = plain([1.0, 2.0])
    t[t > 4] = 7.0  # a boolean mask
    t[[2, 2], [0, 3]] = plain([8.0, 9.0])
    expected = np.zeros((3, 4), dtype=np.float32)
    expected[1] = 7
    expected[0, 1:3] = [1, 2]
    expected[2, [0, 3]] = [8, 9]
    np.testing.assert_array_equal(t.numpy(), expected)
    np.testing.assert_array_equal(view.numpy(), expected[1])  # the view sees it
    assert t._version == 4


# ---------------------------------------------------------------------------------------------
# Errors (PyTorch's wording), each changing nothing


def test_inplace_on_a_leaf_that_requires_grad_raises_outside_no_grad() -> None:
    w = leaf([1.0, 2.0])
    w.grad = leaf([0.5, 0.5], requires_grad=False)
    for fn in (
        lambda: w.__iadd__(1.0),
        lambda: w.__isub__(1.0),
        lambda: w.__imul__(2.0),
        lambda: w.__itruediv__(2.0),
        lambda: w.add_(1.0),
        lambda: w.mul_(2.0),
        lambda: w.zero_(),
        lambda: w.fill_(1.0),
        lambda: w.copy_(leaf([3.0, 4.0], requires_grad=False)),
        lambda: w.clamp_(0.0, 1.0),
        lambda: w.normal_(),
        lambda: w.uniform_(),
    ):
        raises_and_changes_nothing(fn, RuntimeError, LEAF_ERROR, w)
    raises_and_changes_nothing(
        lambda: w.__setitem__(0, 3.0), RuntimeError, "a view of a leaf Variable", w
    )


def test_leaf_updates_in_place_under_no_grad() -> None:
    w = leaf([1.0, 2.0])
    array = w._data
    with no_grad():
        w -= 0.5
        w.mul_(2.0)
        w[0] = 10.0
    assert w._data is array and w.is_leaf and w.requires_grad and w.grad_fn is None
    np.testing.assert_array_equal(w.numpy() if not w.requires_grad else w.detach().numpy(), [10, 3])
    assert w._version == 3


@pytest.mark.parametrize(
    "fn,exc,match",
    [
        (lambda t: t.add_(plain(np.ones((2, 3)))), RuntimeError, r"output with shape \[3\]"),
        (lambda t: t.__iadd__(plain(np.ones(4))), ValueError, "do not broadcast"),
        (lambda t: t.copy_(plain(np.ones((2, 3)))), RuntimeError, "cannot be broadcast"),
        (lambda t: t.copy_(plain(np.ones(4))), RuntimeError, "cannot be broadcast"),
        (lambda t: t.fill_(plain([1.0, 2.0])), RuntimeError, "0-dimension value tensor"),
        (lambda t: t.__setitem__(slice(0, 2), plain([1.0, 2.0, 3.0])), RuntimeError, "setitem"),
        (lambda t: t.__getitem__(99), IndexError, "shape"),
    ],
)
def test_shape_errors_change_nothing(fn: Callable[[Tensor], Any], exc: type, match: str) -> None:
    t = plain([1.0, 2.0, 3.0])
    raises_and_changes_nothing(lambda: fn(t), exc, match, t)


def test_result_type_must_fit_the_tensor() -> None:
    i = mg.from_numpy(np.array([1, 2, 3]))
    raises_and_changes_nothing(
        lambda: i.__iadd__(1.5),
        RuntimeError,
        "^result type Float can't be cast to the desired output type Long",
        i,
    )
    raises_and_changes_nothing(
        lambda: i.mul_(plain([1.0, 2.0, 3.0])), RuntimeError, "can't be cast to the desired", i
    )
    i += 2  # int + int stays int
    f = plain([1.0, 2.0])
    f += mg.from_numpy(np.array([1.0, 1.0]))  # float64 into float32 is the same kind: cast down
    assert f.dtype == np.float32 and i.numpy().tolist() == [3, 4, 5]


def test_expanded_tensor_cannot_be_written() -> None:
    t = plain([1.0, 2.0]).expand(3, 2)
    raises_and_changes_nothing(lambda: t.add_(1.0), RuntimeError, "single memory location", t)
    raises_and_changes_nothing(lambda: t.zero_(), RuntimeError, "clone()", t)


# ---------------------------------------------------------------------------------------------
# Recorded in-place ops on non-leaves: backward stays right


def in_place_program(x: Tensor, w: Tensor) -> Tensor:
    """A graph with every kind of recorded in-place op on non-leaves."""
    h = x * w
    h += x.exp()
    h *= w
    h -= 0.5 * x
    h /= w * w + 1
    h **= 2
    h.add_(x, alpha=0.5).sub_(w, alpha=2.0).mul_(w).div_(3.0)
    h[0] = h[1] * 2 + x[0]
    h[1, 1:] = w[2, :2]
    h.clamp_(-50.0, 50.0)  # far from the values: no kink
    return h


def out_of_place_program(x: Tensor, w: Tensor) -> Tensor:
    h = x * w
    h = h + x.exp()
    h = h * w
    h = h - 0.5 * x
    h = h / (w * w + 1)
    h = h**2
    h = (h + x * 0.5 - w * 2.0) * w / 3.0
    rows = [h[1] * 2 + x[0], mg.cat([h[1, :1], w[2, :2]]), h[2]]
    return mg.stack(rows).clamp(-50.0, 50.0)


def inputs(seed: int = 0) -> tuple[Tensor, Tensor]:
    rng = np.random.default_rng(seed)
    return leaf(rng.uniform(-1, 1, (3, 3))), leaf(rng.uniform(0.5, 1.5, (3, 3)))


def test_recorded_inplace_matches_out_of_place() -> None:
    x, w = inputs()
    h = in_place_program(x, w)
    assert not h.is_leaf and h.requires_grad and h._version == 12
    h.sum().backward()
    gx, gw = x.grad, w.grad
    x2, w2 = inputs()
    ref = out_of_place_program(x2, w2)
    np.testing.assert_allclose(h.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    ref.sum().backward()
    assert gx is not None and gw is not None and x2.grad is not None and w2.grad is not None
    np.testing.assert_allclose(gx.numpy(), x2.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gw.numpy(), w2.grad.numpy(), rtol=1e-12)


def test_gradcheck_through_inplace_ops_first_and_second_order() -> None:
    x, w = inputs(1)
    assert mg.gradcheck(in_place_program, [x, w])
    assert mg.gradgradcheck(in_place_program, [x, w])


def test_create_graph_sees_the_values_of_forward_not_the_changed_tensor() -> None:
    """The rules get inputs as saved at forward: ``h`` itself holds the product now."""
    x, w = leaf([2.0]), leaf([3.0])
    h = x * 1
    h *= w
    (gw,) = mg.grad(h.sum(), [w], create_graph=True)
    np.testing.assert_allclose(gw.detach().numpy(), [2.0])
    x, w = inputs(4)
    first = mg.grad(in_place_program(x, w).sum(), [x, w])
    recorded = mg.grad(in_place_program(x, w).sum(), [x, w], create_graph=True)
    for a, b in zip(first, recorded, strict=True):
        assert a is not None and b is not None and b.requires_grad
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-12)


def test_fill_copy_zero_on_non_leaf_route_gradient_as_pytorch() -> None:
    x, w = inputs(2)

    def f(x: Tensor, w: Tensor) -> Tensor:
        h = x * 3
        g = x * w
        g.copy_(w[0] * 2)  # g's old values get no gradient; w[0] gets it, summed over rows
        k = w.exp()
        k.zero_()
        z = x + 1
        z.fill_(mg.tensor(np.float64(2.0)))
        return h + g + k + z

    assert mg.gradcheck(f, [x, w])
    assert mg.gradgradcheck(f, [x, w])
    f(x, w).sum().backward()
    assert x.grad is not None and w.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), np.full((3, 3), 3.0))
    expected_w = np.zeros((3, 3))
    expected_w[0] = 2 * 3
    np.testing.assert_allclose(w.grad.numpy(), expected_w)


def test_random_fill_on_non_leaf_cuts_the_gradient() -> None:
    x = leaf([1.0, 2.0])
    h = x * 2
    h.normal_(generator=0)
    (h * x).sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), h.detach().numpy())  # only through "* x"


def test_inplace_on_a_plain_tensor_with_a_grad_operand_joins_the_graph() -> None:
    """The RNN idiom: ``h = zeros(...); h += W @ x``: h becomes part of the graph."""
    w = leaf([[1.0, 2.0], [3.0, 4.0]])
    h = mg.from_numpy(np.zeros(2))
    h += w @ leaf([1.0, 1.0], requires_grad=False)
    h[0] = h[0] * w[0, 0]
    assert not h.is_leaf and h.requires_grad
    h.sum().backward()
    assert w.grad is not None
    np.testing.assert_allclose(w.grad.numpy(), [[4.0, 1.0], [1.0, 1.0]])


def test_setitem_with_repeated_indices_is_refused_in_a_graph() -> None:
    x = leaf([1.0, 2.0, 3.0])
    h = x * 1
    raises_and_changes_nothing(
        lambda: h.__setitem__(np.array([0, 0]), x[:2]), RuntimeError, "repeats an element", h
    )
    with no_grad():
        h[np.array([0, 0])] = 5.0  # outside a graph NumPy's rule applies (as PyTorch's)
    assert h.detach().numpy()[0] == 5.0


def test_inplace_on_a_view_in_a_graph_writes_through_to_its_base() -> None:
    """As PyTorch: changing x[0] or x.reshape(...) in place changes x, and backward follows."""
    torch = pytest.importorskip("torch")

    def program(x: Any, w: Any) -> Any:
        h = x * 2
        v = h.reshape(2, 2)
        v.mul_(w)  # a view made by reshape
        h[0].add_(w[0, 0])  # an element (a 0-d view)
        row = v[1]
        row *= 3  # a row of the view of h
        v.T[1:].sub_(x[:2].reshape(1, 2))  # a slice of a transpose of the view of h
        return h, v, row

    x, w = leaf([1.0, 2.0, 3.0, 4.0]), leaf([[0.5, 1.5], [2.0, -1.0]])
    tx = torch.tensor(x.detach().numpy(), requires_grad=True)
    tw = torch.tensor(w.detach().numpy(), requires_grad=True)
    ours, theirs = program(x, w), program(tx, tw)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12)
    weights = np.array([1.0, -2.0, 0.5, 3.0])
    (ours[0] * mg.from_numpy(weights)).sum().backward()
    (theirs[0] * torch.tensor(weights)).sum().backward()
    assert x.grad is not None and w.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)
    assert mg.gradcheck(lambda x, w: program(x, w)[0], [x, w])
    assert mg.gradgradcheck(lambda x, w: program(x, w)[0], [x, w])


def test_view_of_a_leaf_that_requires_grad_cannot_change_in_a_graph() -> None:
    w = leaf([1.0, 2.0])
    v = w[0]
    raises_and_changes_nothing(lambda: v.add_(1.0), RuntimeError, "a view of a leaf Variable", w, v)


def test_inplace_on_memory_shared_through_detach_or_data_is_refused_in_a_graph() -> None:
    x = leaf([1.0, 2.0, 3.0, 4.0])
    g = x * 3
    d = g.detach()
    raises_and_changes_nothing(lambda: g.__iadd__(1.0), RuntimeError, "detach", g, d)
    raises_and_changes_nothing(lambda: g.mul_(x), RuntimeError, "shares its memory", g, d)
    with no_grad():  # outside a graph the write goes through, as in PyTorch
        g += 1.0
    np.testing.assert_array_equal(d.numpy(), [4.0, 7.0, 10.0, 13.0])
    y = x * 1
    y.add_(1.0)  # not shared: fine
    y.sum().backward()


# ---------------------------------------------------------------------------------------------
# The version counter


def test_version_counter_is_shared_by_views_and_detach_and_data() -> None:
    t = plain(np.zeros((2, 2)))
    views = [t.detach(), t.data, t[0], t.reshape(4), t.T, t[:, 1]]
    t.add_(1.0)
    views[2].mul_(3.0)
    assert t._version == 2 and all(v._version == 2 for v in views)
    fresh = t * 1
    assert fresh._version == 0


def test_saved_tensor_changed_under_no_grad_makes_backward_raise() -> None:
    w = leaf([1.0, 2.0, 3.0])
    x = leaf([0.5, -0.5, 1.0], requires_grad=False)
    loss = (w * x).exp().sum()
    with no_grad():
        w -= 0.1
    raises_and_changes_nothing(
        loss.backward,
        RuntimeError,
        MODIFIED + r".*input 0 of Mul, is at version 1; expected "
        r"version 0 instead",
        w,
    )


def test_output_changed_in_place_is_caught() -> None:
    x = leaf([0.1, 0.2])
    y = x.exp()  # Exp's rule uses its output
    with no_grad():
        y.mul_(2.0)
    raises_and_changes_nothing(y.sum().backward, RuntimeError, MODIFIED + ".*output 0 of Exp", x)


@pytest.mark.parametrize(
    "change",
    [
        lambda w: w.data.add_(1.0),
        lambda w: w.data.__isub__(1.0),
        lambda w: w.data.zero_(),
        lambda w: w.data.copy_(mg.from_numpy(np.ones(3))),
        lambda w: w.detach().mul_(2.0),
        lambda w: w.data[0].fill_(5.0),
        lambda w: w.data.__setitem__(1, 7.0),
    ],
)
def test_changes_through_aliases_are_caught(change: Callable[[Tensor], Any]) -> None:
    w = leaf([1.0, 2.0, 3.0])
    loss = (w * w).sum()
    change(w)
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()
    assert w.grad is None


def test_optimizer_step_between_forward_and_backward_raises() -> None:
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = Tensor(np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32))
    model(x).sum().backward()
    loss = model(x).sum()
    opt.step()  # uses the first gradients; the graph of `loss` saved the old weights
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()
    opt.zero_grad()
    model(x).sum().backward()  # a fresh forward after the step is fine
    assert all(p.grad is not None for p in model.parameters())


def test_changed_index_tensor_is_caught() -> None:
    x = leaf([1.0, 2.0, 3.0])
    idx = mg.from_numpy(np.array([0, 2]))
    y = x[idx].sum()
    idx[0] = 1
    with pytest.raises(RuntimeError, match="its index"):
        y.backward()


def test_no_false_alarm_on_common_programs() -> None:
    w = leaf(np.ones((2, 3)))
    b = leaf(np.zeros(3))
    x = leaf(np.ones((4, 2)), requires_grad=False)
    for _ in range(3):
        h = x @ w
        h += b  # in place on the product: the product's saved values are not touched
        h = h.tanh()
        h.sum().backward()
        with no_grad():
            for p in (w, b):
                assert p.grad is not None
                p -= 0.1 * p.grad
                p.grad.zero_()
    assert w._version == 3 and b._version == 3


def test_optimizer_step_bumps_versions_and_keeps_identity() -> None:
    p = leaf([1.0, 2.0])
    array = p._data
    p.grad = leaf([1.0, 1.0], requires_grad=False)
    for opt in (optim.SGD([p], lr=0.1, momentum=0.9), optim.Adam([p], lr=0.1)):
        before = p._version
        opt.step()
        assert p._version == before + 1 and p._data is array


def test_init_and_load_state_dict_bump_versions() -> None:
    lin = nn.Linear(2, 2)
    w = lin.weight
    start = w._version  # the default initialisation wrote it already
    loss = lin(Tensor(np.ones((1, 2), dtype=np.float32))).sum()
    nn.init.zeros_(w)
    assert w._version == start + 1
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()
    lin.load_state_dict({k: v.detach() * 0 + 1 for k, v in lin.state_dict().items()})
    assert w._version == start + 2 and np.all(w.detach().numpy() == 1)


# ---------------------------------------------------------------------------------------------
# .data, numpy() and .grad


def test_data_is_a_tensor_sharing_memory_outside_the_graph() -> None:
    p = leaf([1.0, 2.0])
    d = p.data
    assert isinstance(d, Tensor) and not d.requires_grad and d.grad_fn is None and d.is_leaf
    assert np.shares_memory(d.numpy(), p.detach().numpy())
    y = (p * 2).data
    assert y.grad_fn is None and not y.requires_grad


def test_data_updates_write_into_the_parameter() -> None:
    p = leaf([1.0, 2.0])
    p.grad = leaf([1.0, -1.0], requires_grad=False)
    array = p._data
    p.data += -0.5 * p.grad
    np.testing.assert_allclose(p.detach().numpy(), [0.5, 2.5])
    p.data -= 0.5 * p.grad.data
    np.testing.assert_allclose(p.detach().numpy(), [0.0, 3.0])
    p.data.copy_(mg.from_numpy(np.array([4.0, 5.0])))
    np.testing.assert_allclose(p.detach().numpy(), [4.0, 5.0])
    p.data.zero_()
    assert np.all(p.detach().numpy() == 0) and p._data is array and p.is_leaf
    assert p._version == 4


def test_data_assignment_takes_the_new_tensor_memory() -> None:
    p = leaf([1.0, 2.0])
    new = Tensor(np.array([3.0, 4.0, 5.0], dtype=np.float32))
    p.data = new  # as PyTorch: any shape and dtype, and p now shares new's memory
    assert p.shape == (3,) and p.dtype == np.float32 and p.requires_grad and p.is_leaf
    new.add_(1.0)
    np.testing.assert_array_equal(p.detach().numpy(), [4.0, 5.0, 6.0])
    raises_and_changes_nothing(
        lambda: setattr(p, "data", np.zeros(3)),
        TypeError,
        "Variable data has to be a tensor, but got ndarray",
        p,
    )


def test_numpy_shares_memory_and_refuses_tensors_that_require_grad() -> None:
    t = plain([1.0, 2.0])
    a = t.numpy()
    t += 1
    np.testing.assert_array_equal(a, [2.0, 3.0])
    w = leaf([1.0])
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        w.numpy()
    assert w.detach().numpy() is w._data
    assert np.shares_memory(np.asarray(w), w._data)  # the array protocol works for NumPy


def test_grad_assignment_is_checked() -> None:
    w = leaf([1.0, 2.0])
    w.grad = mg.from_numpy(np.array([0.5, 0.5]))
    assert w.grad is not None
    raises_and_changes_nothing(
        lambda: setattr(w, "grad", mg.from_numpy(np.zeros(3))),
        RuntimeError,
        r"attempting to assign a gradient of size '\[3\]' to a tensor of size '\[2\]'",
        w,
    )
    raises_and_changes_nothing(
        lambda: setattr(w, "grad", Tensor(np.zeros(2, dtype=np.float32))),
        RuntimeError,
        "attempting to assign a gradient with dtype 'float32'",
        w,
    )
    raises_and_changes_nothing(
        lambda: setattr(w, "grad", np.zeros(2)),
        TypeError,
        "assigned grad expected to be a Tensor or None but got grad of type ndarray",
        w,
    )
    w.grad = None
    assert w.grad is None


def test_grad_zero_in_place_and_zero_grad_modes() -> None:
    lin = nn.Linear(2, 1)
    x = Tensor(np.ones((3, 2), dtype=np.float32))
    lin(x).sum().backward()
    g = lin.weight.grad
    assert g is not None
    g.zero_()
    assert lin.weight.grad is g and np.all(g.numpy() == 0)
    lin(x).sum().backward()
    lin.zero_grad(set_to_none=False)
    assert lin.weight.grad is not None and np.all(lin.weight.grad.numpy() == 0)
    opt = optim.SGD(lin.parameters(), lr=0.1)
    lin(x).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert lin.bias.grad is not None and np.all(lin.bias.grad.numpy() == 0)
    opt.zero_grad()
    assert lin.weight.grad is None and lin.bias.grad is None


def test_manual_sgd_under_no_grad_really_trains() -> None:
    """The tutorials' loop; a silent no-op update (the old rebinding) would leave loss flat."""
    rng = np.random.default_rng(0)
    x = Tensor(rng.uniform(-1, 1, (64, 3)).astype(np.float32))
    y = x @ Tensor(np.array([[1.5], [-2.0], [0.5]], dtype=np.float32)) + 0.3
    w = Tensor(np.zeros((3, 1), dtype=np.float32), requires_grad=True)
    b = Tensor(np.zeros(1, dtype=np.float32), requires_grad=True)
    params = [w, b]
    losses = []
    for _ in range(200):
        loss = ((x @ w + b - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with no_grad():
            for p in params:
                assert p.grad is not None
                p -= 0.1 * p.grad
                p.grad.zero_()
    assert params[0] is w and w.is_leaf
    assert losses[-1] < 1e-3 * losses[0]
    np.testing.assert_allclose(w.detach().numpy().ravel(), [1.5, -2.0, 0.5], atol=0.02)


# ---------------------------------------------------------------------------------------------
# The same programs in PyTorch


def test_inplace_programs_match_torch() -> None:
    torch = pytest.importorskip("torch")
    x, w = inputs(3)
    tx = torch.tensor(x.detach().numpy(), requires_grad=True)
    tw = torch.tensor(w.detach().numpy(), requires_grad=True)
    h = in_place_program(x, w)
    th = in_place_program(tx, tw)  # the same source runs on torch tensors
    np.testing.assert_allclose(h.detach().numpy(), th.detach().numpy(), rtol=1e-12)
    h.sum().backward()
    th.sum().backward()
    assert x.grad is not None and w.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-10)


def test_manual_sgd_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    xs, ys = rng.normal(size=(16, 2)), rng.normal(size=(16, 1))
    w0 = rng.normal(size=(2, 1))

    def train(lib: Any, tensor: Callable[..., Any]) -> np.ndarray:
        x, y = tensor(xs), tensor(ys)
        w = tensor(w0.copy(), requires_grad=True)
        for _ in range(5):
            loss = ((x @ w - y) ** 2).mean()
            loss.backward()
            with lib.no_grad():
                w -= 0.1 * w.grad
                w.grad.zero_()
        return w.detach().numpy()

    ours = train(mg, lambda a, requires_grad=False: mg.tensor(a, requires_grad=requires_grad))
    theirs = train(
        torch, lambda a, requires_grad=False: torch.tensor(a, requires_grad=requires_grad)
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize(
    "program",
    [
        "leaf",
        "version",
        "numpy",
        "grad_shape",
        "result_type",
    ],
)
def test_errors_are_torch_errors(program: str) -> None:
    torch = pytest.importorskip("torch")

    def run(lib: Any, tensor: Callable[..., Any]) -> type[BaseException]:
        try:
            w = tensor([1.0, 2.0], requires_grad=True)
            if program == "leaf":
                w.add_(1.0)
            elif program == "version":
                y = w.exp()
                with lib.no_grad():
                    y.mul_(2)
                y.sum().backward()
            elif program == "numpy":
                w.numpy()
            elif program == "grad_shape":
                w.grad = tensor([1.0, 2.0, 3.0])
            elif program == "result_type":
                i = tensor([1, 2])
                i += 1.5
        except Exception as e:  # the error class is what is compared
            return type(e)
        return type(None)

    ours = run(mg, lambda a, requires_grad=False: mg.tensor(a, requires_grad=requires_grad))
    theirs = run(torch, lambda a, requires_grad=False: torch.tensor(a, requires_grad=requires_grad))
    assert ours is theirs is RuntimeError


def test_the_docs_section_runs() -> None:
    """The code of docs/autograd.md, "In-place operations and .data", runs as written."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "autograd.md").read_text()
    section = text[text.index("## 13. In-place operations and .data") :]
    end = section.find("\n## ", 3)  # the section ends where the next one starts
    section = section if end < 0 else section[:end]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 3
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, "docs/autograd.md", "exec"), namespace)
    assert namespace["w"].grad is not None
