"""Shared test configuration: the Hypothesis profiles (``ci`` unless HYPOTHESIS_PROFILE says),
the skips of drawing tests on a machine without Graphviz, and test ids that are the same in
every process (``pytest -n``)."""

from __future__ import annotations

import importlib
import os
import re
import shutil

import pytest
from hypothesis import settings
from strategies import PROFILES

for _name, _values in PROFILES.items():
    settings.register_profile(_name, **_values)

# CI (and a plain local run) uses the quick profile; HYPOTHESIS_PROFILE=dev searches harder.
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# ---------------------------------------------------------------------------------------------
# Drawing needs Graphviz: the `graphviz` Python package and its `dot` program. On a machine
# without them the drawing tests skip, saying what to install (CI installs both and renders).

INSTALL_PACKAGE = "pip install graphviz  (or: pip install -e '.[viz]')"
INSTALL_DOT = (
    "apt-get install graphviz  (macOS: brew install graphviz; conda: conda install graphviz)"
)


def has_graphviz_package() -> bool:
    try:
        importlib.import_module("graphviz")
    except ImportError:
        return False
    return True


def has_dot() -> bool:
    return shutil.which("dot") is not None


def drawing_skip_reason(render: bool) -> str | None:
    """Why a drawing test cannot run here (None when it can)."""
    if not has_graphviz_package():
        return f"needs the graphviz Python package: {INSTALL_PACKAGE}"
    if render and not has_dot():
        return f"needs Graphviz's dot program on PATH: {INSTALL_DOT}"
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_graphviz: builds graphs with the graphviz package")
    config.addinivalue_line("markers", "needs_dot: renders with Graphviz's dot program")


def pytest_runtest_setup(item: pytest.Item) -> None:
    render = item.get_closest_marker("needs_dot") is not None
    if render or item.get_closest_marker("needs_graphviz") is not None:
        reason = drawing_skip_reason(render)
        if reason:
            pytest.skip(reason)


# ---------------------------------------------------------------------------------------------
# The suite runs in parallel (pytest -n, pytest-xdist): every worker collects the tests and they
# must all find the same ids. A parameter whose id is its repr with a memory address
# (``object()``, a lambda) differs from process to process and fails the whole run with
# "Different tests were collected"; say where instead.

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unstable = [item.nodeid for item in items if _ADDRESS.search(item.nodeid)]
    if unstable:
        raise pytest.UsageError(
            "test ids with a memory address differ between pytest -n workers; give the "
            f"parametrize an ids= that leaves the address out: {unstable[:3]}"
        )
