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
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from inspector.checklist import ChecklistTemplate, WeakLaxCriterion
from inspector.dates import parse_date
from inspector.errors import StoreError
from inspector.labels import label
from inspector.models import (
    MAX_SCORE,
    WEAKLAX_ENDED,
    AcceptanceResult,
    AnswerValue,
    CriterionTick,
    Plan4,
    Sector,
    Visit,
    WeakLaxDetermination,
    WeakLaxStatus,
)
from inspector.settings import WeakLaxRules, load_settings
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


def check_ticks(
    ticks: Sequence[CriterionTick], criteria: Sequence[WeakLaxCriterion], sectors: Sequence[Sector] = ()
) -> list[CriterionTick]:
    """Ticks cleaned up, or WeakLaxError: known criteria only, once each, each with
    evidence, and only criteria that apply to one of the branch's `sectors`
    (换届拉票 or 村务公开 are no test for a school)."""
    known = {c.id: c for c in criteria}
    if not ticks:
        raise WeakLaxError("至少勾选一项认定标准")
    seen: set[str] = set()
    out = []
    for tick in ticks:
        criterion = known.get(tick.criterion_id)
        if criterion is None:
            raise WeakLaxError(f"「{tick.criterion_id}」不是认定标准清单中的标准")
        if sectors and not criterion.applies_to(sectors):
            raise WeakLaxError(f"认定标准「{tick.criterion_id}」只适用于{_sector_names(criterion.sectors)}的党组织")
        if tick.criterion_id in seen:
            raise WeakLaxError(f"认定标准「{tick.criterion_id}」重复勾选")
        seen.add(tick.criterion_id)
        evidence = tick.evidence.strip()
        if not evidence:
            raise WeakLaxError(f"认定标准「{tick.criterion_id}」须填写事实依据")
        out.append(CriterionTick(criterion_id=tick.criterion_id, evidence=evidence))
    return out


def _sector_names(sectors: Sequence[Sector]) -> str:
    return "、".join(label(s) for s in sectors)


def allowed_steps(det: WeakLaxDetermination | None, *, basic_may_close: bool = False) -> frozenset[Step]:
    """What may be done now on a branch whose latest determination is `det` (None: never determined).
    A closed one allows a new 认定 only; each step function below refuses what is not listed.
    Whether 基本合格 allows 销号 is the committee's setting (`WeakLaxRules.basic_may_close`)."""
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
    if det.status == WeakLaxStatus.ACCEPTED and det.acceptance_result in closing_results(basic_may_close):
        steps.add(Step.CLOSE)
    return frozenset(steps)


def current(determinations: Sequence[WeakLaxDetermination]) -> WeakLaxDetermination | None:
    """The branch's latest determination (the one the screens work on)."""
    live = [d for d in determinations if not d.deleted]
    return max(live, key=lambda d: (d.determined_on, d.id)) if live else None


def closing_results(basic_may_close: bool) -> tuple[AcceptanceResult, ...]:
    """The 验收 results that allow 销号: 合格, and 基本合格 where the committee allows it."""
    return PASSING if basic_may_close else (AcceptanceResult.PASSED,)


def determine(
    store: Store,
    branch_id: str,
    ticks: Sequence[CriterionTick],
    criteria: Sequence[WeakLaxCriterion],
    *,
    on: date,
    visit_id: str | None = None,
    notes: str = "",
    proposed_on: date | None = None,
    proposed_by: str = "",
    decided_by: str = "",
) -> WeakLaxDetermination:
    """认定: the 基层党委 proposes (排查 against the criteria list), the 县委组织部
    decides on `on`; both are recorded, by default as the committee's settings name them."""
    active = current(store.weaklax(branch_id))
    if active is not None and Step.DETERMINE not in allowed_steps(active):
        raise WeakLaxError(f"该支部已有未销号的认定（{label(active.status)}），请在其上继续")
    if proposed_on is not None and proposed_on > on:
        raise WeakLaxError(f"提出日期不能晚于认定日期（{on.isoformat()}）")
    settings = load_settings(store.root)
    record = WeakLaxDetermination(
        branch_id=branch_id,
        visit_id=visit_id,
        proposed_by=proposed_by.strip() or settings.committee_name or "基层党委",
        proposed_on=proposed_on,
        decided_by=decided_by.strip() or settings.weaklax.decider,
        determined_on=on,
        criteria=check_ticks(ticks, criteria, store.branch(branch_id).sectors),
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
    ticked = check_ticks(ticks, criteria, store.branch(det.branch_id).sectors)
    return store.save(det.model_copy(update={"criteria": ticked}), base=det)


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


def acceptance_problem(
    result: AcceptanceResult, score: float | None, satisfaction: float | None, rules: WeakLaxRules
) -> str:
    """Why a 验收 result contradicts its score or 满意率 ("" when it does not): a
    passing grade needs the pass mark and no more than half 不满意; 不合格 with
    both met needs no 验收 at all."""
    low_score = score is not None and score < rules.pass_score
    unhappy = satisfaction is not None and satisfaction < rules.min_satisfaction
    if result in PASSING and low_score:
        return f"得分{score:g}分低于合格线{rules.pass_score:g}分，结果不能为{label(result)}"
    if result in PASSING and unhappy:
        return f"满意率{satisfaction:g}%低于{rules.min_satisfaction:g}%，结果不能为{label(result)}"
    if result == AcceptanceResult.FAILED and score is not None and not low_score and not unhappy:
        return f"得分{score:g}分达到合格线{rules.pass_score:g}分，结果不能为不合格"
    return ""


def accept(
    store: Store,
    det: WeakLaxDetermination,
    result: AcceptanceResult | None,
    on: date | None,
    *,
    score: float | None = None,
    satisfaction: float | None = None,
    body: str = "",
) -> WeakLaxDetermination:
    """验收 by the 县委组织部 (or the body the settings name) with a grade, a
    date, the score and the 满意率; 不合格 sends the branch back to 整顿中."""
    if Step.ACCEPT not in allowed_steps(det):
        raise WeakLaxError(f"当前状态为{label(det.status)}，整顿中才能验收")
    if result is None:
        raise WeakLaxError(_NO_RESULT)
    if on is None:
        raise WeakLaxError("验收须填写日期")
    if on < det.determined_on:
        raise WeakLaxError(f"验收日期不能早于认定日期（{det.determined_on.isoformat()}）")
    rules = load_settings(store.root).weaklax
    problem = acceptance_problem(result, score, satisfaction, rules)
    if problem:
        raise WeakLaxError(problem)
    status = WeakLaxStatus.ACCEPTED if result in PASSING else WeakLaxStatus.RECTIFYING
    update = {
        "status": status,
        "acceptance_result": result,
        "accepted_on": on,
        "acceptance_score": score,
        "satisfaction": satisfaction,
        "acceptance_body": body.strip() or rules.acceptance_body,
    }
    return store.save(det.model_copy(update=update), base=det)


def parse_score(text: str, what: str = "得分") -> float | None:
    """验收得分 (or 满意率 in percent) as typed: empty, or a number from 0 to 100."""
    text = text.strip().removesuffix("%").removesuffix("％")
    if not text:
        return None
    refusal = WeakLaxError(f"{what}应为 0–{MAX_SCORE} 之间的数")
    try:
        score = float(text)
    except ValueError:
        raise refusal from None
    if not 0 <= score <= MAX_SCORE:  # NaN fails this too
        raise refusal
    return score


@dataclass(frozen=True)
class Acceptance:
    """A 验收 as typed on its form, checked for form only (`accept` checks it against the rules)."""

    result: AcceptanceResult
    on: date
    score: float | None
    satisfaction: float | None = None
    body: str = ""


def acceptance_from_form(
    result: AcceptanceResult | None, on: str, score: str, satisfaction: str = "", body: str = ""
) -> Acceptance:
    """验收 as typed on its form: a chosen grade, a real date, an optional score and 满意率, the accepting body."""
    if result is None:
        raise WeakLaxError(_NO_RESULT)
    return Acceptance(result, parse_date(on), parse_score(score), parse_score(satisfaction, "满意率"), body.strip())


def close(store: Store, det: WeakLaxDetermination, on: date) -> WeakLaxDetermination:
    """销号: only after a 合格 acceptance (or 基本合格, where the committee's setting allows it)."""
    basic = load_settings(store.root).weaklax.basic_may_close
    if Step.CLOSE not in allowed_steps(det, basic_may_close=basic):
        raise WeakLaxError(
            "验收合格或基本合格后才能销号" if basic else "验收合格后才能销号（本党委设置：基本合格不能销号）"
        )
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


def suggestions(
    template: ChecklistTemplate, visit: Visit, sectors: Sequence[Sector], criteria: Sequence[WeakLaxCriterion]
) -> list[tuple[WeakLaxCriterion, list[str]]]:
    """Criteria a visit's 不符合 answers point to (through the items' `weaklax`
    links), with those items: shown as suggestions, never ticked for the inspector."""
    by_id = {c.id: c for c in criteria if c.applies_to(sectors)}
    found: dict[str, list[str]] = {}
    for item in template.items():
        given = visit.answers.get(item.id)
        if given is not None and given.value == AnswerValue.NOT_MET and item.weaklax in by_id:
            found.setdefault(item.weaklax, []).append(item.id)
    return [(by_id[cid], items) for cid, items in sorted(found.items())]


def branch_suggestions(
    store: Store, branch_id: str, criteria: Sequence[WeakLaxCriterion], visit_id: str | None = None
) -> tuple[Visit | None, list[tuple[WeakLaxCriterion, list[str]]]]:
    """`suggestions` from the given visit, else from the branch's latest one (None: no visit yet)."""
    from inspector.templates import template_of

    if visit_id is not None:
        visit: Visit | None = store.visit(visit_id, branch_id)
    else:
        visit = max(store.visits(branch_id), key=lambda v: (v.date, v.id), default=None)
    if visit is None:
        return None, []
    sectors = store.branch(branch_id).sectors
    return visit, suggestions(template_of(store, visit), visit, sectors, criteria)


def step_problems(det: WeakLaxDetermination, rules: WeakLaxRules) -> list[str]:
    """Stored states the procedure never produces (edited by hand, or merged
    from an old bundle), one Chinese line each, for `inspector check`."""
    out = []
    if det.proposed_on is not None and det.proposed_on > det.determined_on:
        out.append("提出日期晚于认定日期")
    started = det.status not in (WeakLaxStatus.IDENTIFIED, WeakLaxStatus.WITHDRAWN)
    if started and plan_problems(det.plan):
        out.append("整顿方案缺少" + "、".join(plan_problems(det.plan)) + f"，状态却已是{label(det.status)}")
    accepted = det.status in (WeakLaxStatus.ACCEPTED, WeakLaxStatus.CLOSED)
    if accepted and (det.acceptance_result is None or det.accepted_on is None):
        out.append(f"状态为{label(det.status)}却没有验收结果和日期")
    if det.accepted_on is not None and det.accepted_on < det.determined_on:
        out.append("验收日期早于认定日期")
    if det.status == WeakLaxStatus.CLOSED:
        if det.acceptance_result is not None and det.acceptance_result not in closing_results(rules.basic_may_close):
            out.append(f"验收{label(det.acceptance_result)}却已销号")
        if det.closed_on is None or (det.accepted_on is not None and det.closed_on < det.accepted_on):
            out.append("销号日期缺失或早于验收日期")
    if det.acceptance_result is not None:
        problem = acceptance_problem(det.acceptance_result, det.acceptance_score, det.satisfaction, rules)
        if problem:
            out.append(problem)
    return out
