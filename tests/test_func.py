"""``minigrad.func``: PyTorch's function transforms, checked against ``torch.func`` in float64.

Each check runs the same code under both libraries (``lib`` is minigrad or torch) on the same
numbers: the transforms' values, and the gradients of those values where the result is
differentiable further, must agree to 1e-10. Then composition, the errors (PyTorch's words),
non-contiguous inputs, ``functional_call``'s swapping and restoring, and vmap against a Python
loop over random shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import seeds, shapes

import minigrad as mg
from minigrad import func as mf

torch = pytest.importorskip("torch")
import torch.func as tf  # noqa: E402

# torch's deprecation of its own torch.jit.script, raised inside torch.func: not minigrad's
pytestmark = pytest.mark.filterwarnings(
    "ignore:`torch.jit.script` is deprecated:DeprecationWarning"
)

TOL = {"rtol": 1e-10, "atol": 1e-10}


def arrays(*shapes: tuple[int, ...], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


def as_numpy(value: Any) -> list[np.ndarray]:
    """The tensors of a nested result, in order, as arrays."""
    if isinstance(value, dict):
        return [a for v in value.values() for a in as_numpy(v)]
    if isinstance(value, tuple | list):
        return [a for v in value for a in as_numpy(v)]
    return [value.detach().numpy()]


def agree(program: Callable[[Any, Any, list[Any]], Any], *inputs: np.ndarray) -> Any:
    """``program(lib, func_module, tensors)`` under minigrad and torch on the same float64
    inputs: the results must agree to 1e-10. Returns minigrad's result."""
    results = []
    for lib, fn in ((mg, mf), (torch, tf)):
        tensors = [lib.tensor(a) for a in inputs]
        results.append(program(lib, fn, tensors))
    ours, theirs = (as_numpy(r) for r in results)
    assert len(ours) == len(theirs) > 0
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape and a.dtype == b.dtype == np.float64, (a.shape, b.shape)
        np.testing.assert_allclose(a, b, **TOL)
    return results[0]


def f_scalar(lib: Any, x: Any, y: Any) -> Any:
    return (x.sin() * y).sum() + (x * x).mean()


def f_vector(lib: Any, x: Any, y: Any) -> Any:
    return (x.tanh() * y).cumsum(0) + x.exp()


# ---------------------------------------------------------------------------------------------
# grad, grad_and_value


def test_grad_matches_torch() -> None:
    x, y = arrays((3, 2), (3, 2))
    agree(lambda lib, fn, t: fn.grad(lambda a, b: f_scalar(lib, a, b))(*t), x, y)
    agree(lambda lib, fn, t: fn.grad(lambda a, b: f_scalar(lib, a, b), argnums=1)(*t), x, y)
    agree(lambda lib, fn, t: fn.grad(lambda a, b: f_scalar(lib, a, b), argnums=-1)(*t), x, y)
    out = agree(
        lambda lib, fn, t: fn.grad(lambda a, b: f_scalar(lib, a, b), argnums=(0, 1))(*t), x, y
    )
    assert isinstance(out, tuple) and len(out) == 2 and not out[0].requires_grad


def test_grad_over_a_dict_and_with_aux() -> None:
    x, y = arrays((4,), (4,))

    def program(lib: Any, fn: Any, t: list[Any]) -> Any:
        def loss(params: dict[str, Any], z: Any) -> Any:
            value = (params["w"] * z).pow(2).sum() + params["b"].exp().sum()
            return value, {"scaled": value * 2, "z": z}

        return fn.grad(loss, has_aux=True)({"w": t[0], "b": t[1] * 0.5}, t[1])

    (g, aux) = agree(program, x, y)
    assert set(g) == {"w", "b"} and set(aux) == {"scaled", "z"}


def test_grad_and_value_matches_torch() -> None:
    x, y = arrays((5,), (5,))
    _, v = agree(lambda lib, fn, t: fn.grad_and_value(lambda a, b: f_scalar(lib, a, b))(*t), x, y)
    assert v.dim() == 0 and not v.requires_grad
    out = agree(
        lambda lib, fn, t: fn.grad_and_value(
            lambda a: (f_scalar(lib, a, t[1]), a.cos()), has_aux=True
        )(t[0]),
        x,
        y,
    )
    gradient, (_, aux) = out
    assert gradient.shape == (5,) and aux.shape == (5,)


def test_grad_of_an_unused_argument_is_zeros() -> None:
    x, y = arrays((3,), (2,))
    g = agree(lambda lib, fn, t: fn.grad(lambda a, b: a.sum(), argnums=1)(*t), x, y)
    np.testing.assert_array_equal(g.numpy(), np.zeros(2))


def test_grad_is_differentiable_when_its_input_requires_grad() -> None:
    # torch.func.grad under ordinary autograd: d/dx sum(grad f(x)) is recorded
    (x,) = arrays((4,))

    def program(lib: Any, fn: Any, t: list[Any]) -> Any:
        leaf = t[0].requires_grad_()
        g = fn.grad(lambda a: (a.sin() * a).sum())(leaf)
        (second,) = lib.autograd.grad(g.pow(2).sum(), leaf)
        return g, second

    agree(program, x)


def test_grad_through_a_captured_tensor_that_requires_grad() -> None:
    # the closure's w requires grad: the gradient stays differentiable with respect to w
    x, w = arrays((3,), (3,))

    def program(lib: Any, fn: Any, t: list[Any]) -> Any:
        weight = t[1].requires_grad_()
        g = fn.grad(lambda a: (weight * a.sin()).sum())(t[0])
        (dw,) = lib.autograd.grad((g * g).sum(), weight)
        return g, dw

    agree(program, x, w)


# ---------------------------------------------------------------------------------------------
# vjp, jvp


def test_vjp_matches_torch_and_its_function_runs_again() -> None:
    x, y, u, v = arrays((3,), (3,), (3,), (3,))

    def program(lib: Any, fn: Any, t: list[Any]) -> Any:
        out, vjp_fn = fn.vjp(lambda a, b: f_vector(lib, a, b), t[0], t[1])
        return out, vjp_fn(t[2]), vjp_fn(t[3])

    _, first, _ = agree(program, x, y, u, v)
    assert isinstance(first, tuple) and len(first) == 2


def test_vjp_of_a_tuple_output_with_aux() -> None:
    x, u, v = arrays((2, 3), (2, 3), (3,))

    def program(lib: Any, fn: Any, t: list[Any]) -> Any:
        out, vjp_fn, aux = fn.vjp(lambda a: ((a * a, a.sum(0).sin()), a.mean()), t[0], has_aux=True)
        return out, vjp_fn((t[1], t[2])), aux

    agree(program, x, u, v)


def test_jvp_matches_torch() -> None:
    x, y, tx, ty = arrays((4,), (4,), (4,), (4,))
    agree(
        lambda lib, fn, t: fn.jvp(lambda a, b: f_vector(lib, a, b), (t[0], t[1]), (t[2], t[3])),
        x,
        y,
        tx,
        ty,
    )
    agree(
        lambda lib, fn, t: fn.jvp(lambda a: (a.sin(), a.sum()), (t[0],), (t[1],), has_aux=False),
        x,
        tx,
    )
    agree(
        lambda lib, fn, t: fn.jvp(lambda a: (a.exp(), a.cos()), (t[0],), (t[1],), has_aux=True),
        x,
        tx,
    )


def test_jvp_of_an_output_independent_of_the_input_is_zeros() -> None:
    x, tx = arrays((3,), (3,))
    out = agree(lambda lib, fn, t: fn.jvp(lambda a: a * 0 + 1, (t[0],), (t[1],)), x, tx)
    np.testing.assert_array_equal(out[1].numpy(), np.zeros(3))


# ---------------------------------------------------------------------------------------------
# jacrev, jacfwd, hessian


@pytest.mark.parametrize("name", ["jacrev", "jacfwd"])
def test_jacobians_match_torch(name: str) -> None:
    x, y = arrays((3, 2), (3, 2))

    def jac(fn: Any) -> Any:
        return getattr(fn, name)

    agree(lambda lib, fn, t: jac(fn)(lambda a, b: f_vector(lib, a, b))(*t), x, y)
    agree(lambda lib, fn, t: jac(fn)(lambda a, b: f_vector(lib, a, b), argnums=(0, 1))(*t), x, y)
    agree(lambda lib, fn, t: jac(fn)(lambda a, b: f_scalar(lib, a, b), argnums=1)(*t), x, y)
    # several outputs, a dict argument, an aux
    agree(
        lambda lib, fn, t: jac(fn)(lambda p: {"s": p["a"].sin(), "m": p["a"] @ p["b"].T})(
            {"a": t[0], "b": t[1]}
        ),
        x,
        y,
    )
    agree(lambda lib, fn, t: jac(fn)(lambda a: (a.exp(), a.sum()), has_aux=True)(t[0]), x)


def test_hessian_matches_torch() -> None:
    x, y = arrays((4,), (4,))
    h = agree(lambda lib, fn, t: fn.hessian(lambda a, b: f_scalar(lib, a, b))(*t), x, y)
    assert h.shape == (4, 4)
    agree(lambda lib, fn, t: fn.hessian(lambda a, b: f_vector(lib, a, b), argnums=1)(*t), x, y)
    agree(lambda lib, fn, t: fn.hessian(lambda a, b: f_scalar(lib, a, b), argnums=(0, 1))(*t), x, y)


def test_jacobian_of_a_function_whose_output_ignores_the_input() -> None:
    (x,) = arrays((3,))
    for name in ("jacrev", "jacfwd"):

        def program(lib: Any, fn: Any, t: list[Any], name: str = name) -> Any:
            return getattr(fn, name)(lambda a: lib.ones(2, dtype=a.dtype))(t[0])

        j = agree(program, x)
        np.testing.assert_array_equal(j.numpy(), np.zeros((2, 3)))


# ---------------------------------------------------------------------------------------------
# Composition


def test_compositions_match_torch() -> None:
    x, y, batch = arrays((3,), (3,), (5, 3))
    f = f_scalar
    agree(
        lambda lib, fn, t: fn.vmap(fn.grad(lambda a, b: f(lib, a, b)), in_dims=(0, None))(
            t[2], t[1]
        ),
        x,
        y,
        batch,
    )
    agree(lambda lib, fn, t: fn.jacrev(fn.jacrev(lambda a: f_vector(lib, a, t[1])))(t[0]), x, y)
    agree(lambda lib, fn, t: fn.jacfwd(fn.jacfwd(lambda a: f_vector(lib, a, t[1])))(t[0]), x, y)
    agree(
        lambda lib, fn, t: fn.vmap(fn.jacrev(lambda a: f_vector(lib, a, t[1])))(t[2]), x, y, batch
    )
    agree(lambda lib, fn, t: fn.vmap(fn.hessian(lambda a: f(lib, a, t[1])))(t[2]), x, y, batch)
    agree(lambda lib, fn, t: fn.grad(fn.grad(lambda a: a.sin() * a.exp()))(t[0][1]), x)
    agree(lambda lib, fn, t: fn.jacrev(fn.vmap(fn.grad(lambda a: (a**3).sum())))(t[0]), batch)
    # a grad inside the function another grad differentiates
    agree(
        lambda lib, fn, t: fn.grad(lambda a: fn.grad(lambda b: (a * b.sin()).sum())(a).sum())(t[0]),
        x,
    )
    # hvp by forward-over-reverse and by reverse-over-reverse
    agree(
        lambda lib, fn, t: fn.jvp(fn.grad(lambda a: f(lib, a, t[1])), (t[0],), (t[2][0],)),
        x,
        y,
        batch,
    )
    agree(
        lambda lib, fn, t: fn.vjp(fn.grad(lambda a: f(lib, a, t[1])), t[0])[1](t[2][0]), x, y, batch
    )


def test_no_perturbation_confusion() -> None:
    # d/dx [d/dy (x * y) at y = x] = d/dx x = 1: the inner grad must not differentiate x
    x = np.array(2.0)
    g = agree(lambda lib, fn, t: fn.grad(lambda a: fn.grad(lambda b: a * b)(a))(t[0]), x)
    assert g.item() == 1.0


# ---------------------------------------------------------------------------------------------
# vmap


def test_vmap_in_dims_and_out_dims_match_torch() -> None:
    x, y, z = arrays((2, 4, 3), (4, 3), (4,))
    agree(lambda lib, fn, t: fn.vmap(lambda a, b: a @ b, in_dims=(2, None))(t[0], t[1]), x, y)
    agree(lambda lib, fn, t: fn.vmap(lambda a, b: a * b, in_dims=(1, 0))(t[0], t[1]), x, z)
    agree(lambda lib, fn, t: fn.vmap(lambda a: a.sum(0), in_dims=-1, out_dims=1)(t[0]), x)
    agree(lambda lib, fn, t: fn.vmap(lambda a: (a.sin(), a.sum()), out_dims=(1, 0))(t[0]), x)
    # nested in_dims for a tuple and a dict argument; keyword arguments are not mapped
    agree(
        lambda lib, fn, t: fn.vmap(
            lambda p, q, scale: p[0] * q["w"] + p[1] * scale, in_dims=((1, None), {"w": 1})
        )((t[0], t[1]), {"w": t[0]}, scale=2.0),
        y,
        z,
    )
    agree(lambda lib, fn, t: fn.vmap(fn.vmap(lambda a: a.exp().sum()))(t[0]), x)


def test_vmap_out_dims_none_returns_an_unbatched_output_once() -> None:
    (x,) = arrays((3, 2))
    _, same = mf.vmap(lambda a: (a * 2, mg.ones(2)), out_dims=(0, None))(mg.tensor(x))
    np.testing.assert_array_equal(same.numpy(), np.ones(2))
    with pytest.raises(ValueError, match="can not return a BatchedTensor when out_dim is None"):
        mf.vmap(lambda a: a * 2, out_dims=None)(mg.tensor(x))


def test_vmap_randomness() -> None:
    x = mg.zeros(3, 2)
    with pytest.raises(RuntimeError, match="called random operation while in randomness error"):
        mf.vmap(lambda a: a + mg.randn(2))(x)
    mg.manual_seed(0)
    same = mf.vmap(lambda a: a + mg.randn(2), randomness="same")(x).numpy()
    np.testing.assert_array_equal(same, np.broadcast_to(same[0], (3, 2)))
    different = mf.vmap(lambda a: a + mg.randn(2), randomness="different")(x).numpy()
    assert len({tuple(r) for r in different}) == 3
    with pytest.raises(RuntimeError, match="Only allowed values for randomness are"):
        mf.vmap(lambda a: a, randomness="bad")


def test_minigrad_vmap_is_torch_vmap() -> None:
    assert mg.vmap is mf.vmap and mg.func is mf


@given(shape=shapes(min_dims=1, max_dims=3, max_side=4), data=st.data(), seed=seeds)
def test_vmap_equals_a_python_loop(shape: tuple[int, ...], data: Any, seed: int) -> None:
    """vmap over any dimension of x (and y mapped or not) equals looping and stacking."""
    rng = np.random.default_rng(seed)
    in_dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="in_dim")
    out_dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="out_dim")
    mapped_y = data.draw(st.booleans(), label="mapped_y")
    x = mg.tensor(rng.standard_normal(shape))
    rest = tuple(s for i, s in enumerate(shape) if i != in_dim % len(shape))
    y = mg.tensor(rng.standard_normal(shape if mapped_y else rest))

    def f(a: Any, b: Any) -> Any:
        return (a.sin() * b + a * a).exp() if a.dim() else a.sin() * b

    out = mf.vmap(f, in_dims=(in_dim, in_dim if mapped_y else None), out_dims=out_dim)(x, y)
    loop = [
        f(x.select(in_dim, i), y.select(in_dim, i) if mapped_y else y) for i in range(shape[in_dim])
    ]
    expected = np.stack([r.numpy() for r in loop], axis=out_dim)
    np.testing.assert_array_equal(out.numpy(), expected)
    # and torch's vmap gives the same values
    theirs = tf.vmap(
        lambda a, b: f(a, b), in_dims=(in_dim, in_dim if mapped_y else None), out_dims=out_dim
    )(torch.tensor(x.numpy()), torch.tensor(y.numpy()))
    np.testing.assert_allclose(out.numpy(), theirs.numpy(), **TOL)


# ---------------------------------------------------------------------------------------------
# Non-contiguous inputs


def test_transforms_of_non_contiguous_inputs() -> None:
    (base,) = arrays((4, 6))

    def program(lib: Any, fn: Any, t: list[Any]) -> Any:
        x = t[0].t()[::2]  # transposed, then every other row: (3, 4), strided
        g = fn.grad(lambda a: (a.sin() * a).sum())(x)
        j = fn.jacrev(lambda a: a.exp() * a.sum())(x[:, 1])
        jf = fn.jacfwd(lambda a: a.exp() * a.sum())(x[:, 1])
        v = fn.vmap(lambda a: a.cumsum(0), in_dims=1)(x)
        _, vjp_fn = fn.vjp(lambda a: a.tanh(), x)
        return g, j, jf, v, vjp_fn(t[0][:3, :4].t().t())

    agree(program, base)


# ---------------------------------------------------------------------------------------------
# functional_call, stack_module_state


class Net(mg.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = mg.nn.Linear(3, 2)
        self.register_buffer("shift", mg.ones(2))

    def forward(self, x: Any, scale: float = 1.0) -> Any:
        return self.fc(x) * scale + self.shift


def test_functional_call_swaps_and_restores() -> None:
    net = Net()
    own = dict(net.named_parameters())
    w, b = mg.zeros(2, 3), mg.tensor([1.0, 2.0])
    x = mg.randn(4, 3)
    out = mf.functional_call(net, ({"fc.weight": w, "fc.bias": b}, {"shift": mg.zeros(2)}), x)
    np.testing.assert_array_equal(out.detach().numpy(), np.tile([1.0, 2.0], (4, 1)))
    out = mf.functional_call(net, {"fc.bias": b}, (x,), {"scale": 0.0})
    np.testing.assert_array_equal(out.detach().numpy(), np.ones((4, 2)))
    assert dict(net.named_parameters()) == own and net.fc.weight is own["fc.weight"]
    np.testing.assert_array_equal(net.shift.numpy(), np.ones(2))


def test_functional_call_restores_when_the_call_raises() -> None:
    net = Net()
    weight = net.fc.weight
    with pytest.raises(ValueError):  # the wrong shape, found in the middle of the call
        mf.functional_call(net, {"fc.weight": mg.zeros(5, 7)}, (mg.randn(4, 3),))
    assert net.fc.weight is weight and isinstance(weight, mg.nn.Parameter)


def test_functional_call_errors_and_tied_weights() -> None:
    net = Net()
    with pytest.raises(ValueError, match=r"\['fc.bias'\] appeared in multiple dictionaries"):
        mf.functional_call(net, ({"fc.bias": mg.zeros(2)}, {"fc.bias": mg.zeros(2)}), mg.ones(3))
    with pytest.raises(
        RuntimeError,
        match=r"Error\(s\) in reparametrizing for Net:\n\tMissing key\(s\): 'fc.weight', 'shift'\.",
    ):
        mf.functional_call(net, {"fc.bias": mg.zeros(2)}, mg.ones(3), strict=True)
    with pytest.raises(AttributeError, match="has no submodule 'nope'"):
        mf.functional_call(net, {"nope.weight": mg.zeros(2)}, mg.ones(3))
    # a name that is neither a parameter nor a buffer is set as an attribute, then removed
    mf.functional_call(net, {"extra": mg.zeros(1)}, mg.ones(3))
    assert not hasattr(net, "extra")
    # tied weights: giving one name replaces both (tie_weights=True, as PyTorch)
    tied = mg.nn.Sequential(mg.nn.Linear(2, 2, bias=False), mg.nn.Linear(2, 2, bias=False))
    tied[1].weight = tied[0].weight
    eye = mg.eye(2)
    out = mf.functional_call(tied, {"0.weight": eye}, mg.tensor([[1.0, 2.0]]))
    np.testing.assert_array_equal(out.detach().numpy(), [[1.0, 2.0]])
    out = mf.functional_call(tied, {"0.weight": eye}, mg.tensor([[1.0, 2.0]]), tie_weights=False)
    assert not np.array_equal(out.detach().numpy(), [[1.0, 2.0]])


def test_functional_call_matches_torch_under_grad() -> None:
    x, w, b = arrays((5, 3), (2, 3), (2,))

    def program(lib: Any, fn: Any, t: list[Any]) -> Any:
        model = lib.nn.Linear(3, 2).double()
        loss = lambda p, data: fn.functional_call(model, p, (data,)).tanh().sum()  # noqa: E731
        params = {"weight": t[1], "bias": t[2]}
        return fn.vmap(fn.grad(loss), in_dims=(None, 0))(params, t[0])

    agree(program, x, w, b)


def test_stack_module_state_matches_torch() -> None:
    def program(lib: Any, fn: Any, t: list[Any]) -> Any:
        models = []
        for k in range(3):
            m = lib.nn.BatchNorm1d(2).double()
            with lib.no_grad():
                m.weight.copy_(t[0][k])
                m.running_mean.copy_(t[0][k] * 2)
            models.append(m)
        params, buffers = fn.stack_module_state(models)
        assert all(p.requires_grad and p.is_leaf for p in params.values())
        return params, {k: v for k, v in buffers.items() if k != "num_batches_tracked"}

    (w,) = arrays((3, 2))
    agree(program, w)


def test_stack_module_state_errors() -> None:
    with pytest.raises(RuntimeError, match=r"Expected at least one model, got 0\."):
        mf.stack_module_state([])
    a, b = mg.nn.Linear(2, 2), mg.nn.Linear(2, 2)
    b.eval()
    with pytest.raises(RuntimeError, match="the same training/eval mode"):
        mf.stack_module_state([a, b])
    with pytest.raises(RuntimeError, match="the same class"):
        mf.stack_module_state([a, mg.nn.Tanh()])
    b.train()
    b.weight.requires_grad_(False)
    with pytest.raises(RuntimeError, match="Expected weight from each model to have the same"):
        mf.stack_module_state([a, b])


# ---------------------------------------------------------------------------------------------
# Errors, in PyTorch's words


def raised(call: Callable[[Any, Any], Any]) -> tuple[type, str]:
    """The exception type and message of ``call(lib, func_module)`` under both libraries;
    they must be the same type, and minigrad's message is returned."""
    found = []
    for lib, fn in ((mg, mf), (torch, tf)):
        with pytest.raises(Exception) as info:
            call(lib, fn)
        found.append(info)
    assert found[0].type is found[1].type, (found[0].value, found[1].value)
    return found[0].type, str(found[0].value)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda lib, fn: fn.grad(lambda a: a * 2)(lib.ones(3)),
            "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor "
            "with 1 dims. Maybe you wanted to use the vjp or jacrev APIs instead?",
        ),
        (
            lambda lib, fn: fn.grad(lambda a: 3.0)(lib.ones(3)),
            "grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got <class 'float'>",
        ),
        (
            lambda lib, fn: fn.grad(lambda a: a.sum(), has_aux=True)(lib.ones(3)),
            "grad_and_value(f)(*args): output of function f should be a tuple: (output, aux) if "
            "has_aux is True",
        ),
        (
            lambda lib, fn: fn.grad(lambda a: a.sum())(lib.arange(3)),
            "only Tensors of floating point dtype can require gradients",
        ),
        (
            lambda lib, fn: fn.grad(lambda a: a.sum(), argnums=1)(lib.ones(3)),
            "Got argnum=1, but only 1 positional inputs",
        ),
        (
            lambda lib, fn: fn.grad(lambda a: a.sum(), argnums=())(lib.ones(3)),
            "argnums must be non-empty",
        ),
        (
            lambda lib, fn: fn.grad(lambda a: a.sum(), argnums=(0, 0))(lib.ones(3)),
            "argnums elements must be unique, got (0, 0)",
        ),
        (
            lambda lib, fn: fn.grad(lambda a: a.sum(), argnums=1.0)(lib.ones(3)),
            "argnums must be int or Tuple[int, ...], got: <class 'float'>",
        ),
        (
            lambda lib, fn: fn.grad(lambda a: a)(3.0),
            "Thing passed to transform API must be Tensor, got <class 'float'>",
        ),
        (
            lambda lib, fn: fn.vjp(lambda a: 3.0, lib.ones(3)),
            "vjp(f, *primals): expected f(*primals) to return only tensors, got unsupported type "
            "<class 'float'>",
        ),
        (
            lambda lib, fn: fn.vjp(lambda a: a, lib.ones(3))[1](lib.ones(2)),
            "Mismatch in shape: grad_output[0] has a shape of ",
        ),
        (
            lambda lib, fn: fn.jvp(lambda a: a, lib.ones(3), lib.ones(3)),
            "jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to "
            "call f(*primals).",
        ),
        (
            lambda lib, fn: fn.jvp(lambda a: a, (lib.ones(3),), (lib.ones(2),)),
            "Trying to set a forward gradient that has a different size than that of the original "
            "Tensor, this is not supported. Tensor is of size [3] while the given forward gradient "
            "is of size [2].",
        ),
        (
            lambda lib, fn: fn.jacrev(lambda a: 3.0)(lib.ones(3)),
            "vjp(f, *primals): expected f(*primals) to return only tensors, got unsupported type "
            "<class 'float'>",
        ),
        (
            lambda lib, fn: fn.jacfwd(lambda a: 3.0)(lib.ones(3)),
            "jvp(f, primals, tangents): expected f(*primals) to return only tensors, got "
            "unsupported type <class 'float'>",
        ),
        (
            lambda lib, fn: fn.vmap(lambda a, b: a + b)(lib.ones(3), lib.ones(4)),
            "vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
            "[3, 4] for the mapped dimension",
        ),
        (
            lambda lib, fn: fn.vmap(lambda a: a, in_dims=(None,))(lib.ones(3)),
            "vmap: Expected at least one Tensor to vmap over",
        ),
        (
            lambda lib, fn: fn.vmap(lambda a: a, in_dims=None)(lib.ones(3)),
            "vmap(<lambda>, in_dims=None, ...)(<inputs>): expected `in_dims` to be int or a "
            "(potentially nested) tuple matching the structure of inputs, got: <class 'NoneType'>.",
        ),
        (
            lambda lib, fn: fn.vmap(lambda a: a, in_dims=1)(lib.ones(3)),
            "vmap(<lambda>, in_dims=1, ...)(<inputs>): Got in_dim=1 for some input, but that input "
            "is a Tensor of dimensionality 1 so expected in_dim to satisfy -1 <= in_dim < 1.",
        ),
        (
            lambda lib, fn: fn.vmap(lambda a, b: a, in_dims=(0, 0))(lib.ones(3), 3.0),
            "vmap(<lambda>, in_dims=(0, 0), ...)(<inputs>): Got in_dim=0 for an input but the "
            "input is of type <class 'float'>. We cannot vmap over non-Tensor arguments, please "
            "use None as the respective in_dim",
        ),
        (
            lambda lib, fn: fn.vmap(lambda a: a, in_dims=(0, 0))(lib.ones(3)),
            "vmap(<lambda>, in_dims=(0, 0), ...)(<inputs>): in_dims is not compatible with the "
            "structure of `inputs`.",
        ),
        (
            lambda lib, fn: fn.vmap(lambda a: 3.0)(lib.ones(3)),
            "vmap(<lambda>, ...): `<lambda>` must only return Tensors, got type <class 'float'>. "
            "Did you mean to set out_dims= to None for output?",
        ),
        (
            lambda lib, fn: fn.vmap(lambda a: a)(),
            "vmap(<lambda>)(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are "
            "trying to vmap over a function with no inputs. The latter is unsupported.",
        ),
        (
            lambda lib, fn: fn.vmap(lambda a: a + lib.randn(1))(lib.ones(3)),
            "vmap: called random operation while in randomness error mode. Please either use the "
            "'same' or 'different' randomness flags on vmap or perform the randomness operation "
            "out of vmap",
        ),
    ],
)
def test_errors_in_torchs_words(call: Callable[[Any, Any], Any], message: str) -> None:
    _, ours = raised(call)
    assert ours.startswith(message), ours


def test_errors_minigrad_words_where_it_differs() -> None:
    with pytest.raises(ValueError, match="the mapped dimension has size 0"):
        mf.vmap(lambda a: a)(mg.zeros(0, 3))
    with pytest.raises(RuntimeError, match="strict=True is not supported"):
        mf.jvp(lambda a: a, (mg.ones(2),), (mg.ones(2),), strict=True)
    with pytest.raises(RuntimeError, match="Expected pytree structure of cotangents"):
        mf.vjp(lambda a: (a, a), mg.ones(2))[1](mg.ones(2))
    with pytest.raises(AttributeError, match=r"minigrad does not have torch\.func\.linearize"):
        mf.linearize
