"""The README's first example runs and prints what it says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_example_runs_and_gradcheck_passes() -> None:
    code = re.search(r"```python\n(.*?)```", README.read_text(), re.S)
    assert code is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.group(1), str(README), "exec"), {})
    lines = out.getvalue().splitlines()
    assert lines[0] == "<MeanBackward0>"
    assert lines[-1] == "True"


def _bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, re.S)]


def test_ci_runs_the_readmes_test_command() -> None:
    """.ci/run runs exactly the test command the README gives (and the README makes a venv)."""
    commands = [b for b in _bash_blocks(README.read_text()) if "pytest" in b]
    assert len(commands) == 1, commands
    (command,) = commands
    ci = (README.parent / ".ci" / "run").read_text().splitlines()
    assert command in ci
    for block in _bash_blocks(README.read_text())[:2]:  # the two quick-start commands
        assert block.startswith("python3 -m venv .venv && . .venv/bin/activate && "), block
