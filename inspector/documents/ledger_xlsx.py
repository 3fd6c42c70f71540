"""The rectification ledger as an Excel workbook (the file the office opens).

Sheet 台账: one row per finding with the 四明确 apart, dates as real dates,
the header frozen and filtered, 状态 a drop-down list, and rows past their
deadline on the export day shaded by a conditional format on 整改时限 and 状态,
so the shading stays right after a clerk changes a status in the file; the last
column is the branch's 整改报告 state. Sheet 按支部汇总: the counts by branch
(`inspector/ledger/summary.py`) and the same state.

XlsxWriter writes it: openpyxl's write-only mode spent about 45 µs of Python
per cell (a 50,000-row ledger took 40 s of CPU), XlsxWriter about a third of
that, with a handful of shared formats instead of a style per cell. The short
texts are cleaned and measured once per distinct value for the column widths.
The data cells of sheet 整改台账 skip XlsxWriter's per-cell Python
(some 85% of the time): XlsxWriter writes the workbook with one blank row of
the data formats, and that row in its sheet XML is replaced by rows this module
writes itself (texts escaped once per distinct value, inline strings), their
style indices read from the blank row's cells, the only public place they
appear. Each sheet prints on A3 across, all columns on the page's width, the
header row on every page, each row as tall as its longest wrapped text.
XlsxWriter is imported here only, when a workbook is written.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import date
from enum import Enum

from inspector import labels
from inspector.ledger.rows import STATUS_ORDER, LedgerRow
from inspector.ledger.summary import count_by, rate
from inspector.models import FindingStatus
from inspector.reportback import REPORT_HEADER
from inspector.text import clean


class Kind(Enum):
    """How a column's cells are written."""

    TEXT = "text"
    LONG = "long"  # wraps inside its column
    DATE = "date"  # a real date in the sheet
    NUMBER = "number"


SHEET_ROWS, SHEET_SUMMARY = "整改台账", "按支部汇总"
# (header, value of a row, kind); a header's column letter is its place in this list, after 序号.
XLSX_COLUMNS: tuple[tuple[str, Callable[[LedgerRow], object], Kind], ...] = (
    ("党支部", lambda r: r.branch_name, Kind.TEXT),
    ("领域", lambda r: labels.label(r.sector), Kind.TEXT),
    ("问题类别", lambda r: labels.label(r.category), Kind.TEXT),
    ("严重程度", lambda r: labels.label(r.severity), Kind.TEXT),
    ("问题描述", lambda r: r.description, Kind.LONG),
    ("整改目标", lambda r: r.goal, Kind.LONG),
    ("整改措施", lambda r: r.measures, Kind.LONG),
    ("责任领导", lambda r: r.leader, Kind.TEXT),
    ("具体责任人", lambda r: r.person, Kind.TEXT),
    ("整改时限", lambda r: r.deadline, Kind.DATE),
    ("状态", lambda r: labels.label(r.status), Kind.TEXT),
    ("逾期天数", lambda r: r.overdue, Kind.NUMBER),
    ("发现日期", lambda r: r.found_on, Kind.DATE),
    ("佐证材料", lambda r: r.evidence, Kind.LONG),
    ("验收人", lambda r: r.verifier, Kind.TEXT),
    ("验收日期", lambda r: r.verified_on, Kind.DATE),
)
SUMMARY_HEADERS = (
    "党支部",
    "领域",
    "问题总数",
    *(labels.label(s) for s in STATUS_ORDER),
    "逾期",
    "销号率",
    REPORT_HEADER,
)
SEQ_HEADER = "序号"
MAX_WIDTH = 40  # characters: no short-text column grows wider
LONG_WIDTH = 30  # characters: the width of a column whose texts wrap
LINE_HEIGHT = 16  # points a wrapped line takes (spreadsheets do not grow rows on opening a file)
MAX_LINES = 409 // LINE_HEIGHT  # Excel refuses a row taller than 409 points; the rest of the text scrolls
DATE_FORMAT = "yyyy-mm-dd"
PROGRESS_EVERY = 2000
_FORMULA_START = ("=", "+", "-", "@")
_WIDE = frozenset("WFA")
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()


def _serial(day: date) -> int:
    """The day as Excel counts it (what a date cell holds under its number format)."""
    return day.toordinal() - _EXCEL_EPOCH


def _letter(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(index)


def _text(value: str) -> str:
    """Controls removed; a text Excel would read as a formula stays text."""
    value = clean(value, multiline=True)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _page_text(text: str) -> str:
    """A text for a printed page's header, where & starts a code."""
    return clean(text).replace("&", "&&")[:100]


def _lines(text: str) -> int:
    """The lines a wrapped text takes (counting every character as a Chinese one: never too few),
    at most as many as the tallest row Excel opens shows."""
    return min(MAX_LINES, sum(-(-2 * len(line) // (LONG_WIDTH + 2)) or 1 for line in text.split("\n")))


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a Chinese character two, others one."""
    return sum(2 if unicodedata.east_asian_width(c) in _WIDE else 1 for c in text)


class _Sheet:
    """One sheet: its bold header frozen with the first column and filtered, and
    its text columns widened to their widest line (capped) as rows are written."""

    def __init__(
        self,
        wb,
        formats: _Formats,
        name: str,
        headers: Sequence[str],
        rows: int,
        *,
        title: str,
        note: str,
        wrapped: Collection[str] = (),
    ) -> None:
        self.ws = ws = wb.add_worksheet(name)
        self.formats = formats
        # room for the filter button; the wrapping columns as wide as LONG_WIDTH
        self.widest = [LONG_WIDTH if h in wrapped else display_width(h) + 4 for h in headers]
        self._seen: list[dict[str, str]] = [{} for _ in headers]
        ws.freeze_panes(1, 1)  # the header and the branch stay in sight
        ws.autofilter(0, 0, rows, len(headers) - 1)
        # Printed: A3 across, all columns on the page's width, the header row on
        # every page, cell lines, the title above and the page number below.
        ws.set_paper(8)  # A3: seventeen columns stay readable
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.hide_gridlines(0)
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
        ws.set_header(f"&L&9{_page_text(note)}&C&14{_page_text(title)}")
        ws.set_footer("&C第 &P 页　共 &N 页")
        for i, h in enumerate(headers):
            ws.write_string(0, i, h, formats.header)

    def shown(self, col: int, value: str) -> str:
        """A short text, cleaned and measured once however often the column repeats it."""
        shown = self._seen[col].get(value)
        if shown is None:
            shown = self._seen[col][value] = self._measure(col, _text(value))
        return shown

    def text(self, row: int, col: int, value: str) -> None:
        self.ws.write_string(row, col, self.shown(col, value), self.formats.plain)

    def long(self, row: int, col: int, value: str) -> int:
        """A long text (seldom repeated), wrapped inside its column; the lines it takes."""
        value = _text(value)
        self.ws.write_string(row, col, value, self.formats.wrap)
        return _lines(value)

    def _measure(self, col: int, value: str) -> str:
        widest = self.widest[col]
        if widest < MAX_WIDTH and 2 * len(value) > widest:  # else it cannot widen the column
            self.widest[col] = max(widest, *(display_width(line) for line in value.split("\n")))
        return value

    def fit(self) -> None:
        for i, width in enumerate(self.widest):
            self.ws.set_column(i, i, min(width, MAX_WIDTH) + 2)


class _Formats:
    """The few cell formats the workbook shares (one object each, not one per cell)."""

    def __init__(self, wb) -> None:
        # every cell centred in its row's height, as the wrapped texts make rows tall
        self.header = wb.add_format({"bold": True, "align": "center", "valign": "vcenter"})
        self.plain = wb.add_format({"valign": "vcenter"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "vcenter"})
        self.date = wb.add_format({"num_format": DATE_FORMAT, "align": "center", "valign": "vcenter"})
        self.percent = wb.add_format({"num_format": "0.0%", "valign": "vcenter"})


def ledger_xlsx(
    rows: Sequence[LedgerRow],
    *,
    title: str,
    subtitle: str,
    today: date,
    reports: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    spliced: bool = True,
) -> bytes:
    """The workbook as bytes. `reports` gives each branch's 整改报告 state by branch
    id; `progress(done, total)` is called every few thousand rows. `spliced=False`
    writes every cell through XlsxWriter (the reference the tests compare with)."""
    import xlsxwriter

    buf = io.BytesIO()
    # Not constant_memory: the header, the summary sheet and unspliced rows keep
    # shared strings (a repeated text escaped once); the spliced rows are inline.
    wb = xlsxwriter.Workbook(buf)
    wb.set_properties({"title": clean(title), "subject": clean(subtitle)})
    formats = _Formats(wb)
    reports = reports or {}
    report = (REPORT_HEADER, lambda r: reports.get(r.branch_id, ""), Kind.TEXT)
    headers = [SEQ_HEADER, *(h for h, _, _ in XLSX_COLUMNS), REPORT_HEADER]
    total = len(rows)
    wrapped = [h for h, _, kind in XLSX_COLUMNS if kind is Kind.LONG]
    sheet = _Sheet(wb, formats, SHEET_ROWS, headers, total, title=title, note=subtitle, wrapped=wrapped)
    ws = sheet.ws
    _status_rules(wb, ws, headers, max(total, 1), today)  # the header-only sheet keeps them on row 2
    columns = [(i, get, kind) for i, (_, get, kind) in enumerate((*XLSX_COLUMNS, report), 1)]
    if not spliced:
        _write_rows(sheet, columns, rows, progress)
    elif rows:
        for c, get, kind in columns:  # the short texts measured before the widths are set
            if kind is Kind.TEXT:
                for value in {get(row) for row in rows} - {""}:
                    sheet.shown(c, value)  # type: ignore[arg-type]
        ws.write_blank(1, 0, None, formats.plain)
        for c, _, kind in columns:
            ws.write_blank(1, c, None, _KIND_FORMAT[kind](formats))
    sheet.fit()
    _summary_sheet(wb, formats, rows, title, subtitle, reports)
    wb.close()
    if spliced and rows:
        buf = _splice(buf, sheet, columns, rows, progress)
    if progress:
        progress(total, total)
    return buf.getvalue()


_KIND_FORMAT = {
    Kind.TEXT: lambda f: f.plain,
    Kind.NUMBER: lambda f: f.plain,
    Kind.LONG: lambda f: f.wrap,
    Kind.DATE: lambda f: f.date,
}
Columns = Sequence[tuple[int, Callable[[LedgerRow], object], Kind]]


def _write_rows(
    sheet: _Sheet, columns: Columns, rows: Sequence[LedgerRow], progress: Callable[[int, int], None] | None
) -> None:
    """Every data cell through XlsxWriter: the reference the spliced rows must equal."""
    ws, formats, total = sheet.ws, sheet.formats, len(rows)
    for r, row in enumerate(rows, 1):
        ws.write_number(r, 0, r, formats.plain)
        lines = 1
        for c, get, kind in columns:
            value = get(row)
            if not value:  # nothing to write: no date, no text, not overdue
                continue
            if kind is Kind.DATE:
                ws.write_number(r, c, _serial(value), formats.date)  # type: ignore[arg-type]
            elif kind is Kind.NUMBER:
                ws.write_number(r, c, value, formats.plain)
            elif kind is Kind.LONG:
                lines = max(lines, sheet.long(r, c, value))  # type: ignore[arg-type]
            else:
                sheet.text(r, c, value)  # type: ignore[arg-type]
        if lines > 1:
            ws.set_row(r, LINE_HEIGHT * lines)
        if progress and r % PROGRESS_EVERY == 0:
            progress(r, total)


SHEET_PART = "xl/worksheets/sheet1.xml"  # XlsxWriter names sheets' parts by their order
_TEMPLATE_ROW = re.compile(rb'<row r="2"[^>]*>(.*?)</row>')
_TEMPLATE_CELL = re.compile(rb'<c r="([A-Z]+)2" s="(\d+)"/>')
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
_ESCAPED = re.compile("_x[0-9a-fA-F]{4}_")  # a text Excel would read as an escaped character


def _xml_text(value: str) -> str:
    """A cleaned text as the content of an inline string's <t> element."""
    value = _ESCAPED.sub(lambda m: "_x005F" + m.group(), value)
    value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<is><t{space}>{value}</t></is>"


def _splice(
    buf: io.BytesIO,
    sheet: _Sheet,
    columns: Columns,
    rows: Sequence[LedgerRow],
    progress: Callable[[int, int], None] | None,
) -> io.BytesIO:
    """The workbook with its data sheet's blank template row replaced by the rows."""
    with zipfile.ZipFile(buf) as src:
        xml = src.read(SHEET_PART)
        template = _TEMPLATE_ROW.search(xml)
        if template is None:
            raise RuntimeError(f"XlsxWriter wrote no template row in {SHEET_PART}")
        style = {m[1].decode(): m[2].decode() for m in _TEMPLATE_CELL.finditer(template[1])}
        letters = [_letter(c) for c in range(len(columns) + 1)]
        if set(style) != set(letters):
            raise RuntimeError(f"XlsxWriter wrote the template row's cells otherwise: {template[0][:200]!r}")
        last = f"{letters[-1]}{len(rows) + 1}"
        head = _DIMENSION.sub(f'<dimension ref="A1:{last}"/>'.encode(), xml[: template.start()], count=1)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if info.filename != SHEET_PART:
                    dst.writestr(info, src.read(info))
                    continue
                part_info = zipfile.ZipInfo(info.filename, info.date_time)
                part_info.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(part_info, "w") as part:
                    part.write(head)
                    for chunk in _row_xml(sheet, columns, rows, letters, style, progress):
                        part.write(chunk.encode())
                    part.write(xml[template.end() :])
    return out


def _row_xml(
    sheet: _Sheet,
    columns: Columns,
    rows: Sequence[LedgerRow],
    letters: Sequence[str],
    style: Mapping[str, str],
    progress: Callable[[int, int], None] | None,
) -> Iterator[str]:
    """The <row> elements, a few thousand at a time, each cell as XlsxWriter's
    blank template styled its column; the short texts escaped once per column and value."""
    seq_s = style[letters[0]]
    cells = [(c, get, kind, letters[c], style[letters[c]]) for c, get, kind in columns]
    escaped: list[dict[object, str]] = [{} for _ in letters]
    total, chunk = len(rows), []
    for r, row in enumerate(rows, 1):
        n = r + 1
        parts = [f'<c r="A{n}" s="{seq_s}"><v>{r}</v></c>']
        lines = 1
        for c, get, kind, letter, s in cells:
            value = get(row)
            if not value:
                continue
            if kind is Kind.DATE:
                parts.append(f'<c r="{letter}{n}" s="{s}"><v>{_serial(value)}</v></c>')  # type: ignore[arg-type]
            elif kind is Kind.NUMBER:
                parts.append(f'<c r="{letter}{n}" s="{s}"><v>{value}</v></c>')
            elif kind is Kind.LONG:
                text = _text(value)  # type: ignore[arg-type]
                lines = max(lines, _lines(text))
                parts.append(f'<c r="{letter}{n}" s="{s}" t="inlineStr">{_xml_text(text)}</c>')
            else:
                known = escaped[c].get(value)
                if known is None:
                    known = escaped[c][value] = _xml_text(sheet.shown(c, value))  # type: ignore[arg-type]
                parts.append(f'<c r="{letter}{n}" s="{s}" t="inlineStr">{known}</c>')
        # as XlsxWriter's set_row writes a height: rounded to whole pixels of 3/4 point
        height = f' ht="{0.75 * int(LINE_HEIGHT * lines * 4 / 3 + 0.5):g}" customHeight="1"' if lines > 1 else ""
        chunk.append(f'<row r="{n}"{height}>{"".join(parts)}</row>')
        if r % PROGRESS_EVERY == 0:
            yield "".join(chunk)
            chunk = []
            if progress:
                progress(r, total)
    yield "".join(chunk)


def _status_rules(wb, ws, headers: Sequence[str], last: int, today: date) -> None:
    """状态 a drop-down list; rows past their deadline on `today` and not closed shaded."""
    status_col, deadline_col = headers.index("状态"), headers.index("整改时限")
    choices = [labels.label(s) for s in STATUS_ORDER]
    ws.data_validation(
        1,
        status_col,
        last,
        status_col,
        {
            "validate": "list",
            "source": choices,
            "ignore_blank": False,
            "error_title": "状态",
            "error_message": f"状态只能是：{'、'.join(choices)}",
        },
    )
    deadline, status = _letter(deadline_col), _letter(status_col)
    closed = labels.label(FindingStatus.CLOSED)
    as_of = f"DATE({today.year},{today.month},{today.day})"  # the day the 逾期天数 column counts from
    ws.conditional_format(
        1,
        0,
        last,
        len(headers) - 1,
        {
            "type": "formula",
            "criteria": f'=AND(${deadline}2<>"",${deadline}2<{as_of},${status}2<>"{closed}")',
            "format": wb.add_format({"bg_color": "#F4CCCC", "font_color": "#9C0006"}),
        },
    )


def _summary_sheet(
    wb, formats: _Formats, rows: Sequence[LedgerRow], title: str, note: str, reports: Mapping[str, str]
) -> None:
    by_branch = count_by(rows, lambda r: (r.branch_id, r.branch_name, labels.label(r.sector)))
    sheet = _Sheet(
        wb, formats, SHEET_SUMMARY, SUMMARY_HEADERS, len(by_branch), title=f"{title}（{SHEET_SUMMARY}）", note=note
    )
    last = len(SUMMARY_HEADERS) - 1
    for r, ((bid, name, sector), c) in enumerate(by_branch.items(), 1):
        sheet.text(r, 0, name)
        sheet.text(r, 1, sector)
        for col, value in enumerate((c.total, *(c.by_status[s] for s in STATUS_ORDER), c.overdue), 2):
            sheet.ws.write_number(r, col, value, formats.plain)
        sheet.ws.write_number(r, last - 1, rate(c.closed, c.total), formats.percent)
        if reports.get(bid):
            sheet.text(r, last, reports[bid])
    sheet.fit()
