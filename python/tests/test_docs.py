"""Every Python block of docs/python.md runs, in order, in one namespace."""

from __future__ import annotations

import os
import re
from pathlib import Path

from conftest import ROOT, round_csv

PAGE = ROOT / "docs" / "python.md"


def python_blocks(text: str) -> list[tuple[int, str]]:
    """Each ```python block: the line of its fence and its code."""
    blocks = []
    for match in re.finditer(r"^```python\n(.*?)^```$", text, flags=re.S | re.M):
        blocks.append((text[: match.start()].count("\n") + 1, match.group(1)))
    return blocks


def test_docs_python_md_has_python_blocks():
    assert len(python_blocks(PAGE.read_text())) >= 5


def test_every_python_block_of_docs_python_md_runs(binaries, tmp_path, capsys):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    round_csv(binaries, ROOT / "examples" / "round-2018.jsonl", 1000, tmp_path / "round.csv")
    namespace: dict = {"__name__": "__docs__"}
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        for line, code in python_blocks(PAGE.read_text()):
            exec(compile(code, f"{PAGE}:{line}", "exec"), namespace)
    finally:
        os.chdir(here)
    printed = capsys.readouterr().out
    # What the page says the blocks show.
    assert "<indikator.Round 'demo-2018': 1000 received, 1000 scored, 0 rejected>" in printed
    assert "row 3: column `kind`: unknown value \"castle\"" in printed
    assert "response.respondent.kind" in printed
    assert (tmp_path / "digital_priority.png").stat().st_size > 0
    assert (tmp_path / "composite_grades.parquet").exists()
