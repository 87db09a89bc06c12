"""to_torch: a minigrad model handed to PyTorch is the same model, or an error says why not.

Each case converts a model and then checks here, independently of to_torch's own checks, that
the PyTorch copy has the same weights, modes and outputs (eval mode, float32 and float64).
Other tests show that the checks inside to_torch fail when the copy is wrong.
"""

from __future__ import annotations

import inspect
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.torch_export import to_torch

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def _x(*shape: int, dtype: Any = np.float32) -> mg.Tensor:
    return mg.tensor(RNG.standard_normal(shape).astype(dtype))


CASES: dict[str, Callable[[], tuple[nn.Module, Any]]] = {
    "mlp": lambda: (nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3)), _x(5, 4)),
    "perceptron float64": lambda: (
        nn.Sequential(nn.Linear(3, 1, dtype=mg.float64), nn.Sigmoid()),
        _x(4, 3, dtype=np.float64),
    ),
    "cnn": lambda: (
        nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1, bias=False),
            nn.BatchNorm2d(4),
            nn.LeakyReLU(0.2),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16, 3),
            nn.Dropout(0.1),
        ),
        _x(2, 1, 4, 4),
    ),
    "conv1d reflect": lambda: (
        nn.Sequential(
            nn.Conv1d(2, 3, 3, stride=2, padding=1, padding_mode="reflect"),
            nn.AvgPool1d(2),
            nn.GELU(approximate="tanh"),
        ),
        _x(2, 2, 9),
    ),
    "transposed conv and norms": lambda: (
        nn.Sequential(
            nn.ConvTranspose2d(2, 3, 3, stride=2),
            nn.GroupNorm(1, 3),
            nn.SiLU(),
            nn.AdaptiveAvgPool2d((2, 2)),
            nn.Flatten(),
            nn.PReLU(),
            nn.ELU(alpha=0.5),
            nn.Unflatten(1, (3, 4)),
            nn.Hardtanh(-0.5, 0.5),
        ),
        _x(2, 2, 3, 3),
    ),
    "batchnorm1d": lambda: (
        nn.Sequential(
            nn.Linear(3, 4),
            nn.BatchNorm1d(4, momentum=0.3),
            nn.Tanh(),
            nn.Linear(4, 2),
            nn.LogSoftmax(dim=1),
        ),
        _x(5, 3),
    ),
    "embedding": lambda: (
        nn.Sequential(nn.Embedding(10, 3, padding_idx=0), nn.LayerNorm(3), nn.Softmax(dim=-1)),
        mg.tensor([[1, 2, 0]]),
    ),
    "lstm": lambda: (nn.LSTM(3, 5, batch_first=True, num_layers=2), _x(2, 4, 3)),
    "lstm proj": lambda: (nn.LSTM(3, 5, proj_size=2), _x(4, 2, 3)),
    "gru bidirectional": lambda: (nn.GRU(3, 5, bidirectional=True), _x(4, 2, 3)),
    "rnn relu no bias": lambda: (nn.RNN(3, 5, nonlinearity="relu", bias=False), _x(4, 2, 3)),
    "lstm cell": lambda: (nn.LSTMCell(3, 4), _x(2, 3)),
    "bilinear": lambda: (nn.Bilinear(2, 3, 4), (_x(5, 2), _x(5, 3))),
    "attention": lambda: (
        nn.MultiheadAttention(8, 2, batch_first=True, add_bias_kv=True),
        (_x(2, 3, 8), _x(2, 3, 8), _x(2, 3, 8)),
    ),
    "encoder": lambda: (
        nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, activation="gelu"), 2
        ),
        _x(2, 3, 8),
    ),
    "decoder layer": lambda: (nn.TransformerDecoderLayer(8, 2, 16), (_x(3, 2, 8), _x(4, 2, 8))),
    "transformer": lambda: (nn.Transformer(8, 2, 1, 1, 16), (_x(3, 2, 8), _x(4, 2, 8))),
    "image layers": lambda: (
        nn.Sequential(
            nn.LocalResponseNorm(2),
            nn.Upsample(scale_factor=2),
            nn.PixelShuffle(2),
            nn.ZeroPad2d(1),
            nn.Dropout2d(),
            nn.InstanceNorm2d(1, affine=True),
        ),
        _x(1, 4, 2, 2),
    ),
}


def _numpy(out: Any) -> list[np.ndarray]:
    if isinstance(out, tuple | list):
        return [a for item in out for a in _numpy(item)]
    return [out.detach().numpy() if hasattr(out, "detach") else np.asarray(out)]


@pytest.mark.parametrize("name", list(CASES))
def test_the_copy_has_the_models_weights_modes_and_outputs(name: str) -> None:
    model, example = CASES[name]()
    copy = to_torch(model, example)
    assert isinstance(copy, torch.nn.Module) and type(copy).__name__ == type(model).__name__
    ours, theirs = model.state_dict(), copy.state_dict()
    assert list(ours) == list(theirs)
    for key in ours:
        np.testing.assert_array_equal(theirs[key].numpy(), ours[key].numpy())
        assert theirs[key].numpy().dtype == ours[key].numpy().dtype
    assert [m.training for m in copy.modules()] == [m.training for m in model.modules()]
    model.eval()
    copy.eval()
    inputs = example if isinstance(example, tuple) else (example,)
    with mg.no_grad():
        expected = _numpy(model(*inputs))
    with torch.no_grad():
        got = _numpy(copy(*(torch.from_numpy(np.array(x.numpy())) for x in inputs)))
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        tol = 1e-10 if b.dtype == np.float64 else 2e-5
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def _no_argument_modules() -> list[str]:
    names = []
    for name in sorted(dir(nn)):
        cls = getattr(nn, name)
        if name == "Transformer":  # (its defaults are 12 layers of width 512: "transformer" above)
            continue
        if isinstance(cls, type) and issubclass(cls, nn.Module) and hasattr(torch.nn, name):
            try:
                cls()
            except TypeError:
                continue
            names.append(name)
    return names


NO_ARGUMENTS = _no_argument_modules()


def test_the_sweep_covers_the_activations_and_containers() -> None:
    assert len(NO_ARGUMENTS) >= 70
    assert {"ReLU", "GELU", "Softmax", "Sequential", "ParameterList", "Flatten"} <= set(
        NO_ARGUMENTS
    )


@pytest.mark.parametrize("name", NO_ARGUMENTS)
def test_every_module_built_without_arguments_converts(name: str) -> None:
    model = getattr(nn, name)()
    x = _x(2, 3, 4, 5)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model(x)
        example = x
    except Exception:  # (a module that takes other inputs: a loss, a container, a pad...)
        example = None
    copy = to_torch(model, example)
    assert type(copy).__name__ == type(model).__name__  # (a Lazy one has become its class)
    assert repr(copy) == repr(model).replace("minigrad.", "torch.")


def test_parameter_containers_carry_shapes_dtypes_and_values() -> None:
    plist = nn.ParameterList(
        [nn.Parameter(mg.ones(2)), nn.Parameter(mg.zeros(3, dtype=mg.float64))]
    )
    copy = to_torch(plist)
    assert [p.dtype for p in copy] == [torch.float32, torch.float64]
    np.testing.assert_array_equal(copy[0].detach().numpy(), [1.0, 1.0])
    pdict = to_torch(nn.ParameterDict({"a": nn.Parameter(mg.full((2,), 3.0))}))
    np.testing.assert_array_equal(pdict["a"].detach().numpy(), [3.0, 3.0])


def test_a_trained_model_goes_on_training_in_pytorch() -> None:
    # the classic Iris-sized network trained a few steps in minigrad, then the same steps in
    # both libraries from the copy: the losses stay equal
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.Sigmoid(), nn.Linear(16, 3))
    x, y = _x(16, 4, dtype=np.float64).float(), mg.tensor(RNG.integers(0, 3, 16))
    opt = mg.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(5):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    copy = to_torch(model, x)
    topt = torch.optim.SGD(copy.parameters(), lr=0.5)
    tx, ty = torch.from_numpy(x.numpy().copy()), torch.from_numpy(y.numpy().copy())
    for _ in range(5):
        opt.zero_grad()
        topt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        tloss = torch.nn.functional.cross_entropy(copy(tx), ty)
        loss.backward()
        tloss.backward()
        opt.step()
        topt.step()
        assert tloss.item() == pytest.approx(loss.item(), rel=1e-5)


def test_modes_requires_grad_and_shared_weights_are_kept() -> None:
    emb = nn.Embedding(5, 4)
    head = nn.Linear(4, 5, bias=False)
    head.weight = emb.weight  # tied, as in a language model
    drop = nn.Dropout(0.5)
    model = nn.Sequential(emb, drop, head)
    model.train()
    drop.eval()
    emb.weight.requires_grad_(False)
    copy = to_torch(model)
    assert copy[2].weight is copy[0].weight
    assert copy.training and not copy[1].training and copy[2].training
    assert not copy[0].weight.requires_grad


def test_the_copy_owns_its_weights() -> None:
    model = nn.Linear(2, 2)
    copy = to_torch(model)
    with torch.no_grad():
        copy.weight.add_(1.0)
    assert not np.allclose(copy.weight.detach().numpy(), model.weight.detach().numpy())


def test_a_user_written_module_is_refused_with_the_ways_out() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x: mg.Tensor) -> mg.Tensor:
            return self.fc(x).relu()

    with pytest.raises(TypeError, match=r"model is a .*Net.*state_dict.*onnx"):
        to_torch(Net())
    with pytest.raises(TypeError, match=r"model\.1 is a .*Net"):
        to_torch(nn.Sequential(nn.ReLU(), Net()))
    with pytest.raises(TypeError, match=r"expected a minigrad nn\.Module"):
        to_torch(torch.nn.Linear(2, 2))  # type: ignore[arg-type]


def test_a_setting_read_back_wrong_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    from minigrad import torch_export

    real = torch_export._SPECIAL["MultiheadAttention"]
    monkeypatch.setitem(
        torch_export._SPECIAL,
        "MultiheadAttention",
        lambda m, children: {**real(m, children), "num_heads": 1, "batch_first": False},
    )
    with pytest.raises(ValueError, match=r"has num_heads=2 but its PyTorch copy num_heads=1"):
        to_torch(nn.MultiheadAttention(8, 2, batch_first=True))


def test_a_printed_difference_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    from minigrad import torch_export

    # every argument that has a default read back as that default
    monkeypatch.setattr(
        torch_export,
        "_argument",
        lambda value, default, torch: value if default is inspect.Parameter.empty else default,
    )
    with pytest.raises(ValueError, match=r"does not print as the model does"):
        to_torch(nn.LeakyReLU(0.3))
    with pytest.raises(ValueError, match=r"(?s)weights differ from the model's.*bias"):
        to_torch(nn.Linear(2, 3, bias=False))


def test_weights_that_do_not_arrive_are_caught_by_the_example(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from minigrad import torch_export

    monkeypatch.setattr(torch_export, "_load_state", lambda copy, model, torch: None)
    model = nn.Linear(3, 2)
    assert to_torch(model) is not None  # (the structure alone cannot see it...)
    with pytest.raises(ValueError, match=r"output 0 of the PyTorch copy differs"):
        to_torch(model, _x(4, 3))  # (...the example does)


def test_the_example_leaves_both_models_modes_as_they_were() -> None:
    model = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3), nn.Dropout(0.5))
    running = model[1].running_mean.numpy().copy()
    copy = to_torch(model, _x(4, 3))
    assert model.training and all(m.training for m in copy.modules())
    np.testing.assert_array_equal(model[1].running_mean.numpy(), running)  # eval: no update
    np.testing.assert_array_equal(copy[1].running_mean.numpy(), running)


def test_without_pytorch_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"to_torch needs PyTorch: pip install torch"):
        to_torch(nn.Linear(2, 2))
