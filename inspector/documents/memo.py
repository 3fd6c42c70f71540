"""The inspection memo (督导检查反馈意见) a branch receives after a visit.

Written from the visit's own records in the outline seen in practice:
一、基本情况 → 二、主要做法和成效 → 三、存在的主要问题 →
四、整改意见和要求 (each finding's 四明确, the 组织关系 check, the 软弱涣散
determination when there is one, the report-back date) → 附件说明 →
signature and date → 附件：问题清单 on a new page. A section with nothing to
say gets one honest sentence, never an empty heading.

Rules chosen here (no source fixes them):

* Report-back date: `memo_report_back_days` after the latest deadline of the
  visit's open findings; with no deadline, that many days after the memo date.
  Nothing to rectify, no pocket member due and no weak/lax rectification →
  no report-back sentence.
* The memo date (signature) is the day it is made; it is not an input of the
  content hash, so a memo stays "current" until the records change.
* A visit with no findings gets no annex (an empty 问题清单 says nothing).

Each memo written is recorded on the visit (`Visit.memos`: time, file,
SHA-256 of the file, content hash of the inputs); a memo is *current* when
its content hash equals the hash of the inputs today.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from inspector import clock
from inspector.documents.officialdoc import (
    PLAIN,
    Column,
    add_annex_mark,
    add_blank,
    add_body,
    add_heading1,
    add_heading2,
    add_paragraph,
    add_signature,
    add_table,
    add_title,
    chinese_date,
    clean_text,
    new_document,
    safe_filename,
    set_properties,
    title_lines,
    to_bytes,
    write_new_file,
)
from inspector.errors import StoreError
from inspector.labels import label
from inspector.models import (
    AnswerValue,
    Branch,
    Finding,
    FindingCategory,
    FindingStatus,
    MemberKind,
    MemoRecord,
    PocketMember,
    Record,
    Severity,
    Visit,
    VisitStatus,
    WeakLaxDetermination,
    WeakLaxStatus,
    schema1_form,
)
from inspector.settings import Settings, load_settings
from inspector.store import Store

if TYPE_CHECKING:
    from docx.document import Document

    from inspector.checklist import ChecklistTemplate

# Bump when the layout or wording changes, so existing memos stop being current.
MEMO_FORMAT = 1
PLAN_NAME = "《关于在全体党员中开展“学党章党规、学系列讲话，做合格党员”学习教育方案》"
DEFAULT_SIGNER = "基层党委"

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (headings never go past 99)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _sentence(text: str) -> str:
    """User text as a clause inside body prose: trimmed, lines joined with
    ；(a manual line break in a justified paragraph stretches the line
    before it across the page), trailing punctuation removed."""
    lines = [line.strip().rstrip("。；;，,.、") for line in clean_text(text).split("\n")]
    return "；".join(line for line in lines if line)


def _name(text: str) -> str:
    """A name (branch, person, committee) on one line, spaces collapsed."""
    return " ".join(clean_text(text).split())


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _chinese_dates(text: str) -> str:
    """ISO dates in shared texts (pocket.due_next) as 2026年11月26日."""
    return _ISO_DATE.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", text)


# --------------------------------------------------------------------- inputs
@dataclass
class MemoInputs:
    """Everything a memo is written from; its hash decides whether a memo is current."""

    signer: str
    branch: Branch
    visit: Visit
    template: ChecklistTemplate
    findings: list[Finding]
    pockets: list[PocketMember]
    weaklax: WeakLaxDetermination | None
    criteria: dict[str, str]  # ticked criterion id -> text
    settings: Settings

    def content_hash(self) -> str:
        payload = {
            "format": MEMO_FORMAT,
            "signer": self.signer,
            "branch": _dumped(self.branch),
            "visit": schema1_form("visit", self.visit.model_dump(mode="json", exclude={"memos"})),
            "template": self.template.content_hash,
            "findings": [_dumped(f) for f in self.findings],
            "pockets": [_dumped(p) for p in self.pockets],
            "weaklax": _dumped(self.weaklax) if self.weaklax else None,
            "criteria": self.criteria,
            "settings": self.settings.model_dump(
                mode="json", include={"memo_fonts", "memo_show_member_names", "memo_report_back_days"}
            ),
        }
        return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _dumped(record: Record) -> dict[str, Any]:
    # Spelt as schema 1 did, so memos made before the codes stay current.
    return schema1_form(record.kind, record.model_dump(mode="json"))


def gather(
    store: Store,
    visit: Visit,
    *,
    settings: Settings | None = None,
    criteria: dict[str, str] | None = None,
    template: ChecklistTemplate | None = None,
) -> MemoInputs:
    """The inputs of a visit's memo, read from the store.

    `criteria` (weak/lax criterion id -> text) and `template` may be passed
    in by callers that write many memos, to avoid reloading them."""
    from inspector import weaklax as wl
    from inspector.visit import template_of

    settings = settings or load_settings(store.root)
    branch = store.branch(visit.branch_id)
    template = template or template_of(store, visit)
    findings = [f for f in store.findings(visit.branch_id) if f.visit_id == visit.id]
    pockets = sorted(store.pockets(visit.branch_id), key=lambda p: (label(p.member_kind), p.name, p.id))
    dets = store.weaklax(visit.branch_id)
    det = next((d for d in dets if d.visit_id == visit.id), None)
    if det is None:
        latest = wl.current(dets)
        if latest and latest.status != WeakLaxStatus.CLOSED and latest.determined_on <= visit.date:
            det = latest
    if criteria is None:
        criteria = criteria_texts(store.root)
    ticked = {t.criterion_id: criteria.get(t.criterion_id, t.criterion_id) for t in det.criteria} if det else {}
    committee = store.committee()
    signer = (committee.name if committee else "") or settings.committee_name or DEFAULT_SIGNER
    return MemoInputs(signer, branch, visit, template, findings, pockets, det, ticked, settings)


def criteria_texts(root: Path, extra_dirs: Sequence[Path] = ()) -> dict[str, str]:
    from inspector.checklist import load_weaklax_criteria

    return {c.id: c.text for c in load_weaklax_criteria([root / "checklists", *extra_dirs])}


def is_current(visit: Visit, content_hash: str) -> bool:
    return any(m.content_hash == content_hash for m in visit.memos)


# ------------------------------------------------------------------- content
_CATEGORY_ORDER = {c: i for i, c in enumerate(FindingCategory)}
_SEVERITY_ORDER = {Severity.SERIOUS: 0, Severity.MAJOR: 1, Severity.MINOR: 2}
_AREAS = {FindingCategory.IDEOLOGY, FindingCategory.ORGANISATION, FindingCategory.CONDUCT, FindingCategory.DISCIPLINE}


def category_heading(category: FindingCategory) -> str:
    """思想方面 for the four areas; 党员…问题 for the five member problem types."""
    return f"{label(category)}方面" if category in _AREAS else f"党员{label(category)}问题"


def basis_text(basis: str) -> str:
    """三、3 → 《方案》三、3“召开党支部专题组织生活会”; other text as it is."""
    from inspector.checklist import PLAN_SECTIONS

    basis = clean_text(basis).strip()
    title = PLAN_SECTIONS.get(basis)
    return f"《方案》{basis}“{title}”" if title else basis


def ordered_findings(inputs: MemoInputs) -> list[Finding]:
    """Numbering shared by 三、, 四、 and the annex: by category, then the
    checklist's item order, then severity."""
    position = {item.id: n for n, item in enumerate(inputs.template.items())}
    return sorted(
        inputs.findings,
        key=lambda f: (
            _CATEGORY_ORDER[f.category],
            position.get(f.item_id or "", len(position)),
            _SEVERITY_ORDER[f.severity],
            f.description,
            f.id,
        ),
    )


def report_back_date(findings: Sequence[Finding], today: date, days: int) -> date:
    deadlines = [f.deadline for f in findings if f.deadline and f.status != FindingStatus.CLOSED]
    return (max(deadlines) if deadlines else today) + timedelta(days=days)


def _short(text: str, limit: int = 24) -> str:
    text = _sentence(text)
    return text if len(text) <= limit else text[:limit] + "……"


def _or_pending(text: str) -> str:
    return _sentence(text) or "待明确"


@dataclass
class _Writer:
    """Adds the memo's paragraphs in order with the committee's fonts."""

    inputs: MemoInputs
    today: date
    doc: Document = field(init=False)

    def __post_init__(self) -> None:
        self.fonts = self.inputs.settings.memo_fonts
        self.doc = new_document(self.fonts)

    def h1(self, n: int, text: str) -> None:
        add_heading1(self.doc, f"{cn_number(n)}、{text}", fonts=self.fonts)

    def h2(self, n: int, text: str) -> None:
        add_heading2(self.doc, f"（{cn_number(n)}）{text}", fonts=self.fonts)

    def p(self, text: str) -> None:
        add_body(self.doc, text, fonts=self.fonts)


def build_document(inputs: MemoInputs, today: date):
    """The memo as a python-docx Document."""
    w = _Writer(inputs, today)
    branch, visit = inputs.branch, inputs.visit
    name = _name(branch.name)
    findings = ordered_findings(inputs)

    segments = ["关于对", name, "“两学一做”", "学习教育", "现场指导", "情况的", "反馈意见"]
    add_title(w.doc, title_lines(segments), fonts=w.fonts)
    add_paragraph(w.doc, f"{name}：", PLAIN, fonts=w.fonts)
    w.p(
        f"根据{PLAN_NAME}关于基层党委对所辖党支部进行全覆盖、全过程现场指导的要求，"
        f"{chinese_date(visit.date)}，{_name(inputs.signer)}指导组到你支部开展现场指导。现将有关情况反馈如下。"
    )
    _basic_facts(w, inputs)
    _good_practice(w, inputs)
    _problems(w, findings)
    _requirements(w, inputs, findings)
    if findings:
        add_blank(w.doc)
        add_body(w.doc, "附件：问题清单", fonts=w.fonts)
    add_signature(w.doc, _name(inputs.signer), today, fonts=w.fonts)
    if findings:
        _annex(w, name, findings)
    set_properties(w.doc, title=f"{name}现场指导反馈意见", author=_name(inputs.signer), when=today)
    return w.doc


def _basic_facts(w: _Writer, inputs: MemoInputs) -> None:
    from inspector.visit import applicable_items

    branch, visit, template = inputs.branch, inputs.visit, inputs.template
    w.h1(1, "基本情况")
    inspectors = "、".join(_name(i) for i in visit.inspectors if _name(i))
    who = f"指导组（{inspectors}）" if inspectors else "指导组"
    methods = "、".join(label(m) for m in visit.methods)
    how = f"，采取{methods}等方式" if methods else ""
    w.p(
        f"{chinese_date(visit.date)}，{_name(inputs.signer)}{who}到你支部{how}，对“两学一做”学习教育开展情况进行现场指导。"
    )
    facts = [f"你支部属{label(branch.sector)}领域，现有党员{branch.members}名"]
    if branch.party_groups:
        facts.append(f"设党小组{branch.party_groups}个")
    if _name(branch.secretary):
        facts.append(f"支部书记为{_name(branch.secretary)}同志")
    w.p("，".join(facts) + "。")
    items = applicable_items(template, branch)
    counts = {v: 0 for v in AnswerValue}
    for item in items:
        answer = visit.answers.get(item.id)
        if answer is not None:
            counts[answer.value] += 1
    tally = "、".join(f"{label(v)}{counts[v]}项" for v in AnswerValue if counts[v])
    w.p(
        f"本次指导对照《{_name(template.title)}》（{_name(template.version)}版），"
        f"共检查{len(items)}项内容" + (f"，其中{tally}" if tally else "") + "。"
    )
    if _sentence(visit.summary):
        w.p(_sentence(visit.summary) + "。")


def _good_practice(w: _Writer, inputs: MemoInputs) -> None:
    from inspector.visit import applicable_items

    w.h1(2, "主要做法和成效")
    applicable = {i.id for i in applicable_items(inputs.template, inputs.branch)}
    n = 0
    for section in inputs.template.sections:
        met, partly = [], []
        for item in section.items:
            answer = inputs.visit.answers.get(item.id)
            if item.id not in applicable or answer is None:
                continue
            text = _sentence(item.text)
            if _sentence(answer.note):
                text += f"（{_sentence(answer.note)}）"
            if answer.value == AnswerValue.MET:
                met.append(text)
            elif answer.value == AnswerValue.PARTLY_MET:
                partly.append(text)
        if not met and not partly:
            continue
        n += 1
        w.h2(n, _name(section.title))
        if met:
            w.p("；".join(met) + "。")
        if partly:
            w.p("以下方面基本落实，仍需进一步完善：" + "；".join(partly) + "。")
    if n == 0:
        w.p("本次指导检查的项目中，没有完全或基本符合要求的项目。")


def _problems(w: _Writer, findings: list[Finding]) -> None:
    w.h1(3, "存在的主要问题")
    if not findings:
        w.p("本次指导未发现需要整改的问题。")
        return
    by_severity = [(s, sum(1 for f in findings if f.severity == s)) for s in Severity]
    detail = "、".join(f"{label(s)}问题{k}个" for s, k in reversed(by_severity) if k)
    w.p(f"本次指导共发现问题{len(findings)}个，其中{detail}。")
    number, group = 0, 0
    current: FindingCategory | None = None
    for f in findings:
        if f.category != current:
            current = f.category
            group += 1
            w.h2(group, category_heading(f.category))
        number += 1
        notes = []
        if f.severity != Severity.MINOR:
            notes.append(f"问题程度：{label(f.severity)}")
        if basis_text(f.basis):
            notes.append(f"依据：{basis_text(f.basis)}")
        w.p(f"{number}. {_sentence(f.description)}" + (f"（{'；'.join(notes)}）" if notes else "") + "。")


def _requirements(w: _Writer, inputs: MemoInputs, findings: list[Finding]) -> None:
    from inspector.pocket import DueLevel, due_next

    w.h1(4, "整改意见和要求")
    today = w.today
    if findings:
        w.p(
            "请你支部对照问题清单（见附件），逐项明确整改目标、整改措施、整改时限和责任主体，"
            "照单整改、对账销号，完成一项、销号一项。"
        )
    group = 1
    w.h2(group, "抓好问题整改")
    if not findings:
        w.p("本次指导未发现需要整改的问题，请你支部巩固学习教育成果，推动学习教育常态化、制度化。")
    for n, f in enumerate(findings, 1):
        deadline = f"{chinese_date(f.deadline)}前" if f.deadline else "待明确"
        w.p(
            f"{n}. 关于“{_short(f.description)}”的问题。整改目标：{_or_pending(f.goal)}；"
            f"整改措施：{_or_pending(f.measures)}；整改时限：{deadline}；"
            f"责任领导：{_or_pending(f.responsible.leader)}；具体责任人：{_or_pending(f.responsible.person)}。"
        )

    group += 1
    w.h2(group, "理顺党员组织关系")
    notices = [(p, due_next(p, today)) for p in inputs.pockets]
    open_ = [(p, d) for p, d in notices if d.level != DueLevel.SETTLED]
    settled = len(notices) - len(open_)
    if not notices:
        w.p(
            "经排查，你支部未登记口袋党员、失联党员和流动党员。请继续做好党员组织关系日常管理，确保每名党员都纳入党组织有效管理。"
        )
    else:
        per_kind = [(k, sum(1 for p, _ in open_ if p.member_kind == k)) for k in MemberKind]
        kinds = "、".join(f"{label(k)}{n}名" for k, n in per_kind if n)
        if kinds:
            text = f"经排查，你支部尚未理顺组织关系的有{kinds}" + (f"，另有{settled}名已处置" if settled else "") + "。"
        else:
            text = f"经排查，你支部登记的{settled}名口袋、失联、流动党员均已处置。"
        levels = {lv: sum(1 for _, d in open_ if d.level == lv) for lv in DueLevel}
        due = [
            f"已到处置时限的{levels[DueLevel.DUE]}名" if levels[DueLevel.DUE] else "",
            f"30天内到期的{levels[DueLevel.SOON]}名" if levels[DueLevel.SOON] else "",
            f"缺少日期、需补充核实的{levels[DueLevel.MISSING]}名" if levels[DueLevel.MISSING] else "",
        ]
        due = [d for d in due if d]
        if due:
            text += "其中，" + "，".join(due) + "。"
        if open_:
            text += (
                "请按照党章第九条和《中国共产党党员教育管理工作条例》第二十四条的规定，逐人查找联系、明确处置措施，"
                "按期办理，努力使每名党员都纳入党组织有效管理。"
            )
        w.p(text)
        if inputs.settings.memo_show_member_names:
            for n, (p, d) in enumerate(open_, 1):
                w.p(f"{n}. {_name(p.name)}（{label(p.member_kind)}）：{_sentence(_chinese_dates(d.text))}。")

    det = inputs.weaklax
    if det is not None:
        group += 1
        w.h2(group, "整顿软弱涣散基层党组织")
        _weaklax(w, det, inputs.criteria)

    pockets_due = any(d.level in (DueLevel.DUE, DueLevel.SOON) for _, d in open_)
    rectifying = det is not None and det.status in (WeakLaxStatus.IDENTIFIED, WeakLaxStatus.RECTIFYING)
    if findings or pockets_due or rectifying:
        back = report_back_date(findings, today, inputs.settings.memo_report_back_days)
        w.p(f"请于{chinese_date(back)}前将整改落实情况书面报送{_name(inputs.signer)}。")


def _weaklax(w: _Writer, det: WeakLaxDetermination, criteria: dict[str, str]) -> None:
    each = [
        _sentence(criteria.get(t.criterion_id, t.criterion_id))
        + (f"（{_sentence(t.evidence)}）" if _sentence(t.evidence) else "")
        for t in det.criteria
    ]
    situations = each[0] if len(each) == 1 else "；".join(f"{n}. {s}" for n, s in enumerate(each, 1))
    text = f"{chinese_date(det.determined_on)}，你支部被认定为软弱涣散基层党组织"
    text += f"，主要情形：{situations}。" if situations else "。"
    w.p(text)
    if det.status in (WeakLaxStatus.ACCEPTED, WeakLaxStatus.CLOSED):
        result = label(det.acceptance_result) if det.acceptance_result else "已验收"
        when = f"于{chinese_date(det.accepted_on)}" if det.accepted_on else ""
        w.p(f"你支部整顿工作已{when}通过验收（{result}），请巩固整顿成果，防止问题反弹。")
        return
    plan = det.plan
    deadline = f"{chinese_date(plan.deadline)}前" if plan.deadline else "待明确"
    who = "、".join(x for x in (_name(plan.responsible.leader), _name(plan.responsible.person)) if x) or "待明确"
    w.p(
        f"请按整顿方案抓好整顿。目标任务：{_or_pending(plan.goal)}；整顿措施：{_or_pending(plan.measures)}；"
        f"时限要求：{deadline}；责任主体：{who}。整顿完成后申请验收，验收合格后予以销号。"
    )


ANNEX_COLUMNS = (
    Column("序号", 10, "center"),
    Column("问题类别", 18, "center"),
    Column("问题描述", 42),
    Column("整改措施", 39),
    Column("责任\n领导", 14, "center"),
    Column("具体\n责任人", 14, "center"),
    Column("整改\n时限", 19, "center"),
)


def _annex(w: _Writer, name: str, findings: list[Finding]) -> None:
    add_annex_mark(w.doc, fonts=w.fonts)
    add_blank(w.doc)
    add_title(w.doc, ["问题清单"], fonts=w.fonts)
    rows = (
        (
            str(n),
            label(f.category),
            _sentence(f.description),
            _sentence(f.measures),
            _name(f.responsible.leader),
            _name(f.responsible.person),
            chinese_date(f.deadline).replace("年", "年\n", 1) if f.deadline else "",
        )
        for n, f in enumerate(findings, 1)
    )
    add_table(w.doc, ANNEX_COLUMNS, rows, fonts=w.fonts, size=10.5)


def render(inputs: MemoInputs, today: date) -> bytes:
    return to_bytes(build_document(inputs, today))


# ------------------------------------------------------------------- writing
def memo_filename(branch: Branch, visit: Visit) -> str:
    """<branch>现场指导反馈意见-<date>-<visit id prefix>.docx: readable, and
    unique per visit so that `--all` never writes two memos to one name."""
    stem = f"{branch.name}现场指导反馈意见-{visit.date:%Y%m%d}-{visit.id[:8]}"
    return safe_filename(stem)


def write_memo(
    store: Store,
    visit: Visit,
    *,
    path: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    today: date | None = None,
    inputs: MemoInputs | None = None,
) -> MemoRecord:
    """Write the memo of a completed visit and record it on the visit."""
    if visit.status != VisitStatus.COMPLETED:
        raise StoreError("该现场指导尚未完成，完成后才能生成反馈意见")
    today = today or clock.today()
    inputs = inputs or gather(store, visit)
    if path is None:
        path = Path(out_dir or Path.cwd()) / memo_filename(inputs.branch, visit)
    path = Path(path).expanduser().absolute()
    payload = render(inputs, today)
    write_new_file(path, payload, force=force)
    record = MemoRecord(file=str(path), sha256=hashlib.sha256(payload).hexdigest(), content_hash=inputs.content_hash())
    if not store.read_only:  # a read-only data folder still gives memos; they are just not recorded
        record_memo(store, visit, record)
    return record


def record_memo(store: Store, visit: Visit, record: MemoRecord) -> Visit:
    """Append `record` to the visit's memos, re-read under the lock so that
    concurrent writers never drop each other's entries."""
    with store.lock():
        current = store.visit(visit.id, visit.branch_id)
        return store.save(current.model_copy(update={"memos": [*current.memos, record]}), base=current)
