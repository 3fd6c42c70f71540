"""The 回头看 as an inspector walks it: h on the branch, one key and the evidence per item."""

from __future__ import annotations

from followup_fixtures import BRANCH_ID, FINDINGS, RETURN_DAY, seed

from inspector import followup as fu
from inspector.models import Finding, FindingStatus, FollowUpResult, VisitStatus
from inspector.store import Store
from tests.visit_fixtures import make_app, pilot_test

NOT_STARTED, IN_PROGRESS, AWAITING = (fid for fid, _text, _status in FINDINGS)


def scheduled(tmp_path) -> tuple:
    root = tmp_path / "data"
    store = Store(root, "测试员")
    visit = fu.schedule(store, seed(root), on=RETURN_DAY, inspectors=["赵组织委员"])
    return root, visit


def walk_app(tmp_path) -> tuple:
    """The data folder, its scheduled 回头看 and an app opened on its walk."""
    from screens.followup import FollowUpScreen

    root, visit = scheduled(tmp_path)
    return root, visit, make_app(root, lambda: FollowUpScreen(visit.id, BRANCH_ID))


async def walk_screen(pilot):
    from screens.followup import FollowUpScreen

    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, FollowUpScreen)
    return screen


def status(root, fid: str) -> FindingStatus:
    return Store(root, "检查").get(Finding, fid, BRANCH_ID).status


async def answer(pilot, key: str, evidence: str) -> None:
    await pilot.press(key)
    await pilot.pause()
    await pilot.press(*evidence, "enter")
    await pilot.pause()


@pilot_test
async def test_the_walk_closes_findings_through_the_rules(tmp_path):
    root, visit, app = walk_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await walk_screen(pilot)
        await answer(pilot, "1", "记录已补齐")
        assert status(root, NOT_STARTED) == FindingStatus.CLOSED
        assert "已整改：已验收销号" in str(screen.query_one("#message").render())
        # The cursor went on to the next item not yet looked at.
        assert screen.current is not None and screen.current.key == fu.target_key(fu.FINDING, IN_PROGRESS)
        await answer(pilot, "3", "台账仍未登记")
        await answer(pilot, "2", "谈了一半")
        assert status(root, IN_PROGRESS) == FindingStatus.IN_PROGRESS
        assert status(root, AWAITING) == FindingStatus.IN_PROGRESS  # reopened with the visit as reason
        await pilot.press("c")  # the 整顿 item is still unchecked
        await pilot.pause()
        assert "还有1项未查看" in str(screen.query_one("#message").render())
        await answer(pilot, "1", "已召开两次支委会")
        await pilot.press("c")
        await pilot.pause()
        saved = Store(root, "检查").visit(visit.id, BRANCH_ID)
        assert saved.status == VisitStatus.COMPLETED
        assert [f.value for f in saved.followups.values()] == [
            FollowUpResult.DONE,
            FollowUpResult.NOT_DONE,
            FollowUpResult.PARTLY,
            FollowUpResult.DONE,
        ]
        assert "已查看 4/4" in str(screen.query_one("#progress").render())


@pilot_test
async def test_empty_evidence_is_refused_and_nothing_moves(tmp_path):
    root, visit, app = walk_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_screen(pilot)
        await pilot.press("1", "enter")  # the prompt refuses an empty line and stays open
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert status(root, NOT_STARTED) == FindingStatus.NOT_STARTED
        assert Store(root, "检查").visit(visit.id, BRANCH_ID).followups == {}


@pilot_test
async def test_h_on_the_branch_schedules_then_continues(tmp_path):
    from screens.branch import BranchScreen
    from screens.followup import FollowUpScreen

    root = tmp_path / "data"
    seed(root)
    app = make_app(root, lambda: BranchScreen(BRANCH_ID))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpScreen)
        first = app.screen.visit_id
        await pilot.press("escape", "h")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpScreen) and app.screen.visit_id == first


@pilot_test
async def test_f4_shows_my_branches_on_home_and_coverage(tmp_path):
    from inspector.assignments import assign
    from inspector.models import Branch, Sector
    from inspector.settings import Settings, save_settings

    root = tmp_path / "data"
    store = Store(root, "测试员")
    save_settings(root, Settings(staff=["测试员"]))
    mine, other = (store.save(Branch(name=n, sector=Sector.RURAL, members=9)) for n in ("红星村党支部", "东风村党支部"))
    assign(store, mine.id, "测试员")
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        from tests.home_fixtures import wait_for

        await wait_for(pilot, lambda: app.screen_stack[0]._loaded)
        home = app.screen
        await pilot.press("f4")
        await pilot.pause()
        assert home._shown == [mine.id] and "我的支部 1／2" in str(home.query_one("#status").render())
        await pilot.press("f4")
        await pilot.pause()
        assert set(home._shown) == {mine.id, other.id}
        app.open_committee_screen("coverage")
        await wait_for(pilot, lambda: getattr(app.screen, "late_reports", None) is not None)
        await pilot.press("a", "f4")  # every branch, then mine only
        await pilot.pause()
        assert app.screen.shown == [mine.id]


def close_elsewhere(root, fid: str) -> None:
    """Another clerk's process closes a finding through the rules."""
    from inspector import rectification as rx

    other = Store(root, "张三")
    current = other.get(Finding, fid, BRANCH_ID)
    if current.status == FindingStatus.NOT_STARTED:
        current = rx.advance(other, current, FindingStatus.IN_PROGRESS)
    if current.status == FindingStatus.IN_PROGRESS:
        current = rx.advance(other, current, FindingStatus.AWAITING_CHECK)
    rx.close(other, current, verifier="李四", on=current.found_on, evidence="整改报告", outside_reason="县委派员验收")


@pilot_test
async def test_the_walk_follows_changes_saved_elsewhere_keeping_cursor_and_typing(tmp_path):
    from textual.widgets import Input

    root, visit, app = walk_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await walk_screen(pilot)
        await pilot.press("j")
        assert screen.current is not None and screen.current.key == fu.target_key(fu.FINDING, IN_PROGRESS)
        close_elsewhere(root, NOT_STARTED)  # the row above the cursor goes
        app._watch_data()  # the app's one-second change watcher
        await pilot.pause()
        keys = [t.key for t in screen.targets]
        assert fu.target_key(fu.FINDING, NOT_STARTED) not in keys and len(keys) == 3
        assert screen.current.key == fu.target_key(fu.FINDING, IN_PROGRESS)
        # Evidence being typed survives a change saved meanwhile.
        await pilot.press("2", *"谈了")
        close_elsewhere(root, AWAITING)
        app._watch_data()
        await pilot.pause()
        assert app.screen.query_one(Input).value == "谈了"
        await pilot.press(*"一半", "enter")
        await pilot.pause()
        assert status(root, IN_PROGRESS) == FindingStatus.IN_PROGRESS
        saved = Store(root, "检查").visit(visit.id, BRANCH_ID).followups
        assert saved[fu.target_key(fu.FINDING, IN_PROGRESS)].evidence == "谈了一半"
        assert fu.target_key(fu.FINDING, AWAITING) not in [t.key for t in screen.targets]


@pilot_test
async def test_the_memo_is_drafted_then_issued_with_a_number(tmp_path):
    root, visit, app = walk_app(tmp_path)
    app.memo_folder = tmp_path / "memos"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await walk_screen(pilot)
        for _ in screen.targets:
            await answer(pilot, "3", "未见整改材料")
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("m", "enter")  # the folder offered
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        (draft,) = Store(root, "检查").visit(visit.id, BRANCH_ID).memos
        assert draft.issued_on is None and "草稿已保存到" in str(screen.query_one("#message").render())
        await pilot.press("i", "enter")  # the folder
        await pilot.pause()
        await pilot.press("y")  # with a 文号
        await pilot.pause()
        memos = Store(root, "检查").visit(visit.id, BRANCH_ID).memos
        assert [m.number for m in memos] == ["", "组字〔2026〕1号"]
        assert "反馈意见已印发" in str(screen.query_one("#message").render())
        await pilot.press("m", "enter")  # an issued memo is never drafted over
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(Store(root, "检查").visit(visit.id, BRANCH_ID).memos) == 2


@pilot_test
async def test_evidence_for_an_item_closed_meanwhile_stays_in_sight(tmp_path):
    root, visit, app = walk_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await walk_screen(pilot)
        await pilot.press("1", *"补齐了记录")
        close_elsewhere(root, NOT_STARTED)
        await pilot.press("enter")
        await pilot.pause()
        message = str(screen.query_one("#message").render())
        assert "已不在本次回头看的范围内" in message and "未记录的佐证：补齐了记录" in message
        assert Store(root, "检查").visit(visit.id, BRANCH_ID).followups == {}
