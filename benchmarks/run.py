"""Speed at county scale: every measure next to its floor, in one run.

    .venv/bin/python benchmarks/run.py [--data DIR] [--runs 5] [--only launch,filter,...] [--suite]

Builds the county folder once (`demo --branches 2000 --seed 1`) in DIR, or in
a temp dir kept for the next run (its path is printed), then measures each
row together with its floor or anchor in the same run, because a shared
machine's timings drift from minute to minute:

    launch     start to the branch table (pty, 80x24), warm and first ever,
               against a bare Textual app showing a DataTable of as many rows;
               a first launch also reports when its rows took their pinyin
               order (names stored without it are spelled after the table shows)
    filter     a filter keystroke to idle under Pilot, against Pilot's own
               cost for a key bound to nothing
    list       `inspector list findings --json`, whole process, against a
               process that only reads every branch file
    findings   all open findings in a new process (cold) and again (warm)
    save       one answer saved, against write + fsync + rename + dir fsync
               of a file of the same size, one of each in turn
    memo       `memo --all` on a copy of the folder, scaled to 2,000 memos
    rss        the app's resident memory with the ledger open (F3), against
               the bare app's
    suite      the README's test command, 3 workers (only with --suite: it runs
               every test, so not while others share the machine)

Prints one table (value, floor, ratio, target) and exits 1 when a target is
missed. CI does not run it: timings there are noise.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

import bench_store  # noqa: E402
import bench_ui  # noqa: E402

BRANCHES = 2000
TODAY = "2016-12-31"  # the demo's campaign year; overdue counts stay fixed
ROWS = ("launch", "filter", "list", "findings", "save", "memo", "rss", "suite")

BARE_APP = r"""
import sys
from textual.app import App
from textual.widgets import DataTable, Static

class Bare(App):
    def compose(self):
        yield Static(id="status")
        yield DataTable()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("党支部", "领域", "书记", "党员", "最近指导", "未销号", "逾期", "软弱涣散")
        n = int(sys.argv[1])
        table.add_rows((f"城关镇第{i}党支部", "农村", "张三", "30", "2016-06-01", "3", "1", "") for i in range(n))
        self.query_one("#status", Static).update(f"共 {n} 个支部")

Bare().run()
"""

READ_FILES = r"""
import os, sys
base = os.path.join(sys.argv[1], "branches")
n = 0
for name in os.listdir(base):
    with open(os.path.join(base, name, "branch.json"), "rb") as f:
        n += len(f.read())
print(n)
"""

FILTER = r"""
import asyncio, json, os, sys
sys.path[:0] = sys.argv[2:4]
import bench_ui
refill, refill_cpu, keys, idle, total = asyncio.run(bench_ui.filter_times(__import__("pathlib").Path(sys.argv[1])))
print(json.dumps({"keys": keys, "idle": idle, "refill": refill}))
"""


@dataclass
class Row:
    name: str
    value: float
    unit: str
    floor: float | None = None
    target: float | None = None  # absolute, in `unit`
    ratio_target: float | None = None  # value / floor
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None

    @property
    def met(self) -> bool:
        ok = True
        if self.target is not None:
            ok &= self.value <= self.target
        if self.ratio_target is not None and self.ratio is not None:
            ok &= self.ratio <= self.ratio_target
        return ok


def env() -> dict[str, str]:
    """As an installed copy runs: with bytecode (pip compiles on install)."""
    out = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {
        **out,
        "INSPECTOR_TODAY": TODAY,
        "INSPECTOR_USER": "bench",
        "TEXTUAL_DISABLE_KITTY_KEY": "1",
        "PYTHONPATH": str(REPO),
    }


def inspector(*args: str) -> list[str]:
    return [sys.executable, "-m", "inspector.cli", *args]


def build(data: Path) -> None:
    if (data / "meta.json").exists():
        return
    started = time.perf_counter()
    print(f"building the county folder in {data} …", file=sys.stderr)
    subprocess.run(
        inspector("--data", str(data), "demo", "--branches", str(BRANCHES), "--seed", "1"),
        check=True,
        env=env(),
        stdout=subprocess.DEVNULL,
    )
    print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def timed_process(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `argv` run to its end, output discarded
    (CPU time says more than wall time on a loaded machine)."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(argv, check=True, env=env(), stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


# ------------------------------------------------------------------ rows
def launch(data: Path, runs: int) -> list[Row]:
    os.environ.clear()
    os.environ.update(env())  # bench_ui spawns with os.environ
    count = sum(1 for _ in (data / "branches").iterdir())
    expect = f"共 {count} 个支部".encode()
    ordered = "按支部名称升序".encode()
    bare_argv = [sys.executable, "-c", BARE_APP, str(count)]
    shutil.rmtree(data / "cache", ignore_errors=True)
    marks = {expect: float("inf")}
    last, _ = bench_ui.start_time(data, ordered, marks=marks)
    bare, warm = [], []
    for _ in range(runs):  # interleaved, so both see the same load
        bare.append(bench_ui.start_time(data, expect, argv=bare_argv)[0])
        warm.append(bench_ui.start_time(data, expect)[0])
    floor = statistics.median(bare)
    return [
        Row("launch → branch table, warm", statistics.median(warm), "s", floor, ratio_target=1.4),
        Row("launch → branch table, first ever", marks[expect], "s", floor, target=0.8, note="cache/ removed"),
        Row("launch → pinyin order, first ever", last, "s", floor, note="reported, no target"),
    ]


def filter_keys(data: Path) -> list[Row]:
    done = subprocess.run(
        [sys.executable, "-c", FILTER, str(data), str(HERE), str(REPO)],
        check=True,
        env=env(),
        capture_output=True,
        text=True,
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    idle = statistics.median(out["idle"])
    keys = out["keys"]
    p90 = sorted(keys)[int(len(keys) * 0.9)]
    return [
        Row("filter keystroke → idle (Pilot), median", statistics.median(keys), "ms", idle, target=idle + 50),
        Row("filter keystroke → idle (Pilot), p90", p90, "ms", idle, note="reported, no target"),
    ]


def listing(data: Path, runs: int) -> list[Row]:
    floor, floor_cpu = timed_process([sys.executable, "-c", READ_FILES, str(data)], runs)
    whole, cpu = timed_process(inspector("--data", str(data), "list", "findings", "--json"), runs)
    note = f"CPU {cpu:.2f} s, floor's {floor_cpu:.2f} s"
    return [Row("`list findings --json`, whole process", whole, "s", floor, target=1.0, note=note)]


def findings(data: Path, runs: int) -> list[Row]:
    found = bench_store.median_of_runs(data, bench_store.OPEN_FINDINGS, runs)
    return [
        Row(
            f"all open findings ({found['count']:.0f}), cold",
            found["cold"],
            "ms",
            target=500,
            note=f"CPU {found['cold_cpu']:.0f} ms",
        ),
        Row("all open findings, warm", found["warm"], "ms", target=30),
    ]


def fsync_floor(folder: str, size: int) -> float:
    """Ms to write `size` bytes, fsync, rename over the old file and fsync the folder."""
    payload = os.urandom(size)
    target, part = os.path.join(folder, "f.json"), os.path.join(folder, ".f.json.tmp")
    t = time.perf_counter()
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, payload)
    os.fsync(fd)
    os.close(fd)
    os.replace(part, target)
    dfd = os.open(folder, os.O_RDONLY)
    os.fsync(dfd)
    os.close(dfd)
    return (time.perf_counter() - t) * 1000


def save(data: Path, runs: int) -> list[Row]:
    """Each save follows a floor write of its visit file's size, so both meet
    the same load: measured one after the other, minutes apart, the shared
    disk's drift made the ratio swing between 1.1 and 3.

    The target is the ratio alone: 1.2 ms was asked as 1.2x a floor then
    measured at ~1 ms, and this machine's floor alone is 1.5-12 ms."""
    work = Path(tempfile.mkdtemp(prefix="bench-save-", dir=data.parent))
    floors: list[float] = []
    try:
        shutil.copytree(data, work / "data")
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            times = bench_store.bench_saves(
                work / "data", 60 * runs, between=lambda visit: floors.append(fsync_floor(tmp, visit.stat().st_size))
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor = statistics.median(floors)
    return [Row("save one answer, median", statistics.median(times), "ms", floor, ratio_target=1.2)]


def memo(data: Path) -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="bench-memo-", dir=data.parent))
    try:
        shutil.copytree(data, work / "data")
        os.sync()  # the copy's writeback is not the batch's: its first fsyncs would wait for it
        t = time.perf_counter()
        subprocess.run(
            inspector("--data", str(work / "data"), "memo", "--all", "--out-dir", str(work / "out")),
            check=True,
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - t
        written = sum(1 for _ in (work / "out").rglob("*.docx"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    per_2000 = seconds * 2000 / max(written, 1)
    return [Row(f"`memo --all`, scaled to 2,000 ({written} in {seconds:.1f} s)", per_2000, "s", target=15)]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _wait_text(fd: int, text: bytes, timeout: float = 60.0) -> None:
    seen, end = b"", time.monotonic() + timeout
    while text not in seen:
        if time.monotonic() > end:
            raise RuntimeError(f"{text.decode()} did not appear")
        if select.select([fd], [], [], 0.1)[0]:
            seen = seen[-4096:] + os.read(fd, 65536)


def rss(data: Path) -> list[Row]:
    os.environ.clear()
    os.environ.update(env())
    count = sum(1 for _ in (data / "branches").iterdir())
    expect = f"共 {count} 个支部".encode()
    found: dict[str, float] = {}

    def bare(proc: subprocess.Popen, fd: int) -> None:
        time.sleep(0.5)
        found["bare"] = _rss_mb(proc.pid)

    def ledger(proc: subprocess.Popen, fd: int) -> None:
        time.sleep(1.0)
        os.write(fd, b"\x1b")  # the offer to resume unfinished visits, if any
        time.sleep(0.5)
        os.write(fd, b"\x1bOR")  # F3
        _wait_text(fd, "筛选：".encode())
        time.sleep(2.0)  # background work settles
        found["app"] = _rss_mb(proc.pid)

    bench_ui.start_time(data, expect, argv=[sys.executable, "-c", BARE_APP, str(count)], probe=bare)
    bench_ui.start_time(data, expect, timeout=90, probe=ledger)
    return [Row("RSS with the ledger open", found["app"], "MB", found["bare"], target=120)]


def suite() -> list[Row]:
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "3", "-p", "no:cacheprovider"], cwd=REPO, capture_output=True
    )
    seconds = time.perf_counter() - t
    note = done.stdout.decode(errors="replace").strip().splitlines()[-1] if done.stdout else ""
    return [Row("test suite, 3 workers", seconds, "s", target=60, note=note)]


# ------------------------------------------------------------------ table
def show(rows: list[Row]) -> None:
    print(f"{'measure':<52}{'value':>10}{'floor':>10}{'ratio':>7}  {'target':<18}result")
    for r in rows:
        floor = f"{r.floor:.3g}" if r.floor is not None else "—"
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "—"
        wants = []
        if r.target is not None:
            wants.append(f"≤ {r.target:.3g} {r.unit}")
        if r.ratio_target is not None:
            wants.append(f"≤ {r.ratio_target}×")
        verdict = ("ok" if r.met else "MISSED") if wants else ""
        note = f"  ({r.note})" if r.note else ""
        print(
            f"{r.name:<52}{r.value:>8.3g} {r.unit:<2}{floor:>9}{ratio:>7}  {' / '.join(wants) or '—':<18}{verdict}{note}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, help="the county folder (built here when empty)")
    parser.add_argument("--runs", type=int, default=5, help="repeats per timed figure (median)")
    parser.add_argument("--only", default="", help=f"comma-separated rows of {','.join(ROWS)}")
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    args = parser.parse_args()
    data = (args.data or Path(tempfile.gettempdir()) / "inspector-bench-county").resolve()
    subprocess.run([sys.executable, "-m", "compileall", "-q", "inspector", "screens"], cwd=REPO, check=True)
    build(data)
    wanted = [w for w in args.only.split(",") if w] or [r for r in ROWS if r != "suite" or args.suite]
    unknown = set(wanted) - set(ROWS)
    if unknown:
        parser.error(f"unknown rows: {', '.join(sorted(unknown))}")
    runs = max(1, args.runs)
    measures = {
        "launch": lambda: launch(data, runs),
        "filter": lambda: filter_keys(data),
        "list": lambda: listing(data, max(3, runs // 2)),
        "findings": lambda: findings(data, max(3, runs // 2)),
        "save": lambda: save(data, runs),
        "memo": lambda: memo(data),
        "rss": lambda: rss(data),
        "suite": suite,
    }
    print(f"data: {data}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    rows: list[Row] = []
    for name in wanted:
        rows.extend(measures[name]())
    show(rows)
    return 0 if all(r.met for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
