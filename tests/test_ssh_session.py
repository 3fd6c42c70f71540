"""Point 13 of the hardening issue: over SSH the cursor blink sent ~350 bytes
a second while the app sat idle. A setting decides; by default ("auto") text
cursors do not blink in an SSH session (benchmarks/bench_ssh_bytes.py measures
the bytes)."""

from __future__ import annotations

import pytest

from inspector.settings import Settings
from tests.visit_fixtures import BRANCH_ID, VISIT_ID, make_app, pilot_test, seed


@pytest.mark.parametrize(
    ("setting", "env", "blinks"),
    [
        ("auto", {"SSH_CONNECTION": "10.0.0.2 52114 10.0.0.1 22"}, False),
        ("auto", {"SSH_TTY": "/dev/pts/3"}, False),
        ("auto", {}, True),
        ("on", {"SSH_CONNECTION": "10.0.0.2 52114 10.0.0.1 22"}, True),
        ("off", {}, False),
    ],
)
def test_cursor_blink_setting(setting, env, blinks):
    assert Settings(cursor_blink=setting).cursor_blinks(env) is blinks


@pytest.mark.parametrize("ssh", [True, False])
@pilot_test
async def test_cursor_blinked_over_ssh_while_idle(tmp_path, monkeypatch, ssh):
    from screens.visit import VisitScreen

    monkeypatch.delenv("SSH_TTY", raising=False)
    if ssh:
        monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 52114 10.0.0.1 22")
    else:
        monkeypatch.delenv("SSH_CONNECTION", raising=False)
    root = tmp_path / "data"
    seed(root)
    async with make_app(root, lambda: VisitScreen(VISIT_ID, BRANCH_ID)).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        note = pilot.app.screen.query_one("#note")
        assert note.has_focus and note.cursor_blink is not ssh
