"""Snapshots of the shell screens at 80x24 and 120x36 (fixed data, fixed today, no cursor blink).

Plain `def` tests: pytest-textual-snapshot's snap_compare does not work in async tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tests.home_fixtures import make_app, no_blink, seed, wait_for

SIZES = [(80, 24), (120, 36)]
# Shown instead of the test's tmp folder, which differs from run to run.
SHOWN_ROOT = "/srv/inspector/data"


def _csv(root: Path) -> Path:
    path = root.parent / f"{root.name}-名册.csv"
    path.write_bytes(
        "支部名称,所属领域,支部书记,党员人数\r\n新华村党支部,农村,王建国,23\r\n,社区,李四,5\r\n第一党支部,农村,王建国,25\r\n".encode(
            "gbk"
        )
    )
    return path


async def _home_ready(pilot) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.screen_stack[0]._loaded and len(app.screen_stack[0]._shown) == 5)


def _run(snap_compare, root: Path, name: str, size, steps) -> bool:
    if name != "welcome":
        seed(root)
    app = make_app(root)

    async def run_before(pilot) -> None:
        if name != "welcome":
            await _home_ready(pilot)
        await steps(pilot, root)
        await pilot.pause()
        no_blink(app)
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=run_before)


async def _nothing(pilot, root) -> None:
    return None


async def _welcome(pilot, root) -> None:
    where = pilot.app.screen.query_one("#where", Static)
    where.update(str(where.content).replace(str(root), SHOWN_ROOT))


async def _filtered(pilot, root) -> None:
    await pilot.press(*"dyd")


async def _branch(pilot, root) -> None:
    await pilot.press(*"dydzb", "enter")
    await pilot.pause()


async def _help(pilot, root) -> None:
    await pilot.press("f1")


async def _form_errors(pilot, root) -> None:
    await pilot.press("ctrl+n")
    pilot.app.screen.query_one("#f-members", Input).value = "二十"
    await pilot.press("ctrl+s")


async def _roster(pilot, root) -> None:
    await pilot.press("ctrl+o")
    dialog = pilot.app.screen
    dialog.query_one("#path", Input).value = "~/" + _csv(root).name  # HOME is the test's tmp folder
    await pilot.press("enter")
    await wait_for(pilot, lambda: dialog.preview is not None)  # the file is read in a thread


async def _new_visit(pilot, root) -> None:
    await _branch(pilot, root)
    await pilot.press("n")


STEPS = {
    "home": _nothing,
    "home-filtered": _filtered,
    "welcome": _welcome,
    "branch": _branch,
    "help": _help,
    "branch-form": _form_errors,
    "roster": _roster,
    "new-visit": _new_visit,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(STEPS))
def test_screen_snapshot(snap_compare, tmp_path, monkeypatch, name, size):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _run(snap_compare, tmp_path / f"{name}-{size[0]}", name, size, STEPS[name])


def test_home_without_colour(snap_compare, tmp_path, monkeypatch):
    """NO_COLOR: the cursor row is reversed and the 逾期 figure stands out by reverse, not a grey."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NO_COLOR", "1")
    assert _run(snap_compare, tmp_path / "nocolor", "home", (80, 24), _nothing)
