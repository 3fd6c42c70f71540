"""The rectification ledger as an Excel workbook (the file the office opens).

Sheet 台账: one row per finding with the 四明确 apart, dates as real dates,
the header frozen and filtered, 状态 a drop-down list, and rows past their
deadline on the export day shaded by a conditional format on 整改时限 and 状态,
so the shading stays right after a clerk changes a status in the file. Sheet 按支部汇总:
the counts by branch (`inspector/ledger/summary.py`).

openpyxl's write-only mode streams rows to a temp file: 50,000 rows stay far
under the memory a full workbook model would take. openpyxl is imported here
only, when a workbook is written.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date

from inspector import labels
from inspector.ledger.rows import STATUS_ORDER, LedgerRow
from inspector.ledger.summary import count_by, rate
from inspector.models import FindingStatus
from inspector.text import clean

SHEET_ROWS, SHEET_SUMMARY = "整改台账", "按支部汇总"
# (header, value of a row); a header's column letter is its place in this list.
XLSX_COLUMNS: tuple[tuple[str, Callable[[LedgerRow], object]], ...] = (
    ("党支部", lambda r: r.branch_name),
    ("领域", lambda r: labels.label(r.sector)),
    ("问题类别", lambda r: labels.label(r.category)),
    ("严重程度", lambda r: labels.label(r.severity)),
    ("问题描述", lambda r: r.description),
    ("整改目标", lambda r: r.goal),
    ("整改措施", lambda r: r.measures),
    ("责任领导", lambda r: r.leader),
    ("具体责任人", lambda r: r.person),
    ("整改时限", lambda r: r.deadline),
    ("状态", lambda r: labels.label(r.status)),
    ("逾期天数", lambda r: r.overdue or None),
    ("发现日期", lambda r: r.found_on),
    ("佐证材料", lambda r: r.evidence),
    ("验收人", lambda r: r.verifier),
    ("验收日期", lambda r: r.verified_on),
)
SUMMARY_HEADERS = ("党支部", "领域", "问题总数", *(labels.label(s) for s in STATUS_ORDER), "逾期", "销号率")
SEQ_HEADER = "序号"
WRAPPED = ("问题描述", "整改目标", "整改措施", "佐证材料")
MAX_WIDTH = 40  # characters: longer texts wrap in the cell instead of widening the sheet
DATE_FORMAT = "yyyy-mm-dd"
PROGRESS_EVERY = 2000
_FORMULA_START = ("=", "+", "-", "@")
_WIDE = frozenset("WFA")


def _text(value: str) -> str:
    """Controls removed (openpyxl refuses them); a text Excel would read as a formula stays text."""
    value = clean(value, multiline=True)
    return "'" + value if value.startswith(_FORMULA_START) else value


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a Chinese character two, others one."""
    return sum(2 if unicodedata.east_asian_width(c) in _WIDE else 1 for c in text)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _widths(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[float]:
    """Each column as wide as its widest line (header in bold counts a little more), capped."""
    widest = [display_width(h) + 4 for h in headers]  # room for the filter button
    for row in rows:
        for i, value in enumerate(row):
            if isinstance(value, str):
                if 2 * len(value) <= widest[i] or widest[i] >= MAX_WIDTH:  # cannot widen it: skip the measuring
                    continue
                w = max(display_width(line) for line in value.split("\n"))
            elif isinstance(value, date):
                w = 10
            else:
                w = len(str(value)) if value is not None else 0
            if w > widest[i]:
                widest[i] = w
    return [min(w, MAX_WIDTH) + 2 for w in widest]


def ledger_xlsx(
    rows: Sequence[LedgerRow],
    *,
    title: str,
    subtitle: str,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The workbook as bytes. `progress(done, total)` is called every few thousand rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    headers = [SEQ_HEADER, *(h for h, _ in XLSX_COLUMNS)]
    values = [
        [n, *(_text(v) if isinstance(v, str) else v for v in (get(r) for _, get in XLSX_COLUMNS))]
        for n, r in enumerate(rows, 1)
    ]
    wb = Workbook(write_only=True)
    wb.properties.title = clean(title)
    wb.properties.subject = clean(subtitle)
    ws = wb.create_sheet(SHEET_ROWS)
    last = len(values) + 1
    col = {h: _letter(i) for i, h in enumerate(headers, 1)}
    for i, width in enumerate(_widths(headers, values), 1):
        ws.column_dimensions[_letter(i)].width = width
    ws.freeze_panes = "B2"  # the header and the branch stay in sight
    ws.auto_filter.ref = f"A1:{_letter(len(headers))}{last}"
    status_labels = ",".join(labels.label(s) for s in STATUS_ORDER)
    valid = DataValidation(type="list", formula1=f'"{status_labels}"', allow_blank=False)
    valid.error, valid.errorTitle = f"状态只能是：{status_labels.replace(',', '、')}", "状态"
    valid.add(f"{col['状态']}2:{col['状态']}{max(last, 2)}")
    ws.data_validations.append(valid)
    deadline, status = col["整改时限"], col["状态"]
    closed = labels.label(FindingStatus.CLOSED)
    as_of = f"DATE({today.year},{today.month},{today.day})"  # the day the 逾期天数 column counts from
    ws.conditional_formatting.add(
        f"A2:{_letter(len(headers))}{max(last, 2)}",
        FormulaRule(
            formula=[f'AND(${deadline}2<>"",${deadline}2<{as_of},${status}2<>"{closed}")'],
            fill=PatternFill(fill_type="solid", start_color="FFF4CCCC", end_color="FFF4CCCC"),
            font=Font(color="FF9C0006"),
        ),
    )
    ws.append(_header(ws, headers))
    wrap = Alignment(wrap_text=True, vertical="top")
    long_texts = [headers.index(h) for h in WRAPPED]
    total = len(values)
    for done, row in enumerate(values, 1):
        for i in long_texts:  # long texts wrap inside their column
            if row[i]:
                cell = row[i] = WriteOnlyCell(ws, row[i])
                cell.alignment = wrap
        ws.append(row)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    _summary_sheet(wb, rows)
    buf = io.BytesIO()
    wb.save(buf)
    if progress:
        progress(total, total)
    return buf.getvalue()


def _header(ws, headers: Sequence[str]) -> list:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center")
    out = []
    for h in headers:
        cell = WriteOnlyCell(ws, h)
        cell.font, cell.alignment = bold, centre
        out.append(cell)
    return out


def _summary_sheet(wb, rows: Sequence[LedgerRow]) -> None:
    from openpyxl.cell import WriteOnlyCell

    ws = wb.create_sheet(SHEET_SUMMARY)
    by_branch = count_by(rows, lambda r: (r.branch_id, r.branch_name, labels.label(r.sector)))
    values = [
        [name, sector, c.total, *(c.by_status[s] for s in STATUS_ORDER), c.overdue, rate(c.closed, c.total)]
        for (_, name, sector), c in by_branch.items()
    ]
    for i, width in enumerate(_widths(SUMMARY_HEADERS, values), 1):
        ws.column_dimensions[_letter(i)].width = width
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{_letter(len(SUMMARY_HEADERS))}{len(values) + 1}"
    ws.append(_header(ws, SUMMARY_HEADERS))
    for row in values:
        cell = row[-1] = WriteOnlyCell(ws, row[-1])
        cell.number_format = "0.0%"
        ws.append(row)
