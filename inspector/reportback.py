"""整改报告: the branch reports back in writing after the memo, and who has not.

The memo asks for the report within `Settings.memo_report_back_days` of its
receipt (「收到本意见后30日内」, `inspector/documents/memo.py`); the
report-back date is counted from the 成文日期 of the issued memo, the only
date the committee knows for sure. A visit without an issued memo expects
no report yet. The report is kept on the visit whose memo it answers: the
day it came, the file (copied into the data folder, size-limited, see
`inspector/store/attachments.py`), who reviewed it and the conclusion.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from inspector import clock
from inspector.errors import StoreError, UserError
from inspector.models import MemoRecord, RectificationReport, Visit, VisitKind, VisitStatus, utcnow
from inspector.settings import Settings, load_settings
from inspector.store import Store, attachments
from inspector.store.index import ISSUED_NEEDLE, IssuedMemo


class ReportError(UserError):
    """A 整改报告 refused, with one Chinese line saying why."""


def issued_memo(visit: Visit) -> MemoRecord | None:
    """The first issued memo of the visit: the branch has had it since its 成文日期."""
    return next((m for m in visit.memos if m.issued_on is not None), None)


def report_due(visit: Visit, settings: Settings) -> date | None:
    """The report-back date: the issued memo's 成文日期 plus the days it gives; None before it is issued."""
    memo = issued_memo(visit)
    if memo is None or memo.issued_on is None or visit.visit_kind != VisitKind.GUIDANCE:
        return None
    return memo.issued_on + timedelta(days=settings.memo_report_back_days)


def read_file(path: Path) -> tuple[str, bytes]:
    """The file a user picked: its name and bytes, refused with one line when unreadable or too large."""
    path = Path(path).expanduser()
    try:
        size = path.stat().st_size
        if size > attachments.MAX_BYTES:
            raise attachments.AttachmentTooLarge(size)
        if not path.is_file():
            raise ReportError(f"不是文件：{path}")
        return path.name, path.read_bytes()
    except FileNotFoundError:
        raise ReportError(f"找不到文件：{path}") from None
    except PermissionError:
        raise ReportError(f"没有权限读取文件：{path}") from None
    except OSError as exc:
        raise ReportError(f"无法读取文件：{path}（{exc.strerror or exc}）") from exc


def record_report(
    store: Store,
    visit: Visit,
    *,
    received_on: date,
    file: Path | None = None,
    reviewer: str = "",
    conclusion: str = "",
) -> Visit:
    """Keep the branch's report on the visit whose memo it answers (a second one replaces the first, in history)."""
    if visit.visit_kind != VisitKind.GUIDANCE or visit.status != VisitStatus.COMPLETED:
        raise ReportError("整改报告对应已完成的现场指导（其反馈意见要求报送）")
    if received_on > clock.today():
        raise ReportError(f"收到日期不能晚于今天（{received_on.isoformat()}）")
    if received_on < visit.date:
        raise ReportError(f"收到日期不能早于现场指导日期（{visit.date.isoformat()}）")
    fields: dict[str, object] = {}
    if file is not None:
        name, data = read_file(file)
        fields = {"file_name": name, "attachment": attachments.keep(store, data), "size": len(data)}
    report = RectificationReport(
        received_on=received_on,
        reviewer=reviewer.strip(),
        conclusion=conclusion.strip(),
        who=store.user,
        at=utcnow(),
        **fields,  # type: ignore[arg-type]
    )
    with store.lock():
        current = store.visit(visit.id, visit.branch_id)
        if file is None and current.report is not None:  # keep the file already attached
            report = report.model_copy(
                update={k: getattr(current.report, k) for k in ("file_name", "attachment", "size")}
            )
        return store.save(current.model_copy(update={"report": report}), base=current)


def export_attachment(store: Store, visit: Visit, folder: Path) -> Path:
    """Copy the report's file out of the data folder into `folder`, under its received name."""
    from inspector.documents.officialdoc import safe_filename, write_new_file

    report = visit.report
    if report is None or not report.attachment:
        raise ReportError("该整改报告没有附件")
    data = attachments.read(store.root, report.attachment)
    if data is None:
        raise ReportError("本机还没有该附件（可能在另一台电脑上，导入其同步包后即可取出）")
    stem, dot, suffix = report.file_name.rpartition(".")
    path = Path(folder).expanduser() / safe_filename(stem or report.file_name, f".{suffix}" if dot else "")
    write_new_file(path, data)
    return path


@dataclass(frozen=True)
class Awaited:
    """A branch whose report on a visit's memo is awaited: due on `due`, received or not."""

    branch_id: str
    visit: Visit
    due: date

    @property
    def received(self) -> date | None:
        return self.visit.report.received_on if self.visit.report else None

    def days_late(self, today: date) -> int:
        """Days past the report-back date without a report (a report received late counts up to its day)."""
        end = self.received or today
        return max(0, (end - self.due).days)

    def missing(self, today: date) -> bool:
        return self.received is None and today > self.due


def latest_awaited(bid: str, visits: Iterable[Visit], settings: Settings) -> Awaited | None:
    """Of these visits of one branch, the latest whose issued memo asks for a report."""
    best: Awaited | None = None
    for visit in visits:
        due = None if visit.deleted else report_due(visit, settings)
        if due is not None and (best is None or (visit.date, visit.id) > (best.visit.date, best.visit.id)):
            best = Awaited(bid, visit, due)
    return best


def _issued_visits(store: Store, bid: str) -> list[Visit]:
    """The branch's completed visits with an issued memo. Their files are searched as bytes and
    only those few are read: at county scale most visits have none."""
    return [
        store.visit(entry.id, bid)
        for entry in store.visit_index(bid)
        if not entry.deleted
        and entry.status == VisitStatus.COMPLETED
        and store.visit_file_has(bid, entry.id, ISSUED_NEEDLE)
    ]


def awaited(store: Store, bid: str, settings: Settings | None = None) -> Awaited | None:
    """The report the branch owes for its latest visit with an issued memo, if any."""
    return latest_awaited(bid, _issued_visits(store, bid), settings or load_settings(store.root))


#: The ledger exports' column of `state_cell`.
REPORT_HEADER = "整改报告"


def state_cell(awaiting: Awaited | None, today: date) -> str:
    """The branch's report in a few words (a ledger export's column): "" when none is asked for."""
    return "" if awaiting is None else _cell(awaiting.received, awaiting.due, today)


def _cell(received: date | None, due: date, today: date) -> str:
    if received is not None:
        return f"{received.isoformat()}收到"
    if today > due:
        return f"逾期{(today - due).days}天未报"
    return f"{due.isoformat()}前报送"


def state_line(awaiting: Awaited | None, today: date) -> str:
    """The branch's report as the branch and ledger screens say it: "" when none is asked for."""
    cell = state_cell(awaiting, today)
    return f"{REPORT_HEADER}{cell}" if cell else ""


def _latest_memos(store: Store) -> Iterator[tuple[str, IssuedMemo, date]]:
    """Each branch's latest guidance visit with an issued memo, with its report-back date:
    from the branch summaries (the folder's derived index keeps each visit's issued memo
    and report), so no visit file is read."""
    days = timedelta(days=load_settings(store.root).memo_report_back_days)
    for s in store.branch_summaries():
        memo = max((m for m in s.memos if m.guidance), key=lambda m: (m.visit_date, m.visit_id), default=None)
        if memo is not None:
            yield s.id, memo, memo.issued_on + days


def report_cells(store: Store, today: date) -> dict[str, str]:
    """`state_cell` of every branch asked for a report, by branch id: the ledger exports' column."""
    return {bid: _cell(memo.received_on, due, today) for bid, memo, due in _latest_memos(store)}


def missing_reports(store: Store, today: date | None = None) -> list[Awaited]:
    """Branches past their report-back date without a report, the longest late first
    (only the late branches' visits are read)."""
    today = today or clock.today()
    out = []
    for bid, memo, due in _latest_memos(store):
        if memo.received_on is not None or today <= due:
            continue
        try:
            visit = store.visit(memo.visit_id, bid)
        except StoreError:  # changed or damaged since: named in store.errors, counted next time
            continue
        out.append(Awaited(bid, visit, due))
    return sorted(out, key=lambda a: (-a.days_late(today), a.branch_id))
