"""`inspector settings staff [add|remove] [NAME]`: the committee's staff list, from whom a 销号's verifier is chosen."""

from __future__ import annotations

import argparse


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


def run_staff(args: argparse.Namespace) -> int:
    from inspector.cli.common import open_store
    from inspector.errors import UserError
    from inspector.settings import Settings, load_settings, update_settings

    store = open_store(args)
    if args.action is None:
        names = load_settings(store.root).staff
        print("\n".join(names) if names else "尚未登记党委工作人员（用 inspector settings staff add 姓名 增加）")
        return 0
    if not args.name:
        raise UserError("请给出姓名，如：inspector settings staff add 张三")

    def change(settings: Settings) -> Settings:
        if args.action == "add":
            return settings.with_staff_added(args.name)
        return settings.with_staff_removed(args.name)

    saved = update_settings(store.root, store.lock, change)
    print(f"党委工作人员名单（{len(saved.staff)}人）：{'、'.join(saved.staff) or '（空）'}")
    return 0
