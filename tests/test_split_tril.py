"""split, chunk, tril and triu (PyTorch's, used by the GPT-from-scratch lectures): compositions
of indexing and where, so their gradients are those ops' rules."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg

RNG = np.random.default_rng(3)


def _arrays(pieces: Any) -> list[np.ndarray]:
    return [p.detach().numpy() for p in pieces]


@pytest.mark.parametrize(
    ("shape", "size", "dim", "expected"),
    [
        ((2, 5), 2, 1, [2, 2, 1]),
        ((2, 5), [1, 4], 1, [1, 4]),
        ((2, 3), 3, -1, [3]),
        ((2, 5), 1, 0, [1, 1]),
        ((2, 5), [0, 5], 1, [0, 5]),
    ],
)
def test_split_cuts_along_dim(
    shape: tuple[int, ...], size: Any, dim: int, expected: list[int]
) -> None:
    a = RNG.standard_normal(shape)
    pieces = mg.tensor(a).split(size, dim)
    assert isinstance(pieces, tuple)
    assert [p.shape[dim] for p in pieces] == expected
    np.testing.assert_array_equal(np.concatenate(_arrays(pieces), axis=dim), a)
    assert [p.shape for p in mg.split(mg.tensor(a), size, dim=dim)] == [p.shape for p in pieces]


def test_chunk_takes_ceil_sized_pieces_as_torch() -> None:
    a = np.arange(10.0)
    assert [len(p) for p in mg.tensor(a).chunk(3)] == [4, 4, 2]
    assert [len(p) for p in mg.tensor(a).chunk(4)] == [3, 3, 3, 1]
    assert [len(p) for p in mg.chunk(mg.tensor(a[:6]), 4)] == [2, 2, 2]  # fewer pieces, as torch
    assert [p.shape for p in mg.ones(2, 6).chunk(2, dim=-1)] == [(2, 3), (2, 3)]


def test_split_and_chunk_errors() -> None:
    t = mg.ones(2, 5)
    with pytest.raises(RuntimeError, match="split_with_sizes expects split_sizes to sum exactly"):
        t.split([2, 2], 1)
    with pytest.raises(RuntimeError, match="split expects split_size be non-negative"):
        t.split(-1, 1)
    with pytest.raises(RuntimeError, match="split_size can only be 0 if dimension size is 0"):
        t.split(0, 1)
    assert [p.shape for p in mg.ones(2, 0).split(0, 1)] == [(2, 0)]  # one empty piece, as torch
    with pytest.raises(RuntimeError, match="chunk expects `chunks` to be greater than 0"):
        t.chunk(0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        t.split(1, 2)


def test_split_gradients_flow_back_to_the_pieces() -> None:
    x = mg.tensor(RNG.standard_normal((3, 4)), requires_grad=True)
    assert mg.gradcheck(lambda x: x.split([1, 3], 1)[1] * 2.0, [x])
    assert mg.gradgradcheck(lambda x: x.chunk(2, 0)[0] ** 2, [x])
    a, b = x.split(2, dim=1)
    (a.sum() * 2 + (b * b).sum()).backward()
    want = np.concatenate([np.full((3, 2), 2.0), 2 * x.detach().numpy()[:, 2:]], axis=1)
    np.testing.assert_allclose(x.grad.numpy(), want)


@pytest.mark.parametrize("name", ["tril", "triu"])
@pytest.mark.parametrize("diagonal", [0, 1, -1, 5])
def test_tril_triu_as_numpy(name: str, diagonal: int) -> None:
    a = RNG.standard_normal((2, 3, 4))
    got = getattr(mg, name)(mg.tensor(a), diagonal)
    np.testing.assert_array_equal(got.numpy(), getattr(np, name)(a, diagonal))
    np.testing.assert_array_equal(
        getattr(mg.tensor(a), name)(diagonal=diagonal).numpy(), getattr(np, name)(a, diagonal)
    )


def test_tril_keeps_dtype_and_infinities() -> None:
    # a causal mask: -inf above the diagonal must not turn into nan (inf * 0)
    m = mg.full((3, 3), float("-inf")).triu(1)
    assert np.isnan(m.numpy()).sum() == 0 and m.numpy()[0, 1] == -np.inf and m.numpy()[1, 0] == 0
    assert mg.tril(mg.ones(3, 3, dtype=mg.int64)).dtype == mg.int64
    assert mg.tril(mg.ones(2, 2, dtype=mg.bool)).dtype == mg.bool
    with pytest.raises(RuntimeError, match="tril: input tensor must have at least 2 dimensions"):
        mg.tril(mg.ones(3))


def test_tril_gradient_is_the_mask() -> None:
    x = mg.tensor(RNG.standard_normal((3, 3)), requires_grad=True)
    assert mg.gradcheck(lambda x: mg.tril(x, -1) * 3.0, [x])
    assert mg.gradgradcheck(lambda x: mg.triu(x) ** 2, [x])
    # non-contiguous input (a transpose) and a batch of matrices (the mask broadcasts)
    assert mg.gradcheck(lambda x: mg.tril(x.transpose(0, 1), 1).split(2, 1)[0] * 2.0, [x])
    b = mg.tensor(RNG.standard_normal((2, 3, 4)), requires_grad=True)
    assert mg.gradgradcheck(lambda b: b.triu(-1).chunk(2, -1)[1] ** 2, [b])
    mg.triu(x, 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.triu(np.ones((3, 3)), 1))


def test_against_torch() -> None:
    torch = pytest.importorskip("torch")
    a = RNG.standard_normal((4, 6))
    for f in (
        lambda lib, t: lib.tril(t, 1),
        lambda lib, t: t.triu(-2),
        lambda lib, t: t.split(4, 1)[1],
        lambda lib, t: t.split([1, 2, 3], dim=-1)[2],
        lambda lib, t: t.chunk(3, 0)[1],
        lambda lib, t: lib.chunk(t, 5, 1)[-1],
    ):
        x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        out, ref = f(mg, x), f(torch, tx)
        np.testing.assert_array_equal(out.detach().numpy(), ref.detach().numpy())
        g = RNG.standard_normal(tuple(ref.shape))
        out.backward(mg.tensor(g))
        ref.backward(torch.tensor(g))
        np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    lengths = [len(p) for p in torch.arange(10).chunk(4)], [len(p) for p in mg.arange(10).chunk(4)]
    assert lengths[0] == lengths[1]
