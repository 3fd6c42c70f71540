"""Snapshots of the Conflicts screen and its pick confirmation (80x24 and 120x36, fixed data).

Everything on screen is fixed: record ids, installation ids (meta.json is
written before the stores open), change times (`Store.save(at=...)`) and the
time zone. Plain `def` tests: snap_compare does not work in async tests.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from inspector.models import SCHEMA_VERSION, Branch, Finding, FindingStatus, Sector
from inspector.store import Store
from inspector.store.files import write_json_file
from inspector.sync.merge import export_bundle, import_bundle
from screens.app import InspectorApp
from screens.conflicts import ConflictsScreen
from tests.home_fixtures import no_blink, wait_for

SIZES = [(80, 24), (120, 36)]
SERVER_INST = "5e7e7000-0000-4000-8000-000000000001"
LAPTOP_INST = "1a9709a0-0000-4000-8000-000000000002"
B1, B2 = "00000000-0000-4000-8000-000000000501", "00000000-0000-4000-8000-000000000502"
F1, F2 = "00000000-0000-4000-8000-000000000601", "00000000-0000-4000-8000-000000000602"


def _at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 25, hour, minute, tzinfo=UTC)


def _store(root: Path, inst: str, user: str) -> Store:
    write_json_file(
        root / "meta.json", {"installation_id": inst, "schema": SCHEMA_VERSION, "created": "2026-11-01T00:00:00+00:00"}
    )
    return Store(root, user)


def _edit(store: Store, cls, rid: str, bid: str | None, at: datetime, **changes) -> None:
    store.save(store.get(cls, rid, bid).model_copy(update=changes), at=at)


def conflicted_server(tmp_path: Path) -> Store:
    """A server with three open conflicts on two branches, every value and time fixed."""
    server = _store(tmp_path / "server", SERVER_INST, "县委张")
    server.save(Branch(id=B1, name="红星村党支部", sector=Sector.RURAL, secretary="李书记", members=31), at=_at(1, 0))
    server.save(
        Branch(id=B2, name="城关社区党支部", sector=Sector.COMMUNITY, secretary="张丽", members=41), at=_at(1, 1)
    )
    server.save(Finding(id=F1, branch_id=B1, description="三会一课记录不全", found_on=date(2026, 11, 2)), at=_at(1, 2))
    server.save(Finding(id=F2, branch_id=B2, description="党费收缴不及时", found_on=date(2026, 11, 2)), at=_at(1, 3))
    laptop = _store(tmp_path / "laptop", LAPTOP_INST, "王干事")
    first = tmp_path / "first.zip"
    export_bundle(server, first)
    import_bundle(laptop, first)
    _edit(server, Finding, F1, B1, _at(2, 10), progress="整改中：已补两次记录", status=FindingStatus.IN_PROGRESS)
    _edit(laptop, Finding, F1, B1, _at(3, 20), progress="已全部补齐，待支委会审核", status=FindingStatus.AWAITING_CHECK)
    _edit(server, Branch, B2, None, _at(2, 30), secretary="张丽（已调走）")
    _edit(laptop, Branch, B2, None, _at(3, 40), secretary="刘红梅")
    back = tmp_path / "back.zip"
    export_bundle(laptop, back)
    import_bundle(server, back)
    return server


@pytest.fixture(autouse=True)
def _beijing_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _run(snap_compare, tmp_path, size, steps=None) -> bool:
    server = conflicted_server(tmp_path)
    app = InspectorApp(Store(server.root, "县委张"))
    app._resume_offered = True

    async def run_before(pilot) -> None:
        await wait_for(pilot, lambda: app.screen_stack[0]._loaded)
        await wait_for(pilot, lambda: bool(app._notifications))  # the start-up notice, cleared below
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictsScreen) and app.screen.loaded)
        app.clear_notifications()  # before a dialog covers the screen's toasts
        await pilot.pause()
        if steps is not None:
            await steps(pilot)
        await pilot.pause()
        no_blink(app)
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_conflicts_screen(snap_compare, tmp_path, size):
    assert _run(snap_compare, tmp_path, size)


async def _confirm_pick(pilot) -> None:
    await pilot.press("down", "2")


def test_conflicts_pick_confirmation(snap_compare, tmp_path):
    assert _run(snap_compare, tmp_path, (80, 24), _confirm_pick)
