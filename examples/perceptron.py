"""The classic single sigmoid neuron, trained by autograd instead of a hand-written update.

Four 3-feature inputs; the target is the first feature. One `Linear(3, 1)` + `Sigmoid`, mean
squared error on the full batch, SGD with step 1.0 for 1000 epochs, weights drawn from U[0, 1)
and bias 0. The neuron then predicts about 0.03 for [0, 1, 0] and 0.97 for [1, 0, 1].

    python examples/perceptron.py --epochs 1000 --lr 1.0 --seed 0
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.nn import functional as F
from minigrad.train import fit
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.viz import plot_history

X = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 0]]
Y = [0, 1, 1, 0]
QUERIES = {"[0, 1, 0]": [0, 1, 0], "[1, 0, 1]": [1, 0, 1]}


def build_model(seed: int) -> nn.Sequential:
    """Linear(3, 1) + Sigmoid with weights ~ U[0, 1) and bias 0."""
    linear = nn.Linear(3, 1)
    nn.init.uniform_(linear.weight, 0.0, 1.0, generator=seed)
    assert linear.bias is not None
    nn.init.zeros_(linear.bias)
    return nn.Sequential(linear, nn.Sigmoid())


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=1000, help="full-batch steps")
    parser.add_argument("--lr", type=float, default=1.0, help="learning rate of SGD")
    parser.add_argument("--seed", type=int, default=0, help="seed of the initial weights")
    parser.add_argument("--graph", metavar="FILE", help="draw the model's graph (e.g. graph.svg)")
    parser.add_argument("--plot", metavar="FILE", help="plot the loss and accuracy curves")
    parser.add_argument("--export", metavar="FILE", help="write the trained model as ONNX")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--compile",
        action="store_true",
        help="train with the step compiled to NumPy by minigrad.compile (same results)",
    )
    return parser.parse_args(argv)


def draw_graph(model: nn.Module, x: mg.Tensor, y: mg.Tensor, path: str) -> None:
    """Draw the model and its loss, each module a box, with minigrad.viz (needs graphviz)."""
    from minigrad import viz

    try:
        graph = viz.draw_model(model, x, loss=lambda out: F.mse_loss(out, y), title="perceptron")
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
    """Run the example; returns the final loss, accuracy and the two predictions."""
    args = parse_args(argv)
    print(
        f"perceptron: Linear(3, 1) + Sigmoid, MSE, full batch, SGD lr={args.lr}, "
        f"{args.epochs} epochs, weights U[0, 1) (seed {args.seed}), bias 0"
    )
    x = mg.tensor(X, dtype="float32")
    y = mg.tensor(Y, dtype="float32").reshape(4, 1)
    model = build_model(args.seed)
    optimizer = optim.SGD(model.parameters(), lr=args.lr)
    loader = DataLoader(TensorDataset(x, y), batch_size=len(X))  # the full batch, in order

    start = time.perf_counter()
    history = fit(
        model,
        F.mse_loss,
        optimizer,
        loader,
        args.epochs,
        verbose=not args.no_progress,
        compile=args.compile,
    )
    seconds = time.perf_counter() - start

    with mg.no_grad():
        predictions = (
            model(mg.tensor(list(QUERIES.values()), dtype="float32")).detach().numpy()[:, 0]
        )
    result: dict[str, Any] = {
        "loss": history.train_loss[-1] if history.epochs else float("nan"),
        "accuracy": history.train_accuracy[-1] if history.epochs else float("nan"),
        "predictions": dict(zip(QUERIES, (float(p) for p in predictions), strict=True)),
        "weight": model[0].weight.detach().numpy().ravel().tolist(),
        "bias": float(model[0].bias.detach().numpy()[0]),
        "seconds": seconds,
    }
    for name, p in result["predictions"].items():
        print(f"prediction for {name}: {p:.4f}")
    print(f"weights {np.round(result['weight'], 3).tolist()}, bias {result['bias']:.3f}")
    print(
        f"final loss {result['loss']:.5f}, training accuracy {result['accuracy']:.0%}, "
        f"{seconds:.2f} s"
    )
    if args.graph:
        draw_graph(model, x, y, args.graph)
    if args.plot:
        try:
            print(f"curves written to {plot_history(history, args.plot, title='perceptron')}")
        except ImportError as e:
            print(f"--plot: {e}")
    if args.export:
        export_onnx(model, x, args.export)
    return result


if __name__ == "__main__":
    main()
