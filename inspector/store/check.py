"""`inspector check`: is every checklist and every data file sound?

Run after editing a committee checklist, after copying a data folder between
machines or when the app reports a damaged file. It reads everything and
changes nothing; each problem is one Chinese line that names the file, and
the exit status is 1 when anything is wrong, so it can guard a script.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from inspector.errors import CorruptFile, StoreError
from inspector.models import (
    Branch,
    Committee,
    Finding,
    Member,
    PocketMember,
    Record,
    Visit,
    WeakLaxDetermination,
)
from inspector.store.changes import Change
from inspector.store.core import VISIT_INDEX, Store, validation_message
from inspector.store.files import META_TABLE, Journal, leftovers, read_error, read_json_file, read_tables

BRANCH_FILE_TABLES: dict[str, type[Record]] = {
    "branch": Branch,
    "finding": Finding,
    "pocket": PocketMember,
    "weaklax": WeakLaxDetermination,
    "member": Member,
}
_KNOWN_BRANCH_TABLES = {*BRANCH_FILE_TABLES, VISIT_INDEX, "changes", META_TABLE}


@dataclass
class Report:
    """What a check found: one line per problem, and what was looked at."""

    problems: list[str] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)  # harmless; removed by the next save
    templates: int = 0
    branches: int = 0
    visits: int = 0
    records: int = 0

    def add(self, line: str) -> None:
        self.problems.append(line)


# -------------------------------------------------------------- checklists
def check_checklists(dirs: Iterable[Path], report: Report, *, required: Iterable[Path] = ()) -> None:
    from inspector.checklist import load_templates

    for d in required:
        if not Path(d).is_dir():
            report.add(f"检查清单目录不存在：{d}")
    loaded = load_templates(list(dirs))
    report.templates = len(loaded.templates)
    for err in loaded.errors:
        report.add(f"检查清单：{err}")
    if not loaded.templates:
        report.add("没有任何可用的检查清单模板")


# ------------------------------------------------------------- data folder
class Snapshots:
    """The checklist versions visits were made with, each read and verified once."""

    def __init__(self, report: Report):
        self.report = report
        self.items: dict[Path, set[str] | None] = {}
        self.missing: dict[Path, int] = {}

    def get(self, path: Path, *, used: bool = True) -> set[str] | None:
        """Item ids of the snapshot at `path`; None (reported) when unusable."""
        from inspector.checklist import template_from_snapshot

        if path not in self.items:
            try:
                snapshot = read_json_file(path)
                template = template_from_snapshot(snapshot) if snapshot is not None else None
            except CorruptFile as exc:
                self.report.add(str(exc))
                template = None
            except ValidationError as exc:
                self.report.add(f"检查清单快照无法使用：{path}（{validation_message(exc)}）")
                template = None
            except (ValueError, KeyError, TypeError) as exc:
                self.report.add(f"检查清单快照无法使用：{path}（{exc}）")
                template = None
            else:
                if template is None:
                    self.missing[path] = 0
            self.items[path] = {i.id for i in template.items()} if template else None
        if used and path in self.missing:
            self.missing[path] += 1
        return self.items[path]

    def report_missing(self) -> None:
        for path, visits in sorted(self.missing.items()):
            self.report.add(f"检查清单快照缺失：{path}（{visits} 次现场指导使用该版本）")


def _read(path: Path, report: Report, *, tables: bool = True) -> dict[str, Any] | None:
    try:
        data = read_tables(path) if tables else read_json_file(path)
    except CorruptFile as exc:
        report.add(str(exc))
        return None
    if data is None:
        report.add(f"数据文件缺失：{path}")
    return data


def _records(path: Path, data: dict[str, Any], table: str, cls: type[Record], report: Report) -> Iterator[Record]:
    docs = data.get(table) or {}
    if not isinstance(docs, dict):
        report.add(f"数据文件 {path} 的「{table}」表格式错误")
        return
    for doc_id, doc in docs.items():
        report.records += 1
        try:
            yield cls.model_validate(doc)
        except ValidationError as exc:
            rid = doc.get("id", doc_id) if isinstance(doc, dict) else doc_id
            report.add(f"数据文件 {path} 中的记录 {rid} 无效：{validation_message(exc)}")


def _changes(path: Path, data: dict[str, Any], report: Report) -> None:
    docs = data.get("changes") or {}
    if not isinstance(docs, dict):
        report.add(f"数据文件 {path} 的修改记录表格式错误")
        return
    for doc in docs.values():
        try:
            Change.model_validate(doc)
        except ValidationError as exc:
            report.add(f"数据文件 {path} 中的修改记录无效：{validation_message(exc)}")
            return  # one line per file is enough to send someone to it


def check_data(store: Store, report: Report) -> None:
    root = store.root
    _read(root / "meta.json", report, tables=False)
    if (root / Journal.NAME).exists():
        report.leftovers.append(f"有一次未完成的保存：{root / Journal.NAME}，下次保存时将自动完成")
    left = leftovers(root, time.time())
    report.leftovers += [f"可清理：{path}（中断的保存留下的，下次保存时自动删除）" for path in left]
    committee = root / "committee.json"
    if committee.exists():
        data = _read(committee, report)
        if data is not None:
            list(_records(committee, data, "committee", Committee, report))
            _changes(committee, data, report)
    settings = root / "settings.json"
    if settings.exists():
        from inspector.settings import load_settings

        try:
            load_settings(root)
        except StoreError as exc:
            report.add(str(exc))
    templates = Snapshots(report)
    try:
        bids = store.branch_ids()
    except CorruptFile as exc:
        report.add(str(exc))
        bids = []
    empty = set(left)
    for bid in bids:
        if store.branch_dir(bid) in empty:
            continue
        report.branches += 1
        check_branch(store, bid, report, templates)
    for snapshot in sorted((root / "templates").glob("*.json")):
        templates.get(snapshot, used=False)
    templates.report_missing()


def check_branch(store: Store, bid: str, report: Report, templates: Snapshots) -> None:
    folder = store.branch_dir(bid)
    path = folder / "branch.json"
    data = _read(path, report)
    if data is None:
        return
    for table in sorted(set(data) - _KNOWN_BRANCH_TABLES):
        report.add(f"数据文件 {path} 含有未知的表「{table}」")
    live: dict[str, list[Record]] = {}
    for table, cls in BRANCH_FILE_TABLES.items():
        live[table] = [r for r in _records(path, data, table, cls, report) if not r.deleted]
    _changes(path, data, report)
    branches = live["branch"]
    if len(branches) != 1 or branches[0].id != bid:
        report.add(f"数据文件 {path} 应当恰好含有编号为 {bid} 的一个党支部记录")
    for table in ("finding", "pocket", "weaklax", "member"):
        for r in live[table]:
            owner = getattr(r, "branch_id", bid)
            if owner != bid:
                report.add(f"数据文件 {path} 中的记录 {r.id} 属于另一个党支部（{owner}）")
    index = {v.get("id"): v for v in (data.get(VISIT_INDEX) or {}).values() if isinstance(v, dict)}
    visit_ids = check_visits(store, bid, index, report, templates)
    for vid, entry in index.items():
        if not entry.get("deleted") and vid not in visit_ids:
            report.add(f"数据文件 {path} 的现场指导索引列有 {vid}，但找不到对应的现场指导文件")
    for r in live["finding"] + live["pocket"] + live["weaklax"]:
        vid = getattr(r, "visit_id", None)
        if vid and vid not in visit_ids:
            report.add(f"数据文件 {path} 中的记录 {r.id} 引用了不存在的现场指导 {vid}")


def check_visits(
    store: Store, bid: str, index: dict[str | None, dict[str, Any]], report: Report, templates: Snapshots
) -> set[str]:
    """Check every visit file of a branch against the index; return the ids found."""
    found: set[str] = set()
    vdir = store.branch_dir(bid) / "visits"
    try:
        names = sorted(e.name for e in os.scandir(vdir) if e.name.endswith(".json") and not e.name.startswith("."))
    except FileNotFoundError:
        names = []
    except OSError as exc:
        report.add(str(read_error(exc, vdir)))
        names = []
    for name in names:
        path = vdir / name
        data = _read(path, report)
        if data is None:
            continue
        _changes(path, data, report)
        for visit in _records(path, data, "visit", Visit, report):
            assert isinstance(visit, Visit)
            report.visits += 1
            found.add(visit.id)
            if f"{visit.id}.json" != name or visit.branch_id != bid:
                report.add(f"现场指导文件 {path} 的编号或所属党支部与所在位置不符")
            entry = index.get(visit.id)
            if entry is None:
                report.add(f"现场指导 {visit.id} 不在党支部索引中：{path}")
            elif (entry.get("date"), entry.get("status"), bool(entry.get("deleted"))) != (
                visit.date.isoformat(),
                visit.status.value,
                visit.deleted,
            ):
                report.add(f"现场指导 {visit.id} 的日期或状态与党支部索引不一致：{path}")
            if visit.deleted:
                continue
            template = templates.get(
                store.template_path(visit.template_id, visit.template_version, visit.template_hash)
            )
            if template is not None:
                unknown = [i for i in visit.answers if i not in template]
                if unknown:
                    report.add(
                        f"现场指导 {visit.id} 的答案中有检查清单里没有的条目（{'、'.join(unknown[:5])}）：{path}"
                    )
    return found


# -------------------------------------------------------------------- CLI
