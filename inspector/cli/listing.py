"""`inspector list`: branches, visits and findings for scripts and quick looks.

Committee staff pull the county-wide picture into spreadsheets and reports
over SSH: `--json` gives an array of objects with stable English keys (the
Chinese stays text), otherwise a plain table fit for a terminal. A corrupt
branch file does not stop the listing: the rest is printed, the file is
named on stderr and the exit status is 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any

from inspector.labels import label
from inspector.models import FindingCategory, FindingStatus, Severity, overdue_days
from inspector.store import Store
from inspector.text import show_controls

KINDS = ("branches", "visits", "findings")


# ------------------------------------------------------------------ rows
def branch_rows(store: Store, today: date) -> list[dict[str, Any]]:
    summaries = sorted(store.branch_summaries(), key=lambda s: (s.initials, s.name, s.id))
    return [
        {
            "id": s.id,
            "name": s.name,
            "sector": label(s.sector),
            "secretary": s.secretary,
            "members": s.members,
            "last_visit": s.last_visit.isoformat() if s.last_visit else None,
            "visits_in_progress": len(s.draft_visits),
            "open_findings": s.open_findings,
            "overdue_findings": s.overdue(today),
            "weaklax": label(s.weaklax) if s.weaklax else None,
        }
        for s in summaries
    ]


def _names(store: Store) -> dict[str, tuple[str, str]]:
    """Branch id -> (initials, name), for joining and ordering other listings."""
    return {s.id: (s.initials, s.name) for s in store.branch_summaries()}


def visit_rows(store: Store) -> list[dict[str, Any]]:
    names = _names(store)
    rows = [
        {
            "id": v.id,
            "branch_id": v.branch_id,
            "branch": names.get(v.branch_id, ("", ""))[1],
            "date": v.date.isoformat(),
            "status": label(v.status),
            "template_id": v.template_id,
            "completed_at": v.completed_at,  # written as stored, UTC as Z (see `json_bytes`)
        }
        for v in store.all_visit_index()
    ]
    return sorted(rows, key=lambda r: (names.get(r["branch_id"], ("", ""))[0], r["branch"], r["date"] or "", r["id"]))


def finding_rows(store: Store, today: date, *, open_only: bool = False) -> list[dict[str, Any]]:
    """From the ledger's stored texts (its derived cache): no Finding is built
    for a listing, which at county scale is most of its time."""
    from inspector.ledger.rows import Ledger

    shown = {e.value: label(e) for enum in (FindingCategory, Severity, FindingStatus) for e in enum}
    closed_code = FindingStatus.CLOSED.value
    overdue: dict[str, int] = {"": 0}  # by deadline, for open findings: a county has a few hundred
    keyed: list[tuple[str, str, str, str, int, dict[str, Any]]] = []
    for s, values in Ledger(store).stored(today):
        for v in values:
            (fid, category, severity, status, description, measures, goal, progress, evidence) = v[:9]
            (leader, person, verifier, verified_on, found_on, deadline, visit_id, item_id) = v[9:]  # FIELDS' order
            closed = status == closed_code
            if open_only and closed:
                continue
            days = 0 if closed else overdue.get(deadline)
            if days is None:
                days = overdue[deadline] = overdue_days(date.fromisoformat(deadline), today)
            row = {
                "id": fid,
                "branch_id": s.id,
                "branch": s.name,
                "category": shown[category],
                "severity": shown[severity],
                "description": description,
                "found_on": found_on,
                "goal": goal,
                "measures": measures,
                "deadline": deadline or None,
                "leader": leader,
                "person": person,
                "status": shown[status],
                "overdue_days": days,
                "progress": progress,
                "verifier": verifier,
                "verified_on": verified_on or None,
                "visit_id": visit_id or None,
                "item_id": item_id or None,
            }
            keyed.append((s.initials, s.name, found_on, fid, len(keyed), row))
    keyed.sort()  # the position breaks ties, so rows (dicts) are never compared
    return [k[-1] for k in keyed]


# ----------------------------------------------------------------- tables
TABLES: dict[str, list[tuple[str, str, int]]] = {
    # (key, heading, widest cell on a terminal; 0 = takes the rest of the line)
    "branches": [
        ("name", "党支部", 0),
        ("sector", "领域", 12),
        ("secretary", "书记", 6),
        ("members", "党员", 4),
        ("last_visit", "最近指导", 10),
        ("open_findings", "未销号", 6),
        ("overdue_findings", "逾期", 4),
        ("weaklax", "软弱涣散", 8),
    ],
    "visits": [("branch", "党支部", 0), ("date", "日期", 10), ("status", "状态", 6), ("template_id", "清单", 12)],
    "findings": [
        ("branch", "党支部", 18),
        ("category", "类别", 8),
        ("status", "状态", 6),
        ("deadline", "整改时限", 10),
        ("overdue_days", "逾期", 6),
        ("description", "问题描述", 0),
    ],
}
_MIN_FLEX = 16


def cell_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit(text: str, width: int) -> str:
    """Cut to `width` terminal columns (with …) and pad with spaces."""
    if cell_width(text) > width:
        out, used = [], 0
        for c in text:
            w = cell_width(c)
            if used + w > width - 1:
                break
            out.append(c)
            used += w
        text = "".join(out) + "…"
    return text + " " * (width - cell_width(text))


def _cell(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if key == "overdue_days":
        return f"{value}天" if value else ""
    return "—" if value is None else show_controls(str(value))


def table(kind: str, rows: Sequence[dict[str, Any]], columns_available: int | None = None) -> str:
    """Aligned columns; with `columns_available` (a terminal) long cells are cut to fit it."""
    columns = TABLES[kind]
    natural = [max([cell_width(head)] + [cell_width(_cell(r, key)) for r in rows]) for key, head, _ in columns]
    if columns_available is None:
        widths = natural
    else:
        widths = [min(n, limit) if limit else n for n, (_, _, limit) in zip(natural, columns)]
        fixed = sum(w for w, (_, _, limit) in zip(widths, columns) if limit) + len(columns) - 1
        widths = [
            w if limit else min(w, max(_MIN_FLEX, columns_available - fixed))
            for w, (_, _, limit) in zip(widths, columns)
        ]
    lines = [" ".join(fit(head, w) for (_, head, _), w in zip(columns, widths)).rstrip()]
    lines.append(" ".join("─" * w for w in widths))
    for r in rows:
        lines.append(" ".join(fit(_cell(r, key), w) for (key, _, _), w in zip(columns, widths)).rstrip())
    return "\n".join(lines)


_NOUN = {"branches": "个党支部", "visits": "次现场指导", "findings": "个问题"}


# -------------------------------------------------------------------- CLI
def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "list",
        help="列出党支部、现场指导或问题（可输出 JSON）",
        description="列出全部党支部、现场指导或问题。加 --json 输出机器可读的 JSON 数组。",
    )
    p.add_argument(
        "what",
        choices=KINDS,
        metavar="{branches,visits,findings}",
        help="branches 党支部；visits 现场指导；findings 问题",
    )
    p.add_argument("--json", action="store_true", help="输出 JSON 数组（UTF-8，键名为英文）")
    p.add_argument("--open", action="store_true", help="问题只列未销号的")
    p.set_defaults(func=run)


def rows_for(store: Store, what: str, today: date, *, open_only: bool = False) -> list[dict[str, Any]]:
    if what == "branches":
        return branch_rows(store, today)
    if what == "visits":
        return visit_rows(store)
    return finding_rows(store, today, open_only=open_only)


def run(args: argparse.Namespace) -> int:
    from inspector import clock
    from inspector.cli.common import json_bytes, open_store, warn_skipped

    store = open_store(args)
    today = clock.today()
    rows = rows_for(store, args.what, today, open_only=args.open)
    if args.json:
        payload = json_bytes(rows) + b"\n"
    else:
        summary = f"共 {len(rows)} {_NOUN[args.what]}"
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        payload = (table(args.what, rows, width) + "\n" + summary + "\n").encode("utf-8")
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head` closed the pipe: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return warn_skipped(store)
