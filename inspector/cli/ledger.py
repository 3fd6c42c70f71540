"""`inspector ledger`: the rectification ledger to an .xlsx, .csv or .docx file, with the screen's filters."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inspector.errors import StoreError


def _split(values: list[str] | None) -> list[str]:
    """--status 整改中,待验收 and repeated options both work (、 and ， too)."""
    out: list[str] = []
    for v in values or []:
        out.extend(p for p in v.replace("，", ",").replace("、", ",").split(",") if p.strip())
    return out


def register(sub) -> None:
    p = sub.add_parser(
        "ledger",
        help="导出整改台账（Excel、csv 或 Word）",
        description="按筛选条件把整改台账导出为 Excel 工作簿（.xlsx）、.csv（带 BOM，Excel/WPS 可直接打开）或横向 A4 的 Word 表格。",
    )
    p.add_argument("--format", choices=("xlsx", "csv", "docx"), help="导出格式（默认按文件后缀）")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="输出文件")
    p.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    p.add_argument(
        "--status", action="append", metavar="状态", help="未启动、整改中、待验收、已销号 或 未销号，可用逗号分隔多个"
    )
    p.add_argument("--branch", metavar="名称", help="党支部名称或拼音首字母（如 dyzb）")
    p.add_argument("--person", metavar="姓名", help="只要此人任指导员或包联领导的党支部")
    p.add_argument("--sector", action="append", metavar="领域", help="支部所属领域，如 农村、社区")
    p.add_argument("--category", action="append", metavar="类别", help="问题类别，如 组织、作风")
    p.add_argument("--severity", action="append", metavar="程度", help="一般、较重、严重")
    p.add_argument("--overdue", action="store_true", help="只要已逾期的")
    p.add_argument("--due-within", type=int, metavar="N", help="只要 N 天内到期的（未销号）")
    p.add_argument("--text", default="", metavar="文字", help="在问题描述、整改措施、责任人、支部名称中查找")
    p.add_argument("--sort", default="branch", metavar="列", help="排序列（如 整改时限、逾期天数、党支部）")
    p.add_argument("--desc", action="store_true", help="倒序")
    p.set_defaults(func=run)


def filter_from_args(args: argparse.Namespace, summaries, settings=None):
    """The LedgerFilter the options describe; unknown values are one Chinese error line."""
    from inspector.assignments import branch_ids_of
    from inspector.ledger.rows import LedgerFilter, branches_matching, parse_enum_values, parse_statuses
    from inspector.models import FindingCategory, Sector, Severity
    from inspector.settings import Settings

    try:
        branches: frozenset[str] = frozenset()
        if args.branch:
            branches = branches_matching(summaries, args.branch)
            if not branches:
                raise ValueError(f"没有名称或拼音首字母包含「{args.branch}」的党支部")
        if args.person:
            mine = frozenset(branch_ids_of(settings or Settings(), args.person))
            if not mine:
                raise ValueError(f"{args.person}尚未负责任何党支部（用 inspector settings assign 指派）")
            branches = branches & mine if branches else mine
            if not branches:
                raise ValueError(f"{args.person}负责的党支部中没有与「{args.branch}」相符的")
        if args.due_within is not None and args.due_within < 0:
            raise ValueError("--due-within 须为不小于 0 的天数")
        return LedgerFilter(
            statuses=parse_statuses(_split(args.status)),
            branches=branches,
            sectors=parse_enum_values(Sector, _split(args.sector), "领域"),
            categories=parse_enum_values(FindingCategory, _split(args.category), "问题类别"),
            severities=parse_enum_values(Severity, _split(args.severity), "严重程度"),
            overdue=args.overdue,
            due_within=args.due_within,
            text=args.text,
        )
    except ValueError as exc:
        raise StoreError(str(exc)) from None


def _sort_column(name: str) -> str:
    from inspector.ledger.rows import COLUMNS

    by_header = {v: k for k, v in COLUMNS.items()}
    if name in COLUMNS:
        return name
    if name in by_header:
        return by_header[name]
    raise StoreError(f"不能按「{name}」排序（可选：{'、'.join(COLUMNS.values())}）")


def _progress(done: int, total: int) -> None:
    """Rows written so far, on one line of a terminal's stderr."""
    if sys.stderr.isatty():
        print(f"\r已写入 {done}/{total} 条", end="" if done < total else "\n", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from inspector import clock
    from inspector.cli.common import open_store, warn_skipped
    from inspector.documents.ledger_export import DOCX_ADVISED_ROWS, FORMATS, export_ledger
    from inspector.ledger.rows import Ledger, apply_filter, sort_rows
    from inspector.reportback import report_cells
    from inspector.settings import load_settings

    out = Path(args.output).expanduser()
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise StoreError("请用 --format 指定导出格式（xlsx、csv 或 docx），或使用 .xlsx/.csv/.docx 后缀")
    if out.exists() and not args.force:
        raise StoreError(f"文件已存在，未覆盖：{out}（如需覆盖请加 --force）")
    column = _sort_column(args.sort)
    store = open_store(args)
    today = clock.today()
    ledger = Ledger(store)
    rows = ledger.rows(today)
    settings = load_settings(store.root)
    flt = filter_from_args(args, ledger.summaries.values(), settings)
    rows = sort_rows(apply_filter(rows, flt, today), column, descending=args.desc)
    committee = store.committee()
    if fmt == "docx" and len(rows) > DOCX_ADVISED_ROWS:
        print(f"提示：{len(rows)} 条的 Word 台账篇幅很长，建议改用 Excel 工作簿（--format xlsx）。", file=sys.stderr)
    export_ledger(
        rows,
        out,
        fmt,
        force=args.force,
        fonts=settings.memo_fonts,
        committee=committee.name if committee else settings.committee_name,
        filters=flt.describe({s.id: s.name for s in ledger.summaries.values()}),
        when=today,
        author=store.user,
        reports=report_cells(store, today),
        progress=_progress,
    )
    print(f"已导出 {len(rows)} 条到 {out}")
    return warn_skipped(store)
