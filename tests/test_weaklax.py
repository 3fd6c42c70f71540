"""软弱涣散: 认定 against the list with evidence → 整顿 → 验收 → 销号."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from inspector import weaklax as wl
from inspector.checklist import WeakLaxCriterion
from inspector.errors import EditConflict, UserError
from inspector.models import (
    MAX_SCORE,
    AcceptanceResult,
    Branch,
    CriterionTick,
    Plan4,
    Responsibility,
    WeakLaxDetermination,
    WeakLaxStatus,
)

CRITERIA = [
    WeakLaxCriterion(id="WL01", text="班子配备不齐、书记长期缺职、工作处于停滞状态"),
    WeakLaxCriterion(id="WL04", text="组织制度形同虚设、不开展党组织活动"),
]
ON = date(2026, 11, 26)
PLAN = Plan4(
    goal="半年内配齐班子",
    measures="选派第一书记，规范三会一课",
    deadline=date(2027, 5, 31),
    responsible=Responsibility(leader="李书记", person="王委员"),
)


@pytest.fixture
def branch(store):
    return store.save(Branch(name="第三支部"))


def tick(cid="WL04", evidence="全年未召开支部党员大会"):
    return CriterionTick(criterion_id=cid, evidence=evidence)


def test_ticks_must_come_from_the_list_with_evidence(store, branch):
    with pytest.raises(wl.WeakLaxError, match="至少勾选"):
        wl.determine(store, branch.id, [], CRITERIA, on=ON)
    with pytest.raises(wl.WeakLaxError, match="不是认定标准清单"):
        wl.determine(store, branch.id, [tick("WL99")], CRITERIA, on=ON)
    with pytest.raises(wl.WeakLaxError, match="事实依据"):
        wl.determine(store, branch.id, [tick(evidence="  ")], CRITERIA, on=ON)
    with pytest.raises(wl.WeakLaxError, match="重复"):
        wl.determine(store, branch.id, [tick(), tick()], CRITERIA, on=ON)
    assert store.weaklax(branch.id) == []


def test_full_flow_to_closing(store, branch):
    det = wl.determine(store, branch.id, [tick(), tick("WL01", "书记缺职5个月")], CRITERIA, on=ON)
    assert det.status == WeakLaxStatus.IDENTIFIED
    with pytest.raises(wl.WeakLaxError, match="整顿方案缺少：目标任务"):
        wl.start_rectification(store, det)
    det = wl.set_plan(store, det, PLAN)
    det = wl.start_rectification(store, det)
    assert det.status == WeakLaxStatus.RECTIFYING
    with pytest.raises(wl.WeakLaxError, match="验收合格后才能销号"):
        wl.close(store, det, date(2027, 6, 1))
    with pytest.raises(wl.WeakLaxError, match="选择结果"):
        wl.accept(store, det, None, date(2027, 6, 1))
    with pytest.raises(wl.WeakLaxError, match="填写日期"):
        wl.accept(store, det, AcceptanceResult.PASSED, None)
    det = wl.accept(store, det, AcceptanceResult.PASSED, date(2027, 6, 1), score=75)
    assert det.status == WeakLaxStatus.ACCEPTED
    with pytest.raises(wl.WeakLaxError, match="不能再修改"):
        wl.set_plan(store, det, PLAN)
    det = wl.close(store, det, date(2027, 6, 2))
    assert det.status == WeakLaxStatus.CLOSED
    stored = wl.current(store.weaklax(branch.id))
    assert stored.status == WeakLaxStatus.CLOSED and stored.closed_on == date(2027, 6, 2)
    fields = {c.field for c in store.history(stored)}
    assert {"status", "plan", "acceptance_result", "closed_on"} <= fields


def test_failed_acceptance_returns_to_rectification(store, branch):
    det = wl.determine(store, branch.id, [tick()], CRITERIA, on=ON)
    det = wl.start_rectification(store, wl.set_plan(store, det, PLAN))
    det = wl.accept(store, det, AcceptanceResult.FAILED, date(2027, 6, 1), score=55)
    assert det.status == WeakLaxStatus.RECTIFYING
    with pytest.raises(wl.WeakLaxError):
        wl.close(store, det, date(2027, 6, 2))


def test_plan_deadline_before_determination_refused(store, branch):
    det = wl.determine(store, branch.id, [tick()], CRITERIA, on=ON)
    with pytest.raises(wl.WeakLaxError, match="不能早于认定日期"):
        wl.set_plan(store, det, PLAN.model_copy(update={"deadline": date(2026, 1, 1)}))


def test_second_open_determination_refused(store, branch):
    wl.determine(store, branch.id, [tick()], CRITERIA, on=ON)
    with pytest.raises(wl.WeakLaxError, match="未销号"):
        wl.determine(store, branch.id, [tick()], CRITERIA, on=ON)


def test_concurrent_edit_of_same_field_is_a_conflict(store, branch):
    det = wl.determine(store, branch.id, [tick()], CRITERIA, on=ON)
    wl.set_plan(store, det, PLAN)
    with pytest.raises(EditConflict):
        wl.set_plan(store, det, PLAN.model_copy(update={"goal": "另一目标"}))


def test_allowed_steps_follow_the_procedure_and_each_step_keeps_to_them(store, branch):
    S = wl.Step
    assert wl.allowed_steps(None) == {S.DETERMINE}
    det = wl.determine(store, branch.id, [tick()], CRITERIA, on=ON)
    assert wl.allowed_steps(det) == {S.PLAN, S.RECTIFY, S.WITHDRAW}
    det = wl.start_rectification(store, wl.set_plan(store, det, PLAN))
    assert wl.allowed_steps(det) == {S.PLAN, S.ACCEPT, S.WITHDRAW}
    with pytest.raises(wl.WeakLaxError):  # a step not listed is refused
        wl.start_rectification(store, det)
    failed = wl.accept(store, det, AcceptanceResult.FAILED, date(2027, 6, 1))
    assert wl.allowed_steps(failed) == {S.PLAN, S.ACCEPT, S.WITHDRAW}  # back to 整顿中
    det = wl.accept(store, failed, AcceptanceResult.PASSED, date(2027, 7, 1))
    assert wl.allowed_steps(det) == {S.CLOSE}
    with pytest.raises(wl.WeakLaxError):
        wl.update_criteria(store, det, [tick()], CRITERIA)
    det = wl.close(store, det, date(2027, 7, 2))
    assert wl.allowed_steps(det) == {S.DETERMINE}  # a closed determination allows a new one
    assert wl.determine(store, branch.id, [tick()], CRITERIA, on=date(2027, 8, 1)).status == WeakLaxStatus.IDENTIFIED


@pytest.mark.parametrize("text", ["-1", "100.5", "九十", "nan", "inf"])
def test_a_score_outside_0_to_full_marks_is_refused(text):
    with pytest.raises(wl.WeakLaxError, match="得分应为 0–100 之间的数"):
        wl.parse_score(text)


def test_a_score_may_be_empty_or_within_full_marks():
    assert [wl.parse_score(t) for t in ("", " 0 ", "75.5", "100")] == [None, 0, 75.5, 100]
    assert WeakLaxDetermination(branch_id="b", determined_on=ON, acceptance_score=MAX_SCORE).acceptance_score == 100
    with pytest.raises(ValidationError):  # the model holds the same bound
        WeakLaxDetermination(branch_id="b", determined_on=ON, acceptance_score=MAX_SCORE + 0.5)


def test_an_acceptance_form_needs_a_grade_a_real_date_and_a_valid_score():
    with pytest.raises(wl.WeakLaxError, match="须选择结果"):
        wl.acceptance_from_form(None, "2027-06-01", "")
    with pytest.raises(UserError, match="日期无效"):
        wl.acceptance_from_form(AcceptanceResult.PASSED, "2027-06-31", "")
    with pytest.raises(wl.WeakLaxError, match="得分"):
        wl.acceptance_from_form(AcceptanceResult.PASSED, "2027-06-01", "101")
    assert wl.acceptance_from_form(AcceptanceResult.PASSED, "2027-06-01", "88") == wl.Acceptance(
        AcceptanceResult.PASSED, date(2027, 6, 1), 88
    )
    with pytest.raises(wl.WeakLaxError, match="满意率应为"):
        wl.acceptance_from_form(AcceptanceResult.PASSED, "2027-06-01", "88", "120")
    typed = wl.acceptance_from_form(AcceptanceResult.PASSED, "2027-06-01", "88", "76%", " 县委组织部验收组 ")
    assert (typed.satisfaction, typed.body) == (76, "县委组织部验收组")


def test_a_determination_made_in_error_is_withdrawn_with_a_reason_and_kept_in_history(store, branch):
    """撤销认定: before 验收 an 认定 can be taken back, with a reason; the record stays."""
    det = wl.determine(store, branch.id, [tick("WL01")], CRITERIA, on=date(2016, 5, 1))
    with pytest.raises(wl.WeakLaxError, match="须写明理由"):
        wl.withdraw(store, det, "  ", date(2016, 5, 3))
    gone = wl.withdraw(store, det, "书记已到岗，认定依据有误", date(2016, 5, 3))
    assert (gone.status, gone.withdrawal_reason, gone.withdrawn_on) == (
        WeakLaxStatus.WITHDRAWN,
        "书记已到岗，认定依据有误",
        date(2016, 5, 3),
    )
    assert wl.allowed_steps(gone) == {wl.Step.DETERMINE}
    assert "withdrawn" in [c.new for c in store.history(gone) if c.field == "status"]
    with pytest.raises(wl.WeakLaxError, match="不能撤销"):
        wl.withdraw(store, gone, "再撤一次", date(2016, 5, 4))
