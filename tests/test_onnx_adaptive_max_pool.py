"""ONNX export of the adaptive max pools: ONNX Runtime computes exactly minigrad's (and so
PyTorch's) values, NaN included; a dynamic spatial axis is refused naming the module; the op
that records the pool keeps PyTorch's gradients and node names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.onnx import ExportError, export

DYNAMIC = {"input": {0: "batch"}, "output": {0: "batch"}}


def _ort() -> Any:
    pytest.importorskip("onnx")
    return pytest.importorskip("onnxruntime")


def _run(path: Path, x: np.ndarray) -> np.ndarray:
    session = _ort().InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = session.run(None, {session.get_inputs()[0].name: x})
    return out


def _eager(model: Any, x: np.ndarray) -> np.ndarray:
    with mg.no_grad():
        return model(mg.from_numpy(x.copy())).numpy()


LAYERS = [
    (lambda: nn.AdaptiveMaxPool1d(3), (2, 3, 7)),
    (lambda: nn.AdaptiveMaxPool1d(9), (2, 3, 7)),  # windows of one or two cells, overlapping
    (lambda: nn.AdaptiveMaxPool1d(3), (3, 7)),  # unbatched
    (lambda: nn.AdaptiveMaxPool2d((2, 3)), (2, 3, 7, 9)),
    (lambda: nn.AdaptiveMaxPool2d((None, 4)), (1, 2, 5, 9)),  # one axis kept whole
    (lambda: nn.AdaptiveMaxPool2d((5, 12)), (1, 2, 7, 9)),  # larger than the input on one axis
    (lambda: nn.AdaptiveMaxPool2d((7, 9)), (1, 2, 7, 9)),  # the identity
    (lambda: nn.AdaptiveMaxPool2d(4), (3, 7, 9)),  # unbatched
    (lambda: nn.AdaptiveMaxPool3d(2), (2, 2, 5, 6, 7)),
    (lambda: nn.AdaptiveMaxPool3d((None, 3, 1)), (1, 2, 5, 6, 7)),
    (lambda: nn.AdaptiveMaxPool3d((3, 4, 5)), (2, 6, 7, 8)),  # unbatched
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("make", "shape"), LAYERS)
def test_adaptive_max_pools_export_exactly(
    make: Any, shape: tuple[int, ...], dtype: Any, tmp_path: Path
) -> None:
    """A maximum is one of the input's values: ONNX Runtime's equals minigrad's bit for bit."""
    model = make()
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    path = export(model, mg.from_numpy(x.copy()), tmp_path / "m.onnx")
    got = _run(path, x)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, _eager(model, x))
    # on other values too: the maxima are computed in the graph, not frozen from the example
    other = (np.random.default_rng(1).standard_normal(shape) * 5).astype(dtype)
    np.testing.assert_array_equal(_run(path, other), _eager(model, other))


@pytest.mark.parametrize(("make", "shape"), [LAYERS[0], LAYERS[3], LAYERS[8]])
def test_values_equal_torchs(make: Any, shape: tuple[int, ...], tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    model = make()
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    path = export(model, mg.from_numpy(x.copy()), tmp_path / "m.onnx")
    ref = getattr(torch.nn, type(model).__name__)(model.output_size)(torch.from_numpy(x))
    np.testing.assert_array_equal(_run(path, x), ref.numpy())


def test_nan_and_inf_as_minigrad_and_torch(tmp_path: Path) -> None:
    """A window holding NaN gives NaN (ONNX Runtime's ReduceMax alone would skip it); -inf
    and inf are values like the others."""
    torch = pytest.importorskip("torch")
    model = nn.AdaptiveMaxPool2d((2, 3))
    x = np.random.default_rng(3).standard_normal((2, 2, 7, 9)).astype(np.float32)
    x[0, 0, 1, 1] = np.nan
    x[0, 1, 4:, 6] = np.nan
    x[1, 0, :, :5] = -np.inf
    x[1, 1, 6, 8] = np.inf
    path = export(model, mg.from_numpy(np.nan_to_num(x)), tmp_path / "m.onnx")
    got = _run(path, x)
    assert np.isnan(got).sum() == 2  # (rows 4-6 and column 6 lie in one window each)
    np.testing.assert_array_equal(got, _eager(model, x))
    np.testing.assert_array_equal(got, torch.nn.AdaptiveMaxPool2d((2, 3))(torch.from_numpy(x)))


def test_in_a_network_with_a_dynamic_batch(tmp_path: Path) -> None:
    mg.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveMaxPool2d((3, 2)),
        nn.Flatten(),
        nn.Linear(24, 5),
    )
    rng = np.random.default_rng(4)
    example = rng.standard_normal((2, 3, 10, 7)).astype(np.float32)
    path = export(
        model,
        mg.from_numpy(example),
        tmp_path / "m.onnx",
        input_names=["input"],
        output_names=["output"],
        dynamic_axes=DYNAMIC,
    )
    for batch in (1, 2, 6):
        x = rng.standard_normal((batch, 3, 10, 7)).astype(np.float32)
        np.testing.assert_allclose(_run(path, x), _eager(model, x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("model", "shape", "axis"),
    [
        (nn.AdaptiveMaxPool2d((2, 3)), (1, 2, 7, 9), 3),
        (nn.AdaptiveMaxPool3d(2), (1, 2, 5, 6, 7), 2),
        (nn.AdaptiveMaxPool1d(3), (1, 2, 7), 2),
    ],
)
def test_dynamic_spatial_axis_refused_naming_the_module(
    model: Any, shape: tuple[int, ...], axis: int, tmp_path: Path
) -> None:
    _ort()
    nd = len(shape) - 2
    x = mg.randn(*shape)
    with pytest.raises(ExportError, match=rf"AdaptiveMaxPool{nd}d .*Export with fixed spatial"):
        export(model, x, tmp_path / "m.onnx", dynamic_axes={"input": {axis: "size"}})
    assert not list(tmp_path.iterdir())


def test_node_names_and_gradients_like_torch() -> None:
    """The pool is one node with PyTorch's name; gradients (first and second order) are
    PyTorch's, ties and all, and pass finite differences."""
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    F = mg.nn.functional
    a = np.random.default_rng(5).standard_normal((2, 3, 7, 9)).round(1)  # ties in windows
    cases = [
        (F.adaptive_max_pool2d, tF.adaptive_max_pool2d, a, (3, 4)),
        (F.adaptive_max_pool2d, tF.adaptive_max_pool2d, a[0], (5, 12)),
        (F.adaptive_max_pool3d, tF.adaptive_max_pool3d, a[:, :, None].repeat(3, 2), (2, 3, 4)),
        (F.adaptive_max_pool1d, tF.adaptive_max_pool1d, a[:, :, 0], 4),
    ]
    for f, tf, x, size in cases:
        X = mg.from_numpy(x.copy()).requires_grad_()
        T = torch.tensor(x, requires_grad=True)
        y, ty = f(X, size), tf(T, size)
        assert y.grad_fn.name() == ty.grad_fn.name()
        w = np.random.default_rng(6).standard_normal(tuple(ty.shape))
        (g,) = mg.autograd.grad((y**3 * mg.from_numpy(w)).sum(), X, create_graph=True)
        (tg,) = torch.autograd.grad((ty**3 * torch.from_numpy(w)).sum(), T, create_graph=True)
        np.testing.assert_allclose(g.detach().numpy(), tg.detach().numpy(), atol=1e-12)
        (g**2).sum().backward()
        (tg**2).sum().backward()
        np.testing.assert_allclose(X.grad.numpy(), T.grad.numpy(), atol=1e-12)
    X = mg.from_numpy(np.random.default_rng(7).standard_normal((1, 2, 5, 6))).requires_grad_()
    assert mg.gradcheck(lambda t: F.adaptive_max_pool2d(t, (2, 4)), [X])
    assert mg.gradgradcheck(lambda t: F.adaptive_max_pool2d(t, (2, 4)) ** 2, [X])
