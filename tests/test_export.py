"""Ledger exports read back: csv with BOM and the right columns, Word table rows equal to the filtered findings."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from ledger_data import add_branch, add_finding

from inspector import cli
from inspector.documents.ledger_export import export_ledger, ledger_csv
from inspector.ledger.rows import LedgerFilter, apply_filter, ledger_rows, sort_rows
from inspector.models import Committee, FindingStatus, Sector, Severity

S = FindingStatus
TODAY = date(2026, 11, 26)
CSV_HEADER = [
    "序号",
    "党支部",
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
    "整改报告",
]


@pytest.fixture
def county(store):
    store.save(Committee(name="城关镇党委"))
    cun = add_branch(store, "城关镇第一村党支部", Sector.RURAL)
    she = add_branch(store, "东街社区党支部", Sector.COMMUNITY)
    add_finding(
        store,
        cun,
        "三会一课记录不全，\n缺 9 月支委会",
        deadline=date(2026, 11, 1),
        status=S.IN_PROGRESS,
        severity=Severity.MAJOR,
        goal="会议记录完整规范",
    )
    add_finding(
        store, cun, '=HYPERLINK("x")党费收缴不及时', deadline=date(2026, 12, 10), measures="每月 5 日前收缴，“专人”登记"
    )
    add_finding(
        store,
        she,
        "发展党员程序不规范",
        status=S.CLOSED,
        verifier="赵组织委员",
        verified_on=date(2026, 10, 20),
        evidence="档案复印件",
    )
    add_finding(
        store, she, "党员活动室\x0b制度未上墙", deadline=date(2026, 11, 20), person="刘𠀋"
    )  # control char, astral char
    return store


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def test_csv_has_bom_chinese_headers_and_every_row(county):
    rows = sort_rows(ledger_rows(county, TODAY), "deadline")
    table = read_csv(ledger_csv(rows))
    assert table[0] == CSV_HEADER
    assert len(table) == 1 + len(rows)
    assert [r[0] for r in table[1:]] == ["1", "2", "3", "4"]
    by_desc = {r[4]: dict(zip(CSV_HEADER, r)) for r in table[1:]}
    first = by_desc["三会一课记录不全，\n缺 9 月支委会"]  # line break kept inside the cell
    assert (first["党支部"], first["整改时限"], first["状态"], first["逾期天数"]) == (
        "城关镇第一村党支部",
        "2026-11-01",
        "整改中",
        "25",
    )
    assert (first["严重程度"], first["整改目标"]) == ("较重", "会议记录完整规范")
    closed = by_desc["发展党员程序不规范"]
    assert (closed["验收人"], closed["佐证材料"], closed["逾期天数"]) == ("赵组织委员（2026-10-20）", "档案复印件", "")
    assert '\'=HYPERLINK("x")党费收缴不及时' in by_desc  # never runs as a formula in Excel
    assert by_desc['\'=HYPERLINK("x")党费收缴不及时']["整改措施"] == "每月 5 日前收缴，“专人”登记"


def _run_cli(monkeypatch, *argv: str) -> int:
    return cli.main(list(argv))


def test_cli_csv_with_filters_and_no_overwrite(county, tmp_path, monkeypatch, capsys):
    out = tmp_path / "逾期.csv"
    assert (
        _run_cli(monkeypatch, "--data", str(county.root), "ledger", "-o", str(out), "--overdue", "--branch", "dyc") == 0
    )
    assert "已导出 1 条" in capsys.readouterr().out
    table = read_csv(out.read_bytes())
    assert [r[4] for r in table[1:]] == ["三会一课记录不全，\n缺 9 月支委会"]
    before = out.read_bytes()
    assert _run_cli(monkeypatch, "--data", str(county.root), "ledger", "-o", str(out)) == 1
    assert "文件已存在" in capsys.readouterr().err and out.read_bytes() == before
    assert (
        _run_cli(monkeypatch, "--data", str(county.root), "ledger", "-o", str(out), "--force", "--status", "未销号")
        == 0
    )
    assert len(read_csv(out.read_bytes())) == 1 + 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--status", "完成"], "没有此状态：「完成」"),
        (["--sector", "农业"], "没有此领域：「农业」"),
        (["--branch", "不存在"], "没有名称或拼音首字母包含「不存在」的党支部"),
        (["--sort", "颜色"], "不能按「颜色」排序"),
        (["--format", "csv", "-o", "x.xlsx", "--due-within", "-3"], "不小于 0"),
    ],
)
def test_cli_refuses_bad_options_in_chinese(county, tmp_path, monkeypatch, capsys, argv, message):
    out = tmp_path / "x.csv"
    args = ["--data", str(county.root), "ledger", "-o", str(out), *argv]
    assert _run_cli(monkeypatch, *args) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists() and not (tmp_path / "x.xlsx").exists()


def _docx_table(path):
    import docx

    doc = docx.Document(str(path))
    table = doc.tables[0]
    return doc, [[c.text for c in row.cells] for row in table.rows]


def test_docx_table_rows_equal_filtered_findings(county, tmp_path):
    flt = LedgerFilter(statuses=frozenset({S.NOT_STARTED, S.IN_PROGRESS}))
    rows = sort_rows(apply_filter(ledger_rows(county, TODAY), flt, TODAY), "deadline")
    path = export_ledger(
        rows,
        tmp_path / "台账.docx",
        "docx",
        committee="城关镇党委",
        filters=flt.describe(),
        when=TODAY,
        author="测试员",
    )
    doc, table = _docx_table(path)
    assert table[0] == [
        "序号",
        "党支部",
        "问题类别",
        "严重程度",
        "问题描述",
        "整改目标",
        "整改措施",
        "责任领导",
        "具体责任人",
        "整改时限",
        "状态",
        "整改报告",
    ]
    assert [r[4] for r in table[1:]] == [r.description.replace("\x0b", "") for r in rows]
    assert table[1][3] == "较重" and table[1][5] == "会议记录完整规范"
    assert table[1][9] == "2026年11月1日" and table[1][10] == "整改中\n逾期25天"
    assert any(r[8] == "刘𠀋" for r in table[1:])  # astral character intact
    section = doc.sections[0]
    assert section.page_width > section.page_height  # landscape A4
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    texts = [p.text for p in doc.paragraphs]
    assert "城关镇党委党支部问题整改台账" in texts
    assert any("状态：未启动、整改中" in t and "共3条" in t for t in texts)
    xml = doc.element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml and "<w:tblHeader/>" in xml


def test_cli_docx_same_rows_as_csv(county, tmp_path, monkeypatch):
    for fmt in ("csv", "docx"):
        assert (
            _run_cli(
                monkeypatch, "--data", str(county.root), "ledger", "-o", str(tmp_path / f"l.{fmt}"), "--sector", "社区"
            )
            == 0
        )
    from inspector.documents.officialdoc import clean_text

    csv_rows = read_csv((tmp_path / "l.csv").read_bytes())[1:]
    _, docx_rows = _docx_table(tmp_path / "l.docx")
    assert len(docx_rows) == 1 + len(csv_rows) == 3
    docx_header = docx_rows[0]
    for d, c in zip(docx_rows[1:], csv_rows):
        word, sheet = dict(zip(docx_header, d)), dict(zip(CSV_HEADER, c))
        for header in docx_header:
            if header == "整改时限":
                assert word[header] == "{}年{}月{}日".format(*map(int, sheet[header].split("-")))
            elif header == "状态":
                assert word[header].split("\n")[0] == sheet[header]
            else:
                assert word[header] == clean_text(sheet[header])


def test_docx_headers_fit_their_columns_on_one_line():
    """No header breaks inside a word (具体责任/人): its width at the table size fits the column."""
    from inspector.documents.ledger_export import (
        DOCX_CELL_MARGINS_MM,
        DOCX_COLUMNS,
        DOCX_TABLE_SIZE,
        HEADERS,
        SEQ_HEADER,
        SEQ_WIDTH,
    )
    from inspector.documents.officialdoc import MM, text_width_em

    em_mm = DOCX_TABLE_SIZE / MM
    for header, width in [(SEQ_HEADER, SEQ_WIDTH), *((HEADERS[c], w) for c, w in DOCX_COLUMNS)]:
        assert text_width_em(header) * em_mm + DOCX_CELL_MARGINS_MM <= width, header
    assert sum(w for _, w in DOCX_COLUMNS) + SEQ_WIDTH == pytest.approx(225)  # the landscape 版心


def test_subtitle_names_the_filtered_branch(county, tmp_path, capsys):
    out = tmp_path / "一村.docx"
    assert cli.main(["--data", str(county.root), "ledger", "-o", str(out), "--branch", "dyc"]) == 0
    doc, _ = _docx_table(out)
    assert any("党支部：城关镇第一村党支部" in p.text for p in doc.paragraphs)
