"""``autograd.forward_ad``: PyTorch's tutorial as written, tangents against torch's forward AD
and against finite differences, custom Functions' ``jvp``, and PyTorch's errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.autograd.forward_ad as fwAD

torch = pytest.importorskip("torch")
tfwAD = torch.autograd.forward_ad

RNG = np.random.default_rng(0)


def arr(*shape: int, positive: bool = False) -> np.ndarray:
    a = RNG.standard_normal(shape)
    return np.abs(a) + 0.5 if positive else a


# ---------------------------------------------------------------------------------------------
# PyTorch's tutorial "Forward-mode Automatic Differentiation (Beta)", as written (shrunk); only
# the import differs


def test_tutorial_basic_usage() -> None:
    primal = mg.randn(4, 4)
    tangent = mg.randn(4, 4)

    def fn(x: Any, y: Any) -> Any:
        return x**2 + y**2

    with fwAD.dual_level():
        dual_input = fwAD.make_dual(primal, tangent)
        assert fwAD.unpack_dual(dual_input).tangent is tangent
        dual_input_alt = fwAD.make_dual(primal, tangent.T)
        assert fwAD.unpack_dual(dual_input_alt).tangent is not tangent
        plain_tensor = mg.randn(4, 4)
        dual_output = fn(dual_input, plain_tensor)
        jvp = fwAD.unpack_dual(dual_output).tangent
    assert fwAD.unpack_dual(dual_output).tangent is None
    np.testing.assert_allclose(jvp.numpy(), 2 * primal.numpy() * tangent.numpy(), rtol=1e-6)
    unpacked = fwAD.unpack_dual(dual_output)
    assert type(unpacked).__name__ == "UnpackedDualTensor" and unpacked.primal is dual_output


def test_tutorial_modules_and_functional_call() -> None:
    nn = mg.nn
    model = nn.Linear(5, 5)
    input = mg.randn(16, 5)
    params = {name: p for name, p in model.named_parameters()}
    tangents = {name: mg.rand_like(p) for name, p in params.items()}
    with fwAD.dual_level():
        for name, p in params.items():
            delattr(model, name)
            setattr(model, name, fwAD.make_dual(p, tangents[name]))
        out = model(input)
        jvp = fwAD.unpack_dual(out).tangent

    from minigrad.func import functional_call

    model = nn.Linear(5, 5)
    dual_params = {}
    with fwAD.dual_level():
        for name, p in params.items():
            dual_params[name] = fwAD.make_dual(p, tangents[name])
        out = functional_call(model, dual_params, input)
        jvp2 = fwAD.unpack_dual(out).tangent
    assert mg.allclose(jvp, jvp2)
    expected = input.numpy() @ tangents["weight"].numpy().T + tangents["bias"].numpy()
    np.testing.assert_allclose(jvp.numpy(), expected, rtol=1e-5, atol=1e-6)


class Fn(mg.autograd.Function):
    @staticmethod
    def forward(ctx: Any, foo: Any) -> Any:
        result = mg.exp(foo)
        ctx.result = result
        return result

    @staticmethod
    def jvp(ctx: Any, gI: Any) -> Any:
        gO = gI * ctx.result
        del ctx.result
        return gO


def test_tutorial_custom_function_and_gradcheck() -> None:
    fn = Fn.apply
    primal = mg.randn(4, 4, dtype=mg.double, requires_grad=True)
    tangent = mg.randn(4, 4)
    with fwAD.dual_level():
        dual_input = fwAD.make_dual(primal, tangent)
        dual_output = fn(dual_input)
        jvp = fwAD.unpack_dual(dual_output).tangent
    expected = tangent.numpy() * np.exp(primal.detach().numpy())
    np.testing.assert_allclose(jvp.numpy(), expected, rtol=1e-6)
    assert mg.autograd.gradcheck(
        Fn.apply,
        (primal,),
        check_forward_ad=True,
        check_backward_ad=False,
        check_undefined_grad=False,
        check_batched_grad=False,
    )


def test_tutorial_functional_api_section() -> None:
    """Its functorch section through ``minigrad.func`` (``ft.make_functional_with_buffers``,
    functorch's own, is not there: ``func.functional_call`` does its work)."""
    import functools

    import minigrad.func as ft

    primal0, tangent0, primal1, tangent1 = (mg.randn(4, 4, dtype=mg.double) for _ in range(4))

    def fn(x: Any, y: Any) -> Any:
        return x**2 + y**2

    primal_out, tangent_out = ft.jvp(fn, (primal0, primal1), (tangent0, tangent1))
    with fwAD.dual_level():
        out = fn(fwAD.make_dual(primal0, tangent0), fwAD.make_dual(primal1, tangent1))
        np.testing.assert_allclose(
            fwAD.unpack_dual(out).tangent.numpy(), tangent_out.numpy(), rtol=1e-12
        )
    y = mg.randn(4, 4, dtype=mg.double)
    new_fn = functools.partial(fn, y=y)
    primal_out, tangent_out = ft.jvp(new_fn, (primal0,), (tangent0,))
    np.testing.assert_allclose(tangent_out.numpy(), 2 * primal0.numpy() * tangent0.numpy())
    np.testing.assert_allclose(primal_out.numpy(), fn(primal0, y).numpy())


def test_gradcheck_forward_ad_catches_a_wrong_jvp() -> None:
    class Wrong(Fn):
        @staticmethod
        def jvp(ctx: Any, gI: Any) -> Any:
            return gI * ctx.result * 1.01

    x = mg.randn(3, dtype=mg.double, requires_grad=True)
    with pytest.raises(mg.autograd.gradcheck.__globals__["GradcheckError"], match="forward AD"):
        mg.autograd.gradcheck(Wrong.apply, (x,), check_forward_ad=True, check_backward_ad=False)
    assert not mg.autograd.gradcheck(
        Wrong.apply, (x,), check_forward_ad=True, check_backward_ad=False, raise_exception=False
    )


# ---------------------------------------------------------------------------------------------
# Tangents against torch's forward AD (float64, 1e-10) and against finite differences

# (name, function written once for both libraries as f(lib, *xs), input shapes, positive)
CASES: list[tuple[str, Callable[..., Any], list[tuple[int, ...]], bool]] = [
    ("mul_add", lambda L, x, y: x * y + x, [(3, 4), (3, 4)], False),
    ("pow_div", lambda L, x, y: x**3 / y, [(3, 4), (3, 4)], True),
    ("exp_sin_tanh", lambda L, x: L.exp(x).sin() + L.tanh(x), [(5,)], False),
    ("log_sqrt", lambda L, x: L.log(x) * L.sqrt(x), [(2, 3)], True),
    ("sigmoid_relu", lambda L, x: L.sigmoid(x) + L.relu(x), [(6,)], False),
    ("sum_mean", lambda L, x: x.sum() * x.mean(), [(3, 4)], False),
    ("sum_dim_keepdim", lambda L, x: (x * x).sum(1, keepdim=True), [(3, 4)], False),
    ("prod_amax", lambda L, x: x.prod(0) + x.amax(1).sum(), [(3, 3)], False),
    ("softmax_logsumexp", lambda L, x: L.softmax(x, 1) * L.logsumexp(x, 1, True), [(2, 5)], False),
    ("matmul", lambda L, x, w: x @ w, [(3, 4), (4, 2)], False),
    ("batched_matmul", lambda L, x, w: L.matmul(x, w).tanh(), [(2, 3, 4), (4, 2)], False),
    ("broadcast", lambda L, x, b: x * b - b, [(3, 4), (4,)], False),
    ("transpose_reshape", lambda L, x: x.T.reshape(2, 6) * 2, [(3, 4)], False),
    ("slice_index", lambda L, x: x[1:, ::2] * x[0, 0], [(3, 4)], False),
    ("permute_expand", lambda L, x: x.permute(1, 0).unsqueeze(0).expand(2, 4, 3), [(3, 4)], False),
    ("cat_stack", lambda L, x, y: L.stack([L.cat([x, y]), L.cat([y, x])]), [(2, 3), (2, 3)], False),
    ("where_abs", lambda L, x, y: L.where(x > 0, x * y, y.abs()), [(4,), (4,)], False),
    ("inplace_on_dual", lambda L, x, y: x.clone().mul_(y).add_(1.5), [(3,), (3,)], False),
    (
        "inplace_into_plain",
        lambda L, x, y: L.zeros(3, dtype=L.float64).add_(x).mul_(y),
        [(3,), (3,)],
        False,
    ),
    ("setitem", lambda L, x, y: _setitem(L, x, y), [(4,), (2,)], False),
]


def _setitem(L: Any, x: Any, y: Any) -> Any:
    z = x.clone()
    z[1:3] = y * 2
    return z * x


def _mg_tangent(f: Callable[..., Any], arrays: list[np.ndarray], tans: list[np.ndarray | None]):
    xs = [mg.tensor(a) for a in arrays]
    with fwAD.dual_level():
        duals = [x if t is None else fwAD.make_dual(x, mg.tensor(t)) for x, t in zip(xs, tans)]
        out = fwAD.unpack_dual(f(mg, *duals))
        assert out.tangent is not None
        return out.primal.detach().numpy(), out.tangent.detach().numpy()


def _torch_tangent(f: Callable[..., Any], arrays: list[np.ndarray], tans: list[Any]):
    xs = [torch.tensor(a) for a in arrays]
    with tfwAD.dual_level():
        duals = [x if t is None else tfwAD.make_dual(x, torch.tensor(t)) for x, t in zip(xs, tans)]
        out = tfwAD.unpack_dual(f(torch, *duals))
        return out.primal.detach().numpy(), out.tangent.numpy()


@pytest.mark.parametrize(("name", "f", "shapes", "positive"), CASES, ids=[c[0] for c in CASES])
def test_tangent_equals_torch_forward_ad(name: str, f: Any, shapes: Any, positive: bool) -> None:
    arrays = [arr(*s, positive=positive) for s in shapes]
    tans: list[np.ndarray | None] = [arr(*s) for s in shapes]
    ours = _mg_tangent(f, arrays, tans)
    theirs = _torch_tangent(f, arrays, tans)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10, atol=1e-10)
    if len(shapes) > 1:  # a tangent on the first input only: the others count as zero
        tans = [tans[0]] + [None] * (len(shapes) - 1)
        np.testing.assert_allclose(
            _mg_tangent(f, arrays, tans)[1], _torch_tangent(f, arrays, tans)[1], atol=1e-10
        )


@pytest.mark.parametrize(("name", "f", "shapes", "positive"), CASES, ids=[c[0] for c in CASES])
def test_tangent_equals_finite_differences(name: str, f: Any, shapes: Any, positive: bool) -> None:
    arrays = [arr(*s, positive=positive) for s in shapes]
    tans = [arr(*s) for s in shapes]
    eps = 1e-6

    def value(h: float) -> np.ndarray:
        with mg.no_grad():
            xs = [mg.tensor(a + h * t) for a, t in zip(arrays, tans)]
            return f(mg, *xs).numpy()

    numerical = (value(eps) - value(-eps)) / (2 * eps)
    np.testing.assert_allclose(_mg_tangent(f, arrays, tans)[1], numerical, rtol=1e-5, atol=1e-6)


def test_tangent_is_recorded_so_backward_reaches_the_primal_as_in_torch() -> None:
    """Second order: d/dp sum(J t) for f(p) = sin(p) * p, against torch and by hand."""
    p, t = arr(4), arr(4)
    ours, theirs = mg.tensor(p, requires_grad=True), torch.tensor(p, requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(ours, mg.tensor(t))
        fwAD.unpack_dual(d.sin() * d).tangent.sum().backward()
    with tfwAD.dual_level():
        d = tfwAD.make_dual(theirs, torch.tensor(t))
        tfwAD.unpack_dual(d.sin() * d).tangent.sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.grad.numpy(), t * (2 * np.cos(p) - p * np.sin(p)), rtol=1e-10)


def test_reverse_mode_through_duals_reaches_the_primal() -> None:
    p = mg.tensor(arr(3), requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(p, mg.ones(3, dtype=mg.float64))
        y = (d * d).sum()
        assert fwAD.unpack_dual(y).tangent.item() == pytest.approx(2 * p.detach().numpy().sum())
        y.backward()
    np.testing.assert_allclose(p.grad.numpy(), 2 * p.detach().numpy(), rtol=1e-12)


def test_primal_of_unpack_carries_no_tangent_and_passes_gradients() -> None:
    p = mg.tensor(arr(3), requires_grad=True)
    with fwAD.dual_level():
        y = fwAD.make_dual(p, mg.ones(3, dtype=mg.float64)).exp()
        primal = fwAD.unpack_dual(y).primal
        assert fwAD.unpack_dual(primal).tangent is None
        assert fwAD.unpack_dual(primal * 2).tangent is None
        np.testing.assert_array_equal(primal.detach().numpy(), y.detach().numpy())
        primal.sum().backward()
    np.testing.assert_allclose(p.grad.numpy(), np.exp(p.detach().numpy()), rtol=1e-12)


def test_no_tangent_for_tensors_without_duals_and_integer_results() -> None:
    with fwAD.dual_level():
        d = fwAD.make_dual(mg.randn(3, dtype=mg.float64), mg.ones(3, dtype=mg.float64))
        assert fwAD.unpack_dual(mg.randn(3)).tangent is None
        assert fwAD.unpack_dual(d.argmax()).tangent is None
        zero = fwAD.unpack_dual(d * 0).tangent
        np.testing.assert_array_equal(zero.detach().numpy(), np.zeros(3))
    with tfwAD.dual_level():
        d = tfwAD.make_dual(torch.randn(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64))
        assert tfwAD.unpack_dual(d.argmax()).tangent is None  # the same in torch
    assert fwAD.unpack_dual(3.0) == (3.0, None)  # outside a level anything unpacks


def test_tangent_of_another_float_dtype_is_kept_as_in_torch() -> None:
    p = mg.randn(3, dtype=mg.float64)
    t = mg.randn(3, dtype=mg.float32)
    with fwAD.dual_level():
        d = fwAD.make_dual(p, t)
        assert fwAD.unpack_dual(d).tangent is t
        out = fwAD.unpack_dual(d * 3).tangent
        np.testing.assert_allclose(out.detach().numpy(), 3 * t.numpy().astype(np.float64))


def test_dual_level_as_decorator_and_enter_exit() -> None:
    @fwAD.dual_level()
    def jvp_of_square(p: Any, t: Any) -> Any:
        return fwAD.unpack_dual(fwAD.make_dual(p, t) ** 2).tangent

    p, t = mg.tensor([1.0, 2.0], dtype=mg.float64), mg.tensor([1.0, 1.0], dtype=mg.float64)
    assert jvp_of_square(p, t).tolist() == [2.0, 4.0]
    assert fwAD.enter_dual_level() == tfwAD.enter_dual_level() == 0
    tfwAD.exit_dual_level(level=0)
    fwAD.exit_dual_level(level=0)
    assert sorted(fwAD.__all__) == sorted(tfwAD.__all__)


# ---------------------------------------------------------------------------------------------
# Custom Functions


class ExpBoth(mg.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: Any, scale: float) -> Any:
        y = x.exp() * scale
        ctx.save_for_backward(y)
        return y, x * 2

    @staticmethod
    def backward(ctx: Any, gy: Any, gz: Any) -> Any:
        (y,) = ctx.saved_tensors
        return gy * y + gz * 2, None

    @staticmethod
    def jvp(ctx: Any, tx: Any, tscale: Any) -> Any:
        assert tscale is None
        (y,) = ctx.saved_tensors
        return tx * y, tx * 2


def test_custom_function_jvp_composes_with_other_paths_and_keeps_backward() -> None:
    p, t = arr(3), arr(3)
    x = mg.tensor(p, requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(x, mg.tensor(t))
        y, z = ExpBoth.apply(d, 3.0)
        out = y * d.sin() + z  # the Function's outputs and the dual itself
        tangent = fwAD.unpack_dual(out).tangent.detach().numpy()
        out.sum().backward()
    y_ = 3 * np.exp(p)
    expected = t * y_ * np.sin(p) + y_ * np.cos(p) * t + 2 * t
    np.testing.assert_allclose(tangent, expected, rtol=1e-10)
    np.testing.assert_allclose(x.grad.numpy(), y_ * np.sin(p) + y_ * np.cos(p) + 2, rtol=1e-10)


def test_custom_function_without_jvp_refused_as_in_torch() -> None:
    class NoJvp(mg.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x.exp()

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g

    class TNoJvp(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x.exp()

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g

    with tfwAD.dual_level(), pytest.raises(NotImplementedError) as theirs:
        TNoJvp.apply(tfwAD.make_dual(torch.ones(2), torch.ones(2)))
    with fwAD.dual_level():
        with pytest.raises(NotImplementedError) as ours:
            NoJvp.apply(fwAD.make_dual(mg.ones(2), mg.ones(2)))
        assert NoJvp.apply(mg.ones(2)).shape == (2,)  # no dual input: no jvp needed
    assert str(ours.value) == str(theirs.value)


def test_minigrads_own_functions_refuse_duals_saying_so() -> None:
    from minigrad.utils.checkpoint import checkpoint

    with fwAD.dual_level():
        d = fwAD.make_dual(mg.randn(2, 3), mg.randn(2, 3))
        with pytest.raises(NotImplementedError, match=r"has no forward-mode AD in minigrad"):
            checkpoint(lambda x: x.sin(), d, use_reentrant=False)
        assert checkpoint(lambda x: x.sin(), mg.ones(2), use_reentrant=False).shape == (2,)


def test_jvp_returning_the_wrong_shape_or_count_raises() -> None:
    class BadShape(Fn):
        @staticmethod
        def jvp(ctx: Any, gI: Any) -> Any:
            return gI.sum()

    class BadCount(Fn):
        @staticmethod
        def jvp(ctx: Any, gI: Any) -> Any:
            return gI, gI

    with fwAD.dual_level():
        d = fwAD.make_dual(mg.ones(2), mg.ones(2))
        with pytest.raises(RuntimeError, match=r"BadShape\.jvp: the forward gradient"):
            BadShape.apply(d)
        with pytest.raises(RuntimeError, match=r"BadCount\.jvp returned an incorrect number"):
            BadCount.apply(d)


# ---------------------------------------------------------------------------------------------
# PyTorch's errors, word for word


def _both(call: Callable[[Any, Any], Any]) -> tuple[BaseException, BaseException]:
    """The exceptions of ``call(lib, fwad)`` in minigrad and in torch."""
    caught = []
    for lib, ad in ((mg, fwAD), (torch, tfwAD)):
        with pytest.raises(Exception) as info:
            call(lib, ad)
        caught.append(info.value)
    while fwAD._LEVEL:  # (a failed call inside a level must not leave it open)
        fwAD.exit_dual_level()
    return caught[0], caught[1]


def _in_level(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def call(lib: Any, ad: Any) -> Any:
        with ad.dual_level():
            return fn(lib, ad)

    return call


ERRORS: dict[str, Callable[[Any, Any], Any]] = {
    "no_level": lambda L, ad: ad.make_dual(L.ones(2), L.ones(2)),
    "shape": _in_level(lambda L, ad: ad.make_dual(L.ones(3), L.ones(4))),
    "shape_broadcastable": _in_level(lambda L, ad: ad.make_dual(L.ones(3), L.ones(1))),
    "int_tangent": _in_level(lambda L, ad: ad.make_dual(L.ones(3), L.tensor([1, 2, 3]))),
    "int_primal": _in_level(lambda L, ad: ad.make_dual(L.tensor([1, 2]), L.ones(2))),
    "nested": _in_level(lambda L, ad: ad.enter_dual_level()),
    "dual_of_dual": _in_level(
        lambda L, ad: ad.make_dual(ad.make_dual(L.ones(2), L.ones(2)) * 2, L.ones(2))
    ),
    "make_dual_level": _in_level(lambda L, ad: ad.make_dual(L.ones(2), L.ones(2), level=3)),
    "unpack_level": _in_level(
        lambda L, ad: ad.unpack_dual(ad.make_dual(L.ones(2), L.ones(2)) * 2, level=5)
    ),
    "exit_without_level": lambda L, ad: ad.exit_dual_level(),
    "exit_other_level": _in_level(lambda L, ad: ad.exit_dual_level(level=3)),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_are_torchs(case: str) -> None:
    ours, theirs = _both(ERRORS[case])
    assert type(ours) is type(theirs)
    assert str(ours).replace("minigrad.", "torch.") == str(theirs)


def test_make_dual_refuses_no_grad_and_non_tensors() -> None:
    with fwAD.dual_level():
        with mg.no_grad(), pytest.raises(RuntimeError, match=r"make_dual\(\): .*grad mode on"):
            fwAD.make_dual(mg.ones(2), mg.ones(2))
        with pytest.raises(TypeError, match=r"make_dual\(\): tangent must be a Tensor"):
            fwAD.make_dual(mg.ones(2), [1.0, 1.0])
    assert not fwAD._LEVEL


def test_tangents_are_dropped_when_the_level_exits() -> None:
    p = mg.randn(2, dtype=mg.float64)
    with fwAD.dual_level():
        d = fwAD.make_dual(p, mg.ones(2, dtype=mg.float64))
        y = d * 2
    assert fwAD.unpack_dual(y).tangent is None and fwAD.unpack_dual(d).tangent is None
    with fwAD.dual_level():  # a new level: the old duals are plain tensors in it
        assert fwAD.unpack_dual(y).tangent is None
        again = fwAD.make_dual(y, mg.ones(2, dtype=mg.float64))  # allowed: no tangent now
        assert fwAD.unpack_dual(again * 3).tangent.tolist() == [3.0, 3.0]
