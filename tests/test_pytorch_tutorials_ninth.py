# Holds text from pytorch/tutorials: recipes_source/recipes/tensorboard_with_pytorch.py,
# intermediate_source/optimizer_step_in_backward_tutorial.py,
# recipes_source/compiling_optimizer_lr_scheduler.py; and from pytorch/pytorch:
# docs/source/notes/modules.rst, docs/source/notes/serialization.rst,
# docs/source/notes/extending.func.rst. The files and their licences (BSD 3-Clause):
# tests/THIRD_PARTY_NOTICES.md.
"""Six more of PyTorch's programs run under minigrad with only the import changed: the recipe
"How to use TensorBoard with PyTorch"; the documentation notes "Modules", "Serialization
semantics" and "Extending torch.func with autograd.Function"; the tutorial "How to save memory
by fusing the optimizer step into the backward pass"; and the recipe "(beta) Running the
compiled optimizer with an LR Scheduler".

Each program is kept as upstream writes it, the prose between its code left out. Only what
cannot run here is replaced, and says so where it is: the GPU (``"cuda"`` by ``"cpu"``),
torchvision's pretrained ``vit_l_16`` by a small network, the private CUDA memory recorder and
``torch._logging`` left out, the sizes and step counts shrunk. Each program passes a check that
can fail and, when torch is installed, gives torch's numbers: from the same random draws
(``_shared_draws``) for what it prints, or from the same start in float64 for training.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from test_pytorch_compat import ForLibrary, run, same_start
from test_pytorch_tutorials_eighth import _printed_by_both
from test_pytorch_tutorials_sixth import _both, _numbers

import minigrad as mg

# torch's deprecation of its own torch.jit.script_method, raised as Dynamo imports: not minigrad's
pytestmark = pytest.mark.filterwarnings(
    "ignore:`torch.jit.script_method` is deprecated:DeprecationWarning"
)


def _same_linear(seed: int = 7) -> ForLibrary:
    """``nn.Linear`` for a program's ``_start_linear(...)``: the library's own layer, its
    weight and bias then drawn from a NumPy stream that is the same for both libraries (each
    library's own initialisation draws different numbers)."""

    def make(lib: Any) -> Any:
        rng = np.random.default_rng(seed)

        def linear(*args: Any, **kwargs: Any) -> Any:
            layer = lib.nn.Linear(*args, **kwargs)
            with lib.no_grad():
                for p in (layer.weight, layer.bias):
                    if p is not None:
                        p.copy_(lib.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape))))
            return layer

        return linear

    return ForLibrary(make)


# ---------------------------------------------------------------------------------------------
# recipes_source/recipes/tensorboard_with_pytorch.py: a linear regression whose loss is logged
# each epoch by SummaryWriter().add_scalar("Loss/train", loss, epoch), then flush() and
# close(). Run as written (its default log directory, runs/<date>_<host>, in a temporary
# directory); the prose's `tensorboard --logdir=runs` is a shell command.

TENSORBOARD = r"""
import torch
from torch.utils.tensorboard import SummaryWriter
writer = SummaryWriter()

x = torch.arange(-5, 5, 0.1).view(-1, 1)
y = -5 * x + 0.1 * torch.randn(x.size())

model = torch.nn.Linear(1, 1)
criterion = torch.nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr = 0.1)

def train_model(iter):
    for epoch in range(iter):
        y1 = model(x)
        loss = criterion(y1, y)
        writer.add_scalar("Loss/train", loss, epoch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

train_model(10)

writer.flush()

writer.close()
"""


class _Recorder:
    """A SummaryWriter that keeps each scalar as a float: torch's own writer needs the
    tensorboard package (not installed with torch)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.logged: list[tuple[str, float, int]] = []

    def add_scalar(self, tag: str, value: Any, step: int) -> None:
        self.logged.append((tag, float(value), step))

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_tensorboard_recipe_logs_the_falling_loss(tmp_path: Path, monkeypatch: Any) -> None:
    """The ten losses reach an event file under runs/<date>_<host> (read back with
    tensorboardX's protocol buffers), one per epoch, falling tenfold."""
    pytest.importorskip("tensorboardX", reason="needs the optional extra: pip install tensorboardX")
    from test_tensorboard import scalars

    monkeypatch.chdir(tmp_path)
    ns = run(TENSORBOARD)
    (run_dir,) = (tmp_path / "runs").iterdir()
    assert str(run_dir.resolve()) == str(Path(ns["writer"].log_dir).resolve())
    logged = scalars(run_dir)["Loss/train"]
    assert [step for step, _ in logged] == list(range(10))
    losses = [v for _, v in logged]
    assert losses[-1] < losses[0] / 10


def test_tensorboard_recipe_matches_torch() -> None:
    """From the same start in float64, the ten logged losses are torch's (the writer replaced
    by one that keeps them, in both)."""
    line = "from torch.utils.tensorboard import SummaryWriter\n"
    source = same_start(TENSORBOARD.replace(line, "# " + line))
    (ours, _), (theirs, _) = _both(source, SummaryWriter=_Recorder)
    mine, torchs = ours["writer"].logged, theirs["writer"].logged
    assert [(t, s) for t, _, s in mine] == [("Loss/train", s) for s in range(10)]
    np.testing.assert_allclose([v for _, v, _ in mine], [v for _, v, _ in torchs], rtol=1e-10)


# ---------------------------------------------------------------------------------------------
# docs/source/notes/modules.rst (pytorch/pytorch): a module from scratch (MyLinear with two
# nn.Parameters), nn.Sequential, named_children and named_modules of nested modules, a
# DynamicNet of nn.ModuleList and nn.ModuleDict; .to(device=...)/.to(dtype=...), apply() with
# an init function under @torch.no_grad(), a training loop (SGD with momentum and weight decay),
# train/eval modes; a RunningMean buffer, state_dict save and load; a StatefulModule with
# register_parameter (and None), ParameterList, ParameterDict, persistent and non-persistent
# buffers (and None); device= and dtype= factory arguments, skip_init with orthogonal_,
# BatchNorm2d in float16; forward pre-hooks, forward hooks, full backward hooks and their
# removal. The note shows the value of some expressions (`m(sample_input)`): they are
# printed here. Its MyModule with a `reset_parameters` left as `...` and the prose's lists of
# advanced features are left out. As written it needs a GPU (`'cuda'`): the test puts the CPU
# in its place; its line `dynamic_net(torch.randn(5, device='cuda', dtype=torch.float64))`
# forgets DynamicNet's `act` argument (and its input has 5 features for 4) and fails in torch
# too, so the test also runs it corrected; its 10000 training steps are 100.

MODULES = r"""
import torch
from torch import nn

class MyLinear(nn.Module):
  def __init__(self, in_features, out_features):
    super().__init__()
    self.weight = nn.Parameter(torch.randn(in_features, out_features))
    self.bias = nn.Parameter(torch.randn(out_features))

  def forward(self, input):
    return (input @ self.weight) + self.bias

m = MyLinear(4, 3)
sample_input = torch.randn(4)
print(m(sample_input))

for parameter in m.named_parameters():
  print(parameter)

net = nn.Sequential(
  MyLinear(4, 3),
  nn.ReLU(),
  MyLinear(3, 1)
)

sample_input = torch.randn(4)
print(net(sample_input))

import torch.nn.functional as F

class Net(nn.Module):
  def __init__(self):
    super().__init__()
    self.l0 = MyLinear(4, 3)
    self.l1 = MyLinear(3, 1)
  def forward(self, x):
    x = self.l0(x)
    x = F.relu(x)
    x = self.l1(x)
    return x

net = Net()
for child in net.named_children():
  print(child)

class BigNet(nn.Module):
  def __init__(self):
    super().__init__()
    self.l1 = MyLinear(5, 4)
    self.net = Net()
  def forward(self, x):
    return self.net(self.l1(x))

big_net = BigNet()
for module in big_net.named_modules():
  print(module)

class DynamicNet(nn.Module):
  def __init__(self, num_layers):
    super().__init__()
    self.linears = nn.ModuleList(
      [MyLinear(4, 4) for _ in range(num_layers)])
    self.activations = nn.ModuleDict({
      'relu': nn.ReLU(),
      'lrelu': nn.LeakyReLU()
    })
    self.final = MyLinear(4, 1)
  def forward(self, x, act):
    for linear in self.linears:
      x = linear(x)
    x = self.activations[act](x)
    x = self.final(x)
    return x

dynamic_net = DynamicNet(3)
sample_input = torch.randn(4)
output = dynamic_net(sample_input, 'relu')

for parameter in dynamic_net.named_parameters():
  print(parameter)


# Move all parameters to a CUDA device
dynamic_net.to(device='cuda')

# Change precision of all parameters
dynamic_net.to(dtype=torch.float64)

dynamic_net(torch.randn(5, device='cuda', dtype=torch.float64))

# Define a function to initialize Linear weights.
# Note that no_grad() is used here to avoid tracking this computation in the autograd graph.
@torch.no_grad()
def init_weights(m):
  if isinstance(m, nn.Linear):
    nn.init.xavier_normal_(m.weight)
    m.bias.fill_(0.0)

# Apply the function recursively on the module and its submodules.
dynamic_net.apply(init_weights)

# Create the network (from previous section) and optimizer
net = Net()
optimizer = torch.optim.SGD(net.parameters(), lr=1e-4, weight_decay=1e-2, momentum=0.9)

# Run a sample training loop that "teaches" the network
# to output the constant zero function
for _ in range(10000):
  input = torch.randn(4)
  output = net(input)
  loss = torch.abs(output)
  net.zero_grad()
  loss.backward()
  optimizer.step()

# After training, switch the module to eval mode to do inference, compute performance metrics, etc.
# (see discussion below for a description of training and evaluation modes)
net.eval()

print(net.l1.weight)

class ModalModule(nn.Module):
  def __init__(self):
    super().__init__()

  def forward(self, x):
    if self.training:
      # Add a constant only in training mode.
      return x + 1.
    else:
      return x


m = ModalModule()
x = torch.randn(4)

print('training mode output: {}'.format(m(x)))

m.eval()
print('evaluation mode output: {}'.format(m(x)))

class RunningMean(nn.Module):
  def __init__(self, num_features, momentum=0.9):
    super().__init__()
    self.momentum = momentum
    self.register_buffer('mean', torch.zeros(num_features))
  def forward(self, x):
    self.mean = self.momentum * self.mean + (1.0 - self.momentum) * x
    return self.mean

m = RunningMean(4)
for _ in range(10):
  input = torch.randn(4)
  m(input)

print(m)

print(m.mean)

print(m.state_dict())

# Serialized form will contain the 'mean' tensor
torch.save(m.state_dict(), 'mean.pt')

m_loaded = RunningMean(4)
m_loaded.load_state_dict(torch.load('mean.pt'))
assert(torch.all(m.mean == m_loaded.mean))

# Moves all module parameters and buffers to the specified device / dtype
m.to(device='cuda', dtype=torch.float64)

for buffer in m.named_buffers():
  print(buffer)

class StatefulModule(nn.Module):
  def __init__(self):
    super().__init__()
    # Setting a nn.Parameter as an attribute of the module automatically registers the tensor
    # as a parameter of the module.
    self.param1 = nn.Parameter(torch.randn(2))

    # Alternative string-based way to register a parameter.
    self.register_parameter('param2', nn.Parameter(torch.randn(3)))

    # Reserves the "param3" attribute as a parameter, preventing it from being set to anything
    # except a parameter. "None" entries like this will not be present in the module's state_dict.
    self.register_parameter('param3', None)

    # Registers a list of parameters.
    self.param_list = nn.ParameterList([nn.Parameter(torch.randn(2)) for i in range(3)])

    # Registers a dictionary of parameters.
    self.param_dict = nn.ParameterDict({
      'foo': nn.Parameter(torch.randn(3)),
      'bar': nn.Parameter(torch.randn(4))
    })

    # Registers a persistent buffer (one that appears in the module's state_dict).
    self.register_buffer('buffer1', torch.randn(4), persistent=True)

    # Registers a non-persistent buffer (one that does not appear in the module's state_dict).
    self.register_buffer('buffer2', torch.randn(5), persistent=False)

    # Reserves the "buffer3" attribute as a buffer, preventing it from being set to anything
    # except a buffer. "None" entries like this will not be present in the module's state_dict.
    self.register_buffer('buffer3', None)

    # Adding a submodule registers its parameters as parameters of the module.
    self.linear = nn.Linear(2, 3)

m = StatefulModule()

# Save and load state_dict.
torch.save(m.state_dict(), 'state.pt')
m_loaded = StatefulModule()
m_loaded.load_state_dict(torch.load('state.pt'))

# Note that non-persistent buffer "buffer2" and reserved attributes "param3" and "buffer3" do
# not appear in the state_dict.
print(m_loaded.state_dict())

# Initialize module directly onto GPU.
m = nn.Linear(5, 3, device='cuda')

# Initialize module with 16-bit floating point parameters.
m = nn.Linear(5, 3, dtype=torch.half)

# Skip default parameter initialization and perform custom (e.g. orthogonal) initialization.
m = torch.nn.utils.skip_init(nn.Linear, 5, 3)
nn.init.orthogonal_(m.weight)

m = nn.BatchNorm2d(3, dtype=torch.half)
print(m.running_mean)

torch.manual_seed(1)

def forward_pre_hook(m, inputs):
  # Allows for examination and modification of the input before the forward pass.
  # Note that inputs are always wrapped in a tuple.
  input = inputs[0]
  return input + 1.

def forward_hook(m, inputs, output):
  # Allows for examination of inputs / outputs and modification of the outputs
  # after the forward pass. Note that inputs are always wrapped in a tuple while outputs
  # are passed as-is.

  # Residual computation a la ResNet.
  return output + inputs[0]

def backward_hook(m, grad_inputs, grad_outputs):
  # Allows for examination of grad_inputs / grad_outputs and modification of
  # grad_inputs used in the rest of the backwards pass. Note that grad_inputs and
  # grad_outputs are always wrapped in tuples.
  new_grad_inputs = [torch.ones_like(gi) * 42. for gi in grad_inputs]
  return new_grad_inputs

# Create sample module & input.
m = nn.Linear(3, 3)
x = torch.randn(2, 3, requires_grad=True)

# ==== Demonstrate forward hooks. ====
# Run input through module before and after adding hooks.
print('output with no forward hooks: {}'.format(m(x)))

# Note that the modified input results in a different output.
forward_pre_hook_handle = m.register_forward_pre_hook(forward_pre_hook)
print('output with forward pre hook: {}'.format(m(x)))

# Note the modified output.
forward_hook_handle = m.register_forward_hook(forward_hook)
print('output with both forward hooks: {}'.format(m(x)))

# Remove hooks; note that the output here matches the output before adding hooks.
forward_pre_hook_handle.remove()
forward_hook_handle.remove()
print('output after removing forward hooks: {}'.format(m(x)))

# ==== Demonstrate backward hooks. ====
m(x).sum().backward()
print('x.grad with no backwards hook: {}'.format(x.grad))

# Clear gradients before running backward pass again.
m.zero_grad()
x.grad.zero_()

m.register_full_backward_hook(backward_hook)
m(x).sum().backward()
print('x.grad with backwards hook: {}'.format(x.grad))
"""


_NOTES_CALL = "dynamic_net(torch.randn(5, device='cuda', dtype=torch.float64))"


def _modules(corrected: bool = True) -> str:
    """The note on the CPU, 100 training steps; its call of DynamicNet corrected or not."""
    source = MODULES.replace("'cuda'", "'cpu'").replace("range(10000)", "range(100)")
    if corrected:
        call = _NOTES_CALL.replace("'cuda'", "'cpu'")
        source = source.replace(call, call.replace("randn(5", "randn(4")[:-1] + ", 'relu')")
    return source


def test_modules_note_runs_and_its_hooks_act(capsys: Any) -> None:
    """As written it stops at its first 'cuda' (no GPU, as torch without CUDA); on the CPU it
    stops where the note forgets DynamicNet's argument, with torch's TypeError; corrected, it
    runs to its end: the training lowers |output|, eval mode drops the constant, the state
    dicts hold what the note says, the pre-hook adds 1 to the input, the forward hook the input
    to the output, the backward hook makes every input gradient 42."""
    with pytest.raises(RuntimeError, match=r"device 'cuda' is not available"):
        run(MODULES)
    with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'act'"):
        run(_modules(corrected=False))
    capsys.readouterr()
    ns = run(_modules())
    out = capsys.readouterr().out
    training, evaluation = (
        _numbers(line.split(":", 1)[1]) for line in out.splitlines() if "mode output" in line
    )
    np.testing.assert_allclose(training - evaluation, 1.0, rtol=1e-6)
    assert not ns["net"].training and ns["dynamic_net"].final.weight.dtype == mg.float64
    kept = list(ns["m_loaded"].state_dict())
    names = "param1 param2 buffer1 param_list.0 param_list.1 param_list.2 param_dict.bar"
    assert kept == [*names.split(), "param_dict.foo", "linear.weight", "linear.bias"]
    assert "tensor([0., 0., 0.], dtype=minigrad.float16)" in out  # BatchNorm2d's running_mean
    m, x = ns["m"], ns["x"]
    with mg.no_grad():
        plain = m.weight @ x.T
        no_hooks, pre = plain.T + m.bias, (m.weight @ (x + 1).T).T + m.bias
    printed = {
        line.split(":")[0]: line.split(":", 1)[1].split("grad_fn")[0]
        for line in out.replace("\n        ", " ").splitlines()
        if line.startswith(("output", "x.grad"))
    }
    np.testing.assert_allclose(
        _numbers(printed["output with no forward hooks"]), no_hooks.flatten(), atol=1e-4
    )
    np.testing.assert_allclose(
        _numbers(printed["output with forward pre hook"]), pre.flatten(), atol=1e-4
    )
    np.testing.assert_allclose(
        _numbers(printed["output with both forward hooks"]), (pre + x + 1).flatten(), atol=1e-4
    )
    assert printed["output after removing forward hooks"] == printed["output with no forward hooks"]
    assert x.grad.tolist() == [[42.0] * 3] * 2


def test_modules_note_prints_what_torch_prints() -> None:
    """From the same random draws (the nn.Linear layers' parameters too), every line the note
    prints is torch's, character for character (node addresses aside)."""
    source = _modules().replace("nn.Linear(", "_start_linear(")
    ours, theirs = _printed_by_both(source, _start_linear=_same_linear())
    assert ours.count("\n") > 70 and "x.grad with backwards hook" in ours
    assert ours == theirs


# ---------------------------------------------------------------------------------------------
# docs/source/notes/serialization.rst (pytorch/pytorch), its sections "Saving and loading
# tensors", "Saving and loading tensors preserves views", "Saving and loading torch.nn.Modules":
# torch.save/torch.load of a tensor, a dict and a list; a tensor and its view numbers[1::2]
# saved together and sharing memory again when loaded (`loaded_evens *= 2` doubles every
# other element of `loaded_numbers`); a slice saved with and without clone(); a BatchNorm1d's
# parameters, buffers and state dict, saved and loaded into a new one; a module's state dict
# saved and loaded. The note shows the value of expressions: they are printed here. Its
# `loaded_small.storage().size()` reads PyTorch's storage, which minigrad does not have (an
# AttributeError naming torch.Tensor.storage); the rest of the note (weights_only's allowed
# globals, the file format, torch.serialization's config) is about pickle, which minigrad's
# checkpoints never use.

SERIALIZATION = r"""
import torch

t = torch.tensor([1., 2.])
torch.save(t, 'tensor.pt')
print(torch.load('tensor.pt'))

d = {'a': torch.tensor([1., 2.]), 'b': torch.tensor([3., 4.])}
torch.save(d, 'tensor_dict.pt')
print(torch.load('tensor_dict.pt'))

numbers = torch.arange(1, 10)
evens = numbers[1::2]
torch.save([numbers, evens], 'tensors.pt')
loaded_numbers, loaded_evens = torch.load('tensors.pt')
loaded_evens *= 2
print(loaded_numbers)

large = torch.arange(1, 1000)
small = large[0:5]
torch.save(small, 'small.pt')
loaded_small = torch.load('small.pt')
print(loaded_small.storage().size())

large = torch.arange(1, 1000)
small = large[0:5]
torch.save(small.clone(), 'small.pt')  # saves a clone of small
loaded_small = torch.load('small.pt')
print(loaded_small.storage().size())

bn = torch.nn.BatchNorm1d(3, track_running_stats=True)
print(list(bn.named_parameters()))

print(list(bn.named_buffers()))

print(bn.state_dict())

torch.save(bn.state_dict(), 'bn.pt')
bn_state_dict = torch.load('bn.pt')
new_bn = torch.nn.BatchNorm1d(3, track_running_stats=True)
print(new_bn.load_state_dict(bn_state_dict))

# A module with two linear layers
class MyModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l0 = torch.nn.Linear(4, 2)
        self.l1 = torch.nn.Linear(2, 1)

    def forward(self, input):
        out0 = self.l0(input)
        out0_relu = torch.nn.functional.relu(out0)
        return self.l1(out0_relu)

m = MyModule()
print(m.state_dict())

torch.save(m.state_dict(), 'mymodule.pt')
m_state_dict = torch.load('mymodule.pt')
new_m = MyModule()
print(new_m.load_state_dict(m_state_dict))
"""


_STORAGE = "print(loaded_small.storage().size())\n"


def test_serialization_note_runs_and_keeps_views(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    """As written it stops at the first `storage()`, saying minigrad has no torch.Tensor.storage;
    without those two lines it runs to its end: the loaded view shares the loaded tensor's
    memory, the BatchNorm1d's state dict and the module's load into new ones."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AttributeError, match=r"does not have torch\.Tensor\.storage"):
        run(SERIALIZATION)
    out = capsys.readouterr().out
    assert "tensor([ 1,  4,  3,  8,  5, 12,  7, 16,  9])" in out  # (printed before it stops)
    ns = run(SERIALIZATION.replace(_STORAGE, ""))
    out = capsys.readouterr().out
    assert ns["loaded_evens"].tolist() == [4, 8, 12, 16]
    assert ns["loaded_small"].tolist() == [1, 2, 3, 4, 5]
    assert out.count("<All keys matched successfully>") == 2
    for k, v in ns["m"].state_dict().items():
        np.testing.assert_array_equal(ns["new_m"].state_dict()[k].numpy(), v.numpy())


def test_serialization_note_prints_what_torch_prints(tmp_path: Path, monkeypatch: Any) -> None:
    """Without its two `storage()` lines, and from the same parameters for the linear layers,
    every line the note prints is torch's, character for character."""
    monkeypatch.chdir(tmp_path)
    source = SERIALIZATION.replace(_STORAGE, "").replace("torch.nn.Linear(", "_start_linear(")
    ours, theirs = _printed_by_both(source, _start_linear=_same_linear())
    assert ours.count("\n") > 10 and ours == theirs


# ---------------------------------------------------------------------------------------------
# docs/source/notes/extending.func.rst (pytorch/pytorch): autograd.Functions written for
# torch.func, their forward without ctx and a separate setup_context. NumpySort computes in
# NumPy (np.argsort, np.take_along_axis on `x.cpu().numpy()` inside forward, where grad mode
# is off), returns its intermediates as outputs marked non-differentiable and differentiates
# through NumpyTake; torch.func.grad of it; MyCube returning its derivative as a second output
# and differentiated twice by grad(grad(...)); the two Functions again with vmap staticmethods
# (info.batch_size, in_dims, movedim, expand) under torch.vmap; MyCube with
# generate_vmap_rule = True. Run as written. minigrad's vmap calls the function once per sample
# (docs/func.md), so it does not call a Function's vmap staticmethod: the results are the same.

FUNC_EXTENDING = r"""
import torch
import numpy as np

def to_numpy(tensor):
    return tensor.cpu().numpy()

class NumpySort(torch.autograd.Function):
    # Note that forward does not take ctx
    @staticmethod
    def forward(x, dim):
        device = x.device
        x = to_numpy(x)
        ind = np.argsort(x, axis=dim)
        ind_inv = np.argsort(ind, axis=dim)
        result = np.take_along_axis(x, ind, axis=dim)
        # Any intermediates to be saved in backward must be returned as
        # outputs.
        return (
            # The desired output
            torch.tensor(result, device=device),
            # intermediate to save for backward
            torch.tensor(ind, device=device),
            # intermediate to save for backward
            torch.tensor(ind_inv, device=device),
        )

    # setup_context is responsible for calling methods and/or assigning to
    # the ctx object. Please do not do additional compute (e.g. add
    # Tensors together) in setup_context.
    @staticmethod
    def setup_context(ctx, inputs, output):
        x, dim = inputs
        # Note that output is whatever you returned from forward.
        # If you returned multiple values, then output is a Tuple of multiple values.
        # If you returned a single Tensor, then output is a Tensor.
        # If you returned a Tuple with a single Tensor, then output is a
        # Tuple with a single Tensor.
        _, ind, ind_inv = output
        ctx.mark_non_differentiable(ind, ind_inv)
        # Tensors must be saved via ctx.save_for_backward. Please do not
        # assign them directly onto the ctx object.
        ctx.save_for_backward(ind, ind_inv)
        # Non-tensors may be saved by assigning them as attributes on the ctx object.
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_output, _0, _1):
        # For the autograd.Function to be arbitrarily composable with function
        # transforms, all staticmethod other than forward and setup_context
        # must be implemented in a "transformable" way; that is, they must
        # only consist of PyTorch operations or autograd.Function.
        #
        # For example, this allows us to do double backwards and/or compute
        # second order gradients.
        #
        # We've written the backward pass of NumpySort in terms of another
        # autograd.Function, NumpyTake.
        ind, ind_inv = ctx.saved_tensors
        return NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim), None

class NumpyTake(torch.autograd.Function):
    @staticmethod
    def forward(x, ind, ind_inv, dim):
        device = x.device
        x = to_numpy(x)
        ind = to_numpy(ind)
        return torch.tensor(np.take_along_axis(x, ind, dim), device=device)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, ind, ind_inv, dim = inputs
        ctx.save_for_backward(ind, ind_inv)
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_output):
        ind, ind_inv = ctx.saved_tensors
        result = NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim)
        return result, None, None, None

def numpy_sort(x, dim=-1):
    result, _, _ = NumpySort.apply(x, dim)
    return result

x = torch.randn(2, 3)
grad_x = torch.func.grad(lambda x: numpy_sort(x).sum())(x)
assert torch.allclose(grad_x, torch.ones_like(x))

class MyCube(torch.autograd.Function):
    @staticmethod
    def forward(x):
        result = x ** 3
        # In regular PyTorch, if we had just run y = x ** 3, then the backward
        # pass computes dx = 3 * x ** 2. In this autograd.Function, we've done
        # that computation here in the forward pass instead.
        dx = 3 * x ** 2
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        # In order for the autograd.Function to work with higher-order
        # gradients, we must add the gradient contribution of `dx`.
        result = grad_output * dx + grad_dx * 6 * x
        return result

# Wrap MyCube in a function so that it is clearer what the output is
def my_cube(x):
    result, _ = MyCube.apply(x)
    return result

x = torch.randn([])
ggx = torch.func.grad(torch.func.grad(my_cube))(x)
assert torch.allclose(ggx, 6 * x)

class NumpySort(torch.autograd.Function):
    @staticmethod
    def forward(x, dim):
        device = x.device
        x = to_numpy(x)
        ind = np.argsort(x, axis=dim)
        ind_inv = np.argsort(ind, axis=dim)
        result = np.take_along_axis(x, ind, axis=dim)
        return (
            torch.tensor(result, device=device),
            torch.tensor(ind, device=device),
            torch.tensor(ind_inv, device=device),
        )

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, dim = inputs
        _, ind, ind_inv = output
        ctx.mark_non_differentiable(ind, ind_inv)
        ctx.save_for_backward(ind, ind_inv)
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_output, _0, _1):
        ind, ind_inv = ctx.saved_tensors
        return NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim), None

    # The signature of the vmap staticmethod is:
    # vmap(info, in_dims: Tuple[Optional[int]], *args)
    # where *args is the same as the arguments to `forward`.
    @staticmethod
    def vmap(info, in_dims, x, dim):
        # For every input (x and dim), in_dims stores an Optional[int]
        # that is:
        # - None if the input is not being vmapped over or if the input
        #   is not a Tensor
        # - an integer if the input is being vmapped over that represents
        #   the index of the dimension being vmapped over.
        x_bdim, _ = in_dims

        # A "vmap rule" is the logic of how to perform the operation given
        # inputs with one additional dimension. In NumpySort, x has an
        # additional dimension (x_bdim). The vmap rule is simply
        # to call NumpySort again but pass it a different `dim`.
        x = x.movedim(x_bdim, 0)
        # Handle negative dims correctly
        dim = dim if dim >= 0 else dim + x.dim() - 1
        result = NumpySort.apply(x, dim + 1)

        # The vmap rule must return a tuple of two things
        # 1. the output. Should be the same amount of things
        #    as returned by the forward().
        # 2. one Optional[int] for each output specifying if each output
        # is being vmapped over, and if so, the index of the
        # dimension being vmapped over.
        #
        # NumpySort.forward returns a Tuple of 3 Tensors. Since we moved the
        # dimension being vmapped over to the front of `x`, that appears at
        # dimension 0 of all outputs.
        # The return is (output, out_dims) -- output is a tuple of 3 Tensors
        # and out_dims is a Tuple of 3 Optional[int]
        return NumpySort.apply(x, dim + 1), (0, 0, 0)

class NumpyTake(torch.autograd.Function):
    @staticmethod
    def forward(x, ind, ind_inv, dim):
        device = x.device
        x = to_numpy(x)
        ind = to_numpy(ind)
        return torch.tensor(np.take_along_axis(x, ind, dim), device=device)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, ind, ind_inv, dim = inputs
        ctx.save_for_backward(ind, ind_inv)
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_output):
        ind, ind_inv = ctx.saved_tensors
        result = NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim)
        return result, None, None, None

    @staticmethod
    def vmap(info, in_dims, x, ind, ind_inv, dim):
        x_bdim, ind_bdim, ind_inv_bdim, _ = in_dims

        # The strategy is: expand {x, ind, ind_inv} to all have the dimension
        # being vmapped over.
        # Then, call back into NumpyTake(expanded_x, expanded_ind, expanded_ind_inv, new_dim).

        # Handle negative dims by wrapping them to be positive
        logical_dim = x.dim() if x_bdim is None else x_bdim - 1
        dim = dim if dim >= 0 else dim + logical_dim

        def maybe_expand_bdim_at_front(x, x_bdim):
            if x_bdim is None:
                return x.expand(info.batch_size, *x.shape)
            return x.movedim(x_bdim, 0)

        # If the Tensor doesn't have the dimension being vmapped over,
        # expand it out. Otherwise, move it to the front of the Tensor
        x = maybe_expand_bdim_at_front(x, x_bdim)
        ind = maybe_expand_bdim_at_front(ind, ind_bdim)
        ind_inv = maybe_expand_bdim_at_front(ind_inv, ind_inv_bdim)

        # The return is a tuple (output, out_dims). Since output is a Tensor,
        # then out_dims is an Optional[int] (instead of being a Tuple).
        return NumpyTake.apply(x, ind, ind_inv, dim + 1), 0

def numpy_sort(x, dim=-1):
    result, _, _ = NumpySort.apply(x, dim)
    return result

x = torch.randn(2, 3)
result = torch.vmap(numpy_sort)(x)
assert torch.allclose(result, numpy_sort(result, 1))

class MyCube(torch.autograd.Function):
    # Set generate_vmap_rule to True to ask PyTorch to automatically generate
    # a vmap rule.
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        result = x ** 3
        dx = 3 * x ** 2
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        result = grad_output * dx + grad_dx * 6 * x
        return result

def my_cube(x):
    result, dx = MyCube.apply(x)
    return result

x = torch.randn(3)
result = torch.vmap(my_cube)(x)
assert torch.allclose(result, x ** 3)
"""


def test_func_extending_note_runs_its_asserts() -> None:
    """The note runs to its end, its four asserts included: the gradient of a sum of a sort
    is ones, grad(grad(my_cube)) is 6x, the vmapped sort sorts each row, the vmapped cube is
    x ** 3; the NumPy sort's intermediates are not differentiable."""
    ns = run(FUNC_EXTENDING)
    x = mg.randn(3, 4, requires_grad=True)
    result, ind, ind_inv = ns["NumpySort"].apply(x, 1)
    assert result.requires_grad and not ind.requires_grad and not ind_inv.requires_grad
    np.testing.assert_array_equal(result.detach().numpy(), np.sort(x.detach().numpy(), axis=1))
    (result * mg.arange(4.0)).sum().backward()
    expected = np.take_along_axis(np.tile(np.arange(4.0), (3, 1)), ind_inv.numpy(), axis=1)
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_func_extending_note_matches_torch() -> None:
    """From the same draws in float64, its gradients, second derivative and vmapped results
    are torch's."""
    (ours, _), (theirs, _) = _both(same_start(FUNC_EXTENDING))
    for name in ("grad_x", "ggx", "x", "result"):
        np.testing.assert_allclose(ours[name].numpy(), theirs[name].numpy(), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# intermediate_source/optimizer_step_in_backward_tutorial.py: a model trained by Adam for
# three steps on fake images; then one Adam per parameter (`foreach=False`) stepped and zeroed
# by a hook registered with `register_post_accumulate_grad_hook`, so that each parameter is
# updated during backward as soon as its gradient is ready, and train() no longer steps.
# Substituted: torchvision's pretrained `vit_l_16(weights='DEFAULT')` by a small convolutional
# network (`_torchvision`), IMAGE_SIZE 224 by 16, `.cuda()` left out (no GPU), and the lines
# that record and dump CUDA's memory history (`torch.cuda.memory._record_memory_history`,
# `_snapshot`, private and for GPUs only) left out: the tutorial measures the memory saved,
# which on the CPU minigrad does not track.

OPT_IN_BACKWARD = r"""
import torch
import torchvision

model = torchvision.models.vit_l_16(weights='DEFAULT').cuda()
optimizer = torch.optim.Adam(model.parameters())

IMAGE_SIZE = 224

def train(model, optimizer):
  # create our fake image input: tensor shape is batch_size, channels, height, width
  fake_image = torch.rand(1, 3, IMAGE_SIZE, IMAGE_SIZE).cuda()

  # call our forward and backward
  loss = model.forward(fake_image)
  loss.sum().backward()

  # optimizer update
  optimizer.step()
  optimizer.zero_grad()

# tell CUDA to start recording memory allocations
torch.cuda.memory._record_memory_history(enabled='all')

# train 3 steps
for _ in range(3):
  train(model, optimizer)

# save a snapshot of the memory allocations
s = torch.cuda.memory._snapshot()
with open(f"snapshot.pickle", "wb") as f:
    dump(s, f)

# tell CUDA to stop recording memory allocations now
torch.cuda.memory._record_memory_history(enabled=None)

# Instead of having just *one* optimizer, we will have a ``dict`` of optimizers
# for every parameter so we could reference them in our hook.
optimizer_dict = {p: torch.optim.Adam([p], foreach=False) for p in model.parameters()}

# Define our hook, which will call the optimizer ``step()`` and ``zero_grad()``
def optimizer_hook(parameter) -> None:
  optimizer_dict[parameter].step()
  optimizer_dict[parameter].zero_grad()

# Register the hook onto every parameter
for p in model.parameters():
   p.register_post_accumulate_grad_hook(optimizer_hook)

# Now remember our previous ``train()`` function? Since the optimizer has been
# fused into the backward, we can remove the optimizer step and zero_grad calls.
def train(model):
  # create our fake image input: tensor shape is batch_size, channels, height, width
  fake_image = torch.rand(1, 3, IMAGE_SIZE, IMAGE_SIZE).cuda()

  # call our forward and backward
  loss = model.forward(fake_image)
  loss.sum().backward()

  # optimizer update --> no longer needed!
  # optimizer.step()
  # optimizer.zero_grad()

# tell CUDA to start recording memory allocations
torch.cuda.memory._record_memory_history(enabled='all')

# train 3 steps. note that we no longer pass the optimizer into train()
for _ in range(3):
  train(model)

# save a snapshot of the memory allocations
s = torch.cuda.memory._snapshot()
with open(f"snapshot-opt-in-bwd.pickle", "wb") as f:
    dump(s, f)

# tell CUDA to stop recording memory allocations now
torch.cuda.memory._record_memory_history(enabled=None)
"""


def _opt_in_backward(until: str | None = None) -> str:
    """The tutorial on the CPU with 16x16 images, without CUDA's memory recorder; cut before
    ``until`` when given."""
    lines = []
    for line in OPT_IN_BACKWARD.splitlines():
        if "cuda.memory" in line or "dump(s, f)" in line or "pickle" in line:
            continue
        if line == "import torchvision":  # (given as the stand-in)
            continue
        lines.append(line.replace(".cuda()", "").replace("IMAGE_SIZE = 224", "IMAGE_SIZE = 16"))
    source = "\n".join(lines) + "\n"
    return source if until is None else source[: source.index(until)]


def _small_vit(lib: Any) -> Any:
    """torchvision with a ``models.vit_l_16`` that builds a small network for 16x16 images."""

    def vit_l_16(weights: Any = None) -> Any:
        nn = lib.nn
        return nn.Sequential(
            nn.Conv2d(3, 8, 4, stride=4), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 4 * 4, 10)
        )

    return SimpleNamespace(models=SimpleNamespace(vit_l_16=vit_l_16))


def test_optimizer_in_backward_steps_each_parameter_during_backward() -> None:
    """After the three fused steps every gradient is None again (each hook zeroed its own),
    each parameter's Adam took three steps, and the parameters moved from where the first
    three ordinary steps left them by about three of Adam's steps at most (lr 1e-3 each)."""
    inputs = {"torchvision": ForLibrary(_small_vit)}
    before = run(_opt_in_backward(until="# Instead of having"), **inputs)["model"]
    ns = run(_opt_in_backward(), **inputs)
    model = ns["model"]
    assert all(p.grad is None for p in model.parameters())
    for p, opt in ns["optimizer_dict"].items():
        assert float(opt.state[p]["step"]) == 3.0
    for p0, p in zip(before.parameters(), model.parameters(), strict=True):
        moved = np.abs(p.detach().numpy() - p0.detach().numpy())
        assert 0 < moved.max() <= 3.5e-3  # (an Adam step is about lr at most)


def test_optimizer_in_backward_matches_torch() -> None:
    """From the same start and images in float64, the parameters after both phases are
    torch's."""
    (ours, _), (theirs, _) = _both(
        same_start(_opt_in_backward()), torchvision=ForLibrary(_small_vit)
    )
    for p, q in zip(ours["model"].parameters(), theirs["model"].parameters(), strict=True):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# recipes_source/compiling_optimizer_lr_scheduler.py: "(beta) Running the compiled optimizer
# with an LR Scheduler": ten bias-free Linear layers, one backward; Adam with its learning rate
# wrapped in a Tensor (`lr=torch.tensor(0.01)`, so that the scheduler changes the tensor's value
# rather than the compiled step's constant) and LinearLR, both stepped in a function under
# @torch.compile(fullgraph=False), the learning rate printed after each call (tensor(0.0047)
# ... tensor(0.0100)); then the same with a float learning rate. Substituted: "cuda" by "cpu"
# and 1024 features by 64; left out: the exit when the GPU's compute capability is below 7.0
# (it asks CUDA, which torch without a GPU cannot either) and
# `torch._logging.set_logs(recompiles=True)`, a private switch of Dynamo's logging (minigrad
# runs the function eagerly: there is nothing compiled, so no recompilation to log).

COMPILED_OPTIMIZER_LR = r"""
import torch

# Create simple model
model = torch.nn.Sequential(
    *[torch.nn.Linear(1024, 1024, False, device="cuda") for _ in range(10)]
)
input = torch.rand(1024, device="cuda")

# run forward pass
output = model(input)

# run backward to populate the grads for our optimizer below
output.sum().backward()

# exit cleanly if we are on a device that doesn't support ``torch.compile``
if torch.cuda.get_device_capability() < (7, 0):
    print("Exiting because torch.compile is not supported on this device.")
    import sys
    sys.exit(0)

# !!! IMPORTANT !!! Wrap the lr in a Tensor if we are pairing the
# the optimizer with an LR Scheduler.
# Without this, torch.compile will recompile as the value of the LR
# changes.
opt = torch.optim.Adam(model.parameters(), lr=torch.tensor(0.01))
sched = torch.optim.lr_scheduler.LinearLR(opt, total_iters=5)

@torch.compile(fullgraph=False)
def fn():
    opt.step()
    sched.step()

# Warmup runs to compile the function
for _ in range(5):
    fn()
    print(opt.param_groups[0]["lr"])

# No longer wrap the LR in a tensor here
opt = torch.optim.Adam(model.parameters(), lr=0.01)
sched = torch.optim.lr_scheduler.LinearLR(opt, total_iters=5)

@torch.compile(fullgraph=False)
def fn():
    opt.step()
    sched.step()

# Setup logging to view recompiles
torch._logging.set_logs(recompiles=True)

# Warmup runs to compile the function
# We will now recompile on each iteration
# as the value of the lr is mutated.
for _ in range(5):
    fn()
"""


def _compiled_optimizer_lr() -> str:
    source = COMPILED_OPTIMIZER_LR.replace('"cuda"', '"cpu"').replace("1024", "64")
    start = source.index("# exit cleanly")
    source = source[:start] + source[source.index("# !!! IMPORTANT") :]
    return source.replace("torch._logging.set_logs(recompiles=True)\n", "")


def test_compiled_optimizer_with_tensor_lr_prints_torchs_rates(capsys: Any) -> None:
    """The tensor learning rate goes from a third of 0.01 to 0.01 in five steps, printed as
    PyTorch prints it, and stays the tensor the optimizer was given; the float one follows
    the same schedule; both Adams moved the weights."""
    ns = run(_compiled_optimizer_lr())
    out = capsys.readouterr().out
    assert out.split() == [
        "tensor(0.0047)",
        "tensor(0.0060)",
        "tensor(0.0073)",
        "tensor(0.0087)",
        "tensor(0.0100)",
    ]
    assert ns["opt"].param_groups[0]["lr"] == pytest.approx(0.01)
    assert all(float(p.grad.abs().sum()) > 0 for p in ns["model"].parameters())


def test_compiled_optimizer_with_tensor_lr_matches_torch() -> None:
    """From the same start in float64, what it prints and the weights after both runs of
    five steps are torch's (torch compiling with its eager backend: Dynamo traces the steps,
    quickly)."""
    torch = pytest.importorskip("torch")
    before = torch.compiler.get_default_backend()
    torch.compiler.set_default_backend("eager")
    try:
        (ours, printed), (theirs, torch_printed) = _both(same_start(_compiled_optimizer_lr()))
    finally:
        torch.compiler.set_default_backend(before)
    assert printed.replace("minigrad.", "torch.") == torch_printed
    for p, q in zip(ours["model"].parameters(), theirs["model"].parameters(), strict=True):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-9, atol=1e-12)
