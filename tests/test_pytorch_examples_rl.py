# Holds text from pytorch/examples: reinforcement_learning/reinforce.py and actor_critic.py,
# mnist_rnn/main.py, fast_neural_style/neural_style/transformer_net.py, neural_style.py and
# utils.py. The files and their licence (BSD 3-Clause): tests/THIRD_PARTY_NOTICES.md.
"""pytorch/examples' reinforcement-learning programs run under minigrad with only the import
changed: REINFORCE and actor-critic on CartPole, both sampling actions with
``torch.distributions.Categorical``; mnist_rnn, an LSTM reading MNIST images row by row; and
fast_neural_style's image transformation network.

Each program is kept as upstream writes it (the gym 0.26 API of ``reset(seed=)`` returning
``(state, info)`` and ``step`` returning five values). Only what cannot run here is replaced,
and says so: gym by a CartPole written in NumPy with gym's CartPole-v1 physics, argparse's
command line by its defaults (``parse_args([])``), and the endless ``count(1)`` of episodes by a
few dozen. Each program must really learn (the pole stays up longer than a random policy
keeps it), and, when torch is installed, take the same actions and reach the same parameters
as torch from the same start in float64.
"""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from test_pytorch_compat import ForLibrary, compare_with_torch, run, same_start, start_functions
from test_pytorch_examples_vision import _torchvision

# ---------------------------------------------------------------------------------------------
# gym's CartPole-v1, in NumPy


class CartPole:
    """gym's ``CartPole-v1``: a pole on a cart pushed left (action 0) or right (1) by 10 N,
    Euler steps of 0.02 s; reward 1 per step; the episode terminates when the pole leans past
    12 degrees or the cart leaves [-2.4, 2.4], and is truncated after 500 steps. The state
    (x, x_dot, theta, theta_dot) starts uniform in [-0.05, 0.05] from the generator seeded by
    ``reset(seed=)``. The lengths of the episodes that terminate are kept in
    ``episode_lengths``."""

    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total_mass = masspole + masscart
    polemass_length = masspole * length
    theta_threshold_radians = 12 * 2 * math.pi / 360
    x_threshold = 2.4
    spec = SimpleNamespace(id="CartPole-v1", reward_threshold=475.0, max_episode_steps=500)

    def __init__(self) -> None:
        self.np_random = np.random.default_rng()
        self.state = np.zeros(4)
        self.steps = 0
        self.episode_lengths: list[int] = []

    def reset(self, *, seed: int | None = None, options: Any = None) -> tuple[np.ndarray, dict]:
        if seed is not None:
            self.np_random = np.random.default_rng(seed)
        self.state = self.np_random.uniform(-0.05, 0.05, size=(4,))
        self.steps = 0
        return self.state.astype(np.float32), {}

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict]:
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta, sintheta = math.cos(theta), math.sin(theta)
        temp = (force + self.polemass_length * theta_dot**2 * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta**2 / self.total_mass)
        )
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x, x_dot = x + self.tau * x_dot, x_dot + self.tau * xacc
        theta, theta_dot = theta + self.tau * theta_dot, theta_dot + self.tau * thetaacc
        self.state = np.array([x, x_dot, theta, theta_dot])
        terminated = bool(abs(x) > self.x_threshold or abs(theta) > self.theta_threshold_radians)
        self.steps += 1
        if terminated:
            self.episode_lengths.append(self.steps)
        truncated = self.steps >= self.spec.max_episode_steps
        return self.state.astype(np.float32), 1.0, terminated, truncated, {}


def _gym() -> dict[str, Any]:
    """``gym``, whose ``make("CartPole-v1")`` gives a fresh CartPole to each run."""

    def make_gym(lib: Any) -> Any:
        def make(name: str) -> CartPole:
            assert name == "CartPole-v1", name
            gym.env = CartPole()
            return gym.env

        gym = SimpleNamespace(make=make, env=None)
        return gym

    return {"gym": ForLibrary(make_gym)}


def test_the_stand_in_falls_as_gym_s_cartpole() -> None:
    """Pushed always right, the pole falls over to the left within a few dozen steps (gym's
    CartPole-v1 gives 8 to 10 steps); pushed alternately, it stays up longer."""
    env = CartPole()
    state, info = env.reset(seed=0)
    assert state.dtype == np.float32 and state.shape == (4,) and info == {}
    assert np.all(np.abs(state) <= 0.05)
    done, steps = False, 0
    while not done:
        state, reward, done, truncated, _ = env.step(1)
        steps += 1
        assert reward == 1.0 and not truncated
    assert 7 <= steps <= 11 and state[2] < -0.2, (steps, state)
    env.reset()
    done = False
    while not done:
        _, _, done, _, _ = env.step(env.steps % 2)
    assert env.episode_lengths[0] == steps and env.episode_lengths[1] > 2 * steps


PROGRAMS: dict[str, str] = {}

# ---------------------------------------------------------------------------------------------
# reinforcement_learning/reinforce.py: a policy of two Linear layers with Dropout, softmax over
# the two actions, actions sampled from Categorical(probs), the loss -log_prob * normalised
# return summed with torch.cat, Adam.

PROGRAMS["reinforce"] = r"""
import argparse
# import gym  (given: the stand-in)
import numpy as np
from itertools import count
from collections import deque
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical


parser = argparse.ArgumentParser(description='PyTorch REINFORCE example')
parser.add_argument('--gamma', type=float, default=0.99, metavar='G',
                    help='discount factor (default: 0.99)')
parser.add_argument('--seed', type=int, default=543, metavar='N',
                    help='random seed (default: 543)')
parser.add_argument('--render', action='store_true',
                    help='render the environment')
parser.add_argument('--log-interval', type=int, default=10, metavar='N',
                    help='interval between training status logs (default: 10)')
args = parser.parse_args([])


env = gym.make('CartPole-v1')
env.reset(seed=args.seed)
torch.manual_seed(args.seed)


class Policy(nn.Module):
    def __init__(self):
        super(Policy, self).__init__()
        self.affine1 = nn.Linear(4, 128)
        self.dropout = nn.Dropout(p=0.6)
        self.affine2 = nn.Linear(128, 2)

        self.saved_log_probs = []
        self.rewards = []

    def forward(self, x):
        x = self.affine1(x)
        x = self.dropout(x)
        x = F.relu(x)
        action_scores = self.affine2(x)
        return F.softmax(action_scores, dim=1)


policy = Policy()
optimizer = optim.Adam(policy.parameters(), lr=1e-2)
eps = np.finfo(np.float32).eps.item()


def select_action(state):
    state = torch.from_numpy(state).float().unsqueeze(0)
    probs = policy(state)
    m = Categorical(probs)
    action = m.sample()
    policy.saved_log_probs.append(m.log_prob(action))
    return action.item()


def finish_episode():
    R = 0
    policy_loss = []
    returns = deque()
    for r in policy.rewards[::-1]:
        R = r + args.gamma * R
        returns.appendleft(R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)
    for log_prob, R in zip(policy.saved_log_probs, returns):
        policy_loss.append(-log_prob * R)
    optimizer.zero_grad()
    policy_loss = torch.cat(policy_loss).sum()
    policy_loss.backward()
    optimizer.step()
    del policy.rewards[:]
    del policy.saved_log_probs[:]


def main():
    running_reward = 10
    for i_episode in count(1):
        state, _ = env.reset()
        ep_reward = 0
        for t in range(1, 10000):  # Don't infinite loop while learning
            action = select_action(state)
            state, reward, done, _, _ = env.step(action)
            if args.render:
                env.render()
            policy.rewards.append(reward)
            ep_reward += reward
            if done:
                break

        running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
        finish_episode()
        if i_episode % args.log_interval == 0:
            print('Episode {}\tLast reward: {:.2f}\tAverage reward: {:.2f}'.format(
                  i_episode, ep_reward, running_reward))
        if running_reward > env.spec.reward_threshold:
            print("Solved! Running reward is now {} and "
                  "the last episode runs to {} time steps!".format(running_reward, t))
            break


if __name__ == '__main__':
    main()
"""

# ---------------------------------------------------------------------------------------------
# reinforcement_learning/actor_critic.py: one body, an actor head (softmax over the actions,
# Categorical) and a critic head (the state's value); the loss -log_prob * advantage plus
# smooth_l1_loss of the values, summed with torch.stack, Adam.

PROGRAMS["actor_critic"] = r'''
import argparse
# import gym  (given: the stand-in)
import numpy as np
from itertools import count
from collections import namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical

# Cart Pole

parser = argparse.ArgumentParser(description='PyTorch actor-critic example')
parser.add_argument('--gamma', type=float, default=0.99, metavar='G',
                    help='discount factor (default: 0.99)')
parser.add_argument('--seed', type=int, default=543, metavar='N',
                    help='random seed (default: 543)')
parser.add_argument('--render', action='store_true',
                    help='render the environment')
parser.add_argument('--log-interval', type=int, default=10, metavar='N',
                    help='interval between training status logs (default: 10)')
args = parser.parse_args([])


env = gym.make('CartPole-v1')
env.reset(seed=args.seed)
torch.manual_seed(args.seed)


SavedAction = namedtuple('SavedAction', ['log_prob', 'value'])


class Policy(nn.Module):
    """
    implements both actor and critic in one model
    """
    def __init__(self):
        super(Policy, self).__init__()
        self.affine1 = nn.Linear(4, 128)

        # actor's layer
        self.action_head = nn.Linear(128, 2)

        # critic's layer
        self.value_head = nn.Linear(128, 1)

        # action & reward buffer
        self.saved_actions = []
        self.rewards = []

    def forward(self, x):
        """
        forward of both actor and critic
        """
        x = F.relu(self.affine1(x))

        # actor: choses action to take from state s_t
        # by returning probability of each action
        action_prob = F.softmax(self.action_head(x), dim=-1)

        # critic: evaluates being in the state s_t
        state_values = self.value_head(x)

        # return values for both actor and critic as a tuple of 2 values:
        # 1. a list with the probability of each action over the action space
        # 2. the value from state s_t
        return action_prob, state_values


model = Policy()
optimizer = optim.Adam(model.parameters(), lr=3e-2)
eps = np.finfo(np.float32).eps.item()


def select_action(state):
    state = torch.from_numpy(state).float()
    probs, state_value = model(state)

    # create a categorical distribution over the list of probabilities of actions
    m = Categorical(probs)

    # and sample an action using the distribution
    action = m.sample()

    # save to action buffer
    model.saved_actions.append(SavedAction(m.log_prob(action), state_value))

    # the action to take (left or right)
    return action.item()


def finish_episode():
    """
    Training code. Calculates actor and critic loss and performs backprop.
    """
    R = 0
    saved_actions = model.saved_actions
    policy_losses = [] # list to save actor (policy) loss
    value_losses = [] # list to save critic (value) loss
    returns = [] # list to save the true values

    # calculate the true value using rewards returned from the environment
    for r in model.rewards[::-1]:
        # calculate the discounted value
        R = r + args.gamma * R
        returns.insert(0, R)

    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)

    for (log_prob, value), R in zip(saved_actions, returns):
        advantage = R - value.item()

        # calculate actor (policy) loss
        policy_losses.append(-log_prob * advantage)

        # calculate critic (value) loss using L1 smooth loss
        value_losses.append(F.smooth_l1_loss(value, torch.tensor([R])))

    # reset gradients
    optimizer.zero_grad()

    # sum up all the values of policy_losses and value_losses
    loss = torch.stack(policy_losses).sum() + torch.stack(value_losses).sum()

    # perform backprop
    loss.backward()
    optimizer.step()

    # reset rewards and action buffer
    del model.rewards[:]
    del model.saved_actions[:]


def main():
    running_reward = 10

    # run infinitely many episodes
    for i_episode in count(1):

        # reset environment and episode reward
        state, _ = env.reset()
        ep_reward = 0

        # for each episode, only run 9999 steps so that we don't
        # infinite loop while learning
        for t in range(1, 10000):

            # select action from policy
            action = select_action(state)

            # take the action
            state, reward, done, _, _ = env.step(action)

            if args.render:
                env.render()

            model.rewards.append(reward)
            ep_reward += reward
            if done:
                break

        # update cumulative reward
        running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward

        # perform backprop
        finish_episode()

        # log results
        if i_episode % args.log_interval == 0:
            print('Episode {}\tLast reward: {:.2f}\tAverage reward: {:.2f}'.format(
                  i_episode, ep_reward, running_reward))

        # check if we have "solved" the cart pole problem
        if running_reward > env.spec.reward_threshold:
            print("Solved! Running reward is now {} and "
                  "the last episode runs to {} time steps!".format(running_reward, t))
            break


if __name__ == '__main__':
    main()
'''

# ---------------------------------------------------------------------------------------------

EPISODES = 40


def _episodes(source: str, n: int) -> str:
    """The program with its endless loop of episodes cut to ``n``."""
    assert source.count("count(1)") == 1
    return source.replace("count(1)", f"range(1, {n + 1})")


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program_runs_and_learns(name: str, capsys: Any) -> None:
    ns = run(_episodes(PROGRAMS[name], EPISODES), __name__="__main__", **_gym())
    lengths = ns["gym"].env.episode_lengths
    assert len(lengths) == EPISODES  # each episode ended with the pole down
    printed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in printed] == [f"Episode {i}" for i in (10, 20, 30, 40)]
    # A random policy keeps the pole up about 22 steps; after a few dozen episodes the learned
    # one keeps it up several times longer. (Under torch, actor-critic's lr=3e-2 may instead
    # collapse to one action for some seeds: the comparison below checks the numbers.)
    first, last = np.mean(lengths[:10]), np.mean(lengths[-10:])
    assert first < 35 and last > 2.5 * first and last > 60, lengths


def _same_draws(lib: Any, seed: int = 1) -> dict[str, Any]:
    """``_start_categorical(probs)``: the library's Categorical, its actions drawn by inverting
    the cumulative probabilities at uniforms from one NumPy stream (the same for both)."""
    rng = np.random.default_rng(seed)

    class SameDraws(lib.distributions.Categorical):  # type: ignore[name-defined,misc]
        def sample(self, sample_shape: Any = ()) -> Any:
            p = self.probs.detach().numpy()
            u = rng.random(p.shape[:-1])[..., None]
            return lib.tensor(np.minimum((np.cumsum(p, -1) < u).sum(-1), p.shape[-1] - 1))

    return {"_start_categorical": SameDraws}


# The seed of the same start: from seed 0's, actor-critic's lr=3e-2 collapses to one action
# within a few episodes (as it may from torch's own start), after which its gradients are
# nearly zero and the comparison would check little; from seed 2's, it learns.
START_SEED = {"reinforce": 0, "actor_critic": 2}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program_matches_torch(name: str) -> None:
    """From the same parameters, dropout masks and uniforms for the actions, in float64:
    the same episodes, and the same parameters after the updates."""
    torch = pytest.importorskip("torch")
    import minigrad

    source = same_start(_episodes(PROGRAMS[name], 12))
    source = source.replace("Categorical(probs)", "_start_categorical(probs)")
    source = source.replace("policy = Policy()\n", "policy = Policy()\n_start_parameters(policy)\n")
    results = []
    for lib in (minigrad, torch):
        default = lib.get_default_dtype()
        lib.set_default_dtype(lib.float64)
        try:
            inputs = {**_gym(), **start_functions(lib, START_SEED[name]), **_same_draws(lib)}
            ns = run(source, lib.__name__, __name__="__main__", **inputs)
        finally:
            lib.set_default_dtype(default)
        model = ns.get("policy", ns.get("model"))
        params = {k: v.detach().numpy() for k, v in model.named_parameters()}
        results.append((ns["gym"].env.episode_lengths, params))
    (our_lengths, ours), (their_lengths, theirs) = results
    assert our_lengths == their_lengths and len(our_lengths) == 12
    assert sorted(ours) == sorted(theirs) and ours
    for key in ours:
        assert ours[key].dtype == np.float64
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-8, err_msg=key)


# ---------------------------------------------------------------------------------------------
# mnist_rnn/main.py: nn.LSTM(batch_first=True) over the 28 rows of each image, its last output
# through BatchNorm1d, Dropout2d (of a 2-D input: single elements, with PyTorch's deprecation
# warning), two Linear layers and log_softmax; nll_loss, Adadelta with StepLR. torchvision's
# MNIST and transforms are the stand-ins over the shared MNIST files; the command line is
# given as ARGV (shorter runs: fewer images, epochs, and Adadelta's lr of the mnist example);
# lists of the batch losses and of the test results are added.

MNIST_RNN = r"""
from __future__ import print_function

import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
# from torchvision import datasets, transforms  (given: the stand-ins)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.rnn = nn.LSTM(input_size=28, hidden_size=64, batch_first=True)
        self.batchnorm = nn.BatchNorm1d(64)
        self.dropout1 = nn.Dropout2d(0.25)
        self.dropout2 = nn.Dropout2d(0.5)
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, input):
        # Shape of input is (batch_size,1, 28, 28)
        # converting shape of input to (batch_size, 28, 28)
        # as required by RNN when batch_first is set True
        input = input.reshape(-1, 28, 28)
        output, hidden = self.rnn(input)

        # RNN output shape is (seq_len, batch, input_size)
        # Get last output of RNN
        output = output[:, -1, :]
        output = self.batchnorm(output)
        output = self.dropout1(output)
        output = self.fc1(output)
        output = F.relu(output)
        output = self.dropout2(output)
        output = self.fc2(output)
        output = F.log_softmax(output, dim=1)
        return output


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if batch_idx % args.log_interval == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                       100. * batch_idx / len(train_loader), loss.item()))
            if args.dry_run:
                break


def test(args, model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()  # sum up batch loss
            pred = output.argmax(dim=1, keepdim=True)  # get the index of the max log-probability
            correct += pred.eq(target.view_as(pred)).sum().item()
            if args.dry_run:
                break

    test_loss /= len(test_loader.dataset)
    results.append((test_loss, correct))

    print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'.format(
        test_loss, correct, len(test_loader.dataset),
        100. * correct / len(test_loader.dataset)))


def main():
    # Training settings
    parser = argparse.ArgumentParser(description='PyTorch MNIST Example using RNN')
    parser.add_argument('--batch-size', type=int, default=64, metavar='N',
                        help='input batch size for training (default: 64)')
    parser.add_argument('--test-batch-size', type=int, default=1000, metavar='N',
                        help='input batch size for testing (default: 1000)')
    parser.add_argument('--epochs', type=int, default=14, metavar='N',
                        help='number of epochs to train (default: 14)')
    parser.add_argument('--lr', type=float, default=0.1, metavar='LR',
                        help='learning rate (default: 0.1)')
    parser.add_argument('--gamma', type=float, default=0.7, metavar='M',
                        help='learning rate step gamma (default: 0.7)')
    parser.add_argument('--cuda', action='store_true', default=False,
                        help='enables CUDA training')
    parser.add_argument('--mps', action="store_true", default=False,
                        help="enables MPS training")
    parser.add_argument('--dry-run', action='store_true', default=False,
                        help='quickly check a single pass')
    parser.add_argument('--seed', type=int, default=1, metavar='S',
                        help='random seed (default: 1)')
    parser.add_argument('--log-interval', type=int, default=10, metavar='N',
                        help='how many batches to wait before logging training status')
    parser.add_argument('--save-model', action='store_true', default=False,
                        help='for Saving the current Model')
    args = parser.parse_args(ARGV)

    if args.cuda and not args.mps:
        device = "cuda"
    elif args.mps and not args.cuda:
        device = "mps"
    else:
        device = "cpu"

    device = torch.device(device)

    torch.manual_seed(args.seed)

    kwargs = {'num_workers': 1, 'pin_memory': True} if args.cuda else {}
    train_loader = torch.utils.data.DataLoader(
        datasets.MNIST('../data', train=True, download=True,
                       transform=transforms.Compose([
                           transforms.ToTensor(),
                           transforms.Normalize((0.1307,), (0.3081,))
                       ])),
        batch_size=args.batch_size, shuffle=True, **kwargs)
    test_loader = torch.utils.data.DataLoader(
        datasets.MNIST('../data', train=False, transform=transforms.Compose([
            transforms.ToTensor(),
            transforms.Normalize((0.1307,), (0.3081,))
        ])),
        batch_size=args.test_batch_size, shuffle=True, **kwargs)

    model = Net().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)

    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        test(args, model, device, test_loader)
        scheduler.step()

    if args.save_model:
        torch.save(model.state_dict(), "mnist_rnn.pt")


losses, results = [], []
if __name__ == '__main__':
    main()
"""

MNIST_RNN_ARGV = ["--epochs", "3", "--lr", "1.0", "--batch-size", "32", "--log-interval", "10"]


@pytest.mark.filterwarnings("ignore:dropout2d. Received a 2-D input:UserWarning")
def test_mnist_rnn_trains(capsys: Any) -> None:
    ns = run(MNIST_RNN, __name__="__main__", ARGV=MNIST_RNN_ARGV, **_torchvision(1280, 300))
    losses, results = ns["losses"], ns["results"]
    assert len(losses) == 3 * 40 and np.all(np.isfinite(losses))
    first, last = np.mean(losses[:10]), np.mean(losses[-10:])
    assert first > 2.1 and last < 0.7 * first, (first, last)
    (loss_1, _), _, (loss_3, correct_3) = results
    assert loss_3 < loss_1 and correct_3 > 300 * 0.3, results  # chance: 10%
    printed = capsys.readouterr().out
    assert printed.count("Train Epoch: ") == 3 * 4 and printed.count("Test set: ") == 3


@pytest.mark.filterwarnings("ignore:dropout2d. Received a 2-D input:UserWarning")
def test_mnist_rnn_matches_torch() -> None:
    """The first losses from the same weights and dropout masks, in float64, are torch's.
    (Dropout2d of this 2-D input drops single elements in both libraries: it is given the
    same masks as Dropout.)"""
    source = MNIST_RNN.replace("nn.Dropout2d(", "nn.Dropout(")
    source = source.replace(
        "    model = Net().to(device)\n",
        "    model = Net().to(device)\n    _start_parameters(model)\n",
    )
    argv = ["--epochs", "2", "--lr", "1.0", "--batch-size", "32", "--test-batch-size", "32"]
    compare_with_torch(source, __name__="__main__", ARGV=argv, **_torchvision(64, 32))


# ---------------------------------------------------------------------------------------------
# fast_neural_style/neural_style/transformer_net.py, as written: TransformerNet of ConvLayer
# (ReflectionPad2d then Conv2d), InstanceNorm2d(affine=True), five ResidualBlock and two
# UpsampleConvLayer (F.interpolate(mode='nearest', scale_factor=2) then ConvLayer). Then a few
# steps of neural_style.py's training loop (Adam, the content and style losses as MSELoss,
# utils.py's gram_matrix and normalize_batch with its in-place div_ on the network's output),
# with the pretrained VGG16 whose features the losses compare (a download) replaced by the
# normalised images themselves, and the data loader by a list of batches.

TRANSFORMER_NET = r'''
import torch


class TransformerNet(torch.nn.Module):
    def __init__(self):
        super(TransformerNet, self).__init__()
        # Initial convolution layers
        self.conv1 = ConvLayer(3, 32, kernel_size=9, stride=1)
        self.in1 = torch.nn.InstanceNorm2d(32, affine=True)
        self.conv2 = ConvLayer(32, 64, kernel_size=3, stride=2)
        self.in2 = torch.nn.InstanceNorm2d(64, affine=True)
        self.conv3 = ConvLayer(64, 128, kernel_size=3, stride=2)
        self.in3 = torch.nn.InstanceNorm2d(128, affine=True)
        # Residual layers
        self.res1 = ResidualBlock(128)
        self.res2 = ResidualBlock(128)
        self.res3 = ResidualBlock(128)
        self.res4 = ResidualBlock(128)
        self.res5 = ResidualBlock(128)
        # Upsampling Layers
        self.deconv1 = UpsampleConvLayer(128, 64, kernel_size=3, stride=1, upsample=2)
        self.in4 = torch.nn.InstanceNorm2d(64, affine=True)
        self.deconv2 = UpsampleConvLayer(64, 32, kernel_size=3, stride=1, upsample=2)
        self.in5 = torch.nn.InstanceNorm2d(32, affine=True)
        self.deconv3 = ConvLayer(32, 3, kernel_size=9, stride=1)
        # Non-linearities
        self.relu = torch.nn.ReLU()

    def forward(self, X):
        y = self.relu(self.in1(self.conv1(X)))
        y = self.relu(self.in2(self.conv2(y)))
        y = self.relu(self.in3(self.conv3(y)))
        y = self.res1(y)
        y = self.res2(y)
        y = self.res3(y)
        y = self.res4(y)
        y = self.res5(y)
        y = self.relu(self.in4(self.deconv1(y)))
        y = self.relu(self.in5(self.deconv2(y)))
        y = self.deconv3(y)
        return y


class ConvLayer(torch.nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride):
        super(ConvLayer, self).__init__()
        reflection_padding = kernel_size // 2
        self.reflection_pad = torch.nn.ReflectionPad2d(reflection_padding)
        self.conv2d = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride)

    def forward(self, x):
        out = self.reflection_pad(x)
        out = self.conv2d(out)
        return out


class ResidualBlock(torch.nn.Module):
    """ResidualBlock
    introduced in: https://arxiv.org/abs/1512.03385
    recommended architecture: http://torch.ch/blog/2016/02/04/resnets.html
    """

    def __init__(self, channels):
        super(ResidualBlock, self).__init__()
        self.conv1 = ConvLayer(channels, channels, kernel_size=3, stride=1)
        self.in1 = torch.nn.InstanceNorm2d(channels, affine=True)
        self.conv2 = ConvLayer(channels, channels, kernel_size=3, stride=1)
        self.in2 = torch.nn.InstanceNorm2d(channels, affine=True)
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        residual = x
        out = self.relu(self.in1(self.conv1(x)))
        out = self.in2(self.conv2(out))
        out = out + residual
        return out


class UpsampleConvLayer(torch.nn.Module):
    """UpsampleConvLayer
    Upsamples the input and then does a convolution. This method gives better results
    compared to ConvTranspose2d.
    ref: http://distill.pub/2016/deconv-checkerboard/
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride, upsample=None):
        super(UpsampleConvLayer, self).__init__()
        self.upsample = upsample
        reflection_padding = kernel_size // 2
        self.reflection_pad = torch.nn.ReflectionPad2d(reflection_padding)
        self.conv2d = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride)

    def forward(self, x):
        x_in = x
        if self.upsample:
            x_in = torch.nn.functional.interpolate(x_in, mode='nearest', scale_factor=self.upsample)
        out = self.reflection_pad(x_in)
        out = self.conv2d(out)
        return out
'''

STYLE_TRAINING = r"""
import torch
from torch.optim import Adam


# utils.py
def gram_matrix(y):
    (b, ch, h, w) = y.size()
    features = y.view(b, ch, w * h)
    features_t = features.transpose(1, 2)
    gram = features.bmm(features_t) / (ch * h * w)
    return gram


def normalize_batch(batch):
    # normalize using imagenet mean and std
    mean = batch.new_tensor([0.485, 0.456, 0.406]).view(-1, 1, 1)
    std = batch.new_tensor([0.229, 0.224, 0.225]).view(-1, 1, 1)
    batch = batch.div_(255.0)
    return (batch - mean) / std


def vgg(batch):  # in place of the pretrained VGG16's relu1_2 ... relu4_3 features
    return [batch]


# neural_style.py's train(), its loop over the batches of one epoch
transformer = TransformerNet()
_start_parameters(transformer, bound=0.05)
optimizer = Adam(transformer.parameters(), args.lr)
mse_loss = torch.nn.MSELoss()

features_style = vgg(normalize_batch(style))
gram_style = [gram_matrix(y) for y in features_style]

losses = []
transformer.train()
for batch_id, (x, _) in enumerate(train_loader):
    n_batch = len(x)
    optimizer.zero_grad()

    y = transformer(x)

    y = normalize_batch(y)
    x = normalize_batch(x)

    features_y = vgg(y)
    features_x = vgg(x)

    content_loss = args.content_weight * mse_loss(features_y[0], features_x[0])

    style_loss = 0.
    for ft_y, gm_s in zip(features_y, gram_style):
        gm_y = gram_matrix(ft_y)
        style_loss += mse_loss(gm_y, gm_s[:n_batch, :, :])
    style_loss *= args.style_weight

    total_loss = content_loss + style_loss
    total_loss.backward()
    optimizer.step()
    losses.append(total_loss.item())
"""


def _images(lib: Any, steps: int = 6, lr: float = 1e-3) -> dict[str, Any]:
    """``train_loader``: ``steps`` batches (image, label) of two 16x16 content images in
    [0, 255], as upstream's transforms give them (the same images each time: the loss must fall
    on them); ``style``, the style image repeated over the batch; ``args``."""
    rng = np.random.default_rng(7)
    content = rng.random((2, 3, 16, 16)) * 255
    style = np.repeat(rng.random((1, 3, 16, 16)) * 255, 2, axis=0)
    return {
        "train_loader": [(lib.tensor(content), lib.zeros(2)) for _ in range(steps)],
        "style": lib.tensor(style),
        "args": SimpleNamespace(lr=lr, content_weight=1e5, style_weight=1e10),
    }


def _same_net(lib: Any) -> tuple[Any, Any]:
    """TransformerNet under ``lib`` in float64, its parameters from the shared stream."""
    ns = run(TRANSFORMER_NET, lib.__name__)
    net = ns["TransformerNet"]().double()
    start_functions(lib, seed=3)["_start_parameters"](net, bound=0.05)
    x = lib.tensor(np.random.default_rng(5).random((2, 3, 16, 16)) * 255, requires_grad=True)
    return net, x


def test_transformer_net_forward_and_backward_match_torch() -> None:
    torch = pytest.importorskip("torch")
    import minigrad

    results = []
    for lib in (minigrad, torch):
        net, x = _same_net(lib)
        y = net(x)
        weights = lib.tensor(np.random.default_rng(6).standard_normal(tuple(y.shape)))
        (y * weights).sum().backward()
        grads = {k: p.grad.numpy() for k, p in net.named_parameters()}
        results.append((y.detach().numpy(), x.grad.numpy(), grads))
    (y, x_grad, grads), (their_y, their_x_grad, their_grads) = results
    assert y.shape == (2, 3, 16, 16) and y.dtype == np.float64
    np.testing.assert_allclose(y, their_y, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(x_grad, their_x_grad, rtol=1e-6, atol=1e-9)
    assert sorted(grads) == sorted(their_grads) and len(grads) == 62  # 16 convolutions, 15 norms
    for name, grad in grads.items():
        np.testing.assert_allclose(grad, their_grads[name], rtol=1e-6, atol=1e-9, err_msg=name)


def test_transformer_net_trains_with_mse_and_gram_losses() -> None:
    """Six steps on the same batch (in float64, with ``--lr 3e-2`` for upstream's 1e-3, so
    that six steps show it): the loss falls at each step, by more than half in all."""
    import minigrad

    minigrad.set_default_dtype(minigrad.float64)
    try:
        inputs = {**_images(minigrad, 6, lr=3e-2), **start_functions(minigrad)}
        ns = run(TRANSFORMER_NET + STYLE_TRAINING, **inputs)
    finally:
        minigrad.set_default_dtype(minigrad.float32)
    losses = ns["losses"]
    assert len(losses) == 6 and np.all(np.isfinite(losses))
    assert all(b < a for a, b in itertools.pairwise(losses)), losses
    assert losses[-1] < 0.5 * losses[0], losses


def test_transformer_net_training_matches_torch() -> None:
    """Three steps from the same weights in float64, at upstream's lr=1e-3: torch's losses.

    Only a few steps: the convolution biases before an InstanceNorm, and the norms' biases a
    later InstanceNorm cancels, have a true gradient of 0, computed as rounding noise of about
    1e-8, Adam's eps; Adam turns that noise into steps that differ between the libraries (the
    loss is invariant to those parameters only up to rounding), so the runs drift apart by
    1e-6 of the loss after four steps. The gradients themselves agree (the test above)."""
    compare_with_torch(
        TRANSFORMER_NET + STYLE_TRAINING,
        **{k: ForLibrary(lambda lib, k=k: _images(lib, 3)[k]) for k in ("train_loader", "style")},
        args=SimpleNamespace(lr=1e-3, content_weight=1e5, style_weight=1e10),
    )
