"""Snapshots of the site-visit screens at 80x24 and 120x36 (fixed data, dates and ids)."""

from __future__ import annotations

from datetime import date

import pytest

from inspector import weaklax as wl
from inspector.checklist import load_weaklax_criteria
from inspector.models import (
    CriterionTick,
    Disposition,
    LegalTrack,
    MemberKind,
    Plan4,
    PocketMember,
    Responsibility,
)
from inspector.store import Store
from tests.home_fixtures import wait_for
from tests.visit_fixtures import BRANCH_ID, VISIT_ID, make_app, seed

SIZES = [(80, 24), (120, 36)]


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    seed(root)
    return root


async def no_blink(pilot) -> None:
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()


def visit_app(root):
    from screens.visit import VisitScreen

    return make_app(root, lambda: VisitScreen(VISIT_ID, BRANCH_ID))


async def editor_shown(pilot, shown: bool = True) -> None:
    """The finding editor "3" offers opens after the answer is saved, not within
    the key press: on a loaded machine the next key came before it."""
    from screens.finding import FindingEditor

    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FindingEditor) is shown)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_visit_screen(snap_compare, root, size):
    async def answer(pilot) -> None:
        # answered: 符合, 基本符合, 不符合 (finding skipped), then one more 符合
        await no_blink(pilot)
        await pilot.press("1", "2", "3")
        await editor_shown(pilot)
        await pilot.press("escape")
        await editor_shown(pilot, False)

    assert snap_compare(visit_app(root), press=["1"], terminal_size=size, run_before=answer)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_finding_editor(snap_compare, root, size):
    async def open_editor(pilot) -> None:
        # The editor opens after "3": its cursors must stop blinking too, or
        # the description's cursor is drawn or not by the moment of capture.
        await pilot.pause()
        await pilot.press("3")
        await no_blink(pilot)

    assert snap_compare(visit_app(root), terminal_size=size, run_before=open_editor)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pocket_screen(snap_compare, root, size):
    from screens.pockets import PocketScreen

    store = Store(root, "测试员")
    store.save(
        PocketMember(
            id="00000000-0000-4000-8000-0000000000p1",
            branch_id=BRANCH_ID,
            name="张三",
            letter_issued=date(2026, 8, 1),
            letter_valid_days=90,
            receiving_org="县人社局党支部",
            last_attended=date(2026, 5, 20),
            last_dues_paid=date(2026, 9, 1),
            last_contact=date(2026, 9, 20),
        )
    )
    store.save(
        PocketMember(
            id="00000000-0000-4000-8000-0000000000p2",
            branch_id=BRANCH_ID,
            name="李四",
            member_kind=MemberKind.LOST_CONTACT,
            last_contact=date(2026, 6, 10),
            track=LegalTrack.LAPSED,
        )
    )
    store.save(
        PocketMember(
            id="00000000-0000-4000-8000-0000000000p3",
            branch_id=BRANCH_ID,
            name="王五",
            member_kind=MemberKind.MOBILE,
            last_contact=date(2026, 11, 2),
            disposition=Disposition.BACK_TO_NORMAL,
            disposition_on=date(2026, 11, 2),
        )
    )
    app = make_app(root, lambda: PocketScreen(BRANCH_ID))
    assert snap_compare(app, terminal_size=size, run_before=no_blink)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_weaklax_screen(snap_compare, root, size):
    from screens.weaklax import WeakLaxScreen

    store = Store(root, "测试员")
    ticks = [
        CriterionTick(criterion_id="WL04", evidence="2026年未召开支部党员大会"),
        CriterionTick(criterion_id="WLQ01", evidence="书记自2026年5月出缺"),
    ]
    det = wl.determine(store, BRANCH_ID, ticks, load_weaklax_criteria(), on=date(2026, 11, 20))
    plan = Plan4(
        goal="2027年6月前配齐班子、规范组织生活",
        measures="党委委员包联；每月检查三会一课记录",
        deadline=date(2027, 6, 30),
        responsible=Responsibility(leader="李明", person="王芳"),
    )
    wl.start_rectification(store, wl.set_plan(store, det, plan))
    app = make_app(root, lambda: WeakLaxScreen(BRANCH_ID))
    assert snap_compare(app, press=["down", "down", "down"], terminal_size=size, run_before=no_blink)
