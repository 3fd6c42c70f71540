"""The site visit as an inspector uses it: keys only, every answer on disk at once."""

from __future__ import annotations

from datetime import date

import pytest

from inspector.models import AnswerValue, VisitStatus
from inspector.store import Store
from tests.visit_fixtures import BRANCH_ID, VISIT_ID, make_app, pilot_test, seed


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    seed(root)
    return root


def visit_app(root):
    from screens.visit import VisitScreen

    return make_app(root, lambda: VisitScreen(VISIT_ID, BRANCH_ID))


def on_disk(root):
    return Store(root, "检查").visit(VISIT_ID, BRANCH_ID)


def answer_all_but(root, left: int) -> list[str]:
    """Answer every item but the last `left` ones (符合), as an earlier session would have."""
    from inspector.visit import answer, applicable_items, template_of

    store = Store(root, "测试员")
    visit = store.visit(VISIT_ID, BRANCH_ID)
    template = template_of(store, visit)
    ids = [i.id for i in applicable_items(template, store.branch(BRANCH_ID))]
    for item_id in ids[:-left]:
        visit = answer(store, visit, item_id, AnswerValue.MET, template=template)
    return ids


def cell(screen, item_id: str) -> str:
    return str(screen.query_one("#items").get_cell(item_id, "answer"))


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def opened(pilot):
    from screens.visit import VisitScreen

    await pilot.pause()
    assert isinstance(pilot.app.screen, VisitScreen)
    return pilot.app.screen


@pilot_test
async def test_answer_keys_save_at_once_and_move_on(root):
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        first, second, third = (i.id for i in screen.items[:3])
        await pilot.press("1", "2", "0")
        await pilot.pause()
        saved = on_disk(root).answers
        assert saved[first].value == AnswerValue.MET
        assert saved[second].value == AnswerValue.PARTLY_MET
        assert saved[third].value == AnswerValue.NOT_APPLICABLE
        assert saved[first].who == "测试员"
        assert cell(screen, first) == "符合" and cell(screen, second) == "基本符合"
        assert screen.current_item.id == screen.items[3].id
        assert "全部 3/" in text_of(screen, "#progress")
        await pilot.press("k")
        assert screen.current_item.id == third
        await pilot.press("1")
        await pilot.pause()
        assert on_disk(root).answers[third].value == AnswerValue.MET


@pilot_test
async def test_yes_no_item_refuses_partly_met(root):
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        yesno = next(i for i in screen.items if i.answer == "yesno")
        screen._goto(yesno.id)
        await pilot.press("2")
        await pilot.pause()
        assert yesno.id not in on_disk(root).answers
        assert "不能选「基本符合」" in text_of(screen, "#message")


@pilot_test
async def test_note_saved_on_enter_and_on_save_pending(root):
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        item = screen.current_item.id
        await pilot.press("1", "k", "e")
        await pilot.press(*"ok")
        screen.query_one("#note").value = "计划已制定，但未报党委审核"
        await pilot.press("enter")
        await pilot.pause()
        assert on_disk(root).answers[item].note == "计划已制定，但未报党委审核"
        # typed but not submitted: the app's SIGHUP handler calls save_pending
        await pilot.press("e")
        screen.query_one("#note").value = "合盖前还在输入的备注"
        pilot.app.save_pending()
        assert on_disk(root).answers[item].note == "合盖前还在输入的备注"


@pilot_test
async def test_note_before_answer_is_kept_on_the_visit_then_moves_into_the_answer(root):
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        item = screen.current_item.id
        await pilot.press("e")
        screen.query_one("#note").value = "书记口头介绍"
        await pilot.press("enter")
        await pilot.pause()
        assert on_disk(root).notes[item] == "书记口头介绍"  # on disk before the item is answered
        # shown again when the item comes back under the cursor
        await pilot.press("j", "k")
        assert screen.query_one("#note").value == "书记口头介绍"
        await pilot.press("2")
        await pilot.pause()
        visit = on_disk(root)
        answer = visit.answers[item]
        assert (answer.value, answer.note) == (AnswerValue.PARTLY_MET, "书记口头介绍")
        assert item not in visit.notes


@pilot_test
async def test_note_on_unanswered_item_is_saved_while_typing(root):
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        item = screen.current_item.id
        await pilot.press("e")
        await pilot.press(*"abc")  # typed keys, then a pause: saved without Enter
        await pilot.pause(0.5)
        assert Store(root, "另一进程").visit(VISIT_ID, BRANCH_ID).notes[item] == "abc"
        assert item not in on_disk(root).answers
        # typed and the lid closed at once: the SIGHUP/SIGTERM handler saves it before the pause is over
        await pilot.press(*"de")
        pilot.app.save_pending()
        assert Store(root, "另一进程").visit(VISIT_ID, BRANCH_ID).notes[item] == "abcde"


@pilot_test
async def test_not_met_offers_a_prefilled_finding(root):
    from screens.finding import FindingEditor

    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        item = screen.current_item
        await pilot.press("3")
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, FindingEditor)
        assert editor.query_one("#description").text == item.problem
        assert editor.query_one("#deadline").value == "2026-12-20"
        editor.query_one("#goal").value = "年底前完成计划审核"
        editor.query_one("#leader").value = "李明（党委副书记）"
        editor.query_one("#person").value = "王芳"
        # an impossible date and a deadline before the visit are refused
        editor.query_one("#deadline").value = "2026-02-30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is editor
        assert "日期无效" in text_of(editor, "#finding-error")
        editor.query_one("#deadline").value = "2026-11-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is editor
        assert "不能早于发现日期（2026-11-20）" in text_of(editor, "#finding-error")
        assert Store(root, "x").findings(BRANCH_ID) == []
        editor.query_one("#deadline").value = "2026-12-31"
        await pilot.press("f2")
        await pilot.pause()
        assert pilot.app.screen is screen
        (finding,) = Store(root, "x").findings(BRANCH_ID)
        assert (finding.visit_id, finding.item_id, finding.basis) == (VISIT_ID, item.id, item.basis)
        assert finding.deadline == date(2026, 12, 31)
        assert finding.responsible.person == "王芳"
        assert "问题 1 项" in text_of(screen, "#progress")
        assert screen.current_item.id == screen.items[1].id  # moved on after the finding


@pilot_test
async def test_finding_can_be_skipped_and_added_later(root):
    from screens.finding import FindingEditor

    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        item = screen.current_item.id
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert on_disk(root).answers[item].value == AnswerValue.NOT_MET
        assert Store(root, "x").findings(BRANCH_ID) == []
        await pilot.press("k", "f")
        await pilot.pause()
        assert isinstance(pilot.app.screen, FindingEditor)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(Store(root, "x").findings(BRANCH_ID)) == 1


@pilot_test
async def test_next_unanswered_and_jump_by_number(root):
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("1", "1")
        screen._goto(screen.items[0].id)
        await pilot.press("n")
        assert screen.current_item.id == screen.items[2].id
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("1", "2", "enter")
        await pilot.pause()
        assert screen.current_item.id == screen.items[11].id
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"plan-03", "enter")
        await pilot.pause()
        assert screen.current_item.id == "PLAN-03"
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"999", "enter")
        await pilot.pause()
        assert "没有第「999」项" in text_of(screen, "#message")


@pilot_test
async def test_finish_refused_while_unanswered_then_done_and_read_only(root):
    ids = answer_all_but(root, 3)
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        assert screen.current_item.id == ids[-3]  # opens on the first unanswered
        await pilot.press("1")
        screen._goto(ids[0])
        await pilot.press("c")
        await pilot.pause()
        message = text_of(screen, "#message")
        assert f"还有 2 项未作答，不能完成（按 n 逐项查看）：{ids[-2]}、{ids[-1]}" in message
        assert screen.current_item.id == ids[-2]  # jumped to the first unanswered
        assert on_disk(root).status == VisitStatus.DRAFT
        await pilot.press("1", "0", "c")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert on_disk(root).status == VisitStatus.COMPLETED
        assert "已完成" in text_of(screen, "#visit-title")
        # read-only: an answer key is refused with a message and changes nothing
        screen._goto(ids[0])
        await pilot.press("0")
        await pilot.pause()
        assert on_disk(root).answers[ids[0]].value == AnswerValue.MET
        assert "只读" in text_of(screen, "#message")


@pilot_test
async def test_reopen_records_the_reason(root):
    answer_all_but(root, 1)
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("1", "c")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert on_disk(root).status == VisitStatus.COMPLETED
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")  # an empty reason is not accepted
        await pilot.pause()
        assert on_disk(root).status == VisitStatus.COMPLETED
        pilot.app.screen.query_one("#value").value = "支部补交了学习记录"
        await pilot.press("enter")
        await pilot.pause()
        visit = on_disk(root)
        assert visit.status == VisitStatus.DRAFT
        assert [r.reason for r in visit.reopenings] == ["支部补交了学习记录"]
        assert visit.reopenings[0].who == "测试员"
        await pilot.press("2")
        await pilot.pause()
        assert on_disk(root).answers[screen.current_item.id].value == AnswerValue.PARTLY_MET


@pilot_test
async def test_resume_after_restart_shows_the_saved_answers(root):
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("1", "2", "k", "e")
        screen.query_one("#note").value = "会议记录不全"
        await pilot.press("enter")
        await pilot.pause()
        ids = [i.id for i in screen.items[:2]]
    # a new process on the same folder: the home panel names the unfinished visit, Ctrl+R lists it
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("ctrl+r")
        for _ in range(40):
            await pilot.pause(0.05)
            if type(pilot.app.screen).__name__ == "ChoiceDialog":
                break
        await pilot.press("enter")
        screen = await opened(pilot)
        assert cell(screen, ids[0]) == "符合" and cell(screen, ids[1]) == "基本符合"
        assert screen.current_item.id == screen.items[2].id  # opens on the first unanswered
        screen._goto(ids[1])
        await pilot.pause()
        assert screen.query_one("#note").value == "会议记录不全"


@pilot_test
async def test_finding_editor_shows_a_clash_with_someone_elses_save(root):
    from inspector.visit import finding_from_item, template_of
    from screens.finding import FindingEditor

    store = Store(root, "测试员")
    visit = on_disk(root)
    item = template_of(store, visit).item("PLAN-01")
    finding = store.save(finding_from_item(visit, item))
    app = make_app(root, lambda: FindingEditor(finding, is_new=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = pilot.app.screen
        # a colleague changes the deadline and the goal meanwhile
        Store(root, "同事").save(
            finding.model_copy(update={"deadline": date(2027, 1, 15), "goal": "同事写的目标"}), base=finding
        )
        editor.query_one("#goal").value = "我写的目标"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")  # back from the conflict dialog to the form
        await pilot.pause()
        assert pilot.app.screen is editor
        assert "整改目标已被他人修改，与你的修改冲突" in text_of(editor, "#finding-error")
        assert editor.query_one("#goal").value == "我写的目标"
        assert Store(root, "x").findings(BRANCH_ID)[0].goal == "同事写的目标"


@pilot_test
async def test_open_finding_form_is_kept_when_the_app_is_closed(root):
    from screens.finding import FindingEditor

    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("3")
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, FindingEditor)
        editor.query_one("#goal").value = "合盖前正在写的整改目标"
        pilot.app.save_pending()  # what the SIGHUP/SIGTERM handler does
        (finding,) = Store(root, "x").findings(BRANCH_ID)
        assert finding.goal == "合盖前正在写的整改目标"


@pilot_test
async def test_answer_clashing_with_a_colleague_shows_theirs(root):
    from inspector.visit import answer

    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        item = screen.current_item.id
        # a colleague on the shared server answers the same item first
        other = Store(root, "同事")
        answer(other, other.visit(VISIT_ID, BRANCH_ID), item, AnswerValue.NOT_MET)
        await pilot.press("1")
        await pilot.pause()
        assert on_disk(root).answers[item].value == AnswerValue.NOT_MET
        assert f"{item}已被他人修改，与你的修改冲突" in text_of(screen, "#message")
        assert cell(screen, item) == "不符合"


@pilot_test
async def test_visit_whose_checklist_is_missing_does_not_crash_the_app(root):
    import shutil

    from screens.visit import VisitScreen

    shutil.rmtree(root / "templates")
    async with visit_app(root).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not isinstance(pilot.app.screen, VisitScreen)
        assert any("找不到该现场指导所用的检查清单版本" in str(n.message) for n in pilot.app._notifications)


def burst(app, keys: list[str]) -> None:
    """Keys arriving in one read, as a paste or a laggy SSH link delivers them."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


@pilot_test
async def test_keys_typed_right_after_tab_land_in_the_next_field(root):
    from inspector.visit import finding_from_item, template_of
    from screens.finding import FindingEditor

    store = Store(root, "测试员")
    visit = on_disk(root)
    finding = store.save(finding_from_item(visit, template_of(store, visit).item("PLAN-01")))
    app = make_app(root, lambda: FindingEditor(finding, is_new=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = pilot.app.screen
        editor.query_one("#leader").focus()
        await pilot.pause()
        burst(pilot.app, ["a", "b", "c", "tab", "d", "e", "f", "shift+tab", "shift+tab"])
        await pilot.pause(0.3)
        assert editor.query_one("#leader").value.endswith("abc")
        assert editor.query_one("#person").value.endswith("def")
        assert pilot.app.focused is editor.query_one("#deadline")
