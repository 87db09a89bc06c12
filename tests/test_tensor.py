"""Tensor creation, dtypes, random generators, properties, repr, comparisons and error messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor

# ---------------------------------------------------------------------------------------------
# Creation and dtypes


@pytest.mark.parametrize(
    "data,dtype",
    [
        (1.5, np.float32),
        ([1.0, 2.0], np.float32),
        ([[1.0, 2], [3, 4]], np.float32),
        (3, np.int64),
        ([1, 2, 3], np.int64),
        ([True, False], np.bool_),
        (np.array([1.0, 2.0]), np.float64),
        (np.array([1, 2], np.int32), np.int32),
        (np.float64(2.0), np.float64),
        (np.ones(2, np.float16), np.float16),
    ],
)
def test_tensor_dtype_rules(data: Any, dtype: type) -> None:
    # (Tensor(...) is PyTorch's legacy constructor, the default float dtype for all data but
    # tensors: tests/test_legacy_constructor.py); as_tensor keeps a NumPy dtype, as tensor
    numpy_data = isinstance(data, np.ndarray | np.generic)
    for make in (mg.as_tensor, mg.tensor) if numpy_data else (mg.tensor,):
        t = make(data)
        assert t.dtype == dtype
        np.testing.assert_array_equal(t.detach().numpy(), np.asarray(data).astype(dtype))


def test_dtype_override() -> None:
    assert mg.tensor([1, 2], dtype="float64").dtype == np.float64
    assert Tensor([1.5], dtype=np.float64).dtype == np.float64
    assert mg.tensor(np.ones(2), dtype=mg.float32).dtype == np.float32
    assert Tensor([1.7, 2.2], dtype="int64").tolist() == [1, 2]


def test_tensor_copies_but_from_numpy_wraps() -> None:
    a = np.array([1.0, 2.0])
    assert mg.from_numpy(a).detach().numpy() is a  # the array itself: no copy
    t = mg.tensor(a)
    assert not np.shares_memory(t.detach().numpy(), a)
    a[0] = 9.0
    assert t.detach().numpy()[0] == 1.0


@pytest.mark.parametrize("make", [mg.zeros, mg.ones])
def test_zeros_ones(make: Callable[..., Tensor]) -> None:
    fill = 1.0 if make is mg.ones else 0.0
    for t in (make(2, 3), make((2, 3)), make([2, 3])):
        assert t.shape == (2, 3) and t.dtype == np.float32
        np.testing.assert_array_equal(t.detach().numpy(), np.full((2, 3), fill))
    t = make(4, dtype=mg.float64, requires_grad=True)
    assert t.dtype == np.float64 and t.requires_grad and t.is_leaf


def test_full_eye_arange() -> None:
    t = mg.full((2, 2), 7.5)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.detach().numpy(), np.full((2, 2), 7.5))
    assert mg.full((3,), 1.0, dtype="float64").shape == (3,)
    np.testing.assert_array_equal(mg.eye(3).detach().numpy(), np.eye(3))
    np.testing.assert_array_equal(mg.eye(2, 3, dtype=mg.float64).detach().numpy(), np.eye(2, 3))
    a = mg.arange(5)
    assert a.dtype == np.int64 and a.tolist() == list(range(5))
    b = mg.arange(0.0, 1.0, 0.25)
    assert b.dtype == np.float32
    np.testing.assert_array_equal(b.detach().numpy(), np.arange(0.0, 1.0, 0.25, dtype=np.float32))
    assert mg.arange(2, 8, 3).tolist() == [2, 5]


def test_random_shapes_ranges_and_dtypes() -> None:
    u = mg.rand(1000, generator=0)
    assert u.shape == (1000,) and u.dtype == np.float32
    assert 0.0 <= u.detach().numpy().min() and u.detach().numpy().max() < 1.0
    n = mg.randn(2, 500, generator=0, dtype="float64")
    assert n.shape == (2, 500) and n.dtype == np.float64
    assert abs(n.detach().numpy().mean()) < 0.2 and 0.8 < n.detach().numpy().std() < 1.2


def test_manual_seed_reproduces() -> None:
    gen = mg.manual_seed(123)
    assert gen is mg.default_generator
    a = mg.randn(4)
    b = mg.rand(2, 2)
    mg.manual_seed(123)
    np.testing.assert_array_equal(mg.randn(4).detach().numpy(), a.detach().numpy())
    np.testing.assert_array_equal(mg.rand(2, 2).detach().numpy(), b.detach().numpy())
    assert not np.array_equal(
        mg.randn(4).detach().numpy(), a.detach().numpy()
    )  # the stream moves on


def test_generator_int_and_object() -> None:
    np.testing.assert_array_equal(
        mg.randn(5, generator=7).detach().numpy(), mg.randn(5, generator=7).detach().numpy()
    )
    expected = np.random.default_rng(7).standard_normal(5).astype(np.float32)
    np.testing.assert_array_equal(mg.randn(5, generator=7).detach().numpy(), expected)
    g1, g2 = np.random.default_rng(3), np.random.default_rng(3)
    np.testing.assert_array_equal(
        mg.rand(3, generator=g1).detach().numpy(), mg.rand(3, generator=g2).detach().numpy()
    )
    # a Generator object is advanced, not restarted
    assert not np.array_equal(
        mg.rand(3, generator=g1).detach().numpy(), mg.rand(3, generator=3).detach().numpy()
    )
    with pytest.raises(TypeError, match="generator"):
        mg.rand(2, generator="seed")  # type: ignore[arg-type]


def test_like_functions() -> None:
    src = mg.from_numpy(np.ones((2, 3), np.float64))
    for t in (mg.zeros_like(src), mg.ones_like(src), mg.full_like(src, 2.0)):
        assert t.shape == (2, 3) and t.dtype == np.float64 and not t.requires_grad
    np.testing.assert_array_equal(mg.full_like(src, 2.0).detach().numpy(), np.full((2, 3), 2.0))
    assert mg.zeros_like(src, dtype="float32").dtype == np.float32
    assert mg.ones_like(np.zeros(4, np.int32)).dtype == np.int32
    r1 = mg.rand_like(src, generator=1)
    r2 = mg.rand_like(src, generator=1)
    assert r1.dtype == np.float64
    np.testing.assert_array_equal(r1.detach().numpy(), r2.detach().numpy())
    rn = mg.randn_like(src, generator=2, requires_grad=True)
    assert rn.shape == (2, 3) and rn.requires_grad
    np.testing.assert_array_equal(
        rn.detach().numpy(), np.random.default_rng(2).standard_normal((2, 3))
    )


# ---------------------------------------------------------------------------------------------
# Properties


def test_properties_follow_numpy() -> None:
    a = np.arange(24.0).reshape(2, 3, 4)
    t = mg.from_numpy(a)
    assert (t.shape, t.ndim, t.numel(), t.dtype) == (a.shape, a.ndim, a.size, a.dtype)
    np.testing.assert_array_equal(t.T.detach().numpy(), a.T)  # reverses all axes, as NumPy
    assert t.T.shape == (4, 3, 2)
    assert t.numpy() is a
    assert np.shares_memory(np.asarray(t), a) and not np.asarray(t).flags.writeable
    assert np.asarray(t, dtype=np.float32).dtype == np.float32
    assert t.tolist() == a.tolist()
    assert len(t) == 2
    rows = list(t)
    assert len(rows) == 2 and all(isinstance(r, Tensor) for r in rows)
    np.testing.assert_array_equal(rows[1].detach().numpy(), a[1])
    assert mg.tensor(2.5).item() == 2.5 and isinstance(mg.tensor(2.5).item(), float)
    with pytest.raises(TypeError, match="0-d"):
        len(mg.tensor(1.0))


def test_leaf_grad_fn_and_name() -> None:
    a = Tensor([1.0], requires_grad=True, name="a")
    b = a @ Tensor([2.0])
    assert a.is_leaf and a.grad_fn is None and a.name == "a"
    assert not b.is_leaf and type(b.grad_fn).__name__ == "MatMul"
    assert b.grad_fn is not None and b.grad_fn.op_name == "MatMul"
    # (PyTorch's name for a product of two vectors; the op is minigrad's one MatMul)
    assert b.grad_fn.name() == "DotBackward0" and repr(b.grad_fn) == "<DotBackward0>"
    assert b.grad_fn.edges == (a, None)


def test_op_attributes() -> None:
    x = mg.from_numpy(np.ones((2, 3))).requires_grad_()
    op = x.sum(axis=1, keepdims=True).grad_fn
    assert op is not None and op.attributes() == {"axis": 1, "keepdims": True}
    assert op.__doc__ and "sum" in op.__doc__


def test_repr() -> None:
    assert repr(mg.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    assert repr(mg.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(mg.tensor([0.5], dtype="float64")) == "tensor([0.5000], dtype=minigrad.float64)"
    a = mg.ones(2, 2, requires_grad=True)
    assert repr(a @ a).endswith("grad_fn=<MmBackward0>)")
    assert "grad_fn=<SumBackward0>" in repr(a.sum())
    assert "requires_grad" not in repr(a.sum())


# ---------------------------------------------------------------------------------------------
# Non-differentiable results


def test_comparisons_return_bool_tensors_without_grad() -> None:
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([3.0, 2.0, 1.0])
    x, y = mg.from_numpy(a).requires_grad_(), mg.from_numpy(b).requires_grad_()
    cases = [
        (x < y, a < b), (x <= y, a <= b), (x > y, a > b), (x >= y, a >= b),
        (x == y, a == b), (x != y, a != b), (x > 1.5, a > 1.5), (x == 2.0, a == 2.0),
    ]  # fmt: skip
    for got, expected in cases:
        assert got.dtype == np.bool_ and not got.requires_grad and got.grad_fn is None
        np.testing.assert_array_equal(got.detach().numpy(), expected)


def test_argmax_argmin_are_int64_without_grad() -> None:
    a = np.array([[1.0, 5.0, 3.0], [7.0, 0.0, 2.0]])
    x = mg.from_numpy(a).requires_grad_()
    for got, expected in [
        (x.argmax(), np.argmax(a)),
        (x.argmax(axis=1), np.argmax(a, axis=1)),
        (mg.argmax(x, dim=0, keepdim=True), np.argmax(a, axis=0, keepdims=True)),
        (x.argmin(1), np.argmin(a, axis=1)),
        (mg.argmin(x), np.argmin(a)),
    ]:
        assert got.dtype == np.int64 and not got.requires_grad and got.grad_fn is None
        np.testing.assert_array_equal(got.detach().numpy(), expected)


def test_numpy_integer_axes() -> None:
    """Axes that come from NumPy (np.int64) work forward and backward."""
    a = np.arange(6.0).reshape(2, 3)
    x = mg.from_numpy(a).requires_grad_()
    out = x.sum(axis=np.int64(1)) + x.amax(dim=(np.int64(1),)) + x.mean(np.int64(-1))
    np.testing.assert_array_equal(out.detach().numpy(), a.sum(1) + a.max(1) + a.mean(1))
    out.sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), 1 + (a == a.max(1, keepdims=True)) + 1 / 3)


# ---------------------------------------------------------------------------------------------
# Errors: clear messages, raised before anything changes


def _unchanged(*ts: Tensor) -> Callable[[], None]:
    """Snapshot tensors' data and grads; the returned check asserts nothing moved."""
    snaps = [
        (t, t.detach().numpy().copy(), None if t.grad is None else t.grad.numpy().copy())
        for t in ts
    ]

    def check() -> None:
        for t, data, grad in snaps:
            np.testing.assert_array_equal(t.detach().numpy(), data)
            if grad is None:
                assert t.grad is None
            else:
                assert t.grad is not None
                np.testing.assert_array_equal(t.grad.numpy(), grad)

    return check


def _with_grad(shape: tuple[int, ...]) -> Tensor:
    t = mg.from_numpy(np.ones(shape)).requires_grad_()
    (t * 2).sum().backward()
    return t


def test_matmul_shape_mismatch_names_both_shapes() -> None:
    a, b = _with_grad((2, 3)), _with_grad((4, 5))
    check = _unchanged(a, b)
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
        a @ b
    with pytest.raises(ValueError, match=r"matmul.*\(3,\).*\(2,\)"):
        mg.matmul(mg.from_numpy(np.ones(3)), mg.from_numpy(np.ones(2)))
    with pytest.raises(ValueError, match=r"matmul.*\(2, 2, 3\).*\(3, 3, 4\)"):
        mg.from_numpy(np.ones((2, 2, 3))) @ mg.from_numpy(np.ones((3, 3, 4)))
    with pytest.raises(ValueError, match="matmul"):
        mg.tensor(2.0) @ mg.from_numpy(np.ones(2))
    check()


@pytest.mark.parametrize(
    "op,name",
    [
        (lambda x, y: x + y, "add"),
        (lambda x, y: x * y, "mul"),
        (lambda x, y: x - y, "sub"),
        (lambda x, y: x / y, "div"),
        (lambda x, y: mg.maximum(x, y), "maximum"),
    ],
)
def test_broadcasting_mismatch_names_op_and_shapes(op: Any, name: str) -> None:
    a, b = _with_grad((2, 3)), _with_grad((4,))
    check = _unchanged(a, b)
    with pytest.raises(ValueError, match=rf"(?i){name}.*\(2, 3\).*\(4,\)"):
        op(a, b)
    check()


@pytest.mark.parametrize("red", ["sum", "mean", "max", "min", "var", "logsumexp", "softmax",
                                 "log_softmax"])  # fmt: skip
def test_bad_axis_names_op_and_shape(red: str) -> None:
    a = _with_grad((2, 3))
    check = _unchanged(a)
    with pytest.raises(IndexError, match=rf"Dimension out of range.*{red}.*\(2, 3\)"):
        getattr(a, red)(axis=2)
    with pytest.raises(IndexError, match=rf"got -3\).*{red}.*\(2, 3\)"):
        getattr(a, red)(axis=-3)
    check()


def test_reshape_and_shape_errors() -> None:
    a = _with_grad((2, 3))
    check = _unchanged(a)
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*\(4,\)"):
        a.reshape(4)
    with pytest.raises(RuntimeError, match=r"permute.*duplicate"):
        a.permute(0, 0)
    with pytest.raises(ValueError, match=r"broadcast_to.*\(2, 3\).*\(3, 2\)"):
        a.broadcast_to(3, 2)
    with pytest.raises(ValueError, match=r"cat.*\(2, 3\).*\(2, 2\)"):
        mg.cat([a, mg.from_numpy(np.ones((2, 2)))])
    with pytest.raises(ValueError, match=r"stack.*\(2, 3\).*\(3, 2\)"):
        mg.stack([a, mg.from_numpy(np.ones((3, 2)))])
    with pytest.raises(IndexError, match=r"\(2, 3\)"):
        a[5]
    with pytest.raises(RuntimeError, match=r"where expected condition to be a boolean tensor"):
        mg.where(mg.tensor([1, 0]), a, a)
    with pytest.raises(ValueError, match=r"clamp: At least one of"):
        a.clip()
    check()


def test_comparisons_of_zero_d_tensors_hold_arrays() -> None:
    t = mg.tensor(1.0)
    for r in (t < 2, t <= 2, t > 2, t >= 2, t == 2, t != 2):
        assert type(r.detach().numpy()) is np.ndarray and r.dtype == np.bool_


# ---------------------------------------------------------------------------------------------
# contiguous()


def test_contiguous_copies_a_transposed_tensor_into_c_order() -> None:
    """``data.view(bsz, -1).t().contiguous()`` then ``source[i:j].view(-1)``: the language
    models of pytorch/examples batch their text so; the copy must be C-ordered for the slice
    to view, and gradients must pass through the copy."""
    torch = pytest.importorskip("torch")
    values = np.arange(24.0).reshape(4, 6)
    weights = np.linspace(-1.0, 1.0, 8)
    results = []
    for lib in (mg, torch):
        x = lib.tensor(values, requires_grad=True)
        c = x.t().contiguous()
        assert c.is_contiguous() and c.grad_fn.name() == "CloneBackward0"
        assert c.contiguous() is c  # already contiguous: the tensor itself
        flat = c[1:3].view(-1)
        (flat * lib.tensor(weights)).sum().backward()
        viewed = flat.detach().numpy().copy()
        with lib.no_grad():
            c.mul_(0)  # the copy has its own memory
        results.append((viewed, x.grad.numpy(), x.detach().numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


def test_contiguous_gradcheck() -> None:
    x = mg.tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)
    assert mg.autograd.gradcheck(lambda x: x.t().contiguous(), (x,))
    assert mg.autograd.gradgradcheck(lambda x: x.t().contiguous() ** 2, (x,))


EMPTY_REPRS = [  # (make(lib), what both print): an empty tensor shows its shape and dtype
    (lambda L: L.zeros(0), "tensor([])"),
    (lambda L: L.zeros(2, 0), "tensor([], size=(2, 0))"),
    (lambda L: L.zeros(0, dtype=L.int64), "tensor([], dtype={}.int64)"),
    (lambda L: L.zeros(0, dtype=L.bool), "tensor([], dtype={}.bool)"),
    (lambda L: L.zeros(0, 3, dtype=L.int32), "tensor([], size=(0, 3), dtype={}.int32)"),
    (lambda L: L.zeros(0, dtype=L.float64), "tensor([], dtype={}.float64)"),
    (lambda L: L.zeros(0, requires_grad=True), "tensor([], requires_grad=True)"),
]


@pytest.mark.parametrize(("make", "text"), EMPTY_REPRS, ids=[t for _, t in EMPTY_REPRS])
def test_an_empty_tensor_prints_its_shape_and_dtype_as_torch(make, text):
    assert repr(make(mg)) == text.format("minigrad")
    torch = pytest.importorskip("torch")
    assert repr(make(torch)) == text.format("torch")


def test_stride_counts_elements_as_torchs_for_views_and_empty_tensors() -> None:
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        t = lib.arange(24.0).reshape(2, 3, 4)
        cases = {
            "plain": t,
            "t": t[0].t(),
            "permute": t.permute(2, 0, 1),
            "step": t[:, ::2, 1:],
            "expand": lib.ones(3, 1).expand(3, 5),
            "unsqueeze": t.unsqueeze(1),
            "scalar": lib.tensor(2.0),
            "empty": lib.zeros(2, 0, 3),
            "empty end": lib.zeros(3, 0),
        }
        got = {name: x.stride() for name, x in cases.items()}
        if lib is mg:
            ours = got
    assert ours == got
    assert mg.zeros(2, 3).stride(-2) == 3
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of "
                       r"\[-2, 1\], but got 2\)"):  # fmt: skip
        mg.zeros(2, 3).stride(2)


@pytest.mark.parametrize(
    ("shape", "start", "end"),
    [((0, 3), 1, -1), ((0, 3), -1, -1), ((0, 2, 3), 1, -1), ((2, 0, 3), 0, 1), ((4, 0), 0, -1)],
)
def test_flatten_of_an_empty_tensor_keeps_the_other_sizes_as_torch(
    shape: tuple[int, ...], start: int, end: int
) -> None:
    """``x.flatten(1)`` of an empty batch (and ``nn.Flatten``) gives torch's shape instead of
    a reshape error about an ambiguous -1."""
    torch = pytest.importorskip("torch")
    want = tuple(torch.zeros(shape).flatten(start, end).shape)
    assert tuple(mg.zeros(shape).flatten(start, end).shape) == want
    assert tuple(mg.flatten(mg.zeros(shape), start, end).shape) == want
    if (start, end) == (1, -1):
        assert tuple(mg.nn.Flatten()(mg.zeros(shape)).shape) == want


def test_transpose_needs_both_dims_as_in_torch() -> None:
    """PyTorch's ``transpose`` has no default dims; minigrad's once swapped the last two."""
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        with pytest.raises(TypeError, match=r"transpose\(\) missing 2 required positional"):
            lib.zeros(2, 3).transpose()
        with pytest.raises(TypeError, match=r"transpose\(\) missing 1 required positional"):
            lib.zeros(2, 3).transpose(0)
        with pytest.raises(TypeError, match=r"transpose\(\) missing"):
            lib.transpose(lib.zeros(2, 3))
