"""The Excel ledger read back with openpyxl: columns, real dates and numbers,
frozen and filtered header, the status list, the overdue shading, the summary sheet."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
from test_export import TODAY, county  # noqa: F401  (the fixture)

from inspector import cli
from inspector.documents.ledger_export import export_ledger
from inspector.documents.ledger_xlsx import SHEET_ROWS, SHEET_SUMMARY, display_width, ledger_xlsx
from inspector.ledger.rows import ledger_rows, sort_rows

HEADER = [
    "序号",
    "党支部",
    "领域",
    "问题类别",
    "严重程度",
    "问题描述",
    "整改目标",
    "整改措施",
    "责任领导",
    "具体责任人",
    "整改时限",
    "状态",
    "逾期天数",
    "发现日期",
    "佐证材料",
    "验收人",
    "验收日期",
    "整改报告",
]


@pytest.fixture
def book(county, tmp_path):  # noqa: F811
    rows = sort_rows(ledger_rows(county, TODAY), "deadline")
    path = export_ledger(rows, tmp_path / "台账.xlsx", "xlsx", committee="城关镇党委", when=TODAY)
    return rows, openpyxl.load_workbook(path)


def _records(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], v)) for v in values[1:]]


def test_rows_with_four_specifics_real_dates_and_numbers(book):
    rows, wb = book
    ws = wb[SHEET_ROWS]
    assert [c.value for c in ws[1]] == HEADER
    records = _records(ws)
    assert [r["序号"] for r in records] == [1, 2, 3, 4]
    by_desc = {r["问题描述"]: r for r in records}
    first = by_desc["三会一课记录不全，\n缺 9 月支委会"]
    assert (first["整改目标"], first["严重程度"], first["领域"]) == ("会议记录完整规范", "较重", "农村")
    assert first["整改时限"] == datetime(2026, 11, 1) and first["逾期天数"] == 25
    assert ws.cell(2, HEADER.index("整改时限") + 1).number_format == "yyyy-mm-dd"
    closed = by_desc["发展党员程序不规范"]
    assert (closed["验收人"], closed["验收日期"], closed["逾期天数"]) == ("赵组织委员", datetime(2026, 10, 20), None)
    assert '\'=HYPERLINK("x")党费收缴不及时' in by_desc  # text, never a formula
    assert "党员活动室\n制度未上墙" in by_desc and any(r["具体责任人"] == "刘𠀋" for r in records)
    assert len(records) == len(rows)


def test_header_frozen_filtered_status_list_and_overdue_format(book):
    _, wb = book
    ws = wb[SHEET_ROWS]
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == "A1:R5"
    (valid,) = ws.data_validations.dataValidation
    assert valid.type == "list" and valid.formula1 == '"未启动,整改中,待验收,已销号"'
    assert str(valid.sqref) == "L2:L5"
    (fmt,) = ws.conditional_formatting
    assert str(fmt.sqref) == "A2:R5"
    (rule,) = fmt.rules
    assert rule.formula == ['AND($K2<>"",$K2<DATE(2026,11,26),$L2<>"已销号")']
    assert rule.dxf.fill is not None
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert widths["B"] >= display_width("城关镇第一村党支部") and widths["J"] >= display_width("具体责任人")


def test_summary_by_branch(book):
    _, wb = book
    ws = wb[SHEET_SUMMARY]
    records = {r["党支部"]: r for r in _records(ws)}
    cun, she = records["城关镇第一村党支部"], records["东街社区党支部"]
    assert (cun["问题总数"], cun["整改中"], cun["未启动"], cun["逾期"], cun["销号率"]) == (2, 1, 1, 1, 0)
    assert (she["问题总数"], she["已销号"], she["逾期"], she["销号率"]) == (2, 1, 1, 0.5)
    assert ws.cell(2, 9).number_format == "0.0%" and ws.freeze_panes == "B2"


def test_empty_ledger_is_a_header_only_workbook():
    wb = openpyxl.load_workbook(__import__("io").BytesIO(ledger_xlsx([], title="台账", subtitle="", today=TODAY)))
    assert [c.value for c in wb[SHEET_ROWS][1]] == HEADER and wb[SHEET_ROWS].max_row == 1
    assert wb[SHEET_SUMMARY].max_row == 1


def test_cli_xlsx_by_suffix_with_filters(county, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "逾期.xlsx"
    assert cli.main(["--data", str(county.root), "ledger", "-o", str(out), "--overdue"]) == 0
    assert "已导出 2 条" in capsys.readouterr().out
    records = _records(openpyxl.load_workbook(out)[SHEET_ROWS])
    assert all(r["逾期天数"] and r["逾期天数"] > 0 for r in records) and len(records) == 2


def test_progress_is_reported_to_the_end(county):  # noqa: F811
    rows = ledger_rows(county, TODAY) * 1500  # 6,000 rows
    seen: list[tuple[int, int]] = []
    ledger_xlsx(rows, title="台账", subtitle="", today=date(2026, 11, 26), progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (2000, 6000) and seen[-1] == (6000, 6000)


def test_prints_across_a3_with_the_header_on_every_page_and_tall_rows_for_wrapped_texts(book):
    _, wb = book
    ws = wb[SHEET_ROWS]
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 8)
    setup = ws.page_setup  # fitToWidth left out means 1, the file format's default
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$1" and ws.print_options.gridLines
    assert "城关镇党委党支部问题整改台账" in ws.oddHeader.center.text and "&P" in ws.oddFooter.center.text
    heights = {row[5].value: ws.row_dimensions[row[0].row].height for row in ws.iter_rows(min_row=2)}
    assert heights["三会一课记录不全，\n缺 9 月支委会"] >= 2 * 15  # two lines, the row grown to show both
    assert heights["发展党员程序不规范"] is None  # one line: the default height


def test_progress_comes_back_from_the_export_process(county, tmp_path):  # noqa: F811
    from inspector.documents.ledger_export import export_ledger_apart

    rows = ledger_rows(county, TODAY) * 1000  # 4,000 rows
    seen: list[tuple[int, int]] = []
    out = export_ledger_apart(
        rows, tmp_path / "台账.xlsx", "xlsx", when=TODAY, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(2000, 4000), (4000, 4000), (4000, 4000)]
    assert openpyxl.load_workbook(out)[SHEET_ROWS].max_row == 4001


HOSTILE = (
    "控制\x00字\x07符\x1b[31m\u202e",
    "<b>&amp;</b> \"引号\" '单引号'",
    "𠮷野家",
    "=SUM(A1:A2)",
    "_x0041_ 像转义",
    "  前后空格  ",
    "很长的一段问题描述，" * 400,
    "第一行\r\n第二行\n\n第四行",
)


def _cells(data: bytes) -> list:
    """Every cell of every sheet as a reader sees it, with the styles that matter and the row heights."""
    wb = openpyxl.load_workbook(__import__("io").BytesIO(data))
    seen = []
    for ws in wb:
        seen.append((ws.title, ws.dimensions, {k: d.height for k, d in ws.row_dimensions.items() if d.height}))
        seen.append({k: d.width for k, d in ws.column_dimensions.items()})
        for row in ws.iter_rows():
            for c in row:
                align = c.alignment
                # openpyxl undoes Excel's escape of a literal "_xHHHH_" in shared strings only;
                # Excel and LibreOffice undo it in inline strings too
                value = c.value.replace("x005F_", "") if isinstance(c.value, str) else c.value
                seen.append(
                    (c.coordinate, value, c.data_type, c.number_format, align.wrap_text, align.vertical, c.font.b)
                )
    return seen


def test_spliced_rows_read_back_as_every_cell_written_through_xlsxwriter(county):  # noqa: F811
    import dataclasses

    rows = ledger_rows(county, TODAY)
    hostile = [
        dataclasses.replace(
            rows[i % len(rows)],
            branch_name=text,
            description=text,
            goal=HOSTILE[-1 - i],
            measures=text,
            leader=text,
            person=HOSTILE[i - 1],
            evidence=text,
            verifier=text,
        )
        for i, text in enumerate(HOSTILE)
    ]
    rows = [*rows, *hostile]
    made = {
        spliced: ledger_xlsx(rows, title="台账<&>", subtitle="", today=TODAY, reports={}, spliced=spliced)
        for spliced in (True, False)
    }
    spliced, plain = _cells(made[True]), _cells(made[False])
    assert spliced == plain
    heights = spliced[0][2]  # the 4,000-character row stops at Excel's tallest row, 409 points
    assert 390 < max(heights.values()) <= 409
    texts = {c[1] for c in spliced if isinstance(c, tuple) and len(c) == 7 and c[2] == "s"}
    assert {"𠮷野家", "'=SUM(A1:A2)", "控制字符[31m", HOSTILE[1], HOSTILE[6]} <= texts
