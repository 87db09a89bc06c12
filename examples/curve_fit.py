"""Logistic regression with the Tensor alone: recover a known sigmoid curve by gradient descent.

Points x in the plane get label 1 with probability sigmoid(x . w_true + b_true). The model is
the README's first example, `(x @ w + b).sigmoid()`, fitted by minimising the binary
cross-entropy: no nn, no optimizer, just `loss.backward()` and `w.data -= lr * w.grad`.

    python examples/curve_fit.py --epochs 500 --lr 1.0 --plot curves.png
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

import minigrad as mg
from minigrad.train import History, progress_bar
from minigrad.viz import plot_history

W_TRUE = (2.0, -3.0)
B_TRUE = 0.5


def make_data(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n points x ~ N(0, I) with labels drawn from the true logistic model, float32."""
    x = rng.standard_normal((n, 2))
    p = 1.0 / (1.0 + np.exp(-(x @ np.array(W_TRUE) + B_TRUE)))
    y = (rng.random(n) < p).astype(np.float64)
    return x.astype(np.float32), y.reshape(n, 1).astype(np.float32)


def bce_with_logits(z: mg.Tensor, y: mg.Tensor) -> mg.Tensor:
    """mean(log(1 + e^z) - y z), with log(1 + e^z) = relu(z) + log(1 + e^-|z|) so e^z never
    overflows."""
    softplus = z.relu() + (1.0 + (-z.abs()).exp()).log()
    return (softplus - y * z).mean()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=500, help="gradient steps (full batch)")
    parser.add_argument("--lr", type=float, default=1.0, help="learning rate")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and the init")
    parser.add_argument("--samples", type=int, default=1000, help="number of points")
    parser.add_argument("--graph", metavar="FILE", help="draw the loss's graph (e.g. graph.svg)")
    parser.add_argument("--plot", metavar="FILE", help="plot the loss and accuracy curves")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def draw_graph(root: mg.Tensor, path: str, params: dict[str, mg.Tensor]) -> None:
    """Draw the graph behind `root` with minigrad.viz (needs graphviz and its `dot`)."""
    from minigrad import viz

    try:
        graph = viz.draw_graph(root, params=params, title="curve_fit: the loss")
        print(f"graph written to {viz.save(graph, path)}")
    except (ImportError, viz.GraphvizNotFoundError) as e:
        print(f"--graph: {e}")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the example; returns the final metrics and the fitted parameters."""
    args = parse_args(argv)
    print(
        f"curve_fit: logistic regression, {args.samples} points, w_true={list(W_TRUE)}, "
        f"b_true={B_TRUE}, full-batch gradient descent lr={args.lr}, {args.epochs} epochs, "
        f"seed={args.seed}"
    )
    rng = np.random.default_rng(args.seed)
    x_np, y_np = make_data(args.samples, rng)
    x, y = mg.tensor(x_np), mg.tensor(y_np)
    w = mg.zeros(2, 1, requires_grad=True)
    b = mg.zeros(1, requires_grad=True)

    history = History()
    bar = progress_bar(args.epochs, verbose=not args.no_progress)
    start = time.perf_counter()
    for _ in range(args.epochs):
        z = x @ w + b
        loss = bce_with_logits(z, y)
        w.grad = b.grad = None
        loss.backward()
        assert w.grad is not None and b.grad is not None
        # plain gradient descent: .data writes into w and b, outside the graph
        w.data -= args.lr * w.grad
        b.data -= args.lr * b.grad
        acc = float(((z.detach().numpy() > 0) == (y.detach().numpy() > 0.5)).mean())
        history.append({"train_loss": loss.item(), "train_accuracy": acc})
        bar.update()
        bar.set_postfix_str(f"loss {loss.item():.4f}", refresh=False)
    bar.close()
    seconds = time.perf_counter() - start

    with mg.no_grad():
        z = x @ w + b
        final_loss = bce_with_logits(z, y).item()
    accuracy = float(((z.detach().numpy() > 0) == (y.detach().numpy() > 0.5)).mean())
    # the best any model can do on this sample: predict with the true curve
    bayes = float((((x_np @ np.array(W_TRUE) + B_TRUE) > 0) == (y_np[:, 0] > 0.5)).mean())
    result = {
        "loss": final_loss,
        "accuracy": accuracy,
        "true_curve_accuracy": bayes,
        "w": w.detach().numpy().ravel().tolist(),
        "b": float(b.detach().numpy()[0]),
        "seconds": seconds,
    }
    print(f"fitted w = [{result['w'][0]:.3f}, {result['w'][1]:.3f}] (true {list(W_TRUE)})")
    print(f"fitted b = {result['b']:.3f} (true {B_TRUE})")
    print(
        f"final loss {final_loss:.4f}, accuracy {accuracy:.2%} (the true curve scores "
        f"{bayes:.2%} on these points), {seconds:.2f} s"
    )
    if args.graph:
        draw_graph(bce_with_logits(x @ w + b, y), args.graph, {"w": w, "b": b})
    if args.plot:
        try:
            print(f"curves written to {plot_history(history, args.plot, title='curve_fit')}")
        except ImportError as e:
            print(f"--plot: {e}")
    return result


if __name__ == "__main__":
    main()
