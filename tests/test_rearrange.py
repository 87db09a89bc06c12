"""flip, roll, diagonals, tiling, moving dims, selecting, joining, and the products as methods
(``minigrad/rearrange.py``): compositions of indexing, reshapes and matmul. Their rows in
``op_specs.py`` check values against NumPy, gradcheck, gradgradcheck and non-contiguous inputs;
here: second order on batched and transposed inputs, which results are views and which copies,
and values, dtypes, gradients and errors against PyTorch."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(11)

# f(lib, x) with x of shape (2, 3, 4): the same call in minigrad and in PyTorch
CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "flip": lambda lib, x: x.flip(0, 2),
    "flip_tuple": lambda lib, x: x.flip((1,)),
    "flip_fn": lambda lib, x: lib.flip(x, [-1, 0]),
    "fliplr": lambda lib, x: lib.fliplr(x),
    "flipud": lambda lib, x: x.flipud(),
    "roll_flattened": lambda lib, x: x.roll(5),
    "roll_dims": lambda lib, x: lib.roll(x, (1, -2), (0, 2)),
    "roll_one_dim": lambda lib, x: x.roll(-1, 1),
    "roll_same_dim_twice": lambda lib, x: x.roll((1, 1), (2, 2)),
    "diagonal": lambda lib, x: x.diagonal(),
    "diagonal_above": lambda lib, x: x.diagonal(1, 1, 2),
    "diagonal_below_swapped": lambda lib, x: lib.diagonal(x, -1, 2, 0),
    "diagonal_beyond": lambda lib, x: x.diagonal(7, 1, 2),
    "diagonal_transposed": lambda lib, x: x.transpose(0, 2).diagonal(0, 0, 1),
    "diag_vector": lambda lib, x: x[0, 0].diag(1),
    "diag_matrix": lambda lib, x: lib.diag(x[0], -1),
    "diag_embed": lambda lib, x: x.diag_embed(),
    "diag_embed_dims": lambda lib, x: lib.diag_embed(x, 1, 0, 2),
    "diag_embed_below": lambda lib, x: lib.diag_embed(x[0], -2, 2, 0),
    "trace": lambda lib, x: x[1].trace(),
    "tile": lambda lib, x: x.tile(2),
    "tile_more_dims": lambda lib, x: lib.tile(x, (2, 1, 1, 1)),
    "repeat_interleave": lambda lib, x: x.repeat_interleave(2),
    "repeat_interleave_counts": lambda lib, x: x.repeat_interleave(lib.tensor([1, 0, 2]), dim=1),
    "repeat_interleave_fn": lambda lib, x: lib.repeat_interleave(x, 3, dim=-1),
    "unbind": lambda lib, x: x.unbind(1)[2],
    "unbind_fn": lambda lib, x: lib.unbind(x, -1)[0],
    "narrow": lambda lib, x: x.narrow(2, -3, 2),
    "narrow_tensor_start": lambda lib, x: lib.narrow(x, 1, lib.tensor(1), 2),
    "movedim": lambda lib, x: x.movedim(0, -1),
    "moveaxis": lambda lib, x: lib.moveaxis(x, (0, 1), (2, 0)),
    "swapaxes": lambda lib, x: x.swapaxes(0, 2),
    "swapdims": lambda lib, x: lib.swapdims(x, 1, 2),
    "mT": lambda lib, x: x.mT,
    "mH": lambda lib, x: x.mH,
    "unflatten": lambda lib, x: x.unflatten(2, (2, -1)),
    "unflatten_fn": lambda lib, x: lib.unflatten(x, -1, (4, 1)),
    "take_along_dim": lambda lib, x: x.take_along_dim(lib.tensor([[[0], [3], [-1]]]), 2),
    "take_along_dim_flattened": lambda lib, x: lib.take_along_dim(x, lib.tensor([0, 5, 5, 23])),
    "take_along_dim_broadcast": lambda lib, x: x[:1].take_along_dim(
        lib.tensor([[[2, 1, 0, 0]], [[0, 0, 1, 2]]]), 1
    ),
    "take_along_dim_argsort": lambda lib, x: x.take_along_dim(x.argsort(1), 1),
    "masked_select": lambda lib, x: x.masked_select(lib.tensor([True, False, True, True])),
    "masked_select_broadcast": lambda lib, x: x[0, 0].masked_select(lib.tensor([[True], [False]])),
    "outer": lambda lib, x: x[0, 0].outer(x[1, 1, :3]),
    "ger": lambda lib, x: lib.ger(x[0, 0], x[1, 1, :3]),
    "dot": lambda lib, x: x[0, 0].dot(x[1, 1]),
    "mm": lambda lib, x: x[0].mm(x[1].T),
    "bmm": lambda lib, x: x.bmm(x.transpose(1, 2)),
    "addmm": lambda lib, x: x[0, 0, :3].addmm(x[0], x[1].T, beta=0.5, alpha=2),
    "addmm_column": lambda lib, x: lib.addmm(x[0, :, :1], x[0], x[1].T),
    "addmm_beta0": lambda lib, x: x[0, 0, :3].addmm(x[0], x[1].T, beta=0),
    "hstack": lambda lib, x: lib.hstack([x[0], x[1]]),
    "hstack_1d": lambda lib, x: lib.hstack((x[0, 0], x[1, 1], x[0, 0, 0])),
    "vstack": lambda lib, x: lib.vstack([x[0, 0], x[1]]),
    "row_stack": lambda lib, x: lib.row_stack([x[0, 0], x[0, 1]]),
    "column_stack": lambda lib, x: lib.column_stack([x[0, 0], x[1].T, x[1, 1]]),
    "dstack": lambda lib, x: lib.dstack([x[0, 0], x[1, 1]]),
    "dstack_3d": lambda lib, x: lib.dstack([x, x[:, :, :1]]),
    "concat": lambda lib, x: lib.concat([x, x[:, :1]], dim=1),
    "concatenate": lambda lib, x: lib.concatenate([x, x], -1),
    "broadcast_tensors": lambda lib, x: lib.broadcast_tensors(x[0, :, :1], x[1, 1])[0],
    "meshgrid_xy": lambda lib, x: lib.meshgrid(x[0, 0], x[0, 1, :3], indexing="xy")[1],
    "meshgrid_ij_list": lambda lib, x: lib.meshgrid([x[0, 0], x[0, 1, :3]], indexing="ij")[0],
    "meshgrid_0d": lambda lib, x: lib.meshgrid(x[0, 0, 0], x[0, 1], indexing="ij")[1],
}


def _dtype_name(t: Any) -> str:
    return str(t.dtype).rsplit(".", 1)[-1]


@pytest.mark.parametrize("name", CALLS)
def test_values_dtypes_and_gradients_against_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    f = CALLS[name]
    a = RNG.standard_normal((2, 3, 4))
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out, ref = f(mg, x), f(torch, tx)
    assert tuple(out.shape) == tuple(ref.shape)
    assert _dtype_name(out) == _dtype_name(ref)
    # (products may sum in another order: equal to rounding)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    g = RNG.standard_normal(tuple(ref.shape))
    out.backward(mg.tensor(g))
    ref.backward(torch.tensor(g))
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)


# f(x) for gradcheck and gradgradcheck, x batched (2, 3, 4) or a transposed view (4, 3, 2)
SECOND_ORDER: dict[str, Callable[[Any], Any]] = {
    "flip": lambda x: x.flip(0, -1),
    "fliplr": lambda x: x.fliplr(),
    "roll": lambda x: x.roll((1, 2), (0, 2)),
    "roll_flattened": lambda x: x.roll(-7),
    "diagonal": lambda x: x.diagonal(0, 1, 2),
    "diagonal_offset": lambda x: x.diagonal(-1, 0, 1),
    "diag_embed": lambda x: x.diag_embed(1),
    "diag": lambda x: x[0].diag(1),
    "trace": lambda x: x[1].trace(),
    "tile": lambda x: x.tile((2, 1)),
    "repeat_interleave": lambda x: x.repeat_interleave(mg.tensor([2, 0, 1]), 1),
    "unbind": lambda x: x.unbind(1)[1],
    "narrow": lambda x: x.narrow(-1, 1, 1),
    "movedim": lambda x: x.movedim(-1, 0),
    "swapaxes": lambda x: x.swapaxes(0, 1),
    "mT": lambda x: x.mT,
    "unflatten": lambda x: x.unflatten(1, (3, 1)),
    "take_along_dim": lambda x: x.take_along_dim(x.detach().argsort(1), 1),
    "masked_select": lambda x: x.masked_select(x.detach() > 0),
    "outer": lambda x: x[0, 0].outer(x[1, 1]),
    "dot": lambda x: x[0, 0].dot(x[1, 1]),
    "mm": lambda x: x[0].mm(x[1].mT),
    "bmm": lambda x: x.bmm(x.mT),
    "addmm": lambda x: x[0, 0, :1].addmm(x[0], x[1].mT, beta=2, alpha=0.5),
    "hstack": lambda x: mg.hstack([x[0], x[1]]),
    "dstack": lambda x: mg.dstack([x[0], x[1]]),
    "meshgrid": lambda x: mg.meshgrid(x[0, 0], x[1, 1], indexing="xy")[0],
}


@pytest.mark.parametrize("layout", ["batched", "transposed"])
@pytest.mark.parametrize("name", SECOND_ORDER)
def test_first_and_second_order(name: str, layout: str) -> None:
    f = SECOND_ORDER[name]
    a = RNG.standard_normal((2, 3, 4))
    if layout == "transposed":  # non-contiguous: the (4, 3, 2) values seen through a transpose
        a = np.ascontiguousarray(RNG.standard_normal((2, 3, 4)).transpose(2, 1, 0)).transpose(
            2, 1, 0
        )
        assert not a.flags.c_contiguous
    x = mg.tensor(a, requires_grad=True)
    assert mg.gradcheck(f, [x])
    assert mg.gradgradcheck(f, [x])


# ---------------------------------------------------------------------------------------------
# Views and copies: a write into the result reaches the input exactly where PyTorch's does

WRITES: dict[str, Callable[[Any, Any], Any]] = {
    "flip": lambda lib, x: x.flip(0),
    "fliplr": lambda lib, x: x.fliplr(),
    "roll": lambda lib, x: x.roll(1, 1),
    "roll_flattened": lambda lib, x: x.roll(1),
    "diagonal": lambda lib, x: x.diagonal(),
    "diagonal_offset": lambda lib, x: x.diagonal(-1),
    "diag": lambda lib, x: x.diag(),
    "diag_embed": lambda lib, x: x.diag_embed(),
    "tile": lambda lib, x: x.tile((1, 1)),
    "repeat_ones": lambda lib, x: x.repeat(1, 1),
    "repeat_interleave": lambda lib, x: x.repeat_interleave(1, 0),
    "unbind": lambda lib, x: x.unbind(1)[2],
    "narrow": lambda lib, x: x.narrow(1, 1, 2),
    "movedim": lambda lib, x: x.movedim(0, 1),
    "swapaxes": lambda lib, x: x.swapaxes(0, 1),
    "mT": lambda lib, x: x.mT,
    "mH": lambda lib, x: x.mH,
    "unflatten": lambda lib, x: x.unflatten(1, (2, 2)),
    "take_along_dim": lambda lib, x: x.take_along_dim(lib.tensor([[0], [1], [2]]), 1),
    "masked_select": lambda lib, x: x.masked_select(x > 4),
    "hstack": lambda lib, x: lib.hstack([x]),
}


@pytest.mark.parametrize("name", WRITES)
def test_views_and_copies_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    f = WRITES[name]
    a = np.arange(12.0).reshape(3, 4)
    x, tx = mg.tensor(a.copy()), torch.tensor(a.copy())
    f(mg, x).fill_(-1.0)
    f(torch, tx).fill_(-1.0)
    np.testing.assert_array_equal(x.numpy(), tx.numpy())


@pytest.mark.parametrize("name", ["diagonal", "diagonal_offset", "narrow", "movedim", "mT"])
def test_recorded_writes_through_views_as_torch(name: str) -> None:
    """A recorded in-place change of a view changes the viewed tensor, and the gradient
    follows, as in PyTorch."""
    torch = pytest.importorskip("torch")
    f = WRITES[name]
    a = RNG.standard_normal((3, 4))
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = x * 1.0, tx * 1.0
    f(mg, y).mul_(3.0)
    f(torch, ty).mul_(3.0)
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    g = RNG.standard_normal((3, 4))
    (y * mg.tensor(g)).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_diagonal_of_a_transposed_tensor_refuses_a_write_it_could_not_pass_on() -> None:
    # PyTorch's diagonal of any layout is a view; minigrad's copies for a layout whose two dims
    # do not merge, and makes that copy read-only rather than let a write miss the tensor
    x = mg.tensor(np.arange(12.0).reshape(3, 4))
    d = x.T.diagonal()
    np.testing.assert_array_equal(d.numpy(), [0.0, 5.0, 10.0])
    with pytest.raises(RuntimeError, match="read-only"):
        d.fill_(-1.0)
    np.testing.assert_array_equal(x.numpy(), np.arange(12.0).reshape(3, 4))
    x.diagonal().fill_(-1.0)  # contiguous: a view, the write lands
    np.testing.assert_array_equal(np.diagonal(x.numpy()), [-1.0, -1.0, -1.0])


def test_views_see_later_changes_of_the_tensor() -> None:
    x = mg.tensor(np.arange(12.0).reshape(3, 4))
    d, row, cut = x.diagonal(1), x.unbind()[1], x.narrow(1, 2, 2)
    x.add_(100.0)
    np.testing.assert_array_equal(d.numpy(), [101.0, 106.0, 111.0])
    np.testing.assert_array_equal(row.numpy(), np.arange(4.0, 8.0) + 100)
    np.testing.assert_array_equal(cut.numpy(), x.numpy()[:, 2:])


# ---------------------------------------------------------------------------------------------
# PyTorch's errors, raised before anything changes

ERRORS: dict[str, Callable[[Any, Any], Any]] = {
    "flip_dim_out_of_range": lambda lib, x: x.flip(2),
    "flip_dim_repeated": lambda lib, x: x.flip(0, -2),
    "flip_fn_int_dims": lambda lib, x: lib.flip(x, 0),
    "fliplr_1d": lambda lib, x: x[0].fliplr(),
    "flipud_0d": lambda lib, x: x[0, 0].flipud(),
    "roll_misaligned": lambda lib, x: x.roll((1, 2), (0,)),
    "roll_two_shifts_no_dims": lambda lib, x: x.roll((1, 2)),
    "roll_no_shifts": lambda lib, x: x.roll(()),
    "roll_dim_out_of_range": lambda lib, x: x.roll(1, -3),
    "diag_3d": lambda lib, x: x[None].diag(),
    "diag_0d": lambda lib, x: x[0, 0].diag(),
    "diagonal_same_dims": lambda lib, x: x.diagonal(0, 1, -1),
    "diagonal_dim_out_of_range": lambda lib, x: x.diagonal(0, 0, 2),
    "diagonal_1d": lambda lib, x: x[0].diagonal(),
    "diag_embed_same_dims": lambda lib, x: x.diag_embed(0, 1, 1),
    "diag_embed_dim_out_of_range": lambda lib, x: x.diag_embed(0, 0, 3),
    "trace_1d": lambda lib, x: x[0].trace(),
    "trace_3d": lambda lib, x: x[None].trace(),
    "tile_negative": lambda lib, x: x.tile(-1),
    "repeat_negative": lambda lib, x: x.repeat(1, -2),
    "repeat_interleave_negative": lambda lib, x: x.repeat_interleave(-1),
    "repeat_interleave_negative_count": lambda lib, x: x.repeat_interleave(
        lib.tensor([1, -2, 3]), 0
    ),
    "repeat_interleave_counts_size": lambda lib, x: x.repeat_interleave(lib.tensor([1, 2]), 0),
    "repeat_interleave_float_counts": lambda lib, x: x.repeat_interleave(
        lib.tensor([1.0, 2.0, 3.0]), 0
    ),
    "repeat_interleave_2d_counts": lambda lib, x: x.repeat_interleave(
        lib.ones(3, 1, dtype=lib.int64), 0
    ),
    "unbind_0d": lambda lib, x: x[0, 0].unbind(),
    "unbind_dim_out_of_range": lambda lib, x: x.unbind(2),
    "narrow_beyond_the_end": lambda lib, x: x.narrow(0, 2, 2),
    "narrow_negative_length": lambda lib, x: x.narrow(0, 0, -1),
    "narrow_start_out_of_range": lambda lib, x: x.narrow(0, 4, 0),
    "narrow_negative_start_out_of_range": lambda lib, x: x.narrow(0, -4, 1),
    "narrow_0d": lambda lib, x: x[0, 0].narrow(0, 0, 1),
    "movedim_repeated_source": lambda lib, x: x.movedim((0, 0), (0, 1)),
    "movedim_repeated_destination": lambda lib, x: x.movedim((0, 1), (1, 1)),
    "movedim_lengths": lambda lib, x: x.movedim((0, 1), (0,)),
    "movedim_out_of_range": lambda lib, x: x.movedim(0, 2),
    "swapaxes_out_of_range": lambda lib, x: x.swapaxes(0, 2),
    "swapdims_out_of_range": lambda lib, x: x.swapdims(-3, 0),
    "mT_1d": lambda lib, x: x[0].mT,
    "mH_1d": lambda lib, x: x[0].mH,
    "unflatten_sizes": lambda lib, x: x.unflatten(1, (3, 2)),
    "unflatten_sizes_negative_dim": lambda lib, x: x.unflatten(-1, (3, 2)),
    "unflatten_empty": lambda lib, x: x.unflatten(1, ()),
    "take_along_dim_float_indices": lambda lib, x: x.take_along_dim(lib.ones(3, 1), 1),
    "take_along_dim_ndim": lambda lib, x: x.take_along_dim(lib.ones(3, dtype=lib.int64), 1),
    "take_along_dim_broadcast": lambda lib, x: x.take_along_dim(
        lib.zeros(2, 2, dtype=lib.int64), 1
    ),
    "take_along_dim_flattened_negative": lambda lib, x: x.take_along_dim(lib.tensor([-1])),
    "take_along_dim_0d_dim": lambda lib, x: x[0, 0].take_along_dim(lib.tensor(0), 0),
    "masked_select_float_mask": lambda lib, x: x.masked_select(lib.ones(3, 4)),
    "masked_select_broadcast": lambda lib, x: x.masked_select(lib.tensor([True, False])),
    "outer_2d": lambda lib, x: lib.outer(x, x[0]),
    "outer_2d_vec2": lambda lib, x: x[0].outer(x),
    "dot_2d": lambda lib, x: x.dot(x),
    "dot_sizes": lambda lib, x: x[0].dot(x[0, :3]),
    "dot_dtypes": lambda lib, x: x[0].dot(x[0].float()),
    "mm_1d": lambda lib, x: x.mm(x[0]),
    "mm_1d_self": lambda lib, x: x[0].mm(x),
    "mm_shapes": lambda lib, x: x.mm(x),
    "mm_dtypes": lambda lib, x: x.mm(x.T.float()),
    "bmm_2d": lambda lib, x: x.bmm(x),
    "bmm_2d_batch2": lambda lib, x: x[None].bmm(x),
    "bmm_batch_sizes": lambda lib, x: x[None].bmm(x[None].expand(2, 3, 4)),
    "addmm_expand": lambda lib, x: x[:2, 0].addmm(x, x.T),
    "addmm_1d_mat1": lambda lib, x: x[0].addmm(x[0], x.T),
    "addmm_dtypes": lambda lib, x: x[:, :1].float().addmm(x, x.T),
    "addmm_mat1_dtype": lambda lib, x: x[:, :1].addmm(x.float(), x.T),
    "bmm_dtypes": lambda lib, x: x[None].bmm(x.T[None].float()),
    "addmm_shapes": lambda lib, x: x[:, :1].addmm(x, x),
    "hstack_empty": lambda lib, x: lib.hstack([]),
    "vstack_empty": lambda lib, x: lib.vstack([]),
    "broadcast_tensors": lambda lib, x: lib.broadcast_tensors(x[0], x[:, 0]),
    "meshgrid_indexing": lambda lib, x: lib.meshgrid(x[0], indexing="foo"),
    "meshgrid_nothing": lambda lib, x: lib.meshgrid(indexing="ij"),
    "meshgrid_empty_list": lambda lib, x: lib.meshgrid([], indexing="xy"),
    "tril_indices_negative_row": lambda lib, x: lib.tril_indices(-1, 3),
    "triu_indices_negative_col": lambda lib, x: lib.triu_indices(3, -1),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_as_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    f = ERRORS[name]
    a = np.arange(12.0).reshape(3, 4)
    with pytest.raises(Exception) as theirs:  # (its type is compared below)
        f(torch, torch.tensor(a))
    x = mg.tensor(a)
    with pytest.raises(type(theirs.value)) as ours:
        f(mg, x)
    # PyTorch's words (its first line; the rest is C++ context), named op and argument
    assert str(theirs.value).splitlines()[0] in str(ours.value)
    np.testing.assert_array_equal(x.numpy(), a)


def test_errors_torch_words_differently() -> None:
    x = mg.tensor(np.arange(12.0).reshape(3, 4))
    # PyTorch's message carries a C++ traceback; the first words of its reason are kept
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        x.unflatten(1, (-1, -1))
    # PyTorch prints the whole offending tensor
    with pytest.raises(RuntimeError, match="Expected 0D or 1D tensor in the tensor list"):
        mg.meshgrid(x, indexing="ij")
    # PyTorch reads past the end here without a word; minigrad refuses
    with pytest.raises(RuntimeError, match="index 9 is out of bounds for dimension 1 with size 4"):
        x.take_along_dim(mg.tensor([[9]]), 1)
    with pytest.raises(RuntimeError, match="allocated size does not match required size"):
        x.repeat_interleave(2, 0, output_size=5)
    with pytest.raises(TypeError, match="missing 1 required positional arguments"):
        x.flip()
    with pytest.raises(TypeError, match="argument 'tensors'"):
        mg.hstack(x)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Details


def test_meshgrid_warns_as_torch_when_indexing_is_not_given() -> None:
    x, y = mg.arange(3.0), mg.arange(2.0)
    with pytest.warns(UserWarning, match="it will be required to pass the indexing argument"):
        a, b = mg.meshgrid(x, y)
    assert a.shape == b.shape == (3, 2)  # "ij", PyTorch's default
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mg.meshgrid(x, y, indexing="xy")[0].shape == (2, 3)


@pytest.mark.parametrize(("row", "col", "offset"), [(3, 4, 0), (4, 3, 1), (3, 3, -1), (0, 2, 0)])
def test_tril_and_triu_indices(row: int, col: int, offset: int) -> None:
    for name in ("tril_indices", "triu_indices"):
        got = getattr(mg, name)(row, col, offset)
        want = np.stack(getattr(np, name)(row, offset, col))
        assert got.dtype == mg.int64 and got.shape == (2, want.shape[1])
        np.testing.assert_array_equal(got.numpy(), want)
    assert mg.tril_indices(3, 3, dtype=mg.int32).dtype == mg.int32


def test_tril_and_triu_indices_against_torch() -> None:
    torch = pytest.importorskip("torch")
    for args in [(3, 4), (4, 3, 1), (3, 3, -1), (5, 2, -3)]:
        for name in ("tril_indices", "triu_indices"):
            np.testing.assert_array_equal(
                getattr(mg, name)(*args).numpy(), getattr(torch, name)(*args).numpy()
            )


def test_addmm_with_beta_zero_ignores_the_input_but_gives_it_a_zero_gradient() -> None:
    x = mg.full((2,), float("nan"), dtype=mg.float64, requires_grad=True)
    a = mg.tensor(RNG.standard_normal((3, 4)))
    b = mg.tensor(RNG.standard_normal((4, 2)))
    out = x.addmm(a, b, beta=0)
    np.testing.assert_allclose(out.detach().numpy(), a.numpy() @ b.numpy())
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])  # as PyTorch: zeros, not None


def test_integer_and_bool_dtypes_as_torch() -> None:
    torch = pytest.importorskip("torch")
    for lib_call in (
        lambda lib: lib.tensor([[1, 2], [3, 4]]).trace(),
        lambda lib: lib.tensor([[1, 2], [3, 4]], dtype=lib.int32).trace(),
        lambda lib: lib.tensor([1, 2], dtype=lib.int32).diag(),
        lambda lib: lib.tensor([True, False]).diag(1),
        lambda lib: lib.tensor([[1, 2], [3, 4]], dtype=lib.int16).flip(0).roll(1),
        lambda lib: lib.tensor([1, 2]).outer(lib.tensor([0.5, 1.0])),
        lambda lib: lib.tensor([1, 2]).dot(lib.tensor([3, 4])),
        lambda lib: lib.tensor([[True]]).diag_embed(),
        lambda lib: lib.repeat_interleave(lib.tensor([2, 0, 3])),
        lambda lib: lib.hstack([lib.tensor([1, 2]), lib.tensor([0.5])]),
    ):
        ours, theirs = lib_call(mg), lib_call(torch)
        assert _dtype_name(ours) == _dtype_name(theirs)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_empty_and_0d_inputs_as_torch() -> None:
    torch = pytest.importorskip("torch")
    for lib_call in (
        lambda lib: lib.tensor(5.0).roll(1),
        lambda lib: lib.ones(0, 3).roll(1),
        lambda lib: lib.ones(0, 3).roll(2, 1),
        lambda lib: lib.ones(0, 3).flip(0),
        lambda lib: lib.tensor(5.0).flip(()),
        lambda lib: lib.tensor(3.0).repeat_interleave(2),
        lambda lib: lib.tensor(3.0).take_along_dim(lib.tensor(0)),
        lambda lib: lib.tensor(3.0).movedim(0, 0),
        lambda lib: lib.ones(2, 0).diagonal(),
        lambda lib: lib.ones(2, 3).diagonal(-5),
        lambda lib: lib.ones(0).diag(),
        lambda lib: lib.ones(3, 0).trace(),
        lambda lib: lib.ones(2, 3).tile(()),
        lambda lib: lib.ones(2, 0).unbind(1),
    ):
        ours, theirs = lib_call(mg), lib_call(torch)
        if isinstance(theirs, tuple):
            assert len(ours) == len(theirs) == 0
            continue
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_flip_of_a_0d_tensor_is_a_copy() -> None:
    x = mg.tensor(5.0)
    y = x.flip(())
    y.fill_(1.0)
    assert x.item() == 5.0


KEYWORD_CALLS = [
    "x.flip(dims=(0,))",
    "x.tile(dims=(2,))",
    "x.roll(shifts=1, dims=0)",
    "x.diagonal(offset=1, dim1=0, dim2=1)",
    "x.diag(diagonal=1)",
    "x.diag_embed(offset=1, dim1=0, dim2=2)",
    "x.repeat_interleave(repeats=2, dim=0)",
    "x.unbind(dim=1)[0]",
    "x.narrow(dim=0, start=1, length=1)",
    "x.movedim(source=0, destination=1)",
    "x.swapaxes(axis0=0, axis1=1)",
    "x.swapdims(dim0=0, dim1=1)",
    "x.unflatten(dim=1, sizes=(2, 2))",
    "x.take_along_dim(indices=lib.tensor([[0]]), dim=1)",
    "x.masked_select(mask=x > 2)",
    "v.outer(vec2=v)",
    "v.dot(tensor=v)",
    "x.mm(mat2=x.T)",
    "x[None].bmm(mat2=x.T[None])",
    "x[:, :3].addmm(mat1=x, mat2=x.T, beta=2, alpha=3)",
    "lib.flip(input=x, dims=(0,))",
    "lib.roll(input=x, shifts=1, dims=0)",
    "lib.diagonal(input=x, offset=0, dim1=0, dim2=1)",
    "lib.tile(input=x, dims=(2,))",
    "lib.repeat_interleave(input=x, repeats=2, dim=0)",
    "lib.narrow(input=x, dim=0, start=0, length=1)",
    "lib.movedim(input=x, source=0, destination=1)",
    "lib.swapaxes(input=x, axis0=0, axis1=1)",
    "lib.take_along_dim(input=x, indices=lib.tensor([[0]]), dim=1)",
    "lib.outer(input=v, vec2=v)",
    "lib.dot(input=v, tensor=v)",
    "lib.addmm(input=x[:, :3], mat1=x, mat2=x.T)",
    "lib.hstack(tensors=[x, x])",
    "lib.concat(tensors=[x, x], dim=0)",
    "lib.tril_indices(row=3, col=3, offset=0)",
    "lib.diag_embed(input=v, offset=0, dim1=-2, dim2=-1)",
]


@pytest.mark.parametrize("call", KEYWORD_CALLS)
def test_keyword_arguments_as_torch(call: str) -> None:
    """PyTorch's argument names work as keywords."""
    torch = pytest.importorskip("torch")
    results = []
    for lib in (mg, torch):
        x = lib.tensor(np.arange(12.0).reshape(3, 4))
        v = lib.tensor([1.0, 2.0, 3.0])
        results.append(eval(call, {"lib": lib, "x": x, "v": v}).numpy())
    np.testing.assert_array_equal(*results)


def test_dims_given_twice_or_not_at_all() -> None:
    x = mg.ones(2, 3)
    with pytest.raises(TypeError, match="multiple values for argument 'dims'"):
        x.flip(0, dims=(1,))
    with pytest.raises(
        TypeError, match='tile\\(\\) missing 1 required positional arguments: "dims"'
    ):
        x.tile()


SIBLING_WRITES: dict[str, Callable[[Any, Any, Any], Any]] = {
    "unbind": lambda lib, y, w: y.unbind()[1].mul_(2.0),
    "unbind_dim": lambda lib, y, w: y.unbind(1)[3].add_(1.0),
    "split": lambda lib, y, w: y.split(2)[0].mul_(2.0),
    "split_sizes": lambda lib, y, w: y.split([1, 2])[1].zero_(),
    "chunk": lambda lib, y, w: y.chunk(2, 1)[1].mul_(2.0),
    "unbind_of_a_leaf": lambda lib, y, w: w.unbind()[0].mul_(2.0),
    "unbind_without_grad_by_a_grad_operand": lambda lib, y, w: (
        lib.ones(3, 4).unbind()[1].mul_(w[0])
    ),
}


@pytest.mark.parametrize("name", SIBLING_WRITES)
def test_recorded_writes_into_views_returned_together_raise_as_torch(name: str) -> None:
    """unbind, split and chunk return several views of one tensor; PyTorch refuses a recorded
    in-place change of one of them (unrecorded ones, under no_grad, are allowed)."""
    torch = pytest.importorskip("torch")
    f = SIBLING_WRITES[name]
    a = RNG.standard_normal((3, 4))
    tw = torch.tensor(a, requires_grad=True)
    with pytest.raises(RuntimeError) as theirs:
        f(torch, tw * 1.0, tw)
    w = mg.tensor(a, requires_grad=True)
    y = w * 1.0
    with pytest.raises(RuntimeError) as ours:
        f(mg, y, w)
    assert str(ours.value) == str(theirs.value)
    np.testing.assert_array_equal(y.detach().numpy(), a)


def test_views_returned_together_take_unrecorded_writes() -> None:
    x = mg.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    with mg.no_grad():
        x.unbind()[1].mul_(-1.0)
        x.split(2, 1)[1].zero_()
    assert x.detach().numpy()[1].tolist() == [-4.0, -5.0, 0.0, 0.0]
    (x.chunk(3)[0] * 2).sum().backward()  # out of place: fine
    assert x.grad is not None and x.grad.numpy()[0].tolist() == [2.0] * 4


def test_select_take_and_index_put_match_torch() -> None:
    torch = pytest.importorskip("torch")
    a = np.arange(12.0).reshape(3, 4)
    rows, cols = np.array([0, 0, 2]), np.array([1, 1, 3])
    w = np.random.default_rng(3).standard_normal(3)
    cases = [
        lambda L, x: x.select(1, -1),
        lambda L, x: L.select(x, 0, 2),
        lambda L, x: x.take(L.tensor([0, 11, -1])),
        lambda L, x: L.take(x, L.tensor([[1, 2], [3, 4]])),
        lambda L, x: x.index_put((L.tensor(rows), L.tensor(cols)), L.tensor(w), accumulate=True),
        lambda L, x: x.index_put((L.tensor([1]),), L.tensor(2.5, dtype=L.float64)),
    ]
    for f in cases:
        x = mg.tensor(a, requires_grad=True)
        t = torch.tensor(a, requires_grad=True)
        got, ref = f(mg, x), f(torch, t)
        np.testing.assert_allclose(got.detach().numpy(), ref.detach().numpy())
        g = np.random.default_rng(4).standard_normal(tuple(ref.shape))
        (got * mg.tensor(g)).sum().backward()
        (ref * torch.tensor(g)).sum().backward()
        assert x.grad is not None
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())


def test_index_put_in_place_and_errors() -> None:
    x = mg.zeros(2, 3)
    assert x.index_put_((mg.tensor([0, 0]), mg.tensor([1, 1])), mg.tensor(1.0), True) is x
    assert x.tolist() == [[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]] and x._version == 1
    with pytest.raises(IndexError, match=r"^select\(\): index 5 out of range for tensor of size"):
        x.select(1, 5)
    with pytest.raises(IndexError, match=r"^out of range: tried to access index 6 on a tensor of"):
        x.take(mg.tensor([6]))
    with pytest.raises(RuntimeError, match=r"^take\(\): Expected a long tensor for index"):
        x.take(mg.tensor([1.0]))
    with pytest.raises(TypeError, match=r"index_put.*tuple of tensors"):
        x.index_put(mg.tensor([0]), mg.tensor(1.0))
    with pytest.raises(RuntimeError, match=r"^Index put requires the source and destination"):
        x.index_put_((mg.tensor([0]),), mg.tensor(1.0, dtype=mg.float64))
    assert x.tolist() == [[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]
