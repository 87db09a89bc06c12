"""``import minigrad.X`` for an absent PyTorch namespace explains itself (minigrad/_missing.py)."""

from __future__ import annotations

import importlib
import sys

import pytest

import minigrad
from minigrad._missing import KNOWN, MissingModuleFinder

# Every KNOWN namespace that is a module in PyTorch and not a real module in minigrad.
ABSENT = [
    "minigrad.jit",
    "minigrad.distributed",
    "minigrad.mps",
    "minigrad.amp",
    "minigrad.fft",
    "minigrad.sparse",
    "minigrad.quantization",
    "minigrad.ao",
    "minigrad.utils.checkpoint",
    "minigrad.utils.tensorboard",
    "minigrad.autograd.forward_ad",
]


@pytest.mark.parametrize("module", ABSENT)
def test_import_of_absent_namespace_names_it_and_the_alternative(module: str) -> None:
    torch_name = "torch" + module[len("minigrad") :]
    with pytest.raises(ModuleNotFoundError, match=rf"minigrad does not have {torch_name}; ") as e:
        importlib.import_module(module)
    assert e.value.name == module
    assert KNOWN[torch_name] in str(e.value) and "docs/pytorch.md" in str(e.value)


def test_from_import_and_import_as_give_the_same_error() -> None:
    with pytest.raises(ImportError, match=r"minigrad does not have torch.utils.tensorboard"):
        from minigrad.utils.tensorboard import SummaryWriter  # noqa: F401
    with pytest.raises(ImportError, match=r"minigrad does not have torch.jit"):
        import minigrad.jit as jit  # noqa: F401


def test_real_modules_still_import() -> None:
    importlib.import_module("minigrad.cuda")
    importlib.import_module("minigrad.backends")


def test_unknown_name_keeps_the_normal_error() -> None:
    with pytest.raises(ModuleNotFoundError, match=r"^No module named 'minigrad.no_such'$"):
        importlib.import_module("minigrad.no_such")


def test_finder_is_installed_once_and_ignores_other_packages() -> None:
    finders = [f for f in sys.meta_path if isinstance(f, MissingModuleFinder)]
    assert len(finders) == 1
    assert finders[0].find_spec("json") is None
    assert finders[0].find_spec("torchvision.jit") is None
    assert importlib.import_module("json").dumps([1]) == "[1]"
    assert minigrad.__name__ == "minigrad"
