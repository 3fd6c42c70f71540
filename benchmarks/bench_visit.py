"""Answer keystroke → answer saved → screen updated, at county scale.

    /tmp/venv/bin/python benchmarks/bench_visit.py             # builds a 2000-branch demo in a temp dir (~2 min)
    /tmp/venv/bin/python benchmarks/bench_visit.py --data DIR  # reuses a demo folder (a visit is added to it)

Runs the real app headless at 80x24 on the branch with the largest branch
file, opens a new visit and presses answer keys. For each key it records when
the key was sent, when the answer was saved (the save returns after fsync)
and when the next frame was composed after that. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_MS = 50.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build_demo(root: Path) -> None:
    from inspector.demo import generate
    from inspector.store import Store

    print(f"生成 2000 个党支部的演示数据到 {root}（约 2 分钟）…", file=sys.stderr)
    generate(Store(root, "bench"), 2000, 1)


def pick_branch(root: Path) -> str:
    """The branch whose file is largest: the slowest save of the county."""
    files = (root / "branches").glob("*/branch.json")
    return max(files, key=lambda p: p.stat().st_size).parent.name


async def measure(root: Path, keys: int) -> dict[str, list[float]]:
    from datetime import date

    from textual.worker import WorkerCancelled

    from inspector.checklist import load_templates, pick_template
    from inspector.models import VisitMethod
    from inspector.store import Store
    from inspector.visit import start_visit
    from screens.app import InspectorApp
    from screens.visit import VisitScreen

    store = Store(root, "bench")
    bid = pick_branch(root)
    branch = store.branch(bid)
    template = pick_template(load_templates().templates, branch.sector)
    visit = start_visit(
        store, branch, template, on=date.today(), inspectors=["bench"], methods=[VisitMethod.REVIEW_RECORDS]
    )

    class BenchApp(InspectorApp):
        def offer_resume(self) -> None:
            pass

        def on_mount(self) -> None:
            super().on_mount()
            self.push_screen(VisitScreen(visit.id, bid))

    app = BenchApp(Store(root, "bench"))
    saved_at: list[float] = []
    frames: list[float] = []
    figures: dict[str, list[float]] = {"saved": [], "screen": [], "save_only": []}

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        with contextlib.suppress(WorkerCancelled):  # a reload may replace a worker
            await app.workers.wait_for_complete()  # the home table underneath has loaded
        await pilot.pause(0.5)
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        answer = screen.action_answer
        display = app._display

        def timed_answer(name: str) -> None:
            answer(name)
            saved_at.append(time.perf_counter())

        def timed_display(*args, **kwargs):
            frames.append(time.perf_counter())
            return display(*args, **kwargs)

        screen.action_answer = timed_answer  # type: ignore[method-assign]
        app._display = timed_display  # type: ignore[method-assign]
        from inspector import visit as visits

        real_save = visits.answer

        def timed_save(*args, **kwargs):
            start = time.perf_counter()
            result = real_save(*args, **kwargs)
            figures["save_only"].append((time.perf_counter() - start) * 1000)
            return result

        visits.answer = timed_save  # type: ignore[assignment]
        n = min(keys, len(screen.items))
        for _ in range(n):
            saved_at.clear()
            frames.clear()
            sent = time.perf_counter()
            await pilot.press("1")
            await pilot.pause()
            assert saved_at, "the key did not reach the answer action"
            frame = next((f for f in frames if f >= saved_at[0]), None)
            figures["saved"].append((saved_at[0] - sent) * 1000)
            if frame is not None:
                figures["screen"].append((frame - sent) * 1000)
        visits.answer = real_save  # type: ignore[assignment]
    on_disk = Store(root, "check").visit(visit.id, bid)
    print(
        f"党支部 {branch.name}（{bid[:8]}），条目 {len(screen.items)} 项，已按键 {n} 次，磁盘上已保存 {len(on_disk.answers)} 项"
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="demo data folder to reuse")
    parser.add_argument("--keys", type=int, default=60, help="answer keys to press (default 60)")
    args = parser.parse_args()
    os.environ.setdefault("TEXTUAL_DISABLE_KITTY_KEY", "1")
    with tempfile.TemporaryDirectory() as tmp:
        root = args.data or Path(tmp) / "data"
        if args.data is None:
            build_demo(root)
        figures = asyncio.run(measure(root, args.keys))
    labels = {
        "save_only": "保存本身（inspector.visit.answer，含 fsync）",
        "saved": "按键 → 已保存",
        "screen": "按键 → 画面已更新（保存后的第一帧）",
    }
    load = os.getloadavg()[0]
    print(f"机器负载（1 分钟平均）{load:.1f}，CPU {os.cpu_count()} 核；负载高时各项数字随之变大")
    for key, label in labels.items():
        values = figures[key]
        if not values:
            print(f"{label}：无数据")
            continue
        med, p95 = statistics.median(values), pct(values, 0.95)
        verdict = (
            ""
            if key == "save_only"
            else f"  (目标 ≤ {TARGET_MS:g} ms：{'达到' if p95 <= TARGET_MS else '未达到'}，按 p95)"
        )
        print(f"{label}：中位数 {med:.1f} ms，p95 {p95:.1f} ms，最大 {max(values):.1f} ms{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
