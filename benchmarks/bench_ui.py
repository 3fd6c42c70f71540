"""UI speed at county scale: start-up to the branch table, and filtering per keystroke.

    python benchmarks/bench_ui.py DATA_DIR      (DATA_DIR holds a demo, e.g. `inspector --data D demo --branches 2000`)

Start-up is measured as a user sees it: `inspector --data DATA_DIR` runs in a
pseudo-terminal (80x24) and the clock stops when the table's status line
「共 N 个支部」 has been written to the terminal. The first run is with the
summary cache removed (cold), then warm runs. Filtering is measured in-process
with Textual's Pilot: the time to refill the table for each keystroke, and
keystroke-to-idle including the redraw.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import resource
import select
import shutil
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

BUDGET_START = 1.0
BUDGET_KEY_MS = 50.0


def start_time(
    root: Path,
    expect: bytes,
    timeout: float = 20.0,
    argv: list[str] | None = None,
    probe=None,
    marks: dict[bytes, float] | None = None,
) -> tuple[float, float]:
    """Seconds from spawning `inspector` (or `argv`) to `expect` appearing on its
    terminal, and the CPU seconds the process used (until it was stopped right
    after). `probe(proc, master_fd)` runs once `expect` is seen, before the stop.
    `marks`: other texts, each given the seconds at which it first appeared."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "TEXTUAL_DISABLE_KITTY_KEY": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv or [sys.executable, "-m", "inspector.cli", "--data", str(root)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    raise RuntimeError(f"inspector ended before the table appeared: {seen[-500:]!r}") from None
                seen += chunk
                for mark in marks or ():
                    if mark in seen:
                        marks[mark] = min(marks[mark], time.perf_counter() - started)
                if expect in seen:
                    elapsed = time.perf_counter() - started
                    if probe is not None:
                        probe(proc, master)
                    break
        else:
            raise RuntimeError("the branch table did not appear in time")
    finally:
        proc.terminate()  # SIGTERM: the app's handler ends it cleanly
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


async def filter_times(root: Path) -> tuple[list[float], list[float], list[float], list[float], int]:
    from inspector.store import Store
    from screens.app import InspectorApp

    app = InspectorApp(Store(root))
    app._resume_offered = True  # no dialog in the way
    refill: list[float] = []
    refill_cpu: list[float] = []
    keystroke: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen_stack[0]
        while not home._shown:
            await pilot.pause(0.05)
        total = len(home._shown)
        original = home.apply_filter

        def timed(force: bool = False) -> None:
            t, c = time.perf_counter(), time.thread_time()
            original(force)
            refill.append((time.perf_counter() - t) * 1000)
            refill_cpu.append((time.thread_time() - c) * 1000)

        idle: list[float] = []
        for _ in range(20):  # Pilot's own cost: a key that changes nothing
            t = time.perf_counter()
            await pilot.press("f12")
            idle.append((time.perf_counter() - t) * 1000)
        home.apply_filter = timed
        keys = [
            "d",
            "y",
            "d",
            "z",
            "b",
            "backspace",
            "backspace",
            "backspace",
            "backspace",
            "backspace",
            "c",
            "u",
            "n",
            "backspace",
            "backspace",
            "backspace",
        ] * 3
        for key in keys:
            t = time.perf_counter()
            await pilot.press(key)
            keystroke.append((time.perf_counter() - t) * 1000)
        for text in ("村", "社区", "第一"):  # Chinese from an input method arrives as text
            t = time.perf_counter()
            await pilot.press(*text)
            keystroke.append((time.perf_counter() - t) * 1000 / len(text))
            await pilot.press("escape")
    return refill, refill_cpu, keystroke, idle, total


def summary_poll(root: Path) -> float:
    from inspector.store import Store

    store = Store(root)
    store.branch_summaries()
    t = time.perf_counter()
    for _ in range(5):
        store.branch_summaries()
    return (time.perf_counter() - t) / 5 * 1000


def main() -> int:
    root = Path(sys.argv[1]).resolve()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    count = sum(1 for _ in (root / "branches").iterdir())
    expect = f"共 {count} 个支部".encode()
    shutil.rmtree(root / "cache", ignore_errors=True)
    cold, cold_cpu = start_time(root, expect)
    runs = [start_time(root, expect) for _ in range(5)]
    warm = [w for w, _ in runs]
    warm_cpu = [c for _, c in runs]
    print(f"branches: {count}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"start to branch table, cold summary cache: {cold:.3f} s (CPU {cold_cpu:.3f} s)")
    print(
        f"start to branch table, warm (median of 5): {statistics.median(warm):.3f} s  (max {max(warm):.3f}; "
        f"CPU median {statistics.median(warm_cpu):.3f} s; budget {BUDGET_START} s)"
    )
    refill, refill_cpu, keystroke, idle, total = asyncio.run(filter_times(root))
    print(
        f"filter: table refill per keystroke: median {statistics.median(refill):.1f} ms, max {max(refill):.1f} ms over {len(refill)} (rows up to {total}); CPU time median {statistics.median(refill_cpu):.1f} ms, max {max(refill_cpu):.1f} ms"
    )
    print(
        f"filter: keystroke to idle incl. redraw: median {statistics.median(keystroke):.1f} ms, "
        f"p90 {sorted(keystroke)[int(len(keystroke) * 0.9)]:.1f} ms, max {max(keystroke):.1f} ms (budget {BUDGET_KEY_MS:.0f} ms)"
    )
    print(f"filter: Pilot overhead, a key that changes nothing: median {statistics.median(idle):.1f} ms")
    print(f"summary poll (stat-cached branch_summaries): {summary_poll(root):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
