"""Pilot tests of the committee's ledger screens: filters, sorting, status moves, polling, conflicts, export."""

from __future__ import annotations

import csv
import io

from textual.widgets import Input

from inspector import rectification as rx
from inspector.models import Finding, FindingStatus, Severity, WeakLaxStatus
from inspector.settings import Settings, save_settings
from inspector.store import Store
from screens.coverage import CoverageScreen
from screens.dialogs.common import ChoiceDialog, PromptDialog
from screens.dialogs.export import ExportDialog
from screens.dialogs.rectify import CloseDialog, FilterDialog, TextDialog
from screens.ledger import LedgerScreen, move_targets
from screens.weaklax_ledger import WeakLaxLedgerScreen
from tests.home_fixtures import pilot_test, wait_for
from tests.ledger_ui_fixtures import CUN, FINDINGS, SHE, XUE, make_app, open_ledger, seed_ledger

S = FindingStatus
IDS = [f[0] for f in FINDINGS]
DESC = {f[0]: f[2] for f in FINDINGS}


def shown(screen: LedgerScreen) -> list[str]:
    return [DESC[k] for k in screen.table.keys]


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


@pilot_test
async def test_f3_opens_the_ledger_with_every_finding(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen_stack[0]._loaded)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, LedgerScreen) and app.screen.loaded)
        screen = app.screen
        assert sorted(screen.table.keys) == sorted(IDS)
        # Branches in pinyin order (城关 < 实验 < 新华), each by deadline.
        assert shown(screen)[:3] == ["发展党员程序不规范", "三会一课记录不全", "党费收缴不及时"]
        assert "6／6 条" in str(screen.query_one("#count").render())
        assert "逾期 2" in str(screen.query_one("#count").render())


@pilot_test
async def test_filters_combine_and_clear(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(pilot)
        await pilot.press("s")  # 未销号
        assert "发展党员程序不规范" not in shown(screen) and len(shown(screen)) == 5
        await pilot.press("o")  # and overdue
        assert shown(screen) == ["三会一课记录不全", "流动党员失去联系"]
        await pilot.press("slash")
        assert screen.query_one("#text", Input).has_focus
        screen.query_one("#text", Input).value = "张委员"  # as an input method commits it
        await pilot.pause()
        assert shown(screen) == ["三会一课记录不全"]
        assert "仅逾期" in str(screen.query_one("#filters").render())
        await pilot.press("enter", "x")
        assert len(shown(screen)) == 6 and screen.query_one("#text", Input).value == ""
        # Due within 5 days of 2026-11-26: only the open finding due 11-30 (not the one due 12-03).
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one(Input).value = "5"
        await pilot.press("enter")
        assert shown(screen) == ["党费收缴不及时"]


@pilot_test
async def test_filter_dialog_sets_branch_and_severity(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(pilot)
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FilterDialog)
        from textual.widgets import Select

        dialog.query_one("#branch", Input).value = "syxx"  # 实验小学 by pinyin initials
        dialog.query_one("#severity", Select).value = Severity.SERIOUS.value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert shown(screen) == ["党员教育管理台账缺失"]
        assert "程度：严重" in screen.flt.describe()


@pilot_test
async def test_sort_by_column_and_again_reverses(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_ledger(pilot)
        screen.sort_by("deadline")
        await pilot.pause()
        assert shown(screen)[0] == "流动党员失去联系" and shown(screen)[-1] == "主题党日活动流于形式"
        screen.sort_by("deadline")
        assert shown(screen)[0] == "主题党日活动流于形式"
        assert "整改时限↓" in screen.table.header_labels


@pilot_test
async def test_close_several_rows_records_who_and_refuses_the_responsible_person(tmp_path):
    store = seed_ledger(tmp_path / "d")
    save_settings(store.root, Settings(staff=["刘老师"]))
    app = make_app(tmp_path / "d", "组织委员")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(pilot)
        await pilot.press("s", "s", "s", "s")  # 待验收 only
        assert shown(screen) == ["党员教育管理台账缺失", "主题党日活动流于形式"]
        await pilot.press("space", "space")
        assert len(screen.marked) == 2
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("1")  # 已销号: the step forward comes first
        await pilot.pause()
        assert isinstance(app.screen, CloseDialog)
        app.screen.query_one("#verifier", Input).value = "刘老师"  # the person of one of them
        app.screen.query_one("#evidence", Input).value = "现场查阅台账"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TextDialog))
        body = str(app.screen.body)
        assert "已改为「已销号」：1 个；未改：1 个" in body and "验收人不能是具体责任人本人（刘老师）" in body
        await pilot.press("escape")
        closed = store.get(Finding, FINDINGS[4][0], XUE)
        assert (closed.status, closed.verifier, closed.evidence) == (S.CLOSED, "刘老师", "现场查阅台账")
        assert store.get(Finding, FINDINGS[3][0], XUE).status == S.AWAITING_CHECK
        who = {c.who for c in store.history(closed) if c.field == "status"}
        assert who == {"组织委员"}
        await wait_for(pilot, lambda: shown(screen) == ["主题党日活动流于形式"])  # no longer 待验收
        assert screen.marked == {FINDINGS[3][0]}  # the refused one stays selected


@pilot_test
async def test_a_refused_single_close_reopens_the_form_with_the_reason(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(pilot)
        screen.table.move_cursor(screen.table.index_of(FINDINGS[3][0]))
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("1")  # 已销号, the first choice at 待验收
        await pilot.pause()
        app.screen.query_one("#verifier", Input).value = "刘 老师"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CloseDialog) and "刘老师" in str(app.screen.error))
        assert app.screen.query_one("#verifier", Input).value == "刘 老师"  # what was typed is kept


@pilot_test
async def test_reopening_asks_a_reason_and_keeps_it(tmp_path):
    store = seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(pilot)
        screen.table.move_cursor(screen.table.index_of(FINDINGS[2][0]))  # 已销号
        await pilot.press("m")
        await pilot.pause()
        assert [label for _, label in move_targets([screen.by_id[FINDINGS[2][0]]])] == [
            "整改中（重新打开，须填写理由）"
        ]
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("enter")  # empty: refused by the dialog
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one(Input).value = "复查发现档案仍缺两份"
        await pilot.press("enter")
        await wait_for(pilot, lambda: store.get(Finding, FINDINGS[2][0], CUN).status == S.IN_PROGRESS)
        f = store.get(Finding, FINDINGS[2][0], CUN)
        assert f.reopenings[-1].reason == "复查发现档案仍缺两份" and f.verifier == ""
        await wait_for(pilot, lambda: screen.by_id[FINDINGS[2][0]].status is FindingStatus.IN_PROGRESS)
        # Enter shows the finding with its history.
        screen.table.move_cursor(screen.table.index_of(FINDINGS[2][0]))
        await pilot.press("enter")
        await pilot.pause()
        body = app.screen.body
        assert "重新打开：" in body and "理由：复查发现档案仍缺两份" in body and "状态：已销号 → 整改中" in body


@pilot_test
async def test_another_sessions_change_appears_by_itself_and_a_clash_is_told(tmp_path):
    seed_ledger(tmp_path / "d")
    other = Store(tmp_path / "d", "另一位同志")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(pilot)
        fid = FINDINGS[0][0]  # 整改中, overdue
        row = screen.by_id[fid]
        await pilot.press("o")
        assert "三会一课记录不全" in shown(screen)
        # The other session moves it on; our overdue view keeps it, with the new status, by itself.
        rx.advance(other, other.get(Finding, fid, CUN), S.AWAITING_CHECK)
        await wait_for(pilot, lambda: screen.by_id[fid].status is FindingStatus.AWAITING_CHECK)
        assert screen.cells(fid)[7] == ("待验收", "warn")
        # Our stale row: a move on it is refused, naming who changed what.
        screen.by_id[fid] = row
        screen.shown = [row if r.id == fid else r for r in screen.shown]
        screen.table.move_cursor(screen.table.index_of(fid))
        screen._ask_details([row], S.AWAITING_CHECK)
        await wait_for(pilot, lambda: any("另一位同志" in n for n in notes(app)))
        message = next(n for n in notes(app) if "另一位同志" in n)
        assert "状态：整改中 → 待验收" in message
        assert other.get(Finding, fid, CUN).status == S.AWAITING_CHECK  # nothing overwritten


@pilot_test
async def test_export_writes_the_filtered_rows_to_csv(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ledger(pilot)
        await pilot.press("o", "ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        target = tmp_path / "台账.csv"
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        # the note naming the file can come after the dialog has closed (seen under load)
        await wait_for(pilot, lambda: app.screen is screen and any(str(target) in n for n in notes(app)))
        raw = target.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert [r[4] for r in rows[1:]] == ["三会一课记录不全", "流动党员失去联系"]
        assert any(str(target) in n for n in notes(app))
        # A second export to the same path asks before overwriting.
        await pilot.press("ctrl+e")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        assert "文件已存在" in str(app.screen.query_one("#error").render())
        # The workbook, by its suffix.
        book = tmp_path / "台账.xlsx"
        app.screen.query_one("#path", Input).value = str(book)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        import openpyxl

        sheet = openpyxl.load_workbook(book)["整改台账"]
        assert [r[5] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["三会一课记录不全", "流动党员失去联系"]


@pilot_test
async def test_weaklax_ledger_lists_the_determined_branch(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_ledger(pilot, "weaklax")
        assert isinstance(screen, WeakLaxLedgerScreen)
        assert list(screen.rows) == [SHE]
        r = screen.rows[SHE]
        assert r.status is WeakLaxStatus.RECTIFYING and r.progress_text() == "已销号0/1，逾期1"
        assert "目标任务：恢复正常组织生活" in r.plan_text()
        await pilot.press("enter")
        await pilot.pause()
        assert "近一年未开展组织生活" in app.screen.body


@pilot_test
async def test_coverage_puts_never_and_long_unvisited_branches_first(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_ledger(pilot, "coverage")
        assert isinstance(screen, CoverageScreen)
        names = {b.id: b for b in screen.coverage.branches}
        assert screen.shown[0] not in (CUN, XUE, SHE)  # the never-visited company
        assert screen.shown[1] == SHE and names[SHE].stale  # last visit in March, limit 90 days
        assert "尚未全覆盖" in str(screen.query_one("#cov-summary").render())
        trend = str(screen.query_one("#cov-trend").render())
        assert "现场指导" in trend and "合计 3" in trend
        await pilot.press("a")
        assert len(screen.shown) == 4


@pilot_test
async def test_the_command_palette_opens_each_committee_screen(tmp_path):
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen_stack[0]._loaded)
        for title, kind in (
            ("指导覆盖情况", CoverageScreen),
            ("整改台账", LedgerScreen),
            ("软弱涣散党组织整顿台账", WeakLaxLedgerScreen),
        ):
            await pilot.press("ctrl+p")
            await pilot.pause()
            app.screen.query_one(Input).value = title
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_for(pilot, lambda kind=kind: isinstance(app.screen, kind))
            assert len(app.screen_stack) == 2  # always straight over the home screen
        # F1 lists the screen's keys with their Chinese names.
        from screens.dialogs.help import bindings_of

        assert ("l", "打开整改台账。") in bindings_of(app.screen)


def test_m_offers_the_step_forward_first_and_reopening_last():
    from types import SimpleNamespace

    def offered(*statuses: S) -> list[str]:
        rows = [SimpleNamespace(status=s) for s in statuses]  # move_targets reads only the status
        return [label for _, label in move_targets(rows)]

    assert offered(S.IN_PROGRESS) == ["待验收"]
    assert offered(S.AWAITING_CHECK) == ["已销号（须填写验收人、验收日期、佐证材料）", "整改中（重新打开，须填写理由）"]
    assert offered(S.NOT_STARTED, S.AWAITING_CHECK)[-1] == "整改中（重新打开，须填写理由）"


@pilot_test
async def test_the_ledger_says_who_has_not_sent_the_report(tmp_path):
    from datetime import date

    from followup_fixtures import BRANCH_ID, seed

    from inspector.models import MemoRecord, VisitStatus

    root = tmp_path / "data"
    seed(root)
    store = Store(root, "测试员")
    v = next(v for v in store.visits(BRANCH_ID) if v.status == VisitStatus.COMPLETED)
    memo = MemoRecord(file="反馈意见.docx", sha256="0" * 64, issued_on=date(2026, 10, 1), number="组字〔2026〕1号")
    store.save(v.model_copy(update={"memos": [memo]}), base=v)  # report due 2026-10-31; today 2026-11-26
    async with make_app(root).run_test(size=(100, 30)) as pilot:
        await open_ledger(pilot)
        screen = pilot.app.screen
        await wait_for(pilot, lambda: screen.late_reports)
        assert "1个支部逾期未报整改报告" in str(screen.query_one("#count").render())
        assert "整改报告逾期26天未报" in str(screen.query_one("#filters").render())
        rx_visit = store.visit(v.id, BRANCH_ID)
        from inspector import reportback as rp

        rp.record_report(store, rx_visit, received_on=date(2026, 11, 2))
        screen.refresh_data()
        await wait_for(pilot, lambda: not screen.late_reports)
        assert "整改报告2026-11-02收到" in str(screen.query_one("#filters").render())
        assert "逾期未报" not in str(screen.query_one("#count").render())
