"""The memo's prose on four fixed visits of the shipped general checklist:
no findings, 5 findings, 30 findings, and a weak/lax branch with pocket
members; issuing once; the page count in LibreOffice where it is installed."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime

import docx
import pytest

from inspector.achievements import section_phrases
from inspector.checklist import load_templates, template_snapshot
from inspector.documents import memo, memo_batch
from inspector.documents.officialdoc import _PPR_ORDER, title_lines, title_shape
from inspector.models import (
    Answer,
    AnswerValue,
    Branch,
    Committee,
    CriterionTick,
    FindingStatus,
    MemberKind,
    Plan4,
    PocketMember,
    Responsibility,
    Sector,
    Visit,
    VisitMethod,
    VisitStatus,
    WeakLaxDetermination,
)
from inspector.store import Store
from inspector.visit import applicable_items, finding_from_item

VISIT_DAY = date(2016, 11, 20)
TODAY = date(2016, 11, 26)
AT = datetime(2016, 11, 20, 9, 0, tzinfo=UTC)
TEMPLATE = load_templates().templates["general"]
NOTES = ["今年只开过一次", "记录缺少讨论内容", "查阅资料发现缺少签到", "座谈中反映不够及时", "台账不完整"]


def build(store, n_findings: int, *, weaklax: bool = False) -> Visit:
    """A completed visit of 城关镇第一社区党支部 with the first `n_findings` due items 不符合."""
    store.save(Committee(id="c-1", name="中共城关镇委员会"))
    branch = store.save(
        Branch(
            id="b-1", name="城关镇第一社区党支部", sector=Sector.COMMUNITY, secretary="李华", members=23, party_groups=2
        )
    )
    store.keep_template(TEMPLATE.id, TEMPLATE.version, TEMPLATE.content_hash, template_snapshot(TEMPLATE))
    items = applicable_items(TEMPLATE, branch)
    due = [i for i in items if i.is_due(VISIT_DAY)]
    failing = {i.id: NOTES[k % len(NOTES)] for k, i in enumerate(due[:n_findings])}
    answers = {
        i.id: Answer(
            value=AnswerValue.NOT_MET if i.id in failing else AnswerValue.MET, note=failing.get(i.id, ""), at=AT
        )
        for i in items
    }
    visit = store.save(
        Visit(
            id="v-1",
            branch_id=branch.id,
            date=VISIT_DAY,
            inspectors=["王明", "赵丽"],
            methods=[VisitMethod.REVIEW_RECORDS, VisitMethod.DISCUSSION],
            template_id=TEMPLATE.id,
            template_version=TEMPLATE.version,
            template_hash=TEMPLATE.content_hash,
            status=VisitStatus.COMPLETED,
            answers=answers,
        )
    )
    for k, item in enumerate(i for i in due if i.id in failing):
        f = finding_from_item(visit, item).model_copy(
            update={
                "id": f"f-{k:02}",
                "goal": "按要求规范落实",
                "measures": "制定整改方案，逐项落实",
                "responsible": Responsibility(leader="李华", person="孙晓强"),
            }
        )
        store.save(f)
    if n_findings:  # the same finding recorded twice is stated once
        store.save(store.findings("b-1")[0].model_copy(update={"id": "f-dup"}))
    if weaklax:
        store.save(
            WeakLaxDetermination(
                id="w-1",
                branch_id=branch.id,
                visit_id=visit.id,
                determined_on=VISIT_DAY,
                criteria=[CriterionTick(criterion_id="WL04", evidence="半年未开展组织生活")],
                plan=Plan4(goal="恢复正常组织生活", deadline=date(2017, 2, 28)),
            )
        )
        for pid, name, kind in (("p-1", "周某", MemberKind.LOST_CONTACT), ("p-2", "吴某", MemberKind.POCKET)):
            store.save(
                PocketMember(
                    id=pid,
                    branch_id=branch.id,
                    name=name,
                    member_kind=kind,
                    last_contact=date(2016, 3, 1),
                    visit_id="v-1",
                )
            )
        store.save(
            PocketMember(id="p-3", branch_id=branch.id, name="郑某", member_kind=MemberKind.MOBILE, visit_id="v-1")
        )
    return store.visit("v-1", "b-1")


CASES = {"none": (0, False), "five": (5, False), "thirty": (30, False), "weaklax": (4, True)}


def document_of(store, tmp_path, case: str):
    n, weak = CASES[case]
    rec = memo.write_memo(store, build(store, n, weaklax=weak), path=tmp_path / f"{case}.docx", today=TODAY)
    return rec, docx.Document(rec.file)


def body_paragraphs(document) -> list[str]:
    """Paragraphs before 附件 (the annex table is the item detail)."""
    texts = [p.text for p in document.paragraphs]
    return texts[: texts.index("附件")] if "附件" in texts else texts


@pytest.mark.parametrize("case", CASES)
def test_memo_text_snapshot(store, tmp_path, case, snapshot):
    _, document = document_of(store, tmp_path, case)
    assert memo.memo_text(document) == snapshot


@pytest.mark.parametrize("case", CASES)
def test_body_states_problems_not_requirements(store, tmp_path, case):
    _, document = document_of(store, tmp_path, case)
    body = body_paragraphs(document)
    requirements = [i.text for i in TEMPLATE.items()]
    for para in body:
        assert "未达到要求" not in para and "「" not in para and "问题程度" not in para
        assert not any(r in para for r in requirements), para
        assert ". " not in para  # "1.抓好…", never "1. 抓好…"
    findings = memo.ordered_findings(memo.gather(store, store.visit("v-1", "b-1")))
    joined = "\n".join(body)
    for f in findings:
        assert joined.count(memo.problem_text(f)) == 1, f.description
    assert len(findings) == CASES[case][0]  # the duplicate is merged


def test_achievements_and_problems_never_share_an_item(store, tmp_path):
    visit = build(store, 5)
    inputs = memo.gather(store, visit)
    suggested = memo.suggest_achievements(inputs)
    assert 1 <= len(suggested) <= 5
    failed = {f.item_id for f in inputs.findings}
    failing = {s.id for s in TEMPLATE.sections if any(i.id in failed for i in s.items)}
    from_phrases = {
        sid for sid, texts in section_phrases().items() for t in texts for a in suggested if a.startswith(t)
    }
    assert len(from_phrases) == len(suggested) and not from_phrases & failing
    assert memo.suggest_achievements(inputs) == suggested  # the same phrases every time
    # the inspector's own words win over the suggestion
    store.save(visit.model_copy(update={"achievements": "学习计划制定早、安排细\n党员参学率达到95%"}), base=visit)
    inputs = memo.gather(store, store.visit("v-1", "b-1"))
    assert memo.achievements(inputs) == ["学习计划制定早、安排细。", "党员参学率达到95%。"]


def test_report_back_is_never_before_the_memo_date(store, tmp_path):
    rec, document = document_of(store, tmp_path, "five")
    back = [p.text for p in document.paragraphs if p.text.startswith("请于")]
    assert back == ["请于收到本意见后30日内将整改落实情况书面报送中共城关镇委员会。"]


def test_issued_memo_survives_memo_all_and_reissue_needs_a_reason(store, tmp_path):
    visit = build(store, 5)
    rec = memo.issue_memo(store, visit, numbered=True, out_dir=tmp_path, today=TODAY)
    assert rec.issued_on == TODAY and rec.number == "组字〔2016〕1号"
    before = (tmp_path / rec.file).read_bytes()
    out = tmp_path / "all"
    (outcome,) = memo_batch.write_all(store, out, today=date(2016, 12, 30), workers=1)
    assert outcome.status == "issued" and not list(out.iterdir())
    assert (tmp_path / rec.file).read_bytes() == before
    with pytest.raises(memo.MemoIssued):
        memo.write_memo(store, store.visit("v-1", "b-1"), out_dir=tmp_path)
    with pytest.raises(memo.StoreError):
        memo.issue_memo(store, store.visit("v-1", "b-1"), out_dir=tmp_path)
    # re-issued with a reason: a new version, a new number, closed findings as 已整改
    f = store.get(memo.Finding, "f-00", "b-1")
    store.save(f.model_copy(update={"status": FindingStatus.CLOSED, "verifier": "钱某", "verified_on": TODAY}))
    again = memo.issue_memo(
        store, store.visit("v-1", "b-1"), numbered=True, reason="补记整改情况", out_dir=tmp_path, today=TODAY
    )
    assert again.number == "组字〔2016〕2号" and again.file != rec.file and again.reason == "补记整改情况"
    text = "\n".join(memo.memo_text(docx.Document(again.file)))
    assert "（已整改）" in text and "已整改" in text.split("问题清单")[-1]


def test_24_character_title_is_a_trapezoid():
    segments = ["关于", "某某村党支部", "“两学一做”", "学习", "现场指导", "反馈意见"]
    assert len("".join(segments)) == 24
    lines = title_lines(segments)
    assert 2 <= len(lines) <= 3 and title_shape(lines) == "trapezoid"
    assert min(map(len, lines)) >= 4 and "".join(lines) == "".join(segments)


@pytest.mark.parametrize(
    "name",
    [
        "松湾村党支部",
        "城关镇第一社区党支部",
        "城关镇人民政府机关第二党支部",
        "城关镇财政所党支部",
        "石桥镇农商银行支行党支部",
        "驻广州李寨流动党员党支部",
        "车站里社区第二党支部",
    ],
)
def test_memo_titles_take_shape(name):
    lines = memo.memo_title(name)
    assert 2 <= len(lines) <= 3 and title_shape(lines) and min(map(len, lines)) >= 4
    unit = name[name.rindex("第") :] if "第二党支部" in name else "党支部"
    assert any(unit in line for line in lines)  # 党支部 (with its number) is never broken
    assert "".join(lines) == f"关于{name}“两学一做”学习教育现场指导情况的反馈意见"


def test_language_and_font_table(store, tmp_path):
    import zipfile

    rec, _ = document_of(store, tmp_path, "none")
    with zipfile.ZipFile(rec.file) as z:
        styles = z.read("word/styles.xml").decode()
        fonts = z.read("word/fontTable.xml").decode()
    assert 'w:eastAsia="zh-CN"' in styles
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert "方正小标宋简体" in fonts and "楷体_GB2312" in fonts and "ＭＳ" not in fonts


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed: pages not counted")
@pytest.mark.parametrize(("case", "most"), [("none", 4), ("five", 6), ("weaklax", 6)])
def test_typical_memo_fits_six_pages(store, tmp_path, case, most, libreoffice_profile):
    rec, _ = document_of(store, tmp_path, case)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={libreoffice_profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            rec.file,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / f"{case}.pdf").read_bytes()
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type/Page>") + pdf.count(b"/Type /Page>") <= most


def test_number_sits_in_a_masthead_under_the_issuer(store, tmp_path):
    """GB/T 9704-2012 7.2: the organ's mark in red, the 文号 centred two lines under it
    with a red line under the number, the title two lines under the line."""
    rec = memo.issue_memo(store, build(store, 5), numbered=True, out_dir=tmp_path, today=TODAY)
    paras = docx.Document(rec.file).paragraphs
    texts = [p.text for p in paras]
    assert texts[:6] == ["中共城关镇委员会", "", "", "组字〔2016〕1号", "", ""]
    assert texts[6].startswith("关于城关镇第一社区党支部")
    mark, number = paras[0], paras[3]
    assert mark.alignment == number.alignment == 1  # centred
    assert {str(r.font.color.rgb) for r in mark.runs} == {"FF0000"}
    assert 'w:color="FF0000"' in number._p.xml and "<w:bottom " in number._p.xml
    for p in paras:  # in the schema's order (WordprocessingML is a sequence; strict readers reject others)
        props = p._p.pPr
        tags = [c.tag.rpartition("}")[2] for c in (props if props is not None else ())]
        assert tags == sorted(tags, key=_PPR_ORDER.index), (p.text, tags)
    other = Store(tmp_path / "other", "测试员")
    draft = memo.write_memo(other, build(other, 0), path=tmp_path / "draft.docx", today=TODAY)
    assert docx.Document(draft.file).paragraphs[0].text.startswith("关于")  # no 版头 without a number


def test_the_paragraph_after_the_annex_table_cannot_spill_onto_a_blank_page(store, tmp_path):
    """Word needs a paragraph after a table that ends the document; at one point high and
    off the line grid it stays on the table's page even when the table fills it."""
    _, document = document_of(store, tmp_path, "five")
    body = document.element.body
    last = body[-2]  # the element before the section properties
    assert last.tag.endswith("}p") and last.getprevious().tag.endswith("}tbl")
    xml = last.xml
    assert 'w:snapToGrid w:val="0"' in xml and 'w:line="20" w:lineRule="exact"' in xml and 'w:sz w:val="2"' in xml
