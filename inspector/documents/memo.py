"""The inspection memo (现场指导反馈意见) a branch receives after a visit.

Written from the visit's own records in the outline of published memos:
一、基本情况 (the facts, once) → 二、主要做法和成效 (3–5 achievements the
inspector wrote on the visit, else a suggestion from the sections fully met)
→ 三、存在的主要问题 (findings grouped into at most six themes, one paragraph
each, every finding once) → 四、整改意见和要求 (3–5 general requirements; the
item-by-item detail is the annex) → 附件说明 → signature and 成文日期 →
附件：问题清单 on a new page.

Rules chosen here (no source fixes them):

* Report-back: "请于收到本意见后N日内" (`memo_report_back_days`), so it can
  never fall before the 成文日期.
* Generating makes a draft dated the day it is made; issuing (`issue_memo`)
  fixes the 成文日期, an optional 文号 and the content hash, and the issued
  file is never regenerated; issuing again needs a reason and is a new version.
* A visit with no findings gets no annex (an empty 问题清单 says nothing).
* The 组织关系 paragraph appears only when the visit recorded an inventory
  (a member registered in this visit): 口袋 and 失联 count as problems, 流动
  is information.

Each memo written is recorded on the visit (`Visit.memos`: time, file,
SHA-256 of the file, content hash of the inputs, 成文日期 and 文号 once issued).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from inspector import clock
from inspector.achievements import MAX_ACHIEVEMENTS, MAX_LINE_CHARS, MIN_ACHIEVEMENTS, contradicted, phrase
from inspector.achievements import lines as written_lines
from inspector.documents.officialdoc import (
    PLAIN,
    Body,
    Column,
    StagedFile,
    blank_xml,
    body_xml,
    chinese_date,
    clean_text,
    heading1_xml,
    heading2_xml,
    masthead_xml,
    paragraph_xml,
    safe_filename,
    table_xml,
    title_lines,
    title_xml,
    write_new_file,
)
from inspector.errors import EditConflict, StoreError
from inspector.labels import label
from inspector.models import (
    WEAKLAX_ENDED,
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
from inspector.store import BranchRecords, Store

if TYPE_CHECKING:
    from inspector.checklist import ChecklistTemplate, Item, RuleSource

# Bump when the layout or wording changes, so existing memos stop being current.
MEMO_FORMAT = 5
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
class MemoDraft(Protocol):
    """What `write_memo` and `issue_memo` write and record: this memo's inputs,
    or a 回头看's (`inspector/documents/followup_memo.py`)."""

    @property
    def settings(self) -> Settings: ...

    def content_hash(self) -> str: ...

    def payload(self, today: date, number: str) -> bytes: ...

    def filename(self, visit: Visit, *, issued: bool) -> str: ...


@dataclass(frozen=True)
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
    branch_findings: list[Finding] = field(default_factory=list)  # every visit's: achievements must not contradict them
    sources: dict[str, RuleSource] = field(default_factory=dict)  # the dated rule sources (checklists/sources.toml)

    def content_hash(self) -> str:
        return self._content_hash

    @functools.cached_property
    def _content_hash(self) -> str:
        """Once per inputs: `memo --all` asks whether the memo is current, then records it."""
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
            "relations_basis": relations_basis(self),
            "open_items": sorted(
                {f.item_id for f in self.branch_findings if f.item_id and f.status != FindingStatus.CLOSED}
            ),
            "settings": self.settings.model_dump(
                mode="json",
                include={"memo_fonts", "memo_show_member_names", "memo_report_back_days", "memo_sealed"},
            ),
        }
        return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()

    def payload(self, today: date, number: str) -> bytes:
        return render(self, today, number=number)

    def filename(self, visit: Visit, *, issued: bool) -> str:
        return memo_filename(self.branch, visit, issued=issued)

    @functools.cached_property
    def applicable(self) -> list[Item]:
        """The checklist's items that apply to the branch (three parts of the memo count them)."""
        from inspector.visit import applicable_items

        return applicable_items(self.template, self.branch)


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
    sources: dict[str, RuleSource] | None = None,
    records: BranchRecords | None = None,
) -> MemoInputs:
    """The inputs of a visit's memo, read from the store.

    `criteria` (weak/lax criterion id -> text), `template`, `sources` and the
    branch's `records` may be passed in by callers that write many memos, to
    avoid reloading them."""
    from inspector import weaklax as wl
    from inspector.checklist import load_sources
    from inspector.templates import template_of

    settings = settings or load_settings(store.root)
    records = records or store.branch_records(visit.branch_id)
    branch = records.branch
    template = template or template_of(store, visit)
    branch_findings = records.findings
    findings = [f for f in branch_findings if f.visit_id == visit.id]
    pockets = sorted(records.pockets, key=lambda p: (label(p.member_kind), p.name, p.id))
    dets = records.weaklax
    det = next((d for d in dets if d.visit_id == visit.id), None)
    if det is None:
        latest = wl.current(dets)
        if latest and latest.status not in WEAKLAX_ENDED and latest.determined_on <= visit.date:
            det = latest
    if criteria is None:
        criteria = criteria_texts(store.root)
    ticked = {t.criterion_id: criteria.get(t.criterion_id, t.criterion_id) for t in det.criteria} if det else {}
    committee = store.committee()
    signer = (committee.name if committee else "") or settings.committee_name or DEFAULT_SIGNER
    if sources is None:
        sources = load_sources([store.root / "checklists"])
    return MemoInputs(
        signer, branch, visit, template, findings, pockets, det, ticked, settings, branch_findings, sources
    )


def criteria_texts(root: Path, extra_dirs: Sequence[Path] = ()) -> dict[str, str]:
    from inspector.checklist import load_weaklax_criteria

    return {c.id: c.text for c in load_weaklax_criteria([root / "checklists", *extra_dirs])}


def is_current(visit: Visit, content_hash: str) -> bool:
    """A memo of these very inputs exists: recorded, and its file still on disk
    (a clerk who deleted the folder of drafts gets them written again)."""
    return any(m.content_hash == content_hash and Path(m.file).is_file() for m in visit.memos)


# ------------------------------------------------------------------- content
_CATEGORY_ORDER = {c: i for i, c in enumerate(FindingCategory)}
_SEVERITY_ORDER = {Severity.SERIOUS: 0, Severity.MAJOR: 1, Severity.MINOR: 2}
_AREAS = (FindingCategory.IDEOLOGY, FindingCategory.ORGANISATION, FindingCategory.CONDUCT, FindingCategory.DISCIPLINE)
#: The five member problem types of the plan form one theme: they describe members, not the branch.
MEMBERS_THEME = "members"
#: Notes longer than this are not pasted into a memo: the inspector summarises them.
LONG_NOTE_CHARS = 500
MAX_REQUIREMENTS = 5
#: The plan's section on the 组织关系排查 (and weak/lax rectification).
INVENTORY_BASIS = "四、2"

_THEME_TITLES = {
    FindingCategory.IDEOLOGY: "思想建设方面",
    FindingCategory.ORGANISATION: "组织生活和基础工作方面",
    FindingCategory.CONDUCT: "工作作风方面",
    FindingCategory.DISCIPLINE: "纪律执行方面",
    MEMBERS_THEME: "党员队伍方面",
}
# 四、: one general requirement per theme present, the item detail stays in the annex.
_REQUIREMENTS = {
    FindingCategory.IDEOLOGY: "加强思想政治建设。坚持学用结合，把学党章党规、学系列讲话与做合格党员结合起来，"
    "引导党员坚定理想信念、增强党的意识。",
    FindingCategory.ORGANISATION: "严格党的组织生活。认真落实“三会一课”等制度，规范会议记录和工作台账，"
    "按时召开专题组织生活会、开展民主评议党员。",
    FindingCategory.CONDUCT: "改进工作作风。认真开展批评和自我批评，引导党员立足岗位发挥先锋模范作用，密切联系服务群众。",
    FindingCategory.DISCIPLINE: "严明党的纪律。加强党员日常教育管理，督促党员按时足额交纳党费，严格遵守党的纪律和规矩。",
    MEMBERS_THEME: "加强党员教育管理。对存在问题的党员逐一谈心谈话，帮助查找原因、限期改正；"
    "经教育仍不改正的，按照有关规定稳妥处置。",
}
_RECTIFY = "抓好问题整改。对照问题清单逐项整改，完成一项、销号一项，整改情况及时记入整改台账。"
_CONSOLIDATE = "巩固学习教育成果。坚持问题导向，推动学习教育常态化、制度化。"


def theme_of(category: FindingCategory) -> FindingCategory | str:
    return category if category in _AREAS else MEMBERS_THEME


#: The sources (checklists/sources.toml) the treatment of 口袋 and 失联 members
#: rests on; `cited_on` picks what of them was in force, or their successors.
RELATIONS_CITES = ("constitution-9", "relations-2016")


def relations_basis(inputs: MemoInputs) -> str:
    """The rules the treatment of members out of reach rests on, as in force on
    the visit date (the same choice the visit screen shows, `cited_on`): 党章第九条
    throughout, the 2016 排查 notice from 2016-05, its 2019 successor later.
    Without the sources list the general wording stays."""
    from inspector.checklist import cited_on

    titles = ["".join(_name(s.title).split()) for s in cited_on(RELATIONS_CITES, inputs.visit.date, inputs.sources)]
    return f"{'和'.join(titles)}的规定" if titles else "党章第九条和有关规定"


def _key(text: str) -> str:
    return "".join(_sentence(text).split())


def ordered_findings(inputs: MemoInputs) -> list[Finding]:
    """The visit's findings as the memo states them, numbered alike in the
    body and the annex: by category, then checklist order, then severity;
    findings of items not yet due left out, duplicates (same item, same
    fact) given once."""
    items = {item.id: item for item in inputs.template.items()}
    position = {item_id: n for n, item_id in enumerate(items)}
    seen: set[tuple[str, str]] = set()
    out = []
    for f in sorted(
        inputs.findings,
        key=lambda f: (
            _CATEGORY_ORDER[f.category],
            position.get(f.item_id or "", len(position)),
            _SEVERITY_ORDER[f.severity],
            f.description,
            f.id,
        ),
    ):
        item = items.get(f.item_id or "")
        if item is not None and not item.is_due(inputs.visit.date):
            continue
        key = (f.item_id or "", _key(f.description))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def problem_text(finding: Finding) -> str:
    """A finding as a clause of prose: "problem：fact" reads "problem，fact"."""
    text = _sentence(finding.description).replace("：", "，", 1)
    return text + ("（已整改）" if finding.status == FindingStatus.CLOSED else "")


def long_notes(inputs: MemoInputs) -> list[str]:
    """Item ids (and "summary") whose notes are too long to paste into the memo: the inspector summarises them."""
    out = [i for i, a in inputs.visit.answers.items() if len(_sentence(a.note)) > LONG_NOTE_CHARS]
    return out + (["summary"] if len(_sentence(inputs.visit.summary)) > LONG_NOTE_CHARS else [])


def _short_note(text: str) -> str:
    text = _sentence(text)
    return text if len(text) <= LONG_NOTE_CHARS else ""


def suggest_achievements(inputs: MemoInputs) -> list[str]:
    """Up to five achievements, one per checklist section met, in the
    section's phrase (`inspector/achievements.py`): never an item's
    requirement. A section counts when every applicable item that was due
    is 符合, no open finding of the branch concerns it, no ticked weak/lax
    criterion is tied to one of its items or contradicts it
    (`achievements.contradicted`), and (for the plan's 四、2 sections) no
    口袋 or 失联 member is open. When fewer than three sections are fully
    met, sections of three or more items with one 基本符合 fill up to three
    (published memos name 3–5). A section without a phrase (a committee's
    own checklist) is named plainly."""
    visit = inputs.visit
    applicable = {i.id for i in inputs.applicable}
    flagged = {f.item_id for f in inputs.branch_findings if f.status != FindingStatus.CLOSED and f.item_id}
    flagged |= {f.item_id for f in inputs.findings if f.item_id}
    inventory = _inventory(inputs, inputs.visit.date)
    lost = bool(inventory and (inventory[0][MemberKind.POCKET] or inventory[0][MemberKind.LOST_CONTACT]))
    excluded = contradicted([*inputs.criteria, *flagged], out_of_reach=lost)
    full: list[tuple[int, str]] = []
    mostly: list[tuple[int, str]] = []
    for n, section in enumerate(inputs.template.sections):
        if section.id in excluded or (lost and section.basis == INVENTORY_BASIS):
            continue
        items = [i for i in section.items if i.id in applicable and i.is_due(visit.date)]
        answers = [a for a in (visit.answers.get(i.id) for i in items) if a is not None]
        if not items or len(answers) < len(items) or any(i.id in flagged for i in items):
            continue
        if any(i.weaklax and i.weaklax in inputs.criteria for i in items):
            continue
        met = [a for a in answers if a.value == AnswerValue.MET]
        partly = sum(1 for a in answers if a.value == AnswerValue.PARTLY_MET)
        if len(met) + partly < len(items) or partly > (1 if len(items) >= 3 else 0):
            continue
        facts = [t for t in (_short_note(a.note) for a in met) if t][:2]
        plain = f"在{_name(section.title)}方面，检查的{len(items)}项内容{'基本' if partly else '均'}符合要求"
        text = (phrase(section.id, visit.id) or plain) + (f"，{'；'.join(facts)}" if facts else "") + "。"
        (mostly if partly else full).append((n, text))
    chosen = full[:MAX_ACHIEVEMENTS] + mostly[: max(0, MIN_ACHIEVEMENTS - len(full))]
    return [text for _, text in sorted(chosen)]


def achievements(inputs: MemoInputs) -> list[str]:
    """What the inspector wrote in the visit, one per line; else the suggestion."""
    written = [_sentence(line) for line in written_lines(inputs.visit.achievements)]
    written = [line + "。" for line in written if line and len(line) <= MAX_LINE_CHARS]
    return written[:MAX_ACHIEVEMENTS] or suggest_achievements(inputs)


_Inventory = tuple[dict[MemberKind, int], list[PocketMember]]


def _inventory(inputs: MemoInputs, today: date) -> _Inventory | None:
    """Members not yet settled, counted by kind and listed; None when no
    组织关系排查 was recorded in this visit."""
    from inspector.pocket import DueLevel, due_next

    if not any(p.visit_id == inputs.visit.id for p in inputs.pockets):
        return None
    open_ = [p for p in inputs.pockets if due_next(p, today).level != DueLevel.SETTLED]
    counts = {k: sum(1 for p in open_ if p.member_kind == k) for k in MemberKind}
    return counts, open_


@dataclass
class _Writer:
    """Adds the memo's paragraphs in order with the committee's fonts."""

    inputs: MemoInputs
    today: date
    doc: Body = field(init=False)

    def __post_init__(self) -> None:
        self.fonts = self.inputs.settings.memo_fonts
        self.doc = Body(self.fonts)

    def h1(self, n: int, text: str) -> None:
        self.doc.add(heading1_xml(f"{cn_number(n)}、{text}", fonts=self.fonts))

    def h2(self, n: int, text: str) -> None:
        self.doc.add(heading2_xml(f"（{cn_number(n)}）{text}", fonts=self.fonts))

    def p(self, text: str) -> None:
        self.doc.add(body_xml(text, fonts=self.fonts))


# A branch name's words: the town (…镇, …乡, …街道) and the unit stay whole,
# and 党支部 with its number (第二党支部) is one word, never broken.
_NUMERAL = "[一二三四五六七八九十]"
_NAME_WORDS = re.compile(
    rf"(?:(?<=[镇乡])|(?<=街道))(?=..)"
    rf"|(?<!第{_NUMERAL})(?<!第{_NUMERAL}{_NUMERAL})(?=(?:第{_NUMERAL}+)?(?:党支部|党总支|党委)$)"
)


def memo_title(branch_name: str) -> list[str]:
    """关于××党支部“两学一做”学习教育现场指导情况的反馈意见, in lines."""
    words = [w for w in _NAME_WORDS.split(branch_name) if w]
    return title_lines(["关于", *words, "“两学一做”", "学习教育", "现场指导", "情况的", "反馈意见"])


def render(inputs: MemoInputs, today: date, *, number: str = "") -> bytes:
    """The memo as a .docx; `today` is its 成文日期."""
    w = _Writer(inputs, today)
    name = _name(inputs.branch.name)
    findings = ordered_findings(inputs)
    if number:
        w.doc.add(*masthead_xml(_name(inputs.signer), number, fonts=w.fonts))
    w.doc.add(title_xml(memo_title(name), fonts=w.fonts), paragraph_xml(f"{name}：", PLAIN, fonts=w.fonts))
    visit = inputs.visit
    inspectors = "、".join(_name(i) for i in visit.inspectors if _name(i))
    methods = "、".join(label(m) for m in visit.methods)
    w.p(
        f"根据{PLAN_NAME}关于基层党委对所辖党支部进行全覆盖、全过程现场指导的要求，{chinese_date(visit.date)}，"
        f"{_name(inputs.signer)}指导组"
        + (f"（{inspectors}）" if inspectors else "")
        + "到你支部"
        + (f"，采取{methods}等方式" if methods else "")
        + "，对“两学一做”学习教育开展情况进行现场指导。现将有关情况反馈如下。"
    )
    _basic_facts(w, inputs)
    w.h1(2, "主要做法和成效")
    done = achievements(inputs)
    for text in done:
        w.p(text)
    if not done:
        w.p("你支部能够按照学习教育安排推进各项工作，但检查的各方面均有需要改进之处，详见下文。")
    inventory = _inventory(inputs, today)
    _problems(w, findings, inventory)
    _requirements(w, inputs, findings, inventory)
    if findings:
        w.doc.add(blank_xml())
        w.p("附件：问题清单")
    w.doc.signature(_name(inputs.signer), today, sealed=inputs.settings.memo_sealed)
    if findings:
        _annex(w, findings)
    return w.doc.to_bytes(title=f"{name}现场指导反馈意见", author=_name(inputs.signer), when=today)


def _basic_facts(w: _Writer, inputs: MemoInputs) -> None:
    branch, visit, template = inputs.branch, inputs.visit, inputs.template
    w.h1(1, "基本情况")
    facts = [f"你支部属{label(branch.sector)}领域，现有党员{branch.members}名"]
    if branch.party_groups:
        facts.append(f"设党小组{branch.party_groups}个")
    if _name(branch.secretary):
        facts.append(f"支部书记为{_name(branch.secretary)}同志")
    items = inputs.applicable
    due = [i for i in items if i.is_due(visit.date)]
    counts = {v: 0 for v in AnswerValue}
    for item in due:
        answer = visit.answers.get(item.id)
        if answer is not None:
            counts[answer.value] += 1
    tally = "、".join(f"{label(v)}{counts[v]}项" for v in AnswerValue if counts[v])
    text = "，".join(facts) + "。"
    text += f"本次指导对照《{_name(template.title)}》检查{len(due)}项内容" + (f"，其中{tally}" if tally else "")
    not_due = len(items) - len(due)
    text += f"；另有{not_due}项未到时间节点，未作评价。" if not_due else "。"
    det = inputs.weaklax
    if det is not None:
        situations = "；".join(_sentence(c) for c in inputs.criteria.values())
        text += f"{chinese_date(det.determined_on)}，你支部被认定为软弱涣散基层党组织" + (
            f"，主要情形为{situations}。" if situations else "。"
        )
    w.p(text)
    summary = _short_note(visit.summary)
    if summary:
        w.p(summary + "。")


def _problems(w: _Writer, findings: list[Finding], inventory: _Inventory | None) -> None:
    w.h1(3, "存在的主要问题")
    show_names = w.inputs.settings.memo_show_member_names
    lost = inventory[0][MemberKind.POCKET] + inventory[0][MemberKind.LOST_CONTACT] if inventory else 0
    if not findings and not lost:
        w.p("本次指导未发现需要整改的问题。")
        return
    themes: dict[FindingCategory | str, list[Finding]] = {}
    for f in findings:
        themes.setdefault(theme_of(f.category), []).append(f)
    n = 0
    for theme, group in themes.items():
        n += 1
        w.h2(n, _THEME_TITLES[theme])
        facts = [problem_text(f) for f in group]
        if len(facts) == 1:
            w.p(facts[0] + "。")
        else:
            w.p("；".join(f"{cn_number(k)}是{fact}" for k, fact in enumerate(facts, 1)) + "。")
    if inventory and lost:
        counts, open_ = inventory
        kinds = "、".join(f"{label(k)}{counts[k]}名" for k in (MemberKind.POCKET, MemberKind.LOST_CONTACT) if counts[k])
        mobile = f"另有流动党员{counts[MemberKind.MOBILE]}名，已登记管理。" if counts[MemberKind.MOBILE] else ""
        names = ""
        if show_names:
            names = "、".join(
                f"{_name(p.name)}（{label(p.member_kind)}）" for p in open_ if p.member_kind != MemberKind.MOBILE
            )
            names = f"具体为{names}。"
        w.h2(n + 1, "党员组织关系方面")
        w.p(f"经排查，你支部有{kinds}尚未纳入党组织有效管理。{names}{mobile}")


def _requirements(w: _Writer, inputs: MemoInputs, findings: list[Finding], inventory: _Inventory | None) -> None:
    w.h1(4, "整改意见和要求")
    fixed = [_RECTIFY] if findings else []
    lost = inventory[0][MemberKind.POCKET] + inventory[0][MemberKind.LOST_CONTACT] if inventory else 0
    if lost:
        fixed.append(
            "理顺党员组织关系。对口袋党员、失联党员逐人查找联系、明确处置措施，"
            f"按照{relations_basis(inputs)}按期办理，努力使每名党员都纳入党组织有效管理。"
        )
    det = inputs.weaklax
    rectifying = det is not None and det.status in (WeakLaxStatus.IDENTIFIED, WeakLaxStatus.RECTIFYING)
    if det is not None and rectifying:
        deadline = ""
        if det.plan.deadline is not None:
            when = chinese_date(det.plan.deadline)
            # A memo never sets a time limit already past on its own date.
            deadline = (
                f"，于{when}前完成" if det.plan.deadline >= w.today else f"，方案确定的{when}时限已过，要加快进度"
            )
        fixed.append(
            f"抓好软弱涣散党组织整顿。按照整顿方案明确的目标任务、整顿措施和责任主体推进整顿{deadline}，"
            "整顿完成后申请验收。"
        )
    themed = [_REQUIREMENTS[t] for t in dict.fromkeys(theme_of(f.category) for f in findings)]
    items = fixed[:1] + themed[: MAX_REQUIREMENTS - len(fixed)] + fixed[1:]
    upcoming = _upcoming(inputs)
    if upcoming and len(items) < MAX_REQUIREMENTS:
        items.append(f"抓好后续工作。{upcoming}等工作尚未到时间节点，要提前谋划、按时完成，确保取得实效。")
    if len(items) < 3:
        items.append(_CONSOLIDATE)
    for k, text in enumerate(items, 1):
        w.p(f"{k}.{text}")
    if findings or lost or rectifying:
        days = inputs.settings.memo_report_back_days
        w.p(f"请于收到本意见后{days}日内将整改落实情况书面报送{_name(inputs.signer)}。")


def _upcoming(inputs: MemoInputs) -> str:
    """The sections of the time-bound duties not yet due at the visit (七一 lessons, year-end meetings)."""
    items = inputs.applicable
    titles = (_name(inputs.template.section_of(i.id).title) for i in items if not i.is_due(inputs.visit.date))
    return "、".join(dict.fromkeys(titles))


ANNEX_COLUMNS = (
    Column("序号", 8, "center"),
    Column("问题\n类别", 12, "center"),
    Column("问题描述", 34),
    Column("整改目标", 24),
    Column("整改措施", 30),
    # A three-character name at 10.5 pt is 11 mm, plus the cell margins.
    Column("责任\n领导", 14, "center"),
    Column("具体\n责任人", 14, "center"),
    Column("整改时限", 20, "center"),
)


def _annex(w: _Writer, findings: list[Finding]) -> None:
    w.doc.annex_mark()
    w.doc.add(title_xml(["问题清单"], fonts=w.fonts))
    rows = (
        (
            str(n),
            label(f.category),
            _sentence(f.description),
            _sentence(f.goal),
            _sentence(f.measures),
            _name(f.responsible.leader),
            _name(f.responsible.person),
            _deadline_cell(f, w.today),
        )
        for n, f in enumerate(findings, 1)
    )
    w.doc.add(*table_xml(ANNEX_COLUMNS, rows, fonts=w.fonts, size=10.5))


def _deadline_cell(finding: Finding, today: date) -> str:
    """整改时限 in the annex: 已整改 when closed; a time limit already past on the
    memo's own date says so, never reading as a new one."""
    if finding.status == FindingStatus.CLOSED:
        return "已整改"
    if finding.deadline is None:
        return ""
    cell = chinese_date(finding.deadline).replace("年", "年\n", 1)
    return f"{cell}\n已逾期" if finding.deadline < today else cell


def memo_text(doc) -> list[str]:
    """The memo's paragraphs and annex rows as plain text, in order (tests, review)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Table):
            out.extend(" | ".join(c.text for c in row.cells) for row in block.rows)
    return out


# ------------------------------------------------------------------- writing
def memo_filename(branch: Branch, visit: Visit, *, issued: bool = False, kind: str = "现场指导反馈意见") -> str:
    """<branch><kind>-<date>-<visit id prefix>.docx: readable, and
    unique per visit so that `--all` never writes two memos to one name; an
    issued memo is 印发 and numbered by version, so drafts never overwrite it."""
    version = sum(1 for m in visit.memos if m.issued_on is not None) + 1 if issued else 0
    tag = f"-印发{version}" if issued else "-草稿"
    stem = f"{branch.name}{kind}-{visit.date:%Y%m%d}-{visit.id[:8]}{tag}"
    return safe_filename(stem)


def issued(visit: Visit) -> MemoRecord | None:
    """The latest issued memo of a visit, if any."""
    return next((m for m in reversed(visit.memos) if m.issued_on is not None), None)


class MemoIssued(StoreError):
    def __init__(self, record: MemoRecord):
        self.record = record
        super().__init__(
            f"该反馈意见已于{chinese_date(record.issued_on or date.min)}印发，不再重新生成；如需修改，请填写理由重新印发"
        )


def write_memo(
    store: Store,
    visit: Visit,
    *,
    path: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    today: date | None = None,
    inputs: MemoDraft | None = None,
) -> MemoRecord:
    """Write a draft memo of a completed visit not yet issued, and record it on the visit."""
    if issued(visit) is not None:
        raise MemoIssued(issued(visit))  # type: ignore[arg-type]
    return _write(store, visit, path=path, out_dir=out_dir, force=force, today=today, inputs=inputs)


def issue_memo(
    store: Store,
    visit: Visit,
    *,
    numbered: bool = False,
    reason: str = "",
    path: Path | None = None,
    out_dir: Path | None = None,
    force: bool = False,
    today: date | None = None,
    inputs: MemoDraft | None = None,
) -> MemoRecord:
    """Issue (印发) the memo: its 成文日期 is `today`, with a 文号 when
    `numbered`; the file and its content hash are recorded as a snapshot
    that `memo --all` never touches. Issuing again is a new version and
    needs a reason."""
    reason = clean_text(reason).strip()
    if issued(visit) is not None and not reason:
        raise StoreError("该反馈意见已印发；重新印发需要填写理由")
    return _write(
        store, visit, path=path, out_dir=out_dir, force=force, today=today, inputs=inputs, issue=(numbered, reason)
    )


def next_number(store: Store, year: int, pattern: str) -> str:
    """The next 文号 of `year`, counting every numbered memo the committee issued that year."""
    from inspector.visit import all_visits

    used = sum(1 for v in all_visits(store) for m in v.memos if m.number and m.issued_on and m.issued_on.year == year)
    return pattern.format(year=year, n=used + 1)


def _write(
    store: Store,
    visit: Visit,
    *,
    path: Path | None,
    out_dir: Path | None,
    force: bool,
    today: date | None,
    inputs: MemoDraft | None,
    issue: tuple[bool, str] | None = None,
) -> MemoRecord:
    if visit.status != VisitStatus.COMPLETED:
        raise StoreError("该现场指导尚未完成，完成后才能生成反馈意见")
    today = today or clock.today()
    inputs = inputs or gather(store, visit)
    if path is None:
        path = Path(out_dir or Path.cwd()) / inputs.filename(visit, issued=issue is not None)
    path = Path(path).expanduser().absolute()
    if store.read_only:
        # A read-only data folder still gives drafts; they are just not recorded.
        # Issuing is refused: the 成文日期 and 文号 live in the data folder.
        if issue is not None:
            raise StoreError("数据目录只读，不能印发反馈意见（印发须记入数据目录），可先生成草稿")
        payload = inputs.payload(today, "")
        write_new_file(path, payload, force=force)
        return MemoRecord(
            file=str(path), sha256=hashlib.sha256(payload).hexdigest(), content_hash=inputs.content_hash()
        )
    numbered = issue is not None and issue[0]
    if numbered:  # the 文号 is taken, and the memo bearing it rendered, under the lock
        with store.lock():
            number = next_number(store, today.year, inputs.settings.memo_number_pattern)
            payload = inputs.payload(today, number)
            write_new_file(path, payload, force=force)
            return _recorded(store, visit, inputs, path, payload, today=today, number=number, issue=issue)
    # Rendering the memo and syncing its file are most of its time: a draft's
    # are done before taking the lock, so memo --all's processes do not queue.
    payload = inputs.payload(today, "")
    return record_staged(store, visit, inputs, StagedFile(path, payload, force=force), today=today, issue=issue)


def record_staged(
    store: Store,
    visit: Visit,
    inputs: MemoDraft,
    staged: StagedFile,
    *,
    today: date,
    issue: tuple[bool, str] | None = None,
) -> MemoRecord:
    """Link a draft's synced file into place whole (no lock needed), then
    record it (issued without a 文号 with `issue`) by one save, which takes
    the lock only once the record is validated."""
    try:
        staged.place()
        return _recorded(store, visit, inputs, staged.path, staged.payload, today=today, number="", issue=issue)
    finally:
        staged.discard()


def _recorded(
    store: Store,
    visit: Visit,
    inputs: MemoDraft,
    path: Path,
    payload: bytes,
    *,
    today: date,
    number: str,
    issue: tuple[bool, str] | None,
) -> MemoRecord:
    record = MemoRecord(
        file=str(path),
        sha256=hashlib.sha256(payload).hexdigest(),
        content_hash=inputs.content_hash(),
        issued_on=today if issue is not None else None,
        number=number,
        reason=issue[1] if issue is not None else "",
    )
    record_memo(store, visit, record)
    return record


def record_memo(store: Store, visit: Visit, record: MemoRecord) -> Visit:
    """Append `record` to the visit's memos. Saved over `visit` as read, which
    keeps others' edits of other fields; if someone changed its memos
    meanwhile, over the visit re-read under the lock, so that concurrent
    writers never drop each other's entries. The first try is not made
    under a lock of its own: `save` validates the record before taking it,
    so that `memo --all`'s processes do not queue for that."""
    try:
        return store.save(visit.model_copy(update={"memos": [*visit.memos, record]}), base=visit)
    except EditConflict:
        with store.lock():
            current = store.visit(visit.id, visit.branch_id)
            return store.save(current.model_copy(update={"memos": [*current.memos, record]}), base=current)
