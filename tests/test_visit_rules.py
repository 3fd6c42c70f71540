"""Visit rules in inspector/visit.py, without the UI."""

from __future__ import annotations

from datetime import date

import pytest

from inspector import visit as visits
from inspector.checklist import load_templates
from inspector.errors import StoreError, UserError
from inspector.models import AnswerValue, Branch, Sector, VisitMethod, VisitStatus


@pytest.fixture
def started(store):
    template = load_templates().templates["general"]
    branch = store.save(Branch(name="第一党支部", sector=Sector.RURAL, members=12))
    v = visits.start_visit(
        store, branch, template, on=date(2026, 11, 20), inspectors=["张检查"], methods=[VisitMethod.REVIEW_RECORDS]
    )
    return store, branch, template, v


def test_note_on_unanswered_item_is_saved_and_moves_into_the_answer(started):
    store, branch, template, v = started
    item = visits.applicable_items(template, branch)[0].id
    v = visits.set_note(store, v, item, "会议记录缺 9 月")
    assert store.visit(v.id).notes == {item: "会议记录缺 9 月"}  # on disk before any answer
    v = visits.answer(store, v, item, AnswerValue.NOT_MET)
    saved = store.visit(v.id)
    assert saved.answers[item].note == "会议记录缺 9 月" and saved.notes == {}
    fields = [c.field for c in store.history(saved)]
    assert f"notes.{item}" in fields and f"answers.{item}" in fields


def test_finish_refuses_until_every_item_is_answered_then_locks(started):
    store, branch, template, v = started
    items = visits.applicable_items(template, branch)
    with pytest.raises(visits.VisitIncomplete) as exc:
        visits.finish(store, v, template, branch)
    assert len(exc.value.items) == len(items) and "未作答" in str(exc.value)
    for item in items:
        v = visits.answer(store, v, item.id, AnswerValue.MET)
    v = visits.finish(store, v, template, branch)
    assert v.status == VisitStatus.COMPLETED
    with pytest.raises(visits.VisitLocked):
        visits.answer(store, v, items[0].id, AnswerValue.NOT_MET)
    with pytest.raises(StoreError):
        visits.reopen(store, v, "  ")
    v = visits.reopen(store, v, "补充座谈情况")
    assert v.status == VisitStatus.DRAFT and v.reopenings[-1].reason == "补充座谈情况"


def test_finding_from_item_states_the_shortfall_and_cites_the_basis(started):
    store, branch, template, v = started
    item = visits.applicable_items(template, branch)[0]
    v = visits.answer(store, v, item.id, AnswerValue.NOT_MET, note="未区分层次")
    f = visits.finding_from_item(v, item)
    assert f.description == f"{item.problem}：未区分层次" and "未达到要求" not in f.description
    assert f.basis == item.basis and f.found_on == v.date and f.deadline > v.date


def test_impossible_dates_get_a_chinese_message():
    with pytest.raises(UserError, match="日期无效"):
        visits.parse_date("2026-02-30")
    assert visits.parse_date(" 2026-11-26 ") == date(2026, 11, 26)


def test_dates_in_the_forms_people_type_are_all_understood():
    from inspector.dates import chinese, parse_date

    for typed in (
        "2027-01-05",
        "2027/1/5",
        "2027.1.5",
        "2027年1月5日",
        "2027年1月5",
        "20270105",
        "２０２７／１／５",
        " 2027-1-5 ",
    ):
        assert parse_date(typed) == date(2027, 1, 5), typed
    assert chinese(date(2027, 1, 5)) == "2027年1月5日"


def test_impossible_or_garbled_date_names_the_accepted_forms_near_today(monkeypatch):
    from inspector.dates import DateInvalid, parse_date

    monkeypatch.setenv("INSPECTOR_TODAY", "2016-06-30")
    for typed in ("2027-02-30", "2027/13/1", "明年", "2027-1", "1/5/2027"):
        with pytest.raises(DateInvalid) as err:
            parse_date(typed)
        assert f"「{typed}」" in str(err.value) and "2016-06-30" in str(err.value) and "2016年6月30日" in str(err.value)


def test_an_answer_the_item_does_not_offer_is_refused_and_nothing_is_saved(started):
    store, _, template, v = started
    yesno = template.item("ORG-01")
    assert AnswerValue.PARTLY_MET not in yesno.allowed_answers
    with pytest.raises(visits.AnswerNotAllowed, match="本条只能回答符合、不符合或不适用，不能选「基本符合」"):
        visits.answer(store, v, yesno.id, AnswerValue.PARTLY_MET)
    with pytest.raises(UserError):  # the same refusal when the caller passes the checklist it holds
        visits.answer(store, v, yesno.id, AnswerValue.PARTLY_MET, template=template)
    assert store.visit(v.id).answers == {}
    v = visits.answer(store, v, yesno.id, AnswerValue.NOT_APPLICABLE)
    assert store.visit(v.id).answers[yesno.id].value == AnswerValue.NOT_APPLICABLE


def test_a_graded_item_takes_every_answer(started):
    store, _, template, v = started
    graded = template.item("PLAN-01")
    v = visits.answer(store, v, graded.id, AnswerValue.PARTLY_MET, template=template)
    assert store.visit(v.id).answers[graded.id].value == AnswerValue.PARTLY_MET


def test_an_item_outside_the_visits_checklist_is_refused(started):
    store, _, _, v = started
    with pytest.raises(UserError, match="没有条目「XYZ-99」"):
        visits.answer(store, v, "XYZ-99", AnswerValue.MET)


def test_a_visit_needs_an_inspector_and_a_method(store):
    template = load_templates().templates["general"]
    branch = store.save(Branch(name="第二党支部", sector=Sector.RURAL, members=12))
    on = date(2026, 11, 20)
    with pytest.raises(visits.VisitInvalid, match="请填写指导人员") as exc:
        visits.start_visit(store, branch, template, on=on, inspectors=[], methods=[VisitMethod.ATTEND])
    assert exc.value.field == "inspectors"
    with pytest.raises(visits.VisitInvalid, match="请至少勾选一种指导方式") as exc:
        visits.start_visit(store, branch, template, on=on, inspectors=["张检查"], methods=[])
    assert exc.value.field == "methods"
    assert store.visit_ids(branch.id) == []


def test_inspectors_as_typed_are_split_on_chinese_and_latin_separators():
    assert visits.split_names(" 张三、李四，王五, 赵六；钱七  孙八 ") == [
        "张三",
        "李四",
        "王五",
        "赵六",
        "钱七",
        "孙八",
    ]
    assert visits.split_names(" ，、 ") == []
