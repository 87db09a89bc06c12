# Holds text from pytorch/tutorials: intermediate_source/tensorboard_tutorial.py. The file and
# its licence (BSD 3-Clause): tests/THIRD_PARTY_NOTICES.md.
"""``minigrad.utils.tensorboard.SummaryWriter`` as PyTorch's: the event files it writes are read
back here (TFRecord framing checked by its CRCs, then tensorboardX's ``Event`` records) and each
entry's tag, step and value checked; misuse raises before anything is written; PyTorch's
tutorial "Visualizing Models, Data, and Training with TensorBoard" runs with only the import
changed. When ``torch.utils.tensorboard`` can be imported (it needs the ``tensorboard``
package), scalars and histograms are compared with PyTorch's writer."""

from __future__ import annotations

import glob
import io
import os
import re
import socket
import struct
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

pytest.importorskip("tensorboardX", reason="needs the optional extra: pip install tensorboardX")

import minigrad as mg
from minigrad import nn
from minigrad.utils.tensorboard import SummaryWriter

# ---------------------------------------------------------------------------------------------
# Reading event files back: TFRecord framing (length, its masked CRC-32C, data, its masked
# CRC-32C), each record an Event protocol buffer.


def _crc32c_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def _masked_crc(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    crc ^= 0xFFFFFFFF
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_records(path: str) -> list[bytes]:
    """The records of one TFRecord file, each checked against its two CRCs."""
    records = []
    with open(path, "rb") as f:
        data = f.read()
    at = 0
    while at < len(data):
        header = data[at : at + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[at + 8 : at + 12])
        assert header_crc == _masked_crc(header), f"{path}: bad length CRC at {at}"
        body = data[at + 12 : at + 12 + length]
        (body_crc,) = struct.unpack("<I", data[at + 12 + length : at + 16 + length])
        assert body_crc == _masked_crc(body), f"{path}: bad data CRC at {at}"
        records.append(body)
        at += 16 + length
    return records


def events(log_dir: str | Path) -> list[Any]:
    """Every Event of the event files directly in ``log_dir``, file by file (by name)."""
    from tensorboardX.proto import event_pb2

    def in_order(path: str) -> list[Any]:  # (file numbers 9 before 10)
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path)]

    found = []
    paths = glob.glob(os.path.join(str(log_dir), "events.out.tfevents.*"))
    for path in sorted(paths, key=in_order):
        for record in read_records(path):
            event = event_pb2.Event()
            event.ParseFromString(record)
            found.append(event)
    return found


def values(log_dir: str | Path) -> list[tuple[int, Any]]:
    """(step, Summary.Value) of every summary entry in ``log_dir``."""
    return [(e.step, v) for e in events(log_dir) if e.HasField("summary") for v in e.summary.value]


def scalars(log_dir: str | Path) -> dict[str, list[tuple[int, float]]]:
    found: dict[str, list[tuple[int, float]]] = {}
    for step, v in values(log_dir):
        if v.WhichOneof("value") == "simple_value":
            found.setdefault(v.tag, []).append((step, v.simple_value))
    return found


def only(log_dir: str | Path, tag: str) -> Any:
    (value,) = [v for _, v in values(log_dir) if v.tag == tag]
    return value


def png(value: Any) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(value.image.encoded_image_string)))


def f32(x: float) -> float:
    return float(np.float32(x))


# ---------------------------------------------------------------------------------------------
# The writer and its files


def test_the_event_file_starts_with_tensorboards_version_record(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path / "run")
    assert w.get_logdir() == tmp_path / "run" and os.path.isdir(tmp_path / "run")
    w.close()
    (first,) = events(tmp_path / "run")
    assert first.file_version == "brain.Event:2"


def test_default_log_dir_is_pytorchs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with SummaryWriter(comment="_lr0.1") as w:
        logdir = w.get_logdir()
    pattern = rf"runs{re.escape(os.sep)}[A-Z][a-z]{{2}}\d\d_\d\d-\d\d-\d\d_"
    assert re.fullmatch(pattern + re.escape(socket.gethostname() + "_lr0.1"), str(logdir))
    assert os.path.isdir(tmp_path / logdir)


def test_scalars_from_tensors_arrays_and_numbers(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path)
    loss = (mg.tensor([1.5, 2.5], requires_grad=True) * 2).mean()  # requires grad: detached
    w.add_scalar("training loss", loss, 0)
    w.add_scalar("training loss", np.array([[0.25]]), mg.tensor(1))  # one element, any shape
    w.add_scalar("training loss", 3, 2)
    w.add_scalar("acc", np.float32(0.75), 7, walltime=123.0)
    w.close()
    found = scalars(tmp_path)
    assert found == {"training loss": [(0, 4.0), (1, 0.25), (2, 3.0)], "acc": [(7, 0.75)]}
    assert [e.wall_time for e in events(tmp_path) if e.step == 7] == [123.0]
    assert loss.requires_grad and loss.grad_fn is not None  # the tensor itself is untouched


def test_new_style_scalars_are_tensor_records(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("a", 0.1, 0, new_style=True)
        w.add_scalar("b", 0.1, 0, new_style=True, double_precision=True)
    a, b = only(tmp_path, "a"), only(tmp_path, "b")
    assert a.metadata.plugin_data.plugin_name == "scalars"
    assert list(a.tensor.float_val) == [f32(0.1)] and list(b.tensor.double_val) == [0.1]


def test_add_scalars_writes_a_run_per_tag_as_pytorch(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        for step in range(3):
            w.add_scalars("loss/all", {"train": step * 1.0, "val": mg.tensor(step + 0.5)}, step)
    assert sorted(os.listdir(tmp_path))[-2:] == ["loss_all_train", "loss_all_val"]
    assert scalars(tmp_path / "loss_all_train") == {"loss/all": [(0, 0.0), (1, 1.0), (2, 2.0)]}
    assert scalars(tmp_path / "loss_all_val") == {"loss/all": [(0, 0.5), (1, 1.5), (2, 2.5)]}
    assert scalars(tmp_path) == {}


def test_histogram_buckets_counts_and_statistics(tmp_path: Path) -> None:
    x = np.array([0.5, 1.5, 1.5, 3.5])
    w = SummaryWriter(tmp_path)
    w.add_histogram("given bins", mg.tensor(x, requires_grad=True), 0, bins=[0, 1, 2, 3, 4])
    rng = np.random.default_rng(0)
    y = rng.standard_normal((50, 4))
    w.add_histogram("default bins", y, 1)
    w.add_histogram("numpy bins", y, 2, bins="auto", max_bins=5)
    w.close()
    h = only(tmp_path, "given bins").histo
    # TensorBoard keeps each bucket's right limit; an empty bucket first keeps the left one
    assert list(h.bucket_limit) == [0, 1, 2, 3, 4] and list(h.bucket) == [0, 1, 2, 0, 1]
    assert (h.min, h.max, h.num, h.sum, h.sum_squares) == (0.5, 3.5, 4, 7.0, 17.0)
    d = only(tmp_path, "default bins").histo
    assert d.num == 200 and sum(d.bucket) == 200
    assert d.min == y.min() and d.max == y.max() and np.isclose(d.sum, y.sum())
    assert np.isclose(d.sum_squares, (y**2).sum())
    limits = np.array(d.bucket_limit)
    assert np.all(np.diff(limits) > 0) and limits[0] <= y.min() and limits[-1] >= y.max()
    defaults = SummaryWriter.__new__(SummaryWriter)
    defaults.__init__(tmp_path / "other")  # the same buckets as default_bins
    assert set(d.bucket_limit) <= {float(b) for b in defaults.default_bins}
    defaults.close()
    counts, edges = np.histogram(y, bins=np.array(d.bucket_limit))
    assert list(d.bucket)[1:] == counts.tolist() and len(d.bucket) == len(edges)
    n = only(tmp_path, "numpy bins").histo
    assert len(n.bucket) <= 6 and sum(n.bucket) == 200


def test_images_in_each_layout(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    chw = rng.random((3, 5, 7))
    w = SummaryWriter(tmp_path)
    w.add_image("chw", mg.tensor(chw, requires_grad=True), 0)
    w.add_image("hwc", chw.transpose(1, 2, 0), 0, dataformats="HWC")
    w.add_image("hw", chw[0], 0, dataformats="HW")
    w.add_image("uint8", (chw * 255).astype(np.uint8), 0)
    w.add_image("clipped", chw * 4 - 2, 0)
    w.add_images("batch", mg.tensor(rng.random((5, 1, 4, 6))), 3)
    w.close()
    expected = np.clip(chw.astype(np.float32) * 255, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    for tag in ("chw", "hwc"):
        value = only(tmp_path, tag)
        assert (value.image.height, value.image.width, value.image.colorspace) == (5, 7, 3)
        np.testing.assert_array_equal(png(value), expected)
    np.testing.assert_array_equal(png(only(tmp_path, "hw")), np.stack([expected[..., 0]] * 3, 2))
    np.testing.assert_array_equal(png(only(tmp_path, "uint8")), (chw * 255).astype(np.uint8)
                                  .transpose(1, 2, 0))  # fmt: skip
    clipped = png(only(tmp_path, "clipped"))
    assert clipped.min() == 0 and clipped.max() == 255
    batch = only(tmp_path, "batch")  # five grey 4x6 images in one row of a grid
    assert png(batch).shape == (4, 30, 3)
    assert [s for s, v in values(tmp_path) if v.tag == "batch"] == [3]


def test_text(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_text("notes", "**lr** = 0.1", 4)
    value = only(tmp_path, "notes/text_summary")
    assert value.metadata.plugin_data.plugin_name == "text"
    assert list(value.tensor.string_val) == [b"**lr** = 0.1"]


def _hparams_records(run: Path) -> dict[str, Any]:
    from tensorboardX.proto.plugin_hparams_pb2 import HParamsPluginData

    found = {}
    for _, v in values(run):
        if v.metadata.plugin_data.plugin_name == "hparams":
            data = HParamsPluginData()
            data.ParseFromString(v.metadata.plugin_data.content)
            found[v.tag] = data
    return found


def test_hparams_go_to_a_run_of_their_own(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_hparams(
            {"lr": 0.1, "bsize": 4, "opt": "sgd", "nesterov": True, "decay": None,
             "momentum": mg.tensor([0.9])},
            {"hparam/accuracy": mg.tensor(0.75, requires_grad=True), "hparam/loss": 0.5},
            hparam_domain_discrete={"opt": ["sgd", "adam"]},
            run_name="first",
        )  # fmt: skip
    run = tmp_path / "first"
    records = _hparams_records(run)
    assert set(records) == {
        "_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info",
    }  # fmt: skip
    hp = records["_hparams_/session_start_info"].session_start_info.hparams
    assert hp["lr"].number_value == 0.1 and hp["bsize"].number_value == 4
    assert hp["opt"].string_value == "sgd"
    assert hp["nesterov"].number_value == 1  # a bool is an int: PyTorch logs it as a number
    assert hp["momentum"].number_value == f32(0.9) and "decay" not in hp
    experiment = records["_hparams_/experiment"].experiment
    assert [m.name.tag for m in experiment.metric_infos] == ["hparam/accuracy", "hparam/loss"]
    (opt,) = [i for i in experiment.hparam_infos if i.name == "opt"]
    assert [v.string_value for v in opt.domain_discrete.values] == ["sgd", "adam"]
    assert scalars(run) == {"hparam/accuracy": [(0, 0.75)], "hparam/loss": [(0, 0.5)]}


def _pr_expected(labels: np.ndarray, predictions: np.ndarray, thresholds: int) -> np.ndarray:
    """TensorBoard's precision-recall counts, threshold by threshold."""
    bucket = np.floor(predictions * (thresholds - 1)).astype(int)
    tp = np.array([(labels & (bucket >= j)).sum() for j in range(thresholds)], float)
    fp = np.array([(~labels & (bucket >= j)).sum() for j in range(thresholds)], float)
    tn, fn = fp[0] - fp, tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    return np.stack([tp, fp, tn, fn, precision, recall])


def test_pr_curve(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    labels = rng.random(40) < 0.4
    predictions = rng.random(40)
    with SummaryWriter(tmp_path) as w:
        w.add_pr_curve("cat", mg.tensor(labels), mg.tensor(predictions, requires_grad=True), 1)
        w.add_pr_curve("many", labels, predictions, 2, num_thresholds=500)
    value = only(tmp_path, "cat")
    assert value.metadata.plugin_data.plugin_name == "pr_curves"
    shape = [d.size for d in value.tensor.tensor_shape.dim]
    assert shape == [6, 127]
    got = np.array(value.tensor.float_val).reshape(shape)
    np.testing.assert_allclose(got, _pr_expected(labels, predictions, 127), rtol=1e-6)
    assert [d.size for d in only(tmp_path, "many").tensor.tensor_shape.dim] == [6, 127]


def test_embedding_files(tmp_path: Path) -> None:
    from PIL import Image

    rng = np.random.default_rng(3)
    mat = rng.standard_normal((5, 3))
    with SummaryWriter(tmp_path) as w:
        w.add_embedding(mg.tensor(mat, requires_grad=True), metadata=list("abcde"),
                        label_img=mg.tensor(rng.random((5, 1, 4, 6))))  # fmt: skip
        w.add_embedding(mat, metadata=[["x", 1]] * 5, metadata_header=["name", "n"],
                        global_step=3, tag="b/c")  # fmt: skip
    first, second = tmp_path / "00000" / "default", tmp_path / "00003" / "b%2fc"
    rows = [line.split("\t") for line in (first / "tensors.tsv").read_text().splitlines()]
    np.testing.assert_array_equal(np.array(rows, float), mat)
    assert (first / "metadata.tsv").read_text() == "a\nb\nc\nd\ne\n"
    assert (second / "metadata.tsv").read_text() == "name\tn\n" + "x\t1\n" * 5
    assert Image.open(first / "sprite.png").size == (18, 18)  # 3 columns of 6 pixels, square
    config = (tmp_path / "projector_config.pbtxt").read_text()
    assert config == (
        'embeddings {\n  tensor_name: "default:00000"\n'
        '  tensor_path: "00000/default/tensors.tsv"\n'
        '  metadata_path: "00000/default/metadata.tsv"\n'
        '  sprite {\n    image_path: "00000/default/sprite.png"\n'
        "    single_image_dim: 6\n    single_image_dim: 4\n  }\n}\n"
        'embeddings {\n  tensor_name: "b/c:00003"\n'
        '  tensor_path: "00003/b%2fc/tensors.tsv"\n'
        '  metadata_path: "00003/b%2fc/metadata.tsv"\n}\n'
    )


def test_figure(tmp_path: Path) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2, 1), dpi=50)
    plt.plot([0, 1], [1, 0])
    with SummaryWriter(tmp_path) as w:
        w.add_figure("curve", fig, 5)
        w.add_figure(
            "two", [plt.figure(figsize=(1, 1), dpi=20), plt.figure(figsize=(1, 1), dpi=20)]
        )
    assert png(only(tmp_path, "curve")).shape == (50, 100, 3)
    assert png(only(tmp_path, "two")).shape == (20, 40, 3)
    assert not plt.get_fignums()  # closed (close=True)


def test_context_manager_flush_and_reopening_after_close(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path, flush_secs=3600, max_queue=100) as w:
        w.add_scalar("x", 1.0, 0)
        w.flush()
        assert scalars(tmp_path) == {"x": [(0, 1.0)]}  # on disk before close
    assert w.all_writers is None
    w.close()  # a second close does nothing
    w.add_scalar("x", 2.0, 1)  # a new event file in the same directory, as PyTorch
    w.close()
    names = sorted(Path(p).name for p in glob.glob(str(tmp_path / "events.out.tfevents.*")))
    assert len(names) == 2  # two files, even when opened in the same second: named as PyTorch's
    host = re.escape(socket.gethostname())
    for name in names:
        assert re.fullmatch(rf"events\.out\.tfevents\.\d{{10}}\.{host}\.{os.getpid()}\.\d+", name)
    assert scalars(tmp_path) == {"x": [(0, 1.0), (1, 2.0)]}


def test_purge_step_and_filename_suffix(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path, purge_step=7, filename_suffix=".resumed") as w:
        w.add_scalar("x", 1.0, 7)
    (path,) = glob.glob(str(tmp_path / "events.out.tfevents.*"))
    assert path.endswith(".resumed")
    first = events(tmp_path)[:3]
    assert [e.step for e in first[1:]] == [7, 7] and first[2].session_log.status == 1  # START


# ---------------------------------------------------------------------------------------------
# add_graph


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.norm = nn.BatchNorm1d(3)
        self.register_buffer("shift", mg.ones(3))

    def forward(self, x: Any) -> Any:
        return self.norm(self.fc(x)).relu() + self.shift


class Tagger(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.body = nn.Sequential(Block(), nn.Linear(3, 2))

    def forward(self, tokens: Any, scale: Any) -> Any:
        h = self.embed(tokens).mean(1)
        return self.body(h) * scale, h


def _nodes(graph_def: Any) -> dict[str, Any]:
    return {n.name: n for n in graph_def.node}


def test_add_graph_nodes_scopes_edges_and_shapes(tmp_path: Path) -> None:
    mg.manual_seed(0)
    model = Tagger()
    model.body[0].fc.weight.requires_grad_(False)  # frozen: still drawn
    tokens = mg.tensor(np.array([[1, 2, 3], [4, 5, 6]]))
    scale = mg.tensor(2.0)
    with mg.no_grad(), SummaryWriter(tmp_path) as w:
        w.add_graph(model, (tokens, scale))
    (graph_event,) = [e for e in events(tmp_path) if e.graph_def]
    from tensorboardX.proto.graph_pb2 import GraphDef

    graph_def = GraphDef()
    graph_def.ParseFromString(graph_event.graph_def)
    nodes = _nodes(graph_def)
    block = "Tagger/Sequential[body]/Block[0]"
    inputs = {name: list(n.input) for name, n in nodes.items()}
    assert inputs["input/tokens"] == [] and nodes["input/tokens"].op == "IO Node"
    # the indices are the op's attribute, not one of its tensors: an input without an edge
    embedding = "Tagger/Embedding[embed]/EmbeddingBackward0"
    assert inputs[embedding] == ["Tagger/Embedding[embed]/weight"]
    assert inputs["Tagger/MeanBackward1"] == ["Tagger/Embedding[embed]/EmbeddingBackward0"]
    linear = f"{block}/Linear[fc]/AddmmBackward0"
    assert inputs[linear] == [
        "Tagger/MeanBackward1", f"{block}/Linear[fc]/weight", f"{block}/Linear[fc]/bias",
    ]  # fmt: skip
    assert nodes[f"{block}/Linear[fc]/weight"].op == "Parameter"
    norm = f"{block}/BatchNorm1d[norm]"  # in eval mode: (x - mean) * (1 / std) * weight + bias
    assert inputs[f"{norm}/SubBackward0"] == [linear, f"{norm}/Constant"]
    assert nodes[f"{norm}/Constant"].op == "Constant"
    assert inputs[f"{norm}/MulBackward0_1"] == [f"{norm}/MulBackward0", f"{norm}/weight"]
    assert inputs[f"{block}/ReluBackward0"] == [f"{norm}/AddBackward0"]  # Block.forward's own
    assert inputs[f"{block}/AddBackward0"] == [f"{block}/ReluBackward0", f"{block}/shift"]
    assert nodes[f"{block}/shift"].op == "Buffer"
    assert inputs["Tagger/Sequential[body]/Linear[1]/AddmmBackward0"][0] == f"{block}/AddBackward0"
    assert inputs["Tagger/MulBackward0"][0] == "Tagger/Sequential[body]/Linear[1]/AddmmBackward0"
    assert inputs["output/output.1"] == ["Tagger/MulBackward0"]
    assert inputs["output/output.2"] == ["Tagger/MeanBackward1"]
    # every edge comes from a node of the graph
    assert all(src.split(":")[0] in nodes for srcs in inputs.values() for src in srcs)

    def shape(name: str) -> list[int]:
        (s,) = nodes[name].attr["_output_shapes"].list.shape
        return [d.size for d in s.dim]

    assert shape("input/tokens") == [2, 3] and shape(linear) == [2, 3]
    assert shape("output/output.1") == [2, 2] and shape(f"{block}/Linear[fc]/weight") == [3, 4]
    assert b"Linear" in nodes[linear].attr["attr"].s
    # the model is left as it was: training mode, frozen weight, no gradients
    assert model.training and not model.body[0].fc.weight.requires_grad
    assert all(p.grad is None for p in model.parameters())


def test_add_graph_of_the_same_module_twice_and_an_input_returned(tmp_path: Path) -> None:
    class Twice(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(2, 2)

        def forward(self, x: Any) -> Any:
            return self.lin(self.lin(x)), x

    from minigrad.utils.tensorboard.model_graph import graph

    nodes = _nodes(graph(Twice(), np.ones((1, 2), np.float32)))
    first, second = "Twice/Linear[lin]/AddmmBackward0", "Twice/Linear[lin]/AddmmBackward0_1"
    assert nodes[second].input[0] == first and nodes[first].input[0] == "input/x"
    assert list(nodes["output/output.2"].input) == ["input/x"]


def test_add_graph_of_a_function_with_two_outputs() -> None:
    class Split(mg.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2, x[:, :1] * 3

        @staticmethod
        def backward(ctx: Any, a: Any, b: Any) -> Any:
            return a * 2 + mg.cat([b * 3, mg.zeros_like(b)], 1)

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(2, 2)

        def forward(self, x: Any) -> Any:
            a, b = Split.apply(self.lin(x))
            return a + b

    from minigrad.utils.tensorboard.model_graph import graph

    nodes = _nodes(graph(Model(), mg.ones(3, 2)))
    split = nodes["Model/SplitBackward"]  # one node; its second output is "name:1"
    assert list(split.input) == ["Model/Linear[lin]/AddmmBackward0"]
    shapes = [[d.size for d in s.dim] for s in split.attr["_output_shapes"].list.shape]
    assert shapes == [[3, 2], [3, 1]]
    assert list(nodes["Model/AddBackward0"].input) == [
        "Model/SplitBackward",
        "Model/SplitBackward:1",
    ]


# ---------------------------------------------------------------------------------------------
# Misuse: PyTorch's error, and nothing written


def _nothing_written(log_dir: Path) -> None:
    assert [e.file_version for e in events(log_dir)] == ["brain.Event:2"]
    assert [p.name for p in log_dir.iterdir()] == [
        Path(p).name for p in glob.glob(str(log_dir / "events.out.tfevents.*"))
    ]


MISUSE = {
    "a list is no tensor": (
        lambda w: w.add_scalar("x", [1.0, 2.0]),
        NotImplementedError,
        r"^Got <class 'list'>, but numpy array or tensor are expected\.$",
    ),
    "several values for a scalar": (
        lambda w: w.add_scalar("x", mg.tensor([1.0, 2.0], requires_grad=True)),
        AssertionError,
        r"^Tensor should contain one element \(0 dimensions\)\. Was given size: "
        r"2 and 1 dimensions\.$",
    ),
    "one bad value of several": (
        lambda w: w.add_scalars("x", {"a": 1.0, "b": np.ones(3)}),
        AssertionError,
        r"Was given size: 3",
    ),
    "image of the wrong rank": (
        lambda w: w.add_image("x", np.zeros((4, 4))),
        AssertionError,
        r"^size of input tensor and input format are different\. tensor shape: "
        r"\(4, 4\), input_format: CHW$",
    ),
    "a dimension named twice": (
        lambda w: w.add_image("x", np.zeros((3, 4, 4)), dataformats="CHH"),
        AssertionError,
        r"^You can not use the same dimension shorthand twice\. input_format: CHH",
    ),
    "two channels": (
        lambda w: w.add_image("x", np.zeros((2, 4, 4))),
        AssertionError,
        r"1 \(grey\), 3 \(RGB\) or 4 \(RGBA\) channels, got 2",
    ),
    "empty histogram": (
        lambda w: w.add_histogram("x", np.zeros(0)),
        ValueError,
        r"^The input has no element\.$",
    ),
    "raw histogram lengths": (
        lambda w: w.add_histogram_raw("x", 0, 1, 2, 1, 1, [1, 2], [2]),
        ValueError,
        r"len\(bucket_limits\) != len\(bucket_counts\)",
    ),
    "text that is not a str": (
        lambda w: w.add_text("x", 3),
        TypeError,
        r"text_string must be a str, got int",
    ),
    "hparams not dicts": (
        lambda w: w.add_hparams([("lr", 0.1)], {}),
        TypeError,
        r"^hparam_dict and metric_dict should be dictionary\.$",
    ),
    "an hparam of another type": (
        lambda w: w.add_hparams({"layers": [1, 2]}, {"m": 1.0}),
        ValueError,
        r"^value should be one of int, float, str, bool, or Tensor$",
    ),
    "a metric of several values": (
        lambda w: w.add_hparams({"lr": 0.1}, {"m": np.ones(2)}),
        AssertionError,
        r"size: 2",
    ),
    "a discrete domain of another type": (
        lambda w: w.add_hparams({"lr": 0.1}, {}, hparam_domain_discrete={"lr": ["a"]}),
        TypeError,
        r"hparam_domain_discrete\[lr\] should be a list of same type",
    ),
    "embedding of the wrong rank": (
        lambda w: w.add_embedding(np.zeros(3)),
        AssertionError,
        r"^mat should be 2D, where mat.size\(0\) is the number of data points$",
    ),
    "fewer labels than points": (
        lambda w: w.add_embedding(np.zeros((3, 2)), metadata=["a"]),
        AssertionError,
        r"^#labels should equal with #data points$",
    ),
    "fewer images than points": (
        lambda w: w.add_embedding(np.zeros((3, 2)), label_img=np.zeros((2, 1, 4, 4))),
        AssertionError,
        r"^#images should equal with #data points$",
    ),
    "pr curve of mismatched shapes": (
        lambda w: w.add_pr_curve("x", np.ones(3, bool), np.ones(4)),
        ValueError,
        r"labels \(3,\) and predictions \(4,\) must have the same shape",
    ),
    "graph of a function": (
        lambda w: w.add_graph(lambda x: x * 2, mg.ones(2)),
        TypeError,
        r"model must be an nn.Module",
    ),
    "margin chart of two tags": (
        lambda w: w.add_custom_scalars_marginchart(["a", "b"]),
        AssertionError,
        r"^Expected 3 tags, got 2\.$",
    ),
    "a method minigrad lacks": (
        lambda w: w.add_video("x", np.zeros((1, 2, 3, 4, 4))),
        AttributeError,
        r"does not have PyTorch's add_video; videos need moviepy",
    ),
}


@pytest.mark.parametrize("case", sorted(MISUSE))
def test_misuse_raises_pytorchs_error_before_writing(tmp_path: Path, case: str) -> None:
    call, error, message = MISUSE[case]
    w = SummaryWriter(tmp_path)
    with pytest.raises(error, match=message):
        call(w)
    w.close()
    _nothing_written(tmp_path)


def test_without_tensorboardx_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    with pytest.raises(ImportError, match=r"needs tensorboardX: pip install tensorboardX") as e:
        SummaryWriter(tmp_path / "run")
    assert "[tensorboard]" in str(e.value)
    assert not (tmp_path / "run").exists()


def test_the_module_is_a_real_one_now() -> None:
    import minigrad.utils.tensorboard as tb

    assert mg.utils.tensorboard is tb and tb.SummaryWriter is SummaryWriter
    from minigrad._missing import KNOWN

    assert "torch.utils.tensorboard" not in KNOWN


# ---------------------------------------------------------------------------------------------
# PyTorch's writer, when it can be imported (it needs the tensorboard package)


def test_scalars_and_histograms_equal_pytorchs(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    rng = np.random.default_rng(4)
    data = rng.standard_normal((30, 3))

    def log(writer_class: Any, lib: Any, where: Path) -> None:
        with writer_class(where) as w:
            for step in range(3):
                w.add_scalar("loss", lib.tensor(data[step, 0]), step)
                w.add_histogram("w", lib.tensor(data * step), step)
                w.add_scalars("pair", {"a": step, "b": lib.tensor(float(step) / 3)}, step)

    log(SummaryWriter, mg, tmp_path / "minigrad")
    log(torch_tb.SummaryWriter, torch, tmp_path / "torch")
    for run in ("", "pair_a", "pair_b"):
        ours = [(s, v) for s, v in values(tmp_path / "minigrad" / run)]
        theirs = [(s, v) for s, v in values(tmp_path / "torch" / run)]
        assert ours == theirs and ours


# ---------------------------------------------------------------------------------------------
# intermediate_source/tensorboard_tutorial.py, "Visualizing Models, Data, and Training with
# TensorBoard", as upstream writes it but for: torchvision (FashionMNIST, which downloads,
# transforms and utils.make_grid) given by the test (stand-ins below: 64 training and 32 test
# images of ten synthetic classes), the notebook's `!rm -rf ./runs/` left out (the program runs
# in a fresh directory). The test shortens the logging interval (every 4 batches, not 1000).

TUTORIAL = """
# imports
import matplotlib.pyplot as plt
import numpy as np

import torch
# import torchvision  (given: the stand-ins)
# import torchvision.transforms as transforms  (given: the stand-ins)

import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

# transforms
transform = transforms.Compose(
    [transforms.ToTensor(),
    transforms.Normalize((0.5,), (0.5,))])

# datasets
trainset = torchvision.datasets.FashionMNIST('./data',
    download=True,
    train=True,
    transform=transform)
testset = torchvision.datasets.FashionMNIST('./data',
    download=True,
    train=False,
    transform=transform)

# dataloaders
trainloader = torch.utils.data.DataLoader(trainset, batch_size=4,
                                        shuffle=True, num_workers=2)


testloader = torch.utils.data.DataLoader(testset, batch_size=4,
                                        shuffle=False, num_workers=2)

# constant for classes
classes = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
        'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle Boot')

# helper function to show an image
# (used in the `plot_classes_preds` function below)
def matplotlib_imshow(img, one_channel=False):
    if one_channel:
        img = img.mean(dim=0)
    img = img / 2 + 0.5     # unnormalize
    npimg = img.numpy()
    if one_channel:
        plt.imshow(npimg, cmap="Greys")
    else:
        plt.imshow(np.transpose(npimg, (1, 2, 0)))

class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 4 * 4)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()

criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

from torch.utils.tensorboard import SummaryWriter

# default `log_dir` is "runs" - we'll be more specific here
writer = SummaryWriter('runs/fashion_mnist_experiment_1')

# get some random training images
dataiter = iter(trainloader)
images, labels = next(dataiter)

# create grid of images
img_grid = torchvision.utils.make_grid(images)

# show images
matplotlib_imshow(img_grid, one_channel=True)

# write to tensorboard
writer.add_image('four_fashion_mnist_images', img_grid)

writer.add_graph(net, images)
writer.close()

# helper function
def select_n_random(data, labels, n=100):
    '''
    Selects n random datapoints and their corresponding labels from a dataset
    '''
    assert len(data) == len(labels)

    perm = torch.randperm(len(data))
    return data[perm][:n], labels[perm][:n]

# select random images and their target indices
images, labels = select_n_random(trainset.data, trainset.targets)

# get the class labels for each image
class_labels = [classes[lab] for lab in labels]

# log embeddings
features = images.view(-1, 28 * 28)
writer.add_embedding(features,
                    metadata=class_labels,
                    label_img=images.unsqueeze(1))
writer.close()

# helper functions

def images_to_probs(net, images):
    '''
    Generates predictions and corresponding probabilities from a trained
    network and a list of images
    '''
    output = net(images)
    # convert output probabilities to predicted class
    _, preds_tensor = torch.max(output, 1)
    preds = np.squeeze(preds_tensor.numpy())
    return preds, [F.softmax(el, dim=0)[i].item() for i, el in zip(preds, output)]


def plot_classes_preds(net, images, labels):
    '''
    Generates matplotlib Figure using a trained network, along with images
    and labels from a batch, that shows the network's top prediction along
    with its probability, alongside the actual label, coloring this
    information based on whether the prediction was correct or not.
    Uses the "images_to_probs" function.
    '''
    preds, probs = images_to_probs(net, images)
    # plot the images in the batch, along with predicted and true labels
    fig = plt.figure(figsize=(12, 48))
    for idx in np.arange(4):
        ax = fig.add_subplot(1, 4, idx+1, xticks=[], yticks=[])
        matplotlib_imshow(images[idx], one_channel=True)
        ax.set_title("{0}, {1:.1f}%\\n(label: {2})".format(
            classes[preds[idx]],
            probs[idx] * 100.0,
            classes[labels[idx]]),
                    color=("green" if preds[idx]==labels[idx].item() else "red"))
    return fig

running_loss = 0.0
for epoch in range(1):  # loop over the dataset multiple times

    for i, data in enumerate(trainloader, 0):

        # get the inputs; data is a list of [inputs, labels]
        inputs, labels = data

        # zero the parameter gradients
        optimizer.zero_grad()

        # forward + backward + optimize
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()

        running_loss += loss.item()
        if i % 1000 == 999:    # every 1000 mini-batches...

            # ...log the running loss
            writer.add_scalar('training loss',
                            running_loss / 1000,
                            epoch * len(trainloader) + i)

            # ...log a Matplotlib Figure showing the model's predictions on a
            # random mini-batch
            writer.add_figure('predictions vs. actuals',
                            plot_classes_preds(net, inputs, labels),
                            global_step=epoch * len(trainloader) + i)
            running_loss = 0.0
print('Finished Training')

# 1. gets the probability predictions in a test_size x num_classes Tensor
# 2. gets the preds in a test_size Tensor
# takes ~10 seconds to run
class_probs = []
class_label = []
with torch.no_grad():
    for data in testloader:
        images, labels = data
        output = net(images)
        class_probs_batch = [F.softmax(el, dim=0) for el in output]

        class_probs.append(class_probs_batch)
        class_label.append(labels)

test_probs = torch.cat([torch.stack(batch) for batch in class_probs])
test_label = torch.cat(class_label)

# helper function
def add_pr_curve_tensorboard(class_index, test_probs, test_label, global_step=0):
    '''
    Takes in a "class_index" from 0 to 9 and plots the corresponding
    precision-recall curve
    '''
    tensorboard_truth = test_label == class_index
    tensorboard_probs = test_probs[:, class_index]

    writer.add_pr_curve(classes[class_index],
                        tensorboard_truth,
                        tensorboard_probs,
                        global_step=global_step)
    writer.close()

# plot all the pr curves
for i in range(len(classes)):
    add_pr_curve_tensorboard(i, test_probs, test_label)
"""

# without matplotlib: the program's plotting does nothing, and its add_figure is left out
_FIGURE_CALL = """            writer.add_figure('predictions vs. actuals',
                            plot_classes_preds(net, inputs, labels),
                            global_step=epoch * len(trainloader) + i)
"""


def _tutorial_torchvision(lib: Any) -> dict[str, Any]:
    """torchvision's FashionMNIST (64 or 32 synthetic 28x28 images: per class a bright band at
    its own rows, over noise), ToTensor, Normalize, Compose and utils.make_grid."""

    class FashionMNIST:
        def __init__(self, root: str, download: bool = False, train: bool = True,
                     transform: Any = None) -> None:  # fmt: skip
            n = 64 if train else 32
            rng = np.random.default_rng(0 if train else 1)
            targets = rng.integers(0, 10, n)
            images = rng.integers(0, 60, (n, 28, 28))
            for k, t in enumerate(targets):
                images[k, 2 * t + 3 : 2 * t + 8, 4:24] += 190
            self.data = lib.tensor(images.astype(np.uint8))
            self.targets = lib.tensor(targets)
            self.transform = transform

        def __len__(self) -> int:
            return len(self.data)

        def __getitem__(self, k: int) -> tuple[Any, int]:
            # torchvision gives ToTensor a PIL image; the stand-in ToTensor reads the array
            return self.transform(self.data[k].numpy()), int(self.targets[k])

    class Compose:
        def __init__(self, steps: list[Any]) -> None:
            self.steps = steps

        def __call__(self, x: Any) -> Any:
            for step in self.steps:
                x = step(x)
            return x

    class ToTensor:
        def __call__(self, a: np.ndarray) -> Any:
            return lib.tensor(a[None].astype(np.float32) / 255)

    class Normalize:
        def __init__(self, mean: tuple[float, ...], std: tuple[float, ...]) -> None:
            self.mean, self.std = mean, std

        def __call__(self, x: Any) -> Any:
            return (x - self.mean[0]) / self.std[0]

    def make_grid(tensor: Any, nrow: int = 8, padding: int = 2, pad_value: float = 0) -> Any:
        """torchvision's layout: a 1-channel batch made RGB, images in rows of ``nrow`` with
        ``padding`` pixels around each."""
        batch = tensor.detach().numpy()
        if batch.shape[1] == 1:
            batch = np.concatenate([batch] * 3, 1)
        n, c, h, w = batch.shape
        cols = min(nrow, n)
        rows = -(-n // cols)
        hp, wp = h + padding, w + padding
        grid = np.full((c, hp * rows + padding, wp * cols + padding), pad_value, batch.dtype)
        for k in range(n):
            y, x = divmod(k, cols)
            grid[:, y * hp + padding : y * hp + padding + h, x * wp + padding : x * wp + padding
                 + w] = batch[k]  # fmt: skip
        return lib.tensor(grid)

    return {
        "torchvision": SimpleNamespace(
            datasets=SimpleNamespace(FashionMNIST=FashionMNIST),
            utils=SimpleNamespace(make_grid=make_grid),
        ),
        "transforms": SimpleNamespace(Compose=Compose, ToTensor=ToTensor, Normalize=Normalize),
    }


def test_the_tensorboard_tutorial_runs_with_only_the_import_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_pytorch_compat import run

    monkeypatch.chdir(tmp_path)
    source = TUTORIAL.replace("i % 1000 == 999", "i % 4 == 3").replace("/ 1000", "/ 4")
    inputs = _tutorial_torchvision(mg)
    try:
        import matplotlib

        matplotlib.use("Agg")
        has_matplotlib = True
    except ImportError:
        has_matplotlib = False
        source = source.replace("import matplotlib.pyplot as plt\n", "")
        source = source.replace(_FIGURE_CALL, "")
        inputs["plt"] = SimpleNamespace(imshow=lambda *args, **kwargs: None)
    try:
        ns = run(source, **inputs)
    finally:
        if has_matplotlib:
            import matplotlib.pyplot as plt

            plt.close("all")
    log_dir = tmp_path / "runs" / "fashion_mnist_experiment_1"
    found = values(log_dir)
    # the image grid: four 28x28 images with 2 pixels between and around, in RGB
    assert png(only(log_dir, "four_fashion_mnist_images")).shape == (32, 122, 3)
    # the graph of Net, grouped by module
    from tensorboardX.proto.graph_pb2 import GraphDef

    (graph_event,) = [e for e in events(log_dir) if e.graph_def]
    graph_def = GraphDef()
    graph_def.ParseFromString(graph_event.graph_def)
    nodes = _nodes(graph_def)
    conv1 = "Net/Conv2d[conv1]/ConvolutionBackward0"
    assert list(nodes[conv1].input) == ["input/x", "Net/Conv2d[conv1]/weight",
                                        "Net/Conv2d[conv1]/bias"]  # fmt: skip
    assert list(nodes["Net/ReluBackward0"].input) == [conv1]
    assert list(nodes["Net/MaxPool2d[pool]/MaxPool2DWithIndicesBackward0"].input) == [
        "Net/ReluBackward0"
    ]
    assert list(nodes["output/output.1"].input) == ["Net/Linear[fc3]/AddmmBackward0"]
    ops = [n.op for n in graph_def.node if n.name.startswith("Net/")]
    assert ops.count("AddmmBackward0") == 3 and ops.count("ConvolutionBackward0") == 2
    # the training loss every 4 batches of 16, and the figures with it
    losses = scalars(log_dir)["training loss"]
    assert [step for step, _ in losses] == [3, 7, 11, 15]
    assert all(0 < loss < 5 for _, loss in losses)
    figures = [(s, v) for s, v in found if v.tag == "predictions vs. actuals"]
    if has_matplotlib:
        assert [s for s, _ in figures] == [3, 7, 11, 15]
        assert png(figures[0][1]).shape == (4800, 1200, 3)  # figsize=(12, 48) at 100 dpi
    # the embedding of the 64 training images, labelled by class name
    tsv = (log_dir / "00000" / "default" / "tensors.tsv").read_text().splitlines()
    assert len(tsv) == 64 and all(len(row.split("\t")) == 784 for row in tsv)
    np.testing.assert_array_equal(np.array(tsv[0].split("\t"), float),
                                  ns["features"][0].numpy())  # fmt: skip
    labels = (log_dir / "00000" / "default" / "metadata.tsv").read_text().splitlines()
    assert labels == ns["class_labels"] and set(labels) <= set(ns["classes"])
    assert (log_dir / "00000" / "default" / "sprite.png").exists()
    # a precision-recall curve per class, each as TensorBoard computes it
    curves = {v.tag: v for _, v in found if v.metadata.plugin_data.plugin_name == "pr_curves"}
    assert sorted(curves) == sorted(ns["classes"])
    truth, probs = ns["test_label"].numpy(), ns["test_probs"].numpy()
    for k, name in enumerate(ns["classes"]):
        got = np.array(curves[name].tensor.float_val).reshape(6, 127)
        expected = _pr_expected(truth == k, probs[:, k], 127)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
