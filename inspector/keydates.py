"""The campaign calendar: key dates of the 2016 plan and what falls due when.

Fixed dates come from the plan, by its sections as `checklists/general.toml`
cites them: a 支部党员大会 each quarter around one study topic (三、1), the
concentrated 党课 around 七一 (三、2), and before year end the 专题组织生活会
(三、3) and 民主评议党员 (三、4). The rest comes from the data: each open
finding's 整改时限, each branch's report-back date for an issued memo
(`inspector/reportback.py`), each scheduled 回头看 and each 整顿方案's 时限.
Every date is worked out here; the calendar screen only lays them out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from inspector import followup as fu
from inspector import reportback as rp
from inspector import weaklax as wl
from inspector.models import WEAKLAX_ENDED, VisitStatus
from inspector.settings import Settings, load_settings
from inspector.store import Store


class Kind(Enum):
    CAMPAIGN = "campaign"  # the plan's own dates, for every branch
    DEADLINE = "deadline"  # a finding's 整改时限
    REPORT = "report"  # a report-back date
    RETURN_VISIT = "return_visit"  # a scheduled 回头看
    RECTIFICATION = "rectification"  # a 整顿方案's 时限


@dataclass(frozen=True)
class Event:
    day: date
    kind: Kind
    title: str
    branch_id: str | None = None


def quarter_ends(year: int) -> list[date]:
    return [date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)]


def campaign_events(settings: Settings) -> list[Event]:
    """The plan's dates inside the campaign's months."""
    start, end = settings.campaign.start, settings.campaign.end
    out = []
    for year in range(start.year, end.year + 1):
        for n, day in enumerate(quarter_ends(year), 1):
            out.append(Event(day, Kind.CAMPAIGN, f"第{n}季度支部党员大会（围绕一个专题）截止"))
        out.append(Event(date(year, 7, 1), Kind.CAMPAIGN, "七一：纪念建党，集中讲一次党课"))
        out.append(Event(date(year, 12, 31), Kind.CAMPAIGN, "年底前召开专题组织生活会、开展民主评议党员"))
    return [e for e in out if start <= e.day <= end]


def data_events(store: Store, settings: Settings, branch_ids: Iterable[str] | None = None) -> list[Event]:
    """Dates from the records: open findings' deadlines, report-back dates not yet met,
    scheduled 回头看 and open 整顿 deadlines (of `branch_ids`, default every branch).

    The folder's summaries (`Store.branch_summaries`) say which branches have an
    issued memo, a visit in progress or a 整顿 at all; only those files are read,
    a few hundred of a county's 2,000."""
    summaries = {s.id: s for s in store.branch_summaries()}
    bids = list(store.branch_ids() if branch_ids is None else branch_ids)
    wanted = set(bids)
    out = []
    for f in store.open_findings():
        if f.branch_id in wanted and f.deadline:
            name = summaries[f.branch_id].name if f.branch_id in summaries else ""
            out.append(Event(f.deadline, Kind.DEADLINE, f"{name}：{f.description}", f.branch_id))
    for bid in bids:
        summary = summaries.get(bid)  # None: a deleted or unreadable branch file, read in full
        name = summary.name if summary is not None else ""
        awaited = rp.awaited(store, bid, settings) if summary is None or summary.memos else None
        if awaited is not None and awaited.received is None:
            out.append(Event(awaited.due, Kind.REPORT, f"{name}：报送整改报告", bid))
        drafts = (
            summary.draft_visits
            if summary is not None
            else [e.id for e in store.visit_index(bid) if e.status == VisitStatus.DRAFT and not e.deleted]
        )
        for vid in drafts:
            visit = store.visit(vid, bid)
            if fu.is_return(visit):
                out.append(Event(visit.date, Kind.RETURN_VISIT, f"{name}：回头看", bid))
        det = wl.current(store.weaklax(bid)) if summary is None or summary.weaklax is not None else None
        if det is not None and det.status not in WEAKLAX_ENDED and det.plan.deadline:
            out.append(Event(det.plan.deadline, Kind.RECTIFICATION, f"{name}：软弱涣散整顿时限", bid))
    return out


def events(store: Store, branch_ids: Iterable[str] | None = None) -> list[Event]:
    """Every key date, in order of day."""
    settings = load_settings(store.root)
    found = campaign_events(settings) + data_events(store, settings, branch_ids)
    return sorted(found, key=lambda e: (e.day, e.kind.value, e.title))


def of_branches(found: Iterable[Event], branch_ids: Collection[str]) -> list[Event]:
    """The dates of `branch_ids` (a person's branches, `inspector/assignments.py`),
    with the plan's own, which every branch keeps."""
    return [e for e in found if e.branch_id is None or e.branch_id in branch_ids]


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week `day` falls in."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def due_this_week(found: Iterable[Event], today: date) -> list[Event]:
    """What falls due in the week of `today`, Monday to Sunday."""
    monday, sunday = week_of(today)
    return [e for e in found if monday <= e.day <= sunday]


def month_grid(year: int, month: int) -> list[list[date | None]]:
    """The month as weeks of 7 days, Monday first, None outside the month."""
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    days = [first + timedelta(days=i) for i in range((nxt - first).days)]
    cells: list[date | None] = [None] * first.weekday() + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def by_day(found: Iterable[Event]) -> dict[date, list[Event]]:
    out: dict[date, list[Event]] = {}
    for e in found:
        out.setdefault(e.day, []).append(e)
    return out
