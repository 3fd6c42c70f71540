"""The 通报: its periods, its figures against the ledger rows (random demo
committees), and the Word file with its charts as inline pictures of the text block's width."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector import cli
from inspector import reportback as rp
from inspector.assignments import assign
from inspector.demo import generate
from inspector.errors import ReportInvalid
from inspector.ledger.rows import Ledger
from inspector.models import Disposition, FindingStatus, MemberKind, VisitStatus
from inspector.report.figures import compute, parse_period
from inspector.settings import load_settings, save_settings
from inspector.store import Store

TODAY = date(2016, 12, 31)
GUIDES = ("赵组织委员", "钱宣传委员")


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2016Q3", date(2016, 7, 1), date(2016, 9, 30), "2016年第三季度"),
        ("2016q1", date(2016, 1, 1), date(2016, 3, 31), "2016年第一季度"),
        ("2016-07..2016-09", date(2016, 7, 1), date(2016, 9, 30), "2016年7月至9月"),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29), "2016年2月"),
        ("2016-11..2017-01", date(2016, 11, 1), date(2017, 1, 31), "2016年11月至2017年1月"),
        ("2016", date(2016, 1, 1), date(2016, 12, 31), "2016年"),
    ],
)
def test_periods_as_typed(text, start, end, label):
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("text", ["2016Q5", "2016-13", "2016-09..2016-07", "上季度", ""])
def test_a_period_that_does_not_parse_is_one_chinese_line(text):
    with pytest.raises(ReportInvalid, match="可写 2016Q3"):
        parse_period(text)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), branches=st.integers(1, 8), period=st.sampled_from(["2016Q2", "2016Q3", "2016"]))
def test_figures_equal_the_ledger(seed, branches, period):
    """Every number the 通报 prints, recounted from the ledger rows and visit dates by another route."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "d", "测试员")
        generate(store, branches, seed, today=TODAY)
        save_settings(store.root, load_settings(store.root).model_copy(update={"staff": list(GUIDES)}))
        guide_of: dict[str, str] = {}  # every third branch has no 指导员
        for n, s in enumerate(sorted(store.branch_summaries(), key=lambda s: s.id)):
            if n % 3 != 2:
                guide_of[s.id] = GUIDES[n % 2]
                assign(store, s.id, GUIDES[n % 2])
        p = parse_period(period)
        fig = compute(store, p, TODAY)
        ledger = Ledger(store)
        rows = ledger.rows(TODAY)
        inside = [r for r in rows if p.start <= r.found_on <= p.end]
        assert fig.branches == len(store.branch_summaries()) == sum(s.branches for s in fig.by_sector.values())
        visited = {s.id for s in store.branch_summaries() if any(p.holds(d) for d in ledger.visit_dates(s.id))}
        assert fig.visited == len(visited) == sum(s.visited for s in fig.by_sector.values())
        assert fig.findings.total == len(inside) == sum(c.total for c in fig.by_category.values())
        assert fig.findings.total == sum(s.findings.total for s in fig.by_sector.values())
        closed = [r for r in inside if r.status == FindingStatus.CLOSED]
        assert fig.findings.closed == len(closed) == sum(c.closed for c in fig.by_category.values())
        assert fig.findings.overdue == sum(1 for r in inside if r.overdue > 0)
        assert fig.overdue_all == sum(1 for r in rows if r.overdue > 0)
        assert sum(o for _, o, _ in fig.months) == len(inside)
        assert sum(c for _, _, c in fig.months) == sum(1 for r in rows if r.verified_on and p.holds(r.verified_on))
        for category, counts in fig.by_category.items():
            assert counts.total == sum(1 for r in inside if r.category == category)
        assert {c.category for c in fig.cases} == set(fig.by_category)
        assert [g.person for g in fig.by_guide] == sorted(set(guide_of.values()))
        for g in fig.by_guide:
            mine = {bid for bid, who in guide_of.items() if who == g.person}
            assert (g.branches, g.visited) == (len(mine), len(mine & visited))
            assert g.findings.total == sum(1 for r in inside if r.branch_id in mine)
            assert g.findings.closed == sum(1 for r in closed if r.branch_id in mine)
        members = [m for s in store.branch_summaries() for m in store.pockets(s.id) if p.holds(m.found_on)]
        assert sum(fig.members.values()) == len(members) == sum(fig.outcomes.values())
        assert fig.members == {k: sum(1 for m in members if m.member_kind == k) for k in MemberKind}
        assert fig.outcomes == {d: sum(1 for m in members if m.disposition == d) for d in Disposition}
        _summaries_equal_the_files(store)


def _summaries_equal_the_files(store: Store) -> None:
    """The summaries the saves kept (the index journal) equal a rebuild from no index, their
    issued memos equal every visit file read in full, and so do the 整改报告 states and late ones counted from them."""
    kept = store.branch_summaries()
    shutil.rmtree(store.root / "cache")
    assert Store(store.root, "测试员").branch_summaries() == kept
    settings_ = load_settings(store.root)
    for s in kept:
        visits = [v for v in store.visits(s.id) if v.status == VisitStatus.COMPLETED and rp.issued_memo(v)]
        full = [(v.id, rp.issued_memo(v).issued_on, v.report.received_on if v.report else None) for v in visits]  # type: ignore[union-attr]
        assert [(m.visit_id, m.issued_on, m.received_on) for m in s.memos] == full
    latest = {s.id: a for s in kept if (a := rp.latest_awaited(s.id, store.visits(s.id), settings_))}
    for day in (TODAY, date(2016, 10, 15)):
        assert rp.report_cells(store, day) == {bid: rp.state_cell(a, day) for bid, a in latest.items()}
        full_read = [a for a in latest.values() if a.missing(day)]
        assert [(a.branch_id, a.visit.id, a.due) for a in rp.missing_reports(store, day)] == [
            (a.branch_id, a.visit.id, a.due) for a in sorted(full_read, key=lambda a: (-a.days_late(day), a.branch_id))
        ]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report") / "d"
    generate(Store(root, "演示"), 12, 3, today=TODAY)
    return root


def test_cli_report_has_title_sections_tables_and_charts_sized_to_the_text_block(demo, tmp_path, monkeypatch, capsys):
    import docx
    from docx.shared import Mm

    monkeypatch.setenv("INSPECTOR_TODAY", TODAY.isoformat())
    out = tmp_path / "通报.docx"
    assert cli.main(["--data", str(demo), "report", "--period", "2016Q3", "-o", str(out), "--anonymise"]) == 0
    assert "2016年第三季度" in capsys.readouterr().out
    doc = docx.Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].replace("\n", "") == "关于2016年第三季度“两学一做”学习教育现场指导情况的通报"
    for heading in ("一、总体情况", "二、指导覆盖情况", "三、发现的主要问题", "四、整改落实情况", "七、下一步工作"):
        assert heading in texts
    assert len(doc.tables) >= 2
    shapes = doc.inline_shapes
    assert len(shapes) == 3
    for shape in shapes:
        assert abs(shape.width - Mm(156)) < Mm(0.5)
    blobs = [r.target_part.blob for r in doc.part.rels.values() if "image" in r.reltype]
    assert all(b.startswith(b"\x89PNG") for b in blobs) and len(blobs) == 3
    body = "\n".join(texts)
    names = [s.name for s in Store(demo, "x").branch_summaries()]
    cases = body.split("典型问题举例如下：")[1].split("四、整改落实情况")[0]
    assert "某" in cases and not any(n in cases for n in names)  # anonymised
    before = out.read_bytes()
    assert cli.main(["--data", str(demo), "report", "--period", "2016Q3", "-o", str(out)]) == 1
    assert "文件已存在" in capsys.readouterr().err and out.read_bytes() == before


def test_the_report_has_a_table_by_guide_when_branches_are_assigned(demo, tmp_path, monkeypatch):
    import docx

    root = tmp_path / "d"
    shutil.copytree(demo, root)
    store = Store(root, "演示")
    save_settings(root, load_settings(root).model_copy(update={"staff": list(GUIDES)}))
    for n, s in enumerate(sorted(store.branch_summaries(), key=lambda s: s.name)):
        assign(store, s.id, GUIDES[n % 2])
    monkeypatch.setenv("INSPECTOR_TODAY", TODAY.isoformat())
    out = tmp_path / "通报.docx"
    assert cli.main(["--data", str(root), "report", "--period", "2016", "-o", str(out)]) == 0
    doc = docx.Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert "表2　分指导员现场指导和整改情况" in texts and "表3　发现问题分类情况" in texts
    fig = compute(store, parse_period("2016"), TODAY)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "指导员")
    assert [[c.text for c in r.cells][:3] for r in table.rows[1:]] == [
        [g.person, str(g.branches), str(g.visited)] for g in fig.by_guide
    ]
    assert sum(g.branches for g in fig.by_guide) == fig.branches == 12


def test_missing_cjk_font_is_named(monkeypatch):
    from matplotlib import font_manager

    from inspector.report import charts

    charts.cjk_font.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    try:
        with pytest.raises(ReportInvalid, match="fonts-wqy-zenhei"):
            charts.cjk_font()
    finally:
        charts.cjk_font.cache_clear()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_the_report_with_its_charts(demo, tmp_path, monkeypatch, libreoffice_profile):
    monkeypatch.setenv("INSPECTOR_TODAY", TODAY.isoformat())
    out = tmp_path / "tb.docx"
    assert cli.main(["--data", str(demo), "report", "--period", "2016", "-o", str(out)]) == 0
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={libreoffice_profile}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = (tmp_path / "tb.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Subtype /Image") + pdf.count(b"/Subtype/Image") >= 3
