"""Command line of sync: `inspector export`, `inspector import`, `inspector conflicts`.

The app's Conflicts screen calls the same functions in `sync`; these commands
let staff on the server (and tests) do everything over a plain SSH shell.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from inspector.errors import StoreError
from inspector.sync.merge import export_bundle, import_bundle, list_conflicts, local_time, resolve_conflict


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export",
        help="导出同步包（带到服务器或笔记本）",
        description="把党支部的记录及其修改历史导出为一个同步包（zip），用 U 盘或 scp 带到另一台电脑导入。",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="同步包文件名，如 到县委.zip")
    p.add_argument("--branch", action="append", default=[], metavar="名称或编号", help="只导出这个党支部（可重复）")
    p.add_argument(
        "--since", metavar="DATE", help="只导出该日期以来有变化的记录（2026-11-20，或 last 表示上次导出以来）"
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出导出结果")
    p.set_defaults(func=run_export)

    p = subparsers.add_parser(
        "import",
        help="导入同步包（合并，不覆盖冲突）",
        description="导入另一台电脑导出的同步包：按修改历史合并，两边改了同一处时保留两边的值待选择。",
    )
    p.add_argument("file", metavar="FILE", help="同步包文件")
    p.add_argument("--json", action="store_true", help="以 JSON 输出导入报告")
    p.set_defaults(func=run_import)

    p = subparsers.add_parser(
        "conflicts",
        help="查看或处理同步冲突",
        description="列出同步时两边改法不同的字段；用 --pick 冲突编号 序号 选定保留的值。",
    )
    p.add_argument(
        "--pick", nargs=2, metavar=("冲突编号", "序号"), help="保留第几个值（序号从 1 起，编号可只写前几位）"
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=run_conflicts)


def _print_json(data: Any) -> None:
    from inspector.cli.common import json_text

    print(json_text(data))


def run_export(args: argparse.Namespace) -> int:
    from inspector.cli.common import open_store, say

    report = export_bundle(open_store(args), args.output, args.branch or None, args.since)
    _print_json(report.to_json()) if args.json else say(report.line())
    return 0


def run_import(args: argparse.Namespace) -> int:
    from inspector.cli.common import open_store, say

    report = import_bundle(open_store(args), args.file)
    if args.json:
        _print_json(report.to_json())
    else:
        say("\n".join(report.lines()))
    return 0


def run_conflicts(args: argparse.Namespace) -> int:
    from inspector.cli.common import open_store, say

    store = open_store(args)
    found = list_conflicts(store)
    if args.pick:
        prefix, number = args.pick
        matches = [c for c in found if c.id.startswith(prefix)]
        if len(matches) != 1:
            raise StoreError(f"冲突编号「{prefix}」{'不唯一' if matches else '不存在'}，请用 inspector conflicts 查看")
        conflict = matches[0]
        if not number.isdigit() or not 1 <= int(number) <= len(conflict.sides):
            raise StoreError(f"序号应在 1 到 {len(conflict.sides)} 之间")
        side = conflict.sides[int(number) - 1]
        resolve_conflict(store, conflict.id, side.change_id)
        say(f"已保留：{conflict.label} ＝ {side.shown}（由 {store.user} 选定）")
        return 0
    if args.json:
        _print_json([asdict(c) for c in found])
        return 0
    if not found:
        print("没有待处理的同步冲突。")
        return 0
    for c in found:
        say(f"[{c.id[:8]}] {c.branch_name}：{c.label}（当前：{c.current_shown}）")
        for n, s in enumerate(c.sides, 1):
            where = "本机" if s.local else f"安装 {s.inst[:8]}"
            say(f"    {n}. {s.shown}　— {s.who}，{local_time(s.at)}，{where}")
    print(f"共 {len(found)} 处冲突；用 inspector conflicts --pick 编号 序号 选定保留的值。")
    return 0
