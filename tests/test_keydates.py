"""The campaign calendar's dates: the plan's own, and those the records bring."""

from __future__ import annotations

from datetime import date

from followup_fixtures import BRANCH_ID, RETURN_DAY, seed

from inspector import followup as fu
from inspector import keydates as kd
from inspector import reportback as rp
from inspector.assignments import branch_ids_of, people
from inspector.models import MemoRecord, VisitStatus
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


def test_an_issued_memo_brings_its_report_back_date_until_the_report_comes(store):
    seed(store.root)
    visit = next(v for v in store.visits(BRANCH_ID) if v.status == VisitStatus.COMPLETED)
    memo = MemoRecord(file="反馈意见.docx", sha256="0" * 64, issued_on=date(2026, 10, 1), number="组字〔2026〕1号")
    visit = store.save(visit.model_copy(update={"memos": [memo]}), base=visit)
    reports = [e for e in kd.events(store) if e.kind == kd.Kind.REPORT]
    assert [(e.day, e.branch_id) for e in reports] == [(date(2026, 10, 31), BRANCH_ID)]
    assert reports[0].title.endswith("：报送整改报告")
    rp.record_report(store, visit, received_on=date(2026, 11, 2))
    assert [e for e in kd.events(store) if e.kind == kd.Kind.REPORT] == []


def test_a_branch_without_memo_or_rectification_is_not_read_for_them(store, monkeypatch):
    """The folder's summaries say which branches can have such dates: at county scale most have none."""
    seed(store.root, weaklax=False)
    asked: list[str] = []
    monkeypatch.setattr(rp, "awaited", lambda _store, bid, _settings=None: asked.append(bid))
    monkeypatch.setattr(type(store), "weaklax", lambda _store, bid: asked.append(bid) or [])
    found = kd.events(store)
    assert asked == []
    assert any(e.kind == kd.Kind.DEADLINE and e.branch_id == BRANCH_ID for e in found)
