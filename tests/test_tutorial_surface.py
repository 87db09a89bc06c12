"""What PyTorch's intermediate tutorials showed: ``tensor(a_tensor)`` is a detached copy, with
PyTorch's UserWarning recommending ``detach().clone()`` (the style-transfer tutorial's
``Normalization`` makes one of its mean); ``torch.dist`` records PyTorch's ``DistBackward0``
(the parametrizations tutorial prints it); ``torch.spmm`` of dense matrices is ``mm``
(pytorch/examples gcn/main.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as mg


def _tensor_of_tensor(lib: object) -> tuple[object, object, list[warnings.WarningMessage]]:
    source = lib.tensor([0.485, 0.456, 0.406], requires_grad=True)  # type: ignore[attr-defined]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        copy = lib.tensor(source).view(-1, 1, 1)  # type: ignore[attr-defined]
    return source, copy, caught


def test_tensor_of_a_tensor_warns_and_copies() -> None:
    source, copy, caught = _tensor_of_tensor(mg)
    assert [w.category for w in caught] == [UserWarning]
    assert "sourceTensor.detach().clone()" in str(caught[0].message)
    assert caught[0].filename == __file__  # pointing at the call
    assert not copy.requires_grad and copy.grad_fn is None and copy.shape == (3, 1, 1)
    with mg.no_grad():
        source[0] = 9.0
    assert float(copy[0, 0, 0]) == pytest.approx(0.485)  # a copy, not a view


def test_the_warning_is_torch_s() -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = _tensor_of_tensor(mg)[2], _tensor_of_tensor(torch)[2]
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]


def test_no_warning_for_other_data() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mg.tensor([1.0, 2.0])
        mg.tensor(np.ones(3))
        mg.tensor(3.0)
        mg.as_tensor(mg.ones(2))


@pytest.mark.parametrize("p", [2, 1, 3.5, float("inf")])
def test_dist_node_and_gradients(p: float) -> None:
    """One node named as PyTorch's; values and gradients as the norm of the difference
    (float64 finite differences), broadcasting, a zero distance giving zero gradients."""
    rng = np.random.default_rng(0)
    a = mg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = mg.tensor(rng.standard_normal((4,)), requires_grad=True)
    d = mg.dist(a, b, p)
    assert repr(d.grad_fn) == "<DistBackward0>" and a.dist(b, p).grad_fn.name() == "DistBackward0"
    diff = a.detach().numpy() - b.detach().numpy()
    expected = np.abs(diff).max() if p == float("inf") else (np.abs(diff) ** p).sum() ** (1 / p)
    assert float(d) == pytest.approx(expected, rel=1e-12)
    assert mg.autograd.gradcheck(lambda x, y: mg.dist(x, y, p), (a, b))
    if p != float("inf"):
        assert mg.autograd.gradgradcheck(lambda x, y: mg.dist(x, y, p), (a, b))
    z = mg.dist(a, a.detach(), p)
    (g,) = mg.autograd.grad(z, a)
    assert float(z) == 0 and not g.numpy().any()


def test_dist_node_is_torch_s() -> None:
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        x = lib.ones(2, 2, requires_grad=True)
        assert repr(lib.dist(x, lib.zeros(2, 2)).grad_fn).startswith("<DistBackward0")
        assert lib.dist(x, lib.zeros(2, 2)).grad_fn.name() == "DistBackward0"


def test_spmm_of_dense_matrices_is_mm() -> None:
    """``torch.spmm`` of two dense matrices (gcn/main.py's adjacency product): ``mm``'s
    value, node, gradients (float64 finite differences, first and second order) and errors."""
    rng = np.random.default_rng(1)
    a = mg.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    b = mg.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    out = mg.spmm(a, b)
    np.testing.assert_allclose(out.detach().numpy(), a.detach().numpy() @ b.detach().numpy())
    assert repr(out.grad_fn) == "<MmBackward0>"
    assert mg.autograd.gradcheck(mg.spmm, (a, b))
    assert mg.autograd.gradgradcheck(mg.spmm, (a, b))
    with pytest.raises(RuntimeError, match=r"self must be a matrix"):
        mg.spmm(mg.ones(3), b)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(4x3"):
        mg.spmm(a, mg.ones(2, 3))


def test_spmm_is_torch_s() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((5, 4)), rng.standard_normal((4, 3))
    ours = mg.spmm(mg.tensor(x), mg.tensor(y)).numpy()
    theirs = torch.spmm(torch.tensor(x), torch.tensor(y)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match=r"self must be a matrix"):
            lib.spmm(lib.ones(3), lib.ones(3, 2))
