"""Names the first chapters of PyTorch's tutorials use that minigrad added for them: ``out=`` on
the functions, ``scatter``/``scatter_`` (the Transforms chapter's one-hot), ``masked_fill`` with a
number in an integer tensor. Each is compared with torch when it is installed; the gradients of
``scatter`` are checked by finite differences in the op table (``tests/op_specs.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg

# ---------------------------------------------------------------------------------------------
# out=


def test_out_writes_into_the_given_tensor_as_the_tensors_tutorial_does() -> None:
    t = mg.ones(4, 4)
    t[:, 1] = 0
    y3 = mg.rand_like(t)
    memory = y3.numpy()
    assert mg.matmul(t, t.T, out=y3) is y3
    np.testing.assert_array_equal(memory, (t @ t.T).numpy())  # the same memory, written
    z3 = mg.rand_like(t)
    mg.mul(t, t, out=z3)
    np.testing.assert_array_equal(z3.numpy(), (t * t).numpy())


@pytest.mark.parametrize(
    "call",
    [
        lambda a, b, out: mg.add(a, b, alpha=2, out=out),
        lambda a, b, out: mg.sub(a, b, out=out),
        lambda a, b, out: mg.div(a, b, out=out),
        lambda a, b, out: mg.pow(a, b, out=out),
        lambda a, b, out: mg.maximum(a, b, out=out),
        lambda a, b, out: mg.minimum(a, b, out=out),
        lambda a, b, out: mg.mm(a, b, out=out),
        lambda a, b, out: mg.exp(a, out=out),
        lambda a, b, out: mg.log(a, out=out),
        lambda a, b, out: mg.sqrt(a, out=out),
        lambda a, b, out: mg.abs(a, out=out),
        lambda a, b, out: mg.sin(a, out=out),
        lambda a, b, out: mg.cos(a, out=out),
        lambda a, b, out: mg.tanh(a, out=out),
        lambda a, b, out: mg.sigmoid(a, out=out),
        lambda a, b, out: mg.clamp(a, 0.5, 1.5, out=out),
    ],
)
def test_out_equals_the_returned_result(call: Any) -> None:
    rng = np.random.default_rng(0)
    a, b = (mg.tensor(rng.uniform(0.5, 2.0, (3, 3)), dtype=mg.float32) for _ in range(2))
    out = mg.zeros(3, 3)
    assert call(a, b, out) is out
    np.testing.assert_array_equal(out.numpy(), call(a, b, None).numpy())


def test_out_of_cat_stack_bmm_and_an_empty_out_takes_the_shape() -> None:
    a, b = mg.ones(2, 3), mg.zeros(2, 3)
    out = mg.empty(0)
    assert mg.cat([a, b], dim=0, out=out) is out and out.shape == (4, 3)
    out = mg.zeros(2, 2, 3)
    mg.stack([a, b], dim=0, out=out)
    np.testing.assert_array_equal(out.numpy(), np.stack([a.numpy(), b.numpy()]))
    out = mg.zeros(2, 2, 2)
    mg.bmm(mg.ones(2, 2, 3), mg.ones(2, 3, 2), out=out)
    np.testing.assert_array_equal(out.numpy(), np.full((2, 2, 2), 3.0))


def test_out_casts_within_a_kind_as_pytorch() -> None:
    out = mg.zeros(2, dtype=mg.float64)
    mg.mul(mg.ones(2), mg.ones(2), out=out)
    assert out.dtype == mg.float64
    out = mg.zeros(2)
    mg.add(mg.ones(2, dtype=mg.int64), 1, out=out)  # int result into a float out
    np.testing.assert_array_equal(out.numpy(), [2.0, 2.0])


def test_out_errors_say_what_to_do_and_change_nothing() -> None:
    a = mg.ones(2, 2, requires_grad=True)
    out = mg.zeros(2, 2)
    with pytest.raises(RuntimeError, match=r"mul\(\): functions with out=\.\.\. arguments don't"):
        mg.mul(a, a, out=out)
    with mg.no_grad():  # as in PyTorch, fine when nothing is recorded
        mg.mul(a, a, out=out)
    assert out.numpy().sum() == 4
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type int64"):
        mg.mul(mg.ones(2), mg.ones(2), out=mg.zeros(2, dtype=mg.int64))
    full = mg.zeros(3)
    with pytest.raises(RuntimeError, match="does not resize an out= tensor that holds elements"):
        mg.mul(mg.ones(2, 2), 2, out=full)
    assert full.shape == (3,) and full.numpy().sum() == 0
    with pytest.raises(TypeError, match="argument 'out' must be Tensor, not list"):
        mg.mul(mg.ones(2), 2, out=[0, 0])
    with pytest.raises(RuntimeError, match="clone"):
        mg.mul(mg.ones(2, 2), 2, out=mg.zeros(1, 2).expand(2, 2))


def test_out_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        a = lib.tensor([[1.0, 2.0], [3.0, 4.0]])
        out = lib.zeros(2, 2, dtype=lib.float64)
        assert lib.mul(a, a.T, out=out) is out and out.dtype == lib.float64
        with pytest.raises(RuntimeError, match="Expected out tensor to have dtype"):
            lib.matmul(a, a, out=out)  # matmul and clamp want out's dtype to be the result's
        with pytest.raises(RuntimeError):
            lib.clamp(a, 0, 1, out=out)
    for lib in (mg, torch):
        a = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            lib.exp(a, out=lib.zeros(2))


def test_out_moves_the_version_counter() -> None:
    w = mg.ones(2, requires_grad=True)
    c = mg.ones(2)
    y = (w * c).sum()  # saves c for backward
    mg.mul(mg.ones(2), 3, out=c)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


# ---------------------------------------------------------------------------------------------
# scatter


def test_scatter_one_hot_as_the_transforms_tutorial_writes_it() -> None:
    one_hot = mg.zeros(10, dtype=mg.float32).scatter_(0, mg.tensor(3), value=1)
    np.testing.assert_array_equal(one_hot.numpy(), np.eye(10, dtype=np.float32)[3])
    again = mg.zeros(10).scatter_(dim=0, index=mg.tensor(7), value=1)
    assert again.argmax().item() == 7 and again.sum().item() == 1


SCATTER_CASES: list[tuple[Any, ...]] = [
    ((2, 3), 1, [[1], [2]], "src", (2, 1)),
    ((3, 4), 0, [[2, 0, 1, 1], [0, 2, 2, 0]], "src", (2, 4)),
    ((3, 4), 1, [[3, 0], [1, 2]], "src", (3, 3)),
    ((3, 4), -1, [[3], [0], [1]], "value", 2.5),
    ((2, 3), 1, [[1, 2, 0, 1]], "src_equal", (1, 4)),  # repeats that agree are fine
    ((3,), 0, [1, 1], "value", 2.7),
    ((2, 3), 0, [[1, 0, 1]], "add", (1, 3)),
]


@pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")
@pytest.mark.parametrize("case", SCATTER_CASES)
def test_scatter_matches_torch(case: tuple[Any, ...]) -> None:
    torch = pytest.importorskip("torch")
    shape, dim, index, kind, extra = case
    rng = np.random.default_rng(1)
    base = rng.standard_normal(shape)
    src = None if kind == "value" else rng.standard_normal(extra)
    src = np.ones(extra) if kind == "src_equal" else src
    results = []
    for lib in (mg, torch):
        x, idx = lib.tensor(base), lib.tensor(index)
        if kind == "value":
            out = x.scatter(dim, idx, value=extra)
            out2 = x.clone().scatter_(dim, idx, extra)
        elif kind == "add":
            out = x.scatter(dim, idx, lib.tensor(src), reduce="add")
            out2 = x.scatter_add(dim, idx, lib.tensor(src))
        else:
            out = lib.scatter(x, dim, idx, lib.tensor(src))
            out2 = x.clone().scatter_(dim, idx, lib.tensor(src))
        results.append((out.numpy(), out2.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-15)


def test_scatter_gradients_match_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    # (an index smaller than src is checked by finite differences in the op table: torch's
    # own backward refuses it)
    x0, s0, g0 = rng.standard_normal((3, 4)), rng.standard_normal((3, 2)), rng.random((3, 4))
    index = [[3, 0], [1, 2], [0, 3]]
    grads = []
    for lib in (mg, torch):
        x = lib.tensor(x0, requires_grad=True)
        s = lib.tensor(s0, requires_grad=True)
        x.scatter(1, lib.tensor(index), s).backward(lib.tensor(g0))
        grads.append((x.grad.numpy(), s.grad.numpy()))
    for ours, theirs in zip(*grads):
        np.testing.assert_array_equal(ours, theirs)


def test_scatter_in_place_follows_the_in_place_rules() -> None:
    w = mg.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.scatter_(0, mg.tensor([1]), value=1.0)
    assert w.detach().numpy().sum() == 0
    with mg.no_grad():
        w.scatter_(0, mg.tensor([1]), value=1.0)
    np.testing.assert_array_equal(w.detach().numpy(), [0.0, 1.0, 0.0])
    h = w * 2  # a non-leaf: recorded, so the gradient skips the overwritten place
    h.scatter_(0, mg.tensor([0]), value=5.0)
    h.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [0.0, 2.0, 2.0])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda x: x.scatter(1, mg.tensor([[3], [2]]), value=1.0), RuntimeError, "out of bounds"),
        (lambda x: x.scatter(1, mg.tensor([[-1], [2]]), value=1.0), RuntimeError, "index -1"),
        (lambda x: x.scatter(1, mg.tensor([[1.0], [2.0]]), value=1.0), RuntimeError, "int32/int64"),
        (lambda x: x.scatter(1, mg.tensor(1), value=1.0), RuntimeError, "same number of dim"),
        (lambda x: x.scatter(1, mg.tensor([[1, 2]]), mg.ones(1, 1)), RuntimeError, "no larger"),
        (lambda x: x.scatter(1, mg.tensor([[1]]), mg.ones(1, 1).double()), RuntimeError, "dtype"),
        (lambda x: x.scatter(2, mg.tensor([[1]]), value=1.0), IndexError, "Dimension out of"),
        (lambda x: x.scatter(1, mg.tensor([[1, 1]]), mg.rand(1, 2)), RuntimeError, "unique"),
        (lambda x: x.scatter(1, mg.tensor([[1]]), "a"), TypeError, "Tensor or a number"),
        (lambda x: x.scatter(1, mg.tensor([[1]])), TypeError, "either src"),
        (lambda x: x.scatter(1, mg.tensor([[1]]), 1.0, reduce="multiply"), RuntimeError, "add"),
    ],
)
def test_scatter_errors_name_the_problem(call: Any, error: type, match: str) -> None:
    x = mg.zeros(2, 3)
    with pytest.raises(error, match=match):
        call(x)
    assert x.numpy().sum() == 0


def test_scatter_refuses_repeats_whose_gradient_is_ambiguous() -> None:
    src = mg.ones(1, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="gets the gradient is undefined"):
        mg.zeros(2, 3).scatter(1, mg.tensor([[1, 1]]), src)


# ---------------------------------------------------------------------------------------------
# masked_fill with a number: the tensor's dtype, as in PyTorch


def test_masked_fill_casts_a_number_to_the_tensor_dtype() -> None:
    mask = mg.tensor([False, True, False])
    filled = mg.zeros(3, dtype=mg.int64).masked_fill(mask, 2.7)
    assert filled.dtype == mg.int64 and filled.tolist() == [0, 2, 0]
    assert mg.zeros(3, dtype=mg.uint8).masked_fill(mask, -1).tolist() == [0, 255, 0]
    assert mg.zeros(3).masked_fill(mask, float("-inf")).dtype == mg.float32
    with pytest.raises(RuntimeError, match="without overflow"):
        mg.zeros(3, dtype=mg.int64).masked_fill(mask, float("inf"))


def test_masked_fill_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    for dtype in ("int64", "uint8", "bool", "float32", "float64"):
        results = []
        for lib in (mg, torch):
            x = lib.zeros(3, dtype=getattr(lib, dtype))
            results.append(x.masked_fill(lib.tensor([False, True, True]), 2.7))
        assert str(results[0].dtype).split(".")[-1] == str(results[1].dtype).split(".")[-1]
        np.testing.assert_array_equal(results[0].numpy(), results[1].numpy())


# ---------------------------------------------------------------------------------------------
# save and load as the Save & Load chapter calls them


def test_load_takes_pytorch_arguments(tmp_path: Any) -> None:
    model = mg.nn.Linear(3, 2)
    path = tmp_path / "model_weights.pth"
    mg.save(model.state_dict(), path)
    fresh = mg.nn.Linear(3, 2)
    fresh.load_state_dict(mg.load(path, weights_only=True))
    np.testing.assert_array_equal(fresh.weight.detach().numpy(), model.weight.detach().numpy())
    for kwargs in ({}, {"weights_only": False}, {"map_location": "cpu"}, {"map_location": None}):
        assert set(mg.load(path, **kwargs)) == {"weight", "bias"}
    assert set(mg.load(path, map_location=mg.device("cpu"), mmap=False)) == {"weight", "bias"}
    with pytest.raises(RuntimeError, match="CPU with NumPy"):
        mg.load(path, map_location="cuda:0")
    with pytest.raises(ValueError, match="mmap"):
        mg.load(path, mmap=True)


def test_saving_a_whole_model_says_to_save_its_state_dict(tmp_path: Any) -> None:
    model = mg.nn.Sequential(mg.nn.Linear(3, 2))
    path = tmp_path / "model.pth"
    with pytest.raises(TypeError, match=r"save model\.state_dict\(\)"):
        mg.save(model, path)
    assert not path.exists()


def test_loading_a_torch_pickle_says_minigrad_never_unpickles(tmp_path: Any) -> None:
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pth"
    torch.save({"weight": torch.ones(2)}, path)
    for strict in (True, False):
        with pytest.raises(ValueError, match=r"written by torch\.save .* never unpickles"):
            mg.load(path, strict=strict)


# ---------------------------------------------------------------------------------------------
# DataLoader batches as PyTorch's default_collate makes them


def test_collate_matches_torch() -> None:
    pytest.importorskip("torch")
    from collections import namedtuple

    from torch.utils.data import default_collate as torch_collate

    from minigrad.utils.data import default_collate

    Pair = namedtuple("Pair", "x y")
    cases: list[list[Any]] = [
        [1.5, 2.5],
        [1, 2],
        [True, False],
        [(1.0, 2), (3.0, 4)],
        [[1.0, 2], [3.0, 4]],
        [{"a": 1.0, "b": [1, 2]}, {"a": 2.0, "b": [3, 4]}],
        [np.float32(1.0), np.float32(2.0)],
        [np.ones(2, dtype=np.float32), np.zeros(2, dtype=np.float32)],
        [Pair(1.0, 2), Pair(3.0, 4)],
    ]

    def shape_of(batch: Any) -> Any:
        if isinstance(batch, dict):
            return {k: shape_of(v) for k, v in batch.items()}
        if isinstance(batch, tuple | list):
            return (type(batch).__name__, [shape_of(b) for b in batch])
        return (str(batch.dtype).split(".")[-1], batch.tolist())

    for samples in cases:
        assert shape_of(default_collate(samples)) == shape_of(torch_collate(samples)), samples


def test_loader_batches_are_lists_and_a_collate_fn_sees_tensor_dataset_samples() -> None:
    from minigrad.utils.data import DataLoader, TensorDataset

    ds = TensorDataset(mg.arange(6.0).view(3, 2), mg.tensor([0, 1, 2]))
    batch = next(iter(DataLoader(ds, batch_size=2)))
    assert isinstance(batch, list) and batch[1].tolist() == [0, 1]
    seen: list[Any] = []
    loader = DataLoader(ds, batch_size=2, collate_fn=lambda samples: seen.append(samples) or 0)
    assert list(loader) == [0, 0]
    assert len(seen[0]) == 2 and seen[0][1][1].item() == 1  # samples, not a gathered batch


def test_tensors_print_pytorch_digits() -> None:
    torch = pytest.importorskip("torch")
    cases: list[Any] = [
        [0.4823, 0.0416, 0.614],
        [1.0, 2.0, 0.0],
        [1e-5, 1.0],
        [123456.7, 1.0],
        [0.5, float("nan"), float("inf")],
        [-0.25, 3.14159],
        [[0.1, 0.25], [1.5, 2.0]],
        [1, 2, 3],
    ]
    for values in cases:
        assert repr(mg.tensor(values)) == repr(torch.tensor(values)), values


def test_tensors_wrap_lines_where_pytorch_does() -> None:
    # The blitz's print(out) of LeNet's (1, 10) output: eight numbers on the first line, as
    # PyTorch's 80 columns hold them
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for shape in [(10,), (1, 10), (20,), (3, 12), (2, 2, 9), (40,)]:
        for values in (
            rng.standard_normal(shape).astype(np.float32),
            (rng.standard_normal(shape) * 1000).astype(np.float32),
            rng.integers(-5, 1000, shape),
            rng.random(shape) > 0.5,
        ):
            assert repr(mg.tensor(values)) == repr(torch.tensor(values)), (shape, values.dtype)


def test_a_suffix_that_does_not_fit_goes_on_a_line_of_its_own_as_in_pytorch() -> None:
    # The word-embeddings tutorial's print(hello_embed): PyTorch puts grad_fn=... on a new
    # line when the last line would pass 80 columns
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    for shape in [(1, 5), (1, 10), (5,), (2, 3), (7,), (12,)]:
        values = rng.standard_normal(shape)
        ours = mg.tensor(values, dtype=mg.float32, requires_grad=True)
        theirs = torch.tensor(values, dtype=torch.float32, requires_grad=True)
        assert repr(ours) == repr(theirs) and repr(ours * 2) == repr(theirs * 2), shape
        for dtype in ("float64", "float16"):  # "dtype=minigrad.float64" is longer: the same
            ours = mg.tensor(values, dtype=dtype, requires_grad=True)  # rule on its own text
            theirs = torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=True)
            assert max(len(line) for line in repr(ours).splitlines()) <= 80
            assert " ".join(repr(ours).replace("minigrad.", "torch.").split()) == " ".join(
                repr(theirs).split()
            )


# ---------------------------------------------------------------------------------------------
# The legacy constructors: torch.Tensor([0]) and torch.LongTensor([label]) (the NLP tutorials)


def test_tensor_of_python_numbers_is_the_default_float_dtype() -> None:
    # The char-RNN tutorial: loss = torch.Tensor([0]); loss += criterion(output, target)
    loss = mg.Tensor([0])
    assert loss.dtype == mg.float32 and loss.tolist() == [0.0]
    assert mg.Tensor([True, False]).dtype == mg.float32
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    loss += (x * x).sum()
    loss.backward()
    assert loss.tolist() == [5.0] and x.grad.tolist() == [2.0, 4.0]
    default = mg.get_default_dtype()
    mg.set_default_dtype(mg.float64)
    try:
        assert mg.Tensor([1, 2]).dtype == mg.float64
    finally:
        mg.set_default_dtype(default)
    # an array keeps its dtype (see docs/pytorch-surface.md), and tensor() still infers
    assert mg.from_numpy(np.arange(3)).dtype == mg.int64 and mg.tensor([1, 2]).dtype == mg.int64


def test_long_tensor_as_the_nlp_tutorials_write_it() -> None:
    target = mg.LongTensor([1])
    assert target.dtype == mg.int64 and target.tolist() == [1] and not target.requires_grad
    logp = mg.nn.functional.log_softmax(mg.randn(1, 2), dim=1)
    assert mg.nn.NLLLoss()(logp, target).item() == -logp[0, 1].item()
    assert isinstance(target, mg.LongTensor) and isinstance(target, mg.Tensor)
    assert not isinstance(mg.tensor([1.0]), mg.LongTensor)
    assert isinstance(mg.tensor([1.0]), mg.FloatTensor)
    assert mg.LongTensor.dtype == mg.int64 and mg.BoolTensor.dtype == mg.bool
    assert mg.LongTensor([-1.7, 2.9]).tolist() == [-1, 2]  # truncated toward 0, as PyTorch
