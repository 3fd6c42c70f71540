"""`inspector demo`: fill an empty data folder with a reproducible demo committee."""

from __future__ import annotations

import argparse
import sys
import time

from inspector.demo import ensure_empty, generate, reference_day


# ---------------------------------------------------------------------- CLI
def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "demo",
        help="在空数据目录中生成演示党委（可复现）",
        description="在空数据目录中生成一个演示党委：各领域党支部、现场指导、问题、口袋党员、软弱涣散党组织。",
    )
    p.add_argument("--branches", type=int, default=40, metavar="N", help="党支部数量（默认 40）")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="随机种子，相同种子生成相同数据（默认 1）")
    p.add_argument("--year", type=int, metavar="YYYY", help="演示数据所在的年份（默认取学习教育设置的年份，2016）")
    p.add_argument("--open", action="store_true", help="生成后直接打开终端界面")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from inspector.cli.common import checklist_dirs, open_store
    from inspector.settings import load_settings, resolve_data_dir

    ensure_empty(resolve_data_dir(args.data))  # before opening leaves any file behind
    store = open_store(args)
    last = [0.0]

    def report(n: int, total: int) -> None:
        now = time.perf_counter()
        if n == total or now - last[0] >= 1.0:
            last[0] = now
            print(f"\r已生成 {n}/{total} 个党支部…", end="", file=sys.stderr, flush=True)

    day = reference_day(load_settings(store.root).campaign, args.year)
    stats = generate(
        store, args.branches, args.seed, today=day, checklist_dirs=checklist_dirs(args, store.root), progress=report
    )
    print(file=sys.stderr)
    total = sum(stats.findings.values())
    print(
        f"已生成「{stats.committee}」：党支部 {stats.branches} 个，现场指导 {sum(stats.visits.values())} 次，"
        f"问题 {total} 个（逾期 {stats.overdue} 个），口袋/失联/流动党员 {sum(stats.pockets.values())} 名，"
        f"软弱涣散党组织 {sum(stats.weaklax.values())} 个；日期截至 {day.isoformat()}；用时 {stats.seconds:.1f} 秒。数据目录：{store.root}",
    )
    if args.open:
        from inspector.cli.app import run_app

        return run_app(args)
    return 0
