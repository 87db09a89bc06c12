"""Module containers and lookups as PyTorch has them: ``ParameterList``, ``ParameterDict``,
``insert``/``pop`` on ``Sequential`` and ``ModuleList``, ``ModuleDict``'s dict methods,
``get_submodule``/``get_parameter``/``get_buffer``; and ``inference_mode``, ``@no_grad`` without
parentheses."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def _names(seq: Any) -> list[str]:
    return [type(m).__name__ for m in seq]


def test_sequential_insert_and_pop_renumber_as_torch() -> None:
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    assert seq.insert(0, nn.Tanh()) is seq
    assert _names(seq) == ["Tanh", "Linear", "ReLU"]
    seq.insert(-1, nn.Sigmoid())
    assert _names(seq) == ["Tanh", "Linear", "Sigmoid", "ReLU"]
    assert list(seq.state_dict()) == ["1.weight", "1.bias"]
    assert isinstance(seq.pop(0), nn.Tanh)
    assert list(seq.state_dict()) == ["0.weight", "0.bias"] and len(seq) == 3
    assert seq(mg.ones(1, 2)).shape == (1, 3)
    with pytest.raises(IndexError, match="Index out of range: 5"):
        seq.insert(5, nn.ReLU())
    with pytest.raises(TypeError, match="expected a Module"):
        seq.insert(0, "relu")
    assert len(seq) == 3


def test_module_list_insert_pop_and_module_dict_methods() -> None:
    ml = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 2)])
    assert ml.insert(1, nn.ReLU()) is None
    assert _names(ml) == ["Linear", "ReLU", "Linear"]
    assert isinstance(ml.pop(-1), nn.Linear) and len(ml) == 2
    md = nn.ModuleDict({"a": nn.Linear(1, 1)})
    md.update([("b", nn.ReLU())])
    md.update({"c": nn.Tanh()})
    assert list(md.keys()) == ["a", "b", "c"]
    assert isinstance(md.pop("b"), nn.ReLU) and list(md) == ["a", "c"]
    md.clear()
    assert len(md) == 0 and list(md.parameters()) == []


def test_parameter_list_and_dict_register_their_parameters() -> None:
    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.ws = nn.ParameterList([nn.Parameter(mg.ones(2)), mg.zeros(3)])
            self.named = nn.ParameterDict({"scale": mg.ones(1)})

        def forward(self, x: Any) -> Any:
            return (x * self.ws[0]).sum() + self.ws[1].sum() + self.named["scale"].sum()

    m = Model()
    assert list(m.state_dict()) == ["ws.0", "ws.1", "named.scale"]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in m.parameters())
    m(mg.ones(2)).backward()
    assert m.ws[1].grad is not None and m.named["scale"].grad.tolist() == [1.0]
    opt = mg.optim.SGD(m.parameters(), lr=0.5)
    opt.step()
    assert m.ws[0].tolist() == [0.5, 0.5]
    m.ws.append(mg.ones(4))
    assert len(m.ws) == 3 and m.get_parameter("ws.2").shape == (4,)
    assert len(m.ws[1:]) == 2 and isinstance(m.ws[1:], nn.ParameterList)
    assert "scale" in m.named and m.named.pop("scale").shape == (1,)
    with pytest.raises(TypeError, match="expected a Parameter or a Tensor, got list"):
        m.ws.append([1.0])
    with pytest.raises(IndexError):
        m.ws[7]


def test_containers_print_as_torch() -> None:
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        lib.set_default_dtype(lib.float32)
    ours = repr(nn.ParameterList([mg.ones(2), mg.ones(2, 3)]))
    theirs = repr(torch.nn.ParameterList([torch.ones(2), torch.ones(2, 3)]))
    assert ours.replace("minigrad.", "torch.") == theirs


def test_get_submodule_parameter_and_buffer() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    assert model.get_submodule("") is model and model.get_submodule("1") is model[1]
    assert model.get_parameter("0.weight") is model[0].weight
    assert model.get_buffer("1.running_mean") is model[1].running_mean
    with pytest.raises(AttributeError, match=r"^Sequential has no attribute `5`"):
        model.get_submodule("5")
    with pytest.raises(AttributeError, match=r"^Linear has no attribute `w`"):
        model.get_parameter("0.w")
    with pytest.raises(AttributeError, match=r"^`running_mean` is not an nn.Parameter"):
        model.get_parameter("1.running_mean")
    with pytest.raises(AttributeError, match=r"^`weight` is not a buffer"):
        model.get_buffer("0.weight")


def test_inference_mode_records_nothing_and_decorates() -> None:
    x = mg.ones(2, requires_grad=True)
    with mg.inference_mode():
        assert (x * 2).requires_grad is False and not mg.is_grad_enabled()
    assert mg.is_grad_enabled()
    with mg.inference_mode(False):
        assert (x * 2).requires_grad

    @mg.inference_mode
    def bare(t: Any) -> Any:
        return t * 2

    @mg.inference_mode()
    def called(t: Any) -> Any:
        return t * 2

    @mg.no_grad
    def no_grad_bare(t: Any) -> Any:
        return t * 2

    for f in (bare, called, no_grad_bare):
        assert f(x).requires_grad is False
    assert f.__name__ == "no_grad_bare"
    assert mg.autograd.inference_mode is mg.inference_mode
    np.testing.assert_array_equal(bare(x).numpy(), [2.0, 2.0])


def test_module_list_plus_modules_is_a_new_module_list() -> None:
    """``ModuleList + list`` (or another ModuleList) is a new ModuleList, numbered from 0, as
    PyTorch's ``__add__``; ``+=`` extends in place. (A list of Modules assigned to a Module
    becomes a ModuleList, so ``self.layers = self.layers + [layer]`` needs it.)"""
    a, b, c = nn.Linear(1, 1), nn.Linear(1, 2), nn.Linear(2, 3)
    ml = nn.ModuleList([a])
    both = ml + [b]  # noqa: RUF005  (the operator is what is tested)
    assert type(both) is nn.ModuleList and list(both) == [a, b] and list(ml) == [a]
    assert list(both + nn.ModuleList([c])) == [a, b, c]
    assert [n for n, _ in (both + [c]).named_parameters()][-2:] == ["2.weight", "2.bias"]  # noqa: RUF005
    same = ml
    ml += [b, c]
    assert ml is same and list(ml) == [a, b, c]

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = []
            for layer in (a, b, c):
                self.layers = self.layers + [layer]  # noqa: RUF005

    assert list(Net().layers) == [a, b, c]
