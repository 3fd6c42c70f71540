"""The 2016 campaign's rules in the domain: time-bound duties, sector tags,
members counted as 正式党员 (inspector/checklist.py, inspector/visit.py)."""

from __future__ import annotations

from datetime import date

import pytest

from inspector import visit as visits
from inspector import weaklax as wl
from inspector.checklist import (
    category_problems,
    citation_problems,
    citation_text,
    cited_on,
    load_templates,
    pick_template,
    sector_problems,
)
from inspector.labels import label
from inspector.models import (
    SCHEMA1_VALUES,
    AcceptanceResult,
    AnswerValue,
    Branch,
    CriterionTick,
    Plan4,
    Responsibility,
    Sector,
    VisitMethod,
    WeakLaxDetermination,
    WeakLaxStatus,
)
from inspector.settings import Settings, WeakLaxRules, save_settings
from inspector.templates import template_of


@pytest.fixture(scope="module")
def general():
    return load_templates().templates["general"]


def _visit(store, template, on: date, **branch):
    b = store.save(Branch(**{"name": "第一党支部", "sector": Sector.RURAL, "members": 12, **branch}))
    v = visits.start_visit(store, b, template, on=on, inspectors=["张检查"], methods=[VisitMethod.REVIEW_RECORDS])
    return b, v


# ------------------------------------------------- 未到时间节点


@pytest.mark.parametrize(
    ("item_id", "on", "offered"),
    [
        ("LESSON-04", date(2016, 6, 30), True),  # “七一”前后…集中安排一次党课: due 07-31
        ("LESSON-04", date(2016, 7, 31), False),
        ("SOL-02", date(2016, 11, 20), True),  # year-end 专题组织生活会
        ("SOL-02", date(2016, 12, 31), False),
        ("PLAN-01", date(2016, 3, 1), False),  # no due date: due from the start
    ],
)
def test_not_yet_due_is_an_answer_only_before_the_duty_falls_due(general, item_id, on, offered):
    """“未到时间节点” is an answer, not 不符合 or 不适用, and only before the time comes."""
    item = general.item(item_id)
    assert (AnswerValue.NOT_DUE in item.answers_on(on)) is offered
    assert AnswerValue.NOT_DUE not in item.allowed_answers


def test_not_yet_due_is_refused_once_due_and_never_asks_for_a_finding(store, general):
    """未到时间节点 never counts as 不符合: finishing asks no finding for it and none can be made from it."""
    branch, v = _visit(store, general, date(2016, 6, 30))
    v = visits.answer(store, v, "LESSON-04", AnswerValue.NOT_DUE, template=general)
    assert store.visit(v.id).answers["LESSON-04"].value == AnswerValue.NOT_DUE
    assert visits.not_due_count(v) == 1
    with pytest.raises(visits.NotYetDue, match="LESSON-04 未到时间节点"):
        visits.finding_from_item(v, general.item("LESSON-04"))
    with pytest.raises(visits.AnswerNotAllowed, match="不能选「未到时间节点」"):
        visits.answer(store, v, "PLAN-01", AnswerValue.NOT_DUE, template=general)
    for item in visits.applicable_items(general, branch):
        value = AnswerValue.NOT_DUE if not item.is_due(v.date) else AnswerValue.MET
        v = visits.answer(store, v, item.id, value, template=general)
    assert visits.without_finding(v, []) == []
    assert visits.finish(store, v, general, branch).status.value == "completed"


def test_the_new_answer_has_a_label_and_a_frozen_spelling():
    assert label(AnswerValue.NOT_DUE) == "未到时间节点"
    assert SCHEMA1_VALUES[AnswerValue]["not_due"] == "未到时间节点"


# ------------------------------------------------- sector tags, 正式党员


def test_a_branch_with_two_sector_tags_is_asked_the_items_of_each(general):
    """A 卫生院 is 窗口单位 and 事业单位: the plan's 三、5 asks of it what it asks of both."""
    both = Branch(name="卫生院党支部", sector=Sector.SERVICE_WINDOW, other_sectors=[Sector.PUBLIC_INSTITUTION])
    window = Branch(name="窗口党支部", sector=Sector.SERVICE_WINDOW)
    organ = Branch(name="机关党支部", sector=Sector.PUBLIC_INSTITUTION)
    ids = {b.name: {i.id for i in visits.applicable_items(general, b)} for b in (both, window, organ)}
    assert ids["卫生院党支部"] == ids["窗口党支部"] | ids["机关党支部"]
    assert ids["窗口党支部"] - ids["机关党支部"] and ids["机关党支部"] - ids["窗口党支部"]


def test_a_single_sector_branch_reads_unchanged():
    old = Branch.model_validate({"name": "老支部", "sector": "rural", "members": 9})
    assert old.sectors == [Sector.RURAL] and old.full_members == 9
    assert "other_sectors" in old.model_dump() and old.other_sectors == []


def test_the_template_follows_the_first_tag_that_has_one():
    templates = load_templates().templates
    assert pick_template(templates, [Sector.RURAL, Sector.PRIVATE_ENTERPRISE]).id == "nonpublic"
    assert pick_template(templates, [Sector.PRIVATE_ENTERPRISE, Sector.RURAL]).id == "nonpublic"
    assert pick_template(templates, [Sector.SCHOOL]).id == "general"


@pytest.mark.parametrize(
    ("members", "probationary", "asked"),
    [(7, 0, True), (8, 1, True), (8, 2, False), (6, 0, False)],
)
def test_org04_and_meet01_count_full_members_only(general, members, probationary, asked):
    """“正式党员7人以上的党支部设立支部委员会”: 预备党员 do not count."""
    b = Branch(name="支部", members=members, probationary_members=probationary)
    ids = {i.id for i in visits.applicable_items(general, b)}
    assert ("ORG-04" in ids) is asked and ("MEET-01" in ids) is asked


# ------------------------------------------------- sources by visit date


@pytest.fixture(scope="module")
def loaded():
    return load_templates()


@pytest.mark.parametrize(
    ("on", "cited"),
    [
        # before the 2016 排查 notice (2016-05) only 党章第九条 applies
        (date(2016, 3, 1), ["中国共产党章程 第九条"]),
        (date(2016, 6, 1), ["中国共产党章程 第九条", "中共中央组织部关于集中开展党员组织关系排查的通知（2016）"]),
        # from 2019-05 the 党员教育管理工作条例 第二十四条 codifies the 停止党籍 treatment
        (date(2019, 6, 1), ["中国共产党章程 第九条", "中国共产党党员教育管理工作条例 第二十四条"]),
    ],
)
def test_an_item_cites_the_sources_in_force_on_the_visit_date(loaded, on, cited):
    """“A memo or checklist item must cite only what was in force on the visit date.”"""
    rel03 = loaded.templates["general"].item("REL-03")
    assert [s.title for s in cited_on(rel03.cites, on, loaded.sources)] == cited
    assert citation_text(rel03.cites, "", on, loaded.sources) == "；".join(cited)


def test_every_rule_source_carries_its_effective_date(loaded):
    rules = [s for s in loaded.sources.values() if s.kind == "rule"]
    assert rules and all(s.starts is not None for s in rules)
    assert loaded.sources["relations-2016"].replaced_by == "education-2019-24"
    assert not loaded.sources["branch-work-2018"].in_force(date(2016, 12, 31))


def test_a_citation_made_after_the_campaign_is_a_problem(loaded, tmp_path):
    """A 2016 visit may not rest on the 2018 支部工作条例."""
    (tmp_path / "mine.toml").write_text(
        '[template]\nid = "mine"\nversion = "1"\ntitle = "本党委清单"\n\n'
        '[[sections]]\nid = "a"\ntitle = "会议"\n\n'
        '[[sections.items]]\nid = "MINE-01"\ntext = "每季度召开党员大会"\nproblem = "未按季度召开党员大会"\n'
        'check = "查阅记录"\nmethods = ["查阅资料"]\nbasis = "三、1"\ncategory = "组织"\ncites = ["branch-work-2018"]\n',
        encoding="utf-8",
    )
    mine = load_templates([tmp_path])
    assert mine.errors == []
    problems = citation_problems(mine, date(2016, 2, 1), date(2016, 12, 31))
    assert problems == [
        "检查清单 mine 条目 MINE-01 引用的「中国共产党支部工作条例（试行）」施行于2018-10，晚于活动结束（2016-12-31）"
    ]
    assert citation_problems(loaded, date(2016, 2, 1), date(2016, 12, 31)) == []


@pytest.mark.parametrize("category", ["党的意识淡化", "理想信念模糊动摇", "宗旨观念淡薄", "精神不振", "道德行为不端"])
def test_check_reports_a_branch_duty_labelled_as_a_member_problem(store, loaded, capsys, category):
    """“The five member problems of plan 一 … describe individual members. A branch's missing
    record or weak system is an 组织 or 作风 problem, never labelled as members' ideology.”"""
    from inspector.cli import main

    (store.root / "checklists").mkdir(exist_ok=True)
    (store.root / "checklists" / "mine.toml").write_text(
        '[template]\nid = "mine"\nversion = "1"\ntitle = "本党委清单"\n\n'
        '[[sections]]\nid = "a"\ntitle = "会议"\n\n'
        '[[sections.items]]\nid = "MINE-01"\ntext = "建立党员思想动态分析记录"\nproblem = "未建立思想动态分析记录"\n'
        f'check = "查阅记录"\nmethods = ["查阅资料"]\nbasis = "一"\ncategory = "{category}"\n',
        encoding="utf-8",
    )
    assert category_problems(load_templates([store.root / "checklists"])) == [
        f"检查清单 mine 条目 MINE-01 的问题类别「{category}」是党员个人的问题，而条目检查的是组织的工作，应归为组织或作风问题"
    ]
    assert main(["--data", str(store.root), "check"]) == 1
    assert f"MINE-01 的问题类别「{category}」是党员个人的问题" in capsys.readouterr().out
    assert category_problems(loaded) == []


def test_an_unknown_source_id_is_a_checklist_error(tmp_path):
    (tmp_path / "mine.toml").write_text(
        '[template]\nid = "mine"\nversion = "1"\ntitle = "本党委清单"\n\n'
        '[[sections]]\nid = "a"\ntitle = "会议"\n\n'
        '[[sections.items]]\nid = "MINE-01"\ntext = "每季度召开党员大会"\n'
        'check = "查阅记录"\nmethods = ["查阅资料"]\nbasis = "三、1"\ncategory = "组织"\ncites = ["nope"]\n',
        encoding="utf-8",
    )
    errors = [str(e) for e in load_templates([tmp_path]).errors]
    assert len(errors) == 1 and "「nope」不是依据清单（sources.toml）中的依据" in errors[0] and "第" in errors[0]


# ------------------------------------------------- party lessons per quarter


@pytest.mark.parametrize(
    ("per_quarter", "text"), [(1, "党支部每季度至少讲一次党课"), (2, "党支部每季度至少讲两次党课"), (0, None)]
)
def test_the_party_lesson_item_follows_the_committees_setting(store, general, per_quarter, text):
    """“A lesson every quarter is local practice: make it a setting.” The visit keeps the wording of its day."""
    save_settings(store.root, Settings(party_lessons_per_quarter=per_quarter))
    _, v = _visit(store, general, date(2016, 6, 1))
    asked = template_of(store, v)
    if text is None:
        assert "LESSON-05" not in {i.id for i in asked.items()}
    else:
        assert asked.item("LESSON-05").text == text
    save_settings(store.root, Settings(party_lessons_per_quarter=3))
    assert template_of(store, v) == asked


def test_no_loaded_template_shows_a_placeholder(loaded):
    for t in loaded.templates.values():
        assert all("{" not in i.text + i.problem for i in t.items()), t.id


# ------------------------------------------------- 软弱涣散 procedure


@pytest.fixture(scope="module")
def criteria(loaded):
    return loaded.criteria


def _plan():
    return Plan4(
        goal="配齐班子",
        measures="选派第一书记",
        deadline=date(2016, 12, 31),
        responsible=Responsibility(leader="李书记", person="王委员"),
    )


def _rectifying(store, criteria, sector=Sector.RURAL):
    b = store.save(Branch(name="第三支部", sector=sector))
    tick = [CriterionTick(criterion_id="WL04", evidence="全年未开党员大会")]
    det = wl.determine(store, b.id, tick, criteria, on=date(2016, 6, 1))
    return wl.start_rectification(store, wl.set_plan(store, det, _plan()))


@pytest.mark.parametrize(
    ("sector", "criterion", "allowed"),
    [
        (Sector.RURAL, "WL05", True),  # 换届选举拉票贿选: villages and communities
        (Sector.COMMUNITY, "WL07", True),
        (Sector.SCHOOL, "WL05", False),
        (Sector.PRIVATE_ENTERPRISE, "WL09", False),
        (Sector.RETIRED, "WL06", False),
        (Sector.SCHOOL, "WL04", True),  # 组织制度形同虚设: every sector
    ],
)
def test_types_5_to_9_apply_only_to_villages_and_communities(store, criteria, sector, criterion, allowed):
    """“types 5–9 … do not apply to schools, enterprises, organs or retired branches.”"""
    b = store.save(Branch(name="支部", sector=sector))
    ticks = [CriterionTick(criterion_id=criterion, evidence="事实")]
    if allowed:
        assert wl.determine(store, b.id, ticks, criteria, on=date(2016, 6, 1)).criteria[0].criterion_id == criterion
    else:
        with pytest.raises(wl.WeakLaxError, match=f"认定标准「{criterion}」只适用于农村、社区的党组织"):
            wl.determine(store, b.id, ticks, criteria, on=date(2016, 6, 1))


def test_a_branch_tagged_school_and_village_may_be_held_to_the_village_types(store, criteria):
    b = store.save(Branch(name="村小党支部", sector=Sector.SCHOOL, other_sectors=[Sector.RURAL]))
    tick = [CriterionTick(criterion_id="WL09", evidence="无活动场所")]
    det = wl.determine(store, b.id, tick, criteria, on=date(2016, 6, 1))
    assert [t.criterion_id for t in det.criteria] == ["WL09"]


def test_the_committee_proposes_and_the_county_department_decides(store, criteria):
    """“the 基层党委 screens and proposes, the 县委组织部 reviews and decides … Record who decided.”"""
    save_settings(store.root, Settings(committee_name="城关镇党委"))
    b = store.save(Branch(name="支部", sector=Sector.RURAL))
    tick = [CriterionTick(criterion_id="WL04", evidence="事实")]
    with pytest.raises(wl.WeakLaxError, match="提出日期不能晚于认定日期"):
        wl.determine(store, b.id, tick, criteria, on=date(2016, 6, 1), proposed_on=date(2016, 6, 2))
    det = wl.determine(store, b.id, tick, criteria, on=date(2016, 6, 1), proposed_on=date(2016, 5, 20))
    stored = store.weaklax(b.id)[0]
    assert (stored.proposed_by, stored.proposed_on, stored.decided_by) == (
        "城关镇党委",
        date(2016, 5, 20),
        "县委组织部",
    )
    assert det == stored


@pytest.mark.parametrize(
    ("result", "score", "satisfaction", "refusal"),
    [
        ("passed", 85, 90, None),
        ("passed", 65, 90, "得分65分低于合格线70分，结果不能为合格"),
        ("basically_passed", 69.5, None, "得分69.5分低于合格线70分，结果不能为基本合格"),
        ("passed", 80, 40, "满意率40%低于50%，结果不能为合格"),
        ("failed", 80, 90, "得分80分达到合格线70分，结果不能为不合格"),
        ("failed", 80, 40, None),  # more than half 不满意 fails whatever the score
        ("failed", 60, None, None),
        ("passed", None, None, None),
    ],
)
def test_an_acceptance_result_must_agree_with_its_score(store, criteria, result, score, satisfaction, refusal):
    """验收: “pass mark seen: 70 points; >50% 不满意 fails” (thresholds are settings)."""
    det = _rectifying(store, criteria)
    grade = AcceptanceResult(result)
    if refusal:
        with pytest.raises(wl.WeakLaxError, match=refusal):
            wl.accept(store, det, grade, date(2016, 11, 1), score=score, satisfaction=satisfaction)
        assert store.weaklax(det.branch_id)[0].acceptance_result is None
    else:
        done = wl.accept(store, det, grade, date(2016, 11, 1), score=score, satisfaction=satisfaction)
        assert (done.acceptance_body, done.acceptance_score, done.satisfaction) == ("县委组织部", score, satisfaction)


@pytest.mark.parametrize(("basic_may_close", "closes"), [(False, False), (True, True)])
def test_whether_basically_passed_closes_is_the_committees_setting(store, criteria, basic_may_close, closes):
    """“Whether 基本合格 allows 销号 varies by place: make it a setting (default 合格 only).”"""
    save_settings(store.root, Settings(weaklax=WeakLaxRules(basic_may_close=basic_may_close)))
    det = _rectifying(store, criteria)
    det = wl.accept(store, det, AcceptanceResult.BASICALLY_PASSED, date(2016, 11, 1), score=72)
    if closes:
        assert wl.close(store, det, date(2016, 11, 2)).status == WeakLaxStatus.CLOSED
    else:
        with pytest.raises(wl.WeakLaxError, match="基本合格不能销号"):
            wl.close(store, det, date(2016, 11, 2))
    assert Settings().weaklax.basic_may_close is False


def test_not_met_items_suggest_their_criterion_but_never_tick_it(store, general, criteria):
    """A 不符合 on an item linked to a criterion suggests it; nothing is ticked for the inspector."""
    branch, v = _visit(store, general, date(2016, 6, 1), sector=Sector.SCHOOL)
    for item_id in ("STUDY-06", "PLAN-01", "ORG-01", "PLAN-03"):
        v = visits.answer(store, v, item_id, AnswerValue.NOT_MET, template=general)
    v = visits.answer(store, v, "MEET-01", AnswerValue.MET, template=general)
    got = [(c.id, items) for c, items in wl.suggestions(general, v, branch.sectors, criteria)]
    assert got == [("WL01", ["ORG-01"]), ("WL04", ["PLAN-01", "STUDY-06"])]
    latest, found = wl.branch_suggestions(store, branch.id, criteria)  # the weak/lax screen: the latest visit
    assert latest == v and [(c.id, items) for c, items in found] == got
    assert store.weaklax(branch.id) == []


# ------------------------------------------------- 全过程


def test_coverage_shows_which_key_points_the_committee_attended(store, general):
    """Plan 四、1: the committee sends someone to the branch's key activities, not only once."""
    from inspector.ledger.coverage import attended_stages, stages_line
    from inspector.models import Stage

    b = store.save(Branch(name="第一党支部", sector=Sector.RURAL, members=12))
    plan = visits.start_visit(
        store,
        b,
        general,
        on=date(2016, 3, 2),
        inspectors=["张"],
        methods=[VisitMethod.ATTEND],
        stages=[Stage.STUDY_PLAN],
    )
    later = visits.start_visit(
        store,
        b,
        general,
        on=date(2016, 12, 20),
        inspectors=["张"],
        methods=[VisitMethod.ATTEND],
        stages=[Stage.SPECIAL_MEETING, Stage.STUDY_PLAN],
    )
    assert attended_stages(store, b.id) == {}  # visits under way do not count yet
    for v in (plan, later):
        for item in visits.applicable_items(general, b):
            value = AnswerValue.MET if item.is_due(v.date) else AnswerValue.NOT_DUE
            v = visits.answer(store, v, item.id, value, template=general)
        visits.finish(store, v, general, b)
    got = attended_stages(store, b.id)
    assert got == {Stage.STUDY_PLAN: date(2016, 3, 2), Stage.SPECIAL_MEETING: date(2016, 12, 20)}
    assert stages_line(got) == (
        "全过程（2/4）：制定学习教育计划 2016-03-02｜“七一”党课 未参加｜专题组织生活会 2016-12-20｜民主评议党员 未参加"
    )


# ------------------------------------------------- inspector check


def _check(store):
    from inspector.store.check import Report, check_data

    report = Report()
    check_data(store, report)
    return report.problems


def test_check_reports_rule_breaks_in_stored_data_one_line_each(store, general):
    """A finding on a 符合 item, a deadline before the visit, 销号 by the responsible
    person, 未到时间节点 once due, and a weak/lax step out of order: each one line."""
    from inspector.models import Answer, Finding, FindingStatus, Responsibility, WeakLaxDetermination

    branch, v = _visit(store, general, date(2016, 8, 1))
    assert _check(store) == []
    answers = {
        "PLAN-01": Answer(value=AnswerValue.MET),
        "LESSON-04": Answer(value=AnswerValue.NOT_DUE),  # due 07-31: already due on 08-01
    }
    store.save(v.model_copy(update={"answers": answers}), base=v)
    common = {"branch_id": branch.id, "visit_id": v.id, "description": "问题", "found_on": date(2016, 7, 1)}
    on_met = store.save(Finding(item_id="PLAN-01", **common))
    early = store.save(Finding(deadline=date(2016, 7, 15), **common))
    closed = store.save(
        Finding(
            status=FindingStatus.CLOSED,
            verifier="王 芳",
            verified_on=date(2016, 9, 1),
            responsible=Responsibility(leader="李明", person="王芳"),
            **common,
        )
    )
    det = store.save(
        WeakLaxDetermination(
            branch_id=branch.id,
            determined_on=date(2016, 6, 1),
            status="closed",
            acceptance_result="failed",
            accepted_on=date(2016, 9, 1),
            closed_on=date(2016, 9, 2),
        )
    )
    problems = _check(store)
    text = "\n".join(problems)
    assert len(problems) == 6, text
    assert f"问题 {on_met.id}（PLAN-01）登记在答「符合」的条目上" in text
    assert f"问题 {early.id}（无条目）的整改时限 2016-07-15 早于现场指导日期 2016-08-01" in text
    assert f"问题 {closed.id}（无条目）由具体责任人本人（王芳）验收销号" in text
    assert "条目 LESSON-04 在指导日期已到时间节点，却答「未到时间节点」" in text
    assert f"软弱涣散认定 {det.id}：整顿方案缺少目标任务" in text
    assert f"软弱涣散认定 {det.id}：验收不合格却已销号" in text


def test_check_cli_exits_1_on_a_rule_break(store, general, capsys):
    from inspector.cli import main
    from inspector.models import Answer, Finding

    branch, v = _visit(store, general, date(2016, 8, 1))
    store.save(v.model_copy(update={"answers": {"PLAN-01": Answer(value=AnswerValue.MET)}}), base=v)
    store.save(Finding(branch_id=branch.id, visit_id=v.id, item_id="PLAN-01", description="问题", found_on=v.date))
    assert main(["--data", str(store.root), "check"]) == 1
    assert "登记在答「符合」的条目上" in capsys.readouterr().out


def test_the_branch_form_takes_further_sector_tags_and_probationary_members():
    from inspector.branches import BranchInvalid, branch_from_fields

    b = branch_from_fields(
        {
            "name": "卫生院党支部",
            "sector": "窗口单位/服务行业",
            "other_sectors": "机关事业单位、农村",
            "members": "9",
            "probationary_members": "2",
        }
    )
    assert b.sectors == [Sector.SERVICE_WINDOW, Sector.PUBLIC_INSTITUTION, Sector.RURAL] and b.full_members == 7
    with pytest.raises(BranchInvalid) as exc:
        branch_from_fields({"name": "支部", "members": "3", "probationary_members": "4", "other_sectors": "月球"})
    assert exc.value.problems["probationary_members"] == "其中预备党员不能多于党员人数"
    assert "所属领域「月球」无法识别" in exc.value.problems["other_sectors"]


def test_check_reports_a_village_criterion_ticked_for_a_school(store, criteria):
    from inspector.store.check import Report, check_data

    b = store.save(Branch(name="实验小学党支部", sector=Sector.SCHOOL))
    det = store.save(
        WeakLaxDetermination(
            branch_id=b.id,
            determined_on=date(2016, 6, 1),
            criteria=[CriterionTick(criterion_id="WL07", evidence="事实")],
        )
    )
    report = Report()
    check_data(store, report, {c.id: c for c in criteria})
    assert [p.split("：/")[0] for p in report.problems] == [
        f"软弱涣散认定 {det.id}：勾选的认定标准 WL07 不适用于本支部的领域"
    ]


# ------------------------------------------------- plan 四、3 relief


def test_a_retired_branch_is_asked_the_plans_suitable_way_instead_of_group_study(general):
    """Plan 四、3: retired and frail members take part “以适当方式”: a retired branch is not held to
    the party-group study with attendance and make-up (STUDY-05) but asked how its old members take part."""
    retired = Branch(name="老干部党支部", sector=Sector.RETIRED, members=30)
    other = Branch(name="机关第一党支部", sector=Sector.OTHER, members=30)
    asked_retired = {i.id for i in visits.applicable_items(general, retired)}
    asked_other = {i.id for i in visits.applicable_items(general, other)}
    assert asked_other - asked_retired == {"STUDY-05"}
    assert asked_retired - asked_other == {"STUDY-09"}
    tagged = Branch(name="社区老干部党支部", sector=Sector.COMMUNITY, other_sectors=[Sector.RETIRED], members=9)
    assert "STUDY-05" not in {i.id for i in visits.applicable_items(general, tagged)}


def test_every_relieved_item_has_a_replacement_in_its_section_citing_plan_4_3(loaded):
    """Plan 四、3 asks “以适当方式” of retired members, open organisation life of mobile ones and “灵活安排”
    of 非公 and joint branches: a relief relaxes a duty, never drops the subject, so each relieved item's
    section asks those branches something else, resting on 四、3."""
    relieved = [(t, i) for t in loaded.templates.values() for i in t.items() if i.relief]
    assert {s for _, i in relieved for s in i.relief} == {Sector.RETIRED, Sector.MOBILE, Sector.JOINT}
    for template, item in relieved:
        others = template.section_of(item.id).items
        for sector in item.relief:
            replacements = [o for o in others if o.id != item.id and sector in o.sectors]
            assert replacements, (item.id, sector)
            assert all(o.basis == "四、3" for o in replacements), (item.id, sector)
    assert sector_problems(loaded) == []
