"""The rectification ledger: rows across branches, combined filters, sorting."""

from __future__ import annotations

from datetime import date

import orjson
import pytest
from ledger_data import add_branch, add_finding

from inspector import rectification as rx
from inspector.errors import UserError
from inspector.ledger.rows import (
    CACHE,
    COLUMNS,
    Ledger,
    LedgerFilter,
    apply_filter,
    branches_matching,
    ledger_rows,
    parse_due_within,
    parse_statuses,
    sort_rows,
    totals,
)
from inspector.models import FindingCategory, FindingStatus, Sector, Severity, WeakLaxStatus, overdue_days
from inspector.store import Store

S = FindingStatus
TODAY = date(2026, 11, 26)


@pytest.fixture
def county(store):
    """Two branches in different sectors with findings in every state."""
    cun = add_branch(store, "城关镇第一村党支部", Sector.RURAL)
    xue = add_branch(store, "实验小学党支部", Sector.SCHOOL)
    f = {
        "overdue": add_finding(
            store,
            cun,
            "三会一课记录不全",
            deadline=date(2026, 11, 1),
            status=S.IN_PROGRESS,
            person="张委员",
            severity=Severity.MAJOR,
        ),
        "soon": add_finding(
            store,
            cun,
            "党费收缴不及时",
            deadline=date(2026, 11, 30),
            category=FindingCategory.DISCIPLINE,
            person="王会计",
        ),
        "closed": add_finding(
            store,
            cun,
            "发展党员程序不规范",
            deadline=date(2026, 10, 1),
            status=S.CLOSED,
            verifier="赵组织委员",
            verified_on=date(2026, 10, 1),
            evidence="档案",
        ),
        "later": add_finding(
            store,
            xue,
            "主题党日活动流于形式",
            deadline=date(2027, 1, 15),
            status=S.AWAITING_CHECK,
            category=FindingCategory.CONDUCT,
            measures="每月制定主题党日计划",
            person="刘老师",
        ),
        "nodate": add_finding(store, xue, "党员教育管理台账缺失", deadline=None, severity=Severity.SERIOUS),
    }
    return store, cun, xue, f


def ids(rows):
    return {r.description for r in rows}


def test_rows_span_all_branches_with_names_and_overdue_days(county):
    store, cun, xue, f = county
    rows = {r.id: r for r in ledger_rows(store, TODAY)}
    assert len(rows) == 5
    r = rows[f["overdue"].id]
    assert (r.branch_name, r.sector, r.overdue) == ("城关镇第一村党支部", Sector.RURAL, 25)
    assert rows[f["closed"].id].overdue == 0  # closed items are never overdue
    assert rows[f["later"].id].branch_name == "实验小学党支部"
    assert [r.cell(c) for c in ("branch", "deadline", "status", "overdue")] == [
        "城关镇第一村党支部",
        "2026-11-01",
        "整改中",
        "25",
    ]
    assert rows[f["closed"].id].cell("verifier") == "赵组织委员（2026-10-01）"
    assert set(COLUMNS) >= {
        "branch",
        "category",
        "description",
        "measures",
        "leader",
        "person",
        "deadline",
        "status",
        "overdue",
    }


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (
            LedgerFilter(),
            {
                "三会一课记录不全",
                "党费收缴不及时",
                "发展党员程序不规范",
                "主题党日活动流于形式",
                "党员教育管理台账缺失",
            },
        ),
        (LedgerFilter(statuses=frozenset({S.NOT_STARTED})), {"党费收缴不及时", "党员教育管理台账缺失"}),
        (
            LedgerFilter(statuses=parse_statuses(["未销号"])),
            {"三会一课记录不全", "党费收缴不及时", "主题党日活动流于形式", "党员教育管理台账缺失"},
        ),
        (LedgerFilter(sectors=frozenset({Sector.SCHOOL})), {"主题党日活动流于形式", "党员教育管理台账缺失"}),
        (
            LedgerFilter(categories=frozenset({FindingCategory.DISCIPLINE, FindingCategory.CONDUCT})),
            {"党费收缴不及时", "主题党日活动流于形式"},
        ),
        (
            LedgerFilter(severities=frozenset({Severity.MAJOR, Severity.SERIOUS})),
            {"三会一课记录不全", "党员教育管理台账缺失"},
        ),
        (LedgerFilter(overdue=True), {"三会一课记录不全"}),
        (LedgerFilter(due_within=7), {"党费收缴不及时"}),
        (LedgerFilter(due_within=60), {"党费收缴不及时", "主题党日活动流于形式"}),
        (LedgerFilter(text="党费"), {"党费收缴不及时"}),
        (LedgerFilter(text="主题党日计划"), {"主题党日活动流于形式"}),  # measures
        (LedgerFilter(text="刘老师"), {"主题党日活动流于形式"}),  # people
        (LedgerFilter(text="syxx"), {"主题党日活动流于形式", "党员教育管理台账缺失"}),  # branch initials
        (LedgerFilter(text="SYXX 台账"), {"党员教育管理台账缺失"}),  # words combine
        (LedgerFilter(text="不存在的内容"), set()),
        (
            LedgerFilter(
                sectors=frozenset({Sector.RURAL}), statuses=frozenset({S.NOT_STARTED, S.IN_PROGRESS}), text="党"
            ),
            {"三会一课记录不全", "党费收缴不及时"},
        ),
        (LedgerFilter(sectors=frozenset({Sector.RURAL}), overdue=True, severities=frozenset({Severity.MINOR})), set()),
    ],
)
def test_filters_combine(county, flt, expected):
    store, *_ = county
    assert ids(apply_filter(ledger_rows(store, TODAY), flt, TODAY)) == expected


def test_branch_filter_by_name_or_initials(county):
    store, cun, xue, _ = county
    summaries = store.branch_summaries()
    assert branches_matching(summaries, "cgz") == {cun.id}
    assert branches_matching(summaries, "小学") == {xue.id}
    flt = LedgerFilter(branches=branches_matching(summaries, "dyc"))
    assert ids(apply_filter(ledger_rows(store, TODAY), flt, TODAY)) == {
        "三会一课记录不全",
        "党费收缴不及时",
        "发展党员程序不规范",
    }


def test_text_does_not_match_across_fields(county):
    store, *_ = county
    # "刘老师" + "syxx" joined would only occur across a field boundary
    assert apply_filter(ledger_rows(store, TODAY), LedgerFilter(text="老师实验"), TODAY) == []


@pytest.mark.parametrize("column", list(COLUMNS))
def test_sort_by_any_column_both_ways(county, column):
    store, *_ = county
    rows = ledger_rows(store, TODAY)
    up = sort_rows(rows, column)
    down = sort_rows(rows, column, descending=True)
    assert len(up) == len(down) == 5
    assert {r.id for r in up} == {r.id for r in rows}
    key = {"deadline": lambda r: r.deadline_ord, "overdue": lambda r: r.overdue}.get(column)
    if key:
        assert [key(r) for r in up] == sorted(key(r) for r in rows)
        assert [key(r) for r in down] == sorted((key(r) for r in rows), reverse=True)


def test_sort_orders_follow_the_domain(county):
    store, *_ = county
    rows = ledger_rows(store, TODAY)
    # the ledger's own order: branches by pinyin (城关镇 c before 实验 s), then deadline, none last
    assert [r.description for r in rows] == [
        "发展党员程序不规范",
        "三会一课记录不全",
        "党费收缴不及时",
        "主题党日活动流于形式",
        "党员教育管理台账缺失",
    ]
    by_category = sort_rows(rows, "category")  # ties keep that order
    assert [r.description for r in by_category][:2] == ["发展党员程序不规范", "三会一课记录不全"]
    assert [r.status for r in sort_rows(rows, "status")] == [
        S.NOT_STARTED,
        S.NOT_STARTED,
        S.IN_PROGRESS,
        S.AWAITING_CHECK,
        S.CLOSED,
    ]
    assert sort_rows(rows, "deadline")[-1].deadline is None  # no deadline goes last
    # branches sort by pinyin: 城关镇 (c) before 实验 (s)
    assert [r.branch_name for r in sort_rows(rows, "branch")][:3] == ["城关镇第一村党支部"] * 3
    assert sort_rows(rows, "severity", descending=True)[0].severity == Severity.SERIOUS
    with pytest.raises(KeyError):
        sort_rows(rows, "nonsense")


def test_ledger_sees_other_sessions_changes_and_reuses_rows(county):
    store, cun, _, f = county
    ledger = Ledger(store)
    first = {r.id: r for r in ledger.rows(TODAY)}
    other = Store(store.root, "钱干事")
    rx.advance(other, f["soon"], S.IN_PROGRESS)
    second = {r.id: r for r in ledger.rows(TODAY)}
    assert second[f["soon"].id].status == S.IN_PROGRESS
    assert second[f["later"].id] is first[f["later"].id]  # other branch's rows untouched
    other.delete(other.branch(cun.id))
    assert {r.branch_name for r in ledger.rows(TODAY)} == {"实验小学党支部"}


def test_totals_and_describe(county):
    store, *_ = county
    t = totals(ledger_rows(store, TODAY))
    assert (t.total, t.overdue, t.by_status[S.NOT_STARTED], t.by_status[S.CLOSED]) == (5, 1, 2, 1)
    flt = LedgerFilter(statuses=parse_statuses(["待验收", "整改中"]), overdue=True, text=" 党费 ")
    assert flt.describe() == "状态：整改中、待验收；仅逾期；含「党费」"
    assert LedgerFilter().describe() == "全部" and LedgerFilter().is_empty()
    with pytest.raises(ValueError, match="没有此状态：「完成」"):
        parse_statuses(["完成"])


def test_cache_serves_a_fresh_session_and_stale_rows_are_refused(county):
    store, cun, _, f = county
    first = Ledger(store)
    before = {r.id: r.cell("status") for r in first.rows(TODAY)}
    first.save_cache()
    assert (store.root / CACHE).exists()
    other = Store(store.root, "钱干事")
    rx.reopen(other, f["later"], "材料不全")  # changes the school's file after the cache was written

    fresh = Ledger(Store(store.root, "测试员"))
    rows = {r.id: r for r in fresh.rows(TODAY)}
    assert {i: r.cell("status") for i, r in rows.items()} == before | {f["later"].id: "整改中"}
    assert rows[f["soon"].id].loaded is None  # served from the cache, not validated yet
    assert fresh.finding(rows[f["soon"].id]) == f["soon"]

    rx.advance(other, f["overdue"], S.AWAITING_CHECK)  # the row on screen is now stale
    with pytest.raises(rx.FindingConflict, match=r"钱干事.*状态：整改中 → 待验收"):
        fresh.finding(rows[f["overdue"].id])
    again = Ledger(Store(store.root, "测试员"))
    row = {r.id: r for r in again.rows(TODAY)}[f["overdue"].id]
    assert again.finding(row).status == S.AWAITING_CHECK


def test_broken_or_outdated_cache_is_ignored(county):
    store, *_ = county
    expected = {r.id for r in ledger_rows(store, TODAY)}
    cache = store.root / "cache" / "ledger.json"
    cache.parent.mkdir(exist_ok=True)
    cache.write_bytes(b"{not json")
    assert {r.id for r in ledger_rows(store, TODAY)} == expected
    cache.write_bytes(b'{"version": [0], "branches": {}}')
    assert {r.id for r in ledger_rows(store, TODAY)} == expected
    ledger = Ledger(store)
    ledger.rows(TODAY)
    ledger.save_cache()
    raw = orjson.loads(cache.read_bytes())
    for entry in raw["branches"].values():
        entry[1].append(["bogus"])  # a row of the wrong width
    cache.write_bytes(orjson.dumps(raw))
    assert {r.id for r in ledger_rows(store, TODAY)} == expected


def test_weaklax_ledger_lists_every_determined_branch(county):
    from inspector.ledger.weaklax import criteria_texts, weaklax_rows
    from inspector.models import (
        AcceptanceResult,
        CriterionTick,
        Plan4,
        Responsibility,
        WeakLaxDetermination,
    )

    store, cun, xue, _ = county
    add_branch(store, "东街社区党支部", Sector.COMMUNITY)  # never determined: not listed
    store.save(
        WeakLaxDetermination(
            branch_id=cun.id,
            determined_on=date(2026, 5, 10),
            criteria=[
                CriterionTick(criterion_id="WL04", evidence="半年未开展组织生活"),
                CriterionTick(criterion_id="本地01", evidence="书记出缺"),
            ],
            plan=Plan4(
                goal="配齐班子",
                measures="选派第一书记",
                deadline=date(2026, 10, 31),
                responsible=Responsibility(leader="镇党委副书记", person="第一书记"),
            ),
            status=WeakLaxStatus.CLOSED,
            acceptance_result=AcceptanceResult.PASSED,
            acceptance_score=82.5,
            accepted_on=date(2026, 11, 1),
            closed_on=date(2026, 11, 10),
        )
    )
    store.save(
        WeakLaxDetermination(
            branch_id=xue.id,
            determined_on=date(2026, 9, 1),
            criteria=[CriterionTick(criterion_id="WL10", evidence="群众意见大")],
        )
    )
    rows = weaklax_rows(store, criteria_texts(), TODAY)
    assert [r.branch_name for r in rows] == ["城关镇第一村党支部", "实验小学党支部"]
    a, b = rows
    assert a.criteria_text() == "组织制度形同虚设、不开展党组织活动；本地01"  # unknown ids shown as they are
    assert (
        a.plan_text()
        == "目标任务：配齐班子；整顿措施：选派第一书记；时限要求：2026-10-31；责任主体：镇党委副书记，第一书记"
    )
    assert (a.status, a.acceptance_text(), a.closed_text()) == (
        WeakLaxStatus.CLOSED,
        "合格，82.5分，2026-11-01",
        "2026-11-10",
    )
    assert a.progress_text() == "已销号1/3，逾期1"
    assert b.plan_text().count("未填") == 4 and b.acceptance_text() == "未验收" and b.closed_text() == ""
    assert b.progress_text() == "已销号0/2"


def test_move_selected_rows_each_on_its_own(county):
    store, _, _, f = county
    first = Ledger(store)
    first.rows(TODAY)
    first.save_cache()
    ledger = Ledger(Store(store.root, "测试员"))  # rows from the cache: findings loaded on demand
    rows = {r.id: r for r in ledger.rows(TODAY)}
    other = Store(store.root, "钱干事")
    rx.advance(other, f["nodate"], S.IN_PROGRESS)  # makes that row stale
    picked = [rows[f[k].id] for k in ("soon", "nodate", "later")]
    results = ledger.move_rows(picked, S.IN_PROGRESS, reason="验收材料不全")
    assert [(r.finding_id, r.ok) for r in results] == [
        (f["soon"].id, True),
        (f["nodate"].id, False),
        (f["later"].id, True),
    ]
    assert "钱干事" in results[1].message and "状态：未启动 → 整改中" in results[1].message
    now = {r.id: r.status for r in ledger.rows(TODAY)}
    assert [now[f[k].id] for k in ("soon", "nodate", "later")] == [S.IN_PROGRESS] * 3


def test_a_large_reread_leaves_the_cache_for_the_next_session(store):
    made = {}
    for n in range(25):
        b = add_branch(store, f"第{n + 1}村党支部")
        made[add_finding(store, b, f"问题{n + 1}").id] = b.name
    ledger = Ledger(store)
    rows = ledger.rows(TODAY)
    assert {r.id: r.branch_name for r in rows} == made
    assert all(r.loaded is None for r in rows)  # the Findings read are not kept: a row loads its own when acted on
    assert (store.root / CACHE).exists()
    again = Ledger(Store(store.root, "测试员")).rows(TODAY)
    assert {r.id: r.branch_name for r in again} == made and all(r.loaded is None for r in again)


@pytest.mark.parametrize("today", [date(2026, 10, 1), date(2026, 11, 1), date(2026, 11, 2), TODAY, date(2027, 2, 1)])
def test_every_count_of_overdue_agrees_with_the_one_rule(county, today):
    """The ledger's rows, the branch summaries and the findings all count 逾期 by `overdue_days`."""
    store, cun, xue, f = county
    expected = {x.id: overdue_days(x.deadline, today, closed=x.status == S.CLOSED) for x in f.values()}
    assert {x.id: x.overdue_days(today) for x in f.values()} == expected
    assert {r.id: r.overdue for r in ledger_rows(store, today)} == expected
    per_branch = {b.id: sum(1 for x in f.values() if x.branch_id == b.id and expected[x.id]) for b in (cun, xue)}
    assert {s.id: s.overdue(today) for s in store.branch_summaries()} == per_branch


def test_overdue_days_counts_whole_days_past_an_open_deadline():
    deadline = date(2026, 11, 1)
    assert [overdue_days(deadline, d) for d in (date(2026, 10, 31), deadline, date(2026, 11, 26))] == [0, 0, 25]
    assert overdue_days(deadline, date(2026, 11, 26), closed=True) == 0
    assert overdue_days(None, date(2030, 1, 1)) == 0


def test_due_within_as_typed_is_empty_or_whole_days_from_0():
    assert [parse_due_within(t) for t in ("", " ", "0", " 7 ")] == [None, None, 0, 7]
    for text in ("-1", "1.5", "七", "-"):
        with pytest.raises(UserError, match="到期天数须为不小于 0 的整数"):
            parse_due_within(text)
