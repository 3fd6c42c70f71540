"""The Word memo: content and order, GB/T 9704 format, hostile text, files.

Each test builds its visit in a fresh data folder with a small checklist of
its own (saved as the visit's template snapshot), so the snapshot of the
document's structure does not move when the shipped checklists change.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from inspector.checklist import ChecklistTemplate, template_snapshot
from inspector.documents import memo, memo_batch
from inspector.documents.officialdoc import (
    LINE_PITCH,
    TITLE_LINE_CHARS,
    chinese_date,
    clean_text,
    new_document,
    safe_filename,
    text_width_em,
    title_lines,
    write_new_file,
)
from inspector.errors import OutputExists, StoreError
from inspector.models import (
    Answer,
    AnswerValue,
    Branch,
    Committee,
    CriterionTick,
    Disposition,
    Finding,
    FindingCategory,
    LegalTrack,
    MemberKind,
    MemoRecord,
    Plan4,
    PocketMember,
    Responsibility,
    Sector,
    Severity,
    Visit,
    VisitMethod,
    VisitStatus,
    WeakLaxDetermination,
)
from inspector.settings import MemoFonts, Settings, save_settings

TODAY = date(2026, 11, 26)
VISIT_DAY = date(2026, 11, 20)
BRANCH_ID = "00000000-0000-4000-8000-00000000b001"
VISIT_ID = "00000000-0000-4000-8000-00000000a001"
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

_ITEM = {
    "id": "STU-01",
    "text": "党支部每季度召开一次全体党员会议，围绕一个专题组织讨论",
    "check": "查阅会议记录",
    "methods": ["查阅资料"],
    "basis": "三、1",
    "category": "组织",
}
TEMPLATE = ChecklistTemplate.model_validate(
    {
        "id": "memo-test",
        "version": "1",
        "title": "测试用现场指导检查清单",
        "sections": [
            {
                "id": "study",
                "title": "专题学习讨论",
                "items": [
                    _ITEM,
                    {**_ITEM, "id": "STU-02", "text": "党小组定期组织党员集中学习"},
                    {**_ITEM, "id": "STU-03", "text": "党员自学有笔记", "category": "思想", "basis": "二、1"},
                ],
            },
            {
                "id": "life",
                "title": "专题组织生活会",
                "items": [
                    {**_ITEM, "id": "LIF-01", "text": "年底前召开专题组织生活会", "basis": "三、3", "severity": "较重"},
                    {**_ITEM, "id": "LIF-02", "text": "开展批评和自我批评", "basis": "三、3", "category": "作风"},
                ],
            },
        ],
    }
)


def _answers(values: dict[str, AnswerValue], notes: dict[str, str] | None = None) -> dict[str, Answer]:
    notes = notes or {}
    return {k: Answer(value=v, note=notes.get(k, ""), who="王明", at=AT) for k, v in values.items()}


def build_case(
    store,
    *,
    findings: bool = True,
    pockets: bool = True,
    weaklax: bool = True,
    text: str = "",
    status: VisitStatus = VisitStatus.COMPLETED,
) -> Visit:
    """A completed visit of 城关镇第一社区党支部 with fixed ids and dates.

    `text` is appended to every free-text field (hostile-input tests)."""
    t = text
    store.save(Committee(id="c-1", name="中共城关镇委员会" + t))
    branch = store.save(
        Branch(
            id=BRANCH_ID,
            name="城关镇第一社区党支部" + t,
            sector=Sector.COMMUNITY,
            secretary="李华" + t,
            members=23,
            party_groups=2,
        )
    )
    store.keep_template(TEMPLATE.id, TEMPLATE.version, TEMPLATE.content_hash, template_snapshot(TEMPLATE))
    visit = store.save(
        Visit(
            id=VISIT_ID,
            branch_id=branch.id,
            date=VISIT_DAY,
            inspectors=["王明" + t, "赵丽"],
            methods=[VisitMethod.REVIEW_RECORDS, VisitMethod.DISCUSSION],
            template_id=TEMPLATE.id,
            template_version=TEMPLATE.version,
            template_hash=TEMPLATE.content_hash,
            status=status,
            answers=_answers(
                {
                    "STU-01": AnswerValue.MET,
                    "STU-02": AnswerValue.PARTLY_MET,
                    "STU-03": AnswerValue.NOT_MET if findings else AnswerValue.MET,
                    "LIF-01": AnswerValue.NOT_MET if findings else AnswerValue.MET,
                    "LIF-02": AnswerValue.NOT_APPLICABLE,
                },
                {"STU-01": "四个季度均有记录" + t, "STU-03": "笔记缺失" + t},
            ),
            summary="支部工作总体有序" + t,
            completed_at=AT if status == VisitStatus.COMPLETED else None,
        )
    )
    if findings:
        store.save(
            Finding(
                id="f-1",
                branch_id=branch.id,
                visit_id=visit.id,
                item_id="LIF-01",
                basis="三、3",
                category=FindingCategory.ORGANISATION,
                severity=Severity.MAJOR,
                description="专题组织生活会未征求群众意见" + t,
                found_on=VISIT_DAY,
                goal="规范召开专题组织生活会" + t,
                measures="会前广泛征求意见，形成问题清单" + t,
                deadline=date(2026, 12, 31),
                responsible=Responsibility(leader="李华" + t, person="孙强" + t),
            )
        )
        store.save(
            Finding(
                id="f-2",
                branch_id=branch.id,
                visit_id=visit.id,
                item_id="STU-03",
                basis="二、1",
                category=FindingCategory.IDEOLOGY,
                description="部分党员自学笔记缺失" + t,
                found_on=VISIT_DAY,
                deadline=date(2026, 12, 20),
            )
        )
        # another visit's finding never appears in this memo
        store.save(
            Finding(id="f-x", branch_id=branch.id, visit_id="other", description="别次指导的问题", found_on=VISIT_DAY)
        )
    if pockets:
        store.save(
            PocketMember(
                id="p-1",
                branch_id=branch.id,
                name="周某" + t,
                member_kind=MemberKind.LOST_CONTACT,
                last_contact=date(2026, 3, 1),
                track=LegalTrack.SUSPENDED,
                notes="电话停机" + t,
                visit_id=VISIT_ID,  # the inventory was recorded in this visit
            )
        )
        store.save(
            PocketMember(
                id="p-2",
                branch_id=branch.id,
                name="吴某",
                member_kind=MemberKind.POCKET,
                letter_issued=date(2026, 9, 1),
                letter_valid_days=30,
            )
        )
        store.save(
            PocketMember(
                id="p-3",
                branch_id=branch.id,
                name="郑某",
                member_kind=MemberKind.MOBILE,
                disposition=Disposition.TRANSFERRED,
            )
        )
    if weaklax:
        store.save(
            WeakLaxDetermination(
                id="w-1",
                branch_id=branch.id,
                visit_id=visit.id,
                determined_on=VISIT_DAY,
                criteria=[CriterionTick(criterion_id="WL04", evidence="半年未开展组织生活" + t)],
                plan=Plan4(
                    goal="恢复正常组织生活" + t,
                    measures="配强班子，建立制度",
                    deadline=date(2027, 2, 28),
                    responsible=Responsibility(leader="李华", person="孙强"),
                ),
            )
        )
    return store.visit(VISIT_ID, BRANCH_ID)


def make(store, visit, tmp_path: Path, name: str = "memo.docx", **kw):
    rec = memo.write_memo(store, visit, path=tmp_path / name, today=TODAY, **kw)
    return rec, docx.Document(rec.file)


# ----------------------------------------------------------------- reading back
def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def _rpr_value(element, tag: str, attr: str):
    rpr = element.find(qn("w:rPr"))
    if rpr is None:
        return None
    el = rpr.find(qn(tag))
    return None if el is None else el.get(qn(attr))


def east_asian_font(para) -> str | None:
    """The East Asian font a paragraph's text is set in: its first run's, else its style's."""
    for run in para.runs:
        if (font := _rpr_value(run._r, "w:rFonts", "w:eastAsia")) is not None:
            return font
    for style in _style_chain(para.style):
        if (font := _rpr_value(style.element, "w:rFonts", "w:eastAsia")) is not None:
            return font
    return None


def font_size(para) -> float | None:
    for run in para.runs:
        if (sz := _rpr_value(run._r, "w:sz", "w:val")) is not None:
            return int(sz) / 2
    for style in _style_chain(para.style):
        if (sz := _rpr_value(style.element, "w:sz", "w:val")) is not None:
            return int(sz) / 2
    return None


def structure(document) -> list[str]:
    """Paragraphs (style | font | size | text) and table rows, in body order."""
    out = []
    body = document.element.body
    paras = {p._p: p for p in document.paragraphs}
    for child in body:
        if child.tag == qn("w:p"):
            p = paras[child]
            out.append(f"{p.style.name} | {east_asian_font(p)} | {font_size(p)} | {p.text}")
        elif child.tag == qn("w:tbl"):
            table = next(t for t in document.tables if t._tbl is child)
            for row in table.rows:
                out.append("ROW | " + " ‖ ".join(c.text for c in row.cells))
    return out


def rendered(inputs, today):
    """The memo as Word reads it back."""
    return docx.Document(io.BytesIO(memo.render(inputs, today)))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


# ----------------------------------------------------------------------- tests
def test_structure_snapshot(store, tmp_path, snapshot):
    visit = build_case(store)
    _, document = make(store, visit, tmp_path)
    assert structure(document) == snapshot


def test_outline_order_and_annex(store, tmp_path):
    visit = build_case(store)
    _, document = make(store, visit, tmp_path)
    paras = texts(document)
    heads = [p.text for p in document.paragraphs if p.style.name == "GB Heading 1"]
    assert heads == ["一、基本情况", "二、主要做法和成效", "三、存在的主要问题", "四、整改意见和要求"]
    assert paras[0] == "关于城关镇第一社区党支部“两学一做”\n学习教育现场指导情况的反馈意见"
    assert paras[1] == "城关镇第一社区党支部："
    order = [
        "一、基本情况",
        "二、主要做法和成效",
        "三、存在的主要问题",
        "（三）党员组织关系方面",
        "四、整改意见和要求",
        "附件：问题清单",
        "中共城关镇委员会",
        "2026年11月26日",
        "附件",
        "问题清单",
    ]
    positions = [paras.index(t) for t in order]
    assert positions == sorted(positions)
    # the annex title is on the line right after 附件
    assert paras.index("问题清单") == paras.index("附件") + 1
    # the signature never stands alone on a page: the last body line, the
    # 附件说明 and the signer are kept with the date
    last = paras.index("2026年11月26日")
    tail = document.paragraphs[paras.index("请于收到本意见后30日内将整改落实情况书面报送中共城关镇委员会。") : last]
    assert all(p.paragraph_format.keep_with_next for p in tail)
    signer, when = document.paragraphs[last - 1], document.paragraphs[last]
    assert signer.style.name == when.style.name == "GB Signature"
    assert signer.style.paragraph_format.alignment == 2  # right
    assert when.paragraph_format.right_indent == Pt(64)  # sealed: date four characters from the right
    # the signer (8 characters) centred over the date (7 characters wide)
    assert signer.paragraph_format.right_indent == Pt(16 * 3.5)
    # the annex starts a section of its own on a new page, off the body's line grid
    body, annex = document.sections
    assert annex.start_type == WD_SECTION.NEW_PAGE and annex.footer.is_linked_to_previous
    assert "docGrid" in body._sectPr.xml and "docGrid" not in annex._sectPr.xml
    (table,) = document.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == [
        "序号",
        "问题\n类别",
        "问题描述",
        "整改目标",
        "整改措施",
        "责任\n领导",
        "具体\n责任人",
        "整改时限",
    ]
    assert [r[:3] for r in rows[1:]] == [
        ["1", "思想", "部分党员自学笔记缺失"],
        ["2", "组织", "专题组织生活会未征求群众意见"],
    ]
    assert rows[2][4:] == ["会前广泛征求意见，形成问题清单", "李华", "孙强", "2026年\n12月31日"]
    joined = "\n".join(paras)
    assert "别次指导的问题" not in joined
    assert "依据" not in joined and "问题程度" not in joined  # the basis is the annex's and the ledger's
    assert "检查5项内容，其中符合1项、基本符合1项、不符合2项、不适用1项。" in joined
    assert "1.抓好问题整改。对照问题清单逐项整改，完成一项、销号一项，整改情况及时记入整改台账。" in paras
    assert "经排查，你支部有口袋党员1名、失联党员1名尚未纳入党组织有效管理。" in paras


def test_header_row_repeats_and_table_has_borders(store, tmp_path):
    visit = build_case(store)
    _, document = make(store, visit, tmp_path)
    tbl = document.tables[0]._tbl
    first = tbl.findall(qn("w:tr"))[0]
    assert first.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    borders = tbl.find(qn("w:tblPr")).find(qn("w:tblBorders"))
    assert {b.tag.split("}")[1] for b in borders} >= {"top", "bottom", "left", "right", "insideH", "insideV"}
    assert all(b.get(qn("w:val")) == "single" for b in borders)


def test_page_setup_fonts_and_page_numbers(store, tmp_path):
    visit = build_case(store)
    _, document = make(store, visit, tmp_path)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    styles = document.styles
    fonts = {
        "Normal": "仿宋_GB2312",
        "GB Title": "方正小标宋简体",
        "GB Heading 1": "黑体",
        "GB Heading 2": "楷体_GB2312",
    }
    for name, font in fonts.items():
        assert _rpr_value(styles[name].element, "w:rFonts", "w:eastAsia") == font
    assert styles["Normal"].font.size == Pt(16) and styles["GB Title"].font.size == Pt(22)
    normal = styles["Normal"].paragraph_format
    assert normal.line_spacing == Pt(LINE_PITCH)
    assert normal.first_line_indent == Pt(32)
    assert styles["Normal"].element.find(qn("w:pPr")).find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert styles["GB Title"].paragraph_format.alignment == 1  # centred
    # every run names its East Asian font, from the settings
    for p in document.paragraphs:
        for run in p.runs:
            if run.text.strip():
                assert _rpr_value(run._r, "w:rFonts", "w:eastAsia") in set(fonts.values())
    # page numbers: — PAGE —, odd right, even left, 4号 宋体, odd/even on
    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, 2), (section.even_page_footer, 0)):
        para = footer.paragraphs[0]
        assert para.alignment == align
        xml = para._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert para.text.startswith("— ") and para.text.endswith(" —")
        assert 'w:eastAsia="宋体"' in xml and 'w:sz w:val="28"' in xml
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == str(round(LINE_PITCH * 20))


def test_fonts_come_from_settings(store, tmp_path):
    save_settings(store.root, Settings(memo_fonts=MemoFonts(body="华文仿宋", heading1="方正黑体_GBK")))
    visit = build_case(store)
    _, document = make(store, visit, tmp_path)
    heads = [p for p in document.paragraphs if p.style.name == "GB Heading 1"]
    assert east_asian_font(heads[0]) == "方正黑体_GBK"
    body = next(p for p in document.paragraphs if p.text.startswith("根据"))
    assert east_asian_font(body) == "华文仿宋"


def test_member_names_only_when_enabled(store, tmp_path):
    visit = build_case(store)
    _, hidden = make(store, visit, tmp_path, "a.docx")
    joined = "\n".join(texts(hidden))
    assert "经排查，你支部有口袋党员1名、失联党员1名尚未纳入党组织有效管理。" in joined
    assert "周某" not in joined and "吴某" not in joined
    save_settings(store.root, Settings(memo_show_member_names=True))
    _, shown = make(store, store.visit(VISIT_ID, BRANCH_ID), tmp_path, "b.docx")
    joined = "\n".join(texts(shown))
    assert "周某（失联党员）" in joined and "吴某（口袋党员）" in joined
    assert "郑某" not in joined  # settled, and 流动 is information, not a problem


def test_sections_with_nothing_say_so(store, tmp_path):
    visit = build_case(store, findings=False, pockets=False, weaklax=False)
    _, document = make(store, visit, tmp_path)
    paras = texts(document)
    assert "本次指导未发现需要整改的问题。" in paras
    assert not any("经排查" in p for p in paras)  # no inventory recorded in this visit: nothing said
    assert "附件：问题清单" not in paras and not document.tables
    assert not any(p.startswith("请于") for p in paras)
    assert not any("软弱涣散" in p for p in paras)
    # no heading is empty: each is followed by a paragraph of text
    styles = [p.style.name for p in document.paragraphs]
    for i, s in enumerate(styles):
        if s.startswith("GB Heading"):
            assert styles[i + 1] in ("Normal", "GB Heading 2"), paras[i]
            if s == "GB Heading 2":
                assert styles[i + 1] == "Normal"


# Everything the store can hold (orjson refuses lone surrogates, so those are
# tested on in-memory inputs below).
HOSTILE = "\x00\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff🎉𠮷\U0002a6a5\r\n末"


def test_hostile_text_everywhere(store, tmp_path):
    long_note = "长" * 10_000
    visit = build_case(store, text=HOSTILE)
    answers = dict(visit.answers)
    answers["STU-01"] = answers["STU-01"].model_copy(update={"note": long_note + HOSTILE})
    visit = store.save(visit.model_copy(update={"answers": answers}), base=visit)
    finding = store.get(Finding, "f-1", BRANCH_ID)
    store.save(finding.model_copy(update={"measures": long_note + "🎉"}))
    rec, document = make(store, store.visit(VISIT_ID, BRANCH_ID), tmp_path)
    everything = "\n".join(texts(document)) + "\n".join(c.text for r in document.tables[0].rows for c in r.cells)
    assert "🎉𠮷\U0002a6a5" in everything and long_note in everything  # the annex's measures
    body = "\n".join(p.text for p in document.paragraphs)
    assert "长" * 501 not in body  # a note over 500 characters is not pasted: the inspector summarises it
    assert not any(c in everything for c in "\x00\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff")
    assert not any("\ud800" <= c <= "\udfff" for c in everything)
    # pasted line breaks never become manual breaks in justified body text
    assert not any("\n" in p.text for p in document.paragraphs if p.style.name == "Normal")
    assert Path(rec.file).name.startswith("memo")


def test_lone_surrogates_in_inputs(store, tmp_path):
    import dataclasses

    inputs = memo.gather(store, build_case(store))
    bad = inputs.findings[0].model_copy(update={"description": "坏\ud800字\udfff", "measures": "\ud83d\ude00"})
    inputs = dataclasses.replace(inputs, findings=[bad, *inputs.findings[1:]])
    document = rendered(inputs, TODAY)
    everything = "\n".join(texts(document)) + "".join(c.text for r in document.tables[0].rows for c in r.cells)
    assert "坏字" in everything and "😀" in everything


def test_clean_text():
    assert clean_text("a\x00b\x0bc\x0cd\x1fe\ufffef\uffffg") == "abcdefg"
    assert clean_text("a\u202eb\x85c") == "ab\nc"  # bidi overrides gone, NEL a line break
    assert clean_text("x\ud83d\ude00y") == "x😀y"  # a pair arriving as two code points is joined
    assert clean_text("x\ud800y\udc00") == "xy"
    assert clean_text("a\r\nb\rc\td") == "a\nb\nc d"  # a tab is a space
    assert clean_text(None) == ""


@pytest.mark.parametrize(
    "name",
    [
        "松湾村党支部",
        "永丰县白寺邮政支局党支部",
        "驻宁波南湖流动党员党支部第一联合党支部委员会下属第二党小组联合支部",
        "🎉" * 40,
    ],
)
def test_title_lines_fit_and_keep_words(name):
    segments = ["关于", name, "“两学一做”", "学习教育", "现场指导", "情况的", "反馈意见"]
    lines = title_lines(segments)
    assert "".join(lines) == "".join(segments)
    assert all(text_width_em(line) <= TITLE_LINE_CHARS for line in lines)
    # breaking only between segments costs at most one line over the minimum
    assert len(lines) <= math.ceil(text_width_em("".join(segments)) / TITLE_LINE_CHARS) + 1
    # short segments are never cut
    for seg in segments:
        if seg != name:
            assert any(seg in line for line in lines)


def test_chinese_date_and_numbers():
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"
    assert [memo.cn_number(n) for n in (1, 10, 11, 20, 35)] == ["一", "十", "十一", "二十", "三十五"]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "_.._etc_passwd.docx"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j.docx"),
        ("CON", "_CON.docx"),
        ("lpt1.txt", "_lpt1.txt.docx"),
        ("..", "未命名.docx"),
        ("  \x00 ", "未命名.docx"),
        ("第一支部🎉", "第一支部🎉.docx"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_safe_filename_is_length_limited():
    name = safe_filename("党" * 300)
    assert len(name.encode()) <= 200 and name.endswith(".docx") and name.startswith("党")


def test_branch_name_cannot_escape_out_dir(store, tmp_path):
    build_case(store)
    branch = store.branch(BRANCH_ID)
    store.save(branch.model_copy(update={"name": "../../逃逸/支部"}))
    out = tmp_path / "out"
    out.mkdir()
    rec = memo.write_memo(store, store.visit(VISIT_ID, BRANCH_ID), out_dir=out, today=TODAY)
    assert Path(rec.file).parent == out and "/" not in Path(rec.file).name
    assert sorted(os.listdir(out)) == [Path(rec.file).name]


def test_no_overwrite_without_force_and_no_temp_files(store, tmp_path):
    visit = build_case(store)
    target = tmp_path / "memo.docx"
    target.write_bytes(b"old")
    with pytest.raises(OutputExists):
        memo.write_memo(store, visit, path=target, today=TODAY)
    assert target.read_bytes() == b"old"
    assert store.visit(VISIT_ID, BRANCH_ID).memos == []
    memo.write_memo(store, visit, path=target, today=TODAY, force=True)
    assert target.read_bytes()[:2] == b"PK"
    assert sorted(os.listdir(tmp_path)) == sorted(["memo.docx", "data"])


def test_write_new_file_refuses_missing_folder(tmp_path):
    with pytest.raises(StoreError, match="输出目录不存在"):
        write_new_file(tmp_path / "nope" / "x.docx", b"x")


def test_memo_is_recorded_and_current_until_inputs_change(store, tmp_path):
    visit = build_case(store)
    rec, _ = make(store, visit, tmp_path)
    saved = store.visit(VISIT_ID, BRANCH_ID)
    assert saved.memos == [rec]
    assert rec.sha256 == hashlib.sha256(Path(rec.file).read_bytes()).hexdigest()
    assert memo.is_current(saved, memo.gather(store, saved).content_hash())
    assert any(c.field.startswith("memos") for c in store.history(saved))
    finding = store.get(Finding, "f-1", BRANCH_ID)
    store.save(finding.model_copy(update={"measures": "改了措施"}))
    assert not memo.is_current(saved, memo.gather(store, saved).content_hash())


def test_draft_visit_refused(store, tmp_path):
    visit = build_case(store, status=VisitStatus.DRAFT)
    with pytest.raises(StoreError, match="尚未完成"):
        memo.write_memo(store, visit, path=tmp_path / "x.docx", today=TODAY)
    assert not (tmp_path / "x.docx").exists()


def test_landscape_page_keeps_the_text_area():
    document = new_document(MemoFonts(), landscape=True)
    s = document.sections[0]
    assert s.page_width > s.page_height
    assert round(Emu(s.page_width - s.left_margin - s.right_margin).mm) == 225
    assert round(Emu(s.page_height - s.top_margin - s.bottom_margin).mm) == 156
    assert round(s.page_width.mm) == 297 and round(s.left_margin.mm) == 37


@pytest.mark.parametrize(
    ("title", "author"),
    [
        ("某党支部现场指导反馈意见", "基层党委"),
        ("a & b <c> \"d\" 'e' @@author@@", "1901-02-03 @@title@@"),
        (HOSTILE, "\ud800坏 "),
    ],
)
def test_core_properties_as_python_docx_writes_them(title, author):
    """A memo's core properties are the blank's cut at stand-ins and filled in:
    the same bytes as python-docx setting them, whatever the text."""
    import zipfile

    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import parse_xml

    from inspector.documents import officialdoc

    fonts = MemoFonts().model_dump_json()
    with zipfile.ZipFile(io.BytesIO(officialdoc._blank_document(fonts, False))) as blank:
        props = parse_xml(blank.read(officialdoc.CORE_PART))
    when = date(2016, 12, 31)
    officialdoc._fill_properties(CoreProperties(props), title=title, author=author, when=when)
    filled = officialdoc._blank_package(fonts).core_xml(title=title, author=author, when=when)
    assert filled == serialize_part_xml(props)


def test_cli_single_and_all(store, tmp_path, capsys):
    from inspector.cli import main

    build_case(store)
    out = tmp_path / "one.docx"
    assert main(["--data", str(store.root), "memo", VISIT_ID, "-o", str(out)]) == 0
    assert out.exists() and "已生成" in capsys.readouterr().out
    assert main(["--data", str(store.root), "memo", VISIT_ID, "-o", str(out)]) == 1
    assert "文件已存在" in capsys.readouterr().err
    # --all: the memo above is current, so nothing to do until the inputs change
    alldir = tmp_path / "all"
    assert main(["--data", str(store.root), "memo", "--all", "--out-dir", str(alldir)]) == 0
    captured = capsys.readouterr()
    assert "已生成 0 份，已是最新 1 份" in captured.out and "1/1" in captured.err
    finding = store.get(Finding, "f-2", BRANCH_ID)
    store.save(finding.model_copy(update={"goal": "新目标"}))
    assert main(["--data", str(store.root), "memo", "--all", "--out-dir", str(alldir)]) == 0
    assert "已生成 1 份" in capsys.readouterr().out
    (written,) = alldir.iterdir()
    assert written.name == memo.memo_filename(store.branch(BRANCH_ID), store.visit(VISIT_ID, BRANCH_ID))
    assert len(store.visit(VISIT_ID, BRANCH_ID).memos) == 2
    # a draft whose file was deleted is not current: --all writes it again
    written.unlink()
    assert main(["--data", str(store.root), "memo", "--all", "--out-dir", str(alldir)]) == 0
    assert "已生成 1 份" in capsys.readouterr().out and written.exists()


def six_branches(tmp_path):
    """A store with the case's branch and five copies under other ids; their visits' ids."""
    from inspector.store import Store

    store = Store(tmp_path / "data", "测试员")
    build_case(store)
    roots = [VISIT_ID]
    for n in range(5):  # copies of the branch under other ids
        bid = f"00000000-0000-4000-8000-00000000b10{n}"
        vid = f"00000000-0000-4000-8000-00000000a10{n}"
        branch = store.branch(BRANCH_ID).model_copy(update={"id": bid, "name": f"第{n}支部"})
        store.save(branch)
        store.save(store.visit(VISIT_ID, BRANCH_ID).model_copy(update={"id": vid, "branch_id": bid}))
        roots.append(vid)
    return store, roots


def test_write_all_uses_worker_processes(tmp_path):
    """Several branches through the process pool: every memo written and recorded once."""
    store, roots = six_branches(tmp_path)
    seen: list[tuple[int, int]] = []
    outcomes = memo_batch.write_all(
        store, tmp_path / "out", today=TODAY, workers=2, progress=lambda n, t: seen.append((n, t))
    )
    assert sorted(o.status for o in outcomes) == ["written"] * 6
    assert len(os.listdir(tmp_path / "out")) == 6
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
    for vid in roots:
        assert len(store.visit(vid).memos) == 1
    again = memo_batch.write_all(store, tmp_path / "out", today=TODAY, workers=2)
    assert {o.status for o in again} == {"current"}


def test_one_memo_failing_to_write_leaves_the_others(tmp_path, monkeypatch):
    """A helper thread syncs each memo's file while the memo before is
    recorded: a memo whose file cannot be written fails alone, in its place,
    with nothing recorded for it, and no temp file stays behind."""
    from inspector.documents.officialdoc import StagedFile

    store, roots = six_branches(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    taken = store.visit(roots[3])
    name = memo.memo_filename(store.branch(taken.branch_id), taken)

    def staged(path, payload, *, force=False):
        if path.name == name:
            raise StoreError("写不进去")
        return StagedFile(path, payload, force=force)

    done = memo.write_memo(store, store.visit(roots[1]), out_dir=out, today=TODAY)  # current: not rewritten
    monkeypatch.setattr(memo_batch, "StagedFile", staged)
    batch = memo_batch._Batch(str(store.root), store.user, str(out), False, TODAY, [])
    outcomes = batch.run(store.branch_ids())
    assert [o.visit_id for o in outcomes] == sorted(roots, key=lambda vid: store.visit(vid).branch_id)
    assert {o.visit_id: o.status for o in outcomes if o.status != "written"} == {
        roots[1]: "current",
        taken.id: "failed",
    }
    assert next(o.message for o in outcomes if o.status == "failed") == "写不进去"
    assert not store.visit(taken.id).memos and all(store.visit(v).memos for v in roots if v != taken.id)
    assert sorted(os.listdir(out)) == sorted([Path(done.file).name, *(Path(o.file).name for o in outcomes if o.file)])


@pytest.mark.parametrize(
    ("on", "basis"),
    [
        (date(2016, 4, 20), "按照中国共产党章程第九条的规定"),
        (date(2016, 9, 1), "按照中国共产党章程第九条和中共中央组织部关于集中开展党员组织关系排查的通知（2016）的规定"),
        (date(2020, 3, 1), "按照中国共产党章程第九条和中国共产党党员教育管理工作条例第二十四条的规定"),
    ],
)
def test_members_out_of_reach_are_treated_by_the_rules_in_force_on_the_visit_date(store, on, basis):
    """“A memo or checklist item must cite only what was in force on the visit date”: the 2016 排查
    notice from 2016-05, the 2019 条例 第二十四条 only after 2019-05."""
    from dataclasses import replace

    from inspector.checklist import load_templates

    inputs = memo.gather(store, build_case(store))
    for template in load_templates().templates.values():  # whatever the branch's checklist calls its items
        dated = replace(inputs, template=template, visit=inputs.visit.model_copy(update={"date": on}))
        body = "".join(memo.memo_text(rendered(dated, TODAY)))
        assert basis in body and body.count("按期办理") == 1
        assert dated.content_hash() != inputs.content_hash()


def test_a_memo_dated_after_a_time_limit_never_sets_it_as_new(store):
    """No memo asks for something by a date before its own 成文日期: a 整顿 time limit or an
    open finding's 整改时限 already past reads as past."""
    inputs = memo.gather(store, build_case(store))
    later = date(2027, 3, 10)  # after the 整顿方案's 2027-02-28 and every finding's deadline
    document = rendered(inputs, later)
    body = "".join(memo.memo_text(document))
    assert "于2027年2月28日前完成" not in body and "方案确定的2027年2月28日时限已过，要加快进度" in body
    cells = [r.cells[-1].text for t in document.tables for r in t.rows[1:]]
    open_ = [c for c in cells if c != "已整改"]
    assert open_ and all(c.endswith("\n已逾期") for c in open_)
    on_time = rendered(inputs, TODAY)
    assert "于2027年2月28日前完成" in "".join(memo.memo_text(on_time))
    assert not [r for t in on_time.tables for r in t.rows[1:] if "逾期" in r.cells[-1].text]


def test_a_memo_recorded_over_a_visit_read_earlier_keeps_what_others_saved_meanwhile(store):
    read_earlier = build_case(store)
    theirs = MemoRecord(file="/elsewhere/theirs.docx", sha256="a" * 64, content_hash="b" * 64)
    memo.record_memo(store, store.visit(read_earlier.id), theirs)  # another clerk's memo of the same visit
    edited = store.visit(read_earlier.id)
    store.save(edited.model_copy(update={"summary": "另一位同志补充的情况"}), base=edited)
    mine = MemoRecord(file="/here/mine.docx", sha256="c" * 64, content_hash="d" * 64)
    memo.record_memo(store, read_earlier, mine)
    stored = store.visit(read_earlier.id)
    assert [m.file for m in stored.memos] == [theirs.file, mine.file]
    assert stored.summary == "另一位同志补充的情况"
