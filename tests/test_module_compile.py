"""``nn.Module.compile()``: PyTorch's in-place ``torch.compile``, against torch 2.13 (the
eager backend): it returns None, later calls run through ``_compiled_call_impl`` with the
module's results, hooks and gradients, the module and its state_dict keys stay, a copy or a
pickle is not compiled, and the keywords are checked as ``torch.compile`` checks them."""

from __future__ import annotations

import copy
import inspect
import pickle
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

pytestmark = pytest.mark.filterwarnings(
    "ignore:`torch.jit.script_method` is deprecated:DeprecationWarning"
)

X = np.random.default_rng(3).normal(size=(4, 2))


@pytest.fixture
def torch() -> Iterator[Any]:
    """torch, with the eager backend as the default while the test runs."""
    torch = pytest.importorskip("torch")
    before = torch.compiler.get_default_backend()
    torch.compiler.set_default_backend("eager")
    try:
        yield torch
    finally:
        torch.compiler.set_default_backend(before)


def _model(lib: Any) -> Any:
    """Linear, Tanh, Linear with the same float64 weights in either library."""
    m = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.Tanh(), lib.nn.Linear(3, 1)).double()
    with lib.no_grad():
        for i, p in enumerate(m.parameters()):
            p.copy_(lib.tensor(np.linspace(-0.5, 0.7, p.numel()).reshape(p.shape) + i / 10))
    return m


def test_signature_and_result_as_torchs(torch: Any) -> None:
    def kinds(f: Any) -> list[tuple[str, Any]]:
        return [(p.name, p.kind) for p in inspect.signature(f).parameters.values()]

    assert kinds(nn.Module.compile) == kinds(torch.nn.Module.compile)
    assert [k for _, k in kinds(nn.Module.compile)][1:] == [
        inspect.Parameter.VAR_POSITIONAL,
        inspect.Parameter.VAR_KEYWORD,
    ]
    for lib in (mg, torch):
        m = _model(lib)
        assert m._compiled_call_impl is None
        assert m.compile() is None
        assert callable(m._compiled_call_impl)
        assert type(m) is lib.nn.Sequential  # (in place: no wrapper)
        assert list(m.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_calls_go_through_the_compiled_call() -> None:
    m = _model(mg)
    seen = []
    m.compile()
    inner = m._compiled_call_impl
    m._compiled_call_impl = lambda *a, **k: seen.append(a) or inner(*a, **k)
    x = mg.tensor(X)
    out = m(x)
    assert len(seen) == 1 and seen[0][0] is x
    np.testing.assert_array_equal(out.detach().numpy(), m._call_impl(x).detach().numpy())


def test_values_and_gradients_as_torchs(torch: Any) -> None:
    results = []
    for lib in (mg, torch):
        m = _model(lib)
        m.compile(mode="reduce-overhead")
        x = lib.tensor(X, requires_grad=True)
        out = m(x)
        out.sum().backward()
        results.append(
            [out.detach().numpy(), x.grad.numpy()] + [p.grad.numpy() for p in m.parameters()]
        )
    for got, want in zip(*results, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_gradcheck_through_the_compiled_call() -> None:
    m = _model(mg)
    m.compile()
    x = mg.tensor(X, requires_grad=True)
    assert mg.autograd.gradcheck(lambda t: m(t), (x,))
    assert mg.autograd.gradgradcheck(lambda t: m(t), (x,))


def test_hooks_run_once(torch: Any) -> None:
    counts = []
    for lib in (mg, torch):
        m = _model(lib)
        calls: list[str] = []
        m.register_forward_pre_hook(lambda mod, args, calls=calls: calls.append("pre"))
        m.register_forward_hook(lambda mod, args, out, calls=calls: calls.append("post"))
        m.compile()
        m(lib.tensor(X))
        counts.append(calls)
    assert counts[0] == counts[1] == ["pre", "post"]


def test_disable_compiles_to_the_call_itself(torch: Any) -> None:
    for lib in (mg, torch):
        m = _model(lib)
        m.compile(disable=True)
        assert m._compiled_call_impl == m._call_impl
        np.testing.assert_allclose(
            m(lib.tensor(X)).detach().numpy(), _model(lib)(lib.tensor(X)).detach().numpy()
        )


def test_copy_and_pickle_are_not_compiled(torch: Any) -> None:
    for lib in (mg, torch):
        m = _model(lib)
        m.compile()
        for other in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
            assert other._compiled_call_impl is None
            np.testing.assert_array_equal(
                other(lib.tensor(X)).detach().numpy(), m(lib.tensor(X)).detach().numpy()
            )
        assert m._compiled_call_impl is not None  # (the original stays compiled)


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((), {"mode": "fastest", "backend": "inductor"}),
        ((), {"mode": "default", "options": {"a": 1}}),
        ((), {"dynamic": "yes"}),
        ((), {"backend": "nonexistent"}),
        ((), {"no_such_keyword": 1}),
        ((True,), {}),
    ],
)
def test_errors_as_torchs(torch: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    errors = []
    for lib in (mg, torch):
        m = _model(lib)
        with pytest.raises(Exception) as info:
            m.compile(*args, **kwargs)
        assert m._compiled_call_impl is None  # (a refused compile changes nothing)
        errors.append(info.value)
    ours, theirs = errors
    # torch's InvalidBackend is a RuntimeError of torch._dynamo's; the others are builtins
    assert type(ours) is (RuntimeError if isinstance(theirs, RuntimeError) else type(theirs))
    words = str(theirs).split(", see")[0] if kwargs.get("backend") else str(theirs)
    assert str(ours).startswith(words), (str(ours), str(theirs))


def test_compiled_module_is_still_compiled_by_the_step_compiler() -> None:
    # (the training-step compiler records the module by calling it: a compiled call is a call)
    m = _model(mg)
    m.compile()
    opt = mg.optim.SGD(m.parameters(), lr=0.1)
    step = mg.compile(m, lambda out, y: ((out - y) ** 2).mean(), opt)
    ref = _model(mg)
    ref_opt = mg.optim.SGD(ref.parameters(), lr=0.1)
    x, y = mg.tensor(X), mg.tensor(X[:, :1])
    for _ in range(3):
        step(x, y)
        ref_opt.zero_grad()
        ((ref(x) - y) ** 2).mean().backward()
        ref_opt.step()
    for p, q in zip(m.parameters(), ref.parameters(), strict=True):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-12)


def test_a_copy_of_a_compiled_parametrized_module_is_not_compiled() -> None:
    m = nn.Linear(2, 3).double()

    class Double(nn.Module):
        def forward(self, w: Any) -> Any:
            return w * 2

    nn.utils.parametrize.register_parametrization(m, "weight", Double())
    m.compile()
    c = copy.deepcopy(m)
    assert c._compiled_call_impl is None and m._compiled_call_impl is not None
    x = mg.tensor(X)
    np.testing.assert_array_equal(c(x).detach().numpy(), m(x).detach().numpy())
