"""PyTorch's optimizer options beyond the update rule: the implementation switches (``foreach``,
``fused``, ``capturable``, ``differentiable``) and parameters given by name
(``model.named_parameters()``). Same signatures, same param groups, same state dicts."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim

NAMES = [
    "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam",
    "ASGD", "Rprop",
]  # fmt: skip
# The switches each optimizer has in PyTorch 2.13.
SWITCHES = {name: ("foreach", "capturable", "differentiable") for name in NAMES}
SWITCHES |= {
    "SGD": ("foreach", "differentiable", "fused"),
    "Adagrad": ("foreach", "differentiable", "fused"),
    "Adam": ("foreach", "capturable", "differentiable", "fused"),
    "AdamW": ("foreach", "capturable", "differentiable", "fused"),
}
CASES = [(name, key) for name in NAMES for key in SWITCHES[name]]


def _model() -> nn.Module:
    mg.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def _train(opt_of, steps: int = 5) -> list[np.ndarray]:
    model = _model()
    opt = opt_of(model)
    x = mg.tensor(np.linspace(-1, 1, 12).reshape(4, 3).astype(np.float32))
    for _ in range(steps):
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        opt.step()
    return [p.detach().numpy().copy() for p in model.parameters()]


@pytest.mark.parametrize(("name", "key"), CASES)
def test_switch_in_the_param_group(name: str, key: str) -> None:
    opt = getattr(optim, name)(_model().parameters(), lr=0.01)
    default = None if key in ("foreach", "fused") else False
    assert opt.param_groups[0][key] is default
    assert opt.defaults[key] is default
    assert opt.state_dict()["param_groups"][0][key] is default


@pytest.mark.parametrize(("name", "key"), [c for c in CASES if c[1] in ("foreach", "fused")])
@pytest.mark.parametrize("value", [True, False])
def test_foreach_and_fused_change_nothing(name: str, key: str, value: bool) -> None:
    cls = getattr(optim, name)
    plain = _train(lambda m: cls(m.parameters(), lr=0.01))
    switched = _train(lambda m: cls(m.parameters(), lr=0.01, **{key: value}))
    for a, b in zip(plain, switched):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("name", "key"), [c for c in CASES if c[1] in ("capturable", "differentiable")]
)
def test_capturable_and_differentiable_refused(name: str, key: str) -> None:
    model = _model()
    with pytest.raises(ValueError, match=rf"^{name}: {key}=True"):
        getattr(optim, name)(model.parameters(), lr=0.01, **{key: True})
    opt = getattr(optim, name)(model.parameters(), lr=0.01)
    extra = nn.Parameter(mg.ones(2))
    with pytest.raises(ValueError, match=rf"{key}=True"):
        opt.add_param_group({"params": [extra], key: True})
    assert len(opt.param_groups) == 1  # nothing half-added


def test_fused_with_foreach_refused() -> None:
    with pytest.raises(RuntimeError, match=r"`fused` and `foreach` cannot be `True` together"):
        optim.Adam(_model().parameters(), fused=True, foreach=True)


def test_switch_not_a_bool_refused() -> None:
    with pytest.raises(TypeError, match=r"SGD: foreach must be None, True or False, got 'yes'"):
        optim.SGD(_model().parameters(), lr=0.1, foreach="yes")


def test_no_switch_where_pytorch_has_none() -> None:
    with pytest.raises(TypeError, match="fused"):
        optim.RMSprop(_model().parameters(), fused=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="foreach"):
        optim.LBFGS(_model().parameters(), foreach=False)  # type: ignore[call-arg]


def test_load_state_dict_refuses_capturable_and_changes_nothing() -> None:
    model = _model()
    opt = optim.Adam(model.parameters(), lr=0.01)
    saved = opt.state_dict()
    saved["param_groups"][0]["capturable"] = True
    saved["param_groups"][0]["lr"] = 0.5
    with pytest.raises(ValueError, match=r"capturable=True"):
        opt.load_state_dict(saved)
    assert opt.param_groups[0]["lr"] == 0.01


def test_named_parameters_keep_their_names() -> None:
    model = _model()
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(isinstance(p, mg.Tensor) for p in opt.param_groups[0]["params"])
    assert opt.state_dict()["param_groups"][0]["param_names"] == opt.param_groups[0]["param_names"]
    by_name = _train(lambda m: optim.SGD(m.named_parameters(), lr=0.1, momentum=0.9))
    plain = _train(lambda m: optim.SGD(m.parameters(), lr=0.1, momentum=0.9))
    for a, b in zip(by_name, plain):
        np.testing.assert_array_equal(a, b)


def test_named_parameters_in_groups() -> None:
    model = _model()
    opt = optim.Adam(
        [
            {"params": model[0].named_parameters(prefix="0")},
            {"params": model[2].named_parameters(prefix="2"), "lr": 0.1},
        ],
        lr=0.01,
    )
    assert [g["param_names"] for g in opt.param_groups] == [
        ["0.weight", "0.bias"],
        ["2.weight", "2.bias"],
    ]


def test_named_and_unnamed_refused() -> None:
    model = _model()
    mixed = [("w", model[0].weight), model[0].bias]
    with pytest.raises(ValueError, match=r"Some param names are missing"):
        optim.SGD(mixed, lr=0.1)
    opt = optim.SGD(model[0].named_parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"cannot add param group without names"):
        opt.add_param_group({"params": list(model[2].parameters())})
    assert len(opt.param_groups) == 1


def test_load_state_dict_keeps_names_when_the_dict_has_none() -> None:
    model = _model()
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    saved = opt.state_dict()
    del saved["param_groups"][0]["param_names"]
    opt.load_state_dict(saved)
    assert opt.param_groups[0]["param_names"] == ["0.weight", "0.bias", "2.weight", "2.bias"]


# -- against PyTorch ------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_signature_is_pytorchs(name: str) -> None:
    torch = pytest.importorskip("torch")

    def params(cls: type) -> dict[str, tuple[str, object]]:
        sig = inspect.signature(cls.__init__)
        return {p.name: (p.kind.name, p.default) for p in sig.parameters.values()}

    ours, theirs = params(getattr(optim, name)), params(getattr(torch.optim, name))
    assert ours == theirs


@pytest.mark.parametrize("name", NAMES)
def test_param_group_keys_are_pytorchs(name: str) -> None:
    torch = pytest.importorskip("torch")
    ours = getattr(optim, name)(_model().named_parameters(), lr=0.01)
    tmodel = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    theirs = getattr(torch.optim, name)(tmodel.named_parameters(), lr=0.01)
    assert list(ours.param_groups[0]) == list(theirs.param_groups[0])  # (in PyTorch's order)
    for key in SWITCHES[name] + ("param_names",):
        assert ours.param_groups[0][key] == theirs.param_groups[0][key]


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])  # (no state before a step)
def test_fused_state_dict_loads_into_pytorch_and_back(name: str) -> None:
    torch = pytest.importorskip("torch")
    ours = getattr(optim, name)(_model().named_parameters(), lr=0.01, fused=True)
    tmodel = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    theirs = getattr(torch.optim, name)(tmodel.named_parameters(), lr=0.01)
    theirs.load_state_dict(ours.state_dict())
    assert theirs.param_groups[0]["fused"] is True
    ours.load_state_dict(theirs.state_dict())
    assert ours.param_groups[0]["fused"] is True
