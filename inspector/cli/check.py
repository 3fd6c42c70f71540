"""`inspector check`: validate the checklists and every data file; exit 1 on any problem."""

from __future__ import annotations

import argparse
from pathlib import Path

from inspector.store.check import Report, check_checklists, check_data


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "check",
        help="检查全部检查清单和数据目录",
        description="检查内置的和本党委的检查清单，以及数据目录中的每个文件；只读不写。发现问题时退出码为 1。",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from inspector.checklist import load_weaklax_criteria
    from inspector.cli.common import checklist_dirs, open_store, say
    from inspector.errors import StoreError
    from inspector.settings import load_settings

    store = open_store(args, read_only=True)
    report = Report()
    try:
        campaign = load_settings(store.root).campaign
    except StoreError:
        campaign = None  # check_data names the broken settings file
    dirs = checklist_dirs(args, store.root)
    check_checklists(dirs, report, required=map(Path, args.checklists), campaign=campaign)
    check_data(store, report, {c.id: c for c in load_weaklax_criteria(dirs)})
    for line in report.problems:
        say(line)
    for line in report.leftovers:
        say(line)
    scope = (
        f"检查清单模板 {report.templates} 个，党支部 {report.branches} 个，"
        f"现场指导 {report.visits} 次，记录 {report.records} 条"
    )
    if report.problems:
        print(f"检查完成：发现 {len(report.problems)} 处问题（{scope}）。")
        return 1
    print(f"检查完成：未发现问题（{scope}）。")
    return 0
