"""Plan 四、3's kinds of branch (mobile-member and joint branches), the community
side of 在职党员到社区报到 (三、5), and the items for 二、3 and 三、2, as checklist
data (checklists/*.toml) and the rules `inspector check` holds it to."""

from __future__ import annotations

import pytest

from inspector import visit as visits
from inspector.branches import branch_from_fields
from inspector.checklist import load_templates, pick_template, sector_problems
from inspector.models import Branch, Sector


@pytest.fixture(scope="module")
def loaded():
    return load_templates()


def _asked(template, branch: Branch) -> set[str]:
    return {i.id for i in visits.applicable_items(template, branch)}


def test_a_mobile_member_branch_studies_through_the_regional_service_centre_and_open_organisation_life(loaded):
    """Plan 四、3: “对党员人数少、党员流动性强的党组织，可依托区域化党员服务中心，利用开放式组织生活等方式，
    组织党员参加学习教育”: a 流动党员党支部 is not held to party-group study with make-up (STUDY-05) nor to
    the quarterly full meeting (STUDY-06) but asked how it reaches its members instead (STUDY-10)."""
    general = loaded.templates["general"]
    mobile = Branch(name="驻深圳流动党员党支部", sector=Sector.MOBILE, members=20)
    other = Branch(name="机关第一党支部", sector=Sector.OTHER, members=20)
    assert pick_template(loaded.templates, mobile.sectors).id == "general"
    assert _asked(general, other) - _asked(general, mobile) == {"STUDY-05", "STUDY-06"}
    assert _asked(general, mobile) - _asked(general, other) == {"STUDY-10"}
    study10 = general.item("STUDY-10")
    assert study10.basis == "四、3" and "区域化党员服务中心" in study10.text and "开放式组织生活" in study10.text
    tagged = Branch(name="工业园社区党支部", sector=Sector.COMMUNITY, other_sectors=[Sector.MOBILE], members=20)
    assert {"STUDY-10", "ROLE-02"} <= _asked(general, tagged) and "STUDY-06" not in _asked(general, tagged)


@pytest.mark.parametrize(
    "sectors",
    [
        [Sector.JOINT],
        [Sector.PRIVATE_ENTERPRISE, Sector.JOINT],
        [Sector.RURAL, Sector.JOINT],
        [Sector.OTHER, Sector.JOINT],
    ],
)
def test_a_joint_branch_gets_the_flexible_list_for_nonpublic_enterprises(loaded, sectors):
    """Plan 四、3: “对非公有制企业和社会组织，可因企制宜、因岗制宜，灵活安排”; the flexible list says it is for
    非公 and social-organisation branches “含联合党支部”, so a branch tagged joint gets it."""
    assert pick_template(loaded.templates, sectors).id == "nonpublic"


def test_a_joint_branch_does_the_quarterly_meeting_and_its_setting_up_flexibly(loaded):
    """Plan 四、3 “灵活安排”: a 联合党支部 spans several units, so the quarterly full meeting may be held by
    member unit in turn (STUDY-03 → STUDY-09), and instead of “不足3人的组建联合党支部” it is asked whether its
    member units are set and their members placed (ORG-02 → ORG-04)."""
    nonpublic = loaded.templates["nonpublic"]
    joint = branch_from_fields(
        {"name": "个体工商户联合党支部", "sector": "非公有制企业", "other_sectors": "联合党支部"}
    )
    alone = Branch(name="宏达公司党支部", sector=Sector.PRIVATE_ENTERPRISE, members=9)
    assert joint.sectors == [Sector.PRIVATE_ENTERPRISE, Sector.JOINT]
    assert _asked(nonpublic, alone) - _asked(nonpublic, joint) == {"STUDY-03", "ORG-02"}
    assert _asked(nonpublic, joint) - _asked(nonpublic, alone) == {"STUDY-09", "ORG-04"}


def test_only_community_branches_receive_members_reporting_to_the_community(loaded):
    """Plan 三、5: 机关事业单位 “落实党员到社区报到、直接联系服务群众制度”; the community's side, receiving
    those members (ROLE-08), is asked of community branches alone, the sending side (ROLE-05) of organs."""
    general = loaded.templates["general"]
    role08 = general.item("ROLE-08")
    assert role08.basis == "三、5" and role08.text.startswith("社区党组织接收在职党员到社区报到")
    for sector in Sector:
        assert role08.applies_to(sector) is (sector is Sector.COMMUNITY), sector
        assert general.item("ROLE-05").applies_to(sector) is (sector is Sector.PUBLIC_INSTITUTION), sector
    assert role08.applies_to([Sector.RURAL, Sector.COMMUNITY])


@pytest.mark.parametrize("template_id", ["general", "nonpublic"])
def test_four_speaks_four_haves_and_lessons_by_cadres_party_school_teachers_and_models_are_checked(loaded, template_id):
    """Plan 二、3: 做“讲政治、有信念，讲规矩、有纪律，讲道德、有品行，讲奉献、有作为”的合格党员; plan 三、2:
    党员领导干部到基层单位党支部讲党课，“组织党校教师、讲师团成员、先进模范到基层一线党支部讲党课”."""
    template = loaded.templates[template_id]
    four = [i for i in template.items() if "四讲四有" in i.text]
    assert four and all(i.basis == "二、3" for i in four)
    assert all(w in four[0].text for w in ("讲政治、有信念", "讲规矩、有纪律", "讲道德、有品行", "讲奉献、有作为"))
    guests = [i for i in template.items() if "党校教师" in i.text]
    assert guests and all(i.basis == "三、2" for i in guests)
    assert all(w in guests[0].text for w in ("党员领导干部", "讲师团成员", "先进模范"))
    # 到农村、社区、企业、学校等基层单位党支部: every such branch that gets this template is asked
    for sector in (Sector.RURAL, Sector.COMMUNITY, Sector.STATE_ENTERPRISE, Sector.PRIVATE_ENTERPRISE, Sector.SCHOOL):
        if pick_template(loaded.templates, [sector]).id == template_id:
            assert guests[0].applies_to(sector), sector


_HEAD = '[template]\nid = "mine"\nversion = "1"\ntitle = "本党委清单"\n\n[[sections]]\nid = "a"\ntitle = "学习"\n\n'


def _item(item_id: str, text: str, extra: str = "") -> str:
    return (
        f'[[sections.items]]\nid = "{item_id}"\ntext = "{text}"\ncheck = "查阅记录"\nmethods = ["查阅资料"]\n'
        f'basis = "四、3"\ncategory = "组织"\n{extra}\n'
    )


def test_check_reports_checklist_items_breaking_the_sector_rules(store, capsys):
    """Plan 四、3's relief and 三、5's community side as data `inspector check` holds: a relief with no
    replacement in the section, a relief for branches the item is not meant for, and an item about
    社区党组织 (or another kind of branch) that applies to other branches, each one line."""
    from inspector.cli import main

    (store.root / "checklists").mkdir(exist_ok=True)
    (store.root / "checklists" / "mine.toml").write_text(
        _HEAD
        + _item("MINE-01", "党小组定期组织党员集中学习", 'relief = ["流动党员"]')
        + _item("MINE-02", "落实党员设岗定责", 'sectors = ["农村"]\nrelief = ["离退休"]')
        + _item("MINE-03", "社区党组织接收在职党员到社区报到", 'sectors = ["社区", "机关事业单位"]')
        + _item("MINE-04", "联合党支部统筹各成员单位开展学习")
        + _item("MINE-05", "离退休党支部采取送学上门等方式组织学习", 'sectors = ["离退休"]'),
        encoding="utf-8",
    )
    mine = load_templates([store.root / "checklists"])
    assert mine.errors == []
    expected = [
        "检查清单 mine 条目 MINE-01 对「流动党员」放宽要求，但同一部分没有适用于它的替代条目",
        "检查清单 mine 条目 MINE-02 对「离退休」放宽要求，但本条目只适用于农村",
        "检查清单 mine 条目 MINE-03 写的是社区党组织的工作，应只适用于「社区」",
        "检查清单 mine 条目 MINE-04 写的是联合党支部的工作，应只适用于「联合党支部」",
    ]
    assert sector_problems(mine) == expected
    assert main(["--data", str(store.root), "check"]) == 1
    out = capsys.readouterr().out
    assert all(f"检查清单：{line}" in out for line in expected)
