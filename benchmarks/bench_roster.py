"""Roster imports at county size: prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_roster.py [--rows 20000]
    .venv/bin/python benchmarks/bench_roster.py --members 60000 --branches 2000 [--keep FILE.xlsx]

The first form reads a CSV roster of --rows new branches into an empty temp
folder and imports it. The second imports --branches branches, then a .xlsx
member roster of --members members spread over them (built with openpyxl),
and prints the read and save times; with --keep the workbook is kept. The
longest lock hold is the longest batch (each batch is one transaction).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from inspector.roster import MAX_ROWS, import_roster, read_roster
from inspector.store import Store


def branch_csv(rows: int) -> bytes:
    return (
        "支部名称,支部书记,党员人数,联系方式,备注\n"
        + "".join(f"第{n}党支部,书记{n},{n % 90 + 3},1390000{n:04d},备注{n}\n" for n in range(rows))
    ).encode("utf-8")


def member_workbook(path: Path, members: int, branches: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(1)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员花名册")
    sheet.append(["安平县党员花名册"])
    sheet.append(
        [
            "所在党支部",
            "姓名",
            "性别",
            "出生日期",
            "党员类别",
            "入党日期",
            "所在党小组",
            "工作单位及职务",
            "联系电话",
            "党费基数",
        ]
    )
    for n in range(members):
        born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 20000))
        sheet.append(
            [
                f"第{n % branches}党支部",
                f"党员{n}",
                rng.choice("男女"),
                born,
                "正式党员",
                born + timedelta(days=rng.randint(7000, 12000)),
                f"第{rng.randint(1, 5)}党小组",
                "某单位职工",
                f"139{n:08d}",
                rng.randint(2000, 12000),
            ]
        )
    book.save(path)


def run(store: Store, source, label: str, **kw) -> None:
    t, cpu = time.perf_counter(), time.process_time()
    preview = read_roster(source, store.branches(), members_of=store.members, **kw)
    read, read_cpu = time.perf_counter() - t, time.process_time() - cpu
    marks, cpu = [time.perf_counter()], time.process_time()

    def progress(done: int, total: int) -> None:
        marks.append(time.perf_counter())
        if len(marks) % 40 == 0:
            print(f"  {done}/{total}: {marks[-1] - marks[0]:.0f} s", flush=True)

    result = import_roster(store, preview, progress=progress)
    save_cpu = time.process_time() - cpu
    batches = sorted(b - a for a, b in zip(marks, marks[1:]))
    print(f"{label}: read {len(preview.rows)} rows in {read:.1f} s (CPU {read_cpu:.1f} s)", flush=True)
    print(
        f"{label}: saved {result.saved} in {marks[-1] - marks[0]:.1f} s (CPU {save_cpu:.1f} s), {result.batches} batches"
    )
    print(
        f"{label}: lock hold longest {result.longest_hold * 1000:.0f} ms; "
        f"batch median {batches[len(batches) // 2] * 1000:.0f} ms"
    )
    print(f"{label}: total {read + marks[-1] - marks[0]:.1f} s (CPU {read_cpu + save_cpu:.1f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=MAX_ROWS)
    parser.add_argument("--members", type=int, default=0)
    parser.add_argument("--branches", type=int, default=2000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data", "bench")
        if not args.members:
            run(store, branch_csv(args.rows), "branches")
            return
        run(store, branch_csv(args.branches), "branches")
        book = args.keep or Path(tmp) / "members.xlsx"
        t = time.perf_counter()
        member_workbook(book, args.members, args.branches)
        print(
            f"workbook of {args.members} members written in {time.perf_counter() - t:.1f} s ({book.stat().st_size // 1024} KiB)"
        )
        run(store, book, "members")


if __name__ == "__main__":
    main()
