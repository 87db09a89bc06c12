"""Lazy modules (``nn.LazyLinear``, ``LazyConv*``, ``LazyBatchNorm*``, ``LazyInstanceNorm*``)
and their ``UninitializedParameter``/``UninitializedBuffer``, against PyTorch: shapes read from
the first input, the same objects materialized in place, values and gradients after copying
the weights, errors in PyTorch's types and words, state dicts, copies and the tools."""

from __future__ import annotations

import copy
import pickle
import re

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn.lazy import SHAPE_ERROR, LazyModuleMixin

# (class name, constructor arguments, input shape): every lazy layer minigrad has.
SPECS = [
    ("LazyLinear", (5,), (4, 3)),
    ("LazyLinear", (5,), (2, 4, 3)),
    ("LazyConv1d", (4, 3), (2, 3, 7)),
    ("LazyConv1d", (4, 3), (3, 7)),  # unbatched: channels on dim 0
    ("LazyConv2d", (4, 3), (2, 2, 6, 6)),
    ("LazyConv2d", (6, 3, 2, 1, 1, 2), (2, 4, 5, 5)),  # stride, padding, dilation, groups
    ("LazyConvTranspose1d", (4, 3), (2, 3, 5)),
    ("LazyConvTranspose2d", (4, 3, 2), (2, 3, 4, 4)),
    ("LazyConv3d", (2, 2), (2, 3, 3, 4, 3)),
    ("LazyConvTranspose3d", (2, 2, 2), (1, 3, 2, 3, 2)),
    ("LazyBatchNorm1d", (), (6, 3)),
    ("LazyBatchNorm1d", (), (6, 3, 4)),
    ("LazyBatchNorm2d", (), (4, 3, 3, 3)),
    ("LazyBatchNorm3d", (), (3, 2, 2, 3, 2)),
    ("LazyInstanceNorm1d", (), (2, 3, 6)),
    ("LazyInstanceNorm2d", (), (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), (2, 3, 3, 3, 3)),
]
IDS = [f"{name}-{'x'.join(map(str, shape))}" for name, _, shape in SPECS]


def _both(name, args):
    torch = pytest.importorskip("torch")
    return getattr(nn, name)(*args), getattr(torch.nn, name)(*args)


def _shapes(module):
    return {k: tuple(v.shape) for k, v in module.state_dict().items()}


def _torch_state(tmodule):
    return {k: v.detach().numpy().copy() for k, v in tmodule.state_dict().items()}


@pytest.mark.parametrize(("name", "args", "shape"), SPECS, ids=IDS)
def test_uninitialized_until_the_first_forward_then_the_ordinary_layer(name, args, shape):
    torch = pytest.importorskip("torch")
    m, tm = _both(name, args)
    assert repr(m) == repr(tm)
    assert m.has_uninitialized_params() and tm.has_uninitialized_params()
    entries = m.state_dict(keep_vars=True)
    assert [type(v).__name__ for v in entries.values()] == [
        type(v).__name__ for v in tm.state_dict(keep_vars=True).values()
    ]
    params = list(m.parameters())
    assert len(params) == len(list(tm.parameters()))
    mg.manual_seed(0)
    m(mg.randn(*shape))
    tm(torch.randn(*shape))
    assert type(m).__name__ == type(tm).__name__ == type(tm).__name__  # the cls_to_become
    assert type(m) is getattr(nn, name.removeprefix("Lazy"))
    assert isinstance(m, nn.Module) and not isinstance(m, LazyModuleMixin)
    assert repr(m) == repr(tm)
    assert _shapes(m) == _shapes(tm)
    assert all(a is b for a, b in zip(params, m.parameters()))  # materialized in place
    assert all(type(p) is nn.Parameter for p in params)
    assert not m._forward_pre_hooks


@pytest.mark.parametrize(("name", "args", "shape"), SPECS, ids=IDS)
def test_outputs_and_gradients_equal_torch_after_copying_the_weights(name, args, shape):
    torch = pytest.importorskip("torch")
    m, tm = _both(name, args)
    m.double()  # before the first forward, as PyTorch advises: it materializes in float64
    tm.double()
    x = np.random.default_rng(1).standard_normal(shape)
    m(mg.tensor(x))
    tm(torch.tensor(x))
    assert all(p.dtype == mg.float64 for p in m.parameters())
    m.load_state_dict(_torch_state(tm))
    xm = mg.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ym, yt = m(xm), tm(xt)
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(2).standard_normal(yt.shape)
    ym.backward(mg.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    for (k, p), (_, tp) in zip(m.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(
            p.grad.numpy(), tp.grad.numpy(), rtol=1e-9, atol=1e-11, err_msg=k
        )
    for k, b in _torch_state(tm).items():  # the running statistics moved alike
        np.testing.assert_allclose(m.state_dict()[k].numpy(), b, rtol=1e-10, err_msg=k)


@pytest.mark.parametrize("name", ["LazyLinear", "LazyConv2d"])
def test_materialized_layers_pass_first_and_second_order_gradient_checks(name):
    m = nn.LazyLinear(3) if name == "LazyLinear" else nn.LazyConv2d(2, 2)
    m.double()
    x = mg.randn(*((2, 4) if name == "LazyLinear" else (1, 2, 3, 3)), dtype=mg.float64)
    m(x)
    inputs = [x.detach().requires_grad_(), m.weight, m.bias]

    def f(x, w, b):
        del w, b  # (perturbed in place: the module reads them)
        return mg.tanh(m(x))

    assert mg.autograd.gradcheck(f, inputs)
    assert mg.autograd.gradgradcheck(f, inputs)


def d2l_train(torch, X, y, init=None):
    """d2l.ai's way: lazy layers, the optimizer made before the first forward."""
    net = torch.nn.Sequential(torch.nn.LazyLinear(256), torch.nn.ReLU(), torch.nn.LazyLinear(10))
    trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    loss = torch.nn.CrossEntropyLoss()
    first = repr(net[0].weight)
    net(X)  # the dry run of d2l's apply_init
    if init is not None:  # (the same starting weights in both libraries)
        net.load_state_dict({k: torch.tensor(v) for k, v in init.items()})
    losses = []
    for _ in range(5):
        trainer.zero_grad()
        batch_loss = loss(net(X), y)
        batch_loss.backward()
        trainer.step()
        losses.append(batch_loss.item())
    return net, first, losses


def test_a_d2l_snippet_runs_identically_with_minigrad_and_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((16, 20)).astype(np.float32), rng.integers(0, 10, 16)
    net, first, losses = d2l_train(mg, mg.tensor(X), mg.tensor(y))  # minigrad's own init
    assert first == "<UninitializedParameter>" and losses[-1] < losses[0]
    start = torch.nn.Sequential(torch.nn.LazyLinear(256), torch.nn.ReLU(), torch.nn.LazyLinear(10))
    start(torch.tensor(X))
    init = _torch_state(start)
    tnet, tfirst, tlosses = d2l_train(torch, torch.tensor(X), torch.tensor(y), init)
    net, first, losses = d2l_train(mg, mg.tensor(X), mg.tensor(y), init)
    assert first == tfirst == "<UninitializedParameter>"
    assert repr(net) == repr(tnet)
    assert net[0].weight.shape == tnet[0].weight.shape == (256, 20)
    np.testing.assert_allclose(losses, tlosses, rtol=1e-5)
    for (k, p), (_, tp) in zip(net.named_parameters(), tnet.named_parameters()):
        np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), atol=1e-5, err_msg=k)


# -- errors in PyTorch's types and words -------------------------------------------------------

USES = {
    "numel": lambda p, lib: p.numel(),
    "add": lambda p, lib: p + 1,
    "sum": lambda p, lib: p.sum(),
    "detach": lambda p, lib: p.detach(),
    "len": lambda p, lib: len(p),
    "item": lambda p, lib: p.item(),
    "linear": lambda p, lib: lib.nn.functional.linear(lib.ones(2, 2), p),
    "kaiming_uniform_": lambda p, lib: lib.nn.init.kaiming_uniform_(p),
    "count": lambda p, lib: sum(q.numel() for q in [p]),
}
_USE_WORDS = (
    r"^Attempted to use an uninitialized parameter in .+\. This error happens when you are "
    r"using a `LazyModule` or explicitly manipulating `(torch|minigrad)\.nn\.parameter\."
    r"UninitializedParameter` objects\. When using LazyModules Call `forward` with a dummy "
    r"batch to initialize the parameters before calling (torch|minigrad) functions$"
)


@pytest.mark.parametrize("use", USES)
def test_every_use_before_the_forward_raises_torchs_value_error(use):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as caught:
        USES[use](torch.nn.LazyLinear(3).weight, torch)
    assert re.match(_USE_WORDS, str(caught.value))
    p = nn.LazyLinear(3).weight
    with pytest.raises(ValueError, match=_USE_WORDS):
        USES[use](p, mg)
    assert type(p) is nn.UninitializedParameter  # unchanged


def test_the_shape_raises_torchs_runtime_error_word_for_word():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as caught:
        _ = torch.nn.LazyLinear(3).weight.shape
    assert str(caught.value) == SHAPE_ERROR
    # (minigrad's nn.init.normal_ reads the shape first: this error, where PyTorch's raises
    # the ValueError above; both name the fix)
    for get in (
        lambda p: p.shape,
        lambda p: p.size(),
        lambda p: p.size(0),
        lambda p: nn.init.normal_(p),
    ):
        with pytest.raises(RuntimeError, match=re.escape(SHAPE_ERROR)):
            get(nn.LazyLinear(3).weight)
    with pytest.raises(RuntimeError, match=r"^Can't share memory on an uninitialized parameter"):
        nn.UninitializedParameter().share_memory_()


def _error(fn):
    with pytest.raises(Exception) as caught:
        fn()
    return type(caught.value), str(caught.value)


def test_bad_first_inputs_raise_as_torch_and_change_nothing():
    torch = pytest.importorskip("torch")
    cases = [
        ("LazyConv2d", (4, 3), (5, 5), r"^Expected 3D \(unbatched\) or 4D \(batched\) input to "),
        ("LazyConv1d", (4, 3), (2, 3, 4, 4), r"^Expected 2D \(unbatched\) or 3D \(batched\) "),
        ("LazyConv2d", (4, 3, 1, 0, 1, 2), (1, 3, 5, 5), r"in_channels must be divisible by "),
    ]
    for name, args, shape, words in cases:
        m, tm = _both(name, args)
        t_type, t_text = _error(lambda tm=tm, shape=shape: tm(torch.ones(*shape)))
        with pytest.raises(t_type, match=words):
            m(mg.ones(*shape))
        assert re.search(words, t_text)
        assert type(m).__name__ == name and m.in_channels == 0 and m.has_uninitialized_params()
        assert m._forward_pre_hooks  # the next call tries again
    with pytest.raises(NotImplementedError, match=r"^initialize_parameters is not implemented "):
        LazyModuleMixin.initialize_parameters(nn.LazyLinear(3))
    t_type, _ = _error(lambda: torch.nn.LazyLinear(3)(torch.tensor(1.0)))
    with pytest.raises(t_type):
        nn.LazyLinear(3)(mg.tensor(1.0))


# -- state dicts, optimizers, copies ----------------------------------------------------------


def test_load_state_dict_materializes_from_the_given_shapes():
    torch = pytest.importorskip("torch")
    for name, args, shape in SPECS:
        m, tm = _both(name, args)
        x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
        tm(torch.tensor(x))
        params = list(m.parameters())
        assert m.load_state_dict(_torch_state(tm)) == tm.load_state_dict(tm.state_dict())
        assert type(m).__name__ == name  # a lazy module until its forward, as in PyTorch
        assert all(type(p) is nn.Parameter for p in params)
        assert all(a is b for a, b in zip(params, m.parameters()))
        assert _shapes(m) == _shapes(tm)
        m.eval()
        tm.eval()
        np.testing.assert_allclose(
            m(mg.tensor(x)).detach().numpy(), tm(torch.tensor(x)).detach().numpy(), atol=1e-5
        )
        assert type(m).__name__ == type(tm).__name__
    loaded = nn.LazyLinear(3)
    loaded.load_state_dict(nn.Linear(4, 3).state_dict())
    with pytest.raises(AssertionError, match=r"^The in_features inferred from input: 5 is not "):
        loaded(mg.ones(2, 5))
    conv = nn.LazyConv2d(4, 3, groups=2)
    conv.load_state_dict(nn.Conv2d(6, 4, 3, groups=2).state_dict())
    conv(mg.ones(1, 6, 5, 5))
    assert conv.in_channels == 6  # (PyTorch leaves it 0 here)


def test_load_state_dict_of_uninitialized_entries_as_torch():
    torch = pytest.importorskip("torch")
    # lazy into lazy: nothing to copy, both stay uninitialized
    m = nn.LazyLinear(3)
    assert not m.load_state_dict(nn.LazyLinear(3).state_dict()).missing_keys
    assert m.has_uninitialized_params()
    # lazy into an initialized module: PyTorch's RuntimeError about the shape
    t_type, t_text = _error(
        lambda: torch.nn.Linear(4, 3).load_state_dict(torch.nn.LazyLinear(3).state_dict())
    )
    target = nn.Linear(4, 3)
    before = target.weight.detach().numpy().copy()
    with pytest.raises(t_type, match=re.escape(t_text)):
        target.load_state_dict(nn.LazyLinear(3).state_dict())
    np.testing.assert_array_equal(target.weight.detach().numpy(), before)
    # a failed load leaves the lazy module as it was (minigrad checks everything first)
    m = nn.LazyLinear(3)
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "bias"'):
        m.load_state_dict({"weight": np.ones((3, 4), np.float32)})
    assert type(m.weight) is nn.UninitializedParameter


@pytest.mark.parametrize("make", ["SGD", "Adam"])
def test_an_optimizer_made_before_the_forward(make):
    torch = pytest.importorskip("torch")
    kwargs = {"lr": 0.1, "momentum": 0.9} if make == "SGD" else {"lr": 0.1}
    m, tm = nn.LazyLinear(2), torch.nn.LazyLinear(2)
    opt, topt = (
        getattr(mg.optim, make)(m.parameters(), **kwargs),
        getattr(torch.optim, make)(tm.parameters(), **kwargs),
    )
    for o in (opt, topt):  # a step before any gradient skips every parameter, as in PyTorch
        o.zero_grad()
        o.step()
    assert len(opt.state) == len(topt.state) == 0 and m.has_uninitialized_params()
    x = np.random.default_rng(4).standard_normal((5, 3)).astype(np.float32)
    tm(torch.tensor(x))
    m(mg.tensor(x))
    m.load_state_dict(_torch_state(tm))
    for _ in range(3):
        for o, model, lib in ((opt, m, mg), (topt, tm, torch)):
            o.zero_grad()
            (model(lib.tensor(x)) ** 2).mean().backward()
            o.step()
    for k, v in _torch_state(tm).items():
        np.testing.assert_allclose(m.state_dict()[k].numpy(), v, rtol=1e-5, atol=1e-6, err_msg=k)


def test_state_dict_parameters_deepcopy_and_pickle_before_the_forward():
    torch = pytest.importorskip("torch")

    def build(lib):
        return lib.nn.Sequential(
            lib.nn.LazyConv2d(4, 3),
            lib.nn.LazyBatchNorm2d(),
            lib.nn.Flatten(),
            lib.nn.LazyLinear(2),
        )

    m, tm = build(mg), build(torch)
    # (pickled first: minigrad cannot pickle a module whose state_dict() was taken, as the
    # detached views leave weak references behind)
    copies = (copy.deepcopy(m), pickle.loads(pickle.dumps(m)))
    assert repr(m) == repr(tm)
    assert [repr(v) for v in m.state_dict().values()] == [repr(v) for v in tm.state_dict().values()]
    assert len(list(m.parameters())) == len(list(tm.parameters())) == 6
    assert len(list(m.buffers())) == len(list(tm.buffers())) == 3
    for other in copies:
        assert repr(other) == repr(m)
        assert other[0].weight is not m[0].weight
        other(mg.ones(2, 3, 5, 5))
        assert repr(other).startswith("Sequential(\n  (0): Conv2d(3, 4")
        assert type(m[0].weight) is nn.UninitializedParameter  # the original is untouched
        assert type(m[1].running_mean) is nn.UninitializedBuffer
    m.double()
    tm.double()
    unpickled = pickle.loads(pickle.dumps(build(mg).double()))
    assert [p.dtype for p in unpickled.parameters()] == [mg.float64] * 6
    m(mg.ones(2, 3, 5, 5, dtype=mg.float64))
    tm(torch.ones(2, 3, 5, 5, dtype=torch.float64))
    assert [str(v.dtype) for v in m.state_dict().values()] == [
        str(v.dtype).replace("torch", "minigrad") for v in tm.state_dict().values()
    ]


def test_uninitialized_parameter_and_buffer_on_their_own():
    torch = pytest.importorskip("torch")
    assert nn.parameter.UninitializedParameter is nn.UninitializedParameter
    for lib in (mg, torch):
        p = lib.nn.UninitializedParameter(dtype=lib.float64)
        b = lib.nn.UninitializedBuffer(persistent=False)
        assert repr(p) == "<UninitializedParameter>" and repr(b) == "<UninitializedBuffer>"
        assert isinstance(p, lib.nn.Parameter) and isinstance(b, lib.nn.Buffer)
        assert p.requires_grad and not b.requires_grad and p.dtype == lib.float64
        assert lib.nn.parameter.is_lazy(p) and lib.nn.parameter.is_lazy(b)
        p.materialize((2, 3))
        b.materialize((4,))
        assert type(p) is lib.nn.Parameter and tuple(p.shape) == (2, 3)
        assert p.dtype == lib.float64 and tuple(b.shape) == (4,)
        assert not lib.nn.parameter.is_lazy(p)
    assert not b.persistent
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype"):
        nn.UninitializedParameter(dtype=mg.int64)


def test_lazy_norms_follow_torch_defaults_and_infer_features():
    torch = pytest.importorskip("torch")
    for name in ("LazyBatchNorm1d", "LazyInstanceNorm1d"):
        for kwargs in ({}, {"affine": False}, {"affine": False, "track_running_stats": False}):
            m = getattr(nn, name)(**kwargs)
            tm = getattr(torch.nn, name)(**kwargs)
            assert repr(m) == repr(tm)
            assert list(m._buffers) == list(tm._buffers)
            m(mg.randn(4, 3, 5))
            assert m.num_features == 3 and m(mg.randn(4, 3, 5)).shape == (4, 3, 5)
    # PyTorch reads num_features from dim 1 even of unbatched instance-norm input
    t_type, t_text = _error(lambda: torch.nn.LazyInstanceNorm1d()(torch.ones(3, 5)))
    with pytest.raises(t_type, match=re.escape(t_text)):
        nn.LazyInstanceNorm1d()(mg.ones(3, 5))


# -- the tools: save, compile, onnx -------------------------------------------------------------


def test_save_refuses_uninitialized_entries_and_keeps_materialized_ones(tmp_path):
    m = nn.Sequential(nn.LazyLinear(3), nn.ReLU(), nn.LazyLinear(2))
    with pytest.raises(ValueError, match=r"save: value for '0.weight' is an uninitialized .*"):
        mg.save(m.state_dict(), tmp_path / "lazy.npz")
    assert not (tmp_path / "lazy.npz").exists()
    m(mg.ones(1, 4))
    mg.save(m.state_dict(), tmp_path / "lazy.npz")
    other = nn.Sequential(nn.LazyLinear(3), nn.ReLU(), nn.LazyLinear(2))
    other.load_state_dict(mg.load(tmp_path / "lazy.npz"))
    x = mg.randn(2, 4)
    np.testing.assert_array_equal(other(x).detach().numpy(), m(x).detach().numpy())


def test_compile_of_a_lazy_model_equals_the_eager_loop():
    def run(compiled):
        mg.manual_seed(0)
        model = nn.Sequential(nn.LazyLinear(5), nn.ReLU(), nn.LazyLinear(2))
        opt = mg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x, y, loss_fn = mg.randn(8, 3), mg.randn(8, 2), nn.MSELoss()
        step = mg.compile(model, loss_fn, opt) if compiled else None
        losses = []
        for _ in range(3):
            if step is not None:
                losses.append(step(x, y).item())
                continue
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses, [p.detach().numpy().copy() for p in model.parameters()]

    (eager, eager_params), (comp, comp_params) = run(False), run(True)
    np.testing.assert_allclose(comp, eager, rtol=1e-6)
    for a, b in zip(comp_params, eager_params):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_onnx_export_of_a_lazy_model(tmp_path):
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    import minigrad.onnx

    model = nn.Sequential(nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(), nn.ReLU(), nn.Flatten())
    model.append(nn.LazyLinear(2))
    x = mg.randn(2, 3, 5, 5)
    path = minigrad.onnx.export(model, x, tmp_path / "lazy.onnx")  # materializes, as a call
    assert type(model[0]) is nn.Conv2d and type(model[-1]) is nn.Linear
    (out,) = ort.InferenceSession(str(path)).run(None, {"input": x.numpy()})
    np.testing.assert_allclose(out, model.eval()(x).detach().numpy(), rtol=1e-5, atol=1e-6)
