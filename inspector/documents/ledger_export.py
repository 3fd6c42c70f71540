"""The rectification ledger as files staff hand on: .xlsx, .csv and Word.

The csv starts with a UTF-8 BOM because Excel and WPS otherwise read it as
GBK and garble every Chinese character. The Word file is a landscape A4 table
on the same page, fonts and page numbers as the memo (`officialdoc`); its
columns are wide enough that no header breaks inside a word. The workbook is
built by `ledger_xlsx`. All take rows already filtered and sorted, so a file
shows what the screen showed, and each row also says its branch's 整改报告
state (`reports`, from `inspector.reportback.report_cells`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from inspector.errors import StoreError
from inspector.ledger.rows import COLUMNS, LedgerRow
from inspector.reportback import REPORT_HEADER

FORMATS = ("xlsx", "csv", "docx")
# The branch's 整改报告 state: a column of the files, not of the ledger's rows.
REPORT = "report"
HEADERS = {**COLUMNS, REPORT: REPORT_HEADER}
# Above this many rows a Word ledger runs to hundreds of pages: the workbook is offered instead.
DOCX_ADVISED_ROWS = 2000
# 序号 first, then ledger columns; the csv carries the extra ones too.
CSV_COLUMNS = (
    "branch",
    "category",
    "severity",
    "description",
    "goal",
    "measures",
    "leader",
    "person",
    "deadline",
    "status",
    "overdue",
    "found_on",
    "evidence",
    "verifier",
    REPORT,
)
# Landscape 版心 is 225 mm wide; widths (mm) sum to it. Each header fits on
# one line at DOCX_TABLE_SIZE (tests/test_export.py checks), so 具体责任人 never
# breaks as 具体责任/人; the status cell also says how many days overdue.
DOCX_COLUMNS: tuple[tuple[str, float], ...] = (
    ("branch", 21),
    ("category", 17),
    ("severity", 17),
    ("description", 25),
    ("goal", 21.5),
    ("measures", 25),
    ("leader", 17),
    ("person", 21),
    ("deadline", 17),
    ("status", 17),
    (REPORT, 17),
)
SEQ_HEADER, SEQ_WIDTH = "序号", 9.5
DOCX_TABLE_SIZE = 10.5  # 五号
DOCX_CELL_MARGINS_MM = 2.0  # left and right cell margins of officialdoc.add_table
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(text: str) -> str:
    """A cell Excel/WPS would run as a formula (=HYPERLINK…) is kept as text."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cell(row: LedgerRow, column: str, reports: Mapping[str, str]) -> str:
    return reports.get(row.branch_id, "") if column == REPORT else row.cell(column)


def ledger_csv(rows: Sequence[LedgerRow], reports: Mapping[str, str] | None = None) -> bytes:
    """The rows as csv; `reports` gives each branch's 整改报告 state by branch id."""
    reports = reports or {}
    buf = io.StringIO(newline="")
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow([SEQ_HEADER, *(HEADERS[c] for c in CSV_COLUMNS)])
    for n, row in enumerate(rows, 1):
        out.writerow([n, *(_csv_safe(_cell(row, c, reports)) for c in CSV_COLUMNS)])
    return buf.getvalue().encode("utf-8-sig")


def ledger_docx(
    rows: Sequence[LedgerRow],
    *,
    fonts,
    title: str,
    subtitle: str,
    when: date,
    author: str,
    reports: Mapping[str, str] | None = None,
) -> bytes:
    """A landscape A4 ledger: 2号 title, one line saying what is shown, the table."""
    from inspector.documents import officialdoc as od

    doc = od.new_document(fonts, landscape=True)
    od.add_title(doc, [title], fonts=fonts)
    od.add_paragraph(doc, subtitle, od.PLAIN, fonts=fonts, size=od.SIZE_SMALL_4)
    reports = reports or {}
    columns = [od.Column(SEQ_HEADER, SEQ_WIDTH, "center")] + [
        od.Column(HEADERS[c], w, "center" if c in ("deadline", "status", "overdue", REPORT) else "left")
        for c, w in DOCX_COLUMNS
    ]

    def cell(row: LedgerRow, column: str) -> str:  # dates as GB/T 9704 writes them
        if column == "deadline" and row.deadline:
            return od.chinese_date(row.deadline)
        if column == "status" and row.overdue:
            return f"{row.cell(column)}\n逾期{row.overdue}天"
        return _cell(row, column, reports)

    table = ([n, *(cell(r, c) for c, _ in DOCX_COLUMNS)] for n, r in enumerate(rows, 1))
    od.add_table(doc, columns, table, fonts=fonts, size=DOCX_TABLE_SIZE)
    od.set_properties(doc, title=title, author=author, when=when)
    return od.to_bytes(doc)


def export_ledger(
    rows: Sequence[LedgerRow],
    path: str | Path,
    fmt: str,
    *,
    force: bool = False,
    fonts=None,
    committee: str = "",
    filters: str = "全部",
    when: date,
    author: str = "",
    reports: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write the rows to `path` (whole or not at all; an existing file only with
    `force`). `reports` gives each branch's 整改报告 state by branch id
    (`reportback.report_cells`); `progress(done, total)` follows a long workbook."""
    from inspector.documents.officialdoc import write_new_file

    path = Path(path).expanduser()
    title = f"{committee}党支部问题整改台账" if committee else "党支部问题整改台账"
    if fmt == "xlsx":
        from inspector.documents.ledger_xlsx import ledger_xlsx

        subtitle = f"截至{when.isoformat()}　筛选：{filters}　共{len(rows)}条"
        payload = ledger_xlsx(rows, title=title, subtitle=subtitle, today=when, reports=reports, progress=progress)
    elif fmt == "csv":
        payload = ledger_csv(rows, reports)
    elif fmt == "docx":
        from inspector.documents.officialdoc import chinese_date
        from inspector.settings import MemoFonts

        subtitle = f"截至{chinese_date(when)}　筛选：{filters}　共{len(rows)}条"
        payload = ledger_docx(
            rows, fonts=fonts or MemoFonts(), title=title, subtitle=subtitle, when=when, author=author, reports=reports
        )
    else:
        raise StoreError(f"不支持的导出格式：{fmt}（可选：{'、'.join(FORMATS)}）")
    write_new_file(path, payload, force=force)
    return path


def export_ledger_apart(
    rows: Sequence[LedgerRow],
    path: str | Path,
    fmt: str,
    *,
    progress: Callable[[int, int], None] | None = None,
    **kwargs: Any,
) -> Path:
    """`export_ledger` in a process of its own: a Word ledger of 50,000 rows
    takes hundreds of MB while it is built, which a long-running app (several
    clerks' on one server) would otherwise keep after the export. `progress`
    is called here as the child reports it (a callable cannot cross to the
    child). Errors come back as `export_ledger` raises them."""
    import pickle
    import subprocess
    import sys

    job = pickle.dumps((list(rows), str(path), fmt, kwargs, progress is not None))
    code = "from inspector.documents.ledger_export import _export_job; _export_job()"
    with subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as child:
        assert child.stdin and child.stdout and child.stderr
        child.stdin.write(job)
        child.stdin.close()
        errors = []
        for line in child.stderr:  # "done total" lines while it runs, anything else is an error's text
            done, _, total = line.decode(errors="replace").partition(" ")
            if progress and done.isdigit() and total.strip().isdigit():
                progress(int(done), int(total))
            else:
                errors.append(line.decode(errors="replace"))
        out = child.stdout.read()
    try:
        ok, result = pickle.loads(out)
    except (pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise StoreError(f"导出进程意外退出（{''.join(errors).strip()[-200:]}）") from exc
    if not ok:
        raise result
    return Path(result)


def _export_job() -> None:
    """The child side of `export_ledger_apart`: the job on stdin, progress on
    stderr, (ok, path or error) on stdout."""
    import pickle
    import sys

    rows, path, fmt, kwargs, report = pickle.loads(sys.stdin.buffer.read())
    if report:
        kwargs["progress"] = lambda done, total: print(done, total, file=sys.stderr, flush=True)
    try:
        answer: tuple[bool, Any] = (True, str(export_ledger(rows, path, fmt, **kwargs)))
    except Exception as exc:  # handed to the parent, which raises it
        answer = (False, exc)
    sys.stdout.buffer.write(pickle.dumps(answer))
