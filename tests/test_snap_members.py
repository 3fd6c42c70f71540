"""Snapshots of the member roster screen and the member editor at 80x24 (fixed data, dates and ids, no cursor blink)."""

from __future__ import annotations

from datetime import date

from test_snap_visit import no_blink

from inspector.models import AppraisalGrade, Member, MemberCategory, MemberStatus, Sex
from inspector.store import Store
from tests.visit_fixtures import BRANCH_ID, make_app, seed


def roster(tmp_path):
    """A branch of four members, of both sexes, categories and statuses."""
    root = tmp_path / "data"
    seed(root)
    store = Store(root, "测试员")
    rows = [
        ("李建国", Sex.MALE, MemberStatus.FULL, date(1985, 7, 1), "第一党小组", MemberCategory.RETIRED, 4200),
        ("王芳", Sex.FEMALE, MemberStatus.FULL, date(2003, 6, 20), "第一党小组", MemberCategory.EMPLOYED, 6500),
        (
            "赵小敏",
            Sex.FEMALE,
            MemberStatus.PROBATIONARY,
            date(2026, 3, 1),
            "第二党小组",
            MemberCategory.EMPLOYED,
            None,
        ),
        ("欧阳振华", Sex.MALE, MemberStatus.FULL, date(1978, 12, 1), "第二党小组", MemberCategory.FARMER, None),
    ]
    for n, (name, sex, status, joined, group, category, base) in enumerate(rows, start=1):
        store.save(
            Member(
                id=f"00000000-0000-4000-8000-0000000001{n:02d}",
                branch_id=BRANCH_ID,
                name=name,
                sex=sex,
                birth_date=date(joined.year - 25, 3, 15),
                status=status,
                joined_on=joined,
                full_on=None if status == MemberStatus.PROBATIONARY else date(joined.year + 1, joined.month, 1),
                party_group=group,
                category=category,
                dues_base=base,
                last_attended=date(2026, 10, 12),
                last_dues_paid=date(2026, 11, 5),
                last_talk=date(2026, 9, 1),
                appraisal=None if status == MemberStatus.PROBATIONARY else AppraisalGrade.PASSED,
                contact="13900000000",
            )
        )
    return root


def test_member_screen(snap_compare, tmp_path):
    from screens.members import MemberScreen

    assert snap_compare(make_app(roster(tmp_path), lambda: MemberScreen(BRANCH_ID)), terminal_size=(80, 24))


def test_member_editor(snap_compare, tmp_path):
    from screens.members import MemberEditor, MemberScreen

    async def editing(pilot):
        await pilot.pause()
        await pilot.press("down", "e")  # 王芳: the second in the roster's order
        await pilot.pause()
        assert isinstance(pilot.app.screen, MemberEditor)
        await no_blink(pilot)

    app = make_app(roster(tmp_path), lambda: MemberScreen(BRANCH_ID))
    assert snap_compare(app, terminal_size=(80, 24), run_before=editing)
