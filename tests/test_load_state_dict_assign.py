"""``Module.load_state_dict(state, assign=True)`` as in PyTorch: the module's parameters and
buffers become the state dict's tensors (a Parameter slot gets a Parameter sharing the given
tensor's array and keeping the module parameter's ``requires_grad``), with the checks and the
returned keys of ``assign=False``, and nothing changed when an error is raised.

Each case runs the same code on minigrad and, when installed, on torch (the oracle).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg

LIBS: list[Any] = [mg]
try:
    import torch

    LIBS.append(torch)
except ImportError:  # pragma: no cover - torch is optional
    pass

libs = pytest.mark.parametrize("L", LIBS, ids=lambda L: L.__name__)


def _state(L: Any, module: Any) -> dict[str, Any]:
    return {k: v.clone() for k, v in module.state_dict().items()}


@libs
def test_parameters_become_the_state_dicts_tensors_sharing_memory(L: Any) -> None:
    m = L.nn.Linear(3, 2)
    state = _state(L, m)
    w, b = state["weight"], state["bias"]
    assert repr(m.load_state_dict(state, assign=True)) == "<All keys matched successfully>"
    assert type(m.weight) is L.nn.Parameter and m.weight is not w
    assert m.weight.requires_grad and m.weight.is_leaf
    with L.no_grad():
        w[0, 0] = 42.0  # a write into the source shows in the module, and back
        m.bias[1] = -7.0
    assert m.weight[0, 0].item() == 42.0
    assert b[1].item() == -7.0
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]  # places kept


@libs
def test_the_state_dicts_dtype_is_kept(L: Any) -> None:
    m = L.nn.Linear(3, 2)
    state = _state(L, m)
    state["weight"] = L.zeros(2, 3, dtype=L.float64)
    m.load_state_dict(state, assign=True)
    assert m.weight.dtype == L.float64 and m.bias.dtype == L.float32


@libs
def test_requires_grad_is_the_modules(L: Any) -> None:
    m = L.nn.Linear(3, 2)
    m.bias.requires_grad_(False)
    source = L.ones(2, 3, requires_grad=True) * 2  # not a leaf: the parameter is
    bias = L.zeros(2, requires_grad=True)
    m.load_state_dict({"weight": source, "bias": bias}, assign=True)
    assert m.weight.requires_grad and m.weight.is_leaf and m.weight.grad_fn is None
    assert not m.bias.requires_grad and bias.requires_grad
    with L.no_grad():
        source.add_(1)
    assert m.weight[0, 0].item() == 3.0


@libs
def test_a_parameter_in_the_state_dict_is_used_itself(L: Any) -> None:
    m = L.nn.Linear(3, 2)
    m.weight.requires_grad_(False)
    p = L.nn.Parameter(L.zeros(2, 3))
    m.load_state_dict({"weight": p, "bias": L.zeros(2)}, assign=True)
    assert m.weight is p and not p.requires_grad  # PyTorch sets it to the module's


@libs
def test_buffers_become_the_tensors_themselves(L: Any) -> None:
    bn = L.nn.BatchNorm1d(2)
    state = _state(L, bn)
    state["running_var"] = L.ones(2, dtype=L.float64)
    bn.load_state_dict(state, assign=True)
    assert bn.running_mean is state["running_mean"]
    assert bn.running_var is state["running_var"] and bn.running_var.dtype == L.float64
    assert bn.num_batches_tracked is state["num_batches_tracked"]
    assert [n for n, _ in bn.named_buffers()] == [
        "running_mean",
        "running_var",
        "num_batches_tracked",
    ]


@libs
def test_tied_parameters_each_get_their_entry(L: Any) -> None:
    class Tied(L.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = L.nn.Linear(2, 2)
            self.b = L.nn.Linear(2, 2)
            self.b.weight = self.a.weight

    t = Tied()
    state = _state(L, t)
    t.load_state_dict(state, assign=True)
    assert t.a.weight is not t.b.weight  # as in PyTorch, the tie is not kept
    for key in ("a.weight", "b.weight"):
        with L.no_grad():
            state[key].fill_(float(len(key) + key.startswith("a")))
    assert t.a.weight[0, 0].item() == 9.0 and t.b.weight[0, 0].item() == 8.0


@libs
def test_strict_false_reports_keys_and_assigns_the_rest(L: Any) -> None:
    m = L.nn.Linear(3, 2)
    old_bias = m.bias
    w = L.zeros(2, 3)
    got = m.load_state_dict({"weight": w, "extra": L.zeros(1)}, strict=False, assign=True)
    assert got.missing_keys == ["bias"] and got.unexpected_keys == ["extra"]
    assert m.bias is old_bias
    with L.no_grad():
        w.fill_(5.0)
    assert m.weight[1, 2].item() == 5.0


@libs
def test_optimizers_built_after_train_the_new_parameters(L: Any) -> None:
    m = L.nn.Linear(3, 2).double()
    w = L.ones(2, 3, dtype=L.float64)
    m.load_state_dict({"weight": w, "bias": L.zeros(2, dtype=L.float64)}, assign=True)
    opt = L.optim.SGD(m.parameters(), lr=0.1)
    m(L.ones(1, 3, dtype=L.float64)).sum().backward()
    opt.step()
    np.testing.assert_allclose(m.weight.detach().numpy(), 0.9)
    np.testing.assert_allclose(w.numpy(), 0.9)  # the source shares the parameter's memory


@libs
def test_an_optimizer_built_before_keeps_the_old_parameters(L: Any) -> None:
    m = L.nn.Linear(3, 2)
    opt = L.optim.SGD(m.parameters(), lr=0.1)
    m.load_state_dict({"weight": L.ones(2, 3), "bias": L.zeros(2)}, assign=True)
    m(L.ones(1, 3)).sum().backward()
    opt.step()
    np.testing.assert_allclose(m.weight.detach().numpy(), 1.0)  # not stepped


@libs
def test_shape_mismatch_raises_torchs_words(L: Any) -> None:
    m = L.nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match=r"size mismatch for bias: copying a param with shape"):
        m.load_state_dict({"weight": L.zeros(2, 3), "bias": L.zeros(3)}, assign=True)


def test_errors_change_nothing() -> None:
    """PyTorch has assigned the entries that fit by then; minigrad assigns all or nothing."""
    m = mg.nn.Linear(3, 2)
    old = m.weight, m.bias
    p = mg.nn.Parameter(mg.zeros(2, 3))
    with pytest.raises(RuntimeError, match=r"(?s)size mismatch for bias.*Nothing was loaded"):
        m.load_state_dict({"weight": p, "bias": mg.zeros(3)}, assign=True)
    assert (m.weight, m.bias) == old and p.requires_grad
    with pytest.raises(RuntimeError, match=r'(?s)Missing key\(s\) in state_dict: "bias"'):
        m.load_state_dict({"weight": mg.zeros(2, 3)}, assign=True)
    assert m.weight is old[0]


@libs
def test_integer_tensor_for_a_trained_parameter_is_refused(L: Any) -> None:
    m = L.nn.Linear(3, 2)
    old = m.weight
    with pytest.raises(
        RuntimeError,
        match=r'While copying the parameter named "weight", whose dimensions in the model are '
        r".*Size\(\[2, 3\]\) and whose dimensions in the checkpoint are .*Size\(\[2, 3\]\), an "
        r"exception occurred : \('Only Tensors of floating point and complex dtype can "
        r"require gradients',\)",
    ):
        m.load_state_dict({"weight": L.zeros(2, 3, dtype=L.int64), "bias": L.zeros(2)}, assign=True)
    assert m.weight is old


@libs
def test_an_array_is_refused_with_torchs_words(L: Any) -> None:
    m = L.nn.Linear(3, 2)
    with pytest.raises(
        RuntimeError,
        match=r'While copying the parameter named "weight", expected \w+\.Tensor or Tensor-like '
        r"object from checkpoint but received <class 'numpy.ndarray'>",
    ):
        m.load_state_dict({"weight": np.zeros((2, 3), np.float32), "bias": L.zeros(2)}, assign=True)


def test_an_array_refusal_names_the_fix() -> None:
    with pytest.raises(RuntimeError, match=r"minigrad\.from_numpy.*assign=False"):
        mg.nn.Linear(3, 2).load_state_dict(
            {"weight": np.zeros((2, 3), np.float32), "bias": mg.zeros(2)}, assign=True
        )
    m = mg.nn.Linear(3, 2)  # the array, shared, once wrapped
    a = np.zeros((2, 3), np.float32)
    m.load_state_dict({"weight": mg.from_numpy(a), "bias": mg.zeros(2)}, assign=True)
    a[0, 0] = 4.0
    assert m.weight[0, 0].item() == 4.0
