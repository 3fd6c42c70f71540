"""The member roster screen: listing, adding with checked cells, marking a member as out of reach."""

from __future__ import annotations

from datetime import date

import pytest

from inspector.members import mark_out_of_reach
from inspector.models import Member, MemberKind, MemberStatus
from inspector.store import Store
from tests.visit_fixtures import BRANCH_ID, make_app, pilot_test, seed


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    seed(root)
    store = Store(root, "测试员")
    for n, (name, group) in enumerate([("王芳", "第二党小组"), ("李建国", "第一党小组"), ("赵敏", "第一党小组")]):
        store.save(
            Member(
                branch_id=BRANCH_ID,
                name=name,
                party_group=group,
                joined_on=date(1990 + n, 7, 1),
                last_attended=date(2026, 10, 1),
                dues_base=6000,
            )
        )
    return root


def members_app(root):
    from screens.members import MemberScreen

    return make_app(root, lambda: MemberScreen(BRANCH_ID))


def cells(screen) -> list[list[str]]:
    table = screen.query_one("#members")
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@pilot_test
async def test_roster_lists_by_party_group(root):
    async with members_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = cells(pilot.app.screen)
        assert [r[0] for r in rows] == ["李建国", "赵敏", "王芳"]
        assert rows[0][3:5] == ["第一", "90.00元"]
        assert "李建国" in str(pilot.app.screen.query_one("#member-detail").render())


@pilot_test
async def test_add_a_member_with_checked_cells(root):
    from screens.members import MemberEditor

    async with members_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, MemberEditor)
        await pilot.press(*"孙丽")
        editor.query_one("#joined_on").value = "2026-02-30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is editor
        assert "入党日期：日期无效" in str(editor.query_one("#member-error").render())
        editor.query_one("#joined_on").value = "２０２６年３月１日"
        editor.query_one("#status").value = MemberStatus.PROBATIONARY
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is not editor
        stored = {m.name: m for m in Store(root, "测试员").members(BRANCH_ID)}
        assert stored["孙丽"].joined_on == date(2026, 3, 1) and stored["孙丽"].status == MemberStatus.PROBATIONARY
        assert "孙丽" in [r[0] for r in cells(pilot.app.screen)]


@pilot_test
async def test_mark_a_member_lost_contact(root):
    async with members_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        store = Store(root, "测试员")
        [record] = store.pockets(BRANCH_ID)
        first = next(m for m in store.members(BRANCH_ID) if m.name == "李建国")
        assert record.member_kind == MemberKind.LOST_CONTACT and record.member_id == first.id
        assert cells(pilot.app.screen)[0][-1] == "失联"


@pilot_test
async def test_import_a_member_workbook_from_the_roster(root, tmp_path):
    from openpyxl import Workbook

    from screens.dialogs.roster import RosterDialog
    from tests.home_fixtures import wait_for

    book = Workbook()
    book.active.append(["姓名", "性别", "入党日期", "所在党小组", "身份"])
    book.active.append(["钱伟", "男", "2001.07", "第二党小组", "在职"])
    book.active.append(["孙静", "女", 36708, "第一党小组", "退休"])
    book.active.append(["李建国", "", "1991-07-01", "", ""])  # on file: nothing new
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    async with members_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, RosterDialog)
        dialog.query_one("#path").value = str(path)
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.preview is not None)
        assert dialog.query_one("#preview").row_count == 3
        assert "新增 2，更新 0，无变化 1" in str(dialog.query_one("#summary").render())
        bar = dialog.query_one("#progress")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: pilot.app.screen is not dialog)
        assert (bar.progress, bar.total) == (2, 2)
        assert [r[0] for r in cells(pilot.app.screen)] == ["李建国", "赵敏", "孙静", "王芳", "钱伟"]


@pilot_test
async def test_delete_a_member_after_confirming_keeps_the_linked_record(root):
    from screens.dialogs.common import ConfirmDialog
    from screens.pockets import PocketScreen

    store = Store(root, "测试员")
    first = next(m for m in store.members(BRANCH_ID) if m.name == "李建国")
    mark_out_of_reach(store, first, MemberKind.LOST_CONTACT, date(2026, 11, 1))
    async with members_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "李建国，入党日期1991-07-01" in dialog.message and "失联党员记录保留" in dialog.message
        await pilot.press("n")  # 取消: nothing deleted
        await pilot.pause()
        assert len(store.members(BRANCH_ID)) == 3
        await pilot.press("delete", "y")
        await pilot.pause()
        assert [r[0] for r in cells(pilot.app.screen)] == ["赵敏", "王芳"]
        assert "已删除：李建国" in str(pilot.app.screen.query_one("#member-message").render())
    assert sorted(m.name for m in store.members(BRANCH_ID)) == ["王芳", "赵敏"]
    [record] = store.pockets(BRANCH_ID)
    assert record.member_id == first.id and record.last_attended == first.last_attended
    async with make_app(root, lambda: PocketScreen(BRANCH_ID)).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "该党员已从花名册删除" in str(pilot.app.screen.query_one("#pocket-detail").render())


@pilot_test
async def test_import_asks_which_member_a_row_is(root, tmp_path):
    from openpyxl import Workbook

    from screens.dialogs.roster import RosterDialog
    from tests.home_fixtures import wait_for

    book = Workbook()
    book.active.append(["姓名", "入党日期", "所在党小组"])
    book.active.append(["王芳", None, "第三党小组"])  # 王芳 on file joined in 1990: the same one?
    book.active.append(["李建国", None, "第九党小组"])  # left 待核对: not written
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    async with members_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, RosterDialog)
        dialog.query_one("#path").value = str(path)
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.preview is not None)
        table = dialog.query_one("#preview")
        assert [str(table.get_row_at(n)[1]) for n in range(2)] == ["待核对", "待核对"]
        assert "1. 王芳，入党日期1990-07-01" in str(dialog.query_one("#error-lines").render())
        await pilot.press("enter", "enter")  # 待核对 -> 新增 -> the first member on file
        await pilot.pause()
        assert str(table.get_row_at(0)[1]) == "同第1位"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: pilot.app.screen is not dialog)
    groups = {m.name: m.party_group for m in Store(root, "测试员").members(BRANCH_ID)}
    assert groups == {"王芳": "第三党小组", "李建国": "第一党小组", "赵敏": "第一党小组"}


@pilot_test
async def test_visit_items_show_the_roster_facts(root):
    from screens.visit import VisitScreen
    from tests.visit_fixtures import VISIT_ID

    async with make_app(root, lambda: VisitScreen(VISIT_ID, BRANCH_ID)).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        screen._goto("MEET-04")
        await pilot.pause()
        detail = str(screen.query_one("#detail").render())
        assert "花名册：" in detail and "3名党员" in detail
        screen._goto("PLAN-01")
        await pilot.pause()
        assert "花名册" not in str(screen.query_one("#detail").render())
