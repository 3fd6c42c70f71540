"""Coverage (全覆盖, plan 四、1): has every branch been visited, and lately?

The committee must give every branch on-site guidance, so this lists each
branch's last completed visit and its visits this quarter and this year,
marks branches never visited or not visited for `Settings.not_visited_days`,
and counts per month the visits made and the findings opened and closed.
A visit counts once completed, as on the home table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from inspector import clock
from inspector.errors import UserError
from inspector.labels import label
from inspector.ledger.rows import Ledger, LedgerRow
from inspector.models import FindingStatus, Sector, Stage, VisitStatus
from inspector.pinyin import sort_key
from inspector.store import Store

SPARK = "▁▂▃▄▅▆▇█"


@dataclass
class BranchCoverage:
    id: str
    name: str
    sector: Sector
    initials: str
    last_visit: date | None
    days_since: int | None
    visits_quarter: int
    visits_year: int
    stale: bool  # visited, but longer ago than the committee's limit
    #: A visit is under way there (started, not finished).
    in_progress: bool = False

    @property
    def never_visited(self) -> bool:
        """No finished visit (one may be under way: see `in_progress`)."""
        return self.last_visit is None

    @property
    def needs_visit(self) -> bool:
        return self.never_visited or self.stale


@dataclass
class MonthCount:
    month: str  # "2026-11"
    visits: int = 0
    opened: int = 0
    closed: int = 0


@dataclass
class Coverage:
    today: date
    not_visited_days: int
    branches: list[BranchCoverage] = field(default_factory=list)
    months: list[MonthCount] = field(default_factory=list)

    @property
    def never(self) -> list[BranchCoverage]:
        """Branches nobody has started to visit."""
        return [b for b in self.branches if b.never_visited and not b.in_progress]

    @property
    def first_in_progress(self) -> list[BranchCoverage]:
        """Branches whose first visit is under way."""
        return [b for b in self.branches if b.never_visited and b.in_progress]

    @property
    def stale(self) -> list[BranchCoverage]:
        return [b for b in self.branches if b.stale]

    @property
    def visited_this_year(self) -> int:
        return sum(1 for b in self.branches if b.visits_year)

    @property
    def complete(self) -> bool:
        """Every branch visited, none longer ago than the limit (no branches: nothing is covered yet)."""
        return bool(self.branches) and not any(b.needs_visit for b in self.branches)

    def summary(self) -> str:
        n = len(self.branches)
        return (
            f"共{n}个党支部，本年已指导{self.visited_this_year}个；"
            f"从未指导{len(self.never)}个，超过{self.not_visited_days}天未指导{len(self.stale)}个"
            + (f"，首次指导进行中{len(self.first_in_progress)}个" if self.first_in_progress else "")
        )


def attended_stages(store: Store, branch_id: str) -> dict[Stage, date]:
    """全过程 (plan 四、1): the key points of the branch's campaign a completed
    visit attended, each with the first such visit's date (from the branch's visit index)."""
    out: dict[Stage, date] = {}
    for entry in store.visit_index(branch_id):
        if entry.deleted or entry.status != VisitStatus.COMPLETED:
            continue
        on = entry.date
        for stage in entry.stages:
            if stage not in out or on < out[stage]:
                out[stage] = on
    return out


def stages_line(attended: dict[Stage, date]) -> str:
    """One line: each key point with the date the committee attended it, or 未参加."""
    parts = [f"{label(s)} {attended[s].isoformat()}" if s in attended else f"{label(s)} 未参加" for s in Stage]
    return f"全过程（{len(attended)}/{len(Stage)}）：" + "｜".join(parts)


def parse_not_visited_days(text: str) -> int:
    """Days without a visit after which a branch counts as 长期未指导, as typed: a whole number above 0."""
    text = text.strip()
    if not (text.isdigit() and int(text) >= 1):
        raise UserError("请输入大于 0 的天数")
    return int(text)


def month_keys(today: date, months: int) -> list[str]:
    """The last `months` calendar months ending with today's, oldest first."""
    y, m = today.year, today.month
    out = []
    for _ in range(months):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def sparkline(values: list[int]) -> str:
    """One character per value, ▁ for zero up to █ for the largest."""
    top = max(values, default=0)
    if top <= 0:
        return SPARK[0] * len(values)
    return "".join(SPARK[min(len(SPARK) - 1, round(v / top * (len(SPARK) - 1)))] for v in values)


class CoverageReport:
    """Builds `Coverage` for one store from the ledger's per-branch index, so
    only branch files changed since the last build (or the last session) are read.
    Pass the ledger screen's `Ledger` to share its work."""

    def __init__(self, store: Store, ledger: Ledger | None = None):
        self.store = store
        self.ledger = ledger or Ledger(store)
        self._closed_on: dict[str, tuple[LedgerRow, date | None]] = {}

    def closed_on(self, row: LedgerRow) -> date | None:
        """When a closed finding was closed: its 验收 date, else the day its status became 已销号."""
        if row.status != FindingStatus.CLOSED:
            return None
        if row.verified_on:
            return row.verified_on
        hit = self._closed_on.get(row.id)
        if hit is None or hit[0] is not row:  # rows are rebuilt when their branch file changes
            changes = self.store.raw_changes("finding", row.id, row.branch_id)
            moves = [c["at"] for c in changes if c["field"] == "status" and c["new"] == FindingStatus.CLOSED.value]
            created = [c["at"] for c in changes if c["field"] == "*"]
            when = max(moves) if moves else (created[0] if created else None)
            hit = self._closed_on[row.id] = (row, datetime.fromisoformat(when).astimezone().date() if when else None)
        return hit[1]

    def build(self, today: date | None = None, *, not_visited_days: int | None = None, months: int = 12) -> Coverage:
        from inspector.settings import load_settings

        today = today or clock.today()
        limit = not_visited_days or load_settings(self.store.root).not_visited_days
        rows = self.ledger.rows(today)
        keys = month_keys(today, months)
        counts = {k: MonthCount(k) for k in keys}
        quarter = (today.month - 1) // 3
        out = Coverage(today=today, not_visited_days=limit)
        for s in sorted(self.ledger.summaries.values(), key=lambda s: sort_key(s.name, s.pinyin)):
            dates = self.ledger.visit_dates(s.id)
            past = [d for d in dates if d <= today]
            last = past[-1] if past else None
            days = (today - last).days if last else None
            year = [d for d in past if d.year == today.year]
            out.branches.append(
                BranchCoverage(
                    id=s.id,
                    name=s.name,
                    sector=s.sector,
                    initials=s.initials,
                    last_visit=last,
                    days_since=days,
                    visits_quarter=sum(1 for d in year if (d.month - 1) // 3 == quarter),
                    visits_year=len(year),
                    stale=days is not None and days > limit,
                    in_progress=bool(s.draft_visits),
                )
            )
            for d in dates:
                if (k := f"{d.year:04d}-{d.month:02d}") in counts:
                    counts[k].visits += 1
        for r in rows:
            if (k := f"{r.found_on.year:04d}-{r.found_on.month:02d}") in counts:
                counts[k].opened += 1
            closed = self.closed_on(r)
            if closed and (k := f"{closed.year:04d}-{closed.month:02d}") in counts:
                counts[k].closed += 1
        out.months = [counts[k] for k in keys]
        return out


def coverage(
    store: Store, today: date | None = None, *, not_visited_days: int | None = None, months: int = 12
) -> Coverage:
    return CoverageReport(store).build(today, not_visited_days=not_visited_days, months=months)
