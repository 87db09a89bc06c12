# Holds text from pytorch/tutorials: intermediate_source/reinforcement_q_learning.py. The file
# and its licence (BSD 3-Clause): tests/THIRD_PARTY_NOTICES.md.
"""More of PyTorch's intermediate tutorials run under minigrad with only the import changed:
"Reinforcement Learning (DQN) Tutorial".

Each program is kept as upstream writes it. Only what cannot run here is replaced, and says
so: gymnasium's CartPole by the NumPy CartPole of ``test_pytorch_examples_rl`` (with gymnasium's
``action_space``), matplotlib by a stand-in that draws nothing, the runs shortened. Each
program passes a check that can fail, and, when torch is installed, gives torch's numbers from
the same start in float64.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from test_pytorch_compat import run, start_functions
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
