"""Pilot tests of sync in the app: import (F5), export (F6, and F6 on a branch), the Conflicts screen (F7)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from inspector.models import Finding
from inspector.store import Store
from inspector.sync.bundle import read_bundle
from inspector.sync.merge import import_bundle, list_conflicts
from screens.app import InspectorApp
from screens.branch import BranchScreen
from screens.conflicts import ConflictsScreen
from screens.dialogs.common import ChoiceDialog, ConfirmDialog, PromptDialog
from screens.dialogs.sync import SyncJobDialog
from tests.home_fixtures import FIRST, pilot_test, wait_for
from tests.home_fixtures import seed as seed_home
from tests.sync_fixtures import bundle, folder_state, new_store, seed


def app_on(store: Store) -> InspectorApp:
    app = InspectorApp(Store(store.root, store.user))
    app._resume_offered = True
    return app


async def home_loaded(pilot, app) -> None:
    await wait_for(pilot, lambda: app.screen_stack[0]._loaded)


async def run_job(pilot, app, key: str, path: str | None = None) -> SyncJobDialog:
    """Press `key`, answer the path prompt (keeping its default when `path` is None), wait for the outcome."""
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog))
    if path is not None:
        app.screen.query_one(Input).value = path
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, SyncJobDialog) and app.screen.outcome is not None)
    return app.screen


def shown_text(dialog: SyncJobDialog) -> str:
    return str(dialog.query_one("#lines").render())


def _edit_progress(store: Store, fid: str, bid: str, text: str) -> None:
    finding = store.get(Finding, fid, bid)
    store.save(finding.model_copy(update={"progress": text}))


def conflicting_pair(tmp_path: Path):
    """Server and laptop both changed the progress of one finding; the laptop's bundle is ready."""
    server = new_store(tmp_path, "server", "县委张")
    ids = seed(server)
    laptop = new_store(tmp_path, "laptop", "王干事")
    import_bundle(laptop, bundle(server, tmp_path, "first"))
    _edit_progress(server, ids["f1"], ids["branch"], "整改中：已补两次记录")
    _edit_progress(laptop, ids["f1"], ids["branch"], "已全部补齐")
    return server, laptop, ids, bundle(laptop, tmp_path, "from-laptop")


@pilot_test
async def test_import_shows_the_report_and_the_data(tmp_path):
    laptop = new_store(tmp_path, "laptop", "王干事")
    seed(laptop)
    path = bundle(laptop, tmp_path, "visit")
    server = seed_home(tmp_path / "server")
    app = app_on(server)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_loaded(pilot, app)
        dialog = await run_job(pilot, app, "f5", str(path))
        assert dialog.outcome.ok and dialog.outcome.conflicts == 0
        text = shown_text(dialog)
        assert "红星村党支部：新增 5，更新 0，未变 0，冲突 0" in text
        assert "合计 1 个党支部" in text
        assert not dialog.query_one("#conflicts").display
        await pilot.press("enter")
        home = app.screen_stack[0]
        await wait_for(pilot, lambda: "红星村党支部" in [s.name for s in home.summaries])
        assert app.screen is home
    [bid] = [b.id for b in server.branches() if b.name == "红星村党支部"]
    assert sorted(f.description for f in server.findings(bid)) == sorted(["党费收缴不及时", "三会一课记录不全"])
    assert len(server.visits(bid)) == 1


@pilot_test
async def test_import_prompt_offers_the_newest_bundle_here(tmp_path, monkeypatch):
    laptop = new_store(tmp_path, "laptop", "王干事")
    seed(laptop)
    monkeypatch.chdir(tmp_path)
    path = bundle(laptop, tmp_path, "newest")
    app = app_on(seed_home(tmp_path / "server"))
    async with app.run_test(size=(80, 24)) as pilot:
        await home_loaded(pilot, app)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog))
        assert app.screen.query_one(Input).value == str(path)


@pilot_test
async def test_corrupt_bundle_is_refused_with_one_line_and_nothing_changes(tmp_path):
    laptop = new_store(tmp_path, "laptop", "王干事")
    seed(laptop)
    good = bundle(laptop, tmp_path, "good").read_bytes()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(good[: len(good) // 2])
    server = seed_home(tmp_path / "server")
    app = app_on(server)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_loaded(pilot, app)
        before = folder_state(server.root)
        dialog = await run_job(pilot, app, "f5", str(broken))
        assert not dialog.outcome.ok
        assert dialog.outcome.lines == ["未导入：同步包已损坏或不完整（不是有效的 zip 文件），未导入任何内容"]
        assert dialog.query_one("#report").has_class("failed")
        assert folder_state(server.root) == before
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]
        # F5 again offers the path that failed, to fix it.
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog))
        assert app.screen.query_one(Input).value == str(broken)


@pilot_test
async def test_export_all_to_the_default_file_then_import_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    server = seed_home(tmp_path / "server")
    app = app_on(server)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_loaded(pilot, app)
        dialog = await run_job(pilot, app, "f6")
        written = tmp_path / "同步包-测试员-2026-11-26.zip"
        assert dialog.outcome.ok and dialog.outcome.path == written
        assert "党支部 5 个" in shown_text(dialog) and str(written) in shown_text(dialog)
        # The same name again: asks before overwriting.
        await pilot.press("enter", "f6")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        assert app.screen is app.screen_stack[0]
    other = new_store(tmp_path, "other", "王干事")
    report = import_bundle(other, written)
    assert report.totals()["added"] == 5 + 1 + 2  # branches, the visit, its findings
    assert sorted(b.name for b in other.branches()) == sorted(b.name for b in server.branches())


@pilot_test
async def test_branch_screen_exports_only_that_branch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    server = seed_home(tmp_path / "server")
    app = app_on(server)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_loaded(pilot, app)
        app.open_branch(FIRST)
        await wait_for(pilot, lambda: isinstance(app.screen, BranchScreen) and app.screen.data is not None)
        dialog = await run_job(pilot, app, "f6")
        assert dialog.outcome.path == tmp_path / "同步包-测试员-第一党支部-2026-11-26.zip"
        await pilot.press("enter")
        assert isinstance(app.screen, BranchScreen)
    parts = read_bundle(tmp_path / "同步包-测试员-第一党支部-2026-11-26.zip", local_installation="x").branches
    assert [p.branch_id for p in parts] == [FIRST]


@pilot_test
async def test_conflict_listed_picked_and_recorded_in_history(tmp_path):
    server, laptop, ids, path = conflicting_pair(tmp_path)
    app = app_on(server)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_loaded(pilot, app)
        dialog = await run_job(pilot, app, "f5", str(path))
        assert dialog.outcome.conflicts == 1
        assert dialog.query_one("#conflicts").display
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictsScreen) and app.screen.loaded)
        screen = app.screen
        [conflict] = screen.conflicts
        assert conflict.label == "问题「三会一课记录不全」的整改进展"
        detail = str(screen.query_one("#detail").render())
        assert "整改中：已补两次记录" in detail and "已全部补齐" in detail
        assert "王干事" in detail and "县委张" in detail and "本机" in detail
        laptop_side = next(n for n, s in enumerate(conflict.sides, 1) if not s.local)
        await pilot.press(str(laptop_side))
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "已全部补齐" in str(app.screen.query_one("#message").render())
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen and screen.loaded and not screen.conflicts)
        assert "没有待处理的同步冲突" in str(screen.query_one("#caption").render())
    assert list_conflicts(server) == []
    finding = server.get(Finding, ids["f1"], ids["branch"])
    assert finding.progress == "已全部补齐"
    pick = [c for c in server.history(finding) if c.field == "progress"][-1]
    assert (pick.who, pick.new, pick.inst) == ("县委张", "已全部补齐", server.installation_id)
    assert set(pick.prev.split(",")) == {s.change_id for s in conflict.sides}


@pilot_test
async def test_enter_lists_the_values_and_cancel_keeps_the_conflict(tmp_path):
    server, _laptop, ids, path = conflicting_pair(tmp_path)
    import_bundle(server, path)
    app = app_on(server)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_loaded(pilot, app)
        # At start the app says conflicts wait.
        await wait_for(pilot, lambda: any("1 处同步冲突" in n.message for n in app._notifications))
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictsScreen) and app.screen.loaded)
        screen = app.screen
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert len(app.screen.choices) == 2 and any("本机" in c for c in app.screen.choices)
        own = next(n for n, s in enumerate(screen.conflicts[0].sides, 1) if s.local)
        await pilot.press(str(own))
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        assert app.screen is screen and len(screen.conflicts) == 1
        await pilot.press("3")  # only two values
        assert app.screen is screen
        await pilot.press(str(own), "y")
        await wait_for(pilot, lambda: app.screen is screen and not screen.conflicts)
    assert server.get(Finding, ids["f1"], ids["branch"]).progress == "整改中：已补两次记录"
    assert list_conflicts(server) == []


@pilot_test
async def test_a_new_laptop_starts_from_the_servers_bundle(tmp_path):
    server = seed_home(tmp_path / "server")
    path = bundle(server, tmp_path, "from-server")
    app = app_on(new_store(tmp_path, "laptop", "王干事"))
    async with app.run_test(size=(80, 24)) as pilot:
        from screens.welcome import WelcomeScreen

        await wait_for(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        dialog = await run_job(pilot, app, "4", str(path))
        assert dialog.outcome.ok and "合计 5 个党支部：新增 8" in shown_text(dialog)
        await pilot.press("enter")
        home = app.screen_stack[0]
        await wait_for(pilot, lambda: app.screen is home and len(home.summaries) == 5)


@pilot_test
async def test_sync_keys_are_in_the_help(tmp_path):
    from screens.dialogs.help import bindings_of

    app = app_on(seed_home(tmp_path / "d"))
    async with app.run_test(size=(80, 24)) as pilot:
        await home_loaded(pilot, app)
        keys = dict(bindings_of(app.screen))
        assert {"F5", "F6", "F7"} <= set(keys)
        assert "导入" in keys["F5"] and "导出" in keys["F6"] and "同步" in keys["F7"]


@pilot_test
async def test_values_that_look_like_markup_are_shown_as_typed(tmp_path):
    server = new_store(tmp_path, "server", "县委张")
    ids = seed(server)
    laptop = new_store(tmp_path, "laptop", "王干事")
    import_bundle(laptop, bundle(server, tmp_path, "first"))
    _edit_progress(server, ids["f1"], ids["branch"], "[/b]已补[两次]记录")
    _edit_progress(laptop, ids["f1"], ids["branch"], "[/i]全部补齐")
    import_bundle(server, bundle(laptop, tmp_path, "back"))
    app = app_on(server)
    async with app.run_test(size=(80, 24)) as pilot:
        await home_loaded(pilot, app)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictsScreen) and app.screen.loaded)
        screen = app.screen
        assert "[/b]已补[两次]记录" in str(screen.query_one("#detail").render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.pause()
        laptop_side = next(n for n, s in enumerate(screen.conflicts[0].sides, 1) if not s.local)
        await pilot.press(str(laptop_side))
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "[/i]全部补齐" in str(app.screen.query_one("#message").render())
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen and not screen.conflicts)
    assert server.get(Finding, ids["f1"], ids["branch"]).progress == "[/i]全部补齐"


@pilot_test
async def test_a_long_report_puts_totals_first_and_scrolls(tmp_path):
    from inspector.models import Branch, Sector

    laptop = new_store(tmp_path, "laptop", "王干事")
    for n in range(30):
        laptop.save(Branch(name=f"第{n + 1}党支部", sector=Sector.RURAL))
    path = bundle(laptop, tmp_path, "many")
    app = app_on(seed_home(tmp_path / "server"))
    async with app.run_test(size=(80, 24)) as pilot:
        await home_loaded(pilot, app)
        dialog = await run_job(pilot, app, "f5", str(path))
        lines = dialog.outcome.lines
        assert lines[1].startswith("合计 30 个党支部：新增 30") and lines[2] == "各党支部（↑↓ 翻看）："
        assert len(lines) == 3 + 30
        report = dialog.query_one("#report")
        await wait_for(pilot, lambda: report.max_scroll_y > 0)  # laid out after the outcome arrives
        assert report.scroll_y == 0
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: report.scroll_y > 0)
