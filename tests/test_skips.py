"""A skipped check is a defect: the suite skips only where something outside the project is
missing (a program, a package, a data file) or the machine cannot show the behaviour (root
reads any file). A parametrized case that does not apply is not generated at all (its
parameter list filtered), so that the count of skips says what a machine lacks, nothing
else. ``pytest.importorskip`` of an optional package is the ordinary form and is not
counted here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# What may make a check skip, by the words of its reason: each one something this machine or
# this PyTorch may lack, never a case that does not apply. (``reason`` alone: a drawing tool
# that is missing, in conftest.py's and test_docs.py's words.)
ALLOWED = re.compile(
    r"dot program|not installed|not found at|the names file is not at|root ignores "
    r"permissions|torch has no \{dtype\}|^reason$|\{reason\}"
)


def _reason(call: ast.Call) -> str:
    """The reason of a skip: its first argument or ``reason=``, as written."""
    for kw in call.keywords:
        if kw.arg == "reason":
            return ast.unparse(kw.value)
    return ast.unparse(call.args[0]) if call.args else ""


def skip_sites(path: Path) -> list[tuple[str, str]]:
    """(place, reason) of each ``pytest.skip(...)``, ``pytest.mark.skip(...)`` and
    ``pytest.mark.skipif(...)`` in ``path``."""
    sites = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        if name in ("pytest.skip", "pytest.mark.skip", "pytest.mark.skipif"):
            sites.append((f"{path.name}:{node.lineno}", _reason(node)))
    return sites


def test_skip_sites_are_found() -> None:
    # (the finder must be able to see a skip, or the test below proves nothing)
    sample = TESTS / "conftest.py"
    assert [r for _, r in skip_sites(sample)] == ["reason"]


def test_only_missing_things_skip() -> None:
    sites = [s for path in sorted(TESTS.glob("*.py")) for s in skip_sites(path)]
    refused = [f"{place}: {reason}" for place, reason in sites if not ALLOWED.search(reason)]
    assert refused == [], (
        "a case that does not apply is not generated: filter the parameter list instead of "
        f"skipping it: {refused}"
    )
