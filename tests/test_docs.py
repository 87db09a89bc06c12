"""Every Python code block of README.md and docs/*.md runs as written, page by page, in order.

The blocks of one page share one namespace (a later block may use what an earlier one made), run
in a fresh temporary directory. A block meant as a fragment (not runnable on its own) is marked
by an HTML comment on the line before its fence, ``<!-- fragment -->`` or ``<!-- fragment: the
reason -->`` (a block that needs the full MNIST files or the network); keep them few. Blocks
that draw need Graphviz: without it the page is skipped with the reason, as the drawing tests are.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FRAGMENT = re.compile(r"^<!-- fragment(:[^>]*)? -->$")
FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    code: str
    fragment: bool


def blocks(page: Path) -> list[Block]:
    """The Python blocks of a Markdown page, in order."""
    found: list[Block] = []
    lines = page.read_text().splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        lang, start = m.group(1), i
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        if lang == "python":
            before = next((s.strip() for s in reversed(lines[:start]) if s.strip()), "")
            code = "\n".join(lines[start + 1 : j]) + "\n"
            found.append(Block(page, start + 1, code, bool(FRAGMENT.match(before))))
        i = j + 1
    return found


def _missing_drawing_tool(e: BaseException) -> str | None:
    """The reason to skip when a block failed only because Graphviz is not installed."""
    text = f"{type(e).__name__}: {e}"
    if "graphviz" in text.lower() or "ExecutableNotFound" in text or "'dot'" in text:
        return f"needs Graphviz ({text.splitlines()[0][:160]})"
    return None


# Pages with at least one runnable block (performance.md and testing.md show commands only).
CODE_PAGES = [page for page in PAGES if any(not b.fragment for b in blocks(page))]


@pytest.mark.parametrize("page", CODE_PAGES, ids=lambda p: p.name)
def test_page_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runnable = [b for b in blocks(page) if not b.fragment]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("MINIGRAD_NO_PROGRESS", "1")
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for b in runnable:
        name = f"{b.page.relative_to(ROOT)}:{b.line}"
        try:
            exec(compile(b.code, name, "exec"), namespace)
        except Exception as e:
            reason = _missing_drawing_tool(e)
            if reason:
                pytest.skip(f"{name}: {reason}")
            raise AssertionError(f"the block at {name} fails: {type(e).__name__}: {e}") from e


def test_fragments_are_few() -> None:
    every = [b for p in PAGES for b in blocks(p)]
    fragments = [f"{b.page.name}:{b.line}" for b in every if b.fragment]
    assert len(fragments) <= max(3, len(every) // 10), fragments


def test_the_extractor_sees_fences_and_markers(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(
        "text\n```python\na = 1\n```\n\n<!-- fragment -->\n```python\nb = a\n```\n"
        "```bash\nls\n```\n```python\nc = a + 1\n```\n"
    )
    got = [(b.line, b.code, b.fragment) for b in blocks(page)]
    assert got == [(2, "a = 1\n", False), (7, "b = a\n", True), (13, "c = a + 1\n", False)]
    assert os.path.exists(page)
