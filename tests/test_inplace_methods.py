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
SOURCE2 = RNG.uniform(0.5, 1.5, SHAPE)
SOURCE3 = RNG.uniform(-1.0, 1.0, (3, 4))

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
    ("addcmul_", (OTHER, SOURCE2), {}, "signed"),
    ("addcmul_", (OTHER, SOURCE2), {"value": 0.5}, "signed"),
    ("addcdiv_", (OTHER, SOURCE2), {"value": -2}, "signed"),
    ("masked_fill_", (MASK, 0.5), {}, "signed"),
    ("tril_", (), {}, "signed"),
    ("triu_", (1,), {}, "signed"),
    ("fill_diagonal_", (3.0,), {}, "signed"),
    ("scatter_add_", (0, SCATTER_INDEX, SOURCE[:1]), {}, "signed"),
    ("index_fill_", (1, INDEX, -1.0), {}, "signed"),
    ("index_add_", (0, INDEX, SOURCE), {}, "signed"),
    ("index_add_", (0, np.array([2, 0, 2]), SOURCE3), {"alpha": 2}, "signed"),
    ("index_copy_", (0, INDEX, SOURCE), {}, "signed"),
]
# PyTorch has no out-of-place fill_diagonal.
OUT_OF_PLACE = {name: name[:-1] for name, *_ in CASES} | {"fill_diagonal_": None}
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
    if OUT_OF_PLACE[name] is not None:
        out_of_place = getattr(mg.tensor(x, dtype=mg.float64), OUT_OF_PLACE[name])
        expected = out_of_place(*margs, **mkwargs).numpy().astype(np.float64)
        np.testing.assert_allclose(t.numpy(), expected, rtol=1e-12)
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

    def reshaped(x: Any, o: Any) -> Any:
        y = x * o
        y.t_()
        return y.unsqueeze_(0).exp_().squeeze_().transpose_(0, 1).mul_(o)

    for f in (chain, through_a_view, reshaped):
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


# -- the idioms: errors, other operands, detach_ --------------------------------------------------


def _same_error(call: Any) -> None:
    """``call(lib)`` raises the same error with minigrad as with PyTorch (minigrad's message may
    go on after PyTorch's words)."""
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(type(expected.value)) as got:
        call(mg)
    assert str(got.value).startswith(str(expected.value))


MISUSES = {
    "index_add_ count": lambda L: L.ones(3, 4).index_add_(0, L.tensor([0, 2]), L.ones(3, 4)),
    "index_add_ shape": lambda L: L.ones(3, 4).index_add_(0, L.tensor([0, 2]), L.ones(2, 3)),
    "index_add_ bounds": lambda L: L.ones(3, 4).index_add_(0, L.tensor([0, 5]), L.ones(2, 4)),
    "index_add_ negative": lambda L: L.ones(3, 4).index_add_(0, L.tensor([-1]), L.ones(1, 4)),
    "index_add_ index dtype": lambda L: L.ones(3, 4).index_add_(
        0, L.tensor([0.0, 1.0]), L.ones(2, 4)
    ),
    "index_add_ index dims": lambda L: L.ones(3, 4).index_add_(0, L.tensor([[0, 2]]), L.ones(2, 4)),
    "index_add_ dtype": lambda L: L.ones(3, 4).index_add_(
        0, L.tensor([0, 2]), L.ones(2, 4, dtype=L.float64)
    ),
    "index_add_ dtype before shape": lambda L: L.ones(3, 4).index_add_(
        0, L.tensor([0, 2]), L.ones(2, 3, dtype=L.float64)
    ),
    "index_copy_ dtype before shape": lambda L: L.ones(3, 4).index_copy_(
        0, L.tensor([0, 2]), L.ones(3, 4, dtype=L.float64)
    ),
    "index_copy_ index dtype before shape": lambda L: L.ones(3, 4).index_copy_(
        0, L.tensor([0.0, 2.0]), L.ones(2, 3)
    ),
    "index_add_ source": lambda L: L.ones(3, 4).index_add_(0, L.tensor([0, 2]), [1.0]),
    "index_copy_ count": lambda L: L.ones(3, 4).index_copy_(0, L.tensor([0, 2]), L.ones(3, 4)),
    "index_copy_ shape": lambda L: L.ones(2, 3, 4).index_copy_(
        1, L.tensor([0, 2]), L.ones(2, 2, 5)
    ),
    "index_copy_ bounds": lambda L: L.ones(3, 4).index_copy_(0, L.tensor([0, 5]), L.ones(2, 4)),
    "index_copy_ index dtype": lambda L: L.ones(3, 4).index_copy_(
        0, L.tensor([0.0, 1.0]), L.ones(2, 4)
    ),
    "index_copy_ index dims": lambda L: L.ones(3, 4).index_copy_(
        0, L.tensor([[0, 2]]), L.ones(2, 4)
    ),
    "index_copy_ dtype": lambda L: L.ones(3, 4).index_copy_(
        0, L.tensor([0, 2]), L.ones(2, 4, dtype=L.float64)
    ),
    "index_fill_ bounds": lambda L: L.ones(3, 4).index_fill_(0, L.tensor([0, 5]), 1.0),
    "index_fill_ index dtype": lambda L: L.ones(3, 4).index_fill_(0, L.tensor([0.0]), 1.0),
    "index_fill_ index dims": lambda L: L.ones(3, 4).index_fill_(1, L.tensor([[0, 2]]), 1.0),
    "index_fill_ value": lambda L: L.ones(3, 4).index_fill_(0, L.tensor([0]), L.tensor([1.0, 2.0])),
    "index_fill_ dim": lambda L: L.ones(3, 4).index_fill_(2, L.tensor([0]), 1.0),
    "masked_fill_ mask dtype": lambda L: L.ones(2).masked_fill_(L.tensor([1, 0]), 3.0),
    "masked_fill_ value": lambda L: L.ones(2).masked_fill_(
        L.tensor([True, False]), L.tensor([1.0, 2.0])
    ),
    "masked_fill_ shape": lambda L: L.ones(3, 4).masked_fill_(L.ones(2, 3, 4, dtype=L.bool), 1.0),
    "fill_diagonal_ 1-d": lambda L: L.ones(3).fill_diagonal_(2.0),
    "fill_diagonal_ unequal": lambda L: L.ones(2, 3, 4).fill_diagonal_(2.0),
    "tril_ 1-d": lambda L: L.ones(3).tril_(),
    "addcmul_ cast": lambda L: L.ones(3, dtype=L.int64).addcmul_(L.ones(3), L.ones(3)),
    "addcmul_ shape": lambda L: L.ones(2).addcmul_(L.ones(3, 2), L.ones(2)),
    "addcdiv_ integers": lambda L: L.ones(2).addcdiv_(L.tensor([1, 2]), L.tensor([1, 2])),
    "detach_ a view": lambda L: L.ones(3)[0].detach_(),
    "lerp_ shape": lambda L: L.ones(2).lerp_(L.ones(3, 2), 0.5),
}


@pytest.mark.parametrize("misuse", MISUSES)
def test_misuses_raise_torch_errors(misuse: str):
    _same_error(MISUSES[misuse])


def test_integers_take_a_filled_value_as_torch():
    for lib in (mg, torch):
        i = lib.ones(3, dtype=lib.int64)
        assert i.masked_fill_(lib.tensor([True, False, True]), 2.5).tolist() == [2, 1, 2]
        assert i.index_fill_(0, lib.tensor([1]), 7.9).tolist() == [2, 7, 2]
        assert lib.ones(3, 3, dtype=lib.int64).fill_diagonal_(1.5).trace().item() == 3


def test_fill_diagonal_of_a_tall_matrix_wraps_as_torch():
    for wrap in (False, True):
        got = mg.zeros(7, 3).fill_diagonal_(2.0, wrap=wrap)
        expected = torch.zeros(7, 3).fill_diagonal_(2.0, wrap=wrap)
        assert got.tolist() == expected.tolist()
    assert mg.zeros(3, 3, 3).fill_diagonal_(1.0).sum().item() == 3


def _idiom_grads(lib: Any, name: str) -> list[Any]:
    """Gradients of self and the other operands through one idiom, in ``lib``."""
    rng = np.random.default_rng(1)  # the same numbers for both libraries
    f64 = {"dtype": lib.float64, "requires_grad": True}
    x, a, b = (lib.tensor(rng.uniform(0.5, 1.5, SHAPE), **f64) for _ in range(3))
    src = lib.tensor(rng.uniform(-1, 1, (3, 2)), **f64)
    value = lib.tensor(0.7, **f64)
    y = x * 1
    idx = lib.tensor([3, 1])
    inputs = {
        "addcmul_": (lambda: y.addcmul_(a, b, value=0.5), [x, a, b]),
        "addcdiv_": (lambda: y.addcdiv_(a, b, value=-2.0), [x, a, b]),
        "lerp_": (lambda: y.lerp_(a, b), [x, a, b]),
        "index_add_": (lambda: y.index_add_(1, idx, src, alpha=3.0), [x, src]),
        "index_copy_": (lambda: y.index_copy_(1, idx, src), [x, src]),
        "index_fill_": (lambda: y.index_fill_(1, idx, value), [x, value]),
        "masked_fill_": (lambda: y.masked_fill_(lib.tensor(MASK), value), [x, value]),
        "hypot_": (lambda: y.hypot_(a), [x, a]),
    }
    run, leaves = inputs[name]
    assert run() is y
    (y * lib.tensor(rng.normal(size=SHAPE))).sum().backward()
    return [leaf.grad.detach().numpy().copy() for leaf in leaves]


IDIOMS = ["addcmul_", "addcdiv_", "lerp_", "index_add_", "index_copy_", "index_fill_"]


@pytest.mark.parametrize("name", [*IDIOMS, "masked_fill_", "hypot_"])
def test_gradients_reach_the_other_operands_as_in_torch(name: str):
    got, expected = _idiom_grads(mg, name), _idiom_grads(torch, name)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


def test_a_buffer_that_needs_no_grad_takes_the_gradient_of_what_is_written():
    src = mg.tensor([[1.0, 2.0]], requires_grad=True)
    buf = mg.zeros(3, 2)
    buf.index_copy_(0, mg.tensor([1]), src)
    assert buf.requires_grad and not buf.is_leaf
    (buf * mg.tensor([[1.0, 1.0], [3.0, 4.0], [1.0, 1.0]])).sum().backward()
    assert src.grad.tolist() == [[3.0, 4.0]]


def test_detach_():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert y.detach_() is y
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf
    assert x.detach_() is x and not x.requires_grad  # a leaf too, as PyTorch
    assert y.tolist() == [2.0, 4.0]


def test_out_of_place_forms():
    x = mg.tensor(RNG.uniform(size=SHAPE), requires_grad=True)
    tx = torch.tensor(x.detach().numpy(), requires_grad=True)
    idx, src = np.array([2, 0]), RNG.uniform(size=(3, 2))
    column, row = RNG.uniform(size=(3, 1)), RNG.uniform(1, 2, size=(1, 4))
    for name, args in [
        ("index_add", (1, idx, src)),
        ("index_copy", (1, idx, src)),
        ("index_fill", (1, idx, -1.0)),
        ("addcmul", (column, row)),
        ("addcdiv", (column, row)),
    ]:
        margs, _ = _args(args, {}, mg)
        targs, _ = _args(args, {}, torch)
        got, expected = getattr(x, name)(*margs), getattr(tx, name)(*targs)
        assert got.requires_grad and x.grad is None
        np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-6)
    for lib, t in ((mg, x), (torch, tx)):
        a, b = lib.tensor(column), lib.tensor(row)
        np.testing.assert_allclose(
            lib.addcdiv(t, a, b, value=2).detach().numpy(),
            (t + 2 * a / b).detach().numpy(),
            rtol=1e-6,
        )
        np.testing.assert_allclose(
            lib.addcmul(t, a, b).detach().numpy(), (t + a * b).detach().numpy(), rtol=1e-6
        )
        np.testing.assert_allclose(
            lib.lerp(t, t * 2, 0.25).detach().numpy(), (t * 1.25).detach().numpy(), rtol=1e-6
        )


# -- random fills ------------------------------------------------------------------------------

N = 40_000
FILLS: list[tuple[str, tuple[Any, ...], Any, Any]] = [
    # (method, arguments, expected mean, support check)
    ("exponential_", (2.0,), 0.5, lambda v: (v >= 0).all()),
    ("bernoulli_", (0.3,), 0.3, lambda v: np.isin(v, [0, 1]).all()),
    ("random_", (3, 7), 4.5, lambda v: np.isin(v, [3, 4, 5, 6]).all()),
    ("random_", (4,), 1.5, lambda v: np.isin(v, [0, 1, 2, 3]).all()),
    ("log_normal_", (0.5, 0.25), np.exp(0.5 + 0.25**2 / 2), lambda v: (v > 0).all()),
    ("geometric_", (0.25,), 4.0, lambda v: (v >= 1).all() and (v == np.round(v)).all()),
]


@pytest.mark.parametrize(("name", "args", "mean", "support"), FILLS)
def test_random_fills(name: str, args: Any, mean: float, support: Any):
    t = mg.zeros(N, dtype=mg.float64)
    assert getattr(t, name)(*args) is t and t._version == 1 and t.dtype == mg.float64
    v = t.numpy()
    assert support(v)
    assert abs(v.mean() - mean) < 0.05 * mean
    tv = getattr(torch.zeros(N, dtype=torch.float64), name)(*args).numpy()
    assert support(tv) and abs(tv.mean() - mean) < 0.05 * mean  # the same distribution
    a = getattr(mg.zeros(5), name)(*args, generator=mg.Generator().manual_seed(3))
    b = getattr(mg.zeros(5), name)(*args, generator=mg.Generator().manual_seed(3))
    assert a.tolist() == b.tolist()


def test_cauchy_median_and_scale():
    v = mg.zeros(N, dtype=mg.float64).cauchy_(2.0, 0.5).numpy()
    assert abs(np.median(v) - 2.0) < 0.05
    assert abs(np.median(np.abs(v - 2.0)) - 0.5) < 0.05  # half the mass within one scale


def test_random_without_arguments_covers_the_dtype():
    assert 2**16 < mg.zeros(1000).random_().numpy().max() <= 2**24
    assert mg.zeros(1000, dtype=mg.int32).random_().numpy().max() > 2**24
    assert set(mg.zeros(100, dtype=mg.bool).random_().tolist()) == {False, True}


@pytest.mark.parametrize(("name", "args"), [(n, a) for n, a, *_ in FILLS] + [("cauchy_", ())])
def test_random_fills_follow_the_in_place_rules(name: str, args: Any):
    x = mg.ones(4, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^a leaf Variable that requires grad"):
        getattr(x, name)(*args)
    y = x * 2
    assert getattr(y, name)(*args) is y and y.grad_fn is not None
    y.sum().backward()  # the values no longer depend on x: gradient 0, as PyTorch's
    assert x.grad.tolist() == [0.0] * 4


RANDOM_MISUSES = {
    "exponential_ lambda": lambda L: L.ones(2).exponential_(0.0),
    "exponential_ negative": lambda L: L.ones(2).exponential_(-1.5),
    "exponential_ integers": lambda L: L.ones(2, dtype=L.int64).exponential_(),
    "bernoulli_ p": lambda L: L.ones(2).bernoulli_(1.5),
    "bernoulli_ p tensor": lambda L: L.ones(2).bernoulli_(L.tensor([0.5, 2.0])),
    "random_ range": lambda L: L.ones(2).random_(5, 2),
    "log_normal_ std": lambda L: L.ones(2).log_normal_(1.0, 0.0),
    "log_normal_ integers": lambda L: L.ones(2, dtype=L.int64).log_normal_(),
    "cauchy_ sigma": lambda L: L.ones(2).cauchy_(0.0, -1.0),
    "cauchy_ integers": lambda L: L.ones(2, dtype=L.int64).cauchy_(),
    "geometric_ p 0": lambda L: L.ones(2).geometric_(0),
    "geometric_ p 1.5": lambda L: L.ones(2).geometric_(1.5),
}


@pytest.mark.parametrize("misuse", RANDOM_MISUSES)
def test_random_misuses_raise_torch_errors(misuse: str):
    _same_error(RANDOM_MISUSES[misuse])


# -- shape changes in place --------------------------------------------------------------------

RESHAPES = [
    ("t_", (), (2, 3)),
    ("transpose_", (0, 2), (2, 3, 4)),
    ("transpose_", (-1, 0), (2, 3)),
    ("squeeze_", (), (2, 1, 3, 1)),
    ("squeeze_", (1,), (2, 1, 3, 1)),
    ("unsqueeze_", (0,), (2, 3)),
    ("unsqueeze_", (-1,), (2, 3)),
]


@pytest.mark.parametrize(("name", "args", "shape"), RESHAPES)
def test_a_shape_change_in_place_matches_torch(name: str, args: Any, shape: Any):
    x = RNG.normal(size=shape)
    memory = x.copy()
    t = mg.from_numpy(memory)
    assert getattr(t, name)(*args) is t
    expected = getattr(torch.tensor(x), name)(*args)
    assert tuple(t.shape) == tuple(expected.shape)
    np.testing.assert_array_equal(t.numpy(), expected.numpy())
    assert np.shares_memory(t.numpy(), memory)  # the same memory, seen another way
    t.mul_(2)  # and writes reach it
    np.testing.assert_array_equal(memory, x * 2)


@pytest.mark.parametrize(("name", "args", "shape"), RESHAPES)
def test_a_shape_change_of_a_non_leaf_is_recorded(name: str, args: Any, shape: Any):
    x, w = RNG.normal(size=shape), RNG.normal(size=shape)
    grads = []
    for lib in (mg, torch):
        leaf = lib.tensor(x, requires_grad=True)
        with pytest.raises(RuntimeError, match=r"^a leaf Variable that requires grad"):
            getattr(leaf, name)(*args)
        y = leaf * lib.tensor(w)
        getattr(y, name)(*args)
        (y * lib.tensor(np.arange(y.numel()).reshape(tuple(y.shape)))).sum().backward()
        grads.append(leaf.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])


def test_a_shape_change_with_live_views_is_refused():
    x = mg.zeros(2, 3)
    v = x[0]
    with pytest.raises(RuntimeError, match=r"^t_\(\): this tensor has live views"):
        x.t_()
    assert x.shape == (2, 3) and v.shape == (3,)
    with pytest.raises(RuntimeError, match=r"^unsqueeze_\(\): this tensor is a view"):
        v.unsqueeze_(0)
    d = x.detach()
    with pytest.raises(RuntimeError, match=r"^squeeze_\(\): this tensor has live views"):
        x.squeeze_()
    del v, d
    assert x.t_().shape == (3, 2)  # nothing else sees it now


def test_shape_changes_refuse_what_torch_refuses():
    _same_error(lambda L: L.ones(2, 3, 4).t_())
    _same_error(lambda L: L.ones(2, 3).transpose_(0, 5))
    _same_error(lambda L: L.ones(2, 3).unsqueeze_(5))
