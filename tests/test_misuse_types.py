"""Misuses that raise PyTorch's exception type, one test per cause, each against torch.

tests/test_misuse_fuzz.py finds these by its generator; here each is pinned by hand, so a fix
stays pinned if the generator changes. For every call: PyTorch's built-in exception type (a
minigrad subclass counts), words that name the op and the argument, and no state changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as MF


def _builtin(e: type[BaseException]) -> type[BaseException]:
    return next(c for c in e.__mro__ if c.__module__ == "builtins")


def _same_type(call: Callable[[Any], Any], words: str) -> BaseException:
    """Run ``call`` on torch and on minigrad: both raise, minigrad's error is an instance of
    torch's built-in type and its message matches ``words``; minigrad's error is returned."""
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(_builtin(type(theirs.value)), match=words) as ours:
        call(mg)
    return ours.value


def _x(lib: Any, *shape: int) -> Any:
    return lib.tensor(np.arange(float(np.prod(shape))).reshape(shape))


# -- sizes read as PyTorch's argument parser reads them (reshape, view, expand) ---------------


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda t: _x(t, 3, 4).reshape(2, 2.0), r"reshape\(\): argument 'shape'.*float"),
        (lambda t: _x(t, 3, 4).reshape((2, 2.0)), r"reshape\(\): argument 'shape'.*float"),
        (lambda t: _x(t, 3, 4).reshape((2.0, 6)), r"reshape\(\): argument 'shape'.*pos 0"),
        (lambda t: _x(t, 3, 4).reshape(2.0, 6), r"reshape\(\) takes 1 positional argument"),
        (lambda t: _x(t, 3, 4).reshape(None), r"reshape\(\): argument 'shape'.*NoneType"),
        (lambda t: _x(t, 3, 4).reshape(), r"reshape\(\) missing 1 required.*\"shape\""),
        (lambda t: _x(t, 3, 4).view(2, 2.0), r"view\(\): argument 'size'.*float"),
        (lambda t: _x(t, 3, 4).view((2, 2.0)), r"view\(\): argument 'size'.*float"),
        (lambda t: _x(t, 3, 4).view(), r"view\(\)"),
        (lambda t: _x(t, 1, 4).expand(3, 4.0), r"expand\(\): argument 'size'.*float"),
        (lambda t: _x(t, 1, 4).expand(), r"expand\(\) missing 1 required.*\"size\""),
        (lambda t: t.reshape(_x(t, 3, 4), (2, 2.0)), r"reshape\(\): argument 'shape'"),
    ],
)
def test_sizes_that_are_not_ints_are_torchs_type_error(call: Any, words: str) -> None:
    err = _same_type(call, words)
    assert isinstance(err, TypeError)
    assert "give ints" in str(err) or "torch.reshape" in str(err)  # the fix


def test_sizes_of_ints_still_reshape_view_and_expand() -> None:
    x = _x(mg, 3, 4)
    assert x.reshape(mg.tensor(2), -1).shape == (2, 6)  # (an integer tensor of one element)
    assert x.reshape(np.int64(6), 2).shape == (6, 2)
    assert x.view(size=(4, 3)).shape == (4, 3)
    assert mg.tensor(1.0).view(()).shape == ()
    assert mg.tensor([1.0]).reshape(()).shape == ()
    assert _x(mg, 1, 4).expand(size=(2, 3, 4)).shape == (2, 3, 4)
    assert _x(mg, 4).expand(mg.Size([2, 4])).shape == (2, 4)


# -- a dim that is no int is refused before the tensor's rank ---------------------------------


@pytest.mark.parametrize(
    "call, op",
    [
        (lambda t: t.tensor(1.0).unbind(1.0), "unbind"),
        (lambda t: t.tensor(1.0).chunk(2, 1.0), "chunk"),
        (lambda t: t.tensor(1.0).split(1, 1.0), "split"),
        (lambda t: t.tensor(1.0).narrow(1.0, 0, 1), "narrow"),
        (lambda t: t.diff(t.tensor(1.0), dim=1.0), "diff"),
        (lambda t: t.tensor(1.0).repeat_interleave(2, dim=1.0), "repeat_interleave"),
        (lambda t: t.tensor([1.0, 2.0]).unbind(1.0), "unbind"),
    ],
)
def test_a_float_dim_is_torchs_type_error_before_the_rank(call: Any, op: str) -> None:
    err = _same_type(call, rf"{op}\(\).*'dim'.*float")
    assert "give the dim as an int" in str(err)


def test_a_0d_tensor_with_an_int_dim_keeps_its_error() -> None:
    with pytest.raises(IndexError, match="no dimensions"):
        mg.tensor(1.0).unbind(0)
    with pytest.raises(RuntimeError, match="1-dimensional"):
        mg.tensor(1.0).split(1, 0)


# -- an index or dim out of range: PyTorch's type, which depends on the op and the dim ---------


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda t: _x(t, 3, 4).index_select(1, t.tensor([0, 9])), r"out of DATA bounds, id=9"),
        (lambda t: _x(t, 3, 4).index_select(-1, t.tensor([-1, 0])), r"id=-1 axis_dim=4"),
        (lambda t: _x(t, 0, 3).index_select(0, t.tensor([0])), r"axis dim should be positive"),
        (lambda t: _x(t, 3, 0).index_select(1, t.tensor([0])), r"axis dim should be positive"),
        (lambda t: _x(t, 3, 4).index_select(0, t.tensor([0, 9])), r"index out of range in self"),
        (lambda t: t.tensor(2.0).index_select(0, t.tensor([1])), r"index out of range in self"),
    ],
)
def test_index_select_out_of_range_is_torchs_type_for_each_dim(call: Any, words: str) -> None:
    err = _same_type(call, words)
    assert "index_select()" in str(err) and "they must be in" in str(err)
    assert isinstance(err, IndexError)  # (minigrad's type before: still caught)


@pytest.mark.parametrize(
    "shapes, words",
    [
        (((2, 3), (3, 4)), r"\[-2, 1\], but got 2\).*batch2 of shape \(3, 4\)"),
        (((5, 2, 3), (3, 4)), r"\[-2, 1\], but got 2\).*batch2"),
        (((3,), (3,)), r"\[-1, 0\], but got 1\).*batch1 of shape \(3,\)"),
        (((), (3,)), r"Dimension specified as 0 but tensor has no dimensions.*batch1"),
        (((2, 3, 4), ()), r"Dimension specified as 2 but tensor has no dimensions.*batch2"),
        (((2, 3, 4, 5), (3, 4)), r"but got 2\).*batch2"),
    ],
)
@pytest.mark.parametrize("fn", ["baddbmm", "addbmm", "baddbmm_", "addbmm_"])
def test_batched_products_look_up_sizes_before_ranks(shapes: Any, words: str, fn: str) -> None:
    a, b = shapes
    self_shape = {"baddbmm": (), "addbmm": (), "baddbmm_": (2, 3, 4), "addbmm_": (3, 4)}[fn]

    def call(t: Any) -> Any:
        out = t.zeros(self_shape, dtype=t.float64)
        if fn.endswith("_"):
            return getattr(out, fn)(_x(t, *a), _x(t, *b))
        return getattr(t, fn)(out, _x(t, *a), _x(t, *b))

    if fn.startswith("addbmm") and shapes[0] == ():
        words = r"Dimension specified as 1 but tensor has no dimensions.*batch1"
    err = _same_type(call, words)
    assert isinstance(err, RuntimeError)  # (minigrad's type before: still caught)
    assert "must be 3-D" in str(err)


def test_batched_products_of_3d_operands_keep_their_rank_error() -> None:
    _same_type(lambda t: t.baddbmm(t.zeros(()), _x(t, 2, 3, 4), _x(t, 3, 4, 5, 6)), "batch2")


def test_mv_of_a_0d_matrix_looks_up_its_size_first() -> None:
    err = _same_type(lambda t: t.mv(t.tensor(1.0), _x(t, 3)), r"Dimension specified as 0")
    assert "mv(): self of shape ()" in str(err)
    _same_type(lambda t: t.mv(_x(t, 3), t.tensor(1.0)), r"vector \+ matrix @ vector")
    _same_type(lambda t: t.mv(_x(t, 2, 3, 4), _x(t, 3)), r"vector \+ matrix @ vector")


# -- checks in PyTorch's order: the argument PyTorch reads first is refused first -------------


@pytest.mark.parametrize("dim", [-3, 2])
@pytest.mark.parametrize("dtype", ["float64", "int32", "bool"])
def test_scatter_reduce_checks_the_dim_before_the_index_dtype(dim: int, dtype: str) -> None:
    def call(t: Any) -> Any:
        x = _x(t, 2, 3)
        index = t.zeros((2, 3), dtype=getattr(t, dtype))
        return x.scatter_reduce(dim, index, x, "amax")

    _same_type(call, r"Dimension out of range.*scatter_reduce")


@pytest.mark.parametrize("index", [[1.0, 2.0], [True, False], []])
def test_embedding_checks_padding_idx_before_the_indices(index: list[Any]) -> None:
    def call(t: Any) -> Any:
        return t.nn.functional.embedding(t.tensor(index), _x(t, 4, 3), padding_idx=5)

    err = _same_type(call, r"Padding_idx must be within num_embeddings")
    assert "embedding()" in str(err) and "padding_idx=5" in str(err)


def test_embedding_padding_idx_in_range_still_checks_the_indices() -> None:
    with pytest.raises(RuntimeError, match="indices"):
        MF.embedding(mg.tensor([1.0]), _x(mg, 4, 3), padding_idx=1)


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("target_shape", [(3,), (8,)])
def test_mse_loss_checks_the_shapes_before_the_reduction(target_shape: tuple[int, ...]) -> None:
    def call(t: Any) -> Any:
        return t.nn.functional.mse_loss(_x(t, 4, 2), _x(t, *target_shape), reduction="average")

    err = _same_type(call, r"must match the size of tensor b")
    assert "mse_loss()" in str(err)
    with pytest.raises(ValueError, match="average is not a valid value for reduction"):
        MF.mse_loss(_x(mg, 4, 2), _x(mg, 4, 2), reduction="average")


def test_gaussian_nll_loss_checks_the_sign_of_var_before_its_dtype() -> None:
    def call(t: Any) -> Any:
        var = t.tensor([[-1, -2], [-3, -4]])
        return t.nn.functional.gaussian_nll_loss(_x(t, 2, 2), _x(t, 2, 2), var)

    err = _same_type(call, r"var has negative entry")
    assert "gaussian_nll_loss()" in str(err)
    with pytest.raises(RuntimeError, match="var of dtype int64"):  # (a valid sign: the dtype)
        MF.gaussian_nll_loss(_x(mg, 2, 2), _x(mg, 2, 2), mg.tensor([[1, 2], [3, 4]]))


# -- adaptive pools: an output size that is no int is PyTorch's TypeError ----------------------


@pytest.mark.parametrize(
    "fn, shape, size, words",
    [
        ("adaptive_avg_pool1d", (1, 2, 5), (2, 2.0), r"failed to unpack the object at pos 2"),
        ("adaptive_max_pool1d", (1, 2, 5), (2.0,), r"element of type float at pos 0"),
        ("adaptive_avg_pool2d", (1, 2, 5, 5), None, r"'NoneType' has no len\(\)"),
        ("adaptive_max_pool2d", (1, 2, 5, 5), None, r"'NoneType' has no len\(\)"),
        ("adaptive_avg_pool2d", (1, 2, 5, 5), 2.5, r"'float' has no len\(\)"),
        ("adaptive_max_pool2d", (1, 2, 5, 5), (2.0, 3), r"element of type float at pos 0"),
        ("adaptive_avg_pool3d", (1, 2, 3, 3, 3), None, r"'NoneType' has no len\(\)"),
        ("adaptive_max_pool3d", (1, 2, 3, 3, 3), (2, 2.0, 2), r"failed to unpack.*pos 2"),
    ],
)
def test_adaptive_pool_sizes_that_are_no_ints_are_torchs_type_error(
    fn: str, shape: tuple[int, ...], size: Any, words: str
) -> None:
    err = _same_type(lambda t: getattr(t.nn.functional, fn)(_x(t, *shape), size), words)
    assert f"{fn}(): output_size is an int or a tuple of" in str(err)


def test_adaptive_pools_still_keep_a_none_size_beyond_1d() -> None:
    assert MF.adaptive_avg_pool2d(_x(mg, 1, 2, 5, 5), (None, 3)).shape == (1, 2, 5, 3)
    assert MF.adaptive_max_pool2d(_x(mg, 1, 2, 5, 5), np.int64(2)).shape == (1, 2, 2, 2)


# -- creation: counts, sizes and data as PyTorch reads them -----------------------------------


@pytest.mark.parametrize("fn", ["linspace", "logspace"])
@pytest.mark.parametrize("steps", [2.5, True, None, "3"])
def test_a_count_of_steps_that_is_no_int_is_torchs_type_error(fn: str, steps: Any) -> None:
    err = _same_type(lambda t: getattr(t, fn)(0, 1, steps), rf"{fn}\(\).*steps")
    assert "give a whole number of points" in str(err)


def test_a_negative_count_of_steps_keeps_its_runtime_error() -> None:
    _same_type(lambda t: t.linspace(0, 1, -1), "number of steps must be non-negative")
    assert mg.linspace(0, 1, np.int64(3)).shape == (3,)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.randint(0, 5),
        lambda t: t.randint(3, 5),
        lambda t: t.randint(5, size=3),
        lambda t: t.randint(0, 3, 5),
    ],
)
def test_randint_takes_its_size_as_a_tuple_only(call: Any) -> None:
    err = _same_type(call, r"randint\(\)")
    assert "give the size as a tuple" in str(err) or "randint(high, size)" in str(err)


def test_randint_with_a_tuple_size_still_draws() -> None:
    assert mg.randint(5, (3,)).shape == (3,)
    assert mg.randint(2, 5, size=[2, 2]).shape == (2, 2)


@pytest.mark.parametrize("data", [None, [None], [1, None], {}, [[1], [None]], object()])
def test_data_of_no_number_is_torchs_runtime_error(data: Any) -> None:
    err = _same_type(lambda t: t.tensor(data), r"Could not infer dtype of")
    assert isinstance(err, TypeError)  # (minigrad's type before: still caught)
    assert "tensor()" in str(err)


@pytest.mark.parametrize(
    "call", [lambda t: t.zeros(2).new_tensor([None]), lambda t: t.tensor([None], dtype=t.float32)]
)
def test_data_of_no_number_with_a_dtype_is_torchs_type_error(call: Any) -> None:
    _same_type(call, r"must be real number, not NoneType")


@pytest.mark.parametrize("data", [2**70, -(2**64), (2**70,), [2**63], 2**63])
def test_an_int_beyond_int64_is_torchs_value_error(data: Any) -> None:
    err = _same_type(lambda t: t.tensor(data), r"Overflow when unpacking long long")
    assert isinstance(err, TypeError)  # (minigrad's type before: still caught)
    assert "beyond int64's range" in str(err)


def test_an_int_just_beyond_int64_is_refused_not_wrapped_around() -> None:
    """NumPy reads 2**63 as uint64; cast to int64 it was -2**63, a silent wrong answer."""
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        mg.tensor(2**63)
    assert mg.tensor([2**63 - 1]).item() == 2**63 - 1


# -- optimizers --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Adam", "AdamW", "Adamax", "NAdam", "RAdam"])
@pytest.mark.parametrize("betas", [(0.9,), [0.9], ()])
def test_betas_of_fewer_than_two_numbers_are_torchs_index_error(name: str, betas: Any) -> None:
    def call(t: Any) -> Any:
        return getattr(t.optim, name)([t.nn.Parameter(t.zeros(2))], betas=betas)

    err = _same_type(call, r"index out of range")
    assert isinstance(err, ValueError)  # (minigrad's type before: still caught)
    assert f"{name}: betas must be a pair of numbers" in str(err)


# -- index_copy: the ranks of source and self before the slice shapes ---------------------------


@pytest.mark.parametrize(
    "index, source, words",
    [
        (0, (4,), r"their dimensionality must match. Source dimensionality \(1\)"),
        ([0], (4,), r"their dimensionality must match"),
        ([0], (1, 3), r"must have same slice shapes"),
        (0, (), r"must have same slice shapes"),
    ],
)
@pytest.mark.parametrize("method", ["index_copy", "index_copy_"])
def test_index_copy_checks_the_ranks_first(
    index: Any, source: tuple[int, ...], words: str, method: str
) -> None:
    def call(t: Any) -> Any:
        x = t.zeros((3, 4), dtype=t.float64)
        src = t.ones(source, dtype=t.float64)
        return getattr(x, method)(0, t.tensor(index), src)

    err = _same_type(call, words)
    assert "index_copy_()" in str(err)
    x = mg.zeros((3, 4), dtype=mg.float64)
    with pytest.raises(type(err)):
        getattr(x, method)(0, mg.tensor(index), mg.ones(source, dtype=mg.float64))
    assert not x.numpy().any() and x._version == 0  # (nothing written)


# -- cross_entropy and nll_loss: PyTorch's order (the batch, the target's rank, the weight,
# then the target's dtype and values), so the first argument PyTorch refuses is the one named

_LONG = [0, 1, 2, 1]
_BATCH = r"Expected input batch_size \(0\) to match target batch_size \(4\)"
_WEIGHT = r"weight tensor should be defined either for all 3 classes or no classes"


@pytest.mark.parametrize(
    "fn, shape, target, dtype, kwargs, words, fix",
    [
        # a target of another rank, with a reduction
        ("cross_entropy", (3,), [[0], [1], [2], [1]], "int64", {"reduction": "sum"},
         r"0D or 1D target tensor expected, multi-target not supported", "of shape ()"),
        ("nll_loss", (4, 3), [[0], [1], [2], [1]], "int32", {},
         r"0D or 1D target tensor expected, multi-target not supported", "of shape (4,)"),
        # the batch size before the target's dtype (bool, int32), with smoothing or weights
        ("cross_entropy", (0, 3), [True, False, True, False], "bool", {"label_smoothing": 0.1},
         _BATCH, "of shape (0,)"),
        ("nll_loss", (0, 3), _LONG, "int32", {"weight": [0.2, 1.0, 3.0]}, _BATCH, "(0,)"),
        ("nll_loss", (0, 3), [True, False, True, False], "bool", {"weight": [0.2, 1.0, 3.0]},
         _BATCH, "of shape (0,)"),
        ("nll_loss", (0, 3), _LONG, "int32", {"weight": [0.2, 1.0]}, _BATCH, "of shape (0,)"),
        ("cross_entropy", (4, 3), 1, "int64", {},
         r"Expected input batch_size \(4\) to match target batch_size \(0\)", "of shape (4,)"),
        # an int target of the input's shape: class probabilities must be float
        ("cross_entropy", (3,), [0, 1, 2], "int64", {"label_smoothing": 0.1},
         r"Expected floating point type for target with class probabilities, got Long",
         "without the class dim"),
        # a 0-d target of an empty batch
        ("cross_entropy", (0, 3), 1, "int64", {"weight": [0.2, 1.0, 3.0]},
         r"Dimension specified as 0 but tensor has no dimensions", "of shape (0,)"),
        # short class weights before a target out of range
        ("cross_entropy", (4, 3), [0, 3, 1, 2], "int64", {"weight": [0.2, 1.0]}, _WEIGHT,
         "weight must have shape (3,)"),
        ("nll_loss", (4, 3), [0, 3, 1, 2], "int64", {"weight": [0.2, 1.0]}, _WEIGHT,
         "weight must have shape (3,)"),
        ("nll_loss", (4, 3), [0, -1, 1, 2], "int64", {"weight": [0.2, 1.0]}, _WEIGHT,
         "weight must have shape (3,)"),
        ("cross_entropy", (4, 3), [0, 1, 2, 1], "float64", {"weight": [0.2, 1.0]},
         r"expected target dtype to be Long or Byte, but got Double", "must be integers"),
        # label smoothing above 1 before the batch size
        ("cross_entropy", (4, 3), [0, 1, 2], "int64", {"label_smoothing": 1.5},
         r"label_smoothing must be between 0\.0 and 1\.0\. Got: 1\.5", "must be in [0, 1]"),
        # class probabilities: ignore_index, then the weight
        ("cross_entropy", (4, 3), np.full((4, 3), 1 / 3), "float64", {"ignore_index": 1},
         r"ignore_index is not supported for floating point target", "default -100"),
        ("cross_entropy", (4, 3), np.full((4, 3), 1 / 3), "float64", {"weight": [0.2, 1.0]},
         r"cross_entropy: weight tensor should be defined", "weight must have shape (3,)"),
        # an input of no class dimension; a spatial target of another size before its dtype
        ("cross_entropy", (), _LONG, "int64", {},
         r"Dimension out of range \(expected to be in range of \[-1, 0\], but got 1\)",
         "must have a class dimension"),
        ("nll_loss", (), _LONG, "int64", {}, r"Expected 1 or more dimensions \(got 0\)",
         "must have a class dimension"),
        ("cross_entropy", (4, 3, 2), np.ones((4, 3)), "int32", {},
         r"Expected target size \[4, 2\], got \[4, 3\]", "of shape (4, 2)"),
        ("nll_loss", (4, 3), [True, False, True, False], "bool", {},
         r"expected target dtype to be Long or Byte, but got Bool", "int class indices"),
    ],
)  # fmt: skip
def test_class_losses_check_their_arguments_in_torchs_order(
    fn: str, shape: Any, target: Any, dtype: str, kwargs: dict[str, Any], words: str, fix: str
) -> None:
    def call(t: Any) -> Any:
        x = t.tensor(np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape))
        y = t.tensor(np.asarray(target, dtype=dtype))
        kw = {k: t.tensor(v) if k == "weight" else v for k, v in kwargs.items()}
        return getattr(t.nn.functional, fn)(x, y, **kw)

    err = _same_type(call, words)
    assert f"{fn}()" in str(err) and fix in str(err)


@pytest.mark.parametrize("weight", [None, [0.2, 1.0, 3.0]])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_class_losses_with_valid_arguments_still_match_torch(
    weight: Any, label_smoothing: float
) -> None:
    """The checks moved ahead do not refuse what PyTorch takes (labels, an ignored label,
    uint8 labels, a 0-d target of 1-d input)."""
    torch = pytest.importorskip("torch")
    cases = [((4, 3), [0, 1, 2, -100]), ((3,), 2), ((4, 3, 2), [[0, 1]] * 4)]
    for shape, target in cases:
        outs = []
        for t in (torch, mg):
            x = t.tensor(np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape))
            y = t.tensor(np.asarray(target, dtype=np.int64))
            w = None if weight is None else t.tensor(np.asarray(weight))
            ce = t.nn.functional.cross_entropy(x, y, w, label_smoothing=label_smoothing)
            nll = t.nn.functional.nll_loss(x, y, w)
            outs.append([float(ce), float(nll)])
        np.testing.assert_allclose(outs[1], outs[0], rtol=1e-12, atol=1e-12)
    labels = np.array([0, 1, 2, 1], dtype=np.uint8)
    ours = MF.cross_entropy(mg.tensor(np.eye(4, 3)), mg.tensor(labels))
    theirs = torch.nn.functional.cross_entropy(torch.tensor(np.eye(4, 3)), torch.tensor(labels))
    assert float(ours) == pytest.approx(float(theirs), rel=1e-12)
