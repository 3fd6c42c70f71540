"""The rectification ledger (整改台账): every finding of every branch, filtered.

Committee staff chase overdue items across thousands of branches on a slow
SSH link, so a filter keystroke must cost milliseconds: each row carries the
texts it shows plus what filtering and sorting need, computed once (a
lowered search key, the deadline's ordinal, days overdue). Rows are rebuilt
only for branch files that changed; a derived cache lets a fresh session
skip validating ~50,000 findings (the Finding behind a row is loaded when
someone acts on it, and refused if it changed meanwhile). Each branch's
completed visit dates ride along, so coverage needs no second pass.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from sys import intern
from typing import Any, TypeVar

from inspector import clock, labels
from inspector.errors import StoreError, UserError
from inspector.models import Finding, FindingCategory, FindingStatus, Sector, Severity, VisitStatus, overdue_days
from inspector.pinyin import matches, sort_key
from inspector.store import BranchSummary, Store

E = TypeVar("E", bound=StrEnum)


STATUS_ORDER = tuple(FindingStatus)
SEVERITY_ORDER = tuple(Severity)
OPEN_STATUSES = frozenset(s for s in FindingStatus if s != FindingStatus.CLOSED)

# Column key -> Chinese header, in the order the ledger shows them.
COLUMNS: dict[str, str] = {
    "branch": "党支部",
    "category": "问题类别",
    "description": "问题描述",
    "goal": "整改目标",
    "measures": "整改措施",
    "leader": "责任领导",
    "person": "具体责任人",
    "deadline": "整改时限",
    "status": "状态",
    "overdue": "逾期天数",
    "found_on": "发现日期",
    "severity": "严重程度",
    "evidence": "佐证材料",
    "verifier": "验收人",
}
CACHE = "cache/ledger.json"
_NO_DATE = 10**7  # sorts after every real date ordinal


# Finding fields a row keeps, in the order the ledger cache stores them.
FIELDS = (
    "id",
    "category",
    "severity",
    "status",
    "description",
    "measures",
    "goal",
    "progress",
    "evidence",
    "leader",
    "person",
    "verifier",
    "verified_on",
    "found_on",
    "deadline",
    "visit_id",
    "item_id",
)
_CACHE_VERSION = [3, *FIELDS, *sorted(Finding.model_fields)]  # a model change discards the cache
_SHOWN = tuple(f for f in FIELDS if f not in ("id", "progress", "visit_id", "item_id"))
_CLOSED = FindingStatus.CLOSED
_COMPLETED = VisitStatus.COMPLETED
# Stored code -> member by a dict lookup: a row is built per finding (~50,000 at county scale).
_CATEGORY_OF = {c.value: c for c in FindingCategory}
_SEVERITY_OF = {s.value: s for s in Severity}
_STATUS_OF = {s.value: s for s in FindingStatus}


def _values(f: Finding) -> list[str]:
    return [
        f.id,
        f.category.value,
        f.severity.value,
        f.status.value,
        f.description,
        f.measures,
        f.goal,
        f.progress,
        f.evidence,
        f.responsible.leader,
        f.responsible.person,
        f.verifier,
        f.verified_on.isoformat() if f.verified_on else "",
        f.found_on.isoformat(),
        f.deadline.isoformat() if f.deadline else "",
        f.visit_id or "",
        f.item_id or "",
    ]


@dataclass(slots=True, eq=False)
class LedgerRow:
    """One finding as the ledger shows it: its texts, plus what filtering and
    sorting need, computed once. The Finding itself is loaded on demand."""

    id: str
    branch_id: str
    branch_name: str
    sector: Sector
    initials: str
    category: FindingCategory
    severity: Severity
    status: FindingStatus
    description: str
    goal: str
    measures: str
    leader: str
    person: str
    evidence: str
    verifier: str
    verified_on: date | None
    found_on: date
    deadline: date | None
    deadline_ord: int
    overdue: int
    search: str
    loaded: Finding | None = None

    def cell(self, column: str) -> str:
        """The column's text as tables and exports print it."""
        match column:
            case "branch":
                return self.branch_name
            case "overdue":
                return str(self.overdue) if self.overdue else ""
            case "verifier":
                if not self.verifier:
                    return ""
                return f"{self.verifier}（{self.verified_on.isoformat()}）" if self.verified_on else self.verifier
            case "category" | "severity" | "status":
                return labels.label(getattr(self, column))
            case "found_on" | "deadline":
                day = getattr(self, column)
                return day.isoformat() if day else ""
        if column not in COLUMNS:
            raise KeyError(column)
        return getattr(self, column)


def make_row(values: list[str], summary: BranchSummary, today: date) -> LedgerRow:
    (
        fid,
        category,
        severity,
        status,
        description,
        measures,
        goal,
        progress,
        evidence,
        leader,
        person,
        verifier,
        verified_on,
        found_on,
        deadline,
        _visit_id,
        _item_id,
    ) = values
    status_ = _STATUS_OF[status]
    due = _day(deadline)
    deadline_ord = due.toordinal() if due else _NO_DATE
    overdue = overdue_days(due, today, closed=status_ is _CLOSED)
    # \x00 keeps a query from matching across two fields.
    search = "\x00".join(
        (summary.name, summary.initials, description, measures, goal, progress, evidence, leader, person, verifier)
    ).lower()
    return LedgerRow(
        fid,
        summary.id,
        summary.name,
        summary.sector,
        summary.initials,
        _CATEGORY_OF[category],
        _SEVERITY_OF[severity],
        status_,
        description,
        goal,
        measures,
        leader,
        person,
        evidence,
        verifier,
        _day(verified_on),
        date.fromisoformat(found_on),
        due,
        deadline_ord,
        overdue,
        search,
    )


@lru_cache(maxsize=4096)
def _day(text: str) -> date | None:
    """A stored ISO date as a `date` (None for ""): a county's rows share a few hundred dates."""
    return date.fromisoformat(text) if text else None


def _shown_values(row: LedgerRow) -> dict[str, str]:
    """The row's shown fields as `_values` gives them, to compare with the stored finding."""
    out = {name: getattr(row, name) for name in _SHOWN}
    for name in ("verified_on", "found_on", "deadline"):
        out[name] = out[name].isoformat() if out[name] else ""
    out.update(category=row.category.value, severity=row.severity.value, status=row.status.value)
    return out


@dataclass
class _Branch:
    sig: Any
    values: list[list[str]]
    visits: list[date]  # dates of completed visits, for coverage
    rows: list[LedgerRow] | None = None


# Fields many findings share (codes, dates, the same few people): one string
# each, not one per finding. Texts and ids are left as they are.
_SHARED = tuple(
    i
    for i, name in enumerate(FIELDS)
    if name not in ("id", "description", "measures", "goal", "progress", "evidence", "visit_id", "item_id")
)


def _compact(values: list[list[str]]) -> list[list[str]]:
    """The stored fields with their repeated strings shared (`sys.intern`):
    at county scale a ledger keeps ~50,000 of these lists for the session
    (done when its rows are built; a listing reads them once and goes)."""
    for v in values:
        for i in _SHARED:
            v[i] = intern(v[i])
    return values


class Ledger:
    """Rows of one store, kept fresh cheaply.

    Only branch files changed since the last call (by anyone) are read again.
    Across processes a cache (`<data>/cache/ledger.json`, derived, rebuilt
    when stale) spares a fresh session from reading and validating every
    branch file: at county scale that is what makes the ledger open in time.
    """

    def __init__(self, store: Store):
        self.store = store
        self._branches: dict[str, _Branch] | None = None
        self._rows: dict[str, LedgerRow] = {}
        self._today: date | None = None
        self.summaries: dict[str, BranchSummary] = {}

    def rows(self, today: date | None = None) -> list[LedgerRow]:
        """Every live finding of every live branch, unfiltered: branches in
        pinyin order, each branch's findings by deadline."""
        today = today or clock.today()
        out: list[LedgerRow] = []
        for summary, entry in self._refresh(today):
            if entry.rows is None:
                entry.rows = sorted(
                    (make_row(v, summary, today) for v in _compact(entry.values)),
                    key=lambda r: (r.deadline_ord, r.found_on),
                )
            out.extend(entry.rows)
        self._rows = {r.id: r for r in out}
        return out

    def stored(self, today: date | None = None) -> Iterator[tuple[BranchSummary, list[list[str]]]]:
        """Each live branch (pinyin order) with its live findings' stored
        fields as text (in `FIELDS` order; "" for none): for listings that
        print them, without building a row or a Finding each. Read only."""
        for summary, entry in self._refresh(today or clock.today(), table_only=True):
            yield summary, entry.values

    def _refresh(self, today: date, *, table_only: bool = False) -> list[tuple[BranchSummary, _Branch]]:
        """Each live branch (pinyin order) with its entry, re-read where its file changed;
        `table_only`: the summaries' names suffice (`Store.branch_summaries`), no visit file is checked."""
        if today != self._today:
            self._today = today
            for b in (self._branches or {}).values():
                b.rows = None
        if self._branches is None:
            self._branches = self._load_cache()
        self.summaries = {s.id: s for s in self.store.branch_summaries(table_only=table_only)}
        sigs = self.store.summary_signatures()
        changed = [bid for bid, sig in sigs.items() if bid not in self._branches or self._branches[bid].sig != sig]
        fresh: dict[str, _Branch] = {}
        out: list[tuple[BranchSummary, _Branch]] = []
        for summary in sorted(self.summaries.values(), key=lambda s: (sort_key(s.name, s.pinyin), s.id)):
            bid = summary.id
            entry = self._branches.get(bid)
            if entry is None or entry.sig != sigs[bid]:
                entry = self._read_branch(bid, sigs[bid])
                if entry is None:
                    continue
            fresh[bid] = entry
            out.append((summary, entry))
        self._branches = fresh
        if len(changed) > max(20, len(fresh) // 100):  # a few changes are cheap to re-read next time
            self.save_cache()
        return out

    def _read_branch(self, bid: str, sig: Any) -> _Branch | None:
        """Findings and completed visit dates of one branch, in one fast read;
        the validated Findings are dropped (a row loads its own when acted on)."""
        try:
            findings, index = self.store.findings_and_visits(bid)
        except StoreError:  # unreadable: the store keeps the message in store.errors
            return None
        visits = sorted(v.date for v in index if v.status == _COMPLETED)
        return _Branch(sig, [_values(f) for f in findings], visits)

    def _load_cache(self) -> dict[str, _Branch]:
        try:
            raw = self.store.read_state(CACHE) or {}
        except StoreError:
            return {}
        if raw.get("version") != _CACHE_VERSION:
            return {}
        try:
            out = {
                bid: _Branch(tuple(sig), values, [date.fromisoformat(d) for d in visits])
                for bid, (sig, values, visits) in raw["branches"].items()
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            return {}
        width = len(FIELDS)
        if not all(isinstance(v, list) and len(v) == width for b in out.values() for v in b.values):
            return {}
        try:
            for b in out.values():
                for v in b.values:
                    "".join(v)  # TypeError for a field that is not text, at C speed
        except TypeError:
            return {}
        return out

    def save_cache(self) -> None:
        """Write the derived cache now (done by itself after a large re-read)."""
        payload = {
            "version": _CACHE_VERSION,
            "branches": {bid: [list(b.sig), b.values, b.visits] for bid, b in (self._branches or {}).items()},
        }
        with contextlib.suppress(OSError, StoreError):
            self.store.write_state(CACHE, payload)

    def row(self, finding_id: str) -> LedgerRow | None:
        return self._rows.get(finding_id)

    def visit_dates(self, branch_id: str) -> list[date]:
        """Dates of the branch's completed visits, oldest first, as of the last `rows()`."""
        entry = (self._branches or {}).get(branch_id)
        return entry.visits if entry else []

    def finding(self, row: LedgerRow) -> Finding:
        """The Finding behind a row, as the row shows it, for a status change.

        If it changed on disk since the row was built, raises FindingConflict
        naming what changed, so a decision is never taken on stale facts."""
        from inspector.rectification import FindingConflict, changed_by

        if row.loaded is not None:
            return row.loaded
        current = self.store.get(Finding, row.id, row.branch_id)
        now = dict(zip(FIELDS, _values(current)))
        shown = _shown_values(row)
        theirs = {
            "responsible" if name in ("leader", "person") else name: (shown[name], now[name])
            for name in _SHOWN
            if shown[name] != now[name]
        }
        if theirs:
            raise FindingConflict(current, theirs, current, changed_by(self.store, current, theirs))
        row.loaded = current
        return current

    def move_rows(self, rows: Iterable[LedgerRow], to: FindingStatus, **details: Any) -> list:
        """One status change for the selected rows (see `rectification.move`), each on its own."""
        from inspector.rectification import bulk_move

        return bulk_move(self.store, rows, to, load=self.finding, **details)


def ledger_rows(store: Store, today: date | None = None) -> list[LedgerRow]:
    """Every live finding of every live branch (see `Ledger.rows`)."""
    return Ledger(store).rows(today)


def parse_due_within(text: str) -> int | None:
    """The "due within N days" filter as typed: empty for none, else whole days from 0 (due today)."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise UserError("到期天数须为不小于 0 的整数。")
    return int(text)


@dataclass(frozen=True)
class LedgerFilter:
    """Filters that combine (all given conditions must hold); empty sets mean any.

    `due_within` keeps open findings whose deadline falls from today to N days
    ahead; `overdue` keeps open findings past their deadline.
    """

    statuses: frozenset[FindingStatus] = frozenset()
    branches: frozenset[str] = frozenset()
    sectors: frozenset[Sector] = frozenset()
    categories: frozenset[FindingCategory] = frozenset()
    severities: frozenset[Severity] = frozenset()
    overdue: bool = False
    due_within: int | None = None
    text: str = ""

    def is_empty(self) -> bool:
        return self == LedgerFilter()

    def checks(self, today: date) -> list[Callable[[LedgerRow], bool]]:
        """One test per active condition, cheapest first."""
        checks: list[Callable[[LedgerRow], bool]] = []
        if self.statuses:
            wanted = self.statuses
            checks.append(lambda r: r.status in wanted)
        if self.branches:
            bids = self.branches
            checks.append(lambda r: r.branch_id in bids)
        if self.sectors:
            sectors = self.sectors
            checks.append(lambda r: r.sector in sectors)
        if self.categories:
            cats = self.categories
            checks.append(lambda r: r.category in cats)
        if self.severities:
            sev = self.severities
            checks.append(lambda r: r.severity in sev)
        if self.overdue:
            checks.append(lambda r: r.overdue > 0)
        if self.due_within is not None:
            lo, hi = today.toordinal(), (today + timedelta(days=self.due_within)).toordinal()
            checks.append(lambda r: lo <= r.deadline_ord <= hi and r.status in OPEN_STATUSES)
        words = self.text.lower().split()
        if words:
            checks.extend(_contains(w) for w in words)
        return checks

    def predicate(self, today: date) -> Callable[[LedgerRow], bool]:
        """Whether one row passes (a row just edited, say)."""
        checks = self.checks(today)
        return lambda r: all(c(r) for c in checks)

    def describe(self, branch_names: Mapping[str, str] | None = None) -> str:
        """The filters in one Chinese line (export titles, status bars); with
        `branch_names` (id → name) up to three filtered branches are named."""
        parts = []
        if self.statuses:
            parts.append("状态：" + "、".join(labels.label(s) for s in STATUS_ORDER if s in self.statuses))
        if self.branches:
            names = sorted(branch_names[b] for b in self.branches if b in branch_names) if branch_names else []
            if names and len(names) == len(self.branches) <= 3:
                parts.append("党支部：" + "、".join(names))
            else:
                parts.append(f"党支部：{len(self.branches)}个")
        if self.sectors:
            parts.append("领域：" + "、".join(sorted(labels.label(s) for s in self.sectors)))
        if self.categories:
            parts.append("类别：" + "、".join(labels.label(c) for c in FindingCategory if c in self.categories))
        if self.severities:
            parts.append("程度：" + "、".join(labels.label(s) for s in SEVERITY_ORDER if s in self.severities))
        if self.overdue:
            parts.append("仅逾期")
        if self.due_within is not None:
            parts.append(f"{self.due_within}天内到期")
        if self.text.strip():
            parts.append(f"含「{self.text.strip()}」")
        return "；".join(parts) if parts else "全部"


def _contains(word: str) -> Callable[[LedgerRow], bool]:
    return lambda r: word in r.search


def apply_filter(rows: Iterable[LedgerRow], flt: LedgerFilter, today: date | None = None) -> list[LedgerRow]:
    out = list(rows)
    for keep in flt.checks(today or clock.today()):  # each pass narrows the next
        out = [r for r in out if keep(r)]
    return out


_SORT_KEYS: dict[str, Callable[[LedgerRow], Any]] = {
    "branch": lambda r: sort_key(r.branch_name, ""),
    "category": lambda r: _CATEGORY_RANK[r.category],
    "description": lambda r: r.description,
    "goal": lambda r: r.goal,
    "measures": lambda r: r.measures,
    "leader": lambda r: r.leader,
    "person": lambda r: r.person,
    "deadline": lambda r: r.deadline_ord,
    "status": lambda r: _STATUS_RANK[r.status],
    "overdue": lambda r: r.overdue,
    "found_on": lambda r: r.found_on,
    "severity": lambda r: _SEVERITY_RANK[r.severity],
    "evidence": lambda r: r.evidence,
    "verifier": lambda r: r.verifier,
}
_STATUS_RANK: dict[str, int] = {s: i for i, s in enumerate(STATUS_ORDER)}
_SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITY_ORDER)}
_CATEGORY_RANK: dict[str, int] = {c: i for i, c in enumerate(FindingCategory)}


def sort_rows(rows: Iterable[LedgerRow], column: str = "deadline", *, descending: bool = False) -> list[LedgerRow]:
    """Sort by a column of COLUMNS. Ties keep their order (the ledger gives
    rows by branch in pinyin order, then by deadline), both ways."""
    if column not in _SORT_KEYS:
        raise KeyError(f"不能按此列排序：{column}")
    return sorted(rows, key=_SORT_KEYS[column], reverse=descending)


def branches_matching(summaries: Iterable[BranchSummary], query: str) -> frozenset[str]:
    """Ids of branches whose name or pinyin initials contain `query` (第一支部 ← dyzb)."""
    return frozenset(s.id for s in summaries if matches(query, s.name, s.initials))


@dataclass
class LedgerTotals:
    """The counts a status bar shows for the rows on screen."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)  # FindingStatus keys; rows hold the status as str
    overdue: int = 0


def totals(rows: Iterable[LedgerRow]) -> LedgerTotals:
    out = LedgerTotals(by_status={s: 0 for s in STATUS_ORDER})
    for r in rows:
        out.total += 1
        out.by_status[r.status] += 1
        out.overdue += r.overdue > 0
    return out


def parse_statuses(values: Iterable[str]) -> frozenset[FindingStatus]:
    """Status names as typed, Chinese or codes (未销号 means all open ones)."""
    out: set[FindingStatus] = set()
    for v in values:
        v = v.strip()
        if v == "未销号":
            out |= OPEN_STATUSES
            continue
        try:
            out.add(labels.parse(FindingStatus, v))
        except ValueError:
            raise ValueError(
                f"没有此状态：「{v}」（可选：{'、'.join(labels.labels(FindingStatus))}、未销号）"
            ) from None
    return frozenset(out)


def parse_enum_values(enum: type[E], values: Iterable[str], label: str) -> frozenset[E]:
    """Values as typed, Chinese labels or codes; `label` names the field in the error."""
    out: set[E] = set()
    for v in values:
        try:
            out.add(labels.parse(enum, v))
        except ValueError:
            raise ValueError(f"没有此{label}：「{v.strip()}」（可选：{'、'.join(labels.labels(enum))}）") from None
    return frozenset(out)
