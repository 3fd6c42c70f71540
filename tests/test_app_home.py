"""Pilot tests of the shell and home flows: filtering, opening, adding, importing, welcome, resuming."""

from __future__ import annotations

import json
import re
import shutil
import signal
from datetime import date

from textual.widgets import Input

from inspector.models import Branch, Finding, FindingStatus, Sector, VisitMethod
from inspector.store import Store
from tests.home_fixtures import BRANCHES, FIRST, make_app, pilot_test, seed, wait_for

ROSTER = (
    "支部名称,所属领域,支部书记,党员人数\r\n"
    "新华村党支部,农村,王建国,23\r\n"
    ",社区,李四,5\r\n"
    "红星社区党支部,火星,赵六,7\r\n"
    "城关二小党支部,学校,孙七,12\r\n"
)


def shown_names(app) -> list[str]:
    home = app.screen_stack[0]
    return [home._by_id[bid].name for bid in home._shown]


async def _loaded(pilot, app, count: int) -> None:
    await wait_for(pilot, lambda: len(app.screen_stack[0]._shown) == count)


@pilot_test
async def test_filter_by_chinese_and_pinyin(tmp_path):
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        await pilot.press(*"第一")
        assert sorted(shown_names(app)) == ["县第一中学党支部", "第一党支部"]
        await pilot.press("escape")
        assert len(shown_names(app)) == 5
        await pilot.press(*"dydzb")
        assert shown_names(app) == ["第一党支部"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", *"cgsq")
        assert shown_names(app) == ["城关社区党支部"]
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "BranchScreen"
        assert app.screen.branch_id == BRANCHES[2][0]


@pilot_test
async def test_filter_typed_on_after_the_branches_changed_matches_the_new_ones(tmp_path):
    """Each filter text's matches are kept while typing (a longer text searches
    a shorter one's matches): a change to the branches must not leave them stale."""
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        await pilot.press(*"dy", "backspace", "y")
        assert sorted(shown_names(app)) == ["县第一中学党支部", "第一党支部"]
        Store(tmp_path / "d", "另一人").save(Branch(name="第一村党支部", sector=Sector.RURAL))
        app.screen_stack[0].load_summaries()
        await wait_for(pilot, lambda: len(app.screen_stack[0]._ordered) == 6)
        assert sorted(shown_names(app)) == ["县第一中学党支部", "第一党支部", "第一村党支部"]
        await pilot.press("c")
        assert shown_names(app) == ["第一村党支部"]
        await pilot.press("backspace")
        assert sorted(shown_names(app)) == ["县第一中学党支部", "第一党支部", "第一村党支部"]
        await pilot.press("backspace")  # 「d」 was typed before the change, every branch matches it
        assert len(shown_names(app)) == 6


@pilot_test
async def test_sort_by_column_and_reverse(tmp_path):
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        await pilot.press("ctrl+s")
        await pilot.press("4")  # 党员, numeric: most members first
        assert shown_names(app)[0] == "城关社区党支部"
        await pilot.press("ctrl+s", "4")
        assert shown_names(app)[0] == "宏达机械有限公司党支部"


@pilot_test
async def test_branch_screen_shows_profile_visits_and_findings(tmp_path):
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        await pilot.press(*"dydzb", "enter")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#visits").row_count == 1
        assert screen.query_one("#findings").row_count == 2
        assert "逾期 1 个" in str(screen.query_one("#findings-caption").render())
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]


@pilot_test
async def test_add_branch_with_validation_errors(tmp_path):
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        await pilot.press("ctrl+n")
        form = app.screen
        await pilot.press("ctrl+s")
        assert str(form.query_one("#e-name").render()) == "支部名称不能为空"
        await pilot.press(*"第一党支部")
        form.query_one("#f-members", Input).value = "二十"
        await pilot.press("ctrl+s")
        assert str(form.query_one("#e-members").render()) == "党员人数应为不小于 0 的整数（现为「二十」）"
        form.query_one("#f-members", Input).value = "20"
        await pilot.press("ctrl+s")
        assert "已有名为「第一党支部」的党支部" in str(form.query_one("#e-name").render())
        form.query_one("#f-name", Input).value = "第三党支部"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        await _loaded(pilot, app, 6)
        saved = next(b for b in Store(tmp_path / "d").branches() if b.name == "第三党支部")
        assert (saved.members, saved.initials) == (20, "dsdzb")


async def _import(tmp_path, encoding: str) -> list[str]:
    seed(tmp_path / "d")
    csv = tmp_path / f"名册-{encoding}.csv"
    csv.write_bytes(ROSTER.encode(encoding))
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        await pilot.press("ctrl+o")
        dialog = app.screen
        dialog.query_one("#path", Input).value = f"'{csv}'"
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog.preview is not None)
        errors = str(dialog.query_one("#error-lines").render()).splitlines()
        assert dialog.query_one("#preview").row_count == 2
        assert len(Store(tmp_path / "d").branches()) == 5  # nothing written before confirming
        await pilot.press("ctrl+s")
        await _loaded(pilot, app, 7)
    return errors


@pilot_test
async def test_import_roster_utf8_with_bad_rows(tmp_path):
    errors = await _import(tmp_path, "utf-8-sig")
    assert errors[0] == "第3行：支部名称不能为空"
    assert errors[1].startswith("第4行：所属领域「火星」无法识别")
    assert {"新华村党支部", "城关二小党支部"} <= {b.name for b in Store(tmp_path / "d").branches()}


@pilot_test
async def test_import_roster_gbk_with_bad_rows(tmp_path):
    errors = await _import(tmp_path, "gbk")
    assert errors[0] == "第3行：支部名称不能为空"
    assert {"新华村党支部", "城关二小党支部"} <= {b.name for b in Store(tmp_path / "d").branches()}


@pilot_test
async def test_welcome_then_demo(tmp_path, monkeypatch):
    import screens.welcome

    monkeypatch.setattr(screens.welcome, "DEMO_BRANCHES", 3)
    app = make_app(tmp_path / "empty")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "WelcomeScreen"
        await pilot.press("3")
        await wait_for(pilot, lambda: app.screen is app.screen_stack[0], timeout=30)
        await _loaded(pilot, app, 3)
    assert len(Store(tmp_path / "empty").branches()) == 3


@pilot_test
async def test_welcome_add_branch_by_hand(tmp_path):
    app = make_app(tmp_path / "empty")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2", *"城北村党支部", "enter")
        await _loaded(pilot, app, 1)
        assert app.screen is app.screen_stack[0]


@pilot_test
async def test_unfinished_visits_show_in_a_panel_never_a_dialog_and_ctrl_r_resumes(tmp_path):
    """A start never opens a dialog that takes the user's first keys (F3 went to it):
    the visits in progress are a line on the home screen, own first with progress."""
    from inspector.checklist import load_templates
    from inspector.visit import start_visit

    store = seed(tmp_path / "d")
    template = load_templates().templates["general"]
    visit = start_visit(
        store,
        store.branch(FIRST),
        template,
        on=date(2026, 11, 20),
        inspectors=["测试员"],
        methods=[VisitMethod.REVIEW_RECORDS],
    )
    app = make_app(tmp_path / "d", resume=True)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.screen_stack[0].query_one("#unfinished")
        await wait_for(pilot, lambda: panel.display and "我的" in str(panel.render()))
        assert app.screen is app.screen_stack[0]
        assert re.search(r"我的 .+ 0/\d+", str(panel.render()))
        assert "指导中" in [str(c) for c in app.screen.table.get_row(FIRST)]
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ChoiceDialog")
        await pilot.press("1")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "VisitScreen")
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["BranchScreen", "VisitScreen"]
        assert app.screen.visit_id == visit.id


async def _new_visit_dialog(pilot, app) -> None:
    """From home, open the third branch (by its pinyin initials) and press n."""
    await _loaded(pilot, app, 5)
    await pilot.press(*"cgsq", "enter")
    await pilot.pause()
    await pilot.press("n")


@pilot_test
async def test_new_visit_from_branch_screen(tmp_path):
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 30)) as pilot:
        await _new_visit_dialog(pilot, app)
        dialog = app.screen
        assert dialog.query_one("#date", Input).value == "2026-11-26"
        dialog.query_one("#date", Input).value = "2026-02-30"
        await pilot.press("ctrl+s")
        assert "日期无效" in str(dialog.query_one("#error").render())
        dialog.query_one("#date", Input).value = "2026-11-25"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "VisitScreen")
    visits = Store(tmp_path / "d").visits(BRANCHES[2][0])
    assert [(v.date.isoformat(), v.inspectors, v.template_id) for v in visits] == [
        ("2026-11-25", ["测试员"], "general")
    ]


@pilot_test
async def test_starting_a_second_visit_on_a_branch_with_one_in_progress_asks(tmp_path):
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 30)) as pilot:
        await _new_visit_dialog(pilot, app)
        app.screen.query_one("#date", Input).value = "2026-11-25"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "VisitScreen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "BranchScreen")
        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ChoiceDialog")
        assert "本支部已有进行中的现场指导" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("1")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "VisitScreen")
    assert len(Store(tmp_path / "d").visits(BRANCHES[2][0])) == 1


@pilot_test
async def test_help_lists_keys_of_current_screen(tmp_path):
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        await pilot.press("f1")
        from screens.dialogs.help import bindings_of

        keys = dict((d, k) for k, d in bindings_of(app.screen.target))
        assert (
            keys["新增一个党支部。"] == "ctrl+n"
            and keys["从 Excel（.xlsx）或 CSV 文件导入党支部名册或党员花名册，先预览再写入。"] == "ctrl+o"
            and keys["打开本帮助，列出当前画面可用的按键。"].startswith("F1")
        )
        await pilot.press("escape")
        await pilot.press(*"dydzb", "enter")
        await pilot.pause()
        await pilot.press("f1")
        keys = dict((d, k) for k, d in bindings_of(app.screen.target))
        pockets = "查看和登记本支部的口袋党员、失联党员和流动党员。"
        assert keys["为本支部新建一次现场指导；已有进行中的指导时会先询问。"] == "n" and keys[pockets] == "p"
        assert keys["打开光标所在的现场指导记录或问题。"] == "回车"
        # each line names the binding id that <data>/keymap.json rebinds
        from screens.dialogs.help import key_help

        ids = {desc: ids for _, desc, ids in key_help(app.screen.target)}
        assert ids[pockets] == "branch.pockets"


@pilot_test
async def test_command_palette_jumps_to_branch_by_initials(tmp_path):
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        await pilot.press("ctrl+p")
        await pilot.press(*"hdjx")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "BranchScreen")
        assert app.screen.branch_id == BRANCHES[4][0]


@pilot_test
async def test_command_palette_says_in_chinese_when_nothing_matches(tmp_path):
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        await pilot.press("ctrl+p")
        await pilot.press(*"qqqq")
        await pilot.pause(1.0)  # past the palette's own half-second wait for "No matches found"
        shown = " ".join(str(line.text) for line in app.screen._compositor.render_strips())
        assert "没有名称或拼音首字母含「qqqq」的支部或功能" in shown and "No matches" not in shown
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


@pilot_test
async def test_keymap_file_rebinds_keys(tmp_path):
    seed(tmp_path / "d")
    (tmp_path / "d" / "keymap.json").write_text(json.dumps({"home.add_branch": "ctrl+t"}), encoding="utf-8")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        await pilot.press("ctrl+t")
        assert type(app.screen).__name__ == "BranchForm"


@pilot_test
async def test_sigterm_saves_pending_and_exits(tmp_path):
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    saved = []
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        app.screen_stack[0].save_pending = lambda: saved.append(True)
        app._on_signal(signal.SIGTERM)
        await pilot.pause()
    assert saved == [True]
    assert app.return_code == 0


@pilot_test
async def test_table_follows_changes_made_by_another_session(tmp_path):
    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        Store(tmp_path / "d", "另一人").save(Branch(name="后来的党支部", sector=Sector.OTHER))
        app.screen_stack[0].load_summaries()
        await _loaded(pilot, app, 6)
        assert "后来的党支部" in shown_names(app)


@pilot_test
async def test_bad_keymap_file_is_reported_and_ignored(tmp_path):
    seed(tmp_path / "d")
    (tmp_path / "d" / "keymap.json").write_text("{not json", encoding="utf-8")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        assert any("快捷键设置文件 keymap.json 有误" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+n")
        assert type(app.screen).__name__ == "BranchForm"


@pilot_test
async def test_unfinished_visits_found_while_the_user_types_do_not_take_their_keys(tmp_path):
    from inspector.checklist import load_templates
    from inspector.visit import start_visit

    store = seed(tmp_path / "d")
    start_visit(
        store,
        store.branch(FIRST),
        load_templates().templates["general"],
        on=date(2026, 11, 20),
        inspectors=["别人"],
        methods=[VisitMethod.REVIEW_RECORDS],
    )
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        await pilot.press(*"cg")
        app._resume_offered = False  # as on a start where loading took longer than the user waited
        app.offer_resume()
        panel = app.screen_stack[0].query_one("#unfinished")
        await wait_for(pilot, lambda: panel.display)
        assert "他人 1 项" in str(panel.render()) and "我的" not in str(panel.render())
        assert app.screen is app.screen_stack[0]
        assert app.screen_stack[0].filter_text == "cg"


@pilot_test
async def test_screens_follow_others_changes_by_themselves_and_only_on_top(tmp_path):
    from screens.branch import BranchScreen

    seed(tmp_path / "d")
    other = Store(tmp_path / "d", "另一人")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await _loaded(pilot, app, 5)
        home = app.screen_stack[0]
        other.save(Branch(name="后来的党支部", sector=Sector.OTHER))
        await _loaded(pilot, app, 6)  # the app's watcher, no call from the test
        app.open_branch(FIRST)
        await wait_for(pilot, lambda: isinstance(app.screen, BranchScreen) and app.screen.data is not None)
        findings = app.screen.query_one("#findings")
        findings.move_cursor(row=1)
        reloads = []
        home.refresh_data = lambda: reloads.append(True)
        # Another clerk moves the highlighted finding on: shown by itself, cursor kept.
        second = other.get(Finding, "00000000-0000-4000-8000-0000000001f2", FIRST)
        other.save(second.model_copy(update={"status": FindingStatus.IN_PROGRESS}))
        await wait_for(pilot, lambda: str(findings.get_row_at(1)[3]) == "整改中")
        assert findings.cursor_row == 1
        assert reloads == []  # home, under the branch screen, did no work
        await pilot.press("escape")
        await wait_for(pilot, lambda: reloads == [True])  # and caught up once back on top


@pilot_test
async def test_a_window_below_80x24_gets_a_notice_instead_of_a_broken_layout(tmp_path):
    from screens.too_small import TooSmallScreen

    seed(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "窗口太小（至少 80×24）" in str(app.screen.query_one("#too-small").render())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        await pilot.resize_terminal(79, 30)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)


@pilot_test
async def test_a_first_launch_shows_the_rows_before_it_spells_names(tmp_path, monkeypatch):
    """With names stored without their pinyin, a first launch shows the counted
    rows while it spells them (the status line says so), then puts them in
    pinyin order; the untouched cursor stays on the first row."""
    import orjson

    from inspector.store import core as store_core
    from screens.home import HomeScreen

    seed(tmp_path / "d")
    path = tmp_path / "d" / "branches" / BRANCHES[2][0] / "branch.json"  # 城关社区党支部
    data = orjson.loads(path.read_bytes())
    next(iter(data["branch"].values())).pop("pinyin")
    path.write_bytes(orjson.dumps(data))
    shutil.rmtree(tmp_path / "d" / "cache")
    monkeypatch.setattr(store_core, "_LISTING_AFTER", 0)
    shown: list[tuple[str, str, bool]] = []
    show = HomeScreen.show_summaries

    def recorded(self, summaries, drawn=None):
        show(self, summaries, drawn)
        status = str(self.query_one("#status").content)
        shown.append((status, str(self._cells[FIRST][4]), self.table.cursor_row))

    monkeypatch.setattr(HomeScreen, "show_summaries", recorded)
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(shown) == 2)
        assert shown == [
            ("共 5 个支部　正在按拼音排序……", "2026-10-12", 0),
            ("共 5 个支部　按支部名称升序", "2026-10-12", 0),
        ]
        assert shown_names(app) == [
            "城关社区党支部",
            "第二党支部",
            "第一党支部",
            "宏达机械有限公司党支部",
            "县第一中学党支部",
        ]
