"""County-scale figures for sync, against its speed budget.

    /tmp/venv/bin/python benchmarks/bench_sync.py [--branches 2000] [--cache DIR]

Builds (or reuses from --cache) a demo committee as the server, copies it,
sets up a laptop from 25 of its branches, does 50 complete visits on the
laptop, then times: the laptop's bundle of those 50 visits imported into the
2000-branch server (budget 2 s), the same bundle again (a no-op), and the
export of one branch from the server (budget 0.5 s). A full export and a full
import into an empty folder are printed for information. Exits 1 when a
figure is over its budget.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("INSPECTOR_TODAY", "2026-11-26")
TODAY = date(2026, 11, 26)
BUDGETS = {"import 50 visits into the county": 2.0, "export one branch": 0.5}


def build(root: Path, branches: int) -> None:
    from inspector.demo import generate
    from inspector.store import Store

    t = time.perf_counter()
    stats = generate(Store(root, "演示"), branches, 1, today=TODAY)
    print(
        f"built demo: {stats.branches} branches, {sum(stats.visits.values())} visits, "
        f"{sum(stats.findings.values())} findings in {time.perf_counter() - t:.0f} s"
    )


def fifty_visits(laptop, rng: random.Random) -> int:
    """Two complete visits (every applicable item answered, findings for 不符合) in each of 25 branches."""
    from inspector.checklist import load_templates, pick_template
    from inspector.models import AnswerValue, VisitMethod
    from inspector.visit import answer, applicable_items, finding_from_item, finish, start_visit

    templates = load_templates().templates
    done = 0
    for branch in laptop.branches():
        template = pick_template(templates, branch.sector)
        for n in range(2):
            visit = start_visit(
                laptop,
                branch,
                template,
                on=TODAY - timedelta(days=n),
                inspectors=["王干事"],
                methods=[VisitMethod.REVIEW_RECORDS, VisitMethod.DISCUSSION],
            )
            for item in applicable_items(template, branch):
                value = rng.choice([AnswerValue.MET] * 4 + [AnswerValue.PARTLY_MET, AnswerValue.NOT_MET])
                visit = answer(laptop, visit, item.id, value, note="现场查阅" if value != AnswerValue.MET else None)
                if value == AnswerValue.NOT_MET:
                    laptop.save(finding_from_item(visit, item))
            finish(laptop, visit, template, branch)
            done += 1
    return done


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--branches", type=int, default=2000)
    parser.add_argument("--cache", metavar="DIR", help="keep the demo county here between runs")
    args = parser.parse_args()
    from inspector.store import Store
    from inspector.sync.merge import export_bundle, import_bundle

    tmp = tempfile.TemporaryDirectory()
    work = Path(tmp.name)
    county = Path(args.cache) / f"county-{args.branches}" if args.cache else work / "county"
    if not (county / "branches").is_dir():
        build(county, args.branches)
    shutil.copytree(county, work / "server")
    server = Store(work / "server", "县委张")
    laptop = Store(work / "laptop", "王干事")
    figures: dict[str, float] = {}

    picked = sorted(server.branch_ids())[:25]
    secs, rep = timed(lambda: export_bundle(server, work / "setup.zip", branches=picked))
    print(f"export 25 branches for the laptop: {secs * 1000:.0f} ms, {rep.records} records, {rep.bytes / 1024:.0f} KB")
    secs, rep = timed(lambda: import_bundle(laptop, work / "setup.zip"))
    print(f"import them into an empty laptop:  {secs * 1000:.0f} ms, {rep.totals()}")

    mark = time.time()
    secs, n = timed(lambda: fifty_visits(laptop, random.Random(6)))
    print(f"{n} visits done on the laptop in {secs:.1f} s")
    from datetime import datetime

    since = datetime.fromtimestamp(mark).astimezone()
    secs, rep = timed(lambda: export_bundle(laptop, work / "visits.zip", since=since))
    print(
        f"laptop bundle: {rep.visits} visits, {rep.records} records, {rep.changes} changes, "
        f"{rep.bytes / 1024:.0f} KB, exported in {secs * 1000:.0f} ms"
    )
    assert rep.visits >= 50, rep

    secs, rep = timed(lambda: import_bundle(server, work / "visits.zip"))
    figures["import 50 visits into the county"] = secs
    print(
        f"import into the {len(server.branch_ids())}-branch server: {secs * 1000:.0f} ms, {rep.totals()}, "
        f"{rep.new_changes} new changes"
    )
    secs, rep = timed(lambda: import_bundle(server, work / "visits.zip"))
    print(f"same bundle again (no-op):        {secs * 1000:.0f} ms, {rep.totals()}")

    biggest = max(server.branch_ids(), key=lambda b: (server.branch_dir(b) / "branch.json").stat().st_size)
    best = min(timed(lambda: export_bundle(server, work / "one.zip", branches=[biggest]))[0] for _ in range(3))
    figures["export one branch"] = best
    rep = export_bundle(server, work / "one.zip", branches=[biggest])
    print(f"export of the largest branch: {best * 1000:.0f} ms, {rep.records} records, {rep.changes} changes")

    secs, rep = timed(lambda: export_bundle(server, work / "all.zip"))
    print(
        f"(info) full export: {secs:.1f} s, {rep.branches} branches, {rep.records} records, "
        f"{rep.changes} changes, {rep.bytes / 1e6:.1f} MB"
    )
    fresh = Store(work / "fresh", "新机")
    secs, rep = timed(lambda: import_bundle(fresh, work / "all.zip"))
    print(f"(info) full import into an empty folder: {secs:.1f} s, {rep.totals()}")

    failed = False
    for name, secs in figures.items():
        ok = secs <= BUDGETS[name]
        failed |= not ok
        print(f"{name:36s} {secs * 1000:7.0f} ms   budget {BUDGETS[name] * 1000:5.0f} ms   {'ok' if ok else 'OVER'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
