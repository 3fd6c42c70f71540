"""Snapshot of the memo progress dialog at 80x24, part-way through a batch of three."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.store import Store
from tests.visit_fixtures import BRANCH_ID, VISIT_ID, make_app, seed


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    seed(root)
    return root


def test_memo_progress_dialog(snap_compare, root):
    from screens.branch import BranchScreen
    from screens.dialogs.memo import MemoProgress

    visit = Store(root, "测试员").visit(VISIT_ID, BRANCH_ID)

    class Halfway(MemoProgress):
        """Stops where the picture is taken: the real one reads and writes in a thread."""

        def plan(self) -> None:
            self._progress(1, 3, visit)

    async def open_dialog(pilot) -> None:
        await pilot.pause()
        subject = "城关镇第一社区党支部：已完成现场指导共3次，已有最新反馈意见的不再生成"
        refs = [(BRANCH_ID, VISIT_ID)] * 3
        await pilot.app.push_screen(Halfway(subject, refs, Path("/srv/inspector/data/memos"), only_stale=True))
        await pilot.pause()

    app = make_app(root, lambda: BranchScreen(BRANCH_ID))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_dialog)
