"""`inspector report`: the 通报 of a period (quarter, months or year) as a Word document."""

from __future__ import annotations

import argparse
from pathlib import Path

from inspector.errors import StoreError


def register(sub) -> None:
    p = sub.add_parser(
        "report",
        help="生成一个时段的现场指导情况通报（Word，含图表）",
        description="按 GB/T 9704 公文格式生成某季度、某几个月或全年的“两学一做”学习教育现场指导情况通报，含统计表和图表。",
    )
    p.add_argument(
        "--period", required=True, metavar="时段", help="2016Q3（季度）、2016-07..2016-09（月份起止）或 2016（全年）"
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="输出的 .docx 文件")
    p.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    names = p.add_mutually_exclusive_group()
    names.add_argument(
        "--anonymise", action="store_true", default=None, help="典型问题不写支部名称（如“某农村党支部”）"
    )
    names.add_argument("--named", dest="anonymise", action="store_false", help="典型问题写出支部名称")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from inspector import clock
    from inspector.cli.common import open_store, warn_skipped
    from inspector.documents.officialdoc import write_new_file
    from inspector.documents.report import render
    from inspector.report.figures import compute, parse_period
    from inspector.settings import load_settings

    period = parse_period(args.period)
    out = Path(args.output).expanduser()
    if out.suffix.lower() != ".docx":
        raise StoreError("通报须保存为 .docx 文件")
    if out.exists() and not args.force:
        raise StoreError(f"文件已存在，未覆盖：{out}（如需覆盖请加 --force）")
    store = open_store(args)
    settings = load_settings(store.root)
    anonymise = settings.report_anonymise if args.anonymise is None else args.anonymise
    today = clock.today()
    figures = compute(store, period, today, anonymise=anonymise)
    committee = store.committee()
    payload = render(
        figures,
        committee=committee.name if committee else settings.committee_name,
        when=today,
        fonts=settings.memo_fonts,
        sealed=settings.memo_sealed,
    )
    write_new_file(out, payload, force=args.force)
    print(f"已生成{period.label}通报：{out}")
    return warn_skipped(store)
