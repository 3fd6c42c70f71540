"""Sample records of every stored type, for the storage tests."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

from inspector.models import (
    AcceptanceResult,
    Answer,
    AnswerValue,
    Branch,
    Committee,
    CriterionTick,
    Disposition,
    Finding,
    FindingCategory,
    FindingStatus,
    LegalTrack,
    MemberKind,
    Plan4,
    PocketMember,
    Responsibility,
    Sector,
    Severity,
    Visit,
    VisitMethod,
    WeakLaxDetermination,
    WeakLaxStatus,
)

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def branch(name: str = "城关镇第一村党支部", **kw) -> Branch:
    return Branch(
        name=name,
        sector=kw.pop("sector", Sector.RURAL),
        secretary="王建国",
        members=kw.pop("members", 37),
        party_groups=3,
        has_leading_cadres=True,
        contact="0931-1234567",
        notes="村“两委”班子健全。",
        **kw,
    )


def visit(bid: str, **kw) -> Visit:
    return Visit(
        branch_id=bid,
        date=kw.pop("date", date(2026, 11, 20)),
        inspectors=["李明", "张华"],
        methods=[VisitMethod.REVIEW_RECORDS, VisitMethod.DISCUSSION],
        template_id="onsite",
        template_version="2016.1",
        template_hash="abc123",
        answers=kw.pop(
            "answers",
            {"study-plan": Answer(value=AnswerValue.MET, note="学习计划齐全", who="李明", at=AT)},
        ),
        **kw,
    )


def finding(bid: str, **kw) -> Finding:
    return Finding(
        branch_id=bid,
        category=kw.pop("category", FindingCategory.ORGANISATION),
        severity=Severity.MAJOR,
        description=kw.pop("description", "“三会一课”记录不全，党小组会无记录。"),
        found_on=kw.pop("found_on", date(2026, 11, 20)),
        goal="建立健全“三会一课”记录",
        measures="支部书记牵头补齐记录，每月检查一次",
        deadline=kw.pop("deadline", date(2026, 12, 31)),
        responsible=Responsibility(leader="王建国", person="刘芳"),
        status=kw.pop("status", FindingStatus.IN_PROGRESS),
        **kw,
    )


def pocket(bid: str, **kw) -> PocketMember:
    fields = dict(
        name="赵小军",
        member_kind=MemberKind.MOBILE,
        letter_issued=date(2025, 3, 1),
        letter_valid_days=180,
        receiving_org="深圳市某社区党委",
        last_contact=date(2026, 6, 1),
        track=LegalTrack.NONE,
        disposition=Disposition.PENDING,
        notes="外出务工",
    )
    return PocketMember(branch_id=bid, **{**fields, **kw})


def weaklax(bid: str, **kw) -> WeakLaxDetermination:
    return WeakLaxDetermination(
        branch_id=bid,
        determined_on=date(2026, 11, 20),
        criteria=[CriterionTick(criterion_id="weak-leadership", evidence="书记长期外出")],
        plan=Plan4(
            goal="配强班子",
            measures="选派第一书记",
            deadline=date(2027, 3, 31),
            responsible=Responsibility(leader="党委书记", person="组织委员"),
        ),
        status=WeakLaxStatus.ACCEPTED,
        acceptance_result=AcceptanceResult.PASSED,
        acceptance_score=88.5,
        accepted_on=date(2027, 4, 10),
        **kw,
    )


def committee() -> Committee:
    return Committee(name="城关镇党委", parent="某县委组织部", contact="0931-7654321")


def data_files(root: Path) -> list[Path]:
    """Every data file (not the temp files an interrupted write leaves)."""
    return sorted(p for p in root.rglob("*.json") if not p.name.startswith("."))


def snapshot(root: Path) -> dict[str, bytes]:
    """The bytes of every file under `root` (temp files included), by relative path."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            out[str(path.relative_to(root))] = path.read_bytes()
    return out
