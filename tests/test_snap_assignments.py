"""Snapshots at 80x24: the 指导员 and 包联领导 screen, and the calendar showing one person's branches."""

from __future__ import annotations

from datetime import date

from followup_fixtures import FINDINGS, RETURN_DAY, SOURCE_DAY, seed

from inspector import assignments as asg
from inspector import followup as fu
from inspector.models import AssignmentRole, Branch, Finding, Sector
from inspector.store import Store
from tests.visit_fixtures import make_app

SECOND_ID = "00000000-0000-4000-8000-0000000000b2"


def two_branches(root) -> Store:
    """The 回头看 branch (its return visit on 11-20) and a second one whose finding falls due on 11-25,
    guided by 赵组织委员."""
    store = Store(root, "测试员")
    fu.schedule(store, seed(root), on=RETURN_DAY, inspectors=["赵组织委员"])
    second = store.save(Branch(id=SECOND_ID, name="东关村党支部", sector=Sector.RURAL, secretary="孙明", members=24))
    visit_id = store.all_findings()[0].visit_id
    store.save(
        Finding(
            id="00000000-0000-4000-8000-0000000000f9",
            branch_id=second.id,
            visit_id=visit_id,
            description=FINDINGS[0][1],
            found_on=SOURCE_DAY,
            deadline=date(2026, 11, 25),
        )
    )
    asg.assign(store, second.id, "赵组织委员")
    asg.assign(store, second.id, "钱宣传委员", AssignmentRole.LEADER)
    return store


async def settled(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_assignments_screen(snap_compare, tmp_path):
    from screens.assignments import AssignmentsScreen

    root = tmp_path / "data"
    two_branches(root)
    app = make_app(root, AssignmentsScreen)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled)


def test_calendar_of_one_person(snap_compare, tmp_path, monkeypatch):
    from screens.calendar import CalendarScreen

    monkeypatch.setenv("INSPECTOR_TODAY", "2026-11-18")
    root = tmp_path / "data"
    two_branches(root)
    app = make_app(root, CalendarScreen)

    async def only_zhao(pilot) -> None:
        await settled(pilot)
        await pilot.press("p", "2")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=only_zhao)
