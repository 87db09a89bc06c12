"""``Tensor(...)`` as PyTorch's legacy constructor ``torch.Tensor(...)``; ``tensor(...)`` infers.

Each form against torch (dtype, shape, values where defined), the errors in PyTorch's words,
the keywords minigrad adds, the one difference (NumPy data is kept as it is) and minigrad's own
users of the constructor keeping their dtypes.
"""

from __future__ import annotations

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
    with pytest.raises(TypeError, match="only floating-point tensors can require grad"):
        Tensor(np.array([1, 2]), requires_grad=True)


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


def test_numpy_data_is_kept_as_it_is() -> None:
    """The difference from PyTorch (which converts to the default float dtype): NumPy arrays
    and their elements keep their dtype and an array its memory, as ``from_numpy``."""
    labels = np.array([0, 2, 1])
    t = Tensor(labels)
    assert t.dtype == mg.int64 and t.numpy() is labels
    buffer = np.zeros(3)
    assert Tensor(buffer).dtype == mg.float64 and Tensor(buffer).numpy() is buffer
    assert Tensor(np.array(3)).shape == () and Tensor(np.int64(3)).tolist() == 3
    assert Tensor(np.float64(2.5)).dtype == mg.float64
    assert Tensor(np.array([1, 2]), dtype=mg.float32).dtype == mg.float32  # converts on request
    torch = pytest.importorskip("torch")
    assert torch.Tensor(labels).dtype == torch.float32  # (what the docs say differs)


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
    F.cross_entropy(logits, Tensor(np.array([0, 3, 1]))).backward()  # labels from an array
    assert logits.grad is not None

    i = mg.tensor([1, 2, 3])
    assert i.masked_fill(i > 1, 7).tolist() == [1, 7, 7]
    assert i.scatter_add(0, mg.tensor([0]), mg.tensor([5])).tolist() == [6, 2, 3]
    assert mg.where(mg.tensor([True, False]), [1, 2], [3, 4]).tolist() == [1, 4]
    lin = nn.Linear(2, 1)
    assert lin([[1.0, 2.0]]).shape == (1, 1)
