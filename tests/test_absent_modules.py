"""``import minigrad.X`` for an absent PyTorch namespace explains itself (minigrad/_missing.py)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import minigrad
from minigrad._missing import KNOWN, MissingModuleFinder

# Every KNOWN namespace that is a module in PyTorch and not a real module in minigrad.
ABSENT = [
    "minigrad.jit",
    "minigrad.mps",
    "minigrad.amp",
    "minigrad.fft",
    "minigrad.sparse",
    "minigrad.quantization",
    "minigrad.ao",
    "minigrad.utils.checkpoint",
    "minigrad.utils.tensorboard",
    "minigrad.autograd.forward_ad",
    "minigrad.nn.utils.parametrize",
    "minigrad.nn.utils.parametrizations",
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


# -- minigrad.distributed: a module of PyTorch's probes (minigrad/distributed.py) -------------


def test_distributed_is_a_module_whose_probes_say_one_process() -> None:
    import minigrad.distributed as dist

    assert dist is minigrad.distributed is sys.modules["minigrad.distributed"]
    assert dist.is_available() is False
    assert dist.is_initialized() is False
    assert "torch.distributed" not in KNOWN
    assert MissingModuleFinder().find_spec("minigrad.distributed") is None


def test_the_distributed_guard_idiom_skips_the_branch() -> None:
    """Code written for PyTorch guards every distributed call this way."""
    import minigrad as torch

    ran = []
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        ran.append(torch.distributed.get_rank())
    assert ran == []
    rank = torch.distributed.get_rank() if torch.distributed.is_initialized() else 0
    assert rank == 0


@pytest.mark.parametrize(
    "name", ["init_process_group", "get_rank", "get_world_size", "barrier", "all_reduce"]
)
def test_other_distributed_names_explain_themselves(name: str) -> None:
    import minigrad.distributed as dist

    message = (
        rf"^module 'minigrad.distributed' has no attribute '{name}': minigrad does not have "
        rf"torch.distributed.{name}; minigrad trains in one process"
    )
    with pytest.raises(AttributeError, match=message) as e:
        getattr(dist, name)
    assert "docs/pytorch.md" in str(e.value) and "is_initialized()" in str(e.value)
    assert not hasattr(dist, name)


def test_from_import_of_a_distributed_function_is_an_import_error() -> None:
    with pytest.raises(ImportError, match=r"init_process_group"):
        from minigrad.distributed import init_process_group  # noqa: F401


def test_torch_distributed_is_not_initialized_in_a_fresh_process() -> None:
    """The answer minigrad copies: PyTorch before init_process_group (a fresh process, so no
    other test can have initialised a group)."""
    pytest.importorskip("torch")
    code = "import torch.distributed as d; print(d.is_initialized())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
