"""The 指导员 and 包联领导 screen: filter, assign and unassign from the staff list, import and export."""

from __future__ import annotations

import pytest

from inspector import assignments as asg
from inspector.models import AssignmentRole, Branch, Sector
from inspector.settings import Settings, load_settings, save_settings
from inspector.store import Store
from tests.visit_fixtures import make_app, pilot_test

STAFF = ["赵组织委员", "钱宣传委员"]
NAMES = ("红星村党支部", "东风社区党支部", "城关中学党支部")


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    store = Store(root, "测试员")
    save_settings(root, Settings(staff=STAFF))
    for name in NAMES:
        store.save(Branch(name=name, sector=Sector.RURAL, secretary="王书记", members=12))
    return root


def assignments_app(root):
    from screens.assignments import AssignmentsScreen

    return make_app(root, AssignmentsScreen)


async def loaded(pilot):
    while pilot.app.screen.settings is None:
        await pilot.pause(0.05)
    await pilot.pause()


def rows(screen) -> list[list[str]]:
    table = screen.table
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def held(root) -> set[tuple[str, str, AssignmentRole]]:
    store = Store(root, "测试员")
    names = {b.id: b.name for b in store.branches()}
    return {(names[a.branch_id], a.person, a.role) for a in load_settings(root).assignments}


@pilot_test
async def test_filter_then_assign_and_unassign_from_the_staff_list(root):
    from screens.dialogs.common import ChoiceDialog

    async with assignments_app(root).run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        screen = pilot.app.screen
        assert [r[0] for r in rows(screen)] == ["城关中学党支部", "东风社区党支部", "红星村党支部"]
        await pilot.press("slash", *"hxc", "down")
        assert [r[0] for r in rows(screen)] == ["红星村党支部"] and screen.table.has_focus
        await pilot.press("a")
        assert isinstance(pilot.app.screen, ChoiceDialog)
        await pilot.press("2")
        await pilot.press("b", "1")
        await pilot.pause()
        assert rows(screen)[0][2:] == ["钱宣传委员", "赵组织委员"]
        assert held(root) == {
            ("红星村党支部", "钱宣传委员", AssignmentRole.GUIDE),
            ("红星村党支部", "赵组织委员", AssignmentRole.LEADER),
        }
        assert pilot.app.settings.assignments == load_settings(root).assignments  # F4 and the calendar see it
        await pilot.press("d", "1")
        await pilot.pause()
        assert rows(screen)[0][2:] == ["未指派", "赵组织委员"]
        assert "已撤销钱宣传委员的指导员指派" in str(screen.query_one("#assign-message").render())
        await pilot.press("slash", "escape")
        assert len(rows(screen)) == 3


@pilot_test
async def test_import_checks_every_row_first_then_writes_on_a_second_enter(root, tmp_path):
    from screens.dialogs.assignments import AssignmentImportDialog

    table = tmp_path / "指派.csv"
    table.write_text("党支部,指导员\n红星村党支部,赵组织委员\n西山村党支部,钱宣传委员\n", encoding="utf-8")
    async with assignments_app(root).run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("i")
        dialog = pilot.app.screen
        assert isinstance(dialog, AssignmentImportDialog)
        await pilot.press(*str(table), "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "第3行：找不到党支部「西山村党支部」" in str(dialog.query_one("#lines").render())
        assert "未写入任何指派" in str(dialog.query_one("#error").render())
        assert held(root) == set()
        table.write_text("党支部,指导员\n红星村党支部,赵组织委员、钱宣传委员\n", encoding="utf-8")
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "检查通过：共 2 项指派，其中新增 2 项" in str(dialog.query_one("#status").render())
        assert held(root) == set()
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert pilot.app.screen is not dialog
        assert held(root) == {
            ("红星村党支部", "赵组织委员", AssignmentRole.GUIDE),
            ("红星村党支部", "钱宣传委员", AssignmentRole.GUIDE),
        }
        while rows(pilot.app.screen)[2][2] != "赵组织委员、钱宣传委员":
            await pilot.pause(0.05)


@pilot_test
async def test_export_through_the_output_file_dialog_reads_back(root, tmp_path):
    store = Store(root, "测试员")
    asg.assign(store, store.branches()[0].id, "赵组织委员")
    out = tmp_path / "导出.xlsx"
    async with assignments_app(root).run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+e")
        field = pilot.app.screen.query_one("#path")
        field.value = str(out)
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert asg.read_rows(out) == asg.table(store, load_settings(root))
    assert asg.import_table(store, out).added == 0


@pilot_test
async def test_staff_added_and_removed_in_the_app(root):
    store = Store(root, "测试员")
    asg.assign(store, store.branches()[0].id, "赵组织委员")
    async with assignments_app(root).run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("s", "1")
        await pilot.pause()
        await pilot.press(*"孙副书记", "enter")
        await pilot.pause()
        assert load_settings(root).staff == [*STAFF, "孙副书记"]
        await pilot.press("s", "2")
        await pilot.pause()
        assert "其负责的1个党支部的指派一并撤销" in str(pilot.app.screen.query_one("#message").render())
        await pilot.press("y")
        await pilot.pause()
        assert load_settings(root).staff == ["钱宣传委员", "孙副书记"]
        assert held(root) == set()
        assert [r[2] for r in rows(pilot.app.screen)] == ["未指派"] * 3
