"""Pocket members of a branch, added and edited with the keyboard."""

from __future__ import annotations

from datetime import date

import pytest

from inspector.models import Disposition, LegalTrack, MemberKind, PocketMember
from inspector.store import Store
from tests.visit_fixtures import BRANCH_ID, make_app, pilot_test, seed


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    seed(root)
    return root


def pockets_app(root):
    from screens.pockets import PocketScreen

    return make_app(root, lambda: PocketScreen(BRANCH_ID))


def fill(editor, **values):
    for field, value in values.items():
        editor.query_one(f"#{field}").value = value


@pilot_test
async def test_add_a_pocket_member_with_checked_dates(root):
    from screens.pockets import PocketEditor, PocketScreen

    async with pockets_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, PocketScreen)
        await pilot.press("a")
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, PocketEditor)
        await pilot.press(*"张三")
        fill(
            editor,
            letter_issued="2026-02-30",
            valid_days="90",
            last_contact="2026-09-20",
            last_attended="2026-06-01",
            last_dues_paid="2026-10-05",
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is editor
        assert "介绍信开具日期：日期无效" in str(editor.query_one("#pocket-error").render())
        fill(editor, letter_issued="2026-12-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "不能晚于今天" in str(editor.query_one("#pocket-error").render())
        fill(editor, letter_issued="2026-08-01")
        await pilot.press("f2")
        await pilot.pause()
        assert pilot.app.screen is screen
        (member,) = Store(root, "x").pockets(BRANCH_ID)
        assert (member.name, member.letter_issued, member.letter_valid_days) == ("张三", date(2026, 8, 1), 90)
        assert member.found_on == date(2026, 11, 26)
        assert (member.last_attended, member.last_dues_paid) == (date(2026, 6, 1), date(2026, 10, 5))
        table = screen.query_one("#pockets")
        row = [str(c) for c in table.get_row(member.id)]
        assert row[2:6] == ["2026-08-01", "117", "2026-09-20", "67"]
        assert row[8] == "已到期"
        detail = str(screen.query_one("#pocket-detail").render())
        assert "介绍信已于2026-10-30过期未报到" in detail
        assert "组织生活 2026-06-01" in detail and "党费 2026-10-05" in detail


@pilot_test
async def test_edit_shows_the_next_step_of_the_chosen_track(root):
    store = Store(root, "测试员")
    member = store.save(
        PocketMember(
            branch_id=BRANCH_ID,
            name="李四",
            member_kind=MemberKind.MOBILE,
            last_attended=date(2026, 6, 10),
            last_dues_paid=date(2026, 7, 1),
            last_contact=date(2026, 10, 1),
        )
    )
    async with pockets_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        await pilot.press("enter")
        await pilot.pause()
        editor = pilot.app.screen
        editor.query_one("#track").value = LegalTrack.LAPSED
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is screen
        saved = Store(root, "x").get(PocketMember, member.id, BRANCH_ID)
        assert saved.track == LegalTrack.LAPSED
        assert str(screen.query_one("#pockets").get_cell(member.id, "level")) == "临近"
        assert "还有14天（2026-12-10）" in str(screen.query_one("#pocket-detail").render())
        # 停止党籍 needs its decision date: refused without one
        await pilot.press("e")
        await pilot.pause()
        editor = pilot.app.screen
        editor.query_one("#disposition").value = Disposition.SUSPENDED
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "须填写决定日期" in str(editor.query_one("#pocket-error").render())
        # a 预备党员 is never given 停止党籍
        editor.query_one("#probationary").value = True
        fill(editor, disposition_on="2026-11-20")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "预备党员不适用停止党籍" in str(editor.query_one("#pocket-error").render())


@pilot_test
async def test_member_found_during_a_visit_is_linked_to_it(root):
    from screens.pockets import PocketScreen
    from screens.visit import VisitScreen
    from tests.visit_fixtures import VISIT_ID

    async with make_app(root, lambda: VisitScreen(VISIT_ID, BRANCH_ID)).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PocketScreen)
        await pilot.press("a")
        await pilot.pause()
        fill(pilot.app.screen, name="周六", last_contact="2026-01-05")
        await pilot.press("ctrl+s", "escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, VisitScreen)
        (member,) = Store(root, "x").pockets(BRANCH_ID)
        assert (member.name, member.visit_id) == ("周六", VISIT_ID)
