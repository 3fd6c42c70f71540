"""Benchmark of the Word memo (issue: one memo <= 150 ms; `memo --all` for
2000 visits <= 90 s on 2 cores).

    /tmp/venv/bin/python benchmarks/bench_memo.py [--branches 2700] [--cache DIR] [--jobs 2] [--single-core]

Builds (once, cached in --cache) a demo committee with enough branches for
2000+ completed visits, then prints: the time of one memo for a typical
visit (median number of findings) and for the largest one, and the time of
`write_all` over every completed visit on a fresh copy of the data.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("INSPECTOR_TODAY", "2026-11-26")

from inspector.documents import memo, memo_batch
from inspector.models import VisitStatus
from inspector.store import Store


def build(cache: Path, branches: int) -> None:
    from inspector.demo import generate

    if (cache / "meta.json").exists():
        return
    started = time.perf_counter()
    stats = generate(Store(cache, "基准"), branches, 7)
    print(f"demo: {branches} branches, visits {stats.visits}, {time.perf_counter() - started:.1f} s", file=sys.stderr)


def completed_visits(store: Store) -> list[tuple[str, str]]:
    """(branch id, visit id) of every completed visit."""
    return [(v.branch_id, v.id) for v in store.all_visit_index() if v.status is VisitStatus.COMPLETED]


def one_memo(root: Path, out: Path) -> None:
    store = Store(root, "基准")
    visits = completed_visits(store)
    sized = []
    for bid, vid in visits[:300]:
        n = sum(1 for f in store.findings(bid) if f.visit_id == vid)
        sized.append((n, bid, vid))
    sized.sort()
    typical = sized[len(sized) // 2]
    largest = sized[-1]
    for label, (n, bid, vid) in (("typical", typical), ("largest", largest)):
        visit = store.visit(vid, bid)
        times, cpu = [], []
        for i in range(15):
            started, cpu0 = time.perf_counter(), time.process_time()
            memo.write_memo(store, visit, path=out / f"{label}-{i}.docx", force=True)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu0) * 1000)
        print(
            f"one memo ({label} visit, {n} findings): median {statistics.median(times[3:]):.0f} ms "
            f"(CPU {statistics.median(cpu[3:]):.0f} ms), first {times[0]:.0f} ms (includes imports), "
            f"file {(out / f'{label}-0.docx').stat().st_size // 1024} KiB"
        )


def all_memos(pristine: Path, jobs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-memo-") as tmp:
        root = Path(tmp) / "data"
        shutil.copytree(pristine, root)
        store = Store(root, "基准")
        total = len(completed_visits(store))
        started = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_utime
        outcomes = memo_batch.write_all(store, Path(tmp) / "out", workers=jobs)
        seconds = time.perf_counter() - started
        cpu = (
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
            + resource.getrusage(resource.RUSAGE_SELF).ru_utime
            - cpu0
        )
        written = sum(1 for o in outcomes if o.status == "written")
        failed = [o for o in outcomes if o.status == "failed"]
        print(
            f"memo --all on {jobs} process(es): {written}/{total} memos in {seconds:.1f} s "
            f"= {written / seconds:.1f} memos/s; 2000 visits ≈ {2000 * seconds / max(written, 1):.0f} s; "
            f"failed {len(failed)}; CPU {cpu:.0f} s ({1000 * cpu / max(written, 1):.0f} ms a memo); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        for o in failed[:5]:
            print("  failed:", o.visit_id, o.message)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--branches", type=int, default=2700)
    ap.add_argument("--cache", default="/tmp/bench-memo-data")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--single-core", action="store_true", help="also time memo --all on one process")
    args = ap.parse_args()
    cache = Path(args.cache)
    build(cache, args.branches)
    with tempfile.TemporaryDirectory(prefix="bench-memo-one-") as tmp:
        root = Path(tmp) / "data"
        shutil.copytree(cache, root)
        one_memo(root, Path(tmp))
    all_memos(cache, args.jobs)
    if args.single_core:
        all_memos(cache, 1)


if __name__ == "__main__":
    main()
