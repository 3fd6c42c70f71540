"""Snapshots of the 回头看 screens at 80x24 (fixed data and dates)."""

from __future__ import annotations

from followup_fixtures import BRANCH_ID, RETURN_DAY, seed

from inspector import followup as fu
from inspector.store import Store
from tests.visit_fixtures import make_app


async def no_blink(pilot) -> None:
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()


def test_followup_walk(snap_compare, tmp_path):
    from screens.followup import FollowUpScreen

    root = tmp_path / "data"
    visit = fu.schedule(Store(root, "测试员"), seed(root), on=RETURN_DAY, inspectors=["赵组织委员"])
    app = make_app(root, lambda: FollowUpScreen(visit.id, BRANCH_ID))

    async def one_result(pilot) -> None:
        await pilot.pause()
        await pilot.press("1", *"记录已补齐", "enter")
        await pilot.pause()
        await pilot.press("k")  # back on the closed finding: its evidence in the detail
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=one_result)


def test_schedule_dialog(snap_compare, tmp_path):
    from screens.branch import BranchScreen

    root = tmp_path / "data"
    seed(root)
    app = make_app(root, lambda: BranchScreen(BRANCH_ID))

    async def open_dialog(pilot) -> None:
        await pilot.pause()
        await pilot.press("h")
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_dialog)


def test_calendar(snap_compare, tmp_path, monkeypatch):
    from screens.calendar import CalendarScreen

    monkeypatch.setenv("INSPECTOR_TODAY", "2026-11-18")
    root = tmp_path / "data"
    fu.schedule(Store(root, "测试员"), seed(root), on=RETURN_DAY, inspectors=["赵组织委员"])
    app = make_app(root, CalendarScreen)

    async def loaded(pilot) -> None:
        await pilot.pause()
        while pilot.app.screen.events is None:
            await pilot.pause(0.05)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=loaded)


def test_report_dialog(snap_compare, tmp_path):
    from screens.branch import BranchScreen

    root = tmp_path / "data"
    seed(root)
    app = make_app(root, lambda: BranchScreen(BRANCH_ID))

    async def open_dialog(pilot) -> None:
        await pilot.pause()
        await pilot.press("b")
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_dialog)
