"""软弱涣散: tick criteria with evidence, 认定, 整顿方案, 整顿, 验收, 销号, keys only."""

from __future__ import annotations

from datetime import date

import pytest

from inspector.models import AcceptanceResult, WeakLaxStatus
from inspector.store import Store
from inspector.weaklax import current
from tests.visit_fixtures import BRANCH_ID, make_app, pilot_test, seed


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    seed(root)
    return root


def stored(root):
    return current(Store(root, "x").weaklax(BRANCH_ID))


def message(screen) -> str:
    return str(screen.query_one("#wl-message").render())


@pilot_test
async def test_determination_flow_to_closing(root):
    from screens.weaklax import AcceptanceDialog, PlanEditor, WeakLaxScreen

    app = make_app(root, lambda: WeakLaxScreen(BRANCH_ID))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, WeakLaxScreen)
        await pilot.press("d")  # nothing ticked: refused before it asks
        await pilot.pause()
        assert pilot.app.screen is screen and "至少勾选一项" in message(screen)
        await pilot.press("down", "down", "down", "space")  # WL04
        await pilot.pause()
        pilot.app.screen.query_one("#value").value = "全年未召开支部党员大会"
        await pilot.press("enter")
        await pilot.pause()
        assert str(screen.query_one("#criteria").get_cell("WL04", "tick")) == "☑"
        assert stored(root) is None  # a draft until 认定
        await pilot.press("d", "y")
        await pilot.pause()
        det = stored(root)
        assert det.status == WeakLaxStatus.IDENTIFIED
        assert [(t.criterion_id, t.evidence) for t in det.criteria] == [("WL04", "全年未召开支部党员大会")]
        await pilot.press("z", "y")  # plan incomplete: refused
        await pilot.pause()
        assert "整顿方案缺少" in message(screen)
        await pilot.press("m")
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, PlanEditor)
        editor.query_one("#plan-goal").text = "半年内规范组织生活"
        editor.query_one("#plan-measures").text = "党委委员包联，每月检查三会一课记录"
        editor.query_one("#plan-leader").value = "李明"
        editor.query_one("#plan-person").value = "王芳"
        editor.query_one("#plan-deadline").value = "2026-02-30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "日期无效" in str(editor.query_one("#plan-error").render())
        editor.query_one("#plan-deadline").value = "2026-11-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "不能早于认定日期" in str(editor.query_one("#plan-error").render())
        editor.query_one("#plan-deadline").value = "2027-05-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert stored(root).plan.deadline == date(2027, 5, 31)
        await pilot.press("z", "y")
        await pilot.pause()
        assert stored(root).status == WeakLaxStatus.RECTIFYING
        await pilot.press("a")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, AcceptanceDialog)
        await pilot.press("ctrl+s")  # no result chosen
        await pilot.pause()
        assert "须选择结果" in str(dialog.query_one("#accept-error").render())
        dialog.query_one("#accept-result").value = AcceptanceResult.PASSED
        dialog.query_one("#accept-score").value = "65"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "低于合格线70分" in str(screen.query_one("#wl-message").render())  # refused, nothing saved
        assert stored(root).acceptance_result is None
        await pilot.press("a")
        await pilot.pause()
        dialog = pilot.app.screen
        dialog.query_one("#accept-result").value = AcceptanceResult.PASSED
        dialog.query_one("#accept-score").value = "78"
        dialog.query_one("#accept-satisfaction").value = "82"
        await pilot.press("ctrl+s")
        await pilot.pause()
        det = stored(root)
        assert (det.status, det.acceptance_result, det.acceptance_score, det.satisfaction, det.acceptance_body) == (
            WeakLaxStatus.ACCEPTED,
            AcceptanceResult.PASSED,
            78.0,
            82.0,
            "县委组织部",
        )
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")  # today's date offered
        await pilot.pause()
        det = stored(root)
        assert det.status == WeakLaxStatus.CLOSED and det.closed_on == date(2026, 11, 26)
        assert "已销号" in str(screen.query_one("#wl-status").render())


@pilot_test
async def test_failed_acceptance_goes_back_to_rectifying(root):
    from inspector import weaklax as wl
    from inspector.checklist import load_weaklax_criteria
    from inspector.models import CriterionTick, Plan4, Responsibility
    from screens.weaklax import WeakLaxScreen

    store = Store(root, "测试员")
    det = wl.determine(
        store,
        BRANCH_ID,
        [CriterionTick(criterion_id="WL01", evidence="书记缺职")],
        load_weaklax_criteria(),
        on=date(2026, 6, 1),
    )
    plan = Plan4(
        goal="配齐班子",
        measures="选派书记",
        deadline=date(2026, 10, 1),
        responsible=Responsibility(leader="李明", person="王芳"),
    )
    wl.start_rectification(store, wl.set_plan(store, det, plan))
    app = make_app(root, lambda: WeakLaxScreen(BRANCH_ID))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        await pilot.press("x")  # 销号 is not offered before a passing acceptance
        await pilot.pause()
        assert stored(root).status == WeakLaxStatus.RECTIFYING
        await pilot.press("a")
        await pilot.pause()
        pilot.app.screen.query_one("#accept-result").value = AcceptanceResult.FAILED
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert stored(root).status == WeakLaxStatus.RECTIFYING
        assert "不合格" in str(screen.query_one("#wl-status").render())


@pilot_test
async def test_plan_being_typed_is_kept_when_the_app_is_closed(root):
    """SIGHUP/SIGTERM call save_pending: what was typed in the 整顿方案 survives."""
    from screens.weaklax import PlanEditor, WeakLaxScreen

    app = make_app(root, lambda: WeakLaxScreen(BRANCH_ID))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "down", "space")
        await pilot.pause()
        pilot.app.screen.query_one("#value").value = "全年未召开支部党员大会"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("d", "y", "m")
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, PlanEditor)
        editor.query_one("#plan-goal").text = "半年内规范组织生活"
        editor.query_one("#plan-leader").value = "李明"
        pilot.app.save_pending()
    det = stored(root)
    assert det.plan.goal == "半年内规范组织生活" and det.plan.responsible.leader == "李明"
    assert det.status == WeakLaxStatus.IDENTIFIED
