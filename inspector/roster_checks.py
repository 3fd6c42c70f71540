"""What the branch's 党员花名册 says about a checklist item, as facts beside it.

The inspector still answers the item: the roster may be incomplete, and the
branch's own records decide. The facts, counted on the visit date:

- participation (plan 三、1: a 党员大会 every quarter): members without
  organisation life in the last three months, and those past six months
  (党章第九条 counts six months in a row);
- 谈心谈话 with every member (plan 三、4): members with no talk in the last year;
- appraisal grades (plan 三、4): the spread, 优秀 against the committee's cap
  (one third by local practice, `Settings.excellent_cap`), and 不合格 members,
  who are to be handled by 组织处置;
- 党费 arrears: members who last paid more than six months ago (back pay is
  generally at most six months).

Which item shows which fact is the checklist's (an item's `roster_fact` in
`checklists/*.toml`), so a committee that edits its checklist keeps them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date

from inspector import labels
from inspector.checklist import ChecklistTemplate, RosterFact, load_templates
from inspector.models import AppraisalGrade, Member, MemberStatus
from inspector.pocket import TRACK_MONTHS, add_months

#: Months within which a member counts as having attended the quarter's meeting.
QUARTER_MONTHS = 3
#: Months within which a 谈心谈话 counts for this round.
TALK_MONTHS = 12
#: Names listed in a fact before 「等」.
NAMES_SHOWN = 4


def _names(members: Sequence[Member]) -> str:
    shown = "、".join(m.name for m in members[:NAMES_SHOWN])
    return f"（{shown}{'等' if len(members) > NAMES_SHOWN else ''}）"


def _before(day: date | None, months: int, on: date) -> bool:
    """Whether `day` is unknown or more than `months` before `on`."""
    return day is None or add_months(day, months) < on


def participation(members: Sequence[Member], on: date) -> str:
    missed = [m for m in members if _before(m.last_attended, QUARTER_MONTHS, on)]
    if not missed:
        return f"{len(members)}名党员近3个月均有参加组织生活记录"
    lapsed = [m for m in missed if m.last_attended is not None and _before(m.last_attended, TRACK_MONTHS, on)]
    unknown = [m for m in missed if m.last_attended is None]
    text = f"{len(members)}名党员中{len(missed)}名近3个月未参加组织生活{_names(missed)}"
    if lapsed:
        text += f"，其中{len(lapsed)}名已连续6个月以上{_names(lapsed)}"
    if unknown:
        text += f"，{len(unknown)}名无记录"
    return text


def talks(members: Sequence[Member], on: date) -> str:
    without = [m for m in members if _before(m.last_talk, TALK_MONTHS, on)]
    if not without:
        return f"{len(members)}名党员近一年均有谈心谈话记录"
    return f"{len(members)}名党员中{len(without)}名近一年无谈心谈话记录{_names(without)}"


def appraisal(members: Sequence[Member], cap: float) -> str:
    graded = [m for m in members if m.status == MemberStatus.FULL and m.appraisal is not None]
    if not graded:
        return "花名册未记录评议等次"
    counts = {g: sum(1 for m in graded if m.appraisal == g) for g in AppraisalGrade}
    spread = "、".join(f"{labels.label(g)}{n}名" for g, n in counts.items() if n)
    excellent = counts[AppraisalGrade.EXCELLENT]
    text = f"参评{len(graded)}名：{spread}；优秀占{excellent * 100 // len(graded)}%"
    if excellent > cap * len(graded) + 1e-9:
        text += f"，超过本党委上限（{_fraction(cap)}）"
    failed = [m for m in graded if m.appraisal == AppraisalGrade.FAILED]
    if failed:
        text += f"；不合格{_names(failed)}须区别情况组织处置"
    return text


def dues(members: Sequence[Member], on: date) -> str:
    behind = [m for m in members if m.last_dues_paid is not None and _before(m.last_dues_paid, TRACK_MONTHS, on)]
    unknown = [m for m in members if m.last_dues_paid is None]
    if not behind and not unknown:
        return f"{len(members)}名党员近6个月均有交纳党费记录"
    text = f"{len(members)}名党员中{len(behind)}名超过6个月未交纳党费{_names(behind) if behind else ''}"
    if unknown:
        text += f"，{len(unknown)}名无交纳记录"
    return text


def _fraction(cap: float) -> str:
    return "三分之一" if abs(cap - 1 / 3) < 1e-9 else f"{cap:.0%}"


@functools.cache
def _shipped() -> dict[str, ChecklistTemplate]:
    return load_templates().templates


def _kind(template_id: str, item_id: str, templates: Mapping[str, ChecklistTemplate] | None = None) -> RosterFact:
    """The fact `templates` (default: the shipped checklists) tie to an item; the
    same id means different duties in different templates."""
    template = (_shipped() if templates is None else templates).get(template_id)
    if template is None:
        return ""
    try:
        return template.item(item_id).roster_fact
    except KeyError:
        return ""


def facts_for(
    template_id: str,
    item_id: str,
    members: Sequence[Member],
    on: date,
    cap: float,
    templates: Mapping[str, ChecklistTemplate] | None = None,
) -> str:
    """The roster's fact for one item ("" when the item has none or the branch has no roster);
    `templates` are the committee's checklists (default: the shipped ones)."""
    which = _kind(template_id, item_id, templates)
    live = [m for m in members if not m.deleted]
    if not which or not live:
        return ""
    if which == "participation":
        return participation(live, on)
    if which == "talks":
        return talks(live, on)
    if which == "appraisal":
        return appraisal(live, cap)
    return dues(live, on)
