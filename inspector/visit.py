"""Rules of a site visit: start, answer, finish, reopen.

The screens call these; they hold the rules so that the CLI, the demo and
tests follow the same ones. A visit keeps the exact checklist version it was
started with (a snapshot in the data folder), so editing a template later
never changes what an old visit asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from inspector.checklist import ChecklistTemplate, Item, template_snapshot, with_settings
from inspector.dates import parse_date  # noqa: F401  (screens import it from here)
from inspector.errors import StoreError, UserError
from inspector.labels import label
from inspector.models import (
    Answer,
    AnswerValue,
    Branch,
    Finding,
    FindingCategory,
    Reopening,
    Severity,
    Stage,
    Visit,
    VisitKind,
    VisitMethod,
    VisitStatus,
    utcnow,
)
from inspector.rectification import is_complete
from inspector.settings import load_settings
from inspector.store import Store
from inspector.templates import template_of


class VisitLocked(StoreError):
    def __init__(self) -> None:
        super().__init__("该现场指导已完成，处于只读状态；如需修改请先填写理由重新打开")


class AnswerNotAllowed(UserError):
    """An answer the item does not offer (a yes/no item has no 基本符合)."""

    def __init__(self, item: Item, value: AnswerValue, on: date):
        self.item = item
        self.value = value
        allowed = [label(a) for a in item.answers_on(on)]
        choices = "、".join(allowed[:-1]) + "或" + allowed[-1]
        super().__init__(f"本条只能回答{choices}，不能选「{label(value)}」")


class VisitInvalid(UserError):
    """A visit that cannot be started as asked; `field` names what to put right."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class VisitIncomplete(StoreError):
    def __init__(self, items: list[Item]):
        self.items = items
        ids = "、".join(i.id for i in items[:8]) + ("等" if len(items) > 8 else "")
        super().__init__(f"还有 {len(items)} 项未作答（{ids}），全部作答后才能完成")


class FindingsMissing(UserError):
    """Items answered 不符合 with neither a finding nor a stated reason not to record one."""

    def __init__(self, item_ids: list[str]):
        self.item_ids = item_ids
        ids = "、".join(item_ids[:8]) + ("等" if len(item_ids) > 8 else "")
        super().__init__(f"{len(item_ids)} 项答「不符合」但未登记问题（{ids}）：请登记问题，或说明不登记的理由")


def start_visit(
    store: Store,
    branch: Branch,
    template: ChecklistTemplate,
    *,
    on: date,
    inspectors: list[str],
    methods: list[VisitMethod],
    stages: list[Stage] | None = None,
) -> Visit:
    """A new visit in progress: someone must be named as inspector, and at least one method used.
    The visit keeps the checklist as the committee's settings word it (`with_settings`);
    `stages` are the key points of the branch's campaign it attends (全过程)."""
    if not inspectors:
        raise VisitInvalid("inspectors", "请填写指导人员")
    if not methods:
        raise VisitInvalid("methods", "请至少勾选一种指导方式")
    template = as_asked(store, template)
    store.keep_template(template.id, template.version, template.content_hash, template_snapshot(template))
    visit = Visit(
        branch_id=branch.id,
        date=on,
        inspectors=inspectors,
        methods=methods,
        stages=stages or [],
        template_id=template.id,
        template_version=template.version,
        template_hash=template.content_hash,
    )
    return store.save(visit)


def split_names(text: str) -> list[str]:
    """Inspectors as typed: separated by 、，, or spaces."""
    return [n for n in re.split(r"[、，,;；\s]+", text.strip()) if n]


def as_asked(store: Store, template: ChecklistTemplate) -> ChecklistTemplate:
    """The template as this committee's settings word it (party lessons a quarter), as a visit
    starting now keeps it and a paper checklist prints it."""
    lessons = load_settings(store.root).party_lessons_per_quarter
    return with_settings(template, {"party_lessons_per_quarter": lessons})


def applicable_items(template: ChecklistTemplate, branch: Branch) -> list[Item]:
    """The items asked of this branch: any of its sector tags, its 正式党员 for the member counts."""
    return template.applicable_items(
        branch.sectors, branch.has_leading_cadres, branch.full_members, branch.party_groups
    )


def answer(
    store: Store,
    visit: Visit,
    item_id: str,
    value: AnswerValue,
    *,
    note: str | None = None,
    evidence: str | None = None,
    template: ChecklistTemplate | None = None,
) -> Visit:
    """Record one answer and save it at once. Keeps an existing note unless a new one is given.

    Only the item's answers on the visit date are accepted (`Item.answers_on`). `template` is the visit's
    checklist when the caller holds it already (a screen answering at reading
    speed); otherwise it is read from the data folder.
    """
    if visit.status == VisitStatus.COMPLETED:
        raise VisitLocked()
    item = _item(template or template_of(store, visit), item_id)
    if value not in item.answers_on(visit.date):
        raise AnswerNotAllowed(item, value, visit.date)
    old = visit.answers.get(item_id)
    notes = dict(visit.notes)
    held = notes.pop(item_id, "")
    new = Answer(
        value=value,
        note=note if note is not None else (old.note if old else held),
        evidence=evidence if evidence is not None else (old.evidence if old else ""),
        who=store.user,
        at=utcnow(),
    )
    answers = dict(visit.answers)
    answers[item_id] = new
    return store.save(visit.model_copy(update={"answers": answers, "notes": notes}), base=visit)


def _item(template: ChecklistTemplate, item_id: str) -> Item:
    try:
        return template.item(item_id)
    except KeyError:
        raise UserError(f"该现场指导所用的检查清单中没有条目「{item_id}」") from None


def set_note(store: Store, visit: Visit, item_id: str, note: str) -> Visit:
    """Save a note now; on an unanswered item it waits in `visit.notes`."""
    if visit.status == VisitStatus.COMPLETED:
        raise VisitLocked()
    old = visit.answers.get(item_id)
    if old is None:
        notes = dict(visit.notes)
        if note:
            notes[item_id] = note
        else:
            notes.pop(item_id, None)
        return store.save(visit.model_copy(update={"notes": notes}), base=visit)
    answers = dict(visit.answers)
    answers[item_id] = old.model_copy(update={"note": note, "who": store.user, "at": utcnow()})
    return store.save(visit.model_copy(update={"answers": answers}), base=visit)


def unanswered(template: ChecklistTemplate, branch: Branch, visit: Visit) -> list[Item]:
    return [i for i in applicable_items(template, branch) if i.id not in visit.answers]


def not_due_count(visit: Visit) -> int:
    """Items answered 未到时间节点: answered, but neither met nor a shortfall, so counted apart."""
    return sum(1 for a in visit.answers.values() if a.value == AnswerValue.NOT_DUE)


def visit_findings(store: Store, visit: Visit) -> list[Finding]:
    return [f for f in store.findings(visit.branch_id) if f.visit_id == visit.id]


def without_finding(visit: Visit, findings: list[Finding]) -> list[str]:
    """Items answered 不符合 that have no finding and no reason for none, in answer order."""
    found = {f.item_id for f in findings}
    return [
        item_id
        for item_id, a in visit.answers.items()
        if a.value == AnswerValue.NOT_MET and item_id not in found and not a.no_finding_reason.strip()
    ]


def incomplete_findings(findings: list[Finding]) -> list[Finding]:
    """The visit's findings still 待完善 (short of their 四明确): listed when finishing."""
    return [f for f in findings if not is_complete(f)]


def set_no_finding_reason(store: Store, visit: Visit, item_id: str, reason: str) -> Visit:
    """Keep, on the answer, why a 不符合 item gets no finding."""
    if visit.status == VisitStatus.COMPLETED:
        raise VisitLocked()
    reason = reason.strip()
    if not reason:
        raise UserError("请说明不登记问题的理由")
    old = visit.answers.get(item_id)
    if old is None or old.value != AnswerValue.NOT_MET:
        raise UserError(f"条目「{item_id}」未答「不符合」，无需说明")
    answers = {**visit.answers, item_id: old.model_copy(update={"no_finding_reason": reason})}
    return store.save(visit.model_copy(update={"answers": answers}), base=visit)


def finish(store: Store, visit: Visit, template: ChecklistTemplate, branch: Branch) -> Visit:
    """Every applicable item answered, and every 不符合 with a finding or a reason for none."""
    missing = unanswered(template, branch, visit)
    if missing:
        raise VisitIncomplete(missing)
    lacking = without_finding(visit, visit_findings(store, visit))
    if lacking:
        raise FindingsMissing(lacking)
    if visit.status == VisitStatus.COMPLETED:
        return visit
    done = visit.model_copy(update={"status": VisitStatus.COMPLETED, "completed_at": utcnow()})
    return store.save(done, base=visit)


def reopen(store: Store, visit: Visit, reason: str) -> Visit:
    reason = reason.strip()
    if not reason:
        raise StoreError("重新打开需要填写理由")
    if visit.status != VisitStatus.COMPLETED:
        return visit
    opened = visit.model_copy(
        update={
            "status": VisitStatus.DRAFT,
            "completed_at": None,
            "reopenings": [*visit.reopenings, Reopening(who=store.user, reason=reason)],
        }
    )
    return store.save(opened, base=visit)


def shortfall(item: Item, note: str = "") -> str:
    """A finding's description from an item: the item's problem statement,
    then what was observed ("未按季度召开支部党员大会：今年只开过一次").
    The requirement is the finding's basis, not its text. A committee's own
    item without a problem statement falls back to naming the requirement."""
    problem = item.problem or f"未达到“{item.text}”的要求"
    return f"{problem}：{note}" if note else problem


class NotYetDue(UserError):
    """A finding asked for on an item answered 未到时间节点: a duty not yet due is no problem."""

    def __init__(self, item: Item):
        super().__init__(f"{item.id} 未到时间节点（{item.due}），不登记问题")


def finding_from_item(visit: Visit, item: Item, *, default_days: int = 30) -> Finding:
    """A finding prefilled from a 不符合 item: the inspector edits, then saves."""
    from datetime import timedelta

    given = visit.answers.get(item.id)
    if given is not None and given.value == AnswerValue.NOT_DUE:
        raise NotYetDue(item)
    note = visit.answers[item.id].note if item.id in visit.answers else ""
    description = shortfall(item, note)
    return Finding(
        branch_id=visit.branch_id,
        visit_id=visit.id,
        item_id=item.id,
        basis=item.basis,
        category=FindingCategory(item.category),
        severity=Severity(item.severity),
        description=description,
        found_on=visit.date,
        deadline=visit.date + timedelta(days=default_days),
    )


def all_visits(store: Store) -> list[Visit]:
    """Every visit of every branch."""
    return [v for bid in store.branch_ids() for v in store.visits(bid)]


@dataclass(frozen=True)
class Unfinished:
    """A visit still in progress, with how far it got (29/62 items answered);
    not the visit itself: the app keeps up to 100 of these from its start."""

    branch_id: str
    branch_name: str
    visit_id: str
    date: date
    inspectors: tuple[str, ...]
    answered: int
    total: int
    mine: bool

    @property
    def label(self) -> str:
        return (
            f"{self.branch_name}　{self.date.isoformat()}　{self.answered}/{self.total}　{'、'.join(self.inspectors)}"
        )


def unfinished(store: Store, user: str, limit: int = 100) -> list[Unfinished]:
    """Visits still in progress: the user's own first, then the newest. A visit
    whose file or checklist cannot be read is left out (`check` names it)."""
    found: list[Unfinished] = []
    # A county has hundreds of drafts on a few checklist versions; each file
    # is read on its own (`keep=False`): this sweep must not fill the app's memory.
    templates: dict[tuple[str, str, str], ChecklistTemplate] = {}
    for summary in store.branch_summaries():
        for vid in summary.draft_visits:
            try:
                visit = store.visit(vid, summary.id, keep=False)
                if visit.visit_kind == VisitKind.RETURN:
                    from inspector.followup import targets

                    keys = {t.key for t in targets(store, visit)}
                else:
                    ref = (visit.template_id, visit.template_version, visit.template_hash)
                    template = templates.get(ref)
                    if template is None:
                        template = templates[ref] = template_of(store, visit)
                    keys = {i.id for i in applicable_items(template, store.branch(summary.id, keep=False))}
            except (UserError, ValueError):
                continue
            given = visit.followups if visit.visit_kind == VisitKind.RETURN else visit.answers
            answered = sum(1 for key in given if key in keys)
            found.append(
                Unfinished(
                    summary.id,
                    summary.name,
                    visit.id,
                    visit.date,
                    tuple(visit.inspectors),
                    answered,
                    len(keys),
                    user in visit.inspectors,
                )
            )
    found.sort(key=lambda u: (not u.mine, -u.date.toordinal(), u.branch_name))
    return found[:limit]
