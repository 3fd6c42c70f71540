"""`inspector memo`: one visit's memo, or all of them with a progress bar."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from inspector.documents.memo import MemoDraft, criteria_texts, gather, issue_memo, long_notes, write_memo
from inspector.documents.memo_batch import write_all
from inspector.models import VisitKind


class ProgressBar:
    """A one-line text progress bar on stderr, redrawn at most 10 times a
    second; into a file or pipe only the final state is written."""

    def __init__(self, label: str, stream=None, width: int = 30):
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0

    def __call__(self, n: int, total: int) -> None:
        if n != total and not self.live:
            return
        now = time.monotonic()
        if 0 < n < total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.width * n // total if total else self.width
        bar = "█" * filled + "░" * (self.width - filled)
        end = "\n" if n == total else ""
        print(f"\r{self.label} {bar} {n}/{total}", end=end, file=self.stream, flush=True)


# ----------------------------------------------------------------------- CLI
def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "memo",
        help="生成现场指导反馈意见（Word 公文格式）",
        description="按 GB/T 9704-2012 公文格式生成现场指导反馈意见（.docx）。",
    )
    p.add_argument(
        "visit_id",
        nargs="*",
        metavar="VISIT_ID",
        help="现场指导记录编号（生成草稿）；或 issue VISIT_ID：印发，确定成文日期",
    )
    p.add_argument("--number", action="store_true", help="与 issue 同用：按设置的文号格式编号")
    p.add_argument("--reason", default="", help="与 issue 同用：重新印发的理由（已印发过时必填）")
    p.add_argument("-o", "--output", metavar="FILE", help="输出文件（默认在当前目录按支部名称命名）；也可为已有目录")
    p.add_argument("--all", action="store_true", help="为所有已完成、尚无最新反馈意见的现场指导生成")
    p.add_argument("--out-dir", metavar="DIR", help="与 --all 同用：输出目录")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.add_argument("--jobs", type=_positive, metavar="N", help="与 --all 同用：并行进程数（默认为 CPU 核数）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from inspector.cli.common import open_store, say

    words = list(args.visit_id)
    issuing = bool(words) and words[0] == "issue"
    if issuing:
        words = words[1:]
    if args.all == bool(words) or len(words) > 1 or (issuing and args.all):
        print("错误：请给出一个现场指导编号（印发：memo issue 编号），或使用 --all", file=sys.stderr)
        return 2
    if args.all and not args.out_dir:
        print("错误：--all 需要用 --out-dir 指定输出目录", file=sys.stderr)
        return 2
    store = open_store(args)
    extra = [Path(d) for d in args.checklists]
    if args.all:
        outcomes = write_all(
            store,
            Path(args.out_dir),
            force=args.force,
            extra_dirs=extra,
            workers=args.jobs,
            progress=ProgressBar("生成反馈意见（支部）"),
        )
        statuses = ("written", "current", "issued", "skipped", "failed")
        count = {s: sum(1 for o in outcomes if o.status == s) for s in statuses}
        for o in [o for o in outcomes if o.status == "failed"][:20]:
            say(f"失败：{o.visit_id}：{o.message}", file=sys.stderr)
        issued = f"，已印发（不重新生成）{count['issued']} 份" if count["issued"] else ""
        skipped = f"，跳过（已重新打开或属回头看）{count['skipped']} 份" if count["skipped"] else ""
        print(
            f"已生成 {count['written']} 份，已是最新 {count['current']} 份{issued}{skipped}，失败 {count['failed']} 份。"
            f"输出目录：{Path(args.out_dir).absolute()}"
        )
        return 1 if count["failed"] else 0
    visit = store.visit(words[0])
    target = Path(args.output).expanduser() if args.output else None
    out_dir = None
    if target is not None and target.is_dir():
        out_dir, target = target, None
    if visit.visit_kind == VisitKind.RETURN:
        from inspector.documents.followup_memo import gather as followup_inputs

        inputs: MemoDraft = followup_inputs(store, visit)
    else:
        from inspector.checklist import load_sources

        sources = load_sources([store.root / "checklists", *extra])
        guidance = gather(store, visit, criteria=criteria_texts(store.root, extra), sources=sources)
        for where in long_notes(guidance):
            say(f"提示：{where} 的记录超过 500 字，未写入反馈意见，请概括后写入", file=sys.stderr)
        inputs = guidance
    common = {"path": target, "out_dir": out_dir, "force": args.force, "inputs": inputs}
    if issuing:
        rec = issue_memo(store, visit, numbered=args.number, reason=args.reason, **common)
        number = f"，文号：{rec.number}" if rec.number else ""
        say(f"已印发（成文日期 {rec.issued_on}{number}）：{rec.file}")
        return 0
    rec = write_memo(store, visit, **common)
    say(f"已生成草稿：{rec.file}")
    return 0
