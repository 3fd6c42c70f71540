"""The checklist of one branch on paper, for a visit day: both sides tick the
answers and how each item was checked, note what they saw and sign; the
answers are entered afterwards by the normal visit walk-through.

Only the items that apply to the branch are printed (the template's sector
and make-up rules, `inspector/checklist.py`), section by section, followed by
the branch's open findings from earlier visits to check again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from inspector import labels
from inspector.checklist import ChecklistTemplate, Item
from inspector.documents import officialdoc as od
from inspector.documents.memo import cn_number
from inspector.models import Branch, Finding, VisitMethod
from inspector.settings import MemoFonts

TABLE_SIZE = 10.5  # 五号: the item texts are long
BOX = "□"
# Widths (mm) sum to the 156 mm 版心; 基本符合 and 听取汇报 fit one line each.
ITEM_COLUMNS = (
    ("序号", 10, "center"),
    ("检查内容", 66, "left"),
    ("作答", 24, "left"),
    ("检查方式", 24, "left"),
    ("备注", 32, "left"),
)
FINDING_COLUMNS = (
    ("序号", 10, "center"),
    ("问题描述", 66, "left"),
    ("整改时限", 26, "center"),
    ("状态", 18, "center"),
    ("复查情况", 36, "left"),
)


def paper_title(branch: Branch) -> list[str]:
    return od.title_lines([branch.name, "“两学一做”", "学习教育", "现场指导", "检查表"])


def _item_cells(n: int, item: Item, when: date) -> list[str]:
    """A duty not yet due on the day the form is printed also offers 未到时间节点."""
    answers = "\n".join(BOX + labels.label(a) for a in item.answers_on(when))
    methods = "\n".join(BOX + labels.label(m) for m in VisitMethod if m in item.methods)
    return [str(n), f"{item.text}\n检查要点：{item.check}", answers, methods, ""]


def build_document(
    branch: Branch,
    template: ChecklistTemplate,
    items: Sequence[Item],
    open_findings: Sequence[Finding],
    *,
    fonts: MemoFonts,
    when: date,
    committee: str = "",
):
    doc = od.new_document(fonts)
    od.add_title(doc, paper_title(branch), fonts=fonts)
    od.add_paragraph(
        doc,
        f"检查清单：{template.title}（{template.version}）　党支部书记：{branch.secretary or '＿＿＿＿'}　党员{branch.members}名",
        od.PLAIN,
        fonts=fonts,
        size=od.SIZE_SMALL_4,
    )
    od.add_paragraph(doc, "指导日期：　　　　年　　月　　日　　指导人员：", od.PLAIN, fonts=fonts, size=od.SIZE_SMALL_4)
    wanted = {i.id for i in items}
    columns = [od.Column(t, w, a) for t, w, a in ITEM_COLUMNS]
    n = 0
    section_no = 0
    for section in template.sections:
        shown = [i for i in section.items if i.id in wanted]
        if not shown:
            continue
        section_no += 1
        od.add_heading1(doc, f"{cn_number(section_no)}、{section.title}", fonts=fonts)
        rows = []
        for item in shown:
            n += 1
            rows.append(_item_cells(n, item, when))
        od.add_table(doc, columns, rows, fonts=fonts, size=TABLE_SIZE)
    section_no += 1
    od.add_heading1(doc, f"{cn_number(section_no)}、以往发现问题复查", fonts=fonts)
    if open_findings:
        od.add_table(
            doc,
            [od.Column(t, w, a) for t, w, a in FINDING_COLUMNS],
            [
                [str(k), f.description, od.chinese_date(f.deadline) if f.deadline else "", labels.label(f.status), ""]
                for k, f in enumerate(open_findings, 1)
            ],
            fonts=fonts,
            size=TABLE_SIZE,
        )
    else:
        od.add_body(doc, "该党支部没有未销号的问题。", fonts=fonts)
    for line in ("指导人员（签字）：", "党支部书记（签字）："):
        para = od.add_paragraph(doc, f"{line}{'　' * 6}日期：　　年　月　日", od.PLAIN, fonts=fonts)
        para.paragraph_format.keep_with_next = True
    od.set_properties(doc, title="".join(paper_title(branch)), author=committee, when=when)
    return doc


def render(branch: Branch, template: ChecklistTemplate, items, open_findings, *, fonts, when, committee="") -> bytes:
    return od.to_bytes(
        build_document(branch, template, items, open_findings, fonts=fonts, when=when, committee=committee)
    )


def paper_checklist(store, summary, checklist_dirs, *, fonts: MemoFonts, when: date, committee: str = "") -> bytes:
    """The branch's paper checklist: the template a visit would start with (the committee's
    settings filled in), its applicable items, open findings."""
    from inspector.checklist import load_templates, pick_template
    from inspector.models import FindingStatus
    from inspector.visit import applicable_items, as_asked

    branch = store.branch(summary.id)
    template = as_asked(store, pick_template(load_templates(checklist_dirs).templates, branch.sectors))
    findings = sorted(
        (f for f in store.findings(branch.id) if f.status != FindingStatus.CLOSED),
        key=lambda f: (f.deadline or date.max, f.found_on),
    )
    return render(
        branch, template, applicable_items(template, branch), findings, fonts=fonts, when=when, committee=committee
    )
