# Holds text from pytorch/tutorials: recipes_source/recipes/changing_default_device.py,
# recipes_source/recipes/reasoning_about_shapes.py, recipes_source/recipes/swap_tensors.py. The
# files and their licence (BSD 3-Clause): tests/THIRD_PARTY_NOTICES.md.
"""Three more of PyTorch's short recipes (recipes_source/recipes in pytorch/tutorials), run under
minigrad with only the import changed.

Each recipe is kept as PyTorch wrote it (``import torch``). Where it needs a device minigrad has
not (``cuda``, ``meta``), the test checks the refusal, then runs the recipe with the device
replaced by ``cpu`` and compares what it prints with torch's (``run_both``: the same start in
float64).
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pytest
from test_pytorch_compat import run
from test_pytorch_recipes import run_both

import minigrad as mg

CHANGING_DEFAULT_DEVICE = """
import torch

USE_CUDA = False

mod = torch.nn.Linear(20, 30)
if USE_CUDA:
    mod.cuda()

device = 'cpu'
if USE_CUDA:
    device = 'cuda'
inp = torch.randn(128, 20, device=device)
print(mod(inp).device)

with torch.device('cuda'):
    mod = torch.nn.Linear(20, 30)
    print(mod.weight.device)
    print(mod(torch.randn(128, 20)).device)

torch.set_default_device('cuda')

mod = torch.nn.Linear(20, 30)
print(mod.weight.device)
print(mod(torch.randn(128, 20)).device)
"""


@pytest.fixture(autouse=True)
def default_device_restored() -> Any:
    """The recipes set the default device: put it back for the tests after them."""
    yield
    mg.set_default_device(None)


def test_changing_default_device_refuses_cuda() -> None:
    """As written, the recipe's ``with torch.device('cuda'):`` stops with an error that names
    the device and says what to use (torch without CUDA stops there too)."""
    with pytest.raises(RuntimeError, match=r"device 'cuda' is not available.*device='cpu'"):
        run(CHANGING_DEFAULT_DEVICE)
    assert mg.get_default_device() == mg.device("cpu")


def test_changing_default_device_on_the_cpu_prints_as_torch() -> None:
    """With ``cuda`` replaced by ``cpu``, the context manager and ``set_default_device`` run:
    every module and tensor made is on that device, and the five printed lines are torch's."""
    torch = pytest.importorskip("torch")
    source = CHANGING_DEFAULT_DEVICE.replace("'cuda'", "'cpu'")
    try:
        ours, _, (ours_out, theirs_out) = run_both(source)
    finally:
        torch.set_default_device(None)
    assert ours_out == theirs_out == "cpu\n" * 5
    assert ours["mod"].weight.device == mg.device("cpu")
    assert mg.get_default_device() == mg.device("cpu")


REASONING_ABOUT_SHAPES = """
import torch
import timeit

t = torch.rand(2, 3, 10, 10, device="meta")
conv = torch.nn.Conv2d(3, 5, 2, device="meta")
start = timeit.default_timer()
out = conv(t)
end = timeit.default_timer()

print(out)
print(f"Time taken: {end-start}")

t_large = torch.rand(2**10, 3, 2**16, 2**16, device="meta")
start = timeit.default_timer()
out = conv(t_large)
end = timeit.default_timer()

print(out)
print(f"Time taken: {end-start}")

import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1) # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


def fw_hook(module, input, output):
    print(f"Shape of output to {module} is {output.shape}.")


with torch.device("meta"):
    net = Net()
    inp = torch.randn((1024, 3, 32, 32))

for name, layer in net.named_modules():
    layer.register_forward_hook(fw_hook)

out = net(inp)
"""


def test_reasoning_about_shapes_refuses_the_meta_device() -> None:
    """minigrad has no meta tensors (tensors of a shape and no data): the recipe's first line
    stops with an error that names the device, before anything is computed."""
    with pytest.raises(RuntimeError, match=r"device 'meta' is not available"):
        run(REASONING_ABOUT_SHAPES)
    with pytest.raises(RuntimeError, match=r"device 'meta' is not available"):
        mg.nn.Conv2d(3, 5, 2, device="meta")
    with pytest.raises(RuntimeError, match=r"device 'meta' is not available"):
        with mg.device("meta"):
            pass
    assert mg.get_default_device() == mg.device("cpu")


def _on_the_cpu(source: str) -> str:
    """The recipe on the CPU, its sizes made small: real data is made and computed there, and
    the second part's 2**10 x 3 x 2**16 x 2**16 input would not fit in memory."""
    source = source.replace('device="meta"', 'device="cpu"').replace('("meta")', '("cpu")')
    source = source.replace("torch.rand(2**10, 3, 2**16, 2**16,", "torch.rand(4, 3, 16, 16,")
    source = source.replace("torch.randn((1024, 3, 32, 32))", "torch.randn((8, 3, 32, 32))")
    # the same start for both libraries (``run_both``): the layers' weights from one stream
    source = source.replace('device="cpu")\nstart', 'device="cpu")\n_start_parameters(conv)\nstart')
    return source.replace("\nfor name, layer", "\n_start_parameters(net)\nfor name, layer")


def test_reasoning_about_shapes_on_the_cpu_prints_torchs_shapes() -> None:
    """On the CPU, the convolution's outputs and the forward hooks' lines are torch's: each
    layer's printed module and output shape, the whole network's last (up to the library's
    name in ``Size``); the printed convolution outputs hold torch's numbers from the same
    start."""
    ours, theirs, (ours_out, theirs_out) = run_both(_on_the_cpu(REASONING_ABOUT_SHAPES))
    hooks = [line for line in ours_out.splitlines() if " is minigrad.Size(" in line]
    assert [line.split(" is ")[-1] for line in hooks] == [
        "minigrad.Size([8, 6, 28, 28]).",
        "minigrad.Size([8, 6, 14, 14]).",
        "minigrad.Size([8, 16, 10, 10]).",
        "minigrad.Size([8, 16, 5, 5]).",
        "minigrad.Size([8, 120]).",
        "minigrad.Size([8, 84]).",
        "minigrad.Size([8, 10]).",
        "minigrad.Size([8, 10]).",
    ]
    drop_times = [ln for ln in ours_out.splitlines() if not ln.startswith("Time taken: ")]
    theirs_lines = [ln for ln in theirs_out.splitlines() if not ln.startswith("Time taken: ")]
    assert drop_times == [ln.replace("torch.Size", "minigrad.Size") for ln in theirs_lines]
    np.testing.assert_allclose(ours["out"].detach().numpy(), theirs["out"].detach().numpy())


SWAP_TENSORS = """
import torch
import torch.nn as nn
t1 = torch.arange(2)
t2 = torch.arange(3)
print(f"Before swapping, t1: {t1}, t2: {t2}")
torch.utils.swap_tensors(t1, t2)
print(f"After swapping, t1: {t1}, t2: {t2}")

mod = torch.nn.Linear(1, 2, bias=False)
optimizer = torch.optim.SGD(mod.parameters())
print(f"weight in mod: {mod.weight}")
print(f"weight in optimizer: {optimizer.param_groups[0]['params']}")
mod.weight = torch.nn.Parameter(2 * mod.weight)
print(f"weight in mod: {mod.weight}")
print(f"weight in optimizer: {optimizer.param_groups[0]['params']}")

aten = torch.ops.aten

class MyQuantizedLinearWeight(torch.Tensor):
    @staticmethod
    def __new__(cls, elem, scale):
        return torch.Tensor._make_wrapper_subclass(
            cls,
            elem.shape,
            dtype=elem.dtype,
            layout=elem.layout,
            device=elem.device,
            strides=elem.stride(),
            storage_offset=elem.storage_offset())
"""

# Where the recipe's toy tensor subclass starts (``__torch_dispatch__``, which minigrad has not).
SUBCLASS = "aten = torch.ops.aten"


def test_swap_tensors_recipe_prints_as_torch() -> None:
    """The recipe's first two sections: ``swap_tensors`` swaps what two tensors hold while
    each keeps its identity, and a parameter replaced out of place is not the optimizer's any
    more; every printed line is torch's (its weights from the same start)."""
    source = SWAP_TENSORS[: SWAP_TENSORS.index(SUBCLASS)]
    source = source.replace("bias=False)\n", "bias=False)\n_start_parameters(mod)\n")
    ours, _, (ours_out, theirs_out) = run_both(source)
    assert "After swapping, t1: tensor([0, 1, 2]), t2: tensor([0, 1])" in ours_out
    assert ours_out == theirs_out
    assert ours["optimizer"].param_groups[0]["params"][0] is not ours["mod"].weight


def test_swap_tensors_recipe_stops_at_the_tensor_subclass() -> None:
    """The rest of the recipe is a ``__torch_dispatch__`` tensor subclass over ``torch.ops.aten``,
    which minigrad has not: it stops there with an ``AttributeError`` that says so."""
    with pytest.raises(AttributeError, match=r"does not have torch\.ops\.aten"):
        run(SWAP_TENSORS)


def test_swap_tensors_keeps_identity_and_swaps_everything() -> None:
    """Values, dtype, ``requires_grad``, the gradient, the class (a Parameter with a plain
    tensor) and Python attributes change places; the objects stay where they are."""
    a = mg.nn.Parameter(mg.tensor([1.0, 2.0]))
    a.grad = mg.tensor([0.5, 0.5])
    b = mg.tensor([[3, 4, 5]])
    ida, idb = id(a), id(b)
    mg.utils.swap_tensors(a, b)
    assert (id(a), id(b)) == (ida, idb)
    assert type(a) is mg.Tensor and type(b) is mg.nn.Parameter
    assert a.tolist() == [[3, 4, 5]] and a.dtype == mg.int64 and not a.requires_grad
    assert a.grad is None
    assert b.tolist() == [1.0, 2.0] and b.requires_grad and b.grad.tolist() == [0.5, 0.5]


def test_swap_tensors_after_backward_gives_gradients_to_the_swapped_tensor() -> None:
    """A leaf swapped after a backward keeps accumulating into whichever object holds its
    state: the gradient follows the values, as torch's does."""
    torch = pytest.importorskip("torch")
    grads = []
    for lib in (mg, torch):
        w = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        other = lib.tensor([4.0, 5.0, 6.0], dtype=lib.float64, requires_grad=True)
        (w * w).sum().backward()
        lib.utils.swap_tensors(w, other)
        (w * other).sum().backward()
        grads.append((w.grad.tolist(), other.grad.tolist()))
    assert grads[0] == grads[1]


def test_swap_tensors_refuses_tensors_with_weak_references() -> None:
    """As torch: a tensor that something refers to weakly, or whose memory a view or an array
    sees (torch counts the uses of its memory), cannot be swapped, and nothing changes."""
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        t1, t2 = lib.arange(2), lib.arange(3)
        ref = weakref.ref(t1)
        with pytest.raises(RuntimeError, match=r"Cannot swap t1 because it has weakref"):
            lib.utils.swap_tensors(t1, t2)
        with pytest.raises(RuntimeError, match=r"Cannot swap t2 because it has weakref"):
            lib.utils.swap_tensors(t2, t1)
        assert ref() is t1 and t1.tolist() == [0, 1] and t2.tolist() == [0, 1, 2]
    base, other = mg.arange(4.0), mg.arange(10.0, 14.0)
    view = base[1:]
    with pytest.raises(RuntimeError, match=r"Cannot swap t1 because other tensors"):
        mg.utils.swap_tensors(base, other)
    with pytest.raises(RuntimeError, match=r"Cannot swap t2 because"):
        mg.utils.swap_tensors(other, view)
    assert base.tolist() == [0.0, 1.0, 2.0, 3.0] and view.tolist() == [1.0, 2.0, 3.0]
    array = other.numpy()
    with pytest.raises(RuntimeError, match=r"share its memory \(a view, detach\(\), numpy"):
        mg.utils.swap_tensors(mg.arange(4.0), other)
    assert other.tolist() == array.tolist() == [10.0, 11.0, 12.0, 13.0]


def test_swap_tensors_takes_tensors_only() -> None:
    """Anything else is refused with the argument named (torch fails on a missing attribute)."""
    with pytest.raises(TypeError, match=r"swap_tensors.*t2.*Tensor.*list"):
        mg.utils.swap_tensors(mg.arange(2), [0, 1])


class Tagged(mg.Tensor):
    """A tensor subclass with Python attributes (a ``__dict__``)."""


def test_swap_tensors_swaps_python_attributes_of_subclasses() -> None:
    """Attributes set on subclass instances change places with the contents."""
    a, b = Tagged([1.0]), Tagged([2.0, 3.0])
    a.tag, b.tag = "a", "b"
    mg.utils.swap_tensors(a, b)
    assert (a.tag, a.tolist(), b.tag, b.tolist()) == ("b", [2.0, 3.0], "a", [1.0])
