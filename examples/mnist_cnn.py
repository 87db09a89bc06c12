"""A LeNet-style convolutional network on MNIST: conv-pool-conv-pool-linear, about 99.2%.

    Conv2d(1, 16, 5, padding=2) -> ReLU -> MaxPool2d(2)     # (16, 14, 14)
    Conv2d(16, 32, 5) -> ReLU -> MaxPool2d(2)               # (32, 5, 5)
    Flatten -> Dropout(0.25) -> Linear(800, 10)

Softmax cross-entropy, PyTorch's default initialisation, Adam (lr 1e-3) on shuffled
mini-batches of 64, the learning rate annealed to 0 by `optim.lr_scheduler.CosineAnnealingLR`
over the epochs. Images are scaled to [0, 1] and standardised with MNIST's mean and standard
deviation (0.1307, 0.3081).

The four standard IDX files are read from --data (default: data/mnist), as in
examples/mnist_mlp.py; --download fetches missing ones and checks their official SHA-256.

    python examples/mnist_cnn.py --data data/mnist
    python examples/mnist_cnn.py --data data/mnist --epochs 1 --limit 6000 --plot cnn.png
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.datasets import load_mnist
from minigrad.nn import functional as F
from minigrad.optim.lr_scheduler import CosineAnnealingLR
from minigrad.train import evaluate, fit
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.viz import plot_history

MEAN, STD = 0.1307, 0.3081  # of MNIST's training images, the usual normalisation


def lenet(channels: tuple[int, int] = (16, 32), dropout: float = 0.25, seed: int = 0) -> nn.Module:
    """conv(5x5) - ReLU - max pool - conv(5x5) - ReLU - max pool - dropout - linear."""
    gen = np.random.default_rng(seed)
    c1, c2 = channels
    return nn.Sequential(
        nn.Conv2d(1, c1, 5, padding=2, generator=gen), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 5, generator=gen), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(dropout), nn.Linear(c2 * 5 * 5, 10, generator=gen),
    )  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="data/mnist", help="directory of the IDX files")
    parser.add_argument("--download", action="store_true", help="fetch missing files")
    parser.add_argument("--epochs", type=int, default=4, help="passes over the training set")
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam's initial learning rate")
    parser.add_argument("--batch-size", type=int, default=64, help="mini-batch size")
    parser.add_argument("--channels", default="16,32", help="channels of the two convolutions")
    parser.add_argument("--dropout", type=float, default=0.25, help="dropout before the linear")
    parser.add_argument("--seed", type=int, default=0, help="seed of init, shuffling, dropout")
    parser.add_argument("--limit", type=int, help="train on the first N training images only")
    parser.add_argument("--test-limit", type=int, help="test on the first N test images only")
    parser.add_argument("--graph", metavar="FILE", help="draw the model's graph (e.g. graph.svg)")
    parser.add_argument("--plot", metavar="FILE", help="plot the loss and accuracy curves")
    parser.add_argument("--export", metavar="FILE", help="write the trained model as ONNX")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        c1, c2 = (int(c) for c in args.channels.split(","))
    except ValueError:
        parser.error(f"--channels must be two comma-separated integers, got {args.channels!r}")
    args.channel_pair = (c1, c2)
    return args


def load(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Images (N, 1, 28, 28) float32, standardised, and labels int64."""
    splits = []
    for train, limit in ((True, args.limit), (False, args.test_limit)):
        x, y = load_mnist(
            args.data, train=train, download=args.download, flatten=False, as_tensor=False
        )
        if limit:
            x, y = x[:limit], y[:limit]
        splits += [((x[:, None] - MEAN) / STD).astype(np.float32), y]
    return splits[0], splits[1], splits[2], splits[3]


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the example; returns the final test and training accuracy and the wall time."""
    args = parse_args(argv)
    c1, c2 = args.channel_pair
    print(
        f"mnist_cnn: conv5({c1})-pool-conv5({c2})-pool-dropout({args.dropout})-linear, Adam "
        f"lr={args.lr} with cosine annealing, shuffled batches of {args.batch_size}, "
        f"{args.epochs} epoch(s), seed {args.seed}"
    )
    try:
        x_train, y_train, x_test, y_test = load(args)
    except FileNotFoundError as e:
        raise SystemExit(f"{e}\n(or pass --data DIR pointing at the MNIST files)") from e
    print(f"data: {len(x_train)} training and {len(x_test)} test images from {args.data}")

    mg.manual_seed(args.seed)  # dropout's masks come from the default generator
    model = lenet(args.channel_pair, args.dropout, args.seed)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    scheduler = CosineAnnealingLR(optimizer, T_max=max(args.epochs, 1))
    loader = DataLoader(
        TensorDataset(x_train, y_train),
        batch_size=args.batch_size,
        shuffle=True,
        generator=np.random.default_rng(args.seed),
    )
    # Evaluated in chunks: a convolution's columns for 10,000 images at once would be large.
    test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=1000)

    start, cpu_start = time.perf_counter(), time.process_time()
    history = fit(
        model,
        F.cross_entropy,
        optimizer,
        loader,
        args.epochs,
        val_data=test_loader,
        callbacks=lambda epoch, logs: scheduler.step(),
        verbose=not args.no_progress,
    )
    train_seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    for epoch in range(history.epochs):
        print(
            f"  epoch {epoch + 1}: train loss {history.train_loss[epoch]:.4f}, test accuracy "
            f"{history.test_accuracy[epoch]:.2%} ({history['seconds'][epoch]:.1f} s)"
        )
    train_eval = DataLoader(TensorDataset(x_train, y_train), batch_size=1000)
    train_loss, train_acc = evaluate(model, train_eval, F.cross_entropy)
    test_loss, test_acc = evaluate(model, test_loader, F.cross_entropy)
    print(
        f"final: test accuracy {test_acc:.2%} ({round(test_acc * len(x_test))}/{len(x_test)}), "
        f"train accuracy {train_acc:.2%}; training took {train_seconds:.1f} s "
        f"({cpu_seconds:.1f} s of CPU time)"
    )
    title = f"mnist_cnn conv5({c1})-pool-conv5({c2})-pool-linear"
    if args.graph:
        from minigrad import viz

        try:
            target = mg.tensor(y_test[:4])
            graph = viz.draw_model(
                model, mg.tensor(x_test[:4]), loss=lambda out: F.cross_entropy(out, target),
                title=title,
            )  # fmt: skip
            print(f"graph written to {viz.save(graph, args.graph)}")
        except (ImportError, viz.GraphvizNotFoundError) as e:
            print(f"--graph: {e}")
    if args.plot:
        try:
            print(f"curves written to {plot_history(history, args.plot, title=title)}")
        except ImportError as e:
            print(f"--plot: {e}")
    if args.export:
        import minigrad.onnx

        try:
            minigrad.onnx.export(
                model.eval(), mg.tensor(x_test[:4]), args.export,
                input_names=["input"], output_names=["output"],
                dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
            )  # fmt: skip
            print(f"model written to {args.export} (run it with ONNX Runtime: docs/deploy.md)")
        except ImportError as e:
            print(f"--export: {e}")
    return {
        "test_accuracy": test_acc,
        "test_loss": test_loss,
        "train_accuracy": train_acc,
        "train_loss": train_loss,
        "test_accuracy_per_epoch": list(history.test_accuracy),
        "seconds": train_seconds,
        "cpu_seconds": cpu_seconds,
    }


if __name__ == "__main__":
    main()
