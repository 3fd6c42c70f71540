"""Store speed at county scale: prints figures, asserts nothing.

    /tmp/venv/bin/python benchmarks/bench_store.py            # builds a 2000-branch demo in a temp dir
    /tmp/venv/bin/python benchmarks/bench_store.py --data DIR # reuses a demo folder (answers are added to it)

Cold figures run in a new process with a fresh Store, as a user's next
command would (median of --runs processes; on a busy shared machine the CPU
time is printed too); warm figures repeat the call in the same process when
nothing changed on disk. Figures are wall-clock milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGETS = {
    "save_median": 10.0,
    "save_p95": 30.0,
    "branch_data_median": 50.0,
    "open_findings_cold": 1500.0,
    "open_findings_warm": 300.0,
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def verdict(name: str, value: float) -> str:
    target = TARGETS.get(name)
    if target is None:
        return ""
    return f"  (目标 ≤ {target:g} ms：{'达到' if value <= target else '未达到'})"


def line(label: str, ms: float, name: str = "") -> None:
    print(f"{label:<44}{ms:>10.1f} ms{verdict(name, ms)}")


def median_of_runs(data: Path, code: str, runs: int) -> dict:
    """Each figure as the median over `runs` new processes (a shared machine is noisy)."""
    results = [in_new_process(data, code) for _ in range(runs)]
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


def in_new_process(data: Path, code: str) -> dict:
    """Run `code` (which fills `out`) in a fresh interpreter and return `out`."""
    script = (
        "import json, time\nfrom inspector.store import Store\nfrom inspector.models import FindingStatus\n"
        f"store = Store({str(data)!r}, 'bench')\nout = {{}}\n{code}\nprint(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


OPEN_FINDINGS = """
t, c = time.perf_counter(), time.process_time()
open_ = store.open_findings()
out['cold'] = (time.perf_counter() - t) * 1000
out['cold_cpu'] = (time.process_time() - c) * 1000
out['count'] = len(open_)
t = time.perf_counter()
open_ = store.open_findings()
out['warm'] = (time.perf_counter() - t) * 1000
out['total'] = len(store.all_findings())
"""

SUMMARIES = """
t = time.perf_counter()
n = len(store.branch_summaries())
out['cold'] = (time.perf_counter() - t) * 1000
out['count'] = n
t = time.perf_counter()
store.branch_summaries()
out['warm'] = (time.perf_counter() - t) * 1000
"""


def build(data: Path, branches: int, seed: int) -> float:
    env = {**os.environ, "INSPECTOR_USER": "bench"}
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "inspector.cli",
            "--data",
            str(data),
            "demo",
            "--branches",
            str(branches),
            "--seed",
            str(seed),
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - t


def bench_saves(data: Path, saves: int, between: Callable[[Path], None] | None = None) -> list[float]:
    """Answer items of an in-progress visit one by one, as an inspector does;
    `between` is called with the visit's file before each save (untimed here)."""
    from inspector.models import AnswerValue
    from inspector.store import Store
    from inspector.visit import answer, applicable_items, template_of

    store = Store(data, "bench")
    summary = next(s for s in store.branch_summaries() if s.draft_visits)
    branch = store.branch(summary.id)
    visit = store.visit(summary.draft_visits[0], summary.id)
    template = template_of(store, visit)  # held by the visit screen, as here
    items = applicable_items(template, branch)
    values = [AnswerValue.MET, AnswerValue.PARTLY_MET, AnswerValue.NOT_MET]
    path = store.branch_dir(summary.id) / "visits" / f"{visit.id}.json"
    times = []
    for n in range(saves):
        item = items[n % len(items)]
        value = values[n % len(values)] if values[n % len(values)] in item.allowed_answers else AnswerValue.MET
        if between is not None:
            between(path)
        t = time.perf_counter()
        visit = answer(store, visit, item.id, value, note=f"第{n}次保存", template=template)
        times.append((time.perf_counter() - t) * 1000)
    return times


def bench_branch_data(data: Path, count: int) -> list[float]:
    from inspector.store import Store

    store = Store(data, "bench")
    ids = store.branch_ids()
    step = max(1, len(ids) // count)
    times = []
    for bid in ids[::step][:count]:
        t = time.perf_counter()
        store.branch_data(bid)
        times.append((time.perf_counter() - t) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, help="reuse this demo folder instead of building one")
    parser.add_argument("--branches", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3, help="new processes per cold figure (median)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()

    tmp = None
    if args.data is None:
        tmp = Path(tempfile.mkdtemp(prefix="inspector-bench-"))
        data = tmp / "data"
        secs = build(data, args.branches, args.seed)
        print(f"{'demo --branches ' + str(args.branches):<44}{secs:>10.1f} s")
    else:
        data = args.data
    try:
        found = in_new_process(data, OPEN_FINDINGS)
        print(f"data: {data}  ({found['total']} findings, {found['count']} open)")
        saves = bench_saves(data, args.saves)
        line(f"save one answer, median of {len(saves)}", statistics.median(saves), "save_median")
        line("save one answer, p95", pct(saves, 0.95), "save_p95")
        loads = bench_branch_data(data, 100)
        line(f"branch_data() median of {len(loads)} branches", statistics.median(loads), "branch_data_median")
        line("branch_data() p95", pct(loads, 0.95))
        found = median_of_runs(data, OPEN_FINDINGS, args.runs)
        line(f"all open findings, cold ({found['count']:.0f})", found["cold"], "open_findings_cold")
        line("  the same, CPU time of that process", found["cold_cpu"])
        line("all open findings, warm (nothing changed)", found["warm"], "open_findings_warm")
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "inspector.cli", "--data", str(data), "list", "findings", "--open", "--json"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        line("`inspector list findings --open --json`, whole", (time.perf_counter() - t) * 1000)
        summaries = median_of_runs(data, SUMMARIES, args.runs)
        line("branch_summaries(), new process, cache file", summaries["cold"])
        line("branch_summaries(), warm", summaries["warm"])
        for name in ("index.json", "index.log"):
            (data / "cache" / name).unlink(missing_ok=True)
        summaries = in_new_process(data, SUMMARIES)
        line("branch_summaries(), new process, no cache", summaries["cold"])
    finally:
        if tmp is not None and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp is not None:
            print(f"kept: {data}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
