"""The benchmark workloads: data, initial weights, and one runner per framework.

Every framework starts from the same float32 arrays (made here from a fixed seed). A runner does
one timed unit of work with ``run()`` and reports the gradients of its first training step with
``first_gradients()``, so each framework is checked against hand-written NumPy before it is
timed. Gradients are reported in one layout for all: ``"0.weight"`` is (in, out), as in
``x @ W``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

SEED = 0
F32 = np.float32
Grads = dict[str, np.ndarray]


class Runner(Protocol):
    """One framework's version of one workload."""

    def first_gradients(self) -> Grads:
        """Loss and gradients of the first step from the initial weights (no update)."""
        ...

    def run(self) -> None:
        """One timed unit of work (for example one epoch, or one training step)."""
        ...


# ---------------------------------------------------------------------------------------------
# Workload definitions


@dataclass(frozen=True)
class MLPSpec:
    """A multilayer perceptron trained with plain SGD on batches taken in order.

    The data has ``samples`` rows cut into consecutive batches of ``batch`` rows (the last may
    be smaller); one timed unit is ``steps`` training steps, cycling through the batches.
    """

    key: str
    title: str
    unit: str
    sizes: tuple[int, ...]
    hidden: str  # activation between layers: "sigmoid" or "relu"
    loss: str  # "mse" (sigmoid output, float targets) or "cross_entropy" (logits, int labels)
    lr: float
    batch: int
    samples: int
    steps: int
    per_unit: int = 1  # the reported time is the unit's time divided by this


@dataclass(frozen=True)
class ChainSpec:
    """A chain of elementwise ops on a small vector, then backward: the per-op overhead."""

    key: str
    title: str
    unit: str
    length: int
    shape: tuple[int, ...]
    per_unit: int


@dataclass(frozen=True)
class CharSpec:
    """The character-level language model of ``examples/names_mlp.py``, trained with SGD.

    ``block`` context characters, each embedded in ``embd`` numbers, then Linear (no bias),
    BatchNorm1d (training mode), Tanh and Linear to ``vocab`` logits, softmax cross-entropy.
    The data has ``samples`` random (context, next character) pairs cut into batches of
    ``batch``; one timed unit is ``steps`` training steps.
    """

    key: str
    title: str
    unit: str
    vocab: int
    block: int
    embd: int
    hidden: int
    lr: float
    batch: int
    samples: int
    steps: int
    per_unit: int = 1


@dataclass(frozen=True)
class CNNSpec:
    """A LeNet-style CNN (``examples/mnist_cnn.py``) trained with plain SGD.

    Conv(1, c1, k, padding) -> ReLU -> MaxPool(2) -> Conv(c1, c2, k) -> ReLU -> MaxPool(2) ->
    Flatten -> Linear(-> classes), softmax cross-entropy, on ``side`` x ``side`` images. The
    data has ``samples`` images cut into batches of ``batch``; one timed unit is ``steps`` steps.
    """

    key: str
    title: str
    unit: str
    side: int
    channels: tuple[int, int]
    kernel: int
    padding: int
    classes: int
    lr: float
    batch: int
    samples: int
    steps: int
    per_unit: int = 1

    @property
    def features(self) -> int:
        """Inputs of the final Linear: c2 x s x s after the second pool."""
        s = (self.side + 2 * self.padding - self.kernel + 1) // 2
        s = (s - self.kernel + 1) // 2
        return self.channels[1] * s * s


Spec = MLPSpec | ChainSpec | CharSpec | CNNSpec

PERCEPTRON_X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 0]], dtype=F32)
PERCEPTRON_Y = np.array([[0], [1], [1], [0]], dtype=F32)

WORKLOADS: dict[str, Spec] = {
    "W1": MLPSpec("W1", "perceptron 3-1, sigmoid, MSE, full batch", "1000 epochs",
                  (3, 1), "sigmoid", "mse", 1.0, 4, 4, 1000),
    "W2": MLPSpec("W2", "Iris-sized MLP 4-16-3, batch 16", "epoch (120 rows)",
                  (4, 16, 3), "sigmoid", "cross_entropy", 0.1, 16, 120, 8),
    "W3": MLPSpec("W3", "MNIST-sized MLP 784-128-10, batch 64", "step",
                  (784, 128, 10), "relu", "cross_entropy", 0.1, 64, 512, 1),
    "W4": ChainSpec("W4", "100 elementwise ops on shape (4,) + backward", "op",
                    100, (4,), 100),
    "W5": MLPSpec("W5", "BLAS-bound MLP 1024-1024-1024-10, batch 256", "step",
                  (1024, 1024, 1024, 10), "relu", "cross_entropy", 0.1, 256, 512, 1),
    "W7": CharSpec("W7", "character model 3x10-200-27 with BatchNorm1d, batch 32", "step",
                   27, 3, 10, 200, 0.1, 32, 320, 1),
    "W6": CNNSpec("W6", "LeNet-style CNN conv5(16)-pool-conv5(32)-pool-10 on 28x28, batch 64",
                  "step", 28, (16, 32), 5, 2, 10, 0.05, 64, 256, 1),
}  # fmt: skip


def tiny(spec: Spec) -> Spec:
    """The same workload shrunk so its gradients can be checked in milliseconds (for tests)."""
    if isinstance(spec, ChainSpec):
        return replace(spec, length=12)
    if isinstance(spec, CNNSpec):
        return replace(spec, side=12, channels=(3, 4), kernel=3, batch=4, samples=8, steps=2)
    if isinstance(spec, CharSpec):
        return replace(spec, vocab=7, embd=2, hidden=8, batch=8, samples=16, steps=2)
    if spec.key == "W1":
        return replace(spec, steps=3)
    sizes = (min(spec.sizes[0], 12), *(min(n, 8) for n in spec.sizes[1:]))
    return replace(spec, sizes=sizes, batch=min(spec.batch, 8), samples=16, steps=2)


# ---------------------------------------------------------------------------------------------
# Data and initial weights, shared by all frameworks


@dataclass
class MLPProblem:
    """Batches and initial weights (W as (in, out)) for an ``MLPSpec``."""

    spec: MLPSpec
    batches: list[tuple[np.ndarray, np.ndarray]]  # (x float32, y: int64 labels or float32)
    weights: list[np.ndarray]
    biases: list[np.ndarray]


@dataclass
class ChainProblem:
    """Start values of a ``ChainSpec``: input x, multiplier a and offset b."""

    spec: ChainSpec
    x: np.ndarray
    a: np.ndarray
    b: np.ndarray


@dataclass
class CharProblem:
    """Batches of (contexts int64 (B, block), next characters int64 (B,)) and initial weights
    of a ``CharSpec``: table (vocab, embd), w1 (block * embd, hidden) as (in, out), the batch
    norm's gamma and beta (hidden,), w2 (hidden, vocab) and b2 (vocab,)."""

    spec: CharSpec
    batches: list[tuple[np.ndarray, np.ndarray]]
    table: np.ndarray
    w1: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    w2: np.ndarray
    b2: np.ndarray


@dataclass
class CNNProblem:
    """Batches (images (B, 1, side, side) float32, labels int64) and initial parameters of a
    ``CNNSpec`` in PyTorch's layouts, under ``nn.Sequential``'s names ("0.weight", ...)."""

    spec: CNNSpec
    batches: list[tuple[np.ndarray, np.ndarray]]
    params: dict[str, np.ndarray]


Problem = MLPProblem | ChainProblem | CharProblem | CNNProblem

CNN_LAYERS = ("0", "3", "7")  # the parameterised positions in the Sequential


def _cnn_problem(spec: CNNSpec, rng: np.random.Generator) -> CNNProblem:
    c1, c2 = spec.channels
    k = spec.kernel
    shapes = {"0": (c1, 1, k, k), "3": (c2, c1, k, k), "7": (spec.classes, spec.features)}
    params = {}
    for name, shape in shapes.items():
        bound = 1 / np.sqrt(np.prod(shape[1:]))  # PyTorch's default init range
        params[f"{name}.weight"] = rng.uniform(-bound, bound, shape).astype(F32)
        params[f"{name}.bias"] = rng.uniform(-bound, bound, shape[0]).astype(F32)
    x_all = rng.standard_normal((spec.samples, 1, spec.side, spec.side)).astype(F32)
    y_all = rng.integers(0, spec.classes, spec.samples).astype(np.int64)
    batches = [
        (x_all[i : i + spec.batch], y_all[i : i + spec.batch])
        for i in range(0, spec.samples, spec.batch)
    ]
    return CNNProblem(spec, batches, params)


def _char_problem(spec: CharSpec, rng: np.random.Generator) -> CharProblem:
    n_in = spec.block * spec.embd
    b1, b2 = 1 / np.sqrt(n_in), 1 / np.sqrt(spec.hidden)
    x_all = rng.integers(0, spec.vocab, (spec.samples, spec.block)).astype(np.int64)
    y_all = rng.integers(0, spec.vocab, spec.samples).astype(np.int64)
    return CharProblem(
        spec,
        [(x_all[i : i + spec.batch], y_all[i : i + spec.batch])
         for i in range(0, spec.samples, spec.batch)],
        rng.standard_normal((spec.vocab, spec.embd)).astype(F32),
        rng.uniform(-b1, b1, (n_in, spec.hidden)).astype(F32),
        rng.uniform(0.5, 1.5, spec.hidden).astype(F32),  # not 1 and 0: every term checked
        rng.uniform(-0.5, 0.5, spec.hidden).astype(F32),
        rng.uniform(-b2, b2, (spec.hidden, spec.vocab)).astype(F32),
        rng.uniform(-b2, b2, spec.vocab).astype(F32),
    )  # fmt: skip


def make_problem(spec: Spec, seed: int = SEED) -> Problem:
    """Data and initial weights for ``spec``, identical for every framework."""
    rng = np.random.default_rng(seed)
    if isinstance(spec, CNNSpec):
        return _cnn_problem(spec, rng)
    if isinstance(spec, CharSpec):
        return _char_problem(spec, rng)
    if isinstance(spec, ChainSpec):
        x = rng.uniform(-1, 1, spec.shape).astype(F32)
        a = rng.uniform(0.5, 1.5, spec.shape).astype(F32)
        b = rng.uniform(-0.5, 0.5, spec.shape).astype(F32)
        return ChainProblem(spec, x, a, b)
    weights, biases = [], []
    for n_in, n_out in zip(spec.sizes[:-1], spec.sizes[1:]):
        bound = 1 / np.sqrt(n_in)  # PyTorch's default Linear init range
        weights.append(rng.uniform(-bound, bound, (n_in, n_out)).astype(F32))
        biases.append(rng.uniform(-bound, bound, n_out).astype(F32))
    if spec.key == "W1":
        x_all, y_all = PERCEPTRON_X, PERCEPTRON_Y
    else:
        n_in, classes = spec.sizes[0], spec.sizes[-1]
        x_all = rng.standard_normal((spec.samples, n_in)).astype(F32)
        y_all = rng.integers(0, classes, spec.samples).astype(np.int64)
    batches = [
        (x_all[i : i + spec.batch], y_all[i : i + spec.batch])
        for i in range(0, spec.samples, spec.batch)
    ]
    return MLPProblem(spec, batches, weights, biases)


class _Batches:
    """Cycles through a problem's batches, in order."""

    def __init__(self, batches: list[Any]) -> None:
        self.batches, self.i = batches, 0

    def next(self) -> Any:
        b = self.batches[self.i]
        self.i = (self.i + 1) % len(self.batches)
        return b


# ---------------------------------------------------------------------------------------------
# Hand-written NumPy: forward and backward derived by hand, no autograd (the lower bound)


def _np_sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


class NumpyMLP:
    """Forward, backward and SGD update written out in NumPy."""

    def __init__(self, problem: MLPProblem) -> None:
        self.spec = problem.spec
        self.w = [w.copy() for w in problem.weights]
        self.b = [b.copy() for b in problem.biases]
        self.data = _Batches(problem.batches)

    def _step(
        self, x: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """Loss and gradients for one batch."""
        spec, last = self.spec, len(self.w) - 1
        acts = [x]
        for i, (w, b) in enumerate(zip(self.w, self.b)):
            z = acts[-1] @ w
            z += b  # in place on the fresh product
            if i < last:
                z = _np_sigmoid(z) if spec.hidden == "sigmoid" else np.maximum(z, 0, out=z)
            acts.append(z)
        out = acts[-1]
        n = out.shape[0]
        if spec.loss == "mse":
            p = _np_sigmoid(out)
            diff = p - y
            loss = np.mean(diff * diff)
            delta = (2 / diff.size) * diff * p * (1 - p)
        else:
            shifted = out - out.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            s = e.sum(axis=1, keepdims=True)
            rows = np.arange(n)
            loss = np.mean(np.log(s[:, 0]) - shifted[rows, y])
            delta = e / s
            delta[rows, y] -= 1
            delta /= n
        gw: list[np.ndarray] = [np.empty(0)] * len(self.w)
        gb: list[np.ndarray] = [np.empty(0)] * len(self.w)
        for i in range(last, -1, -1):
            gw[i] = acts[i].T @ delta
            gb[i] = delta.sum(axis=0)
            if i > 0:
                delta = delta @ self.w[i].T
                a = acts[i]
                delta *= a * (1 - a) if spec.hidden == "sigmoid" else a > 0
        return np.asarray(loss), gw, gb

    def first_gradients(self) -> Grads:
        loss, gw, gb = self._step(*self.data.batches[0])
        return _mlp_grads(loss, gw, gb)

    def run(self) -> None:
        lr = self.spec.lr
        for _ in range(self.spec.steps):
            _, gw, gb = self._step(*self.data.next())
            for w, b, dw, db in zip(self.w, self.b, gw, gb):
                w -= lr * dw
                b -= lr * db


def _mlp_grads(loss: Any, gw: list[Any], gb: list[Any]) -> Grads:
    grads: Grads = {"loss": np.asarray(loss)}
    for i, (dw, db) in enumerate(zip(gw, gb)):
        grads[f"{i}.weight"] = np.asarray(dw)
        grads[f"{i}.bias"] = np.asarray(db)
    return grads


class NumpyChain:
    """The op chain and its backward, by hand."""

    def __init__(self, problem: ChainProblem) -> None:
        self.x, self.a, self.b = problem.x, problem.a, problem.b
        self.length = problem.spec.length

    def _grads(self) -> tuple[Any, ...]:
        a, b = self.a, self.b
        hs = [self.x]  # hs[i] is the input of op i, hs[i + 1] its output
        for i in range(self.length):
            h, k = hs[-1], i % 4
            if k == 0:
                h = h * a
            elif k == 1:
                h = h + b
            elif k == 2:
                h = np.tanh(h)
            else:
                h = 1 / (1 + np.exp(-h))
            hs.append(h)
        loss = hs[-1].sum()
        g = np.ones_like(hs[-1])
        ga, gb = np.zeros_like(a), np.zeros_like(b)
        for i in range(self.length - 1, -1, -1):
            k, out = i % 4, hs[i + 1]
            if k == 0:
                ga += g * hs[i]
                g = g * a
            elif k == 1:
                gb += g
            elif k == 2:
                g = g * (1 - out * out)
            else:
                g = g * out * (1 - out)
        return loss, g, ga, gb

    def first_gradients(self) -> Grads:
        return _chain_grads(*self._grads())

    def run(self) -> None:
        self._grads()


def _chain_grads(loss: Any, gx: Any, ga: Any, gb: Any) -> Grads:
    return {"loss": np.asarray(loss), "x": np.asarray(gx), "a": np.asarray(ga), "b": np.asarray(gb)}


BN_EPS, BN_MOMENTUM = 1e-5, 0.1


class NumpyChar:
    """The character model's forward, backward (batch norm's included) and SGD by hand."""

    def __init__(self, problem: CharProblem) -> None:
        self.spec = problem.spec
        p = problem
        self.params = [a.copy() for a in (p.table, p.w1, p.gamma, p.beta, p.w2, p.b2)]
        self.running_mean = np.zeros(self.spec.hidden, dtype=F32)
        self.running_var = np.ones(self.spec.hidden, dtype=F32)
        self.data = _Batches(problem.batches)

    def _step(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        table, w1, gamma, beta, w2, b2 = self.params
        n = x.shape[0]
        emb = table[x].reshape(n, -1)  # (n, block * embd)
        hpre = emb @ w1
        mean = hpre.mean(axis=0)
        centred = hpre - mean
        var = (centred * centred).mean(axis=0)
        inv = 1 / np.sqrt(var + BN_EPS)
        xhat = centred * inv
        h = np.tanh(xhat * gamma + beta)
        logits = h @ w2
        logits += b2
        # The running statistics move as in training mode (unbiased variance).
        self.running_mean *= 1 - BN_MOMENTUM
        self.running_mean += BN_MOMENTUM * mean
        self.running_var *= 1 - BN_MOMENTUM
        self.running_var += (BN_MOMENTUM * n / (n - 1)) * var
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = np.mean(np.log(s[:, 0]) - shifted[rows, y])
        dlogits = e / s
        dlogits[rows, y] -= 1
        dlogits /= n
        dw2 = h.T @ dlogits
        db2 = dlogits.sum(axis=0)
        dz = dlogits @ w2.T
        dz *= 1 - h * h
        dgamma = (dz * xhat).sum(axis=0)
        dbeta = dz.sum(axis=0)
        dxhat = dz * gamma
        # d hpre = inv / n * (n dxhat - sum(dxhat) - xhat * sum(dxhat * xhat))
        dhpre = dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)
        dhpre *= inv
        dw1 = emb.T @ dhpre
        demb = (dhpre @ w1.T).reshape(n, self.spec.block, self.spec.embd)
        dtable = np.zeros_like(table)
        np.add.at(dtable, x, demb)
        return np.asarray(loss), [dtable, dw1, dgamma, dbeta, dw2, db2]

    def first_gradients(self) -> Grads:
        loss, grads = self._step(*self.data.batches[0])
        return _char_grads(loss, grads)

    def run(self) -> None:
        lr = self.spec.lr
        for _ in range(self.spec.steps):
            _, grads = self._step(*self.data.next())
            for p, g in zip(self.params, grads):
                p -= lr * g


CHAR_NAMES = ("table", "linear1.weight", "bn.weight", "bn.bias", "linear2.weight", "linear2.bias")


def _char_grads(loss: Any, grads: list[Any]) -> Grads:
    out: Grads = {"loss": np.asarray(loss)}
    out.update({name: np.asarray(g) for name, g in zip(CHAR_NAMES, grads)})
    return out


def _np_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, pad: int) -> tuple[np.ndarray, ...]:
    """Convolution: a strided view of the windows, copied once into columns (K, N*P), then
    one product per sample when K <= P (small kernels over big images: the result lands in
    (N, O, P) directly), else one product for the batch and a pass into (N, O, P)."""
    n, c = x.shape[:2]
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    ho, wo = win.shape[2:4]
    k, p = c * kh * kw, ho * wo
    cols = win.transpose(1, 4, 5, 0, 2, 3).reshape(k, n * p)
    if k <= p:
        y = np.matmul(w.reshape(o, k), cols.reshape(k, n, p).swapaxes(0, 1))
        y += b[:, None]
    else:
        y = np.empty((n, o, p), dtype=x.dtype)
        np.add((w.reshape(o, k) @ cols).reshape(o, n, p).swapaxes(0, 1), b[:, None], out=y)
    return y.reshape(n, o, ho, wo), cols


def _np_conv_backward(
    dy: np.ndarray, w: np.ndarray, cols: np.ndarray, x_shape: tuple[int, ...], need_dx: bool
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """dx (col2im: one strided add per kernel position), dw and db of ``_np_conv``."""
    o, c, kh, kw = w.shape
    n, _, ho, wo = dy.shape
    k, p = c * kh * kw, ho * wo
    w2 = w.reshape(o, k)
    if k <= p:  # per sample, as in the forward
        dy3 = dy.reshape(n, o, p)
        dw = np.matmul(dy3, cols.reshape(k, n, p).transpose(1, 2, 0)).sum(axis=0)
        db = dy3.sum(axis=(0, 2))
        dcols = np.matmul(w2.T, dy3).reshape(n, c, kh, kw, ho, wo) if need_dx else None
    else:
        dy2 = dy.transpose(1, 0, 2, 3).reshape(o, -1)
        dw, db = dy2 @ cols.T, dy2.sum(axis=1)
        if need_dx:  # scattered in the order of the product's result, (C, N, ...)
            dcols = (w2.T @ dy2).reshape(c, kh, kw, n, ho, wo)
            dxt = np.zeros((c, n, *x_shape[2:]), dtype=dy.dtype)
            for i in range(kh):
                for j in range(kw):
                    dxt[:, :, i : i + ho, j : j + wo] += dcols[:, i, j]
            return np.ascontiguousarray(dxt.swapaxes(0, 1)), dw.reshape(w.shape), db
    if not need_dx:
        return None, dw.reshape(w.shape), db
    dx = np.zeros(x_shape, dtype=dy.dtype)  # (no padding on this layer)
    for i in range(kh):
        for j in range(kw):
            dx[:, :, i : i + ho, j : j + wo] += dcols[:, :, i, j]
    return dx, dw.reshape(w.shape), db


def _np_pool(a: np.ndarray) -> tuple[np.ndarray, list[tuple[slice, slice]]]:
    """2x2 max pooling: the maximum over the four strided views."""
    views = [(slice(i, None, 2), slice(j, None, 2)) for i in range(2) for j in range(2)]
    h, w = a.shape[2] // 2 * 2, a.shape[3] // 2 * 2
    a = a[:, :, :h, :w]
    out = np.array(a[(..., *views[0])])
    for v in views[1:]:
        np.maximum(out, a[(..., *v)], out=out)
    return out, views


def _np_pool_backward(
    g: np.ndarray, a: np.ndarray, out: np.ndarray, views: list[tuple[slice, slice]]
) -> np.ndarray:
    """The gradient goes to each window's (first) maximum."""
    da = np.zeros(a.shape, dtype=g.dtype)
    free = np.ones(out.shape, dtype=bool)
    h, w = out.shape[2] * 2, out.shape[3] * 2
    for v in views:
        hit = a[:, :, :h, :w][(..., *v)] == out
        hit &= free
        free &= ~hit
        np.multiply(g, hit, out=da[:, :, :h, :w][(..., *v)])
    return da


class NumpyCNN:
    """The LeNet-style CNN's forward, backward and SGD update written out in NumPy."""

    def __init__(self, problem: CNNProblem) -> None:
        self.spec = problem.spec
        self.p = {k: v.copy() for k, v in problem.params.items()}
        self.data = _Batches(problem.batches)

    def _step(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, Grads]:
        p, n = self.p, x.shape[0]
        z1, cols1 = _np_conv(x, p["0.weight"], p["0.bias"], self.spec.padding)
        a1 = np.maximum(z1, 0)
        h1, views1 = _np_pool(a1)
        z2, cols2 = _np_conv(h1, p["3.weight"], p["3.bias"], 0)
        a2 = np.maximum(z2, 0)
        h2, views2 = _np_pool(a2)
        flat = h2.reshape(n, -1)
        logits = flat @ p["7.weight"].T
        logits += p["7.bias"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = np.mean(np.log(s[:, 0]) - shifted[rows, y])
        d = e / s
        d[rows, y] -= 1
        d /= n
        g: Grads = {"7.weight": d.T @ flat, "7.bias": d.sum(axis=0)}
        dh2 = (d @ p["7.weight"]).reshape(h2.shape)
        dz2 = _np_pool_backward(dh2, a2, h2, views2)
        dz2 *= a2 > 0
        dh1, g["3.weight"], g["3.bias"] = _np_conv_backward(
            dz2, p["3.weight"], cols2, h1.shape, True
        )
        assert dh1 is not None
        dz1 = _np_pool_backward(dh1, a1, h1, views1)
        dz1 *= a1 > 0
        _, g["0.weight"], g["0.bias"] = _np_conv_backward(dz1, p["0.weight"], cols1, x.shape, False)
        return np.asarray(loss), g

    def first_gradients(self) -> Grads:
        loss, g = self._step(*self.data.batches[0])
        return {"loss": loss, **g}

    def run(self) -> None:
        lr = self.spec.lr
        for _ in range(self.spec.steps):
            _, g = self._step(*self.data.next())
            for name, dp in g.items():
                self.p[name] -= lr * dp


# ---------------------------------------------------------------------------------------------
# minigrad, written as a user would


def _sequential(nn: Any, spec: MLPSpec) -> tuple[Any, list[int]]:
    """The spec's model from ``nn`` (minigrad.nn or torch.nn alike) and its Linear positions."""
    layers: list[Any] = []
    linears = []
    pairs = list(zip(spec.sizes[:-1], spec.sizes[1:]))
    for i, (n_in, n_out) in enumerate(pairs):
        linears.append(len(layers))
        layers.append(nn.Linear(n_in, n_out))
        if i < len(pairs) - 1:
            layers.append(nn.Sigmoid() if spec.hidden == "sigmoid" else nn.ReLU())
    if spec.loss == "mse":
        layers.append(nn.Sigmoid())
    return nn.Sequential(*layers), linears


def _state_dict(problem: MLPProblem, linears: list[int]) -> dict[str, np.ndarray]:
    """The initial weights under Sequential's names, W as (out, in) like both nn.Linear."""
    state = {}
    for pos, w, b in zip(linears, problem.weights, problem.biases):
        state[f"{pos}.weight"] = np.ascontiguousarray(w.T)
        state[f"{pos}.bias"] = b.copy()
    return state


class _Trainer:
    """What the MLP, character and CNN runners of minigrad and torch share: SGD over the
    problem's batches in order (``run``) and the first batch's gradients for the check."""

    spec: Any
    model: Any
    loss_fn: Any
    opt: Any
    batches: list[Any]
    data: _Batches

    def _read_grads(self, loss: Any) -> Grads:
        raise NotImplementedError

    def _optimizer(self) -> Any:
        return self.opt

    def first_gradients(self) -> Grads:
        x, y = self.batches[0]
        self.model.zero_grad()
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        grads = self._read_grads(loss)
        self.model.zero_grad()
        return grads

    def run(self) -> None:
        opt = self._optimizer()
        for _ in range(self.spec.steps):
            x, y = self.data.next()
            opt.zero_grad()
            loss = self.loss_fn(self.model(x), y)
            loss.backward()
            opt.step()


class _TorchTrainer(_Trainer):
    def _optimizer(self) -> Any:
        if self.opt is None:  # made on the first run(): torch.optim imports torch._dynamo (~1 s)
            import torch

            self.opt = torch.optim.SGD(self.model.parameters(), lr=self.spec.lr)
        return self.opt


def _read_mlp_grads(runner: Any, loss: Any) -> Grads:
    """The loss and each Linear's gradients, W as (in, out) like the NumPy runner's."""
    gw = [m.weight.grad.numpy().T.copy() for m in runner.linears]
    gb = [m.bias.grad.numpy().copy() for m in runner.linears]
    return _mlp_grads(loss.detach().numpy(), gw, gb)


def _read_char_grads(runner: Any, loss: Any) -> Grads:
    return _char_model_grads(
        loss.detach().numpy(), runner.model, lambda g: np.array(g.detach().numpy())
    )


def _read_named_grads(runner: Any, loss: Any) -> Grads:
    grads = {n: p.grad.numpy().copy() for n, p in runner.model.named_parameters()}
    return {"loss": np.asarray(loss.detach().numpy()), **grads}


class MinigradMLP(_Trainer):
    """minigrad.nn.Sequential of Linear layers, nn.functional losses, optim.SGD."""

    def __init__(self, problem: MLPProblem) -> None:
        import minigrad as mg
        from minigrad import nn, optim

        self.spec = problem.spec
        self.model, positions = _sequential(nn, self.spec)
        self.model.load_state_dict(_state_dict(problem, positions))
        self.linears = [self.model[i] for i in positions]
        self.opt = optim.SGD(self.model.parameters(), lr=self.spec.lr)
        self.loss_fn = (
            nn.functional.mse_loss if self.spec.loss == "mse" else nn.functional.cross_entropy
        )
        self.batches = [(mg.from_numpy(x), mg.from_numpy(y)) for x, y in problem.batches]
        self.data = _Batches(self.batches)

    _read_grads = _read_mlp_grads


def _char_model(nn: Any, spec: CharSpec) -> Any:
    """The character model from ``nn`` (minigrad.nn or torch.nn alike), as a Sequential."""
    return nn.Sequential(
        nn.Embedding(spec.vocab, spec.embd),
        nn.Flatten(),
        nn.Linear(spec.block * spec.embd, spec.hidden, bias=False),
        nn.BatchNorm1d(spec.hidden),
        nn.Tanh(),
        nn.Linear(spec.hidden, spec.vocab),
    )


def _char_state(problem: CharProblem) -> dict[str, np.ndarray]:
    """The initial weights under the Sequential's names (Linear weights as (out, in))."""
    h = problem.spec.hidden
    return {
        "0.weight": problem.table.copy(),
        "2.weight": np.ascontiguousarray(problem.w1.T),
        "3.weight": problem.gamma.copy(),
        "3.bias": problem.beta.copy(),
        "3.running_mean": np.zeros(h, dtype=F32),
        "3.running_var": np.ones(h, dtype=F32),
        "3.num_batches_tracked": np.array(0, dtype=np.int64),
        "5.weight": np.ascontiguousarray(problem.w2.T),
        "5.bias": problem.b2.copy(),
    }


def _char_model_grads(loss: Any, model: Any, to_numpy: Callable[[Any], np.ndarray]) -> Grads:
    grads = [to_numpy(model[i].weight.grad) for i in (0, 2, 3)]
    grads += [
        to_numpy(model[3].bias.grad),
        to_numpy(model[5].weight.grad),
        to_numpy(model[5].bias.grad),
    ]
    grads[1], grads[4] = grads[1].T.copy(), grads[4].T.copy()  # reported as (in, out)
    return _char_grads(loss, grads)


class MinigradChar(_Trainer):
    """minigrad.nn Embedding, Linear, BatchNorm1d, Tanh; F.cross_entropy; optim.SGD."""

    def __init__(self, problem: CharProblem) -> None:
        import minigrad as mg
        from minigrad import nn, optim

        self.spec = problem.spec
        self.model = _char_model(nn, self.spec)
        self.model.load_state_dict(_char_state(problem))
        self.opt = optim.SGD(self.model.parameters(), lr=self.spec.lr)
        self.loss_fn = nn.functional.cross_entropy
        self.batches = [(mg.from_numpy(x), mg.from_numpy(y)) for x, y in problem.batches]
        self.data = _Batches(self.batches)

    _read_grads = _read_char_grads


class MinigradChain:
    """The op chain on minigrad Tensors, then ``backward()``."""

    def __init__(self, problem: ChainProblem) -> None:
        import minigrad as mg

        self.x: Any = mg.tensor(problem.x, requires_grad=True)
        self.a: Any = mg.tensor(problem.a, requires_grad=True)
        self.b: Any = mg.tensor(problem.b, requires_grad=True)
        self.length = problem.spec.length

    def _backward(self) -> Any:
        a, b, h = self.a, self.b, self.x
        for i in range(self.length):
            k = i % 4
            if k == 0:
                h = h * a
            elif k == 1:
                h = h + b
            elif k == 2:
                h = h.tanh()
            else:
                h = h.sigmoid()
        loss = h.sum()
        self.x.grad = self.a.grad = self.b.grad = None
        loss.backward()
        return loss

    def first_gradients(self) -> Grads:
        loss = self._backward()
        gx, ga, gb = (t.grad.numpy() for t in (self.x, self.a, self.b))
        return _chain_grads(loss.detach().numpy(), gx, ga, gb)

    def run(self) -> None:
        self._backward()


def _lenet(nn: Any, spec: CNNSpec) -> Any:
    """The CNN from ``nn`` (minigrad.nn or torch.nn alike)."""
    c1, c2 = spec.channels
    k = spec.kernel
    return nn.Sequential(
        nn.Conv2d(1, c1, k, padding=spec.padding), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, k), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(spec.features, spec.classes),
    )  # fmt: skip


class MinigradCNN(_Trainer):
    """minigrad.nn.Sequential of Conv2d, MaxPool2d and Linear, cross_entropy, optim.SGD."""

    def __init__(self, problem: CNNProblem) -> None:
        import minigrad as mg
        from minigrad import nn, optim

        self.spec = problem.spec
        self.model = _lenet(nn, self.spec)
        self.model.load_state_dict(problem.params)
        self.opt = optim.SGD(self.model.parameters(), lr=self.spec.lr)
        self.loss_fn = nn.functional.cross_entropy
        self.batches = [(mg.from_numpy(x), mg.from_numpy(y)) for x, y in problem.batches]
        self.data = _Batches(self.batches)

    _read_grads = _read_named_grads


# ---------------------------------------------------------------------------------------------
# minigrad.compile: the same models, the training step compiled to NumPy


def _restore(params: list[Any], saved: list[np.ndarray]) -> None:
    for p, a in zip(params, saved):
        p._data[...] = a  # in place: the compiled step holds these arrays


class CompiledMLP(MinigradMLP):
    """``MinigradMLP`` with its training step compiled by ``minigrad.compile``."""

    def __init__(self, problem: MLPProblem) -> None:
        import minigrad as mg

        super().__init__(problem)
        self.step = mg.compile(self.model, self.loss_fn, self.opt)
        # Trace every batch shape now (tracing is not what is timed), then start over from the
        # initial weights.
        params = list(self.model.parameters())
        initial = [p._data.copy() for p in params]
        shapes = set()
        for x, y in self.batches:
            if x.shape not in shapes:
                shapes.add(x.shape)
                self.step(x, y)
        _restore(params, initial)

    def first_gradients(self) -> Grads:
        """The compiled code's gradients from the initial weights (traced in ``__init__``)."""
        params = list(self.model.parameters())
        initial = [p._data.copy() for p in params]
        x, y = self.batches[0]
        loss = self.step(x, y)  # traced already: this is the compiled code
        grads = _read_mlp_grads(self, loss)
        _restore(params, initial)
        return grads

    def run(self) -> None:
        step, data = self.step, self.data
        for _ in range(self.spec.steps):
            x, y = data.next()
            step(x, y)


class CompiledChain:
    """The op chain as a module whose parameters are x, a and b, compiled with SGD at lr 0
    (the update is part of every compiled step: it costs 6 NumPy calls per 100 ops)."""

    def __init__(self, problem: ChainProblem) -> None:
        import minigrad as mg
        from minigrad import nn, optim

        length = problem.spec.length

        class Chain(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.x = nn.Parameter(problem.x.copy())
                self.a = nn.Parameter(problem.a.copy())
                self.b = nn.Parameter(problem.b.copy())

            def forward(self, _: Any) -> Any:
                a, b, h = self.a, self.b, self.x
                for i in range(length):
                    k = i % 4
                    if k == 0:
                        h = h * a
                    elif k == 1:
                        h = h + b
                    elif k == 2:
                        h = h.tanh()
                    else:
                        h = h.sigmoid()
                return h

        self.model = Chain()
        self.opt = optim.SGD(self.model.parameters(), lr=0.0)
        self.step = mg.compile(self.model, lambda h, _: h.sum(), self.opt)
        self.dummy = (mg.tensor(np.zeros(1, dtype=F32)), mg.tensor(np.zeros(1, dtype=F32)))
        self.step(*self.dummy)  # trace now: tracing is not what is timed (lr 0: nothing moves)

    def first_gradients(self) -> Grads:
        loss = self.step(*self.dummy)
        m = self.model
        gx, ga, gb = (t.grad.numpy() for t in (m.x, m.a, m.b))
        return _chain_grads(loss.numpy(), gx, ga, gb)

    def run(self) -> None:
        self.step(*self.dummy)


# ---------------------------------------------------------------------------------------------
# PyTorch (CPU), the usual way


class TorchMLP(_TorchTrainer):
    """torch.nn.Sequential of Linear layers, torch.nn.functional losses, torch.optim.SGD."""

    def __init__(self, problem: MLPProblem) -> None:
        import torch
        from torch import nn

        self.spec = problem.spec
        self.model, positions = _sequential(nn, self.spec)
        state = _state_dict(problem, positions)
        self.model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
        self.linears = [self.model[i] for i in positions]
        self.loss_fn = (
            nn.functional.mse_loss if self.spec.loss == "mse" else nn.functional.cross_entropy
        )
        self.batches = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in problem.batches]
        self.data = _Batches(self.batches)
        self.opt = None

    _read_grads = _read_mlp_grads


class TorchChar(_TorchTrainer):
    """torch.nn Embedding, Linear, BatchNorm1d, Tanh; cross_entropy; torch.optim.SGD."""

    def __init__(self, problem: CharProblem) -> None:
        import torch
        from torch import nn

        self.spec = problem.spec
        self.model = _char_model(nn, self.spec)
        state = _char_state(problem)
        self.model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
        self.loss_fn = nn.functional.cross_entropy
        self.batches = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in problem.batches]
        self.data = _Batches(self.batches)
        self.opt = None

    _read_grads = _read_char_grads


class TorchChain:
    """The op chain on torch tensors, then ``backward()``."""

    def __init__(self, problem: ChainProblem) -> None:
        import torch

        self.torch = torch
        self.x: Any = torch.tensor(problem.x, requires_grad=True)
        self.a: Any = torch.tensor(problem.a, requires_grad=True)
        self.b: Any = torch.tensor(problem.b, requires_grad=True)
        self.length = problem.spec.length

    def _backward(self) -> Any:
        torch, a, b, h = self.torch, self.a, self.b, self.x
        for i in range(self.length):
            k = i % 4
            if k == 0:
                h = h * a
            elif k == 1:
                h = h + b
            elif k == 2:
                h = torch.tanh(h)
            else:
                h = torch.sigmoid(h)
        loss = h.sum()
        self.x.grad = self.a.grad = self.b.grad = None
        loss.backward()
        return loss

    def first_gradients(self) -> Grads:
        loss = self._backward()
        gx, ga, gb = (t.grad.numpy() for t in (self.x, self.a, self.b))
        return _chain_grads(loss.detach().numpy(), gx, ga, gb)

    def run(self) -> None:
        self._backward()


class TorchCNN(_TorchTrainer):
    """torch.nn.Sequential of Conv2d, MaxPool2d and Linear, cross_entropy, torch.optim.SGD."""

    def __init__(self, problem: CNNProblem) -> None:
        import torch
        from torch import nn

        self.spec = problem.spec
        self.model = _lenet(nn, self.spec)
        self.model.load_state_dict({k: torch.from_numpy(v) for k, v in problem.params.items()})
        self.loss_fn = nn.functional.cross_entropy
        self.batches = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in problem.batches]
        self.data = _Batches(self.batches)
        self.opt = None

    _read_grads = _read_named_grads


# ---------------------------------------------------------------------------------------------
# Frameworks and the gradient check

FRAMEWORKS = ("numpy", "minigrad", "compiled", "torch")

_RUNNERS: dict[tuple[str, type], Callable[[Any], Runner]] = {
    ("numpy", MLPProblem): NumpyMLP,
    ("numpy", ChainProblem): NumpyChain,
    ("minigrad", MLPProblem): MinigradMLP,
    ("minigrad", ChainProblem): MinigradChain,
    ("torch", MLPProblem): TorchMLP,
    ("torch", ChainProblem): TorchChain,
    ("numpy", CharProblem): NumpyChar,
    ("minigrad", CharProblem): MinigradChar,
    ("torch", CharProblem): TorchChar,
    ("numpy", CNNProblem): NumpyCNN,
    ("minigrad", CNNProblem): MinigradCNN,
    ("torch", CNNProblem): TorchCNN,
    ("compiled", MLPProblem): CompiledMLP,
    ("compiled", ChainProblem): CompiledChain,
    # (W7's embedding indexes by the batch: a value the compiler refuses to freeze)
}


def has_runner(framework: str, problem: Problem) -> bool:
    """Whether ``framework`` has a version of this problem's workload."""
    return (framework, type(problem)) in _RUNNERS


def make_runner(framework: str, problem: Problem) -> Runner:
    """A fresh runner of ``framework`` for ``problem``, starting from its initial weights."""
    try:
        cls = _RUNNERS[(framework, type(problem))]
    except KeyError:
        raise ValueError(
            f"make_runner: unknown framework {framework!r}; expected one of {FRAMEWORKS}"
        ) from None
    return cls(problem)


def check_gradients(
    reference: Mapping[str, np.ndarray], candidate: Mapping[str, np.ndarray], rtol: float = 1e-4
) -> list[str]:
    """Compare a framework's first-step loss and gradients with NumPy's.

    An element passes when ``|got - ref| <= rtol * |ref| + rtol * max|ref|``: relative, with
    an absolute floor scaled to the array so entries near zero (where float32 rounding of a
    different summation order dominates) do not fail a correct framework.

    Args:
        reference: name -> array from the hand-written NumPy version.
        candidate: name -> array from the framework under test.
        rtol: relative tolerance (float32 arithmetic: about 1e-4).

    Returns:
        One message per problem (missing or extra names, shape, dtype, non-finite values,
        values off); empty when the candidate agrees.
    """
    problems = []
    for name in sorted(set(candidate) - set(reference)):
        problems.append(f"{name}: not in the reference")
    for name, ref in reference.items():
        if name not in candidate:
            problems.append(f"{name}: missing")
            continue
        got = np.asarray(candidate[name])
        if got.shape != ref.shape:
            problems.append(f"{name}: shape {got.shape}, expected {ref.shape}")
            continue
        if got.dtype != ref.dtype:
            problems.append(f"{name}: dtype {got.dtype}, expected {ref.dtype}")
            continue
        if not np.all(np.isfinite(got)):
            problems.append(f"{name}: contains NaN or inf")
            continue
        scale = float(np.max(np.abs(ref))) if ref.size else 0.0
        err = np.abs(got.astype(np.float64) - ref)
        bad = err > rtol * np.abs(ref) + rtol * scale
        if np.any(bad):
            problems.append(
                f"{name}: {int(bad.sum())} of {ref.size} values differ, max abs error "
                f"{float(err.max()):.3g} (max |ref| {scale:.3g}, rtol {rtol:g})"
            )
    return problems


def verify(spec: Spec, frameworks: tuple[str, ...], rtol: float = 1e-4) -> dict[str, list[str]]:
    """Check each framework's first-step gradients on ``spec`` against hand-written NumPy.

    Returns:
        framework -> list of problems (empty when it agrees).
    """
    problem = make_problem(spec)
    reference = make_runner("numpy", problem).first_gradients()
    return {
        fw: check_gradients(reference, make_runner(fw, problem).first_gradients(), rtol)
        for fw in frameworks
        if fw != "numpy" and has_runner(fw, problem)
    }
