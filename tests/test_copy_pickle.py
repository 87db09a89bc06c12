"""``copy.copy``, ``copy.deepcopy`` and ``pickle`` of tensors and modules, as PyTorch's.

PyTorch users keep the best model with ``copy.deepcopy(model)`` and hand models to other
processes by pickling them. A copy must own its memory (nothing the original's views or
``detach()`` aliases did follows it), keep the graph out (``deepcopy`` of a computed tensor is
refused, a pickled one comes back a leaf), and keep what PyTorch keeps: values, dtype, shape,
strides, ``requires_grad``, the subclass, a plain tensor's gradient (not a Parameter's), and the
memory two tensors share inside one copied object. Each behaviour is compared with torch's.
"""

from __future__ import annotations

import copy
import pickle
import warnings
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def _torch() -> ModuleType:
    return pytest.importorskip("torch")


def _libs() -> list[Any]:
    return [mg, _torch()]


def _pickled(obj: Any) -> Any:
    return pickle.loads(pickle.dumps(obj))


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy()


class Tagged(mg.Tensor):
    """A user's subclass (at module level, so that pickle finds it)."""


# -- what made pickling fail: aliases of the original -------------------------------------------


def test_a_module_pickles_after_state_dict_and_trains_the_same() -> None:
    """``state_dict()`` makes detached aliases of the parameters; they used to stop pickle."""
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.BatchNorm1d(4), nn.Linear(4, 2))
    model.state_dict()
    twin = _pickled(model)
    x = mg.randn(5, 3)
    np.testing.assert_array_equal(_np(twin(x)), _np(model(x)))
    for a, b in zip(model.parameters(), twin.parameters(), strict=True):
        assert type(b) is nn.Parameter and b.requires_grad
        assert not np.shares_memory(_np(a), _np(b))
    twin(x).sum().backward()
    assert all(p.grad is not None for p in twin.parameters())
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_a_copy_does_not_inherit_the_originals_aliases(how: str) -> None:
    """The original's ``detach()`` alias sees the original's memory, not the copy's, so it
    must not stop an in-place change of the copy's shape (PyTorch allows it)."""
    for lib in _libs():
        x = lib.ones(3)
        alias = x.detach()
        y = copy.deepcopy(x) if how == "deepcopy" else _pickled(x)
        y.unsqueeze_(0)
        assert tuple(y.shape) == (1, 3) and tuple(alias.shape) == (3,)
    x = mg.ones(3)
    alias = x.detach()
    with pytest.raises(RuntimeError, match="live views or aliases"):
        x.unsqueeze_(0)  # the original still knows its alias


def test_a_deepcopied_model_is_independent_of_its_state_dict() -> None:
    model = nn.Linear(2, 2)
    state = model.state_dict()
    twin = copy.deepcopy(model)
    with mg.no_grad():
        twin.weight.add_(1.0)
    np.testing.assert_array_equal(_np(state["weight"]), _np(model.weight))
    assert not np.shares_memory(_np(twin.weight), _np(state["weight"]))


# -- deepcopy -----------------------------------------------------------------------------------


def test_deepcopy_of_a_computed_tensor_is_refused_in_torchs_words() -> None:
    for lib in _libs():
        y = lib.ones(2, requires_grad=True) * 2
        with pytest.raises(RuntimeError, match=r"Only Tensors created explicitly by the user "
                           r"\(graph leaves\) support the deepcopy protocol"):  # fmt: skip
            copy.deepcopy(y)


def test_deepcopy_keeps_a_tensors_gradient_but_not_a_parameters() -> None:
    for lib in _libs():
        x = lib.ones(3, requires_grad=True)
        p = lib.nn.Parameter(lib.ones(3))
        (x * p).sum().backward()
        x2, p2 = copy.deepcopy(x), copy.deepcopy(p)
        assert x2.requires_grad and x2.grad is not None and p2.grad is None
        np.testing.assert_array_equal(x2.grad.numpy(), x.grad.numpy())
        assert x2.grad is not x.grad and not np.shares_memory(x2.grad.numpy(), x.grad.numpy())
        assert type(p2) is lib.nn.Parameter and p2.requires_grad


def test_deepcopy_keeps_memory_shared_inside_the_copied_object_and_strides() -> None:
    for lib in _libs():
        a = lib.zeros(4)
        whole, part = copy.deepcopy([a, a[1:3]])
        whole[1] = 7.0
        assert part.tolist() == [7.0, 0.0] and a.tolist() == [0.0] * 4
        t = lib.arange(6.0).reshape(2, 3).t()
        assert copy.deepcopy(t).stride() == t.stride() == (1, 3)


def test_deepcopy_keeps_dtype_requires_grad_name_and_memo() -> None:
    for value in (mg.tensor([1, 2]), mg.tensor(True), mg.tensor(3.5, dtype=mg.float64)):
        twin = copy.deepcopy(value)
        assert twin.dtype == value.dtype and twin.tolist() == value.tolist()
    p = nn.Parameter(mg.ones(2), requires_grad=False)
    assert copy.deepcopy(p).requires_grad is False
    named = mg.Tensor([1.0, 2.0], requires_grad=True, name="w")
    assert copy.deepcopy(named).name == "w"
    pair = copy.deepcopy([named, named])
    assert pair[0] is pair[1]  # one tensor twice stays one tensor


def test_deepcopy_and_pickle_keep_a_subclass_and_its_attributes() -> None:
    t = Tagged([1.0, 2.0])
    t.tag = "kept"
    for twin in (copy.deepcopy(t), _pickled(t)):
        assert type(twin) is Tagged and twin.tag == "kept" and twin.tolist() == [1.0, 2.0]


def test_deepcopy_does_not_copy_hooks() -> None:
    for lib in _libs():
        seen: list[int] = []
        x = lib.ones(2, requires_grad=True)
        x.register_hook(lambda g, seen=seen: seen.append(1))
        (copy.deepcopy(x) * 1).sum().backward()
        assert seen == []


# -- copy.copy ----------------------------------------------------------------------------------


def test_copy_is_a_leaf_sharing_memory_without_gradient() -> None:
    for lib in _libs():
        x = lib.ones(3, requires_grad=True)
        x.grad = lib.ones(3)
        for source in (x, x * 2):
            c = copy.copy(source)
            assert c is not source and c.grad_fn is None and c.requires_grad and c.grad is None
        t = lib.zeros(3)
        c = copy.copy(t)
        c[0] = 5.0
        assert t.tolist() == [5.0, 0.0, 0.0]
    p = nn.Parameter(mg.ones(2))
    assert type(copy.copy(p)) is nn.Parameter


# -- pickle -------------------------------------------------------------------------------------


def test_pickle_round_trip_of_values_dtypes_and_views() -> None:
    for lib in _libs():
        for value in (lib.tensor([1, 2]), lib.tensor(True), lib.tensor(3.5), lib.zeros(0, 2)):
            back = _pickled(value)
            assert back.dtype == value.dtype and tuple(back.shape) == tuple(value.shape)
            assert back.tolist() == value.tolist()
        view = lib.arange(6.0).reshape(2, 3)[:, 1:]
        assert _pickled(view).tolist() == [[1.0, 2.0], [4.0, 5.0]]
        a = lib.zeros(4)
        whole, part = _pickled([a, a[1:3]])
        whole[1] = 7.0
        assert part.tolist() == [0.0, 0.0]  # plain pickle shares no memory, as torch's


def test_pickle_of_a_computed_tensor_gives_a_leaf_without_gradient() -> None:
    for lib in _libs():
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        y.sum().backward()
        for source in (x, y):
            back = _pickled(source)
            assert back.grad_fn is None and back.requires_grad and back.grad is None
    p = nn.Parameter(mg.ones(2), requires_grad=False)
    back = _pickled(p)
    assert type(back) is nn.Parameter and back.requires_grad is False


def test_pickle_warns_that_hooks_are_not_serialized_as_torch_does() -> None:
    for lib in _libs():
        x = lib.ones(2, requires_grad=True)
        x.register_hook(lambda g: g)
        with pytest.warns(UserWarning, match=r"backward hook .* on tensor will not be serialized"):
            back = _pickled(x)
        seen: list[int] = []
        back.register_hook(lambda g, seen=seen: seen.append(1))
        back.sum().backward()
        assert seen == [1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _pickled(mg.ones(2, requires_grad=True))  # no hooks, no warning


def test_a_model_and_its_optimizer_pickle_together() -> None:
    mg.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = mg.optim.Adam(model.parameters(), lr=0.1)
    x = mg.randn(4, 3)
    model(x).sum().backward()
    opt.step()
    model2, opt2 = _pickled((model, opt))
    assert opt2.param_groups[0]["params"][0] is model2.weight
    for m, o in ((model, opt), (model2, opt2)):
        o.zero_grad()
        m(x).sum().backward()
        o.step()
    np.testing.assert_array_equal(_np(model2.weight), _np(model.weight))


def test_pickling_a_parametrized_module_is_refused_as_in_torch() -> None:
    for lib in _libs():
        layer = lib.nn.Linear(2, 2)
        lib.nn.utils.parametrize.register_parametrization(layer, "weight", lib.nn.Identity())
        with pytest.raises(RuntimeError, match=r"Serialization of parametrized modules is only "
                           r"supported through state_dict\(\)"):  # fmt: skip
            pickle.dumps(layer)
        assert type(copy.deepcopy(layer)) is type(layer)
