"""Shared set-up of the site-visit UI tests: a branch, a started visit, and
the real app opening one screen, so screens are tested where users meet them."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import date
from pathlib import Path

from inspector.checklist import load_templates
from inspector.models import Branch, Sector, Visit, VisitMethod
from inspector.store import Store
from inspector.visit import start_visit
from tests.seeded import copy_seeded

VISIT_DAY = date(2026, 11, 20)
BRANCH_ID = "00000000-0000-4000-8000-000000000001"
VISIT_ID = "00000000-0000-4000-8000-0000000000a1"


def seed(root: Path) -> tuple[str, str]:
    """A community branch with one visit in progress; fixed ids for snapshots."""
    copy_seeded(_seed, root)
    return BRANCH_ID, VISIT_ID


def _seed(root: Path) -> None:
    store = Store(root, "测试员")
    branch = store.save(
        Branch(
            id=BRANCH_ID,
            name="城关镇第一社区党支部",
            sector=Sector.COMMUNITY,
            secretary="王芳",
            members=23,
            party_groups=2,
        )
    )
    template = load_templates().templates["general"]
    visit = start_visit(
        store, branch, template, on=VISIT_DAY, inspectors=["测试员"], methods=[VisitMethod.REVIEW_RECORDS]
    )
    # The same visit under a fixed id, so that snapshots are stable.
    store.delete(visit)
    visit = store.save(Visit.model_validate({**visit.model_dump(), "id": VISIT_ID, "deleted": False}))


def make_app(root: Path, screen: Callable[[], object] | None = None, *, read_only: bool = False):
    """The real app on `root`, opening `screen()` on start instead of offering
    to resume (tests of resuming pass no screen and get the offer)."""
    from screens.app import InspectorApp

    class OneScreenApp(InspectorApp):
        def offer_resume(self, *, asked: bool = False) -> None:
            if screen is None or asked:
                super().offer_resume(asked=asked)

        def on_mount(self) -> None:
            super().on_mount()
            if screen is not None:
                self.push_screen(screen())

    return OneScreenApp(Store(root, "测试员", read_only=read_only))


def pilot_test(fn):
    """Run an async Pilot test without an asyncio plugin for pytest."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return run
