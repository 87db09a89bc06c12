# Holds text from pytorch/examples: siamese_network/main.py, vision_transformer/main.py and
# dcgan/main.py, used under the BSD 3-Clause licence of pytorch/examples. The files and their
# licence: tests/THIRD_PARTY_NOTICES.md.
"""A fourth set of pytorch/examples programs under minigrad with only the import changed: a
siamese network over a ResNet, a vision transformer and a DCGAN.

Each program is kept as PyTorch source, as upstream writes it, with only what cannot run here
replaced (said above each): torchvision's datasets and models by small inline stand-ins, the
command line given as ``sys.argv``, and the runs short. The harness (``run``,
``compare_with_torch``) is ``test_pytorch_compat``'s: each program trains under minigrad and
passes a check that can fail, and, when torch is installed, gives torch's losses from the same
start.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
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


# ---------------------------------------------------------------------------------------------
# torchvision stand-ins: CIFAR10 as synthetic pictures, its transforms


def _cifar10_stand_in(n_train: int, n_test: int, size: int = 16, classes: int = 4) -> Any:
    """torchvision's ``datasets.CIFAR10`` over synthetic pictures: (H, W, 3) uint8 arrays (as
    the PIL images it gives to transforms) and int labels; each class a colour in one quadrant,
    with noise."""
    rng = np.random.default_rng(0)

    def pictures(n: int) -> tuple[np.ndarray, np.ndarray]:
        labels = rng.choice(classes, n, p=[0.7] + [0.3 / (classes - 1)] * (classes - 1))
        images = rng.integers(0, 100, (n, size, size, 3))
        half = size // 2
        for image, c in zip(images, labels):
            rows, cols = divmod(c % 4, 2)
            image[rows * half : (rows + 1) * half, cols * half : (cols + 1) * half, c % 3] += 150
        return images.astype(np.uint8), labels

    sets = {True: pictures(n_train), False: pictures(n_test)}

    class CIFAR10:
        def __init__(
            self,
            root: str,
            train: bool = True,
            download: bool = False,
            transform: Callable[[Any], Any] | None = None,
        ) -> None:
            self.data, self.targets = sets[train]
            self.transform = transform

        def __len__(self) -> int:
            return len(self.data)

        def __getitem__(self, i: int) -> tuple[Any, int]:
            image = self.data[i] if self.transform is None else self.transform(self.data[i])
            return image, int(self.targets[i])

    return SimpleNamespace(datasets=SimpleNamespace(CIFAR10=CIFAR10))


def _transforms(lib: Any) -> dict[str, Any]:
    """torchvision's ``Compose``, ``Resize`` (nearest pixels here) and ``ToTensor`` for
    (H, W, C) uint8 pictures."""

    class Compose:
        def __init__(self, transforms: list[Callable[[Any], Any]]) -> None:
            self.transforms = transforms

        def __call__(self, x: Any) -> Any:
            for transform in self.transforms:
                x = transform(x)
            return x

    class Resize:
        def __init__(self, size: tuple[int, int]) -> None:
            self.size = size

        def __call__(self, picture: np.ndarray) -> np.ndarray:
            rows = np.arange(self.size[0]) * picture.shape[0] // self.size[0]
            cols = np.arange(self.size[1]) * picture.shape[1] // self.size[1]
            return picture[rows][:, cols]

    class ToTensor:
        def __call__(self, picture: np.ndarray) -> Any:
            chw = picture.transpose(2, 0, 1) / 255
            return lib.tensor(chw, dtype=lib.get_default_dtype())

    return {"Compose": Compose, "Resize": Resize, "ToTensor": ToTensor}


# ---------------------------------------------------------------------------------------------
# vision_transformer/main.py: ViT (PatchExtractor by Tensor.unfold twice, permute, contiguous,
# view; InputEmbedding with a class token and a positional embedding as nn.Parameter of
# torch.randn, joined by torch.cat and `+=`; EncoderBlock of LayerNorm, nn.MultiheadAttention,
# GELU, Dropout; an MLP head on the class token), TrainEval (tqdm from torch.hub with
# set_postfix, CrossEntropyLoss, Adam with weight decay, the best weights saved by torch.save).
# Long lines are wrapped; the torchvision imports are replaced by the stand-ins above (given as
# `torchvision`, `Compose`, `Resize`, `ToTensor`); the lists `losses` and `valid_losses` are
# added. It runs as a script with its command line in sys.argv.
#
# As upstream writes it, nn.MultiheadAttention (batch_first=False) reads the (batch, tokens,
# features) input as (tokens, batch, features): attention runs across the images of a batch,
# and the class token, read at index 0, never sees the patches. Its note gives the training
# loss on CIFAR10 as 2.308 (ln 10 = 2.303): it learns the classes' frequencies only. So does it
# here, where one class of four is 70% of the pictures: the loss falls from ln 4 towards their
# entropy, 0.94. The comparison with torch checks the rest.

VIT = r"""
import argparse
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
# import torchvision  (given: a stand-in)
# from torchvision.transforms import Compose, ToTensor, Resize  (given: stand-ins)
from torch import optim
import numpy as np
from torch.hub import tqdm

losses, valid_losses = [], []  # (added)


class PatchExtractor(nn.Module):
    def __init__(self, patch_size=16):
        super().__init__()
        self.patch_size = patch_size

    def forward(self, input_data):
        batch_size, channels, height, width = input_data.size()
        assert height % self.patch_size == 0 and width % self.patch_size == 0, \
            f"Input height ({height}) and width ({width}) must be divisible by patch size " \
            f"({self.patch_size})"

        num_patches_h = height // self.patch_size
        num_patches_w = width // self.patch_size
        num_patches = num_patches_h * num_patches_w

        patches = input_data.unfold(2, self.patch_size, self.patch_size). \
            unfold(3, self.patch_size, self.patch_size). \
            permute(0, 2, 3, 1, 4, 5). \
            contiguous(). \
            view(batch_size, num_patches, -1)

        # Expected shape of a patch on default settings is (4, 196, 768)

        return patches


class InputEmbedding(nn.Module):

    def __init__(self, args):
        super(InputEmbedding, self).__init__()
        self.patch_size = args.patch_size
        self.n_channels = args.n_channels
        self.latent_size = args.latent_size
        use_cuda = not args.no_cuda and torch.cuda.is_available()
        self.device = torch.device("cuda" if use_cuda else "cpu")
        self.batch_size = args.batch_size
        self.input_size = self.patch_size * self.patch_size * self.n_channels

        # Linear projection
        self.LinearProjection = nn.Linear(self.input_size, self.latent_size)
        # Class token
        self.class_token = nn.Parameter(
            torch.randn(self.batch_size, 1, self.latent_size).to(self.device))
        # Positional embedding
        self.pos_embedding = nn.Parameter(
            torch.randn(self.batch_size, 1, self.latent_size).to(self.device))

    def forward(self, input_data):
        input_data = input_data.to(self.device)
        # Patchifying the Image
        patchify = PatchExtractor(patch_size=self.patch_size)
        patches = patchify(input_data)

        linear_projection = self.LinearProjection(patches).to(self.device)
        b, n, _ = linear_projection.shape
        linear_projection = torch.cat((self.class_token, linear_projection), dim=1)
        pos_embed = self.pos_embedding[:, :n + 1, :]
        linear_projection += pos_embed

        return linear_projection


class EncoderBlock(nn.Module):

    def __init__(self, args):
        super(EncoderBlock, self).__init__()

        self.latent_size = args.latent_size
        self.num_heads = args.num_heads
        self.dropout = args.dropout
        self.norm = nn.LayerNorm(self.latent_size)
        self.attention = nn.MultiheadAttention(self.latent_size, self.num_heads,
                                               dropout=self.dropout)
        self.enc_MLP = nn.Sequential(
            nn.Linear(self.latent_size, self.latent_size * 4),
            nn.GELU(),
            nn.Dropout(self.dropout),
            nn.Linear(self.latent_size * 4, self.latent_size),
            nn.Dropout(self.dropout)
        )

    def forward(self, emb_patches):
        first_norm = self.norm(emb_patches)
        attention_out = self.attention(first_norm, first_norm, first_norm)[0]
        first_added = attention_out + emb_patches
        second_norm = self.norm(first_added)
        mlp_out = self.enc_MLP(second_norm)
        output = mlp_out + first_added

        return output


class ViT(nn.Module):
    def __init__(self, args):
        super(ViT, self).__init__()

        self.num_encoders = args.num_encoders
        self.latent_size = args.latent_size
        self.num_classes = args.num_classes
        self.dropout = args.dropout

        self.embedding = InputEmbedding(args)
        # Encoder Stack
        self.encoders = nn.ModuleList([EncoderBlock(args) for _ in range(self.num_encoders)])
        self.MLPHead = nn.Sequential(
            nn.LayerNorm(self.latent_size),
            nn.Linear(self.latent_size, self.latent_size),
            nn.Linear(self.latent_size, self.num_classes),
        )

    def forward(self, test_input):
        enc_output = self.embedding(test_input)
        for enc_layer in self.encoders:
            enc_output = enc_layer(enc_output)

        class_token_embed = enc_output[:, 0]
        return self.MLPHead(class_token_embed)


class TrainEval:

    def __init__(self, args, model, train_dataloader, val_dataloader, optimizer, criterion,
                 device):
        self.model = model
        self.train_dataloader = train_dataloader
        self.val_dataloader = val_dataloader
        self.optimizer = optimizer
        self.criterion = criterion
        self.epoch = args.epochs
        self.device = device
        self.args = args

    def train_fn(self, current_epoch):
        self.model.train()
        total_loss = 0.0
        tk = tqdm(self.train_dataloader,
                  desc="EPOCH" + "[TRAIN]" + str(current_epoch + 1) + "/" + str(self.epoch))

        for t, data in enumerate(tk):
            images, labels = data
            images, labels = images.to(self.device), labels.to(self.device)
            self.optimizer.zero_grad()
            logits = self.model(images)
            loss = self.criterion(logits, labels)
            loss.backward()
            self.optimizer.step()
            losses.append(loss.item())  # (added)

            total_loss += loss.item()
            tk.set_postfix({"Loss": "%6f" % float(total_loss / (t + 1))})
            if self.args.dry_run:
                break

        return total_loss / len(self.train_dataloader)

    def eval_fn(self, current_epoch):
        self.model.eval()
        total_loss = 0.0
        tk = tqdm(self.val_dataloader,
                  desc="EPOCH" + "[VALID]" + str(current_epoch + 1) + "/" + str(self.epoch))

        for t, data in enumerate(tk):
            images, labels = data
            images, labels = images.to(self.device), labels.to(self.device)

            logits = self.model(images)
            loss = self.criterion(logits, labels)

            total_loss += loss.item()
            tk.set_postfix({"Loss": "%6f" % float(total_loss / (t + 1))})
            if self.args.dry_run:
                break

        return total_loss / len(self.val_dataloader)

    def train(self):
        best_valid_loss = np.inf
        best_train_loss = np.inf
        for i in range(self.epoch):
            train_loss = self.train_fn(i)
            val_loss = self.eval_fn(i)
            valid_losses.append(val_loss)  # (added)

            if val_loss < best_valid_loss:
                torch.save(self.model.state_dict(), "best-weights.pt")
                print("Saved Best Weights")
                best_valid_loss = val_loss
                best_train_loss = train_loss
        print(f"Training Loss : {best_train_loss}")
        print(f"Valid Loss : {best_valid_loss}")


def main():
    parser = argparse.ArgumentParser(description='Vision Transformer in PyTorch')
    parser.add_argument('--no-cuda', action='store_true', default=False,
                        help='disables CUDA training')
    parser.add_argument('--patch-size', type=int, default=16,
                        help='patch size for images (default : 16)')
    parser.add_argument('--latent-size', type=int, default=768,
                        help='latent size (default : 768)')
    parser.add_argument('--n-channels', type=int, default=3,
                        help='number of channels in images (default : 3 for RGB)')
    parser.add_argument('--num-heads', type=int, default=12,
                        help='(default : 12)')
    parser.add_argument('--num-encoders', type=int, default=12,
                        help='number of encoders (default : 12)')
    parser.add_argument('--dropout', type=int, default=0.1,
                        help='dropout value (default : 0.1)')
    parser.add_argument('--img-size', type=int, default=224,
                        help='image size to be reshaped to (default : 224')
    parser.add_argument('--num-classes', type=int, default=10,
                        help='number of classes in dataset (default : 10 for CIFAR10)')
    parser.add_argument('--epochs', type=int, default=10,
                        help='number of epochs (default : 10)')
    parser.add_argument('--lr', type=float, default=1e-2,
                        help='base learning rate (default : 0.01)')
    parser.add_argument('--weight-decay', type=int, default=3e-2,
                        help='weight decay value (default : 0.03)')
    parser.add_argument('--batch-size', type=int, default=4,
                        help='batch size (default : 4)')
    parser.add_argument('--dry-run', action='store_true', default=False,
                        help='quickly check a single pass')
    args = parser.parse_args()

    use_cuda = not args.no_cuda and torch.cuda.is_available()
    device = torch.device("cuda" if use_cuda else "cpu")

    transforms = Compose([
        Resize((args.img_size, args.img_size)),
        ToTensor()
    ])
    train_data = torchvision.datasets.CIFAR10(root='./dataset', train=True, download=True,
                                              transform=transforms)
    valid_data = torchvision.datasets.CIFAR10(root='./dataset', train=False, download=True,
                                              transform=transforms)
    train_loader = DataLoader(train_data, batch_size=args.batch_size, shuffle=True)
    valid_loader = DataLoader(valid_data, batch_size=args.batch_size, shuffle=True)

    model = ViT(args).to(device)

    optimizer = optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    criterion = nn.CrossEntropyLoss()

    TrainEval(args, model, train_loader, valid_loader, optimizer, criterion, device).train()


if __name__ == "__main__":
    main()
"""

VIT_ARGV = ("--patch-size", "4", "--latent-size", "16", "--num-heads", "2", "--num-encoders", "2")
VIT_ARGV += ("--img-size", "16", "--num-classes", "4", "--batch-size", "8", "--lr", "1e-3")


def _vit(monkeypatch: Any, *argv: str, n_train: int, n_test: int) -> dict[str, Any]:
    """The program's inputs (for the library it runs under), its command line ``argv``."""
    monkeypatch.setattr(sys, "argv", ["main.py", *VIT_ARGV, *argv])
    transforms = {
        name: ForLibrary(lambda lib, name=name: _transforms(lib)[name])
        for name in ("Compose", "Resize", "ToTensor")
    }
    return {"__name__": "__main__", "torchvision": _cifar10_stand_in(n_train, n_test), **transforms}


def test_vision_transformer_learns_the_class_frequencies(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # where it saves the best weights
    ns = run(VIT, **_vit(monkeypatch, "--epochs", "4", n_train=64, n_test=32))
    assert len(ns["losses"]) == 4 * 8 and np.isfinite(ns["losses"]).all()
    valid = ns["valid_losses"]
    assert valid[-1] < 0.75 * valid[0] and valid[-1] < 0.9 * np.log(4), valid
    assert (tmp_path / "best-weights.pt").exists()


def test_vision_transformer_matches_torch(monkeypatch: Any, tmp_path: Path) -> None:
    """From the same parameters (the class token and positional embedding too), float64,
    dropout off: the training and validation losses of two epochs."""
    monkeypatch.chdir(tmp_path)
    made = "model = ViT(args).to(device)\n"
    source = VIT.replace(made, made + "    _start_parameters(model)\n")
    source = source.replace("valid_losses.append(val_loss)", "losses.append(val_loss)")
    assert source.count("_start_parameters") == 1 and "valid_losses.append" not in source
    argv = ("--epochs", "2", "--dropout", "0")
    compare_with_torch(source, **_vit(monkeypatch, *argv, n_train=32, n_test=16))


# ---------------------------------------------------------------------------------------------
# minigrad.hub: torch.hub's tqdm, which vision_transformer/main.py imports


def test_hub_gives_tqdm_as_torch_hub_does() -> None:
    tqdm = pytest.importorskip("tqdm")
    torch = pytest.importorskip("torch")
    import minigrad
    from minigrad.hub import tqdm as hub_tqdm

    assert hub_tqdm is tqdm.tqdm is torch.hub.tqdm
    assert minigrad.hub.tqdm is tqdm.tqdm  # reachable after `import minigrad`, as torch.hub


def test_hub_without_tqdm_says_what_to_install(monkeypatch: Any) -> None:
    import minigrad.hub

    monkeypatch.setitem(sys.modules, "tqdm", None)
    with pytest.raises(ImportError, match=r"minigrad.hub.tqdm needs tqdm: pip install tqdm"):
        minigrad.hub.tqdm


@pytest.mark.parametrize("name", ["load", "list", "help", "load_state_dict_from_url"])
def test_hub_model_loading_is_refused_by_name(name: str) -> None:
    import minigrad.hub

    with pytest.raises(
        AttributeError,
        match=rf"minigrad does not have torch\.hub\.{name}; "
        "minigrad loads no published models",
    ):
        getattr(minigrad.hub, name)


# ---------------------------------------------------------------------------------------------
# What dcgan/main.py imports: torch.backends.cudnn as a module, torch.nn.parallel


def test_backends_and_cuda_import_as_modules_as_torch_s() -> None:
    torch = pytest.importorskip("torch")
    import importlib

    import minigrad

    for name in ("cuda", "backends", "backends.cudnn", "backends.mps", "backends.cuda"):
        importlib.import_module(f"torch.{name}")
        ours = importlib.import_module(f"minigrad.{name}")
        assert ours is eval(f"minigrad.{name}")  # the module is the attribute
    import minigrad.backends.cudnn as cudnn

    cudnn.benchmark = True
    try:
        assert minigrad.backends.cudnn.benchmark is True  # one module, set by the program
    finally:
        cudnn.benchmark = False
    assert not minigrad.backends.cudnn.is_available() and not torch.backends.cudnn.is_available()
    with pytest.raises(AttributeError, match=r"minigrad does not have torch\.cuda\.Stream"):
        minigrad.cuda.Stream


def test_data_parallel_runs_the_module_as_torch_without_a_gpu() -> None:
    torch = pytest.importorskip("torch")
    import minigrad

    x = np.random.default_rng(0).standard_normal((4, 3))
    states = []
    for lib in (minigrad, torch):
        lib.manual_seed(0)
        model = lib.nn.Linear(3, 2)
        wrapped = lib.nn.DataParallel(model, device_ids=[0, 1])
        assert wrapped.module is model and wrapped.device_ids == []  # no GPU: none kept
        assert lib.nn.parallel.DataParallel is lib.nn.DataParallel
        with lib.no_grad():
            model.weight.copy_(lib.tensor(x[:2]))
            model.bias.zero_()
        y = wrapped(lib.tensor(x, dtype=lib.float32))
        y.sum().backward()
        assert model.weight.grad is not None
        states.append((list(wrapped.state_dict()), y.detach().numpy(), repr(wrapped)))
    ours, theirs = states
    assert ours[0] == theirs[0] == ["module.weight", "module.bias"]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)
    assert ours[2].splitlines()[0] == theirs[2].splitlines()[0] == "DataParallel("


def test_the_rest_of_nn_parallel_says_why_it_cannot_run() -> None:
    torch = pytest.importorskip("torch")
    import minigrad

    for lib in (minigrad, torch):
        model = lib.nn.Linear(3, 2)
        with pytest.raises(RuntimeError, match="device type could not be determined"):
            lib.nn.parallel.data_parallel(model, lib.ones(1, 3))
    with pytest.raises(NotImplementedError, match=r"DistributedDataParallel: it needs torch\.dist"):
        minigrad.nn.parallel.DistributedDataParallel(minigrad.nn.Linear(3, 2))
    with pytest.raises(AttributeError, match=r"does not have torch\.nn\.parallel\.replicate"):
        minigrad.nn.parallel.replicate


# ---------------------------------------------------------------------------------------------
# torchvision stand-ins for dcgan/main.py: MNIST as synthetic strokes, transforms, save_image


def _digits(n: int, size: int = 28) -> np.ndarray:
    """``n`` synthetic (size, size) uint8 digits: one of three strokes (a bar, a ring, a
    cross) with noise."""
    rng = np.random.default_rng(1)
    rows, cols = np.mgrid[:size, :size] - (size - 1) / 2
    radius = np.hypot(rows, cols)
    strokes = [
        np.abs(cols) < 3,
        np.abs(radius - size / 3) < 2.5,
        (np.abs(rows) < 2) | (np.abs(cols) < 2),
    ]
    images = np.stack([strokes[i % 3] for i in range(n)]) * 220 + rng.integers(
        0, 30, (n, size, size)
    )
    return images.astype(np.uint8)


def _dcgan_torchvision(n_images: int) -> dict[str, Any]:
    """torchvision's ``datasets.MNIST`` (over synthetic digits), ``transforms`` (``Compose``,
    ``Resize`` to a square by the nearest pixels, ``ToTensor``, ``Normalize``) and
    ``utils.save_image`` (which records what it is given) for the library a program runs under."""
    images = _digits(n_images)

    def make_dset(lib: Any) -> Any:
        class MNIST:
            def __init__(
                self,
                root: str,
                train: bool = True,
                download: bool = False,
                transform: Callable[[Any], Any] | None = None,
            ) -> None:
                self.data, self.transform = images, transform

            def __len__(self) -> int:
                return len(self.data)

            def __getitem__(self, i: int) -> tuple[Any, int]:
                return self.transform(self.data[i]), 0

        return SimpleNamespace(MNIST=MNIST)

    def make_transforms(lib: Any) -> Any:
        class Compose:
            def __init__(self, transforms: list[Callable[[Any], Any]]) -> None:
                self.transforms = transforms

            def __call__(self, x: Any) -> Any:
                for transform in self.transforms:
                    x = transform(x)
                return x

        class Resize:
            def __init__(self, size: int) -> None:
                self.size = size

            def __call__(self, picture: np.ndarray) -> np.ndarray:
                rows = np.arange(self.size) * picture.shape[0] // self.size
                cols = np.arange(self.size) * picture.shape[1] // self.size
                return picture[rows][:, cols]

        class ToTensor:
            def __call__(self, picture: np.ndarray) -> Any:
                return lib.tensor(picture[None] / 255, dtype=lib.get_default_dtype())

        class Normalize:
            def __init__(self, mean: tuple[float, ...], std: tuple[float, ...]) -> None:
                self.mean, self.std = mean, std

            def __call__(self, x: Any) -> Any:
                mean = lib.tensor(self.mean, dtype=x.dtype).view(-1, 1, 1)
                std = lib.tensor(self.std, dtype=x.dtype).view(-1, 1, 1)
                return (x - mean) / std

        return SimpleNamespace(
            Compose=Compose, Resize=Resize, ToTensor=ToTensor, Normalize=Normalize
        )

    saved: list[tuple[tuple[int, ...], str]] = []

    def save_image(tensor: Any, path: str, normalize: bool = False) -> None:
        saved.append((tuple(tensor.shape), path))

    vutils = SimpleNamespace(save_image=save_image, saved=saved)
    return {
        "dset": ForLibrary(make_dset),
        "transforms": ForLibrary(make_transforms),
        "vutils": vutils,
    }


# ---------------------------------------------------------------------------------------------
# dcgan/main.py: a DCGAN (Generator of ConvTranspose2d, BatchNorm2d, ReLU(True), Tanh;
# Discriminator of Conv2d, LeakyReLU(0.2, inplace=True), BatchNorm2d, Sigmoid; weights_init by
# class name through .apply, nn.init.normal_ and zeros_; nn.parallel.data_parallel when on
# several GPUs; BCELoss, two Adam, torch.full and label.fill_, fake.detach(); state dicts saved
# each epoch), written as a script: argparse at the top level, `import torch.nn.parallel` and
# `import torch.backends.cudnn as cudnn`, cudnn.benchmark = True. Long lines are wrapped; the
# torchvision imports are replaced by the stand-ins above (given as `dset`, `transforms`,
# `vutils`); the list `losses` is added. Its command line: --dataset mnist with 64x64 images
# (the network's size), small nz, ngf, ndf and batches.

DCGAN = r"""
from __future__ import print_function
import argparse
import os
import random
import torch
import torch.nn as nn
import torch.nn.parallel
import torch.backends.cudnn as cudnn
import torch.optim as optim
import torch.utils.data
# import torchvision.datasets as dset  (given: a stand-in)
# import torchvision.transforms as transforms  (given: a stand-in)
# import torchvision.utils as vutils  (given: a stand-in)

losses = []  # (added)

parser = argparse.ArgumentParser()
parser.add_argument('--dataset', required=True,
                    help='cifar10 | lsun | mnist |imagenet | folder | lfw | fake')
parser.add_argument('--dataroot', required=False, help='path to dataset')
parser.add_argument('--workers', type=int, help='number of data loading workers', default=2)
parser.add_argument('--batchSize', type=int, default=64, help='input batch size')
parser.add_argument('--imageSize', type=int, default=64,
                    help='the height / width of the input image to network')
parser.add_argument('--nz', type=int, default=100, help='size of the latent z vector')
parser.add_argument('--ngf', type=int, default=64)
parser.add_argument('--ndf', type=int, default=64)
parser.add_argument('--niter', type=int, default=25, help='number of epochs to train for')
parser.add_argument('--lr', type=float, default=0.0002, help='learning rate, default=0.0002')
parser.add_argument('--beta1', type=float, default=0.5, help='beta1 for adam. default=0.5')
parser.add_argument('--cuda', action='store_true', default=False, help='enables cuda')
parser.add_argument('--dry-run', action='store_true', help='check a single training cycle works')
parser.add_argument('--ngpu', type=int, default=1, help='number of GPUs to use')
parser.add_argument('--netG', default='', help="path to netG (to continue training)")
parser.add_argument('--netD', default='', help="path to netD (to continue training)")
parser.add_argument('--outf', default='.', help='folder to output images and model checkpoints')
parser.add_argument('--manualSeed', type=int, help='manual seed')
parser.add_argument('--classes', default='bedroom',
                    help='comma separated list of classes for the lsun data set')
parser.add_argument('--mps', action='store_true', default=False,
                    help='enables macOS GPU training')

opt = parser.parse_args()
print(opt)

try:
    os.makedirs(opt.outf)
except OSError:
    pass

if opt.manualSeed is None:
    opt.manualSeed = random.randint(1, 10000)
print("Random Seed: ", opt.manualSeed)
random.seed(opt.manualSeed)
torch.manual_seed(opt.manualSeed)

cudnn.benchmark = True

if torch.cuda.is_available() and not opt.cuda:
    print("WARNING: You have a CUDA device, so you should probably run with --cuda")

if torch.backends.mps.is_available() and not opt.mps:
    print("WARNING: You have mps device, to enable macOS GPU run with --mps")

if opt.dataroot is None and str(opt.dataset).lower() != 'fake':
    raise ValueError("`dataroot` parameter is required for dataset \"%s\"" % opt.dataset)

if opt.dataset in ['imagenet', 'folder', 'lfw']:
    # folder dataset
    dataset = dset.ImageFolder(root=opt.dataroot,
                               transform=transforms.Compose([
                                   transforms.Resize(opt.imageSize),
                                   transforms.CenterCrop(opt.imageSize),
                                   transforms.ToTensor(),
                                   transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
                               ]))
    nc=3
elif opt.dataset == 'lsun':
    classes = [ c + '_train' for c in opt.classes.split(',')]
    dataset = dset.LSUN(root=opt.dataroot, classes=classes,
                        transform=transforms.Compose([
                            transforms.Resize(opt.imageSize),
                            transforms.CenterCrop(opt.imageSize),
                            transforms.ToTensor(),
                            transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
                        ]))
    nc=3
elif opt.dataset == 'cifar10':
    dataset = dset.CIFAR10(root=opt.dataroot, download=True,
                           transform=transforms.Compose([
                               transforms.Resize(opt.imageSize),
                               transforms.ToTensor(),
                               transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
                           ]))
    nc=3

elif opt.dataset == 'mnist':
        dataset = dset.MNIST(root=opt.dataroot, download=True,
                           transform=transforms.Compose([
                               transforms.Resize(opt.imageSize),
                               transforms.ToTensor(),
                               transforms.Normalize((0.5,), (0.5,)),
                           ]))
        nc=1

elif opt.dataset == 'fake':
    dataset = dset.FakeData(image_size=(3, opt.imageSize, opt.imageSize),
                            transform=transforms.ToTensor())
    nc=3

assert dataset
dataloader = torch.utils.data.DataLoader(dataset, batch_size=opt.batchSize,
                                         shuffle=True, num_workers=int(opt.workers))
use_mps = opt.mps and torch.backends.mps.is_available()
if opt.cuda:
    device = torch.device("cuda:0")
elif use_mps:
    device = torch.device("mps")
else:
    device = torch.device("cpu")

ngpu = int(opt.ngpu)
nz = int(opt.nz)
ngf = int(opt.ngf)
ndf = int(opt.ndf)


# custom weights initialization called on netG and netD
def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        torch.nn.init.normal_(m.weight, 1.0, 0.02)
        torch.nn.init.zeros_(m.bias)


class Generator(nn.Module):
    def __init__(self, ngpu):
        super(Generator, self).__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(
            # input is Z, going into a convolution
            nn.ConvTranspose2d(     nz, ngf * 8, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 8),
            nn.ReLU(True),
            # state size. (ngf*8) x 4 x 4
            nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            # state size. (ngf*4) x 8 x 8
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            # state size. (ngf*2) x 16 x 16
            nn.ConvTranspose2d(ngf * 2,     ngf, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            # state size. (ngf) x 32 x 32
            nn.ConvTranspose2d(    ngf,      nc, 4, 2, 1, bias=False),
            nn.Tanh()
            # state size. (nc) x 64 x 64
        )

    def forward(self, input):
        if input.is_cuda and self.ngpu > 1:
            output = nn.parallel.data_parallel(self.main, input, range(self.ngpu))
        else:
            output = self.main(input)
        return output


netG = Generator(ngpu).to(device)
netG.apply(weights_init)
if opt.netG != '':
    netG.load_state_dict(torch.load(opt.netG))
print(netG)


class Discriminator(nn.Module):
    def __init__(self, ngpu):
        super(Discriminator, self).__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(
            # input is (nc) x 64 x 64
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. (ndf) x 32 x 32
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. (ndf*2) x 16 x 16
            nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 4),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. (ndf*4) x 8 x 8
            nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 8),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. (ndf*8) x 4 x 4
            nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False),
            nn.Sigmoid()
        )

    def forward(self, input):
        if input.is_cuda and self.ngpu > 1:
            output = nn.parallel.data_parallel(self.main, input, range(self.ngpu))
        else:
            output = self.main(input)

        return output.view(-1, 1).squeeze(1)


netD = Discriminator(ngpu).to(device)
netD.apply(weights_init)
if opt.netD != '':
    netD.load_state_dict(torch.load(opt.netD))
print(netD)

criterion = nn.BCELoss()

fixed_noise = torch.randn(opt.batchSize, nz, 1, 1, device=device)
real_label = 1
fake_label = 0

# setup optimizer
optimizerD = optim.Adam(netD.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))
optimizerG = optim.Adam(netG.parameters(), lr=opt.lr, betas=(opt.beta1, 0.999))

if opt.dry_run:
    opt.niter = 1

for epoch in range(opt.niter):
    for i, data in enumerate(dataloader, 0):
        ############################
        # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
        ###########################
        # train with real
        netD.zero_grad()
        real_cpu = data[0].to(device)
        batch_size = real_cpu.size(0)
        label = torch.full((batch_size,), real_label,
                           dtype=real_cpu.dtype, device=device)

        output = netD(real_cpu)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()

        # train with fake
        noise = torch.randn(batch_size, nz, 1, 1, device=device)
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach())
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()

        ############################
        # (2) Update G network: maximize log(D(G(z)))
        ###########################
        netG.zero_grad()
        label.fill_(real_label)  # fake labels are real for generator cost
        output = netD(fake)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()
        losses.append((errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))  # (added)

        print('[%d/%d][%d/%d] Loss_D: %.4f Loss_G: %.4f D(x): %.4f D(G(z)): %.4f / %.4f'
              % (epoch, opt.niter, i, len(dataloader),
                 errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))
        if i % 100 == 0:
            vutils.save_image(real_cpu,
                    '%s/real_samples.png' % opt.outf,
                    normalize=True)
            fake = netG(fixed_noise)
            vutils.save_image(fake.detach(),
                    '%s/fake_samples_epoch_%03d.png' % (opt.outf, epoch),
                    normalize=True)

        if opt.dry_run:
            break
    # do checkpointing
    torch.save(netG.state_dict(), '%s/netG_epoch_%d.pth' % (opt.outf, epoch))
    torch.save(netD.state_dict(), '%s/netD_epoch_%d.pth' % (opt.outf, epoch))
"""


def _dcgan(monkeypatch: Any, *argv: str, n_images: int) -> dict[str, Any]:
    """The program's inputs, its command line ``argv`` after the dataset and seed."""
    command = ["main.py", "--dataset", "mnist", "--dataroot", "data", "--manualSeed", "1"]
    monkeypatch.setattr(sys, "argv", [*command, "--outf", "out", *argv])
    return _dcgan_torchvision(n_images)


DCGAN_ARGV = ("--batchSize", "8", "--nz", "8", "--ngf", "4", "--ndf", "4")


def test_dcgan_discriminator_learns(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    inputs = _dcgan(monkeypatch, *DCGAN_ARGV, "--niter", "2", n_images=64)
    ns = run(DCGAN, **inputs)  # (with its two data-loading workers)
    err_d, _, d_x, _, _ = np.array(ns["losses"]).T
    assert len(err_d) == 16 and np.isfinite(ns["losses"]).all()
    # the discriminator tells the digits from the generator's pictures better and better
    assert err_d[-4:].mean() < 0.8 * err_d[:4].mean() and d_x[-4:].mean() > d_x[:4].mean() + 0.1
    assert [shape for shape, _ in inputs["vutils"].saved] == [(8, 1, 64, 64)] * 4
    assert (tmp_path / "out" / "netG_epoch_1.pth").stat().st_size > 0
    assert ns["fake"].shape == (8, 1, 64, 64) and float(ns["fake"].abs().max()) <= 1  # Tanh
    assert ns["cudnn"].benchmark is True  # set by the program, changes nothing


def test_dcgan_matches_torch(monkeypatch: Any, tmp_path: Path) -> None:
    """From the same weights (weights_init's normal_ draws) and noise, float64, the batches in
    order: both losses and D(x), D(G(z)) of each step."""
    monkeypatch.chdir(tmp_path)
    argv = (*DCGAN_ARGV, "--niter", "1", "--workers", "0")
    compare_with_torch(DCGAN, **_dcgan(monkeypatch, *argv, n_images=32))
