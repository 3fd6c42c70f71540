"""The roster's facts beside checklist items: counted on the visit date, never an answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import checklists
from inspector.checklist import load_templates
from inspector.cli import main
from inspector.models import AppraisalGrade, Member, MemberStatus
from inspector.roster_checks import facts_for

ON = date(2016, 10, 15)


def member(name: str, **fields) -> Member:
    return Member(branch_id="b", name=name, **fields)


def test_participation_counts_the_quarter_and_the_six_months():
    roster = [
        member("张三", last_attended=date(2016, 9, 20)),
        member("李四", last_attended=date(2016, 6, 1)),  # missed the quarter
        member("王五", last_attended=date(2016, 3, 1)),  # past six months
        member("赵六"),
    ]
    assert facts_for("general", "MEET-04", roster, ON, 1 / 3) == (
        "4名党员中3名近3个月未参加组织生活（李四、王五、赵六），其中1名已连续6个月以上（王五），1名无记录"
    )


def test_talks_and_dues():
    roster = [
        member("张三", last_talk=date(2016, 3, 1), last_dues_paid=date(2016, 9, 1)),
        member("李四", last_talk=date(2015, 9, 1), last_dues_paid=date(2016, 4, 14)),
    ]
    assert facts_for("general", "EVAL-04", roster, ON, 1 / 3) == "2名党员中1名近一年无谈心谈话记录（李四）"
    assert facts_for("nonpublic", "EVAL-02", roster, ON, 1 / 3) == "2名党员中1名近一年无谈心谈话记录（李四）"
    assert facts_for("general", "DUES-03", roster, ON, 1 / 3) == "2名党员中1名超过6个月未交纳党费（李四）"


def test_appraisal_against_the_cap_and_failed_members():
    grades = [AppraisalGrade.EXCELLENT] * 2 + [AppraisalGrade.PASSED] * 3 + [AppraisalGrade.FAILED]
    roster = [member(f"党员{n}", appraisal=g) for n, g in enumerate(grades)]
    roster.append(member("预备", status=MemberStatus.PROBATIONARY))  # not appraised
    assert facts_for("general", "EVAL-06", roster, ON, 1 / 3) == (
        "参评6名：优秀2名、合格3名、不合格1名；优秀占33%；不合格（党员5）须区别情况组织处置"
    )
    assert "超过本党委上限（25%）" in facts_for("general", "EVAL-06", roster, ON, 0.25)


def test_items_without_roster_facts_and_branches_without_a_roster():
    roster = [member("张三")]
    assert facts_for("general", "PLAN-01", roster, ON, 1 / 3) == ""
    assert facts_for("nonpublic", "EVAL-04", roster, ON, 1 / 3) == ""  # another duty in that template
    assert facts_for("general", "MEET-04", [], ON, 1 / 3) == ""


def test_the_checklist_toml_ties_facts_to_items(tmp_path):
    """A committee's edited checklist moves a fact to another item, and drops one."""
    shipped = Path(checklists.__file__).with_name("general.toml").read_text(encoding="utf-8")
    edited = shipped.replace('roster_fact = "participation"\n', "", 1).replace(
        'id = "PLAN-01"\n', 'id = "PLAN-01"\nroster_fact = "participation"\n', 1
    )
    (tmp_path / "general.toml").write_text(edited, encoding="utf-8")
    loaded = load_templates([tmp_path])
    assert loaded.errors == []
    roster = [member("张三", last_attended=date(2016, 9, 20))]
    assert facts_for("general", "PLAN-01", roster, ON, 1 / 3, loaded.templates) == "1名党员近3个月均有参加组织生活记录"
    assert facts_for("general", "MEET-04", roster, ON, 1 / 3, loaded.templates) == ""
    assert facts_for("general", "MEET-04", roster, ON, 1 / 3) != ""  # the shipped checklist keeps its own


def test_an_unknown_fact_kind_is_refused_by_check(tmp_path, capsys):
    text = Path(checklists.__file__).with_name("general.toml").read_text(encoding="utf-8")
    (tmp_path / "general.toml").write_text(text.replace('"participation"', '"attendance"', 1), encoding="utf-8")
    [error] = load_templates([tmp_path]).errors
    assert (error.item, error.field) == ("MEET-04", "roster_fact")
    assert "「attendance」不是有效的取值" in error.message and "「participation」" in error.message
    assert main(["--data", str(tmp_path / "data"), "--checklists", str(tmp_path), "check"]) == 1
    assert "roster_fact" in capsys.readouterr().out
