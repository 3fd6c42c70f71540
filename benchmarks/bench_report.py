"""Figures for the committee reports: the Excel ledger (rows repeated up to
--rows; with
--unique each copy's long texts differ, as in a real county, so no text repeats),
the 通报 of a period and five branches' paper checklists, against the
csv export of the same rows as an anchor measured in the same run (timings on
a shared machine are noisy: CPU time is printed beside wall time).

    python benchmarks/bench_report.py --data DIR [--rows 50000] [--unique] [--period 2016]
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import time
from datetime import date

from inspector.documents.ledger_export import ledger_csv
from inspector.documents.ledger_xlsx import ledger_xlsx
from inspector.documents.report import render
from inspector.ledger.rows import Ledger
from inspector.report.figures import compute, parse_period
from inspector.reportback import report_cells
from inspector.settings import MemoFonts
from inspector.store import Store


def timed(label: str, fn):
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    print(f"{label}: {time.perf_counter() - start:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def unique(row, i: int):
    """The row with its long texts made its own (numbered)."""
    return dataclasses.replace(
        row,
        description=f"{row.description}（{i}）",
        goal=f"{row.goal}（{i}）",
        measures=f"{row.measures}（{i}）",
        evidence=f"{row.evidence}（{i}）" if row.evidence else "",
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--unique", action="store_true")
    ap.add_argument("--period", default="2016")
    ap.add_argument("--today", default="2016-12-31")
    args = ap.parse_args()
    today = date.fromisoformat(args.today)
    store = Store(args.data, "bench")
    ledger = Ledger(store)
    rows = timed("ledger rows (cold)", lambda: ledger.rows(today))
    print(f"{len(store.branch_summaries())} branches, {len(rows)} findings")
    many = (rows * (args.rows // max(1, len(rows)) + 1))[: args.rows]
    if args.unique:
        many = [unique(r, i) for i, r in enumerate(many)]
    reports = timed("整改报告 states (one pass)", lambda: report_cells(store, today))
    print(f"{len(reports)} branches asked for a 整改报告")
    timed(f"csv of {len(many)} rows (anchor)", lambda: ledger_csv(many, reports))
    data = timed(
        f"xlsx of {len(many)} rows",
        lambda: ledger_xlsx(many, title="台账", subtitle="", today=today, reports=reports),
    )
    print(f"xlsx size: {len(data) / 1e6:.1f} MB, peak memory so far: {peak_mb():.0f} MB")
    period = parse_period(args.period)
    fig = timed(f"通报 figures {period.label}", lambda: compute(store, period, today, ledger=ledger))
    timed("通报 document with charts", lambda: render(fig, committee="演示党委", when=today, fonts=MemoFonts()))
    from inspector.documents.paper_checklist import paper_checklist

    summaries = store.branch_summaries()[:5]
    for s in summaries:
        timed(
            f"paper checklist {s.name}",
            lambda s=s: paper_checklist(store, s, [store.root / "checklists"], fonts=MemoFonts(), when=today),
        )
    print(f"peak memory: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
