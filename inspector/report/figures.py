"""Every figure of a 通报, computed once from the ledger rows.

The text, the tables and the charts of the document all read a `Figures`;
nothing in them counts on its own, so the numbers a leader reads in a
paragraph, a table and a chart cannot disagree (tests/test_report.py checks
them against the ledger rows).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from inspector import labels
from inspector.errors import ReportInvalid
from inspector.ledger.rows import Ledger, LedgerRow
from inspector.ledger.summary import Counts, count_by
from inspector.models import (
    AssignmentRole,
    Disposition,
    FindingCategory,
    MemberKind,
    Sector,
    Severity,
    WeakLaxStatus,
)
from inspector.settings import Assignment, load_settings
from inspector.store import BranchSummary, Store

_QUARTERS = ("一", "二", "三", "四")
_SEVERITY_RANK = {s: i for i, s in enumerate(reversed(tuple(Severity)))}  # serious first


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str  # 2016年第三季度

    def months(self) -> list[str]:
        """Month keys (2016-07) from start to end."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    """2016Q3, 2016-07..2016-09 (months), 2016-07 (one month) or 2016 (the year)."""
    t = text.strip().upper().replace("－", "-")
    try:
        if m := re.fullmatch(r"(\d{4})Q([1-4])", t):
            y, q = int(m[1]), int(m[2])
            return Period(date(y, 3 * q - 2, 1), _month_end(y, 3 * q), f"{y}年第{_QUARTERS[q - 1]}季度")
        if m := re.fullmatch(r"(\d{4})", t):
            y = int(m[1])
            return Period(date(y, 1, 1), date(y, 12, 31), f"{y}年")
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})(?:\.\.(\d{4})-(\d{1,2}))?", t):
            y1, m1 = int(m[1]), int(m[2])
            y2, m2 = (int(m[3]), int(m[4])) if m[3] else (y1, m1)
            start, end = date(y1, m1, 1), _month_end(y2, m2)
            if end < start:
                raise ValueError
            if (y1, m1) == (y2, m2):
                label = f"{y1}年{m1}月"
            elif y1 == y2:
                label = f"{y1}年{m1}月至{m2}月"
            else:
                label = f"{y1}年{m1}月至{y2}年{m2}月"
            return Period(start, end, label)
    except ValueError:
        pass
    raise ReportInvalid(
        f"看不懂时段「{text.strip()}」：可写 2016Q3（季度）、2016-07..2016-09（月份起止）或 2016（全年）"
    )


def next_period(current: str, today: date) -> str:
    """The period after `current` as a clerk steps through them on a chart: a
    year (the one `current` names, else today's), then each of its quarters
    begun by `today`, then the year again."""
    named = re.match(r"\d{4}", current.strip())
    year = int(named[0]) if named else today.year
    last = 4 if year < today.year else (today.month - 1) // 3 + 1 if year == today.year else 0
    steps = [str(year), *(f"{year}Q{q}" for q in range(1, last + 1))]
    return steps[(steps.index(current) + 1) % len(steps)] if current in steps else steps[0]


def found_in(rows: Iterable[LedgerRow], period: Period) -> list[LedgerRow]:
    """The findings a period's figures count: those found in it."""
    return [r for r in rows if period.holds(r.found_on)]


@dataclass
class SectorFigures:
    sector: Sector
    branches: int = 0
    visited: int = 0  # branches with a completed visit in the period
    findings: Counts = field(default_factory=Counts)


@dataclass
class GuideFigures:
    """The branches one 指导员 guides (`Settings.assignments`), counted as a sector is."""

    person: str
    branches: int = 0
    visited: int = 0
    findings: Counts = field(default_factory=Counts)


@dataclass(frozen=True)
class Case:
    """A typical problem: one finding named by its branch (or anonymised)."""

    category: FindingCategory
    branch: str
    description: str
    measures: str
    status: str


@dataclass(frozen=True)
class WeakLaxLine:
    branch: str
    sector: Sector
    status: WeakLaxStatus


@dataclass
class Figures:
    period: Period
    as_of: date
    branches: int = 0
    visited: int = 0
    visits: int = 0
    by_sector: dict[Sector, SectorFigures] = field(default_factory=dict)
    #: One entry per 指导员 with branches assigned, by name; empty when nobody is assigned.
    by_guide: list[GuideFigures] = field(default_factory=list)
    findings: Counts = field(default_factory=Counts)  # found in the period, status as of `as_of`
    by_category: dict[FindingCategory, Counts] = field(default_factory=dict)
    months: list[tuple[str, int, int]] = field(default_factory=list)  # (2016-07, opened, closed)
    overdue_all: int = 0  # every open finding past its deadline, whenever found
    cases: list[Case] = field(default_factory=list)
    weaklax: list[WeakLaxLine] = field(default_factory=list)
    members: dict[MemberKind, int] = field(default_factory=dict)  # found in the period
    outcomes: dict[Disposition, int] = field(default_factory=dict)

    @property
    def not_visited(self) -> int:
        return self.branches - self.visited


def branch_label(summary: BranchSummary, anonymise: bool) -> str:
    """The branch as a 通报 names it: its name, or 某农村党支部 when names are withheld."""
    return f"某{labels.short_sector(summary.sector)}党支部" if anonymise else summary.name


def compute(
    store: Store,
    period: Period,
    as_of: date,
    *,
    ledger: Ledger | None = None,
    anonymise: bool = False,
    cases_per_category: int = 1,
) -> Figures:
    """The 通报's figures: visits and findings dated in the period; statuses as of `as_of`."""
    ledger = ledger or Ledger(store)
    rows = ledger.rows(as_of)
    out = Figures(period, as_of)
    summaries = sorted(ledger.summaries.values(), key=lambda s: (s.initials, s.name))
    out.branches = len(summaries)
    for sector in Sector:
        out.by_sector[sector] = SectorFigures(sector)
    visited: set[str] = set()
    for s in summaries:
        sf = out.by_sector[s.sector]
        sf.branches += 1
        visits = [d for d in ledger.visit_dates(s.id) if period.holds(d)]
        out.visits += len(visits)
        if visits:
            sf.visited += 1
            out.visited += 1
            visited.add(s.id)
    found = found_in(rows, period)
    out.by_guide = _by_guide(load_settings(store.root).assignments, ledger.summaries.keys(), visited, found)
    for r in found:
        out.findings.add(r)
        out.by_sector[r.sector].findings.add(r)
    out.by_sector = {k: v for k, v in out.by_sector.items() if v.branches}
    by_category = count_by(found, lambda r: r.category)
    out.by_category = {c: by_category[c] for c in FindingCategory if c in by_category}
    opened = count_by(found, lambda r: r.found_on.isoformat()[:7])
    closed = count_by(
        (r for r in rows if period.holds(r.verified_on)),
        lambda r: r.verified_on.isoformat()[:7] if r.verified_on else "",
    )
    out.months = [
        (k, opened[k].total if k in opened else 0, closed[k].total if k in closed else 0) for k in period.months()
    ]
    out.overdue_all = sum(1 for r in rows if r.overdue > 0)
    out.cases = _cases(found, ledger.summaries, anonymise, cases_per_category)
    out.weaklax = [
        WeakLaxLine(branch_label(s, anonymise), s.sector, s.weaklax)
        for s in summaries
        if s.weaklax not in (None, WeakLaxStatus.WITHDRAWN)
    ]
    _members(summaries, period, out)
    return out


def _by_guide(
    assignments: Iterable[Assignment], known: Iterable[str], visited: set[str], found: Iterable[LedgerRow]
) -> list[GuideFigures]:
    branches: dict[str, set[str]] = {}
    present = set(known)
    for a in assignments:
        if a.role == AssignmentRole.GUIDE and a.branch_id in present:
            branches.setdefault(a.person, set()).add(a.branch_id)
    rows_of: dict[str, list[LedgerRow]] = {}
    for r in found:
        rows_of.setdefault(r.branch_id, []).append(r)
    out = []
    for person in sorted(branches):
        g = GuideFigures(person, len(branches[person]), len(branches[person] & visited))
        for bid in branches[person]:
            for r in rows_of.get(bid, ()):
                g.findings.add(r)
        out.append(g)
    return out


def _cases(
    rows: Iterable[LedgerRow], summaries: dict[str, BranchSummary], anonymise: bool, per_category: int
) -> list[Case]:
    """The most serious findings of each category, earliest first, at most one per branch."""
    picked: dict[FindingCategory, list[LedgerRow]] = {}
    for r in sorted(rows, key=lambda r: (_SEVERITY_RANK[r.severity], r.found_on, r.branch_name)):
        chosen = picked.setdefault(r.category, [])
        if len(chosen) < per_category and all(c.branch_id != r.branch_id for c in chosen):
            chosen.append(r)
    return [
        Case(c, branch_label(summaries[r.branch_id], anonymise), r.description, r.measures, labels.label(r.status))
        for c in FindingCategory
        for r in picked.get(c, [])
    ]


def _members(summaries: list[BranchSummary], period: Period, out: Figures) -> None:
    """口袋/失联/流动 members found in the period, and how those cases stand (from the branch summaries)."""
    out.members = dict.fromkeys(MemberKind, 0)
    out.outcomes = dict.fromkeys(Disposition, 0)
    for s in summaries:
        for m in s.pockets:
            if period.holds(m.found_on):
                out.members[m.kind] += 1
                out.outcomes[m.disposition] += 1
