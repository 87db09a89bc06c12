# Holds text from PyTorch's tutorial "Text classification with the torchtext library"
# (beginner_source/text_sentiment_ngrams_tutorial.py): TextClassificationModel, collate_batch,
# train and predict. Licence (BSD 3-Clause): tests/THIRD_PARTY_NOTICES.md.
"""F.embedding_bag and nn.EmbeddingBag: values and gradients against PyTorch (float64, every
mode, with and without offsets, padding_idx, include_last_offset, empty bags, per-sample
weights), finite differences at first and second order, misuse refused in PyTorch's words
before anything changes, the module's surface, and PyTorch's text-classification tutorial
trained from the same start under both libraries."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_pytorch_compat import run

import minigrad as mg
from minigrad import nn
from minigrad.autograd import gradcheck, gradgradcheck
from minigrad.nn import functional as F

N, D = 7, 3


def _rng(salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(8642 + salt)


# Layouts: (input, offsets, include_last_offset). Bags of several sizes, repeated rows, empty
# bags (two equal offsets, a trailing empty bag), one bag, 2-D fixed-length bags.
LAYOUTS: dict[str, tuple[list[Any], list[int] | None, bool]] = {
    "offsets": ([1, 2, 4, 5, 4, 3, 2, 6, 0], [0, 2, 6], False),
    "empty_bags": ([3, 3, 1, 0, 5, 2], [0, 0, 3, 3, 6], False),
    "one_bag": ([4, 1, 4, 2], [0], False),
    "last_offset": ([1, 2, 4, 5, 4, 3, 2], [0, 3, 3, 7], True),
    "no_indices": ([], [0, 0], False),
    "two_d": ([[1, 2, 4], [5, 4, 3], [6, 6, 0]], None, False),
}


def _call(lib: Any, layout: str, weight: Any, **kw: Any) -> Any:
    idx, offsets, last = LAYOUTS[layout]
    fn = lib.nn.functional.embedding_bag
    off = None if offsets is None else lib.tensor(offsets, dtype=lib.int64)
    return fn(lib.tensor(idx, dtype=lib.int64), weight, off, include_last_offset=last, **kw)


def _psw_shape(layout: str) -> tuple[int, ...]:
    return np.asarray(LAYOUTS[layout][0]).shape


@pytest.mark.parametrize("padding_idx", [None, 4, -1])
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("mode", ["sum", "mean", "max", "sum_weighted"])
def test_values_and_gradients_equal_torch(mode: str, layout: str, padding_idx: int | None) -> None:
    torch = pytest.importorskip("torch")
    rng = _rng()
    w = rng.standard_normal((N, D))
    psw = rng.standard_normal(_psw_shape(layout)) if mode == "sum_weighted" else None
    kw = {"mode": mode.replace("_weighted", ""), "padding_idx": padding_idx}
    outs, grads = [], []
    for lib in (mg, torch):
        weight = lib.tensor(w, requires_grad=True)
        p = None if psw is None else lib.tensor(psw, requires_grad=True)
        out = _call(lib, layout, weight, per_sample_weights=p, **kw)
        g = _rng(1).standard_normal(tuple(out.shape))
        out.backward(lib.tensor(g))
        outs.append(out.detach().numpy())
        grads.append([weight.grad.numpy()] + ([] if p is None else [p.grad.numpy()]))
    assert outs[0].shape == outs[1].shape == (3 if layout != "one_bag" else 1, D) or layout in (
        "empty_bags",
        "no_indices",
    )
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-13, atol=1e-15)
    for ours, theirs in zip(*grads, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-15)


def test_the_node_is_named_as_torch_and_float32_stays_float32() -> None:
    w = mg.randn(N, D, requires_grad=True)
    out = F.embedding_bag(mg.tensor([1, 2]), w, mg.tensor([0]))
    assert out.grad_fn.name() == "EmbeddingBagBackward0" and out.dtype == mg.float32


def test_empty_bags_are_zeros_and_padding_leaves_the_mean() -> None:
    w = mg.tensor(np.arange(N * D, dtype=np.float64).reshape(N, D))
    out = F.embedding_bag(mg.tensor([0, 2, 0, 0]), w, mg.tensor([0, 2, 2]), padding_idx=0)
    np.testing.assert_array_equal(out.numpy(), [w.numpy()[2], np.zeros(D), np.zeros(D)])
    for mode in ("sum", "max"):
        out = F.embedding_bag(mg.tensor([5, 5]), w, mg.tensor([0, 0, 2]), mode=mode)
        np.testing.assert_array_equal(out.numpy()[[0, 2]], np.zeros((2, D)))
        np.testing.assert_array_equal(out.numpy()[1], w.numpy()[5] * (2 if mode == "sum" else 1))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_no_bags_give_an_empty_output_in_the_graph(mode: str) -> None:
    """(0, embedding_dim), as torch for a (0, N) input; torch 2.13 crashes on empty offsets,
    and on include_last_offset with one offset."""
    w = mg.randn(N, D, requires_grad=True)
    i64 = mg.int64
    outs = [
        F.embedding_bag(mg.zeros(0, 3, dtype=i64), w, mode=mode),
        F.embedding_bag(mg.tensor([1, 2]), w, mg.tensor([], dtype=i64), mode=mode),
        F.embedding_bag(
            mg.tensor([], dtype=i64), w, mg.tensor([0]), include_last_offset=True, mode=mode
        ),
    ]
    for out in outs:
        assert out.shape == (0, D) and out.grad_fn.name() == "EmbeddingBagBackward0"
    sum(o.sum() for o in outs).backward()
    np.testing.assert_array_equal(w.grad.numpy(), 0.0)


def test_max_picks_the_first_of_ties_and_a_leading_nan_as_torch() -> None:
    torch = pytest.importorskip("torch")
    w = np.array([[1.0, 5.0], [np.nan, 2.0], [3.0, 5.0], [3.0, -np.inf], [np.inf, np.nan]])
    for idx in ([0, 1, 2], [1, 0, 2], [2, 3, 0], [3, 2], [4, 1, 0], [0, 4]):
        res = []
        for lib in (mg, torch):
            weight = lib.tensor(w, requires_grad=True)
            out = lib.nn.functional.embedding_bag(
                lib.tensor(idx), weight, lib.tensor([0]), mode="max"
            )
            out.sum().backward()
            res.append((out.detach().numpy(), weight.grad.numpy()))
        np.testing.assert_array_equal(res[0][0], res[1][0])
        np.testing.assert_array_equal(res[0][1], res[1][1])


# ---------------------------------------------------------------------------------------------
# Finite differences (float64), first and second order


@pytest.mark.parametrize("layout", ["offsets", "empty_bags", "last_offset", "two_d"])
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_gradcheck_and_gradgradcheck(mode: str, layout: str) -> None:
    rng = _rng(2)
    weight = mg.tensor(rng.standard_normal((N, D)), requires_grad=True)  # no ties for max
    inputs = [weight]
    if mode == "sum":
        inputs.append(mg.tensor(rng.standard_normal(_psw_shape(layout)), requires_grad=True))

    def fn(w: mg.Tensor, p: mg.Tensor | None = None) -> mg.Tensor:
        out = _call(mg, layout, w, mode=mode, per_sample_weights=p, padding_idx=4)
        return out * out  # not linear in the weight: second order is not all zeros

    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


def test_scale_grad_by_freq_divides_each_row_by_its_count() -> None:
    """PyTorch's documented rule, as torch's F.embedding computes it: each use of row r gets
    its bag's gradient over r's count in input. (PyTorch 2.13's CPU embedding_bag kernel
    divides a row seen once that sorts after a repeated one by the repeated one's count,
    pytorch/pytorch#190063; the oracle here is torch's own embedding, summed per bag.)"""
    torch = pytest.importorskip("torch")
    idx, offsets = [1, 1, 3, 0, 1, 5, 5, 2], [0, 3, 3, 6]
    bag = np.repeat(np.arange(4), np.diff([*offsets, len(idx)]))
    w = _rng(3).standard_normal((N, D))
    g = _rng(4).standard_normal((4, D))
    for mode in ("sum", "mean"):
        for pad in (None, 5):
            weight = mg.tensor(w, requires_grad=True)
            out = F.embedding_bag(
                mg.tensor(idx), weight, mg.tensor(offsets), mode=mode, padding_idx=pad,
                scale_grad_by_freq=True,
            )  # fmt: skip
            out.backward(mg.tensor(g))
            tw = torch.tensor(w, requires_grad=True)
            rows = torch.nn.functional.embedding(
                torch.tensor(idx), tw, padding_idx=pad, scale_grad_by_freq=True
            )
            kept = torch.tensor([i != pad for i in idx], dtype=torch.float64)
            size = torch.zeros(4, dtype=torch.float64).index_add(0, torch.tensor(bag), kept)
            per = kept / size.clamp(min=1)[bag] if mode == "mean" else kept
            want = torch.zeros(4, D, dtype=torch.float64).index_add(
                0, torch.tensor(bag), rows * per[:, None]
            )
            want.backward(torch.tensor(g))
            np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-13)
            np.testing.assert_allclose(weight.grad.numpy(), tw.grad.numpy(), rtol=1e-13)


def test_scale_grad_by_freq_equals_torch_where_its_kernel_is_right() -> None:
    torch = pytest.importorskip("torch")
    w = _rng(5).standard_normal((N, D))
    grads = []
    for lib in (mg, torch):
        weight = lib.tensor(w, requires_grad=True)
        out = lib.nn.functional.embedding_bag(
            lib.tensor([2, 2, 4, 4, 2, 4]), weight, lib.tensor([0, 3]), mode="mean",
            scale_grad_by_freq=True,
        )  # fmt: skip
        out.backward(lib.tensor(_rng(6).standard_normal((2, D))))
        grads.append(weight.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-13, atol=1e-15)


def test_max_norm_renormalises_the_rows_used_as_torch() -> None:
    torch = pytest.importorskip("torch")
    w = 2 * _rng(7).standard_normal((N, D))
    res = []
    for lib in (mg, torch):
        weight = lib.tensor(w.copy())
        out = lib.nn.functional.embedding_bag(
            lib.tensor([1, 2, 2, 6]), weight, lib.tensor([0, 1]), max_norm=1.0, norm_type=1.5
        )
        res.append((out.numpy(), weight.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-13)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-13)
    assert not np.allclose(res[0][1], w)  # some rows did change


def test_int32_and_promoted_indices_as_torch() -> None:
    w = mg.tensor(np.arange(N * D, dtype=np.float64).reshape(N, D))
    want = F.embedding_bag(mg.tensor([3, 2]), w, mg.tensor([0, 1])).numpy()
    for idx, off in (
        (np.array([3, 2], np.int32), np.array([0, 1], np.int32)),
        (np.array([3, 2], np.int32), np.array([0, 1])),
        (np.array([3, 2], np.uint8), np.array([0, 1])),  # promoted with int64 offsets
    ):
        out = F.embedding_bag(mg.tensor(idx), w, mg.tensor(off))
        np.testing.assert_array_equal(out.numpy(), want)


# ---------------------------------------------------------------------------------------------
# Misuse: PyTorch's exception and words, then minigrad's advice; nothing changed before


def _misuse(lib: Any, w: Any, **extra: Any) -> dict[str, Any]:
    """Each misuse, as a call on the table ``w`` (with ``extra`` keywords, e.g. a max_norm
    that would change ``w`` if the check came after it)."""

    def f(*args: Any, **kw: Any) -> Any:
        return lib.nn.functional.embedding_bag(*args, **extra, **kw)

    t, i64, f64 = lib.tensor, lib.int64, lib.float64
    i, o = t([1, 2, 4, 5, 4, 3], dtype=i64), t([0, 2], dtype=i64)
    ones = lib.ones(6, dtype=f64)
    return {
        "offsets_with_2d": lambda: f(i.reshape(2, 3), w, o),
        "first_offset": lambda: f(i, w, t([1, 2])),
        "offset_past_input": lambda: f(i, w, t([0, 7])),
        "offset_past_input_last": lambda: f(i, w, t([0, 2, 7]), include_last_offset=True),
        "no_last_offset": lambda: f(i, w, t([], dtype=i64), include_last_offset=True),
        "index_too_big": lambda: f(t([1, 10]), w, t([0])),
        "index_negative": lambda: f(t([1, -1]), w, t([0])),
        "index_too_big_max": lambda: f(t([1, 10]), w, t([0]), mode="max"),
        "index_float32_table": lambda: f(t([1, 10]), w.float(), t([0]), mode="sum"),
        "float_input": lambda: f(t([1.0, 2.0], dtype=f64), w, t([0])),
        "float_offsets": lambda: f(i, w, t([0.0, 2.0], dtype=f64)),
        "int16_input": lambda: f(i.short(), w, o.short()),
        "bool_2d": lambda: f(t([[True, False]]), w),
        "empty_2d": lambda: f(lib.zeros(2, 0, dtype=i64), w),
        "psw_shape": lambda: f(i, w, o, mode="sum", per_sample_weights=lib.ones(5, dtype=f64)),
        "psw_mean": lambda: f(i, w, o, per_sample_weights=ones),
        "psw_max": lambda: f(i, w, o, mode="max", per_sample_weights=ones),
        "psw_dtype": lambda: f(i, w, o, mode="sum", per_sample_weights=ones.float()),
        "mode": lambda: f(i, w, o, mode="min"),
        "max_scale_grad": lambda: f(i, w, o, mode="max", scale_grad_by_freq=True),
        "max_sparse": lambda: f(i, w, o, mode="max", sparse=True),
        "weight_1d": lambda: f(i, w[0], o),
        "weight_int": lambda: f(i, w.long(), o),
        "input_3d": lambda: f(i.reshape(1, 2, 3), w),
        "input_0d": lambda: f(i[0], w, o),
        "offsets_none": lambda: f(i, w),
        "offsets_2d": lambda: f(i, w, o.reshape(1, 2)),
        "padding_idx": lambda: f(i, w, o, padding_idx=10),
        "padding_idx_negative": lambda: f(i, w, o, padding_idx=-11),
    }


@pytest.mark.parametrize("case", list(_misuse(mg, None)))
def test_misuse_raises_torchs_error_before_anything_changes(case: str) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as theirs:
        _misuse(torch, torch.ones(10, 3, dtype=torch.float64))[case]()
    w = mg.tensor(np.full((10, 3), 5.0))
    with pytest.raises(type(theirs.value)) as ours:
        _misuse(mg, w, max_norm=1.0)[case]()
    message = str(ours.value).replace("minigrad.tensor.Tensor", "torch.Tensor")
    words = str(theirs.value).split("\n")[0]
    assert message.startswith(words), (message, words)
    assert message[len(words) :].startswith(" (embedding_bag(): ")  # then the advice
    np.testing.assert_array_equal(w.numpy(), 5.0)  # max_norm did not run


@pytest.mark.parametrize(
    ("offsets", "last", "words"),
    [
        ([0, 4, 2], False, r"offsets must not decrease, but offsets\[2\] = 2"),
        ([0, 2, 5], True, r"offsets\[-1\] is the end of the last bag and must be input's length"),
    ],
)
def test_offsets_torch_does_not_check_are_refused(
    offsets: list[int], last: bool, words: str
) -> None:
    w = mg.tensor(np.full((10, 3), 5.0))
    with pytest.raises(RuntimeError, match=words):
        F.embedding_bag(
            mg.tensor([1, 2, 3, 4, 5, 6]), w, mg.tensor(offsets), include_last_offset=last,
            max_norm=1.0,
        )  # fmt: skip
    np.testing.assert_array_equal(w.numpy(), 5.0)


def test_sparse_is_refused_as_embeddings() -> None:
    with pytest.raises(NotImplementedError, match="minigrad has no sparse gradients"):
        F.embedding_bag(mg.tensor([1]), mg.ones(3, 2), mg.tensor([0]), sparse=True)
    with pytest.raises(NotImplementedError, match="sparse is not supported"):
        nn.EmbeddingBag(3, 2, sparse=True)


def test_the_old_argument_order_warns_and_works_as_torch() -> None:
    w = mg.tensor(np.arange(6.0).reshape(3, 2))
    with pytest.warns(UserWarning, match="Argument order of nn.functional.embedding_bag"):
        out = F.embedding_bag(w, mg.tensor([2, 1]), mg.tensor([0]))
    np.testing.assert_array_equal(out.numpy(), [[3.0, 4.0]])


# ---------------------------------------------------------------------------------------------
# The module


def test_repr_and_init_as_torch() -> None:
    torch = pytest.importorskip("torch")
    for kw in (
        {},
        {"mode": "sum", "padding_idx": -1},
        {"max_norm": 1, "norm_type": 1.0, "scale_grad_by_freq": True, "mode": "max"},
    ):
        assert repr(nn.EmbeddingBag(10, 3, **kw)) == repr(torch.nn.EmbeddingBag(10, 3, **kw))
    bag = nn.EmbeddingBag(2000, 50, padding_idx=3, generator=0)
    w = bag.weight.detach().numpy()
    assert bag.weight.dtype == mg.float32 and np.all(w[3] == 0)
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01  # N(0, 1)
    assert list(bag.state_dict()) == ["weight"]


def test_module_arguments_refused_as_torch() -> None:
    torch = pytest.importorskip("torch")
    for make in (
        lambda lib: lib.nn.EmbeddingBag(10, 3, padding_idx=10),
        lambda lib: lib.nn.EmbeddingBag(10, 3, padding_idx=-11),
        lambda lib: lib.nn.EmbeddingBag(10, 3, _weight=lib.zeros(3, 3)),
        lambda lib: lib.nn.EmbeddingBag.from_pretrained(lib.zeros(3)),
    ):
        with pytest.raises(AssertionError) as theirs:
            make(torch)
        with pytest.raises(AssertionError) as ours:
            make(mg)
        assert str(ours.value).startswith(str(theirs.value) + " (")


def test_from_pretrained_shares_the_table_and_freezes_it() -> None:
    table = mg.tensor([[1, 2.3, 3], [4, 5.1, 6.3]])
    bag = nn.EmbeddingBag.from_pretrained(table)
    np.testing.assert_allclose(bag(mg.tensor([[1, 0]])).numpy(), [[2.5, 3.7, 4.65]], rtol=1e-6)
    assert not bag.weight.requires_grad
    assert np.shares_memory(bag.weight.detach().numpy(), table.numpy())
    trained = nn.EmbeddingBag.from_pretrained(table, freeze=False, mode="max")
    assert trained.weight.requires_grad and trained.mode == "max"


def test_module_forward_equals_the_function() -> None:
    bag = nn.EmbeddingBag(N, D, mode="sum", padding_idx=0, include_last_offset=True, generator=1)
    idx, off, psw = mg.tensor([1, 0, 3, 3]), mg.tensor([0, 1, 4]), mg.randn(4)
    want = F.embedding_bag(
        idx, bag.weight, off, mode="sum", padding_idx=0, include_last_offset=True,
        per_sample_weights=psw,
    )  # fmt: skip
    np.testing.assert_array_equal(bag(idx, off, psw).detach().numpy(), want.detach().numpy())


# ---------------------------------------------------------------------------------------------
# PyTorch's tutorial "Text classification with the torchtext library": the model, the batches
# and the training loop as written; torchtext's AG_NEWS (`train_iter`, given), tokenizer and
# vocabulary are a few labelled sentences, str.split and a dict, and the model's initial
# weights are given (`start`), the same in both libraries, after its init_weights ran. A list
# of the losses is added.

NEWS = [
    (1, "the home team won the match in extra time"),
    (2, "stocks fell on wall street as oil rose"),
    (3, "a new chip makes phones and computers faster"),
    (4, "voters went to the polls in the election"),
    (1, "the striker scored twice and the team won"),
    (2, "the bank raised rates and stocks fell"),
    (3, "the phone maker showed a faster new chip"),
    (4, "the election results were announced by the minister"),
]

TEXT_CLASSIFICATION = """
import torch
from torch import nn
from torch.utils.data import DataLoader

tokenizer = str.split
vocab = {w: i for i, w in enumerate(sorted({w for _, t in train_iter for w in tokenizer(t)}))}
text_pipeline = lambda x: [vocab[w] for w in tokenizer(x) if w in vocab]
label_pipeline = lambda x: int(x) - 1
device = torch.device("cpu")


def collate_batch(batch):
    label_list, text_list, offsets = [], [], [0]
    for _label, _text in batch:
        label_list.append(label_pipeline(_label))
        processed_text = torch.tensor(text_pipeline(_text), dtype=torch.int64)
        text_list.append(processed_text)
        offsets.append(processed_text.size(0))
    label_list = torch.tensor(label_list, dtype=torch.int64)
    offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
    text_list = torch.cat(text_list)
    return label_list.to(device), text_list.to(device), offsets.to(device)


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super(TextClassificationModel, self).__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        embedded = self.embedding(text, offsets)
        return self.fc(embedded)


num_class = len(set([label for (label, text) in train_iter]))
vocab_size = len(vocab)
emsize = 16
model = TextClassificationModel(vocab_size, emsize, num_class).to(device)
model.embedding.weight.data.copy_(torch.tensor(start["embedding"]))
model.fc.weight.data.copy_(torch.tensor(start["fc"]))

EPOCHS = 6
LR = 5
BATCH_SIZE = 4
losses = []


def train(dataloader):
    model.train()
    total_acc, total_count = 0, 0
    for idx, (label, text, offsets) in enumerate(dataloader):
        optimizer.zero_grad()
        predicted_label = model(text, offsets)
        loss = criterion(predicted_label, label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        total_acc += (predicted_label.argmax(1) == label).sum().item()
        total_count += label.size(0)
        losses.append(loss.item())


def evaluate(dataloader):
    model.eval()
    total_acc, total_count = 0, 0
    with torch.no_grad():
        for idx, (label, text, offsets) in enumerate(dataloader):
            predicted_label = model(text, offsets)
            loss = criterion(predicted_label, label)
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
    return total_acc / total_count


criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=LR)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
total_accu = None
train_dataloader = DataLoader(train_iter, batch_size=BATCH_SIZE, shuffle=False,
                              collate_fn=collate_batch)
valid_dataloader = DataLoader(train_iter, batch_size=BATCH_SIZE, shuffle=False,
                              collate_fn=collate_batch)
for epoch in range(1, EPOCHS + 1):
    train(train_dataloader)
    accu_val = evaluate(valid_dataloader)
    if total_accu is not None and total_accu > accu_val:
        scheduler.step()
    else:
        total_accu = accu_val

ag_news_label = {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tec"}


def predict(text, text_pipeline):
    with torch.no_grad():
        text = torch.tensor(text_pipeline(text))
        output = model(text, torch.tensor([0]))
        return output.argmax(1).item() + 1


prediction = ag_news_label[predict("the team won the match", text_pipeline)]
final = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
"""


def test_text_classification_tutorial_trains_as_torch() -> None:
    vocab = len({w for _, text in NEWS for w in text.split()})
    rng = _rng(9)
    start = {
        "embedding": rng.uniform(-0.5, 0.5, (vocab, 16)).astype(np.float32),
        "fc": rng.uniform(-0.5, 0.5, (4, 16)).astype(np.float32),
    }
    ours = run(TEXT_CLASSIFICATION, "minigrad", start=start, train_iter=NEWS)
    assert len(ours["losses"]) == 12 and ours["losses"][-1] < ours["losses"][0]
    assert isinstance(ours["model"].embedding, nn.EmbeddingBag)
    pytest.importorskip("torch")
    theirs = run(TEXT_CLASSIFICATION, "torch", start=start, train_iter=NEWS)
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-5)
    assert ours["prediction"] == theirs["prediction"]
    for name, value in theirs["final"].items():
        np.testing.assert_allclose(ours["final"][name], value, rtol=1e-4, atol=1e-6)
