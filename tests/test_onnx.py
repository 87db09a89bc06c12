"""ONNX export: the files pass onnx.checker and ONNX Runtime computes what minigrad computes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_examples import load

import minigrad as mg
from minigrad import nn
from minigrad.onnx import ExportError, export

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

DYNAMIC = {"input": {0: "batch"}, "output": {0: "batch"}}


def run_onnx(path: Path, *inputs: np.ndarray) -> list[np.ndarray]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    return session.run(None, dict(zip(names, inputs)))


def assert_same_outputs(model: Any, path: Path, *inputs: np.ndarray, tol: float = 1e-5) -> None:
    with mg.no_grad():
        expected = model(*(mg.tensor(a) for a in inputs))
    (got,) = run_onnx(path, *inputs)
    assert got.shape == expected.shape and got.dtype == expected.numpy().dtype
    np.testing.assert_allclose(got, expected.numpy(), rtol=tol, atol=tol)


def export_and_check(model: Any, example: Any, path: Path, **kwargs: Any) -> Any:
    export(model, example, path, **kwargs)
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    return proto


EXAMPLE_MODELS = {
    "perceptron": (lambda: load("perceptron").build_model(0), 3, np.float32),
    "iris classic": (lambda: load("iris_mlp").classic_model(0), 4, np.float64),
    "iris modern": (lambda: load("iris_mlp").modern_model(16, 0), 4, np.float32),
    "mnist classic": (lambda: load("mnist_mlp").classic_model([784, 30, 10], 0), 784, np.float32),
    "mnist modern": (lambda: load("mnist_mlp").modern_model([784, 100, 10], 0), 784, np.float32),
}


@pytest.mark.parametrize("name", sorted(EXAMPLE_MODELS))
def test_example_models_run_in_onnx_runtime_with_any_batch(name: str, tmp_path: Path) -> None:
    make, features, dtype = EXAMPLE_MODELS[name]
    model = make()
    rng = np.random.default_rng(0)
    example = mg.tensor(rng.standard_normal((8, features)).astype(dtype))
    proto = export_and_check(
        model, example, tmp_path / "m.onnx", input_names=["input"], output_names=["output"],
        dynamic_axes=DYNAMIC,
    )  # fmt: skip
    names = {i.name for i in proto.graph.initializer}
    assert names == set(model.state_dict()), "parameters keep their state_dict names"
    for batch in (8, 3, 17):  # fresh inputs, including other batch sizes
        x = rng.standard_normal((batch, features)).astype(dtype)
        assert_same_outputs(model, tmp_path / "m.onnx", x)


def test_fixed_batch_without_dynamic_axes(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh() if hasattr(nn, "Tanh") else nn.Sigmoid())
    export_and_check(model, mg.randn(4, 3), tmp_path / "m.onnx")
    proto = onnx.load(str(tmp_path / "m.onnx"))
    dims = [d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim]
    assert dims == [4, 3]
    with pytest.raises(Exception, match=r"(?i)dimension|shape|invalid"):
        run_onnx(tmp_path / "m.onnx", np.zeros((5, 3), np.float32))


class EveryOp(nn.Module):
    """One forward pass through every op the exporter converts."""

    def __init__(self) -> None:
        super().__init__()
        self.table = nn.Parameter(mg.randn(10, 6))
        self.scale = nn.Parameter(mg.rand(6) + 0.5)
        self.fc = nn.Linear(6, 6)

    def forward(self, x: mg.Tensor, idx: mg.Tensor) -> mg.Tensor:
        e = self.table[idx]  # (N, 6), an embedding lookup
        h = self.fc(x) * self.scale + e - 0.5
        h = h / (h.abs() + 1.0)
        h = mg.maximum(h, -h * 0.1) ** 2 + h.sigmoid().sqrt() + h.tanh().exp().log()
        h = h + h.sin() * h.cos() - (-h).relu()
        h = h.clamp(-2.0, 2.0)
        stats = mg.cat(
            [h.sum(1, keepdims=True), h.mean(1, keepdims=True), h.amax(1, keepdim=True)], 1
        )
        stats = stats - h.amin(1, keepdim=True) + h.logsumexp(1, keepdims=True)
        g = h.reshape(h.shape[0], 2, 3).permute(0, 2, 1).reshape(h.shape[0], 6)
        g = g[:, 1:5] * h[:, ::2][:, :1] + h[:, ::-1][:, -5:-1] + h[:, 4:0:-1]
        g = mg.cat([g[1:], g[:1]], 0) + g[-1, 2] * g[:, -2:][:, :1]
        b = self.scale[:4].reshape(1, 4).broadcast_to(g.shape[0], 4)
        out = mg.cat([g + b, stats, h.softmax(-1), h.log_softmax(1)], 1)
        return out.double().float() @ mg.ones(19, 5) + h.mean()


def test_every_converted_op_matches_minigrad(tmp_path: Path) -> None:
    mg.manual_seed(0)
    model = EveryOp()
    rng = np.random.default_rng(1)
    x = mg.tensor(rng.standard_normal((5, 6)).astype(np.float32))
    idx = mg.tensor(rng.integers(0, 10, 5))
    dynamic = {"x": {0: "n"}, "idx": {0: "n"}, "output": {0: "n"}}
    export_and_check(model, (x, idx), tmp_path / "m.onnx", input_names=["x", "idx"],
                     dynamic_axes=dynamic)  # fmt: skip
    for n in (5, 9):
        xs = rng.standard_normal((n, 6)).astype(np.float32)
        ids = rng.integers(0, 10, n)
        with mg.no_grad():
            expected = model(mg.tensor(xs), mg.tensor(ids)).numpy()
        (got,) = run_onnx(tmp_path / "m.onnx", xs, ids)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


class LossOf(nn.Module):
    """A model whose output is its loss against a fixed target: one fused loss op
    (MSELoss against numbers, CrossEntropyLoss against class labels)."""

    def __init__(self, loss: str, reduction: str) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 2 if loss == "mse_loss" else 4)
        self.loss = getattr(nn.functional, loss)
        if loss == "mse_loss":
            self.target = mg.tensor(np.linspace(-1, 1, 8, dtype=np.float32).reshape(4, 2))
        else:
            self.target = mg.tensor([0, 3, 2, 0])
        self.reduction = reduction

    def forward(self, x: mg.Tensor) -> mg.Tensor:
        return self.loss(self.fc(x), self.target, reduction=self.reduction)


@pytest.mark.parametrize("loss", ["mse_loss", "cross_entropy"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_fused_losses_export(tmp_path: Path, loss: str, reduction: str) -> None:
    mg.manual_seed(0)
    model = LossOf(loss, reduction)
    x = np.random.default_rng(2).standard_normal((4, 3)).astype(np.float32)
    export_and_check(model, mg.tensor(x), tmp_path / "m.onnx")
    assert_same_outputs(model, tmp_path / "m.onnx", x)


def test_training_mode_is_restored_and_eval_is_traced(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(2, 2))
    model.train()
    export(model, mg.randn(3, 2), tmp_path / "m.onnx")
    assert model.training
    model.eval()
    export(model, mg.randn(3, 2), tmp_path / "m.onnx")
    assert not model.training


def test_input_dependent_constant_is_refused(tmp_path: Path) -> None:
    class Masked(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(3, 3)

        def forward(self, x: mg.Tensor) -> mg.Tensor:
            h = self.fc(x)
            return mg.where(x > 0, h, h * 0.5)  # the mask comes from the input's values

    with pytest.raises(ExportError, match=r"Where.*'cond'.*frozen"):
        export(Masked(), mg.randn(4, 3), tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


@pytest.mark.parametrize("threshold", [2.5, -4.0, 6.0])
def test_a_mask_that_only_larger_inputs_would_change_is_refused(
    threshold: float, tmp_path: Path
) -> None:
    # The mask is the same (all true or all false) for the example and for other values of its
    # size: it was frozen into the file, and the exported model was silently wrong for inputs
    # beyond the threshold (Hardsigmoid's (x > -3) & (x < 3) did this).
    fc = nn.Linear(3, 3)

    def masked(x: mg.Tensor) -> mg.Tensor:
        h = fc(x) * 0.1
        return mg.where(h < threshold if threshold > 0 else h > threshold, h, h * 0.5)

    with pytest.raises(ExportError, match=r"Where.*'cond'.*frozen"):
        export(masked, mg.randn(4, 3), tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_hardsigmoid_written_with_where_is_still_refused(tmp_path: Path) -> None:
    # F.hardsigmoid records one op and exports; the same function written with masks taken
    # from the values outside the graph cannot, whatever it computes.
    fc = nn.Linear(3, 3)

    def by_hand(x: mg.Tensor) -> mg.Tensor:
        h = fc(x)
        return mg.where((h > -3) & (h < 3), (h + 3) / 6, (h >= 3).float())

    with pytest.raises(ExportError, match=r"Where.*'cond'.*frozen"):
        export(by_hand, mg.randn(4, 3), tmp_path / "m.onnx")
    export(lambda x: nn.functional.hardsigmoid(fc(x)), mg.randn(4, 3), tmp_path / "m.onnx")


def test_detached_input_is_refused(tmp_path: Path) -> None:
    fc = nn.Linear(3, 3)
    with pytest.raises(ExportError, match="without recording"):
        export(lambda x: fc(x.detach() * 2.0), mg.randn(4, 3), tmp_path / "m.onnx")


def test_output_without_graph_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not depend"):
        export(lambda x: mg.ones(2), mg.randn(4, 3), tmp_path / "m.onnx")


def test_an_op_without_conversion_is_named(tmp_path: Path) -> None:
    target = mg.tensor([0, 1, 2, 0])
    loss = nn.NLLLoss()
    fc = nn.Linear(3, 3)
    with pytest.raises(ExportError, match="NLLLoss op has no ONNX conversion"):
        export(lambda x: loss(fc(x), target), mg.randn(4, 3), tmp_path / "m.onnx")


def test_bad_arguments(tmp_path: Path) -> None:
    model = nn.Linear(3, 2)
    with pytest.raises(TypeError, match="input 0 must be a Tensor"):
        export(model, np.zeros((2, 3)), tmp_path / "m.onnx")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not an input or output"):
        export(model, mg.randn(2, 3), tmp_path / "m.onnx", dynamic_axes={"x": {0: "n"}})
    with pytest.raises(ValueError, match="2 input_names for 1 inputs"):
        export(model, mg.randn(2, 3), tmp_path / "m.onnx", input_names=["a", "b"])
    with pytest.raises(ValueError, match="opset_version"):
        export(model, mg.randn(2, 3), tmp_path / "m.onnx", opset_version=11)


def test_missing_onnx_says_what_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match="pip install onnx"):
        export(nn.Linear(2, 2), mg.randn(1, 2), tmp_path / "m.onnx")


def test_examples_export_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load("perceptron").main(
        ["--epochs", "5", "--no-progress", "--export", str(tmp_path / "p.onnx")]
    )
    assert "model written to" in capsys.readouterr().out
    (out,) = run_onnx(tmp_path / "p.onnx", np.zeros((2, 3), np.float32))
    assert out.shape == (2, 1)


def lenet() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.AvgPool2d(2, ceil_mode=True),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 32), nn.BatchNorm1d(32), nn.GELU(),
        nn.Dropout(0.5), nn.Linear(32, 10), nn.LogSoftmax(dim=1),
    )  # fmt: skip


def char_model() -> nn.Module:
    return nn.Sequential(
        nn.Embedding(27, 10), nn.Flatten(), nn.Linear(30, 64, bias=False),
        nn.BatchNorm1d(64), nn.Tanh(), nn.Linear(64, 27),
    )  # fmt: skip


class Zoo(nn.Module):
    """Layers beyond the examples: grouped, dilated and 'same' convolutions, padded pools."""

    def __init__(self) -> None:
        super().__init__()
        self.c1 = nn.Conv1d(4, 6, 3, padding="same", dilation=2, groups=2)
        self.c2 = nn.Conv2d(6, 4, 3, stride=2, padding=1)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)
        self.max = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.adapt = nn.AdaptiveAvgPool2d((2, 3))
        self.norm = nn.LayerNorm(6)
        self.bn = nn.BatchNorm2d(4)
        self.acts = nn.Sequential(nn.SiLU(), nn.ELU(), nn.LeakyReLU(0.1), nn.Softplus())

    def forward(self, x: mg.Tensor) -> mg.Tensor:
        h = self.c1(x)  # (N, 6, 12)
        h = self.norm(h.permute(0, 2, 1)).permute(0, 2, 1)
        img = nn.functional.pad(h.reshape(h.shape[0], 6, 3, 4), (1, 2, 0, 1))  # (N, 6, 4, 7)
        y = self.bn(self.c2(img))  # (N, 4, 2, 4)
        z = mg.cat([self.pool(y).flatten(1), self.max(y).flatten(1)], 1)
        return mg.cat([self.acts(z), self.adapt(y).flatten(1)], 1)


def generator() -> nn.Module:
    """The layers that grow an image: transposed convolutions, upsampling, padding layers and
    group norm."""
    return nn.Sequential(
        nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1), nn.BatchNorm2d(6),
        nn.ReLU(), nn.ConvTranspose2d(6, 4, (3, 2), stride=(1, 3), output_padding=(0, 2),
                                      groups=2, dilation=(2, 1)),
        nn.Upsample(scale_factor=2, mode="bilinear"), nn.ReflectionPad2d((1, 0, 2, 1)),
        nn.Conv2d(4, 4, 3), nn.GroupNorm(2, 4), nn.Upsample(size=(9, 20)),
        nn.ReplicationPad2d(1), nn.CircularPad2d((0, 1, 1, 0)), nn.ZeroPad2d(1), nn.Tanh(),
    )  # fmt: skip


def volume() -> nn.Module:
    """The 3-d layers: grouped, transposed and replicate-padded convolutions, the pools and
    batch norm over (N, C, D, H, W)."""
    return nn.Sequential(
        nn.Conv3d(2, 4, 3, padding=1, groups=2), nn.BatchNorm3d(4), nn.ReLU(),
        nn.MaxPool3d(2, ceil_mode=True),
        nn.ConvTranspose3d(4, 4, 2, stride=2, output_padding=(1, 0, 0), dilation=(2, 1, 1)),
        nn.AvgPool3d(3, stride=2, padding=1, count_include_pad=False),
        nn.Conv3d(4, 3, (1, 2, 2), stride=(1, 2, 1), padding=1, padding_mode="replicate"),
        nn.AdaptiveAvgPool3d((2, 1, 3)), nn.Flatten(),
    )  # fmt: skip


NETWORKS = {
    "lenet": (lenet, (1, 28, 28), "float"),
    "volume": (volume, (2, 5, 6, 7), "float"),
    "char model": (char_model, (3,), "index"),
    "zoo": (Zoo, (4, 12), "float"),
    "generator": (generator, (4, 3, 2), "float"),
}


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_networks_with_conv_pool_norm_and_embedding(name: str, tmp_path: Path) -> None:
    make, shape, kind = NETWORKS[name]
    mg.manual_seed(0)
    model = make()
    rng = np.random.default_rng(3)

    def sample(n: int) -> np.ndarray:
        if kind == "index":
            return rng.integers(0, 27, (n, *shape))
        return rng.standard_normal((n, *shape)).astype(np.float32)

    model.train()  # running statistics that are not the initial ones
    for _ in range(3):
        model(mg.tensor(sample(16)))
    model.eval()
    export_and_check(model, mg.tensor(sample(4)), tmp_path / "m.onnx", input_names=["input"],
                     output_names=["output"], dynamic_axes=DYNAMIC)  # fmt: skip
    assert not model.training
    for n in (4, 7):
        assert_same_outputs(model, tmp_path / "m.onnx", sample(n), tol=1e-4)


def test_names_example_exports_its_trained_model(tmp_path: Path) -> None:
    words = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper"] * 20
    (tmp_path / "names.txt").write_text("\n".join(words))
    argv = ["--data", str(tmp_path / "names.txt"), "--epochs", "1", "--hidden", "16"]
    argv += ["--samples", "0", "--no-progress", "--export", str(tmp_path / "n.onnx")]
    load("names_mlp").main(argv)
    proto = onnx.load(str(tmp_path / "n.onnx"))
    onnx.checker.check_model(proto, full_check=True)
    table = next(t for t in proto.graph.initializer if t.name == "0.weight")  # the embedding
    vocab = table.dims[0]
    idx = np.random.default_rng(0).integers(0, vocab, (9, 3))  # another batch size than 4
    (out,) = run_onnx(tmp_path / "n.onnx", idx)
    assert out.shape == (9, vocab) and np.isfinite(out).all()


def test_mnist_cnn_example_exports_what_it_trained(tmp_path: Path) -> None:
    from test_examples import fake_mnist

    fake_mnist(tmp_path, n_train=40, n_test=20)
    argv = ["--data", str(tmp_path), "--epochs", "1", "--channels", "2,3", "--no-progress"]
    load("mnist_cnn").main([*argv, "--export", str(tmp_path / "cnn.onnx")])
    proto = onnx.load(str(tmp_path / "cnn.onnx"))
    onnx.checker.check_model(proto, full_check=True)
    # The same network with the file's weights (initializers carry the state_dict names).
    model = load("mnist_cnn").lenet((2, 3))
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in proto.graph.initializer}
    state = {k: mg.tensor(weights[k]) for k in model.state_dict() if k in weights}
    assert set(state) == {k for k, v in model.state_dict().items() if v.dtype.is_floating_point}
    model.load_state_dict(state, strict=False)
    model.eval()
    x = np.random.default_rng(0).random((7, 1, 28, 28), dtype=np.float32)  # another batch size
    assert_same_outputs(model, tmp_path / "cnn.onnx", x, tol=1e-4)


# ---------------------------------------------------------------------------------------------
# Elementwise ops beyond the basic set: each exported alone, run on edge values (nan, +-inf,
# +-0, halves, the largest floats) and on random values at another batch size.

EDGES = np.array(
    [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.25,
     -0.75, 1e-30, 89.5, -89.5, 3e38, -3e38, 1e7 + 1, 8388609.0, 3.14159, -3.14159],
    np.float32,
)  # fmt: skip
EXACT = 0.0
FLOAT32 = 1e-6
"""Relative tolerance where ONNX Runtime's float32 kernel (its own tan, asin...) may round an
ulp or two away from NumPy's."""

UNARY_EXPORTS: dict[str, tuple[Any, float]] = {
    "tan": (lambda x: x.tan(), FLOAT32),
    "asin": (lambda x: x.asin(), FLOAT32),
    "acos": (lambda x: x.acos(), FLOAT32),
    "atan": (lambda x: x.atan(), FLOAT32),
    "sinh": (lambda x: x.sinh(), FLOAT32),
    "cosh": (lambda x: x.cosh(), FLOAT32),
    "asinh": (lambda x: x.asinh(), FLOAT32),
    "acosh": (lambda x: x.acosh(), FLOAT32),
    "atanh": (lambda x: x.atanh(), FLOAT32),
    "floor": (lambda x: x.floor(), EXACT),
    "ceil": (lambda x: x.ceil(), EXACT),
    "trunc": (lambda x: x.trunc(), EXACT),
    "frac": (lambda x: x.frac(), EXACT),
    "round": (lambda x: x.round(), EXACT),
    "round decimals=2": (lambda x: x.round(decimals=2), EXACT),
    "round decimals=-1": (lambda x: x.round(decimals=-1), EXACT),
    "sign": (lambda x: x.sign(), EXACT),
    "sgn": (lambda x: x.sgn(), EXACT),
    "remainder by a number": (lambda x: x % 0.75, EXACT),
    "fmod by a number": (lambda x: x.fmod(-0.75), EXACT),
    "sinc": (lambda x: x.sinc(), FLOAT32),
    "logit": (lambda x: x.logit(), FLOAT32),
    "logit eps": (lambda x: x.logit(eps=0.1), FLOAT32),
    "xlogy of a number": (lambda x: x.xlogy(0.5), FLOAT32),
}


def edge_rows(columns: int) -> np.ndarray:
    """EDGES, padded with zeros to fill rows of ``columns``."""
    n = -(-len(EDGES) // columns) * columns
    return np.concatenate([EDGES, np.zeros(n - len(EDGES), np.float32)]).reshape(-1, columns)


@pytest.mark.parametrize("name", sorted(UNARY_EXPORTS))
def test_elementwise_op_exports_with_its_edge_values(name: str, tmp_path: Path) -> None:
    fn, tol = UNARY_EXPORTS[name]
    rng = np.random.default_rng(4)
    example = mg.tensor(rng.uniform(-3, 3, (5, 4)).astype(np.float32))
    export_and_check(fn, example, tmp_path / "m.onnx", input_names=["input"],
                     output_names=["output"], dynamic_axes=DYNAMIC)  # fmt: skip
    assert_same_outputs(fn, tmp_path / "m.onnx", edge_rows(4), tol=tol)
    for low, high in ((-4, 4), (0, 1)):  # other batch sizes, and logit's domain
        x = rng.uniform(low, high, (9, 4)).astype(np.float32)
        assert_same_outputs(fn, tmp_path / "m.onnx", x, tol=tol)


BINARY_EXPORTS: dict[str, tuple[Any, float]] = {
    "remainder": (lambda x, y: x.remainder(y), EXACT),
    "fmod": (lambda x, y: x.fmod(y), EXACT),
    "atan2": (lambda x, y: x.atan2(y), FLOAT32),
    "hypot": (lambda x, y: x.hypot(y), FLOAT32),
    "xlogy": (lambda x, y: x.xlogy(y), FLOAT32),
    "logaddexp": (lambda x, y: x.logaddexp(y), FLOAT32),
}


def edge_pairs() -> tuple[np.ndarray, np.ndarray]:
    """Every pair of edge values, as two (n, len(EDGES)) arrays."""
    x, y = np.meshgrid(EDGES, EDGES, indexing="ij")
    return x.copy(), y.copy()


@pytest.mark.parametrize("name", sorted(BINARY_EXPORTS))
def test_op_of_two_inputs_exports_with_every_pair_of_edge_values(name: str, tmp_path: Path) -> None:
    fn, tol = BINARY_EXPORTS[name]
    rng = np.random.default_rng(5)
    x, y = (mg.tensor(rng.uniform(-3, 3, (5, len(EDGES))).astype(np.float32)) for _ in range(2))
    dynamic = {"x": {0: "n"}, "y": {0: "n"}, "output": {0: "n"}}
    export_and_check(fn, (x, y), tmp_path / "m.onnx", input_names=["x", "y"],
                     dynamic_axes=dynamic)  # fmt: skip
    for a, b in (edge_pairs(), rng.uniform(-4, 4, (2, 9, len(EDGES))).astype(np.float32)):
        with mg.no_grad():
            expected = fn(mg.tensor(a), mg.tensor(b)).numpy()
        (got,) = run_onnx(tmp_path / "m.onnx", a, b)
        assert got.dtype == expected.dtype
        # atol: a value near 0 that cancels (logaddexp(-0.3, 0.2...)) keeps an ulp of the inputs
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol / 10)


def test_logaddexp_keeps_its_digits_where_one_input_is_far_below(tmp_path: Path) -> None:
    x, y = np.zeros((1, 5), np.float32), np.array([[-1, -10, -20, -40, -80]], np.float32)
    export(lambda a, b: a.logaddexp(b), (mg.tensor(x), mg.tensor(y)), tmp_path / "m.onnx")
    (got,) = run_onnx(tmp_path / "m.onnx", x, y)
    np.testing.assert_allclose(got, np.log1p(np.exp(y)), rtol=FLOAT32, atol=0)


FLOAT32_ONLY = ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf"]


@pytest.mark.parametrize("name", FLOAT32_ONLY)
def test_op_onnx_runtime_computes_in_float32_only_is_refused_in_float64(
    name: str, tmp_path: Path
) -> None:
    example = mg.tensor(np.full((3, 2), 0.5))  # float64
    with pytest.raises(ExportError, match=rf"(?i){name} op on float64 .* float32 only.*float\(\)"):
        export(lambda x: getattr(x, name)(), example, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()
    # in float32 it exports and runs
    export(lambda x: getattr(x, name)(), example.float(), tmp_path / "m.onnx")
    (got,) = run_onnx(tmp_path / "m.onnx", np.full((3, 2), 0.5, np.float32))
    assert got.dtype == np.float32


def test_atan2_in_float64_is_refused_as_it_needs_atan(tmp_path: Path) -> None:
    x = mg.tensor(np.full((3, 2), 0.5))
    with pytest.raises(ExportError, match=r"Atan2 op on float64 becomes ONNX's Atan"):
        export(lambda a: a.atan2(a * 2), x, tmp_path / "m.onnx")


def test_gelu_in_float64_is_refused_at_export_not_in_onnx_runtime(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(3, 3), nn.GELU()).double()
    with pytest.raises(ExportError, match=r"Erf op on float64 becomes ONNX's Erf"):
        export(model, mg.randn(2, 3).double(), tmp_path / "m.onnx")


# ---------------------------------------------------------------------------------------------
# Methods that move elements: compositions of indexing, reshapes, permutes and products.

WEIGHT = np.random.default_rng(6).standard_normal((5, 5)).astype(np.float32)

BATCHED: dict[str, Any] = {
    "flip": lambda x: x.flip(2),
    "flip two dims": lambda x: x.flip(1, 2),
    "fliplr": lambda x: x.fliplr(),
    "roll": lambda x: x.roll((1, -2), (1, 2)),
    "repeat_interleave": lambda x: x.repeat_interleave(2, 2),
    "repeat_interleave counts": lambda x: x.repeat_interleave(mg.tensor([2, 0, 1, 3, 1]), 2),
    "narrow": lambda x: x.narrow(2, 1, 3),
    "movedim": lambda x: x.movedim(1, 2),
    "diagonal": lambda x: x.diagonal(1, 1, 2),
    "one element": lambda x: x[:, 0, 3],
    "mT": lambda x: x.mT,
    "clamp_min": lambda x: x.clamp_min(0.1),
    "clamp_max": lambda x: x.clamp_max(-0.1),
    "reciprocal": lambda x: x.reciprocal(),
    "addmm": lambda x: x[:, 0].addmm(x[:, 1], mg.tensor(WEIGHT), beta=0.5, alpha=2),
    "bmm": lambda x: x.bmm(x.mT),
}


@pytest.mark.parametrize("name", sorted(BATCHED))
def test_rearranging_method_exports_with_a_dynamic_batch(name: str, tmp_path: Path) -> None:
    fn = BATCHED[name]
    rng = np.random.default_rng(7)
    example = mg.tensor(rng.standard_normal((3, 4, 5)).astype(np.float32))
    export_and_check(fn, example, tmp_path / "m.onnx", input_names=["input"],
                     output_names=["output"], dynamic_axes=DYNAMIC)  # fmt: skip
    for n in (3, 6, 1):
        x = rng.standard_normal((n, 4, 5)).astype(np.float32)
        assert_same_outputs(fn, tmp_path / "m.onnx", x)


FIXED: dict[str, Any] = {
    "flip of the first dim": lambda x: x.flip(0),
    "flipud": lambda x: x.flipud(),
    "roll of the flattened tensor": lambda x: x.roll(3),
    "diag of a matrix": lambda x: x.diag(-1),
    "diag of a vector": lambda x: (x @ mg.tensor(WEIGHT))[1].diag(1),
    "diagonal": lambda x: x.diagonal(),
    "trace": lambda x: x.trace(),
    "tile": lambda x: x.tile(2, 3),
    "repeat_interleave flattened": lambda x: x.repeat_interleave(2),
    "take_along_dim flattened": lambda x: x.take_along_dim(mg.tensor([3, 19, 0])),
    "take_along_dim": lambda x: x.take_along_dim(mg.tensor([[0, 4, -1]]), 1),
    "masked_select": lambda x: x.masked_select(mg.tensor([True, False, True, True, False])),
    "outer": lambda x: x[0].outer(x[1]),
    "mm": lambda x: x.mm(mg.tensor(WEIGHT)),
}


@pytest.mark.parametrize("name", sorted(FIXED))
def test_rearranging_method_exports_with_fixed_sizes(name: str, tmp_path: Path) -> None:
    fn = FIXED[name]
    rng = np.random.default_rng(8)
    export_and_check(fn, mg.tensor(rng.standard_normal((4, 5)).astype(np.float32)),
                     tmp_path / "m.onnx")  # fmt: skip
    assert_same_outputs(fn, tmp_path / "m.onnx", rng.standard_normal((4, 5)).astype(np.float32))


@pytest.mark.parametrize(
    "name", ["flip of the first dim", "trace", "tile", "diagonal", "take_along_dim"]
)
def test_rearranging_along_a_dynamic_axis_is_refused(name: str, tmp_path: Path) -> None:
    example = mg.tensor(np.random.default_rng(9).standard_normal((4, 5)).astype(np.float32))
    with pytest.raises(
        ExportError, match=r"size in a way one ONNX graph cannot hold.*dynamic_axes"
    ):
        export(FIXED[name], example, tmp_path / "m.onnx", dynamic_axes=DYNAMIC)
    assert not (tmp_path / "m.onnx").exists()


REFUSED: dict[str, tuple[Any, str]] = {
    "erfinv": (lambda x: x.tanh().erfinv(), r"Erfinv op has no ONNX conversion.*outside"),
    "floor_divide": (lambda x: x // 0.7, r"floor_divide \(//\) .*\(x / y\)\.floor\(\)"),
    "nan_to_num": (lambda x: x.nan_to_num(), r"nan_to_num .*replace them in the\s+data"),
    "diag_embed": (lambda x: x.diag_embed(), r"ScatterAdd op \(diag, diag_embed\)"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_op_without_a_faithful_onnx_form_is_refused_by_name(name: str, tmp_path: Path) -> None:
    fn, message = REFUSED[name]
    with pytest.raises(ExportError, match=message):
        export(fn, mg.randn(4, 5), tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_number_remainder_tensor_exports(tmp_path: Path) -> None:
    fn = lambda x: 2.5 % x  # noqa: E731  (PyTorch records it without a derivative)
    export_and_check(fn, mg.randn(4, 4), tmp_path / "m.onnx", input_names=["input"],
                     output_names=["output"], dynamic_axes=DYNAMIC)  # fmt: skip
    assert_same_outputs(fn, tmp_path / "m.onnx", edge_rows(4), tol=EXACT)


FLOAT64_EXPORTS = {
    **{k: v for k, v in UNARY_EXPORTS.items() if k.split()[0] not in FLOAT32_ONLY},
    **{k: v for k, v in BINARY_EXPORTS.items() if k != "atan2"},
}


@pytest.mark.parametrize("name", sorted(FLOAT64_EXPORTS))
def test_elementwise_op_exports_in_float64(name: str, tmp_path: Path) -> None:
    fn, tol = FLOAT64_EXPORTS[name]
    arity = 2 if name in BINARY_EXPORTS else 1
    example = tuple(mg.tensor(np.full((len(EDGES),) * 2, 0.5)) for _ in range(arity))
    export_and_check(fn, example, tmp_path / "m.onnx")
    x, y = (a.astype(np.float64) for a in edge_pairs())
    inputs = (x, y)[:arity]
    with mg.no_grad():
        expected = fn(*(mg.tensor(a) for a in inputs)).numpy()
    (got,) = run_onnx(tmp_path / "m.onnx", *inputs)
    assert got.dtype == np.float64
    near = EXACT if tol == EXACT else 1e-15  # a few float64 ulps where ONNX Runtime rounds
    np.testing.assert_allclose(got, expected, rtol=near, atol=near)


class InPlace(nn.Module):
    """Recorded in-place changes of computed tensors: each takes the node its tensor had."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: mg.Tensor) -> mg.Tensor:
        h = self.fc(x)
        skip = h * 0.5
        h.mul_(2.0)
        h.add_(skip)
        h = h.tanh()
        h.clamp_(-0.5, 0.5)
        return h + skip


def test_in_place_changes_export(tmp_path: Path) -> None:
    mg.manual_seed(0)
    model = InPlace()
    x = np.random.default_rng(10).standard_normal((3, 4)).astype(np.float32)
    export_and_check(model, mg.tensor(x), tmp_path / "m.onnx", input_names=["input"],
                     output_names=["output"], dynamic_axes=DYNAMIC)  # fmt: skip
    for n in (3, 8):
        x = np.random.default_rng(n).standard_normal((n, 4)).astype(np.float32)
        assert_same_outputs(model, tmp_path / "m.onnx", x)


# ---------------------------------------------------------------------------------------------
# The activations with thresholds: one op each, written as ONNX's own op.

F = nn.functional
KINKS = [-6.0, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, -0.3, 0.0, 0.3, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0,
         6.0]  # fmt: skip
THRESHOLDS = np.array(
    [*KINKS, *(k + d for k in KINKS for d in (-0.01, 0.01)),  # exactly at each, and either side
     -100.0, -10.0, -7.0, -3.5, 3.5, 7.0, 10.0, 100.0, np.inf, -np.inf, np.nan],  # beyond
    np.float32,
)  # fmt: skip

# name -> (activation, the ONNX op it becomes in float32)
PIECEWISE: dict[str, tuple[Any, str]] = {
    "Hardtanh": (nn.Hardtanh(), "Clip"),
    "Hardtanh(-2, 2.5)": (nn.Hardtanh(-2.0, 2.5), "Clip"),
    "Hardtanh inplace": (nn.Hardtanh(-0.5, 3.0, inplace=True), "Clip"),
    "ReLU6": (nn.ReLU6(), "Clip"),
    "ReLU6 inplace": (nn.ReLU6(inplace=True), "Clip"),
    "Hardsigmoid": (nn.Hardsigmoid(), "HardSigmoid"),
    "Hardsigmoid inplace": (nn.Hardsigmoid(inplace=True), "HardSigmoid"),
    "Hardswish": (nn.Hardswish(), "HardSwish"),
    "Hardswish inplace": (nn.Hardswish(inplace=True), "HardSwish"),
    "Hardshrink": (nn.Hardshrink(), "Shrink"),
    "Hardshrink(1.5)": (nn.Hardshrink(1.5), "Shrink"),
    "Softshrink": (nn.Softshrink(), "Shrink"),
    "Softshrink(0.3)": (nn.Softshrink(0.3), "Shrink"),
    "Threshold(0.5, -2)": (nn.Threshold(0.5, -2.0), "Where"),
    "Threshold inplace": (nn.Threshold(-1.0, 20.0, inplace=True), "Where"),
    "hardtanh": (lambda x: F.hardtanh(x, -2.0, 2.5), "Clip"),
    "hardtanh inplace": (lambda x: F.hardtanh(x, inplace=True), "Clip"),
    "hardtanh_": (lambda x: F.hardtanh_(x, -0.3, 0.3), "Clip"),
    "relu6": (F.relu6, "Clip"),
    "relu6 inplace": (lambda x: F.relu6(x, inplace=True), "Clip"),
    "hardsigmoid": (F.hardsigmoid, "HardSigmoid"),
    "hardsigmoid inplace": (lambda x: F.hardsigmoid(x, inplace=True), "HardSigmoid"),
    "hardswish": (F.hardswish, "HardSwish"),
    "hardswish inplace": (lambda x: F.hardswish(x, True), "HardSwish"),
    "hardshrink": (lambda x: F.hardshrink(x, 0.3), "Shrink"),
    "softshrink": (lambda x: F.softshrink(x, 1.5), "Shrink"),
    "threshold": (lambda x: F.threshold(x, 2.5, 0.5), "Where"),
    "threshold inplace": (lambda x: F.threshold(x, 0.0, -1.0, inplace=True), "Where"),
    "threshold_": (lambda x: F.threshold_(x, -2.0, 1.0), "Where"),
}


class Then(nn.Module):
    """x * 1 (a computed tensor with x's values, which an in-place activation may overwrite),
    then ``act``."""

    def __init__(self, act: Any) -> None:
        super().__init__()
        self.act = act

    def forward(self, x: mg.Tensor) -> mg.Tensor:
        return self.act(x * 1.0)


@pytest.mark.parametrize("name", sorted(PIECEWISE))
def test_piecewise_activation_exports_as_its_onnx_op(name: str, tmp_path: Path) -> None:
    act, op_type = PIECEWISE[name]
    model = Then(act)
    example = mg.tensor(np.random.default_rng(11).uniform(-1, 1, (2, len(THRESHOLDS))))
    example = example.float()
    proto = export_and_check(model, example, tmp_path / "m.onnx", input_names=["input"],
                             output_names=["output"], dynamic_axes=DYNAMIC)  # fmt: skip
    assert op_type in {n.op_type for n in proto.graph.node}
    x = THRESHOLDS.reshape(1, -1).repeat(3, 0)  # (another batch size than the example's)
    with mg.no_grad():
        expected = model(mg.tensor(x)).numpy()
    (got,) = run_onnx(tmp_path / "m.onnx", x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)  # (nan where minigrad's)


@pytest.mark.parametrize("name", sorted(PIECEWISE))
def test_piecewise_activation_exports_in_float64_with_minigrad_digits(
    name: str, tmp_path: Path
) -> None:
    # ONNX's alpha, beta, lambd and bias are float32 attributes: float64 is written as
    # minigrad's arithmetic (Clip and Where already take values of x's dtype)
    model = Then(PIECEWISE[name][0])
    export_and_check(model, mg.tensor(np.full((2, len(THRESHOLDS)), 0.25)), tmp_path / "m.onnx",
                     input_names=["input"], dynamic_axes=DYNAMIC)  # fmt: skip
    x = THRESHOLDS.astype(np.float64).reshape(1, -1)
    with mg.no_grad():
        expected = model(mg.tensor(x)).numpy()
    (got,) = run_onnx(tmp_path / "m.onnx", x)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_recurrent_layers_export(name: str, tmp_path: Path) -> None:
    # the time steps come from one Unbind node: each step becomes a Gather of its index
    mg.manual_seed(0)
    layer = getattr(nn, name)(3, 4, num_layers=2, bidirectional=True)
    rng = np.random.default_rng(12)
    example = mg.tensor(rng.standard_normal((20, 2, 3)).astype(np.float32))
    export_and_check(lambda x: layer(x)[0], example, tmp_path / "m.onnx")
    assert_same_outputs(lambda x: layer(x)[0], tmp_path / "m.onnx",
                        rng.standard_normal((20, 2, 3)).astype(np.float32))  # fmt: skip
