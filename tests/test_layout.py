"""nn.Linear's weight layout: PyTorch's shape (out, in), Fortran-ordered memory.

The layout makes ``x @ W.T`` BLAS's fastest product; it must survive everything that rebuilds
the array (initialisation, optimizers, loading, casting, checkpoints, the compiled step), and
a weight in any other layout must give the same values.
"""

from __future__ import annotations

import copy
import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.nn import functional as F
from minigrad.nn import init


def _is_f(a: Any) -> bool:
    """Fortran-ordered and not also C-ordered (a 2-D array with both sides > 1)."""
    arr = a._data if isinstance(a, mg.Tensor) else a
    return bool(arr.flags.f_contiguous and not arr.flags.c_contiguous)


def _mlp(dtype: Any = None) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(5, 4, dtype=dtype, generator=0),
        nn.Tanh(),
        nn.Linear(4, 3, dtype=dtype, generator=1),
    )


def _data(n: int = 6, dtype: Any = np.float32) -> tuple[mg.Tensor, mg.Tensor]:
    rng = np.random.default_rng(0)
    return mg.tensor(rng.standard_normal((n, 5)).astype(dtype)), mg.tensor(rng.integers(0, 3, n))


def _weights(model: nn.Module) -> list[mg.Tensor]:
    return [p for n, p in model.named_parameters() if n.endswith("weight")]


def test_weight_has_pytorch_shape_values_and_fortran_memory() -> None:
    lin = nn.Linear(5, 4, generator=3)
    assert lin.weight.shape == (4, 5)
    assert _is_f(lin.weight)
    # The values are those a C-ordered (out, in) array gets from the same draws.
    ref = mg.Tensor(np.empty((4, 5), dtype=np.float32))
    init.kaiming_uniform_(ref, a=np.sqrt(5), generator=3)  # Linear draws the weight first
    np.testing.assert_array_equal(lin.weight.detach().numpy(), ref.numpy())
    assert _is_f(lin.weight.detach().numpy())  # weight.numpy() shares the F-ordered memory


@pytest.mark.parametrize(
    "fill",
    [
        lambda w: init.uniform_(w, -1, 1, generator=0),
        lambda w: init.normal_(w, generator=0),
        lambda w: init.constant_(w, 0.5),
        lambda w: init.zeros_(w),
        lambda w: init.ones_(w),
        lambda w: init.xavier_uniform_(w, generator=0),
        lambda w: init.xavier_normal_(w, generator=0),
        lambda w: init.kaiming_uniform_(w, generator=0),
        lambda w: init.kaiming_normal_(w, generator=0),
        lambda w: init.eye_(w),
        lambda w: init.orthogonal_(w, generator=0),
    ],
)
def test_init_functions_fill_in_place_keeping_the_layout(fill: Callable[[Any], Any]) -> None:
    lin = nn.Linear(5, 4)
    before = lin.weight._data
    fill(lin.weight)
    assert lin.weight._data is before and _is_f(lin.weight)
    c = mg.Tensor(np.empty((4, 5), dtype=np.float32))
    fill(c)  # the same values as in a C-ordered array
    np.testing.assert_array_equal(lin.weight.detach().numpy(), c.numpy())


def _grads(model: nn.Module, x: mg.Tensor, y: mg.Tensor) -> dict[str, np.ndarray]:
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    return {n: p.grad.numpy().copy() for n, p in model.named_parameters()}


def test_gradients_are_fortran_ordered_and_equal_to_a_c_ordered_weight() -> None:
    model = _mlp()
    x, y = _data()
    g_f = _grads(model, x, y)
    for w in _weights(model):
        assert _is_f(w.grad)  # the weight's own layout: the update walks both alike
    twin = _mlp()
    for w in _weights(twin):
        w.data = mg.Tensor(np.ascontiguousarray(w._data))  # a user's C-ordered array
        assert w._data.flags.c_contiguous
    g_c = _grads(twin, x, y)
    for n in g_f:
        np.testing.assert_allclose(g_f[n], g_c[n], rtol=1e-6, atol=1e-7, err_msg=n)


def test_gradients_match_pytorch() -> None:
    torch = pytest.importorskip("torch")
    model = _mlp(dtype=np.float64)
    x, y = _data(dtype=np.float64)
    g = _grads(model, x, y)
    tm = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3)).double()
    tm.load_state_dict(
        {n: torch.as_tensor(p.detach().numpy()) for n, p in model.named_parameters()}
    )
    loss = torch.nn.functional.cross_entropy(
        tm(torch.as_tensor(x.numpy())), torch.as_tensor(y.numpy())
    )
    loss.backward()
    for n, p in tm.named_parameters():
        assert p.grad is not None
        np.testing.assert_allclose(g[n], p.grad.numpy(), rtol=1e-12, atol=1e-15, err_msg=n)


@pytest.mark.parametrize("shape", [(5,), (6, 5), (2, 3, 5)])
def test_gradcheck_and_gradgradcheck_with_a_fortran_weight(shape: tuple[int, ...]) -> None:
    lin = nn.Linear(5, 4, dtype=np.float64, generator=0)
    w, b = lin.weight, lin.bias
    assert _is_f(w)
    x = mg.tensor(np.random.default_rng(1).standard_normal(shape), requires_grad=True)
    assert mg.autograd.gradcheck(lambda x, w, b: F.linear(x, w, b), (x, w, b))
    assert mg.autograd.gradgradcheck(lambda x, w, b: F.linear(x, w, b), (x, w, b))


def test_second_order_gradient_of_the_weight_is_the_same_in_both_layouts() -> None:
    rng = np.random.default_rng(2)
    x = mg.tensor(rng.standard_normal((6, 5)))
    w0 = rng.standard_normal((4, 5))
    out = []
    for order in ("F", "C"):
        w = mg.from_numpy(np.array(w0, order=order)).requires_grad_()
        assert _is_f(w) == (order == "F")
        (g,) = mg.autograd.grad(F.linear(x, w).tanh().sum(), (w,), create_graph=True)
        (gg,) = mg.autograd.grad((g * g).sum(), (w,))
        out.append((g.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-12)
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-12)


OPTIMIZERS: dict[str, Callable[[Any], optim.Optimizer]] = {
    "sgd": lambda p: optim.SGD(p, lr=0.1),
    "sgd_momentum": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01),
    "sgd_nesterov": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, maximize=True),
    "adam": lambda p: optim.Adam(p, lr=0.01, weight_decay=0.01),
    "adam_amsgrad": lambda p: optim.Adam(p, lr=0.01, amsgrad=True),
    "adamw": lambda p: optim.AdamW(p, lr=0.01),
    "rmsprop": lambda p: optim.RMSprop(p, lr=0.01, momentum=0.9, centered=True),
    "adagrad": lambda p: optim.Adagrad(p, lr=0.1, weight_decay=0.01),
}


def _train(model: nn.Module, opt: optim.Optimizer, steps: int = 3) -> None:
    x, y = _data()
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_steps_and_state_keep_the_layout(name: str) -> None:
    model = _mlp()
    opt = OPTIMIZERS[name](model.parameters())
    _train(model, opt)
    for w in _weights(model):
        assert _is_f(w) and _is_f(w.grad)
        state = opt.state.get(w, {})
        arrays = {k: v._data for k, v in state.items() if isinstance(v, mg.Tensor) and v.ndim}
        assert bool(arrays) == (name != "sgd"), "the optimizer keeps state for the weight"
        for key, arr in arrays.items():
            assert _is_f(arr), key


@pytest.mark.parametrize("name", ["sgd_momentum", "adam_amsgrad", "rmsprop", "adagrad"])
def test_optimizer_load_state_dict_restores_the_layout(name: str, tmp_path: Any) -> None:
    model = _mlp()
    opt = OPTIMIZERS[name](model.parameters())
    _train(model, opt)
    mg.save(opt.state_dict(), tmp_path / "opt.npz")
    loaded = mg.load(tmp_path / "opt.npz")
    twin_model = copy.deepcopy(model)
    twin = OPTIMIZERS[name](twin_model.parameters())
    twin.load_state_dict(loaded)
    index = {id(p): i for i, p in enumerate(twin_model.parameters())}
    for w in _weights(twin_model):
        shaped = {k: v for k, v in twin.state[w].items() if isinstance(v, mg.Tensor) and v.ndim}
        assert shaped, "the optimizer keeps state for the weight"
        for key, held in shaped.items():
            assert _is_f(held._data), key
            saved = loaded["state"][index[id(w)]][key]
            np.testing.assert_array_equal(held._data, saved.numpy(), err_msg=key)
    # Both continue identically.
    _train(model, opt, 2)
    _train(twin_model, twin, 2)
    for (n, a), (_, b) in zip(model.named_parameters(), twin_model.named_parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=n)


def test_load_state_dict_copy_and_data_keep_or_respect_the_layout() -> None:
    model = _mlp()
    rng = np.random.default_rng(4)
    state = {
        n: rng.standard_normal(p.shape).astype(np.float32) for n, p in model.state_dict().items()
    }
    before = [w._data for w in _weights(model)]
    model.load_state_dict(state)  # C-ordered arrays, copied into the F-ordered memory
    for w, arr in zip(_weights(model), before):
        assert w._data is arr and _is_f(w)
    for n, p in model.named_parameters():
        np.testing.assert_array_equal(p.detach().numpy(), state[n])
    w = model[0].weight
    with mg.no_grad():
        w.copy_(mg.tensor(state["0.weight"] * 2))
    assert _is_f(w)
    np.testing.assert_array_equal(w.detach().numpy(), state["0.weight"] * 2)
    # A C-ordered array assigned by the user is used as it is: slower, never wrong.
    x, y = _data()
    g_f = _grads(model, x, y)
    model[0].weight.data = mg.tensor(np.ascontiguousarray(model[0].weight._data))
    g_c = _grads(model, x, y)
    for n in g_f:
        np.testing.assert_allclose(g_f[n], g_c[n], rtol=1e-6, atol=1e-7, err_msg=n)


@pytest.mark.parametrize("suffix", [".npz", ".safetensors"])
def test_checkpoints_hold_c_ordered_bytes_and_load_back_into_the_layout(
    suffix: str, tmp_path: Any
) -> None:
    if suffix == ".safetensors":
        pytest.importorskip("safetensors")
    model = _mlp()
    path = tmp_path / f"model{suffix}"
    mg.save(model.state_dict(), path)
    if suffix == ".npz":
        with np.load(path) as raw:  # an ordinary archive, C-ordered as any other reader expects
            for n, p in model.named_parameters():
                assert raw[n].flags.c_contiguous
                np.testing.assert_array_equal(raw[n], p.detach().numpy())
    else:
        from safetensors.numpy import load_file

        raw = load_file(str(path))
        for n, p in model.named_parameters():
            np.testing.assert_array_equal(raw[n], p.detach().numpy())
    fresh = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3))
    fresh.load_state_dict(mg.load(path))
    for (n, a), (_, b) in zip(model.named_parameters(), fresh.named_parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy(), err_msg=n)
    assert all(_is_f(w) for w in _weights(fresh))


def test_casts_clone_and_deepcopy_keep_the_layout() -> None:
    model = _mlp()
    _train(model, optim.SGD(model.parameters(), lr=0.1), 1)
    model.to(mg.float64)
    assert all(_is_f(w) and _is_f(w.grad) and w.dtype == mg.float64 for w in _weights(model))
    model.float()
    assert all(_is_f(w) and w.dtype == mg.float32 for w in _weights(model))
    model.double()
    assert all(_is_f(w) for w in _weights(model))
    w = model[0].weight
    assert _is_f(w.clone()) and _is_f(w.detach().float())
    twin = copy.deepcopy(model)
    assert all(_is_f(w) for w in _weights(twin))


def test_a_write_through_a_reshaped_copy_raises_instead_of_being_lost() -> None:
    lin = nn.Linear(4, 3, generator=0)
    w = lin.weight
    before = w.detach().numpy().copy()
    with pytest.raises(RuntimeError, match="not C-ordered"), mg.no_grad():
        w.view(-1)[0] = 5.0
    with pytest.raises(RuntimeError, match="not C-ordered"):
        w.data.view(12).zero_()
    np.testing.assert_array_equal(w.detach().numpy(), before)
    np.testing.assert_array_equal(w.view(-1).detach().numpy(), before.reshape(-1))  # reads work
    with mg.no_grad():
        w.view(3, 4)[0, 0] = 5.0  # a true view: the write reaches the weight
        w.T[1, 0] = 6.0
    assert w[0, 0].item() == 5.0 and w[0, 1].item() == 6.0
    with pytest.raises(RuntimeError, match="not C-ordered"), mg.no_grad():
        (w * 2).view(-1).add_(1)  # fresh and F-ordered like w: PyTorch would give a view


def test_a_reshaped_copy_of_a_transposed_view_stays_writable_as_in_pytorch() -> None:
    x = mg.tensor(np.arange(6.0).reshape(2, 3))
    y = x.T.reshape(-1)  # a copy in PyTorch as well: writing it changes only the copy
    y.add_(1)
    np.testing.assert_array_equal(y.numpy(), np.arange(6.0).reshape(2, 3).T.reshape(-1) + 1)
    np.testing.assert_array_equal(x.numpy(), np.arange(6.0).reshape(2, 3))


def test_compiled_step_keeps_the_layout_and_matches_eager() -> None:
    x, y = _data(8)
    eager, compiled = _mlp(), _mlp()
    opt_e = optim.Adam(eager.parameters(), lr=0.01)
    opt_c = optim.Adam(compiled.parameters(), lr=0.01)
    step = mg.compile(compiled, F.cross_entropy, opt_c)
    for _ in range(5):
        opt_e.zero_grad()
        F.cross_entropy(eager(x), y).backward()
        opt_e.step()
        step(x, y)
    for (n, a), (_, b) in zip(eager.named_parameters(), compiled.named_parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, err_msg=n)
    for w in _weights(compiled):
        assert _is_f(w) and _is_f(w.grad)
        assert all(_is_f(v) for v in opt_c.state[w].values() if isinstance(v, np.ndarray))
    assert "Linear backward: dw = grad^T @ x, as (x^T @ grad)^T" in step.source


def test_compiled_step_with_a_c_ordered_weight_gives_the_eager_values() -> None:
    x, y = _data(8)
    eager, compiled = _mlp(), _mlp()
    for m in (eager, compiled):  # a user's C-ordered arrays: slower, never wrong
        for w in _weights(m):
            w.data = mg.tensor(np.ascontiguousarray(w._data))
    opt_e = optim.SGD(eager.parameters(), lr=0.1, momentum=0.9)
    opt_c = optim.SGD(compiled.parameters(), lr=0.1, momentum=0.9)
    step = mg.compile(compiled, F.cross_entropy, opt_c)
    for _ in range(5):
        opt_e.zero_grad()
        F.cross_entropy(eager(x), y).backward()
        opt_e.step()
        step(x, y)
    for (n, a), (_, b) in zip(eager.named_parameters(), compiled.named_parameters()):
        assert not _is_f(b), n
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, err_msg=n)


def test_ejected_step_keeps_fortran_weights(tmp_path: Any) -> None:
    x, y = _data(8)
    model = _mlp()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    step = mg.compile(model, F.cross_entropy, opt)
    step(x, y)
    path = step.save(tmp_path / "train_step.py")
    spec = importlib.util.spec_from_file_location("ejected_layout_step", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for n, p in model.named_parameters():
        np.testing.assert_array_equal(mod.params[n], p.detach().numpy(), err_msg=n)
        assert _is_f(mod.params[n]) == _is_f(p), n
    for _ in range(3):
        mod.step(x.numpy(), y.numpy())
        step(x, y)
    for n, p in model.named_parameters():
        np.testing.assert_array_equal(mod.params[n], p.detach().numpy(), err_msg=n)


def test_onnx_export_of_fortran_weights_round_trips(tmp_path: Any) -> None:
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    from minigrad.onnx import export

    model = _mlp()
    model.eval()
    x, _ = _data()
    path = tmp_path / "mlp.onnx"
    export(model, x, str(path))
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (got,) = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})
    with mg.no_grad():
        want = model(x).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
