"""软弱涣散 determination and its rectification: 认定 → 整顿 → 验收 → 销号.

The procedure is the widely shared local practice for the 整顿 the 2016 plan
asks for (四、2; 中组发〔2014〕5号 on 软弱涣散基层党组织): a branch is
determined against the criteria list (each ticked criterion backed by
evidence), gets a 整顿方案 with the 四明确, is rectified, accepted with a
grade, and only a passing acceptance lets it be struck off the list. A failed
acceptance sends it back to rectification. Every step is one save with the
version the caller started from as `base`, so two people never overwrite
each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from inspector.checklist import WeakLaxCriterion
from inspector.dates import parse_date
from inspector.errors import StoreError
from inspector.labels import label
from inspector.models import (
    MAX_SCORE,
    WEAKLAX_ENDED,
    AcceptanceResult,
    CriterionTick,
    Plan4,
    WeakLaxDetermination,
    WeakLaxStatus,
)
from inspector.store import Store

PASSING = (AcceptanceResult.PASSED, AcceptanceResult.BASICALLY_PASSED)
_NO_RESULT = "验收须选择结果（合格、基本合格或不合格）"


class Step(StrEnum):
    """The steps of the procedure; `allowed_steps` says which may be taken now."""

    DETERMINE = "determine"
    PLAN = "plan"  # write the 整顿方案, or change the ticked criteria
    RECTIFY = "rectify"
    ACCEPT = "accept"
    CLOSE = "close"
    WITHDRAW = "withdraw"  # 撤销 the 认定, before its 验收


class WeakLaxError(StoreError):
    """A step of the procedure refused, with the reason in one Chinese line."""


def check_ticks(ticks: Sequence[CriterionTick], criteria: Sequence[WeakLaxCriterion]) -> list[CriterionTick]:
    """Ticks cleaned up, or WeakLaxError: known criteria only, once each, each with evidence."""
    known = {c.id for c in criteria}
    if not ticks:
        raise WeakLaxError("至少勾选一项认定标准")
    seen: set[str] = set()
    out = []
    for tick in ticks:
        if tick.criterion_id not in known:
            raise WeakLaxError(f"「{tick.criterion_id}」不是认定标准清单中的标准")
        if tick.criterion_id in seen:
            raise WeakLaxError(f"认定标准「{tick.criterion_id}」重复勾选")
        seen.add(tick.criterion_id)
        evidence = tick.evidence.strip()
        if not evidence:
            raise WeakLaxError(f"认定标准「{tick.criterion_id}」须填写事实依据")
        out.append(CriterionTick(criterion_id=tick.criterion_id, evidence=evidence))
    return out


def allowed_steps(det: WeakLaxDetermination | None) -> frozenset[Step]:
    """What may be done now on a branch whose latest determination is `det` (None: never determined).
    A closed one allows a new 认定 only; each step function below refuses what is not listed."""
    if det is None or det.status in WEAKLAX_ENDED:
        return frozenset({Step.DETERMINE})
    steps = set()
    if det.status in (WeakLaxStatus.IDENTIFIED, WeakLaxStatus.RECTIFYING):
        steps.add(Step.PLAN)
        steps.add(Step.WITHDRAW)
    if det.status == WeakLaxStatus.IDENTIFIED:
        steps.add(Step.RECTIFY)
    if det.status == WeakLaxStatus.RECTIFYING:
        steps.add(Step.ACCEPT)
    if det.status == WeakLaxStatus.ACCEPTED and det.acceptance_result in PASSING:
        steps.add(Step.CLOSE)
    return frozenset(steps)


def current(determinations: Sequence[WeakLaxDetermination]) -> WeakLaxDetermination | None:
    """The branch's latest determination (the one the screens work on)."""
    live = [d for d in determinations if not d.deleted]
    return max(live, key=lambda d: (d.determined_on, d.id)) if live else None


def determine(
    store: Store,
    branch_id: str,
    ticks: Sequence[CriterionTick],
    criteria: Sequence[WeakLaxCriterion],
    *,
    on: date,
    visit_id: str | None = None,
    notes: str = "",
) -> WeakLaxDetermination:
    """认定: a new determination against the criteria list."""
    active = current(store.weaklax(branch_id))
    if active is not None and Step.DETERMINE not in allowed_steps(active):
        raise WeakLaxError(f"该支部已有未销号的认定（{label(active.status)}），请在其上继续")
    record = WeakLaxDetermination(
        branch_id=branch_id,
        visit_id=visit_id,
        determined_on=on,
        criteria=check_ticks(ticks, criteria),
        notes=notes.strip(),
    )
    return store.save(record)


def _before_acceptance(det: WeakLaxDetermination, what: str) -> None:
    if Step.PLAN not in allowed_steps(det):
        raise WeakLaxError(f"当前状态为{label(det.status)}，不能再修改{what}")


def update_criteria(
    store: Store,
    det: WeakLaxDetermination,
    ticks: Sequence[CriterionTick],
    criteria: Sequence[WeakLaxCriterion],
) -> WeakLaxDetermination:
    _before_acceptance(det, "认定标准")
    return store.save(det.model_copy(update={"criteria": check_ticks(ticks, criteria)}), base=det)


def plan_problems(plan: Plan4) -> list[str]:
    """What the 整顿方案 still lacks of the 四明确 (empty when complete)."""
    missing = []
    if not plan.goal.strip():
        missing.append("目标任务")
    if not plan.measures.strip():
        missing.append("整顿措施")
    if plan.deadline is None:
        missing.append("时限要求")
    if not (plan.responsible.leader.strip() and plan.responsible.person.strip()):
        missing.append("责任主体（责任领导和具体责任人）")
    return missing


def set_plan(store: Store, det: WeakLaxDetermination, plan: Plan4) -> WeakLaxDetermination:
    """Save the 整顿方案; it may be incomplete while it is being written."""
    _before_acceptance(det, "整顿方案")
    if plan.deadline is not None and plan.deadline < det.determined_on:
        raise WeakLaxError(f"时限要求不能早于认定日期（{det.determined_on.isoformat()}）")
    return store.save(det.model_copy(update={"plan": plan}), base=det)


def start_rectification(store: Store, det: WeakLaxDetermination) -> WeakLaxDetermination:
    """整顿: only with a complete 四明确 plan."""
    if Step.RECTIFY not in allowed_steps(det):
        raise WeakLaxError(f"当前状态为{label(det.status)}，不能开始整顿")
    missing = plan_problems(det.plan)
    if missing:
        raise WeakLaxError("整顿方案缺少：" + "、".join(missing))
    return store.save(det.model_copy(update={"status": WeakLaxStatus.RECTIFYING}), base=det)


def accept(
    store: Store,
    det: WeakLaxDetermination,
    result: AcceptanceResult | None,
    on: date | None,
    *,
    score: float | None = None,
) -> WeakLaxDetermination:
    """验收 with a grade and a date; 不合格 sends the branch back to 整顿中."""
    if Step.ACCEPT not in allowed_steps(det):
        raise WeakLaxError(f"当前状态为{label(det.status)}，整顿中才能验收")
    if result is None:
        raise WeakLaxError(_NO_RESULT)
    if on is None:
        raise WeakLaxError("验收须填写日期")
    if on < det.determined_on:
        raise WeakLaxError(f"验收日期不能早于认定日期（{det.determined_on.isoformat()}）")
    status = WeakLaxStatus.ACCEPTED if result in PASSING else WeakLaxStatus.RECTIFYING
    update = {"status": status, "acceptance_result": result, "accepted_on": on, "acceptance_score": score}
    return store.save(det.model_copy(update=update), base=det)


def parse_score(text: str) -> float | None:
    """验收得分 as typed: empty, or a number from 0 to full marks."""
    text = text.strip()
    if not text:
        return None
    refusal = WeakLaxError(f"得分应为 0–{MAX_SCORE} 之间的数")
    try:
        score = float(text)
    except ValueError:
        raise refusal from None
    if not 0 <= score <= MAX_SCORE:  # NaN fails this too
        raise refusal
    return score


def acceptance_from_form(
    result: AcceptanceResult | None, on: str, score: str
) -> tuple[AcceptanceResult, date, float | None]:
    """验收 as typed on its form: a chosen grade, a real date and an optional score."""
    if result is None:
        raise WeakLaxError(_NO_RESULT)
    return result, parse_date(on), parse_score(score)


def close(store: Store, det: WeakLaxDetermination, on: date) -> WeakLaxDetermination:
    """销号: only after a 合格 or 基本合格 acceptance."""
    if Step.CLOSE not in allowed_steps(det):
        raise WeakLaxError("验收合格或基本合格后才能销号")
    assert det.accepted_on is not None
    if on < det.accepted_on:
        raise WeakLaxError(f"销号日期不能早于验收日期（{det.accepted_on.isoformat()}）")
    return store.save(det.model_copy(update={"status": WeakLaxStatus.CLOSED, "closed_on": on}), base=det)


def withdraw(store: Store, det: WeakLaxDetermination, reason: str, on: date) -> WeakLaxDetermination:
    """撤销: take back a 认定 made in error (before its 验收), with the reason; the
    record and its history stay, and the branch no longer counts as 软弱涣散."""
    if Step.WITHDRAW not in allowed_steps(det):
        raise WeakLaxError(f"当前状态为{label(det.status)}，不能撤销认定（验收后只能按程序销号）")
    reason = reason.strip()
    if not reason:
        raise WeakLaxError("撤销认定须写明理由")
    update = {"status": WeakLaxStatus.WITHDRAWN, "withdrawn_on": on, "withdrawal_reason": reason}
    return store.save(det.model_copy(update=update), base=det)
