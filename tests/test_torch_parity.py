"""Places where minigrad once answered differently from PyTorch without a word: the softmax
methods without a dim, products of two dtypes, integers to negative powers, and the ``dtype=``
of the reductions. Each is checked against hand-computed values, and against PyTorch when it is
installed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(11)


def _torch_error(fn: Callable[[], object]) -> tuple[type, str]:
    """The type and text of the error PyTorch raises for ``fn()`` (whatever it is: the
    reference)."""
    try:
        fn()
    except Exception as e:
        return type(e), str(e)
    raise AssertionError("PyTorch raised nothing")


# -- softmax methods need a dim ---------------------------------------------------------------

MISSING_DIM = 'missing 1 required positional arguments: "dim"'


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_methods_need_a_dim(name: str) -> None:
    x = mg.tensor(RNG.standard_normal((2, 3)))
    with pytest.raises(TypeError, match=f"^{name}\\(\\) {MISSING_DIM}$"):
        getattr(x, name)()
    before = x.numpy().copy()
    with pytest.raises(TypeError, match="give either dim or axis, not both"):
        getattr(x, name)(1, axis=1)
    np.testing.assert_array_equal(x.numpy(), before)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_methods_take_dim_positionally_or_by_name(name: str) -> None:
    a = RNG.standard_normal((2, 3))
    x = mg.tensor(a)
    e = np.exp(a - a.max(axis=0))
    expected = e / e.sum(axis=0)
    if name == "log_softmax":
        expected = np.log(expected)
    for out in (getattr(x, name)(0), getattr(x, name)(dim=0), getattr(x, name)(axis=0)):
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)


def test_softmax_functions_keep_the_implicit_dim_with_its_warning() -> None:
    x = mg.tensor(RNG.standard_normal((2, 3)))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = mg.softmax(x)
    np.testing.assert_allclose(out.numpy(), x.softmax(1).numpy())


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_methods_need_a_dim_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    kind, text = _torch_error(lambda: getattr(torch.ones(2, 3), name)())
    with pytest.raises(kind) as e:
        getattr(mg.ones(2, 3), name)()
    assert str(e.value) == text


# -- products refuse two dtypes -------------------------------------------------------------

PRODUCT_RANKS = [(1, 1), (2, 1), (3, 1), (1, 2), (2, 2), (3, 2), (1, 3), (2, 3), (3, 3), (4, 3)]
PRODUCT_DTYPES = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"]


def _operands(ranks: tuple[int, int], da: str, db: str) -> tuple[np.ndarray, np.ndarray]:
    """Two contiguous arrays of the given ranks whose product is defined (k = 3)."""
    shapes = {1: (3,), 2: (2, 3), 3: (2, 2, 3), 4: (2, 2, 2, 3)}
    a = np.ones(shapes[ranks[0]], dtype=da)
    b = np.ones((*shapes[ranks[1]][:-2], 3, 2) if ranks[1] > 1 else (3,), dtype=db)
    return a, b


@pytest.mark.parametrize("ranks", PRODUCT_RANKS, ids=str)
def test_matmul_of_two_dtypes_raises(ranks: tuple[int, int]) -> None:
    a, b = _operands(ranks, "int64", "float32")
    x = mg.tensor(a)
    with pytest.raises(RuntimeError, match=r"dtype|scalar type"):
        x @ mg.tensor(b)
    with pytest.raises(RuntimeError, match=r"dtype|scalar type"):
        mg.matmul(mg.tensor(a.astype(np.float64)), mg.tensor(b.astype(np.float32)))
    np.testing.assert_array_equal(x.numpy(), a)  # nothing changed


def test_products_of_two_dtypes_name_both_in_torch_words() -> None:
    f32, f64, i64 = mg.ones(2, 3), mg.ones(3, 2, dtype=mg.float64), mg.ones(3, 2, dtype=mg.long)
    F = mg.nn.functional
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: f32 @ f64, "expected m1 and m2 to have the same dtype, but got: float != double"),
        (
            lambda: mg.mm(i64.T, f32.T),
            "expected m1 and m2 to have the same dtype, but got: long int",
        ),
        (
            lambda: mg.dot(mg.tensor([1, 2]), mg.tensor([1.0, 2.0])),
            "dot : expected both vectors to have same dtype, but found Long and Float",
        ),
        (
            lambda: mg.bmm(mg.ones(2, 2, 3), mg.ones(2, 3, 2, dtype=mg.float64)),
            "expected scalar type Float but found Double",
        ),
        (
            lambda: f32 @ mg.tensor([1, 2, 3]),
            "addmv input tensors must have the same dtype, but got Long, Float, and Long",
        ),
        (
            lambda: F.linear(mg.ones(4, 3, dtype=mg.float64), f32),
            "expected m1 and m2 to have the same dtype, but got: double != float",
        ),
        (
            lambda: mg.nn.Linear(3, 2)(mg.ones(4, 3, dtype=mg.float64)),
            "mat1 and mat2 must have the same dtype, but got Double and Float",
        ),
        (
            lambda: F.linear(mg.ones(4, 3), f32, mg.zeros(2, dtype=mg.float64)),
            "self and mat2 must have the same dtype, but got Double and Float",
        ),
    ]
    for call, text in cases:
        with pytest.raises(RuntimeError, match="^" + re.escape(text)):
            call()


def test_products_of_one_dtype_still_compute() -> None:
    a = RNG.integers(-5, 5, (2, 3))
    b = RNG.integers(-5, 5, (3, 4))
    out = mg.tensor(a) @ mg.tensor(b)
    assert out.dtype == mg.int64
    np.testing.assert_array_equal(out.numpy(), a @ b)
    h = mg.tensor(a, dtype=mg.float16) @ mg.tensor(b, dtype=mg.float16)
    assert h.dtype == mg.float16
    layer = mg.nn.Linear(3, 4).double()
    assert layer(mg.ones(2, 3, dtype=mg.float64)).dtype == mg.float64


def test_products_of_bools_are_refused() -> None:
    t = mg.tensor([[True, False], [False, True]])
    with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
        t @ t


@pytest.mark.parametrize("ranks", PRODUCT_RANKS, ids=str)
@pytest.mark.parametrize("da", PRODUCT_DTYPES)
@pytest.mark.parametrize("db", PRODUCT_DTYPES)
def test_matmul_dtypes_as_torch(ranks: tuple[int, int], da: str, db: str) -> None:
    torch = pytest.importorskip("torch")
    a, b = _operands(ranks, da, db)
    try:
        expected = torch.from_numpy(a) @ torch.from_numpy(b)
    except Exception as e:
        with pytest.raises(type(e)) as got:
            mg.tensor(a) @ mg.tensor(b)
        assert str(got.value).startswith(str(e))
        return
    out = mg.tensor(a) @ mg.tensor(b)
    assert str(out.dtype).split(".")[1] == str(expected.dtype).split(".")[1]
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 2, 3)], ids=str)
@pytest.mark.parametrize("dx", ["int64", "float32", "float64"])
@pytest.mark.parametrize("dw", ["float32", "float64"])
@pytest.mark.parametrize("db", [None, "float32", "float64"])
def test_linear_dtypes_as_torch(shape: tuple[int, ...], dx: str, dw: str, db: str | None) -> None:
    torch = pytest.importorskip("torch")
    x, w = np.ones(shape, dtype=dx), np.ones((2, 3), dtype=dw)
    b = None if db is None else np.ones(2, dtype=db)
    tb = None if b is None else torch.from_numpy(b)
    mb = None if b is None else mg.tensor(b)
    try:
        expected = torch.nn.functional.linear(torch.from_numpy(x), torch.from_numpy(w), tb)
    except Exception as e:
        with pytest.raises(type(e)) as got:
            mg.nn.functional.linear(mg.tensor(x), mg.tensor(w), mb)
        assert str(got.value).startswith(str(e))
        return
    out = mg.nn.functional.linear(mg.tensor(x), mg.tensor(w), mb)
    assert str(out.dtype) == str(expected.dtype).replace("torch", "minigrad")
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


# -- layers take the default dtype ------------------------------------------------------------

LAYERS = {
    "Linear": lambda nn: nn.Linear(3, 2),
    "Conv2d": lambda nn: nn.Conv2d(1, 2, 3),
    "LayerNorm": lambda nn: nn.LayerNorm(3),
    "BatchNorm1d": lambda nn: nn.BatchNorm1d(3),
    "Embedding": lambda nn: nn.Embedding(4, 2),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_take_the_default_dtype(name: str) -> None:
    default = LAYERS[name](mg.nn).state_dict()
    assert all(v.dtype == mg.float32 for k, v in default.items() if k != "num_batches_tracked")
    mg.set_default_dtype(mg.float64)
    try:
        state = LAYERS[name](mg.nn).state_dict()
    finally:
        mg.set_default_dtype(mg.float32)
    floats = {k: v.dtype for k, v in state.items() if k != "num_batches_tracked"}
    assert floats and set(floats.values()) == {mg.float64}, floats


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_take_the_default_dtype_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    mg.set_default_dtype(mg.float64)
    try:
        ours, theirs = LAYERS[name](mg.nn).state_dict(), LAYERS[name](torch.nn).state_dict()
    finally:
        torch.set_default_dtype(torch.float32)
        mg.set_default_dtype(mg.float32)
    assert list(ours) == list(theirs)
    for key in ours:
        assert str(ours[key].dtype).split(".")[1] == str(theirs[key].dtype).split(".")[1], key


# -- integers to negative powers ----------------------------------------------------------------

NEGATIVE_POWER = "Integers to negative integer powers are not allowed."


def _powers(lib: object) -> dict[str, Callable[[], object]]:
    """Integer (and bool) tensors to a negative Python int, every way of writing it."""
    tensor = lib.tensor  # type: ignore[attr-defined]
    return {
        "**": lambda: tensor([1, 2]) ** -1,
        "pow": lambda: tensor([1, 2]).pow(-2),
        "function": lambda: lib.pow(tensor([1, 2]), -2),  # type: ignore[attr-defined]
        "0-d": lambda: tensor(2) ** -1,
        "bool": lambda: tensor([True]) ** -1,
        "uint8": lambda: tensor([1, 2], dtype=lib.uint8) ** -3,  # type: ignore[attr-defined]
        "numpy int": lambda: tensor([1, 2]) ** np.int64(-1),
        "in place": lambda: tensor([1, 2]).pow_(-1),
    }


@pytest.mark.parametrize("how", sorted(_powers(mg)))
def test_integers_to_negative_powers_raise_runtime_error(how: str) -> None:
    with pytest.raises(RuntimeError, match="^" + re.escape(NEGATIVE_POWER)):
        _powers(mg)[how]()


def test_integers_to_other_powers_compute() -> None:
    t = mg.tensor([1, 2, 3])
    assert (t**2).tolist() == [1, 4, 9] and (t**2).dtype == mg.int64
    assert (t**0).tolist() == [1, 1, 1]
    np.testing.assert_allclose((t**-1.0).numpy(), [1.0, 0.5, 1 / 3], rtol=1e-6)
    assert (t**-1.0).dtype == mg.float32
    x = mg.tensor([2.0, 4.0], requires_grad=True)
    (x**-1).sum().backward()  # floats to negative ints are fine
    np.testing.assert_allclose(x.grad.numpy(), [-1 / 4, -1 / 16])


@pytest.mark.parametrize("how", sorted(_powers(mg)))
def test_integers_to_negative_powers_as_torch(how: str) -> None:
    torch = pytest.importorskip("torch")
    kind, text = _torch_error(_powers(torch)[how])
    with pytest.raises(kind) as e:
        _powers(mg)[how]()
    assert str(e.value).startswith(text)


# -- dtype= of the reductions -----------------------------------------------------------------


def test_mean_of_integers_with_a_float_dtype() -> None:
    a = np.array([[1, 2], [3, 4]])
    t = mg.tensor(a)
    m = t.mean(dtype=mg.float32)
    assert m.dtype == mg.float32 and m.item() == 2.5
    m = mg.mean(t, 1, keepdim=True, dtype=mg.float64)
    assert m.dtype == mg.float64 and m.shape == (2, 1)
    np.testing.assert_array_equal(m.numpy(), a.mean(axis=1, keepdims=True))
    assert mg.tensor([True, False]).mean(dtype=mg.float64).item() == 0.5
    with pytest.raises(RuntimeError, match=r"could not infer output dtype\. Optional dtype must"):
        t.mean(dtype=mg.int64)
    with pytest.raises(RuntimeError, match=r"could not infer output dtype\. Input dtype must"):
        t.mean()


def test_dtype_casts_first_and_the_gradient_comes_back_in_the_input_dtype() -> None:
    a = RNG.standard_normal((3, 4)).astype(np.float32)
    for reduce in (
        lambda x: x.sum(dtype=mg.float64),
        lambda x: mg.sum(x, 1, dtype=mg.float64).sum(),
        lambda x: x.mean(dim=0, dtype=mg.float64).sum(),
        lambda x: x.prod(1, dtype=mg.float64).sum(),
        lambda x: mg.cumsum(x, 1, dtype=mg.float64).sum(),
        lambda x: (x.softmax(1, mg.float64) * mg.tensor(a.astype(np.float64))).sum(),
        lambda x: mg.log_softmax(x, dim=0, dtype=mg.float64).sum(),
    ):
        x = mg.tensor(a, requires_grad=True)
        out = reduce(x)
        assert out.dtype == mg.float64
        out.backward()
        assert x.grad is not None and x.grad.dtype == mg.float32
        x64 = mg.tensor(a.astype(np.float64), requires_grad=True)
        reduce(x64).backward()  # the same computation in float64 throughout
        np.testing.assert_allclose(x.grad.numpy(), x64.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_integer_dtypes_wrap_around_as_torch_accumulates_in_them() -> None:
    u = mg.tensor([200, 100], dtype=mg.uint8)
    assert u.sum().item() == 300  # without dtype: no wrapping
    s = u.sum(dtype=mg.uint8)
    assert (s.dtype, s.item()) == (mg.uint8, 300 % 256)
    assert u.prod(dtype=mg.uint8).item() == 20000 % 256
    assert u.cumsum(0, dtype=mg.uint8).tolist() == [200, 300 % 256]
    assert mg.tensor([[1, 2], [3, 4]]).sum(dtype=mg.bool).item() is True
    f = mg.tensor([1.7, 2.6])
    assert (f.sum(dtype=mg.int64).item(), f.sum(dtype=mg.int64).dtype) == (3, mg.int64)


def test_dtype_errors() -> None:
    x = mg.tensor([1.5, 2.5], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^Autograd not support dtype: Long"):
        x.sum(dtype=mg.int64)
    with pytest.raises(RuntimeError, match=r"^Autograd not support dtype: Int"):
        mg.prod(x, dtype=mg.int32)
    with mg.no_grad():
        assert x.sum(dtype=mg.int64).item() == 3
    with pytest.raises(NotImplementedError, match="\"cumsum_out_cpu\" not implemented for 'Bool'"):
        x.cumsum(0, dtype=mg.bool)
    i = mg.tensor([[1, 2], [3, 4]])
    with pytest.raises(NotImplementedError, match='softmax_lastdim_kernel_impl" not implemented'):
        i.softmax(1, dtype=mg.int64)
    with pytest.raises(NotImplementedError, match='"log_softmax_kernel_impl" not implemented'):
        i.log_softmax(0, dtype=mg.int64)
    np.testing.assert_array_equal(x.detach().numpy(), [1.5, 2.5])  # nothing changed


def _dtype_cases(lib: object) -> dict[str, Callable[[object, object], object]]:
    """Each reduction with dtype=, as a method and as a function (x, dtype) -> result."""
    F = lib.nn.functional  # type: ignore[attr-defined]
    return {
        "sum": lambda x, d: x.sum(dtype=d),  # type: ignore[attr-defined]
        "sum_dim": lambda x, d: lib.sum(x, 1, keepdim=True, dtype=d),  # type: ignore[attr-defined]
        "mean": lambda x, d: x.mean(dtype=d),  # type: ignore[attr-defined]
        "mean_dim": lambda x, d: lib.mean(x, -1, dtype=d),  # type: ignore[attr-defined]
        "prod": lambda x, d: x.prod(0, dtype=d),  # type: ignore[attr-defined]
        "prod_fn": lambda x, d: lib.prod(x, dtype=d),  # type: ignore[attr-defined]
        "cumsum": lambda x, d: x.cumsum(1, dtype=d),  # type: ignore[attr-defined]
        "cumsum_fn": lambda x, d: lib.cumsum(x, 0, dtype=d),  # type: ignore[attr-defined]
        "softmax": lambda x, d: x.softmax(1, d),  # type: ignore[attr-defined]
        "softmax_fn": lambda x, d: lib.softmax(x, 0, dtype=d),  # type: ignore[attr-defined]
        "log_softmax": lambda x, d: x.log_softmax(dim=0, dtype=d),  # type: ignore[attr-defined]
        "log_softmax_fn": lambda x, d: F.log_softmax(x, dim=1, dtype=d),
    }


@pytest.mark.parametrize("case", sorted(_dtype_cases(mg)))
@pytest.mark.parametrize("source", ["bool", "uint8", "int64", "float32", "float64"])
@pytest.mark.parametrize("target", ["bool", "uint8", "int32", "float16", "float32", "float64"])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_reduction_dtypes_as_torch(
    case: str, source: str, target: str, requires_grad: bool
) -> None:
    torch = pytest.importorskip("torch")
    if requires_grad and source not in ("float32", "float64"):
        return  # integer tensors cannot require grad
    a = (np.arange(1, 7).reshape(2, 3) * 37 % 11).astype(source)
    tx = torch.tensor(a, requires_grad=requires_grad)
    mx = mg.tensor(a, requires_grad=requires_grad)
    try:
        expected = _dtype_cases(torch)[case](tx, getattr(torch, target))
    except Exception as e:
        with pytest.raises(type(e)) as got:
            _dtype_cases(mg)[case](mx, getattr(mg, target))
        assert str(got.value).startswith(str(e)), (str(got.value), str(e))
        return
    out = _dtype_cases(mg)[case](mx, getattr(mg, target))
    assert str(out.dtype) == str(expected.dtype).replace("torch", "minigrad")  # type: ignore[attr-defined]
    tol = 1e-3 if target == "float16" else 1e-6
    e = expected.detach().numpy()  # type: ignore[attr-defined]
    np.testing.assert_allclose(out.detach().numpy(), e, rtol=tol, atol=tol)
    if requires_grad and out.requires_grad:
        g = RNG.standard_normal(e.shape)
        out.backward(mg.tensor(g, dtype=out.dtype))
        expected.backward(torch.tensor(g, dtype=expected.dtype))  # type: ignore[attr-defined]
        assert mx.grad is not None and mx.grad.dtype == mx.dtype
        np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=tol * 10, atol=tol * 10)


# -- convolutions refuse two dtypes -------------------------------------------------------------


def _conv_args(lib: Any, nd: int, dx: str, dw: str, db: str | None) -> tuple[Any, ...]:
    spatial = (5,) * nd
    x = lib.ones(1, 2, *spatial, dtype=getattr(lib, dx))
    w = lib.ones(3, 2, *(3,) * nd, dtype=getattr(lib, dw))
    return x, w, None if db is None else lib.ones(3, dtype=getattr(lib, db))


@pytest.mark.parametrize("nd", [1, 2])
@pytest.mark.parametrize(
    "dtypes",
    [
        ("float64", "float32", "float32"),
        ("float32", "float64", "float64"),
        ("float32", "float32", "float64"),
        ("float32", "float64", "float32"),
        ("float64", "float32", None),
        ("float32", "float32", None),
        ("float64", "float64", "float64"),
    ],
    ids=str,
)
def test_convolutions_of_two_dtypes_as_torch(nd: int, dtypes: tuple[str, str, str | None]) -> None:
    torch = pytest.importorskip("torch")
    conv = f"conv{nd}d"
    try:
        expected = getattr(torch.nn.functional, conv)(*_conv_args(torch, nd, *dtypes))
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as got:
            getattr(mg.nn.functional, conv)(*_conv_args(mg, nd, *dtypes))
        assert str(got.value).startswith(str(e))
        return
    out = getattr(mg.nn.functional, conv)(*_conv_args(mg, nd, *dtypes))
    assert str(out.dtype) == str(expected.dtype).replace("torch", "minigrad")
    np.testing.assert_allclose(out.numpy(), expected.numpy())


def test_conv_layers_refuse_an_input_of_another_dtype() -> None:
    layer = mg.nn.Conv2d(1, 2, 3)
    with pytest.raises(
        RuntimeError, match=re.escape("Input type (double) and bias type (float) should be")
    ):
        layer(mg.ones(1, 1, 5, 5, dtype=mg.float64))
    with pytest.raises(RuntimeError, match="expected scalar type Double but found Float"):
        mg.nn.Conv1d(1, 2, 3, bias=False)(mg.ones(1, 1, 5, dtype=mg.float64))
    assert layer.double()(mg.ones(1, 1, 5, 5, dtype=mg.float64)).dtype == mg.float64


# -- einsum contracts only operands of one dtype ------------------------------------------------

EINSUMS = [
    ("ij,jk->ik", ("float64", "float32")),
    ("ij,jk->ik", ("int64", "float32")),
    ("i,i->", ("float64", "float32")),
    ("bij,bjk->bik", ("float32", "float64")),
    ("ij,ij->i", ("float32", "float64")),
    ("i,j->ij", ("int64", "float32")),
    ("ij,ij->ij", ("float32", "float64")),
    ("i,j,ij->", ("float32", "float64", "float32")),
    ("ij,jk,kl->il", ("float32", "float32", "float64")),
    ("ij,jk->ik", ("bool", "bool")),
    ("i,i->i", ("int32", "int64")),
    ("ij,jk->ik", ("float32", "float32")),
]


def _einsum_operands(lib: Any, eq: str, dtypes: tuple[str, ...]) -> list[Any]:
    sizes = {"i": 2, "j": 3, "k": 2, "l": 3, "b": 2}
    subs = eq.split("->")[0].split(",")
    return [lib.ones(*(sizes[c] for c in s), dtype=getattr(lib, d)) for s, d in zip(subs, dtypes)]


def test_einsum_refuses_to_contract_two_dtypes() -> None:
    a, b = mg.ones(2, 3, dtype=mg.float64), mg.ones(3, 2)
    with pytest.raises(RuntimeError, match=r"^expected scalar type Double but found Float"):
        mg.einsum("ij,jk->ik", a, b)
    outer = mg.einsum("i,j->ij", mg.tensor([1, 2]), mg.tensor([0.5, 1.0]))  # nothing summed
    assert outer.dtype == mg.float32 and outer.tolist() == [[0.5, 1.0], [1.0, 2.0]]


@pytest.mark.parametrize(("eq", "dtypes"), EINSUMS, ids=str)
def test_einsum_dtypes_as_torch(eq: str, dtypes: tuple[str, ...]) -> None:
    torch = pytest.importorskip("torch")
    try:
        expected = torch.einsum(eq, *_einsum_operands(torch, eq, dtypes))
    except Exception as e:
        with pytest.raises(type(e)) as got:
            mg.einsum(eq, *_einsum_operands(mg, eq, dtypes))
        assert str(got.value).startswith(str(e))
        return
    out = mg.einsum(eq, *_einsum_operands(mg, eq, dtypes))
    assert str(out.dtype) == str(expected.dtype).replace("torch", "minigrad")
    np.testing.assert_allclose(out.numpy(), expected.numpy())


# -- integer arguments are not truncated ------------------------------------------------------

# (a call that minigrad once answered by truncating a float or reading a bool as 0 or 1, and
# the start of PyTorch's TypeError, whose argument position minigrad counts for the method)
TRUNCATED: list[tuple[str, Callable[[Any], Any], str]] = [
    ("triu", lambda x: x.triu(2.5), "triu(): argument 'diagonal'"),
    ("tril_bool", lambda x: x.tril(True), "tril(): argument 'diagonal'"),
    ("tril_", lambda x: x.clone().tril_(1.5), "tril"),
    ("split", lambda x: x.split(1.5), "split_with_sizes(): argument 'split_sizes'"),
    ("split_list", lambda x: x.split([1, 1.0]), "split_with_sizes(): argument 'split_sizes'"),
    ("split_bools", lambda x: x.split([True, 1]), "split_with_sizes(): argument 'split_sizes'"),
    ("chunk", lambda x: x.chunk(2.5), "chunk(): argument 'chunks'"),
    ("chunk_bool", lambda x: x.chunk(True), "chunk(): argument 'chunks'"),
    ("topk", lambda x: x.topk(1.0), "topk(): argument 'k'"),
    ("topk_bool", lambda x: x.topk(True), "topk(): argument 'k'"),
    ("kthvalue", lambda x: x.kthvalue(1.0), "kthvalue(): argument 'k'"),
    ("unique_dim", lambda x: x.unique(0), "argument 'sorted' must be bool, not int"),
]


@pytest.mark.parametrize(("name", "call", "words"), TRUNCATED, ids=[c[0] for c in TRUNCATED])
def test_float_or_bool_int_arguments_raise_as_torch(
    name: str, call: Callable[[Any], Any], words: str
) -> None:
    with pytest.raises(TypeError, match=re.escape(words)):
        call(mg.arange(6.0).reshape(2, 3))
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match=re.escape(words)):
        call(torch.arange(6.0).reshape(2, 3))


def test_int_arguments_still_take_numpy_ints_and_0d_int_tensors() -> None:
    x = mg.arange(6.0).reshape(2, 3)
    assert x.triu(np.int64(1)).tolist() == [[0.0, 1.0, 2.0], [0.0, 0.0, 5.0]]
    assert [t.shape[1] for t in x.split(mg.tensor(2), 1)] == [2, 1]
    assert len(x.chunk(np.int32(2))) == 2 and x.topk(np.int64(2)).values.shape == (2, 2)


def test_equal_needs_a_tensor_as_torch() -> None:
    """``x.equal(2)`` once answered False by NumPy's rules; PyTorch refuses a non-tensor."""
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        with pytest.raises(
            TypeError, match=r"equal\(\): argument 'other' .*must be Tensor, not int"
        ):
            lib.ones(2).equal(2)
        with pytest.raises(TypeError, match=r"must be Tensor, not list"):
            lib.equal(lib.ones(2), [1.0, 1.0])
        assert lib.ones(2).equal(lib.ones(2, dtype=lib.int64))


# -- bit shifts -------------------------------------------------------------------------------

SHIFTS: list[tuple[str, Callable[[Any], Any]]] = [
    ("int32 << 2", lambda L: L.tensor([1, 2, -8], dtype=L.int32) << 2),
    ("int32 >> 1 keeps the sign", lambda L: L.tensor([1, 2, -8], dtype=L.int32) >> 1),
    ("number << tensor", lambda L: 1 << L.tensor([1, 2, 8], dtype=L.int32)),
    ("number >> tensor", lambda L: -64 >> L.tensor([1, 2, 8], dtype=L.int32)),
    ("by the width or more", lambda L: L.tensor([1, 2, -8], dtype=L.int32) >> 40),
    ("left by the width or more", lambda L: L.tensor([1, 2]) << 64),
    ("into the sign bit", lambda L: L.tensor([1, 2]) << 63),
    ("by a negative count", lambda L: L.tensor([1, 2, -8], dtype=L.int32) << -1),
    ("right by a negative count", lambda L: L.tensor([1, 2, -8], dtype=L.int32) >> -1),
    ("uint8 wraps", lambda L: L.tensor([1, 2], dtype=L.uint8) << 7),
    ("int8 into the sign", lambda L: L.tensor([3], dtype=L.int8) << 7),
    ("bool by a number", lambda L: L.tensor([True, False]) << 1),
    ("promoted", lambda L: L.tensor([1, 2, -8], dtype=L.int32) << L.tensor([1, 2, 3])),
    ("broadcast counts", lambda L: L.tensor([[1], [-5]]) >> L.tensor([0, 1, 70])),
    ("function, number first", lambda L: L.bitwise_left_shift(3, L.tensor([1, 2]))),
    ("function", lambda L: L.bitwise_right_shift(L.tensor([-9, 9]), L.tensor([1, 2]))),
    ("method", lambda L: L.tensor([5]).bitwise_left_shift(L.tensor(2))),
]


@pytest.mark.parametrize(("name", "call"), SHIFTS, ids=[c[0] for c in SHIFTS])
def test_shifts_as_torch(name: str, call: Callable[[Any], Any]) -> None:
    """``<<``, ``>>``, their functions and methods: missing before (an AttributeError, or
    Python's TypeError for the operators)."""
    torch = pytest.importorskip("torch")
    got, want = call(mg), call(torch)
    assert str(got.dtype) == str(want.dtype).replace("torch.", "minigrad.")
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_shifts_in_place_as_torch() -> None:
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        t = lib.tensor([1, -3], dtype=lib.int32)
        view = t[:]
        t <<= lib.tensor([1, 1])  # (an int64 count: the result stays int32)
        t >>= 1
        t.bitwise_left_shift_(2)
        assert t.tolist() == [4, -12] and view.tolist() == [4, -12] and t.dtype == lib.int32


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (
            lambda L: L.tensor([1.0]) << 1,
            NotImplementedError,
            "\"lshift_cpu\" not implemented for 'Float'",
        ),
        (
            lambda L: L.tensor([1]) >> 1.5,
            NotImplementedError,
            "\"rshift_cpu\" not implemented for 'Float'",
        ),
        (
            lambda L: L.tensor([True]) << L.tensor([True]),
            NotImplementedError,
            "\"lshift_cpu\" not implemented for 'Bool'",
        ),
        (
            lambda L: L.tensor([1, 2]) << L.tensor([1, 2, 3]),
            RuntimeError,
            "The size of tensor a (2) must match the size of tensor b (3)",
        ),
        (
            lambda L: L.tensor([1, 2]) & L.tensor([1, 2, 3]),
            RuntimeError,
            "The size of tensor a (2) must match the size of tensor b (3)",
        ),
        (
            lambda L: L.tensor([1, 2]).__ilshift__(1.5),
            RuntimeError,
            "result type Float can't be cast to the desired output type Long",
        ),
    ],
)
def test_shift_misuse_raises_as_torch(call: Callable[[Any], Any], error: type, words: str) -> None:
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        with pytest.raises(error, match=re.escape(words)):
            call(lib)
