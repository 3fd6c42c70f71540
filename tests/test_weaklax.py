"""软弱涣散: 认定 against the list with evidence → 整顿 → 验收 → 销号."""

from __future__ import annotations

from datetime import date

import pytest

from inspector import weaklax as wl
from inspector.checklist import WeakLaxCriterion
from inspector.errors import EditConflict
from inspector.models import (
    AcceptanceResult,
    Branch,
    CriterionTick,
    Plan4,
    Responsibility,
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
    with pytest.raises(wl.WeakLaxError, match="验收合格或基本合格后才能销号"):
        wl.close(store, det, date(2027, 6, 1))
    with pytest.raises(wl.WeakLaxError, match="选择结果"):
        wl.accept(store, det, None, date(2027, 6, 1))
    with pytest.raises(wl.WeakLaxError, match="填写日期"):
        wl.accept(store, det, AcceptanceResult.PASSED, None)
    det = wl.accept(store, det, AcceptanceResult.BASICALLY_PASSED, date(2027, 6, 1), score=75)
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
