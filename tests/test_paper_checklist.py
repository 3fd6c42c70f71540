"""The paper checklist: only the items that apply to the branch, answer and
method boxes, the open findings to check again, signature lines; one branch well under a second."""

from __future__ import annotations

from datetime import date

import docx
import pytest
from ledger_data import add_branch, add_finding

from inspector import cli
from inspector.checklist import load_templates, pick_template
from inspector.models import Branch, FindingStatus, Sector


@pytest.fixture
def folder(store):
    school = add_branch(store, "城关镇第一小学党支部", Sector.SCHOOL)
    add_finding(store, school, "三会一课记录不全", deadline=date(2026, 10, 31))
    add_finding(
        store, school, "已整改的问题", status=FindingStatus.CLOSED, verifier="赵委员", verified_on=date(2016, 10, 1)
    )
    add_branch(store, "东街社区党支部", Sector.COMMUNITY)
    return store, school


def _texts(path) -> tuple[list[str], list[list[list[str]]]]:
    doc = docx.Document(str(path))
    return [p.text for p in doc.paragraphs], [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]


def test_cli_prints_the_applicable_items_open_findings_and_signatures(folder, tmp_path, capsys):
    store, school = folder
    out = tmp_path / "检查表.docx"
    assert cli.main(["--data", str(store.root), "checklist", "print", "--branch", "dyxx", "-o", str(out)]) == 0
    assert "城关镇第一小学党支部" in capsys.readouterr().out
    paragraphs, tables = _texts(out)
    branch = store.get(Branch, school.id)
    template = pick_template(load_templates([store.root / "checklists"]).templates, branch.sector)
    expected = [
        i
        for i in template.items()
        if i.applies_to(branch.sector, branch.has_leading_cadres, branch.members, branch.party_groups)
    ]
    item_rows = [r for t in tables[:-1] for r in t[1:]]
    assert [r[1].split("\n")[0] for r in item_rows] == [i.text for i in expected]
    assert [r[0] for r in item_rows] == [str(n) for n in range(1, len(expected) + 1)]
    assert all(r[2].startswith("□符合") for r in item_rows) and all(r[3].startswith("□") for r in item_rows)
    assert tables[0][0] == ["序号", "检查内容", "作答", "检查方式", "备注"]
    assert tables[-1][1][1:4] == ["三会一课记录不全", "2026年10月31日", "未启动"]  # the closed one is not listed
    assert len(tables[-1]) == 2
    assert any(p.startswith("指导人员（签字）") for p in paragraphs)
    assert any(p.startswith("党支部书记（签字）") for p in paragraphs)
    assert paragraphs[0].replace("\n", "") == "城关镇第一小学党支部“两学一做”学习教育现场指导检查表"


def test_cli_names_an_unknown_or_ambiguous_branch(folder, tmp_path, capsys):
    store, _ = folder
    out = tmp_path / "x.docx"
    assert cli.main(["--data", str(store.root), "checklist", "print", "--branch", "不存在", "-o", str(out)]) == 1
    assert "没有名称或拼音首字母包含「不存在」的党支部" in capsys.readouterr().err
    assert cli.main(["--data", str(store.root), "checklist", "print", "--branch", "党支部", "-o", str(out)]) == 1
    assert "对应2个党支部" in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize(("per_quarter", "text"), [(2, "党支部每季度至少讲两次党课"), (0, None)])
def test_the_paper_checklist_asks_as_the_committees_settings_word_it(folder, tmp_path, per_quarter, text):
    """A lesson every quarter is local practice, a setting: the paper asks what a visit started now would ask."""
    from inspector.settings import Settings, save_settings

    store, _ = folder
    save_settings(store.root, Settings(party_lessons_per_quarter=per_quarter))
    out = tmp_path / "检查表.docx"
    assert cli.main(["--data", str(store.root), "checklist", "print", "--branch", "dyxx", "-o", str(out)]) == 0
    _, tables = _texts(out)
    asked = [r[1].split("\n")[0] for t in tables[:-1] for r in t[1:]]
    lessons = [a for a in asked if a.startswith("党支部每季度至少讲")]
    assert lessons == ([text] if text else [])
    assert not [a for a in asked if "{" in a]


@pytest.mark.parametrize(("today", "offered"), [("2016-06-20", True), ("2016-08-01", False)])
def test_a_duty_not_yet_due_on_the_printing_day_offers_not_due(folder, tmp_path, monkeypatch, today, offered):
    """“未到时间节点” is an answer before the 七一 lesson's time (LESSON-04, due 07-31), not after it."""
    store, _school = folder
    monkeypatch.setenv("INSPECTOR_TODAY", today)
    out = tmp_path / "检查表.docx"
    assert cli.main(["--data", str(store.root), "checklist", "print", "--branch", "dyxx", "-o", str(out)]) == 0
    _paragraphs, tables = _texts(out)
    rows = {r[1].split("\n")[0]: r[2] for t in tables[:-1] for r in t[1:]}
    lesson = next(v for k, v in rows.items() if "七一" in k)
    assert ("□未到时间节点" in lesson) is offered
    assert lesson.startswith("□符合")
