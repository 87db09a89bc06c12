"""Convolution, pooling, shape and dropout layers: against PyTorch (outputs, gradients and
state_dict, float64), PyTorch's errors, and dropout's training-only, seeded behaviour.

The ops themselves are gradient-checked row by row in the op table (tests/op_specs.py)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import Tensor, nn
from minigrad.nn import functional as F

# (minigrad layer, the same layer's arguments in torch, input shape)
LAYERS: list[tuple[str, tuple[Any, ...], dict[str, Any], tuple[int, ...]]] = [
    ("Conv2d", (3, 4, 3), {}, (2, 3, 7, 6)),
    ("Conv2d", (4, 6, (3, 2)), {"stride": 2, "padding": 1, "dilation": (1, 2), "groups": 2},
     (2, 4, 9, 8)),
    ("Conv2d", (2, 3, 4), {"padding": "same", "bias": False}, (2, 2, 6, 5)),
    ("Conv2d", (2, 4, 3), {"padding": "valid", "groups": 2}, (3, 2, 5, 5)),
    ("Conv2d", (3, 3, 3), {"padding": 1, "groups": 3}, (3, 6, 6)),  # unbatched, depthwise
    ("Conv2d", (2, 3, 3), {"padding": (1, 2), "padding_mode": "reflect"}, (2, 2, 5, 6)),
    ("Conv2d", (2, 3, 3), {"padding": 1, "padding_mode": "replicate"}, (2, 2, 5, 6)),
    ("Conv2d", (2, 3, 3), {"padding": 2, "padding_mode": "circular", "stride": 2}, (2, 2, 5, 6)),
    ("Conv1d", (3, 4, 3), {}, (2, 3, 10)),
    ("Conv1d", (4, 2, 3), {"stride": 2, "padding": 2, "dilation": 2, "groups": 2}, (2, 4, 11)),
    ("Conv1d", (2, 2, 4), {"padding": "same"}, (2, 9)),
    ("MaxPool2d", (2,), {}, (2, 3, 8, 6)),
    ("MaxPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 2, 9, 8)),
    ("MaxPool2d", ((2, 3),), {"stride": (1, 2), "dilation": 2}, (2, 7, 9)),
    ("AvgPool2d", (2,), {}, (2, 3, 8, 6)),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 2, 9, 8)),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}, (2, 2, 9, 8)),
    ("AvgPool2d", ((3, 2),), {"divisor_override": 4, "ceil_mode": True}, (2, 7, 9)),
    ("AdaptiveAvgPool2d", ((3, 4),), {}, (2, 3, 7, 9)),
    ("AdaptiveAvgPool2d", (1,), {}, (2, 3, 5, 5)),
    ("AdaptiveAvgPool2d", ((None, 2),), {}, (3, 5, 7)),
    ("Flatten", (), {}, (2, 3, 4, 5)),
    ("Flatten", (0, 2), {}, (2, 3, 4, 5)),
    ("Unflatten", (1, (3, 4)), {}, (2, 12, 5)),
    ("Unflatten", (-1, (2, -1)), {}, (2, 3, 6)),
    ("Identity", (), {}, (2, 3)),
]  # fmt: skip


def _ids(case: Any) -> str:
    name, args, kw, shape = case
    return f"{name}{args}{kw}{shape}".replace(" ", "")


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(1234 + salt)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # torch's own
@pytest.mark.parametrize("case", LAYERS, ids=[_ids(c) for c in LAYERS])
def test_layer_matches_torch(case: Any) -> None:
    """Same weights (float64): same outputs and gradients (input and every parameter)."""
    torch = pytest.importorskip("torch")
    name, args, kw, shape = case
    layer = getattr(nn, name)(*args, **kw).double()
    tlayer = getattr(torch.nn, name)(*args, **kw).double()
    state = layer.state_dict()
    assert list(state) == list(tlayer.state_dict())
    tlayer.load_state_dict(
        {k: torch.from_numpy(v.detach().numpy().copy()) for k, v in state.items()}
    )
    rng = _rng()
    a = rng.standard_normal(shape)
    x = mg.from_numpy(a).requires_grad_()
    tx = torch.tensor(a, requires_grad=True)
    y, ty = layer(x), tlayer(tx)
    assert y.shape == tuple(ty.shape) and y.dtype == np.float64
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng.standard_normal(y.shape)
    y.backward(g)
    ty.backward(torch.from_numpy(g))
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    tgrads = dict(tlayer.named_parameters())
    for pname, p in layer.named_parameters():
        assert p.grad is not None
        np.testing.assert_allclose(
            p.grad.numpy(), tgrads[pname].grad.numpy(), rtol=1e-10, atol=1e-12
        )
    for key, value in tlayer.state_dict().items():  # buffers (running statistics) alike
        np.testing.assert_allclose(layer.state_dict()[key].numpy(), value.numpy(), rtol=1e-12)
    assert repr(layer) == repr(tlayer)


def test_lenet_matches_torch_and_state_dict_round_trips() -> None:
    """A LeNet-style network: torch's weights load into minigrad and minigrad's into torch."""
    torch = pytest.importorskip("torch")

    def lenet(m: Any) -> Any:
        return m.nn.Sequential(
            m.nn.Conv2d(1, 6, 5, padding=2), m.nn.ReLU(), m.nn.MaxPool2d(2),
            m.nn.Conv2d(6, 16, 5), m.nn.ReLU(), m.nn.MaxPool2d(2),
            m.nn.Flatten(), m.nn.Linear(16 * 5 * 5, 10),
        )  # fmt: skip

    model, tmodel = lenet(mg).double(), lenet(torch).double()
    assert list(model.state_dict()) == list(tmodel.state_dict())
    shapes = {k: tuple(v.shape) for k, v in tmodel.state_dict().items()}
    assert {k: v.shape for k, v in model.state_dict().items()} == shapes
    x = _rng(1).standard_normal((4, 1, 28, 28))
    y = np.array([3, 1, 4, 1])

    # torch -> minigrad: same outputs and gradients
    model.load_state_dict({k: v.numpy() for k, v in tmodel.state_dict().items()})
    nn.functional.cross_entropy(model(mg.from_numpy(x)), y).backward()
    tx = torch.from_numpy(x)
    torch.nn.functional.cross_entropy(tmodel(tx), torch.from_numpy(y)).backward()
    tparams = dict(tmodel.named_parameters())
    for name, p in model.named_parameters():
        assert p.grad is not None
        np.testing.assert_allclose(
            p.grad.numpy(), tparams[name].grad.numpy(), rtol=1e-10, atol=1e-13
        )

    # minigrad -> torch
    other = lenet(mg).double()
    tmodel.load_state_dict(
        {k: torch.from_numpy(v.detach().numpy().copy()) for k, v in other.state_dict().items()}
    )
    np.testing.assert_allclose(
        other(mg.from_numpy(x)).detach().numpy(),
        tmodel(tx).detach().numpy(),
        rtol=1e-10,
        atol=1e-12,
    )


def test_max_pool_return_indices_match_torch() -> None:
    torch = pytest.importorskip("torch")
    a = _rng(2).standard_normal((2, 3, 9, 7))
    y, idx = F.max_pool2d(mg.from_numpy(a), 3, 2, 1, ceil_mode=True, return_indices=True)
    ty, tidx = torch.nn.functional.max_pool2d(
        torch.from_numpy(a), 3, 2, 1, ceil_mode=True, return_indices=True
    )
    np.testing.assert_array_equal(y.detach().numpy(), ty.numpy())
    assert idx.dtype == np.int64
    np.testing.assert_array_equal(idx.detach().numpy(), tidx.numpy())
    layer = nn.MaxPool2d(2, return_indices=True)
    out, where = layer(mg.from_numpy(a[0]))
    assert out.shape == (3, 4, 3) and where.shape == (3, 4, 3)


def test_max_pool_ties_go_to_the_first_maximum_as_torch() -> None:
    """Finite differences cannot see ties: the whole gradient goes to the first maximum."""
    torch = pytest.importorskip("torch")
    a = np.zeros((1, 1, 4, 4))
    a[0, 0, 1:3, 1:3] = 1.0
    x = mg.from_numpy(a).requires_grad_()
    F.max_pool2d(x, 3, 1).sum().backward()
    tx = torch.tensor(a, requires_grad=True)
    torch.nn.functional.max_pool2d(tx, 3, 1).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_float32_stays_float32() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d(2), nn.AvgPool2d(1), nn.Flatten())
    x = Tensor(np.ones((2, 1, 8, 8), np.float32), requires_grad=True)
    y = model(x)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad is not None and x.grad.dtype == np.float32
    assert all(p.grad is not None and p.grad.dtype == np.float32 for p in model.parameters())


def test_conv_init_as_torch() -> None:
    """kaiming_uniform_(a=sqrt(5)): weight and bias within 1/sqrt(fan_in), filling the range."""
    conv = nn.Conv2d(4, 64, (3, 5), groups=2, generator=0)
    fan_in = 2 * 3 * 5
    bound = 1 / math.sqrt(fan_in)
    w = conv.weight.detach().numpy()
    assert w.shape == (64, 2, 3, 5) and w.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert conv.bias is not None and np.abs(conv.bias.detach().numpy()).max() <= bound
    again = nn.Conv2d(4, 64, (3, 5), groups=2, generator=0)
    np.testing.assert_array_equal(again.weight.detach().numpy(), w)  # seeded: repeatable
    assert nn.Conv1d(2, 3, 4, dtype="float64").weight.dtype == np.float64


def test_conv_attributes_as_torch() -> None:
    conv = nn.Conv2d(3, 6, 5, stride=2, padding=1)
    assert conv.kernel_size == (5, 5) and conv.stride == (2, 2) and conv.padding == (1, 1)
    assert conv.dilation == (1, 1) and conv.groups == 1 and conv.padding_mode == "zeros"
    assert nn.Conv2d(3, 6, 3, padding="same").padding == "same"
    assert nn.Conv1d(3, 6, 3).kernel_size == (3,)


# -- errors, in PyTorch's words, naming the layer ---------------------------------------------


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: nn.Conv2d(3, 6, 3, groups=2), "in_channels must be divisible by groups"),
        (lambda: nn.Conv2d(4, 6, 3, groups=4), "out_channels must be divisible by groups"),
        (lambda: nn.Conv2d(4, 4, 3, groups=0), "groups must be a positive integer"),
        (lambda: nn.Conv2d(1, 2, 3, padding="full"), "Invalid padding string 'full'"),
        (lambda: nn.Conv2d(1, 2, 3, stride=2, padding="same"), "not supported for strided"),
        (lambda: nn.Conv2d(1, 2, 3, padding_mode="mirror"), "padding_mode must be one of"),
        (lambda: nn.Conv2d(1, 2, 3, padding=-1), "negative padding is not supported"),
        (lambda: nn.Conv2d(1, 2, (3, 3, 3)), "kernel_size must be an int or a tuple of 2"),
        (lambda: nn.Dropout(1.5), "dropout probability has to be between 0 and 1, but got 1.5"),
        (lambda: nn.Dropout(-0.1), "dropout probability has to be between 0 and 1, but got -0.1"),
    ],
)
def test_bad_layer_arguments_raise(make: Any, match: str) -> None:
    with pytest.raises((ValueError, RuntimeError, NotImplementedError), match=match):
        make()


def test_bad_inputs_name_the_layer() -> None:
    conv = nn.Conv2d(1, 6, 5)
    channels = r"input\[2, 3, 28, 28\] to have 1 channels, but got 3 channels"
    with pytest.raises(
        RuntimeError,
        match=r"^Given groups=1.*expected " + channels + r".*Conv2d\(1, 6, kernel_size",
    ):
        conv(Tensor(np.zeros((2, 3, 28, 28), np.float32)))
    with pytest.raises(RuntimeError, match=r"Calculated padded input size per channel: \(4 x 4\)"
                       r"\. Kernel size: \(5 x 5\)\. Kernel size can't be greater"):  # fmt: skip
        conv(Tensor(np.zeros((2, 1, 4, 4), np.float32)))
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input "
                       r"to conv2d, but got input of size: \[28, 28\]"):  # fmt: skip
        conv(Tensor(np.zeros((28, 28), np.float32)))
    with pytest.raises(RuntimeError, match=r"Output size is too small.*MaxPool2d\(kernel_size=3"):
        nn.MaxPool2d(3)(mg.from_numpy(np.zeros((1, 1, 2, 2))))
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size"):
        nn.MaxPool2d(2, padding=2)(mg.from_numpy(np.zeros((1, 1, 8, 8))))
    with pytest.raises(RuntimeError, match="pad should be at most half of kernel size"):
        F.avg_pool2d(mg.from_numpy(np.zeros((1, 1, 8, 8))), 2, padding=2)
    with pytest.raises(RuntimeError, match=r"expected bias to be 1-dimensional with 2 elements"):
        F.conv2d(np.zeros((1, 1, 3, 3)), np.zeros((2, 1, 2, 2)), np.zeros(3))
    with pytest.raises(RuntimeError, match="divisible by 2 at dimension 0"):
        F.conv2d(np.zeros((1, 2, 3, 3)), np.zeros((3, 1, 2, 2)), groups=2)
    with pytest.raises(RuntimeError, match="Padding size should be less than"):
        F.pad(mg.from_numpy(np.zeros((1, 3))), (3, 0), mode="reflect")
    with pytest.raises(NotImplementedError, match="Unrecognised padding mode edge"):
        F.pad(mg.from_numpy(np.zeros((1, 3))), (1, 1), mode="edge")
    with pytest.raises(RuntimeError, match=r"unflattened_size \(5, 2\) does not multiply"):
        nn.Unflatten(1, (5, 2))(mg.from_numpy(np.zeros((2, 12))))


def test_bad_input_changes_nothing() -> None:
    """A failing call records nothing and leaves the weights alone."""
    conv = nn.Conv2d(2, 3, 3)
    before = conv.weight.detach().numpy().copy()
    with pytest.raises(RuntimeError):
        conv(Tensor(np.zeros((1, 3, 5, 5), np.float32)))
    np.testing.assert_array_equal(conv.weight.detach().numpy(), before)
    assert conv.weight.grad is None


# -- dropout ----------------------------------------------------------------------------------


def test_dropout_active_only_in_training() -> None:
    drop = nn.Dropout(0.25)
    x = mg.from_numpy(np.ones((200, 50))).requires_grad_()
    y = drop(x)
    kept = y.detach().numpy() != 0
    np.testing.assert_array_equal(
        y.detach().numpy()[kept], 1 / 0.75
    )  # survivors scaled by 1 / (1 - p)
    assert 0.2 < 1 - kept.mean() < 0.3
    y.sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), kept / 0.75)  # the same mask in backward
    drop.eval()
    assert not drop.training
    np.testing.assert_array_equal(drop(x).detach().numpy(), x.detach().numpy())
    assert F.dropout(x, 0.5, training=False) is x


def test_dropout_edge_probabilities() -> None:
    x = mg.from_numpy(_rng(3).standard_normal((4, 5))).requires_grad_()
    np.testing.assert_array_equal(nn.Dropout(0.0)(x).detach().numpy(), x.detach().numpy())
    y = nn.Dropout(1.0)(x)
    np.testing.assert_array_equal(y.detach().numpy(), np.zeros((4, 5)))
    y.sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"between 0 and 1, but got -0\.1"):
        F.dropout(x, -0.1)


def test_dropout_is_deterministic_given_a_seed() -> None:
    x = Tensor(np.ones((6, 7), np.float32))
    mg.manual_seed(7)
    first = nn.Dropout(0.5)(x).detach().numpy()
    mg.manual_seed(7)
    again = nn.Dropout(0.5)(x).detach().numpy()
    np.testing.assert_array_equal(first, again)
    assert first.dtype == np.float32
    assert not np.array_equal(first, nn.Dropout(0.5)(x).detach().numpy())  # the stream moves on


def test_dropout2d_zeroes_whole_channels() -> None:
    x = mg.from_numpy(np.ones((8, 16, 3, 3))).requires_grad_()
    y = nn.Dropout2d(0.5)(x)
    per_channel = y.detach().numpy().reshape(8, 16, 9)
    assert (per_channel.min(-1) == per_channel.max(-1)).all()  # each channel all kept or not
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    assert 0 < (per_channel[..., 0] == 0).mean() < 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F.dropout2d(mg.from_numpy(np.ones((2, 3, 4))), 0.5)
    assert any("channel-wise 1D dropout" in str(w.message) for w in caught)
    nn.Dropout2d(0.5).eval()(x)  # the identity in eval mode


def test_dropout2d_of_other_ranks_as_pytorch() -> None:
    """A 2-D (N, C) input, deprecated in PyTorch but used by its "Defining a Neural Network"
    recipe after a Linear layer, drops elements with PyTorch's warning; a 1-D input has no
    channels to drop (in training)."""
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d, which is deprec"):
        y = F.dropout2d(mg.ones(64, 32), 0.5)
    assert set(np.unique(y.numpy())) == {0.0, 2.0}
    assert 0 < (y.numpy()[:, 0] == 0).mean() < 1  # elements, not whole rows, are dropped
    assert 0 < (y.numpy()[0] == 0).mean() < 1
    with pytest.warns(UserWarning, match="Received a 5-D input"):
        y = F.dropout2d(mg.ones(4, 8, 2, 2, 2), 0.5).numpy().reshape(4, 8, 8)
    assert (y.min(-1) == y.max(-1)).all()  # (N, C, ...): whole channels
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="at least 2 dimensions"):
        F.dropout2d(mg.ones(4), 0.5)
    with pytest.warns(UserWarning):
        np.testing.assert_array_equal(F.dropout2d(mg.ones(4), 0.5, training=False).numpy(), 1)


def test_dropout_in_a_model_follows_train_and_eval() -> None:
    model = nn.Sequential(nn.Linear(10, 10), nn.Dropout(0.5))
    x = Tensor(np.ones((4, 10), np.float32))
    model.eval()
    np.testing.assert_array_equal(model(x).detach().numpy(), model(x).detach().numpy())
    model.train()
    assert not np.array_equal(model(x).detach().numpy(), model(x).detach().numpy())


def test_docs_code_blocks_run() -> None:
    """The code blocks of docs/nn.md's convolution section run as written."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "nn.md").read_text()
    section = doc[doc.index("## Convolution, pooling and dropout") :]
    section = section[: section.index("\n## ", 1)]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) >= 3
    namespace: dict[str, Any] = {}
    exec("\n".join(blocks), namespace)
    assert namespace["model"][0].weight.grad.shape == (6, 1, 5, 5)


def test_max_pool_nan_wins_as_in_torch() -> None:
    torch = pytest.importorskip("torch")
    a = _rng(4).standard_normal((1, 2, 4, 6))
    a[0, 0, 1, 1] = np.nan
    a[0, 1, 2, 5] = np.nan
    x = mg.from_numpy(a).requires_grad_()
    y = F.max_pool2d(x, 2)
    y.backward(np.ones(y.shape))
    tx = torch.tensor(a, requires_grad=True)
    ty = torch.nn.functional.max_pool2d(tx, 2)
    ty.backward(torch.ones_like(ty))
    np.testing.assert_array_equal(np.isnan(y.detach().numpy()), np.isnan(ty.detach().numpy()))
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
