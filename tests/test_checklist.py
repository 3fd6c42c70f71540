"""Checklist templates and 软弱涣散 criteria: shipped data, loader, errors, snapshots."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest

from inspector.checklist import (
    MEMBER_PROBLEMS,
    PLAN_SECTIONS,
    ChecklistTemplate,
    citation_problems,
    citation_text,
    load_templates,
    load_weaklax_criteria,
    pick_template,
    template_from_snapshot,
    template_snapshot,
)
from inspector.models import AnswerValue, Sector

BAD_DIR = Path(__file__).parent / "data" / "bad_checklists"
SHIPPED = files("checklists")

MINIMAL = """\
[template]
id = "{tid}"
version = "1"
title = "测试模板"
sectors = {sectors}

[[sections]]
id = "s1"
title = "测试章节"

[[sections.items]]
id = "PLAN-01"
text = "党支部制定了学习教育计划"
check = "查阅支部学习教育计划"
methods = ["查阅资料"]
basis = "四、1"
category = "组织"
{extra}
"""


def minimal(tid: str, sectors: str = "[]", extra: str = "") -> str:
    return MINIMAL.format(tid=tid, sectors=sectors, extra=extra)


@pytest.fixture(scope="module")
def shipped():
    return load_templates()


@pytest.fixture(scope="module")
def general(shipped) -> ChecklistTemplate:
    return shipped.templates["general"]


# ---------------------------------------------------------------- shipped data


def test_shipped_templates_load_without_errors(shipped):
    assert shipped.errors == []
    assert set(shipped.templates) == {"general", "nonpublic"}
    assert set(shipped.committee) == {"committee"}
    assert shipped.origins["general"] == "checklists/general.toml"


def test_committee_duties_are_a_self_check_never_a_branch_template(shipped):
    """Plan 四、1/四、2 name the committee's own duties (审核把关, 派员参加, 培训): they are
    not findings against a branch, so no branch template carries them."""
    committee = shipped.committee["committee"]
    assert committee.scope == "committee" and {i.basis for i in committee.items()} <= {"四、1", "四、2", "四、3"}
    assert pick_template(shipped.templates, Sector.RURAL).scope == "branch"
    for template in shipped.templates.values():
        for item in template.items():
            assert "党委派员" not in item.text and "经基层党委审核" not in item.text, (template.id, item.id)


def test_general_template_size(general):
    items = list(general.items())
    assert 10 <= len(general.sections) <= 14
    assert 45 <= len(items) <= 75
    assert general.sectors == []


def test_every_item_cites_a_real_plan_section(shipped):
    for template in shipped.templates.values():
        for section in template.sections:
            assert section.basis == "" or section.basis in PLAN_SECTIONS
            for item in section.items:
                assert item.basis in PLAN_SECTIONS, (template.id, item.id, item.basis)
                assert item.text and item.check and item.methods


def test_general_covers_every_measure_of_the_plan(general):
    cited = {item.basis for item in general.items()}
    needed = {"一", "二、1", "二、2"} | {f"三、{n}" for n in range(1, 7)} | {f"四、{n}" for n in range(1, 5)}
    assert needed <= cited, needed - cited


def test_no_branch_duty_carries_a_member_problem_category(shipped):
    """The five problems of plan 一 describe individual members; a branch's missing
    record, plan, meeting or dues collection is an 组织 or 作风 problem."""
    for template in [*shipped.templates.values(), *shipped.committee.values()]:
        for item in template.items():
            assert item.category not in MEMBER_PROBLEMS, (template.id, item.id, item.category)


def test_general_asks_the_branch_to_act_on_each_of_the_five_member_problems(general):
    """Each problem of plan 一 is checked as what the branch can show: knowing its members
    and talking to them in time, never as "no member has the problem"."""
    texts = " ".join(i.text for i in general.section_of("PROB-01").items)
    for words in ("理想信念模糊动摇", "党的意识淡化", "漠视群众利益", "消极懈怠", "社会公德"):
        assert words in texts
    for template in (general,):
        assert not [i.id for i in template.items() if i.text.startswith("党员中未发现")]


def test_every_shipped_item_states_its_problem(shipped):
    for template in [*shipped.templates.values(), *shipped.committee.values()]:
        for item in template.items():
            assert item.problem and item.problem != item.text, (template.id, item.id)
            assert not item.problem.startswith("党员中未发现"), (template.id, item.id)


def test_no_shipped_item_cites_a_rule_made_after_the_campaign(shipped):
    """A 2016 visit cites only what was in force in 2016: the 2018 支部工作条例 and the
    2019 党员教育管理工作条例 came later."""
    for template in [*shipped.templates.values(), *shipped.committee.values()]:
        for item in template.items():
            cited = citation_text(item.cites, item.source, date(2016, 12, 31), shipped.sources)
            for later in ("2018", "2019", "支部工作条例", "党员教育管理工作条例"):
                assert later not in cited + item.text, (template.id, item.id, cited)
    assert citation_problems(shipped, date(2016, 2, 1), date(2016, 12, 31)) == []


def test_items_the_plan_phrases_as_may_are_not_requirements(general):
    """三、3 "党小组可参照……" and 三、4 "个人自评和党员互评可分党小组进行" allow, they do not require."""
    for item in general.items():
        assert "参照党支部要求召开专题组织生活会" not in item.text
        assert "分党小组进行" not in item.text


def test_time_bound_duties_carry_their_due_date(shipped):
    general, nonpublic = shipped.templates["general"], shipped.templates["nonpublic"]
    assert general.item("LESSON-04").due == "07-31"
    assert {general.item(i).due for i in ("SOL-01", "SOL-06", "EVAL-01", "EVAL-07", "CADRE-03")} == {"12-31"}
    assert nonpublic.item("STUDY-04").due == "07-31" and nonpublic.item("SOL-01").due == "12-31"
    assert general.item("PLAN-01").due == ""


def test_quarterly_party_lesson_is_marked_local(general):
    lesson = general.item("LESSON-05")
    assert lesson.local is True
    assert "季度" in lesson.text
    # the central rules of 三、2 are not local
    assert general.item("LESSON-04").local is False
    assert "七一" in general.item("LESSON-04").text


def test_rules_from_outside_the_plan_name_their_source(shipped):
    general = shipped.templates["general"]

    def cited(item_id: str) -> str:
        item = general.item(item_id)
        return citation_text(item.cites, item.source, date(2016, 6, 1), shipped.sources)

    assert "三会一课" in cited("MEET-01")
    assert "三会一课" in cited("MEET-02")
    assert "党费" in cited("DUES-01")
    assert "第二十九条" in cited("ORG-03")


def test_items_keep_file_order_and_lookup_by_id(general):
    ids = [i.id for i in general.items()]
    assert ids[:3] == ["PLAN-01", "PLAN-03", "PLAN-04"]
    assert ids[-1] == "STYLE-03"
    assert len(ids) == len(set(ids))
    assert general.item("SOL-03").basis == "三、3"
    with pytest.raises(KeyError):
        general.item("NOPE-01")


def test_answer_kinds(general):
    assert general.item("ORG-01").allowed_answers == (
        AnswerValue.MET,
        AnswerValue.NOT_MET,
        AnswerValue.NOT_APPLICABLE,
    )
    assert AnswerValue.PARTLY_MET in general.item("PLAN-01").allowed_answers


# ------------------------------------------------------------ applicability


@pytest.mark.parametrize(
    "sector, expected",
    [
        (Sector.RURAL, "ROLE-02"),
        (Sector.COMMUNITY, "ROLE-02"),
        (Sector.STATE_ENTERPRISE, "ROLE-03"),
        (Sector.PRIVATE_ENTERPRISE, "ROLE-03"),
        (Sector.SOCIAL_ORG, "ROLE-03"),
        (Sector.SERVICE_WINDOW, "ROLE-04"),
        (Sector.PUBLIC_INSTITUTION, "ROLE-05"),
        (Sector.SCHOOL, "ROLE-06"),
    ],
)
def test_each_sector_gets_exactly_its_own_duty_item(general, sector, expected):
    restricted = {"ROLE-02", "ROLE-03", "ROLE-04", "ROLE-05", "ROLE-06"}
    got = {i.id for i in general.applicable_items(sector)} & restricted
    assert got == {expected}


def test_rural_branch_gets_post_duty_item_school_does_not(general):
    rural = {i.id for i in general.applicable_items(Sector.RURAL)}
    school = {i.id for i in general.applicable_items(Sector.SCHOOL)}
    assert "ROLE-02" in rural and "设岗定责" in general.item("ROLE-02").text
    assert "ROLE-02" not in school
    # items without a sector restriction reach everyone
    assert {"PLAN-01", "ROLE-01", "ROLE-07"} <= rural & school


def test_leading_cadre_items_skipped_without_leading_cadres(general):
    cadre_items = {i.id for i in general.items() if i.requires == "leading_cadres"}
    assert {"LESSON-03", "CADRE-01", "CADRE-02", "CADRE-03"} <= cadre_items
    without = {i.id for i in general.applicable_items(Sector.RURAL, has_leading_cadres=False)}
    with_ = {i.id for i in general.applicable_items(Sector.RURAL, has_leading_cadres=True)}
    assert cadre_items.isdisjoint(without)
    assert cadre_items <= with_


def test_party_group_and_committee_size_requirements(general):
    small = {i.id for i in general.applicable_items(Sector.OTHER, members=6, party_groups=0)}
    big = {i.id for i in general.applicable_items(Sector.OTHER, members=7, party_groups=2)}
    assert "ORG-04" not in small and "ORG-04" in big
    assert "MEET-02" not in small and "MEET-02" in big
    assert "ORG-03" in small  # 正式党员3人以上 applies to every branch


def test_invalid_sector_is_rejected(general):
    with pytest.raises(ValueError):
        general.applicable_items("农业")


def test_pick_template(shipped):
    assert pick_template(shipped.templates, Sector.PRIVATE_ENTERPRISE).id == "nonpublic"
    assert pick_template(shipped.templates, Sector.SOCIAL_ORG).id == "nonpublic"
    assert pick_template(shipped.templates, Sector.RURAL).id == "general"
    assert pick_template(shipped.templates, Sector.STATE_ENTERPRISE).id == "general"
    with pytest.raises(LookupError):
        pick_template({}, Sector.RURAL)


def test_pick_template_prefers_a_custom_sector_template(tmp_path):
    (tmp_path / "school.toml").write_text(minimal("school", sectors='["学校"]'), encoding="utf-8")
    result = load_templates([tmp_path])
    assert result.errors == []
    assert pick_template(result.templates, Sector.SCHOOL).id == "school"
    assert pick_template(result.templates, Sector.RURAL).id == "general"


# ---------------------------------------------------------------- 软弱涣散


def test_weaklax_criteria_shipped():
    criteria = load_weaklax_criteria()
    central = [c for c in criteria if not c.local]
    local = [c for c in criteria if c.local]
    assert [c.id for c in central] == [f"WL{n:02d}" for n in range(1, 11)]
    assert all(c.cites == ["weaklax-2014", "party-statistics"] for c in central)
    assert central[0].text == "班子配备不齐、书记长期缺职、工作处于停滞状态"
    texts = {c.text for c in local}
    assert "党组织书记出缺超过3个月" in texts
    assert any("60%" in t for t in texts)
    assert len(local) == 4
    by_id = {c.id: c for c in criteria}
    assert all(c.refines in by_id for c in local if c.refines)


def test_template_weaklax_links_exist(shipped):
    ids = {c.id for c in shipped.criteria}
    links = [i.weaklax for t in shipped.templates.values() for i in t.items() if i.weaklax]
    assert links and set(links) <= ids
    assert shipped.templates["general"].item("ORG-01").weaklax == "WL01"


def test_weaklax_override_and_addition(tmp_path):
    (tmp_path / "weaklax.toml").write_text(
        '[[criteria]]\nid = "WL01"\ntext = "班子不全"\nsource = "本地"\n\n'
        '[[criteria]]\nid = "WLQ05"\ntext = "一年内未召开支部党员大会"\nlocal = true\nrefines = "WL04"\n',
        encoding="utf-8",
    )
    criteria = load_weaklax_criteria([tmp_path])
    by_id = {c.id: c for c in criteria}
    assert by_id["WL01"].text == "班子不全"
    assert by_id["WLQ05"].local is True
    assert [c.id for c in criteria][:2] == ["WL01", "WL02"]  # override keeps the position
    assert len(criteria) == 15
    # a template may now link to the added criterion
    (tmp_path / "t.toml").write_text(minimal("t", extra='weaklax = "WLQ05"'), encoding="utf-8")
    result = load_templates([tmp_path])
    assert result.errors == []
    assert result.templates["t"].item("PLAN-01").weaklax == "WLQ05"


def test_malformed_weaklax_file_is_reported_and_shipped_criteria_kept(tmp_path):
    path = tmp_path / "weaklax.toml"
    path.write_text(
        '[[criteria]]\nid = "WL01"\ntext = "甲"\n\n[[criteria]]\nid = "WLQ09"\ntext = "乙"\nrefines = "WL77"\n',
        encoding="utf-8",
    )
    errors: list = []
    criteria = load_weaklax_criteria([tmp_path], errors=errors)
    assert [str(e) for e in errors] == [
        f"{path} 第8行：认定标准 WLQ09 的字段 refines 无效：「WL77」不是已定义的软弱涣散认定标准"
    ]
    assert len(criteria) == 14
    assert {c.id: c for c in criteria}["WL01"].text != "甲"
    # load_templates reports the same problem and still loads everything
    result = load_templates([tmp_path])
    assert [str(e) for e in result.errors] == [str(errors[0])]
    assert {"general", "nonpublic"} <= set(result.templates)


def test_duplicate_criterion_id_in_weaklax_file(tmp_path):
    path = tmp_path / "weaklax.toml"
    path.write_text(
        '[[criteria]]\nid = "WL01"\ntext = "甲"\n\n[[criteria]]\nid = "WL01"\ntext = "乙"\n', encoding="utf-8"
    )
    errors: list = []
    load_weaklax_criteria([tmp_path], errors=errors)
    assert [str(e) for e in errors] == [f"{path} 第6行：认定标准编号 WL01 重复（已在第2行使用）"]
    assert errors[0].item == "WL01" and errors[0].field == "id"


# ---------------------------------------------------------------- malformed corpus

# file → (line, item, field, code, message after the location)
EXPECTED = {
    "syntax_error.toml": (
        13,
        None,
        None,
        "syntax",
        "TOML 语法错误（第8列）：值无效（字符串须用英文双引号括起，布尔值写 true 或 false）",
    ),
    "missing_field.toml": (12, "PLAN-01", "check", "missing", "条目 PLAN-01 缺少必填字段 check"),
    "unknown_field.toml": (18, "PLAN-01", "note", "unknown_field", "条目 PLAN-01 含有未知字段 note"),
    "duplicate_item.toml": (20, "PLAN-01", "id", "duplicate", "条目编号 PLAN-01 重复（已在第12行使用）"),
    "bad_basis.toml": (
        16,
        "PLAN-01",
        "basis",
        "invalid",
        "条目 PLAN-01 的字段 basis 无效：「五、1」不是方案中的章节（应为 一、二、1–3、三、1–6、四、1–4 之一）",
    ),
    "bad_sector.toml": (
        18,
        "PLAN-01",
        "sectors",
        "invalid",
        "条目 PLAN-01 的字段 sectors 无效：「农业」不是有效的取值（可选：「农村」、「社区」、「国有企业」、"
        "「非公有制企业」、「社会组织」、「窗口单位/服务行业」、「机关事业单位」、「学校」、「离退休」、「流动党员」、「联合党支部」、「其他」）",
    ),
    "bad_severity.toml": (
        18,
        "PLAN-01",
        "severity",
        "invalid",
        "条目 PLAN-01 的字段 severity 无效：「高」不是有效的取值（可选：「一般」、「较重」、「严重」）",
    ),
    "bad_weaklax.toml": (
        18,
        "PLAN-01",
        "weaklax",
        "invalid",
        "条目 PLAN-01 的字段 weaklax 无效：「WL99」不是已定义的软弱涣散认定标准",
    ),
    "empty_section.toml": (8, None, "items", "empty", "章节 s1 没有任何条目（缺少 [[sections.items]]）"),
    "no_sections.toml": (None, None, "sections", "empty", "文件没有任何章节（缺少 [[sections]]）"),
    "wrong_type.toml": (18, "PLAN-01", "local", "invalid", "条目 PLAN-01 的字段 local 无效：应为布尔值 true 或 false"),
    "methods_not_list.toml": (
        15,
        "PLAN-01",
        "methods",
        "invalid",
        '条目 PLAN-01 的字段 methods 无效：应为数组，如 ["…"]',
    ),
    "bad_method.toml": (
        15,
        "PLAN-01",
        "methods",
        "invalid",
        "条目 PLAN-01 的字段 methods 无效：「电话询问」不是有效的取值（可选：「查阅资料」、「听取汇报」、「座谈」、「列席」）",
    ),
    "bad_item_id.toml": (
        12,
        "plan-1",
        "id",
        "invalid",
        "条目 plan-1 的字段 id 无效：「plan-1」格式不正确（应为大写字母、连字符加两位数字，如 PLAN-01）",
    ),
    "bad_requires.toml": (
        18,
        "PLAN-01",
        "requires",
        "invalid",
        "条目 PLAN-01 的字段 requires 无效：「cadres」不是有效的取值"
        "（可选：空字符串、「leading_cadres」、「party_groups」、「members_7plus」）",
    ),
    "bad_template_id.toml": (
        3,
        None,
        "id",
        "invalid",
        "模板信息 [template] 的字段 id 无效：「Bad_ID」格式不正确（应为小写字母、数字和连字符，如 general）",
    ),
    "no_template.toml": (None, None, "template", "missing", "文件缺少 [template] 表"),
    "gbk_encoded.toml": (1, None, None, "encoding", "文件不是 UTF-8 编码，看起来是 GBK 编码，请另存为 UTF-8"),
}


@pytest.fixture(scope="module")
def bad_result():
    return load_templates([BAD_DIR])


def test_corpus_is_fully_covered():
    names = {p.name for p in BAD_DIR.glob("*.toml")}
    assert names == set(EXPECTED)
    assert len(names) >= 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_yields_exactly_its_error(bad_result, name):
    line, item, fld, code, message = EXPECTED[name]
    display = str(BAD_DIR / name)
    errors = [e for e in bad_result.errors if e.file == display]
    assert len(errors) == 1, [str(e) for e in errors]
    err = errors[0]
    assert (err.line, err.item, err.field, err.code) == (line, item, fld, code)
    where = f"{display} 第{line}行" if line else display
    assert str(err) == f"{where}：{message}"
    assert "\n" not in str(err)


def test_bad_files_do_not_stop_good_templates(bad_result, shipped):
    assert len(bad_result.errors) == len(EXPECTED)
    assert set(bad_result.templates) == {"general", "nonpublic"}
    assert bad_result.templates["general"].content_hash == shipped.templates["general"].content_hash


# ---------------------------------------------------------------- sources and overrides


def test_extra_dir_overrides_shipped_template_by_id(tmp_path, general):
    text = SHIPPED.joinpath("general.toml").read_text(encoding="utf-8")
    changed = text.replace(f'version = "{general.version}"', 'version = "本党委-1"', 1).replace(
        "党支部结合实际制定", "党支部结合本单位实际制定", 1
    )
    (tmp_path / "mine.toml").write_text(changed, encoding="utf-8")
    result = load_templates([tmp_path])
    assert result.errors == []
    mine = result.templates["general"]
    assert mine.version == "本党委-1"
    assert mine.item("PLAN-01").text.startswith("党支部结合本单位实际制定")
    assert mine.content_hash != general.content_hash
    assert result.origins["general"] == str(tmp_path / "mine.toml")


def test_later_dir_wins_and_missing_dir_is_skipped(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "t.toml").write_text(minimal("t"), encoding="utf-8")
    (b / "t.toml").write_text(minimal("t").replace('title = "测试模板"', 'title = "覆盖后"'), encoding="utf-8")
    result = load_templates([a, tmp_path / "does-not-exist", b])
    assert result.errors == []
    assert result.templates["t"].title == "覆盖后"


def test_malformed_override_keeps_the_shipped_template(tmp_path, general):
    (tmp_path / "general.toml").write_text(minimal("general", extra='severity = "很重"'), encoding="utf-8")
    result = load_templates([tmp_path])
    assert len(result.errors) == 1
    assert result.errors[0].field == "severity"
    assert result.templates["general"].content_hash == general.content_hash


def test_same_id_twice_in_one_dir_is_an_error(tmp_path):
    (tmp_path / "a.toml").write_text(minimal("t"), encoding="utf-8")
    (tmp_path / "b.toml").write_text(minimal("t").replace("测试模板", "另一个"), encoding="utf-8")
    result = load_templates([tmp_path])
    assert [str(e) for e in result.errors] == [
        f"{tmp_path / 'b.toml'} 第2行：模板编号 t 与 {tmp_path / 'a.toml'} 重复，本文件未加载"
    ]
    assert result.templates["t"].title == "测试模板"


def test_item_sector_must_be_within_template_sectors(tmp_path):
    path = tmp_path / "np.toml"
    path.write_text(minimal("np", sectors='["非公有制企业"]', extra='sectors = ["农村"]'), encoding="utf-8")
    result = load_templates([tmp_path])
    assert [str(e) for e in result.errors] == [
        f"{path} 第18行：条目 PLAN-01 的字段 sectors 无效：「农村」不在模板的适用领域（非公有制企业）内"
    ]


def test_unknown_field_suggests_the_right_name(tmp_path):
    path = tmp_path / "typo.toml"
    path.write_text(minimal("typo", extra='severty = "较重"'), encoding="utf-8")
    result = load_templates([tmp_path])
    assert [str(e) for e in result.errors] == [
        f"{path} 第18行：条目 PLAN-01 含有未知字段 severty（是否应为 severity？）"
    ]


def test_utf8_bom_is_accepted(tmp_path):
    (tmp_path / "bom.toml").write_bytes("\ufeff".encode() + minimal("bom").encode("utf-8"))
    result = load_templates([tmp_path])
    assert result.errors == []
    assert "bom" in result.templates


# ---------------------------------------------------------------- hash and snapshots


def test_content_hash_is_stable(general):
    again = load_templates().templates["general"]
    assert re.fullmatch(r"[0-9a-f]{64}", general.content_hash)
    assert again.content_hash == general.content_hash
    rebuilt = ChecklistTemplate.model_validate(general.model_dump(mode="json"))
    assert rebuilt.content_hash == general.content_hash


def test_content_hash_ignores_comments_and_layout(tmp_path, general):
    text = SHIPPED.joinpath("general.toml").read_text(encoding="utf-8")
    (tmp_path / "g.toml").write_text(
        "# 本地副本\n\n" + text.replace("\n[[sections]]", "\n\n# 章节\n[[sections]]"), encoding="utf-8"
    )
    result = load_templates([tmp_path])
    assert result.errors == []
    assert result.templates["general"].content_hash == general.content_hash


def test_content_hash_changes_when_text_changes(general):
    data = general.model_dump(mode="json")
    data["sections"][0]["items"][0]["text"] += "（修改）"
    assert ChecklistTemplate.model_validate(data).content_hash != general.content_hash
    data = general.model_dump(mode="json")
    data["sections"][3]["items"][0]["severity"] = "严重"
    assert ChecklistTemplate.model_validate(data).content_hash != general.content_hash


def test_snapshot_round_trip_through_json(general):
    snap = template_snapshot(general)
    assert snap["id"] == "general" and snap["version"] == general.version
    assert snap["content_hash"] == general.content_hash
    restored = template_from_snapshot(json.loads(json.dumps(snap, ensure_ascii=False)))
    assert restored == general
    assert restored.content_hash == general.content_hash
    assert [i.id for i in restored.items()] == [i.id for i in general.items()]
    assert restored.item("ROLE-02").sectors == [Sector.RURAL, Sector.COMMUNITY]


def test_tampered_snapshot_is_rejected(general):
    snap = json.loads(json.dumps(template_snapshot(general), ensure_ascii=False))
    snap["template"]["sections"][0]["items"][0]["text"] = "被改动的条目"
    with pytest.raises(ValueError, match="校验值不一致"):
        template_from_snapshot(snap)
    snap = template_snapshot(general) | {"format": 99}
    with pytest.raises(ValueError, match="快照格式"):
        template_from_snapshot(snap)


def test_snapshot_survives_criteria_changes(general):
    """A frozen visit stays readable even if its 软弱涣散 criterion is later removed."""
    snap = template_snapshot(general)
    assert general.item("ORG-01").weaklax == "WL01"
    restored = template_from_snapshot(snap)  # validated without the criteria list
    assert restored.item("ORG-01").weaklax == "WL01"


# ---------------------------------------------------------------- hygiene


def test_module_does_not_import_textual():
    code = "import sys, inspector.checklist; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_shipped_files_are_valid_utf8_toml_copies(tmp_path):
    """The shipped directory can be copied as a whole into a data dir without conflicts."""
    for entry in SHIPPED.iterdir():
        if entry.name.endswith(".toml"):
            shutil.copyfile(str(entry), tmp_path / entry.name)
    result = load_templates([tmp_path])
    assert result.errors == []
    assert result.origins["general"] == str(tmp_path / "general.toml")
    assert len(result.criteria) == 14


def test_structural_errors_outside_items(tmp_path):
    (tmp_path / "top.toml").write_text("foo = 1\n" + minimal("top"), encoding="utf-8")
    (tmp_path / "inline.toml").write_text(
        '[template]\nid = "inline"\nversion = "1"\ntitle = "t"\n\n[[sections]]\nid = "s"\ntitle = "t"\nitems = [\n'
        '  { id = "A-01", text = "x", check = "y", methods = ["座谈"], basis = "一", category = "思想" },\n'
        '  { id = "A-02", text = "x", check = "y", methods = ["座谈"], basis = "一", category = "其他" },\n]\n',
        encoding="utf-8",
    )
    result = load_templates([tmp_path])
    by_file = {Path(e.file).name: str(e).split("：", 1)[0].rsplit(" ", 1)[-1] + "：" + e.message for e in result.errors}
    assert by_file["top.toml"] == "第1行：文件含有未知的顶层字段 foo"
    # items written as inline tables: the line is found through the item id
    assert by_file["inline.toml"].startswith("第11行：条目 A-02 的字段 category 无效：「其他」不是有效的取值")
    assert len(result.errors) == 2


def test_a_due_date_must_be_a_real_month_and_day(tmp_path):
    text = tmp_path / "x.toml"
    base = Path(files("checklists").joinpath("committee.toml")).read_text(encoding="utf-8")
    for bad in ("7-31", "07-32", "02-30", "年底"):
        text.write_text(
            base.replace('id = "committee"', 'id = "mine"').replace(
                'severity = "较重"', f'severity = "较重"\ndue = "{bad}"', 1
            ),
            encoding="utf-8",
        )
        result = load_templates([tmp_path])
        assert "mine" not in result.committee
        assert any("不是有效的月-日" in e.message for e in result.errors), bad
