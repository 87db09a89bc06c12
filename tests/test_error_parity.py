"""Shape mismatches raise PyTorch's exception type, and the message starts with PyTorch's words
(what users search for), then says more: the op, the shapes and the fix.

Each row is a misuse written once for both libraries; PyTorch, when installed, is the oracle.
Without it, the rows still check the type: a ``ShapeError``, both RuntimeError (PyTorch's) and
ValueError (minigrad's before).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as mnn
import minigrad.nn.functional as MF
from minigrad.validation import ShapeError

MG = SimpleNamespace(t=mg, nn=mnn, F=MF)


def _torch() -> Any:
    torch = pytest.importorskip("torch")
    return SimpleNamespace(t=torch, nn=torch.nn, F=torch.nn.functional)


def _long(L: Any, *shape: int, value: int = 0) -> Any:
    return L.t.full(shape, value, dtype=L.t.int64)


# (name, the misuse, the exception type minigrad raises); the misuse gets the library's
# namespace: L.t (minigrad or torch), L.nn, L.F
CASES: list[tuple[str, Callable[[Any], Any], type[Exception]]] = [
    # broadcasting
    ("add", lambda L: L.t.ones(2, 3) + L.t.ones(2, 4), ShapeError),
    ("mul_dim0", lambda L: L.t.ones(2, 3) * L.t.ones(4, 3), ShapeError),
    ("sub_3d", lambda L: L.t.ones(5, 2, 3) - L.t.ones(4, 3, 3), ShapeError),
    ("add_ranks", lambda L: L.t.ones(3) + L.t.ones(2, 4), ShapeError),
    ("add_list", lambda L: L.t.ones(2, 3) + L.t.tensor([1.0, 2.0]), ShapeError),
    ("pow", lambda L: L.t.ones(2, 3) ** L.t.ones(2, 4), ShapeError),
    ("iadd", lambda L: L.t.ones(2, 3).__iadd__(L.t.ones(2, 4)), ShapeError),
    ("maximum", lambda L: L.t.maximum(L.t.ones(2, 3), L.t.ones(2, 4)), ShapeError),
    ("lt", lambda L: L.t.ones(2, 3) < L.t.ones(2, 4), ShapeError),
    ("eq", lambda L: L.t.ones(2, 3) == L.t.ones(3, 3), ShapeError),
    ("where_x", lambda L: L.t.where(L.t.ones(2, 3) > 0, L.t.ones(2, 4), 0.0), ShapeError),
    ("where_cond", lambda L: L.t.where(L.t.ones(2, 4) > 0, L.t.ones(2, 3), 1.0), ShapeError),
    ("where_y", lambda L: L.t.where(L.t.ones(2, 3) > 0, 1.0, L.t.ones(4, 3)), ShapeError),
    # expand and broadcast_to
    ("expand", lambda L: L.t.ones(2, 3).expand(2, 4), ShapeError),
    ("expand_minus_one", lambda L: L.t.ones(2, 3).expand(5, -1, 4), ShapeError),
    ("expand_fewer", lambda L: L.t.ones(2, 3).expand(3), ShapeError),
    ("expand_leading_minus_one", lambda L: L.t.ones(2, 3).expand(-1, 2, 3), ShapeError),
    ("expand_long", lambda L: _long(L, 2, 3).expand(3), ShapeError),
    ("expand_as", lambda L: L.t.ones(2, 3).expand_as(L.t.ones(3, 3)), ShapeError),
    ("broadcast_to", lambda L: L.t.ones(2, 3).broadcast_to((4, 3)), ShapeError),
    ("broadcast_to_fn", lambda L: L.t.broadcast_to(L.t.ones(2, 3), (2, 4)), ShapeError),
    # reshape and view
    ("view", lambda L: L.t.ones(2, 3).view(4), ShapeError),
    ("reshape", lambda L: L.t.ones(2, 3).reshape(4), ShapeError),
    ("reshape_infer", lambda L: L.t.ones(2, 3).reshape(-1, 4), ShapeError),
    ("reshape_two_infer", lambda L: L.t.ones(2, 3).reshape(-1, -1), ShapeError),
    ("reshape_negative", lambda L: L.t.ones(2, 3).reshape(2, -2), ShapeError),
    ("view_as", lambda L: L.t.ones(2, 3).view_as(L.t.ones(4)), ShapeError),
    # einsum
    ("einsum_fewer", lambda L: L.t.einsum("ij,jk->ik", L.t.ones(2, 3)), ShapeError),
    ("einsum_more", lambda L: L.t.einsum("ij->ij", L.t.ones(2, 3), L.t.ones(2, 3)), ShapeError),
    (
        "einsum_size",
        lambda L: L.t.einsum("ij,jk->ik", L.t.ones(2, 3), L.t.ones(4, 5)),
        ShapeError,
    ),
    (
        "einsum_batch",
        lambda L: L.t.einsum("bij,bjk->bik", L.t.ones(2, 2, 3), L.t.ones(3, 3, 5)),
        ShapeError,
    ),
    (
        "einsum_rank",
        lambda L: L.t.einsum("ijk,jk->ik", L.t.ones(2, 3), L.t.ones(3, 5)),
        ShapeError,
    ),
    # cat and stack
    ("cat", lambda L: L.t.cat([L.t.ones(2, 3), L.t.ones(3, 4)], 1), ShapeError),
    ("cat_dim0", lambda L: L.t.cat([L.t.ones(2, 3), L.t.ones(2, 3), L.t.ones(2, 4)]), ShapeError),
    ("cat_3d", lambda L: L.t.cat([L.t.ones(2, 3, 4), L.t.ones(2, 4, 5)], dim=2), ShapeError),
    ("cat_ranks", lambda L: L.t.cat([L.t.ones(2, 3), L.t.ones(3)]), ShapeError),
    ("cat_none", lambda L: L.t.cat([]), ValueError),
    ("stack", lambda L: L.t.stack([L.t.ones(2, 3), L.t.ones(2, 3), L.t.ones(3)]), ShapeError),
    ("stack_dim", lambda L: L.t.stack([L.t.ones(2, 3), L.t.ones(2, 4)], 1), ShapeError),
    ("stack_none", lambda L: L.t.stack([]), ShapeError),
    # products
    ("mm", lambda L: L.t.ones(2, 3) @ L.t.ones(2, 3), ShapeError),
    ("mv", lambda L: L.t.ones(2, 3) @ L.t.ones(2), ShapeError),
    ("vm", lambda L: L.t.ones(2) @ L.t.ones(3, 4), ShapeError),
    ("dot", lambda L: L.t.ones(2) @ L.t.ones(3), ShapeError),
    ("bmm", lambda L: L.t.ones(5, 2, 3) @ L.t.ones(5, 4, 3), ShapeError),
    ("batch_broadcast", lambda L: L.t.ones(2, 5, 2, 3) @ L.t.ones(5, 4, 3), ShapeError),
    ("batch_mismatch", lambda L: L.t.ones(5, 2, 3) @ L.t.ones(4, 3, 2), ShapeError),
    ("folded_mm", lambda L: L.t.ones(5, 2, 3) @ L.t.ones(4, 3), ShapeError),
    ("folded_mv", lambda L: L.t.ones(5, 2, 3) @ L.t.ones(4), ShapeError),
    ("matrix_at_batch", lambda L: L.t.ones(2, 3) @ L.t.ones(5, 4, 3), ShapeError),
    ("vector_at_batch", lambda L: L.t.ones(2) @ L.t.ones(5, 4, 3), ShapeError),
    ("scalar_matmul", lambda L: L.t.ones(()) @ L.t.ones(3), ShapeError),
    ("matmul_fn", lambda L: L.t.matmul(L.t.ones(2, 3), L.t.ones(2, 3)), ShapeError),
    ("linear_layer", lambda L: L.nn.Linear(3, 2)(L.t.ones(2, 4)), ShapeError),
    ("linear_layer_1d", lambda L: L.nn.Linear(3, 2)(L.t.ones(4)), ShapeError),
    ("linear_layer_3d", lambda L: L.nn.Linear(3, 2)(L.t.ones(5, 2, 4)), ShapeError),
    ("linear_layer_0d", lambda L: L.nn.Linear(3, 2)(L.t.ones(())), ShapeError),
    ("linear_fn", lambda L: L.F.linear(L.t.ones(2, 4), L.t.ones(2, 3)), ShapeError),
    (
        "linear_fn_bias",
        lambda L: L.F.linear(L.t.ones(5, 2, 3), L.t.ones(2, 3), L.t.ones(3)),
        ShapeError,
    ),
    # losses
    ("mse_loss", lambda L: L.F.mse_loss(L.t.ones(2, 3), L.t.ones(2, 4)), ShapeError),
    ("l1_loss", lambda L: L.F.l1_loss(L.t.ones(2, 3), L.t.ones(4, 3)), ShapeError),
    ("smooth_l1_loss", lambda L: L.F.smooth_l1_loss(L.t.ones(2, 3), L.t.ones(2, 4)), ShapeError),
    ("huber_loss", lambda L: L.F.huber_loss(L.t.ones(2, 3), L.t.ones(2, 4)), ShapeError),
    ("MSELoss", lambda L: L.nn.MSELoss()(L.t.ones(2, 3), L.t.ones(2, 4)), ShapeError),
    (
        "kl_div",
        lambda L: L.F.kl_div(L.t.ones(2, 3), L.t.ones(2, 4), reduction="batchmean"),
        ShapeError,
    ),
    ("poisson_nll_loss", lambda L: L.F.poisson_nll_loss(L.t.ones(2, 3), L.t.ones(4)), ShapeError),
    ("soft_margin_loss", lambda L: L.F.soft_margin_loss(L.t.ones(2, 3), L.t.ones(4)), ShapeError),
    (
        "margin_ranking_loss",
        lambda L: L.F.margin_ranking_loss(L.t.ones(3), L.t.ones(3), L.t.ones(2, 3)),
        RuntimeError,
    ),
    (
        "TripletMarginLoss",
        lambda L: L.nn.TripletMarginLoss()(L.t.ones(2, 3), L.t.ones(2, 3), L.t.ones(2, 4)),
        ShapeError,
    ),
    (
        "multi_margin_loss_batch",
        lambda L: L.F.multi_margin_loss(L.t.ones(3, 5), _long(L, 4)),
        RuntimeError,
    ),
    (
        "binary_cross_entropy",
        lambda L: L.F.binary_cross_entropy(L.t.ones(2, 3) / 2, L.t.ones(2, 1)),
        ValueError,
    ),
    (
        "bce_with_logits",
        lambda L: L.F.binary_cross_entropy_with_logits(L.t.ones(2, 3), L.t.ones(2, 4)),
        ValueError,
    ),
    ("cross_entropy_batch", lambda L: L.F.cross_entropy(L.t.ones(3, 5), _long(L, 4)), ValueError),
    ("nll_loss_batch", lambda L: L.F.nll_loss(L.t.ones(3, 5), _long(L, 4)), ValueError),
    (
        "CrossEntropyLoss_batch",
        lambda L: L.nn.CrossEntropyLoss()(L.t.ones(3, 5, 4), _long(L, 4, 4)),
        ValueError,
    ),
    ("cross_entropy_2d", lambda L: L.F.cross_entropy(L.t.ones(3, 5), _long(L, 3, 2)), ShapeError),
    (
        "cross_entropy_spatial",
        lambda L: L.F.cross_entropy(L.t.ones(3, 5, 4), _long(L, 3, 5)),
        ShapeError,
    ),
    ("cross_entropy_1d", lambda L: L.F.cross_entropy(L.t.ones(5), _long(L, 2)), ValueError),
    # indexing
    ("gather", lambda L: L.t.gather(L.t.ones(2, 3), 1, _long(L, 3, 1)), RuntimeError),
    ("gather_rank", lambda L: L.t.gather(L.t.ones(2, 3), 1, _long(L, 2)), RuntimeError),
    ("gather_float", lambda L: L.t.gather(L.t.ones(2, 3), 1, L.t.ones(2, 1)), RuntimeError),
    ("gather_bounds", lambda L: L.t.ones(2, 3).gather(1, _long(L, 2, 1, value=5)), RuntimeError),
    ("gather_negative", lambda L: L.t.ones(2, 3).gather(1, _long(L, 2, 1, value=-1)), RuntimeError),
    (
        "scatter",
        lambda L: L.t.ones(2, 3).scatter(1, _long(L, 3, 1), L.t.ones(3, 1)),
        RuntimeError,
    ),
    (
        "scatter_add",
        lambda L: L.t.ones(2, 3).scatter_add(1, _long(L, 3, 1), L.t.ones(3, 1)),
        RuntimeError,
    ),
    (
        "scatter_add_rank",
        lambda L: L.t.scatter_add(L.t.ones(2, 3), 1, _long(L, 2), L.t.ones(2, 1)),
        RuntimeError,
    ),
    (
        "scatter_add_bounds",
        lambda L: L.t.ones(2, 3).scatter_add(1, _long(L, 2, 1, value=5), L.t.ones(2, 1)),
        RuntimeError,
    ),
    ("index_select", lambda L: L.t.ones(2, 3).index_select(1, _long(L, 1, 1)), IndexError),
    ("masked_fill", lambda L: L.t.ones(2, 3).masked_fill(L.t.ones(2, 4) > 0, 0.0), RuntimeError),
    # writes
    ("copy_", lambda L: L.t.ones(2, 3).copy_(L.t.ones(4)), RuntimeError),
    ("copy_dim0", lambda L: L.t.ones(2, 3).copy_(L.t.ones(3, 3)), RuntimeError),
    ("setitem", lambda L: L.t.ones(2, 3).__setitem__(0, L.t.ones(4)), RuntimeError),
    ("setitem_rank", lambda L: L.t.ones(2, 3).__setitem__(0, L.t.ones(2, 3)), RuntimeError),
    (
        "setitem_mask",
        lambda L: L.t.ones(2, 3).__setitem__(L.t.tensor([True, False]), L.t.ones(4)),
        RuntimeError,
    ),
    (
        "setitem_index",
        lambda L: L.t.ones(2, 3).__setitem__(L.t.tensor([0, 1]), L.t.ones(2, 4)),
        RuntimeError,
    ),
    (
        "cross_entropy_weight",
        lambda L: L.F.cross_entropy(L.t.ones(3, 5), _long(L, 3), weight=L.t.ones(3)),
        ShapeError,
    ),
    (
        "nll_loss_weight",
        lambda L: L.F.nll_loss(L.t.ones(3, 5), _long(L, 3), weight=L.t.ones(3)),
        ShapeError,
    ),
    (
        "cross_entropy_class",
        lambda L: L.F.cross_entropy(L.t.ones(3, 5), _long(L, 3, value=7)),
        IndexError,
    ),
    # layers
    ("conv2d_channels", lambda L: L.nn.Conv2d(3, 4, 3)(L.t.ones(1, 2, 5, 5)), RuntimeError),
    (
        "conv2d_fn_channels",
        lambda L: L.F.conv2d(L.t.ones(1, 2, 5, 5), L.t.ones(4, 3, 3, 3)),
        RuntimeError,
    ),
    ("conv2d_kernel", lambda L: L.nn.Conv2d(3, 4, 3)(L.t.ones(1, 3, 2, 2)), RuntimeError),
    ("conv1d_channels", lambda L: L.nn.Conv1d(3, 4, 3)(L.t.ones(1, 2, 5)), RuntimeError),
    (
        "conv2d_groups",
        lambda L: L.F.conv2d(L.t.ones(1, 4, 5, 5), L.t.ones(3, 2, 3, 3), groups=2),
        RuntimeError,
    ),
    ("embedding", lambda L: L.nn.Embedding(5, 2)(L.t.tensor([1, 5])), IndexError),
    ("embedding_negative", lambda L: L.nn.Embedding(5, 2)(L.t.tensor([-1])), IndexError),
    ("batch_norm2d", lambda L: L.nn.BatchNorm2d(3)(L.t.ones(2, 4, 5, 5)), RuntimeError),
    ("batch_norm1d", lambda L: L.nn.BatchNorm1d(3)(L.t.ones(2, 4)), RuntimeError),
    ("batch_norm2d_rank", lambda L: L.nn.BatchNorm2d(3)(L.t.ones(2, 3, 4)), ValueError),
    ("batch_norm1d_rank", lambda L: L.nn.BatchNorm1d(3)(L.t.ones(2, 3, 4, 5)), ValueError),
    (
        "batch_norm_fn",
        lambda L: L.F.batch_norm(L.t.ones(2, 4), L.t.zeros(3), L.t.ones(3)),
        RuntimeError,
    ),
    ("layer_norm", lambda L: L.nn.LayerNorm(3)(L.t.ones(2, 4)), RuntimeError),
    (
        "layer_norm_weight",
        lambda L: L.F.layer_norm(L.t.ones(2, 3), (3,), L.t.ones(2)),
        RuntimeError,
    ),
]


@pytest.mark.parametrize("misuse, ours", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_pytorchs_type_and_words(misuse: Callable[[Any], Any], ours: type[Exception]) -> None:
    T = _torch()
    with pytest.raises(Exception) as theirs, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (mse_loss warns of the sizes, then raises)
        misuse(T)
    with pytest.raises(Exception) as raised:
        misuse(MG)
    expected = type(theirs.value)
    assert type(raised.value) is ours
    assert type(raised.value) is expected or (ours is ShapeError and expected is RuntimeError)
    assert str(raised.value).startswith(str(theirs.value)), (str(raised.value), theirs.value)


@pytest.mark.parametrize("misuse, ours", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_type_without_torch(misuse: Callable[[Any], Any], ours: type[Exception]) -> None:
    with pytest.raises(ours) as raised:
        misuse(MG)
    if ours is ShapeError:
        # PyTorch's type, and still what minigrad raised before: old handlers keep working
        assert isinstance(raised.value, RuntimeError) and isinstance(raised.value, ValueError)
        message = str(raised.value)
        assert message.endswith(")") and " (" in message  # minigrad's help follows


def test_minigrads_help_names_the_op_and_shapes() -> None:
    with pytest.raises(ValueError, match=r"\(add: shapes \(2, 3\) and \(2, 4\) do not broadcast"):
        mg.ones(2, 3) + mg.ones(2, 4)
    with pytest.raises(RuntimeError, match=r"\(matmul: shapes \(2, 3\) and \(2, 3\): 3 .* != 2"):
        mg.ones(2, 3) @ mg.ones(2, 3)
    with pytest.raises(ValueError, match=r"\(reshape\(\): a tensor of shape \(2, 3\) has 6"):
        mg.ones(2, 3).view(4)
    with pytest.raises(ValueError, match=r"Linear\(in_features=3.*\(2, 4\).*size 3"):
        mnn.Linear(3, 2)(mg.ones(2, 4))
    with pytest.raises(RuntimeError, match=r"\(where\(\): shapes \(2, 3\), \(2, 4\)"):
        mg.where(mg.ones(2, 3) > 0, mg.ones(2, 4), 0.0)


def test_a_failed_in_place_op_changes_nothing() -> None:
    x = mg.arange(6.0).reshape(2, 3)
    before, version = x.numpy().copy(), x._version
    for misuse in (
        lambda: x.__iadd__(mg.ones(2, 4)),
        lambda: x.__imul__(mg.ones(4, 3)),
        lambda: x.add_(mg.ones(3, 3)),
    ):
        with pytest.raises(ShapeError):
            misuse()
        np.testing.assert_array_equal(x.numpy(), before)
        assert x._version == version
    for misuse in (
        lambda: x.copy_(mg.ones(4)),
        lambda: x.__setitem__(0, mg.ones(4)),
        lambda: x.__setitem__(mg.tensor([True, False]), mg.ones(2)),
    ):
        with pytest.raises(RuntimeError):
            misuse()
        np.testing.assert_array_equal(x.numpy(), before)
        assert x._version == version


def test_a_failed_op_records_nothing() -> None:
    w = mg.ones(2, 3, requires_grad=True)
    with pytest.raises(ShapeError):
        w @ mg.ones(2, 3)
    with pytest.raises(ShapeError):
        w.view(4)
    assert w.grad is None and w.is_leaf
    (w * 2).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.full((2, 3), 2.0))


def test_negating_a_bool_tensor_raises_torch_error() -> None:
    m = mg.tensor([True, False])
    for neg in (lambda t: -t, lambda t: t.neg(), lambda t: mg.neg(t), lambda t: t.negative()):
        with pytest.raises(RuntimeError, match=r"^Negation, the `-` operator, on a bool tensor"):
            neg(m)
    with pytest.raises(RuntimeError, match=r"use the `~` or `logical_not\(\)` operator instead"):
        m.neg_()
    assert m.tolist() == [True, False] and m._version == 0


VIEW_ERROR = (
    r"^view size is not compatible with input tensor's size and stride \(at least one dimension "
    r"spans across two contiguous subspaces\)\. Use \.reshape\(\.\.\.\) instead\."
)


def test_view_of_a_view_whose_layout_cannot_follow_raises_torch_error() -> None:
    # A copy would silently stop writes through the result reaching x: PyTorch refuses
    x = mg.arange(6.0).reshape(2, 3)
    for bad in (
        lambda: x.t().view(-1),
        lambda: x[:, :2].view(-1),
        lambda: x.t().view_as(x),
        lambda: x.permute(1, 0).view(6),
    ):
        with pytest.raises(RuntimeError, match=VIEW_ERROR):
            bad()
    assert x.t().reshape(-1).tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]  # reshape copies


def test_view_that_the_layout_allows_shares_memory() -> None:
    x = mg.arange(6.0).reshape(2, 3)
    for v in (x.t().view(3, 1, 2), x[:, :2].view(2, 1, 2), x[::2].view(-1), x.t()[0].view(-1)):
        before = x.tolist()
        v.fill_(-1.0)  # (written through the view, seen in x)
        assert x.tolist() != before and (x == -1).sum().item() == v.numel()
        x.copy_(mg.arange(6.0).reshape(2, 3))
    assert mg.zeros(0, 3).t().view(-1).shape == (0,)
    w = mg.nn.Linear(3, 2).weight  # (its memory is Fortran-ordered: reshape's read-only copy)
    assert w.view(-1).shape == (6,)


def test_view_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    for make in (
        lambda L: L.arange(24.0).reshape(2, 3, 4).permute(0, 2, 1).view(2, 4, 3).shape,
        lambda L: L.arange(24.0).reshape(2, 3, 4)[:, 1:].view(2, 8).shape,
        lambda L: L.arange(24.0).reshape(2, 3, 4).transpose(0, 1).view(3, 8).shape,
        lambda L: L.arange(24.0).reshape(2, 3, 4)[..., ::2].view(12).shape,
    ):
        outcome = []
        for L in (torch, mg):
            try:
                outcome.append(tuple(make(L)))
            except RuntimeError as e:
                outcome.append(str(e)[:40])
        assert outcome[0] == outcome[1]


def test_python_numbers_from_one_element_tensors_as_torch() -> None:
    assert int(mg.tensor([3.7])) == 3 and float(mg.tensor([[2.5]])) == 2.5
    assert bool(mg.tensor([[0.0]])) is False
    assert [1, 2, 3][mg.tensor([1])] == 2
    scalar = "cannot be converted to Scalar"
    with pytest.raises(RuntimeError, match=rf"^a Tensor with 2 elements {scalar}"):
        mg.tensor([1.0, 2.0]).item()
    with pytest.raises(RuntimeError, match=rf"^a Tensor with 0 elements {scalar}"):
        mg.tensor([]).item()
    python = r"^only one element tensors can be converted to Python scalars"
    with pytest.raises(ValueError, match=python):
        int(mg.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match=python):
        float(mg.tensor([]))
    with pytest.raises(RuntimeError, match=r"^Boolean value of Tensor with more than one value"):
        bool(mg.tensor([1.0, 2.0]))
    with pytest.raises(RuntimeError, match=r"^Boolean value of Tensor with no values is"):
        bool(mg.tensor([]))
    with pytest.raises(TypeError, match=r"^only integer tensors of a single element can be"):
        [1, 2, 3][mg.tensor(1.0)]


def test_where_with_only_a_condition_is_nonzero_as_tuple() -> None:
    c = mg.tensor([[1.0, 0.0], [0.0, 2.0]]) > 0
    rows, cols = mg.where(c)
    assert rows.tolist() == [0, 1] and cols.tolist() == [0, 1] and rows.dtype == mg.int64
    with pytest.raises(TypeError, match="where"):
        mg.where(c, 1.0)


@pytest.mark.parametrize(
    "data, dtype",
    [
        ([300], "uint8"),
        (300, "uint8"),
        ([-256], "uint8"),
        ([300.7], "uint8"),
        ([-0.5], "uint8"),
        ([2.0**40], "int32"),
        ([float("nan")], "int64"),
        ([[1, 2], [3, 128]], "int8"),
    ],
)
def test_python_numbers_a_dtype_cannot_hold_raise_as_torch(data: Any, dtype: str) -> None:
    # NumPy's cast wrapped them around silently: tensor([300], dtype=uint8) held 44
    with pytest.raises(
        RuntimeError, match=rf"^value cannot be converted to type {dtype} without overflow"
    ):
        mg.tensor(data, dtype=getattr(mg, dtype))


def test_python_numbers_that_fit_or_wrap_as_torch_convert_quietly() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mg.tensor([-1, 255], dtype=mg.uint8).tolist() == [255, 255]  # (PyTorch wraps -1)
        assert mg.tensor([True, 2], dtype=mg.int8).tolist() == [1, 2]
        assert mg.tensor([1e300]).tolist() == [float("inf")]  # float32 overflows to inf
        assert mg.tensor([1e300], dtype=mg.float32).tolist() == [float("inf")]
        assert mg.Tensor([1e300]).tolist() == [float("inf")]
    assert mg.tensor(np.array([300]), dtype=mg.uint8).tolist() == [44]  # arrays cast, as torch
    torch = pytest.importorskip("torch")
    assert torch.tensor(np.array([300]), dtype=torch.uint8).tolist() == [44]


@pytest.mark.parametrize(
    "index",
    [
        lambda L: (0, 0, 0),
        lambda L: L.tensor([True, False]),
        lambda L: 1.5,
        lambda L: L.tensor([1.0]),
        lambda L: 5,
        lambda L: (slice(None), -5),
    ],
)
def test_indexing_errors_start_with_torch_words(index: Callable[[Any], Any]) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(IndexError) as theirs:
        torch.arange(12.0).reshape(3, 4)[index(torch)]
    with pytest.raises(IndexError) as ours:
        mg.arange(12.0).reshape(3, 4)[index(mg)]
    assert str(ours.value).startswith(str(theirs.value))
    assert "(indexing a tensor of shape (3, 4))" in str(ours.value)
