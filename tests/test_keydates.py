"""The campaign calendar's dates: the plan's own, and those the records bring."""

from __future__ import annotations

from datetime import date

from followup_fixtures import BRANCH_ID, RETURN_DAY, seed

from inspector import followup as fu
from inspector import keydates as kd
from inspector.assignments import branch_ids_of, people
from inspector.settings import Assignment, Settings


def test_the_plans_dates_inside_the_campaign():
    days = [(e.day, e.title) for e in kd.campaign_events(Settings())]
    assert days[0] == (date(2016, 3, 31), "第1季度支部党员大会（围绕一个专题）截止")
    assert (date(2016, 7, 1), "七一：纪念建党，集中讲一次党课") in days
    assert (date(2016, 12, 31), "年底前召开专题组织生活会、开展民主评议党员") in days
    assert len(days) == 6


def test_month_grid_starts_on_monday():
    weeks = kd.month_grid(2016, 12)  # 2016-12-01 was a Thursday
    assert weeks[0][:3] == [None, None, None] and weeks[0][3] == date(2016, 12, 1)
    assert all(len(w) == 7 for w in weeks) and weeks[-1][5] == date(2016, 12, 31)


def test_records_bring_deadlines_return_visits_and_rectification(store):
    branch = seed(store.root)
    fu.schedule(store, branch, on=RETURN_DAY, inspectors=["赵组织委员"])
    found = kd.events(store)
    mine = [(e.day, e.kind) for e in found if e.branch_id == BRANCH_ID]
    assert mine.count((date(2026, 10, 31), kd.Kind.DEADLINE)) == 3  # the closed finding has none
    assert (RETURN_DAY, kd.Kind.RETURN_VISIT) in mine
    assert (date(2026, 12, 31), kd.Kind.RECTIFICATION) in mine
    week = kd.due_this_week(found, date(2026, 11, 18))  # Wednesday: Monday 16th to Sunday 22nd
    assert [(e.day, e.kind) for e in week] == [(RETURN_DAY, kd.Kind.RETURN_VISIT)]


def test_a_persons_calendar_keeps_the_plans_dates_and_their_branches_dates():
    day = date(2016, 11, 30)
    found = [
        kd.Event(day, kd.Kind.CAMPAIGN, "第4季度支部党员大会"),
        kd.Event(day, kd.Kind.DEADLINE, "东庄村党支部：整改", "east"),
        kd.Event(day, kd.Kind.REPORT, "西庄村党支部：报送整改报告", "west"),
    ]
    settings = Settings(
        staff=["张三", "李四"],
        assignments=[Assignment(branch_id="east", person="张三"), Assignment(branch_id="west", person="李 四")],
    )
    assert people(settings) == ["张三", "李四"]
    assert kd.of_branches(found, branch_ids_of(settings, "张三")) == found[:2]
    assert kd.of_branches(found, branch_ids_of(settings, "李四")) == [found[0], found[2]]
    assert kd.of_branches(found, branch_ids_of(settings, "王五")) == found[:1]
