"""Status rules of a finding's rectification (照单整改、对账销号).

A finding moves one step at a time: 未启动 → 整改中 → 待验收 → 已销号. Closing
(销号) is the committee's acceptance, so it needs a verifier who is neither
the 具体责任人 nor the 责任领导, chosen from the committee's staff list
(`inspector/settings.py`) or named with the reason someone outside it
verified, the date of the check and a note of the evidence.
Going back is a reopening to 整改中 with a reason, kept on the finding.

Every move is saved through `Store.save(new, base=old)`: the history records
who, when, old and new value; if someone changed the same finding meanwhile
the move is refused with `FindingConflict`, naming what they changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from inspector import clock
from inspector.dates import parse_date
from inspector.errors import EditConflict, StoreError
from inspector.labels import FINDING_FIELDS as FIELD_LABELS
from inspector.labels import field_value, label
from inspector.labels import shown_value as _show
from inspector.models import Finding, FindingStatus, Reopening, deadline_problem, utcnow
from inspector.settings import load_settings
from inspector.store import Store, validation_message
from inspector.store import changes as ch

S = FindingStatus
FORWARD: dict[FindingStatus, FindingStatus] = {
    S.NOT_STARTED: S.IN_PROGRESS,
    S.IN_PROGRESS: S.AWAITING_CHECK,
    S.AWAITING_CHECK: S.CLOSED,
}
REOPENABLE = frozenset({S.AWAITING_CHECK, S.CLOSED})
_STEP = {s: i for i, s in enumerate(FindingStatus)}

_NO_VERIFIER = "销号须填写验收人"
_NO_EVIDENCE = "销号须注明佐证材料"
# Fields the rules read: a change to these by someone else invalidates a move.
_RULE_FIELDS = ("status", "responsible", "found_on")


class RectificationError(StoreError):
    """A move the rules refuse, with one Chinese line saying why."""


class FindingConflict(EditConflict):
    """Someone else changed this finding since it was loaded: says what, who and to what."""

    def __init__(self, record: Finding, theirs: dict[str, tuple[Any, Any]], current: Finding, who: str = ""):
        super().__init__(record, theirs, current)
        shown = "；".join(
            f"{FIELD_LABELS.get(k, k)}：{_show(field_value('finding', k, old))} → {_show(field_value('finding', k, new))}"
            for k, (old, new) in sorted(theirs.items())
        )
        self.args = (f"该问题已被{who or '他人'}修改（{shown}），请刷新后再操作",)


def same_person(a: str, b: str) -> bool:
    """Names compared without spaces (full-width ones included), as typed with an IME."""
    a, b = "".join(a.split()), "".join(b.split())
    return bool(a) and a == b


def allowed_moves(status: FindingStatus) -> list[FindingStatus]:
    """Statuses a finding in `status` may move to now (forward one step, or reopen)."""
    out = [FORWARD[status]] if status in FORWARD else []
    if status in REOPENABLE:
        out.append(S.IN_PROGRESS)
    return out


def is_reopening(status: FindingStatus, to: FindingStatus) -> bool:
    """Whether this move takes the finding back (it then needs a reason, see `reopen`)."""
    return to == S.IN_PROGRESS and status in REOPENABLE


def check_move(finding: Finding, to: FindingStatus) -> None:
    """Refuse an illegal move with a Chinese message; closing/reopening details are checked by close()/reopen()."""
    cur = finding.status
    if to == cur:
        raise RectificationError(f"该问题已是「{label(cur)}」状态")
    if FORWARD.get(cur) == to:
        return
    if is_reopening(cur, to):
        return
    if _STEP[to] > _STEP[cur]:
        raise RectificationError(
            f"状态只能逐级推进：「{label(cur)}」之后是「{label(FORWARD[cur])}」，不能直接改为「{label(to)}」"
        )
    if cur == S.NOT_STARTED or cur == S.IN_PROGRESS:
        raise RectificationError(f"「{label(cur)}」不能退回「{label(to)}」")
    raise RectificationError(f"「{label(cur)}」只能重新打开为「整改中」，不能改为「{label(to)}」")


def parse_deadline(text: str, found_on: date) -> date:
    """整改时限 as typed: required (one of the 四明确), a real date, not before the day the problem was found."""
    text = text.strip()
    if not text:
        raise RectificationError("请填写整改时限（如 2026-12-31）")
    deadline = parse_date(text)
    problem = deadline_problem(deadline, found_on)
    if problem:
        raise RectificationError(problem)
    return deadline


def edited_finding(original: Finding, *, description: str, deadline: str, **fields: Any) -> Finding:
    """The finding as its form now says (`fields` are the other Finding fields, already typed),
    or RectificationError with the first thing to put right."""
    description = description.strip()
    if not description:
        raise RectificationError("请填写问题描述")
    data = original.model_dump()
    data.update(fields, description=description, deadline=parse_deadline(deadline, original.found_on))
    try:
        return Finding.model_validate(data)
    except ValidationError as exc:
        raise RectificationError(validation_message(exc)) from exc


#: How a closed finding's form says why it cannot be changed, and how to change it.
CLOSED_NOTICE = "本问题已销号，不能修改；如需修改，请在整改台账中按 m 改回「整改中」（须填写理由）"


class FindingClosed(RectificationError):
    """An edit to a finding that is 已销号: it is reopened first, with a reason."""

    def __init__(self) -> None:
        super().__init__(CLOSED_NOTICE)


def missing_clarity(finding: Finding) -> list[str]:
    """Which of the 四明确 the finding still lacks (目标, 措施, 时限, 责任领导, 具体责任人)."""
    wanted = {
        "整改目标": finding.goal,
        "整改措施": finding.measures,
        "整改时限": finding.deadline,
        "责任领导": finding.responsible.leader,
        "具体责任人": finding.responsible.person,
    }
    return [name for name, value in wanted.items() if not (value.strip() if isinstance(value, str) else value)]


def is_complete(finding: Finding) -> bool:
    """A finding lacking any of the 四明确 is kept, but as 待完善 until it has them."""
    return not missing_clarity(finding)


def is_editable(finding: Finding) -> bool:
    return finding.status != S.CLOSED


def save_edit(store: Store, finding: Finding, *, base: Finding | None) -> Finding:
    """Save the finding's form: refused when the stored finding is closed, by anyone meanwhile."""
    with store.lock():
        if base is not None and not is_editable(store.get(Finding, base.id, base.branch_id)):
            raise FindingClosed()
        return store.save(finding, base=base)


def _save(store: Store, old: Finding, new: Finding, fields: Iterable[str]) -> Finding:
    """Save `new` over `old`, refusing if someone changed what this move depends on."""
    current = store.get(Finding, old.id, old.branch_id)
    theirs = ch.diff(ch.dump(old), ch.dump(current))
    watched = set(fields) | set(_RULE_FIELDS)
    clash = {k: v for k, v in theirs.items() if k in watched}
    if clash:
        raise FindingConflict(new, clash, current, changed_by(store, current, clash))
    try:
        return store.save(new, base=old)
    except EditConflict as exc:
        latest = exc.current
        assert isinstance(latest, Finding)  # the store reports the record of the class it saved
        raise FindingConflict(new, exc.theirs, latest, changed_by(store, latest, exc.theirs)) from exc


def changed_by(store: Store, current: Finding, fields: dict[str, Any]) -> str:
    """Who made the latest changes to these fields of the finding."""
    names = {c.who for c in store.history(current)[-20:] if c.field in fields}
    return "、".join(sorted(names))


def advance(store: Store, finding: Finding, to: FindingStatus, *, progress: str | None = None) -> Finding:
    """未启动 → 整改中 → 待验收 (closing goes through `close`)."""
    check_move(finding, to)
    if to == S.CLOSED:
        raise RectificationError("销号须填写验收人、验收日期和佐证材料")
    if is_reopening(finding.status, to):
        raise RectificationError("退回「整改中」属于重新打开，须填写理由")
    update: dict[str, Any] = {"status": to}
    if progress is not None and progress.strip():
        update["progress"] = progress.strip()
    return _save(store, finding, finding.model_copy(update=update), update)


def close(
    store: Store,
    finding: Finding,
    *,
    verifier: str,
    on: date,
    evidence: str | None = None,
    outside_reason: str = "",
) -> Finding:
    """待验收 → 已销号: verified by committee staff who is neither the 具体责任人 nor the
    责任领导 (someone outside the staff list only with the reason recorded), on a real
    past date, with evidence."""
    check_move(finding, S.CLOSED)
    verifier, outside_reason = verifier.strip(), outside_reason.strip()
    evidence = (finding.evidence if evidence is None else evidence).strip()
    if not verifier:
        raise RectificationError(_NO_VERIFIER)
    if same_person(verifier, finding.responsible.person):
        raise RectificationError(f"验收人不能是具体责任人本人（{finding.responsible.person}）")
    if same_person(verifier, finding.responsible.leader):
        raise RectificationError(f"验收人不能是责任领导本人（{finding.responsible.leader}）")
    if load_settings(store.root).is_staff(verifier):
        outside_reason = ""
    elif not outside_reason:
        raise RectificationError(f"{verifier}不在党委工作人员名单中：应从名单中选择验收人，或注明由其验收的理由")
    if on > clock.today():
        raise RectificationError(f"验收日期不能晚于今天（{on.isoformat()}）")
    if on < finding.found_on:
        raise RectificationError(f"验收日期不能早于发现日期（{finding.found_on.isoformat()}）")
    if not evidence:
        raise RectificationError(_NO_EVIDENCE)
    update = {
        "status": S.CLOSED,
        "verifier": verifier,
        "verifier_reason": outside_reason,
        "verified_on": on,
        "evidence": evidence,
    }
    return _save(store, finding, finding.model_copy(update=update), update)


def close_details(verifier: str, on: str, evidence: str, outside_reason: str = "") -> dict[str, Any]:
    """销号 as typed on its form: a verifier, a real date and the evidence, as `close` takes them
    (who the verifier may be and which dates are allowed are checked there, against the finding)."""
    verifier, evidence = verifier.strip(), evidence.strip()
    if not verifier:
        raise RectificationError(_NO_VERIFIER)
    day = parse_date(on)
    if not evidence:
        raise RectificationError(_NO_EVIDENCE)
    return {"verifier": verifier, "on": day, "evidence": evidence, "outside_reason": outside_reason.strip()}


def reopen(store: Store, finding: Finding, reason: str) -> Finding:
    """待验收 or 已销号 back to 整改中, with the reason kept on the finding."""
    reason = reason.strip()
    if finding.status not in REOPENABLE:
        raise RectificationError(f"「{label(finding.status)}」的问题无需重新打开")
    if not reason:
        raise RectificationError("重新打开须填写理由")
    update: dict[str, Any] = {
        "status": S.IN_PROGRESS,
        "reopenings": [*finding.reopenings, Reopening(who=store.user, reason=reason, at=utcnow())],
    }
    if finding.status == S.CLOSED:
        update |= {"verifier": "", "verifier_reason": "", "verified_on": None}
    return _save(store, finding, finding.model_copy(update=update), update)


def move(
    store: Store,
    finding: Finding,
    to: FindingStatus,
    *,
    verifier: str = "",
    on: date | None = None,
    evidence: str | None = None,
    outside_reason: str = "",
    reason: str = "",
    progress: str | None = None,
) -> Finding:
    """One status change by the rules above, whichever kind it is (screens, bulk)."""
    check_move(finding, to)
    if to == S.CLOSED:
        if on is None:
            raise RectificationError("销号须填写验收日期")
        return close(store, finding, verifier=verifier, on=on, evidence=evidence, outside_reason=outside_reason)
    if is_reopening(finding.status, to):
        return reopen(store, finding, reason)
    return advance(store, finding, to, progress=progress)


def note_progress(
    store: Store, finding: Finding, *, progress: str | None = None, evidence: str | None = None
) -> Finding:
    """Record 进展 and 佐证材料 while the work goes on; a closed item is reopened first."""
    if finding.status == S.CLOSED:
        raise RectificationError("已销号的问题不能修改，如需修改请先重新打开")
    update = {k: v.strip() for k, v in (("progress", progress), ("evidence", evidence)) if v is not None}
    if not update:
        return finding
    return _save(store, finding, finding.model_copy(update=update), update)


@dataclass
class MoveResult:
    finding_id: str
    ok: bool
    message: str
    finding: Finding | None = None
    conflict: bool = False  # refused because someone else changed the finding meanwhile


def bulk_move(
    store: Store,
    items: Iterable[Any],
    to: FindingStatus,
    *,
    load: Callable[[Any], Finding] | None = None,
    **details: Any,
) -> list[MoveResult]:
    """The same status change for several findings; each succeeds or fails on its own.

    `items` are Findings, or anything with an `id` that `load` turns into one
    (ledger rows: `Ledger.finding`, which may itself refuse a stale row)."""
    out = []
    for item in items:
        try:
            f = load(item) if load else item
            saved = move(store, f, to, **details)
        except StoreError as exc:
            out.append(MoveResult(item.id, False, str(exc), None, isinstance(exc, FindingConflict)))
        else:
            out.append(MoveResult(item.id, True, f"已改为「{label(to)}」", saved))
    return out


@dataclass
class HistoryEntry:
    at: datetime
    who: str
    field: str
    label: str
    old: str
    new: str

    def line(self) -> str:
        stamp = self.at.astimezone().strftime("%Y-%m-%d %H:%M")
        if self.field == ch.CREATED:
            return f"{stamp}　{self.who}　新建"
        return f"{stamp}　{self.who}　{self.label}：{self.old} → {self.new}"


def history(store: Store, finding: Finding) -> list[HistoryEntry]:
    """Who changed what and when, oldest first, in Chinese."""
    out = []
    for c in sorted(store.history(finding), key=lambda c: c.at):
        top = c.field.split(".")[0]
        new = c.new
        if top == "reopenings" and isinstance(new, list) and new:
            new = f"理由：{new[-1].get('reason', '')}"
        old, new = field_value(c.kind, c.field, c.old), field_value(c.kind, c.field, new)
        out.append(HistoryEntry(c.at, c.who, c.field, FIELD_LABELS.get(top, c.field), _show(old), _show(new)))
    return out
