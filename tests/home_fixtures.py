"""Set-up shared by the home, branch and dialog UI tests: branches with fixed ids."""

from __future__ import annotations

import asyncio
import functools
from datetime import date
from pathlib import Path

from inspector.models import Branch, Finding, FindingStatus, Sector, Visit, VisitStatus
from inspector.store import Store
from tests.seeded import copy_seeded

VISIT_DAY = date(2026, 10, 12)

BRANCHES = [
    ("00000000-0000-4000-8000-000000000101", "第一党支部", Sector.RURAL, "王建国", 23),
    ("00000000-0000-4000-8000-000000000102", "第二党支部", Sector.RURAL, "李秀英", 17),
    ("00000000-0000-4000-8000-000000000103", "城关社区党支部", Sector.COMMUNITY, "张丽", 41),
    ("00000000-0000-4000-8000-000000000104", "县第一中学党支部", Sector.SCHOOL, "赵明", 36),
    ("00000000-0000-4000-8000-000000000105", "宏达机械有限公司党支部", Sector.PRIVATE_ENTERPRISE, "孙强", 9),
]
FIRST = BRANCHES[0][0]


def seed(root: Path) -> Store:
    """Five branches; the first has a completed visit with an overdue and an open finding."""
    copy_seeded(_seed, root)
    return Store(root, "测试员")


def _seed(root: Path) -> None:
    store = Store(root, "测试员")
    for bid, name, sector, secretary, members in BRANCHES:
        store.save(Branch(id=bid, name=name, sector=sector, secretary=secretary, members=members, party_groups=2))
    visit = Visit(
        id="00000000-0000-4000-8000-0000000001a1",
        branch_id=FIRST,
        date=VISIT_DAY,
        inspectors=["测试员", "陈红"],
        template_id="general",
        template_version="2016.1",
        template_hash="0" * 64,
        status=VisitStatus.COMPLETED,
    )
    store.save(visit)
    for n, (text, deadline, status) in enumerate(
        [
            ("未按季度召开支部党员大会", date(2026, 11, 1), FindingStatus.IN_PROGRESS),
            ("党员学习笔记不全", date(2026, 12, 31), FindingStatus.NOT_STARTED),
        ],
        start=1,
    ):
        store.save(
            Finding(
                id=f"00000000-0000-4000-8000-0000000001f{n}",
                branch_id=FIRST,
                visit_id=visit.id,
                description=text,
                found_on=VISIT_DAY,
                deadline=deadline,
                status=status,
            )
        )


def make_app(root: Path, *, resume: bool = False):
    """The real app on `root`; the start-up offer to resume visits only when asked for."""
    from screens.app import InspectorApp

    app = InspectorApp(Store(root, "测试员"))
    app._resume_offered = not resume
    return app


def pilot_test(fn):
    """Run an async Pilot test without an asyncio plugin for pytest."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


async def wait_for(pilot, condition, timeout: float = 30.0) -> None:
    """Let workers finish until `condition()` holds. The timeout only ends a
    failing test: on a machine loaded six times over, 5 s failed passing ones."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)


def no_blink(app) -> None:
    from textual.widgets import Input

    for screen in app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
