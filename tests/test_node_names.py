"""A node's name (``grad_fn.name()`` and its repr) is PyTorch's for the functions tutorials
print: compared with torch when it is installed, and a few written out so the suite checks
them without it. An op standing for several functions is named by its attributes, a function
composed of several ops labels its last one (``node_surface``); a label renames nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.graph import iter_graph

Call = Callable[[Any, Any, Any], Any]


def _w(t: Any, *shape: int) -> Any:
    return t.tensor(np.ones(shape, np.float32))


# f(t, F, x) with t the module (minigrad or torch), F its nn.functional, x of shape (3, 4)
CALLS: dict[str, Call] = {
    "add": lambda t, F, x: x + 1,
    "sub": lambda t, F, x: x - 1,
    "rsub": lambda t, F, x: 1 - x,
    "mul": lambda t, F, x: x * 2,
    "div": lambda t, F, x: x / 2,
    "neg": lambda t, F, x: -x,
    "pow": lambda t, F, x: x**2,
    "exp": lambda t, F, x: x.exp(),
    "log": lambda t, F, x: x.abs().log(),
    "sqrt": lambda t, F, x: x.abs().sqrt(),
    "tanh": lambda t, F, x: x.tanh(),
    "sigmoid": lambda t, F, x: x.sigmoid(),
    "relu": lambda t, F, x: F.relu(x),
    "gelu": lambda t, F, x: F.gelu(x),
    "gelu_tanh": lambda t, F, x: F.gelu(x, approximate="tanh"),
    "nn.GELU": lambda t, F, x: t.nn.GELU()(x),
    "silu": lambda t, F, x: F.silu(x),
    "nn.SiLU": lambda t, F, x: t.nn.SiLU()(x),
    "elu": lambda t, F, x: F.elu(x),
    "selu": lambda t, F, x: F.selu(x),
    "celu": lambda t, F, x: F.celu(x),
    "leaky_relu": lambda t, F, x: F.leaky_relu(x, 0.1),
    "nn.LeakyReLU": lambda t, F, x: t.nn.LeakyReLU()(x),
    "mish": lambda t, F, x: F.mish(x),
    "logsigmoid": lambda t, F, x: F.logsigmoid(x),
    "softplus": lambda t, F, x: F.softplus(x),
    "hardtanh": lambda t, F, x: F.hardtanh(x),
    "softmax": lambda t, F, x: F.softmax(x, dim=1),
    "log_softmax": lambda t, F, x: F.log_softmax(x, dim=1),
    "clamp": lambda t, F, x: x.clamp(-0.5, 0.5),
    "clone": lambda t, F, x: x.clone(),
    "double": lambda t, F, x: x.double(),
    "sum": lambda t, F, x: x.sum(),
    "sum(1)": lambda t, F, x: x.sum(1),
    "sum(keepdim)": lambda t, F, x: x.sum(dim=1, keepdim=True),
    "sum((0, 1))": lambda t, F, x: x.sum((0, 1)),
    "mean": lambda t, F, x: x.mean(),
    "mean(0)": lambda t, F, x: x.mean(0),
    "std": lambda t, F, x: x.std(),
    "std(1)": lambda t, F, x: x.std(1),
    "var": lambda t, F, x: x.var(),
    "var(1)": lambda t, F, x: x.var(1),
    "prod": lambda t, F, x: x.prod(),
    "prod(1)": lambda t, F, x: x.prod(1),
    "max": lambda t, F, x: x.max(),
    "max(1)[0]": lambda t, F, x: x.max(1)[0],
    "max(dim=1).values": lambda t, F, x: x.max(dim=1).values,
    "min(1)[0]": lambda t, F, x: x.min(1)[0],
    "norm": lambda t, F, x: x.norm(),
    "norm(dim=1)": lambda t, F, x: x.norm(dim=1),
    "linalg.norm": lambda t, F, x: t.linalg.norm(x),
    "cumsum": lambda t, F, x: x.cumsum(1),
    "logsumexp": lambda t, F, x: x.logsumexp(1),
    "matmul": lambda t, F, x: x @ x.T,
    "t": lambda t, F, x: x.t(),
    "T": lambda t, F, x: x.T,
    "transpose": lambda t, F, x: x.transpose(0, 1),
    "permute": lambda t, F, x: x.permute(1, 0),
    "view": lambda t, F, x: x.view(12),
    "reshape": lambda t, F, x: x.reshape(4, 3),
    "unsqueeze": lambda t, F, x: x.unsqueeze(0),
    "squeeze(0)": lambda t, F, x: x.unsqueeze(0).squeeze(0),
    "squeeze()": lambda t, F, x: x.unsqueeze(0).squeeze(),
    "expand": lambda t, F, x: x.unsqueeze(0).expand(2, 3, 4),
    "repeat": lambda t, F, x: x.repeat(2, 1),
    "cat": lambda t, F, x: t.cat([x, x]),
    "stack": lambda t, F, x: t.stack([x, x]),
    "select": lambda t, F, x: x[0],
    "slice": lambda t, F, x: x[1:],
    "index": lambda t, F, x: x[[0, 2]],
    "where": lambda t, F, x: t.where(x > 0, x, 0 * x),
    "linear": lambda t, F, x: F.linear(x, _w(t, 2, 4)),
    "linear(bias)": lambda t, F, x: F.linear(x, _w(t, 2, 4), _w(t, 2)),
    "nn.Linear": lambda t, F, x: t.nn.Linear(4, 2)(x),
    "embedding": lambda t, F, x: F.embedding(t.tensor([0, 2]), x),
    "layer_norm": lambda t, F, x: F.layer_norm(x, (4,)),
    "nn.LayerNorm": lambda t, F, x: t.nn.LayerNorm(4)(x),
    "batch_norm": lambda t, F, x: F.batch_norm(x, None, None, training=True),
    "nn.BatchNorm1d": lambda t, F, x: t.nn.BatchNorm1d(4)(x),
    "group_norm": lambda t, F, x: F.group_norm(x[None], 1),
    "normalize": lambda t, F, x: F.normalize(x),
    "cosine_similarity": lambda t, F, x: F.cosine_similarity(x, x + 1),
    "mse_loss": lambda t, F, x: F.mse_loss(x, x.detach() + 1),
    "l1_loss": lambda t, F, x: F.l1_loss(x, x.detach() + 1),
    "smooth_l1_loss": lambda t, F, x: F.smooth_l1_loss(x, x.detach() + 1),
    "huber_loss": lambda t, F, x: F.huber_loss(x, x.detach() + 1),
    "huber_loss(none)": lambda t, F, x: F.huber_loss(x, x.detach() + 1, reduction="none"),
    "cross_entropy": lambda t, F, x: F.cross_entropy(x, t.tensor([0, 1, 3])),
    "nll_loss": lambda t, F, x: F.nll_loss(F.log_softmax(x, 1), t.tensor([0, 1, 3])),
    "binary_cross_entropy": lambda t, F, x: F.binary_cross_entropy(
        x.sigmoid(), (x.detach() > 0).float()
    ),
    "bce_with_logits": lambda t, F, x: F.binary_cross_entropy_with_logits(
        x, (x.detach() > 0).float()
    ),
    "bce_with_logits(sum)": lambda t, F, x: F.binary_cross_entropy_with_logits(
        x, (x.detach() > 0).float(), reduction="sum"
    ),
    "nn.BCEWithLogitsLoss": lambda t, F, x: t.nn.BCEWithLogitsLoss()(x, (x.detach() > 0).float()),
    "kl_div": lambda t, F, x: F.kl_div(
        F.log_softmax(x, 1), x.detach().softmax(1), reduction="batchmean"
    ),
    "2 ** x": lambda t, F, x: 2**x,
    "exp2": lambda t, F, x: x.exp2(),
    "rsqrt": lambda t, F, x: x.abs().rsqrt(),
    "reciprocal": lambda t, F, x: x.reciprocal(),
    "amax": lambda t, F, x: x.amax(1),
    "amin": lambda t, F, x: x.amin(),
    "gather": lambda t, F, x: x.gather(1, t.tensor([[0], [1], [2]])),
    "sort": lambda t, F, x: x.sort(1).values,
    "topk": lambda t, F, x: x.topk(2).values,
    "tril": lambda t, F, x: x.tril(),
    "triu": lambda t, F, x: x.triu(1),
    "masked_fill": lambda t, F, x: x.masked_fill(x > 0, 0.0),
    "flip": lambda t, F, x: x.flip(0),
    "trace": lambda t, F, x: x[:, :3].trace(),
    "dot": lambda t, F, x: x[0].dot(x[1]),
    "split": lambda t, F, x: x.split(2, dim=1)[1],
    "split(sizes)": lambda t, F, x: x.split([1, 3], dim=1)[1],
    "chunk": lambda t, F, x: x.chunk(2)[0],
    "unbind": lambda t, F, x: x.unbind(1)[2],
    "conv1d": lambda t, F, x: F.conv1d(x[None], _w(t, 2, 3, 2)),
    "conv2d": lambda t, F, x: F.conv2d(x[None, None], _w(t, 2, 1, 2, 2)),
    "conv_transpose2d": lambda t, F, x: F.conv_transpose2d(x[None, None], _w(t, 1, 2, 2, 2)),
    "max_pool1d": lambda t, F, x: F.max_pool1d(x[None], 2),
    "max_pool2d": lambda t, F, x: F.max_pool2d(x[None, None], 2),
    "avg_pool2d": lambda t, F, x: F.avg_pool2d(x[None, None], 2),
    "pad": lambda t, F, x: F.pad(x, (1, 1)),
    "nn.Sequential": lambda t, F, x: t.nn.Sequential(
        t.nn.Linear(4, 3), t.nn.ReLU(), t.nn.Linear(3, 1)
    )(x),
}


def _both(call: Call) -> tuple[str, str]:
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    names = []
    for t in (mg, torch):
        x = t.tensor(data.copy(), requires_grad=True)
        names.append(call(t, t.nn.functional, x).grad_fn.name())
    return names[0], names[1]


@pytest.mark.parametrize("key", list(CALLS))
def test_node_name_is_pytorchs(key: str) -> None:
    ours, theirs = _both(CALLS[key])
    assert ours == theirs


def test_a_few_names_without_torch() -> None:
    x = mg.randn(3, 4, requires_grad=True)
    F = mg.nn.functional
    assert x.sum().grad_fn.name() == "SumBackward0"
    assert x.sum(1).grad_fn.name() == "SumBackward1"
    assert x.mean(0).grad_fn.name() == "MeanBackward1"
    assert repr(F.gelu(x).grad_fn) == "<GeluBackward0>"
    assert (1 - x).grad_fn.name() == "RsubBackward1"
    assert x.t().grad_fn.name() == "TBackward0"
    assert x.unsqueeze(1).grad_fn.name() == "UnsqueezeBackward0"
    assert F.layer_norm(x, (4,)).grad_fn.name() == "NativeLayerNormBackward0"
    assert F.linear(x, mg.ones(2, 4)).grad_fn.name() == "MmBackward0"
    assert F.linear(x, mg.ones(2, 4), mg.ones(2)).grad_fn.name() == "AddmmBackward0"
    assert x.std().grad_fn.name() == "StdBackward0"
    assert F.binary_cross_entropy_with_logits(x, mg.ones(3, 4)).grad_fn.name() == (
        "BinaryCrossEntropyWithLogitsBackward0"
    )


def test_a_label_names_the_node_only_the_op_stays_what_it_is() -> None:
    """Drawings, explain, the compiler and the ONNX export read the op, not PyTorch's name."""
    x = mg.randn(3, 4, requires_grad=True)
    node = mg.nn.functional.silu(x).grad_fn
    assert node.name() == "SiluBackward0"
    assert node.op_name == "Mul" and type(node).__name__ == "Mul"
    assert "label" not in node.attributes()
    names = [n.name() for n in iter_graph([mg.nn.functional.silu(x)]) if hasattr(n, "edges")]
    assert names[0] == "SiluBackward0" and "SigmoidBackward0" in names  # inner nodes: theirs


def test_the_name_stays_after_backward() -> None:
    x = mg.randn(3, 4, requires_grad=True)
    y = x.unsqueeze(0).squeeze(0)
    node = y.grad_fn
    y.sum().backward()
    assert node.name() == "SqueezeBackward1"


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.squeeze(),  # no dimension of size 1: x itself or a view of it
        lambda x: x.reshape(3, 4).clone(),
        lambda x: mg.stack([x]),
        lambda x: x.repeat(1, 1),
        lambda x: x.to(x.dtype),
    ],
)
def test_a_composition_never_renames_a_node_it_did_not_make(call: Any) -> None:
    """A function that hands back its input (or a node made before it) leaves that node's
    name as it was."""
    x = mg.randn(3, 4, requires_grad=True) * 2
    before = x.grad_fn.name()
    call(x)
    assert x.grad_fn.name() == before == "MulBackward0"


def test_no_names_under_no_grad() -> None:
    x = mg.randn(3, 4, requires_grad=True)
    with mg.no_grad():
        assert mg.nn.functional.gelu(x).grad_fn is None
        assert x.std().grad_fn is None


def test_a_drawing_shows_the_op_and_the_function_it_ends() -> None:
    from minigrad.viz import draw_graph, trace

    x = mg.randn(3, 4, requires_grad=True)
    out = mg.nn.functional.gelu(x).sum(1)
    ops = trace(out).ops
    assert [(n.op, n.label) for n in ops[-2:]] == [("Mul", "GeluBackward0"), ("Sum", None)]
    assert '<B>Mul</B><BR/><FONT POINT-SIZE="9"><I>GeluBackward0</I>' in draw_graph(out).source


def test_explain_shows_the_op_and_the_function_it_ends() -> None:
    x = mg.randn(3, 4, requires_grad=True)
    from minigrad.explain import explain_backward

    text = explain_backward(mg.nn.functional.silu(x).sum()).table()
    assert "Mul [SiluBackward0]" in text and "Sigmoid " in text
