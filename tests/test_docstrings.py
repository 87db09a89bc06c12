"""Every public function, class and method has a docstring: the API reference is built from them."""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType
from typing import Any

import pytest

PUBLIC_MODULES = [
    "minigrad",
    "minigrad.autograd",
    "minigrad.autograd.functional",
    "minigrad.nn",
    "minigrad.nn.functional",
    "minigrad.nn.init",
    "minigrad.optim",
    "minigrad.optim.lr_scheduler",
    "minigrad.utils.data",
    "minigrad.utils.checkpoint",
    "minigrad.datasets",
    "minigrad.train",
    "minigrad.progress",
    "minigrad.viz",
    "minigrad.explain",
    "minigrad.reference",
    "minigrad.backprop_check",
    "minigrad.onnx",
    "minigrad.torch_export",
    "minigrad.compiler",
    "minigrad.profiler",
    "minigrad.autograd.profiler",
]


def public_names(module: ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            n for n, v in vars(module).items() if not n.startswith("_") and _defined_in(v, module)
        ]
    return sorted(names)


def _defined_in(value: Any, module: ModuleType) -> bool:
    return getattr(value, "__module__", "").startswith(module.__name__)


def undocumented(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    missing = []
    for name in public_names(module):
        value = getattr(module, name)
        if isinstance(value, ModuleType) or not (inspect.isclass(value) or callable(value)):
            continue  # submodules have their own page; constants and type aliases are data
        if not getattr(value, "__module__", "").startswith("minigrad"):
            continue  # re-exported from NumPy or the standard library
        if not inspect.getdoc(value):
            missing.append(f"{module_name}.{name}")
        if inspect.isclass(value):
            missing += [f"{module_name}.{name}.{m}" for m in undocumented_members(value)]
    return missing


def undocumented_members(cls: type) -> list[str]:
    missing = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(member, staticmethod | classmethod):
            member = member.__func__
        if not (inspect.isfunction(member) or isinstance(member, property)):
            continue
        doc = inspect.getdoc(getattr(cls, name)) if inspect.isfunction(member) else member.__doc__
        if not doc:
            missing.append(name)
    return missing


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_has_a_docstring(module_name: str) -> None:
    missing = undocumented(module_name)
    assert not missing, f"{len(missing)} public names without a docstring: {', '.join(missing)}"


def test_every_docs_page_is_in_the_site_navigation() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    nav = (root / "mkdocs.yml").read_text(encoding="utf-8")
    pages = [p.relative_to(root / "docs").as_posix() for p in (root / "docs").rglob("*.md")]
    missing = [p for p in pages if f": {p}" not in nav]
    assert not missing, f"pages not in mkdocs.yml's nav: {missing}"
