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
import io
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_pytorch_compat import run, same_start, start_functions

import minigrad as mg


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
    """The printed model and state dicts read as PyTorch's (up to the library's name, and the
    optimizer options minigrad does not have: foreach, differentiable, fused)."""
    _, theirs, (ours_out, theirs_out) = run_both(WHAT_IS_STATE_DICT)
    ours_lines, theirs_lines = ours_out.splitlines(), theirs_out.splitlines()
    assert len(ours_lines) == len(theirs_lines)
    for mine, torchs in zip(ours_lines, theirs_lines):
        if mine.startswith("param_groups"):
            continue  # compared as values below
        assert mine == torchs.replace("torch.Size", "minigrad.Size")
    ours_group = run(WHAT_IS_STATE_DICT)["optimizer"].state_dict()["param_groups"][0]
    theirs_group = theirs["optimizer"].state_dict()["param_groups"][0]
    assert ours_group == {k: theirs_group[k] for k in ours_group}
    assert set(theirs_group) - set(ours_group) == {"foreach", "differentiable", "fused"}


def plain(tree: Any) -> Any:
    """A checkpoint of either library with its tensors as float64 arrays (nesting kept)."""
    if isinstance(tree, dict):
        return {k: plain(v) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return type(tree)(plain(v) for v in tree)
    return numbers(tree) if hasattr(tree, "detach") else tree


def assert_same_tree(ours: Any, theirs: Any, where: str = "") -> None:
    """Two checkpoints hold the same keys in the same order, the same Python values and equal
    arrays; minigrad's optimizer groups lack only torch's foreach, differentiable, fused."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        if "params" in theirs:  # an optimizer's param group
            theirs = {k: v for k, v in theirs.items() if k in ours}
            ours = {k: v for k, v in ours.items() if k in theirs}  # (minigrad's extras: none)
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
