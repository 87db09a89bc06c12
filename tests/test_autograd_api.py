"""minigrad.autograd as PyTorch's namespace: Function, grad/backward arguments, the graph as
PyTorch shows it (names, next_functions), functional.jacobian/hessian, missing names."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import Function
from minigrad.autograd.functional import hessian, jacobian

RNG = np.random.default_rng(0)


def leaf(*shape: int) -> mg.Tensor:
    return mg.tensor(RNG.standard_normal(shape), requires_grad=True)


# ---------------------------------------------------------------------------------------------
# autograd.Function


class LegendrePolynomial3(Function):
    """P3(x) = (5x³ - 3x) / 2; P3'(x) = 1.5 (5x² - 1)."""

    @staticmethod
    def forward(ctx: Any, x: mg.Tensor) -> mg.Tensor:
        ctx.save_for_backward(x)
        return 0.5 * (5 * x**3 - 3 * x)

    @staticmethod
    def backward(ctx: Any, grad_output: mg.Tensor) -> mg.Tensor:
        (x,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * x**2 - 1)


class ScaleAndSquare(Function):
    """Two outputs (x * k, x²) from a tensor and a number; forward without ctx."""

    @staticmethod
    def forward(x: mg.Tensor, k: float) -> tuple[mg.Tensor, mg.Tensor]:
        return x * k, x * x

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> None:
        x, k = inputs
        ctx.save_for_backward(x)
        ctx.k = k

    @staticmethod
    def backward(ctx: Any, g1: mg.Tensor, g2: mg.Tensor) -> tuple[mg.Tensor, None]:
        (x,) = ctx.saved_tensors
        return g1 * ctx.k + g2 * 2 * x, None


class MulAdd(Function):
    """x * y + b with broadcasting: b's gradient is summed back by the engine."""

    @staticmethod
    def forward(ctx: Any, x: mg.Tensor, y: mg.Tensor, b: mg.Tensor) -> mg.Tensor:
        ctx.save_for_backward(x, y)
        return x * y + b

    @staticmethod
    def backward(ctx: Any, g: mg.Tensor) -> tuple[Any, ...]:
        x, y = ctx.saved_tensors
        return (
            g * y if ctx.needs_input_grad[0] else None,
            g * x if ctx.needs_input_grad[1] else None,
            g,
        )


def test_function_first_and_second_order() -> None:
    x = leaf(5)
    y = LegendrePolynomial3.apply(x)
    xa = x.detach().numpy()
    np.testing.assert_allclose(y.detach().numpy(), 0.5 * (5 * xa**3 - 3 * xa))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1.5 * (5 * xa**2 - 1))
    assert mg.autograd.gradcheck(LegendrePolynomial3.apply, (leaf(4),))
    assert mg.autograd.gradgradcheck(LegendrePolynomial3.apply, (leaf(4),))


def test_function_several_inputs_outputs_and_broadcasting() -> None:
    x = leaf(2, 3)
    assert mg.autograd.gradcheck(lambda x: ScaleAndSquare.apply(x, 3.0), (x,))
    assert mg.autograd.gradgradcheck(lambda x: ScaleAndSquare.apply(x, 3.0), (x,))
    args = (leaf(2, 3), leaf(3), leaf(1, 3))
    assert mg.autograd.gradcheck(MulAdd.apply, args)
    assert mg.autograd.gradgradcheck(MulAdd.apply, args)
    _, b = ScaleAndSquare.apply(x, 3.0)
    b.sum().backward()  # only the second output is used: g1 arrives as zeros
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy())


def test_function_ctx_flags() -> None:
    seen: dict[str, Any] = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx: Any, x: mg.Tensor, y: mg.Tensor, k: int) -> tuple[mg.Tensor, mg.Tensor]:
            seen["recording"] = mg.is_grad_enabled()
            seen["needs"] = ctx.needs_input_grad
            ctx.set_materialize_grads(False)
            idx = x.argmax()
            ctx.mark_non_differentiable(idx)
            return x * y * k, idx

        @staticmethod
        def backward(ctx: Any, g: mg.Tensor, g_idx: Any) -> tuple[Any, ...]:
            seen["g_idx"] = g_idx
            return g * 2, None, None

    x, y = leaf(3), mg.tensor(RNG.standard_normal(3))
    out, idx = Probe.apply(x, y, 2)
    assert seen["needs"] == (True, False, False) and seen["recording"] is False
    assert not idx.requires_grad and idx.grad_fn is None
    out.sum().backward()
    assert seen["g_idx"] is None  # set_materialize_grads(False): no zeros made up
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.ones(3))
    with mg.no_grad():
        out, _ = Probe.apply(x, y, 2)
    assert out.grad_fn is None and not out.requires_grad


def test_function_returning_its_input_gets_a_new_tensor() -> None:
    class Identity(Function):
        @staticmethod
        def forward(ctx: Any, x: mg.Tensor) -> mg.Tensor:
            return x

        @staticmethod
        def backward(ctx: Any, g: mg.Tensor) -> mg.Tensor:
            return g

    x = leaf(3)
    y = Identity.apply(x)
    assert y is not x and x.is_leaf and y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones(3))


def _fn(result: Any) -> type[Function]:
    class MyFn(Function):
        @staticmethod
        def forward(ctx: Any, x: mg.Tensor, k: float) -> mg.Tensor:
            return x * k

        @staticmethod
        def backward(ctx: Any, g: mg.Tensor) -> Any:
            return result(g)

    return MyFn


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (lambda g: (g,), r"function MyFnBackward returned an incorrect number of gradients "
         r"\(expected 2, got 1\)"),
        (lambda g: (g, None, g), r"incorrect number of gradients \(expected 2, got 3\)"),
        (lambda g: (g[0], None), r"Function MyFnBackward returned an invalid gradient at index 0 "
         r"- got \[3\] but expected shape compatible with \[2, 3\]"),
        (lambda g: (1.0, None), r"expected Variable or None \(got float\)"),
        (lambda g: (g, g), "returned a gradient different than None at position 2, but the "
         "corresponding forward input was not a Variable"),
    ],
)  # fmt: skip
def test_function_backward_errors_use_pytorch_wording(result: Any, message: str) -> None:
    x = leaf(2, 3)
    y = _fn(result).apply(x, 2.0).sum()
    with pytest.raises(RuntimeError, match=message):
        y.backward()
    assert x.grad is None  # nothing accumulated


def test_function_extra_trailing_nones_are_allowed() -> None:
    x = leaf(2, 3)
    _fn(lambda g: (g * 2, None, None)).apply(x, 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 2.0))


def test_function_saved_tensors_freed_and_misuse() -> None:
    x = leaf(3)
    y = LegendrePolynomial3.apply(x)
    assert y.grad_fn.saved_tensors[0] is x
    y.sum().backward()
    with pytest.raises(RuntimeError, match="after they have already been freed"):
        y.grad_fn.saved_tensors

    class SavesNumber(Function):
        @staticmethod
        def forward(ctx: Any, x: mg.Tensor) -> mg.Tensor:
            ctx.save_for_backward(3)
            return x * 2

    with pytest.raises(TypeError, match="save_for_backward can only save variables, but argument"):
        SavesNumber.apply(x)
    with pytest.raises(RuntimeError, match="apply"):
        LegendrePolynomial3()


def test_function_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    a = RNG.standard_normal((2, 3))

    class TorchLegendrePolynomial3(torch.autograd.Function):
        forward = LegendrePolynomial3.forward
        backward = LegendrePolynomial3.backward

    xt = torch.tensor(a, requires_grad=True)
    (gt,) = torch.autograd.grad(TorchLegendrePolynomial3.apply(xt).sum(), xt, create_graph=True)
    (ggt,) = torch.autograd.grad(gt.sum(), xt)
    x = mg.tensor(a, requires_grad=True)
    y = LegendrePolynomial3.apply(x)
    (g,) = mg.autograd.grad(y.sum(), x, create_graph=True)
    (gg,) = mg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(g.detach().numpy(), gt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(gg.numpy(), ggt.numpy(), rtol=1e-12)
    torch_name = TorchLegendrePolynomial3.apply(xt).grad_fn.name()
    assert "Torch" + y.grad_fn.name() == torch_name == "TorchLegendrePolynomial3Backward"


# ---------------------------------------------------------------------------------------------
# The graph as PyTorch shows it


def test_grad_fn_names_and_next_functions() -> None:
    x, w = leaf(4, 3), leaf(2, 3)
    b = leaf(2)
    y = mg.nn.functional.linear(x, w, b).relu()
    z = (y * 2).sum()
    assert repr(z.grad_fn) == "<SumBackward0>" and z.grad_fn.name() == "SumBackward0"
    mul = z.grad_fn.next_functions[0][0]
    assert mul.name() == "MulBackward0"
    assert mul.next_functions[1] == (None, 0)  # the constant 2
    relu = mul.next_functions[0][0]
    assert relu.name() == "ReluBackward0" and relu.op_name == "ReLU"
    linear = relu.next_functions[0][0]
    assert linear.name() == "AddmmBackward0"
    # PyTorch's addmm(b, x, w.t()): the bias, the input, then the weight through a TBackward0
    bias, inp, t = (node for node, _ in linear.next_functions)
    assert (bias.variable, inp.variable) == (b, x)
    assert t.name() == "TBackward0" and t.next_functions[0][0].variable is w
    acc = [bias, inp, t.next_functions[0][0]]
    assert all(a.name() == "torch::autograd::AccumulateGrad" for a in acc)
    assert acc[0].next_functions == () and repr(acc[0]) == "<AccumulateGrad>"
    assert acc[0] == linear.next_functions[0][0]  # one node per leaf
    assert "grad_fn=<SumBackward0>" in repr(z)


def test_next_functions_with_several_outputs() -> None:
    x = leaf(3)
    a, b = ScaleAndSquare.apply(x, 2.0)
    node = (a + b).grad_fn
    assert node.next_functions[0][1] == 0 and node.next_functions[1][1] == 1
    assert node.next_functions[0][0] is node.next_functions[1][0]
    assert node.next_functions[0][0].name() == "ScaleAndSquareBackward"
    assert repr(a.grad_fn) == repr(b.grad_fn) == "<ScaleAndSquareBackward>"


def test_names_match_torch() -> None:
    torch = pytest.importorskip("torch")
    a = RNG.standard_normal((2, 3))
    cases = {
        "add": lambda t, x: x + x,
        "mul": lambda t, x: x * 2,
        "div": lambda t, x: x / 3,
        "pow": lambda t, x: x**2,
        "exp": lambda t, x: x.exp(),
        "relu": lambda t, x: x.relu(),
        "sigmoid": lambda t, x: x.sigmoid(),
        "tanh": lambda t, x: x.tanh(),
        "sum": lambda t, x: x.sum(),
        "mean": lambda t, x: x.mean(),
        "max": lambda t, x: x.max(),
        "matmul": lambda t, x: x @ x.T,
        "T": lambda t, x: x.T,
        "reshape": lambda t, x: x.reshape(3, 2),
        "cat": lambda t, x: t.cat([x, x]),
        "logsumexp": lambda t, x: x.logsumexp(1),
        "log_softmax": lambda t, x: x.log_softmax(1),
        "clamp": lambda t, x: x.clamp(0, 1),
        "index": lambda t, x: x[t.tensor([0, 1, 1])],
        "linear": lambda t, x: t.nn.functional.linear(x, x, x[:, 0]),
    }
    for name, f in cases.items():
        ours = f(mg, mg.tensor(a, requires_grad=True)).grad_fn.name()
        theirs = f(torch, torch.tensor(a, requires_grad=True)).grad_fn.name()
        assert ours == theirs, name


INDEXING = [
    "x[1]", "x[-1]", "x[1:2]", "x[::2]", "x[:]", "x[:, 1]", "x[1, 2]", "x[1, :]", "x[1, :2]",
    "x[1:2, :]", "x[..., 1:]", "x[None]", "x[None, 1]", "x[1, None]", "x[:, :, None]",
    "x[...]", "x[:, :]", "x[1, ...]", "x[0:1, [1, 2]]", "x[[0, 1]]", "x[x > 0]", "x[True]",
    "x[0][None]", "x.select(0, 1)", "x.narrow(1, 1, 2)",
]  # fmt: skip


@pytest.mark.parametrize("expr", INDEXING)
def test_indexing_node_names_match_torch(expr: str) -> None:
    # PyTorch names x[index] by its last basic step: SelectBackward0 for x[1], SliceBackward0
    # for x[1, :2], UnsqueezeBackward0 for x[:, None], IndexBackward0 for advanced indexing
    torch = pytest.importorskip("torch")
    names = []
    for lib in (mg, torch):
        x = lib.tensor(RNG.standard_normal((3, 4)), requires_grad=True) * 1
        names.append(eval(expr, {"x": x}).grad_fn.name())
    assert names[0] == names[1]


# ---------------------------------------------------------------------------------------------
# grad and backward with PyTorch's arguments


def test_grad_arguments() -> None:
    x, unused = leaf(3), leaf(2)
    y = (x * x).sum()
    (g,) = mg.autograd.grad([y], [x], [None], retain_graph=True, only_inputs=True)
    np.testing.assert_allclose(g.detach().numpy(), 2 * x.detach().numpy())
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        mg.autograd.grad(y, [x, unused], retain_graph=True)
    g, gu = mg.autograd.grad(y, [x, unused], retain_graph=True, materialize_grads=True)
    np.testing.assert_array_equal(gu.numpy(), np.zeros(2))
    with pytest.raises(ValueError, match="allow_unused to be True or not passed"):
        mg.autograd.grad(y, [x, unused], materialize_grads=True, allow_unused=False)
    with pytest.raises(NotImplementedError, match="vmap"):
        mg.autograd.grad(y, x, is_grads_batched=True)
    with pytest.raises(RuntimeError, match="does not require grad"):
        mg.autograd.grad(y, mg.tensor([1.0]))
    with pytest.raises(RuntimeError, match="sequence of length 1"):
        mg.autograd.grad(y, x, [None, None])


def test_autograd_backward_with_inputs() -> None:
    x, w = leaf(3), leaf(3)
    h = x * w
    loss = (h * h).sum()
    mg.autograd.backward(loss, inputs=[w], retain_graph=True)
    assert x.grad is None
    np.testing.assert_allclose(w.grad.numpy(), 2 * h.detach().numpy() * x.detach().numpy())
    loss.backward(inputs=[x, h])  # a non-leaf may receive .grad too
    np.testing.assert_allclose(x.grad.numpy(), 2 * h.detach().numpy() * w.detach().numpy())
    np.testing.assert_allclose(h.grad.numpy(), 2 * h.detach().numpy())
    a, b = leaf(2), leaf(2)
    mg.autograd.backward([a.sum(), (b * 3).sum()], [None, mg.tensor(2.0, dtype="float64")])
    np.testing.assert_array_equal(b.grad.numpy(), np.full(2, 6.0))
    np.testing.assert_array_equal(a.grad.numpy(), np.ones(2))
    with pytest.raises(RuntimeError, match="'inputs' argument to backward\\(\\) cannot be empty"):
        mg.autograd.backward(a.sum(), inputs=[])


def test_backward_and_grad_match_torch() -> None:
    torch = pytest.importorskip("torch")
    a, c = RNG.standard_normal((3, 2)), RNG.standard_normal((3, 2))

    def run(lib: Any) -> list[np.ndarray]:
        x = lib.tensor(a, requires_grad=True)
        y = (x.sin() * lib.tensor(c)).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        lib.autograd.backward([g.pow(2).sum() if hasattr(g, "pow") else (g**2).sum()], inputs=[x])
        return [g.detach().numpy(), x.grad.numpy()]

    for ours, theirs in zip(run(mg), run(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# gradcheck arguments


def test_gradcheck_accepts_pytorch_arguments() -> None:
    x = leaf(2, 3)
    f = lambda x: (x * x).sin()  # noqa: E731
    options = dict(nondet_tol=0.0, check_undefined_grad=True, fast_mode=True)
    assert mg.autograd.gradcheck(f, (x,), eps=1e-6, atol=1e-5, rtol=1e-3, **options)
    assert mg.autograd.gradgradcheck(f, (x,), gen_non_contig_grad_outputs=True)
    assert mg.autograd.gradcheck(f, (x,), check_forward_ad=True)
    with pytest.raises(NotImplementedError, match="check_batched_forward_grad=True is not"):
        mg.autograd.gradcheck(f, (x,), check_batched_forward_grad=True)
    with pytest.raises(NotImplementedError, match="check_fwd_over_rev"):
        mg.autograd.gradgradcheck(f, (x,), check_fwd_over_rev=True)

    class Wrong(Function):
        @staticmethod
        def forward(ctx: Any, x: mg.Tensor) -> mg.Tensor:
            return x * 2

        @staticmethod
        def backward(ctx: Any, g: mg.Tensor) -> mg.Tensor:
            return g * 3

    assert not mg.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False)
    with pytest.raises(mg.GradcheckError, match="input 0"):
        mg.autograd.gradcheck(Wrong.apply, (x,))


# ---------------------------------------------------------------------------------------------
# functional.jacobian and hessian


def _numerical_jacobian(f: Any, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    out = f(x)
    jac = np.zeros(out.shape + x.shape)
    for idx in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        jac[(..., *idx)] = (f(x + d) - f(x - d)) / (2 * eps)
    return jac


def test_jacobian_and_hessian_against_finite_differences() -> None:
    a = RNG.standard_normal((2, 3))
    f = lambda x: (x.sin() * x).sum(0)  # noqa: E731
    jac = jacobian(f, mg.tensor(a))
    assert jac.shape == (3, 2, 3) and not jac.requires_grad
    num = _numerical_jacobian(lambda v: (np.sin(v) * v).sum(0), a)
    np.testing.assert_allclose(jac.numpy(), num, atol=1e-7)
    h = hessian(lambda x: (x.sin() * x).sum(), mg.tensor(a))
    grad_np = lambda v: np.cos(v) * v + np.sin(v)  # noqa: E731
    np.testing.assert_allclose(h.numpy(), _numerical_jacobian(grad_np, a), atol=1e-7)


def test_jacobian_tuple_structure_strict_and_create_graph() -> None:
    x, y = mg.tensor(RNG.standard_normal(3)), mg.tensor(RNG.standard_normal(2))
    jac = jacobian(lambda x, y: (x.exp(), x.sum() * y), (x, y))
    assert [[j.shape for j in row] for row in jac] == [[(3, 3), (3, 2)], [(2, 3), (2, 2)]]
    np.testing.assert_array_equal(jac[0][1].numpy(), np.zeros((3, 2)))
    message = "Output 0 of the user-provided function is independent of input 1"
    with pytest.raises(RuntimeError, match=message):
        jacobian(lambda x, y: (x.exp(), x.sum() * y), (x, y), strict=True)
    with pytest.raises(NotImplementedError, match="vectorize=True"):
        jacobian(lambda x: x, x, strategy="forward-mode")
    with pytest.raises(RuntimeError, match="single element"):
        hessian(lambda x: x * 2, x)
    w = leaf(3)
    j = jacobian(lambda v: (v * w).sin(), mg.tensor(RNG.standard_normal(3)), create_graph=True)
    assert j.requires_grad  # differentiable with respect to w
    assert jacobian(lambda x: x, x, vectorize=True).shape == (3, 3)


def test_jacobian_hessian_match_torch() -> None:
    torch = pytest.importorskip("torch")
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal(3)
    f = lambda x, y: ((x * y).tanh().sum(0), x.exp() @ y)  # noqa: E731
    s = lambda x, y: (x * y).sin().sum() * y.sum()  # noqa: E731
    for fn, ours_fn, theirs_fn in [
        ("jacobian", jacobian, torch.autograd.functional.jacobian),
        ("hessian", hessian, torch.autograd.functional.hessian),
    ]:
        g = f if fn == "jacobian" else s
        ours = ours_fn(g, (mg.tensor(a), mg.tensor(b)))
        theirs = theirs_fn(g, (torch.tensor(a), torch.tensor(b)))
        for row, trow in zip(ours, theirs):
            for o, t in zip(row, trow):
                np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------------------------------------
# Names minigrad does not have


@pytest.mark.parametrize(
    ("module", "name", "specific"),
    [
        (mg, "jit", "no TorchScript"),
        (mg, "fft", "numpy.fft"),
        (mg, "no_such_function", ""),
        (mg.nn, "NoSuchLayer", ""),
        (mg.optim, "NoSuchOptimizer", ""),
        # the nested namespaces PyTorch tutorials import from say so too
        (mg.nn.functional, "no_such_loss", "torch.nn.functional.no_such_loss"),
        (mg.nn.init, "no_such_init_", "torch.nn.init.no_such_init_"),
        (mg.optim.lr_scheduler, "NoSuchScheduler", "torch.optim.lr_scheduler.NoSuchScheduler"),
        (mg.utils.data, "DistributedSampler", "minigrad trains in one process"),
        (mg.autograd.functional, "no_such_product", "torch.autograd.functional.no_such_product"),
    ],
)
def test_missing_names_point_to_the_docs(module: Any, name: str, specific: str) -> None:
    with pytest.raises(AttributeError, match=r"docs/pytorch\.md") as info:
        getattr(module, name)
    message = str(info.value)
    assert f"has no attribute {name!r}" in message and specific in message
    assert not hasattr(module, "__no_such_dunder__")


def test_tensor_has_no_getattr_hook() -> None:
    # A class-level __getattr__ (to name a missing PyTorch method) makes CPython look every
    # attribute of every tensor up through a slower hook, without its specialised fast path:
    # measured 3-5% slower on the small-model benchmarks (W1, W2, W4). A missing Tensor method
    # raises Python's own AttributeError instead.
    assert not hasattr(mg.Tensor, "__getattr__")
    with pytest.raises(AttributeError, match="'Tensor' object has no attribute 'stft'"):
        mg.tensor([1.0]).stft


def test_missing_utils_names_say_so() -> None:
    with pytest.raises(AttributeError, match=r"minigrad does not have torch\.utils\.cpp_extension"):
        mg.utils.cpp_extension
    assert mg.utils.benchmark.Timer.__name__ == "Timer"  # PyTorch's torch.utils.benchmark
    assert mg.utils.tensorboard.SummaryWriter.__name__ == "SummaryWriter"  # a module of its own


def test_docs_code_blocks_run() -> None:
    """The code blocks of docs/pytorch.md and of docs/autograd.md's sections 10-12 run."""
    import re
    from pathlib import Path

    docs = Path(__file__).resolve().parent.parent / "docs"
    autograd_md = (docs / "autograd.md").read_text()
    texts = [(docs / "pytorch.md").read_text(), autograd_md[autograd_md.index("## 10.") :]]
    blocks = [b for text in texts for b in re.findall(r"```python\n(.*?)```", text, re.S)]
    assert len(blocks) >= 6
    for block in blocks:
        exec(compile(block, "docs", "exec"), {})


def test_function_nodes_in_grad_hooks_drawing_and_explanation() -> None:
    from minigrad.explain import explain_backward
    from minigrad.viz import trace

    x = mg.Tensor(RNG.standard_normal(3), dtype=mg.float64, requires_grad=True, name="x")
    a, b = ScaleAndSquare.apply(x, 2.0)
    seen = []
    b.register_hook(lambda g: seen.append(g.shape))
    loss = (LegendrePolynomial3.apply(a) * b).sum()
    (gb,) = mg.autograd.grad(loss, b, retain_graph=True)  # a Function's output as an input
    np.testing.assert_allclose(gb.detach().numpy(), LegendrePolynomial3.apply(a).detach().numpy())
    graph = trace(loss)
    assert sorted(n.op for n in graph.ops) == [
        "LegendrePolynomial3",
        "Mul",
        "ScaleAndSquare",
        "Sum",
    ]
    node = next(n for n in graph.ops if n.op == "ScaleAndSquare")
    outs = [graph.node(e.dst) for e in graph.edges if e.src == node.id]
    assert [(o.kind, o.shape) for o in outs] == [("intermediate", (3,))] * 2  # one per output
    steps = explain_backward(loss).steps
    node = next(s for s in steps if s.op == "ScaleAndSquare")
    assert node.grad_norm is not None and node.grad_norm > 0  # the norm of both outputs' grads
    assert "LegendrePolynomial3" in str(explain_backward(loss))
    loss.backward()
    expected = (
        2 * 1.5 * (5 * a.detach().numpy() ** 2 - 1) * b.detach().numpy()
        + LegendrePolynomial3.apply(a).detach().numpy() * 2 * x.detach().numpy()
    )
    np.testing.assert_allclose(x.grad.numpy(), expected)
    assert seen == [(3,)] * 4  # grad(), the two explanations (which apply hooks), backward()
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()


def test_once_differentiable_refuses_double_backward_as_pytorch() -> None:
    from minigrad.autograd.function import once_differentiable

    class Square(Function):
        @staticmethod
        def forward(ctx: Any, x: mg.Tensor) -> mg.Tensor:
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx: Any, g: mg.Tensor) -> mg.Tensor:
            (x,) = ctx.saved_tensors
            assert not mg.is_grad_enabled()
            return g * 2 * x

    x = leaf(3)
    Square.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy())
    y = Square.apply(x * 1)
    (g,) = mg.autograd.grad((y * y).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="marked with @once_differentiable"):
        g.sum().backward()


def test_function_saved_tensors_changed_in_place_are_refused() -> None:
    class Saves(Function):
        """x * y, keeping x only (y's gradient is x)."""

        @staticmethod
        def forward(ctx: Any, x: mg.Tensor, y: mg.Tensor) -> mg.Tensor:
            ctx.save_for_backward(x)
            return x * y

        @staticmethod
        def backward(ctx: Any, g: mg.Tensor) -> tuple[mg.Tensor, mg.Tensor]:
            (x,) = ctx.saved_tensors
            return g * 2, g * x

    x, y = leaf(3), leaf(3)
    out = Saves.apply(x, y)
    with mg.no_grad():
        y.add_(1)  # not saved: allowed, as in PyTorch
    out.sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), x.detach().numpy())
    x.grad = y.grad = None
    out = Saves.apply(x, y)
    with mg.no_grad():
        x.add_(1)  # saved: backward would read the changed value
    with pytest.raises(
        RuntimeError, match=r"modified by an inplace operation.*input 0 of SavesBackward"
    ):
        out.sum().backward()
    assert x.grad is None and y.grad is None


# ---------------------------------------------------------------------------------------------
# Variable, PyTorch's legacy wrapper (pytorch/examples' cbow.py and older programs use it)


def test_variable_is_a_detached_alias_as_in_pytorch() -> None:
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        from_lib = importlib.import_module(f"{lib.__name__}.autograd")
        Variable = from_lib.Variable
        t = lib.tensor([1.0, 2.0])
        v = Variable(t)
        assert v is not t and not v.requires_grad and v.is_leaf
        assert isinstance(t, Variable) and isinstance(v, lib.Tensor)
        assert not isinstance(np.zeros(2), Variable)
        w = Variable(t, requires_grad=True)
        assert w.requires_grad and w.is_leaf and not t.requires_grad
        (w * w).sum().backward()
        np.testing.assert_array_equal(w.grad.numpy(), [2.0, 4.0])
        with lib.no_grad():
            v.add_(1.0)  # the same memory: t changes
        np.testing.assert_array_equal(t.numpy(), [2.0, 3.0])
        x = lib.ones(2, requires_grad=True) * 2
        assert Variable(x).grad_fn is None and not Variable(x).requires_grad  # detached
        assert Variable(lib.tensor([1, 2])).dtype == lib.int64
        with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
            Variable([1.0])
        with pytest.warns(UserWarning, match="volatile was removed"):
            Variable(t, volatile=True)
