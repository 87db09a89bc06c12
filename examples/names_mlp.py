"""A character-level language model on a list of names: predict each next letter from the last 3.

The MLP of Bengio et al. (2003), with batch normalisation, as in Karpathy's makemore series:
each of the 3 previous characters is looked up in an embedding table (27 characters, the 26
letters and "." marking a name's start and end, to vectors of 10), the 30 numbers go through
Linear(30, 200) without bias, BatchNorm1d(200) and Tanh, and Linear(200, 27) gives the logits
of the next character, trained with softmax cross-entropy. Plain SGD on shuffled batches of 32,
the learning rate divided by 10 for the last quarter of the epochs (``MultiStepLR``). The names
are split 80/10/10 into training, validation and test words.

After training it reports the training and validation loss (about 2.12 and 2.15 with the
defaults; a uniform guess is log 27 = 3.30) and samples new names, the same ones for the same
--seed.

The data is a text file with one name per line: by default the 32,033 names of makemore's
names.txt (MIT licence, https://github.com/karpathy/makemore) at ../shared/data/makemore/ next to
the repository, or any file given with --data.

    python examples/names_mlp.py
    python examples/names_mlp.py --data names.txt --epochs 4 --samples 10 --plot curves.png
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.nn import functional as F
from minigrad.train import evaluate, fit
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.viz import plot_history

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "makemore"
DEFAULT_DATA = DEFAULT_DATA / "names.txt"
SOURCE = "https://github.com/karpathy/makemore/blob/master/names.txt"
END = "."  # start and end of a name: index 0


def read_words(path: str | Path) -> list[str]:
    """The non-empty lines of ``path``, lower-cased.

    Raises:
        SystemExit: with a message saying where to get the file, if it is missing.
    """
    p = Path(path)
    if not p.is_file():
        raise SystemExit(
            f"names_mlp: no names file at {p}.\nDownload names.txt (32,033 names, MIT licence) "
            f"from {SOURCE}\n(e.g. curl -LO https://raw.githubusercontent.com/karpathy/makemore/"
            "master/names.txt) and pass --data names.txt, or use any text file with one name "
            "per line."
        )
    words = [w.strip().lower() for w in p.read_text(encoding="utf-8").splitlines()]
    words = [w for w in words if w]
    if not words:
        raise SystemExit(f"names_mlp: {p} holds no names")
    return words


def vocabulary(words: Sequence[str]) -> list[str]:
    """ "." then every character of the words, sorted: index = position."""
    chars = sorted(set("".join(words)) - {END})
    return [END, *chars]


def build_dataset(
    words: Sequence[str], stoi: dict[str, int], block_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Every (context, next character) pair: contexts (n, block_size) and targets (n,), int64.

    A name contributes one pair per character plus its end, its context starting as dots.
    """
    xs: list[list[int]] = []
    ys: list[int] = []
    for w in words:
        context = [0] * block_size
        for ch in w + END:
            ix = stoi[ch]
            xs.append(context)
            ys.append(ix)
            context = [*context[1:], ix]
    return np.array(xs, dtype=np.int64).reshape(-1, block_size), np.array(ys, dtype=np.int64)


def split(words: Sequence[str], seed: int) -> tuple[list[str], list[str], list[str]]:
    """Shuffle the words (seeded) and cut them 80% / 10% / 10%."""
    order = np.random.default_rng(seed).permutation(len(words))
    shuffled = [words[i] for i in order]
    n1, n2 = int(0.8 * len(words)), int(0.9 * len(words))
    return shuffled[:n1], shuffled[n1:n2], shuffled[n2:]


def make_model(
    vocab_size: int, block_size: int, n_embd: int, n_hidden: int, seed: int
) -> nn.Sequential:
    """Embedding -> Flatten -> Linear (no bias: BatchNorm's shift replaces it) -> BatchNorm1d
    -> Tanh -> Linear. The last layer starts near zero, so the first predictions are close to
    uniform instead of confidently wrong (a first loss near log(vocab_size))."""
    gen = np.random.default_rng(seed)
    model = nn.Sequential(
        nn.Embedding(vocab_size, n_embd, generator=gen),
        nn.Flatten(),
        nn.Linear(block_size * n_embd, n_hidden, bias=False, generator=gen),
        nn.BatchNorm1d(n_hidden),
        nn.Tanh(),
        nn.Linear(n_hidden, vocab_size, generator=gen),
    )
    head = model[-1]
    nn.init.normal_(head.weight, 0.0, 0.01, generator=gen)
    nn.init.zeros_(head.bias)
    return model


def step_schedule(optimizer: Any, decay_epoch: int, gamma: float = 0.1) -> Any:
    """The learning rate times ``gamma`` from epoch ``decay_epoch`` on (0-based): PyTorch's
    ``MultiStepLR`` with one milestone, stepped once per epoch by a ``fit`` callback.

    Returns:
        (scheduler, callback) for ``fit(callbacks=[callback])``.
    """
    scheduler = optim.lr_scheduler.MultiStepLR(optimizer, milestones=[decay_epoch], gamma=gamma)

    def step(epoch: int, logs: dict[str, float]) -> None:
        scheduler.step()

    return scheduler, step


def sample(
    model: nn.Module, itos: Sequence[str], block_size: int, count: int, seed: int, max_len: int = 50
) -> list[str]:
    """Draw ``count`` names letter by letter from the model (eval mode), reproducibly."""
    gen = mg.Generator().manual_seed(seed)
    model.eval()
    names = []
    with mg.no_grad():
        for _ in range(count):
            context, out = [0] * block_size, []
            for _ in range(max_len):
                logits = model(mg.tensor(np.array([context], dtype=np.int64)))
                probs = F.softmax(logits, dim=1)
                ix = int(mg.multinomial(probs, 1, generator=gen).item())
                if ix == 0:
                    break
                out.append(itos[ix])
                context = [*context[1:], ix]
            names.append("".join(out))
    return names


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", default=str(DEFAULT_DATA), help="text file, one name per line (names.txt)"
    )
    parser.add_argument("--block-size", type=int, default=3, help="characters of context")
    parser.add_argument("--embedding", type=int, default=10, help="embedding size per character")
    parser.add_argument("--hidden", type=int, default=200, help="hidden units")
    parser.add_argument("--epochs", type=int, default=8, help="passes over the training pairs")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.1, help="SGD learning rate")
    parser.add_argument(
        "--decay-epoch",
        type=int,
        help="epochs at the full learning rate before it is divided by 10 (default: 3/4 of the "
        "epochs)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of split, init, batches, samples")
    parser.add_argument("--limit", type=int, help="use the first N names of the file only")
    parser.add_argument("--samples", type=int, default=20, help="names to sample after training")
    parser.add_argument("--graph", metavar="FILE", help="draw the model's graph (e.g. graph.svg)")
    parser.add_argument("--plot", metavar="FILE", help="plot the loss and accuracy curves")
    parser.add_argument("--export", metavar="FILE", help="write the trained model as ONNX")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.decay_epoch is None:
        args.decay_epoch = max(1, (3 * args.epochs) // 4)
    return args


def draw_graph(model: nn.Module, x: np.ndarray, y: np.ndarray, path: str, title: str) -> None:
    """Draw the model and its loss on a few contexts with minigrad.viz (needs graphviz)."""
    from minigrad import viz

    try:
        target = mg.tensor(y)
        graph = viz.draw_model(
            model, mg.tensor(x), loss=lambda out: F.cross_entropy(out, target), title=title
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
    """Run the example; returns the final losses, the samples and the training time."""
    args = parse_args(argv)
    words = read_words(args.data)
    if args.limit:
        words = words[: args.limit]
    itos = vocabulary(words)
    stoi = {ch: i for i, ch in enumerate(itos)}
    train_words, val_words, test_words = split(words, args.seed)
    x_train, y_train = build_dataset(train_words, stoi, args.block_size)
    x_val, y_val = build_dataset(val_words, stoi, args.block_size)
    print(
        f"names_mlp: {len(words)} names from {args.data}, {len(itos)} characters; "
        f"{len(x_train)} training and {len(x_val)} validation pairs ({len(test_words)} test "
        "names kept aside)"
    )
    print(
        f"model: Embedding({len(itos)}, {args.embedding}) x {args.block_size} -> "
        f"Linear({args.block_size * args.embedding}, {args.hidden}) -> BatchNorm1d -> Tanh -> "
        f"Linear({args.hidden}, {len(itos)}); SGD lr={args.lr} (/10 from epoch "
        f"{args.decay_epoch + 1}), batches of {args.batch_size}, {args.epochs} epoch(s), "
        f"seed {args.seed}"
    )
    model = make_model(len(itos), args.block_size, args.embedding, args.hidden, args.seed)
    optimizer = optim.SGD(model.parameters(), lr=args.lr)
    _, schedule = step_schedule(optimizer, args.decay_epoch)
    loader = DataLoader(
        TensorDataset(x_train, y_train),
        batch_size=args.batch_size,
        shuffle=True,
        generator=np.random.default_rng(args.seed),
    )
    start = time.perf_counter()
    history = fit(
        model,
        F.cross_entropy,
        optimizer,
        loader,
        args.epochs,
        val_data={"val": (x_val, y_val)},
        callbacks=[schedule],
        verbose=not args.no_progress,
    )
    seconds = time.perf_counter() - start
    for epoch in range(history.epochs):
        print(
            f"  epoch {epoch + 1}: train loss {history.train_loss[epoch]:.4f} (on the fly), "
            f"val loss {history['val_loss'][epoch]:.4f} ({history['seconds'][epoch]:.1f} s)"
        )
    train_loss, _ = evaluate(model, (x_train, y_train), F.cross_entropy, batch_size=50_000)
    val_loss, val_acc = evaluate(model, (x_val, y_val), F.cross_entropy)
    print(
        f"final: train loss {train_loss:.4f}, val loss {val_loss:.4f} (next-character accuracy "
        f"{val_acc:.1%}); training took {seconds:.1f} s"
    )
    names = sample(model, itos, args.block_size, args.samples, args.seed)
    if names:
        print("samples: " + ", ".join(names))
    title = f"names_mlp block {args.block_size}, hidden {args.hidden}"
    if args.graph:
        draw_graph(model, x_val[:4], y_val[:4], args.graph, title)
    if args.plot:
        try:
            print(f"curves written to {plot_history(history, args.plot, title=title)}")
        except ImportError as e:
            print(f"--plot: {e}")
    if args.export:
        export_onnx(model, mg.tensor(x_val[:4]), args.export)
    return {
        "train_loss": train_loss,
        "val_loss": val_loss,
        "val_accuracy": val_acc,
        "val_loss_per_epoch": list(history["val_loss"]),
        "samples": names,
        "seconds": seconds,
    }


if __name__ == "__main__":
    main()
