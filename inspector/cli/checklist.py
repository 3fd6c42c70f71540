"""`inspector checklist print`: a branch's checklist on paper (Word) to carry on a visit day."""

from __future__ import annotations

import argparse
from pathlib import Path

from inspector.errors import StoreError


def register(sub) -> None:
    p = sub.add_parser("checklist", help="检查清单（打印纸质检查表）", description="检查清单相关操作。")
    inner = p.add_subparsers(title="操作", metavar="ACTION", required=True)
    pr = inner.add_parser(
        "print",
        help="生成某党支部的纸质检查表（Word）",
        description="按支部所属领域和情况列出适用的检查项，附以往未销号问题和签字栏，供现场指导时填写。",
    )
    pr.add_argument("--branch", required=True, metavar="名称", help="党支部名称或拼音首字母（如 dyzb）")
    pr.add_argument("-o", "--output", required=True, metavar="FILE", help="输出的 .docx 文件")
    pr.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    pr.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from inspector import clock
    from inspector.branches import find_branch
    from inspector.cli.common import checklist_dirs, open_store
    from inspector.documents.officialdoc import write_new_file
    from inspector.documents.paper_checklist import paper_checklist
    from inspector.settings import load_settings

    out = Path(args.output).expanduser()
    if out.suffix.lower() != ".docx":
        raise StoreError("检查表须保存为 .docx 文件")
    if out.exists() and not args.force:
        raise StoreError(f"文件已存在，未覆盖：{out}（如需覆盖请加 --force）")
    store = open_store(args)
    branch = find_branch(store.branch_summaries(), args.branch)
    settings = load_settings(store.root)
    committee = store.committee()
    payload = paper_checklist(
        store,
        branch,
        checklist_dirs(args, store.root),
        fonts=settings.memo_fonts,
        when=clock.today(),
        committee=committee.name if committee else settings.committee_name,
    )
    write_new_file(out, payload, force=args.force)
    print(f"已生成{branch.name}的纸质检查表：{out}")
    return 0
