# Holds text from pytorch/tutorials: beginner_source/introyt/tensors_deeper_tutorial.py,
# beginner_source/introyt/trainingyt.py, beginner_source/nlp/pytorch_tutorial.py,
# beginner_source/blitz/autograd_tutorial.py (two of its earlier texts),
# intermediate_source/visualizing_gradients_tutorial.py,
# beginner_source/understanding_leaf_vs_nonleaf_tutorial.py. The files and their licence
# (BSD 3-Clause): tests/THIRD_PARTY_NOTICES.md.
"""Six more of PyTorch's tutorials run under minigrad with only the import changed: two
chapters of "Introduction to PyTorch - YouTube Series", "Introduction to PyTorch Tensors" and
"Training with PyTorch"; "Introduction to PyTorch" of "Deep Learning for NLP with PyTorch";
the 60 Minute Blitz's "Autograd: automatic differentiation" in the two texts it had before its
current one (the ``Tensor`` text and the earlier ``Variable`` text); "Visualizing Gradients";
and "Understanding requires_grad, retain_grad, Leaf, and Non-leaf Tensors".

Each program is kept as upstream writes it, the prose between its code left out. Only what
cannot run here is replaced, and says so: torchvision's FashionMNIST and transforms by the
stand-ins of ``test_pytorch_examples_vision`` over a few MNIST images, its ``make_grid`` by a
stand-in, matplotlib by one that draws nothing; the training run is shrunk. Each program passes
a check that can fail and, when torch is installed, prints what torch prints from the same
random draws (``_shared_draws``), or, for the training runs, gives torch's numbers from the
same start in float64.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from test_pytorch_compat import ForLibrary, run, start_functions
from test_pytorch_examples_vision import _torchvision
from test_pytorch_tutorials_intermediate import _Drawing
from test_pytorch_tutorials_sixth import _both, _numbers

import minigrad as mg


def _shared_draws(source: str) -> str:
    """The program with its random draws taken from one NumPy stream for both libraries
    (``_start_rand``...), and ``empty`` giving zeros: what it prints can then be compared."""
    source = source.replace("torch.empty_like(", "torch.zeros_like(")
    source = source.replace("torch.empty(", "torch.zeros(")
    source = re.sub(r"torch\.rand_like\((\w+)\)", r"torch.rand(*\1.shape)", source)
    return re.sub(r"\btorch\.(randn|rand|randint)\(", r"_start_\1(", source)


def _draws(lib: Any) -> dict[str, Any]:
    """``start_functions``' draws, made in the dtype asked for (the default float dtype
    unless told) and written into ``out=`` when given, as the creation functions do."""
    functions = start_functions(lib)

    def floats(name: str) -> Any:
        draw = functions[name]

        def made(
            *size: Any,
            dtype: Any = None,
            out: Any = None,
            requires_grad: bool = False,
            device: Any = None,
        ) -> Any:
            t = draw(*size).to(dtype or lib.get_default_dtype())
            if out is None:
                return t.requires_grad_(requires_grad)
            with lib.no_grad():
                return out.copy_(t)

        return made

    functions["_start_rand"], functions["_start_randn"] = (
        floats("_start_rand"),
        floats("_start_randn"),
    )
    return functions


def _tidy(text: str) -> str:
    """A program's output with the library's name as torch's and the node addresses torch
    prints left out; a suffix (``dtype=``) that minigrad's longer name moved to a line of its
    own goes back on its row (the wrapping itself: ``test_tutorial_names``)."""
    text = text.replace("minigrad.tensor.Tensor", "torch.Tensor").replace("minigrad.", "torch.")
    text = re.sub(r" object at 0x[0-9a-f]+", "", text)
    return re.sub(r",\n\s+(dtype|requires_grad|grad_fn)=", r", \1=", text)


def _printed_by_both(source: str, **inputs: Any) -> tuple[str, str]:
    """What the program prints under minigrad, then torch, from the same random draws, in
    the default float32 (``_tidy``)."""
    torch = pytest.importorskip("torch")
    printed = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for name in ("minigrad", "torch"):
            lib = importlib.import_module(name)
            out = io.StringIO()
            with contextlib.redirect_stdout(out), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                run(_shared_draws(source), name, **inputs, **_draws(lib))
            printed.append(_tidy(out.getvalue()))
    finally:
        torch.set_num_threads(threads)
    return printed[0], printed[1]


# ---------------------------------------------------------------------------------------------
# beginner_source/introyt/tensors_deeper_tutorial.py: creation (empty, zeros, ones, rand with
# manual_seed, the *_like functions, tensor of nested lists and tuples, dtypes and .to), math
# with numbers and broadcasting, a sample of functions (abs, ceil, floor, clamp, sin, asin,
# bitwise_xor, eq, max, mean, std, prod, unique, cross, matmul, svd), in-place methods, out=
# on matmul and on rand ("works for creation too!"), clone and detach, the GPU probes,
# squeeze/unsqueeze (and unsqueeze_), reshape, and the NumPy bridge sharing memory both ways.

INTRO_TENSORS = r"""
import torch
import math

x = torch.empty(3, 4)
print(type(x))
print(x)

zeros = torch.zeros(2, 3)
print(zeros)

ones = torch.ones(2, 3)
print(ones)

torch.manual_seed(1729)
random = torch.rand(2, 3)
print(random)

torch.manual_seed(1729)
random1 = torch.rand(2, 3)
print(random1)

random2 = torch.rand(2, 3)
print(random2)

torch.manual_seed(1729)
random3 = torch.rand(2, 3)
print(random3)

random4 = torch.rand(2, 3)
print(random4)

x = torch.empty(2, 2, 3)
print(x.shape)
print(x)

empty_like_x = torch.empty_like(x)
print(empty_like_x.shape)
print(empty_like_x)

zeros_like_x = torch.zeros_like(x)
print(zeros_like_x.shape)
print(zeros_like_x)

ones_like_x = torch.ones_like(x)
print(ones_like_x.shape)
print(ones_like_x)

rand_like_x = torch.rand_like(x)
print(rand_like_x.shape)
print(rand_like_x)

some_constants = torch.tensor([[3.1415926, 2.71828], [1.61803, 0.0072897]])
print(some_constants)

some_integers = torch.tensor((2, 3, 5, 7, 11, 13, 17, 19))
print(some_integers)

more_integers = torch.tensor(((2, 4, 6), [3, 6, 9]))
print(more_integers)

a = torch.ones((2, 3), dtype=torch.int16)
print(a)

b = torch.rand((2, 3), dtype=torch.float64) * 20.
print(b)

c = b.to(torch.int32)
print(c)

ones = torch.zeros(2, 2) + 1
twos = torch.ones(2, 2) * 2
threes = (torch.ones(2, 2) * 7 - 1) / 2
fours = twos ** 2
sqrt2s = twos ** 0.5

print(ones)
print(twos)
print(threes)
print(fours)
print(sqrt2s)

powers2 = twos ** torch.tensor([[1, 2], [3, 4]])
print(powers2)

fives = ones + fours
print(fives)

dozens = threes * fours
print(dozens)

rand = torch.rand(2, 4)
doubled = rand * (torch.ones(1, 4) * 2)

print(rand)
print(doubled)

a =     torch.ones(4, 3, 2)

b = a * torch.rand(   3, 2) # 3rd & 2nd dims identical to a, dim 1 absent
print(b)

c = a * torch.rand(   3, 1) # 3rd dim = 1, 2nd dim identical to a
print(c)

d = a * torch.rand(   1, 2) # 3rd dim identical to a, 2nd dim = 1
print(d)

# common functions
a = torch.rand(2, 4) * 2 - 1
print('Common functions:')
print(torch.abs(a))
print(torch.ceil(a))
print(torch.floor(a))
print(torch.clamp(a, -0.5, 0.5))

# trigonometric functions and their inverses
angles = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
sines = torch.sin(angles)
inverses = torch.asin(sines)
print('\nSine and arcsine:')
print(angles)
print(sines)
print(inverses)

# bitwise operations
print('\nBitwise XOR:')
b = torch.tensor([1, 5, 11])
c = torch.tensor([2, 7, 10])
print(torch.bitwise_xor(b, c))

# comparisons:
print('\nBroadcasted, element-wise equality comparison:')
d = torch.tensor([[1., 2.], [3., 4.]])
e = torch.ones(1, 2)  # many comparison ops support broadcasting!
print(torch.eq(d, e)) # returns a tensor of type bool

# reductions:
print('\nReduction ops:')
print(torch.max(d))        # returns a single-element tensor
print(torch.max(d).item()) # extracts the value from the returned tensor
print(torch.mean(d))       # average
print(torch.std(d))        # standard deviation
print(torch.prod(d))       # product of all numbers
print(torch.unique(torch.tensor([1, 2, 1, 2, 1, 2]))) # filter unique elements

# vector and linear algebra operations
v1 = torch.tensor([1., 0., 0.])         # x unit vector
v2 = torch.tensor([0., 1., 0.])         # y unit vector
m1 = torch.rand(2, 2)                   # random matrix
m2 = torch.tensor([[3., 0.], [0., 3.]]) # three times identity matrix

print('\nVectors & Matrices:')
print(torch.cross(v2, v1)) # negative of z unit vector (v1 x v2 == -v2 x v1)
print(m1)
m3 = torch.matmul(m1, m2)
print(m3)                  # 3 times m1
print(torch.svd(m3))       # singular value decomposition

a = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
print('a:')
print(a)
print(torch.sin(a))   # this operation creates a new tensor in memory
print(a)              # a has not changed

b = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
print('\nb:')
print(b)
print(torch.sin_(b))  # note the underscore
print(b)              # b has changed

a = torch.ones(2, 2)
b = torch.rand(2, 2)

print('Before:')
print(a)
print(b)
print('\nAfter adding:')
print(a.add_(b))
print(a)
print(b)
print('\nAfter multiplying')
print(b.mul_(b))
print(b)

a = torch.rand(2, 2)
b = torch.rand(2, 2)
c = torch.zeros(2, 2)
old_id = id(c)

print(c)
d = torch.matmul(a, b, out=c)
print(c)                # contents of c have changed

assert c is d           # test c & d are same object, not just containing equal values
assert id(c) == old_id  # make sure that our new c is the same object as the old one

torch.rand(2, 2, out=c) # works for creation too!
print(c)                # c has changed again
assert id(c) == old_id  # still the same object!

a = torch.ones(2, 2)
b = a

a[0][1] = 561  # we change a...
print(b)       # ...and b is also altered

a = torch.ones(2, 2)
b = a.clone()

assert b is not a      # different objects in memory...
print(torch.eq(a, b))  # ...but still with the same contents!

a[0][1] = 561          # a changes...
print(b)               # ...but b is still all ones

a = torch.rand(2, 2, requires_grad=True) # turn on autograd
print(a)

b = a.clone()
print(b)

c = a.detach().clone()
print(c)

print(a)

if torch.cuda.is_available():
    print('We have a GPU!')
else:
    print('Sorry, CPU only.')

if torch.cuda.is_available():
    gpu_rand = torch.rand(2, 2, device='cuda')
    print(gpu_rand)
else:
    print('Sorry, CPU only.')

if torch.cuda.is_available():
    my_device = torch.device('cuda')
else:
    my_device = torch.device('cpu')
print('Device: {}'.format(my_device))

x = torch.rand(2, 2, device=my_device)
print(x)

y = torch.rand(2, 2)
y = y.to(my_device)

a = torch.rand(3, 226, 226)
b = a.unsqueeze(0)

print(a.shape)
print(b.shape)

c = torch.rand(1, 1, 1, 1, 1)
print(c)

a = torch.rand(1, 20)
print(a.shape)
print(a)

b = a.squeeze(0)
print(b.shape)
print(b)

c = torch.rand(2, 2)
print(c.shape)

d = c.squeeze(0)
print(d.shape)

a = torch.ones(4, 3, 2)
b = torch.rand(   3)     # trying to multiply a * b will give a runtime error
c = b.unsqueeze(1)       # change to a 2-dimensional tensor, adding new dim at the end
print(c.shape)
print(a * c)             # broadcasting works again!

batch_me = torch.rand(3, 226, 226)
print(batch_me.shape)
batch_me.unsqueeze_(0)
print(batch_me.shape)

output3d = torch.rand(6, 20, 20)
print(output3d.shape)

input1d = output3d.reshape(6 * 20 * 20)
print(input1d.shape)

# can also call it as a method on the torch module:
print(torch.reshape(output3d, (6 * 20 * 20,)).shape)

import numpy as np

numpy_array = np.ones((2, 3))
print(numpy_array)

pytorch_tensor = torch.from_numpy(numpy_array)
print(pytorch_tensor)

pytorch_rand = torch.rand(2, 3)
print(pytorch_rand)

numpy_rand = pytorch_rand.numpy()
print(numpy_rand)

numpy_array[1, 1] = 23
print(pytorch_tensor)

pytorch_rand[1, 1] = 17
print(numpy_rand)
"""


@pytest.mark.filterwarnings("ignore:Using torch.cross without specifying the dim")
def test_intro_tensors_runs_as_written(capsys: Any) -> None:
    """The chapter runs to its end, its asserts included (``matmul(a, b, out=c)`` and
    ``rand(2, 2, out=c)`` return ``c`` itself); seeding repeats the draws; ``sin_`` and
    ``unsqueeze_`` change their tensor; the NumPy bridge shares memory both ways."""
    ns = run(INTRO_TENSORS)
    out = capsys.readouterr().out
    np.testing.assert_array_equal(ns["random1"].numpy(), ns["random3"].numpy())
    np.testing.assert_array_equal(ns["random2"].numpy(), ns["random4"].numpy())
    assert not np.array_equal(ns["random1"].numpy(), ns["random2"].numpy())
    assert ns["batch_me"].shape == (1, 3, 226, 226)
    assert ns["pytorch_tensor"][1, 1].item() == 23 and ns["numpy_rand"][1, 1] == 17
    assert ns["pytorch_tensor"].dtype == mg.float64  # NumPy's float64 kept
    assert out.count("Sorry, CPU only.") == 2 and "Device: cpu" in out
    assert "tensor([ 0.,  0., -1.])" in out  # cross(v2, v1): minus the z unit vector
    assert "tensor([1, 2])" in out  # unique
    assert "minigrad.return_types.svd(\nU=tensor(" in out  # torch's form of a named tuple


def test_intro_tensors_prints_what_torch_prints() -> None:
    """From the same random draws (``empty`` giving zeros), every line printed is torch's,
    character for character: tensors of each dtype, broadcasting, the functions' results, the
    named tuple of ``svd``, the values written by ``out=``, the bridge's arrays."""
    ours, theirs = _printed_by_both(INTRO_TENSORS)
    assert ours.count("\n") > 250
    assert ours == theirs


# ---------------------------------------------------------------------------------------------
# beginner_source/nlp/pytorch_tutorial.py: tensors from lists, indexing and item(), randn,
# cat along both axes, view with -1, requires_grad, grad_fn, backward of a sum, requires_grad_,
# detach, no_grad. Its one tab-indented line is kept.

NLP_INTRO = r"""
import torch
import torch.autograd as autograd
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(1)

V_data = [1., 2., 3.]
V = torch.tensor(V_data)
print(V)

M_data = [[1., 2., 3.], [4., 5., 6]]
M = torch.tensor(M_data)
print(M)

T_data = [[[1., 2.], [3., 4.]],
          [[5., 6.], [7., 8.]]]
T = torch.tensor(T_data)
print(T)

print(V[0])
print(V[0].item())
print(M[0])
print(T[0])

x = torch.randn((3, 4, 5))
print(x)

x = torch.tensor([1., 2., 3.])
y = torch.tensor([4., 5., 6.])
z = x + y
print(z)

x_1 = torch.randn(2, 5)
y_1 = torch.randn(3, 5)
z_1 = torch.cat([x_1, y_1])
print(z_1)

x_2 = torch.randn(2, 3)
y_2 = torch.randn(2, 5)
z_2 = torch.cat([x_2, y_2], 1)
print(z_2)

x = torch.randn(2, 3, 4)
print(x)
print(x.view(2, 12))
print(x.view(2, -1))

x = torch.tensor([1., 2., 3], requires_grad=True)
y = torch.tensor([4., 5., 6], requires_grad=True)
z = x + y
print(z)
print(z.grad_fn)

s = z.sum()
print(s)
print(s.grad_fn)

s.backward()
print(x.grad)

x = torch.randn(2, 2)
y = torch.randn(2, 2)
print(x.requires_grad, y.requires_grad)
z = x + y
print(z.grad_fn)

x = x.requires_grad_()
y = y.requires_grad_()
z = x + y
print(z.grad_fn)
print(z.requires_grad)

new_z = z.detach()
print(new_z.grad_fn)

print(x.requires_grad)
print((x ** 2).requires_grad)

with torch.no_grad():
	print((x ** 2).requires_grad)
"""


def test_nlp_intro_runs_as_written(capsys: Any) -> None:
    """The chapter runs to its end: the gradient of a sum is ones, a detached tensor has no
    history, nothing is recorded under ``no_grad``."""
    ns = run(NLP_INTRO)
    out = capsys.readouterr().out
    assert ns["z_1"].shape == (5, 5) and ns["z_2"].shape == (2, 8)
    assert ns["new_z"].grad_fn is None and ns["z"].requires_grad
    assert "<AddBackward0>" in out and "<SumBackward0>" in out
    assert out.rstrip().splitlines()[-3:] == ["True", "True", "False"]
    assert "tensor([1., 1., 1.])" in out  # x.grad


def test_nlp_intro_prints_what_torch_prints() -> None:
    ours, theirs = _printed_by_both(NLP_INTRO)
    assert ours.count("tensor(") > 15
    assert ours == theirs


# ---------------------------------------------------------------------------------------------
# beginner_source/blitz/autograd_tutorial.py, two texts before its current one (which needs
# torchvision's pretrained resnet18): the Tensor text (commit 05f04cb) and the earlier Variable
# text (commit 56d1da9, ``autograd.Variable`` and ``torch.FloatTensor``). Both back-propagate
# the mean of 3 (x + 2)^2 and a vector-Jacobian product through a doubling loop.

BLITZ_AUTOGRAD = r"""
import torch

x = torch.ones(2, 2, requires_grad=True)
print(x)

y = x + 2
print(y)

print(y.grad_fn)

z = y * y * 3
out = z.mean()

print(z, out)

a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)

out.backward()

print(x.grad)

x = torch.randn(3, requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)

gradients = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(gradients)

print(x.grad)

print(x.requires_grad)
print((x ** 2).requires_grad)

with torch.no_grad():
	print((x ** 2).requires_grad)
"""

BLITZ_AUTOGRAD_VARIABLE = r"""
import torch
from torch.autograd import Variable

x = Variable(torch.ones(2, 2), requires_grad=True)
print(x)

y = x + 2
print(y)

print(y.grad_fn)

z = y * y * 3
out = z.mean()

print(z, out)

out.backward()

print(x.grad)

x = torch.randn(3)
x = Variable(x, requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)

gradients = torch.FloatTensor([0.1, 1.0, 0.0001])
y.backward(gradients)

print(x.grad)
"""


@pytest.mark.parametrize(
    "source", [BLITZ_AUTOGRAD, BLITZ_AUTOGRAD_VARIABLE], ids=["tensor", "variable"]
)
def test_blitz_autograd_runs_and_its_gradients_are_right(source: str, capsys: Any) -> None:
    """d(out)/dx is 4.5 everywhere (the tutorial's "matrix of 4.5"); the loop's gradient is the
    given vector times the loop's power of two."""
    ns = run(source)
    out = capsys.readouterr().out
    assert "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])" in out
    x, y = ns["x"], ns["y"]
    scale = float(y[0] / x[0])
    assert scale >= 512 and np.log2(scale) == int(np.log2(scale))
    np.testing.assert_allclose(x.grad.numpy(), scale * np.array([0.1, 1.0, 0.0001]), rtol=1e-6)
    assert "<AddBackward0>" in out and "grad_fn=<MulBackward0>" in out


@pytest.mark.parametrize(
    "source", [BLITZ_AUTOGRAD, BLITZ_AUTOGRAD_VARIABLE], ids=["tensor", "variable"]
)
def test_blitz_autograd_prints_what_torch_prints(source: str) -> None:
    ours, theirs = _printed_by_both(source)
    assert ours.count("tensor(") >= 7
    assert ours == theirs


# ---------------------------------------------------------------------------------------------
# beginner_source/introyt/trainingyt.py: FashionMNIST through DataLoaders, a LeNet-5 variant
# (GarmentClassifier), CrossEntropyLoss on dummy outputs, SGD with momentum, a training loop
# reporting every 1000 batches to a SummaryWriter (add_scalar), validation under no_grad,
# add_scalars and flush, the best model's state_dict saved. Replaced: torchvision and
# matplotlib by the stand-ins (the import lines commented), and, to run in about a second, the
# report every 8 batches (not 1000) over 64 training and 16 validation images, 2 epochs (not 5).

TRAINING = r"""
import torch
# import torchvision  (given: the stand-ins)
# import torchvision.transforms as transforms  (given: the stand-ins)

# PyTorch TensorBoard support
from torch.utils.tensorboard import SummaryWriter
from datetime import datetime


transform = transforms.Compose(
    [transforms.ToTensor(),
    transforms.Normalize((0.5,), (0.5,))])

# Create datasets for training & validation, download if necessary
training_set = torchvision.datasets.FashionMNIST('./data', train=True, transform=transform, download=True)
validation_set = torchvision.datasets.FashionMNIST('./data', train=False, transform=transform, download=True)

# Create data loaders for our datasets; shuffle for training, not for validation
training_loader = torch.utils.data.DataLoader(training_set, batch_size=4, shuffle=True)
validation_loader = torch.utils.data.DataLoader(validation_set, batch_size=4, shuffle=False)

# Class labels
classes = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
        'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle Boot')

# Report split sizes
print('Training set has {} instances'.format(len(training_set)))
print('Validation set has {} instances'.format(len(validation_set)))

# import matplotlib.pyplot as plt  (given: a stand-in that draws nothing)
import numpy as np

# Helper function for inline image display
def matplotlib_imshow(img, one_channel=False):
    if one_channel:
        img = img.mean(dim=0)
    img = img / 2 + 0.5     # unnormalize
    npimg = img.numpy()
    if one_channel:
        plt.imshow(npimg, cmap="Greys")
    else:
        plt.imshow(np.transpose(npimg, (1, 2, 0)))

dataiter = iter(training_loader)
images, labels = next(dataiter)

# Create a grid from the images and show them
img_grid = torchvision.utils.make_grid(images)
matplotlib_imshow(img_grid, one_channel=True)
print('  '.join(classes[labels[j]] for j in range(4)))

import torch.nn as nn
import torch.nn.functional as F

# PyTorch models inherit from torch.nn.Module
class GarmentClassifier(nn.Module):
    def __init__(self):
        super(GarmentClassifier, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 4 * 4)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


model = GarmentClassifier()

loss_fn = torch.nn.CrossEntropyLoss()

# NB: Loss functions expect data in batches, so we're creating batches of 4
# Represents the model's confidence in each of the 10 classes for a given input
dummy_outputs = torch.rand(4, 10)
# Represents the correct class among the 10 being tested
dummy_labels = torch.tensor([1, 5, 3, 7])

print(dummy_outputs)
print(dummy_labels)

loss = loss_fn(dummy_outputs, dummy_labels)
print('Total loss for this batch: {}'.format(loss.item()))

# Optimizers specified in the torch.optim package
optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)

def train_one_epoch(epoch_index, tb_writer):
    running_loss = 0.
    last_loss = 0.

    # Here, we use enumerate(training_loader) instead of
    # iter(training_loader) so that we can track the batch
    # index and do some intra-epoch reporting
    for i, data in enumerate(training_loader):
        # Every data instance is an input + label pair
        inputs, labels = data

        # Zero your gradients for every batch!
        optimizer.zero_grad()

        # Make predictions for this batch
        outputs = model(inputs)

        # Compute the loss and its gradients
        loss = loss_fn(outputs, labels)
        loss.backward()

        # Adjust learning weights
        optimizer.step()

        # Gather data and report
        running_loss += loss.item()
        if i % 1000 == 999:
            last_loss = running_loss / 1000 # loss per batch
            print('  batch {} loss: {}'.format(i + 1, last_loss))
            tb_x = epoch_index * len(training_loader) + i + 1
            tb_writer.add_scalar('Loss/train', last_loss, tb_x)
            running_loss = 0.

    return last_loss

# Initializing in a separate cell so we can easily add more epochs to the same run
timestamp = datetime.now().strftime('%Y%m%d_%H%M%S')
writer = SummaryWriter('runs/fashion_trainer_{}'.format(timestamp))
epoch_number = 0

EPOCHS = 5

best_vloss = 1_000_000.

for epoch in range(EPOCHS):
    print('EPOCH {}:'.format(epoch_number + 1))

    # Make sure gradient tracking is on, and do a pass over the data
    model.train(True)
    avg_loss = train_one_epoch(epoch_number, writer)


    running_vloss = 0.0
    # Set the model to evaluation mode, disabling dropout and using population
    # statistics for batch normalization.
    model.eval()

    # Disable gradient computation and reduce memory consumption.
    with torch.no_grad():
        for i, vdata in enumerate(validation_loader):
            vinputs, vlabels = vdata
            voutputs = model(vinputs)
            vloss = loss_fn(voutputs, vlabels)
            running_vloss += vloss

    avg_vloss = running_vloss / (i + 1)
    print('LOSS train {} valid {}'.format(avg_loss, avg_vloss))

    # Log the running loss averaged per batch
    # for both training and validation
    writer.add_scalars('Training vs. Validation Loss',
                    { 'Training' : avg_loss, 'Validation' : avg_vloss },
                    epoch_number + 1)
    writer.flush()

    # Track best performance, and save the model's state
    if avg_vloss < best_vloss:
        best_vloss = avg_vloss
        model_path = 'model_{}_{}'.format(timestamp, epoch_number)
        torch.save(model.state_dict(), model_path)

    epoch_number += 1
"""  # noqa: E501 (the tutorial's lines as it writes them)


def _training() -> str:
    """The tutorial shrunk: a report every 8 batches, 2 epochs."""
    source = TRAINING
    for long, short in (
        ("if i % 1000 == 999:", "if i % 8 == 7:"),
        ("last_loss = running_loss / 1000", "last_loss = running_loss / 8"),
        ("EPOCHS = 5", "EPOCHS = 2"),
    ):
        assert source.count(long) == 1, long
        source = source.replace(long, short)
    return source


def _training_inputs() -> dict[str, Any]:
    """torchvision (its FashionMNIST, ``utils.make_grid``), its transforms and matplotlib."""
    vision = _torchvision(64, 16)

    def make_torchvision(lib: Any) -> Any:
        def make_grid(tensor: Any, nrow: int = 8, padding: int = 2) -> Any:
            """The images side by side in one (C, H, W) picture (no padding drawn)."""
            return lib.cat(list(tensor), dim=-1)

        fashion = vision["datasets"].make(lib).MNIST
        return SimpleNamespace(
            datasets=SimpleNamespace(FashionMNIST=fashion),
            utils=SimpleNamespace(make_grid=make_grid),
        )

    return {
        "torchvision": ForLibrary(make_torchvision),
        "transforms": vision["transforms"],
        "plt": _Drawing(),
    }


def test_training_runs_learns_and_logs(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    """Two epochs run; the run's scalars reach TensorBoard's event files (one directory per
    ``add_scalars`` tag, as PyTorch's writer makes them); the best model's state_dict is saved
    and loads into a new GarmentClassifier, giving its outputs."""
    monkeypatch.chdir(tmp_path)
    ns = run(_training(), **_training_inputs())
    out = capsys.readouterr().out
    assert "Training set has 64 instances" in out and "Validation set has 16 instances" in out
    assert out.count("EPOCH ") == 2 and out.count("  batch ") == 4
    losses = _numbers("\n".join(ln for ln in out.splitlines() if ln.startswith("  batch ")))
    assert np.isfinite(losses[1::2]).all() and 1.0 < losses[1::2].mean() < 3.0
    run_dir = next((tmp_path / "runs").iterdir())
    assert run_dir.name.startswith("fashion_trainer_")
    assert any(p.name.startswith("events.out.tfevents.") for p in run_dir.iterdir())
    for tag in ("Training", "Validation"):
        assert any((run_dir / f"Training vs. Validation Loss_{tag}").iterdir())
    saved = sorted(tmp_path.glob("model_*"), key=lambda p: int(p.name.rsplit("_", 1)[1]))
    assert 1 <= len(saved) <= 2
    model = ns["GarmentClassifier"]()
    model.load_state_dict(mg.load(saved[-1]))
    with mg.no_grad():
        losses = [ns["loss_fn"](model(x), y) for x, y in ns["validation_loader"]]
    assert float(sum(losses) / len(losses)) == pytest.approx(float(ns["best_vloss"]), rel=1e-6)


class _Writer:
    """A SummaryWriter that keeps nothing, for torch, whose own needs the tensorboard
    package (minigrad's writes the event files itself)."""

    def __init__(self, log_dir: str | None = None) -> None:
        self.log_dir = log_dir

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def test_training_matches_torch(tmp_path: Path, monkeypatch: Any) -> None:
    """From the same weights, dummy outputs and batches in float64, every number printed (the
    dummy batch's loss, the reported training losses, the validation losses) is torch's."""
    from test_pytorch_compat import same_start

    monkeypatch.chdir(tmp_path)
    line = "from torch.utils.tensorboard import SummaryWriter\n"
    source = same_start(_training().replace(line, "# " + line))
    (_, ours), (_, theirs) = _both(source, SummaryWriter=_Writer, **_training_inputs())
    assert "LOSS train" in ours
    np.testing.assert_allclose(_numbers(ours), _numbers(theirs), rtol=1e-7, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# intermediate_source/visualizing_gradients_tutorial.py: two networks of nn.Sequential stacks
# (Linear, BatchNorm1d or Identity, Sigmoid), a forward hook on every leaf module (found by
# named_modules and children()) that registers a backward hook on its output tensor; ten SGD
# steps on dummy data; the mean absolute gradient per layer, plotted (matplotlib replaced by a
# stand-in that draws nothing; the import line commented).

VISUALIZING_GRADIENTS = r'''
import torch
import torch.nn as nn
import torch.optim as optim
import torch.nn.functional as F
# import matplotlib.pyplot as plt  (given: a stand-in that draws nothing)

def fc_layer(in_size, out_size, norm_layer):
    """Return a stack of linear->norm->sigmoid layers"""
    return nn.Sequential(nn.Linear(in_size, out_size), norm_layer(out_size), nn.Sigmoid())

class Net(nn.Module):
    """Define a network that has num_layers of linear->norm->sigmoid transformations"""
    def __init__(self, in_size=28*28, hidden_size=128,
                 out_size=10, num_layers=3, batchnorm=False):
        super().__init__()
        if batchnorm is False:
            norm_layer = nn.Identity
        else:
            norm_layer = nn.BatchNorm1d

        layers = []
        layers.append(fc_layer(in_size, hidden_size, norm_layer))

        for i in range(num_layers-1):
            layers.append(fc_layer(hidden_size, hidden_size, norm_layer))

        layers.append(nn.Linear(hidden_size, out_size))

        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return self.layers(x)

# set up dummy data
x = torch.randn(10, 28, 28)
y = torch.randint(10, (10, ))

# init model
model_bn = Net(batchnorm=True, num_layers=3)
model_nobn = Net(batchnorm=False, num_layers=3)

model_bn.train()
model_nobn.train()

optimizer_bn = optim.SGD(model_bn.parameters(), lr=0.01, momentum=0.9)
optimizer_nobn = optim.SGD(model_nobn.parameters(), lr=0.01, momentum=0.9)

print(model_bn.layers[0])
print(model_nobn.layers[0])

# note that wrapper functions are used for Python closure
# so that we can pass arguments.

def hook_forward(module_name, grads, hook_backward):
    def hook(module, args, output):
        """Forward pass hook which attaches backward pass hooks to intermediate tensors"""
        output.register_hook(hook_backward(module_name, grads))
    return hook

def hook_backward(module_name, grads):
    def hook(grad):
        """Backward pass hook which appends gradients"""
        grads.append((module_name, grad))
    return hook

def get_all_layers(model, hook_forward, hook_backward):
    """Register forward pass hook (which registers a backward hook) to model outputs

    Returns:
        - layers: a dict with keys as layer/module and values as layer/module names
                  e.g. layers[nn.Conv2d] = layer1.0.conv1
        - grads: a list of tuples with module name and tensor output gradient
                 e.g. grads[0] == (layer1.0.conv1, tensor.Torch(...))
    """
    layers = dict()
    grads = []
    for name, layer in model.named_modules():
        # skip Sequential and/or wrapper modules
        if any(layer.children()) is False:
            layers[layer] = name
            layer.register_forward_hook(hook_forward(name, grads, hook_backward))
    return layers, grads

# register hooks
layers_bn, grads_bn = get_all_layers(model_bn, hook_forward, hook_backward)
layers_nobn, grads_nobn = get_all_layers(model_nobn, hook_forward, hook_backward)

epochs = 10

for epoch in range(epochs):

    # important to clear, because we append to
    # outputs everytime we do a forward pass
    grads_bn.clear()
    grads_nobn.clear()

    optimizer_bn.zero_grad()
    optimizer_nobn.zero_grad()

    y_pred_bn = model_bn(x)
    y_pred_nobn = model_nobn(x)

    loss_bn = F.cross_entropy(y_pred_bn, y)
    loss_nobn = F.cross_entropy(y_pred_nobn, y)

    loss_bn.backward()
    loss_nobn.backward()

    optimizer_bn.step()
    optimizer_nobn.step()

def get_grads(grads):
    layer_idx = []
    avg_grads = []
    for idx, (name, grad) in enumerate(grads):
        if grad is not None:
            avg_grad = grad.abs().mean()
            avg_grads.append(avg_grad)
            # idx is backwards since we appended in backward pass
            layer_idx.append(len(grads) - 1 - idx)
    return layer_idx, avg_grads

layer_idx_bn, avg_grads_bn = get_grads(grads_bn)
layer_idx_nobn, avg_grads_nobn = get_grads(grads_nobn)

fig, ax = plt.subplots()
ax.plot(layer_idx_bn, avg_grads_bn, label="With BatchNorm", marker="o")
ax.plot(layer_idx_nobn, avg_grads_nobn, label="Without BatchNorm", marker="x")
ax.set_xlabel("Layer depth")
ax.set_ylabel("Average gradient")
ax.set_title("Gradient flow")
ax.grid(True)
ax.legend()
plt.show()
'''


class _Plots(_Drawing):
    """matplotlib's pyplot whose ``subplots()`` gives a figure and axes that draw nothing."""

    def subplots(self, *args: Any, **kwargs: Any) -> tuple[_Drawing, _Drawing]:
        return _Drawing(), _Drawing()


def test_visualizing_gradients_runs_and_batch_norm_keeps_the_gradients(capsys: Any) -> None:
    """Each hook sees its module's output gradient in backward order (the last layer first);
    without batch norm the gradients fade towards the first layers, with it they do not, as
    the tutorial's plot shows."""
    ns = run(VISUALIZING_GRADIENTS, plt=_Plots())
    out = capsys.readouterr().out
    assert "(1): BatchNorm1d(128, eps=1e-05, momentum=0.1, affine=True" in out
    assert "(1): Identity()" in out
    names = [name for name, _ in ns["grads_bn"]]
    assert names[0] == "layers.3" and names[-1] == "layers.0.0" and len(names) == 10
    assert ns["layer_idx_bn"] == list(range(9, -1, -1))
    with_bn, without = (
        np.array([float(g) for g in ns[k]]) for k in ("avg_grads_bn", "avg_grads_nobn")
    )
    assert without[-1] < without[0] / 100  # vanishing without batch norm
    assert with_bn[-1] > 5 * without[-1]


def test_visualizing_gradients_matches_torch() -> None:
    """From the same weights and data in float64, every layer's mean gradient is torch's."""
    from test_pytorch_compat import same_start

    source = same_start(VISUALIZING_GRADIENTS)
    for name in ("model_bn", "model_nobn"):
        line = next(ln for ln in source.splitlines() if ln.startswith(f"{name} = "))
        source = source.replace(f"{line}\n", f"{line}\n_start_parameters({name})\n", 1)
    (ours, _), (theirs, _) = _both(source, plt=_Plots())
    for key in ("avg_grads_bn", "avg_grads_nobn"):
        np.testing.assert_allclose(
            [float(g) for g in ours[key]], [float(g) for g in theirs[key]], rtol=1e-9
        )
    ours_loss, their_loss = (float(ns["loss_bn"].detach()) for ns in (ours, theirs))
    assert ours_loss == pytest.approx(their_loss, rel=1e-10)


# ---------------------------------------------------------------------------------------------
# beginner_source/understanding_leaf_vs_nonleaf_tutorial.py: is_leaf and requires_grad of
# inputs, parameters and intermediate tensors, printed with f"{x.is_leaf=}"; backward fills
# the leaves' .grad; a non-leaf's .grad is None with PyTorch's warning until retain_grad().

LEAF_VS_NONLEAF = r"""
import torch
import torch.nn.functional as F

# tensor setup
x = torch.ones(1, 3)                      # input with shape: (1, 3)
W = torch.ones(3, 2, requires_grad=True)  # weights with shape: (3, 2)
b = torch.ones(1, 2, requires_grad=True)  # bias with shape: (1, 2)
y = torch.ones(1, 2)                      # output with shape: (1, 2)

# forward pass
z = (x @ W) + b                           # pre-activation with shape: (1, 2)
y_pred = F.relu(z)                        # activation with shape: (1, 2)
loss = F.mse_loss(y_pred, y)              # scalar loss

# prints True because new tensors are leafs by convention
print(f"{x.is_leaf=}")

# prints False because tensor is the result of an operation with at
# least one input having requires_grad=True
print(f"{z.is_leaf=}")

print(f"{x.requires_grad=}") # prints False because requires_grad=False by default
print(f"{W.requires_grad=}") # prints True because we set requires_grad=True in constructor
print(f"{z.requires_grad=}") # prints True because tensor is a non-leaf node

loss.backward()

print(f"{W.grad=}")
print(f"{b.grad=}")

# prints all None because requires_grad=False
print(f"{x.grad=}")
print(f"{y.grad=}")

print(f"{z.grad=}")

# we have to re-run the forward pass
z = (x @ W) + b
y_pred = F.relu(z)
loss = F.mse_loss(y_pred, y)

# tell PyTorch to store the gradients after backward()
z.retain_grad()
y_pred.retain_grad()
loss.retain_grad()

# have to zero out gradients otherwise they would accumulate
W.grad = None
b.grad = None

# backpropagation
loss.backward()

# print gradients for all tensors that have requires_grad=True
print(f"{W.grad=}")
print(f"{b.grad=}")
print(f"{z.grad=}")
print(f"{y_pred.grad=}")
print(f"{loss.grad=}")
"""


def test_leaf_vs_nonleaf_runs_as_written(capsys: Any) -> None:
    """The gradients are those of mse(relu(x W + b), y) at x = W = b = y = 1; reading a
    non-leaf's .grad warns as PyTorch does; after retain_grad() the non-leaves keep theirs."""
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        ns = run(LEAF_VS_NONLEAF)
    out = capsys.readouterr().out
    assert out.splitlines()[:5] == [
        "x.is_leaf=True",
        "z.is_leaf=False",
        "x.requires_grad=False",
        "W.requires_grad=True",
        "z.requires_grad=True",
    ]
    assert "z.grad=None" in out and "x.grad=None" in out
    assert ns["W"].grad.tolist() == [[3.0, 3.0]] * 3 and ns["b"].grad.tolist() == [[3.0, 3.0]]
    assert ns["z"].grad.tolist() == [[3.0, 3.0]] and ns["loss"].grad.item() == 1.0
    assert ns["z"].retains_grad and not ns["W"].retains_grad


def test_leaf_vs_nonleaf_prints_what_torch_prints() -> None:
    ours, theirs = _printed_by_both(LEAF_VS_NONLEAF)
    assert "loss.grad=tensor(1.)" in ours
    assert ours == theirs


def test_leaf_vs_nonleaf_errors_are_the_ones_the_tutorial_quotes() -> None:
    """Its two quoted errors: backward of a loss that tracks no gradient, and retain_grad()
    of a tensor that does not require grad."""
    x = mg.ones(1, 3)
    loss = mg.nn.functional.mse_loss(mg.nn.functional.relu(x @ mg.ones(3, 2)), mg.ones(1, 2))
    with pytest.raises(
        RuntimeError,
        match=r"^element 0 of tensors does not require grad and does not have a grad_fn",
    ):
        loss.backward()
    with pytest.raises(
        RuntimeError, match=r"^can't retain_grad on Tensor that has requires_grad=False$"
    ):
        x.retain_grad()
