"""The weak/lax ledger (软弱涣散党组织整顿台账): every branch determined weak or lax.

One row per branch with a determination (its latest one, as on the branch's
own screen): the criteria it was determined by, the 整顿方案's 四明确, how
its findings are getting on, the 验收 result and the 销号 date. Branches stay
on the ledger after 销号, since the plan's 巩固 stage follows them for a year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from inspector import clock
from inspector.labels import label
from inspector.models import FindingStatus, Sector, WeakLaxDetermination, WeakLaxStatus
from inspector.pinyin import sort_key
from inspector.store import Store
from inspector.weaklax import current


@dataclass
class WeakLaxRow:
    branch_id: str
    branch_name: str
    sector: Sector
    initials: str
    determination: WeakLaxDetermination
    criteria: list[tuple[str, str, str]]  # (criterion id, its text, the evidence)
    findings_total: int
    findings_closed: int
    findings_overdue: int

    @property
    def status(self) -> WeakLaxStatus:
        return self.determination.status

    def criteria_text(self) -> str:
        return "；".join(text for _, text, _ in self.criteria)

    def plan_text(self) -> str:
        """The 整顿方案 四明确 in one line; missing parts say so."""
        p = self.determination.plan
        who = "，".join(x for x in (p.responsible.leader, p.responsible.person) if x)
        return "；".join(
            (
                f"目标任务：{p.goal or '未填'}",
                f"整顿措施：{p.measures or '未填'}",
                f"时限要求：{p.deadline.isoformat() if p.deadline else '未填'}",
                f"责任主体：{who or '未填'}",
            )
        )

    def progress_text(self) -> str:
        if not self.findings_total:
            return "无问题记录"
        text = f"已销号{self.findings_closed}/{self.findings_total}"
        return text + (f"，逾期{self.findings_overdue}" if self.findings_overdue else "")

    def acceptance_text(self) -> str:
        d = self.determination
        if d.acceptance_result is None:
            return "未验收"
        score = f"{d.acceptance_score:g}分" if d.acceptance_score is not None else ""
        when = d.accepted_on.isoformat() if d.accepted_on else ""
        return "，".join(x for x in (label(d.acceptance_result), score, when) if x)

    def closed_text(self) -> str:
        return self.determination.closed_on.isoformat() if self.determination.closed_on else ""


def criteria_texts(extra_dirs=()) -> dict[str, str]:
    """Criterion id -> text, from the committee's criteria list (for `weaklax_rows`)."""
    from inspector.checklist import load_weaklax_criteria

    return {c.id: c.text for c in load_weaklax_criteria(extra_dirs)}


def weaklax_rows(
    store: Store, criteria: Mapping[str, str] | None = None, today: date | None = None
) -> list[WeakLaxRow]:
    """Every branch with a weak/lax determination, by pinyin of its name.

    `criteria` maps criterion ids to their text (from `checklist.load_weaklax_criteria`);
    ids it does not know are shown as they are."""
    today = today or clock.today()
    criteria = criteria or {}
    out = []
    for s in sorted(store.branch_summaries(), key=lambda s: sort_key(s.name, s.pinyin)):
        if s.weaklax is None:
            continue
        det = current(store.weaklax(s.id))
        if det is None:
            continue
        findings = store.findings(s.id)
        out.append(
            WeakLaxRow(
                branch_id=s.id,
                branch_name=s.name,
                sector=s.sector,
                initials=s.initials,
                determination=det,
                criteria=[
                    (t.criterion_id, criteria.get(t.criterion_id, t.criterion_id), t.evidence) for t in det.criteria
                ],
                findings_total=len(findings),
                findings_closed=sum(1 for f in findings if f.status == FindingStatus.CLOSED),
                findings_overdue=sum(1 for f in findings if f.overdue_days(today) > 0),
            )
        )
    return out
