"""``minigrad.utils.checkpoint``: values and gradients of the plain call and of PyTorch's."""

from __future__ import annotations

import gc
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.utils.checkpoint import CheckpointError, checkpoint, checkpoint_sequential

FORMS = [True, False]  # use_reentrant


def _mlp(seed: int = 0, dtype: Any = mg.float64) -> nn.Sequential:
    mg.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.GELU(), nn.Linear(8, 3)
    ).to(dtype)


def _run(model: Callable[..., Any], x: mg.Tensor, wrap: Callable[..., Any] | None, **kw: Any):
    """Output, input gradient and parameter gradients of sum(out * w) for a fixed w."""
    x = x.detach().requires_grad_()
    params = list(model.parameters()) if isinstance(model, nn.Module) else []
    for p in params:
        p.grad = None
    out = model(x) if wrap is None else wrap(model, x, **kw)
    weight = mg.tensor(np.linspace(-1, 1, out.numel()).reshape(out.shape), dtype=out.dtype)
    (out * weight).sum().backward()
    return out.detach().numpy(), x.grad.numpy(), [p.grad.numpy() for p in params]


def _same(a: Any, b: Any) -> None:
    np.testing.assert_allclose(a[0], b[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a[1], b[1], rtol=1e-10, atol=1e-12)
    assert len(a[2]) == len(b[2])
    for u, v in zip(a[2], b[2]):
        np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reentrant", FORMS)
def test_mlp_block_values_and_gradients_are_the_plain_calls(reentrant: bool) -> None:
    model = _mlp()
    x = mg.randn(5, 4, dtype=mg.float64)
    _same(_run(model, x, checkpoint, use_reentrant=reentrant), _run(model, x, None))


@pytest.mark.parametrize("reentrant", FORMS)
def test_mlp_block_matches_torch(reentrant: bool) -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.checkpoint import checkpoint as torch_checkpoint

    model = _mlp()
    ref = torch.nn.Sequential(
        torch.nn.Linear(4, 8),
        torch.nn.Tanh(),
        torch.nn.Linear(8, 8),
        torch.nn.GELU(),
        torch.nn.Linear(8, 3),
    ).double()
    ref.load_state_dict(
        {k: torch.from_numpy(v.detach().numpy()) for k, v in model.state_dict().items()}
    )
    x = mg.randn(5, 4, dtype=mg.float64)
    out, gx, gp = _run(model, x, checkpoint, use_reentrant=reentrant)
    tx = torch.from_numpy(x.numpy()).requires_grad_()
    t_out = torch_checkpoint(ref, tx, use_reentrant=reentrant)
    weight = torch.linspace(-1, 1, t_out.numel(), dtype=torch.float64).reshape(t_out.shape)
    (t_out * weight).sum().backward()
    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    for g, p in zip(gp, ref.parameters()):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=1e-10, atol=1e-12)


def _dropout_block() -> nn.Sequential:
    mg.manual_seed(3)
    return nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 2)).to(
        mg.float64
    )


@pytest.mark.parametrize("reentrant", FORMS)
def test_dropout_mask_is_reproduced_in_the_recomputation(reentrant: bool) -> None:
    model = _dropout_block()
    x = mg.randn(8, 6, dtype=mg.float64)
    mg.manual_seed(11)
    plain = _run(model, x, None)
    mg.manual_seed(11)
    checked = _run(model, x, checkpoint, use_reentrant=reentrant)
    _same(checked, plain)


@pytest.mark.parametrize("reentrant", FORMS)
def test_without_preserved_rng_state_the_mask_differs(reentrant: bool) -> None:
    model = _dropout_block()
    x = mg.randn(8, 6, dtype=mg.float64)
    mg.manual_seed(11)
    plain = _run(model, x, None)
    mg.manual_seed(11)
    loose = _run(model, x, checkpoint, use_reentrant=reentrant, preserve_rng_state=False)
    np.testing.assert_allclose(loose[0], plain[0])  # the forward is the same...
    assert not np.allclose(loose[2][0], plain[2][0])  # ...the recomputed mask is not


@pytest.mark.parametrize("reentrant", FORMS)
def test_the_recomputation_leaves_the_random_state_as_it_found_it(reentrant: bool) -> None:
    model = _dropout_block()
    x = mg.randn(8, 6, dtype=mg.float64, requires_grad=True)
    out = checkpoint(model, x, use_reentrant=reentrant)
    before = mg.get_rng_state().numpy().copy()
    out.sum().backward()
    np.testing.assert_array_equal(mg.get_rng_state().numpy(), before)


@pytest.mark.parametrize("reentrant", FORMS)
@pytest.mark.parametrize("segments", [1, 2, 3, 5])
def test_checkpoint_sequential_is_the_plain_call(reentrant: bool, segments: int) -> None:
    model = _mlp(1)
    x = mg.randn(4, 4, dtype=mg.float64)
    wrapped = _run(
        model,
        x,
        lambda m, t: checkpoint_sequential(m, segments, t, use_reentrant=reentrant),
    )
    _same(wrapped, _run(model, x, None))


def test_checkpoint_sequential_matches_torch_over_a_list() -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.checkpoint import checkpoint_sequential as torch_sequential

    model = _mlp(2)
    ref = torch.nn.Sequential(
        torch.nn.Linear(4, 8),
        torch.nn.Tanh(),
        torch.nn.Linear(8, 8),
        torch.nn.GELU(),
        torch.nn.Linear(8, 3),
    ).double()
    ref.load_state_dict(
        {k: torch.from_numpy(v.detach().numpy()) for k, v in model.state_dict().items()}
    )
    x = mg.randn(3, 4, dtype=mg.float64, requires_grad=True)
    out = checkpoint_sequential(list(model.children()), 2, x, use_reentrant=False)
    out.sum().backward()
    tx = torch.from_numpy(x.detach().numpy()).requires_grad_()
    t_out = torch_sequential(list(ref.children()), 2, tx, use_reentrant=False)
    t_out.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), t_out.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("reentrant", FORMS)
def test_the_forward_keeps_no_intermediate(reentrant: bool) -> None:
    seen: list[weakref.ref[mg.Tensor]] = []

    def block(x: mg.Tensor) -> mg.Tensor:
        hidden = (x * 2).tanh()
        seen.append(weakref.ref(hidden))
        return (hidden * x).sum()

    x = mg.randn(5, dtype=mg.float64, requires_grad=True)
    plain = block(x)
    gc.collect()
    assert seen[-1]() is not None  # the plain call's graph holds its intermediate
    out = checkpoint(block, x, use_reentrant=reentrant)
    gc.collect()
    assert seen[-1]() is None
    out.backward()
    plain.backward()


def test_gradcheck_through_the_non_reentrant_form() -> None:
    w = mg.randn(3, 3, dtype=mg.float64, requires_grad=True)

    def fn(x: mg.Tensor, y: mg.Tensor) -> mg.Tensor:
        return checkpoint(
            lambda a, b: ((a @ w).sin() * b, (a * b).exp()), x, y, use_reentrant=False
        )

    x = mg.randn(2, 3, dtype=mg.float64, requires_grad=True)
    y = mg.randn(2, 3, dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(fn, (x, y))
    assert mg.gradcheck(
        lambda v: checkpoint(lambda a: (a @ v).tanh(), x, use_reentrant=False), (w,)
    )


def test_finite_differences_through_the_reentrant_form() -> None:
    """gradcheck calls grad(), which the reentrant form refuses (in PyTorch too): the same
    check, with backward() and central differences."""
    rng = np.random.default_rng(5)
    w = mg.tensor(rng.standard_normal((3, 3)), requires_grad=True)
    x = mg.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    upstream = rng.standard_normal((2, 3))

    def loss() -> mg.Tensor:
        out = checkpoint(lambda a: (a @ w).sin() * a, x, use_reentrant=True)
        return (out * mg.tensor(upstream)).sum()

    loss().backward()
    for t in (x, w):
        numeric = np.zeros(t.shape)
        for i in np.ndindex(*t.shape):
            keep = t.data[i].item()
            with mg.no_grad():
                t.data[i] = keep + 1e-6
                high = loss().item()
                t.data[i] = keep - 1e-6
                low = loss().item()
                t.data[i] = keep
            numeric[i] = (high - low) / 2e-6
        np.testing.assert_allclose(t.grad.numpy(), numeric, rtol=1e-5, atol=1e-7)


def test_gradgradcheck_through_the_non_reentrant_form() -> None:
    w = mg.randn(3, 3, dtype=mg.float64, requires_grad=True)

    def fn(x: mg.Tensor) -> mg.Tensor:
        return checkpoint(lambda a: (a @ w).tanh() * a, x, use_reentrant=False)

    x = mg.randn(2, 3, dtype=mg.float64, requires_grad=True)
    assert mg.gradgradcheck(fn, (x,))


def test_second_order_equals_the_plain_calls_and_torchs() -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.checkpoint import checkpoint as torch_checkpoint

    data = np.random.default_rng(0).standard_normal(4)
    x = mg.tensor(data, requires_grad=True)
    f = lambda a: (a.sin() * a).sum()  # noqa: E731
    results = []
    for wrap in (lambda a: checkpoint(f, a, use_reentrant=False), f):
        (g,) = mg.autograd.grad(wrap(x), x, create_graph=True)
        (gg,) = mg.autograd.grad(g.sum(), x)
        results.append(gg.numpy())
    tx = torch.tensor(data, requires_grad=True)
    tf = lambda a: (a.sin() * a).sum()  # noqa: E731
    (tg,) = torch.autograd.grad(
        torch_checkpoint(tf, tx, use_reentrant=False), tx, create_graph=True
    )
    (tgg,) = torch.autograd.grad(tg.sum(), tx)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)
    np.testing.assert_allclose(results[0], tgg.numpy(), rtol=1e-12)


def test_the_reentrant_form_records_no_second_order_as_torchs() -> None:
    x = mg.randn(3, dtype=mg.float64, requires_grad=True)
    out = checkpoint(lambda a: (a.sin() * a).sum(), x, use_reentrant=True)
    out.backward(create_graph=True)
    assert x.grad is not None and not x.grad.requires_grad


def test_grad_reaches_parameters_through_the_non_reentrant_form() -> None:
    model = _mlp()
    x = mg.randn(5, 4, dtype=mg.float64, requires_grad=True)
    params = [x, *model.parameters()]
    got = mg.autograd.grad(checkpoint(model, x, use_reentrant=False).sum(), params)
    want = mg.autograd.grad(model(x).sum(), params)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-12)
    assert all(p.grad is None for p in params)


@pytest.mark.parametrize("reentrant", FORMS)
def test_several_outputs_non_tensor_args_and_outputs(reentrant: bool) -> None:
    def fn(a: mg.Tensor, scale: float, b: mg.Tensor) -> tuple[Any, ...]:
        return a * scale + b, "label", (a * b).exp()

    a = mg.randn(3, dtype=mg.float64, requires_grad=True)
    b = mg.randn(3, dtype=mg.float64, requires_grad=True)
    first, label, second = checkpoint(fn, a, 2.0, b, use_reentrant=reentrant)
    assert label == "label"
    (first.sum() + second.sum()).backward()
    ga, gb = a.grad.numpy().copy(), b.grad.numpy().copy()
    a.grad = b.grad = None
    first, _, second = fn(a, 2.0, b)
    (first.sum() + second.sum()).backward()
    np.testing.assert_allclose(ga, a.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gb, b.grad.numpy(), rtol=1e-12)


def test_an_output_without_gradient_is_fine_when_another_has_one() -> None:
    a = mg.randn(3, dtype=mg.float64, requires_grad=True)
    for reentrant in FORMS:
        _, second = checkpoint(lambda t: (t * 2, t * 3), a, use_reentrant=reentrant)
        second.sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), np.full(3, 3.0))
        a.grad = None


def test_keyword_arguments_in_the_non_reentrant_form() -> None:
    a = mg.randn(3, dtype=mg.float64, requires_grad=True)
    b = mg.randn(3, dtype=mg.float64, requires_grad=True)
    out = checkpoint(
        lambda x, *, other, k=1.0: (x * other * k).sum(), a, other=b, k=2.0, use_reentrant=False
    )
    out.backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * b.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), 2 * a.detach().numpy(), rtol=1e-12)


def test_inputs_without_grad_match_torchs_two_forms() -> None:
    model = _mlp()
    x = mg.randn(2, 4, dtype=mg.float64)
    with pytest.warns(UserWarning, match=r"^None of the inputs have requires_grad=True"):
        out = checkpoint(model, x, use_reentrant=True)
    assert not out.requires_grad  # PyTorch's reentrant pitfall: parameters get nothing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = checkpoint(model, x, use_reentrant=False)
    out.sum().backward()  # the non-reentrant form reaches the parameters
    want = mg.autograd.grad(model(x).sum(), list(model.parameters()))
    for p, w in zip(model.parameters(), want):
        np.testing.assert_allclose(p.grad.numpy(), w.numpy(), rtol=1e-12)


def test_nested_checkpoints() -> None:
    x = mg.randn(4, dtype=mg.float64, requires_grad=True)

    def inner(a: mg.Tensor) -> mg.Tensor:
        return a.sin() * a

    def outer(a: mg.Tensor) -> mg.Tensor:
        return checkpoint(inner, a * 2, use_reentrant=False).exp()

    for reentrant in FORMS:
        checkpoint(outer, x, use_reentrant=reentrant).sum().backward()
        got = x.grad.numpy().copy()
        x.grad = None
        (inner(x * 2).exp()).sum().backward()
        np.testing.assert_allclose(got, x.grad.numpy(), rtol=1e-12)
        x.grad = None


def test_retain_graph_backward_twice_non_reentrant() -> None:
    x = mg.randn(3, dtype=mg.float64, requires_grad=True)
    out = checkpoint(lambda a: (a * a).sum(), x, use_reentrant=False)
    out.backward(retain_graph=True)
    out.backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * x.detach().numpy())
    with pytest.raises(RuntimeError, match=r"backward through the graph a second time"):
        out.backward()


# ---------------------------------------------------------------------------------------------
# Errors and warnings, in PyTorch's words


def _torch_warning(call: Callable[[], Any]) -> str:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return str(caught[0].message)


def test_use_reentrant_none_warns_as_torch_and_means_true() -> None:
    torch = pytest.importorskip("torch")
    from torch.utils import checkpoint as tc

    tx = torch.ones(2, requires_grad=True)
    x = mg.ones(2, requires_grad=True)
    want = _torch_warning(lambda: tc.checkpoint(lambda a: a * 2, tx))
    assert _torch_warning(lambda: checkpoint(lambda a: a * 2, x)) == want
    with pytest.warns(UserWarning):
        assert checkpoint(lambda a: a * 2, x).grad_fn.name() == "CheckpointFunctionBackward"
    seq = [torch.nn.Identity(), torch.nn.Identity()]
    want = _torch_warning(lambda: tc.checkpoint_sequential(seq, 2, tx))
    ours = [nn.Identity(), nn.Identity()]
    assert _torch_warning(lambda: checkpoint_sequential(ours, 2, x)) == want


def test_reentrant_refuses_grad_and_backward_inputs_before_any_change() -> None:
    model = _mlp()
    x = mg.randn(2, 4, dtype=mg.float64, requires_grad=True)
    message = r"When use_reentrant=True, torch.utils.checkpoint is incompatible with \.grad\(\)"
    with pytest.raises(RuntimeError, match=message):
        mg.autograd.grad(checkpoint(model, x, use_reentrant=True).sum(), x)
    with pytest.raises(RuntimeError, match=message):
        checkpoint(model, x, use_reentrant=True).sum().backward(inputs=[x])
    assert x.grad is None and all(p.grad is None for p in model.parameters())


def test_argument_errors_are_torchs() -> None:
    torch = pytest.importorskip("torch")
    from torch.utils import checkpoint as tc

    tx = torch.ones(2, requires_grad=True)
    x = mg.ones(2, requires_grad=True)
    f = lambda a, b=1: a * b  # noqa: E731
    cases: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = [
        (f, (), {"b": 2, "use_reentrant": True}),
        (f, (), {"use_reentrant": True, "debug": True}),
        (f, (), {"use_reentrant": True, "context_fn": lambda: (None, None)}),
        (f, (), {"use_reentrant": False, "determinism_check": "bogus"}),
    ]
    for fn, args, kw in cases:
        with pytest.raises(ValueError) as want:
            tc.checkpoint(fn, tx, *args, **kw)
        with pytest.raises(ValueError) as got:
            checkpoint(fn, x, *args, **kw)
        assert str(got.value) == str(want.value)
    seq = [torch.nn.Identity()] * 3
    ours = [nn.Identity()] * 3
    for kw in ({"use_reentrant": True, "foo": 1}, {"use_reentrant": False, "bar": 2}):
        with pytest.raises(ValueError) as want:
            tc.checkpoint_sequential(seq, 2, tx, **kw)
        with pytest.raises(ValueError) as got:
            checkpoint_sequential(ours, 2, x, **kw)
        assert str(got.value) == str(want.value)
    with pytest.raises(ZeroDivisionError):
        checkpoint_sequential(ours, 0, x, use_reentrant=False)
    with pytest.raises(ValueError, match=r"range\(\) arg 3 must not be zero"):
        checkpoint_sequential(ours, 4, x, use_reentrant=False)


def test_reentrant_with_no_output_needing_grad_raises_torchs_error() -> None:
    x = mg.randn(3, requires_grad=True)
    out = checkpoint(lambda a: a.detach() * 2, x, use_reentrant=True)
    with pytest.raises(RuntimeError, match=r"^none of output has requires_grad=True, this "):
        out.sum().backward()
    # the non-reentrant form returns what the function returned: it needs no gradient
    assert not checkpoint(lambda a: a.detach() * 2, x, use_reentrant=False).requires_grad


def test_determinism_check_names_a_recomputation_that_differs() -> None:
    calls = []

    def unstable(a: mg.Tensor) -> mg.Tensor:
        calls.append(1)
        return a * 2 if len(calls) == 1 else (a * 2)[:2]

    x = mg.randn(3, requires_grad=True)
    out = checkpoint(unstable, x, use_reentrant=False)
    with pytest.raises(CheckpointError, match=r"different metadata than during the forward"):
        out.sum().backward()
    assert x.grad is None


def test_context_fn_wraps_forward_and_recomputation() -> None:
    entered: list[str] = []

    class Mark:
        def __init__(self, name: str) -> None:
            self.name = name

        def __enter__(self) -> None:
            entered.append(self.name)

        def __exit__(self, *exc: object) -> None:
            return None

    x = mg.randn(3, requires_grad=True)
    out = checkpoint(
        lambda a: (a * a).sum(),
        x,
        use_reentrant=False,
        context_fn=lambda: (Mark("forward"), Mark("recompute")),
    )
    assert entered == ["forward"]
    out.backward()
    assert entered == ["forward", "recompute"]


def test_import_paths() -> None:
    import minigrad.utils.checkpoint as module

    assert mg.utils.checkpoint is module and module.checkpoint is checkpoint


@pytest.mark.parametrize("reentrant", FORMS)
def test_closed_over_tensors_one_made_from_the_other(reentrant: bool) -> None:
    """Each outside tensor gets only what the function sends it directly: ``d`` also reaches
    the loss through ``e = exp(d)``, which the outer walk adds once."""
    a = mg.randn(3, dtype=mg.float64, requires_grad=True)
    x = mg.randn(3, dtype=mg.float64, requires_grad=True)
    results = []
    for wrap in (True, False):
        d = a * 2
        e = d.exp()

        def f(t: mg.Tensor, d: mg.Tensor = d, e: mg.Tensor = e) -> mg.Tensor:
            return (t * d + t * e).sin().sum()

        out = checkpoint(f, x, use_reentrant=reentrant) if wrap else f(x)
        if reentrant:
            out.backward()
            results.append([a.grad.numpy().copy(), x.grad.numpy().copy()])
            a.grad = x.grad = None
        else:
            results.append([g.numpy() for g in mg.autograd.grad(out, [a, d, e, x])])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-12)
