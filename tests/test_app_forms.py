"""Forms keep what was typed: Esc asks, drafts survive a dropped link, Enter moves on in a burst."""

from __future__ import annotations

import pytest
from test_app_visit import burst

from inspector.models import Finding
from inspector.store import Store
from inspector.templates import template_of
from tests.visit_fixtures import BRANCH_ID, VISIT_DAY, VISIT_ID, make_app, pilot_test, seed


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    seed(root)
    return root


def a_finding(root) -> Finding:
    from inspector.visit import finding_from_item, template_of

    store = Store(root, "测试员")
    visit = store.visit(VISIT_ID, BRANCH_ID)
    return store.save(finding_from_item(visit, template_of(store, visit).item("PLAN-01")))


def editor_app(root, finding: Finding, *, is_new: bool = False):
    from screens.finding import FindingEditor

    return make_app(root, lambda: FindingEditor(finding, is_new=is_new))


def stored(root, finding: Finding) -> Finding:
    return Store(root, "测试员").get(Finding, finding.id, BRANCH_ID)


async def type_into(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector).focus()
    await pilot.pause()
    await pilot.press(*text)


@pilot_test
async def test_esc_without_changes_closes_at_once(root):
    from screens.finding import FindingEditor

    app = editor_app(root, a_finding(root))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, FindingEditor)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, FindingEditor)


@pilot_test
async def test_esc_with_changes_asks_and_each_choice_does_what_it_says(root):
    from screens.dialogs.form_screen import LeaveDialog
    from screens.finding import FindingEditor

    finding = a_finding(root)
    app = editor_app(root, finding)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = pilot.app.screen
        await type_into(pilot, "#goal", "建立制度")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, LeaveDialog)
        # 继续编辑 (Esc): back in the form, the typing still there
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is editor
        assert editor.query_one("#goal").value.endswith("建立制度")
        # 保存
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, FindingEditor)
    assert stored(root, finding).goal.endswith("建立制度")


@pilot_test
async def test_esc_then_discard_leaves_the_record_as_it_was(root):
    from screens.finding import FindingEditor

    finding = a_finding(root)
    app = editor_app(root, finding)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#goal", "不要了")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, FindingEditor)
    assert stored(root, finding).goal == finding.goal


@pilot_test
async def test_form_dialog_asks_before_dropping_typing(root):
    from screens.dialogs.common import PromptDialog
    from screens.dialogs.form_screen import LeaveDialog

    app = make_app(root, lambda: PromptDialog("理由", "理由："))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"已核实")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, LeaveDialog)


@pilot_test
async def test_sighup_with_an_invalid_field_keeps_a_draft_that_is_offered_back(root):
    from screens.finding import FindingEditor

    finding = a_finding(root)
    app = editor_app(root, finding)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        deadline = pilot.app.screen.query_one("#deadline")
        deadline.value = ""
        await type_into(pilot, "#deadline", "2020-01-01")  # before the finding: refused
        await type_into(pilot, "#person", "李明")
        pilot.app.save_pending()  # what the SIGHUP/SIGTERM handler does
    assert stored(root, finding).responsible.person == finding.responsible.person
    (draft,) = Store(root, "测试员").drafts()
    assert draft["fields"]["deadline"] == "2020-01-01"
    assert "整改时限" in draft["reason"]
    assert Store(root, "别人").drafts() == []  # per user

    notes: list[str] = []
    app = editor_app(root, finding)
    original = app.notify
    app.notify = lambda message, **kw: (notes.append(str(message)), original(message, **kw))[1]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, FindingEditor)
        assert editor.query_one("#deadline").value == "2020-01-01"
        assert editor.query_one("#person").value.endswith("李明")
        assert "已恢复" in str(editor.query_one("#finding-error").render())
        # fixed and saved: the draft is gone
        editor.query_one("#deadline").value = "2026-12-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, FindingEditor)
    assert stored(root, finding).responsible.person.endswith("李明")
    assert Store(root, "测试员").drafts() == []


@pilot_test
async def test_drafts_are_named_at_start(root):
    from tests.home_fixtures import make_app as home_app
    from tests.home_fixtures import wait_for

    finding = a_finding(root)
    Store(root, "测试员").save_draft("finding", finding.id, {"goal": "x"}, title="问题「测试」", reason="整改时限有误")
    app = home_app(root)
    notes: list[str] = []
    original = app.notify
    app.notify = lambda message, **kw: (notes.append(str(message)), original(message, **kw))[1]
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: any("草稿" in n for n in notes))
    assert any("问题「测试」" in n for n in notes)


@pilot_test
async def test_keys_typed_right_after_enter_land_in_the_next_field(root):
    app = editor_app(root, a_finding(root))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = pilot.app.screen
        editor.query_one("#goal").focus()
        await pilot.pause()
        burst(pilot.app, ["a", "b", "c", "enter", "x", "y", "z"])
        await pilot.pause(0.3)
        assert editor.query_one("#goal").value.endswith("abc")
        assert editor.query_one("#measures").text.endswith("xyz")
        assert pilot.app.focused is editor.query_one("#measures")


def terminal_burst(app, data: str) -> None:
    """`data` as the terminal delivers it in one read (tmux send-keys, a laggy SSH
    link): decoded by Textual's own parser into the events the app then receives."""
    from textual._xterm_parser import XTermParser

    for event in XTermParser().feed(data):
        app.post_message(event)


@pilot_test
async def test_enter_saves_names_typed_in_the_same_burst(root):
    """Enter in the last field saves only after every field took the keys typed before it."""
    finding = a_finding(root)
    app = editor_app(root, finding)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = pilot.app.screen
        editor.query_one("#leader").value = ""
        editor.query_one("#person").value = ""
        editor.query_one("#leader").focus()
        await pilot.pause()
        terminal_burst(pilot.app, "刘明\t赵强\r")
        await pilot.pause(0.3)
        assert pilot.app.screen is not editor
    saved = stored(root, finding).responsible
    assert (saved.leader, saved.person) == ("刘明", "赵强")


@pilot_test
async def test_enter_in_a_text_area_still_starts_a_new_line(root):
    app = editor_app(root, a_finding(root))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = pilot.app.screen
        area = editor.query_one("#measures")
        area.text = ""
        area.focus()
        await pilot.pause()
        await pilot.press("a", "enter", "b")
        assert area.text == "a\nb"


@pilot_test
async def test_conflict_dialog_shows_both_values_and_merges_per_field(root):
    from datetime import date

    from screens.dialogs.edit_conflict import EditConflictDialog
    from screens.finding import FindingEditor

    finding = a_finding(root)
    app = editor_app(root, finding)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = pilot.app.screen
        # a colleague, in another process, saves the goal and the deadline first
        Store(root, "张三").save(
            finding.model_copy(update={"goal": "对方的目标", "deadline": date(2027, 1, 15)}), base=finding
        )
        editor.query_one("#goal").value = "我的目标"
        editor.query_one("#deadline").value = "2027-02-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, EditConflictDialog)
        shown = " ".join(str(s.render()) for s in dialog.query(".clash-line"))
        assert "对方的目标" in shown and "我的目标" in shown and "张三" in shown
        assert "2027-01-15" in shown and "2027-02-01" in shown
        # keep mine for the goal (the first, default), theirs for the deadline
        fields = [c.field for c in dialog.clashes]
        dialog.query_one(f"#choice-{fields.index('deadline')}").value = "theirs"
        dialog.query_one("#chosen").press()
        await pilot.pause()
        assert not isinstance(pilot.app.screen, (EditConflictDialog, FindingEditor))
    saved = stored(root, finding)
    assert saved.goal == "我的目标"
    assert saved.deadline == date(2027, 1, 15)


@pilot_test
async def test_open_form_says_at_once_who_changed_the_record(root):
    finding = a_finding(root)
    app = editor_app(root, finding)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = pilot.app.screen
        Store(root, "张三").save(finding.model_copy(update={"goal": "对方的目标"}), base=finding)
        pilot.app._watch_data()  # the app's one-second change watcher
        await pilot.pause()
        assert "张三 刚修改了本条记录（字段：整改目标）" in str(editor.query_one("#finding-error").render())


@pilot_test
async def test_a_finding_closed_by_another_store_refuses_edits(root):
    from inspector import rectification as rx
    from inspector.models import FindingStatus
    from screens.branch import BranchScreen
    from screens.finding import FindingEditor

    finding = a_finding(root)
    app = make_app(root, lambda: BranchScreen(BRANCH_ID))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        branch = pilot.app.screen
        assert "已销号" not in str(branch.query_one("#findings-caption").render())
        branch._open_row("findings", finding.id)
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, FindingEditor)
        other = Store(root, "张三")
        current = other.get(Finding, finding.id, BRANCH_ID)
        current = rx.advance(other, current, FindingStatus.IN_PROGRESS)
        current = rx.advance(other, current, FindingStatus.AWAITING_CHECK)
        rx.close(
            other,
            current,
            verifier="李四",
            on=current.found_on,
            evidence="整改报告",
            outside_reason="县委组织部派员验收",
        )
        pilot.app._watch_data()
        await pilot.pause()
        assert editor.query_one("#goal").disabled
        assert "已销号" in str(editor.query_one("#finding-error").render())
        # even typed around the disabled fields, the save is refused and nothing changes
        editor.query_one("#goal").value = "改一下"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is editor
        assert "已销号" in str(editor.query_one("#finding-error").render())
        assert stored(root, finding).goal == finding.goal
        editor.dismiss(None)
        await pilot.pause()
        assert pilot.app.screen is branch
        assert "已销号 1 个" in str(branch.query_one("#findings-caption").render())


def test_a_finding_without_its_four_clarities_is_saved_as_incomplete(root):
    from inspector import rectification as rx
    from inspector.models import Responsibility

    finding = a_finding(root)
    assert not rx.is_complete(finding)
    assert "整改目标" in rx.missing_clarity(finding)
    done = finding.model_copy(
        update={"goal": "目标", "measures": "措施", "responsible": Responsibility(leader="书记", person="李明")}
    )
    assert rx.missing_clarity(done) == []
    assert rx.is_complete(Store(root, "测试员").save(done))


def test_a_reason_not_to_record_a_finding_leaves_old_answers_as_stored(root):
    from inspector.models import Answer, AnswerValue

    plain = Answer(value=AnswerValue.NOT_MET)
    assert "no_finding_reason" not in plain.model_dump(mode="json")
    given = plain.model_copy(update={"no_finding_reason": "当场已整改"})
    assert given.model_dump(mode="json")["no_finding_reason"] == "当场已整改"
    assert Answer.model_validate(given.model_dump(mode="json")) == given


@pilot_test
async def test_finishing_asks_for_a_finding_or_a_reason_for_an_escaped_not_met(root):
    from test_app_visit import answer_all_but

    from inspector.models import AnswerValue, VisitStatus
    from screens.dialogs.common import ChoiceDialog, PromptDialog
    from screens.visit import VisitScreen

    ids = answer_all_but(root, 1)
    app = make_app(root, lambda: VisitScreen(VISIT_ID, BRANCH_ID))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        screen._goto(ids[-1])
        await pilot.pause()
        await pilot.press("3")  # 不符合; the finding form opens
        await pilot.pause()
        await pilot.press("escape")  # escaped: no finding
        await pilot.pause()
        assert pilot.app.screen is screen
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChoiceDialog)
        await pilot.press("2")  # 不登记，说明理由
        await pilot.pause()
        assert isinstance(pilot.app.screen, PromptDialog)
        await pilot.press(*"当场已整改到位", "enter")
        await pilot.pause()
        await pilot.press("y")  # the usual confirmation
        await pilot.pause()
    visit = Store(root, "测试员").visit(VISIT_ID, BRANCH_ID)
    assert visit.status == VisitStatus.COMPLETED
    assert visit.answers[ids[-1]].value == AnswerValue.NOT_MET
    assert visit.answers[ids[-1]].no_finding_reason == "当场已整改到位"


def test_finish_refuses_a_not_met_without_finding_or_reason(root):
    from test_app_visit import answer_all_but

    from inspector import visit as visits
    from inspector.models import AnswerValue

    ids = answer_all_but(root, 1)
    store = Store(root, "测试员")
    visit = store.visit(VISIT_ID, BRANCH_ID)
    template = template_of(store, visit)
    visit = visits.answer(store, visit, ids[-1], AnswerValue.NOT_MET)
    with pytest.raises(visits.FindingsMissing) as caught:
        visits.finish(store, visit, template, store.branch(BRANCH_ID))
    assert caught.value.item_ids == [ids[-1]]
    store.save(visits.finding_from_item(visit, template.item(ids[-1])))
    assert visits.finish(store, visit, template, store.branch(BRANCH_ID)).status.value == "completed"


@pilot_test
async def test_acceptance_dialog_keeps_the_order_of_a_burst(root):
    from types import SimpleNamespace

    from screens.weaklax import AcceptanceDialog

    det = SimpleNamespace(id="00000000-0000-4000-8000-0000000000d1")  # the dialog needs only its id
    app = make_app(root, lambda: AcceptanceDialog(det, VISIT_DAY, "县委组织部"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = pilot.app.screen
        dialog.query_one("#accept-date").value = ""
        dialog.query_one("#accept-date").focus()
        await pilot.pause()
        burst(pilot.app, [*"2016/12/30", "enter", "8", "0"])
        await pilot.pause(0.3)
        assert dialog.query_one("#accept-date").value == "2016/12/30"
        assert dialog.query_one("#accept-score").value == "80"
        assert "2016年12月30日 星期五" in str(dialog.query_one("#accept-date-echo").render())


@pilot_test
async def test_visit_note_keeps_the_order_of_a_burst(root):
    from test_app_visit import on_disk, opened, visit_app

    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        item = screen.current_item.id
        await pilot.press("e")
        burst(pilot.app, ["a", "b", "c", "enter", "1"])
        await pilot.pause(0.5)
        assert screen.query_one("#note").value in ("", "abc")  # the cursor moved on after answering
        stored_answer = on_disk(root).answers[item]
        assert (stored_answer.value.value, stored_answer.note) == ("met", "abc")


@pilot_test
async def test_sighup_keeps_an_open_dialog_as_a_draft_offered_back(root):
    from screens.dialogs.common import PromptDialog

    def prompt():
        return PromptDialog("撤销认定", "撤销理由（记入台账）：")

    app = make_app(root, prompt)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#value", "经复核不符合认定标准")
        pilot.app.save_pending()  # what the SIGHUP/SIGTERM handler does
    (draft,) = Store(root, "测试员").drafts()
    assert draft["title"] == "撤销认定" and draft["fields"]["value"] == "经复核不符合认定标准"
    app = make_app(root, prompt)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = pilot.app.screen
        assert dialog.query_one("#value").value == "经复核不符合认定标准"
        assert "已恢复" in str(dialog.query_one("#error").render())
        await pilot.press("enter")
        await pilot.pause()
    assert Store(root, "测试员").drafts() == []  # submitted: the draft is gone


@pilot_test
async def test_a_typed_date_is_echoed_as_understood(root):
    app = editor_app(root, a_finding(root))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = pilot.app.screen
        editor.query_one("#deadline").value = ""
        await type_into(pilot, "#deadline", "2017/1/5")
        assert str(editor.query_one("#deadline-echo").render()) == "→ 2017年1月5日 星期四"
        editor.query_one("#deadline").value = ""
        await type_into(pilot, "#deadline", "2017年2月30日")
        assert str(editor.query_one("#deadline-echo").render()) == "→ 无法识别为日期"


@pilot_test
async def test_a_new_finding_kept_at_exit_comes_back_on_the_same_item(root):
    from inspector.visit import finding_from_item, template_of

    def new_finding() -> Finding:  # each call has a new id, as each press of f does
        store = Store(root, "测试员")
        visit = store.visit(VISIT_ID, BRANCH_ID)
        return finding_from_item(visit, template_of(store, visit).item("PLAN-01"))

    first = new_finding()
    async with editor_app(root, first, is_new=True).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#goal", "年底前报党委审核")
        pilot.app.save_pending()  # what the SIGHUP/SIGTERM handler does (the deadline is fine: it saves)
    again = new_finding()
    assert again.id != first.id
    assert Store(root, "测试员").drafts() == []  # saved, not kept
    async with editor_app(root, again, is_new=True).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pilot.app.screen.query_one("#deadline").value = "2001-01-01"  # before the finding: cannot be saved
        await type_into(pilot, "#goal", "补齐计划")
        pilot.app.save_pending()
    (draft,) = Store(root, "测试员").drafts()
    assert draft["kind"] == "new-finding"
    async with editor_app(root, new_finding(), is_new=True).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert pilot.app.screen.query_one("#goal").value.endswith("补齐计划")
