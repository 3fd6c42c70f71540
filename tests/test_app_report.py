"""The 通报 from the coverage screen (r) and the paper checklist from the branch screen (t), in the app."""

from __future__ import annotations

import re

import docx
from textual.widgets import Input

from inspector.models import Sector
from screens.dialogs.document import DocumentDialog
from tests.home_fixtures import pilot_test, wait_for
from tests.ledger_ui_fixtures import CUN, make_app, open_ledger, seed_ledger


@pilot_test
async def test_report_from_the_coverage_screen_follows_the_period(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(pilot, "coverage")
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DocumentDialog)
        period, path = dialog.query_one("#period", Input), dialog.query_one("#path", Input)
        assert period.value.startswith(str(app.today().year))
        period.value = "2026"
        await pilot.pause()
        assert path.value.endswith("现场指导情况通报-2026.docx")
        target = tmp_path / "通报.docx"
        path.value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, timeout=60)
        assert docx.Document(str(target)).paragraphs[0].text.replace("\n", "").startswith("关于2026年“两学一做”")


@pilot_test
async def test_a_bad_period_is_one_line_and_the_dialog_stays(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ledger(pilot, "coverage")
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#period", Input).value = "上季度"
        dialog.query_one("#path", Input).value = str(tmp_path / "x.docx")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "看不懂时段" in str(dialog.query_one("#error").render()), timeout=30)
        assert app.screen is dialog and not (tmp_path / "x.docx").exists()


@pilot_test
async def test_paper_checklist_from_the_branch_screen(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen_stack[0]._loaded)
        app.open_branch(CUN)
        await pilot.pause(0.3)
        branch_screen = app.screen
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, DocumentDialog)
        target = tmp_path / "检查表.docx"
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is branch_screen, timeout=30)
        assert "检查表" in docx.Document(str(target)).paragraphs[0].text


@pilot_test
async def test_coverage_charts_of_a_chosen_quarter_show_that_quarters_figures(tmp_path):
    from inspector.report.figures import compute, parse_period
    from screens.coverage import charts_text

    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(pilot, "coverage")
        today = app.today()
        year, quarter = (compute(app.store, parse_period(p), today) for p in (str(today.year), f"{today.year}Q1"))
        assert quarter.visited != year.visited  # the quarter's numbers are not the year's
        chart = screen.query_one("#cov-charts")
        await pilot.press("c")
        await wait_for(pilot, lambda: f"{today.year}年，按领域" in str(chart.render()))
        await pilot.press("p")
        await wait_for(pilot, lambda: f"{today.year}年第一季度，按领域" in str(chart.render()))
        assert str(chart.render()) == charts_text(quarter, screen.size.width - 2).plain
        assert f"{quarter.by_sector[Sector.COMMUNITY].visited}/{quarter.by_sector[Sector.COMMUNITY].branches}" in str(
            chart.render()
        )


@pilot_test
async def test_ledger_charts_of_a_chosen_quarter_count_the_findings_found_in_it(tmp_path):
    from inspector.labels import label
    from inspector.report.figures import compute, parse_period

    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_ledger(pilot, "ledger")
        today = app.today()
        await pilot.press("c")
        await pilot.pause()
        body = app.screen.query_one("#body")
        assert str(body.render()).startswith("时段：全部")
        seen = {}
        for _ in range(6):  # 全部 → the year → each quarter so far → 全部
            await pilot.press("p")
            await pilot.pause()
            text = str(body.render())
            seen[text.splitlines()[0]] = text
        assert (
            f"时段：{today.year}年第一季度（p 换时段，t 输入时段）" in seen
            and "时段：全部（p 换时段，t 输入时段）" in seen
        )
        text = seen[f"时段：{today.year}年第三季度（p 换时段，t 输入时段）"]
        figures = compute(app.store, parse_period(f"{today.year}Q3"), today)
        assert f"按状态（共{figures.findings.total}条" in text and figures.findings.total > 0
        for category, counts in figures.by_category.items():
            assert re.search(rf"^{label(category)}\s+[█▏▎▍▌▋▊▉ ]+ {counts.total} ", text, re.M)
        assert "按状态（共0条" in seen[f"时段：{today.year}年第一季度（p 换时段，t 输入时段）"]


@pilot_test
async def test_a_typed_chart_period_is_echoed_then_charted(tmp_path):
    from inspector.report.figures import compute, parse_period
    from screens.coverage import charts_text

    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(pilot, "coverage")
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        await pilot.press(*"2026-03")
        await pilot.pause()
        assert str(dialog.query_one("#period-echo").render()) == "即 2026-03-01 至 2026-03-31（2026年3月）"
        dialog.query_one("#value", Input).value = "上季度"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "看不懂时段" in str(dialog.query_one("#period-echo").render())
        dialog.query_one("#value", Input).value = "2026-03"
        await pilot.press("enter")
        chart = screen.query_one("#cov-charts")
        await wait_for(pilot, lambda: "2026年3月，按领域" in str(chart.render()))
        march = compute(app.store, parse_period("2026-03"), app.today())
        assert str(chart.render()) == charts_text(march, screen.size.width - 2).plain and march.visited == 1
