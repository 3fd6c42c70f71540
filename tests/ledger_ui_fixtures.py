"""A small committee with fixed ids for the ledger, weak/lax ledger and coverage screens."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from inspector.models import (
    Branch,
    CriterionTick,
    Finding,
    FindingCategory,
    FindingStatus,
    Plan4,
    Responsibility,
    Sector,
    Severity,
    Visit,
    VisitStatus,
    WeakLaxDetermination,
    WeakLaxStatus,
)
from inspector.store import Store
from tests.seeded import copy_seeded

S = FindingStatus


def _id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


BRANCHES = [
    (_id(201), "城关镇第一村党支部", Sector.RURAL),
    (_id(202), "实验小学党支部", Sector.SCHOOL),
    (_id(203), "新华社区党支部", Sector.COMMUNITY),
    (_id(204), "宏达机械有限公司党支部", Sector.PRIVATE_ENTERPRISE),
]
CUN, XUE, SHE, QI = (b[0] for b in BRANCHES)

# (id, branch, description, deadline, status, category, severity, measures, person)
FINDINGS = [
    (
        _id(301),
        CUN,
        "三会一课记录不全",
        date(2026, 11, 1),
        S.IN_PROGRESS,
        FindingCategory.ORGANISATION,
        Severity.MAJOR,
        "按月召开支部委员会并记录",
        "张委员",
    ),
    (
        _id(302),
        CUN,
        "党费收缴不及时",
        date(2026, 11, 30),
        S.NOT_STARTED,
        FindingCategory.DISCIPLINE,
        Severity.MINOR,
        "每月五日前收缴党费",
        "王会计",
    ),
    (
        _id(303),
        CUN,
        "发展党员程序不规范",
        date(2026, 10, 1),
        S.CLOSED,
        FindingCategory.ORGANISATION,
        Severity.MINOR,
        "补齐发展党员档案",
        "赵组织委员",
    ),
    (
        _id(304),
        XUE,
        "主题党日活动流于形式",
        date(2027, 1, 15),
        S.AWAITING_CHECK,
        FindingCategory.CONDUCT,
        Severity.MINOR,
        "每月制定主题党日计划",
        "刘老师",
    ),
    (
        _id(305),
        XUE,
        "党员教育管理台账缺失",
        date(2026, 12, 3),
        S.AWAITING_CHECK,
        FindingCategory.ORGANISATION,
        Severity.SERIOUS,
        "建立党员教育管理台账",
        "陈老师",
    ),
    (
        _id(306),
        SHE,
        "流动党员失去联系",
        date(2026, 9, 30),
        S.NOT_STARTED,
        FindingCategory.ORGANISATION,
        Severity.SERIOUS,
        "逐一联系流动党员",
        "周书记",
    ),
]
FOUND_ON = date(2026, 9, 1)


def seed_ledger(root: Path) -> Store:
    """Four branches, six findings in every state; one branch weak/lax; visits for coverage."""
    copy_seeded(_seed_ledger, root)
    return Store(root, "测试员")


def _seed_ledger(root: Path) -> None:
    store = Store(root, "测试员")
    for bid, name, sector in BRANCHES:
        store.save(Branch(id=bid, name=name, sector=sector, secretary="王书记", members=20))
    for n, (bid, day) in enumerate([(CUN, date(2026, 9, 1)), (XUE, date(2026, 9, 1)), (SHE, date(2026, 3, 2))]):
        store.save(
            Visit(
                id=_id(401 + n),
                branch_id=bid,
                date=day,
                inspectors=["测试员"],
                template_id="general",
                template_version="2016.1",
                template_hash="0" * 64,
                status=VisitStatus.COMPLETED,
            )
        )
    for fid, bid, text, deadline, status, category, severity, measures, person in FINDINGS:
        closed = status == S.CLOSED
        store.save(
            Finding(
                id=fid,
                branch_id=bid,
                description=text,
                found_on=FOUND_ON,
                deadline=deadline,
                status=status,
                category=category,
                severity=severity,
                measures=measures,
                responsible=Responsibility(leader="李书记", person=person),
                evidence="档案材料" if closed or status == S.AWAITING_CHECK else "",
                verifier="党委组织委员" if closed else "",
                verified_on=date(2026, 10, 8) if closed else None,
            )
        )
    store.save(
        WeakLaxDetermination(
            id=_id(501),
            branch_id=SHE,
            determined_on=date(2026, 3, 2),
            status=WeakLaxStatus.RECTIFYING,
            criteria=[CriterionTick(criterion_id="WL01", evidence="近一年未开展组织生活")],
            plan=Plan4(
                goal="恢复正常组织生活",
                measures="选优配强支部书记",
                deadline=date(2026, 12, 31),
                responsible=Responsibility(leader="李书记", person="周书记"),
            ),
        )
    )


def make_app(root: Path, user: str = "测试员"):
    from screens.app import InspectorApp

    app = InspectorApp(Store(root, user))
    app._resume_offered = True
    return app


async def open_ledger(pilot, which: str = "ledger"):
    """Open a ledger screen and wait until its rows are in."""
    from tests.home_fixtures import wait_for

    app = pilot.app
    await wait_for(pilot, lambda: app.screen_stack[0]._loaded)
    app.open_committee_screen(which)
    if which == "ledger" or which == "weaklax":
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
    else:
        await wait_for(pilot, lambda: getattr(app.screen, "late_reports", None) is not None)
    await pilot.pause()
    return app.screen
