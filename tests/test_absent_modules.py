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
    "minigrad.nn.modules.conv",
    "minigrad.utils.benchmark.op_fuzzers",
]


@pytest.mark.parametrize("module", ABSENT)
def test_import_of_absent_namespace_names_it_and_the_alternative(module: str) -> None:
    torch_name = "torch" + module[len("minigrad") :]
    with pytest.raises(ModuleNotFoundError, match=rf"minigrad does not have {torch_name}; ") as e:
        importlib.import_module(module)
    assert e.value.name == module
    assert KNOWN[torch_name] in str(e.value) and "docs/pytorch.md" in str(e.value)


def test_from_import_and_import_as_give_the_same_error() -> None:
    with pytest.raises(ImportError, match=r"minigrad does not have torch.amp"):
        from minigrad.amp import autocast  # noqa: F401
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


def test_from_import_of_a_distributed_name_keeps_the_clear_message() -> None:
    """Python replaces an AttributeError raised during ``from m import x`` by its generic
    "cannot import name"; minigrad's words must survive that form too."""
    with pytest.raises(ImportError) as e:
        from minigrad.distributed import get_rank  # noqa: F401
    assert not isinstance(e.value, AttributeError)
    assert str(e.value).startswith(
        "cannot import name 'get_rank' from 'minigrad.distributed': minigrad does not have "
        "torch.distributed.get_rank; minigrad trains in one process"
    )
    assert "docs/pytorch.md" in str(e.value) and e.value.name == "minigrad.distributed"


def _modules_with_missing_names() -> list[str]:
    """Every imported minigrad module whose ``__getattr__`` explains missing names."""
    import pkgutil

    for info in pkgutil.walk_packages(minigrad.__path__, "minigrad."):
        importlib.import_module(info.name)
    found = [
        name
        for name, module in list(sys.modules.items())
        if (name == "minigrad" or name.startswith("minigrad."))
        and "missing_attribute" in getattr(getattr(module, "__getattr__", None), "__qualname__", "")
    ]
    return [*sorted(found), "minigrad.hub"]  # hub's own __getattr__ passes other names on


MISSING_NAME_MODULES = _modules_with_missing_names()


def test_the_modules_with_missing_names_are_found() -> None:
    for name in ("minigrad", "minigrad.nn", "minigrad.distributed", "minigrad.cuda"):
        assert name in MISSING_NAME_MODULES
    assert len(MISSING_NAME_MODULES) >= 20


@pytest.mark.parametrize("module", MISSING_NAME_MODULES)
def test_both_forms_of_a_missing_name_say_the_same(module: str) -> None:
    """``getattr(m, x)`` raises AttributeError (so hasattr and getattr's default work) and
    ``from m import x`` ImportError, with the same explanation after Python's own words."""
    mod = importlib.import_module(module)
    with pytest.raises(AttributeError) as as_attribute:
        mod.no_such_name
    assert getattr(mod, "no_such_name", 7) == 7 and not hasattr(mod, "no_such_name")
    with pytest.raises(ImportError) as as_import:
        exec(f"from {module} import no_such_name", {})
    why = f": minigrad does not have torch{module[len('minigrad') :]}.no_such_name"
    attr, imp = str(as_attribute.value), str(as_import.value)
    head_attr = f"module {module!r} has no attribute 'no_such_name'"
    head_imp = f"cannot import name 'no_such_name' from {module!r}"
    assert attr.startswith(head_attr + why) and imp == head_imp + attr[len(head_attr) :]


def test_from_import_inside_a_function_and_of_a_known_name() -> None:
    def load() -> object:
        from minigrad.hub import load_state_dict_from_url

        return load_state_dict_from_url

    with pytest.raises(ImportError, match=r"^cannot import name .*minigrad loads no published"):
        load()
    from minigrad.distributed import is_available
    from minigrad.nn import functional

    assert is_available() is False and functional is minigrad.nn.functional


def test_from_import_finds_a_submodule_only_in_sys_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's fallback for a circular import (the submodule is in sys.modules, not yet an
    attribute of its package) is kept."""
    import types

    sub = types.ModuleType("minigrad.distributed.half_imported")
    monkeypatch.setitem(sys.modules, sub.__name__, sub)
    ns: dict[str, object] = {}
    exec("from minigrad.distributed import half_imported", ns)
    assert ns["half_imported"] is sub


def test_torch_distributed_is_not_initialized_in_a_fresh_process() -> None:
    """The answer minigrad copies: PyTorch before init_process_group (a fresh process, so no
    other test can have initialised a group)."""
    pytest.importorskip("torch")
    code = "import torch.distributed as d; print(d.is_initialized())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_torch_ops_registry_says_minigrad_ops_is_something_else() -> None:
    """``torch.ops.aten.add`` (PyTorch's operator registry, used by tensor-subclass recipes)
    reaches minigrad.ops, minigrad's own op classes: the error says which is which, and
    minigrad's op classes stay reachable."""
    with pytest.raises(AttributeError, match=r"does not have torch\.ops\.aten; minigrad\.ops"):
        minigrad.ops.aten
    with pytest.raises(ImportError, match=r"cannot import name 'aten' from 'minigrad\.ops'"):
        from minigrad.ops import aten  # noqa: F401
    assert not hasattr(minigrad.ops, "aten")
    assert minigrad.ops.Add.__name__ == "Add"
    with pytest.raises(AttributeError, match=r"^module 'minigrad\.ops' has no attribute '__x__'$"):
        minigrad.ops.__x__
