"""nn.Module's backward hooks (``register_full_backward_hook``, ``..._pre_hook``): what they see
and what their replacements do, by hand and side by side with PyTorch (float64).

Each scenario is written once against a library namespace (``minigrad`` or ``torch``), so the
two runs are the same program; the hooks' logs and the leaves' gradients must agree.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(0)
X = RNG.standard_normal((4, 3))
Y = RNG.standard_normal((4, 2))
W1, B1 = RNG.standard_normal((2, 3)), RNG.standard_normal(2)
W2, B2 = RNG.standard_normal((2, 2)), RNG.standard_normal(2)


@pytest.fixture
def torch() -> Any:
    return pytest.importorskip("torch")


def _linear(lib: Any, w: np.ndarray, b: np.ndarray) -> Any:
    lin = lib.nn.Linear(w.shape[1], w.shape[0]).double()
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(w))
        lin.bias.copy_(lib.tensor(b))
    return lin


def _arrays(value: Any) -> Any:
    """A hook's arguments as plain data: tuples of arrays (None kept)."""
    if isinstance(value, tuple | list):
        return tuple(_arrays(v) for v in value)
    return None if value is None else value.detach().numpy().copy()


def _same(a: Any, b: Any) -> None:
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            _same(x, y)
    elif a is None or b is None or isinstance(a, str):
        assert a == b if isinstance(a, str) else a is b is None, (a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def _both(torch: Any, scenario: Callable[[Any], Any]) -> Any:
    """Run ``scenario`` on both libraries; assert equal results; return minigrad's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = scenario(mg), scenario(torch)
    _same(ours, theirs)
    return ours


def _logger(log: list[Any], name: str) -> Callable[..., None]:
    def hook(module: Any, grad_input: Any, grad_output: Any) -> None:
        log.append((name, _arrays(grad_input), _arrays(grad_output)))

    return hook


# ---------------------------------------------------------------------------------------------
# Side by side with PyTorch


def _on_linear(lib: Any) -> Any:
    lin = _linear(lib, W1, B1)
    log: list[Any] = []
    lin.register_full_backward_hook(_logger(log, "lin"))
    x = lib.tensor(X, requires_grad=True)
    ((lin(x) - lib.tensor(Y)) ** 2).sum().backward()
    return tuple(log), _arrays((x.grad, lin.weight.grad, lin.bias.grad))


def test_linear_matches_torch(torch: Any) -> None:
    (entry,), _ = _both(torch, _on_linear)
    _, grad_input, grad_output = entry
    assert len(grad_input) == 1 and grad_input[0].shape == (4, 3)
    assert grad_output[0].shape == (4, 2)


def _on_sequential(lib: Any) -> Any:
    net = lib.nn.Sequential(_linear(lib, W1, B1), lib.nn.Tanh(), _linear(lib, W2, B2))
    log: list[Any] = []
    net.register_full_backward_hook(_logger(log, "net"))
    net[0].register_full_backward_hook(_logger(log, "0"))
    net[1].register_full_backward_hook(_logger(log, "tanh"))
    net[2].register_full_backward_hook(_logger(log, "2"))
    x = lib.tensor(X, requires_grad=True)
    net(x).pow(3).sum().backward()
    return tuple(log), _arrays((x.grad, net[0].weight.grad))


def test_sequential_matches_torch_in_order(torch: Any) -> None:
    log, _ = _both(torch, _on_sequential)
    assert [e[0] for e in log] == ["2", "tanh", "0", "net"]  # as the gradient flows back


class _TwoInputs:
    """forward(a, scale, b) = lin(a) * b * scale: two tensor inputs and a number between."""

    @staticmethod
    def make(lib: Any) -> Any:
        class TwoInputs(lib.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.lin = _linear(lib, W1, B1)

            def forward(self, a: Any, scale: float, b: Any) -> Any:
                return self.lin(a) * b * scale

        return TwoInputs()


def _on_two_inputs(lib: Any, b_grad: bool = True) -> Any:
    m = _TwoInputs.make(lib)
    log: list[Any] = []
    m.register_full_backward_hook(_logger(log, "m"))
    a = lib.tensor(X, requires_grad=True)
    b = lib.tensor(Y, requires_grad=b_grad)
    m(a, 0.5, b).sin().sum().backward()
    return tuple(log), _arrays((a.grad, b.grad))


def test_two_tensor_inputs_and_a_number_match_torch(torch: Any) -> None:
    ((_, grad_input, _),), _ = _both(torch, _on_two_inputs)
    assert grad_input[1] is None  # the number gets None
    assert grad_input[0].shape == (4, 3) and grad_input[2].shape == (4, 2)


def test_an_input_that_needs_no_grad_gets_zeros_like_torch(torch: Any) -> None:
    ((_, grad_input, _),), (_, b_grad) = _both(torch, lambda lib: _on_two_inputs(lib, False))
    assert b_grad is None
    np.testing.assert_array_equal(grad_input[2], np.zeros((4, 2)))  # PyTorch's, not None


def _on_no_input_grad(lib: Any) -> Any:
    lin = _linear(lib, W1, B1)
    log: list[Any] = []
    lin.register_full_backward_hook(_logger(log, "lin"))
    lin.register_full_backward_pre_hook(lambda m, go: log.append(("pre", _arrays(go))))
    lin(lib.tensor(X)).sum().backward()
    return tuple(log), _arrays(lin.weight.grad)


def test_no_input_needing_grad_fires_at_the_outputs_like_torch(torch: Any) -> None:
    log, _ = _both(torch, _on_no_input_grad)
    assert [e[0] for e in log] == ["pre", "lin"]
    assert log[1][1] == (None,)
    lin = _linear(mg, W1, B1)
    lin.register_full_backward_hook(lambda m, gi, go: None)
    with pytest.warns(UserWarning, match=r"no inputs require gradients"):
        lin(mg.tensor(X)).sum().backward()


def _on_replacements(lib: Any, hooked: bool = True) -> Any:
    """A hook that scales grad_input and a pre-hook that shifts grad_output: the leaves'
    gradients must follow."""
    net = lib.nn.Sequential(_linear(lib, W1, B1), lib.nn.Sigmoid(), _linear(lib, W2, B2))
    log: list[Any] = []
    if hooked:
        net[1].register_full_backward_hook(lambda m, gi, go: (gi[0] * 3,))
        net[2].register_full_backward_pre_hook(lambda m, go: (go[0] + 1,))
    net[2].register_full_backward_hook(_logger(log, "2"))  # sees the shifted grad_output
    x = lib.tensor(X, requires_grad=True)
    net(x).pow(2).sum().backward()
    grads = (x.grad, net[0].weight.grad, net[0].bias.grad, net[2].weight.grad)
    return tuple(log), _arrays(grads)


def test_replacements_reach_the_leaves_like_torch(torch: Any) -> None:
    _, grads = _both(torch, _on_replacements)
    _, plain = _on_replacements(mg, hooked=False)
    for g, p in zip(grads, plain):
        assert not np.allclose(g, p)  # each replacement changed every gradient


def _on_prepend_and_remove(lib: Any) -> Any:
    lin = _linear(lib, W1, B1)
    order: list[str] = []
    h1 = lin.register_full_backward_hook(lambda m, gi, go: order.append("first"))
    lin.register_full_backward_hook(lambda m, gi, go: order.append("second"))
    lin.register_full_backward_hook(lambda m, gi, go: order.append("prepended"), prepend=True)
    lin.register_full_backward_pre_hook(lambda m, go: order.append("pre"))
    lin.register_full_backward_pre_hook(lambda m, go: order.append("pre first"), prepend=True)
    x = lib.tensor(X, requires_grad=True)
    lin(x).sum().backward()
    h1.remove()
    h1.remove()  # twice is harmless
    lin(x).sum().backward()
    return tuple(order)


def test_prepend_and_removal_match_torch(torch: Any) -> None:
    order = _both(torch, _on_prepend_and_remove)
    assert order == (
        *("pre first", "pre", "prepended", "first", "second"),
        *("pre first", "pre", "prepended", "second"),
    )


def _on_used_twice(lib: Any) -> Any:
    lin = _linear(lib, W2, B2)
    log: list[Any] = []
    lin.register_full_backward_hook(_logger(log, "lin"))
    x = lib.tensor(Y, requires_grad=True)
    lin(lin(x).tanh()).sum().backward()
    return tuple(log), _arrays(x.grad)


def test_a_module_used_twice_fires_per_call_like_torch(torch: Any) -> None:
    log, _ = _both(torch, _on_used_twice)
    assert len(log) == 2


def _on_two_outputs(lib: Any) -> Any:
    """A module returning a tuple, one output unused: its grad_output is None."""

    class Split(lib.nn.Module):
        def forward(self, x: Any) -> Any:
            return x * 2, x.exp(), x.sin()

    m = Split()
    log: list[Any] = []
    m.register_full_backward_hook(_logger(log, "m"))
    m.register_full_backward_pre_hook(lambda mod, go: log.append(("pre", _arrays(go))))
    x = lib.tensor(X, requires_grad=True)
    a, _, c = m(x)
    (a * c).sum().backward()
    return tuple(log), _arrays(x.grad)


def test_tuple_outputs_with_one_unused_match_torch(torch: Any) -> None:
    ((_, grad_output), (_, _, grad_output2)), _ = _both(torch, _on_two_outputs)
    assert grad_output[1] is None and grad_output2[1] is None


def _on_retain_graph(lib: Any) -> Any:
    lin = _linear(lib, W1, B1)
    log: list[Any] = []
    lin.register_full_backward_hook(_logger(log, "lin"))
    x = lib.tensor(X, requires_grad=True)
    y = lin(x).sum()
    y.backward(retain_graph=True)
    y.backward()
    return tuple(log)


def test_each_backward_fires_again_like_torch(torch: Any) -> None:
    assert len(_both(torch, _on_retain_graph)) == 2


def _errors(lib: Any) -> Any:
    lin = _linear(lib, W1, B1)
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    x = lib.tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError) as wrong_length:
        lin(x).sum().backward()
    lin = _linear(lib, W1, B1)
    lin.register_full_backward_pre_hook(lambda m, go: ())
    with pytest.raises(RuntimeError) as wrong_pre_length:
        lin(x).sum().backward()
    lin = _linear(lib, W1, B1)
    lin.register_full_backward_hook(lambda m, gi, go: (lib.ones(4, 3),))
    with pytest.raises(RuntimeError) as no_input_grad:
        lin(lib.tensor(X)).sum().backward()
    return str(wrong_length.value), str(wrong_pre_length.value), str(no_input_grad.value)


def test_wrong_returns_raise_torchs_errors(torch: Any) -> None:
    ours = _both(torch, _errors)
    assert "invalid number of grad_input, got 2, but expected 1" in ours[0]
    assert "invalid number of grad_output, got 0, but expected 1" in ours[1]
    assert "should always return None or None for all gradients" in ours[2]


# ---------------------------------------------------------------------------------------------
# By hand (no PyTorch needed)


class Scale(mg.nn.Module):
    """y = c * x."""

    def __init__(self, c: float) -> None:
        super().__init__()
        self.c = c

    def forward(self, x: mg.Tensor) -> mg.Tensor:
        return x * self.c


def test_hand_computed_values() -> None:
    """loss = sum(y^2), y = 3x: grad_output = 2y = 6x, grad_input = 3 * 6x = 18x."""
    m = Scale(3.0)
    seen: list[Any] = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append((mod, gi, go)))
    x = mg.tensor([1.0, -2.0, 0.5], dtype=mg.float64, requires_grad=True)
    (m(x) ** 2).sum().backward()
    x0 = x.detach().numpy()
    ((mod, grad_input, grad_output),) = seen
    assert mod is m and isinstance(grad_input, tuple) and isinstance(grad_output, tuple)
    np.testing.assert_allclose(grad_output[0].numpy(), 6 * x0)
    np.testing.assert_allclose(grad_input[0].numpy(), 18 * x0)
    np.testing.assert_allclose(x.grad.numpy(), 18 * x0)


def test_hand_computed_replacements() -> None:
    """A pre-hook doubling grad_output and a hook adding 1 to grad_input: x.grad = 2*18x + 1."""
    m = Scale(3.0)
    m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 2,))
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] + 1,))
    x = mg.tensor([1.0, -2.0], dtype=mg.float64, requires_grad=True)
    (m(x) ** 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 36 * x.detach().numpy() + 1)


def test_removed_hooks_and_the_fast_path() -> None:
    m = Scale(2.0)
    calls: list[int] = []
    handle = m.register_full_backward_hook(lambda mod, gi, go: calls.append(1))
    x = mg.tensor([1.0], requires_grad=True)
    m(x).sum().backward()
    handle.remove()
    y = m(x)
    assert y.grad_fn is not None and type(y.grad_fn).__name__ == "Mul"  # no identity node
    y.sum().backward()
    assert calls == [1]


def test_hooks_see_nothing_under_no_grad_and_forward_hooks_still_run() -> None:
    m = Scale(2.0)
    calls: list[str] = []
    m.register_full_backward_hook(lambda mod, gi, go: calls.append("backward"))
    m.register_forward_hook(lambda mod, args, out: calls.append("forward"))
    x = mg.tensor([1.0], requires_grad=True)
    with mg.no_grad():
        assert not m(x).requires_grad
    assert calls == ["forward"]


def test_the_output_node_is_named_as_torchs() -> None:
    m = Scale(2.0)
    m.register_full_backward_pre_hook(lambda mod, go: None)
    assert type(m(mg.tensor([1.0], requires_grad=True)).grad_fn).__name__ == (
        "BackwardHookFunctionBackward"
    )


def test_a_non_tensor_output_warns_like_torch() -> None:
    class Listy(mg.nn.Module):
        def forward(self, x: mg.Tensor) -> list[mg.Tensor]:
            return [x * 2]

    m = Listy()
    m.register_full_backward_hook(lambda mod, gi, go: None)
    with pytest.warns(UserWarning, match=r"module output should be a Tensor or a tuple"):
        m(mg.tensor([1.0], requires_grad=True))


def test_the_deprecated_register_backward_hook_says_what_to_use() -> None:
    with pytest.raises(RuntimeError, match=r"Use register_full_backward_hook"):
        Scale(1.0).register_backward_hook(lambda mod, gi, go: None)


def test_a_non_callable_hook_is_refused() -> None:
    with pytest.raises(TypeError, match=r"a hook must be callable"):
        Scale(1.0).register_full_backward_hook(3)  # type: ignore[arg-type]
