"""``Tensor(...)`` as PyTorch's legacy constructor ``torch.Tensor(...)``; ``tensor(...)`` infers.

Each form against torch (dtype, shape, values where defined), NumPy arrays and elements as
torch reads them (the default float dtype; memory shared only when no conversion is needed), the
errors in PyTorch's words, the keywords minigrad adds and minigrad's own users of tensors made
from arrays keeping their dtypes.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor, nn
from minigrad.nn import functional as F

# Each form, written once for both libraries: ``lib`` is minigrad or torch.
FORMS: dict[str, Callable[[Any], Any]] = {
    "int list": lambda lib: lib.Tensor([1, 2]),
    "float list": lambda lib: lib.Tensor([1.5, 2]),
    "bool list": lambda lib: lib.Tensor([True, False]),
    "nested list": lambda lib: lib.Tensor([[1, 2], [3, 4]]),
    "tuple is data": lambda lib: lib.Tensor((2, 3)),
    "range": lambda lib: lib.Tensor(range(3)),
    "empty list": lambda lib: lib.Tensor([]),
    "empty nested": lambda lib: lib.Tensor([[]]),
    "list of tensors": lambda lib: lib.Tensor([lib.tensor(1), lib.tensor(2)]),
    "int tensor": lambda lib: lib.Tensor(lib.tensor([1, 2])),
    "float64 tensor": lambda lib: lib.Tensor(lib.tensor([1.0, 2.0], dtype=lib.float64)),
    "bool tensor": lambda lib: lib.Tensor(lib.tensor([True, False])),
    "0-d int tensor": lambda lib: lib.Tensor(lib.tensor(3)),
    "float64 array": lambda lib: lib.Tensor(np.array([1.5, -2.0])),
    "float32 array": lambda lib: lib.Tensor(np.array([1.5, -2.0], dtype=np.float32)),
    "float16 array": lambda lib: lib.Tensor(np.array([1.5, -2.0], dtype=np.float16)),
    "int64 array": lambda lib: lib.Tensor(np.array([[0, 2], [1, -3]])),
    "int32 array": lambda lib: lib.Tensor(np.array([7, 8], dtype=np.int32)),
    "uint8 array": lambda lib: lib.Tensor(np.array([0, 255], dtype=np.uint8)),
    "bool array": lambda lib: lib.Tensor(np.array([True, False])),
    "empty int array": lambda lib: lib.Tensor(np.zeros((2, 0), dtype=np.int64)),
    "strided array": lambda lib: lib.Tensor(np.arange(12.0).reshape(3, 4)[::2, 1::2]),
    "0-d float array": lambda lib: lib.Tensor(np.array(2.5)),
    "0-d float32 array": lambda lib: lib.Tensor(np.array(2.5, dtype=np.float32)),
    "0-d bool array": lambda lib: lib.Tensor(np.array(True)),
    "list of NumPy ints": lambda lib: lib.Tensor([np.int64(1), np.int32(2)]),
    "list of NumPy floats": lambda lib: lib.Tensor([np.float64(1.5), np.float32(2)]),
    "array, device keyword": lambda lib: lib.Tensor(np.array([1, 2]), device="cpu"),
}
SIZES: dict[str, Callable[[Any], Any]] = {
    "no argument": lambda lib: lib.Tensor(),
    "one size": lambda lib: lib.Tensor(3),
    "zero size": lambda lib: lib.Tensor(0),
    "two sizes": lambda lib: lib.Tensor(2, 3),
    "Size": lambda lib: lib.Tensor(lib.Size([2, 3])),
    "empty Size": lambda lib: lib.Tensor(lib.Size([])),
    "a shape": lambda lib: lib.Tensor(lib.zeros(4, 1).shape),
    "size()": lambda lib: lib.Tensor(lib.zeros(2, 5).size()),
    "NumPy int sizes": lambda lib: lib.Tensor(np.int64(2), 3),
    "NumPy int is a size": lambda lib: lib.Tensor(np.int64(3)),
    "NumPy int32 is a size": lambda lib: lib.Tensor(np.int32(2)),
    "NumPy uint8 is a size": lambda lib: lib.Tensor(np.uint8(2)),
    "0-d int array is a size": lambda lib: lib.Tensor(np.array(3)),
    "0-d int arrays are sizes": lambda lib: lib.Tensor(np.array(2), np.array(3, np.int32)),
    "NumPy int, device keyword": lambda lib: lib.Tensor(np.int64(2), device="cpu"),
    "device keyword": lambda lib: lib.Tensor(2, 3, device="cpu"),
}


def _dtype_name(t: Any) -> str:
    return str(t.dtype).split(".")[-1]


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_data_forms_as_torch(form: Callable[[Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = form(mg), form(torch)
    assert _dtype_name(ours) == _dtype_name(theirs)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("form", SIZES.values(), ids=SIZES.keys())
def test_size_forms_as_torch(form: Callable[[Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = form(mg), form(torch)
    assert _dtype_name(ours) == _dtype_name(theirs) == "float32"
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert not ours.requires_grad and ours.is_leaf
    # PyTorch leaves the values unset; minigrad's are zeros
    np.testing.assert_array_equal(ours.numpy(), np.zeros(tuple(theirs.shape), np.float32))


def test_int_list_is_float_but_tensor_infers() -> None:
    t = Tensor([1, 2])
    assert t.dtype == mg.float32 and t.tolist() == [1.0, 2.0]
    assert Tensor(3).shape == (3,) and Tensor(3).dtype == mg.float32  # not the number 3
    assert mg.tensor([1, 2]).dtype == mg.int64 and mg.tensor(3).shape == ()
    assert mg.tensor([1.5]).dtype == mg.float32 and mg.tensor([True]).dtype == mg.bool
    assert mg.as_tensor([1, 2]).dtype == mg.int64 and mg.as_tensor(2.5).dtype == mg.float32


@pytest.mark.parametrize("form", [*FORMS.values(), *SIZES.values()])
def test_default_dtype_is_followed(form: Callable[[Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    ours_before, theirs_before = mg.get_default_dtype(), torch.get_default_dtype()
    mg.set_default_dtype(mg.float64)
    torch.set_default_dtype(torch.float64)
    try:
        ours, theirs = form(mg), form(torch)
    finally:
        mg.set_default_dtype(ours_before)
        torch.set_default_dtype(theirs_before)
    assert _dtype_name(ours) == _dtype_name(theirs)
    assert tuple(ours.shape) == tuple(theirs.shape)


MISUSES: dict[str, Callable[[Any], Any]] = {
    "float size": lambda lib: lib.Tensor(2, 3.5),
    "float": lambda lib: lib.Tensor(3.5),
    "bool": lambda lib: lib.Tensor(True),
    "None": lambda lib: lib.Tensor(None),
    "complex": lambda lib: lib.Tensor(1j),
    "dict": lambda lib: lib.Tensor({1: 2}),
    "generator": lambda lib: lib.Tensor(x for x in range(3)),
    "string": lambda lib: lib.Tensor("a"),
    "string in list": lambda lib: lib.Tensor([1, "a"]),
    "None in list": lambda lib: lib.Tensor([[1.0], [None]]),
    "complex in list": lambda lib: lib.Tensor([1j]),
    "ragged": lambda lib: lib.Tensor([[1, 2], [3]]),
    "list then size": lambda lib: lib.Tensor([1, 2], 3),
    "tuple then size": lambda lib: lib.Tensor((2, 3), 4),
    "Size then size": lambda lib: lib.Tensor(lib.Size([2, 3]), 4),
    "tensor then size": lambda lib: lib.Tensor(lib.tensor([1.0]), 3),
    "two bools": lambda lib: lib.Tensor(True, False),
    "tuple as a size": lambda lib: lib.Tensor(2, (3,)),
    "positional dtype name": lambda lib: lib.Tensor([1, 2], "float64"),
    "positional NumPy dtype": lambda lib: lib.Tensor([1, 2], np.float64),
    "negative size": lambda lib: lib.Tensor(-1),
    "negative second size": lambda lib: lib.Tensor(2, -1),
    "NumPy float": lambda lib: lib.Tensor(np.float64(2.5)),
    "NumPy float32": lambda lib: lib.Tensor(np.float32(2.5)),
    "NumPy bool": lambda lib: lib.Tensor(np.bool_(True)),
    "negative NumPy int": lambda lib: lib.Tensor(np.int64(-2)),
    "negative 0-d array": lambda lib: lib.Tensor(np.array(-1)),
}


@pytest.mark.parametrize("misuse", MISUSES.values(), ids=MISUSES.keys())
def test_misuse_raises_torchs_error(misuse: Callable[[Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        misuse(torch)
    with pytest.raises(theirs.type) as ours:
        misuse(mg)
    first_line = str(theirs.value).split("\n")[0]
    assert str(ours.value).replace("minigrad.Size", "torch.Size").startswith(first_line)


def test_misuse_messages_say_the_fix() -> None:
    with pytest.raises(TypeError, match=r"got float\) .*minigrad\.tensor\(3\.5\)"):
        Tensor(3.5)
    with pytest.raises(TypeError, match=r"(?s)got \(list, str\).*dtype=, device="):
        Tensor([1, 2], "float64")
    with pytest.raises(TypeError, match=r"must be real number, not str .*element \[1\]"):
        Tensor([1, "a"])
    with pytest.raises(ValueError, match=r"at element \[1\] .*rectangular"):
        Tensor([[1, 2], [3]])
    with pytest.raises(RuntimeError, match=r"negative dimension -1: \[2, -1\]"):
        Tensor(2, -1)
    with pytest.raises(RuntimeError, match="cuda"):
        Tensor(2, device="cuda")
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype"):
        Tensor([1, 2], dtype=mg.int64, requires_grad=True)


def test_minigrad_keywords() -> None:
    # dtype=, requires_grad= and name= are minigrad's (torch.Tensor takes only device=)
    assert Tensor([1.7, 2.2], dtype="int64").tolist() == [1, 2]
    assert Tensor([1, 2], dtype=mg.float64).dtype == mg.float64
    z = Tensor(2, 3, dtype=mg.int64)
    assert z.dtype == mg.int64 and z.shape == (2, 3) and z.sum().item() == 0
    w = Tensor(2, 2, requires_grad=True, name="w")
    assert w.requires_grad and w.is_leaf and w.name == "w"
    (w * 2).sum().backward()
    assert w.grad is not None and w.grad.tolist() == [[2.0, 2.0], [2.0, 2.0]]


# NumPy data and what ``Tensor(data)`` holds: (dtype, shape), the default float dtype float32.
NUMPY_DATA: dict[str, tuple[Any, str, tuple[int, ...]]] = {
    "float64 array": (np.array([1.5, 2.0]), "float32", (2,)),
    "float32 array": (np.zeros((2, 3), np.float32), "float32", (2, 3)),
    "float16 array": (np.array([1.5], np.float16), "float32", (1,)),
    "int64 array": (np.array([0, 2, 1]), "float32", (3,)),
    "int32 array": (np.array([[1], [2]], np.int32), "float32", (2, 1)),
    "uint8 array": (np.array([0, 255], np.uint8), "float32", (2,)),
    "bool array": (np.array([True, False]), "float32", (2,)),
    "0-d float64 array": (np.array(2.5), "float32", ()),
    "0-d bool array": (np.array(True), "float32", ()),
    "0-d int array": (np.array(3), "float32", (3,)),  # an int: a size, as np.int64(3)
    "NumPy int": (np.int64(3), "float32", (3,)),
    "NumPy uint8": (np.uint8(2), "float32", (2,)),
    "int64 tensor": (mg.tensor([1, 2]), "int64", (2,)),  # a tensor is kept as it is
    "bool tensor": (mg.tensor([True]), "bool", (1,)),
    "float64 tensor": (mg.tensor([1.0], dtype=mg.float64), "float64", (1,)),
}


def _with_float64_default(make: Callable[[], Any]) -> Any:
    """``make()`` run with minigrad's default float dtype set to float64."""
    before = mg.get_default_dtype()
    mg.set_default_dtype(mg.float64)
    try:
        return make()
    finally:
        mg.set_default_dtype(before)


@pytest.mark.parametrize("data, dtype, shape", NUMPY_DATA.values(), ids=NUMPY_DATA.keys())
def test_numpy_data_gives_the_default_float_dtype(
    data: Any, dtype: str, shape: tuple[int, ...]
) -> None:
    t = Tensor(data)
    assert (_dtype_name(t), t.shape) == (dtype, shape)
    if isinstance(data, np.ndarray) and data.dtype.kind != "i":
        np.testing.assert_array_equal(t.numpy(), data.astype(np.float32))
    t64 = _with_float64_default(lambda: Tensor(data))
    assert (_dtype_name(t64), t64.shape) == (dtype.replace("32", "64"), shape)


def test_numpy_data_memory_shared_only_without_conversion() -> None:
    """As ``torch.Tensor``: an array already in the default float dtype is shared (as
    ``from_numpy``), any other is copied; a tensor is shared, dtype and all."""
    buffer = np.zeros(3, np.float32)
    t = Tensor(buffer)
    buffer[0] = 7
    assert t.tolist() == [7.0, 0.0, 0.0]
    strided = np.zeros((3, 4), np.float32)[::2, ::-1]  # (torch refuses negative strides)
    s = Tensor(strided)
    strided[0, 0] = 5
    assert s[0, 0].item() == 5
    doubles, labels = np.zeros(2), np.array([0, 2])
    d, lab = Tensor(doubles), Tensor(labels)
    doubles[0], labels[0] = 7, 7
    assert d.tolist() == [0.0, 0.0] and lab.tolist() == [0.0, 2.0]
    d = _with_float64_default(lambda: Tensor(doubles))
    doubles[1] = 3
    assert d.dtype == mg.float64 and d.tolist() == [7.0, 3.0]
    i = mg.tensor([1, 2])
    j = Tensor(i)
    j[0] = 5
    assert j is not i and j.dtype == mg.int64 and i.tolist() == [5, 2]


def test_numpy_memory_as_torch() -> None:
    torch = pytest.importorskip("torch")
    for dt in (np.float32, np.float64, np.int64):
        ours_src, theirs_src = np.array([1, 2], dt), np.array([1, 2], dt)
        ours, theirs = Tensor(ours_src), torch.Tensor(theirs_src)
        ours_src[0] = theirs_src[0] = 9
        assert ours.tolist() == theirs.tolist()


def test_numpy_data_keyword_dtype_and_refusals() -> None:
    # dtype= (minigrad's keyword; torch.Tensor takes none) replaces the default float dtype
    labels = np.array([0, 2, 1])
    assert Tensor(labels, dtype=mg.int64).dtype == mg.int64
    assert Tensor(np.zeros(2), dtype="float64").dtype == mg.float64
    assert Tensor(np.array([1.7, -2.2]), dtype=mg.int32).tolist() == [1, -2]
    assert Tensor(np.array(3), dtype=mg.float64).shape == (3,)  # still a size
    with pytest.raises(TypeError, match=r"got numpy\.float64\) .*tensor\(np\.float64\(2\.5\)\)"):
        Tensor(np.float64(2.5))
    with pytest.raises(TypeError, match="complex tensors are not supported"):
        Tensor(np.array([1 + 2j]))
    with pytest.raises(TypeError, match=r"element \[1\] has type str"):
        Tensor(np.array([1, "a"], dtype=object))
    with pytest.raises(RuntimeError, match=r"negative dimension -1: \[-1\]"):
        Tensor(np.array(-1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (NumPy's cast would warn of the overflow)
        assert Tensor(np.array([1e300, -1e300])).tolist() == [np.inf, -np.inf]  # as PyTorch
    # what keeps an array's dtype: tensor() (a copy), from_numpy() and as_tensor() (shared)
    assert mg.tensor(labels).dtype == mg.from_numpy(labels).dtype == mg.int64
    assert mg.as_tensor(labels).dtype == mg.int64


def test_tensor_function_and_friends_unchanged() -> None:
    a = np.array([1, 2], dtype=np.int32)
    t = mg.tensor(a)
    assert t.dtype == mg.int32 and not np.shares_memory(t.numpy(), a)
    s = mg.from_numpy(a)
    assert s.dtype == mg.int32 and np.shares_memory(s.numpy(), a)
    assert mg.as_tensor(a).numpy() is a
    assert mg.tensor(2.5, requires_grad=True).shape == ()
    assert mg.tensor([[1, 2]], dtype=mg.float64).dtype == mg.float64
    assert mg.zeros(2, 3).dtype == mg.float32 and mg.full((2,), 3).dtype == mg.int64


def test_parameter_of_legacy_sizes() -> None:
    """The tutorials' ``nn.Parameter(torch.Tensor(out, in))`` then an init."""
    p = nn.Parameter(Tensor(3, 4))
    nn.init.uniform_(p, -0.1, 0.1)
    assert p.shape == (3, 4) and p.dtype == mg.float32 and p.requires_grad
    assert nn.Parameter(np.zeros(2)).dtype == mg.float64  # NumPy data keeps its dtype
    assert nn.Parameter([1.0, 2.0]).dtype == mg.float32


def test_internal_users_keep_their_dtypes() -> None:
    bn = nn.BatchNorm1d(3, dtype=mg.float64)
    assert bn.running_mean.dtype == bn.running_var.dtype == mg.float64
    assert bn.num_batches_tracked.dtype == mg.int64 and bn.num_batches_tracked.shape == ()
    bn(mg.randn(4, 3, dtype=mg.float64))
    assert bn.running_mean.dtype == mg.float64 and bn.num_batches_tracked.item() == 1

    ds = mg.utils.data.TensorDataset(mg.randn(3, 2), mg.tensor([0, 2, 1]))
    _, y = ds[1]
    assert y.dtype == mg.int64 and y.shape == () and y.item() == 2  # an element, not a size
    logits = mg.randn(3, 4, requires_grad=True)
    F.cross_entropy(logits, mg.from_numpy(np.array([0, 3, 1]))).backward()
    assert logits.grad is not None

    i = mg.tensor([1, 2, 3])
    assert i.masked_fill(i > 1, 7).tolist() == [1, 7, 7]
    assert i.scatter_add(0, mg.tensor([0]), mg.tensor([5])).tolist() == [6, 2, 3]
    assert mg.where(mg.tensor([True, False]), [1, 2], [3, 4]).tolist() == [1, 4]
    lin = nn.Linear(2, 1)
    assert lin([[1.0, 2.0]]).shape == (1, 1)


# -- Tensor(t) of a tensor: an alias, through which gradients flow (torch.Tensor(t)) ---------


def _alias_of_leaf(lib: Any) -> tuple[Any, Any]:
    t = lib.tensor([1.0, 2.0], requires_grad=True)
    return t, lib.Tensor(t)


def test_alias_of_a_tensor_requiring_grad_passes_gradients_back() -> None:
    """``Tensor(t)`` of a ``t`` that requires grad is a view of it (PyTorch's
    ``AliasBackward0``): gradients reach ``t``, as in PyTorch, where they used to stop at a new
    leaf that did not require grad."""
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        t, u = _alias_of_leaf(lib)
        assert u is not t and u.requires_grad and not u.is_leaf
        name = u.grad_fn.name()
        assert name == "AliasBackward0"
        assert (u._base[0] if lib is mg else u._base) is t  # (minigrad's: the base and its op)
        (u * lib.tensor([3.0, 4.0])).sum().backward()
        assert t.grad.tolist() == [3.0, 4.0]


def test_alias_shares_memory_and_refuses_in_place_on_a_leaf_view() -> None:
    torch = pytest.importorskip("torch")
    message = r"a view of a leaf Variable that requires grad is being used in an in-place"
    for lib in (mg, torch):
        t, u = _alias_of_leaf(lib)
        with lib.no_grad():
            t[0] = 7.0
        assert u.tolist() == [7.0, 2.0]
        with pytest.raises(RuntimeError, match=message):
            u.mul_(2)


def test_alias_of_a_computed_tensor_and_of_a_plain_one() -> None:
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        u = lib.Tensor(a * 2)
        assert not u.is_leaf and u.requires_grad
        (u * u).sum().backward()
        assert a.grad.tolist() == [8.0, 16.0]  # d/da (2a)^2 = 8a
        c = lib.tensor([1.0, 2.0])
        v = lib.Tensor(c)
        assert v.is_leaf and not v.requires_grad and v.grad_fn is None
        v[0] = 5.0
        assert c.tolist() == [5.0, 2.0]


def test_alias_keeps_the_dtype_and_its_recorded_node_has_the_view_rule() -> None:
    t = mg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=mg.float64, requires_grad=True)
    u = Tensor(t)
    assert u.dtype == mg.float64 and np.shares_memory(u.detach().numpy(), t.detach().numpy())
    assert mg.autograd.gradcheck(lambda x: (Tensor(x) * x).sum(), (t,))
    assert mg.autograd.gradgradcheck(lambda x: (Tensor(x) ** 3).sum(), (t,))


def test_tensor_with_a_device_refused_as_torch() -> None:
    torch = pytest.importorskip("torch")
    message = r"Legacy tensor constructor of the form torch\.Tensor\(tensor, device=device\)"
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match=message):
            lib.Tensor(lib.tensor([1.0]), device="cpu")


def test_tensor_of_a_tensor_with_another_dtype_is_a_recorded_cast() -> None:
    """minigrad's ``dtype=`` (torch.Tensor takes none) of another dtype copies, as ``t.to``,
    and records that cast when ``t`` requires grad: the gradient reaches ``t`` in its dtype."""
    t = mg.tensor([1.0, 2.0], requires_grad=True)
    u = Tensor(t, dtype=mg.float64)
    assert u.dtype == mg.float64 and u.requires_grad and u.grad_fn.name() == "ToCopyBackward0"
    (u * u).sum().backward()
    assert t.grad.dtype == mg.float32 and t.grad.tolist() == [2.0, 4.0]
    with mg.no_grad():
        u[0] = 5.0
    assert t.tolist() == [1.0, 2.0]  # a copy
    plain = mg.tensor([1.0, 2.0])
    assert not Tensor(plain, dtype=mg.float64).requires_grad
    assert Tensor(plain, dtype=mg.float64, requires_grad=True).is_leaf
    x = mg.tensor([0.5, -1.5], dtype=mg.float64, requires_grad=True)
    (Tensor(x, dtype=mg.float32) * mg.tensor([3.0, 4.0])).sum().backward()
    assert x.grad.dtype == mg.float64 and x.grad.tolist() == [3.0, 4.0]
