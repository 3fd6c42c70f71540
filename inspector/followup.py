"""回头看: the committee checks again, on site, what a branch has done about its problems.

A return visit is a `Visit` of kind 回头看 on a branch with open findings or
an open 整顿 (a 软弱涣散 determination not yet accepted). It walks only
those, and each gets 已整改 / 部分整改 / 未整改 with the evidence seen. The
result is saved on the visit first (so nothing typed is lost), then the
ledger moves by the rules of `inspector/rectification.py` and
`inspector/weaklax.py`, never around them:

* 已整改: the finding is advanced step by step to 待验收 and then closed
  (销号) with the visit's date, the evidence and the first inspector on the
  committee's staff list as verifier; when `rectification.close` refuses
  (the verifier is the responsible person, say), it stays 待验收 and the
  refusal is reported. A determination 已认定 starts its 整顿; its 验收 stays
  with the county, so a 回头看 never accepts it.
* 部分整改: the finding is at least 整改中 (a 待验收 one is reopened with the
  visit as reason), the evidence kept as its 进展.
* 未整改: as 部分整改, but a 未启动 finding stays 未启动.

A 回头看 keeps the checklist of the guidance visit it follows up, so every
reader of visits still finds a checklist; it has no answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from inspector import clock
from inspector import rectification as rect
from inspector import weaklax as wl
from inspector.errors import UserError
from inspector.labels import label
from inspector.models import (
    Branch,
    Finding,
    FindingStatus,
    FollowUp,
    FollowUpResult,
    Responsibility,
    Visit,
    VisitKind,
    VisitMethod,
    VisitStatus,
    WeakLaxDetermination,
    WeakLaxStatus,
    utcnow,
)
from inspector.settings import load_settings
from inspector.store import Store

FINDING = "finding"
WEAKLAX = "weaklax"
#: Determinations whose 整顿 a 回头看 looks at: before the county's 验收.
_OPEN_WEAKLAX = frozenset({WeakLaxStatus.IDENTIFIED, WeakLaxStatus.RECTIFYING})
_METHODS = [VisitMethod.REVIEW_RECORDS, VisitMethod.HEAR_REPORT]


class FollowUpError(UserError):
    """A 回头看 step refused, with one Chinese line saying why."""


def target_key(kind: str, record_id: str) -> str:
    """The key of one finding or determination in `Visit.followups`."""
    return f"{kind}:{record_id}"


@dataclass(frozen=True)
class Target:
    """One thing a 回头看 looks at: a finding, or a determination's 整顿."""

    key: str
    finding: Finding | None = None
    weaklax: WeakLaxDetermination | None = None

    @property
    def title(self) -> str:
        if self.finding is not None:
            return self.finding.description
        assert self.weaklax is not None
        goal = self.weaklax.plan.goal.strip()
        return "软弱涣散整顿" + (f"：{goal}" if goal else "")

    @property
    def status_label(self) -> str:
        record = self.finding or self.weaklax
        assert record is not None
        return label(record.status)

    @property
    def responsible(self) -> Responsibility:
        if self.finding is not None:
            return self.finding.responsible
        assert self.weaklax is not None
        return self.weaklax.plan.responsible

    @property
    def deadline(self) -> date | None:
        if self.finding is not None:
            return self.finding.deadline
        assert self.weaklax is not None
        return self.weaklax.plan.deadline


def is_return(visit: Visit) -> bool:
    return visit.visit_kind == VisitKind.RETURN


def _open_findings(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if not f.deleted and f.status != FindingStatus.CLOSED]


def _open_weaklax(store: Store, bid: str) -> WeakLaxDetermination | None:
    det = wl.current(store.weaklax(bid))
    return det if det is not None and det.status in _OPEN_WEAKLAX else None


def open_targets(store: Store, bid: str) -> list[Target]:
    """What a 回头看 of the branch would look at now: open findings (oldest
    first), then the open 整顿."""
    out = [
        Target(target_key(FINDING, f.id), finding=f)
        for f in sorted(_open_findings(store.findings(bid)), key=lambda f: (f.found_on, f.id))
    ]
    det = _open_weaklax(store, bid)
    if det is not None:
        out.append(Target(target_key(WEAKLAX, det.id), weaklax=det))
    return out


def targets(store: Store, visit: Visit) -> list[Target]:
    """What this 回头看 looks at: everything it has a result for, plus what is open now."""
    findings = [f for f in store.findings(visit.branch_id) if not f.deleted]
    dets = [d for d in store.weaklax(visit.branch_id) if not d.deleted]
    out = [
        Target(target_key(FINDING, f.id), finding=f)
        for f in sorted(findings, key=lambda f: (f.found_on, f.id))
        if f.status != FindingStatus.CLOSED or target_key(FINDING, f.id) in visit.followups
    ]
    open_det = _open_weaklax(store, visit.branch_id)
    open_id = open_det.id if open_det is not None else None
    out += [
        Target(target_key(WEAKLAX, d.id), weaklax=d)
        for d in sorted(dets, key=lambda d: (d.determined_on, d.id))
        if d.id == open_id or target_key(WEAKLAX, d.id) in visit.followups
    ]
    return out


def source_visit(store: Store, bid: str) -> Visit | None:
    """The branch's latest completed 现场指导: the visit a 回头看 follows up.
    Visits are read newest first from the branch's index, so usually one is read."""
    done = [e for e in store.visit_index(bid) if not e.deleted and e.status == VisitStatus.COMPLETED]
    for entry in sorted(done, key=lambda e: (e.date, e.id), reverse=True):
        visit = store.visit(entry.id, bid)
        if visit.visit_kind == VisitKind.GUIDANCE:
            return visit
    return None


def schedule(store: Store, branch: Branch, *, on: date, inspectors: list[str]) -> Visit:
    """安排回头看: on a branch with something open, after a completed 现场指导, one at a time."""
    inspectors = [i.strip() for i in inspectors if i.strip()]
    if not inspectors:
        raise FollowUpError("请填写回头看人员")
    with store.lock():
        if not open_targets(store, branch.id):
            raise FollowUpError("该党支部没有未销号的问题或整顿事项，无需回头看")
        source = source_visit(store, branch.id)
        if source is None:
            raise FollowUpError("该党支部还没有已完成的现场指导，无从回头看")
        if on < source.date:
            raise FollowUpError(f"回头看日期不能早于所跟进的现场指导（{source.date.isoformat()}）")
        pending = [
            v for v in store.visits(branch.id) if is_return(v) and not v.deleted and v.status == VisitStatus.DRAFT
        ]
        if pending:
            raise FollowUpError(f"该党支部已安排{pending[0].date.isoformat()}的回头看，请先完成它")
        visit = Visit(
            branch_id=branch.id,
            date=on,
            inspectors=inspectors,
            methods=list(_METHODS),
            template_id=source.template_id,
            template_version=source.template_version,
            template_hash=source.template_hash,
            visit_kind=VisitKind.RETURN,
        )
        return store.save(visit)


def _verifier(store: Store, visit: Visit) -> str:
    """Who verifies a 销号 on this visit: its first inspector on the staff list, else the first named."""
    settings = load_settings(store.root)
    return next((i for i in visit.inspectors if settings.is_staff(i)), visit.inspectors[0] if visit.inspectors else "")


def _move_finding(store: Store, visit: Visit, finding: Finding, result: FollowUpResult, evidence: str) -> str:
    S = FindingStatus
    note = f"{visit.date.isoformat()}回头看：{label(result)}。{evidence}"
    if result == FollowUpResult.DONE:
        while finding.status in rect.FORWARD and rect.FORWARD[finding.status] != S.CLOSED:
            finding = rect.advance(store, finding, rect.FORWARD[finding.status], progress=note)
        if finding.status == S.CLOSED:
            return "该问题已销号"
        try:
            rect.close(store, finding, verifier=_verifier(store, visit), on=visit.date, evidence=evidence)
        except rect.RectificationError as exc:
            return f"已改为「待验收」，未能销号：{exc}"
        return "已验收销号"
    if finding.status in rect.REOPENABLE:
        finding = rect.reopen(store, finding, note)
        return "已重新打开为「整改中」"
    if result == FollowUpResult.PARTLY and finding.status == S.NOT_STARTED:
        rect.advance(store, finding, S.IN_PROGRESS, progress=note)
        return "已改为「整改中」"
    rect.note_progress(store, finding, progress=note)
    return f"仍为「{label(finding.status)}」，已记入进展"


def _move_weaklax(store: Store, det: WeakLaxDetermination, result: FollowUpResult) -> str:
    if result != FollowUpResult.NOT_DONE and det.status == WeakLaxStatus.IDENTIFIED:
        try:
            wl.start_rectification(store, det)
        except wl.WeakLaxError as exc:
            return f"仍为「已认定」：{exc}"
        return "已改为「整顿中」"
    if result == FollowUpResult.DONE:
        return "整顿见效，可报县委组织部验收"
    return f"仍为「{label(det.status)}」"


@dataclass(frozen=True)
class Recorded:
    visit: Visit
    message: str


def record(store: Store, visit: Visit, key: str, result: FollowUpResult, evidence: str) -> Recorded:
    """Keep one result on the visit, then move the ledger by the rules; the
    message says what moved (or why the rules kept it where it was)."""
    evidence = evidence.strip()
    if not is_return(visit):
        raise FollowUpError("这不是回头看")
    if visit.status == VisitStatus.COMPLETED:
        raise FollowUpError("该回头看已完成，如需修改请先重新打开")
    if visit.date > clock.today():
        raise FollowUpError(f"回头看安排在{visit.date.isoformat()}，到期后才能记录结果")
    if not evidence:
        raise FollowUpError("请填写佐证（查阅了什么、听到了什么、看到了什么）")
    target = next((t for t in targets(store, visit) if t.key == key), None)
    if target is None:
        raise FollowUpError("该事项已不在本次回头看的范围内（可能已被他人销号或删除）")
    with store.lock():
        current = store.visit(visit.id, visit.branch_id)
        followups = {**current.followups, key: FollowUp(value=result, evidence=evidence, who=store.user, at=utcnow())}
        saved = store.save(current.model_copy(update={"followups": followups}), base=current)
        if target.finding is not None:
            message = _move_finding(
                store, saved, store.get(Finding, target.finding.id, visit.branch_id), result, evidence
            )
        else:
            assert target.weaklax is not None
            det = store.get(WeakLaxDetermination, target.weaklax.id, visit.branch_id)
            message = _move_weaklax(store, det, result)
    return Recorded(saved, f"{label(result)}：{message}")


def unchecked(store: Store, visit: Visit) -> list[Target]:
    return [t for t in targets(store, visit) if t.key not in visit.followups]


def finish(store: Store, visit: Visit) -> Visit:
    """完成回头看: every open finding and 整顿 looked at."""
    left = unchecked(store, visit)
    if left:
        raise FollowUpError(f"还有{len(left)}项未查看（第一项：{left[0].title[:20]}）")
    if visit.status == VisitStatus.COMPLETED:
        return visit
    return store.save(visit.model_copy(update={"status": VisitStatus.COMPLETED, "completed_at": utcnow()}), base=visit)


@dataclass(frozen=True)
class Tally:
    done: int
    partly: int
    not_done: int
    closed: int  # findings this visit saw 销号

    @property
    def total(self) -> int:
        return self.done + self.partly + self.not_done


def tally(store: Store, visit: Visit) -> Tally:
    """How many of each result, and how many findings now stand 已销号 after a 已整改."""
    values = [f.value for f in visit.followups.values()]
    done = {k for k, f in visit.followups.items() if f.value == FollowUpResult.DONE}
    closed = sum(
        1
        for t in targets(store, visit)
        if t.key in done and t.finding is not None and t.finding.status == FindingStatus.CLOSED
    )
    return Tally(
        values.count(FollowUpResult.DONE),
        values.count(FollowUpResult.PARTLY),
        values.count(FollowUpResult.NOT_DONE),
        closed,
    )
