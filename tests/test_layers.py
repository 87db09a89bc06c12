"""Layers of minigrad.nn beyond Linear: activations, Embedding, BatchNorm, LayerNorm.

Each is checked by finite differences (gradcheck and gradgradcheck, float64, odd shapes) and,
when torch is installed, against the PyTorch module of the same name from the same weights:
outputs, gradients, running statistics and state dicts both ways.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

F = nn.functional


def t64(a, grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def offgrid(rng, shape):
    """Standard-normal-ish values at least 0.05 away from 0 (the activations' kinks)."""
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < 0.05, 0.05 * np.sign(x) + 0.05 * (x == 0), x)


def close(a, b, rtol=1e-10, atol=1e-12, msg=""):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol, err_msg=msg)


def to_torch(module, tmodule):
    """Load minigrad's state dict into the torch module (same names and shapes)."""
    torch = pytest.importorskip("torch")
    sd = {k: torch.from_numpy(np.array(v.numpy())) for k, v in module.state_dict().items()}
    tmodule.load_state_dict(sd)
    return tmodule


def from_torch(tmodule, module):
    module.load_state_dict({k: v.detach().numpy() for k, v in tmodule.state_dict().items()})
    return module


# -- activations ------------------------------------------------------------------------------

# Every module of nn.activation.ACTIVATIONS as made without arguments, then other settings.
ACTIVATIONS = [(cls.__name__, {}) for cls in nn.activation.ACTIVATIONS] + [
    ("GELU", {"approximate": "tanh"}),
    ("LeakyReLU", {"negative_slope": 0.2}),
    ("ELU", {"alpha": 0.7}),
    ("Softplus", {"beta": 2.0, "threshold": 1.0}),
    ("Softmax", {"dim": 1}),
    ("LogSoftmax", {"dim": 0}),
]


@pytest.mark.parametrize(("name", "kw"), ACTIVATIONS, ids=lambda v: str(v))
def test_activation_gradcheck_odd_shapes(name, kw):
    rng = np.random.default_rng(1)
    module = getattr(nn, name)(**kw)
    for shape in [(3, 5), (2, 3, 7), (1, 1)]:
        x = t64(offgrid(rng, shape) * 2)
        assert mg.gradcheck(module, [x])
        assert mg.gradgradcheck(module, [x])


@pytest.mark.parametrize(("name", "kw"), ACTIVATIONS, ids=lambda v: str(v))
def test_activation_matches_torch(name, kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x = offgrid(rng, (4, 6)) * 3
    x[0, :3] = [30.0, -30.0, 15.0]  # far tails: softplus's linear branch, tanh/erf saturation
    ours, theirs = getattr(nn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(ours) == repr(theirs)
    a, ta = t64(x), torch.tensor(x, requires_grad=True)
    out, tout = ours(a), theirs(ta)
    close(out.detach().numpy(), tout.detach().numpy(), msg=name)
    seed = rng.standard_normal(out.shape)
    out.backward(seed)
    tout.backward(torch.tensor(seed))
    close(a.grad.numpy(), ta.grad.numpy(), msg=name)


def test_functional_activations_match_torch_and_keep_float32():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x = offgrid(np.random.default_rng(3), (5, 4))
    pairs = [
        (lambda v: F.gelu(v), lambda v: tf.gelu(v)),
        (lambda v: F.gelu(v, approximate="tanh"), lambda v: tf.gelu(v, approximate="tanh")),
        (F.silu, tf.silu),
        (lambda v: F.leaky_relu(v, 0.3), lambda v: tf.leaky_relu(v, 0.3)),
        (lambda v: F.elu(v, 2.0), lambda v: tf.elu(v, 2.0)),
        (lambda v: F.softplus(v, 0.5, 2.0), lambda v: tf.softplus(v, 0.5, 2.0)),
    ]
    for ours, theirs in pairs:
        close(ours(t64(x)).detach().numpy(), theirs(torch.tensor(x)).numpy())
        assert ours(mg.tensor(x.astype(np.float32))).dtype == np.float32


def test_activations_extreme_inputs_without_warnings():
    x = t64([-1000.0, -50.0, 0.5, 50.0, 1000.0])
    with np.errstate(all="raise", under="ignore"):
        for f in (F.gelu, F.silu, F.elu, F.softplus, lambda v: F.gelu(v, approximate="tanh")):
            out = f(x)
            out.sum().backward()
            assert np.all(np.isfinite(out.detach().numpy())) and np.all(np.isfinite(x.grad.numpy()))
            x.grad = None
    np.testing.assert_allclose(F.softplus(x).detach().numpy()[[0, 4]], [0.0, 1000.0])
    np.testing.assert_allclose(F.softplus(t64([-40.0])).detach().numpy(), np.exp(-40.0), rtol=1e-14)


def test_activation_argument_errors():
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")
    with pytest.raises(ValueError, match=r"gelu\(\).*approximate"):
        F.gelu(mg.zeros(2), approximate="erf")
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        nn.LeakyReLU(inplace=True)(t64([1.0, -2.0]))
    with pytest.raises(NotImplementedError, match=r"\"silu_cpu\" not implemented for 'Long'"):
        F.silu(mg.tensor([1, 2]))


def test_one_hot_matches_torch_and_errors():
    y = np.array([[0, 2], [1, 1]])
    out = F.one_hot(mg.tensor(y), 4)
    assert out.dtype == np.int64 and out.shape == (2, 2, 4)
    np.testing.assert_array_equal(out.detach().numpy(), np.eye(4, dtype=np.int64)[y])
    assert F.one_hot(np.array([3, 1])).shape == (2, 4)
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes"):
        F.one_hot(mg.tensor([1, 5]), 3)
    with pytest.raises(RuntimeError, match="Class values must be non-negative"):
        F.one_hot(mg.tensor([1, -1]), 3)
    with pytest.raises(TypeError, match="LongTensor"):
        F.one_hot(mg.tensor([1.0]), 3)
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(
        out.detach().numpy(), torch.nn.functional.one_hot(torch.tensor(y), 4)
    )


# -- Embedding --------------------------------------------------------------------------------


def test_embedding_forward_backward_repeated_indices_and_padding():
    emb = nn.Embedding(5, 3, padding_idx=1, dtype=np.float64, generator=0)
    np.testing.assert_array_equal(emb.weight.detach().numpy()[1], 0)
    emb.weight.data[1] = 7.0  # a padding row keeps its value in the output...
    idx = np.array([[0, 1, 4], [4, 4, 1]])
    out = emb(mg.tensor(idx))
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out.detach().numpy(), emb.weight.detach().numpy()[idx])
    g = np.random.default_rng(0).standard_normal(out.shape)
    out.backward(g)
    expected = np.zeros((5, 3))
    np.add.at(expected, idx, g)
    expected[1] = 0  # ...but gets no gradient
    np.testing.assert_allclose(emb.weight.grad.numpy(), expected)
    assert mg.gradcheck(lambda w: F.embedding(idx, w), [t64(emb.weight.detach().numpy())])
    assert mg.gradgradcheck(lambda w: F.embedding(idx, w) ** 2, [t64(emb.weight.detach().numpy())])
    assert repr(emb) == "Embedding(5, 3, padding_idx=1)"
    assert nn.Embedding(5, 3, padding_idx=-1).padding_idx == 4


def test_embedding_matches_torch_and_state_dict_both_ways():
    torch = pytest.importorskip("torch")
    ours = nn.Embedding(7, 4, padding_idx=2, dtype=np.float64)
    theirs = to_torch(ours, torch.nn.Embedding(7, 4, padding_idx=2, dtype=torch.float64))
    idx = np.array([[2, 3, 3], [6, 0, 2]])
    out, tout = ours(idx), theirs(torch.from_numpy(idx))
    close(out.detach().numpy(), tout.detach().numpy())
    seed = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(seed)
    tout.backward(torch.tensor(seed))
    close(ours.weight.grad.numpy(), theirs.weight.grad.numpy())
    with torch.no_grad():
        theirs.weight.mul_(3)
    from_torch(theirs, ours)
    close(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    assert repr(ours) == repr(theirs)


def test_embedding_from_pretrained_freeze_and_share():
    table = np.arange(12, dtype=np.float32).reshape(4, 3)
    emb = nn.Embedding.from_pretrained(table)
    assert not emb.weight.requires_grad and emb.weight.shape == (4, 3)
    np.testing.assert_array_equal(emb(np.array([3, 0])).detach().numpy(), table[[3, 0]])
    emb = nn.Embedding.from_pretrained(mg.tensor(table), freeze=False, padding_idx=0)
    assert emb.weight.requires_grad and emb.padding_idx == 0
    with pytest.raises(ValueError, match="2-dimensional"):
        nn.Embedding.from_pretrained(np.zeros(3))


def test_embedding_errors():
    emb = nn.Embedding(4, 2)
    with pytest.raises(IndexError, match=r"index out of range in self.*index 4"):
        emb(np.array([0, 4]))
    with pytest.raises(IndexError, match="index out of range"):
        emb(np.array([-1]))
    with pytest.raises(TypeError, match=r"'indices'.*Long, Int.*torch\.FloatTensor"):
        emb(mg.tensor([0.0, 1.0]))
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(4, 2, padding_idx=4)
    before = emb.weight.detach().numpy().copy()
    with pytest.raises(IndexError, match="index out of range"):  # checked before any row moves
        nn.functional.embedding(np.array([0, 4]), emb.weight * 1, max_norm=1e-3)
    np.testing.assert_array_equal(emb.weight.detach().numpy(), before)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_embedding_max_norm_matches_torch(norm_type: float, dtype: str) -> None:
    torch = pytest.importorskip("torch")
    table = (np.random.default_rng(0).standard_normal((10, 4)) * 2).astype(dtype)
    t_emb = torch.nn.Embedding(10, 4, max_norm=1.5, norm_type=norm_type)
    t_emb.weight.data = torch.tensor(table.copy())
    emb = nn.Embedding.from_pretrained(
        mg.tensor(table.copy()), freeze=False, max_norm=1.5, norm_type=norm_type
    )
    idx = [[1, 3, 3], [9, 1, 0]]  # repeated rows are scaled once
    weights = np.random.default_rng(1).standard_normal((2, 3, 4)).astype(dtype)
    t_out, out = t_emb(torch.tensor(idx)), emb(mg.tensor(idx))
    (t_out * torch.tensor(weights)).sum().backward()
    (out * mg.tensor(weights)).sum().backward()
    # float64 to the bit; float32 to its last bit (PyTorch's kernel rounds the factor otherwise)
    rtol = 0 if dtype == "float64" else 2e-7
    pairs = ((out, t_out), (emb.weight, t_emb.weight), (emb.weight.grad, t_emb.weight.grad))
    for got, want in pairs:
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=rtol, atol=0)
    norms = np.linalg.norm(emb.weight.detach().numpy(), ord=norm_type, axis=1)
    assert (norms[[0, 1, 3, 9]] <= 1.5 + 1e-5).all() and (norms[[2, 4]] > 1.5).all()


def test_embedding_max_norm_changes_the_weight_in_place_as_pytorch_warns() -> None:
    # PyTorch: "performing a differentiable operation on Embedding.weight before calling
    # Embedding's forward method requires cloning Embedding.weight when max_norm is not None"
    emb = nn.Embedding(5, 3, max_norm=0.1, generator=0)
    seen = (emb.weight * emb.weight).sum()  # saves the weight
    emb(mg.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        seen.backward()


def test_embedding_seeded_init_is_standard_normal():
    a = nn.Embedding(200, 50, generator=3).weight.detach().numpy()
    np.testing.assert_array_equal(a, nn.Embedding(200, 50, generator=3).weight.detach().numpy())
    assert a.dtype == np.float32
    assert abs(a.mean()) < 0.02 and abs(a.std() - 1) < 0.02


# -- BatchNorm --------------------------------------------------------------------------------

BN_CASES = [
    ("BatchNorm1d", (6, 5), {}),
    ("BatchNorm1d", (4, 3, 7), {"momentum": 0.3}),
    ("BatchNorm1d", (5, 4), {"momentum": None}),
    ("BatchNorm1d", (5, 4), {"affine": False}),
    ("BatchNorm1d", (5, 4), {"track_running_stats": False}),
    ("BatchNorm1d", (5, 4), {"bias": False, "eps": 1e-3}),
    ("BatchNorm2d", (3, 2, 5, 3), {}),
    ("BatchNorm2d", (2, 3, 3, 5), {"momentum": None, "affine": False}),
]


def _bn_pair(name, shape, kw):
    torch = pytest.importorskip("torch")
    c = shape[1]
    ours = getattr(nn, name)(c, dtype=np.float64, **kw)
    theirs = getattr(torch.nn, name)(c, dtype=torch.float64, **kw)
    rng = np.random.default_rng(c)
    for p in ours.parameters():  # non-trivial affine parameters
        p.data[...] = rng.uniform(0.5, 1.5, p.shape)
    return ours, to_torch(ours, theirs), rng


@pytest.mark.parametrize(("name", "shape", "kw"), BN_CASES, ids=str)
def test_batchnorm_matches_torch_train_then_eval(name, shape, kw):
    torch = pytest.importorskip("torch")
    ours, theirs, rng = _bn_pair(name, shape, kw)
    assert repr(ours) == repr(theirs)
    for step in range(3):
        for mode in (True, True, False) if step < 2 else (False,):
            ours.train(mode)
            theirs.train(mode)
            x = rng.standard_normal(shape) * 2 + 1
            a, ta = t64(x), torch.tensor(x, requires_grad=True)
            out, tout = ours(a), theirs(ta)
            close(out.detach().numpy(), tout.detach().numpy(), msg=f"output, training={mode}")
            seed = rng.standard_normal(shape)
            out.backward(seed)
            tout.backward(torch.tensor(seed))
            close(a.grad.numpy(), ta.grad.numpy(), msg=f"input grad, training={mode}")
            for (pname, p), tp in zip(ours.named_parameters(), theirs.parameters()):
                close(p.grad.numpy(), tp.grad.numpy(), msg=pname)
                p.grad, tp.grad = None, None
            for (bname, b), tb in zip(ours.named_buffers(), theirs.buffers()):
                close(b.detach().numpy(), tb.numpy(), msg=bname)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    from_torch(theirs, ours)  # and back


def test_batchnorm_state_dict_layout_and_types():
    bn = nn.BatchNorm1d(3)
    sd = bn.state_dict()
    assert list(sd) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert sd["num_batches_tracked"].dtype == np.int64 and sd["num_batches_tracked"].shape == ()
    assert sd["running_var"].dtype == np.float32
    bn.double()
    assert bn.running_mean.dtype == np.float64 and bn.num_batches_tracked.dtype == np.int64
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    assert list(nn.BatchNorm2d(3, affine=False, track_running_stats=False).state_dict()) == []
    bn(mg.randn(4, 3, dtype=np.float64))
    bn(mg.randn(4, 3, dtype=np.float64))
    assert int(bn.num_batches_tracked) == 2


def test_batchnorm_cumulative_average_with_momentum_none():
    bn = nn.BatchNorm1d(2, momentum=None, dtype=np.float64)
    rng = np.random.default_rng(0)
    batches = [rng.standard_normal((5, 2)) + i for i in range(4)]
    for b in batches:
        bn(t64(b))
    close(bn.running_mean.detach().numpy(), np.mean([b.mean(0) for b in batches], axis=0))
    close(bn.running_var.detach().numpy(), np.mean([b.var(0, ddof=1) for b in batches], axis=0))


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize(
    ("name", "shape"),
    [("BatchNorm1d", (5, 3)), ("BatchNorm1d", (3, 2, 5)), ("BatchNorm2d", (2, 3, 3, 2))],
)
def test_batchnorm_gradcheck(name, shape, training):
    bn = getattr(nn, name)(shape[1], dtype=np.float64, momentum=0.5)
    rng = np.random.default_rng(4)
    bn.running_mean.data[...] = rng.standard_normal(shape[1])
    bn.running_var.data[...] = rng.uniform(0.5, 2, shape[1])
    bn.train(training)
    x = t64(rng.standard_normal(shape))
    w, b = bn.weight, bn.bias
    w.data[...] = rng.uniform(0.5, 1.5, shape[1])

    def f(x, w, b):
        return F.batch_norm(
            x,
            None if training else bn.running_mean,
            None if training else bn.running_var,
            w,
            b,
            training=training,
        )

    assert mg.gradcheck(f, [x, w, b])
    assert mg.gradgradcheck(f, [x, w, b])
    assert mg.gradcheck(bn, [x])  # the module itself (running stats move: not used in train)


def test_batchnorm_errors_leave_state_unchanged():
    bn = nn.BatchNorm1d(3)
    before = {k: v.numpy().copy() for k, v in bn.state_dict().items()}
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when training"):
        bn(mg.randn(1, 3))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input"):
        bn(mg.randn(2, 3, 2, 2))
    with pytest.raises(RuntimeError, match="running_mean should contain 5 elements not 3"):
        bn(mg.randn(4, 5))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input"):
        nn.BatchNorm2d(3)(mg.randn(2, 3, 4))
    for k, v in bn.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])
    bn.eval()
    assert bn(mg.randn(1, 3)).shape == (1, 3)  # one sample is fine with running statistics


# -- LayerNorm --------------------------------------------------------------------------------

LN_CASES = [
    ((4, 5), 5, {}),
    ((2, 3, 4), (3, 4), {}),
    ((3, 7), 7, {"elementwise_affine": False}),
    ((3, 2, 5), 5, {"bias": False, "eps": 1e-3}),
]


@pytest.mark.parametrize(("shape", "ns", "kw"), LN_CASES, ids=str)
def test_layernorm_matches_torch(shape, ns, kw):
    torch = pytest.importorskip("torch")
    ours = nn.LayerNorm(ns, dtype=np.float64, **kw)
    rng = np.random.default_rng(5)
    for p in ours.parameters():
        p.data[...] = rng.uniform(0.5, 1.5, p.shape)
    theirs = to_torch(ours, torch.nn.LayerNorm(ns, dtype=torch.float64, **kw))
    assert repr(ours) == repr(theirs)
    x = rng.standard_normal(shape) * 3
    a, ta = t64(x), torch.tensor(x, requires_grad=True)
    out, tout = ours(a), theirs(ta)
    close(out.detach().numpy(), tout.detach().numpy())
    seed = rng.standard_normal(shape)
    out.backward(seed)
    tout.backward(torch.tensor(seed))
    close(a.grad.numpy(), ta.grad.numpy())
    for p, tp in zip(ours.parameters(), theirs.parameters()):
        close(p.grad.numpy(), tp.grad.numpy())
    from_torch(theirs, ours)
    params = list(ours.parameters())
    assert mg.gradcheck(lambda x, *ps: ours(x), [a, *params])
    assert mg.gradgradcheck(lambda x, *ps: ours(x), [a, *params])


def test_layernorm_errors():
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[4\], expected input with shape"):
        nn.LayerNorm(4)(mg.randn(2, 3))
    with pytest.raises(RuntimeError, match="expected input with shape"):
        F.layer_norm(mg.randn(3), (2, 3))


# -- Module: hooks, modes, buffers -------------------------------------------------------------


def test_forward_hooks_see_and_replace_activations():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    seen = {}

    def look(module, args, output):
        seen[type(module).__name__] = output.shape

    handles = [m.register_forward_hook(look) for m in model]
    x = mg.randn(5, 3)
    y = model(x)
    assert seen == {"Linear": (5, 2), "Tanh": (5, 4)}
    for h in handles:
        h.remove()
    seen.clear()
    model(x)
    assert seen == {}
    # A pre-hook replaces the input, a hook the output; removal restores the plain call.
    with model[1].register_forward_pre_hook(lambda m, args: args[0] * 0):
        with model.register_forward_hook(lambda m, args, out: out + 1):
            z = model(x)
    np.testing.assert_allclose(
        z.detach().numpy(), np.broadcast_to(model[2].bias.detach().numpy() + 1, (5, 2)), rtol=1e-6
    )
    np.testing.assert_allclose(model(x).detach().numpy(), y.detach().numpy())


def test_hook_order_prepend_kwargs_and_always_call():
    calls = []

    class Twice(nn.Module):
        def forward(self, x, scale=1.0):
            if x is None:
                raise ValueError("no input")
            return x * 2 * scale

    m = Twice()
    m.register_forward_hook(lambda mod, a, o: calls.append("a"))
    m.register_forward_hook(lambda mod, a, o: calls.append("b"), prepend=True)
    m.register_forward_pre_hook(lambda mod, a, kw: (a, {**kw, "scale": 10.0}), with_kwargs=True)
    m.register_forward_hook(lambda mod, a, kw, o: calls.append(kw["scale"]), with_kwargs=True)
    assert float(m(mg.tensor(1.0))) == 20.0
    assert calls == ["b", "a", 10.0]
    calls.clear()
    m.register_forward_hook(lambda mod, a, o: calls.append("always"), always_call=True)
    with pytest.raises(ValueError, match="no input"):
        m(None)
    assert calls == ["always"]


def test_train_eval_reach_every_module_through_overridden_train():
    log = []

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.bn = nn.BatchNorm1d(2)

        def train(self, mode=True):
            log.append(mode)
            return super().train(mode)

    model = nn.Sequential(Block(), nn.Linear(2, 2))
    model.eval()
    assert log == [False] and not any(m.training for m in model.modules())
    model.train()
    assert log == [False, True] and all(m.training for m in model.modules())
    names = [n for n, _ in model.named_modules()]
    assert names == ["", "0", "0.bn", "1"]
    visited = []
    model.apply(lambda m: visited.append(type(m).__name__))
    assert visited == ["BatchNorm1d", "Block", "Linear", "Sequential"]


def test_register_buffer_and_parameter_refuse_existing_attributes():
    m = nn.Linear(2, 2)
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        m.register_buffer("weight", mg.zeros(2))
    m.register_buffer("stat", mg.zeros(2))
    with pytest.raises(KeyError, match="attribute 'stat' already exists"):
        m.register_parameter("stat", nn.Parameter(np.zeros(2)))
    m.register_buffer("tmp", mg.ones(1), persistent=False)
    assert "tmp" not in m.state_dict() and "stat" in m.state_dict()
    with pytest.raises(TypeError, match=r"register_parameter\(\): 'p' must be a Parameter or None"):
        m.register_parameter("p", mg.zeros(2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"register_buffer\(\): 'b' must be a Tensor or None, got"):
        m.register_buffer("b", np.zeros(2))  # type: ignore[arg-type]
    assert "p" not in dict(m.named_parameters()) and "b" not in dict(m.named_buffers())


def test_requires_grad_freezes_embedding_and_norm():
    model = nn.Sequential(nn.Embedding(5, 2), nn.LayerNorm(2))
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    assert model(np.array([1, 2])).grad_fn is None


# -- init -------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3)])
def test_orthogonal_init(shape):
    w = nn.Parameter(np.zeros(shape))
    nn.init.orthogonal_(w, gain=2.0, generator=0)
    flat = w.detach().numpy().reshape(shape[0], -1)
    small = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
    np.testing.assert_allclose(small, 4 * np.eye(len(small)), atol=1e-12)
    again = nn.init.orthogonal_(nn.Parameter(np.zeros(shape)), gain=2.0, generator=0)
    np.testing.assert_array_equal(again.detach().numpy(), w.detach().numpy())
    with pytest.raises(ValueError, match="2 or more dimensions"):
        nn.init.orthogonal_(nn.Parameter(np.zeros(3)))


def test_eye_and_kaiming_options():
    w = nn.init.eye_(nn.Parameter(np.zeros((2, 3), dtype=np.float32)))
    np.testing.assert_array_equal(w.detach().numpy(), np.eye(2, 3))
    big = nn.Parameter(np.zeros((400, 100)))
    nn.init.kaiming_normal_(big, mode="fan_out", nonlinearity="relu", generator=1)
    assert abs(big.detach().numpy().std() - np.sqrt(2 / 400)) < 0.003
    nn.init.kaiming_uniform_(big, a=0.2, generator=1)
    bound = np.sqrt(3) * nn.init.calculate_gain("leaky_relu", 0.2) / np.sqrt(100)
    assert big.detach().numpy().max() <= bound and big.detach().numpy().max() > 0.99 * bound
    nn.init.xavier_normal_(big, gain=3.0, generator=2)
    assert abs(big.detach().numpy().std() - 3 * np.sqrt(2 / 500)) < 0.005
    assert nn.init.calculate_gain("tanh") == 5 / 3


def test_embedding_max_norm_with_a_clone_as_pytorchs_docs_show() -> None:
    torch = pytest.importorskip("torch")
    results = []
    for lib in (mg, torch):
        n, d, m = 3, 5, 7
        embedding = lib.nn.Embedding(n, d, max_norm=1.0).double()
        w = lib.tensor(np.random.default_rng(0).standard_normal((m, d)), requires_grad=True)
        with lib.no_grad():
            embedding.weight.copy_(lib.tensor(np.random.default_rng(1).standard_normal((n, d))))
        idx = lib.tensor([1, 2])
        a = embedding.weight.clone() @ w.t()  # weight must be cloned for this to be differentiable
        b = embedding(idx) @ w.t()  # modifies weight in-place
        out = a.unsqueeze(0) + b.unsqueeze(1)
        loss = out.sigmoid().prod()
        loss.backward()
        results.append([loss, w.grad, embedding.weight.grad, embedding.weight])
    for got, want in zip(*results, strict=True):
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    "name",
    [
        "uniform",
        "normal",
        "constant",
        "xavier_uniform",
        "xavier_normal",
        "kaiming_uniform",
        "kaiming_normal",
        "orthogonal",
    ],
)
def test_deprecated_init_names_warn_and_fill_as_the_new_ones(name: str) -> None:
    """PyTorch's old names (``nn.init.orthogonal``, as older programs call it): a FutureWarning
    in PyTorch's words, then the same fill as the name with the underscore."""
    args = (0.5,) if name == "constant" else ()
    seed = {} if name == "constant" else {"generator": 0}
    old, new = mg.zeros(4, 3), mg.zeros(4, 3)
    with pytest.warns(
        FutureWarning,
        match=rf"^`nn\.init\.{name}` is now deprecated in favor of `nn\.init\.{name}_`\.$",
    ):
        out = getattr(nn.init, name)(old, *args, **seed)
    assert out is old
    getattr(nn.init, name + "_")(new, *args, **seed)
    np.testing.assert_array_equal(old.numpy(), new.numpy())
