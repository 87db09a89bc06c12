"""Three ways to the same gradients: autograd, the hand-derived backprop equations, and finite
differences, side by side for the classic MLP and the perceptron (float64).

The MLP is the classic 4-3-3 sigmoid network with the quadratic cost C = 1/(2m) sum ||a - y||^2
on a mini-batch of the classic Iris split; the perceptron is one sigmoid neuron with mean
squared error on its four inputs. Autograd is `loss.backward()`; the reference is
`minigrad.reference` (BP1-BP4 written out in NumPy); finite differences are central,
(C(p + eps) - C(p - eps)) / (2 eps), one parameter entry at a time.

    python examples/check_backprop.py
    python examples/check_backprop.py --epochs 200 --explain
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

import minigrad as mg
from minigrad import backprop_check, nn, optim, reference
from minigrad.datasets import load_iris_seed_split
from minigrad.nn import functional as F
from minigrad.train import History, fit
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.viz import plot_history

PERCEPTRON_X = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 0]]
PERCEPTRON_Y = [0, 1, 1, 0]


def quadratic_cost(output: mg.Tensor, target: mg.Tensor) -> mg.Tensor:
    """C = 1/(2m) sum_x ||a - y||^2."""
    return ((output - target) ** 2).sum() / (2 * output.shape[0])


def finite_differences(
    cost: Callable[[], float], params: Mapping[str, mg.Tensor], eps: float
) -> dict[str, np.ndarray]:
    """Central differences of `cost()` for every entry of every parameter (restored after)."""
    grads = {}
    for name, p in params.items():
        g = np.zeros(p.shape, dtype=np.float64)
        for i in np.ndindex(*p.shape):
            saved = p.data[i].item()
            p.data[i] = saved + eps
            up = cost()
            p.data[i] = saved - eps
            down = cost()
            p.data[i] = saved
            g[i] = (up - down) / (2 * eps)
        grads[name] = g
    return grads


def autograd_gradients(loss: Callable[[], mg.Tensor], model: nn.Module) -> dict[str, np.ndarray]:
    """`.grad` of every parameter after one `loss().backward()`."""
    model.zero_grad()
    loss().backward()
    grads = {}
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        grads[name] = np.array(p.grad.numpy(), dtype=np.float64)
    return grads


def side_by_side(
    title: str, auto: dict[str, np.ndarray], ref: dict[str, np.ndarray], fd: dict[str, np.ndarray]
) -> dict[str, float]:
    """Print every entry of the three gradients and return the three max differences."""
    print(f"\n{title}")
    print(f"{'parameter':<16}{'autograd':>16}{'reference':>16}{'finite diff':>16}")
    for name in auto:
        for i in np.ndindex(*auto[name].shape):
            label = f"{name}[{', '.join(map(str, i))}]" if i else name
            print(f"{label:<16}{auto[name][i]:>16.10f}{ref[name][i]:>16.10f}{fd[name][i]:>16.10f}")

    def max_diff(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
        return max(float(np.abs(a[k] - b[k]).max(initial=0.0)) for k in a)

    diffs = {
        "autograd_vs_reference": max_diff(auto, ref),
        "autograd_vs_finite_diff": max_diff(auto, fd),
        "reference_vs_finite_diff": max_diff(ref, fd),
    }
    print(
        "max |autograd - reference| = {autograd_vs_reference:.2e}, "
        "max |autograd - finite diff| = {autograd_vs_finite_diff:.2e}, "
        "max |reference - finite diff| = {reference_vs_finite_diff:.2e}".format(**diffs)
    )
    return diffs


def classic_mlp(seed: int) -> nn.Sequential:
    """4-3-3, sigmoid on both layers, every weight and bias ~ N(0, 1), float64."""
    model = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 3), nn.Sigmoid()).double()
    gen = np.random.default_rng(seed)
    for p in model.parameters():
        nn.init.normal_(p, 0.0, 1.0, generator=gen)
    return model


def check_mlp(args: argparse.Namespace) -> tuple[dict[str, float], nn.Sequential, Any, Any]:
    """Gradients of the classic MLP on the first `--batch` rows of the classic Iris split."""
    split = load_iris_seed_split(as_tensor=False)
    x_np = split.x_train.astype(np.float64)
    y_np = split.y_train.astype(np.float64)
    model = classic_mlp(args.seed)
    history = History()
    if args.epochs > 0:
        loader = DataLoader(TensorDataset(x_np, y_np), batch_size=32)
        opt = optim.SGD(model.parameters(), lr=args.lr)
        history = fit(model, quadratic_cost, opt, loader, args.epochs, verbose=not args.no_progress)
        print(
            f"trained {args.epochs} epochs (SGD lr={args.lr}): train accuracy "
            f"{history.train_accuracy[-1]:.2%}; gradients below are at the trained weights"
        )
    if args.plot:
        if not history.epochs:
            print("--plot: nothing trained (use --epochs N)")
        try:
            if history.epochs:
                path = plot_history(history, args.plot, title="check_backprop")
                print(f"curves written to {path}")
        except ImportError as e:
            print(f"--plot: {e}")
    x_b, y_b = x_np[: args.batch], y_np[: args.batch]
    x, y = mg.tensor(x_b), mg.tensor(y_b)
    params = dict(model.named_parameters())

    def cost() -> float:
        with mg.no_grad():
            return float(quadratic_cost(model(x), y).item())

    auto = autograd_gradients(lambda: quadratic_cost(model(x), y), model)
    ref = backprop_check.gradients_for(model, x_b, y_b, cost="quadratic")
    fd = finite_differences(cost, params, args.eps)
    title = f"classic MLP 4-3-3 sigmoid, quadratic cost, batch of {len(x_b)} Iris rows, float64"
    return side_by_side(title, auto, ref, fd), model, x_b, y_b


def check_perceptron(args: argparse.Namespace) -> dict[str, float]:
    """Gradients of the sigmoid neuron (MSE) at weights ~ U[0, 1), bias 0."""
    linear = nn.Linear(3, 1).double()
    nn.init.uniform_(linear.weight, 0.0, 1.0, generator=args.seed)
    assert linear.bias is not None
    nn.init.zeros_(linear.bias)
    model = nn.Sequential(linear, nn.Sigmoid())
    x = mg.tensor(PERCEPTRON_X, dtype="float64")
    y = mg.tensor(PERCEPTRON_Y, dtype="float64").reshape(4, 1)

    def cost() -> float:
        with mg.no_grad():
            return float(F.mse_loss(model(x), y).item())

    auto = autograd_gradients(lambda: F.mse_loss(model(x), y), model)
    hand = reference.perceptron_gradients(
        linear.weight.detach().numpy()[0],
        linear.bias.item(),
        x.numpy(),
        y.numpy()[:, 0],
        cost="mse",
    )
    assert hand.grad_b is not None
    ref = {"0.weight": hand.grad_w.reshape(1, 3), "0.bias": np.array([hand.grad_b])}
    fd = finite_differences(cost, dict(model.named_parameters()), args.eps)
    title = "perceptron: Linear(3, 1) + Sigmoid, MSE, the four classic inputs, float64"
    return side_by_side(title, auto, ref, fd)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of the initial weights")
    parser.add_argument("--batch", type=int, default=32, help="Iris rows in the MLP's batch")
    parser.add_argument("--eps", type=float, default=1e-6, help="finite-difference step")
    parser.add_argument("--epochs", type=int, default=0, help="train the MLP first (epochs)")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate for --epochs")
    parser.add_argument("--explain", action="store_true", help="print backprop step by step")
    parser.add_argument("--graph", metavar="FILE", help="draw the MLP's graph (e.g. graph.svg)")
    parser.add_argument("--plot", metavar="FILE", help="plot the curves of --epochs training")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def explain(model: nn.Sequential, x: np.ndarray, y: np.ndarray) -> Any:
    """The step-by-step table of backprop from minigrad.explain, or None if it is missing."""
    try:
        from minigrad.explain import explain_mlp
    except ImportError:
        print("--explain: minigrad.explain is not available in this version")
        return None
    explanation = explain_mlp(model, x, y, cost="quadratic")
    print("\nbackprop through the MLP, node by node (BP1-BP4 checked against the reference):")
    print(explanation.table())
    return explanation


def draw_graph(model: nn.Sequential, x: np.ndarray, y: np.ndarray, path: str, notes: Any) -> None:
    """Draw the MLP and its cost (with the BP labels when explained) with minigrad.viz."""
    from minigrad import viz

    target = mg.tensor(y)
    try:
        graph = viz.draw_model(
            model,
            mg.tensor(x),
            loss=lambda out: quadratic_cost(out, target),
            explain=notes,
            title="classic MLP 4-3-3, quadratic cost",
        )
        print(f"graph written to {viz.save(graph, path)}")
    except (ImportError, viz.GraphvizNotFoundError) as e:
        print(f"--graph: {e}")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the checks; returns the max differences for the MLP and the perceptron."""
    args = parse_args(argv)
    print(
        f"check_backprop: seed {args.seed}, finite-difference step {args.eps}, MLP batch "
        f"{args.batch}, MLP trained for {args.epochs} epoch(s) first"
    )
    mlp, model, x, y = check_mlp(args)
    perceptron = check_perceptron(args)
    notes = explain(model, x, y) if args.explain else None
    result: dict[str, Any] = {"mlp": mlp, "perceptron": perceptron}
    if notes is not None:
        result["explain_max_reference_diff"] = notes.max_reference_diff
    if args.graph:
        draw_graph(model, x, y, args.graph, notes)
    worst = max(max(mlp.values()), max(perceptron.values()))
    print(f"\nlargest difference of all: {worst:.2e}")
    return result


if __name__ == "__main__":
    main()
