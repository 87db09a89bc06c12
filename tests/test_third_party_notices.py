"""Test files that keep upstream programs say so at their top and are listed, with the licence
of each source, in tests/THIRD_PARTY_NOTICES.md."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
NOTICES = TESTS / "THIRD_PARTY_NOTICES.md"


def holds_a_program(path: Path) -> bool:
    """A program kept as PyTorch source: a line ``import torch`` at the start of a line of a
    string (the test files themselves import torch only inside functions, indented)."""
    return re.search(r"^import torch$", path.read_text(encoding="utf-8"), flags=re.M) is not None


def test_every_file_with_a_program_points_to_the_notices() -> None:
    holding = [p for p in sorted(TESTS.glob("test_*.py")) if holds_a_program(p)]
    assert len(holding) >= 7  # the finder finds the known ones
    for path in holding:
        top = "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:12])
        assert "tests/THIRD_PARTY_NOTICES.md" in top, f"{path.name} does not name the notices"


def test_the_notices_name_existing_files_and_give_each_licence() -> None:
    text = NOTICES.read_text(encoding="utf-8")
    named = set(re.findall(r"`tests/(test_\w+\.py)`", text))
    assert named, "the notices name no test file"
    for name in named:
        assert (TESTS / name).exists(), f"the notices name {name}, which does not exist"
    for source in ("pytorch/examples", "pytorch/tutorials", "pytorch/pytorch"):
        assert f"From `LICENSE` of https://github.com/{source}" in text
    assert text.count("Redistribution and use in source and binary forms") == 3
    assert text.count("Permission is hereby granted, free of charge") == 2
