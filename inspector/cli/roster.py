"""`inspector roster import FILE [--branch NAME] [--dry-run] [--yes]` and
`inspector roster export -o FILE [--branch NAME]`: rosters of branches or
members from .xlsx or CSV, and the member roster to .xlsx."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "roster", help="导入支部或党员名册（.xlsx/CSV），导出党员花名册", description="导入或导出名册。"
    )
    sub = p.add_subparsers(title="操作", metavar="ACTION", required=True, parser_class=type(p))
    imp = sub.add_parser(
        "import",
        help="导入名册：按表头识别是支部名册还是党员名册",
        description="先列出预览（新增、更新、有误的行），确认后才写入；有误或无法确定是否同一人的行不导入。",
    )
    imp.add_argument("file", metavar="FILE", help=".xlsx 或 .csv 文件")
    imp.add_argument("--branch", metavar="NAME", help="党员名册没有「所在党支部」列时，导入到这个党支部")
    imp.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    imp.add_argument("--yes", action="store_true", help="不再询问，直接导入")
    imp.add_argument(
        "--match",
        metavar="ROW=CHOICE",
        action="append",
        default=[],
        help="待核对的行是谁：new（新党员）、existing（已有的那位）或已有的第几位（1、2…）；可多次给出",
    )
    imp.set_defaults(func=run_import)
    exp = sub.add_parser("export", help="导出党员花名册（.xlsx）", description="导出党员花名册为 Excel 工作簿。")
    exp.add_argument("-o", "--output", metavar="FILE", required=True, help="输出的 .xlsx 文件")
    exp.add_argument("--branch", metavar="NAME", help="只导出这个党支部（默认全部）")
    exp.add_argument("--force", action="store_true", help="覆盖已有文件")
    exp.set_defaults(func=run_export)


def _show_preview(preview) -> None:
    from inspector.cli.common import say
    from inspector.members import candidate_line
    from inspector.roster import MEMBERS

    what = "党员" if preview.kind == MEMBERS else "党支部"
    counts = preview.counts()
    say(
        f"{'党员名册' if preview.kind == MEMBERS else '支部名册'}（{preview.encoding}）：新增{what} {counts['新增']}，"
        f"更新 {counts['更新']}，无变化 {counts['无变化']}，有误 {len(preview.errors)} 行，"
        f"待核对 {len(preview.ambiguous)} 行" + ("（不导入，可用 --match 指明）" if preview.ambiguous else "")
    )
    for problem in preview.errors:
        say(f"  有误，不导入：{problem}")
    for problem in preview.ambiguous:
        say(f"  待核对：{problem}")
        for number, m in enumerate(problem.candidates, 1):
            say(f"    {number}. {candidate_line(m)}")


def _matches(texts: list[str]) -> dict[int, str]:
    from inspector.errors import RosterChoiceInvalid

    out: dict[int, str] = {}
    for text in texts:
        row, sep, choice = text.partition("=")
        if not sep or not row.strip().isdigit():
            raise RosterChoiceInvalid(f"--match {text}：应写成 行号=new、行号=existing 或 行号=第几位，例如 5=new")
        out[int(row)] = choice.strip().lower()
    return out


def _ask(preview) -> None:
    """On a terminal, ask for each row still ambiguous; a blank answer leaves it out."""
    from inspector.cli.common import say
    from inspector.errors import RosterChoiceInvalid
    from inspector.roster import EXISTING, NEW, resolve

    for problem in list(preview.ambiguous):
        hint = "existing" if len(problem.candidates) == 1 else f"1–{len(problem.candidates)}"
        while True:
            answer = input(f"第{problem.line}行「{problem.member.name}」：new 新党员 / {hint} 已有 / 回车跳过：")
            answer = answer.strip().lower()
            if not answer:
                break
            try:
                resolve(preview, problem.line, {"n": NEW, "e": EXISTING}.get(answer, answer))
                break
            except RosterChoiceInvalid as exc:
                say(str(exc))


def run_import(args: argparse.Namespace) -> int:
    from inspector.cli.common import open_store, say
    from inspector.roster import import_roster, read_roster, resolve

    store = open_store(args, read_only=args.dry_run)
    preview = read_roster(Path(args.file), store.branches(), members_of=store.members, branch=args.branch)
    for row, choice in _matches(args.match).items():
        resolve(preview, row, choice)
    if preview.ambiguous and not args.yes and not args.dry_run and sys.stdin.isatty():
        _show_preview(preview)
        _ask(preview)
    _show_preview(preview)
    if args.dry_run:
        say("仅预览（--dry-run），未写入任何内容")
        return 0
    if not preview.changes:
        say("没有需要写入的内容")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            say("未写入：确认无误后加 --yes 再运行一次")
            return 1
        answer = input(f"写入以上 {len(preview.changes)} 条？输入 y 确认：").strip().lower()
        if answer not in ("y", "yes", "是"):
            say("已取消，未写入任何内容")
            return 1
    live = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if live:
            print(f"\r写入中 {done}/{total}（{done * 100 // total}%）", end="", file=sys.stderr, flush=True)

    result = import_roster(store, preview, progress=progress)
    if live:
        print(file=sys.stderr)
    say(f"已写入 {result.saved} 条（分 {result.batches} 批，单批最长占用 {result.longest_hold:.2f} 秒）")
    for line in result.conflicts:
        say(f"  未导入：{line}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from inspector.cli.common import open_store, say
    from inspector.errors import NotFound, OutputExists
    from inspector.roster import export_members

    store = open_store(args, read_only=True)
    out = Path(args.output)
    if out.exists() and not args.force:
        raise OutputExists(out)
    bids = [b.id for b in sorted(store.branches(), key=lambda b: b.name)]
    if args.branch:
        bids = [b.id for b in store.branches() if "".join(b.name.split()) == "".join(args.branch.split())]
        if not bids:
            raise NotFound(f"找不到党支部：{args.branch}")
    count = export_members(store, bids, out)
    say(f"已导出 {count} 名党员：{out}")
    return 0
