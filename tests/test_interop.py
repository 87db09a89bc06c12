"""A Tensor handed to NumPy, PyTorch or matplotlib behaves as an array of its values."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg


def test_asarray_is_a_read_only_view_and_copy_true_copies() -> None:
    t = mg.arange(6.0).reshape(2, 3)
    a = np.asarray(t)
    assert a.shape == (2, 3) and np.shares_memory(a, t.numpy())
    with pytest.raises(ValueError, match="read-only"):
        a[0, 0] = 5.0
    assert t[0, 0].item() == 0.0  # nothing written
    c = np.array(t, copy=True)
    c[0, 0] = 5.0
    assert c.flags.writeable and t[0, 0].item() == 0.0
    assert np.asarray(t, dtype=np.float64).dtype == np.float64


def test_asarray_without_copy_to_another_dtype_refuses() -> None:
    with pytest.raises(ValueError, match="without a copy"):
        np.asarray(mg.ones(2), dtype=np.float64, copy=False)


def test_numpy_ufuncs_still_refuse_tensors() -> None:
    x = mg.ones(3, requires_grad=True)
    with pytest.raises(TypeError, match="ufunc"):
        np.exp(x)  # would silently drop the graph if it returned an array


def test_iterating_a_0d_tensor_fails_at_iter() -> None:
    with pytest.raises(TypeError, match="0-d"):
        iter(mg.tensor(1.0))
    assert [r.item() for r in mg.tensor([1.0, 2.0])] == [1.0, 2.0]


def test_torch_tensor_copies_and_as_tensor_shares() -> None:
    torch = pytest.importorskip("torch")
    t = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    copied = torch.tensor(t)
    assert copied.dtype == torch.float32 and copied.tolist() == t.tolist()
    copied[0, 0] = 10.0
    assert t[0, 0].item() == 1.0
    shared = torch.as_tensor(t)
    shared[0, 0] = 10.0
    assert t[0, 0].item() == 10.0  # as for a NumPy array: as_tensor shares memory
    w = mg.nn.Linear(3, 2).weight  # a parameter converts too (its values, no graph)
    assert torch.tensor(w).shape == (2, 3) and not torch.tensor(w).requires_grad
    np.testing.assert_array_equal(torch.tensor(mg.arange(5)).numpy(), np.arange(5))


def test_matplotlib_sees_one_dataset() -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    t = mg.randn(100, generator=np.random.default_rng(0))
    ax = Figure().add_subplot()
    counts, _, _ = ax.hist(t, bins=10)
    assert np.shape(counts) == (10,) and counts.sum() == 100  # not 100 one-sample histograms
    (line,) = ax.plot(t)
    np.testing.assert_array_equal(line.get_ydata(), t.numpy())


def test_a_model_trained_in_minigrad_runs_in_torch_and_back() -> None:
    torch = pytest.importorskip("torch")
    mg.manual_seed(0)
    model = mg.nn.Sequential(mg.nn.Linear(4, 8), mg.nn.Tanh(), mg.nn.Linear(8, 3))
    opt = mg.optim.SGD(model.parameters(), lr=0.1)
    x = mg.randn(16, 4)
    y = mg.randint(0, 3, (16,))
    for _ in range(5):
        opt.zero_grad()
        mg.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    twin = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    twin.load_state_dict({k: torch.tensor(v) for k, v in model.state_dict().items()})
    with mg.no_grad():
        expected = model(x).numpy()
    np.testing.assert_allclose(twin(torch.tensor(x)).detach().numpy(), expected, atol=1e-6)

    # ...and back: train the PyTorch twin, load its weights into a fresh minigrad model.
    topt = torch.optim.SGD(twin.parameters(), lr=0.1)
    for _ in range(5):
        topt.zero_grad()
        torch.nn.functional.cross_entropy(twin(torch.tensor(x)), torch.tensor(y)).backward()
        topt.step()
    fresh = mg.nn.Sequential(mg.nn.Linear(4, 8), mg.nn.Tanh(), mg.nn.Linear(8, 3))
    fresh.load_state_dict({k: mg.tensor(v.numpy()) for k, v in twin.state_dict().items()})
    with mg.no_grad():
        got = fresh(x).numpy()
    np.testing.assert_allclose(got, twin(torch.tensor(x)).detach().numpy(), atol=1e-6)


FORMATS = ["{:+.2f}", "{:.3e}", "{:>10.4f}", "{:g}", "{}", "{:d}", "{:5d}", "{!r}"]


@pytest.mark.parametrize("spec", FORMATS)
def test_format_of_a_0d_tensor_formats_its_number_as_torch(spec: str) -> None:
    """``f"{t:.2f}"`` of a 0-d tensor formats ``t.item()`` (a tensor that requires grad too),
    as PyTorch; the regression example prints its learned polynomial this way."""
    torch = pytest.importorskip("torch")
    for value, dtype in ((-1.23456, "float32"), (7, "int64"), (2.5, "float64")):
        if "d" in spec and dtype != "int64":
            continue
        ours = mg.tensor(value, dtype=getattr(mg, dtype), requires_grad=dtype != "int64")
        theirs = torch.tensor(value, dtype=getattr(torch, dtype), requires_grad=dtype != "int64")
        if spec == "{!r}":  # the tensor's own text
            assert spec.format(ours) == repr(ours)
            continue
        assert spec.format(ours) == spec.format(theirs) == spec.format(theirs.item())  # ("{}" too)


def test_format_of_a_tensor_of_several_elements_refused_as_torch() -> None:
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        t = lib.tensor([1.0, 2.0])
        assert f"{t}" == str(t)
        with pytest.raises(TypeError, match=r"unsupported format string passed to Tensor"):
            f"{t:.2f}"
        one = lib.tensor([1.5])  # one element, but not 0-d: PyTorch refuses it too
        with pytest.raises(TypeError, match=r"unsupported format string passed to Tensor"):
            f"{one:.2f}"


def test_format_of_a_0d_parameter_is_its_printed_form_as_torch() -> None:
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        p = lib.nn.Parameter(lib.tensor(2.0))
        assert f"{p}" == str(p) and f"{p}".startswith("Parameter containing:")
        with pytest.raises(TypeError, match=r"unsupported format string passed to Parameter"):
            f"{p:.2f}"
