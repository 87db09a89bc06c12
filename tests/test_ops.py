"""Every op of the table in op_specs.py: forward against NumPy, first and second derivatives
against finite differences (float64), broadcasting, non-contiguous inputs, dtypes, and
generated shapes and axes."""

from __future__ import annotations

import math
import warnings
import zlib
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_specs import (
    AXIS,
    BROADCAST,
    BROADCAST_PAIRS,
    BY_NAME,
    ELEMENTWISE,
    OP_CLASSES,
    ROWS_OF_OP,
    SPECS,
    OpSpec,
    Shape,
)
from strategies import _reduced_count, axes, broadcast_pairs, reduction_cases, seeds, shapes

import minigrad as mg
from minigrad import Tensor


def _rng(name: str, salt: int = 0) -> np.random.Generator:
    """A generator fixed per test row, so a failure reproduces."""
    return np.random.default_rng(zlib.crc32(name.encode()) + salt)


def _leaves(arrays: list[np.ndarray]) -> list[Tensor]:
    return [mg.as_tensor(a).requires_grad_() for a in arrays]


def grad_of(t: Tensor) -> np.ndarray:
    assert t.grad is not None, "no gradient reached this tensor"
    return t.grad.numpy()


def _expected_dtype(spec: OpSpec, default: str) -> np.dtype:
    return np.dtype(spec.out_dtype or default)


def _check_forward(spec: OpSpec, arrays: list[np.ndarray], **kw: Any) -> Tensor:
    out = spec(*_leaves(arrays), **kw)
    expected = spec.expected(*arrays, **kw)
    assert out.shape == expected.shape
    assert out.dtype == _expected_dtype(spec, "float64")
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-10, atol=1e-12)
    assert out.requires_grad, f"{spec.name}: the output is cut from the graph"
    return out


def _gradcheck(spec: OpSpec, arrays: list[np.ndarray], **kw: Any) -> None:
    leaves = _leaves(arrays)
    assert mg.gradcheck(lambda *xs: spec(*xs, **kw), leaves, **spec.check)


# ---------------------------------------------------------------------------------------------
# The table, row by row

by_row = pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)


@by_row
def test_forward_matches_numpy(spec: OpSpec) -> None:
    _check_forward(spec, spec.arrays(_rng(spec.name)))


@by_row
def test_gradcheck(spec: OpSpec) -> None:
    _gradcheck(spec, spec.arrays(_rng(spec.name)))


def check_gradgrad(spec: OpSpec, arrays: list[np.ndarray]) -> dict[str, int]:
    """gradgradcheck with respect to the inputs and the (non-uniform) grad_outputs."""
    stats: dict[str, int] = {}
    gos = [_rng(spec.name, 7).uniform(0.5, 1.5, spec(*_leaves(arrays)).shape)]
    assert mg.gradgradcheck(
        spec, _leaves(arrays), [mg.from_numpy(g) for g in gos], stats=stats, **spec.check
    )
    return stats


def check_both_paths(spec: OpSpec, arrays: list[np.ndarray]) -> None:
    """The rule on Tensors (create_graph) gives exactly the gradient it gives on arrays."""
    leaves = _leaves(arrays)
    out = spec(*leaves)
    go = mg.from_numpy(_rng(spec.name, 8).uniform(0.5, 1.5, out.shape))
    plain = mg.grad(out, leaves, go, retain_graph=True, allow_unused=True)
    recorded = mg.grad(out, leaves, go, create_graph=True, allow_unused=True)
    for i, (a, b) in enumerate(zip(plain, recorded)):
        assert (a is None) == (b is None), f"{spec.name}: input {i} gets a gradient on one path"
        if a is not None and b is not None:
            assert a.dtype == b.dtype and a.shape == b.shape
            msg = f"{spec.name}: create_graph changes input {i}'s gradient"
            if spec.paths_rtol:
                np.testing.assert_allclose(
                    b.detach().numpy(), a.detach().numpy(), rtol=spec.paths_rtol, err_msg=msg
                )
            else:
                np.testing.assert_array_equal(b.detach().numpy(), a.detach().numpy(), err_msg=msg)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.gradgrad], ids=lambda s: s.name)
def test_gradgradcheck(spec: OpSpec) -> None:
    stats = check_gradgrad(spec, spec.arrays(_rng(spec.name)))
    assert stats["zero"] < stats["compared"], f"{spec.name}: every comparison is 0 == 0"
    # Each input's first-order gradient depends on the grad_outputs: never an all-zero block.
    assert stats["zero_blocks"] < stats["blocks"], f"{spec.name}: all blocks are 0 == 0"


@by_row
def test_tensor_path_matches_array_path(spec: OpSpec) -> None:
    check_both_paths(spec, spec.arrays(_rng(spec.name)))


def test_every_op_class_has_a_row() -> None:
    """Every Op subclass in the package (found by walking the classes) is recorded by some row."""
    missing = sorted(c.__name__ for c in OP_CLASSES if not ROWS_OF_OP.get(c))
    assert not missing, f"ops with no row in tests/op_specs.py: {missing}"


def test_every_op_has_a_row() -> None:
    """Each public differentiable op names at least one row (exactly, or as its first word)."""
    ops = """neg add sub mul div pow rpow rsub rdiv exp log sqrt abs sin cos tanh sigmoid relu
    maximum minimum clip clamp sum mean max min var logsumexp softmax log_softmax reshape view
    flatten transpose permute T squeeze unsqueeze expand broadcast_to index cat concatenate
    stack where matmul astype float double to amax amin std prod cumsum einsum gather scatter_add
    masked_fill index_select sort topk log1p expm1 log2 log10 exp2 square rsqrt repeat clone t
    round floor ceil trunc fix frac sign sgn negative reciprocal nan_to_num remainder fmod
    flip fliplr flipud roll diagonal diag diag_embed trace tile repeat_interleave unbind narrow
    movedim moveaxis swapaxes swapdims mT mH unflatten take_along_dim masked_select outer ger
    dot mm bmm addmm hstack vstack column_stack dstack concat broadcast_tensors meshgrid
    tan asin acos atan sinh cosh asinh acosh atanh erf erfinv sinc logit atan2 hypot xlogy logaddexp
    clamp_min clamp_max lgamma digamma polygamma mvlgamma
    erfc erfcx ndtr log_ndtr ndtri i0 i0e i1 i1e
    median nanmedian kthvalue mode aminmax nansum nanmean
    """.split()
    for op in ops:
        assert any(n == op or n.startswith(op + "_") for n in BY_NAME), op


# ---------------------------------------------------------------------------------------------
# Broadcasting


@pytest.mark.parametrize("pair", BROADCAST_PAIRS, ids=str)
@pytest.mark.parametrize("spec", BROADCAST, ids=lambda s: s.name)
def test_broadcasting_pairs(spec: OpSpec, pair: tuple[Shape, Shape]) -> None:
    arrays = spec.arrays(_rng(spec.name, 1), pair)
    out = _check_forward(spec, arrays)
    assert out.shape == np.broadcast_shapes(*pair)
    leaves = _leaves(arrays)
    spec(*leaves).backward(_rng(spec.name, 2).standard_normal(out.shape))
    assert [grad_of(x).shape for x in leaves] == list(pair)
    _gradcheck(spec, arrays)
    assert mg.gradgradcheck(spec, _leaves(arrays))


# ---------------------------------------------------------------------------------------------
# Non-contiguous inputs: strided and transposed views of a float64 array


def _strided(a: np.ndarray) -> np.ndarray:
    """``a``'s values as every other element of a bigger array."""
    big = np.zeros((*a.shape, 2))
    big[..., 0] = a
    return big[..., 0]


def _transposed(a: np.ndarray) -> np.ndarray:
    """``a``'s values in a Fortran-ordered view, or a reversed one where that is contiguous."""
    view = np.ascontiguousarray(a.T).T
    if view.flags.c_contiguous:  # 1-D, or only one axis longer than 1
        view = np.flip(np.ascontiguousarray(np.flip(a)))
    return view


NONCONTIG = [s for s in SPECS if any(int(np.prod(shape)) > 1 for shape in s.shapes)]


@pytest.mark.parametrize("layout", [_strided, _transposed], ids=["strided", "transposed"])
@pytest.mark.parametrize("spec", NONCONTIG, ids=lambda s: s.name)
def test_noncontiguous_inputs(spec: OpSpec, layout: Any) -> None:
    arrays = [layout(a) for a in spec.arrays(_rng(spec.name, 3))]
    assert any(not a.flags.c_contiguous for a in arrays)
    leaves = _leaves(arrays)
    assert all(x.detach().numpy() is a for x, a in zip(leaves, arrays))  # wrapped, not copied
    _check_forward(spec, arrays)
    _gradcheck(spec, arrays)


# ---------------------------------------------------------------------------------------------
# Dtypes


@by_row
def test_float32_preserved(spec: OpSpec) -> None:
    """float32 in, float32 out and float32 gradients, close to the float64 ones."""
    a32 = [a.astype(np.float32) for a in spec.arrays(_rng(spec.name, 4))]
    x32 = _leaves(a32)
    out = spec(*x32)
    assert out.dtype == _expected_dtype(spec, "float32")
    seed = _rng(spec.name, 5).standard_normal(out.shape)
    out.backward(seed.astype(out.dtype))

    x64 = _leaves([a.astype(np.float64) for a in a32])
    spec(*x64).backward(seed)
    for x, ref in zip(x32, x64):
        assert x.grad is not None and ref.grad is not None
        assert x.grad.dtype == np.float32 and x.grad.shape == x.shape
        np.testing.assert_allclose(x.grad.numpy(), ref.grad.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("spec", BROADCAST, ids=lambda s: s.name)
def test_mixed_float32_float64_promotes(spec: OpSpec) -> None:
    a, b = spec.arrays(_rng(spec.name, 6), [(3, 1), (1, 4)])
    x = Tensor(a.astype(np.float32), requires_grad=True)
    y = mg.from_numpy(b).requires_grad_()
    out = spec(x, y)
    assert out.dtype == np.float64
    np.testing.assert_allclose(
        out.detach().numpy(), spec.expected(x.detach().numpy().astype(np.float64), b), rtol=1e-12
    )
    out.backward(np.ones(out.shape))
    assert x.grad is not None and y.grad is not None
    assert (x.grad.dtype, x.grad.shape) == (np.float32, (3, 1))
    assert (y.grad.dtype, y.grad.shape) == (np.float64, (1, 4))


def test_mixed_dtypes_in_cat_stack_and_where() -> None:
    # (a matrix product refuses two dtypes, as PyTorch's: tests/test_torch_parity.py)
    x = Tensor(np.ones((2, 2), np.float32), requires_grad=True)
    y = mg.from_numpy(np.full((2, 2), 2.0)).requires_grad_()
    for out in (mg.cat([x, y]), mg.stack([x, y]), mg.where(np.eye(2) > 0, x, y)):
        assert out.dtype == np.float64
        x.grad = y.grad = None
        out.sum().backward()
        assert x.grad is not None and y.grad is not None
        assert x.grad.dtype == np.float32 and y.grad.dtype == np.float64


def test_python_and_numpy_scalars_keep_float32() -> None:
    """A scalar constant does not promote a float32 tensor (as in PyTorch)."""
    x = Tensor(np.ones(3, np.float32), requires_grad=True)
    outs = [x * 2.0, 2.0 - x, x / 3, x**2, 2.0**x, x * np.float64(2.0), np.float64(1.5) + x]
    outs += [x ** np.float64(2.0), x.clamp_min(np.float64(0.5)), np.float64(2.0) / x]
    for out in outs:
        assert out.dtype == np.float32, out
        x.grad = None
        out.sum().backward()
        assert x.grad is not None and x.grad.dtype == np.float32


# ---------------------------------------------------------------------------------------------
# Conventions at kinks and ties, and numerical stability (values from NumPy formulas)


def test_max_min_ties_share_the_gradient_evenly() -> None:
    """Full max/min and amax/amin share ties evenly; max(dim) sends all to the index it returns."""
    a = np.array([[1.0, 3.0, 3.0, 2.0], [5.0, 5.0, 5.0, 0.0]])
    for red, pick, arg in (("max", np.max, np.argmax), ("min", np.min, np.argmin)):
        x = mg.from_numpy(a).requires_grad_()
        values, indices = getattr(x, red)(dim=1)
        values.sum().backward()
        np.testing.assert_array_equal(indices.numpy(), arg(a, axis=1))
        np.testing.assert_array_equal(grad_of(x), np.eye(4)[arg(a, axis=1)])
        x.grad = None
        getattr(x, "a" + red)(1).sum().backward()
        hit = a == pick(a, axis=1, keepdims=True)
        assert x.grad is not None
        np.testing.assert_array_equal(x.grad.numpy(), hit / hit.sum(axis=1, keepdims=True))
        x.grad = None
        getattr(x, red)().backward()
        hit = a == pick(a)
        np.testing.assert_array_equal(grad_of(x), hit / hit.sum())


def test_maximum_minimum_ties_split_in_half() -> None:
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([1.0, 0.0, 3.0])
    for f in (mg.maximum, mg.minimum):
        x, y = mg.from_numpy(a).requires_grad_(), mg.from_numpy(b).requires_grad_()
        f(x, y).sum().backward()
        ties = a == b
        wins = a > b if f is mg.maximum else a < b
        assert x.grad is not None and y.grad is not None
        np.testing.assert_array_equal(x.grad.numpy(), wins + 0.5 * ties)
        np.testing.assert_array_equal(y.grad.numpy(), ~wins * 1.0 - 0.5 * ties)


def test_maximum_minimum_give_both_inputs_the_gradient_where_either_is_nan() -> None:
    # PyTorch's rule masks by x < y (or x > y), which is false at a NaN: neither input loses its
    # share there, so both get the whole gradient (and half each at a tie, 0 to the loser).
    nan = np.nan
    a = np.array([1.0, nan, 2.0, nan, 3.0, 5.0])
    b = np.array([2.0, 1.0, nan, nan, 3.0, 4.0])
    for f, x_wins in ((mg.maximum, a > b), (mg.minimum, a < b)):
        x, y = mg.from_numpy(a).requires_grad_(), mg.from_numpy(b).requires_grad_()
        f(x, y).backward(mg.from_numpy(np.full(6, 2.0)))
        either_nan, ties = np.isnan(a) | np.isnan(b), a == b
        y_wins = ~x_wins & ~ties & ~either_nan
        np.testing.assert_array_equal(grad_of(x), 2.0 * (x_wins | either_nan) + ties)
        np.testing.assert_array_equal(grad_of(y), 2.0 * (y_wins | either_nan) + ties)


def test_maximum_minimum_at_nan_against_torch() -> None:
    torch = pytest.importorskip("torch")
    a = np.array([[1.0, np.nan, 2.0], [np.nan, 3.0, -np.inf]])
    b = np.array([[2.0, 1.0, np.nan], [np.nan, 3.0, -np.inf]])
    for name in ("maximum", "minimum"):
        x, y = mg.from_numpy(a).requires_grad_(), mg.from_numpy(b).requires_grad_()
        getattr(mg, name)(x, y).sum().backward()
        tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        getattr(torch, name)(tx, ty).sum().backward()
        np.testing.assert_array_equal(grad_of(x), tx.grad.numpy())
        np.testing.assert_array_equal(grad_of(y), ty.grad.numpy())


def test_kinks_follow_pytorch() -> None:
    """abs and relu have gradient 0 at 0; clip passes the gradient on its bounds."""
    a = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    x = mg.from_numpy(a).requires_grad_()
    (x.abs() + x.relu() + x.clip(0.0, 1.0)).sum().backward()
    assert x.grad is not None
    expected = np.sign(a) + (a > 0) + ((a >= 0) & (a <= 1))
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_repeated_indices_accumulate() -> None:
    a = np.arange(12.0).reshape(4, 3)
    idx = np.array([0, 2, 0, 0, 3])
    x = mg.from_numpy(a).requires_grad_()
    w = np.arange(15.0).reshape(5, 3)
    (x[idx] * mg.from_numpy(w)).sum().backward()
    expected = np.zeros_like(a)
    for row, i in enumerate(idx):
        expected[i] += w[row]
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_boolean_mask_gradient_lands_on_selected() -> None:
    a = np.array([[1.0, -2.0], [-3.0, 4.0]])
    x = mg.from_numpy(a).requires_grad_()
    mask = x > 0  # a bool tensor used as the index
    (x[mask] * 3).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), 3.0 * (a > 0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_softmax_logsumexp_are_stable(dtype: type) -> None:
    big: np.ndarray = np.array([[-1000.0, 0.0, 1000.0], [1000.0, 1000.0, 999.0]], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow
        x = mg.from_numpy(big).requires_grad_()
        s = x.sigmoid()
        # below the smallest normal number counts as 0
        tiny = np.finfo(dtype).tiny * 2
        np.testing.assert_allclose(
            s.detach().numpy(), (big > 0) * 1.0 + (big == 0) * 0.5, atol=tiny, rtol=0
        )
        lse = x.logsumexp(axis=1)
        # logsumexp(v) = m + log(sum(exp(v - m))): exact with the shift
        m = big.max(axis=1)
        ref = m + np.log(np.exp(big - m[:, None]).sum(axis=1))
        np.testing.assert_allclose(lse.detach().numpy(), ref, rtol=1e-6)
        (s.sum() + lse.sum() + x.softmax(1).max() + x.log_softmax(0).sum()).backward()
    assert x.grad is not None and np.isfinite(x.grad.numpy()).all()


TAIL = [-1000.0, -800.0, -745.0, -709.0, -700.0, -104.0, -89.0, -88.5, -87.5, -87.0, -50.0, 0.0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_far_tail_is_the_exact_value_quietly(dtype: type) -> None:
    """Far below zero the sigmoid is 1 / (1 + exp(-x)) as computed (a subnormal, then 0 where
    exp overflows), not a clamp's constant; no warning reaches the user, with NumPy set to
    raise as well."""
    x = np.array(TAIL, dtype)
    big = float(np.finfo(dtype).max)  # exp(-x) past it is inf in the dtype, and z is 0
    want = np.array([1 / (1 + math.exp(-v)) if -v < math.log(big) else 0.0 for v in TAIL])
    old = np.seterr(all="raise")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            t = mg.from_numpy(x).requires_grad_()
            s = t.sigmoid()
            s.sum().backward()
    finally:
        np.seterr(**old)
    got = s.detach().numpy()
    assert got.dtype == dtype
    if dtype == np.float64:
        np.testing.assert_array_equal(got, want)
    else:  # rounded once to float32, subnormals included: within one subnormal step
        np.testing.assert_allclose(got, want.astype(np.float32), rtol=1e-6, atol=2e-45)
    assert t.grad is not None
    np.testing.assert_allclose(t.grad.numpy(), got * (1 - got), rtol=1e-6, atol=2e-45)


def test_sigmoid_far_tail_is_pytorchs() -> None:
    torch = pytest.importorskip("torch")
    for dtype in (np.float32, np.float64):
        x = np.array(TAIL, dtype)
        want = torch.from_numpy(x).sigmoid().numpy()
        np.testing.assert_allclose(mg.from_numpy(x).sigmoid().numpy(), want, rtol=1e-6, atol=2e-45)


# ---------------------------------------------------------------------------------------------
# Generated shapes and axes


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
@given(shape=shapes(), seed=seeds)
def test_elementwise_generated_shapes(spec: OpSpec, shape: Shape, seed: int) -> None:
    arrays = spec.arrays(np.random.default_rng(seed), [shape])
    assert _check_forward(spec, arrays).shape == shape
    _gradcheck(spec, arrays)


@pytest.mark.parametrize("spec", BROADCAST, ids=lambda s: s.name)
@given(pair=broadcast_pairs(), seed=seeds)
def test_binary_generated_broadcasts(spec: OpSpec, pair: tuple[Shape, Shape], seed: int) -> None:
    arrays = spec.arrays(np.random.default_rng(seed), pair)
    assert _check_forward(spec, arrays).shape == np.broadcast_shapes(*pair)
    _gradcheck(spec, arrays)


@pytest.mark.parametrize("spec", AXIS, ids=lambda s: s.name.split("_")[0])
@given(data=st.data(), seed=seeds)
def test_reductions_generated_axes(spec: OpSpec, data: st.DataObject, seed: int) -> None:
    # var divides by n - 1: every reduced group needs two elements.
    need = 2 if spec.name.startswith("var") else 1
    shape, axis, keepdims = data.draw(reduction_cases(min_reduced=need))
    arrays = spec.arrays(np.random.default_rng(seed), [shape])
    kw = {"axis": axis, "keepdims": keepdims}
    _check_forward(spec, arrays, **kw)
    _gradcheck(spec, arrays, **kw)


def test_reduction_cases_count_from_the_shape_alone() -> None:
    # The strategy once summed an np.empty array to count: freed memory holding huge values
    # made NumPy warn of an overflow (a RuntimeWarning from the tests, never from minigrad).
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for axis, count in ((None, 12), (0, 2), (-1, 2), ((0, 2), 4), ((1,), 3)):
            huge = np.full((2, 3, 2), 1.7e308)
            del huge
            assert _reduced_count((2, 3, 2), axis) == count


@pytest.mark.parametrize("name", ["softmax_axis-1", "log_softmax_axis-1"])
@given(data=st.data(), seed=seeds)
def test_softmax_generated_axes(name: str, data: st.DataObject, seed: int) -> None:
    spec = BY_NAME[name]
    shape = data.draw(shapes(min_dims=1))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    arrays = spec.arrays(np.random.default_rng(seed), [shape])
    _check_forward(spec, arrays, axis=axis)
    _gradcheck(spec, arrays, axis=axis)


@given(
    shapes=hnp.mutually_broadcastable_shapes(
        signature=np.matmul.signature,
        max_dims=2,
        max_side=3,
    ),
    seed=seeds,
)
def test_matmul_generated_shapes(shapes: Any, seed: int) -> None:
    spec = BY_NAME["matmul_2d_2d"]
    arrays = spec.arrays(np.random.default_rng(seed), shapes.input_shapes)
    assert _check_forward(spec, arrays).shape == shapes.result_shape
    _gradcheck(spec, arrays)


@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_permute_and_sum_generated(shape: Shape, data: st.DataObject, seed: int) -> None:
    """A chain: permute, then reduce over generated axes (checks the inverse permutation)."""
    order = tuple(data.draw(st.permutations(range(len(shape)))))
    axis = data.draw(axes(len(shape)))
    a = np.random.default_rng(seed).standard_normal(shape)
    x = mg.from_numpy(a).requires_grad_()
    out = x.permute(order).sum(axis=axis)
    np.testing.assert_allclose(out.detach().numpy(), a.transpose(order).sum(axis=axis), rtol=1e-12)
    assert mg.gradcheck(lambda t: (t.permute(order) ** 2).sum(axis=axis), [x])


# ---------------------------------------------------------------------------------------------
# PyTorch as an optional oracle


TORCH_CASES = [
    ("logsumexp", lambda m, x: m.logsumexp(x, 1), (3, 4)),
    ("var", lambda m, x: x.var(0), (4, 3)),
    ("softmax", lambda m, x: m.softmax(x, 1), (3, 4)),
    ("log_softmax", lambda m, x: m.log_softmax(x, 0), (3, 4)),
    ("sigmoid_tanh", lambda m, x: m.sigmoid(x) * m.tanh(x), (3, 4)),
]


@pytest.mark.parametrize("name,f,shape", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_against_torch(name: str, f: Any, shape: Shape) -> None:
    torch = pytest.importorskip("torch")
    a = _rng(name).standard_normal(shape)
    x = mg.from_numpy(a).requires_grad_()
    out = f(mg, x)
    g = _rng(name, 1).standard_normal(out.shape)
    out.backward(g)
    t = torch.tensor(a, requires_grad=True)
    ref = f(torch, t)
    ref.backward(torch.tensor(g))
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-10)
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_against_torch_at_ties_and_kinks() -> None:
    """The conventions finite differences cannot see: amax/maximum ties, abs/relu/clamp."""
    torch = pytest.importorskip("torch")
    a = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, 0.5]])
    b = np.array([[1.0, 0.0, 3.0, 0.0], [2.0, 1.0, 0.0, 0.5]])

    def loss(m: Any, x: Any, y: Any) -> Any:
        amax = x.amax(1) if m is mg else torch.amax(x, dim=1)
        return ((amax * 2).sum() + x.max(1).values.sum() * 5 + x.min(dim=0)[0].sum() * 7
                + x.max() * 11 + x.min() * 13 + m.maximum(x, y).sum() * 3 + m.minimum(x, y).sum()
                + x.abs().sum() + x.relu().sum() + m.clamp(x, 0.0, 2.0).sum())  # fmt: skip

    x, y = mg.from_numpy(a).requires_grad_(), mg.from_numpy(b).requires_grad_()
    loss(mg, x, y).backward()
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    loss(torch, tx, ty).backward()
    assert x.grad is not None and y.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy(), rtol=1e-12)


def test_against_torch_batched_matmul() -> None:
    torch = pytest.importorskip("torch")
    rng = _rng("bmm")
    a, b = rng.standard_normal((2, 1, 3, 4)), rng.standard_normal((3, 4, 2))
    g = rng.standard_normal((2, 3, 3, 2))
    x, y = mg.from_numpy(a).requires_grad_(), mg.from_numpy(b).requires_grad_()
    (x @ y).backward(g)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (tx @ ty).backward(torch.tensor(g))
    assert x.grad is not None and y.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("name", ["sin", "cos", "log1p", "expm1", "exp", "log", "sqrt", "tan"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_functions_at_their_edges_give_ieee_values_without_numpy_warnings(
    name: str, dtype: type
) -> None:
    # inf, nan, a pole (log1p(-1)), outside the domain (log1p(-2)), an overflow (expm1(1e30)):
    # nan or inf as PyTorch returns them, and no RuntimeWarning reaching the user
    a = np.array([np.inf, -np.inf, np.nan, -1.0, -2.0, 1e30, 0.5], dtype)
    x = mg.from_numpy(a).requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = getattr(mg, name)(x)
        y.sum().backward()
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(y.detach().numpy(), getattr(np, name)(a))
