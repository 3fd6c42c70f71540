"""Snapshots of the form dialogs at 80x24: Esc with changes, and an edit conflict."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from test_app_forms import a_finding
from test_snap_visit import no_blink

from inspector.store import Store
from tests.visit_fixtures import make_app, seed


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    seed(root)
    return root


@pytest.fixture
def china_time(monkeypatch):
    """Times are shown in local time: pinned, so the snapshot does not depend on the machine."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def editor_app(root, finding):
    from screens.finding import FindingEditor

    return make_app(root, lambda: FindingEditor(finding, is_new=False))


def test_leave_dialog(snap_compare, root):
    async def typed(pilot):
        await no_blink(pilot)
        pilot.app.screen.query_one("#goal").focus()
        await pilot.press(*"建立学习制度", "escape")
        await pilot.pause()

    assert snap_compare(editor_app(root, a_finding(root)), terminal_size=(80, 24), run_before=typed)


def test_edit_conflict_dialog(snap_compare, root, china_time):
    finding = a_finding(root)

    async def clashed(pilot):
        await no_blink(pilot)
        Store(root, "张三").save(
            finding.model_copy(update={"goal": "对方写的目标", "measures": "对方的措施"}),
            base=finding,
            at=datetime(2026, 11, 26, 6, 30, tzinfo=UTC),
        )
        editor = pilot.app.screen
        editor.query_one("#goal").value = "我写的目标"
        editor.query_one("#measures").text = "我的措施"
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(editor_app(root, finding), terminal_size=(80, 24), run_before=clashed)
