"""Hand-built data folders for the ledger, rectification, coverage and export tests."""

from __future__ import annotations

from datetime import date

from inspector.models import (
    Branch,
    Finding,
    FindingCategory,
    FindingStatus,
    Responsibility,
    Sector,
    Severity,
)
from inspector.store import Store


def add_branch(store: Store, name: str, sector: Sector = Sector.RURAL) -> Branch:
    return store.save(Branch(name=name, sector=sector, secretary="王书记", members=12))


def add_finding(
    store: Store,
    branch: Branch,
    description: str,
    *,
    found_on: date = date(2026, 9, 1),
    deadline: date | None = date(2026, 10, 31),
    status: FindingStatus = FindingStatus.NOT_STARTED,
    category: FindingCategory = FindingCategory.ORGANISATION,
    severity: Severity = Severity.MINOR,
    measures: str = "按期召开支部党员大会",
    goal: str = "",
    leader: str = "李书记",
    person: str = "张委员",
    evidence: str = "",
    verifier: str = "",
    verified_on: date | None = None,
) -> Finding:
    return store.save(
        Finding(
            branch_id=branch.id,
            description=description,
            found_on=found_on,
            deadline=deadline,
            status=status,
            category=category,
            severity=severity,
            measures=measures,
            goal=goal,
            responsible=Responsibility(leader=leader, person=person),
            evidence=evidence,
            verifier=verifier,
            verified_on=verified_on,
        )
    )
