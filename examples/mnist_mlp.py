"""An MLP on MNIST: the classic 784-100-10 sigmoid network, and minigrad's recommended setup.

The four standard IDX files (`train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
`t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`, or the same names without `.gz`) are
read from --data (default: data/mnist); --download fetches missing ones and checks their
official SHA-256.

--config classic: 784-100-10 with a sigmoid on both layers, quadratic cost averaged over the
mini-batch, weights ~ N(0, 1/n_in) and biases ~ N(0, 1), plain SGD with learning rate 3.0 on
shuffled mini-batches of 10 (about 95% on the test set after one epoch; `--init normal`, all
N(0, 1), saturates the sigmoids and learns far slower).

--config modern: 784-512-256-10 with ReLU, softmax cross-entropy, PyTorch's default
initialisation, Adam (lr 1e-3, decayed to 0 over the run by CosineAnnealingLR) on shuffled
mini-batches of 128 for 10 epochs (about 98.3% on the test set).

    python examples/mnist_mlp.py --data data/mnist --config classic --epochs 1
    python examples/mnist_mlp.py --data data/mnist --config modern
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.datasets import load_mnist
from minigrad.nn import functional as F
from minigrad.optim import lr_scheduler
from minigrad.train import evaluate, fit
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.viz import plot_history

# Defaults of each configuration; command-line flags override them.
CONFIGS: dict[str, dict[str, Any]] = {
    "classic": {
        "hidden": "100",
        "epochs": 1,
        "lr": 3.0,
        "batch_size": 10,
        "init": "scaled",
        "schedule": "constant",
    },
    "modern": {
        "hidden": "512,256",
        "epochs": 10,
        "lr": 1e-3,
        "batch_size": 128,
        "init": "default",
        "schedule": "cosine",
    },
}


def quadratic_cost(output: mg.Tensor, target: mg.Tensor) -> mg.Tensor:
    """C = 1/(2m) sum_x ||a - y||^2, the classic tutorials' cost averaged over the mini-batch."""
    return ((output - target) ** 2).sum() / (2 * output.shape[0])


INITS = ("scaled", "normal", "default")


def init_parameters(model: nn.Sequential, init: str, seed: int) -> None:
    """Redraw the parameters: "scaled" W ~ N(0, 1/n_in), b ~ N(0, 1) (the classic tutorial's
    improved initialisation); "normal" W, b ~ N(0, 1) (its first, saturating one); "default"
    keeps PyTorch's U(-1/sqrt(n_in), 1/sqrt(n_in))."""
    if init == "default":
        return
    gen = np.random.default_rng(seed)
    for layer in model:
        if isinstance(layer, nn.Linear):
            std = 1.0 / np.sqrt(layer.in_features) if init == "scaled" else 1.0
            nn.init.normal_(layer.weight, 0.0, std, generator=gen)
            if layer.bias is not None:
                nn.init.normal_(layer.bias, 0.0, 1.0, generator=gen)


def classic_model(sizes: list[int], seed: int, init: str = "scaled") -> nn.Sequential:
    """Linear + Sigmoid for every layer."""
    gen = np.random.default_rng(seed)
    layers: list[nn.Module] = []
    for n_in, n_out in itertools.pairwise(sizes):
        layers += [nn.Linear(n_in, n_out, generator=gen), nn.Sigmoid()]
    model = nn.Sequential(*layers)
    init_parameters(model, init, seed)
    return model


def modern_model(sizes: list[int], seed: int, init: str = "default") -> nn.Sequential:
    """Linear + ReLU for the hidden layers, a final Linear giving logits."""
    gen = np.random.default_rng(seed)
    layers: list[nn.Module] = []
    for n_in, n_out in itertools.pairwise(sizes[:-1]):
        layers += [nn.Linear(n_in, n_out, generator=gen), nn.ReLU()]
    layers.append(nn.Linear(sizes[-2], sizes[-1], generator=gen))
    model = nn.Sequential(*layers)
    init_parameters(model, init, seed)
    return model


def cosine_schedule(
    optimizer: optim.Optimizer, epochs: int
) -> Callable[[int, dict[str, float]], None]:
    """A `fit` callback stepping `CosineAnnealingLR(optimizer, T_max=epochs)` after each epoch.

    After epoch e the rate is lr (1 + cos(pi (e+1)/E)) / 2: it falls smoothly from `lr` to 0 at
    the end of training, which lets Adam settle into a minimum instead of wandering around it
    with a fixed step.
    """
    scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)

    def step(epoch: int, logs: dict[str, float]) -> None:
        scheduler.step()

    return step


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="data/mnist", help="directory of the IDX files")
    parser.add_argument("--download", action="store_true", help="fetch missing files")
    parser.add_argument("--config", choices=sorted(CONFIGS), default="modern")
    parser.add_argument("--epochs", type=int, help="epochs (classic 1, modern 10)")
    parser.add_argument("--lr", type=float, help="learning rate (classic 3.0, modern 1e-3)")
    parser.add_argument(
        "--schedule",
        choices=("constant", "cosine"),
        help="learning-rate schedule over the epochs (classic constant, modern cosine)",
    )
    parser.add_argument("--batch-size", type=int, help="mini-batch size (classic 10, modern 128)")
    parser.add_argument(
        "--hidden", help="hidden layer sizes, comma-separated (classic 100, modern 256)"
    )
    parser.add_argument(
        "--init",
        choices=INITS,
        help="initialisation: scaled W ~ N(0, 1/n_in), b ~ N(0, 1) (classic); normal N(0, 1); "
        "default U(+-1/sqrt(n_in)) (modern)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the init and the shuffling")
    parser.add_argument("--limit", type=int, help="train on the first N training images only")
    parser.add_argument("--test-limit", type=int, help="test on the first N test images only")
    parser.add_argument("--graph", metavar="FILE", help="draw the model's graph (e.g. graph.svg)")
    parser.add_argument("--plot", metavar="FILE", help="plot the loss and accuracy curves")
    parser.add_argument("--export", metavar="FILE", help="write the trained model as ONNX")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--compile",
        action="store_true",
        help="train with the step compiled to NumPy by minigrad.compile (same results)",
    )
    args = parser.parse_args(argv)
    for key, value in CONFIGS[args.config].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    try:
        args.sizes = [784, *(int(h) for h in str(args.hidden).split(",") if h.strip()), 10]
    except ValueError:
        parser.error(f"--hidden must be comma-separated integers, got {args.hidden!r}")
    return args


def load(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training and test images (N, 784) float32 in [0, 1] and labels int64."""
    x_train, y_train = load_mnist(args.data, train=True, download=args.download, as_tensor=False)
    x_test, y_test = load_mnist(args.data, train=False, download=args.download, as_tensor=False)
    if args.limit:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
    if args.test_limit:
        x_test, y_test = x_test[: args.test_limit], y_test[: args.test_limit]
    return x_train, y_train, x_test, y_test


def draw_graph(
    model: nn.Module, loss_fn: Callable[..., mg.Tensor], x: Any, y: Any, path: str, title: str
) -> None:
    """Draw the model and its loss on a few images with minigrad.viz (needs graphviz)."""
    from minigrad import viz

    try:
        target = mg.tensor(y)
        graph = viz.draw_model(
            model, mg.tensor(x), loss=lambda out: loss_fn(out, target), title=title
        )
        print(f"graph written to {viz.save(graph, path)}")
    except (ImportError, viz.GraphvizNotFoundError) as e:
        print(f"--graph: {e}")


def export_onnx(model: nn.Module, example: Any, path: str) -> None:
    """Write the trained model as ONNX with a dynamic batch axis (needs the onnx package)."""
    import minigrad.onnx

    try:
        minigrad.onnx.export(
            model, example, path, input_names=["input"], output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
        )  # fmt: skip
        print(f"model written to {path} (run it with ONNX Runtime: docs/deploy.md)")
    except ImportError as e:
        print(f"--export: {e}")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the example; returns the final test and training accuracy and the wall time."""
    args = parse_args(argv)
    shape = "-".join(str(s) for s in args.sizes)
    if args.config == "classic":
        setup = (
            f"{shape} sigmoid, quadratic cost averaged over the mini-batch, {args.init} init, "
            f"plain SGD lr={args.lr}"
        )
    else:
        setup = f"{shape} ReLU, softmax cross-entropy, {args.init} init, Adam lr={args.lr}"
    setup += f" ({args.schedule})"
    print(
        f"mnist_mlp --config {args.config}: {setup}, shuffled batches of {args.batch_size}, "
        f"{args.epochs} epoch(s), seed {args.seed}"
    )
    try:
        x_train, y_train, x_test, y_test = load(args)
    except FileNotFoundError as e:
        raise SystemExit(f"{e}\n(or pass --data DIR pointing at the MNIST files)") from e
    print(f"data: {len(x_train)} training and {len(x_test)} test images from {args.data}")

    if args.config == "classic":
        model = classic_model(args.sizes, args.seed, args.init)
        loss_fn: Callable[..., mg.Tensor] = quadratic_cost
        eye = np.eye(10, dtype=np.float32)
        t_train, t_test = eye[y_train], eye[y_test]  # the quadratic cost needs one-hot targets
        optimizer: Any = optim.SGD(model.parameters(), lr=args.lr)
    else:
        model = modern_model(args.sizes, args.seed, args.init)
        loss_fn = F.cross_entropy
        t_train, t_test = y_train, y_test
        optimizer = optim.Adam(model.parameters(), lr=args.lr)
    callbacks = [cosine_schedule(optimizer, args.epochs)] if args.schedule == "cosine" else []
    loader = DataLoader(
        TensorDataset(x_train, t_train),
        batch_size=args.batch_size,
        shuffle=True,
        generator=np.random.default_rng(args.seed),
    )

    start = time.perf_counter()
    history = fit(
        model,
        loss_fn,
        optimizer,
        loader,
        args.epochs,
        val_data=(x_test, t_test),
        callbacks=callbacks,
        verbose=not args.no_progress,
        compile=args.compile,
    )
    train_seconds = time.perf_counter() - start
    for epoch in range(history.epochs):
        print(
            f"  epoch {epoch + 1}: train loss {history.train_loss[epoch]:.4f}, test accuracy "
            f"{history.test_accuracy[epoch]:.2%} ({history['seconds'][epoch]:.1f} s)"
        )
    train_loss, train_acc = evaluate(model, (x_train, t_train), loss_fn, batch_size=10_000)
    test_loss, test_acc = evaluate(model, (x_test, t_test), loss_fn)
    result = {
        "config": args.config,
        "test_accuracy": test_acc,
        "test_loss": test_loss,
        "train_accuracy": train_acc,
        "train_loss": train_loss,
        "test_accuracy_per_epoch": list(history.test_accuracy),
        "seconds": train_seconds,
    }
    print(
        f"final: test accuracy {test_acc:.2%} ({round(test_acc * len(x_test))}/{len(x_test)}), "
        f"train accuracy {train_acc:.2%}; training took {train_seconds:.1f} s"
    )
    title = f"mnist_mlp {args.config} {shape}"
    if args.graph:
        draw_graph(model, loss_fn, x_test[:4], t_test[:4], args.graph, title)
    if args.plot:
        try:
            print(f"curves written to {plot_history(history, args.plot, title=title)}")
        except ImportError as e:
            print(f"--plot: {e}")
    if args.export:
        export_onnx(model, mg.tensor(x_test[:4]), args.export)
    return result


if __name__ == "__main__":
    main()
