"""The records a ``SummaryWriter`` writes, built as PyTorch's ``torch/utils/tensorboard/summary.py``
builds them, from tensorboardX's protocol buffers (tensorboardX is imported on first use).

Each builder checks its input and raises in PyTorch's words before anything is written. Where
tensorboardX's helper computes what PyTorch's does (histogram buckets, precision-recall counts,
PNG encoding, the text plugin's record), it is called; where it differs (tensorboardX cleans
tags, does not clip images, types hyperparameters in another order), PyTorch's rule is written
here.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np

from ..._optional import require
from ...tensor import Tensor


def tensorboardx(module: str = "") -> ModuleType:
    """``tensorboardX`` (or its submodule ``module``), or an ImportError saying what to install."""
    name = f"tensorboardX.{module}" if module else "tensorboardX"
    return require(name, "minigrad.utils.tensorboard", "tensorboardX", "tensorboard")


def make_np(x: Any) -> np.ndarray:
    """PyTorch's ``make_np``: an array as it is, a Python number as a 1-element array, a tensor's
    values (detached: a tensor that requires grad is logged as its values)."""
    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    if isinstance(x, Tensor):
        return x.detach().numpy()
    raise NotImplementedError(f"Got {type(x)}, but numpy array or tensor are expected.")


def _pb(module: str) -> Any:
    return tensorboardx(f"proto.{module}")


# ---------------------------------------------------------------------------------------------
# Scalars, histograms, text, precision-recall curves


def scalar_value(value: Any) -> float:
    """The one number of ``value`` (any shape with one element), or PyTorch's AssertionError."""
    array = make_np(value).squeeze()
    if array.ndim != 0:
        raise AssertionError(
            f"Tensor should contain one element (0 dimensions). Was given size: {array.size} "
            f"and {array.ndim} dimensions."
        )
    return float(array)


def scalar(name: str, value: Any, new_style: bool = False, double_precision: bool = False) -> Any:
    """A ``Summary`` of one number: ``simple_value``, or (``new_style``) a float tensor."""
    number = scalar_value(value)
    summary = _pb("summary_pb2")
    if not new_style:
        return summary.Summary(value=[summary.Summary.Value(tag=name, simple_value=number)])
    tensor_pb2 = _pb("tensor_pb2")
    if double_precision:
        proto = tensor_pb2.TensorProto(double_val=[number], dtype="DT_DOUBLE")
    else:
        proto = tensor_pb2.TensorProto(float_val=[number], dtype="DT_FLOAT")
    metadata = summary.SummaryMetadata(
        plugin_data=summary.SummaryMetadata.PluginData(plugin_name="scalars")
    )
    value_pb = summary.Summary.Value(tag=name, tensor=proto, metadata=metadata)
    return summary.Summary(value=[value_pb])


def histogram(name: str, values: Any, bins: Any, max_bins: int | None = None) -> Any:
    """A ``Summary`` with the histogram of ``values`` (PyTorch's and tensorboardX's buckets)."""
    array = make_np(values).astype(float)
    if array.size == 0:
        raise ValueError("The input has no element.")
    hist = tensorboardx("summary").make_histogram(array, bins, max_bins)
    summary = _pb("summary_pb2")
    return summary.Summary(value=[summary.Summary.Value(tag=name, histo=hist)])


def histogram_raw(
    name: str,
    min: float,
    max: float,
    num: int,
    sum: float,
    sum_squares: float,
    bucket_limits: Any,
    bucket_counts: Any,
) -> Any:
    """A ``Summary`` with a histogram given by its statistics and buckets."""
    summary = _pb("summary_pb2")
    hist = summary.HistogramProto(
        min=float(min), max=float(max), num=int(num), sum=float(sum),
        sum_squares=float(sum_squares),
        bucket_limit=make_np(bucket_limits).astype(float).ravel().tolist(),
        bucket=make_np(bucket_counts).astype(float).ravel().tolist(),
    )  # fmt: skip
    return summary.Summary(value=[summary.Summary.Value(tag=name, histo=hist)])


def text(tag: str, text_string: Any) -> Any:
    """A ``Summary`` for the text plugin, tagged ``<tag>/text_summary`` as PyTorch's."""
    if not isinstance(text_string, str):
        raise TypeError(f"add_text(): text_string must be a str, got {type(text_string).__name__}")
    return tensorboardx("summary").text(tag, text_string)


def pr_curve(
    tag: str, labels: Any, predictions: Any, num_thresholds: int = 127, weights: Any = None
) -> Any:
    """A ``Summary`` for the precision-recall plugin (at most 127 thresholds, as PyTorch)."""
    labels, predictions = make_np(labels), make_np(predictions)
    if labels.shape != predictions.shape:
        raise ValueError(
            f"add_pr_curve(): labels {labels.shape} and predictions {predictions.shape} must "
            "have the same shape (one label per prediction)"
        )
    if weights is not None:
        weights = make_np(weights)
    return tensorboardx("summary").pr_curve(tag, labels, predictions, num_thresholds, weights)


def custom_scalars(layout: dict[str, Any]) -> Any:
    """A ``Summary`` with the custom-scalars plugin's layout."""
    if not isinstance(layout, dict):
        raise TypeError(f"add_custom_scalars(): layout must be a dict, got {type(layout)}")
    for charts in layout.values():
        for chart in charts.values():
            if chart[0] == "Margin" and len(chart[1]) != 3:
                raise AssertionError("len(tags) != 3")
    return tensorboardx("summary").custom_scalars(layout)


# ---------------------------------------------------------------------------------------------
# Images


def check_dataformats(shape: Sequence[int], dataformats: str) -> None:
    """PyTorch's checks of ``convert_to_HWC``, made before anything is converted or written."""
    if not isinstance(dataformats, str):
        raise TypeError(f"dataformats must be a str such as 'CHW', got {type(dataformats)}")
    if len(set(dataformats)) != len(dataformats):
        raise AssertionError(
            f"You can not use the same dimension shorthand twice. input_format: {dataformats}"
        )
    if len(shape) != len(dataformats):
        raise AssertionError(
            "size of input tensor and input format are different. "
            f"tensor shape: {tuple(shape)}, input_format: {dataformats}"
        )
    letters = set(dataformats.upper())
    needed = {4: "NCHW", 3: "CHW", 2: "HW"}.get(len(dataformats))
    if needed is None or set(needed) != letters:
        raise AssertionError(
            f"input_format {dataformats!r} must be a permutation of NCHW, CHW or HW (with an "
            f"image of as many dimensions), got a tensor of shape {tuple(shape)}"
        )


def to_hwc(array: np.ndarray, dataformats: str) -> np.ndarray:
    """The image (or, for 4 dimensions, the batch laid out as a grid) in HWC, RGB."""
    check_dataformats(array.shape, dataformats)
    channels = array.shape[dataformats.upper().index("C")] if "C" in dataformats.upper() else 1
    if channels not in (1, 3) and not (channels == 4 and len(dataformats) == 3):
        raise AssertionError(
            f"an image has 1 (grey), 3 (RGB) or 4 (RGBA) channels, got {channels} "
            f"(tensor shape {tuple(array.shape)}, dataformats {dataformats!r})"
        )
    return tensorboardx("utils").convert_to_HWC(array, dataformats)


def image(tag: str, tensor: Any, rescale: float = 1, dataformats: str = "NCHW") -> Any:
    """A ``Summary`` with one PNG: floats read in [0, 1], uint8 in [0, 255], clipped (PyTorch)."""
    hwc = to_hwc(make_np(tensor), dataformats)
    scale = 1 if hwc.dtype == np.uint8 else 255
    hwc = (hwc.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    png = tensorboardx("summary").make_image(hwc, rescale=rescale)
    summary = _pb("summary_pb2")
    return summary.Summary(value=[summary.Summary.Value(tag=tag, image=png)])


def figure_to_image(figures: Any, close: bool = True) -> np.ndarray:
    """A matplotlib figure drawn to a CHW uint8 array (a list of figures: NCHW)."""
    require("matplotlib.backends.backend_agg", "add_figure", "matplotlib", "plot")
    return tensorboardx("utils").figure_to_image(figures, close)


# ---------------------------------------------------------------------------------------------
# Hyperparameters


def hparams(
    hparam_dict: dict[str, Any],
    metric_dict: dict[str, Any],
    hparam_domain_discrete: dict[str, list[Any]] | None = None,
) -> tuple[Any, Any, Any]:
    """The hparams plugin's three records (experiment, session start, session end), typed as
    PyTorch types them: an int or float (a bool too, being an int) is a number, a str a string,
    a one-element tensor a number; None is left out; anything else is a ValueError."""
    if not isinstance(hparam_dict, dict):
        raise TypeError("parameter: hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        raise TypeError("parameter: metric_dict should be a dictionary, nothing logged.")
    hparam_domain_discrete = hparam_domain_discrete or {}
    if not isinstance(hparam_domain_discrete, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in hparam_domain_discrete.items():
        if (
            k not in hparam_dict
            or not isinstance(v, list)
            or not all(isinstance(d, type(hparam_dict[k])) for d in v)
        ):
            raise TypeError(
                f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                f"hparam_dict[{k}]."
            )
    for v in hparam_dict.values():
        if v is not None and not isinstance(v, int | float | str | Tensor):
            raise ValueError("value should be one of int, float, str, bool, or Tensor")
    for v in metric_dict.values():
        scalar_value(v)  # each metric is also written as a scalar: check it first

    api = _pb("api_pb2")
    plugin = _pb("plugin_hparams_pb2")
    summary = _pb("summary_pb2")
    struct_pb2 = require("google.protobuf.struct_pb2", "add_hparams", "protobuf", "tensorboard")

    def domain(k: str, field: str) -> Any:
        if k not in hparam_domain_discrete:
            return None
        values = [struct_pb2.Value(**{field: d}) for d in hparam_domain_discrete[k]]
        return struct_pb2.ListValue(values=values)

    infos = []
    ssi = plugin.SessionStartInfo()
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if isinstance(v, Tensor):
            ssi.hparams[k].number_value = float(make_np(v).reshape(-1)[0])
            kind, discrete = "DATA_TYPE_FLOAT64", None
        elif isinstance(v, int | float):
            ssi.hparams[k].number_value = v
            kind, discrete = "DATA_TYPE_FLOAT64", domain(k, "number_value")
        else:
            ssi.hparams[k].string_value = v
            kind, discrete = "DATA_TYPE_STRING", domain(k, "string_value")
        infos.append(
            api.HParamInfo(name=k, type=api.DataType.Value(kind), domain_discrete=discrete)
        )

    def record(tag: str, **content: Any) -> Any:
        data = plugin.HParamsPluginData(version=0, **content).SerializeToString()
        metadata = summary.SummaryMetadata(
            plugin_data=summary.SummaryMetadata.PluginData(plugin_name="hparams", content=data)
        )
        return summary.Summary(value=[summary.Summary.Value(tag=tag, metadata=metadata)])

    metrics = [api.MetricInfo(name=api.MetricName(tag=k)) for k in metric_dict]
    experiment = api.Experiment(hparam_infos=infos, metric_infos=metrics)
    end = plugin.SessionEndInfo(status=api.Status.Value("STATUS_SUCCESS"))
    return (
        record("_hparams_/experiment", experiment=experiment),
        record("_hparams_/session_start_info", session_start_info=ssi),
        record("_hparams_/session_end_info", session_end_info=end),
    )


# ---------------------------------------------------------------------------------------------
# The embedding projector's files


def check_embedding(mat: np.ndarray, metadata: Any, label_img: np.ndarray | None) -> None:
    """PyTorch's checks of ``add_embedding``, made before any file is written."""
    if mat.ndim != 2:
        raise AssertionError("mat should be 2D, where mat.size(0) is the number of data points")
    if metadata is not None and mat.shape[0] != len(metadata):
        raise AssertionError("#labels should equal with #data points")
    if label_img is not None:
        if label_img.ndim != 4:
            raise AssertionError(
                f"label_img should be 4D (N, C, H, W), got shape {tuple(label_img.shape)}"
            )
        if mat.shape[0] != label_img.shape[0]:
            raise AssertionError("#images should equal with #data points")


def make_sprite(label_img: np.ndarray, save_path: str) -> None:
    """``sprite.png``: the images in a square grid of ceil(sqrt(N)) columns (PyTorch's)."""
    from PIL import Image

    ncols = math.ceil(label_img.shape[0] ** 0.5)
    grid = tensorboardx("utils").make_grid(label_img, ncols=ncols)
    side = grid.shape[2]
    square = np.zeros((side, side, 3))
    square[: grid.shape[1], :, :] = grid.transpose(1, 2, 0)
    picture = Image.fromarray(np.uint8((square * 255).clip(0, 255)))
    picture.save(os.path.join(save_path, "sprite.png"), format="PNG")


def embedding_info(
    metadata: Any, label_img: np.ndarray | None, subdir: str, global_step: int, tag: str
) -> str:
    """One ``embeddings { ... }`` entry of ``projector_config.pbtxt``, as protobuf's text format
    writes PyTorch's ``EmbeddingInfo``."""

    def quoted(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        "embeddings {",
        f"  tensor_name: {quoted(f'{tag}:{str(global_step).zfill(5)}')}",
        f"  tensor_path: {quoted(subdir + '/tensors.tsv')}",
    ]
    if metadata is not None:
        lines.append(f"  metadata_path: {quoted(subdir + '/metadata.tsv')}")
    if label_img is not None:
        lines += [
            "  sprite {",
            f"    image_path: {quoted(subdir + '/sprite.png')}",
            f"    single_image_dim: {label_img.shape[3]}",
            f"    single_image_dim: {label_img.shape[2]}",
            "  }",
        ]
    return "\n".join([*lines, "}"]) + "\n"


def write_embedding(
    mat: np.ndarray,
    metadata: Any,
    label_img: np.ndarray | None,
    save_path: str,
    metadata_header: Any = None,
) -> None:
    """``tensors.tsv``, ``metadata.tsv`` and ``sprite.png`` of one embedding in ``save_path``."""
    files = tensorboardx("embedding")
    if metadata is not None:
        files.make_tsv(list(metadata), save_path, metadata_header=metadata_header)
    if label_img is not None:
        make_sprite(label_img, save_path)
    files.make_mat(mat, save_path)


__all__ = [
    "check_dataformats",
    "custom_scalars",
    "figure_to_image",
    "histogram",
    "histogram_raw",
    "hparams",
    "image",
    "make_np",
    "pr_curve",
    "scalar",
    "text",
]
