"""Comments and docstrings cite only documents in the repository, and no issue numbers."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("inspector", "screens", "tests", "benchmarks", "checklists")
SOURCES = [p for d in FOLDERS for p in sorted((ROOT / d).rglob("*.py"))]
CITED_FILE = re.compile(r"[\w./-]+\.md\b")
ISSUE = re.compile(r"\bissues? ?#?\d+|\bthe issue\b|\bissue's\b", re.IGNORECASE)


def test_cited_documents_are_in_the_repository():
    present = {p.name for p in [*ROOT.glob("*.md"), *(p for d in FOLDERS for p in (ROOT / d).rglob("*.md"))]}
    missing = []
    for path in SOURCES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for cited in CITED_FILE.findall(line):
                if Path(cited).name not in present:
                    missing.append(f"{path.relative_to(ROOT)}:{n}: {cited}")
    assert missing == []


def test_no_issue_numbers():
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in SOURCES
        if path.name != "test_citations.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ISSUE.search(line)
    ]
    assert found == []
