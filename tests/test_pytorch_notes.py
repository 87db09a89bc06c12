# Holds text from pytorch/pytorch: docs/source/notes/broadcasting.rst, autograd.rst and
# extending.rst. The files and their licence: tests/THIRD_PARTY_NOTICES.md.
"""The code of PyTorch's documentation notes, run under minigrad with only the import changed.

The notes (docs/source/notes in pytorch/pytorch: "Broadcasting semantics", "Autograd
mechanics", "Extending PyTorch") and the autograd.functional API (the tutorial "Jacobians,
Hessians, hvp, vhp, and more") show their behaviour in short snippets. Each snippet is a
function of the library (``snippet(torch)``) and returns what the note prints; its test checks
that under minigrad, and, when torch is installed, ``test_snippet_matches_torch`` runs every
snippet under both libraries and requires the same results (values to 1e-6, flags and errors
exactly: a snippet that raises must raise the same kind of error under both).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg

SNIPPETS: dict[str, Callable[[Any], Any]] = {}

# torch's deprecation of its own torch.jit.script, raised inside torch while the snippets run
# under it: not minigrad's to show
pytestmark = pytest.mark.filterwarnings(
    "ignore:`torch.jit.script` is deprecated:DeprecationWarning"
)


def snippet(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Register a snippet for the comparison with torch."""
    SNIPPETS[fn.__name__] = fn
    return fn


def plain(value: Any) -> Any:
    """A result as plain Python data: tensors (of either library) as float64 arrays."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        return np.asarray(value.detach().numpy(), dtype=np.float64)
    if isinstance(value, tuple | list):
        return type(value)(plain(v) for v in value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def outcome(fn: Callable[[Any], Any], lib: Any) -> Any:
    """What a snippet returns under ``lib``, or the kind of error it raised."""
    try:
        return plain(fn(lib))
    except Exception as e:  # the kind is compared, not the wording
        return ("raised", "RuntimeError" if isinstance(e, RuntimeError) else type(e).__name__)


def assert_same(ours: Any, theirs: Any, where: str = "") -> None:
    if isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray), f"{where}: {ours!r} is not an array"
        assert ours.shape == theirs.shape, f"{where}: shape {ours.shape} != {theirs.shape}"
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6, err_msg=where)
    elif isinstance(theirs, tuple | list):
        assert isinstance(ours, tuple | list) and len(ours) == len(theirs), f"{where}: {ours!r}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(theirs, float):
        assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-6), f"{where}: {ours} != {theirs}"
    else:
        assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"


# =============================================================================================
# Broadcasting semantics


@snippet
def broadcast_result_sizes(torch: Any) -> Any:
    """The note's pairs: the size of x + y where they broadcast (the legacy constructor
    ``FloatTensor(sizes)``, which the note uses; its values are not read)."""
    sizes = []
    for a, b in [((5, 7, 3), (5, 7, 3)), ((5, 3, 4, 1), (3, 1, 1)), ((5, 1, 4, 1), (3, 1, 1)),
                 ((1,), (3, 1, 7))]:  # fmt: skip
        x = torch.FloatTensor(*a)
        y = torch.FloatTensor(*b)
        sizes.append(tuple((x + y).size()))
    sizes.append(tuple(torch.add(torch.ones(4, 1), torch.randn(4)).size()))
    sizes.append(tuple(torch.broadcast_shapes((5, 1, 4, 1), (3, 1, 1))))
    return sizes


def test_broadcast_result_sizes() -> None:
    assert broadcast_result_sizes(mg) == [
        (5, 7, 3), (5, 3, 4, 1), (5, 3, 4, 1), (3, 1, 7), (4, 4), (5, 3, 4, 1)
    ]  # fmt: skip


@snippet
def not_broadcastable(torch: Any) -> Any:
    x = torch.FloatTensor(5, 2, 4, 1)
    y = torch.FloatTensor(3, 1, 1)
    return (x + y).size()


@snippet
def empty_tensor_not_broadcastable(torch: Any) -> Any:
    x = torch.FloatTensor()  # no elements: shape (0,)
    y = torch.FloatTensor(2, 2)
    return x + y


@snippet
def broadcast_shapes_that_do_not_broadcast(torch: Any) -> Any:
    return torch.broadcast_shapes((5, 2, 4, 1), (3, 1, 1))


def test_not_broadcastable() -> None:
    with pytest.raises(RuntimeError, match=r"size of tensor a \(2\) must match .* \(3\)"):
        not_broadcastable(mg)
    with pytest.raises(RuntimeError, match="must match"):
        empty_tensor_not_broadcastable(mg)
    with pytest.raises(RuntimeError, match="Mismatching argument at index 1"):
        broadcast_shapes_that_do_not_broadcast(mg)


@snippet
def in_place_keeps_the_left_shape(torch: Any) -> Any:
    x = torch.FloatTensor(5, 3, 4, 1)
    y = torch.FloatTensor(3, 1, 1)
    return tuple(x.add_(y).size())


@pytest.mark.parametrize("op", ["add_", "sub_", "mul_", "div_", "pow_", "__iadd__", "copy_"])
def test_in_place_that_would_change_the_left_shape_raises(op: str) -> None:
    """``x.add_(y)`` with x (1, 3, 1) and y (3, 1, 7): the result would be (3, 3, 7), and x
    cannot change shape, so it raises (as PyTorch), leaving x as it was."""
    for lib in (mg, pytest.importorskip("torch")):
        x = lib.ones(1, 3, 1)
        y = lib.ones(3, 1, 7) * 2
        with pytest.raises(RuntimeError):
            getattr(x, op)(y)
        assert tuple(x.shape) == (1, 3, 1) and x.sum().item() == 3.0


@snippet
def in_place_with_a_broadcast_operand(torch: Any) -> Any:
    x = torch.arange(6.0).reshape(2, 3)
    x += torch.tensor([1.0, 2.0, 3.0])
    x.mul_(torch.tensor([[2.0], [3.0]]))
    w = torch.ones(2, 3, requires_grad=True)
    b = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = w * 1
    y += b
    y.mul_(b)
    y.sum().backward()
    return x, w.grad, b.grad


def test_in_place_with_a_broadcast_operand() -> None:
    x, wg, bg = in_place_with_a_broadcast_operand(mg)
    np.testing.assert_allclose(x.numpy(), [[2.0, 6.0, 10.0], [12.0, 18.0, 24.0]])
    np.testing.assert_allclose(wg.numpy(), [[1.0, 2.0, 3.0]] * 2)
    np.testing.assert_allclose(bg.numpy(), 2 * (1.0 + 2 * np.array([1.0, 2.0, 3.0])))


@snippet
def in_place_into_an_expanded_tensor(torch: Any) -> Any:
    x = torch.ones(3, 1).expand(3, 4)
    x.add_(1)


def test_in_place_into_an_expanded_tensor() -> None:
    with pytest.raises(RuntimeError, match="single memory location"):
        in_place_into_an_expanded_tensor(mg)


@snippet
def backward_of_broadcast_results(torch: Any) -> Any:
    """Gradients of broadcast operands are summed back to their shapes."""
    x = torch.arange(20.0, dtype=torch.float64).reshape(5, 1, 4, 1).requires_grad_()
    y = torch.tensor([[[1.0]], [[-2.0]], [[0.5]]], dtype=torch.float64, requires_grad=True)
    z = x * y + x.exp() / 100 - y**2
    z.sum().backward()
    a = torch.ones(3, 1, requires_grad=True)
    b = torch.ones(1, 4, requires_grad=True)
    (a.expand_as(torch.ones(3, 4)) * b).sum().backward()
    return z.sum(), x.grad, y.grad, a.grad, b.grad


def test_backward_of_broadcast_results() -> None:
    _, xg, yg, ag, bg = backward_of_broadcast_results(mg)
    x = np.arange(20.0).reshape(5, 1, 4, 1)
    y = np.array([1.0, -2.0, 0.5]).reshape(3, 1, 1)
    np.testing.assert_allclose(xg.numpy(), np.full_like(x, y.sum()) + 3 * np.exp(x) / 100)
    np.testing.assert_allclose(yg.numpy(), np.full_like(y, x.sum()) - 2 * y * 20)
    np.testing.assert_allclose(ag.numpy(), np.full((3, 1), 4.0))
    np.testing.assert_allclose(bg.numpy(), np.full((1, 4), 3.0))


# =============================================================================================
# Autograd mechanics: saved tensors


def saved_self_of_pow(torch: Any) -> Any:  # (a difference: not compared with torch)
    x = torch.randn(5, requires_grad=True)
    y = x.pow(2)
    return x.equal(y.grad_fn._saved_self), x is y.grad_fn._saved_self


def test_saved_attributes_are_refused_clearly() -> None:
    """PyTorch's nodes show what they saved as ``_saved_self``, ``_saved_result``...;
    minigrad's keep arrays instead, and the error says where."""
    with pytest.raises(AttributeError, match=r"_saved_self.*grad_fn\.saved"):
        saved_self_of_pow(mg)
    y = mg.ones(2, requires_grad=True).exp()
    np.testing.assert_allclose(y.grad_fn.out, np.exp(np.ones(2)))
    for name in ("_saved_result", "_saved_other", "_raw_saved_self", "_raw_saved_result"):
        with pytest.raises(AttributeError, match=rf"'{name}'.*grad_fn\.out"):
            getattr(y.grad_fn, name)
    assert not hasattr(y.grad_fn, "_saved_self")
    with pytest.raises(AttributeError, match=r"no attribute 'no_such'$"):
        y.grad_fn.no_such


# =============================================================================================
# Autograd mechanics: locally disabling gradient computation


@snippet
def requires_grad_flows(torch: Any) -> Any:
    x = torch.randn(5, 5)  # requires_grad=False by default
    y = torch.randn(5, 5)  # requires_grad=False by default
    z = torch.randn((5, 5), requires_grad=True)
    a = x + y
    b = a + z
    return a.requires_grad, b.requires_grad, a.is_leaf, b.is_leaf


def test_requires_grad_flows() -> None:
    assert requires_grad_flows(mg) == (False, True, True, False)


@snippet
def set_grad_enabled_as_a_function(torch: Any) -> Any:
    """``torch.set_grad_enabled(False)`` called on its own switches recording off until it is
    switched on again (the PyTorch docs' ``torch.set_grad_enabled(False); y = x * 2``)."""
    x = torch.tensor([1.0], requires_grad=True)
    is_train = False
    with torch.set_grad_enabled(is_train):
        y = x * 2
    torch.set_grad_enabled(True)
    y2 = x * 2
    torch.set_grad_enabled(False)
    try:
        y3 = x * 2
        off = torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(True)
    return y.requires_grad, y2.requires_grad, y3.requires_grad, off


def test_set_grad_enabled_as_a_function() -> None:
    assert set_grad_enabled_as_a_function(mg) == (False, True, False, False)
    assert mg.is_grad_enabled()


@snippet
def set_grad_enabled_object_restores_its_start(torch: Any) -> Any:
    """The mode is set when the object is made; leaving its ``with`` block restores the mode
    from before it was made, and a decorator leaves the mode as it found it."""
    x = torch.tensor([1.0], requires_grad=True)
    seen = []
    mode = torch.set_grad_enabled(False)
    seen.append(torch.is_grad_enabled())
    with mode:
        seen.append(torch.is_grad_enabled())
    seen.append(torch.is_grad_enabled())

    @torch.set_grad_enabled(False)
    def doubler(x: Any) -> Any:
        return x * 2

    seen.append(torch.is_grad_enabled())
    seen.append(doubler(x).requires_grad)
    with torch.no_grad():
        torch.set_grad_enabled(True)
        seen.append(torch.is_grad_enabled())
    seen.append(torch.is_grad_enabled())
    return seen


def test_set_grad_enabled_object_restores_its_start() -> None:
    assert set_grad_enabled_object_restores_its_start(mg) == [
        False, False, True, True, False, True, True
    ]  # fmt: skip


@snippet
def no_grad_and_enable_grad(torch: Any) -> Any:
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        y = x * 2
        w = torch.ones(2, requires_grad=True)  # a factory's flag is kept
        with torch.enable_grad():
            z = x * 2

    @torch.no_grad()
    def doubler(x: Any) -> Any:
        return x * 2

    @torch.enable_grad()
    def tripler(x: Any) -> Any:
        return x * 3

    with torch.no_grad():
        t = tripler(x)
    return (
        y.requires_grad,
        y.grad_fn is None,
        w.requires_grad,
        z.requires_grad,
        doubler(x).requires_grad,
        t.requires_grad,
    )


def test_no_grad_and_enable_grad() -> None:
    assert no_grad_and_enable_grad(mg) == (False, True, True, True, False, True)


@snippet
def freezing_part_of_a_model(torch: Any) -> Any:
    """The note's fine-tuning pattern (a small network stands in for torchvision's resnet18):
    frozen parameters get no gradient, the new last layer does, and training moves only it."""
    nn = torch.nn
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    for param in model.parameters():
        param.requires_grad = False
    model[2] = nn.Linear(8, 100)  # a new layer's parameters require grad
    optimizer = torch.optim.SGD(model[2].parameters(), lr=1e-2, momentum=0.9)
    before = [p.detach().clone() for p in model.parameters()]
    out = model(torch.ones(2, 4)).pow(2).sum()
    out.backward()
    optimizer.step()
    moved = [not torch.equal(a, p.detach()) for a, p in zip(before, model.parameters())]
    frozen = nn.Linear(2, 2).requires_grad_(False)
    return model[0].weight.grad is None, moved, [p.requires_grad for p in frozen.parameters()]


def test_freezing_part_of_a_model() -> None:
    assert freezing_part_of_a_model(mg) == (True, [False, False, True, True], [False, False])


@snippet
def evaluation_mode_is_not_no_grad(torch: Any) -> Any:
    nn = torch.nn
    m = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5), nn.BatchNorm1d(3))
    m.eval()
    out = m(torch.ones(2, 3))
    m.train()
    return out.requires_grad, m.training, m[1].training


def test_evaluation_mode_is_not_no_grad() -> None:
    assert evaluation_mode_is_not_no_grad(mg) == (True, True, True)


@snippet
def inference_mode_records_nothing(torch: Any) -> Any:
    x = torch.ones(2, requires_grad=True)
    with torch.inference_mode():
        y = x * 2
        inside = torch.is_grad_enabled(), torch.is_inference_mode_enabled()

    @torch.inference_mode()
    def f(x: Any) -> Any:
        return x * 2

    with torch.inference_mode():
        with torch.inference_mode(False):
            z = x * 2
    return (
        y.requires_grad,
        inside,
        torch.is_inference_mode_enabled(),
        f(x).requires_grad,
        z.requires_grad,
    )


def test_inference_mode_records_nothing() -> None:
    assert inference_mode_records_nothing(mg) == (False, (False, True), False, False, True)


@snippet
def multithreaded_backward(torch: Any) -> Any:
    results = []

    def train_fn() -> None:
        x = torch.ones(5, 5, requires_grad=True)
        y = (x + 3) * (x + 4) * 0.5  # forward
        y.sum().backward()  # backward
        results.append(x.grad)

    threads = []
    for _ in range(10):
        p = threading.Thread(target=train_fn, args=())
        p.start()
        threads.append(p)
    for p in threads:
        p.join()
    return results


def test_multithreaded_backward() -> None:
    results = multithreaded_backward(mg)
    assert len(results) == 10
    for g in results:
        np.testing.assert_allclose(g.numpy(), np.full((5, 5), 4.5))  # x + 3.5 at x = 1


# ---------------------------------------------------------------------------------------------
# Autograd mechanics: hooks


@snippet
def backward_hooks_order(torch: Any) -> Any:
    """Tensor hooks, then the node's pre-hooks, then retain_grad, then the node, then its
    post-hooks; hooks of one kind in the order registered, each seeing the one before."""
    log = []
    a = torch.tensor(2.0, requires_grad=True)
    b = a * 3
    b.retain_grad()
    b.register_hook(lambda g: log.append(("tensor 1", g.item())) or g * 2)
    b.grad_fn.register_prehook(lambda gout: log.append(("pre", gout[0].item())))
    b.register_hook(lambda g: log.append(("tensor 2", g.item())))
    b.grad_fn.register_hook(lambda gin, gout: log.append(("post", gin[0].item(), gout[0].item())))
    c = b * b
    c.backward()
    return log, b.grad, a.grad


def test_backward_hooks_order() -> None:
    log, b_grad, a_grad = backward_hooks_order(mg)
    assert log == [("tensor 1", 12.0), ("tensor 2", 24.0), ("pre", 24.0), ("post", 72.0, 24.0)]
    assert b_grad.item() == 24.0 and a_grad.item() == 72.0


@snippet
def node_hooks_replace_gradients(torch: Any) -> Any:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    y = x * w
    y.grad_fn.register_prehook(lambda gout: (gout[0] * 10,))
    handle = y.grad_fn.register_hook(lambda gin, gout: (gin[0] + 1, None))
    y.sum().backward(retain_graph=True)
    first = x.grad.clone(), w.grad
    handle.remove()
    x.grad = None
    y.sum().backward()
    return first, x.grad


def test_node_hooks_replace_gradients() -> None:
    (xg, wg), xg2 = node_hooks_replace_gradients(mg)
    y = mg.tensor([1.0], requires_grad=True) * 2
    y.grad_fn.register_hook(lambda gin, gout: None)
    assert type(y.grad_fn) is mg.ops.Mul  # the hook is kept on the node, its class unchanged
    np.testing.assert_allclose(xg.numpy(), [31.0, 41.0])
    assert wg is None  # its gradient was replaced by None
    np.testing.assert_allclose(xg2.numpy(), [30.0, 40.0])


@snippet
def node_hook_under_create_graph(torch: Any) -> Any:
    """A post-hook's replacement is part of the recorded gradient (``x ** 3``: PyTorch's node
    lists no exponent, so one gradient is returned)."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x**3
    y.grad_fn.register_hook(lambda gin, gout: (gin[0] * 2,))
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    g.sum().backward()
    return g, x.grad


def test_node_hook_under_create_graph() -> None:
    g, xg = node_hook_under_create_graph(mg)
    np.testing.assert_allclose(g.detach().numpy(), [6.0, 24.0])
    np.testing.assert_allclose(xg.numpy(), [12.0, 24.0])


@snippet
def hook_registered_before_an_in_place_change(torch: Any) -> Any:
    """A tensor hook registered before an in-place change sees the gradient of the old value;
    one registered after, the new."""
    log = []
    t = torch.tensor(1.0, requires_grad=True).sin()
    t.register_hook(lambda g: log.append(("before", round(g.item(), 6))))
    t.cos_()
    t.register_hook(lambda g: log.append(("after", round(g.item(), 6))))
    t.backward()
    return log


def test_hook_registered_before_an_in_place_change() -> None:
    assert hook_registered_before_an_in_place_change(mg) == [
        ("after", 1.0), ("before", round(-np.sin(np.sin(1.0)), 6))
    ]  # fmt: skip


@snippet
def tensor_hook_of_a_backward_input(torch: Any) -> Any:
    log = []
    a = torch.tensor(2.0, requires_grad=True)
    b = a * 3
    b.register_hook(lambda g: log.append("tensor"))
    b.grad_fn.register_hook(lambda gin, gout: log.append("node"))
    c = b * b
    c.backward(inputs=[b])
    return log, a.grad, b.grad


def test_tensor_hook_of_a_backward_input() -> None:
    log, a_grad, b_grad = tensor_hook_of_a_backward_input(mg)
    assert log == ["tensor", "node"] and a_grad is None and b_grad.item() == 12.0


@snippet
def retain_grad_of_a_computed_tensor(torch: Any) -> Any:
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    b.retain_grad()
    c = (b * b).sum()
    c.backward()
    return b.grad, b.retains_grad, a.retains_grad, a.grad, b.is_leaf


def test_retain_grad_of_a_computed_tensor() -> None:
    bg, flag_b, flag_a, ag, leaf = retain_grad_of_a_computed_tensor(mg)
    np.testing.assert_allclose(bg.numpy(), [4.0, 8.0])
    np.testing.assert_allclose(ag.numpy(), [8.0, 16.0])
    assert (flag_b, flag_a, leaf) == (True, False, False)


@snippet
def save_on_cpu_changes_no_gradient(torch: Any) -> Any:
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with torch.autograd.graph.save_on_cpu(pin_memory=False):
        y = (x * x).sum()
    y.backward()
    return x.grad


def test_save_on_cpu_changes_no_gradient() -> None:
    np.testing.assert_allclose(save_on_cpu_changes_no_gradient(mg).numpy(), [2.0, 4.0, 6.0])


def test_saved_tensors_hooks_are_refused() -> None:
    """PyTorch calls pack/unpack hooks on every saved tensor; minigrad's ops call none, so
    running the block without them would silently skip the user's hooks: it raises."""
    calls: list[str] = []
    with pytest.raises(NotImplementedError, match="saved_tensors_hooks"):
        with mg.autograd.graph.saved_tensors_hooks(calls.append, lambda x: x):
            pass
    assert calls == []
    torch = pytest.importorskip("torch")
    x = torch.ones(3, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: calls.append("pack") or t, lambda t: t):
        (x * x).sum().backward()
    assert calls == ["pack", "pack"]  # what PyTorch does (and minigrad cannot)


# =============================================================================================
# Extending PyTorch: custom autograd.Function and nn.Module


def linear_function_classes(torch: Any) -> tuple[Any, Any]:
    """The note's ``LinearFunction`` in its two styles: ``forward(ctx, ...)``, and ``forward``
    without ctx plus ``setup_context``."""
    Function = torch.autograd.Function

    class LinearFunction(Function):
        @staticmethod
        def forward(ctx, input, weight, bias=None):  # type: ignore[no-untyped-def]
            ctx.save_for_backward(input, weight, bias)
            output = input.mm(weight.t())
            if bias is not None:
                output += bias.unsqueeze(0).expand_as(output)
            return output

        @staticmethod
        def backward(ctx, grad_output):  # type: ignore[no-untyped-def]
            input, weight, bias = ctx.saved_tensors
            grad_input = grad_weight = grad_bias = None
            if ctx.needs_input_grad[0]:
                grad_input = grad_output.mm(weight)
            if ctx.needs_input_grad[1]:
                grad_weight = grad_output.t().mm(input)
            if bias is not None and ctx.needs_input_grad[2]:
                grad_bias = grad_output.sum(0)
            return grad_input, grad_weight, grad_bias

    class LinearFunctionSetup(Function):
        @staticmethod
        def forward(input, weight, bias):  # type: ignore[no-untyped-def]
            output = input @ weight.T
            if bias is not None:
                output += bias
            return output

        @staticmethod
        def setup_context(ctx, inputs, output):  # type: ignore[no-untyped-def]
            input, weight, bias = inputs
            ctx.save_for_backward(input, weight, bias)

        @staticmethod
        def backward(ctx, grad_output):  # type: ignore[no-untyped-def]
            input, weight, bias = ctx.saved_tensors
            grad_input = grad_weight = grad_bias = None
            if ctx.needs_input_grad[0]:
                grad_input = grad_output @ weight
            if ctx.needs_input_grad[1]:
                grad_weight = grad_output.T @ input
            if bias is not None and ctx.needs_input_grad[2]:
                grad_bias = grad_output.sum(0)
            return grad_input, grad_weight, grad_bias

    return LinearFunction, LinearFunctionSetup


def run_linear_function(torch: Any, style: int) -> Any:
    fn = linear_function_classes(torch)[style]
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    w = torch.tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], requires_grad=True)
    b = torch.tensor([1.0, -1.0], requires_grad=True)
    linear = fn.apply
    out = linear(x, w, b)
    out.sum().backward()
    frozen = torch.ones(2, 3)  # needs no gradient: its backward branch is skipped
    out2 = linear(x, frozen, None)
    (out2 * out2).sum().backward()
    return out, x.grad, w.grad, b.grad, frozen.grad, out.grad_fn.name()


@snippet
def linear_function(torch: Any) -> Any:
    return run_linear_function(torch, 0)


@snippet
def linear_function_setup_context(torch: Any) -> Any:
    return run_linear_function(torch, 1)


def test_linear_function_both_styles() -> None:
    for style, name in enumerate(["LinearFunctionBackward", "LinearFunctionSetupBackward"]):
        out, xg, wg, bg, frozen_grad, node = run_linear_function(mg, style)
        x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        w = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
        np.testing.assert_allclose(out.detach().numpy(), x @ w.T + [1.0, -1.0], rtol=1e-6)
        out2 = x @ np.ones((3, 2))
        np.testing.assert_allclose(xg.numpy(), w.sum(0) + 2 * out2 @ np.ones((2, 3)), rtol=1e-5)
        np.testing.assert_allclose(wg.numpy(), np.ones((2, 2)) @ x, rtol=1e-6)
        np.testing.assert_allclose(bg.numpy(), [2.0, 2.0])
        assert frozen_grad is None and node == name


@snippet
def linear_function_gradcheck(torch: Any) -> Any:
    linear_old, linear_new = (f.apply for f in linear_function_classes(torch))
    torch.manual_seed(0)
    input = (
        torch.randn(20, 20, dtype=torch.double, requires_grad=True),
        torch.randn(30, 20, dtype=torch.double, requires_grad=True),
    )
    test = torch.autograd.gradcheck(linear_old, input, eps=1e-6, atol=1e-4)
    bias = torch.randn(30, dtype=torch.double, requires_grad=True)
    return test, torch.autograd.gradcheck(linear_new, (*input, bias), eps=1e-6, atol=1e-4)


def test_linear_function_gradcheck() -> None:
    assert linear_function_gradcheck(mg) == (True, True)


def mul_constant_classes(torch: Any) -> list[Any]:
    """The note's three ``MulConstant``: ctx in forward; ``setup_context``; and with
    ``set_materialize_grads(False)``."""
    Function = torch.autograd.Function

    class MulConstant(Function):
        @staticmethod
        def forward(ctx, tensor, constant):  # type: ignore[no-untyped-def]
            ctx.constant = constant
            return tensor * constant

        @staticmethod
        def backward(ctx, grad_output):  # type: ignore[no-untyped-def]
            return grad_output * ctx.constant, None

    class MulConstantSetup(Function):
        @staticmethod
        def forward(tensor, constant):  # type: ignore[no-untyped-def]
            return tensor * constant

        @staticmethod
        def setup_context(ctx, inputs, output):  # type: ignore[no-untyped-def]
            tensor, constant = inputs  # noqa: RUF059 (the note's line)
            ctx.constant = constant

        @staticmethod
        def backward(ctx, grad_output):  # type: ignore[no-untyped-def]
            return grad_output * ctx.constant, None

    class MulConstantLazy(Function):
        @staticmethod
        def forward(tensor, constant):  # type: ignore[no-untyped-def]
            return tensor * constant

        @staticmethod
        def setup_context(ctx, inputs, output):  # type: ignore[no-untyped-def]
            tensor, constant = inputs  # noqa: RUF059 (the note's line)
            ctx.set_materialize_grads(False)
            ctx.constant = constant

        @staticmethod
        def backward(ctx, grad_output):  # type: ignore[no-untyped-def]
            if grad_output is None:
                return None, None
            return grad_output * ctx.constant, None

    return [MulConstant, MulConstantSetup, MulConstantLazy]


@snippet
def mul_constant(torch: Any) -> Any:
    results = []
    for fn in mul_constant_classes(torch):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = fn.apply(x, 3.0)
        y.sum().backward()
        results.append((y, x.grad, y.requires_grad))
    return results


def test_mul_constant() -> None:
    for y, g, flag in mul_constant(mg):
        np.testing.assert_allclose(y.detach().numpy(), [3.0, 6.0])
        np.testing.assert_allclose(g.numpy(), [3.0, 3.0])
        assert flag


@snippet
def materialize_grads(torch: Any) -> Any:
    """An output that got no gradient reaches backward as zeros, or as None once
    ``set_materialize_grads(False)``."""
    seen = []

    class Two(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, materialize):  # type: ignore[no-untyped-def]
            ctx.set_materialize_grads(materialize)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):  # type: ignore[no-untyped-def]
            seen.append((g1 is None, g2 is None, None if g2 is None else g2.tolist()))
            return g1 * 2 + (0 if g2 is None else g2 * 3), None

    for materialize in (True, False):
        x = torch.ones(2, requires_grad=True)
        a, _ = Two.apply(x, materialize)
        a.sum().backward()
        seen.append(x.grad)
    return seen


def test_materialize_grads() -> None:
    seen = materialize_grads(mg)
    assert seen[0] == (False, False, [0.0, 0.0]) and seen[2] == (False, True, None)


@snippet
def needs_input_grad(torch: Any) -> Any:
    seen = []

    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, c, k):  # type: ignore[no-untyped-def]
            seen.append(("forward", ctx.needs_input_grad, torch.is_grad_enabled()))
            return a * k

        @staticmethod
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            seen.append(("backward", ctx.needs_input_grad))
            return g * 2, None, None, None

    a = torch.ones(2, requires_grad=True)
    F.apply(a, torch.ones(2), torch.ones(2, requires_grad=True), 3).sum().backward()
    return seen, a.grad


def test_needs_input_grad() -> None:
    seen, _ = needs_input_grad(mg)
    assert seen == [
        ("forward", (True, False, True, False), False),
        ("backward", (True, False, True, False)),
    ]


@snippet
def mark_non_differentiable(torch: Any) -> Any:
    class Sort(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):  # type: ignore[no-untyped-def]
            s, idx = x.sort()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(x, idx)
            return s, idx

        @staticmethod
        def backward(ctx, g1, g2):  # type: ignore[no-untyped-def]
            x, idx = ctx.saved_tensors
            gx = torch.zeros_like(x)
            gx.index_add_(0, idx, g1)
            return gx

    class Split(torch.autograd.Function):  # a float output marked non-differentiable
        @staticmethod
        def forward(ctx, x):  # type: ignore[no-untyped-def]
            y, z = x * 2, x * 3
            ctx.mark_non_differentiable(z)
            return y, z

        @staticmethod
        def backward(ctx, g1, g2):  # type: ignore[no-untyped-def]
            return g1 * 2 + g2 * 3

    x = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
    s, i = Sort.apply(x)
    flags = (s.requires_grad, i.requires_grad, i.grad_fn is None)
    (s * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    x2 = torch.ones(2, requires_grad=True)
    y, z = Split.apply(x2)
    flags2 = (y.requires_grad, z.requires_grad, z.is_leaf)
    (y + z).sum().backward()
    return flags, x.grad, flags2, x2.grad


def test_mark_non_differentiable() -> None:
    flags, g, flags2, g2 = mark_non_differentiable(mg)
    assert flags == (True, False, True) and flags2 == (True, False, True)
    np.testing.assert_allclose(g.numpy(), [3.0, 1.0, 2.0])
    np.testing.assert_allclose(g2.numpy(), [2.0, 2.0])  # z's materialized zero gradient


def once_differentiable_exp(torch: Any) -> Any:
    once_differentiable = torch.autograd.function.once_differentiable

    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):  # type: ignore[no-untyped-def]
            r = x.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        @once_differentiable
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            (r,) = ctx.saved_tensors
            return g * r

    return Exp


@snippet
def once_differentiable_first_order(torch: Any) -> Any:
    Exp = once_differentiable_exp(torch)
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    y = Exp.apply(x)
    (g,) = torch.autograd.grad((y * y).sum(), x)
    return g, g.requires_grad


@snippet
def once_differentiable_second_order_raises(torch: Any) -> Any:
    Exp = once_differentiable_exp(torch)
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    y = Exp.apply(x)
    (g,) = torch.autograd.grad((y * y).sum(), x, create_graph=True)
    g.sum().backward()


def test_once_differentiable() -> None:
    g, flag = once_differentiable_first_order(mg)
    np.testing.assert_allclose(g.numpy(), 2 * np.exp([0.0, 2.0]), rtol=1e-6)
    assert not flag
    with pytest.raises(RuntimeError, match="once_differentiable"):
        once_differentiable_second_order_raises(mg)


def saving(torch: Any, what: str) -> Any:
    """A Function that saves its input (or its output) for backward; backward returns
    grad * saved, so a saved value read after a change would give another gradient."""

    class SaveInput(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):  # type: ignore[no-untyped-def]
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            (x,) = ctx.saved_tensors
            return g * x

    class SaveOutput(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):  # type: ignore[no-untyped-def]
            r = x.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            (r,) = ctx.saved_tensors
            return g * r

    return SaveInput if what == "input" else SaveOutput


@snippet
def saved_input_changed_in_place_recorded(torch: Any) -> Any:
    """The version counter check: a saved input changed by a recorded in-place op."""
    a = torch.ones(2, requires_grad=True)
    b = a * 1
    y = saving(torch, "input").apply(b)
    b.add_(1)
    y.sum().backward()
    return a.grad


@snippet
def saved_input_changed_in_place_no_grad(torch: Any) -> Any:
    a = torch.ones(2, requires_grad=True)
    y = saving(torch, "input").apply(a)
    with torch.no_grad():
        a.mul_(5)
    y.sum().backward()
    return a.grad


@snippet
def saved_output_changed_in_place(torch: Any) -> Any:
    a = torch.zeros(2, requires_grad=True)
    y = saving(torch, "output").apply(a)
    y.mul_(3)
    y.sum().backward()
    return a.grad


@snippet
def saved_tensors_read_after_change(torch: Any) -> Any:
    a = torch.ones(2, requires_grad=True)
    b = a * 1
    y = saving(torch, "input").apply(b)
    b.add_(1)
    return y.grad_fn.saved_tensors


@pytest.mark.parametrize(
    "program",
    [
        saved_input_changed_in_place_recorded,
        saved_input_changed_in_place_no_grad,
        saved_output_changed_in_place,
        saved_tensors_read_after_change,
    ],
)
def test_saved_tensor_changed_in_place_is_refused(program: Callable[[Any], Any]) -> None:
    """Never the gradient of a changed value: reading a tensor given to save_for_backward
    that was changed in place since raises, as PyTorch's version counter check does."""
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        program(mg)


@snippet
def saved_tensor_changed_by_forward_itself(torch: Any) -> Any:
    """A change made inside forward, before it returns, is what backward reads (PyTorch
    checks the version from the end of forward)."""

    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):  # type: ignore[no-untyped-def]
            t = x * 2
            ctx.save_for_backward(t)
            t.add_(1)
            return x * 3

        @staticmethod
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            (t,) = ctx.saved_tensors
            return g * t

    a = torch.ones(2, requires_grad=True)
    F.apply(a).sum().backward()
    return a.grad


def test_saved_tensor_changed_by_forward_itself() -> None:
    np.testing.assert_allclose(saved_tensor_changed_by_forward_itself(mg).numpy(), [3.0, 3.0])


@snippet
def custom_linear_module(torch: Any) -> Any:
    nn = torch.nn
    LinearFunction = linear_function_classes(torch)[0]

    class Linear(nn.Module):
        def __init__(self, input_features, output_features, bias=True):  # type: ignore[no-untyped-def]
            super().__init__()
            self.input_features = input_features
            self.output_features = output_features
            self.weight = nn.Parameter(torch.empty(output_features, input_features))
            if bias:
                self.bias = nn.Parameter(torch.empty(output_features))
            else:
                self.register_parameter("bias", None)
            self.weight.data.uniform_(-0.1, 0.1)
            if self.bias is not None:
                self.bias.data.uniform_(-0.1, 0.1)

        def forward(self, input):  # type: ignore[no-untyped-def]
            return LinearFunction.apply(input, self.weight, self.bias)

        def extra_repr(self):  # type: ignore[no-untyped-def]
            return "input_features={}, output_features={}, bias={}".format(  # noqa: UP032
                self.input_features, self.output_features, self.bias is not None
            )

    m, m2 = Linear(3, 2), Linear(3, 2, bias=False)
    low_high = m.weight.data.min().item() >= -0.1 and m.weight.data.max().item() <= 0.1
    # trained a few steps towards a fixed linear map: the loss must fall
    target = torch.tensor([[1.0, -2.0, 0.5], [0.0, 1.0, 1.0]])
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    x = torch.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0], [2.0, 0.0, -1.0], [1.0, 1.0, 1.0]])
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = ((m(x) - x @ target.T) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    names = [n for n, _ in m.named_parameters()], [n for n, _ in m2.named_parameters()]
    return repr(m), repr(m2), names, low_high, losses[-1] < 0.1 * losses[0]


def test_custom_linear_module() -> None:
    r, r2, names, low_high, trained = custom_linear_module(mg)
    assert r == "Linear(input_features=3, output_features=2, bias=True)"
    assert r2 == "Linear(input_features=3, output_features=2, bias=False)"
    assert names == (["weight", "bias"], ["weight"]) and low_high and trained


@snippet
def function_returns_wrong_number_of_gradients(torch: Any) -> Any:
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):  # type: ignore[no-untyped-def]
            return x * y

        @staticmethod
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            return g

    x = torch.ones(2, requires_grad=True)
    F.apply(x, x).sum().backward()


@snippet
def function_returns_gradient_for_a_number(torch: Any) -> Any:
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):  # type: ignore[no-untyped-def]
            return x * k

        @staticmethod
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            return g * 2, g

    x = torch.ones(2, requires_grad=True)
    F.apply(x, 3.0).sum().backward()


def scalar_tensor_mean(torch: Any) -> Any:
    """The note's Tensor-like ``ScalarTensor`` with ``__torch_function__`` (a difference: not
    compared with torch, where ``torch.mean`` of it is 0.4)."""
    handled = {}

    class ScalarTensor:
        def __init__(self, N: int, value: float) -> None:
            self._N = N
            self._value = value

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            if kwargs is None:
                kwargs = {}
            if func not in handled or not all(
                issubclass(t, (torch.Tensor, ScalarTensor)) for t in types
            ):
                return NotImplemented
            return handled[func](*args, **kwargs)

    handled[torch.mean] = lambda input: float(input._value) / input._N
    return torch.mean(ScalarTensor(5, 2))


def test_torch_function_types_are_refused_clearly() -> None:
    with pytest.raises(TypeError, match="does not dispatch to __torch_function__"):
        scalar_tensor_mean(mg)
    torch = pytest.importorskip("torch")
    assert scalar_tensor_mean(torch) == pytest.approx(0.4)


# =============================================================================================
# autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp


def functional_inputs(torch: Any) -> tuple[Any, ...]:
    x = torch.tensor([0.5, 1.0, 2.0], dtype=torch.float64)
    y = torch.tensor([1.0, -1.0], dtype=torch.float64)
    v3 = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    v2 = torch.tensor([0.5, -1.0], dtype=torch.float64)
    return x, y, v3, v2


def exp_times_sum(x: Any) -> Any:
    return x.exp() * x.sum()


def cube_sum(x: Any) -> Any:
    return (x**3).sum()


def two_inputs(x: Any, y: Any) -> Any:
    return (x**2).sum() * y.sum() + (y**3).sum() + x[0] * y[1] ** 2


@snippet
def functional_products(torch: Any) -> Any:
    """The autograd.functional API reference's functions with a vector, on one input and on
    two, the results detached unless ``create_graph``."""
    AF = torch.autograd.functional
    x, y, v3, v2 = functional_inputs(torch)
    return [
        AF.vjp(exp_times_sum, x, v3),
        AF.vjp(lambda a, b: a.sum() * b, (x, y), v2),
        AF.vjp(cube_sum, x),  # v may be None for a single-element output
        AF.vjp(lambda a: (a * 2, a.sum()), x, (v3, torch.tensor(1.0, dtype=torch.float64))),
        AF.jvp(exp_times_sum, x, v3),
        AF.jvp(lambda a, b: a * b.sum(), (x, y), (v3, v2)),
        AF.jvp(lambda a: a * x, torch.tensor(2.0, dtype=torch.float64)),
        AF.vhp(cube_sum, x, v3),
        AF.hvp(cube_sum, x, v3),
        AF.vhp(two_inputs, (x, y), (v3, v2)),
        AF.hvp(two_inputs, (x, y), (v3, v2)),
        AF.hvp(lambda a: a.sum(), x, v3),  # a linear function: zeros
        AF.vjp(lambda a, b: a * 2, (x, y), v3),  # independent of b: zeros
        AF.jvp(lambda a: torch.ones(3, dtype=torch.float64), x, v3),
        [r.requires_grad for r in AF.vjp(exp_times_sum, x, v3)],
        [r.requires_grad for r in AF.vjp(exp_times_sum, x, v3, create_graph=True)],
        [r.requires_grad for r in AF.hvp(cube_sum, x, v3, create_graph=True)],
    ]


def test_functional_products() -> None:
    results = functional_products(mg)
    x = np.array([0.5, 1.0, 2.0])
    v3 = np.array([1.0, 2.0, 3.0])
    jac = np.diag(np.exp(x) * x.sum()) + np.exp(x)[:, None]  # of exp(x) * sum(x)
    out, vjp_ = results[0]
    np.testing.assert_allclose(out.numpy(), np.exp(x) * x.sum(), rtol=1e-12)
    np.testing.assert_allclose(vjp_.numpy(), v3 @ jac, rtol=1e-12)
    np.testing.assert_allclose(results[4][1].numpy(), jac @ v3, rtol=1e-12)
    np.testing.assert_allclose(results[7][1].numpy(), 6 * x * v3, rtol=1e-12)  # vhp of x^3
    np.testing.assert_allclose(results[8][1].numpy(), 6 * x * v3, rtol=1e-12)
    np.testing.assert_allclose(results[11][1].numpy(), np.zeros(3))
    assert results[14:] == [[False, False], [True, True], [True, True]]


def test_functional_products_finite_differences() -> None:
    """jvp, vhp and hvp of the two-input function against central differences (float64)."""
    AF = mg.autograd.functional
    x, y, v3, v2 = functional_inputs(mg)
    eps = 1e-6

    def at(s: float) -> tuple[Any, Any]:
        return x + s * v3, y + s * v2

    _, jvp_ = AF.jvp(lambda a, b: a * b.sum() + a.exp(), (x, y), (v3, v2))
    fd = (at(eps)[0] * at(eps)[1].sum() + at(eps)[0].exp()) - (
        at(-eps)[0] * at(-eps)[1].sum() + at(-eps)[0].exp()
    )
    np.testing.assert_allclose(jvp_.numpy(), fd.numpy() / (2 * eps), rtol=1e-7)
    for product in (AF.hvp, AF.vhp):
        _, (hx, hy) = product(two_inputs, (x, y), (v3, v2))
        gp = mg.autograd.functional.jacobian(two_inputs, at(eps))
        gm = mg.autograd.functional.jacobian(two_inputs, at(-eps))
        for h, a, b in ((hx, gp[0], gm[0]), (hy, gp[1], gm[1])):
            np.testing.assert_allclose(h.numpy(), (a - b).numpy() / (2 * eps), rtol=1e-6)


@snippet
def functional_products_backpropagate(torch: Any) -> Any:
    AF = torch.autograd.functional
    x, _, v3, _ = functional_inputs(torch)
    xs = [x.clone().requires_grad_() for _ in range(3)]
    _, j = AF.vjp(exp_times_sum, xs[0], v3, create_graph=True)
    j.sum().backward()
    _, h = AF.hvp(cube_sum, xs[1], v3, create_graph=True)
    h.sum().backward()
    J = AF.jacobian(exp_times_sum, xs[2], create_graph=True)
    J.sum().backward()
    return [t.grad for t in xs]


def test_functional_products_backpropagate() -> None:
    gs = functional_products_backpropagate(mg)
    np.testing.assert_allclose(gs[1].numpy(), 6 * np.array([1.0, 2.0, 3.0]))


@snippet
def functional_strict_vjp(torch: Any) -> Any:
    x, y, v3, _ = functional_inputs(torch)
    return torch.autograd.functional.vjp(lambda a, b: a * 2, (x, y), v3, strict=True)


@snippet
def functional_strict_jvp(torch: Any) -> Any:
    x, _, v3, _ = functional_inputs(torch)
    f = lambda a: torch.ones(3, dtype=torch.float64)  # noqa: E731
    return torch.autograd.functional.jvp(f, x, v3, strict=True)


@snippet
def functional_strict_hvp(torch: Any) -> Any:
    x, _, v3, _ = functional_inputs(torch)
    return torch.autograd.functional.hvp(lambda a: a.sum(), x, v3, strict=True)


@snippet
def functional_strict_vhp(torch: Any) -> Any:
    x, _, v3, _ = functional_inputs(torch)
    return torch.autograd.functional.vhp(lambda a: a.sum(), x, v3, strict=True)


@snippet
def functional_v_of_wrong_shape(torch: Any) -> Any:
    x, _, _, v2 = functional_inputs(torch)
    return torch.autograd.functional.hvp(cube_sum, x, v2)


@snippet
def functional_v_needed(torch: Any) -> Any:
    x, _, _, _ = functional_inputs(torch)
    return torch.autograd.functional.vjp(exp_times_sum, x)


@snippet
def functional_vhp_of_a_vector_function(torch: Any) -> Any:
    x, _, v3, _ = functional_inputs(torch)
    return torch.autograd.functional.vhp(lambda a: a * 2, x, v3)


@snippet
def jacobian_strict_and_vectorize(torch: Any) -> Any:
    x, y, _, _ = functional_inputs(torch)
    f = lambda a, b: a * 2  # noqa: E731
    return torch.autograd.functional.jacobian(f, (x, y), strict=True, vectorize=True)


@snippet
def jacobian_forward_mode(torch: Any) -> Any:
    """strategy="forward-mode" (with vectorize=True, as PyTorch requires) gives the same
    values; minigrad computes them in reverse mode."""
    AF = torch.autograd.functional
    x, y, _, _ = functional_inputs(torch)
    return (
        AF.jacobian(exp_times_sum, x, vectorize=True, strategy="forward-mode"),
        AF.hessian(two_inputs, (x, y), vectorize=True, outer_jacobian_strategy="forward-mode"),
    )


@snippet
def jacobian_forward_mode_without_vectorize(torch: Any) -> Any:
    x, _, _, _ = functional_inputs(torch)
    return torch.autograd.functional.jacobian(exp_times_sum, x, strategy="forward-mode")


@pytest.mark.parametrize(
    ("program", "error", "words"),
    [
        (functional_strict_vjp, RuntimeError, "independent of input 1"),
        (functional_strict_jvp, RuntimeError, "does not require gradients"),
        (functional_strict_hvp, RuntimeError, "jacobian of the user-provided function"),
        (functional_strict_vhp, RuntimeError, "jacobian of the user-provided function"),
        (functional_v_of_wrong_shape, RuntimeError, "v has invalid size"),
        (functional_v_needed, RuntimeError, "v can only be None"),
        (functional_vhp_of_a_vector_function, RuntimeError, "single element"),
        (jacobian_strict_and_vectorize, RuntimeError, "not supported together"),
        (jacobian_forward_mode_without_vectorize, NotImplementedError, "vectorize=True"),
    ],
)
def test_functional_errors(program: Callable[[Any], Any], error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        program(mg)


def test_jacobian_forward_mode() -> None:
    J, H = jacobian_forward_mode(mg)
    AF = mg.autograd.functional
    x, y, _, _ = functional_inputs(mg)
    np.testing.assert_allclose(J.numpy(), AF.jacobian(exp_times_sum, x).numpy())
    H2 = AF.hessian(two_inputs, (x, y))
    for i in range(2):
        for j in range(2):
            np.testing.assert_allclose(H[i][j].numpy(), H2[i][j].numpy())


# =============================================================================================
# Comparison with torch


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    fn = SNIPPETS[name]
    assert_same(outcome(fn, mg), outcome(fn, torch), name)
