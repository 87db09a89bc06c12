# Holds text from pytorch/tutorials: recipes_source/recipes/ (what_is_state_dict.py,
# saving_and_loading_a_general_checkpoint.py, saving_multiple_models_in_one_file.py,
# warmstarting_model_using_parameters_from_a_different_model.py,
# saving_and_loading_models_for_inference.py, save_load_across_devices.py,
# defining_a_neural_network.py, zeroing_out_gradients.py, module_load_state_dict_tips.py),
# intermediate_source/custom_function_double_backward_tutorial.py and
# char_rnn_classification_tutorial.py, beginner_source/nlp/advanced_tutorial.py. The files and
# their licence (BSD 3-Clause): tests/THIRD_PARTY_NOTICES.md.
"""PyTorch's short recipes (recipes_source/recipes in pytorch/tutorials), run under minigrad with
only the import changed.

Each recipe is kept as PyTorch wrote it (``import torch``); only what cannot run here is
replaced: torchvision's datasets by small arrays given to the program, long loops shortened.
``run`` (from test_pytorch_compat) executes it with the imports rewritten; each test checks
what the recipe shows, and where there are numbers, the same program run under torch from the
same start (``same_start``) must give the same ones.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from test_pytorch_compat import (
    ForLibrary,
    _cifar,
    _words,
    compare_with_torch,
    run,
    same_start,
    start_functions,
)

import minigrad as mg
from minigrad.gradcheck import GradcheckError


def run_both(source: str, **inputs: Any) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The program run from the same start (``same_start``, float64) under minigrad, then
    torch: both namespaces and both printed outputs."""
    torch = pytest.importorskip("torch")
    program = same_start(source)
    namespaces, printed = [], []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for lib in (mg, torch):
            default = lib.get_default_dtype()
            lib.set_default_dtype(lib.float64)
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out), warnings.catch_warnings():
                    namespaces.append(run(program, lib.__name__, **inputs, **start_functions(lib)))
            finally:
                lib.set_default_dtype(default)
            printed.append(out.getvalue())
    finally:
        torch.set_num_threads(threads)
    return namespaces[0], namespaces[1], printed


def numbers(x: Any) -> np.ndarray:
    """A tensor of either library (or a number) as a float64 array."""
    return np.asarray(x.detach().numpy() if hasattr(x, "detach") else x, dtype=np.float64)


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: Any) -> None:
    """The recipes save their files in the current directory."""
    monkeypatch.chdir(tmp_path)


# The convolutional network of the recipes (as the 60-minute blitz's CIFAR-10 classifier).
NET = """
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.flatten(start_dim=1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
"""

NET_SHAPES = {
    "conv1.weight": (6, 3, 5, 5),
    "conv1.bias": (6,),
    "conv2.weight": (16, 6, 5, 5),
    "conv2.bias": (16,),
    "fc1.weight": (120, 400),
    "fc1.bias": (120,),
    "fc2.weight": (84, 120),
    "fc2.bias": (84,),
    "fc3.weight": (10, 84),
    "fc3.bias": (10,),
}

# ---------------------------------------------------------------------------------------------
# "What is a state_dict in PyTorch"

WHAT_IS_STATE_DICT = f"""
import torch
import torch.nn as nn
import torch.optim as optim

{NET}
net = Net()
print(net)

optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

# Print model's state_dict
print("Model's state_dict:")
for param_tensor in net.state_dict():
    print(param_tensor, "\\t", net.state_dict()[param_tensor].size())

print()

# Print optimizer's state_dict
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\\t", optimizer.state_dict()[var_name])
"""


def test_what_is_state_dict() -> None:
    ns = run(WHAT_IS_STATE_DICT)
    state = ns["net"].state_dict()
    assert {k: tuple(v.size()) for k, v in state.items()} == NET_SHAPES
    assert list(state) == list(NET_SHAPES)  # in the order the layers were made
    optimizer_state = ns["optimizer"].state_dict()
    assert list(optimizer_state) == ["state", "param_groups"] and optimizer_state["state"] == {}
    (group,) = optimizer_state["param_groups"]
    assert group["params"] == list(range(10))
    assert (group["lr"], group["momentum"], group["nesterov"]) == (0.001, 0.9, False)


def test_what_is_state_dict_prints_as_torch() -> None:
    """The printed model and state dicts read as PyTorch's (up to the library's name); the
    optimizer's param group holds PyTorch's keys, in PyTorch's order, with its values."""
    _, theirs, (ours_out, theirs_out) = run_both(WHAT_IS_STATE_DICT)
    ours_lines, theirs_lines = ours_out.splitlines(), theirs_out.splitlines()
    assert len(ours_lines) == len(theirs_lines)
    for mine, torchs in zip(ours_lines, theirs_lines):
        assert mine == torchs.replace("torch.Size", "minigrad.Size")
    ours_group = run(WHAT_IS_STATE_DICT)["optimizer"].state_dict()["param_groups"][0]
    theirs_group = theirs["optimizer"].state_dict()["param_groups"][0]
    assert list(ours_group) == list(theirs_group)
    assert ours_group == theirs_group


def plain(tree: Any) -> Any:
    """A checkpoint of either library with its tensors as float64 arrays (nesting kept)."""
    if isinstance(tree, dict):
        return {k: plain(v) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return type(tree)(plain(v) for v in tree)
    return numbers(tree) if hasattr(tree, "detach") else tree


def assert_same_tree(ours: Any, theirs: Any, where: str = "") -> None:
    """Two checkpoints hold the same keys in the same order, the same Python values and equal
    arrays."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        assert list(ours) == list(theirs), where
        for k in theirs:
            assert_same_tree(ours[k], theirs[k], f"{where}.{k}")
    elif isinstance(theirs, list | tuple):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same_tree(a, b, f"{where}[{i}]")
    elif isinstance(theirs, np.ndarray):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, err_msg=where)
    else:
        assert type(ours) is type(theirs) and ours == theirs, (where, ours, theirs)


def assert_same_state(model: Any, other: Any) -> None:
    """Two models of one library hold equal parameters (and buffers), under the same names."""
    ours, theirs = model.state_dict(), other.state_dict()
    assert list(ours) == list(theirs)
    for name in ours:
        np.testing.assert_array_equal(numbers(ours[name]), numbers(theirs[name]), err_msg=name)


# ---------------------------------------------------------------------------------------------
# "Saving and loading a general checkpoint in PyTorch" (as written, Net's forward names F,
# which the recipe never imports: the model is never called)

GENERAL_CHECKPOINT = f"""
import torch
import torch.nn as nn
import torch.optim as optim

{NET}
net = Net()
print(net)

optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

# Additional information
EPOCH = 5
PATH = "model.pt"
LOSS = 0.4

torch.save({{
            'epoch': EPOCH,
            'model_state_dict': net.state_dict(),
            'optimizer_state_dict': optimizer.state_dict(),
            'loss': LOSS,
            }}, PATH)

model = Net()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

checkpoint = torch.load(PATH)
model.load_state_dict(checkpoint['model_state_dict'])
optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
epoch = checkpoint['epoch']
loss = checkpoint['loss']

model.eval()
# - or -
model.train()
"""


def test_general_checkpoint() -> None:
    ns = run(GENERAL_CHECKPOINT)
    assert Path("model.pt").is_file()  # under the name given (no suffix added)
    assert_same_state(ns["model"], ns["net"])
    assert (ns["epoch"], ns["loss"]) == (5, 0.4) and type(ns["epoch"]) is int
    assert list(ns["checkpoint"]) == ["epoch", "model_state_dict", "optimizer_state_dict", "loss"]
    assert ns["optimizer"].param_groups[0]["momentum"] == 0.9 and ns["model"].training
    assert not any(p.requires_grad for p in ns["checkpoint"]["model_state_dict"].values())


def test_general_checkpoint_matches_torch() -> None:
    ours, theirs, _ = run_both(GENERAL_CHECKPOINT)
    assert_same_tree(plain(ours["checkpoint"]), plain(theirs["checkpoint"]))
    assert_same_tree(plain(ours["model"].state_dict()), plain(theirs["model"].state_dict()))


# ---------------------------------------------------------------------------------------------
# "Saving and loading multiple models in one file using PyTorch"

MULTIPLE_MODELS = f"""
import torch
import torch.nn as nn
import torch.optim as optim

{NET}
netA = Net()
netB = Net()

optimizerA = optim.SGD(netA.parameters(), lr=0.001, momentum=0.9)
optimizerB = optim.SGD(netB.parameters(), lr=0.001, momentum=0.9)

# Specify a path to save to
PATH = "model.pt"

torch.save({{
            'modelA_state_dict': netA.state_dict(),
            'modelB_state_dict': netB.state_dict(),
            'optimizerA_state_dict': optimizerA.state_dict(),
            'optimizerB_state_dict': optimizerB.state_dict(),
            }}, PATH)

modelA = Net()
modelB = Net()
optimModelA = optim.SGD(modelA.parameters(), lr=0.001, momentum=0.9)
optimModelB = optim.SGD(modelB.parameters(), lr=0.001, momentum=0.9)

checkpoint = torch.load(PATH)
modelA.load_state_dict(checkpoint['modelA_state_dict'])
modelB.load_state_dict(checkpoint['modelB_state_dict'])
optimizerA.load_state_dict(checkpoint['optimizerA_state_dict'])
optimizerB.load_state_dict(checkpoint['optimizerB_state_dict'])

modelA.eval()
modelB.eval()
# - or -
modelA.train()
modelB.train()
"""


def test_multiple_models_in_one_file() -> None:
    ns = run(MULTIPLE_MODELS)
    assert_same_state(ns["modelA"], ns["netA"])
    assert_same_state(ns["modelB"], ns["netB"])
    weights = [ns[name].fc3.weight.detach().numpy() for name in ("netA", "netB")]
    assert not np.array_equal(*weights)  # two models, each loaded into its own
    assert ns["checkpoint"]["optimizerB_state_dict"]["param_groups"][0]["lr"] == 0.001


def test_multiple_models_in_one_file_matches_torch() -> None:
    ours, theirs, _ = run_both(MULTIPLE_MODELS)
    assert_same_tree(
        plain(ours["checkpoint"]["optimizerA_state_dict"]),
        plain(theirs["checkpoint"]["optimizerA_state_dict"]),
    )
    assert list(ours["checkpoint"]) == list(theirs["checkpoint"])


# ---------------------------------------------------------------------------------------------
# "Warmstarting model using parameters from a different model in PyTorch"

WARMSTARTING = f"""
import torch
import torch.nn as nn
import torch.optim as optim

{NET.replace("Net", "NetA")}
netA = NetA()
{NET.replace("Net", "NetB")}
netB = NetB()

# Specify a path to save to
PATH = "model.pt"

torch.save(netA.state_dict(), PATH)

netB.load_state_dict(torch.load(PATH), strict=False)
"""


def test_warmstarting() -> None:
    ns = run(WARMSTARTING)
    assert_same_state(ns["netB"], ns["netA"])
    result = ns["netB"].load_state_dict(mg.load("model.pt"), strict=False)
    assert result.missing_keys == [] and result.unexpected_keys == []  # "all keys matched"
    # a partial state dict: strict=False loads what matches and reports the rest, as torch
    partial = {"fc3.weight": mg.zeros(10, 84), "extra.bias": mg.zeros(3)}
    result = ns["netB"].load_state_dict(partial, strict=False)
    assert result.unexpected_keys == ["extra.bias"] and "fc3.weight" not in result.missing_keys
    assert len(result.missing_keys) == 9 and not ns["netB"].fc3.weight.detach().numpy().any()


# ---------------------------------------------------------------------------------------------
# "Saving and loading models for inference in PyTorch": the state dict, then the entire model,
# which PyTorch pickles; minigrad refuses to, saying what to do instead

MODELS_FOR_INFERENCE = f"""
import torch
import torch.nn as nn
import torch.optim as optim

{NET}
net = Net()
print(net)

optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

# Specify a path
PATH = "state_dict_model.pt"

# Save
torch.save(net.state_dict(), PATH)

# Load
model = Net()
model.load_state_dict(torch.load(PATH))
model.eval()

# Specify a path
PATH = "entire_model.pt"

# Save
torch.save(net, PATH)

# Load
model = torch.load(PATH)
model.eval()
"""


def test_models_for_inference() -> None:
    state_dict_part = MODELS_FOR_INFERENCE.split('PATH = "entire_model.pt"')[0]
    ns = run(state_dict_part)
    assert_same_state(ns["model"], ns["net"])
    assert not ns["model"].training
    with pytest.raises(TypeError, match=r"got Net\. .*save model\.state_dict\(\)"):
        run(MODELS_FOR_INFERENCE)
    assert not Path("entire_model.pt").exists()  # refused before writing anything


# ---------------------------------------------------------------------------------------------
# "Saving and loading models across devices in PyTorch": the CPU sections as written; the GPU
# ones with "cuda" as "cpu". (Its last section saves `net.module.state_dict()`, of a model
# that is not a DataParallel: an AttributeError in PyTorch too, left out.)

ACROSS_DEVICES = f"""
import torch
import torch.nn as nn
import torch.optim as optim

{NET}
net = Net()
print(net)

# Specify a path to save to
PATH = "model.pt"

# Save
torch.save(net.state_dict(), PATH)

# Load
device = torch.device('cpu')
model = Net()
model.load_state_dict(torch.load(PATH, map_location=device))

# Save
torch.save(net.state_dict(), PATH)

# Load
device = torch.device("cuda")
model = Net()
model.load_state_dict(torch.load(PATH))
model.to(device)

# Save
torch.save(net.state_dict(), PATH)

# Load
device = torch.device("cuda")
model = Net()
# Choose whatever GPU device number you want
model.load_state_dict(torch.load(PATH, map_location="cuda:0"))
# Make sure to call input = input.to(device) on any input tensors that you feed to the model
model.to(device)
"""


def test_across_devices() -> None:
    on_cpu = ACROSS_DEVICES.replace('"cuda"', '"cpu"').replace('"cuda:0"', '"cpu"')
    ns = run(on_cpu)
    assert_same_state(ns["model"], ns["net"])
    assert str(ns["device"]) == "cpu" and all(
        str(p.device) == "cpu" for p in ns["model"].parameters()
    )
    # as written, on a machine without a GPU: the device is not available, as in PyTorch
    with pytest.raises(RuntimeError, match=r"'cuda' is not available.*device='cpu'"):
        run(ACROSS_DEVICES)  # model.to(torch.device("cuda"))
    with pytest.raises(RuntimeError, match=r"'cuda:0' is not available"):
        mg.load("model.pt", map_location="cuda:0")


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_optimizer_defaults_are_torchs_values(name: str) -> None:
    """An optimizer's state dict holds PyTorch's defaults as PyTorch writes them (the int 0 of
    ``'dampening': 0``), so a printed or saved state dict reads the same."""
    torch = pytest.importorskip("torch")
    ours = getattr(mg.optim, name)([mg.zeros(2, requires_grad=True)]).state_dict()
    theirs = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)]).state_dict()
    assert_same_tree(ours, theirs)


# ---------------------------------------------------------------------------------------------
# "Double Backward with Custom Functions": autograd.Function saving an input, an output, or
# intermediate results returned as outputs (and what not to do), checked by gradcheck and
# gradgradcheck; the graphs drawn with torchviz, here a stand-in recording what it is given

DOUBLE_BACKWARD = """
import torch

class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        # Because we are saving one of the inputs use `save_for_backward`
        # Save non-tensors and non-inputs/non-outputs directly on ctx
        ctx.save_for_backward(x)
        return x**2

    @staticmethod
    def backward(ctx, grad_out):
        # A function support double backward automatically if autograd
        # is able to record the computations performed in backward
        x, = ctx.saved_tensors
        return grad_out * 2 * x

# Use double precision because finite differencing method magnifies errors
x = torch.rand(3, 3, requires_grad=True, dtype=torch.double)
torch.autograd.gradcheck(Square.apply, x)
# Use gradcheck to verify second-order derivatives
torch.autograd.gradgradcheck(Square.apply, x)

# We can use torchviz to visualize the graph to see why this works
# (torchviz: given by the test)

x = torch.tensor(1., requires_grad=True).clone()
out = Square.apply(x)
grad_x, = torch.autograd.grad(out, x, create_graph=True)
torchviz.make_dot((grad_x, x, out), {"grad_x": grad_x, "x": x, "out": out})

class Exp(torch.autograd.Function):
    # Simple case where everything goes well
    @staticmethod
    def forward(ctx, x):
        # This time we save the output
        result = torch.exp(x)
        # Note that we should use `save_for_backward` here when
        # the tensor saved is an ouptut (or an input).
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_out):
        result, = ctx.saved_tensors
        return result * grad_out

x = torch.tensor(1., requires_grad=True, dtype=torch.double).clone()
# Validate our gradients using gradcheck
torch.autograd.gradcheck(Exp.apply, x)
torch.autograd.gradgradcheck(Exp.apply, x)

out = Exp.apply(x)
grad_x, = torch.autograd.grad(out, x, create_graph=True)
torchviz.make_dot((grad_x, x, out), {"grad_x": grad_x, "x": x, "out": out})

class Sinh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        expx = torch.exp(x)
        expnegx = torch.exp(-x)
        ctx.save_for_backward(expx, expnegx)
        # In order to be able to save the intermediate results, a trick is to
        # include them as our outputs, so that the backward graph is constructed
        return (expx - expnegx) / 2, expx, expnegx

    @staticmethod
    def backward(ctx, grad_out, _grad_out_exp, _grad_out_negexp):
        expx, expnegx = ctx.saved_tensors
        grad_input = grad_out * (expx + expnegx) / 2
        # We cannot skip accumulating these even though we won't use the outputs
        # directly. They will be used later in the second backward.
        grad_input += _grad_out_exp * expx
        grad_input -= _grad_out_negexp * expnegx
        return grad_input

def sinh(x):
    # Create a wrapper that only returns the first output
    return Sinh.apply(x)[0]

x = torch.rand(3, 3, requires_grad=True, dtype=torch.double)
torch.autograd.gradcheck(sinh, x)
torch.autograd.gradgradcheck(sinh, x)

out = sinh(x)
grad_x, = torch.autograd.grad(out.sum(), x, create_graph=True)
torchviz.make_dot((grad_x, x, out), params={"grad_x": grad_x, "x": x, "out": out})

class Sinh(torch.autograd.Function):
    # This is an example of what NOT to do!
    @staticmethod
    def forward(ctx, x):
        expx = torch.exp(x)
        expnegx = torch.exp(-x)
        ctx.expx = expx
        ctx.expnegx = expnegx
        return (expx - expnegx) / 2

    @staticmethod
    def backward(ctx, grad_out):
        expx = ctx.expx
        expnegx = ctx.expnegx
        grad_input = grad_out * (expx + expnegx) / 2
        return grad_input

out = Sinh.apply(x)
grad_x, = torch.autograd.grad(out.sum(), x, create_graph=True)
torchviz.make_dot((grad_x, x, out), params={"grad_x": grad_x, "x": x, "out": out})

def cube_forward(x):
    return x**3

def cube_backward(grad_out, x):
    return grad_out * 3 * x**2

def cube_backward_backward(grad_out, sav_grad_out, x):
    return grad_out * sav_grad_out * 6 * x

def cube_backward_backward_grad_out(grad_out, x):
    return grad_out * 3 * x**2

class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return cube_forward(x)

    @staticmethod
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return CubeBackward.apply(grad_out, x)

class CubeBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, grad_out, x):
        ctx.save_for_backward(x, grad_out)
        return cube_backward(grad_out, x)

    @staticmethod
    def backward(ctx, grad_out):
        x, sav_grad_out = ctx.saved_tensors
        dx = cube_backward_backward(grad_out, sav_grad_out, x)
        dgrad_out = cube_backward_backward_grad_out(grad_out, x)
        return dgrad_out, dx

x = torch.tensor(2., requires_grad=True, dtype=torch.double)

torch.autograd.gradcheck(Cube.apply, x)
torch.autograd.gradgradcheck(Cube.apply, x)

out = Cube.apply(x)
grad_x, = torch.autograd.grad(out, x, create_graph=True)
torchviz.make_dot((grad_x, x, out), params={"grad_x": grad_x, "x": x, "out": out})
"""


def _torchviz() -> dict[str, Any]:
    """``torchviz`` whose ``make_dot(var, params)`` records, for each named tensor, whether it
    requires grad, its node's name and its values; under minigrad it also draws the graph
    with ``minigrad.viz.draw_graph`` (when graphviz is installed)."""

    def make(lib: Any) -> Any:
        drawings: list[dict[str, Any]] = []

        def make_dot(var: Any, params: dict[str, Any]) -> Any:
            drawings.append(
                {
                    name: (
                        t.requires_grad,
                        None if t.grad_fn is None else t.grad_fn.name(),
                        numbers(t),
                    )
                    for name, t in params.items()
                }
            )
            if lib is mg and importlib.util.find_spec("graphviz"):
                from minigrad.viz import draw_graph

                return draw_graph(*var, params=params)
            return None

        return SimpleNamespace(make_dot=make_dot, drawings=drawings)

    return {"torchviz": ForLibrary(make)}


def test_double_backward() -> None:
    ns = run(DOUBLE_BACKWARD, **_torchviz())
    square, exp, sinh, sinh_wrong, cube = ns["torchviz"].drawings
    assert square["grad_x"][:2] == (True, "MulBackward0") and square["grad_x"][2] == 2.0
    assert exp["grad_x"][1] == "MulBackward0" and np.isclose(exp["grad_x"][2], np.e)
    x = sinh["x"][2]
    assert sinh["grad_x"][1] == "SubBackward0"  # grad_input -= ...: the graph reaches x
    np.testing.assert_allclose(sinh["grad_x"][2], np.cosh(x), rtol=1e-12)
    # the example of what NOT to do: the right numbers, but no graph behind them
    assert sinh_wrong["grad_x"][:2] == (False, None)
    np.testing.assert_allclose(sinh_wrong["grad_x"][2], np.cosh(x), rtol=1e-12)
    assert cube["grad_x"][:2] == (True, "CubeBackwardBackward") and cube["grad_x"][2] == 12.0
    # the second derivative through CubeBackward's own backward: d(3x^2)/dx = 6x
    (second,) = mg.autograd.grad(ns["grad_x"], ns["x"])
    assert second.item() == 12.0
    if importlib.util.find_spec("graphviz"):
        assert (
            "CubeBackwardBackward"
            in ns["torchviz"]
            .make_dot((ns["grad_x"], ns["x"], ns["out"]), {"grad_x": ns["grad_x"]})
            .source
        )


def test_double_backward_matches_torch() -> None:
    ours, theirs, _ = run_both(DOUBLE_BACKWARD, **_torchviz())
    for mine, torchs in zip(ours["torchviz"].drawings, theirs["torchviz"].drawings, strict=True):
        assert list(mine) == list(torchs)
        for name in torchs:
            assert mine[name][:2] == torchs[name][:2], name
            np.testing.assert_allclose(mine[name][2], torchs[name][2], rtol=1e-12)


def test_custom_function_double_backward_caught_by_gradgradcheck() -> None:
    """The tutorial's warning made concrete: the Sinh that keeps its intermediate results on
    ctx passes gradcheck but fails gradgradcheck (its gradient has no graph)."""
    ns = run(DOUBLE_BACKWARD, **_torchviz())
    x = mg.rand(3, 3, requires_grad=True, dtype=mg.float64)
    assert mg.autograd.gradcheck(ns["Sinh"].apply, x)
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):  # as torch's
        mg.autograd.gradgradcheck(ns["Sinh"].apply, x)


# ---------------------------------------------------------------------------------------------
# "NLP From Scratch: Classifying Names with a Character-Level RNN": the hand-made RNN of three
# Linear layers, NLLLoss, the update p.data.add_(p.grad.data, alpha=-learning_rate), the
# confusion matrix and predict(). The downloaded data/names/[Language].txt are written from
# the shared makemore names, a category per last letter, named after four of the tutorial's
# languages; the loops are shortened (as the comments say) and the plots left out.

CHAR_RNN_CLASSIFICATION = """
from io import open
import glob
import os

def findFiles(path): return glob.glob(path)

print(findFiles('data/names/*.txt'))

import unicodedata
import string

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)

# Turn a Unicode string to plain ASCII, thanks to https://stackoverflow.com/a/518232/2809427
def unicodeToAscii(s):
    return ''.join(
        c for c in unicodedata.normalize('NFD', s)
        if unicodedata.category(c) != 'Mn'
        and c in all_letters
    )

print(unicodeToAscii('Ślusàrski'))

# Build the category_lines dictionary, a list of names per language
category_lines = {}
all_categories = []

# Read a file and split into lines
def readLines(filename):
    lines = open(filename, encoding='utf-8').read().strip().split('\\n')
    return [unicodeToAscii(line) for line in lines]

for filename in findFiles('data/names/*.txt'):
    category = os.path.splitext(os.path.basename(filename))[0]
    all_categories.append(category)
    lines = readLines(filename)
    category_lines[category] = lines

n_categories = len(all_categories)

print(category_lines['Italian'][:5])

import torch

# Find letter index from all_letters, e.g. "a" = 0
def letterToIndex(letter):
    return all_letters.find(letter)

# Just for demonstration, turn a letter into a <1 x n_letters> Tensor
def letterToTensor(letter):
    tensor = torch.zeros(1, n_letters)
    tensor[0][letterToIndex(letter)] = 1
    return tensor

# Turn a line into a <line_length x 1 x n_letters>,
# or an array of one-hot letter vectors
def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor

print(letterToTensor('J'))

print(lineToTensor('Jones').size())

import torch.nn as nn
import torch.nn.functional as F

class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()

        self.hidden_size = hidden_size

        self.i2h = nn.Linear(input_size, hidden_size)
        self.h2h = nn.Linear(hidden_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        hidden = F.tanh(self.i2h(input) + self.h2h(hidden))
        output = self.h2o(hidden)
        output = self.softmax(output)
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)

n_hidden = 128
rnn = RNN(n_letters, n_hidden, n_categories)

input = letterToTensor('A')
hidden = torch.zeros(1, n_hidden)

output, next_hidden = rnn(input, hidden)

input = lineToTensor('Albert')
hidden = torch.zeros(1, n_hidden)

output, next_hidden = rnn(input[0], hidden)
print(output)

def categoryFromOutput(output):
    top_n, top_i = output.topk(1)
    category_i = top_i[0].item()
    return all_categories[category_i], category_i

print(categoryFromOutput(output))

import random

def randomChoice(l):
    return l[random.randint(0, len(l) - 1)]

def randomTrainingExample():
    category = randomChoice(all_categories)
    line = randomChoice(category_lines[category])
    category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
    line_tensor = lineToTensor(line)
    return category, line, category_tensor, line_tensor

for i in range(10):
    category, line, category_tensor, line_tensor = randomTrainingExample()
    print('category =', category, '/ line =', line)

criterion = nn.NLLLoss()

learning_rate = 0.005 # If you set this too high, it might explode. If too low, it might not learn

def train(category_tensor, line_tensor):
    hidden = rnn.initHidden()

    rnn.zero_grad()

    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)

    loss = criterion(output, category_tensor)
    loss.backward()

    # Add parameters' gradients to their values, multiplied by learning rate
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)

    return output, loss.item()

import time
import math

n_iters = 300  # (100000 in the tutorial)
print_every = 100  # (5000)
plot_every = 50  # (1000)



# Keep track of losses for plotting
current_loss = 0
all_losses = []

def timeSince(since):
    now = time.time()
    s = now - since
    m = math.floor(s / 60)
    s -= m * 60
    return '%dm %ds' % (m, s)

start = time.time()

for iter in range(1, n_iters + 1):
    category, line, category_tensor, line_tensor = randomTrainingExample()
    output, loss = train(category_tensor, line_tensor)
    current_loss += loss

    # Print ``iter`` number, loss, name and guess
    if iter % print_every == 0:
        guess, guess_i = categoryFromOutput(output)
        correct = '✓' if guess == category else '✗ (%s)' % category
        print('%d %d%% (%s) %.4f %s / %s %s' % (iter, iter / n_iters * 100, timeSince(start),
                                                loss, line, guess, correct))

    # Add current loss avg to list of losses
    if iter % plot_every == 0:
        all_losses.append(current_loss / plot_every)
        current_loss = 0

# (the plots with matplotlib: left out)

# Keep track of correct guesses in a confusion matrix
confusion = torch.zeros(n_categories, n_categories)
n_confusion = 100  # (10000)

# Just return an output given a line
def evaluate(line_tensor):
    hidden = rnn.initHidden()

    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)

    return output

# Go through a bunch of examples and record which are correctly guessed
for i in range(n_confusion):
    category, line, category_tensor, line_tensor = randomTrainingExample()
    output = evaluate(line_tensor)
    guess, guess_i = categoryFromOutput(output)
    category_i = all_categories.index(category)
    confusion[category_i][guess_i] += 1

# Normalize by dividing every row by its sum
for i in range(n_categories):
    confusion[i] = confusion[i] / confusion[i].sum()

def predict(input_line, n_predictions=3):
    print('\\n> %s' % input_line)
    with torch.no_grad():
        output = evaluate(lineToTensor(input_line))

        # Get top N categories
        topv, topi = output.topk(n_predictions, 1, True)
        predictions = []

        for i in range(n_predictions):
            value = topv[0][i].item()
            category_index = topi[0][i].item()
            print('(%.2f) %s' % (value, all_categories[category_index]))
            predictions.append([value, all_categories[category_index]])

predict('Dovesky')
predict('Jackson')
predict('Satoshi')
"""

LANGUAGES = {"a": "Italian", "n": "Irish", "y": "Scottish", "e": "French"}


def _language_files() -> dict[str, Any]:
    names = _words(32033)
    folder = Path("data/names")
    folder.mkdir(parents=True, exist_ok=True)
    for last, language in LANGUAGES.items():
        chosen = [w.capitalize() for w in names if w.endswith(last)][:100]
        (folder / f"{language}.txt").write_text("\n".join(chosen) + "\n")
    return {}


def test_char_rnn_classification() -> None:
    ns = run(CHAR_RNN_CLASSIFICATION, **_language_files())
    assert sorted(ns["all_categories"]) == sorted(LANGUAGES.values())
    losses = ns["all_losses"]
    assert len(losses) == 6 and np.all(np.diff(losses) < 0), losses  # from log(4) = 1.39
    assert losses[-1] < losses[0] - 0.2, losses
    confusion = ns["confusion"].numpy()
    np.testing.assert_allclose(confusion.sum(axis=1), 1, rtol=1e-6)  # rows normalised
    assert np.trace(confusion) / 4 > 0.6  # most names guessed right after 300 steps
    assert tuple(ns["lineToTensor"]("Jones").size()) == (5, 1, 57)
    assert ns["categoryFromOutput"](mg.tensor([[-3.0, -0.1, -2.0, -4.0]])) == (
        ns["all_categories"][1],
        1,
    )


def test_char_rnn_classification_matches_torch() -> None:
    compare_with_torch(CHAR_RNN_CLASSIFICATION, **_language_files())


# ---------------------------------------------------------------------------------------------
# "Advanced: Making Dynamic Decisions and the Bi-LSTM CRF": a bidirectional nn.LSTM's features
# scored by a CRF (the forward algorithm with log_sum_exp, the gold path's score, Viterbi
# decoding with back pointers), trained with SGD(weight_decay=1e-4) on the two sentences.
# 15 epochs instead of 300; the test adds a list of the losses.

BILSTM_CRF = """
# Author: Robert Guthrie

import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(1)

#####################################################################
# Helper functions to make the code more readable.


def argmax(vec):
    # return the argmax as a python int
    _, idx = torch.max(vec, 1)
    return idx.item()


def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)


# Compute log sum exp in a numerically stable way for the forward algorithm
def log_sum_exp(vec):
    max_score = vec[0, argmax(vec)]
    max_score_broadcast = max_score.view(1, -1).expand(1, vec.size()[1])
    return max_score + \
        torch.log(torch.sum(torch.exp(vec - max_score_broadcast)))

#####################################################################
# Create model


class BiLSTM_CRF(nn.Module):

    def __init__(self, vocab_size, tag_to_ix, embedding_dim, hidden_dim):
        super(BiLSTM_CRF, self).__init__()
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.vocab_size = vocab_size
        self.tag_to_ix = tag_to_ix
        self.tagset_size = len(tag_to_ix)

        self.word_embeds = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim // 2,
                            num_layers=1, bidirectional=True)

        # Maps the output of the LSTM into tag space.
        self.hidden2tag = nn.Linear(hidden_dim, self.tagset_size)

        # Matrix of transition parameters.  Entry i,j is the score of
        # transitioning *to* i *from* j.
        self.transitions = nn.Parameter(
            torch.randn(self.tagset_size, self.tagset_size))

        # These two statements enforce the constraint that we never transfer
        # to the start tag and we never transfer from the stop tag
        self.transitions.data[tag_to_ix[START_TAG], :] = -10000
        self.transitions.data[:, tag_to_ix[STOP_TAG]] = -10000

        self.hidden = self.init_hidden()

    def init_hidden(self):
        return (torch.randn(2, 1, self.hidden_dim // 2),
                torch.randn(2, 1, self.hidden_dim // 2))

    def _forward_alg(self, feats):
        # Do the forward algorithm to compute the partition function
        init_alphas = torch.full((1, self.tagset_size), -10000.)
        # START_TAG has all of the score.
        init_alphas[0][self.tag_to_ix[START_TAG]] = 0.

        # Wrap in a variable so that we will get automatic backprop
        forward_var = init_alphas

        # Iterate through the sentence
        for feat in feats:
            alphas_t = []  # The forward tensors at this timestep
            for next_tag in range(self.tagset_size):
                # broadcast the emission score: it is the same regardless of
                # the previous tag
                emit_score = feat[next_tag].view(
                    1, -1).expand(1, self.tagset_size)
                # the ith entry of trans_score is the score of transitioning to
                # next_tag from i
                trans_score = self.transitions[next_tag].view(1, -1)
                # The ith entry of next_tag_var is the value for the
                # edge (i -> next_tag) before we do log-sum-exp
                next_tag_var = forward_var + trans_score + emit_score
                # The forward variable for this tag is log-sum-exp of all the
                # scores.
                alphas_t.append(log_sum_exp(next_tag_var).view(1))
            forward_var = torch.cat(alphas_t).view(1, -1)
        terminal_var = forward_var + self.transitions[self.tag_to_ix[STOP_TAG]]
        alpha = log_sum_exp(terminal_var)
        return alpha

    def _get_lstm_features(self, sentence):
        self.hidden = self.init_hidden()
        embeds = self.word_embeds(sentence).view(len(sentence), 1, -1)
        lstm_out, self.hidden = self.lstm(embeds, self.hidden)
        lstm_out = lstm_out.view(len(sentence), self.hidden_dim)
        lstm_feats = self.hidden2tag(lstm_out)
        return lstm_feats

    def _score_sentence(self, feats, tags):
        # Gives the score of a provided tag sequence
        score = torch.zeros(1)
        tags = torch.cat([torch.tensor([self.tag_to_ix[START_TAG]], dtype=torch.long), tags])
        for i, feat in enumerate(feats):
            score = score + \
                self.transitions[tags[i + 1], tags[i]] + feat[tags[i + 1]]
        score = score + self.transitions[self.tag_to_ix[STOP_TAG], tags[-1]]
        return score

    def _viterbi_decode(self, feats):
        backpointers = []

        # Initialize the viterbi variables in log space
        init_vvars = torch.full((1, self.tagset_size), -10000.)
        init_vvars[0][self.tag_to_ix[START_TAG]] = 0

        # forward_var at step i holds the viterbi variables for step i-1
        forward_var = init_vvars
        for feat in feats:
            bptrs_t = []  # holds the backpointers for this step
            viterbivars_t = []  # holds the viterbi variables for this step

            for next_tag in range(self.tagset_size):
                # next_tag_var[i] holds the viterbi variable for tag i at the
                # previous step, plus the score of transitioning
                # from tag i to next_tag.
                # We don't include the emission scores here because the max
                # does not depend on them (we add them in below)
                next_tag_var = forward_var + self.transitions[next_tag]
                best_tag_id = argmax(next_tag_var)
                bptrs_t.append(best_tag_id)
                viterbivars_t.append(next_tag_var[0][best_tag_id].view(1))
            # Now add in the emission scores, and assign forward_var to the set
            # of viterbi variables we just computed
            forward_var = (torch.cat(viterbivars_t) + feat).view(1, -1)
            backpointers.append(bptrs_t)

        # Transition to STOP_TAG
        terminal_var = forward_var + self.transitions[self.tag_to_ix[STOP_TAG]]
        best_tag_id = argmax(terminal_var)
        path_score = terminal_var[0][best_tag_id]

        # Follow the back pointers to decode the best path.
        best_path = [best_tag_id]
        for bptrs_t in reversed(backpointers):
            best_tag_id = bptrs_t[best_tag_id]
            best_path.append(best_tag_id)
        # Pop off the start tag (we dont want to return that to the caller)
        start = best_path.pop()
        assert start == self.tag_to_ix[START_TAG]  # Sanity check
        best_path.reverse()
        return path_score, best_path

    def neg_log_likelihood(self, sentence, tags):
        feats = self._get_lstm_features(sentence)
        forward_score = self._forward_alg(feats)
        gold_score = self._score_sentence(feats, tags)
        return forward_score - gold_score

    def forward(self, sentence):  # dont confuse this with _forward_alg above.
        # Get the emission scores from the BiLSTM
        lstm_feats = self._get_lstm_features(sentence)

        # Find the best path, given the features.
        score, tag_seq = self._viterbi_decode(lstm_feats)
        return score, tag_seq

#####################################################################
# Run training


START_TAG = "<START>"
STOP_TAG = "<STOP>"
EMBEDDING_DIM = 5
HIDDEN_DIM = 4

# Make up some training data
training_data = [(
    "the wall street journal reported today that apple corporation made money".split(),
    "B I I I O O O B I O O".split()
), (
    "georgia tech is a university in georgia".split(),
    "B I O O O O B".split()
)]

word_to_ix = {}
for sentence, tags in training_data:
    for word in sentence:
        if word not in word_to_ix:
            word_to_ix[word] = len(word_to_ix)

tag_to_ix = {"B": 0, "I": 1, "O": 2, START_TAG: 3, STOP_TAG: 4}

model = BiLSTM_CRF(len(word_to_ix), tag_to_ix, EMBEDDING_DIM, HIDDEN_DIM)
optimizer = optim.SGD(model.parameters(), lr=0.01, weight_decay=1e-4)

# Check predictions before training
with torch.no_grad():
    precheck_sent = prepare_sequence(training_data[0][0], word_to_ix)
    precheck_tags = torch.tensor([tag_to_ix[t] for t in training_data[0][1]], dtype=torch.long)
    print(model(precheck_sent))

losses = []  # (added: the losses, to compare)
# Make sure prepare_sequence from earlier in the LSTM section is loaded
for epoch in range(
        15):  # again, normally you would NOT do 300 epochs, it is toy data (300 in the tutorial)
    for sentence, tags in training_data:
        # Step 1. Remember that Pytorch accumulates gradients.
        # We need to clear them out before each instance
        model.zero_grad()

        # Step 2. Get our inputs ready for the network, that is,
        # turn them into Tensors of word indices.
        sentence_in = prepare_sequence(sentence, word_to_ix)
        targets = torch.tensor([tag_to_ix[t] for t in tags], dtype=torch.long)

        # Step 3. Run our forward pass.
        loss = model.neg_log_likelihood(sentence_in, targets)
        losses.append(loss.item())

        # Step 4. Compute the loss, gradients, and update the parameters by
        # calling optimizer.step()
        loss.backward()
        optimizer.step()

# Check predictions after training
with torch.no_grad():
    precheck_sent = prepare_sequence(training_data[0][0], word_to_ix)
    print(model(precheck_sent))
# We got it!
"""


def test_bilstm_crf() -> None:
    ns = run(BILSTM_CRF)
    losses = ns["losses"]
    assert len(losses) == 30 and np.isfinite(losses).all()
    for sentence in (0, 1):  # each sentence's negative log-likelihood fell
        assert losses[-2 + sentence] < losses[sentence] - 0.5, losses[sentence::2]
    model, prepare_sequence = ns["model"], ns["prepare_sequence"]
    sentence = prepare_sequence(ns["training_data"][0][0], ns["word_to_ix"])
    with mg.no_grad():
        feats = model._get_lstm_features(sentence)
        score, path = model._viterbi_decode(feats)
        # Viterbi's score is the score of the path it returns, and no more than the log
        # partition function (the log-sum-exp over all paths)
        gold = model._score_sentence(feats, mg.tensor(path))
        assert np.isclose(score.item(), gold.item(), rtol=1e-5)
        assert score.item() <= model._forward_alg(feats).item() + 1e-4
    assert len(path) == 11 and set(path) <= {0, 1, 2}  # never START or STOP


def test_bilstm_crf_matches_torch() -> None:
    ours, theirs, _ = run_both(BILSTM_CRF.replace("range(\n        15)", "range(\n        3)"))
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-7)
    score, path = ours["model"](ours["precheck_sent"])
    their_score, their_path = theirs["model"](theirs["precheck_sent"])
    assert path == their_path
    np.testing.assert_allclose(score.item(), their_score.item(), rtol=1e-7)


# ---------------------------------------------------------------------------------------------
# "Defining a Neural Network in PyTorch": the MNIST network (Conv2d, Dropout2d, max_pool2d,
# flatten, log_softmax) first without forward, then with it, on one random image

DEFINING_A_NEURAL_NETWORK = """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
      super(Net, self).__init__()

      # First 2D convolutional layer, taking in 1 input channel (image),
      # outputting 32 convolutional features, with a square kernel size of 3
      self.conv1 = nn.Conv2d(1, 32, 3, 1)
      # Second 2D convolutional layer, taking in the 32 input layers,
      # outputting 64 convolutional features, with a square kernel size of 3
      self.conv2 = nn.Conv2d(32, 64, 3, 1)

      # Designed to ensure that adjacent pixels are either all 0s or all active
      # with an input probability
      self.dropout1 = nn.Dropout2d(0.25)
      self.dropout2 = nn.Dropout2d(0.5)

      # First fully connected layer
      self.fc1 = nn.Linear(9216, 128)
      # Second fully connected layer that outputs our 10 labels
      self.fc2 = nn.Linear(128, 10)

my_nn = Net()
print(my_nn)

class Net(nn.Module):
    def __init__(self):
      super(Net, self).__init__()
      self.conv1 = nn.Conv2d(1, 32, 3, 1)
      self.conv2 = nn.Conv2d(32, 64, 3, 1)
      self.dropout1 = nn.Dropout2d(0.25)
      self.dropout2 = nn.Dropout2d(0.5)
      self.fc1 = nn.Linear(9216, 128)
      self.fc2 = nn.Linear(128, 10)

    # x represents our data
    def forward(self, x):
      # Pass data through conv1
      x = self.conv1(x)
      # Use the rectified-linear activation function over x
      x = F.relu(x)

      x = self.conv2(x)
      x = F.relu(x)

      # Run max pooling over x
      x = F.max_pool2d(x, 2)
      # Pass data through dropout1
      x = self.dropout1(x)
      # Flatten x with start_dim=1
      x = x.flatten(start_dim=1)
      # Pass data through fc1
      x = self.fc1(x)
      x = F.relu(x)
      x = self.dropout2(x)
      x = self.fc2(x)

      # Apply softmax to x
      output = F.log_softmax(x, dim=1)
      return output

# Equates to one random 28x28 image
random_data = torch.rand((1, 1, 28, 28))

my_nn = Net()
result = my_nn(random_data)
print (result)
"""


def test_defining_a_neural_network() -> None:
    # dropout2 is a Dropout2d after fc1: a 2-D input, deprecated in PyTorch (a warning)
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        ns = run(DEFINING_A_NEURAL_NETWORK)
    result = ns["result"]
    assert tuple(result.shape) == (1, 10) and result.grad_fn.name() == "LogSoftmaxBackward0"
    np.testing.assert_allclose(result.exp().sum().item(), 1.0, rtol=1e-5)
    my_nn = ns["my_nn"]
    assert sum(p.numel() for p in my_nn.parameters()) == 1199882  # as torch counts them
    # in eval mode (no dropout) the network is a function of its input
    my_nn.eval()
    with pytest.warns(UserWarning, match="2-D input"):  # (in eval mode too, as PyTorch)
        once, twice = my_nn(ns["random_data"]), my_nn(ns["random_data"])
    np.testing.assert_array_equal(once.detach().numpy(), twice.detach().numpy())
    # Dropout2d zeroes whole channels: each of conv2's 64 maps is kept or dropped as a whole
    my_nn.dropout1.train()
    maps = my_nn.dropout1(mg.ones(1, 64, 12, 12)).numpy()[0]
    kept = maps.reshape(64, -1)
    assert all(np.all(row == row[0]) for row in kept)
    assert np.allclose(np.unique(kept), [0, 1 / 0.75])


def test_defining_a_neural_network_prints_as_torch() -> None:
    """``print(my_nn)`` reads as PyTorch's (the layers and their arguments)."""
    _, _, (ours, theirs) = run_both(DEFINING_A_NEURAL_NETWORK.split("# Equates")[0])
    assert ours == theirs


# ---------------------------------------------------------------------------------------------
# "Zeroing out gradients in PyTorch": the CIFAR-10 network trained with optimizer.zero_grad()
# before each step (torchvision's CIFAR10 given by the test, 2 epochs of 60 images); the test
# adds a list of the losses

ZEROING_OUT_GRADIENTS = f"""
import torch

import torch.nn as nn
import torch.nn.functional as F

import torch.optim as optim

# (torchvision and torchvision.transforms: given by the test)

transform = transforms.Compose(
    [transforms.ToTensor(),
     transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])

trainset = torchvision.datasets.CIFAR10(root='./data', train=True,
                                        download=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=4,
                                          shuffle=True, num_workers=2)

testset = torchvision.datasets.CIFAR10(root='./data', train=False,
                                       download=True, transform=transform)
testloader = torch.utils.data.DataLoader(testset, batch_size=4,
                                         shuffle=False, num_workers=2)

classes = ('plane', 'car', 'bird', 'cat',
           'deer', 'dog', 'frog', 'horse', 'ship', 'truck')

{NET}

net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

losses = []
for epoch in range(2):  # loop over the dataset multiple times

    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        # get the inputs; data is a list of [inputs, labels]
        inputs, labels = data

        # zero the parameter gradients
        optimizer.zero_grad()

        # forward + backward + optimize
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

        # print statistics
        running_loss += loss.item()
        if i % 2000 == 1999:    # print every 2000 mini-batches
            print('[%d, %5d] loss: %.3f' %
                  (epoch + 1, i + 1, running_loss / 2000))
            running_loss = 0.0

print('Finished Training')
"""


def test_zeroing_out_gradients() -> None:
    ns = run(ZEROING_OUT_GRADIENTS, **_cifar(60, 8))
    losses = ns["losses"]
    assert len(losses) == 2 * 60 // 4 and np.isfinite(losses).all()
    net, optimizer = ns["net"], ns["optimizer"]
    assert all(p.grad is not None for p in net.parameters())  # the last backward's
    # PyTorch 2's zero_grad() sets the gradients to None; zero_grad(set_to_none=False) zeroes
    optimizer.zero_grad(set_to_none=False)
    assert all(not p.grad.numpy().any() for p in net.parameters())
    net.zero_grad()  # "You can also use model.zero_grad()"
    assert all(p.grad is None for p in net.parameters())
    # without zeroing, a second backward adds to the first: the gradient doubles
    inputs, labels = next(iter(ns["trainloader"]))
    ns["criterion"](net(inputs), labels).backward()
    once = net.fc3.bias.grad.numpy().copy()
    ns["criterion"](net(inputs), labels).backward()
    np.testing.assert_allclose(net.fc3.bias.grad.numpy(), 2 * once, rtol=1e-5)


def test_zeroing_out_gradients_matches_torch() -> None:
    compare_with_torch(ZEROING_OUT_GRADIENTS, **_cifar(60, 8))


# ---------------------------------------------------------------------------------------------
# "Tips for Loading an nn.Module from a Checkpoint": torch.load(mmap=True), the torch.device()
# context manager on the meta device, load_state_dict(assign=True). minigrad has not the first
# two (its checkpoints are .npz archives read into memory; its tensors always hold data on the
# CPU): each is refused, saying so; with the CPU device instead, the recipe runs, assign=True too.

LOAD_STATE_DICT_TIPS = """
import torch
from torch import nn

class SomeModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linears = nn.ModuleList([nn.Linear(1, 1) for i in range(10)])

    def forward(self, x):
        return self.linears(x)


m = SomeModule()
torch.save(m.state_dict(), 'checkpoint.pth')
state_dict = torch.load('checkpoint.pth', mmap=True)
with torch.device('meta'):
  meta_m = SomeModule()
meta_m.load_state_dict(state_dict, assign=True)

state_dict = torch.load('checkpoint.pth')
m = SomeModule()
m.load_state_dict(state_dict)
"""


def test_load_state_dict_tips() -> None:
    with pytest.raises(ValueError, match=r"mmap=True is not supported"):
        run(LOAD_STATE_DICT_TIPS)
    without_mmap = LOAD_STATE_DICT_TIPS.replace("mmap=True", "mmap=False")
    with pytest.raises(RuntimeError, match=r"device 'meta' is not available.*device='cpu'"):
        run(without_mmap)
    on_cpu = without_mmap.replace("torch.device('meta')", "torch.device('cpu')")
    ns = run(on_cpu)
    assert_same_state(ns["m"], ns["meta_m"])  # both loaded from the one checkpoint
    assert len(ns["state_dict"]) == 20
    # assign=True: meta_m's parameters share the first checkpoint's arrays (reloaded since)
    assert ns["meta_m"].linears[0].weight.is_leaf
    assert ns["meta_m"].linears[0].weight is not ns["m"].linears[0].weight


def test_device_as_a_context_manager() -> None:
    """``with torch.device("cpu"):`` is PyTorch's default device for the block: the CPU, as
    always in minigrad; another device is refused on entering, naming it."""
    with mg.device("cpu") as cpu:
        assert mg.zeros(2).device == cpu == mg.get_default_device()
    for name in ("meta", "cuda"):
        with pytest.raises(RuntimeError, match=f"device '{name}' is not available"):
            with mg.device(name):
                pass
    assert mg.get_default_device() == mg.device("cpu")
