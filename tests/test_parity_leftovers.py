"""Small differences from PyTorch, each checked against PyTorch itself: a number on the left of
an operator (``2 - b``, ``2 / b``, ``2 ** b``, ``2 // b``, ``2 % b``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg

# ---------------------------------------------------------------------------------------------
# A number on the left


def _walk(node: Any, depth: int = 3) -> Any:
    """A node as names: (name, [what each next function is]), ``AccumulateGrad`` and None as
    such, ``depth`` levels down."""
    if node is None:
        return None
    name = type(node).__name__ if hasattr(node, "variable") else node.name()
    if depth == 0 or not hasattr(node, "next_functions"):
        return name
    return name, [(_walk(n, depth - 1), k) for n, k in node.next_functions]


REFLECTED: list[tuple[str, Callable[[Any], Any]]] = [
    ("2 - b", lambda b: 2 - b),
    ("2.5 - b", lambda b: 2.5 - b),
    ("2 / b", lambda b: 2 / b),
    ("3.7 / b", lambda b: 3.7 / b),
    ("1 / b", lambda b: 1 / b),
    ("2 ** b", lambda b: 2**b),
    ("0.5 ** b", lambda b: 0.5**b),
    ("2 // b", lambda b: 2 // b),
    ("2 % b", lambda b: 2 % b),
    ("b // 2", lambda b: b // 2),
    ("reciprocal", lambda b: b.reciprocal()),
    ("rsub", lambda b: None),  # (torch.rsub(b, 2) and pow(2, b): the tensor's library's)
    ("pow(2, b)", lambda b: None),
]


@pytest.mark.parametrize(("text", "f"), REFLECTED, ids=[t for t, _ in REFLECTED])
def test_number_on_the_left_records_torchs_nodes(text: str, f: Callable[[Any], Any]) -> None:
    """The node's name and its ``next_functions``, two levels down, are PyTorch's."""
    torch = pytest.importorskip("torch")
    lib = {"rsub": "rsub", "pow(2, b)": "pow"}.get(text)
    if lib is not None:  # the function of the library the tensor is from

        def f(b: Any) -> Any:
            m = torch if isinstance(b, torch.Tensor) else mg
            return m.rsub(b, 2) if lib == "rsub" else m.pow(2, b)

    data = np.array([1.5, 2.0, 0.75])
    tb = torch.tensor(data, requires_grad=True)
    mb = mg.tensor(data, requires_grad=True)
    assert _walk(f(mb).grad_fn) == _walk(f(tb).grad_fn)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("text", "f"), REFLECTED[:10], ids=[t for t, _ in REFLECTED[:10]])
def test_number_on_the_left_values_are_torchs_bits(
    text: str, f: Callable[[Any], Any], dtype: str
) -> None:
    """Every value is PyTorch's to the bit (``3.7 / b`` is ``b.reciprocal() * 3.7``, rounded
    twice, in both), with and without a gradient to record; a power is NumPy's ``np.power``
    (as the binary op's, to the bit), within an ulp of PyTorch's ``powf``."""
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(1).uniform(0.1, 9.0, 2000).astype(dtype)
    for grad in (False, True):
        got = f(mg.tensor(data, requires_grad=grad)).detach().numpy()
        want = f(torch.tensor(data, requires_grad=grad)).detach().numpy()
        assert got.dtype == want.dtype
        if "**" in text:
            np.testing.assert_array_equal(got, f(data))
            np.testing.assert_allclose(got, want, rtol=2 * np.finfo(dtype).eps, atol=0)
        else:
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
@pytest.mark.parametrize("number", [2, 3, 2.5])
def test_number_over_an_integer_tensor_is_torchs(dtype: str, number: float) -> None:
    """``3 / t`` of an integer or bool tensor: PyTorch's reciprocal in the default float dtype,
    times the number; ``2 - t`` and ``2 ** t`` keep the binary op's promotion."""
    torch = pytest.importorskip("torch")
    data = np.arange(1, 40).astype(dtype) if dtype != "bool" else np.array([True, False])
    got, want = number / mg.tensor(data), number / torch.tensor(data)
    assert got.dtype == mg.float32
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    got, want = number ** mg.tensor(data), number ** torch.tensor(data)  # (powf: an ulp)
    assert str(got.dtype).split(".")[1] == str(want.dtype).split(".")[1]
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=2.5e-7, atol=0)
    if dtype != "bool":  # (PyTorch refuses a bool tensor there, as minigrad does)
        np.testing.assert_array_equal(
            (number - mg.tensor(data)).numpy(), (number - torch.tensor(data)).numpy()
        )


@pytest.mark.parametrize(("text", "f"), REFLECTED[:7], ids=[t for t, _ in REFLECTED[:7]])
def test_number_on_the_left_gradients(text: str, f: Callable[[Any], Any]) -> None:
    """First and second order against float64 finite differences, and the gradient against
    PyTorch's."""
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(2).uniform(0.5, 3.0, (3, 4))
    b = mg.tensor(data, requires_grad=True)
    assert mg.autograd.gradcheck(f, (b,))
    assert mg.autograd.gradgradcheck(f, (b,))
    f(b).sum().backward()
    tb = torch.tensor(data, requires_grad=True)
    f(tb).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-14, atol=0)


def test_zero_to_a_tensor_power_has_torchs_gradient() -> None:
    """``0 ** b``: the gradient is 0 where b >= 0 (the limit), as PyTorch's; nan below."""
    torch = pytest.importorskip("torch")
    data = np.array([-1.0, 0.0, 0.5, 2.0])
    b, tb = mg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    (0**b).sum().backward()
    (0**tb).sum().backward()
    np.testing.assert_array_equal(b.grad.numpy(), tb.grad.numpy())


def test_node_hook_of_a_number_on_the_left_sees_one_gradient() -> None:
    """A node's post-hook gets one gradient per next function: one for ``2 - b``, as in
    PyTorch, and may replace it."""
    torch = pytest.importorskip("torch")
    seen: dict[str, int] = {}
    for lib, name in ((mg, "mg"), (torch, "torch")):
        b = lib.tensor([1.0, 2.0], requires_grad=True)
        y = 2 - b

        def hook(grad_inputs: Any, grad_outputs: Any, name: str = name) -> Any:
            seen[name] = len(grad_inputs)
            return (grad_inputs[0] * 3,)

        y.grad_fn.register_hook(hook)
        y.sum().backward()
        assert b.grad.tolist() == [-3.0, -3.0]
    assert seen["mg"] == seen["torch"] == 1


def test_number_on_the_left_still_refuses_what_torch_refuses() -> None:
    """A bool tensor, or a string on the left, is refused before anything is recorded."""
    with pytest.raises(RuntimeError, match=r"Subtraction, the `-` operator"):
        2 - mg.tensor([True, False])
    with pytest.raises(TypeError, match=r"unsupported operand"):
        "a" - mg.tensor([1.0])  # type: ignore[operator]


# ---------------------------------------------------------------------------------------------
# nn.CrossMapLRN2d


def _cross_map_reference(x: np.ndarray, size: int, alpha: float, beta: float, k: float) -> Any:
    """PyTorch's running sum over channels, written out: the window of channel c is
    c - p + 1 .. c + p - 1 (p = (size - 1) // 2 + 1), and channel 0 is never taken out."""
    channels = x.shape[1]
    p = (size - 1) // 2 + 1
    scale = np.zeros_like(x)
    for c in range(channels):
        window = {0, *range(max(c - p + 1, 0), min(c + p - 1, channels - 1) + 1)}
        scale[:, c] = sum(x[:, j] ** 2 for j in sorted(window))
    return x * (scale * (alpha / size) + k) ** -beta


CROSS_MAP = [(1, 5), (2, 4), (3, 7), (4, 6), (5, 7), (5, 3), (3, 1), (6, 2)]


@pytest.mark.parametrize(("size", "channels"), CROSS_MAP)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cross_map_lrn2d_values_are_torchs(size: int, channels: int, dtype: str) -> None:
    """The values are PyTorch's (its running sum over channels, channel 0 included in every
    window), and the written-out reference's."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).standard_normal((2, channels, 3, 4)).astype(dtype)
    args = (size, 0.3, 0.75, 1.5)
    got = mg.nn.CrossMapLRN2d(*args)(mg.tensor(x))
    want = torch.nn.CrossMapLRN2d(*args)(torch.tensor(x))
    assert got.dtype == getattr(mg, dtype)
    rtol = 1e-6 if dtype == "float32" else 1e-13
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=rtol, atol=0)
    np.testing.assert_allclose(got.numpy(), _cross_map_reference(x, *args), rtol=rtol, atol=0)


@pytest.mark.parametrize(("size", "channels"), CROSS_MAP)
def test_cross_map_lrn2d_gradients(size: int, channels: int) -> None:
    """First and second order against float64 finite differences (composed of ops)."""
    m = mg.nn.CrossMapLRN2d(size, alpha=0.5, beta=0.75, k=1.0)
    x = mg.tensor(np.random.default_rng(4).standard_normal((2, channels, 2, 3)))
    x.requires_grad_()
    assert mg.autograd.gradcheck(m, (x,))
    assert mg.autograd.gradgradcheck(m, (x,))


@pytest.mark.parametrize(("size", "channels"), [(3, 1), (5, 1), (4, 2), (5, 2)])
def test_cross_map_lrn2d_gradient_is_torchs_where_torchs_is_right(size: int, channels: int) -> None:
    """Where PyTorch's hand-written backward is the derivative of its forward (one channel;
    two with a window of 4 or 5), the gradients are equal."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(5).standard_normal((2, channels, 3, 3))
    r = np.random.default_rng(6).standard_normal(x.shape)
    mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (mg.nn.CrossMapLRN2d(size, 0.5, 0.75, 1.0)(mx) * mg.tensor(r)).sum().backward()
    (torch.nn.CrossMapLRN2d(size, 0.5, 0.75, 1.0)(tx) * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_torchs_cross_map_lrn2d_backward_is_not_its_forwards_derivative() -> None:
    """Why minigrad's gradient differs from PyTorch's elsewhere: PyTorch's hand-written
    backward sums a window shifted from its forward's (and without channel 0), so its own
    gradcheck fails; minigrad differentiates the forward both compute."""
    torch = pytest.importorskip("torch")
    x = torch.randn(1, 4, 2, 2, dtype=torch.float64, requires_grad=True)
    m = torch.nn.CrossMapLRN2d(3, alpha=0.5, beta=0.75, k=1.0)
    assert not torch.autograd.gradcheck(m, (x,), raise_exception=False)
    mx = mg.tensor(x.detach().numpy(), requires_grad=True)
    assert mg.autograd.gradcheck(mg.nn.CrossMapLRN2d(3, alpha=0.5, beta=0.75, k=1.0), (mx,))


def test_cross_map_lrn2d_module_surface_is_torchs() -> None:
    """Constructor defaults, repr, attributes and errors as PyTorch's."""
    torch = pytest.importorskip("torch")
    m, t = mg.nn.CrossMapLRN2d(5), torch.nn.CrossMapLRN2d(5)
    assert repr(m) == repr(t)
    assert (m.size, m.alpha, m.beta, m.k) == (t.size, t.alpha, t.beta, t.k)
    assert list(m.parameters()) == [] and list(m.buffers()) == []
    for lib in (torch, mg):
        with pytest.raises(ValueError, match=r"CrossMapLRN2d: Expected input to be 4D, got 3D"):
            lib.nn.CrossMapLRN2d(3)(lib.ones(2, 3, 4))
    assert mg.nn.modules.CrossMapLRN2d is mg.nn.CrossMapLRN2d
    with pytest.raises(ValueError, match=r"CrossMapLRN2d: size must be at least 1, got 0"):
        mg.nn.CrossMapLRN2d(0)(mg.ones(1, 2, 2, 2))


# ---------------------------------------------------------------------------------------------
# fractional max pooling's output_ratio


def _outcome(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The shape of ``fn(*args, **kwargs)``, or the type of the error raised."""
    try:
        return tuple(fn(*args, **kwargs).shape)
    except Exception as e:
        return type(e)


RATIOS: list[Any] = [0.5, 1, 0, (0.5,), [0.5], (0.5, 0.5), [0.5, 0.5], (0.5, 0.5, 0.5),
                     (0.5, 0.5, 0.5, 0.5), (0.25, 0.5, 0.75)]  # fmt: skip


@pytest.mark.parametrize("nd", [2, 3])
@pytest.mark.parametrize("ratio", RATIOS, ids=[repr(r) for r in RATIOS])
def test_fractional_max_pool_output_ratio_forms_as_torch(nd: int, ratio: Any) -> None:
    """The functions take the forms PyTorch's take and refuse the others with its exception
    type (the 2-D function no single number, either function fewer ratios than axes); the
    modules take a number."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(7).standard_normal((1, 2, *(8,) * nd))
    samples = np.random.default_rng(8).random((1, 2, nd))
    outcomes = []
    for lib in (torch, mg):
        fn = getattr(lib.nn.functional, f"fractional_max_pool{nd}d")
        t, u = lib.tensor(x), lib.tensor(samples)
        outcomes.append(_outcome(fn, t, 2, output_ratio=ratio, _random_samples=u))
    assert outcomes[1] == outcomes[0]


@pytest.mark.parametrize("nd", [2, 3])
def test_fractional_max_pool_number_ratio_in_modules_and_sizes(nd: int) -> None:
    """A number is a ratio for every axis in the modules, and a number is a size for every
    axis in both forms, as in PyTorch; the 2-D function's refusal says what to give."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(9).standard_normal((1, 2, *(8,) * nd))
    samples = np.random.default_rng(10).random((1, 2, nd))
    got, want = [], []
    for lib, out in ((mg, got), (torch, want)):
        t, u = lib.tensor(x), lib.tensor(samples)
        fn = getattr(lib.nn.functional, f"fractional_max_pool{nd}d")
        module = getattr(lib.nn, f"FractionalMaxPool{nd}d")
        out.append(module(2, output_ratio=0.5, _random_samples=u)(t).numpy())
        out.append(fn(t, 2, output_size=3, _random_samples=u).numpy())
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
    if nd == 2:
        with pytest.raises(TypeError, match=r"output_ratio is a pair .* \(0\.5, 0\.5\)"):
            mg.nn.functional.fractional_max_pool2d(mg.tensor(x), 2, output_ratio=0.5)


# ---------------------------------------------------------------------------------------------
# poisson


def test_poisson_records_torchs_node_with_a_zero_gradient() -> None:
    """``poisson(rates)`` of rates that require grad is a ``PoissonBackward0`` node whose only
    next function is the rates', and the gradient it hands on is 0, as PyTorch's; under
    create_graph the zero gradient is a constant."""
    torch = pytest.importorskip("torch")
    data = np.array([0.5, 2.0, 7.5])
    m, t = mg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y, ty = mg.poisson(m), torch.poisson(t)
    assert _walk(y.grad_fn) == _walk(ty.grad_fn)
    assert not y.requires_grad or y.grad_fn is not None
    (y * mg.tensor([1.0, 2.0, 3.0])).sum().backward()
    (ty * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum().backward()
    np.testing.assert_array_equal(m.grad.numpy(), t.grad.numpy())
    (g,) = mg.autograd.grad(mg.poisson(m).sum(), m, create_graph=True)
    (tg,) = torch.autograd.grad(torch.poisson(t).sum(), t, create_graph=True)
    assert g.tolist() == tg.tolist() == [0.0, 0.0, 0.0]
    assert g.requires_grad == tg.requires_grad


def test_poisson_records_nothing_where_torch_records_nothing() -> None:
    """Rates that need no gradient, or grad mode off: no node, as in PyTorch."""
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        r = lib.tensor([1.0, 2.0], requires_grad=True)
        assert lib.poisson(lib.tensor([1.0, 2.0])).grad_fn is None
        with lib.no_grad():
            assert lib.poisson(r).grad_fn is None


def test_poisson_gradient_against_finite_differences() -> None:
    """With the draws fixed (a seeded generator), the samples are a constant of the rates:
    finite differences of ``poisson(x) * x`` give the samples, first and second order."""

    def f(x: Any) -> Any:
        return mg.poisson(x, generator=0) * x

    x = mg.tensor(np.random.default_rng(11).uniform(0.5, 3.0, (3, 4)), requires_grad=True)
    assert mg.autograd.gradcheck(f, (x,))
    assert mg.autograd.gradgradcheck(f, (x,))


def test_poisson_refuses_bad_rates_before_drawing() -> None:
    """A negative or nan rate raises PyTorch's error, and the generator has not moved."""
    g = mg.Generator().manual_seed(3)
    state = g.get_state()
    with pytest.raises(RuntimeError, match=r"invalid Poisson rate"):
        mg.poisson(mg.tensor([1.0, -1.0], requires_grad=True), generator=g)
    assert mg.equal(g.get_state(), state)


# ---------------------------------------------------------------------------------------------
# forward AD under no_grad


def test_forward_ad_under_no_grad_refuses_instead_of_dropping_the_tangent() -> None:
    """PyTorch's forward AD runs under no_grad (the tangent of ``dual * 2`` there is 2 t);
    minigrad's tangents come from the recorded graph, so unpacking what was computed after
    grad mode went off raises, saying why, instead of giving None or a tangent that misses
    the unrecorded ops."""
    torch = pytest.importorskip("torch")
    import torch.autograd.forward_ad as tfw

    import minigrad.autograd.forward_ad as fw

    x, v = np.array([1.0, 2.0]), np.array([1.0, 3.0])
    with tfw.dual_level():
        d = tfw.make_dual(torch.tensor(x), torch.tensor(v))
        with torch.no_grad():
            y = d * 2
        assert tfw.unpack_dual(y).tangent.tolist() == [2.0, 6.0]  # (what minigrad cannot see)
    for off in (lambda: mg.no_grad(), lambda: mg.set_grad_enabled(False), mg.inference_mode):
        with fw.dual_level():
            d = fw.make_dual(mg.tensor(x), mg.tensor(v))
            before = d * 3  # recorded before grad mode went off: its tangent is known
            with off():
                y = d * 2
            z = y + d  # recorded again, from an unrecorded product
            for t in (y, z):
                with pytest.raises(RuntimeError, match=r"grad mode was turned off \(no_grad"):
                    fw.unpack_dual(t)
            assert fw.unpack_dual(before).tangent.tolist() == [3.0, 9.0]
            assert fw.unpack_dual(d).tangent.tolist() == [1.0, 3.0]  # the dual, unchanged


def test_forward_ad_in_place_under_no_grad_refuses() -> None:
    """An in-place op on a dual under no_grad changes PyTorch's tangent too; minigrad cannot
    follow it, so unpacking that dual raises; a write through ``.data`` keeps the tangent in
    both (PyTorch's ``.data`` has none)."""
    torch = pytest.importorskip("torch")
    import torch.autograd.forward_ad as tfw

    import minigrad.autograd.forward_ad as fw

    with tfw.dual_level():
        d = tfw.make_dual(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
        with torch.no_grad():
            d.mul_(3)
        assert tfw.unpack_dual(d).tangent.tolist() == [3.0, 3.0]
    with fw.dual_level():
        d = fw.make_dual(mg.tensor([1.0, 2.0]), mg.tensor([1.0, 1.0]))
        with mg.no_grad():
            d.mul_(3)
        with pytest.raises(RuntimeError, match=r"grad mode was turned off"):
            fw.unpack_dual(d)
    for lib, fwd in ((torch, tfw), (mg, fw)):
        with fwd.dual_level():
            d = fwd.make_dual(lib.tensor([1.0, 2.0]), lib.tensor([1.0, 1.0]))
            d.data.mul_(3)
            primal, tangent = fwd.unpack_dual(d)
            assert primal.tolist() == [3.0, 6.0] and tangent.tolist() == [1.0, 1.0]


def test_forward_ad_no_grad_without_duals_and_a_new_level_are_fine() -> None:
    """no_grad before any dual is made taints nothing, and the next level starts clean."""
    import minigrad.autograd.forward_ad as fw

    with fw.dual_level():
        with mg.no_grad():
            w = mg.tensor([2.0, 2.0]) * 2
        d = fw.make_dual(mg.tensor([1.0, 2.0]), mg.tensor([1.0, 1.0]))
        assert fw.unpack_dual(d * w).tangent.tolist() == [4.0, 4.0]
    with fw.dual_level():
        d = fw.make_dual(mg.tensor([1.0, 2.0]), mg.tensor([1.0, 1.0]))
        assert fw.unpack_dual(d * 2).tangent.tolist() == [2.0, 2.0]


# ---------------------------------------------------------------------------------------------
# nextafter


def test_nextafter_records_torchs_node_and_gradient() -> None:
    """``nextafter`` is recorded as PyTorch's ``NextafterBackward0``: gradient 1 to input and 0
    to other (it recorded nothing, so a sum through it lost input's share)."""
    torch = pytest.importorskip("torch")
    a, b = np.array([1.5, -2.0, 0.0]), np.array([0.5, 3.0, -1.0])
    grads = []
    for lib in (mg, torch):
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        z = lib.nextafter(x, y)
        grads.append((_walk(z.grad_fn), z.detach().numpy()))
        (z * 3 + x).sum().backward()
        grads.append((x.grad.numpy().tolist(), y.grad.numpy().tolist()))
    assert grads[0][0] == grads[2][0]
    np.testing.assert_array_equal(grads[0][1], grads[2][1])
    assert grads[1] == grads[3] == ([4.0] * 3, [0.0] * 3)


def test_nextafter_gradients_against_finite_differences() -> None:
    """First and second order of ``nextafter(x, y) * x`` in float64."""
    rng = np.random.default_rng(12)
    x = mg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    y = mg.tensor(rng.standard_normal((3, 4)), requires_grad=True)

    def f(x: Any, y: Any) -> Any:
        return mg.nextafter(x, y) * x

    assert mg.autograd.gradcheck(f, (x, y))
    assert mg.autograd.gradgradcheck(f, (x, y))
