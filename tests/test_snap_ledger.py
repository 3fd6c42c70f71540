"""Snapshots of the ledger, weak/lax ledger and coverage screens at 80x24 and 120x36 (fixed data and today).

Plain `def` tests: pytest-textual-snapshot's snap_compare does not work in async tests.
"""

from __future__ import annotations

import pytest

from tests.home_fixtures import no_blink
from tests.ledger_ui_fixtures import FINDINGS, make_app, open_ledger, seed_ledger

SIZES = [(80, 24), (120, 36)]


def _run(snap_compare, tmp_path, which: str, size, steps=None) -> bool:
    seed_ledger(tmp_path / "d")
    app = make_app(tmp_path / "d")

    async def run_before(pilot) -> None:
        screen = await open_ledger(pilot, which)
        if steps is not None:
            await steps(pilot, screen)
        await pilot.pause()
        no_blink(app)
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ledger(snap_compare, tmp_path, size):
    assert _run(snap_compare, tmp_path, "ledger", size)


async def _marked_open_overdue(pilot, screen) -> None:
    await pilot.press("s", "o", "space")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ledger_filtered_and_marked(snap_compare, tmp_path, size):
    assert _run(snap_compare, tmp_path, "ledger", size, _marked_open_overdue)


async def _close_dialog(pilot, screen) -> None:
    screen.table.move_cursor(screen.table.index_of(FINDINGS[4][0]))
    await pilot.press("m")
    await pilot.pause()
    await pilot.press("2")


def test_ledger_close_dialog(snap_compare, tmp_path):
    assert _run(snap_compare, tmp_path, "ledger", (80, 24), _close_dialog)


async def _filter_dialog(pilot, screen) -> None:
    await pilot.press("f")


def test_ledger_filter_dialog(snap_compare, tmp_path):
    assert _run(snap_compare, tmp_path, "ledger", (80, 24), _filter_dialog)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_weaklax_ledger(snap_compare, tmp_path, size):
    assert _run(snap_compare, tmp_path, "weaklax", size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_coverage(snap_compare, tmp_path, size):
    assert _run(snap_compare, tmp_path, "coverage", size)


async def _coverage_charts(pilot, screen) -> None:
    await pilot.press("c")
    for _ in range(50):  # the figures are counted in a worker
        await pilot.pause(0.05)
        if "按领域" in str(screen.query_one("#cov-charts").render()):
            break


def test_coverage_charts(snap_compare, tmp_path):
    """`c`: coverage and 销号 by sector as bars at 80x24."""
    assert _run(snap_compare, tmp_path, "coverage", (80, 24), _coverage_charts)


async def _coverage_charts_first_quarter(pilot, screen) -> None:
    await _coverage_charts(pilot, screen)
    await pilot.press("p")
    for _ in range(50):
        await pilot.pause(0.05)
        if "第一季度，按领域" in str(screen.query_one("#cov-charts").render()):
            break


def test_coverage_charts_of_a_quarter(snap_compare, tmp_path):
    """`p` on the charts: the first quarter's coverage and 销号 by sector at 80x24."""
    assert _run(snap_compare, tmp_path, "coverage", (80, 24), _coverage_charts_first_quarter)


async def _ledger_charts(pilot, screen) -> None:
    await pilot.press("c")


def test_ledger_charts(snap_compare, tmp_path):
    """`c`: the rows on screen by status and by category as bars at 80x24."""
    assert _run(snap_compare, tmp_path, "ledger", (80, 24), _ledger_charts)
