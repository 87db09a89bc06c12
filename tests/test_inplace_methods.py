"""The in-place forms of the elementwise methods (``exp_``, ``atan2_``, ``eq_``...) and the
in-place idioms of hand-written optimizers and attention (``addcmul_``, ``masked_fill_``...):
values, version, self returned, the leaf refusal and gradients, each against PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
SHAPE = (3, 4)
# Inputs kept inside every op's domain and away from kinks and integer steps.
DOMAINS = {
    "unit": lambda: RNG.uniform(0.1, 0.9, SHAPE),
    "signed": lambda: RNG.choice([-1.0, 1.0], SHAPE) * RNG.uniform(0.2, 1.8, SHAPE),
    "above1": lambda: RNG.uniform(1.2, 3.0, SHAPE),
}
OTHER = RNG.uniform(0.3, 0.8, SHAPE)
MASK = RNG.uniform(size=SHAPE) > 0.5
INDEX = np.array([0, 2])
SOURCE = RNG.uniform(-1.0, 1.0, (2, 4))
SCATTER_INDEX = np.array([[0, 2, 1, 0]])

# (method, positional arguments, keyword arguments, input domain). Arrays in the arguments
# become tensors (float64 except masks and indices) of minigrad's or PyTorch's.
CASES: list[tuple[str, tuple[Any, ...], dict[str, Any], str]] = [
    ("abs_", (), {}, "signed"),
    ("absolute_", (), {}, "signed"),
    ("neg_", (), {}, "signed"),
    ("negative_", (), {}, "signed"),
    ("exp_", (), {}, "signed"),
    ("exp2_", (), {}, "signed"),
    ("expm1_", (), {}, "signed"),
    ("log_", (), {}, "unit"),
    ("log2_", (), {}, "unit"),
    ("log10_", (), {}, "unit"),
    ("log1p_", (), {}, "unit"),
    ("sqrt_", (), {}, "unit"),
    ("rsqrt_", (), {}, "unit"),
    ("square_", (), {}, "signed"),
    ("sin_", (), {}, "signed"),
    ("cos_", (), {}, "signed"),
    ("tan_", (), {}, "unit"),
    ("asin_", (), {}, "unit"),
    ("arcsin_", (), {}, "unit"),
    ("acos_", (), {}, "unit"),
    ("arccos_", (), {}, "unit"),
    ("atan_", (), {}, "signed"),
    ("arctan_", (), {}, "signed"),
    ("sinh_", (), {}, "signed"),
    ("cosh_", (), {}, "signed"),
    ("asinh_", (), {}, "signed"),
    ("arcsinh_", (), {}, "signed"),
    ("acosh_", (), {}, "above1"),
    ("arccosh_", (), {}, "above1"),
    ("atanh_", (), {}, "unit"),
    ("arctanh_", (), {}, "unit"),
    ("tanh_", (), {}, "signed"),
    ("sigmoid_", (), {}, "signed"),
    ("relu_", (), {}, "signed"),
    ("erf_", (), {}, "signed"),
    ("erfinv_", (), {}, "unit"),
    ("logit_", (), {}, "unit"),
    ("logit_", (0.2,), {}, "unit"),
    ("sinc_", (), {}, "signed"),
    ("reciprocal_", (), {}, "signed"),
    ("round_", (), {}, "signed"),
    ("round_", (), {"decimals": 1}, "signed"),
    ("floor_", (), {}, "signed"),
    ("ceil_", (), {}, "signed"),
    ("trunc_", (), {}, "signed"),
    ("fix_", (), {}, "signed"),
    ("frac_", (), {}, "signed"),
    ("sign_", (), {}, "signed"),
    ("sgn_", (), {}, "signed"),
    ("nan_to_num_", (), {"nan": 1.0}, "signed"),
    ("clamp_min_", (0.5,), {}, "unit"),
    ("clamp_max_", (0.5,), {}, "unit"),
    ("cumsum_", (1,), {}, "signed"),
    ("atan2_", (OTHER,), {}, "signed"),
    ("arctan2_", (OTHER,), {}, "signed"),
    ("hypot_", (OTHER,), {}, "signed"),
    ("xlogy_", (OTHER,), {}, "signed"),
    ("lerp_", (OTHER, 0.3), {}, "signed"),
    ("lerp_", (OTHER, OTHER), {}, "signed"),
    ("multiply_", (OTHER,), {}, "signed"),
    ("divide_", (OTHER,), {}, "signed"),
    ("true_divide_", (OTHER,), {}, "signed"),
    ("subtract_", (OTHER,), {"alpha": 2}, "signed"),
    ("logical_and_", (MASK,), {}, "signed"),
    ("logical_or_", (MASK,), {}, "signed"),
    ("logical_xor_", (MASK,), {}, "signed"),
    ("logical_not_", (), {}, "signed"),
    ("eq_", (OTHER,), {}, "unit"),
    ("ne_", (OTHER,), {}, "unit"),
    ("lt_", (OTHER,), {}, "unit"),
    ("le_", (0.5,), {}, "unit"),
    ("gt_", (OTHER,), {}, "unit"),
    ("ge_", (0.5,), {}, "unit"),
]
NAMES = [f"{name}{'-' + str(i) if i else ''}" for i, (name, *_) in enumerate(CASES)]


def _args(args: tuple[Any, ...], kwargs: dict[str, Any], lib: Any) -> tuple[Any, Any]:
    """The arguments as ``lib``'s tensors (minigrad or torch)."""

    def conv(a: Any) -> Any:
        if not isinstance(a, np.ndarray):
            return a
        return lib.tensor(a) if a.dtype != np.float64 else lib.tensor(a, dtype=lib.float64)

    return tuple(conv(a) for a in args), {k: conv(v) for k, v in kwargs.items()}


def _torch_run(name: str, x: np.ndarray, args: Any, kwargs: Any) -> Any:
    targs, tkwargs = _args(args, kwargs, torch)
    return getattr(torch.tensor(x), name)(*targs, **tkwargs)


@pytest.mark.parametrize(("name", "args", "kwargs", "domain"), CASES, ids=NAMES)
def test_values_match_out_of_place_and_torch(name: str, args: Any, kwargs: Any, domain: str):
    x = DOMAINS[domain]()
    margs, mkwargs = _args(args, kwargs, mg)
    t = mg.tensor(x, dtype=mg.float64)
    version = t._version
    out = getattr(t, name)(*margs, **mkwargs)
    assert out is t
    assert t._version > version
    assert t.dtype == mg.float64
    expected = getattr(mg.tensor(x, dtype=mg.float64), name[:-1])(*margs, **mkwargs)
    np.testing.assert_allclose(t.numpy(), expected.numpy().astype(np.float64), rtol=1e-12)
    np.testing.assert_allclose(t.numpy(), _torch_run(name, x, args, kwargs).numpy(), rtol=1e-10)


@pytest.mark.parametrize(("name", "args", "kwargs", "domain"), CASES, ids=NAMES)
def test_a_leaf_that_requires_grad_is_refused(name: str, args: Any, kwargs: Any, domain: str):
    x = mg.tensor(DOMAINS[domain](), requires_grad=True)
    margs, mkwargs = _args(args, kwargs, mg)
    before = x.detach().numpy().copy()
    with pytest.raises(RuntimeError, match=r"^a leaf Variable that requires grad is being used"):
        getattr(x, name)(*margs, **mkwargs)
    np.testing.assert_array_equal(x.detach().numpy(), before)
    with mg.no_grad():  # allowed there, as in PyTorch
        assert getattr(x, name)(*margs, **mkwargs) is x


# No derivative: the logical ops leave the tensor's node in place (PyTorch lets the gradient pass
# through it unchanged; minigrad's ops saved their output, so backward refuses, as documented).
KEEP_THEIR_NODE = {"logical_and_", "logical_or_", "logical_xor_", "logical_not_"}


@pytest.mark.parametrize(("name", "args", "kwargs", "domain"), CASES, ids=NAMES)
def test_gradient_through_a_non_leaf_matches_torch(name: str, args: Any, kwargs: Any, domain: str):
    x, w = DOMAINS[domain](), RNG.normal(size=SHAPE)
    targs, tkwargs = _args(args, kwargs, torch)
    tx = torch.tensor(x, requires_grad=True)
    ty = tx * 1
    getattr(ty, name)(*targs, **tkwargs)
    torch_error = None
    try:
        (ty * torch.tensor(w)).sum().backward()
    except NotImplementedError as e:  # asinh_, acosh_, atanh_
        torch_error = str(e)
    margs, mkwargs = _args(args, kwargs, mg)
    mx = mg.tensor(x, dtype=mg.float64, requires_grad=True)
    y = mx * 1
    node = y.grad_fn
    getattr(y, name)(*margs, **mkwargs)
    loss = (y * mg.tensor(w)).sum()
    if name in KEEP_THEIR_NODE:
        assert y.grad_fn is node and ty.grad_fn.name() == "MulBackward0"
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            loss.backward()
        return
    assert y.grad_fn is not node  # the in-place op is recorded on top of the old node
    if torch_error is not None:
        with pytest.raises(NotImplementedError) as info:
            loss.backward()
        assert str(info.value) == torch_error
        return
    loss.backward()
    expected = tx.grad.numpy(force=True)  # (sgn_ gives PyTorch's ZeroTensor)
    np.testing.assert_allclose(mx.grad.numpy(), expected, rtol=1e-10, atol=1e-12)


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("exp_", ()),
        ("sqrt_", ()),
        ("sigmoid_", ()),
        ("atan2_", (np.array([1, 1]),)),
        ("true_divide_", (2,)),
    ],
)
def test_a_float_result_is_refused_by_an_integer_tensor(name: str, args: Any):
    message = "result type Float can't be cast to the desired output type Long"
    with pytest.raises(RuntimeError, match=f"^{message}$"):
        getattr(torch.tensor([1, 2]), name)(*_args(args, {}, torch)[0])
    i = mg.tensor([1, 2])
    with pytest.raises(RuntimeError, match=f"^{message}$"):
        getattr(i, name)(*_args(args, {}, mg)[0])
    assert i.tolist() == [1, 2] and i._version == 0


def test_comparisons_and_logic_are_cast_to_self_dtype():
    i = mg.tensor([1, 2, 3])
    assert i.eq_(2) is i and i.dtype == mg.int64 and i.tolist() == [0, 1, 0]
    f = mg.tensor([1.0, 0.0])
    assert f.logical_not_().dtype == mg.float32 and f.tolist() == [0.0, 1.0]
    assert torch.tensor([1.0, 0.0]).logical_not_().tolist() == [0.0, 1.0]
    b = mg.tensor([True, False])
    assert b.bitwise_not_().tolist() == [False, True]
    with pytest.raises(
        NotImplementedError, match="\"bitwise_not_cpu\" not implemented for 'Float'"
    ):
        mg.ones(2).bitwise_not_()


def test_a_saved_tensor_changed_in_place_fails_backward():
    x = mg.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()  # saves its output
    z = y * 2
    with mg.no_grad():
        y.sqrt_()
    with pytest.raises(RuntimeError, match=r"^one of the variables needed for gradient computa"):
        z.sum().backward()
    tx = torch.tensor([0.5, 1.0], requires_grad=True)
    ty = tx.exp()
    with torch.no_grad():
        ty.sqrt_()
    with pytest.raises(RuntimeError, match=r"^one of the variables needed for gradient computa"):
        ty.sum().backward()


def test_writing_into_an_expanded_view_is_refused():
    message = "unsupported operation: more than one element of the written-to tensor"
    with pytest.raises(RuntimeError, match=message):
        torch.ones(2).expand(3, 2).exp_()
    e = mg.ones(2).expand(3, 2)
    with pytest.raises(RuntimeError, match=message):
        e.exp_()
    assert e.tolist() == [[1.0, 1.0]] * 3


def test_a_view_writes_into_its_base():
    x = mg.zeros(2, 3)
    x.t()[1].exp_()
    assert x.tolist() == [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]
    assert x._version == 1


def test_gradcheck_through_in_place_ops_on_a_non_leaf():
    x = mg.tensor(RNG.uniform(0.2, 0.8, (3, 4)), dtype=mg.float64, requires_grad=True)
    o = mg.tensor(RNG.uniform(0.2, 0.8, (3, 4)), dtype=mg.float64, requires_grad=True)

    def chain(x: Any, o: Any) -> Any:
        y = (x * 1).exp_()
        y.sigmoid_().atan2_(o).hypot_(o)
        return y.lerp_(o, 0.3).square_().log1p_()

    def through_a_view(x: Any, o: Any) -> Any:
        y = x * 1
        y.t()[0].sin_()  # a view of a non-contiguous view
        y.t()[1].mul_(o[:, 1]).tanh_()
        return y.cumsum_(1)

    for f in (chain, through_a_view):
        assert mg.gradcheck(f, (x, o))
        assert mg.gradgradcheck(f, (x, o))


def test_absolute_and_lerp_out_of_place():
    x = mg.tensor([-1.5, 2.0], requires_grad=True)
    assert x.absolute().tolist() == [1.5, 2.0]
    e, w = mg.tensor([1.0, 0.0], requires_grad=True), mg.tensor([0.25, 0.5], requires_grad=True)
    x.lerp(e, w).sum().backward()
    assert x.grad.tolist() == [0.75, 0.5] and e.grad.tolist() == [0.25, 0.5]
    assert w.grad.tolist() == [2.5, -2.0]
    message = "^expected dtype float for `end` but got dtype double$"
    with pytest.raises(RuntimeError, match=message):
        mg.ones(2).lerp(mg.ones(2, dtype=mg.float64), 0.5)
    with pytest.raises(
        NotImplementedError, match="\"lerp_kernel_scalar\" not implemented for 'Long'"
    ):
        mg.tensor([1]).lerp(mg.tensor([2]), 0.5)
    with pytest.raises(TypeError, match="argument 'end' must be Tensor, not float"):
        mg.ones(2).lerp(2.0, 0.5)
