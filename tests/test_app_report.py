"""The 通报 from the coverage screen (r) and the paper checklist from the branch screen (t), in the app."""

from __future__ import annotations

import docx
from textual.widgets import Input

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
