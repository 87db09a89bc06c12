"""A fourth set of pytorch/examples programs under minigrad with only the import changed: a
siamese network over a ResNet.

Each program is kept as PyTorch source, as upstream writes it, with only what cannot run here
replaced (said above each): torchvision's datasets and models by small inline stand-ins, the
command line given as ``sys.argv``, and the runs short. The harness (``run``,
``compare_with_torch``) is ``test_pytorch_compat``'s: each program trains under minigrad and
passes a check that can fail, and, when torch is installed, gives torch's losses from the same
start.
"""

# The program strings are taken from the repository pytorch/examples, files
# siamese_network/main.py, and are used under the BSD 3-Clause licence of pytorch/examples,
# reproduced in tests/THIRD_PARTY_NOTICES.md.

from __future__ import annotations

import sys
import warnings
from types import SimpleNamespace
from typing import Any

import numpy as np
from test_pytorch_compat import ForLibrary, compare_with_torch, run

# ---------------------------------------------------------------------------------------------
# torchvision stand-ins: MNIST as synthetic digits, resnet18 shrunk


def _mnist_stand_in(n_train: int, n_test: int, size: int = 12) -> Any:
    """torchvision's ``datasets.MNIST`` over synthetic digits: ``data`` a (N, size, size)
    uint8 tensor, ``targets`` int64 labels; each class a fixed pattern of bright pixels, each
    image that pattern with noise added. Labels cycle through the ten classes, so ``n`` of 20
    or more gives each class two images at least (APP_MATCHER looks for a second image of the
    class until it finds one)."""
    rng = np.random.default_rng(0)
    patterns = rng.random((10, size, size)) < 0.3

    def images(n: int) -> tuple[np.ndarray, np.ndarray]:
        labels = np.arange(n) % 10
        rng.shuffle(labels)
        pictures = patterns[labels]
        noise = rng.integers(0, 60, pictures.shape)
        return (pictures * 190 + noise).astype(np.uint8), labels

    sets = {True: images(n_train), False: images(n_test)}

    def make(lib: Any) -> Any:
        class MNIST:
            def __init__(self, root: str, train: bool = True, download: bool = False) -> None:
                pictures, labels = sets[train]
                self.data = lib.tensor(pictures)
                self.targets = lib.tensor(labels, dtype=lib.int64)

        return SimpleNamespace(MNIST=MNIST)

    return make


def _resnet18_stand_in(lib: Any) -> Any:
    """torchvision's ``resnet18``, shrunk: its layout (conv1, bn1, relu, maxpool, layer1 to
    layer4 of BasicBlocks with a downsample where the shape changes, avgpool, fc) with one
    block per layer and 8 to 16 channels after conv1's 64."""
    nn = lib.nn

    class BasicBlock(nn.Module):
        def __init__(self, inplanes: int, planes: int, stride: int = 1) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = None
            if stride != 1 or inplanes != planes:
                self.downsample = nn.Sequential(
                    nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes)
                )

        def forward(self, x: Any) -> Any:
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            out += identity
            return self.relu(out)

    class ResNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = nn.Sequential(BasicBlock(64, 8))
            self.layer2 = nn.Sequential(BasicBlock(8, 8, 2))
            self.layer3 = nn.Sequential(BasicBlock(8, 16, 2))
            self.layer4 = nn.Sequential(BasicBlock(16, 16, 2))
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(16, 1000)

        def forward(self, x: Any) -> Any:
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(lib.flatten(self.avgpool(x), 1))

    def resnet18(weights: Any = None) -> Any:
        assert weights is None  # (no downloads)
        return ResNet()

    return SimpleNamespace(models=SimpleNamespace(resnet18=resnet18))


# ---------------------------------------------------------------------------------------------
# siamese_network/main.py: SiameseNetwork (torchvision's resnet18 with its first convolution
# replaced and its last layer cut off by nn.Sequential(*list(children())[:-1]), the features of
# two images concatenated into Linear, ReLU(inplace=True), Linear, Sigmoid; xavier_uniform_ and
# bias.data.fill_ through .apply), APP_MATCHER (a Dataset of image pairs over MNIST's .data and
# .targets, drawn by Python's random: same class for even indices, different for odd), BCELoss,
# Adadelta with StepLR, accuracy from torch.where(outputs > 0.5, 1, 0).eq(...). The docstrings
# are left out and long lines wrapped; the torchvision imports are replaced by the stand-ins
# above (given as `torchvision` and `datasets`); the lists `losses` and `results` are added. It
# runs as a script (`__name__ == '__main__'`) with its command line in sys.argv.

SIAMESE = r"""
from __future__ import print_function
import argparse, random, copy
import numpy as np

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
# import torchvision  (given: a stand-in)
from torch.utils.data import Dataset
# from torchvision import datasets  (given: a stand-in)
# from torchvision import transforms as T  (given: a stand-in)
from torch.optim.lr_scheduler import StepLR

losses, results = [], []  # (added)


class SiameseNetwork(nn.Module):
    def __init__(self):
        super(SiameseNetwork, self).__init__()
        # get resnet model
        self.resnet = torchvision.models.resnet18(weights=None)

        # over-write the first conv layer to be able to read MNIST images
        # as resnet18 reads (3,x,x) where 3 is RGB channels
        # whereas MNIST has (1,x,x) where 1 is a gray-scale channel
        self.resnet.conv1 = nn.Conv2d(1, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3),
                                      bias=False)
        self.fc_in_features = self.resnet.fc.in_features

        # remove the last layer of resnet18 (linear layer which is before avgpool layer)
        self.resnet = torch.nn.Sequential(*(list(self.resnet.children())[:-1]))

        # add linear layers to compare between the features of the two images
        self.fc = nn.Sequential(
            nn.Linear(self.fc_in_features * 2, 256),
            nn.ReLU(inplace=True),
            nn.Linear(256, 1),
        )

        self.sigmoid = nn.Sigmoid()

        # initialize the weights
        self.resnet.apply(self.init_weights)
        self.fc.apply(self.init_weights)

    def init_weights(self, m):
        if isinstance(m, nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            m.bias.data.fill_(0.01)

    def forward_once(self, x):
        output = self.resnet(x)
        output = output.view(output.size()[0], -1)
        return output

    def forward(self, input1, input2):
        # get two images' features
        output1 = self.forward_once(input1)
        output2 = self.forward_once(input2)

        # concatenate both images' features
        output = torch.cat((output1, output2), 1)

        # pass the concatenation to the linear layers
        output = self.fc(output)

        # pass the out of the linear layers to sigmoid layer
        output = self.sigmoid(output)

        return output

class APP_MATCHER(Dataset):
    def __init__(self, root, train, download=False):
        super(APP_MATCHER, self).__init__()

        # get MNIST dataset
        self.dataset = datasets.MNIST(root, train=train, download=download)

        # as `self.dataset.data`'s shape is (Nx28x28), where N is the number of
        # examples in MNIST dataset, a single example has the dimensions of
        # (28x28) for (WxH), where W and H are the width and the height of the image.
        # However, every example should have (CxWxH) dimensions where C is the number
        # of channels to be passed to the network. As MNIST contains gray-scale images,
        # we add an additional dimension to corresponds to the number of channels.
        self.data = self.dataset.data.unsqueeze(1).clone()

        self.group_examples()

    def group_examples(self):
        # get the targets from MNIST dataset
        np_arr = np.array(self.dataset.targets.clone())

        # group examples based on class
        self.grouped_examples = {}
        for i in range(0,10):
            self.grouped_examples[i] = np.where((np_arr==i))[0]

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, index):
        # pick some random class for the first image
        selected_class = random.randint(0, 9)

        # pick a random index for the first image in the grouped indices based of the label
        # of the class
        random_index_1 = random.randint(0, self.grouped_examples[selected_class].shape[0]-1)

        # pick the index to get the first image
        index_1 = self.grouped_examples[selected_class][random_index_1]

        # get the first image
        image_1 = self.data[index_1].clone().float()

        # same class
        if index % 2 == 0:
            # pick a random index for the second image
            random_index_2 = random.randint(0, self.grouped_examples[selected_class].shape[0]-1)

            # ensure that the index of the second image isn't the same as the first image
            while random_index_2 == random_index_1:
                random_index_2 = random.randint(
                    0, self.grouped_examples[selected_class].shape[0]-1)

            # pick the index to get the second image
            index_2 = self.grouped_examples[selected_class][random_index_2]

            # get the second image
            image_2 = self.data[index_2].clone().float()

            # set the label for this example to be positive (1)
            target = torch.tensor(1, dtype=torch.float)

        # different class
        else:
            # pick a random class
            other_selected_class = random.randint(0, 9)

            # ensure that the class of the second image isn't the same as the first image
            while other_selected_class == selected_class:
                other_selected_class = random.randint(0, 9)


            # pick a random index for the second image in the grouped indices based of the label
            # of the class
            random_index_2 = random.randint(
                0, self.grouped_examples[other_selected_class].shape[0]-1)

            # pick the index to get the second image
            index_2 = self.grouped_examples[other_selected_class][random_index_2]

            # get the second image
            image_2 = self.data[index_2].clone().float()

            # set the label for this example to be negative (0)
            target = torch.tensor(0, dtype=torch.float)

        return image_1, image_2, target


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()

    # we aren't using `TripletLoss` as the MNIST dataset is simple, so `BCELoss` can do the trick.
    criterion = nn.BCELoss()

    for batch_idx, (images_1, images_2, targets) in enumerate(train_loader):
        images_1, images_2, targets = (images_1.to(device), images_2.to(device),
                                       targets.to(device))
        optimizer.zero_grad()
        outputs = model(images_1, images_2).squeeze()
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())  # (added)
        if batch_idx % args.log_interval == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(images_1), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))
            if args.dry_run:
                break


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0

    # we aren't using `TripletLoss` as the MNIST dataset is simple, so `BCELoss` can do the trick.
    criterion = nn.BCELoss()

    with torch.no_grad():
        for (images_1, images_2, targets) in test_loader:
            images_1, images_2, targets = (images_1.to(device), images_2.to(device),
                                           targets.to(device))
            outputs = model(images_1, images_2).squeeze()
            test_loss += criterion(outputs, targets).sum().item()  # sum up batch loss
            pred = torch.where(outputs > 0.5, 1, 0)  # get the index of the max log-probability
            correct += pred.eq(targets.view_as(pred)).sum().item()

    test_loss /= len(test_loader.dataset)
    results.append((test_loss, correct))  # (added)

    # for the 1st epoch, the average loss is 0.0001 and the accuracy 97-98%
    # using default settings. After completing the 10th epoch, the average
    # loss is 0.0000 and the accuracy 99.5-100% using default settings.
    print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'.format(
        test_loss, correct, len(test_loader.dataset),
        100. * correct / len(test_loader.dataset)))


def main():
    # Training settings
    parser = argparse.ArgumentParser(description='PyTorch Siamese network Example')
    parser.add_argument('--batch-size', type=int, default=64, metavar='N',
                        help='input batch size for training (default: 64)')
    parser.add_argument('--test-batch-size', type=int, default=1000, metavar='N',
                        help='input batch size for testing (default: 1000)')
    parser.add_argument('--epochs', type=int, default=14, metavar='N',
                        help='number of epochs to train (default: 14)')
    parser.add_argument('--lr', type=float, default=1.0, metavar='LR',
                        help='learning rate (default: 1.0)')
    parser.add_argument('--gamma', type=float, default=0.7, metavar='M',
                        help='Learning rate step gamma (default: 0.7)')
    parser.add_argument('--no-cuda', action='store_true', default=False,
                        help='disables CUDA training')
    parser.add_argument('--no-mps', action='store_true', default=False,
                        help='disables macOS GPU training')
    parser.add_argument('--dry-run', action='store_true', default=False,
                        help='quickly check a single pass')
    parser.add_argument('--seed', type=int, default=1, metavar='S',
                        help='random seed (default: 1)')
    parser.add_argument('--log-interval', type=int, default=10, metavar='N',
                        help='how many batches to wait before logging training status')
    parser.add_argument('--save-model', action='store_true', default=False,
                        help='For Saving the current Model')
    args = parser.parse_args()

    use_cuda = not args.no_cuda and torch.cuda.is_available()
    use_mps = not args.no_mps and torch.backends.mps.is_available()

    torch.manual_seed(args.seed)

    if use_cuda:
        device = torch.device("cuda")
    elif use_mps:
        device = torch.device("mps")
    else:
        device = torch.device("cpu")

    train_kwargs = {'batch_size': args.batch_size}
    test_kwargs = {'batch_size': args.test_batch_size}
    if use_cuda:
        cuda_kwargs = {'num_workers': 1,
                       'pin_memory': True,
                       'shuffle': True}
        train_kwargs.update(cuda_kwargs)
        test_kwargs.update(cuda_kwargs)

    train_dataset = APP_MATCHER('../data', train=True, download=True)
    test_dataset = APP_MATCHER('../data', train=False)
    train_loader = torch.utils.data.DataLoader(train_dataset,**train_kwargs)
    test_loader = torch.utils.data.DataLoader(test_dataset, **test_kwargs)

    model = SiameseNetwork().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)

    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        test(model, device, test_loader)
        scheduler.step()

    if args.save_model:
        torch.save(model.state_dict(), "siamese_network.pt")


if __name__ == '__main__':
    main()
"""


def _siamese(monkeypatch: Any, *argv: str, n_train: int, n_test: int) -> dict[str, Any]:
    """The program's inputs, its command line set to ``argv``."""
    assert min(n_train, n_test) >= 20  # (two images of each class at least)
    monkeypatch.setattr(sys, "argv", ["main.py", *argv])
    return {
        "__name__": "__main__",
        "datasets": ForLibrary(_mnist_stand_in(n_train, n_test)),
        "torchvision": ForLibrary(_resnet18_stand_in),
    }


def test_siamese_network_learns_to_match(monkeypatch: Any) -> None:
    argv = ("--epochs", "6", "--batch-size", "32", "--test-batch-size", "64")
    ns = run(SIAMESE, **_siamese(monkeypatch, *argv, n_train=192, n_test=64))
    losses = np.reshape(ns["losses"], (6, 6))  # six epochs of six batches
    assert losses[-1].mean() < 0.85 * losses[0].mean(), losses.mean(1)
    test_losses, correct = zip(*ns["results"])
    assert test_losses[-1] < 0.8 * test_losses[0] and correct[-1] >= 0.8 * 64, ns["results"]


def test_siamese_network_matches_torch(monkeypatch: Any) -> None:
    """From the same parameters, float64: the training losses and the test losses and
    accuracies of two epochs (the pairs are Python's random draws, seeded alike)."""
    made = "model = SiameseNetwork().to(device)\n"
    source = SIAMESE.replace(made, made + "    _start_parameters(model)\n")
    source = source.replace(
        "results.append((test_loss, correct))", "losses.extend((test_loss, correct))"
    )
    assert source.count("_start_parameters") == 1 and source.count("losses.extend") == 1
    argv = ("--epochs", "2", "--batch-size", "20", "--test-batch-size", "20")
    with warnings.catch_warnings():
        # torch's own: np.array(tensor) in group_examples (NumPy 2's copy keyword)
        warnings.filterwarnings("ignore", "__array__ implementation", DeprecationWarning)
        compare_with_torch(source, **_siamese(monkeypatch, *argv, n_train=40, n_test=20))
