"""Packed sequences (``nn.utils.rnn``) and the recurrent layers over them, against torch and by
finite differences."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.autograd import gradcheck
from minigrad.nn.utils import rnn

LENGTHS = [[5, 3, 3, 1], [2, 5, 1, 3], [2, 5, 1, 5], [4, 4, 4]]


def _torch() -> Any:
    return pytest.importorskip("torch")


def _data(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packing_and_padding_match_torch(
    lengths: list[int], batch_first: bool, enforce_sorted: bool
) -> None:
    torch = _torch()
    if enforce_sorted and lengths != sorted(lengths, reverse=True):
        return  # (refused: tested below)
    steps, batch = max(lengths), len(lengths)
    x = _data((batch, steps, 2) if batch_first else (steps, batch, 2))
    want = torch.nn.utils.rnn.pack_padded_sequence(
        torch.tensor(x), lengths, batch_first=batch_first, enforce_sorted=enforce_sorted
    )
    got = rnn.pack_padded_sequence(
        mg.tensor(x), lengths, batch_first=batch_first, enforce_sorted=enforce_sorted
    )
    assert isinstance(got, rnn.PackedSequence) and isinstance(got, tuple)
    np.testing.assert_array_equal(got.data.numpy(), want.data.numpy())
    np.testing.assert_array_equal(got.batch_sizes.numpy(), want.batch_sizes.numpy())
    assert got.batch_sizes.dtype == mg.int64
    for a, b in (
        (got.sorted_indices, want.sorted_indices),
        (got.unsorted_indices, want.unsorted_indices),
    ):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    for kwargs in ({}, {"batch_first": True, "padding_value": -1.5, "total_length": steps + 2}):
        padded, lens = rnn.pad_packed_sequence(got, **kwargs)
        t_padded, t_lens = torch.nn.utils.rnn.pad_packed_sequence(want, **kwargs)
        np.testing.assert_array_equal(padded.numpy(), t_padded.numpy())
        np.testing.assert_array_equal(lens.numpy(), t_lens.numpy())
        assert lens.dtype == mg.int64


def test_lengths_may_be_tensors_of_ints_or_floats() -> None:
    x = mg.tensor(_data((4, 3, 2)))
    want = rnn.pack_padded_sequence(x, [4, 2, 1])
    for lengths in (mg.tensor([4, 2, 1]), mg.tensor([4.0, 2.0, 1.0]), np.array([4, 2, 1])):
        got = rnn.pack_padded_sequence(x, lengths)
        np.testing.assert_array_equal(got.data.numpy(), want.data.numpy())
        np.testing.assert_array_equal(got.batch_sizes.numpy(), [3, 2, 1, 1])


def test_pack_sequence_and_the_inverses_match_torch() -> None:
    torch = _torch()
    seqs = [_data((n, 2), seed=n) for n in (2, 4, 1)]
    got = rnn.pack_sequence([mg.tensor(s) for s in seqs], enforce_sorted=False)
    want = torch.nn.utils.rnn.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    np.testing.assert_array_equal(got.data.numpy(), want.data.numpy())
    np.testing.assert_array_equal(got.batch_sizes.numpy(), want.batch_sizes.numpy())
    for back in (rnn.unpack_sequence(got), rnn.unpad_sequence(*rnn.pad_packed_sequence(got))):
        assert [b.shape[0] for b in back] == [2, 4, 1]
        for b, s in zip(back, seqs, strict=True):
            np.testing.assert_array_equal(b.numpy(), s)
    padded = rnn.pad_sequence([mg.tensor(s) for s in seqs], batch_first=True)
    for b, s in zip(rnn.unpad_sequence(padded, [2, 4, 1], batch_first=True), seqs, strict=True):
        np.testing.assert_array_equal(b.numpy(), s)


def test_packing_and_padding_pass_gradients_by_finite_differences() -> None:
    base = mg.tensor(_data((3, 5, 2)), requires_grad=True)
    x = base.transpose(0, 1)  # (5, 3, 2), not contiguous

    def through(t: mg.Tensor) -> mg.Tensor:
        packed = rnn.pack_padded_sequence(t, [2, 5, 3], enforce_sorted=False)
        return rnn.pad_packed_sequence(packed, batch_first=True, padding_value=7.0)[0] ** 2

    assert not x.is_contiguous()
    assert gradcheck(lambda b: through(b.transpose(0, 1)), (base,))
    packed = rnn.pack_padded_sequence(x, [2, 5, 3], enforce_sorted=False)
    (packed.data * 3).sum().backward()
    grad = base.grad.numpy()
    assert grad.shape == (3, 5, 2)
    np.testing.assert_array_equal(grad[0, :2], 3.0)
    np.testing.assert_array_equal(grad[0, 2:], 0.0)  # the padding is never read
    np.testing.assert_array_equal(grad[2, 3:], 0.0)


CASES = [
    (kind, bidirectional, layers, lengths, with_state)
    for kind in ("RNN", "LSTM", "GRU")
    for bidirectional in (False, True)
    for layers, lengths, with_state in ((2, [5, 3, 3, 1], True), (1, [2, 5, 1, 3], False))
]


@pytest.mark.parametrize("kind, bidirectional, layers, lengths, with_state", CASES)
def test_layers_over_packed_sequences_match_torch(
    kind: str, bidirectional: bool, layers: int, lengths: list[int], with_state: bool
) -> None:
    torch = _torch()
    torch.manual_seed(0)
    t_layer = getattr(torch.nn, kind)(3, 4, num_layers=layers, bidirectional=bidirectional)
    t_layer = t_layer.double()
    layer = getattr(nn, kind)(3, 4, num_layers=layers, bidirectional=bidirectional)
    layer = layer.double()
    layer.load_state_dict({k: v.detach().numpy() for k, v in t_layer.state_dict().items()})
    steps, batch, sides = max(lengths), len(lengths), 2 if bidirectional else 1
    x = _data((steps, batch, 3), seed=1)
    h0 = _data((sides * layers, batch, 4), seed=2)
    sort = lengths == sorted(lengths, reverse=True)
    results = []
    for lib, mod in ((torch, t_layer), (mg, layer)):
        xs = lib.tensor(x, requires_grad=True)
        hs = lib.tensor(h0, requires_grad=True)
        state: Any = None
        if with_state:
            state = (hs, hs * 2) if kind == "LSTM" else hs
        utils = lib.nn.utils.rnn
        out, final = mod(utils.pack_padded_sequence(xs, lengths, enforce_sorted=sort), state)
        assert type(out).__name__ == "PackedSequence"
        padded, _ = utils.pad_packed_sequence(out)
        finals = final if kind == "LSTM" else (final,)
        weights = lib.tensor(_data(tuple(padded.shape), seed=3))
        total = (padded * weights).sum() + sum((f * (i + 2)).sum() for i, f in enumerate(finals))
        total.backward()
        results.append(
            [padded, *finals, xs.grad, hs.grad if with_state else None]
            + [p.grad for p in mod.parameters()]
        )
    for got, want in zip(results[1], results[0], strict=True):
        if want is None:
            assert got is None
            continue
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), atol=1e-12)


def test_lstm_with_projections_and_batch_first_over_packed_sequences_matches_torch() -> None:
    torch = _torch()
    torch.manual_seed(1)
    # batch_first says nothing of a packed input: its data is time-major
    t_lstm = torch.nn.LSTM(3, 5, proj_size=2, batch_first=True).double()
    lstm = nn.LSTM(3, 5, proj_size=2, batch_first=True).double()
    lstm.load_state_dict({k: v.detach().numpy() for k, v in t_lstm.state_dict().items()})
    seqs = [_data((n, 3), seed=n) for n in (3, 1, 4)]
    t_out, (t_h, t_c) = t_lstm(
        torch.nn.utils.rnn.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    )
    out, (h, c) = lstm(rnn.pack_sequence([mg.tensor(s) for s in seqs], enforce_sorted=False))
    np.testing.assert_allclose(out.data.detach().numpy(), t_out.data.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(h.detach().numpy(), t_h.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(c.detach().numpy(), t_c.detach().numpy(), atol=1e-12)


def test_packed_sequences_of_equal_lengths_give_the_padded_batchs_results() -> None:
    gru = nn.GRU(3, 4, bidirectional=True).double()
    x = mg.tensor(_data((4, 3, 3)))
    out, h = gru(x)
    p_out, p_h = gru(rnn.pack_padded_sequence(x, [4, 4, 4]))
    np.testing.assert_array_equal(
        rnn.pad_packed_sequence(p_out)[0].detach().numpy(), out.detach().numpy()
    )
    np.testing.assert_array_equal(p_h.detach().numpy(), h.detach().numpy())


def test_a_layer_over_packed_sequences_passes_finite_differences() -> None:
    rnn_layer = nn.RNN(2, 3, bidirectional=True).double()
    x = mg.tensor(_data((4, 3, 2)), requires_grad=True)

    def run(t: mg.Tensor) -> mg.Tensor:
        out, h = rnn_layer(rnn.pack_padded_sequence(t, [2, 4, 1], enforce_sorted=False))
        return out.data.sum() + (h * h).sum()

    assert gradcheck(run, (x,))


def test_packed_sequence_methods() -> None:
    packed = rnn.pack_sequence([mg.ones(2, 3), mg.ones(1, 3)])
    assert packed.to(mg.float64).data.dtype == mg.float64
    assert packed.double().data.dtype == mg.float64
    assert packed.double().float().data.dtype == mg.float32
    assert packed.cpu() is packed and not packed.is_cuda and not packed.is_pinned()
    assert packed.to("cpu").batch_sizes is packed.batch_sizes


def _message(torch: Any, fn: Any) -> str:
    with pytest.raises(Exception) as caught:
        fn(torch)
    return str(caught.value)


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda t: t.nn.utils.rnn.pack_padded_sequence(t.zeros(4, 3, 2), [2, 4, 2]), RuntimeError),
        (lambda t: t.nn.utils.rnn.pack_padded_sequence(t.zeros(4, 3, 2), [4, 2, 0]), RuntimeError),
        (lambda t: t.nn.utils.rnn.pack_padded_sequence(t.zeros(4, 3, 2), [4, 2]), RuntimeError),
        (
            lambda t: t.nn.utils.rnn.pad_packed_sequence(
                t.nn.utils.rnn.pack_padded_sequence(t.zeros(4, 3, 2), [4, 2, 1]), total_length=3
            ),
            ValueError,
        ),
        (lambda t: t.nn.utils.rnn.pack_sequence([t.ones(2), t.ones(3)]), RuntimeError),
    ],
)
def test_errors_are_torchs(call: Any, error: type) -> None:
    torch = _torch()
    want = _message(torch, call)
    with pytest.raises(error, match=re.escape(want)):
        call(mg)


def test_errors_of_our_own() -> None:
    with pytest.raises(ValueError, match="a length of 5 is longer than the input's 4 time steps"):
        rnn.pack_padded_sequence(mg.zeros(4, 3, 2), [5, 2, 1])
    with pytest.raises(RuntimeError, match="'lengths' argument should be a 1D CPU int64 tensor"):
        rnn.pack_padded_sequence(mg.zeros(4, 3, 2), [[4], [2], [1]])
    with pytest.raises(RuntimeError, match="input must have at least 2 dimensions"):
        rnn.pack_padded_sequence(mg.zeros(4), [4])
    with pytest.raises(RuntimeError, match="got 2 lengths for a batch of 3 sequences"):
        rnn.unpad_sequence(mg.zeros(4, 3, 2), [4, 2])
    with pytest.raises(TypeError, match="expected a PackedSequence, got Tensor"):
        rnn.pad_packed_sequence(mg.zeros(4, 3, 2))  # type: ignore[arg-type]
    packed = rnn.pack_padded_sequence(mg.zeros(4, 3, 2), [4, 2, 1])
    with pytest.raises(RuntimeError, match=r"input.size\(-1\) must be equal to input_size"):
        nn.GRU(3, 4)(packed)
    with pytest.raises(
        RuntimeError, match=re.escape("Expected hidden size (1, 3, 4), got [1, 2, 4]")
    ):
        nn.GRU(2, 4)(packed, mg.zeros(1, 2, 4))
    bad = rnn.PackedSequence(mg.zeros(7, 2, 2), packed.batch_sizes)
    with pytest.raises(RuntimeError, match="input must have 2 dimensions, got 3"):
        nn.RNN(2, 4)(bad)
