"""Coverage numbers on a hand-built data folder (today is pinned to 2026-11-26)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from ledger_data import add_branch, add_finding

from inspector.errors import UserError
from inspector.ledger.coverage import CoverageReport, coverage, month_keys, parse_not_visited_days, sparkline
from inspector.models import FindingStatus, Sector, Visit, VisitStatus
from inspector.settings import Settings, save_settings

TODAY = date(2026, 11, 26)


def add_visit(store, branch, on: date, status=VisitStatus.COMPLETED):
    return store.save(
        Visit(
            branch_id=branch.id,
            date=on,
            template_id="general",
            template_version="1",
            template_hash="h" * 12,
            status=status,
            completed_at=datetime(on.year, on.month, on.day, 17, tzinfo=UTC)
            if status == VisitStatus.COMPLETED
            else None,
        )
    )


@pytest.fixture
def county(store):
    a = add_branch(store, "城关镇第一村党支部", Sector.RURAL)
    b = add_branch(store, "东街社区党支部", Sector.COMMUNITY)
    c = add_branch(store, "实验小学党支部", Sector.SCHOOL)
    gone = add_branch(store, "已撤销党支部")
    for on in (date(2025, 12, 1), date(2026, 8, 1), date(2026, 11, 10)):
        add_visit(store, a, on)
    add_visit(store, a, date(2026, 11, 20), VisitStatus.DRAFT)  # in progress: not yet a visit made
    add_visit(store, b, date(2026, 7, 1))
    add_visit(store, gone, date(2026, 11, 1))
    add_finding(
        store,
        a,
        "甲",
        found_on=date(2026, 11, 10),
        deadline=date(2026, 11, 30),
        status=FindingStatus.CLOSED,
        verifier="赵组织委员",
        verified_on=date(2026, 11, 20),
        evidence="记录",
    )
    add_finding(store, a, "乙", found_on=date(2026, 8, 1), deadline=date(2026, 9, 1))
    f = add_finding(
        store, b, "丙", found_on=date(2026, 7, 1), deadline=date(2026, 8, 1), status=FindingStatus.AWAITING_CHECK
    )
    # closed by an older version without a 验收 date: the history says when
    store.save(f.model_copy(update={"status": FindingStatus.CLOSED}), base=f, at=datetime(2026, 9, 15, 3, tzinfo=UTC))
    add_finding(store, gone, "丁", found_on=date(2026, 11, 1), deadline=date(2026, 11, 30))
    store.delete(store.branch(gone.id))
    return store, a, b, c


def test_each_branch_last_visit_quarter_year(county):
    store, a, b, c = county
    cov = coverage(store, TODAY)
    by = {x.id: x for x in cov.branches}
    assert set(by) == {a.id, b.id, c.id}  # deleted branch left out
    ra, rb, rc = by[a.id], by[b.id], by[c.id]
    assert (ra.last_visit, ra.days_since, ra.visits_quarter, ra.visits_year, ra.needs_visit) == (
        date(2026, 11, 10),
        16,
        1,
        2,
        False,
    )
    assert (rb.last_visit, rb.days_since, rb.visits_quarter, rb.visits_year, rb.stale) == (
        date(2026, 7, 1),
        148,
        0,
        1,
        True,
    )
    assert rc.never_visited and rc.needs_visit and not rc.stale and rc.visits_year == 0
    assert [x.id for x in cov.never] == [c.id] and [x.id for x in cov.stale] == [b.id]
    assert not cov.complete
    assert cov.summary() == "共3个党支部，本年已指导2个；从未指导1个，超过90天未指导1个"


def test_limit_comes_from_settings(county):
    store, a, b, _ = county
    save_settings(store.root, Settings(not_visited_days=150))
    assert coverage(store, TODAY).stale == []
    assert {x.id for x in coverage(store, TODAY, not_visited_days=10).stale} == {a.id, b.id}


def test_month_counts_of_visits_opened_and_closed(county):
    store, *_ = county
    cov = coverage(store, TODAY)
    assert [m.month for m in cov.months] == month_keys(TODAY, 12)
    assert cov.months[0].month == "2025-12" and cov.months[-1].month == "2026-11"
    got = {m.month: (m.visits, m.opened, m.closed) for m in cov.months if (m.visits, m.opened, m.closed) != (0, 0, 0)}
    assert got == {
        "2025-12": (1, 0, 0),
        "2026-07": (1, 1, 0),
        "2026-08": (1, 1, 0),
        "2026-09": (0, 0, 1),  # from the change history
        "2026-11": (1, 1, 1),  # from verified_on; the deleted branch's visit and finding are not counted
    }


def test_report_sees_new_visits(county):
    store, _, _, c = county
    report = CoverageReport(store)
    assert report.build(TODAY).never[0].id == c.id
    add_visit(store, c, date(2026, 11, 25))
    again = report.build(TODAY)
    assert again.never == [] and again.months[-1].visits == 2


def test_month_keys_cross_the_year_and_sparkline():
    assert month_keys(date(2026, 2, 3), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert sparkline([0, 1, 2, 4, 8]) == "▁▂▃▅█"
    assert sparkline([0, 0]) == "▁▁" and sparkline([]) == ""


def test_a_committee_without_branches_is_not_fully_covered(store):
    cov = coverage(store, TODAY)
    assert cov.branches == [] and not cov.complete


def test_coverage_is_complete_once_every_branch_was_visited_within_the_limit(county):
    store, a, b, c = county
    assert not coverage(store, TODAY, not_visited_days=3650).complete  # c was never visited
    add_visit(store, c, date(2026, 11, 25))
    assert coverage(store, TODAY, not_visited_days=3650).complete
    assert not coverage(store, TODAY, not_visited_days=90).complete  # b's last visit is 148 days old


@pytest.mark.parametrize("text", ["0", "-3", "九十", "", "1.5"])
def test_not_visited_days_must_be_a_whole_number_above_0(text):
    with pytest.raises(UserError, match="请输入大于 0 的天数"):
        parse_not_visited_days(text)


def test_not_visited_days_as_typed():
    assert [parse_not_visited_days(t) for t in ("1", " 90 ", "365")] == [1, 90, 365]


def test_a_branch_whose_only_visit_is_under_way_reads_in_progress_not_never_visited(store):
    a = add_branch(store, "城关镇第一村党支部", Sector.RURAL)
    b = add_branch(store, "东街社区党支部", Sector.COMMUNITY)
    add_visit(store, a, date(2026, 11, 20), status=VisitStatus.DRAFT)
    report = coverage(store, TODAY)
    started = {x.id: x for x in report.branches}
    assert started[a.id].in_progress and started[a.id].never_visited
    assert [x.id for x in report.first_in_progress] == [a.id]
    assert [x.id for x in report.never] == [b.id]
    assert "从未指导1个" in report.summary() and "首次指导进行中1个" in report.summary()
    assert not report.complete
