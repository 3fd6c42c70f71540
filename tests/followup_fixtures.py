"""A branch ready for 回头看: a completed guidance visit, findings at every open
status and a 软弱涣散 determination with its 整顿方案; fixed ids for snapshots."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from inspector.checklist import load_templates
from inspector.models import (
    Branch,
    CriterionTick,
    Finding,
    FindingStatus,
    Plan4,
    Responsibility,
    Sector,
    VisitMethod,
    VisitStatus,
    WeakLaxDetermination,
)
from inspector.settings import Settings, save_settings
from inspector.store import Store
from inspector.visit import start_visit

BRANCH_ID = "00000000-0000-4000-8000-0000000000b1"
SOURCE_DAY = date(2026, 9, 1)
RETURN_DAY = date(2026, 11, 20)
STAFF = ["赵组织委员", "钱宣传委员"]
FINDINGS = [
    ("00000000-0000-4000-8000-0000000000f1", "三会一课记录不全，缺少第二季度党员大会记录", FindingStatus.NOT_STARTED),
    ("00000000-0000-4000-8000-0000000000f2", "党费收缴台账未按月登记", FindingStatus.IN_PROGRESS),
    ("00000000-0000-4000-8000-0000000000f3", "谈心谈话未覆盖全体党员", FindingStatus.AWAITING_CHECK),
]
CLOSED_ID = "00000000-0000-4000-8000-0000000000f4"
WEAKLAX_ID = "00000000-0000-4000-8000-0000000000d1"


def seed(root: Path, *, weaklax: bool = True) -> Branch:
    store = Store(root, "测试员")
    save_settings(root, Settings(staff=STAFF))
    branch = store.save(
        Branch(id=BRANCH_ID, name="城关镇第二社区党支部", sector=Sector.COMMUNITY, secretary="王芳", members=31)
    )
    template = load_templates().templates["general"]
    visit = start_visit(
        store, branch, template, on=SOURCE_DAY, inspectors=["赵组织委员"], methods=[VisitMethod.REVIEW_RECORDS]
    )
    store.save(visit.model_copy(update={"status": VisitStatus.COMPLETED}), base=visit)
    for fid, text, status in [*FINDINGS, (CLOSED_ID, "支部委员会分工不明确", FindingStatus.CLOSED)]:
        store.save(
            Finding(
                id=fid,
                branch_id=branch.id,
                visit_id=visit.id,
                description=text,
                found_on=SOURCE_DAY,
                goal="补齐记录",
                measures="逐月补记并由支部书记审核",
                deadline=date(2026, 10, 31),
                responsible=Responsibility(leader="王芳", person="李委员"),
                status=status,
                verifier="钱宣传委员" if status == FindingStatus.CLOSED else "",
                verified_on=date(2026, 10, 20) if status == FindingStatus.CLOSED else None,
            )
        )
    if weaklax:
        store.save(
            WeakLaxDetermination(
                id=WEAKLAX_ID,
                branch_id=branch.id,
                determined_on=SOURCE_DAY,
                criteria=[CriterionTick(criterion_id="WL04", evidence="半年未开展组织生活")],
                plan=Plan4(
                    goal="恢复正常组织生活",
                    measures="每月召开支委会",
                    deadline=date(2026, 12, 31),
                    responsible=Responsibility(leader="党委副书记", person="王芳"),
                ),
            )
        )
    return branch
