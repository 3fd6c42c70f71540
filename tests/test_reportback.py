"""整改报告: recorded with its file kept in the data folder, carried by sync
bundles, and the branches past their report-back date without one."""

from __future__ import annotations

import hashlib
import os
from datetime import date

import pytest
from followup_fixtures import BRANCH_ID, seed

from inspector import reportback as rp
from inspector.models import MemoRecord, VisitStatus
from inspector.store import Store, attachments
from inspector.sync.merge import export_bundle, import_bundle

ISSUED = date(2026, 10, 1)  # report-back date 2026-10-31; the tests' today is 2026-11-26


@pytest.fixture
def visit(store):
    seed(store.root)
    v = next(v for v in store.visits(BRANCH_ID) if v.status == VisitStatus.COMPLETED)
    memo = MemoRecord(file="反馈意见.docx", sha256="0" * 64, issued_on=ISSUED, number="组字〔2026〕1号")
    return store.save(v.model_copy(update={"memos": [memo]}), base=v)


@pytest.fixture
def scan(tmp_path):
    path = tmp_path / "整改报告（城关镇第二社区）.pdf"
    path.write_bytes(b"%PDF-1.4 report" * 100)
    return path


def test_a_branch_past_its_report_back_date_is_listed_until_it_reports(store, visit, scan):
    [late] = rp.missing_reports(store)
    assert (late.branch_id, late.due, late.days_late(date(2026, 11, 26))) == (BRANCH_ID, date(2026, 10, 31), 26)
    saved = rp.record_report(
        store, visit, received_on=date(2026, 11, 2), file=scan, reviewer="赵组织委员", conclusion="整改基本到位"
    )
    assert rp.missing_reports(store) == []
    report = saved.report
    assert report is not None and (report.file_name, report.size, report.reviewer) == (scan.name, 1500, "赵组织委员")
    kept = store.root / "attachments" / report.attachment
    assert kept.read_bytes() == scan.read_bytes() and report.attachment == hashlib.sha256(scan.read_bytes()).hexdigest()
    # Received two days late: the ledger can say so.
    assert rp.awaited(store, BRANCH_ID).days_late(date(2026, 11, 26)) == 2  # type: ignore[union-attr]


def test_no_issued_memo_no_report_expected(store):
    seed(store.root)
    assert rp.awaited(store, BRANCH_ID) is None and rp.missing_reports(store) == []


def test_a_later_edit_without_a_file_keeps_the_file(store, visit, scan):
    first = rp.record_report(store, visit, received_on=date(2026, 11, 2), file=scan)
    again = rp.record_report(store, first, received_on=date(2026, 11, 2), reviewer="钱宣传委员", conclusion="已审阅")
    assert again.report.attachment == first.report.attachment and again.report.reviewer == "钱宣传委员"  # type: ignore[union-attr]


def test_refusals_change_nothing(store, visit, tmp_path):
    big = tmp_path / "扫描件.pdf"
    with open(big, "wb") as fh:
        fh.truncate(attachments.MAX_BYTES + 1)
    with pytest.raises(attachments.AttachmentTooLarge, match="不能超过 20 MB"):
        rp.record_report(store, visit, received_on=date(2026, 11, 2), file=big)
    with pytest.raises(rp.ReportError, match="找不到文件"):
        rp.record_report(store, visit, received_on=date(2026, 11, 2), file=tmp_path / "无此文件.pdf")
    with pytest.raises(rp.ReportError, match="不能晚于今天"):
        rp.record_report(store, visit, received_on=date(2026, 12, 2))
    with pytest.raises(rp.ReportError, match="不能早于"):
        rp.record_report(store, visit, received_on=date(2026, 8, 1))
    assert store.visit(visit.id, BRANCH_ID).report is None
    assert not (store.root / "attachments").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="file modes do not bind root")
def test_an_unreadable_file_is_one_line(store, visit, scan):
    scan.chmod(0)
    with pytest.raises(rp.ReportError, match="没有权限"):
        rp.record_report(store, visit, received_on=date(2026, 11, 2), file=scan)


def test_the_file_travels_in_a_sync_bundle(store, visit, scan, tmp_path):
    saved = rp.record_report(store, visit, received_on=date(2026, 11, 2), file=scan)
    path = tmp_path / "bundle.zip"
    export_bundle(store, path)
    other = Store(tmp_path / "other", "另一台")
    import_bundle(other, path)
    sha = saved.report.attachment  # type: ignore[union-attr]
    assert other.visit(visit.id, BRANCH_ID).report.attachment == sha  # type: ignore[union-attr]
    (tmp_path / "out").mkdir()
    out = rp.export_attachment(other, other.visit(visit.id, BRANCH_ID), tmp_path / "out")
    assert out.name == scan.name and out.read_bytes() == scan.read_bytes()


def test_check_names_a_report_file_missing_or_damaged(store, visit, scan, capsys):
    from inspector.cli import main
    from inspector.store.check import Report, check_data

    saved = rp.record_report(store, visit, received_on=date(2026, 11, 2), file=scan)
    kept = store.root / "attachments" / saved.report.attachment  # type: ignore[union-attr]

    def problems() -> list[str]:
        report = Report()
        check_data(Store(store.root, "检查员"), report)
        return [p for p in report.problems if "整改报告" in p]

    assert problems() == []
    kept.write_bytes(b"%PDF-1.4 changed")
    assert problems() == [f"现场指导 {visit.id} 的整改报告「{scan.name}」：附件已损坏（内容与编号不符）：{kept}"]
    kept.unlink()
    [missing] = problems()
    assert f"缺少附件 {kept}" in missing
    assert main(["--data", str(store.root), "check"]) == 1
    assert "缺少附件" in capsys.readouterr().out


def test_report_state_in_a_few_words(store, visit, scan):
    late = rp.awaited(store, BRANCH_ID)
    assert late is not None
    assert rp.state_cell(late, date(2026, 10, 31)) == "2026-10-31前报送"
    assert rp.state_cell(late, date(2026, 11, 26)) == "逾期26天未报"
    assert rp.state_line(late, date(2026, 11, 26)) == "整改报告逾期26天未报"
    assert rp.state_cell(None, date(2026, 11, 26)) == rp.state_line(None, date(2026, 11, 26)) == ""
    assert rp.report_cells(store, date(2026, 11, 26)) == {BRANCH_ID: "逾期26天未报"}
    rp.record_report(store, visit, received_on=date(2026, 11, 2), file=scan)
    assert rp.report_cells(store, date(2026, 11, 26)) == {BRANCH_ID: "2026-11-02收到"}


def test_every_ledger_export_carries_the_report_state(store, visit, tmp_path, capsys):
    """csv, xlsx (rows and the summary by branch) and Word, from `inspector ledger`."""
    import csv
    import io

    import docx
    import openpyxl

    from inspector import cli
    from inspector.documents.ledger_xlsx import SHEET_ROWS, SHEET_SUMMARY
    from inspector.ledger.rows import ledger_rows

    findings = len(ledger_rows(store))
    for fmt in ("csv", "xlsx", "docx"):
        assert cli.main(["--data", str(store.root), "ledger", "-o", str(tmp_path / f"l.{fmt}")]) == 0
    capsys.readouterr()
    table = list(csv.reader(io.StringIO((tmp_path / "l.csv").read_bytes().decode("utf-8-sig"), newline="")))
    assert table[0][-1] == "整改报告" and [r[-1] for r in table[1:]] == ["逾期26天未报"] * findings
    wb = openpyxl.load_workbook(tmp_path / "l.xlsx")
    for name, rows in ((SHEET_ROWS, findings), (SHEET_SUMMARY, 1)):
        values = list(wb[name].iter_rows(values_only=True))
        assert values[0][-1] == "整改报告" and [v[-1] for v in values[1:]] == ["逾期26天未报"] * rows
    (word,) = docx.Document(str(tmp_path / "l.docx")).tables
    assert [row.cells[-1].text for row in word.rows] == ["整改报告", *["逾期26天未报"] * findings]
