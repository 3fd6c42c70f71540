"""`inspector settings staff [add|remove] [NAME]`: the committee's staff list, from whom a 销号's verifier is chosen
(and 指导员 and 包联领导: removing someone takes them off their branches).
`inspector settings assign|unassign BRANCH NAME [--role leader]`, `settings assign --import FILE`,
`settings assignments [--person NAME] [--export FILE.xlsx [--force]]`: who guides which branch
(`inspector/assignments.py`); the export imports back with `settings assign --import`."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("settings", help="查看或修改本党委的设置", description="查看或修改本党委的设置。")
    sub = p.add_subparsers(title="设置项", metavar="ITEM", required=True, parser_class=type(p))
    staff = sub.add_parser(
        "staff",
        help="党委工作人员名单（销号的验收人从中选择）",
        description="不带参数时列出名单；add 增加一人，remove 移除一人。",
    )
    staff.add_argument("action", nargs="?", choices=("add", "remove"), help="add 或 remove")
    staff.add_argument("name", nargs="?", metavar="NAME", help="姓名")
    staff.set_defaults(func=run_staff)
    for verb, text in (("assign", "指派党委工作人员为党支部的指导员或包联领导"), ("unassign", "撤销指派")):
        cmd = sub.add_parser(verb, help=text, description=text + "。")
        cmd.add_argument("branch", nargs="?", metavar="BRANCH", help="党支部名称或编号")
        cmd.add_argument("name", nargs="?", metavar="NAME", help="工作人员姓名")
        cmd.add_argument("--role", choices=("guide", "leader"), help="guide 指导员（默认）或 leader 包联领导")
        if verb == "assign":
            cmd.add_argument(
                "--import", dest="table", metavar="FILE", help="从 .xlsx 或 .csv 表格导入（党支部、指导员、包联领导列）"
            )
            cmd.add_argument("--dry-run", action="store_true", help="与 --import 同用：只检查，不写入")
        cmd.set_defaults(func=run_assign, verb=verb)
    listing = sub.add_parser(
        "assignments", help="列出各党支部的指导员和包联领导", description="列出各党支部的指导员和包联领导。"
    )
    listing.add_argument("--person", metavar="NAME", help="只列此人负责的党支部")
    listing.add_argument(
        "--export", metavar="FILE", help="导出为 .xlsx 表格（每个党支部一行，可改后用 settings assign --import 导入）"
    )
    listing.add_argument("--force", action="store_true", help="与 --export 同用：覆盖已有文件")
    listing.set_defaults(func=run_assignments)


def run_staff(args: argparse.Namespace) -> int:
    from inspector import assignments as asg
    from inspector.cli.common import open_store
    from inspector.errors import UserError
    from inspector.settings import load_settings

    store = open_store(args)
    if args.action is None:
        names = load_settings(store.root).staff
        print("\n".join(names) if names else "尚未登记党委工作人员（用 inspector settings staff add 姓名 增加）")
        return 0
    if not args.name:
        raise UserError("请给出姓名，如：inspector settings staff add 张三")
    if args.action == "add":
        saved = asg.add_staff(store, args.name)
    else:
        held = len(asg.branch_ids_of(load_settings(store.root), args.name))
        saved = asg.remove_staff(store, args.name)
        if held:
            print(f"已一并撤销其负责的 {held} 个党支部的指派")
    print(f"党委工作人员名单（{len(saved.staff)}人）：{'、'.join(saved.staff) or '（空）'}")
    return 0


def run_assign(args: argparse.Namespace) -> int:
    from pathlib import Path

    from inspector import assignments as asg
    from inspector.cli.common import open_store, say
    from inspector.errors import UserError
    from inspector.models import AssignmentRole
    from inspector.sync.merge import resolve_branches

    store = open_store(args)
    if getattr(args, "table", None):
        planned = asg.import_table(store, Path(args.table), dry_run=args.dry_run)
        for line in planned.errors[:50]:
            say(line, file=sys.stderr)
        if planned.errors:
            say(f"表格有 {len(planned.errors)} 处错误，未写入任何指派", file=sys.stderr)
            return 1
        done = "检查通过，未写入" if args.dry_run else "已导入"
        say(f"{done}：指派 {len(planned.assignments)} 项，其中新增 {planned.added} 项")
        return 0
    if not (args.branch and args.name):
        raise UserError("请给出党支部和姓名，如：inspector settings assign 红星村党支部 张三")
    [bid] = resolve_branches(store, [args.branch])
    role = AssignmentRole(args.role) if args.role else None
    if args.verb == "assign":
        settings = asg.assign(store, bid, args.name, role or AssignmentRole.GUIDE)
    else:
        settings = asg.unassign(store, bid, args.name, role)
    say(f"{store.branch(bid).name}：{asg.people_line(settings, bid) or '尚未指派'}")
    return 0


def run_assignments(args: argparse.Namespace) -> int:
    from pathlib import Path

    from inspector import assignments as asg
    from inspector.cli.common import open_store, say
    from inspector.settings import load_settings

    store = open_store(args)
    if args.export:
        asg.export_table(store, Path(args.export), force=args.force)
        say(f"已导出：{args.export}")
        return 0
    settings = load_settings(store.root)
    wanted = asg.branch_ids_of(settings, args.person) if args.person else None
    shown = 0
    for branch in sorted(store.branches(), key=lambda b: b.initials or b.name):
        if wanted is not None and branch.id not in wanted:
            continue
        line = asg.people_line(settings, branch.id)
        if line or wanted is None:
            say(f"{branch.name}　{line or '尚未指派'}")
            shown += 1
    if not shown:
        say(f"{args.person}尚未负责任何党支部" if args.person else "还没有党支部")
    return 0
