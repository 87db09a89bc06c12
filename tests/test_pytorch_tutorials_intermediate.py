# Holds text from pytorch/tutorials: intermediate_source/reinforcement_q_learning.py,
# advanced_source/neural_style_tutorial.py, intermediate_source/parametrizations.py,
# beginner_source/knowledge_distillation_tutorial.py. The files and their licence (BSD 3-Clause):
# tests/THIRD_PARTY_NOTICES.md.
"""More of PyTorch's intermediate tutorials run under minigrad with only the import changed:
"Reinforcement Learning (DQN) Tutorial", "Neural Transfer Using PyTorch", the
"Parametrizations Tutorial" and the "Knowledge Distillation Tutorial".

Each program is kept as upstream writes it. Only what cannot run here is replaced, and says
so: gymnasium's CartPole by the NumPy CartPole of ``test_pytorch_examples_rl`` (with gymnasium's
``action_space``), torchvision's pretrained VGG19 by a small network of the same kinds of
layers, its transforms and PIL's images by stand-ins over synthetic pictures, as its CIFAR-10,
matplotlib by a
stand-in that draws nothing, the runs shortened. Each
program passes a check that can fail, and, when torch is installed, gives torch's numbers from
the same start in float64.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from test_pytorch_compat import run, same_start, start_functions
from test_pytorch_examples_rl import CartPole

import minigrad as mg


class _Drawing:
    """matplotlib and its ``pyplot``: every call draws nothing."""

    def get_backend(self) -> str:
        return "agg"  # not a notebook: the tutorial's IPython display is not imported

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


class CartPoleV1(CartPole):
    """The CartPole of ``test_pytorch_examples_rl`` with gymnasium's ``action_space``: two
    actions, ``sample()`` drawing one from a generator of its own; the starts too are drawn
    from a seeded generator (the tutorial's ``reset()`` gives none), the same for both libraries."""

    def __init__(self, seed: int = 2) -> None:
        super().__init__()
        rng = np.random.default_rng(seed)
        self.np_random = np.random.default_rng(seed + 1)  # the tutorial resets with no seed
        self.action_space = SimpleNamespace(n=2, sample=lambda: int(rng.integers(2)))


def _gymnasium() -> dict[str, Any]:
    """``gym`` (``import gymnasium as gym``), whose ``make("CartPole-v1")`` gives a fresh
    CartPole to each run, and the matplotlib stand-ins."""

    def make(name: str) -> CartPoleV1:
        assert name == "CartPole-v1", name
        gym.env = CartPoleV1()
        return gym.env

    gym = SimpleNamespace(make=make, env=None)
    return {"gym": gym, "matplotlib": _Drawing(), "plt": _Drawing()}


# ---------------------------------------------------------------------------------------------
# intermediate_source/reinforcement_q_learning.py: a DQN of three Linear layers on CartPole-v1;
# Transition namedtuples in a ReplayMemory of a deque sampled by random.sample; an epsilon-greedy
# select_action with policy_net(state).max(1).indices.view(1, 1); optimize_model with a bool
# mask from torch.tensor(tuple(map(...)), dtype=torch.bool), torch.cat, gather(1, action_batch),
# target_net(...).max(1).values written under no_grad into the masked rows of a zeros tensor,
# SmoothL1Loss, AdamW(amsgrad=True), clip_grad_value_; the target net soft-updated through
# state_dict() item by item and load_state_dict; plot_durations' tensor of the durations
# (unfold for the 100-episode means). The tutorial's CPU run is its 50 episodes.

DQN = r'''
# import gymnasium as gym  (given: the stand-in)
import math
import random
# import matplotlib  (given: a stand-in that draws nothing)
# import matplotlib.pyplot as plt
from collections import namedtuple, deque
from itertools import count

import torch
import torch.nn as nn
import torch.optim as optim
import torch.nn.functional as F

env = gym.make("CartPole-v1")

# set up matplotlib
is_ipython = 'inline' in matplotlib.get_backend()
if is_ipython:
    from IPython import display

plt.ion()

# if GPU is to be used
device = torch.device(
    "cuda" if torch.cuda.is_available() else
    "mps" if torch.backends.mps.is_available() else
    "cpu"
)


Transition = namedtuple('Transition',
                        ('state', 'action', 'next_state', 'reward'))


class ReplayMemory(object):

    def __init__(self, capacity):
        self.memory = deque([], maxlen=capacity)

    def push(self, *args):
        """Save a transition"""
        self.memory.append(Transition(*args))

    def sample(self, batch_size):
        return random.sample(self.memory, batch_size)

    def __len__(self):
        return len(self.memory)


class DQN(nn.Module):

    def __init__(self, n_observations, n_actions):
        super(DQN, self).__init__()
        self.layer1 = nn.Linear(n_observations, 128)
        self.layer2 = nn.Linear(128, 128)
        self.layer3 = nn.Linear(128, n_actions)

    # Called with either one element to determine next action, or a batch
    # during optimization. Returns tensor([[left0exp,right0exp]...]).
    def forward(self, x):
        x = F.relu(self.layer1(x))
        x = F.relu(self.layer2(x))
        return self.layer3(x)


# BATCH_SIZE is the number of transitions sampled from the replay buffer
# GAMMA is the discount factor as mentioned in the previous section
# EPS_START is the starting value of epsilon
# EPS_END is the final value of epsilon
# EPS_DECAY controls the rate of exponential decay of epsilon, higher means a slower decay
# TAU is the update rate of the target network
# LR is the learning rate of the ``AdamW`` optimizer
BATCH_SIZE = 128
GAMMA = 0.99
EPS_START = 0.9
EPS_END = 0.01
EPS_DECAY = 2500
TAU = 0.005
LR = 3e-4


# Get number of actions from gym action space
n_actions = env.action_space.n
# Get the number of state observations
state, info = env.reset()
n_observations = len(state)

policy_net = DQN(n_observations, n_actions).to(device)
target_net = DQN(n_observations, n_actions).to(device)
target_net.load_state_dict(policy_net.state_dict())

optimizer = optim.AdamW(policy_net.parameters(), lr=LR, amsgrad=True)
memory = ReplayMemory(10000)


steps_done = 0


def select_action(state):
    global steps_done
    sample = random.random()
    eps_threshold = EPS_END + (EPS_START - EPS_END) * \
        math.exp(-1. * steps_done / EPS_DECAY)
    steps_done += 1
    if sample > eps_threshold:
        with torch.no_grad():
            # t.max(1) will return the largest column value of each row.
            # second column on max result is index of where max element was
            # found, so we pick action with the larger expected reward.
            return policy_net(state).max(1).indices.view(1, 1)
    else:
        return torch.tensor([[env.action_space.sample()]], device=device, dtype=torch.long)


episode_durations = []


def plot_durations(show_result=False):
    plt.figure(1)
    durations_t = torch.tensor(episode_durations, dtype=torch.float)
    if show_result:
        plt.title('Result')
    else:
        plt.clf()
        plt.title('Training...')
    plt.xlabel('Episode')
    plt.ylabel('Duration')
    plt.plot(durations_t.numpy())
    # Take 100 episode averages and plot them too
    if len(durations_t) >= 100:
        means = durations_t.unfold(0, 100, 1).mean(1).view(-1)
        means = torch.cat((torch.zeros(99), means))
        plt.plot(means.numpy())

    plt.pause(0.001)  # pause a bit so that plots are updated
    if is_ipython:
        if not show_result:
            display.display(plt.gcf())
            display.clear_output(wait=True)
        else:
            display.display(plt.gcf())


def optimize_model():
    if len(memory) < BATCH_SIZE:
        return
    transitions = memory.sample(BATCH_SIZE)
    # Transpose the batch (see https://stackoverflow.com/a/19343/3343043 for
    # detailed explanation). This converts batch-array of Transitions
    # to Transition of batch-arrays.
    batch = Transition(*zip(*transitions))

    # Compute a mask of non-final states and concatenate the batch elements
    # (a final state would've been the one after which simulation ended)
    non_final_mask = torch.tensor(tuple(map(lambda s: s is not None,
                                          batch.next_state)), device=device, dtype=torch.bool)
    non_final_next_states = torch.cat([s for s in batch.next_state
                                                if s is not None])
    state_batch = torch.cat(batch.state)
    action_batch = torch.cat(batch.action)
    reward_batch = torch.cat(batch.reward)

    # Compute Q(s_t, a) - the model computes Q(s_t), then we select the
    # columns of actions taken. These are the actions which would've been taken
    # for each batch state according to policy_net
    state_action_values = policy_net(state_batch).gather(1, action_batch)

    # Compute V(s_{t+1}) for all next states.
    # Expected values of actions for non_final_next_states are computed based
    # on the "older" target_net; selecting their best reward with max(1).values
    # This is merged based on the mask, such that we'll have either the expected
    # state value or 0 in case the state was final.
    next_state_values = torch.zeros(BATCH_SIZE, device=device)
    with torch.no_grad():
        next_state_values[non_final_mask] = target_net(non_final_next_states).max(1).values
    # Compute the expected Q values
    expected_state_action_values = (next_state_values * GAMMA) + reward_batch

    # Compute Huber loss
    criterion = nn.SmoothL1Loss()
    loss = criterion(state_action_values, expected_state_action_values.unsqueeze(1))

    # Optimize the model
    optimizer.zero_grad()
    loss.backward()
    # In-place gradient clipping
    torch.nn.utils.clip_grad_value_(policy_net.parameters(), 100)
    optimizer.step()


if torch.cuda.is_available() or torch.backends.mps.is_available():
    num_episodes = 600
else:
    num_episodes = 50

for i_episode in range(num_episodes):
    # Initialize the environment and get its state
    state, info = env.reset()
    state = torch.tensor(state, dtype=torch.float32, device=device).unsqueeze(0)
    for t in count():
        action = select_action(state)
        observation, reward, terminated, truncated, _ = env.step(action.item())
        reward = torch.tensor([reward], device=device)
        done = terminated or truncated

        if terminated:
            next_state = None
        else:
            next_state = torch.tensor(observation, dtype=torch.float32, device=device).unsqueeze(0)

        # Store the transition in memory
        memory.push(state, action, next_state, reward)

        # Move to the next state
        state = next_state

        # Perform one step of the optimization (on the policy network)
        optimize_model()

        # Soft update of the target network's weights
        # θ′ ← τ θ + (1 −τ )θ′
        target_net_state_dict = target_net.state_dict()
        policy_net_state_dict = policy_net.state_dict()
        for key in policy_net_state_dict:
            target_net_state_dict[key] = policy_net_state_dict[key]*TAU + target_net_state_dict[key]*(1-TAU)
        target_net.load_state_dict(target_net_state_dict)

        if done:
            episode_durations.append(t + 1)
            plot_durations()
            break

print('Complete')
plot_durations(show_result=True)
plt.ioff()
plt.show()
'''  # noqa: E501 (the tutorial's lines as it writes them)


def _dqn(episodes: int, batch_size: int = 128) -> str:
    """The tutorial with its CPU run of 50 episodes set to ``episodes`` and ``BATCH_SIZE``."""
    assert DQN.count("    num_episodes = 50\n") == 1 and DQN.count("BATCH_SIZE = 128\n") == 1
    source = DQN.replace("    num_episodes = 50\n", f"    num_episodes = {episodes}\n")
    return source.replace("BATCH_SIZE = 128\n", f"BATCH_SIZE = {batch_size}\n")


def test_dqn_runs_and_learns(capsys: Any) -> None:
    """60 episodes: the Q-values of the upright state rise from about 0 towards the discounted
    return of the steps the pole stays up, and the pole stays up more than twice as long in the
    last ten episodes as in the first ten (a random policy keeps it up about 22 steps; from
    other starts 60 episodes are too few for that, as the tutorial says of its 50)."""
    ns = run(_dqn(60), **_gymnasium())
    durations = ns["episode_durations"]
    assert len(durations) == 60 and ns["gym"].env.episode_lengths == durations
    assert capsys.readouterr().out == "Complete\n"
    first, last = np.mean(durations[:10]), np.mean(durations[-10:])
    assert first < 35 and last > 2 * first, durations
    upright = mg.zeros(1, 4)
    assert float(ns["policy_net"](upright).min()) > 5
    # the target net follows the policy net by soft updates: near it, but not equal
    policy, target = ns["policy_net"].state_dict(), ns["target_net"].state_dict()
    assert (
        list(policy)
        == list(target)
        == [f"layer{i}.{p}" for i in (1, 2, 3) for p in ("weight", "bias")]
    )
    gap = max(float((policy[k] - target[k]).abs().max()) for k in policy)
    assert 0 < gap < 0.1
    assert all(target[k].dtype == mg.float32 for k in target)


def test_dqn_matches_torch() -> None:
    """From the same weights in float64, with Python's random draws (epsilon-greedy choices and
    replay batches) and the action space's draws the same: the same episodes, and the same
    policy and target weights after them."""
    torch = pytest.importorskip("torch")
    source = _dqn(12, batch_size=32).replace("torch.float32", "torch.float64")
    line = "policy_net = DQN(n_observations, n_actions).to(device)\n"
    assert source.count(line) == 1
    source = source.replace(line, line + "_start_parameters(policy_net)\n")
    results = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for lib in (mg, torch):
            default = lib.get_default_dtype()
            lib.set_default_dtype(lib.float64)
            try:
                ns = run(source, lib.__name__, **_gymnasium(), **start_functions(lib, 3))
            finally:
                lib.set_default_dtype(default)
            weights = {
                f"{name}.{k}": v.numpy()
                for name in ("policy_net", "target_net")
                for k, v in ns[name].state_dict().items()
            }
            results.append((ns["episode_durations"], weights))
    finally:
        torch.set_num_threads(threads)
    (ours, our_weights), (theirs, their_weights) = results
    assert ours == theirs and len(ours) == 12 and sum(ours) > 32  # some steps optimised
    assert sorted(our_weights) == sorted(their_weights)
    for key, value in our_weights.items():
        assert value.dtype == np.float64
        np.testing.assert_allclose(value, their_weights[key], rtol=1e-7, atol=1e-10, err_msg=key)


# ---------------------------------------------------------------------------------------------
# advanced_source/neural_style_tutorial.py: ContentLoss and StyleLoss modules keeping a
# detached target and their loss; gram_matrix by view and mm; Normalization by
# torch.tensor(mean).view(-1, 1, 1) (PyTorch's copy-construct warning); the model built by
# iterating cnn.children() with isinstance checks and add_module, then trimmed after the last
# loss by slicing the Sequential; LBFGS over [input_img] with a closure, input_img.clamp_(0, 1)
# under no_grad, requires_grad_(True), model.eval(), model.requires_grad_(False);
# torch.set_default_device. Its images are resized to 16 pixels instead of 128 (the tutorial's
# CPU size), VGG19's features a network of six 3x3 convolutions, in-place ReLUs and two max pools.

STYLE_TRANSFER = r'''
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

# from PIL import Image  (given: a stand-in)
# import matplotlib.pyplot as plt  (given: a stand-in that draws nothing)

# import torchvision.transforms as transforms  (given: the stand-ins)
# from torchvision.models import vgg19, VGG19_Weights  (given: the stand-ins)

import copy

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.set_default_device(device)

# desired size of the output image
imsize = 512 if torch.cuda.is_available() else 128  # use small size if no GPU

loader = transforms.Compose([
    transforms.Resize(imsize),  # scale imported image
    transforms.ToTensor()])  # transform it into a torch tensor


def image_loader(image_name):
    image = Image.open(image_name)
    # fake batch dimension required to fit network's input dimensions
    image = loader(image).unsqueeze(0)
    return image.to(device, torch.float)


style_img = image_loader("./data/images/neural-style/picasso.jpg")
content_img = image_loader("./data/images/neural-style/dancing.jpg")

assert style_img.size() == content_img.size(), \
    "we need to import style and content images of the same size"

unloader = transforms.ToPILImage()  # reconvert into PIL image

plt.ion()

def imshow(tensor, title=None):
    image = tensor.cpu().clone()  # we clone the tensor to not do changes on it
    image = image.squeeze(0)      # remove the fake batch dimension
    image = unloader(image)
    plt.imshow(image)
    if title is not None:
        plt.title(title)
    plt.pause(0.001) # pause a bit so that plots are updated


plt.figure()
imshow(style_img, title='Style Image')

plt.figure()
imshow(content_img, title='Content Image')

class ContentLoss(nn.Module):

    def __init__(self, target,):
        super(ContentLoss, self).__init__()
        # we 'detach' the target content from the tree used
        # to dynamically compute the gradient: this is a stated value,
        # not a variable. Otherwise the forward method of the criterion
        # will throw an error.
        self.target = target.detach()

    def forward(self, input):
        self.loss = F.mse_loss(input, self.target)
        return input

def gram_matrix(input):
    a, b, c, d = input.size()  # a=batch size(=1)
    # b=number of feature maps
    # (c,d)=dimensions of a f. map (N=c*d)

    features = input.view(a * b, c * d)  # resize F_XL into \hat F_XL

    G = torch.mm(features, features.t())  # compute the gram product

    # we 'normalize' the values of the gram matrix
    # by dividing by the number of element in each feature maps.
    return G.div(a * b * c * d)

class StyleLoss(nn.Module):

    def __init__(self, target_feature):
        super(StyleLoss, self).__init__()
        self.target = gram_matrix(target_feature).detach()

    def forward(self, input):
        G = gram_matrix(input)
        self.loss = F.mse_loss(G, self.target)
        return input

cnn = vgg19(weights=VGG19_Weights.DEFAULT).features.eval()

cnn_normalization_mean = torch.tensor([0.485, 0.456, 0.406])
cnn_normalization_std = torch.tensor([0.229, 0.224, 0.225])

# create a module to normalize input image so we can easily put it in a
# ``nn.Sequential``
class Normalization(nn.Module):
    def __init__(self, mean, std):
        super(Normalization, self).__init__()
        # .view the mean and std to make them [C x 1 x 1] so that they can
        # directly work with image Tensor of shape [B x C x H x W].
        # B is batch size. C is number of channels. H is height and W is width.
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def forward(self, img):
        # normalize ``img``
        return (img - self.mean) / self.std

# desired depth layers to compute style/content losses :
content_layers_default = ['conv_4']
style_layers_default = ['conv_1', 'conv_2', 'conv_3', 'conv_4', 'conv_5']

def get_style_model_and_losses(cnn, normalization_mean, normalization_std,
                               style_img, content_img,
                               content_layers=content_layers_default,
                               style_layers=style_layers_default):
    # normalization module
    normalization = Normalization(normalization_mean, normalization_std)

    # just in order to have an iterable access to or list of content/style
    # losses
    content_losses = []
    style_losses = []

    # assuming that ``cnn`` is a ``nn.Sequential``, so we make a new ``nn.Sequential``
    # to put in modules that are supposed to be activated sequentially
    model = nn.Sequential(normalization)

    i = 0  # increment every time we see a conv
    for layer in cnn.children():
        if isinstance(layer, nn.Conv2d):
            i += 1
            name = 'conv_{}'.format(i)
        elif isinstance(layer, nn.ReLU):
            name = 'relu_{}'.format(i)
            # The in-place version doesn't play very nicely with the ``ContentLoss``
            # and ``StyleLoss`` we insert below. So we replace with out-of-place
            # ones here.
            layer = nn.ReLU(inplace=False)
        elif isinstance(layer, nn.MaxPool2d):
            name = 'pool_{}'.format(i)
        elif isinstance(layer, nn.BatchNorm2d):
            name = 'bn_{}'.format(i)
        else:
            raise RuntimeError('Unrecognized layer: {}'.format(layer.__class__.__name__))

        model.add_module(name, layer)

        if name in content_layers:
            # add content loss:
            target = model(content_img).detach()
            content_loss = ContentLoss(target)
            model.add_module("content_loss_{}".format(i), content_loss)
            content_losses.append(content_loss)

        if name in style_layers:
            # add style loss:
            target_feature = model(style_img).detach()
            style_loss = StyleLoss(target_feature)
            model.add_module("style_loss_{}".format(i), style_loss)
            style_losses.append(style_loss)

    # now we trim off the layers after the last content and style losses
    for i in range(len(model) - 1, -1, -1):
        if isinstance(model[i], ContentLoss) or isinstance(model[i], StyleLoss):
            break

    model = model[:(i + 1)]

    return model, style_losses, content_losses

input_img = content_img.clone()
# if you want to use white noise by using the following code:
#
# .. code-block:: python
#
#    input_img = torch.randn(content_img.data.size())

# add the original input image to the figure:
plt.figure()
imshow(input_img, title='Input Image')

def get_input_optimizer(input_img):
    # this line to show that input is a parameter that requires a gradient
    optimizer = optim.LBFGS([input_img])
    return optimizer

def run_style_transfer(cnn, normalization_mean, normalization_std,
                       content_img, style_img, input_img, num_steps=300,
                       style_weight=1000000, content_weight=1):
    """Run the style transfer."""
    print('Building the style transfer model..')
    model, style_losses, content_losses = get_style_model_and_losses(cnn,
        normalization_mean, normalization_std, style_img, content_img)

    # We want to optimize the input and not the model parameters so we
    # update all the requires_grad fields accordingly
    input_img.requires_grad_(True)
    # We also put the model in evaluation mode, so that specific layers
    # such as dropout or batch normalization layers behave correctly.
    model.eval()
    model.requires_grad_(False)

    optimizer = get_input_optimizer(input_img)

    print('Optimizing..')
    run = [0]
    while run[0] <= num_steps:

        def closure():
            # correct the values of updated input image
            with torch.no_grad():
                input_img.clamp_(0, 1)

            optimizer.zero_grad()
            model(input_img)
            style_score = 0
            content_score = 0

            for sl in style_losses:
                style_score += sl.loss
            for cl in content_losses:
                content_score += cl.loss

            style_score *= style_weight
            content_score *= content_weight

            loss = style_score + content_score
            loss.backward()

            run[0] += 1
            if run[0] % 50 == 0:
                print("run {}:".format(run))
                print('Style Loss : {:4f} Content Loss: {:4f}'.format(
                    style_score.item(), content_score.item()))
                print()

            return style_score + content_score

        optimizer.step(closure)

    # a last correction...
    with torch.no_grad():
        input_img.clamp_(0, 1)

    return input_img

output = run_style_transfer(cnn, cnn_normalization_mean, cnn_normalization_std,
                            content_img, style_img, input_img)

plt.figure()
imshow(output, title='Output Image')

# sphinx_gallery_thumbnail_number = 4
plt.ioff()
plt.show()
'''


def _style_stand_ins(lib: Any) -> dict[str, Any]:
    """PIL's ``Image.open`` of the tutorial's two pictures (synthetic 24x20 RGB arrays), the
    torchvision transforms it uses (``Resize`` of the shorter side by the nearest pixel,
    ``ToTensor``, ``ToPILImage``, ``Compose``), ``vgg19`` whose ``features`` are a small
    ``Sequential`` of the same kinds of layers, and the matplotlib stand-in."""
    rng = np.random.default_rng(0)
    pictures = {
        name: rng.integers(0, 256, (24, 20, 3), dtype=np.uint8) for name in ("picasso", "dancing")
    }

    class Picture:
        def __init__(self, array: np.ndarray) -> None:
            self.array = array

    def open_image(path: str) -> Picture:
        return Picture(next(a for name, a in pictures.items() if f"/{name}.jpg" in path))

    class Compose:
        def __init__(self, transforms: list[Any]) -> None:
            self.transforms = transforms

        def __call__(self, x: Any) -> Any:
            for transform in self.transforms:
                x = transform(x)
            return x

    class Resize:
        def __init__(self, size: int) -> None:
            self.size = size

        def __call__(self, picture: Picture) -> Picture:
            h, w = picture.array.shape[:2]
            scale = self.size / min(h, w)
            rows = (np.arange(round(h * scale)) / scale).astype(int)
            cols = (np.arange(round(w * scale)) / scale).astype(int)
            return Picture(picture.array[rows][:, cols])

    def to_tensor(picture: Picture) -> Any:
        chw = np.ascontiguousarray(picture.array.transpose(2, 0, 1)) / 255.0
        return lib.tensor(chw, dtype=lib.get_default_dtype())

    def to_pil_image(t: Any) -> Picture:
        return Picture((t.detach().numpy().transpose(1, 2, 0) * 255).astype(np.uint8))

    def vgg19(weights: Any = None) -> Any:
        nn = lib.nn
        layers: list[Any] = []
        for c_in, c_out, pool in ((3, 8, False), (8, 8, True), (8, 16, False), (16, 16, True)):
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(inplace=True)]
            layers += [nn.MaxPool2d(2, 2)] if pool else []
        for _ in range(2):
            layers += [nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(inplace=True)]
        return SimpleNamespace(features=nn.Sequential(*layers))

    transforms = SimpleNamespace(
        Compose=Compose, Resize=Resize, ToTensor=lambda: to_tensor, ToPILImage=lambda: to_pil_image
    )
    return {
        "Image": SimpleNamespace(open=open_image),
        "transforms": transforms,
        "vgg19": vgg19,
        "VGG19_Weights": SimpleNamespace(DEFAULT="IMAGENET1K_V1"),
        "plt": _Drawing(),
    }


def _style_transfer(num_steps: int) -> str:
    source = STYLE_TRANSFER.replace("else 128  #", "else 16  #")
    assert source.count("num_steps=300,") == 1
    return source.replace("num_steps=300,", f"num_steps={num_steps},")


def _style_score(ns: dict[str, Any], image: Any) -> tuple[float, float]:
    """The style and content scores of ``image`` under a model built afresh from the program's
    cnn, images and functions."""
    model, style_losses, content_losses = ns["get_style_model_and_losses"](
        ns["cnn"],
        ns["cnn_normalization_mean"],
        ns["cnn_normalization_std"],
        ns["style_img"],
        ns["content_img"],
    )
    model(image.detach())
    style = sum(float(sl.loss) for sl in style_losses) * 1000000
    return style, sum(float(cl.loss) for cl in content_losses)


@pytest.mark.filterwarnings("ignore:To copy construct from a tensor")
def test_style_transfer_runs_and_transfers_the_style(capsys: Any) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ns = run(_style_transfer(50), **_style_stand_ins(mg))
    # Normalization's torch.tensor(mean) of a tensor: PyTorch's warning for each of the mean
    # and the std
    copies = [w for w in caught if "sourceTensor.detach().clone()" in str(w.message)]
    assert len(copies) == 2
    printed = capsys.readouterr().out.splitlines()
    assert printed[:2] == ["Building the style transfer model..", "Optimizing.."]
    assert printed[2::3] == ["run [50]:"]  # three LBFGS steps of 20 evaluations
    output, content = ns["output"], ns["content_img"]
    assert output is ns["input_img"] and output.shape == content.shape == (1, 3, 19, 16)
    assert output.requires_grad and 0 <= float(output.min()) and float(output.max()) <= 1
    start, end = _style_score(ns, content), _style_score(ns, output)
    assert start[1] == 0 and end[0] < start[0] / 10, (start, end)
    # the model trimmed after its last loss: the layers after conv_5's style loss are gone
    model, _, _ = ns["get_style_model_and_losses"](
        ns["cnn"],
        ns["cnn_normalization_mean"],
        ns["cnn_normalization_std"],
        ns["style_img"],
        ns["content_img"],
    )
    names = [name for name, _ in model.named_children()]
    assert names[0] == "0" and names[-2:] == ["conv_5", "style_loss_5"]
    assert "content_loss_4" in names and "pool_2" in names and "relu_5" not in names
    assert not any(m.inplace for m in model.children() if isinstance(m, mg.nn.ReLU))


def test_style_transfer_matches_torch() -> None:
    """From the same network weights, in float64: the same printed losses and output image."""
    torch = pytest.importorskip("torch")
    source = _style_transfer(50).replace("torch.float)", "torch.float64)")
    line = "cnn = vgg19(weights=VGG19_Weights.DEFAULT).features.eval()\n"
    assert source.count(line) == 1
    source = source.replace(line, line + "_start_parameters(cnn, bound=0.3)\n")
    results = []
    for lib in (mg, torch):
        default = lib.get_default_dtype()
        lib.set_default_dtype(lib.float64)
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ns = run(source, lib.__name__, **_style_stand_ins(lib), **start_functions(lib, 4))
        finally:
            lib.set_default_dtype(default)
            lib.set_default_device(None)
        images = (ns["output"].detach().numpy(), ns["content_img"].numpy())
        results.append((out.getvalue(), *images))
    (our_print, ours, content), (their_print, theirs, _) = results
    assert our_print == their_print and "run [50]:" in our_print
    assert ours.dtype == np.float64 and np.abs(ours - content).max() > 0.1
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------------------------------------
# intermediate_source/parametrizations.py (its code, the prose between left out): Symmetric and
# Skew parametrizations registered by parametrize.register_parametrization on Linear and Conv2d;
# the module printed, layer.parametrizations, .weight[0], .weight.original, named_parameters;
# parametrize.cached() with a parametrization that prints when computed; Skew chained with a
# CayleyMap (torch.linalg.solve over an eye buffer) and with MatrixExponential, Symmetric with
# MatrixExponential (linalg.eigvalsh); right_inverse on assignment to the parametrized weight,
# through a chain, with nn.init.orthogonal_; a pruning parametrization by torch.bernoulli;
# remove_parametrizations with and without leave_parametrized.

PARAMETRIZATIONS = r"""
import torch
import torch.nn as nn
import torch.nn.utils.parametrize as parametrize

def symmetric(X):
    return X.triu() + X.triu(1).transpose(-1, -2)

X = torch.rand(3, 3)
A = symmetric(X)
assert torch.allclose(A, A.T)  # A is symmetric
print(A)                       # Quick visual check

class LinearSymmetric(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(n_features, n_features))

    def forward(self, x):
        A = symmetric(self.weight)
        return x @ A

layer = LinearSymmetric(3)
out = layer(torch.rand(8, 3))

class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())

A = layer.weight
assert torch.allclose(A, A.T)  # A is symmetric
print(A)                       # Quick visual check

class Skew(nn.Module):
    def forward(self, X):
        A = X.triu(1)
        return A - A.transpose(-1, -2)


cnn = nn.Conv2d(in_channels=5, out_channels=8, kernel_size=3)
parametrize.register_parametrization(cnn, "weight", Skew())
# Print a few kernels
print(cnn.weight[0, 1])
print(cnn.weight[2, 2])

layer = nn.Linear(3, 3)
print(f"Unparametrized:\n{layer}")
parametrize.register_parametrization(layer, "weight", Symmetric())
print(f"\nParametrized:\n{layer}")

print(layer.parametrizations)
print(layer.parametrizations.weight)

print(layer.parametrizations.weight[0])

print(dict(layer.named_parameters()))

print(layer.parametrizations.weight.original)

symmetric = Symmetric()
weight_orig = layer.parametrizations.weight.original
print(torch.dist(layer.weight, symmetric(weight_orig)))

class NoisyParametrization(nn.Module):
    def forward(self, X):
        print("Computing the Parametrization")
        return X

layer = nn.Linear(4, 4)
parametrize.register_parametrization(layer, "weight", NoisyParametrization())
print("Here, layer.weight is recomputed every time we call it")
foo = layer.weight + layer.weight.T
bar = layer.weight.sum()
with parametrize.cached():
    print("Here, it is computed just the first time layer.weight is called")
    foo = layer.weight + layer.weight.T
    bar = layer.weight.sum()

class CayleyMap(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.register_buffer("Id", torch.eye(n))

    def forward(self, X):
        # (I + X)(I - X)^{-1}
        return torch.linalg.solve(self.Id - X, self.Id + X)

layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Skew())
parametrize.register_parametrization(layer, "weight", CayleyMap(3))
X = layer.weight
print(torch.dist(X.T @ X, torch.eye(3)))  # X is orthogonal

class MatrixExponential(nn.Module):
    def forward(self, X):
        return torch.matrix_exp(X)

layer_orthogonal = nn.Linear(3, 3)
parametrize.register_parametrization(layer_orthogonal, "weight", Skew())
parametrize.register_parametrization(layer_orthogonal, "weight", MatrixExponential())
X = layer_orthogonal.weight
print(torch.dist(X.T @ X, torch.eye(3)))         # X is orthogonal

layer_spd = nn.Linear(3, 3)
parametrize.register_parametrization(layer_spd, "weight", Symmetric())
parametrize.register_parametrization(layer_spd, "weight", MatrixExponential())
X = layer_spd.weight
print(torch.dist(X, X.T))                        # X is symmetric
print((torch.linalg.eigvalsh(X) > 0.).all())  # X is positive definite

class Skew(nn.Module):
    def forward(self, X):
        A = X.triu(1)
        return A - A.transpose(-1, -2)

    def right_inverse(self, A):
        # We assume that A is skew-symmetric
        # We take the upper-triangular elements, as these are those used in the forward
        return A.triu(1)

layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Skew())
X = torch.rand(3, 3)
X = X - X.T                             # X is now skew-symmetric
layer.weight = X                        # Initialize layer.weight to be X
print(torch.dist(layer.weight, X))      # layer.weight == X

class CayleyMap(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.register_buffer("Id", torch.eye(n))

    def forward(self, X):
        # Assume X skew-symmetric
        # (I + X)(I - X)^{-1}
        return torch.linalg.solve(self.Id - X, self.Id + X)

    def right_inverse(self, A):
        # Assume A orthogonal
        # See https://en.wikipedia.org/wiki/Cayley_transform#Matrix_map
        # (A - I)(A + I)^{-1}
        return torch.linalg.solve(A + self.Id, self.Id - A)

layer_orthogonal = nn.Linear(3, 3)
parametrize.register_parametrization(layer_orthogonal, "weight", Skew())
parametrize.register_parametrization(layer_orthogonal, "weight", CayleyMap(3))
# Sample an orthogonal matrix with positive determinant
X = torch.empty(3, 3)
nn.init.orthogonal_(X)
if X.det() < 0.:
    X[0].neg_()
layer_orthogonal.weight = X
print(torch.dist(layer_orthogonal.weight, X))  # layer_orthogonal.weight == X

layer_orthogonal.weight = nn.init.orthogonal_(layer_orthogonal.weight)

class PruningParametrization(nn.Module):
    def __init__(self, X, p_drop=0.2):
        super().__init__()
        # sample zeros with probability p_drop
        mask = torch.full_like(X, 1.0 - p_drop)
        self.mask = torch.bernoulli(mask)

    def forward(self, X):
        return X * self.mask

    def right_inverse(self, A):
        return A

layer = nn.Linear(3, 4)
X = torch.rand_like(layer.weight)
print(f"Initialization matrix:\n{X}")
parametrize.register_parametrization(layer, "weight", PruningParametrization(layer.weight))
layer.weight = X
print(f"\nInitialized weight:\n{layer.weight}")

layer = nn.Linear(3, 3)
print("Before:")
print(layer)
print(layer.weight)
parametrize.register_parametrization(layer, "weight", Skew())
print("\nParametrized:")
print(layer)
print(layer.weight)
parametrize.remove_parametrizations(layer, "weight")
print("\nAfter. Weight has skew-symmetric values but it is unconstrained:")
print(layer)
print(layer.weight)

layer = nn.Linear(3, 3)
print("Before:")
print(layer)
print(layer.weight)
parametrize.register_parametrization(layer, "weight", Skew())
print("\nParametrized:")
print(layer)
print(layer.weight)
parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
print("\nAfter. Same as Before:")
print(layer)
print(layer.weight)
"""


def _same_printing(ours: str, theirs: str, tol: float = 1e-9, rtol: float = 1e-4) -> None:
    """The two printed outputs line by line: the same words, and numbers within ``tol``
    (rounding leaves different tiny residues, 1e-16 or so, in the distances that are 0)."""
    number = r"-?\d+\.?\d*(?:e[+-]?\d+)?"
    our_lines, their_lines = ours.splitlines(), theirs.splitlines()
    assert len(our_lines) == len(their_lines)
    for a, b in zip(our_lines, their_lines, strict=True):
        assert re.sub(number, "#", a) == re.sub(number, "#", b), (a, b)
        x = np.array(re.findall(number, a), dtype=float)
        y = np.array(re.findall(number, b), dtype=float)
        np.testing.assert_allclose(x, y, rtol=rtol, atol=tol, err_msg=a)


def _parametrizations_same_start(lib: Any) -> dict[str, Any]:
    """The program's random draws the same for both libraries: ``torch.rand``, ``rand_like``,
    ``bernoulli``, ``nn.init.orthogonal_`` (a fixed orthogonal matrix from NumPy) and each
    layer's initial weights."""
    rng = np.random.default_rng(6)

    def parameters(layer: Any) -> None:
        with lib.no_grad():
            for _, p in sorted(layer.named_parameters()):
                p.copy_(lib.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape))))

    def orthogonal_(t: Any) -> Any:
        q, r = np.linalg.qr(rng.standard_normal(tuple(t.shape)))
        with lib.no_grad():
            return t.copy_(lib.tensor(q * np.sign(np.diag(r))))

    return {
        "_start_rand": lambda *size: lib.tensor(rng.random(size)),
        "_start_rand_like": lambda t: lib.tensor(rng.random(tuple(t.shape))),
        "_start_bernoulli": lambda p: lib.tensor(
            rng.random(tuple(p.shape)) < p.numpy(), dtype=p.dtype
        ),
        "_start_orthogonal_": orthogonal_,
        "_start_parameters": parameters,
    }


def _parametrizations_from_same_start() -> str:
    source = PARAMETRIZATIONS.replace("torch.rand(", "_start_rand(")
    source = source.replace("torch.rand_like(", "_start_rand_like(")
    source = source.replace("torch.bernoulli(", "_start_bernoulli(")
    source = source.replace("nn.init.orthogonal_(", "_start_orthogonal_(")
    lines = []
    for line in source.splitlines():
        lines.append(line)
        made = re.match(r"^(\w+) = nn\.(Linear|Conv2d)\(", line)
        if made:
            lines.append(f"_start_parameters({made.group(1)})")
    return "\n".join(lines) + "\n"


def test_parametrizations_runs_as_written(capsys: Any) -> None:
    ns = run(PARAMETRIZATIONS)
    printed = capsys.readouterr().out
    # cached(): the parametrization computed four times outside, once inside
    assert printed.count("Computing the Parametrization") == 5
    assert (
        "Here, it is computed just the first time layer.weight is called\nComputing the " in printed
    )
    layer = ns["layer"]  # the last one: its parametrization removed, the original weight left
    assert not mg.nn.utils.parametrize.is_parametrized(layer)
    assert isinstance(layer.weight, mg.nn.Parameter) and layer.weight.grad_fn is None
    orthogonal = ns["layer_orthogonal"].weight.detach()
    assert mg.nn.utils.parametrize.is_parametrized(ns["layer_orthogonal"], "weight")
    assert float(mg.dist(orthogonal.T @ orthogonal, mg.eye(3))) < 1e-5
    spd = ns["layer_spd"].weight.detach()
    assert bool((mg.linalg.eigvalsh(spd) > 0).all()) and float(mg.dist(spd, spd.T)) < 1e-6


def test_parametrizations_prints_what_torch_prints() -> None:
    """From the same random draws and layer weights, in float64: every printed line."""
    torch = pytest.importorskip("torch")
    source = _parametrizations_from_same_start()
    printed = []
    for lib in (mg, torch):
        default = lib.get_default_dtype()
        lib.set_default_dtype(lib.float64)
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                run(source, lib.__name__, **_parametrizations_same_start(lib))
        finally:
            lib.set_default_dtype(default)
        printed.append(out.getvalue().replace(lib.__name__ + ".", "torch."))
    ours, theirs = printed
    assert "grad_fn=<DistBackward0>" in ours and "ParametrizationList(" in ours
    _same_printing(ours, theirs)


# ---------------------------------------------------------------------------------------------
# beginner_source/knowledge_distillation_tutorial.py (its code, the prose between left out): a
# teacher DeepNN and a student LightNN trained by CrossEntropyLoss and Adam; the student
# distilled by the soft-target loss with temperature (softmax(teacher_logits / T), log_softmax,
# torch.sum(...) / size()[0] * (T**2)) under a no_grad teacher; the hidden representations
# matched by CosineEmbeddingLoss after avg_pool1d, then through a convolutional regressor by
# MSELoss; load_state_dict between the teacher classes, torch.norm(...).item(), the parameter
# counts. CIFAR-10 (torchvision, a download) is replaced by synthetic 8x8 pictures of ten classes
# (a template per class plus noise: 64 to train, 32 to test) with stand-ins for its transforms;
# for 8x8 instead of 32x32 pictures the classifiers' inputs are 128 and 64 instead of 2048 and
# 1024 (and sample_input 8x8); 2 epochs instead of 10, batches of 16 instead of 128.

DISTILLATION = r"""
import torch
import torch.nn as nn
import torch.optim as optim
# import torchvision.transforms as transforms  (given: the stand-ins)
# import torchvision.datasets as datasets  (given: the stand-ins)

# Check if GPU is available, and if not, use the CPU
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# Below we are preprocessing data for CIFAR-10. We use an arbitrary batch size of 128.
transforms_cifar = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
])

# Loading the CIFAR-10 dataset:
train_dataset = datasets.CIFAR10(root='./data', train=True, download=True, transform=transforms_cifar)
test_dataset = datasets.CIFAR10(root='./data', train=False, download=True, transform=transforms_cifar)

#Dataloaders
train_loader = torch.utils.data.DataLoader(train_dataset, batch_size=128, shuffle=True, num_workers=2)
test_loader = torch.utils.data.DataLoader(test_dataset, batch_size=128, shuffle=False, num_workers=2)

# Deeper neural network class to be used as teacher:
class DeepNN(nn.Module):
    def __init__(self, num_classes=10):
        super(DeepNN, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 128, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(128, 64, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(64, 64, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(64, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(2048, 512),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(512, num_classes)
        )

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        x = self.classifier(x)
        return x

# Lightweight neural network class to be used as student:
class LightNN(nn.Module):
    def __init__(self, num_classes=10):
        super(LightNN, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(16, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(1024, 256),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(256, num_classes)
        )

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        x = self.classifier(x)
        return x

def train(model, train_loader, epochs, learning_rate, device):
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=learning_rate)

    model.train()

    for epoch in range(epochs):
        running_loss = 0.0
        for inputs, labels in train_loader:
            # inputs: A collection of batch_size images
            # labels: A vector of dimensionality batch_size with integers denoting class of each image
            inputs, labels = inputs.to(device), labels.to(device)

            optimizer.zero_grad()
            outputs = model(inputs)

            # outputs: Output of the network for the collection of images. A tensor of dimensionality batch_size x num_classes
            # labels: The actual labels of the images. Vector of dimensionality batch_size
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()

            running_loss += loss.item()

        print(f"Epoch {epoch+1}/{epochs}, Loss: {running_loss / len(train_loader)}")

def test(model, test_loader, device):
    model.to(device)
    model.eval()

    correct = 0
    total = 0

    with torch.no_grad():
        for inputs, labels in test_loader:
            inputs, labels = inputs.to(device), labels.to(device)

            outputs = model(inputs)
            _, predicted = torch.max(outputs.data, 1)

            total += labels.size(0)
            correct += (predicted == labels).sum().item()

    accuracy = 100 * correct / total
    print(f"Test Accuracy: {accuracy:.2f}%")
    return accuracy

torch.manual_seed(42)
nn_deep = DeepNN(num_classes=10).to(device)
train(nn_deep, train_loader, epochs=10, learning_rate=0.001, device=device)
test_accuracy_deep = test(nn_deep, test_loader, device)

# Instantiate the lightweight network:
torch.manual_seed(42)
nn_light = LightNN(num_classes=10).to(device)

torch.manual_seed(42)
new_nn_light = LightNN(num_classes=10).to(device)

# Print the norm of the first layer of the initial lightweight model
print("Norm of 1st layer of nn_light:", torch.norm(nn_light.features[0].weight).item())
# Print the norm of the first layer of the new lightweight model
print("Norm of 1st layer of new_nn_light:", torch.norm(new_nn_light.features[0].weight).item())

total_params_deep = "{:,}".format(sum(p.numel() for p in nn_deep.parameters()))
print(f"DeepNN parameters: {total_params_deep}")
total_params_light = "{:,}".format(sum(p.numel() for p in nn_light.parameters()))
print(f"LightNN parameters: {total_params_light}")

train(nn_light, train_loader, epochs=10, learning_rate=0.001, device=device)
test_accuracy_light_ce = test(nn_light, test_loader, device)

print(f"Teacher accuracy: {test_accuracy_deep:.2f}%")
print(f"Student accuracy: {test_accuracy_light_ce:.2f}%")

def train_knowledge_distillation(teacher, student, train_loader, epochs, learning_rate, T, soft_target_loss_weight, ce_loss_weight, device):
    ce_loss = nn.CrossEntropyLoss()
    optimizer = optim.Adam(student.parameters(), lr=learning_rate)

    teacher.eval()  # Teacher set to evaluation mode
    student.train() # Student to train mode

    for epoch in range(epochs):
        running_loss = 0.0
        for inputs, labels in train_loader:
            inputs, labels = inputs.to(device), labels.to(device)

            optimizer.zero_grad()

            # Forward pass with the teacher model - do not save gradients here as we do not change the teacher's weights
            with torch.no_grad():
                teacher_logits = teacher(inputs)

            # Forward pass with the student model
            student_logits = student(inputs)

            #Soften the student logits by applying softmax first and log() second
            soft_targets = nn.functional.softmax(teacher_logits / T, dim=-1)
            soft_prob = nn.functional.log_softmax(student_logits / T, dim=-1)

            # Calculate the soft targets loss. Scaled by T**2 as suggested by the authors of the paper "Distilling the knowledge in a neural network"
            soft_targets_loss = torch.sum(soft_targets * (soft_targets.log() - soft_prob)) / soft_prob.size()[0] * (T**2)

            # Calculate the true label loss
            label_loss = ce_loss(student_logits, labels)

            # Weighted sum of the two losses
            loss = soft_target_loss_weight * soft_targets_loss + ce_loss_weight * label_loss

            loss.backward()
            optimizer.step()

            running_loss += loss.item()

        print(f"Epoch {epoch+1}/{epochs}, Loss: {running_loss / len(train_loader)}")

# Apply ``train_knowledge_distillation`` with a temperature of 2. Arbitrarily set the weights to 0.75 for CE and 0.25 for distillation loss.
train_knowledge_distillation(teacher=nn_deep, student=new_nn_light, train_loader=train_loader, epochs=10, learning_rate=0.001, T=2, soft_target_loss_weight=0.25, ce_loss_weight=0.75, device=device)
test_accuracy_light_ce_and_kd = test(new_nn_light, test_loader, device)

# Compare the student test accuracy with and without the teacher, after distillation
print(f"Teacher accuracy: {test_accuracy_deep:.2f}%")
print(f"Student accuracy without teacher: {test_accuracy_light_ce:.2f}%")
print(f"Student accuracy with CE + KD: {test_accuracy_light_ce_and_kd:.2f}%")

class ModifiedDeepNNCosine(nn.Module):
    def __init__(self, num_classes=10):
        super(ModifiedDeepNNCosine, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 128, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(128, 64, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(64, 64, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(64, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(2048, 512),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(512, num_classes)
        )

    def forward(self, x):
        x = self.features(x)
        flattened_conv_output = torch.flatten(x, 1)
        x = self.classifier(flattened_conv_output)
        flattened_conv_output_after_pooling = torch.nn.functional.avg_pool1d(flattened_conv_output, 2)
        return x, flattened_conv_output_after_pooling

# Create a similar student class where we return a tuple. We do not apply pooling after flattening.
class ModifiedLightNNCosine(nn.Module):
    def __init__(self, num_classes=10):
        super(ModifiedLightNNCosine, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(16, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(1024, 256),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(256, num_classes)
        )

    def forward(self, x):
        x = self.features(x)
        flattened_conv_output = torch.flatten(x, 1)
        x = self.classifier(flattened_conv_output)
        return x, flattened_conv_output

# We do not have to train the modified deep network from scratch of course, we just load its weights from the trained instance
modified_nn_deep = ModifiedDeepNNCosine(num_classes=10).to(device)
modified_nn_deep.load_state_dict(nn_deep.state_dict())

# Once again ensure the norm of the first layer is the same for both networks
print("Norm of 1st layer for deep_nn:", torch.norm(nn_deep.features[0].weight).item())
print("Norm of 1st layer for modified_deep_nn:", torch.norm(modified_nn_deep.features[0].weight).item())

# Initialize a modified lightweight network with the same seed as our other lightweight instances. This will be trained from scratch to examine the effectiveness of cosine loss minimization.
torch.manual_seed(42)
modified_nn_light = ModifiedLightNNCosine(num_classes=10).to(device)
print("Norm of 1st layer:", torch.norm(modified_nn_light.features[0].weight).item())

# Create a sample input tensor
sample_input = torch.randn(128, 3, 32, 32).to(device) # Batch size: 128, Filters: 3, Image size: 32x32

# Pass the input through the student
logits, hidden_representation = modified_nn_light(sample_input)

# Print the shapes of the tensors
print("Student logits shape:", logits.shape) # batch_size x total_classes
print("Student hidden representation shape:", hidden_representation.shape) # batch_size x hidden_representation_size

# Pass the input through the teacher
logits, hidden_representation = modified_nn_deep(sample_input)

# Print the shapes of the tensors
print("Teacher logits shape:", logits.shape) # batch_size x total_classes
print("Teacher hidden representation shape:", hidden_representation.shape) # batch_size x hidden_representation_size

def train_cosine_loss(teacher, student, train_loader, epochs, learning_rate, hidden_rep_loss_weight, ce_loss_weight, device):
    ce_loss = nn.CrossEntropyLoss()
    cosine_loss = nn.CosineEmbeddingLoss()
    optimizer = optim.Adam(student.parameters(), lr=learning_rate)

    teacher.to(device)
    student.to(device)
    teacher.eval()  # Teacher set to evaluation mode
    student.train() # Student to train mode

    for epoch in range(epochs):
        running_loss = 0.0
        for inputs, labels in train_loader:
            inputs, labels = inputs.to(device), labels.to(device)

            optimizer.zero_grad()

            # Forward pass with the teacher model and keep only the hidden representation
            with torch.no_grad():
                _, teacher_hidden_representation = teacher(inputs)

            # Forward pass with the student model
            student_logits, student_hidden_representation = student(inputs)

            # Calculate the cosine loss. Target is a vector of ones. From the loss formula above we can see that is the case where loss minimization leads to cosine similarity increase.
            hidden_rep_loss = cosine_loss(student_hidden_representation, teacher_hidden_representation, target=torch.ones(inputs.size(0)).to(device))

            # Calculate the true label loss
            label_loss = ce_loss(student_logits, labels)

            # Weighted sum of the two losses
            loss = hidden_rep_loss_weight * hidden_rep_loss + ce_loss_weight * label_loss

            loss.backward()
            optimizer.step()

            running_loss += loss.item()

        print(f"Epoch {epoch+1}/{epochs}, Loss: {running_loss / len(train_loader)}")

def test_multiple_outputs(model, test_loader, device):
    model.to(device)
    model.eval()

    correct = 0
    total = 0

    with torch.no_grad():
        for inputs, labels in test_loader:
            inputs, labels = inputs.to(device), labels.to(device)

            outputs, _ = model(inputs) # Disregard the second tensor of the tuple
            _, predicted = torch.max(outputs.data, 1)

            total += labels.size(0)
            correct += (predicted == labels).sum().item()

    accuracy = 100 * correct / total
    print(f"Test Accuracy: {accuracy:.2f}%")
    return accuracy

# Train and test the lightweight network with cross entropy loss
train_cosine_loss(teacher=modified_nn_deep, student=modified_nn_light, train_loader=train_loader, epochs=10, learning_rate=0.001, hidden_rep_loss_weight=0.25, ce_loss_weight=0.75, device=device)
test_accuracy_light_ce_and_cosine_loss = test_multiple_outputs(modified_nn_light, test_loader, device)

# Pass the sample input only from the convolutional feature extractor
convolutional_fe_output_student = nn_light.features(sample_input)
convolutional_fe_output_teacher = nn_deep.features(sample_input)

# Print their shapes
print("Student's feature extractor output shape: ", convolutional_fe_output_student.shape)
print("Teacher's feature extractor output shape: ", convolutional_fe_output_teacher.shape)

class ModifiedDeepNNRegressor(nn.Module):
    def __init__(self, num_classes=10):
        super(ModifiedDeepNNRegressor, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 128, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(128, 64, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(64, 64, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(64, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(2048, 512),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(512, num_classes)
        )

    def forward(self, x):
        x = self.features(x)
        conv_feature_map = x
        x = torch.flatten(x, 1)
        x = self.classifier(x)
        return x, conv_feature_map

class ModifiedLightNNRegressor(nn.Module):
    def __init__(self, num_classes=10):
        super(ModifiedLightNNRegressor, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(16, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        # Include an extra regressor (in our case linear)
        self.regressor = nn.Sequential(
            nn.Conv2d(16, 32, kernel_size=3, padding=1)
        )
        self.classifier = nn.Sequential(
            nn.Linear(1024, 256),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(256, num_classes)
        )

    def forward(self, x):
        x = self.features(x)
        regressor_output = self.regressor(x)
        x = torch.flatten(x, 1)
        x = self.classifier(x)
        return x, regressor_output

def train_mse_loss(teacher, student, train_loader, epochs, learning_rate, feature_map_weight, ce_loss_weight, device):
    ce_loss = nn.CrossEntropyLoss()
    mse_loss = nn.MSELoss()
    optimizer = optim.Adam(student.parameters(), lr=learning_rate)

    teacher.to(device)
    student.to(device)
    teacher.eval()  # Teacher set to evaluation mode
    student.train() # Student to train mode

    for epoch in range(epochs):
        running_loss = 0.0
        for inputs, labels in train_loader:
            inputs, labels = inputs.to(device), labels.to(device)

            optimizer.zero_grad()

            # Again ignore teacher logits
            with torch.no_grad():
                _, teacher_feature_map = teacher(inputs)

            # Forward pass with the student model
            student_logits, regressor_feature_map = student(inputs)

            # Calculate the loss
            hidden_rep_loss = mse_loss(regressor_feature_map, teacher_feature_map)

            # Calculate the true label loss
            label_loss = ce_loss(student_logits, labels)

            # Weighted sum of the two losses
            loss = feature_map_weight * hidden_rep_loss + ce_loss_weight * label_loss

            loss.backward()
            optimizer.step()

            running_loss += loss.item()

        print(f"Epoch {epoch+1}/{epochs}, Loss: {running_loss / len(train_loader)}")

# Notice how our test function remains the same here with the one we used in our previous case. We only care about the actual outputs because we measure accuracy.

# Initialize a ModifiedLightNNRegressor
torch.manual_seed(42)
modified_nn_light_reg = ModifiedLightNNRegressor(num_classes=10).to(device)

# We do not have to train the modified deep network from scratch of course, we just load its weights from the trained instance
modified_nn_deep_reg = ModifiedDeepNNRegressor(num_classes=10).to(device)
modified_nn_deep_reg.load_state_dict(nn_deep.state_dict())

# Train and test once again
train_mse_loss(teacher=modified_nn_deep_reg, student=modified_nn_light_reg, train_loader=train_loader, epochs=10, learning_rate=0.001, feature_map_weight=0.25, ce_loss_weight=0.75, device=device)
test_accuracy_light_ce_and_mse_loss = test_multiple_outputs(modified_nn_light_reg, test_loader, device)

print(f"Teacher accuracy: {test_accuracy_deep:.2f}%")
print(f"Student accuracy without teacher: {test_accuracy_light_ce:.2f}%")
print(f"Student accuracy with CE + KD: {test_accuracy_light_ce_and_kd:.2f}%")
print(f"Student accuracy with CE + CosineLoss: {test_accuracy_light_ce_and_cosine_loss:.2f}%")
print(f"Student accuracy with CE + RegressorMSE: {test_accuracy_light_ce_and_mse_loss:.2f}%")
"""  # noqa: E501 (the tutorial's lines as it writes them)

DISTILLATION_SHRUNK = [
    ("nn.Linear(2048,", "nn.Linear(128,"),
    ("nn.Linear(1024,", "nn.Linear(64,"),
    ("torch.randn(128, 3, 32, 32)", "torch.randn(128, 3, 8, 8)"),
    ("epochs=10", "epochs=2"),
    ("batch_size=128", "batch_size=16"),
]


def _distillation() -> str:
    source = DISTILLATION
    for upstream, shrunk in DISTILLATION_SHRUNK:
        assert upstream in source
        source = source.replace(upstream, shrunk)
    return source


def _cifar10(lib: Any, n_train: int = 64, n_test: int = 32, size: int = 8) -> dict[str, Any]:
    """torchvision's ``datasets.CIFAR10`` and the transforms the tutorial uses: HWC uint8
    pictures of ten classes, each a fixed random template plus noise, labels cycling 0..9."""
    rng = np.random.default_rng(0)
    templates = rng.integers(0, 256, (10, size, size, 3))

    class CIFAR10:
        def __init__(self, root: str, train: bool = True, download: bool = False,
                     transform: Any = None) -> None:  # fmt: skip
            n = n_train if train else n_test
            self.targets = np.arange(n) % 10
            noise = rng.normal(0, 40, (n, size, size, 3))
            self.data = np.clip(templates[self.targets] + noise, 0, 255).astype(np.uint8)
            self.transform = transform

        def __len__(self) -> int:
            return len(self.data)

        def __getitem__(self, i: int) -> tuple[Any, int]:
            return self.transform(self.data[i]), int(self.targets[i])

    class Compose:
        def __init__(self, transforms: list[Any]) -> None:
            self.transforms = transforms

        def __call__(self, x: Any) -> Any:
            for transform in self.transforms:
                x = transform(x)
            return x

    def to_tensor(picture: np.ndarray) -> Any:
        chw = np.ascontiguousarray(picture.transpose(2, 0, 1)) / 255.0
        return lib.tensor(chw, dtype=lib.get_default_dtype())

    class Normalize:
        def __init__(self, mean: list[float], std: list[float]) -> None:
            self.mean, self.std = mean, std

        def __call__(self, x: Any) -> Any:
            mean = lib.tensor(self.mean, dtype=x.dtype).view(-1, 1, 1)
            return (x - mean) / lib.tensor(self.std, dtype=x.dtype).view(-1, 1, 1)

    transforms = SimpleNamespace(Compose=Compose, ToTensor=lambda: to_tensor, Normalize=Normalize)
    return {"datasets": SimpleNamespace(CIFAR10=CIFAR10), "transforms": transforms}


def _epoch_losses(printed: str) -> list[float]:
    lines = printed.splitlines()
    return [float(line.split("Loss: ")[1]) for line in lines if line.startswith("Epoch ")]


def test_distillation_runs_and_students_learn(capsys: Any) -> None:
    ns = run(_distillation(), **_cifar10(mg))
    printed = capsys.readouterr().out
    losses = _epoch_losses(printed)
    assert len(losses) == 10  # five trainings of two epochs
    assert all(second < first for first, second in zip(losses[::2], losses[1::2], strict=True))
    # the same seed, the same first layers (as the tutorial checks by their norms)
    norms = [float(line.split(": ")[1]) for line in printed.splitlines() if "Norm of" in line]
    assert len(norms) == 5 and norms[0] == norms[1] == norms[4] and norms[2] == norms[3]
    assert "DeepNN parameters: 203,946\nLightNN parameters: 21,978\n" in printed
    assert "Student hidden representation shape: minigrad.Size([128, 64])" in printed
    assert "Teacher hidden representation shape: minigrad.Size([128, 64])" in printed
    accuracies = [ns[k] for k in ns if k.startswith("test_accuracy_")]
    assert len(accuracies) == 5 and ns["test_accuracy_deep"] > 30  # chance: 10%
    teacher = ns["modified_nn_deep_reg"].state_dict()
    assert all(
        np.array_equal(teacher[k].numpy(), v.numpy()) for k, v in ns["nn_deep"].state_dict().items()
    )


def _distillation_same_start() -> str:
    """Every model's weights drawn from a stream seeded by its number of parameters: models of
    one layout start alike, as the tutorial's torch.manual_seed(42) makes them."""
    lines = []
    for line in same_start(_distillation()).splitlines():
        lines.append(line)
        made = re.match(r"^(\w+) = \w+\(num_classes=10\)\.to\(device\)$", line)
        if made:
            lines.append(f"_start_model({made.group(1)})")
    return "\n".join(lines) + "\n"


def test_distillation_matches_torch() -> None:
    """From the same weights, dropout masks and order of batches, in float64: every printed
    line (the epochs' losses, the accuracies, norms and shapes)."""
    torch = pytest.importorskip("torch")
    source = _distillation_same_start()
    printed = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for lib in (mg, torch):
            default = lib.get_default_dtype()
            lib.set_default_dtype(lib.float64)

            def start_model(model: Any, lib: Any = lib) -> None:
                rng = np.random.default_rng(sum(p.numel() for p in model.parameters()))
                with lib.no_grad():
                    for _, p in sorted(model.named_parameters()):
                        p.copy_(lib.tensor(rng.uniform(-0.1, 0.1, tuple(p.shape))))

            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    inputs = {**_cifar10(lib, 32, 16), **start_functions(lib, 7)}
                    run(source, lib.__name__, _start_model=start_model, **inputs)
            finally:
                lib.set_default_dtype(default)
            printed.append(out.getvalue().replace(lib.__name__ + ".", "torch."))
    finally:
        torch.set_num_threads(threads)
    ours, theirs = printed
    assert len(_epoch_losses(ours)) == 10
    _same_printing(ours, theirs, rtol=1e-7)
