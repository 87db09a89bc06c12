"""The example scripts, run small and fast through their `main(argv)`.

MNIST is replaced by a tiny synthetic data set written in IDX format to tmp_path.
"""

from __future__ import annotations

import gzip
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str) -> ModuleType:
    """Import examples/<name>.py as a module (the examples folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is made
    spec.loader.exec_module(module)
    return module


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------------------------------------
# curve_fit


def test_curve_fit_recovers_the_true_curve(capsys: pytest.CaptureFixture[str]) -> None:
    example = load("curve_fit")
    result = example.main(["--epochs", "300", "--samples", "2000", "--no-progress"])
    w_true = np.array(example.W_TRUE)
    assert np.abs(np.array(result["w"]) - w_true).max() < 0.4
    assert abs(result["b"] - example.B_TRUE) < 0.3
    assert result["accuracy"] > result["true_curve_accuracy"] - 0.02
    out = capsys.readouterr().out
    assert out.startswith("curve_fit:") and "final loss" in out


def test_curve_fit_loss_is_the_numpy_cross_entropy() -> None:
    example = load("curve_fit")
    rng = np.random.default_rng(1)
    z = rng.standard_normal((6, 1)) * 30  # large |z|: the stable form must not overflow
    y = (rng.random((6, 1)) < 0.5).astype(np.float64)
    import minigrad as mg

    got = example.bce_with_logits(mg.tensor(z, dtype="float64"), mg.tensor(y, dtype="float64"))
    expected = np.mean(np.logaddexp(0.0, z) - y * z)
    assert got.item() == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# perceptron


def numpy_perceptron(seed: int, epochs: int, lr: float) -> tuple[float, float]:
    """The same neuron trained in float64 NumPy with the MSE gradient written out."""
    x = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 0]], dtype=np.float64)
    y = np.array([0, 1, 1, 0], dtype=np.float64)
    w = np.random.default_rng(seed).uniform(0.0, 1.0, size=(1, 3))[0]
    b = 0.0
    for _ in range(epochs):
        a = sigmoid(x @ w + b)
        delta = 2.0 / len(y) * (a - y) * a * (1 - a)
        w, b = w - lr * x.T @ delta, b - lr * delta.sum()
    return float(sigmoid(np.array([0, 1, 0]) @ w + b)), float(sigmoid(np.array([1, 0, 1]) @ w + b))


def test_perceptron_predictions(capsys: pytest.CaptureFixture[str]) -> None:
    result = load("perceptron").main(["--no-progress"])
    p010, p101 = result["predictions"]["[0, 1, 0]"], result["predictions"]["[1, 0, 1]"]
    assert p010 < 0.05 < 0.95 < p101
    expected = numpy_perceptron(seed=0, epochs=1000, lr=1.0)
    np.testing.assert_allclose([p010, p101], expected, atol=1e-4)
    assert result["accuracy"] == 1.0
    out = capsys.readouterr().out
    assert "prediction for [0, 1, 0]: 0.03" in out and "prediction for [1, 0, 1]: 0.9" in out


def test_perceptron_flags_change_the_run() -> None:
    example = load("perceptron")
    short = example.main(["--epochs", "20", "--lr", "0.5", "--seed", "3", "--no-progress"])
    expected = numpy_perceptron(seed=3, epochs=20, lr=0.5)
    got = [short["predictions"]["[0, 1, 0]"], short["predictions"]["[1, 0, 1]"]]
    np.testing.assert_allclose(got, expected, atol=1e-5)


# ---------------------------------------------------------------------------------------------
# iris


def test_iris_classic_short_run(capsys: pytest.CaptureFixture[str]) -> None:
    result = load("iris_mlp").main(["--epochs", "300", "--no-progress"])
    split = result["splits"]["seed"]
    assert result["config"] == "classic" and split["total"] == 51
    assert result["test_accuracy"] > 0.8
    assert split["correct"][0] == round(split["accuracies"][0] * 51)
    assert "seed split, seed 0: test" in capsys.readouterr().out


def test_iris_modern_several_seeds_on_both_splits() -> None:
    result = load("iris_mlp").main(
        ["--config", "modern", "--epochs", "40", "--seeds", "2", "--no-progress"]
    )
    assert set(result["splits"]) == {"seed", "stratified"}
    assert result["splits"]["stratified"]["total"] == 30
    for split in result["splits"].values():
        assert len(split["accuracies"]) == 2
        assert split["mean"] == pytest.approx(np.mean(split["accuracies"]))
        assert split["mean"] > 0.85


def test_iris_stratified_split_is_standardised_by_its_training_rows() -> None:
    example = load("iris_mlp")
    split = example.stratified_split(5)
    assert split.x_train.shape == (120, 4) and split.x_test.shape == (30, 4)
    np.testing.assert_allclose(split.x_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(split.x_train.std(axis=0), 1.0, atol=1e-5)
    assert np.bincount(split.labels_test).tolist() == [10, 10, 10]
    np.testing.assert_array_equal(split.y_test.argmax(axis=1), split.labels_test)


def test_iris_classic_rejects_another_shape() -> None:
    with pytest.raises(SystemExit):
        load("iris_mlp").main(["--hidden", "5"])


# ---------------------------------------------------------------------------------------------
# mnist, on a tiny synthetic set in the IDX format


def write_idx(path: Path, magic: int, array: np.ndarray) -> None:
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def fake_mnist(root: Path, n_train: int = 300, n_test: int = 100) -> None:
    """Digits drawn as a bright vertical bar at a column that depends on the label, plus noise."""
    rng = np.random.default_rng(0)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.integers(0, 10, size=n)
        images = rng.integers(0, 30, size=(n, 28, 28))
        for i, label in enumerate(labels):
            images[i, 4:24, 3 + 2 * label : 5 + 2 * label] = 255
        write_idx(root / f"{prefix}-images-idx3-ubyte.gz", 2051, images)
        write_idx(root / f"{prefix}-labels-idx1-ubyte.gz", 2049, labels)


def test_mnist_modern_on_tiny_idx_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake_mnist(tmp_path)
    argv = ["--data", str(tmp_path), "--epochs", "3", "--hidden", "32", "--lr", "0.01"]
    argv += ["--batch-size", "32", "--no-progress"]
    result = load("mnist_mlp").main(argv)
    assert result["config"] == "modern"
    assert result["test_accuracy"] > 0.9
    assert len(result["test_accuracy_per_epoch"]) == 3
    assert "300 training and 100 test images" in capsys.readouterr().out


def test_mnist_classic_on_tiny_idx_files(tmp_path: Path) -> None:
    fake_mnist(tmp_path)
    argv = ["--data", str(tmp_path), "--config", "classic", "--epochs", "3", "--lr", "1.0"]
    result = load("mnist_mlp").main(
        [*argv, "--limit", "200", "--test-limit", "50", "--no-progress"]
    )
    assert result["test_accuracy"] > 0.8
    assert result["train_accuracy"] > 0.8


def test_mnist_classic_model_and_initialisations() -> None:
    example = load("mnist_mlp")
    model = example.classic_model([784, 100, 10], seed=0, init="scaled")
    w = model[0].weight.detach().numpy()
    assert w.shape == (100, 784)
    assert abs(float(w.std()) - 1 / 28) < 0.002  # N(0, 1/n_in): std 1/sqrt(784)
    assert abs(float(model[0].bias.detach().numpy().std()) - 1.0) < 0.3
    big = example.classic_model([784, 100, 10], seed=0, init="normal")
    assert abs(float(big[0].weight.detach().numpy().std()) - 1.0) < 0.02
    modern = example.modern_model([784, 512, 256, 10], seed=0)
    assert [layer.weight.shape for layer in modern if hasattr(layer, "weight")] == [
        (512, 784),
        (256, 512),
        (10, 256),
    ]
    assert float(np.abs(modern[0].weight.detach().numpy()).max()) <= 1 / 28


def test_mnist_cosine_schedule_decays_the_learning_rate_to_zero() -> None:
    example = load("mnist_mlp")
    from minigrad import nn, optim

    a, b = nn.Parameter(np.zeros(1)), nn.Parameter(np.zeros(1))
    opt = optim.Adam([{"params": [a]}, {"params": [b]}], lr=0.1)
    step = example.cosine_schedule(opt, epochs=4)
    seen = []
    for epoch in range(4):
        opt.step()
        step(epoch, {})
        seen.append(opt.param_groups[1]["lr"])
    # The schedule the example wrote by hand before it used CosineAnnealingLR.
    expected = [0.05 * (1 + np.cos(np.pi * (e + 1) / 4)) for e in range(4)]
    np.testing.assert_allclose(seen, expected, rtol=1e-14, atol=1e-17)
    assert seen[-1] == pytest.approx(0.0, abs=1e-15)


def test_mnist_missing_files_say_where(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"missing .*train-images-idx3-ubyte"):
        load("mnist_mlp").main(["--data", str(tmp_path / "nowhere"), "--no-progress"])


# ---------------------------------------------------------------------------------------------
# check_backprop


def test_check_backprop_three_ways_agree(capsys: pytest.CaptureFixture[str]) -> None:
    result = load("check_backprop").main(["--no-progress"])
    for model in ("mlp", "perceptron"):
        diffs = result[model]
        assert diffs["autograd_vs_reference"] < 1e-12
        assert diffs["autograd_vs_finite_diff"] < 1e-8
        assert diffs["reference_vs_finite_diff"] < 1e-8
    out = capsys.readouterr().out
    assert "autograd" in out and "reference" in out and "finite diff" in out
    assert "0.weight[0, 0]" in out and "2.bias[2]" in out


def test_check_backprop_after_training_with_explanation() -> None:
    result = load("check_backprop").main(["--epochs", "5", "--explain", "--no-progress"])
    assert result["mlp"]["autograd_vs_reference"] < 1e-12
    assert result["explain_max_reference_diff"] < 1e-12


# ---------------------------------------------------------------------------------------------
# --plot and --graph


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("curve_fit", ["--epochs", "5"]),
        ("perceptron", ["--epochs", "5"]),
        ("iris_mlp", ["--epochs", "5"]),
    ],
)
def test_plot_flag_writes_a_png(name: str, argv: list[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "curves.png"
    load(name).main([*argv, "--plot", str(path), "--no-progress"])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("curve_fit", ["--epochs", "2"]),
        ("perceptron", ["--epochs", "2"]),
        ("iris_mlp", ["--epochs", "2"]),
        ("check_backprop", ["--explain"]),
    ],
)
def test_graph_flag_writes_the_dot_source(name: str, argv: list[str], tmp_path: Path) -> None:
    pytest.importorskip("graphviz")
    path = tmp_path / "graph.dot"
    load(name).main([*argv, "--graph", str(path), "--no-progress"])
    text = path.read_text()
    assert text.startswith("digraph")
    assert "Linear" in text or "MatMul" in text


def test_mnist_graph_and_plot(tmp_path: Path) -> None:
    pytest.importorskip("graphviz")
    pytest.importorskip("matplotlib")
    fake_mnist(tmp_path, n_train=50, n_test=20)
    out: dict[str, Any] = load("mnist_mlp").main(
        [
            "--data",
            str(tmp_path),
            "--epochs",
            "1",
            "--hidden",
            "8",
            "--graph",
            str(tmp_path / "g.dot"),
            "--plot",
            str(tmp_path / "c.svg"),
            "--no-progress",
        ]
    )
    assert out["test_accuracy"] >= 0.0
    assert (tmp_path / "g.dot").read_text().startswith("digraph")
    assert "<svg" in (tmp_path / "c.svg").read_text()


# ---------------------------------------------------------------------------------------------
# names_mlp

NAMES = """emma olivia ava isabella sophia charlotte mia amelia harper evelyn abigail emily
elizabeth mila ella avery sofia camila aria scarlett victoria madison luna grace chloe
penelope layla riley
zoey nora lily eleanor hannah lillian addison aubrey ellie stella natalie zoe leah hazel violet
aurora savannah audrey brooklyn bella claire skylar lucy paisley everly anna caroline nova genesis
liam noah oliver elijah william james benjamin lucas henry alexander mason michael ethan daniel
jacob logan jackson levi sebastian mateo jack owen theodore aiden samuel joseph john david wyatt
matthew luke asher carter julian grayson leo jayden gabriel isaac lincoln anthony hudson
dylan""".split()


def names_file(tmp_path: Path) -> Path:
    path = tmp_path / "names.txt"
    path.write_text("\n".join(NAMES) + "\n")
    return path


def test_names_mlp_learns_and_samples_deterministically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = load("names_mlp")
    argv = ["--data", str(names_file(tmp_path)), "--epochs", "6", "--hidden", "32"]
    argv += ["--samples", "5", "--no-progress"]
    first = example.main(argv)
    out = capsys.readouterr().out
    assert "train loss" in out and "val loss" in out and "samples: " in out
    # Better than the uniform guess over the 27 characters (log 27 = 3.30).
    assert first["train_loss"] < 2.9 and first["val_loss"] < 3.2
    assert len(first["samples"]) == 5
    assert all(set(name) <= set("abcdefghijklmnopqrstuvwxyz") for name in first["samples"])
    second = example.main(argv)  # the same seed: the same losses and names
    assert second["samples"] == first["samples"]
    assert second["val_loss"] == first["val_loss"]
    third = example.main([*argv[:-3], "--samples", "5", "--seed", "1", "--no-progress"])
    assert third["samples"] != first["samples"]


def test_names_mlp_dataset_and_model() -> None:
    example = load("names_mlp")
    itos = example.vocabulary(["ab", "ca"])
    assert itos == [".", "a", "b", "c"]
    x, y = example.build_dataset(["ab"], {c: i for i, c in enumerate(itos)}, 3)
    np.testing.assert_array_equal(x, [[0, 0, 0], [0, 0, 1], [0, 1, 2]])
    np.testing.assert_array_equal(y, [1, 2, 0])
    model = example.make_model(27, 3, 10, 200, seed=0)
    assert [type(m).__name__ for m in model] == [
        "Embedding", "Flatten", "Linear", "BatchNorm1d", "Tanh", "Linear"
    ]  # fmt: skip
    assert model[2].bias is None and np.abs(model[5].weight.detach().numpy()).max() < 0.1


def test_names_mlp_step_schedule() -> None:
    import minigrad as mg

    example = load("names_mlp")
    opt = mg.optim.SGD([mg.nn.Parameter(np.zeros(1))], lr=0.1)
    scheduler, step = example.step_schedule(opt, decay_epoch=2)
    lrs = []
    for epoch in range(4):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()  # (the epoch's training)
        step(epoch, {})  # after each epoch
    assert lrs == pytest.approx([0.1, 0.1, 0.01, 0.01])
    assert scheduler.get_last_lr() == pytest.approx([0.01])


def test_names_mlp_missing_file_says_where(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"(?s)no names file at .*nowhere.*makemore"):
        load("names_mlp").main(["--data", str(tmp_path / "nowhere.txt"), "--no-progress"])


def test_names_mlp_on_the_real_file_briefly() -> None:
    example = load("names_mlp")
    if not example.DEFAULT_DATA.is_file():
        pytest.skip(f"the names file is not at {example.DEFAULT_DATA}")
    result = example.main(["--limit", "2000", "--epochs", "1", "--samples", "3", "--no-progress"])
    assert result["val_loss"] < 2.8


def test_names_mlp_graph_and_plot(tmp_path: Path) -> None:
    pytest.importorskip("graphviz")
    pytest.importorskip("matplotlib")
    argv = ["--data", str(names_file(tmp_path)), "--epochs", "2", "--hidden", "8"]
    argv += ["--graph", str(tmp_path / "g.dot"), "--plot", str(tmp_path / "c.svg")]
    load("names_mlp").main([*argv, "--samples", "0", "--no-progress"])
    text = (tmp_path / "g.dot").read_text()
    assert text.startswith("digraph") and "GetItem" in text and "Tanh" in text
    assert "<svg" in (tmp_path / "c.svg").read_text()


# --compile: the same runs with the training step compiled by minigrad.compile


def test_perceptron_compile_flag_gives_the_same_run() -> None:
    example = load("perceptron")
    argv = ["--epochs", "200", "--no-progress"]
    eager, compiled = example.main(argv), example.main([*argv, "--compile"])
    eager.pop("seconds", None)
    compiled.pop("seconds", None)
    assert compiled == eager


def test_iris_compile_flag_gives_the_same_accuracies() -> None:
    example = load("iris_mlp")
    for config, epochs in (("classic", "100"), ("modern", "20")):
        argv = ["--config", config, "--epochs", epochs, "--split", "seed", "--no-progress"]
        eager, compiled = example.main(argv), example.main([*argv, "--compile"])
        assert compiled["splits"] == eager["splits"]


def test_mnist_compile_flag_gives_the_same_accuracies(tmp_path: Path) -> None:
    fake_mnist(tmp_path)
    argv = ["--data", str(tmp_path), "--epochs", "2", "--hidden", "32", "--lr", "0.01"]
    argv += ["--batch-size", "32", "--no-progress"]
    example = load("mnist_mlp")
    eager, compiled = example.main(argv), example.main([*argv, "--compile"])
    assert compiled["test_accuracy_per_epoch"] == eager["test_accuracy_per_epoch"]


def test_plot_without_matplotlib_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)
    result = load("perceptron").main(
        ["--epochs", "3", "--no-progress", "--plot", str(tmp_path / "c.png")]
    )
    out = capsys.readouterr().out
    assert "--plot: plot_history needs matplotlib: pip install matplotlib" in out
    assert result["seconds"] >= 0 and not (tmp_path / "c.png").exists()


# ---------------------------------------------------------------------------------------------
# mnist_cnn, on the same tiny synthetic set


def test_mnist_cnn_on_tiny_idx_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake_mnist(tmp_path)
    argv = ["--data", str(tmp_path), "--epochs", "2", "--channels", "4,8", "--lr", "0.01"]
    result = load("mnist_cnn").main([*argv, "--batch-size", "32", "--no-progress"])
    assert result["test_accuracy"] > 0.9
    assert len(result["test_accuracy_per_epoch"]) == 2
    out = capsys.readouterr().out
    assert "300 training and 100 test images" in out and "conv5(4)-pool-conv5(8)" in out


def test_mnist_cnn_model_is_lenet_style() -> None:
    model = load("mnist_cnn").lenet((6, 16), dropout=0.5, seed=1)
    shapes = [tuple(p.shape) for p in model.parameters()]
    assert shapes == [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (10, 400), (10,)]
    names = [type(m).__name__ for m in model]
    assert names == ["Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten",
                     "Dropout", "Linear"]  # fmt: skip


def test_mnist_cnn_missing_files_say_where(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"missing .*train-images-idx3-ubyte"):
        load("mnist_cnn").main(["--data", str(tmp_path / "nowhere"), "--no-progress"])


def test_mnist_cnn_graph_and_plot(tmp_path: Path) -> None:
    pytest.importorskip("graphviz")
    pytest.importorskip("matplotlib")
    fake_mnist(tmp_path, n_train=40, n_test=20)
    argv = ["--data", str(tmp_path), "--epochs", "1", "--channels", "2,3", "--no-progress"]
    load("mnist_cnn").main(
        [*argv, "--graph", str(tmp_path / "g.dot"), "--plot", str(tmp_path / "c.png")]
    )
    assert "Conv" in (tmp_path / "g.dot").read_text()
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
