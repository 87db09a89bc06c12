"""Tests for minigrad.nn: modules, parameter discovery, layers, state dicts, init."""

import math
from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3, generator=0)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(3, 2, generator=1)
        self.scale = nn.Parameter(np.ones(2, dtype=np.float32))

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


class WithList(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2, generator=i) for i in range(3)]
        self.heads = {"a": nn.Linear(2, 1, generator=5), "b": nn.Linear(2, 1, generator=6)}

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.heads["a"](x) + self.heads["b"](x)


def mlp(dtype=None):
    return nn.Sequential(
        nn.Linear(4, 3, dtype=dtype, generator=0), nn.Sigmoid(), nn.Linear(3, 2, dtype=dtype)
    )


# -- discovery and naming ---------------------------------------------------------------------


def test_sequential_discovers_parameters_and_trains():
    model = mlp()
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    x = mg.randn(5, 4, generator=2)
    loss = nn.functional.cross_entropy(model(x), mg.tensor([0, 1, 1, 0, 1]))
    loss.backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in model.parameters())


def test_custom_module_names_and_order():
    m = TwoLayer()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert [n for n, _ in m.named_children()] == ["fc1", "act", "fc2"]
    assert [n for n, _ in m.named_modules()] == ["", "fc1", "act", "fc2"]
    assert len(list(m.modules())) == 4
    assert isinstance(m.fc1.weight, nn.Parameter)
    assert m.fc1.weight.requires_grad


def test_lists_and_dicts_of_modules_are_discovered():
    m = WithList()
    assert isinstance(m.layers, nn.ModuleList) and isinstance(m.heads, nn.ModuleDict)
    names = [n for n, _ in m.named_parameters()]
    assert names[:2] == ["layers.0.weight", "layers.0.bias"]
    assert "layers.2.bias" in names and "heads.b.weight" in names
    assert len(names) == 10
    out = m(mg.ones(3, 2))
    out.sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.layers.append(nn.Linear(2, 2))
    assert "layers.3.weight" in dict(m.named_parameters())


def test_nested_sequential_names():
    model = nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.ReLU()), nn.Linear(2, 1))
    assert [n for n, _ in model.named_parameters()] == [
        "0.0.weight",
        "0.0.bias",
        "1.weight",
        "1.bias",
    ]


def test_shared_parameter_listed_once_first_name_wins():
    lin = nn.Linear(3, 3)
    model = nn.Sequential(lin, nn.ReLU(), lin)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(model.parameters())) == 2
    tied = nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 3))
    tied[1].weight = tied[0].weight
    assert [n for n, _ in tied.named_parameters()] == ["0.weight", "0.bias", "1.bias"]
    # The state dict lists a tied parameter under each of its names, as PyTorch does.
    assert list(tied.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_reassigning_and_deleting_attributes():
    m = TwoLayer()
    with pytest.raises(TypeError, match="Parameter or None"):
        m.scale = mg.ones(2)
    m.scale = None
    assert "scale" not in dict(m.named_parameters())
    del m.fc2
    assert [n for n, _ in m.named_children()] == ["fc1", "act"]
    with pytest.raises(AttributeError, match="fc2"):
        m.fc2


def test_assign_before_init_is_a_clear_error():
    class Bad(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"super\(\)\.__init__"):
        Bad()


def test_parameter_is_float_only_and_shares_tensor_data():
    with pytest.raises(RuntimeError, match="floating point"):  # PyTorch's type
        nn.Parameter(np.arange(3))
    t = mg.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert p.detach().numpy() is t.detach().numpy() and p.requires_grad and p.is_leaf
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert not nn.Parameter(t, requires_grad=False).requires_grad


def test_repr_tree():
    assert repr(mlp()) == (
        "Sequential(\n"
        "  (0): Linear(in_features=4, out_features=3, bias=True)\n"
        "  (1): Sigmoid()\n"
        "  (2): Linear(in_features=3, out_features=2, bias=True)\n"
        ")"
    )
    nested = nn.Sequential(nn.Sequential(nn.Linear(2, 1, bias=False)), nn.Softmax(dim=1))
    assert repr(nested) == (
        "Sequential(\n"
        "  (0): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=1, bias=False)\n"
        "  )\n"
        "  (1): Softmax(dim=1)\n"
        ")"
    )
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"


def test_train_eval_propagate():
    m = WithList()
    assert all(mod.training for mod in m.modules())
    assert m.eval() is m
    assert not any(mod.training for mod in m.modules())
    m.train()
    assert all(mod.training for mod in m.modules())


def test_apply_visits_children_first():
    seen = []
    mlp().apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "Sigmoid", "Linear", "Sequential"]


def test_float_double_to_keep_parameter_identity():
    model = mlp()
    params = list(model.parameters())
    model(mg.ones(2, 4)).sum().backward()
    assert model.double() is model
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    assert all(p.dtype == np.float64 and p.grad.dtype == np.float64 for p in params)
    assert model(mg.ones(2, 4, dtype="float64")).dtype == np.float64
    model.float()
    assert all(p.dtype == np.float32 for p in params)
    model.to("float64")
    assert all(p.dtype == np.float64 for p in params)
    with pytest.raises(TypeError, match="floating"):
        model.to(np.int64)


def test_zero_grad_both_modes():
    model = mlp()
    model(mg.ones(2, 4)).sum().backward()
    grads = [p.grad for p in model.parameters()]
    model.zero_grad(set_to_none=False)
    assert all(p.grad is g for p, g in zip(model.parameters(), grads))
    assert all(np.all(p.grad.numpy() == 0) for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_requires_grad_freezes():
    model = mlp()
    model[0].requires_grad_(False)
    model(mg.ones(2, 4)).sum().backward()
    assert model[0].weight.grad is None and model[2].weight.grad is not None


# -- Sequential and containers ----------------------------------------------------------------


def test_sequential_indexing_slicing_and_append():
    model = mlp()
    assert len(model) == 3
    assert isinstance(model[0], nn.Linear) and model[-1] is model[2]
    head = model[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is model[0]
    assert [n for n, _ in model[1:].named_parameters()] == ["2.weight", "2.bias"]
    assert [type(m).__name__ for m in model] == ["Linear", "Sigmoid", "Linear"]
    model.append(nn.Softmax(dim=1))
    assert len(model) == 4
    np.testing.assert_allclose(model(mg.ones(2, 4)).sum(axis=1).detach().numpy(), [1, 1], rtol=1e-6)
    with pytest.raises(IndexError):
        model[4]
    with pytest.raises(TypeError, match="Module"):
        nn.Sequential(nn.Linear(1, 1), lambda x: x)


def test_sequential_delete_renumbers_and_deepcopy_is_independent():
    import copy

    model = mlp()
    del model[1]
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    clone = copy.deepcopy(model)
    assert isinstance(clone[0].weight, nn.Parameter)
    clone[0].weight.data[...] = 0
    assert not np.all(model[0].weight.detach().numpy() == 0)


def test_sequential_from_ordered_dict():
    model = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert [n for n, _ in model.named_parameters()] == ["hidden.weight", "hidden.bias"]
    assert model.hidden is model[0]


# -- layers -----------------------------------------------------------------------------------


def test_linear_forward_matches_numpy_and_shapes():
    lin = nn.Linear(4, 3, generator=0)
    assert lin.weight.shape == (3, 4) and lin.bias.shape == (3,)
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    out = lin(mg.tensor(x))
    np.testing.assert_allclose(
        out.detach().numpy(),
        x @ lin.weight.detach().numpy().T + lin.bias.detach().numpy(),
        rtol=1e-6,
    )
    assert lin(mg.tensor(x[0])).shape == (3,)
    assert lin(mg.tensor(np.stack([x, x]))).shape == (2, 5, 3)
    no_bias = nn.Linear(4, 3, bias=False)
    assert no_bias.bias is None and [n for n, _ in no_bias.named_parameters()] == ["weight"]
    np.testing.assert_allclose(
        no_bias(mg.tensor(x)).detach().numpy(), x @ no_bias.weight.detach().numpy().T, rtol=1e-6
    )


def test_linear_is_one_op_and_checks_shapes():
    lin = nn.Linear(4, 3)
    out = lin(mg.ones(2, 4))
    assert type(out.grad_fn).__name__ == "Linear"
    with pytest.raises(ValueError, match=r"Linear\(in_features=4.*\(2, 5\).*4"):
        lin(mg.ones(2, 5))


def test_linear_gradcheck_float64():
    lin = nn.Linear(3, 2, dtype="float64", generator=0)
    x = mg.randn(4, 3, dtype="float64", generator=1, requires_grad=True)
    assert mg.gradcheck(lambda x, w, b: lin(x), [x, lin.weight, lin.bias])
    f = nn.functional
    assert mg.gradcheck(f.linear, [x, lin.weight, lin.bias])


def test_linear_default_init_bounds_and_seed():
    lin = nn.Linear(50, 40, generator=3)
    bound = 1 / math.sqrt(50)
    for p in (lin.weight, lin.bias):
        assert np.abs(p.detach().numpy()).max() <= bound
    assert np.abs(lin.weight.detach().numpy()).max() > 0.9 * bound  # the whole interval is used
    np.testing.assert_array_equal(
        lin.weight.detach().numpy(), nn.Linear(50, 40, generator=3).weight.detach().numpy()
    )
    assert not np.array_equal(
        lin.weight.detach().numpy(), nn.Linear(50, 40, generator=4).weight.detach().numpy()
    )
    mg.manual_seed(7)
    a = nn.Linear(5, 5).weight.detach().numpy().copy()
    mg.manual_seed(7)
    np.testing.assert_array_equal(a, nn.Linear(5, 5).weight.detach().numpy())
    assert nn.Linear(2, 2, dtype="float64").weight.dtype == np.float64


def test_activation_modules_match_numpy():
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    t = mg.tensor(x, dtype="float64")
    np.testing.assert_allclose(nn.Sigmoid()(t).detach().numpy(), 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(nn.ReLU()(t).detach().numpy(), np.maximum(x, 0))
    np.testing.assert_allclose(nn.Tanh()(t).detach().numpy(), np.tanh(x))
    e = np.exp(x - x.max(axis=1, keepdims=True))
    sm = e / e.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(nn.Softmax(dim=1)(t).detach().numpy(), sm)
    np.testing.assert_allclose(nn.LogSoftmax(dim=-1)(t).detach().numpy(), np.log(sm))
    e0 = np.exp(x - x.max(axis=0))
    np.testing.assert_allclose(nn.Softmax(dim=0)(t).detach().numpy(), e0 / e0.sum(axis=0))
    assert nn.Identity()(t) is t
    assert nn.Flatten()(mg.ones(2, 3, 4)).shape == (2, 12)
    assert nn.Flatten(0, 1)(mg.ones(2, 3, 4)).shape == (6, 4)


# -- state dict -------------------------------------------------------------------------------


def test_state_dict_shares_data_and_round_trips():
    model = TwoLayer()
    sd = model.state_dict()
    assert list(sd) == ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert all(isinstance(v, mg.Tensor) and not v.requires_grad for v in sd.values())
    assert sd["fc1.weight"].detach().numpy() is model.fc1.weight.detach().numpy()
    snapshot = {k: v.detach().numpy().copy() for k, v in sd.items()}
    other = TwoLayer()
    for p in other.parameters():
        p.data[...] = 0.5
    weight = other.fc1.weight
    other.load_state_dict(snapshot)
    assert other.fc1.weight is weight
    for k, v in other.state_dict().items():
        np.testing.assert_array_equal(v.detach().numpy(), snapshot[k])
    x = mg.randn(3, 4, generator=0)
    np.testing.assert_array_equal(other(x).detach().numpy(), model(x).detach().numpy())


def test_load_state_dict_casts_dtype_and_accepts_tensors():
    model = mlp()
    sd64 = {k: v.detach().numpy().astype(np.float64) + 1 for k, v in model.state_dict().items()}
    model.load_state_dict(sd64)
    assert all(p.dtype == np.float32 for p in model.parameters())
    np.testing.assert_allclose(model[0].bias.detach().numpy(), sd64["0.bias"])
    model.load_state_dict({k: mg.tensor(v) for k, v in sd64.items()})


def _arrays(model):
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def test_load_state_dict_errors_leave_model_untouched():
    model = mlp()
    before = _arrays(model)
    good = {k: np.full_like(v, 9.0) for k, v in before.items()}

    missing = dict(good)
    del missing["2.bias"]
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "2.bias". '):
        model.load_state_dict(missing)

    extra = dict(good, **{"3.weight": np.zeros(2)})
    with pytest.raises(RuntimeError, match=r'Unexpected key\(s\) in state_dict: "3.weight". '):
        model.load_state_dict(extra)

    wrong = dict(good, **{"2.weight": np.zeros((3, 2))})
    with pytest.raises(
        RuntimeError,
        match=r"size mismatch for 2\.weight: copying a param with shape minigrad\.Size\(\[3, 2\]\) "
        r"from checkpoint, the shape in current model is minigrad\.Size\(\[2, 3\]\)\.\n"
        r"Nothing was loaded",
    ):
        model.load_state_dict(wrong)
    with pytest.raises(RuntimeError, match=r"2\.weight"):
        model.load_state_dict(wrong, strict=False)

    bad_type = dict(good, **{"0.bias": np.array(["a", "b", "c"])})
    with pytest.raises(RuntimeError, match=r"expected minigrad\.Tensor or Tensor-like object"):
        model.load_state_dict(bad_type)

    for k, v in _arrays(model).items():
        np.testing.assert_array_equal(v, before[k])


def test_load_state_dict_non_strict_reports_keys():
    model = mlp()
    sd = {"0.weight": np.zeros((3, 4)), "9.bias": np.zeros(1)}
    result = model.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["0.bias", "2.weight", "2.bias"]
    assert result.unexpected_keys == ["9.bias"]
    assert np.all(model[0].weight.detach().numpy() == 0)


def _load_errors(lib: Any) -> list[Any]:
    """The messages and results of load_state_dict's misuses (the same program in both)."""
    m = lib.nn.Sequential(lib.nn.Linear(3, 4))
    out: list[Any] = []
    for sd, strict in [
        ({"x": lib.zeros(1)}, True),
        ({"0.weight": lib.zeros(2, 2), "0.bias": lib.zeros(4)}, True),
        ({"0.weight": lib.zeros(2, 2), "x": lib.zeros(4)}, True),
        ({"0.weight": lib.zeros(2, 2), "0.bias": lib.zeros(4)}, False),
        ({"0.weight": "abc", "0.bias": lib.zeros(4)}, True),
    ]:
        with pytest.raises(RuntimeError) as err:
            m.load_state_dict(sd, strict=strict)
        out.append(str(err.value).replace("torch.", "minigrad."))
    result = m.load_state_dict({"0.weight": lib.zeros(4, 3), "x": lib.zeros(4)}, strict=False)
    out += [repr(result), list(result), str(m.load_state_dict(m.state_dict()))]
    return out


def test_load_state_dict_speaks_torchs_words():
    torch = pytest.importorskip("torch")
    ours, theirs = _load_errors(mg), _load_errors(torch)
    tail = "\nNothing was loaded: the module is unchanged."
    for a, b in zip(ours[:4], theirs[:4]):
        assert a == b + tail  # PyTorch's message, then minigrad's line (it loads all or none)
    assert ours[4].startswith(
        "Error(s) in loading state_dict for Sequential:\n\tWhile copying "
        'the parameter named "0.weight", expected minigrad.Tensor or '
    )
    assert ours[4].endswith("from checkpoint but received <class 'str'>" + tail)
    assert ours[5:] == theirs[5:]
    assert ours[5] == "_IncompatibleKeys(missing_keys=['0.bias'], unexpected_keys=['x'])"
    assert ours[7] == "<All keys matched successfully>"


def test_module_type_casts_parameters_grads_and_buffers():
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        bn = lib.nn.BatchNorm1d(3)
        bn.weight.grad = lib.ones(3)
        assert bn.type(lib.float64) is bn
        assert bn.weight.dtype == bn.weight.grad.dtype == bn.running_mean.dtype == lib.float64
        assert bn.num_batches_tracked.dtype == lib.float64  # every buffer, as PyTorch casts
        assert bn.type("torch.FloatTensor").bias.dtype == lib.float32
        with pytest.raises(RuntimeError, match=r"requires gradients must be floating point"):
            bn.type(lib.int64)


def test_buffers_follow_state_dict_and_dtype():
    class WithBuffer(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)
            self.register_buffer("running", mg.zeros(2))
            self.register_buffer("scratch", mg.zeros(2), persistent=False)

    m = WithBuffer()
    # A module's own entries come before its children's, as in PyTorch.
    assert list(m.state_dict()) == ["running", "fc.weight", "fc.bias"]
    assert [n for n, _ in m.named_buffers()] == ["running", "scratch"]
    m.double()
    assert m.running.dtype == np.float64
    assert len(list(m.parameters())) == 2


def test_shared_members_named_as_torch_names_them():
    # a module used twice, and a parameter and a buffer registered twice: listed once by
    # default, and under every name with remove_duplicate=False (shared modules walked again)
    torch = pytest.importorskip("torch")

    def build(nn_: Any, zeros: Any) -> Any:
        shared = nn_.BatchNorm1d(2)
        model = nn_.Sequential(shared, nn_.Linear(2, 2), shared)
        model[1].register_parameter("again", model[1].weight)
        model[1].register_buffer("stat", zeros(2))
        model[1].register_buffer("stat_again", model[1].stat)
        return model

    ours, theirs = build(nn, mg.zeros), build(torch.nn, torch.zeros)
    for dup in (True, False):
        for method in ("named_parameters", "named_buffers"):
            names = [n for n, _ in getattr(ours, method)(remove_duplicate=dup)]
            assert names == [n for n, _ in getattr(theirs, method)(remove_duplicate=dup)], method
            no_recurse = [
                n for n, _ in getattr(ours[1], method)(recurse=False, remove_duplicate=dup)
            ]
            assert no_recurse == [
                n for n, _ in getattr(theirs[1], method)(recurse=False, remove_duplicate=dup)
            ]
    assert len(list(ours.parameters())) == len(list(theirs.parameters()))
    assert len(list(ours.buffers())) == len(list(theirs.buffers()))


def test_module_list_and_sequential_delete_renumber_and_append_as_torch():
    torch = pytest.importorskip("torch")
    for make in (lambda nn_, ms: nn_.ModuleList(ms), lambda nn_, ms: nn_.Sequential(*ms)):
        ours = make(nn, [nn.Linear(1, k) for k in range(1, 7)])
        theirs = make(torch.nn, [torch.nn.Linear(1, k) for k in range(1, 7)])
        for container in (ours, theirs):
            del container[1]
            del container[-1]
            del container[1:3]
            container.append(type(container[0])(1, 9))
            container[-1] = type(container[0])(1, 8)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
            (n, tuple(p.shape)) for n, p in theirs.named_parameters()
        ]
        assert len(ours) == len(theirs) == 3
        assert [m.out_features for m in ours] == [m.out_features for m in theirs]
        with pytest.raises(IndexError, match="out of range"):
            ours[3] = nn.Linear(1, 1)
        with pytest.raises(TypeError, match="expected a Module"):
            ours.append(3)  # type: ignore[arg-type]


def test_state_dict_matches_torch_both_ways():
    torch = pytest.importorskip("torch")
    model = mlp()
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 2))
    assert list(model.state_dict()) == list(tmodel.state_dict())
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)

    # torch -> minigrad
    model.load_state_dict({k: v.detach().numpy() for k, v in tmodel.state_dict().items()})
    expected = tmodel(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(model(mg.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-6)

    # minigrad -> torch
    other = mlp()
    tmodel.load_state_dict(
        {k: torch.from_numpy(v.detach().numpy().copy()) for k, v in other.state_dict().items()}
    )
    expected = tmodel(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(other(mg.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_linear_gradients_match_torch():
    torch = pytest.importorskip("torch")
    model = mlp(dtype="float64")
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 2))
    tmodel.double()
    tmodel.load_state_dict(
        {k: torch.from_numpy(v.detach().numpy().copy()) for k, v in model.state_dict().items()}
    )
    x = np.random.default_rng(0).standard_normal((6, 4))
    y = np.array([0, 1, 1, 0, 1, 0])
    nn.functional.cross_entropy(model(mg.tensor(x)), y).backward()
    torch.nn.functional.cross_entropy(tmodel(torch.from_numpy(x)), torch.from_numpy(y)).backward()
    tgrads = {n: p.grad.numpy() for n, p in tmodel.named_parameters()}
    for n, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tgrads[n], rtol=1e-10, atol=1e-12)


# -- init -------------------------------------------------------------------------------------


def test_calculate_gain_table():
    init = nn.init
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))
    assert init.calculate_gain("selu") == pytest.approx(0.75)
    with pytest.raises(ValueError, match="unsupported"):
        init.calculate_gain("swish")


def test_fan_in_and_fan_out():
    fan = nn.init._calculate_fan_in_and_fan_out
    assert fan(mg.zeros(30, 20)) == (20, 30)
    assert fan(mg.zeros(8, 3, 5, 5)) == (75, 200)
    with pytest.raises(ValueError, match="fewer than 2"):
        fan(mg.zeros(5))


def test_init_functions_fill_in_place_with_expected_distributions():
    init = nn.init
    w = mg.zeros(200, 300)
    data = w.detach().numpy()
    fan_in, fan_out = 300, 200

    assert init.uniform_(w, -2, 3, generator=0) is w and w.detach().numpy() is data
    assert (
        w.detach().numpy().min() >= -2
        and w.detach().numpy().max() < 3
        and abs(w.detach().numpy().mean() - 0.5) < 0.05
    )

    init.normal_(w, 1.0, 2.0, generator=0)
    assert (
        abs(w.detach().numpy().mean() - 1.0) < 0.05 and abs(w.detach().numpy().std() - 2.0) < 0.05
    )

    init.xavier_uniform_(w, gain=2.0, generator=0)
    a = 2.0 * math.sqrt(6 / (fan_in + fan_out))
    assert np.abs(w.detach().numpy()).max() <= a and np.abs(w.detach().numpy()).max() > 0.99 * a

    init.xavier_normal_(w, generator=0)
    assert w.detach().numpy().std() == pytest.approx(math.sqrt(2 / (fan_in + fan_out)), rel=0.02)

    init.kaiming_uniform_(w, nonlinearity="relu", generator=0)
    bound = math.sqrt(2) * math.sqrt(3 / fan_in)
    assert (
        np.abs(w.detach().numpy()).max() <= bound
        and np.abs(w.detach().numpy()).max() > 0.99 * bound
    )

    init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu", generator=0)
    assert np.abs(w.detach().numpy()).max() <= math.sqrt(6 / fan_out)

    init.kaiming_normal_(w, nonlinearity="relu", generator=0)
    assert w.detach().numpy().std() == pytest.approx(math.sqrt(2 / fan_in), rel=0.02)

    assert np.all(init.zeros_(w).detach().numpy() == 0) and np.all(
        init.ones_(w).detach().numpy() == 1
    )
    assert np.all(init.constant_(w, 0.25).detach().numpy() == 0.25)
    assert w.detach().numpy() is data and w.dtype == np.float32


def test_init_generators_repeat_and_no_graph():
    init = nn.init
    p = nn.Parameter(np.zeros((4, 4)))
    init.normal_(p, generator=np.random.default_rng(5))
    first = p.detach().numpy().copy()
    init.normal_(p, generator=5)
    np.testing.assert_array_equal(p.detach().numpy(), first)
    assert p.grad_fn is None and p.is_leaf
    with pytest.raises(ValueError, match="fan_in"):
        init.kaiming_uniform_(p, mode="fan_middle")


# ---------------------------------------------------------------------------------------------
# softmax without a dim: PyTorch's implicit (deprecated) choice, not the last axis


IMPLICIT = {
    "F.softmax": lambda lib, x: lib.nn.functional.softmax(x),
    "F.log_softmax": lambda lib, x: lib.nn.functional.log_softmax(x),
    "nn.Softmax": lambda lib, x: lib.nn.Softmax()(x),
    "nn.LogSoftmax": lambda lib, x: lib.nn.LogSoftmax()(x),
}


@pytest.mark.parametrize("name", sorted(IMPLICIT))
def test_softmax_without_dim_takes_pytorchs_implicit_dim_and_warns(name: str) -> None:
    f = IMPLICIT[name]
    for shape, dim in (((5,), 0), ((2, 5), 1), ((2, 3, 4), 0), ((2, 3, 4, 5), 1)):
        a = np.random.default_rng(len(shape)).standard_normal(shape)
        with pytest.warns(UserWarning, match="Implicit dimension choice for .*softmax"):
            got = f(mg, mg.tensor(a))
        t = mg.tensor(a)
        explicit = t.log_softmax(dim) if "Log" in name or "log" in name else t.softmax(dim)
        np.testing.assert_allclose(got.numpy(), explicit.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(IMPLICIT))
def test_softmax_without_dim_against_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    f = IMPLICIT[name]
    for shape in ((5,), (2, 5), (2, 3, 4), (2, 3, 4, 5)):
        a = np.random.default_rng(len(shape)).standard_normal(shape)
        with pytest.warns(UserWarning):
            ref = f(torch, torch.tensor(a))
        with pytest.warns(UserWarning):
            got = f(mg, mg.tensor(a))
        np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-12)


def test_softmax_refuses_axis_and_dim_together_and_unknown_keywords() -> None:
    x = mg.ones(2, 3)
    with pytest.raises(TypeError, match=r"softmax\(\): give axis or dim, not both"):
        nn.functional.softmax(x, 0, dim=1)
    with pytest.raises(
        TypeError, match="log_softmax\\(\\) got an unexpected keyword argument 'keepdim'"
    ):
        nn.functional.log_softmax(x, dim=1, keepdim=True)
