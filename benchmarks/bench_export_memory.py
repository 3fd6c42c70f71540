"""The app process's memory after a Word ledger export, in process and apart.

    .venv/bin/python benchmarks/bench_export_memory.py DIR [--rows 50000]

DIR is a county folder (`inspector --data DIR demo --branches 2000`); its
ledger rows are repeated up to --rows. Each way runs in a fresh interpreter
that holds the rows (as the ledger screen does) and prints its resident
memory before and after the export (the app's way is `export_ledger_apart`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

JOB = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from inspector.documents import ledger_export
    from inspector.ledger.rows import Ledger
    from inspector.store import Store

    def rss():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

    root, rows_wanted, how, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rows = Ledger(Store(root, "bench")).rows()
    rows = (rows * (rows_wanted // len(rows) + 1))[:rows_wanted]
    before = rss()
    started = time.perf_counter()
    export = ledger_export.export_ledger_apart if how == "apart" else ledger_export.export_ledger
    export(rows, out, "docx", force=True, when=date(2016, 12, 31))
    print(f"{how}: {len(rows)} rows, RSS {before:.0f} MB before, {rss():.0f} MB after, {time.perf_counter() - started:.1f} s")
    """
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for how in ("in process", "apart"):
            out = Path(tmp) / "ledger.docx"
            subprocess.run([sys.executable, "-c", JOB, args.data, str(args.rows), how, str(out)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
