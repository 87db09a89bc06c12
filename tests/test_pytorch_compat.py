"""PyTorch programs, written as the beginner tutorials and from-scratch lectures write them,
run under minigrad with only the import changed.

Each program is kept once, as PyTorch source (``import torch``). ``run`` executes it with the
imports rewritten to minigrad (``import minigrad as torch``); the test asserts that training
really converges (a silent no-op update fails). When torch is installed, the program is also
run under both libraries from the same start: the same random draws (``torch.randn``,
``torch.rand``, ``torch.randint`` and a model's initial parameters come from one NumPy stream)
in float64, and the losses must agree to 1e-5.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg

# ---------------------------------------------------------------------------------------------
# Running a program


def as_minigrad(source: str) -> str:
    """The program with its imports of torch turned into imports of minigrad, nothing else."""
    source = re.sub(r"^(\s*)import torch$", r"\1import minigrad as torch", source, flags=re.M)
    source = re.sub(
        r"^(\s*)import torch\.([\w.]+) as", r"\1import minigrad.\2 as", source, flags=re.M
    )
    source = re.sub(
        r"^(\s*)from torch(\.[\w.]+)? import", r"\1from minigrad\2 import", source, flags=re.M
    )
    return source


def run(source: str, library: str = "minigrad", **inputs: Any) -> dict[str, Any]:
    """Execute a program under ``library`` ("minigrad" or "torch"); return its variables."""
    source = source.replace("range(2000)", "range(500)")  # the tutorials' 2000 steps, shortened
    code = as_minigrad(source) if library == "minigrad" else source
    namespace: dict[str, Any] = {"__name__": "__program__", **inputs}
    if library == "minigrad":
        mg.manual_seed(0)  # programs without a seed start from random weights: fix them here
    exec(compile(code, f"<{library} program>", "exec"), namespace)
    return namespace


def same_start(source: str) -> str:
    """The program with its random draws and models' initial parameters taken from one NumPy
    stream (``_start_*``), in float64: the same start for minigrad and torch."""
    source = re.sub(r"\btorch\.(randn|rand|randint)\(", r"_start_\1(", source)
    source = re.sub(r"\btorch\.float(32)?\b", "torch.float64", source)
    source = source.replace(".float()", ".double()")
    lines = source.splitlines()
    for node in reversed(ast.parse(source).body):  # after each top-level `model = ...`
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("model", "critic"):
                lines.insert(node.end_lineno or 0, f"_start_parameters({node.targets[0].id})")
    return "\n".join(lines) + "\n"


def start_functions(lib: Any, seed: int = 0) -> dict[str, Callable[..., Any]]:
    """The ``_start_*`` functions of ``same_start`` for one library."""
    rng = np.random.default_rng(seed)

    def shape_of(size: tuple[Any, ...]) -> tuple[int, ...]:
        return tuple(size[0]) if len(size) == 1 and isinstance(size[0], tuple | list) else size

    def randn(*size: Any, requires_grad: bool = False, **_: Any) -> Any:
        return lib.tensor(rng.standard_normal(shape_of(size)), requires_grad=requires_grad)

    def rand(*size: Any, requires_grad: bool = False, **_: Any) -> Any:
        return lib.tensor(rng.random(shape_of(size)), requires_grad=requires_grad)

    def randint(low: int, high: int, size: tuple[int, ...], **_: Any) -> Any:
        return lib.tensor(rng.integers(low, high, size))

    def parameters(model: Any) -> None:
        for _, p in sorted(model.named_parameters()):
            value = rng.uniform(-0.5, 0.5, tuple(p.shape))
            if lib.__name__ == "torch":
                with lib.no_grad():
                    p.data = lib.tensor(value)
            else:
                p._data = value  # float64, as torch's parameter after .data = float64 tensor

    return {
        "_start_randn": randn,
        "_start_rand": rand,
        "_start_randint": randint,
        "_start_parameters": parameters,
    }


def compare_with_torch(source: str, **inputs: Any) -> None:
    """Run the program from the same start under both libraries; the losses must agree."""
    torch = pytest.importorskip("torch")
    import minigrad

    program = same_start(source)
    results = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny ops: threads only add overhead on a shared machine
    for lib in (minigrad, torch):
        default = lib.get_default_dtype()
        lib.set_default_dtype(lib.float64)
        try:
            ns = run(program, lib.__name__, **inputs, **start_functions(lib))
            results.append(ns["losses"] if "losses" in ns else [ns["loss"]])
        finally:
            lib.set_default_dtype(default)
    torch.set_num_threads(threads)
    ours, theirs = (np.asarray(r, dtype=np.float64) for r in results)
    assert ours.shape == theirs.shape and ours.size > 0
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-8)


def assert_converges(losses: list[float], factor: float) -> None:
    """Training really happened: the loss fell by ``factor`` and is finite."""
    assert len(losses) > 1 and np.all(np.isfinite(losses))
    assert losses[-1] < losses[0] / factor, (losses[0], losses[-1])


Check = Callable[[dict[str, Any], dict[str, Any]], None]


def needs(feature: str, section: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"needs {feature} (issue 8 section {section})")


# ---------------------------------------------------------------------------------------------
# PyTorch's "Learning PyTorch with Examples": y = sin(x) by a third-order polynomial

POLYNOMIAL_TENSORS = """
import torch
import math

dtype = torch.float
device = torch.device("cpu")

# Create random input and output data
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

# Randomly initialize weights
a = torch.randn((), device=device, dtype=dtype)
b = torch.randn((), device=device, dtype=dtype)
c = torch.randn((), device=device, dtype=dtype)
d = torch.randn((), device=device, dtype=dtype)

losses = []
learning_rate = 1e-6
for t in range(2000):
    # Forward pass: compute predicted y
    y_pred = a + b * x + c * x ** 2 + d * x ** 3

    # Compute and print loss
    loss = (y_pred - y).pow(2).sum().item()
    losses.append(loss)

    # Backprop to compute gradients of a, b, c, d with respect to loss
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()

    # Update weights using gradient descent
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d

result = f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3'
"""

POLYNOMIAL_AUTOGRAD = """
import torch
import math

dtype = torch.float
device = "cpu"
torch.set_default_device(device)

x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.sin(x)

a = torch.randn((), dtype=dtype, requires_grad=True)
b = torch.randn((), dtype=dtype, requires_grad=True)
c = torch.randn((), dtype=dtype, requires_grad=True)
d = torch.randn((), dtype=dtype, requires_grad=True)

losses = []
learning_rate = 1e-6
for t in range(2000):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3

    loss = (y_pred - y).pow(2).sum()
    losses.append(loss.item())

    loss.backward()

    # Manually update weights using gradient descent. Wrap in torch.no_grad()
    # because weights have requires_grad=True, but we don't need to track this
    # in autograd.
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad

        # Manually zero the gradients after updating weights
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
"""

POLYNOMIAL_CUSTOM_FUNCTION = """
import torch
import math


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


dtype = torch.float
device = torch.device("cpu")

x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

losses = []
learning_rate = 5e-6
for t in range(2000):
    P3 = LegendrePolynomial3.apply

    y_pred = a + b * P3(c + d * x)

    loss = (y_pred - y).pow(2).sum()
    losses.append(loss.item())

    loss.backward()

    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad

        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
"""

POLYNOMIAL_NN = """
import torch
import math

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)

model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
loss_fn = torch.nn.MSELoss(reduction='sum')

losses = []
learning_rate = 1e-6
for t in range(2000):
    y_pred = model(xx)

    loss = loss_fn(y_pred, y)
    losses.append(loss.item())

    model.zero_grad()

    loss.backward()

    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

linear_layer = model[0]
result = (f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + '
          f'{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
"""

POLYNOMIAL_OPTIM = """
import torch
import math

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)

model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
loss_fn = torch.nn.MSELoss(reduction='sum')

losses = []
learning_rate = 1e-3
optimizer = torch.optim.RMSprop(model.parameters(), lr=learning_rate)
for t in range(2000):
    y_pred = model(xx)

    loss = loss_fn(y_pred, y)
    losses.append(loss.item())

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
"""

POLYNOMIAL_MODULE = """
import torch
import math


class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return (f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + '
                f'{self.d.item()} x^3')


x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

model = Polynomial3()

criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
losses = []
for t in range(2000):
    y_pred = model(x)

    loss = criterion(y_pred, y)
    losses.append(loss.item())

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

result = model.string()
"""


def test_import_rewrite_changes_only_imports() -> None:
    source = (
        "import torch\nimport torch.nn.functional as F\nfrom torch import nn\nx = torch.ones(2)\n"
    )
    assert as_minigrad(source) == (
        "import minigrad as torch\nimport minigrad.nn.functional as F\n"
        "from minigrad import nn\nx = torch.ones(2)\n"
    )


def check_polynomial(ns: dict[str, Any], inputs: dict[str, Any]) -> None:
    assert_converges(ns["losses"], 20)
    assert "y = " in ns.get("result", "y = ")


def check_legendre(ns: dict[str, Any], inputs: dict[str, Any]) -> None:
    assert_converges(ns["losses"], 5)  # (it starts from a good guess)


# ---------------------------------------------------------------------------------------------
# makemore (the from-scratch language-model lectures): bigram counts, a one-layer neural
# bigram trained with W.data += -lr * W.grad, and an MLP with an embedding table C[X]

# The shared data folder sits beside the repository (as CI lays it out); absent, tests skip.
NAMES = Path(__file__).resolve().parents[2] / "shared" / "data" / "makemore" / "names.txt"


def _words(n: int) -> list[str]:
    if not NAMES.exists():
        pytest.skip(f"makemore names.txt not found at {NAMES}")
    return NAMES.read_text().splitlines()[:n]


MAKEMORE_VOCABULARY = """
chars = sorted(list(set(''.join(words))))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi['.'] = 0
itos = {i: s for s, i in stoi.items()}
"""

BIGRAM_COUNTS = """
import torch

N = torch.zeros((27, 27), dtype=torch.int32)
for w in words:
    chs = ['.'] + list(w) + ['.']
    for ch1, ch2 in zip(chs, chs[1:]):
        ix1 = stoi[ch1]
        ix2 = stoi[ch2]
        N[ix1, ix2] += 1

P = (N + 1).float()
P /= P.sum(1, keepdims=True)

g = torch.Generator().manual_seed(2147483647)
samples = []
for i in range(5):
    out = []
    ix = 0
    while True:
        p = P[ix]
        ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
        out.append(itos[ix])
        if ix == 0:
            break
    samples.append(''.join(out))

log_likelihood = 0.0
n = 0
for w in words:
    chs = ['.'] + list(w) + ['.']
    for ch1, ch2 in zip(chs, chs[1:]):
        ix1 = stoi[ch1]
        ix2 = stoi[ch2]
        prob = P[ix1, ix2]
        logprob = torch.log(prob)
        log_likelihood += logprob
        n += 1
nll = -log_likelihood
loss = (nll / n).item()
"""

BIGRAM_NEURAL = """
import torch
import torch.nn.functional as F

xs, ys = [], []
for w in words:
    chs = ['.'] + list(w) + ['.']
    for ch1, ch2 in zip(chs, chs[1:]):
        ix1 = stoi[ch1]
        ix2 = stoi[ch2]
        xs.append(ix1)
        ys.append(ix2)
xs = torch.tensor(xs)
ys = torch.tensor(ys)
num = xs.nelement()

g = torch.Generator().manual_seed(2147483647)
W = torch.randn((27, 27), generator=g, requires_grad=True)

losses = []
for k in range(100):
    # forward pass
    xenc = F.one_hot(xs, num_classes=27).float()
    logits = xenc @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdims=True)
    loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W ** 2).mean()
    losses.append(loss.item())

    # backward pass
    W.grad = None
    loss.backward()

    # update
    W.data += -50 * W.grad
"""

MLP_EMBEDDING = """
import torch
import torch.nn.functional as F

block_size = 3

def build_dataset(words):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + '.':
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    X = torch.tensor(X)
    Y = torch.tensor(Y)
    return X, Y

Xtr, Ytr = build_dataset(words)

g = torch.Generator().manual_seed(2147483647)
C = torch.randn((27, 10), generator=g)
W1 = torch.randn((30, 200), generator=g) * 0.1
b1 = torch.randn(200, generator=g) * 0.01
W2 = torch.randn((200, 27), generator=g) * 0.01
b2 = torch.randn(27, generator=g) * 0
parameters = [C, W1, b1, W2, b2]
n_parameters = sum(p.nelement() for p in parameters)
for p in parameters:
    p.requires_grad = True

losses = []
for i in range(300):
    # minibatch construct
    ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)

    # forward pass
    emb = C[Xtr[ix]]  # (32, 3, 10)
    h = torch.tanh(emb.view(-1, 30) @ W1 + b1)  # (32, 200)
    logits = h @ W2 + b2  # (32, 27)
    loss = F.cross_entropy(logits, Ytr[ix])
    losses.append(loss.item())

    # backward pass
    for p in parameters:
        p.grad = None
    loss.backward()

    # update
    lr = 0.1 if i < 200 else 0.01
    for p in parameters:
        p.data += -lr * p.grad

with torch.no_grad():
    emb = C[Xtr]
    h = torch.tanh(emb.view(-1, 30) @ W1 + b1)
    logits = h @ W2 + b2
    full_loss = F.cross_entropy(logits, Ytr).item()
"""


def _vocabulary(words: list[str]) -> dict[str, Any]:
    ns: dict[str, Any] = {"words": words}
    exec(MAKEMORE_VOCABULARY, ns)
    return {k: ns[k] for k in ("words", "stoi", "itos")}


def check_bigram_counts(ns: dict[str, Any], inputs: dict[str, Any]) -> None:
    stoi = inputs["stoi"]
    counts = np.zeros((27, 27))
    for w in inputs["words"]:
        chs = [".", *w, "."]
        for a, b in itertools.pairwise(chs):
            counts[stoi[a], stoi[b]] += 1
    probs = (counts + 1) / (counts + 1).sum(1, keepdims=True)
    pairs = [(a, b) for w in inputs["words"] for a, b in zip([".", *w], [*w, "."])]
    expected = -np.mean([np.log(probs[stoi[a], stoi[b]]) for a, b in pairs])
    assert abs(ns["loss"] - expected) < 1e-5
    assert all(s.endswith(".") for s in ns["samples"])


def check_neural_bigram(ns: dict[str, Any], inputs: dict[str, Any]) -> None:
    assert_converges(ns["losses"], 1.3)


def check_mlp(ns: dict[str, Any], inputs: dict[str, Any]) -> None:
    assert ns["n_parameters"] == 27 * 10 + 30 * 200 + 200 + 200 * 27 + 27
    assert np.mean(ns["losses"][-20:]) < 0.8 * ns["losses"][0]
    assert ns["full_loss"] < 0.8 * ns["losses"][0]


# ---------------------------------------------------------------------------------------------
# A critic trained with a gradient penalty (WGAN-GP): autograd.grad with create_graph=True

GRADIENT_PENALTY = """
import torch
import torch.nn as nn

LAMBDA = 10


def calc_gradient_penalty(netD, real_data, fake_data):
    alpha = torch.rand(real_data.size(0), 1)
    alpha = alpha.expand(real_data.size())

    interpolates = alpha * real_data + ((1 - alpha) * fake_data)
    interpolates.requires_grad_(True)

    disc_interpolates = netD(interpolates)

    gradients = torch.autograd.grad(outputs=disc_interpolates, inputs=interpolates,
                                    grad_outputs=torch.ones(disc_interpolates.size()),
                                    create_graph=True, retain_graph=True, only_inputs=True)[0]

    gradient_penalty = ((gradients.norm(2, dim=1) - 1) ** 2).mean() * LAMBDA
    return gradient_penalty


critic = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
optimizer = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))

real_data = torch.randn(128, 2) * 0.3 + 1.0
fake_data = torch.randn(128, 2) * 0.3 - 1.0

losses = []
penalties = []
for step in range(200):
    critic.zero_grad()
    D_real = critic(real_data).mean()
    D_fake = critic(fake_data).mean()
    gradient_penalty = calc_gradient_penalty(critic, real_data, fake_data)
    D_cost = D_fake - D_real + gradient_penalty
    D_cost.backward()
    optimizer.step()
    losses.append(D_cost.item())
    penalties.append(gradient_penalty.item())
Wasserstein_D = (D_real - D_fake).item()
"""


def check_gradient_penalty(ns: dict[str, Any], inputs: dict[str, Any]) -> None:
    losses = ns["losses"]
    assert np.isfinite(losses).all() and losses[-1] < losses[0] - 1.0
    assert ns["Wasserstein_D"] > 1.0  # the critic separates the two clouds (2.8 apart)


# ---------------------------------------------------------------------------------------------
# The "Quickstart" training loop (datasets as tensors, DataLoader, train()/test(), .to(device))

QUICKSTART = """
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

training_data = TensorDataset(torch.tensor(x_train, dtype=torch.float32), torch.tensor(y_train))
test_data = TensorDataset(torch.tensor(x_test, dtype=torch.float32), torch.tensor(y_test))

batch_size = 16

train_dataloader = DataLoader(training_data, batch_size=batch_size)
test_dataloader = DataLoader(test_data, batch_size=batch_size)

for X, y in test_dataloader:
    first_shapes = (X.shape, y.shape, y.dtype)
    break

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(4, 32),
            nn.ReLU(),
            nn.Linear(32, 32),
            nn.ReLU(),
            nn.Linear(32, 3)
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)

losses = []
accuracies = []


def train(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)

        # Compute prediction error
        pred = model(X)
        loss = loss_fn(pred, y)

        # Backpropagation
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

        losses.append(loss.item())
        if batch % 100 == 0:
            loss, current = loss.item(), (batch + 1) * len(X)
            log = f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]"


def test(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    accuracies.append(correct)
    return f"Test Error: \\n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \\n"


epochs = 30
for t in range(epochs):
    train(train_dataloader, model, loss_fn, optimizer)
    report = test(test_dataloader, model, loss_fn)
"""


def _iris() -> dict[str, np.ndarray]:
    from minigrad.datasets import load_iris_seed_split

    split = load_iris_seed_split(as_tensor=False)
    return {
        "x_train": split.x_train,
        "y_train": split.labels_train,
        "x_test": split.x_test,
        "y_test": split.labels_test,
    }


def check_quickstart(ns: dict[str, Any], inputs: dict[str, Any]) -> None:
    assert ns["first_shapes"][0] == (16, 4) and ns["first_shapes"][1] == (16,)
    assert ns["accuracies"][-1] > 0.85
    assert np.mean(ns["losses"][-7:]) < 0.5 * np.mean(ns["losses"][:7])
    assert "Accuracy" in ns["report"]


# ---------------------------------------------------------------------------------------------
# The programs, their inputs and checks; what each still needs from minigrad

INPLACE = "In-place operations, safely"
NAMES_ = "Same names, same meaning"

PROGRAMS: dict[str, tuple[str, Callable[[], dict[str, Any]], Check]] = {
    "polynomial_tensors": (POLYNOMIAL_TENSORS, dict, check_polynomial),
    "polynomial_autograd": (POLYNOMIAL_AUTOGRAD, dict, check_polynomial),
    "polynomial_custom_function": (POLYNOMIAL_CUSTOM_FUNCTION, dict, check_legendre),
    "polynomial_nn": (POLYNOMIAL_NN, dict, check_polynomial),
    "polynomial_optim": (POLYNOMIAL_OPTIM, dict, check_polynomial),
    "polynomial_module": (POLYNOMIAL_MODULE, dict, check_polynomial),
    "makemore_bigram_counts": (
        BIGRAM_COUNTS,
        lambda: _vocabulary(_words(500)),
        check_bigram_counts,
    ),
    "makemore_neural_bigram": (
        BIGRAM_NEURAL,
        lambda: _vocabulary(_words(500)),
        check_neural_bigram,
    ),
    "makemore_mlp": (MLP_EMBEDDING, lambda: _vocabulary(_words(1000)), check_mlp),
    "gradient_penalty": (GRADIENT_PENALTY, dict, check_gradient_penalty),
    "quickstart": (QUICKSTART, _iris, check_quickstart),
}

# Programs that fail until another part of issue 8 lands (strict: a passing one fails).
RUN_NEEDS: dict[str, tuple[str, str]] = {}
COMPARE_NEEDS: dict[str, tuple[str, str]] = {**RUN_NEEDS}


def _cases(needs_table: dict[str, tuple[str, str]]) -> list[Any]:
    return [
        pytest.param(name, marks=needs(*needs_table[name])) if name in needs_table else name
        for name in PROGRAMS
    ]


@pytest.mark.parametrize("name", _cases(RUN_NEEDS))
def test_program_runs_and_trains(name: str) -> None:
    source, make_inputs, check = PROGRAMS[name]
    inputs = make_inputs()
    check(run(source, **inputs), inputs)


@pytest.mark.parametrize("name", _cases(COMPARE_NEEDS))
def test_program_matches_torch(name: str) -> None:
    source, make_inputs, _ = PROGRAMS[name]
    compare_with_torch(source, **make_inputs())


def test_programs_run_under_torch_as_written() -> None:
    """The programs themselves are right: under torch, each trains and passes its check."""
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for name in ("polynomial_custom_function", "makemore_mlp", "gradient_penalty"):
            source, make_inputs, check = PROGRAMS[name]
            inputs = make_inputs()
            check(run(source, "torch", **inputs), inputs)
    finally:
        torch.set_num_threads(threads)
