"""`inspector reportback`: record a branch's 整改报告, take its file out, list who has not reported."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "reportback",
        help="整改报告：登记、取出附件、列出逾期未报送的党支部",
        description="不带参数时列出超过报送期限仍未报送整改报告的党支部；"
        "给出现场指导编号和 --received 时登记该次反馈意见的整改报告。",
    )
    p.add_argument("visit_id", nargs="?", metavar="VISIT_ID", help="整改报告所回应的现场指导编号")
    p.add_argument("--received", metavar="DATE", help="收到日期（如 2016-11-02）")
    p.add_argument("--file", metavar="FILE", help="报告文件（复制进数据目录，不超过 20 MB）")
    p.add_argument("--reviewer", default="", help="审阅人")
    p.add_argument("--conclusion", default="", help="审阅结论")
    p.add_argument("--save-file", metavar="DIR", help="把该整改报告的附件取出到 DIR")
    p.add_argument("--person", metavar="NAME", help="列表只含此人任指导员或包联领导的党支部")
    p.add_argument("--json", action="store_true", help="列表以 JSON 输出")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from inspector import clock
    from inspector import reportback as rp
    from inspector.assignments import branch_ids_of
    from inspector.cli.common import open_store, say
    from inspector.dates import parse_date
    from inspector.settings import load_settings

    store = open_store(args)
    if args.visit_id is None:
        today = clock.today()
        late = rp.missing_reports(store, today)
        if args.person:
            mine = branch_ids_of(load_settings(store.root), args.person)
            late = [a for a in late if a.branch_id in mine]
        rows = [
            {
                "branch_id": a.branch_id,
                "branch": store.branch(a.branch_id).name,
                "visit_id": a.visit.id,
                "due": a.due.isoformat(),
                "days_late": a.days_late(today),
            }
            for a in late
        ]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        elif not rows:
            say("没有超过报送期限仍未报送整改报告的党支部")
        else:
            say(f"超过报送期限仍未报送整改报告的党支部（{len(rows)} 个）：")
            for r in rows:
                say(f"{r['branch']}　应于 {r['due']} 前报送　已逾期 {r['days_late']} 天　现场指导 {r['visit_id']}")
        return 0
    visit = store.visit(args.visit_id)
    if args.save_file:
        say(f"已取出：{rp.export_attachment(store, visit, Path(args.save_file))}")
        return 0
    if not args.received:
        print("错误：登记整改报告需要 --received 收到日期", file=sys.stderr)
        return 2
    saved = rp.record_report(
        store,
        visit,
        received_on=parse_date(args.received),
        file=Path(args.file) if args.file else None,
        reviewer=args.reviewer,
        conclusion=args.conclusion,
    )
    attached = f"，附件 {saved.report.file_name}" if saved.report and saved.report.file_name else ""
    say(f"已登记整改报告（收到 {args.received}{attached}）")
    return 0
