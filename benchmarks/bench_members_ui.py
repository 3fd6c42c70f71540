"""A branch's 党员花名册 in the app: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_members_ui.py [--members 300]

Builds a temp folder with one branch of --members members (demo-like
rosters), then opens the roster screen five times in a Pilot app and prints
the median time to the screen mounted with its first rows (wall and CPU)
and to idle (every row added), next to the pocket screen of the same
branch as an anchor; and the time the roster's facts add
to showing one visit item.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from inspector.demo_roster import add_roster
from inspector.models import Branch, Sector
from inspector.roster_checks import facts_for
from inspector.store import Store


async def open_times(root: Path, bid: str, runs: int = 5) -> dict[str, list[float]]:
    """Per screen: wall time to mounted (the table has its first rows), CPU time to mounted, wall time to idle."""
    from screens.app import InspectorApp
    from screens.members import MemberScreen
    from screens.pockets import PocketScreen

    app = InspectorApp(Store(root, "bench"))
    out: dict[str, list[float]] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(runs):
            for screen in (MemberScreen, PocketScreen):
                wall, cpu = time.perf_counter(), time.process_time()
                await app.push_screen(screen(bid))
                mounted, mounted_cpu = time.perf_counter() - wall, time.process_time() - cpu
                await pilot.pause()
                idle = time.perf_counter() - wall
                for key, value in (("mounted", mounted), ("cpu", mounted_cpu), ("idle", idle)):
                    out.setdefault(f"{screen.__name__} {key}", []).append(value)
                app.pop_screen()
                await pilot.pause()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=300)
    n = parser.parse_args().members
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        store = Store(root, "bench")
        branch = store.save(Branch(name="城关社区党支部", sector=Sector.COMMUNITY, members=n, party_groups=8))
        with store.transaction():
            add_roster(store, branch, date(2016, 12, 31), "王李张刘陈杨", ("伟", "芳", "建国", "秀英"), ["书记"])
        print(f"roster of {n} members (MemberScreen), anchor the same branch's PocketScreen; medians of 5:")
        for key, values in asyncio.run(open_times(root, branch.id)).items():
            print(f"  {key}: {statistics.median(values) * 1000:.0f} ms")
        members = store.members(branch.id)
        t = time.perf_counter()
        for item in ("MEET-04", "EVAL-04", "EVAL-06", "DUES-03") * 25:
            facts_for("general", item, members, date(2016, 12, 31), 1 / 3)
        print(f"roster facts for one item: {(time.perf_counter() - t) * 10:.2f} ms")


if __name__ == "__main__":
    main()
