"""Optional extras: one helper imports them, and its install hints name the right distribution."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from minigrad._optional import DISTRIBUTION, install_hint, require

ROOT = Path(__file__).resolve().parent.parent


def test_distribution_name_is_the_one_in_pyproject() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(rf'^name = "{DISTRIBUTION}"', text, re.M)
    (all_extra,) = re.findall(r"^all = \[(.*)\]", text, re.M)
    assert all_extra.startswith(f'"{DISTRIBUTION}['), all_extra


def test_require_names_feature_package_and_both_install_commands(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError) as info:
        require("matplotlib", "plot_history", "matplotlib", "plot")
    msg = str(info.value)
    assert msg.startswith("plot_history needs matplotlib: pip install matplotlib")
    assert f"pip install '{DISTRIBUTION}[plot]'" in msg and "pip install -e '.[plot]'" in msg


def test_require_returns_the_module() -> None:
    assert require("json", "x", "json", "all").dumps([1]) == "[1]"


def test_every_extra_named_in_a_hint_exists() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    section = text.split("[project.optional-dependencies]")[1].split("\n[")[0]
    extras = set(re.findall(r"^(\w+) = \[", section, re.M))
    used = set()
    for path in (ROOT / "minigrad").rglob("*.py"):
        used |= set(re.findall(r'require\([^)]*?"(\w+)"\s*\)', path.read_text(), re.S))
    assert used, "no require() calls found"
    assert used <= extras, used - extras
    assert "viz" in install_hint("graphviz", "viz")


def test_no_hint_installs_the_unrelated_index_project() -> None:
    # "pip install minigrad[...]" would fetch the unrelated project of that name.
    for path in [
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "minigrad").rglob("*.py"),
    ]:
        assert not re.search(r"pip install ['\"]?minigrad\[", path.read_text()), path
