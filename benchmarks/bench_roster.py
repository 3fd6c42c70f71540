"""Roster import at its size limit: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_roster.py [--rows 20000]

Reads a roster of --rows new branches into an empty temp folder and imports
it; the longest lock hold is the longest batch (each batch is one transaction).
"""

from __future__ import annotations

import argparse
import tempfile
import time

from inspector.roster import MAX_ROWS, import_roster, read_roster
from inspector.store import Store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=MAX_ROWS)
    rows = parser.parse_args().rows
    csv = "支部名称,支部书记,党员人数,联系方式,备注\n" + "".join(
        f"第{n}党支部,书记{n},{n % 90 + 3},1390000{n:04d},备注{n}\n" for n in range(rows)
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(tmp, "bench")
        t = time.perf_counter()
        preview = read_roster(csv.encode("utf-8"), store.branches())
        read = time.perf_counter() - t
        marks = [time.perf_counter()]

        def progress(done: int, total: int) -> None:
            marks.append(time.perf_counter())
            if len(marks) % 40 == 0:
                longest = max(b - a for a, b in zip(marks, marks[1:]))
                print(
                    f"  {done}/{total}: {marks[-1] - marks[0]:.0f} s, longest batch {longest * 1000:.0f} ms", flush=True
                )

        result = import_roster(store, preview, progress=progress)
        batches = [b - a for a, b in zip(marks, marks[1:])]
        print(f"read {rows} rows: {read:.1f} s", flush=True)
        print(f"import {result.saved} branches: {marks[-1] - marks[0]:.1f} s in {len(batches)} batches")
        print(
            f"longest batch (lock hold): {max(batches) * 1000:.0f} ms; median {sorted(batches)[len(batches) // 2] * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
